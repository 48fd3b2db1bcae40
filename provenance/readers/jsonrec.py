"""Read article records from JSON and JSON Lines files.

Scraped corpora often arrive as one record per line; one broken line must
cost only that record, so failures are reported per record while the good
records are kept; a file none of whose records is an article is rejected as a
whole as well. Field names vary between scrapers, hence the aliases. A lone
surrogate escape (``"\\ud83d"``, valid JSON but not encodable as UTF-8) becomes
U+FFFD; a surrogate pair is joined into its character.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from ..dates import parse_date_value
from ..model import MetaField
from ..outlets import address_kind
from . import Parsed, ReadFailure
from .text import decode_bytes, replace_lone_surrogates

__all__ = ["read_json", "record_from_object", "loads_clean"]

# besides the plain names: news-please's ``maintext``, schema.org's ``articleBody``;
# trafilatura's JSON has ``text``, ``date``, ``source`` (the address) and
# ``source-hostname`` (the site's name), news-please's ``date_publish`` and ``source_domain``
_TEXT_KEYS = ("text", "body", "content", "article", "full_text", "maintext", "articleBody")
_CONTAINER_KEYS = ("articles", "items", "documents")
# normalised MetaField key -> accepted JSON keys, in order of preference
_FIELDS = (
    ("outlet", ("outlet", "source", "publisher", "media_name", "site_name", "sitename", "source-hostname",
                "source_domain")),
    ("published", ("date", "published", "publish_date", "date_published", "datePublished", "pubdate",
                   "date_publish")),
    ("url", ("url", "link", "canonical_url", "source")),
    ("title", ("title", "headline")),
    ("id", ("id",)),
)


# a \\uD800-\\uDFFF escape: the only way a decoded JSON text can hold a surrogate
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def loads_clean(text: str, **kwargs):
    """``json.loads``, with surrogate pairs joined and lone surrogates (``"\\ud83d"``,
    valid JSON but not encodable as UTF-8) replaced by U+FFFD in every key and string."""
    value = json.loads(text, parse_int=_int, **kwargs)
    if _SURROGATE_ESCAPE.search(text) is None:
        return value
    return _clean(value)


def _int(digits: str):
    """A JSON integer; one too long for Python to convert (over 4300 digits by
    default) is kept as its digits, so one odd number does not cost the record."""
    try:
        return int(digits)
    except ValueError:
        return digits


def _clean(value):
    if isinstance(value, str):
        return replace_lone_surrogates(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def read_json(data: bytes, *, lines: bool) -> tuple[list[Parsed], list[ReadFailure]]:
    """Records of a .json (lines=False) or .jsonl/.ndjson (lines=True) file."""
    text, encoding = decode_bytes(data)
    return _read_lines(text, encoding) if lines else _read_document(text, encoding)


def _read_lines(text: str, encoding: str) -> tuple[list[Parsed], list[ReadFailure]]:
    records: list[Parsed] = []
    failures: list[ReadFailure] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        locator = f"line {number}"
        try:
            obj = loads_clean(line)
        except ValueError as e:
            failures.append(ReadFailure("invalid-json", f"not valid JSON: {_message(e, column_only=True)}", locator))
            continue
        except RecursionError:
            failures.append(ReadFailure("invalid-json", "JSON nested too deeply", locator))
            continue
        try:
            records.append(record_from_object(obj, encoding, locator, line.encode("utf-8")))
        except ReadFailure as f:
            failures.append(f)
    if not records and not failures:
        raise ReadFailure("empty", "file holds no JSON records")
    return records, failures


def _read_document(text: str, encoding: str) -> tuple[list[Parsed], list[ReadFailure]]:
    """An object with a text field is one document, even beside an ``articles`` list (an
    index page with its teasers); only an object without one is a container of records."""
    try:
        data = loads_clean(text)
    except ValueError as e:
        raise ReadFailure("invalid-json", f"not valid JSON: {_message(e)}")
    except RecursionError:
        raise ReadFailure("invalid-json", "JSON nested too deeply")
    if isinstance(data, dict) and not _has_text_key(data):
        for key in _CONTAINER_KEYS:
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if isinstance(data, dict):
        return [record_from_object(data, encoding, None, None)], []
    if not isinstance(data, list):
        raise ReadFailure("invalid-json", f"top level is {_kind(data)}, expected an object or an array of objects")
    if not data:
        raise ReadFailure("empty", "JSON array holds no records")
    records: list[Parsed] = []
    failures: list[ReadFailure] = []
    for i, obj in enumerate(data):
        raw = json.dumps(obj, ensure_ascii=False, sort_keys=True).encode("utf-8")
        try:
            records.append(record_from_object(obj, encoding, f"item {i}", raw))
        except ReadFailure as f:
            failures.append(f)
    return records, failures


def _has_text_key(obj: dict) -> bool:
    """Whether the object is an article itself: it holds non-empty text under a text
    key (an index page's empty ``"text"`` beside its ``"articles"`` list is not one)."""
    keys = {k.lower(): k for k in obj if isinstance(k, str)}
    return any(_as_text(obj[keys[alias.lower()]]) for alias in _TEXT_KEYS if alias.lower() in keys)


def _message(e: ValueError, *, column_only: bool = False) -> str:
    if isinstance(e, json.JSONDecodeError):
        if column_only:
            return f"{e.msg} (column {e.colno})"
        return f"{e.msg} (line {e.lineno}, column {e.colno})"
    return str(e)


def _kind(value) -> str:
    return {str: "a string", bool: "a boolean", int: "a number", float: "a number",
            type(None): "null", list: "an array", dict: "an object"}.get(type(value), "a value")


def record_from_object(obj, encoding: str | None, locator: str | None, raw: bytes | None) -> Parsed:
    """One article from one JSON object; raises ReadFailure for a non-object or no text."""
    if not isinstance(obj, dict):
        raise ReadFailure("invalid-json", f"record is {_kind(obj)}, not an object", locator)
    keys = {k.lower(): k for k in reversed(list(obj)) if isinstance(k, str)}
    text = None
    unusable: list[str] = []  # text fields present, but empty or not text
    for alias in _TEXT_KEYS:
        key = keys.get(alias.lower())
        if key is not None:
            text = _as_text(obj[key])
            if text:
                break
            unusable.append(key)
    if not text:
        raise ReadFailure("no-text", _no_text_reason(obj, unusable), locator)
    metadata: list[MetaField] = []
    for field, aliases in _FIELDS:
        found = _field(obj, keys, field, aliases)
        if found is not None:
            metadata.append(found)
    values = {m.key: m.value for m in metadata}
    return Parsed(
        text=text,
        encoding=encoding,
        title=values.get("title"),
        url=values.get("url"),
        metadata=tuple(metadata),
        record=locator,
        raw=raw,
    )


def _no_text_reason(obj: dict, unusable: list[str]) -> str:
    """Why a record has no text: no text field at all, or what its text fields hold instead."""
    names = "/".join(_TEXT_KEYS)
    if not unusable:
        return f"record has no text field ({names})"
    held = []
    for key in unusable:
        value = obj[key]
        if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            what = "empty"
        else:
            what = f"{_kind(value)}, not text"
        held.append(f"{key!r} is {what}")
    return f"record has no usable text field: {'; '.join(held)}"


def _as_text(value) -> str | None:
    """A text field: a string, or a list of paragraph strings."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        value = "\n\n".join(v.strip() for v in value if v.strip())
    if not isinstance(value, str):
        return None
    text = value.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return text if text.strip() else None


def _field(obj: dict, keys: dict[str, str], field: str, aliases: tuple[str, ...]) -> MetaField | None:
    """The first alias with a usable value; for a date, the first that parses as one
    (``"date": "n/a"`` must not hide a valid ``"published"``), else the first given; for
    an outlet, the first that is a name, else the first address (trafilatura's
    ``source`` is the page's address, its ``source-hostname`` the site's name); for an
    address, only a web address (``source`` may hold a name)."""
    fallback = None
    for alias in aliases:
        key = keys.get(alias.lower())
        if key is None:
            continue
        value = obj[key]
        source = f"json:{key}"
        if field == "outlet" and isinstance(value, dict):
            value, source = value.get("name"), f"json:{key}.name"
        if field == "published" and isinstance(value, dict):
            value, source = _extended_date(value), f"json:{key}.$date"
        if field == "id" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            if field == "url" and alias == "source" and address_kind(value) != "web":
                continue
            found = MetaField(field, " ".join(value.split()), source)
            if field == "published" and parse_date_value(found.value) is None:
                fallback = fallback or found
            elif field == "outlet" and address_kind(value) is not None:
                fallback = fallback or found
            else:
                return found
    return fallback


def _extended_date(value: dict) -> str | None:
    """The date of a MongoDB Extended JSON export, ``{"$date": "2021-03-05T00:00:00Z"}``
    or ``{"$date": {"$numberLong": "1614902400000"}}`` (milliseconds since 1970, UTC)."""
    date = value.get("$date")
    if isinstance(date, dict):
        date = date.get("$numberLong")
    if isinstance(date, str) and re.fullmatch(r"-?\d{1,15}", date.strip()):
        date = int(date)
    if isinstance(date, int) and not isinstance(date, bool):
        try:
            moment = datetime.fromtimestamp(date / 1000, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
        return moment.isoformat(timespec="milliseconds" if date % 1000 else "seconds").replace("+00:00", "Z")
    return date if isinstance(date, str) else None
