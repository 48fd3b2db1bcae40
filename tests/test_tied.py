"""Tied copies: copies of one day that tie for first appearance, traced to the earlier
text they were each rewritten from."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from provenance.dates import parse_date_value
from provenance.model import SpanPair
from provenance.params import default_params, with_overrides
from provenance.pipeline import AuditOptions, audit
from provenance.report import build_report
from provenance.tied import (MIN_COPIES, TiedPassage, best_sources, choose_sources, held_by_copies, may_source,
                             passage_tokens, token_range)
from provenance.tokens import Tokenizer

from test_briefs import STORY, UNRELATED, _corpus

# Two papers of the next day that print the same sentence of their own, which condenses
# the agency story's third and fourth sentences (no run of more than three of its words,
# no sentence of it), each with words of its own around it.
CONDENSED = ("Swansea Crown Court cleared quarry foreman Gareth Llewellyn, 52, who was accused over 40 kilograms "
             "of gel explosive that vanished at Penhale Quarry during 1998.\n")
PAPER_A = "Foreman cleared\n" + CONDENSED + "He said afterwards that he only wanted to go back to work.\n"
PAPER_B = ("Explosives case\n" + CONDENSED
           + "Friends and family applauded in the public gallery as the verdicts were read.\n")


def _report(corpus: Path, params=None) -> dict:
    params = params or default_params()
    result = audit(corpus, AuditOptions(params=params, jobs=1))
    return json.loads(json.dumps(build_report(result, params, corpus="corpus", started="", finished="")))


def write_tied_corpus(corpus: Path, wire_date: str = "1999-10-04T15:20", wire_outlet: str = "Press Association") -> Path:
    return _corpus(corpus, {"wire.txt": STORY, "a.txt": PAPER_A, "b.txt": PAPER_B, "council.txt": UNRELATED},
                   f"wire.txt,{wire_outlet},{wire_date}\na.txt,Daily Star,1999-10-05\n"
                   "b.txt,Daily Mirror,1999-10-05\ncouncil.txt,Harbourside Echo,1999-10-05\n")


def _cluster_of(report: dict, path: str) -> dict:
    docs = {d["path"]: d for d in report["documents"]}
    [p] = docs[path]["passages"]
    return next(c for c in report["clusters"] if c["id"] == p["cluster"])


def _source_window(report: dict) -> bool:
    """Whether the story has a passage (the copies share none with it otherwise)."""
    return any(m["path"] == "wire.txt" for c in report["clusters"] for m in c["members"])


def test_tied_copies_are_traced_to_the_earlier_story_they_rewrite(tmp_path):
    report = _report(write_tied_corpus(tmp_path / "corpus"))
    docs = {d["path"]: d for d in report["documents"]}
    cluster = _cluster_of(report, "a.txt")
    assert {m["path"] for m in cluster["members"]} == {"a.txt", "b.txt", "wire.txt"}
    assert cluster["origin"]["document"] == docs["wire.txt"]["id"]
    assert cluster["origin"]["rule"] == "earliest-date" and cluster["origin"]["outlet"] == "Press Association"
    for path in ("a.txt", "b.txt"):
        [p] = docs[path]["passages"]
        assert p["origin"]["document"] == docs["wire.txt"]["id"] and docs[path]["reused_fraction"] > 0
    # the story's passage is the sentences the copies condense (the court, the figures
    # 40, 1998 and 52: its second to fourth), not the whole story
    [w] = docs["wire.txt"]["passages"]
    assert STORY[w["start"]:w["end"]].startswith("Gareth Llewellyn wept")
    assert STORY[w["start"]:w["end"]].endswith("the next morning.")
    assert not docs["council.txt"]["passages"]
    assert report["run"]["stats"]["tie_source_pairs"] >= 2
    assert report["run"]["parameters"]["cluster"]["tie_source_max_words"] == 40
    # how each copy was matched with its source says so
    matches = {report_doc: link["match"] for link in cluster["chain"]
               for report_doc in [next(p for p, d in docs.items() if d["id"] == link["document"])]}
    assert "rewritten-tie" in matches.values() and set(matches) == {"a.txt", "b.txt"}
    assert all(m in ("rewritten-tie", "alignment") for m in matches.values())


def test_without_the_stage_the_copies_tie(tmp_path):
    params = with_overrides(default_params(), {"cluster.tie_source_max_words": "0"})
    report = _report(write_tied_corpus(tmp_path / "corpus"), params)
    cluster = _cluster_of(report, "a.txt")
    assert {m["path"] for m in cluster["members"]} == {"a.txt", "b.txt"}
    assert cluster["origin"]["status"] == "undetermined" and "tie" in cluster["origin"]["reason"]
    assert not _source_window(report)
    assert report["run"]["stats"]["tie_source_pairs"] == 0


def test_a_story_of_the_copies_own_day_does_not_break_their_tie(tmp_path):
    # a paper's story of the same day may be a sibling, not the source
    report = _report(write_tied_corpus(tmp_path / "corpus", wire_date="1999-10-05", wire_outlet="Swansea Post"))
    cluster = _cluster_of(report, "a.txt")
    assert cluster["origin"]["status"] == "undetermined" and "tie" in cluster["origin"]["reason"]
    assert not _source_window(report)


def test_a_wire_story_of_the_copies_own_day_is_their_source(tmp_path):
    report = _report(write_tied_corpus(tmp_path / "corpus", wire_date="1999-10-05"))
    docs = {d["path"]: d for d in report["documents"]}
    cluster = _cluster_of(report, "a.txt")
    assert cluster["origin"]["document"] == docs["wire.txt"]["id"]
    assert cluster["origin"]["rule"] == "earliest-date-wire-tiebreak"


def test_a_later_story_is_never_the_source(tmp_path):
    report = _report(write_tied_corpus(tmp_path / "corpus", wire_date="1999-10-12T11:00"))
    cluster = _cluster_of(report, "a.txt")
    assert cluster["origin"]["status"] == "undetermined" and "tie" in cluster["origin"]["reason"]
    assert not _source_window(report)


def test_may_source_asks_for_a_text_before_every_tied_copy():
    day = parse_date_value("1999-10-05")
    dates = {0: day, 1: parse_date_value("1999-10-06"), 2: parse_date_value("1999-10-04T15:20"),
             3: parse_date_value("1999-10-05T09:00"), 4: None}
    wire = {3}
    p = TiedPassage(doc=0, start=0, end=10, tied=(0, 1), members=frozenset({0, 1}))
    allowed = may_source(dates.get, wire.__contains__)
    assert allowed(p, 2)  # before both
    assert allowed(p, 3)  # a wire's story of the first copy's day: not after either
    assert not allowed(p, 4)  # undated: cannot break a tie
    dates[5], dates[6], dates[7] = (parse_date_value("1999-10"), parse_date_value("1999"),
                                    parse_date_value("1999-10-05T23:30+09:00"))
    wire.update({5, 6, 7})
    assert not allowed(p, 5) and not allowed(p, 6)  # a wire of that month or year may be weeks later
    assert allowed(p, 7)  # its own calendar day is theirs
    wire.clear()
    assert not may_source(dates.get, wire.__contains__)(p, 3)  # the same day's story, from a paper


def test_a_source_must_hold_the_passages_of_two_tied_copies():
    def span(a, b):
        return SpanPair(a=a, a_start=0, a_end=10, b=b, b_start=0, b_end=10, similarity=0.5, verbatim=False, tokens=5)

    passages = [TiedPassage(0, 0, 5, (0, 1), frozenset({0, 1}), cluster=0),
                TiedPassage(1, 0, 5, (0, 1), frozenset({0, 1}), cluster=0),
                TiedPassage(0, 9, 15, (0, 1), frozenset({0, 1}), cluster=0)]
    matches = [(0, 7, 0.8, span(0, 7)), (1, 7, 0.7, span(1, 7)), (0, 8, 0.9, span(0, 8)), (2, 8, 0.9, span(0, 8))]
    kept = held_by_copies(matches, passages)
    assert MIN_COPIES == 2
    # 7 holds a passage of each tied copy; 8 holds two passages of copy 0 only
    assert [(k, d) for k, d, _s, _sp in kept] == [(0, 7), (1, 7)]


def test_best_sources_takes_the_highest_share_then_the_earliest():
    def span(a, b, start=0):
        return SpanPair(a=a, a_start=start, a_end=10, b=b, b_start=0, b_end=10, similarity=0.5, verbatim=False,
                        tokens=5)

    dates = {5: parse_date_value("1999-10-01"), 6: parse_date_value("1999-10-03"), 7: parse_date_value("1999-10-04")}
    matches = [(0, 5, 0.7, span(0, 5)), (0, 6, 0.7, span(0, 6)), (0, 7, 0.6, span(0, 7))]
    assert [(m[3].a, m[3].b) for m in best_sources(matches, dates.get)] == [(0, 5)]
    # the highest share first, even over an earlier text
    matches = [(0, 5, 0.6, span(0, 5)), (0, 7, 0.7, span(0, 7))]
    assert [(m[3].a, m[3].b) for m in best_sources(matches, dates.get)] == [(0, 7)]


def test_each_copy_s_best_source_must_still_hold_two_copies():
    # copy 0 is best matched by text 7, copy 1 by text 8: each would join through one copy
    def span(a, b):
        return SpanPair(a=a, a_start=0, a_end=10, b=b, b_start=0, b_end=10, similarity=0.5, verbatim=False, tokens=5)

    passages = [TiedPassage(0, 0, 5, (0, 1), frozenset({0, 1}), cluster=0),
                TiedPassage(1, 0, 5, (0, 1), frozenset({0, 1}), cluster=0)]
    dates = {7: parse_date_value("1999-10-01"), 8: parse_date_value("1999-10-01")}
    split = [(0, 7, 0.9, span(0, 7)), (0, 8, 0.8, span(0, 8)), (1, 7, 0.7, span(1, 7)), (1, 8, 0.8, span(1, 8))]
    assert choose_sources(split, passages, dates.get) == []
    agreed = [(0, 7, 0.9, span(0, 7)), (0, 8, 0.8, span(0, 8)), (1, 7, 0.9, span(1, 7)), (1, 8, 0.8, span(1, 8))]
    assert [(s.a, s.b) for s in choose_sources(agreed, passages, dates.get)] == [(0, 7), (1, 7)]


def test_a_passage_is_a_text_of_its_own():
    text = "First sentence here. Second one, with 40 kilograms. Third sentence follows now."
    t = Tokenizer()(text).of(text)
    lo, hi = token_range(t, text.index("Second"), text.index("now") + 3)
    p = passage_tokens(t, lo, hi)
    assert len(p) == hi - lo and p.sentences.tolist() == [0, 5]
    starts, ends = p.bounds()
    assert text[starts[0]:ends[-1]] == "Second one, with 40 kilograms. Third sentence follows now"
    assert np.array_equal(p.hashes, t.hashes[lo:hi])


def add_older_report(corpus: Path) -> Path:
    """An older report the wire story took one sentence from: a sentence the copies'
    source window holds."""
    old = ("Quarry inspectors visited Penhale last winter after complaints from neighbours.\n"
           "The prosecution had said that 40 kilograms of blasting gel went missing from Penhale Quarry in March 1998.\n"
           "The quarry's owners promised a full report before the spring.\n")
    (corpus / "old.txt").write_text(old, encoding="utf-8")
    with open(corpus / "metadata.csv", "a", encoding="utf-8") as fh:
        fh.write("old.txt,Neath Guardian,1999-09-01\n")
    return corpus


def test_a_source_that_holds_another_cluster_s_older_text_does_not_join_it(tmp_path):
    # joining would make the wire story the origin of the older report's text
    report = _report(add_older_report(write_tied_corpus(tmp_path / "corpus")))
    docs = {d["path"]: d for d in report["documents"]}
    [o] = docs["old.txt"]["passages"]
    older = next(c for c in report["clusters"] if c["id"] == o["cluster"])
    assert older["origin"]["document"] == docs["old.txt"]["id"]
    assert {m["path"] for m in older["members"]} == {"old.txt", "wire.txt"}
    assert docs["old.txt"]["derivation"] == "non_derived"
    # the tie stays: undetermined beats a source that would rewrite another cluster's origin
    assert _cluster_of(report, "a.txt")["origin"]["status"] == "undetermined"


def test_a_source_numbered_before_the_copies_is_matched_at_the_right_offsets(tmp_path):
    corpus = write_tied_corpus(tmp_path / "corpus")
    (corpus / "wire.txt").rename(corpus / "0-wire.txt")  # the source is now the lower document
    meta = (corpus / "metadata.csv").read_text(encoding="utf-8").replace("wire.txt", "0-wire.txt")
    (corpus / "metadata.csv").write_text(meta, encoding="utf-8")
    report = _report(corpus)
    docs = {d["path"]: d for d in report["documents"]}
    [p] = docs["a.txt"]["passages"]
    assert PAPER_A[p["start"]:p["end"]].strip() == CONDENSED.strip()
    assert p["origin"]["document"] == docs["0-wire.txt"]["id"]
    [w] = docs["0-wire.txt"]["passages"]
    assert STORY[w["start"]:w["end"]].startswith("Gareth Llewellyn wept")


def test_a_member_of_the_cluster_is_never_proposed_as_its_source():
    from provenance.tied import index_passages, is_passage, source_pairs

    words = np.array(sorted(range(100, 112)), dtype=np.uint64)
    passage = TiedPassage(0, 0, 12, (0, 1), frozenset({0, 1, 2}), cluster=0)
    index = index_passages([passage], [words], None, default_params())
    holder = {2: words, 3: words}  # document 2 is a member (too short to be the origin), 3 is not
    pairs = source_pairs(index, [passage], [[2, 3]], holder.__getitem__, lambda p, d: True)
    assert pairs == [(0, 3)]
    params = default_params()
    assert is_passage(params.tie_source_max_words, params) and not is_passage(params.tie_source_max_words + 1, params)
    assert not is_passage(params.brief_min_words - 1, params)


def write_quoted_corpus(corpus: Path) -> Path:
    """The tied corpus with the story's sentences quoted, and paper A's passage too."""
    quoted_story = STORY.replace("Gareth Llewellyn wept", 'The judge said: "Gareth Llewellyn wept').replace(
        "the next morning.", 'the next morning."')
    write_tied_corpus(corpus)
    (corpus / "wire.txt").write_text(quoted_story, encoding="utf-8")
    (corpus / "a.txt").write_text(PAPER_A.replace(CONDENSED, '"' + CONDENSED.strip() + '"\n'), encoding="utf-8")
    return corpus


def test_a_source_that_only_quotes_what_a_copy_quotes_is_not_its_source(tmp_path):
    # paper A prints the sentence as a quotation, and the story quotes the same words:
    # between those two it is one speaker quoted twice (the quotation screen), so the
    # story holds the passage of one copy only, and cannot be the text both drew on
    corpus = write_quoted_corpus(tmp_path / "corpus")
    report = _report(corpus)
    cluster = _cluster_of(report, "a.txt")
    assert {m["path"] for m in cluster["members"]} == {"a.txt", "b.txt"}
    assert cluster["origin"]["status"] == "undetermined" and "tie" in cluster["origin"]["reason"]
    assert report["run"]["stats"]["tie_source_pairs"] >= 2  # both were proposed, and verified
    assert report["run"]["stats"]["quotation_spans"] == 1  # the span set aside is counted
    # unquoted, the same story is the source (the screen is what sets it aside)
    (corpus / "a.txt").write_text(PAPER_A, encoding="utf-8")
    report = _report(corpus)
    docs = {d["path"]: d for d in report["documents"]}
    assert _cluster_of(report, "a.txt")["origin"]["document"] == docs["wire.txt"]["id"]
    assert report["run"]["stats"]["quotation_spans"] == 0


def test_only_the_tied_members_passages_are_matched_each_once():
    from provenance.model import Cluster, Member, Origin
    from provenance.pipeline import tied_passages

    texts = [PAPER_A, PAPER_B, PAPER_B.replace("Explosives case", "Late edition")]
    tokens = [Tokenizer()(t).of(t) for t in texts]
    undetermined = Origin(None, None, None, False, "undetermined", "low", "tie")

    def member(d: int) -> Member:
        return Member(d, texts[d].index(CONDENSED), texts[d].index(CONDENSED) + len(CONDENSED), 0.9, False)

    # documents 0 and 1 tie; 2 is a later copy: its passage is not a tied copy's
    first = Cluster("c1", (member(0), member(1), member(2)), undetermined, tied=(0, 1))
    passages, words = tied_passages([first], tokens, default_params())
    assert [p.doc for p in passages] == [0, 1] and len(words) == 2
    assert all(p.tied == (0, 1) and p.members == frozenset({0, 1, 2}) and p.cluster == 0 for p in passages)
    lo, hi = token_range(tokens[0], member(0).start, member(0).end)
    assert (passages[0].start, passages[0].end) == (lo, hi)
    # a passage two tied clusters hold is matched once, for the first
    second = Cluster("c2", (member(0), member(2)), undetermined, tied=(0, 2))
    passages, _words = tied_passages([first, second], tokens, default_params())
    assert [(p.doc, p.cluster) for p in passages] == [(0, 0), (1, 0), (2, 1)]


def test_clusters_no_source_touches_are_not_decided_again(tmp_path, monkeypatch):
    import provenance.pipeline as pipeline

    corpus = write_tied_corpus(tmp_path / "corpus")
    (corpus / "council-copy.txt").write_text(UNRELATED, encoding="utf-8")
    with open(corpus / "metadata.csv", "a", encoding="utf-8") as fh:
        fh.write("council-copy.txt,Coast Weekly,1999-10-07\n")
    council = sorted(p.name for p in corpus.glob("*.txt")).index("council.txt")
    decided = []
    choose = pipeline.choose_origin
    monkeypatch.setattr(pipeline, "choose_origin", lambda ctx: decided.append(ctx.cluster) or choose(ctx))
    report = _report(corpus)
    docs = {d["path"]: d for d in report["documents"]}
    assert _cluster_of(report, "a.txt")["origin"]["document"] == docs["wire.txt"]["id"]  # decided twice
    assert _cluster_of(report, "council-copy.txt")["origin"]["document"] == docs["council.txt"]["id"]
    # the council cluster, the same in both passes, was settled once
    assert sum(any(m.doc == council for m in rc.members) for rc in decided) == 1
    # and settling every cluster again gives the same report
    decide = pipeline.decide_origins
    decided.clear()
    monkeypatch.setattr(pipeline, "decide_origins", lambda raw, ctx, memo=None: decide(raw, ctx))
    again = _report(corpus)
    assert again["documents"] == report["documents"] and again["clusters"] == report["clusters"]
    assert sum(any(m.doc == council for m in rc.members) for rc in decided) == 2
