"""Candidate generation: MinHash fingerprints of word windows, MinHashLSH banding.

Each document is cut into overlapping windows of ``window_tokens`` words.  A
window's MinHash is computed for all of its shingles at once with NumPy, using
the permutations of a datasketch ``MinHash`` with the fixed seed, and handed to
datasketch's ``MinHashLSH``.  Two documents become a candidate pair when any of
their windows share an LSH bucket.  Candidates are proposals only: ``align``
verifies every one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from .params import Params
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
        if n <= p.window_tokens:
            return [Window(doc, 0, 0, n)]
        starts = list(range(0, n - p.window_tokens + 1, p.window_stride))
        if starts[-1] + p.window_tokens < n:
            starts.append(n - p.window_tokens)
        return [Window(doc, i, s, s + p.window_tokens) for i, s in enumerate(starts)]

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


def candidate_pairs(all_tokens: list[Tokens], params: Params) -> tuple[list[tuple[int, int]], dict[str, int]]:
    """Document pairs (a < b) that share at least one LSH bucket between windows."""
    fp = Fingerprinter(params)
    lsh = MinHashLSH(threshold=params.lsh_threshold, num_perm=params.num_perm)
    keyed: list[tuple[tuple[int, int], MinHash]] = []
    with lsh.insertion_session() as session:
        for doc, tokens in enumerate(all_tokens):
            windows = fp.windows(doc, tokens)
            if not windows:
                continue
            sigs = fp.signatures(tokens, windows)
            for w, sig in zip(windows, sigs):
                key = (doc, w.index)
                m = fp.minhash(sig)
                session.insert(key, m, check_duplication=False)
                keyed.append((key, m))
    pairs: set[tuple[int, int]] = set()
    for (doc, _), m in keyed:
        for other, _w in lsh.query(m):
            if other != doc:
                pairs.add((doc, other) if doc < other else (other, doc))
    stats = {"windows": len(keyed), "candidate_pairs": len(pairs)}
    return sorted(pairs), stats
