"""Robustness of the readers and the tokenizer against malformed or unusual input.

Each test reproduces a confirmed bug: a crash, a file not accounted for, a wrong
decoding, a page lost to a bogus charset, an unhelpful reason, or a verbatim copy
missed because of invisible characters.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from provenance.cli import app
from provenance.inventory import build_inventory
from provenance.readers import read_file
from provenance.readers.html import decode_html
from provenance.readers.text import decode_bytes
from provenance.readers.warc import read_archive_stream
from provenance.tokens import Tokenizer, normalise_word, word_bounds

ROOT = Path(__file__).resolve().parent.parent
SYNDICATION = ROOT / "fixtures" / "golden" / "syndication" / "corpus"
STORY = (SYNDICATION / "guardian-origin.txt").read_text(encoding="utf-8")
SENTENCE = ("The county council said on Tuesday that the footbridge over the river would reopen "
            "next month after engineers replaced the corroded supports and repainted the railings.")
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def audit(corpus: Path, out: Path) -> dict:
    result = invoke("audit", corpus, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def assert_accounted(report: dict) -> None:
    inputs = report["run"]["inputs"]
    sidecar = 1 if report["sidecar"]["path"] is not None else 0
    assert inputs["files_seen"] == inputs["files_with_documents"] + inputs["rejected_files"] + sidecar, inputs
    documents = {d["path"] for d in report["documents"]}
    whole = {r["path"] for r in report["rejections"] if r["record"] is None}
    assert not documents & whole


def warc_bytes(pages: list[bytes], *, gz: bool = False) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for i, page in enumerate(pages):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://ex.test/{i}", "response",
                                                      payload=io.BytesIO(page), http_headers=http))
    return buf.getvalue()


# ==========================================================================
# 1. Lone surrogate escapes in JSON
# ==========================================================================


def test_lone_surrogates_in_json_become_replacement_characters():
    data = ('{"text": "%s \\ud800", "title": "Bridge \\ud83d", "outlet": "Smile \\ud83d\\ude00",'
            ' "k\\udc00": 1}' % SENTENCE).encode()
    [doc], rejections = read_file("a.json", data)
    assert rejections == []
    assert doc.title == "Bridge \ufffd"
    assert doc.text.endswith("railings. \ufffd")
    assert ("outlet", "Smile \U0001F600", "json:outlet") in [(m.key, m.value, m.source) for m in doc.metadata]
    for value in (doc.text, doc.title, *(m.value for m in doc.metadata), *(m.source for m in doc.metadata)):
        value.encode("utf-8")  # no surrogate left anywhere


def test_lone_surrogates_in_json_lines_and_arrays():
    line = '{"text": "%s", "headline": "Bridge \\udfff end"}' % SENTENCE
    docs, rejections = read_file("a.jsonl", (line + "\n" + line + "\n").encode())
    assert rejections == [] and [d.title for d in docs] == ["Bridge \ufffd end"] * 2
    docs, rejections = read_file("a.json", ("[" + line + ", " + line + "]").encode())
    assert rejections == [] and [d.title for d in docs] == ["Bridge \ufffd end"] * 2
    assert all(len(d.sha256) == 64 for d in docs)


def test_lone_surrogate_in_jsonld_metadata_of_a_page():
    page = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "Bridge \\ud83d", "datePublished": "2016-10-20"}</script></head>'
            '<body><article><p>%s</p></article></body></html>' % SENTENCE).encode()
    [doc], _ = read_file("a.html", page)
    for m in doc.metadata:
        m.value.encode("utf-8")
    assert any(m.value == "Bridge \ufffd" for m in doc.metadata)


def test_audit_and_index_add_survive_lone_surrogates(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.json").write_text('{"text": "%s", "title": "Bridge \\ud83d"}\n' % SENTENCE)
    (corpus / "b.json").write_text('{"text": "%s \\ud800"}\n' % SENTENCE)
    report = audit(corpus, tmp_path / "o.json")
    titles = {d["path"]: d["title"] for d in report["documents"]}
    assert titles == {"a.json": "Bridge \ufffd", "b.json": None}
    result = invoke("index", "add", corpus, "--index", tmp_path / "i.db", "-q")
    assert result.exit_code == 0, result.output


# ==========================================================================
# 2. Every file is accounted for: files without any document are rejected files
# ==========================================================================


def test_files_with_only_record_rejections_are_rejected_files(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "ok.txt").write_text(SENTENCE + "\n")
    (corpus / "allbad.jsonl").write_text('{bad\n{"title": "no text"}\n')
    (corpus / "notext.jsonl").write_text('{"title": "one"}\n{"title": "two"}\n')
    (corpus / "numbers.json").write_text("[1, 2, 3]")
    (corpus / "page.warc").write_text(f"<html><body><p>{SENTENCE}</p></body></html>")
    (corpus / "text.warc.gz").write_bytes(gzip.compress((STORY[:2000]).encode()))
    report = audit(corpus, tmp_path / "o.json")
    assert_accounted(report)
    inputs = report["run"]["inputs"]
    assert (inputs["files_seen"], inputs["files_with_documents"], inputs["rejected_files"]) == (6, 1, 5)
    whole = {r["path"]: r["code"] for r in report["rejections"] if r["record"] is None}
    assert whole == {"allbad.jsonl": "invalid-json", "notext.jsonl": "no-text", "numbers.json": "invalid-json",
                     "page.warc": "invalid-warc", "text.warc.gz": "invalid-warc"}
    reasons = {r["path"]: r["reason"] for r in report["rejections"] if r["record"] is None}
    assert "2 records" in reasons["allbad.jsonl"] and "3 records" in reasons["numbers.json"]
    assert "not a WARC" in reasons["page.warc"] and "<html>" in reasons["page.warc"]
    # the record-level reasons are still there, after the file's own rejection
    records = [(r["path"], r["record"], r["code"]) for r in report["rejections"] if r["path"] == "allbad.jsonl"]
    assert records == [("allbad.jsonl", None, "invalid-json"), ("allbad.jsonl", "line 1", "invalid-json"),
                       ("allbad.jsonl", "line 2", "no-text")]


def test_archive_whose_records_are_all_rejected_is_a_rejected_file():
    big = b"<html><body><p>" + SENTENCE.encode() * 50 + b"</p></body></html>"
    docs, rejections, _c = read_archive_stream("big.warc", io.BytesIO(warc_bytes([big, big])), 1000)
    assert docs == []
    assert [(r.record is None, r.code) for r in rejections] == [(True, "too-large"), (False, "too-large"),
                                                                (False, "too-large")]
    assert "2 records" in rejections[0].reason


def test_a_file_with_some_documents_gets_no_file_rejection():
    data = ('{"text": "%s"}\n{bad\n' % SENTENCE).encode()
    docs, rejections = read_file("a.jsonl", data)
    assert len(docs) == 1 and [(r.record, r.code) for r in rejections] == [("line 2", "invalid-json")]


@pytest.mark.parametrize("csv_too", [True, False])
def test_a_second_sidecar_at_the_root_is_rejected_not_read_as_articles(tmp_path, csv_too):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(SENTENCE + "\n")
    (corpus / "metadata.jsonl").write_text('{"path": "a.txt", "outlet": "Gazette"}\n')
    if csv_too:
        (corpus / "metadata.csv").write_text("path,outlet\na.txt,Gazette\n")
    report = audit(corpus, tmp_path / "o.json")
    assert_accounted(report)
    rejections = [(r["path"], r["record"], r["code"]) for r in report["rejections"]]
    if csv_too:
        assert report["sidecar"]["path"] == "metadata.csv"
        assert rejections == [("metadata.jsonl", None, "unsupported-format")]
        [reason] = [r["reason"] for r in report["rejections"]]
        assert "metadata.csv" in reason and "sidecar" in reason
    else:
        assert report["sidecar"]["path"] == "metadata.jsonl" and rejections == []
    # the same with an explicit sidecar elsewhere: the root one is not read as articles
    elsewhere = tmp_path / "meta.csv"
    elsewhere.write_text("path,outlet\na.txt,Gazette\n")
    inv = build_inventory(corpus, metadata=elsewhere)
    codes = {r.path: (r.record, r.code) for r in inv.rejections}
    assert codes["metadata.jsonl"] == (None, "unsupported-format")


# ==========================================================================
# 3. UTF-8 with a few stray cp1252 bytes
# ==========================================================================


def test_utf8_with_a_stray_cp1252_byte_keeps_its_utf8():
    text = "\u201cWe will appeal,\u201d she said \u2013 the caf\u00e9 is closed. " * 3
    data = text.encode() + b"It\x92s over, \x81 and \x9d."
    decoded, encoding = decode_bytes(data)
    assert decoded == text + "It\u2019s over, \x81 and \x9d."
    assert encoding == "utf-8+cp1252"  # recorded as what it is
    [doc], _ = read_file("a.txt", data)
    assert doc.text == decoded.rstrip() and doc.encoding == "utf-8+cp1252"
    # with a byte-order mark
    assert decode_bytes(b"\xef\xbb\xbf" + data) == (decoded, "utf-8+cp1252")
    # a page that declares UTF-8, or windows-1252, is read the same way
    for charset in ("utf-8", "windows-1252"):
        page = f'<html><head><meta charset="{charset}"></head><body><p>'.encode() + data + b"</p></body></html>"
        [doc], _ = read_file("a.html", page)
        assert doc.text == decoded.rstrip() and doc.encoding == "utf-8+cp1252"


def test_audit_of_utf8_with_stray_byte_finds_the_verbatim_copy(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    story = STORY[:1500]
    (corpus / "a.txt").write_text(story, encoding="utf-8")
    raw = story.encode()
    cut = raw.index(b"Egeland")
    (corpus / "b.txt").write_bytes(raw[:cut] + b"\x92" + raw[cut:])
    report = audit(corpus, tmp_path / "o.json")
    assert {d["path"]: d["encoding"] for d in report["documents"]} == {"a.txt": "utf-8", "b.txt": "utf-8+cp1252"}
    docs = {d["path"]: d for d in report["documents"]}
    [cluster] = report["clusters"]
    assert {m["document"] for m in cluster["members"]} == {docs["a.txt"]["id"], docs["b.txt"]["id"]}
    [passage] = docs["b.txt"]["passages"]
    # the whole text is shared; the stray byte, read as a curly quote, is one word apart
    assert passage["end"] - passage["start"] >= 0.95 * len(story)
    assert passage["relation"] in ("verbatim", "near_duplicate") and passage["similarity"] >= 0.95


def test_legacy_single_byte_files_decode_as_before():
    latin = "The fine was \xa3500 for the caf\xe9, said M. Ren\xe9 \xc0 Paris.\n".encode("latin-1")
    assert decode_bytes(latin) == (latin.decode("cp1252"), "cp1252")
    undefined = b"Control \x81 byte, caf\xe9, \xa3 5"
    assert decode_bytes(undefined) == (undefined.decode("latin-1"), "latin-1")
    quotes = "\u201cWe will appeal,\u201d she said \u2013 it\u2019s over.".encode("cp1252")
    assert decode_bytes(quotes) == (quotes.decode("cp1252"), "cp1252")
    # a whole legacy file: every non-ASCII character written as one Windows-1252 byte
    legacy = ("\u201cGuilty,\u201d said the jury at Caf\xe9 Royal \u2013 fined \xa3200 \u2026 "
              "costs of \u20ac50.\r\nNa\xefve appeal refused.\r\n").encode("cp1252")
    assert legacy.decode("cp1252").encode("utf-8") != legacy  # not UTF-8 by accident
    assert decode_bytes(legacy) == (legacy.decode("cp1252").replace("\r\n", "\n"), "cp1252")
    for path in sorted((ROOT / "fixtures").rglob("*.txt")):  # the fixtures are UTF-8
        data = path.read_bytes()
        expected = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
        assert decode_bytes(data) == (expected, "utf-8"), path


# ==========================================================================
# 4. Unknown or non-text charsets declared by a page
# ==========================================================================


@pytest.mark.parametrize("label", ["hex", "undefined", "base64", "rot13", "zlib", "bz2", "uu", "quopri",
                                   "no-such-charset"])
def test_bogus_meta_charset_falls_back_to_detection(label):
    page = (f'<html><head><meta charset="{label}"></head><body><p>Caf\xe9 {SENTENCE}</p></body></html>'
            .encode("latin-1"))
    [doc], rejections = read_file("a.html", page)
    assert rejections == []
    assert doc.text == f"Caf\xe9 {SENTENCE}" and doc.encoding == "cp1252"
    text, encoding = decode_html(page)
    assert encoding == "cp1252" and f"Caf\xe9 {SENTENCE}" in text


@pytest.mark.parametrize("label", ["hex", "undefined", "base64"])
def test_bogus_http_charset_in_an_archive_falls_back(label):
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    http = StatusAndHeaders("200 OK", [("Content-Type", f"text/html; charset={label}")], protocol="HTTP/1.1")
    page = f"<html><body><p>Caf\xe9 {SENTENCE}</p></body></html>".encode("latin-1")
    writer.write_record(writer.create_warc_record("https://ex.test/", "response", payload=io.BytesIO(page),
                                                  http_headers=http))
    docs, rejections, _c = read_archive_stream("a.warc", io.BytesIO(buf.getvalue()), 1 << 20)
    assert rejections == [] and [d.text for d in docs] == [f"Caf\xe9 {SENTENCE}"]


# ==========================================================================
# 5. Truncated or foreign archives: reasons in words
# ==========================================================================


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_archive_reason_is_in_words(gz):
    page = f"<html><body><article><p>{STORY[:1200]}</p></article></body></html>".encode()
    data = warc_bytes([page, page], gz=gz)
    cuts = [60] if not gz else []
    cuts += list(range(1, 400, 13))
    for cut in cuts:
        docs, rejections, _c = read_archive_stream("cut.warc", io.BytesIO(data[:cut]), 1 << 20)
        assert docs == [] and rejections, cut
        whole = [r for r in rejections if r.record is None]
        assert len(whole) == 1, (cut, rejections)
        for r in rejections:
            assert "NoneType" not in r.reason and "AttributeError" not in r.reason, (cut, r.reason)
            assert "startswith" not in r.reason, (cut, r.reason)
    if not gz:
        docs, [rej], _c = read_archive_stream("cut.warc", io.BytesIO(warc_bytes([page])[:60]), 1 << 20)
        assert rej.code == "invalid-warc" and rej.record is None
        assert "truncated or not a WARC" in rej.reason and "no record header could be read" in rej.reason


def test_damaged_gzip_archive_reason_is_in_words():
    page = f"<html><body><article><p>{STORY[:1200]}</p></article></body></html>".encode()
    gz = warc_bytes([page, page], gz=True)
    flipped = gz[:200] + bytes([gz[200] ^ 0xFF]) + gz[201:]
    docs, rejections, _c = read_archive_stream("f.warc.gz", io.BytesIO(flipped), 1 << 20)
    [whole] = [r for r in rejections if r.record is None]
    assert whole.code == "invalid-warc"
    assert "\\x1f\\x8b" not in whole.reason and "Error" not in whole.reason
    cut = gz[: len(gz) // 2 + 100]
    docs, rejections, _c = read_archive_stream("t.warc.gz", io.BytesIO(cut), 1 << 20)
    assert len(docs) == 1
    for r in rejections:
        assert "NoneType" not in r.reason and "AttributeError" not in r.reason, r.reason


# ==========================================================================
# 6. Invisible format characters inside words
# ==========================================================================

FORMAT_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"


@pytest.mark.parametrize("ch", list(FORMAT_CHARS))
def test_format_characters_are_part_of_the_word_and_dropped_from_it(ch):
    tok = Tokenizer()
    plain = "The cease" + "fire held, it\u2019s said."
    marked = "The cease" + ch + "fire held, it\u2019" + ch + "s said."
    a, b = tok(plain), tok(marked)
    assert list(a.hashes) == list(b.hashes)
    words = [marked[s:e] for s, e in zip(*b.bounds())]
    assert words == ["The", "cease" + ch + "fire", "held", "it\u2019" + ch + "s", "said"]
    assert normalise_word("cease" + ch + "fire") == "ceasefire"
    # at the edge of a word it belongs to no word
    edge = tok(ch + "ceasefire" + ch + " held")
    assert list(edge.hashes) == list(tok("ceasefire held").hashes)
    assert edge.bounds()[0].tolist() == [1, 1 + len("ceasefire") + 2]


def test_apostrophe_rules_are_kept_with_format_characters():
    tok = Tokenizer()
    for text in ("don''t", "don'\u00ad't", "a'", "'a", "x\u00ad\u00ad'\u200by", "x''\u00ady", "\u00ad'\u00ad"):
        starts, ends = word_bounds(text)
        found = [text[s:e] for s, e in zip(starts.tolist(), ends.tolist())]
        assert found == re.findall(tokens_pattern(), text), text
        assert len(tok(text)) == len(found)


def tokens_pattern():
    from provenance.tokens import _WORD

    return _WORD


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 '’.-\u00e9\u0301") + list(FORMAT_CHARS)), max_size=40))
def test_word_bounds_agree_with_the_word_pattern(text):
    starts, ends = word_bounds(text)
    matches = list(tokens_pattern().finditer(text))
    assert starts.tolist() == [m.start() for m in matches]
    assert ends.tolist() == [m.end() for m in matches]


def test_texts_without_format_characters_tokenize_as_before():
    old = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
    for path in sorted(SYNDICATION.iterdir()):
        if path.suffix != ".txt":
            continue
        text = path.read_text(encoding="utf-8")
        starts, ends = word_bounds(text)
        matches = list(old.finditer(text))
        assert starts.tolist() == [m.start() for m in matches]
        assert ends.tolist() == [m.end() for m in matches]


@pytest.mark.parametrize("mark", ["&shy;", "\u200b", "\u2060", "\ufeff"])
def test_copy_differing_by_invisible_characters_is_verbatim(tmp_path, mark):
    corpus = tmp_path / "c"
    corpus.mkdir()
    story = STORY[:1500]
    assert "ceasefire" in story
    (corpus / "a.txt").write_text(story, encoding="utf-8")
    body = story.replace("ceasefire", "cease" + mark + "fire").replace("\n\n", "</p><p>")
    (corpus / "b.html").write_text(f"<html><body><article><p>{body}</p></article></body></html>", encoding="utf-8")
    (corpus / "metadata.csv").write_text("path,outlet,date\na.txt,The Guardian,2016-10-20\n"
                                         "b.html,Daily Planet,2016-10-21\n")
    report = audit(corpus, tmp_path / "o.json")
    chain = [(c["path"], c["relation"]) for cl in report["clusters"] for c in cl["chain"]]
    assert ("b.html", "verbatim") in chain, chain
    # offsets stay exact: the passage text in b.html holds the invisible character
    [b] = [d for d in report["documents"] if d["path"] == "b.html"]
    [a] = [d for d in report["documents"] if d["path"] == "a.txt"]
    assert b["characters"] == a["characters"] + (1 if mark == "&shy;" else len(mark)) * story.count("ceasefire")
