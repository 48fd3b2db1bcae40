"""The audit, stage by stage.  Read this file to see the whole pipeline.

    inventory  -> every file under the corpus: documents, rejections, sidecar
    attribute  -> outlet and date of each document, with evidence
    tokenise   -> word tokens with offsets and stable hashes
    candidates -> MinHash/LSH proposals of document pairs that may share text
    verify     -> alignment keeps only real shared spans, with offsets and scores
    screen     -> same-site short spans (footers, sign-offs) and shared quotations
                  of a speaker are set aside: they are not republication
    cluster    -> spans joined into reuse clusters
    origins    -> each cluster's origin and chain of republications
    measure    -> each document's reused fraction and derivation
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .align import align_tokens, is_verbatim
from .attribution import attribute, document_url
from .candidates import candidate_pairs
from .cluster import RawCluster, build_clusters, cluster_id
from .documents import document_ids
from .inventory import build_inventory
from .model import Attribution, AuditResult, Cluster, Document, DocumentResult, Inventory, SpanPair
from .origin import OriginContext, build_chain, choose_origin
from .outlets import Registry, domain_of, load_registry
from .quotes import quoted_regions, quoted_share
from .params import Params, default_params
from .tokens import Tokenizer, Tokens

Progress = Callable[[str], None]


@dataclass(frozen=True)
class AuditOptions:
    params: Params = field(default_factory=default_params)
    metadata: Path | None = None
    outlet_files: tuple[Path, ...] = ()
    max_file_bytes: int = 64 * 1024 * 1024
    follow_symlinks: bool = False


def audit(corpus: Path, options: AuditOptions | None = None, progress: Progress | None = None) -> AuditResult:
    """Audit a corpus folder end to end and return everything the report needs."""
    options = options or AuditOptions()
    params = options.params
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}

    def timed(name: str, fn, *args):
        t0 = time.perf_counter()
        out = fn(*args)
        timings[name] = round(time.perf_counter() - t0, 4)
        say(name)
        return out

    registry = load_registry(options.outlet_files)
    inventory = timed("inventory", lambda: build_inventory(
        corpus, metadata=options.metadata, max_file_bytes=options.max_file_bytes,
        follow_symlinks=options.follow_symlinks))
    docs = list(inventory.documents)
    attributions = timed("attribute", attribute_all, inventory, registry)
    tokens = timed("tokenise", tokenise_all, docs)
    pairs, lsh_stats = timed("candidates", candidate_pairs, tokens, params)
    spans = timed("verify", verify, pairs, tokens, params)
    spans, screened = timed("screen", screen, spans, docs, attributions, params)
    raw = timed("cluster", build_clusters, spans, params.merge_overlap)
    clusters = timed("origins", decide_origins, raw, docs, attributions, params)
    results = timed("measure", measure, docs, tokens, clusters, params)
    stats = {
        **lsh_stats,
        "verified_pairs": len({(s.a, s.b) for s in spans}),
        "shared_spans": len(spans),
        "boilerplate_spans": screened["boilerplate"],
        "quotation_spans": screened["quotation"],
        "clusters": len(clusters),
        "seconds": timings,
    }
    return AuditResult(inventory, tuple(attributions), tuple(clusters), tuple(results), stats)


def attribute_all(inventory: Inventory, registry: Registry) -> list[Attribution]:
    rows = {r.path: r for r in inventory.sidecar.rows}
    return [attribute(d, rows.get(d.path) if d.record is None else None, registry, inventory.sidecar.path)
            for d in inventory.documents]


def tokenise_all(docs: list[Document]) -> list[Tokens]:
    tokenizer = Tokenizer()
    return [tokenizer(d.text) for d in docs]


def verify(pairs: list[tuple[int, int]], tokens: list[Tokens], params: Params) -> list[SpanPair]:
    """Align every candidate pair; keep verified spans with character offsets."""
    out: list[SpanPair] = []
    for a, b in pairs:
        ta, tb = tokens[a], tokens[b]
        for s in align_tokens(ta, tb, params):
            out.append(SpanPair(
                a=a, a_start=int(ta.starts[s.a_start]), a_end=int(ta.ends[s.a_end - 1]),
                b=b, b_start=int(tb.starts[s.b_start]), b_end=int(tb.ends[s.b_end - 1]),
                similarity=round(s.similarity, 4), verbatim=is_verbatim(ta, tb, s),
                tokens=min(s.matched_a, s.matched_b),
            ))
    return out


def site_of(doc: Document, att: Attribution) -> str | None:
    """The site a document belongs to: its outlet, else its web domain."""
    if att.outlet:
        return att.outlet
    url = document_url(doc)
    return domain_of(url[0]) if url else None


def is_boilerplate(s: SpanPair, docs: list[Document], atts: list[Attribution], params: Params) -> bool:
    """A short span shared only within one site (a footer, a sign-off).

    A wire agency's own stories share text because they are versions of one
    story, so the rule does not apply to wires.
    """
    site_a, site_b = site_of(docs[s.a], atts[s.a]), site_of(docs[s.b], atts[s.b])
    same_site = site_a is not None and site_a == site_b and atts[s.a].outlet_kind != "wire"
    return same_site and s.tokens < params.boilerplate_max_tokens


def screen(spans: list[SpanPair], docs: list[Document], atts: list[Attribution],
           params: Params) -> tuple[list[SpanPair], dict[str, int]]:
    """Set aside verified spans that are not republication: boilerplate and quotations."""
    quoted: dict[int, list[tuple[int, int]]] = {}

    def regions(i: int) -> list[tuple[int, int]]:
        if i not in quoted:
            quoted[i] = quoted_regions(docs[i].text)
        return quoted[i]

    kept: list[SpanPair] = []
    counts = {"boilerplate": 0, "quotation": 0}
    for s in spans:
        if is_boilerplate(s, docs, atts, params):
            counts["boilerplate"] += 1
        elif (s.tokens < params.max_tokens
              and quoted_share(regions(s.a), s.a_start, s.a_end) >= params.min_share
              and quoted_share(regions(s.b), s.b_start, s.b_end) >= params.min_share):
            counts["quotation"] += 1
        else:
            kept.append(s)
    return kept, counts


def decide_origins(raw: list[RawCluster], docs: list[Document], atts: list[Attribution],
                   params: Params) -> list[Cluster]:
    ids = document_ids(docs)
    out = []
    for rc in raw:
        origin = choose_origin(OriginContext(rc, docs, atts, params.origin_min_share))
        chain = build_chain(rc, origin, atts, params.near_duplicate)
        cid = cluster_id([f"{ids[m.doc]}:{m.start}-{m.end}" for m in rc.members])
        out.append(Cluster(id=cid, members=rc.members, origin=origin, chain=chain, edges=rc.edges))
    return out


def _covered(tokens: Tokens, intervals: list[tuple[int, int]]) -> int:
    if not intervals or len(tokens) == 0:
        return 0
    import numpy as np

    mask = np.zeros(len(tokens), dtype=bool)
    for s, e in intervals:
        lo = int(np.searchsorted(tokens.starts, s, side="left"))
        hi = int(np.searchsorted(tokens.starts, e, side="left"))
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
        frac = _covered(t, reused.get(i, [])) / total if total else 0.0
        share = _covered(t, shared.get(i, [])) / total if total else 0.0
        out.append(DocumentResult(doc=i, reused_fraction=round(frac, 4), shared_fraction=round(share, 4),
                                  derivation=classify(frac, params)))
    return out
