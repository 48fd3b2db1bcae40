"""CSV: one row per republished passage (or passage of an undetermined origin), for spreadsheets.

A row is one link of a cluster's chain (a copy, with its origin). A passage whose
origin is outside the corpus is a chain link too (relation ``cited``, in_corpus
``false``), so every republished passage appears exactly once. A cluster whose
origin is undetermined has no chain; each of its passages is a row whose origin
rule says ``undetermined``, so that the sheet says so rather than leaving the
shared text out. Rows follow the report: clusters in report order, links in chain
order (members in member order).
"""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = (
    "document", "path", "outlet", "date", "start", "end",
    "origin_document", "origin_path", "origin_outlet", "origin_date", "in_corpus",
    "lag_days", "relation", "similarity", "match", "credited", "cluster", "origin_rule", "origin_confidence",
    "collection", "origin_collection",
)

# What a spreadsheet may read as the start of a formula, in ASCII and full width (some
# spreadsheets fold full-width forms to ASCII), also after leading spaces.
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_LEADING = " \u3000\n"


def _text(value: Any) -> str:
    """Corpus text as a cell: a spreadsheet must not read it as a formula."""
    if value is None:
        return ""
    s = str(value)
    return "'" + s if s.lstrip(_LEADING).startswith(_FORMULA) else s


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _name(path: str, record: str | None) -> str:
    return path + (f"#{record}" if record else "")


def _origin_cells(c: dict[str, Any], origin_doc: dict[str, Any] | None) -> dict[str, str]:
    """The cells every row of a cluster shares: its origin, and the rule that chose it."""
    origin = c["origin"]
    return {
        "origin_document": _value(origin.get("document")),
        "origin_path": _text(_name(origin_doc["path"], origin_doc.get("record")) if origin_doc else None),
        "origin_outlet": _text(origin.get("outlet")),
        "origin_date": _value(origin.get("date")),
        "in_corpus": _value(origin.get("in_corpus")),
        "cluster": _value(c["id"]),
        "origin_rule": _value(origin.get("rule")),
        "origin_confidence": _value(origin.get("confidence")),
        "origin_collection": _text(origin_doc.get("collection") if origin_doc else None),
    }


def _passage_cells(p: dict[str, Any], d: dict[str, Any], date: Any) -> dict[str, str]:
    """The cells of the passage itself: which document, where, published when."""
    return {
        "document": _value(p["document"]),
        "path": _text(_name(p["path"], p.get("record"))),
        "outlet": _text((d.get("outlet") or {}).get("name")),
        "date": _value(date),
        "start": _value(p["start"]),
        "end": _value(p["end"]),
        "collection": _text(d.get("collection")),
    }


def _link_cells(link: dict[str, Any] | None) -> dict[str, str]:
    """How a copy relates to its source: empty for a passage of an undetermined origin."""
    link = link or {}
    return {key: _value(link.get(key)) for key in ("lag_days", "relation", "similarity", "match", "credited")}


def _cluster_rows(c: dict[str, Any], docs: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    shared = _origin_cells(c, docs.get(c["origin"].get("document") or ""))
    if c["origin"]["status"] != "determined":
        return [{**_passage_cells(m, d, (d.get("published") or {}).get("date")), **shared, **_link_cells(None)}
                for m in c["members"] for d in [docs.get(m["document"], {})]]
    return [{**_passage_cells(link, docs.get(link["document"], {}), link.get("date")), **shared,
             **_link_cells(link)} for link in c["chain"]]


def rows(report: dict[str, Any]) -> list[dict[str, str]]:
    docs = {d["id"]: d for d in report["documents"]}
    return [row for c in report["clusters"] for row in _cluster_rows(c, docs)]


def render_csv(report: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(report))
    return buf.getvalue()
