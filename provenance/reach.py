"""Chaining guard by tracing the origin's text through a cluster.

A cluster is a connected component of verified pairs, and one passage of a
document joins the spans of every pair that overlap it enough.  A run of partial
overlaps can still join texts that share nothing: B shares one paragraph with A
and the next with C, so A and C land in one cluster, and C's origin becomes A.
Once a cluster's origin is chosen, its text is carried along the verified pairs:
each pair maps the part of its span on one side that holds the origin's text onto
its span on the other side, through the points where the alignment knows the two
sides correspond (the ends of its runs of matched words), linearly between them.
A member aligned with the origin directly, or holding at least ``trace_min_share``
of its length of traced text, is a copy of the origin's text.  The others are not: they, with every pair
that reaches them, are clustered again apart, and each new cluster gets its own
origin.  The cluster keeps the pairs between the members that stay.

A pair between two members that stay can still hold more than the origin's text:
two pages that both repost A and then C align with each other across both blocks,
and a page that copies another page copies its added paragraphs with the rest.  Such
a pair is cut at the edges of the traced text: the traced piece stays, and the
pieces before and after it, when long enough to stand alone as a span, are
clustered again apart with the split-off members.  How long that is can differ from
pair to pair: between two texts in ideographs and kana, where a token is a character,
lengths set in words count characters.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import replace
from functools import lru_cache
from typing import Callable, Sequence

import numpy as np

from .cluster import RawCluster, build_clusters
from .model import Origin, SpanPair

Interval = tuple[int, int]
# A document's words: start and end offsets, and optionally their hashes (which tell a
# cut piece's own similarity; without them a piece keeps its pair's)
Bounds = tuple[np.ndarray, ...]
# The matched words a piece cut off a pair needs to stand alone: one number for every
# pair, or one for each pair's two documents (a and b)
MinTokens = int | Callable[[int, int], int]


def _union(intervals: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


class _Warp:
    """One side of a pair mapped onto the other: through the pair's anchors (the
    alignment's runs of matched words, in order on both sides), linearly between them,
    and linearly over the whole span without them."""

    __slots__ = ("xs", "ys")

    def __init__(self, xs: list[int], ys: list[int]) -> None:
        self.xs, self.ys = xs, ys

    @classmethod
    def of(cls, p: SpanPair, forward: bool = True) -> "_Warp":
        """The map of side a onto side b of pair ``p`` (or of b onto a)."""
        return _warps(p)[0 if forward else 1]

    @classmethod
    def both(cls, p: SpanPair) -> tuple["_Warp", "_Warp"]:
        xs, ys = [p.a_start], [p.b_start]
        for a0, b0, a1, b1 in _runs(p):
            # x repeats where b inserted words, y where a did
            xs += [a0, a1]
            ys += [b0, b1]
        xs.append(p.a_end)
        ys.append(p.b_end)
        return cls(xs, ys), cls(ys, xs)

    def __call__(self, x: int) -> int:
        xs, ys = self.xs, self.ys
        if x <= xs[0]:
            return ys[0]
        if x >= xs[-1]:
            return ys[-1]
        k = bisect_right(xs, x) - 1
        return ys[k] + (x - xs[k]) * (ys[k + 1] - ys[k]) // (xs[k + 1] - xs[k])


@lru_cache(maxsize=1 << 16)
def _warps(p: SpanPair) -> tuple[_Warp, _Warp]:
    """Both maps of a pair, made once: tracing reads every pair of a cluster again for
    each document that might be its origin."""
    return _Warp.both(p)


def _runs(p: SpanPair) -> list[tuple[int, int, int, int]]:
    """The pair's anchors as runs ``(a0, b0, a1, b1)``, in order on both sides."""
    a = p.anchors
    return [(a[k], a[k + 1], a[k + 2], a[k + 3]) for k in range(0, len(a) - 3, 4)]


def _clip(run: tuple[int, int, int, int], a0: int, a1: int, b0: int, b1: int) -> tuple[int, ...]:
    """The part of a run inside a piece [a0, a1) x [b0, b1) (a run's words match one for
    one, so its ends are moved linearly), or nothing."""
    ra0, rb0, ra1, rb1 = run
    lo, hi = max(ra0, a0), min(ra1, a1)
    if hi <= lo or ra1 <= ra0:
        return ()
    s0 = rb0 + (lo - ra0) * (rb1 - rb0) // (ra1 - ra0)
    s1 = rb0 + (hi - ra0) * (rb1 - rb0) // (ra1 - ra0)
    if not b0 <= s0 <= s1 <= b1:
        return ()
    return (lo, s0, hi, s1)


def _project(cover: list[Interval], warp: _Warp) -> list[Interval]:
    """The parts of ``cover`` inside the warp's span, mapped onto its partner's span."""
    xs, ys = warp.xs, warp.ys
    fs, fe = xs[0], xs[-1]
    out = []
    if len(xs) == 2:  # no anchors: one linear map (most pairs; inlined, for speed)
        ts, te = ys
        for s, e in cover:
            lo, hi = max(s, fs), min(e, fe)
            if hi > lo:
                y0, y1 = ts + (lo - fs) * (te - ts) // (fe - fs), ts + (hi - fs) * (te - ts) // (fe - fs)
                if y1 > y0:
                    out.append((y0, y1))
        return out
    for s, e in cover:
        lo, hi = max(s, fs), min(e, fe)
        if hi > lo:
            y0, y1 = warp(lo), warp(hi)
            if y1 > y0:
                out.append((y0, y1))
    return out


def traced(cluster: RawCluster, root: int | Sequence[int]) -> list[int]:
    """Characters of each member that hold the root member's text (or the text of
    several roots, such as every member of one document), carried along the pairs."""
    return [sum(e - s for s, e in cover) for cover in covers(cluster, root)]


def covers(cluster: RawCluster, root: int | Sequence[int]) -> list[list[Interval]]:
    """The intervals of each member that hold the root's text, carried along the pairs.

    Members are settled one at a time, the one holding the largest share first (as in
    a shortest-path search); a member's traced text is the union of what its settled
    partners map onto it.  A settled member never changes, so the slack of the linear
    mapping cannot ratchet round a cycle of pairs.
    """
    members = cluster.members
    adjacent: list[list[tuple[int, SpanPair, int]]] = [[] for _ in members]
    for p, (u, v) in zip(cluster.pairs, cluster.sides):
        adjacent[u].append((v, p, 0))
        adjacent[v].append((u, p, 1))
    roots = [root] if isinstance(root, int) else list(root)
    cover: list[list[Interval]] = [[] for _ in members]
    size = [0] * len(members)
    for r in roots:
        cover[r] = [(members[r].start, members[r].end)]
        size[r] = members[r].end - members[r].start
    settled = [False] * len(members)
    heap = [(-1.0, r) for r in roots]
    while heap:
        _share, u = heapq.heappop(heap)
        if settled[u]:
            continue
        settled[u] = True
        for v, p, way in adjacent[u]:
            if settled[v]:
                continue
            added = _project(cover[u], _warps(p)[way])
            if added:
                cover[v] = _union(cover[v] + added)
                size[v] = sum(e - s for s, e in cover[v])
                heapq.heappush(heap, (-size[v] / (members[v].end - members[v].start), v))
    return cover


def strays(cluster: RawCluster, root: int | Sequence[int], min_share: float) -> list[int]:
    """Members neither aligned with a root directly nor holding ``min_share`` of its text."""
    if min_share <= 0 or not cluster.pairs:
        return []
    return _strays(cluster, root, min_share, traced(cluster, root))


def _strays(cluster: RawCluster, root: int | Sequence[int], min_share: float, size: list[int]) -> list[int]:
    direct = {root} if isinstance(root, int) else set(root)
    roots = frozenset(direct)
    for u, v in cluster.sides:
        if u in roots or v in roots:
            direct.update((u, v))
    return [i for i, m in enumerate(cluster.members)
            if i not in direct and size[i] < min_share * (m.end - m.start)]


def _hull(cover: list[Interval], start: int, end: int) -> Interval | None:
    """The extent of the traced intervals inside [start, end), or None."""
    inside = [(max(s, start), min(e, end)) for s, e in cover if s < end and start < e]
    return (inside[0][0], inside[-1][1]) if inside else None


class _Side:
    """One side of a pair to be cut: its span, and the word bounds of its document,
    read only when a cut is made (None: offsets are taken as they are, as in tests of
    synthetic spans)."""

    def __init__(self, start: int, end: int, words: Callable[[], Bounds] | None) -> None:
        self.start, self.end, self._words = start, end, words
        self._bounds: Bounds | None = None

    @property
    def words(self) -> Bounds | None:
        if self._bounds is None and self._words is not None:
            self._bounds = self._words()
        return self._bounds

    def split_at(self, x: int, word_goes_right: bool) -> tuple[int, int]:
        """Where the piece before ``x`` ends and the piece after it starts, on the word
        boundary next to ``x``: the word ``x`` falls in goes right (the traced piece's
        start) or left (its end), so the traced piece keeps it."""
        if self.words is None:
            return x, x
        starts, ends = self.words[0], self.words[1]
        # i: the number of words that go left
        i = int(np.searchsorted(ends, x, side="right") if word_goes_right else np.searchsorted(starts, x))
        right = int(starts[i]) if i < len(starts) else self.end
        left = int(ends[i - 1]) if i > 0 else self.start
        return max(self.start, min(left, self.end)), max(self.start, min(right, self.end))

    def hashes_in(self, lo: int, hi: int) -> np.ndarray | None:
        """The hashes of the words starting in [lo, hi), when they are known."""
        if self.words is None or len(self.words) < 3:
            return None
        starts = self.words[0]
        return self.words[2][int(np.searchsorted(starts, lo)):int(np.searchsorted(starts, hi))]

    def words_in(self, lo: int, hi: int) -> int:
        """Words starting in [lo, hi) (characters when word bounds are not known)."""
        if self.words is None:
            return hi - lo
        starts = self.words[0]
        return int(np.searchsorted(starts, hi) - np.searchsorted(starts, lo))


def cut(p: SpanPair, cover_a: list[Interval], cover_b: list[Interval], min_tokens: int,
        words_a: Callable[[], Bounds] | None = None,
        words_b: Callable[[], Bounds] | None = None) -> tuple[SpanPair | None, list[SpanPair]]:
    """Pair ``p`` cut at the edges of the traced text: the traced piece (None when
    neither side holds any) and the pieces before and after it that hold at least
    ``min_tokens`` matched words (estimated from the pair's matched share); shorter
    ends stay with the traced piece.  Each side is cut at its own traced text's edge
    where it holds some, else at the other side's edge mapped through the pair's
    anchors; then at a word boundary."""
    a, b = _Side(p.a_start, p.a_end, words_a), _Side(p.b_start, p.b_end, words_b)
    on_a, on_b = _hull(cover_a, a.start, a.end), _hull(cover_b, b.start, b.end)
    if on_a is None and on_b is None:
        return None, [p]
    a_to_b, b_to_a = _Warp.of(p), _Warp.of(p, forward=False)
    if on_a is None:
        on_a = (b_to_a(on_b[0]), b_to_a(on_b[1]))
    if on_b is None:
        on_b = (a_to_b(on_a[0]), a_to_b(on_a[1]))
    # the traced piece is the larger of the two sides' traced extents
    a_lo, b_lo = min(on_a[0], b_to_a(on_b[0])), min(on_b[0], a_to_b(on_a[0]))
    a_hi, b_hi = max(on_a[1], b_to_a(on_b[1])), max(on_b[1], a_to_b(on_a[1]))
    # by length, neither end could hold min_tokens words: no words need reading
    a_len = (a.end - a.start) or 1
    if 2 * p.tokens * max(a_lo - a.start, a.end - a_hi) < min_tokens * a_len:
        return p, []
    total_a, total_b = a.words_in(a.start, a.end) or 1, b.words_in(b.start, b.end) or 1

    def matched(a0: int, a1: int, b0: int, b1: int) -> int:
        return min(p.tokens * a.words_in(a0, a1) // total_a, p.tokens * b.words_in(b0, b1) // total_b)

    def faithful(a0: int, a1: int, b0: int, b1: int) -> tuple[float, bool]:
        """A piece's own similarity and whether it is verbatim (a piece of an edited
        pair can be an exact copy): the share of each side's words found in the other."""
        ha, hb = a.hashes_in(a0, a1), b.hashes_in(b0, b1)
        if p.verbatim or ha is None or hb is None or not len(ha) or not len(hb):
            return p.similarity, p.verbatim
        if ha.shape == hb.shape and bool(np.array_equal(ha, hb)):
            return 1.0, True
        shared = int(np.isin(ha, hb).sum()) + int(np.isin(hb, ha).sum())
        return round(shared / (len(ha) + len(hb)), 4), False

    def piece(a0: int, a1: int, b0: int, b1: int) -> SpanPair:
        inside = tuple(v for run in _runs(p) for v in _clip(run, a0, a1, b0, b1))
        similarity, verbatim = faithful(a0, a1, b0, b1)
        return replace(p, a_start=a0, a_end=a1, b_start=b0, b_end=b1, tokens=matched(a0, a1, b0, b1),
                       whole_tokens=p.whole_tokens or p.tokens, anchors=inside, similarity=similarity,
                       verbatim=verbatim)

    rest = []
    (a_before, a_lo), (b_before, b_lo) = a.split_at(a_lo, True), b.split_at(b_lo, True)
    (a_hi, a_after), (b_hi, b_after) = a.split_at(a_hi, False), b.split_at(b_hi, False)
    if a_lo >= a_hi or b_lo >= b_hi:  # not one whole word of traced text
        return None, [p]
    if a_before > a.start and b_before > b.start and matched(a.start, a_before, b.start, b_before) >= min_tokens:
        rest.append(piece(a.start, a_before, b.start, b_before))
    else:
        a_lo, b_lo = a.start, b.start
    if a_after < a.end and b_after < b.end and matched(a_after, a.end, b_after, b.end) >= min_tokens:
        rest.append(piece(a_after, a.end, b_after, b.end))
    else:
        a_hi, b_hi = a.end, b.end
    if not rest:
        return p, []
    return piece(a_lo, a_hi, b_lo, b_hi), rest


def _words_of(words: Callable[[int], Bounds] | None, doc: int) -> Callable[[], Bounds] | None:
    return None if words is None else (lambda: words(doc))


def _per_pair(min_tokens: MinTokens) -> Callable[[int, int], int]:
    return min_tokens if callable(min_tokens) else (lambda _a, _b: min_tokens)


def split(cluster: RawCluster, root: int | Sequence[int], min_share: float, min_tokens: MinTokens = 0,
          words: Callable[[int], Bounds] | None = None) -> tuple[list[SpanPair], list[SpanPair]] | None:
    """The pairs among the members that hold the root's text, each cut to the traced text
    when ``min_tokens`` > 0 (a number, or one for a pair's two documents: a piece of a pair
    of texts in ideographs counts characters), and the pairs that reach the other members
    with the pieces cut off (at word boundaries, given ``words``: a document's word bounds
    and hashes); None when every member and every pair holds only the root's text."""
    if min_share <= 0 or not cluster.pairs:
        return None
    least = _per_pair(min_tokens)
    cover = covers(cluster, root)
    out = set(_strays(cluster, root, min_share, [sum(e - s for s, e in c) for c in cover]))
    kept, rest = [], []
    for p, (u, v) in zip(cluster.pairs, cluster.sides):
        if u in out or v in out:
            rest.append(p)
        elif (m := least(p.a, p.b)) > 0:
            piece, ends = cut(p, cover[u], cover[v], m, _words_of(words, p.a), _words_of(words, p.b))
            if piece is not None:
                kept.append(piece)
            rest.extend(ends)
        else:
            kept.append(p)
    if not rest:
        return None
    return kept, rest


def settle(raw: list[RawCluster], decide: Callable[[RawCluster], Origin], merge_overlap: float,
           merge_overlap_longer: float, min_share: float, min_tokens: MinTokens = 0,
           words: Callable[[int], Bounds] | None = None,
           rank: Callable[[int], str] | None = None) -> list[tuple[RawCluster, Origin]]:
    """Decide each cluster's origin and split off the members that do not hold its text,
    and the parts of pairs beyond it (at least ``min_tokens`` matched words, or as many as
    it gives for a pair's two documents; 0: pairs are never cut), until every cluster is a
    copy of its origin's text.  Without an origin, the longest member stands for the
    text; between members of one length, the one whose document ``rank`` puts first (its
    content-derived id), so that renaming or moving files does not change which copy is
    traced from."""
    out: list[tuple[RawCluster, Origin]] = []
    work = list(raw)
    while work:
        rc = work.pop()
        origin = decide(rc)
        root = origin.member if origin.member is not None else longest(rc, rank)
        # every member of the origin's document holds its text (an edit in a copy can
        # break the origin's text into two members)
        roots = [i for i, m in enumerate(rc.members) if m.doc == rc.members[root].doc]
        parts = split(rc, roots, min_share, min_tokens, words)
        if parts is None:
            out.append((rc, origin))
            continue
        # The root and its direct partners stay together, and a cut pair loses a piece
        # of at least its pair's min_tokens words (one or more): every part is smaller, so
        # this ends.
        kept, rest = parts
        staying = build_clusters(kept, merge_overlap, merge_overlap_longer)
        work.extend(staying)
        work.extend(build_clusters(_unclaimed(rest, staying), merge_overlap, merge_overlap_longer))
    return out


def _unclaimed(pairs: list[SpanPair], clusters: list[RawCluster]) -> list[SpanPair]:
    """The pairs none of whose sides lies inside a member of ``clusters``.

    A passage that stays with the origin's text is in that cluster; a pair that links
    it to a member split off would put the same passage in a second cluster.  Such a
    pair is left out (the split-off member keeps its other pairs)."""
    claimed: dict[int, list[Interval]] = {}
    for rc in clusters:
        for m in rc.members:
            claimed.setdefault(m.doc, []).append((m.start, m.end))

    def inside(doc: int, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in claimed.get(doc, ()))

    return [p for p in pairs if not inside(p.a, p.a_start, p.a_end) and not inside(p.b, p.b_start, p.b_end)]


def longest(rc: RawCluster, rank: Callable[[int], str] | None = None) -> int:
    """The longest member; on ties, the first by ``rank`` of its document, then the first."""
    m = rc.members
    return min(range(len(m)), key=lambda i: (m[i].start - m[i].end, rank(m[i].doc) if rank else "", i))
