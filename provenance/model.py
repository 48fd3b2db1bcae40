"""Typed values passed between the audit stages.

Every stage takes and returns these frozen dataclasses, so a stage can be
tested alone and the orchestrator (``pipeline.py``) reads as a list of steps.
Offsets are always ``[start, end)`` character offsets into ``Document.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


# --------------------------------------------------------------------------
# Input inventory
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class MetaField:
    """One metadata value found inside a file (HTML meta tag, JSON-LD, JSON key).

    ``key`` is a normalised name (``published``, ``site_name``, ``publisher``,
    ``url``, ``canonical_url``, ``title``, ``is_based_on``, ``outlet``,
    ``modified``, ``author``); ``source`` says exactly where it was read, e.g.
    ``html:meta[property="article:published_time"]`` or ``jsonld:@graph[1].datePublished``.
    """

    key: str
    value: str
    source: str


@dataclass(frozen=True)
class Document:
    """One article as read from the corpus.

    A plain, HTML or single-object JSON file yields one document; a JSON Lines
    file or a JSON array yields one per record (``record`` names it).
    """

    path: str  # relative to the corpus root, POSIX separators
    record: str | None  # locator inside the file ("line 3", "item 0") or None
    sha256: str  # of the bytes this document was read from
    text: str  # extracted article text; offsets refer to this
    format: str  # "text" | "html" | "json" | "jsonl"
    encoding: str | None  # encoding used to decode, when the file was bytes
    title: str | None = None
    url: str | None = None
    metadata: tuple[MetaField, ...] = ()

    @property
    def label(self) -> str:
        return self.path if self.record is None else f"{self.path}#{self.record}"


# the rejection code of a file saved with a page (in the folder of what the page loads):
# accounted for like any rejection, but not an input problem (``--strict`` ignores it)
PAGE_RESOURCE = "page-resource"


@dataclass(frozen=True)
class Rejection:
    """A file (or a record inside a file) that could not be read as a document."""

    path: str
    code: str  # short stable code, see docs/report-format.md
    reason: str  # a sentence a person can act on
    record: str | None = None


@dataclass(frozen=True)
class SidecarRow:
    """One row of the corpus's metadata.csv / metadata.jsonl, already validated."""

    path: str
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    title: str | None = None
    line: int = 0  # line (csv) or row number in the sidecar file


@dataclass(frozen=True)
class SidecarIssue:
    """A sidecar row that names no document, escapes the corpus, or has a bad date."""

    line: int
    code: str
    reason: str
    path: str | None = None


@dataclass(frozen=True)
class Sidecar:
    path: str | None  # relative to the corpus root when inside it, else as given
    rows: tuple[SidecarRow, ...] = ()
    issues: tuple[SidecarIssue, ...] = ()


@dataclass(frozen=True)
class Inventory:
    """Everything found under the corpus root, each file exactly once."""

    documents: tuple[Document, ...]
    rejections: tuple[Rejection, ...]
    sidecar: Sidecar
    files_seen: int
    encodings: tuple[tuple[str, int], ...] = ()  # encoding -> document count
    skipped_records: tuple[tuple[str, int], ...] = ()  # web-archive records that are not documents


# --------------------------------------------------------------------------
# Evidence: where an inferred value came from
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One observation supporting an inferred value.

    ``rule`` names the rule that read it, ``source`` the kind of place
    (``sidecar``, ``html-meta``, ``json-ld``, ``url``, ``text``), ``location``
    where exactly (a selector, a field, or ``chars 10-42``), ``text`` the raw
    string as found, ``value`` what the rule concluded from it.  ``registry``
    holds, for outlets of ``value`` named through the outlet registry, the entry
    that named each (``outlets.Match``: its file, canonical name, and the name,
    alias or domain that matched).
    """

    rule: str
    source: str
    location: str
    text: str
    value: str
    precision: str | None = None  # for dates: year | month | day | minute | second
    confidence: str = "medium"  # high | medium | low
    document: int | None = None  # the document it was read from, where that is not implied (a cluster's origin)
    registry: tuple = ()  # outlets.Match per registered outlet of ``value``, in its order


@dataclass(frozen=True)
class DateValue:
    """A date at the precision it was stated with (a year is not 1 January)."""

    iso: str  # "2016", "2016-10", "2016-10-20", "2016-10-20T14:30", "...+01:00"
    precision: str  # year | month | day | minute | second
    tz: bool = False  # whether a UTC offset was stated


@dataclass(frozen=True)
class Attribution:
    """The outlet and publication date decided for one document, with evidence."""

    outlet: str | None
    outlet_kind: str | None
    outlet_evidence: tuple[Evidence, ...]
    date: DateValue | None
    date_evidence: tuple[Evidence, ...]
    conflicts: tuple[str, ...] = ()
    captured: DateValue | None = None  # web-archive capture time: an upper bound, never the date


# --------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SpanPair:
    """A verified shared span between two documents (indices into the doc list)."""

    a: int
    a_start: int  # character offsets
    a_end: int
    b: int
    b_start: int
    b_end: int
    similarity: float  # 0..1, token agreement over both spans
    verbatim: bool
    tokens: int  # matched tokens (shorter side)
    whole_tokens: int = 0  # of the verified span this one was cut from (reach.cut); 0: not cut
    # How the two sides were matched: "alignment" (runs of shared words, and rewritten
    # sentences between texts that tell one story), "rewritten-brief" (a brief against the
    # sentences it condenses), "rewritten-tie" (a tied copy's passage against the text it
    # was rewritten from)
    match: str = "alignment"
    # Where the two sides are known to correspond: the alignment's runs of matched words
    # (align.TokenSpan.anchors) as character offsets, flattened (a0, b0, a1, b1, ...); an
    # offset is mapped from one side to the other through them, linearly between them
    # (and over the whole span without them).
    anchors: tuple[int, ...] = ()


@dataclass(frozen=True)
class Member:
    """A passage of one document that belongs to a cluster."""

    doc: int
    start: int
    end: int
    similarity: float  # best similarity of this passage to another member
    verbatim: bool


@dataclass(frozen=True)
class Origin:
    """Which member (or outside source) a cluster's text first appeared in."""

    member: int | None  # index into Cluster.members, or None (external/undetermined)
    outlet: str | None
    date: DateValue | None
    in_corpus: bool
    rule: str  # the origin rule that decided, or "undetermined"
    confidence: str  # high | medium | low
    reason: str
    evidence: tuple[Evidence, ...] = ()
    conflicts: tuple[str, ...] = ()

    @property
    def determined(self) -> bool:
        return self.rule != "undetermined"


@dataclass(frozen=True)
class Link:
    """One republication in a chain.

    ``source`` is the member this copy was most likely taken from: among the
    members it is directly aligned with, published before it (or the origin), the
    most similar.  ``relation`` and ``similarity`` describe the copy against that
    source, or against the origin through the best path when there is no source.
    """

    member: int
    date: DateValue | None
    lag_days: float | None  # from the origin's date
    relation: str  # verbatim | near_duplicate | partial | cited
    similarity: float | None  # None when the original is not in the corpus (relation "cited")
    source: int | None = None
    match: str | None = None  # how the copy was matched with its source (SpanPair.match); None without one
    credited: str = "unknown"  # credited | uncredited | unknown
    credit_evidence: tuple[Evidence, ...] = ()
    credit_reason: str = ""


@dataclass(frozen=True)
class Cluster:
    id: str
    members: tuple[Member, ...]
    origin: Origin
    chain: tuple[Link, ...] = ()
    edges: tuple = ()  # cluster.Edge: the verified pairs between members
    tied: tuple[int, ...] = ()  # the documents whose same-day tie left the origin undetermined


@dataclass(frozen=True)
class DocumentResult:
    """Per-document outcome of the audit."""

    doc: int
    reused_fraction: float
    shared_fraction: float
    derivation: str  # wholly_derived | partially_derived | non_derived


@dataclass(frozen=True)
class AuditResult:
    """Everything the report is written from."""

    inventory: Inventory
    attributions: tuple[Attribution, ...]
    clusters: tuple[Cluster, ...]
    results: tuple[DocumentResult, ...]
    stats: dict = field(default_factory=dict, hash=False, compare=False)
    cues: tuple = ()  # per document: tuple of cues.Cue
    segments: tuple = ()  # per document: tuple of segments.Segment
    rules: object = None  # the rules.RuleSet used
    registry: object = None  # the outlets.Registry used
    archive: tuple = ()  # (index source, Document) of indexed documents brought in, after the corpus's
