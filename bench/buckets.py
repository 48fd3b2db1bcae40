"""What the per-document stages cost and what the LSH buckets hold, in one process.

    python -m bench.buckets CORPUS [--sample 3000] [--json OUT.json]

- per document, on the first ``--sample`` documents: milliseconds spent on the evidence
  rules (each text rule with and without its ``requires`` words), on tokens, and on window
  signatures and band keys;
- over the whole corpus: the sizes of the LSH buckets (the largest, how many hold more
  than ``fingerprint.bucket_clique_max`` documents) and the candidate pairs with and
  without that limit;
- on up to ``--sample`` candidate pairs: how many share enough seed 3-grams to reach
  alignment's chaining (``min_span_tokens / seed_ngram`` matches), the pairs alignment
  cannot reject before its full work.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np


def measure(corpus: Path, sample: int) -> dict:
    from provenance.align import seed_matches, seeds_of
    from provenance.candidates import band_parameters, pairs_from_keys, window_keys
    from provenance.cues import CueReader
    from provenance.inventory import build_inventory
    from provenance.outlets import load_registry
    from provenance.params import default_params
    from provenance.rules import RuleSet, load_rules
    from provenance.tokens import Tokenizer

    params = default_params()
    inventory = build_inventory(corpus)
    docs = inventory.documents
    head = docs[:sample]
    rules, registry = load_rules(), load_registry()
    rows = {r.path: r for r in inventory.sidecar.rows}
    out: dict = {"documents": len(docs), "sample": len(head)}

    def per_doc_ms(fn) -> float:
        t0 = time.perf_counter()
        for d in head:
            fn(d)
        return round(1000 * (time.perf_counter() - t0) / max(1, len(head)), 3)

    bare = RuleSet(tuple(dataclasses.replace(r, requires=()) for r in rules.rules), rules.version, rules.files)
    for name, rs in (("rules", rules), ("rules_without_requires", bare)):
        reader = CueReader(rs, registry)
        out[f"{name}_ms"] = per_doc_ms(lambda d: reader.read(d, rows.get(d.path), inventory.sidecar.path))
    tokenizer = Tokenizer(sentences=False)
    out["tokens_ms"] = per_doc_ms(lambda d: tokenizer(d.text))
    sample_tokens = [tokenizer(d.text) for d in head]
    t0 = time.perf_counter()
    window_keys(sample_tokens, params)
    out["keys_ms"] = round(1000 * (time.perf_counter() - t0) / max(1, len(head)), 3)

    tokens = [tokenizer(d.text) for d in docs]
    keys, owners = window_keys(tokens, params)
    b, _r = band_parameters(params)
    largest, over = 0, 0
    for band in range(b):
        column = keys[:, band]
        order = np.lexsort((owners, column))
        ks, ds = column[order], owners[order]
        keep = np.r_[True, (ks[1:] != ks[:-1]) | (ds[1:] != ds[:-1])]
        ks = ks[keep]
        sizes = np.diff(np.r_[np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]]), len(ks)])
        largest = max(largest, int(sizes.max(initial=0)))
        over += int((sizes > params.bucket_clique_max).sum())
    out["largest_bucket"] = largest
    out["buckets_over_clique_max"] = over
    out["largest_bucket_pairs"] = largest * (largest - 1) // 2
    capped = pairs_from_keys(keys, owners, b, 1, params.bucket_clique_max)
    out["candidate_pairs"] = int(len(capped))
    out["candidate_pairs_without_limit"] = int(len(pairs_from_keys(keys, owners, b, 1, 0)))

    rng = np.random.default_rng(1)
    picked = capped[rng.choice(len(capped), size=min(sample, len(capped)), replace=False)] if len(capped) else capped
    need = -(-params.min_span_tokens // params.seed_ngram)
    reach = 0
    for packed in picked.tolist():
        a, c = packed >> 32, packed & 0xFFFFFFFF
        sa = seeds_of(tokens[a], params.seed_ngram, params.max_seed_occurrences)
        sc = seeds_of(tokens[c], params.seed_ngram, params.max_seed_occurrences)
        reach += bool(seed_matches(sa, sc, need))
    out["sampled_pairs"] = int(len(picked))
    out["sampled_pairs_reaching_chaining"] = reach
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.buckets", description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--sample", type=int, default=3000)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    out = measure(args.corpus, args.sample)
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
