"""Small file helpers shared by the readers and the writers."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable


def write_atomic(text: str, path: Path) -> None:
    """Write ``text`` (UTF-8, newlines as given) to a temporary file beside ``path``,
    then rename it over ``path``: an interrupted write never leaves half a file, and
    an existing file is replaced only by a complete one."""
    write_atomic_chunks((text,), path)


def write_atomic_chunks(chunks: Iterable[str], path: Path) -> None:
    """``write_atomic`` of the concatenated chunks, written as they come."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
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


def human_size(n: float) -> str:
    """``123 bytes``, ``4.5 KB``, ``64.0 MB``."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{int(n)} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"
