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
import stat
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from . import __version__
from .errors import ProvenanceError
from .model import Document, MetaField, SidecarRow
from .params import Params
from .sidecar import described

FORMAT_VERSION = 3  # 3: an ideograph or kana is a word of its own (tokens.IDEOGRAPHIC)
# The parameters that shape what is stored: a different value makes old keys meaningless.
BUILD_PARAMETERS = ("shingle_size", "window_tokens", "window_stride", "num_perm", "seed", "lsh_threshold",
                    "rewrite_window_words", "rewrite_lead_words", "rewrite_band_rows")
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    record TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL,
    document BLOB NOT NULL,
    sidecar TEXT,
    added TEXT NOT NULL,
    UNIQUE (source, path, record)
)""",
    "CREATE TABLE keys (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID",
    "CREATE INDEX keys_by_doc ON keys (doc)",
)
_SQLITE_HEADER = b"SQLite format 3\x00"


class ArchiveIndexError(ProvenanceError):
    """The index cannot be used: unreadable, another format, or built with other parameters."""


@dataclass(frozen=True)
class AddStats:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0  # records of a file added again that it no longer holds


@dataclass(frozen=True)
class IndexInfo:
    """What ``provenance index info`` shows: documents, per source, and the stored parameters."""

    documents: int
    sources: tuple[tuple[str, int], ...]
    meta: dict[str, str]


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


def _uri(path: Path, mode: str, immutable: bool = False) -> str:
    """An SQLite URI for ``path`` (percent-encoded, so that `?`, `#` or `%` in a name are no query)."""
    return f"{path.resolve().as_uri()}?mode={mode}" + ("&immutable=1" if immutable else "")


def _peek(path: Path, immutable: bool) -> tuple[int, str | None]:
    """(number of tables, stored format version or None), read through a read-only connection.

    ``immutable``: read the main file only, taking no lock and creating no ``-wal`` or
    ``-shm`` file beside it, so that a file found not to be an index is left exactly as
    it was; content still in a write-ahead log is then not seen."""
    db = sqlite3.connect(_uri(path, "ro", immutable), uri=True, timeout=30)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = None
        if "meta" in tables:
            try:
                row = db.execute("SELECT value FROM meta WHERE key = 'format_version'").fetchone()
            except sqlite3.DatabaseError:  # another program's table called meta
                row = None
            version = str(row[0]) if row and row[0] is not None else None
        return len(tables), version
    finally:
        db.close()


def _reader(path: Path) -> sqlite3.Connection:
    """A connection to a file known to be an index that never writes to it (``query_only``).
    Not ``mode=ro``: as the last connection to close, it removes the ``-wal`` and ``-shm``
    files of the index's write-ahead log, as a writer does, rather than leaving them behind."""
    db = sqlite3.connect(str(path), timeout=30)
    db.execute("PRAGMA query_only = ON")
    return db


def inspect_index(path: Path) -> str:
    """What the file at ``path`` holds, found without changing it (no write, no lock file left):
    ``"missing"``, ``"empty"`` (0 bytes), ``"blank"`` (an SQLite database without tables),
    ``"index"`` (a provenance index of some format version) or ``"foreign"`` (another SQLite
    database).  Raises ArchiveIndexError for a file that is no SQLite database or cannot be read."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        raise ArchiveIndexError(f"{path}: cannot open the index: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise ArchiveIndexError(f"{path}: is a folder, not an index file")
    if not stat.S_ISREG(st.st_mode):
        raise ArchiveIndexError(f"{path}: not a regular file (a pipe, socket or device), not an index file")
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise ArchiveIndexError(f"{path}: cannot open the index: {exc.strerror or exc}") from None
    if not header:
        return "empty"
    if len(header) < 100 or not header.startswith(_SQLITE_HEADER):
        raise ArchiveIndexError(f"{path}: not a provenance index or damaged: not an SQLite database")
    try:
        tables, version = _peek(path, immutable=True)
    except sqlite3.DatabaseError:
        tables, version = -1, None  # perhaps being written right now: look again, properly
    try:  # in WAL mode, with a log that may hold what the main file does not yet
        in_log = header[18] == 2 and Path(f"{path}-wal").stat().st_size > 0
    except OSError:
        in_log = False
    if version is None and (tables < 0 or in_log):
        try:
            tables, version = _peek(path, immutable=False)
        except sqlite3.DatabaseError as exc:
            raise ArchiveIndexError(f"{path}: not a provenance index or damaged: {exc}") from None
    if version is not None:
        return "index"
    return "blank" if tables == 0 else "foreign"


def _not_an_index(path: Path, kind: str) -> ArchiveIndexError:
    what = {"empty": "the file is empty (0 bytes)",
            "blank": "an SQLite database holding no tables",
            "foreign": "an SQLite database without the index's meta table and format version"}[kind]
    return ArchiveIndexError(f"{path}: not a provenance index: {what}; it was left unchanged "
                             "(give the path of an index built by `provenance index add`)")


class ArchiveIndex:
    """An index file opened for an audit (``create=False``: read only, never changed) or
    for adding to it (``create=True``: created when the path does not exist, or is an empty
    file or an SQLite database without tables).  An existing file that is not a provenance
    index is refused either way, and left as it was."""

    def __init__(self, path: Path, params: Params, rules_digest: str, *, create: bool) -> None:
        self.path = Path(path)
        self.expected = {"format_version": str(FORMAT_VERSION), "rules_sha256": rules_digest,
                         **{k: str(getattr(params, k)) for k in BUILD_PARAMETERS}}
        kind = inspect_index(self.path)
        if kind == "missing" and not create:
            raise ArchiveIndexError(f"{path}: no such index (create one with `provenance index add`)")
        if kind == "missing" and not self.path.parent.is_dir():
            why = "not a folder" if self.path.parent.exists() else "no such folder"
            raise ArchiveIndexError(f"{path}: cannot create the index: {why}: {self.path.parent}")
        if kind == "foreign" or (kind in ("empty", "blank") and not create):
            raise _not_an_index(self.path, kind)
        self.writable = create
        self.db: sqlite3.Connection | None = None
        try:
            if create:
                self.db = sqlite3.connect(str(self.path), timeout=30)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                if kind != "index":
                    self._create()
            else:
                self.db = _reader(self.path)
            self._check()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise ArchiveIndexError(f"{path}: not a provenance index or damaged: {exc}") from None
        except BaseException:
            self.close()
            raise

    def _create(self) -> None:
        """The tables and the parameters, in one transaction: a new index is whole or absent."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            # looked at again inside the transaction: another process may have created it meanwhile
            if db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0:
                for statement in _SCHEMA:
                    db.execute(statement)
                db.executemany("INSERT INTO meta VALUES (?, ?)",
                               [*self.expected.items(), ("tool_version", __version__)])
            db.commit()
        except BaseException:
            db.rollback()
            raise

    def _check(self) -> None:
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        try:
            stored = dict(self.db.execute("SELECT key, value FROM meta").fetchall()) if "meta" in tables else {}
        except sqlite3.DatabaseError:
            stored = {}
        if "format_version" not in stored:
            raise _not_an_index(self.path, "foreign" if tables else "blank")
        if stored.get("format_version") != self.expected["format_version"]:
            raise ArchiveIndexError(f"{self.path}: index format {stored.get('format_version')} is not supported "
                                    f"(this tool writes format {FORMAT_VERSION}); build a new index")
        missing = [t for t in ("documents", "keys") if t not in tables]
        if missing:
            raise ArchiveIndexError(f"{self.path}: not a provenance index or damaged: no {', '.join(missing)} table")
        diff = [f"{k}: index has {stored.get(k)}, this run uses {v}" for k, v in self.expected.items()
                if stored.get(k) != v]
        if diff:
            raise ArchiveIndexError(f"{self.path}: built with other parameters, so its fingerprints cannot be "
                                    "compared with this run's (" + "; ".join(diff) + "); use the same parameters "
                                    "and rules, or build a new index")

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    # -- adding -------------------------------------------------------------

    def add(self, source: str, items: Iterable[tuple[Document, SidecarRow | None, str | None, np.ndarray]],
            *, batch: int = 200, added_at: str = "") -> AddStats:
        """Add (document, sidecar row, sidecar path, band keys) items, one transaction per batch.

        The same (source, path, record) with the same content hash is left as it is;
        with another hash it replaces the old version. A file added again is the file as
        it now reads: its records it no longer holds (a line removed from a JSON Lines
        file, a capture of a page the web archive now reads from an earlier record) are
        removed, in the same add. The items of one file come together, as the corpus
        lists them.
        """
        if not self.writable:
            raise ArchiveIndexError(f"{self.path}: opened read only (create=False); nothing can be added")
        added = replaced = unchanged = removed = 0
        pending: list[tuple] = []
        stale: list[int] = []  # rows of records the files added no longer hold
        current: list = [None, set()]  # the file being added and the records read from it

        def drop(row: int) -> None:
            self.db.execute("DELETE FROM keys WHERE doc = ?", (row,))
            self.db.execute("DELETE FROM documents WHERE id = ?", (row,))

        def close_file() -> None:
            nonlocal removed
            path, records = current
            if path is None:
                return
            rows = [r for r, record in self.db.execute(
                "SELECT id, record FROM documents WHERE source = ? AND path = ? ORDER BY id", (source, path))
                if record not in records]
            stale.extend(rows)
            removed += len(rows)

        def flush() -> None:
            with self.db:  # one transaction: all of the batch, or none of it
                for row in stale:
                    drop(row)
                stale.clear()
                for doc, row, sidecar_path, keys, old in pending:
                    if old is not None:
                        drop(old)
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
            if doc.path != current[0]:
                close_file()
                current[:] = [doc.path, set()]
            current[1].add(doc.record or "")
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
        close_file()
        if pending or stale:
            flush()
        return AddStats(added, replaced, unchanged, removed)

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
            sidecar = SidecarRow(**side["row"]) if side else None
            # an index written before documents took their sidecar's address and title
            out.append(Archived(row, r[0], described(_decode(r[1]), sidecar), sidecar, side["path"] if side else None))
        return out

    def find(self, source: str, path: str, record: str | None) -> int | None:
        r = self.db.execute("SELECT id FROM documents WHERE source = ? AND path = ? AND record = ?",
                            (source, path, record or "")).fetchone()
        return r[0] if r else None


def index_info(path: Path) -> IndexInfo:
    """Counts and parameters of an index, read without changing it (of any format version).
    Raises ArchiveIndexError when ``path`` is missing or not a provenance index."""
    path = Path(path)
    kind = inspect_index(path)
    if kind == "missing":
        raise ArchiveIndexError(f"{path}: no such index")
    if kind != "index":
        raise _not_an_index(path, kind)
    try:
        db = _reader(path)
        try:
            meta = {str(k): str(v) for k, v in db.execute("SELECT key, value FROM meta")}
            docs = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            sources = tuple((str(s), n) for s, n in db.execute(
                "SELECT source, COUNT(*) FROM documents GROUP BY source ORDER BY source"))
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise ArchiveIndexError(f"{path}: not a provenance index or damaged: {exc}") from None
    return IndexInfo(docs, sources, meta)
