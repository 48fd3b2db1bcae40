"""Turn one corpus file's bytes into documents, or into rejections that say why not.

Readers never raise to the caller: a file that cannot be read is reported, not
fatal, so one bad file never stops an audit of thousands.
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..files import DEFAULT_MAX_FILE_BYTES
from ..model import Document, MetaField, Rejection

__all__ = ["ReadFailure", "Parsed", "SUPPORTED", "read_file", "format_for", "is_archive", "unsupported_reason",
           "whole_file_rejection"]


class ReadFailure(Exception):
    """A file (or one record in it) cannot become a document; ``code`` is stable."""

    def __init__(self, code: str, reason: str, record: str | None = None):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
        self.record = record


@dataclass(frozen=True)
class Parsed:
    """What a format reader extracted; ``read_file`` adds path, hash and format."""

    text: str
    encoding: str | None
    title: str | None = None
    url: str | None = None
    metadata: tuple[MetaField, ...] = ()
    record: str | None = None
    raw: bytes | None = None  # the record's own bytes, for multi-record files
    format: str | None = None  # what it was read as, when not the file's format (a saved MHTML page: "html")


# extension -> Document.format
SUPPORTED: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xml": "xml",
    ".mht": "mhtml",  # a page saved as one file (MHTML), read as "html" or "text"
    ".mhtml": "mhtml",
    ".rss": "xml",  # RSS and Atom feeds are XML
    ".atom": "xml",
    # web archives: many documents per file, each read as "html" or "text"
    ".warc": "warc",
    ".warc.gz": "warc",
    ".arc": "warc",
    ".arc.gz": "warc",
}


def format_for(rel_path: str) -> str | None:
    """Document format for a path, or None when it is not read (unknown, hidden, or in
    a hidden folder: notebook checkpoints, editor backups and trash hold stale copies)."""
    name = PurePosixPath(rel_path).name
    if name.startswith(".") or _hidden_folder(rel_path) is not None:
        return None
    archive = warc.archive_suffix(name)  # a double suffix such as .warc.gz
    if archive is not None:
        return SUPPORTED[archive]
    return SUPPORTED.get(PurePosixPath(name).suffix.lower())


def is_archive(rel_path: str) -> bool:
    """Whether a path is a web archive, read as a stream by ``warc.read_archive``."""
    return format_for(rel_path) == "warc"


def unsupported_reason(rel_path: str) -> str | None:
    """Why a path is not read at all, or None when its extension is supported."""
    if format_for(rel_path) is not None:
        return None
    name = PurePosixPath(rel_path).name
    if name.startswith("."):
        return "hidden file (name starts with '.'), not read as an article"
    folder = _hidden_folder(rel_path)
    if folder is not None:
        return f"inside the hidden folder {folder} (its name starts with '.'), not read as an article"
    suffix = PurePosixPath(name).suffix.lower()
    known = ", ".join(sorted(SUPPORTED))
    what = f"extension '{suffix}'" if suffix else "no file extension"
    return f"{what} is not a supported article format (supported: {known})"


def _hidden_folder(rel_path: str) -> str | None:
    """The first folder of the path whose name starts with '.', as a path from the root."""
    parts = PurePosixPath(rel_path).parts[:-1]
    for i, part in enumerate(parts):
        if part.startswith(".") and part not in (".", ".."):
            return "/".join(parts[: i + 1])
    return None


def read_file(rel_path: str, data: bytes) -> tuple[list[Document], list[Rejection]]:
    """Read one file's bytes; every failure becomes a Rejection, never an exception."""
    fmt = format_for(rel_path)
    if fmt is None:
        reason = unsupported_reason(rel_path) or "unsupported format"
        return [], [Rejection(rel_path, "unsupported-format", reason)]
    if fmt == "warc":  # the bytes are in memory already: a record may be as large as they are, and a
        # compressed record may be larger than the whole file; it is read up to the audit's default limit
        limit = max(len(data), DEFAULT_MAX_FILE_BYTES)
        documents, rejections, _counts = warc.read_archive_stream(rel_path, io.BytesIO(data), limit)
        return documents, rejections
    try:
        parsed, failures = _dispatch(fmt, data)
    except ReadFailure as f:
        return [], [Rejection(rel_path, f.code, f.reason, f.record)]
    except Exception as e:  # a parser bug or pathological input must not stop the audit
        return [], [Rejection(rel_path, "unreadable", f"could not be parsed: {type(e).__name__}: {e}")]
    file_hash = hashlib.sha256(data).hexdigest()
    docs = [
        Document(
            path=rel_path,
            record=p.record,
            sha256=hashlib.sha256(p.raw).hexdigest() if p.raw is not None else file_hash,
            text=p.text,
            format=p.format or fmt,
            encoding=p.encoding,
            title=p.title,
            url=p.url,
            metadata=p.metadata,
        )
        for p in parsed
    ]
    rejections = [Rejection(rel_path, f.code, f.reason, f.record) for f in failures]
    if not docs and not any(r.record is None for r in rejections):
        # every record was rejected: the file itself is a rejected file too, so that
        # each file is a file with documents or a rejected file (run.inputs adds up)
        rejections.insert(0, whole_file_rejection(rel_path, rejections))
    return docs, rejections


def whole_file_rejection(rel_path: str, records: list[Rejection]) -> Rejection:
    """The rejection of a whole multi-record file none of whose records became a document,
    with the code most of its records were rejected with (the first, on a tie)."""
    if not records:
        return Rejection(rel_path, "no-text", "no document could be read from the file")
    counts = Counter(r.code for r in records)
    code = max(counts, key=counts.get)
    detail = ", ".join(f"{c} {n}" for c, n in counts.items())
    if len(records) == 1:
        rejected = f"its only record was rejected ({detail}); see the record's rejection"
    else:
        rejected = f"its {len(records)} records were all rejected ({detail}); see the record rejections"
    return Rejection(rel_path, code, f"no document could be read from the file: {rejected}")


def _dispatch(fmt: str, data: bytes) -> tuple[list[Parsed], list[ReadFailure]]:
    if fmt == "text":
        return [text.read_text(data)], []
    if fmt == "html":
        return [html.read_html(data)], []
    if fmt == "xml":
        return xml.read_xml(data)
    if fmt == "mhtml":
        return [mhtml.read_mhtml(data)], []
    return jsonrec.read_json(data, lines=(fmt == "jsonl"))


from . import html, jsonrec, mhtml, text, warc, xml  # noqa: E402  (submodules need ReadFailure defined first)
