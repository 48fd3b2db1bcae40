"""WARC-Date is a capture time: an upper bound and an anchor, never a publication date."""

from __future__ import annotations

import io
import json
from pathlib import Path

from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from provenance.cli import app

SEED = (Path(__file__).resolve().parent.parent / "seeds" / "000_8150f5e7268d8527.txt").read_text(encoding="utf-8")
BODY = "\n\n".join(p for p in SEED.split("\n\n")[3:15])


def page(published: str | None) -> bytes:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    paras = "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))
    return f"<html><head>{meta}<title>t</title></head><body><article>{paras}</article></body></html>".encode()


def write_warc(path: Path, records: list[tuple[str, str, bytes]]) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, date, payload in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            rec = writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers,
                                            warc_headers_dict={"WARC-Date": date})
            writer.write_record(rec)


def audit(corpus: Path, tmp_path: Path) -> dict:
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["audit", str(corpus), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


def test_an_undated_page_captured_before_the_copies_were_published_is_the_origin(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_warc(corpus / "crawl.warc.gz", [("https://blog.example/a", "2016-10-19T08:00:00Z", page(None))])
    (corpus / "copy.txt").write_text(BODY + "\n", encoding="utf-8")
    (corpus / "metadata.csv").write_text("path,outlet,date\ncopy.txt,The Times,2016-10-21\n", encoding="utf-8")
    report = audit(corpus, tmp_path)
    archived = next(d for d in report["documents"] if d["path"] == "crawl.warc.gz")
    assert archived["published"]["date"] is None  # never the capture time
    assert archived["captured"].startswith("2016-10-19T08:00")
    (cluster,) = report["clusters"]
    origin = next(d for d in report["documents"] if d["id"] == cluster["origin"]["document"])
    assert origin["path"] == "crawl.warc.gz" and "captured" in cluster["origin"]["reason"]


def test_a_publication_date_after_the_capture_is_a_conflict(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_warc(corpus / "crawl.warc.gz", [("https://blog.example/b", "2016-10-19T08:00:00Z", page("2016-11-02"))])
    report = audit(corpus, tmp_path)
    (doc,) = report["documents"]
    # the page cannot have been published after it was captured: the claim is not used
    assert doc["published"]["date"] is None
    assert [e["value"] for e in doc["published"]["evidence"]] == ["2016-11-02"]
    assert any("after the page was captured" in c and "not used" in c for c in doc["conflicts"])


def test_a_local_day_that_began_before_the_capture_is_kept(tmp_path):
    """11 March in UTC+11 began at 13:00Z on 10 March: a capture at 20:00Z that day
    does not contradict it; a capture a day and a half earlier does."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    write_warc(corpus / "late.warc.gz", [("https://paper.example/a", "2021-03-10T20:00:00Z", page("2021-03-11"))])
    write_warc(corpus / "early.warc.gz", [("https://paper.example/b", "2021-03-09T20:00:00Z", page("2021-03-11"))])
    report = audit(corpus, tmp_path)
    docs = {d["path"]: d for d in report["documents"]}
    assert docs["late.warc.gz"]["published"]["date"] == "2021-03-11"
    assert not any("captured" in c for c in docs["late.warc.gz"]["conflicts"])
    assert docs["early.warc.gz"]["published"]["date"] is None
    assert any("after the page was captured" in c for c in docs["early.warc.gz"]["conflicts"])


def test_a_metadata_date_that_cannot_be_read_is_reported_not_dropped(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    paras = "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))
    (corpus / "page.html").write_text(
        f'<html><head><meta name="date" content="03/05/2021"><title>t</title></head>'
        f"<body><article>{paras}</article></body></html>", encoding="utf-8")
    report = audit(corpus, tmp_path)
    (doc,) = report["documents"]
    assert doc["published"]["date"] is None
    [note] = [c for c in doc["conflicts"] if "'03/05/2021'" in c]
    assert "not used" in note and "ambiguous" in note


def test_a_recapture_keeps_the_earliest_capture_even_when_it_comes_later_in_the_archive(tmp_path):
    """Merged from two crawls, the archive holds the page's capture of the 25th before its
    capture of the 19th: the page is one document, captured on the 19th (its record, and
    everything the report says of it, that of the earlier capture), before the copy of the
    21st was published, so it is the origin."""
    from warcio.archiveiterator import ArchiveIterator

    corpus = tmp_path / "c"
    corpus.mkdir()
    archive = corpus / "crawl.warc.gz"
    write_warc(archive, [("https://blog.example/a", "2016-10-25T08:00:00Z", page(None)),
                         ("https://blog.example/a", "2016-10-19T08:00:00Z", page(None))])
    with open(archive, "rb") as fh:
        iterator = ArchiveIterator(fh)
        offsets = [iterator.get_record_offset() for _record in iterator]
    (corpus / "copy.txt").write_text(BODY + "\n", encoding="utf-8")
    (corpus / "metadata.csv").write_text("path,outlet,date\ncopy.txt,The Times,2016-10-21\n", encoding="utf-8")
    report = audit(corpus, tmp_path)
    assert report["run"]["inputs"]["skipped_records"] == {"recapture": 1}
    [archived] = [d for d in report["documents"] if d["path"] == "crawl.warc.gz"]
    assert archived["record"] == f"offset {offsets[1]}" and archived["url"] == "https://blog.example/a"
    assert archived["captured"].startswith("2016-10-19T08:00") and archived["published"]["date"] is None
    (cluster,) = report["clusters"]
    assert cluster["origin"]["document"] == archived["id"] and "captured" in cluster["origin"]["reason"]
