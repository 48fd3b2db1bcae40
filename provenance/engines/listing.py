"""The corpus as the Spark engine plans it: every entry in the inventory's order, no file read.

``inventory.build_inventory`` walks the corpus depth-first with names sorted at each
level and reads each file as it meets it.  Here the driver walks the same way, with
the same checks (sidecar, symbolic links, loops, formats, size), but only *plans*
each read: a ``Read`` with the file's rank in the walk.  Executors then read and
extract the files (``read_planned``, the rest of ``inventory._read_regular``), and
the documents of the corpus are ordered by (rank, record order), exactly as the
local engine orders them.

Paths Spark reads that are not local folders (``hdfs://``, ``s3a://``...) are listed
with Hadoop's FileSystem API on the driver (``list_remote``): names only, no bytes.
"""

from __future__ import annotations

import os
import posixpath
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorpusError, SidecarError
from ..files import human_size
from ..inventory import _enter_dir, _list, _Walk, display_path
from ..model import Document, Rejection, Sidecar, SidecarIssue
from ..readers import is_archive, read_file, unsupported_reason
from ..readers.warc import read_archive
from ..sidecar import SIDECAR_NAMES, find_sidecar, load_sidecar, relative_inside, sidecar_label

__all__ = ["Listing", "Read", "list_local", "list_remote", "read_planned", "read_bytes", "is_uri"]


@dataclass(frozen=True)
class Read:
    """A file to read: its rank in the walk, its corpus-relative path, where it is."""

    rank: int
    rel: str
    location: str  # an OS path (local corpus) or a URI
    archive: bool  # a web archive: streamed, exempt from the file size limit


@dataclass
class Listing:
    entries: list  # Read | Rejection in walk order; an entry's rank is its index
    sidecar: Sidecar
    files_seen: int

    @property
    def reads(self) -> list[Read]:
        return [e for e in self.entries if isinstance(e, Read)]


def is_uri(location: str) -> bool:
    """``scheme://...`` (hdfs, s3a, gs, abfs, file...): a path for Hadoop, not for ``os``."""
    head, sep, _rest = location.partition("://")
    return bool(sep) and head.replace("+", "").replace("-", "").replace(".", "").isalnum() and len(head) > 1


# --------------------------------------------------------------------------
# Local folders: inventory.py's walk, reads planned instead of done
# --------------------------------------------------------------------------


@dataclass
class _PlanWalk(_Walk):
    entries: list = field(default_factory=list)

    def reject(self, rel: str, code: str, reason: str) -> None:
        super().reject(rel, code, reason)
        self.entries.append(Rejection(rel, code, reason))

    def plan(self, path: str, rel: str, archive: bool) -> None:
        self.files.append(rel)
        self.entries.append(Read(len(self.entries), rel, path, archive))


def list_local(root: Path, *, metadata: Path | None, max_file_bytes: int, follow_symlinks: bool) -> Listing:
    """Plan the inventory of a local folder; raises CorpusError when the root is unusable."""
    root = Path(root)
    if not root.exists():
        raise CorpusError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise CorpusError(f"corpus path is not a folder: {root}")
    try:
        root_stat = root.stat()
        with os.scandir(root):
            pass
    except OSError as e:
        raise CorpusError(f"cannot list corpus folder {root}: {e.strerror or e}")
    sidecar_path = find_sidecar(root, metadata)
    sidecar_rel = relative_inside(root, sidecar_path) if sidecar_path is not None else None
    # absolute: executors open the planned paths, whatever their working folder
    walk = _PlanWalk(os.path.abspath(root), max_file_bytes, follow_symlinks, sidecar_rel)
    walk.visited.add((root_stat.st_dev, root_stat.st_ino))
    _walk(walk)
    sidecar = _sidecar(root, sidecar_path, sidecar_rel, walk.files, explicit=metadata is not None)
    return Listing(walk.entries, sidecar, len(walk.files) + (1 if sidecar.path is not None else 0))


def _sidecar(root: Path, sidecar_path: Path | None, sidecar_rel: str | None, files: list[str],
             explicit: bool) -> Sidecar:
    if sidecar_path is None:
        return Sidecar(path=None)
    existing = {p for p in files if p != sidecar_rel}
    try:
        return load_sidecar(root, sidecar_path, existing)
    except SidecarError as e:
        if explicit:
            raise
        return Sidecar(path=sidecar_label(root, sidecar_path), issues=(SidecarIssue(0, "sidecar-unreadable", str(e)),))


def _walk(walk: _PlanWalk) -> None:
    listed = _list(walk, walk.root, "")
    if listed is None:
        return
    frames: list[tuple[str, list[os.DirEntry], int]] = [("", listed, 0)]
    while frames:
        prefix, entries, i = frames.pop()
        if i >= len(entries):
            continue
        frames.append((prefix, entries, i + 1))
        entry = entries[i]
        rel = prefix + display_path(entry.name)
        child = _visit(walk, entry, rel)
        if child is not None:
            frames.append((rel + "/", child, 0))


def _visit(walk: _PlanWalk, entry: os.DirEntry, rel: str) -> list[os.DirEntry] | None:
    if rel == walk.sidecar_rel:
        return None
    try:
        if entry.is_symlink():
            return _visit_symlink(walk, entry, rel)
        if entry.is_dir(follow_symlinks=False):
            return _enter_dir(walk, entry.path, rel, entry.stat(follow_symlinks=False))
        st = entry.stat(follow_symlinks=False)
    except PermissionError:
        walk.reject(rel, "permission-denied", "cannot be examined: permission denied")
        return None
    except OSError as e:
        walk.reject(rel, "unreadable", f"cannot be examined: {e.strerror or e}")
        return None
    _plan_regular(walk, entry.path, rel, st)
    return None


def _visit_symlink(walk: _PlanWalk, entry: os.DirEntry, rel: str) -> list[os.DirEntry] | None:
    try:
        target = os.readlink(entry.path)
    except OSError:
        target = "?"
    shown = display_path(target)
    try:
        st = os.stat(entry.path)
    except FileNotFoundError:
        walk.reject(rel, "broken-symlink", f"symbolic link to {shown}, which does not exist")
        return None
    except OSError as e:
        walk.reject(rel, "broken-symlink", f"symbolic link to {shown}, which cannot be reached: {e.strerror or e}")
        return None
    if walk.follow_symlinks:
        if stat.S_ISDIR(st.st_mode):
            return _enter_dir(walk, entry.path, rel, st)
        _plan_regular(walk, entry.path, rel, st)
        return None
    real_root = os.path.realpath(walk.root)
    real_target = os.path.realpath(entry.path)
    inside = os.path.commonpath([real_root, real_target]) == real_root
    where = "inside the corpus" if inside else "outside the corpus"
    kind = "folder" if stat.S_ISDIR(st.st_mode) else "file"
    walk.reject(rel, "symlink", f"symbolic link to the {kind} {shown} ({where}); links are not followed")
    return None


def _plan_regular(walk: _PlanWalk, path: str, rel: str, st: os.stat_result) -> None:
    if not stat.S_ISREG(st.st_mode):
        walk.reject(rel, "unreadable", "not a regular file (device, socket or pipe); not read")
        return
    _plan_file(walk, path, rel, st.st_size)


def _plan_file(walk: _PlanWalk, path: str, rel: str, size: int) -> None:
    reason = unsupported_reason(rel)
    if reason is not None:
        walk.reject(rel, "unsupported-format", reason)
        return
    if is_archive(rel):
        walk.plan(path, rel, archive=True)
        return
    limit = walk.max_file_bytes
    if size > limit:
        walk.reject(rel, "too-large", f"file is {human_size(size)}, {_too_large(limit)}")
        return
    walk.plan(path, rel, archive=False)


def _too_large(limit: int) -> str:
    return f"over the size limit of {human_size(limit)} ({limit} bytes)"


# --------------------------------------------------------------------------
# Executors: the read itself
# --------------------------------------------------------------------------


def read_planned(task: Read, limit: int) -> tuple[list[Document], list[Rejection], dict[str, int] | None]:
    """Read a planned local file as ``inventory._read_regular`` does after its checks:
    documents, rejections, and for a web archive its skipped-record counts."""
    rel = task.rel
    if task.archive:
        return read_archive(rel, Path(task.location), limit)
    try:
        with open(task.location, "rb") as fh:
            data = fh.read(limit + 1)
    except PermissionError:
        return [], [Rejection(rel, "permission-denied", "file cannot be opened: permission denied")], None
    except OSError as e:
        return [], [Rejection(rel, "unreadable", f"file cannot be read: {e.strerror or e}")], None
    return read_bytes(task, data, limit)


def read_bytes(task: Read, data: bytes, limit: int) -> tuple[list[Document], list[Rejection], dict[str, int] | None]:
    """Documents of a file's bytes (a remote file, or a local one just read)."""
    rel = task.rel
    if task.archive:
        import io

        from ..readers.warc import read_archive_stream

        return read_archive_stream(rel, io.BytesIO(data), limit)
    if len(data) > limit:
        return [], [Rejection(rel, "too-large", f"file grew while being read; {_too_large(limit)}")], None
    documents, rejections = read_file(rel, data)
    return documents, rejections, None


# --------------------------------------------------------------------------
# Paths for Hadoop (hdfs://, s3a://, ...): listed through the JVM on the driver
# --------------------------------------------------------------------------


def list_remote(sc, uri: str, *, metadata: Path | None, max_file_bytes: int) -> Listing:
    """Plan the inventory of a folder that Spark reads through Hadoop's FileSystem API.

    The same order and checks as a local folder, except that there are no symbolic
    links to follow, and sizes are the ones the file system lists."""
    jvm = sc._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path
    root = hadoop_path(uri)
    fs = root.getFileSystem(sc._jsc.hadoopConfiguration())
    try:
        if not fs.exists(root):
            raise CorpusError(f"corpus folder not found: {uri}")
        if not fs.getFileStatus(root).isDirectory():
            raise CorpusError(f"corpus path is not a folder: {uri}")
    except CorpusError:
        raise
    except Exception as e:  # a Py4J error carrying Hadoop's message
        raise CorpusError(f"cannot list corpus folder {uri}: {_java_message(e)}") from None
    qualified = fs.makeQualified(root).toString().rstrip("/")

    staged = None
    sidecar_rel = None
    if metadata is None:
        for name in SIDECAR_NAMES:
            candidate = hadoop_path(qualified + "/" + name)
            if fs.exists(candidate) and fs.getFileStatus(candidate).isFile():
                staged = _stage(sc, candidate.toString(), name)  # small: read on the driver
                sidecar_rel = name
                break

    walk = _PlanWalk(qualified, max_file_bytes, False, sidecar_rel)

    def listing(path, rel: str):
        try:
            return sorted(fs.listStatus(path), key=lambda s: s.getPath().getName())
        except Exception as e:
            walk.reject(rel, "unreadable", f"folder cannot be listed: {_java_message(e)}")
            return None

    top = listing(root, "")
    frames = [("", top, 0)] if top is not None else []
    while frames:
        prefix, entries, i = frames.pop()
        if i >= len(entries):
            continue
        frames.append((prefix, entries, i + 1))
        status = entries[i]
        rel = prefix + status.getPath().getName()
        if rel == sidecar_rel:
            continue
        if status.isDirectory():
            children = listing(status.getPath(), rel)
            if children is not None:
                frames.append((rel + "/", children, 0))
        elif status.isFile():
            _plan_file(walk, status.getPath().toString(), rel, status.getLen())
        else:
            walk.reject(rel, "unreadable", "not a regular file; not read")

    if staged is not None:
        folder, local = staged
        try:
            sidecar = _sidecar(Path(folder), local, sidecar_rel, walk.files, explicit=False)
        finally:
            local.unlink(missing_ok=True)
            os.rmdir(folder)
    elif metadata is not None:
        sidecar = _sidecar(Path(tempfile.gettempdir()) / "provenance-remote-root", Path(metadata), None,
                           walk.files, explicit=True)
    else:
        sidecar = Sidecar(path=None)
    return Listing(walk.entries, sidecar, len(walk.files) + (1 if sidecar.path is not None else 0))


def _stage(sc, uri: str, name: str) -> tuple[str, Path]:
    """Copy a remote sidecar (small) into a temporary folder under its own name."""
    folder = tempfile.mkdtemp(prefix="provenance-sidecar-")
    local = Path(folder) / name
    found = sc.binaryFiles(uri).collect()
    local.write_bytes(found[0][1] if found else b"")
    return folder, local


def _java_message(e: Exception) -> str:
    java = getattr(e, "java_exception", None)
    if java is not None:
        try:
            return str(java.getMessage())
        except Exception:  # pragma: no cover
            pass
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def uri_path(uri: str) -> str:
    """The path part of a Hadoop URI: how a listed file and a read file are matched."""
    from urllib.parse import urlsplit

    return posixpath.normpath(urlsplit(uri).path)
