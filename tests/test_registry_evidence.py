"""Evidence names the outlet registry entry that named its outlet: which file, which entry,
and what of it matched (docs/report-format.md, Registry entries)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from provenance.cli import app
from provenance.cues import CueReader
from provenance.export.html import render_html
from provenance.model import Document
from provenance.outlets import load_registry
from provenance.rules import load_rules
from provenance.trace import trace_report

from test_cli import STORY  # the CLI tests' invented story

runner = CliRunner()

COURIER = '[[outlet]]\nname = "Valley Courier"\nkind = "newspaper"\ndomains = ["www.valleycourier.example"]\n'
# a second file describing the Courier again: its entry replaces the first's, and adds an alias
COURIER_AGAIN = ('[[outlet]]\nname = "Valley Courier"\nkind = "newspaper"\naliases = ["VC Daily"]\n'
                 'domains = ["valleycourier.example"]\n')


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    text = resources.files("provenance").joinpath("data/report.schema.json").read_text(encoding="utf-8")
    return Draft202012Validator(json.loads(text))


def _page(url: str, site: str | None, date: str, body: str) -> str:
    site_meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    return (f'<html><head><title>Bridge closed</title><meta property="og:url" content="{url}">{site_meta}'
            f'<meta property="article:published_time" content="{date}"></head>'
            f"<body><article><h1>Bridge closed</h1><p>{body}</p></article></body></html>")


def corpus(folder: Path) -> Path:
    """The Courier's page (its outlet from its address only), a later copy whose sidecar row
    names an outlet the registry does not hold, and a note whose sidecar row names the AP."""
    folder.mkdir()
    (folder / "courier.html").write_text(
        _page("https://news.valleycourier.example/2021/03/05/bridge", None, "2021-03-05", STORY), encoding="utf-8")
    (folder / "copy.txt").write_text(f"From our river desk.\n\n{STORY}\n", encoding="utf-8")
    (folder / "note.txt").write_text("The allotment committee met for the fourth time this year and agreed "
                                     "nothing about the hedges.\n", encoding="utf-8")
    (folder / "metadata.csv").write_text("path,outlet,date\ncopy.txt,Evening Courier,2021-03-06\n"
                                         "note.txt,AP,2021-03-07\n", encoding="utf-8")
    return folder


def audit(tmp_path: Path, *outlet_files: str) -> dict:
    out = tmp_path / "report.json"
    args = ["audit", str(tmp_path / "corpus"), "-o", str(out)]
    for f in outlet_files:
        args += ["--outlets", f]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def by_path(report: dict) -> dict[str, dict]:
    return {d["path"]: d for d in report["documents"]}


def test_an_outlet_named_by_a_domain_of_a_user_file_names_that_file(tmp_path, monkeypatch, validator):
    corpus(tmp_path / "corpus")
    (tmp_path / "outlets.toml").write_text(COURIER, encoding="utf-8")  # spelt as the shipped file
    monkeypatch.chdir(tmp_path)
    report = audit(tmp_path, "outlets.toml")
    assert list(validator.iter_errors(report)) == []
    assert report["run"]["outlets"]["files"] == ["outlets.toml", "./outlets.toml"]

    outlet = by_path(report)["courier.html"]["outlet"]
    assert (outlet["name"], outlet["kind"]) == ("Valley Courier", "newspaper")
    (evidence,) = outlet["evidence"]
    assert (evidence["rule"], evidence["text"]) == ("url.domain", "news.valleycourier.example")
    # the file as run.outlets.files writes it; the domain as the entry gives it (a parent of the host)
    assert evidence["registry"] == [{"file": "./outlets.toml", "outlet": "Valley Courier", "by": "domain",
                                     "match": "valleycourier.example"}]
    assert evidence["registry"][0]["file"] in report["run"]["outlets"]["files"]

    # the cluster's origin is the Courier's page, and its outlet evidence says the same
    (cluster,) = report["clusters"]
    origin = cluster["origin"]
    assert (origin["rule"], origin["outlet"]) == ("earliest-date", "Valley Courier")
    named = [e for e in origin["evidence"] if "registry" in e]
    assert [(e["rule"], e["registry"]) for e in named] == [("url.domain", evidence["registry"])]
    assert all(e["document"] == by_path(report)["courier.html"]["id"] for e in named)


def test_an_alias_of_the_shipped_registry_names_the_shipped_file(tmp_path, validator):
    corpus(tmp_path / "corpus")
    report = audit(tmp_path)
    assert list(validator.iter_errors(report)) == []
    outlet = by_path(report)["note.txt"]["outlet"]
    assert (outlet["name"], outlet["kind"]) == ("Associated Press", "wire")
    (evidence,) = outlet["evidence"]
    assert (evidence["rule"], evidence["text"], evidence["value"]) == ("sidecar.outlet", "AP", "Associated Press")
    assert evidence["registry"] == [{"file": "outlets.toml", "outlet": "Associated Press", "by": "alias",
                                     "match": "AP"}]
    # without a user file the Courier's domain names nothing: no outlet, no evidence
    assert by_path(report)["courier.html"]["outlet"] == {"name": None, "kind": None, "evidence": []}


def test_of_two_user_files_the_second_one_that_adds_an_alias_is_named(tmp_path, validator):
    corpus(tmp_path / "corpus")
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    first.write_text(COURIER, encoding="utf-8")
    second.write_text(COURIER_AGAIN, encoding="utf-8")
    (tmp_path / "corpus" / "metadata.csv").write_text("path,outlet\ncopy.txt,vc daily\n", encoding="utf-8")
    report = audit(tmp_path, str(first), str(second))
    assert list(validator.iter_errors(report)) == []
    assert report["run"]["outlets"]["files"] == ["outlets.toml", str(first), str(second)]
    docs = by_path(report)
    (alias,) = docs["copy.txt"]["outlet"]["evidence"]
    assert (alias["text"], alias["value"]) == ("vc daily", "Valley Courier")
    assert alias["registry"] == [{"file": str(second), "outlet": "Valley Courier", "by": "alias",
                                  "match": "VC Daily"}]
    # the second entry replaced the first, domains included: the address is the second file's too
    (domain,) = docs["courier.html"]["outlet"]["evidence"]
    assert domain["registry"] == [{"file": str(second), "outlet": "Valley Courier", "by": "domain",
                                   "match": "valleycourier.example"}]


def test_evidence_the_registry_did_not_name_has_no_registry(tmp_path, validator):
    corpus(tmp_path / "corpus")
    (tmp_path / "corpus" / "courier.html").write_text(
        _page("https://www.elsewhere.example/2021/03/05/bridge", "Elsewhere Gazette", "2021-03-05", STORY),
        encoding="utf-8")
    report = audit(tmp_path)
    assert list(validator.iter_errors(report)) == []
    docs = by_path(report)
    (sidecar,) = docs["copy.txt"]["outlet"]["evidence"]
    assert (sidecar["rule"], sidecar["value"]) == ("sidecar.outlet", "Evening Courier")
    (meta,) = docs["courier.html"]["outlet"]["evidence"]
    assert (meta["rule"], meta["value"]) == ("meta.site-name", "Elsewhere Gazette")
    assert "registry" not in sidecar and "registry" not in meta
    # dates are not named by the registry
    assert all("registry" not in e for d in report["documents"] for e in d["published"]["evidence"])
    (cluster,) = report["clusters"]
    assert cluster["origin"]["evidence"] and all("registry" not in e for e in cluster["origin"]["evidence"])
    # the AP's alias still names the shipped file
    assert docs["note.txt"]["outlet"]["evidence"][0]["registry"][0]["file"] == "outlets.toml"


def test_a_credit_naming_two_outlets_names_each_ones_entry_in_order(tmp_path):
    from provenance.outlets import Match  # the entry that named an outlet

    own = tmp_path / "mine.toml"
    own.write_text(COURIER, encoding="utf-8")
    doc = Document(path="a.txt", record=None, sha256="0" * 64, format="text", encoding="utf-8",
                   text=f"{STORY}\n\nAFP and Valley Courier contributed to this report.\n")
    cues = CueReader(load_rules(), load_registry([own])).read(doc)
    (credit,) = [c for c in cues if c.rule == "text.credit.contributed"]
    assert credit.outlets == ("Agence France-Presse", "Valley Courier")
    assert credit.registry == (Match("Agence France-Presse", "outlets.toml", "alias", "AFP"),
                               Match("Valley Courier", str(own), "name", "Valley Courier"))
    evidence = credit.evidence()
    assert evidence.value == "Agence France-Presse, Valley Courier"
    assert evidence.registry == credit.registry
    assert credit.evidence("date").registry == credit.registry  # no date: the evidence gives the outlets


def test_registry_matches_say_what_of_the_entry_matched(tmp_path):
    from provenance.outlets import Match  # the entry that named an outlet

    own = tmp_path / "mine.toml"
    own.write_text(COURIER_AGAIN, encoding="utf-8")
    registry = load_registry([own])
    assert registry.match_name("the reuters") == Match("Reuters", "outlets.toml", "name", "Reuters")
    assert registry.match_name("Thomson Reuters") == Match("Reuters", "outlets.toml", "alias", "Thomson Reuters")
    assert registry.match_url("https://uk.reuters.com/x") == Match("Reuters", "outlets.toml", "domain",
                                                                  "uk.reuters.com")
    assert registry.match_url("https://www.edition.valleycourier.example/a") == Match(
        "Valley Courier", str(own), "domain", "valleycourier.example")
    assert registry.match_name("VC DAILY") == Match("Valley Courier", str(own), "alias", "VC Daily")
    assert registry.match_name("Evening Courier") is None and registry.match_url("https://example.org/") is None


def test_trace_and_html_show_the_registry_entry(tmp_path):
    corpus(tmp_path / "corpus")
    (tmp_path / "mine.toml").write_text(COURIER, encoding="utf-8")
    report = audit(tmp_path, str(tmp_path / "mine.toml"))
    traced = trace_report(report, "copy.txt")
    assert (f"evidence: url.domain at courier.html url: 'news.valleycourier.example' "
            f"[registry {tmp_path / 'mine.toml'}: domain 'valleycourier.example' = Valley Courier]") in traced
    page = render_html(report)
    assert (f'<span class="muted">registry <code>{tmp_path / "mine.toml"}</code> domain '
            f'<q>valleycourier.example</q> = Valley Courier</span>') in page
    # a report without the field (or an evidence item the registry did not name) shows none
    for c in report["clusters"]:
        for e in c["origin"]["evidence"]:
            e.pop("registry", None)
    assert "[registry" not in trace_report(report, "copy.txt")
    assert "registry <code>" not in render_html(report)


def test_rules_explain_says_which_file_named_the_outlet(tmp_path):
    corpus(tmp_path / "corpus")
    (tmp_path / "mine.toml").write_text(COURIER, encoding="utf-8")
    result = runner.invoke(app, ["rules", "explain", str(tmp_path / "corpus" / "courier.html"),
                                 "--outlets", str(tmp_path / "mine.toml")])
    assert result.exit_code == 0, result.output
    assert (f"outlet: Valley Courier (by url.domain; registry {tmp_path / 'mine.toml'}: "
            "domain 'valleycourier.example' = Valley Courier)") in result.output
