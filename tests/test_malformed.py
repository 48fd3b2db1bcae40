"""Hostile and broken input: every file accounted for, clear errors, nothing lost, nothing run."""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from provenance.cli import app

HERE = Path(__file__).resolve().parent.parent / "fixtures" / "malformed"
EXPECTED = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0
runner = CliRunner()


def _make(target: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_malformed", HERE / "make.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(target)


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    base = tmp_path_factory.mktemp("malformed")
    corpus = base / "corpus"
    _make(corpus)
    out = base / "report.json"
    result = runner.invoke(app, ["audit", str(corpus), "-o", str(out), "--summary"])
    yield corpus, result, json.loads(out.read_text(encoding="utf-8"))
    os.chmod(corpus / "unreadable.txt", 0o644)


def label(d: dict) -> str:
    return d["path"] + (f"#{d['record']}" if d.get("record") else "")


def test_the_audit_finishes_with_exit_code_zero(audited):
    _corpus, result, _report = audited
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("path", sorted(EXPECTED["rejections"]))
def test_each_bad_file_is_rejected_with_its_code_and_reason(audited, path):
    _corpus, _result, report = audited
    code, fragment = EXPECTED["rejections"][path]
    if path == "unreadable.txt" and ROOT_USER:
        pytest.skip("running as root: every file is readable, so permission-denied cannot occur")
    found = [r for r in report["rejections"] if r["path"] == path and r["record"] is None]
    assert len(found) == 1, [r["path"] for r in report["rejections"]]
    assert found[0]["code"] == code
    assert fragment in found[0]["reason"]


@pytest.mark.parametrize("key", sorted(EXPECTED["record_rejections"]))
def test_bad_records_are_rejected_and_good_ones_kept(audited, key):
    _corpus, _result, report = audited
    code, fragment = EXPECTED["record_rejections"][key]
    found = [r for r in report["rejections"] if fnmatch.fnmatchcase(label(r), key)]
    assert len(found) == 1 and found[0]["code"] == code and fragment in found[0]["reason"]


@pytest.mark.parametrize("key", sorted(EXPECTED["documents"]))
def test_awkward_but_readable_files_are_read(audited, key):
    _corpus, _result, report = audited
    docs = {label(d): d for d in report["documents"]}
    assert key in docs, sorted(docs)
    want = EXPECTED["documents"][key]
    d = docs[key]
    if "encoding" in want:
        assert d["encoding"] == want["encoding"]
    if "outlet" in want:
        assert d["outlet"]["name"] == want["outlet"]
    if "date" in want:
        assert d["published"]["date"] == want["date"]


def test_every_file_is_accounted_for_exactly_once(audited):
    corpus, _result, report = audited
    on_disk = set()
    for dirpath, dirnames, filenames in os.walk(os.fsencode(corpus), followlinks=False):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            rel = os.path.relpath(os.path.join(dirpath, name), os.fsencode(corpus))
            on_disk.add(rel.decode("utf-8", "backslashreplace"))
    documents = {d["path"] for d in report["documents"]}
    rejected = {r["path"] for r in report["rejections"] if r["record"] is None}
    sidecar = {report["sidecar"]["path"]}
    assert documents.isdisjoint(rejected) and not (documents | rejected) & sidecar
    assert documents | rejected | sidecar == on_disk
    assert report["run"]["inputs"]["files_seen"] == len(on_disk)


def test_sidecar_problems_are_reported_not_fatal(audited):
    _corpus, _result, report = audited
    issues = {i["code"]: i["path"] for i in report["sidecar"]["issues"]}
    assert issues == EXPECTED["sidecar_issues"]


def test_summary_counts_rejections_by_code_and_is_clean(audited):
    _corpus, result, report = audited
    for code, n in report["summary"]["rejections_by_code"].items():
        assert f"{code}: {n}" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "name with newline" in result.output


def test_markup_in_text_is_text_and_scripts_are_dropped(audited):
    corpus, _result, report = audited
    from provenance.inventory import build_inventory

    docs = {d.path: d for d in build_inventory(corpus).documents}
    text = docs["script-in-text.html"].text
    assert "<script>alert('x')</script> shown as text." in text  # the page's own escaped text
    assert "document.title" not in text  # a real script element is never text


def test_xml_entities_are_never_expanded_or_fetched(audited):
    _corpus, _result, report = audited
    import pathlib

    secret = pathlib.Path("/etc/passwd").read_text(errors="replace")[:40]
    assert all(d["path"] not in ("billion-laughs.xml", "external-entity.xml") for d in report["documents"])
    assert secret not in json.dumps(report)


def test_strict_turns_rejections_into_a_failure(tmp_path):
    corpus = tmp_path / "c"
    _make(corpus)
    try:
        result = runner.invoke(app, ["audit", str(corpus), "-o", str(tmp_path / "r.json"), "--strict"])
        assert result.exit_code == 3
        assert (tmp_path / "r.json").exists()
    finally:
        os.chmod(corpus / "unreadable.txt", 0o644)


def test_an_interrupted_write_keeps_the_previous_report(tmp_path, monkeypatch):
    from provenance import report as report_module

    out = tmp_path / "report.json"
    out.write_text("previous complete report", encoding="utf-8")

    class Explodes:
        """An object the encoder cannot encode: it meets it after a good part of the report."""

    def explode(self, o):  # interrupts the encoding there
        raise KeyboardInterrupt

    monkeypatch.setattr(report_module.json.JSONEncoder, "default", explode)
    with pytest.raises(KeyboardInterrupt):
        report_module.write_report({"schema_version": "1", "documents": [f"d{i}" for i in range(30_000)]
                                    + [Explodes()]}, out)
    assert out.read_text(encoding="utf-8") == "previous complete report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind


def test_nothing_is_written_inside_the_corpus(tmp_path):
    corpus = tmp_path / "c"
    _make(corpus)
    try:
        before = sorted(os.listdir(os.fsencode(corpus)))
        result = runner.invoke(app, ["audit", str(corpus)])
        assert result.exit_code == 0
        assert sorted(os.listdir(os.fsencode(corpus))) == before
    finally:
        os.chmod(corpus / "unreadable.txt", 0o644)


def test_the_report_of_hostile_input_is_valid_against_the_schema(audited):
    from importlib import resources

    from jsonschema import Draft202012Validator

    _corpus, _result, report = audited
    schema = json.loads(resources.files("provenance").joinpath("data/report.schema.json").read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(report)]
    assert errors == []
