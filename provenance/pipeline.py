"""The audit, stage by stage.  Read this file to see the whole pipeline.

    inventory  -> every file under the corpus: documents, rejections, sidecar;
                  each text is spooled to disk as it is read (streaming ingest)
    analyse    -> every evidence rule applied to every document (cues), its
                  compilation blocks (segments), its word tokens as stable hashes,
                  and the MinHash LSH band keys of its windows (on the workers)
    candidates -> documents sharing LSH buckets paired for verification
    index      -> with an archive index: indexed documents sharing band keys
                  are brought in as candidates (and, with --add, stored after)
    attribute  -> outlet and date of each document, with evidence
    rarity     -> with rewritten copies looked for: how common each word is here
    verify     -> alignment keeps only real shared spans, with offsets and scores
    screen     -> same-site short spans (footers, sign-offs) and shared quotations
                  of a speaker are set aside: they are not republication
    cluster    -> spans joined into reuse clusters
    origins    -> each cluster's origin and chain of republications, and the
                  blocks and republished pages whose cited original is not here
    tie sources-> copies of one day that tie for first appearance matched, as
                  rewritten briefs, against an earlier text they were rewritten
                  from; if any is found, cluster and origins again
    measure    -> each document's reused fraction and derivation
"""

from __future__ import annotations

import time
from collections import OrderedDict
from functools import lru_cache

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import reverse_cuthill_mckee
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from .align import Seeds, TokenSpan, align_tokens, is_verbatim, seeds_of
from .attribution import attribute
from .cues import Cue, CueReader, captured_date
from .archive import AddStats, Archived, ArchiveIndex
from .candidates import (KeyBlocks, band_pairs, band_parameters, candidate_keys_pairs, count_pairs, unpack_pairs,
                         window_keys)
from .cluster import RawCluster, build_clusters, cluster_id
from .documents import document_ids
from .inventory import build_inventory
from .dates import compare_dates, unpreceded
from .model import (Attribution, AuditResult, Cluster, DateValue, Document, DocumentResult, Inventory, Member, Origin,
                    SpanPair)
from .origin import OriginContext, build_chain, choose_origin, tied_first
from .outlets import Registry, domain_of, load_registry
from .quotes import quoted_regions, quoted_share
from .sidecar import row_for
from .rarity import ContentWords, WordWeights, corpus_words
from .reach import MinTokens, settle
from .rewrite import Sentences, sentences_of, stopword_hashes
from .parallel import default_jobs, give_back_memory, map_chunks, state
from .briefs import batches, brief_span, corpus_briefs, unmatched_briefs
from .params import Params, default_params, in_characters
from .rules import RuleSet, load_rules
from .segments import Segment, find_segments
from .spool import TextSpool
from .tied import (TiedPassage, apart, choose_sources, claimed_by, index_passages, is_passage, may_source, passage_params,
                   passage_tokens, passage_words, source_pairs, source_span, token_range)
from .tied import enabled as tied_enabled
from .tokens import Tokenizer, Tokens, ideographic_text, marked_bounds, with_marks

Progress = Callable[[str, int, int], None]  # stage, done, total


@dataclass(frozen=True)
class AuditOptions:
    params: Params = field(default_factory=default_params)
    metadata: Path | None = None
    outlet_files: tuple[Path, ...] = ()
    rule_files: tuple[Path, ...] = ()
    max_file_bytes: int = 64 * 1024 * 1024
    follow_symlinks: bool = False
    jobs: int | None = None  # processes for the per-document and per-pair stages; None: all cores
    index: Path | None = None  # an archive index to audit against
    add_to_index: bool = False  # also add the audited documents to it
    source: str | None = None  # the name the corpus has in the index (default: its folder name)


def audit(corpus: Path, options: AuditOptions | None = None, progress: Progress | None = None) -> AuditResult:
    """Audit a corpus folder end to end and return everything the report needs."""
    options = options or AuditOptions()
    params = options.params
    jobs = options.jobs or default_jobs()
    timings: dict[str, float] = {}

    def timed(name: str, fn, *args):
        t0 = time.perf_counter()
        out = fn(*args)
        timings[name] = round(time.perf_counter() - t0, 4)
        return out

    registry = load_registry(options.outlet_files)
    rules = load_rules(options.rule_files)  # validated as a whole before any work starts
    inventory = timed("inventory", lambda: build_inventory(
        corpus, metadata=options.metadata, max_file_bytes=options.max_file_bytes,
        follow_symlinks=options.follow_symlinks, spool=TextSpool()))
    docs = list(inventory.documents)
    cues, segments, tokens, keys, owners = timed("analyse", analyse, inventory, rules, registry, jobs, progress,
                                                 params)
    b, r = band_parameters(params)
    pairs = unpack_pairs(timed("candidates", candidates, keys, owners, params, jobs))
    lsh_stats = {"windows": int(len(owners)), "candidate_pairs": len(pairs), "lsh_bands": b, "lsh_rows": r}
    archive: list[Archived] = []
    index = None
    source = options.source or corpus.resolve().name
    if options.index is not None:
        index = ArchiveIndex(options.index, params, rules.digest(), create=options.add_to_index)
        archive, archive_pairs = timed("index-lookup", lookup_archive, index, source, docs, keys, owners, params)
        reader = CueReader(rules, registry)
        tokenizer = Tokenizer()
        for a in archive:
            docs.append(a.document)
            cues.append(reader.read(a.document, a.sidecar, a.sidecar_path))
            segments.append(find_segments(a.document.text, cues[-1]))
            tokens.append(tokenizer(a.document.text).of(a.document.text))  # the text: for passage offsets
        pairs = sorted(set(pairs) | set(archive_pairs))
        lsh_stats.update(candidate_pairs=len(pairs), archive_documents=len(archive))
    if not options.add_to_index:
        keys = owners = None  # read by nothing after this: freed before verification
    attributions = timed("attribute", lambda: [attribute(c, s, registry, captured_date(d))
                                               for d, c, s in zip(docs, cues, segments)])
    give_back_memory()  # the band keys' memory, before the rarity stage takes its own
    weights, content = timed("rarity", rarity_weights, tokens, params)
    spans = timed("verify", verify, pairs, tokens, params, jobs, progress, weights, content)
    spans, screened = timed("screen", screen, spans, docs, attributions, params)
    briefs, brief_docs = timed("briefs", corpus_briefs, content, params) if content is not None else ([], set())
    spans, screened = timed("brief-verify", add_briefs, briefs, brief_docs, spans, screened, docs, attributions,
                            tokens, params, weights)
    lsh_stats["brief_pairs"] = len(briefs)
    if not tied_enabled(params):
        weights = content = None  # read by nothing after this
    raw = timed("cluster", build_clusters, spans, params.merge_overlap,
                params.merge_overlap_longer)
    context = Context(docs, attributions, cues, segments, registry, params,
                      words=lru_cache(maxsize=64)(lambda d: (*marked_bounds(tokens[d]), tokens[d].hashes)),
                      ideographic=frozenset(d for d, t in enumerate(tokens) if t.is_ideographic))
    settled: dict = {}
    clusters = timed("origins", decide_origins, raw, context, settled)
    sources, lsh_stats["tie_source_pairs"], more = timed("tie-sources", tie_sources, clusters, context, tokens,
                                                         content, weights)
    screened = {k: screened[k] + more[k] for k in screened}
    weights = content = None
    if sources:  # the tied clusters gain their sources: clustered and decided again
        spans = sorted(spans + sources, key=lambda s: (s.a, s.b))
        raw = timed("cluster-again", build_clusters, spans, params.merge_overlap, params.merge_overlap_longer)
        clusters = timed("origins-again", decide_origins, raw, context, settled)
    settled.clear()
    results = timed("measure", measure, docs, tokens, clusters, params)
    if index is not None:
        if options.add_to_index:
            added = timed("index-add", add_documents, index, source, inventory, keys, owners)
            lsh_stats.update(index_added=added.added, index_replaced=added.replaced, index_unchanged=added.unchanged,
                             index_removed=added.removed)
        index.close()
    stats = {
        **lsh_stats,
        "verified_pairs": len({(s.a, s.b) for s in spans}),
        "shared_spans": len(spans),
        "boilerplate_spans": screened["boilerplate"],
        "quotation_spans": screened["quotation"],
        "clusters": len(clusters),
        "seconds": timings,
    }
    return AuditResult(inventory, tuple(attributions), tuple(clusters), tuple(results), stats,
                       cues=tuple(tuple(c) for c in cues), segments=tuple(tuple(s) for s in segments),
                       rules=rules, registry=registry, archive=tuple((a.source, a.document) for a in archive))


def lookup_archive(index: ArchiveIndex, source: str, docs: list[Document], keys: KeyBlocks,
                   owners: np.ndarray, params: Params) -> tuple[list[Archived], list[tuple[int, int]]]:
    """Indexed documents sharing band keys with the new ones, and the pairs to verify.
    A file of this corpus already in the index is not compared with itself."""
    found = index.candidates(keys.array(), owners, params.bucket_clique_max, params.min_shared_buckets)
    own = {index.find(source, d.path, d.record) for d in docs} - {None}  # these files, indexed earlier
    rows = sorted({row for _doc, row in found if row not in own})
    archived = index.load(rows)
    position = {a.row: len(docs) + k for k, a in enumerate(archived)}
    pairs = [(doc, position[row]) for doc, row in found if row in position]
    return archived, pairs


_PARALLEL_WINDOWS = 100_000  # below this, starting the workers costs more than it saves


def _bands_chunk(bands: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    st = state()
    return [band_pairs(st["keys"], st["owners"], bands, st["params"].bucket_clique_max)]


def candidates(keys: KeyBlocks, owners: np.ndarray, params: Params, jobs: int) -> np.ndarray:
    """Document pairs sharing LSH buckets (``candidates.pairs_from_keys``), the bands
    shared out among the worker processes and their pairs merged."""
    b, _r = band_parameters(params)
    if jobs <= 1 or len(owners) < _PARALLEL_WINDOWS:
        return candidate_keys_pairs(keys, owners, params)
    per_worker = map_chunks(_bands_chunk, range(b), jobs=jobs, shared={"keys": keys, "owners": owners,
                                                                       "params": params},
                            stage="bands paired", chunk_size=-(-b // jobs))
    pairs, counts = count_pairs(np.concatenate([p for p, _c in per_worker]),
                                np.concatenate([c for _p, c in per_worker]))
    return pairs[counts >= params.min_shared_buckets] if params.min_shared_buckets > 1 else pairs


def _split_keys(keys: KeyBlocks, owners: np.ndarray, count: int) -> Iterator[np.ndarray]:
    bounds = np.searchsorted(owners, np.arange(count + 1), side="left").tolist()
    for i in range(count):
        yield keys.rows(bounds[i], bounds[i + 1])


def add_documents(index: ArchiveIndex, source: str, inventory: Inventory, keys: KeyBlocks,
                  owners: np.ndarray) -> AddStats:
    rows = {r.path: r for r in inventory.sidecar.rows}
    per_doc = _split_keys(keys, owners, len(inventory.documents))
    items = ((materialised(d), row_for(rows, d), inventory.sidecar.path, k)
             for d, k in zip(inventory.documents, per_doc))
    from .report import now_iso

    return index.add(source, items, added_at=now_iso())


def index_corpus(corpus: Path, index_path: Path, options: AuditOptions | None = None,
                 progress: Progress | None = None) -> tuple[AddStats, Inventory]:
    """``provenance index add``: read, fingerprint and store a corpus in the index."""
    options = options or AuditOptions()
    registry = load_registry(options.outlet_files)
    rules = load_rules(options.rule_files)
    index = ArchiveIndex(index_path, options.params, rules.digest(), create=True)
    try:
        inventory = build_inventory(corpus, metadata=options.metadata, max_file_bytes=options.max_file_bytes,
                                    follow_symlinks=options.follow_symlinks, spool=TextSpool())
        _cues, _segments, _tokens, keys, owners = analyse(inventory, rules, registry,
                                                          options.jobs or default_jobs(), progress,
                                                          options.params)
        stats = add_documents(index, options.source or corpus.resolve().name, inventory, keys, owners)
    finally:
        index.close()
    return stats, inventory


def materialised(doc: Document) -> Document:
    """The document with its text in memory (read back from the spool)."""
    return doc if type(doc.text) is str else replace(doc, text=str(doc.text))


def _analysed(indices: Sequence[int]) -> Iterator[tuple[Document, list[Cue], Tokens]]:
    st = state()
    docs, rows, reader, sidecar = st["docs"], st["rows"], st["reader"], st["sidecar"]
    tokenizer = st.setdefault("tokenizer", Tokenizer(sentences=st.get("sentences", True)))
    for i in indices:
        d = materialised(docs[i])
        yield d, reader.read(d, row_for(rows, d), sidecar), tokenizer(d.text)


def _analyse_chunk(indices: Sequence[int]) -> list[tuple[list[Cue], Tokens]]:
    return [(c, t) for _d, c, t in _analysed(indices)]


def _fingerprint_chunk(indices: Sequence[int]) -> list[tuple[list[Cue], list[Segment], Tokens, int, np.ndarray | None]]:
    """Per document of a run of consecutive ones: its cues, its compilation blocks,
    its tokens and its number of windows; the chunk's band keys, one array, ride
    with its first document (one large array per chunk, not a small one per
    document, which would fragment the main process's memory)."""
    done = [(c, find_segments(d.text, c), t) for d, c, t in _analysed(indices)]
    keys, owners = window_keys([t for _c, _s, t in done], state()["params"], first_doc=indices[0] if indices else 0)
    counts = np.bincount(owners - indices[0], minlength=len(indices)).tolist() if indices else []
    return [(c, s, t.hashes_only(), counts[k], keys if k == 0 else None) for k, (c, s, t) in enumerate(done)]


def analyse(inventory: Inventory, rules: RuleSet, registry: Registry, jobs: int, progress: Progress | None,
            params: Params) -> tuple[list[list[Cue]], list[list[Segment]], list[Tokens], KeyBlocks, np.ndarray]:
    """Every document's cues (evidence rules applied), compilation blocks, word
    tokens and window band keys, computed together on the worker processes; the keys come back in the
    blocks the workers send (``KeyBlocks``), with the document of each row (sorted
    by document).  The tokens keep
    their hashes only: offsets are found again in the text for the few documents
    whose spans need them, so that the audit does not hold them all."""
    shared = {"docs": inventory.documents, "rows": {r.path: r for r in inventory.sidecar.rows},
              "reader": CueReader(rules, registry), "sidecar": inventory.sidecar.path, "params": params,
              "sentences": params.sentence_min_words > 0}
    done = map_chunks(_fingerprint_chunk, range(len(inventory.documents)), jobs=jobs, shared=shared,
                      stage="documents analysed", progress=progress, chunk_size=64)
    b, _r = band_parameters(params)
    owners = np.repeat(np.arange(len(done), dtype=np.int64), [n for _c, _s, _t, n, _k in done])
    blocks = [k for _c, _s, _t, _n, k in done if k is not None]
    cues = [c for c, _s, _t, _n, _k in done]
    segments = [s for _c, s, _t, _n, _k in done]
    tokens = [t.of(d.text) for (_c, _s, t, _n, _k), d in zip(done, inventory.documents)]  # offsets found again when needed
    return cues, segments, tokens, KeyBlocks(blocks, b), owners


def rarity_weights(tokens: Sequence[Tokens], params: Params) -> tuple[WordWeights | None, ContentWords | None]:
    """The corpus's word rarity, read by rewritten-sentence matching and by the
    relatedness of two documents whose only shared spans are short; and each
    document's content words, which relatedness compares."""
    if (params.sentence_min_words <= 0 and params.pair_min_relatedness <= 0) or params.sentence_rarity_prior <= 0:
        return None, None
    return corpus_words((t.hashes for t in tokens), stopword_hashes(), params.sentence_rarity_prior)


_SEED_CACHE = 3_000  # documents whose seeds a verify worker keeps


def _verify_chunk(pairs: Sequence[tuple[int, int]]) -> list[SpanPair]:
    st = state()
    tokens, params, weights, content = st["tokens"], st["params"], st.get("weights"), st.get("content")
    # the seeds of the documents used most recently, at most _SEED_CACHE of them: pairs
    # come in_reach order, so a document's pairs are near one another
    cache: OrderedDict[int, Seeds] = st.setdefault("seeds", OrderedDict())

    def seeds(i: int) -> Seeds:
        found = cache.get(i)
        if found is None:
            n = in_characters(params, params.ideographic_word_chars).seed_ngram if tokens[i].is_ideographic \
                else params.seed_ngram
            found = cache[i] = seeds_of(tokens[i], n, params.max_seed_occurrences,
                                        params.sentence_min_words > 0, weights,
                                        content.of(i) if content is not None else None)
            if len(cache) > _SEED_CACHE:
                cache.popitem(last=False)
        else:
            cache.move_to_end(i)
        return found

    out: list[SpanPair] = []
    for a, b in pairs:
        found = align_tokens(tokens[a], tokens[b], params, seeds(a), seeds(b))
        if found:
            out += span_pairs(a, b, tokens[a], tokens[b], found)
    return out


def span_pairs(a: int, b: int, ta: Tokens, tb: Tokens, found: Sequence[TokenSpan]) -> list[SpanPair]:
    """Verified spans of documents ``a`` and ``b`` in character offsets, each
    passage taking the marks of its first and last words."""
    # each text read once (from the spool, for a large audit): for its word bounds
    # and for the marks a passage's first and last words carry
    text_a = str(ta.text) if ta.text is not None else ""
    text_b = str(tb.text) if tb.text is not None else ""
    (sa, ea) = ta.of(text_a).bounds() if text_a else ta.bounds()
    (sb, eb) = tb.of(text_b).bounds() if text_b else tb.bounds()
    out = []
    for s in found:
        a0, a1 = with_marks(text_a, int(sa[s.a_start]), int(ea[s.a_end - 1]))
        b0, b1 = with_marks(text_b, int(sb[s.b_start]), int(eb[s.b_end - 1]))
        out.append(SpanPair(
            a=a, a_start=a0, a_end=a1,
            b=b, b_start=b0, b_end=b1,
            similarity=round(s.similarity, 4), verbatim=is_verbatim(ta, tb, s),
            tokens=min(s.matched_a, s.matched_b),
            anchors=tuple(int(x) for i0, j0, i1, j1 in s.anchors
                          for x in (sa[i0], sb[j0], ea[i1 - 1], eb[j1 - 1])),
        ))
    return out


def sentence_cache(tokens: Mapping[int, Tokens] | Sequence[Tokens],
                   weights: WordWeights | None) -> Callable[[int], Sentences]:
    """Each document's sentences (``rewrite.sentences_of``), the ``_SEED_CACHE`` used most
    recently kept: pairs come document by document, so its partners recur."""
    cache: OrderedDict[int, Sentences] = OrderedDict()

    def sentences(i: int) -> Sentences:
        found = cache.get(i)
        if found is None:
            found = cache[i] = sentences_of(tokens[i], weights)
            if len(cache) > _SEED_CACHE:
                cache.popitem(last=False)
        else:
            cache.move_to_end(i)
        return found

    return sentences


def brief_matches(pairs: Sequence[tuple[int, int]], tokens: Mapping[int, Tokens] | Sequence[Tokens], params: Params,
                  weights: WordWeights | None = None) -> list[tuple[int, int, float, SpanPair]]:
    """Each (brief, other) pair verified as a rewritten brief (``briefs.brief_span``):
    (brief, other, share of the brief's words the other holds, the span)."""
    out = []
    sentences = sentence_cache(tokens, weights)  # pairs come by brief: its partners recur
    for x, y in pairs:
        got = brief_span(tokens[x], tokens[y], sentences(x), sentences(y), weights, params)
        if got is not None:
            span, share = got
            a, b = min(x, y), max(x, y)
            for found in span_pairs(a, b, tokens[a], tokens[b], [span if a == x else span.swapped()]):
                out.append((x, y, share, replace(found, match="rewritten-brief")))
    return out


def add_briefs(briefs: Sequence[tuple[int, int]], brief_docs: set[int], spans: list[SpanPair],
               screened: dict[str, int], docs: list[Document], atts: list[Attribution], tokens: list[Tokens],
               params: Params, weights: WordWeights | None) -> tuple[list[SpanPair], dict[str, int]]:
    """The screened spans with the rewritten briefs added (``briefs``): each brief
    that has no span of its own, against the earlier or undated text it condenses."""
    unmatched = unmatched_briefs(briefs, brief_docs, {d for s in spans for d in (s.a, s.b)},
                                 lambda d: atts[d].date)
    found = brief_matches(unmatched, tokens, params, weights)
    kept, more = screen([m[3] for m in found], docs, atts, params)
    keep = {id(s) for s in kept}
    spans = sorted(spans + best_briefs((m for m in found if id(m[3]) in keep), lambda d: atts[d].date),
                   key=lambda s: (s.a, s.b))
    return spans, {k: screened[k] + more[k] for k in screened}


def best_briefs(matches: Iterable[tuple[int, int, float, SpanPair]],
                dates: Callable[[int], DateValue | None] = lambda d: None) -> list[SpanPair]:
    """Each brief against the text it condenses: of the texts certainly published before
    it, if any (a text of its own day may be a sibling retelling the same story), those
    holding the highest share of its words, and of those the ones no other was certainly
    published before (``dates``: each document's).  Two briefs of one story may each be
    the other's: the pair keeps one span, the lower brief's."""
    by_brief: dict[int, list[tuple[int, float, SpanPair]]] = {}
    for x, y, share, s in sorted(matches, key=lambda m: (m[0], m[1])):
        by_brief.setdefault(x, []).append((y, share, s))

    def before(u: int, v: int | None) -> bool:
        du, dv = dates(u), dates(v) if v is not None else None
        return du is not None and dv is not None and compare_dates(du, dv) == -1

    kept: dict[tuple[int, int], SpanPair] = {}
    for x, found in by_brief.items():
        pool = [f for f in found if before(f[0], x)] or found
        best = max(share for _y, share, _s in pool)
        top = [f for f in pool if f[1] >= best - 1e-9]
        for (y, _share, s), first in zip(top, unpreceded([dates(y) for y, _sh, _s in top])):
            if first:
                kept.setdefault((s.a, s.b), s)
    return [kept[k] for k in sorted(kept)]


def tied_passages(clusters: Iterable[Cluster], tokens: Mapping[int, Tokens] | Sequence[Tokens], params: Params
                  ) -> tuple[list[TiedPassage], list[np.ndarray]]:
    """The passages of the members whose same-day tie left a cluster's origin
    undetermined (``Cluster.tied``), of a size to be matched as briefs, with their
    content words; in the clusters' order."""
    passages, words, seen = [], [], set()
    for n, c in enumerate(clusters):
        first = set(c.tied)
        members = frozenset(m.doc for m in c.members)
        for m in c.members:
            if m.doc not in first:
                continue
            lo, hi = token_range(tokens[m.doc], m.start, m.end)
            w = passage_words(tokens[m.doc], lo, hi)
            if (m.doc, lo, hi) in seen or not is_passage(len(w), params):
                continue
            seen.add((m.doc, lo, hi))
            passages.append(TiedPassage(m.doc, lo, hi, c.tied, members, n))
            words.append(w)
    return passages, words


def tie_matches(pairs: Sequence[tuple[int, int]], passages: Sequence[TiedPassage],
                tokens: Mapping[int, Tokens] | Sequence[Tokens], params: Params,
                weights: WordWeights | None) -> list[tuple[int, int, float, SpanPair]]:
    """Each (passage, text) pair verified as a rewritten brief (``tied.source_span``):
    (passage, text, share of the passage's words the text holds, the span)."""
    limits = passage_params(params)
    sentences = sentence_cache(tokens, weights)
    out = []
    own: dict[int, tuple[Tokens, Sentences]] = {}  # pairs come by passage: each made once
    for k, d in pairs:
        p = passages[k]
        if k not in own:
            tp = passage_tokens(tokens[p.doc], p.start, p.end)
            own.clear()
            own[k] = (tp, sentences_of(tp, weights))
        tp, sp = own[k]
        got = source_span(p, tp, sp, tokens[d], sentences(d), weights, limits)
        if got is not None:
            span, share = got
            a, b = min(p.doc, d), max(p.doc, d)
            for found in span_pairs(a, b, tokens[a], tokens[b], [span if a == p.doc else span.swapped()]):
                out.append((k, d, share, replace(found, match="rewritten-tie")))
    return out


def tie_sources(clusters: Sequence[Cluster], ctx: "Context", tokens: Sequence[Tokens],
                content: ContentWords | None, weights: WordWeights | None
                ) -> tuple[list[SpanPair], int, dict[str, int]]:
    """Spans between tied copies and the text they were rewritten from (``tied``), how
    many (passage, text) pairs the index proposed, and how many verified spans the
    screen set aside (boilerplate, quotation)."""
    params, atts = ctx.params, ctx.attributions
    none = {"boilerplate": 0, "quotation": 0}
    if content is None or not tied_enabled(params):
        return [], 0, none
    passages, words = tied_passages((c for c in clusters if c.tied), tokens, params)
    if not passages:
        return [], 0, none
    index = index_passages(passages, words, weights, params)
    sizes = np.diff(content.starts)
    pairs = source_pairs(index, passages, batches(range(len(sizes)), sizes), content.hashes_of,
                         may_source(lambda d: atts[d].date, lambda d: atts[d].outlet_kind == "wire"))
    matches = tie_matches(pairs, passages, tokens, params, weights)
    kept, screened = screen([m[3] for m in matches], ctx.docs, atts, params)
    keep = {id(s) for s in kept}
    matches = apart([m for m in matches if id(m[3]) in keep], claimed_by(clusters, {m[1] for m in matches}),
                    params.merge_overlap)
    return choose_sources(matches, passages, lambda d: atts[d].date), len(pairs), screened


def in_reach(pairs: Sequence[tuple[int, int]], documents: int) -> list[tuple[int, int]]:
    """The pairs in an order that keeps each document's pairs close together, so
    that a worker's seed cache holds the documents it meets.

    In (a, b) order the partners b of one document are spread over the whole corpus,
    and a worker computed the seeds of most documents several times over.  Numbering
    the documents so that candidate partners get near numbers (reverse Cuthill-McKee,
    which narrows a sparse matrix's band) and taking the pairs by those numbers
    halves that on the benchmark corpora."""
    if len(pairs) < 2:
        return list(pairs)
    a = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
    b = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
    graph = csr_matrix((np.ones(len(pairs), dtype=np.int8), (a, b)), shape=(documents, documents))
    rank = np.empty(documents, dtype=np.int64)
    rank[reverse_cuthill_mckee(graph + graph.T, symmetric_mode=True)] = np.arange(documents)
    ra, rb = rank[a], rank[b]
    order = np.lexsort((np.maximum(ra, rb), np.minimum(ra, rb)))
    return [pairs[i] for i in order.tolist()]


def verify(pairs: list[tuple[int, int]], tokens: list[Tokens], params: Params, jobs: int = 1,
           progress: Progress | None = None, weights: WordWeights | None = None,
           content: ContentWords | None = None) -> list[SpanPair]:
    """Align every candidate pair; keep verified spans with character offsets, in the
    order of ``pairs`` (sorted)."""
    spans = map_chunks(_verify_chunk, in_reach(pairs, len(tokens)), jobs=jobs,
                       shared={"tokens": tokens, "params": params, "weights": weights, "content": content},
                       stage="candidates verified", progress=progress, chunk_size=512)
    spans.sort(key=lambda s: (s.a, s.b))  # stable: a pair's spans keep their order
    return spans


def site_of(doc: Document, att: Attribution) -> str | None:
    """The site a document belongs to: its outlet, else its web domain."""
    if att.outlet:
        return att.outlet
    return domain_of(doc.url) if doc.url else None


def is_boilerplate(s: SpanPair, docs: list[Document], atts: list[Attribution], params: Params) -> bool:
    """A short span shared only within one site (a footer, a sign-off).

    A wire agency's own stories share text because they are versions of one
    story, so the rule does not apply to wires.
    """
    site_a, site_b = site_of(docs[s.a], atts[s.a]), site_of(docs[s.b], atts[s.b])
    same_site = site_a is not None and site_a == site_b and atts[s.a].outlet_kind != "wire"
    return same_site and s.tokens < _words_in_tokens(s, docs, params, params.boilerplate_max_tokens)


def _words_in_tokens(s: SpanPair, docs: list[Document], params: Params, words: int) -> float:
    """``words`` as a number of tokens of span ``s``: more where its text is written in
    ideographs and kana, a token a character (``align.ideographic_word_chars``)."""
    scale = params.ideographic_word_chars
    if scale == 1.0 or s.tokens < words or s.tokens >= words * scale:
        return words  # the answer is the same either way: the text need not be read
    return words * scale if ideographic_text(str(docs[s.a].text)[s.a_start:s.a_end]) else words


def screen(spans: list[SpanPair], docs: list[Document], atts: list[Attribution],
           params: Params) -> tuple[list[SpanPair], dict[str, int]]:
    """Set aside verified spans that are not republication: boilerplate and quotations."""
    quoted: dict[int, list[tuple[int, int]]] = {}

    def regions(i: int) -> list[tuple[int, int]]:
        if i not in quoted:
            quoted[i] = quoted_regions(str(docs[i].text))
        return quoted[i]

    kept: list[SpanPair] = []
    counts = {"boilerplate": 0, "quotation": 0}
    for s in spans:
        if is_boilerplate(s, docs, atts, params):
            counts["boilerplate"] += 1
        elif (s.tokens < _words_in_tokens(s, docs, params, params.max_tokens)
              and quoted_share(regions(s.a), s.a_start, s.a_end) >= params.min_share
              and quoted_share(regions(s.b), s.b_start, s.b_end) >= params.min_share):
            counts["quotation"] += 1
        else:
            kept.append(s)
    return kept, counts


@dataclass(frozen=True)
class Context:
    """What the origin step reads about every document."""

    docs: list[Document]
    attributions: list[Attribution]
    cues: list[list[Cue]]
    segments: list[list[Segment]]
    registry: Registry
    params: Params
    # a document's word start and end offsets and word hashes, read when a pair is cut at
    # the traced text
    words: Callable[[int], tuple[np.ndarray, ...]] | None = None
    # the documents written mostly in ideographs and kana (Tokens.is_ideographic): between
    # two of them a piece cut off a pair needs its length in characters (in_characters)
    ideographic: frozenset[int] = frozenset()

    def min_cut_tokens(self) -> MinTokens:
        """The matched words a piece cut off a pair at the traced text needs to stand
        alone (reach.split): ``align.min_span_tokens``, counted in characters between two
        documents in ideographs, as every length in words is."""
        p = self.params
        if not self.ideographic:
            return p.min_span_tokens
        wide, both = in_characters(p, p.ideographic_word_chars).min_span_tokens, self.ideographic
        return lambda a, b: wide if a in both and b in both else p.min_span_tokens

    def origin_context(self, rc: RawCluster) -> OriginContext:
        kinds = {o.name: o.kind for o in self.registry.outlets}
        return OriginContext(rc, self.docs, self.attributions, self.params.origin_min_share, self.cues,
                             self.segments, kinds)


def decide_origins(raw: list[RawCluster], ctx: Context, memo: dict | None = None) -> list[Cluster]:
    """Every cluster's origin (``memo``: the settled clusters of each raw cluster already
    decided, kept and read by a second pass that changed only a few)."""
    ids = document_ids(ctx.docs)
    out = origin_clusters(raw, ctx, ids, memo)
    out += cited_origins(out, ctx, ids)
    out.sort(key=lambda c: (c.members[0].doc, c.members[0].start, c.members[0].end, c.id))
    return out


def origin_clusters(raw: list[RawCluster], ctx: Context, ids: Sequence[str] | Mapping[int, str],
                    memo: dict | None = None) -> list[Cluster]:
    """Each cluster's origin and chain, once members not holding the origin's text are
    split off into clusters of their own (reach.settle); ordered by members."""
    p = ctx.params
    min_tokens = ctx.min_cut_tokens()
    settled = []
    for rc in reversed(raw):  # the order settle takes them in: each with its splits
        got = memo.get(rc) if memo is not None else None
        if got is None:
            got = [(r, origin, build_chain(ctx.origin_context(r), origin, p.near_duplicate))
                   for r, origin in settle([rc], lambda r: choose_origin(ctx.origin_context(r)), p.merge_overlap,
                                           p.merge_overlap_longer, p.trace_min_share, min_tokens,
                                           ctx.words, rank=ids.__getitem__)]
            if memo is not None:
                memo[rc] = got
        settled += got
    out, seen = [], set()
    for rc, origin, chain in sorted(settled, key=lambda s: [(m.doc, m.start, m.end) for m in s[0].members]):
        cid = cluster_id([f"{ids[m.doc]}:{m.start}-{m.end}" for m in rc.members])
        if cid in seen:  # two splits that ended with the same members are one cluster
            continue
        seen.add(cid)
        tied = () if origin.determined else tuple(sorted(tied_first(ctx.origin_context(rc))))
        out.append(Cluster(id=cid, members=rc.members, origin=origin, chain=chain, edges=rc.edges, tied=tied))
    return out


def _covered_by(members: dict[int, list[tuple[int, int]]], doc: int, start: int, end: int) -> int:
    """Characters of ``[start, end)`` of a document inside its cluster members."""
    spans = sorted((max(start, s), min(end, e)) for s, e in members.get(doc, ()) if s < end and start < e)
    total, reach = 0, start
    for s, e in spans:
        if e > reach:
            total += e - max(s, reach)
            reach = e
    return total


def cited_origins(clusters: list[Cluster], ctx: Context, ids: list[str]) -> list[Cluster]:
    """Blocks of compilation pages, and pages declaring themselves republications,
    whose cited original is not in the corpus: each becomes a one-member cluster
    whose origin is the cited outlet (and date), outside the corpus."""
    out = []
    members: dict[int, list[tuple[int, int]]] = {}
    for c in clusters:
        for m in c.members:
            members.setdefault(m.doc, []).append((m.start, m.end))
    for d, doc in enumerate(ctx.docs):
        own = ctx.attributions[d].outlet
        claims: list[tuple[int, int, str, object, list[Cue], str]] = []
        for seg in ctx.segments[d]:
            if seg.outlet and seg.outlet != own:
                title = f"block {seg.title!r}" if seg.title else "a block"
                claims.append((seg.start, seg.end, seg.outlet, seg.date, list(seg.cues),
                               f"{title} of this page cites {seg.outlet}"
                               + (f" ({seg.date.iso})" if seg.date else "") + " as its source"))
        if not ctx.segments[d]:
            for c in ctx.cues[d]:
                if c.role == "pointer" and c.relation == "republication" and c.outlets and c.outlets[0] != own:
                    claims.append((0, len(doc.text.rstrip()), c.outlets[0], None, [c],
                                   f"the page says it republishes {c.outlets[0]}: {c.text[:80]!r}"))
                    break
        for start, end, outlet, date, cues, why in claims:
            if end <= start or _covered_by(members, d, start, end) >= 0.5 * (end - start):
                continue  # the text is in a reuse cluster; the origin rules read the same cues there
            member = Member(doc=d, start=start, end=end, similarity=0.0, verbatim=False)
            rc = RawCluster((member,), ())
            origin = Origin(member=None, outlet=outlet, date=date, in_corpus=False, rule="cited-origin",
                            confidence="high" if date is not None else "medium",
                            reason=why + "; the original is not in the corpus",
                            evidence=tuple(replace(c.evidence(), document=d) for c in cues))
            chain = build_chain(ctx.origin_context(rc), origin, ctx.params.near_duplicate)
            cid = cluster_id([f"{ids[d]}:{start}-{end}", f"cited:{outlet}"])
            out.append(Cluster(id=cid, members=(member,), origin=origin, chain=chain))
    return out


def _covered(starts: np.ndarray, intervals: list[tuple[int, int]]) -> int:
    """Tokens (given by their start offsets) inside any of the intervals."""
    if not intervals or len(starts) == 0:
        return 0
    mask = np.zeros(len(starts), dtype=bool)
    for s, e in intervals:
        lo = int(np.searchsorted(starts, s, side="left"))
        hi = int(np.searchsorted(starts, e, side="left"))
        mask[lo:hi] = True
    return int(mask.sum())


def classify(fraction: float, params: Params) -> str:
    if fraction >= params.wholly:
        return "wholly_derived"
    if fraction >= params.partially:
        return "partially_derived"
    return "non_derived"


def measure(docs: list[Document], tokens: list[Tokens], clusters: list[Cluster], params: Params) -> list[DocumentResult]:
    """Reused fraction: the share of a document's words in passages that came from elsewhere."""
    reused: dict[int, list[tuple[int, int]]] = {}
    shared: dict[int, list[tuple[int, int]]] = {}
    for c in clusters:
        origin_doc = c.members[c.origin.member].doc if c.origin.member is not None else None
        for m in c.members:
            shared.setdefault(m.doc, []).append((m.start, m.end))
            came_from_elsewhere = c.origin.determined and origin_doc != m.doc
            if came_from_elsewhere:
                reused.setdefault(m.doc, []).append((m.start, m.end))
    out = []
    for i, t in enumerate(tokens):
        total = len(t)
        starts = t.starts if total and i in shared else np.zeros(0, dtype=np.int32)
        frac = _covered(starts, reused.get(i, [])) / total if total else 0.0
        share = _covered(starts, shared.get(i, [])) / total if total else 0.0
        out.append(DocumentResult(doc=i, reused_fraction=round(frac, 4), shared_fraction=round(share, 4),
                                  derivation=classify(frac, params)))
    return out
