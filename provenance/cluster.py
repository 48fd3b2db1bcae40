"""Reuse clusters: verified shared spans joined into groups of copies of one text.

Every verified pair contributes one span in each of its two documents.  Spans
of the same document are the same *passage* only when they overlap by at least
``merge_overlap`` of the shorter one and ``merge_overlap_longer`` of the longer
one; passages joined by a verified pair are in
the same cluster (connected components).  The overlap rule is the guard against
chaining: a long article that contains two different excerpts does not glue the
excerpts' other copies into one giant cluster, because its two spans do not
overlap enough to be one passage; nor does a whole-article copy glue together
every short excerpt taken from any part of it.  Overlaps can still drift from
passage to passage; ``reach`` splits off, once the origin is chosen, the members
that do not hold its text (each cluster keeps its pairs for that).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .model import Member, SpanPair


@dataclass(frozen=True)
class Edge:
    """A verified pair between two members of one cluster (member indices)."""

    u: int
    v: int
    similarity: float
    verbatim: bool
    tokens: int = 0  # matched words of the pair (shorter side)
    whole_tokens: int = 0  # ... of the whole verified span, when the pair was cut from one (reach.cut)
    match: str = "alignment"  # how the pair was matched (model.SpanPair.match)


@dataclass(frozen=True)
class RawCluster:
    members: tuple[Member, ...]
    edges: tuple[Edge, ...]
    pairs: tuple[SpanPair, ...] = ()  # the verified pairs it was built from ...
    sides: tuple[tuple[int, int], ...] = ()  # ... and the members holding each pair's a and b spans


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)


def _same_passage(s1: int, e1: int, s2: int, e2: int, ratio: float, ratio_longer: float) -> bool:
    overlap = min(e1, e2) - max(s1, s2)
    shorter, longer = sorted((e1 - s1, e2 - s2))
    return overlap > 0 and overlap >= ratio * shorter and overlap >= ratio_longer * longer


def build_clusters(pairs: list[SpanPair], merge_overlap: float, merge_overlap_longer: float = 0.0) -> list[RawCluster]:
    """Group verified span pairs into clusters of passages; deterministic order."""
    ends: list[tuple[int, int, int]] = []  # (doc, start, end) per pair endpoint
    for p in pairs:
        ends.append((p.a, p.a_start, p.a_end))
        ends.append((p.b, p.b_start, p.b_end))
    passage = _UnionFind(len(ends))
    by_doc: dict[int, list[int]] = {}
    for k, (doc, _s, _e) in enumerate(ends):
        by_doc.setdefault(doc, []).append(k)
    for ks in by_doc.values():
        ks.sort(key=lambda k: (ends[k][1], ends[k][2]))
        open_: list[int] = []
        for k in ks:
            s, e = ends[k][1], ends[k][2]
            open_ = [o for o in open_ if ends[o][2] > s]
            for o in open_:
                if _same_passage(ends[o][1], ends[o][2], s, e, merge_overlap, merge_overlap_longer):
                    passage.union(o, k)
            open_.append(k)
    group = _UnionFind(len(ends))
    for k in range(len(ends)):
        group.union(k, passage.find(k))
    for i in range(len(pairs)):
        group.union(2 * i, 2 * i + 1)

    clusters: dict[int, dict[int, list[int]]] = {}
    for k in range(len(ends)):
        clusters.setdefault(group.find(k), {}).setdefault(passage.find(k), []).append(k)

    out: list[RawCluster] = []
    for passages in clusters.values():
        out.append(_assemble(passages, ends, pairs))
    out.sort(key=lambda c: (c.members[0].doc, c.members[0].start, c.members[0].end))
    return out


def _assemble(passages: dict[int, list[int]], ends: list[tuple[int, int, int]], pairs: list[SpanPair]) -> RawCluster:
    # One region per passage; regions of one document that still overlap are merged
    # so that a member never overlaps another member of the same cluster.
    regions: list[tuple[int, int, int, list[int]]] = []
    for ks in passages.values():
        doc = ends[ks[0]][0]
        regions.append((doc, min(ends[k][1] for k in ks), max(ends[k][2] for k in ks), list(ks)))
    regions.sort(key=lambda r: (r[0], r[1], r[2]))
    merged: list[tuple[int, int, int, list[int]]] = []
    for r in regions:
        if merged and merged[-1][0] == r[0] and r[1] < merged[-1][2]:
            d, s, e, ks = merged[-1]
            merged[-1] = (d, s, max(e, r[2]), ks + r[3])
        else:
            merged.append(r)
    member_of = {k: m for m, r in enumerate(merged) for k in r[3]}
    best: dict[tuple[int, int], tuple[float, bool, int, int, str]] = {}
    sim_of = [0.0] * len(merged)
    verb_of = [False] * len(merged)
    for k in member_of:
        if k % 2:
            continue
        p = pairs[k // 2]
        u, v = member_of[k], member_of[k + 1]
        if u == v:
            continue
        key = (min(u, v), max(u, v))
        old = best.get(key)
        whole = p.whole_tokens or p.tokens
        if old is None or (whole, p.tokens, p.similarity, p.verbatim) > (old[3], old[2], old[0], old[1]):
            best[key] = (p.similarity, p.verbatim, p.tokens, whole, p.match)
        for m in (u, v):
            sim_of[m] = max(sim_of[m], p.similarity)
            verb_of[m] = verb_of[m] or p.verbatim
    members = tuple(
        Member(doc=d, start=s, end=e, similarity=round(sim_of[m], 4), verbatim=verb_of[m])
        for m, (d, s, e, _ks) in enumerate(merged)
    )
    edges = tuple(Edge(u, v, round(sim, 4), verb, tok, whole, match)
                  for (u, v), (sim, verb, tok, whole, match) in sorted(best.items()))
    held = sorted(((pairs[k // 2], member_of[k], member_of[k + 1]) for k in member_of if k % 2 == 0),
                  key=lambda h: (h[0].a, h[0].a_start, h[0].a_end, h[0].b, h[0].b_start, h[0].b_end, h[1], h[2]))
    return RawCluster(members, edges, tuple(p for p, _u, _v in held), tuple((u, v) for _p, u, v in held))


def cluster_id(member_keys: list[str]) -> str:
    """Stable, content-derived cluster id from its members' document ids and offsets."""
    digest = hashlib.sha256("\n".join(sorted(member_keys)).encode("utf-8")).hexdigest()
    return "c-" + digest[:12]
