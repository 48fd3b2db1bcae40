"""Evidence rules as data: loading and validating rule files.

A rule reads one kind of evidence (a sidecar column, a metadata field, a part of
the URL, or a pattern in the text) and concludes something about a document or
a block of it: its outlet or date, a credit to another outlet, a wire dateline,
a pointer to an original.  The shipped rules are ``data/rules.toml``; users add
or override rules (same id replaces) with ``--rules FILE``.  A rule set is
validated as a whole before any work starts, and every problem is reported with
its file, rule id and field.
"""

from __future__ import annotations

import re
import re._constants as _sre
import re._parser as _sre_parse
import tomllib
from dataclasses import dataclass, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError

SOURCES = ("sidecar", "meta", "url", "text")
ROLES = (
    "publisher",  # names this document's own outlet and/or date (copyright, own byline, metadata)
    "posted",  # this document's posting date (posting stamp)
    "dateline",  # a dateline: a wire agency's copy, and/or the date of a story or block
    "byline",  # an author line naming an outlet (Name / Outlet, By X, PA News)
    "credit",  # credits another outlet as a contributor or source
    "pointer",  # an explicit pointer to an original (canonical link, isBasedOn, "originally appeared in")
    "reposter",  # marks the page as a reposter of other outlets' material (fair-use notice)
    "revision",  # a wire revision marker (UPDATE 1-): a version of a story, not a new outlet
    "citation",  # "X reported", "told the BBC": cites a source of information, not of text
)
CONCLUSIONS = ("outlet", "date")
WHERE = ("anywhere", "head", "tail", "line")
DATE_ORDER = ("outlet", "day-first", "month-first")
CONFIDENCE = ("high", "medium", "low")
META_FIELDS = ("published", "modified", "site_name", "publisher", "author", "title", "url", "canonical_url",
               "is_based_on", "outlet", "id")
SIDECAR_FIELDS = ("outlet", "date", "url", "title")
URL_PARTS = ("domain", "path")
RELATIONS = ("contribution", "source", "republication", "copy", "quotation")

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,), "description": (str,), "source": (str,), "role": (str,), "pattern": (str,),
    "field": (str,), "part": (str,), "where": (str,), "span": (int,), "concludes": (list,),
    "outlet": (str,), "outlet_kinds": (list,), "registry_only": (bool,), "date_order": (str,),
    "confidence": (str,), "priority": (int,), "relation": (str,), "enabled": (bool,), "flags": (str,), "requires": (list,),
    "near": (int,),
}
_REQUIRED = ("id", "description", "source", "role")
_MAX_PATTERN = 2000


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    source: str
    role: str
    pattern: str | None = None
    field: str | None = None
    part: str | None = None
    where: str = "anywhere"
    span: int = 600
    concludes: tuple[str, ...] = ()
    outlet: str | None = None
    outlet_kinds: tuple[str, ...] = ()
    registry_only: bool = False
    date_order: str = "outlet"
    confidence: str = "medium"
    priority: int = 50
    relation: str | None = None
    enabled: bool = True
    flags: str = ""
    requires: tuple[str, ...] = ()  # the pattern is tried only on text holding one of these
    near: int = 0  # with requires: tried only within this many characters of one of them (0: anywhere)
    origin: str = ""  # the file the rule came from

    def may_match(self, text: str) -> bool:
        """False when the text holds none of the words every match contains: the
        pattern is then not run at all (a regular expression that can start at any
        capital letter costs far more than a substring search)."""
        if not self.requires:
            return True
        if "i" in self.flags:
            text = text.casefold()
            return any(word.casefold() in text for word in self.requires)
        return any(word in text for word in self.requires)

    def windows(self, text: str) -> list[tuple[int, int]]:
        """Where to try the pattern: the whole text, or with ``near``, the stretches
        reaching ``near`` characters either side of each required word, merged. A
        pattern with no literal start is tried at every character; a few hundred
        characters around the words every match contains cost a fraction of that."""
        if not (self.near and self.requires):
            return [(0, len(text))]
        out: list[tuple[int, int]] = []
        for m in self._required.finditer(text):
            start, end = max(0, m.start() - self.near), min(len(text), m.end() + self.near)
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        return out

    @cached_property
    def _required(self) -> re.Pattern[str]:
        flags = re.IGNORECASE if "i" in self.flags else 0
        return re.compile("|".join(re.escape(w) for w in sorted(self.requires, key=len, reverse=True)), flags)

    def compiled(self) -> re.Pattern[str] | None:
        return _compile(self.pattern, self.flags) if self.pattern else None


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    version: str
    files: tuple[str, ...]

    def enabled(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled)

    def by_id(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def digest(self) -> str:
        """SHA-256 of everything in the rule set that can change a result."""
        import hashlib

        h = hashlib.sha256()
        for r in self.rules:
            h.update(repr((r.id, r.source, r.role, r.pattern, r.field, r.part, r.where, r.span, r.concludes,
                           r.outlet, r.outlet_kinds, r.registry_only, r.date_order, r.confidence, r.priority,
                           r.relation, r.enabled, r.flags, r.requires)
                          + ((r.near,) if r.near else ())).encode("utf-8"))
        return h.hexdigest()


class RuleError(ConfigError):
    """One or more rule files are invalid; ``problems`` lists every one."""

    def __init__(self, problems: list[str]):
        super().__init__("invalid rules:\n  " + "\n  ".join(problems))
        self.problems = problems


_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
_FLAG_BITS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
_cache: dict[tuple[str, str], re.Pattern[str]] = {}


def _compile(pattern: str, flags: str) -> re.Pattern[str]:
    key = (pattern, flags)
    if key not in _cache:
        bits = 0
        for f in flags:
            bits |= _FLAG_BITS[f]
        _cache[key] = re.compile(pattern, bits)
    return _cache[key]


def _backtracking_trap(pattern: str, flags: int) -> str | None:
    """What makes a pattern able to take exponential time on hostile text, or None.

    An unbounded repeat (``+``, ``*``, ``{n,}``) over something that can itself match in
    more than one way, at any depth: another unbounded repeat, as in ``(a+)+``,
    ``((a{1,}))+`` or ``(?:a+b?)+``, or an alternation, as in ``(a|aa)+``. Bounded repeats
    such as ``(...){0,4}`` are fine. Read from the parsed pattern, not its text, so
    that nesting depth and spelling do not hide one."""
    return _trap(_sre_parse.parse(pattern, flags), inside=False)


def _trap(items, inside: bool) -> str | None:
    for op, av in items:
        if op in _REPEATS:
            _low, high, body = av
            unbounded = high == _sre.MAXREPEAT
            if unbounded and inside:
                return "a nested quantifier such as (a+)+"
            found = _trap(body, inside or unbounded)
        elif op == _sre.BRANCH:
            if inside and len(av[1]) > 1:
                return "an alternation under a quantifier such as (a|aa)+"
            found = next((f for alt in av[1] if (f := _trap(alt, inside))), None)
        elif op == _sre.SUBPATTERN:
            found = _trap(av[-1], inside)
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            found = _trap(av[1], inside)
        elif op == _sre.GROUPREF_EXISTS:
            found = next((f for alt in av[1:] if alt is not None and (f := _trap(alt, inside))), None)
        else:
            found = None
        if found:
            return found
    return None


def _check_rule(raw: dict[str, Any], where: str, problems: list[str]) -> Rule | None:
    rid = raw.get("id") if isinstance(raw.get("id"), str) else "?"
    at = f"{where}: rule {rid}"
    before = len(problems)
    for key in raw:
        if key not in _TYPES:
            problems.append(f"{at}: unknown field '{key}'")
    # an unknown field is reported with the rule's other problems; a missing or wrongly
    # typed field stops the checks of this rule's values
    shape = len(problems)
    for key in _REQUIRED:
        if key not in raw:
            problems.append(f"{at}: missing required field '{key}'")
    for key, value in raw.items():
        if key in _TYPES and not isinstance(value, _TYPES[key]) or (key in _TYPES and isinstance(value, bool)
                                                                     and bool not in _TYPES[key]):
            problems.append(f"{at}: field '{key}' must be {_TYPES[key][0].__name__}, got {type(value).__name__}")
    if len(problems) > shape:
        return None

    def choice(key: str, allowed: tuple[str, ...]) -> None:
        if key in raw and raw[key] not in allowed:
            problems.append(f"{at}: field '{key}' must be one of {', '.join(allowed)}, got {raw[key]!r}")

    if not _ID.match(raw["id"]):
        problems.append(f"{at}: field 'id' must be lower-case letters, digits, '.', '_' or '-' (2-64 chars)")
    choice("source", SOURCES)
    choice("role", ROLES)
    choice("where", WHERE)
    choice("date_order", DATE_ORDER)
    choice("confidence", CONFIDENCE)
    choice("relation", RELATIONS)
    for c in raw.get("concludes", []):
        if c not in CONCLUSIONS:
            problems.append(f"{at}: field 'concludes' entries must be one of {', '.join(CONCLUSIONS)}, got {c!r}")
    for k in raw.get("outlet_kinds", []):
        from .outlets import KINDS

        if k not in KINDS:
            problems.append(f"{at}: field 'outlet_kinds' entries must be outlet kinds ({', '.join(KINDS)}), got {k!r}")
    source = raw["source"]
    if source in ("meta", "sidecar") and "field" not in raw:
        problems.append(f"{at}: field 'field' is required for source '{source}'")
    if source == "meta":
        choice("field", META_FIELDS)
    if source == "sidecar":
        choice("field", SIDECAR_FIELDS)
    if source == "url":
        choice("part", URL_PARTS)
    if source == "text" and "pattern" not in raw:
        problems.append(f"{at}: field 'pattern' is required for source 'text'")
    requires = raw.get("requires", [])
    if any(not isinstance(w, str) or not w for w in requires):
        problems.append(f"{at}: field 'requires' must be a list of non-empty strings")
    elif requires and source != "text":
        problems.append(f"{at}: field 'requires' applies only to source 'text'")
    if "near" in raw and (raw["near"] < 1 or not requires):
        problems.append(f"{at}: field 'near' must be positive and needs 'requires' (the words it is near)")
    if "span" in raw and raw["span"] < 1:
        problems.append(f"{at}: field 'span' must be positive")
    flags = raw.get("flags", "")
    if any(f not in _FLAG_BITS for f in flags):
        problems.append(f"{at}: field 'flags' may hold only the letters i, m, s, x")
    elif "pattern" in raw:
        pattern = raw["pattern"]
        if len(pattern) > _MAX_PATTERN:
            problems.append(f"{at}: field 'pattern' is longer than {_MAX_PATTERN} characters")
        else:
            try:
                compiled = _compile(pattern, flags)
                trap = _backtracking_trap(pattern, compiled.flags)
            except (re.error, OverflowError, RecursionError, ValueError) as exc:
                problems.append(f"{at}: field 'pattern' is not a valid regular expression: {exc}")
            else:
                groups = compiled.groupindex
                if trap:
                    problems.append(f"{at}: field 'pattern' has {trap}, which can take exponential time on "
                                    f"hostile text; bound the repeat, as in {{0,5}}, or rewrite it")
                # a text rule reads what it concludes from its match: a named group (a URL
                # gives both), or a fixed outlet
                readers = {"outlet": ("outlet", "outlets", "url"), "date": ("date", "url")}
                for c in raw.get("concludes", []) if source == "text" else ():
                    if c in readers and not any(g in groups for g in readers[c]) \
                            and not (c == "outlet" and raw.get("outlet")):
                        problems.append(f"{at}: concludes {c!r} but its pattern has no group to read it from "
                                        f"({', '.join(f'(?P<{g}>...)' for g in readers[c])})"
                                        + (" and it names no fixed 'outlet'" if c == "outlet" else ""))
    if len(problems) > before:
        return None
    return Rule(
        id=raw["id"], description=raw["description"], source=source, role=raw["role"],
        pattern=raw.get("pattern"), field=raw.get("field"), part=raw.get("part"),
        where=raw.get("where", "anywhere"), span=raw.get("span", 600),
        concludes=tuple(raw.get("concludes", ())), outlet=raw.get("outlet"),
        outlet_kinds=tuple(raw.get("outlet_kinds", ())), registry_only=raw.get("registry_only", False),
        date_order=raw.get("date_order", "outlet"), confidence=raw.get("confidence", "medium"),
        priority=raw.get("priority", 50), relation=raw.get("relation"), enabled=raw.get("enabled", True),
        flags=flags, requires=tuple(requires), near=raw.get("near", 0), origin=where,
    )


def parse_rules(text: str, where: str, problems: list[str],
                switches: dict[str, bool] | None = None) -> tuple[list[Rule], str | None]:
    """The rules of one file. An entry holding only ``id`` and ``enabled`` switches an
    existing rule on or off: it goes to ``switches`` (id -> enabled) for the caller to
    apply to the rules already loaded."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{where}: not valid TOML: {exc}")
        return [], None
    extra = set(doc) - {"rule", "version"}
    for key in sorted(extra):
        problems.append(f"{where}: unknown top-level key '{key}' (expected 'version' and [[rule]] tables)")
    version = doc.get("version")
    if version is not None and not isinstance(version, str):
        problems.append(f"{where}: 'version' must be a string")
        version = None
    entries = doc.get("rule", [])
    if not isinstance(entries, list):
        problems.append(f"{where}: 'rule' must be an array of tables ([[rule]])")
        return [], version
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, raw in enumerate(entries):
        if not isinstance(raw, dict):
            problems.append(f"{where}: rule #{i + 1} must be a table")
            continue
        if set(raw) == {"id", "enabled"}:
            rid, on = raw["id"], raw["enabled"]
            if not isinstance(rid, str) or not isinstance(on, bool):
                problems.append(f"{where}: rule #{i + 1}: a switch needs a string 'id' and 'enabled' true or false")
            elif rid in seen:
                problems.append(f"{where}: rule {rid}: duplicate id in the same file")
            else:
                seen.add(rid)
                if switches is not None:
                    switches[rid] = on
            continue
        rule = _check_rule(raw, where, problems)
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(f"{where}: rule {rule.id}: duplicate id in the same file")
            continue
        seen.add(rule.id)
        rules.append(rule)
    return rules, version


def load_rules(extra: list[Path] | tuple[Path, ...] = ()) -> RuleSet:
    """The shipped rules plus user files (a user rule with a shipped id replaces it)."""
    problems: list[str] = []
    text = resources.files("provenance").joinpath("data/rules.toml").read_text(encoding="utf-8")
    base, version = parse_rules(text, "rules.toml", problems)
    merged: dict[str, Rule] = {r.id: r for r in base}
    files = ["rules.toml"]
    for path in extra:
        try:
            user_text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot read rule file: {getattr(exc, 'strerror', None) or exc}")
            continue
        switches: dict[str, bool] = {}
        user, _ = parse_rules(user_text, str(path), problems, switches)
        for r in user:
            merged[r.id] = r
        for rid, on in switches.items():
            if rid not in merged:
                problems.append(f"{path}: rule {rid}: no rule with this id to switch "
                                f"{'on' if on else 'off'} (`provenance rules list` shows the ids)")
            else:
                merged[rid] = replace(merged[rid], enabled=on)
        files.append(f"./{path}" if str(path) == "rules.toml" else str(path))  # never the shipped file's name
    if problems:
        raise RuleError(problems)
    ordered = sorted(merged.values(), key=lambda r: (SOURCES.index(r.source), -r.priority, r.id))
    return RuleSet(tuple(ordered), version or "unversioned", tuple(files))


def check_rule_file(path: Path) -> list[Rule]:
    """Validate one file on its own; raises RuleError listing every problem."""
    problems: list[str] = []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError([f"{path}: cannot read rule file: {getattr(exc, 'strerror', None) or exc}"]) from None
    switches: dict[str, bool] = {}
    rules, _ = parse_rules(text, str(path), problems, switches)
    shipped = {r.id for r in load_rules().rules} | {r.id for r in rules}
    for rid in switches:
        if rid not in shipped:
            problems.append(f"{path}: rule {rid}: no shipped rule with this id to switch on or off")
    if problems:
        raise RuleError(problems)
    return rules
