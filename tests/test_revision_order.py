"""Wire revision markers order same-day versions of one outlet's story."""

from __future__ import annotations

import json

import pytest
from test_rules_units import att, cluster, docs

from provenance.cues import Cue
from provenance.origin import OriginContext, choose_origin
from provenance.params import default_params
from provenance.pipeline import AuditOptions, audit
from provenance.report import build_report


def revision(text: str) -> list[Cue]:
    return [Cue(rule="text.revision", role="revision", source="text", location=f"chars 0-{len(text)}", text=text,
                start=0, end=len(text))]


def _origin(marks: list[str | None], outlets=("Reuters", "Reuters"), kind="wire", dates=("2023-04-11",) * 2):
    c = cluster(len(marks), [(i, i + 1, 0.95) for i in range(len(marks) - 1)])
    atts = [att(d, o, kind) for d, o in zip(dates, outlets)]
    cues = [revision(m) if m else [] for m in marks]
    return choose_origin(OriginContext(c, docs(len(marks)), atts, cues=cues))


@pytest.mark.parametrize("marks, first", [
    ([None, "UPDATE 1-"], 0),  # the story as first sent, then its update
    (["UPDATE 1-", None], 1),
    (["UPDATE 2-", "UPDATE 1-"], 1),  # numbered updates in their order
    ([None, "(Updates with union comment)"], 0),  # an unnumbered revision comes after the original
])
def test_a_same_day_tie_goes_to_the_earlier_version_of_the_story(marks, first):
    o = _origin(marks)
    assert (o.member, o.rule, o.confidence) == (first, "earliest-date-revision-tiebreak", "medium")
    assert "earlier version" in o.reason
    assert any(e.rule == "text.revision" and e.document == 1 - first for e in o.evidence)


@pytest.mark.parametrize("marks", [
    ["UPDATE 2-", "(Updates with union comment)"],  # an unnumbered revision may be any version
    ["UPDATE 1-", "UPDATE 1-"],  # the same version twice
    [None, None],  # no marker: nothing orders them
])
def test_revisions_that_do_not_order_the_versions_leave_the_tie(marks):
    assert _origin(marks).rule == "undetermined"


def test_versions_order_only_one_outlet_s_stories():
    o = _origin([None, "UPDATE 1-"], outlets=("Daily Post", "Evening Star"), kind="newspaper")
    assert o.rule == "undetermined"
    # and never against a date that orders the members
    o = _origin([None, "UPDATE 1-"], dates=("2023-04-12", "2023-04-11"))
    assert (o.member, o.rule) == (1, "earliest-date")


def test_an_audit_names_the_story_first_sent_as_the_origin_of_its_update(tmp_path):
    body = ("MARROWICK, April 11 (Reuters) - Ferry crews at the port of Marrowick walked off the job on Tuesday "
            "morning, stranding hundreds of travellers on both sides of the Skelling Strait as a dispute over "
            "night-shift rosters entered its third week. The Marrowick Seafarers Guild said its members would stay "
            "ashore for forty-eight hours unless the operator withdrew a plan to cut the number of deckhands on "
            "late crossings from six to four.\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ferry.txt").write_text("Ferry crews strike at Marrowick\n\n" + body, encoding="utf-8")
    (corpus / "ferry-update.txt").write_text(
        "UPDATE 1-Ferry crews strike at Marrowick\n\n" + body + "(Updates with operator's comment)\n",
        encoding="utf-8")
    (corpus / "metadata.csv").write_text("path,outlet,date\nferry.txt,Reuters,2023-04-11\n"
                                         "ferry-update.txt,Reuters,2023-04-11\n", encoding="utf-8")
    params = default_params()
    report = json.loads(json.dumps(build_report(audit(corpus, AuditOptions(params=params, jobs=1)), params,
                                                corpus="corpus", started="", finished="")))
    docs_by_path = {d["path"]: d for d in report["documents"]}
    [c] = report["clusters"]
    assert c["origin"]["document"] == docs_by_path["ferry.txt"]["id"]
    assert c["origin"]["rule"] == "earliest-date-revision-tiebreak"
    assert [link["document"] for link in c["chain"]][-1] == docs_by_path["ferry-update.txt"]["id"]
