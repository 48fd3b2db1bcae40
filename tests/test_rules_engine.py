"""Rule files: validation before any work, user overrides, and the rules/trace commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from provenance.cli import app
from provenance.cues import CueReader
from provenance.model import Document, MetaField
from provenance.outlets import load_registry
from provenance.rules import RuleError, check_rule_file, load_rules

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
runner = CliRunner()

GOOD = '''
version = "test-1"
[[rule]]
id = "text.courier-credit"
description = "Partner credit line"
source = "text"
pattern = '\\((?P<outlet>Valley Courier) syndication\\)'
role = "credit"
relation = "source"
concludes = ["outlet"]
'''


def write(tmp_path: Path, body: str, name: str = "r.toml") -> Path:
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


@pytest.mark.parametrize("body,fragment", [
    ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "credit"\npattern = "a"\ncolour = "red"\n',
     "rule x.a: unknown field 'colour'"),
    ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "credit"\npattern = "(unclosed"\n',
     "rule x.a: field 'pattern' is not a valid regular expression"),
    ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "credit"\npattern = "a"\n'
     '[[rule]]\nid = "x.a"\ndescription = "e"\nsource = "text"\nrole = "credit"\npattern = "b"\n',
     "rule x.a: duplicate id"),
    ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "credit"\npattern = "a"\npriority = "high"\n',
     "rule x.a: field 'priority' must be int, got str"),
    ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "gossip"\npattern = "a"\n',
     "rule x.a: field 'role' must be one of"),
    ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "credit"\npattern = "(a+)+$"\n',
     "rule x.a: field 'pattern' has a nested quantifier"),
    ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "meta"\nrole = "publisher"\n',
     "rule x.a: field 'field' is required"),
    ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "credit"\n',
     "rule x.a: field 'pattern' is required"),
    ('[[rule]]\nid = "x.a"\nsource = "text"\nrole = "credit"\npattern = "a"\n',
     "rule x.a: missing required field 'description'"),
    ('nonsense = 1\n', "unknown top-level key 'nonsense'"),
    ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "credit"\npattern = "Courtesy"\n'
     'concludes = ["outlet"]\n', "rule x.a: concludes 'outlet' but its pattern has no group to read it from"),
    ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "publisher"\npattern = "(?P<outlet>[A-Z]\\\\w+)"\n'
     'concludes = ["outlet", "date"]\n', "rule x.a: concludes 'date' but its pattern has no group to read it from"),
])
def test_invalid_rules_are_reported_with_file_rule_and_field(tmp_path, body, fragment):
    path = write(tmp_path, body)
    with pytest.raises(RuleError) as err:
        check_rule_file(path)
    assert any(str(path) in p and fragment in p for p in err.value.problems), err.value.problems


def test_a_rule_concluding_from_a_fixed_outlet_or_a_named_group_is_valid(tmp_path):
    body = ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "credit"\npattern = "Courtesy of us"\n'
            'outlet = "Reuters"\nconcludes = ["outlet"]\n'
            '[[rule]]\nid = "x.b"\ndescription = "d"\nsource = "text"\nrole = "credit"\n'
            'pattern = "via (?P<outlet>[A-Z]\\\\w+)"\nconcludes = ["outlet"]\n')
    assert [r.id for r in check_rule_file(write(tmp_path, body))] == ["x.a", "x.b"]


def test_every_problem_is_reported_at_once(tmp_path):
    body = ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "credit"\npattern = "(a"\n'
            '[[rule]]\nid = "x.b"\ndescription = "d"\nsource = "sky"\nrole = "credit"\npattern = "a"\n')
    with pytest.raises(RuleError) as err:
        check_rule_file(write(tmp_path, body))
    assert len(err.value.problems) == 2


def test_an_unknown_field_does_not_hide_the_rules_other_problems(tmp_path):
    """A mistyped field name is reported with the rule's other problems, not instead of them:
    the user who fixes it is not sent back for a second round."""
    body = ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "credit"\npattern = "(a+)+"\n'
            'concludes = ["outlet"]\ncolour = "red"\n')
    with pytest.raises(RuleError) as err:
        check_rule_file(write(tmp_path, body))
    problems = err.value.problems
    assert len(problems) == 3, problems
    for fragment in ("unknown field 'colour'", "field 'pattern' has a nested quantifier",
                     "concludes 'outlet' but its pattern has no group"):
        assert any(f"rule x.a: {fragment}" in p for p in problems), problems


def test_shipped_rules_are_valid_and_ordered():
    rs = load_rules()
    assert rs.version and rs.files == ("rules.toml",)
    sources = [r.source for r in rs.rules]
    assert sources == sorted(sources, key=["sidecar", "meta", "url", "text"].index)


def test_user_rules_add_and_replace(tmp_path):
    replace = GOOD + '\n[[rule]]\nid = "text.via"\ndescription = "off"\nsource = "text"\npattern = "via"\nrole = "credit"\nenabled = false\n'
    rs = load_rules([write(tmp_path, replace)])
    assert rs.by_id("text.courier-credit") is not None
    assert rs.by_id("text.via").enabled is False
    assert all(r.id != "text.via" for r in rs.enabled())


def test_audit_with_a_bad_rule_file_audits_nothing(tmp_path):
    bad = write(tmp_path, '[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "credit"\npattern = "("\n')
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", str(SEEDS), "--rules", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert str(bad) in result.output and "x.a" in result.output and "pattern" in result.output
    assert not out.exists()


def test_a_user_rule_changes_the_audit(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("A story about the bridge.\n\n(Valley Courier syndication)\n", encoding="utf-8")
    outlets = write(tmp_path, '[[outlet]]\nname = "Valley Courier"\nkind = "newspaper"\n', "o.toml")
    rules = write(tmp_path, GOOD)
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", str(corpus), "--rules", str(rules), "--outlets", str(outlets), "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    cites = report["documents"][0]["citations"]
    assert [(c["rule"], c["outlets"]) for c in cites] == [("text.courier-credit", ["Valley Courier"])]
    assert report["run"]["rules"]["files"] == ["rules.toml", str(rules)]


def test_rules_list_check_and_explain(tmp_path):
    listed = runner.invoke(app, ["rules", "list"])
    assert listed.exit_code == 0 and "text.dateline.wire" in listed.output
    ok = runner.invoke(app, ["rules", "check", str(write(tmp_path, GOOD))])
    assert ok.exit_code == 0 and "1 rule(s), all valid" in ok.output
    bad = runner.invoke(app, ["rules", "check", str(write(tmp_path, "[[rule]]\nid = 3\n", "bad.toml"))])
    assert bad.exit_code == 2 and "bad.toml" in bad.output
    explained = runner.invoke(app, ["rules", "explain", str(SEEDS / "003_ebfa8cdbf27c9a20.txt")])
    assert explained.exit_code == 0
    assert "text.fair-use [reposter]" in explained.output
    assert "date: 2016-10-29 (by text.posted-by, day precision)" in explained.output
    assert "cites Reuters, 2016-10-28" in explained.output


def test_trace_tells_where_a_passage_first_appeared(tmp_path):
    corpus = ROOT / "fixtures" / "golden" / "rules-credit-and-scrape" / "corpus"
    out = tmp_path / "r.json"
    assert runner.invoke(app, ["audit", str(corpus), "-o", str(out)]).exit_code == 0
    result = runner.invoke(app, ["trace", str(out), "scraper.txt", "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "first appeared: guardian-un.html (The Guardian" in result.output
    assert "why: explicit-pointer" in result.output
    assert "scraper.txt [verbatim 1.00] uncredited" in result.output
    assert "blog-excerpt.txt [verbatim 1.00] credited" in result.output
    missing = runner.invoke(app, ["trace", str(out), "nope.txt"])
    assert missing.exit_code == 2 and "nope.txt" in missing.output


# ---- shipped text rules: wire datelines and republication notices -----------------

def _cues(text, published=None):
    """Every cue the shipped rules find in a text document (``published``: an anchor date)."""
    meta = (MetaField("published", published, 'html:meta[property="article:published_time"]'),) if published else ()
    d = Document(path="a.txt", record=None, sha256="0" * 64, text=text, format="text", encoding="utf-8",
                 metadata=meta)
    return CueReader(load_rules(), load_registry()).read(d)


def _by(rule, cues):
    return [c for c in cues if c.rule == rule]


@pytest.mark.parametrize("line,agency,date", [
    ("RIVERTON, Ohio (AP) — Engineers shut the river bridge after a barge struck it.", "Associated Press", None),
    ("WASHINGTON, D.C. (AP) — The committee postponed its vote on the canal budget.", "Associated Press", None),
    ("ST. LOUIS, Mo. (Reuters) - Grain barges waited below the lock for a second day.", "Reuters", None),
    ("SANTA ROSA, New Mexico (AP) — Crews reopened the highway at dawn.", "Associated Press", None),
    ("SPRINGFIELD, Ill., May 2 (Reuters) - The state senate passed the levee bill.", "Reuters", "2016-05-02"),
    ("NEW YORK, Jan. 5 (Reuters) - Ferry operators raised winter fares by a tenth.", "Reuters", "2016-01-05"),
    ("TOPEKA, Kan., Sept. 3 (AP) — Wheat growers met the governor on Tuesday.", "Associated Press", "2015-09-03"),
    ("NEW YORK, May 2, 2014 (AP) — Ferry operators raised winter fares by a tenth.", "Associated Press",
     "2014-05-02"),
    # the forms recognised before still are
    ("MOSCOW, Oct 28 (Reuters) - The ministry said it would wait.", "Reuters", "2015-10-28"),
    ("KINSHASA (AFP) - The harbour board voted to dredge the channel.", "Agence France-Presse", None),
    ("(Reuters) - The harbour board voted to dredge the channel.", "Reuters", None),
])
def test_wire_datelines_with_a_state_country_or_date_name_the_agency(line, agency, date):
    cues = _by("text.dateline.wire", _cues("Levee talks\n" + line + "\nMore follows.", "2016-05-10T09:00:00Z"))
    assert [c.outlets for c in cues] == [(agency,)]
    assert (cues[0].date.iso if cues[0].date else None) == date
    assert cues[0].start == len("Levee talks\n") and cues[0].text.endswith(("—", "-"))


def test_a_yearless_wire_date_without_an_anchor_is_left_unresolved():
    (cue,) = _by("text.dateline.wire", _cues("SPRINGFIELD, Ill., May 2 (Reuters) - The senate passed the bill."))
    assert cue.outlets == ("Reuters",) and cue.date is None
    assert "yearless date 'May 2' left unresolved" in cue.date_note


@pytest.mark.parametrize("line", [
    "COLUMBIA, Mo. (KMIZ) - The county council delayed the vote on the new bridge.",
    "RIVERTON, Ohio (WRVT) — The county council delayed the vote on the new bridge.",
    "SPRINGFIELD, Ill., May 2 (WSPL) - The county council delayed the vote.",
    "Riverton, Ohio (AP) — a dateline's place is in capitals; this line is prose.",
    "The mayor said, Ohio (AP) — not at the start of a dateline.",
])
def test_call_signs_and_prose_are_not_wire_datelines(line):
    assert _by("text.dateline.wire", _cues(line)) == []
    assert [c for c in _cues(line) if c.role == "dateline"] == []


@pytest.mark.parametrize("sentence,outlet", [
    # a lowercase "the" is an article: the name is what follows it; registered outlets resolve
    ("This article originally appeared in the Guardian.", "The Guardian"),
    ("This article originally appeared in The Guardian.", "The Guardian"),
    ("This article originally appeared in Guardian.", "The Guardian"),
    ("It was originally published in the Mail on Sunday.", "Daily Mail"),
    ("This column originally ran in the Sunday Times.", "The Times"),
    ("Republished with permission from the Economist.", "The Economist"),
    # outlets outside the registry are named as written, without a lowercase "the"
    ("Some text here.\n\nThis piece originally appeared in the Northfield Herald", "Northfield Herald"),
    ("This piece originally appeared in The Northfield Herald.", "The Northfield Herald"),
    ("Reprinted with permission from the Riverton Gazette.", "Riverton Gazette"),
    ("Reprinted from the Times of Westmarch.", "Times of Westmarch"),
    ("This story was first published by the Lakeside Post", "Lakeside Post"),
    ("A version of this article first appeared in the Lakeside Post.", "Lakeside Post"),
    ("First published in the Lakeside Post on 3 May 2016.", "Lakeside Post"),
    ("It first appeared on the website of the Lakeside Post.", "Lakeside Post"),
    # the name stops where the sentence goes on
    ("This article originally appeared in the Guardian on Monday.", "The Guardian"),
    ("This article originally appeared in The Guardian on October 20.", "The Guardian"),
    ("This article originally appeared in the Northfield Herald and is reproduced here.", "Northfield Herald"),
    ("This article originally appeared in the Northfield Herald in March 2016.", "Northfield Herald"),
])
def test_republication_notices_name_the_original_outlet(sentence, outlet):
    cues = _by("text.republished", _cues(sentence))
    assert [(c.role, c.relation, c.outlets) for c in cues] == [("pointer", "republication", (outlet,))]


@pytest.mark.parametrize("sentence", [
    "The ruling originally appeared in the court records last spring.",
    "The pamphlet was first published in the spring of that year.",
    "The letter was originally published in March 2016, weeks before the vote.",
    "The mural originally appeared on Monday, then vanished.",
    "The ferry originally ran on Sunday mornings only.",
    "The bus first ran in the summer.",
    "The allegations first appeared in the Lakeside Post last year.",  # a news mention, not a notice
    "The figures were published in the Northfield Herald last week.",  # no notice words
    "The story was reprinted in full by a rival.",
    "This article originally appeared in  \n the Guardian.",  # the notice does not run over lines
])
def test_words_that_are_not_a_republished_outlet_are_not_pointers(sentence):
    assert _by("text.republished", _cues(sentence)) == []
    assert [c for c in _cues(sentence) if c.role == "pointer"] == []


@pytest.mark.parametrize("sentence,outlet", [
    ("The minister told the BBC that the channel would be dredged.", "BBC News"),
    ("The Guardian reported that the channel would be dredged.", "The Guardian"),
    ("According to Reuters, the channel will be dredged.", "Reuters"),
])
def test_citations_are_not_republication_notices(sentence, outlet):
    cues = _cues(sentence)
    assert [(c.rule, c.outlets) for c in cues] == [("text.citation", (outlet,))]
    assert [c for c in cues if c.role in ("pointer", "credit")] == []


def test_a_republication_notice_with_a_lowercase_the_points_at_the_original_in_the_corpus(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    story = ("The harbour board of Westmarch voted late on Thursday to dredge the eastern channel before the "
             "winter storms arrive, after pilots warned that laden grain barges could no longer pass the sand "
             "bar at low tide. The work will cost more than the board had set aside, and the ferry company "
             "said it would carry the extra cost for one season while the council looks for other money. "
             "Fishermen on the quay said they had asked for the channel to be cleared for three years.")
    (corpus / "guardian.txt").write_text("Harbour to be dredged\n\n" + story + "\n", encoding="utf-8")
    (corpus / "bay-blog.txt").write_text("From the harbour\n\n" + story + "\n\nThis article originally appeared in "
                                         "the Guardian.\n", encoding="utf-8")
    (corpus / "hill-news.txt").write_text("Dredging vote\n\n" + story + "\n\nReprinted with permission from the "
                                          "Guardian.\n", encoding="utf-8")
    (corpus / "metadata.csv").write_text("path,outlet,date\nguardian.txt,The Guardian,2016-10-20\n"
                                         "bay-blog.txt,Bay Blog,2016-10-21\nhill-news.txt,Hill News,2016-10-22\n",
                                         encoding="utf-8")
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", str(corpus), "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    paths = {d["id"]: d["path"] for d in report["documents"]}
    (cluster,) = report["clusters"]
    origin = cluster["origin"]
    # both copies point at the Guardian's own story: the pointers decide before the dates
    assert (paths[origin["document"]], origin["outlet"], origin["rule"]) == ("guardian.txt", "The Guardian",
                                                                              "explicit-pointer")
    assert sorted(e["text"] for e in origin["evidence"] if e["rule"] == "text.republished") == [
        "Reprinted with permission from the Guardian.", "originally appeared in the Guardian."]
    assert origin["conflicts"] == []
    assert {l["path"]: l["credited"] for l in cluster["chain"]} == {"bay-blog.txt": "credited",
                                                                     "hill-news.txt": "credited"}


LEVEE_STORY = ("The state senate passed the levee bill on Tuesday by a wide margin, sending it to the governor, "
               "who has said she will sign it before the spring floods. The bill sets aside money for the river "
               "towns to raise their levees and for farmers whose fields are flooded on purpose to spare the towns "
               "downstream. Opponents said the money would run out within two years and asked for a study of the "
               "whole river basin first.")


def copies_origin(tmp_path: Path, dateline: str) -> tuple[dict, dict]:
    """The one cluster's origin, and the report, when two dated copies carry the story under
    ``dateline``; both copies must be credited."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name in ("prairie-daily.txt", "river-blog.txt"):
        (corpus / name).write_text(f"Levee bill passes\n\n{dateline} {LEVEE_STORY}\n", encoding="utf-8")
    (corpus / "metadata.csv").write_text("path,outlet,date\nprairie-daily.txt,Prairie Daily,2016-05-02\n"
                                         "river-blog.txt,River Blog,2016-05-03\n", encoding="utf-8")
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", str(corpus), "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    (cluster,) = report["clusters"]
    assert {l["path"]: l["credited"] for l in cluster["chain"]} == {"prairie-daily.txt": "credited",
                                                                     "river-blog.txt": "credited"}
    return cluster["origin"], report


def test_a_state_dateline_on_copies_makes_the_agency_the_origin(tmp_path):
    origin, _report = copies_origin(tmp_path, "SPRINGFIELD, Ill., May 2 (Reuters) -")
    assert (origin["outlet"], origin["in_corpus"], origin["rule"]) == ("Reuters", False, "wire-dateline")
    assert origin["date"] == "2016-05-02"


def test_a_broadcasters_dateline_on_copies_names_it_as_the_origin_and_is_no_wire_copy(tmp_path):
    origin, report = copies_origin(tmp_path, "WASHINGTON, May 2 (CNN) —")
    # the copies credit CNN's story, which is not in the corpus: not the earliest copy, and not wire copy
    assert (origin["outlet"], origin["in_corpus"], origin["rule"]) == ("CNN", False, "explicit-pointer")
    assert origin["date"] == "2016-05-02"
    assert {e["rule"] for e in origin["evidence"]} == {"text.dateline.outlet"}
    citations = [c for d in report["documents"] for c in d["citations"]]
    assert {(c["rule"], c["role"], c["relation"], tuple(c["outlets"])) for c in citations} == {
        ("text.dateline.outlet", "credit", "source", ("CNN",))}


def test_rules_explain_reads_the_documents_sidecar_row_as_audit_does(tmp_path):
    corpus = tmp_path / "c"
    (corpus / "sub").mkdir(parents=True)
    page = corpus / "sub" / "note.txt"
    page.write_text("A short note about the ferry timetable and the winter service.\n", encoding="utf-8")
    (corpus / "metadata.csv").write_text("path,outlet,date\nsub/note.txt,Eastbrook Gazette,2021-03-06\n",
                                         encoding="utf-8")
    runner = CliRunner()
    bare = runner.invoke(app, ["rules", "explain", str(page)])
    assert "outlet: undetermined" in bare.output
    read = runner.invoke(app, ["rules", "explain", str(page), "--metadata", str(corpus / "metadata.csv")])
    assert read.exit_code == 0, read.output
    assert "outlet: Eastbrook Gazette (by sidecar.outlet)" in read.output
    assert "date: 2021-03-06 (by sidecar.date" in read.output
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("Another note.\n", encoding="utf-8")
    refused = runner.invoke(app, ["rules", "explain", str(outside), "--metadata", str(corpus / "metadata.csv")])
    assert refused.exit_code == 2 and "not inside" in refused.output


def test_rules_explain_shows_the_sidecar_issue_of_the_documents_row(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    page, other = corpus / "note.txt", corpus / "other.txt"
    page.write_text("A short note about the ferry timetable and the winter service.\n", encoding="utf-8")
    other.write_text("Another note about the ferry.\n", encoding="utf-8")
    (corpus / "metadata.csv").write_text("path,outlet,date\nnote.txt,Eastbrook Gazette,32/13/2021\n"
                                         "other.txt,Eastbrook Gazette,2021-02-30\n", encoding="utf-8")
    read = CliRunner().invoke(app, ["rules", "explain", str(page), "--metadata", str(corpus / "metadata.csv")])
    assert read.exit_code == 0, read.output
    assert ("sidecar issue at metadata.csv:2 (sidecar-bad-date): date '32/13/2021' is not a recognised date"
            in read.output)
    assert "2021-02-30" not in read.output  # another row's issue is not this document's
    assert "date: undetermined" in read.output


@pytest.mark.parametrize("line,outlet,year", [
    ("Copyright © 2016 Reuters. All rights reserved.", "Reuters", "2016"),
    ("Copyright © 2016 Reuters — All rights reserved.", "Reuters", "2016"),
    ("Copyright 2016 Reuters - All rights reserved.", "Reuters", "2016"),
    ("© Copyright 2016 Reuters", "Reuters", "2016"),
    ("Copyright (c) 2016 The Guardian", "The Guardian", "2016"),
    ("©2016 Guardian News & Media Limited", "The Guardian", "2016"),
    ("© 2016 Guardian News & Media Limited or its affiliated companies. All rights reserved.", "The Guardian", "2016"),
    ("Copyright © 2016 The Associated Press. All rights reserved.", "Associated Press", "2016"),
    ("© 2016 Reuters | All rights reserved", "Reuters", "2016"),
    ("(Copyright The Financial Times Limited 2016)", "Financial Times", "2016"),
    ("© Reuters 2016", "Reuters", "2016"),
    ("Copyright 2016 Agence France-Presse. All rights reserved.", "Agence France-Presse", "2016"),
    # a site's range of years dates no story
    ("© 2010-2016 Reuters. All rights reserved.", "Reuters", None),
])
def test_copyright_notices_as_sites_print_them(line, outlet, year):
    cues = _by("text.copyright", _cues("The council said on Tuesday it would reopen the bridge.\n\n" + line + "\n"))
    assert [(c.outlets, c.date.iso if c.date else None) for c in cues] == [((outlet,), year)]


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "\u3000"])
def test_a_no_break_or_thin_space_is_a_space_to_the_rules(space):
    line = f"LONDON (Reuters){space}- The council said on Tuesday it would reopen the bridge."
    text = f"Bridge\n{line}\n\nCopyright{space}©{space}2016{space}Reuters.\n"
    cues = _cues(text)
    (dateline,) = _by("text.dateline.wire", cues)
    assert dateline.outlets == ("Reuters",) and dateline.text == f"LONDON (Reuters){space}-"  # quoted as read
    assert text[dateline.start:dateline.end] == dateline.text
    (notice,) = _by("text.copyright", cues)
    assert notice.outlets == ("Reuters",) and notice.date.iso == "2016"
    assert text[notice.start:notice.end] == notice.text


def test_rules_explain_prints_a_no_break_space_as_a_space(tmp_path):
    page = tmp_path / "wire.txt"
    page.write_text("LONDON (Reuters)\u00a0- The council said on Tuesday it would reopen the bridge.\n", encoding="utf-8")
    result = runner.invoke(app, ["rules", "explain", str(page)])
    assert result.exit_code == 0, result.output
    assert "text.dateline.wire [dateline] at chars 0-18: 'LONDON (Reuters) -' -> Reuters" in result.output
    assert "\\xa0" not in result.output


def test_a_metadata_rule_reads_a_no_break_space_as_a_space(tmp_path):
    rules = write(tmp_path, '''
[[rule]]
id = "meta.author-agency"
description = "An author field naming an agency after a slash"
source = "meta"
field = "author"
pattern = '/[ \\t]*(?P<outlet>[A-Z][A-Za-z]+)$'
role = "byline"
concludes = ["outlet"]
''')
    d = Document(path="a.html", record=None, sha256="0" * 64, text="Body.", format="html", encoding="utf-8",
                 metadata=(MetaField("author", "Jane Doe\u00a0/\u00a0Reuters", 'html:meta[name="author"]'),))
    (cue,) = [c for c in CueReader(load_rules([rules]), load_registry()).read(d) if c.rule == "meta.author-agency"]
    assert cue.outlets == ("Reuters",) and cue.text == "Jane Doe\u00a0/\u00a0Reuters"


@pytest.mark.parametrize("value,outlet", [
    ("https://www.theguardian.com/uk/2016/oct/20/bridge", "The Guardian"),  # a registered site's page
    ("www.theguardian.com", "The Guardian"),
    ("theguardian.com", "The Guardian"),
    ("valleycourier.example", "valleycourier.example"),  # an unregistered site: its domain
    ("https://valleycourier.example/", "valleycourier.example"),
    ("https://www.facebook.example/valleycourier", None),  # a page on another site names no outlet
    ("Valley Courier", "Valley Courier"),
    ("Reuters.com", "Reuters.com"),  # capitals: written as a name
])
def test_an_outlet_field_holding_an_address_names_the_site(value, outlet):
    d = Document(path="a.json", record=None, sha256="0" * 64, text="Body.", format="json", encoding="utf-8",
                 metadata=(MetaField("outlet", value, "json:source"),))
    cues = [c for c in CueReader(load_rules(), load_registry()).read(d) if c.rule == "meta.outlet"]
    assert [c.outlets for c in cues] == ([(outlet,)] if outlet else [])
    assert all(c.text == value for c in cues)
