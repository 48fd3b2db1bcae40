"""Origins a fact-checker would dispute: a copy crediting the wrong agency, a day in one
time zone against a time in another, an origin whose own evidence gives a later date.
All text is invented."""

from __future__ import annotations

from pathlib import Path

from provenance.params import default_params
from provenance.pipeline import audit
from provenance.report import build_report

STORY = ("The national bank left its main refinancing rate unchanged at 3.75 percent on Thursday "
         "but signalled for the first time that it could begin lowering borrowing costs in the "
         "spring if inflation kept easing at its recent pace.\n\n"
         "Governor Markus Adler told a news conference that price growth in services remained "
         "stubborn, but that staff now expected inflation to return to its two percent target by "
         "the end of next year, six months earlier than forecast in October.\n\n"
         "The currency weakened by half a percent against the euro after his remarks, while yields "
         "on two-year government bonds fell to their lowest level since last March.")


def _report(root: Path, files: dict[str, str], rows: list[str]) -> tuple[dict, dict[str, str]]:
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "metadata.csv").write_text("\n".join(["path,outlet,date", *rows]) + "\n", encoding="utf-8")
    report = build_report(audit(root), default_params(), corpus=root.name, started="s", finished="f")
    return report, {d["id"]: d["path"] for d in report["documents"]}


def test_a_copy_crediting_another_agency_does_not_take_the_origin_from_the_agency_it_copied(tmp_path: Path):
    report, paths = _report(tmp_path / "c", {
        "wire.txt": "VIENNA, Feb 1 (Reuters) - " + STORY + "\n",
        "paper.txt": "Rate cut on the horizon\n\n" + STORY + "\n\nAgence France-Presse contributed to this report.\n",
    }, ["wire.txt,Reuters,2024-02-01T08:00:00Z", "paper.txt,Danube Courier,2024-02-01T18:00:00Z"])
    [cluster] = report["clusters"]
    origin = cluster["origin"]
    assert (paths[origin["document"]], origin["outlet"], origin["in_corpus"]) == ("wire.txt", "Reuters", True)
    [link] = cluster["chain"]
    assert paths[link["document"]] == "paper.txt"
    assert link["credited"] == "uncredited"
    assert link["credit_reason"].endswith("(it names Agence France-Presse)")


def test_a_day_in_one_time_zone_does_not_precede_an_earlier_time_in_another(tmp_path: Path):
    # Sydney publishes at 08:00 on the 11th (21:00 UTC on the 10th); a London copy is dated
    # the 10th without a time: it may have been published later that evening
    report, paths = _report(tmp_path / "c", {"sydney.txt": STORY + "\n", "london.txt": STORY + "\n"},
                            ["sydney.txt,Harbourside Daily,2024-11-11T08:00:00+11:00",
                             "london.txt,Thames Evening Post,2024-11-10"])
    [cluster] = report["clusters"]
    assert cluster["origin"]["status"] == "undetermined"
    assert "tie between" in cluster["origin"]["reason"]


def test_an_origin_whose_own_evidence_gives_a_later_date_is_not_certain(tmp_path: Path):
    page = ('<html><head><meta property="og:site_name" content="{site}">'
            '<meta property="article:published_time" content="{date}"></head>'
            '<body><article>{body}</article></body></html>')
    body = "".join(f"<p>{p}</p>" for p in STORY.split("\n\n"))
    report, paths = _report(tmp_path / "c", {
        "original.html": page.format(site="Lune Valley Voice", date="2024-07-10T08:00:00+01:00", body=body),
        # the sidecar dates the copy a day before the original; its own page says the 11th
        "copy.html": page.format(site="Fellside Weekly", date="2024-07-11T10:00:00+01:00", body=body),
    }, ["copy.html,Fellside Weekly,2024-07-09"])
    [cluster] = report["clusters"]
    origin = cluster["origin"]
    assert paths[origin["document"]] == "copy.html"  # the sidecar outranks the page's metadata
    assert origin["confidence"] == "medium"
    assert any("copy.html is also dated 2024-07-11T10:00:00+01:00" in c and "not before original.html" in c
               for c in origin["conflicts"])
