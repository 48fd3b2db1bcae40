"""User configuration that the tool must refuse clearly (exit 2), or read as meant:
parameters, rule patterns and outlet files."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.errors import ConfigError
from provenance.outlets import load_registry
from provenance.params import default_params, with_overrides
from provenance.rules import parse_rules


@pytest.mark.parametrize("key, value, says", [
    ("align.sentence_rarity_prior", "inf", "finite"),
    ("align.sentence_rarity_prior", "nan", "finite"),
    ("fingerprint.num_perm", "1", "no banding"),
    ("fingerprint.lsh_threshold", "1", "no banding"),
    ("fingerprint.lsh_threshold", "0.999", "no banding"),
    ("fingerprint.rewrite_band_rows", "5", "exceeds the 4 rows"),
])
def test_parameters_the_audit_cannot_use_are_refused(key, value, says):
    with pytest.raises(ConfigError, match=says):
        with_overrides(default_params(), {key: value})


def test_parameters_it_can_use_are_kept():
    p = with_overrides(default_params(), {"fingerprint.lsh_threshold": "0.9", "fingerprint.rewrite_band_rows": "2"})
    assert (p.lsh_threshold, p.rewrite_band_rows) == (0.9, 2)


def _rule(pattern: str) -> str:
    return ('[[rule]]\nid = "t.x"\ndescription = "d"\nsource = "text"\nrole = "credit"\n'
            f"pattern = '''{pattern}'''\n")


@pytest.mark.parametrize("pattern, says", [
    (r"((a+))+$", "nested quantifier"),
    (r"(a{1,})+$", "nested quantifier"),
    (r"(?:(?:a+)b?)+$", "nested quantifier"),
    (r"(?:x(?=(?:a+)+))", "nested quantifier"),  # inside a lookahead too
    (r"(a|aa)+$", "alternation under a quantifier"),
    (r"a{4294967296}", "not a valid regular expression"),
    ("(" * 990 + "a" + ")" * 990, "not a valid regular expression"),
])
def test_patterns_that_can_hang_or_crash_are_refused(pattern, says):
    problems: list[str] = []
    parse_rules(_rule(pattern), "r.toml", problems)
    assert any(says in p for p in problems), problems


@pytest.mark.parametrize("pattern", [r"[A-Z]\w+(?:[ \t]+[A-Z]\w+){0,3}", r"(?:of|the){0,2} (a|b)+", r"x+y*"])
def test_bounded_or_flat_repeats_are_accepted(pattern):
    problems: list[str] = []
    (rule,), _ = parse_rules(_rule(pattern), "r.toml", problems)
    assert not problems and rule.pattern == pattern


def _outlets(tmp_path: Path, text: str, name: str = "o.toml", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_outlet_files_that_cannot_be_read_as_meant_are_refused(tmp_path):
    cases = {
        "not UTF-8": _outlets(tmp_path, '[[outlet]]\nname = "Café Gazette"\n', "l1.toml", "latin-1"),
        "write [[outlet]]": _outlets(tmp_path, '[outlet]\nname = "X"\n', "table.toml"),
        "already described earlier in this file": _outlets(tmp_path, '[[outlet]]\nname = "X"\n[[outlet]]\nname = "X"\n',
                                                           "dup.toml"),
        "'Reuters' already names 'Reuters' (outlets.toml)": _outlets(
            tmp_path, '[[outlet]]\nname = "Reuters News Agency"\naliases = ["Reuters"]\n', "clash.toml"),
    }
    for says, path in cases.items():
        with pytest.raises(ConfigError, match=r"\S") as caught:
            load_registry([path])
        assert says in str(caught.value) and str(path) in str(caught.value)


def test_outlet_entries_replace_by_name_and_domains_read_as_pages_give_them(tmp_path):
    own = _outlets(tmp_path, '[[outlet]]\nname = "Reuters"\nkind = "wire"\naliases = ["Reuters", "RTRS"]\n'
                             '[[outlet]]\nname = "Valley Courier"\ndomains = ["https://www.valleycourier.example/news"]\n')
    registry = load_registry([own])
    assert registry.by_name("RTRS").name == "Reuters"  # an entry of the same name replaces the shipped one
    assert registry.by_url("https://www.valleycourier.example/2021/a").name == "Valley Courier"
    assert registry.by_url("https://valleycourier.example/b").name == "Valley Courier"


def test_fewer_permutations_lower_the_default_band_rows_and_record_it():
    p = with_overrides(default_params(), {"fingerprint.num_perm": "64"})
    assert p.rewrite_band_rows == 2  # 28 bands of 2 rows: the default 4 is lowered, not kept on paper
    with pytest.raises(ConfigError, match="exceeds the 2 rows"):
        with_overrides(default_params(), {"fingerprint.num_perm": "64", "fingerprint.rewrite_band_rows": "3"})


def test_named_groups_of_meta_and_url_rules_are_read():
    from provenance.cues import CueReader
    from provenance.model import Document, MetaField
    from provenance.rules import RuleSet, load_rules

    user = ('[[rule]]\nid = "meta.author-outlet"\ndescription = "d"\nsource = "meta"\nfield = "author"\n'
            "pattern = '''/\\s*(?P<outlet>[^/]+)$'''\nrole = \"publisher\"\nconcludes = [\"outlet\"]\n"
            'registry_only = true\n\n'
            '[[rule]]\nid = "url.compact-date"\ndescription = "d"\nsource = "url"\npart = "path"\n'
            "pattern = '''/(?P<date>20\\d{6})/'''\nrole = \"publisher\"\nconcludes = [\"date\"]\n")
    problems: list[str] = []
    rules, _ = parse_rules(user, "r.toml", problems)
    assert not problems
    doc = Document(path="p.html", record=None, sha256="0" * 64, text="Some text.", format="html", encoding="utf-8",
                   url="https://example.org/news/20210304/story",
                   metadata=(MetaField("author", "Jane Doe / The Guardian", "html:meta[name=author]"),))
    shipped = load_rules()
    cues = CueReader(RuleSet(tuple(rules) + shipped.rules, "t", ()), load_registry()).read(doc)
    by_rule = {c.rule: c for c in cues}
    assert by_rule["meta.author-outlet"].outlets == ("The Guardian",)  # the group, not "Jane Doe / ..."
    assert by_rule["url.compact-date"].date.iso == "2021-03-04"


def test_an_ambiguous_numeric_date_is_read_in_the_order_of_the_documents_outlet(tmp_path):
    from provenance.params import default_params as params
    from provenance.pipeline import audit
    from provenance.report import build_report

    corpus = tmp_path / "c"
    corpus.mkdir()
    for name in ("pa.txt", "unknown.txt", "page.html"):
        (corpus / name.replace(".html", ".txt") if name.endswith(".txt") else corpus / name).write_text(
            f"A note about the {name[:-4]} ferry timetable and the winter service on the northern line.\n"
            if name.endswith(".txt") else
            '<html><head><meta property="og:site_name" content="Press Association">'
            '<meta name="date" content="03/04/2016"></head><body><article><p>A note about the harbour '
            "timetable and the winter service on the southern line.</p></article></body></html>")
    (corpus / "metadata.csv").write_text("path,outlet,date\npa.txt,Press Association,03/04/2016\n"
                                         "unknown.txt,Nowhere Weekly,03/04/2016\n", encoding="utf-8")
    report = build_report(audit(corpus), params(), corpus="c", started="s", finished="f")
    docs = {d["path"]: d for d in report["documents"]}
    assert docs["pa.txt"]["published"]["date"] == "2016-04-03"  # the registry: Press Association is day first
    assert docs["page.html"]["published"]["date"] == "2016-04-03"  # named by its site name, read the same way
    assert docs["unknown.txt"]["published"]["date"] is None  # no known order: not guessed
    assert any("'03/04/2016'" in c and "ambiguous" in c for c in docs["unknown.txt"]["conflicts"])
    assert report["sidecar"]["issues"] == []


def test_a_shipped_rule_is_switched_off_by_id_alone_and_a_mistyped_id_is_refused(tmp_path):
    from provenance.rules import RuleError, check_rule_file, load_rules

    off = tmp_path / "off.toml"
    off.write_text('[[rule]]\nid = "text.via"\nenabled = false\n', encoding="utf-8")
    assert check_rule_file(off) == []
    rules = load_rules([off])
    assert rules.by_id("text.via").enabled is False
    assert "text.via" not in {r.id for r in rules.enabled()}
    assert load_rules([off]).digest() != load_rules().digest()
    typo = tmp_path / "typo.toml"
    typo.write_text('[[rule]]\nid = "text.viaa"\nenabled = false\n', encoding="utf-8")
    for load in (lambda: load_rules([typo]), lambda: check_rule_file(typo)):
        with pytest.raises(RuleError, match="text.viaa"):
            load()


def test_the_report_records_the_registry_and_never_spells_a_user_file_as_the_shipped_one(tmp_path, monkeypatch):
    from provenance.pipeline import AuditOptions, audit
    from provenance.report import build_report

    monkeypatch.chdir(tmp_path)
    Path("rules.toml").write_text('[[rule]]\nid = "text.via"\nenabled = false\n', encoding="utf-8")
    Path("outlets.toml").write_text('[[outlet]]\nname = "Valley Courier"\n', encoding="utf-8")
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("A short note about the ferry timetable.\n", encoding="utf-8")

    def run(**options) -> dict:
        result = audit(corpus, AuditOptions(**options))
        return build_report(result, default_params(), corpus="c", started="s", finished="f")["run"]

    plain = run()
    own = run(rule_files=(Path("rules.toml"),), outlet_files=(Path("outlets.toml"),))
    assert plain["outlets"]["files"] == ["outlets.toml"] and len(plain["outlets"]["sha256"]) == 64
    assert own["outlets"]["files"] == ["outlets.toml", "./outlets.toml"]
    assert own["outlets"]["count"] == plain["outlets"]["count"] + 1
    assert own["outlets"]["sha256"] != plain["outlets"]["sha256"]
    assert own["rules"]["files"] == ["rules.toml", "./rules.toml"]
