"""Robustness of the command line and the sidecar against awkward but real input:
old line endings, UTF-16 spreadsheets, broken JSON escapes, file modes, paths that
collide, malformed reports, odd option values and files that are not files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from provenance.cli import app
from provenance.files import write_atomic
from provenance.sidecar import load_sidecar

runner = CliRunner()
TEXT = ("The county council said on Tuesday that the footbridge over the river would reopen next month "
        "after engineers replaced the corroded supports and repainted the railings.\n")


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def corpus_with(tmp_path: Path, sidecar_name: str | None = None, sidecar: bytes | None = None) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(TEXT, encoding="utf-8")
    if sidecar_name is not None:
        (corpus / sidecar_name).write_bytes(sidecar)
    return corpus


def audit_report(tmp_path: Path, *args) -> dict:
    out = tmp_path / "report.json"
    result = invoke("audit", *args, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def outlet_of(report: dict, path: str = "a.txt") -> str | None:
    return next(d for d in report["documents"] if d["path"] == path)["outlet"]["name"]


# ---------------------------------------------------------------- 1. CR-only line endings


def test_csv_sidecar_with_cr_only_line_endings_is_read(tmp_path):
    data = b"path,outlet,date\ra.txt,Gazette,2016-10-20\r"
    corpus = corpus_with(tmp_path, "metadata.csv", data)
    report = audit_report(tmp_path, corpus)
    assert report["sidecar"]["rows"] == 1 and report["sidecar"]["issues"] == []
    assert outlet_of(report) == "Gazette"
    # the same file given with --metadata, from outside the corpus
    (corpus / "metadata.csv").rename(tmp_path / "meta.csv")
    report = audit_report(tmp_path, corpus, "--metadata", tmp_path / "meta.csv")
    assert report["sidecar"]["rows"] == 1 and outlet_of(report) == "Gazette"


def test_csv_errors_become_sidecar_issues_never_crashes(tmp_path):
    huge = b"path," + b"x" * 200_000 + b"\na.txt,Gazette\n"  # over the csv module's field size limit
    (tmp_path / "metadata.csv").write_bytes(huge)
    sidecar = load_sidecar(tmp_path, tmp_path / "metadata.csv", {"a.txt"})
    assert [(i.line, i.code) for i in sidecar.issues] == [(1, "sidecar-bad-row")]
    assert "line 1" in sidecar.issues[0].reason
    corpus = corpus_with(tmp_path, "metadata.csv", huge)
    report = audit_report(tmp_path, corpus)
    assert [i["code"] for i in report["sidecar"]["issues"]] == ["sidecar-bad-row"]


# ---------------------------------------------------------------- 2. UTF-16 sidecars


@pytest.mark.parametrize("encoding, text", [
    ("utf-16", "path\toutlet\tdate\r\na.txt\tGazette\t2016-10-20\r\n"),   # Excel "Unicode Text": BOM, tabs
    ("utf-16-be", "\ufeffpath,outlet\na.txt,Gazette\n"),
    ("utf-16-le", "\ufeffpath,outlet\na.txt,Gazette\n"),
    ("utf-8", "\ufeffpath,outlet\na.txt,Gazette\n"),
])
def test_sidecar_is_decoded_by_its_byte_order_mark(tmp_path, encoding, text):
    corpus = corpus_with(tmp_path, "metadata.csv", text.encode(encoding))
    report = audit_report(tmp_path, corpus)
    assert report["sidecar"]["issues"] == []
    assert report["sidecar"]["rows"] == 1 and outlet_of(report) == "Gazette"


def test_utf16_jsonl_sidecar_is_decoded(tmp_path):
    corpus = corpus_with(tmp_path, "metadata.jsonl", '{"path": "a.txt", "outlet": "Gazette"}\n'.encode("utf-16"))
    assert outlet_of(audit_report(tmp_path, corpus)) == "Gazette"


# ---------------------------------------------------------------- 3. lone surrogates in JSON Lines


def test_lone_surrogate_in_jsonl_sidecar_does_not_stop_the_audit(tmp_path):
    line = '{"path": "a.txt", "outlet": "Gazette \\ud83d", "title": "Pair \\ud83d\\ude00 and \\ude00 \\ud83d"}\n'
    corpus = corpus_with(tmp_path, "metadata.jsonl", line.encode("ascii"))
    report = audit_report(tmp_path, corpus)
    assert outlet_of(report) == "Gazette \ufffd"
    sidecar = load_sidecar(corpus, corpus / "metadata.jsonl", {"a.txt"})
    assert sidecar.rows[0].title == "Pair \U0001f600 and \ufffd \ufffd"


# ---------------------------------------------------------------- 4. file modes


@pytest.fixture
def umask():
    old = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_report_and_exports_get_the_mode_open_would_give(tmp_path, umask):
    corpus = corpus_with(tmp_path)
    out, csv_out = tmp_path / "out" / "r.json", tmp_path / "out" / "r.csv"
    out.parent.mkdir()
    result = invoke("audit", corpus, "-o", out, "--export", f"csv:{csv_out}", "-q")
    assert result.exit_code == 0, result.output
    assert (mode(out), mode(csv_out)) == (0o644, 0o644)
    umask(0o077)
    write_atomic("x", tmp_path / "private.txt")
    assert mode(tmp_path / "private.txt") == 0o600
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_replacing_a_file_keeps_its_mode(tmp_path, umask):
    corpus = corpus_with(tmp_path)
    out = tmp_path / "r.json"
    out.write_text("old")
    out.chmod(0o640)
    assert invoke("audit", corpus, "-o", out, "-q").exit_code == 0
    assert mode(out) == 0o640 and json.loads(out.read_text())["schema_version"]
    out.chmod(0o644)
    umask(0o077)
    write_atomic("new", out)
    assert mode(out) == 0o644 and out.read_text() == "new"


# ---------------------------------------------------------------- 5. -o / --export over --metadata


def test_report_or_export_cannot_overwrite_the_metadata_file(tmp_path):
    corpus = corpus_with(tmp_path)
    (tmp_path / "o").mkdir()
    meta = tmp_path / "o" / "meta.csv"
    meta.write_text("path,outlet\na.txt,Gazette\n")
    for extra in (["-o", meta],
                  ["-o", tmp_path / "o" / ".." / "o" / "meta.csv"],
                  ["-o", tmp_path / "r.json", "--export", f"csv:{meta}"],
                  ["--export", f"html:{tmp_path / 'o' / '.' / 'meta.csv'}"]):
        result = invoke("audit", corpus, "--metadata", meta, *extra, "-q")
        assert result.exit_code == 2, (extra, result.output)
        assert "--metadata" in result.output
        assert meta.read_text() == "path,outlet\na.txt,Gazette\n"
    assert not (tmp_path / "r.json").exists()


def test_report_cannot_overwrite_a_hard_link_to_the_metadata_file(tmp_path):
    corpus = corpus_with(tmp_path)
    meta = tmp_path / "meta.csv"
    meta.write_text("path,outlet\na.txt,Gazette\n")
    os.link(meta, tmp_path / "link.csv")
    result = invoke("audit", corpus, "--metadata", meta, "-o", tmp_path / "link.csv", "-q")
    assert result.exit_code == 2, result.output
    assert meta.read_text() == "path,outlet\na.txt,Gazette\n"


# ---------------------------------------------------------------- 6. summary / trace of a malformed report


@pytest.mark.parametrize("command", [["summary"], ["trace"], ["trace", "a.txt"]])
def test_summary_and_trace_of_a_malformed_report_exit_2(tmp_path, command):
    report = tmp_path / "min.json"
    report.write_text('{"schema_version": "1.0"}')
    result = invoke(command[0], report, *command[1:])
    assert result.exit_code == 2, result.output
    assert "not a provenance report: missing 'documents'" in result.output
    assert str(report) in result.output


@pytest.mark.parametrize("command", [["summary"], ["trace"], ["trace", "a.txt"]])
def test_summary_and_trace_of_a_damaged_report_exit_2(tmp_path, command):
    good = audit_report(tmp_path, corpus_with(tmp_path))
    good["documents"][0]["passages"] = [{"cluster": "nope"}]
    del good["documents"][0]["derivation"]
    good["summary"]["derivation"] = None
    report = tmp_path / "damaged.json"
    report.write_text(json.dumps(good))
    result = invoke(command[0], report, *command[1:])
    assert result.exit_code == 2, result.output
    assert "not a provenance report or damaged" in result.output


# ---------------------------------------------------------------- 7. --max-file-mb


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "0"])
def test_max_file_mb_must_be_a_finite_positive_number(tmp_path, value):
    corpus = corpus_with(tmp_path)
    result = invoke("audit", corpus, f"--max-file-mb={value}", "-q")
    assert result.exit_code == 2, result.output
    assert "--max-file-mb" in result.output


def test_export_ignores_an_infinite_max_file_mb_in_the_report(tmp_path):
    corpus = corpus_with(tmp_path)
    data = audit_report(tmp_path, corpus)
    data["run"]["options"]["max_file_mb"] = float("inf")
    report = tmp_path / "inf.json"
    report.write_text(json.dumps(data))  # written as Infinity, which json.loads reads back
    result = invoke("export", report, "--format", "html", "-o", tmp_path / "x.html", "--corpus", corpus)
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------- 8. run.corpus of `audit .`


@pytest.mark.parametrize("spelling", [".", "./", "sub/..", "../corpus"])
def test_run_corpus_is_the_folder_name_however_it_is_spelled(tmp_path, monkeypatch, spelling):
    corpus = corpus_with(tmp_path)
    (corpus / "sub").mkdir()
    monkeypatch.chdir(corpus)
    assert audit_report(tmp_path, spelling)["run"]["corpus"] == "corpus"


# ---------------------------------------------------------------- 9. rules explain on what is not a file


def explain(path: Path) -> subprocess.CompletedProcess:
    """In a child process with a time limit: reading a FIFO used to block for ever."""
    return subprocess.run([sys.executable, "-c", "from provenance.cli import main; main()", "rules", "explain",
                           str(path)], capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_rules_explain_refuses_a_fifo(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = explain(fifo)
    assert result.returncode == 2, result.stderr
    assert "not a regular file" in result.stderr and "Traceback" not in result.stderr


def test_rules_explain_refuses_a_folder_and_reads_a_file(tmp_path):
    result = invoke("rules", "explain", tmp_path)
    assert result.exit_code == 2
    assert "is a folder, not a file" in result.output
    (tmp_path / "a.txt").write_text(TEXT)
    result = invoke("rules", "explain", tmp_path / "a.txt")
    assert result.exit_code == 0, result.output
    assert "a.txt (text" in result.output


def test_importing_the_package_loads_no_numpy_and_its_entry_points_load_when_used():
    code = ("import sys, provenance; print('numpy' in sys.modules); "
            "provenance.audit, provenance.default_params; print('numpy' in sys.modules); "
            "print(sorted(set(provenance.__all__) - set(dir(provenance))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:3] == ["False", "True", "[]"]


def test_ctrl_c_while_the_command_line_loads_is_an_interruption():
    # Ctrl-C arriving while NumPy loads, before any command runs
    code = ("import sys\n"
            "class Stop:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'numpy':\n"
            "            raise KeyboardInterrupt\n"
            "sys.meta_path.insert(0, Stop())\n"
            "from provenance.cli import main\n"
            "main()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 130
    assert done.stderr == "provenance: interrupted while starting; nothing was written\n"


def test_an_unreadable_looking_input_is_read_by_the_command(tmp_path, monkeypatch):
    """The option parser would test each path's readability itself and print its own usage
    box; every path is left to the command, whose error names the file and the problem."""
    corpus = corpus_with(tmp_path, "metadata.csv", b"path,outlet\na.txt,Daily Planet\n")
    out = tmp_path / "report.json"
    monkeypatch.setattr(os, "access", lambda *a, **k: False)  # what a parser's readability check sees
    result = invoke("audit", corpus, "-q", "-o", out, "--metadata", corpus / "metadata.csv")
    assert result.exit_code == 0, result.output
    result = invoke("summary", out)
    assert result.exit_code == 0 and "documents: 1" in result.output, result.output
    for args in (["trace", out, "--corpus", corpus], ["export", out, "--format", "csv", "-o", tmp_path / "p.csv"],
                 ["rules", "explain", corpus / "a.txt", "--metadata", corpus / "metadata.csv"]):
        result = invoke(*args)
        assert result.exit_code == 0, (args, result.output)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_report_or_metadata_file_is_named_with_the_problem(tmp_path):
    corpus = corpus_with(tmp_path)
    out = tmp_path / "report.json"
    assert invoke("audit", corpus, "-q", "-o", out).exit_code == 0
    sidecar = tmp_path / "meta.csv"
    sidecar.write_text("path,outlet\n")
    for f in (out, sidecar):
        f.chmod(0)
    result = invoke("summary", out)
    assert result.exit_code == 2 and f"{out}: cannot read report: Permission denied" in result.output
    result = invoke("audit", corpus, "-q", "--metadata", sidecar)
    assert result.exit_code == 2 and f"{sidecar}: cannot read metadata file: Permission denied" in result.output
