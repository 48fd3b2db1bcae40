"""The Spark engine gives the local engine's report, byte for byte.

Spark runs in local mode (``local[2]``, one session for the module).  Every golden
corpus, the hostile-input corpus, and a generated corpus of about 2,500 documents
(sources, verbatim and edited copies, excerpts, chains, wire stories, pointers,
boilerplate, quotations, JSON Lines, HTML, XML and a web archive) are audited by
both engines and the reports compared with ``run.started``/``run.finished`` removed.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None and not (os.environ.get("JAVA_HOME")
                                         and Path(os.environ["JAVA_HOME"], "bin", "java").is_file()):
    pytest.skip("the Spark engine needs Java", allow_module_level=True)

from typer.testing import CliRunner  # noqa: E402

from provenance.cli import app  # noqa: E402
from provenance.engines.spark import audit_spark, index_corpus_spark  # noqa: E402
from provenance.params import default_params  # noqa: E402
from provenance.pipeline import AuditOptions, audit, index_corpus  # noqa: E402
from provenance.report import build_report, dumps  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "fixtures" / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "corpus").is_dir())


# The tests' JVMs run short jobs: the quick compiler alone and one garbage-collector
# thread start them in half the time (spark-submit passes SPARK_SUBMIT_OPTS to the
# driver's JVM, and prints nothing about it).
QUICK_JVM = {"SPARK_SUBMIT_OPTS": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"}


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    with pytest.MonkeyPatch.context() as patch:
        for name, value in QUICK_JVM.items():
            patch.setenv(name, os.environ.get(name, value))
        session = (SparkSession.builder.master("local[2]").appName("provenance tests")
                   .config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false")
                   .config("spark.sql.shuffle.partitions", "4")
                   .config("spark.default.parallelism", "4")
                   .config("spark.driver.memory", "1g")
                   # workers fork from a daemon that has imported provenance (see engines/sparkdaemon.py)
                   .config("spark.python.daemon.module", "provenance.engines.sparkdaemon")
                   .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def report_text(result, corpus: str = "corpus") -> str:
    report = build_report(result, default_params(), corpus=corpus, started="", finished="")
    return dumps(report)


def assert_same(corpus: Path, options: AuditOptions | None = None,
                spark_options: AuditOptions | None = None) -> tuple:
    options = options or AuditOptions(jobs=2)
    local = audit(corpus, options)
    distributed = audit_spark(corpus, spark_options or options)
    a, b = report_text(local), report_text(distributed)
    if a != b:  # the first difference, readably
        ja, jb = json.loads(a), json.loads(b)
        for key in ja:
            assert ja[key] == jb[key], key
    assert a == b
    return local, distributed


# --------------------------------------------------------------------------
# A generated corpus
# --------------------------------------------------------------------------

_SYLLABLES = ("ba be bi bo bu da de di do du fa fe fi fo ga ge go ka ke ki ko la le li lo lu ma me mi mo mu "
              "na ne ni no nu pa pe pi po ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo za ze zo "
              "bra cre dri fla glo pre stra tri").split()
_PAPERS = ["The Guardian", "The Telegraph", "Daily Mail", "The Times", "The Independent", "Daily Express",
           "Daily Mirror", "Financial Times", "Harbour City Herald", "Lakeside Gazette", "Northfield Courier"]
_WIRES = ["Reuters", "Associated Press", "Agence France-Presse"]
_PLACES = ["LONDON", "PARIS", "BERLIN", "MADRID", "ROME", "TOKYO"]


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        words = sorted({"".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(9000)})
        rng.shuffle(words)
        self.words = words[:6000]
        self.weights = [1.0 / (i + 1) ** 0.7 for i in range(len(self.words))]

    def sentence(self) -> str:
        n = self.rng.randint(8, 22)
        w = self.rng.choices(self.words, self.weights, k=n)
        return w[0].capitalize() + " " + " ".join(w[1:]) + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 6)))

    def article(self, paragraphs: int | None = None) -> list[str]:
        return [self.paragraph() for _ in range(paragraphs or self.rng.randint(3, 7))]

    def edit(self, paragraphs: list[str]) -> list[str]:
        out = []
        for p in paragraphs:
            sentences = p.split(". ")
            if len(sentences) > 3 and self.rng.random() < 0.3:
                del sentences[self.rng.randrange(len(sentences))]
            words = ". ".join(sentences).split(" ")
            for _ in range(max(1, len(words) // 40)):
                words[self.rng.randrange(len(words))] = self.rng.choice(self.words)
            out.append(" ".join(words))
        return out


def generate_corpus(root: Path, documents: int = 2500, seed: int = 7) -> None:
    """A deterministic corpus of about ``documents`` articles in nested folders."""
    rng = random.Random(seed)
    w = _Writer(rng)
    start = date(2016, 3, 1)
    texts: dict[str, str] = {}
    sidecar: list[tuple[str, str, str]] = []
    sources: list[tuple[list[str], str, date, str]] = []  # paragraphs, outlet, date, path
    copies: dict[int, int] = {}
    first_source: list = []
    slots = list(range(documents))
    rng.shuffle(slots)  # the walk order is not the order of writing

    def path_for(n: int, ext: str = "txt") -> str:
        slot = slots[n % len(slots)]
        return f"{slot // 400:02d}/{'sub/' if slot % 7 == 0 else ''}{slot:05d}.{ext}"

    n = 0
    while n < documents - 60:
        kind = rng.random()
        day = start + timedelta(days=rng.randint(0, 300))
        if kind < 0.55 or not sources:  # unrelated, or a future source
            outlet = rng.choice(_PAPERS + _WIRES)
            paras = w.article()
            body = list(paras)
            if outlet in _WIRES:
                body[0] = f"{rng.choice(_PLACES)} ({outlet}) - {body[0]}"
            path = path_for(n)
            texts[path] = "\n\n".join(body) + "\n"
            sidecar.append((path, outlet, day.isoformat()))
            if rng.random() < 0.35:
                sources.append((paras, outlet, day, path))
                first_source[:] = first_source or [sources[-1]]
        else:
            pick = rng.randrange(len(sources))
            paras, outlet, sday, _spath = sources[pick]
            copies[pick] = copies.get(pick, 0) + 1
            if copies[pick] >= 3:  # a few copies each: clusters of realistic size
                last = len(sources) - 1
                sources[pick], copies[pick] = sources[last], copies.get(last, 0)
                sources.pop()
                copies.pop(last, None)
            copier = rng.choice([p for p in _PAPERS if p != outlet])
            cday = sday + timedelta(days=rng.choice([0, 0, 1, 2, 3]))
            how = rng.random()
            if how < 0.3:
                body = list(paras)
            elif how < 0.6:
                body = w.edit(paras)
            elif how < 0.85:
                k = rng.randint(1, min(2, len(paras)))
                at = rng.randrange(len(paras) - k + 1)
                own = w.article(rng.randint(3, 5))
                body = own[:2] + paras[at:at + k] + own[2:]
            else:
                body = w.article(2) + [p for p in paras]
            if outlet in _WIRES and rng.random() < 0.5 and not body[0].startswith(tuple(_PLACES)):
                body[0] = f"{rng.choice(_PLACES)} ({outlet}) - {body[0]}"
            if rng.random() < 0.15:
                body.append(f"This article originally appeared in {outlet}.")
            path = path_for(n)
            texts[path] = "\n\n".join(body) + "\n"
            sidecar.append((path, copier, cday.isoformat()))
            if rng.random() < 0.2:  # a copy of a copy
                sources.append((body, copier, cday, path))
        n += 1

    # exact duplicates (ids -2, -3), a page citing an original not in the corpus,
    # a shared footer (boilerplate), a quotation shared by two outlets
    for k in range(6):
        original = rng.choice(sorted(texts))
        texts[path_for(n)] = texts[original]
        n += 1
    cited = w.article(3)
    texts[path_for(n)] = "Republished from The Sun.\n\n" + "\n\n".join(cited) + "\n"
    n += 1
    footer = " ".join(w.sentence() for _ in range(2))
    for k in range(12):
        p = path_for(n)
        texts[p] = "\n\n".join(w.article(3) + [footer]) + "\n"
        sidecar.append((p, "Lakeside Gazette", (start + timedelta(days=k)).isoformat()))
        n += 1
    quote = " ".join(w.sentence() for _ in range(2)).rstrip(".")
    for k, outlet in enumerate(("The Times", "Daily Mirror")):
        p = path_for(n)
        texts[p] = "\n\n".join(w.article(3) + [f'The minister said: "{quote}," before leaving.']) + "\n"
        sidecar.append((p, outlet, (start + timedelta(days=k)).isoformat()))
        n += 1

    for rel, text in texts.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    # other formats: JSON Lines (records, one broken), HTML, agency XML, a web archive
    src_paras, _outlet, src_day, _ = first_source[0]
    lines = []
    for k in range(8):
        body = "\n\n".join(src_paras if k % 3 == 0 else w.article(3))
        lines.append(json.dumps({"text": body, "title": f"Record {k}", "outlet": "Daily Mail",
                                 "date": (src_day + timedelta(days=1)).isoformat()}))
    lines.insert(4, "{not json")
    for folder in ("01", "02", "03", "04", "05"):  # a small corpus may not reach them all
        (root / folder).mkdir(exist_ok=True)
    (root / "05" / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    page = ("<html><head><title>Copied page</title>"
            f'<meta property="article:published_time" content="{(src_day + timedelta(days=2)).isoformat()}">'
            '<meta property="og:site_name" content="The Independent"></head><body><article>'
            + "".join(f"<p>{p}</p>" for p in src_paras) + "</article></body></html>")
    (root / "02" / "page.html").write_text(page, encoding="utf-8")
    for name in ("nitf-reuters.xml", "newsml-g2-afp.xml"):
        shutil.copy(ROOT / "fixtures" / "formats" / name, root / "03" / name)
    (root / "04" / "crawl.warc.gz").write_bytes(_warc([(f"https://www.example-news.test/story/{k}",
                                                       "\n\n".join(src_paras if k == 1 else w.article(2)))
                                                      for k in range(3)]))
    (root / "01" / "notes.pdf").write_bytes(b"%PDF-1.4 not an article")
    (root / "01" / "empty.txt").write_bytes(b"")
    (root / ".hidden.txt").write_text("hidden", encoding="utf-8")
    with open(root / "metadata.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["path", "outlet", "date"])
        out.writerows(sorted(sidecar))
        out.writerow(["missing/file.txt", "Ghost", "2016-01-01"])


def _warc(pages: list[tuple[str, str]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "provenance tests"}))
    for url, text in pages:
        body = ("<html><head><title>Archived</title></head><body><article>"
                + "".join(f"<p>{p}</p>" for p in text.split("\n\n")) + "</article></body></html>").encode()
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                                      warc_headers_dict={"WARC-Date": "2016-09-01T10:00:00Z"}))
        writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                                      http_headers=StatusAndHeaders("GET / HTTP/1.1", [],
                                                                                    is_http_request=True)))
    return buf.getvalue()


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_golden_corpus_same_report(spark, case):
    assert_same(GOLDEN / case / "corpus")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("generated") / "corpus"
    generate_corpus(root)
    return root


def test_generated_corpus_same_report(spark, generated):
    local, distributed = assert_same(generated)
    docs = local.inventory.documents
    assert 2400 <= len(docs) <= 2700
    assert {d.format for d in docs} >= {"text", "html", "jsonl", "xml"}
    assert any(d.path.endswith(".warc.gz") for d in docs)
    rules = {c.origin.rule for c in local.clusters}
    assert {"earliest-date", "explicit-pointer", "cited-origin", "undetermined"} <= rules
    assert local.stats["boilerplate_spans"] and local.stats["quotation_spans"]
    assert any(len(c.chain) > 1 for c in local.clusters)
    assert local.stats == {**distributed.stats, "seconds": local.stats["seconds"]}
    # no text crossed to the driver: documents carry their length and read the text when used
    from provenance.engines.corpustext import CorpusText

    first = distributed.inventory.documents[0]
    assert isinstance(first.text, CorpusText) and len(first.text) == len(docs[0].text)
    assert first.text[:40] == docs[0].text[:40] and str(first.text) == docs[0].text


def test_corpus_given_as_a_uri_is_listed_and_read_through_hadoop(spark):
    """hdfs://, s3a://... go through Hadoop's FileSystem listing and binaryFiles; file://
    takes the same path on the local disk."""
    corpus = GOLDEN / "syndication" / "corpus"
    local = audit(corpus, AuditOptions(jobs=1))
    distributed = audit_spark(corpus.resolve().as_uri(), AuditOptions())
    assert report_text(local) == report_text(distributed)
    assert distributed.inventory.documents[0].text == local.inventory.documents[0].text



def test_a_backslash_in_a_name_is_shown_alike_through_hadoop(spark, tmp_path):
    """The Hadoop listing writes a backslash in a file name as the local walk does (``\\\\``)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(GOLDEN / "syndication" / "corpus", corpus)
    (corpus / "back\\slash.txt").write_text("A short note about the harbour ferry timetable and its winter service.\n")
    local = audit(corpus, AuditOptions(jobs=1))
    distributed = audit_spark(corpus.resolve().as_uri(), AuditOptions())
    assert "back\\\\slash.txt" in {d.path for d in distributed.inventory.documents}
    assert report_text(local) == report_text(distributed)

def test_an_archive_out_of_date_order_keeps_the_same_capture_in_both_engines(spark, tmp_path):
    """A page captured twice, the later capture first in the file: both engines keep the
    earlier capture, read its text again from that record, and give the same report."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    corpus = tmp_path / "corpus"
    shutil.copytree(GOLDEN / "syndication" / "corpus", corpus)
    body = ("<html><head><title>Ferry</title></head><body><article><p>The ferry between Orlen and the salt "
            "marshes will run twice a day from next week, the harbour board said, after the new landing "
            "stage passed its inspection.</p></article></body></html>").encode()
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for when in ("2021-03-17T00:00:00Z", "2021-03-10T00:00:00Z", "2021-03-10T00:00:00Z"):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://paper.example/ferry", "response",
                                                      payload=io.BytesIO(body), http_headers=http,
                                                      warc_headers_dict={"WARC-Date": when}))
    (corpus / "merged.warc.gz").write_bytes(buf.getvalue())
    iterator = ArchiveIterator(io.BytesIO(buf.getvalue()))
    offsets = [iterator.get_record_offset() for _record in iterator]
    local, distributed = assert_same(corpus, AuditOptions(jobs=1))
    for result in (local, distributed):
        [doc] = [d for d in result.inventory.documents if d.path == "merged.warc.gz"]
        assert doc.record == f"offset {offsets[1]}"
        assert [m.value for m in doc.metadata if m.key == "captured"] == ["2021-03-10T00:00:00Z"]
        assert "landing stage" in str(doc.text)
        assert dict(result.inventory.skipped_records) == {"recapture": 2}


@pytest.fixture(scope="module")
def malformed(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("make_malformed", ROOT / "fixtures" / "malformed" / "make.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    corpus = tmp_path_factory.mktemp("malformed") / "corpus"
    module.write(corpus)
    yield corpus
    os.chmod(corpus / "unreadable.txt", 0o644)


def test_hostile_corpus_same_rejections_and_report(spark, malformed):
    local, _ = assert_same(malformed)
    assert local.inventory.rejections


def test_following_symlinks_and_small_size_limit(spark, malformed):
    assert_same(malformed, AuditOptions(follow_symlinks=True, max_file_bytes=300, jobs=2))


def rows(db: Path):
    """Everything an index holds, in a fixed order (the times documents were added aside)."""
    con = sqlite3.connect(db)
    try:
        docs = con.execute("SELECT id, source, path, record, sha256, document, sidecar FROM documents "
                           "ORDER BY id").fetchall()
        keys = con.execute("SELECT key, doc FROM keys ORDER BY key, doc").fetchall()
        meta = con.execute("SELECT key, value FROM meta ORDER BY key").fetchall()
    finally:
        con.close()
    return docs, keys, meta


def test_index_add_same_index(spark, tmp_path):
    corpus = GOLDEN / "syndication" / "corpus"
    a, b = tmp_path / "local.db", tmp_path / "spark.db"
    stats_a, inv_a = index_corpus(corpus, a, AuditOptions(jobs=1))
    stats_b, inv_b = index_corpus_spark(corpus, b, AuditOptions())
    assert stats_a == stats_b and len(inv_a.documents) == len(inv_b.documents)
    assert rows(a) == rows(b)
    c = tmp_path / "cli.db"
    result = CliRunner().invoke(app, ["index", "add", str(corpus), "--index", str(c), "--engine", "spark", "-q"])
    assert result.exit_code == 0, result.output
    assert rows(c) == rows(a) and rows(c)[0][0][1] == "corpus"


def split_syndication(tmp_path: Path) -> tuple[Path, Path]:
    """The syndication corpus as an archive (all but the verbatim copy) and new material."""
    old, new = tmp_path / "archive", tmp_path / "incoming"
    shutil.copytree(GOLDEN / "syndication" / "corpus", old)
    new.mkdir()
    shutil.move(old / "verbatim-copy.txt", new / "verbatim-copy.txt")
    (new / "metadata.csv").write_text("path,outlet,date\nverbatim-copy.txt,Daily Planet Online,2016-10-21\n")
    return old, new


def test_audit_against_an_index_same_report_and_same_index_after_add(spark, tmp_path):
    old, new = split_syndication(tmp_path)
    base = tmp_path / "archive.db"
    index_corpus(old, base, AuditOptions(jobs=1))
    a, b = tmp_path / "local.db", tmp_path / "spark.db"
    shutil.copy(base, a)
    shutil.copy(base, b)
    local, distributed = assert_same(new, AuditOptions(jobs=2, index=a, add_to_index=True),
                                     AuditOptions(index=b, add_to_index=True))
    assert len(local.archive) == len(distributed.archive) >= 1
    assert local.stats == {**distributed.stats, "seconds": local.stats["seconds"]}
    assert distributed.stats["archive_documents"] >= 1 and distributed.stats["index_added"] == 1
    # the new copy's origin is the archived Guardian story, as the local engine says
    report = json.loads(report_text(distributed))
    docs = {d["id"]: d for d in report["documents"]}
    (copy,) = [d for d in report["documents"] if d["collection"] is None]
    origin = docs[copy["passages"][0]["origin"]["document"]]
    assert (origin["path"], origin["collection"]) == ("guardian-origin.txt", "index:archive")
    assert rows(a) == rows(b) and len(rows(b)[0]) == 7  # --add stored the same document the same way


def test_audit_against_an_index_holding_the_corpus_twice_over(spark, tmp_path, monkeypatch):
    """Every new document meets its own indexed twin (identical texts under another
    source name) and the twins' copies: document ids, ties and origins across the two
    collections come out as in the local engine.  The driver looks the keys up in
    batches of 7 documents here, so that batches meet the same indexed buckets."""
    import provenance.engines.spark as engine

    monkeypatch.setattr(engine, "LOOKUP_DOCUMENTS", 7)
    corpus = tmp_path / "corpus"
    generate_corpus(corpus, documents=300, seed=11)
    index = tmp_path / "twin.db"
    index_corpus(corpus, index, AuditOptions(jobs=2, source="twin"))
    local, distributed = assert_same(corpus, AuditOptions(jobs=2, index=index))
    assert len(local.archive) >= 250
    assert local.stats == {**distributed.stats, "seconds": local.stats["seconds"]}
    ids = [d["id"] for d in json.loads(report_text(distributed))["documents"]]
    assert any(i.endswith("-2") for i in ids)  # a new document and its indexed twin: one text, two ids


def test_cli_spark_audit_with_an_index(spark, tmp_path):
    old, new = split_syndication(tmp_path)
    index = tmp_path / "archive.db"
    runner = CliRunner()
    assert runner.invoke(app, ["index", "add", str(old), "--index", str(index), "-q"]).exit_code == 0
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", str(new), "--index", str(index), "--add", "--engine", "spark", "-q",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["run"]["inputs"]["archive_documents"] >= 1 and len(rows(index)[0]) == 7
    missing = runner.invoke(app, ["audit", str(new), "--index", str(tmp_path / "none.db"), "--engine", "spark"])
    assert missing.exit_code == 2 and "no such index" in missing.output


def test_cli_engine_spark_writes_the_same_report(spark, tmp_path):
    corpus = GOLDEN / "chaining" / "corpus"
    runner = CliRunner()
    reports, pages = [], []
    for engine in ("local", "spark"):
        out = tmp_path / f"{engine}.json"
        extra = ["--spark-conf", "spark.ui.enabled=false"] if engine == "spark" else []
        result = runner.invoke(app, ["audit", str(corpus), "-o", str(out), "--engine", engine, "-q",
                                     "--export", f"html:{tmp_path / engine}.html", *extra])
        assert result.exit_code == 0, result.output
        report = json.loads(out.read_text(encoding="utf-8"))
        page = (tmp_path / f"{engine}.html").read_text(encoding="utf-8")
        for when in (report["run"]["started"], report["run"]["finished"]):
            page = page.replace(when, "")
        pages.append(page)
        report["run"]["started"] = report["run"]["finished"] = None
        reports.append(report)
    assert reports[0] == reports[1]
    assert pages[0] == pages[1]  # passages quoted side by side: the texts were read again


def test_cli_spark_options_need_the_spark_engine(tmp_path):
    result = CliRunner().invoke(app, ["audit", str(GOLDEN / "ties" / "corpus"), "--spark-master", "local[1]"])
    assert result.exit_code == 2 and "need --engine spark" in result.output
    result = CliRunner().invoke(app, ["audit", str(GOLDEN / "ties" / "corpus"), "--engine", "spark",
                                      "--spark-conf", "no-equals-sign"])
    assert result.exit_code == 2 and "--spark-conf expects KEY=VALUE" in result.output


@pytest.mark.parametrize("missing", ["pyspark", "java"])
def test_cli_spark_without_pyspark_or_java_is_a_usage_error(missing, tmp_path):
    script = ("import sys\n"
              + ("sys.modules['pyspark'] = None\n" if missing == "pyspark" else "")
              + "from provenance.cli import main\n"
              "sys.argv = ['provenance', 'audit', sys.argv[1], '--engine', 'spark']\n"
              "main()\n")
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "SPARK_HOME")}
    if missing == "java":
        env["PATH"] = str(Path(sys.executable).parent)  # this Python, and no java
    done = subprocess.run([sys.executable, "-c", script, str(GOLDEN / "ties" / "corpus")], env=env,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2, done.stderr
    assert "--engine spark needs pyspark (pip install 'provenance[spark]') and Java" in done.stderr
    assert ("pyspark is not installed" if missing == "pyspark" else "no java") in done.stderr


# The Java runtime prints this itself, before Spark's code runs, for the module Spark's
# launcher always adds (Spark 4 on Java 17+): no log configuration reaches it.
JVM_NOTICE = "WARNING: Using incubator modules: jdk.incubator.vector"
# What Spark prints below ERROR: start-up notices, log records, the progress bar
SPARK_CHATTER = ("Using Spark's default log4j profile", "Setting default log level", "To adjust logging level",
                 "Setting Spark log level", "[Stage ")


def run_cli(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command line in a process of its own: Spark's JVM starts with it, as for a user."""
    script = "import sys\nfrom provenance.cli import main\nsys.argv = ['provenance'] + sys.argv[1:]\nmain()\n"
    env = {k: v for k, v in (env or os.environ).items() if k not in ("LOG4J_CONFIGURATION_FILE", "PYSPARK_SUBMIT_ARGS")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    env = {**QUICK_JVM, **env}
    return subprocess.run([sys.executable, "-c", script, *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def chatter(stderr: str) -> list[str]:
    """The lines of stderr that are neither errors nor the Java runtime's own notice."""
    import re

    below_error = re.compile(r"^\d\d/\d\d/\d\d \d\d:\d\d:\d\d (WARN|INFO|DEBUG|TRACE) ")
    return [line for line in stderr.splitlines()
            if below_error.match(line) or any(marker in line for marker in SPARK_CHATTER)]


@pytest.mark.parametrize("command", ["audit", "index add"])
def test_quiet_spark_prints_nothing(command, tmp_path):
    """`--engine spark -q` in a cron job: nothing on stdout, and on stderr at most the Java
    runtime's own notice; nothing written in the corpus or the current folder."""
    corpus = tmp_path / "corpus"
    shutil.copytree(GOLDEN / "syndication" / "corpus", corpus)
    before = sorted(p.relative_to(corpus) for p in corpus.rglob("*"))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    args = (["audit", str(corpus), "-o", str(out / "report.json")] if command == "audit"
            else ["index", "add", str(corpus), "--index", str(out / "archive.db")])
    done = run_cli(args + ["--engine", "spark", "-q", "--spark-master", "local[1]"], cwd)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert [line for line in done.stderr.splitlines() if line != JVM_NOTICE] == [], done.stderr
    assert list(cwd.iterdir()) == []
    assert sorted(p.relative_to(corpus) for p in corpus.rglob("*")) == before
    assert sorted(p.name for p in out.iterdir()) == (["report.json"] if command == "audit" else ["archive.db"])


@pytest.mark.parametrize("error", ["bad master", "failing job"])
def test_quiet_spark_still_prints_errors(error, tmp_path):
    """With -q, Spark's errors still reach stderr (and nothing below them)."""
    if error == "bad master":
        extra = ["--spark-master", "nowhere://x"]
    else:  # the Python workers cannot start: the first task fails, and the job with it
        extra = ["--spark-master", "local[1]", "--spark-conf", "spark.python.daemon.module=no_such_daemon_module"]
    done = run_cli(["audit", str(GOLDEN / "ties" / "corpus"), "-o", str(tmp_path / "report.json"),
                    "--engine", "spark", "-q"] + extra, tmp_path)
    assert done.returncode != 0 and done.stdout == ""
    if error == "bad master":
        assert done.returncode == 2
        assert "Master must either be yarn or start with spark" in done.stderr  # Spark's own words
        assert "provenance: error: --engine spark needs pyspark" in done.stderr and "Spark did not start" in done.stderr
    else:  # Spark's log at ERROR, then one line of ours: no Python traceback
        assert done.returncode == 2
        assert " ERROR TaskSetManager: Task 0 in stage 0.0 failed 1 times; aborting job" in done.stderr
        assert "No module named no_such_daemon_module" in done.stderr
        last = done.stderr.strip().splitlines()[-1]
        assert last.startswith("provenance: error: the audit failed on Spark: Job aborted due to stage failure")
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "report.json").exists()
    assert chatter(done.stderr) == [], done.stderr


def test_quiet_spark_keeps_a_log_configuration_the_user_names(tmp_path):
    """-Dlog4j.configurationFile in the user's spark.driver.extraJavaOptions wins over -q's."""
    config = tmp_path / "my log4j2.properties"
    config.write_text("rootLogger.level = info\nrootLogger.appenderRef.out.ref = out\n"
                      "appender.out.type = Console\nappender.out.name = out\nappender.out.target = SYSTEM_ERR\n"
                      "appender.out.layout.type = PatternLayout\nappender.out.layout.pattern = MINE %p %c{1}: %m%n\n"
                      "logger.shell.name = org.apache.spark.api.python.PythonGatewayServer\nlogger.shell.level = info\n",
                      encoding="utf-8")
    done = run_cli(["audit", str(GOLDEN / "ties" / "corpus"), "-o", str(tmp_path / "report.json"),
                    "--engine", "spark", "-q", "--spark-master", "local[1]",
                    "--spark-conf", f"spark.driver.extraJavaOptions=-Dlog4j.configurationFile={config.as_uri()}"],
                   tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert any(line.startswith("MINE ") for line in done.stderr.splitlines()), done.stderr  # theirs was used


def test_quiet_log_configuration_is_shipped_and_named_only_while_spark_starts(monkeypatch):
    from provenance.engines import spark as engine

    uri = engine.quiet_log_config()
    assert uri is not None and uri.startswith("file:") and uri.endswith("/provenance/data/log4j2-quiet.properties")
    monkeypatch.delenv(engine.LOG4J_ENV, raising=False)
    with engine._log_config(uri):
        assert os.environ[engine.LOG4J_ENV] == uri
    assert engine.LOG4J_ENV not in os.environ
    monkeypatch.setenv(engine.LOG4J_ENV, "file:///the/users/own.properties")  # the user's own wins
    with engine._log_config(uri):
        assert os.environ[engine.LOG4J_ENV] == "file:///the/users/own.properties"
    assert os.environ[engine.LOG4J_ENV] == "file:///the/users/own.properties"


@pytest.mark.parametrize("case", ["syndication", "chaining"])
def test_rewrites_with_corpus_word_rarity_same_report(spark, case):
    from provenance.params import REWRITES, with_overrides

    # a small prior, so that the corpus's word rarity really weighs the sentences
    params = with_overrides(default_params(), {**REWRITES, "align.sentence_rarity_prior": "1"})
    local, _distributed = assert_same(GOLDEN / case / "corpus", AuditOptions(params=params, jobs=2))
    assert "rarity" in local.stats["seconds"]


def test_a_sidecar_address_describes_its_document_in_both_engines(spark, tmp_path):
    """A sidecar row's url and title fill a plain-text document's; a copy's pointer to
    that address names it as the original, with either engine."""
    from test_sidecar_address import ADDRESS, BODY, _page

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "original.txt").write_text(BODY + "\n", encoding="utf-8")
    (corpus / "copy.html").write_text(_page(based_on=ADDRESS), encoding="utf-8")
    (corpus / "metadata.csv").write_text(f"path,url,title\noriginal.txt,{ADDRESS},Breakwater\n", encoding="utf-8")
    local, _distributed = assert_same(corpus)
    report = json.loads(report_text(local))
    docs = {d["path"]: d for d in report["documents"]}
    assert docs["original.txt"]["url"] == ADDRESS and docs["original.txt"]["title"] == "Breakwater"
    assert report["clusters"][0]["origin"]["document"] == docs["original.txt"]["id"]


def test_a_rewritten_brief_is_traced_alike_in_both_engines(spark, tmp_path):
    """Briefs are indexed on the driver and matched on the executors: the same passage,
    origin and counts as the local engine's."""
    from test_briefs import write_brief_corpus

    write_brief_corpus(tmp_path / "corpus")
    local, distributed = assert_same(tmp_path / "corpus")
    assert local.stats["brief_pairs"] == distributed.stats["brief_pairs"] >= 1
    report = json.loads(report_text(local))
    docs = {d["path"]: d for d in report["documents"]}
    assert docs["brief.txt"]["derivation"] == "wholly_derived"


def test_tied_copies_find_their_source_alike_in_both_engines(spark, tmp_path):
    """The tied clusters' passages are indexed on the driver, matched and verified on
    the executors, and the clusters decided again: the same report as the local engine's."""
    from test_tied import write_tied_corpus

    from test_briefs import UNRELATED

    corpus = write_tied_corpus(tmp_path / "corpus")
    (corpus / "council-copy.txt").write_text(UNRELATED, encoding="utf-8")  # a cluster no source touches
    with open(corpus / "metadata.csv", "a", encoding="utf-8") as fh:
        fh.write("council-copy.txt,Coast Weekly,1999-10-07\n")
    local, distributed = assert_same(tmp_path / "corpus")
    assert local.stats["tie_source_pairs"] == distributed.stats["tie_source_pairs"] >= 2
    assert local.stats["clusters"] == 2
    assert distributed.stats["seconds"]["components_redone"] == 1  # only the tied copies' component
    report = json.loads(report_text(local))
    docs = {d["path"]: d for d in report["documents"]}
    [p] = docs["a.txt"]["passages"]
    assert p["origin"]["document"] == docs["wire.txt"]["id"]
    # a source whose window holds another cluster's older text is left out alike
    from test_tied import add_older_report

    add_older_report(tmp_path / "corpus")
    local, _distributed = assert_same(tmp_path / "corpus")
    report = json.loads(report_text(local))
    docs = {d["path"]: d for d in report["documents"]}
    assert docs["old.txt"]["derivation"] == "non_derived" and docs["old.txt"]["passages"]
    # a source's span the quotation screen sets aside is set aside, and counted, alike
    from test_tied import write_quoted_corpus

    local, _distributed = assert_same(write_quoted_corpus(tmp_path / "quoted"))
    assert local.stats["quotation_spans"] == 1
