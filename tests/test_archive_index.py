"""The persistent archive index: incremental adds, audits against it, parameters, crash safety."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from provenance.cli import app

ROOT = Path(__file__).resolve().parent.parent
SYNDICATION = ROOT / "fixtures" / "golden" / "syndication" / "corpus"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def split_corpus(tmp_path: Path) -> tuple[Path, Path]:
    """The syndication fixture as an archive (everything but the verbatim copy) and new material."""
    old, new = tmp_path / "archive", tmp_path / "incoming"
    shutil.copytree(SYNDICATION, old)
    new.mkdir()
    shutil.move(old / "verbatim-copy.txt", new / "verbatim-copy.txt")
    (new / "metadata.csv").write_text("path,outlet,date\nverbatim-copy.txt,Daily Planet Online,2016-10-21\n")
    return old, new


def documents(index: Path) -> int:
    db = sqlite3.connect(index)
    try:
        return db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    finally:
        db.close()


def test_adding_is_incremental(tmp_path):
    old, _new = split_corpus(tmp_path)
    index = tmp_path / "archive.db"
    first = invoke("index", "add", old, "--index", index)
    assert first.exit_code == 0 and "6 added, 0 replaced, 0 unchanged" in first.output
    again = invoke("index", "add", old, "--index", index)
    assert "0 added, 0 replaced, 6 unchanged" in again.output
    (old / "valley-school.txt").write_text("A different story about the school fete and its cake stall.\n")
    changed = invoke("index", "add", old, "--index", index)
    assert "0 added, 1 replaced, 5 unchanged" in changed.output
    assert documents(index) == 6


def test_audit_against_the_index_finds_the_archived_origin(tmp_path):
    old, new = split_corpus(tmp_path)
    index = tmp_path / "archive.db"
    assert invoke("index", "add", old, "--index", index).exit_code == 0
    out = tmp_path / "r.json"
    result = invoke("audit", new, "--index", index, "-o", out)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    docs = {d["id"]: d for d in report["documents"]}
    (copy,) = [d for d in report["documents"] if d["collection"] is None]
    assert copy["path"] == "verbatim-copy.txt" and copy["derivation"] == "wholly_derived"
    origin = docs[copy["passages"][0]["origin"]["document"]]
    assert (origin["path"], origin["collection"]) == ("guardian-origin.txt", "index:archive")
    assert report["summary"]["documents"] == 1
    assert report["run"]["inputs"]["archive_documents"] >= 1
    # the same answer as auditing everything at once
    full = tmp_path / "full.json"
    assert invoke("audit", SYNDICATION, "-o", full).exit_code == 0
    whole = json.loads(full.read_text())
    whole_docs = {d["id"]: d for d in whole["documents"]}
    (same,) = [d for d in whole["documents"] if d["path"] == "verbatim-copy.txt"]
    assert whole_docs[same["passages"][0]["origin"]["document"]]["path"] == "guardian-origin.txt"
    assert same["reused_fraction"] == copy["reused_fraction"]
    # and the same offsets, on both sides: an archived document's passage is bounded as
    # a corpus document's is (its text is read back from the index)
    assert [(p["start"], p["end"]) for p in same["passages"]] == [(p["start"], p["end"]) for p in copy["passages"]]

    def origin_member(rep: dict, passage: dict) -> tuple[int, int]:
        (cluster,) = [c for c in rep["clusters"] if c["id"] == passage["cluster"]]
        (member,) = [m for m in cluster["members"] if m["document"] == passage["origin"]["document"]]
        return member["start"], member["end"]

    assert origin_member(report, copy["passages"][0]) == origin_member(whole, same["passages"][0])


def test_audit_with_add_grows_the_index(tmp_path):
    old, new = split_corpus(tmp_path)
    index = tmp_path / "archive.db"
    invoke("index", "add", old, "--index", index)
    assert invoke("audit", new, "--index", index, "--add", "-q").exit_code == 0
    assert documents(index) == 7
    assert invoke("audit", new, "--add").exit_code == 2  # --add needs --index


def test_other_parameters_are_refused(tmp_path):
    old, new = split_corpus(tmp_path)
    index = tmp_path / "archive.db"
    invoke("index", "add", old, "--index", index)
    result = invoke("audit", new, "--index", index, "--param", "fingerprint.num_perm=64")
    assert result.exit_code == 2
    assert "num_perm: index has 128, this run uses 64" in result.output
    missing = invoke("audit", new, "--index", tmp_path / "none.db")
    assert missing.exit_code == 2 and "no such index" in missing.output


def test_a_killed_add_leaves_a_usable_index(tmp_path):
    corpus = tmp_path / "big"
    corpus.mkdir()
    words = "council bridge river engineers supports closed minister inquiry report court police traffic".split()
    for i in range(3000):
        body = " ".join(f"{words[(i * 7 + k) % len(words)]}{(i * 31 + k) % 997}" for k in range(120))
        (corpus / f"d{i:05d}.txt").write_text(body + "\n")
    index = tmp_path / "archive.db"
    cmd = [sys.executable, "-m", "provenance.cli", "index", "add", str(corpus), "--index", str(index), "-q",
           "--jobs", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            time.sleep(0.05)
            try:
                if index.exists() and documents(index) > 0:
                    break
            except sqlite3.OperationalError:  # created, but its tables not yet
                continue
        running = proc.poll() is None
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert running, f"`index add` ended (exit {proc.returncode}) before it could be killed mid-run"
    assert index.exists(), f"{index} was never created: `index add` did not start adding"
    db = sqlite3.connect(f"file:{index}?mode=rw", uri=True)  # never creates an empty database
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        keyed = db.execute("SELECT COUNT(DISTINCT doc) FROM keys").fetchone()[0]
    finally:
        db.close()
    assert 0 < count < 3000, f"{count} documents: the kill did not interrupt an add in progress"
    assert keyed == count  # whole batches only: every stored document has its keys
    finish = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert finish.returncode == 0, finish.stderr
    assert documents(index) == 3000


def test_lookup_pairs_a_large_indexed_bucket_with_its_first_document_only(tmp_path):
    import numpy as np

    from provenance.archive import ArchiveIndex
    from provenance.model import Document
    from provenance.params import default_params

    params = default_params()
    index = ArchiveIndex(tmp_path / "i.sqlite", params, "rules", create=True)
    try:
        shared = np.array([[7, 8]], dtype=np.uint64)  # one window's keys in two bands
        items = []
        for k in range(12):
            doc = Document(path=f"d{k}.txt", record=None, sha256=f"{k:064x}", text=f"text {k}", format="text",
                           encoding="utf-8")
            keys = shared if k < 10 else np.array([[7, 99]], dtype=np.uint64)  # 10 share both buckets, 2 share one
            items.append((doc, None, None, keys))
        index.add("archive", items)
        probe, owners = shared.copy(), np.array([0], dtype=np.int64)
        rows = sorted(r for (_o, r) in index.candidates(probe, owners, clique_max=0))
        assert len(rows) == 12  # every indexed document sharing a bucket
        capped = index.candidates(probe, owners, clique_max=8)
        first = min(rows)
        assert capped == [(0, first)]  # both buckets hold more than 8: the first document only
        assert index.candidates(probe, owners, clique_max=20, min_shared=2) == [(0, r) for r in rows[:10]]
    finally:
        index.close()


def small_corpus(folder: Path) -> Path:
    """Two invented articles, one quoting the other at length."""
    story = ("The Dunmere ferry will stop running on Thursdays from next month because the operator cannot "
             "find enough crew, the harbour board said in a statement on Monday. Passengers were advised to "
             "use the coastal bus, which the county council has agreed to run every hour between the harbour "
             "and the station until a new crew has been trained over the spring.")
    folder.mkdir()
    (folder / "board.txt").write_text(story + "\n")
    (folder / "gazette.txt").write_text("From the Elsford Gazette.\n\n" + story + "\n\nMore on page four.\n")
    return folder


def test_a_damaged_or_non_sqlite_index_file_is_refused(tmp_path):
    from provenance.archive import ArchiveIndex, ArchiveIndexError
    from provenance.params import default_params

    corpus = small_corpus(tmp_path / "corpus")
    junk = tmp_path / "junk.db"
    content = b"A shopping list, not a database: flour, eggs, lamp oil.\n" * 40
    junk.write_bytes(content)
    for args in (("audit", corpus, "--index", junk, "-q"),
                 ("audit", corpus, "--index", junk, "--add", "-q"),
                 ("index", "add", corpus, "--index", junk, "-q"),
                 ("index", "info", "--index", junk)):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert f"{junk}: not a provenance index or damaged" in result.output
        assert junk.read_bytes() == content
    with pytest.raises(ArchiveIndexError, match="not a provenance index or damaged"):
        ArchiveIndex(junk, default_params(), "digest", create=True)
    # an index whose header was overwritten
    index = tmp_path / "archive.db"
    assert invoke("index", "add", corpus, "--index", index, "-q").exit_code == 0
    with open(index, "r+b") as fh:
        fh.write(b"\x00garbage" * 10)
    for args in (("audit", corpus, "--index", index, "-q"), ("index", "add", corpus, "--index", index, "-q"),
                 ("index", "info", "--index", index)):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "not a provenance index or damaged" in result.output


def test_an_index_of_another_format_version_is_refused(tmp_path):
    from provenance.archive import FORMAT_VERSION, ArchiveIndex, ArchiveIndexError
    from provenance.params import default_params

    corpus = small_corpus(tmp_path / "corpus")
    index = tmp_path / "archive.db"
    assert invoke("index", "add", corpus, "--index", index, "-q").exit_code == 0
    old = FORMAT_VERSION - 1
    db = sqlite3.connect(index)
    with db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'format_version'", (str(old),))
    db.close()
    expected = f"index format {old} is not supported (this tool writes format {FORMAT_VERSION})"
    for args in (("audit", corpus, "--index", index, "-q"), ("audit", corpus, "--index", index, "--add", "-q"),
                 ("index", "add", corpus, "--index", index, "-q")):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert expected in result.output
    assert documents(index) == 2  # nothing added to it
    with pytest.raises(ArchiveIndexError, match=f"index format {old} is not supported"):
        ArchiveIndex(index, default_params(), "any digest", create=True)
