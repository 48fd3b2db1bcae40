"""Rule files: validation before any work, user overrides, and the rules/trace commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from provenance.cli import app
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
])
def test_invalid_rules_are_reported_with_file_rule_and_field(tmp_path, body, fragment):
    path = write(tmp_path, body)
    with pytest.raises(RuleError) as err:
        check_rule_file(path)
    assert any(str(path) in p and fragment in p for p in err.value.problems), err.value.problems


def test_every_problem_is_reported_at_once(tmp_path):
    body = ('[[rule]]\nid = "x.a"\ndescription = "d"\nsource = "text"\nrole = "credit"\npattern = "(a"\n'
            '[[rule]]\nid = "x.b"\ndescription = "d"\nsource = "sky"\nrole = "credit"\npattern = "a"\n')
    with pytest.raises(RuleError) as err:
        check_rule_file(write(tmp_path, body))
    assert len(err.value.problems) == 2


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
