"""The benchmark's scorer: recall, passages found whole, precision."""

from __future__ import annotations

from bench.score import score


def passage(start: int, end: int, origin: str | None, source: str | None = None, role: str = "copy") -> dict:
    return {"start": start, "end": end, "role": role,
            "origin": {"document": origin, "status": "determined" if origin else "undetermined"},
            "source": {"document": source or origin} if (source or origin) else None}


def report(passages: dict[str, list[dict]]) -> dict:
    return {"documents": [{"id": f"d-{p}", "path": p, "passages": ps} for p, ps in passages.items()]}


TRUTH = [
    {"copy": "copy1.txt", "copy_span": [0, 1000], "source": "src.txt", "source_span": [0, 1000], "kind": "edited"},
    {"copy": "copy2.txt", "copy_span": [0, 1000], "source": "src.txt", "source_span": [0, 1000], "kind": "edited"},
    {"copy": "copy3.txt", "copy_span": [0, 1000], "source": "src.txt", "source_span": [0, 1000], "kind": "verbatim"},
]


def test_a_copy_in_two_pieces_is_found_but_not_whole():
    result = score(report({
        "src.txt": [passage(0, 1000, "d-src.txt", role="origin")],
        "copy1.txt": [passage(0, 1000, "d-src.txt")],               # one passage: whole
        "copy2.txt": [passage(0, 600, "d-src.txt"), passage(610, 1000, "d-src.txt")],  # two pieces
        "copy3.txt": [passage(0, 400, "d-src.txt")],               # under half: missed
    }), TRUTH)
    assert result["found"] == 2 and result["recall"] == round(2 / 3, 4)
    assert result["whole"] == 1
    assert result["recall_by_kind"]["edited"] == {"found": 2, "whole": 1, "total": 2, "recall": 1.0}
    assert result["recall_by_kind"]["verbatim"]["whole"] == 0
    # every reported copy passage lies on a true passage from its origin
    assert result["precision"] == 1.0 and result["reported_copy_passages"] == 4


def test_a_passage_from_the_wrong_document_is_neither_found_nor_correct():
    result = score(report({
        "src.txt": [passage(0, 1000, "d-src.txt", role="origin")],
        "copy1.txt": [passage(0, 1000, "d-other.txt")],
        "copy2.txt": [],
        "copy3.txt": [passage(0, 1000, "d-src.txt")],
        "other.txt": [],
    }), TRUTH)
    assert result["found"] == 1 and result["whole"] == 1
    assert result["correct"] == 1 and result["reported_copy_passages"] == 2
    assert result["false_positives"] == {"over a true passage, but the origin/source is wrong": 1}
