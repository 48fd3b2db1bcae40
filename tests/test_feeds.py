"""RSS and Atom feeds: one document per item, with its headline, address, dates and source."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from provenance.cli import app
from provenance.readers import read_file

BODY = ("The county council said on Tuesday that the footbridge over the river would reopen next month "
        "after engineers replaced the corroded supports and repainted the railings, a spokesman said.")
MORE = ("Engineers found the supports had rusted through in two places during an inspection in the summer, "
        "and the council closed the bridge to walkers and cyclists the same week.")

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{{channel}}</title>
<link>https://valleycourier.example/</link>
<atom:link href="https://valleycourier.example/feed" rel="self"/>
<item>
<title>Footbridge to reopen next month</title>
<atom:link href="https://valleycourier.example/feed/item" rel="self"/>
<link>https://valleycourier.example/2016/10/20/footbridge</link>
<pubDate>Thu, 20 Oct 2016 10:15:00 +0100</pubDate>
<dc:creator>Jane Doe</dc:creator>
<description>The council said the bridge would reopen.</description>
<content:encoded><![CDATA[<p>{BODY}</p><script>track("x")</script><iframe src="https://ads.example/"></iframe><p>{MORE}</p>]]></content:encoded>
</item>
<item>
<title>Ferry fares rise</title>
<guid isPermaLink="true">https://valleycourier.example/2016/10/21/ferry</guid>
<pubDate>Fri, 21 Oct 2016 08:00:00 GMT</pubDate>
<source url="http://feeds.reuters.com/reuters/UKdomesticNews">Reuters UK</source>
<description>&lt;p&gt;Ferry operators raised winter fares by a tenth, the company said.&lt;/p&gt;</description>
</item>
<item><title>A headline and nothing else</title><link>https://valleycourier.example/empty</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>World news | Harbour Times</title>
<entry>
<title type="html">Harbour &lt;b&gt;dredging&lt;/b&gt; approved</title>
<link rel="edit" href="https://harbour.example/api/1"/>
<link rel="alternate" href="https://harbour.example/2016/10/22/dredge"/>
<id>tag:harbour.example,2016:1</id>
<published>2016-10-22T09:00:00Z</published>
<updated>2016-10-23T11:00:00Z</updated>
<author><name>John Roe</name></author>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>The harbour board voted to dredge the channel.</p><p>Work starts in spring.</p></div></content>
</entry>
<entry>
<title>Lock keepers strike</title>
<link href="https://harbour.example/2016/10/23/strike"/>
<updated>2016-10-23T12:00:00Z</updated>
<source><id>tag:wire.example,2016</id><title>Wire</title><link rel="alternate" href="https://www.reuters.com/"/></source>
<summary type="text">Lock keepers walked out on Sunday.

They want a new rota.</summary>
</entry>
</feed>
"""

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://valleycourier.example/"><title>Valley Courier</title></channel>
<item rdf:about="https://valleycourier.example/2016/10/24/weir">
<title>Weir repaired</title>
<link>https://valleycourier.example/2016/10/24/weir</link>
<dc:date>2016-10-24</dc:date>
<description>The weir below the mill was repaired over the weekend.</description>
</item>
</rdf:RDF>
"""


def meta(doc) -> list[tuple[str, str, str]]:
    return [(m.key, m.value, m.source) for m in doc.metadata]


def test_rss_items_are_documents_with_their_metadata():
    docs, rejections = read_file("feeds/courier.rss", RSS.format(channel="Valley Courier").encode())
    assert [d.record for d in docs] == ["item 0", "item 1"] and all(d.format == "xml" for d in docs)
    first, second = docs
    # the full content, not the description; scripts and frames dropped; the headline first
    assert first.text == f"Footbridge to reopen next month\n\n{BODY}\n\n{MORE}"
    assert first.title == "Footbridge to reopen next month"
    assert first.url == "https://valleycourier.example/2016/10/20/footbridge"  # not the atom:link beside it
    assert meta(first) == [
        ("title", "Footbridge to reopen next month", "rss:item/title"),
        ("url", "https://valleycourier.example/2016/10/20/footbridge", "rss:item/link"),
        ("published", "Thu, 20 Oct 2016 10:15:00 +0100", "rss:item/pubDate"),
        ("author", "Jane Doe", "rss:item/dc:creator"),
        ("site_name", "Valley Courier", "rss:channel/title"),
    ]
    assert second.text == "Ferry fares rise\n\nFerry operators raised winter fares by a tenth, the company said."
    assert second.url == "https://valleycourier.example/2016/10/21/ferry"  # a permalink guid
    assert ("is_based_on", "http://feeds.reuters.com/reuters/UKdomesticNews", "rss:item/source@url") in meta(second)
    assert [(r.record, r.code) for r in rejections] == [("item 2", "no-text")]
    assert first.sha256 != second.sha256  # each item hashed on its own


def test_a_feed_title_naming_a_section_names_no_site():
    for channel in ("World news | The Guardian", "Reuters: Top News", "BBC News - World"):
        docs, _ = read_file("f.rss", RSS.format(channel=channel).encode())
        assert not any(m.key == "site_name" for d in docs for m in d.metadata), channel


def test_atom_entries_read_content_types_and_never_take_updated_as_published():
    docs, rejections = read_file("harbour.atom", ATOM.encode())
    assert rejections == []
    dredge, strike = docs
    assert dredge.title == "Harbour dredging approved"
    assert dredge.text == ("Harbour dredging approved\n\nThe harbour board voted to dredge the channel.\n\n"
                           "Work starts in spring.")
    assert dredge.url == "https://harbour.example/2016/10/22/dredge"  # the alternate link, not the edit link
    assert ("published", "2016-10-22T09:00:00Z", "atom:entry/published") in meta(dredge)
    assert ("modified", "2016-10-23T11:00:00Z", "atom:entry/updated") in meta(dredge)
    assert not any(m.key == "site_name" for m in dredge.metadata)  # "World news | Harbour Times"
    assert strike.text == "Lock keepers strike\n\nLock keepers walked out on Sunday.\n\nThey want a new rota."
    assert not any(m.key == "published" for m in strike.metadata)  # updated only: undated
    assert ("is_based_on", "https://www.reuters.com/", "atom:entry/source/link@href") in meta(strike)


def test_rss_1_rdf_items_are_read():
    (doc,), rejections = read_file("weir.xml", RDF.encode())
    assert rejections == [] and doc.record == "item 0"
    assert doc.text == "Weir repaired\n\nThe weir below the mill was repaired over the weekend."
    assert ("published", "2016-10-24", "rdf:item/dc:date") in meta(doc)
    assert ("site_name", "Valley Courier", "rdf:channel/title") in meta(doc)


def test_a_feed_without_text_is_a_rejected_file_and_entities_are_refused():
    empty = '<rss version="2.0"><channel><title>X</title><item><title>Only a title</title></item></channel></rss>'
    docs, rejections = read_file("empty.rss", empty.encode())
    assert docs == [] and [(r.record, r.code) for r in rejections] == [(None, "no-text"), ("item 0", "no-text")]
    for bare in (b'<rss version="2.0"><channel><title>X</title></channel></rss>', b'<rss version="2.0"/>'):
        docs, rejections = read_file("none.rss", bare)
        assert docs == [] and rejections[0].code == "no-text" and "no <item>" in rejections[0].reason
    bomb = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">]>'
            '<rss><channel><item><description>&a;</description></item></channel></rss>')
    docs, rejections = read_file("bomb.rss", bomb.encode())
    assert docs == [] and rejections[0].code == "unsafe-xml"


def test_an_audit_traces_a_blog_copy_to_the_feed_item_and_reads_the_items_source(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "courier.rss").write_text(RSS.format(channel="Valley Courier"), encoding="utf-8")
    (corpus / "blog.html").write_text(
        "<html><head><title>Bridge news</title>"
        '<meta property="article:published_time" content="2016-10-22T09:00:00Z"></head>'
        f"<body><article><h1>Bridge news</h1><p>{BODY}</p><p>{MORE}</p></article></body></html>", encoding="utf-8")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["audit", str(corpus), "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    docs = {(d["path"], d["record"]): d for d in report["documents"]}
    item, blog = docs[("courier.rss", "item 0")], docs[("blog.html", None)]
    assert item["outlet"]["name"] == "Valley Courier" and item["published"]["date"] == "2016-10-20T10:15:00+01:00"
    assert blog["derivation"] == "wholly_derived"
    assert {p["origin"]["document"] for p in blog["passages"]} == {item["id"]}
    ferry = docs[("courier.rss", "item 1")]
    pointers = [e for e in ferry["citations"] if e["rule"] == "meta.is-based-on"]
    assert [e["outlets"] for e in pointers] == [["Reuters"]]
    assert [(r["path"], r["record"], r["code"]) for r in report["rejections"]] == [("courier.rss", "item 2", "no-text")]
