"""Read news-agency XML: NITF articles and IPTC NewsML-G2 items (and, through
``feeds``, RSS and Atom feeds).

Agency feeds deliver each story with its metadata in the same file: the
headline, byline and dateline, the issue date, the copyright holder and the
distributing agency. These are read with the exact element or attribute they
came from (``nitf:docdata/date.issue@norm``, ``newsml:itemMeta/firstCreated``),
so the attribution stage can weigh them like any other structured metadata.

XML can make a parser do harmful work: a DOCTYPE may declare entities that
expand exponentially ("billion laughs") or that name a local file or URL to be
inserted ("external entities"). The parser here never loads a DTD, never
touches the network and never substitutes entities; a document whose DOCTYPE
declares entities at all is rejected as ``unsafe-xml`` instead of being read.
Elements are matched by local name, so namespaced and plain files read alike.
With entity declarations refused, a text node over libxml2's 10 MB guard is
safe to read: such a file is parsed again with the guard lifted. As for HTML,
bytes that are valid UTF-8 are read as UTF-8 whatever legacy encoding the XML
declaration names, since mislabelled files are far more common than legacy
text that happens to be valid UTF-8.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

from ..model import MetaField
from . import Parsed, ReadFailure

__all__ = ["read_xml", "nitf_date", "parse_xml", "root_name", "shown_root"]

_ENTITY_DECL_RE = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE_RE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ELEMENT_START_RE = re.compile(rb"<[A-Za-z_]")
_EXPANSION_SIGNS = ("amplification", "entity reference loop", "entity loop")
_NITF_DATE_RE = re.compile(
    r"^(\d{4})(\d{2})(\d{2})"  # date
    r"(?:T(\d{2})(\d{2})(\d{2})?(?:[.,]\d+)?"  # time, seconds and fractions optional
    r"(Z|[+-]\d{2}(?::?\d{2})?)?)?$"  # zone
)
# paragraph-like elements of NITF body.content and XHTML; the outermost one is taken whole
_BLOCK_PARAS = frozenset({"p", "hl2", "li", "blockquote", "pre"})


# libxml2's message when a text node or the input is over its default limits
_HUGE_SIGNS = ("xml_parse_huge", "huge input lookup", "text node too long")
_XML_DECL_RE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_WIDE_STARTS = ((b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
                (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"))


def _parser(*, huge: bool = False, encoding: str | None = None) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=huge,
        remove_comments=True, remove_pis=True, encoding=encoding,
    )


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def read_xml(data: bytes) -> tuple[list[Parsed], list[ReadFailure]]:
    """One Parsed per article (NITF: one; NewsML-G2: one per newsItem); failures per item."""
    root, encoding = parse_xml(data)
    name = _local(root)
    if name == "nitf":
        return [_read_nitf(root, encoding)], []
    if name == "newsItem":
        return [_read_newsitem(root, encoding, record=None, raw=None)], []
    if name == "newsMessage":
        return _read_newsmessage(root, encoding)
    from .feeds import FEED_ROOTS, read_feed  # feeds reads trees with this module's helpers

    if name in FEED_ROOTS:
        return read_feed(root, FEED_ROOTS[name], encoding)
    raise ReadFailure(
        "unsupported-format",
        f"XML root element {shown_root(root)} is not a supported news format (supported: NITF <nitf>, "
        "NewsML-G2 <newsItem> or <newsMessage>, an RSS <rss> or <rdf:RDF> feed, an Atom <feed>)",
    )


def shown_root(root) -> str:
    """A root element as a reason names it: ``<kml> (namespace http://...)``."""
    namespace = etree.QName(root).namespace
    return f"<{_local(root)}>" + (f" (namespace {namespace})" if namespace else "")


def parse_xml(data: bytes, *, what: str = "file", fallback: str | None = None) -> tuple[etree._Element, str | None]:
    """The root element of an XML document and the encoding it was read in, parsed with
    every protection of this module: no DTD, no network, entity declarations refused
    (``unsafe-xml``). Raises ReadFailure (``empty``, ``invalid-xml``, ``unsafe-xml``,
    ``too-large``); ``what`` names the input in reasons (a web archive's "payload").
    ``fallback``: the encoding to read bytes in that name none of their own (no byte-order
    mark, no encoding declaration) and are not UTF-8 (a web archive's HTTP charset)."""
    if not data.strip():
        raise ReadFailure("empty", f"{what} is empty" if not data else f"{what} holds only whitespace")
    prolog = _ascii_view(data)
    if prolog is not None:
        _refuse_entity_declarations(prolog)
    override = "utf-8" if _utf8_override(data) else None
    declared = _fallback_encoding(data, fallback)
    if declared is not None:  # read in the fallback encoding, handed to the parser as UTF-8
        data = data.decode(declared, "replace").encode("utf-8")
        override = "utf-8"
    try:
        tree = _parse(data, override, huge=False)
    except etree.XMLSyntaxError as e:
        message = _syntax_message(e)
        lowered = message.lower()
        if any(sign in lowered for sign in _EXPANSION_SIGNS):  # libxml2's own guard tripped
            raise ReadFailure("unsafe-xml", f"{_UNSAFE_REASON} (parser: {message})")
        if not any(sign in lowered for sign in _HUGE_SIGNS):
            raise ReadFailure("invalid-xml", f"not well-formed XML: {message}")
        if prolog is None:  # entity declarations could not be ruled out: keep the guard
            raise ReadFailure("too-large", f"a text node is over the XML parser's 10 MB limit, and the "
                              f"{what}'s encoding hides whether it declares entities; not read")
        try:  # a text node over 10 MB: safe without entities, so read without the limit
            tree = _parse(data, override, huge=True)
        except etree.XMLSyntaxError as e2:
            raise ReadFailure("invalid-xml", f"not well-formed XML: {_syntax_message(e2)}")
    except ValueError as e:  # e.g. an encoding declaration lxml cannot honour
        raise ReadFailure("invalid-xml", f"not well-formed XML: {e}")
    _refuse_declared_entities(tree)
    return tree.getroot(), declared or override or _encoding(tree)


def root_name(data: bytes) -> str | None:
    """The local name of the root element (``rss``, ``RDF`` for ``<rdf:RDF>``), read from
    the first bytes without parsing them: what a web archive's payload of a generic XML
    type is, before it is parsed. None when it cannot be told."""
    view = _ascii_view(data[:_SNIFF_BYTES])
    if view is None:
        return None
    rest = view.removeprefix(codecs.BOM_UTF8)
    while True:
        m = _PROLOG_ITEM.match(rest)
        if m is None or not m.group():
            break
        rest = rest[m.end():]
    m = _ROOT_TAG.match(rest)
    return m.group(1).decode("ascii").rpartition(":")[2] if m else None


_SNIFF_BYTES = 64 * 1024
# what may come before the root element: white space, the XML declaration and other
# processing instructions, comments, and a DOCTYPE (with its internal subset)
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>", re.S | re.I)
_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)")


def _fallback_encoding(data: bytes, fallback: str | None) -> str | None:
    """``fallback`` (a Python codec name) for bytes that name no encoding of their own and
    are not UTF-8 (which the parser would then reject), else None: the bytes' own
    encoding decides."""
    if not fallback or _XML_DECL_RE.match(data) or data.startswith((codecs.BOM_UTF8, *(b for b, _ in _WIDE_BOMS))):
        return None
    if any(data.startswith(start) for start, _ in _WIDE_STARTS):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return fallback
    return None


def _parse(data: bytes, encoding: str | None, *, huge: bool) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(data, parser=_parser(huge=huge, encoding=encoding)))


def _ascii_view(data: bytes) -> bytes | None:
    """The bytes as an ASCII-compatible encoding shows them, for the check of the prolog:
    UTF-16 and UTF-32 (by byte-order mark or by the NULs around the first ``<``) are
    decoded first; None when the encoding cannot be told."""
    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            return data.decode(codec, "replace").encode("utf-8")
    for start, codec in _WIDE_STARTS:
        if data.startswith(start):
            return data.decode(codec, "replace").encode("utf-8")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return data
    return None


def _utf8_override(data: bytes) -> bool:
    """Whether bytes declared in a legacy encoding are read as UTF-8, as the HTML reader
    does: valid UTF-8 holding non-ASCII is almost never legacy text, while files
    mislabelled ``ISO-8859-1`` are common."""
    m = _XML_DECL_RE.match(data)
    if m is None:
        return False
    try:
        declared = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeError):
        return False
    if declared == "utf-8" or declared.startswith(("utf-16", "utf-32")) or data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _syntax_message(e: etree.XMLSyntaxError) -> str:
    msg = (e.msg or str(e)).strip()
    line, column = e.position if e.position else (e.lineno, None)
    if line and f"line {line}" not in msg:
        msg += f" (line {line}" + (f", column {column}" if column else "") + ")"
    return msg


def _refuse_entity_declarations(data: bytes) -> None:
    """Reject a DOCTYPE that declares entities, before the parser sees the file.

    Looks at the prolog only (up to the first element start tag), so an article
    that merely mentions ``<!ENTITY`` in its text is not affected. The check on
    bytes covers ASCII-compatible encodings; ``_refuse_declared_entities`` repeats
    it on the parsed tree, for any encoding.
    """
    doctype = _DOCTYPE_RE.search(data)
    if doctype is None:
        return
    first_element = _ELEMENT_START_RE.search(data)
    if first_element is not None and first_element.start() < doctype.start():
        return  # not in the prolog: text of the document, not a declaration
    declaration = _ENTITY_DECL_RE.search(data, doctype.end())
    if declaration is not None and (first_element is None or declaration.start() < first_element.start()):
        raise ReadFailure("unsafe-xml", _UNSAFE_REASON)


_UNSAFE_REASON = (
    "the DOCTYPE declares XML entities; they are neither expanded nor fetched (entity expansion "
    "can exhaust memory and external entities can read local files), so the file is not read. "
    "Remove the <!ENTITY> declarations to have it read"
)


def _refuse_declared_entities(tree: etree._ElementTree) -> None:
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ReadFailure("unsafe-xml", _UNSAFE_REASON)


def _encoding(tree: etree._ElementTree) -> str | None:
    name = tree.docinfo.encoding
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower()


# --------------------------------------------------------------------------
# Namespace-insensitive helpers
# --------------------------------------------------------------------------


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el, name: str) -> list:
    return [c for c in el if isinstance(c.tag, str) and _local(c) == name]


def _child(el, *path: str):
    """The first element along a path of child names, or None."""
    for name in path:
        if el is None:
            return None
        found = _children(el, name)
        el = found[0] if found else None
    return el


def _descendants(el, name: str) -> list:
    return [d for d in el.iterdescendants() if isinstance(d.tag, str) and _local(d) == name]


def _first_descendant(el, name: str):
    for d in el.iterdescendants():
        if isinstance(d.tag, str) and _local(d) == name:
            return d
    return None


def _attr(el, name: str) -> str | None:
    """An attribute by local name (``norm`` or ``{ns}norm``)."""
    if el is None:
        return None
    for key, value in el.attrib.items():
        if etree.QName(key).localname == name:
            return value
    return None


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


# Elements that run inside a line of text (XHTML and NITF inline markup): their text joins
# the words around them as written, so "<b>Quill</b>'s" stays one word. Any other element
# (a paragraph, a byline part, a line break) is a boundary between words.
_INLINE = frozenset({
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i",
    "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u",
    "var",
    # NITF enriched text
    "chron", "classifier", "copyrite", "event", "function", "lang", "location", "money", "num", "object.title",
    "org", "person", "postaddr", "pronounce", "virtloc", "alt-code", "story.date",
})


def _text(el) -> str:
    """All text inside an element, words kept apart across block elements and ``<br/>``
    (entity references left unexpanded are skipped)."""
    if el is None:
        return ""
    parts: list[str] = []
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag
        element = isinstance(tag, str)
        boundary = element and _local(node) not in _INLINE
        if event == "start":
            if boundary:
                parts.append(" ")
            if element and node.text:
                parts.append(node.text)
        else:
            if boundary:
                parts.append(" ")
            if node is not el and node.tail:
                parts.append(node.tail)
    return _collapse("".join(parts))


def _paragraphs(container, names: frozenset[str] = _BLOCK_PARAS) -> list[str]:
    """Text of the outermost paragraph-like elements under ``container``, in document order."""
    out: list[str] = []
    for el in container.iterdescendants():
        if not isinstance(el.tag, str) or _local(el) not in names or _inside_block(el, container, names):
            continue
        text = _text(el)
        if text:
            out.append(text)
    return out


def _inside_block(el, container, names: frozenset[str]) -> bool:
    """Whether ``el`` lies in an outer paragraph-like element (already taken whole)."""
    for a in el.iterancestors():
        if a is container:
            return False
        if isinstance(a.tag, str) and _local(a) in names:
            return True
    return False


class _Fields:
    def __init__(self) -> None:
        self.items: list[MetaField] = []

    def add(self, key: str, value: str | None, source: str) -> None:
        value = _collapse(value)
        if value:
            self.items.append(MetaField(key, value, source))

    def first(self, key: str) -> str | None:
        return next((f.value for f in self.items if f.key == key), None)


# --------------------------------------------------------------------------
# NITF
# --------------------------------------------------------------------------


def nitf_date(value: str | None) -> str | None:
    """An NITF (ISO 8601 basic) date as extended ISO 8601; other values pass unchanged.

    ``20161028T091500Z`` → ``2016-10-28T09:15:00Z``, ``20161028`` → ``2016-10-28``,
    ``20161028T0915+0100`` → ``2016-10-28T09:15+01:00``.
    """
    value = _collapse(value)
    if not value:
        return None
    m = _NITF_DATE_RE.match(value)
    if m is None:
        return value
    year, month, day, hour, minute, second, zone = m.groups()
    out = f"{year}-{month}-{day}"
    if hour is not None:
        out += f"T{hour}:{minute}" + (f":{second}" if second else "")
        if zone:
            if zone != "Z" and ":" not in zone and len(zone) == 5:
                zone = f"{zone[:3]}:{zone[3:]}"
            elif zone != "Z" and len(zone) == 3:
                zone = f"{zone}:00"
            out += zone
    return out


def _read_nitf(root, encoding: str | None) -> Parsed:
    head = _child(root, "head")
    body = _child(root, "body")
    body_head = _child(body, "body.head")
    fields = _Fields()

    docdata = _child(head, "docdata")
    fields.add("published", nitf_date(_attr(_child(docdata, "date.issue"), "norm")),
               "nitf:docdata/date.issue@norm")
    pubdata = _child(head, "pubdata")
    fields.add("published", nitf_date(_attr(pubdata, "date.publication")), "nitf:pubdata@date.publication")
    fields.add("publisher", _attr(_child(docdata, "doc.copyright"), "holder"), "nitf:docdata/doc.copyright@holder")

    distributor = _child(body_head, "distributor")
    fields.add("outlet", _text(distributor), "nitf:body.head/distributor")
    fields.add("outlet", _attr(pubdata, "name"), "nitf:pubdata@name")
    ex_ref = _attr(pubdata, "ex-ref") or ""
    if ex_ref.startswith(("http://", "https://")):
        fields.add("url", ex_ref, "nitf:pubdata@ex-ref")

    hedline = _child(body_head, "hedline")
    headlines = [_text(h) for h in _children(hedline, "hl1")] if hedline is not None else []
    subheads = [_text(h) for h in _children(hedline, "hl2")] if hedline is not None else []
    for h in headlines:
        fields.add("title", h, "nitf:hedline/hl1")
    if not headlines:
        fields.add("title", _text(_child(head, "title")), "nitf:head/title")

    bylines = _children(body_head, "byline") if body_head is not None else []
    for b in bylines:
        fields.add("author", _author(_text(b)), "nitf:byline")
    datelines = _children(body_head, "dateline") if body_head is not None else []

    content = _child(body, "body.content")
    paragraphs = _paragraphs(content) if content is not None else []
    if content is not None and not paragraphs and _text(content):
        paragraphs = [_text(content)]

    if not paragraphs:
        raise ReadFailure("no-text", "NITF document has no body text (no paragraphs in <body.content>)")
    # the dateline stays in the text (dateline rules read it), once: often the body repeats it
    datelines_text = [t for t in (_text(d) for d in datelines) if t and not paragraphs[0].startswith(t)]
    blocks = [t for t in headlines + subheads + [_text(b) for b in bylines] + datelines_text if t]
    return Parsed(
        text="\n\n".join(blocks + paragraphs),
        encoding=encoding,
        title=fields.first("title"),
        url=fields.first("url"),
        metadata=tuple(fields.items),
    )


def _author(byline: str) -> str:
    return re.sub(r"^by\s+", "", byline, flags=re.IGNORECASE)


# --------------------------------------------------------------------------
# NewsML-G2
# --------------------------------------------------------------------------


def _read_newsmessage(root, encoding: str | None) -> tuple[list[Parsed], list[ReadFailure]]:
    """A document per newsItem. ``item N`` counts every item of the message from 0, in
    order, so that it names the item a person counts to; an item of another kind (a
    packageItem, conceptItem...) holds no article text and is a ``no-text`` rejection."""
    item_set = _first_descendant(root, "itemSet")
    if item_set is not None:
        items = [c for c in item_set if isinstance(c.tag, str) and _local(c).endswith("Item")]
    else:
        items = _descendants(root, "newsItem")
    if not any(_local(item) == "newsItem" for item in items):
        raise ReadFailure("no-text", "NewsML-G2 <newsMessage> holds no <newsItem>")
    parsed: list[Parsed] = []
    failures: list[ReadFailure] = []
    for i, item in enumerate(items):
        record = f"item {i}"
        kind = _local(item)
        if kind != "newsItem":
            failures.append(ReadFailure("no-text", f"a NewsML-G2 <{kind}>, not a <newsItem>: it holds no article "
                                        "text (a package refers to other items)", record))
            continue
        try:
            parsed.append(_read_newsitem(item, encoding, record=record, raw=etree.tostring(item)))
        except ReadFailure as f:
            failures.append(ReadFailure(f.code, f.reason, record))
    return parsed, failures


def _strip_scheme(qcode: str | None) -> str | None:
    """``nprov:REUTERS`` → ``REUTERS`` (a QCode's scheme alias is not part of the name)."""
    if not qcode:
        return None
    return qcode.split(":", 1)[1] if ":" in qcode else qcode


def _spells(code: str | None, name: str | None) -> bool:
    """Whether a QCode is a name written without spaces or punctuation, in any case."""
    if not code or not name:
        return False
    squash = lambda v: re.sub(r"[\W_]+", "", v).casefold()  # noqa: E731
    return squash(code) == squash(name)


def _read_newsitem(item, encoding: str | None, *, record: str | None, raw: bytes | None) -> Parsed:
    item_meta = _child(item, "itemMeta")
    content_meta = _child(item, "contentMeta")
    fields = _Fields()

    headlines = _children(content_meta, "headline") if content_meta is not None else []
    headline = next((t for t in (_text(h) for h in headlines) if t), "")
    fields.add("title", headline, "newsml:contentMeta/headline")

    fields.add("published", _text(_child(item_meta, "firstCreated")), "newsml:itemMeta/firstCreated")
    fields.add("published", _text(_child(content_meta, "contentCreated")), "newsml:contentMeta/contentCreated")
    fields.add("modified", _text(_child(item_meta, "versionCreated")), "newsml:itemMeta/versionCreated")

    holder = _child(item, "rightsInfo", "copyrightHolder")
    fields.add("publisher", _text(_child(holder, "name")), "newsml:rightsInfo/copyrightHolder/name")
    if not fields.first("publisher"):
        fields.add("publisher", _attr(holder, "literal"), "newsml:rightsInfo/copyrightHolder@literal")

    provider = _child(item_meta, "provider")
    fields.add("outlet", _text(_child(provider, "name")), "newsml:itemMeta/provider/name")
    if not fields.first("outlet"):
        fields.add("outlet", _attr(provider, "literal"), "newsml:itemMeta/provider@literal")
    code = _strip_scheme(_attr(provider, "qcode"))
    if not fields.first("outlet") and not _spells(code, fields.first("publisher")):
        # a code is not a name: one that spells the copyright holder's name (nprov:KESTLEPRESS
        # for "Kestle Press") must not outrank it, so the holder's name stands alone
        fields.add("outlet", code, "newsml:itemMeta/provider@qcode")

    for creator in (_children(content_meta, "creator") if content_meta is not None else []):
        name = _text(_child(creator, "name"))
        if name:
            fields.add("author", name, "newsml:contentMeta/creator/name")
        else:
            fields.add("author", _attr(creator, "literal"), "newsml:contentMeta/creator@literal")
    byline = _text(_child(content_meta, "by"))
    creditline = _text(_child(content_meta, "creditline"))
    if not fields.first("author"):
        fields.add("author", _author(byline), "newsml:contentMeta/by")
    fields.add("credit", creditline, "newsml:contentMeta/creditline")

    paragraphs = _newsitem_body(item)
    if not paragraphs:
        raise ReadFailure("no-text", "NewsML-G2 item has no body text (no paragraphs in contentSet/inlineXML)",
                          record)
    dateline = _text(_child(content_meta, "dateline"))
    # the byline and credit line stay in the text, as NITF bylines do: text rules read them
    blocks = [t for t in (headline, byline, creditline) if t]
    if dateline and not paragraphs[0].startswith(dateline):
        blocks.append(dateline)
    return Parsed(
        text="\n\n".join(blocks + paragraphs),
        encoding=encoding,
        title=headline or None,
        url=None,
        metadata=tuple(fields.items),
        record=record,
        raw=raw,
    )


def _newsitem_body(item) -> list[str]:
    """Paragraphs of the first rendition with text: inlineXML (XHTML or NITF), else inlineData."""
    content_set = _child(item, "contentSet")
    if content_set is None:
        return []
    for inline in _descendants(content_set, "inlineXML"):
        nitf_content = _first_descendant(inline, "body.content")  # NITF inside: its body only
        paragraphs = _paragraphs(nitf_content if nitf_content is not None else inline)
        if not paragraphs:
            text = _text(inline)
            paragraphs = [text] if text else []
        if paragraphs:
            return paragraphs
    for inline in _descendants(content_set, "inlineData"):
        raw = "".join(inline.itertext()).replace("\r\n", "\n")
        paragraphs = [_collapse(p) for p in re.split(r"\n\s*\n", raw) if _collapse(p)]
        if paragraphs:
            return paragraphs
    return []
