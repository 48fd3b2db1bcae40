"""Rewritten briefs: a short item that condenses another text in words of its own."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.briefs import KEY_MIN_WEIGHT, brief_pairs, brief_span, build_index, key_words, unmatched_briefs
from provenance.dates import parse_date_value
from provenance.params import default_params, with_overrides
from provenance.pipeline import AuditOptions, audit
from provenance.report import build_report
from provenance.rarity import WordWeights
from provenance.rewrite import sentences_of
from provenance.tokens import Tokenizer, normalise_word, word_hash

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


def _span(brief: str, story: str, params=None, weights=None):
    params = params or default_params()
    tb, ts = _tokens(brief), _tokens(story)
    return brief_span(tb, ts, sentences_of(tb, weights), sentences_of(ts, weights), weights, params), tb, ts


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


def _weights(rare: set[str], common: set[str]) -> WordWeights:
    """Names rare (not listed: weight 1), stock words common (0.45)."""
    hashes = sorted(word_hash(normalise_word(w)) for w in common)
    return WordWeights(np.array(hashes, dtype=np.uint64), np.full(len(hashes), 0.45, dtype=np.float32), 1000, 100)


def test_a_text_holding_the_brief_s_stock_words_but_not_its_names_is_not_its_source():
    brief = "Harbour Mill said its board declared a special payment to holders, payable April 30.\n"
    other = "Quayside Foods said its board declared a special payment to holders, payable April 30 as before.\n"
    common = {"said", "board", "declared", "special", "payment", "holders", "payable", "april", "30"}
    # the stock words and the figure are most of the brief's weight: without the rare-word
    # share the other company's notice would be its source
    found, _tb, _ts = _span(brief, other, with_overrides(default_params(), {"align.brief_min_words": "4"}),
                            _weights({"harbour", "mill"}, common))
    assert found is None
    assert _span(brief, brief.replace("Harbour Mill", "Harbour Mill (HML)"),
                 with_overrides(default_params(), {"align.brief_min_words": "4"}),
                 _weights(set(), common))[0] is not None


def test_a_brief_is_not_matched_to_a_text_holding_few_of_its_words():
    assert _span(BRIEF, UNRELATED)[0] is None
    assert _span(BRIEF, STORY, with_overrides(default_params(), {"align.brief_max_words": "10"}))[0] is None


def test_the_key_words_are_the_rarest_that_any_text_reaching_the_share_of_the_rare_ones_must_hold():
    words = np.array([11, 12, 13, 14, 15], dtype=np.uint64)
    weights = np.array([1.0, 0.2, 1.0, 0.9, 0.3], dtype=np.float32)
    keys = key_words(words, weights, 0.6)
    # the rare words weigh 2.9: leaving out 1.0 + 1.0 leaves 0.9, under 0.6 * 2.9 = 1.74;
    # leaving out 1.0 alone leaves 1.9, which could still make it
    assert sorted(keys.tolist()) == [11, 13]
    common = np.array([0.4, 0.4, 0.4], dtype=np.float32)
    assert key_words(np.array([1, 2, 3], dtype=np.uint64), common, 0.6) is None  # every word below KEY_MIN_WEIGHT
    assert KEY_MIN_WEIGHT > 0.4


def test_a_brief_whose_stock_words_alone_could_make_the_share_is_not_indexed():
    words = np.arange(1, 7, dtype=np.uint64)
    # rare 2.0 of 3.8: the stock words (1.8) are under 0.6 of it, so the brief is indexed
    assert key_words(words, np.array([1.0, 1.0, 0.45, 0.45, 0.45, 0.45], dtype=np.float32), 0.6) is not None
    # rare 1.0 of 3.1: the stock words (2.1) are over 0.6 of it: a formula of figures and stock words
    assert key_words(words, np.array([1.0, 0.3, 0.45, 0.45, 0.45, 0.45], dtype=np.float32), 0.6) is None


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


def test_the_index_pairs_a_brief_only_with_texts_holding_the_share_of_its_rare_words_too():
    brief = np.arange(1, 7, dtype=np.uint64)
    weights = np.array([1.0, 1.0, 0.45, 0.45, 0.45, 0.45], dtype=np.float32)
    index = build_index([(7, brief, weights)], 0.6)
    stock = np.array([1, 3, 4, 5, 6], dtype=np.uint64)  # 2.8 of 3.8 in all, but 1.0 of its 2.0 rare
    names = np.array([1, 2, 3, 4], dtype=np.uint64)  # 2.9 of 3.8, and every rare word
    assert brief_pairs(index, [0, 1], [stock, names]) == [(1, 7)]


def test_a_brief_is_matched_only_when_it_has_no_passage_and_the_other_text_is_not_later():
    day = {0: parse_date_value("1999-10-04"), 1: parse_date_value("1999-10-05"), 2: None}
    pairs = [(0, 1), (1, 2)]
    assert unmatched_briefs(pairs, {1}, set(), day.get) == [(1, 0), (1, 2)]
    assert unmatched_briefs(pairs, {1}, {1}, day.get) == []  # the brief has a passage already
    later = {0: parse_date_value("1999-10-06"), 1: parse_date_value("1999-10-05"), 2: None}
    assert unmatched_briefs(pairs, {1}, set(), later.get) == [(1, 2)]  # a later story is no source


def _corpus(root: Path, files: dict[str, str], metadata: str) -> Path:
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "metadata.csv").write_text("path,outlet,date\n" + metadata, encoding="utf-8")
    return root


def write_brief_corpus(corpus: Path) -> None:
    """A wire story, a brief condensing it the next day, an unrelated item, and a later
    wire story that tells the same facts again."""
    later = ("COURTS Quarry2\nA foreman acquitted last week of taking explosives from Penhale Quarry is to sue his "
             "former employers. Gareth Llewellyn, 52, says Gower Aggregates dismissed him after 40 kilograms of gel "
             "vanished in 1998. His solicitor told reporters at Swansea that the jury had cleared him completely.\n")
    _corpus(corpus, {"wire.txt": STORY, "brief.txt": BRIEF, "council.txt": UNRELATED, "wire-later.txt": later},
            "wire.txt,Press Association,1999-10-04T15:20\nbrief.txt,Daily Star,1999-10-05\n"
            "council.txt,Harbourside Echo,1999-10-05\nwire-later.txt,Press Association,1999-10-12T11:00\n")


def _report(corpus: Path, params=None) -> dict:
    result = audit(corpus, AuditOptions(params=params or default_params(), jobs=1))
    return json.loads(json.dumps(build_report(result, params or default_params(), corpus="corpus",
                                              started="", finished="")))


# A story holding every word of a brief, spread over three sentences, and an earlier
# item holding most of them in fewer: the story holds more of the brief and is its source.
ARDLE = ("Fenwick Ardle, 47, of Colbury was fined at Marlow magistrates for poaching salmon "
         "from the Tessing estate.\n")
ARDLE_STORY = ("Fenwick Ardle appeared before Marlow magistrates on Monday morning wearing a borrowed suit and "
               "tie. The bench heard he had been poaching salmon on the Tessing river for several seasons. "
               "Colbury man Ardle, 47, was fined and ordered to pay legal costs to the estate within twenty "
               "eight days.\n")
ARDLE_OTHER = ("Fenwick Ardle, a Colbury gamekeeper aged 47, lost his licence last year after a dispute with "
               "neighbours. Marlow magistrates fined him in 1990 for poaching salmon, the court clerk told "
               "reporters outside yesterday.\n")


def test_of_two_texts_a_brief_condenses_the_one_holding_more_of_its_words(tmp_path):
    corpus = _corpus(tmp_path / "corpus", {"story.txt": ARDLE_STORY, "other.txt": ARDLE_OTHER, "brief.txt": ARDLE},
                     "story.txt,Press Association,1999-03-01\nother.txt,Colbury Gazette,1999-03-02\n"
                     "brief.txt,Daily Star,1999-03-05\n")
    report = _report(corpus)
    docs = {d["path"]: d for d in report["documents"]}
    [p] = docs["brief.txt"]["passages"]
    assert p["source"]["document"] == docs["story.txt"]["id"]


def test_a_brief_condenses_a_text_published_before_it_rather_than_one_of_its_own_day(tmp_path):
    # the paper of the brief's day holds more of its words, but may be a sibling telling the
    # same story; the agency story of the day before is what it condenses
    corpus = _corpus(tmp_path / "corpus", {"story.txt": ARDLE_STORY, "other.txt": ARDLE_OTHER, "brief.txt": ARDLE},
                     "story.txt,Colbury Gazette,1999-03-05\nother.txt,Press Association,1999-03-04T16:00\n"
                     "brief.txt,Daily Star,1999-03-05\n")
    docs = {d["path"]: d for d in _report(corpus)["documents"]}
    [p] = docs["brief.txt"]["passages"]
    assert p["source"]["document"] == p["origin"]["document"] == docs["other.txt"]["id"]


def test_two_briefs_of_one_story_share_one_passage_pair(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Tarquin Oduya sailed from Velmont harbour on the trawler Maribelle. The lifeboat crew faced a Thursday "
        "gale after an engine failure. A coastguard helicopter flew to Brackwater hospital with minor injuries.\n",
        encoding="utf-8")
    (corpus / "b.txt").write_text(
        "Tarquin Oduya thanked the lifeboat crew and the coastguard helicopter. Velmont harbour closed in the "
        "Thursday gale before Brackwater hospital opened. The trawler Maribelle drifted following engine failure "
        "causing minor injuries.\n", encoding="utf-8")
    stats = _report(corpus)["run"]["stats"]
    assert stats["brief_pairs"] == 1 and stats["verified_pairs"] == 1 and stats["shared_spans"] == 1


def test_an_audit_traces_a_rewritten_brief_to_the_story_it_condenses(tmp_path):
    corpus = tmp_path / "corpus"
    write_brief_corpus(corpus)
    report = _report(corpus)
    docs = {d["path"]: d for d in report["documents"]}
    brief = docs["brief.txt"]
    assert brief["derivation"] == "wholly_derived" and len(brief["passages"]) == 1
    p = brief["passages"][0]
    assert p["relation"] == "partial" and p["origin"]["document"] == docs["wire.txt"]["id"]
    assert p["match"] == "rewritten-brief"  # matched by its words, not by a run of them
    [link] = [l for c in report["clusters"] for l in c["chain"] if l["document"] == brief["id"]]
    assert link["match"] == "rewritten-brief"
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


def test_trace_says_a_brief_was_matched_by_its_words(tmp_path):
    from provenance.trace import trace_report

    corpus = tmp_path / "corpus"
    write_brief_corpus(corpus)
    out = trace_report(_report(corpus), "brief.txt")
    line = next(l for l in out.splitlines() if "copied:" in l and "<- this document" in l)
    assert "matched as a rewritten brief" in line and "partial" in line


def test_the_html_export_and_csv_say_a_brief_was_matched_by_its_words(tmp_path):
    from provenance.export.csv import render_csv
    from provenance.export.html import render_html

    corpus = tmp_path / "corpus"
    write_brief_corpus(corpus)
    report = _report(corpus)
    assert "matched as a rewritten brief" in render_html(report, None)
    rows = [r for r in render_csv(report).splitlines() if "brief.txt" in r]
    assert rows and all("rewritten-brief" in r for r in rows)
