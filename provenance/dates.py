"""Strict parsing and comparison of structured date values.

Dates decide which copy of a passage came first, so a wrong date is worse than
no date: values are isolated with anchored regular expressions, validated
field by field, and kept at the precision they were written with (``2016`` is
a year, not 1 January 2016). Nothing is guessed from context or from today.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from .model import DateValue

__all__ = ["parse_date_value", "date_sort_key", "compare_dates", "lag_days", "surely_before", "latest_instant",
           "PRECISIONS"]

PRECISIONS = ("year", "month", "day", "minute", "second")
_RANK = {p: i for i, p in enumerate(PRECISIONS)}
_YEAR, _MONTH, _DAY, _MINUTE, _SECOND = range(5)

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
# Zone abbreviations with one unambiguous meaning in news metadata (RFC 2822 + Europe).
_NAMED_ZONES = {
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "BST": 60, "CET": 60, "CEST": 120,
}
_MAX_OFFSET = 18 * 60

_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+"
_ZONE = (
    r"(?P<Z>Z|(?:UTC|GMT|UT)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}(?::?\d{2})?|"
    + "|".join(_NAMED_ZONES)
    + r")(?:\s*\([A-Za-z ]+\))?"
)
_FRACTION = r"(?:[.,](?P<F>\d+))?"
_TIME = (
    r"(?P<H>\d{1,2})(?::(?P<M>\d{2})(?::(?P<S>\d{2})" + _FRACTION + r")?)?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?\s*(?:" + _ZONE + ")?"
)
_TIME_SEP = r"(?:,?\s+(?:at\s+)?|\s*[Tt]\s*|\s*,\s*)"
# East Asian times of day, an a.m./p.m. word before the hour. Chinese and Japanese:
# 14:05, 14时05分, 14時05分, 下午3:15, 午後3時15分. Korean: 15:30, 오후 3:30, 오후 3시 30분,
# 오후 3시 (a group named X_2 is a second spelling of X).
_CJK_TIME = r"(?:(?P<ampm>上午|下午|午前|午後)\s*)?(?P<H>\d{1,2})(?:[:：]|[时時点])(?P<M>\d{2})分?"
_KO_TIME = (
    r"(?:(?P<ampm>오전|오후)\s*)?(?P<H>\d{1,2})"
    r"(?:[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?|\s*시(?:\s*(?P<M_2>\d{1,2})\s*분)?)"
)
_MERIDIEM = {"오전": False, "오후": True, "上午": False, "下午": True}  # True: after noon
# Japanese clocks count 午前0時 (midnight) to 午後11時; 午前12時 is read as noon or midnight.
_JA_MERIDIEM = {"午前": False, "午後": True}
# Japanese eras: the first and last day of each (None: the present one); year n of an era
# is the year of its first day plus n - 1, and 元年 is its year 1.
_ERAS = {
    "令和": ((2019, 5, 1), None),
    "平成": ((1989, 1, 8), (2019, 4, 30)),
    "昭和": ((1926, 12, 25), (1989, 1, 7)),
}

_PATTERNS = {
    "iso": re.compile(
        r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})(?:(?:[Tt]|\s+)"
        r"(?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})" + _FRACTION + r")?\s*(?:" + _ZONE + r")?)?)?)?"
    ),
    "compact": re.compile(
        r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:[Tt](?P<H>\d{2})(?P<M>\d{2})"
        r"(?:(?P<S>\d{2})" + _FRACTION + r")?(?P<Z>Z|[+-]\d{2}(?::?\d{2})?)?)?"
    ),
    "ymd": re.compile(
        r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?:" + _TIME_SEP + _TIME + ")?"
    ),
    "numeric": re.compile(
        r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?:" + _TIME_SEP + _TIME + ")?"
    ),
    "dmy": re.compile(
        r"(?:" + _WEEKDAY + r")?(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?(?:\s*[-/]\s*|\s+)"
        r"(?P<mon>" + _MONTH_RE + r")\.?,?(?:\s*[-/]\s*|\s+)(?P<y>\d{4}|\d{2})"
        r"(?:" + _TIME_SEP + _TIME + ")?",
        re.IGNORECASE,
    ),
    "mdy": re.compile(
        r"(?:" + _WEEKDAY + r")?(?P<mon>" + _MONTH_RE + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+"
        r"(?P<y>\d{4})(?:" + _TIME_SEP + _TIME + ")?",
        re.IGNORECASE,
    ),
    # Chinese and Japanese: 2016年12月13日, 2016年12月13日 14:05, 2016年12月13日14时05分,
    # 2016年12月13日 下午3:15, 2016年12月13日 午後3時15分
    "cjk": re.compile(
        r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日(?:\s*" + _CJK_TIME + ")?)?"
    ),
    # Japanese era years: 平成28年, 平成28年12月, 平成28年12月13日, 令和元年5月1日 午前9時05分
    "era": re.compile(
        r"(?P<era>" + "|".join(_ERAS) + r")\s*(?P<ey>元|\d{1,2})\s*年(?:\s*(?P<m>\d{1,2})\s*月"
        r"(?:\s*(?P<d>\d{1,2})\s*日(?:\s*" + _CJK_TIME + ")?)?)?"
    ),
    # Korean: 2016년 12월, 2016년 12월 13일, 2016년 12월 13일 15:30, 2016년 12월 13일 오후 3시 30분
    "korean": re.compile(
        r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월(?:\s*(?P<d>\d{1,2})\s*일(?:\s*" + _KO_TIME + ")?)?"
    ),
    # Dotted dates as Korean portals print them, the last period optional: 2016.12.13.,
    # 2016. 12. 13., 2016.12.13. 15:30, 2016.12.13. 오후 3:30 (ymd reads those it reads first)
    "dotted": re.compile(
        r"(?P<y>\d{4})\.\s?(?P<m>\d{1,2})\.\s?(?P<d>\d{1,2})\.?(?:\s" + _KO_TIME + ")?"
    ),
    # Year-first dates with a Korean time: 2016-12-13 오전 9:05, 2016/12/13 오후 3시 30분
    "ymd_korean": re.compile(
        r"(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})\s" + _KO_TIME
    ),
    "asctime": re.compile(
        _WEEKDAY + r"(?P<mon>" + _MONTH_RE + r")\.?\s+(?P<d>\d{1,2})\s+" + _TIME + r"\s+(?P<y>\d{4})",
        re.IGNORECASE,
    ),
    "my": re.compile(r"(?P<mon>" + _MONTH_RE + r")\.?,?\s+(?P<y>\d{4})", re.IGNORECASE),
}


def parse_date_value(text: str, *, dayfirst: bool | None = None) -> DateValue | None:
    """Parse one structured date, or return None; never raises.

    Slashed/dotted numeric dates are read only when the field order is
    unambiguous or ``dayfirst`` says which it is.
    """
    try:
        return _parse(text, dayfirst)
    except Exception:  # any malformed piece means "not a date we trust"
        return None


def _parse(text: str, dayfirst: bool | None) -> DateValue | None:
    if not isinstance(text, str):
        return None
    s = " ".join(text.split())
    if not s or len(s) > 100:
        return None
    for name, pattern in _PATTERNS.items():
        m = pattern.fullmatch(s)
        if m is None:
            continue
        g = m.groupdict()
        for key in [k for k in g if k.endswith("_2")]:
            second = g.pop(key)
            if second is not None:
                g[key[:-2]] = second
        if g.get("era"):
            g["y"] = _era_year(g)
            if g["y"] is None:
                return None
        if name == "numeric":
            order = _numeric_order(int(g["a"]), int(g["b"]), dayfirst)
            if order is None:
                return None
            g["d"], g["m"] = (g["a"], g["b"]) if order == "dm" else (g["b"], g["a"])
        if g.get("mon"):
            g["m"] = str(_MONTHS[g["mon"].lower()])
        return _build(g)
    return None


def _numeric_order(a: int, b: int, dayfirst: bool | None) -> str | None:
    if a > 12 and b > 12:
        return None
    if a > 12:
        return "dm"
    if b > 12 or a == b:
        return "md"
    if dayfirst is None:
        return None
    return "dm" if dayfirst else "md"


def _era_year(g: dict) -> str | None:
    """The year of a Japanese era date, or None when the date, read at its precision (its
    year, month or day), lies outside the era."""
    first, last = _ERAS[g["era"]]
    n = 1 if g["ey"] == "元" else int(g["ey"])
    year = first[0] - 1 + n
    stated = (year,) + tuple(int(g[k]) for k in ("m", "d") if g.get(k) is not None)
    if n < 1 or stated < first[: len(stated)] or (last is not None and stated > last[: len(stated)]):
        return None
    return f"{year:04d}"


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        y += 2000 if y < 70 else 1900
    return y


def _build(g: dict) -> DateValue | None:
    y = _year(g["y"])
    if not 1 <= y <= 9999:
        return None
    if g.get("m") is None:
        return DateValue(f"{y:04d}", "year")
    mo = int(g["m"])
    if not 1 <= mo <= 12:
        return None
    if g.get("d") is None:
        return DateValue(f"{y:04d}-{mo:02d}", "month")
    d = int(g["d"])
    if not 1 <= d <= calendar.monthrange(y, mo)[1]:
        return None
    iso = f"{y:04d}-{mo:02d}-{d:02d}"
    if g.get("H") is None:
        return DateValue(iso, "day")
    hour = _hour(int(g["H"]), g.get("ampm"), g.get("M") is not None)
    minute = int(g["M"] or 0)
    if hour is None or not 0 <= minute <= 59:
        return None
    iso += f"T{hour:02d}:{minute:02d}"
    precision = "minute"
    if g.get("S") is not None:
        second = int(g["S"])
        if not 0 <= second <= 59:
            return None
        iso += f":{second:02d}"
        precision = "second"
    if g.get("Z"):
        offset = _zone_offset(g["Z"])
        if offset is None:
            return None
        return DateValue(iso + _format_offset(offset), precision, tz=True)
    return DateValue(iso, precision)


def _hour(hour: int, ampm: str | None, has_minutes: bool) -> int | None:
    if ampm is None:
        return hour if has_minutes and 0 <= hour <= 23 else None
    if ampm in _JA_MERIDIEM:
        return hour + (12 if _JA_MERIDIEM[ampm] else 0) if 0 <= hour <= 11 else None
    if not 1 <= hour <= 12:
        return None
    pm = _MERIDIEM[ampm] if ampm in _MERIDIEM else ampm.lower().startswith("p")
    return (hour % 12) + (12 if pm else 0)


def _zone_offset(zone: str) -> int | None:
    z = re.sub(r"\s*\(.*\)$", "", zone).strip().upper()
    if z in _NAMED_ZONES:
        return _NAMED_ZONES[z]
    z = re.sub(r"^(UTC|GMT|UT)\s*", "", z)
    if z in ("", "Z"):
        return 0
    m = re.fullmatch(r"([+-])(\d{1,2})(?::?(\d{2}))?", z)
    if m is None:
        return None
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if minutes > 59:
        return None
    total = hours * 60 + minutes
    if total > _MAX_OFFSET:
        return None
    return -total if m.group(1) == "-" else total


def _format_offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h:02d}:{m:02d}"


# --------------------------------------------------------------------------
# Ordering
# --------------------------------------------------------------------------

_ISO_OUT = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?)?)?([+-]\d{2}:\d{2})?"
)


@dataclass(frozen=True)
class _Parts:
    fields: tuple[int, ...]  # y, m, d, H, M, S as far as stated
    rank: int
    offset: int | None  # minutes east of UTC, when stated

    def local(self) -> datetime:
        y, m, d, hh, mm, *ss = self.fields
        return datetime(y, m, d, hh, mm, ss[0] if ss else 0)

    def span(self) -> tuple[datetime, datetime]:
        """The UTC instants this value may stand for: its whole year, month, day or
        minute, widened by ``ZONE_SLACK`` when no offset is stated."""
        f = self.fields
        start = datetime(f[0], f[1] if len(f) > 1 else 1, f[2] if len(f) > 2 else 1, *f[3:])
        if self.rank == _YEAR:
            end = _shifted(start, years=1)
        elif self.rank == _MONTH:
            end = _shifted(start, months=1)
        else:
            step = {_DAY: timedelta(days=1), _MINUTE: timedelta(minutes=1), _SECOND: timedelta(seconds=1)}
            end = _shifted(start, step[self.rank])
        if self.offset is not None and self.rank >= _MINUTE:
            shift = timedelta(minutes=self.offset)
            return _shifted(start, -shift), _shifted(end, -shift)
        return _shifted(start, -ZONE_SLACK), _shifted(end, ZONE_SLACK)

    def instant(self, rank: int) -> datetime:
        """Local time truncated to ``rank``, shifted to UTC when an offset is known."""
        dt = self.local()
        if rank < _SECOND:
            dt = dt.replace(second=0)
        return dt - timedelta(minutes=self.offset) if self.offset is not None else dt


def _shifted(when: datetime, delta: timedelta = timedelta(0), *, years: int = 0, months: int = 0) -> datetime:
    """``when`` moved by ``delta`` (or whole years or months), held within datetime's range."""
    try:
        if years or months:
            total = when.year * 12 + when.month - 1 + years * 12 + months
            return when.replace(year=total // 12, month=total % 12 + 1)
        return when + delta
    except (OverflowError, ValueError):
        return datetime.max if (delta > timedelta(0) or years > 0 or months > 0) else datetime.min


def _parts(d: DateValue) -> _Parts | None:
    """Components of a DateValue, tolerating values built outside this module."""
    m = _ISO_OUT.fullmatch(d.iso or "")
    if m is None:
        reparsed = parse_date_value(d.iso or "")
        if reparsed is None:
            return None
        m = _ISO_OUT.fullmatch(reparsed.iso)
        if m is None:
            return None
    fields = tuple(int(x) for x in m.groups()[:6] if x is not None)
    rank = {1: _YEAR, 2: _MONTH, 3: _DAY, 5: _MINUTE, 6: _SECOND}.get(len(fields))
    if rank is None:
        return None
    offset = _zone_offset(m.group(7)) if m.group(7) else None
    return _Parts(fields, rank, offset)


def date_sort_key(d: DateValue) -> tuple:
    """A total order for sorting: stated calendar date first, then the time of day.

    Within one stated day, values with offsets order by UTC; a coarser value
    sorts before finer ones it contains. Use ``compare_dates`` to know whether
    an order is actually certain.
    """
    p = _parts(d)
    if p is None:
        return (1, str(d.iso))
    y, m, day = (p.fields + (0, 0))[:3]
    secs = -(10**6)
    if p.rank >= _MINUTE:
        hh, mm = p.fields[3:5]
        ss = p.fields[5] if p.rank == _SECOND else 0
        secs = hh * 3600 + mm * 60 + ss - (p.offset or 0) * 60
    return (0, y, m, day, secs, p.rank)


def compare_dates(a: DateValue, b: DateValue) -> int | None:
    """-1/0/1 when ``a`` is certainly before/equal to/after ``b``, else None.

    Compared at the coarser of the two precisions; equal there but stated at
    different precisions is not an order. Times compare when both or neither
    state an offset (both: in UTC; neither: as local times); when one alone does,
    only when they are further apart than any UTC offset could move them. A time
    with an offset against a day without one (which may be another zone's day) is
    ordered only when its own calendar day and its UTC day both order it.
    """
    pa, pb = _parts(a), _parts(b)
    if pa is None or pb is None:
        return None
    rank = min(pa.rank, pb.rank)
    if rank >= _MINUTE:
        x, y = pa.instant(rank), pb.instant(rank)
        if (pa.offset is None) != (pb.offset is None):
            return None if abs(x - y) <= ZONE_SLACK else (-1 if x < y else 1)
    elif (pa.offset is None) != (pb.offset is None) and (pa if pa.offset is not None else pb).rank >= _MINUTE:
        # a time with an offset against a day (or month, year) without a zone, which may be
        # another zone's: the time is read on its own calendar day and on its UTC day, and
        # only an order both readings agree on counts
        timed, plain = (pa, pb) if pa.offset is not None else (pb, pa)
        utc = timed.instant(_MINUTE)
        other = plain.fields[: rank + 1]
        orders = {(x > other) - (x < other)
                  for x in (timed.fields[: rank + 1], (utc.year, utc.month, utc.day)[: rank + 1])}
        if len(orders) != 1 or 0 in orders:
            return None
        return orders.pop() * (1 if timed is pa else -1)
    else:
        x, y = pa.fields[: rank + 1], pb.fields[: rank + 1]
    if x != y:
        return -1 if x < y else 1
    return 0 if pa.rank == pb.rank else None


def unpreceded(dates: Sequence[DateValue | None]) -> list[bool]:
    """For each date, whether no other of them is certainly before it (undated: none
    is).  Each distinct date is compared with the others once, so many texts sharing
    a few dates cost a few comparisons, not one per pair of texts."""
    distinct = sorted({d for d in dates if d is not None}, key=lambda d: (d.iso, d.precision, d.tz))
    preceded = {d: any(compare_dates(o, d) == -1 for o in distinct if o != d) for d in distinct}
    return [d is None or not preceded[d] for d in dates]


# The widest offset from UTC in use (UTC+14, UTC-12): a local time, or a local calendar
# day, lies within this of the same reading in UTC.
ZONE_SLACK = timedelta(hours=14)


def surely_before(a: DateValue, b: DateValue) -> bool:
    """Whether ``a`` ends before ``b`` begins in any time zones: a web-archive capture
    (a UTC instant) against a publication date (often a local day). Unlike
    ``compare_dates``, which compares calendar days as days, a day or a time without
    an offset is widened by ``ZONE_SLACK`` on both sides."""
    pa, pb = _parts(a), _parts(b)
    if pa is None or pb is None:
        return False
    return pa.span()[1] <= pb.span()[0]  # spans are half-open


def latest_instant(d: DateValue) -> datetime | None:
    """The end of the UTC span ``d`` may stand for (half-open, as in ``surely_before``),
    or None when it is not a date. For a web-archive capture it is how late the page may
    have been fetched, and so how tightly the capture bounds a publication date: of two
    captures, the one with the earlier end is the earlier one (for WARC-Dates, UTC
    instants to the second, simply the earlier time)."""
    p = _parts(d)
    return None if p is None else p.span()[1]


def lag_days(a: DateValue, b: DateValue) -> float | None:
    """``b`` minus ``a`` in days at the coarser precision (None below day precision)."""
    pa, pb = _parts(a), _parts(b)
    if pa is None or pb is None:
        return None
    rank = min(pa.rank, pb.rank)
    if rank < _DAY:
        return None
    if rank == _DAY:
        da = datetime(*pa.fields[:3])
        db = datetime(*pb.fields[:3])
        return float((db - da).days)
    if (pa.offset is None) != (pb.offset is None):
        return None
    return (pb.instant(rank) - pa.instant(rank)).total_seconds() / 86400.0
