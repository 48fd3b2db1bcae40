"""Origin of a reuse cluster and the chain of republications that follows it.

The origin step is an ordered list of *origin rules*: each looks at the cluster,
the documents' attributions and their cues, and either decides (returning an
``Origin`` with its evidence, confidence and conflicts) or passes.  The first
rule that decides wins; when none does, the origin is ``undetermined`` with the
reason stated.  In order:

1. ``explicit-pointer``: a foreign canonical link, isBasedOn, "originally
   appeared in X", a block's cited source, a byline or source line naming the
   outlet of another member (or, when no member is that outlet, that outlet as
   an origin outside the corpus);
2. ``wire-dateline``: copies carry one wire agency's dateline or credit, and no
   member is another agency's own story: the agency's own document, or the agency
   as an outside origin;
3. ``earliest-date`` (and ``earliest-date-wire-tiebreak``, ``earliest-date-revision-tiebreak``);
4. ``undetermined``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Callable, Sequence

from .addresses import address, norm_url
from .cluster import RawCluster
from .cues import Cue
from .dates import compare_dates, lag_days, surely_before, unpreceded
from .model import Attribution, DateValue, Document, Evidence, Link, Origin
from .reach import longest, traced
from .segments import Segment

# Cue roles that cite where a member's text came from, by origin rule.
POINTER_ROLES = ("pointer", "byline")
POINTER_RELATIONS = ("source", "republication")
WIRE_ROLES = ("dateline", "credit")
CREDIT_ROLES = ("pointer", "byline", "credit", "dateline")


@dataclass(frozen=True)
class OriginContext:
    cluster: RawCluster
    documents: Sequence[Document]
    attributions: Sequence[Attribution]
    min_share: float = 0.5  # cluster.origin_min_share
    cues: Sequence[Sequence[Cue]] = ()
    segments: Sequence[Sequence[Segment]] = ()
    kinds: dict[str, str] | None = None  # outlet name -> registry kind

    def kind(self, outlet: str) -> str:
        return (self.kinds or {}).get(outlet, "unknown")

    def member_block(self, i: int) -> Segment | None:
        """The block of a compilation page that holds member ``i``, if any."""
        m = self.cluster.members[i]
        segs = self.segments[m.doc] if self.segments else ()
        if not segs:
            return None
        best = max(segs, key=lambda s: min(s.end, m.end) - max(s.start, m.start))
        return best if min(best.end, m.end) - max(best.start, m.start) > 0 else None

    def evidence(self, cues: Sequence[Cue]) -> list[Evidence]:
        """The cues of members as evidence, each naming the document it was read from."""
        return [replace(c.evidence(), document=self._cue_docs.get(id(c))) for c in cues]

    @cached_property
    def _cue_docs(self) -> dict[int, int]:
        return {id(c): m.doc for i, m in enumerate(self.cluster.members) for c in self.member_cues(i)}

    def member_cues(self, i: int) -> list[Cue]:
        """The cues that speak for member ``i``: in a compilation page, those of the
        block holding it; otherwise the document's citing cues."""
        m = self.cluster.members[i]
        if self.segments and self.segments[m.doc]:
            block = self.member_block(i)
            return [*block.cues, *block.credits] if block is not None else []
        cues = self.cues[m.doc] if self.cues else ()
        return [c for c in cues if c.role in CREDIT_ROLES]

    @cached_property
    def _substantial(self) -> list[int]:
        members = self.cluster.members
        top = longest(self.cluster)
        need = self.min_share * (members[top].end - members[top].start)
        holding = {m.doc for m in members if m.end - m.start >= need}
        for doc in sorted({m.doc for m in members} - holding):
            # Several short members (a condensed or rewritten copy cuts sentences) can
            # together carry most of the longest member's text.
            roots = [i for i, m in enumerate(members) if m.doc == doc]
            if self.cluster.pairs and traced(self.cluster, roots)[top] >= need:
                holding.add(doc)
        return sorted(holding)

    def substantial_docs(self) -> list[int]:
        """Documents whose text makes up at least ``min_share`` of the longest member
        (one member that long, or text traced from their members onto it along the
        verified pairs): only they can be where the cluster's text first appeared."""
        return self._substantial


OriginRule = Callable[[OriginContext], Origin | None]


def _read_in(doc: int, evidence: Sequence[Evidence]) -> tuple[Evidence, ...]:
    """A document's own evidence, naming the document, for a cluster's origin."""
    return tuple(replace(e, document=doc) for e in evidence)


def _docs(ctx: OriginContext) -> list[int]:
    return sorted({m.doc for m in ctx.cluster.members})


def _first_member(ctx: OriginContext, doc: int) -> int:
    """The document's longest member (earliest on ties)."""
    return min((i for i, m in enumerate(ctx.cluster.members) if m.doc == doc),
               key=lambda i: (ctx.cluster.members[i].start - ctx.cluster.members[i].end, ctx.cluster.members[i].start))


def _undetermined(reason: str, conflicts: tuple[str, ...] = ()) -> Origin:
    return Origin(member=None, outlet=None, date=None, in_corpus=False, rule="undetermined",
                  confidence="low", reason=reason, conflicts=conflicts)


def first_dated(docs: Sequence[int], atts: Sequence[Attribution]) -> list[int]:
    """The dated documents that no other of ``docs`` was certainly published before:
    the candidates for first appearance (several when their dates tie)."""
    dated = [d for d in docs if atts[d].date is not None]
    return [d for d, first in zip(dated, unpreceded([atts[d].date for d in dated])) if first]


def tied_first(ctx: OriginContext) -> list[int]:
    """The documents whose same-day tie left a cluster's origin undetermined: every
    substantial member dated, several first, and no tie-break rule applies (the caller
    asks only of an undetermined cluster).  Empty when a missing date is the cause."""
    docs = ctx.substantial_docs()
    if any(ctx.attributions[d].date is None for d in docs):
        return []
    first = first_dated(docs, ctx.attributions)
    return first if len(first) > 1 else []


def earliest_date(ctx: OriginContext) -> Origin | None:
    """The member published first, when every member has a date and the order is certain.

    Same-day ties (day precision, or times that cannot be compared) go to a wire
    agency when exactly one tied member is a wire; otherwise the origin is
    undetermined.
    """
    docs = ctx.substantial_docs()
    atts = ctx.attributions
    undated = [d for d in docs if atts[d].date is None]
    for u in undated:  # captured before every other member was published: it came first
        cap = atts[u].captured
        if cap is not None and all(o == u or (atts[o].date is not None and surely_before(cap, atts[o].date))
                                   for o in docs):
            return Origin(member=_first_member(ctx, u), outlet=atts[u].outlet, date=None, in_corpus=True,
                          rule="earliest-date", confidence="medium",
                          reason=f"{ctx.documents[u].label} has no publication date but was captured on {cap.iso}, "
                                 "before every other member was published",
                          evidence=_read_in(u, atts[u].outlet_evidence[:1]), conflicts=atts[u].conflicts)
    if undated:
        names = ", ".join(ctx.documents[d].label for d in undated[:3])
        more = f" and {len(undated) - 3} more" if len(undated) > 3 else ""
        return _undetermined(f"no publication date for {names}{more}: cannot tell which appeared first")
    first = first_dated(docs, atts)
    rule, confidence = "earliest-date", "high"
    if len(first) > 1:
        wires = [d for d in first if atts[d].outlet_kind == "wire"]
        earlier = _earlier_version(ctx, first)
        if len(wires) == 1 and all(compare_dates(atts[wires[0]].date, atts[o].date) != 1 for o in docs):
            first, rule, confidence = wires, "earliest-date-wire-tiebreak", "medium"
        elif earlier is not None and all(compare_dates(atts[earlier].date, atts[o].date) != 1 for o in docs):
            first, rule, confidence = [earlier], "earliest-date-revision-tiebreak", "medium"
        else:
            tied = ", ".join(f"{ctx.documents[d].label} ({atts[d].date.iso})" for d in first[:4])
            return _undetermined(f"first appearance is a tie between {tied}: dates do not order them")
    origin_doc = first[0]
    date = atts[origin_doc].date
    others = [d for d in docs if d != origin_doc]
    if any(compare_dates(date, atts[o].date) is None for o in others) and rule == "earliest-date":
        confidence = "medium"
    conflicts = list(atts[origin_doc].conflicts)
    for e in atts[origin_doc].date_evidence[1:]:
        # the origin's own evidence gives another date, by which it would not be first
        other_date = DateValue(e.value, e.precision or "day")
        if compare_dates(other_date, date) not in (-1, 1):
            continue  # the same date, or one that does not contradict it (a copyright year)
        later = next((o for o in others if compare_dates(other_date, atts[o].date) != -1), None)
        if later is not None:
            confidence = "medium"
            conflicts.append(f"{ctx.documents[origin_doc].label} is also dated {e.value} ({e.rule}, {e.location}), "
                             f"not before {ctx.documents[later].label} ({atts[later].date.iso})")
            break
    evidence = _read_in(origin_doc, atts[origin_doc].date_evidence[:1] + atts[origin_doc].outlet_evidence[:1])
    reason = f"earliest publication date ({date.iso}) among {len(others) + 1} documents holding this text"
    fragments = len(_docs(ctx)) - len(docs)
    if fragments:
        reason += f" ({fragments} more share only a fragment of it)"
    if rule == "earliest-date-wire-tiebreak":
        reason = f"published on {date.iso}, tied with other members at that precision; a wire agency is the origin of a same-day tie"
    if rule == "earliest-date-revision-tiebreak":
        marks = ", ".join(f"{ctx.documents[d].label} ({_version_name(_version(ctx, d))})"
                          for d in docs if d != origin_doc and _version(ctx, d) != 0)
        reason = (f"published on {date.iso}, tied with other versions of the same {atts[origin_doc].outlet} story at "
                  f"that precision; it is the earlier version ({_version_name(_version(ctx, origin_doc))}) and they "
                  f"are marked as revisions: {marks}")
        evidence = evidence + tuple(replace(c.evidence(), document=d) for d in docs if d != origin_doc
                                    for c in _revision_cues(ctx, d)[:1])[:3]
    return Origin(
        member=_first_member(ctx, origin_doc),
        outlet=atts[origin_doc].outlet,
        date=date,
        in_corpus=True,
        rule=rule,
        confidence=confidence,
        reason=reason,
        evidence=evidence,
        conflicts=tuple(dict.fromkeys(conflicts)),
    )


_UPDATE_NUMBER = re.compile(r"\bUPDATE\s+(\d+)", re.IGNORECASE)


def _revision_cues(ctx: OriginContext, doc: int) -> list[Cue]:
    return [c for c in (ctx.cues[doc] if ctx.cues else ()) if c.role == "revision"]


def _version(ctx: OriginContext, doc: int) -> int | None:
    """Which version of its story a document is: 0 with no wire revision marker, n for
    "UPDATE n-", None for a marker without a number ("(Updates with ...)")."""
    marks = _revision_cues(ctx, doc)
    if not marks:
        return 0
    numbers = [int(m.group(1)) for c in marks for m in [_UPDATE_NUMBER.search(c.text)] if m]
    return max(numbers) if numbers else None


def _version_name(version: int | None) -> str:
    return {0: "no revision marker", None: "a revision marker"}.get(version, f"UPDATE {version}")


def _earlier_version(ctx: OriginContext, tied: Sequence[int]) -> int | None:
    """Of tied members that are all one outlet's, the one its revision markers put before
    every other: the version with no marker, when each other has one; or UPDATE n
    before UPDATE m, m > n. A wire revision says it came after the story it revises."""
    atts = ctx.attributions
    outlet = atts[tied[0]].outlet
    if outlet is None or any(atts[d].outlet != outlet for d in tied):
        return None
    versions = {d: _version(ctx, d) for d in tied}

    def before(v: int | None, w: int | None) -> bool:
        if v == 0:  # the story as first sent, before any revision of it
            return w != 0
        return v is not None and w is not None and v < w

    found = [d for d in tied if all(before(versions[d], versions[o]) for o in tied if o != d)]
    return found[0] if len(found) == 1 else None


def _external(outlet: str, date: DateValue | None, rule: str, confidence: str, reason: str,
              evidence: list[Evidence], conflicts: tuple[str, ...] = ()) -> Origin:
    return Origin(member=None, outlet=outlet, date=date, in_corpus=False, rule=rule, confidence=confidence,
                  reason=reason, evidence=tuple(evidence), conflicts=conflicts)


def _in_corpus(ctx: OriginContext, doc: int, rule: str, confidence: str, reason: str,
               evidence: list[Evidence]) -> Origin:
    atts = ctx.attributions
    date = atts[doc].date
    conflicts = list(atts[doc].conflicts)
    for d in _docs(ctx):
        other = atts[d].date
        if d != doc and date is not None and other is not None and compare_dates(other, date) == -1:
            conflicts.append(f"{ctx.documents[d].label} is dated {other.iso}, before the origin's {date.iso}")
    return Origin(member=_first_member(ctx, doc), outlet=atts[doc].outlet, date=date, in_corpus=True, rule=rule,
                  confidence=confidence, reason=reason,
                  evidence=tuple(evidence) + _read_in(doc, atts[doc].date_evidence[:1]),
                  conflicts=tuple(dict.fromkeys(conflicts)))


def _cited_date(cues: list[Cue]) -> DateValue | None:
    dates = [c.date for c in cues if c.date is not None]
    return dates[0] if dates else None


def _outlet_key(name: str | None) -> str | None:
    """An outlet's name as a pointer may spell it: "The Northfield Herald" names the page
    whose site name is "Northfield Herald" (registered outlets already share one name)."""
    if not name:
        return None
    key = " ".join(name.casefold().split())
    return key[4:] if key.startswith("the ") else key


def _pointed_at(urls: dict[str, list[tuple[int, bool]]], url: str | None, holder: int,
                holder_address: tuple[str | None, bool]) -> int | None:
    """The document a pointer's URL names: one whose own address it is rather than one
    that only has it as canonical link; none when it is the holder's own address."""
    url = norm_url(url)
    if url is None or holder_address == (url, True):
        return None
    named = [(not own, d) for d, own in urls.get(url, []) if d != holder]
    return min(named)[1] if named else None


def explicit_pointer(ctx: OriginContext) -> Origin | None:
    """A member says where its text came from, and names a URL or an outlet."""
    atts = ctx.attributions
    addresses = {d: address(ctx.documents[d]) for d in _docs(ctx)}
    urls: dict[str, list[tuple[int, bool]]] = {}
    for d, (url, own) in addresses.items():
        if url is not None:
            urls.setdefault(url, []).append((d, own))
    by_outlet: dict[str, list[int]] = {}
    for d in _docs(ctx):
        if atts[d].outlet:
            by_outlet.setdefault(_outlet_key(atts[d].outlet), []).append(d)
    targets: dict[int, list[Cue]] = {}
    external: dict[str, list[Cue]] = {}
    block_dates: dict[str, list[DateValue]] = {}  # dates of the blocks that cite an outlet
    for i, m in enumerate(ctx.cluster.members):
        own = _outlet_key(atts[m.doc].outlet)
        block = ctx.member_block(i)
        if block is not None and block.outlet and block.date is not None:
            block_dates.setdefault(_outlet_key(block.outlet), []).append(block.date)
        for c in ctx.member_cues(i):
            if c.role not in POINTER_ROLES and not (c.role == "credit" and c.relation in POINTER_RELATIONS):
                if not (c.role == "dateline" and ctx.segments and ctx.segments[m.doc]):
                    continue
            target = _pointed_at(urls, c.url, m.doc, addresses[m.doc]) if c.url else None
            if target is not None:
                targets.setdefault(target, []).append(c)
                continue
            for name in c.outlets:
                if _outlet_key(name) == own:
                    continue  # an outlet naming itself is no pointer
                holders = [d for d in by_outlet.get(_outlet_key(name), []) if d != m.doc]
                for d in holders:
                    targets.setdefault(d, []).append(c)
                if not holders:
                    external.setdefault(name, []).append(c)
    if targets:
        ranked = sorted(targets, key=lambda d: (-len(targets[d]),
                                                 atts[d].date.iso if atts[d].date else "9999", d))
        doc = ranked[0]
        cues = targets[doc]
        by_url = any(c.url for c in cues)
        reason = (f"{len(cues)} pointer(s) in the cluster name {ctx.documents[doc].label}"
                  f" ({atts[doc].outlet or 'outlet unknown'}) as the original: "
                  + "; ".join(f"{c.rule} {c.text[:80]!r}" for c in cues[:3]))
        return _in_corpus(ctx, doc, "explicit-pointer", "high" if by_url else "medium", reason,
                          ctx.evidence(cues[:5]))
    if external:
        ranked = sorted(external, key=lambda k: (-len(external[k]), k))
        name = ranked[0]
        cues = external[name]
        conflicts = tuple(f"other pointers name {k} ({len(external[k])} cue(s))" for k in ranked[1:])
        # a block's byline may name the outlet and its dateline, on another line, the date
        date = _cited_date(cues) or next(iter(block_dates.get(_outlet_key(name), [])), None)
        if date is not None:
            # a member published before the cited date shows the text is older than it
            earlier = sorted({d for d in _docs(ctx) if atts[d].date is not None
                              and compare_dates(atts[d].date, date) == -1})
            if earlier:
                first = earlier[0]
                conflicts += (f"the cited date {date.iso} is not used: {ctx.documents[first].label} "
                              f"is dated {atts[first].date.iso}, before it",)
                date = None
        reason = (f"the cluster's members cite {name} as the original, which is not in the corpus: "
                  + "; ".join(f"{c.rule} {c.text[:80]!r}" for c in cues[:3]))
        return _external(name, date, "explicit-pointer", "medium", reason, ctx.evidence(cues[:5]),
                         conflicts)
    return None


def wire_dateline(ctx: OriginContext) -> Origin | None:
    """Copies carry one wire agency's dateline or credit."""
    atts = ctx.attributions
    cited: dict[str, list[Cue]] = {}
    for i, m in enumerate(ctx.cluster.members):
        for c in ctx.member_cues(i):
            if c.role not in WIRE_ROLES:
                continue
            for name in c.outlets:
                if name != atts[m.doc].outlet and ctx.kind(name) == "wire":
                    cited.setdefault(name, []).append(c)
    if not cited:
        return None
    if len(cited) > 1:
        return None  # several agencies credited: the date decides, if it can
    name, cues = next(iter(cited.items()))
    if any(atts[d].outlet_kind == "wire" and atts[d].outlet != name for d in ctx.substantial_docs()):
        return None  # another agency's own story holds the text: the date decides, if it can
    own = [d for d in ctx.substantial_docs() if atts[d].outlet == name]
    if own:
        dated = sorted(own, key=lambda d: (atts[d].date.iso if atts[d].date else "9999", d))
        reason = (f"copies carry {name}'s dateline or credit ({len(cues)} cue(s)) and {name}'s own story is in "
                  f"the corpus")
        return _in_corpus(ctx, dated[0], "wire-dateline", "high", reason, ctx.evidence(cues[:5]))
    reason = f"copies carry {name}'s dateline or credit ({len(cues)} cue(s)); {name}'s own story is not in the corpus"
    return _external(name, _cited_date(cues), "wire-dateline", "medium", reason, ctx.evidence(cues[:5]))


DEFAULT_RULES: tuple[OriginRule, ...] = (explicit_pointer, wire_dateline, earliest_date)
ORIGIN_RULE_IDS = ("explicit-pointer", "wire-dateline", "earliest-date", "earliest-date-wire-tiebreak",
                   "earliest-date-revision-tiebreak", "cited-origin", "undetermined")


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
                  attributions: Sequence[Attribution]) -> tuple[int, float, bool, str] | None:
    """The member a copy was most likely taken from: directly aligned with it and
    either the origin or certainly published before it.  The one sharing the longest
    text with it wins (the whole verified span, where a pair was cut at the edge of
    the traced text: a copy of a copy shares more with its parent than with the
    parent's own source), then the most similar."""
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
        key = (e.whole_tokens or e.tokens, e.tokens, e.similarity, e.verbatim, other == origin_member, -other)
        if best is None or key > best[0]:
            best = (key, (other, e.similarity, e.verbatim, e.match))
    return best[1] if best else None


def credit_status(ctx: OriginContext, member: int, origin: Origin,
                  source: int | None) -> tuple[str, tuple[Evidence, ...], str]:
    """Whether a copy credits where its text came from: the origin's outlet or its
    direct source's outlet, by a credit, byline, dateline, pointer or block header."""
    atts = ctx.attributions
    m = ctx.cluster.members[member]
    owed = list(dict.fromkeys(o for o in (origin.outlet, atts[ctx.cluster.members[source].doc].outlet
                                          if source is not None else None) if o))
    if not origin.determined or not owed:
        return "unknown", (), "the outlet the text came from is not known"
    if atts[m.doc].outlet in owed:
        return "credited", (), f"published by {atts[m.doc].outlet} itself"
    named = [c for c in ctx.member_cues(member) if any(o in owed for o in c.outlets)]
    if named:
        return "credited", tuple(c.evidence() for c in named[:3]), f"names {', '.join(owed)}"
    beside = [c for c in ctx.cues[m.doc] if c.role == "citation" and any(o in owed for o in c.outlets)
              and _introduces(c, m.start, m.end)] if ctx.cues else []
    if beside:
        return ("credited", tuple(c.evidence() for c in beside[:3]),
                f"cites {', '.join(owed)} as it gives the copied text ({beside[0].text!r})")
    reason = f"no credit, byline, dateline or pointer naming {' or '.join(owed)}"
    others = list(dict.fromkeys(o for c in ctx.member_cues(member) for o in c.outlets if o != atts[m.doc].outlet))
    if others:  # a miscredit: the copy names another outlet than the one its text came from
        reason += f" (it names {', '.join(others)})"
    return "uncredited", (), reason


_CITATION_GAP = 3  # characters between a citation and the copied text it introduces or closes: ", "


def _introduces(cue: Cue, start: int, end: int) -> bool:
    """A citation that gives the copied text itself (``As the AP reported, <copy>``,
    ``<copy>, the AP reported.``): outside the copy, no more than a comma and a space
    from it, and in the same sentence. A citation elsewhere in the document (``Aides
    told Reuters`` in the next sentence, ``..., an aide told the BBC.`` just before the
    copied paragraph) credits a source of information, not this text; one inside the
    copy is the origin's own words. Offsets, and the few characters the cue keeps on
    each side, only: the origin stage may hold no texts."""
    if cue.start is None or cue.end is None:
        return False
    if cue.end <= start:
        gap = start - cue.end
        return gap <= _CITATION_GAP and _one_sentence(cue.text[-1:] + cue.after[:gap], gap)
    gap = cue.start - end
    return cue.start >= end and gap <= _CITATION_GAP and _one_sentence(cue.before[-gap - 1:], gap)


def _one_sentence(between: str, gap: int) -> bool:
    """Whether the characters between a citation and the copied text (with the last one
    before them) hold no sentence end: a full stop, question or exclamation mark, or a
    line break not after a colon (``According to Reuters:`` over a quoted paragraph)."""
    if len(between) < gap or any(ch in ".!?" for ch in between):
        return False
    return "\n" not in between or ":" in between


def build_chain(ctx: OriginContext, origin: Origin, near_duplicate: float) -> tuple[Link, ...]:
    """One link per republication, ordered by lag from the origin: every member in
    another document than the origin's (every member, when the origin is outside
    the corpus)."""
    if not origin.determined:
        return ()
    cluster, attributions = ctx.cluster, ctx.attributions
    origin_doc = cluster.members[origin.member].doc if origin.member is not None else None
    paths = _best_paths(cluster, origin.member) if origin.member is not None else {}
    links = []
    for i, m in enumerate(cluster.members):
        if m.doc == origin_doc:
            continue
        date = attributions[m.doc].date
        # published before the origin (an undated page captured before it was): an older
        # document sharing only a fragment, not a copy of this origin
        if origin.date is not None and (
                (date is not None and compare_dates(date, origin.date) == -1)
                or (date is None and attributions[m.doc].captured is not None
                    and surely_before(attributions[m.doc].captured, origin.date))):
            continue
        source = direct_source(cluster, i, origin.member if origin.member is not None else -1, attributions)
        match = None
        if source is not None:
            src, sim, verb, match = source
            relation, similarity = relation_of(sim, verb, near_duplicate), round(sim, 4)
        elif origin.member is not None:
            src = None
            sim, verb = paths.get(i, (m.similarity, False))
            relation, similarity = relation_of(sim, verb, near_duplicate), round(sim, 4)
        else:
            src, relation, similarity = None, "cited", None  # the original is not here to compare
        lag = lag_days(origin.date, date) if (origin.date and date) else None
        credited, evidence, why = credit_status(ctx, i, origin, src)
        links.append(Link(member=i, date=date, lag_days=lag, relation=relation, similarity=similarity,
                          source=src, match=match, credited=credited, credit_evidence=evidence,
                          credit_reason=why))
    links.sort(key=lambda l: (l.lag_days if l.lag_days is not None else float("inf"), l.member))
    return tuple(links)
