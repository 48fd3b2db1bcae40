"""Outlet and publication date of each document, each with its evidence.

The evidence is the document's cues (see ``cues.py``) whose rules conclude an
outlet or a date about the document itself: sidecar, structured metadata, URL,
then text (a copyright notice, a posting stamp, a leading URL).  The most
reliable source decides (sidecar, then metadata, then URL, then text; within a
source, the rule's priority); the other observations are kept as evidence, and
a disagreement is reported as a conflict with both values rather than resolved
silently.  Cues inside the blocks of a compilation page describe those blocks'
origins, not the page, and are not used.  File times are never evidence.
"""

from __future__ import annotations

from typing import Sequence

from .cues import Cue
from .dates import compare_dates, surely_before
from .model import Attribution, DateValue
from .outlets import Registry
from .segments import Segment

SOURCE_RANK = {"sidecar": 0, "json": 1, "json-ld": 1, "html-meta": 1, "xml": 1, "warc": 1, "metadata": 1, "url": 2,
               "text": 3}
_ROLES = ("publisher", "posted")


def _inside(cue: Cue, segments: Sequence[Segment]) -> bool:
    return cue.start is not None and any(s.start <= cue.start < s.end for s in segments)


def _order(cue: Cue) -> tuple:
    return (SOURCE_RANK.get(cue.source, 9), -cue.priority, cue.start if cue.start is not None else -1, cue.rule)


def attribute(cues: Sequence[Cue], segments: Sequence[Segment], registry: Registry,
              captured: DateValue | None = None) -> Attribution:
    own = sorted((c for c in cues if c.role in _ROLES and not _inside(c, segments)), key=_order)
    outlets = [c for c in own if "outlet" in c.concludes and c.outlets]
    dates = [c for c in own if "date" in c.concludes and c.date is not None]
    conflicts: list[str] = []
    outlet = outlets[0].outlets[0] if outlets else None
    for c in outlets[1:]:
        if c.outlets[0] != outlet:
            conflicts.append(f"outlet: {outlets[0].rule} says {outlet!r} but {c.rule} ({c.location}) says "
                             f"{c.outlets[0]!r}")
    date = dates[0].date if dates else None
    for c in own:
        if "date" in c.concludes and c.date is None and c.source != "text":
            conflicts.append(f"date: {c.rule} ({c.location}) gives {c.text!r}, which is not used: "
                             f"{c.date_note or 'not a date that can be read strictly'}")
    for c in dates[1:]:
        if compare_dates(date, c.date) in (-1, 1):
            conflicts.append(f"date: {dates[0].rule} says {date.iso!r} but {c.rule} ({c.location}) says "
                             f"{c.date.iso!r}")
    if date is not None and captured is not None and surely_before(captured, date):
        conflicts.append(f"date: {dates[0].rule} says {date.iso!r}, after the page was captured ({captured.iso}); "
                         "a page cannot be published after its capture, so the date is not used and the "
                         "capture time bounds it")
        date = None
    return Attribution(
        outlet=outlet,
        outlet_kind=registry.kind_of(outlet),
        outlet_evidence=tuple(c.evidence("outlet") for c in outlets),
        date=date,
        date_evidence=tuple(c.evidence("date") for c in dates),
        conflicts=tuple(dict.fromkeys(conflicts)),
        captured=captured,
    )
