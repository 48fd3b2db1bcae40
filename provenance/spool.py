"""Streaming ingest: the corpus's texts wait on disk, not in memory.

The audit reads each file once, in walk order, and writes the extracted text to
an unnamed temporary file as soon as it is read; the document keeps a
``SpooledText``, which knows its length and where its characters are.  Worker
processes read the texts they need from the same file (``os.pread`` on the
inherited descriptor, safe from any number of processes), and later stages read
back only the texts of documents that share passages.  So the audit never holds
the whole corpus as text at once; the file disappears when the audit's result
is dropped.
"""

from __future__ import annotations

import os
import tempfile
from functools import partial

from .engines.corpustext import CorpusText


class SpooledText(CorpusText):
    """A text on the spool: ``len()`` without reading it; its characters read
    again on every use (not kept), as a ``str`` everywhere the code needs one."""

    def value(self) -> str:
        return object.__getattribute__(self, "__dict__")["_load"]()

    def __reduce__(self):
        return (str, (self.value(),))

    def __repr__(self) -> str:
        return f"<text of {len(self)} characters, on the spool>"


class TextSpool:
    """An append-only temporary file of UTF-8 texts."""

    def __init__(self, directory: str | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix="provenance-texts-", dir=directory)
        self._fd = self._file.fileno()
        self._end = 0
        self.texts = 0
        self.bytes = 0

    def put(self, text: str) -> str:
        """Write ``text`` and return the ``SpooledText`` that reads it back
        (an empty text is returned as it is)."""
        if not text:
            return text
        data = str(text).encode("utf-8", "surrogatepass")
        offset = self._end
        view = memoryview(data)
        while view:
            written = os.pwrite(self._fd, view, self._end)
            view = view[written:]
            self._end += written
        self.texts += 1
        self.bytes += len(data)
        return SpooledText(len(text), partial(self._read, offset, len(data)))

    def _read(self, offset: int, size: int) -> str:
        parts, got = [], 0
        while got < size:
            chunk = os.pread(self._fd, size - got, offset + got)
            if not chunk:
                raise OSError(f"the text spool ended early at byte {offset + got}")
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts).decode("utf-8", "surrogatepass")
