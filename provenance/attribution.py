"""Outlet and publication date of each document, each with its evidence.

Sources are read in a fixed order of reliability (sidecar, structured metadata,
URL, a URL heading a plain-text file); the first one decides, the rest are kept
as corroborating evidence, and a disagreement is reported as a conflict rather
than resolved silently.  File modification times are never evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .dates import compare_dates, parse_date_value
from .model import Attribution, DateValue, Document, Evidence, SidecarRow
from .outlets import Registry, domain_of

# Metadata keys read for each value, most reliable first, with a rule id each.
OUTLET_FIELDS: tuple[tuple[str, str], ...] = (
    ("outlet", "meta.outlet"),
    ("publisher", "meta.publisher"),
    ("site_name", "meta.site-name"),
)
DATE_FIELDS: tuple[tuple[str, str], ...] = (("published", "meta.published"),)

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[/-](0?[1-9]|[12]\d|3[01])(?=[/-]|$)",
    re.IGNORECASE,
)
_LEADING_URL = re.compile(r"\A\s*(https?://\S+)\s*(?:\n|\Z)")


@dataclass(frozen=True)
class _Context:
    registry: Registry
    sidecar_path: str | None


def _source_kind(meta_source: str) -> str:
    if meta_source.startswith("jsonld"):
        return "json-ld"
    if meta_source.startswith("html"):
        return "html-meta"
    if meta_source.startswith("json"):
        return "json"
    return "metadata"


def _outlet_value(raw: str, registry: Registry) -> str:
    known = registry.by_name(raw)
    return known.name if known else raw.strip()


def document_url(doc: Document) -> tuple[str, str, str] | None:
    """The document's own URL with its source: (url, source, location)."""
    if doc.url:
        return doc.url, "metadata", "url"
    if doc.format == "text":
        m = _LEADING_URL.match(doc.text)
        if m:
            return m.group(1), "text", f"chars {m.start(1)}-{m.end(1)}"
    return None


def url_date(url: str) -> tuple[str, DateValue] | None:
    m = _URL_DATE.search(url)
    if not m:
        return None
    year, month, day = m.group(1), m.group(2).lower(), int(m.group(3))
    month_num = _MONTHS.get(month[:3]) if not month.isdigit() else int(month)
    value = parse_date_value(f"{year}-{month_num:02d}-{day:02d}") if month_num else None
    return (m.group(0), value) if value else None


def outlet_evidence(doc: Document, row: SidecarRow | None, ctx: _Context) -> list[Evidence]:
    ev: list[Evidence] = []
    if row is not None and row.outlet:
        ev.append(Evidence("sidecar.outlet", "sidecar", f"{ctx.sidecar_path}:{row.line}", row.outlet,
                           _outlet_value(row.outlet, ctx.registry), confidence="high"))
    for key, rule in OUTLET_FIELDS:
        for f in doc.metadata:
            if f.key == key and f.value.strip():
                ev.append(Evidence(rule, _source_kind(f.source), f.source, f.value,
                                   _outlet_value(f.value, ctx.registry), confidence="high"))
    url = document_url(doc)
    if url is not None:
        known = ctx.registry.by_url(url[0])
        if known is not None:
            rule = "url.domain" if url[1] == "metadata" else "text.leading-url-domain"
            ev.append(Evidence(rule, "url", url[2], domain_of(url[0]) or url[0], known.name, confidence="medium"))
    return ev


def date_evidence(doc: Document, row: SidecarRow | None, ctx: _Context) -> list[Evidence]:
    ev: list[Evidence] = []
    if row is not None and row.date:
        value = parse_date_value(row.date)
        if value is not None:
            ev.append(Evidence("sidecar.date", "sidecar", f"{ctx.sidecar_path}:{row.line}", row.date,
                               value.iso, value.precision, "high"))
    for key, rule in DATE_FIELDS:
        for f in doc.metadata:
            if f.key == key:
                value = parse_date_value(f.value)
                if value is not None:
                    ev.append(Evidence(rule, _source_kind(f.source), f.source, f.value, value.iso,
                                       value.precision, "high"))
    url = document_url(doc)
    if url is not None:
        found = url_date(url[0])
        if found is not None:
            ev.append(Evidence("url.path-date", "url", url[2], found[0], found[1].iso, found[1].precision, "medium"))
    return ev


def _date_of(e: Evidence) -> DateValue:
    value = parse_date_value(e.value)
    assert value is not None  # evidence values are produced by parse_date_value
    return value


def _conflicts(kind: str, chosen: Evidence, others: Iterable[Evidence], same) -> list[str]:
    out = []
    for e in others:
        if not same(chosen, e):
            out.append(f"{kind}: {chosen.rule} says {chosen.value!r} but {e.rule} ({e.location}) says {e.value!r}")
    return out


def attribute(doc: Document, row: SidecarRow | None, registry: Registry, sidecar_path: str | None) -> Attribution:
    ctx = _Context(registry, sidecar_path)
    outlets = outlet_evidence(doc, row, ctx)
    dates = date_evidence(doc, row, ctx)
    conflicts: list[str] = []
    outlet = outlets[0].value if outlets else None
    if outlets:
        conflicts += _conflicts("outlet", outlets[0], outlets[1:], lambda a, b: a.value == b.value)
    date = _date_of(dates[0]) if dates else None
    if dates:
        conflicts += _conflicts("date", dates[0], dates[1:],
                                lambda a, b: compare_dates(_date_of(a), _date_of(b)) in (0, None))
    return Attribution(
        outlet=outlet,
        outlet_kind=registry.kind_of(outlet),
        outlet_evidence=tuple(outlets),
        date=date,
        date_evidence=tuple(dates),
        conflicts=tuple(dict.fromkeys(conflicts)),
    )
