"""Corpus walk: every file accounted for once, in a deterministic order."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from provenance.errors import CorpusError, SidecarError
from provenance.inventory import build_inventory


def accounted(inv) -> set[str]:
    paths = {d.path for d in inv.documents} | {r.path for r in inv.rejections}
    if inv.sidecar.path is not None:
        paths.add(inv.sidecar.path)
    return paths


def codes(inv) -> dict[str, str]:
    return {r.path: r.code for r in inv.rejections if r.record is None}


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a_first.txt").write_text("Alpha story about the harbour.\n", encoding="utf-8")
    (root / "B.txt").write_bytes("Price \xa3 5 in Latin-1.".encode("latin-1"))
    (root / "sub" / "page.html").write_text("<html><body><nav>Menu</nav><p>Sub page text.</p></body></html>")
    (root / "sub" / "deeper" / "feed.jsonl").write_text(
        json.dumps({"text": "Feed one"}) + "\n{bad json\n" + json.dumps({"text": "Feed two"}) + "\n"
    )
    (root / "sub" / "zz.md").write_text("# Markdown story\n")
    (root / "table.csv").write_text("a,b\n1,2\n")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (root / "empty.txt").write_bytes(b"")
    (root / "metadata.csv").write_text(
        "path,outlet,date\na_first.txt,Alpha News,2016-10-20\nsub/page.html,Beta,bad date\nghost.txt,X,2016\n"
    )
    return root


def test_accounting_invariant_and_results(corpus: Path):
    inv = build_inventory(corpus)
    assert inv.files_seen == 9
    assert len(accounted(inv)) == inv.files_seen
    assert [d.label for d in inv.documents] == [
        "B.txt", "a_first.txt", "sub/deeper/feed.jsonl#line 1", "sub/deeper/feed.jsonl#line 3",
        "sub/page.html", "sub/zz.md",
    ]
    assert [(r.path, r.code, r.record) for r in inv.rejections] == [
        (".DS_Store", "unsupported-format", None),
        ("empty.txt", "empty", None),
        ("sub/deeper/feed.jsonl", "invalid-json", "line 2"),
        ("table.csv", "unsupported-format", None),
    ]
    assert inv.sidecar.path == "metadata.csv"
    assert [r.path for r in inv.sidecar.rows] == ["a_first.txt", "sub/page.html"]
    assert [(i.code, i.path) for i in inv.sidecar.issues] == [
        ("sidecar-bad-date", "sub/page.html"), ("sidecar-unknown-path", "ghost.txt"),
    ]
    assert inv.encodings == (("cp1252", 1), ("utf-8", 5))
    assert "Sub page text." == inv.documents[4].text


def test_walk_is_deterministic(corpus: Path):
    first, second = build_inventory(corpus), build_inventory(corpus)
    assert first == second
    assert [d.path for d in first.documents] == sorted(d.path for d in first.documents)


def test_too_large_is_checked_before_reading(corpus: Path):
    (corpus / "huge.txt").write_text("x" * 200)
    inv = build_inventory(corpus, max_file_bytes=100)
    rej = next(r for r in inv.rejections if r.path == "huge.txt")
    assert rej.code == "too-large"
    assert rej.reason == "file is 200 bytes, over the size limit of 100 bytes"
    assert "huge.txt" not in {d.path for d in inv.documents}
    assert len(accounted(inv)) == inv.files_seen


def test_size_message_reads_both_sizes_in_one_unit():
    from provenance.files import human_size
    from provenance.files import too_large

    assert [human_size(n) for n in (123, 4608, 64 << 20, 5 << 30)] == ["123 bytes", "4.5 KB", "64.0 MB", "5.0 GB"]
    assert too_large(100 << 10, 3 << 20) == "file is 3072.0 KB, over the size limit of 100.0 KB (102400 bytes)"
    assert too_large(100, 5 << 20) == "file is 5242880 bytes, over the size limit of 100 bytes"
    assert too_large(64 << 20, 5 << 30) == "file is 5120.0 MB, over the size limit of 64.0 MB (67108864 bytes)"
    assert too_large(64 << 20, 70 << 20) == "file is 70.0 MB, over the size limit of 64.0 MB (67108864 bytes)"
    assert too_large(64 << 20) == "over the size limit of 64.0 MB (67108864 bytes)"


def test_symlinks_are_not_followed_by_default(tmp_path: Path, corpus: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret text that must not be read.")
    os.symlink(outside / "secret.txt", corpus / "link_out.txt")
    os.symlink(outside, corpus / "dir_out")
    os.symlink("a_first.txt", corpus / "link_in.txt")
    os.symlink(corpus / "no-such-file.txt", corpus / "dangling.txt")
    inv = build_inventory(corpus)
    by_path = {r.path: r for r in inv.rejections}
    assert by_path["link_out.txt"].code == "symlink"
    assert "outside the corpus" in by_path["link_out.txt"].reason
    assert str(outside / "secret.txt") in by_path["link_out.txt"].reason
    assert by_path["dir_out"].code == "symlink" and "outside the corpus" in by_path["dir_out"].reason
    assert by_path["link_in.txt"].code == "symlink" and "inside the corpus" in by_path["link_in.txt"].reason
    assert by_path["dangling.txt"].code == "broken-symlink"
    assert not any("Secret" in d.text for d in inv.documents)
    assert len(accounted(inv)) == inv.files_seen == 13


def test_follow_symlinks_reads_through_and_stops_loops(tmp_path: Path, corpus: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shared.txt").write_text("Shared text read through a link.")
    os.symlink(outside, corpus / "dir_out")
    os.symlink(corpus, corpus / "sub" / "loop")
    inv = build_inventory(corpus, follow_symlinks=True)
    assert "dir_out/shared.txt" in {d.path for d in inv.documents}
    assert codes(inv)["sub/loop"] == "symlink"
    assert len(accounted(inv)) == inv.files_seen


def test_undecodable_file_name_is_listed(corpus: Path):
    raw = os.path.join(os.fsencode(corpus), b"caf\xe9.txt")
    with open(raw, "wb") as fh:
        fh.write(b"A story with a Latin-1 file name.")
    inv = build_inventory(corpus)
    assert "caf\\xe9.txt" in {d.path for d in inv.documents}
    assert len(accounted(inv)) == inv.files_seen == 10


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read everything")
def test_permission_denied_real(corpus: Path):
    locked_file = corpus / "locked.txt"
    locked_file.write_text("Locked away.")
    locked_dir = corpus / "locked_dir"
    locked_dir.mkdir()
    (locked_dir / "inside.txt").write_text("Unlistable.")
    locked_file.chmod(0)
    locked_dir.chmod(0)
    try:
        inv = build_inventory(corpus)
    finally:
        locked_file.chmod(0o644)
        locked_dir.chmod(0o755)
    assert codes(inv)["locked.txt"] == "permission-denied"
    assert codes(inv)["locked_dir"] == "permission-denied"
    assert len(accounted(inv)) == inv.files_seen


def test_permission_denied_simulated(corpus: Path, monkeypatch):
    """The same paths as above, forced, so the behaviour is tested even as root."""
    (corpus / "locked.txt").write_text("Locked away.")
    (corpus / "locked_dir").mkdir()
    (corpus / "locked_dir" / "inside.txt").write_text("Unlistable.")
    real_open, real_scandir = open, os.scandir

    def fake_open(path, *args, **kwargs):
        if os.fsdecode(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    def fake_scandir(path="."):
        if os.fsdecode(path).endswith("locked_dir"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr("provenance.inventory.open", fake_open, raising=False)
    monkeypatch.setattr(os, "scandir", fake_scandir)
    inv = build_inventory(corpus)
    assert codes(inv)["locked.txt"] == "permission-denied"
    assert codes(inv)["locked_dir"] == "permission-denied"
    assert "locked_dir/inside.txt" not in accounted(inv)
    assert len(accounted(inv)) == inv.files_seen


def test_explicit_sidecar_inside_corpus_is_not_a_document(corpus: Path):
    (corpus / "metadata.csv").unlink()
    meta = corpus / "sub" / "meta.jsonl"
    meta.write_text(json.dumps({"path": "B.txt", "outlet": "Bee"}) + "\n")
    inv = build_inventory(corpus, metadata=meta)
    assert inv.sidecar.path == "sub/meta.jsonl"
    assert inv.sidecar.rows[0].outlet == "Bee"
    assert "sub/meta.jsonl" not in {d.path for d in inv.documents} | {r.path for r in inv.rejections}
    assert len(accounted(inv)) == inv.files_seen


def test_explicit_sidecar_outside_corpus_still_counts_once(tmp_path: Path, corpus: Path):
    meta = tmp_path / "outside-meta.csv"
    meta.write_text("path,outlet\nB.txt,Bee\n")
    inv = build_inventory(corpus, metadata=meta)
    assert inv.sidecar.path == str(meta)
    assert inv.sidecar.rows[0].outlet == "Bee"
    assert codes(inv)["metadata.csv"] == "unsupported-format"  # not the sidecar this time
    assert len(accounted(inv)) == inv.files_seen == 10


def test_bad_roots_and_missing_explicit_sidecar(tmp_path: Path, corpus: Path):
    with pytest.raises(CorpusError, match="missing: no such folder"):
        build_inventory(tmp_path / "missing")
    with pytest.raises(CorpusError, match="not a folder"):
        build_inventory(corpus / "B.txt")
    with pytest.raises(SidecarError, match="absent.csv"):
        build_inventory(corpus, metadata=tmp_path / "absent.csv")


def test_empty_corpus(tmp_path: Path):
    inv = build_inventory(tmp_path)
    assert inv.documents == () and inv.rejections == () and inv.files_seen == 0
    assert inv.sidecar.path is None
