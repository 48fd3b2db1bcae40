"""Read syndication feeds: RSS 2.0, RSS 1.0 (RDF) and Atom.

A saved feed is how much syndicated copy reaches an archive: each item is a story, with
its headline, its address, its publication time and, in many feeds, its whole text as
HTML (``content:encoded``, Atom ``content``). Each item becomes a document of its own,
named ``item N`` (counting the feed's items from 0, in order). What an item says about
itself is read with the element it came from (``rss:item/pubDate``,
``atom:entry/published``), as any structured metadata:

- the text is the item's full content when it has one, else its description or
  summary; the headline is its first paragraph, as a page's headline is;
- the publication time is RSS ``pubDate`` or ``dc:date``, or Atom ``published``; Atom's
  ``updated`` is when the entry last changed, recorded as ``modified`` and never read
  as publication;
- an item's ``<source>`` (RSS: the feed it came from; Atom: the feed an entry was
  copied from) points to where the story came from, as a page's ``isBasedOn`` does;
- the feed's own title names its site only when it is a bare name: "World news | The
  Guardian" or "Reuters: Top News" describe a section, so they are not read.

The XML is parsed by ``xml.read_xml``, with the same protections (no DTD, no network,
no entity expansion); this module only reads the parsed tree.
"""

from __future__ import annotations

import re

from lxml import etree

from . import Parsed, ReadFailure
from .html import fragment_text
from .xml import _child, _children, _collapse, _Fields, _local

__all__ = ["FEED_ROOTS", "feed_kind", "read_feed"]

# root element (local name) -> feed kind
FEED_ROOTS = {"rss": "rss", "RDF": "rdf", "feed": "atom"}
# a feed title that describes a section, not a site: "World news | The Guardian"
_SECTION_TITLE = re.compile(r"[|:›»–—·•]|\s-\s")


def _value(el) -> str:
    """The element's text (what a feed element holds: characters, or escaped markup)."""
    return "" if el is None else "".join(el.itertext())


def feed_kind(root) -> str | None:
    """The kind of feed an element is the root of (``rss``, ``rdf``, ``atom``), or None.
    An ``<rdf:RDF>`` is an RSS 1.0 feed when it holds a ``<channel>`` or an ``<item>``:
    other RDF (a FOAF profile, a licence) is data, not a feed."""
    kind = FEED_ROOTS.get(_local(root))
    if kind == "rdf" and _child(root, "channel") is None and _child(root, "item") is None:
        return None
    return kind


def read_feed(root, kind: str, encoding: str | None) -> tuple[list[Parsed], list[ReadFailure]]:
    """A document per item (RSS, RDF) or entry (Atom); ``no-text`` failures per item."""
    if kind == "atom":
        channel, items, prefix = root, _children(root, "entry"), "atom"
        name = "entry"
    else:
        channel = _child(root, "channel")
        items = (_children(channel, "item") if channel is not None else []) if kind == "rss" else \
            _children(root, "item")
        prefix, name = kind, "item"
    site = _collapse(_value(_child(channel, "title")))
    site = site if site and len(site) <= 60 and not _SECTION_TITLE.search(site) else ""
    if not items:
        raise ReadFailure("no-text", f"the {'Atom' if kind == 'atom' else 'RSS'} feed holds no <{name}>")
    parsed: list[Parsed] = []
    failures: list[ReadFailure] = []
    for i, item in enumerate(items):
        record = f"item {i}"
        read = _atom_entry if kind == "atom" else _rss_item
        try:
            parsed.append(read(item, prefix, site, encoding, record))
        except ReadFailure as f:
            failures.append(ReadFailure(f.code, f.reason, record))
    return parsed, failures


def _rss_item(item, prefix: str, site: str, encoding: str | None, record: str) -> Parsed:
    where = f"{prefix}:item"
    fields = _Fields()
    title = _collapse(_value(_child(item, "title")))
    fields.add("title", title, f"{where}/title")
    # the first <link> with an address (an <atom:link rel="self"/> beside it holds none)
    link, origin = next((_collapse(_value(el)) for el in _children(item, "link") if _value(el).strip()), ""), "link"
    guid = _child(item, "guid")
    if not link and guid is not None and (guid.get("isPermaLink") or "true").strip().lower() == "true":
        link, origin = _collapse(_value(guid)), "guid"  # a permalink guid is the item's address
    link = link if re.match(r"https?://", link, re.I) else ""
    fields.add("url", link, f"{where}/{origin}")
    for el in _children(item, "pubDate") + [d for d in _children(item, "date")]:
        fields.add("published", _value(el), f"{where}/{'pubDate' if _local(el) == 'pubDate' else 'dc:date'}")
    for el in _children(item, "creator"):
        fields.add("author", _value(el), f"{where}/dc:creator")
    source = _child(item, "source")
    if source is not None:
        fields.add("is_based_on", source.get("url") or _value(source),
                   f"{where}/source@url" if source.get("url") else f"{where}/source")
    if site:
        fields.add("site_name", site, f"{prefix}:channel/title")
    content = next((_value(el) for el in _children(item, "encoded") if _value(el).strip()), "")
    body = fragment_text(content or _value(_child(item, "description")))
    return _parsed(title, body, link, fields, encoding, record, item)


def _atom_entry(entry, prefix: str, site: str, encoding: str | None, record: str) -> Parsed:
    where = "atom:entry"
    fields = _Fields()
    title = _collapse(_text_construct(_child(entry, "title")))
    fields.add("title", title, f"{where}/title")
    links = _children(entry, "link")
    alternate = next((l for l in links if (l.get("rel") or "alternate") == "alternate" and l.get("href")), None)
    link = _collapse(alternate.get("href")) if alternate is not None else ""
    link = link if re.match(r"https?://", link, re.I) else ""
    fields.add("url", link, f"{where}/link@href")
    fields.add("published", _value(_child(entry, "published")), f"{where}/published")
    fields.add("modified", _value(_child(entry, "updated")), f"{where}/updated")
    for author in _children(entry, "author"):
        fields.add("author", _value(_child(author, "name")), f"{where}/author/name")
    source = _child(entry, "source")
    if source is not None:
        home = next((l.get("href") for l in _children(source, "link")
                     if (l.get("rel") or "alternate") == "alternate" and l.get("href")), None)
        origin = home or _collapse(_value(_child(source, "id"))) or _collapse(_text_construct(_child(source, "title")))
        fields.add("is_based_on", origin, f"{where}/source/{'link@href' if home else 'id'}")
    if site:
        fields.add("site_name", site, f"{prefix}:feed/title")
    content = _text_construct(_child(entry, "content"), markup=True)
    body = content or _text_construct(_child(entry, "summary"), markup=True)
    return _parsed(title, body, link, fields, encoding, record, entry)


def _text_construct(el, markup: bool = False) -> str:
    """An Atom text construct: ``type="text"`` (characters), ``"html"`` (escaped markup) or
    ``"xhtml"`` (a ``<div>`` of XHTML); ``markup`` lays it out as paragraphs."""
    if el is None:
        return ""
    kind = (el.get("type") or "text").strip().lower()
    if kind == "xhtml":
        div = next((c for c in el if isinstance(c.tag, str)), None)
        source = etree.tostring(div, encoding="unicode", with_tail=False) if div is not None else _value(el)
        return fragment_text(source) if markup else _collapse(_value(el))
    if kind in ("html", "text/html"):
        return fragment_text(_value(el)) if markup else _collapse(fragment_text(_value(el)))
    if not markup:
        return _collapse(_value(el))
    paragraphs = (_collapse(p) for p in re.split(r"\n\s*\n", _value(el)))
    return "\n\n".join(p for p in paragraphs if p)


def _parsed(title: str, body: str, link: str, fields: _Fields, encoding: str | None, record: str,
            item) -> Parsed:
    if not body.strip():
        raise ReadFailure("no-text", "feed item has no text (no content, description or summary)", record)
    first = body.split("\n\n", 1)[0]
    text = body if not title or _collapse(first) == title else f"{title}\n\n{body}"
    return Parsed(
        text=text,
        encoding=encoding,
        title=title or None,
        url=link or None,
        metadata=tuple(fields.items),
        record=record,
        raw=etree.tostring(item),
    )
