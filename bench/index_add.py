"""Cost of checking and adding new material against archive indexes of different sizes.

    python -m bench.index_add --archives 10000,100000 --new 1000 [--out bench/out/index]

For each archive size N it builds (once; reused on later runs) an index of the
benchmark corpus of N documents (``bench/out/N/corpus``, made by ``bench.generate``)
with ``provenance index add``, then takes the first ``--new`` documents of the
2,000-document benchmark corpus, which share wire stories with the archive, and
times, as separate processes:

- ``provenance audit NEW --index INDEX -o report.json``: the new material against the archive;
- ``provenance index add NEW --index COPY``: adding it to a copy of the index.

If both cost about the same for every archive size, the cost follows the new
material, not the archive.  Results go to ``OUT/results.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def timed(command: list[str]) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", *command], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    last = proc.stderr.strip().splitlines()[-1].split() if proc.stderr.strip() else []
    cpu = float(last[1]) + float(last[2]) if len(last) == 4 else None
    rss = int(last[3]) / 1024 if len(last) == 4 else None
    return {"command": " ".join(command), "exit": proc.returncode, "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2) if cpu is not None else None, "peak_rss_mb": round(rss, 1) if rss else None,
            "stdout": proc.stdout.strip()[-300:], "stderr": proc.stderr.strip()[-300:]}


def new_material(count: int, out: Path) -> Path:
    source = ROOT / "out" / "2000" / "corpus"
    if not source.is_dir():
        sys.exit(f"{source}: generate it first (python -m bench.generate 2000)")
    folder = out / f"new-{count}"
    if folder.exists():
        shutil.rmtree(folder)
    files = sorted(p for p in source.rglob("*.txt"))[:count]
    for p in files:
        target = folder / p.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, target)
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--archives", default="10000,100000", help="archive sizes (benchmark corpora to index)")
    ap.add_argument("--new", type=int, default=1000, help="documents of new material")
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "index")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    exe = shutil.which("provenance") or sys.exit("provenance is not installed")
    new = new_material(args.new, args.out)
    results: dict = {"new_documents": args.new, "new_folder": str(new), "archives": {}}
    for size in [int(s) for s in args.archives.split(",")]:
        corpus = ROOT / "out" / str(size) / "corpus"
        if not corpus.is_dir():
            sys.exit(f"{corpus}: generate it first (python -m bench.generate {size})")
        index = args.out / f"archive-{size}.sqlite"
        entry: dict = {"index": str(index)}
        if not index.exists():
            entry["build"] = timed([exe, "index", "add", str(corpus), "--index", str(index), "--source", "archive",
                                    "--quiet"])
            print(f"[{size}] index built: {entry['build']['wall_s']} s, exit {entry['build']['exit']}", flush=True)
        entry["index_mb"] = round(index.stat().st_size / 2**20, 1)
        entry["audit"] = timed([exe, "audit", str(new), "--index", str(index), "-o", str(args.out / f"report-{size}.json"),
                                "--quiet"])
        copy = args.out / f"copy-{size}.sqlite"
        shutil.copyfile(index, copy)
        entry["add"] = timed([exe, "index", "add", str(new), "--index", str(copy), "--source", "new", "--quiet"])
        copy.unlink()
        report = json.loads((args.out / f"report-{size}.json").read_text(encoding="utf-8"))
        entry["archive_documents_brought_in"] = report["run"]["inputs"].get("archive_documents")
        entry["candidate_pairs"] = report["run"]["stats"]["candidate_pairs"]
        entry["clusters"] = report["run"]["stats"]["clusters"]
        results["archives"][str(size)] = entry
        print(f"[{size}] index {entry['index_mb']} MB; audit of {args.new} new: {entry['audit']['wall_s']} s wall "
              f"({entry['audit']['cpu_s']} s CPU, {entry['audit']['peak_rss_mb']} MB); add: {entry['add']['wall_s']} s "
              f"wall; {entry['archive_documents_brought_in']} indexed documents brought in, "
              f"{entry['candidate_pairs']} candidate pairs", flush=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
