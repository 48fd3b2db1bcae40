"""Stable, content-derived document ids."""

from __future__ import annotations

from typing import Sequence

from .model import Document


def document_ids(docs: Sequence[Document]) -> list[str]:
    """``d-`` plus the first 16 hex digits of the document's SHA-256.

    Identical copies get ``-2``, ``-3`` ... in path order, so ids are unique and
    do not depend on the order files were found in.
    """
    seen: dict[str, int] = {}
    out = []
    for d in docs:
        base = "d-" + d.sha256[:16]
        n = seen.get(base, 0) + 1
        seen[base] = n
        out.append(base if n == 1 else f"{base}-{n}")
    return out
