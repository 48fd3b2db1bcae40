"""Pages saved as one MHTML file: the root part is the page, the headers its address and save time."""

from __future__ import annotations

import base64
import json
import quopri

from typer.testing import CliRunner

from provenance.cli import app
from provenance.readers import read_file

STORY = ("The county council said on Tuesday that the footbridge over the river would reopen next month "
         "after engineers replaced the corroded supports, a spokesman said \u2013 caf\u00e9 owners welcomed it.")
PAGE = ('<!DOCTYPE html><html><head><meta charset="windows-1252"><title>Footbridge to reopen | Valley Courier</title>'
        '<meta property="og:site_name" content="Valley Courier"><link rel="canonical" href="/2016/10/20/footbridge">'
        '</head><body><nav>Home News Sport Weather</nav><article><h1>Footbridge to reopen</h1>'
        f'<p>{STORY}</p></article><iframe src="cid:frame-1@mhtml.blink"></iframe></body></html>')
AD = "<html><body><p>Buy our fine products today, the best prices in the whole valley, offer ends soon.</p></body></html>"


def chrome_mhtml(page: str = PAGE, date: str = "Sat, 22 Oct 2016 18:00:00 -0000",
                 address: str = "https://valleycourier.example/2016/10/20/footbridge?utm_source=feed") -> bytes:
    """A page as a Chromium browser saves it: quoted-printable parts, the page first."""
    qp = quopri.encodestring(page.encode("utf-8")).decode("ascii")
    return f"""From: <Saved by Blink>
Snapshot-Content-Location: {address}
Subject: Footbridge to reopen | Valley Courier
Date: {date}
MIME-Version: 1.0
Content-Type: multipart/related;
\ttype="text/html";
\tboundary="----MultipartBoundary--abc----"


------MultipartBoundary--abc----
Content-Type: text/html
Content-ID: <frame-0@mhtml.blink>
Content-Transfer-Encoding: quoted-printable
Content-Location: {address}

{qp}
------MultipartBoundary--abc----
Content-Type: text/html
Content-ID: <frame-1@mhtml.blink>
Content-Transfer-Encoding: quoted-printable
Content-Location: https://ads.example/frame

{AD}
------MultipartBoundary--abc----
Content-Type: image/png
Content-Transfer-Encoding: base64
Content-Location: https://valleycourier.example/logo.png

iVBORw0KGgo=
------MultipartBoundary--abc------
""".replace("\n", "\r\n").encode("ascii")


def test_a_saved_page_is_its_root_part_with_its_address_and_save_time():
    (doc,), rejections = read_file("saved/footbridge.mhtml", chrome_mhtml())
    assert rejections == []
    assert doc.format == "html" and doc.encoding == "utf-8"  # UTF-8 bytes, whatever the page declares
    assert doc.text == f"Footbridge to reopen\n\n{STORY}"  # the page's navigation and the ad's frame are not read
    assert doc.title == "Footbridge to reopen | Valley Courier"
    # the page's canonical link, resolved against the address it was saved from
    assert doc.url == "https://valleycourier.example/2016/10/20/footbridge"
    fields = [(m.key, m.value, m.source) for m in doc.metadata]
    assert ("url", "https://valleycourier.example/2016/10/20/footbridge?utm_source=feed",
            "mhtml:Snapshot-Content-Location") in fields
    assert ("captured", "Sat, 22 Oct 2016 18:00:00 -0000", "mhtml:Date") in fields


def test_the_start_parameter_names_the_page_and_the_parts_charset_decodes_it():
    page = PAGE.replace("windows-1252", "iso-8859-1")
    ad_first = (
        'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="B"; type="text/html"; start="<page@x>"\r\n\r\n'
        "--B\r\nContent-Type: text/html; charset=utf-8\r\nContent-Location: https://ads.example/\r\n\r\n"
        f"{AD}\r\n"
        "--B\r\nContent-Type: text/html; charset=windows-1252\r\nContent-ID: <page@x>\r\n"
        "Content-Transfer-Encoding: base64\r\nContent-Location: https://valleycourier.example/footbridge\r\n\r\n"
        f"{base64.encodebytes(page.encode('cp1252')).decode('ascii')}\r\n--B--\r\n").encode("ascii")
    (doc,), _ = read_file("ie.mht", ad_first)
    assert doc.text == f"Footbridge to reopen\n\n{STORY}" and doc.encoding == "cp1252"
    assert doc.url == "https://valleycourier.example/2016/10/20/footbridge"
    assert not any(m.key == "captured" for m in doc.metadata)  # no Date header: no save time


def test_a_saved_file_without_a_page_is_rejected():
    images = (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="B"\r\n\r\n'
              b"--B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--B--\r\n")
    docs, [rejection] = read_file("pictures.mht", images)
    assert docs == [] and rejection.code == "no-text" and "no HTML or plain-text part" in rejection.reason
    docs, [rejection] = read_file("nothing.mhtml", b"")
    assert docs == [] and rejection.code == "empty"


def test_the_save_time_lets_an_undated_saved_page_be_the_origin(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    undated = PAGE.replace("/2016/10/20/footbridge", "/news/footbridge")  # no date in its address
    (corpus / "footbridge.mhtml").write_bytes(chrome_mhtml(undated, address="https://valleycourier.example/news/fb"))
    (corpus / "blog.html").write_text(
        '<html><head><meta property="article:published_time" content="2016-10-25T09:00:00Z"></head>'
        f"<body><article><h1>Bridge news</h1><p>{STORY}</p></article></body></html>", encoding="utf-8")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["audit", str(corpus), "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    docs = {d["path"]: d for d in report["documents"]}
    saved, blog = docs["footbridge.mhtml"], docs["blog.html"]
    assert saved["format"] == "html" and saved["captured"] == "2016-10-22T18:00:00+00:00"
    assert saved["published"]["date"] is None and saved["outlet"]["name"] == "Valley Courier"
    (cluster,) = report["clusters"]
    assert cluster["origin"]["document"] == saved["id"] and cluster["origin"]["rule"] == "earliest-date"
    assert blog["derivation"] == "wholly_derived"
