"""Rewritten briefs: a short item that condenses another text in words of its own.

A newspaper brief of one or two sentences often retells an agency story in a
single sentence that takes its names, places and figures from several of the
story's sentences.  No run of exact words survives, and no sentence of the brief
matches one sentence of the story (``rewrite``), so neither seeds nor sentence
pairs find it; and a brief's few content words rarely make an LSH window close
to any window of a longer story.

A *brief* here is a text of ``align.brief_min_words`` to ``align.brief_max_words``
distinct content words.  It is paired with every document holding at least
``align.sentence_min_overlap`` of its content words, each weighed by its rarity
(``rarity``), found through an index of each brief's rarest words (any such
document holds one of them); the verification (``brief_span``) then requires that
every figure of the brief is in the other text too (a rewrite keeps ages, sums,
dates), and reports the brief against the fewest consecutive sentences of the
other text that hold that share of its words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import numpy as np

from .dates import compare_dates
from .model import DateValue
from .params import Params
from .rarity import ContentWords, WordWeights
from .rewrite import Sentences, _found
from .tokens import Tokens

if TYPE_CHECKING:
    from .align import Seeds, TokenSpan

# A brief is found only through its rarer words: a word weighing less than this (one
# found in many documents of the corpus) does not key the index, and a brief whose
# share cannot be reached without such a word is left to the other matchers.
KEY_MIN_WEIGHT = 0.5


@dataclass(frozen=True, eq=False)
class BriefIndex:
    """The briefs of a corpus, their content words and weights, and their key words."""

    docs: np.ndarray  # int64, the document of each brief
    starts: np.ndarray  # int64, where each brief's words start in ``words``, plus the end
    words: np.ndarray  # uint64, each brief's distinct content words, sorted
    weights: np.ndarray  # float32, the rarity of each of those words
    keys: np.ndarray  # uint64, key words, sorted
    key_brief: np.ndarray  # int64, the brief (position in ``docs``) of each key word
    min_overlap: float

    def __len__(self) -> int:
        return len(self.docs)


def is_brief(words: int, params: Params) -> bool:
    """Whether a text of this many distinct content words is a brief."""
    return params.brief_max_words > 0 and params.brief_min_words <= words <= params.brief_max_words


def key_words(words: np.ndarray, weights: np.ndarray, min_overlap: float) -> np.ndarray | None:
    """The fewest of a brief's rarest words that a text holding ``min_overlap`` of its
    weighed words must hold one of; None when that takes a common word."""
    order = np.lexsort((words, -weights))  # rarest first; ties by hash, for the same keys every run
    w = weights[order].astype(np.float64)
    total = float(w.sum())
    if total <= 0:
        return None
    rest = total - np.cumsum(w)  # the weight left out by the first k + 1 words
    k = int(np.argmax(rest < min_overlap * total * (1 - 1e-6)))
    if w[k] < KEY_MIN_WEIGHT:
        return None
    return words[order[: k + 1]]


def build_index(briefs: Iterable[tuple[int, np.ndarray, np.ndarray]], min_overlap: float) -> BriefIndex:
    """An index of these briefs, each given as (document, its distinct content words
    sorted, their weights)."""
    docs, sizes, words, weights, keys, key_brief = [], [0], [], [], [], []
    for doc, w, m in briefs:
        found = key_words(w, m, min_overlap)
        if found is None:
            continue
        keys.append(found)
        key_brief.append(np.full(len(found), len(docs), dtype=np.int64))
        docs.append(doc)
        sizes.append(len(w))
        words.append(w)
        weights.append(m)
    key_array = np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint64)
    brief_array = np.concatenate(key_brief) if key_brief else np.zeros(0, dtype=np.int64)
    order = np.lexsort((brief_array, key_array))
    return BriefIndex(np.array(docs, dtype=np.int64), np.cumsum(sizes).astype(np.int64),
                      np.concatenate(words).astype(np.uint64) if words else np.zeros(0, dtype=np.uint64),
                      np.concatenate(weights).astype(np.float32) if weights else np.zeros(0, dtype=np.float32),
                      key_array[order].astype(np.uint64), brief_array[order], min_overlap)


def partners(index: BriefIndex, doc: int, words: np.ndarray) -> Iterator[int]:
    """The briefs (their documents) of which this document, whose distinct content
    words are ``words`` (sorted), holds at least ``min_overlap``."""
    if not len(index.keys) or not len(words):
        return
    lo = np.searchsorted(index.keys, words, side="left")
    hi = np.searchsorted(index.keys, words, side="right")
    hit = hi > lo
    if not hit.any():
        return
    found = np.unique(np.concatenate([index.key_brief[a:b] for a, b in zip(lo[hit].tolist(), hi[hit].tolist())]))
    for k in found.tolist():
        other = int(index.docs[k])
        if other == doc:
            continue
        bw = index.words[index.starts[k] : index.starts[k + 1]]
        bm = index.weights[index.starts[k] : index.starts[k + 1]]
        at = np.minimum(np.searchsorted(words, bw), len(words) - 1)
        if float(bm[words[at] == bw].sum()) >= index.min_overlap * float(bm.sum()) * (1 - 1e-6):
            yield other


def brief_pairs(index: BriefIndex, documents: Iterable[tuple[int, np.ndarray]]) -> list[tuple[int, int]]:
    """Every (lower, higher) document pair of a brief and a text holding enough of it,
    the documents given as (document, distinct content words sorted)."""
    found = set()
    for doc, words in documents:
        for other in partners(index, doc, words):
            found.add((min(doc, other), max(doc, other)))
    return sorted(found)


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
    return brief_pairs(index, ((d, content.hashes_of(d)) for d in range(len(sizes)))), set(index.docs.tolist())


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


def _window(brief: Sentences, weights: np.ndarray, required: np.ndarray, other: Sentences,
            share: float) -> tuple[int, int] | None:
    """The fewest consecutive sentences of ``other`` (first and last + 1; the earliest
    of equal length) holding ``share`` of the brief's weighed content words and each
    of its ``required`` ones (a mask over its words)."""
    at, hit = _found(other.word, brief.vocab)
    sentence, column = other.sentence[hit], at[hit]
    total = float(weights.sum())
    if total <= 0 or not len(sentence):
        return None
    need, needed = share * total * (1 - 1e-6), int(required.sum())
    present = np.unique(column)
    if float(weights[present].sum()) < need or int(required[present].sum()) < needed:
        return None
    held: list[list[int]] = [[] for _ in range(len(other.sizes))]
    for s, c in zip(sentence.tolist(), column.tolist()):
        held[s].append(c)
    count = np.zeros(len(brief.vocab), dtype=np.int64)
    mass, kept, best, lo = 0.0, 0, None, 0
    for hi in range(len(held)):
        for c in held[hi]:
            if count[c] == 0:
                mass += float(weights[c])
                kept += int(required[c])
            count[c] += 1
        while mass >= need and kept >= needed:
            if best is None or hi + 1 - lo < best[1] - best[0]:
                best = (lo, hi + 1)
            for c in held[lo]:
                count[c] -= 1
                if count[c] == 0:
                    mass -= float(weights[c])
                    kept -= int(required[c])
            lo += 1
    return best


def brief_span(ta: Tokens, tb: Tokens, sa: "Seeds", sb: "Seeds", params: Params) -> "tuple[TokenSpan, float] | None":
    """The whole of brief ``ta`` against the fewest consecutive sentences of ``tb``
    that hold ``sentence_min_overlap`` of its weighed content words and each of its
    figures, with the share of its words they hold; or None."""
    from .align import TokenSpan  # align's span, made here for the brief stage

    a, b = sa.sentences, sb.sentences
    if a is None or b is None or not len(tb) or not is_brief(len(a.vocab), params):
        return None
    weights = weighed(a.vocab, sa.weights)
    figures = _figures(ta)
    found = _window(a, weights, np.isin(a.vocab, figures), b, params.sentence_min_overlap)
    if found is None:
        return None
    b0, b1 = int(b.bounds[found[0]]), int(b.bounds[found[1]])
    window = tb.hashes[b0:b1]
    if len(figures) and not np.isin(figures, window).all():  # a figure that is a function word
        return None
    held = np.isin(a.vocab, window)
    share = float(weights[held].sum()) / float(weights.sum())
    brief = ta.hashes
    return TokenSpan(0, len(ta), b0, b1, int(np.isin(brief, window).sum()), int(np.isin(window, brief).sum())), share
