"""The chaining guard that traces the origin's text through a cluster (provenance.reach)."""

from __future__ import annotations

from provenance.cluster import build_clusters
from provenance.model import Origin, SpanPair
from provenance.reach import settle, strays, traced


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
