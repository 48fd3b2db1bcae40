"""Read an HTML article: its main text, and the metadata that dates and names it.

Boilerplate (menus, footers, share bars) repeats across every page of a site
and would show up as "republished" text, so it is removed before the text is
laid out. Metadata is collected with the exact place it came from, so the
attribution stage can weigh a canonical link differently from a stray
``<time>``. Nothing is executed or fetched: scripts are dropped, and the parser
has network access disabled.
"""

from __future__ import annotations

import copy
import re
from typing import NamedTuple

import lxml.html
from lxml import etree

from ..model import MetaField
from ..outlets import domain_of
from . import Parsed, ReadFailure
from .jsonrec import loads_clean
from .text import MIXED_UTF8, check_binary, decode_bytes, decode_mostly_utf8, normalise_newlines, text_codec

__all__ = ["decode_html", "read_html", "extract_metadata", "main_text"]

_CHARSET_RE = re.compile(rb"""<meta\b[^>]{0,1024}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""\A\s{0,1024}<\?xml\b[^>]{0,1024}?\bencoding\s*=\s*["']\s*([A-Za-z0-9_.:\-]+)""")
_HEAD_END_RE = re.compile(rb"</head\s*>|<body[\s>/]", re.IGNORECASE)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_SNIFF_BYTES = 4096
# The head is searched for a charset up to this many bytes: enough for a long <style> block,
# and a bound on the work spent on a page whose head never ends.
_HEAD_BYTES = 65536

_DROP_TAGS = frozenset(
    "script style noscript template svg math iframe button nav aside "
    "select textarea object embed canvas".split()
)
# Page chrome when at page level; inside an article or <main> a header holds the headline and
# byline, a footer the "Source: X" credit line.
_CHROME_TAGS = frozenset({"header", "footer"})
_CONTENT_TAGS = ("article", "main")
_NOISE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary"})
_NOISE_WORDS = (
    "nav", "menu", "footer", "header", "sidebar", "share", "social", "cookie",
    "comment", "related", "advert", "promo", "newsletter", "breadcrumb",
)
# Tokens that start with a noise word but usually name real content.
_NOT_NOISE = frozenset({"commentary", "commentaries", "navy", "shared", "shareholder", "shareholders"})
_PROTECTED = frozenset({"html", "body", "main", "article"})
_BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li blockquote pre tr section article main ul ol dl dt dd "
    "table figure figcaption address hr".split()
)
_CELLS = frozenset({"td", "th"})

# meta name/property (lower-cased) -> normalised key
_META_KEYS = {
    "og:title": "title",
    "og:url": "url",
    "og:site_name": "site_name",
    "article:published_time": "published",
    "article:modified_time": "modified",
    "og:updated_time": "modified",
    "article:publisher": "publisher",
    "article:author": "author",
    "author": "author",
    "dc.creator": "author",
    "citation_author": "author",
    "dc.publisher": "publisher",
    "dcterms.publisher": "publisher",
    "citation_publisher": "publisher",
    "original-source": "is_based_on",
    "syndication-source": "is_based_on",
    **{
        name: "published"
        for name in (
            "date", "pubdate", "publish-date", "dc.date", "dcterms.date", "dc.date.issued",
            "dcterms.issued", "citation_date", "citation_publication_date", "sailthru.date",
            "parsely-pub-date", "publication_date",
        )
    },
}
_ITEMPROP_KEYS = {"datePublished": "published", "dateModified": "modified"}
_JSONLD_TYPES = frozenset(
    {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting",
     "AnalysisNewsArticle", "OpinionNewsArticle"}
)
# A WebPage node describes the page, not the story: its dates can be the site's (a Yoast
# graph), so they come after an article node's.
_JSONLD_PAGE_TYPES = frozenset({"WebPage"})
# A publisher that is an address (OpenGraph's article:publisher is the publisher's Facebook
# page) names no outlet.
_URL_VALUE_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//|^www\.|^[\w-]+(?:\.[\w-]+)+/", re.IGNORECASE)
# An <article> shorter than this many words and than a quarter of the longest one is a
# teaser (a related-story card), not a story of the page; so is one whose headline links to
# another page with fewer words than this of its own. The page's own text is a story when it
# has at least this many.
_TEASER_WORDS = 40
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# A page title names its site and sections around its headline: "Headline | Site",
# "Headline - World - Site", "Site | Headline", "Site › World › Headline", "Site: Headline".
_TITLE_SEPARATOR = re.compile(r"\s*[|·•»›]\s*|\s+(?:[-–—]|::)\s+|\s*:\s+")
# A title is split in at most this many parts: real ones have three or four, and its forms
# (``_title_forms``) grow as the square of its parts.
_TITLE_PARTS = 8
# A title cut short ends with an ellipsis and names the headline it starts, when it keeps at
# least this many words: sites cut a title at a line (60 to 70 characters, about ten words),
# and a shorter start would begin too many headlines.
_CUT_TITLE_WORDS = 4
# A headline is similar to a title when the words they share are at least this share of
# all their distinct words: at most one in four is in one only. So a word may be added to a
# headline of three words (3/4), two to one of six (6/8), two dropped from one of eight
# (6/8); one word replaced in a headline of five ("Bridge shut..." / "Bridge open...") is
# 4/6, not similar, nor in one of six (5/7); in one of seven it is (6/8), so a similar
# headline names a story only when no headline is the title (see ``_own_story``).
_SIMILAR_TITLE = 0.75
_TITLE_META = frozenset({"og:title", "twitter:title"})
_NOT_WORD = re.compile(r"[\W_]+")


# --------------------------------------------------------------------------
# Decoding and parsing
# --------------------------------------------------------------------------


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode bytes: BOM, then strict UTF-8, then the declared charset, then as text.

    Bytes that are valid UTF-8 are read as UTF-8 even when the page declares
    a legacy charset: mislabelled UTF-8 pages are common, while legacy text
    that happens to be valid UTF-8 is vanishingly rare. So are bytes that are
    mostly valid UTF-8 with a few stray Windows-1252 bytes, when the page
    declares UTF-8, Windows-1252 or nothing. A declared charset Python does not
    know, or that is not a text encoding (``hex``, ``base64``...), is ignored.
    """
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data)  # a byte-order mark outranks any declaration
    check_binary(data)
    try:
        return normalise_newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    if declared in (None, "utf-8", "cp1252"):
        mixed = decode_mostly_utf8(data)
        if mixed is not None:
            return normalise_newlines(mixed), MIXED_UTF8
    if declared:
        try:
            return normalise_newlines(data.decode(declared)), declared
        except (UnicodeError, LookupError):
            pass  # the declaration is wrong; fall back to detection
    return decode_bytes(data)


def _declared_charset(data: bytes) -> str | None:
    """The charset a ``<meta>`` in the page's head declares, else its XML declaration's.

    The head is searched, up to its first 64 KB, not a fixed 4 KB prefix: a long ``<style>``
    block can push the ``<meta>`` past the first kilobytes. An XHTML page may declare only
    ``<?xml encoding=?>``.
    """
    end = _HEAD_END_RE.search(data, 0, _HEAD_BYTES)
    limit = max(end.end(), _SNIFF_BYTES) if end else _HEAD_BYTES
    for m in (_CHARSET_RE.search(data, 0, limit), _XML_ENCODING_RE.match(data)):
        name = _charset_name(m.group(1)) if m else None
        if name:
            return name
    return None


def _charset_name(raw: bytes) -> str | None:
    try:
        label = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    name = text_codec(label)
    if name is None:
        return None
    if name.startswith(("utf-16", "utf-32")):
        return None  # an ASCII-compatible file cannot truly be UTF-16 (HTML spec: use UTF-8)
    if name in ("ascii", "latin-1", "iso8859-1"):
        return "cp1252"  # browsers read these labels as windows-1252
    return name


def _parse(text: str) -> etree._Element:
    parser = lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )
    text = _XML_DECL_RE.sub("", text, count=1)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except etree.ParserError as e:  # "Document is empty"
        raise ReadFailure("no-text", f"no HTML content could be parsed ({e})")
    if root is None:
        raise ReadFailure("no-text", "no HTML content could be parsed")
    if any("Excessive depth" in e.message for e in parser.error_log):
        # libxml2 stops at 256 levels to bound memory; what lies deeper would be lost
        # silently, so the page is refused rather than read in part.
        raise ReadFailure("too-deep", "HTML elements nested more than 256 levels deep: the page cannot be "
                                      "read completely (parser limit that protects memory)")
    return root


def read_html(data: bytes) -> Parsed:
    text, encoding = decode_html(data)
    root = _parse(text)
    content = _content(root)
    metadata = extract_metadata(root, content)
    body = content.text
    if not body:
        raise ReadFailure("no-text", "no article text left after removing navigation, scripts and boilerplate")
    return Parsed(
        text=body,
        encoding=encoding,
        title=_first(metadata, ("title",), ("html:meta", "jsonld", "html:title")),
        url=_address(metadata),
        metadata=tuple(metadata),
    )


def fragment_text(markup: str) -> str:
    """The text of an HTML fragment, such as a feed item's content, as blank-line separated
    paragraphs: scripts, styles, embedded frames and forms dropped, nothing else judged."""
    if "<" not in markup and "&" not in markup:  # plain text: its own paragraphs
        paragraphs = (_collapse(p) for p in markup.replace("\r\n", "\n").split("\n\n"))
        return "\n\n".join(p for p in paragraphs if p)
    try:
        root = _parse(markup)
    except ReadFailure:
        return ""
    _drop([el for el in root.iter() if isinstance(el.tag, str) and (el.tag.lower() in _DROP_TAGS
                                                                     or el.tag.lower() == "form")])
    body = root.find("body")
    return _layout(body if body is not None else root)


def _address(fields: list[MetaField]) -> str | None:
    """The page's address: its canonical link, the preferred form of its own address
    (an AMP or print version names the plain page), unless the page states an address of
    its own on another site: a copy's canonical link names its original, whose address
    it is not."""
    canonical = _first(fields, ("canonical_url",), ("html:link",))
    own = _first(fields, ("url",), ("html:meta", "jsonld"))
    if canonical and own and domain_of(canonical) != domain_of(own):
        return own
    return canonical or own


def _first(fields: list[MetaField], keys: tuple[str, ...], sources: tuple[str, ...]) -> str | None:
    """First value by source preference, then key preference, then document order."""
    for source in sources:
        for key in keys:
            for f in fields:
                if f.key == key and f.source.startswith(source):
                    return f.value
    return None


# --------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def extract_metadata(root: etree._Element, content: _Content | None = None) -> list[MetaField]:
    """Metadata fields, each with the exact place it was read.

    Meta tags and JSON-LD article items come first, in document order; then JSON-LD
    WebPage items; then dates marked up in the body, ``itemprop=datePublished`` before the
    first plain ``<time datetime>`` of the article text. The first date is the one used,
    so this order is the order of trust. A date in boilerplate (a "latest stories" list, a
    related-story card) dates another story and is not read; a plain ``<time>`` counts only
    inside the article text. ``content`` is the page's main content, found if not given.
    """
    if content is None:
        content = _content(root)
    out: list[MetaField] = []
    pages: list[MetaField] = []
    stated: list[MetaField] = []
    elsewhere: list[MetaField] = []
    first_time: MetaField | None = None
    modified: list[MetaField] = []
    seen_title = False
    jsonld_index = 0

    def add(key: str, value: str | None, source: str) -> None:
        value = _collapse(value)
        if _usable(key, value):
            out.append(MetaField(key, value, source))

    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag == "title" and not seen_title and not _inside(el, ("svg", "body")):
            seen_title = True
            add("title", el.text_content(), "html:title")
        elif tag == "link":
            if "canonical" in (el.get("rel") or "").lower().split():
                add("canonical_url", el.get("href"), "html:link[rel=canonical]")
        elif tag == "meta":
            if not (el.get("itemprop") and el in content.ignored):
                _meta_field(el, add)
        elif tag == "time" and _collapse(el.get("datetime")) and el not in content.ignored:
            value = _collapse(el.get("datetime"))
            if el.get("itemprop") == "datePublished":
                field = MetaField("published", value, "html:time[itemprop=datePublished]")
                (stated if el in content.in_text else elsewhere).append(field)
            elif _is_update_time(el):
                modified.append(MetaField("modified", value, _update_time_source(el)))
            elif first_time is None and el in content.in_text:
                first_time = MetaField("published", value, "html:time[datetime]")
        elif tag == "script" and (el.get("type") or "").strip().lower() == "application/ld+json":
            items, page_items = _jsonld_fields(el.text or "", f"jsonld[{jsonld_index}]")
            out.extend(items)
            pages.extend(page_items)
            jsonld_index += 1
    return out + pages + stated + elsewhere + ([first_time] if first_time else []) + modified


# A <time> that dates a revision, not the publication: marked so by its itemprop, class or id
# (dateModified, "updated", "last-modified"), or labelled so by the words just before it or
# at its start ("Updated", "Last modified on").
_UPDATE_MARK = re.compile(r"(?:^|[\s_-])(?:date)?(?:updated?|modified|revised|edited)(?:$|[\s_-])", re.IGNORECASE)
_UPDATE_LABEL = re.compile(r"\b(?:last\s+)?(?:updated|modified|revised|edited)(?:\s+(?:on|at))?[\s:,.-]*$",
                           re.IGNORECASE)
_PUBLISHED_MARK = re.compile(r"(?:^|[\s_-])(?:date)?(?:published|pubdate)(?:$|[\s_-])", re.IGNORECASE)
_UPDATE_START = re.compile(r"^\s*(?:last\s+)?(?:updated|modified|revised|edited)\b", re.IGNORECASE)


def _is_update_time(el: etree._Element) -> bool:
    """Whether a ``<time>`` dates the latest revision of the story rather than its publication."""
    if (el.get("itemprop") or "").strip() == "dateModified":
        return True
    marks = " ".join(el.get(attr) or "" for attr in ("class", "id"))
    if _PUBLISHED_MARK.search(marks):
        return False  # "entry-date published updated": a post never revised
    if _UPDATE_MARK.search(marks):
        return True
    previous, parent = el.getprevious(), el.getparent()
    before = (previous.tail if previous is not None else parent.text if parent is not None else None) or ""
    if not before.strip() and previous is not None:
        before = previous.text_content() or ""  # <span>Updated</span> <time>
    return bool(_UPDATE_LABEL.search(before[-40:]) or _UPDATE_START.match(el.text_content() or ""))


def _update_time_source(el: etree._Element) -> str:
    return ("html:time[itemprop=dateModified]" if (el.get("itemprop") or "").strip() == "dateModified"
            else "html:time[datetime]")


def _usable(key: str, value: str) -> bool:
    """A value worth keeping: not empty, and no address where a publisher's name belongs."""
    return bool(value) and not (key == "publisher" and _URL_VALUE_RE.match(value) and " " not in value)


def _inside(el: etree._Element, tags: tuple[str, ...]) -> bool:
    return any(isinstance(a.tag, str) and a.tag.lower() in tags for a in el.iterancestors())


def _meta_field(el: etree._Element, add) -> None:
    content = el.get("content")
    if content is None:
        return
    for attr in ("property", "name"):
        name = (el.get(attr) or "").strip().lower()
        if name in _META_KEYS:
            add(_META_KEYS[name], content, f'html:meta[{attr}="{name}"]')
            return
    itemprop = (el.get("itemprop") or "").strip()
    if itemprop in _ITEMPROP_KEYS:
        add(_ITEMPROP_KEYS[itemprop], content, f'html:meta[itemprop="{itemprop}"]')


def _jsonld_fields(raw: str, base: str) -> tuple[list[MetaField], list[MetaField]]:
    """Fields of the article items and of the WebPage items of one JSON-LD document.

    Broken JSON-LD is skipped (it is only metadata). A publisher or author given as
    ``{"@id": ...}`` is looked up among the nodes of the same document (a ``@graph``
    names the Organization once and refers to it).
    """
    raw = raw.strip()
    raw = re.sub(r"^<!--|-->$", "", raw).strip()
    try:
        data = loads_clean(raw, strict=False)
        ids: dict[str, tuple[dict, str]] = {}
        _collect_ids(data, base, ids)
        articles: list[MetaField] = []
        pages: list[MetaField] = []
        _visit_jsonld(data, base, articles, pages, ids)
        return articles, pages
    except (ValueError, RecursionError):
        return [], []


def _collect_ids(node, path: str, ids: dict[str, tuple[dict, str]]) -> None:
    """Every node that defines an ``@id`` (more than a bare reference), first definition kept."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            _collect_ids(item, f"{path}[{i}]", ids)
    elif isinstance(node, dict):
        ref = node.get("@id")
        if isinstance(ref, str) and ref.strip() and set(node) - {"@id"}:
            ids.setdefault(ref.strip(), (node, path))
        for key, value in node.items():
            if isinstance(value, (list, dict)):
                _collect_ids(value, f"{path}.{key}", ids)


def _visit_jsonld(node, path: str, articles: list[MetaField], pages: list[MetaField],
                  ids: dict[str, tuple[dict, str]]) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _visit_jsonld(item, f"{path}[{i}]", articles, pages, ids)
    elif isinstance(node, dict):
        if _has_type(node.get("@type"), _JSONLD_TYPES):
            articles.extend(_item_fields(node, path, ids))
        elif _has_type(node.get("@type"), _JSONLD_PAGE_TYPES):
            pages.extend(_item_fields(node, path, ids))
        if "@graph" in node:
            _visit_jsonld(node["@graph"], f"{path}.@graph", articles, pages, ids)


def _has_type(type_value, names: frozenset[str]) -> bool:
    types = type_value if isinstance(type_value, list) else [type_value]
    for t in types:
        if isinstance(t, str):
            name = re.sub(r"^(?:https?://schema\.org/|schema:)", "", t.strip())
            if name in names:
                return True
    return False


def _item_fields(item: dict, path: str, ids: dict[str, tuple[dict, str]]) -> list[MetaField]:
    out: list[MetaField] = []

    def add(key: str, value, source: str) -> None:
        if isinstance(value, str) and _usable(key, _collapse(value)):
            out.append(MetaField(key, _collapse(value), source))

    for prop, key in (("datePublished", "published"), ("dateModified", "modified"),
                      ("headline", "title"), ("url", "url")):
        for value, sub in _values(item.get(prop), f"{path}.{prop}"):
            add(key, value, sub)
    for prop, key in (("publisher", "publisher"), ("author", "author")):
        for value, sub in _values(item.get(prop), f"{path}.{prop}"):
            if isinstance(value, dict):
                ref = value.get("@id")
                if not isinstance(value.get("name"), str) and isinstance(ref, str) and ref.strip() in ids:
                    value, sub = ids[ref.strip()]  # the name is read where the node is defined
                add(key, value.get("name"), f"{sub}.name")
            else:
                add(key, value, sub)
    for prop in ("isBasedOn", "isBasedOnUrl"):
        for value, sub in _values(item.get(prop), f"{path}.{prop}"):
            if isinstance(value, dict):
                field = "url" if isinstance(value.get("url"), str) else "@id"
                add("is_based_on", value.get(field), f"{sub}.{field}")
            else:
                add("is_based_on", value, sub)
    return out


def _values(value, path: str):
    """A JSON-LD property as (value, source) pairs: one value, or each list element."""
    if isinstance(value, list):
        return [(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if value is None:
        return []
    return [(value, path)]


# --------------------------------------------------------------------------
# Main text
# --------------------------------------------------------------------------


class _Content(NamedTuple):
    """A page's main content: its text, and where its ``<time>`` and ``<meta>`` elements lie.

    ``in_text``: those inside the article text. ``ignored``: those in boilerplate or in a
    left-out ``<article>`` (a teaser), which date other stories. Both hold elements of the
    parsed page, not of the working copy the text is taken from.
    """

    text: str
    in_text: frozenset
    ignored: frozenset


def main_text(root: etree._Element) -> str:
    """The article text laid out as blank-line separated paragraphs."""
    return _content(root).text


def _content(root: etree._Element) -> _Content:
    """The article text, and which dated elements lie inside it or in boilerplate.

    The class/id heuristics are tried first; if they leave nothing (every element
    holding text has a noisy name), the page is read without them.
    """
    tracked = list(root.iter("time", "meta"))
    titles = _page_titles(root)
    for use_names in (True, False):
        tree = copy.deepcopy(root)
        copies = list(tree.iter("time", "meta"))
        order = {el: i for i, el in enumerate(tree.iter())}
        headers = _drop_boilerplate(tree, use_names)
        containers = _containers(tree, use_names, titles, list(headers))
        text = "\n\n".join(t for t in (_layout(c) for c in containers) if t)
        if text:
            kept = set(containers)
            in_text, ignored = [], []
            for original, el in zip(tracked, copies):
                chain = [el, *el.iterancestors()]
                if chain[-1] in headers and _story_header(chain, headers[chain[-1]], tree, use_names,
                                                          containers, order):
                    in_text.append(original)  # the story's headline and date, before its text
                elif chain[-1] is not tree:
                    ignored.append(original)  # dropped as boilerplate
                elif any(a in kept for a in chain):
                    in_text.append(original)
                elif any(a.tag == "article" for a in chain):
                    ignored.append(original)  # inside a teaser left out
            return _Content(text, frozenset(in_text), frozenset(ignored))
    return _Content("", frozenset(), frozenset())


def _drop_boilerplate(root: etree._Element, use_names: bool) -> dict[etree._Element, etree._Element]:
    """Remove navigation, scripts and page chrome, then elements whose role or name is noisy.

    An element that holds the article (an ``<article>`` or ``<main>``) is never dropped for
    its name or for being a ``<form>``; nor is one that holds most of the page's paragraph
    text, unless every one of its names (each class and its id) is noisy. So a story wrapper
    called ``story-body comments-enabled`` and an ASP.NET page whose whole body is a form
    are kept, while ``<div id="comments" class="comments-area">`` is dropped however long
    the discussion.

    Returns the page-level ``<header>`` elements dropped that may be the story's (see
    ``_story_header``), each with its parent.
    """
    chrome = [el for el in root.iter() if isinstance(el.tag, str) and _is_chrome(el)]
    headers = {el: el.getparent() for el in chrome if el.tag.lower() == "header" and not _banner(el)}
    _drop(chrome)
    weights, total = _paragraph_weights(root)

    def holds_content(el: etree._Element) -> bool:
        if any(True for _ in el.iterdescendants(*_CONTENT_TAGS)):
            return True
        return 2 * weights.get(el, 0) > total > 0 and not (use_names and _noise_only(el))

    _drop([el for el in root.iter() if isinstance(el.tag, str) and _is_boilerplate(el, use_names)
           and not holds_content(el)])
    return headers


def _noise_only(el: etree._Element) -> bool:
    """Whether every name of an element (each class, and its id) is noisy: ``comments``,
    ``comments-area``, ``related-posts``; not ``story-body comments-enabled``."""
    names = [*(el.get("class") or "").split(), *(el.get("id") or "").split()]
    return bool(names) and all(_noisy_name(name) for name in names)


def _banner(header: etree._Element) -> bool:
    """A page-level ``<header>`` that is the site's banner: so marked, holding a menu, or
    with a noisy name other than its own (``post-header`` is fine, ``related-header`` not)."""
    if _NOISE_ROLES.intersection((header.get("role") or "").lower().split()):
        return True
    if any(True for _ in header.iterdescendants("nav")) or any(
            "navigation" in (el.get("role") or "").lower().split() for el in header.iterdescendants()
            if isinstance(el.tag, str)):
        return True
    return _noisy_name(f"{header.get('class') or ''} {header.get('id') or ''}", _CHROME_TAGS)


def _story_header(chain: list[etree._Element], parent: etree._Element | None, root: etree._Element,
                  use_names: bool, containers: list[etree._Element], order: dict) -> bool:
    """Whether an element (``chain``: it and its ancestors up to a page-level ``<header>``)
    dates the story: many templates put the headline and date in a ``<header>`` outside
    the ``<article>``.

    It does when the header is not the site's banner, nothing around the header was
    dropped, nothing between the element and the header is boilerplate (a share bar), and
    the header lies inside the text's container or before it.
    """
    header = chain[-1]
    if parent is None or [parent, *parent.iterancestors()][-1] is not root:
        return False
    if any(_is_boilerplate(el, use_names) for el in chain[1:-1] if isinstance(el.tag, str)):
        return False
    inside = any(c is parent or c in parent.iterancestors() for c in containers)
    return inside or order[header] < order[containers[0]]


def _drop(doomed: list[etree._Element]) -> None:
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _is_chrome(el: etree._Element) -> bool:
    """Dropped whatever it holds: scripts, menus, asides, and page-level header and footer."""
    tag = el.tag.lower()
    if tag in _DROP_TAGS:
        return True
    if tag in _CHROME_TAGS:
        return not _inside(el, _CONTENT_TAGS)
    if tag in _PROTECTED:
        return False
    return bool(_NOISE_ROLES.intersection((el.get("role") or "").lower().split()))


def _is_boilerplate(el: etree._Element, use_names: bool) -> bool:
    """A form, or an element with a noisy class or id; kept when it holds the content."""
    tag = el.tag.lower()
    if tag == "form":
        return True
    if tag in _PROTECTED or not use_names:
        return False
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    # a <header> kept inside the article is not noise for being named entry-header
    return bool(names.strip()) and _noisy_name(names, _CHROME_TAGS if tag in _CHROME_TAGS else ())


def _paragraph_weights(root: etree._Element) -> tuple[dict[etree._Element, int], int]:
    """Characters of paragraph text each element holds, and the page's total (see
    ``_paragraph_sizes``)."""
    sizes, (total, _) = _paragraph_sizes(root)
    return {el: chars for el, (chars, _) in sizes.items()}, total


def _paragraph_sizes(root: etree._Element) -> tuple[dict[etree._Element, tuple[int, int]], tuple[int, int]]:
    """Characters and words of paragraph text each element holds, and the page's totals.

    ``<p>`` text when the page has any (a long menu of links is no content), else all text.
    """
    # One bottom-up pass (children before parents): calling text_content() on every
    # element would cost depth x size. ``texts`` holds each element's text summary, ``held``
    # the paragraph characters and words inside it (its own <p> text not included).
    texts: dict[etree._Element, tuple] = {}
    held: dict[etree._Element, tuple[int, int]] = {}
    chars = words = 0
    for el in reversed(list(root.iter())):
        if not isinstance(el.tag, str):
            continue
        summary, inside, inside_words = _text_summary(el.text), 0, 0
        for child in el:
            if isinstance(child.tag, str):
                summary = _join(summary, texts[child])
                inside += held[child][0]
                inside_words += held[child][1]
                if child.tag == "p":
                    inside += _collapsed_len(texts[child])
                    inside_words += _words(texts[child])
            summary = _join(summary, _text_summary(child.tail))
        texts[el], held[el] = summary, (inside, inside_words)
        if el.tag == "p":
            chars += _collapsed_len(summary)
            words += _words(summary)
    if chars:
        return {el: n for el, n in held.items() if n[0]}, (chars, words)
    sizes = {el: (_collapsed_len(summary), _words(summary)) for el, summary in texts.items()}
    return sizes, sizes.get(root, (0, 0))


# The summary of a text for its collapsed length (``_collapse``) without building it:
# (non-space characters, words, starts with a word character, ends with one), or None
# for no text. Summaries of adjacent texts join like the texts do.
def _text_summary(text: str | None) -> tuple | None:
    if not text:
        return None
    words = text.split()
    return (sum(map(len, words)), len(words), not text[0].isspace(), not text[-1].isspace())


def _join(a: tuple | None, b: tuple | None) -> tuple | None:
    if a is None or b is None:
        return a if b is None else b
    merged = 1 if a[3] and b[2] else 0  # a word runs across the boundary
    return (a[0] + b[0], a[1] + b[1] - merged, a[2], b[3])


def _collapsed_len(summary: tuple | None) -> int:
    return 0 if summary is None else summary[0] + max(summary[1] - 1, 0)


def _words(summary: tuple | None) -> int:
    return 0 if summary is None else summary[1]


def _noisy_name(names: str, own: frozenset[str] | tuple = ()) -> bool:
    """Whether a class/id token starts with a noise word other than the ``own`` ones."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", names).lower()
    for token in re.split(r"[^a-z0-9]+", spaced):
        if token and token not in _NOT_NOISE and token.startswith(_NOISE_WORDS) \
                and not token.startswith(tuple(own)):
            return True
    return False


def _containers(root: etree._Element, use_names: bool = True, titles: frozenset[str] = frozenset(),
                headers: list[etree._Element] | None = None) -> list[etree._Element]:
    """The elements whose text is the article text, in document order.

    The stories of the page are its ``<article>`` elements not inside another (a compilation
    page, a live blog) when they hold it (see ``_stories``); else the text is the
    ``<main>``'s, else the ``<body>``'s, without the articles that are cards of other
    stories. ``titles`` and ``headers`` (page-level ``<header>``s dropped) tell which story
    is the page's own (``_own_story``).
    """
    tops = [a for a in root.iter("article") if not _inside(a, ("article",))]
    stories, cards = _stories(root, tops, use_names, titles, headers or []) if tops else ([], [])
    if stories:
        return stories
    _drop(cards)
    for tag in ("main", "body"):
        for el in root.iter(tag):
            if _collapse(el.text_content()):
                return [el]
    # No body text at all: the <head> (title, metadata) is not article text.
    for head in list(root.iter("head")):
        head.getparent().remove(head)
    return [root]


class _Measure(NamedTuple):
    """What tells a card from a story: an article's words, how many are its own (outside
    links to other pages), and whether it leads away (its headline, or most of its text,
    is a link to another page)."""

    words: int
    own: int
    leads_away: bool


def _stories(root: etree._Element, tops: list[etree._Element], use_names: bool,
             titles: frozenset[str] = frozenset(), headers: list[etree._Element] | None = None,
             ) -> tuple[list[etree._Element], list[etree._Element]]:
    """The articles that are the page's text; or none, and the cards to leave out of it.

    Each article is weighed against the page's own text: the words of its paragraphs outside
    every article (``_paragraph_sizes``, after boilerplate removal), a story kept in a plain
    ``<div>`` when they are at least 40. An article in an aside or a noisy box is a card
    (``_in_noise_box``), and so is one that leads away to another page with few words of its
    own (``_is_card``): a teaser is a linked headline, a line of summary and a date. The
    other articles hold the text when together they have at least as many words as the
    page's own, as the entries of a live blog and the stories of a compilation do; the cards
    are left out, unless neither the articles nor the page hold a story: a page made of
    cards. Otherwise the page's own text is its story, read with the articles that are not
    cards; those under a quarter of its words are teasers too. Before all this, the page's
    title may name one of these stories as its own (``_own_story``).
    """
    measures = [_measure(a) for a in tops]
    sizes, (_, total) = _paragraph_sizes(root)
    outside = total - sum(sizes.get(a, (0, 0))[1] for a in tops)
    kinds = [_kind(a, m, outside, use_names) for a, m in zip(tops, measures)]
    rivals = [(a, m.words) for a, m, kind in zip(tops, measures, kinds) if kind in ("story", "boxed")]
    own = _own_story(root, tops, rivals, outside, titles, headers or []) if titles and rivals else None
    if own is not None:
        return own
    articles = [(a, m) for a, m, kind in zip(tops, measures, kinds) if kind in ("card", "story")]
    stories = [(a, m) for a, m, kind in zip(tops, measures, kinds) if kind == "story"]
    own_story = outside >= _TEASER_WORDS
    if stories and sum(m.words for _, m in stories) >= outside:
        if own_story or any(m.words >= _TEASER_WORDS for _, m in stories):
            return _without_teasers(stories), []
        return _without_teasers(articles), []  # no story for the cards to stand beside
    if articles and not own_story:
        return _without_teasers(articles), []  # a page made of cards
    cards = [a for a, m, kind in zip(tops, measures, kinds)
             if kind == "card" or (kind == "story" and 4 * m.words < outside)]
    if sum(m.words for m, kind in zip(measures, kinds) if kind == "boxed") < outside:
        # a related box or a comment list; a story's noisy wrapper holds more than the rest
        cards.extend(a for a, kind in zip(tops, kinds) if kind == "boxed")
    return [], cards


def _kind(article: etree._Element, m: _Measure, outside: int, use_names: bool) -> str:
    """``empty`` (no words), ``boxed`` (in an aside or a noisy box), ``card`` or ``story``."""
    if not m.words:
        return "empty"
    if _in_noise_box(article, use_names):
        return "boxed"
    return "card" if _is_card(m, outside) else "story"


class _Candidate(NamedTuple):
    """A story the page may call its own: an ``<article>``, or the page's own text (its
    ``<body>`` outside the articles); its words; how closely the page's title names its
    headline or first line (``_naming``); whether it opens with a heading, as a story of its
    own does."""

    element: etree._Element
    words: int
    named: int
    headed: bool


def _own_story(root: etree._Element, tops: list[etree._Element], rivals: list[tuple[etree._Element, int]],
               outside: int, titles: frozenset[str], headers: list[etree._Element],
               ) -> tuple[list[etree._Element], list[etree._Element]] | None:
    """The page's text when its title names one of its stories as its own; else None.

    The candidates are the ``rivals`` (the articles that are stories, or in a related box)
    and the page's own text when it has 40 words. Exactly one must be named by the title
    most closely (``_naming``: a headline that is a form of the title outranks one only
    similar to it), with 40 words and at least a quarter of the longest other one's (else it
    is a teaser or a headline box), and every other one must open with a heading: another
    story beside it, not its standfirst or its body. A named article is read alone. The page's own text
    is read without the articles only where one article, as long or longer, would be read
    instead of it or with it: several are the entries of a live blog or the stories of a
    compilation, which its introduction names.
    """
    if len(rivals) + (outside >= _TEASER_WORDS) < 2:
        return None
    body = next(root.iter("body"), root)
    before = {a: _heading_before(a) for a, _ in rivals}
    candidates = [_candidate(a, words, titles, before[a]) for a, words in rivals]
    if outside >= _TEASER_WORDS:
        skip = frozenset(tops) | frozenset(h for h in before.values() if h is not None)
        candidates.append(_candidate(body, outside, titles, None, skip, headers))
    closest = max(c.named for c in candidates)
    named = [c for c in candidates if c.named == closest]
    if not closest or len(named) != 1:
        return None
    own, others = named[0], [c for c in candidates if c is not named[0]]
    if own.words < _TEASER_WORDS or 4 * own.words < max(c.words for c in others):
        return None
    if not all(c.headed for c in others):
        return None
    if own.element is not body:
        return [own.element], []
    if len(rivals) == 1 and rivals[0][1] >= outside:
        return [], list(tops)
    return None


def _candidate(el: etree._Element, words: int, titles: frozenset[str], heading: etree._Element | None,
               skip: frozenset = frozenset(), headers: list[etree._Element] | None = None) -> _Candidate:
    """A candidate story: named by an ``<h1>``/``<h2>`` in it, by the ``heading`` just before
    it, by a dropped page-level header (``headers``, for the page's own text) or by its first
    line. ``skip``: what is not its text."""
    heads, headed = _outline(el, skip)
    heads += [h for header in headers or [] for h in header.iter("h1", "h2")]
    if heading is not None:
        heads.append(heading)
    first = _layout(el, skip).partition("\n")[0]
    named = max(_naming(text, titles) for text in [first, *(h.text_content() for h in heads)])
    return _Candidate(el, words, named, headed or heading is not None)


def _outline(el: etree._Element, skip: frozenset) -> tuple[list[etree._Element], bool]:
    """An element's ``<h1>`` and ``<h2>`` headings outside ``skip``, and whether a heading
    comes before its first paragraph."""
    heads: list[etree._Element] = []
    headed: bool | None = None
    walker = etree.iterwalk(el, events=("start",))
    for _, x in walker:
        tag = x.tag.lower() if isinstance(x.tag, str) else ""
        if x in skip:
            walker.skip_subtree()
        elif tag in _HEADINGS:
            if headed is None:
                headed = True
            if tag in ("h1", "h2"):
                heads.append(x)
            walker.skip_subtree()
        elif tag == "p" and headed is None:
            headed = False
    return heads, bool(headed)


def _heading_before(article: etree._Element) -> etree._Element | None:
    """The ``<h1>`` or ``<h2>`` just before an article, with no text between: its headline,
    kept outside it by the template."""
    el = article
    while (parent := el.getparent()) is not None:
        prev = el.getprevious()
        while prev is not None and not _collapse(prev.text_content()) and not _collapse(prev.tail):
            prev = prev.getprevious()
        if prev is not None:
            if _collapse(prev.tail) or not isinstance(prev.tag, str) or any(True for _ in prev.iter("p")):
                return None
            heads = list(prev.iter("h1", "h2"))
            return heads[-1] if heads else None
        if _collapse(parent.text) or parent.tag in ("body", "main"):
            return None
        el = parent
    return None


def _page_titles(root: etree._Element) -> frozenset[str]:
    """The page's titles as compared (``_title_forms``): its ``<title>``, ``og:title``,
    ``twitter:title`` and JSON-LD headlines, each also without the site and section names
    around its headline."""
    titles: list[str] = []
    seen_title = False
    for el in root.iter("title", "meta", "script"):
        if el.tag == "title":
            if not seen_title and not _inside(el, ("svg", "body")):
                seen_title = True
                titles.append(el.text_content())
        elif el.tag == "meta":
            if _TITLE_META.intersection((el.get(a) or "").strip().lower() for a in ("property", "name")):
                titles.append(el.get("content") or "")
        elif (el.get("type") or "").strip().lower() == "application/ld+json":
            items, pages = _jsonld_fields(el.text or "", "jsonld")
            titles.extend(f.value for f in items + pages if f.key == "title")
    return frozenset(form for title in titles for form in _title_forms(title))


def _title_forms(title: str) -> set[str]:
    """A title as compared (``_plain``): whole; before each separator but a colon, without
    the names after its headline (``Headline | Section | Site``); and each run of its parts
    that holds its longest one, the headline between the names around it (``Site |
    Headline``, ``Section - Headline - Site``, ``Site: Headline``). A shorter part alone is
    no form: it is a site or section name, or a kicker (``Skarn rock: Headline``), not the
    headline. A form cut short by an ellipsis, of four words or more, is also kept ending
    with ``…``: it names the headlines it starts (``_naming``)."""
    cuts = list(_TITLE_SEPARATOR.finditer(title))[:_TITLE_PARTS - 1]
    starts, ends = [0, *(m.end() for m in cuts)], [*(m.start() for m in cuts), len(title)]
    sizes = [len(_plain(title[a:b])) for a, b in zip(starts, ends)]
    longest = {i for i, size in enumerate(sizes) if size == max(sizes)}
    spans = {(0, m.start()) for m in cuts if m.group().strip() != ":"} | {(0, len(title))}
    spans |= {(starts[i], ends[j]) for i in range(len(starts)) for j in range(i, len(ends))
              if any(i <= k <= j for k in longest)}
    forms = set()
    for a, b in spans:
        plain = _plain(title[a:b])
        forms.add(plain)
        if title[a:b].rstrip().endswith(("…", "...")) and len(plain.split()) >= _CUT_TITLE_WORDS:
            forms.add(plain + "…")
    forms.discard("")
    return forms


def _naming(text: str, titles: frozenset[str]) -> int:
    """How closely the page's titles (``_title_forms``) name a headline: 2 when it is one of
    their forms or starts with one cut short (``…``); 1 when it is similar to a form, a few
    words added or dropped (a kicker, a place), with at least three in four of their
    distinct words shared (``_SIMILAR_TITLE``); else 0. Two headlines on one subject differ
    by more: a word replaced in a short headline is no longer similar."""
    plain = _plain(text)
    if not plain:
        return 0
    if plain in titles or any(t.endswith("…") and plain.startswith(t[:-1]) for t in titles):
        return 2
    words = set(plain.split())
    for form in titles:
        if not form.endswith("…"):
            other = set(form.split())
            if len(words & other) >= _SIMILAR_TITLE * len(words | other):
                return 1
    return 0


def _plain(text: str) -> str:
    """Text as a title is compared: case and punctuation do not count."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def _without_teasers(articles: list[tuple[etree._Element, _Measure]]) -> list[etree._Element]:
    """The stories among articles that hold the page's text: an article of fewer than 40
    words and under a quarter of the longest one's words is a teaser (a related-story card)."""
    longest = max(m.words for _, m in articles)
    return [a for a, m in articles if m.words >= _TEASER_WORDS or 4 * m.words >= longest]


def _is_card(m: _Measure, outside: int) -> bool:
    """Whether an article is a teaser of another story: it leads away to another page and
    has few words of its own, under 40 or under a quarter of the page's own text."""
    return m.leads_away and (m.own < _TEASER_WORDS or 4 * m.own < outside)


def _measure(article: etree._Element) -> _Measure:
    """An article's words, its own words, and whether its headline or most of its text
    links to another page. Links are never nested in a parsed page, so each word is read
    once."""
    words = len(article.text_content().split())
    linked, headline = 0, False
    for link in article.iter("a"):
        if _leads_away(link):
            linked += len(link.text_content().split())
            headline = headline or _in_heading(link, article) or any(
                True for _ in link.iterdescendants(*_HEADINGS))
    return _Measure(words, max(words - linked, 0), headline or (0 < linked and 2 * linked >= words))


def _leads_away(link: etree._Element) -> bool:
    """Whether a link goes to another page: not to a place in this one (``#…``, ``?…``), nor
    to a script."""
    href = (link.get("href") or "").strip()
    return bool(href) and not href.startswith(("#", "?")) and not href.lower().startswith("javascript:")


def _in_heading(el: etree._Element, article: etree._Element) -> bool:
    """Whether an element lies in a heading of the article: a linked headline names the
    story the link leads to."""
    for a in el.iterancestors():
        if a is article:
            return False
        if isinstance(a.tag, str) and a.tag.lower() in _HEADINGS:
            return True
    return False


def _in_noise_box(el: etree._Element, use_names: bool) -> bool:
    for a in el.iterancestors():
        tag = a.tag.lower() if isinstance(a.tag, str) else ""
        if tag in ("main", "body"):
            return False
        if tag == "aside" or (use_names and _noisy_name(f"{a.get('class') or ''} {a.get('id') or ''}")):
            return True
    return False


def _layout(container: etree._Element, skip: frozenset = frozenset()) -> str:
    """The text of an element, as blank-line separated paragraphs; the elements in ``skip``
    are left out (their tails are kept)."""
    paragraphs: list[str] = []
    lines: list[str] = []
    chunks: list[str] = []

    def end_line() -> None:
        line = _collapse("".join(chunks))
        chunks.clear()
        if line:
            lines.append(line)

    def end_paragraph() -> None:
        end_line()
        if lines:
            paragraphs.append("\n".join(lines))
            lines.clear()

    walker = etree.iterwalk(container, events=("start", "end"))
    for event, el in walker:
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if event == "start":
            if el in skip:
                walker.skip_subtree()
                continue
            if tag in _BLOCKS:
                end_paragraph()
            elif tag == "br":
                end_line()
            if tag is not None and el.text:
                chunks.append(el.text)
        else:
            if tag in _BLOCKS:
                end_paragraph()
            elif tag in _CELLS:
                chunks.append(" ")
            if el is not container and el.tail:
                chunks.append(el.tail)
    end_paragraph()
    return "\n\n".join(paragraphs).strip()
