"""Small file helpers shared by the readers and the writers."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Iterable

# the size over which a file (or a web archive's record) is not read: --max-file-mb's default
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024


def write_atomic(text: str, path: Path) -> None:
    """Write ``text`` (UTF-8, newlines as given) to a temporary file beside ``path``,
    then rename it over ``path``: an interrupted write never leaves half a file, and
    an existing file is replaced only by a complete one."""
    write_atomic_chunks((text,), path)


def write_atomic_chunks(chunks: Iterable[str], path: Path) -> None:
    """``write_atomic`` of the concatenated chunks, written as they come."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = _create_temporary(path, directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            _keep_mode_of(path, tmp)
            pending: list[str] = []
            for chunk in chunks:
                pending.append(chunk)
                if len(pending) >= 8192:  # few large writes, not many tiny ones
                    fh.write("".join(pending))
                    pending.clear()
            fh.write("".join(pending))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _keep_mode_of(path: Path, tmp: str) -> None:
    """A file that replaces another keeps its permission bits, as when written in place."""
    try:
        existing = os.stat(path)
        if stat.S_ISREG(existing.st_mode):
            os.chmod(tmp, stat.S_IMODE(existing.st_mode) & 0o777)
    except OSError:  # no previous file, or a file system without modes: the new file's own
        pass


def _create_temporary(path: Path, directory: Path) -> tuple[int, str]:
    """A new, empty temporary file beside ``path``, created as ``open()`` would create
    ``path`` itself: mode 0666 less the umask (and any default ACL), not mkstemp's 0600."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name beside {path}")


def human_size(n: float, scale: float | None = None) -> str:
    """``123 bytes``, ``4.5 KB``, ``64.0 MB``; in the unit ``scale`` would take, when
    given, so that two sizes side by side read in one unit (``0.5 MB`` beside ``64.0 MB``)."""
    unit, div = _unit(n if scale is None else scale)
    return f"{int(n)} bytes" if unit == "bytes" else f"{n / div:.1f} {unit}"


def _unit(n: float) -> tuple[str, int]:
    div = 1
    for unit in ("bytes", "KB", "MB"):
        if n < 1024 * div:
            return unit, div
        div *= 1024
    return "GB", div


def too_large(limit: int, size: int | None = None) -> str:
    """``over the size limit of …``; with the file's ``size`` first, both in the limit's
    unit (the larger one's would show a small limit as ``0.0 GB``)."""
    scale = limit
    shown = human_size(limit, scale)
    over = f"over the size limit of {shown}" + ("" if shown.endswith(" bytes") else f" ({limit} bytes)")
    return over if size is None else f"file is {human_size(size, scale)}, {over}"
