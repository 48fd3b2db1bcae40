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
    hash); a word not listed weighs 1.  Made by ``corpus_words``, it lists content
    words only: nothing reads the weight of a function word."""

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


def _counted(words: np.ndarray, df: np.ndarray, more: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts so far (``words`` sorted, ``df`` aligned) with the words of ``more`` added."""
    seen, counts = np.unique(more, return_counts=True)
    merged, at = np.unique(np.concatenate([words, seen]), return_inverse=True)
    return merged, np.bincount(at, weights=np.concatenate([df, counts]), minlength=len(merged)).astype(np.int64)


@dataclass(frozen=True, eq=False)
class ContentWords:
    """Every document's distinct content words, found once for the whole audit, as rows
    of the corpus's content vocabulary (4 bytes a word) with the rarity of each row.

    The relatedness of every candidate pair reads them; a verify worker that found them
    again whenever its cache had dropped a document spent more on that than on the
    comparisons themselves."""

    rows: np.ndarray  # int32, document after document; each document's sorted and distinct
    starts: np.ndarray  # int64, where each document's rows start, plus the end
    rarity: np.ndarray  # float32, the weight of each vocabulary row
    vocabulary: np.ndarray | None = None  # uint64, the word hash of each row (sorted)

    def of(self, document: int) -> tuple[np.ndarray, np.ndarray]:
        """A document's content words (vocabulary rows, sorted) and their weights."""
        rows = self.rows[self.starts[document] : self.starts[document + 1]]
        return rows, self.rarity[rows]

    def hashes_of(self, document: int) -> np.ndarray:
        """A document's content words as word hashes, sorted."""
        assert self.vocabulary is not None
        return self.vocabulary[self.rows[self.starts[document] : self.starts[document + 1]]]


def distinct_content(hashes: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """A text's distinct words (sorted) apart from the function words ``stop`` (sorted)."""
    words = np.unique(hashes)
    if len(words) and len(stop):
        at = np.minimum(np.searchsorted(stop, words), len(stop) - 1)
        words = words[stop[at] != words]
    return words


def corpus_words(hash_arrays: Iterable[np.ndarray], stop: np.ndarray, prior: float,
                 batch_words: int = 2_000_000) -> tuple[WordWeights, ContentWords]:
    """The rarity of the content words of these documents (one hash array each), and
    each document's content words.  Function words are left out of both: nothing
    weighs them.  At its peak the stage holds every document's content words twice,
    as hashes (8 bytes a word, in blocks of about ``batch_words``, one large array
    each, so that their memory is given back once they are rows) and as rows (4 bytes)."""
    vocabulary = np.zeros(0, dtype=np.uint64)
    df = np.zeros(0, dtype=np.int64)
    blocks: list[np.ndarray] = []  # a block of documents' content words, end to end
    sizes: list[int] = []
    batch: list[np.ndarray] = []
    held = 0
    for h in hash_arrays:
        batch.append(distinct_content(np.asarray(h, dtype=np.uint64), stop))
        sizes.append(len(batch[-1]))
        held += sizes[-1]
        if held >= batch_words:
            blocks.append(np.concatenate(batch))
            batch, held = [], 0
    if held:
        blocks.append(np.concatenate(batch))
    del batch
    for block in blocks:  # each document holds each of its words once: a count is its df
        vocabulary, df = _counted(vocabulary, df, block)
    weights = weights_from_counts(vocabulary, df, len(sizes), prior)
    starts = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=starts[1:])
    if len(vocabulary) > np.iinfo(np.int32).max:
        raise ValueError(f"{len(vocabulary):,} distinct content words: more than 4-byte rows can number")
    rows = np.empty(int(starts[-1]), dtype=np.int32)
    at = 0
    for k, block in enumerate(blocks):
        rows[at : at + len(block)] = np.searchsorted(vocabulary, block)
        at += len(block)
        blocks[k] = None  # type: ignore[call-overload]  # freed as it goes
    return weights, ContentWords(rows, starts, weights.of(vocabulary), vocabulary)

