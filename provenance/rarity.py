"""Word rarity across the audited corpus, for matching rewritten sentences.

Two reports of one court case share its stock words ("jailed", "sentenced",
"court") without one being a rewrite of the other; a rewrite keeps the rare
words: names, places, numbers.  Each content word therefore weighs its inverse
document frequency in the corpus being audited,

    min(1, log((N + prior) / (df + 1)) / log((N + prior) / 3))

(N documents, df of them holding the word), scaled so that a word found in one
or two documents weighs 1: any word two copies share is in two documents.  The
``prior`` pseudo-documents, none holding the word, keep the weights of a small
corpus close to uniform: with a handful of documents no word can be told to be
common.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

import numpy as np


@dataclass(frozen=True, eq=False)
class WordWeights:
    """The rarity weight of every word seen in more than two documents (sorted by
    hash); a word not listed weighs 1."""

    words: np.ndarray  # uint64, sorted
    weights: np.ndarray  # float32, same order
    documents: int  # N
    prior: float

    def of(self, hashes: np.ndarray) -> np.ndarray:
        """The weight of each word hash."""
        out = np.ones(len(hashes), dtype=np.float32)
        if not len(self.words) or not len(hashes):
            return out
        at = np.minimum(np.searchsorted(self.words, hashes), len(self.words) - 1)
        hit = self.words[at] == hashes
        out[hit] = self.weights[at[hit]]
        return out


def weights_from_counts(words: np.ndarray, df: np.ndarray, documents: int, prior: float) -> WordWeights:
    """Weights from each word's document frequency (words sorted, df aligned)."""
    keep = df > 2
    words, df = words[keep], df[keep]
    total = documents + prior
    scale = math.log(total / 3) if total > 3 else 1.0
    raw = np.log(total / (df.astype(np.float64) + 1)) / scale
    return WordWeights(words.astype(np.uint64), np.clip(raw, 0.0, 1.0).astype(np.float32), documents, prior)


def document_frequencies(hash_arrays: Iterable[np.ndarray], batch_words: int = 2_000_000
                         ) -> tuple[np.ndarray, np.ndarray, int]:
    """Distinct words (sorted) and the number of documents holding each, counted batch
    by batch: memory stays near the size of the vocabulary, not of the corpus."""
    words = np.zeros(0, dtype=np.uint64)
    df = np.zeros(0, dtype=np.int64)
    batch: list[np.ndarray] = []
    held = n = 0

    def fold() -> None:
        nonlocal words, df, held
        seen, counts = np.unique(np.concatenate(batch), return_counts=True)
        merged, at = np.unique(np.concatenate([words, seen]), return_inverse=True)
        df = np.bincount(at, weights=np.concatenate([df, counts]), minlength=len(merged)).astype(np.int64)
        words = merged
        batch.clear()
        held = 0

    for h in hash_arrays:
        n += 1
        if len(h):
            batch.append(np.unique(h))
            held += len(batch[-1])
            if held >= batch_words:
                fold()
    if batch:
        fold()
    return words.astype(np.uint64), df, n


def word_weights(hash_arrays: Iterable[np.ndarray], prior: float) -> WordWeights:
    """Rarity weights of the words of these documents (one hash array each)."""
    words, df, n = document_frequencies(hash_arrays)
    return weights_from_counts(words, df, n, prior)
