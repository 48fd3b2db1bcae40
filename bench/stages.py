"""Where the audit's time goes: stage timings of one audit, in-process.

    python -m bench.stages CORPUS [--jobs N] [--json OUT.json]

Calls ``provenance.pipeline.audit`` (which times its stages in ``stats['seconds']``;
the report leaves timings out to stay deterministic), then builds and writes the
report as the command line does, and prints each stage's seconds and share.  The
stage names are the pipeline's own, so they follow it when it changes.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path


def stages(corpus: Path, jobs: int | None = None) -> dict:
    from provenance.params import default_params
    from provenance.pipeline import AuditOptions, audit
    from provenance.report import build_report, now_iso, write_report

    params = default_params()
    kwargs = {"jobs": jobs} if jobs is not None else {}
    t0 = time.perf_counter()
    result = audit(corpus, AuditOptions(params=params, **kwargs))
    t_audit = time.perf_counter() - t0
    seconds = dict(result.stats.get("seconds", {}))
    t1 = time.perf_counter()
    report = build_report(result, params, corpus=corpus.name, started=now_iso(), finished=now_iso(), options={})
    seconds["build report"] = round(time.perf_counter() - t1, 4)
    with tempfile.TemporaryDirectory() as tmp:
        t2 = time.perf_counter()
        write_report(report, Path(tmp) / "report.json")
        seconds["write report"] = round(time.perf_counter() - t2, 4)
    seconds["audit() outside stages"] = round(max(0.0, t_audit - sum(v for k, v in result.stats["seconds"].items())), 4)
    total = time.perf_counter() - t0
    stats = {k: v for k, v in result.stats.items() if k != "seconds"}
    return {"documents": len(result.inventory.documents), "total_s": round(total, 3), "seconds": seconds,
            "stats": stats}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    out = stages(args.corpus, args.jobs)
    total = out["total_s"]
    print(f"{out['documents']:,} documents, {total:.1f} s in all")
    for name, s in sorted(out["seconds"].items(), key=lambda kv: -kv[1]):
        print(f"  {name:24s} {s:9.2f} s  {100 * s / total:5.1f} %")
    print("  stats:", json.dumps(out["stats"]))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
