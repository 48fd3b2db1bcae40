"""Decode article bytes without guessing wildly, and read plain-text articles.

Corpora mix UTF-8, Windows-1252 and Latin-1 files; the order UTF-8 → cp1252 →
Latin-1 gets each right (strict UTF-8 almost never succeeds on non-UTF-8
text), and the encoding used is recorded so a reader of the report can check.
A UTF-8 file with a few stray Windows-1252 bytes (a curly quote pasted from a
word processor) keeps its UTF-8: only the invalid bytes are read as cp1252.
"""

from __future__ import annotations

import codecs
import re

from . import Parsed, ReadFailure

__all__ = ["decode_bytes", "decode_mostly_utf8", "check_binary", "normalise_newlines", "read_text",
           "replace_lone_surrogates", "text_codec"]

_UTF8_BOM = b"\xef\xbb\xbf"
# UTF-8 whose few invalid bytes were read as Windows-1252 (a stray byte pasted in)
MIXED_UTF8 = "utf-8+cp1252"
# by byte-order mark, longest first: the UTF-32 LE mark begins with the UTF-16 LE one
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = frozenset(b"\t\n\r\f")
_CONTROL_BYTES = (frozenset(range(0x20)) - _ALLOWED_CONTROLS) | {0x7F}
_CONTROL_DELETE = bytes(sorted(_CONTROL_BYTES))
_MAX_CONTROL_SHARE = 0.10


def check_binary(data: bytes) -> None:
    """Raise ReadFailure('empty'|'binary') for bytes that are not worth decoding as text."""
    if not data.strip():
        raise ReadFailure("empty", "file is empty" if not data else "file holds only whitespace")
    if b"\x00" in data:
        raise ReadFailure("binary", "file contains NUL bytes: binary data, not text")
    controls = len(data) - len(data.translate(None, _CONTROL_DELETE))
    if controls > _MAX_CONTROL_SHARE * len(data):
        share = 100.0 * controls / len(data)
        raise ReadFailure("binary", f"{share:.0f}% of the bytes are control characters: binary data, not text")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text bytes, returning (text with \\n newlines, encoding name).

    Mostly valid UTF-8 with a few invalid bytes read as Windows-1252 is recorded as
    ``utf-8+cp1252``: see ``decode_mostly_utf8``."""
    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            return _decode_wide(data, codec)
    check_binary(data)
    if data.startswith(_UTF8_BOM):
        body = data[len(_UTF8_BOM):]
        if not body.strip():
            raise ReadFailure("empty", "file holds only a byte-order mark")
        try:
            return normalise_newlines(body.decode("utf-8")), "utf-8-sig"
        except UnicodeDecodeError:
            mixed = decode_mostly_utf8(body)
            if mixed is not None:
                return normalise_newlines(mixed), MIXED_UTF8
            data = body
    try:
        return normalise_newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = decode_mostly_utf8(data)
    if mixed is not None:
        return normalise_newlines(mixed), MIXED_UTF8
    try:
        return normalise_newlines(data.decode("cp1252")), "cp1252"
    except UnicodeDecodeError:
        return normalise_newlines(data.decode("latin-1")), "latin-1"


# A byte that is not valid UTF-8 comes back from the "surrogateescape" handler as
# U+DC80..U+DCFF; it is then read as Windows-1252, or as Latin-1 for the five
# bytes Windows-1252 leaves undefined.
_ESCAPED = re.compile("[\udc80-\udcff]+")
_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})
_ESCAPED_BYTE = {
    0xDC00 + b: bytes([b]).decode("latin-1" if b in _CP1252_UNDEFINED else "cp1252") for b in range(0x80, 0x100)
}


def decode_mostly_utf8(data: bytes) -> str | None:
    """Bytes that are mostly valid UTF-8 (valid non-ASCII sequences at least as many as
    invalid bytes), decoded as UTF-8 with each invalid byte read as Windows-1252; None
    when they are not: a legacy single-byte file has few or no valid UTF-8 sequences,
    and is decoded as before."""
    text = data.decode("utf-8", "surrogateescape")
    bad = len(data) - len(text.encode("utf-8", "ignore"))  # the escaped bytes drop out
    if bad == 0:
        return text
    valid = len(text) - len(text.encode("ascii", "ignore")) - bad  # non-ASCII characters from valid UTF-8
    if valid == 0 or bad > valid:
        return None
    return _ESCAPED.sub(lambda m: "".join(_ESCAPED_BYTE[ord(c)] for c in m.group()), text)


# Codecs Python knows that no web page or feed is written in: they transform the
# text (escapes, compression) or are not ASCII-compatible labels a page could carry.
_NOT_PAGE_CODECS = frozenset({
    "undefined", "unicode-escape", "raw-unicode-escape", "punycode", "idna", "utf-7", "rot-13", "mbcs", "oem",
})


def text_codec(label: str | None) -> str | None:
    """Python's codec name for a charset label, or None when the label names no codec,
    or one that is not a text encoding (``hex``, ``base64``, ``zlib``, ``undefined``...):
    such a declaration is ignored and the encoding detected instead."""
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
    except (LookupError, UnicodeError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_PAGE_CODECS:
        return None
    return info.name


_SURROGATES = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")


def _surrogate(match: re.Match) -> str:
    pair = match.group()
    if len(pair) == 2:
        return pair.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    return "\ufffd"


def replace_lone_surrogates(text: str) -> str:
    """``text`` with each surrogate pair joined into its character and each lone
    surrogate (from a JSON escape such as ``\\ud83d``) replaced by U+FFFD, so
    that it can be written as UTF-8."""
    if text.isascii():
        return text
    return _SURROGATES.sub(_surrogate, text)


def _decode_wide(data: bytes, codec: str) -> tuple[str, str]:
    """UTF-16 or UTF-32 text, by its byte-order mark: such text is full of NUL bytes,
    so it is decoded before the binary check, which then looks at the characters."""
    name = codec.upper()
    try:
        text = data.decode(codec)  # consumes the BOM and picks the byte order
    except UnicodeDecodeError as e:
        raise ReadFailure("binary", f"starts with a {name} byte-order mark but is not valid {name} ({e.reason})")
    if not text:
        raise ReadFailure("empty", "file holds only a byte-order mark")
    if not text.strip():
        raise ReadFailure("empty", "file holds only a byte-order mark and whitespace")
    controls = sum(1 for ch in text if ord(ch) in _CONTROL_BYTES)
    if "\x00" in text or controls > _MAX_CONTROL_SHARE * len(text):
        raise ReadFailure("binary", f"{name} file contains control characters: binary data, not text")
    return normalise_newlines(text), codec


def read_text(data: bytes) -> Parsed:
    """A plain-text (.txt/.md) article: the decoded text, trailing whitespace removed."""
    text, encoding = decode_bytes(data)
    text = text.rstrip()
    if not text:
        raise ReadFailure("empty", "file holds only whitespace")
    return Parsed(text=text, encoding=encoding)
