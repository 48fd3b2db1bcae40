"""A naive near-duplicate baseline: whole-document MinHash and MinHashLSH (datasketch).

    python bench/baseline.py CORPUS [--truth TRUTH.jsonl] [--json OUT.json]

What a first attempt looks like: every document's lower-cased word 3-shingles are
fed one at a time to a ``datasketch.MinHash(num_perm=128)`` (``m.update(shingle.encode())``),
every signature goes into a ``MinHashLSH(threshold=0.5)``, and every document is
queried.  It finds document pairs, not passages, origins or chains, so it is a
yardstick of cost, not a competitor: with ``--truth`` it also says how many of the
true (copy, source) document pairs it proposes, which shows what whole-document
fingerprints miss (excerpts, compilation blocks).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time

from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+(?:['’]\w+)*")
NUM_PERM = 128
THRESHOLD = 0.5


def files_of(corpus: str) -> list[str]:
    out = []
    for root, dirs, names in os.walk(corpus):
        dirs.sort()
        for name in sorted(names):
            if root == corpus and name in ("metadata.csv", "metadata.jsonl"):
                continue  # the sidecar is metadata, not an article
            out.append(os.path.relpath(os.path.join(root, name), corpus).replace(os.sep, "/"))
    return out


def baseline(corpus: str, truth: str | None = None) -> dict:
    t0 = time.perf_counter()
    paths = files_of(corpus)
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    hashes: dict[str, MinHash] = {}
    for path in paths:
        with open(os.path.join(corpus, path), encoding="utf-8", errors="replace") as f:
            words = WORD.findall(f.read().lower())
        m = MinHash(num_perm=NUM_PERM)
        for i in range(len(words) - 2):
            m.update(" ".join(words[i : i + 3]).encode())
        hashes[path] = m
        lsh.insert(path, m)
    t_index = time.perf_counter() - t0
    pairs: set[tuple[str, str]] = set()
    for path, m in hashes.items():
        for other in lsh.query(m):
            if other != path:
                pairs.add((min(path, other), max(path, other)))
    result = {"documents": len(paths), "pairs": len(pairs), "seconds_index": round(t_index, 3),
              "seconds": round(time.perf_counter() - t0, 3), "num_perm": NUM_PERM, "threshold": THRESHOLD}
    if truth:
        by_kind: dict[str, list[int]] = {}
        with open(truth, encoding="utf-8") as f:
            for line in f:
                t = json.loads(line)
                pair = (min(t["copy"], t["source"]), max(t["copy"], t["source"]))
                hit = by_kind.setdefault(t["kind"], [0, 0])
                hit[0] += pair in pairs
                hit[1] += 1
        result["true_pairs_proposed"] = {k: {"proposed": v[0], "total": v[1]} for k, v in sorted(by_kind.items())}
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--truth", default=None, help="truth.jsonl: also count the true document pairs proposed")
    ap.add_argument("--json", default=None, help="write the result here")
    args = ap.parse_args(argv)
    result = baseline(args.corpus.rstrip("/") or "/", args.truth)
    print(json.dumps(result))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
