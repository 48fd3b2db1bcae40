"""Fuzz the readers: ``python -m bench.fuzz_readers --seconds 300``.

Feeds every reader random bytes and mutations (bit flips, truncations, splices,
repeated and deleted blocks, injected markup and NUL bytes) of real inputs: the
seed articles, the golden fixtures and the format fixtures, and, for the formats no
fixture is a file of, inputs built here from the seed articles' text: RSS 2.0, RSS 1.0
and Atom feeds, a page saved as MHTML, and web archives (WARC, plain and gzipped per
record) holding pages, a feed, a revisit and a request.  A reader may reject
an input, but must never raise: any exception escaping ``read_file`` is a crash,
saved under ``bench/out/fuzz-crashes/`` with the traceback, and the run exits 1.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
import traceback
from pathlib import Path

from provenance.readers import read_file

ROOT = Path(__file__).resolve().parent.parent
EXTENSIONS = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".xml", ".rss", ".atom", ".mht", ".mhtml", ".warc",
              ".warc.gz")
INJECT = [b"\x00", b"<", b"<!--", b"<script>", b"]]>", b"&#x0;", b"{", b"\"", b"\xff\xfe", b"\xef\xbb\xbf",
          b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>", b"&a;", b"\r", b"\n\n", b"<div>" * 50, b"\\u0000"]


def corpus() -> list[tuple[str, bytes]]:
    out = []
    for folder in (ROOT / "seeds", ROOT / "fixtures"):
        for p in sorted(folder.rglob("*")):
            ext = next((e for e in sorted(EXTENSIONS, key=len, reverse=True) if p.name.lower().endswith(e)), None)
            if p.is_file() and ext is not None and p.stat().st_size < 2_000_000:
                out.append((ext, p.read_bytes()))
    return out + built(sorted((ROOT / "seeds").glob("*.txt")))


def _paragraphs(path: Path, n: int = 3) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()][:n] or ["(empty)"]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def built(seeds: list[Path]) -> list[tuple[str, bytes]]:
    """Feeds, a saved MHTML page and web archives made of the seed articles' paragraphs."""
    stories = [_paragraphs(p) for p in seeds] or [["A headline", "A paragraph."]]
    items = "".join(
        f"<item><title>{_escape(s[0][:80])}</title><link>https://news.example/{i}</link>"
        f"<pubDate>Thu, 20 Oct 2016 1{i}:00:00 +0100</pubDate><dc:date>2016-10-20</dc:date>"
        f"<source url=\"https://wire.example/feed\">Wire</source><description>{_escape(s[1][:200] if len(s) > 1 else s[0])}"
        f"</description><content:encoded><![CDATA[<p>{'</p><p>'.join(s)}</p>]]></content:encoded></item>"
        for i, s in enumerate(stories))
    rss = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>News</title>'
           f"{items}</channel></rss>\n").encode("utf-8")
    rdf = ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>News</title>'
           "</channel>" + "".join(f'<item rdf:about="https://news.example/{i}"><title>{_escape(s[0][:80])}</title>'
                                   f"<dc:date>2016-10-2{i}</dc:date><description>{_escape(' '.join(s))}</description></item>"
                                   for i, s in enumerate(stories)) + "</rdf:RDF>\n").encode("utf-8")
    atom = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>'
            + "".join(f"<entry><title>{_escape(s[0][:80])}</title><link href=\"https://news.example/a{i}\"/>"
                      f"<published>2016-10-20T1{i}:00:00Z</published><updated>2016-10-21T00:00:00Z</updated>"
                      + (f'<content type="html">{_escape("<p>" + "</p><p>".join(s) + "</p>")}</content>' if i % 2 else
                         '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                         + "".join(f"<p>{_escape(x)}</p>" for x in s) + "</div></content>")
                      + "</entry>" for i, s in enumerate(stories)) + "</feed>\n").encode("utf-8")
    page = ("<html><head><title>{t}</title><link rel=\"canonical\" href=\"https://news.example/0\">"
            "<meta property=\"article:published_time\" content=\"2016-10-20T10:00:00Z\"></head><body><article>{b}"
            "</article></body></html>").format(t=_escape(stories[0][0][:80]),
                                              b="".join(f"<p>{_escape(x)}</p>" for x in stories[0]))
    out = [(".rss", rss), (".rss", rdf), (".atom", atom), (".mhtml", _mhtml(page))]
    out += [(".warc", _warc(page, rss, gz=False)), (".warc.gz", _warc(page, rss, gz=True))]
    return out


def _mhtml(page: str) -> bytes:
    """A page saved as one file, as a browser writes it: the page quoted-printable, an image."""
    from email.charset import QP, Charset
    from email.generator import BytesGenerator
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    root = MIMEMultipart("related", type="text/html")
    root["Snapshot-Content-Location"] = "https://news.example/0"
    root["Date"] = "Fri, 21 Oct 2016 08:00:00 -0000"
    quoted = Charset("utf-8")
    quoted.body_encoding = QP  # as browsers write the page
    part = MIMEText(page, "html", quoted)
    part["Content-Location"] = "https://news.example/0"
    root.attach(part)
    image = MIMEImage(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "gif")
    image["Content-Location"] = "https://news.example/pixel.gif"
    root.attach(image)
    buf = io.BytesIO()
    BytesGenerator(buf).flatten(root)
    return buf.getvalue()


def _warc(page: str, feed: bytes, gz: bool) -> bytes:
    """A web archive: warcinfo, a request, the page, the feed, the page again, a revisit."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("fuzz.warc", {"software": "fuzz"}))
    request = StatusAndHeaders("GET /0 HTTP/1.1", [("Host", "news.example")], is_http_request=True)
    writer.write_record(writer.create_warc_record("https://news.example/0", "request", http_headers=request))
    for uri, media, body, date in (("https://news.example/0", "text/html; charset=utf-8", page.encode("utf-8"),
                                    "2016-10-21T08:00:00Z"),
                                   ("https://news.example/feed", "application/rss+xml", feed, "2016-10-21T08:05:00Z"),
                                   ("https://news.example/0", "text/html", page.encode("utf-8"), "2016-10-22T08:00:00Z")):
        http = StatusAndHeaders("200 OK", [("Content-Type", media)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                                      warc_headers_dict={"WARC-Date": date}))
    revisit = writer.create_revisit_record("https://news.example/0", digest="sha1:AAAA",
                                           refers_to_uri="https://news.example/0", refers_to_date="2016-10-21T08:00:00Z")
    writer.write_record(revisit)
    return buf.getvalue()


def mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        pos = rng.randrange(len(b) + 1)
        if op == 0 and b:
            b[min(pos, len(b) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            del b[pos:]
        elif op == 2:
            b[pos:pos] = rng.choice(INJECT)
        elif op == 3 and b:
            n = rng.randint(1, 64)
            b[pos:pos] = b[pos:pos + n] * rng.randint(2, 20)
        elif op == 4:
            del b[pos:pos + rng.randint(1, 256)]
        else:
            b[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 32)))
    return bytes(b)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "fuzz-crashes")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    seeds = corpus()
    deadline = time.monotonic() + args.seconds
    runs = crashes = 0
    while time.monotonic() < deadline:
        if rng.random() < 0.2 or not seeds:
            ext = rng.choice(EXTENSIONS)
            data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 4096)))
        else:
            ext, original = rng.choice(seeds)
            ext = ext if rng.random() < 0.8 else rng.choice(EXTENSIONS)
            data = mutate(original, rng)
        runs += 1
        try:
            docs, rejections = read_file("fuzz" + ext, data)
            if not docs and not rejections:
                raise AssertionError("neither a document nor a rejection")
            for d in docs:
                if not d.text:
                    raise AssertionError("a document with no text")
        except Exception:  # noqa: BLE001 - any escape is the finding
            crashes += 1
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"crash-{crashes}{ext}").write_bytes(data)
            (args.out / f"crash-{crashes}.txt").write_text(traceback.format_exc(), encoding="utf-8")
    print(f"fuzzed readers for {args.seconds:.0f} s: {runs} inputs, {crashes} crashes")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
