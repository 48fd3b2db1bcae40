"""Detection parameters: shipped defaults (data/defaults.toml) plus user overrides.

Thresholds are data, not code, so that a report can record exactly what it was
computed with and a user can change one without touching the package.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache
from importlib import resources
from typing import Mapping

from .errors import ConfigError


@dataclass(frozen=True)
class Params:
    # fingerprint
    shingle_size: int
    window_tokens: int
    window_stride: int
    num_perm: int
    seed: int
    lsh_threshold: float
    min_shared_buckets: int
    bucket_clique_max: int
    rewrite_window_words: int
    rewrite_lead_words: int
    rewrite_band_rows: int
    # align
    seed_ngram: int
    max_gap: int
    max_skip: int
    max_seed_occurrences: int
    min_span_tokens: int
    short_span_tokens: int
    pair_min_tokens: int
    pair_min_relatedness: float
    min_similarity: float
    sentence_min_words: int
    sentence_min_overlap: float
    sentence_min_relatedness: float
    sentence_rarity_prior: float
    brief_min_words: int
    brief_max_words: int
    ideographic_word_chars: float
    # cluster
    merge_overlap: float
    merge_overlap_longer: float
    trace_min_share: float
    boilerplate_max_tokens: int
    origin_min_share: float
    tie_source_max_words: int
    # quotation
    max_tokens: int
    min_share: float
    # relation
    near_duplicate: float
    # derivation
    wholly: float
    partially: float

    def as_sections(self) -> dict[str, dict[str, object]]:
        """The parameters grouped as in defaults.toml (for the report)."""
        flat = asdict(self)
        return {section: {k: flat[k] for k in keys} for section, keys in SECTIONS.items()}


SECTIONS: dict[str, tuple[str, ...]] = {
    "fingerprint": ("shingle_size", "window_tokens", "window_stride", "num_perm", "seed", "lsh_threshold",
                    "min_shared_buckets", "bucket_clique_max", "rewrite_window_words", "rewrite_lead_words",
                    "rewrite_band_rows"),
    "align": ("seed_ngram", "max_gap", "max_skip", "max_seed_occurrences", "min_span_tokens", "short_span_tokens",
              "pair_min_tokens", "pair_min_relatedness", "min_similarity", "sentence_min_words", "sentence_min_overlap", "sentence_min_relatedness", "sentence_rarity_prior",
              "brief_min_words", "brief_max_words", "ideographic_word_chars"),
    "cluster": ("merge_overlap", "merge_overlap_longer", "trace_min_share", "boilerplate_max_tokens",
                "origin_min_share", "tie_source_max_words"),
    "quotation": ("max_tokens", "min_share"),
    "relation": ("near_duplicate",),
    "derivation": ("wholly", "partially"),
}

_TYPES = {f.name: f.type for f in fields(Params)}
_ZERO_ALLOWED = {"sentence_min_words", "max_skip", "rewrite_window_words", "rewrite_lead_words", "bucket_clique_max", "pair_min_tokens", "brief_max_words", "tie_source_max_words"}  # 0: off
_AT_LEAST_ONE = {"ideographic_word_chars"}
_UNIT_INTERVAL = {"sentence_min_overlap", "sentence_min_relatedness", "pair_min_relatedness", "origin_min_share", "min_share", "lsh_threshold", "min_similarity",
                  "merge_overlap", "merge_overlap_longer", "trace_min_share", "near_duplicate", "wholly", "partially"}


def _coerce(name: str, value: object, origin: str) -> object:
    kind = _TYPES[name]
    try:
        if kind == "int":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            result: object = int(value)  # type: ignore[arg-type]
            if result < (0 if name in _ZERO_ALLOWED else 1):  # type: ignore[operator]
                kind_word = "a whole number, 0 or more" if name in _ZERO_ALLOWED else "a positive whole number"
                raise ConfigError(f"{origin}: {name} must be {kind_word}, got {value!r}")
        else:
            if isinstance(value, bool):
                raise ValueError
            result = float(value)  # type: ignore[arg-type]
            if name in _UNIT_INTERVAL and not 0.0 <= result <= 1.0:  # type: ignore[operator]
                raise ConfigError(f"{origin}: {name} must be between 0 and 1, got {value!r}")
            if result < 0.0 or result != result or result == float("inf"):  # type: ignore[operator]
                raise ConfigError(f"{origin}: {name} must be a finite number, 0 or more, got {value!r}")
            if name in _AT_LEAST_ONE and result < 1.0:  # type: ignore[operator]
                raise ConfigError(f"{origin}: {name} must be 1 or more, got {value!r}")
    except (TypeError, ValueError):
        raise ConfigError(f"{origin}: {name} must be {'a whole number' if kind == 'int' else 'a number'}, got {value!r}") from None
    return result


# Lengths set in words, which count characters in text written in ideographs and kana
# (see in_characters).
_WORD_LENGTHS = ("seed_ngram", "max_gap", "max_skip", "min_span_tokens", "short_span_tokens", "pair_min_tokens",
                 "boilerplate_max_tokens", "max_tokens")


@lru_cache(maxsize=8)
def in_characters(params: Params, scale: float) -> Params:
    """``params`` with its lengths in words made lengths in tokens of text where a token
    is one character (ideographs and kana): each multiplied by ``scale`` (characters
    to a word, ``align.ideographic_word_chars``), rounded up."""
    if scale == 1.0:
        return params
    return replace(params, **{k: math.ceil(getattr(params, k) * scale) for k in _WORD_LENGTHS})


def _flatten(doc: Mapping[str, object], origin: str) -> dict[str, object]:
    flat: dict[str, object] = {}
    for section, body in doc.items():
        if section not in SECTIONS or not isinstance(body, dict):
            raise ConfigError(f"{origin}: unknown section [{section}]")
        for key, value in body.items():
            if key not in SECTIONS[section]:
                raise ConfigError(f"{origin}: unknown parameter {section}.{key}")
            flat[key] = _coerce(key, value, origin)
    return flat


# `--rewrites`: also find rewritten copies far into a text (content-word candidate
# windows over the whole of it, not its lead only, and sentence matching), at the
# cost of more candidate pairs to verify.
REWRITES: dict[str, str] = {"fingerprint.rewrite_window_words": "20", "fingerprint.rewrite_lead_words": "0",
                            "align.sentence_min_words": "4"}


def default_params() -> Params:
    text = resources.files("provenance").joinpath("data/defaults.toml").read_text(encoding="utf-8")
    flat = _flatten(tomllib.loads(text), "defaults.toml")
    missing = set(_TYPES) - set(flat)
    if missing:
        raise ConfigError(f"defaults.toml: missing {', '.join(sorted(missing))}")
    return _check(Params(**flat), "defaults.toml")  # type: ignore[arg-type]


def with_overrides(params: Params, overrides: Mapping[str, str]) -> Params:
    """Apply ``section.key=value`` (or bare ``key=value``) overrides, validated."""
    changes: dict[str, object] = {}
    for dotted, raw in overrides.items():
        section, _, key = dotted.rpartition(".")
        if key not in _TYPES or (section and key not in SECTIONS.get(section, ())):
            raise ConfigError(f"--param {dotted}: unknown parameter (see docs/parameters.md)")
        changes[key] = _coerce(key, raw, f"--param {dotted}")
    return _check(replace(params, **changes), "--param", explicit=set(changes))


def _check(p: Params, origin: str, explicit: set[str] = frozenset()) -> Params:
    """``p`` if its values can work together; ``rewrite_band_rows`` left at a value more
    permutations allowed is lowered to what the bands hold (and recorded so), one asked
    for is refused."""
    if p.window_stride > p.window_tokens:
        raise ConfigError(f"{origin}: window_stride ({p.window_stride}) exceeds window_tokens ({p.window_tokens})")
    if p.shingle_size > p.window_tokens:
        raise ConfigError(f"{origin}: shingle_size exceeds window_tokens")
    if p.brief_min_words > p.brief_max_words > 0:
        raise ConfigError(f"{origin}: align.brief_min_words ({p.brief_min_words}) exceeds align.brief_max_words "
                          f"({p.brief_max_words})")
    if p.partially > p.wholly:
        raise ConfigError(f"{origin}: derivation.partially ({p.partially}) exceeds derivation.wholly ({p.wholly})")
    from .candidates import band_parameters  # here: candidates imports this module

    try:
        bands, _rows = band_parameters(p)
    except ValueError as exc:  # datasketch: too few permutations, or too few bands for the threshold
        raise ConfigError(f"{origin}: fingerprint.num_perm ({p.num_perm}) and fingerprint.lsh_threshold "
                          f"({p.lsh_threshold}) leave MinHashLSH no banding: {exc}") from None
    rows = p.num_perm // bands
    if p.rewrite_band_rows > rows:
        if "rewrite_band_rows" in explicit:
            raise ConfigError(f"{origin}: fingerprint.rewrite_band_rows ({p.rewrite_band_rows}) exceeds the "
                              f"{rows} rows each of the {bands} bands has (num_perm // bands)")
        p = replace(p, rewrite_band_rows=rows)
    return p
