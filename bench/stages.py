"""Where the audit's time goes: stage timings of one audit, in-process.

    python -m bench.stages CORPUS [--jobs N] [--json OUT.json]

Calls ``provenance.pipeline.audit`` (which times its stages in ``stats['seconds']``;
the report leaves timings out to stay deterministic), then builds and writes the
report as the command line does, and prints each stage's seconds and share.  The
stage names are the pipeline's own, so they follow it when it changes.  It also
samples this process's resident memory five times a second (Linux) and prints its
peak, when it happened, and the memory at each step (the worker processes'
memory is not included: ``bench.run`` measures the whole process tree).
"""

from __future__ import annotations

import argparse
import json
import sys
import os
import tempfile
import threading
import time
from pathlib import Path


def rss_mb() -> float:
    try:
        with open(f"/proc/{os.getpid()}/status", encoding="ascii") as f:
            line = next(x for x in f if x.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration):
        return 0.0


class Sampler:
    """Resident memory of this process, sampled in a thread."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.peak = (0.0, 0.0)  # (MB, seconds)
        self.marks: list[tuple[str, float, float]] = []  # (step, seconds, MB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            mb = rss_mb()
            if mb > self.peak[0]:
                self.peak = (mb, time.perf_counter() - self.t0)
            self._stop.wait(0.2)

    def mark(self, step: str) -> None:
        self.marks.append((step, round(time.perf_counter() - self.t0, 1), round(rss_mb(), 1)))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def stages(corpus: Path, jobs: int | None = None) -> dict:
    from provenance.params import default_params
    from provenance.pipeline import AuditOptions, audit
    from provenance.report import build_report, now_iso, write_report

    params = default_params()
    kwargs = {"jobs": jobs} if jobs is not None else {}
    sampler = Sampler()

    def progress(stage: str, done: int, _total: int) -> None:
        if done == 0:
            sampler.mark(f"start: {stage}")

    t0 = time.perf_counter()
    result = audit(corpus, AuditOptions(params=params, **kwargs), progress)
    t_audit = time.perf_counter() - t0
    sampler.mark("audit returned")
    seconds = dict(result.stats.get("seconds", {}))
    t1 = time.perf_counter()
    report = build_report(result, params, corpus=corpus.name, started=now_iso(), finished=now_iso(), options={})
    seconds["build report"] = round(time.perf_counter() - t1, 4)
    sampler.mark("report built")
    with tempfile.TemporaryDirectory() as tmp:
        t2 = time.perf_counter()
        write_report(report, Path(tmp) / "report.json")
        seconds["write report"] = round(time.perf_counter() - t2, 4)
    sampler.mark("report written")
    sampler.stop()
    seconds["audit() outside stages"] = round(max(0.0, t_audit - sum(v for k, v in result.stats["seconds"].items())), 4)
    total = time.perf_counter() - t0
    stats = {k: v for k, v in result.stats.items() if k != "seconds"}
    return {"documents": len(result.inventory.documents), "total_s": round(total, 3), "seconds": seconds,
            "stats": stats, "memory": {"peak_mb": round(sampler.peak[0], 1), "peak_at_s": round(sampler.peak[1], 1),
                                       "marks": sampler.marks}}


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
    memory = out["memory"]
    print(f"  peak resident memory of this process: {memory['peak_mb']:,.0f} MB at {memory['peak_at_s']} s")
    for step, at, mb in memory["marks"]:
        print(f"    {at:7.1f} s  {mb:9,.0f} MB  {step}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
