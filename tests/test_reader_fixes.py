"""Reader and inventory fixes: web-archive addresses and recaptures, JSON aliases and
numbers, XML encodings, sizes, text and NewsML-G2 items, wide encodings, hidden folders,
file names that need escapes, and the messages of a few rejections."""

from __future__ import annotations

import codecs
import io
import json
import os
import re
from pathlib import Path

import pytest

from provenance.inventory import build_inventory
from provenance.readers import read_file
from provenance.readers.warc import SKIPPED_KINDS, read_archive_stream

warcio = pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STORY = ("The ferry between Orlen and the salt marshes will run twice a day from next week, "
         "the harbour board said, after the new landing stage passed its inspection.")
OTHER = ("Volunteers counted four hundred nesting terns on the shingle spit this spring, "
         "the highest number since the reserve opened to visitors.")


def values(doc, key: str) -> list[tuple[str, str]]:
    return [(m.value, m.source) for m in doc.metadata if m.key == key]


# --------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------


def _json_docs(lines: list[dict]):
    data = "\n".join(json.dumps(x) for x in lines).encode()
    return read_file("feed.jsonl", data)


def test_json_unparseable_first_date_alias_does_not_hide_a_valid_one():
    docs, rejections = _json_docs([{"text": STORY, "date": "n/a", "published": "2021-03-01"}])
    assert rejections == [] and values(docs[0], "published") == [("2021-03-01", "json:published")]


def test_json_unparseable_only_date_is_still_given():
    docs, _ = _json_docs([{"text": STORY, "date": "n/a"}])
    assert values(docs[0], "published") == [("n/a", "json:date")]


def test_json_mongodb_extended_dates_are_read():
    docs, rejections = _json_docs([
        {"text": STORY, "date": {"$date": "2021-03-05T00:00:00Z"}},
        {"text": STORY, "date": {"$date": {"$numberLong": "1614902400000"}}},
    ])
    assert rejections == []
    assert [values(d, "published") for d in docs] == [[("2021-03-05T00:00:00Z", "json:date.$date")]] * 2


def test_json_huge_integer_does_not_reject_the_file():
    data = ('{"text": "' + STORY + '", "views": ' + "7" * 5000 + ', "date": "2021-03-06"}').encode()
    docs, rejections = read_file("story.json", data)
    assert rejections == [] and docs[0].text == STORY
    lines = ('{"text": "' + STORY + '", "id": ' + "9" * 5000 + "}\n").encode()
    docs, rejections = read_file("feed.jsonl", lines)
    assert rejections == [] and len(docs) == 1


def test_json_text_field_holding_a_number_says_so():
    _docs, rejections = _json_docs([{"text": 12345}, {"body": "  "}, {"title": "x"}])
    reasons = [r.reason for r in rejections if r.record]
    assert "'text' is a number, not text" in reasons[0]
    assert "'body' is empty" in reasons[1]
    assert reasons[2].startswith("record has no text field")


def test_json_object_with_text_and_an_articles_list_is_one_document():
    data = json.dumps({"text": "Index page", "articles": [{"text": STORY}, {"text": OTHER}]}).encode()
    docs, rejections = read_file("index.json", data)
    assert rejections == [] and [(d.text, d.record) for d in docs] == [("Index page", None)]


# --------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_utf32_text_with_a_byte_order_mark_is_read(codec):
    bom = codecs.BOM_UTF32_LE if codec.endswith("le") else codecs.BOM_UTF32_BE
    [doc], rejections = read_file("story.txt", bom + f"{STORY} Café.".encode(codec))
    assert rejections == [] and doc.text == f"{STORY} Café." and doc.encoding == "utf-32"


@pytest.mark.parametrize("data", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE])
def test_a_lone_wide_byte_order_mark_is_named(data):
    _docs, [rejection] = read_file("empty.txt", data)
    assert rejection.code == "empty" and rejection.reason == "file holds only a byte-order mark"
