"""HTML reader: dates outside the article, URL publishers, JSON-LD graphs, forms, noisy
wrappers, several articles, headers and footers inside an article, late charsets."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from provenance.cli import app
from provenance.readers import read_file
from provenance.readers.html import decode_html

# Invented text.
STORY = (
    "<p>The river authority of Olsby said on Monday that the old swing bridge would stay shut "
    "for nine weeks while divers replace the rusted pivot bearings under the central pier.</p>"
    "<p>Inspectors found deep pitting on four of the six bearings and warned that a heavy barge "
    "striking the pier could jam the span half open for the rest of the season.</p>"
    "<p>Cyclists will be sent over the railway footbridge upstream, and a small ferry will carry "
    "market traders across from the tannery steps every twenty minutes on weekdays.</p>"
    "<p>The council leader, Petra Lunde, told a crowded meeting in the corn exchange that the work "
    "would cost four million crowns and come from the harbour reserve rather than the rates.</p>"
)
OTHER = (
    "<p>Beekeepers on the Marrow Downs report that a cold wet spring has cut the first honey crop "
    "by half, and several keepers have begun feeding sugar syrup to weak colonies in June.</p>"
    "<p>The county beekeeping society said the heather flow in August would decide whether many "
    "hives survive the winter, and asked walkers to keep dogs away from the apiary fences.</p>"
)


def meta(doc) -> list[tuple[str, str, str]]:
    return [(m.key, m.value, m.source) for m in doc.metadata]


def read_one(page: str | bytes, name: str = "p.html"):
    data = page.encode("utf-8") if isinstance(page, str) else page
    docs, rejections = read_file(name, data)
    assert rejections == [], rejections
    [doc] = docs
    return doc


def published(doc) -> list[tuple[str, str]]:
    return [(m.value, m.source) for m in doc.metadata if m.key == "published"]


def audit(corpus: Path, out: Path) -> dict:
    result = CliRunner().invoke(app, ["audit", str(corpus), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


# -- 1. a <time> in boilerplate or outside the article is not the page's date ----------------


def test_time_in_aside_before_the_article_is_not_the_date():
    page = ('<html><body><aside class="related"><a href="/old">Flood of the decade</a> '
            '<time datetime="2015-11-02">2 Nov 2015</time></aside>'
            f'<article><h1>Bridge shut</h1><time datetime="2021-03-06">6 March</time>{STORY}</article>'
            "</body></html>")
    assert published(read_one(page)) == [("2021-03-06", "html:time[datetime]")]


def test_time_in_a_plain_column_outside_the_article_is_not_the_date():
    page = ('<html><body><div class="col-left"><h3>Latest</h3><ul><li><a href="/x">Old story</a> '
            '<time datetime="2011-02-03">3 Feb 2011</time></li></ul></div>'
            f'<article><h1>Bridge shut</h1><time datetime="2021-03-05T10:00:00+00:00">5 March</time>'
            f"{STORY}</article></body></html>")
    assert published(read_one(page)) == [("2021-03-05T10:00:00+00:00", "html:time[datetime]")]


def test_itemprop_date_published_comes_before_plain_times_and_nav_times_do_not_count():
    page = ('<html><body><nav>Today is <time datetime="2024-06-01">1 June</time></nav>'
            '<article><p>Updated <time datetime="2021-03-09">9 March</time></p>'
            f'<time itemprop="datePublished" datetime="2021-03-05">5 March</time>{STORY}</article>'
            '<aside><time itemprop="datePublished" datetime="2019-01-01">2019</time></aside>'
            "</body></html>")
    # the "Updated" time dates a revision: not publication evidence
    assert published(read_one(page)) == [("2021-03-05", "html:time[itemprop=datePublished]")]


def test_microdata_date_of_a_related_card_is_not_read():
    page = (f"<html><body><article>{STORY}</article>"
            '<div class="related-stories"><div itemscope><meta itemprop="datePublished" '
            'content="2012-05-05"><p>Another story</p></div></div></body></html>')
    assert published(read_one(page)) == []


def test_copy_with_an_old_date_in_its_sidebar_is_not_the_origin(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "wire.html").write_text(
        '<html><head><meta property="og:site_name" content="Olsby Wire"></head><body>'
        f'<article><time datetime="2021-03-04">4 March</time>{STORY}</article></body></html>')
    (corpus / "copy.html").write_text(
        '<html><head><meta property="og:site_name" content="Copycat Daily"></head><body>'
        '<aside class="related"><time datetime="2015-11-02">2 Nov 2015</time></aside>'
        f'<article><time datetime="2021-03-06">6 March</time>{STORY}</article></body></html>')
    report = audit(corpus, tmp_path / "r.json")
    [cluster] = report["clusters"]
    assert cluster["origin"]["outlet"] == "Olsby Wire"
    dates = {d["path"]: d["published"]["date"] for d in report["documents"]}
    assert dates == {"copy.html": "2021-03-06", "wire.html": "2021-03-04"}


# -- 4. a URL in article:publisher is not an outlet name --------------------------------------


def test_url_valued_publisher_is_not_an_outlet_name():
    page = ('<html><head><meta property="og:site_name" content="Olsby Courier">'
            '<meta property="article:publisher" content="https://www.facebook.com/olsbycourier">'
            '<meta name="dc.publisher" content="facebook.com/olsbycourier">'
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"publisher": "https://olsby-courier.example/"}</script>'
            f"</head><body><article>{STORY}</article></body></html>")
    doc = read_one(page)
    assert [m for m in meta(doc) if m[0] in ("publisher", "site_name")] == [
        ("site_name", "Olsby Courier", 'html:meta[property="og:site_name"]'),
    ]
    named = read_one(page.replace("https://www.facebook.com/olsbycourier", "Olsby Courier Ltd"))
    assert ("publisher", "Olsby Courier Ltd", 'html:meta[property="article:publisher"]') in meta(named)


def test_audit_names_the_site_not_the_facebook_page(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.html").write_text(
        '<html><head><meta property="og:site_name" content="Olsby Courier">'
        '<meta property="article:publisher" content="https://www.facebook.com/olsbycourier">'
        f"</head><body><article>{STORY}</article></body></html>")
    report = audit(corpus, tmp_path / "r.json")
    [doc] = report["documents"]
    assert doc["outlet"]["name"] == "Olsby Courier"
    assert not doc["conflicts"]


# -- 6. JSON-LD: article nodes before WebPage nodes; @id references resolved ------------------


GRAPH = {
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "Organization", "@id": "https://courier.example/#org", "name": "Olsby Courier"},
        {"@type": "WebPage", "@id": "https://courier.example/bridge/#page", "url": "https://courier.example/bridge/",
         "datePublished": "2020-01-01T00:00:00+00:00"},
        {"@type": "NewsArticle", "headline": "Bridge shut", "datePublished": "2022-04-09T08:30:00+01:00",
         "publisher": {"@id": "https://courier.example/#org"},
         "author": [{"@id": "https://courier.example/#writer"}],
         "mainEntityOfPage": {"@id": "https://courier.example/bridge/#page"}},
        {"@type": "Person", "@id": "https://courier.example/#writer", "name": "Ivo Brandt"},
    ],
}


def test_jsonld_article_date_beats_webpage_date_and_publisher_reference_is_resolved():
    page = (f'<html><head><script type="application/ld+json">{json.dumps(GRAPH)}</script></head>'
            f"<body><article>{STORY}</article></body></html>")
    fields = meta(read_one(page))
    assert fields == [
        ("published", "2022-04-09T08:30:00+01:00", "jsonld[0].@graph[2].datePublished"),
        ("title", "Bridge shut", "jsonld[0].@graph[2].headline"),
        ("publisher", "Olsby Courier", "jsonld[0].@graph[0].name"),
        ("author", "Ivo Brandt", "jsonld[0].@graph[3].name"),
        ("published", "2020-01-01T00:00:00+00:00", "jsonld[0].@graph[1].datePublished"),
        ("url", "https://courier.example/bridge/", "jsonld[0].@graph[1].url"),
    ]


def test_jsonld_reference_is_resolved_only_within_its_own_document():
    other = {"@type": "Organization", "@id": "#org", "name": "Wrong Place"}
    article = {"@type": "NewsArticle", "publisher": {"@id": "#org"}}
    page = (f'<html><head><script type="application/ld+json">{json.dumps(other)}</script>'
            f'<script type="application/ld+json">{json.dumps(article)}</script></head>'
            f"<body><article>{STORY}</article></body></html>")
    assert [m for m in meta(read_one(page)) if m[0] == "publisher"] == []


# -- 7. a page inside a <form> -----------------------------------------------------------------


def test_aspnet_page_inside_a_form_keeps_its_text():
    page = ('<html><body><form id="aspnetForm" method="post"><input type="hidden" name="__VIEWSTATE" '
            f'value="x"/><div id="content"><h1>Bridge shut</h1>{STORY}</div>'
            '<div class="box"><form><button>Search</button><p>Search the site</p></form></div>'
            "</form></body></html>")
    doc = read_one(page)
    assert doc.text.startswith("Bridge shut\n\nThe river authority of Olsby")
    assert "Search the site" not in doc.text
    with_article = f'<html><body><form id="form1"><article>{STORY}</article></form></body></html>'
    assert read_one(with_article).text.startswith("The river authority of Olsby")


def test_a_small_form_is_still_dropped():
    page = (f'<html><body><article>{STORY}<form><p>Sign up for our newsletter today</p>'
            '<input name="email"></form></article></body></html>')
    assert "newsletter" not in read_one(page).text


# -- 8. a wrapper with a noisy class name that holds the story ---------------------------------


def test_wrapper_with_a_noisy_class_holding_the_story_is_kept():
    page = ('<html><body><h1>Bridge shut</h1><div class="story-body comments-enabled">'
            f'{STORY}<div class="comments"><p>Reader: about time.</p></div></div></body></html>')
    text = read_one(page).text
    assert text.startswith("Bridge shut\n\nThe river authority of Olsby")
    assert "rather than the rates." in text
    assert "about time" not in text  # the comments inside it are still dropped


# -- 9. several <article> elements -------------------------------------------------------------


def test_every_article_of_a_compilation_page_is_kept_in_order_but_not_teasers():
    page = (f"<html><body><article><h2>Bridge</h2>{STORY}</article>"
            '<article class="card"><a href="/more">Read more about hives</a></article>'
            f"<article><h2>Honey</h2>{OTHER}<article><p>Comment: lovely.</p></article></article>"
            "</body></html>")
    text = read_one(page).text
    assert text.startswith("Bridge\n\nThe river authority of Olsby")
    assert "rather than the rates.\n\nHoney\n\nBeekeepers on the Marrow Downs" in text
    assert text.endswith("Comment: lovely.")  # a nested article stays part of its parent
    assert "Read more" not in text


# -- 10. header and footer inside an article ---------------------------------------------------


def test_header_and_footer_inside_the_article_are_kept_page_ones_dropped():
    page = ('<html><body><header><a href="/">Olsby Courier home</a></header>'
            '<article><header class="entry-header"><h1>Bridge shut</h1><p>By Ivo Brandt, Olsby Courier</p>'
            f"</header>{STORY}<footer><p>Source: Olsby Wire</p></footer></article>"
            "<footer><p>Copyright Olsby Courier</p></footer></body></html>")
    text = read_one(page).text
    assert text.startswith("Bridge shut\n\nBy Ivo Brandt, Olsby Courier\n\nThe river authority")
    assert text.endswith("Source: Olsby Wire")
    assert "home" not in text and "Copyright" not in text


def test_credit_line_in_an_article_footer_counts_as_a_credit(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "wire.html").write_text(f"<html><body><article>{STORY}</article></body></html>")
    (corpus / "copy.html").write_text(
        f"<html><body><article>{STORY}<footer><p>Source: Olsby Wire</p></footer></article></body></html>")
    (corpus / "metadata.csv").write_text("path,outlet,date\nwire.html,Olsby Wire,2021-03-04\n"
                                         "copy.html,Olsby Courier,2021-03-05\n")
    report = audit(corpus, tmp_path / "r.json")
    [cluster] = report["clusters"]
    [copy] = [c for c in cluster["chain"] if c["path"] == "copy.html"]
    assert copy["credited"] == "credited", copy


# -- 11. charset in an XML declaration, or in a <meta> after the first kilobytes ---------------


def test_xhtml_charset_from_the_xml_declaration():
    greek = "Οι εθελοντές βρήκαν μια ορειχάλκινη βάση τηλεσκοπίου."
    page = ('<?xml version="1.0" encoding="ISO-8859-7"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
            f"<head><title>Αστεροσκοπείο</title></head><body><p>{greek}</p></body></html>").encode("iso-8859-7")
    text, encoding = decode_html(page)
    assert encoding == "iso8859-7" and greek in text
    doc = read_one(page)
    assert doc.title == "Αστεροσκοπείο" and doc.text == greek


def test_meta_charset_after_a_long_style_block():
    cyrillic = "Добровольцы нашли латунное крепление телескопа за фальшивой стеной."
    page = ("<html><head><style>" + "/* padding */ " * 600 + "</style><meta charset='windows-1251'>"
            f"<title>Обсерватория</title></head><body><p>{cyrillic}</p></body></html>").encode("cp1251")
    assert page.index(b"<meta") > 8000
    doc = read_one(page)
    assert doc.encoding == "cp1251" and doc.text == cyrillic and doc.title == "Обсерватория"


def test_charset_preferences_are_kept():
    # valid UTF-8 is read as UTF-8 whatever the declarations say
    page = ('<?xml version="1.0" encoding="ISO-8859-7"?><html><head><meta charset="koi8-r"></head>'
            "<body><p>Café</p></body></html>").encode("utf-8")
    assert decode_html(page) == (page.decode("utf-8"), "utf-8")
    # a <meta> charset outranks the XML declaration, as in an HTML parser
    page = ('<?xml version="1.0" encoding="ISO-8859-7"?><html><head><meta charset="koi8-r"></head>'
            "<body><p>Привет</p></body></html>").encode("koi8-r")
    assert decode_html(page)[1] == "koi8-r"
    # a charset inside the body is not read
    page = ("<html><head></head><body><p>" + "x " * 3000 + "</p><meta charset='koi8-r'><p>Caf\xe9</p>"
            "</body></html>").encode("cp1252")
    assert decode_html(page)[1] == "cp1252"


# -- 12. a date in the page-level header of the story ------------------------------------------


def test_date_published_in_a_page_level_header_is_read():
    page = ('<html><body><header><h1>Bridge shut</h1><time itemprop="datePublished" '
            f'datetime="2021-04-02">2 April</time></header><div>{STORY}</div></body></html>')
    doc = read_one(page)
    assert published(doc) == [("2021-04-02", "html:time[itemprop=datePublished]")]
    assert doc.text.startswith("The river authority of Olsby")  # the header is still no text


def test_plain_time_in_a_post_header_before_the_content_is_read():
    page = ('<html><body><header class="site-header"><a href="/">Olsby Courier</a>'
            '<nav><a href="/news">News</a></nav><time datetime="2024-06-01">Today</time></header>'
            '<div class="wrap"><header class="post-header"><h1>Bridge shut</h1>'
            '<div class="share-tools"><time datetime="2019-09-09">x</time></div>'
            '<time datetime="2021-04-03">3 April</time></header>'
            f'<div class="post-body">{STORY}</div></div>'
            '<div class="col"><header><h3>Latest</h3><time datetime="2011-02-03">3 Feb 2011</time>'
            "</header></div></body></html>")
    assert published(read_one(page)) == [("2021-04-03", "html:time[datetime]")]
    with_article = page.replace('<div class="post-body">', "<article>").replace(
        "</div></div><div class=\"col\">", "</article></div><div class=\"col\">")
    assert published(read_one(with_article)) == [("2021-04-03", "html:time[datetime]")]


def test_header_dates_in_boilerplate_are_still_not_read():
    page = ('<html><body><aside><header><time itemprop="datePublished" datetime="2015-01-01">x'
            '</time></header></aside><div class="related-stories"><header><time itemprop="datePublished" '
            'datetime="2016-01-01">y</time></header></div><footer><header><time datetime="2017-01-01">z'
            f"</time></header></footer><div>{STORY}</div></body></html>")
    assert published(read_one(page)) == []


# -- 13. the charset search is bounded -----------------------------------------------------------


def test_meta_charset_after_64_kb_without_a_head_end_is_not_read():
    near = b"<html><head>" + b"<!-- padding -->" * 3000 + b"<meta charset='koi8-r'></head><body>\xf0</body>"
    assert len(near) < 65536 and decode_html(near)[1] == "koi8-r"
    far = b"<html><head>" + b"<!-- padding -->" * 5000 + b"<meta charset='koi8-r'><body>\xf0</body>"
    assert decode_html(far)[1] != "koi8-r"


def test_many_unclosed_meta_tags_decode():
    # Without a bound each "<meta" scanned to the end of the file: minutes for this input.
    data = b"\xff" + b"<meta x " * 40000
    text, encoding = decode_html(data)
    assert encoding == "cp1252" and len(text) == len(data) and text.endswith("<meta x ")


# -- 14. paragraph weights in one pass -------------------------------------------------------------


def test_paragraph_weights_do_not_read_every_element_text(monkeypatch):
    import lxml.html

    calls = []
    real = lxml.html.HtmlMixin.text_content
    monkeypatch.setattr(lxml.html.HtmlMixin, "text_content", lambda self: calls.append(1) or real(self))
    words = "Plain words of a long story without paragraph tags. " * 2000
    page = "<html><body>" + '<div class="x">' * 200 + words + "</div>" * 200 + "</body></html>"
    doc = read_one(page)
    assert doc.text == words.strip()
    assert len(calls) < 20  # not one call per element: that costs depth x size


def test_paragraph_weights_match_the_text_of_each_element():
    from provenance.readers.html import _collapse, _paragraph_weights
    import lxml.html

    for html in ("<div> a<b>b </b> c<p>x <i>y</i>z</p><p> </p><div><p>q\u2003r</p></div></div>",
                 "<div>ab<span>cd</span> <span> e</span>\xa0f</div><div><div>g</div></div>"):
        root = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
        weights, total = _paragraph_weights(root)
        paragraphs = [len(_collapse(p.text_content())) for p in root.iter("p")]
        if any(paragraphs):
            assert total == sum(paragraphs)
            for el in root.iter():
                expected = sum(len(_collapse(p.text_content())) for p in el.iterdescendants("p"))
                assert weights.get(el, 0) == expected
        else:
            assert total == len(_collapse(root.text_content()))
            assert all(weights[el] == len(_collapse(el.text_content())) for el in root.iter())


# -- 15. a comment section longer than the story ------------------------------------------------


def test_comment_section_longer_than_the_story_is_dropped():
    comments = "".join(f'<div class="entry"><p>Reader {i}: {OTHER}</p></div>' for i in range(4))
    page = (f'<html><body><div class="post"><h1>Bridge shut</h1>{STORY}</div>'
            f'<div id="comments" class="comments-area"><h3>Comments</h3>{comments}</div></body></html>')
    text = read_one(page).text
    assert text.startswith("Bridge shut\n\nThe river authority of Olsby")
    assert "Reader" not in text and "Beekeepers" not in text


# -- 16. articles in a related box or a comment list are not stories ---------------------------


def test_article_cards_in_a_related_box_are_not_stories():
    card = "<p>" + " ".join(["Hives on the downs lost half their honey this wet spring"] * 5) + "</p>"
    page = (f'<html><body><article><h1>Bridge shut</h1><time datetime="2021-04-02">x</time>{STORY}</article>'
            f'<section class="related"><article><h2>Honey</h2><time datetime="2019-01-01">y</time>{card}'
            "</article></section></body></html>")
    doc = read_one(page)
    assert doc.text.startswith("Bridge shut") and "Hives" not in doc.text
    assert published(doc) == [("2021-04-02", "html:time[datetime]")]
    comments = ('<main><article class="post">' + STORY + '</article><div class="comments-area">'
                f'<ol class="comment-list"><li><article class="comment-body">{card}</article></li></ol>'
                "</div></main>")
    doc = read_one(f"<html><body>{comments}</body></html>")
    assert doc.text.startswith("The river authority") and "Hives" not in doc.text


# -- 17. article cards beside a story kept in a plain <div> -------------------------------------

# Invented text: the rest of the bridge story, and teaser cards of other invented stories.
STORY_MORE = (
    "<p>Barge owners on the upper river said the closure came at the worst moment, with the "
    "autumn grain sailings booked solid and the lock keepers already working double shifts.</p>"
    "<p>The authority promised to open the span twice a day for laden barges, at dawn and at "
    "dusk, as long as the divers were out of the water and the tide stood high enough.</p>"
    "<p>Shopkeepers on Quay Street asked for a rates holiday, saying the footbridge detour would "
    "take their passing trade away to the new market hall on the far bank of the river.</p>"
    "<p>Ms Lunde said the council would look at the request in October, once the contractor had "
    "confirmed whether the pivot could be lifted out whole or had to be cut away in pieces.</p>"
)
CARDS = (
    ("Ferry fares frozen for a third year",
     "The harbour board kept the crossing price at two crowns, saying higher fuel costs would be "
     "met from the summer tourist trade.", "2019-06-03"),
    ("Tannery steps to be relaid in granite",
     "Masons will start on the worn steps in spring, after a market trader slipped and broke "
     "her wrist there in the January frost.", "2018-02-11"),
    ("Corn exchange clock stops again",
     "Volunteers who wind the old clock say a cracked gear wheel has halted the hands at ten "
     "past four for the second time this year.", "2017-09-20"),
    ("Rowing club wins the estuary cup",
     "The Olsby eight beat the favourites from Marrowmouth by half a length in a tight finish "
     "under the railway viaduct on Saturday.", "2016-05-14"),
)


def card_articles(with_time: bool = True) -> str:
    return "".join(
        f'<article class="card"><h3><a href="/story/{i}">{headline}</a></h3>'
        + (f'<time datetime="{date}">{date}</time>' if with_time else "")
        + f'<p>{teaser}</p><a href="/story/{i}">Read more</a></article>'
        for i, (headline, teaser, date) in enumerate(CARDS))


def story_page(box_open: str, box_close: str) -> str:
    return ('<html><head><title>Bridge shut for nine weeks | Olsby Courier</title></head><body>'
            '<header class="site-header"><a href="/">Olsby Courier</a></header>'
            '<div class="page"><h1>Bridge shut for nine weeks</h1>'
            '<p class="byline">By Ivo Brandt <time datetime="2021-04-02T08:30:00+02:00">2 April</time></p>'
            f'<div class="story-body">{STORY}{STORY_MORE}</div>'
            f"{box_open}<h2>More from the Courier</h2>{card_articles()}{box_close}</div>"
            "</body></html>")


def assert_story_without_cards(doc) -> None:
    assert doc.text.startswith("Bridge shut for nine weeks\n\nBy Ivo Brandt 2 April\n\n"
                               "The river authority of Olsby"), doc.text[:200]
    assert doc.text.count("The river authority of Olsby") == 1
    assert "or had to be cut away in pieces." in doc.text
    for headline, teaser, _ in CARDS:
        assert headline not in doc.text and teaser not in doc.text
    assert "Read more" not in doc.text
    assert doc.title == "Bridge shut for nine weeks | Olsby Courier"
    assert published(doc) == [("2021-04-02T08:30:00+02:00", "html:time[datetime]")]


def test_story_in_a_div_beside_article_cards_in_an_unnamed_section_is_read():
    assert_story_without_cards(read_one(story_page("<section>", "</section>")))
    assert_story_without_cards(read_one(story_page('<section class="more">', "</section>")))


def test_story_in_a_div_beside_article_cards_in_a_grid_is_read():
    assert_story_without_cards(read_one(story_page('<div class="grid">', "</div>")))
    listed = story_page('<ul class="grid">', "</ul>").replace(
        '<article class="card">', '<li><article class="card">').replace("</article>", "</article></li>")
    assert_story_without_cards(read_one(listed))
    inside = story_page("", "").replace(
        f"{STORY_MORE}</div><h2>More from the Courier</h2>{card_articles()}",
        f'{STORY_MORE}<section class="more">{card_articles()}</section></div>')
    assert_story_without_cards(read_one(inside))  # the cards at the end of the story's own div


def test_cards_and_related_articles_beside_a_story_are_left_out_and_class_names_are_not_needed():
    boxed = story_page('<section class="more">', "</section>").replace(
        "</div></body>", f'<section class="related-links">{card_articles()}</section></div></body>')
    assert_story_without_cards(read_one(boxed))
    unnamed = story_page("<section>", "</section>").replace(
        'class="site-header"', "").replace('class="story-body"', "").replace('class="page"', "")
    doc = read_one(unnamed)
    assert "The river authority of Olsby" in doc.text and "Read more" not in doc.text


def test_articles_in_a_related_box_beside_a_story_in_a_div_are_left_out_with_their_dates():
    card = ('<article><h3><a href="/hives">Hives lose half their honey</a></h3>'
            f'<time datetime="2019-01-01">1 Jan 2019</time>{OTHER}</article>')
    page = (f'<html><body><h1>Bridge shut</h1><div class="story-body">{STORY}{STORY_MORE}</div>'
            f'<section class="related"><h2>Related</h2>{card}</section></body></html>')
    doc = read_one(page)
    assert doc.text.startswith("Bridge shut\n\nThe river authority of Olsby")
    assert "Hives" not in doc.text and "Beekeepers" not in doc.text
    assert published(doc) == []
    # A story whose wrapper has a noisy name is no related box: it holds most of the text.
    wrapped = ('<html><body><h1>Bridge shut</h1><div class="post comments-open"><article>'
               f'<time datetime="2021-04-02">2 April</time>{STORY}</article></div></body></html>')
    doc = read_one(wrapped)
    assert doc.text.startswith("Bridge shut\n\n2 April\n\nThe river authority of Olsby")
    assert published(doc) == [("2021-04-02", "html:time[datetime]")]


def test_compilation_of_full_articles_with_an_intro_keeps_every_article():
    page = ('<html><body><div class="intro"><h1>The week in Olsby</h1><p>Our pick of the stories '
            "that mattered this week, from the river to the downs.</p></div>"
            f'<article><h2>Bridge</h2><time datetime="2021-04-02">2 April</time>{STORY}{STORY_MORE}</article>'
            f'<article><h2>Honey</h2><time datetime="2021-04-03">3 April</time>{OTHER}{OTHER}</article>'
            f"<article><h2>Quay Street</h2>{STORY_MORE}</article></body></html>")
    doc = read_one(page)
    assert doc.text.startswith("Bridge\n\n2 April\n\nThe river authority of Olsby")
    assert "Honey\n\n3 April\n\nBeekeepers on the Marrow Downs" in doc.text
    assert "Quay Street\n\nBarge owners on the upper river" in doc.text
    assert "Our pick" not in doc.text
    assert published(doc) == [("2021-04-02", "html:time[datetime]")]


def _assert_every_entry_kept(entries: str) -> None:
    """A live blog: a summary in a <div>, then its entries; every entry is read."""
    page = (f'<html><body><h1>Live: bridge closure</h1><div class="summary">{STORY}</div>'
            f'<div class="entries">{entries}</div></body></html>')
    doc = read_one(page)
    assert doc.text.startswith("9:00\n\nThe harbour board kept the crossing price")
    assert doc.text.count("Volunteers who wind the old clock") == 2
    assert published(doc) == [("2021-04-02T09:00", "html:time[datetime]")]


def test_a_live_blog_of_short_entries_keeps_every_entry():
    _assert_every_entry_kept("".join(
        f'<article class="entry"><time datetime="2021-04-02T{9 + i:02d}:00">{9 + i}:00</time>'
        f"<p>{teaser}</p></article>" for i, (_, teaser, _) in enumerate(CARDS * 2)))


def test_article_cards_that_are_the_only_content_are_kept():
    page = ('<html><body><main><h1>Harbour news</h1><p>The latest from the quays.</p>'
            f'<section class="grid">{card_articles()}</section></main></body></html>')
    doc = read_one(page)
    for headline, teaser, _ in CARDS:
        assert headline in doc.text and teaser in doc.text
    assert doc.text.startswith("Ferry fares frozen for a third year")
    links = ('<html><body><h1>Harbour news</h1><div class="about"><p>The Olsby Courier has covered '
             "the harbour since 1881.</p></div><section>"
             + "".join(f'<article><h3><a href="/{i}">{h}</a></h3></article>' for i, (h, _, _) in enumerate(CARDS))
             + "</section></body></html>")
    text = read_one(links).text
    assert all(headline in text for headline, _, _ in CARDS)


# -- 18. a <time> that dates a revision is never the publication date ----------------------


def test_a_time_marked_or_labelled_as_an_update_is_not_the_publication_date():
    def page(dates: str) -> str:
        return f"<html><body><article><h1>Bridge shut</h1><p>{dates}</p>{STORY}</article></body></html>"

    labelled = read_one(page('Updated <time datetime="2021-05-09T08:00:00Z">9 May</time> | '
                             'Published <time datetime="2021-05-04T08:00:00Z">4 May</time>'))
    assert published(labelled) == [("2021-05-04T08:00:00Z", "html:time[datetime]")]
    itemprop = read_one(page('Last updated <time itemprop="dateModified" datetime="2021-05-09T08:00:00Z">9 May'
                             '</time>, first published <time itemprop="datePublished" '
                             'datetime="2021-05-04T08:00:00Z">4 May</time>'))
    assert published(itemprop) == [("2021-05-04T08:00:00Z", "html:time[itemprop=datePublished]")]
    assert ("modified", "2021-05-09T08:00:00Z", "html:time[itemprop=dateModified]") in meta(itemprop)
    # only a revision date: the page is undated rather than dated by its revision
    for only in ('<time class="updated" datetime="2021-05-09T08:00:00Z">9 May</time>',
                 '<span>Last modified on</span> <time datetime="2021-05-09T08:00:00Z">9 May</time>',
                 '<time itemprop="dateModified" datetime="2021-05-09T08:00:00Z">9 May</time>',
                 '<time datetime="2021-05-09T08:00:00Z">Updated 9 May</time>'):
        assert published(read_one(page(only))) == [], only
    # a post never revised marks its one date as both
    both = read_one(page('<time class="entry-date published updated" datetime="2021-05-04T08:00:00Z">4 May</time>'))
    assert published(both) == [("2021-05-04T08:00:00Z", "html:time[datetime]")]


# -- 19. a card is told from a story by its link, its length and its paragraphs -------------------

# Invented text: a short brief, a card of another story, a full story of another day.
FULL = (
    "<p>The Marrow Downs beekeeping society will open its winter apiary to visitors on the first "
    "Sunday of each month, its chairman, Anders Holm, said at the society's spring show.</p>"
    "<p>Members will show how they wrap hives in straw and sacking against the frost, and how a "
    "colony clusters round its queen to keep warm until the willow catkins open.</p>"
    "<p>Children under twelve go free, and the tea room in the old shepherd's hut will sell "
    "heather honey, beeswax candles and slices of the prize-winning honey cake.</p>"
)
BRIEF = (
    "<p>The Olsby ferry will run a late crossing at half past ten on Friday and Saturday nights "
    "until the swing bridge reopens, the harbour board said.</p>"
    "<p>Tickets cost the usual two crowns and can be bought from the kiosk on the tannery steps.</p>"
)
ONE_CARD = ('<article class="card"><h3><a href="/story/lock-keepers">Lock keepers vote to strike</a></h3>'
            '<time datetime="2018-07-07">7 July 2018</time>'
            "<p>Keepers on the upper locks want an extra man on the night shift.</p></article>")


def div_story_page(before: str, after: str, story: str = STORY + STORY_MORE, dated: bool = True) -> str:
    byline = ('<p class="byline">By Ivo Brandt <time datetime="2021-04-02T08:30:00+02:00">2 April</time></p>'
              if dated else "")
    return ('<html><head><title>Bridge shut for nine weeks | Olsby Courier</title></head><body>'
            f'{before}<div class="page"><h1>Bridge shut for nine weeks</h1>{byline}'
            f'<div class="story-body">{story}</div></div>{after}</body></html>')


def test_a_single_article_card_beside_a_story_in_a_div_is_left_out():
    doc = read_one(div_story_page("", f"<section>{ONE_CARD}</section>"))
    assert doc.text.startswith("Bridge shut for nine weeks\n\nBy Ivo Brandt 2 April\n\nThe river authority")
    assert doc.text.endswith("or had to be cut away in pieces.")
    assert "Lock keepers" not in doc.text and "night shift" not in doc.text
    assert published(doc) == [("2021-04-02T08:30:00+02:00", "html:time[datetime]")]
    # before the story, and the story undated: the card's date dates another story
    doc = read_one(div_story_page(ONE_CARD, "", dated=False))
    assert doc.text.startswith("Bridge shut for nine weeks\n\nThe river authority of Olsby"), doc.text[:100]
    assert "Lock keepers" not in doc.text and published(doc) == []
    # a card without a link is still a teaser: a line beside a story many times its length
    unlinked = ONE_CARD.replace('<a href="/story/lock-keepers">', "").replace("</a>", "")
    doc = read_one(div_story_page("", unlinked, dated=False))
    assert "Lock keepers" not in doc.text and published(doc) == []


def test_article_cards_that_outweigh_a_short_story_in_a_div_are_left_out():
    cards = card_articles() + card_articles().replace("/story/", "/archive/")
    doc = read_one(div_story_page("", f'<section class="more">{cards}</section>', story=BRIEF))
    assert doc.text == ("Bridge shut for nine weeks\n\nBy Ivo Brandt 2 April\n\n"
                        + "\n\n".join(p.removeprefix("<p>") for p in BRIEF.split("</p>") if p))
    assert published(doc) == [("2021-04-02T08:30:00+02:00", "html:time[datetime]")]


def test_a_story_in_a_div_beside_a_full_article_and_cards_is_read_with_the_article():
    full = f'<article><h2>Winter apiary opens</h2><time datetime="2019-06-01">1 June 2019</time>{FULL}</article>'
    doc = read_one(div_story_page("", f"<section>{full}{card_articles()}</section>"))
    assert doc.text.startswith("Bridge shut for nine weeks\n\nBy Ivo Brandt 2 April\n\nThe river authority")
    assert "or had to be cut away in pieces." in doc.text
    assert doc.text.endswith("Winter apiary opens\n\n1 June 2019\n\n" + FULL[3:].replace("</p><p>", "\n\n")[:-4])
    for headline, teaser, _ in CARDS:
        assert headline not in doc.text and teaser not in doc.text
    assert published(doc) == [("2021-04-02T08:30:00+02:00", "html:time[datetime]")]


def test_full_posts_whose_headlines_link_to_their_own_pages_are_stories_not_cards():
    posts = "".join(f'<article><h2><a href="/{slug}">{title}</a></h2>{body}</article>'
                    for slug, title, body in (("bridge", "Bridge shut", STORY), ("honey", "Honey halved", OTHER)))
    doc = read_one(f"<html><body><h1>Olsby notebook</h1><p>Notes from the river town.</p>{posts}</body></html>")
    assert doc.text.startswith("Bridge shut\n\nThe river authority of Olsby")
    assert "Honey halved\n\nBeekeepers on the Marrow Downs" in doc.text and "Notes from" not in doc.text
    # beside a longer story in a <div>: a full post is no card, and is read after the story
    post = '<article><h2><a href="/apiary">Winter apiary opens</a></h2>' + FULL + "</article>"
    doc = read_one(div_story_page("", f"<section>{post}</section>"))
    assert doc.text.startswith("Bridge shut for nine weeks\n\nBy Ivo Brandt 2 April\n\nThe river authority")
    assert "or had to be cut away in pieces.\n\nWinter apiary opens\n\nThe Marrow Downs beekeeping" in doc.text


def test_a_live_blog_whose_entries_hold_links_keeps_every_entry():
    _assert_every_entry_kept("".join(
        f'<article class="entry"><a href="#entry-{i}"><time datetime="2021-04-02T{9 + i:02d}:00">'
        f'{9 + i}:00</time></a><p>{teaser} <a href="/story/{i}">Full story</a></p></article>'
        for i, (_, teaser, _) in enumerate(CARDS * 2)))


def test_a_page_of_cards_keeps_them_all_when_one_has_no_link():
    unlinked = '<article class="card"><h3>Notice to mariners</h3><p>The outer buoy is off station.</p></article>'
    page = ('<html><body><main><h1>Harbour news</h1><p>The latest from the quays.</p>'
            f'<section class="grid">{unlinked}{card_articles()}</section></main></body></html>')
    text = read_one(page).text
    assert text.startswith("Notice to mariners")
    assert all(headline in text and teaser in text for headline, teaser, _ in CARDS)


def test_sixteen_thousand_cards_beside_a_story_are_read_in_linear_time():
    import time

    cards = "".join(f'<article><h3><a href="/s{i}">Card {i}</a></h3><time datetime="2020-01-01">1 Jan</time>'
                    f"<p>Teaser line {i} of another story.</p></article>" for i in range(16_000))
    page = f'<html><body><div class="story">{STORY}{STORY_MORE}</div><section>{cards}</section></body></html>'
    start = time.perf_counter()
    doc = read_one(page)
    assert time.perf_counter() - start < 30  # about a second; quadratic work would take minutes
    assert doc.text.startswith("The river authority of Olsby") and "Card 7" not in doc.text
    assert published(doc) == []


# -- 20. the page's own story, told by its title, beside another full story -----------------------

# Invented text: a long feature on another subject, and a standfirst.
LONGER = (
    "<p>The keepers of the Skarn lighthouse left the rock for the last time in 1987, when the lamp "
    "was wired to the mainland and a clockwork fog bell was replaced by an electric horn.</p>"
    "<p>Their cottages stood empty for thirty years, slowly losing slates to the westerly gales, "
    "until a group of retired fishermen formed a trust and bought the lease for one crown.</p>"
    "<p>The trust has since rebuilt the boat slip, relaid the path to the tower and opened a small "
    "museum in the oil store, where the old lens and the keepers' logbooks are now on show.</p>"
    "<p>Visitors cross on the trust's launch from Marrowmouth when the sea allows, and the crossing "
    "is often cancelled at short notice when the swell breaks over the landing stage.</p>"
    "<p>The logbooks record every ship that passed in the keepers' watch, along with the weather, "
    "the state of the lamp and, now and then, a complaint about the quality of the paraffin.</p>"
    "<p>One entry from the winter of 1962 notes that the relief boat could not land for six weeks, "
    "and that the keepers lived on salt cod, ship's biscuit and rainwater from the cistern.</p>"
)
STANDFIRST = (
    "<p>Divers will replace the rusted pivot bearings of the old swing bridge over the next two "
    "months, and traders fear that the long detour over the railway footbridge will keep their "
    "customers away from the market on the far bank all through the busy summer season.</p>"
)
OTHER_FEATURE = ('<article><h2>Life on the Skarn rock</h2><time datetime="2017-08-12">12 August 2017</time>'
                 f"{LONGER}</article>")


def own_story_page(head: str, heading: str = "Bridge shut for nine weeks", other: str = OTHER_FEATURE) -> str:
    """A story kept in a <div>, then a longer full article of another story."""
    return (f"<html><head>{head}</head><body><div class=\"page\"><h1>{heading}</h1>"
            '<p class="byline">By Ivo Brandt <time datetime="2021-04-02T08:30:00+02:00">2 April</time></p>'
            f'<div class="story-body">{STORY}</div></div><section>{other}</section></body></html>')


def assert_own_story(doc) -> None:
    assert doc.text.startswith("Bridge shut for nine weeks"), doc.text[:200]
    assert "The river authority of Olsby" in doc.text and "the harbour reserve rather than the rates." in doc.text
    assert "Skarn" not in doc.text and "keepers' logbooks" not in doc.text
    assert published(doc) == [("2021-04-02T08:30:00+02:00", "html:time[datetime]")]


def test_a_story_in_a_div_beside_a_longer_full_article_is_read_when_its_headline_is_the_page_title():
    for head in ("<title>Bridge shut for nine weeks | Olsby Courier</title>",
                 "<title>Bridge Shut for Nine Weeks - Olsby Courier</title>",
                 '<title>Olsby Courier</title><meta property="og:title" content="Bridge shut for nine weeks">',
                 '<meta name="twitter:title" content="Bridge shut for nine weeks">',
                 '<script type="application/ld+json">{"@type": "NewsArticle", '
                 '"headline": "Bridge shut for nine weeks"}</script>'):
        assert_own_story(read_one(own_story_page(head)))
    # case and punctuation do not count
    doc = read_one(own_story_page("<title>Bridge shut for nine weeks | Olsby Courier</title>",
                                  heading="Bridge shut for nine weeks!"))
    assert_own_story(doc)
    # the longer article in a box of other stories, named or not: left out, not read with the story
    for box in ('<section class="more-stories">', '<section class="related-stories">'):
        page = own_story_page("<title>Bridge shut for nine weeks | Olsby Courier</title>").replace("<section>", box)
        assert_own_story(read_one(page))


def test_an_article_whose_headline_is_the_page_title_is_read_without_a_longer_div_of_other_text():
    page = ("<html><head><title>Bridge shut for nine weeks | Olsby Courier</title></head><body>"
            '<article><h1>Bridge shut for nine weeks</h1><time datetime="2021-04-02">2 April</time>'
            f'{STORY}</article><div class="feature"><h2>Life on the Skarn rock</h2>'
            f'<time datetime="2017-08-12">12 August 2017</time>{LONGER}</div></body></html>')
    doc = read_one(page)
    assert doc.text.startswith("Bridge shut for nine weeks\n\n2 April\n\nThe river authority of Olsby")
    assert doc.text.endswith("the harbour reserve rather than the rates.")
    assert "Skarn" not in doc.text
    assert published(doc) == [("2021-04-02", "html:time[datetime]")]


def test_without_title_evidence_a_story_in_a_div_beside_a_longer_full_article_is_read_as_before():
    for head in ("", "<title>Olsby Courier</title>", "<title>Bridge shut for nine weeks</title>"):
        # no title; a title naming neither story; a title naming both (the feature's heading too)
        other = OTHER_FEATURE.replace("Life on the Skarn rock", "Bridge shut for nine weeks") if "Bridge" in head \
            else OTHER_FEATURE
        doc = read_one(own_story_page(head, other=other))
        assert doc.text.endswith("and rainwater from the cistern."), doc.text[:200]
        assert "The river authority of Olsby" not in doc.text


def test_a_standfirst_beside_an_article_without_a_headline_of_its_own_is_not_taken_for_the_story():
    page = ("<html><head><title>Bridge shut for nine weeks | Olsby Courier</title></head><body>"
            f'<h1>Bridge shut for nine weeks</h1><div class="standfirst">{STANDFIRST}</div>'
            f"<article>{STORY}</article></body></html>")
    doc = read_one(page)
    assert doc.text.startswith("The river authority of Olsby") and "Divers will replace" not in doc.text


def test_an_article_whose_headline_is_just_before_it_is_read_without_the_next_full_article():
    page = ("<html><head><title>Bridge shut for nine weeks | Olsby Courier</title></head><body>"
            f"<h1>Bridge shut for nine weeks</h1><article>{STORY}</article>{OTHER_FEATURE}</body></html>")
    doc = read_one(page)
    assert doc.text.startswith("The river authority of Olsby")
    assert doc.text.endswith("the harbour reserve rather than the rates.") and "Skarn" not in doc.text


def test_a_live_blog_whose_summary_the_title_names_keeps_every_entry():
    entries = "".join(f'<article class="entry"><h2>{headline}</h2><time datetime="2021-04-02T{9 + i:02d}:00">'
                      f"{9 + i}:00</time><p>{teaser} {teaser}</p></article>"
                      for i, (headline, teaser, _) in enumerate(CARDS))
    page = ("<html><head><title>Live: bridge closure | Olsby Courier</title></head><body>"
            f'<h1>Live: bridge closure</h1><div class="summary">{STORY}</div>{entries}</body></html>')
    doc = read_one(page)
    assert all(headline in doc.text and teaser in doc.text for headline, teaser, _ in CARDS)
    assert published(doc) == [("2021-04-02T09:00", "html:time[datetime]")]


def test_a_short_article_named_by_the_title_beside_a_long_text_is_not_read_alone():
    page = ("<html><head><title>Bridge shut for nine weeks | Olsby Courier</title></head><body>"
            f'<article class="hero"><h1>Bridge shut for nine weeks</h1>{STANDFIRST}</article>'
            f'<div class="content"><h2>Nine weeks of detours</h2>{STORY}{STORY_MORE}{LONGER}</div></body></html>')
    doc = read_one(page)
    assert "The river authority of Olsby" in doc.text and "or had to be cut away in pieces." in doc.text
