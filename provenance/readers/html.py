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

import lxml.html
from lxml import etree

from ..model import MetaField
from ..outlets import domain_of
from . import Parsed, ReadFailure
from .jsonrec import loads_clean
from .text import MIXED_UTF8, check_binary, decode_bytes, decode_mostly_utf8, normalise_newlines, text_codec

__all__ = ["decode_html", "read_html", "extract_metadata", "main_text"]

_CHARSET_RE = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""\A\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9_.:\-]+)""")
_HEAD_END_RE = re.compile(rb"</head\s*>|<body[\s>/]", re.IGNORECASE)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_SNIFF_BYTES = 4096

_DROP_TAGS = frozenset(
    "script style noscript template svg math iframe form button nav header footer aside "
    "select textarea object embed canvas".split()
)
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
    {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "WebPage",
     "AnalysisNewsArticle", "OpinionNewsArticle"}
)


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

    The whole head is searched, not a fixed prefix: a long ``<style>`` block can push the
    ``<meta>`` past the first kilobytes. An XHTML page may declare only ``<?xml encoding=?>``.
    """
    end = _HEAD_END_RE.search(data)
    limit = max(end.end(), _SNIFF_BYTES) if end else len(data)
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
    metadata = extract_metadata(root)
    body = main_text(root)
    if not body:
        raise ReadFailure("no-text", "no article text left after removing navigation, scripts and boilerplate")
    return Parsed(
        text=body,
        encoding=encoding,
        title=_first(metadata, ("title",), ("html:meta", "jsonld", "html:title")),
        url=_address(metadata),
        metadata=tuple(metadata),
    )


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


def extract_metadata(root: etree._Element) -> list[MetaField]:
    """Metadata fields in document order, each with the exact place it was read."""
    out: list[MetaField] = []
    seen_title = seen_time = False
    jsonld_index = 0

    def add(key: str, value: str | None, source: str) -> None:
        value = _collapse(value)
        if value:
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
            _meta_field(el, add)
        elif tag == "time" and el.get("datetime"):
            if el.get("itemprop") == "datePublished":
                add("published", el.get("datetime"), "html:time[itemprop=datePublished]")
            elif not seen_time:
                add("published", el.get("datetime"), "html:time[datetime]")
            seen_time = True
        elif tag == "script" and (el.get("type") or "").strip().lower() == "application/ld+json":
            out.extend(_jsonld_fields(el.text or "", f"jsonld[{jsonld_index}]"))
            jsonld_index += 1
    return out


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


def _jsonld_fields(raw: str, base: str) -> list[MetaField]:
    """Fields of article-like JSON-LD items; broken JSON-LD is skipped (it is only metadata)."""
    raw = raw.strip()
    raw = re.sub(r"^<!--|-->$", "", raw).strip()
    try:
        data = loads_clean(raw, strict=False)
        out: list[MetaField] = []
        _visit_jsonld(data, base, out)
        return out
    except (ValueError, RecursionError):
        return []


def _visit_jsonld(node, path: str, out: list[MetaField]) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _visit_jsonld(item, f"{path}[{i}]", out)
    elif isinstance(node, dict):
        if _is_article(node.get("@type")):
            out.extend(_item_fields(node, path))
        if "@graph" in node:
            _visit_jsonld(node["@graph"], f"{path}.@graph", out)


def _is_article(type_value) -> bool:
    types = type_value if isinstance(type_value, list) else [type_value]
    for t in types:
        if isinstance(t, str):
            name = re.sub(r"^(?:https?://schema\.org/|schema:)", "", t.strip())
            if name in _JSONLD_TYPES:
                return True
    return False


def _item_fields(item: dict, path: str) -> list[MetaField]:
    out: list[MetaField] = []

    def add(key: str, value, source: str) -> None:
        if isinstance(value, str) and value.strip():
            out.append(MetaField(key, _collapse(value), source))

    for prop, key in (("datePublished", "published"), ("dateModified", "modified"),
                      ("headline", "title"), ("url", "url")):
        for value, sub in _values(item.get(prop), f"{path}.{prop}"):
            add(key, value, sub)
    for prop, key in (("publisher", "publisher"), ("author", "author")):
        for value, sub in _values(item.get(prop), f"{path}.{prop}"):
            if isinstance(value, dict):
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


def main_text(root: etree._Element) -> str:
    """The article text laid out as blank-line separated paragraphs.

    The class/id heuristics are tried first; if they leave nothing (a page
    whose wrapper is called ``has-sidebar``), the page is read without them.
    """
    for use_names in (True, False):
        tree = copy.deepcopy(root)
        _drop_boilerplate(tree, use_names)
        text = _layout(_container(tree))
        if text:
            return text
    return ""


def _drop_boilerplate(root: etree._Element, use_names: bool) -> None:
    doomed = [el for el in root.iter() if isinstance(el.tag, str) and _is_boilerplate(el, use_names)]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _is_boilerplate(el: etree._Element, use_names: bool) -> bool:
    tag = el.tag.lower()
    if tag in _DROP_TAGS:
        return True
    if tag in _PROTECTED:
        return False
    roles = (el.get("role") or "").lower().split()
    if _NOISE_ROLES.intersection(roles):
        return True
    if not use_names:
        return False
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    if not names.strip() or not _noisy_name(names):
        return False
    # never drop a wrapper that holds the article itself
    return not any(True for _ in el.iterdescendants("article", "main"))


def _noisy_name(names: str) -> bool:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", names).lower()
    for token in re.split(r"[^a-z0-9]+", spaced):
        if token and token not in _NOT_NOISE and token.startswith(_NOISE_WORDS):
            return True
    return False


def _container(root: etree._Element) -> etree._Element:
    articles = [a for a in root.iter("article") if _collapse(a.text_content())]
    if articles:
        return max(articles, key=lambda a: len(_collapse(a.text_content())))
    for tag in ("main", "body"):
        for el in root.iter(tag):
            if _collapse(el.text_content()):
                return el
    # No body text at all: the <head> (title, metadata) is not article text.
    for head in list(root.iter("head")):
        head.getparent().remove(head)
    return root


def _layout(container: etree._Element) -> str:
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

    for event, el in etree.iterwalk(container, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if event == "start":
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
