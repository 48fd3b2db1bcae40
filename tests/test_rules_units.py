"""Unit tests: parameters, outlet registry, attribution evidence, quotations, origin rules."""

from __future__ import annotations

from dataclasses import replace

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
from provenance.segments import find_segments


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


def test_a_name_in_small_letters_from_the_text_needs_the_registrys_spelling_but_a_rules_own_outlet_does_not(tmp_path):
    rules = tmp_path / "r.toml"
    rules.write_text("""
[[rule]]
id = "text.partner-note"
description = "A partner paper's note, which names it."
source = "text"
pattern = '(?P<outlet>dpa|express) partner note'
role = "credit"
relation = "source"
concludes = ["outlet"]

[[rule]]
id = "text.harbour-note"
description = "A partner paper's note, which names it."
source = "text"
pattern = 'harbour partner note'
role = "credit"
relation = "source"
outlet = "harbour post"
concludes = ["outlet"]
""", encoding="utf-8")
    reader = CueReader(load_rules([rules]), load_registry())
    read = lambda text: [(c.rule, c.outlets) for c in reader.read(doc(text=text)) if c.rule.endswith("-note")]
    assert read("A dpa partner note.") == [("text.partner-note", ("dpa",))]
    assert read("An express partner note.") == []  # "Express" is a registered alias, not as written here
    assert read("A harbour partner note.") == [("text.harbour-note", ("harbour post",))]


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
    assert direct_source(c, 2, 0, atts) == (1, 1.0, True, "alignment")
    assert direct_source(c, 1, 0, atts) == (0, 0.7, False, "alignment")
    ctx = OriginContext(c, docs(3), atts)
    chain = build_chain(ctx, choose_origin(ctx), 0.8)
    assert [(l.member, l.source, l.relation) for l in chain] == [(1, 0, "partial"), (2, 1, "verbatim")]


def _reader_cues(*documents):
    reader = CueReader(load_rules(), load_registry())
    return [reader.read(d) for d in documents]


def _named(path, d):
    return replace(d, path=path)


def test_a_pointer_to_an_outlet_outside_the_corpus_is_an_external_origin_and_other_pointers_conflicts():
    body = "The harbour board voted on Thursday to dredge the eastern channel before the winter storms."
    ds = [_named("bay-blog.txt", doc(body + "\n\nThis article originally appeared in Lakeside Ledger.")),
          _named("hill-times.txt", doc(body + "\n\nIt was originally published in Lakeside Ledger.")),
          _named("coast-digest.html", doc(body, fmt="html", meta=[MetaField(
              "is_based_on", "https://www.theguardian.com/uk-news/2016/oct/19/harbour-dredging", "jsonld:isBasedOn")]))]
    atts = [att("2016-10-20", "Bay Blog"), att("2016-10-21", "Hill Times"), att("2016-10-22", "Coast Digest")]
    c = cluster(3, [(0, 1, 1.0), (1, 2, 1.0)])
    ctx = OriginContext(c, ds, atts, cues=_reader_cues(*ds))
    o = choose_origin(ctx)
    # the earliest member (0) would be the origin by date: the pointers decide first
    assert (o.member, o.in_corpus, o.outlet, o.date) == (None, False, "Lakeside Ledger", None)
    assert (o.rule, o.confidence) == ("explicit-pointer", "medium")
    assert "Lakeside Ledger" in o.reason and "not in the corpus" in o.reason
    assert [e.rule for e in o.evidence] == ["text.republished", "text.republished"]
    assert o.conflicts == ("other pointers name The Guardian (1 cue(s))",)
    # every member is a republication of the outside original
    chain = build_chain(ctx, o, 0.8)
    assert [l.member for l in chain] == [0, 1, 2]
    assert (chain[0].relation, chain[0].similarity, chain[0].source) == ("cited", None, None)


def test_a_compilation_blocks_wire_header_gives_the_outside_origin_its_cited_date():
    # A page reposting two wire stories; a blog copies the first block. The page's own date
    # anchors the yearless datelines.
    page = ("Harbour dredging approved\n"
            "PORTSMOUTH, Oct 20 (Reuters) - The harbour board voted on Thursday to dredge the eastern channel.\n"
            "Work will start in spring.\n\n"
            "Ferry fares to rise\n"
            "SOUTHAMPTON, Oct 21 (AFP) - Ferry operators said fares would rise by a tenth next year.\n")
    copy = "The harbour board voted on Thursday to dredge the eastern channel.\nWork will start in spring."
    ds = [_named("digest.html", doc(page, fmt="html", meta=[MetaField(
              "published", "2016-11-02T08:00:00Z", 'html:meta[property="article:published_time"]')])),
          _named("blog.txt", doc(copy))]
    cues = _reader_cues(*ds)
    segs = [find_segments(page, cues[0]), []]
    assert [s.outlet for s in segs[0]] == ["Reuters", "Agence France-Presse"]
    start = page.index("The harbour board")
    members = (Member(0, start, start + len(copy), 1.0, True), Member(1, 0, len(copy), 1.0, True))
    c = RawCluster(members, (Edge(0, 1, 1.0, True),))
    atts = [att("2016-11-02", "Coast Digest"), att("2016-11-03", "Bay Blog")]
    o = choose_origin(OriginContext(c, ds, atts, cues=cues, segments=segs))
    assert (o.member, o.in_corpus, o.outlet, o.rule) == (None, False, "Reuters", "explicit-pointer")
    assert o.date.iso == "2016-10-20" and o.conflicts == ()


def test_copies_crediting_two_agencies_leave_the_choice_to_the_dates():
    kinds = {o.name: o.kind for o in load_registry().outlets}
    reuters = _named("a.txt", doc("KINSHASA, Oct 28 (Reuters) - The harbour board voted to dredge the channel."))
    afp = _named("b.txt", doc("KINSHASA (AFP) - The harbour board voted to dredge the channel."))
    plain = _named("b.txt", doc("KINSHASA - The harbour board voted to dredge the channel."))
    c = cluster(2, [(0, 1, 1.0)])
    atts = [att("2016-10-21", "Bay Blog"), att("2016-10-20", "Hill Times")]
    # one agency credited: the wire rule decides (the agency, outside the corpus)
    o = choose_origin(OriginContext(c, [reuters, plain], atts, cues=_reader_cues(reuters, plain), kinds=kinds))
    assert (o.rule, o.outlet, o.member) == ("wire-dateline", "Reuters", None)
    # two agencies credited: it does not; the earlier member is the origin by date
    o = choose_origin(OriginContext(c, [reuters, afp], atts, cues=_reader_cues(reuters, afp), kinds=kinds))
    assert (o.rule, o.outlet, o.member, o.in_corpus) == ("earliest-date", "Hill Times", 1, True)


def test_an_origin_named_by_a_pointer_but_dated_after_another_member_is_a_conflict():
    body = "Ferry operators said fares on the island routes would rise by a tenth next year."
    ds = [_named("valley-courier.txt", doc(body)),
          _named("hill-times.txt", doc(body + "\nThis article originally appeared in Valley Courier.")),
          _named("bay-blog.txt", doc(body))]
    atts = [att("2016-10-21", "Valley Courier"), att("2016-10-20", "Hill Times"), att("2016-10-22", "Bay Blog")]
    c = cluster(3, [(0, 1, 1.0), (0, 2, 1.0)])
    o = choose_origin(OriginContext(c, ds, atts, cues=_reader_cues(*ds)))
    assert (o.member, o.outlet, o.in_corpus, o.rule, o.confidence) == (
        0, "Valley Courier", True, "explicit-pointer", "medium")
    assert o.conflicts == ("hill-times.txt is dated 2016-10-20, before the origin's 2016-10-21",)


def test_a_member_dated_before_an_origin_found_by_its_dateline_is_left_out_of_the_chain():
    # The wire's own story (0); a paper carrying its dateline (1); an older story (2) that
    # shares only a fragment of the text.
    ds = [_named("wire.txt", doc("MOSCOW (Reuters) - Russia said it would wait.")),
          _named("paper.txt", doc("MOSCOW (Reuters) - Russia said it would wait.")),
          _named("old.txt", doc("Russia said it would wait, last year."))]
    members = (Member(0, 0, 10, 1.0, True), Member(1, 0, 10, 1.0, True), Member(2, 0, 4, 1.0, True))
    c = RawCluster(members, (Edge(0, 1, 1.0, True), Edge(1, 2, 1.0, True)))
    atts = [att("2016-10-20", "Reuters", "wire"), att("2016-10-21", "Daily Paper"), att("2016-10-18", "Old Times")]
    ctx = OriginContext(c, ds, atts, cues=_reader_cues(*ds), kinds={"Reuters": "wire"})
    o = choose_origin(ctx)
    assert (o.member, o.rule, o.date.iso) == (0, "wire-dateline", "2016-10-20")
    assert o.conflicts == ("old.txt is dated 2016-10-18, before the origin's 2016-10-20",)
    chain = build_chain(ctx, o, 0.8)
    assert [(l.member, l.lag_days) for l in chain] == [(1, 1.0)]


def test_a_local_time_is_ordered_against_a_utc_one_only_beyond_any_zone():
    # 0 is stated in UTC, 2 as a local time: two days apart, no time zone can reverse them
    c = cluster(3, [(0, 1, 1.0), (1, 2, 1.0)])
    atts = [att("2016-10-20T09:00Z"), att("2016-10-21"), att("2016-10-22T15:00")]
    o = choose_origin(OriginContext(c, docs(3), atts))
    assert (o.member, o.rule, o.confidence) == (0, "earliest-date", "high")
    # six hours apart: a zone could put the local time first, so neither is the origin
    atts = [att("2016-10-20T09:00Z"), att("2016-10-21"), att("2016-10-20T15:00")]
    o = choose_origin(OriginContext(c, docs(3), atts))
    assert o.rule == "undetermined" and "tie" in o.reason
    atts[2] = att("2016-10-22T15:00Z")
    o = choose_origin(OriginContext(c, docs(3), atts))
    assert (o.member, o.rule, o.confidence) == (0, "earliest-date", "high")
    # a year-only date of the origin's year orders nothing: a tie, not a guess
    atts[2] = att("2016")
    o = choose_origin(OriginContext(c, docs(3), atts))
    assert o.rule == "undetermined" and "tie" in o.reason


def test_a_blocks_byline_names_the_outside_origin_and_its_dateline_gives_the_date():
    # The byline line names the outlet, the dateline on the next line dates the block: the
    # origin outside the corpus takes the block's date, as the block itself does.
    page = ("Harbour dredging approved\nMira Okafor / The Guardian\n"
            "PORTSMOUTH (October 20, 2016) \u2014 The harbour board voted on Thursday to dredge the eastern channel.\n"
            "Work will start in spring.\n\nFerry fares to rise\nTom Reyes / Financial Times\n"
            "SOUTHAMPTON (October 21, 2016) \u2014 Ferry operators said fares would rise by a tenth next year.\n")
    copy = "The harbour board voted on Thursday to dredge the eastern channel.\nWork will start in spring."
    ds = [_named("digest.txt", doc(page)), _named("blog.txt", doc(copy))]
    cues = _reader_cues(*ds)
    segs = [find_segments(page, cues[0]), []]
    assert (segs[0][0].outlet, segs[0][0].date.iso) == ("The Guardian", "2016-10-20")
    start = page.index("The harbour board")
    members = (Member(0, start, start + len(copy), 1.0, True), Member(1, 0, len(copy), 1.0, True))
    c = RawCluster(members, (Edge(0, 1, 1.0, True),))
    atts = [att("2016-10-22", "Coast Digest"), att("2016-10-23", "Bay Blog")]
    o = choose_origin(OriginContext(c, ds, atts, cues=cues, segments=segs))
    assert (o.member, o.in_corpus, o.outlet, o.rule) == (None, False, "The Guardian", "explicit-pointer")
    assert o.date is not None and o.date.iso == "2016-10-20" and o.conflicts == ()
    # a member published before the cited date: the text is older than that date
    atts = [att("2016-10-22", "Coast Digest"), att("2016-10-19", "Bay Blog")]
    o = choose_origin(OriginContext(c, ds, atts, cues=cues, segments=segs))
    assert (o.outlet, o.date) == ("The Guardian", None)
    assert o.conflicts == ("the cited date 2016-10-20 is not used: blog.txt is dated 2016-10-19, before it",)


def _page(path, site, canonical=None, own_url=None):
    meta = [MetaField("site_name", site, 'html:meta[property="og:site_name"]')]
    if own_url:
        meta.append(MetaField("url", own_url, 'html:meta[property="og:url"]'))
    if canonical:
        meta.append(MetaField("canonical_url", canonical, "html:link[rel=canonical]"))
    return _named(path, doc("The bridge over the river closed on Tuesday.", fmt="html",
                            url=own_url or canonical, meta=meta))


def test_a_canonical_link_names_the_page_whose_own_address_it_is():
    original = "https://rivertongazette.example/news/bridge"
    # the original states its address and links to itself; the copy gives no address of
    # its own, only a canonical link to the original (so its address is that link)
    for ds in ([_page("gazette.html", "Riverton Gazette", canonical=original, own_url=original),
                _page("lakeside.html", "Lakeside Post", canonical=original)],
               [_page("lakeside.html", "Lakeside Post", canonical=original),
                _page("gazette.html", "Riverton Gazette", canonical=original, own_url=original)]):
        atts = [att("2023-05-03", ds[0].path.split(".")[0]), att("2023-05-03", ds[1].path.split(".")[0])]
        o = choose_origin(OriginContext(cluster(2, [(0, 1, 1.0)]), ds, atts, cues=_reader_cues(*ds)))
        assert o.rule == "explicit-pointer" and o.confidence == "high"
        assert ds[o.member].path == "gazette.html"
    c = cluster(2, [(0, 1, 1.0)])
    # a page linking to itself, alone, points at nothing: the dates decide
    alone = [_page("gazette.html", "Riverton Gazette", canonical=original, own_url=original),
             _page("other.html", "Other Paper", own_url="https://other.example/bridge")]
    o = choose_origin(OriginContext(c, alone, [att("2023-05-04", "Riverton Gazette"), att("2023-05-03", "Other Paper")],
                                    cues=_reader_cues(*alone)))
    assert (o.member, o.rule) == (1, "earliest-date")


def test_an_html_copys_own_address_is_not_its_canonical_link():
    from provenance.readers import read_file

    page = (b'<html><head><meta property="og:site_name" content="Lakeside Post">'
            b'<meta property="og:url" content="https://lakesidepost.example/bridge">'
            b'<link rel="canonical" href="https://rivertongazette.example/2023/05/03/bridge"></head>'
            b"<body><article><p>The bridge over the river closed on Tuesday after divers found a crack.</p>"
            b"</article></body></html>")
    [d], _ = read_file("lakeside.html", page)
    assert d.url == "https://lakesidepost.example/bridge"
    # no address of its own: the canonical link is the best guess
    [d], _ = read_file("x.html", page.replace(b'<meta property="og:url" content="https://lakesidepost.example/bridge">', b""))
    assert d.url == "https://rivertongazette.example/2023/05/03/bridge"


def test_a_pointer_naming_the_outlet_with_the_article_names_the_page_without_it():
    body = "The harbour board voted on Thursday to dredge the eastern channel before the winter storms."
    ds = [_named("blog.txt", doc(body + "\n\nThis article originally appeared in The Northfield Herald.")),
          _named("herald.html", doc(body))]
    atts = [att("2023-04-14", "Bookworm Blog"), att("2023-04-15", "Northfield Herald")]
    o = choose_origin(OriginContext(cluster(2, [(0, 1, 1.0)]), ds, atts, cues=_reader_cues(*ds)))
    assert (o.member, o.in_corpus, o.outlet, o.rule) == (1, True, "Northfield Herald", "explicit-pointer")


def test_a_publication_date_after_the_capture_is_not_used():
    d = doc("The harbour board voted on Thursday to dredge the eastern channel.", fmt="html",
            meta=[MetaField("published", "2023-04-20", 'html:meta[property="article:published_time"]')])
    registry = load_registry()
    cues = CueReader(load_rules(), registry).read(d)
    captured = parse_date_value("2023-04-12T12:00:00Z")
    a = attribute(cues, [], registry, captured=captured)
    assert a.date is None and a.captured == captured
    assert any("after the page was captured" in c and "not used" in c for c in a.conflicts)
    assert [e.value for e in a.date_evidence] == ["2023-04-20"]  # the claim stays in the evidence
    # a date before the capture is kept
    assert attribute(cues, [], registry, captured=parse_date_value("2023-05-01T00:00:00Z")).date.iso == "2023-04-20"


def test_an_undated_page_captured_before_the_origin_was_published_is_not_in_its_chain():
    ds = docs(3)
    atts = [att("2023-04-15", "Herald"), att("2023-04-16", "Blog"), replace(att(None, "Archive"),
            captured=parse_date_value("2023-04-10T12:00:00Z"))]
    c = cluster(3, [(0, 1, 1.0), (0, 2, 0.9)])
    ctx = OriginContext(c, ds, atts)
    origin = replace(choose_origin(OriginContext(cluster(2, [(0, 1, 1.0)]), ds[:2], atts[:2])), member=0)
    assert origin.date.iso == "2023-04-15"
    assert [l.member for l in build_chain(ctx, origin, 0.8)] == [1]
    # captured after the origin was published: it may be a copy
    atts[2] = replace(atts[2], captured=parse_date_value("2023-04-20T12:00:00Z"))
    assert [l.member for l in build_chain(OriginContext(c, ds, atts), origin, 0.8)] == [1, 2]


def test_a_company_form_is_no_part_of_an_outlet_name():
    from provenance.outlets import load_registry, name_key

    assert name_key("Guardian News & Media Limited") == name_key("Guardian News & Media")
    assert name_key("Reuters Ltd.") == name_key("Reuters") == name_key("The Reuters plc")
    assert name_key("Limited") == "limited"  # a name that is only the form keeps it
    registry = load_registry()
    assert registry.match_name("Guardian News and Media Ltd").outlet == "The Guardian"
    assert registry.match_name("Thomson Reuters Inc").outlet == "Reuters"
