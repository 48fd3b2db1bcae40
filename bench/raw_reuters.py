"""Write Reuters-21578 stories as they are, briefs and tables included, as a corpus folder.

The benchmark corpora (``bench.generate``) are built from long stories only, so they hold
no brief; this corpus checks what the rewritten-brief matching does on real wire copy
that nothing was tuned on: every story of the first ``--files`` files of the collection
with a body of five words or more, one plain-text file each, and a ``metadata.csv`` giving
Reuters as the outlet and the collection's date to the minute.  Nothing is labelled:
what it finds is read by hand.  The text is read at run time and written outside the
repository (``bench/out/`` is not tracked).

    python -m bench.raw_reuters bench/out/raw-reuters --files 6
    provenance audit bench/out/raw-reuters -o on.json -q
    provenance audit bench/out/raw-reuters -o off.json -q --param align.brief_max_words=0
"""

from __future__ import annotations

import argparse
import html
import re
from pathlib import Path

from .reuters import data_dir

_RECORD = re.compile(r"<REUTERS(.*?)</REUTERS>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_DATE = re.compile(r"<DATE>(.*?)</DATE>", re.S)
_WHEN = re.compile(r"(\d+)-([A-Z]+)-(\d{4})\s+(\d\d):(\d\d)")
_MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}


def write_corpus(out: Path, files: int, source: Path | None = None) -> int:
    """Write the stories of the first ``files`` files; return how many."""
    out.mkdir(parents=True, exist_ok=False)
    rows = ["path,outlet,date"]
    n = 0
    for path in sorted(Path(source or data_dir()).glob("reut2-*.sgm"))[:files]:
        for m in _RECORD.finditer(path.read_bytes().decode("latin-1")):
            body, date = _BODY.search(m.group(1)), _DATE.search(m.group(1))
            when = _WHEN.search(date.group(1)) if date else None
            if not body or not when:
                continue
            text = html.unescape(body.group(1)).replace("\x03", "").strip()
            if len(text.split()) < 5:
                continue
            n += 1
            name = f"r{n:05d}.txt"
            (out / name).write_text(text + "\n", encoding="utf-8")
            day, month, year, hour, minute = when.groups()
            rows.append(f"{name},Reuters,{year}-{_MONTHS[month]:02d}-{int(day):02d}T{hour}:{minute}")
    (out / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the corpus folder to create (must not exist)")
    parser.add_argument("--files", type=int, default=6, help="how many reut2-*.sgm files to read (default 6)")
    args = parser.parse_args(argv)
    print(f"{write_corpus(args.out, args.files)} stories written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
