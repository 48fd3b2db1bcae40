"""RSS and Atom feeds captured in web archives: a document per item, named by record and item.

A feed record is read with the feed reader (and the XML reader's protections), each item
named ``offset N item K``; the WARC-Target-URI and WARC-Date are kept as for a page, the
item's own link is its address. A feed captured again gives each item once, its earliest
capture. A payload that is not a feed it claims to be, or not safe to read, is a
rejection of its record.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from provenance.cli import app
from provenance.inventory import build_inventory
from provenance.readers import read_file
from provenance.readers.warc import read_archive_stream

warcio = pytest.importorskip("warcio")
from warcio.archiveiterator import ArchiveIterator  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

FEED_URL = "https://gazette.example/feed/"
CAPTURED = "2020-09-15T06:00:00Z"
BODY = ("The ferry company said on Monday that its winter timetable would add a late sailing on Fridays, "
        "after islanders asked for a way home from evening concerts on the mainland, and that fares would "
        "stay as they are until the spring.")
RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Island Gazette</title><link>https://gazette.example/</link>
<item><title>Late ferry added on Fridays</title><link>https://gazette.example/2020/09/14/ferry</link>
<pubDate>Mon, 14 Sep 2020 09:30:00 +0100</pubDate>
<content:encoded><![CDATA[<p>{BODY}</p>]]></content:encoded></item>
<item><title>Harbour wall repaired</title><description>Masons finished repairing the harbour wall on Sunday, \
a week ahead of the autumn storms.</description></item>
<item><title>A headline and nothing else</title></item>
</channel></rss>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Times</title>
<entry><title>Dredging approved</title><link rel="alternate" href="https://harbour.example/2020/09/10/dredge"/>
<published>2020-09-10T09:00:00Z</published><updated>2020-09-11T10:00:00Z</updated>
<content type="html">&lt;p&gt;The harbour board voted to dredge the channel before the winter.&lt;/p&gt;</content>
</entry></feed>
"""
RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://valley.example/"><title>Valley Courier</title></channel>
<item rdf:about="https://valley.example/weir"><title>Weir repaired</title><link>https://valley.example/weir</link>
<description>The weir below the mill was repaired over the weekend.</description></item>
</rdf:RDF>
"""
PAGE = b"<html><head><title>A page</title></head><body><p>A page captured beside the feeds.</p></body></html>"


def rss(*items: tuple[str, str]) -> bytes:
    """An RSS feed of (title, text) items, indented as a feed is, each item with its own link."""
    body = "".join(f"\n  <item><title>{t}</title><link>https://gazette.example/{t.lower().replace(' ', '-')}</link>"
                   f"<description>{d}</description></item>" for t, d in items)
    head = '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Island Gazette</title>'
    return f"{head}{body}\n</channel></rss>\n".encode()


def build(records: list[tuple], gz: bool = False) -> tuple[bytes, list[int], list[str]]:
    """A WARC of response records (uri, content type, payload[, WARC-Date]) after a warcinfo;
    returns its bytes, each response's offset and each response's WARC-Record-ID."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("feeds.warc", {"software": "provenance tests"}))
    offsets, ids = [], []
    for uri, content_type, body, *date in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                           warc_headers_dict={"WARC-Date": date[0] if date else CAPTURED})
        offsets.append(buf.tell())
        ids.append(record.rec_headers.get_header("WARC-Record-ID"))
        writer.write_record(record)
    return buf.getvalue(), offsets, ids


def read(data: bytes, limit: int = 1 << 20):
    return read_archive_stream("crawl.warc", io.BytesIO(data), limit)


def meta(doc) -> list[tuple[str, str, str]]:
    return [(m.key, m.value, m.source) for m in doc.metadata]


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_a_feed_record_gives_a_document_per_item(gz: bool):
    data, (page_at, feed_at), (_page_id, feed_id) = build([
        ("https://gazette.example/", "text/html; charset=utf-8", PAGE),
        (FEED_URL, "application/rss+xml; charset=utf-8", RSS.encode()),
    ], gz)
    assert [r.rec_type for r in ArchiveIterator(io.BytesIO(data))][1:] == ["response", "response"]
    docs, rejections, counts = read(data)
    assert [d.record for d in docs] == [f"offset {page_at}", f"offset {feed_at} item 0", f"offset {feed_at} item 1"]
    assert [(r.record, r.code) for r in rejections] == [(f"offset {feed_at} item 2", "no-text")]
    assert counts["documents"] == 2 and counts["rejected"] == 0 and counts["non_text"] == 0

    # the items are what the feed reader reads from the same feed saved as a file ...
    saved, _ = read_file("gazette.rss", RSS.encode())
    for doc, item in zip(docs[1:], saved):
        assert (doc.text, doc.title, doc.sha256, doc.format, doc.encoding) == \
               (item.text, item.title, item.sha256, "xml", "utf-8")
        # ... with the capture as for a page: where it was fetched from, its id, when (never published)
        assert meta(doc) == meta(item) + [("url", FEED_URL, "warc:WARC-Target-URI"),
                                          ("id", feed_id, "warc:WARC-Record-ID"),
                                          ("captured", CAPTURED, "warc:WARC-Date")]
    first, second = docs[1:]
    assert first.url == "https://gazette.example/2020/09/14/ferry"  # the item's own link
    assert second.url == FEED_URL  # an item with no link of its own: the address it was captured from
    assert ("published", "Mon, 14 Sep 2020 09:30:00 +0100", "rss:item/pubDate") in meta(first)
    assert not any(k == "published" for k, _v, _s in meta(second))  # the capture time is not a publication
    assert read(data) == (docs, rejections, counts)  # deterministic


def test_atom_rdf_and_xml_typed_feeds_are_read_and_other_xml_is_not():
    sitemap = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>' \
              b"<loc>https://gazette.example/a</loc></url></urlset>"
    foaf = b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" ' \
           b'xmlns:foaf="http://xmlns.com/foaf/0.1/"><foaf:Person><foaf:name>Ann</foaf:name></foaf:Person></rdf:RDF>'
    prolog = b'<?xml version="1.0"?>\n<!-- generated -->\n<!DOCTYPE rss>\n<?xml-stylesheet href="f.xsl"?>\n'
    data, offsets, _ids = build([
        ("https://harbour.example/atom", "application/atom+xml", ATOM.encode()),
        ("https://valley.example/rss", "application/rdf+xml", RDF.encode()),
        ("https://gazette.example/text-xml", "text/xml", rss(("Text xml", "A feed served as text/xml."))),
        ("https://gazette.example/app-xml", "application/xml; charset=utf-8",
         prolog + rss(("Prolog", "A feed after a comment, a doctype and a stylesheet.")).split(b"?>\n", 1)[1]),
        ("https://gazette.example/sitemap.xml", "application/xml", sitemap),
        ("https://ann.example/foaf.rdf", "application/rdf+xml", foaf),
    ])
    docs, rejections, counts = read(data)
    assert rejections == []
    assert [d.record for d in docs] == [f"offset {o} item 0" for o in offsets[:4]]
    assert [d.title for d in docs] == ["Dredging approved", "Weir repaired", "Text xml", "Prolog"]
    assert docs[0].url == "https://harbour.example/2020/09/10/dredge" and docs[1].url == "https://valley.example/weir"
    assert ("modified", "2020-09-11T10:00:00Z", "atom:entry/updated") in meta(docs[0])
    assert counts["non_text"] == 2 and counts["documents"] == 4  # the sitemap and the FOAF profile


BOMB = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<rss><channel><item><title>Bomb</title><description>&b;&b;&b;</description></item></channel></rss>')
XXE = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
       '<rss><channel><item><title>Leak</title><description>&x;</description></item></channel></rss>')


def test_feed_payloads_that_cannot_be_read_are_record_rejections():
    data, offsets, _ids = build([
        ("https://gazette.example/", "text/html", PAGE),
        ("https://a.example/feed", "application/rss+xml", b"<rss><channel><item><title>Cut"),
        ("https://b.example/feed", "text/xml", b'<?xml version="1.0"?>\n<rss version="2.0"><channel><item>'),
        ("https://c.example/feed", "application/rss+xml", BOMB.encode()),
        ("https://d.example/feed", "application/rss+xml", XXE.encode()),
        ("https://e.example/feed", "application/atom+xml", b'<feed xmlns="http://www.w3.org/2005/Atom"><title>X'
                                                           b"</title></feed>"),
        ("https://f.example/feed", "application/rss+xml", b"<html><body><p>Not found</p></body></html>"),
        ("https://g.example/feed", "application/rss+xml", b""),
        ("https://h.example/feed", "application/rss+xml",
         b"<rss><channel><item><title>Only a title</title></item><item><title>Another</title></item></channel></rss>"),
    ])
    docs, rejections, counts = read(data)
    assert [d.record for d in docs] == [f"offset {offsets[0]}"]
    got = [(r.record, r.code) for r in rejections]
    assert got == [
        (f"offset {offsets[1]}", "invalid-xml"),
        (f"offset {offsets[2]}", "invalid-xml"),  # typed text/xml, but its root says it is a feed
        (f"offset {offsets[3]}", "unsafe-xml"),
        (f"offset {offsets[4]}", "unsafe-xml"),
        (f"offset {offsets[5]}", "no-text"),
        (f"offset {offsets[6]}", "unsupported-format"),
        (f"offset {offsets[7]}", "empty"),
        (f"offset {offsets[8]} item 0", "no-text"),
        (f"offset {offsets[8]} item 1", "no-text"),
    ]
    reasons = {r.record: r.reason for r in rejections}
    assert "not well-formed XML" in reasons[f"offset {offsets[1]}"]
    assert "declares XML entities" in reasons[f"offset {offsets[3]}"]
    assert "no <entry>" in reasons[f"offset {offsets[5]}"]
    assert "typed application/rss+xml is not an RSS or Atom feed" in reasons[f"offset {offsets[6]}"] \
        and "<html>" in reasons[f"offset {offsets[6]}"]
    assert reasons[f"offset {offsets[7]}"] == "payload is empty"
    assert not any("aaaaaaaaaa" in d.text for d in docs)  # nothing was expanded
    assert counts["documents"] == 1 and counts["rejected"] == 8  # each record once, the last through its items


def test_a_feed_payload_with_no_encoding_of_its_own_is_read_in_the_http_charset():
    body = '<rss><channel><item><title>Café du port</title><description>Le café a rouvert.</description>' \
           '</item></channel></rss>'
    data, offsets, _ids = build([("https://cafe.example/rss", "application/rss+xml; charset=windows-1252",
                                  body.encode("cp1252"))])
    [doc], rejections, _counts = read(data)
    assert rejections == [] and doc.title == "Café du port" and doc.encoding == "cp1252"
    assert "Le café a rouvert." in doc.text


T0, T1, T2, T3, T4 = ("2020-09-01T00:00:00Z", "2020-09-02T00:00:00Z", "2020-09-03T00:00:00Z",
                      "2020-09-04T00:00:00Z", "2020-09-05T00:00:00Z")
A = ("Ferry timetable", "The ferry company will add a late sailing on Fridays this winter.")
B = ("Harbour wall", "Masons finished repairing the harbour wall on Sunday.")
C = ("School roof", "The school roof will be replaced during the half-term holiday.")


def test_a_feed_captured_again_gives_each_item_once_its_earliest_capture():
    data, at, _ids = build([
        (FEED_URL, "application/rss+xml", rss(A, B), T2),
        (FEED_URL, "application/rss+xml", rss(C, A, B), T3),  # a new item on top: A and B are the same items
        (FEED_URL, "application/rss+xml", rss(A), T1),  # an earlier capture further on: A is its
        (FEED_URL, "application/rss+xml", rss(C, A, B), T4),  # the second capture again, unchanged
        (FEED_URL, "application/rss+xml", rss(B), T0),  # the earliest: B is its, and nothing is left of the first
        ("https://mirror.example/feed", "application/rss+xml", rss(A), T4),  # another address: another document
    ])
    docs, rejections, counts = read(data)
    assert rejections == []
    assert [(d.record, d.title) for d in docs] == [
        (f"offset {at[1]} item 0", C[0]), (f"offset {at[2]} item 0", A[0]), (f"offset {at[4]} item 0", B[0]),
        (f"offset {at[5]} item 0", A[0])]
    captured = [next(m.value for m in d.metadata if m.key == "captured") for d in docs]
    assert captured == [T3, T1, T0, T4]
    # records: the first keeps nothing (a recapture), the fourth is the second again;
    # items: A and B of the second capture, then A and B of the first, displaced
    assert (counts["documents"], counts["recapture"], counts["recaptured_item"]) == (4, 2, 4)
    assert counts["records"] == 7 == sum(counts[k] for k in ("documents", "recapture", "warcinfo"))


def test_an_audit_traces_a_copy_to_the_archived_feed_item(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    data, at, _ids = build([(FEED_URL, "application/rss+xml", RSS.encode(), "2020-09-14T12:00:00Z"),
                            (FEED_URL, "application/rss+xml", RSS.replace("<channel>", "<channel><ttl>60</ttl>")
                             .encode(), "2020-09-15T12:00:00Z")])
    (corpus / "crawl.warc").write_bytes(data)
    (corpus / "blog.html").write_text(
        "<html><head><title>Ferry news</title>"
        '<meta property="article:published_time" content="2020-09-16T09:00:00Z"></head>'
        f"<body><article><h1>Ferry news</h1><p>{BODY}</p></article></body></html>", encoding="utf-8")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["audit", str(corpus), "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads((Path(__file__).resolve().parent.parent / "provenance" / "data" / "report.schema.json")
                        .read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(report)
    docs = {(d["path"], d["record"]): d for d in report["documents"]}
    assert set(docs) == {("blog.html", None), ("crawl.warc", f"offset {at[0]} item 0"),
                         ("crawl.warc", f"offset {at[0]} item 1")}  # the second capture's items are the first's
    item, blog = docs[("crawl.warc", f"offset {at[0]} item 0")], docs[("blog.html", None)]
    assert item["format"] == "xml" and item["captured"] == "2020-09-14T12:00:00+00:00"
    assert item["published"]["date"] == "2020-09-14T09:30:00+01:00"
    assert blog["derivation"] == "wholly_derived"
    assert {p["origin"]["document"] for p in blog["passages"]} == {item["id"]}
    [cluster] = report["clusters"]
    assert len(cluster["members"]) == 2  # the item once, and its copy
    assert report["run"]["inputs"]["skipped_records"] == {"recapture": 1, "recaptured_item": 2, "warcinfo": 1}
    assert [(r["record"], r["code"]) for r in report["rejections"]] == [
        (f"offset {at[0]} item 2", "no-text"), (f"offset {at[1]} item 2", "no-text")]


def test_the_inventory_sums_item_recaptures_over_archives(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("one.warc", "two.warc"):
        data, _at, _ids = build([(FEED_URL, "application/rss+xml", rss(A, B), T1),
                                 (FEED_URL, "application/rss+xml", rss(C, A, B), T2)])
        (corpus / name).write_bytes(data)
    inv = build_inventory(corpus)
    assert len(inv.documents) == 6 and inv.rejections == ()
    assert dict(inv.skipped_records) == {"recaptured_item": 4, "warcinfo": 2}


# --------------------------------------------------------------------------
# Any sequence of captures: each item once, its earliest capture; every record counted once
# --------------------------------------------------------------------------

ITEMS = (A, B, C, ("Bad item", ""))  # the last has no text: a rejection wherever it is
DATES = (T0, T1, T2, T3, T4, None)  # None: no WARC-Date, captured after every dated capture
captures = st.lists(st.tuples(st.sampled_from([FEED_URL, "https://mirror.example/feed"]),
                              st.lists(st.sampled_from(ITEMS), min_size=1, max_size=4),
                              st.sampled_from(DATES)), min_size=1, max_size=7)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(captures=captures)
def test_any_sequence_of_feed_captures(captures):
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    offsets = []
    for uri, items, date in captures:
        http = StatusAndHeaders("200 OK", [("Content-Type", "application/rss+xml")], protocol="HTTP/1.1")
        headers = {"WARC-Date": date} if date else {}
        record = writer.create_warc_record(uri, "response", payload=io.BytesIO(rss(*items)), http_headers=http,
                                           warc_headers_dict=headers)
        if not date:
            record.rec_headers.remove_header("WARC-Date")
        offsets.append(buf.tell())
        writer.write_record(record)
    docs, rejections, counts = read(buf.getvalue())
    record_kinds = ("documents", "rejected", "recapture", "non_text")
    assert counts["records"] == len(captures) == sum(counts[k] for k in record_kinds)
    assert counts["documents"] == len({d.record.split(" item ")[0] for d in docs})

    def order(date):  # as the reader orders captures: dated ones by date, then undated
        return (0, date) if date else (1, "")

    for uri in {u for u, _i, _d in captures}:
        for title, text in {i for _u, items, _d in captures for i in items if i[1]}:
            holding = [(order(d), n) for n, (u, items, d) in enumerate(captures) if u == uri
                       and (title, text) in items]
            kept = [d for d in docs if d.title == title and next(m.value for m in d.metadata if m.key == "url"
                                                                   and m.source.startswith("warc:")) == uri]
            if not holding:
                assert kept == []
                continue
            first = min(holding)[1]  # the earliest capture; of equal ones, the first in the file
            assert [d.record.split(" item ")[0] for d in kept] == [f"offset {offsets[first]}"]
    # items with no text are rejected in every capture read that holds them; a capture is not
    # read when a capture no later of the same address, holding a document, had the same payload
    bad, read_at = 0, {}
    for uri, items, date in captures:
        earlier = read_at.get((uri, tuple(items)))
        if earlier is not None and not order(date) < earlier:
            continue
        bad += items.count(ITEMS[3])
        if any(text for _title, text in items):
            read_at[(uri, tuple(items))] = order(date)
    items_rejected = [r for r in rejections if r.record is not None]
    assert len(items_rejected) == bad and all(r.code == "no-text" for r in rejections)
    assert len(rejections) - len(items_rejected) == (0 if docs else 1)  # no document: the file is rejected too
    assert [d.record for d in docs] == [d.record for d in read(buf.getvalue())[0]]  # deterministic


def test_a_compressed_record_larger_than_its_archive_is_read_from_bytes_in_memory():
    """`rules explain` reads an archive's bytes in memory: a record of a .warc.gz whose page
    is larger than the whole compressed file is read, not rejected as too large."""
    from provenance.readers import read_file

    paragraph = "<p>The council met again to discuss the bridge and its closed supports.</p>"
    page = f"<html><head><title>The bridge</title></head><body>{paragraph * 800}</body></html>".encode()
    data, offsets, _ids = build([("https://gazette.example/bridge", "text/html", page)], gz=True)
    assert len(data) < len(page) // 10
    docs, rejections = read_file("crawl.warc.gz", data)
    assert rejections == []
    assert [d.record for d in docs] == [f"offset {offsets[0]}"]
    assert docs[0].text.count("The council met again") == 800
