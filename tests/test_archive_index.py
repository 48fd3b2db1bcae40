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


def test_a_file_added_again_loses_the_records_it_no_longer_holds(tmp_path):
    """A JSON Lines file added again with a line removed: that line's record leaves the
    index (counted as removed); the other records are unchanged, other files untouched,
    and a file gone from the folder stays."""
    corpus = tmp_path / "feeds"
    corpus.mkdir()
    lines = [json.dumps({"id": f"s{i}", "text": f"Story number {i} about the harbour works at Quillmouth, "
                         f"where crews replaced {i} sections of the seawall this week."}) for i in range(4)]
    (corpus / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus / "other.txt").write_text("A separate item about the ferry timetable for the summer season.\n")
    (corpus / "gone.txt").write_text("An item that will be deleted from the folder before the next add.\n")
    index = tmp_path / "archive.db"
    first = invoke("index", "add", corpus, "--index", index)
    assert first.exit_code == 0 and "6 added, 0 replaced, 0 unchanged, 0 removed" in first.output
    (corpus / "feed.jsonl").write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")
    (corpus / "gone.txt").unlink()
    again = invoke("index", "add", corpus, "--index", index)
    # the lines after the removed one are renumbered: "line 2" now holds what "line 3" held
    assert again.exit_code == 0 and "0 added, 2 replaced, 2 unchanged, 1 removed" in again.output, again.output
    db = sqlite3.connect(index)
    try:
        rows = db.execute("SELECT path, record FROM documents ORDER BY path, record").fetchall()
        keys_of_missing = db.execute("SELECT COUNT(*) FROM keys WHERE doc NOT IN (SELECT id FROM documents)").fetchone()
    finally:
        db.close()
    assert rows == [("feed.jsonl", "line 1"), ("feed.jsonl", "line 2"), ("feed.jsonl", "line 3"),
                    ("gone.txt", ""), ("other.txt", "")]
    assert keys_of_missing == (0,)


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
    no_index = invoke("audit", new, "--source", "x")
    assert no_index.exit_code == 2 and "--source needs --index" in no_index.output


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


# ---------------------------------------------------------------- files that are not an index


def other_database(path: Path, *, wal: bool = False, meta: bool = False) -> Path:
    """Another program's SQLite database: a table of its own (or one called meta, as a
    provenance index has, but without a format version), in rollback or WAL journal mode."""
    db = sqlite3.connect(path)
    if wal:
        db.execute("PRAGMA journal_mode=WAL")
    if meta:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('owner', 'the Brindle allotment society')")
    db.execute("CREATE TABLE plots (number INTEGER, holder TEXT)")
    db.execute("INSERT INTO plots VALUES (14, 'A. Garrow')")
    db.commit()
    db.close()
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
    return path


def blank_database(path: Path) -> Path:
    """An SQLite database holding no table, as a run killed while creating an index can leave."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")  # writes the header, and nothing else
    db.close()
    assert path.stat().st_size > 0
    return path


NOT_INDEXES = {
    "other-database": lambda p: other_database(p),
    "other-database-wal": lambda p: other_database(p, wal=True),
    "other-database-with-a-meta-table": lambda p: other_database(p, meta=True),
    "empty-file": lambda p: (p.write_bytes(b""), p)[1],
    "blank-database": blank_database,
}


def beside(path: Path) -> set[str]:
    """The names of the files in the folder of ``path`` that start with its name."""
    return {p.name for p in path.parent.iterdir() if p.name.startswith(path.name)}


@pytest.mark.parametrize("kind", sorted(NOT_INDEXES))
def test_a_read_only_audit_refuses_a_file_that_is_not_an_index_and_leaves_it_unchanged(tmp_path, kind):
    from provenance.archive import ArchiveIndex, ArchiveIndexError
    from provenance.params import default_params

    corpus = small_corpus(tmp_path / "corpus")
    target = NOT_INDEXES[kind](tmp_path / "x.db")
    before = target.read_bytes()
    for args in (("audit", corpus, "--index", target, "-q"),
                 ("audit", corpus, "--index", target, "-o", tmp_path / "r.json"),
                 ("index", "info", "--index", target)):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert f"{target}: not a provenance index" in result.output
        assert target.read_bytes() == before, args
        assert beside(target) == {"x.db"}, args  # no -wal, -shm or -journal left behind
    assert not (tmp_path / "r.json").exists()
    with pytest.raises(ArchiveIndexError, match="not a provenance index"):
        ArchiveIndex(target, default_params(), "digest", create=False)
    assert target.read_bytes() == before and beside(target) == {"x.db"}


@pytest.mark.parametrize("kind", ["other-database", "other-database-wal", "other-database-with-a-meta-table"])
def test_adding_to_another_programs_database_is_refused_and_leaves_it_unchanged(tmp_path, kind):
    from provenance.archive import ArchiveIndex, ArchiveIndexError
    from provenance.params import default_params

    corpus = small_corpus(tmp_path / "corpus")
    target = NOT_INDEXES[kind](tmp_path / "plots.db")
    before = target.read_bytes()
    for args in (("index", "add", corpus, "--index", target, "-q"),
                 ("audit", corpus, "--index", target, "--add", "-q")):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert f"{target}: not a provenance index: an SQLite database without" in result.output
        assert target.read_bytes() == before and beside(target) == {"plots.db"}, args
    with pytest.raises(ArchiveIndexError, match="not a provenance index"):
        ArchiveIndex(target, default_params(), "digest", create=True)
    db = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        assert db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall() == (
            [("meta",), ("plots",)] if kind.endswith("meta-table") else [("plots",)])
    finally:
        db.close()


@pytest.mark.parametrize("kind", ["empty-file", "blank-database"])
@pytest.mark.parametrize("command", ["index-add", "audit-add"])
def test_an_empty_file_becomes_a_new_index_when_adding(tmp_path, kind, command):
    from provenance.archive import FORMAT_VERSION

    corpus = small_corpus(tmp_path / "corpus")
    target = NOT_INDEXES[kind](tmp_path / "new.db")
    args = (("index", "add", corpus, "--index", target, "-q") if command == "index-add"
            else ("audit", corpus, "--index", target, "--add", "-q"))
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert documents(target) == 2
    info = invoke("index", "info", "--index", target)
    assert info.exit_code == 0 and info.stdout.startswith(f"{target}: 2 documents\n  source corpus: 2\n")
    assert f"  format_version = {FORMAT_VERSION}" in info.stdout.splitlines()
    # and from then on it is an index like any other: a read-only audit uses it
    assert invoke("audit", corpus, "--index", target, "-q").exit_code == 0


def test_a_read_only_audit_never_writes_to_the_index(tmp_path):
    from provenance.archive import ArchiveIndex, ArchiveIndexError
    from provenance.params import default_params

    old, new = split_corpus(tmp_path)
    index = tmp_path / "archive.db"
    assert invoke("index", "add", old, "--index", index, "-q").exit_code == 0
    assert beside(index) == {"archive.db"}  # the writer removed its write-ahead log on closing
    before = index.read_bytes()
    out = tmp_path / "r.json"
    result = invoke("audit", new, "--index", index, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["run"]["inputs"]["archive_documents"] >= 1  # it was used
    assert invoke("index", "info", "--index", index).exit_code == 0
    assert index.read_bytes() == before and beside(index) == {"archive.db"}
    opened = ArchiveIndex(index, default_params(), load_rules_digest(), create=False)
    try:
        with pytest.raises(ArchiveIndexError, match="opened read only"):
            opened.add("incoming", [])
    finally:
        opened.close()
    assert index.read_bytes() == before


def load_rules_digest() -> str:
    from provenance.rules import load_rules

    return load_rules([]).digest()


def test_an_index_path_with_uri_characters_is_read(tmp_path):
    """The read-only connection is opened by URI: `?`, `#` and `%` in the name are part of it."""
    old, new = split_corpus(tmp_path)
    index = tmp_path / "odd ?name#1 %41.db"
    assert invoke("index", "add", old, "--index", index, "-q").exit_code == 0
    out = tmp_path / "r.json"
    result = invoke("audit", new, "--index", index, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["run"]["inputs"]["archive_documents"] >= 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == ["odd ?name#1 %41.db"]


def test_an_index_folder_is_refused(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    folder = tmp_path / "folder.db"
    folder.mkdir()
    for args in (("audit", corpus, "--index", folder, "-q"), ("index", "add", corpus, "--index", folder, "-q"),
                 ("index", "info", "--index", folder)):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert f"{folder}: is a folder, not an index file" in result.output
    assert list(folder.iterdir()) == []
