"""Walk the corpus folder and account for every file in it exactly once.

An audit that silently skips files cannot be trusted, so each entry found
becomes a document, the sidecar, or a rejection with a reason. The walk is
sorted at every level so two runs over the same folder give the same report.

A page saved as "Web page, complete" comes with a folder of what it loads
(``story.html`` and ``story_files/``: stylesheets, scripts, images, frames). Every
file under such a folder is a ``page-resource`` rejection naming its page, and none
is read: a frame of the page (an advertisement, an embedded post) is not an article,
and two pages that embed the same frame have not republished each other. The folder
suffixes browsers use are data (``data/saved-pages.toml``).
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Iterable

from .errors import CorpusError, SidecarError
from .files import DEFAULT_MAX_FILE_BYTES, too_large
from .model import PAGE_RESOURCE, Document, Inventory, Rejection, Sidecar, SidecarIssue
from .readers import format_for, is_archive, read_file, unsupported_reason
from .readers.warc import read_archive, skipped_records
from .sidecar import (SIDECAR_NAMES, described, find_sidecar, load_sidecar, relative_inside, row_for, settle_sidecar,
                      sidecar_label)
from .spool import TextSpool

__all__ = ["PAGE_RESOURCE", "build_inventory", "display_path", "input_problems", "page_resource_folders",
           "saved_page_of"]


def display_path(rel: str) -> str:
    """A printable path that names one file only: a byte that is not UTF-8 appears as
    ``\\xNN`` and a backslash in a name as ``\\\\``, so that the name bytes ``caf\\xe9``
    and a file literally named ``caf\\xe9`` are told apart."""
    return os.fsencode(rel).replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


@dataclass
class _Walk:
    root: str
    max_file_bytes: int
    follow_symlinks: bool
    sidecar_rel: str | None
    documents: list[Document] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every accounted path, in walk order
    visited: set[tuple[int, int]] = field(default_factory=set)
    # records of web archives that are not documents (revisits, requests, images...),
    # summed over all archives; Inventory has no field for them yet
    archive_counts: Counter = field(default_factory=Counter)
    spool: TextSpool | None = None  # where texts go as they are read (streaming ingest)

    def reject(self, rel: str, code: str, reason: str) -> None:
        self.files.append(rel)
        self.rejections.append(Rejection(rel, code, reason))

    def regular(self, path: str, rel: str, st: os.stat_result) -> None:
        """A file met by the walk: read it now (the Spark engine plans the read instead)."""
        _read_regular(self, path, rel, st)

    def resource(self, rel: str, page: str) -> None:
        """A file in the folder saved beside the page ``page``: accounted for, never read."""
        self.reject(rel, PAGE_RESOURCE, page_resource_reason(page))


@lru_cache(maxsize=1)
def folder_suffixes() -> tuple[str, ...]:
    """The suffixes of the folders saved beside a page (``_files``, ``-Dateien``...)."""
    text = resources.files("provenance").joinpath("data/saved-pages.toml").read_text(encoding="utf-8")
    listed: dict[str, str] = {}
    for suffix in tomllib.loads(text)["folder_suffixes"]:
        if suffix:
            listed.setdefault(suffix.casefold(), suffix)
    return tuple(listed.values())


def _page_stem(rel: str) -> str | None:
    """The name a saved page gives its folder (``story`` for ``story.html``), or None when
    ``rel`` is not a page the audit reads as HTML (a hidden page is not read: its folder
    and everything in it are hidden too)."""
    if format_for(rel) != "html":
        return None
    name = PurePosixPath(rel).name
    return name[: -len(PurePosixPath(name).suffix)] or None


def page_resource_folders(entries: Iterable[tuple[str, bool]], folder: str = "") -> dict[str, str]:
    """Of one folder's entries, as (name, whether it is a file), the names that are the
    folder of a page saved beside it, each with the page's name: ``story_files`` (or
    ``story-Dateien``...) when ``story.html`` or ``story.htm`` is a file there. ``folder``
    is the folder's path from the corpus root, ending in ``/`` (empty at the root). A name
    that is not a folder never matters, since only folders are walked into; of two pages
    with the same stem, the first in name order is named."""
    entries = list(entries)
    pages: dict[str, str] = {}
    for name, is_file in sorted(entries):
        stem = _page_stem(folder + name) if is_file else None
        if stem is not None:
            pages.setdefault(stem, name)
    if not pages:
        return {}
    found: dict[str, str] = {}
    suffixes = folder_suffixes()
    for name, _is_file in entries:
        for suffix in suffixes:  # the suffix in any case, the stem exactly
            cut = len(name) - len(suffix)
            if cut > 0 and name[cut:].casefold() == suffix.casefold() and name[:cut] in pages:
                found[name] = pages[name[:cut]]
                break
    return found


def saved_page_of(path: Path) -> Path | None:
    """The page whose folder of resources holds the file ``path``, at any depth, as
    ``page_resource_folders`` finds it in each folder above it; or None.  For a file
    named alone, without its corpus (``rules explain``)."""
    suffixes = tuple(x.casefold() for x in folder_suffixes())
    for folder in path.absolute().parents:
        if folder.parent == folder or not folder.name.casefold().endswith(suffixes):
            continue
        try:
            entries = [(e.name, e.is_file()) for e in os.scandir(folder.parent)]
        except OSError:
            continue
        page = page_resource_folders(entries).get(folder.name)
        if page is not None:
            return folder.parent / page
    return None


def page_resource_reason(page: str) -> str:
    return (f"saved with the page {page}: a stylesheet, script, image or frame the page loads; "
            "not read as an article")


def input_problems(inventory: Inventory) -> int:
    """The rejections and sidecar issues ``--strict`` counts: all but the files saved with a
    page (the page itself is read or rejected on its own; nothing of it is lost)."""
    rejected = sum(1 for r in inventory.rejections if r.code != PAGE_RESOURCE)
    return rejected + len(inventory.sidecar.issues)


def build_inventory(
    root: Path,
    *,
    metadata: Path | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    follow_symlinks: bool = False,
    spool: TextSpool | None = None,
) -> Inventory:
    """Read every file under ``root``; raises CorpusError when the root is unusable.
    With a ``spool``, each document's text is written to it as soon as it is read
    and the document keeps a ``SpooledText`` (streaming ingest)."""
    root = Path(root)
    root_stat = open_root(root)
    sidecar_path = find_sidecar(root, metadata)
    sidecar_rel = relative_inside(root, sidecar_path) if sidecar_path is not None else None

    walk = _Walk(str(root), max_file_bytes, follow_symlinks, sidecar_rel, spool=spool)
    walk.visited.add((root_stat.st_dev, root_stat.st_ino))
    walk_tree(walk)
    sidecar = settle_sidecar(sidecar_of(root, sidecar_path, sidecar_rel, walk.files, explicit=metadata is not None),
                             walk.documents)

    encodings = Counter(d.encoding for d in walk.documents if d.encoding)
    rows = {r.path: r for r in sidecar.rows}
    return Inventory(
        documents=tuple(described(d, row_for(rows, d)) for d in walk.documents),
        rejections=tuple(walk.rejections),
        sidecar=sidecar,
        # the sidecar counts once, also when given from outside the root, so that
        # documents ∪ rejections ∪ {sidecar} always has files_seen distinct paths
        files_seen=len(walk.files) + (1 if sidecar.path is not None else 0),
        encodings=tuple(sorted(encodings.items())),
        skipped_records=skipped_records(walk.archive_counts),
    )


def open_root(root: Path) -> os.stat_result:
    """The corpus root's stat; CorpusError when it is missing, not a folder or unlistable."""
    if not root.exists():
        raise CorpusError(f"{root}: no such folder")
    if not root.is_dir():
        raise CorpusError(f"{root}: not a folder")
    try:
        root_stat = root.stat()
        with os.scandir(root):
            pass
    except OSError as e:
        raise CorpusError(f"{root}: cannot list the folder: {e.strerror or e}")
    return root_stat


def sidecar_of(root: Path, sidecar_path: Path | None, sidecar_rel: str | None, files: list[str],
               explicit: bool) -> Sidecar:
    """The sidecar, validated against the files found; an automatically found one that
    cannot be read is an issue, an explicitly given one an error."""
    if sidecar_path is None:
        return Sidecar(path=None)
    existing = {p for p in files if p != sidecar_rel}
    try:
        return load_sidecar(root, sidecar_path, existing)
    except SidecarError as e:
        if explicit:
            raise
        issue = SidecarIssue(0, "sidecar-unreadable", str(e))
        return Sidecar(path=sidecar_label(root, sidecar_path), issues=(issue,))


def walk_tree(walk: _Walk) -> None:
    """Depth-first, names sorted at each level; an explicit stack instead of recursion."""
    listed = _list(walk, walk.root, "")
    if listed is None:
        return
    # each frame: a folder's path prefix, its sorted entries, the next index to visit, the
    # page whose saved folder this is (or lies in), and the folders here saved beside a page
    frames: list[tuple[str, list[os.DirEntry], int, str | None, dict[str, str]]] = [
        ("", listed, 0, None, _saved_folders(listed))]
    while frames:
        prefix, entries, i, page, saved = frames.pop()
        if i >= len(entries):
            continue
        frames.append((prefix, entries, i + 1, page, saved))
        entry = entries[i]
        rel = prefix + display_path(entry.name)
        child = _visit(walk, entry, rel, page)
        if child is not None:
            owner = page
            if owner is None and entry.name in saved:
                owner = prefix + display_path(saved[entry.name])
            frames.append((rel + "/", child, 0, owner, _saved_folders(child, rel + "/") if owner is None else {}))


def _saved_folders(entries: list[os.DirEntry], folder: str = "") -> dict[str, str]:
    """``page_resource_folders`` of a listed folder (a link to a page counts as the page)."""
    def is_file(entry: os.DirEntry) -> bool:
        try:
            return entry.is_file()
        except OSError:
            return False

    return page_resource_folders(((e.name, is_file(e)) for e in entries), folder)


def _list(walk: _Walk, path: str, rel: str) -> list[os.DirEntry] | None:
    try:
        with os.scandir(path) as it:
            return sorted(it, key=lambda e: e.name)
    except PermissionError:
        walk.reject(rel, "permission-denied", "folder cannot be listed: permission denied")
    except OSError as e:
        walk.reject(rel, "unreadable", f"folder cannot be listed: {e.strerror or e}")
    return None


def _visit(walk: _Walk, entry: os.DirEntry, rel: str, page: str | None = None) -> list[os.DirEntry] | None:
    """Account for one entry; returns the sorted children when it is a folder to descend.
    ``page``: the page whose saved folder the entry lies in, if any."""
    if rel == walk.sidecar_rel:
        return None  # the sidecar: accounted for as Inventory.sidecar
    try:
        if entry.is_symlink():
            return _visit_symlink(walk, entry, rel, page)
        if entry.is_dir(follow_symlinks=False):
            return _enter_dir(walk, entry.path, rel, entry.stat(follow_symlinks=False))
        st = entry.stat(follow_symlinks=False)
    except PermissionError:
        walk.reject(rel, "permission-denied", "cannot be examined: permission denied")
        return None
    except OSError as e:
        walk.reject(rel, "unreadable", f"cannot be examined: {e.strerror or e}")
        return None
    if page is not None:
        walk.resource(rel, page)
    else:
        walk.regular(entry.path, rel, st)
    return None


def _enter_dir(walk: _Walk, path: str, rel: str, st: os.stat_result) -> list[os.DirEntry] | None:
    key = (st.st_dev, st.st_ino)
    if key in walk.visited:
        walk.reject(rel, "symlink", "link to a folder already walked (a loop or a second route); not followed")
        return None
    walk.visited.add(key)
    return _list(walk, path, rel)


def _visit_symlink(walk: _Walk, entry: os.DirEntry, rel: str, page: str | None) -> list[os.DirEntry] | None:
    try:
        target = os.readlink(entry.path)
    except OSError:
        target = "?"
    shown = display_path(target)
    try:
        st = os.stat(entry.path)  # follows the link
    except FileNotFoundError:
        walk.reject(rel, "broken-symlink", f"symbolic link to {shown}, which does not exist")
        return None
    except OSError as e:
        walk.reject(rel, "broken-symlink", f"symbolic link to {shown}, which cannot be reached: {e.strerror or e}")
        return None
    if walk.follow_symlinks:
        if stat.S_ISDIR(st.st_mode):
            return _enter_dir(walk, entry.path, rel, st)
        if page is not None:
            walk.resource(rel, page)
        else:
            walk.regular(entry.path, rel, st)
        return None
    real_root = os.path.realpath(walk.root)
    real_target = os.path.realpath(entry.path)
    inside = os.path.commonpath([real_root, real_target]) == real_root
    where = "inside the corpus" if inside else "outside the corpus"
    kind = "folder" if stat.S_ISDIR(st.st_mode) else "file"
    walk.reject(rel, "symlink", f"symbolic link to the {kind} {shown} ({where}); links are not followed")
    return None


def unused_sidecar_reason(rel: str, sidecar_rel: str | None) -> str:
    """Why a sidecar-named file at the corpus root is read neither as metadata nor as articles."""
    first, second = SIDECAR_NAMES
    if sidecar_rel == first:
        used = f"{first} is the sidecar used (it takes precedence over {second})"
    elif sidecar_rel is not None:
        used = f"{sidecar_rel} is the sidecar used (given with --metadata)"
    else:
        used = "the sidecar used is the file given with --metadata"
    return f"a second sidecar metadata file: {used}; {rel} is read neither as metadata nor as articles"


def admit(walk: _Walk, rel: str, st: os.stat_result) -> str | None:
    """The checks made before a file is read: ``"archive"``, ``"file"``, or None
    when the file was rejected (not regular, unknown format, over the size limit).
    Web archives are streamed record by record: exempt from the file size limit,
    while each record's payload is held to it."""
    if not stat.S_ISREG(st.st_mode):
        walk.reject(rel, "unreadable", "not a regular file (device, socket or pipe); not read")
        return None
    if rel in SIDECAR_NAMES:  # at the root, named as a sidecar, but not the sidecar used
        walk.reject(rel, "unsupported-format", unused_sidecar_reason(rel, walk.sidecar_rel))
        return None
    reason = unsupported_reason(rel)
    if reason is not None:
        walk.reject(rel, "unsupported-format", reason)
        return None
    if is_archive(rel):
        return "archive"
    if st.st_size > walk.max_file_bytes:
        walk.reject(rel, "too-large", too_large(walk.max_file_bytes, st.st_size))
        return None
    return "file"


def documents_from_bytes(rel: str, data: bytes, limit: int) -> tuple[list[Document], list[Rejection]]:
    if len(data) > limit:
        return [], [Rejection(rel, "too-large", f"file grew while being read; {too_large(limit)}")]
    return read_file(rel, data)


def read_admitted(rel: str, path: str, limit: int, archive: bool
                  ) -> tuple[list[Document], list[Rejection], dict[str, int] | None]:
    """Read an admitted file: documents, rejections, and a web archive's skipped-record counts."""
    if archive:
        return read_archive(rel, Path(path), limit)
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except PermissionError:
        return [], [Rejection(rel, "permission-denied", "file cannot be opened: permission denied")], None
    except OSError as e:
        return [], [Rejection(rel, "unreadable", f"file cannot be read: {e.strerror or e}")], None
    documents, rejections = documents_from_bytes(rel, data, limit)
    return documents, rejections, None


def _read_regular(walk: _Walk, path: str, rel: str, st: os.stat_result) -> None:
    kind = admit(walk, rel, st)
    if kind is None:
        return
    walk.files.append(rel)
    documents, rejections, counts = read_admitted(rel, path, walk.max_file_bytes, kind == "archive")
    if walk.spool is not None:
        documents = [replace(d, text=walk.spool.put(d.text)) for d in documents]
    walk.documents.extend(documents)
    walk.rejections.extend(rejections)
    if counts:
        walk.archive_counts.update(counts)
