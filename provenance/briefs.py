"""Rewritten briefs: a short item that condenses another text in words of its own.

A newspaper brief of one or two sentences often retells an agency story in a
single sentence that takes its names, places and figures from several of the
story's sentences.  No run of exact words survives, and no sentence of the brief
matches one sentence of the story (``rewrite``), so neither seeds nor sentence
pairs find it; and a brief's few content words rarely make an LSH window close
to any window of a longer story.

A *brief* here is a text of ``align.brief_min_words`` to ``align.brief_max_words``
distinct content words that shares no passage with any document.  Its source holds at
least ``align.sentence_min_overlap`` of its content words, each weighed by its rarity
(``rarity``), and the same share of its rare words (weighing ``KEY_MIN_WEIGHT`` or more:
the names and places that tell its story apart from a formula), within consecutive
sentences, and every figure of it (a rewrite keeps ages, sums, dates); and it was not
published after the brief.  Candidates come from an index of each brief's rarest words
(any text holding the share of its rare words holds one of them); ``brief_span`` verifies
them and reports the brief against the fewest consecutive sentences that hold all that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

import numpy as np

from .dates import compare_dates
from .model import DateValue
from .params import Params
from .rarity import ContentWords, WordWeights
from .rewrite import Sentences, _found
from .tokens import Tokens

if TYPE_CHECKING:
    from .align import TokenSpan

# The rare words of a brief, those weighing at least this (names, places: words found in
# few documents of the corpus), tell its story: its source must hold the same share of
# their weight as of all its words'.  They also key the index; a brief whose other words
# alone could make that share is left to the other matchers.
KEY_MIN_WEIGHT = 0.5
# Content words of the documents matched against the index at once (about 50 bytes each
# while a batch is matched).
BATCH_WORDS = 1_000_000
# Shares are summed in whole units of 2**-20 of a weight and compared in millionths, so
# that a sum is exact in any order and both engines draw the same line.
_UNITS = 1 << 20
_SHARE_UNITS = 1_000_000


@dataclass(frozen=True, eq=False)
class BriefIndex:
    """The briefs of a corpus, their content words and weights, and their key words."""

    docs: np.ndarray  # int64, the document of each brief
    starts: np.ndarray  # int64, where each brief's words start in ``words``, plus the end
    words: np.ndarray  # uint64, each brief's distinct content words, sorted
    units: np.ndarray  # int64, the rarity of each of those words in whole units (``_UNITS``)
    total_units: np.ndarray  # int64, each brief's words' units summed
    rare_units: np.ndarray  # int64, the units of each word that is rare (0 for the others)
    total_rare: np.ndarray  # int64, each brief's rare words' units summed
    keys: np.ndarray  # uint64, key words, sorted
    key_brief: np.ndarray  # int64, the brief (position in ``docs``) of each key word
    key_units: np.ndarray  # int64, the units of each key word (all rare)
    key_total_units: np.ndarray  # int64, each brief's key words' units summed
    min_overlap: float
    entries: np.ndarray | None = None  # int64, each brief's place among those given (some have no key)

    def __len__(self) -> int:
        return len(self.docs)


def is_brief(words: int, params: Params) -> bool:
    """Whether a text of this many distinct content words is a brief."""
    return params.brief_max_words > 0 and params.brief_min_words <= words <= params.brief_max_words


def key_words(words: np.ndarray, weights: np.ndarray, min_overlap: float) -> np.ndarray | None:
    """The fewest of a brief's rarest words that a text holding ``min_overlap`` of its
    rare words' weight (words weighing at least ``KEY_MIN_WEIGHT``) must hold one of;
    None for a brief whose other words alone could make ``min_overlap`` of its weight
    (a table of figures, a formula: nothing in it tells its story apart)."""
    units = _rare_units(weights)
    total = int(units.sum())
    every = int(_units(weights).sum())
    if not total or _enough(np.array([every - total]), np.array([every]), min_overlap)[0]:
        return None
    order = np.lexsort((words, -units))  # rarest first; ties by hash, for the same keys every run
    rest = total - np.cumsum(units[order])  # the units left out by the first k + 1 words
    k = int(np.argmax(~_enough(rest, np.full(len(rest), total), min_overlap)))
    return words[order[: k + 1]]


def _rare_units(weights: np.ndarray) -> np.ndarray:
    """Units of the words that weigh at least ``KEY_MIN_WEIGHT``; 0 for the others."""
    return np.where(weights >= KEY_MIN_WEIGHT, _units(weights), 0)


def _units(weights: np.ndarray) -> np.ndarray:
    return np.rint(weights.astype(np.float64) * _UNITS).astype(np.int64)


def build_index(briefs: Iterable[tuple[int, np.ndarray, np.ndarray]], min_overlap: float) -> BriefIndex:
    """An index of these briefs, each given as (document, its distinct content words
    sorted, their weights)."""
    docs, sizes, words, weights, keys, key_brief, key_weights, entries = [], [0], [], [], [], [], [], []
    for entry, (doc, w, m) in enumerate(briefs):
        found = key_words(w, m, min_overlap)
        if found is None:
            continue
        entries.append(entry)
        keys.append(found)
        key_weights.append(_rare_units(m[np.searchsorted(w, found)]))
        key_brief.append(np.full(len(found), len(docs), dtype=np.int64))
        docs.append(doc)
        sizes.append(len(w))
        words.append(w)
        weights.append(m)
    key_array = np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint64)
    brief_array = np.concatenate(key_brief) if key_brief else np.zeros(0, dtype=np.int64)
    key_units = np.concatenate(key_weights) if key_weights else np.zeros(0, dtype=np.int64)
    order = np.lexsort((brief_array, key_array))
    weight_array = np.concatenate(weights).astype(np.float32) if weights else np.zeros(0, dtype=np.float32)
    units, rare = _units(weight_array), _rare_units(weight_array)
    starts = np.cumsum(sizes).astype(np.int64)
    return BriefIndex(np.array(docs, dtype=np.int64), starts,
                      np.concatenate(words).astype(np.uint64) if words else np.zeros(0, dtype=np.uint64),
                      units, np.add.reduceat(units, starts[:-1]) if len(docs) else units[:0],
                      rare, np.add.reduceat(rare, starts[:-1]) if len(docs) else rare[:0],
                      key_array[order].astype(np.uint64), brief_array[order], key_units[order],
                      np.bincount(brief_array, weights=key_units, minlength=len(docs)).astype(np.int64),
                      min_overlap, np.array(entries, dtype=np.int64))



def _enough(held: np.ndarray, total: np.ndarray, share: "float | np.ndarray") -> np.ndarray:
    """Whether ``held`` units are at least ``share`` of ``total``, exactly."""
    return held * _SHARE_UNITS >= np.rint(np.asarray(share) * _SHARE_UNITS).astype(np.int64) * total


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Every index of the ranges [start, start + count), one range after another."""
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + (np.arange(total, dtype=np.int64) - offsets)


def brief_pairs(index: BriefIndex, docs: Sequence[int], words: Sequence[np.ndarray]) -> list[tuple[int, int]]:
    """Every (lower, higher) document pair of a brief and one of ``docs`` (each given
    with its distinct content words, sorted) holding at least ``min_overlap`` of the
    brief's weighed words.  A document meets the briefs whose key words it holds."""
    a, at = holders(index, docs, words)
    b = index.docs[at]
    return sorted(set(zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist())))


def holders(index: BriefIndex, docs: Sequence[int], words: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(each document of ``docs`` holding enough of a brief, that brief's position in the
    index), as two arrays: ``brief_pairs`` before it is made document pairs."""
    none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    if not len(index.keys) or not len(docs):
        return none
    sizes = np.array([len(w) for w in words], dtype=np.int64)
    every = np.concatenate(words).astype(np.uint64) if sizes.sum() else np.zeros(0, dtype=np.uint64)
    owner = np.repeat(np.arange(len(docs), dtype=np.int64), sizes)
    lo = np.searchsorted(index.keys, every, side="left")
    hi = np.searchsorted(index.keys, every, side="right")
    hit = hi > lo
    entry = _ranges(lo[hit].astype(np.int64), (hi - lo)[hit].astype(np.int64))  # key entries met
    doc = np.repeat(owner[hit], (hi - lo)[hit])
    # (document, brief) once each, with the weight of the brief's key words it holds:
    # with all of the brief's other rare words it must still reach the share of them
    met, at = np.unique(doc * len(index.docs) + index.key_brief[entry], return_inverse=True)
    keys_held = np.bincount(at.ravel(), weights=index.key_units[entry], minlength=len(met)).astype(np.int64)
    doc, brief = met // len(index.docs), met % len(index.docs)
    bound = keys_held + index.total_rare[brief] - index.key_total_units[brief]
    ids = np.asarray(docs, dtype=np.int64)
    keep = (ids[doc] != index.docs[brief]) & _enough(bound, index.total_rare[brief], index.min_overlap)
    doc, brief = doc[keep], brief[keep]
    if not len(doc):
        return none
    # the brief's words each candidate holds: as (document, row of the batch's
    # vocabulary) keys, which sort as the documents' words do
    lengths = np.diff(index.starts)[brief]
    at = _ranges(index.starts[brief], lengths)
    pair = np.repeat(np.arange(len(doc), dtype=np.int64), lengths)
    vocabulary = np.unique(every)  # the batch's words: a brief's word outside it is held by none
    width = len(vocabulary) + 1
    held_keys = owner * width + np.searchsorted(vocabulary, every)
    asked_words = index.words[at]
    row = np.minimum(np.searchsorted(vocabulary, asked_words), len(vocabulary) - 1)
    known = vocabulary[row] == asked_words
    asked = doc[pair] * width + row
    found = known & (held_keys[np.minimum(np.searchsorted(held_keys, asked), len(held_keys) - 1)] == asked)
    held = np.bincount(pair, weights=np.where(found, index.units[at], 0), minlength=len(doc)).astype(np.int64)
    rare = np.bincount(pair, weights=np.where(found, index.rare_units[at], 0), minlength=len(doc)).astype(np.int64)
    enough = (_enough(held, index.total_units[brief], index.min_overlap)
              & _enough(rare, index.total_rare[brief], index.min_overlap))
    return ids[doc[enough]], brief[enough]


def corpus_briefs(content: ContentWords, params: Params) -> tuple[list[tuple[int, int]], set[int]]:
    """The brief pairs of an audited corpus, from each document's content words, and
    the briefs that have a key."""
    if params.brief_max_words <= 0 or params.sentence_min_words <= 0:
        return [], set()
    sizes = np.diff(content.starts)
    briefs = np.flatnonzero((sizes >= params.brief_min_words) & (sizes <= params.brief_max_words)).tolist()
    index = build_index(((d, content.hashes_of(d), content.of(d)[1]) for d in briefs), params.sentence_min_overlap)
    if not len(index):
        return [], set()
    pairs: set[tuple[int, int]] = set()
    for docs in batches(range(len(sizes)), sizes):
        pairs.update(brief_pairs(index, docs, [content.hashes_of(d) for d in docs]))
    return sorted(pairs), set(index.docs.tolist())


def batches(docs: Iterable[int], sizes: Sequence[int]) -> Iterator[list[int]]:
    """The documents in batches of about ``BATCH_WORDS`` content words (``sizes``: each
    document's count, by document)."""
    batch: list[int] = []
    held = 0
    for d in docs:
        batch.append(d)
        held += int(sizes[d])
        if held >= BATCH_WORDS:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def unmatched_briefs(pairs: Iterable[tuple[int, int]], briefs: set[int], matched: set[int],
                     dates: Callable[[int], DateValue | None]) -> list[tuple[int, int]]:
    """(brief, other) for each brief pair whose brief shares no verified span with any
    document (a brief with a passage of its own is a copy already, of what it shares),
    and whose other text was not published after it (``dates``: each document's date):
    a brief condenses a story told before it, and a later story that tells the same
    facts again must not become the brief's source, nor the brief the origin of the
    story's passages."""
    out = []
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            if x in briefs and x not in matched:
                dx, dy = dates(x), dates(y)
                if dx is None or dy is None or compare_dates(dy, dx) != 1:
                    out.append((x, y))
    return sorted(out)


def weighed(words: np.ndarray, weights: WordWeights | None) -> np.ndarray:
    return weights.of(words) if weights is not None else np.ones(len(words), dtype=np.float32)


def _figures(tokens: Tokens) -> np.ndarray:
    """Hashes of the words of this text that hold a digit (ages, sums, dates)."""
    if tokens.text is None and tokens.offsets is None:
        return np.zeros(0, dtype=np.uint64)
    text = str(tokens.text) if tokens.text is not None else None
    if text is None:
        return np.zeros(0, dtype=np.uint64)
    starts, ends = tokens.bounds()
    digit = [any(c.isdigit() for c in text[s:e]) for s, e in zip(starts.tolist(), ends.tolist())]
    return np.unique(tokens.hashes[np.array(digit, dtype=bool)]) if any(digit) else np.zeros(0, dtype=np.uint64)


def _window(brief: Sentences, units: np.ndarray, totals: np.ndarray, shares: np.ndarray,
            other: Sentences) -> tuple[int, int] | None:
    """The fewest consecutive sentences of ``other`` (first and last + 1; the earliest
    of equal length) whose words hold ``shares[k]`` of each row k of ``units`` (which
    weighs each of the brief's words; ``totals[k]`` is its sum), in whole units as the
    index counts them."""
    at, hit = _found(other.word, brief.vocab)
    sentence, column = other.sentence[hit], at[hit]
    if not len(sentence):
        return None
    if not _enough(units[:, np.unique(column)].sum(axis=1), totals, shares).all():
        return None
    held: list[list[int]] = [[] for _ in range(len(other.sizes))]
    for s, c in zip(sentence.tolist(), column.tolist()):
        held[s].append(c)
    count = np.zeros(len(brief.vocab), dtype=np.int64)
    mass = np.zeros(len(totals), dtype=np.int64)
    best, lo = None, 0
    for hi in range(len(held)):
        for c in held[hi]:
            if count[c] == 0:
                mass += units[:, c]
            count[c] += 1
        while _enough(mass, totals, shares).all():
            if best is None or hi + 1 - lo < best[1] - best[0]:
                best = (lo, hi + 1)
            for c in held[lo]:
                count[c] -= 1
                if count[c] == 0:
                    mass -= units[:, c]
            lo += 1
    return best


def brief_span(ta: Tokens, tb: Tokens, a: Sentences, b: Sentences, weights: WordWeights | None,
               params: Params) -> "tuple[TokenSpan, float] | None":
    """The whole of brief ``ta`` against the fewest consecutive sentences of ``tb`` that
    hold ``sentence_min_overlap`` of its weighed content words, the same share of its
    rare ones, and each of its figures; with the share of its words the whole of ``tb``
    holds (which of several such texts it condenses); or None.  ``a`` and ``b`` are the
    two texts' sentences, their words weighed by ``weights``."""
    from .align import TokenSpan  # align's span, made here for the brief stage

    share = params.sentence_min_overlap
    if not len(tb) or share <= 0 or not is_brief(len(a.vocab), params):
        return None
    w = weighed(a.vocab, weights)
    figures = _figures(ta)
    # all its words, the rare ones that tell its story (its stock words alone can make
    # the share), and its figures, each of which must be held (a share of 1)
    units = np.stack([_units(w), _rare_units(w), np.isin(a.vocab, figures).astype(np.int64)])
    totals = units.sum(axis=1)
    found = _window(a, units, totals, np.array([share, share, 1.0]), b)
    if found is None:
        return None
    b0, b1 = int(b.bounds[found[0]]), int(b.bounds[found[1]])
    window = tb.hashes[b0:b1]
    if len(figures) and not np.isin(figures, window).all():  # a figure that is a function word
        return None
    held = int(units[0][np.isin(a.vocab, tb.hashes)].sum())
    brief = ta.hashes
    return (TokenSpan(0, len(ta), b0, b1, int(np.isin(brief, window).sum()), int(np.isin(window, brief).sum())),
            held / int(totals[0]))
