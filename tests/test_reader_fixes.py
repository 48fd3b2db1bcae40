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
