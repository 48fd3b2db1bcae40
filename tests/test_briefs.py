"""Rewritten briefs: a short item that condenses another text in words of its own."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.align import seeds_of
from provenance.briefs import KEY_MIN_WEIGHT, brief_pairs, brief_span, build_index, key_words, unmatched_briefs
from provenance.dates import parse_date_value
from provenance.params import default_params, with_overrides
from provenance.pipeline import AuditOptions, audit
from provenance.report import build_report
from provenance.tokens import Tokenizer

STORY = (
    "COURTS Quarry\n"
    "A quarry foreman was cleared today of stealing explosives from the site where he had worked for ten years.\n"
    "Gareth Llewellyn wept in the dock at Swansea Crown Court as the jury returned its verdicts after two days.\n"
    "The prosecution had said that 40 kilograms of blasting gel went missing from Penhale Quarry in March 1998.\n"
    "Llewellyn, 52, of Neath, told the court he had reported the loss to the police himself the next morning.\n"
    "His employers, Gower Aggregates, said they were pleased the matter had been settled.\n"
)
# one sentence of the newspaper's own, from the story's second, third and fourth sentences
BRIEF = ("Quarry foreman Gareth Llewellyn, 52, was cleared at Swansea Crown Court of stealing 40 kilograms "
         "of blasting gel from Penhale Quarry in 1998.\n")
# the same, with a figure the story does not give
WRONG_FIGURE = BRIEF.replace("40 kilograms", "60 kilograms")
UNRELATED = (
    "Councillors in Harbourside approved a new cycle lane along the promenade on Thursday evening after a long "
    "debate. The scheme will cost the town two hundred thousand pounds and should open before the summer season. "
    "Shopkeepers on the seafront had asked for more parking spaces instead of the lane, the meeting heard.\n"
)


def _tokens(text: str):
    return Tokenizer()(text).of(text)


def _span(brief: str, story: str, params=None):
    params = params or default_params()
    tb, ts = _tokens(brief), _tokens(story)
    sb = seeds_of(tb, params.seed_ngram, params.max_seed_occurrences, True)
    ss = seeds_of(ts, params.seed_ngram, params.max_seed_occurrences, True)
    return brief_span(tb, ts, sb, ss, params), tb, ts


def test_a_brief_is_matched_whole_against_the_sentences_it_condenses():
    found, tb, ts = _span(BRIEF, STORY)
    assert found is not None
    span, share = found
    assert (span.a_start, span.a_end) == (0, len(tb))  # the whole brief
    starts, ends = ts.bounds()
    source = STORY[starts[span.b_start] : ends[span.b_end - 1]]
    # the fewest consecutive sentences that hold its words and its figures (52, 40, 1998):
    # the third and the fourth
    assert source.startswith("The prosecution had said") and source.endswith("the next morning")
    assert share >= 0.6 and 0 < span.similarity < 1


def test_a_brief_whose_figure_the_other_text_lacks_is_not_matched():
    assert _span(WRONG_FIGURE, STORY)[0] is None


def test_a_brief_is_not_matched_to_a_text_holding_few_of_its_words():
    assert _span(BRIEF, UNRELATED)[0] is None
    assert _span(BRIEF, STORY, with_overrides(default_params(), {"align.brief_max_words": "10"}))[0] is None


def test_the_key_words_are_the_rarest_that_any_text_reaching_the_share_must_hold():
    words = np.array([11, 12, 13, 14, 15], dtype=np.uint64)
    weights = np.array([1.0, 0.2, 1.0, 0.9, 0.3], dtype=np.float32)
    keys = key_words(words, weights, 0.6)
    # total 3.4: leaving out 1.0 + 1.0 leaves 1.4, under 0.6 * 3.4 = 2.04
    assert sorted(keys.tolist()) == [11, 13]
    common = np.array([0.4, 0.4, 0.4], dtype=np.float32)
    assert key_words(np.array([1, 2, 3], dtype=np.uint64), common, 0.6) is None  # every word below KEY_MIN_WEIGHT
    assert KEY_MIN_WEIGHT > 0.4


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.5, 1.0), min_size=3, max_size=12), st.data())
def test_no_text_reaches_the_share_without_a_key_word(weights, data):
    words = np.arange(1, len(weights) + 1, dtype=np.uint64)
    w = np.array(weights, dtype=np.float32)
    keys = set(key_words(words, w, 0.6).tolist())
    held = data.draw(st.lists(st.sampled_from(words.tolist()), unique=True))
    if not keys & set(held):
        assert w[np.isin(words, held)].sum() < 0.6 * w.sum()


def test_the_index_pairs_each_brief_with_the_texts_holding_enough_of_it():
    brief = np.array([1, 2, 3, 4, 5], dtype=np.uint64)
    ones = np.ones(5, dtype=np.float32)
    index = build_index([(7, brief, ones)], 0.6)
    docs = [0, 1, 7, 9]
    words = [np.array([1, 2, 3, 9], dtype=np.uint64),  # 3 of 5: 0.6
             np.array([1, 2, 9], dtype=np.uint64),  # 2 of 5
             brief,  # itself
             np.array([2, 3, 4, 5, 6], dtype=np.uint64)]  # 4 of 5
    assert brief_pairs(index, docs, words) == [(0, 7), (7, 9)]
    assert brief_pairs(index, docs[:2], words[:2]) == [(0, 7)]  # any batch of documents


def test_a_brief_is_matched_only_when_it_has_no_passage_and_the_other_text_is_not_later():
    day = {0: parse_date_value("1999-10-04"), 1: parse_date_value("1999-10-05"), 2: None}
    pairs = [(0, 1), (1, 2)]
    assert unmatched_briefs(pairs, {1}, set(), day.get) == [(1, 0), (1, 2)]
    assert unmatched_briefs(pairs, {1}, {1}, day.get) == []  # the brief has a passage already
    later = {0: parse_date_value("1999-10-06"), 1: parse_date_value("1999-10-05"), 2: None}
    assert unmatched_briefs(pairs, {1}, set(), later.get) == [(1, 2)]  # a later story is no source


def write_brief_corpus(corpus: Path) -> None:
    """A wire story, a brief condensing it the next day, an unrelated item, and a later
    wire story that tells the same facts again."""
    corpus.mkdir()
    (corpus / "wire.txt").write_text(STORY, encoding="utf-8")
    (corpus / "brief.txt").write_text(BRIEF, encoding="utf-8")
    (corpus / "council.txt").write_text(UNRELATED, encoding="utf-8")
    (corpus / "wire-later.txt").write_text(
        "COURTS Quarry2\nA foreman acquitted last week of taking explosives from Penhale Quarry is to sue his "
        "former employers. Gareth Llewellyn, 52, says Gower Aggregates dismissed him after 40 kilograms of gel "
        "vanished in 1998. His solicitor told reporters at Swansea that the jury had cleared him completely.\n", encoding="utf-8")
    (corpus / "metadata.csv").write_text(
        "path,outlet,date\nwire.txt,Press Association,1999-10-04T15:20\nbrief.txt,Daily Star,1999-10-05\n"
        "council.txt,Harbourside Echo,1999-10-05\n"
        "wire-later.txt,Press Association,1999-10-12T11:00\n", encoding="utf-8")


def _report(corpus: Path, params=None) -> dict:
    result = audit(corpus, AuditOptions(params=params or default_params(), jobs=1))
    return json.loads(json.dumps(build_report(result, params or default_params(), corpus="corpus",
                                              started="", finished="")))


def test_an_audit_traces_a_rewritten_brief_to_the_story_it_condenses(tmp_path):
    corpus = tmp_path / "corpus"
    write_brief_corpus(corpus)
    report = _report(corpus)
    docs = {d["path"]: d for d in report["documents"]}
    brief = docs["brief.txt"]
    assert brief["derivation"] == "wholly_derived" and len(brief["passages"]) == 1
    p = brief["passages"][0]
    assert p["relation"] == "partial" and p["origin"]["document"] == docs["wire.txt"]["id"]
    assert p["origin"]["outlet"] == "Press Association"
    assert not docs["council.txt"]["passages"]
    # the later story tells the same facts: neither its source nor a copy of the brief
    assert all(m["document"] != docs["wire-later.txt"]["id"]
               for c in report["clusters"] for m in c["members"])
    assert report["run"]["stats"]["brief_pairs"] >= 1
    assert report["run"]["parameters"]["align"]["brief_max_words"] == 40


def test_briefs_off_leave_the_brief_without_a_passage(tmp_path):
    corpus = tmp_path / "corpus"
    write_brief_corpus(corpus)
    report = _report(corpus, with_overrides(default_params(), {"align.brief_max_words": "0"}))
    docs = {d["path"]: d for d in report["documents"]}
    assert not docs["brief.txt"]["passages"] and docs["brief.txt"]["derivation"] == "non_derived"
    assert report["run"]["stats"]["brief_pairs"] == 0
