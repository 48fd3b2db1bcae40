"""Evaluation against labelled data: ``python -m provenance.evaluate meter DIR``.

DIR is a METER-style folder: ``corpus/`` (the articles and their metadata.csv)
and ``truth.tsv`` (path, label, pa_candidates).  The corpus is audited with the
same code and defaults as ``provenance audit``; the report's ``derivation`` is
scored against the journalists' labels, and each derived article's origin
against its candidate sources.  Only scores and counts are printed.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .params import REWRITES, default_params, with_overrides
from .pipeline import AuditOptions, audit
from .readers import read_file
from .report import build_report, now_iso
from .rarity import corpus_words
from .rewrite import stopword_hashes
from .tokens import Tokenizer, ngram_hashes

LABELS = ("wholly_derived", "partially_derived", "non_derived")


@dataclass(frozen=True)
class Truth:
    path: str
    label: str
    candidates: frozenset[str]


def load_truth(path: Path) -> list[Truth]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [Truth(r["path"], r["label"], frozenset(c for c in r["pa_candidates"].split(";") if c)) for r in rows]


def macro_f1(pairs: list[tuple[str, str]], labels: tuple[str, ...]) -> tuple[float, dict[str, float]]:
    per = {}
    for lab in labels:
        tp = sum(1 for t, p in pairs if t == lab and p == lab)
        fp = sum(1 for t, p in pairs if t != lab and p == lab)
        fn = sum(1 for t, p in pairs if t == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        per[lab] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return sum(per.values()) / len(labels), per


def main_origin(doc: dict[str, Any], docs_by_id: dict[str, dict[str, Any]], key: str = "origin") -> str | None:
    """The origin (or direct source) document covering most of this document's reused text."""
    weight: dict[str, int] = {}
    for p in doc["passages"]:
        o = p[key]
        if key == "origin" and o["status"] != "determined":
            continue
        if o and o["document"] and o["document"] != doc["id"]:
            weight[o["document"]] = weight.get(o["document"], 0) + p["end"] - p["start"]
    if not weight:
        return None
    best = max(sorted(weight), key=lambda k: weight[k])
    return docs_by_id[best]["path"]


def origin_errors(report: dict[str, Any], truth: list[Truth]) -> dict[str, int]:
    """Why derived articles miss their origin: counts per cause."""
    docs = {d["path"]: d for d in report["documents"]}
    by_id = {d["id"]: d for d in report["documents"]}
    clusters = {c["id"]: c for c in report["clusters"]}
    causes: dict[str, int] = {}
    for t in truth:
        d = docs.get(t.path)
        if t.label == "non_derived" or d is None:
            continue
        found = main_origin(d, by_id)
        if found in t.candidates:
            continue
        if not d["passages"]:
            cause = "no shared passage detected"
        elif found is None:
            undetermined = [clusters[p["cluster"]] for p in d["passages"]
                            if clusters[p["cluster"]]["origin"]["status"] == "undetermined"]
            has_pa = any(m["path"].startswith("pa/") for c in undetermined for m in c["members"])
            cause = ("origin undetermined, wire copy in the cluster" if has_pa
                     else "origin undetermined, shared only with other newspapers")
        elif found.startswith("pa/"):
            cause = "origin is a wire story outside the candidates (other day or catchline)"
        else:
            cause = "origin is another newspaper"
        causes[cause] = causes.get(cause, 0) + 1
    return dict(sorted(causes.items(), key=lambda kv: -kv[1]))


def score(report: dict[str, Any], truth: list[Truth]) -> dict[str, Any]:
    docs = {d["path"]: d for d in report["documents"]}
    by_id = {d["id"]: d for d in report["documents"]}
    pairs, missing = [], []
    origin_hits = origin_total = source_hits = origin_given = 0
    confusion = {t: {p: 0 for p in LABELS} for t in LABELS}
    for t in truth:
        d = docs.get(t.path)
        if d is None:
            missing.append(t.path)
            predicted = "non_derived"
        else:
            predicted = d["derivation"]
        pairs.append((t.label, predicted))
        confusion[t.label][predicted] += 1
        if t.label != "non_derived":
            origin_total += 1
            found = main_origin(d, by_id) if d is not None else None
            origin_given += found is not None
            if found in t.candidates:
                origin_hits += 1
            if d is not None and main_origin(d, by_id, "source") in t.candidates:
                source_hits += 1
    f3, per3 = macro_f1(pairs, LABELS)
    two = [("derived" if a != "non_derived" else "non", "derived" if b != "non_derived" else "non") for a, b in pairs]
    f2, _ = macro_f1(two, ("derived", "non"))
    return {
        "articles": len(truth),
        "macro_f1_3way": round(f3, 4),
        "f1_per_class": {k: round(v, 4) for k, v in per3.items()},
        "macro_f1_2way": round(f2, 4),
        "origin_accuracy": round(origin_hits / origin_total, 4) if origin_total else None,
        "origin_hits": origin_hits,
        "origin_given": origin_given,
        "origin_precision": round(origin_hits / origin_given, 4) if origin_given else None,
        "source_accuracy": round(source_hits / origin_total, 4) if origin_total else None,
        "source_hits": source_hits,
        "derived_articles": origin_total,
        "confusion": confusion,
        "missing_from_report": len(missing),
        "origin_errors": origin_errors(report, truth),
    }


def fitted_thresholds(report: dict[str, Any], truth: list[Truth], step: float = 0.01) -> dict[str, Any]:
    """How far thresholds alone could go: the (partially, wholly) pair on ``reused_fraction``
    with the best 3-way macro F1 on these labels, and each class's quartiles.

    A ceiling for the current detection, not a setting: fitted on the labels it scores."""
    docs = {d["path"]: d for d in report["documents"]}
    xs = [(docs[t.path]["reused_fraction"] if t.path in docs else 0.0, t.label) for t in truth]
    grid = [round(i * step, 4) for i in range(int(round(1 / step)) + 1)]
    best = (-1.0, 0.0, 0.0)
    for lo in grid:
        for hi in grid:
            if hi <= lo:
                continue
            pairs = [(lab, "wholly_derived" if x >= hi else "partially_derived" if x >= lo and x > 0
                      else "non_derived") for x, lab in xs]
            f, _ = macro_f1(pairs, LABELS)
            if f > best[0] + 1e-12:
                best = (f, lo, hi)
    quartiles = {lab: _quartiles([x for x, l in xs if l == lab]) for lab in LABELS}
    return {"macro_f1_3way": round(best[0], 4), "partially": best[1], "wholly": best[2],
            "reused_fraction_quartiles": quartiles}


def source_shares(report: dict[str, Any], truth: list[Truth], corpus: Path, prior: float) -> dict[str, float]:
    """For each labelled article, the share of its content words (each weighed by its rarity
    in the corpus, as sentence matching weighs them) that the documents its passages name
    as origin or source hold, in any words of theirs: how much of it its sources tell."""
    tokenizer = Tokenizer(sentences=False)
    paths = [d["path"] for d in report["documents"] if d.get("record") is None]
    texts: dict[str, np.ndarray] = {}
    for path in paths:
        found, _ = read_file(path, (corpus / path).read_bytes())
        texts[path] = tokenizer(found[0].text).hashes if found else np.zeros(0, dtype=np.uint64)
    weights, content = corpus_words((texts[p] for p in paths), stopword_hashes(), prior)
    row = {p: i for i, p in enumerate(paths)}
    docs = {d["path"]: d for d in report["documents"]}
    by_id = {d["id"]: d for d in report["documents"]}
    out: dict[str, float] = {}
    for t in truth:
        d = docs.get(t.path)
        if d is None or t.path not in row:
            out[t.path] = 0.0
            continue
        named = {by_id[o["document"]]["path"] for p in d["passages"] for o in (p["origin"], p["source"])
                 if o and o.get("document") and o["document"] != d["id"]}
        words, weight = content.of(row[t.path])
        held = np.concatenate([content.of(row[n])[0] for n in sorted(named) if n in row] or
                              [np.zeros(0, dtype=words.dtype)])
        total = float(weight.sum())
        out[t.path] = round(float(weight[np.isin(words, held)].sum()) / total, 4) if total else 0.0
    return out


def fitted_two_features(report: dict[str, Any], truth: list[Truth], shares: dict[str, float],
                        step: float = 0.05) -> dict[str, Any]:
    """How far thresholds on two signals could go: ``reused_fraction`` f and the share its
    sources hold of an article's words c (``source_shares``); wholly derived when f >= a or
    c >= b, partially when f >= p or c >= q (and f > 0: a passage was found), the four
    fitted on the labels for the best 3-way macro F1.  A ceiling, not a setting."""
    docs = {d["path"]: d for d in report["documents"]}
    f = np.array([docs[t.path]["reused_fraction"] if t.path in docs else 0.0 for t in truth])
    c = np.array([shares.get(t.path, 0.0) for t in truth])
    y = np.array([LABELS.index(t.label) for t in truth])
    grid = np.round(np.arange(0, 1 + step / 2, step), 4).tolist() + [2.0]  # 2.0: that signal unused

    found = f > 0
    pairs = [(p, q) for p in grid for q in grid]
    partially = np.array([found & ((f >= p) | (c >= q)) for p, q in pairs])  # one row per (p, q)
    best = (-1.0, (0.0, 0.0), (0.0, 0.0))
    for a in grid:
        for b in grid:
            wholly = found & ((f >= a) | (c >= b))
            pred = np.where(wholly, 0, np.where(partially, 1, 2))  # every (p, q) at once
            score = np.zeros(len(pairs))
            for k in range(3):
                tp = ((pred == k) & (y == k)).sum(axis=1)
                wrong = ((pred == k) != (y == k)).sum(axis=1)  # false positives and negatives
                score += np.where(tp > 0, 2 * tp / np.maximum(2 * tp + wrong, 1), 0.0)
            at = int(np.argmax(score))  # the first of the best, in grid order
            if score[at] / 3 > best[0] + 1e-12:
                best = (float(score[at] / 3), (a, b), pairs[at])
    return {"macro_f1_3way": round(best[0], 4), "wholly": list(best[1]), "partially": list(best[2])}


def longest_shared_run(a: np.ndarray, b: np.ndarray) -> int:
    """Words in the longest run of words two texts (word hash sequences) share exactly."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # sharing a run of n words means sharing one of every shorter length
        n = (lo + hi + 1) // 2
        if np.intersect1d(ngram_hashes(a, n), ngram_hashes(b, n), assume_unique=False).size:
            lo = n
        else:
            hi = n - 1
    return lo


def unmatched_runs(report: dict[str, Any], truth: list[Truth], corpus: Path) -> dict[str, Any]:
    """For the articles with no passage, by label: the longest run of words each shares
    exactly with any of its candidate sources (quartiles).  Where derived and non-derived
    articles share equally short runs, no exact-match evidence tells them apart."""
    docs = {d["path"]: d for d in report["documents"]}
    tokenizer = Tokenizer(sentences=False)
    cache: dict[str, np.ndarray] = {}

    def words(path: str) -> np.ndarray:
        if path not in cache:
            found, _ = read_file(path, (corpus / path).read_bytes())
            cache[path] = tokenizer(found[0].text).hashes if found else np.zeros(0, dtype=np.uint64)
        return cache[path]

    runs: dict[str, list[int]] = {lab: [] for lab in LABELS}
    for t in truth:
        d = docs.get(t.path)
        if d is None or d["passages"] or not t.candidates:
            continue
        runs[t.label].append(max(longest_shared_run(words(t.path), words(c)) for c in sorted(t.candidates)))
    return {lab: {"articles": len(v), "longest_run_quartiles": _quartiles(v)} for lab, v in runs.items()}


def _quartiles(values: list[float]) -> list[float]:
    v = sorted(values)
    return [round(v[int(q * (len(v) - 1))], 4) for q in (0.25, 0.5, 0.75)] if v else []


def run_meter(folder: Path, overrides: dict[str, str]) -> dict[str, Any]:
    params = with_overrides(default_params(), overrides)
    corpus = folder / "corpus"
    t0 = time.perf_counter()
    started = now_iso()
    result = audit(corpus, AuditOptions(params=params))
    report = build_report(result, params, corpus="corpus", started=started, finished=now_iso())
    seconds = time.perf_counter() - t0
    truth = load_truth(folder / "truth.tsv")
    scores = score(report, truth)
    scores["fitted_thresholds"] = fitted_thresholds(report, truth)
    scores["unmatched"] = unmatched_runs(report, truth, corpus)
    scores["fitted_two_features"] = fitted_two_features(
        report, truth, source_shares(report, truth, corpus, max(params.sentence_rarity_prior, 1.0)))
    scores["audit_seconds"] = round(seconds, 2)
    scores["files"] = report["run"]["inputs"]["files_seen"]
    scores["parameters"] = params.as_sections()
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m provenance.evaluate", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="dataset", required=True)
    meter = sub.add_parser("meter", help="score against a METER-style folder (corpus/ and truth.tsv)")
    meter.add_argument("folder", type=Path)
    meter.add_argument("--param", action="append", default=[], help="override a parameter, KEY=VALUE")
    meter.add_argument("--rewrites", action="store_true", help="audit as `provenance audit --rewrites`")
    meter.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    overrides = {**(REWRITES if args.rewrites else {}), **dict(p.split("=", 1) for p in args.param)}
    if not (args.folder / "corpus").is_dir() or not (args.folder / "truth.tsv").is_file():
        print(f"{args.folder}: expected corpus/ and truth.tsv inside", file=sys.stderr)
        return 2
    scores = run_meter(args.folder, overrides)
    if args.json:
        print(json.dumps(scores, indent=2))
        return 0
    print(f"METER evaluation: {scores['articles']} labelled articles, {scores['files']} files audited "
          f"in {scores['audit_seconds']} s")
    print(f"  3-way macro F1 (wholly/partially/non): {scores['macro_f1_3way']:.3f}  "
          + "  ".join(f"{k}={v:.3f}" for k, v in scores["f1_per_class"].items()))
    print(f"  2-way macro F1 (derived/non):          {scores['macro_f1_2way']:.3f}")
    print(f"  origin accuracy:                       {scores['origin_accuracy']:.3f} "
          f"({scores['origin_hits']}/{scores['derived_articles']})")
    print(f"  origin precision:                      {scores['origin_precision'] or 0:.3f} "
          f"({scores['origin_hits']}/{scores['origin_given']} derived articles given an origin)")
    print(f"  direct-source accuracy:                {scores['source_accuracy']:.3f} "
          f"({scores['source_hits']}/{scores['derived_articles']})")
    print("  confusion (rows = truth, columns = predicted wholly/partially/non):")
    for t in LABELS:
        print(f"    {t:18s} " + " ".join(f"{scores['confusion'][t][p]:5d}" for p in LABELS))
    fit = scores["fitted_thresholds"]
    print(f"  best thresholds fitted on these labels (a ceiling, not a setting): partially={fit['partially']} "
          f"wholly={fit['wholly']} -> 3-way macro F1 {fit['macro_f1_3way']:.3f}")
    two = scores["fitted_two_features"]
    print(f"  with a second signal, the share of its words its sources hold (c), fitted too: wholly when "
          f"f>={two['wholly'][0]} or c>={two['wholly'][1]}, partially when f>={two['partially'][0]} or "
          f"c>={two['partially'][1]} (2.0: unused) -> 3-way macro F1 {two['macro_f1_3way']:.3f}")
    print("  reused_fraction quartiles by label: " + "  ".join(
        f"{k}={v}" for k, v in fit["reused_fraction_quartiles"].items()))
    print("  articles with no passage: longest run of words shared with a candidate source (quartiles):")
    for lab, u in scores["unmatched"].items():
        print(f"    {lab:18s} {u['articles']:4d} articles  {u['longest_run_quartiles']}")
    print("  derived articles whose origin is missed, by cause:")
    for cause, n in scores["origin_errors"].items():
        print(f"    {n:4d}  {cause}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
