"""Load corpora for hostile-input robustness: ``python -m bench.load --out bench/out/load``.

Builds three corpora and audits each with the CLI, recording wall time, peak
resident memory (of the audit and its workers) and the peak number of open file
descriptors of the audit process:

- ``many-small``: 100,000 small text files in 100 folders;
- ``one-folder``: 10,000 files in a single folder;
- ``big-jsonl``: one JSON Lines file of about 1 GB.

Texts are made of numbered words, so the corpora share no text and nothing here
measures detection, only that the audit survives the load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

WORDS = "council bridge river engineers supports closed minister inquiry report court police traffic".split()


def text(i: int, words: int) -> str:
    return " ".join(f"{WORDS[(i + k) % len(WORDS)]}{(i * 131 + k * 7) % 100003}" for k in range(words)) + ".\n"


def many_small(root: Path, n: int = 100_000) -> None:
    for i in range(n):
        folder = root / f"f{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"d{i:06d}.txt").write_text(text(i, 40), encoding="utf-8")


def one_folder(root: Path, n: int = 10_000) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"d{i:05d}.txt").write_text(text(i, 60), encoding="utf-8")


def big_jsonl(root: Path, target: int = 1_000_000_000) -> None:
    root.mkdir(parents=True, exist_ok=True)
    written = 0
    with open(root / "export.jsonl", "w", encoding="utf-8") as fh:
        i = 0
        while written < target:
            line = json.dumps({"id": i, "text": text(i, 600)}) + "\n"
            fh.write(line)
            written += len(line)
            i += 1


def watch_fds(pid: int, peak: list[int], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], len(os.listdir(f"/proc/{pid}/fd")))
        except OSError:
            pass
        time.sleep(0.05)


def run(corpus: Path, out: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "provenance.cli", "audit", str(corpus), "-o", str(out), "-q"])
    peak, stop = [0], threading.Event()
    watcher = threading.Thread(target=watch_fds, args=(proc.pid, peak, stop), daemon=True)
    watcher.start()
    code = proc.wait()
    stop.set()
    watcher.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads(out.read_text()) if out.exists() else {}
    return {
        "exit": code,
        "wall_s": round(time.perf_counter() - t0, 1),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
        "peak_rss_mb": round(after.ru_maxrss / 1024, 1),
        "peak_open_fds": peak[0],
        "documents": report.get("summary", {}).get("documents"),
        "rejections": report.get("summary", {}).get("rejections_by_code"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "load")
    parser.add_argument("--only", choices=("many-small", "one-folder", "big-jsonl"), action="append")
    args = parser.parse_args(argv)
    builders = {"many-small": many_small, "one-folder": one_folder, "big-jsonl": big_jsonl}
    results = {}
    for name in args.only or list(builders):
        corpus = args.out / name / "corpus"
        if not corpus.exists():
            builders[name](corpus)
        results[name] = run(corpus, args.out / name / "report.json")
        print(name, json.dumps(results[name]), flush=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
