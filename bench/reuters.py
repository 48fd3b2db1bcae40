"""Read the Reuters-21578 stories at run time and turn them into a pool of unique text.

The collection's text is licensed for research only: it is read from
``../shared/data/reuters21578`` (or ``$PROVENANCE_REUTERS``) every time a corpus is
generated and never copied into the repository.

The pool keeps only text that no other kept text repeats: a sentence sharing an
8-word run with an earlier sentence (or, for a sentence shorter than 8 words, the
same words) is dropped, and so is a story that repeats many of its sentences
(a re-sent or updated version of an earlier story).  Unrelated generated articles
must not share text, and the collection holds unlabelled duplicates.
"""

from __future__ import annotations

import html
import os
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "reuters21578"

_RECORD = re.compile(r"<REUTERS(.*?)</REUTERS>", re.S)
_FIELDS = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("TOPICS", "TITLE", "DATELINE", "BODY")}
_D = re.compile(r"<D>(.*?)</D>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SIGNOFF = re.compile(r"\s*\bReuter\s*$")
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z0-9])")
_ABBREV = frozenset(
    "mr mrs ms dr st jan feb mar apr jun jul aug sep sept oct nov dec inc corp co ltd plc bros "
    "no nos u.s u.k e.g i.e vs gov sen rep gen col lt jr sr ave dept est approx".split()
)
TOKEN = re.compile(r"\w+(?:['’]\w+)*")  # the tool's word tokens (tokens.py)

DEDUP_GRAM = 6
MIN_STORY_WORDS = 40
MIN_TOPIC_STORIES = 40
# Kept as they are when text is used again: function words only.
FUNCTION_WORDS = frozenset(
    "the of to in a and for on is it its that by at with from as was be will has have an are which this "
    "not but would he had were or been also s".split()
)


def data_dir() -> Path:
    return Path(os.environ.get("PROVENANCE_REUTERS", DEFAULT_DATA))


@dataclass
class Story:
    index: int
    topic: str
    title: str
    city: str
    paragraphs: list[list[str]]  # paragraph -> sentences
    words: int = 0


def _clean(text: str) -> str:
    text = html.unescape(text)
    text = _CONTROL.sub(" ", text)
    return text.replace("<", "").replace(">", "")


def split_sentences(paragraph: str) -> list[str]:
    pieces = _SENT_SPLIT.split(paragraph)
    out: list[str] = []
    for p in pieces:
        if out:
            last = out[-1].rsplit(None, 1)[-1].rstrip(".").lower()
            if last in _ABBREV or (len(last) == 1 and last.isalpha()):
                out[-1] = out[-1] + " " + p
                continue
        out.append(p)
    return out


def _title_case(title: str) -> str:
    words = " ".join(title.split()).split(" ")
    if title.upper() != title:
        return " ".join(words)
    return " ".join(w.capitalize() if w.isalpha() else w for w in words)


def _city(dateline: str) -> str:
    place = dateline.strip().split(",")[0].strip()
    place = re.sub(r"[^A-Za-z .'-]", "", place).strip()
    if not place or len(place) > 30:
        return "NEW YORK"
    return place.upper()


def read_stories(directory: Path | None = None) -> list[Story]:
    directory = Path(directory or data_dir())
    files = sorted(directory.glob("reut2-*.sgm"))
    if not files:
        raise FileNotFoundError(f"no reut2-*.sgm files in {directory} (set PROVENANCE_REUTERS)")
    stories: list[Story] = []
    index = 0
    for path in files:
        data = path.read_bytes().decode("latin-1")
        for m in _RECORD.finditer(data):
            record = m.group(1)
            index += 1
            body = _FIELDS["BODY"].search(record)
            title = _FIELDS["TITLE"].search(record)
            if not body or not title:
                continue
            topics = _D.findall((_FIELDS["TOPICS"].search(record) or [None, ""])[1] or "")
            dateline = _FIELDS["DATELINE"].search(record)
            text = _SIGNOFF.sub("", _clean(body.group(1)).rstrip())
            paragraphs = []
            for raw in re.split(r"\n[ \t]+", text):
                para = " ".join(raw.split())
                words = para.split()
                numeric = sum(any(ch.isdigit() for ch in w) for w in words)
                if len(words) >= 4 and numeric <= 0.25 * len(words) and " vs " not in f" {para} ":
                    paragraphs.append(split_sentences(para))  # tables of figures are left out
            if not paragraphs:
                continue
            words = sum(len(s.split()) for p in paragraphs for s in p)
            if words < MIN_STORY_WORDS or words / len(paragraphs) < 10:  # tables, briefs
                continue
            stories.append(Story(index, topics[0] if topics else "general", _title_case(_clean(title.group(1))),
                                 _city(_clean(dateline.group(1)) if dateline else ""), paragraphs, words))
    return stories


def _gram_hashes(ids: np.ndarray, k: int) -> np.ndarray:
    count = ids.shape[0] - k + 1
    out = ids[:count].astype(np.uint64)
    with np.errstate(over="ignore"):
        for j in range(1, k):
            out = out * np.uint64(0x9E3779B97F4A7C15) + ids[j : j + count].astype(np.uint64)
            out ^= out >> np.uint64(29)
    return out


def dedupe(stories: list[Story], k: int = DEDUP_GRAM) -> list[Story]:
    """Drop sentences that repeat a k-word run of earlier text, and near-duplicate stories.

    Runs are taken over each story's whole word stream, across sentence
    boundaries; a repeated run drops the sentences it starts and ends in.  A
    sentence shorter than k words is also dropped when the same words were seen.
    """
    vocab: dict[str, int] = {}
    grams: list[np.ndarray] = []
    first_sent: list[np.ndarray] = []
    last_sent: list[np.ndarray] = []
    sentences: list[int] = []  # sentence id -> story
    short = np.uint64(1 << 40)
    for si, story in enumerate(stories):
        ids_list, sid_list = [], []
        for para in story.paragraphs:
            for sent in para:
                sid = len(sentences)
                sentences.append(si)
                ids = [vocab.setdefault(w, len(vocab) + 1) for w in TOKEN.findall(sent.casefold())]
                if len(ids) < k:  # the whole short sentence is a key of its own
                    padded = np.array(ids + [0] * (k - len(ids)), dtype=np.uint64) + short
                    grams.append(_gram_hashes(padded, k))
                    first_sent.append(np.array([sid]))
                    last_sent.append(np.array([sid]))
                ids_list += ids
                sid_list += [sid] * len(ids)
        if len(ids_list) >= k:
            grams.append(_gram_hashes(np.array(ids_list, dtype=np.uint64), k))
            owner = np.array(sid_list, dtype=np.int64)
            first_sent.append(owner[: len(ids_list) - k + 1])
            last_sent.append(owner[k - 1 :])
    g = np.concatenate(grams)
    f = np.concatenate(first_sent).astype(np.int64)
    l = np.concatenate(last_sent).astype(np.int64)
    story_of = np.array(sentences, dtype=np.int64)
    order = np.lexsort((f, g))
    gs, fs, ls = g[order], f[order], l[order]
    start = np.r_[True, gs[1:] != gs[:-1]]
    head = np.maximum.accumulate(np.where(start, np.arange(len(gs)), 0))
    # a run seen before, in another story: both sentences it touches go
    again = story_of[fs] != story_of[fs[head]]
    drop = np.zeros(len(sentences), dtype=bool)
    drop[fs[again]] = True
    drop[ls[again]] = True
    per_story = np.bincount(story_of, minlength=len(stories))
    dropped_story = np.bincount(story_of, weights=drop, minlength=len(stories))
    kept_stories = []
    sid = 0
    for si, story in enumerate(stories):
        paragraphs = []
        for para in story.paragraphs:
            kept = []
            for sent in para:
                if not drop[sid]:
                    kept.append(sent)
                sid += 1
            if kept:
                paragraphs.append(kept)
        if dropped_story[si] > 0.5 * per_story[si]:
            continue  # a version of an earlier story
        words = sum(len(s.split()) for p in paragraphs for s in p)
        if words < MIN_STORY_WORDS:
            continue
        story.paragraphs, story.words = paragraphs, words
        kept_stories.append(story)
    kept_stories = drop_similar(kept_stories)
    counts = Counter(s.topic for s in kept_stories)
    for s in kept_stories:
        if counts[s.topic] < MIN_TOPIC_STORIES:
            s.topic = "general"
    return kept_stories


def drop_similar(stories: list[Story], seeds: int = 4, window: int = 30, common: int = 200) -> list[Story]:
    """Drop the sentences of a story that resemble an earlier story's text.

    Two stories about one event, or two statistics releases written to one
    template, share text that an aligner with gaps finds (3-word seeds chained
    across a few changed words), although no run of 6 words is the same.  Wherever
    a story holds ``seeds`` word 3-grams of one earlier story within ``window``
    words, the sentences there are dropped.  3-grams found in more than ``common``
    stories (stock phrases) do not count.
    """
    vocab: dict[str, int] = {}
    gram_l, story_l, pos_l = [], [], []
    sentence_at: list[np.ndarray] = []
    for si, story in enumerate(stories):
        ids, sids = [], []
        n = 0
        for para in story.paragraphs:
            for sent in para:
                words = TOKEN.findall(sent.casefold())
                ids += [vocab.setdefault(w, len(vocab) + 1) for w in words]
                sids += [n] * len(words)
                n += 1
        sentence_at.append(np.array(sids, dtype=np.int64))
        if len(ids) >= 3:
            g = _gram_hashes(np.array(ids, dtype=np.uint64), 3)
            gram_l.append(g)
            story_l.append(np.full(g.shape[0], si, dtype=np.int64))
            pos_l.append(np.arange(g.shape[0], dtype=np.int64))
    g, st, ps = np.concatenate(gram_l), np.concatenate(story_l), np.concatenate(pos_l)
    order = np.lexsort((ps, st, g))
    g, st, ps = g[order], st[order], ps[order]
    bounds = np.flatnonzero(np.r_[True, g[1:] != g[:-1], True])
    # (earlier story, later story, position in the later story) for every shared 3-gram
    pa, pb, pp = [], [], []
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        if hi - lo < 2:
            continue
        owners = st[lo:hi]
        distinct = np.unique(owners)
        if distinct.shape[0] < 2 or distinct.shape[0] > common:
            continue
        first_pos = {}
        for s_, p_ in zip(owners.tolist(), ps[lo:hi].tolist()):
            first_pos.setdefault(s_, p_)
        ds = sorted(first_pos)
        for i, a in enumerate(ds):
            for b in ds[i + 1 :]:
                pa.append(a)
                pb.append(b)
                pp.append(first_pos[b])
    drop: dict[int, set[int]] = {}
    if pa:
        pa_, pb_, pp_ = np.array(pa), np.array(pb), np.array(pp)
        order = np.lexsort((pp_, pa_, pb_))
        pa_, pb_, pp_ = pa_[order], pb_[order], pp_[order]
        key = pb_ * len(stories) + pa_
        bounds = np.flatnonzero(np.r_[True, key[1:] != key[:-1], True])
        sizes = np.diff(bounds)
        for lo, hi in zip(bounds[:-1][sizes >= seeds].tolist(), bounds[1:][sizes >= seeds].tolist()):
            pos = pp_[lo:hi]
            b = int(pb_[lo])
            dense = np.flatnonzero(pos[seeds - 1 :] - pos[: -(seeds - 1)] <= window)
            for i in dense.tolist():
                sents = sentence_at[b][pos[i] : pos[i + seeds - 1] + 3]
                drop.setdefault(b, set()).update(sents.tolist())
    kept = []
    for si, story in enumerate(stories):
        gone = drop.get(si)
        if gone:
            n = 0
            paragraphs = []
            for para in story.paragraphs:
                keep = []
                for sent in para:
                    if n not in gone:
                        keep.append(sent)
                    n += 1
                if keep:
                    paragraphs.append(keep)
            story.paragraphs = paragraphs
            story.words = sum(len(s.split()) for p in paragraphs for s in p)
        if story.words >= MIN_STORY_WORDS:
            kept.append(story)
    return kept


class Rewriter:
    """Deterministic word substitution for text used again ("round" r >= 1).

    When a corpus needs more text than the collection holds, stories are used again
    in later rounds. Round r replaces every word except a few dozen function words
    (``FUNCTION_WORDS``) by another word of similar frequency (the word ``r`` places
    further in its frequency band, case kept) and every number by another of the
    same length (a bijection, so distinct numbers stay distinct). Two rounds never map a word to the same word, so two uses of one
    story share only runs of function words: no 12-word run, and too little for a
    gap-tolerant aligner to chain (see bench/README.md).
    """

    def __init__(self, stories: list[Story], band: int = 64) -> None:
        counts: Counter = Counter()
        for s in stories:
            counts.update(w.lower() for w in re.findall(r"[A-Za-z]+", s.title))
            for p in s.paragraphs:
                for sent in p:
                    counts.update(w.lower() for w in re.findall(r"[A-Za-z]+", sent))
        ranked = sorted((w for w in counts if w not in FUNCTION_WORDS), key=lambda w: (-counts[w], w))
        self.keep = FUNCTION_WORDS
        self.words = ranked
        self.rank = {w: i for i, w in enumerate(ranked)}
        self.band = band
        self.bands: list[tuple[int, int]] = []  # per rank: (band start, band size)
        starts = list(range(0, len(ranked), band))
        if len(starts) > 1 and len(ranked) - starts[-1] < band:
            starts.pop()  # a short last band joins the one before
        self.band_of = np.zeros(len(ranked), dtype=np.int64)
        self.size_of = np.zeros(len(ranked), dtype=np.int64)
        for i, s in enumerate(starts):
            e = starts[i + 1] if i + 1 < len(starts) else len(ranked)
            self.band_of[s:e] = s
            self.size_of[s:e] = e - s
        self._word = re.compile(r"[A-Za-z]+|\d+")

    @property
    def max_rounds(self) -> int:
        return self.band - 2  # offset band-1 is reserved for copy edits

    def word(self, w: str, offset: int) -> str:
        if w.isdigit():  # an affine bijection on numbers of this length: distinct stay distinct
            a = 2 * offset + 1
            if a % 5 == 0:
                a += 2
            b = zlib.crc32(f"number|{offset}".encode())
            return str((a * int(w) + b) % (10 ** len(w))).zfill(len(w))
        low = w.lower()
        r = self.rank.get(low)
        if r is None or low in self.keep:
            return w
        start, size = int(self.band_of[r]), int(self.size_of[r])
        new = self.words[start + (r - start + offset) % size]
        if w.isupper() and len(w) > 1:
            return new.upper()
        if w[0].isupper():
            return new[:1].upper() + new[1:]
        return new

    def text(self, s: str, offset: int) -> str:
        if offset == 0:
            return s
        return self._word.sub(lambda m: self.word(m.group(), offset), s)
