"""Decode article bytes without guessing wildly, and read plain-text articles.

Corpora mix UTF-8, Windows-1252 and Latin-1 files; the order UTF-8 → cp1252 →
Latin-1 gets each right (strict UTF-8 almost never succeeds on non-UTF-8
text), and the encoding used is recorded so a reader of the report can check.
"""

from __future__ import annotations

from . import Parsed, ReadFailure

__all__ = ["decode_bytes", "check_binary", "normalise_newlines", "read_text"]

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
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
    """Decode text bytes, returning (text with \\n newlines, encoding name)."""
    if data.startswith(_UTF16_BOMS) and not data.startswith(b"\xff\xfe\x00\x00"):
        return _decode_utf16(data)
    check_binary(data)
    if data.startswith(_UTF8_BOM):
        body = data[len(_UTF8_BOM):]
        if not body.strip():
            raise ReadFailure("empty", "file holds only a byte-order mark")
        try:
            return normalise_newlines(body.decode("utf-8")), "utf-8-sig"
        except UnicodeDecodeError:
            data = body
    for encoding in ("utf-8", "cp1252"):
        try:
            return normalise_newlines(data.decode(encoding)), encoding
        except UnicodeDecodeError:
            continue
    return normalise_newlines(data.decode("latin-1")), "latin-1"


def _decode_utf16(data: bytes) -> tuple[str, str]:
    try:
        text = data.decode("utf-16")  # consumes the BOM and picks the byte order
    except UnicodeDecodeError as e:
        raise ReadFailure("binary", f"starts with a UTF-16 byte-order mark but is not valid UTF-16 ({e.reason})")
    if not text.strip():
        raise ReadFailure("empty", "file holds only whitespace")
    controls = sum(1 for ch in text if ord(ch) in _CONTROL_BYTES)
    if "\x00" in text or controls > _MAX_CONTROL_SHARE * len(text):
        raise ReadFailure("binary", "UTF-16 file contains control characters: binary data, not text")
    return normalise_newlines(text), "utf-16"


def read_text(data: bytes) -> Parsed:
    """A plain-text (.txt/.md) article: the decoded text, trailing whitespace removed."""
    text, encoding = decode_bytes(data)
    text = text.rstrip()
    if not text:
        raise ReadFailure("empty", "file holds only whitespace")
    return Parsed(text=text, encoding=encoding)
