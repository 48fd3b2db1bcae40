"""Rewritten copies: sentences that keep another text's words but not its wording.

A journalist rewriting agency copy keeps the names, numbers and facts of each
sentence and changes the rest: runs of exact words are too short to seed the
alignment in ``align``.  This module matches such text sentence by sentence.
Two sentences match when they share at least ``sentence_min_words`` distinct
content words (function words from ``data/stopwords.txt`` do not count) and
those shared words are at least ``sentence_min_overlap`` of the content words
of the shorter sentence, each word weighed by its rarity in the corpus
(``rarity``): sharing a name counts for more than sharing "sentenced".  Each
sentence is matched to its best partner on the other side, in both directions,
so one long sentence may take two short ones.
The matched sentences become raw spans that ``align`` merges with the exact
ones and checks against the same minimum length and agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from .rarity import WordWeights
from .tokens import Tokens, normalise_word, word_hash


@lru_cache(maxsize=1)
def stopword_hashes() -> np.ndarray:
    """Sorted hashes of the function words."""
    text = resources.files("provenance").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    words = {normalise_word(line.strip()) for line in text.splitlines() if line.strip() and not line.startswith("#")}
    return np.array(sorted(word_hash(w) for w in words), dtype=np.uint64)


@dataclass(frozen=True, eq=False)
class Sentences:
    """A text's sentences as token ranges, and the content words of each."""

    bounds: np.ndarray  # int64, token index where each sentence starts, plus the end
    word: np.ndarray  # uint64, distinct content word of a (sentence, word) pair, sorted by word
    sentence: np.ndarray  # int64, the sentence of that pair
    sizes: np.ndarray  # int64, distinct content words per sentence
    vocab: np.ndarray  # uint64, the distinct content words of the text, sorted
    weight: np.ndarray | None = None  # float32, rarity of each pair's word (None: every word 1)
    mass: np.ndarray | None = None  # float32, summed rarity of each sentence's distinct content words


def sentences_of(tokens: Tokens, weights: WordWeights | None = None) -> Sentences:
    n = len(tokens)
    starts = tokens.sentences if tokens.sentences is not None and n else np.zeros(1 if n else 0, dtype=np.int64)
    bounds = np.append(starts, n).astype(np.int64)
    sent = np.repeat(np.arange(len(starts), dtype=np.int64), np.diff(bounds))
    stop = stopword_hashes()
    content = ~_found(tokens.hashes, stop)[1] if len(stop) else np.ones(n, dtype=bool)
    hashes, sent = tokens.hashes[content], sent[content]
    order = np.lexsort((sent, hashes))  # by word, then sentence
    hashes, sent = hashes[order], sent[order]
    first = np.ones(len(hashes), dtype=bool)  # the first of each (word, sentence)
    first[1:] = (hashes[1:] != hashes[:-1]) | (sent[1:] != sent[:-1])
    words, sentence = hashes[first], sent[first]
    sizes = np.bincount(sentence, minlength=len(starts))
    new_word = np.ones(len(words), dtype=bool)
    new_word[1:] = words[1:] != words[:-1]
    vocab = words[new_word]
    if weights is None:
        return Sentences(bounds, words, sentence, sizes, vocab)
    weight = weights.of(words)
    mass = np.bincount(sentence, weights=weight, minlength=len(starts)).astype(np.float32)
    return Sentences(bounds, words, sentence, sizes, vocab, weight, mass)


def _found(values: np.ndarray, sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``values`` sits in ``sorted_keys`` (non-empty), and whether it is there.

    Both sides sorted already, a lookup by bisection does what ``np.isin`` does
    with a sort of its own; per candidate pair, that sort was most of the cost."""
    at = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    return at, sorted_keys[at] == values


@dataclass(frozen=True)
class _Side:
    """One text's sentences as seen from a pair: its (sentence, common word) entries
    with each word's weight, the sentences holding at least ``min_words`` common
    words, and which of those could be the smaller side of a match."""

    sentence: np.ndarray
    column: np.ndarray
    weight: np.ndarray | None
    rows: np.ndarray
    could: np.ndarray


def _side(s: Sentences, common: np.ndarray, min_words: int, min_overlap: float) -> _Side:
    """A sentence could be the smaller side of a match when its common words weigh at
    least ``min_overlap`` of it: a match's shared words are common words of both."""
    at, keep = _found(s.word, common)
    sentence, column = s.sentence[keep], at[keep]
    count = np.bincount(sentence, minlength=len(s.sizes))
    weight = s.weight[keep] if s.weight is not None and s.mass is not None else None
    if weight is not None:
        held, whole = np.bincount(sentence, weights=weight, minlength=len(s.sizes)), s.mass
    else:
        held, whole = count, s.sizes
    enough = count >= min_words
    # float32 sums below may differ from these float64 ones in the last digits
    could = enough & (held >= min_overlap * whole * (1 - 1e-4))
    return _Side(sentence, column, weight, np.flatnonzero(enough), could)


def _incidence(side: _Side, sentences: int, width: int, weighted: bool = False) -> np.ndarray:
    """The side's rows x common words: 1 (or, ``weighted``, the word's weight) where
    the sentence holds the word."""
    m = np.zeros((sentences, width), dtype=np.float32)
    m[side.sentence, side.column] = side.weight if weighted else 1.0
    return m[side.rows]


def sentence_pairs(a: Sentences, b: Sentences, min_words: int, min_overlap: float) -> list[tuple[int, int]]:
    """Matched (sentence of a, sentence of b), each the best partner of one side."""
    if min_words <= 0 or not len(a.word) or not len(b.word):
        return []
    small, large = (a.vocab, b.vocab) if len(a.vocab) <= len(b.vocab) else (b.vocab, a.vocab)
    common = small[_found(small, large)[1]]
    if len(common) < min_words:
        return []
    sa, sb = _side(a, common, min_words, min_overlap), _side(b, common, min_words, min_overlap)
    rows, cols = sa.rows, sb.rows
    # A match's shared words weigh at least min_overlap of its smaller sentence, and
    # they are common words of both: most candidate pairs have no such sentence.
    if not len(rows) or not len(cols) or not (sa.could.any() or sb.could.any()):
        return []
    ia, ib = _incidence(sa, len(a.sizes), len(common)), _incidence(sb, len(b.sizes), len(common))
    # einsum, not matmul: a matrix product goes to BLAS, whose threads, one set per
    # worker process, fight over the cores for these small matrices
    shared = np.einsum("ik,jk->ij", ia, ib)  # shared content words of each sentence pair
    if sa.weight is not None and b.mass is not None:  # rarity-weighted share
        mass = np.einsum("ik,jk->ij", _incidence(sa, len(a.sizes), len(common), weighted=True), ib)
        smaller = np.minimum(a.mass[rows][:, None], b.mass[cols][None, :])
        score = np.where(shared >= min_words, mass / np.maximum(smaller, 1e-6), 0.0)
    else:
        smaller = np.minimum(a.sizes[rows][:, None], b.sizes[cols][None, :]).astype(np.float32)
        score = np.where(shared >= min_words, shared / np.maximum(smaller, 1), 0.0)
    ok = score >= min_overlap
    found: set[tuple[int, int]] = set()
    best_b = score.argmax(axis=1)
    for r in np.flatnonzero(ok[np.arange(len(rows)), best_b]).tolist():
        found.add((int(rows[r]), int(cols[best_b[r]])))
    best_a = score.argmax(axis=0)
    for c in np.flatnonzero(ok[best_a, np.arange(len(cols))]).tolist():
        found.add((int(rows[best_a[c]]), int(cols[c])))
    return sorted(found)


def sentence_spans(ta: Tokens, tb: Tokens, a: Sentences, b: Sentences, min_words: int,
                   min_overlap: float) -> list[list[int]]:
    """Raw spans ``[a0, a1, b0, b1, matched_a, matched_b]`` of matched sentences,
    where a word is matched when it occurs in the partner sentence."""
    out = []
    for i, j in sentence_pairs(a, b, min_words, min_overlap):
        a0, a1 = int(a.bounds[i]), int(a.bounds[i + 1])
        b0, b1 = int(b.bounds[j]), int(b.bounds[j + 1])
        wa, wb = ta.hashes[a0:a1].tolist(), tb.hashes[b0:b1].tolist()
        sa, sb = set(wa), set(wb)
        out.append([a0, a1, b0, b1, sum(w in sb for w in wa), sum(w in sa for w in wb)])
    return out
