"""The HTML export in a real headless browser: hostile corpus text is shown, never run."""

from __future__ import annotations

import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from provenance.export import export, texts_for
from provenance.params import default_params
from provenance.pipeline import audit
from provenance.report import build_report

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
SCRAPE = ROOT / "fixtures" / "golden" / "rules-credit-and-scrape" / "corpus"

# payloads: the two of the brief, and two that would leave a trace in the DOM if they ran
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
SCRIPT_DOM = "<script>document.title='PWNED'</script>"
IMG_DOM = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="/usr/bin/chromium is not installed (apt-get install chromium) "
                                       "so the HTML export cannot be checked in a real browser")


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def chromium(user_data: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={user_data}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    corpus = base / "corpus"
    shutil.copytree(SCRAPE, corpus)
    scraper = corpus / "scraper.txt"
    text = scraper.read_text(encoding="utf-8")
    # spread out, so that each insertion stays a small gap inside the copied passage
    for needle, payloaded in [
        ("French foreign minister Jean-Marc Ayrault told the meeting",
         f"French foreign minister {SCRIPT} Jean-Marc Ayrault told {IMG} the meeting"),
        ("He said the Syrian government", f"He said {SCRIPT_DOM} the Syrian government"),
        ("Foreign ministers from the US, the UK", f"Foreign ministers from {IMG_DOM} the US, the UK"),
    ]:
        assert text.count(needle) == 1
        text = text.replace(needle, payloaded)
    scraper.write_text(text, encoding="utf-8")
    result = audit(corpus)
    report = build_report(result, default_params(), corpus=corpus.name, started="2024-05-01T09:00:00Z",
                          finished="2024-05-01T09:00:07Z")
    out = base / "out" / "report.html"
    out.parent.mkdir()
    texts = texts_for(report, result.inventory.documents)
    copies = [texts[m["path"]][m["start"]:m["end"]] for c in report["clusters"] for m in c["members"]
              if m["path"] == "scraper.txt"]
    for payload in (SCRIPT, IMG, SCRIPT_DOM, IMG_DOM):
        assert any(payload in c for c in copies), payload  # inside a republished passage
    export(report, "html", out, texts)
    return base, report, out


@pytest.fixture(scope="module")
def dom(page) -> str:
    base, _, out = page
    done = chromium(base / "profile-dom", "--dump-dom", out.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<html" in done.stdout, done.stderr[-2000:]
    return done.stdout


def test_rendered_dom_shows_corpus_markup_as_text(dom, page):
    _, report, _ = page
    parsed = Elements()
    parsed.feed(dom)
    text = "".join(parsed.text)
    for payload in (SCRIPT, IMG, SCRIPT_DOM, IMG_DOM):
        assert payload in text  # visible to the reader as text
    cluster = report["clusters"][0]
    sections = [a for tag, a in parsed.elements if tag == "section" and "cluster" in (a.get("class") or "")]
    assert [a.get("id") for a in sections] == [c["id"] for c in report["clusters"]]
    assert cluster["id"] in dom
    for section in ("overview", "documents", "timeline", "clusters", "rejections"):
        assert any(a.get("id") == section for _, a in parsed.elements)
    assert "UNCREDITED" in text and "Jean-Marc Ayrault" in text


def test_no_corpus_script_ran_or_exists(dom):
    parsed = Elements()
    parsed.feed(dom)
    assert "<script" not in dom.lower()
    assert not [tag for tag, _ in parsed.elements if tag in ("script", "img", "iframe", "object", "embed")]
    for tag, attrs in parsed.elements:
        assert "onerror" not in attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "data-pwned" not in attrs, (tag, attrs)  # the onerror payload would have set it
    title = dom.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "PWNED" not in title and title.startswith("Provenance report")


def test_screenshot(page):
    base, _, out = page
    shot = base / "page.png"
    done = chromium(base / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2000", out.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.exists()
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000  # a rendered page, not a blank image
