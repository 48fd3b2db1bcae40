"""The command line: exit codes, output, determinism, input order invariance."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

from typer.testing import CliRunner

from provenance.cli import app

ROOT = Path(__file__).resolve().parent.parent
SYNDICATION = ROOT / "fixtures" / "golden" / "syndication" / "corpus"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def strip_times(report: dict) -> dict:
    report = json.loads(json.dumps(report))
    report["run"]["started"] = report["run"]["finished"] = None
    return report


def test_summary_without_output_writes_nothing(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(SYNDICATION, corpus)
    before = sorted(p.name for p in corpus.rglob("*"))
    result = invoke("audit", corpus)
    assert result.exit_code == 0, result.output
    assert "documents: 7" in result.output
    assert "verbatim-copy.txt" in result.output and "from guardian-origin.txt" in result.output
    assert sorted(p.name for p in corpus.rglob("*")) == before
    assert list(tmp_path.iterdir()) == [corpus]


def test_report_written_and_deterministic(tmp_path):
    out1, out2 = tmp_path / "r1.json", tmp_path / "r2.json"
    assert invoke("audit", SYNDICATION, "-o", out1).exit_code == 0
    assert invoke("audit", SYNDICATION, "-o", out2).exit_code == 0
    r1, r2 = json.loads(out1.read_text()), json.loads(out2.read_text())
    assert strip_times(r1) == strip_times(r2)
    t1 = out1.read_text().replace(r1["run"]["started"], "").replace(r1["run"]["finished"], "")
    t2 = out2.read_text().replace(r2["run"]["started"], "").replace(r2["run"]["finished"], "")
    assert t1 == t2
    assert r1["run"]["parameters"]["fingerprint"]["seed"] == 1
    assert r1["run"]["parameters"]["fingerprint"]["num_perm"] == 128
    assert r1["run"]["libraries"]["datasketch"].startswith("2.")
    assert {"lxml", "warcio", "prov"} <= set(r1["run"]["libraries"])  # every library the report depends on


def test_same_report_whatever_the_order_files_are_created_or_listed(tmp_path, monkeypatch):
    files = sorted(p for p in SYNDICATION.rglob("*") if p.is_file())
    reports = []
    for seed in (1, 2, 3):
        corpus = tmp_path / f"c{seed}" / "corpus"
        corpus.mkdir(parents=True)
        order = files[:]
        random.Random(seed).shuffle(order)
        for f in order:
            (corpus / f.relative_to(SYNDICATION)).write_bytes(f.read_bytes())
        real_scandir = os.scandir

        class Shuffled:
            def __init__(self, path):
                self._it = real_scandir(path)
                self._entries = list(self._it)
                random.Random(seed).shuffle(self._entries)

            def __enter__(self):
                return iter(self._entries)

            def __exit__(self, *exc):
                self._it.close()

        monkeypatch.setattr("provenance.inventory.os.scandir", Shuffled)
        out = tmp_path / f"r{seed}.json"
        result = invoke("audit", corpus, "-o", out)
        monkeypatch.undo()
        assert result.exit_code == 0, result.output
        reports.append(strip_times(json.loads(out.read_text())))
    assert reports[0] == reports[1] == reports[2]


def test_missing_corpus_is_a_usage_error(tmp_path):
    result = invoke("audit", tmp_path / "nope")
    assert result.exit_code == 2
    assert "no such folder" in result.output


def test_bad_parameter_is_a_usage_error():
    result = invoke("audit", SYNDICATION, "--param", "align.min_span_tokens=-3")
    assert result.exit_code == 2 and "min_span_tokens" in result.output
    result = invoke("audit", SYNDICATION, "--param", "nonsense=1")
    assert result.exit_code == 2 and "unknown parameter" in result.output


def test_parameter_override_is_recorded_and_used(tmp_path):
    out = tmp_path / "r.json"
    result = invoke("audit", SYNDICATION, "-o", out, "--param", "align.min_span_tokens=1000")
    assert result.exit_code == 0
    report = json.loads(out.read_text())
    assert report["run"]["parameters"]["align"]["min_span_tokens"] == 1000
    assert report["clusters"] == []


def test_report_inside_corpus_is_refused(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(SYNDICATION, corpus)
    result = invoke("audit", corpus, "-o", corpus / "report.json")
    assert result.exit_code == 2
    assert not (corpus / "report.json").exists()


def test_strict_fails_on_rejections_but_keeps_the_report(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(SYNDICATION, corpus)
    (corpus / "picture.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really")
    (corpus / "empty.txt").write_bytes(b"")
    out = tmp_path / "r.json"
    lenient = invoke("audit", corpus, "-o", out)
    assert lenient.exit_code == 0
    report = json.loads(out.read_text())
    codes = {r["path"]: r["code"] for r in report["rejections"]}
    assert codes == {"empty.txt": "empty", "picture.jpg": "unsupported-format"}
    inputs = report["run"]["inputs"]
    assert inputs["files_seen"] == inputs["files_with_documents"] + inputs["rejected_files"] + 1
    strict = invoke("audit", corpus, "-o", out, "--strict")
    assert strict.exit_code == 3
    assert json.loads(out.read_text())["summary"]["rejections"] == 2


def test_existing_report_survives_a_failed_run(tmp_path):
    out = tmp_path / "r.json"
    out.write_text("precious")
    result = invoke("audit", tmp_path / "missing", "-o", out)
    assert result.exit_code == 2
    assert out.read_text() == "precious"


def test_summary_command_reads_a_saved_report(tmp_path):
    out = tmp_path / "r.json"
    invoke("audit", SYNDICATION, "-o", out)
    result = invoke("summary", out)
    assert result.exit_code == 0 and "wholly derived" in result.output
    (tmp_path / "bad.json").write_text("{not json")
    bad = invoke("summary", tmp_path / "bad.json")
    assert bad.exit_code == 2 and "bad.json" in bad.output


def test_terminal_output_strips_control_characters(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(SYNDICATION, corpus)
    meta = (corpus / "metadata.csv").read_text().replace("Daily Planet Online", "Daily \x1b[31mPlanet\x07")
    (corpus / "metadata.csv").write_text(meta)
    result = invoke("audit", corpus)
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "Daily Planet" in result.output


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and result.output.startswith("provenance ")


def test_jobs_one_and_two_give_the_same_report(tmp_path):
    reports = []
    for jobs in ("1", "2"):
        out = tmp_path / f"r{jobs}.json"
        result = invoke("audit", SYNDICATION, "-o", out, "--jobs", jobs)
        assert result.exit_code == 0, result.output
        reports.append(strip_times(json.loads(out.read_text())))
    assert reports[0] == reports[1]
    assert invoke("audit", SYNDICATION, "--jobs", "0").exit_code == 2


def test_parallel_map_keeps_order_and_matches_serial():
    from provenance.parallel import map_chunks, state

    items = list(range(1000))
    serial = map_chunks(_square_chunk, items, jobs=1, shared={"k": 3}, stage="t", chunk_size=7)
    parallel = map_chunks(_square_chunk, items, jobs=2, shared={"k": 3}, stage="t", chunk_size=7)
    assert serial == parallel == [3 * i * i for i in items]
    assert state() == {}


def _square_chunk(chunk):
    from provenance.parallel import state

    return [state()["k"] * i * i for i in chunk]


def test_progress_line_shows_rate_and_time_left():
    from provenance.parallel import ProgressLine

    written = []
    line = ProgressLine(written.append)
    line("candidates verified", 0, 10)
    line("candidates verified", 10, 10)
    assert written[0].startswith("\rcandidates verified: 0/10")
    assert "10/10" in written[-2] and written[-1] == "\n"


def test_no_progress_output_when_not_a_terminal():
    result = runner.invoke(app, ["audit", str(SYNDICATION), "-q"])
    assert result.exit_code == 0 and result.output == ""
