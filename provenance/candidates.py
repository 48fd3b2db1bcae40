"""Candidate generation: MinHash fingerprints of word windows, LSH banding.

Each document is cut into overlapping windows of ``window_tokens`` words.  A
window's MinHash is computed for all of its shingles at once with NumPy, using
the permutations of a datasketch ``MinHash`` with the fixed seed.  Banding uses
the bands and rows datasketch's ``MinHashLSH`` chooses for the threshold, and
groups windows by sorting their band keys (the same buckets, without a Python
call per window; a test checks the pairs equal ``MinHashLSH``'s).  Two documents
become a candidate pair when any of their windows share a bucket.  Candidates
are proposals only: ``align`` verifies every one.

A rewritten copy keeps few runs of three words, so a second set of windows
proposes it: windows of content words (function words dropped), each word a
shingle, banded with more rows per band (a stricter match) in the same bands.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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

    def signatures(self, tokens: Tokens, windows: list[Window]) -> np.ndarray:
        """One row of ``num_perm`` uint32 minima per window."""
        k = self.params.shingle_size
        shingles = _fmix32(_fold32(ngram_hashes(tokens.hashes, k)))
        with np.errstate(over="ignore"):
            permuted = shingles[:, None] * self._a[None, :] + self._b[None, :]
        out = np.empty((len(windows), self.params.num_perm), dtype=np.uint32)
        for row, w in enumerate(windows):
            out[row] = permuted[w.start : max(w.start + 1, w.end - k + 1)].min(axis=0)
        return out

    def minhash(self, signature: np.ndarray) -> MinHash:
        return MinHash(
            hashvalues=signature,
            permutations=self.template.permutations,
            seed=self.params.seed,
            scheme="affine32",
        )


def band_parameters(params: Params) -> tuple[int, int]:
    """Bands and rows per band, exactly as datasketch's MinHashLSH chooses them."""
    lsh = MinHashLSH(threshold=params.lsh_threshold, num_perm=params.num_perm)
    return lsh.b, lsh.r


def band_keys(signatures: np.ndarray, b: int, r: int, salt: int = 0) -> np.ndarray:
    """One 64-bit key per window and band: two windows share a key exactly when
    their signatures agree on every row of that band (as MinHashLSH buckets them;
    for r > 2 the rows are mixed into 64 bits, where a collision is negligible
    and only adds a candidate that alignment then rejects)."""
    n = signatures.shape[0]
    keys = np.empty((n, b), dtype=np.uint64)
    sig = signatures.astype(np.uint64)
    with np.errstate(over="ignore"):
        for band in range(b):
            acc = np.full(n, np.uint64(band + 1 + salt) * np.uint64(0x9E3779B97F4A7C15), dtype=np.uint64)
            for row in range(band * r, (band + 1) * r):
                acc = (acc ^ sig[:, row]) * np.uint64(0xBF58476D1CE4E5B9)
                acc ^= acc >> np.uint64(31)
            keys[:, band] = acc
    if r <= 2 and not salt:  # exact: the rows themselves fit in 64 bits
        for band in range(b):
            lo = band * r
            exact = sig[:, lo] << np.uint64(32)
            if r == 2:
                exact |= sig[:, lo + 1]
            keys[:, band] = exact
    return keys


def pairs_from_keys(keys: np.ndarray, docs: np.ndarray, b: int) -> np.ndarray:
    """Document pairs (a < b) sharing a band key in the same band, deduplicated,
    as an int64 array of ``a * 2**32 + b``: banding as a sort on band keys."""
    found: list[np.ndarray] = []
    for band in range(b):
        k = keys[:, band]
        order = np.lexsort((docs, k))
        ks, ds = k[order], docs[order]
        keep = np.ones(len(ks), dtype=bool)
        keep[1:] = (ks[1:] != ks[:-1]) | (ds[1:] != ds[:-1])  # one entry per (key, doc)
        ks, ds = ks[keep], ds[keep]
        if len(ks) < 2:
            continue
        starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
        sizes = np.diff(np.r_[starts, len(ks)])
        two = starts[sizes == 2]  # the common case, vectorised
        if len(two):
            found.append(ds[two].astype(np.int64) << 32 | ds[two + 1].astype(np.int64))
        for start, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist()):
            members = ds[start : start + size].astype(np.int64)
            ii, jj = np.triu_indices(size, k=1)
            found.append(members[ii] << 32 | members[jj])
    if not found:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(found))


def content_words(tokens: Tokens) -> Tokens:
    """The tokens without function words (what survives a rewrite)."""
    keep = ~np.isin(tokens.hashes, stopword_hashes())
    return Tokens(tokens.starts[keep], tokens.ends[keep], tokens.hashes[keep])


def rewrite_windows(doc: int, tokens: Tokens, params: Params) -> list[Window]:
    """Windows of ``rewrite_window_words`` content words, overlapping by half."""
    size = params.rewrite_window_words
    n = len(tokens)
    if not size or n < max(4, size // 2):
        return []
    return cut_windows(doc, n, size, max(1, size // 2))


def rewrite_rows(params: Params, b: int) -> int:
    """Rows per band for the content-word windows: stricter than the word windows,
    as windows on one topic share many words without one being a rewrite of the other."""
    return max(1, min(params.rewrite_band_rows, params.num_perm // b))


_REWRITE_SALT = 1 << 20  # keeps content-window keys apart from word-window keys


def window_keys(all_tokens: list[Tokens], params: Params, first_doc: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Band keys of every window (rows) and the document each window belongs to
    (sorted by document): the word windows, then the content-word windows
    that propose rewritten copies."""
    fp = Fingerprinter(params)
    b, r = band_parameters(params)
    one = replace(params, shingle_size=1)
    content_fp = Fingerprinter(one)
    rr = rewrite_rows(params, b)
    parts: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    for doc, tokens in enumerate(all_tokens, start=first_doc):
        windows = fp.windows(doc, tokens)
        if windows:
            parts.append(band_keys(fp.signatures(tokens, windows), b, r))
            owners.append(np.full(len(windows), doc, dtype=np.int64))
        if params.rewrite_window_words:
            content = content_words(tokens)
            cw = rewrite_windows(doc, content, params)
            if cw:
                parts.append(band_keys(content_fp.signatures(content, cw), b, rr, salt=_REWRITE_SALT))
                owners.append(np.full(len(cw), doc, dtype=np.int64))
    if not parts:
        return np.zeros((0, b), dtype=np.uint64), np.zeros(0, dtype=np.int64)
    return np.concatenate(parts), np.concatenate(owners)


def unpack_pairs(packed: np.ndarray) -> list[tuple[int, int]]:
    return [(int(x >> 32), int(x & 0xFFFFFFFF)) for x in packed.tolist()]


def candidate_pairs(all_tokens: list[Tokens], params: Params) -> tuple[list[tuple[int, int]], dict[str, int]]:
    """Document pairs (a < b) with at least one pair of windows in a common LSH bucket."""
    b, r = band_parameters(params)
    keys, docs = window_keys(all_tokens, params)
    pairs = unpack_pairs(pairs_from_keys(keys, docs, b)) if len(docs) else []
    return pairs, {"windows": int(len(docs)), "candidate_pairs": len(pairs), "lsh_bands": b, "lsh_rows": r}
