"""The audit on Apache Spark: the local engine's stages, mapped over partitions.

    listing    -> the driver walks the corpus as the inventory does, without reading:
                  one planned read per file, ranked in walk order (engines/listing.py)
    read       -> executors read and extract the files (readers.read_file / read_archive);
                  documents are numbered by (file rank, record order): the local order
    analyse    -> per document, pipeline._analyse_chunk (cues, tokens), find_segments,
                  attribute, and candidates.window_keys (band keys of its windows)
    banding    -> a shuffle on (band, key): every bucket lands in one partition, where
                  candidates.bucket_pairs emits its document pairs; a shuffle on the
                  pair counts the buckets each shares (fingerprint.min_shared_buckets)
    index      -> with an archive index: the driver looks the new documents' band keys
                  up, partition by partition; the indexed documents met are analysed on
                  the executors and numbered after the corpus's, as pipeline.audit does
    verify     -> both documents of each pair meet in one task (a block join: documents
                  in K blocks, one task per pair of blocks): pipeline._verify_chunk, then
                  pipeline.screen on the spans found
    components -> connected components of the document graph (documents linked by a
                  kept span) by iterative min-label propagation on RDDs
    origins    -> per component: cluster.build_clusters, pipeline.origin_clusters (origins,
                  chaining guard, chains); per document: pipeline.cited_origins
    measure    -> per document: pipeline.measure over the clusters it is in

Only the report's parts come back to the driver: per document its metadata, length,
attribution, cues, segments and result; the clusters; the rejections.  Texts and
tokens stay on the executors (documents on the driver carry a ``CorpusText``).
The result is the local engine's ``AuditResult``, so ``build_report`` gives the same
report.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

import numpy as np

from ..archive import AddStats, ArchiveIndex, Archived
from ..attribution import attribute
from ..candidates import band_parameters, bucket_pairs, count_pairs, window_keys
from ..cluster import build_clusters
from ..cues import CueReader, captured_date
from ..errors import ConfigError, ProvenanceError
from ..model import Attribution, AuditResult, Cluster, Document, DocumentResult, Inventory, Member, Rejection
from ..outlets import Registry, load_registry
from ..parallel import state
from ..params import Params
from ..briefs import BATCH_WORDS, brief_pairs, build_index, unmatched_briefs
from ..pipeline import (AuditOptions, Context, _analyse_chunk, _verify_chunk, best_briefs, brief_matches, cited_origins,
                        measure, origin_clusters, screen, tie_matches, tied_passages)
from ..tied import apart, choose_sources, claimed_by, index_passages, may_source, source_pairs
from ..tied import enabled as tied_enabled
from ..rarity import distinct_content, weights_from_counts
from ..rewrite import stopword_hashes
from ..rules import RuleSet, load_rules
from ..segments import find_segments
from ..readers.warc import skipped_records
from ..sidecar import described, row_for, settle_sidecar
from ..report import now_iso
from ..tokens import Tokenizer, Tokens, marked_bounds
from .corpustext import CorpusText, TextUnavailable, Withheld
from .listing import Listing, Read, is_uri, list_local, list_remote, read_bytes, read_planned, uri_path

__all__ = ["EngineUnavailable", "audit_spark", "index_corpus_spark", "parse_spark_conf", "spark_session",
           "corpus_location", "NEEDS"]

NEEDS = "--engine spark needs pyspark (pip install 'provenance[spark]') and Java"
DAEMON = "provenance.engines.sparkdaemon"
BLOCK_DOCUMENTS = 4000  # documents per block of the block joins (a verify task holds two blocks)
PART_DOCUMENTS = (200, 20000)  # documents per partition: at least (small corpora: fewer tasks), at most
PART_FILES = (100, 5000)  # the same for the files of the read
SMALL_JOIN = 2000  # pairs that one task verifies alone
LOOKUP_DOCUMENTS = 2000  # new documents whose band keys are looked up in the index at once
TIE_SPANS = 1 << 30  # a tie source's span comes after every verified span of its pair, as in the local engine


class EngineUnavailable(ProvenanceError):
    """PySpark is not installed, Java is missing, or Spark did not start."""


class SparkJobFailed(ProvenanceError):
    """A Spark job of the audit failed (a task failed too often, executors were lost, a
    setting stopped the workers): Spark's own message, its first line."""


@contextmanager
def _job_errors(what: str) -> Iterator[None]:
    """Spark's and Py4J's failures while jobs run, as ``SparkJobFailed``; the full Java
    trace is Spark's own log's (stderr, at ERROR)."""
    from py4j.protocol import Py4JError

    try:
        from pyspark.errors import PySparkException
    except ImportError:  # pragma: no cover - pyspark before 3.4
        PySparkException = Py4JError  # noqa: N806
    try:
        yield
    except (Py4JError, PySparkException) as e:
        message = _spark_message(e)
        raise SparkJobFailed(f"{what} failed on Spark: {message}") from None


def _spark_message(e: Exception) -> str:
    """The Java exception's message, else the error's first line, at most 400 characters."""
    java = getattr(e, "java_exception", None)
    text = ""
    if java is not None:
        try:
            text = str(java.getMessage() or "")
        except Exception:  # the gateway is gone
            text = ""
    text = text or str(e)
    line = next((l.strip() for l in text.splitlines() if l.strip()), type(e).__name__)
    return line if len(line) <= 400 else line[:399] + "…"


# --------------------------------------------------------------------------
# Settings and the Spark session
# --------------------------------------------------------------------------


def parse_spark_conf(values: Iterable[str]) -> dict[str, str]:
    """``--spark-conf KEY=VALUE`` values as a dict (later values win)."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--spark-conf expects KEY=VALUE, got {item!r}")
        out[key.strip()] = value.strip()
    return out


def corpus_location(corpus: str | Path) -> str:
    """The corpus as Spark will see it: a local folder, or a URI (``hdfs://nn/x``).

    A URI that went through ``pathlib.Path`` lost a slash (``hdfs:/nn/x``); the
    command line's own spelling is recovered from ``sys.argv`` when it is there."""
    if isinstance(corpus, str):
        return corpus
    text = str(corpus)
    head, sep, rest = text.partition(":/")
    if not sep or corpus.exists() or not is_uri(f"{head}://x"):
        return text
    for arg in sys.argv[1:]:
        if is_uri(arg) and Path(arg) == corpus:
            return arg.rstrip("/")
    return f"file:///{rest}" if head == "file" else f"{head}://{rest}"


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").is_file():
        return str(Path(home, "bin", "java"))
    return shutil.which("java")


# Spark's settings for a quiet run; the caller's own settings win over them
QUIET_CONF = {"spark.ui.showConsoleProgress": "false", "spark.log.level": "ERROR"}
QUIET_LOG4J = "data/log4j2-quiet.properties"  # in the package: log4j 2, errors only, to stderr
LOG4J_ENV = "LOG4J_CONFIGURATION_FILE"  # log4j 2's own variable for its configuration file


def quiet_log_config() -> str | None:
    """The shipped log4j 2 configuration that logs errors only, as a ``file:`` URI
    (None when the package is not installed as files)."""
    path = Path(str(resources.files("provenance").joinpath(QUIET_LOG4J)))
    return path.as_uri() if path.is_file() else None


@contextmanager
def _log_config(uri: str | None) -> Iterator[None]:
    """A JVM started inside reads its log4j configuration from ``uri``, unless the
    environment names one already.  Java options win over it: a
    ``-Dlog4j.configurationFile`` in ``spark.driver.extraJavaOptions`` (from
    ``--spark-conf``, ``--driver-java-options`` or spark-defaults.conf) is used instead."""
    if uri is None or LOG4J_ENV in os.environ:
        yield
        return
    os.environ[LOG4J_ENV] = uri  # pyspark starts spark-submit with a copy of os.environ
    try:
        yield
    finally:
        os.environ.pop(LOG4J_ENV, None)


def spark_session(master: str | None = None, conf: dict[str, str] | None = None, *, quiet: bool = False):
    """The active SparkSession, or a new one on ``master`` (default: $SPARK_MASTER, else
    spark-submit's master when run by it, else ``local[*]``) with ``conf``; raises
    EngineUnavailable when Spark cannot run.

    ``quiet``: Spark prints nothing but errors.  A driver JVM started here logs with
    the shipped errors-only configuration from its start (its start-up notices and
    warnings included), and the session gets ``QUIET_CONF`` under ``conf``.  A JVM
    already running in the process (an active session, one stopped earlier, or
    spark-submit's) keeps the log configuration it started with."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineUnavailable(f"{NEEDS}: pyspark is not installed") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if _java() is None:
        raise EngineUnavailable(f"{NEEDS}: no java on PATH or in JAVA_HOME")
    conf = {**(QUIET_CONF if quiet else {}), **(conf or {})}
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # under spark-submit: its master and settings
    master = master or os.environ.get("SPARK_MASTER") or (None if submitted else "local[*]")
    if master is not None and master.startswith("local"):
        # local workers run this interpreter, where provenance is installed: they can
        # start from a daemon that has imported it (engines/sparkdaemon.py)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        conf.setdefault("spark.python.daemon.module", DAEMON)
    builder = SparkSession.builder.appName(conf.pop("spark.app.name", "provenance audit"))
    if master is not None:
        builder = builder.master(master)
    for key, value in conf.items():
        builder = builder.config(key, value)
    try:
        with _log_config(quiet_log_config() if quiet else None):
            spark = builder.getOrCreate()
    except Exception as e:
        message = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise EngineUnavailable(f"{NEEDS}: Spark did not start: {message}") from None
    if "spark.log.level" not in conf:
        spark.sparkContext.setLogLevel("WARN")
    return spark


# --------------------------------------------------------------------------
# Per-document records
# --------------------------------------------------------------------------


class Analysed(NamedTuple):
    """One document after the per-document stage (kept on the executors)."""

    doc: Document
    cues: list
    tokens: Tokens
    segments: list
    attribution: Attribution
    keys: np.ndarray  # band keys of its windows, one row per window


@dataclass(frozen=True)
class _Shared:
    """What every task reads: broadcast once."""

    params: Params
    rules: RuleSet
    registry: Registry
    rows: dict  # sidecar rows by path
    sidecar_path: str | None
    max_file_bytes: int


# --------------------------------------------------------------------------
# The audit
# --------------------------------------------------------------------------


def audit_spark(corpus: str | Path, options: AuditOptions | None = None, master: str | None = None, *,
                conf: dict[str, str] | None = None, quiet: bool = False) -> AuditResult:
    """Audit a corpus on Spark and return what ``pipeline.audit`` returns for it
    (``quiet``: Spark prints nothing but errors, see ``spark_session``)."""
    options = options or AuditOptions()
    registry = load_registry(options.outlet_files)
    rules = load_rules(options.rule_files)  # validated as a whole before any work starts
    index = None
    if options.index is not None:  # opened (and checked) before Spark starts, on the driver
        index = ArchiveIndex(options.index, options.params, rules.digest(), create=options.add_to_index)
    try:
        spark = spark_session(master, conf, quiet=quiet)
        run = _Run(spark.sparkContext, corpus_location(corpus), options, rules, registry)
        try:
            with _job_errors("the audit"):
                return run.audit(index)
        finally:
            run.release()
    finally:
        if index is not None:
            index.close()


def index_corpus_spark(corpus: str | Path, index_path: Path, options: AuditOptions | None = None,
                       master: str | None = None, *, conf: dict[str, str] | None = None, quiet: bool = False
                       ) -> tuple[AddStats, Inventory]:
    """``provenance index add --engine spark``: read, fingerprint on Spark; store on the driver."""
    options = options or AuditOptions()
    registry = load_registry(options.outlet_files)
    rules = load_rules(options.rule_files)
    index = ArchiveIndex(index_path, options.params, rules.digest(), create=True)
    try:
        spark = spark_session(master, conf, quiet=quiet)
        run = _Run(spark.sparkContext, corpus_location(corpus), options, rules, registry)
        try:
            with _job_errors("adding to the index"):
                return run.index_add(index, options.source or _name(run.location))
        finally:
            run.release()
    finally:
        index.close()


def _name(location: str) -> str:
    if is_uri(location):
        return uri_path(location).rstrip("/").rsplit("/", 1)[-1]
    return Path(location).resolve().name


class _Run:
    """One audit on one SparkContext; each method is a stage."""

    def __init__(self, sc, location: str, options: AuditOptions, rules: RuleSet, registry: Registry) -> None:
        self.sc = sc
        self.location = location
        self.options = options
        self.params = options.params
        self.rules = rules
        self.registry = registry
        self.cores = max(1, sc.defaultParallelism)
        self.parts = self.cores
        self.timings: dict[str, float] = {}
        self.cached: list = []
        self.broadcasts: list = []

    # -- bookkeeping ---------------------------------------------------------

    def timed(self, name: str, fn, *args):
        t0 = time.perf_counter()
        out = fn(*args)
        self.timings[name] = round(time.perf_counter() - t0, 4)
        return out

    def persist(self, rdd):
        from pyspark import StorageLevel

        rdd.persist(StorageLevel.MEMORY_AND_DISK)
        self.cached.append(rdd)
        return rdd

    def broadcast(self, value):
        b = self.sc.broadcast(value)
        self.broadcasts.append(b)
        return b

    def release(self) -> None:
        for rdd in self.cached:
            try:
                rdd.unpersist()
            except Exception:  # the context may be gone
                pass
        for b in self.broadcasts:
            try:
                b.destroy()
            except Exception:
                pass

    # -- the audit, stage by stage -------------------------------------------

    def audit(self, index: ArchiveIndex | None = None) -> AuditResult:
        params = self.params
        listing = self.timed("inventory", self.list)
        docs, shared, read = self.timed("read", self.read, listing)
        analysed = self.timed("analyse", self.analyse, docs, shared)
        b, r = band_parameters(params)
        pairs, windows, candidates = self.timed("fingerprint", self.banding, analysed, b)
        new_analysed, new_total, archive = analysed, self.total, []
        lsh_stats = {"windows": windows, "candidate_pairs": candidates, "lsh_bands": b, "lsh_rows": r}
        if index is not None:
            source = self.options.source or _name(self.location)
            archive, found = self.timed("index-lookup", self.lookup_archive, index, source, analysed)
            analysed = self.with_archive(analysed, archive, shared)
            if found:
                pairs = pairs.union(self.sc.parallelize(found, self.parts))
            candidates += len(found)
            lsh_stats.update(candidate_pairs=candidates, archive_documents=len(archive))
        weights = self.timed("rarity", self.rarity, analysed)
        briefs, brief_docs = self.timed("briefs", self.briefs, analysed, weights)
        kept, screened = self.timed("verify", self.verify, pairs, analysed, shared, candidates, weights)
        kept, screened = self.timed("brief-verify", self.verify_briefs, briefs, brief_docs, kept, screened,
                                    analysed, shared, weights)
        lsh_stats["brief_pairs"] = len(briefs)
        labels, verified_pairs = self.timed("components", self.components, kept)
        ids = self.document_ids(analysed)
        found, cited = self.timed("origins", self.origins, kept, labels, analysed, ids, shared)
        clusters = found.union(cited)
        sources, lsh_stats["tie_source_pairs"], more = self.timed("tie-sources", self.tie_sources, clusters,
                                                                  analysed, shared, weights)
        screened = {**screened, **{k: screened[k] + more[k] for k in more}}
        if sources:  # as the local engine: the tied clusters gain their sources, and the
            # components they join are decided again
            more = [(s.a, s.b, TIE_SPANS + j, s) for j, s in enumerate(sources)]
            kept = kept.union(self.sc.parallelize(more, self.parts))
            screened = {**screened, "kept": screened["kept"] + len(sources)}
            labels, redo = self.timed("components-again", self.joined_components, labels, sources)
            verified_pairs = kept.map(lambda s: (s[0], s[1])).distinct(self.parts).count()
            clusters = self.timed("origins-again", self.origins_again, kept, labels, redo, found, cited, analysed,
                                  ids, shared)
        parts = self.timed("measure", self.measure, clusters, analysed, shared)
        cluster_list = sorted(clusters.collect(),
                              key=lambda c: (c.members[0].doc, c.members[0].start, c.members[0].end, c.id))
        inventory = self.inventory(listing, read, [(p.doc, p.length) for p in parts[:new_total]])
        if index is not None and self.options.add_to_index:
            added = self.timed("index-add", lambda: index.add(source, self.stored(new_analysed, listing, []),
                                                              added_at=now_iso()))
            lsh_stats.update(index_added=added.added, index_replaced=added.replaced, index_unchanged=added.unchanged,
                             index_removed=added.removed)
        stats = {
            **lsh_stats,
            "verified_pairs": verified_pairs,
            "shared_spans": screened["kept"],
            "boilerplate_spans": screened["boilerplate"],
            "quotation_spans": screened["quotation"],
            "clusters": len(cluster_list),
            "seconds": self.timings,
        }
        return AuditResult(inventory, tuple(p.attribution for p in parts), tuple(cluster_list),
                           tuple(p.result for p in parts), stats, cues=tuple(tuple(p.cues) for p in parts),
                           segments=tuple(tuple(p.segments) for p in parts), rules=self.rules, registry=self.registry,
                           archive=tuple((a.source, a.document) for a in archive))

    def index_add(self, index: ArchiveIndex, source: str) -> tuple[AddStats, Inventory]:
        listing = self.timed("inventory", self.list)
        docs, shared, read = self.timed("read", self.read, listing)
        analysed = self.timed("analyse", self.analyse, docs, shared)
        parts: list = []
        stats = self.timed("index-add", lambda: index.add(source, self.stored(analysed, listing, parts),
                                                          added_at=now_iso()))
        return stats, self.inventory(listing, read, parts)

    # -- the archive index ------------------------------------------------------

    def stored(self, analysed, listing: Listing, parts: list):
        """What ``ArchiveIndex.add`` stores of each document, one partition at a time, in
        document order (so the index is the one the local engine builds); ``parts``
        gathers each document's metadata and length."""
        rows = {r.path: r for r in listing.sidecar.rows}
        ordered = analysed.map(lambda kv: (kv[0], (kv[1].doc, kv[1].keys))).sortByKey(numPartitions=self.parts)
        for _i, (d, keys) in ordered.toLocalIterator():
            parts.append((replace(d, text=""), len(d.text)))
            yield d, row_for(rows, d), listing.sidecar.path, keys

    def lookup_archive(self, index: ArchiveIndex, source: str, analysed) -> tuple[list[Archived], list]:
        """pipeline.lookup_archive on the driver: the new documents' band keys come back
        one partition at a time and are looked up in the index; the indexed documents
        they meet are numbered after the corpus's, and the pairs to verify returned."""
        params = self.params
        found: list[tuple[int, int]] = []
        own: set[int] = set()
        ordered = analysed.map(lambda kv: (kv[0], (kv[1].doc.path, kv[1].doc.record, kv[1].keys)))
        batch: list = []

        def look(batch):
            keys = np.concatenate([k for _i, k in batch])
            owners = np.repeat(np.array([i for i, _k in batch], dtype=np.int64), [len(k) for _i, k in batch])
            found.extend(index.candidates(keys, owners, params.bucket_clique_max, params.min_shared_buckets))

        for i, (path, record, keys) in ordered.sortByKey(numPartitions=self.parts).toLocalIterator():
            row = index.find(source, path, record)  # this file, indexed earlier: not compared with itself
            if row is not None:
                own.add(row)
            if len(keys):
                batch.append((i, keys))
                if len(batch) >= LOOKUP_DOCUMENTS:
                    look(batch)
                    batch = []
        if batch:
            look(batch)
        rows = sorted({row for _doc, row in found if row not in own})
        archived = index.load(rows)
        position = {a.row: self.total + k for k, a in enumerate(archived)}
        pairs = sorted((doc, position[row]) for doc, row in found if row in position)
        return archived, pairs

    def with_archive(self, analysed, archive: list[Archived], shared):
        """The corpus's analysed documents and, numbered after them, the indexed ones
        brought in (analysed as the local engine does, without band keys)."""
        if not archive:
            return analysed
        first = self.total
        items = [(first + k, a) for k, a in enumerate(archive)]
        self.total += len(archive)
        extra = self.sc.parallelize(items, min(self.parts, len(items))).partitionBy(self.parts)
        extra = self.persist(extra.mapPartitions(lambda it: _analyse_archived(it, shared.value),
                                                 preservesPartitioning=True))
        return analysed.union(extra)

    # -- listing and reading -------------------------------------------------

    def list(self) -> Listing:
        o = self.options
        if is_uri(self.location):
            return list_remote(self.sc, self.location, metadata=o.metadata, max_file_bytes=o.max_file_bytes)
        return list_local(Path(self.location), metadata=o.metadata, max_file_bytes=o.max_file_bytes,
                          follow_symlinks=o.follow_symlinks)

    def read(self, listing: Listing):
        """Executors read every planned file; the driver learns only how many documents
        each file holds (to number them), its rejections and archive counts."""
        o = self.options
        shared = self.broadcast(_Shared(self.params, self.rules, self.registry,
                                        {r.path: r for r in listing.sidecar.rows}, listing.sidecar.path,
                                        o.max_file_bytes))
        reads = listing.reads
        if is_uri(self.location):
            files = self._read_remote(reads, shared)
        else:
            slices = _partitions(len(reads), self.cores, PART_FILES)
            files = self.sc.parallelize(reads, slices).mapPartitions(lambda it: _read_files(it, shared.value))
        files = self.files = self.persist(files)
        read = sorted(files.map(lambda f: (f[0], len(f[1]), f[2], f[3])).collect())
        if is_uri(self.location):
            read = _missing_reads(reads, read)
        first, total = {}, 0
        for rank, count, _rej, _counts in read:
            first[rank] = total
            total += count
        offsets = self.broadcast(first)
        docs = files.flatMap(lambda f: ((offsets.value[f[0]] + j, d) for j, d in enumerate(f[1])))
        self.total = total
        self.parts = _partitions(total, self.cores, PART_DOCUMENTS)
        return docs.partitionBy(self.parts), shared, read

    def _read_remote(self, reads: list[Read], shared):
        conf = self.sc._jsc.hadoopConfiguration()
        conf.set("mapreduce.input.fileinputformat.input.dir.recursive", "true")
        planned = self.broadcast({uri_path(t.location): t for t in reads})
        data = self.sc.binaryFiles(self.location.rstrip("/") + "/*", minPartitions=self.parts)
        return data.mapPartitions(lambda it: _read_remote_files(it, planned.value, shared.value))

    # -- per document ---------------------------------------------------------

    def analyse(self, docs, shared):
        analysed = docs.mapPartitions(lambda it: _analyse(it, shared.value), preservesPartitioning=True)
        analysed = self.persist(analysed)
        self.windows = int(analysed.map(lambda kv: len(kv[1].keys)).sum())
        self.files.unpersist()  # the files read are in the analysed records now
        return analysed

    def document_ids(self, analysed):
        """``documents.document_ids`` without the whole list: identical copies are
        numbered in document order within their group of equal hash prefixes."""
        by_base = analysed.map(lambda kv: ("d-" + kv[1].doc.sha256[:16], kv[0])).groupByKey(self.parts)
        ids = by_base.flatMap(lambda g: ((i, g[0] if n == 0 else f"{g[0]}-{n + 1}")
                                         for n, i in enumerate(sorted(g[1]))))
        return self.persist(ids.partitionBy(self.parts))

    # -- candidates ------------------------------------------------------------

    def banding(self, analysed, b: int):
        """(band, key) -> document as a shuffle; each bucket's pairs; distinct."""
        parts = self.parts
        buckets = analysed.mapPartitions(lambda it: _band_entries(it, parts)).partitionBy(parts)
        clique_max, min_shared = self.params.bucket_clique_max, self.params.min_shared_buckets
        found = buckets.mapPartitions(lambda it: _bucket_pairs(it, b, parts, clique_max)).partitionBy(parts)
        pairs = self.persist(found.mapPartitions(lambda it: _distinct_pairs(it, min_shared)))
        candidates = int(pairs.map(len).sum())
        return pairs.flatMap(_unpack), self.windows, candidates

    # -- verification ----------------------------------------------------------

    def rarity(self, analysed):
        """pipeline.rarity_weights: each word's document frequency, counted on the
        executors; only the words of more than two documents (the ones that weigh
        less than 1) reach the driver.  Function words are counted too, unlike in
        the local stage; nothing reads their weights, so the spans are the same.  Each
        verify task finds its documents' content words itself."""
        params = self.params
        if (params.sentence_min_words <= 0 and params.pair_min_relatedness <= 0) or params.sentence_rarity_prior <= 0:
            return None
        counts = (analysed.flatMap(lambda kv: np.unique(kv[1].tokens.hashes).tolist())
                  .map(lambda h: (h, 1)).reduceByKey(lambda x, y: x + y).filter(lambda kv: kv[1] > 2).collect())
        counts.sort()
        words = np.array([w for w, _n in counts], dtype=np.uint64)
        df = np.array([n for _w, n in counts], dtype=np.int64)
        return self.broadcast(weights_from_counts(words, df, int(analysed.count()), params.sentence_rarity_prior))

    def verify(self, pairs, analysed, shared, candidates: int, weights=None):
        """Align every candidate pair; screen the spans found; keep the rest."""
        items = analysed.mapValues(lambda r: (r.tokens, r.doc, r.attribution))
        k = self._blocks(candidates)
        met = _meet(pairs, items, k, self.parts)
        out = self.persist(met.mapPartitions(
            lambda it: _verify_block(it, shared.value, weights.value if weights is not None else None)))
        counts = Counter()
        for c in out.filter(lambda x: x[0] == "count").map(lambda x: x[1]).collect():
            counts.update(c)
        kept = out.filter(lambda x: x[0] == "kept").map(lambda x: x[1])
        return kept, {"kept": counts["kept"], "boilerplate": counts["boilerplate"], "quotation": counts["quotation"]}

    def briefs(self, analysed, weights):
        """briefs.corpus_briefs: the briefs' content words come to the driver, which
        indexes them; each document's partners are found on the executors."""
        params = self.params
        if params.brief_max_words <= 0 or params.sentence_min_words <= 0 or weights is None:
            return [], set()
        lo, hi = params.brief_min_words, params.brief_max_words
        content = analysed.mapValues(lambda r: distinct_content(r.tokens.hashes, stopword_hashes()))
        found = (content.filter(lambda kv: lo <= len(kv[1]) <= hi)
                 .map(lambda kv: (kv[0], kv[1], weights.value.of(kv[1]))).collect())
        index = build_index(sorted(found, key=lambda f: f[0]), params.sentence_min_overlap)
        if not len(index):
            return [], set()
        shared = self.broadcast(index)
        pairs = content.mapPartitions(lambda it: _brief_partners(it, shared.value)).distinct().collect()
        return sorted(pairs), set(index.docs.tolist())

    def verify_briefs(self, briefs, brief_docs, kept, screened, analysed, shared, weights=None):
        """pipeline's brief stage: the briefs with no span after the screen, against the
        texts not published after them, verified where both meet; the best kept."""
        if not briefs:
            return kept, screened
        matched = set(kept.flatMap(lambda s: (s[0], s[1])).distinct().collect())
        involved = self.broadcast({d for p in briefs for d in p})
        dates = dict(analysed.filter(lambda kv: kv[0] in involved.value)
                     .mapValues(lambda r: r.attribution.date).collect())
        unmatched = unmatched_briefs(briefs, brief_docs, matched, dates.get)
        if not unmatched:
            return kept, screened
        items = analysed.mapValues(lambda r: (r.tokens, r.doc, r.attribution))
        k = self._blocks(len(unmatched))
        met = _meet(self.sc.parallelize(unmatched, self.parts), items, k, self.parts)
        out = met.mapPartitions(lambda it: _brief_block(it, shared.value, weights.value if weights is not None else None)
                                ).collect()
        counts = Counter(screened)
        for tag, value in out:
            if tag == "count":
                counts.update(value)
        best = best_briefs((value for tag, value in out if tag == "match"), dates.get)
        counts["kept"] += len(best)
        more = self.sc.parallelize([(s.a, s.b, 0, s) for s in best], self.parts)
        return kept.union(more), {key: counts[key] for key in ("kept", "boilerplate", "quotation")}

    def tie_sources(self, clusters, analysed, shared, weights=None):
        """pipeline.tie_sources: the tied clusters and their documents' tokens come to
        the driver, which indexes their passages; each partition proposes its documents
        as sources (dates checked there); the pairs are verified where both texts meet;
        the driver keeps the sources the copies share."""
        params = self.params
        none = {"boilerplate": 0, "quotation": 0}
        if weights is None or not tied_enabled(params):
            return [], 0, none
        tied = sorted(clusters.filter(lambda c: c.tied).collect(),
                      key=lambda c: (c.members[0].doc, c.members[0].start, c.members[0].end, c.id))
        if not tied:
            return [], 0, none
        wanted = self.broadcast({d for c in tied for d in c.tied})
        got = dict(analysed.filter(lambda kv: kv[0] in wanted.value).mapValues(
            lambda r: (r.tokens.of(str(r.doc.text)), r.attribution.date)).collect())
        passages, words = tied_passages(tied, {d: v[0] for d, v in got.items()}, params)
        if not passages:
            return [], 0, none
        index = self.broadcast((index_passages(passages, words, weights.value, params), passages,
                                {d: v[1] for d, v in got.items()}))
        content = analysed.mapValues(lambda r: (distinct_content(r.tokens.hashes, stopword_hashes()),
                                                r.attribution.date, r.attribution.outlet_kind == "wire"))
        pairs = sorted(content.mapPartitions(lambda it: _tie_partners(it, *index.value)).collect())
        if not pairs:
            return [], 0, none
        by_docs: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for k, d in pairs:
            a, b = passages[k].doc, d
            by_docs.setdefault((min(a, b), max(a, b)), []).append((k, d))
        asked = self.broadcast((by_docs, passages))
        items = analysed.mapValues(lambda r: (r.tokens, r.doc, r.attribution))
        met = _meet(self.sc.parallelize(sorted(by_docs), self.parts), items, self._blocks(len(by_docs)), self.parts)
        out = met.mapPartitions(lambda it: _tie_block(it, asked.value, shared.value, weights.value)).collect()
        dates = dict(value for tag, value in out if tag == "date")
        matches = sorted((value for tag, value in out if tag == "match"), key=lambda m: (m[0], m[1]))
        screened = {k: sum(value[k] for tag, value in out if tag == "count") for k in none}
        sources = self.broadcast({m[1] for m in matches})
        holding = clusters.filter(lambda c: any(m.doc in sources.value for m in c.members)).collect()
        matches = apart(matches, claimed_by(holding, sources.value), params.merge_overlap)
        return choose_sources(matches, passages, dates.get), len(pairs), screened

    def _blocks(self, pairs: int) -> int:
        """Documents in K blocks: K(K+1)/2 tasks, each holding two blocks; enough tasks
        to keep every core busy, blocks small enough to hold."""
        if pairs < SMALL_JOIN and self.total <= 2 * BLOCK_DOCUMENTS:
            return 1
        return max(1, math.ceil(math.sqrt(2 * self.cores)), math.ceil(self.total / BLOCK_DOCUMENTS))

    # -- clustering ---------------------------------------------------------------

    def components(self, kept):
        """Connected components of the document graph by min-label propagation:
        every document takes the smallest label among its own and its neighbours'
        until no label changes; a component's label is its smallest document."""
        parts = self.parts
        edges = self.persist(kept.map(lambda s: (s[0], s[1])).distinct(parts))
        verified = edges.count()
        adjacent = self.persist(edges.flatMap(lambda e: ((e[0], e[1]), (e[1], e[0]))).partitionBy(parts))
        labels = adjacent.keys().distinct(parts).map(lambda v: (v, v)).partitionBy(parts)
        labels = self.persist(labels)
        rounds = 0
        while verified:
            rounds += 1
            offers = adjacent.join(labels, parts).map(lambda kv: (kv[1][0], kv[1][1]))
            new = labels.union(offers).reduceByKey(min, parts)
            new = self.persist(new)
            if rounds % 8 == 0:
                new.localCheckpoint()
            changed = new.join(labels, parts).filter(lambda kv: kv[1][0] != kv[1][1]).count()
            labels.unpersist()
            labels = new
            if changed == 0:
                break
        self.timings["component_rounds"] = rounds
        return labels, int(verified)

    def origins(self, kept, labels, analysed, ids, shared):
        """Clusters and origins per component (of the documents ``labels`` holds); then the
        cited origins of those documents: (component clusters, cited clusters)."""
        parts = self.parts
        named = labels.join(ids, parts)  # (doc, (component, id))
        info = _lookup(named, analysed.mapValues(_origin_info), parts)  # the origin rules read no text
        members = info.map(lambda kv: (kv[1][0][0][0], ("d", (kv[0], (kv[1][1], kv[1][0][0][1])))))
        by_comp = kept.map(lambda s: (s[0], s)).join(labels, parts).map(lambda kv: (kv[1][1], ("s", kv[1][0])))
        clusters = by_comp.union(members).groupByKey(parts).flatMap(lambda g: _component(g[1], shared.value))
        clusters = self.persist(clusters)
        covered = clusters.flatMap(lambda c: ((m.doc, (m.start, m.end)) for m in c.members))
        claims = analysed.filter(lambda kv: _may_cite(kv[1])).mapValues(
            lambda r: (r.doc, r.attribution, r.cues, r.segments)).join(ids, parts)
        return clusters, self.persist(claims.cogroup(covered, parts).flatMap(lambda kv: _cited(kv[0], kv[1],
                                                                                               shared.value)))

    def joined_components(self, labels, sources):
        """The components once the tied copies' sources join them: each component a new
        span touches merges with the other's (or takes in a document that had no span),
        labelled by its smallest document as ``components`` labels; the rest keep their
        labels.  Returns the labels and the components to decide again."""
        touched = sorted({d for s in sources for d in (s.a, s.b)})
        wanted = self.broadcast(set(touched))
        old = dict(labels.filter(lambda kv: kv[0] in wanted.value).collect())
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            while parent.get(x, x) != x:
                x = parent[x]
            return x

        for s in sources:
            a, b = find(old.get(s.a, s.a)), find(old.get(s.b, s.b))
            if a != b:
                parent[max(a, b)] = min(a, b)
        remap = self.broadcast({x: find(x) for x in parent})
        fresh = [(d, find(d)) for d in touched if d not in old]
        labels = labels.mapValues(lambda label: remap.value.get(label, label))
        if fresh:
            labels = labels.union(self.sc.parallelize(fresh, self.parts))
        redo = sorted({find(old.get(d, d)) for d in touched})
        self.timings["components_redone"] = len(redo)
        return self.persist(labels.partitionBy(self.parts)), redo

    def origins_again(self, kept, labels, redo, found, cited, analysed, ids, shared):
        """``origins`` for the components a tied copy's source joined (``redo``); the
        clusters and cited origins of every other component are as they were."""
        again = self.broadcast(set(redo))
        labels = labels.filter(lambda kv: kv[1] in again.value)
        docs = self.broadcast(set(labels.keys().collect()))
        new_found, new_cited = self.origins(kept, labels, analysed.filter(lambda kv: kv[0] in docs.value), ids,
                                            shared)
        # a cluster lies in one component, and a cited origin in its one document
        old = found.union(cited).filter(lambda c: c.members[0].doc not in docs.value)
        return self.persist(old.union(new_found).union(new_cited))

    def measure(self, clusters, analysed, shared) -> list["Parts"]:
        """Per document: measure over its clusters; with the report's parts of it."""
        parts = self.parts
        refs = clusters.flatMap(_references).partitionBy(parts)
        per_doc = _lookup(refs, analysed, parts, every=True).map(
            lambda kv: _measure_one(kv[0], kv[1][1], kv[1][0], shared.value))
        return sorted(per_doc.collect(), key=lambda p: p.index)

    # -- the inventory, from the listing and the read ---------------------------

    def inventory(self, listing: Listing, read, parts) -> Inventory:
        located = {e.rel: e for e in listing.reads}
        limit = self.options.max_file_bytes
        remote = is_uri(self.location)
        documents = []
        for meta, length in parts:
            task = located.get(meta.path)
            load = _Reload(task, meta.record, meta.sha256, limit, remote)
            documents.append(replace(meta, text=CorpusText(length, load)))
        rejections = [(rank, 0, e) for rank, e in enumerate(listing.entries) if isinstance(e, Rejection)]
        archive_counts: Counter = Counter()
        for rank, _count, rejected, counts in read:
            rejections.extend((rank, 1 + j, r) for j, r in enumerate(rejected))
            if counts is not None:
                archive_counts.update(counts)
        rejections.sort(key=lambda x: (x[0], x[1]))
        encodings = Counter(d.encoding for d in documents if d.encoding)
        return Inventory(
            documents=tuple(documents),
            rejections=tuple(r for _rank, _j, r in rejections),
            sidecar=settle_sidecar(listing.sidecar, documents),
            files_seen=listing.files_seen,
            encodings=tuple(sorted(encodings.items())),
            skipped_records=skipped_records(archive_counts),
        )


# --------------------------------------------------------------------------
# Task functions (run on executors)
# --------------------------------------------------------------------------


def _partitions(items: int, cores: int, per: tuple[int, int]) -> int:
    """One partition per core, but no fewer items than ``per[0]`` in each (tasks cost
    time) and no more than ``per[1]`` (tasks hold their partition)."""
    return max(1, min(cores, math.ceil(items / per[0])), math.ceil(items / per[1]))


def _read_files(tasks: Iterable[Read], shared: _Shared):
    for task in tasks:
        docs, rejections, counts = read_planned(task, shared.max_file_bytes)
        yield task.rank, [described(d, row_for(shared.rows, d)) for d in docs], rejections, counts


def _read_remote_files(files, planned: dict, shared: _Shared):
    for uri, data in files:
        task = planned.get(uri_path(uri))
        if task is None:  # rejected by the listing (format, size) or the sidecar
            continue
        docs, rejections, counts = read_bytes(task, data, shared.max_file_bytes)
        yield task.rank, [described(d, row_for(shared.rows, d)) for d in docs], rejections, counts


def _missing_reads(reads: list[Read], read: list) -> list:
    """Planned files Spark's input format did not return (it skips names starting with
    '_' or '.'): rejected, so that every file is still accounted for."""
    got = {r[0] for r in read}
    missing = [(t.rank, 0, [Rejection(t.rel, "unreadable", "not read: Spark's input format skips this name")], None)
               for t in reads if t.rank not in got]
    return sorted(read + missing)


def _analyse(items, shared: _Shared):
    """pipeline._analyse_chunk on a partition, then segments, attribution, band keys."""
    items = list(items)
    if not items:
        return
    st = state()
    st.clear()
    st.update(docs={i: d for i, d in items}, rows=shared.rows, reader=CueReader(shared.rules, shared.registry),
              sidecar=shared.sidecar_path)
    try:
        done = _analyse_chunk([i for i, _d in items])
    finally:
        st.clear()
    keys, owners = window_keys([t for _c, t in done], shared.params)  # owners: positions in this partition
    bounds = np.searchsorted(owners, np.arange(len(items) + 1), side="left")
    for pos, ((i, d), (cues, tokens)) in enumerate(zip(items, done)):
        segments = find_segments(d.text, cues)
        att = attribute(cues, segments, shared.registry, captured_date(d))
        yield i, Analysed(d, cues, tokens, segments, att, keys[bounds[pos]:bounds[pos + 1]])


_SPREAD = np.uint64(0x9E3779B97F4A7C15)


def _analyse_archived(items, shared: _Shared):
    """An indexed document brought in, as pipeline.audit analyses it: its cues (with its
    own sidecar row), compilation blocks, attribution and tokens; no band keys (only the
    new documents' keys are looked up)."""
    reader = CueReader(shared.rules, shared.registry)
    tokenizer = Tokenizer()
    b, _r = band_parameters(shared.params)
    for i, a in items:
        d = a.document
        cues = reader.read(d, a.sidecar, a.sidecar_path)
        segments = find_segments(d.text, cues)
        att = attribute(cues, segments, shared.registry, captured_date(d))
        yield i, Analysed(d, cues, tokenizer(d.text), segments, att, np.zeros((0, b), dtype=np.uint64))


def _bucket_of(keys: np.ndarray, bands: np.ndarray, parts: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = (keys ^ ((bands.astype(np.uint64) + np.uint64(1)) * _SPREAD)) * np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(31)
    return (h % np.uint64(parts)).astype(np.int64)


def _band_entries(items, parts: int):
    """(band, key, document) of every window and band, in NumPy blocks by target partition."""
    keys, owners = [], []
    for i, r in items:
        if len(r.keys):
            keys.append(r.keys)
            owners.append(np.full(len(r.keys), i, dtype=np.int64))
    if not keys:
        return
    k = np.concatenate(keys)
    b = k.shape[1]
    flat = k.ravel()
    bands = np.tile(np.arange(b, dtype=np.int16), k.shape[0])
    docs = np.repeat(np.concatenate(owners), b)
    target = _bucket_of(flat, bands, parts)
    order = np.argsort(target, kind="stable")
    target, flat, bands, docs = target[order], flat[order], bands[order], docs[order]
    cuts = np.flatnonzero(np.r_[True, target[1:] != target[:-1], True])
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        yield int(target[lo]), (bands[lo:hi], flat[lo:hi], docs[lo:hi])


def _bucket_pairs(blocks, b: int, parts: int, clique_max: int):
    """candidates.bucket_pairs on each band of the buckets in this partition: each
    pair with the number of buckets it shares here, sent on by pair."""
    got = [blk for _t, blk in blocks]
    if not got:
        return
    bands = np.concatenate([g[0] for g in got])
    keys = np.concatenate([g[1] for g in got])
    docs = np.concatenate([g[2] for g in got])
    found = []
    for band in range(b):
        sel = bands == band
        if np.count_nonzero(sel) > 1:
            found.append(bucket_pairs(keys[sel], docs[sel], clique_max))
    if not found:
        return
    packed, counts = count_pairs(np.concatenate(found))
    target = (packed % parts).astype(np.int64)
    for t in np.unique(target).tolist():
        sel = target == t
        yield t, (packed[sel], counts[sel])


def _distinct_pairs(blocks, min_shared: int):
    """All of a pair's shared buckets meet here: the pairs sharing enough of them."""
    got = [blk for _t, blk in blocks]
    if got:
        packed, counts = count_pairs(np.concatenate([g[0] for g in got]), np.concatenate([g[1] for g in got]))
        yield packed[counts >= min_shared]


def _unpack(packed: np.ndarray):
    a = (packed >> 32).tolist()
    b = (packed & 0xFFFFFFFF).tolist()
    return zip(a, b)


def _task(a: int, b: int, k: int) -> int:
    x, y = a % k, b % k
    return min(x, y) * k + max(x, y)


def _own_partition(key: int) -> int:
    return key


def _meet(pairs, items, k: int, parts: int):
    """A block join: for each (a, b, payload), the items of a and b meet the pair in
    one partition.  Documents fall in k blocks by index; the pair goes to the task of
    its two blocks, and each document is sent once to each task that needs it (at most
    k times, however many pairs it is in).  ``items`` is partitioned by document."""
    tasks = pairs.map(lambda p: (_task(p[0], p[1], k), ("p", p)))  # p: (a, b)
    need = pairs.flatMap(lambda p: ((p[0], _task(p[0], p[1], k)), (p[1], _task(p[0], p[1], k))))
    need = need.partitionBy(parts).mapPartitions(_unique, preservesPartitioning=True)
    sent = _lookup(need, items, parts).flatMap(lambda kv: ((t, ("d", (kv[0], kv[1][1]))) for t in kv[1][0]))
    return tasks.union(sent).partitionBy(k * k, _own_partition)


def _unique(it):
    return iter(dict.fromkeys(it))


def _lookup(small, big, parts: int, *, every: bool = False):
    """A join that streams its big side: ``small`` and ``big`` are keyed by document and
    partitioned alike (``parts``, Spark's default hash), so partition i of their union is
    partition i of each; the small side's values are gathered per key, and each record
    of the big side goes by once: (key, (small values, big value)) for every key of the
    big side that the small side has (``every``: for every key of the big side).  No
    shuffle of the big side and no grouping of its values, unlike RDD.join."""
    union = small.mapValues(_left).union(big.mapValues(_right))
    if union.getNumPartitions() != parts:  # not co-partitioned after all: a plain cogroup
        grouped = small.cogroup(big, parts).flatMap(
            lambda kv: ((kv[0], (list(kv[1][0]), v)) for v in kv[1][1]))
        return grouped if every else grouped.filter(lambda kv: kv[1][0])
    return union.mapPartitions(lambda it: _stream(it, every), preservesPartitioning=True)


def _left(v):
    return 0, v


def _right(v):
    return 1, v


def _stream(records, every: bool):
    wanted: dict = {}
    right = False
    for key, (side, value) in records:
        if side == 0:
            if right:  # the union must give the small side first; never rely on anything else
                raise RuntimeError("co-partitioned union out of order")
            wanted.setdefault(key, []).append(value)
        else:
            right = True
            found = wanted.get(key)
            if found is not None or every:
                yield key, (found or [], value)


def _split(records) -> tuple[list, dict]:
    pairs, items = [], {}
    for _task_id, (tag, value) in records:
        if tag == "p":
            pairs.append(value)
        else:
            items[value[0]] = value[1]
    return pairs, items


def _verify_block(records, shared: _Shared, weights=None):
    """pipeline._verify_chunk on the pairs of one block join task, then pipeline.screen
    on its spans: ("kept", (a, b, k, span)) with k the span's place among its pair's
    spans, and ("count", the screen's counts)."""
    pairs, items = _split(records)
    if not pairs:
        return
    st = state()
    st.clear()
    st.update(tokens={i: v[0].of(v[1].text) for i, v in items.items()}, params=shared.params, weights=weights)
    try:
        spans = _verify_chunk(sorted(pairs))
    finally:
        st.clear()
    kept, counts = screen(spans, {i: v[1] for i, v in items.items()}, {i: v[2] for i, v in items.items()},
                          shared.params)
    keep = {id(s) for s in kept}
    k, last = 0, None
    for s in spans:
        k = k + 1 if (s.a, s.b) == last else 0
        last = (s.a, s.b)
        if id(s) in keep:
            yield "kept", (s.a, s.b, k, s)
    yield "count", {**counts, "kept": len(kept)}


def _brief_partners(records, index):
    """briefs.brief_pairs over one partition's documents, a batch at a time."""
    batch: list = []
    held = 0
    for item in records:
        batch.append(item)
        held += len(item[1])
        if held >= BATCH_WORDS:
            yield from brief_pairs(index, [d for d, _w in batch], [w for _d, w in batch])
            batch, held = [], 0
    if batch:
        yield from brief_pairs(index, [d for d, _w in batch], [w for _d, w in batch])


def _brief_block(records, shared: _Shared, weights=None):
    """pipeline.brief_matches on the (brief, other) pairs of one block join task, then
    pipeline.screen on their spans: ("match", (brief, other, share, span)) for each
    kept, and ("count", the screen's counts)."""
    pairs, items = _split(records)
    if not pairs:
        return
    tokens = {i: v[0].of(v[1].text) for i, v in items.items()}
    yield from _screened(brief_matches(sorted(pairs), tokens, shared.params, weights), items, shared.params)


def _screened(found, items, params):
    """pipeline.screen on a block's verified (x, y, share, span) matches: ("match", match)
    for each kept, then ("count", the screen's counts)."""
    kept, counts = screen([m[3] for m in found], {i: v[1] for i, v in items.items()},
                          {i: v[2] for i, v in items.items()}, params)
    keep = {id(s) for s in kept}
    for m in found:
        if id(m[3]) in keep:
            yield "match", m
    yield "count", counts


def _tie_partners(records, index, passages, tied_dates):
    """tied.source_pairs over one partition's documents, a batch at a time: (passage,
    document) for each document that may be a tied passage's source."""
    def pairs(batch):
        local = {d: (date, wire) for d, (_w, date, wire) in batch}
        words = {d: w for d, (w, _date, _wire) in batch}
        allowed = may_source(lambda d: local[d][0] if d in local else tied_dates.get(d),
                             lambda d: local[d][1] if d in local else False)
        return source_pairs(index, passages, [[d for d, _v in batch]], words.__getitem__, allowed)

    batch: list = []
    held = 0
    for item in records:
        batch.append(item)
        held += len(item[1][0])
        if held >= BATCH_WORDS:
            yield from pairs(batch)
            batch, held = [], 0
    if batch:
        yield from pairs(batch)


def _tie_block(records, asked, shared: _Shared, weights=None):
    """pipeline.tie_matches on the (passage, document) pairs of one block join task,
    then pipeline.screen on their spans: ("match", (passage, document, share, span))
    for each kept, ("count", the screen's counts), and ("date", (document, its date)) for
    each source document."""
    doc_pairs, items = _split(records)
    if not doc_pairs:
        return
    by_docs, passages = asked
    pairs = sorted(p for dp in doc_pairs for p in by_docs[tuple(dp)])
    tokens = {i: v[0].of(v[1].text) for i, v in items.items()}
    yield from _screened(tie_matches(pairs, passages, tokens, shared.params, weights), items, shared.params)
    for _k, d in pairs:
        yield "date", (d, items[d][2].date)


def _component(records, shared: _Shared):
    """One component of the document graph: cluster.build_clusters on its spans (in the
    local engine's order), then each cluster's origin and chain as decide_origins does."""
    spans, info = [], {}
    for tag, value in records:
        if tag == "s":
            spans.append(value)
        else:
            info[value[0]] = value[1]
    spans.sort(key=lambda s: (s[0], s[1], s[2]))
    raw = build_clusters([s[3] for s in spans], shared.params.merge_overlap,
                         shared.params.merge_overlap_longer)
    docs = {d: v[0][0] for d, v in info.items()}
    words = {d: v[0][4] for d, v in info.items()}
    ctx = Context(docs, {d: v[0][1] for d, v in info.items()}, {d: v[0][2] for d, v in info.items()},
                  {d: v[0][3] for d, v in info.items()}, shared.registry, shared.params, words=words.__getitem__,
                  ideographic=frozenset(d for d, v in info.items() if v[0][5]))
    ids = {d: v[1] for d, v in info.items()}
    yield from origin_clusters(raw, ctx, ids)


def _origin_info(r: Analysed) -> tuple:
    """What the origin rules read of a document: no text, but its word bounds and hashes
    (where a pair is cut at the traced text's edge, and the pieces' similarity) and
    whether it is written in ideographs (a piece cut off a pair of two such texts counts
    characters)."""
    doc = replace(r.doc, text=CorpusText(len(r.doc.text), Withheld("the origin stage holds no texts")))
    return (doc, r.attribution, r.cues, r.segments, (*marked_bounds(r.tokens.of(r.doc.text)), r.tokens.hashes),
            r.tokens.is_ideographic)


def _may_cite(r: Analysed) -> bool:
    """Whether cited_origins can find a claim in this document (segments, or a pointer
    saying it republishes)."""
    return bool(r.segments) or any(c.role == "pointer" and c.relation == "republication" for c in r.cues)


class _Covering(NamedTuple):
    members: tuple


def _cited(d: int, groups, shared: _Shared):
    """pipeline.cited_origins for one document (as document 0 of a one-document
    context), against the passages of it already in clusters."""
    info = list(groups[0])
    if not info:
        return
    (doc, att, cues, segments), doc_id = info[0]
    covering = [_Covering((Member(0, s, e, 0.0, False),)) for s, e in groups[1]]
    ctx = Context([doc], [att], [cues], [segments], shared.registry, shared.params)
    for c in cited_origins(covering, ctx, [doc_id]):
        members = tuple(replace(m, doc=d) for m in c.members)
        evidence = tuple(replace(e, document=d) for e in c.origin.evidence)
        yield replace(c, members=members, origin=replace(c.origin, evidence=evidence))


def _references(c: Cluster):
    """For each document of a cluster, the cluster as that document's measure sees it:
    its members there as document 0, the others elsewhere (-1)."""
    for d in sorted({m.doc for m in c.members}):
        members = tuple(replace(m, doc=0 if m.doc == d else -1) for m in c.members)
        yield d, Cluster(id=c.id, members=members, origin=c.origin)


class Parts(NamedTuple):
    """What the driver collects of one document: the report's parts of it, no text."""

    index: int
    doc: Document  # text ""
    attribution: Attribution
    cues: list
    segments: list
    result: DocumentResult
    length: int  # of the text


def _measure_one(i: int, r: Analysed, clusters: list, shared: _Shared) -> Parts:
    result = measure([r.doc], [r.tokens], clusters, shared.params)[0]
    return Parts(i, replace(r.doc, text=""), r.attribution, r.cues, r.segments, replace(result, doc=i),
                 len(r.doc.text))


# --------------------------------------------------------------------------
# Texts on the driver
# --------------------------------------------------------------------------


class _Reload:
    """Reads one document's text again from its file, when the driver needs it."""

    def __init__(self, task: Read | None, record: str | None, sha256: str, limit: int, remote: bool) -> None:
        self.task, self.record, self.sha256, self.limit, self.remote = task, record, sha256, limit, remote

    def __call__(self) -> str:
        if self.task is None:
            raise TextUnavailable("the document's file is not in the listing")
        if self.remote:
            from pyspark import SparkContext

            sc = SparkContext._active_spark_context
            if sc is None:
                raise TextUnavailable(f"{self.task.location}: the Spark session has ended; text not available")
            found = sc.binaryFiles(self.task.location).collect()
            docs = read_bytes(self.task, found[0][1], self.limit)[0] if found else []
        else:
            docs = read_planned(self.task, self.limit)[0]
        for d in docs:
            if d.record == self.record and d.sha256 == self.sha256:
                return d.text
        raise TextUnavailable(f"{self.task.rel}: the file changed since the audit")
