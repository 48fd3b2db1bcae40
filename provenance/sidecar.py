"""Load the corpus's metadata sidecar (metadata.csv / metadata.jsonl).

The sidecar is the collector's own record of outlet and date per file, and
usually the strongest evidence there is; so each row is checked against the
corpus (the path must name a file under the root) and every row that is
dropped or trimmed is reported as an issue rather than silently ignored.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .dates import parse_date_value
from .errors import SidecarError
from .model import Document, Sidecar, SidecarIssue, SidecarRow

__all__ = ["SIDECAR_NAMES", "described", "find_sidecar", "load_sidecar", "normalise_row_path", "relative_inside",
           "row_for",
           "settle_sidecar", "sidecar_label"]

SIDECAR_NAMES = ("metadata.csv", "metadata.jsonl")

_ALIASES = {
    "path": ("path", "file", "filename", "filepath"),
    "outlet": ("outlet", "source", "publisher", "media_name", "site_name"),
    "date": ("date", "publish_date", "published", "date_published", "pubdate"),
    "url": ("url", "link", "canonical_url"),
    "title": ("title", "headline"),
}
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")


def find_sidecar(root: Path, explicit: Path | None) -> Path | None:
    """The sidecar to use: the explicit one, else metadata.csv / metadata.jsonl at the root."""
    if explicit is not None:
        return Path(explicit)
    for name in SIDECAR_NAMES:
        candidate = Path(root) / name
        if candidate.is_file():
            return candidate
    return None


def relative_inside(root: Path, path: Path) -> str | None:
    """``path`` relative to ``root`` as POSIX, or None when it is not under the root."""
    root, path = Path(root), Path(path)
    for r, p in ((root.absolute(), path.absolute()), (root.resolve(), path.resolve())):
        try:
            rel = posixpath.normpath(p.relative_to(r).as_posix())
        except ValueError:
            continue
        if rel not in (".", "..") and not rel.startswith("../"):
            return rel
    return None


def sidecar_label(root: Path, path: Path) -> str:
    """Relative POSIX path when the sidecar is inside the root, else the path as given."""
    rel = relative_inside(root, path)
    return rel if rel is not None else str(path)


def load_sidecar(root: Path, path: Path, existing: set[str]) -> Sidecar:
    """Validated rows and issues; raises SidecarError when the file cannot be read at all."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SidecarError(f"{path}: no such metadata file")
    except IsADirectoryError:
        raise SidecarError(f"{path}: is a folder, not a metadata file")
    except OSError as e:
        raise SidecarError(f"{path}: cannot read metadata file: {e.strerror or e}")
    if path.suffix.lower() in _JSONL_SUFFIXES:
        raw_rows, issues = _jsonl_rows(data)
    else:
        raw_rows, issues = _csv_rows(data)
    rows = _validate(raw_rows, issues, existing)
    issues.sort(key=lambda i: i.line)
    return Sidecar(path=sidecar_label(root, path), rows=tuple(rows), issues=tuple(issues))


# --------------------------------------------------------------------------
# Formats: each yields (line, {field: value}) plus format-level issues
# --------------------------------------------------------------------------


_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _decode(data: bytes) -> str:
    """Text of the sidecar: by its byte-order mark when it has one (spreadsheet
    "Unicode Text" exports are UTF-16), else UTF-8, else Windows-1252, else Latin-1."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _column_map(headers: list[str]) -> dict[str, int]:
    """field -> column index, by alias preference, case-insensitive."""
    index = {}
    for i, h in enumerate(headers):
        index.setdefault(h.strip().lower(), i)
    columns = {}
    for field, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in index:
                columns[field] = index[alias]
                break
    return columns


def _bad_columns(headers: list[str]) -> SidecarIssue:
    shown = ", ".join(h.strip() for h in headers if h.strip()) or "none"
    wanted = "/".join(_ALIASES["path"])
    return SidecarIssue(1, "sidecar-bad-columns", f"no path column ({wanted}); columns found: {shown}")


def _delimiter(text: str) -> str:
    """Comma, unless only another common delimiter makes the header name a path column."""
    # the first line as the CSV reader will see it: ended by \r\n, \n or a lone \r
    first = next(iter(io.StringIO(text, newline="")), "").rstrip("\r\n")
    for delimiter in (",", ";", "\t", "|"):
        try:
            headers = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:  # e.g. a header over the field size limit: the reader reports it
            continue
        if "path" in _column_map(headers):
            return delimiter
    return ","


class _Lines:
    """The lines of a CSV text, noting when the reader has asked past the last one: a row
    it gives after that ended inside a quoted field that is never closed."""

    def __init__(self, text: str):
        self._lines = iter(io.StringIO(text, newline=""))
        self.exhausted = False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        try:
            return next(self._lines)
        except StopIteration:
            self.exhausted = True
            raise


def _csv_rows(data: bytes) -> tuple[list[tuple[int, dict]], list[SidecarIssue]]:
    text = _decode(data)
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=_delimiter(text))
    rows: list[tuple[int, dict]] = []
    try:
        headers = next(reader, None)
        columns = _column_map(headers or [])
        if "path" not in columns:
            return [], [_bad_columns(headers or [])]
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if lines.exhausted:
                # a quote opened on this row is never closed: the lenient reader would make
                # the rest of the file one cell of it, and every row after it would be lost
                return rows, [SidecarIssue(start, "sidecar-bad-row",
                                           f"CSV cannot be parsed from line {start} on (a quoted field opened "
                                           f"there is never closed); the rows before it are kept")]
            if any(c.strip() for c in cells):
                rows.append((start, {f: cells[i] for f, i in columns.items() if i < len(cells)}))
    except csv.Error as e:  # rows before the damage are kept
        return rows, [SidecarIssue(max(reader.line_num, 1), "sidecar-bad-row",
                                   f"CSV cannot be parsed from line {max(reader.line_num, 1)} on ({e}); "
                                   f"the rows before it are kept")]
    if not rows:
        return [], [SidecarIssue(1, "sidecar-bad-columns", "metadata file holds no rows, only its header")]
    if not any(r.get("path", "").strip() for _, r in rows):
        return [], [SidecarIssue(rows[0][0], "sidecar-bad-columns", "no row has a path (the path column is empty)")]
    return rows, []


def _jsonl_rows(data: bytes) -> tuple[list[tuple[int, dict]], list[SidecarIssue]]:
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    rows: list[tuple[int, dict]] = []
    issues: list[SidecarIssue] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as e:
            issues.append(SidecarIssue(number, "sidecar-bad-row", f"line is not valid JSON: {getattr(e, 'msg', e)}"))
            continue
        if not isinstance(obj, dict):
            issues.append(SidecarIssue(number, "sidecar-bad-row", "line is not a JSON object"))
            continue
        columns = _column_map([k if isinstance(k, str) else "" for k in obj])
        values = list(obj.values())
        rows.append((number, {f: _cell(values[i]) for f, i in columns.items()}))
    if not rows and not issues:
        return [], [SidecarIssue(1, "sidecar-bad-columns", "metadata file holds no rows")]
    if rows and not any("path" in r for _, r in rows):
        return [], issues + [SidecarIssue(rows[0][0], "sidecar-bad-columns", "no row has a path field (path/file/filename/filepath)")]
    return rows, issues


def _cell(value) -> str | None:
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return _no_lone_surrogates(value) if isinstance(value, str) else None


def _no_lone_surrogates(text: str) -> str:
    """JSON may escape half a UTF-16 pair (``"\\ud83d"``): such a string cannot be
    written as UTF-8.  Pairs left apart are joined; a lone half becomes U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def normalise_row_path(raw: str) -> tuple[str | None, str | None, str | None]:
    """(relative POSIX path, None, None), or (None, issue code, reason) for a path that is unusable."""
    p = raw.strip().replace("\\", "/")
    if p.startswith("/") or re.match(r"^[A-Za-z]:", p):
        return None, "sidecar-path-outside", "absolute paths are not accepted; give the path relative to the corpus folder"
    p = posixpath.normpath(p)
    if p == ".." or p.startswith("../"):
        return None, "sidecar-path-outside", "path leads outside the corpus folder"
    if p in ("", "."):
        return None, "sidecar-bad-row", "path names the corpus folder itself, not a file"
    return p, None, None


def _validate(raw_rows: list[tuple[int, dict]], issues: list[SidecarIssue], existing: set[str]) -> list[SidecarRow]:
    by_nfc = {unicodedata.normalize("NFC", p): p for p in existing}
    seen: dict[str, int] = {}
    rows: list[SidecarRow] = []
    for line, cells in raw_rows:
        values = {k: (v.strip() if isinstance(v, str) and v.strip() else None) for k, v in cells.items()}
        raw_path = values.get("path")
        if raw_path is None:
            issues.append(SidecarIssue(line, "sidecar-bad-row", "row has no path"))
            continue
        path = _named_as_reported(raw_path, existing, by_nfc)
        code = reason = None
        if path is None:
            path, code, reason = normalise_row_path(raw_path)
        if path is None:
            issues.append(SidecarIssue(line, code, reason, raw_path))
            continue
        if path not in existing:
            match = by_nfc.get(unicodedata.normalize("NFC", path)) or _record_of(path, by_nfc)
            if match is None:
                issues.append(SidecarIssue(line, "sidecar-unknown-path", f"no file {path} in the corpus", path))
                continue
            path = match
        if path in seen:
            issues.append(SidecarIssue(
                line, "sidecar-duplicate-path", f"{path} already described on line {seen[path]}; this row is ignored", path))
            continue
        seen[path] = line
        date = values.get("date")
        if date is not None and not any(parse_date_value(date, dayfirst=order) for order in (None, True, False)):
            # a numeric date valid in one day/month order is kept: the row's outlet may say which
            issues.append(SidecarIssue(
                line, "sidecar-bad-date", f"date {date!r} is not a recognised date; the row is kept without it", path))
            date = None
        rows.append(SidecarRow(
            path=path, outlet=values.get("outlet"), date=date,
            url=values.get("url"), title=values.get("title"), line=line,
        ))
    return rows


def _named_as_reported(raw: str, existing: set[str], by_nfc: dict[str, str]) -> str | None:
    """A row path written exactly as the report shows a file whose name needs escapes
    (``caf\\xe9.txt`` for a byte that is not UTF-8, ``a\\\\b.txt`` for a backslash);
    None otherwise, and the path is read as usual (a backslash as a Windows separator)."""
    if "\\" not in raw:
        return None
    if raw in existing:
        return raw
    return _record_of(raw, by_nfc)


def _record_of(path: str, by_nfc: dict[str, str]) -> str | None:
    """``file#record`` for a row naming one record of a file in the corpus, else None."""
    file, sep, record = path.rpartition("#")
    match = by_nfc.get(unicodedata.normalize("NFC", file)) if sep and record.strip() else None
    return f"{match}#{record.strip()}" if match is not None else None


def row_for(rows: dict[str, SidecarRow], doc: Document) -> SidecarRow | None:
    """The sidecar row describing ``doc``: the row naming its file, or for a record of a
    multi-record file the row naming ``file#record``; a row naming a multi-record file
    as a whole describes none of its records (``settle_sidecar`` reports it)."""
    return rows.get(doc.label)


def described(doc: Document, row: SidecarRow | None) -> Document:
    """The document with the sidecar's ``url`` and ``title`` where it has none of its own.

    The sidecar is the collection's own catalogue: a plain-text file has no address but
    its row may give one, and then it is the document's address for the report, for
    pointers from other pages (``addresses``) and for its site.  A document's own
    address or title, read from the file, is kept; the sidecar's outlet and date are
    evidence rules' business (``cues``)."""
    if row is None or (doc.url or not row.url) and (doc.title or not row.title):
        return doc
    return replace(doc, url=doc.url or row.url, title=doc.title or row.title)


def settle_sidecar(sidecar: Sidecar, documents: Iterable[Document]) -> Sidecar:
    """The sidecar with an issue for each row that, once the files are read, describes
    no document: a whole multi-record file, or a record that was not read as a document."""
    whole: set[str] = set()
    records: dict[str, int] = {}
    first: dict[str, str] = {}
    names: set[str] = set()
    for d in documents:
        if d.record is None:
            whole.add(d.path)
        else:
            records[d.path] = records.get(d.path, 0) + 1
            first.setdefault(d.path, d.label)
            names.add(d.label)
    issues = list(sidecar.issues)
    kept: list[SidecarRow] = []
    for row in sidecar.rows:
        file, sep, record = row.path.rpartition("#")
        if row.path in records:
            n = records[row.path]
            issues.append(SidecarIssue(
                row.line, "sidecar-multi-record",
                f"{row.path} holds {n} record{'s' if n != 1 else ''}; a row describes one document, so this row "
                f"is applied to none of them: name each record, as in {first[row.path]}", row.path))
        elif row.path not in whole and row.path not in names and sep and file in records.keys() | whole:
            issues.append(SidecarIssue(
                row.line, "sidecar-unknown-record", f"{file} has no record {record!r} read as a document; "
                "this row is ignored", row.path))
        else:
            kept.append(row)
    if len(kept) == len(sidecar.rows):
        return sidecar
    issues.sort(key=lambda i: i.line)
    return replace(sidecar, rows=tuple(kept), issues=tuple(issues))
