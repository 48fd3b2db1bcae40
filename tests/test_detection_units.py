"""Unit tests of the detection stages: tokens, fingerprints, alignment, clusters."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from datasketch import MinHash

from provenance.align import Seeds, align_tokens, is_verbatim, seed_matches
from provenance.candidates import Fingerprinter, candidate_pairs, _fmix32, _fold32
from provenance.cluster import build_clusters
from provenance.model import SpanPair
from provenance.tokens import Tokenizer, marked_bounds, ngram_hashes, normalise_word, with_marks

WORDS = (
    "the committee heard evidence from seven witnesses about the collapse of the northern bridge "
    "engineers said corrosion had weakened the supports for years before anyone noticed the cracks "
    "residents complained that warnings had been ignored by the council and demanded an inquiry "
    "the minister promised that every bridge in the region would be inspected before the winter "
    "traffic has been diverted through the town centre causing long queues at the morning rush hour"
).split()


def text_of(n: int, offset: int = 0) -> str:
    return " ".join(WORDS[(i + offset) % len(WORDS)] + ("." if i % 17 == 16 else "") for i in range(n))


def unique_text(n: int, salt: str) -> str:
    return " ".join(f"{salt}{i}" for i in range(n))


def test_tokens_have_exact_offsets():
    text = "Reuters’ report: Ünïcode  words\nand new-lines."
    t = Tokenizer()(text)
    words = [text[s:e] for s, e in zip(t.starts, t.ends)]
    assert words == ["Reuters", "report", "Ünïcode", "words", "and", "new", "lines"]
    assert normalise_word("Ünïcode") == "unicode"
    assert normalise_word("Don’t") == "don't"


@pytest.mark.parametrize("text, words, marked", [
    ('He said: "They were not energetic." Then', "They were not energetic", '"They were not energetic."'),
    ("the net interest cost.\n\nUnilever", "the net interest cost", "the net interest cost."),
    ("(as reported by Reuters) and more", "as reported by Reuters", "(as reported by Reuters)"),
    ("“Never,” she said", "Never", "“Never,"[:-1]),           # a comma is not a closing mark
    ("rose 3.5 pct", "rose 3", "rose 3"),                      # a mark glued to a word stays out
    ("the U.S.A team", "the U", "the U"),
    ("end!!!!!", "end", "end!!!"),                              # at most three marks
])
def test_passage_bounds_take_the_marks_attached_to_their_words(text, words, marked):
    start = text.index(words)
    s, e = with_marks(text, start, start + len(words))
    assert text[s:e] == marked


def test_word_bounds_with_marks_are_the_passage_bounds_of_each_word():
    text = 'He said: "They were not energetic." (Reuters) rose 3.5 pct, the U.S.A team.'
    tokens = Tokenizer()(text)
    starts, ends = marked_bounds(tokens.of(text))
    words = [text[s:e] for s, e in zip(starts.tolist(), ends.tolist())]
    assert words == ["He", "said", '"They', "were", "not", 'energetic."', "(Reuters)", "rose", "3", "5",
                     "pct", "the", "U", "S", "A", "team."]
    assert all(with_marks(text, int(s), int(e)) == (a, b) for s, e, a, b
               in zip(*tokens.bounds(), starts.tolist(), ends.tolist()))
    bare = marked_bounds(tokens)  # without the text: the words' own bounds
    assert all((x == y).all() for x, y in zip(bare, tokens.bounds()))


def test_token_hashes_are_stable_and_case_insensitive():
    a = Tokenizer()("Aleppo ALEPPO aleppo")
    assert len(set(a.hashes.tolist())) == 1
    assert Tokenizer()("aleppo").hashes.tolist() == a.hashes[:1].tolist()
    # never Python's salted hash(): processes with other hash seeds give the same values
    import os
    import subprocess
    import sys
    code = "from provenance.tokens import Tokenizer; print(Tokenizer()('Aleppo was shelled').hashes.tolist())"
    here = str(Tokenizer()("Aleppo was shelled").hashes.tolist())
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed})
        assert out.stdout.strip() == here


def test_ngram_hashes_are_order_sensitive():
    h = Tokenizer()("a b c b a").hashes
    g = ngram_hashes(h, 2)
    assert len(g) == 4 and g[0] != g[3]  # "a b" vs "b a"
    assert ngram_hashes(h, 6).size == 0


def test_signatures_equal_datasketch_update_batch(params):
    fp = Fingerprinter(params)
    tokens = Tokenizer()(text_of(120))
    windows = fp.windows(0, tokens)
    sigs = fp.signatures(tokens, windows)
    shingles = _fold32(ngram_hashes(tokens.hashes, params.shingle_size))
    for w, sig in zip(windows, sigs):
        m = MinHash(num_perm=params.num_perm, seed=params.seed, hashfunc=lambda x: x)
        m.update_batch(shingles[w.start : w.end - params.shingle_size + 1].tolist())
        assert np.array_equal(m.hashvalues, sig)
    assert _fmix32(np.array([0], dtype=np.uint32))[0] == 0


def test_windows_cover_the_whole_document(params):
    fp = Fingerprinter(params)
    tokens = Tokenizer()(text_of(107))
    ws = fp.windows(0, tokens)
    assert ws[0].start == 0 and ws[-1].end == 107
    assert all(b.start - a.start <= params.window_stride for a, b in zip(ws, ws[1:]))
    assert fp.windows(0, Tokenizer()("too short")) == []


def test_candidates_find_a_copy_and_skip_unrelated(params):
    docs = [text_of(300), unique_text(80, "x") + " " + text_of(150, 40) + " " + unique_text(80, "y"), unique_text(300, "z")]
    tk = Tokenizer()
    pairs, stats = candidate_pairs([tk(d) for d in docs], params)
    assert (0, 1) in pairs
    assert all(2 not in p for p in pairs)
    assert stats["windows"] > 0


def test_seed_matches_skip_overly_common_ngrams():
    def seeds(grams):
        values, counts = np.unique(grams, return_counts=True)
        return Seeds(grams, values[counts <= 4])

    ga = np.array([1, 1, 1, 1, 1, 2], dtype=np.uint64)
    gb = np.array([1, 2, 3], dtype=np.uint64)
    assert seed_matches(seeds(ga), seeds(gb)) == [(5, 1)]


def test_alignment_verbatim_excerpt_offsets(params):
    tk = Tokenizer()
    src = unique_text(60, "p") + " " + text_of(80) + " " + unique_text(60, "q")
    copy = unique_text(30, "r") + " " + text_of(80) + " " + unique_text(30, "s")
    ta, tb = tk(src), tk(copy)
    spans = align_tokens(ta, tb, params)
    assert len(spans) == 1
    s = spans[0]
    assert (s.a_start, s.a_end, s.b_start, s.b_end) == (60, 140, 30, 110)
    assert s.similarity == 1.0 and is_verbatim(ta, tb, s)
    a_text = src[ta.starts[s.a_start] : ta.ends[s.a_end - 1]]
    b_text = copy[tb.starts[s.b_start] : tb.ends[s.b_end - 1]]
    assert a_text == b_text == text_of(80)


def test_alignment_tolerates_edits_and_reordering(params):
    tk = Tokenizer()
    sentences = re.split(r"(?<=\.) ", text_of(170))
    edited = sentences[:]
    edited[2] = edited[2].replace("bridge", "viaduct", 1).replace("council", "authority", 1)
    edited[4], edited[5] = edited[5], edited[4]
    del edited[7]
    ta, tb = tk(" ".join(sentences)), tk(" ".join(edited))
    spans = align_tokens(ta, tb, params)
    covered = sum(s.a_end - s.a_start for s in spans)
    assert covered >= 0.85 * len(ta)
    assert all(not is_verbatim(ta, tb, s) for s in spans)
    assert all(s.similarity >= params.min_similarity for s in spans)


def test_a_dropped_or_swapped_sentence_keeps_the_copy_one_span(params):
    # sentences of 20 words (more than max_gap): dropping one, or swapping two, skips a
    # block of 20 words on one side while the other side goes straight on
    params = dataclasses.replace(params, sentence_min_words=0)  # exact runs alone: these
    # lower-case words make one sentence, which rewrite matching would take whole
    tk = Tokenizer()
    sentences = [unique_text(20, f"s{k}x") + "." for k in range(10)]
    edited = sentences[:3] + sentences[4:6] + [sentences[7], sentences[6]] + sentences[8:]
    ta, tb = tk(" ".join(sentences)), tk(" ".join(edited))
    assert params.max_gap < 20 <= params.max_skip
    spans = align_tokens(ta, tb, params)
    assert [(s.a_start, s.a_end, s.b_start, s.b_end) for s in spans] == [(0, 200, 0, 180)]
    assert spans[0].matched_a == spans[0].matched_b == 180
    # the runs still say where the sides correspond: the dropped sentence is in none
    assert all(not (60 <= i0 < 80) for i0, _, _, _ in spans[0].anchors)
    off = dataclasses.replace(params, max_skip=0)
    assert len(align_tokens(ta, tb, off)) > 1


def test_a_skipped_block_joins_only_parts_at_least_as_long(params):
    # a copy weaving its own 20 words between runs of its source: between runs of 14
    # words they stay apart (the copy's own text is not reused text); between runs of 30,
    # an added sentence inside a copy, they are one span
    tk = Tokenizer()

    def pair(run: int) -> tuple:
        one, two = unique_text(run, "p"), unique_text(run, "q")
        return tk(f"{one} {two}"), tk(f"{one} {unique_text(20, 'own')} {two}")

    short = align_tokens(*pair(14), params)
    assert [(s.b_start, s.b_end) for s in short] == [(0, 14), (34, 48)]
    long = align_tokens(*pair(30), params)
    assert [(s.a_start, s.a_end, s.b_start, s.b_end) for s in long] == [(0, 60, 0, 80)]


def test_a_paragraph_held_twice_does_not_join_its_copies(params):
    # b holds a's paragraph twice, 50 words of its own between: on a's side the two spans
    # are one and the same, so no block was skipped, and b's own words are not reused
    tk = Tokenizer()
    paragraph = unique_text(60, "p")
    ta, tb = tk(paragraph), tk(f"{paragraph} {unique_text(50, 'own')} {paragraph}")
    spans = align_tokens(ta, tb, params)
    assert [(s.a_start, s.a_end, s.b_start, s.b_end) for s in spans] == [(0, 60, 0, 60), (0, 60, 110, 170)]
    assert all(s.matched_a == s.matched_b == 60 for s in spans)


def test_alignment_anchors_mark_where_an_insertion_shifts_the_diagonal(params):
    tk = Tokenizer()
    src = text_of(70)  # no word repeats
    words = src.split()
    # five words inserted after the 30th: one span across the gap, with the run ends as anchors
    edited = " ".join(words[:30] + [f"new{i}" for i in range(5)] + words[30:])
    [s] = align_tokens(tk(src), tk(edited), params)
    assert (s.a_start, s.a_end, s.b_start, s.b_end) == (0, 70, 0, 75)
    assert s.anchors == ((0, 0, 30, 30), (30, 35, 70, 75))
    # a verbatim excerpt is one run: no anchors inside it
    [v] = align_tokens(tk(unique_text(20, "p") + " " + src), tk(src), params)
    assert v.anchors == ()


def test_anchors_keep_the_heaviest_chain_of_runs_in_order():
    from provenance.align import in_order
    # a stray run (40..50 on a, 0..10 on b) goes back on b: the longer runs decide
    runs = [(0, 0, 30, 30), (40, 0, 50, 10), (30, 35, 70, 75)]
    assert in_order(runs, 0, 70, 0, 75) == [(0, 0, 30, 30), (30, 35, 70, 75)]
    # a moved sentence: the longer of two crossing runs stays
    assert in_order([(0, 50, 40, 90), (50, 0, 60, 10)], 0, 90, 0, 90) == [(0, 50, 40, 90)]
    assert in_order([], 0, 10, 0, 10) == []


def test_verified_pairs_carry_their_anchors_as_character_offsets(params):
    from provenance.pipeline import verify
    tk = Tokenizer()
    src = text_of(70)
    words = src.split()
    edited = " ".join(words[:30] + [f"new{i}" for i in range(5)] + words[30:])
    tokens = [tk(src), tk(edited)]
    [p] = verify([(0, 1)], tokens, params)
    at = src.index(words[30] + " " + words[31])
    # runs as character offsets: the first ends where word 30 of the source starts, less a space
    assert p.anchors == (0, 0, at - 1, at - 1, at, edited.index(words[30] + " " + words[31], edited.index("new4")),
                         len(src), len(edited))


def test_short_shared_quote_is_not_reuse(params):
    tk = Tokenizer()
    quote = "I would certainly like to see demonstrations outside the Russian embassy"
    a = unique_text(50, "a") + " " + quote + " " + unique_text(50, "b")
    b = unique_text(40, "c") + " " + quote + " " + unique_text(40, "d")
    assert align_tokens(tk(a), tk(b), params) == []
    looser = dataclasses.replace(params, min_span_tokens=5)
    assert len(align_tokens(tk(a), tk(b), looser)) == 1


def test_short_runs_count_only_where_the_two_texts_share_enough(params):
    # Runs of 9 words (short of min_span_tokens, at least short_span_tokens), each between
    # 15 words of each text's own (more than max_gap): an edited copy keeps many of them.
    tk = Tokenizer()
    assert params.short_span_tokens <= 9 < params.min_span_tokens and params.pair_min_tokens == 30

    def texts(runs):
        shared = [unique_text(9, f"r{k}x") for k in range(runs)]
        a = " ".join(f"{unique_text(15, f'a{k}x')} {r}" for k, r in enumerate(shared))
        b = " ".join(f"{unique_text(15, f'b{k}x')} {r}" for k, r in enumerate(shared))
        return tk(a), tk(b)

    spans = align_tokens(*texts(4), params)  # 36 words shared in all
    assert [(s.a_start, s.a_end) for s in spans] == [(15 + 24 * k, 24 + 24 * k) for k in range(4)]
    assert all(s.matched_a == s.matched_b == 9 for s in spans)
    assert align_tokens(*texts(3), params) == []  # 27 words: stock phrases, not a copy
    assert align_tokens(*texts(1), params) == []
    off = dataclasses.replace(params, short_span_tokens=params.min_span_tokens)
    assert align_tokens(*texts(4), off) == []
    every = dataclasses.replace(params, pair_min_tokens=0)
    assert len(align_tokens(*texts(1), every)) == 1


def test_a_short_run_counts_where_the_two_documents_tell_the_same_story(params):
    # One 9-word run, short of pair_min_tokens in all: it counts only when the two texts
    # share most of their other words too (a rewritten brief and its wire story).
    params = dataclasses.replace(params, sentence_min_words=0)  # the run alone: rewrite
    # matching would take the brief's one sentence as a rewrite of the story's, as it is
    tk = Tokenizer()
    run = unique_text(9, "r")
    story = [f"name{k}" for k in range(40)]  # the names, places and figures of one story
    rewritten = " ".join(story[k] + " " + f"own{k}" for k in range(40))  # the same words, reworded around
    source = " ".join(story) + " " + run + " " + unique_text(20, "s")
    brief = rewritten + " " + run
    spans = align_tokens(tk(source), tk(brief), params)
    assert [(s.matched_a, s.matched_b) for s in spans] == [(9, 9)]
    unrelated = unique_text(80, "u") + " " + run
    assert align_tokens(tk(source), tk(unrelated), params) == []  # one shared phrase, nothing else
    off = dataclasses.replace(params, pair_min_relatedness=0.0)
    assert align_tokens(tk(source), tk(brief), off) == []
    # a text too short to share pair_min_tokens words is never judged by its story
    assert align_tokens(tk(run + " " + " ".join(story[:5])), tk(source), params) == []


def test_relatedness_is_the_rarity_weighed_share_of_the_shorter_texts_words():
    from provenance.align import relatedness, seeds_of
    from provenance.rarity import WordWeights
    tk = Tokenizer()
    a, b = tk("alpha beta gamma delta"), tk("alpha beta epsilon zeta eta theta")
    assert relatedness(seeds_of(a, 3, 4), seeds_of(b, 3, 4)) == 0.5  # 2 of the shorter's 4 words
    common = np.sort(tk("alpha").hashes)  # alpha is everywhere: it weighs nothing
    weights = WordWeights(common.astype(np.uint64), np.zeros(1, np.float32), 100, 100.0)
    assert relatedness(seeds_of(a, 3, 4, weights=weights), seeds_of(b, 3, 4, weights=weights)) == 1 / 3


def _pair(a, a0, a1, b, b0, b1, sim=1.0):
    return SpanPair(a, a0, a1, b, b0, b1, sim, sim == 1.0, min(a1 - a0, b1 - b0))


def test_clusters_join_copies_of_one_passage():
    pairs = [_pair(0, 0, 100, 1, 10, 110), _pair(1, 12, 110, 2, 0, 98), _pair(0, 0, 100, 2, 0, 100)]
    clusters = build_clusters(pairs, 0.5)
    assert len(clusters) == 1
    assert sorted(m.doc for m in clusters[0].members) == [0, 1, 2]
    member1 = [m for m in clusters[0].members if m.doc == 1][0]
    assert (member1.start, member1.end) == (10, 110)


def test_clusters_resist_chaining_through_disjoint_spans():
    # B holds A's passage at [0,100) and C's at [200,300): two clusters, not one.
    pairs = [_pair(0, 0, 100, 1, 0, 100), _pair(1, 200, 300, 2, 50, 150)]
    clusters = build_clusters(pairs, 0.5)
    assert len(clusters) == 2
    assert [sorted(m.doc for m in c.members) for c in clusters] == [[0, 1], [1, 2]]


def test_clusters_resist_chaining_through_small_overlaps():
    pairs = [_pair(0, 0, 100, 1, 0, 100), _pair(1, 90, 290, 2, 0, 200)]
    clusters = build_clusters(pairs, 0.5)
    assert len(clusters) == 2


def test_cluster_members_do_not_overlap_within_a_document():
    pairs = [_pair(0, 0, 100, 1, 0, 100), _pair(0, 60, 160, 1, 60, 160)]
    clusters = build_clusters(pairs, 0.3)
    assert sorted(m.doc for c in clusters for m in c.members) == [0, 1]  # overlapping spans merged
    for c in clusters:
        spans = sorted((m.doc, m.start, m.end) for m in c.members)
        for x, y in zip(spans, spans[1:]):
            assert x[0] != y[0] or x[2] <= y[1]


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0], [1, 2, 0]])
def test_clusters_do_not_depend_on_pair_order(order):
    pairs = [_pair(0, 0, 100, 1, 10, 110), _pair(1, 200, 300, 2, 0, 100), _pair(0, 300, 400, 2, 300, 400)]
    ref = build_clusters(pairs, 0.5)
    assert build_clusters([pairs[i] for i in order], 0.5) == ref


@pytest.mark.parametrize("threshold", [0.2, 0.3, 0.5])
def test_banding_proposes_exactly_what_datasketch_minhashlsh_proposes(params, threshold):
    from datasketch import MinHashLSH

    p = dataclasses.replace(params, lsh_threshold=threshold, bucket_clique_max=0, min_shared_buckets=1)
    tk = Tokenizer()
    docs = [text_of(200, k * 7) + " " + unique_text(60, f"u{k}") for k in range(6)]
    docs += [unique_text(50, "x") + " " + text_of(90, 14), unique_text(120, "lonely")]
    tokens = [tk(d) for d in docs]
    ours, stats = candidate_pairs(tokens, p)
    fp = Fingerprinter(p)
    lsh = MinHashLSH(threshold=threshold, num_perm=p.num_perm)
    assert (stats["lsh_bands"], stats["lsh_rows"]) == (lsh.b, lsh.r)
    hashes = []
    for d, t in enumerate(tokens):
        ws = fp.windows(d, t)
        for w, sig in zip(ws, fp.signatures(t, ws)):
            m = fp.minhash(sig)
            lsh.insert((d, w.index), m)
            hashes.append((d, m))
    theirs = set()
    for d, m in hashes:
        for other, _ in lsh.query(m):
            if other != d:
                theirs.add((min(d, other), max(d, other)))
    assert set(ours) == theirs
    assert ours == sorted(ours)
