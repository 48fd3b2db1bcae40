"""Unit tests of what keeps large audits fast: candidate pairing limits, the
vectorised tokenizer and window minima, and rules that skip texts they cannot match."""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import parallel
from provenance.align import align_tokens, seed_matches, seeds_of
from provenance.candidates import Fingerprinter, bucket_pairs, count_pairs, pairs_from_keys
from provenance.cues import CueReader
from provenance.errors import ConfigError
from provenance.inventory import build_inventory
from provenance.outlets import load_registry
from provenance.params import default_params, with_overrides
from provenance.rules import RuleSet, load_rules, parse_rules
from provenance.tokens import Tokenizer, _WORD, word_bounds

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pairs(packed: np.ndarray) -> set[tuple[int, int]]:
    return {(int(x >> 32), int(x & 0xFFFFFFFF)) for x in packed.tolist()}


# -- buckets ---------------------------------------------------------------------

def test_small_bucket_pairs_every_two_documents():
    keys = np.array([7, 7, 7, 9, 9], dtype=np.uint64)
    docs = np.array([3, 1, 2, 4, 5], dtype=np.int64)
    assert _pairs(bucket_pairs(keys, docs, clique_max=8)) == {(1, 2), (1, 3), (2, 3), (4, 5)}


def test_large_bucket_pairs_each_document_with_the_first_only():
    keys = np.full(12, 5, dtype=np.uint64)
    docs = np.arange(12, 0, -1, dtype=np.int64)  # documents 1..12, in any order
    star = _pairs(bucket_pairs(keys, docs, clique_max=8))
    assert star == {(1, d) for d in range(2, 13)}
    assert len(_pairs(bucket_pairs(keys, docs, clique_max=0))) == 12 * 11 // 2


def test_a_document_counts_once_per_bucket():
    keys = np.array([1, 1, 1], dtype=np.uint64)
    docs = np.array([0, 0, 1], dtype=np.int64)  # two windows of document 0 in the bucket
    packed = bucket_pairs(keys, docs)
    assert packed.tolist() == [1]  # (0, 1), once


def test_min_shared_buckets_counts_buckets_over_all_bands():
    # band 0: {0,1} and {2,3}; band 1: {0,1}; so (0,1) shares two buckets, (2,3) one
    keys = np.array([[10, 20], [10, 20], [11, 21], [11, 22]], dtype=np.uint64)
    docs = np.array([0, 1, 2, 3], dtype=np.int64)
    assert _pairs(pairs_from_keys(keys, docs, 2, min_shared=1)) == {(0, 1), (2, 3)}
    assert _pairs(pairs_from_keys(keys, docs, 2, min_shared=2)) == {(0, 1)}


def test_partial_counts_merge_to_the_same_counts():
    occurrences = np.array([5, 3, 5, 5, 9, 3], dtype=np.int64)
    pairs, counts = count_pairs(occurrences)
    assert pairs.tolist() == [3, 5, 9] and counts.tolist() == [2, 3, 1]
    halves = [count_pairs(occurrences[:3]), count_pairs(occurrences[3:])]
    merged = count_pairs(np.concatenate([h[0] for h in halves]), np.concatenate([h[1] for h in halves]))
    assert merged[0].tolist() == pairs.tolist() and merged[1].tolist() == counts.tolist()


def test_candidate_parameters_are_validated():
    params = default_params()
    assert with_overrides(params, {"fingerprint.bucket_clique_max": "0"}).bucket_clique_max == 0
    with pytest.raises(ConfigError, match="min_shared_buckets"):
        with_overrides(params, {"fingerprint.min_shared_buckets": "0"})


# -- alignment shortcut ----------------------------------------------------------

def test_too_few_seed_matches_are_not_listed_but_enough_are():
    tk = Tokenizer()
    a = tk("the bridge over the river closed on monday after engineers found cracks in its supports")
    b = tk("engineers found cracks in its supports said the council which closed the road")
    sa, sb = seeds_of(a, 3, 4), seeds_of(b, 3, 4)
    everything = seed_matches(sa, sb)
    assert len(everything) == 4  # "engineers found cracks in its supports": four 3-grams
    assert seed_matches(sa, sb, at_least=4) == everything
    assert seed_matches(sa, sb, at_least=5) == []


def test_shortcut_never_changes_an_alignment(monkeypatch):
    """With sentence matching off, alignment asks ``seed_matches`` for at least as many
    matches as the shortest span needs; listing every match gives the same spans."""
    import provenance.align as align_module

    tk = Tokenizer()
    params = dataclasses.replace(default_params(), sentence_min_words=0)
    base = ("the regional council said on tuesday that the northern bridge would stay closed until "
            "engineers had checked every support and the cost of the repairs was known to the public")
    pairs = []
    for cut in (2, 3, 4, 8, 12, 14, 20, 30):
        words = base.split()
        a = tk(" ".join(["alpha beta gamma delta"] + words[:cut] + ["omega psi chi"]))
        b = tk(" ".join(["one two three"] + words[:cut] + ["four five six seven"]))
        pairs.append((cut, a, b))
    asked: list[int] = []
    real = align_module.seed_matches

    def spy(sa, sb, at_least=1):
        asked.append(at_least)
        return real(sa, sb, at_least)

    monkeypatch.setattr(align_module, "seed_matches", spy)
    with_shortcut = [align_tokens(a, b, params) for _, a, b in pairs]
    assert asked and all(k > 1 for k in asked)  # the shortcut was taken
    monkeypatch.setattr(align_module, "seed_matches", lambda sa, sb, at_least=1: real(sa, sb, 1))
    without = [align_tokens(a, b, params) for _, a, b in pairs]
    assert with_shortcut == without
    for (cut, _, _), spans in zip(pairs, with_shortcut):
        assert bool(spans) == (cut >= params.min_span_tokens)


# -- tokens and windows -------------------------------------------------------------

TRICKY = [
    "rock'n'roll a''b 'x' y’s _under__ score 3.5 naïve café ß Straße 日本語 テスト l'été",
    "", "'", "a", "a'", "'a", "x\u0301y", "\ud800abc def", "tab\tsep\nnew line", "don’t won't",
]


@pytest.mark.parametrize("text", TRICKY)
def test_word_bounds_are_the_word_pattern(text):
    starts, ends = word_bounds(text)
    assert list(zip(starts.tolist(), ends.tolist())) == [m.span() for m in _WORD.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab Z9_'’.\n-é日\u0301ß")), max_size=60))
def test_word_bounds_match_the_pattern_on_any_text(text):
    starts, ends = word_bounds(text)
    assert list(zip(starts.tolist(), ends.tolist())) == [m.span() for m in _WORD.finditer(text)]


def test_window_minima_equal_a_minimum_per_window():
    params = default_params()
    fp = Fingerprinter(params)
    tokens = Tokenizer()(" ".join(f"w{i % 37} v{i % 11}" for i in range(150)))
    windows = fp.windows(0, tokens)
    assert len(windows) > 3
    sigs = fp.signatures(tokens, windows)
    from provenance.candidates import _fmix32, _fold32
    from provenance.tokens import ngram_hashes

    k = params.shingle_size
    shingles = _fmix32(_fold32(ngram_hashes(tokens.hashes, k)))
    with np.errstate(over="ignore"):
        permuted = shingles[:, None] * fp._a[None, :] + fp._b[None, :]
    for row, w in enumerate(windows):
        assert np.array_equal(sigs[row], permuted[w.start : max(w.start + 1, w.end - k + 1)].min(axis=0))



def test_band_keys_read_only_the_permutations_they_need():
    """Signatures are computed for the permutations the LSH bands read (bands x rows), not
    all ``num_perm``: the band keys are those of the full signatures."""
    from provenance.candidates import (band_keys, band_parameters, content_words, rewrite_rows, rewrite_windows,
                                       window_keys)

    params = default_params()
    b, r = band_parameters(params)
    assert b * r < params.num_perm  # otherwise this test shows nothing
    tk = Tokenizer()
    texts = [" ".join(f"w{(i * 7 + d) % 53} v{i % (11 + d)}" for i in range(90 + 40 * d)) for d in range(4)]
    tokens = [tk(t) for t in texts]
    keys, owners = window_keys(tokens, params)
    fp = Fingerprinter(params)
    content_fp = Fingerprinter(dataclasses.replace(params, shingle_size=1))
    expected = []
    for doc, t in enumerate(tokens):
        full = fp.signatures(t, fp.windows(doc, t))
        assert full.shape[1] == params.num_perm
        expected.append(band_keys(full, b, r))
        cw = content_words(t, params.rewrite_lead_words)
        windows = rewrite_windows(doc, cw, params)
        if windows:
            expected.append(band_keys(content_fp.signatures(cw, windows), b, rewrite_rows(params, b), salt=1 << 20))
    assert np.array_equal(keys, np.concatenate(expected))  # by document, word windows first
    assert len(keys) == len(owners) == sum(len(e) for e in expected)

# -- rules that skip texts --------------------------------------------------------

def _rule_file(extra: str) -> str:
    return ('[[rule]]\nid = "t.x"\ndescription = "d"\nsource = "text"\nrole = "credit"\n'
            "pattern = '''via (?P<outlet>[A-Z]\\w+)'''\n" + extra)


def test_requires_is_validated():
    problems: list[str] = []
    parse_rules(_rule_file('requires = ["via", ""]\n'), "r.toml", problems)
    assert any("requires" in p for p in problems)
    problems = []
    parse_rules('[[rule]]\nid = "m.x"\ndescription = "d"\nsource = "meta"\nfield = "outlet"\n'
                'role = "publisher"\nrequires = ["x"]\n', "r.toml", problems)
    assert any("applies only to source 'text'" in p for p in problems)


def test_requires_skips_only_texts_without_the_words():
    problems: list[str] = []
    (rule,), _ = parse_rules(_rule_file('requires = ["via"]\n'), "r.toml", problems)
    assert not problems
    assert rule.may_match("sent via Reuters") and not rule.may_match("sent by Reuters")
    (loose,), _ = parse_rules(_rule_file('requires = ["VIA"]\nflags = "i"\n'), "r.toml", problems)
    assert loose.may_match("sent via Reuters")


def test_near_is_validated_and_limits_where_the_pattern_is_tried():
    problems: list[str] = []
    parse_rules(_rule_file("near = 50\n"), "r.toml", problems)
    assert any("'near'" in p and "needs 'requires'" in p for p in problems)
    problems = []
    parse_rules(_rule_file('requires = ["via"]\nnear = 0\n'), "r.toml", problems)
    assert any("'near' must be positive" in p for p in problems)
    problems = []
    (rule,), _ = parse_rules(_rule_file('requires = ["via", "Via"]\nnear = 20\n'), "r.toml", problems)
    assert not problems
    text = "x" * 100 + " sent via Reuters " + "y" * 100 + " and via AFP " + "z" * 30
    first, second = text.index("via Reuters"), text.index("via AFP")
    assert rule.windows(text) == [(first - 20, first + 3 + 20), (second - 20, second + 3 + 20)]
    assert rule.windows("via a via b") == [(0, 11)]  # overlapping stretches merge
    reader = CueReader(RuleSet((rule,), "t", ()), load_registry())
    assert [c.text for c in reader._text(rule, text, None)] == ["via Reuters", "via AFP"]
    assert [c.start for c in reader._text(rule, text, None)] == [first, second]  # offsets into the whole text


def test_a_match_reaching_past_its_stretch_is_read_whole():
    """A stretch's end is no end of the text for $, \\b or a lookahead."""
    problems: list[str] = []
    rule_text = ('[[rule]]\nid = "t.y"\ndescription = "d"\nsource = "text"\nrole = "credit"\n'
                 "pattern = '''Credit:[ \\t]*(?P<outlet>[A-Z][\\w ]+?)[ \\t]*$'''\nflags = \"m\"\n"
                 'requires = ["Credit"]\nnear = 10\n')
    (tail,), _ = parse_rules(rule_text, "r.toml", problems)
    assert not problems
    line = "x" * 50 + "\nCredit: Associated Press Television\n" + "y" * 50
    cues = CueReader(RuleSet((tail,), "t", ()), load_registry())._text(tail, line, None)
    assert [c.text for c in cues] == ["Credit: Associated Press Television"]


def test_shipped_requires_never_change_the_cues():
    """The shipped rules read the same evidence with and without their `requires` and `near`."""
    rules = load_rules()
    assert any(r.requires for r in rules.rules) and any(r.near for r in rules.rules)
    bare = RuleSet(tuple(dataclasses.replace(r, requires=(), near=0) for r in rules.rules), rules.version,
                   rules.files)
    registry = load_registry()
    fast, slow = CueReader(rules, registry), CueReader(bare, registry)
    seen = 0
    for corpus in ("seeds", "fixtures"):
        inventory = build_inventory(ROOT / corpus)
        rows = {r.path: r for r in inventory.sidecar.rows}
        for d in inventory.documents:
            row = rows.get(d.path) if d.record is None else None
            assert fast.read(d, row, inventory.sidecar.path) == slow.read(d, row, inventory.sidecar.path), d.path
            seen += 1
    assert seen > 20


def test_every_shipped_requires_word_is_in_the_examples_it_guards():
    """Each shipped rule with `requires` still fires on a text written for it."""
    examples = {
        "text.credit.contributed": "Agence France-Presse and Reuters contributed to this report.",
        "text.republished": "This article originally appeared in The Guardian.",
        "text.via": "The pictures came via Reuters yesterday.",
        "text.citation": "The minister told the BBC that talks would go on.",
        "text.fair-use": "This page reposts material under FAIR USE.",
        "text.byline.staff": "By Reuters Staff",
        "text.source-line": "Source: Reuters",
        "text.byline.slash": "Martin Chulov / The Guardian",
        "text.byline.by-outlet": "By Martin Chulov, The Guardian",
        "text.credit.trailer": "Reporting by Maria Tsvetkova; Editing by Richard Balmforth",
        "text.posted-on": "Published: 20 October 2016 10:15 BST",
    }
    rules = load_rules()
    reader = CueReader(rules, load_registry())
    for rule_id, text in examples.items():
        rule = rules.by_id(rule_id)
        assert rule is not None and rule.requires, rule_id
        assert rule.may_match(text), rule_id
        assert reader._text(rule, text, None), rule_id


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 30)), max_size=120), st.integers(0, 6))
def test_bucket_pairs_equal_a_plain_grouping(entries, clique_max):
    keys = np.array([k for k, _ in entries], dtype=np.uint64)
    docs = np.array([d for _, d in entries], dtype=np.int64)
    expected: list[tuple[int, int]] = []
    for key in sorted(set(keys.tolist())):
        members = sorted({d for k, d in entries if k == key})
        if clique_max and len(members) > clique_max:
            expected += [(members[0], m) for m in members[1:]]
        else:
            expected += [(a, b) for i, a in enumerate(members) for b in members[i + 1:]]
    got = bucket_pairs(keys, docs, clique_max)
    assert sorted((int(x >> 32), int(x & 0xFFFFFFFF)) for x in got.tolist()) == sorted(expected)


def test_report_written_piece_by_piece_is_the_same_bytes(tmp_path):
    from provenance.pipeline import audit
    from provenance.report import build_report, dumps, write_report

    result = audit(ROOT / "seeds")
    report = build_report(result, default_params(), corpus="seeds", started="s", finished="f", options={})
    write_report(report, tmp_path / "r.json")
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == dumps(report)


@pytest.mark.parametrize("min_shared", [1, 2])
def test_bands_paired_on_workers_equal_one_process(monkeypatch, min_shared):
    from provenance import pipeline
    from provenance.candidates import KeyBlocks, window_keys

    params = dataclasses.replace(default_params(), min_shared_buckets=min_shared)
    tk = Tokenizer()
    inventory = build_inventory(ROOT / "seeds")
    keys, owners = window_keys([tk(d.text) for d in inventory.documents], params)
    blocks = KeyBlocks([keys[:50], keys[50:51], keys[51:]], keys.shape[1])
    assert np.array_equal(blocks.array(), keys) and np.array_equal(blocks.rows(40, 60), keys[40:60])
    serial = pipeline.candidates(blocks, owners, params, jobs=1)
    monkeypatch.setattr(pipeline, "_PARALLEL_WINDOWS", 0)
    parallel = pipeline.candidates(blocks, owners, params, jobs=2)
    assert len(serial) > 0 and np.array_equal(serial, parallel)
    assert np.array_equal(serial, pairs_from_keys(keys, owners, keys.shape[1], min_shared, params.bucket_clique_max))


@pytest.mark.skipif(not sys.platform.startswith("linux") or parallel._TRIM is None, reason="glibc's malloc_trim")
def test_freed_memory_is_given_back_to_the_system():
    """Between stages the audit hands freed heap memory back (glibc): a stage that made
    and dropped many arrays otherwise stays counted as the process's, and its workers'."""
    from provenance.parallel import give_back_memory

    def rss_kb() -> int:
        with open("/proc/self/status", encoding="ascii") as f:
            return int(next(x for x in f if x.startswith("VmRSS:")).split()[1])

    held = [np.ones(2_000, dtype=np.float64) for _ in range(10_000)]  # 160 MB of small arrays
    keep = held[-1]
    del held
    before = rss_kb()
    give_back_memory()
    assert before - rss_kb() > 80_000, "freed memory still counted as the process's"
    assert keep.sum() == 2_000
