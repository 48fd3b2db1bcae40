"""Word tokens with character offsets, and stable hashes of words and n-grams.

Hashes are derived from BLAKE2b, never Python's ``hash()``, so fingerprints are
identical across runs, processes and machines (a persisted index depends on it).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
import unicodedata
from dataclasses import dataclass

import numpy as np

# Invisible format characters (soft hyphen, zero-width space, non-joiner and joiner,
# word joiner, zero-width no-break space) inside a word are part of it and are
# dropped from its normalised form, so "cease\u00adfire" matches "ceasefire".
FORMAT_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_F = f"[{FORMAT_CHARS}]"
# Scripts written without spaces between words: Han ideographs (with their iteration
# marks) and Japanese kana.  Each such character is a token of its own, so that text in
# them aligns character by character (Hangul, written with spaces, is read as words).
IDEOGRAPHIC = ("\u3005-\u3007\u303b\u303c\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
               "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U000323af")
_IDEOGRAPHIC_BOUNDS = np.array([0x3005, 0x3008, 0x303B, 0x303D, 0x3040, 0x3100, 0x31F0, 0x3200, 0x3400, 0x4DC0,
                                0x4E00, 0xA000, 0xF900, 0xFB00, 0xFF66, 0xFFA0, 0x20000, 0x323B0], dtype=np.uint32)
_W = rf"[^\W{IDEOGRAPHIC}]"  # a word character of a script written with spaces
# words: one ideograph or kana; or runs of other word characters joined by one
# apostrophe, by format characters, or both
_WORD = re.compile(rf"(?=\w)[{IDEOGRAPHIC}]|{_W}+(?:{_F}*['’]{_F}*{_W}+|{_F}+{_W}+)*", re.UNICODE)
_DROP_FORMAT = dict.fromkeys(map(ord, FORMAT_CHARS))
_MULT = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True, eq=False)
class Tokens:
    """The word tokens of one text: 64-bit hashes and character offsets, as NumPy arrays.

    The offsets are either kept (``offsets``) or found again in the text when asked
    for (``text``): a large audit keeps only the hashes of every document, which
    is what matching reads, and needs the offsets of the few documents that share
    text with another."""

    hashes: np.ndarray  # uint64, stable hash of the normalised word
    sentences: np.ndarray | None = None  # int64, index of the first token of each sentence
    offsets: tuple[np.ndarray, np.ndarray] | None = None  # int32 starts and (exclusive) ends
    text: str | None = None  # the text the offsets are found in again, when not kept
    ideographic: int = 0  # tokens that are one ideograph or kana each (see IDEOGRAPHIC)

    def __len__(self) -> int:
        return int(self.hashes.shape[0])

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and end offsets of every token."""
        if self.offsets is not None:
            return self.offsets
        if self.text is None:
            raise ValueError("these tokens kept neither their offsets nor their text")
        starts, ends = word_bounds(self.text)
        return starts.astype(np.int32), ends.astype(np.int32)

    @property
    def starts(self) -> np.ndarray:
        return self.bounds()[0]

    @property
    def ends(self) -> np.ndarray:
        return self.bounds()[1]

    def hashes_only(self) -> "Tokens":
        """These tokens without their offsets (to travel, or to be kept in bulk)."""
        return Tokens(self.hashes, self.sentences, ideographic=self.ideographic)

    def of(self, text: str) -> "Tokens":
        """These tokens, their offsets found again in ``text`` when needed."""
        return Tokens(self.hashes, self.sentences, self.offsets, text, self.ideographic)

    @property
    def is_ideographic(self) -> bool:
        """Is this text written mostly in ideographs and kana (a token a character)?"""
        return 2 * self.ideographic > len(self)


def ideographic_text(text: str) -> bool:
    """Is ``text`` written mostly in ideographs and kana (a token a character)?"""
    starts, _ends, ideographic = _bounds(text)
    return 2 * ideographic > len(starts)


def word_scale(ta: Tokens, tb: Tokens, chars_per_word: float) -> float:
    """How many tokens make a word's length in a pair of texts: ``chars_per_word`` when
    both are written mostly in ideographs and kana, where a token is one character,
    else 1.  Lengths set in words (the shortest passage, a quotation's longest) are
    multiplied by it."""
    return chars_per_word if ta.is_ideographic and tb.is_ideographic else 1.0


def normalise_word(word: str) -> str:
    """Case- and accent-insensitive form, with typographic apostrophes unified and
    invisible format characters (``FORMAT_CHARS``) dropped."""
    word = word.replace("’", "'").casefold()
    if word.isascii():
        return word
    word = word.translate(_DROP_FORMAT)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset("mr mrs ms dr st jr sr prof rev gen col lt sgt capt cpl insp supt det "
                           "vs v co corp inc ltd jan feb mar apr jun jul aug sep sept oct nov dec "
                           "u s uk e g i".split())


# A sentence ends at a full stop, question or exclamation mark and a space, or at an
# ideographic or full-width one (text in ideographs leaves no space after it).
_BREAK = re.compile(r"[.!?][^\w\s]*\s+|[。！？．｡][^\w\s]*\s*|\n[ \t\r\f]*\n")


# A line of its own that no sentence runs on from: a headline in capitals, or a byline.
# Wire copy ends neither with a full stop, and the first sentence follows on the next line.
_HEADING = re.compile(r"^[ \t]*(?:(?P<caps>[^a-z\n]*[A-Z][^a-z\n]*[A-Z][^a-z\n]*)|By [A-Z][^\n.!?]{0,60})$\n", re.M)


def sentence_starts(text: str, starts: list[int], ends: list[int]) -> list[int]:
    """Index of the first token of each sentence.  A sentence ends at a blank line, after
    a headline or byline line (see ``_HEADING``), at ``.``, ``!`` or ``?`` followed by a
    space and a word starting with a capital or a digit (not after a title or abbreviation
    such as "Mr." or "No. 10"), or at an ideographic full stop, question or exclamation
    mark (``。``, ``？``, ``！``)."""
    if not starts:
        return []
    out = [0]
    breaks = [(m.start(), m.end(), m.group()[0]) for m in _BREAK.finditer(text)]
    for m in _HEADING.finditer(text):
        if not (m.group("caps") and any(c.islower() for c in m.group())):
            breaks += [(m.start() - 1, m.start(), "\n"), (m.end() - 1, m.end(), "\n")]
    for b_start, b_end, first in sorted(breaks, key=lambda b: b[1]):
        k = bisect_left(starts, b_end)
        if k >= len(starts) or k == 0 or b_start < ends[k - 1] or k == out[-1]:
            continue
        if first in ".!?":
            word = text[starts[k] : ends[k]]
            previous = text[starts[k - 1] : ends[k - 1]].casefold()
            if not (word[0].isupper() or word[0].isdigit()):
                continue
            if first == "." and (previous in _ABBREVIATIONS
                                 or (previous in ("no", "nos") and word[0].isdigit())):
                continue
        out.append(k)
    return out


_APOSTROPHES = (ord("'"), ord("’"))
_ASCII_WORD = np.array([bool(re.match(r"\w", chr(c))) for c in range(128)], dtype=bool)


def _is_word_char(code: int, _cache: dict[int, bool] = {}) -> bool:  # noqa: B006 - a deliberate memo
    found = _cache.get(code)
    if found is None:
        found = _cache[code] = bool(re.match(r"\w", chr(code)))
    return found


def word_bounds(text: str) -> tuple[np.ndarray, np.ndarray]:
    r"""Start and end offsets of the words ``_WORD`` finds, computed on the whole text
    at once: a mask of word characters, whose rising and falling edges are the bounds.
    A run of connectors (apostrophes and ``FORMAT_CHARS``) between two word characters
    belongs to the word when it holds at most one apostrophe.  An ideograph or kana
    is a word of its own, and no connector joins it to another."""
    return _bounds(text)[:2]


def _bounds(text: str) -> tuple[np.ndarray, np.ndarray, int]:
    """``word_bounds``, and how many of the words are one ideograph or kana."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, 0
    ascii_ = codes < 128
    word = np.zeros(codes.size, dtype=bool)
    word[ascii_] = _ASCII_WORD[codes[ascii_]]
    fmt = single = None
    if not ascii_.all():
        other = ~ascii_
        distinct, where = np.unique(codes[other], return_inverse=True)
        word[other] = np.array([_is_word_char(int(c)) for c in distinct], dtype=bool)[where.ravel()]
        if np.isin(distinct, _FORMAT_CODES).any():
            fmt = np.isin(codes, _FORMAT_CODES)
        if (np.searchsorted(_IDEOGRAPHIC_BOUNDS, distinct, side="right") % 2).any():
            single = word & (np.searchsorted(_IDEOGRAPHIC_BOUNDS, codes, side="right") % 2 == 1)
    joinable = word if single is None else word & ~single
    inside = word.copy()
    if fmt is None:
        if codes.size > 2:
            apostrophe = (codes[1:-1] == _APOSTROPHES[0]) | (codes[1:-1] == _APOSTROPHES[1])
            inside[1:-1] |= apostrophe & joinable[:-2] & joinable[2:]
    else:
        inside |= _joined_connectors(joinable, fmt, (codes == _APOSTROPHES[0]) | (codes == _APOSTROPHES[1]))
    if single is None:
        edges = np.diff(np.r_[False, inside, False].astype(np.int8))
        return np.flatnonzero(edges == 1).astype(np.int64), np.flatnonzero(edges == -1).astype(np.int64), 0
    # a word starts after a non-word character, at an ideograph, or after one; and ends
    # likewise
    before = np.r_[False, inside[:-1]]
    after = np.r_[inside[1:], False]
    cut_before = single | np.r_[False, single[:-1]]
    cut_after = single | np.r_[single[1:], False]
    starts = np.flatnonzero(inside & (~before | cut_before)).astype(np.int64)
    ends = np.flatnonzero(inside & (~after | cut_after)).astype(np.int64) + 1
    return starts, ends, int(single.sum())


_FORMAT_CODES = np.array([ord(c) for c in FORMAT_CHARS], dtype=np.uint32)


def _joined_connectors(word: np.ndarray, fmt: np.ndarray, apostrophe: np.ndarray) -> np.ndarray:
    """Connector characters (format characters and apostrophes) in a run that lies
    between two word characters and holds at most one apostrophe."""
    n = word.size
    connector = fmt | apostrophe
    index = np.arange(n)
    # the last non-connector at or before each position, and the first at or after it
    before = np.maximum.accumulate(np.where(~connector, index, -1))
    after = np.minimum.accumulate(np.where(~connector, index, n)[::-1])[::-1]
    left_word = (before >= 0) & word[np.clip(before, 0, n - 1)]
    right_word = (after < n) & word[np.clip(after, 0, n - 1)]
    # apostrophes in the run: a count over the run's span, from a running total
    total = np.r_[0, np.cumsum(apostrophe)]
    in_run = total[np.clip(after, 0, n)] - total[np.clip(before + 1, 0, n)]
    return connector & left_word & right_word & (in_run <= 1)


class Tokenizer:
    """Splits text into word tokens and sentences; caches word hashes across documents."""

    def __init__(self, sentences: bool = True) -> None:
        self._cache: dict[str, int] = {}
        self._sentences = sentences  # sentence starts are read only by sentence matching

    def __call__(self, text: str) -> Tokens:
        starts, ends, ideographic = _bounds(text)
        words = _WORD.findall(text)
        if len(words) != len(starts):  # never expected: the mask is the pattern
            matches = list(_WORD.finditer(text))
            starts = np.asarray([m.start() for m in matches], dtype=np.int64)
            ends = np.asarray([m.end() for m in matches], dtype=np.int64)
            words = [m.group() for m in matches]
        cache = self._cache
        hashes = [cache.get(w) for w in words]
        for k, h in enumerate(hashes):
            if h is None:
                raw = words[k]
                h = hashes[k] = word_hash(normalise_word(raw))
                if len(cache) < 2_000_000:
                    cache[raw] = h
        start_list, end_list = starts.tolist(), ends.tolist()
        return Tokens(
            offsets=(starts.astype(np.int32), ends.astype(np.int32)),
            hashes=np.asarray(hashes, dtype=np.uint64),
            sentences=np.asarray(sentence_starts(text, start_list, end_list), dtype=np.int64)
            if self._sentences else None,
            ideographic=ideographic,
        )


# Marks that belong to the words they touch: an opening quotation mark or bracket
# before the first word of a passage, and the full stop, closing quotation marks and
# brackets after its last word.
OPENING_MARKS = "\"'“‘«([「『（【《〈"
CLOSING_MARKS = ".!?…\"'”’»)]。！？」』）】》〉"
_WIDE_MARKS = frozenset("「『（【《〈。！？」』）】》〉")  # never glued: text in ideographs has no spaces
_MARKS = 3  # at most this many on either side
_OPENING_CODES = np.array([ord(c) for c in OPENING_MARKS], dtype=np.uint32)
_CLOSING_CODES = np.array([ord(c) for c in CLOSING_MARKS], dtype=np.uint32)


def with_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` of a run of words, widened over the punctuation attached to it
    (``"They ... cost."``): a passage quoted from a report reads as it stands in the
    text.  A mark glued to another word on its far side (``3.5``, ``U.S.A``) is not
    taken."""
    if not text:
        return start, end
    s = start
    while s > 0 and start - s < _MARKS and text[s - 1] in OPENING_MARKS:
        s -= 1
    if s < start and s > 0 and text[s - 1].isalnum() and _WIDE_MARKS.isdisjoint(text[s:start]):
        s = start
    e, n = end, len(text)
    while e < n and e - end < _MARKS and text[e] in CLOSING_MARKS:
        e += 1
    if e > end and e < n and text[e].isalnum() and _WIDE_MARKS.isdisjoint(text[end:e]):
        e = end
    return s, e


def marked_bounds(tokens: Tokens) -> tuple[np.ndarray, np.ndarray]:
    """Every word's start and end widened as ``with_marks`` widens a passage's: where a
    passage is cut between two words, each piece keeps the marks its edge word has."""
    text = str(tokens.text) if tokens.text is not None else ""
    starts, ends = tokens.of(text).bounds() if text else tokens.bounds()
    if not text or not len(starts):
        return starts, ends
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    n = len(codes)
    after = np.isin(codes[np.minimum(ends, n - 1)], _CLOSING_CODES) & (ends < n)
    before = np.isin(codes[np.maximum(starts - 1, 0)], _OPENING_CODES) & (starts > 0)
    starts, ends = starts.copy(), ends.copy()
    for k in np.flatnonzero(after | before).tolist():  # the few words that touch a mark
        starts[k], ends[k] = with_marks(text, int(starts[k]), int(ends[k]))
    return starts, ends


def ngram_hashes(hashes: np.ndarray, n: int) -> np.ndarray:
    """Order-sensitive 64-bit hash of every run of ``n`` consecutive tokens."""
    count = hashes.shape[0] - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    out = hashes[:count].copy()
    with np.errstate(over="ignore"):
        for k in range(1, n):
            out = out * _MULT + hashes[k : k + count]
            out ^= out >> np.uint64(29)
    return out
