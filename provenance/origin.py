"""Origin of a reuse cluster and the chain of republications that follows it.

The origin step is an ordered list of *origin rules*: each looks at the cluster
and the documents' attributions and either decides (returning an ``Origin``
with its evidence and confidence) or passes.  The first rule that decides wins;
when none does, the origin is ``undetermined`` with the reason stated.  New
rules (explicit pointers, wire cues) plug in by being added to the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from .cluster import RawCluster
from .dates import compare_dates, lag_days
from .model import Attribution, Document, Link, Origin


@dataclass(frozen=True)
class OriginContext:
    cluster: RawCluster
    documents: Sequence[Document]
    attributions: Sequence[Attribution]
    min_share: float = 0.5  # cluster.origin_min_share

    def substantial_docs(self) -> list[int]:
        """Documents holding a member at least ``min_share`` of the longest member:
        only they can be where the cluster's text first appeared."""
        longest = max(m.end - m.start for m in self.cluster.members)
        return sorted({m.doc for m in self.cluster.members if m.end - m.start >= self.min_share * longest})


OriginRule = Callable[[OriginContext], Origin | None]


def _docs(ctx: OriginContext) -> list[int]:
    return sorted({m.doc for m in ctx.cluster.members})


def _first_member(ctx: OriginContext, doc: int) -> int:
    """The document's longest member (earliest on ties)."""
    return min((i for i, m in enumerate(ctx.cluster.members) if m.doc == doc),
               key=lambda i: (ctx.cluster.members[i].start - ctx.cluster.members[i].end, ctx.cluster.members[i].start))


def _undetermined(reason: str, conflicts: tuple[str, ...] = ()) -> Origin:
    return Origin(member=None, outlet=None, date=None, in_corpus=False, rule="undetermined",
                  confidence="low", reason=reason, conflicts=conflicts)


def earliest_date(ctx: OriginContext) -> Origin | None:
    """The member published first, when every member has a date and the order is certain.

    Same-day ties (day precision, or times that cannot be compared) go to a wire
    agency when exactly one tied member is a wire; otherwise the origin is
    undetermined.
    """
    docs = ctx.substantial_docs()
    atts = ctx.attributions
    undated = [d for d in docs if atts[d].date is None]
    if undated:
        names = ", ".join(ctx.documents[d].label for d in undated[:3])
        more = f" and {len(undated) - 3} more" if len(undated) > 3 else ""
        return _undetermined(f"no publication date for {names}{more}: cannot tell which appeared first")
    # Candidates: documents not certainly later than any other member.
    first = [d for d in docs if not any(compare_dates(atts[o].date, atts[d].date) == -1 for o in docs if o != d)]
    rule, confidence = "earliest-date", "high"
    if len(first) > 1:
        wires = [d for d in first if atts[d].outlet_kind == "wire"]
        if len(wires) == 1 and all(compare_dates(atts[wires[0]].date, atts[o].date) != 1 for o in docs):
            first, rule, confidence = wires, "earliest-date-wire-tiebreak", "medium"
        else:
            tied = ", ".join(f"{ctx.documents[d].label} ({atts[d].date.iso})" for d in first[:4])
            return _undetermined(f"first appearance is a tie between {tied}: dates do not order them")
    origin_doc = first[0]
    date = atts[origin_doc].date
    others = [d for d in docs if d != origin_doc]
    if any(compare_dates(date, atts[o].date) is None for o in others) and rule == "earliest-date":
        confidence = "medium"
    evidence = tuple(atts[origin_doc].date_evidence[:1]) + tuple(atts[origin_doc].outlet_evidence[:1])
    reason = f"earliest publication date ({date.iso}) among {len(others) + 1} documents holding this text"
    fragments = len(_docs(ctx)) - len(docs)
    if fragments:
        reason += f" ({fragments} more share only a fragment of it)"
    if rule == "earliest-date-wire-tiebreak":
        reason = f"published on {date.iso}, tied with other members at that precision; a wire agency is the origin of a same-day tie"
    return Origin(
        member=_first_member(ctx, origin_doc),
        outlet=atts[origin_doc].outlet,
        date=date,
        in_corpus=True,
        rule=rule,
        confidence=confidence,
        reason=reason,
        evidence=evidence,
        conflicts=atts[origin_doc].conflicts,
    )


DEFAULT_RULES: tuple[OriginRule, ...] = (earliest_date,)


def choose_origin(ctx: OriginContext, rules: Sequence[OriginRule] = DEFAULT_RULES) -> Origin:
    for rule in rules:
        origin = rule(ctx)
        if origin is not None:
            return origin
    return _undetermined("no origin rule applies")


def relation_of(similarity: float, verbatim: bool, near_duplicate: float) -> str:
    if verbatim:
        return "verbatim"
    return "near_duplicate" if similarity >= near_duplicate else "partial"


def _best_paths(cluster: RawCluster, source: int) -> dict[int, tuple[float, bool]]:
    """Bottleneck similarity (and all-verbatim flag) of the best path from ``source``."""
    adj: dict[int, list[tuple[int, float, bool]]] = {}
    for e in cluster.edges:
        adj.setdefault(e.u, []).append((e.v, e.similarity, e.verbatim))
        adj.setdefault(e.v, []).append((e.u, e.similarity, e.verbatim))
    best: dict[int, tuple[float, bool]] = {source: (1.0, True)}
    frontier = [source]
    while frontier:  # small graphs: relax until stable
        nxt = []
        for u in frontier:
            su, vu = best[u]
            for v, s, verb in adj.get(u, ()):
                cand = (min(su, s), vu and verb)
                if v not in best or cand > best[v]:
                    best[v] = cand
                    nxt.append(v)
        frontier = nxt
    return best


def direct_source(cluster: RawCluster, member: int, origin_member: int,
                  attributions: Sequence[Attribution]) -> tuple[int, float, bool] | None:
    """The member a copy was most likely taken from: directly aligned with it and
    either the origin or certainly published before it; the most similar wins."""
    members = cluster.members
    date = attributions[members[member].doc].date
    best = None
    for e in cluster.edges:
        if member not in (e.u, e.v):
            continue
        other = e.v if e.u == member else e.u
        if members[other].doc == members[member].doc:
            continue
        other_date = attributions[members[other].doc].date
        earlier = date is not None and other_date is not None and compare_dates(other_date, date) == -1
        if other != origin_member and not earlier:
            continue
        key = (e.tokens, e.similarity, e.verbatim, other == origin_member, -other)
        if best is None or key > best[0]:
            best = (key, (other, e.similarity, e.verbatim))
    return best[1] if best else None


def build_chain(cluster: RawCluster, origin: Origin, attributions: Sequence[Attribution],
                near_duplicate: float) -> tuple[Link, ...]:
    """One link per republication (members in other documents than the origin's),
    ordered by lag from the origin."""
    if origin.member is None:
        return ()
    origin_doc = cluster.members[origin.member].doc
    paths = _best_paths(cluster, origin.member)
    links = []
    for i, m in enumerate(cluster.members):
        if m.doc == origin_doc:
            continue
        date = attributions[m.doc].date
        if origin.date is not None and date is not None and compare_dates(date, origin.date) == -1:
            continue  # an older document sharing only a fragment: not a copy of this origin
        source = direct_source(cluster, i, origin.member, attributions)
        if source is not None:
            src, sim, verb = source
        else:
            src = None
            sim, verb = paths.get(i, (m.similarity, False))
        lag = lag_days(origin.date, date) if (origin.date and date) else None
        links.append(Link(member=i, date=date, lag_days=lag, relation=relation_of(sim, verb, near_duplicate),
                          similarity=round(sim, 4), source=src))
    links.sort(key=lambda l: (l.lag_days if l.lag_days is not None else float("inf"), l.member))
    return tuple(links)
