"""Unit tests: parameters, outlet registry, attribution evidence, quotations, origin rules."""

from __future__ import annotations

import pytest

from provenance.attribution import attribute
from provenance.cues import CueReader, resolve_date
from provenance.rules import load_rules
from provenance.cluster import Edge, RawCluster, build_clusters
from provenance.dates import parse_date_value
from provenance.errors import ConfigError
from provenance.model import Attribution, Document, Member, MetaField, SidecarRow, SpanPair
from provenance.origin import OriginContext, build_chain, choose_origin, direct_source
from provenance.outlets import load_registry, name_key
from provenance.params import default_params, with_overrides
from provenance.quotes import quoted_regions, quoted_share


# ---- parameters ---------------------------------------------------------------

def test_overrides_are_validated():
    p = with_overrides(default_params(), {"align.min_span_tokens": "25", "wholly": "0.7"})
    assert p.min_span_tokens == 25 and p.wholly == 0.7
    with pytest.raises(ConfigError, match="unknown parameter"):
        with_overrides(default_params(), {"align.nope": "1"})
    with pytest.raises(ConfigError, match="between 0 and 1"):
        with_overrides(default_params(), {"fingerprint.lsh_threshold": "1.5"})
    with pytest.raises(ConfigError, match="whole number"):
        with_overrides(default_params(), {"align.seed_ngram": "2.5"})
    with pytest.raises(ConfigError, match="exceeds"):
        with_overrides(default_params(), {"derivation.partially": "0.9"})


def test_parameters_grouped_as_in_the_data_file():
    sections = default_params().as_sections()
    assert sections["fingerprint"]["seed"] == 1
    assert set(sections) == {"fingerprint", "align", "cluster", "quotation", "relation", "derivation"}


# ---- registry ------------------------------------------------------------------

def test_registry_lookups():
    r = load_registry()
    assert r.by_name("the guardian").name == "The Guardian"
    assert r.by_name("AFP").kind == "wire"
    assert r.by_domain("www.dailymail.co.uk").name == "Daily Mail"
    assert r.by_domain("co.uk") is None and r.by_domain("notdailymail.co.uk") is None
    assert r.by_url("http://www.dailymail.co.uk/news/article-1.html").name == "Daily Mail"
    assert r.by_url("https://uk.reuters.com/x").name == "Reuters"
    assert r.kind_of("Unheard Of Gazette") == "unknown" and r.kind_of(None) is None
    assert name_key("The Daily  Telegraph!") == "daily telegraph"


def test_user_registry_extends_and_replaces(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('[[outlet]]\nname = "Valley Courier"\nkind = "newspaper"\ndomains = ["valley.example"]\n'
                 '[[outlet]]\nname = "Reuters"\nkind = "wire"\naliases = ["R"]\n', encoding="utf-8")
    r = load_registry([f])
    assert r.by_url("https://valley.example/a").name == "Valley Courier"
    assert r.by_name("R").name == "Reuters"


@pytest.mark.parametrize("body,message", [
    ('[[outlet]]\nname = "X"\nkind = "tabloid"\n', "kind must be one of"),
    ('[[outlet]]\nname = "X"\ncolour = "red"\n', "unknown key"),
    ('[[outlet]]\nkind = "wire"\n', "'name'"),
    ('[[outlet]]\nname = "X"\naliases = "Y"\n', "list of strings"),
    ("not toml [", "not valid TOML"),
])
def test_bad_registry_files_name_the_problem(tmp_path, body, message):
    f = tmp_path / "bad.toml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        load_registry([f])
    assert "bad.toml" in str(err.value)


# ---- attribution ---------------------------------------------------------------

def doc(text="body text", fmt="text", url=None, meta=()):
    return Document(path="a.txt", record=None, sha256="0" * 64, text=text, format=fmt, encoding="utf-8",
                    url=url, metadata=tuple(meta))


def attribute_doc(d, row=None):
    registry = load_registry()
    cues = CueReader(load_rules(), registry).read(d, row, "metadata.csv")
    return attribute(cues, [], registry)


def test_sidecar_beats_metadata_and_conflicts_are_reported():
    d = doc(fmt="html", url="https://www.theguardian.com/world/2016/oct/21/x",
            meta=[MetaField("published", "2016-10-21T09:00:00Z", 'html:meta[property="article:published_time"]'),
                  MetaField("site_name", "The Guardian", 'html:meta[property="og:site_name"]')])
    row = SidecarRow(path="a.txt", outlet="Guardian", date="2016-10-20", line=2)
    att = attribute_doc(d, row)
    assert att.outlet == "The Guardian" and att.outlet_kind == "newspaper"
    assert att.date.iso == "2016-10-20"
    assert [e.rule for e in att.date_evidence] == ["sidecar.date", "meta.published", "url.path-date"]
    assert att.date_evidence[0].location == "metadata.csv:2"
    assert any("date" in c and "2016-10-21" in c for c in att.conflicts)
    assert not any(c.startswith("outlet") for c in att.conflicts)


def test_plain_text_leading_url_names_the_outlet():
    d = doc(text="http://www.dailymail.co.uk/news/article-3832859/x.html\n120\nStory text here.")
    att = attribute_doc(d)
    assert att.outlet == "Daily Mail"
    assert att.outlet_evidence[0].rule == "text.leading-url"
    assert att.date is None  # no date in that URL, and file times are never evidence


@pytest.mark.parametrize("url,iso", [
    ("https://www.theguardian.com/world/2016/oct/20/merkel", "2016-10-20"),
    ("https://example.com/2016/10/20/story", "2016-10-20"),
    ("https://example.com/2016/13/40/story", None),
    ("https://example.com/article-3832859", None),
])
def test_url_dates(url, iso):
    att = attribute_doc(doc(fmt="html", url=url))
    assert (att.date.iso if att.date else None) == iso


def test_copyright_year_keeps_year_precision():
    att = attribute_doc(doc(text="Body of the story.\n\n– (Copyright The Financial Times Limited 2016)"))
    assert att.outlet == "Financial Times"
    assert att.date.iso == "2016" and att.date.precision == "year"


def test_yearless_dates_need_an_anchor():
    assert resolve_date("Oct 28", day_first=None, anchor=None)[0] is None
    value, note = resolve_date("Oct 28", day_first=None, anchor=parse_date_value("2016-11-02"))
    assert value.iso == "2016-10-28" and "anchor" in note
    value, _ = resolve_date("Dec 30", day_first=None, anchor=parse_date_value("2017-01-02"))
    assert value.iso == "2016-12-30"


def test_numeric_dates_follow_the_outlet_or_are_flagged():
    assert resolve_date("03/04/2016", day_first=True, anchor=None)[0].iso == "2016-04-03"
    assert resolve_date("03/04/2016", day_first=False, anchor=None)[0].iso == "2016-03-04"
    value, note = resolve_date("03/04/2016", day_first=None, anchor=None)
    assert value is None and "ambiguous" in note
    assert resolve_date("13/04/2016", day_first=None, anchor=None)[0].iso == "2016-04-13"


def test_wire_dateline_needs_an_allow_listed_agency():
    reader = CueReader(load_rules(), load_registry())
    wire = reader.read(doc(text="MOSCOW, Oct 28 (Reuters) - Russia said on Friday that it would wait."))
    local = reader.read(doc(text="COLUMBIA, Mo. (KMIZ) - A local council said on Friday it would wait."))
    assert [(c.rule, c.outlets) for c in wire if c.role == "dateline"] == [("text.dateline.wire", ("Reuters",))]
    assert [c for c in local if c.role == "dateline"] == []


# ---- quotations ----------------------------------------------------------------

def test_quoted_regions_cover_common_conventions():
    t = "He said: “We will go.” Then ``We will stay,'' she said, and 'we may' not; it's John's."
    inside = [t[s:e] for s, e in quoted_regions(t)]
    assert inside == ["“We will go.”", "``We will stay,''", "'we may'"]
    s = t.index("We will go")
    assert quoted_share(quoted_regions(t), s, s + 10) == 1.0
    assert quoted_share(quoted_regions(t), s - 1, s + 12) == 1.0  # a passage with its marks
    assert quoted_share(quoted_regions(t), 0, 8) == 0.0


# ---- origin rules --------------------------------------------------------------

def att(date, outlet="X", kind="newspaper"):
    return Attribution(outlet=outlet, outlet_kind=kind, outlet_evidence=(),
                       date=parse_date_value(date) if date else None, date_evidence=(), conflicts=())


def cluster(n, edges):
    members = tuple(Member(doc=i, start=0, end=10, similarity=1.0, verbatim=True) for i in range(n))
    return RawCluster(members, tuple(Edge(u, v, s, s == 1.0) for u, v, s in edges))


def docs(n):
    return [doc() for _ in range(n)]


def test_earliest_date_wins():
    c = cluster(3, [(0, 1, 1.0), (1, 2, 0.9)])
    atts = [att("2016-10-21"), att("2016-10-20"), att("2016-10-22")]
    o = choose_origin(OriginContext(c, docs(3), atts))
    assert (o.member, o.rule, o.confidence) == (1, "earliest-date", "high")
    chain = build_chain(OriginContext(c, docs(3), atts), o, 0.8)
    assert [l.member for l in chain] == [0, 2] and [l.lag_days for l in chain] == [1.0, 2.0]


def test_an_older_document_holding_the_text_in_several_short_members_is_the_origin():
    # The wire (0) has three sentences that the paper (1) runs together, rewritten, as one
    # passage [0,70): each wire member is under half of it, but together they make all of it.
    # A still older story (2) shares only a few words of it: a fragment, never the origin.
    pairs = [SpanPair(0, 0, 30, 1, 0, 40, 0.7, False, 25), SpanPair(0, 40, 70, 1, 15, 55, 0.7, False, 25),
             SpanPair(0, 80, 110, 1, 30, 70, 0.7, False, 25), SpanPair(1, 0, 12, 2, 0, 10, 1.0, True, 10)]
    [c] = build_clusters(pairs, 0.5)
    assert sorted((m.doc, m.start, m.end) for m in c.members) == [
        (0, 0, 30), (0, 40, 70), (0, 80, 110), (1, 0, 70), (2, 0, 10)]
    atts = [att("2016-10-19", "Wire", "wire"), att("2016-10-20"), att("2016-10-18")]
    ctx = OriginContext(c, docs(3), atts)
    assert ctx.substantial_docs() == [0, 1]
    o = choose_origin(ctx)
    assert c.members[o.member].doc == 0 and o.rule == "earliest-date"
    assert "1 more share only a fragment" in o.reason
    # Without the pairs (no way to trace the wire's text), only the paper's member is long enough.
    bare = RawCluster(c.members, c.edges)
    assert OriginContext(bare, docs(3), atts).substantial_docs() == [1]


def test_undated_member_makes_origin_undetermined():
    c = cluster(2, [(0, 1, 1.0)])
    o = choose_origin(OriginContext(c, docs(2), [att("2016-10-20"), att(None)]))
    assert o.rule == "undetermined" and o.member is None and "no publication date" in o.reason


def test_same_day_tie_goes_to_the_wire_or_stays_undetermined():
    c = cluster(2, [(0, 1, 1.0)])
    o = choose_origin(OriginContext(c, docs(2), [att("2016-10-20"), att("2016-10-20", "Reuters", "wire")]))
    assert (o.member, o.rule, o.confidence) == (1, "earliest-date-wire-tiebreak", "medium")
    o = choose_origin(OriginContext(c, docs(2), [att("2016-10-20"), att("2016-10-20")]))
    assert o.rule == "undetermined" and "tie" in o.reason


def test_times_order_same_day_members():
    c = cluster(2, [(0, 1, 1.0)])
    o = choose_origin(OriginContext(c, docs(2), [att("2016-10-20T15:00Z"), att("2016-10-20T09:00Z")]))
    assert o.member == 1 and o.rule == "earliest-date"


def test_direct_source_is_the_closest_earlier_member():
    # 0 origin; 1 copies 0 loosely; 2 copies 1 verbatim and 0 loosely.
    c = cluster(3, [(0, 1, 0.7), (1, 2, 1.0), (0, 2, 0.6)])
    atts = [att("2016-10-20"), att("2016-10-21"), att("2016-10-22")]
    assert direct_source(c, 2, 0, atts) == (1, 1.0, True)
    assert direct_source(c, 1, 0, atts) == (0, 0.7, False)
    ctx = OriginContext(c, docs(3), atts)
    chain = build_chain(ctx, choose_origin(ctx), 0.8)
    assert [(l.member, l.source, l.relation) for l in chain] == [(1, 0, "partial"), (2, 1, "verbatim")]
