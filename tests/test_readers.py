"""Format readers: decoding, HTML main text and metadata, JSON records."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.readers import ReadFailure, read_file
from provenance.readers.text import decode_bytes


def meta(doc) -> list[tuple[str, str, str]]:
    return [(m.key, m.value, m.source) for m in doc.metadata]


def read_one(name: str, data: bytes):
    docs, rejections = read_file(name, data)
    assert rejections == [], rejections
    assert len(docs) == 1
    return docs[0]


def rejection(name: str, data: bytes):
    docs, rejections = read_file(name, data)
    assert docs == []
    assert len(rejections) == 1
    return rejections[0]


# --------------------------------------------------------------------------
# Text decoding
# --------------------------------------------------------------------------


def test_utf8_text_keeps_content_and_hash():
    data = "Fishing rights dispute\r\nresumes in Brussels — again.\r\n\r\n".encode("utf-8")
    doc = read_one("a/story.txt", data)
    assert doc.text == "Fishing rights dispute\nresumes in Brussels — again."
    assert doc.encoding == "utf-8"
    assert doc.format == "text"
    assert doc.path == "a/story.txt" and doc.record is None
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


def test_latin1_pound_sign():
    data = "The fine was \xa3500 for the café.\n".encode("latin-1")
    assert b"\xa3" in data
    text, encoding = decode_bytes(data)
    assert text == "The fine was £500 for the café.\n"
    # cp1252 agrees with Latin-1 on 0xA3 and is tried first, so it is what is recorded
    assert encoding == "cp1252"
    assert read_one("fine.txt", data).encoding == "cp1252"


def test_latin1_only_bytes_fall_back_to_latin1():
    data = b"Control \x81 byte undefined in cp1252, price \xa3 5"
    text, encoding = decode_bytes(data)
    assert encoding == "latin-1"
    assert "\xa3 5" in text and "\x81" in text


def test_cp1252_curly_quotes():
    data = "\u201cWe will appeal,\u201d she said \u2013 it\u2019s over.".encode("cp1252")
    text, encoding = decode_bytes(data)
    assert encoding == "cp1252"
    assert text == "\u201cWe will appeal,\u201d she said \u2013 it\u2019s over."


def test_boms_and_line_endings():
    assert decode_bytes(b"\xef\xbb\xbfHello\rWorld\r\n") == ("Hello\nWorld\n", "utf-8-sig")
    assert decode_bytes("Grüße\r\n".encode("utf-16")) == ("Grüße\n", "utf-16")
    assert decode_bytes("\ufeffBig endian".encode("utf-16-be")) == ("Big endian", "utf-16")


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty"),
        (b"  \n\t\r\n ", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b"PK\x03\x04\x00\x00 zip-like", "binary"),
        (b"text with one \x00 NUL", "binary"),
        (bytes(range(1, 9)) * 10 + b"some words", "binary"),
        ("\x00\x01\x02\x03".encode("utf-16"), "binary"),
    ],
)
def test_refused_bytes(data, code):
    with pytest.raises(ReadFailure) as info:
        decode_bytes(data)
    assert info.value.code == code
    assert info.value.reason
    assert rejection("x.txt", data).code == code


def test_a_few_control_characters_are_tolerated():
    data = b"Page one\x0cPage two with a bell\x07 in it and plenty of ordinary words."
    text, encoding = decode_bytes(data)
    assert encoding == "utf-8" and "\x07" in text


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_decode_bytes_only_raises_read_failure(data):
    try:
        text, encoding = decode_bytes(data)
    except ReadFailure as f:
        assert f.code in {"binary", "empty"}
    else:
        assert isinstance(text, str) and "\r" not in text
        assert encoding in {"utf-8", "utf-8-sig", "utf-8+cp1252", "utf-16", "cp1252", "latin-1"}


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200), st.sampled_from(["a.txt", "a.html", "a.json", "a.jsonl", "a.md"]))
def test_read_file_never_raises(data, name):
    docs, rejections = read_file(name, data)
    assert docs or rejections


def test_unknown_extension_and_hidden_files():
    assert rejection("data/table.csv", b"a,b\n1,2\n").code == "unsupported-format"
    hidden = rejection(".DS_Store", b"\x00\x00\x00\x01Bud1")
    assert hidden.code == "unsupported-format" and "hidden" in hidden.reason
    assert read_one("UPPER.TXT", b"Shouting extension").format == "text"


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Harbour plan approved | The Coastal Gazette</title>
<link rel="canonical" href="https://gazette.example/news/harbour-plan">
<meta property="og:title" content="Harbour plan approved">
<meta property="og:url" content="https://gazette.example/news/harbour-plan?amp">
<meta property="og:site_name" content="The Coastal Gazette">
<meta property="article:published_time" content="2016-10-20T09:15:00+01:00">
<meta name="author" content="Jo Writer">
<meta name="pubdate" content="20161020">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Gazette", "url": "https://gazette.example/"},
  {"@type": "BreadcrumbList"},
  {"@type": ["NewsArticle"], "headline": "Harbour plan approved (LD)",
   "datePublished": "2016-10-20T09:15:00+01:00", "dateModified": "2016-10-21",
   "publisher": {"@type": "Organization", "name": "The Coastal Gazette"},
   "author": [{"@type": "Person", "name": "Jo Writer"}, "Sam Second"],
   "isBasedOn": {"@type": "NewsArticle", "url": "https://wire.example/story/991"}}
]}
</script>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": broken</script>
<script type="application/ld+json">[{"@type": "Organization", "name": "Nope"},
 {"@type": "BlogPosting", "isBasedOn": "https://origin.example/post", "url": "https://gazette.example/b"}]</script>
<style>.x { color: red }</style>
</head>
<body class="page has-sidebar">
<div class="cookie-banner">We use cookies. Accept?</div>
<header class="site-header"><a href="/">The Coastal Gazette</a></header>
<nav class="main-nav"><ul><li>Home</li><li>Politics</li></ul></nav>
<div role="navigation">Skip links</div>
<main>
<article class="story">
  <h1 class="headline">Harbour plan approved</h1>
  <time datetime="2016-10-20T09:15">20 October 2016</time>
  <p>The council   approved the
     harbour plan on Thursday.</p>
  <p>Work will begin <b>next spring</b>, officials said.<br>Costs are estimated at &pound;2m.</p>
  <div class="social-share">Share on Twitter</div>
  <blockquote>It is a good day for the town.</blockquote>
  <ul><li>First point</li><li>Second point</li></ul>
  <script>document.write("tracking")</script>
  <noscript>Enable JavaScript</noscript>
  <section id="comments">Reader comment: great news</section>
</article>
<article class="teaser"><p>Short teaser</p></article>
<aside>Most read: something else entirely</aside>
<div class="related-stories"><p>Related: another story</p></div>
</main>
<footer class="site-footer">Copyright 2016</footer>
<form><button>Subscribe</button></form>
</body></html>
"""


def test_html_main_text_drops_boilerplate():
    doc = read_one("news/harbour.html", PAGE.encode("utf-8"))
    assert doc.format == "html" and doc.encoding == "utf-8"
    assert doc.text == (
        "Harbour plan approved\n\n"
        "20 October 2016\n\n"  # inline text between blocks is a paragraph of its own
        "The council approved the harbour plan on Thursday.\n\n"
        "Work will begin next spring, officials said.\nCosts are estimated at £2m.\n\n"
        "It is a good day for the town.\n\n"
        "First point\n\nSecond point"
    )
    for noise in ("cookies", "Politics", "Skip links", "Share on", "tracking", "JavaScript",
                  "Reader comment", "teaser", "Most read", "Related", "Copyright", "Subscribe", "color"):
        assert noise not in doc.text


def test_html_metadata_sources_in_document_order():
    doc = read_one("news/harbour.html", PAGE.encode("utf-8"))
    assert meta(doc) == [
        ("title", "Harbour plan approved | The Coastal Gazette", "html:title"),
        ("canonical_url", "https://gazette.example/news/harbour-plan", "html:link[rel=canonical]"),
        ("title", "Harbour plan approved", 'html:meta[property="og:title"]'),
        ("url", "https://gazette.example/news/harbour-plan?amp", 'html:meta[property="og:url"]'),
        ("site_name", "The Coastal Gazette", 'html:meta[property="og:site_name"]'),
        ("published", "2016-10-20T09:15:00+01:00", 'html:meta[property="article:published_time"]'),
        ("author", "Jo Writer", 'html:meta[name="author"]'),
        ("published", "20161020", 'html:meta[name="pubdate"]'),
        ("published", "2016-10-20T09:15:00+01:00", "jsonld[0].@graph[2].datePublished"),
        ("modified", "2016-10-21", "jsonld[0].@graph[2].dateModified"),
        ("title", "Harbour plan approved (LD)", "jsonld[0].@graph[2].headline"),
        ("publisher", "The Coastal Gazette", "jsonld[0].@graph[2].publisher.name"),
        ("author", "Jo Writer", "jsonld[0].@graph[2].author[0].name"),
        ("author", "Sam Second", "jsonld[0].@graph[2].author[1]"),
        ("is_based_on", "https://wire.example/story/991", "jsonld[0].@graph[2].isBasedOn.url"),
        ("url", "https://gazette.example/b", "jsonld[2][1].url"),
        ("is_based_on", "https://origin.example/post", "jsonld[2][1].isBasedOn"),
        ("published", "2016-10-20T09:15", "html:time[datetime]"),
    ]
    assert doc.title == "Harbour plan approved"  # og:title first
    assert doc.url == "https://gazette.example/news/harbour-plan"  # canonical first


def test_html_title_and_url_fallbacks_and_time_itemprop():
    page = """<html><head><title>  Plain   title </title>
    <script type="application/ld+json">{"@type": "Article", "headline": "LD headline",
      "url": "https://ld.example/a"}</script></head>
    <body><time datetime="2016-01-01">New year</time>
    <p>Body text here.</p><time itemprop="datePublished" datetime="2016-10-20">x</time></body></html>"""
    doc = read_one("p.htm", page.encode())
    assert doc.title == "LD headline"
    assert doc.url == "https://ld.example/a"
    assert [m for m in meta(doc) if m[0] == "published"] == [  # the stated date first
        ("published", "2016-10-20", "html:time[itemprop=datePublished]"),
        ("published", "2016-01-01", "html:time[datetime]"),
    ]
    bare = read_one("q.html", b"<html><head><title>Only  title</title></head><body><p>Text</p></body></html>")
    assert bare.title == "Only title" and bare.url is None


def test_html_largest_article_wins_and_class_matching_is_wordish():
    page = """<html><body>
    <article><p>Tiny.</p></article>
    <article><div class="headline">Real headline kept</div>
      <p>The long article body is here and it is clearly longer.</p>
      <div class="postFooter">footer junk</div><div class="menu">menu junk</div></article>
    </body></html>"""
    doc = read_one("p.html", page.encode())
    assert doc.text == "Real headline kept\n\nThe long article body is here and it is clearly longer."


def test_html_declared_charset_is_honoured():
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head>' \
           "<body><p>Привет, мир</p></body></html>"
    doc = read_one("ru.html", page.encode("koi8_r"))
    assert doc.encoding == "koi8-r" and doc.text == "Привет, мир"
    latin = '<html><head><meta charset="iso-8859-1"></head><body><p>Caf\xe9 \u201cquoted\u201d</p></body></html>'
    doc = read_one("l.html", latin.encode("cp1252"))
    assert doc.encoding == "cp1252" and doc.text == "Café \u201cquoted\u201d"
    bogus = '<html><head><meta charset="no-such-charset"></head><body><p>\xa3 5</p></body></html>'
    assert read_one("b.html", bogus.encode("latin-1")).text == "£ 5"


@pytest.mark.parametrize(
    "page, code",
    [
        (b"<html><body><nav>Home</nav><script>x()</script><footer>(c)</footer></body></html>", "no-text"),
        (b"<!-- nothing but a comment -->", "no-text"),
        (b"", "empty"),
        (b"<html>\x00\x00\x00</html>", "binary"),
    ],
)
def test_html_without_text_is_rejected(page, code):
    assert rejection("x.html", page).code == code


# --------------------------------------------------------------------------
# JSON / JSON Lines
# --------------------------------------------------------------------------


def test_jsonl_keeps_good_records_and_rejects_broken_lines():
    lines = [
        json.dumps({"id": 7, "text": "First story text.", "source": "Daily One", "date": "2016-10-20",
                    "url": "https://one.example/1", "headline": "First"}),
        "",
        '{"text": "broken line", ',
        json.dumps({"body": "Second story.", "publisher": {"name": "Two Times"}, "datePublished": "2016-10-21"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "no text here"}),
        json.dumps({"content": "Third story."}),
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    docs, rejections = read_file("feed/items.jsonl", data)
    assert [(d.record, d.text) for d in docs] == [
        ("line 1", "First story text."), ("line 4", "Second story."), ("line 7", "Third story."),
    ]
    assert all(d.format == "jsonl" and d.path == "feed/items.jsonl" for d in docs)
    assert meta(docs[0]) == [
        ("outlet", "Daily One", "json:source"),
        ("published", "2016-10-20", "json:date"),
        ("url", "https://one.example/1", "json:url"),
        ("title", "First", "json:headline"),
        ("id", "7", "json:id"),
    ]
    assert docs[0].title == "First" and docs[0].url == "https://one.example/1"
    assert meta(docs[1]) == [
        ("outlet", "Two Times", "json:publisher.name"),
        ("published", "2016-10-21", "json:datePublished"),
    ]
    assert docs[0].sha256 == hashlib.sha256(lines[0].encode()).hexdigest()
    assert len({d.sha256 for d in docs}) == 3
    assert [(r.record, r.code) for r in rejections] == [
        ("line 3", "invalid-json"), ("line 5", "invalid-json"), ("line 6", "no-text"),
    ]
    assert "column" in rejections[0].reason


def test_json_array_single_object_and_wrapper():
    array = json.dumps([{"text": "A"}, 5, {"full_text": "B", "media_name": "Wire"}]).encode()
    docs, rejections = read_file("arr.json", array)
    assert [(d.record, d.text, d.format) for d in docs] == [("item 0", "A", "json"), ("item 2", "B", "json")]
    assert [(r.record, r.code) for r in rejections] == [("item 1", "invalid-json")]
    assert docs[0].sha256 != docs[1].sha256

    single = json.dumps({"article": "Lone story.", "site_name": "Solo"}).encode()
    doc = read_one("one.json", single)
    assert doc.record is None and doc.sha256 == hashlib.sha256(single).hexdigest()
    assert meta(doc) == [("outlet", "Solo", "json:site_name")]

    wrapped = json.dumps({"articles": [{"text": "W1"}, {"text": "W2"}]}).encode()
    docs, _ = read_file("w.json", wrapped)
    assert [d.label for d in docs] == ["w.json#item 0", "w.json#item 1"]


def test_invalid_json_file_is_one_rejection_with_position():
    r = rejection("bad.json", b'{"text": "unterminated\n')
    assert r.code == "invalid-json" and r.record is None
    assert "line 1" in r.reason and "column" in r.reason
    assert rejection("num.json", b"42").code == "invalid-json"
    assert rejection("notext.json", b'{"title": "x"}').code == "no-text"
    assert rejection("empty.json", b"[]").code == "empty"


def test_unexpected_parser_errors_become_unreadable(monkeypatch):
    import provenance.readers.html as html_reader

    def boom(_root):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(html_reader, "_content", boom)
    r = rejection("x.html", b"<p>hello</p>")
    assert r.code == "unreadable" and "parser exploded" in r.reason


# --------------------------------------------------------------------------
# The JSON that article extractors write
# --------------------------------------------------------------------------

BODY = ("The county council said on Tuesday that the footbridge over the river would reopen next month "
        "after engineers replaced the corroded supports.")


def test_trafilatura_json_gives_the_sites_name_and_the_pages_address():
    doc = read_one("t.json", json.dumps({
        "title": "Bridge", "author": "Jane Doe", "hostname": "theguardian.com", "date": "2016-10-20",
        "source": "https://www.theguardian.com/uk/2016/oct/20/bridge", "source-hostname": "The Guardian",
        "text": BODY, "filedate": "2016-11-01", "id": None}).encode())
    assert doc.text == BODY and doc.url == "https://www.theguardian.com/uk/2016/oct/20/bridge"
    assert ("outlet", "The Guardian", "json:source-hostname") in meta(doc)
    assert ("published", "2016-10-20", "json:date") in meta(doc)
    assert not any(m[1] == "2016-11-01" for m in meta(doc))  # the file's date is no publication date


def test_news_please_json_is_read():
    doc = read_one("n.json", json.dumps({
        "title": "Bridge", "authors": ["Jane Doe"], "maintext": BODY, "date_publish": "2016-10-20 10:15:00",
        "date_download": "2016-11-01 09:00:00", "source_domain": "www.theguardian.com",
        "url": "https://www.theguardian.com/uk/2016/oct/20/bridge", "language": "en"}).encode())
    assert doc.text == BODY
    assert ("published", "2016-10-20 10:15:00", "json:date_publish") in meta(doc)
    assert ("outlet", "www.theguardian.com", "json:source_domain") in meta(doc)  # an address, named below


def test_a_source_field_holding_a_name_is_no_address():
    doc = read_one("s.json", json.dumps({"text": BODY, "source": "Valley Courier"}).encode())
    assert doc.url is None and ("outlet", "Valley Courier", "json:source") in meta(doc)
