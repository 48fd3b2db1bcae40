"""Rewritten copies: sentence boundaries, content-word candidates, sentence matching."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from provenance.align import align_tokens
from provenance.candidates import band_parameters, content_words, pairs_from_keys, window_keys
from provenance.cluster import build_clusters
from provenance.errors import ConfigError
from provenance.model import SpanPair
from provenance.params import REWRITES, default_params, with_overrides
from provenance.rarity import weights_from_counts
from provenance.pipeline import AuditOptions, audit
from provenance.report import build_report
from provenance.rewrite import sentence_pairs, sentences_of, stopword_hashes
from provenance.tokens import Tokenizer, word_hash

WIRE = (
    "A retired engineer who swindled elderly neighbours out of £240,000 was jailed for six years at Leeds "
    "Crown Court on Tuesday. Harold Pemberton, 67, of Headingley, persuaded eleven pensioners to invest their "
    "savings in a fictitious solar farm near Harrogate. Judge Margaret Ellison told him his victims had lost "
    "their life savings to his greed. Detectives found the money had paid for a villa in Portugal and two "
    "luxury cars. Pemberton admitted fourteen counts of fraud at an earlier hearing.\n"
)
PAPER = (
    "Pensioner fraudster Harold Pemberton was jailed for six years yesterday after swindling elderly neighbours "
    "out of £240,000. The retired engineer, 67, from Headingley, talked eleven pensioners into investing savings "
    "in a fictitious solar farm outside Harrogate, Leeds Crown Court heard. Judge Margaret Ellison said the "
    "victims had lost life savings because of his greed. Police detectives discovered the money paid for a "
    "Portugal villa and two luxury cars. He had admitted fourteen fraud counts at a previous hearing.\n"
)
LOCAL = (
    "Residents of Headingley said they were relieved after a local man was sent to prison for fraud. Neighbours "
    "described him as charming and generous at church events. One woman, who asked not to be named, said she had "
    "trusted him for twenty years. The council has promised to review how it warns older residents about "
    "investment scams, and police urged anyone with information to come forward.\n"
)


def test_sentences_split_on_end_punctuation_and_paragraphs_not_abbreviations():
    t = Tokenizer()('Mr. Smith went to Washington. He said "no". Then 3 men left!\n\nNext para here. '
                    "and lower. See No. 10 now.")
    words = ["Mr", "He", "Then", "Next", "See"]
    starts = t.sentences.tolist()
    assert len(starts) == len(words)
    text_words = [w for w in 'Mr Smith went to Washington He said no Then 3 men left Next para here and lower See No 10 now'.split()]
    assert [text_words[i] for i in starts] == words


def test_headline_and_byline_lines_are_sentences_of_their_own():
    # Wire copy: no full stop after the headline or the byline, and lines wrapped mid-sentence.
    text = ("  16:54 01/03/99: Page 1 COURTS Driver\nDRIVER CLEARED OVER `FATAL' CRASH<\n"
            "By Jane Smith, Wire News<\nA lorry driver was cleared today of causing\n"
            "death by careless driving. The jury took an hour.<\n")
    t = Tokenizer()(text)
    starts, ends = t.bounds()
    assert [text[starts[i]:ends[i]] for i in t.sentences] == ["16", "DRIVER", "By", "A", "The"]
    # Wrapped lines in mixed case, and "by" starting a line inside a sentence, are not headings.
    text = "Mr Smith told THE COURT\nthat he was, By All Accounts,\nBy Far the most innocent.\n"
    t = Tokenizer()(text)
    assert t.sentences.tolist() == [0]


def test_stopwords_are_function_words_only():
    stop = set(stopword_hashes().tolist())
    assert word_hash("the") in stop and word_hash("said") in stop
    assert word_hash("jailed") not in stop and word_hash("court") not in stop


def test_rewritten_sentence_matches_its_source_and_an_unrelated_one_does_not():
    tk = Tokenizer()
    a = sentences_of(tk("Judge Margaret Ellison told him his victims had lost their life savings to his greed. "
                        "The weather was fine."))
    b = sentences_of(tk("The sun shone all day. Judge Margaret Ellison said the victims had lost life savings "
                        "because of his greed."))
    assert sentence_pairs(a, b, 4, 0.6) == [(0, 1)]
    assert sentence_pairs(a, b, 0, 0.6) == []  # 0 turns sentence matching off
    assert sentence_pairs(a, b, 12, 0.6) == []  # they share fewer content words than that


def _filler_texts() -> tuple[str, str]:
    """The same content words in the same order, with different function words between
    every pair: no run of three words is shared, every content word is."""
    content = ("pemberton engineer swindled neighbours jailed leeds crown court tuesday pensioners savings "
               "fictitious solar farm harrogate judge ellison victims greed detectives villa portugal luxury "
               "cars fourteen counts fraud hearing").split()
    a = " ".join(f"{w} of the" for w in content)
    b = " ".join(f"{w} to a" for w in content)
    return a, b


def test_a_rewritten_sentence_alone_is_not_a_copy_but_counts_beside_more_shared_text():
    params = with_overrides(default_params(), REWRITES)
    tk = Tokenizer()
    # One sentence, rewritten: the same content words, no run of three words in common.
    pairs = [("pemberton", "engineer"), ("swindled", "neighbours"), ("jailed", "leeds"), ("crown", "court"),
             ("tuesday", "pensioners"), ("savings", "fictitious")]
    wire_first = " and ".join(f"{x} {y}" for x, y in pairs).capitalize() + "."
    paper_first = " or ".join(f"{x} {y}" for x, y in pairs).capitalize() + "."
    own_a = " ".join(f"alpha{i}" for i in range(30)).capitalize() + "."
    own_b = " ".join(f"beta{i}" for i in range(30)).capitalize() + "."
    alone = align_tokens(tk(f"{own_a} {wire_first}"), tk(f"{own_b} {paper_first}"), params)
    assert alone == []  # one rewritten sentence in common, and nothing else
    every = with_overrides(params, {"align.pair_min_tokens": "0", "align.sentence_min_relatedness": "0"})
    [span] = align_tokens(tk(f"{own_a} {wire_first}"), tk(f"{own_b} {paper_first}"), every)
    assert (span.a_start, span.b_start) == (30, 30)  # the whole sentence on both sides
    # Two texts that share only this sentence do not tell one story (12 of the
    # shorter one's 42 content words): its rewrite is not looked for at all.
    unrelated = with_overrides(params, {"align.pair_min_tokens": "0"})
    assert align_tokens(tk(f"{own_a} {wire_first}"), tk(f"{own_b} {paper_first}"), unrelated) == []
    short_a = " ".join(f"alpha{i}" for i in range(20)).capitalize() + "."
    short_b = " ".join(f"beta{i}" for i in range(20)).capitalize() + "."
    [span] = align_tokens(tk(f"{short_a} {wire_first}"), tk(f"{short_b} {paper_first}"), unrelated)
    assert span.a_start == 20  # with 12 of 32 (0.375), they do
    # The same sentence where the texts also share a verbatim paragraph: both count.
    shared = LOCAL.strip()
    both = align_tokens(tk(f"{wire_first} {own_a} {shared}"), tk(f"{paper_first} {own_b} {shared}"), params)
    assert len(both) == 2 and both[0].a_start == 0 and both[0].b_start == 0


def test_content_word_windows_propose_a_rewrite_that_word_windows_miss():
    tk = Tokenizer()
    a, b = _filler_texts()
    tokens = [tk(a), tk(b)]
    lead = default_params()  # content-word windows over each text's lead: all of these
    off = with_overrides(lead, {"fingerprint.rewrite_window_words": "0"})
    whole = with_overrides(lead, REWRITES)
    for params, expected in ((lead, 1), (whole, 1), (off, 0)):
        keys, owners = window_keys(tokens, params)
        assert list(owners) == sorted(owners)  # grouped by document, as the index expects
        assert len(pairs_from_keys(keys, owners, band_parameters(params)[0])) == expected
    assert len(content_words(tokens[0])) == 28


def test_content_words_with_a_limit_are_a_prefix_of_all_of_them():
    """The lead windows read at least the first ``limit`` content words, the same ones."""
    tk = Tokenizer()
    dense = " ".join(f"Word{i}" for i in range(400))  # no function words: the prefix is enough
    sparse = " ".join(f"the of and to a in Word{i}" for i in range(40))  # 40 content words in 280
    for text in (dense, sparse, *_filler_texts()):
        tokens = tk(text)
        every = content_words(tokens)
        for limit in (1, 10, 60, 500):
            some = content_words(tokens, limit)
            n = len(some.hashes)
            assert n >= min(limit, len(every.hashes))
            assert list(some.hashes) == list(every.hashes[:n])
            assert list(some.bounds()[0]) == list(every.bounds()[0][:n])
    assert len(content_words(tk(dense), 60).hashes) == 180  # 3 x 60 words read, not 400
    assert len(content_words(tk(sparse), 60).hashes) == 40  # too few in 180 words: all are read


def test_a_rewrite_past_the_lead_is_proposed_only_with_windows_over_the_whole_text():
    tk = Tokenizer()
    a, b = _filler_texts()
    # Each text opens with 70 content words of its own: the rewrite starts past the lead.
    own_a = " ".join(f"alpha{i}" for i in range(70))
    own_b = " ".join(f"beta{i}" for i in range(70))
    tokens = [tk(f"{own_a} {a}"), tk(f"{own_b} {b}")]
    for params, expected in ((default_params(), 0), (with_overrides(default_params(), REWRITES), 1),
                             (with_overrides(default_params(), {"fingerprint.rewrite_lead_words": "100"}), 1)):
        keys, owners = window_keys(tokens, params)
        assert len(pairs_from_keys(keys, owners, band_parameters(params)[0])) == expected


def _write_corpus(root: Path) -> Path:
    root.mkdir()
    (root / "wire.txt").write_text(WIRE, encoding="utf-8")
    (root / "paper.txt").write_text(PAPER, encoding="utf-8")
    (root / "local.txt").write_text(LOCAL, encoding="utf-8")
    (root / "metadata.csv").write_text(
        "path,outlet,date\nwire.txt,Press Association,2000-03-01T16:54\n"
        "paper.txt,The Times,2000-03-02\nlocal.txt,Yorkshire Evening Post,2000-03-02\n", encoding="utf-8")
    return root


def _report(root: Path, **overrides: str) -> dict:
    params = with_overrides(default_params(), {**REWRITES, **overrides})
    result = audit(root, AuditOptions(params=params, jobs=1))
    return json.loads(json.dumps(build_report(result, params, corpus="c", started="s", finished="f")))


def test_rewritten_newspaper_copy_is_traced_to_the_wire(tmp_path):
    report = _report(_write_corpus(tmp_path / "c"))
    docs = {d["path"]: d for d in report["documents"]}
    paper, wire = docs["paper.txt"], docs["wire.txt"]
    assert paper["derivation"] == "wholly_derived"
    # The rewritten lead and the rewritten body: every passage traced to the wire.
    assert paper["passages"] and all(p["origin"]["document"] == wire["id"] for p in paper["passages"])
    assert any(p["relation"] == "partial" and 0.5 <= p["similarity"] < 0.8 for p in paper["passages"])
    assert docs["local.txt"]["passages"] == [] and docs["local.txt"]["derivation"] == "non_derived"
    # Without sentence matching only the run of exact words is found: a smaller share.
    exact_only = _report(tmp_path / "c", **{"align.sentence_min_words": "0"})
    paper0 = {d["path"]: d for d in exact_only["documents"]}["paper.txt"]
    assert paper0["derivation"] == "partially_derived"
    assert paper0["reused_fraction"] < paper["reused_fraction"]


def test_verbatim_copy_stays_verbatim_when_a_headline_resembles_its_lead(tmp_path):
    root = tmp_path / "v"
    root.mkdir()
    body = WIRE.strip()
    (root / "a.txt").write_text("Engineer jailed for swindling elderly neighbours\n\n" + body + "\n", encoding="utf-8")
    (root / "b.txt").write_text(body + "\n", encoding="utf-8")
    report = _report(root)
    for d in report["documents"]:
        [p] = d["passages"]
        assert p["relation"] == "verbatim"


def _pair(a, a0, a1, b, b0, b1):
    return SpanPair(a=a, a_start=a0, a_end=a1, b=b, b_start=b0, b_end=b1, similarity=1.0, verbatim=True, tokens=50)


def test_longer_side_overlap_keeps_an_excerpt_apart_from_a_whole_copy():
    # Document 0 holds a 1,000-character text; 1 copies all of it, 2 copies its first 200.
    pairs = [_pair(0, 0, 1000, 1, 0, 1000), _pair(0, 0, 200, 2, 0, 200)]
    assert len(build_clusters(pairs, 0.5)) == 1
    assert len(build_clusters(pairs, 0.5, 0.33)) == 2


@pytest.mark.parametrize("key,value,ok", [
    ("align.sentence_min_words", "0", True),
    ("fingerprint.rewrite_window_words", "0", True),
    ("fingerprint.rewrite_lead_words", "0", True),
    ("fingerprint.rewrite_lead_words", "-5", False),
    ("align.sentence_min_words", "-1", False),
    ("fingerprint.rewrite_band_rows", "0", False),
    ("align.sentence_min_overlap", "1.5", False),
    ("cluster.merge_overlap_longer", "2", False),
])
def test_rewrite_parameters_are_validated(key, value, ok):
    if ok:
        params = with_overrides(default_params(), {key: value})
        assert getattr(params, key.split(".")[1]) == type(getattr(params, key.split(".")[1]))(value)
    else:
        with pytest.raises(ConfigError):
            with_overrides(default_params(), {key: value})


def test_rewrites_flag_sets_the_rewrite_parameters_and_is_recorded(tmp_path):
    from typer.testing import CliRunner

    from provenance.cli import app

    root = _write_corpus(tmp_path / "c")
    out = tmp_path / "r.json"
    # Rewritten sentences are matched by default, and content-word windows cover each
    # text's lead; --rewrites has them cover the whole text.
    for flags, lead in (([], 60), (["--rewrites"], 0)):
        res = CliRunner().invoke(app, ["audit", str(root), "-o", str(out), "--quiet", *flags])
        assert res.exit_code == 0, res.output
        report = json.loads(out.read_text(encoding="utf-8"))
        assert report["run"]["parameters"]["align"]["sentence_min_words"] == 4
        assert report["run"]["parameters"]["fingerprint"]["rewrite_window_words"] == 20
        assert report["run"]["parameters"]["fingerprint"]["rewrite_lead_words"] == lead
        assert report["run"]["options"]["rewrites"] is bool(flags)
        assert {d["path"]: d for d in report["documents"]}["paper.txt"]["derivation"] == "wholly_derived"
    # An explicit --param wins over --rewrites.
    res = CliRunner().invoke(app, ["audit", str(root), "-o", str(out), "--quiet", "--rewrites",
                                   "--param", "align.sentence_min_words=0"])
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["run"]["parameters"]["align"]["sentence_min_words"] == 0
    assert {d["path"]: d for d in report["documents"]}["paper.txt"]["derivation"] == "partially_derived"


# -- word rarity --------------------------------------------------------------


def _weights(docs, prior):
    """The corpus's word rarity as an audit counts it (function words aside)."""
    from provenance.rarity import corpus_words
    return corpus_words(docs, stopword_hashes(), prior)[0]


def test_rarity_weights_fall_with_document_frequency_and_stay_near_uniform_in_a_tiny_corpus():
    common, rare, once = (np.array([word_hash(w)], dtype=np.uint64) for w in ("court", "pemberton", "villa"))
    docs = [np.concatenate([common, rare]) if i < 3 else common for i in range(1000)] + [once]
    w = _weights(docs, prior=100)
    court, pemberton, villa, unseen = w.of(np.concatenate([common, rare, once,
                                                           np.array([word_hash("nowhere")], dtype=np.uint64)]))
    assert villa == 1.0 and unseen == 1.0  # one document, or none: full weight
    assert _weights([common, common, rare], prior=100).of(common)[0] == 1.0  # two: still full
    assert 0.6 < pemberton < 1.0  # three documents of a thousand: still rare
    assert court < 0.1  # in every document: a stock word
    tiny = _weights([np.concatenate([common, rare]), common, common, common], prior=100)
    assert tiny.of(common)[0] > 0.8  # four documents cannot tell a stock word
    flat = _weights(docs, prior=0)
    assert flat.of(common)[0] == 0.0 and flat.documents == 1001


def test_rarity_weighted_matching_rejects_sentences_sharing_only_stock_words():
    tk = Tokenizer()
    a_text = "A salesman was jailed for life at the court for the murder of a dog breeder."
    b_text = "A shopkeeper was jailed for life at the court for the murder of a boy."
    c_text = "The salesman jailed for murdering the dog breeder was her neighbour, the court heard."
    # A collection of court reports in which "jailed", "life", "yesterday" and "murder" are stock words.
    stock = " ".join(["jailed life yesterday murder court"] * 1)
    others = [tk(stock + f" case{i} witness{i}").hashes for i in range(300)]
    ta, tb, tc = tk(a_text), tk(b_text), tk(c_text)
    weights = _weights([ta.hashes, tb.hashes, tc.hashes, *others], prior=100)
    plain = [sentences_of(t) for t in (ta, tb, tc)]
    weighted = [sentences_of(t, weights) for t in (ta, tb, tc)]
    assert sentence_pairs(plain[0], plain[1], 4, 0.55) == [(0, 0)]  # unweighted: stock words suffice
    assert sentence_pairs(weighted[0], weighted[1], 4, 0.55) == []
    assert sentence_pairs(weighted[0], weighted[2], 4, 0.55) == [(0, 0)]  # names and places shared


def test_rewrites_audit_records_and_applies_the_rarity_prior(tmp_path, monkeypatch):
    import provenance.pipeline as pipeline_module

    root = _write_corpus(tmp_path / "c")
    priors: list[float] = []
    real = pipeline_module.corpus_words

    def spy(hashes, stop, prior, *args, **kwargs):
        priors.append(prior)
        return real(hashes, stop, prior, *args, **kwargs)

    monkeypatch.setattr(pipeline_module, "corpus_words", spy)
    report = _report(root)
    assert report["run"]["parameters"]["align"]["sentence_rarity_prior"] == 100
    assert priors == [100]  # the recorded prior is the one the weights were made with
    # Three documents: every word weighs about the same, so the rewrite is still found.
    paper = {d["path"]: d for d in report["documents"]}["paper.txt"]
    assert paper["derivation"] == "wholly_derived"
    priors.clear()
    assert _report(root, **{"align.sentence_rarity_prior": "7"})["run"]["parameters"]["align"]["sentence_rarity_prior"] == 7
    assert priors == [7]
    # 0: no weights at all (every word weighs the same), and the same result here
    priors.clear()
    assert _report(root, **{"align.sentence_rarity_prior": "0"})["documents"] == report["documents"]
    assert priors == []


def test_words_counted_in_batches_equal_one_count():
    from provenance.rarity import corpus_words
    rng = np.random.default_rng(1)
    docs = [rng.integers(0, 500, size=int(rng.integers(0, 60))).astype(np.uint64) for _ in range(300)]
    whole = np.unique(np.concatenate([np.unique(h) for h in docs if len(h)]), return_counts=True)
    none = np.zeros(0, dtype=np.uint64)  # no function words
    one_batch, one = corpus_words(docs, none, prior=10)
    many_batches, many = corpus_words(docs, none, prior=10, batch_words=50)
    expected = weights_from_counts(whole[0], whole[1], 300, 10)
    for w in (one_batch, many_batches):
        assert w.documents == 300
        assert np.array_equal(w.words, expected.words) and np.array_equal(w.weights, expected.weights)
    assert np.array_equal(one.rows, many.rows) and np.array_equal(one.starts, many.starts)
    assert np.array_equal(one.rarity, many.rarity)


def test_content_words_found_once_give_the_relatedness_found_per_pair():
    """An audit finds every document's content words once, as vocabulary rows; the
    relatedness of two documents must be the same as from their own words."""
    from provenance.align import relatedness, seeds_of
    from provenance.rarity import corpus_words
    from provenance.rewrite import stopword_hashes

    rng = np.random.default_rng(7)
    tk = Tokenizer()
    vocabulary = ["the", "of", "and", "a", "court", "jailed", "pemberton", "villa", "appeal", "judge",
                  "leeds", "crown", "fraud", "nine", "years", "manchester", "witness", "said", "in", "was"]
    texts = [" ".join(rng.choice(vocabulary, size=int(rng.integers(0, 40)))) for _ in range(60)]
    tokens = [tk(t) for t in texts]
    weights, content = corpus_words((t.hashes for t in tokens), stopword_hashes(), prior=10, batch_words=25)
    assert content.starts[-1] == len(content.rows) and len(content.starts) == 61
    own = [seeds_of(t, 3, 4, weights=weights) for t in tokens]
    given = [seeds_of(t, 3, 4, weights=weights, content=content.of(i)) for i, t in enumerate(tokens)]
    stop = set(stopword_hashes().tolist())
    for i in range(60):
        words, w = content.of(i)
        assert len(words) == len({h for h in tokens[i].hashes.tolist() if h not in stop})  # function words out
        assert np.array_equal(w, own[i].content()[1])
    for i in range(60):
        for j in range(i + 1, 60):
            assert relatedness(given[i], given[j]) == relatedness(own[i], own[j])


def _brief_corpus(root: Path, lead_first: bool) -> Path:
    """An agency story and a brief that rewrites two of its sentences: the same names and
    facts, other small words, no run of three words in common.  The sentences open the
    story (its lead), or follow 120 words of its own."""
    s1 = "pemberton engineer swindled neighbours jailed leeds crown court tuesday".split()
    s2 = "pensioners savings fictitious solar farm harrogate judge ellison victims".split()

    def sentence(words: list[str], glue: str) -> str:
        return f" {glue} ".join(words).capitalize() + "."

    rest = " ".join(" ".join(f"gamma{i * 10 + j}" for j in range(10)).capitalize() + "." for i in range(12))
    told = sentence(s1, "of the") + " " + sentence(s2, "of the")
    root.mkdir()
    (root / "wire.txt").write_text(f"{told} {rest}\n" if lead_first else f"{rest} {told}\n", encoding="utf-8")
    (root / "brief.txt").write_text(sentence(s1, "of a") + " " + sentence(s2, "of a") + "\n", encoding="utf-8")
    (root / "metadata.csv").write_text("path,outlet,date\nwire.txt,Press Association,2000-03-01T16:54\n"
                                       "brief.txt,The Times,2000-03-02\n", encoding="utf-8")
    return root


def _audited(root: Path, **overrides: str) -> dict[str, dict]:
    params = with_overrides(default_params(), overrides)
    result = audit(root, AuditOptions(params=params, jobs=1))
    report = json.loads(json.dumps(build_report(result, params, corpus="c", started="s", finished="f")))
    return {d["path"]: d for d in report["documents"]}


def test_a_brief_rewriting_a_story_lead_is_traced_to_it_by_default(tmp_path):
    docs = _audited(_brief_corpus(tmp_path / "lead", lead_first=True))
    brief, wire = docs["brief.txt"], docs["wire.txt"]
    assert brief["derivation"] == "wholly_derived"
    assert brief["passages"] and all(p["origin"]["document"] == wire["id"] for p in brief["passages"])
    # Word windows alone never propose the pair: no run of three words is shared (and
    # briefs, matched as wholes, are off here: they would find it too).
    off = _audited(tmp_path / "lead", **{"fingerprint.rewrite_window_words": "0", "align.brief_max_words": "0"})
    assert off["brief.txt"]["passages"] == [] and off["brief.txt"]["derivation"] == "non_derived"


def test_a_brief_rewriting_text_past_the_lead_needs_whole_text_windows(tmp_path):
    root = _brief_corpus(tmp_path / "later", lead_first=False)
    no_briefs = {"align.brief_max_words": "0"}
    assert _audited(root, **no_briefs)["brief.txt"]["passages"] == []  # the default windows cover the lead only
    docs = _audited(root, **REWRITES, **no_briefs)
    assert docs["brief.txt"]["derivation"] == "wholly_derived"
    assert all(p["origin"]["document"] == docs["wire.txt"]["id"] for p in docs["brief.txt"]["passages"])
    # by default the brief, matched as a whole, finds it anywhere in the story
    docs = _audited(root)
    assert docs["brief.txt"]["derivation"] == "wholly_derived"
    assert [p["origin"]["document"] for p in docs["brief.txt"]["passages"]] == [docs["wire.txt"]["id"]]


def test_a_rewritten_sentence_holding_exact_runs_counts_their_words_once():
    """Its similarity is what the two sentences share, not 1.0: the exact runs inside it
    were counted by both the run and the sentence."""
    from provenance.align import align_tokens
    tk = Tokenizer()
    a = tk("State inspectors are expected to arrive Thursday to decide whether the pier can be "
           "shored up or must be rebuilt, a process that could take more than a year.")
    b = tk("State inspectors arrive Thursday to decide whether to shore up or rebuild the pier, "
           "which could take more than a year.")
    params = with_overrides(default_params(), {"align.pair_min_relatedness": "0", "align.pair_min_tokens": "0"})
    [span] = align_tokens(a, b, params)
    words_a = {h for h in b.hashes.tolist()}
    words_b = {h for h in a.hashes.tolist()}
    # the pieces count an exact run inside the sentence twice, which weighs as evidence ...
    assert span.matched_a > sum(h in words_a for h in a.hashes[span.a_start:span.a_end].tolist())
    # ... but the similarity counts each word once: at most the words of one side found in the other
    assert span.once_a <= sum(h in words_a for h in a.hashes[span.a_start:span.a_end].tolist())
    assert span.once_b <= sum(h in words_b for h in b.hashes[span.b_start:span.b_end].tolist())
    assert 0.5 <= span.similarity < 0.8  # partial, not a near duplicate
