"""Attributed segments of compilation pages.

A reposting page (seeds/003) holds several republished blocks, each introduced
by a header: a title line, an outlet line or ``Name / Outlet`` byline, and a
dateline carrying the original date.  Such a page is split into segments, each
with the origin it cites (outlet, date, and the cues as evidence), whether or
not that original is in the corpus.

A page is a compilation when it has two or more block headers, or one header
and a fair-use reposting notice.  One header at the top of an ordinary article
is that article's own byline, not a segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cues import Cue
from .model import DateValue

_MAX_TITLE = 200  # characters: a longer line is body text, not a block title
# A last paragraph of one line ending in a bracketed date is a related-link caption.
_CAPTION = re.compile(r"\n\s*\n[^\n]{1,300}\((?:January|February|March|April|May|June|July|August|September|"
                      r"October|November|December) \d{1,2}, \d{4}\)\s*$")


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    title: str | None
    outlet: str | None
    date: DateValue | None
    cues: tuple[Cue, ...]  # the header cues: evidence of the cited origin
    credits: tuple[Cue, ...] = ()  # credits inside the block (its own sources)


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _previous_line(text: str, pos: int) -> tuple[int, int] | None:
    """Bounds of the nearest non-empty line before the line holding ``pos``."""
    start, _ = _line_bounds(text, pos)
    i = start - 1
    while i > 0:
        s, e = _line_bounds(text, i - 1 if text[i] == "\n" else i)
        if text[s:e].strip():
            return s, e
        i = s - 1
    return None


def _headers(text: str, cues: list[Cue]) -> list[tuple[int, Cue | None, Cue, str | None]]:
    """(start, byline cue, dateline cue, title) of each block header."""
    bylines = {(_line_bounds(text, c.start)[0]): c for c in cues if c.role == "byline" and c.start is not None}
    out = []
    for d in cues:
        if d.role != "dateline" or d.start is None:
            continue
        dated = d.date is not None
        line_start, _ = _line_bounds(text, d.start)
        prev = _previous_line(text, d.start)
        byline = bylines.get(prev[0]) if prev else None
        if byline is None and not (dated and d.outlets):
            continue  # a dateline with neither an outlet line above nor a wire agency in it
        if not dated and byline is None:
            continue
        head = byline.start if byline is not None else line_start
        title = None
        before = _previous_line(text, head) if byline is not None else prev
        if before is not None:
            candidate = text[before[0]:before[1]].strip()
            if candidate and len(candidate) <= _MAX_TITLE and not candidate.endswith((".", ":")):
                title, head = candidate, before[0]
        out.append((head, byline, d, title))
    return out


def find_segments(text: str, cues: list[Cue]) -> list[Segment]:
    headers = sorted(_headers(text, cues), key=lambda h: h[0])
    reposter = [c for c in cues if c.role == "reposter" and c.start is not None]
    if not headers or (len(headers) < 2 and not reposter):
        return []
    segments = []
    for k, (start, byline, dateline, title) in enumerate(headers):
        end = headers[k + 1][0] if k + 1 < len(headers) else len(text)
        for r in reposter:  # the notice closes the last block
            if start < r.start < end:
                end = _line_bounds(text, r.start)[0]
        caption = _CAPTION.search(text, start, end)
        if caption is not None:
            end = caption.start()
        while end > start and text[end - 1].isspace():
            end -= 1
        outlet = (byline.outlets[0] if byline is not None and byline.outlets
                  else (dateline.outlets[0] if dateline.outlets else None))
        header_cues = tuple(c for c in (byline, dateline) if c is not None)
        credits = tuple(c for c in cues if c.role in ("credit", "pointer") and c.start is not None
                        and start <= c.start < end)
        segments.append(Segment(start, end, title, outlet, dateline.date, header_cues, credits))
    return segments
