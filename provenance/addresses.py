"""Web addresses as the origin rules and the report compare them.

A page's address and a pointer's target are the same page when they differ only in
case, scheme, ``www.``, query, fragment or a final ``/``.  A page that states no
address of its own has its canonical link as address; on a copy that link names the
original, so it is not the page's own.
"""

from __future__ import annotations

from .model import Document


def norm_url(url: str | None) -> str | None:
    """A URL compared as an address: case, scheme, ``www.``, query, fragment and a final ``/`` aside."""
    if not url:
        return None
    u = url.strip().lower().split("#")[0].split("?")[0].rstrip("/")
    for prefix in ("https://", "http://"):
        if u.startswith(prefix):
            u = u[len(prefix):]
    return u[4:] if u.startswith("www.") else u


def address(doc: Document) -> tuple[str | None, bool]:
    """A document's address (compared form), and whether it is its own: not when it is
    only its canonical link."""
    url = norm_url(doc.url)
    if url is None:
        return None, False
    canonical = {norm_url(f.value) for f in doc.metadata if f.key == "canonical_url"}
    stated = {norm_url(f.value) for f in doc.metadata if f.key == "url"}
    return url, url not in canonical or url in stated


def own_address(doc: Document) -> str | None:
    """The document's own address, when it states one."""
    url, own = address(doc)
    return url if own else None
