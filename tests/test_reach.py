"""The chaining guard that traces the origin's text through a cluster (provenance.reach)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from provenance.align import in_order
from provenance.cluster import build_clusters
from provenance.dates import parse_date_value
from provenance.documents import document_ids
from provenance.model import Attribution, Document, Origin, SpanPair
from provenance.outlets import load_registry
from provenance.params import default_params
from provenance.pipeline import AuditOptions, Context, audit, origin_clusters
from provenance.reach import cut, settle, split, strays, traced
from provenance.report import build_report


def _pair(a, a0, a1, b, b0, b1):
    return SpanPair(a, a0, a1, b, b0, b1, 1.0, True, 20)


def _earliest_doc(rc):
    """Stand-in for the origin rules: the member of the lowest document index."""
    i = min(range(len(rc.members)), key=lambda k: (rc.members[k].doc, k))
    return Origin(member=i, outlet=None, date=None, in_corpus=True, rule="earliest-date", confidence="high",
                  reason="test")


def _docs(rc):
    return sorted(m.doc for m in rc.members)


def test_drifting_overlap_splits_off_the_member_that_holds_none_of_the_origins_text():
    # B (1) holds A's text at [0,100) and C's at [50,200): one passage of B by merge_overlap,
    # but only B[50,100) of what C shares with B is A's text, a third of C's span.
    pairs = [_pair(0, 0, 100, 1, 0, 100), _pair(1, 50, 200, 2, 0, 150)]
    [rc] = build_clusters(pairs, 0.5)
    assert _docs(rc) == [0, 1, 2]
    root = [i for i, m in enumerate(rc.members) if m.doc == 0][0]
    share = dict(zip((m.doc for m in rc.members), traced(rc, root)))
    assert share == {0: 100, 1: 100, 2: 50}
    assert [rc.members[i].doc for i in strays(rc, root, 0.5)] == [2]
    settled = settle([rc], _earliest_doc, 0.5, 0.0, 0.5)
    assert sorted(_docs(c) for c, _o in settled) == [[0, 1], [1, 2]]
    by_docs = {tuple(_docs(c)): (c, o) for c, o in settled}
    c, o = by_docs[(1, 2)]
    assert c.members[o.member].doc == 1  # C's passage now traces to B, not to A
    # B's member in A's cluster is now only the span it shares with A.
    c, _o = by_docs[(0, 1)]
    assert [(m.start, m.end) for m in c.members if m.doc == 1] == [(0, 100)]


def test_faithful_copies_of_copies_stay_in_one_cluster():
    # A -> B -> C, each a full copy of the previous one: C is not aligned with A, but all of it traces to A.
    pairs = [_pair(0, 0, 300, 1, 10, 310), _pair(1, 10, 310, 2, 0, 300)]
    [rc] = build_clusters(pairs, 0.5)
    settled = settle([rc], _earliest_doc, 0.5, 0.0, 0.5)
    assert [(_docs(c), c.members[o.member].doc) for c, o in settled] == [([0, 1, 2], 0)]


def test_a_member_aligned_with_the_origin_stays_however_little_it_holds():
    pairs = [_pair(0, 0, 100, 1, 0, 100), _pair(1, 0, 1000, 2, 0, 1000)]
    [rc] = build_clusters(pairs, 0.5)
    root = [i for i, m in enumerate(rc.members) if m.doc == 0][0]
    assert [rc.members[i].doc for i in strays(rc, root, 0.5)] == [2]  # B is aligned with A directly


def test_a_cycle_of_pairs_does_not_ratchet_the_traced_text():
    # A shares B[0,100); B and D are near-full copies of each other, mapped with slack; C shares
    # B[300,400) and D[300,420). Going round B -> D -> C -> B must not grow B's traced text.
    pairs = [_pair(0, 0, 100, 1, 0, 100), _pair(1, 0, 1000, 3, 0, 1200),
             _pair(1, 300, 400, 2, 0, 100), _pair(2, 0, 100, 3, 300, 420)]
    [rc] = build_clusters(pairs, 0.5)
    root = [i for i, m in enumerate(rc.members) if m.doc == 0][0]
    size = dict(zip((m.doc for m in rc.members), traced(rc, root)))
    assert (size[1], size[2], size[3]) == (100, 0, 120)


def test_off_when_the_share_is_zero():
    pairs = [_pair(0, 0, 100, 1, 0, 100), _pair(1, 50, 200, 2, 0, 150)]
    [rc] = build_clusters(pairs, 0.5)
    assert settle([rc], _earliest_doc, 0.5, 0.0, 0.0) == [(rc, _earliest_doc(rc))]


# ---- cutting a pair at the edge of the traced text


def _words(length, step=10, width=8):
    """Synthetic word bounds: a word of ``width`` characters every ``step``."""
    starts = np.arange(0, length, step, dtype=np.int64)
    return starts, starts + width


def test_a_pair_is_cut_at_the_traced_texts_edge_on_word_boundaries():
    p = SpanPair(0, 0, 300, 1, 0, 300, 1.0, True, 30)
    words = _words(300)
    piece, rest = cut(p, [(105, 300)], [(100, 300)], 5, lambda: words, lambda: words)
    # the a side's edge (105) falls inside the word at 100: that word goes with the traced piece
    assert (piece.a_start, piece.a_end, piece.b_start, piece.b_end) == (100, 300, 100, 300)
    assert [(r.a_start, r.a_end, r.b_start, r.b_end) for r in rest] == [(0, 98, 0, 98)]
    assert piece.tokens == 20 and rest[0].tokens == 10  # the matched words, shared out by words
    assert piece.verbatim and piece.similarity == 1.0


def test_an_untraced_end_too_short_to_stand_alone_stays_with_the_piece():
    p = SpanPair(0, 0, 300, 1, 0, 300, 1.0, True, 30)
    words = _words(300)
    piece, rest = cut(p, [(50, 300)], [(50, 300)], 12, lambda: words, lambda: words)
    assert piece == p and rest == []  # 5 words before the edge: not a span of their own


def test_a_pair_with_no_traced_text_on_either_side_goes_whole():
    p = SpanPair(0, 0, 300, 1, 0, 300, 1.0, True, 30)
    assert cut(p, [], [], 5) == (None, [p])


def test_one_sides_edge_is_mapped_onto_the_other():
    # only the a side holds traced text; b is twice as long: its edge is mapped linearly
    p = SpanPair(0, 0, 200, 1, 0, 400, 1.0, False, 40)
    piece, rest = cut(p, [(0, 100)], [], 5)
    assert (piece.a_start, piece.a_end, piece.b_start, piece.b_end) == (0, 100, 0, 200)
    assert [(r.a_start, r.a_end, r.b_start, r.b_end) for r in rest] == [(100, 200, 200, 400)]


def test_one_sides_edge_is_mapped_through_the_pairs_anchors():
    # b inserted 100 characters at a's offset 50: a's edge at 150 is b's 250, not the linear 200
    p = SpanPair(0, 0, 200, 1, 0, 300, 0.8, False, 40, anchors=(0, 0, 50, 50, 50, 150, 200, 300))
    piece, rest = cut(p, [(0, 150)], [], 5)
    assert (piece.a_start, piece.a_end, piece.b_start, piece.b_end) == (0, 150, 0, 250)
    assert [(r.a_start, r.a_end, r.b_start, r.b_end) for r in rest] == [(150, 200, 250, 300)]
    # each piece keeps its part of the runs
    assert piece.anchors == (0, 0, 50, 50, 50, 150, 150, 250) and rest[0].anchors == (150, 250, 200, 300)


def test_a_pair_is_mapped_between_its_runs_linearly():
    p = SpanPair(0, 0, 200, 1, 0, 200, 0.8, False, 40, anchors=(0, 0, 50, 150))
    piece, _rest = cut(p, [(0, 100)], [], 5)
    assert piece.b_end == 166  # from the run's end (50, 150) to the span's: 150 + 50 * 50 // 150


def test_a_cut_piece_has_its_own_similarity():
    # a pair whose first half is an exact copy and whose second half is reworded
    starts = np.arange(0, 300, 10, dtype=np.int64)
    words_a = (starts, starts + 8, np.arange(30, dtype=np.uint64))
    words_b = (starts, starts + 8, np.concatenate([np.arange(15), np.arange(100, 115)]).astype(np.uint64))
    p = SpanPair(0, 0, 300, 1, 0, 300, 0.6, False, 30)
    piece, rest = cut(p, [(0, 148)], [(0, 148)], 5, lambda: words_a, lambda: words_b)
    assert (piece.a_start, piece.a_end) == (0, 148)
    assert piece.verbatim and piece.similarity == 1.0
    assert not rest[0].verbatim and rest[0].similarity == 0.0


def _compilation_pairs():
    # Two pages (2, 3) each hold A's text (doc 0) at [0,100) and C's (doc 1) at [100,250);
    # the pages align with each other across both blocks in one span.
    return [_pair(0, 0, 100, 2, 0, 100), _pair(0, 0, 100, 3, 0, 100),
            _pair(1, 0, 150, 2, 100, 250), _pair(1, 0, 150, 3, 100, 250),
            _pair(2, 0, 250, 3, 0, 250)]


def _origin_c_first(rc):
    """C (doc 1) is older than A (doc 0)."""
    order = {1: 0, 0: 1}
    i = min(range(len(rc.members)), key=lambda k: (order.get(rc.members[k].doc, 9), k))
    return Origin(member=i, outlet=None, date=None, in_corpus=True, rule="earliest-date", confidence="high",
                  reason="test")


def _spans(settled):
    out = {}
    for c, o in settled:
        origin = c.members[o.member].doc
        out[origin] = sorted((m.doc, m.start, m.end) for m in c.members)
    return out


def test_pages_copying_one_anothers_compilation_get_one_passage_per_block():
    [rc] = build_clusters(_compilation_pairs(), 0.5)
    settled = settle([rc], _origin_c_first, 0.5, 0.0, 0.5, min_tokens=5)
    assert _spans(settled) == {1: [(1, 0, 150), (2, 100, 250), (3, 100, 250)],
                               0: [(0, 0, 100), (2, 0, 100), (3, 0, 100)]}


def test_without_cutting_the_later_blocks_cluster_holds_the_pages_whole_spans():
    [rc] = build_clusters(_compilation_pairs(), 0.5)
    settled = settle([rc], _origin_c_first, 0.5, 0.0, 0.5, min_tokens=0)
    assert _spans(settled)[1] == [(1, 0, 150), (2, 0, 250), (3, 0, 250)]


GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"


def _audit(case):
    result = audit(GOLDEN / case / "corpus", AuditOptions())
    report = build_report(result, default_params(), corpus=case, started="s", finished="f")
    texts = {d.path: d.text for d in result.inventory.documents}
    return report, texts


def test_copied_compilations_each_block_is_its_origins_text_only():
    report, texts = _audit("copied-compilations")
    path = {d["id"]: d["path"] for d in report["documents"]}
    for page in ("p1-compilation.txt", "p2-repost.txt"):
        doc = next(d for d in report["documents"] if d["path"] == page)
        blocks = {path[p["origin"]["document"]]: texts[page][p["start"]:p["end"]] for p in doc["passages"]}
        assert sorted(blocks) == ["a-first.txt", "c-other.txt"]
        assert blocks["a-first.txt"] in texts["a-first.txt"]
        assert blocks["c-other.txt"] in texts["c-other.txt"]
        spans = sorted((p["start"], p["end"]) for p in doc["passages"])
        assert spans[0][1] <= spans[1][0]  # the two passages do not overlap


def test_a_copys_added_paragraph_copied_on_is_its_own_passage():
    report, texts = _audit("copied-additions")
    docs = {d["path"]: d for d in report["documents"]}
    path = {d["id"]: d["path"] for d in report["documents"]}
    paper = docs["n-paper.txt"]
    own = [p for p in paper["passages"] if path[p["origin"]["document"]] == "n-paper.txt"]
    assert len(own) == 1 and texts["n-paper.txt"][own[0]["start"]:].startswith("Our correspondent adds")
    wire_part = len(texts["w-wire.txt"].split()) / len(texts["n-paper.txt"].split())
    assert abs(paper["reused_fraction"] - wire_part) < 0.02  # only the wire's text came from elsewhere
    blog = [p for p in docs["b-blog.txt"]["passages"]]
    assert sorted(path[p["origin"]["document"]] for p in blog) == ["n-paper.txt", "w-wire.txt"]


def test_the_word_an_edge_falls_in_stays_with_the_traced_piece():
    p = SpanPair(0, 0, 300, 1, 0, 300, 1.0, True, 30)
    words = _words(300)
    piece, rest = cut(p, [(100, 195)], [(100, 195)], 5, lambda: words, lambda: words)
    # 195 falls inside the word at [190, 198): the traced piece ends after it
    assert (piece.a_start, piece.a_end) == (100, 198)
    assert [(r.a_start, r.a_end) for r in rest] == [(0, 98), (200, 300)]


def test_traced_text_inside_the_gap_between_two_words_is_no_traced_piece():
    p = SpanPair(0, 0, 300, 1, 0, 300, 1.0, True, 30)
    words = _words(300)
    assert cut(p, [(98, 99)], [(98, 99)], 5, lambda: words, lambda: words) == (None, [p])


def test_an_edited_copys_added_paragraph_is_cut_where_it_starts():
    # The blog copies the newspaper with words inserted in the newspaper's own paragraph;
    # the blog is not aligned with the wire's edge there, so it is cut through its pair with
    # the newspaper. A linear map put the cut eleven words into the paragraph.
    report, texts = _audit("copied-additions-edited")
    path = {d["id"]: d["path"] for d in report["documents"]}
    blog = next(d for d in report["documents"] if d["path"] == "b-blog.txt")
    by_origin = {path[p["origin"]["document"]]: p for p in blog["passages"]}
    assert sorted(by_origin) == ["n-paper.txt", "w-wire.txt"]
    own = by_origin["n-paper.txt"]
    assert texts["b-blog.txt"][own["start"]:].startswith("Our correspondent adds")
    assert texts["b-blog.txt"][:by_origin["w-wire.txt"]["end"]].endswith("in the city of Aleppo")
    assert by_origin["w-wire.txt"]["relation"] == "verbatim"
    assert own["relation"] == "near_duplicate"


def test_only_the_b_sides_traced_text_is_mapped_back_onto_a():
    # the mirror of the a side's case: b is twice as long; its edge is mapped linearly onto a
    p = SpanPair(0, 0, 200, 1, 0, 400, 1.0, False, 40)
    piece, rest = cut(p, [], [(200, 400)], 5)
    assert (piece.a_start, piece.a_end, piece.b_start, piece.b_end) == (100, 200, 200, 400)
    assert [(r.a_start, r.a_end, r.b_start, r.b_end) for r in rest] == [(0, 100, 0, 200)]
    # ... and through the pair's anchors when it has them: b's 250 is a's 150
    p = SpanPair(0, 0, 200, 1, 0, 300, 0.8, False, 40, anchors=(0, 0, 50, 50, 50, 150, 200, 300))
    piece, rest = cut(p, [], [(0, 250)], 5)
    assert (piece.a_start, piece.a_end, piece.b_start, piece.b_end) == (0, 150, 0, 250)
    assert [(r.a_start, r.a_end, r.b_start, r.b_end) for r in rest] == [(150, 200, 250, 300)]


def _context(texts, dates):
    docs = [Document(path=f"{k}.txt", record=None, sha256=f"{k:064x}", text=t, format="text", encoding="utf-8")
            for k, t in enumerate(texts)]
    atts = [Attribution(outlet=f"Outlet {k}", outlet_kind="newspaper", outlet_evidence=(),
                        date=parse_date_value(d), date_evidence=()) for k, d in enumerate(dates)]
    n = len(texts)
    return Context(docs, atts, [[] for _ in range(n)], [[] for _ in range(n)], load_registry(), default_params())


def test_two_settled_clusters_with_the_same_members_are_one_cluster():
    # settle is handed the same cluster twice (what two splits ending with the same members
    # would give): the audit keeps one, with one id.
    body = "The harbour board voted on Thursday to dredge the eastern channel before winter. " * 3
    ctx = _context([body, body, "Ferry fares will rise by a tenth. " * 8], ["2016-10-20", "2016-10-21", "2016-10-22"])
    [rc] = build_clusters([_pair(0, 0, 200, 1, 0, 200)], 0.5)
    [other] = build_clusters([_pair(1, 0, 200, 2, 0, 200)], 0.5)
    ids = document_ids(ctx.docs)
    out = origin_clusters([rc, rc], ctx, ids)
    assert len(out) == 1 and out[0].members == rc.members
    assert out[0].origin.member == 0 and [l.member for l in out[0].chain] == [1]
    # different members stay apart
    out = origin_clusters([rc, other, rc], ctx, ids)
    assert [[m.doc for m in c.members] for c in out] == [[0, 1], [1, 2]]
    assert len({c.id for c in out}) == 2


def test_in_order_keeps_only_the_longest_256_runs():
    # 300 runs in order on both sides, of 300 different lengths: all would chain, but only
    # the 256 longest are searched
    width = [1 + (k * 37) % 300 for k in range(300)]
    runs = [(400 * k, 400 * k, 400 * k + w, 400 * k + w) for k, w in enumerate(width)]
    chain = in_order(runs, 0, 400 * 300, 0, 400 * 300)
    assert chain == [r for r, w in zip(runs, width) if w > 44]
    assert len(chain) == 256
    assert in_order(runs[:256], 0, 400 * 300, 0, 400 * 300) == runs[:256]  # no more: all kept


def _copy_with_an_addition():
    # 1 holds the origin's (0) text at [0,100); 2 copies all of 1, whose [100,250) holds 15
    # of their 25 matched tokens: more than 12 words, fewer than 20 characters
    pairs = [_pair(0, 0, 100, 1, 0, 100), SpanPair(1, 0, 250, 2, 0, 250, 1.0, True, 25)]
    [rc] = build_clusters(pairs, 0.5)
    return rc, [i for i, m in enumerate(rc.members) if m.doc == 0]


def _sides(pairs):
    return [(p.a, p.a_start, p.a_end, p.b, p.b_start, p.b_end, p.tokens) for p in pairs]


def test_a_piece_cut_off_a_pair_of_texts_in_ideographs_needs_its_length_in_characters():
    rc, root = _copy_with_an_addition()
    kept, rest = split(rc, root, 0.3, 12)
    assert _sides(rest) == [(1, 100, 250, 2, 100, 250, 15)]
    assert _sides(kept) == [(0, 0, 100, 1, 0, 100, 20), (1, 0, 100, 2, 0, 100, 10)]
    ctx = _context(["", "", ""], ["2016-10-20"] * 3)
    both = dataclasses.replace(ctx, ideographic=frozenset({1, 2})).min_cut_tokens()
    assert (both(1, 2), both(0, 1)) == (20, 12)
    assert split(rc, root, 0.3, both) is None  # 15 characters stay with the traced piece
    assert _spans(settle([rc], _earliest_doc, 0.5, 0.0, 0.3, both)) == {0: [(0, 0, 100), (1, 0, 250), (2, 0, 250)]}
    # a pair with one side in ideographs, or neither, needs 12 as before
    for flagged in (frozenset({2}), frozenset({0, 1}), frozenset()):
        least = dataclasses.replace(ctx, ideographic=flagged).min_cut_tokens()
        assert split(rc, root, 0.3, least) == (kept, rest)
    assert split(rc, root, 0.3, lambda a, b: 0) is None  # 0: never cut
