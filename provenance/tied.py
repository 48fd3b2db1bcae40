"""The source of tied copies: the text that copies of one day were each rewritten from.

Two newspapers that each rewrite the same agency story share the sentences they both
kept close to it, so their passages make a cluster; the agency story itself, retold in
other words by each, may share no passage with either.  The cluster's earliest members
then tie (same day, no wire among them) and its origin is undetermined, though the
story they drew on is in the corpus.

Each tied member's passage of a brief's size (``align.brief_min_words`` to
``cluster.tie_source_max_words`` distinct content words) is therefore matched as a
rewritten brief (``briefs.brief_span``: the same shares of its weighed and rare words,
within consecutive sentences, and every figure) against the texts published before
every tied member, or a wire's story of their day stated to the day or finer: a source
that holds that much of the passage in its own words, and came first.  It is not a
member of the cluster (``source_pairs``), its window holds no passage another cluster
holds as a copy of an older text (``apart``), and it is found so for at least two tied
documents of the cluster (``MIN_COPIES``): the text the copies each drew on.  Of
several, the one holding the highest share of the passage, then the earliest
(``choose_sources``).  The spans found join the cluster, and its origin is decided
again by the same rules: an earlier source is now its first member.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import numpy as np

from .briefs import BriefIndex, brief_span, build_index, holders, weighed
from .dates import compare_dates, unpreceded
from .model import DateValue, SpanPair
from .params import Params
from .rarity import WordWeights, distinct_content
from .rewrite import Sentences, stopword_hashes
from .tokens import Tokens

if TYPE_CHECKING:
    from .align import TokenSpan

# A source must hold the passages of this many tied documents of the cluster.
MIN_COPIES = 2


@dataclass(frozen=True)
class TiedPassage:
    """A tied member's passage: document, token range, and who may not be its source."""

    doc: int
    start: int  # tokens [start, end) of the document
    end: int
    tied: tuple[int, ...]  # the tied documents of its cluster: a source came before each
    members: frozenset[int]  # every document of its cluster: none is a new source
    cluster: int = 0  # which tied cluster it is of


def enabled(params: Params) -> bool:
    """Tied copies are looked for a source only with sentence matching and word weights,
    which matching a passage as a brief needs (whatever ``align.brief_max_words``)."""
    return params.tie_source_max_words > 0 and params.sentence_min_words > 0 and params.sentence_rarity_prior > 0


def token_range(t: Tokens, start: int, end: int) -> tuple[int, int]:
    """The tokens of a passage given in characters ``[start, end)``."""
    starts = t.starts
    return int(np.searchsorted(starts, start, side="left")), int(np.searchsorted(starts, end, side="left"))


def passage_tokens(t: Tokens, start: int, end: int) -> Tokens:
    """Tokens ``[start, end)`` of a text as a text of their own: sentences renumbered,
    offsets still into the whole text (which the figures are read from)."""
    starts, ends = t.bounds()
    sentences = None
    if t.sentences is not None:
        inside = t.sentences[(t.sentences > start) & (t.sentences < end)] - start
        sentences = np.concatenate([[0], inside]).astype(np.int64) if end > start else np.zeros(0, dtype=np.int64)
    return Tokens(t.hashes[start:end], sentences, (starts[start:end], ends[start:end]),
                  str(t.text) if t.text is not None else None,
                  max(0, end - start) if t.is_ideographic else 0)  # a passage of a text in ideographs is one


def passage_words(t: Tokens, start: int, end: int) -> np.ndarray:
    """A passage's distinct content words (sorted)."""
    return distinct_content(t.hashes[start:end], stopword_hashes())


def is_passage(words: int, params: Params) -> bool:
    return params.brief_min_words <= words <= params.tie_source_max_words


def index_passages(passages: Sequence[TiedPassage], words: Sequence[np.ndarray],
                   weights: WordWeights | None, params: Params) -> BriefIndex:
    """The passages' rare words indexed as briefs' are (``briefs.build_index``)."""
    return build_index(((p.doc, w, weighed(w, weights)) for p, w in zip(passages, words)),
                       params.sentence_min_overlap)


def source_pairs(index: BriefIndex, passages: Sequence[TiedPassage], batches: Iterable[Sequence[int]],
                 words: Callable[[int], np.ndarray], may_source: Callable[[TiedPassage, int], bool]
                 ) -> list[tuple[int, int]]:
    """(passage, document) for each document holding the share of a passage's rare
    words that could make it its source (``briefs.holders``), that is not of the
    passage's cluster, and that ``may_source`` allows (by date).  A member holding too
    little of the cluster's text to be its origin stays so: an older story that shares
    a fragment (recycled background) and resembles the rest would otherwise become
    the origin of the whole."""
    found: set[tuple[int, int]] = set()
    for docs in batches:
        doc, at = holders(index, docs, [words(d) for d in docs])
        for d, k in zip(doc.tolist(), index.entries[at].tolist()):
            p = passages[k]
            if d not in p.members and may_source(p, d):
                found.add((k, d))
    return sorted(found)


def may_source(dates: Callable[[int], DateValue | None], is_wire: Callable[[int], bool]) -> Callable[[TiedPassage, int], bool]:
    """A source of a tie came first: certainly published before each tied member, or a
    wire's story of their day (a same-day wire story is the origin of a tie): before
    each, or of its calendar day, stated to the day or finer.  A wire dated only by its
    month or year may be weeks later.  Decided once per document and set of tied dates."""
    seen: dict[tuple[int, tuple[DateValue | None, ...]], bool] = {}

    def allowed(p: TiedPassage, d: int) -> bool:
        tied = tuple(sorted({dates(t) for t in p.tied}, key=lambda v: (v is None, v.iso if v else "", v and v.tz)))
        key = (d, tied)
        if key not in seen:
            seen[key] = _first(dates(d), tied, is_wire(d))
        return seen[key]
    return allowed


def _first(date: DateValue | None, tied: Sequence[DateValue | None], wire: bool) -> bool:
    if date is None or any(t is None for t in tied):
        return False
    order = [compare_dates(date, t) for t in tied]
    if all(o == -1 for o in order):
        return True
    return wire and all(o == -1 or o == 0 or (o is None and _same_day(date, t)) for o, t in zip(order, tied))


_DAY_OR_FINER = ("day", "minute", "second")


def _same_day(a: DateValue, b: DateValue) -> bool:
    """Whether two dates, both stated to the day or finer, fall on one calendar day."""
    return a.precision in _DAY_OR_FINER and b.precision in _DAY_OR_FINER and a.iso[:10] == b.iso[:10]


def passage_params(params: Params) -> Params:
    """The parameters ``briefs.brief_span`` reads, with a passage's size limit."""
    return replace(params, brief_max_words=params.tie_source_max_words)


def source_span(passage: TiedPassage, tp: Tokens, sp: Sentences, tb: Tokens, b: Sentences,
                weights: WordWeights | None, limits: Params) -> "tuple[TokenSpan, float] | None":
    """``briefs.brief_span`` for a passage (its tokens ``tp`` and sentences ``sp``) against
    another text, with the span in the passage document's token numbers (``limits``:
    ``passage_params``)."""
    from .align import TokenSpan

    got = brief_span(tp, tb, sp, b, weights, limits)
    if got is None:
        return None
    s, share = got
    return TokenSpan(s.a_start + passage.start, s.a_end + passage.start, s.b_start, s.b_end, s.matched_a,
                     s.matched_b), share


def claimed_by(clusters: Iterable, docs: set[int]) -> dict[int, list[tuple[int, int, int | None]]]:
    """The members of ``docs`` in these clusters, by document: (start, end, the document of
    their cluster's origin, or None when it has none in the corpus)."""
    out: dict[int, list[tuple[int, int, int | None]]] = {}
    for c in clusters:
        origin = c.members[c.origin.member].doc if c.origin.member is not None else None
        for m in c.members:
            if m.doc in docs:
                out.setdefault(m.doc, []).append((m.start, m.end, origin))
    return out


def apart(matches: Sequence[tuple[int, int, float, SpanPair]], claimed: dict[int, list[tuple[int, int, int | None]]],
          merge_overlap: float) -> list[tuple[int, int, float, SpanPair]]:
    """The matches whose source text would not join another cluster it is not the origin
    of: where its window overlaps, as two spans of one passage do (``merge_overlap`` of the
    shorter), a passage of the source that another cluster holds as a copy of an older
    text (recycled background), the tied copies would be joined to that cluster and its
    decided origin decided again.  Joining one whose origin the source is keeps it so."""
    out = []
    for m in matches:
        d, s = m[1], m[3]
        start, end = (s.a_start, s.a_end) if s.a == d else (s.b_start, s.b_end)
        if not any(origin != d and min(end, e) - max(start, b) >= merge_overlap * min(end - start, e - b)
                   for b, e, origin in claimed.get(d, ())):
            out.append(m)
    return out


def choose_sources(matches: Sequence[tuple[int, int, float, SpanPair]], passages: Sequence[TiedPassage],
                   dates: Callable[[int], DateValue | None]) -> list[SpanPair]:
    """The spans kept of the verified (passage, text, share, span) matches: the texts that
    hold passages of two tied copies (``held_by_copies``), each passage's best of them
    (``best_sources``), and of those again only the texts still chosen for two copies (each
    copy's best may be another text)."""
    chosen = held_by_copies(best_sources(held_by_copies(matches, passages), dates), passages)
    kept = {(s.a, s.a_start, s.a_end, s.b, s.b_start, s.b_end): s for _k, _d, _sh, s in chosen}
    return [kept[k] for k in sorted(kept)]


def held_by_copies(matches: Sequence[tuple[int, int, float, SpanPair]], passages: Sequence[TiedPassage]
                   ) -> list[tuple[int, int, float, SpanPair]]:
    """The matches of a text that is the source of passages of at least ``MIN_COPIES``
    tied documents of one cluster: the text the copies each drew on.  A text that only
    one copy's passage resembles is more often a report of the same facts than its
    source (the copy's own quotation, or names any report of the event holds)."""
    copies: dict[tuple[int, int], set[int]] = {}
    for k, d, _share, _s in matches:
        copies.setdefault((passages[k].cluster, d), set()).add(passages[k].doc)
    return [m for m in matches if len(copies[(passages[m[0]].cluster, m[1])]) >= MIN_COPIES]


def best_sources(matches: Iterable[tuple[int, int, float, SpanPair]],
                 dates: Callable[[int], DateValue | None]) -> list[tuple[int, int, float, SpanPair]]:
    """Each passage's matches against its source: of the texts holding the highest share
    of its words, those no other of them was certainly published before."""
    by_passage: dict[int, list[tuple[int, float, SpanPair]]] = {}
    for k, d, share, s in sorted(matches, key=lambda m: (m[0], m[1])):
        by_passage.setdefault(k, []).append((d, share, s))
    kept: list[tuple[int, int, float, SpanPair]] = []
    for k, found in sorted(by_passage.items()):
        best = max(share for _d, share, _s in found)
        top = [f for f in found if f[1] >= best - 1e-9]
        for (d, share, s), first in zip(top, unpreceded([dates(d) for d, _sh, _s in top])):
            if first:
                kept.append((k, d, share, s))
    return kept
