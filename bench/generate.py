"""Generate a synthetic syndication corpus from the Reuters-21578 stories.

    python -m bench.generate --docs 10000 --out bench/out/10000 [--seed 1]

writes

    DIR/corpus/NNN/NNNNNN.txt   the articles, 1,000 per folder, in shuffled order
    DIR/corpus/metadata.csv     path,outlet,date of every article (the audit's sidecar)
    DIR/truth.jsonl             one line per republished passage (beside the corpus, not in it)
    DIR/manifest.json           settings, counts, timings and the 12-word-run check

Every article is original text (consecutive Reuters stories of one topic, 400-900
words) or a republication of another: a verbatim copy, an edited copy (a few words
changed, a sentence dropped, two sentences swapped), an excerpt of 2-4 paragraphs
inside an otherwise unrelated longer article, or a compilation page of 2-3
attributed blocks (title line, ``Name / Outlet`` byline, ``CITY (Month D, YYYY) —``
dateline).  About a fifth of the documents are republications; some copies are
copies of edited copies (chains).  Copies are dated 0-5 days after their source.

A truth line: {"copy": path, "copy_span": [start, end], "source": path,
"source_span": [start, end], "kind": "verbatim"|"edited"|"excerpt"|"compilation"}
with ``[start, end)`` Python string offsets into the file's text (UTF-8, ``\\n``
line endings), which is also the text the audit reads.

Original articles never share text: a Reuters story is used in one original
article only, until the corpus needs more text than the collection holds; then the
stories are used again in further rounds, sentences shuffled within each story and
the words rewritten (see ``bench.reuters.Rewriter``).  After writing, every pair of
original articles is checked for a shared run of 12 or more identical words
(``manifest.json``: ``check``).  The same seed gives the same corpus, byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from .reuters import TOKEN, Rewriter, Story, _gram_hashes, data_dir, dedupe, read_stories

GENERATOR_VERSION = 1
FILES_PER_FOLDER = 1000
MIN_WORDS, MAX_WORDS = 400, 900
REPUBLISHED_SHARE = 0.2
CHECK_RUN = 12

WIRES = {"Reuters": "Reuters", "Associated Press": "AP", "Agence France-Presse": "AFP", "Bloomberg": "Bloomberg"}
PAPERS = ["The Guardian", "The Times", "Daily Mail", "The Telegraph", "Financial Times", "The Independent",
          "The New York Times", "The Washington Post", "BBC News", "Daily Mirror", "Daily Express"]
AGGREGATORS = ["PoliticsHome", "Antiwar.com"]
MADE_UP = ["Harbour City Herald", "The Northfield Courier", "Midland Business Daily", "Lakeside Gazette",
           "Global Markets Digest", "The Commodity Report", "Riverside Post", "Coastal Evening News",
           "Prairie Ledger", "Metro Business Review", "The Trading Floor", "Eastern Valley Tribune",
           "Granite State Journal"]
COMPILERS = ["Global Markets Digest", "The Trading Floor", "PoliticsHome", "Antiwar.com", "The Commodity Report"]
FIRST_NAMES = ["Anna", "Ben", "Clara", "David", "Elena", "Farid", "Grace", "Hugo", "Irene", "James", "Kofi",
               "Lena", "Marco", "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Samir", "Tessa"]
LAST_NAMES = ["Albright", "Brennan", "Castillo", "Dunmore", "Ekwueme", "Fairweather", "Galloway", "Hartmann",
              "Ishikawa", "Jablonski", "Kowalczyk", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrakis"]
ROUNDUP = ["Roundup", "This week", "In brief", "Digest", "Reading list", "Catch up", "What they said"]
SECTIONS = ["Markets", "Business", "World", "Economy", "Analysis", "Commodities"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
YEAR_START = datetime(2016, 1, 1, tzinfo=timezone.utc)
_EDITABLE = re.compile(r"[A-Za-z]{4,}")


# --------------------------------------------------------------------------
# Original text: the pool of stories, consumed topic by topic, round by round
# --------------------------------------------------------------------------


@dataclass
class Article:
    topic: str
    title: str
    city: str
    paragraphs: list[list[str]]  # paragraph -> sentences
    round: int


class Pool:
    """Original articles assembled from consecutive stories of one topic.

    Round 0 takes the stories in collection order; round r >= 1 takes them in a
    shuffled order, shuffles the sentences within each story and rewrites the
    words with offset r.  Each story is used once per round.
    """

    def __init__(self, stories: list[Story], rewriter: Rewriter, seed: int) -> None:
        self.rewriter = rewriter
        self.seed = seed
        self.by_topic: dict[str, list[Story]] = {}
        for s in stories:
            self.by_topic.setdefault(s.topic, []).append(s)
        self.topics = sorted(self.by_topic)
        self.weights = [sum(s.words for s in self.by_topic[t]) for t in self.topics]
        self.cursor = {t: (0, 0) for t in self.topics}
        self.order = {t: list(range(len(self.by_topic[t]))) for t in self.topics}
        self.max_round = 0
        self.words = sum(self.weights)

    def topic(self, rng: random.Random) -> str:
        return rng.choices(self.topics, weights=self.weights)[0]

    def _next_story(self, topic: str) -> tuple[Story, list[list[str]], str, int]:
        rnd, pos = self.cursor[topic]
        stories = self.by_topic[topic]
        if pos >= len(stories):
            rnd, pos = rnd + 1, 0
            if rnd > self.rewriter.max_rounds:
                raise RuntimeError("corpus too large for the rewriter's bands; raise band")
            order = list(range(len(stories)))
            random.Random(f"{self.seed}:{topic}:{rnd}").shuffle(order)
            self.order[topic] = order
            self.max_round = max(self.max_round, rnd)
        self.cursor[topic] = (rnd, pos + 1)
        story = stories[self.order[topic][pos]]
        if rnd == 0:
            return story, story.paragraphs, story.title, rnd
        sentences = [s for p in story.paragraphs for s in p]
        random.Random(f"{self.seed}:{story.index}:{rnd}").shuffle(sentences)
        paragraphs, i = [], 0
        for p in story.paragraphs:
            paragraphs.append([self.rewriter.text(s, rnd) for s in sentences[i : i + len(p)]])
            i += len(p)
        return story, paragraphs, self.rewriter.text(story.title, rnd), rnd

    def article(self, topic: str, rng: random.Random) -> Article:
        target = rng.randint(MIN_WORDS, MAX_WORDS)
        paragraphs: list[list[str]] = []
        words = 0
        title = city = None
        first_round = None
        while words < target:
            rnd, pos = self.cursor[topic]
            story, paras, story_title, r = self._next_story(topic)
            if title is None:
                title, city, first_round = story_title, story.city, r
            if words + story.words > MAX_WORDS and words >= MIN_WORDS:
                self.cursor[topic] = (rnd, pos)  # keep the story for the next article
                break
            for p in paras:
                n = sum(len(s.split()) for s in p)
                if words + n > MAX_WORDS and words >= MIN_WORDS:
                    break  # the rest of an over-long story is not used
                paragraphs.append(p)
                words += n
        return Article(topic, title, city, paragraphs, first_round)


# --------------------------------------------------------------------------
# Documents as written, with the character spans the truth needs
# --------------------------------------------------------------------------


@dataclass
class Doc:
    path: str
    outlet: str
    date: datetime
    text: str
    title: str
    body: tuple[int, int]  # the article body (dateline included)
    core: int  # start of the body text after the dateline
    paragraphs: list[tuple[int, int]]  # spans; the first starts at ``core``
    sentences: list[list[str]]  # paragraph -> sentences (as written)
    city: str
    topic: str
    prefix: str  # the dateline prefix


class Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, s: str) -> tuple[int, int]:
        start = self.size
        self.parts.append(s)
        self.size += len(s)
        return start, self.size

    def text(self) -> str:
        return "".join(self.parts)


def render(path: str, outlet: str, date: datetime, title: str, prefix: str, paragraphs: list[list[str]],
           city: str, topic: str, tail: str = "") -> Doc:
    b = Builder()
    b.add(title + "\n\n")
    body_start = b.size
    b.add(prefix)
    spans = []
    for i, p in enumerate(paragraphs):
        if i:
            b.add("\n\n")
        spans.append(b.add(" ".join(p)))
    body_end = b.size
    if spans:
        spans[0] = (body_start + len(prefix), spans[0][1])
    if tail:
        b.add("\n\n" + tail)
    return Doc(path, outlet, date, b.text(), title, (body_start, body_end), body_start + len(prefix), spans,
               paragraphs, city, topic, prefix)


def iso(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def long_date(d: datetime) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def lag(rng: random.Random, after: datetime) -> datetime:
    """0-5 calendar days later, always strictly after."""
    return after + timedelta(seconds=rng.randint(20 * 60, 5 * 86400))


# --------------------------------------------------------------------------
# The plan: which documents are republications of which
# --------------------------------------------------------------------------


@dataclass
class Family:
    copies: list[str]  # 'v' verbatim, 'e' edited, 'x' excerpt, 'cv'/'ce' chain copy of the last edited copy
    blocks: list[int] = field(default_factory=list)  # compilations this source gives a block to


def plan(n: int, rng: random.Random) -> tuple[list[str], list[Family], list[int], dict[str, int]]:
    n_rep = round(n * REPUBLISHED_SHARE) if n >= 10 else 0
    n_comp = round(0.15 * n_rep)
    n_exc = round(0.2 * n_rep)
    n_verb = round(0.33 * n_rep)
    n_edit = n_rep - n_comp - n_exc - n_verb
    items = ["v"] * n_verb + ["e"] * n_edit + ["x"] * n_exc
    rng.shuffle(items)
    families: list[Family] = []
    i = 0
    while i < len(items):
        size = rng.choices([1, 2, 3], weights=[0.65, 0.25, 0.10])[0]
        fam = items[i : i + size]
        i += size
        # a copy that follows an edited copy in its family may be a copy of that copy
        seen_edit = False
        for j, kind in enumerate(fam):
            if seen_edit and kind in ("v", "e") and rng.random() < 0.5:
                fam[j] = "c" + kind
            seen_edit = seen_edit or kind == "e"
        families.append(Family(fam))
    sizes = [rng.choice([2, 3]) for _ in range(n_comp)]
    families += [Family([]) for _ in range(sum(sizes) // 2)]
    while len(families) < sum(sizes):
        families.append(Family([]))
    rng.shuffle(families)
    # each compilation takes consecutive families; no family gives blocks to two pages,
    # so no two pages hold the same pair of sources
    free = len(families) - sum(sizes)
    cuts = sorted(rng.randint(0, free) for _ in sizes)
    at = 0
    for c, (k, cut) in enumerate(zip(sizes, cuts)):
        start = at + cut - (cuts[c - 1] if c else 0)
        for j in range(k):
            families[start + j].blocks.append(c)
        at = start + k
    n_orig = n - n_rep
    if len(families) > n_orig:
        raise ValueError(f"{n} documents are too few for the plan")
    sequence = ["F"] * len(families) + ["S"] * (n_orig - len(families))
    rng.shuffle(sequence)
    counts = {"documents": n, "originals": n_orig, "sources": len(families),
              "unrelated": n_orig - len(families), "verbatim": n_verb, "edited": n_edit, "excerpt": n_exc,
              "compilation": n_comp, "compilation_blocks": sum(sizes),
              "chain_copies": sum(k.startswith("c") for f in families for k in f.copies)}
    return sequence, families, sizes, counts


# --------------------------------------------------------------------------
# The 12-word-run check, partitioned on disk to bound memory
# --------------------------------------------------------------------------


class RunCheck:
    """Collects the hashed 12-word runs of every original text and finds runs
    that two different original articles share."""

    PARTS = 16

    def __init__(self, folder: Path, k: int = CHECK_RUN) -> None:
        self.folder = folder
        self.k = k
        folder.mkdir(parents=True, exist_ok=True)
        self.buf_h: list[np.ndarray] = []
        self.buf_o: list[np.ndarray] = []
        self.buffered = 0
        self.total = 0

    def add(self, owner: int, pieces: list[str]) -> None:
        grams = []
        for piece in pieces:
            words = TOKEN.findall(piece.casefold())
            if len(words) < self.k:
                continue
            ids = np.fromiter((hash(w) for w in words), dtype=np.int64, count=len(words)).view(np.uint64)
            grams.append(_gram_hashes(ids, self.k))
        if not grams:
            return
        g = np.unique(np.concatenate(grams))
        self.buf_h.append(g)
        self.buf_o.append(np.full(g.shape[0], owner, dtype=np.int32))
        self.buffered += g.shape[0]
        if self.buffered > 2_000_000:
            self.flush()

    def flush(self) -> None:
        if not self.buf_h:
            return
        h = np.concatenate(self.buf_h)
        o = np.concatenate(self.buf_o)
        part = (h >> np.uint64(60)).astype(np.int64)
        for p in range(self.PARTS):
            sel = part == p
            with open(self.folder / f"h{p:02d}", "ab") as f:
                h[sel].tofile(f)
            with open(self.folder / f"o{p:02d}", "ab") as f:
                o[sel].tofile(f)
        self.total += h.shape[0]
        self.buf_h, self.buf_o, self.buffered = [], [], 0

    def shared(self) -> list[tuple[int, int]]:
        """Pairs of owners sharing at least one run (at most 100 listed)."""
        self.flush()
        pairs: set[tuple[int, int]] = set()
        for p in range(self.PARTS):
            hp, op = self.folder / f"h{p:02d}", self.folder / f"o{p:02d}"
            if not hp.exists():
                continue
            h = np.fromfile(hp, dtype=np.uint64)
            o = np.fromfile(op, dtype=np.int32)
            order = np.argsort(h, kind="stable")
            h, o = h[order], o[order]
            dup = np.flatnonzero(h[1:] == h[:-1])
            for i in dup.tolist():
                if o[i] != o[i + 1]:
                    pairs.add((int(min(o[i], o[i + 1])), int(max(o[i], o[i + 1]))))
        shutil.rmtree(self.folder, ignore_errors=True)
        return sorted(pairs)[:100]


# --------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------


class Generator:
    def __init__(self, n: int, out: Path, seed: int, stories: list[Story], check: bool = True) -> None:
        self.n = n
        self.out = out
        self.seed = seed
        self.rng = random.Random(seed)
        est_rounds = int(n * 0.9 * (MIN_WORDS + MAX_WORDS) / 2 / max(1, sum(s.words for s in stories))) + 2
        self.rewriter = Rewriter(stories, band=max(64, est_rounds + 8))
        self.pool = Pool(stories, self.rewriter, seed)
        positions = list(range(n))
        random.Random(f"{seed}:paths").shuffle(positions)
        self.positions = positions
        self.count = 0
        self.corpus = out / "corpus"
        self.check = RunCheck(out / ".runcheck") if check else None
        self.kinds: dict[str, int] = {}

    # ---- writing

    def next_path(self) -> str:
        p = self.positions[self.count]
        self.count += 1
        return f"{p // FILES_PER_FOLDER:03d}/{p:06d}.txt"

    def write(self, doc: Doc) -> None:
        target = self.corpus / doc.path
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="\n") as f:
            f.write(doc.text + "\n")
        self.meta.writerow([doc.path, doc.outlet, iso(doc.date)])

    def truth(self, copy: Doc, copy_span: tuple[int, int], source: Doc, source_span: tuple[int, int], kind: str) -> None:
        assert 0 <= copy_span[0] < copy_span[1] <= len(copy.text)
        assert 0 <= source_span[0] < source_span[1] <= len(source.text)
        self.truth_file.write(json.dumps({"copy": copy.path, "copy_span": list(copy_span), "source": source.path,
                                          "source_span": list(source_span), "kind": kind}) + "\n")
        self.kinds[kind] = self.kinds.get(kind, 0) + 1

    def original_check(self, doc: Doc, pieces: list[str] | None = None) -> None:
        if self.check is not None:
            self.check.add(self.positions[self.count - 1], pieces if pieces is not None else [doc.text])

    # ---- outlets and dates

    def source_outlet(self) -> str:
        r = self.rng.random()
        if r < 0.55:
            return self.rng.choices(list(WIRES), weights=[30, 15, 5, 5])[0]
        if r < 0.9:
            return self.rng.choice(PAPERS)
        return self.rng.choice(MADE_UP)

    def copy_outlet(self, *exclude: str) -> str:
        while True:
            r = self.rng.random()
            outlet = self.rng.choice(MADE_UP if r < 0.5 else PAPERS if r < 0.9 else AGGREGATORS)
            if outlet not in exclude:
                return outlet

    def date(self) -> datetime:
        return YEAR_START + timedelta(seconds=self.rng.randint(0, 354 * 86400))

    # ---- originals

    def original(self, outlet: str | None = None, topic: str | None = None, dateline: bool = True) -> Doc:
        topic = topic or self.pool.topic(self.rng)
        art = self.pool.article(topic, self.rng)
        outlet = outlet or self.source_outlet()
        prefix = ""
        if dateline and outlet in WIRES and self.rng.random() < 0.7:
            dash = "—" if outlet == "Associated Press" else "-"
            prefix = f"{art.city} ({WIRES[outlet]}) {dash} "
        return render(self.next_path(), outlet, self.date(), art.title, prefix, art.paragraphs, art.city, topic)

    # ---- republications

    def copy_title(self, title: str) -> str:
        return title if self.rng.random() < 0.5 else f"{self.rng.choice(SECTIONS)}: {title}"

    def credit(self, source: Doc) -> str:
        return f"{source.outlet} contributed to this report." if self.rng.random() < 0.35 else ""

    def verbatim(self, source: Doc, kind: str = "verbatim") -> Doc:
        outlet = self.copy_outlet(source.outlet)
        doc = render(self.next_path(), outlet, lag(self.rng, source.date), self.copy_title(source.title),
                     source.prefix, source.sentences, source.city, source.topic, self.credit(source))
        assert doc.text[doc.body[0]:doc.body[1]] == source.text[source.body[0]:source.body[1]]
        self.truth(doc, doc.body, source, source.body, kind)
        return doc

    def edit_words(self, sentence: str, count: int) -> str:
        words = list(_EDITABLE.finditer(sentence))
        if not words:
            return sentence
        chosen = sorted(self.rng.sample(range(len(words)), min(count, len(words))))
        out, last = [], 0
        for i in chosen:
            m = words[i]
            out.append(sentence[last : m.start()])
            out.append(self.rewriter.word(m.group(), self.rewriter.band - 1))
            last = m.end()
        out.append(sentence[last:])
        return "".join(out)

    def edited(self, source: Doc, kind: str = "edited") -> Doc:
        paras = [list(p) for p in source.sentences]
        rng = self.rng
        multi = [i for i, p in enumerate(paras) if len(p) >= 2]
        # drop a sentence (not the first of the article)
        if multi:
            i = rng.choice(multi)
            del paras[i][rng.randrange(1 if i == 0 else 0, len(paras[i]))]
        elif len(paras) >= 3:
            del paras[rng.randrange(1, len(paras))]
        # swap two sentences within a paragraph
        multi = [i for i, p in enumerate(paras) if len(p) >= 2]
        if multi:
            i = rng.choice(multi)
            j = rng.randrange(0, len(paras[i]) - 1)
            paras[i][j], paras[i][j + 1] = paras[i][j + 1], paras[i][j]
        elif len(paras) >= 3:
            j = rng.randrange(1, len(paras) - 1)
            paras[j], paras[j + 1] = paras[j + 1], paras[j]
        # change a few words, in 2-3 sentences
        for _ in range(rng.randint(2, 3)):
            i = rng.randrange(len(paras))
            j = rng.randrange(len(paras[i]))
            paras[i][j] = self.edit_words(paras[i][j], rng.randint(1, 2))
        outlet = self.copy_outlet(source.outlet)
        doc = render(self.next_path(), outlet, lag(rng, source.date), self.copy_title(source.title), source.prefix,
                     paras, source.city, source.topic, self.credit(source))
        self.truth(doc, doc.body, source, source.body, kind)
        return doc

    def excerpt(self, source: Doc) -> Doc:
        rng = self.rng
        n = len(source.paragraphs)
        k = min(n, rng.randint(2, 4))
        j0 = rng.randrange(0, n - k + 1)
        while k < n and sum(len(" ".join(p).split()) for p in source.sentences[j0 : j0 + k]) < 40:
            if j0 + k < n:
                k += 1
            else:
                j0 -= 1
                k += 1
        excerpt = source.text[source.paragraphs[j0][0] : source.paragraphs[j0 + k - 1][1]]
        src_span = (source.paragraphs[j0][0], source.paragraphs[j0 + k - 1][1])
        host_outlet = self.copy_outlet(source.outlet)
        art = self.pool.article(source.topic, rng)
        at = rng.randint(1, max(1, len(art.paragraphs) - 1))
        b = Builder()
        b.add(art.title + "\n\n")
        own = [art.title]
        span = None
        for i, p in enumerate(art.paragraphs):
            if i:
                b.add("\n\n")
            if i == at:
                span = b.add(excerpt)
                b.add("\n\n")
            text = " ".join(p)
            b.add(text)
            own.append(text)
        if span is None:
            b.add("\n\n")
            span = b.add(excerpt)
        path = self.next_path()
        doc = Doc(path, host_outlet, lag(rng, source.date), b.text(), art.title, (0, 0), 0, [], [], art.city,
                  source.topic, "")
        assert doc.text[span[0]:span[1]] == source.text[src_span[0]:src_span[1]]
        self.truth(doc, span, source, src_span, "excerpt")
        # the host's own text is original text: checked on both sides of the excerpt
        self.original_check(doc, [doc.text[: span[0]], doc.text[span[1] :]])
        return doc

    def compilation(self, blocks: list[Doc]) -> Doc:
        rng = self.rng
        outlet = rng.choice([o for o in COMPILERS if o not in {s.outlet for s in blocks}] or MADE_UP)
        date = lag(rng, max(s.date for s in blocks))
        topic = blocks[0].topic
        b = Builder()
        # the page's own lines share no 12-word run with another page's
        b.add(f"{rng.choice(ROUNDUP)}: {blocks[0].title}\n\n")
        b.add(f"{long_date(date)} - by {rng.choice(FIRST_NAMES)}")
        spans = []
        for s in blocks:
            m = len(s.paragraphs) if rng.random() < 0.5 else min(len(s.paragraphs), rng.randint(3, 6))
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            b.add(f"\n\n{s.title}\n{name} / {s.outlet}\n\n{s.city} ({long_date(s.date)}) — ")
            start = b.size
            b.add(s.text[s.paragraphs[0][0] : s.paragraphs[m - 1][1]])
            spans.append(((start, b.size), (s.paragraphs[0][0], s.paragraphs[m - 1][1])))
        if rng.random() < 0.3:
            b.add("\n\nReposted under fair use.")
        doc = Doc(self.next_path(), outlet, date, b.text(), "", (0, 0), 0, [], [], "", topic, "")
        for (cs, ss), s in zip(spans, blocks):
            assert doc.text[cs[0]:cs[1]] == s.text[ss[0]:ss[1]]
            self.truth(doc, cs, s, ss, "compilation")
        return doc

    # ---- the run

    def run(self) -> dict:
        t0 = time.perf_counter()
        sequence, families, sizes, counts = plan(self.n, self.rng)
        self.corpus.mkdir(parents=True, exist_ok=True)
        meta_file = open(self.corpus / "metadata.csv", "w", encoding="utf-8", newline="")
        self.meta = csv.writer(meta_file, lineterminator="\n")
        self.meta.writerow(["path", "outlet", "date"])
        self.truth_file = open(self.out / "truth.jsonl", "w", encoding="utf-8")
        pending: dict[int, list[Doc]] = {}
        fam_iter = iter(families)
        for step in sequence:
            if step == "S":
                doc = self.original()
                self.write(doc)
                self.original_check(doc)
                continue
            fam = next(fam_iter)
            source = self.original()
            self.write(source)
            self.original_check(source)
            last_edit = None
            for kind in fam.copies:
                if kind == "v":
                    doc = self.verbatim(source)
                elif kind == "e":
                    doc = last_edit = self.edited(source)
                elif kind == "x":
                    doc = self.excerpt(source)
                elif kind == "cv":
                    doc = self.verbatim(last_edit)
                else:  # "ce"
                    doc = self.edited(last_edit)
                self.write(doc)
            for c in fam.blocks:
                pending.setdefault(c, []).append(source)
                if len(pending[c]) == sizes[c]:
                    self.write(self.compilation(pending.pop(c)))
        assert not pending and self.count == self.n, (pending, self.count, self.n)
        meta_file.close()
        self.truth_file.close()
        written = time.perf_counter() - t0
        shared = self.check.shared() if self.check is not None else None
        path_of = {}
        if shared:
            path_of = {p: f"{p // FILES_PER_FOLDER:03d}/{p:06d}.txt" for pair in shared for p in pair}
        return {
            "generator_version": GENERATOR_VERSION,
            "documents": self.n,
            "seed": self.seed,
            "reuters": str(data_dir()),
            "pool_words": self.pool.words,
            "rounds_used": self.pool.max_round + 1,
            "plan": counts,
            "truth_passages": self.kinds,
            "seconds": {"write": round(written, 2), "check": round(time.perf_counter() - t0 - written, 2)},
            "check": None if shared is None else {
                "run_words": CHECK_RUN,
                "hashed_runs": self.check.total,
                "original_pairs_sharing_a_run": len(shared),
                "examples": [[path_of[a], path_of[b]] for a, b in shared[:10]],
            },
        }


def generate(n: int, out: Path, seed: int = 1, check: bool = True, force: bool = False) -> dict:
    out = Path(out)
    if (out / "corpus").exists():
        if not force:
            raise FileExistsError(f"{out / 'corpus'} exists; use --force to replace it")
        shutil.rmtree(out / "corpus")
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("truth.jsonl", "manifest.json"):
        (out / stale).unlink(missing_ok=True)
    t0 = time.perf_counter()
    stories = dedupe(read_stories())
    t_pool = time.perf_counter() - t0
    manifest = Generator(n, out, seed, stories, check=check).run()
    manifest["seconds"]["pool"] = round(t_pool, 2)
    manifest["seconds"]["total"] = round(time.perf_counter() - t0, 2)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, required=True, help="number of documents")
    ap.add_argument("--out", type=Path, default=None, help="output folder (default bench/out/DOCS)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-check", action="store_true", help="skip the 12-word-run check of original articles")
    ap.add_argument("--force", action="store_true", help="replace an existing corpus in --out")
    args = ap.parse_args(argv)
    out = args.out or Path(__file__).resolve().parent / "out" / str(args.docs)
    manifest = generate(args.docs, out, args.seed, check=not args.no_check, force=args.force)
    print(json.dumps(manifest, indent=2))
    check = manifest["check"]
    if check and check["original_pairs_sharing_a_run"]:
        print(f"warning: {check['original_pairs_sharing_a_run']} pairs of original articles share a "
              f"{CHECK_RUN}-word run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
