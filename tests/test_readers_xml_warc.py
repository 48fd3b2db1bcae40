"""Agency XML (NITF, NewsML-G2) and web archives (WARC, ARC): documents, metadata, hostile input."""

from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path

import pytest

from provenance.dates import parse_date_value
from provenance.inventory import build_inventory
from provenance.readers import format_for, read_file, unsupported_reason
from provenance.readers import xml as xml_reader
from provenance.readers.warc import archive_suffix, read_archive, read_archive_stream

warcio = pytest.importorskip("warcio")
from warcio.archiveiterator import ArchiveIterator  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

FORMATS = Path(__file__).resolve().parent.parent / "fixtures" / "formats"


def meta(doc) -> list[tuple[str, str, str]]:
    return [(m.key, m.value, m.source) for m in doc.metadata]


def values(doc, key: str) -> list[str]:
    return [m.value for m in doc.metadata if m.key == key]


def read_fixture(name: str):
    return read_file(name, (FORMATS / name).read_bytes())


# ==========================================================================
# NITF
# ==========================================================================


def test_nitf_text_and_fields():
    data = (FORMATS / "nitf-reuters.xml").read_bytes()
    docs, rejections = read_file("wire/nitf-reuters.xml", data)
    assert rejections == []
    [doc] = docs
    assert doc.format == "xml" and doc.encoding == "utf-8"
    assert doc.path == "wire/nitf-reuters.xml" and doc.record is None
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.title == "Harbour town votes to keep its ferry"
    assert doc.url == "https://www.reuters.example/article/harbour-ferry-idTEST0001"
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[:3] == [
        "Harbour town votes to keep its ferry",
        "By Mara Lindqvist",
        "PORT ELLEN, Oct 28 (Reuters) -",
    ]
    assert paragraphs[3].startswith("Residents of a small harbour town voted on Friday")
    assert paragraphs[-1].endswith('"Without it the island empties out."')
    assert len(paragraphs) == 6
    assert "Editing by" not in doc.text  # body.end is not article text
    assert meta(doc) == [
        ("published", "2016-10-28T09:15:00Z", "nitf:docdata/date.issue@norm"),
        ("published", "2016-10-28T09:15:00Z", "nitf:pubdata@date.publication"),
        ("publisher", "Reuters", "nitf:docdata/doc.copyright@holder"),
        ("outlet", "Reuters", "nitf:body.head/distributor"),
        ("outlet", "Reuters", "nitf:pubdata@name"),
        ("url", "https://www.reuters.example/article/harbour-ferry-idTEST0001", "nitf:pubdata@ex-ref"),
        ("title", "Harbour town votes to keep its ferry", "nitf:hedline/hl1"),
        ("author", "Mara Lindqvist", "nitf:byline"),
    ]


@pytest.mark.parametrize("raw, iso", [
    ("20161028T091500Z", "2016-10-28T09:15:00Z"),
    ("20161028", "2016-10-28"),
    ("20161028T0915", "2016-10-28T09:15"),
    ("20161028T091500+0100", "2016-10-28T09:15:00+01:00"),
    ("20161028T091500-05", "2016-10-28T09:15:00-05:00"),
    ("2016-10-28T09:15:00Z", "2016-10-28T09:15:00Z"),  # already extended: unchanged
])
def test_nitf_dates_become_extended_iso(raw, iso):
    assert xml_reader.nitf_date(raw) == iso
    assert parse_date_value(iso) is not None


def test_nitf_compact_date_only_and_namespaced_elements():
    data = b"""<?xml version="1.0"?>
<n:nitf xmlns:n="http://iptc.org/std/NITF/2006-10-18/">
  <n:head><n:docdata><n:date.issue n:norm="20161028"/></n:docdata></n:head>
  <n:body><n:body.head><n:hedline><n:hl1>Short item</n:hl1></n:hedline></n:body.head>
    <n:body.content><n:p>One paragraph.</n:p><n:p>Two <n:em>paragraphs</n:em>.</n:p></n:body.content></n:body>
</n:nitf>"""
    [doc] = read_file("a.xml", data)[0]
    assert doc.text == "Short item\n\nOne paragraph.\n\nTwo paragraphs."
    assert values(doc, "published") == ["2016-10-28"]


def test_nitf_without_body_is_no_text():
    data = b"<nitf><head/><body><body.head><hedline><hl1>Only a headline</hl1></hedline></body.head></body></nitf>"
    docs, [rej] = read_file("a.xml", data)
    assert docs == [] and rej.code == "no-text"


# ==========================================================================
# NewsML-G2
# ==========================================================================


def test_newsml_message_one_document_per_item():
    data = (FORMATS / "newsml-g2-afp.xml").read_bytes()
    docs, rejections = read_file("g2/newsml-g2-afp.xml", data)
    assert [d.record for d in docs] == ["item 0", "item 1"]
    assert [(r.code, r.record) for r in rejections] == [("no-text", "item 2")]  # a picture item
    first, second = docs
    assert all(d.format == "xml" and d.path == "g2/newsml-g2-afp.xml" for d in docs)
    assert first.sha256 != second.sha256 != hashlib.sha256(data).hexdigest()

    assert first.title == "Alpine village reopens its only bakery"
    assert first.text.split("\n\n") == [
        "Alpine village reopens its only bakery",
        "SAINT-VERAN, France, March 14 (AFP)",
        "A mountain village of two hundred people reopened its only bakery on Tuesday after a three-year "
        "closure, thanks to a crowdfunding campaign led by its schoolteacher.",
        "The new baker, who moved from the coast last autumn, said she starts the oven at four every morning "
        "and sells out of bread by ten.",
    ]
    assert meta(first) == [
        ("title", "Alpine village reopens its only bakery", "newsml:contentMeta/headline"),
        ("published", "2017-03-14T09:30:00Z", "newsml:itemMeta/firstCreated"),
        ("modified", "2017-03-14T10:45:00Z", "newsml:itemMeta/versionCreated"),
        ("publisher", "Agence France-Presse", "newsml:rightsInfo/copyrightHolder/name"),
        ("outlet", "AFP", "newsml:itemMeta/provider@literal"),
        ("author", "Lucie Moreau", "newsml:contentMeta/creator/name"),
    ]

    # NITF inside inlineXML; literal-only copyright holder and creator; provider QCode without its scheme
    assert second.text.split("\n\n") == [
        "River ferry resumes after winter floods",
        "The river ferry between the two market towns resumed service on Tuesday after floods kept it moored "
        "for eleven weeks.",
        "Operators said the landing stages had been rebuilt higher up the bank.",
    ]
    assert values(second, "published") == ["2017-03-14T11:50:00Z", "2017-03-14T11:40:00Z"]
    assert ("publisher", "AFP", "newsml:rightsInfo/copyrightHolder@literal") in meta(second)
    assert ("outlet", "REUTERS", "newsml:itemMeta/provider@qcode") in meta(second)
    assert ("author", "Desk Staff", "newsml:contentMeta/creator@literal") in meta(second)


def test_newsml_single_item_root():
    data = b"""<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x">
  <itemMeta><provider><name>Example Wire</name></provider><firstCreated>2018-01-02T03:04:05Z</firstCreated></itemMeta>
  <contentMeta><headline>Lone item</headline></contentMeta>
  <contentSet><inlineXML><html xmlns="http://www.w3.org/1999/xhtml"><body><p>Body one.</p></body></html></inlineXML></contentSet>
</newsItem>"""
    [doc] = read_file("one.xml", data)[0]
    assert doc.record is None
    assert doc.text == "Lone item\n\nBody one."
    assert ("outlet", "Example Wire", "newsml:itemMeta/provider/name") in meta(doc)


def test_newsml_message_without_items():
    data = b'<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header/><itemSet/></newsMessage>'
    assert [r.code for r in read_file("m.xml", data)[1]] == ["no-text"]


# ==========================================================================
# Other XML, broken XML, hostile XML
# ==========================================================================


def test_other_xml_root_is_unsupported_and_named():
    docs, [rej] = read_file("map.xml", b'<?xml version="1.0"?><kml><Document/></kml>')
    assert docs == [] and rej.code == "unsupported-format"
    assert "<kml>" in rej.reason


def test_malformed_xml_reports_line_and_column():
    docs, [rej] = read_file("bad.xml", b"<nitf>\n<body>\n<p>open\n</body></nitf>")
    assert docs == [] and rej.code == "invalid-xml"
    assert "line" in rej.reason and "column" in rej.reason


def test_empty_xml():
    assert [r.code for r in read_file("e.xml", b"  \n")[1]] == ["empty"]


def test_billion_laughs_is_refused_and_never_expanded():
    docs, [rej] = read_fixture("billion-laughs.xml")
    assert docs == [] and rej.code == "unsafe-xml"
    assert "entities" in rej.reason and "lollol" not in rej.reason


def _hostname() -> str | None:
    for name in ("/etc/hostname", "/etc/passwd"):
        try:
            text = Path(name).read_text().strip()
        except OSError:
            continue
        if text:
            return text.splitlines()[0]
    return None


def test_external_entity_is_refused_and_not_fetched():
    docs, [rej] = read_fixture("external-entity.xml")
    assert docs == [] and rej.code == "unsafe-xml"
    secret = _hostname()
    if secret:
        assert secret not in rej.reason


def _utf16(name: str) -> bytes:
    text = (FORMATS / name).read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return text.encode("utf-16")


@pytest.mark.parametrize("name", ["billion-laughs.xml", "external-entity.xml"])
def test_entity_declarations_are_caught_after_parsing_too(name):
    # UTF-16 hides "<!ENTITY" from the byte-level check; the parsed DOCTYPE still reveals it
    docs, [rej] = read_file(name, _utf16(name))
    assert docs == [] and rej.code == "unsafe-xml"


@pytest.mark.parametrize("name", ["billion-laughs.xml", "external-entity.xml"])
def test_the_parser_itself_never_expands_or_fetches(name):
    from lxml import etree

    try:
        root = etree.fromstring((FORMATS / name).read_bytes(), parser=xml_reader._parser())
    except etree.XMLSyntaxError as e:  # libxml2's amplification guard may refuse the file outright
        assert "amplification" in str(e)
        return
    text = "".join(t for t in root.itertext() if isinstance(t, str))
    assert "lollol" not in text
    secret = _hostname()
    if secret:
        assert secret not in text


def test_doctype_without_entities_is_read_and_dtd_not_loaded():
    # the NITF fixture names an external DTD by URL; it is neither fetched nor required
    docs, rejections = read_fixture("nitf-reuters.xml")
    assert len(docs) == 1 and rejections == []


def test_entity_mentioned_in_article_text_is_not_a_declaration():
    data = b"""<nitf><body><body.content><p>Write &lt;!DOCTYPE x [&lt;!ENTITY a "b"&gt;]&gt; to test parsers.</p>
<p><![CDATA[<!DOCTYPE y [<!ENTITY z "q">]>]]></p></body.content></body></nitf>"""
    [doc] = read_file("howto.xml", data)[0]
    assert "<!ENTITY a" in doc.text


# ==========================================================================
# WARC fixtures
# ==========================================================================

PAGE_A = b"""<html><head><title>Page A</title>
<link rel="canonical" href="https://www.news.example/2019/03/04/harbour-vote">
<meta property="article:published_time" content="2019-03-04T08:00:00Z">
<meta property="og:site_name" content="News Example">
</head><body><article><p>The harbour vote went ahead on Monday despite the storm.</p></article></body></html>"""
PAGE_B = "<html><head><title>Café B</title></head><body><p>Le café du port a rouvert.</p></body></html>".encode("cp1252")
PLAIN = b"A plain text page about the ferry timetable.\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
CAPTURED = "2021-06-01T12:30:00Z"


class Built:
    def __init__(self, data: bytes, offsets: dict[str, int], ids: dict[str, str]):
        self.data = data
        self.offsets = offsets  # label -> byte offset of its record
        self.ids = ids


def build_warc(gz: bool) -> Built:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    offsets: dict[str, int] = {}
    ids: dict[str, str] = {}

    def write(label: str, record) -> None:
        offsets[label] = buf.tell()
        ids[label] = record.rec_headers.get_header("WARC-Record-ID")
        writer.write_record(record)

    def response(uri: str, content_type: str, body: bytes, status: str = "200 OK"):
        http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        return writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                         warc_headers_dict={"WARC-Date": CAPTURED})

    write("warcinfo", writer.create_warcinfo_record("test.warc", {"software": "provenance tests"}))
    request = writer.create_warc_record(
        "https://www.news.example/a", "request", payload=io.BytesIO(b""),
        http_headers=StatusAndHeaders("GET /a HTTP/1.1", [("Host", "www.news.example")], is_http_request=True))
    write("request", request)
    first = response("https://www.news.example/a?utm=feed", "text/html; charset=utf-8", PAGE_A)
    write("a", first)
    write("b", response("http://cafe.example/b", "text/html; charset=windows-1252", PAGE_B))
    write("plain", response("http://cafe.example/timetable.txt", "text/plain", PLAIN))
    write("image", response("http://cafe.example/logo.png", "image/png", PNG))
    write("revisit", writer.create_revisit_record(
        "https://www.news.example/a?utm=feed", digest=first.rec_headers.get_header("WARC-Payload-Digest"),
        refers_to_uri="https://www.news.example/a?utm=feed", refers_to_date=CAPTURED))
    write("resource", writer.create_warc_record(
        "urn:example:notes", "resource", payload=io.BytesIO(b"Notes kept as a resource record."),
        warc_content_type="text/plain; charset=utf-8", warc_headers_dict={"WARC-Date": CAPTURED}))
    return Built(buf.getvalue(), offsets, ids)


def arc_record(url: str, content_type: str, content: bytes, date: str = "20190304081500") -> bytes:
    return f"{url} 192.0.2.1 {date} {content_type} {len(content)}\n".encode() + content + b"\n"


def build_arc(gz: bool) -> tuple[bytes, int]:
    """An ARC v1 file (warcio reads ARC but does not write it); returns the bytes and the page's offset."""
    desc = b"1 0 provenance-tests\nURL IP-address Archive-date Content-type Archive-length\n"
    http = (b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"
            b"<html><body><p>An archived story from the old web.</p></body></html>")
    parts = [arc_record("filedesc://old.arc", "text/plain", desc),
             arc_record("http://old.example/story.html", "text/html", http)]
    if gz:
        parts = [gzip.compress(p) for p in parts]
    return b"".join(parts), len(parts[0])


@pytest.fixture(params=[False, True], ids=["warc", "warc.gz"])
def archive(request, tmp_path: Path):
    gz = request.param
    built = build_warc(gz)
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(built.data)
    return path, built


# ==========================================================================
# WARC reading
# ==========================================================================


def test_archive_suffixes():
    assert archive_suffix("x.warc.gz") == ".warc.gz" and archive_suffix("X.ARC.GZ") == ".arc.gz"
    assert archive_suffix("x.warc") == ".warc" and archive_suffix("x.gz") is None
    assert format_for("a/b.warc.gz") == format_for("b.arc") == "warc"
    assert format_for("b.gz") is None
    assert ".warc.gz" in unsupported_reason("b.gz")
    assert format_for("story.xml") == "xml"


def test_warc_pages_become_documents(archive):
    path, built = archive
    docs, rejections, counts = read_archive("crawl/" + path.name, path, 1 << 20)
    assert rejections == []
    assert [d.record for d in docs] == [f"offset {built.offsets[k]}" for k in ("a", "b", "plain", "resource")]
    assert {d.path for d in docs} == {"crawl/" + path.name}
    a, b, plain, resource = docs

    # HTML through the HTML reader, its metadata kept, the archive's added
    assert a.format == "html" and a.text == "The harbour vote went ahead on Monday despite the storm."
    assert a.title == "Page A"
    assert a.url == "https://www.news.example/2019/03/04/harbour-vote"  # the page's canonical URL
    assert a.sha256 == hashlib.sha256(PAGE_A).hexdigest()
    assert ("published", "2019-03-04T08:00:00Z", 'html:meta[property="article:published_time"]') in meta(a)
    assert ("site_name", "News Example", 'html:meta[property="og:site_name"]') in meta(a)
    assert meta(a)[-3:] == [
        ("url", "https://www.news.example/a?utm=feed", "warc:WARC-Target-URI"),
        ("id", built.ids["a"], "warc:WARC-Record-ID"),
        ("captured", CAPTURED, "warc:WARC-Date"),
    ]

    # the HTTP charset decides for bytes that are not UTF-8; without a canonical link the target URI is the URL
    assert b.format == "html" and b.encoding == "cp1252"
    assert b.text == "Le café du port a rouvert." and b.title == "Café B"
    assert b.url == "http://cafe.example/b"

    assert plain.format == "text" and plain.text == PLAIN.decode().rstrip()
    assert plain.sha256 == hashlib.sha256(PLAIN).hexdigest()
    assert resource.text == "Notes kept as a resource record." and resource.url == "urn:example:notes"

    assert counts == {"records": 8, "documents": 4, "rejected": 0, "revisit": 1, "recapture": 0, "request": 1,
                      "metadata": 0, "warcinfo": 1, "other_type": 0, "non_text": 1, "http_error": 0,
                      "recaptured_item": 0}


def test_record_offsets_match_warcio(archive):
    path, built = archive
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        expected = []
        for record in it:
            if record.rec_type in ("response", "resource"):
                ctype = (record.http_headers or record.rec_headers).get_header("Content-Type")
                if not ctype.startswith("image/"):
                    expected.append(f"offset {it.get_record_offset()}")
    docs, _r, _c = read_archive(path.name, path, 1 << 20)
    assert [d.record for d in docs] == expected


def test_warc_date_is_capture_time_never_published(archive):
    path, _built = archive
    docs, _r, _c = read_archive(path.name, path, 1 << 20)
    for doc in docs:
        assert values(doc, "captured") == [CAPTURED]
        assert CAPTURED not in values(doc, "published")
        assert all(not m.source.startswith("warc:") for m in doc.metadata if m.key == "published")
    plain = docs[2]
    assert values(plain, "published") == []


def test_revisits_requests_and_images_are_not_documents(archive):
    path, built = archive
    docs, rejections, counts = read_archive(path.name, path, 1 << 20)
    not_docs = {f"offset {built.offsets[k]}" for k in ("warcinfo", "request", "image", "revisit")}
    assert not_docs.isdisjoint({d.record for d in docs} | {r.record for r in rejections})
    assert counts["revisit"] == 1 and counts["request"] == 1 and counts["non_text"] == 1


def test_error_status_pages_are_skipped(tmp_path: Path):
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    http = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("http://x.example/missing", "response",
                                                  payload=io.BytesIO(b"<p>Not found</p>"), http_headers=http))
    docs, [rej], counts = read_archive_stream("e.warc", io.BytesIO(buf.getvalue()), 1 << 20)
    assert docs == [] and counts["http_error"] == 1
    assert rej.code == "no-text" and rej.record is None  # the file is still accounted for


def test_truncated_gzip_keeps_earlier_records(tmp_path: Path):
    built = build_warc(gz=True)
    cut = built.offsets["plain"] + 40  # inside the text/plain record's gzip member
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(built.data[:cut])
    docs, rejections, counts = read_archive(path.name, path, 1 << 20)
    assert [d.record for d in docs] == [f"offset {built.offsets['a']}", f"offset {built.offsets['b']}"]
    [rej] = rejections
    assert rej.code == "corrupt-record" and rej.record == f"offset {built.offsets['plain']}"
    assert "truncated" in rej.reason
    assert counts["documents"] == 2 and counts["rejected"] == 1


def test_truncated_plain_warc_inside_a_payload(tmp_path: Path):
    built = build_warc(gz=False)
    cut = built.offsets["image"] - 20  # the text/plain record loses its end
    docs, [rej], _c = read_archive_stream("cut.warc", io.BytesIO(built.data[:cut]), 1 << 20)
    assert [d.record for d in docs] == [f"offset {built.offsets['a']}", f"offset {built.offsets['b']}"]
    assert rej.code == "corrupt-record" and rej.record == f"offset {built.offsets['plain']}"
    assert "truncated" in rej.reason and "missing" in rej.reason


@pytest.mark.parametrize("gz", [False, True])
def test_every_truncation_point_is_handled(gz):
    built = build_warc(gz)
    full = [d.record for d in read_archive_stream("f.warc", io.BytesIO(built.data), 1 << 20)[0]]
    step = 7 if gz else 23
    for cut in range(1, len(built.data), step):
        docs, rejections, counts = read_archive_stream("f.warc", io.BytesIO(built.data[:cut]), 1 << 20)
        records = [d.record for d in docs]
        assert records == full[: len(records)], cut  # what was read before the damage is kept as is
        assert docs or rejections, cut  # the file is always accounted for
        assert all(r.code in ("corrupt-record", "invalid-warc", "no-text") for r in rejections), (cut, rejections)


def test_corrupt_gzip_member_reports_its_offset():
    built = build_warc(gz=True)
    data = bytearray(built.data)
    start = built.offsets["plain"]
    data[start + 20:start + 60] = b"\x00" * 40
    docs, rejections, _c = read_archive_stream("bad.warc.gz", io.BytesIO(bytes(data)), 1 << 20)
    assert [d.record for d in docs] == [f"offset {built.offsets['a']}", f"offset {built.offsets['b']}"]
    assert [r.code for r in rejections] == ["corrupt-record"]
    assert rejections[0].record.startswith("offset ")


def test_not_an_archive_is_one_invalid_warc(tmp_path: Path):
    for name, data in (("notes.warc", b"Just some notes,\nnot an archive.\n"),
                       ("notes.warc.gz", gzip.compress(b"Just some notes,\nnot an archive.\n")),
                       ("page.arc", b"<html><body>hello</body></html>")):
        docs, [rej], _c = read_archive_stream(name, io.BytesIO(data), 1 << 20)
        assert docs == [] and rej.code == "invalid-warc" and rej.record is None, name


def test_empty_archive():
    docs, [rej], _c = read_archive_stream("e.warc", io.BytesIO(b""), 1 << 20)
    assert rej.code == "empty"


def test_record_over_the_size_limit_is_too_large(archive):
    path, built = archive
    limit = len(PAGE_B) + 1  # PAGE_A is longer, the others shorter
    docs, rejections, _c = read_archive(path.name, path, limit)
    assert [(r.code, r.record) for r in rejections] == [("too-large", f"offset {built.offsets['a']}")]
    assert f"offset {built.offsets['b']}" in {d.record for d in docs}


def test_archive_gzipped_as_a_whole_is_still_read():
    built = build_warc(gz=False)
    docs, rejections, _c = read_archive_stream("whole.warc.gz", io.BytesIO(gzip.compress(built.data)), 1 << 20)
    assert rejections == []
    assert [d.record for d in docs] == [f"offset {built.offsets[k]}" for k in ("a", "b", "plain", "resource")]


class _CountingReader(io.RawIOBase):
    """A file that records how much each read asked for."""

    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)
        self.largest = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, pos, whence=0):
        return self._data.seek(pos, whence)

    def tell(self):
        return self._data.tell()

    def read(self, size=-1):
        assert size is not None and size >= 0, "the whole file must never be read at once"
        self.largest = max(self.largest, size)
        return self._data.read(size)


def test_archives_are_streamed_not_loaded():
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    big = b"<html><body><p>" + b"word " * 400_000 + b"</p></body></html>"  # ~2 MB
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("http://x.example/big", "response",
                                                  payload=io.BytesIO(big), http_headers=http))
    writer.write_record(writer.create_warc_record("http://x.example/small", "response",
                                                  payload=io.BytesIO(PAGE_A), http_headers=http))
    stream = _CountingReader(buf.getvalue())
    docs, rejections, _c = read_archive_stream("big.warc.gz", stream, 64 * 1024)
    assert [r.code for r in rejections] == ["too-large"]
    assert [d.url for d in docs] == ["https://www.news.example/2019/03/04/harbour-vote"]
    assert stream.largest <= 1 << 20


@pytest.mark.parametrize("gz", [False, True])
def test_arc_files(tmp_path: Path, gz: bool):
    data, page_offset = build_arc(gz)
    path = tmp_path / ("old.arc.gz" if gz else "old.arc")
    path.write_bytes(data)
    docs, rejections, counts = read_archive(path.name, path, 1 << 20)
    assert rejections == []
    [doc] = docs
    assert doc.record == f"offset {page_offset}"
    assert doc.text == "An archived story from the old web."
    assert doc.url == "http://old.example/story.html"
    assert meta(doc) == [
        ("url", "http://old.example/story.html", "warc:WARC-Target-URI"),
        ("captured", "2019-03-04T08:15:00Z", "warc:WARC-Date"),  # no made-up record id
    ]
    assert counts["warcinfo"] == 1
    assert read_archive(path.name, path, 1 << 20) == (docs, rejections, counts)  # deterministic


def test_read_file_reads_archive_bytes():
    built = build_warc(gz=True)
    docs, rejections = read_file("x/crawl.warc.gz", built.data)
    assert rejections == [] and len(docs) == 4


# ==========================================================================
# Inventory and the audit
# ==========================================================================


@pytest.fixture()
def mixed_corpus(tmp_path: Path) -> tuple[Path, Built]:
    root = tmp_path / "corpus"
    (root / "wire").mkdir(parents=True)
    built = build_warc(gz=True)
    (root / "crawl.warc.gz").write_bytes(built.data)
    (root / "cut.warc.gz").write_bytes(built.data[: built.offsets["plain"] + 40])
    (root / "plain.warc").write_bytes(build_warc(gz=False).data)
    (root / "old.arc").write_bytes(build_arc(gz=False)[0])
    (root / "junk.warc").write_bytes(b"not an archive\n")
    (root / "nothing.warc").write_bytes(b"")
    for name in ("nitf-reuters.xml", "newsml-g2-afp.xml", "billion-laughs.xml", "external-entity.xml"):
        (root / "wire" / name).write_bytes((FORMATS / name).read_bytes())
    (root / "wire" / "feed.xml").write_bytes(b"<kml/>")
    (root / "note.txt").write_text("A plain note about the harbour.\n")
    return root, built


def test_inventory_accounts_for_every_file_once(mixed_corpus):
    root, built = mixed_corpus
    inv = build_inventory(root)
    paths = {d.path for d in inv.documents} | {r.path for r in inv.rejections}
    assert inv.files_seen == 12 == len(paths)
    whole = {r.path: r.code for r in inv.rejections if r.record is None}
    assert whole == {
        "junk.warc": "invalid-warc", "nothing.warc": "empty", "wire/billion-laughs.xml": "unsafe-xml",
        "wire/external-entity.xml": "unsafe-xml", "wire/feed.xml": "unsupported-format",
    }
    records = {(r.path, r.record): r.code for r in inv.rejections if r.record is not None}
    assert records == {
        ("cut.warc.gz", f"offset {built.offsets['plain']}"): "corrupt-record",
        ("wire/newsml-g2-afp.xml", "item 2"): "no-text",
    }
    labels = [d.label for d in inv.documents]
    assert labels[:4] == [f"crawl.warc.gz#offset {built.offsets[k]}" for k in ("a", "b", "plain", "resource")]
    assert labels[4:6] == [f"cut.warc.gz#offset {built.offsets[k]}" for k in ("a", "b")]
    assert f"old.arc#offset {build_arc(gz=False)[1]}" in labels
    assert {"wire/newsml-g2-afp.xml#item 0", "wire/newsml-g2-afp.xml#item 1", "wire/nitf-reuters.xml"} <= set(labels)
    # skipped records by kind only: the two whole archives' warcinfo, request, image and revisit,
    # the cut one's warcinfo and request, the ARC's file header; not counts of records or documents
    assert inv.skipped_records == (("non_text", 2), ("request", 3), ("revisit", 2), ("warcinfo", 4))
    assert build_inventory(root) == inv  # deterministic, ARC included


def test_inventory_record_size_limit(mixed_corpus):
    root, built = mixed_corpus
    limit = len(PAGE_B) + 1  # far smaller than every archive, larger than most of their pages
    inv = build_inventory(root, max_file_bytes=limit)
    paths = {d.path for d in inv.documents} | {r.path for r in inv.rejections}
    assert len(paths) == inv.files_seen
    too_large = {(r.path, r.record) for r in inv.rejections if r.code == "too-large"}
    assert ("crawl.warc.gz", f"offset {built.offsets['a']}") in too_large
    assert ("wire/nitf-reuters.xml", None) in too_large  # an ordinary file still has the file limit
    assert not any(p.endswith((".warc", ".warc.gz", ".arc")) for p, rec in too_large if rec is None)
    assert "plain.warc" in {d.path for d in inv.documents}


def test_audit_dates_come_from_the_page_not_the_capture(tmp_path: Path):
    from provenance.pipeline import audit

    root = tmp_path / "corpus"
    root.mkdir()
    (root / "crawl.warc").write_bytes(build_warc(gz=False).data)
    (root / "nitf.xml").write_bytes((FORMATS / "nitf-reuters.xml").read_bytes())
    result = audit(root)
    dates = {d.label: (a.date.iso if a.date else None) for d, a in zip(result.inventory.documents,
                                                                       result.attributions)}
    by_path = {label.split("#")[0]: [] for label in dates}
    for label, iso in dates.items():
        by_path[label.split("#")[0]].append(iso)
    assert dates["nitf.xml"] == "2016-10-28T09:15:00+00:00"
    warc_dates = by_path["crawl.warc"]
    assert warc_dates[0] == "2019-03-04T08:00:00+00:00"  # the page's own published_time
    assert not any(iso and iso.startswith("2021-06-01") for iso in warc_dates)  # never the capture time
