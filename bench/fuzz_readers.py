"""Fuzz the readers: ``python -m bench.fuzz_readers --seconds 300``.

Feeds every reader random bytes and mutations (bit flips, truncations, splices,
repeated and deleted blocks, injected markup and NUL bytes) of real inputs: the
seed articles, the golden fixtures and the format fixtures.  A reader may reject
an input, but must never raise: any exception escaping ``read_file`` is a crash,
saved under ``bench/out/fuzz-crashes/`` with the traceback, and the run exits 1.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

from provenance.readers import read_file

ROOT = Path(__file__).resolve().parent.parent
EXTENSIONS = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".xml")
INJECT = [b"\x00", b"<", b"<!--", b"<script>", b"]]>", b"&#x0;", b"{", b"\"", b"\xff\xfe", b"\xef\xbb\xbf",
          b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>", b"&a;", b"\r", b"\n\n", b"<div>" * 50, b"\\u0000"]


def corpus() -> list[tuple[str, bytes]]:
    out = []
    for folder in (ROOT / "seeds", ROOT / "fixtures"):
        for p in sorted(folder.rglob("*")):
            if p.is_file() and p.suffix.lower() in EXTENSIONS and p.stat().st_size < 2_000_000:
                out.append((p.suffix.lower(), p.read_bytes()))
    return out


def mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        pos = rng.randrange(len(b) + 1)
        if op == 0 and b:
            b[min(pos, len(b) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            del b[pos:]
        elif op == 2:
            b[pos:pos] = rng.choice(INJECT)
        elif op == 3 and b:
            n = rng.randint(1, 64)
            b[pos:pos] = b[pos:pos + n] * rng.randint(2, 20)
        elif op == 4:
            del b[pos:pos + rng.randint(1, 256)]
        else:
            b[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 32)))
    return bytes(b)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "fuzz-crashes")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    seeds = corpus()
    deadline = time.monotonic() + args.seconds
    runs = crashes = 0
    while time.monotonic() < deadline:
        if rng.random() < 0.2 or not seeds:
            ext = rng.choice(EXTENSIONS)
            data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 4096)))
        else:
            ext, original = rng.choice(seeds)
            ext = ext if rng.random() < 0.8 else rng.choice(EXTENSIONS)
            data = mutate(original, rng)
        runs += 1
        try:
            docs, rejections = read_file("fuzz" + ext, data)
            if not docs and not rejections:
                raise AssertionError("neither a document nor a rejection")
            for d in docs:
                if not d.text:
                    raise AssertionError("a document with no text")
        except Exception:  # noqa: BLE001 - any escape is the finding
            crashes += 1
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"crash-{crashes}{ext}").write_bytes(data)
            (args.out / f"crash-{crashes}.txt").write_text(traceback.format_exc(), encoding="utf-8")
    print(f"fuzzed readers for {args.seconds:.0f} s: {runs} inputs, {crashes} crashes")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
