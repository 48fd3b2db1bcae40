"""Sidecar discovery, column aliases, path checks and per-row issues."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provenance.errors import SidecarError
from provenance.model import SidecarRow
from provenance.sidecar import find_sidecar, load_sidecar, normalise_row_path

EXISTING = {"a.txt", "sub/b.html", "sub/c.txt", "d.txt"}


def issues(sidecar) -> list[tuple[int, str, str | None]]:
    return [(i.line, i.code, i.path) for i in sidecar.issues]


def test_find_sidecar_prefers_explicit_then_csv(tmp_path: Path):
    assert find_sidecar(tmp_path, None) is None
    (tmp_path / "metadata.jsonl").write_text("{}\n")
    assert find_sidecar(tmp_path, None) == tmp_path / "metadata.jsonl"
    (tmp_path / "metadata.csv").write_text("path\n")
    assert find_sidecar(tmp_path, None) == tmp_path / "metadata.csv"
    other = tmp_path / "elsewhere.csv"
    assert find_sidecar(tmp_path, other) == other


def test_csv_rows_aliases_and_issues(tmp_path: Path):
    csv_text = (
        "File,Source,Publish_Date,Link,Headline,extra\n"
        "a.txt,Daily One,2000-03-01T16:54,https://one.example/a,Story A,x\n"
        ".\\sub\\b.html,Two Times,20 October 2016,,,\n"
        "sub/./c.txt,Wire,not a date,,,\n"
        "missing.txt,Nobody,2016-10-20,,,\n"
        "../../etc/passwd,Evil,2016-10-20,,,\n"
        "/abs/d.txt,Abs,2016-10-20,,,\n"
        "a.txt,Daily One Again,2016-10-21,,,\n"
        "\n"
        '"d.txt","Multi\nline outlet",03/04/2016,,,\n'
    )
    path = tmp_path / "metadata.csv"
    path.write_text(csv_text, encoding="utf-8")
    sidecar = load_sidecar(tmp_path, path, EXISTING)
    assert sidecar.path == "metadata.csv"
    assert sidecar.rows == (
        SidecarRow("a.txt", "Daily One", "2000-03-01T16:54", "https://one.example/a", "Story A", line=2),
        SidecarRow("sub/b.html", "Two Times", "20 October 2016", None, None, line=3),
        SidecarRow("sub/c.txt", "Wire", None, None, None, line=4),
        SidecarRow("d.txt", "Multi\nline outlet", "03/04/2016", None, None, line=10),  # read in the outlet's order
    )
    assert issues(sidecar) == [
        (4, "sidecar-bad-date", "sub/c.txt"),
        (5, "sidecar-unknown-path", "missing.txt"),
        (6, "sidecar-path-outside", "../../etc/passwd"),
        (7, "sidecar-path-outside", "/abs/d.txt"),
        (8, "sidecar-duplicate-path", "a.txt"),
    ]
    assert all(i.reason for i in sidecar.issues)


def test_csv_without_path_column(tmp_path: Path):
    path = tmp_path / "metadata.csv"
    path.write_text("outlet,date\nDaily,2016-10-20\n")
    sidecar = load_sidecar(tmp_path, path, EXISTING)
    assert sidecar.rows == ()
    assert issues(sidecar) == [(1, "sidecar-bad-columns", None)]
    assert "outlet" in sidecar.issues[0].reason


def test_csv_with_only_a_header_or_no_path_in_any_row(tmp_path: Path):
    path = tmp_path / "metadata.csv"
    path.write_text("path,outlet,date\n")
    sidecar = load_sidecar(tmp_path, path, EXISTING)
    assert sidecar.rows == () and issues(sidecar) == [(1, "sidecar-bad-columns", None)]
    assert "holds no rows" in sidecar.issues[0].reason
    path.write_text("path,outlet,date\n,Daily,2016-10-20\n ,Herald,2016-10-21\n")
    sidecar = load_sidecar(tmp_path, path, EXISTING)
    assert sidecar.rows == () and issues(sidecar) == [(2, "sidecar-bad-columns", None)]
    assert "no row has a path" in sidecar.issues[0].reason


def test_csv_cp1252_fallback_and_bom(tmp_path: Path):
    path = tmp_path / "metadata.csv"
    path.write_bytes("path,outlet\na.txt,Caf\u00e9 \u2018Times\u2019\n".encode("cp1252"))
    assert load_sidecar(tmp_path, path, EXISTING).rows[0].outlet == "Caf\u00e9 \u2018Times\u2019"
    path.write_bytes("\ufeffPATH,Publisher\na.txt,Bom News\n".encode("utf-8"))
    assert load_sidecar(tmp_path, path, EXISTING).rows == (SidecarRow("a.txt", "Bom News", line=2),)


def test_csv_semicolon_delimiter(tmp_path: Path):
    path = tmp_path / "metadata.csv"
    path.write_text("path;outlet;date\na.txt;Semi News;2016-10-20\n")
    assert load_sidecar(tmp_path, path, EXISTING).rows == (SidecarRow("a.txt", "Semi News", "2016-10-20", line=2),)


def test_csv_quote_never_closed_is_a_bad_row_not_one_cell_of_the_rest(tmp_path: Path):
    """A quote opened and never closed would make the rest of the file one cell: the rows
    after it lost without a word, the row before it given that cell as its outlet."""
    path = tmp_path / "metadata.csv"
    path.write_text('path,outlet,date\nd.txt,Daily,2016-10-19\na.txt,"Daily One,2016-10-20\n'
                    "sub/c.txt,Wire,2016-10-21\n")
    sidecar = load_sidecar(tmp_path, path, EXISTING)
    assert sidecar.rows == (SidecarRow("d.txt", "Daily", "2016-10-19", line=2),)
    assert issues(sidecar) == [(3, "sidecar-bad-row", None)]
    assert "line 3" in sidecar.issues[0].reason and "never closed" in sidecar.issues[0].reason
    # a quoted cell closed on the last line, with or without a line end, is a row like any other
    for ending in ("", "\n"):
        path.write_text('path,outlet\na.txt,"Multi\nline"' + ending)
        sidecar = load_sidecar(tmp_path, path, EXISTING)
        assert sidecar.rows == (SidecarRow("a.txt", "Multi\nline", line=2),) and not sidecar.issues


def test_jsonl_sidecar(tmp_path: Path):
    lines = [
        json.dumps({"filename": "a.txt", "media_name": "One", "date": "2016-10-20", "title": "T"}),
        "{broken",
        json.dumps({"path": "sub\\c.txt", "publisher": {"name": "Wire"}, "pubdate": 2016}),
        json.dumps([1, 2]),
        "",
        json.dumps({"path": "nope/x.txt"}),
    ]
    path = tmp_path / "metadata.jsonl"
    path.write_text("\n".join(lines) + "\n")
    sidecar = load_sidecar(tmp_path, path, EXISTING)
    assert sidecar.rows == (
        SidecarRow("a.txt", "One", "2016-10-20", None, "T", line=1),
        SidecarRow("sub/c.txt", "Wire", "2016", None, None, line=3),
    )
    assert issues(sidecar) == [
        (2, "sidecar-bad-row", None),
        (4, "sidecar-bad-row", None),
        (6, "sidecar-unknown-path", "nope/x.txt"),
    ]


def test_sidecar_outside_root_keeps_given_path(tmp_path: Path):
    root = tmp_path / "corpus"
    root.mkdir()
    path = tmp_path / "meta.csv"
    path.write_text("path\na.txt\n")
    assert load_sidecar(root, path, EXISTING).path == str(path)


def test_explicit_missing_sidecar_raises(tmp_path: Path):
    with pytest.raises(SidecarError, match="nothere.csv"):
        load_sidecar(tmp_path, tmp_path / "nothere.csv", EXISTING)
    with pytest.raises(SidecarError, match="folder"):
        load_sidecar(tmp_path, tmp_path, EXISTING)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("a.txt", "a.txt"),
        ("./a.txt", "a.txt"),
        ("sub\\b.html", "sub/b.html"),
        ("sub/../a.txt", "a.txt"),
        ("../a.txt", None),
        ("sub/../../a.txt", None),
        ("C:\\corpus\\a.txt", None),
        ("/etc/passwd", None),
    ],
)
def test_normalise_row_path(raw, expected):
    assert normalise_row_path(raw)[0] == expected


def test_rows_name_records_of_multi_record_files(tmp_path: Path):
    """A row describes one document: ``file#record`` describes a record; a row naming a
    multi-record file as a whole, or a record the file does not hold, is an issue."""
    from provenance.inventory import build_inventory
    from provenance.pipeline import audit
    from provenance.report import build_report
    from provenance.params import default_params

    corpus = tmp_path / "c"
    corpus.mkdir()
    lines = [{"text": "The harbour board met on Tuesday to discuss the new ferry timetable for winter."},
             {"text": "Rain closed the mountain pass for a second day, the roads office said on Friday."}]
    (corpus / "exports.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    (corpus / "a.txt").write_text("A single plain article about the county fair and its prize cattle.\n")
    (corpus / "metadata.csv").write_text(
        "path,outlet,date\n"
        "exports.jsonl,Whole File Outlet,2016-10-01\n"
        "exports.jsonl#line 2,Record Outlet,2016-10-02\n"
        "exports.jsonl#line 9,Nowhere,2016-10-03\n"
        "missing.jsonl#line 1,Nowhere,2016-10-03\n"
        "a.txt#line 1,Nowhere,2016-10-03\n"
        "a.txt,Plain Outlet,2016-10-04\n",
        encoding="utf-8")

    inv = build_inventory(corpus)
    assert [r.path for r in inv.sidecar.rows] == ["exports.jsonl#line 2", "a.txt"]
    assert issues(inv.sidecar) == [
        (2, "sidecar-multi-record", "exports.jsonl"),
        (4, "sidecar-unknown-record", "exports.jsonl#line 9"),
        (5, "sidecar-unknown-path", "missing.jsonl#line 1"),
        (6, "sidecar-unknown-record", "a.txt#line 1"),
    ]
    assert "as in exports.jsonl#line 1" in inv.sidecar.issues[0].reason

    result = audit(corpus)
    report = build_report(result, default_params(), corpus="c", started="s", finished="f")
    by_name = {(d["path"], d.get("record")): d for d in report["documents"]}
    line1, line2, plain = by_name[("exports.jsonl", "line 1")], by_name[("exports.jsonl", "line 2")], by_name[("a.txt", None)]
    assert line1["outlet"]["name"] is None and line1["published"]["date"] is None
    assert line2["outlet"]["name"] == "Record Outlet" and line2["published"]["date"] == "2016-10-02"
    assert line2["outlet"]["evidence"][0]["location"] == "metadata.csv:3"
    assert plain["outlet"]["name"] == "Plain Outlet"
    assert report["sidecar"]["rows"] == 2
    assert [i["code"] for i in report["sidecar"]["issues"]] == [
        "sidecar-multi-record", "sidecar-unknown-record", "sidecar-unknown-path", "sidecar-unknown-record"]
