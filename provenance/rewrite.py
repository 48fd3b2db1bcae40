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
    weight: np.ndarray | None = None  # float32, rarity of each pair's word (None: every word 1)
    mass: np.ndarray | None = None  # float32, summed rarity of each sentence's distinct content words


def sentences_of(tokens: Tokens, weights: WordWeights | None = None) -> Sentences:
    n = len(tokens)
    starts = tokens.sentences if tokens.sentences is not None and n else np.zeros(1 if n else 0, dtype=np.int64)
    bounds = np.append(starts, n).astype(np.int64)
    sent = np.repeat(np.arange(len(starts), dtype=np.int64), np.diff(bounds))
    content = ~np.isin(tokens.hashes, stopword_hashes())
    pairs = np.unique(np.stack([tokens.hashes[content], sent[content].astype(np.uint64)], axis=1), axis=0) \
        if content.any() else np.zeros((0, 2), dtype=np.uint64)
    sizes = np.bincount(pairs[:, 1].astype(np.int64), minlength=len(starts)) if len(pairs) else \
        np.zeros(len(starts), dtype=np.int64)
    words, sentence = pairs[:, 0].copy(), pairs[:, 1].astype(np.int64)
    if weights is None:
        return Sentences(bounds, words, sentence, sizes)
    weight = weights.of(words)
    mass = np.bincount(sentence, weights=weight, minlength=len(starts)).astype(np.float32)
    return Sentences(bounds, words, sentence, sizes, weight, mass)


def _incidence(s: Sentences, common: np.ndarray, weighted: bool = False) -> np.ndarray:
    """Sentences x common words: 1 (or, ``weighted``, the word's rarity) where the
    sentence holds the word."""
    keep = np.isin(s.word, common)
    m = np.zeros((len(s.sizes), len(common)), dtype=np.float32)
    m[s.sentence[keep], np.searchsorted(common, s.word[keep])] = s.weight[keep] if weighted else 1.0
    return m


def sentence_pairs(a: Sentences, b: Sentences, min_words: int, min_overlap: float) -> list[tuple[int, int]]:
    """Matched (sentence of a, sentence of b), each the best partner of one side."""
    if min_words <= 0 or not len(a.word) or not len(b.word):
        return []
    common = np.intersect1d(a.word, b.word)
    if len(common) < min_words:
        return []
    ia, ib = _incidence(a, common), _incidence(b, common)
    rows = np.flatnonzero(ia.sum(axis=1) >= min_words)
    cols = np.flatnonzero(ib.sum(axis=1) >= min_words)
    if not len(rows) or not len(cols):
        return []
    shared = ia[rows] @ ib[cols].T  # shared content words of each sentence pair
    if a.mass is not None and b.mass is not None:  # rarity-weighted share
        mass = _incidence(a, common, weighted=True)[rows] @ ib[cols].T
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
        wa, wb = ta.hashes[a0:a1], tb.hashes[b0:b1]
        out.append([a0, a1, b0, b1, int(np.isin(wa, wb).sum()), int(np.isin(wb, wa).sum())])
    return out
