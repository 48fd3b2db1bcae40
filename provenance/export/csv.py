"""CSV: one row per republished passage, for spreadsheets.

A row is one link of a cluster's chain (a copy, with its origin). A passage whose
origin is outside the corpus is a chain link too (relation ``cited``, in_corpus
``false``), so every republished passage appears exactly once. Rows follow the
report: clusters in report order, links in chain order.
"""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = (
    "document", "path", "outlet", "date", "start", "end",
    "origin_document", "origin_path", "origin_outlet", "origin_date", "in_corpus",
    "lag_days", "relation", "similarity", "credited", "cluster", "origin_rule", "origin_confidence",
)

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:
    """Corpus text as a cell: a spreadsheet must not read it as a formula."""
    if value is None:
        return ""
    s = str(value)
    return "'" + s if s.startswith(_FORMULA) else s


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rows(report: dict[str, Any]) -> list[dict[str, str]]:
    docs = {d["id"]: d for d in report["documents"]}
    out = []
    for c in report["clusters"]:
        origin = c["origin"]
        origin_doc = docs.get(origin.get("document") or "")
        for link in c["chain"]:
            d = docs.get(link["document"], {})
            out.append({
                "document": _value(link["document"]),
                "path": _text(link["path"] + (f"#{link['record']}" if link.get("record") else "")),
                "outlet": _text((d.get("outlet") or {}).get("name")),
                "date": _value(link.get("date")),
                "start": _value(link["start"]),
                "end": _value(link["end"]),
                "origin_document": _value(origin.get("document")),
                "origin_path": _text(origin_doc["path"] + (f"#{origin_doc['record']}" if origin_doc.get("record") else "")
                                     if origin_doc else None),
                "origin_outlet": _text(origin.get("outlet")),
                "origin_date": _value(origin.get("date")),
                "in_corpus": _value(origin.get("in_corpus")),
                "lag_days": _value(link.get("lag_days")),
                "relation": _value(link.get("relation")),
                "similarity": _value(link.get("similarity")),
                "credited": _value(link.get("credited")),
                "cluster": _value(c["id"]),
                "origin_rule": _value(origin.get("rule")),
                "origin_confidence": _value(origin.get("confidence")),
            })
    return out


def render_csv(report: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(report))
    return buf.getvalue()
