"""Reader and inventory fixes: web-archive addresses and recaptures, JSON aliases and
numbers, XML encodings, sizes, text and NewsML-G2 items, wide encodings, hidden folders,
file names that need escapes, and the messages of a few rejections."""

from __future__ import annotations

import codecs
import io
import json
import os
import re
from pathlib import Path

import pytest

from provenance.inventory import build_inventory
from provenance.readers import read_file
from provenance.readers.warc import SKIPPED_KINDS, read_archive_stream

warcio = pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STORY = ("The ferry between Orlen and the salt marshes will run twice a day from next week, "
         "the harbour board said, after the new landing stage passed its inspection.")
OTHER = ("Volunteers counted four hundred nesting terns on the shingle spit this spring, "
         "the highest number since the reserve opened to visitors.")


def values(doc, key: str) -> list[tuple[str, str]]:
    return [(m.value, m.source) for m in doc.metadata if m.key == key]


# --------------------------------------------------------------------------
# Web archives
# --------------------------------------------------------------------------


def _warc(records: list[tuple[str, bytes, str | None]]) -> bytes:
    """A gzipped WARC of HTML responses: (target URI, payload, WARC-Date) each; a
    date of None leaves the record with no WARC-Date header at all."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for uri, body, date in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                           warc_headers_dict={"WARC-Date": date} if date is not None else {})
        if date is None:
            record.rec_headers.remove_header("WARC-Date")  # warcio dates a record it is not given a date for
        writer.write_record(record)
    return buf.getvalue()


def _records(data: bytes) -> list[tuple[str, str | None, str | None]]:
    """Each record of an archive as the reader names it: (``offset N``, WARC-Record-ID, WARC-Date)."""
    from warcio.archiveiterator import ArchiveIterator

    iterator = ArchiveIterator(io.BytesIO(data))
    return [(f"offset {iterator.get_record_offset()}", r.rec_headers.get_header("WARC-Record-ID"),
             r.rec_headers.get_header("WARC-Date")) for r in iterator]


def _page(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}</head><body><article><p>{body}</p></article></body></html>".encode()


def test_warc_copy_with_canonical_link_to_its_original_keeps_its_own_url():
    head = ('<meta property="og:url" content="https://copy.example/news/ferry">'
            '<link rel="canonical" href="https://wire.example/2021/03/01/ferry">')
    data = _warc([("https://copy.example/news/ferry", _page(STORY, head), "2021-03-20T00:00:00Z")])
    docs, rejections, _counts = read_archive_stream("crawl.warc.gz", io.BytesIO(data), 1 << 20)
    assert rejections == [] and [d.url for d in docs] == ["https://copy.example/news/ferry"]


def test_warc_relative_canonical_link_is_resolved_against_the_target_uri():
    head = '<link rel="canonical" href="/news/ferry">'
    data = _warc([("https://paper.example/news/ferry?ref=feed", _page(STORY, head), "2021-03-20T00:00:00Z")])
    docs, _rejections, _counts = read_archive_stream("crawl.warc.gz", io.BytesIO(data), 1 << 20)
    assert [d.url for d in docs] == ["https://paper.example/news/ferry"]


def test_warc_recapture_of_the_same_payload_is_skipped_not_a_copy():
    page = _page(STORY)
    data = _warc([
        ("https://paper.example/ferry", page, "2021-03-10T00:00:00Z"),
        ("https://paper.example/ferry", page, "2021-03-17T00:00:00Z"),  # the same page a week later
        ("https://paper.example/ferry", _page(STORY + " Updated."), "2021-03-18T00:00:00Z"),  # changed: a document
        ("https://other.example/ferry", page, "2021-03-18T00:00:00Z"),  # another address: a document
    ])
    docs, rejections, counts = read_archive_stream("crawl.warc.gz", io.BytesIO(data), 1 << 20)
    assert rejections == [] and len(docs) == 3 and counts["recapture"] == 1
    assert [d.url for d in docs] == ["https://paper.example/ferry"] * 2 + ["https://other.example/ferry"]


def _kept(doc) -> tuple[str, str | None, str | None]:
    """A document as _records names its record: its offset, id and capture time."""
    [(record_id, _)] = values(doc, "id")
    captured = values(doc, "captured")
    return doc.record, record_id, captured[0][0] if captured else None


def _accounted(counts: dict[str, int]) -> bool:
    """Every record read is a document, a rejection or one skipped kind, once."""
    return counts["records"] == sum(v for k, v in counts.items() if k != "records")


def test_warc_recapture_keeps_the_earliest_capture_not_the_first_record():
    # merged from two crawls: the later capture comes first in the file
    page = _page(STORY)
    data = _warc([
        ("https://paper.example/ferry", page, "2021-03-17T00:00:00Z"),
        ("https://other.example/terns", _page(OTHER), "2021-03-12T00:00:00Z"),
        ("https://paper.example/ferry", page, "2021-03-10T00:00:00Z"),  # the earliest capture of the ferry page
        ("https://paper.example/ferry", page, "2021-03-14T00:00:00Z"),
    ])
    records = _records(data)
    docs, rejections, counts = read_archive_stream("crawl.warc.gz", io.BytesIO(data), 1 << 20)
    assert rejections == [] and counts["documents"] == 2 and counts["recapture"] == 2 and _accounted(counts)
    # the document is wholly the record kept: its offset, id, address and capture time; the
    # documents stay in the order of their records in the file
    assert [_kept(d) for d in docs] == [records[1], records[2]]
    assert [d.url for d in docs] == ["https://other.example/terns", "https://paper.example/ferry"]
    assert values(docs[1], "captured") == [("2021-03-10T00:00:00Z", "warc:WARC-Date")]


def test_warc_recapture_compares_capture_times_not_their_spelling():
    # 23:30 on the 9th at UTC-05:00 is 04:30 on the 10th in UTC: after 02:00Z on the 10th
    page = _page(STORY)
    data = _warc([("https://paper.example/ferry", page, "2021-03-09T23:30:00-05:00"),
                  ("https://paper.example/ferry", page, "2021-03-10T02:00:00Z")])
    records = _records(data)
    docs, _rejections, counts = read_archive_stream("crawl.warc.gz", io.BytesIO(data), 1 << 20)
    assert [_kept(d) for d in docs] == [records[1]] and counts["recapture"] == 1


def test_warc_recaptures_with_the_same_date_keep_the_first_in_the_file():
    page = _page(STORY)
    data = _warc([
        ("https://paper.example/ferry", page, "2021-03-17T00:00:00Z"),
        ("https://paper.example/ferry", page, "2021-03-10T00:00:00Z"),
        ("https://paper.example/ferry", page, "2021-03-10T00:00:00Z"),  # as early as the one before it
        ("https://paper.example/ferry", page, "2021-03-10T00:00:00Z"),
    ])
    records = _records(data)
    docs, _rejections, counts = read_archive_stream("crawl.warc.gz", io.BytesIO(data), 1 << 20)
    assert [_kept(d) for d in docs] == [records[1]]
    assert counts["documents"] == 1 and counts["recapture"] == 3 and _accounted(counts)


@pytest.mark.parametrize("undated", [None, "not a date", "2021-13-45T00:00:00Z"])
def test_warc_recapture_with_no_date_does_not_displace_a_dated_one(undated):
    page = _page(STORY)
    data = _warc([("https://paper.example/ferry", page, "2021-03-17T00:00:00Z"),
                  ("https://paper.example/ferry", page, undated)])
    records = _records(data)
    docs, _rejections, counts = read_archive_stream("crawl.warc.gz", io.BytesIO(data), 1 << 20)
    assert [_kept(d) for d in docs] == [records[0]] and counts["recapture"] == 1 and _accounted(counts)
    # nor the earliest dated capture, wherever each comes in the file
    data = _warc([("https://paper.example/ferry", page, "2021-03-17T00:00:00Z"),
                  ("https://paper.example/ferry", page, undated),
                  ("https://paper.example/ferry", page, "2021-03-10T00:00:00Z"),
                  ("https://paper.example/ferry", page, undated)])
    records = _records(data)
    docs, _rejections, counts = read_archive_stream("crawl.warc.gz", io.BytesIO(data), 1 << 20)
    assert [_kept(d) for d in docs] == [records[2]]
    assert counts["documents"] == 1 and counts["recapture"] == 3 and _accounted(counts)


@pytest.mark.parametrize("undated", [None, "not a date"])
def test_warc_dated_recapture_displaces_an_undated_one(undated):
    # a page with no capture time is taken as captured after every dated capture of it
    page = _page(STORY)
    data = _warc([("https://paper.example/ferry", page, undated),
                  ("https://paper.example/ferry", page, undated),
                  ("https://paper.example/ferry", page, "2021-03-17T00:00:00Z")])
    records = _records(data)
    docs, _rejections, counts = read_archive_stream("crawl.warc.gz", io.BytesIO(data), 1 << 20)
    assert [_kept(d) for d in docs] == [records[2]]
    assert counts["documents"] == 1 and counts["recapture"] == 2 and _accounted(counts)


def test_warc_undated_recaptures_keep_the_first_in_the_file():
    page = _page(STORY)
    data = _warc([("https://paper.example/ferry", page, None), ("https://paper.example/ferry", page, "soon")])
    records = _records(data)
    docs, _rejections, counts = read_archive_stream("crawl.warc.gz", io.BytesIO(data), 1 << 20)
    assert [_kept(d) for d in docs] == [records[0]] and counts["recapture"] == 1


def test_warc_earliest_capture_is_kept_whatever_the_order_of_the_records():
    import itertools

    page = _page(STORY)
    captures = [("https://paper.example/ferry", page, date)
                for date in ("2021-03-17T00:00:00Z", "2021-03-10T00:00:00Z", None, "2021-03-14T00:00:00Z")]
    for order in itertools.permutations(captures):
        data = _warc(list(order) + [("https://other.example/terns", _page(OTHER), "2021-03-12T00:00:00Z")])
        docs, rejections, counts = read_archive_stream("crawl.warc.gz", io.BytesIO(data), 1 << 20)
        assert rejections == [] and counts["documents"] == 2 and counts["recapture"] == 3 and _accounted(counts)
        ferry = next(d for d in docs if d.url == "https://paper.example/ferry")
        assert values(ferry, "captured") == [("2021-03-10T00:00:00Z", "warc:WARC-Date")]
        assert ferry.record == _records(data)[order.index(captures[1])][0]


def test_warc_earlier_recapture_that_cannot_be_read_leaves_the_document_kept():
    # the same payload served under another content type can fail to read: as HTML this
    # one has no text, so that record is rejected and the page stays the later capture
    body = b"<html><body><script>var story = 'ferry';</script></body></html>"
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for date, media in (("2021-03-17T00:00:00Z", "text/plain"), ("2021-03-10T00:00:00Z", "text/html")):
        http = StatusAndHeaders("200 OK", [("Content-Type", f"{media}; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://paper.example/notes", "response",
                                                      payload=io.BytesIO(body), http_headers=http,
                                                      warc_headers_dict={"WARC-Date": date}))
    data = buf.getvalue()
    records = _records(data)
    docs, rejections, counts = read_archive_stream("crawl.warc.gz", io.BytesIO(data), 1 << 20)
    assert [r.record for r in rejections] == [records[1][0]]
    assert [_kept(d) for d in docs] == [records[0]]
    assert counts["documents"] == 1 and counts["rejected"] == 1 and counts["recapture"] == 0 and _accounted(counts)


def test_recapture_is_counted_in_the_inventory(tmp_path: Path):
    page = _page(STORY)
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "crawl.warc.gz").write_bytes(_warc([("https://paper.example/ferry", page, "2021-03-10T00:00:00Z"),
                                                  ("https://paper.example/ferry", page, "2021-03-17T00:00:00Z")]))
    inv = build_inventory(corpus)
    assert len(inv.documents) == 1 and dict(inv.skipped_records) == {"recapture": 1}


def test_record_size_limit_in_bytes_is_not_repeated():
    data = _warc([("https://paper.example/ferry", _page(STORY), "2021-03-10T00:00:00Z")])
    _docs, rejections, _counts = read_archive_stream("crawl.warc.gz", io.BytesIO(data), 100)
    [rejection] = [r for r in rejections if r.record is not None]
    assert rejection.code == "too-large" and rejection.reason.endswith("over the size limit of 100 bytes; not read")


# --------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------


def _json_docs(lines: list[dict]):
    data = "\n".join(json.dumps(x) for x in lines).encode()
    return read_file("feed.jsonl", data)


def test_json_unparseable_first_date_alias_does_not_hide_a_valid_one():
    docs, rejections = _json_docs([{"text": STORY, "date": "n/a", "published": "2021-03-01"}])
    assert rejections == [] and values(docs[0], "published") == [("2021-03-01", "json:published")]


def test_json_unparseable_only_date_is_still_given():
    docs, _ = _json_docs([{"text": STORY, "date": "n/a"}])
    assert values(docs[0], "published") == [("n/a", "json:date")]


def test_json_mongodb_extended_dates_are_read():
    docs, rejections = _json_docs([
        {"text": STORY, "date": {"$date": "2021-03-05T00:00:00Z"}},
        {"text": STORY, "date": {"$date": {"$numberLong": "1614902400000"}}},
    ])
    assert rejections == []
    assert [values(d, "published") for d in docs] == [[("2021-03-05T00:00:00Z", "json:date.$date")]] * 2


def test_json_huge_integer_does_not_reject_the_file():
    data = ('{"text": "' + STORY + '", "views": ' + "7" * 5000 + ', "date": "2021-03-06"}').encode()
    docs, rejections = read_file("story.json", data)
    assert rejections == [] and docs[0].text == STORY
    lines = ('{"text": "' + STORY + '", "id": ' + "9" * 5000 + "}\n").encode()
    docs, rejections = read_file("feed.jsonl", lines)
    assert rejections == [] and len(docs) == 1


def test_json_text_field_holding_a_number_says_so():
    _docs, rejections = _json_docs([{"text": 12345}, {"body": "  "}, {"title": "x"}])
    reasons = [r.reason for r in rejections if r.record]
    assert "'text' is a number, not text" in reasons[0]
    assert "'body' is empty" in reasons[1]
    assert reasons[2].startswith("record has no text field")


def test_json_object_with_text_and_an_articles_list_is_one_document():
    data = json.dumps({"text": "Index page", "articles": [{"text": STORY}, {"text": OTHER}]}).encode()
    docs, rejections = read_file("index.json", data)
    assert rejections == [] and [(d.text, d.record) for d in docs] == [("Index page", None)]


def test_json_container_with_an_empty_text_field_reads_its_list():
    for empty in ({"text": None}, {"content": ""}, {"Text": "   "}):
        data = json.dumps({**empty, "articles": [{"text": STORY}, {"text": OTHER}]}).encode()
        docs, rejections = read_file("index.json", data)
        assert rejections == [] and [d.record for d in docs] == ["item 0", "item 1"], empty


# --------------------------------------------------------------------------
# XML
# --------------------------------------------------------------------------


def _nitf(body: str, holder: str = "Orlen Agency", declaration: str = "") -> str:
    return (f'{declaration}<nitf><head><docdata><date.issue norm="20210301"/><doc.copyright holder="{holder}"/>'
            f"</docdata></head><body><body.content>{body}</body.content></body></nitf>")


def test_xml_declared_latin1_but_valid_utf8_is_read_as_utf8():
    text = _nitf(f"<p>{STORY} Café.</p>", holder="Brîndle Agency",
                 declaration='<?xml version="1.0" encoding="ISO-8859-1"?>')
    [doc], rejections = read_file("story.xml", text.encode("utf-8"))
    assert rejections == [] and doc.encoding == "utf-8"
    assert values(doc, "publisher") == [("Brîndle Agency", "nitf:docdata/doc.copyright@holder")]
    assert doc.text.endswith("Café.")


def test_xml_real_latin1_is_still_read_as_latin1():
    text = _nitf(f"<p>{STORY} Café.</p>", holder="Brîndle Agency",
                 declaration='<?xml version="1.0" encoding="ISO-8859-1"?>')
    [doc], _ = read_file("story.xml", text.encode("latin-1"))
    assert doc.encoding == "iso8859-1" and doc.text.endswith("Café.")


def test_xml_text_node_over_10_mb_is_read():
    big = (STORY + " ") * (11 * 1024 * 1024 // len(STORY))
    [doc], rejections = read_file("big.xml", _nitf(f"<p>{big}</p>").encode())
    assert rejections == [] and len(doc.text) > 10 * 1024 * 1024


def test_xml_huge_text_node_still_refuses_entities():
    big = "x" * (11 * 1024 * 1024)
    data = f'<!DOCTYPE nitf [<!ENTITY a "b">]>{_nitf(f"<p>{big}</p>")}'.encode("utf-16")
    docs, rejections = read_file("big.xml", data)
    assert docs == [] and [r.code for r in rejections] == ["unsafe-xml"]


def test_xml_text_keeps_words_apart_across_blocks_and_line_breaks():
    body = ("<p>first line of the poem<br/>second line of the poem</p>"
            f"<p>Ma<b>ra</b> Quill's <em>ferry</em> story. {STORY}</p>")
    head = ('<body.head><byline>By <person>Mara Quill</person><byline.title>Harbour Correspondent'
            '</byline.title></byline></body.head>')
    data = f"<nitf><body>{head}<body.content>{body}</body.content></body></nitf>".encode()
    [doc], _ = read_file("story.xml", data)
    blocks = doc.text.split("\n\n")
    assert blocks[0] == "By Mara Quill Harbour Correspondent"
    assert blocks[1] == "first line of the poem second line of the poem"
    assert blocks[2].startswith("Mara Quill's ferry story.")


_G2 = "http://iptc.org/std/nar/2006-10-01/"


def _news_item(guid: str, story: str, holder: str, provider: str, extra: str = "") -> str:
    return (f'<newsItem guid="{guid}"><rightsInfo><copyrightHolder literal="{holder}"/></rightsInfo>'
            f'<itemMeta>{provider}<firstCreated>2021-03-03T07:00:00Z</firstCreated></itemMeta>'
            f"<contentMeta><headline>Terns</headline>{extra}</contentMeta>"
            f'<contentSet><inlineXML><html xmlns="http://www.w3.org/1999/xhtml"><body><p>{story}</p></body></html>'
            "</inlineXML></contentSet></newsItem>")


def test_newsml_provider_code_spelling_the_holder_gives_way_to_its_name():
    item = _news_item("urn:a:1", OTHER, "Kestle Press", '<provider qcode="nprov:KESTLEPRESS"/>')
    [doc], _ = read_file("item.xml", f'<newsMessage xmlns="{_G2}"><itemSet>{item}</itemSet></newsMessage>'.encode())
    assert values(doc, "outlet") == []
    assert values(doc, "publisher") == [("Kestle Press", "newsml:rightsInfo/copyrightHolder@literal")]
    other = _news_item("urn:a:2", OTHER, "Kestle Press", '<provider qcode="nprov:ORLENWIRE"/>')
    [doc], _ = read_file("item.xml", other.encode())
    assert values(doc, "outlet") == [("ORLENWIRE", "newsml:itemMeta/provider@qcode")]  # another party: kept


def test_newsml_byline_and_creditline_are_in_the_text():
    extra = "<creditline>Kestle Press/Ada Frost</creditline><by>By Ada Frost</by><dateline>KESTLE, March 3</dateline>"
    item = _news_item("urn:a:1", OTHER, "Kestle Press", '<provider literal="Kestle Press"/>', extra)
    [doc], _ = read_file("item.xml", item.encode())
    assert doc.text.split("\n\n")[:4] == ["Terns", "By Ada Frost", "Kestle Press/Ada Frost", "KESTLE, March 3"]
    assert ("Kestle Press/Ada Frost", "newsml:contentMeta/creditline") in values(doc, "credit")


def test_newsml_package_items_are_accounted_and_numbered_with_the_others():
    package = ('<packageItem guid="urn:a:pkg"><itemMeta><provider literal="Kestle Press"/></itemMeta>'
               '<groupSet root="r"><group id="r"><itemRef residref="urn:a:1"/></group></groupSet></packageItem>')
    first = _news_item("urn:a:1", OTHER, "Kestle Press", '<provider literal="Kestle Press"/>')
    second = _news_item("urn:a:2", STORY, "Orlen Agency", '<provider literal="Orlen Agency"/>')
    data = f'<newsMessage xmlns="{_G2}"><itemSet>{first}{package}{second}</itemSet></newsMessage>'.encode()
    docs, rejections = read_file("msg.xml", data)
    assert [(d.record, d.text.split("\n\n")[-1]) for d in docs] == [("item 0", OTHER), ("item 2", STORY)]
    assert [(r.code, r.record) for r in rejections] == [("no-text", "item 1")]
    assert "packageItem" in rejections[0].reason


# --------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_utf32_text_with_a_byte_order_mark_is_read(codec):
    bom = codecs.BOM_UTF32_LE if codec.endswith("le") else codecs.BOM_UTF32_BE
    [doc], rejections = read_file("story.txt", bom + f"{STORY} Café.".encode(codec))
    assert rejections == [] and doc.text == f"{STORY} Café." and doc.encoding == "utf-32"


@pytest.mark.parametrize("data", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE])
def test_a_lone_wide_byte_order_mark_is_named(data):
    _docs, [rejection] = read_file("empty.txt", data)
    assert rejection.code == "empty" and rejection.reason == "file holds only a byte-order mark"


# --------------------------------------------------------------------------
# Inventory and sidecar
# --------------------------------------------------------------------------


def test_files_in_hidden_folders_are_rejected_and_accounted(tmp_path: Path):
    corpus = tmp_path / "c"
    (corpus / ".hiddendir").mkdir(parents=True)
    (corpus / "sub" / ".ipynb_checkpoints").mkdir(parents=True)
    (corpus / "story.txt").write_text(STORY)
    (corpus / ".hiddendir" / "inside.txt").write_text(STORY)
    (corpus / "sub" / ".ipynb_checkpoints" / "story-checkpoint.txt").write_text(STORY)
    inv = build_inventory(corpus)
    assert [d.path for d in inv.documents] == ["story.txt"]
    rejected = {r.path: r for r in inv.rejections}
    assert set(rejected) == {".hiddendir/inside.txt", "sub/.ipynb_checkpoints/story-checkpoint.txt"}
    assert all(r.code == "unsupported-format" for r in rejected.values())
    assert "hidden folder sub/.ipynb_checkpoints" in rejected["sub/.ipynb_checkpoints/story-checkpoint.txt"].reason
    assert inv.files_seen == 3


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes")
def test_undecodable_name_and_a_name_with_a_backslash_are_told_apart(tmp_path: Path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    try:
        with open(os.path.join(os.fsencode(corpus), b"caf\xe9.txt"), "wb") as fh:
            fh.write(STORY.encode())
    except OSError:
        pytest.skip("the file system refuses names that are not UTF-8")
    (corpus / "caf\\xe9.txt").write_text(OTHER)
    (corpus / "metadata.csv").write_text("path,outlet\ncaf\\xe9.txt,Bytes Outlet\ncaf\\\\xe9.txt,Backslash Outlet\n")
    inv = build_inventory(corpus)
    paths = {d.path: d.text for d in inv.documents}
    assert paths == {"caf\\xe9.txt": STORY, "caf\\\\xe9.txt": OTHER}
    rows = {r.path: r.outlet for r in inv.sidecar.rows}
    assert rows == {"caf\\xe9.txt": "Bytes Outlet", "caf\\\\xe9.txt": "Backslash Outlet"}
    assert inv.sidecar.issues == ()


def test_sidecar_backslash_is_still_a_windows_separator(tmp_path: Path):
    corpus = tmp_path / "c"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "a.txt").write_text(STORY)
    (corpus / "metadata.csv").write_text("path,outlet\nsub\\a.txt,Windows Outlet\n")
    inv = build_inventory(corpus)
    assert [(r.path, r.outlet) for r in inv.sidecar.rows] == [("sub/a.txt", "Windows Outlet")]


# --------------------------------------------------------------------------
# Documentation of the behaviour above
# --------------------------------------------------------------------------


def _report_format() -> str:
    return (ROOT / "docs" / "report-format.md").read_text(encoding="utf-8")


def test_docs_and_schema_name_every_skipped_record_kind():
    row = next(line for line in _report_format().splitlines() if line.startswith("| `run.inputs.skipped_records`"))
    assert all(f"`{kind}`" in row for kind in SKIPPED_KINDS)
    schema = json.loads((ROOT / "provenance" / "data" / "report.schema.json").read_text(encoding="utf-8"))
    described = schema["properties"]["run"]["properties"]["inputs"]["properties"]["skipped_records"]["description"]
    assert "recapture" in described


def test_docs_describe_hidden_folders_name_escapes_and_json_containers():
    doc = _report_format()
    assert "lies in a hidden folder" in doc
    assert "even when it also holds a list under\n`articles`" in doc
    assert "a backslash in a name `\\\\`" in doc and "exactly as the report writes it" in doc


def test_docs_say_where_offsets_of_a_whole_gzip_archive_point():
    assert re.search(r"gzipped as a whole rather than record by record, its\s+offset in the decompressed data",
                     _report_format())
