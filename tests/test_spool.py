"""Streaming ingest: texts are spooled to disk as they are read, and read back."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from provenance.inventory import build_inventory
from provenance.pipeline import AuditOptions, audit, materialised
from provenance.spool import SpooledText, TextSpool

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_spool_returns_each_text_exactly_and_keeps_none_in_memory():
    spool = TextSpool()
    texts = ["Aleppo, 13 December 2016.", "naïve café — “quoted” \U0001F600", "x" * 100_000, "\udcff lone surrogate"]
    spooled = [spool.put(t) for t in texts]
    assert spool.put("") == ""  # nothing to spool
    assert spool.texts == 4 and spool.bytes == sum(len(t.encode("utf-8", "surrogatepass")) for t in texts)
    for t, s in zip(texts, spooled):
        assert isinstance(s, SpooledText) and len(s) == len(t)
        assert str(s) == t and s == t and s[3:9] == t[3:9] and s.upper() == t.upper()
        assert s.__dict__["_value"] is None  # read again on every use, never kept
        assert pickle.loads(pickle.dumps(s)) == t and type(pickle.loads(pickle.dumps(s))) is str


def test_inventory_with_a_spool_reads_the_same_documents():
    corpus = FIXTURES / "golden" / "syndication" / "corpus"
    plain = build_inventory(corpus).documents
    spooled = build_inventory(corpus, spool=TextSpool()).documents
    assert len(plain) == len(spooled) > 3
    for a, b in zip(plain, spooled):
        assert type(b.text) is SpooledText and materialised(b) == a and type(materialised(b).text) is str


def test_audit_holds_no_text_in_memory_and_reads_texts_back_for_the_report(monkeypatch):
    from provenance import parallel, pipeline

    # Chunks of two documents or pairs, so that this small corpus is shared out among the
    # workers, which read their texts from the spool; and a record of the pools started.
    pools: list[tuple[str, frozenset[int]]] = []
    stages: list[str] = []
    real_map_chunks = parallel.map_chunks

    class SpyPool(parallel.ProcessPoolExecutor):
        def map(self, *args, **kwargs):
            results = super().map(*args, **kwargs)  # every chunk is submitted: the workers exist now
            pools.append((stages[-1], frozenset(self._processes or ())))
            return results

    def small_chunks(fn, items, *, chunk_size, stage: str, **kwargs):
        stages.append(stage)
        return real_map_chunks(fn, items, chunk_size=2, stage=stage, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", SpyPool)
    monkeypatch.setattr(pipeline, "map_chunks", small_chunks)
    result = audit(FIXTURES / "golden" / "syndication" / "corpus", AuditOptions(jobs=2))
    assert sorted(s for s, _ in pools) == ["candidates verified", "documents analysed"]
    assert all(len(workers) == 2 and os.getpid() not in workers for _, workers in pools)
    docs = result.inventory.documents
    assert all(type(d.text) is SpooledText and d.text.__dict__["_value"] is None for d in docs)
    # the texts read back are the files' texts: a cluster member's span is real text
    member = result.clusters[0].members[0]
    assert len(docs[member.doc].text[member.start:member.end].split()) >= 12
    # and the workers found what one process finds
    serial = audit(FIXTURES / "golden" / "syndication" / "corpus", AuditOptions(jobs=1))
    assert [[(m.doc, m.start, m.end) for m in c.members] for c in result.clusters] == \
        [[(m.doc, m.start, m.end) for m in c.members] for c in serial.clusters]
