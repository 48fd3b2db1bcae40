"""Chaining guard by tracing the origin's text through a cluster.

A cluster is a connected component of verified pairs, and one passage of a
document joins the spans of every pair that overlap it enough.  A run of partial
overlaps can still join texts that share nothing: B shares one paragraph with A
and the next with C, so A and C land in one cluster, and C's origin becomes A.
Once a cluster's origin is chosen, its text is carried along the verified pairs:
each pair maps the part of its span on one side that holds the origin's text onto
its span on the other side (linearly, span to span).  A member aligned with the
origin directly, or holding at least ``trace_min_share`` of its length of traced
text, is a copy of the origin's text.  The others are not: they, with every pair
that reaches them, are clustered again apart, and each new cluster gets its own
origin.  The cluster keeps the pairs between the members that stay.
"""

from __future__ import annotations

import heapq
from typing import Callable, Sequence

from .cluster import RawCluster, build_clusters
from .model import Origin, SpanPair

Interval = tuple[int, int]


def _union(intervals: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _project(cover: list[Interval], fs: int, fe: int, ts: int, te: int) -> list[Interval]:
    """The parts of ``cover`` inside span [fs, fe), mapped onto span [ts, te)."""
    out = []
    for s, e in cover:
        lo, hi = max(s, fs), min(e, fe)
        if hi > lo:
            out.append((ts + (lo - fs) * (te - ts) // (fe - fs), ts + (hi - fs) * (te - ts) // (fe - fs)))
    return [(s, e) for s, e in out if e > s]


def traced(cluster: RawCluster, root: int | Sequence[int]) -> list[int]:
    """Characters of each member that hold the root member's text (or the text of
    several roots, such as every member of one document), carried along the pairs.

    Members are settled one at a time, the one holding the largest share first (as in
    a shortest-path search); a member's traced text is the union of what its settled
    partners map onto it.  A settled member never changes, so the slack of the linear
    mapping cannot ratchet round a cycle of pairs.
    """
    members = cluster.members
    adjacent: list[list[tuple[int, int, int, int, int]]] = [[] for _ in members]
    for p, (u, v) in zip(cluster.pairs, cluster.sides):
        adjacent[u].append((p.a_start, p.a_end, v, p.b_start, p.b_end))
        adjacent[v].append((p.b_start, p.b_end, u, p.a_start, p.a_end))
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
        for fs, fe, v, ts, te in adjacent[u]:
            if settled[v]:
                continue
            added = _project(cover[u], fs, fe, ts, te)
            if added:
                cover[v] = _union(cover[v] + added)
                size[v] = sum(e - s for s, e in cover[v])
                heapq.heappush(heap, (-size[v] / (members[v].end - members[v].start), v))
    return size


def strays(cluster: RawCluster, root: int, min_share: float) -> list[int]:
    """Members neither aligned with the root directly nor holding ``min_share`` of its text."""
    if min_share <= 0 or not cluster.pairs:
        return []
    direct = {root}
    for u, v in cluster.sides:
        if root in (u, v):
            direct.update((u, v))
    size = traced(cluster, root)
    return [i for i, m in enumerate(cluster.members)
            if i not in direct and size[i] < min_share * (m.end - m.start)]


def split(cluster: RawCluster, root: int, min_share: float) -> tuple[list[SpanPair], list[SpanPair]] | None:
    """The pairs among the members that hold the root's text, and the pairs that reach
    the others; None when every member holds it."""
    out = set(strays(cluster, root, min_share))
    if not out:
        return None
    kept, rest = [], []
    for p, (u, v) in zip(cluster.pairs, cluster.sides):
        (rest if u in out or v in out else kept).append(p)
    return kept, rest


def settle(raw: list[RawCluster], decide: Callable[[RawCluster], Origin], merge_overlap: float,
           merge_overlap_longer: float, min_share: float) -> list[tuple[RawCluster, Origin]]:
    """Decide each cluster's origin and split off the members that do not hold its text,
    until every cluster is a copy of its origin's text."""
    out: list[tuple[RawCluster, Origin]] = []
    work = list(raw)
    while work:
        rc = work.pop()
        origin = decide(rc)
        root = origin.member if origin.member is not None else longest(rc)
        parts = split(rc, root, min_share)
        if parts is None:
            out.append((rc, origin))
            continue
        # The root and its direct partners stay together, so both parts are smaller.
        for pairs in parts:
            work.extend(build_clusters(pairs, merge_overlap, merge_overlap_longer))
    return out


def longest(rc: RawCluster) -> int:
    """The longest member (the first on ties)."""
    return min(range(len(rc.members)), key=lambda i: (rc.members[i].start - rc.members[i].end, i))
