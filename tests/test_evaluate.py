"""The METER-style evaluation command (provenance.evaluate), on a folder built from the
project's own fixture texts: corpus/ with pa/ and newspapers/, and truth.tsv."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import numpy as np

from provenance.evaluate import Truth, fitted_thresholds, fitted_two_features, longest_shared_run, macro_f1, main

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "golden" / "chaining-stock-sentence" / "corpus"

OWN_TEXT = (
    "Councillors in Thornbury voted last night to rebuild the covered market roof before the spring, after "
    "traders complained that rain had ruined stock on three Saturdays in a row. The works will close the east "
    "entrance for six weeks and the council has promised temporary stalls on the car park. Traders said the "
    "delay had already cost them customers, and several asked for a cut in their rents while the scaffolding "
    "stays up. The mayor said the budget allowed for repairs but not for compensation, and that the matter "
    "would return to the finance committee in January when the accounts for the year are known."
)


@pytest.fixture
def meter(tmp_path: Path) -> Path:
    corpus = tmp_path / "meter" / "corpus"
    (corpus / "pa").mkdir(parents=True)
    (corpus / "newspapers").mkdir()
    for name in ("wire-bakery.txt", "wire-quarry.txt"):
        shutil.copy(FIXTURE / name, corpus / "pa" / name)
    for name in ("paper-bakery.txt", "paper-quarry.txt"):
        shutil.copy(FIXTURE / name, corpus / "newspapers" / name)
    lead = (FIXTURE / "paper-bakery.txt").read_text(encoding="utf-8").split("\n\n")[0]
    (corpus / "newspapers" / "paper-mixed.txt").write_text(lead + "\n\n" + OWN_TEXT + "\n", encoding="utf-8")
    (corpus / "newspapers" / "paper-own.txt").write_text(OWN_TEXT + "\n", encoding="utf-8")
    (corpus / "metadata.csv").write_text(
        "path,outlet,date\n"
        "pa/wire-bakery.txt,Press Association,1999-10-04T15:20\n"
        "newspapers/paper-bakery.txt,The Times,1999-10-05\n"
        "newspapers/paper-mixed.txt,Daily Mail,1999-10-05\n"
        "newspapers/paper-own.txt,The Sun,1999-10-05\n"
        "pa/wire-quarry.txt,Press Association,1999-11-22T13:05\n"
        "newspapers/paper-quarry.txt,The Guardian,1999-11-23\n", encoding="utf-8")
    (corpus.parent / "truth.tsv").write_text(
        "path\tlabel\tpa_candidates\n"
        "newspapers/paper-bakery.txt\twholly_derived\tpa/wire-bakery.txt\n"
        "newspapers/paper-mixed.txt\tpartially_derived\tpa/wire-bakery.txt\n"
        "newspapers/paper-own.txt\tnon_derived\tpa/wire-bakery.txt\n"
        "newspapers/paper-quarry.txt\twholly_derived\tpa/wire-quarry.txt\n", encoding="utf-8")
    return corpus.parent


def _scores(folder: Path, capsys, *args: str) -> dict:
    assert main(["meter", str(folder), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_meter_scores_derivation_and_origin(meter, capsys):
    s = _scores(meter, capsys)
    assert s["articles"] == 4 and s["files"] == 7 and s["derived_articles"] == 3  # 6 articles, metadata.csv
    assert s["confusion"]["wholly_derived"] == {"wholly_derived": 2, "partially_derived": 0, "non_derived": 0}
    assert s["confusion"]["partially_derived"]["partially_derived"] == 1
    assert s["confusion"]["non_derived"]["non_derived"] == 1
    assert s["macro_f1_3way"] == 1.0 and s["macro_f1_2way"] == 1.0
    assert s["origin_accuracy"] == 1.0 and s["origin_errors"] == {}
    assert s["origin_given"] == 3 and s["origin_precision"] == 1.0
    assert s["fitted_thresholds"]["macro_f1_3way"] == 1.0
    assert all(u == {"articles": 0, "longest_run_quartiles": []} for u in s["unmatched"].values())


def _add_brief(meter) -> None:
    # a brief rewritten from the bakery wire story: derived, but with no run long enough to align
    brief = ("Thornbury baker Owen Pritchard, 44, got life yesterday for knifing rival shopkeeper Dennis "
             "Lowe outside the town's covered market after a row over a stall.")
    (meter / "corpus" / "newspapers" / "paper-brief.txt").write_text(brief + "\n", encoding="utf-8")
    with open(meter / "corpus" / "metadata.csv", "a", encoding="utf-8") as fh:
        fh.write("newspapers/paper-brief.txt,Daily Star,1999-10-05\n")
    with open(meter / "truth.tsv", "a", encoding="utf-8") as fh:
        fh.write("newspapers/paper-brief.txt\twholly_derived\tpa/wire-bakery.txt\n")


def test_meter_measures_the_longest_shared_run_of_articles_with_no_passage(meter, capsys):
    _add_brief(meter)
    s = _scores(meter, capsys, "--param", "align.brief_max_words=0")  # briefs off: nothing finds it
    assert s["derived_articles"] == 4 and s["origin_hits"] == 3 and s["origin_given"] == 3
    assert s["origin_accuracy"] == 0.75 and s["origin_precision"] == 1.0  # missed, but nothing wrong given
    u = s["unmatched"]["wholly_derived"]
    assert u["articles"] == 1 and 1 <= u["longest_run_quartiles"][1] < 8


def test_meter_finds_the_origin_of_a_rewritten_brief(meter, capsys):
    _add_brief(meter)
    s = _scores(meter, capsys)
    assert s["derived_articles"] == 4 and s["origin_hits"] == 4 and s["origin_accuracy"] == 1.0
    assert s["confusion"]["wholly_derived"]["wholly_derived"] == 3
    assert s["unmatched"]["wholly_derived"]["articles"] == 0


def test_meter_without_the_chaining_guard_misses_an_origin_and_says_why(meter, capsys):
    s = _scores(meter, capsys, "--param", "cluster.trace_min_share=0")
    # The second wire story's copy joins the first story's cluster and takes its origin.
    assert s["origin_hits"] == 2 and s["origin_accuracy"] == round(2 / 3, 4)
    assert s["origin_given"] == 3 and s["origin_precision"] == round(2 / 3, 4)  # an origin, but the wrong one
    assert s["origin_errors"] == {"origin is a wire story outside the candidates (other day or catchline)": 1}
    assert s["parameters"]["cluster"]["trace_min_share"] == 0.0


def test_meter_prints_a_readable_summary_and_refuses_a_folder_without_truth(meter, tmp_path, capsys):
    assert main(["meter", str(meter)]) == 0
    out = capsys.readouterr().out
    assert "3-way macro F1" in out and "origin accuracy:                       1.000 (3/3)" in out
    assert "origin precision:                      1.000 (3/3 derived articles given an origin)" in out
    assert "articles with no passage" in out
    assert main(["meter", str(tmp_path)]) == 2
    assert "expected corpus/ and truth.tsv" in capsys.readouterr().err


def test_macro_f1_counts_a_class_nobody_has_as_zero():
    f, per = macro_f1([("a", "a"), ("b", "b")], ("a", "b", "c"))
    assert per == {"a": 1.0, "b": 1.0, "c": 0.0} and f == pytest.approx(2 / 3)


def test_fitted_thresholds_find_the_separating_pair_and_quartiles():
    fractions = {"w1": 0.9, "w2": 0.7, "p1": 0.3, "p2": 0.2, "n1": 0.0, "n2": 0.05}
    labels = {"w": "wholly_derived", "p": "partially_derived", "n": "non_derived"}
    report = {"documents": [{"path": k, "reused_fraction": v} for k, v in fractions.items()]}
    truth = [Truth(k, labels[k[0]], frozenset()) for k in fractions]
    fit = fitted_thresholds(report, truth, step=0.05)
    assert fit["macro_f1_3way"] == 1.0
    assert 0.05 < fit["partially"] <= 0.2 and 0.3 < fit["wholly"] <= 0.7
    assert fit["reused_fraction_quartiles"]["wholly_derived"] == [0.7, 0.7, 0.7]


def test_longest_shared_run_counts_the_longest_exact_run_of_words():
    a = np.array([1, 2, 3, 4, 5, 6, 7], dtype=np.uint64)
    b = np.array([9, 2, 3, 8, 4, 5, 6, 7, 9], dtype=np.uint64)
    assert longest_shared_run(a, b) == 4  # 4 5 6 7
    assert longest_shared_run(a, np.array([10, 11], dtype=np.uint64)) == 0
    assert longest_shared_run(a, a) == 7
    assert longest_shared_run(a, np.zeros(0, dtype=np.uint64)) == 0


def test_two_fitted_signals_separate_what_the_reused_fraction_alone_cannot():
    # w1 and p1 have the same reused fraction; only the share their sources hold tells them apart
    f = {"w1": 0.3, "w2": 0.9, "p1": 0.3, "p2": 0.5, "n1": 0.0, "n2": 0.05}
    c = {"w1": 0.95, "w2": 0.9, "p1": 0.5, "p2": 0.4, "n1": 0.3, "n2": 0.2}
    labels = {"w": "wholly_derived", "p": "partially_derived", "n": "non_derived"}
    report = {"documents": [{"path": k, "reused_fraction": v} for k, v in f.items()]}
    truth = [Truth(k, labels[k[0]], frozenset()) for k in f]
    assert fitted_thresholds(report, truth, step=0.05)["macro_f1_3way"] < 1.0
    two = fitted_two_features(report, truth, c, step=0.05)
    assert two["macro_f1_3way"] == 1.0
    a, b = two["wholly"]
    assert 0.5 < b <= 0.9 and a > 0.5  # wholly by the share its sources hold, not by f = 0.3
    # without the second signal it is the reused fraction's own ceiling
    assert fitted_two_features(report, truth, {k: 0.0 for k in f}, step=0.05)["macro_f1_3way"] == \
        fitted_thresholds(report, truth, step=0.05)["macro_f1_3way"]
