"""HTML reader: forms, noisy wrappers, several articles, headers and footers inside an
article, late charsets."""

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
