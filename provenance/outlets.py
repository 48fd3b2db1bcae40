"""The outlet registry: canonical names, aliases, web domains, kind, date order.

Shipped as data (data/outlets.toml) and extended by users with their own file,
so that naming an outlet is a lookup the report can cite, not a guess.
"""

from __future__ import annotations

import re
import unicodedata
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError

KINDS = ("wire", "newspaper", "broadcaster", "magazine", "aggregator", "blog", "unknown")
_KEYS = {"name", "kind", "aliases", "domains", "day_first"}


SHIPPED = "outlets.toml"  # the shipped file, as the report names it


@dataclass(frozen=True)
class Outlet:
    name: str
    kind: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    day_first: bool | None
    file: str = SHIPPED  # the registry file the entry was read from, as ``Registry.files`` names it


@dataclass(frozen=True)
class Match:
    """How the registry named an outlet: the entry (by its canonical name and the file it
    was read from) and what of it matched: its ``name``, an ``alias`` or a ``domain``,
    as the entry writes it."""

    outlet: str
    file: str
    by: str  # name | alias | domain
    match: str


_COMPANY = re.compile(r"(?: (?:limited|ltd|inc|incorporated|llc|plc|co))+$")


def name_key(name: str) -> str:
    """Comparable form of an outlet name: case, punctuation, a leading 'the' and a trailing
    company form (Limited, Ltd, Inc, LLC, plc) ignored: "Guardian News & Media Limited"
    is "Guardian News & Media"; full-width letters are letters ("ＡＦＰ" is "AFP", as
    Chinese and Japanese pages set them)."""
    key = re.sub(r"[^\w&]+", " ", unicodedata.normalize("NFKC", name).casefold()).strip()
    key = re.sub(r"^the ", "", key)
    return _COMPANY.sub("", key) or key


# A value that is an address rather than a name: a web address, or a bare lower-case domain
# ("theguardian.com", as many exports and sidecars name a site)
_WEB_ADDRESS = re.compile(r"https?://\S+", re.I)
_BARE_DOMAIN = re.compile(r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/?")


def address_kind(value: str) -> str | None:
    """``"web"`` for a web address, ``"domain"`` for a bare domain, None for a name."""
    value = value.strip()
    if _WEB_ADDRESS.fullmatch(value):
        return "web"
    return "domain" if _BARE_DOMAIN.fullmatch(value) else None


def domain_of(url: str) -> str | None:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


class Registry:
    def __init__(self, outlets: list[Outlet], files: tuple[str, ...] = (SHIPPED,)) -> None:
        self.files = files  # the files it was loaded from: the shipped one first
        by_name: dict[str, Outlet] = {}
        for o in outlets:  # later entries (user files) replace earlier ones
            by_name[o.name] = o
        self.outlets: tuple[Outlet, ...] = tuple(by_name.values())
        self._by_key: dict[str, Outlet] = {}
        self._by_domain: dict[str, Outlet] = {}
        for o in self.outlets:
            for alias in (o.name, *o.aliases):
                self._by_key[name_key(alias)] = o
            for d in o.domains:
                self._by_domain[d.casefold()] = o

    def digest(self) -> str:
        """SHA-256 over every entry that can name an outlet, in the order they apply."""
        import hashlib

        h = hashlib.sha256()
        for o in self.outlets:
            h.update(repr((o.name, o.kind, o.aliases, o.domains, o.day_first)).encode("utf-8"))
        return h.hexdigest()

    def by_name(self, name: str) -> Outlet | None:
        return self._by_key.get(name_key(name))

    def match_name(self, name: str) -> Match | None:
        """The entry a name or alias names, and which of its names matched."""
        key = name_key(name)
        o = self._by_key.get(key)
        if o is None:
            return None
        if name_key(o.name) == key:
            return Match(o.name, o.file, "name", o.name)
        alias = next(a for a in o.aliases if name_key(a) == key)
        return Match(o.name, o.file, "alias", alias)

    def match_domain(self, host: str) -> Match | None:
        """The entry a web host belongs to (its own domain or a parent domain's), and that domain."""
        host = host.casefold()
        while host:
            if host in self._by_domain:
                o = self._by_domain[host]
                return Match(o.name, o.file, "domain", host)
            _, _, host = host.partition(".")
        return None

    def by_domain(self, host: str) -> Outlet | None:
        m = self.match_domain(host)
        return self._by_domain[m.match] if m else None

    def match_url(self, url: str) -> Match | None:
        host = domain_of(url)
        return self.match_domain(host) if host else None

    def by_url(self, url: str) -> Outlet | None:
        host = domain_of(url)
        return self.by_domain(host) if host else None

    def kind_of(self, name: str | None) -> str | None:
        if name is None:
            return None
        o = self.by_name(name)
        return o.kind if o else "unknown"


def _parse(text: str, origin: str, file: str = SHIPPED) -> list[Outlet]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    unknown_top = set(doc) - {"outlet"}
    if unknown_top:
        raise ConfigError(f"{origin}: unknown table(s) {', '.join(sorted(unknown_top))}; expected [[outlet]]")
    entries = doc.get("outlet", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{origin}: outlets are an array of tables: write [[outlet]] before each one, not [outlet]")
    out: list[Outlet] = []
    for i, entry in enumerate(entries):
        where = f"{origin}: outlet #{i + 1}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: must be a table")
        extra = set(entry) - _KEYS
        if extra:
            raise ConfigError(f"{where} ({entry.get('name', '?')}): unknown key(s) {', '.join(sorted(extra))}")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: 'name' must be a non-empty string")
        kind = entry.get("kind", "unknown")
        if kind not in KINDS:
            raise ConfigError(f"{where} ({name}): kind must be one of {', '.join(KINDS)}, got {kind!r}")
        lists = {}
        for key in ("aliases", "domains"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} ({name}): '{key}' must be a list of strings")
            lists[key] = tuple(value)
        day_first = entry.get("day_first")
        if day_first is not None and not isinstance(day_first, bool):
            raise ConfigError(f"{where} ({name}): 'day_first' must be true or false")
        if any(o.name == name for o in out):
            raise ConfigError(f"{where}: outlet {name!r} is already described earlier in this file")
        out.append(Outlet(name, kind, lists["aliases"], tuple(_domain(d) for d in lists["domains"]), day_first,
                          file))
    return out


def _domain(value: str) -> str:
    """A registry domain as ``domain_of`` gives a page's: no scheme, path or ``www.``."""
    value = value.strip()
    host = (urlsplit(value).hostname or "") if "//" in value else value.split("/")[0].split(":")[0]
    host = host.casefold().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def load_registry(extra: list[Path] | tuple[Path, ...] = ()) -> Registry:
    text = resources.files("provenance").joinpath("data/outlets.toml").read_text(encoding="utf-8")
    outlets = _parse(text, SHIPPED)
    named = {name_key(a): (o.name, SHIPPED) for o in outlets for a in (o.name, *o.aliases)}
    for path in extra:
        try:
            added = _parse(Path(path).read_text(encoding="utf-8"), str(path), _user_file(path, SHIPPED))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read outlet file: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: outlet file is not UTF-8 ({exc.reason} at byte {exc.start})") from None
        replaced = {o.name for o in added}
        named = {k: v for k, v in named.items() if v[0] not in replaced}  # an entry of the same name replaces
        for o in added:
            for alias in (o.name, *o.aliases):
                other = named.get(name_key(alias))
                if other is not None and other[0] != o.name:
                    raise ConfigError(f"{path}: outlet {o.name!r}: {alias!r} already names {other[0]!r} "
                                      f"({other[1]}); one name cannot stand for two outlets. To rename "
                                      f"{other[0]!r} or change its aliases, give an entry named {other[0]!r}")
                named[name_key(alias)] = (o.name, str(path))
        outlets += added
    return Registry(outlets, (SHIPPED, *(_user_file(p, SHIPPED) for p in extra)))


def _user_file(path: Path | str, shipped: str) -> str:
    """A user file as given, never spelt as the shipped file's name: ``./outlets.toml``."""
    return f"./{path}" if str(path) == shipped else str(path)
