"""Apply evidence rules to one document: every observation becomes a ``Cue``.

A cue records which rule fired, on which text, where (character offsets for
text cues), and what it concluded (outlets, a date at its stated precision,
a role).  Dates in text are isolated by the rule's strict pattern first and
only then parsed; a yearless date (``Oct 28``) is resolved only against a
known anchor date of the same document, otherwise it is left unresolved; a
numeric date whose day/month order the outlet does not settle is flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as _date
from urllib.parse import urlsplit

from .dates import compare_dates, parse_date_value
from .model import DateValue, Document, Evidence, SidecarRow
from .outlets import Match, Registry, address_kind, domain_of
from .rules import Rule, RuleSet

_MAX_MATCHES = 50  # per rule and document: a pathological page cannot flood the report
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_YEARLESS = re.compile(r"^(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})$|^(?P<day2>\d{1,2})\s+(?P<mon2>[A-Za-z]{3,9})\.?$"
                       r"|^(?P<mon3>\d{1,2})\s*月\s*(?P<day3>\d{1,2})\s*日$")  # 12月13日
_NUMERIC = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")
_SPLIT = re.compile(r"\s*(?:,|\band\b|&|、|，)\s*")  # 、 and ， list names in Chinese and Japanese
# Spaces other than U+0020 (no-break, thin, narrow, ideographic...): a web page's "&nbsp;"
# between "(Reuters)" and "-" is a space to a reader, and the rules' ``[ \t]`` means any.
_ODD_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_ODD_SPACE = re.compile(f"[{_ODD_SPACES}]")
_PLAIN_SPACES = str.maketrans(_ODD_SPACES, " " * len(_ODD_SPACES))


def plain_spaces(text: str) -> str:
    """``text`` with every space character made U+0020, one for one: offsets are unchanged."""
    return text.translate(_PLAIN_SPACES) if _ODD_SPACE.search(text) else text


@dataclass(frozen=True)
class Cue:
    rule: str
    role: str
    source: str  # sidecar | meta | url | text
    location: str  # "chars 10-42", a metadata selector, "metadata.csv:3", "url"
    text: str  # the raw text the rule matched
    outlets: tuple[str, ...] = ()  # canonical outlet names
    date: DateValue | None = None
    date_note: str | None = None  # how a date was resolved, or why it was not
    url: str | None = None
    start: int | None = None  # character offsets of text cues
    end: int | None = None
    concludes: tuple[str, ...] = ()
    relation: str | None = None
    confidence: str = "medium"
    priority: int = 50
    registry: tuple[Match, ...] = ()  # the registry entries that named outlets of ``outlets``, in their order
    before: str = ""  # up to 4 characters of text just before a text cue, and just after it
    after: str = ""

    def evidence(self, about: str | None = None) -> Evidence:
        """This cue as evidence for its outlet (``about="outlet"``), its date, or its role.
        Evidence that gives the outlets carries the registry entries that named them."""
        registry: tuple[Match, ...] = ()
        if about == "date" and self.date is not None:
            value, precision = self.date.iso, self.date.precision
        elif self.outlets:
            value, precision, registry = ", ".join(self.outlets), None, self.registry
        elif self.date is not None:
            value, precision = self.date.iso, self.date.precision
        else:
            value, precision = self.role, None
        return Evidence(rule=self.rule, source=self.source, location=self.location, text=self.text,
                        value=value, precision=precision, confidence=self.confidence, registry=registry)


def _meta_source(where: str) -> str:
    """The kind of metadata a field came from, by the reader's location prefix."""
    for prefix, kind in (("jsonld", "json-ld"), ("html", "html-meta"), ("nitf", "xml"), ("newsml", "xml"),
                         ("rss", "xml"), ("rdf", "xml"), ("atom", "xml"), ("warc", "warc"), ("json", "json")):
        if where.startswith(prefix):
            return kind
    return "metadata"


def captured_date(doc: Document) -> DateValue | None:
    """A web archive's capture time (WARC-Date): never a publication date."""
    for f in doc.metadata:
        if f.key == "captured":
            value = parse_date_value(f.value)
            if value is not None:
                return value
    return None


def _canonical(names: list[str], rule: Rule, registry: Registry) -> tuple[list[str], list[Match]]:
    """The outlets the names stand for (canonical names of registered ones, others as found),
    and the registry entries that named the registered ones."""
    out: list[str] = []
    matches: list[Match] = []
    for raw in names:
        raw = _bare(raw)
        if not raw:
            continue
        match = registry.match_name(raw)
        if match is None:
            if rule.registry_only or rule.outlet_kinds:
                continue
            name = raw
        else:
            if rule.outlet_kinds and registry.by_name(raw).kind not in rule.outlet_kinds:
                continue
            name = match.outlet
        if name not in out:
            out.append(name)
            if match is not None:
                matches.append(match)
    return out, matches


def _bare(name: str) -> str:
    """A name without the punctuation and quotation marks around it (《人民日报》 is 人民日报)."""
    return name.strip(" \t.,;:'’\"《》「」『』“”")


def _small_letter_names(registry: Registry) -> frozenset[str]:
    """The registry's names and aliases that begin with a small letter, spaces made single."""
    return frozenset(" ".join(a.split()) for o in registry.outlets for a in (o.name, *o.aliases) if a[:1].islower())


def _may_name(name: str, written: frozenset[str]) -> bool:
    """Whether a name read out of a text may name an outlet: one that begins with a small
    letter does so only as a registry entry writes it (``written``: "dpa"), its spaces aside.
    The registry compares names without case, and a word of running text (an "express"
    delivery, the "times") is no name. A lowercase article "the" is no part of a name, as
    for the registry ("the AP")."""
    name = " ".join(_bare(name).split())
    if name.startswith("the ") and name[4:5].isupper():
        return True
    return not name[:1].islower() or name in written


def _day_first(rule: Rule, outlets: list[str], registry: Registry) -> bool | None:
    if rule.date_order == "day-first":
        return True
    if rule.date_order == "month-first":
        return False
    for name in outlets:
        known = registry.by_name(name)
        if known is not None and known.day_first is not None:
            return known.day_first
    return None


def resolve_date(raw: str, *, day_first: bool | None, anchor: DateValue | None) -> tuple[DateValue | None, str | None]:
    """Parse an isolated date string; yearless dates need an anchor."""
    raw = raw.strip()
    m = _YEARLESS.match(raw)
    if m:
        if m.group("mon3"):
            month = int(m.group("mon3")) if 1 <= int(m.group("mon3")) <= 12 else None
        else:
            month = _MONTHS.get((m.group("mon") or m.group("mon2"))[:3].lower())
        day = int(m.group("day") or m.group("day2") or m.group("day3"))
        if month is None:
            return None, f"{raw!r} is not a date"
        if anchor is None or anchor.precision in ("year", "month"):
            return None, f"yearless date {raw!r} left unresolved: no anchor date for this document"
        year = int(anchor.iso[:4])
        for y in (year, year - 1):
            try:
                candidate = _date(y, month, day)
            except ValueError:
                continue
            value = parse_date_value(candidate.isoformat())
            if value is not None and compare_dates(value, anchor) in (-1, 0, None):
                return value, f"yearless date {raw!r} resolved against the anchor {anchor.iso}"
        return None, f"yearless date {raw!r} cannot precede the anchor {anchor.iso}"
    if _NUMERIC.match(raw):
        value = parse_date_value(raw, dayfirst=day_first)
        if value is None and day_first is None:
            return None, f"numeric date {raw!r} is ambiguous (day/month order unknown for this outlet)"
        return value, None if value else f"{raw!r} is not a valid date"
    value = parse_date_value(raw)
    if value is None:
        return None, f"{raw!r} could not be parsed strictly"
    return value, None


def _url_conclusions(url: str, registry: Registry) -> tuple[list[Match], DateValue | None, str | None]:
    """The registry entry of the URL's domain (as a list: none or one), and a date in its path."""
    known = registry.match_url(url)
    outlets = [known] if known else []
    date = note = None
    try:
        path = urlsplit(url).path
    except ValueError:
        path = ""
    m = re.search(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2]|[a-z]{3})[/-](0?[1-9]|[12]\d|3[01])(?=[/-]|$)", path, re.I)
    if m:
        month = m.group(2)
        month_num = int(month) if month.isdigit() else _MONTHS.get(month.lower())
        if month_num:
            date = parse_date_value(f"{m.group(1)}-{month_num:02d}-{int(m.group(3)):02d}")
            note = None if date else f"{m.group(0)!r} is not a valid date"
    return outlets, date, note


class CueReader:
    """Runs a rule set over documents."""

    def __init__(self, rules: RuleSet, registry: Registry) -> None:
        self.rules = rules.enabled()
        self.registry = registry
        self._patterns = {r.id: r.compiled() for r in self.rules}
        self._small = _small_letter_names(registry)

    # -- the structured sources --------------------------------------------

    def _sidecar(self, rule: Rule, row: SidecarRow | None, sidecar_path: str | None) -> list[Cue]:
        if row is None:
            return []
        value = getattr(row, rule.field or "", None)
        if not value:
            return []
        where = f"{sidecar_path}:{row.line}"
        return self._structured(rule, value, "sidecar", where)

    def _structured(self, rule: Rule, value: str, source: str, where: str,
                    day_first: bool | None = None) -> list[Cue]:
        pattern = self._patterns[rule.id]
        plain = plain_spaces(value)  # read as the text rules read; quoted as given
        m = pattern.search(plain) if pattern is not None else None
        if pattern is not None and m is None:
            return []
        groups = {k: v.strip() for k, v in m.groupdict().items() if v and v.strip()} if m else {}
        outlets: list[str] = []
        matches: list[Match] = []
        date = note = url = None
        if "outlet" in rule.concludes:
            # a named group reads the outlet out of the field ("Jane Doe / Valley Courier")
            name = groups.get("outlet", plain)
            address = self._address_outlet(name) if rule.role != "pointer" else None
            outlets, matches = address if address is not None else _canonical([name], rule, self.registry)
            if not outlets:
                return []
        if "date" in rule.concludes:
            # an unreadable date stays a cue, without a date, so that attribution reports it
            order = _day_first(rule, [], self.registry)
            date, note = resolve_date(groups.get("date", plain), day_first=day_first if order is None else order,
                                      anchor=None)
        if rule.role == "pointer":
            url = value if value.startswith(("http://", "https://")) else None
            known = self.registry.match_url(value) if url else self.registry.match_name(value)
            outlets, matches = ([known.outlet], [known]) if known else ([], [])
        return [Cue(rule.id, rule.role, source, where, value, tuple(outlets), date, note, url,
                    concludes=rule.concludes, relation=rule.relation, confidence=rule.confidence,
                    priority=rule.priority, registry=tuple(matches))]

    def _address_outlet(self, value: str) -> tuple[list[str], list[Match]] | None:
        """The outlet an address in an outlet field stands for, or None when the value is a
        name.  A registered site's address names it; an unregistered bare domain names its
        site by the domain; an unregistered page's address (a social-media page, an article)
        names no outlet: its site need not be the publisher."""
        value = value.strip()
        kind = address_kind(value)
        if kind is None:
            return None
        web = kind == "web"
        known = self.registry.match_url(value if web else "http://" + value)
        if known is not None:
            return [known.outlet], [known]
        host = domain_of(value if web else "http://" + value)
        try:
            path = urlsplit(value).path if web else ""
        except ValueError:
            return [], []
        return ([host], []) if host and path.strip("/") == "" else ([], [])

    def _meta(self, rule: Rule, doc: Document) -> list[Cue]:
        out: list[Cue] = []
        for f in doc.metadata:
            if f.key == rule.field and f.value.strip():
                source = _meta_source(f.source)
                out += self._structured(rule, f.value.strip(), source, f.source)
        return out

    def _url(self, rule: Rule, url: str | None, where: str) -> list[Cue]:
        if not url:
            return []
        if rule.part == "domain":
            known = self.registry.match_url(url)
            if known is None:
                return []
            return [Cue(rule.id, rule.role, "url", where, domain_of(url) or url, (known.outlet,), url=url,
                        concludes=rule.concludes, relation=rule.relation, confidence=rule.confidence,
                        priority=rule.priority, registry=(known,))]
        pattern = self._patterns[rule.id]
        try:
            path = urlsplit(url).path
        except ValueError:
            return []
        m = pattern.search(path) if pattern else None
        if not m or not m.groupdict().get("date"):
            return []
        raw = m.group("date")
        _o, date, note = _url_conclusions("http://x" + m.group(0), self.registry)
        if date is None:  # a rule's own date form (/20210304/): the group read as a date
            date, note = resolve_date(raw, day_first=None, anchor=None)
        if date is None:
            return []
        return [Cue(rule.id, rule.role, "url", where, raw, (), date, note, url, concludes=rule.concludes,
                    relation=rule.relation, confidence=rule.confidence, priority=rule.priority)]

    # -- the text ------------------------------------------------------------

    def _text(self, rule: Rule, text: str, anchor: DateValue | None, raw: str | None = None) -> list[Cue]:
        """The rule's cues in ``text`` (the document's text with ``plain_spaces``); each
        quotes ``raw``, the text as read, at the same offsets."""
        raw = text if raw is None else raw
        pattern = self._patterns[rule.id]
        assert pattern is not None
        offset = 0
        window = text
        if rule.where == "head":
            window = text[: rule.span]
        elif rule.where == "tail":
            offset = max(0, len(text) - rule.span)
            window = text[offset:]
        if not rule.may_match(window):
            return []
        out: list[Cue] = []
        stretches = rule.windows(window)
        reached = 0
        for start, end in stretches:
            for m in pattern.finditer(window, max(start, reached), end):
                if len(stretches) > 1 or end < len(window):
                    # matched again on the whole text: a stretch's end is no end of the text
                    # for $, \b or a lookahead
                    m = pattern.match(window, m.start())
                    if m is None or m.start() < reached:
                        continue
                    reached = m.end()
                if len(out) >= _MAX_MATCHES:
                    return out
                cue = self._from_match(rule, m, offset, anchor, raw)
                if cue is not None:
                    out.append(cue)
        return out

    def _from_match(self, rule: Rule, m: re.Match[str], offset: int, anchor: DateValue | None,
                    text: str) -> Cue | None:
        """A cue from a match in ``text`` (found in the part of it starting at ``offset``),
        quoting ``text``: the match may have read its odd spaces as plain ones."""
        groups = {k: v for k, v in m.groupdict().items() if v}
        names: list[str] = []
        for key, value in groups.items():
            if key == "outlets":
                names += [n for n in _SPLIT.split(value) if n]
            elif key.startswith("outlet"):
                names.append(value)
        read = [n for n in names if _may_name(n, self._small)]  # a rule's fixed outlet is as its author wrote it
        if rule.outlet:
            names.append(rule.outlet)
            read.append(rule.outlet)
        outlets, matches = _canonical(read, rule, self.registry)
        if names and not outlets:
            return None  # the named outlet is not allowed by this rule (allow-list, registry only)
        date = note = url = None
        if "url" in groups:
            url = groups["url"]
            matches, date, note = _url_conclusions(url, self.registry)
            outlets = [m.outlet for m in matches]
            if not outlets and date is None:
                return None
        raw_date = next((v for k, v in sorted(groups.items()) if k.startswith("date")), None)
        if raw_date is not None:
            date, note = resolve_date(raw_date, day_first=_day_first(rule, outlets, self.registry), anchor=anchor)
        start, end = m.start() + offset, m.end() + offset
        whole = text[start:end]
        matched = whole.strip()
        lead = len(whole) - len(whole.lstrip())
        trail = len(whole) - len(whole.rstrip())
        first, last = start + lead, end - trail  # the characters beside it: from the whole text, not
        # the part a head or tail rule reads, which may end just there
        return Cue(rule.id, rule.role, "text", f"chars {first}-{last}", matched, tuple(outlets),
                   date, note, url, first, last, rule.concludes, rule.relation, rule.confidence,
                   rule.priority, tuple(matches), text[max(0, first - 4):first], text[last:last + 4])

    def _in_outlet_order(self, cues: list[Cue]) -> list[Cue]:
        """The structured cues, a numeric date whose day/month order is ambiguous read
        again in the order of the document's own outlet (``day_first`` in the registry),
        named by the sidecar, the metadata or the address, in that order of trust."""
        order = next((known.day_first for source in ("sidecar", "json", "json-ld", "html-meta", "xml", "warc",
                                                       "metadata", "url")
                      for c in cues if c.source == source and "outlet" in c.concludes
                      for name in c.outlets if (known := self.registry.by_name(name)) is not None
                      and known.day_first is not None), None)
        if order is None:
            return cues
        rules = {r.id: r for r in self.rules}
        out: list[Cue] = []
        for c in cues:
            rule = rules.get(c.rule)
            if c.date is None and "date" in c.concludes and c.source != "url" and rule is not None:
                out += self._structured(rule, c.text, c.source, c.location, day_first=order) or [c]
            else:
                out.append(c)
        return out

    # -- everything ----------------------------------------------------------

    def read(self, doc: Document, row: SidecarRow | None = None, sidecar_path: str | None = None) -> list[Cue]:
        """All cues of a document: structured sources first, then the text."""
        cues: list[Cue] = []
        for rule in self.rules:
            if rule.source == "sidecar":
                cues += self._sidecar(rule, row, sidecar_path)
            elif rule.source == "meta":
                cues += self._meta(rule, doc)
        # the document's address; the sidecar's row is cited where it gave that address
        # (the document had none of its own: ``sidecar.described``); a page whose own metadata
        # states an address keeps ``url`` as the place it was read, also when the row gives the same
        own = any(f.key in ("url", "canonical_url") for f in doc.metadata)
        given = row is not None and row.url and (not doc.url or doc.url == row.url and not own)
        url, where = (row.url, f"{sidecar_path}:{row.line}") if given else (doc.url, "url") if doc.url else (None, "")
        for rule in self.rules:
            if rule.source == "url" and rule.part == "domain":
                cues += self._url(rule, url, where)
        cues = self._in_outlet_order(cues)
        anchor = next((c.date for c in cues if c.role == "publisher" and c.date is not None), None)
        if anchor is None:  # a capture time anchors yearless dates (a date cannot follow it)
            anchor = captured_date(doc)
        text_cues: list[Cue] = []
        plain = plain_spaces(doc.text)
        for rule in self.rules:
            if rule.source == "text":
                text_cues += self._text(rule, plain, anchor, doc.text)
        for rule in self.rules:
            if rule.source == "url" and rule.part != "domain":
                cues += self._url(rule, url, where)
        if anchor is None:  # a URL date can anchor yearless datelines
            anchor = next((c.date for c in cues if c.role == "publisher" and c.date is not None), None)
            if anchor is not None:
                text_cues = [c for rule in self.rules if rule.source == "text"
                             for c in self._text(rule, plain, anchor, doc.text)]
        text_cues.sort(key=lambda c: (c.start, c.rule))
        return cues + text_cues
