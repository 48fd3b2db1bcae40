"""Passage-level recall and precision of a provenance report against a generated truth.

    python -m bench.score REPORT.json TRUTH.jsonl [--json OUT.json]

Recall: a true republished passage (a line of truth.jsonl) is found when the report
has, in the copy document, a passage whose origin document
(``passages[].origin.document``, resolved to a path through ``documents[].id``) or
direct source (``passages[].source.document``) is the truth's source, and that
overlaps the truth's copy span by at least half of the truth span.  It is found
whole when one such passage covers at least 90% of the truth span: an edited copy
reported as two passages (split where a sentence was dropped) is found, not whole.

Precision: among the reported copy passages (role ``copy`` whose origin is a
determined document of the corpus), the share that overlap, by at least half of
the reported span, a truth passage of the same copy document whose source is the
reported origin or source, or derives from it through other truth lines (if A->B
and B->C are true, C's passage with origin A is correct).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path


# A found passage is whole when one reported passage covers this share of its span.
WHOLE = 0.9


def overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def load_truth(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def ancestors_of(truth: list[dict]) -> dict[str, set[str]]:
    """Every document a document's republished text derives from, transitively."""
    direct: dict[str, set[str]] = defaultdict(set)
    for t in truth:
        direct[t["copy"]].add(t["source"])
    memo: dict[str, set[str]] = {}

    def walk(doc: str) -> set[str]:
        if doc in memo:
            return memo[doc]
        memo[doc] = set()  # guards against cycles
        out: set[str] = set()
        for s in direct.get(doc, ()):
            out.add(s)
            out |= walk(s)
        memo[doc] = out
        return out

    for doc in list(direct):
        walk(doc)
    return memo


def score(report: dict, truth: list[dict]) -> dict:
    path_of = {d["id"]: d["path"] for d in report["documents"]}
    passages: dict[str, list[dict]] = {}
    for d in report["documents"]:
        ps = []
        for p in d.get("passages", []):
            origin = (p.get("origin") or {}).get("document")
            source = (p.get("source") or {}).get("document")
            ps.append({"start": p["start"], "end": p["end"], "role": p["role"],
                       "origin": path_of.get(origin) if origin else None,
                       "source": path_of.get(source) if source else None,
                       "determined": (p.get("origin") or {}).get("status") == "determined"})
        passages[d["path"]] = ps
    by_copy: dict[str, list[dict]] = defaultdict(list)
    for t in truth:
        by_copy[t["copy"]].append(t)

    # ---- recall
    found = Counter()
    whole = Counter()
    total = Counter()
    missed = Counter()
    via = Counter()
    for t in truth:
        kind = t["kind"]
        total[kind] += 1
        c0, c1 = t["copy_span"]
        need = 0.5 * (c1 - c0)
        best_any = 0
        hit = None
        for p in passages.get(t["copy"], []):
            ov = overlap(p["start"], p["end"], c0, c1)
            if p["origin"] == t["source"] or p["source"] == t["source"]:
                best_any = max(best_any, ov)
                if ov >= need and hit is None:
                    hit = "source" if p["source"] == t["source"] else "origin"
        if hit:
            found[kind] += 1
            whole[kind] += best_any >= WHOLE * (c1 - c0)
            via[hit] += 1
        elif t["copy"] not in passages:
            missed["copy document not in the report"] += 1
        elif best_any > 0:
            missed[f"{kind}: passage from the source covers under half of the span"] += 1
        elif any(overlap(p["start"], p["end"], c0, c1) > 0 for p in passages[t["copy"]]):
            missed[f"{kind}: passage there, but its origin/source is another document or undetermined"] += 1
        else:
            missed[f"{kind}: no passage over the span"] += 1

    # ---- precision
    ancestors = ancestors_of(truth)
    reported = correct = 0
    wrong = Counter()
    for path, ps in passages.items():
        for p in ps:
            if p["role"] != "copy" or not p["determined"] or p["origin"] is None:
                continue
            reported += 1
            claimed = {p["origin"], p["source"]} - {None}
            length = p["end"] - p["start"]
            ok = False
            near = False
            for t in by_copy.get(path, []):
                if overlap(p["start"], p["end"], *t["copy_span"]) >= 0.5 * length:
                    near = True
                    src = t["source"]
                    if src in claimed or ancestors.get(src, set()) & claimed:
                        ok = True
                        break
            if ok:
                correct += 1
            elif near:
                wrong["over a true passage, but the origin/source is wrong"] += 1
            elif path in by_copy:
                wrong["in a copy document, outside its true passages"] += 1
            else:
                wrong["in a document that republishes nothing"] += 1

    n_truth = sum(total.values())
    n_found = sum(found.values())
    return {
        "recall": round(n_found / n_truth, 4) if n_truth else None,
        "precision": round(correct / reported, 4) if reported else None,
        "true_passages": n_truth,
        "found": n_found,
        "found_via": dict(via),
        "whole": sum(whole.values()),
        "recall_by_kind": {k: {"found": found[k], "whole": whole[k], "total": total[k],
                               "recall": round(found[k] / total[k], 4)}
                           for k in sorted(total)},
        "missed": dict(missed.most_common()),
        "reported_copy_passages": reported,
        "correct": correct,
        "false_positives": dict(wrong.most_common()),
    }


def render(result: dict) -> str:
    lines = [
        f"recall    {result['recall']}  ({result['found']} of {result['true_passages']} true passages found; "
        f"via source {result['found_via'].get('source', 0)}, via origin only {result['found_via'].get('origin', 0)})",
    ]
    for kind, r in result["recall_by_kind"].items():
        lines.append(f"  {kind:12s} {r['found']:6d} / {r['total']:6d}  {r['recall']}  (whole: {r['whole']})")
    lines.append(f"  found whole (one passage over {WHOLE:.0%} of the span): {result['whole']} of {result['found']}")
    for why, n in result["missed"].items():
        lines.append(f"  missed: {n} {why}")
    lines.append(f"precision {result['precision']}  ({result['correct']} of {result['reported_copy_passages']} "
                 f"reported copy passages correct)")
    for why, n in result["false_positives"].items():
        lines.append(f"  wrong: {n} {why}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.score", description=__doc__.split("\n\n")[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("truth", type=Path)
    ap.add_argument("--json", type=Path, default=None, help="also write the result here")
    args = ap.parse_args(argv)
    with open(args.report, encoding="utf-8") as f:
        report = json.load(f)
    result = score(report, load_truth(args.truth))
    print(render(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
