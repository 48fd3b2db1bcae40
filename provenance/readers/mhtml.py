"""Read web pages saved as one MHTML file (``.mht``, ``.mhtml``).

"Save as single file" in a browser writes the page and its images, styles and frames
as one MIME message (RFC 2557): the page is the message's root part, named by its
``start`` parameter, else its first HTML part. The page is read as any saved page is
(``html.read_html``), its charset decided as a web archive's payload is. The message's
headers add what a page saved alone lacks:

- ``Snapshot-Content-Location`` (or the root part's ``Content-Location``): the address
  the page was saved from, as a web archive's ``WARC-Target-URI`` is;
- ``Date``: when the page was saved. Like a web archive's capture time it is never a
  publication date; it bounds one from above (``documents[].captured``).

The other parts (images, styles, scripts, the frames of advertisements) are not read.
"""

from __future__ import annotations

import email
import email.policy
from urllib.parse import urljoin

from ..model import MetaField
from . import Parsed, ReadFailure

__all__ = ["read_mhtml"]

_HTML = frozenset({"text/html", "application/xhtml+xml"})
_TEXT = frozenset({"text/plain"})


def read_mhtml(data: bytes) -> Parsed:
    from .warc import read_payload  # a page's bytes and declared charset, read as a web archive's

    if not data.strip():
        raise ReadFailure("empty", "file is empty" if not data else "file holds only whitespace")
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    root = _root_part(message)
    if root is None:
        raise ReadFailure("no-text", "not an MHTML page: the file holds no HTML or plain-text part "
                                     "(a saved page is a MIME message whose root part is the page)")
    media = root.get_content_type()
    payload = root.get_payload(decode=True) or b""
    if not payload.strip():
        raise ReadFailure("no-text", f"the MHTML page's {media} part is empty")
    fmt = "html" if media in _HTML else "text"
    parsed, encoding = read_payload(payload, fmt, root.get_content_charset())
    fields = list(parsed.metadata)
    location, header = _header(message, "Snapshot-Content-Location"), "Snapshot-Content-Location"
    if not location:
        location, header = _header(root, "Content-Location"), "Content-Location"
    location = location if location.lower().startswith(("http://", "https://")) else ""
    if location:
        fields.append(MetaField("url", location, f"mhtml:{header}"))
    saved = _header(message, "Date")
    if saved:
        fields.append(MetaField("captured", saved, "mhtml:Date"))
    url = urljoin(location, parsed.url) if parsed.url and location else (parsed.url or location)
    return Parsed(text=parsed.text, encoding=encoding, title=parsed.title, url=url or None,
                  metadata=tuple(fields), format=fmt)


def _root_part(message):
    """The page: the part the ``start`` parameter names, else the first HTML part, else the
    first plain-text part; a message that is not multipart is its own page."""
    if not message.is_multipart():
        return message if message.get_content_type() in _HTML | _TEXT else None
    parts = [p for p in message.walk() if not p.is_multipart()]
    start = (message.get_param("start") or "").strip()
    if start:
        named = next((p for p in parts if _header(p, "Content-ID") == start), None)
        if named is not None and named.get_content_type() in _HTML | _TEXT:
            return named
    return next((p for p in parts if p.get_content_type() in _HTML),
                next((p for p in parts if p.get_content_type() in _TEXT), None))


def _header(part, name: str) -> str:
    value = part.get(name)
    return " ".join(str(value).split()) if value is not None else ""
