"""Quoted speech: where a text is inside quotation marks.

Two reports of one speech quote the same words without either copying the
other ("told the BBC", a minister's sentence in the Commons).  A short span
shared between two documents that lies inside quotation marks in both is such
a quotation, not a republication; ``pipeline.drop_quotations`` sets it aside.
"""

from __future__ import annotations

import bisect
import re

# Opening and closing marks, including the ``...'' convention of wire copy and the
# corner brackets of Japanese and Chinese text.
_PAIRS = (
    (re.compile(r"“"), re.compile(r"”")),
    (re.compile(r"«"), re.compile(r"»")),
    (re.compile(r"「"), re.compile(r"」")),
    (re.compile(r"『"), re.compile(r"』")),
    (re.compile(r"``"), re.compile(r"''")),
    (re.compile(r'(?:(?<=^)|(?<=[\s(\[—–-]))"(?=\S)', re.M), re.compile(r'(?<=\S)"')),
    (re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))[‘'](?=[A-Za-z0-9])", re.M), re.compile(r"(?<=[^\s])[’'](?=[\s.,;:!?)\]—–-]|$)", re.M)),
)
_MAX_QUOTE = 2000  # characters; an unclosed mark does not swallow the page


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """Sorted, merged ``[start, end)`` regions of quoted text, with their quotation marks."""
    regions: list[tuple[int, int]] = []
    for opening, closing in _PAIRS:
        pos = 0
        while True:
            m = opening.search(text, pos)
            if not m:
                break
            c = closing.search(text, m.end(), min(len(text), m.end() + _MAX_QUOTE))
            if not c:
                pos = m.end()
                continue
            # the marks belong to the quotation, as they belong to a passage that
            # starts or ends with them (tokens.with_marks)
            regions.append((m.start(), c.end()))
            pos = c.end()
    regions.sort()
    merged: list[tuple[int, int]] = []
    for s, e in regions:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def quoted_share(regions: list[tuple[int, int]], start: int, end: int) -> float:
    """Share of ``[start, end)`` that lies inside the given quoted regions."""
    if end <= start or not regions:
        return 0.0
    inside = 0
    i = max(0, bisect.bisect_right(regions, (start, start)) - 1)
    while i < len(regions) and regions[i][0] < end:
        s, e = regions[i]
        inside += max(0, min(e, end) - max(s, start))
        i += 1
    return inside / (end - start)
