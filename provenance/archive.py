"""The persistent archive index: one SQLite file, no server.

It holds every indexed document (text compressed, metadata, sidecar row, content
hash) and the LSH band keys of its windows, so that new material is checked
against the whole archive by looking its keys up, at a cost proportional to the
new material.  The index records its format version and the parameters it was
built with; opening it with different ones is an error, never a silent mix.
Every batch of documents is added in one transaction: a crash or kill leaves the
index as it was, or with the batches already completed.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from . import __version__
from .errors import ProvenanceError
from .model import Document, MetaField, SidecarRow
from .params import Params

FORMAT_VERSION = 2
# The parameters that shape what is stored: a different value makes old keys meaningless.
BUILD_PARAMETERS = ("shingle_size", "window_tokens", "window_stride", "num_perm", "seed", "lsh_threshold",
                    "rewrite_window_words", "rewrite_lead_words", "rewrite_band_rows")
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    record TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL,
    document BLOB NOT NULL,
    sidecar TEXT,
    added TEXT NOT NULL,
    UNIQUE (source, path, record)
);
CREATE TABLE IF NOT EXISTS keys (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS keys_by_doc ON keys (doc);
"""


class ArchiveIndexError(ProvenanceError):
    """The index cannot be used: unreadable, another format, or built with other parameters."""


@dataclass(frozen=True)
class AddStats:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Archived:
    """An indexed document brought back for an audit."""

    row: int
    source: str
    document: Document
    sidecar: SidecarRow | None
    sidecar_path: str | None


def _signed(keys: np.ndarray) -> list[int]:
    return keys.astype(np.int64).tolist()  # same 64 bits, as SQLite's signed integers


def flat_keys(keys: np.ndarray) -> np.ndarray:
    """One key per (window, band): the band number mixed in, so bands never collide."""
    if keys.size == 0:
        return np.zeros(keys.shape, dtype=np.uint64)
    bands = np.arange(keys.shape[1], dtype=np.uint64)[None, :]
    with np.errstate(over="ignore"):
        mixed = (keys ^ ((bands + np.uint64(1)) * _MIX)) * np.uint64(0xBF58476D1CE4E5B9)
    return mixed ^ (mixed >> np.uint64(29))


def _encode(doc: Document) -> bytes:
    data = asdict(doc)
    data["metadata"] = [asdict(m) for m in doc.metadata]
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 6)


def _decode(blob: bytes) -> Document:
    data = json.loads(zlib.decompress(blob).decode("utf-8"))
    data["metadata"] = tuple(MetaField(**m) for m in data["metadata"])
    return Document(**data)


class ArchiveIndex:
    def __init__(self, path: Path, params: Params, rules_digest: str, *, create: bool) -> None:
        self.path = Path(path)
        if not self.path.exists() and not create:
            raise ArchiveIndexError(f"{path}: no such index (create one with `provenance index add`)")
        try:
            self.db = sqlite3.connect(str(self.path), timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise ArchiveIndexError(f"{path}: not a provenance index or damaged: {exc}") from None
        self.expected = {"format_version": str(FORMAT_VERSION), "rules_sha256": rules_digest,
                         **{k: str(getattr(params, k)) for k in BUILD_PARAMETERS}}
        self._check_or_record()

    def _check_or_record(self) -> None:
        stored = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        if not stored:
            with self.db:
                self.db.executemany("INSERT INTO meta VALUES (?, ?)",
                                    [*self.expected.items(), ("tool_version", __version__)])
            return
        if stored.get("format_version") != self.expected["format_version"]:
            raise ArchiveIndexError(f"{self.path}: index format {stored.get('format_version')} is not supported "
                                    f"(this tool writes format {FORMAT_VERSION}); build a new index")
        diff = [f"{k}: index has {stored.get(k)}, this run uses {v}" for k, v in self.expected.items()
                if stored.get(k) != v]
        if diff:
            raise ArchiveIndexError(f"{self.path}: built with other parameters, so its fingerprints cannot be "
                                    "compared with this run's (" + "; ".join(diff) + "); use the same parameters "
                                    "and rules, or build a new index")

    def close(self) -> None:
        self.db.close()

    # -- adding -------------------------------------------------------------

    def add(self, source: str, items: Iterable[tuple[Document, SidecarRow | None, str | None, np.ndarray]],
            *, batch: int = 200, added_at: str = "") -> AddStats:
        """Add (document, sidecar row, sidecar path, band keys) items, one transaction per batch.

        The same (source, path, record) with the same content hash is left as it is;
        with another hash it replaces the old version.
        """
        added = replaced = unchanged = 0
        pending: list[tuple] = []

        def flush() -> None:
            with self.db:  # one transaction: all of the batch, or none of it
                for doc, row, sidecar_path, keys, old in pending:
                    if old is not None:
                        self.db.execute("DELETE FROM keys WHERE doc = ?", (old,))
                        self.db.execute("DELETE FROM documents WHERE id = ?", (old,))
                    cur = self.db.execute(
                        "INSERT INTO documents (source, path, record, sha256, document, sidecar, added) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (source, doc.path, doc.record or "", doc.sha256, _encode(doc),
                         json.dumps({"row": asdict(row), "path": sidecar_path}) if row else None, added_at))
                    flat = np.unique(flat_keys(keys).ravel()) if keys.size else np.zeros(0, dtype=np.uint64)
                    self.db.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?)",
                                        ((k, cur.lastrowid) for k in _signed(flat)))
            pending.clear()

        for doc, row, sidecar_path, keys in items:
            found = self.db.execute("SELECT id, sha256 FROM documents WHERE source = ? AND path = ? AND record = ?",
                                    (source, doc.path, doc.record or "")).fetchone()
            if found is not None and found[1] == doc.sha256:
                unchanged += 1
                continue
            replaced += found is not None
            added += found is None
            pending.append((doc, row, sidecar_path, keys, found[0] if found else None))
            if len(pending) >= batch:
                flush()
        if pending:
            flush()
        return AddStats(added, replaced, unchanged)

    # -- looking up ---------------------------------------------------------

    def candidates(self, keys: np.ndarray, owners: np.ndarray, clique_max: int = 0,
                   min_shared: int = 1) -> list[tuple[int, int]]:
        """(new document, archive row) pairs sharing at least ``min_shared`` buckets.

        As in banding within a corpus, an archive bucket of more than ``clique_max``
        documents pairs a new document with its first document only, so a stock
        phrase's bucket costs one lookup of at most ``clique_max + 1`` rows however
        large the archive grows: the cost follows the new material."""
        if keys.size == 0:
            return []
        flat = flat_keys(keys).ravel()
        rows = np.repeat(owners, keys.shape[1])
        probe = np.unique(np.stack([flat.astype(np.int64), rows.astype(np.int64)], axis=1), axis=0)
        distinct = np.unique(probe[:, 0])
        limit = clique_max + 1 if clique_max else -1
        stmt = "SELECT doc FROM keys WHERE key = ? ORDER BY doc LIMIT ?"
        members: dict[int, list[int]] = {}
        for key in distinct.tolist():
            docs = [r[0] for r in self.db.execute(stmt, (key, limit))]
            if docs:
                members[key] = docs[:1] if clique_max and len(docs) > clique_max else docs
        found = [(owner << 32) | doc for key, owner in probe.tolist() for doc in members.get(key, ())]
        if not found:
            return []
        pairs, counts = np.unique(np.asarray(found, dtype=np.int64), return_counts=True)
        return [(int(x >> 32), int(x & 0xFFFFFFFF)) for x in pairs[counts >= min_shared].tolist()]

    def load(self, rows: Sequence[int]) -> list[Archived]:
        out = []
        for row in sorted(set(rows)):
            r = self.db.execute("SELECT source, document, sidecar FROM documents WHERE id = ?", (row,)).fetchone()
            if r is None:
                continue
            side = json.loads(r[2]) if r[2] else None
            out.append(Archived(row, r[0], _decode(r[1]),
                                SidecarRow(**side["row"]) if side else None, side["path"] if side else None))
        return out

    def find(self, source: str, path: str, record: str | None) -> int | None:
        r = self.db.execute("SELECT id FROM documents WHERE source = ? AND path = ? AND record = ?",
                            (source, path, record or "")).fetchone()
        return r[0] if r else None
