"""Verification: align two documents and keep only real shared spans.

An LSH candidate says two documents *may* share text.  This module decides:
exact word n-grams common to both texts seed the alignment; seeds that follow
each other on both sides (allowing up to ``max_gap`` unmatched words, so a
changed or dropped word does not break a span) are chained into spans; spans
near each other on both sides are merged (sentences reordered within a
paragraph), and so are spans across a sentence one side skipped (``max_skip``),
together with sentences rewritten from one another (``rewrite``);
and a span is kept only if it has at least ``min_span_tokens`` words matched
exactly on each side and token agreement of at least ``min_similarity``; shorter
spans (down to ``short_span_tokens``) and spans of rewritten sentences only where
the two texts share ``pair_min_tokens`` matched words in all.
The cost is linear in the two lengths plus the number of seed matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .params import Params, in_characters
from .rarity import WordWeights, distinct_content
from .rewrite import Sentences, sentence_spans, sentences_of, stopword_hashes
from .tokens import Tokens, ngram_hashes, word_scale


@dataclass(frozen=True)
class TokenSpan:
    """A verified shared span, in token indices ``[start, end)`` on both sides."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    matched_a: int
    matched_b: int
    # Where the two sides are known to correspond: runs ``(i0, j0, i1, j1)``, words
    # [i0, i1) of a matched on one diagonal to words [j0, j1) of b (and each pair of
    # rewritten sentences), in order on both sides (see in_order); empty when the span is
    # one run.
    anchors: tuple[tuple[int, int, int, int], ...] = ()
    # The matched words each counted once, where that is fewer: the pieces of a span count
    # the words of an exact run inside a rewritten sentence twice, which weighs as more
    # evidence but is no closer a copy (None: as matched_a and matched_b).
    once_a: int | None = None
    once_b: int | None = None

    def swapped(self) -> "TokenSpan":
        """The same span seen from the other text."""
        return TokenSpan(self.b_start, self.b_end, self.a_start, self.a_end, self.matched_b, self.matched_a,
                         tuple((j0, i0, j1, i1) for i0, j0, i1, j1 in self.anchors), self.once_b, self.once_a)

    @property
    def similarity(self) -> float:
        """Token agreement of the two sides: words matched over the words of both."""
        total = (self.a_end - self.a_start) + (self.b_end - self.b_start)
        a = self.matched_a if self.once_a is None else self.once_a
        b = self.matched_b if self.once_b is None else self.once_b
        return (a + b) / total if total else 0.0


@dataclass(frozen=True, eq=False)
class Seeds:
    """A document's seed n-grams, computed once and reused for every pair it is in;
    its content words (given, or found when first read) and sentences (made when
    first read)."""

    grams: np.ndarray  # n-gram hash at each token position
    usable: np.ndarray  # sorted distinct n-grams rare enough in this text to seed
    counts: np.ndarray | None = None  # occurrences of each usable n-gram in this text
    tokens: Tokens | None = None  # the text's words, for relatedness and sentences ...
    weights: WordWeights | None = None  # ... weighed by the corpus's word rarity
    with_sentences: bool = False  # whether rewritten sentences are matched
    _content: list = field(default_factory=list)  # (content words, their weights)
    _sentences: list = field(default_factory=list)  # Sentences
    n: int = 0  # the n-gram length of the seeds

    def content(self) -> tuple[np.ndarray, np.ndarray]:
        """The text's distinct content words (function words aside), sorted, and their
        weights: as given to ``seeds_of`` (an audit finds them once for every document),
        else found here."""
        if not self._content:
            hashes = self.tokens.hashes if self.tokens is not None else np.zeros(0, dtype=np.uint64)
            words = distinct_content(hashes, stopword_hashes())
            weights = self.weights.of(words) if self.weights is not None else np.ones(len(words), np.float32)
            self._content.append((words, weights))
        return self._content[0]

    @property
    def sentences(self) -> Sentences | None:
        """The text's sentences for rewrite matching, or None when that is off: most
        candidate pairs are not related enough to need them."""
        if not self.with_sentences or self.tokens is None:
            return None
        if not self._sentences:
            self._sentences.append(sentences_of(self.tokens, self.weights))
        return self._sentences[0]


def seeds_of(tokens: Tokens, n: int, max_occurrences: int, sentences: bool = False,
             weights: WordWeights | None = None,
             content: tuple[np.ndarray, np.ndarray] | None = None) -> Seeds:
    """Seeds of one text; with ``sentences``, its sentences for rewrite matching
    (their words weighed by ``weights``, the corpus's word rarity, when given).
    ``content``: the text's content words and their weights when already found (the
    two texts of a pair must give them in the same form: both word hashes, or both
    rows of one vocabulary)."""
    known = [content] if content is not None else []
    grams = ngram_hashes(tokens.hashes, n)
    if grams.size == 0:
        return Seeds(grams, grams, None, tokens, weights, sentences, known, n=n)
    values, counts = np.unique(grams, return_counts=True)
    rare = counts <= max_occurrences
    return Seeds(grams, values[rare], counts[rare], tokens, weights, sentences, known, n=n)


def reseeded(tokens: Tokens, seeds: Seeds | None, params: Params) -> Seeds:
    """Seeds of ``params.seed_ngram`` words, keeping what ``seeds`` (of other n-grams,
    or None) already found: a text in ideographs seeds with longer n-grams than others,
    and a pair of one such text and another seeds both alike."""
    if seeds is None:
        return seeds_of(tokens, params.seed_ngram, params.max_seed_occurrences, params.sentence_min_words > 0)
    return seeds_of(tokens, params.seed_ngram, params.max_seed_occurrences, seeds.with_sentences, seeds.weights,
                    seeds._content[0] if seeds._content else None)


def relatedness(a: Seeds, b: Seeds) -> float:
    """How much of one story the other tells: the share of the shorter text's content
    words, each weighed by its rarity, that the other text holds too."""
    (wa, ma), (wb, mb) = a.content(), b.content()
    assert wa.dtype == wb.dtype, "content words of one pair in two forms (vocabulary rows and hashes)"
    smaller = min(float(ma.sum()), float(mb.sum()))
    if smaller <= 0:
        return 0.0
    at = np.minimum(np.searchsorted(wb, wa), len(wb) - 1)  # both sorted and distinct
    return float(ma[wb[at] == wa].sum()) / smaller


def _positions(grams: np.ndarray, common: np.ndarray) -> np.ndarray:
    """Positions whose n-gram is in ``common`` (sorted): a binary search, which for
    a few hundred n-grams costs far less than ``np.isin``."""
    at = np.searchsorted(common, grams)
    at[at == common.size] = 0
    return np.flatnonzero(common[at] == grams)


def seed_matches(a: Seeds, b: Seeds, at_least: int = 1) -> list[tuple[int, int]]:
    """All (i, j) with the same usable n-gram at position i of a and j of b; none
    when there are fewer than ``at_least`` of them (counted before listing them)."""
    if a.usable.size == 0 or b.usable.size == 0:
        return []
    common, ia, ib_ = np.intersect1d(a.usable, b.usable, assume_unique=True, return_indices=True)
    if common.size == 0:
        return []
    if at_least > 1 and a.counts is not None and b.counts is not None:
        if int((a.counts[ia] * b.counts[ib_]).sum()) < at_least:
            return []
    ib = _positions(b.grams, common)
    positions: dict[int, list[int]] = {}
    for j, h in zip(ib.tolist(), b.grams[ib].tolist()):
        positions.setdefault(h, []).append(j)
    ia = _positions(a.grams, common)
    return [(i, j) for i, h in zip(ia.tolist(), a.grams[ia].tolist()) for j in positions[h]]


def _chain(matches: list[tuple[int, int]], n: int, gap: int) -> list[list[tuple[int, int]]]:
    """Greedy monotone chaining of seed matches (sorted by i, then j).

    A match joins the active chain whose last match precedes it on both sides by
    at most ``n + gap`` words, preferring the one that keeps the diagonal.
    """
    reach = n + gap
    done: list[list[tuple[int, int]]] = []
    active: list[list[tuple[int, int]]] = []
    for i, j in matches:
        if active and active[0][-1][0] + reach < i:
            keep = []
            for c in active:
                (keep if c[-1][0] + reach >= i else done).append(c)
            active = keep
        best = None
        best_cost = None
        for k, c in enumerate(active):
            di, dj = i - c[-1][0], j - c[-1][1]
            if 0 < di <= reach and 0 < dj <= reach:
                cost = abs(di - dj)
                if best_cost is None or cost < best_cost:
                    best, best_cost = k, cost
        if best is None:
            active.append([(i, j)])
        else:
            # keep active sorted by last i, as a stable sort would: the chain now ends at
            # i, the largest, and goes before the chains that already ended at i
            c = active.pop(best)
            c.append((i, j))
            at = len(active)
            while at and active[at - 1][-1][0] == i:
                at -= 1
            active.insert(at, c)
    return done + active


def _trim(chain: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop a lone seed hanging off either end of a solid run.

    After a run of consecutive seeds, one n-gram matched beyond a gap is as likely
    a stock phrase as a continuation; it would stretch an exact copy's span.
    Chains of sparse seeds (rewritten text) are left as they are.
    """
    def consecutive(a: tuple[int, int], b: tuple[int, int]) -> bool:
        return b[0] - a[0] == 1 and b[1] - a[1] == 1

    if len(chain) >= 3 and not consecutive(chain[-2], chain[-1]) and consecutive(chain[-3], chain[-2]):
        chain = chain[:-1]
    if len(chain) >= 3 and not consecutive(chain[0], chain[1]) and consecutive(chain[1], chain[2]):
        chain = chain[1:]
    return chain


def _span(chain: list[tuple[int, int]], n: int) -> list[int]:
    """``[a0, a1, b0, b1, matched_a, matched_b]`` of a chain (token indices)."""
    ma = mb = 0
    last_a = last_b = -(10**9)
    for i, j in chain:
        ma += min(n, i - last_a)
        mb += min(n, j - last_b)
        last_a, last_b = i, j
    return [chain[0][0], chain[-1][0] + n, chain[0][1], chain[-1][1] + n, ma, mb]


def _same_words(ta: Tokens, tb: Tokens, span: list[int]) -> bool:
    a = ta.hashes[span[0] : span[1]]
    b = tb.hashes[span[2] : span[3]]
    return a.shape == b.shape and bool(np.array_equal(a, b))


def _runs(chain: list[tuple[int, int]], n: int) -> list[tuple[int, int, int, int]]:
    """The chain's runs of seeds on one diagonal, ``(i0, j0, i1, j1)``: where the two
    sides are known to correspond."""
    runs: list[tuple[int, int, int, int]] = []
    first = chain[0]
    for prev, (i, j) in zip(chain, chain[1:]):
        if j - i != prev[1] - prev[0]:
            runs.append((*first, prev[0] + n, prev[1] + n))
            first = (i, j)
    runs.append((*first, chain[-1][0] + n, chain[-1][1] + n))
    return runs


def _exact_core(chain: list[tuple[int, int]], n: int, ta: Tokens, tb: Tokens) -> list:
    """The chain's span, or its trimmed core when that core is an exact copy, with its
    run boundaries."""
    trimmed = _trim(chain)
    if len(trimmed) < len(chain):
        core = _span(trimmed, n)
        if _same_words(ta, tb, core):
            return [*core, _runs(trimmed, n)]
    return [*_span(chain, n), _runs(chain, n)]


def _distance(s1: int, e1: int, s2: int, e2: int) -> int:
    return max(0, max(s1, s2) - min(e1, e2))


def _near(s: list, t: list, gap: int, skip: int, sturdy: int) -> bool:
    """Do spans ``s`` and ``t`` belong to one span?  Within ``gap`` words of each other on
    both sides; or apart on both sides, within ``skip`` words on one side and ``gap`` on
    the other, both parts holding at least as many words matched exactly as the block
    skipped and at least ``sturdy`` (a sentence one side dropped or added, two sentences
    swapped: neither a stock phrase nor a rewritten sentence nearby stretches a span).
    Apart: overlapping on neither side by half the shorter part or more (chains cross
    by a few words where an edit moved text); a paragraph one side holds twice overlaps
    itself wholly on the other side, and must not join its two copies with the words
    between them."""
    da, db = _distance(s[0], s[1], t[0], t[1]), _distance(s[2], s[3], t[2], t[3])
    if da <= gap and db <= gap:
        return True
    if min(da, db) > gap or max(da, db) > skip or min(s[6], t[6]) < max(da, db, sturdy):
        return False  # the usual answer for two runs of one candidate pair: checked first
    return all(2 * (min(s[e], t[e]) - max(s[b], t[b])) < min(s[e] - s[b], t[e] - t[b]) for b, e in ((0, 1), (2, 3)))


def _merge_nearby(spans: list[list], gap: int, skip: int = 0, sturdy: int = 0) -> list[list]:
    """Merge spans adjacent on both sides (reordered sentences of one paragraph), or
    across a sentence one side skipped (see ``_near``).
    A span is ``[a0, a1, b0, b1, matched_a, matched_b, exact, anchors, once_a, once_b]``
    (``once``: the matched words, each counted once; see ``_less_exact``)."""
    spans = sorted(spans)
    merged = True
    while merged and len(spans) > 1:
        merged = False
        out: list[list[int]] = []
        for s in spans:
            for t in out:
                if _near(s, t, gap, skip, sturdy):
                    t[0], t[1] = min(s[0], t[0]), max(s[1], t[1])
                    t[2], t[3] = min(s[2], t[2]), max(s[3], t[3])
                    t[4] = min(t[4] + s[4], t[1] - t[0])
                    t[5] = min(t[5] + s[5], t[3] - t[2])
                    t[6] += s[6]
                    t[7] = t[7] + s[7]
                    t[8] = min(t[8] + s[8], t[1] - t[0])
                    t[9] = min(t[9] + s[9], t[3] - t[2])
                    merged = True
                    break
            else:
                out.append(list(s))
        spans = sorted(out)
    return spans


def in_order(runs: list[tuple[int, int, int, int]], a0: int, a1: int, b0: int,
             b1: int) -> list[tuple[int, int, int, int]]:
    """The runs that follow one another on both sides with the most matched words in all
    (the heaviest chain; few runs per span, so a quadratic search): a sentence moved
    within a paragraph, or a stray run of repeated words merged into the span, is left
    out, so that mapping an offset from one side to the other never runs backwards."""
    runs = sorted({r for r in runs if a0 <= r[0] <= r[2] <= a1 and b0 <= r[1] <= r[3] <= b1})
    if len(runs) > 256:  # keep the longest
        runs = sorted(sorted(runs, key=lambda r: r[0] - r[2] + r[1] - r[3])[:256])
    best: list[int] = []
    before: list[int] = []
    for k, (s0, t0, s1, t1) in enumerate(runs):
        prior = [(best[m], m) for m in range(k) if runs[m][2] <= s0 and runs[m][3] <= t0]
        top = max(prior) if prior else (0, -1)
        best.append(top[0] + (s1 - s0) + (t1 - t0))
        before.append(top[1])
    out: list[tuple[int, int, int, int]] = []
    k = max(range(len(runs)), key=lambda m: (best[m], -m)) if runs else -1
    while k >= 0:
        out.append(runs[k])
        k = before[k]
    return out[::-1]


def _inside_exact(s: list[int], exact: list[list[int]]) -> bool:
    """Is a matched sentence already (mostly) part of an exact span on either side?
    Sentence matching is for text the exact alignment could not match; it must not
    pair a headline with the lead of a verbatim copy."""
    for e in exact:
        over_a = min(s[1], e[1]) - max(s[0], e[0])
        over_b = min(s[3], e[3]) - max(s[2], e[2])
        if over_a * 2 >= s[1] - s[0] or over_b * 2 >= s[3] - s[2]:
            return True
    return False


def _less_exact(s: list[int], runs: list[tuple[int, int, int, int]]) -> list[int]:
    """A matched sentence pair's matched words without those of exact runs inside it on
    both sides: the span of those runs merges with it and counts them already (counted
    twice, a rewritten sentence holding a few exact words looked like a verbatim copy)."""
    a0, a1, b0, b1, ma, mb = s
    inside = [(i0, j0, i1, j1) for i0, j0, i1, j1 in runs if a0 <= i0 < i1 <= a1 and b0 <= j0 < j1 <= b1]
    return [max(0, ma - sum(i1 - i0 for i0, _, i1, _ in inside)), max(0, mb - sum(j1 - j0 for _, j0, _, j1 in inside))]


def align_tokens(ta: Tokens, tb: Tokens, params: Params, sa: Seeds | None = None,
                 sb: Seeds | None = None) -> list[TokenSpan]:
    """Verified shared spans between two token sequences, in token indices.
    ``sa`` and ``sb`` are the texts' seeds when the caller already has them.  Between
    two texts in ideographs and kana, lengths in words count characters (``in_characters``)."""
    if ta.ideographic and tb.ideographic:  # (checked first: a pair of words needs no more)
        params = in_characters(params, word_scale(ta, tb, params.ideographic_word_chars))
    n = params.seed_ngram
    rewrites = params.sentence_min_words > 0
    sa = sa if sa is not None and sa.n == n else reseeded(ta, sa, params)
    sb = sb if sb is not None and sb.n == n else reseeded(tb, sb, params)
    related: list[float] = []  # relatedness(sa, sb), once needed

    def story() -> float:
        if not related:
            related.append(relatedness(sa, sb))
        return related[0]

    # Rewritten sentences are looked for between documents that tell one story, on the
    # evidence of their words; most candidate pairs share a phrase and little else.
    rewrites = (rewrites and (params.sentence_min_relatedness <= 0 or story() >= params.sentence_min_relatedness)
                and sa.sentences is not None and sb.sentences is not None)  # sentences made only when needed
    # A kept span has at least `shortest` matched words, each seed match adding at most
    # n of them: with fewer matches in all, no span can be kept, unless rewritten
    # sentences (which need no seeds) join it.
    shortest = min(params.short_span_tokens, params.min_span_tokens)
    matches = seed_matches(sa, sb, 1 if rewrites else -(-shortest // n))
    # A lone seed is never a span, and must not stretch a neighbour when merging.
    raw = [_exact_core(c, n, ta, tb) for c in _chain(matches, n, params.max_gap) if len(c) > 1] if matches else []
    for r in raw:  # the words matched exactly, apart from rewritten sentences
        r.insert(6, min(r[4], r[5]))
        r += [r[4], r[5]]
    if rewrites:
        rewritten = sentence_spans(ta, tb, sa.sentences, sb.sentences, params.sentence_min_words,
                                   params.sentence_min_overlap)
        runs = [run for r in raw for run in r[7]]
        raw += [[*s, 0, [(s[0], s[2], s[1], s[3])], *_less_exact(s, runs)] for s in rewritten
                if not _inside_exact(s, raw)]
    if not raw:
        return []
    spans, alone = [], []
    merged = _merge_nearby(raw, params.max_gap, params.max_skip, params.short_span_tokens)
    # The thresholds read the matched words as the pieces count them, an exact run inside
    # a rewritten sentence counted with both (more evidence than either alone); the
    # similarity reported counts each word once.
    for a0, a1, b0, b1, ma, mb, exact, runs, once_a, once_b in merged:
        if min(ma, mb) < shortest or TokenSpan(a0, a1, b0, b1, ma, mb).similarity < params.min_similarity:
            continue  # checked first: most candidate pairs end here, and their runs need no order
        chain = in_order(runs, a0, a1, b0, b1)
        anchors = () if chain == [(a0, b0, a1, b1)] else tuple(chain)
        once = (once_a, once_b) if (once_a, once_b) != (ma, mb) else (None, None)
        spans.append(TokenSpan(a0, a1, b0, b1, ma, mb, anchors, *once))
        alone.append(min(ma, mb) >= params.min_span_tokens and exact >= params.min_span_tokens)
    # Short runs and rewritten sentences count only where the two texts share enough in
    # all, or tell the same story (a text too short to share pair_min_tokens words tells
    # too little to judge).
    if not all(alone) and sum(min(s.matched_a, s.matched_b) for s in spans) < params.pair_min_tokens:
        same_story = (params.pair_min_relatedness > 0 and min(len(ta), len(tb)) >= params.pair_min_tokens
                      and story() >= params.pair_min_relatedness)
        if not same_story:
            spans = [s for s, ok in zip(spans, alone) if ok]
    return spans


def is_verbatim(ta: Tokens, tb: Tokens, span: TokenSpan) -> bool:
    a = ta.hashes[span.a_start : span.a_end]
    b = tb.hashes[span.b_start : span.b_end]
    return a.shape == b.shape and bool(np.array_equal(a, b))
