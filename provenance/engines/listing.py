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

from ..errors import CorpusError
from ..inventory import (_Walk, admit, documents_from_bytes, open_root, page_resource_folders, read_admitted, sidecar_of,
                         walk_tree)
from ..model import Document, Rejection, Sidecar
from ..sidecar import SIDECAR_NAMES, find_sidecar, relative_inside

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
    """inventory.py's walk, with each admitted file's read planned instead of done."""

    entries: list = field(default_factory=list)

    def reject(self, rel: str, code: str, reason: str) -> None:
        super().reject(rel, code, reason)
        self.entries.append(Rejection(rel, code, reason))

    def regular(self, path: str, rel: str, st: os.stat_result) -> None:
        kind = admit(self, rel, st)
        if kind is not None:
            self.files.append(rel)
            self.entries.append(Read(len(self.entries), rel, path, kind == "archive"))


@dataclass(frozen=True)
class _RemoteFile:
    """What the walk's checks need of a file listed through Hadoop: a regular file and its size."""

    st_size: int
    st_mode: int = stat.S_IFREG


def list_local(root: Path, *, metadata: Path | None, max_file_bytes: int, follow_symlinks: bool) -> Listing:
    """Plan the inventory of a local folder; raises CorpusError when the root is unusable."""
    root = Path(root)
    root_stat = open_root(root)
    sidecar_path = find_sidecar(root, metadata)
    sidecar_rel = relative_inside(root, sidecar_path) if sidecar_path is not None else None
    # absolute: executors open the planned paths, whatever their working folder
    walk = _PlanWalk(os.path.abspath(root), max_file_bytes, follow_symlinks, sidecar_rel)
    walk.visited.add((root_stat.st_dev, root_stat.st_ino))
    walk_tree(walk)
    sidecar = sidecar_of(root, sidecar_path, sidecar_rel, walk.files, explicit=metadata is not None)
    return Listing(walk.entries, sidecar, len(walk.files) + (1 if sidecar.path is not None else 0))


# --------------------------------------------------------------------------
# Executors: the read itself
# --------------------------------------------------------------------------


def read_planned(task: Read, limit: int) -> tuple[list[Document], list[Rejection], dict[str, int] | None]:
    """Read a planned local file exactly as the local inventory reads it."""
    return read_admitted(task.rel, task.location, limit, task.archive)


def read_bytes(task: Read, data: bytes, limit: int) -> tuple[list[Document], list[Rejection], dict[str, int] | None]:
    """Documents of a file's bytes (a remote file, or a local one just read)."""
    if task.archive:
        import io

        from ..readers.warc import read_archive_stream

        return read_archive_stream(task.rel, io.BytesIO(data), limit)
    documents, rejections = documents_from_bytes(task.rel, data, limit)
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
            raise CorpusError(f"{uri}: no such folder")
        if not fs.getFileStatus(root).isDirectory():
            raise CorpusError(f"{uri}: not a folder")
    except CorpusError:
        raise
    except Exception as e:  # a Py4J error carrying Hadoop's message
        raise CorpusError(f"{uri}: cannot list the folder: {_java_message(e)}") from None
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

    def saved(entries, folder: str) -> dict[str, str]:  # as inventory.walk_tree finds a page's folder
        return page_resource_folders(((s.getPath().getName(), bool(s.isFile())) for s in entries), folder)

    def shown(name: str) -> str:
        return name.replace("\\", "\\\\")  # as inventory.display_path shows it

    top = listing(root, "")
    # as in inventory.walk_tree: prefix, entries, next index, the page whose saved folder
    # this is (or lies in), the folders here saved beside a page
    frames = [("", top, 0, None, saved(top, ""))] if top is not None else []
    while frames:
        prefix, entries, i, page, pages = frames.pop()
        if i >= len(entries):
            continue
        frames.append((prefix, entries, i + 1, page, pages))
        status = entries[i]
        name = status.getPath().getName()
        rel = prefix + shown(name)
        if rel == sidecar_rel:
            continue
        if status.isDirectory():
            children = listing(status.getPath(), rel)
            if children is not None:
                owner = page if page is not None else (prefix + shown(pages[name]) if name in pages else None)
                frames.append((rel + "/", children, 0, owner, saved(children, rel + "/") if owner is None else {}))
        elif page is not None:
            walk.resource(rel, page)
        elif status.isFile():
            walk.regular(status.getPath().toString(), rel, _RemoteFile(status.getLen()))
        else:
            walk.reject(rel, "unreadable", "not a regular file; not read")

    if staged is not None:
        folder, local = staged
        try:
            sidecar = sidecar_of(Path(folder), local, sidecar_rel, walk.files, explicit=False)
        finally:
            local.unlink(missing_ok=True)
            os.rmdir(folder)
    elif metadata is not None:
        sidecar = sidecar_of(Path(tempfile.gettempdir()) / "provenance-remote-root", Path(metadata), None,
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
