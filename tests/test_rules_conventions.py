"""The shipped text rules on the in-text conventions news pages print.

Each line is set in a page as it would be printed: a dateline opening the first
paragraph, a byline or a stamp under the title, a credit, a trailer or a copyright line
after the body. The positives are forms the rules read; the negatives are lines that
must give no outlet and no date.
"""

from __future__ import annotations

import pytest

from provenance.cues import CueReader
from provenance.model import Document, MetaField
from provenance.outlets import load_registry
from provenance.rules import load_rules

TITLE = "Harbour board weighs dredging plan"
BODY = (
    "The harbour board met on Tuesday evening to weigh a plan to deepen the eastern channel before the winter "
    "storms. Members heard from pilots, fishermen and the owners of two boatyards, who said the silt had built up "
    "faster this year than at any time since the breakwater was rebuilt.",
    "A survey commissioned last spring found the channel had lost almost a metre of depth along its northern edge. "
    "Engineers said a dredger could clear it in six weeks, but the work would close the berths nearest the fish "
    "market for much of that time.",
    "The board's chairwoman said no decision would be taken until the council had set its budget. Several members "
    "asked whether the cost could be shared with the neighbouring port, whose ferries use the same approach, and "
    "officials agreed to write to its managers before the next meeting.",
    "Boat owners said they would press for the work to begin before Christmas. One skipper said his vessel had "
    "touched bottom twice in a month at low water, and that insurers had begun to ask questions about the approach.",
)
ANCHOR = "2016-10-29T09:00:00Z"  # the page's own publication date, in its metadata
EVIDENCE = ("publisher", "posted", "dateline", "byline", "credit", "pointer", "reposter")

_READER = CueReader(load_rules(), load_registry())


def page(line: str, where: str) -> str:
    """A page holding ``line``: ``lead`` opens the first paragraph (a dateline; a line
    before it, after a newline, stands above it), ``head`` stands under the title, ``mid``
    between paragraphs, ``tail`` after the body, ``end`` closes the last paragraph."""
    p = list(BODY)
    if where == "lead":
        above, _, lead = line.rpartition("\n")
        parts = [TITLE, *([above] if above else []), lead + p[0], *p[1:]]
    elif where == "head":
        parts = [TITLE, line, *p]
    elif where == "mid":
        parts = [TITLE, *p[:2], line, *p[2:]]
    elif where == "tail":
        parts = [TITLE, *p, line]
    else:
        assert where == "end"
        parts = [TITLE, *p[:-1], p[-1] + " " + line]
    return "\n\n".join(parts) + "\n"


def cues(line: str, where: str, anchored: bool = False):
    meta = (MetaField("published", ANCHOR, 'html:meta[property="article:published_time"]'),) if anchored else ()
    doc = Document(path="a.txt", record=None, sha256="0" * 64, text=page(line, where), format="text",
                   encoding="utf-8", metadata=meta)
    return [c for c in _READER.read(doc) if c.source == "text"]


def readings(rule: str, line: str, where: str, anchored: bool = False):
    return [(c.outlets, c.date.iso if c.date else None) for c in cues(line, where, anchored) if c.rule == rule]


# -- wire datelines ---------------------------------------------------------------------------

@pytest.mark.parametrize("line,anchored,agency,date", [
    ("LONDON, 28 October (Reuters) - ", True, "Reuters", "2016-10-28"),
    ("PARIS, 28 October 2016 (AFP) - ", False, "Agence France-Presse", "2016-10-28"),
    ("NEW YORK/LONDON, Oct 28 (Reuters) - ", True, "Reuters", "2016-10-28"),
    ("HONG KONG/SINGAPORE (Reuters) - ", False, "Reuters", None),
    ("BEIRUT/AMMAN, Oct 28 (Reuters) - ", True, "Reuters", "2016-10-28"),
    ("SÃO PAULO (Reuters) - ", False, "Reuters", None),
    ("BOGOTÁ, Oct 28 (Reuters) - ", True, "Reuters", "2016-10-28"),
    ("LONDON (Reuters Breakingviews) - ", False, "Reuters", None),
    ("NEW YORK (Reuters Health) - ", False, "Reuters", None),
    ("WASHINGTON (AP) _ ", False, "Associated Press", None),
    ("Washington (AP) — ", False, "Associated Press", None),
    ("Paris (AFP) - ", False, "Agence France-Presse", None),
    ("Kabul (AFP) - ", False, "Agence France-Presse", None),
    ("Bogotá (AFP) - ", False, "Agence France-Presse", None),
    ("Rio de Janeiro (AFP) - ", False, "Agence France-Presse", None),
    ("Berlin (dpa) - ", False, "dpa", None),
    ("(ANSA) - Rome, October 28 - ", True, "ANSA", "2016-10-28"),
    ("Madrid, Oct 28 (EFE).- ", True, "EFE", "2016-10-28"),
    ("Caracas, 28 Oct (EFE).- ", True, "EFE", "2016-10-28"),
    ("Oct. 28 (UPI) -- ", True, "United Press International", "2016-10-28"),
    ("MOSCOW, October 28. /TASS/. ", True, "TASS", "2016-10-28"),
    # several words in capitals and small letters: a known form of place
    ("New York (AFP) - ", False, "Agence France-Presse", None),
    ("Hong Kong (AFP) - ", False, "Agence France-Presse", None),
    ("Abu Dhabi (AFP) - ", False, "Agence France-Presse", None),
    ("Mexico City (AFP) - ", False, "Agence France-Presse", None),
    ("Ho Chi Minh City (AFP) - ", False, "Agence France-Presse", None),
    ("United Nations (AFP) - ", False, "Agence France-Presse", None),
    ("Cedar Rapids, Iowa (AP) — ", False, "Associated Press", None),
    ("Palm Springs, Oct 28 (AP) — ", True, "Associated Press", "2016-10-28"),
])
def test_wire_datelines_name_the_agency_and_date(line, anchored, agency, date):
    assert readings("text.dateline.wire", line, "lead", anchored) == [((agency,), date)]


def test_a_day_first_yearless_dateline_needs_an_anchor():
    (cue,) = [c for c in cues("PARIS, 28 October (AFP) - ", "lead") if c.rule == "text.dateline.wire"]
    assert cue.outlets == ("Agence France-Presse",) and cue.date is None
    assert "left unresolved" in cue.date_note


@pytest.mark.parametrize("line,anchored,agency,date", [
    ("london (Reuters) - ", False, "Reuters", None),
    ("new york, Oct 28 (Reuters) - ", True, "Reuters", "2016-10-28"),
    ("rio de janeiro (AFP) - ", False, "Agence France-Presse", None),
    ("berlin (dpa) - ", False, "dpa", None),
])
def test_a_place_in_small_letters_opening_a_paragraph_is_a_wire_dateline(line, anchored, agency, date):
    found = [c for c in cues(line, "lead", anchored) if c.role == "dateline"]
    assert [(c.rule, c.outlets, c.date.iso if c.date else None) for c in found] == [
        ("text.dateline.lower", (agency,), date)]
    assert found[0].relation == "copy"


@pytest.mark.parametrize("line,agency,date", [
    ("TOKYO, Oct. 28 Kyodo - ", "Kyodo News", "2016-10-28"),
    ("OSAKA, Oct. 28, 2016 Kyodo — ", "Kyodo News", "2016-10-28"),
    ("NAHA, Okinawa, Oct. 28 Kyodo News - ", "Kyodo News", "2016-10-28"),
    ("TOKYO, Oct. 28 KYODO - ", "Kyodo News", "2016-10-28"),
])
def test_an_agency_out_of_brackets_after_a_date_is_a_wire_dateline(line, agency, date):
    found = [c for c in cues(line, "lead", anchored=True) if c.role == "dateline"]
    assert [(c.rule, c.outlets, c.date.iso if c.date else None) for c in found] == [
        ("text.dateline.unbracketed", (agency,), date)]


@pytest.mark.parametrize("line,anchored,outlet,date", [
    ("WASHINGTON (CNN) — ", False, "CNN", None),
    ("(CNN) — ", False, "CNN", None),
    ("NEW YORK, Oct. 28 (CNN) — ", True, "CNN", "2016-10-28"),
    ("LONDON (BBC) - ", False, "BBC News", None),
    ("DOHA, 28 October (Al Jazeera) - ", True, "Al Jazeera", "2016-10-28"),
])
def test_an_outlets_own_dateline_credits_it_as_the_source_and_is_no_wire_dateline(line, anchored, outlet, date):
    found = [c for c in cues(line, "lead", anchored) if c.role in EVIDENCE]
    assert [(c.rule, c.role, c.relation, c.outlets, c.date.iso if c.date else None) for c in found] == [
        ("text.dateline.outlet", "credit", "source", (outlet,), date)]


def test_a_wire_in_the_bracket_is_read_as_a_wire_dateline_only():
    found = [c for c in cues("WASHINGTON (AP) — ", "lead") if c.role in EVIDENCE]
    assert [(c.rule, c.role, c.outlets) for c in found] == [("text.dateline.wire", "dateline", ("Associated Press",))]


def test_a_call_sign_names_its_station_once_a_registry_file_holds_it(tmp_path):
    extra = tmp_path / "stations.toml"
    extra.write_text('[[outlet]]\nname = "KMIZ"\nkind = "broadcaster"\n', encoding="utf-8")
    reader = CueReader(load_rules(), load_registry([extra]))
    doc = Document(path="a.txt", record=None, sha256="0" * 64, text=page("COLUMBIA, Mo. (KMIZ) - ", "lead"),
                   format="text", encoding="utf-8")
    found = [c for c in reader.read(doc) if c.role in EVIDENCE and c.source == "text"]
    assert [(c.rule, c.outlets) for c in found] == [("text.dateline.outlet", ("KMIZ",))]
    assert _evidence("COLUMBIA, Mo. (KMIZ) - ", "lead") == []  # not in the shipped registry


def test_a_name_in_small_letters_is_read_as_a_registry_file_writes_it(tmp_path):
    extra = tmp_path / "papers.toml"
    extra.write_text('[[outlet]]\nname = "de Havenkrant"\nkind = "newspaper"\n', encoding="utf-8")
    reader = CueReader(load_rules(), load_registry([extra]))

    def read(line, where):
        doc = Document(path="a.txt", record=None, sha256="0" * 64, text=page(line, where), format="text",
                       encoding="utf-8")
        return [(c.rule, c.outlets) for c in reader.read(doc) if c.role in EVIDENCE and c.outlets]

    assert read("© 2016 de Havenkrant", "tail") == [("text.copyright", ("de Havenkrant",))]
    assert read("Source: de Havenkrant", "tail") == [("text.source-line", ("de Havenkrant",))]
    assert read("Source: De Havenkrant", "tail") == [("text.source-line", ("de Havenkrant",))]  # capitalised: as any
    assert read("Source: de havenkrant", "tail") == []  # not as the registry writes it
    assert read("de Havenkrant", "mid") == [("text.outlet-line", ("de Havenkrant",))]


@pytest.mark.parametrize("line,date", [
    ("GENEVA (20 October 2016) – ", "2016-10-20"),
    ("AMMAN and BERLIN (Oct. 20, 2016) — ", "2016-10-20"),
])
def test_dated_datelines_with_a_day_first_or_abbreviated_date(line, date):
    assert readings("text.dateline.dated", line, "lead") == [((), date)]


# -- bylines ----------------------------------------------------------------------------------

@pytest.mark.parametrize("rule,line,outlet", [
    ("text.byline.slash", "Maria Tsvetkova and Jack Stubbs / Reuters", "Reuters"),
    ("text.byline.slash", "By Jane Doe | AP", "Associated Press"),
    ("text.byline.slash", "By Jane Doe | Reuters", "Reuters"),
    ("text.byline.by-outlet", "By Stephen Howard, PA Political Staff", "Press Association"),
    ("text.byline.by-outlet", "By Stephen Howard, PA Home Affairs Correspondent", "Press Association"),
    ("text.byline.by-outlet", "By JANE DOE Associated Press", "Associated Press"),
    ("text.byline.by-outlet", "By JANE DOE, Associated Press Writer", "Associated Press"),
    ("text.byline.by-outlet", "By JANE DOE, AP Business Writer", "Associated Press"),
    ("text.byline.by-outlet", "By Jane Doe and John Roe, Associated Press", "Associated Press"),
    ("text.byline.agency", "Jane Doe, Associated Press", "Associated Press"),
    ("text.byline.agency", "JANE DOE, Associated Press", "Associated Press"),
    ("text.byline.agency", "Jane Doe, The Canadian Press", "Canadian Press"),
    ("text.byline.staff", "By Reuters", "Reuters"),
    ("text.byline.staff", "By REUTERS", "Reuters"),
    ("text.byline.staff", "By THE ASSOCIATED PRESS", "Associated Press"),
    ("text.byline.staff", "By AFP", "Agence France-Presse"),
    ("text.byline.staff", "By Press Association Reporter", "Press Association"),
    ("text.byline.staff", "By PA Reporters", "Press Association"),
    ("text.byline.staff", "By dpa", "dpa"),
    ("text.byline.slash", "Jane Doe / dpa", "dpa"),
    ("text.outlet-line", "dpa", "dpa"),
    ("text.outlet-line", "By JANE DOE\n\nAP Business Writer", "Associated Press"),
])
def test_bylines_name_the_outlet(rule, line, outlet):
    assert readings(rule, line, "head") == [((outlet,), None)]


# -- credits, trailers and sign-offs ----------------------------------------------------------

@pytest.mark.parametrize("rule,line,where,outlets", [
    ("text.credit.contributed", "Reuters contributed reporting.", "tail", ("Reuters",)),
    ("text.credit.contributed", "The Associated Press contributed reporting.", "tail", ("Associated Press",)),
    ("text.credit.contributed", "Associated Press writers Jane Doe in Paris and John Roe in Berlin contributed to "
     "this report.", "tail", ("Associated Press",)),
    ("text.credit.contributed", "BBC staff at the harbour contributed reporting.", "tail", ("BBC News",)),
    ("text.credit.contributed", "With files from The Canadian Press", "tail", ("Canadian Press",)),
    ("text.credit.contributed", "With files from Reuters and The Associated Press", "tail",
     ("Reuters", "Associated Press")),
    ("text.credit.contributed", "Material from Reuters was used in this report.", "tail", ("Reuters",)),
    ("text.credit.contributed", "Additional reporting by Reuters", "tail", ("Reuters",)),
    ("text.credit.trailer", "Reporting by Maria Tsvetkova; Editing by Richard Balmforth", "tail", ("Reuters",)),
    ("text.credit.trailer", "(Reporting by Maria Tsvetkova; Additional reporting by Jack Stubbs; Writing by Tom "
     "Hale; Editing by Richard Balmforth)", "tail", ("Reuters",)),
    ("text.credit.trailer", "Reporting By Maria Tsvetkova in Moscow; Editing by Richard Balmforth", "tail",
     ("Reuters",)),
    ("text.credit.signoff", "— The Associated Press", "tail", ("Associated Press",)),
    ("text.credit.signoff", "-- AFP", "tail", ("Agence France-Presse",)),
    ("text.credit.signoff", "(AFP)", "tail", ("Agence France-Presse",)),
    ("text.credit.signoff", "(AFP)", "end", ("Agence France-Presse",)),
    ("text.credit.signoff", "(PA)", "end", ("Press Association",)),
    ("text.credit.signoff", "(dpa)", "end", ("dpa",)),
    ("text.credit.signoff", "— dpa", "tail", ("dpa",)),
    ("text.source-line", "Source: dpa", "tail", ("dpa",)),
    ("text.source-line", "Sources: dpa, Reuters", "tail", ("dpa", "Reuters")),
    ("text.source-line", "SOURCE: Reuters", "tail", ("Reuters",)),
    ("text.source-line", "Source: AFP, Reuters", "tail", ("Agence France-Presse", "Reuters")),
    ("text.source-line", "Source: Reuters and AP", "tail", ("Reuters", "Associated Press")),
    ("text.source-line", "SOURCE: Al Jazeera and news agencies", "tail", ("Al Jazeera",)),
    ("text.via", "(via the Guardian)", "tail", ("The Guardian",)),
])
def test_credits_name_the_outlets(rule, line, where, outlets):
    assert readings(rule, line, where) == [(outlets, None)]


def test_trailers_and_sign_offs_are_wire_copy():
    for line, where in (("Reporting by Maria Tsvetkova; Editing by Richard Balmforth", "tail"), ("(PA)", "end")):
        (cue,) = [c for c in cues(line, where) if c.role == "credit"]
        assert cue.relation == "copy"


# -- copyright notices ------------------------------------------------------------------------

@pytest.mark.parametrize("line,outlet,year", [
    ("© Telegraph Media Group Limited 2016", "The Telegraph", "2016"),
    ("©2016 Bloomberg L.P.", "Bloomberg", "2016"),
    ("© 2016 Bloomberg L.P. All Rights Reserved", "Bloomberg", "2016"),
    ("© Times Newspapers Limited 2016. Registered in England No. 894646.", "The Times", "2016"),
    ("© News Group Newspapers Limited in England No. 679215", "The Sun", None),
    ("Copyright © 2016 The New York Times Company", "The New York Times", "2016"),
    ("© 2016 Cable News Network. Turner Broadcasting System, Inc. All Rights Reserved.", "CNN", "2016"),
    ("Copyright © 2000-2016 XINHUANET.com All rights reserved.", "Xinhua", None),
    ("© 2016 Al Jazeera Media Network", "Al Jazeera", "2016"),
    ("© 2016 Thomson Reuters Corp.", "Reuters", "2016"),
    ("Copyright 2016 U.S. News & World Report", "U.S. News & World Report", "2016"),
    ("All content © 2016 Northfield Herald", "Northfield Herald", "2016"),
    ("© 2016 dpa", "dpa", "2016"),
    ("Copyright 2016 dpa. All rights reserved.", "dpa", "2016"),
])
def test_copyright_notices_name_the_holder(line, outlet, year):
    (cue,) = [c for c in cues(line, "tail") if c.rule == "text.copyright"]
    assert cue.outlets == (outlet,)
    assert (cue.date.iso if cue.date else None) == year
    assert cue.date is None or cue.date.precision == "year"


# -- republication notices --------------------------------------------------------------------

@pytest.mark.parametrize("line,outlet,date", [
    ("Originally published at Northfield Herald on October 20, 2016", "Northfield Herald", "2016-10-20"),
    ("This article was originally published in The Northfield Herald on Thu 20 Oct 2016.",
     "The Northfield Herald", "2016-10-20"),
    ("This article originally appeared in the Northfield Herald in March 2016.", "Northfield Herald", "2016-03"),
    ("First published in the New Zealand Herald on 3 May 2016.", "New Zealand Herald", "2016-05-03"),
    ("This article first appeared in India Today.", "India Today", None),
    ("This story first ran in US Weekly.", "US Weekly", None),
])
def test_republication_notices_give_the_original_date(line, outlet, date):
    assert readings("text.republished", line, "tail") == [((outlet,), date)]


# -- posting stamps ---------------------------------------------------------------------------

@pytest.mark.parametrize("rule,line,iso,precision", [
    ("text.posted-on", "Posted on Oct 20, 2016", "2016-10-20", "day"),
    ("text.posted-on", "Posted: Thursday, October 20, 2016", "2016-10-20", "day"),
    ("text.posted-on", "Posted by admin on October 20, 2016", "2016-10-20", "day"),
    ("text.posted-on", "Published: 20 October 2016 10:15 BST", "2016-10-20T10:15+01:00", "minute"),
    ("text.posted-on", "Published 10:15 BST, 20 October 2016", "2016-10-20", "day"),
    ("text.posted-on", "PUBLISHED: 10:15 BST, 20 October 2016 | UPDATED: 16:45 BST, 21 October 2016",
     "2016-10-20", "day"),
    ("text.posted-on", "Published October 20, 2016", "2016-10-20", "day"),
    ("text.posted-on", "Published: Oct. 20, 2016", "2016-10-20", "day"),
    ("text.posted-on", "First published on Thu 20 Oct 2016 10.15 BST", "2016-10-20", "day"),
    ("text.posted-on", "Published on 20/10/2016", "2016-10-20", "day"),
    ("text.posted-on", "Updated: 28 October 2016 | Published: 27 October 2016", "2016-10-27", "day"),
    ("text.posted-by", "29 October 2016 - by admin", "2016-10-29", "day"),
])
def test_posting_stamps_give_the_page_date(rule, line, iso, precision):
    found = [c for c in cues(line, "head") if c.role in EVIDENCE]
    assert [(c.rule, c.role, c.date.iso, c.date.precision) for c in found] == [(rule, "posted", iso, precision)]


# -- negatives --------------------------------------------------------------------------------

def _evidence(line: str, where: str):
    """Cues that would give an outlet or a date, and citations."""
    return [(c.rule, c.text) for c in cues(line, where)
            if c.role == "citation" or (c.role in EVIDENCE and (c.outlets or c.date is not None))]


@pytest.mark.parametrize("line,where", [
    ("The meeting was held (October 20, 2016) — and nobody came.", "mid"),
    ("Source: Office for National Statistics", "tail"),
    ("Source: Reuters Institute Digital News Report", "tail"),
    ("Source: Bureau of Labor Statistics", "tail"),
    ("Copyright Office officials said on Tuesday that the rule would change.", "tail"),
    ("Copyright Licensing Agency rules apply to schools, the council said.", "tail"),
    ("Copyright © 2016 All Rights Reserved", "tail"),
    ("© 2016 Powered by WordPress", "tail"),
    ("© Crown copyright 2016", "tail"),
    ("© OpenStreetMap contributors", "tail"),
    ("This article originally appeared in Spanish.", "tail"),
    ("This interview was first published in French and has been translated.", "tail"),
    ("It first appeared on Broadway in 1998 and ran for a decade.", "mid"),
    ("It first appeared in Europe in the 1300s.", "mid"),
    ("This story originally ran on Thu 20 Oct 2016.", "tail"),
    # a country or region is no outlet
    ("First published in Great Britain in 2016 by Harbour Books.", "tail"),
    ("First published in the United States of America by Harbour Books", "tail"),
    ("First published in Northern Ireland", "tail"),
    ("This essay was first published in Britain and has been revised.", "tail"),
    ("This article originally appeared in the UK edition.", "tail"),
    ("This column originally ran in the U.S. last year.", "tail"),
])
def test_lines_that_name_no_outlet_and_no_date(line, where):
    assert _evidence(line, where) == []


def test_a_publication_stamp_names_no_original():
    assert [c.rule for c in cues("First published on Thu 20 Oct 2016 10.15 BST", "head")] == ["text.posted-on"]


@pytest.mark.parametrize("line,where", [
    # not datelines: no agency, a call sign, a press-release wire, prose
    ("WASHINGTON — ", "lead"),
    ("COLUMBIA, Mo. (KMIZ) - ", "lead"),
    ("NEW YORK, Oct. 28, 2016 /PRNewswire/ -- ", "lead"),
    ("MOSCOW, October 28. /Sputnik/. ", "lead"),
    ("Riverton, Ohio (AP) — a dateline's place is in capitals; this line is prose.", "mid"),
    ("The dispatch from LONDON (Reuters) - filed at noon - was brief.", "mid"),
    ("The board said (AP) — nothing more was known.", "mid"),
    ("Ferry fares (AFP) - the board has no view.", "mid"),
    ("Sales rose (October 2016) — the highest in years.", "mid"),
    # a person's name before an agency in brackets: a byline, not a dateline
    ("Jane Doe (AP) — ", "lead"),
    ("Mary Ann Smith (Reuters) - ", "lead"),
    ("Jane Q. Doe (AFP) - ", "lead"),
    ("By Jane Doe (AP) — ", "lead"),
    # a place in small letters: only opening a paragraph, with no common word in it
    ("officials said (Reuters) - ", "lead"),
    ("from london (Reuters) - ", "lead"),
    ("london (Reuters) - the talks had failed.", "mid"),
    ("london (reuters) - ", "lead"),
    # an agency out of brackets: a place in capitals and a date before it
    ("TOKYO Kyodo - ", "lead"),
    ("Tokyo, Oct. 28 Kyodo - ", "lead"),
    ("TOKYO, Oct. 28 Toyota - ", "lead"),
    ("BEIJING, Oct. 28 Xinhua - ", "lead"),
    ("The quake struck TOKYO, Oct. 28 Kyodo - The city shook.", "mid"),
    # an outlet's own dateline: its place in capitals, the outlet registered, a capital after the dash
    ("Washington (CNN) — ", "lead"),
    ("WASHINGTON (CNN) — the talks had failed.", "mid"),
    ("Ratings at the BBC (CNN) — The figures fell.", "mid"),
    ("NEW YORK (Riverton Ledger) — ", "lead"),
    # not bylines
    ("By Jane Doe", "head"),
    ("By Jane Doe, Special Correspondent", "head"),
    ("By Reuters' count, thirty boats were stranded.", "mid"),
    ("By Friday the Reuters crew had gone home.", "mid"),
    ("By Jane Doe | Updated 10:15", "head"),
    ("Washington Post, The Guardian", "mid"),
    ("The Guardian, Reuters", "mid"),
    ("Paris, France", "mid"),
    ("Photo: Jane Doe/Reuters", "mid"),
    # not credits
    ("Additional reporting by Jane Doe in Paris", "tail"),
    ("With agencies", "tail"),
    ("With files from CBC News", "tail"),
    ("Reporting by Jane Doe, editing by John Roe", "tail"),
    ("Jane Doe in Paris contributed to this report.", "tail"),
    ("Police officers John Roe and Jane Doe contributed to this report.", "tail"),
    ("The survey was paid for by the Automobile Association (AA)", "tail"),
    ("The boat was built by the firm in 1998 (AA).", "tail"),
    ("Pupils sat the Advanced Placement (AP)", "tail"),
    ("— Abraham Lincoln", "tail"),
    ("“A triumph.” — The Guardian", "tail"),
    ("— Reuters, 2015", "tail"),
    # a word in small letters is no outlet unless the registry writes the name so
    ("The parcel came by the overnight service. (express)", "end"),
    ("— times", "tail"),
    ("Source: times", "tail"),
    ("By sun", "head"),
    ("Jane Doe / mirror", "head"),
    ("guardian", "mid"),
    ("Source: company filings", "tail"),
    ("The parcel went via the Post Office in Riverton.", "mid"),
    ("Officials sent the plan via email on Monday.", "mid"),
    # no copyright holder, no republication, no posting date
    ("Copyright © 2016 by Jane Doe", "tail"),
    ("© 2016 times newspapers", "tail"),
    ("The board said copyright in the survey belonged to the council.", "tail"),
    ("This article first appeared in the print edition.", "tail"),
    ("Updated 28 Oct 2016", "head"),
    ("Last modified on Thu 20 Oct 2016 16.45 BST", "head"),
    ("Last updated: October 20, 2016", "head"),
    ("Published 2 hours ago", "head"),
    ("Published on October 20, 2016, the report found the channel silting.", "head"),
    ("The report was published on October 20, 2016, the board said.", "head"),
    ("Posted on Facebook on October 20, 2016, the video drew crowds.", "head"),
    ("Published in 2016 by the harbour trust, the survey runs to 90 pages.", "head"),
    # passing mentions
    ("Shares of Thomson Reuters rose 2 percent on the news.", "mid"),
    ("He worked for Reuters in Moscow for a decade.", "mid"),
    ("The AP poll found most skippers opposed the plan.", "mid"),
])
def test_lines_near_the_widened_forms_stay_unread(line, where):
    """Lines close to the forms the rules read (a capitalised place before an agency, a name
    before a comma, a bracket at the end, a stamp opening a line) that must stay unread."""
    assert _evidence(line, where) == []


def test_a_numeric_stamp_of_unknown_order_gives_no_date():
    (cue,) = [c for c in cues("Published on 03/04/2016", "head") if c.rule == "text.posted-on"]
    assert cue.date is None and "ambiguous" in cue.date_note


@pytest.mark.parametrize("line,where", [
    ("the agency said in London (Reuters reported) - ", "lead"),
    ("The agency said in London (Reuters reported) that the talks had failed.", "mid"),
    ("the agency said in london (Reuters reported) - The talks had failed.", "mid"),
])
def test_a_place_before_a_bracket_in_running_text_is_a_citation_not_a_dateline(line, where):
    assert _evidence(line, where) == [("text.citation", "Reuters reported")]
