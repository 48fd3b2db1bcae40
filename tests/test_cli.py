"""The command line: exit codes, output, determinism, input order invariance."""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import typer.testing
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


STORY = (
    "Engineers closed the Marlow Lane footbridge over the river Wend on Tuesday after inspectors found "
    "corrosion in two of its steel supports, the borough council said. Repairs are expected to take six "
    "weeks and to cost about forty thousand pounds. A council spokesperson asked residents to use the "
    "ferry at Quayside Steps, which will run every twenty minutes until the bridge reopens, and said "
    "that the inspection had been brought forward after a cyclist reported a loud creak in September."
)
TOWNS = ("Ashby", "Brindle", "Corwen", "Dunmere", "Elsford", "Fennick", "Garrow", "Holm")
TOPICS = ("allotment", "library", "bus", "market", "orchestra", "swimming", "cricket", "bakery")


def invented_corpus(folder: Path, copies: int = 6, others: int = 6) -> Path:
    """An invented corpus: one story, ``copies`` republications of it (each with its own opening
    and closing lines) and ``others`` unrelated notes; 1 + copies + others documents."""
    folder.mkdir(parents=True)
    (folder / "origin.txt").write_text(STORY + "\n", encoding="utf-8")
    for k in range(copies):
        town = TOWNS[k % len(TOWNS)]
        (folder / f"copy-{k}.txt").write_text(
            f"From our {town} desk, edition {k + 1}.\n\n{STORY}\n\n"
            f"The {town} Courier will follow the story in its weekend pages.\n", encoding="utf-8")
    for k in range(others):
        topic, town = TOPICS[k % len(TOPICS)], TOWNS[(k + 3) % len(TOWNS)]
        words = " ".join(f"{topic}{(k * 17 + i * 5) % 211}" for i in range(40))
        (folder / f"note-{k}.txt").write_text(
            f"The {town} {topic} committee met for the {k + 2}th time this year. {words}.\n", encoding="utf-8")
    return folder


def spy_on_worker_pools(monkeypatch, chunk_size: int = 2) -> list[dict]:
    """Make every parallel stage of the audit share out even a small corpus (chunks of at most
    ``chunk_size`` items; the bands stage whatever the number of windows), and record each worker
    pool started: the stage it served and the process ids of its workers."""
    from provenance import parallel, pipeline

    pools: list[dict] = []
    stages: list[str] = []
    real_map_chunks = parallel.map_chunks

    class SpyPool(parallel.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.record = {"stage": stages[-1], "workers": set()}
            pools.append(self.record)

        def map(self, *args, **kwargs):
            results = super().map(*args, **kwargs)  # every chunk is submitted: the workers exist now
            self.record["workers"] |= set(self._processes or ())
            return results

    def small_chunks(fn, items, *, chunk_size, stage, **kwargs):
        stages.append(stage)
        return real_map_chunks(fn, items, chunk_size=min(chunk_size, small), stage=stage, **kwargs)

    small = chunk_size
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", SpyPool)
    monkeypatch.setattr(pipeline, "map_chunks", small_chunks)
    monkeypatch.setattr(pipeline, "_PARALLEL_WINDOWS", 0)
    return pools


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


def test_every_command_words_a_missing_or_wrong_corpus_alike(tmp_path):
    out = tmp_path / "r.json"
    assert invoke("audit", SYNDICATION, "-q", "-o", out).exit_code == 0
    missing, plain = tmp_path / "nope", tmp_path / "plain.txt"
    plain.write_text("a file\n")
    for folder, problem in ((missing, "no such folder"), (plain, "not a folder")):
        for args in (["audit", folder],
                     ["trace", out, "--corpus", folder],
                     ["export", out, "--format", "html", "-o", tmp_path / "x.html", "--corpus", folder]):
            result = invoke(*args)
            assert result.exit_code == 2, (args, result.output)
            assert f"provenance: error: {folder}: {problem}" in result.output, (args, result.output)
    assert not (tmp_path / "x.html").exists()


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


def test_summary_lists_each_rejection_under_its_own_code(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(SYNDICATION, corpus)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "notes.doc").write_bytes(b"not an article")
    (corpus / "other.doc").write_bytes(b"not an article either")
    out = tmp_path / "r.json"
    assert invoke("audit", corpus, "-o", out, "-q").exit_code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    codes = report["summary"]["rejections_by_code"]
    assert len(codes) == 2 and list(codes.values()) in ([1, 2], [2, 1])
    lines = invoke("summary", out).output.splitlines()
    block = lines[lines.index("Rejected input:") + 1:]
    heading = None
    for line in block:
        if not line.startswith("  "):
            break
        if not line.startswith("    "):
            heading = line.strip().split(":")[0]
            continue
        path = line.strip().split(":")[0]
        assert {r["path"]: r["code"] for r in report["rejections"]}[path] == heading, block


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


def test_jobs_one_and_two_give_the_same_report(tmp_path, monkeypatch):
    corpus = invented_corpus(tmp_path / "corpus")
    reference = tmp_path / "default.json"
    result = invoke("audit", corpus, "-o", reference, "--jobs", "1")
    assert result.exit_code == 0, result.output
    pools = spy_on_worker_pools(monkeypatch)
    out = {}
    for jobs in ("1", "2"):
        out[jobs] = tmp_path / f"r{jobs}.json"
        result = invoke("audit", corpus, "-o", out[jobs], "--jobs", jobs)
        assert result.exit_code == 0, result.output
        if jobs == "1":
            assert pools == []  # one process: no pool, whatever the chunks
    # --jobs 2 really ran each parallel stage on two worker processes
    assert sorted(p["stage"] for p in pools) == ["bands paired", "candidates verified", "documents analysed"]
    for pool in pools:
        assert len(pool["workers"]) == 2 and os.getpid() not in pool["workers"], pool
    reports = [json.loads(path.read_text()) for path in (reference, out["1"], out["2"])]
    assert reports[0]["summary"]["documents"] == 13 and reports[0]["clusters"]  # something to agree on
    assert strip_times(reports[0]) == strip_times(reports[1]) == strip_times(reports[2])
    texts = [path.read_text().replace(r["run"]["started"], "").replace(r["run"]["finished"], "")
             for path, r in zip((reference, out["2"]), (reports[0], reports[2]))]
    assert texts[0] == texts[1]  # byte for byte, but the times
    assert invoke("audit", corpus, "--jobs", "0").exit_code == 2


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


def test_progress_line_shows_rate_and_time_left_and_is_throttled(monkeypatch):
    from provenance import parallel

    clock = [100.0]
    monkeypatch.setattr(parallel, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    written: list[str] = []
    line = parallel.ProgressLine(written.append)

    def at(t: float, stage: str, done: int, total: int) -> None:
        clock[0] = t
        line(stage, done, total)

    at(100.0, "candidates verified", 0, 2000)
    at(102.0, "candidates verified", 500, 2000)  # 250 a second: 1,500 left take 6 s
    at(102.1, "candidates verified", 510, 2000)  # within 0.2 s of the last line: not shown
    at(102.19, "candidates verified", 520, 2000)  # still within
    at(104.0, "candidates verified", 1000, 2000)
    at(104.05, "candidates verified", 2000, 2000)  # the end is always shown, without time left
    at(104.1, "documents analysed", 0, 7)  # a new stage starts its own clock, shown at once
    at(104.15, "documents analysed", 7, 7)
    assert written == [
        "\rcandidates verified: 0/2,000 (0/s)\x1b[K",
        "\rcandidates verified: 500/2,000 (250/s, 6 s left)\x1b[K",
        "\rcandidates verified: 1,000/2,000 (250/s, 4 s left)\x1b[K",
        "\rcandidates verified: 2,000/2,000 (494/s)\x1b[K",
        "\n",
        "\rdocuments analysed: 0/7 (0/s)\x1b[K",
        "\rdocuments analysed: 7/7 (140/s)\x1b[K",
        "\n",
    ]


def test_no_progress_output_when_not_a_terminal(tmp_path):
    corpus = invented_corpus(tmp_path / "corpus")
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", str(corpus), "-o", str(out)])  # not --quiet
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and "\r" not in result.output
    assert result.stdout.startswith(f"{out}: 13 documents, ")
    assert json.loads(out.read_text())["summary"]["documents"] == 13


def test_progress_line_on_a_terminal(tmp_path, monkeypatch):
    corpus = invented_corpus(tmp_path / "corpus")
    out = tmp_path / "r.json"
    monkeypatch.setattr(typer.testing._NamedTextIOWrapper, "isatty", lambda self: self.name == "<stderr>")
    result = runner.invoke(app, ["audit", str(corpus), "-o", str(out)])
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "\rdocuments analysed: 0/13 (0/s)" in err
    assert "\rdocuments analysed: 13/13 (" in err and "/s)\x1b[K\n" in err
    assert "\rcandidates verified: " in err and err.endswith("\n")
    assert "\r" not in result.stdout and result.stdout.startswith(f"{out}: 13 documents, ")
    # --quiet silences it, on a terminal too
    quiet = runner.invoke(app, ["audit", str(corpus), "-o", str(out), "-q"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_schema_command_prints_the_report_schema(tmp_path):
    from jsonschema import Draft202012Validator

    result = invoke("schema")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    shipped = json.loads((ROOT / "provenance" / "data" / "report.schema.json").read_text(encoding="utf-8"))
    assert printed == shipped
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(printed)
    # and a report the tool writes is valid against what it prints
    out = tmp_path / "r.json"
    assert invoke("audit", invented_corpus(tmp_path / "corpus"), "-o", out, "-q").exit_code == 0
    report = json.loads(out.read_text())
    assert [e.message for e in Draft202012Validator(printed).iter_errors(report)] == []


def test_index_info_prints_counts_per_source_and_parameters(tmp_path):
    from provenance import __version__
    from provenance.archive import BUILD_PARAMETERS, FORMAT_VERSION
    from provenance.params import default_params

    corpus = invented_corpus(tmp_path / "corpus")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "a.txt").write_text("The Holm lifeboat crew rescued two walkers cut off by the tide at Garrow Point.\n")
    (extra / "b.txt").write_text("Brindle library will open on Sundays from March, the trustees announced.\n")
    index = tmp_path / "archive.db"
    assert invoke("index", "add", corpus, "--index", index, "--source", "wire", "-q").exit_code == 0
    assert invoke("index", "add", extra, "--index", index, "-q").exit_code == 0
    result = invoke("index", "info", "--index", index)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == [f"{index}: 15 documents", "  source extra: 2", "  source wire: 13"]
    meta = dict(line.strip().split(" = ", 1) for line in lines[3:])
    assert set(meta) == {"format_version", "rules_sha256", "tool_version", *BUILD_PARAMETERS}
    defaults = default_params()
    assert {k: meta[k] for k in BUILD_PARAMETERS} == {k: str(getattr(defaults, k)) for k in BUILD_PARAMETERS}
    assert meta["format_version"] == str(FORMAT_VERSION) and meta["tool_version"] == __version__
    assert len(meta["rules_sha256"]) == 64
    # the parameters an index was built with are the ones shown
    other = tmp_path / "other.db"
    assert invoke("index", "add", extra, "--index", other, "--param", "fingerprint.num_perm=64", "-q").exit_code == 0
    shown = invoke("index", "info", "--index", other)
    assert shown.exit_code == 0 and "  num_perm = 64" in shown.stdout.splitlines()
    assert shown.stdout.startswith(f"{other}: 2 documents\n  source extra: 2\n")
    missing = invoke("index", "info", "--index", tmp_path / "none.db")
    assert missing.exit_code == 2 and "no such index" in missing.output
    assert not (tmp_path / "none.db").exists()


def test_report_that_cannot_be_written_exits_4(tmp_path):
    corpus = invented_corpus(tmp_path / "corpus")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    result = invoke("audit", corpus, "-o", blocker / "r.json")
    assert result.exit_code == 4, result.output
    assert f"{blocker / 'r.json'}: cannot write report" in result.output
    assert blocker.read_text() == "not a folder\n"


def test_a_report_or_export_that_cannot_be_written_fails_before_the_audit(tmp_path, monkeypatch):
    """A missing folder, a file where the folder should be, or a folder at the path: exit 4
    at once, not after the whole corpus was audited."""
    import provenance.cli as cli

    corpus = invented_corpus(tmp_path / "corpus")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    (tmp_path / "a-folder").mkdir()

    def no_audit(*args, **kwargs):
        raise AssertionError("the audit ran")

    monkeypatch.setattr(cli, "audit", no_audit)
    for args, shown in ((["-o", tmp_path / "missing" / "r.json"], "cannot write report: no such folder"),
                        (["-o", blocker / "r.json"], "cannot write report: not a folder"),
                        (["-o", tmp_path / "a-folder"], "cannot write report: it is a folder"),
                        (["--export", f"csv:{tmp_path / 'missing' / 'p.csv'}"], "cannot write csv export: no such folder")):
        result = invoke("audit", corpus, *args)
        assert result.exit_code == 4, result.output
        assert shown in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "a-folder", "corpus"]


def test_a_failed_write_keeps_the_previous_report_and_exits_4(tmp_path, monkeypatch):
    from provenance import files

    corpus = invented_corpus(tmp_path / "corpus")
    folder = tmp_path / "reports"
    folder.mkdir()
    out = folder / "r.json"
    out.write_text("previous report\n")

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)  # the whole report went to the temporary file
    result = invoke("audit", corpus, "-o", out)
    assert result.exit_code == 4, result.output
    assert "cannot write report: No space left on device" in result.output
    assert out.read_text() == "previous report\n"
    assert [p.name for p in folder.iterdir()] == ["r.json"]  # no temporary file left beside it


def test_index_inside_the_corpus_is_refused(tmp_path):
    corpus = invented_corpus(tmp_path / "corpus")
    (corpus / "sub").mkdir()
    before = sorted(p.relative_to(corpus) for p in corpus.rglob("*"))
    for args in (("audit", corpus, "--index", corpus / "archive.db", "--add"),
                 ("audit", corpus, "--index", tmp_path / "corpus" / "sub" / ".." / "archive.db", "--add"),
                 ("index", "add", corpus, "--index", corpus / "sub" / "archive.db")):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "inside the corpus folder" in result.output
        assert sorted(p.relative_to(corpus) for p in corpus.rglob("*")) == before


def test_index_add_needs_a_folder(tmp_path):
    index = tmp_path / "archive.db"
    result = invoke("index", "add", tmp_path / "missing", "--index", index)
    assert result.exit_code == 2 and "missing: no such folder" in result.output
    article = tmp_path / "article.txt"
    article.write_text("The Fennick market will close early on Friday for the lantern parade.\n")
    result = invoke("index", "add", article, "--index", index)
    assert result.exit_code == 2 and "article.txt: not a folder" in result.output
    assert not index.exists()


def test_index_add_checks_jobs_and_the_index_folder_as_audit_does(tmp_path):
    corpus = invented_corpus(tmp_path / "corpus")
    for jobs in ("0", "-3"):
        result = invoke("index", "add", corpus, "--index", tmp_path / "archive.db", "-j", jobs)
        assert result.exit_code == 2 and "--jobs must be at least 1" in result.output, result.output
    missing = tmp_path / "missing" / "archive.db"
    for args in (("index", "add", corpus, "--index", missing), ("audit", corpus, "--index", missing, "--add")):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        assert f"{missing}: cannot create the index: no such folder" in result.output, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]


@pytest.mark.parametrize("option", ["--index", "--rules", "--outlets"])
def test_report_cannot_overwrite_a_file_the_audit_reads(tmp_path, option):
    corpus = invented_corpus(tmp_path / "corpus")
    (tmp_path / "sub").mkdir()
    target = tmp_path / "input.file"
    target.write_text("precious input\n")
    for spelling in (target, tmp_path / "sub" / ".." / "input.file"):
        result = invoke("audit", corpus, option, target, "-o", spelling)
        assert result.exit_code == 2, (spelling, result.output)
        assert f"would overwrite the {option} file" in result.output
        assert target.read_text() == "precious input\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "input.file", "sub"]


def test_param_without_equals_is_a_usage_error(tmp_path):
    corpus = invented_corpus(tmp_path / "corpus")
    out, index = tmp_path / "r.json", tmp_path / "archive.db"
    result = invoke("audit", corpus, "--param", "align.min_span_tokens", "-o", out)
    assert result.exit_code == 2
    assert "--param expects KEY=VALUE, got 'align.min_span_tokens'" in result.output
    result = invoke("audit", corpus, "--param", "=12", "-o", out)
    assert result.exit_code == 2 and "--param expects KEY=VALUE, got '=12'" in result.output
    result = invoke("index", "add", corpus, "--index", index, "--param", "fingerprint.num_perm")
    assert result.exit_code == 2 and "--param expects KEY=VALUE" in result.output
    assert not out.exists() and not index.exists()


def test_audit_of_a_file_is_a_usage_error(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("The Garrow orchestra gave its first concert in the new hall on Saturday.\n")
    out = tmp_path / "r.json"
    result = invoke("audit", article, "-o", out)
    assert result.exit_code == 2 and "article.txt: not a folder" in result.output
    assert not out.exists()


def test_ctrl_c_exits_130_and_writes_no_report(tmp_path, monkeypatch, capsys):
    from provenance import cli

    corpus = invented_corpus(tmp_path / "corpus")
    out = tmp_path / "r.json"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(cli, "audit", interrupted)
        result = invoke("audit", corpus, "-o", out)
        assert result.exit_code == 130, result.output
        assert "provenance: interrupted; the report and each export are written whole" in result.output
        assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]
        # the installed command (provenance.cli:main) exits 130 as well, with the same message
        m.setattr(sys, "argv", ["provenance", "audit", str(corpus), "-o", str(out)])
        with pytest.raises(SystemExit) as stopped:
            cli.main()
        assert stopped.value.code == 130
        assert "provenance: interrupted; the report" in capsys.readouterr().err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]


def test_ctrl_c_during_an_export_names_the_report_written(tmp_path, monkeypatch):
    from provenance import export as export_module

    corpus = invented_corpus(tmp_path / "corpus")
    out, rows = tmp_path / "r.json", tmp_path / "rows.csv"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(export_module, "export", interrupted)
    result = invoke("audit", corpus, "-o", out, "--export", f"csv:{rows}", "-q")
    assert result.exit_code == 130, result.output
    assert f"provenance: interrupted after writing {out};" in result.output
    assert out.exists() and not rows.exists()
    result = invoke("export", out, "--format", "csv", "-o", rows)
    assert result.exit_code == 130 and "interrupted; the export was not written" in result.output
    assert not rows.exists()


def test_ctrl_c_while_writing_keeps_the_previous_report(tmp_path, monkeypatch):
    from provenance import files

    corpus = invented_corpus(tmp_path / "corpus")
    folder = tmp_path / "reports"
    folder.mkdir()
    out = folder / "r.json"
    out.write_text("previous report\n")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupted)  # after the report went to the temporary file
    result = invoke("audit", corpus, "-o", out)
    assert result.exit_code == 130, result.output
    assert out.read_text() == "previous report\n"
    assert [p.name for p in folder.iterdir()] == ["r.json"]


# ---------------------------------------------------------------- summary and trace: reports, records


EXTRA = ("Traders on Quayside Steps told the Gazette that takings had fallen by a third since the closure, and the "
         "chamber of commerce has asked the council to waive parking charges in the town centre until the "
         "footbridge reopens, so that shoppers from the north bank are not put off by the longer journey.")
BATHS = ("The Fennick swimming baths will close for three weeks in August while the old boiler is replaced, "
         "the leisure trust said. Lessons for schools will move to the Garrow pool, and season tickets will be "
         "extended by a month. The trust said the new boiler would halve the baths' gas bill and that the "
         "learner pool would be repainted while it was empty.")


def records_corpus(folder: Path) -> Path:
    """An invented corpus of files holding several documents: a dated origin; a JSON Lines
    feed whose line 1 copies it and adds a paragraph, line 2 is unrelated and line 3 copies
    line 1 whole; a JSON array whose item 0 copies the origin and items 1 and 2, undated,
    share another text."""
    folder.mkdir()
    (folder / "origin.txt").write_text(STORY + "\n", encoding="utf-8")
    (folder / "metadata.csv").write_text("path,outlet,date\norigin.txt,Wend Valley News,2021-03-01\n")
    lines = [
        {"title": "Footbridge shut", "outlet": "Elsford Gazette", "date": "2021-03-02",
         "text": f"From our Elsford desk.\n\n{STORY}\n\n{EXTRA}"},
        {"title": "Allotments", "outlet": "Elsford Gazette", "date": "2021-03-02",
         "text": "The Elsford allotment society has forty new plots to let this spring, its secretary said, "
                 "and the waiting list has been opened to residents of Holm and Brindle for the first time."},
        {"title": "Footbridge again", "outlet": "Holm Courier", "date": "2021-03-03",
         "text": f"Holm notes.\n\n{STORY}\n\n{EXTRA}"},
    ]
    (folder / "feed.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    (folder / "items.json").write_text(json.dumps([
        {"title": "Bridge", "date": "2021-03-04", "text": f"Corwen brief. {STORY}"},
        {"title": "Baths", "text": BATHS},
        {"title": "Baths again", "text": f"Reposted: {BATHS}"},
    ]), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def records_report(tmp_path_factory):
    base = tmp_path_factory.mktemp("records")
    corpus = records_corpus(base / "corpus")
    out = base / "r.json"
    result = invoke("audit", corpus, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    return corpus, out, json.loads(out.read_text(encoding="utf-8"))


def headings(output: str) -> list[str]:
    """The first line of each document's trace: the lines that start with no space and hold `[`."""
    return [line.split("  [")[0] for line in output.splitlines() if line and not line[0].isspace() and "  [" in line]


def test_trace_of_a_file_holding_several_documents_traces_each(records_report):
    _corpus, out, report = records_report
    assert [d["record"] for d in report["documents"] if d["path"] == "feed.jsonl"] == ["line 1", "line 2", "line 3"]
    result = invoke("trace", out, "feed.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("feed.jsonl: 3 documents; each is traced below")
    assert headings(result.stdout) == ["feed.jsonl#line 1", "feed.jsonl#line 2", "feed.jsonl#line 3"]
    # line 2 shares nothing, and says so under its own heading
    line2 = result.stdout.split("feed.jsonl#line 2  [", 1)[1].split("feed.jsonl#line 3  [", 1)[0]
    assert "no passage of this document is shared" in line2
    items = invoke("trace", out, "items.json")
    assert items.exit_code == 0, items.output
    assert headings(items.stdout) == ["items.json#item 0", "items.json#item 1", "items.json#item 2"]


def test_trace_of_one_record_or_id_traces_that_record_only(records_report):
    _corpus, out, report = records_report
    one = invoke("trace", out, "feed.jsonl#line 3")
    assert one.exit_code == 0, one.output
    assert headings(one.stdout) == ["feed.jsonl#line 3"] and "documents; each is traced" not in one.stdout
    line2 = next(d for d in report["documents"] if d["record"] == "line 2")
    by_id = invoke("trace", out, line2["id"])
    assert by_id.exit_code == 0 and headings(by_id.stdout) == ["feed.jsonl#line 2"]
    missing = invoke("trace", out, "feed.jsonl#line 9")
    assert missing.exit_code == 2 and "feed.jsonl#line 9: no such document in the report" in missing.output


def test_trace_names_records_wherever_it_names_a_document(records_report):
    corpus, out, _report = records_report
    result = invoke("trace", out, "feed.jsonl#line 3", "--corpus", corpus)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    copied = [line.strip() for line in lines if line.strip().startswith("copied:")]
    assert any(" feed.jsonl#line 1 [verbatim" in line for line in copied)
    assert any(" items.json#item 0 [verbatim" in line for line in copied)
    # line 3 took the story from line 1 (which holds the paragraph it also copied), not from the origin
    (own,) = [line for line in copied if line.endswith("<- this document") and "taken from" in line]
    assert own.split(" [", 1)[0].endswith(" feed.jsonl#line 3") and "taken from feed.jsonl#line 1]" in own
    # the added paragraph first appeared in line 1
    assert "    first appeared: feed.jsonl#line 1 (Elsford Gazette, 2021-03-02)" in lines
    # with --corpus, a record's passages are quoted from its text
    assert f"    “{EXTRA[:50]}" in "\n".join(lines)
    # no document of a file holding several is ever named by its path alone
    assert not [line for line in lines if ("feed.jsonl" in line and "feed.jsonl#" not in line)
                or ("items.json" in line and "items.json#" not in line)]


def test_summary_names_records_in_every_list(records_report):
    _corpus, out, _report = records_report
    result = invoke("summary", out)
    assert result.exit_code == 0, result.output
    text = result.stdout
    republished = text.split("Republished documents", 1)[1].split("\n\n", 1)[0]
    assert "  feed.jsonl#line 3  [Holm Courier, 2021-03-03]  wholly derived" in republished
    assert "      from feed.jsonl#line 1 (Elsford Gazette, 2021-03-02)" in republished
    originals = text.split("Originals in the corpus", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert originals == ["  origin.txt  [Wend Valley News, 2021-03-01]  republished by 3 documents"]
    shared = text.split("Documents sharing text whose first appearance is undetermined", 1)[1]
    shared = shared.split("\n\n", 1)[0].splitlines()[1:]
    assert [line.split("  shares")[0].strip() for line in shared] == ["items.json#item 1", "items.json#item 2"]
    assert not [line for line in text.splitlines() if ("feed.jsonl" in line and "feed.jsonl#" not in line)
                or ("items.json" in line and "items.json#" not in line)]


REPORT_FIELDS = ("schema_version", "tool", "run", "summary", "documents", "clusters", "rejections", "sidecar")


@pytest.mark.parametrize("field", REPORT_FIELDS)
@pytest.mark.parametrize("command", ["summary", "trace"])
def test_summary_and_trace_refuse_an_incomplete_report(records_report, tmp_path, command, field):
    _corpus, _out, report = records_report
    damaged = {k: v for k, v in report.items() if k != field}
    path = tmp_path / "incomplete.json"
    path.write_text(json.dumps(damaged), encoding="utf-8")
    result = invoke(command, path)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    expected = ("not a provenance report (no schema_version)" if field == "schema_version"
                else f"not a provenance report: missing {field!r}")
    assert f"{path}: {expected}" in result.output


@pytest.mark.parametrize("command", ["summary", "trace"])
def test_summary_and_trace_refuse_a_report_of_another_tool(records_report, tmp_path, command):
    _corpus, _out, report = records_report
    for name, shown in (("other", "'other'"), (None, "None")):
        foreign = json.loads(json.dumps(report))
        foreign["tool"]["name"] = name
        path = tmp_path / "foreign.json"
        path.write_text(json.dumps(foreign), encoding="utf-8")
        result = invoke(command, path)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert f"{path}: not a provenance report: tool.name is {shown}, not 'provenance'" in result.output


@pytest.mark.parametrize("command", ["summary", "trace"])
def test_summary_and_trace_refuse_top_level_fields_of_the_wrong_kind(records_report, tmp_path, command):
    _corpus, _out, report = records_report
    for field, value, kind in (("clusters", {}, "a list"), ("sidecar", [], "an object"), ("tool", "provenance",
                                                                                          "an object")):
        damaged = {**report, field: value}
        path = tmp_path / "damaged.json"
        path.write_text(json.dumps(damaged), encoding="utf-8")
        result = invoke(command, path)
        assert result.exit_code == 2, (field, result.output)
        assert f"not a provenance report or damaged: {field!r} is not {kind}" in result.output


@pytest.mark.parametrize("fmt", ["csv", "html", "prov-json"])
def test_export_names_the_report_it_refuses(records_report, tmp_path, fmt):
    """export refuses an incomplete, foreign or damaged report as summary and trace do: the
    message names the report file, and nothing is written."""
    _corpus, _out, report = records_report
    damaged_origin = json.loads(json.dumps(report))
    del damaged_origin["clusters"][0]["origin"]
    for damaged, expected in (({k: v for k, v in report.items() if k != "clusters"}, "missing 'clusters'"),
                              ({**report, "tool": {"name": "other", "version": "1"}}, "tool.name is 'other'"),
                              ({**report, "documents": {}}, "'documents' is not a list"),
                              (damaged_origin, "incomplete or malformed")):
        path = tmp_path / "damaged.json"
        path.write_text(json.dumps(damaged), encoding="utf-8")
        target = tmp_path / f"out.{fmt}"
        result = invoke("export", path, "--format", fmt, "-o", target)
        assert result.exit_code == 2, result.output
        assert f"provenance: error: {path}: " in result.output and expected in result.output, result.output
        assert not target.exists()


def test_the_library_checks_a_report_before_rendering_it(records_report):
    from provenance.errors import ReportError
    from provenance.summary import render_summary
    from provenance.trace import trace_report

    _corpus, _out, report = records_report
    assert render_summary(report).startswith("provenance ")
    for damaged in ({k: v for k, v in report.items() if k != "clusters"},
                    {**report, "tool": {"name": "other", "version": "1"}},
                    {**report, "schema_version": "2.0"}):
        for render in (render_summary, trace_report):
            with pytest.raises(ReportError, match="not a provenance report|not supported"):
                render(damaged)


# ---------------------------------------------------------------- citations in an audited report


FERRY = ("The Dunmere harbour board will stop the Thursday ferry from next month because the operator cannot "
         "find enough crew, a spokesman said on Monday, adding that the coastal bus would run every hour instead.")


def html_page(site: str, own_url: str, canonical: str, body: str) -> str:
    return (f'<html><head><title>{site}</title><meta property="og:site_name" content="{site}">'
            f'<meta property="og:url" content="{own_url}"><link rel="canonical" href="{canonical}">'
            f"</head><body><article><p>{body}</p></article></body></html>\n")


def test_audited_citations_keep_own_datelines_and_foreign_canonical_links(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "wire.txt").write_text(f"LONDON (Reuters) - {FERRY}\n", encoding="utf-8")
    (corpus / "metadata.csv").write_text("path,outlet,date\nwire.txt,Reuters,2021-03-01\n")
    (corpus / "copy.html").write_text(html_page("Lakeside Post", "https://lakeside.example/ferry",
                                                "https://riverton-gazette.example/2021/03/02/ferry", FERRY))
    (corpus / "self.html").write_text(html_page(
        "Holm Courier", "https://holm-courier.example/news/fete", "http://www.holm-courier.example/news/fete/",
        "The Holm summer fete raised more than two thousand pounds for the lifeboat station, its organisers "
        "said, after a record crowd turned out despite the rain on Saturday afternoon."))
    out = tmp_path / "r.json"
    assert invoke("audit", corpus, "-o", out, "-q").exit_code == 0
    docs = {d["path"]: d for d in json.loads(out.read_text(encoding="utf-8"))["documents"]}
    # the agency's own story: its outlet is Reuters, and its Reuters dateline is listed
    assert docs["wire.txt"]["outlet"]["name"] == "Reuters"
    assert [(c["rule"], c["outlets"], c["text"]) for c in docs["wire.txt"]["citations"]] == [
        ("text.dateline.wire", ["Reuters"], "LONDON (Reuters) -")]
    # a canonical link to a domain no outlet of the registry has is a pointer all the same
    assert [(c["rule"], c["role"], c["outlets"], c["url"]) for c in docs["copy.html"]["citations"]] == [
        ("meta.canonical", "pointer", [], "https://riverton-gazette.example/2021/03/02/ferry")]
    # a canonical link to the page's own address is the page itself, not a citation
    assert docs["self.html"]["citations"] == []


def test_ctrl_c_in_a_reading_command_says_nothing_was_written(tmp_path, monkeypatch):
    from provenance import cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "render_summary", interrupted)
    report = tmp_path / "r.json"
    assert invoke("audit", invented_corpus(tmp_path / "corpus"), "-o", report, "-q").exit_code == 0
    result = invoke("summary", report)
    assert result.exit_code == 130 and "provenance: interrupted; nothing was written" in result.output


def test_params_are_recorded_in_the_order_given(tmp_path):
    report = tmp_path / "r.json"
    args = ["--param", "align.min_span_tokens=30", "--param", "align.min_span_tokens=20"]
    assert invoke("audit", invented_corpus(tmp_path / "corpus"), "-o", report, "-q", *args).exit_code == 0
    run = json.loads(report.read_text(encoding="utf-8"))["run"]
    assert run["options"]["param"] == ["align.min_span_tokens=30", "align.min_span_tokens=20"]
    assert run["parameters"]["align"]["min_span_tokens"] == 20  # the last one given


def test_trace_tells_apart_two_parts_of_one_copy(tmp_path: Path):
    """A copy that holds two parts of a story, with its own text between them, is two
    members of one cluster: trace names each part by its characters, not twice alike."""
    p1 = ("The harbour authority of Skarvik suspended all night-time container handling on Tuesday after a "
          "gantry crane folded onto a loading berth, injuring two dock workers and blocking the main channel "
          "for several hours, the authority said in a statement issued before dawn.")
    p2 = ("The crane, one of six installed at the terminal nine years ago, collapsed shortly after two in the "
          "morning while lifting a refrigerated container, and both injured workers were taken to the city "
          "hospital with fractures, where they were said to be in a stable condition.")
    p3 = ("Shipping lines were told to expect delays of between one and three days, and two vessels bound "
          "for the terminal were diverted to Orrby, where berths had been kept free for the rest of the week "
          "while divers surveyed the channel floor beneath the fallen crane.")
    own = ("Our reporter at the quayside found lorry drivers parked along the coast road, many of whom said "
           "they had not been told of the closure, while a cafe owner opposite the gates complained that "
           "trade had collapsed in a single morning and asked the council for help with the rates bill.")
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "wire.txt").write_text("\n\n".join([p1, p2, p3]) + "\n", encoding="utf-8")
    (corpus / "paper.txt").write_text("\n\n".join([p1, own, p3]) + "\n", encoding="utf-8")
    (corpus / "whole.txt").write_text("\n\n".join([p1, p2, p3]) + "\n", encoding="utf-8")  # the story in one piece
    (corpus / "metadata.csv").write_text("path,outlet,date\nwire.txt,Reuters,2024-03-05T07:40:00Z\n"
                                         "paper.txt,Harbour Gazette,2024-03-06\n"
                                         "whole.txt,Baltic Morning Post,2024-03-05T14:00:00Z\n", encoding="utf-8")
    out = tmp_path / "r.json"
    assert invoke("audit", corpus, "-o", out).exit_code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    [cluster] = report["clusters"]
    parts = sorted((m["start"], m["end"]) for m in (cluster["members"][l["member"]] for l in cluster["chain"]
                                                     if l["path"] == "paper.txt"))
    assert len(parts) == 2
    result = invoke("trace", out, "paper.txt")
    assert result.exit_code == 0
    copied = [line for line in result.output.splitlines() if line.strip().startswith("copied:")]
    mine = [line for line in copied if "paper.txt" in line]
    assert len(mine) == 4 and len(set(mine)) == 2  # each of its two passages lists both parts
    for start, end in parts:
        assert sum(f"paper.txt chars {start}-{end} " in line for line in mine) == 2
    assert not any(" chars " in line for line in copied if "whole.txt" in line)
