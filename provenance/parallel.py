"""Map a stage over chunks of work on several processes, in order.

Workers are forked after the stage's read-only inputs are put in ``_STATE``, so
nothing large is pickled on the way in; only results travel back.  Chunks are
returned in submission order, so any ``jobs`` gives the same result as one.
Where ``fork`` is not available the work runs in this process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Sequence

_STATE: dict[str, Any] = {}

Progress = Callable[[str, int, int], None]


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def state() -> dict[str, Any]:
    return _STATE


def _libc_trim() -> Callable[[int], int] | None:
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
        return trim
    except (OSError, AttributeError, TypeError):  # not glibc
        return None


_TRIM = _libc_trim() if sys.platform.startswith("linux") else None


def give_back_memory() -> None:
    """Return the memory freed by the stages so far to the system (glibc).

    A stage that makes and drops many arrays leaves the C heap fragmented: the
    memory is free for this process to reuse but still counted as its own, and,
    before the workers are forked, as theirs.  On 100,000 documents that was
    hundreds of megabytes."""
    if _TRIM is not None:
        _TRIM(0)


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def map_chunks(fn: Callable[[Sequence[Any]], list[Any]], items: Sequence[Any], *, jobs: int,
               shared: dict[str, Any], stage: str, progress: Progress | None = None,
               chunk_size: int = 256) -> list[Any]:
    """``fn`` maps a chunk of items to a list of results; the results of all chunks,
    concatenated in order.  ``shared`` is visible to ``fn`` through ``state()``."""
    _STATE.clear()
    _STATE.update(shared)
    chunks = _chunks(items, chunk_size)
    out: list[Any] = []
    done = 0
    report = progress or (lambda *_: None)
    report(stage, 0, len(items))
    try:
        use_pool = jobs > 1 and len(chunks) > 1 and "fork" in multiprocessing.get_all_start_methods()
        if not use_pool:
            for chunk in chunks:
                out.extend(fn(chunk))
                done += len(chunk)
                report(stage, done, len(items))
            return out
        give_back_memory()
        ctx = multiprocessing.get_context("fork")
        # Objects made so far are left out of the workers' garbage collections: a
        # collection writes to every object it visits, which would copy each page
        # of the shared corpus into every worker.
        gc.freeze()
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            for chunk, result in zip(chunks, pool.map(fn, chunks)):
                out.extend(result)
                done += len(chunk)
                report(stage, done, len(items))
        return out
    finally:
        gc.unfreeze()
        _STATE.clear()


class ProgressLine:
    """A one-line progress display (files read, passages fingerprinted, candidates
    verified) with rate and time left, for a terminal."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self.stage = ""
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage != self.stage:
            self.stage, self.started, self.last = stage, now, 0.0
        if done not in (0, total) and now - self.last < 0.2:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 and done else None
        eta = f", {left:.0f} s left" if left is not None and done < total else ""
        self.write(f"\r{stage}: {done:,}/{total:,} ({rate:,.0f}/s{eta})\x1b[K")
        if done == total:
            self.write("\n")
