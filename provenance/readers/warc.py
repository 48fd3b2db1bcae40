"""Read web archives (WARC and ARC, plain or gzipped): each captured page is a document.

A crawl stores many pages in one file, so an archive is read as a stream, record
by record, with warcio; only one record's payload is held at a time, and no more
of it than the size limit allows. Every ``response`` (and ``resource``) record
whose content type is HTML or plain text becomes a document named by the
record's byte offset in the file (``offset 1234``). HTML payloads go through
the HTML reader, so their metadata is kept; the archive adds where and when the
page was captured: ``url`` (WARC-Target-URI), ``id`` (WARC-Record-ID) and
``captured`` (WARC-Date). The capture time is when the crawler fetched the
page, not when it was published, and is never recorded as ``published``.

Records that are not pages (requests, metadata, warcinfo, revisits of a page
already stored, images, PDFs, error pages) are counted, not reported one by one.
So are recaptures: full records (not revisits) for one WARC-Target-URI with the same
payload are one page fetched again, and only one of them is a document, the earliest
capture by WARC-Date (between equal dates, the first in the file; a record with no
WARC-Date, or one that cannot be read as a date, counts as captured after every dated
one). Archives merged from several crawls are not always in date order, so a record
further on may displace the document kept for an earlier one; the document is then
wholly that record's (its offset, address, id and capture time), and it takes its
record's place in the file's order. Deciding this holds nothing more than the documents
already kept and, for each, its page's key and capture time; no record is read twice.
A feed (RSS 2.0, RSS 1.0 or Atom: a payload typed ``application/rss+xml``,
``application/atom+xml`` or ``application/rdf+xml``, or ``text/xml`` or
``application/xml`` whose root element is ``<rss>``, ``<rdf:RDF>`` or ``<feed>``) gives
a document per item, read by ``feeds.read_feed`` from a tree parsed by
``xml.parse_xml`` with the XML reader's protections (entity declarations refused), and
named ``offset N item K``: the record's offset, then the item as a saved feed names it.
An item's ``url`` is its own link, else the WARC-Target-URI (the feed's address);
``captured`` is the WARC-Date, as for a page, and its publication time is the item's own.
A feed captured again holds again the items it held: an item of a capture of the same
WARC-Target-URI with the same text and metadata as one already kept is a recapture too,
its document the earliest capture's (as for pages), counted as ``recaptured_item``.
A feed payload that is not well-formed, declares entities or holds no item is one
rejection of its record; an item with no text, a rejection named by the item.

A record that is truncated or cannot be decoded is a ``corrupt-record``
rejection; the pages read before it are kept. A file that is not an archive at
all, or whose first record is already broken, is one ``invalid-warc`` rejection
whose reason says so in words. An archive that yields no document is always a
rejected file (a rejection with no ``record``), besides its records' rejections.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import zlib
from collections import Counter
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin

from ..dates import latest_instant, parse_date_value
from ..files import too_large
from ..model import Document, MetaField, Rejection
from . import Parsed, ReadFailure
from .feeds import FEED_ROOTS, feed_kind, read_feed
from .html import read_html
from .text import decode_mostly_utf8, read_text, text_codec
from .xml import _local, parse_xml, root_name, shown_root

__all__ = ["ARCHIVE_SUFFIXES", "archive_suffix", "read_archive", "read_archive_stream", "read_payload"]

ARCHIVE_SUFFIXES = (".warc.gz", ".arc.gz", ".warc", ".arc")  # longest first
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain"})
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
_XML_TYPES = frozenset({"text/xml", "application/xml"})  # a feed when its root element is one
_CHUNK = 64 * 1024
_UTF_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

# counts returned for each archive; every record read lands in exactly one of
# documents / rejected / the skip reasons (recaptured_item aside: it counts feed items,
# not records, of records counted as documents or recaptures)
COUNT_KEYS = (
    "records", "documents", "rejected", "revisit", "recapture", "request", "metadata", "warcinfo",
    "other_type", "non_text", "http_error", "recaptured_item",
)
SKIPPED_KINDS = COUNT_KEYS[3:]  # records (and feed items) that are neither documents nor rejected


def skipped_records(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """The records skipped as not documents, by kind, leaving out the kinds not seen
    (``counts`` also holds all records, documents and rejections, which are reported elsewhere)."""
    return tuple((k, counts[k]) for k in sorted(SKIPPED_KINDS) if counts.get(k))


def archive_suffix(name: str) -> str | None:
    """The archive suffix of a file name (``.warc.gz`` is one suffix), or None."""
    lowered = name.lower()
    return next((s for s in ARCHIVE_SUFFIXES if lowered.endswith(s) and len(lowered) > len(s)), None)


def read_archive(rel_path: str, path: Path, max_record_bytes: int) -> tuple[list[Document], list[Rejection], dict[str, int]]:
    """Read one archive file from disk, streaming; never raises for a bad file."""
    try:
        fh = open(path, "rb")
    except PermissionError:
        return [], [Rejection(rel_path, "permission-denied", "file cannot be opened: permission denied")], _counts()
    except OSError as e:
        return [], [Rejection(rel_path, "unreadable", f"file cannot be read: {e.strerror or e}")], _counts()
    with fh:
        return read_archive_stream(rel_path, fh, max_record_bytes)


def read_archive_stream(rel_path: str, stream: BinaryIO, max_record_bytes: int) -> tuple[list[Document], list[Rejection], dict[str, int]]:
    """Read an archive from a binary stream (see ``read_archive``)."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:  # pragma: no cover - warcio is a declared dependency
        return [], [Rejection(rel_path, "unreadable", "warcio is not installed; web archives cannot be read")], _counts()

    # warcio prints its warnings to stderr; what they mean shows up as rejections instead
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            start = stream.tell() if stream.seekable() else 0
            head = _peek(stream)
        except OSError as e:
            return [], [Rejection(rel_path, "unreadable", f"file cannot be read: {e.strerror or e}")], _counts()
        if not head:
            return [], [Rejection(rel_path, "empty", "file is empty")], _counts()
        reader = _ArchiveReader(rel_path, max_record_bytes, is_arc=_is_arc(head), head=head)
        outcome = reader.run(ArchiveIterator(stream, arc2warc=True))
        if outcome == "whole-gzip":
            # gzipped as a whole rather than record by record: read it through one
            # streaming decompressor; offsets are then into the decompressed data
            stream.seek(start)
            reader = _ArchiveReader(rel_path, max_record_bytes, is_arc=reader.is_arc, head=head)
            with gzip.GzipFile(fileobj=stream, mode="rb") as unzipped:
                reader.run(ArchiveIterator(unzipped, arc2warc=True))
    return reader.finish()


def _counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KEYS, 0)


def _message(e: BaseException, limit: int = 240) -> str:
    text = " ".join(str(e).split())
    if len(text) > limit:
        text = text[:limit] + "…"
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def _peek(stream: BinaryIO) -> bytes:
    """The first bytes of the stream, without consuming them (when it can seek)."""
    if not stream.seekable():
        return b"?"  # cannot look ahead; let the archive reader decide
    start = stream.tell()
    head = stream.read(512)
    stream.seek(start)
    return head


def _is_arc(head: bytes) -> bool:
    """Whether the archive is ARC (its records have no ids of their own)."""
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return False
    return head.lstrip().startswith(b"filedesc://")


def _beginning(head: bytes) -> tuple[bool, bytes | None]:
    """Whether the file is gzip-compressed, and its first (decompressed) bytes; None
    when the compressed data cannot be decompressed, or the file cannot be peeked at."""
    if head == b"?":
        return False, None
    if head[:2] == b"\x1f\x8b":
        try:
            return True, zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 256)
        except zlib.error:
            return True, None
    return False, head


def _looks_like_archive(start: bytes) -> bool:
    start = start.lstrip()
    return start.startswith((b"WARC/", b"filedesc://"))


def _shown(start: bytes, limit: int = 40) -> str:
    """The first line of some bytes, as a short printable quotation."""
    line = start.lstrip().split(b"\n", 1)[0].rstrip(b"\r")
    text = line[: limit * 4].decode("utf-8", "replace")
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return "'" + (text[:limit] + "…" if len(text) > limit else text) + "'"


def _not_an_archive(head: bytes) -> str | None:
    """Why the file is not an archive, judged from its first bytes; None when they look
    like a WARC or ARC file (or cannot be seen)."""
    gz, start = _beginning(head)
    if start is None:
        return "its gzip-compressed data is damaged from the start" if gz else None
    if not start.strip() or _looks_like_archive(start):
        return None
    what = "its gzip-compressed data begins" if gz else "it begins"
    return f"{what} with {_shown(start)}, not with a WARC or ARC record header"


def _explain(e: BaseException, gz: bool) -> str:
    """What a warcio failure means, in words; the exception's text only when it is not
    an internal error of the parser meeting a broken header."""
    text = str(e)
    if isinstance(e, (zlib.error, EOFError, gzip.BadGzipFile)):
        return f"the gzip-compressed data is damaged ({_message(e)})"
    if "Unknown archive format" in text:
        if gz or "\\x1f\\x8b" in text:  # warcio could not decompress, and read the raw bytes
            return "the gzip-compressed data is damaged: it cannot be decompressed"
        return "the bytes there do not begin a WARC or ARC record"
    if isinstance(e, (AttributeError, TypeError, IndexError, KeyError, ValueError)):
        return "the record header breaks off or is malformed"
    return _message(e)


class _Corrupt(Exception):
    """A record that cannot be read; ``fatal`` when the stream cannot be followed past it."""

    def __init__(self, reason: str, fatal: bool):
        super().__init__(reason)
        self.reason = reason
        self.fatal = fatal


def _watch_gzip_end(iterator):
    """A check, for after the last record, of whether the file ended inside a gzip member.

    warcio stops quietly when compressed data breaks off; its decompressor knows
    whether it saw the end of the member, until warcio discards it.
    """
    reader = iterator.reader
    state = {"cut_short": False}
    close = reader.close_decompressor

    def close_decompressor() -> None:
        decompressor = reader.decompressor
        if decompressor is not None and not decompressor.eof:
            state["cut_short"] = True
        close()

    reader.close_decompressor = close_decompressor
    return lambda: state["cut_short"]


class _ArchiveReader:
    def __init__(self, rel_path: str, max_record_bytes: int, *, is_arc: bool = False, head: bytes = b"?"):
        self.rel_path = rel_path
        self.limit = max_record_bytes
        self.is_arc = is_arc
        self.head = head  # the file's first bytes, to say why it is not an archive
        # the documents kept, by the sequence number of their record and their place in it
        # (0 for a page, the item's for a feed): insertion order is the file's order, and a
        # recapture that displaces one is deleted and re-added
        self.kept: dict[tuple[int, int], Document] = {}
        self.holding: Counter = Counter()  # sequence number -> documents kept from that record
        self.rejections: list[Rejection] = []
        self.counts = _counts()
        self.intact = 0  # records read whole (documents, skipped, or rejected for their content)
        # what a capture holds -> the document kept for it (None for a feed) and its capture order key:
        # ("page", target URI, payload SHA-256), ("feed", target URI, payload SHA-256) and
        # ("item", target URI, the item's digest)
        self.captured: dict[tuple[str, str, str], tuple[tuple[int, int] | None, tuple]] = {}

    @property
    def documents(self) -> list[Document]:
        """The documents kept so far, in the file's order of their records."""
        return list(self.kept.values())

    def reject(self, offset: int, code: str, reason: str) -> None:
        self.counts["rejected"] += 1
        self.rejections.append(Rejection(self.rel_path, code, reason, f"offset {offset}"))

    def run(self, iterator) -> str:
        """Read every record; returns "done", "stopped" (after a fatal error) or "whole-gzip"."""
        cut_short = _watch_gzip_end(iterator)
        records = iter(iterator)
        while True:
            offset = iterator.offset
            try:
                record = next(records)
            except StopIteration:
                if cut_short():
                    end = _position(iterator.fh, offset)
                    reason = (f"the file is truncated: its gzip data breaks off at byte {end} (the end of the file), "
                              "in the middle of a compressed record")
                    if self.counts["records"] == 0:
                        self.rejections.append(Rejection(self.rel_path, "invalid-warc",
                                                         f"truncated: no WARC or ARC record could be read: {reason}"))
                    else:
                        self.reject(offset, "corrupt-record", reason)
                return "done"
            except Exception as e:  # a header that cannot be parsed, a broken gzip member
                if "non-chunked gzip" in str(e) and self.counts["records"] == 1 and self._can_restart(iterator):
                    return "whole-gzip"
                self._stream_error(offset, e)
                return "stopped"
            offset = iterator.offset  # where this record starts
            self.counts["records"] += 1
            try:
                self._record(record, iterator, offset)
                self.intact += 1
            except _Corrupt as c:
                self.reject(offset, "corrupt-record", c.reason)
                if c.fatal:
                    return "stopped"
            except Exception as e:  # a bug or a pathological record must not stop the audit
                self.reject(offset, "corrupt-record", f"record cannot be read: {_message(e)}")
                return "stopped"

    @staticmethod
    def _can_restart(iterator) -> bool:
        fh = iterator.fh
        return not isinstance(fh, gzip.GzipFile) and hasattr(fh, "seekable") and fh.seekable()

    def _stream_error(self, offset: int, e: Exception) -> None:
        gz = self.head[:2] == b"\x1f\x8b"
        if self.counts["records"] == 0:
            self.rejections.append(Rejection(self.rel_path, "invalid-warc", self._no_record(_explain(e, gz))))
            return
        self.reject(offset, "corrupt-record", "record header is incomplete or malformed (the file may be truncated "
                    f"or damaged here); nothing after it was read: {_explain(e, gz)}")

    def _no_record(self, detail: str | None = None) -> str:
        """Why not a single record could be read, in words."""
        why = _not_an_archive(self.head)
        if why is not None:
            return f"not a WARC or ARC file: {why}"
        reason = "truncated or not a WARC or ARC file: no record header could be read"
        return f"{reason} ({detail})" if detail else reason

    def finish(self) -> tuple[list[Document], list[Rejection], dict[str, int]]:
        if self.kept or any(r.record is None for r in self.rejections):
            return self.documents, self.rejections, self.counts
        # no document: the file itself is rejected too, so that it counts as a rejected file
        records = self.counts["records"]
        skipped = ", ".join(f"{k} {v}" for k, v in self.counts.items()
                            if v and k not in ("records", "documents", "rejected"))
        if not self.rejections:
            if records == 0:
                self.rejections.append(Rejection(self.rel_path, "invalid-warc", self._no_record()))
            else:
                reason = f"none of the archive's {records} records is an HTML or plain-text page or a feed ({skipped})"
                self.rejections.append(Rejection(self.rel_path, "no-text", reason))
        elif self.intact == 0 and len(self.rejections) == 1:
            # its first record is already broken: not an archive, or cut or damaged there
            [first] = self.rejections
            why = _not_an_archive(self.head)
            if why is not None:
                reason = f"not a WARC or ARC file: {why}"
            else:
                reason = f"truncated or damaged: not a single WARC or ARC record could be read: {first.reason}"
            self.rejections = [Rejection(self.rel_path, "invalid-warc", reason)]
            self.counts["rejected"] -= 1
        else:
            rejected = len(self.rejections)
            codes = Counter(r.code for r in self.rejections)
            detail = ", ".join(f"{c} {n}" for c, n in codes.items())
            if self.intact == 0:
                code = "invalid-warc"
                reason = (f"truncated or damaged: not a single WARC or ARC record could be read ({detail}); "
                          "see the record rejections")
            else:
                content = Counter(r.code for r in self.rejections if r.code != "corrupt-record")
                code = max(content, key=content.get) if content else "no-text"
                reason = (f"no document could be read from the archive's {records} records: {rejected} rejected "
                          f"({detail}; see the record rejections)" + (f", the others not pages ({skipped})"
                                                                      if skipped else ""))
            self.rejections.insert(0, Rejection(self.rel_path, code, reason))
        return self.documents, self.rejections, self.counts

    # -- one record ------------------------------------------------------------

    def _record(self, record, iterator, offset: int) -> None:
        rec_type = record.rec_type
        length = _declared_length(record)
        if length is None:
            raise _Corrupt("record header is incomplete or has no valid Content-Length (the file may be truncated "
                           "here); nothing after it was read", True)
        if rec_type not in ("response", "resource"):
            key = rec_type if rec_type in ("revisit", "request", "metadata", "warcinfo") else "other_type"
            self.counts[key] += 1
            self._finish_record(record, iterator)
            return

        http = record.http_headers if rec_type == "response" else None
        headers = http if http is not None else record.rec_headers
        content_type = headers.get_header("Content-Type")
        media, charset = _parse_content_type(content_type)
        status = http.get_statuscode() if http is not None else None
        if status is not None and not str(status).startswith("2"):
            self.counts["http_error"] += 1
            self._finish_record(record, iterator)
            return
        if media in _HTML_TYPES or media in _TEXT_TYPES:
            fmt = "html" if media in _HTML_TYPES else "text"
        elif media in _FEED_TYPES or media in _XML_TYPES:
            fmt = "xml"
        else:
            self.counts["non_text"] += 1
            self._finish_record(record, iterator)
            return

        payload, over = self._payload(record, iterator)
        self._finish_record(record, iterator)  # raises _Corrupt when the record is cut short
        if media in _XML_TYPES and root_name(payload) not in FEED_ROOTS:
            self.counts["non_text"] += 1  # XML other than a feed (a sitemap, an API's answer)
            return
        if over:
            self.reject(offset, "too-large", f"record payload is {too_large(self.limit)}; not read")
            return
        # the same page fetched again, unchanged, as a full response rather than a revisit:
        # one document, the earliest capture; the others are counted as recaptures
        target = _clean(record.rec_headers.get_header("WARC-Target-URI")) or ""
        capture = ("feed" if fmt == "xml" else "page", target, hashlib.sha256(payload).hexdigest())
        when = _capture_order(record)
        earlier = self.captured.get(capture) if target else None
        if earlier is not None and not when < earlier[1]:  # captured no earlier: ties keep the file's order
            self.counts["recapture"] += 1
            return
        if fmt == "xml":
            self._feed(record, offset, payload, media, charset, capture, when)
            return
        try:
            parsed, encoding = read_payload(payload, fmt, charset)
        except ReadFailure as f:
            self.reject(offset, f.code, f.reason)  # the document kept for an earlier record stays
            return
        seq = self.counts["records"]  # this record's number in the run: increasing, unique
        document = self._document(record, f"offset {offset}", hashlib.sha256(payload).hexdigest(), parsed, encoding,
                                  fmt)
        self._keep((seq, 0), document, capture, when, earlier[0] if earlier is not None else None)
        self._close(seq)

    def _feed(self, record, offset: int, payload: bytes, media: str, charset: str | None,
              capture: tuple[str, str, str], when: tuple) -> None:
        """A feed's items, each a document unless the same item was captured no later."""
        try:
            root, encoding = parse_xml(payload, what="payload", fallback=_http_charset(charset))
        except ReadFailure as f:
            self.reject(offset, f.code, f.reason)
            return
        kind = feed_kind(root)
        if kind is None:
            if media in _XML_TYPES or FEED_ROOTS.get(_local(root)) == "rdf":
                self.counts["non_text"] += 1  # XML, or RDF data, that is not a feed after all
            else:
                self.reject(offset, "unsupported-format", f"payload typed {media} is not an RSS or Atom feed: "
                            f"its root element is {shown_root(root)}")
            return
        try:
            parsed, failures = read_feed(root, kind, encoding)
        except ReadFailure as f:  # a feed with no item
            self.reject(offset, f.code, f.reason)
            return
        self.rejections.extend(Rejection(self.rel_path, f.code, f.reason, f"offset {offset} {f.record}")
                               for f in failures)
        if not parsed:  # every item rejected: the record is rejected, through its items
            self.counts["rejected"] += 1
            return
        seq = self.counts["records"]
        target = capture[1]
        for i, item in enumerate(parsed):
            key = ("item", target, _item_digest(item))
            earlier = self.captured.get(key) if target else None
            if earlier is not None and not when < earlier[1]:
                self.counts["recaptured_item"] += 1  # kept from a capture no later than this one
                continue
            if earlier is not None:
                self.counts["recaptured_item"] += 1  # the later capture's item gives way
            document = self._document(record, f"offset {offset} {item.record}",
                                      hashlib.sha256(item.raw or b"").hexdigest(), item, encoding, "xml")
            self._keep((seq, i), document, key, when, earlier[0] if earlier is not None else None)
        self._close(seq)
        if target:
            self.captured[capture] = (None, when)

    def _keep(self, key: tuple[int, int], document: Document, capture: tuple[str, str, str], when: tuple,
              displaced: tuple[int, int] | None) -> None:
        """Keep a document; it displaces the document kept for a later capture of the same
        page or item, whose record becomes a recapture when it keeps nothing else."""
        if displaced is not None and displaced in self.kept:
            del self.kept[displaced]
            self.holding[displaced[0]] -= 1
            if not self.holding[displaced[0]]:
                self.counts["documents"] -= 1
                self.counts["recapture"] += 1
        self.kept[key] = document
        self.holding[key[0]] += 1
        if capture[1]:
            self.captured[capture] = (key, when)

    def _close(self, seq: int) -> None:
        """Count a record read: documents when it keeps one, else a recapture."""
        self.counts["documents" if self.holding[seq] else "recapture"] += 1

    def _payload(self, record, iterator) -> tuple[bytes, bool]:
        """The HTTP entity (de-chunked, content-decoded), at most limit+1 bytes."""
        stream = record.content_stream()
        chunks: list[bytes] = []
        size = 0
        try:
            while size <= self.limit:
                chunk = stream.read(min(_CHUNK, self.limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except Exception as e:  # a broken content-encoding or chunked body
            self._finish_record(record, iterator)  # the record itself may still be whole
            raise _Corrupt(f"record payload cannot be decoded: {_message(e)}", False)
        return b"".join(chunks), size > self.limit

    def _finish_record(self, record, iterator) -> None:
        """Read the record to its end (bounded chunks) and check it was complete."""
        try:
            _drain(record.raw_stream)
            missing = getattr(record.raw_stream, "limit", 0) or 0
            iterator.read_to_end()  # consumes the separator, finds the next record's offset
        except Exception as e:
            raise _Corrupt(f"record cannot be read: {_message(e)}", True)
        if missing > 0:
            raise _Corrupt(f"record is truncated: {missing} of its {_declared_length(record)} bytes are missing "
                           "(the file ends or its compressed data breaks off inside it)", True)

    def _document(self, record, name: str, sha256: str, parsed: Parsed, encoding: str | None,
                  fmt: str) -> Document:
        headers = record.rec_headers
        target = _clean(headers.get_header("WARC-Target-URI"))
        fields = list(parsed.metadata)
        if target:
            fields.append(MetaField("url", target, "warc:WARC-Target-URI"))
        record_id = _clean(headers.get_header("WARC-Record-ID"))
        if record_id and not self.is_arc:  # an ARC record has no id; warcio makes up a random one
            fields.append(MetaField("id", record_id, "warc:WARC-Record-ID"))
        captured = _clean(headers.get_header("WARC-Date"))
        if captured:
            fields.append(MetaField("captured", captured, "warc:WARC-Date"))
        # the page's own address as the HTML reader worked it out (a copy's canonical link
        # to its original elsewhere is a pointer, not the copy's address), a feed item's link
        url = target
        if parsed.url:
            url = urljoin(target, parsed.url) if target else parsed.url
        return Document(
            path=self.rel_path,
            record=name,
            sha256=sha256,
            text=parsed.text,
            format=fmt,
            encoding=encoding,
            title=parsed.title,
            url=url or None,
            metadata=tuple(fields),
        )


def _item_digest(item: Parsed) -> str:
    """What makes two captures of a feed item the same item: its text and what it says
    of itself (the item's XML is not compared: its surrounding white space changes as
    items come and go)."""
    fields = [[m.key, m.value, m.source] for m in item.metadata]
    blob = json.dumps([item.text, item.title, item.url, fields], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _capture_order(record) -> tuple:
    """How a record's capture sorts among captures of the same page: by the end of the
    span its WARC-Date stands for (the capture time as ``documents[].captured`` reads
    it), a record with no WARC-Date or one that is not a date after every dated one."""
    value = parse_date_value(_clean(record.rec_headers.get_header("WARC-Date")) or "")
    latest = latest_instant(value) if value is not None else None
    return (0, latest) if latest is not None else (1,)


def _position(fh, default: int) -> int:
    try:
        return fh.tell()
    except Exception:
        return default


def _drain(stream) -> None:
    while stream.read(_CHUNK):
        pass


def _declared_length(record) -> int | None:
    value = record.rec_headers.get_header("Content-Length")
    try:
        length = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return length if length >= 0 else None


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    parts = value.split(";")
    media = parts[0].strip().lower() or None
    charset = None
    for param in parts[1:]:
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return media, charset


def _http_charset(label: str | None) -> str | None:
    """A codec for the HTTP header's charset, or None when it names none Python knows."""
    name = text_codec(label)  # None for unknown labels and for non-text codecs such as "hex"
    if name is None:
        return None
    if name in ("ascii", "latin-1", "iso8859-1"):
        return "cp1252"  # browsers read these labels as windows-1252
    return name


def read_payload(payload: bytes, fmt: str, charset: str | None) -> tuple[Parsed, str | None]:
    """Parse a page; the HTTP charset decides unless a BOM does or the bytes are valid UTF-8.

    The readers prefer valid UTF-8 to any declaration (mislabelled UTF-8 is common);
    otherwise the header's charset outranks a ``<meta charset>`` in the page, as in browsers.
    """
    read = read_html if fmt == "html" else read_text
    codec = _http_charset(charset)
    if codec is None or payload.startswith(_UTF_BOMS) or _is_utf8(payload) or (
            codec in ("utf-8", "cp1252") and decode_mostly_utf8(payload) is not None):
        parsed = read(payload)
        return parsed, parsed.encoding
    try:
        text = payload.decode(codec)
    except (UnicodeError, LookupError):
        parsed = read(payload)  # the header is wrong: the reader's own detection decides
        return parsed, parsed.encoding
    if "\x00" in text:
        raise ReadFailure("binary", f"payload decoded as {codec} contains NUL characters: binary data, not text")
    parsed = read(text.encode("utf-8"))
    return parsed, codec


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
