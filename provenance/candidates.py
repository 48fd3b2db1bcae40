"""Candidate generation: MinHash fingerprints of word windows, LSH banding.

Each document is cut into overlapping windows of ``window_tokens`` words.  A
window's MinHash is computed for all of its shingles at once with NumPy, using
the permutations of a datasketch ``MinHash`` with the fixed seed.  Banding uses
the bands and rows datasketch's ``MinHashLSH`` chooses for the threshold, and
groups windows by sorting their band keys (the same buckets, without a Python
call per window; a test checks the pairs equal ``MinHashLSH``'s).  Two documents
become a candidate pair when their windows share a bucket (or at least
``min_shared_buckets``); a bucket of more than ``bucket_clique_max`` documents, which
a stock phrase fills on a large corpus, pairs each with its first document only.
Candidates are proposals only: ``align`` verifies every one.

A rewritten copy keeps few runs of three words, so a second set of windows
proposes it: windows of content words (function words dropped), each word a
shingle, banded with more rows per band (a stricter match) in the same bands.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Sequence
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from .params import Params
from .rewrite import stopword_hashes
from .tokens import Tokens, ngram_hashes

_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@dataclass(frozen=True)
class Window:
    doc: int
    index: int
    start: int  # first token
    end: int  # token after the last


def _fold32(h: np.ndarray) -> np.ndarray:
    return ((h >> np.uint64(32)) ^ (h & np.uint64(0xFFFFFFFF))).astype(np.uint32)


def _fmix32(h: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX
    h = h ^ (h >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    return h ^ (h >> s3)


def cut_windows(doc: int, n: int, size: int, stride: int) -> list[Window]:
    """Windows of ``size`` tokens every ``stride`` tokens; the last reaches the end."""
    if n <= size:
        return [Window(doc, 0, 0, n)]
    starts = list(range(0, n - size + 1, stride))
    if starts[-1] + size < n:
        starts.append(n - size)
    return [Window(doc, i, s, s + size) for i, s in enumerate(starts)]


class Fingerprinter:
    """Computes window signatures identical to datasketch ``MinHash.update_batch``
    fed with the 32-bit shingle hashes (checked in tests), but for all shingles
    of a document in one vectorised step."""

    def __init__(self, params: Params) -> None:
        self.params = params
        self.template = MinHash(num_perm=params.num_perm, seed=params.seed)
        a, b = self.template.permutations
        self._a = np.asarray(a, dtype=np.uint32)
        self._b = np.asarray(b, dtype=np.uint32)

    def windows(self, doc: int, tokens: Tokens) -> list[Window]:
        p = self.params
        n = len(tokens)
        if n < max(p.min_span_tokens, p.shingle_size):
            return []
        return cut_windows(doc, n, p.window_tokens, p.window_stride)

    def signatures(self, tokens: Tokens, windows: list[Window], rows: int | None = None) -> np.ndarray:
        """One row of uint32 minima per window: of the first ``rows`` permutations (the
        ones LSH bands read), else of all ``num_perm``."""
        k = self.params.shingle_size
        shingles = _fmix32(_fold32(ngram_hashes(tokens.hashes, k)))
        a, b = (self._a, self._b) if rows is None else (self._a[:rows], self._b[:rows])
        with np.errstate(over="ignore"):
            permuted = shingles[:, None] * a[None, :] + b[None, :]
        # The minimum over each window's shingles, all windows in one call: at each
        # even position reduceat reduces rows [bounds[i], bounds[i + 1]), which is a
        # window even where windows overlap (the odd positions are discarded).  The
        # padding row makes an end equal to the number of shingles a valid index.
        bounds = np.empty(2 * len(windows), dtype=np.intp)
        bounds[0::2] = [w.start for w in windows]
        bounds[1::2] = [max(w.start + 1, w.end - k + 1) for w in windows]
        padded = np.vstack([permuted, np.full((1, permuted.shape[1]), np.iinfo(np.uint32).max, dtype=np.uint32)])
        return np.minimum.reduceat(padded, bounds, axis=0)[0::2]

    def minhash(self, signature: np.ndarray) -> MinHash:
        return MinHash(
            hashvalues=signature,
            permutations=self.template.permutations,
            seed=self.params.seed,
            scheme="affine32",
        )


def band_parameters(params: Params) -> tuple[int, int]:
    """Bands and rows per band, exactly as datasketch's MinHashLSH chooses them."""
    return _bands(params.lsh_threshold, params.num_perm)


@lru_cache(maxsize=16)
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)  # chooses by numeric integration: slow
    return lsh.b, lsh.r


def band_keys(signatures: np.ndarray, b: int, r: int, salt: int = 0) -> np.ndarray:
    """One 64-bit key per window and band: two windows share a key exactly when
    their signatures agree on every row of that band (as MinHashLSH buckets them;
    for r > 2 the rows are mixed into 64 bits, where a collision is negligible
    and only adds a candidate that alignment then rejects)."""
    n = signatures.shape[0]
    keys = np.empty((n, b), dtype=np.uint64)
    sig = signatures.astype(np.uint64)
    if r <= 2 and not salt:  # exact: the rows themselves fit in 64 bits
        for band in range(b):
            lo = band * r
            exact = sig[:, lo] << np.uint64(32)
            if r == 2:
                exact |= sig[:, lo + 1]
            keys[:, band] = exact
        return keys
    with np.errstate(over="ignore"):
        for band in range(b):
            acc = np.full(n, np.uint64(band + 1 + salt) * np.uint64(0x9E3779B97F4A7C15), dtype=np.uint64)
            for row in range(band * r, (band + 1) * r):
                acc = (acc ^ sig[:, row]) * np.uint64(0xBF58476D1CE4E5B9)
                acc ^= acc >> np.uint64(31)
            keys[:, band] = acc
    return keys


def bucket_pairs(keys: np.ndarray, docs: np.ndarray, clique_max: int = 0) -> np.ndarray:
    """One entry ``a * 2**32 + b`` (a < b) per bucket two documents share, for the
    keys of one band: banding as a sort on band keys.  A document with several
    windows in one bucket counts once there.

    A bucket of at most ``clique_max`` documents (0: any size) pairs every two of
    them; a larger one pairs each with its first document only.  Buckets that
    large are filled by a common phrase (hundreds of unrelated documents, whose
    every pair would be verified for nothing), or by many copies of one story,
    which still each meet the first copy, in this bucket and the story's others,
    and join one cluster through it."""
    order = np.lexsort((docs, keys))
    ks, ds = keys[order], docs[order]
    keep = np.ones(len(ks), dtype=bool)
    keep[1:] = (ks[1:] != ks[:-1]) | (ds[1:] != ds[:-1])  # one entry per (key, doc)
    ks, ds = ks[keep], ds[keep]
    if len(ks) < 2:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    sizes = np.diff(np.r_[starts, len(ks)])
    found: list[np.ndarray] = []
    ds = ds.astype(np.int64)
    star = sizes > clique_max if clique_max else np.zeros(len(sizes), dtype=bool)
    for size in np.unique(sizes[(sizes >= 2) & ~star]).tolist():  # every two members, a size at a time
        members = ds[starts[sizes == size][:, None] + np.arange(size)]
        ii, jj = np.triu_indices(size, k=1)
        found.append((members[:, ii] << 32 | members[:, jj]).ravel())
    if star.any():  # each member with the bucket's first
        first, count = starts[star], sizes[star]
        others = np.repeat(first - np.r_[0, np.cumsum(count - 1)[:-1]], count - 1) + np.arange(int((count - 1).sum())) + 1
        found.append(np.repeat(ds[first], count - 1) << 32 | ds[others])
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def count_pairs(occurrences: np.ndarray, counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs and the number of buckets each shares (``counts`` weights
    each occurrence, for partial counts merged from several places)."""
    if not len(occurrences):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pairs, inverse = np.unique(occurrences, return_inverse=True)
    weights = np.ones(len(occurrences), dtype=np.int64) if counts is None else counts
    return pairs, np.bincount(inverse.ravel(), weights=weights, minlength=len(pairs)).astype(np.int64)


class KeyBlocks:
    """The band keys of many windows (one row per window, one column per band), held
    as blocks of rows that are never copied into one array: at 100,000 documents the
    keys take 0.8 GB, and a copy would double that.  Banding reads one band at a time."""

    def __init__(self, blocks: Sequence[np.ndarray], bands: int) -> None:
        self.blocks = [blk for blk in blocks if len(blk)]
        self.bands = bands
        self._bounds = np.cumsum([0] + [len(blk) for blk in self.blocks])

    def __len__(self) -> int:
        return int(self._bounds[-1])

    @property
    def size(self) -> int:
        return len(self) * self.bands

    def column(self, band: int) -> np.ndarray:
        if not self.blocks:
            return np.zeros(0, dtype=np.uint64)
        return np.concatenate([blk[:, band] for blk in self.blocks])

    def rows(self, lo: int, hi: int) -> np.ndarray:
        """Rows ``[lo, hi)`` as one array."""
        parts = []
        k = max(0, int(np.searchsorted(self._bounds, lo, side="right")) - 1)
        while k < len(self.blocks) and int(self._bounds[k]) < hi:
            start = int(self._bounds[k])
            parts.append(self.blocks[k][max(lo, start) - start : hi - start])
            k += 1
        if len(parts) == 1:
            return parts[0]
        return np.concatenate(parts) if parts else np.zeros((0, self.bands), dtype=np.uint64)

    def array(self) -> np.ndarray:
        return self.rows(0, len(self))


def _column(keys: "np.ndarray | KeyBlocks", band: int) -> np.ndarray:
    return keys.column(band) if isinstance(keys, KeyBlocks) else keys[:, band]


def pairs_from_keys(keys: "np.ndarray | KeyBlocks", docs: np.ndarray, b: int, min_shared: int = 1,
                    clique_max: int = 0) -> np.ndarray:
    """Document pairs (a < b) sharing at least ``min_shared`` LSH buckets (over
    all bands), deduplicated, as a sorted int64 array of ``a * 2**32 + b``.

    One shared bucket is what ``MinHashLSH`` proposes (with ``clique_max`` 0, the
    pairs are exactly its pairs); asking for two drops the pairs whose windows met
    once, at the cost of short shared passages (docs/parameters.md)."""
    pairs, counts = band_pairs(keys, docs, range(b), clique_max)
    return pairs[counts >= min_shared] if min_shared > 1 else pairs


def band_pairs(keys: "np.ndarray | KeyBlocks", docs: np.ndarray, bands: Iterable[int],
               clique_max: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs sharing buckets in the given bands, with the number of buckets
    each shares there.  Merged band by band, so that memory follows the distinct
    pairs, not every bucket every pair shares (many times more on a large corpus)."""
    pairs = np.zeros(0, dtype=np.int64)
    counts = np.zeros(0, dtype=np.int64)
    for band in bands:
        found, found_counts = count_pairs(bucket_pairs(_column(keys, band), docs, clique_max))
        pairs, counts = count_pairs(np.concatenate([pairs, found]), np.concatenate([counts, found_counts]))
    return pairs, counts


def candidate_keys_pairs(keys: "np.ndarray | KeyBlocks", docs: np.ndarray, params: Params) -> np.ndarray:
    """``pairs_from_keys`` with the run's parameters."""
    if not len(docs):
        return np.zeros(0, dtype=np.int64)
    b, _r = band_parameters(params)
    return pairs_from_keys(keys, docs, b, params.min_shared_buckets, params.bucket_clique_max)


def content_words(tokens: Tokens, limit: int = 0) -> Tokens:
    """The tokens without function words (what survives a rewrite); with ``limit``, at
    least the first ``limit`` of them (all, when there are fewer), read from the
    text's start: the lead windows need no more, and a long story's later words
    would only be sorted and hashed for nothing."""
    hashes = tokens.hashes
    take = len(hashes)
    if limit:
        take = min(take, 3 * limit)  # news text runs about half function words
        keep = ~np.isin(hashes[:take], stopword_hashes())
        if int(keep.sum()) < limit and take < len(hashes):
            take = len(hashes)
    if take == len(hashes):
        keep = ~np.isin(hashes, stopword_hashes())
    starts, ends = tokens.bounds()
    return Tokens(hashes[:take][keep], offsets=(starts[:take][keep], ends[:take][keep]))


def rewrite_windows(doc: int, tokens: Tokens, params: Params) -> list[Window]:
    """Windows of ``rewrite_window_words`` content words, overlapping by half, over the
    first ``rewrite_lead_words`` of them (all with 0)."""
    size = params.rewrite_window_words
    n = len(tokens) if not params.rewrite_lead_words else min(len(tokens), params.rewrite_lead_words)
    if not size or n < max(4, size // 2):
        return []
    return cut_windows(doc, n, size, max(1, size // 2))


def rewrite_rows(params: Params, b: int) -> int:
    """Rows per band for the content-word windows: stricter than the word windows,
    as windows on one topic share many words without one being a rewrite of the other."""
    return max(1, min(params.rewrite_band_rows, params.num_perm // b))  # params._check refuses more


_REWRITE_SALT = 1 << 20  # keeps content-window keys apart from word-window keys


def window_keys(all_tokens: list[Tokens], params: Params, first_doc: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Band keys of every window (rows) and the document each window belongs to
    (sorted by document): the word windows, then the content-word windows
    that propose rewritten copies.  Signatures are banded a batch of documents
    at a time, which keeps the per-call overhead of NumPy off the per-document cost."""
    fp = Fingerprinter(params)
    b, r = band_parameters(params)
    content_fp = Fingerprinter(replace(params, shingle_size=1))
    rr = rewrite_rows(params, b)
    parts: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    batch: list[tuple[int, np.ndarray, bool]] = []  # (document, signatures, content windows?)

    def flush() -> None:
        for content in (False, True):
            sigs = [(doc, sig) for doc, sig, c in batch if c is content]
            if sigs:
                stacked = np.concatenate([sig for _d, sig in sigs])
                parts.append(band_keys(stacked, b, rr, salt=_REWRITE_SALT) if content else band_keys(stacked, b, r))
                owners.append(np.concatenate([np.full(len(sig), doc, dtype=np.int64) for doc, sig in sigs]))
        batch.clear()

    for doc, tokens in enumerate(all_tokens, start=first_doc):
        windows = fp.windows(doc, tokens)
        if windows:
            batch.append((doc, fp.signatures(tokens, windows, b * r), False))
        if params.rewrite_window_words and len(tokens) >= params.min_span_tokens:  # as fp.windows
            content = content_words(tokens, params.rewrite_lead_words)
            cw = rewrite_windows(doc, content, params)
            if cw:
                batch.append((doc, content_fp.signatures(content, cw, b * rr), True))
        if len(batch) >= 256:
            flush()
    flush()
    if not parts:
        return np.zeros((0, b), dtype=np.uint64), np.zeros(0, dtype=np.int64)
    keys, docs = np.concatenate(parts), np.concatenate(owners)
    order = np.argsort(docs, kind="stable")  # by document, word windows before content windows
    return keys[order], docs[order]


def unpack_pairs(packed: np.ndarray) -> list[tuple[int, int]]:
    return [(int(x >> 32), int(x & 0xFFFFFFFF)) for x in packed.tolist()]


def candidate_pairs(all_tokens: list[Tokens], params: Params) -> tuple[list[tuple[int, int]], dict[str, int]]:
    """Document pairs (a < b) with at least one pair of windows in a common LSH bucket."""
    b, r = band_parameters(params)
    keys, docs = window_keys(all_tokens, params)
    pairs = unpack_pairs(candidate_keys_pairs(keys, docs, params))
    return pairs, {"windows": int(len(docs)), "candidate_pairs": len(pairs), "lsh_bands": b, "lsh_rows": r}
