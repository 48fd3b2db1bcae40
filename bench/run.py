"""Benchmark the audit against the floor and a naive baseline, on generated corpora.

    python -m bench.run --sizes 10000,100000 [--jobs N] [--out DIR] [--skip-baseline]

For each size: generate the corpus into DIR/SIZE (or reuse it when DIR/SIZE/manifest.json
says it was generated with the same size, seed and generator version), then measure,
one after the other on the same corpus and each as a child process:

  audit     provenance audit DIR/SIZE/corpus -o DIR/SIZE/report.json --quiet
  floor     python bench/floor.py    (read every file, split it into words, nothing else)
  baseline  python bench/baseline.py (whole-document MinHash + MinHashLSH, query every document)

Wall time, CPU time (user + system, from os.wait4 of that child), peak resident memory
(ru_maxrss of that child) and documents per second; then recall and precision of the
report against DIR/SIZE/truth.jsonl (bench/score.py).  Prints a table per size and the
scaling ratio between sizes, and writes everything to DIR/results.json (entries of
sizes not run this time are kept from earlier runs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from . import score as scoring

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DEFAULT_OUT = BENCH / "out"

# Targets (docs/performance.md)
TARGET_FLOOR_RATIO = 6.0  # audit wall time at 100k documents over the floor's
TARGET_SCALING = 12.0  # audit wall time at 100k over 10k
TARGET_RSS_MB = 3 * 1024  # peak resident memory at 100k
TARGET_QUALITY = 0.95  # recall and precision at every size


def machine() -> dict:
    model = None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = round(int(line.split()[1]) / 1024 / 1024, 1)
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu_model": model, "memory_gb": mem,
            "python": platform.python_version(), "platform": platform.platform()}


def _tree(pid: int) -> list[int]:
    """A process and its descendants (Linux /proc)."""
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children", encoding="utf-8") as f:
                stack += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return out


def _tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process tree in KB; PSS shares pages common to forked
    workers out among them instead of counting them once per process."""
    rss = pss = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="utf-8") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return rss, pss


def measure(cmd: list[str], log: Path, timeout: float, max_rss_mb: float | None) -> dict:
    """Run one child and return its wall time, CPU time and peak memory.

    CPU time and peak RSS come from os.wait4 on that child, so they are the child's
    own (and those of any processes it waited for), not of earlier children; but
    Linux starts a forked child's ru_maxrss at its parent's RSS, so a small
    command's peak RSS is at least this harness's (tens of MB).  CPU
    time adds up the child's worker processes; ru_maxrss is the largest single
    process, so the memory of the whole process tree (parent and workers) is also
    sampled from /proc: PSS, which counts pages shared by forked workers once.
    """
    load_before = os.getloadavg()[0]
    with open(log, "w", encoding="utf-8") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True)
        killed: list[str] = []
        peak = {"rss": 0, "pss": 0}
        done = threading.Event()

        def watchdog() -> None:
            while not done.wait(0.25):
                rss, pss = _tree_memory_kb(proc.pid)
                peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
                if time.perf_counter() - t0 > timeout:
                    killed.append(f"timeout after {timeout:.0f} s")
                elif max_rss_mb and pss > max_rss_mb * 1024:
                    killed.append(f"memory over {max_rss_mb:.0f} MB")
                else:
                    continue
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                return

        thread = threading.Thread(target=watchdog, daemon=True)
        thread.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        thread.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "command": " ".join(cmd),
        "exit": proc.returncode,
        "killed": killed[0] if killed else None,
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "user_s": round(usage.ru_utime, 3),
        "sys_s": round(usage.ru_stime, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # the largest single process (Linux: KB)
        "peak_tree_pss_mb": round(peak["pss"] / 1024, 1),  # sampled every 0.25 s: all its processes
        "peak_tree_rss_mb": round(peak["rss"] / 1024, 1),
        "log": str(log),
        # 1-minute load average before and after: other work on the machine shows here
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def audit_command() -> list[str]:
    script = Path(sys.executable).with_name("provenance")
    if script.exists():
        return [str(script)]
    found = shutil.which("provenance")
    return [found] if found else [sys.executable, "-m", "provenance.cli"]


def supports_jobs(cmd: list[str]) -> bool:
    try:
        out = subprocess.run(cmd + ["audit", "--help"], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "COLUMNS": "200"})
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--jobs" in out.stdout


def generator_version() -> int:
    """GENERATOR_VERSION of bench/generate.py, read without importing it (and NumPy)."""
    for line in (BENCH / "generate.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("GENERATOR_VERSION"):
            return int(line.split("=")[1])
    return -1


def ensure_corpus(size: int, folder: Path, seed: int) -> dict:
    manifest_path = folder / "manifest.json"
    if manifest_path.exists() and (folder / "corpus").is_dir() and (folder / "truth.jsonl").exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if (manifest.get("documents"), manifest.get("seed"), manifest.get("generator_version")) == \
                (size, seed, generator_version()):
            print(f"[{size}] reusing {folder / 'corpus'}", flush=True)
            manifest["reused"] = True
            return manifest
    print(f"[{size}] generating {folder / 'corpus'} ...", flush=True)
    t0 = time.perf_counter()
    # in a child process: the harness stays small, and a child forked from it does not
    # start with a large peak RSS (Linux carries ru_maxrss across fork and exec)
    done = subprocess.run([sys.executable, "-m", "bench.generate", "--docs", str(size), "--out", str(folder),
                           "--seed", str(seed), "--force"], cwd=REPO, stdout=subprocess.DEVNULL)
    if not manifest_path.exists():
        raise SystemExit(f"[{size}] generation failed (exit {done.returncode})")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if done.returncode:
        print(f"[{size}] warning: the generator's check failed: {manifest.get('check')}", flush=True)
    print(f"[{size}] generated in {time.perf_counter() - t0:.1f} s", flush=True)
    manifest["reused"] = False
    return manifest


def per_second(docs: int, m: dict | None) -> float | None:
    if not m or m.get("exit") != 0 or not m.get("wall_s"):
        return None
    return round(docs / m["wall_s"], 1)


def run_size(size: int, out: Path, seed: int, jobs: int | None, skip_baseline: bool, timeout: float,
             max_rss_mb: float | None) -> dict:
    folder = out / str(size)
    manifest = ensure_corpus(size, folder, seed)
    corpus = folder / "corpus"
    report = folder / "report.json"
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    entry: dict = {"documents": size, "corpus": str(corpus), "when": datetime.now(timezone.utc).isoformat(
        timespec="seconds"), "generator": {k: manifest.get(k) for k in
                                            ("generator_version", "seed", "rounds_used", "plan", "check", "seconds",
                                             "reused")}}

    cmd = audit_command()
    audit_cmd = cmd + ["audit", str(corpus), "-o", str(report), "--quiet"]
    if jobs is not None:
        if supports_jobs(cmd):
            audit_cmd += ["--jobs", str(jobs)]
        else:
            print(f"[{size}] provenance audit has no --jobs option: running without it", flush=True)
            entry["jobs_ignored"] = jobs
    if report.exists():
        report.unlink()
    print(f"[{size}] audit: {' '.join(audit_cmd)}", flush=True)
    entry["audit"] = measure(audit_cmd, logs / "audit.log", timeout, max_rss_mb)
    print(f"[{size}] audit: {entry['audit']['wall_s']} s wall, exit {entry['audit']['exit']}", flush=True)

    print(f"[{size}] floor", flush=True)
    entry["floor"] = measure([sys.executable, str(BENCH / "floor.py"), str(corpus), "--json",
                              str(logs / "floor.json")], logs / "floor.log", timeout, max_rss_mb)
    if skip_baseline:
        entry["baseline"] = None
    else:
        print(f"[{size}] baseline", flush=True)
        entry["baseline"] = measure([sys.executable, str(BENCH / "baseline.py"), str(corpus), "--truth",
                                     str(folder / "truth.jsonl"), "--json", str(logs / "baseline.json")],
                                    logs / "baseline.log", timeout, max_rss_mb)
        if (logs / "baseline.json").exists() and entry["baseline"]["exit"] == 0:
            entry["baseline"]["result"] = json.loads((logs / "baseline.json").read_text(encoding="utf-8"))

    for name in ("audit", "floor", "baseline"):
        if entry.get(name):
            entry[name]["docs_per_s"] = per_second(size, entry[name])
    a, f, b = entry["audit"], entry["floor"], entry.get("baseline")
    ok = lambda m: m is not None and m.get("exit") == 0  # noqa: E731
    entry["ratios"] = {
        "audit_over_floor_wall": round(a["wall_s"] / f["wall_s"], 2) if ok(a) and ok(f) else None,
        "audit_over_floor_cpu": round(a["cpu_s"] / f["cpu_s"], 2) if ok(a) and ok(f) and f["cpu_s"] else None,
        "baseline_over_audit_wall": round(b["wall_s"] / a["wall_s"], 2) if ok(a) and ok(b) else None,
        "baseline_over_audit_cpu": round(b["cpu_s"] / a["cpu_s"], 2) if ok(a) and ok(b) and a["cpu_s"] else None,
    }
    if ok(a) and report.exists():
        with open(report, encoding="utf-8") as fh:
            data = json.load(fh)
        entry["audit"]["stats"] = data.get("run", {}).get("stats")
        entry["quality"] = scoring.score(data, scoring.load_truth(folder / "truth.jsonl"))
        del data
    else:
        entry["quality"] = None
    return entry


def fmt(v, unit: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.2f}{unit}" if v < 100 else f"{v:,.0f}{unit}"
    return f"{v:,}{unit}"


def table(entry: dict) -> str:
    rows = [f"documents: {entry['documents']:,}   corpus: {entry['corpus']}",
            f"{'':10s} {'wall s':>10s} {'CPU s':>10s} {'peak RSS MB':>12s} {'tree PSS MB':>12s} {'docs/s':>10s}  exit"]
    for name in ("audit", "floor", "baseline"):
        m = entry.get(name)
        if not m:
            rows.append(f"{name:10s} {'(skipped)':>10s}")
            continue
        status = "ok" if m["exit"] == 0 else f"exit {m['exit']}" + (f" ({m['killed']})" if m.get("killed") else "")
        rows.append(f"{name:10s} {fmt(m['wall_s']):>10s} {fmt(m['cpu_s']):>10s} {m['peak_rss_mb']:>12,.0f} "
                    f"{(m.get('peak_tree_pss_mb') or 0):>12,.0f} {fmt(m.get('docs_per_s')):>10s}  {status}"
                    f"  (load {m.get('load_before', '-')} -> {m.get('load_after', '-')})")
    r = entry["ratios"]
    rows.append(f"audit/floor: {fmt(r['audit_over_floor_wall'])}x wall ({fmt(r['audit_over_floor_cpu'])}x CPU)   "
                f"baseline/audit: {fmt(r['baseline_over_audit_wall'])}x wall "
                f"({fmt(r['baseline_over_audit_cpu'])}x CPU)")
    q = entry.get("quality")
    if q:
        rows.append(f"recall {q['recall']} ({q['found']}/{q['true_passages']})   precision {q['precision']} "
                    f"({q['correct']}/{q['reported_copy_passages']})")
    return "\n".join(rows)


def scaling(results: dict) -> dict:
    out = {}
    sizes = sorted(int(s) for s, e in results.items() if e.get("audit", {}).get("exit") == 0)
    for small in sizes:
        for big in sizes:
            if big > small:
                a, b = results[str(small)]["audit"], results[str(big)]["audit"]
                out[f"{big}/{small}"] = {"size_ratio": round(big / small, 2),
                                         "wall_ratio": round(b["wall_s"] / a["wall_s"], 2),
                                         "cpu_ratio": round(b["cpu_s"] / a["cpu_s"], 2)}
    return out


def targets(results: dict, scale: dict) -> dict:
    out = {}
    big = results.get("100000")
    if big and big["audit"]["exit"] == 0:
        r = big["ratios"]["audit_over_floor_wall"]
        out["100k_audit_within_6x_floor"] = {"measured": r, "met": r is not None and r <= TARGET_FLOOR_RATIO}
        rss = max(big["audit"]["peak_rss_mb"], big["audit"].get("peak_tree_pss_mb") or 0)
        out["100k_peak_rss_at_most_3GB"] = {"measured_mb": rss, "met": rss <= TARGET_RSS_MB}
    s = scale.get("100000/10000")
    if s:
        out["scaling_100k_over_10k_at_most_12"] = {"measured": s["wall_ratio"], "met": s["wall_ratio"] <= TARGET_SCALING}
    for size, e in sorted(results.items(), key=lambda kv: int(kv[0])):
        q = e.get("quality")
        if q:
            met = (q["recall"] or 0) >= TARGET_QUALITY and (q["precision"] or 0) >= TARGET_QUALITY
            out[f"quality_at_{size}"] = {"recall": q["recall"], "precision": q["precision"], "met": met}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000", help="comma-separated corpus sizes (documents)")
    ap.add_argument("--jobs", type=int, default=None, help="passed to provenance audit when it has --jobs")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where corpora and results go (default bench/out)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds allowed to each measured command")
    ap.add_argument("--max-rss-gb", type=float, default=None,
                    help="kill a measured command whose memory (tree PSS) exceeds this (default: no limit)")
    args = ap.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.out.mkdir(parents=True, exist_ok=True)
    results_path = args.out / "results.json"
    previous = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() else {}
    results = previous.get("sizes", {})
    info = machine()
    print(f"machine: {info['nproc']} CPUs, {info['cpu_model']}, {info['memory_gb']} GB, Python {info['python']}")
    for size in sizes:
        entry = run_size(size, args.out, args.seed, args.jobs, args.skip_baseline, args.timeout,
                         args.max_rss_gb * 1024 if args.max_rss_gb else None)
        entry["machine"] = info
        results[str(size)] = entry
        print()
        print(table(entry), flush=True)
        print()
        scale = scaling(results)
        results_path.write_text(json.dumps({"machine": info, "sizes": results, "scaling": scale,
                                            "targets": targets(results, scale)}, indent=2) + "\n",
                                encoding="utf-8")
    scale = scaling(results)
    for key, s in scale.items():
        print(f"scaling {key}: {s['size_ratio']}x documents -> {s['wall_ratio']}x wall, {s['cpu_ratio']}x CPU")
    for key, t in targets(results, scale).items():
        print(f"target {key}: {'met' if t['met'] else 'NOT met'} ({', '.join(f'{k}={v}' for k, v in t.items() if k != 'met')})")
    print(f"results: {results_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
