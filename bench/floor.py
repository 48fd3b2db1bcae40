"""The floor: read every file of a corpus and split it into word tokens, nothing else.

    python bench/floor.py CORPUS [--json OUT.json]

Any audit has to do at least this much work, in the same language, so the audit's
time over this script's time says how much the detection itself costs.  The walk
is sorted, every file is read as bytes and decoded as UTF-8 (Latin-1 when that
fails), and tokens are found with the audit's own word pattern.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time

WORD = re.compile(r"\w+(?:['’]\w+)*")


def floor(corpus: str) -> dict:
    t0 = time.perf_counter()
    files = tokens = size = 0
    for root, dirs, names in os.walk(corpus):
        dirs.sort()
        for name in sorted(names):
            with open(os.path.join(root, name), "rb") as f:
                data = f.read()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            tokens += len(WORD.findall(text))
            files += 1
            size += len(data)
    return {"files": files, "bytes": size, "tokens": tokens, "seconds": round(time.perf_counter() - t0, 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--json", default=None, help="write the counts here")
    args = ap.parse_args(argv)
    result = floor(args.corpus)
    print(json.dumps(result))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
