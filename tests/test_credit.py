"""Credit: a copy that cites the outlet as it gives the copied text credits it; a
citation elsewhere in the copy (a source of information) does not."""

from __future__ import annotations

from pathlib import Path

from provenance.params import default_params
from provenance.pipeline import audit
from provenance.report import build_report

STORY = ("Flood barriers along the lower Maren river held through the night as water levels "
         "peaked just below the record set eleven years ago, county engineers said on Sunday. "
         "Crews had worked in shifts since Thursday to raise sandbag walls around the pumping "
         "station at Eastwick, which supplies drinking water to some forty thousand homes. "
         "The regional transport office closed two bridges as a precaution and said they would "
         "reopen only after inspectors had checked their foundations for scouring damage.")


def _corpus(root: Path, copies: dict[str, str]) -> Path:
    root.mkdir()
    (root / "wire.txt").write_text(STORY + "\n", encoding="utf-8")
    rows = ["path,outlet,date", "wire.txt,Associated Press,2016-03-06"]
    for name, text in copies.items():
        (root / name).write_text(text, encoding="utf-8")
        rows.append(f"{name},Valley Courier,2016-03-07")
    (root / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def _links(root: Path) -> dict[str, dict]:
    report = build_report(audit(root), default_params(), corpus=root.name, started="s", finished="f")
    paths = {d["id"]: d["path"] for d in report["documents"]}
    [cluster] = report["clusters"]
    return {paths[link["document"]]: link for link in cluster["chain"]}


def test_a_citation_beside_the_copied_text_is_a_credit(tmp_path: Path):
    links = _links(_corpus(tmp_path / "c", {
        "lead-in.txt": "Schools in the valley stay shut this week.\n\nAs the AP reported, " + STORY + "\n",
        "closing.txt": "A reader sent us photographs of the bridge.\n\n" + STORY[:-1] + ", the AP reported.\n",
        "next-line.txt": ("Crews are on standby again.\n\n" + STORY + "\n\nAides told the AP on Monday that "
                          "the barrier budget would double next year.\n"),
        "elsewhere.txt": ("Our weather desk expects more rain on Wednesday.\n\n" + STORY + "\n\n"
                          "Later in the week one farmer told the AP that his fields were still under water "
                          "and that the harvest was lost.\n"),
    }))
    assert links["lead-in.txt"]["credited"] == "credited"
    assert "cites Associated Press as it gives the copied text" in links["lead-in.txt"]["credit_reason"]
    assert links["lead-in.txt"]["credit_evidence"][0]["text"] == "the AP reported"
    assert links["closing.txt"]["credited"] == "credited"
    assert links["closing.txt"]["credit_evidence"][0]["text"] == "the AP reported"
    # the next paragraph's citation is of information, not of the copied text
    assert links["next-line.txt"]["credited"] == "uncredited"
    # a source of information three paragraphs on is not a credit for the copied text
    assert links["elsewhere.txt"]["credited"] == "uncredited"


def test_a_citation_that_closes_the_sentence_before_the_copied_text_is_no_credit(tmp_path: Path):
    cases = {
        # the paragraph before the copy ends with a source of information, not a credit
        "told": ("Farmers fear for the harvest, one grower told the AP.\n\n", "uncredited"),
        "reported": ("The river rose fast on Friday, the AP reported.\n\n", "uncredited"),
        # a citation that opens the quoted paragraph still gives it
        "colon": ("Schools stay shut. According to the AP:\n\n", "credited"),
    }
    for name, (lead, expected) in cases.items():
        link = _links(_corpus(tmp_path / name, {"copy.txt": lead + STORY + "\n"}))["copy.txt"]
        assert link["credited"] == expected, (name, link["credit_reason"])


def test_a_copy_naming_another_outlet_than_its_source_is_uncredited_and_says_whom_it_names(tmp_path: Path):
    links = _links(_corpus(tmp_path / "c", {
        "miscredit.txt": STORY + "\n\nReuters contributed to this report.\n",
    }))
    link = links["miscredit.txt"]
    assert link["credited"] == "uncredited"
    assert link["credit_reason"] == ("no credit, byline, dateline or pointer naming Associated Press "
                                     "(it names Reuters)")


def test_a_citation_read_by_a_head_rule_sees_the_text_just_after_its_part(tmp_path: Path):
    """A user rule reading only the head of a text, whose part ends with the citation: what
    follows the citation (``, `` and the copied text) is read from the whole text, so the
    citation still credits the copy it introduces."""
    from provenance.pipeline import AuditOptions

    lead = "As the AP reported"
    rules = tmp_path / "head-citation.toml"
    rules.write_text(
        '[[rule]]\nid = "text.citation"\nenabled = false\n\n'
        '[[rule]]\nid = "user.head-citation"\ndescription = "A citation opening the text."\n'
        f'source = "text"\nwhere = "head"\nspan = {len(lead)}\nrole = "citation"\nregistry_only = true\n'
        "pattern = '''As (?P<outlet>the AP) reported'''\n", encoding="utf-8")
    root = _corpus(tmp_path / "c", {"lead.txt": lead + ", " + STORY + "\n"})
    report = build_report(audit(root, AuditOptions(rule_files=(rules,))), default_params(), corpus="c",
                          started="s", finished="f")
    paths = {d["id"]: d["path"] for d in report["documents"]}
    [cluster] = report["clusters"]
    link = next(link for link in cluster["chain"] if paths[link["document"]] == "lead.txt")
    assert link["credited"] == "credited" and link["credit_evidence"][0]["rule"] == "user.head-citation"
