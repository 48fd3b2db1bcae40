"""Text written without spaces between words: Chinese and Japanese.

Each ideograph or kana is a token, lengths set in words count characters between two
such texts (``align.ideographic_word_chars``), sentences end at ideographic stops, and
corner brackets are quotation marks.  The golden corpus ``fixtures/golden/ideographic``
checks the whole audit; these check each part.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.align import align_tokens, seeds_of
from provenance.errors import ConfigError
from provenance.params import default_params, in_characters, with_overrides
from provenance.pipeline import AuditOptions, audit
from provenance.quotes import quoted_regions
from provenance.report import build_report
from provenance.tokens import _WORD, FORMAT_CHARS, Tokenizer, ideographic_text, with_marks, word_bounds, word_scale

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "golden" / "ideographic" / "corpus"


def words(text: str) -> list[str]:
    starts, ends = word_bounds(text)
    return [text[s:e] for s, e in zip(starts.tolist(), ends.tolist())]


def test_each_ideograph_and_kana_is_a_word_and_other_scripts_keep_their_words():
    text = "新华社北京12月13日电 アレッポ「東部」で cease-fire 한국어 문장 Алеппо"
    assert words(text) == ["新", "华", "社", "北", "京", "12", "月", "13", "日", "电", "ア", "レ", "ッ", "ポ",
                           "東", "部", "で", "cease", "fire", "한국어", "문장", "Алеппо"]
    tokens = Tokenizer()(text)
    assert len(tokens) == 22 and tokens.ideographic == 15


@pytest.mark.parametrize("text, expected", [
    ("中\u200b文", ["中", "文"]),  # a zero-width space between ideographs separates them
    ("中'文", ["中", "文"]),  # so does an apostrophe
    ("a\u00ad中", ["a", "中"]),
    ("don't 中文", ["don't", "中", "文"]),  # words of other scripts still join as before
    ("cease\u00adfire", ["cease\u00adfire"]),
    ("ー々〆", ["ー", "々", "〆"]),  # the prolonged-sound and iteration marks are words too
])
def test_no_connector_joins_an_ideograph(text, expected):
    assert words(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 9'’.。日本アー「」\n々") + list(FORMAT_CHARS)), max_size=50))
def test_word_bounds_are_the_word_pattern_with_ideographs(text):
    starts, ends = word_bounds(text)
    assert list(zip(starts.tolist(), ends.tolist())) == [m.span() for m in _WORD.finditer(text)]
    assert len(Tokenizer()(text)) == len(starts)


def test_a_text_is_ideographic_when_most_of_its_words_are_characters():
    zh = "叙利亚政府军13日宣布，已经收复阿勒颇东部地区。"
    en = "Syrian government forces said on Tuesday that they had retaken most of eastern Aleppo."
    tokenize = Tokenizer()
    assert tokenize(zh).is_ideographic and ideographic_text(zh)
    assert not tokenize(en).is_ideographic and not ideographic_text(en)
    # a few Chinese names in an English story leave it a text of words
    assert not ideographic_text(en + " 阿勒颇")
    assert word_scale(tokenize(zh), tokenize(zh), 1.6) == 1.6
    assert word_scale(tokenize(zh), tokenize(en), 1.6) == 1.0
    assert tokenize(zh).hashes_only().is_ideographic and tokenize(zh).of(zh).is_ideographic


def test_sentences_end_at_ideographic_stops_without_a_space():
    text = "政府军宣布收复阿勒颇。据报道，平民撤离！他说：「我们会回来。」这是真的吗？The end. Next one"
    tokens = Tokenizer()(text)
    firsts = [text[tokens.starts[i]:tokens.ends[i]] for i in tokens.sentences.tolist()]
    assert firsts == ["政", "据", "他", "这", "The", "Next"]


def test_a_passage_takes_the_wide_marks_around_it():
    text = "他说：「我们会回来。」这是真的"
    start, end = text.index("我"), text.index("来") + 1
    assert text[slice(*with_marks(text, start, end))] == "「我们会回来。」"
    # the glue rule for ASCII marks stays: "3.5" does not give its full stop to "3"
    assert with_marks("costs 3.5 m", 6, 7) == (6, 7)


def test_corner_brackets_are_quotation_marks():
    text = "報道官は「民間人の保護は義務だ」と述べ、『緊急』と語った。"
    regions = [text[s:e] for s, e in quoted_regions(text)]
    assert regions == ["「民間人の保護は義務だ」", "『緊急』"]


def test_lengths_in_words_become_characters():
    params = default_params()
    scaled = in_characters(params, params.ideographic_word_chars)
    assert params.ideographic_word_chars == 1.6
    assert (scaled.seed_ngram, scaled.min_span_tokens, scaled.short_span_tokens, scaled.pair_min_tokens) == (5, 20, 13, 48)
    assert (scaled.max_gap, scaled.max_skip, scaled.boilerplate_max_tokens, scaled.max_tokens) == (16, 96, 96, 64)
    assert scaled.window_tokens == params.window_tokens and scaled.wholly == params.wholly  # not lengths in words
    assert in_characters(params, 1.0) == params
    with pytest.raises(ConfigError, match="ideographic_word_chars must be 1 or more"):
        with_overrides(params, {"align.ideographic_word_chars": "0.5"})


def test_seeds_of_other_n_grams_are_made_again_for_the_pair():
    """A pair's seeds must be n-grams of one length: an ideographic text paired with
    another seeds with the pair's n, whatever n its cached seeds have."""
    params = default_params()
    a = (CORPUS / "wire-origin.txt").read_text(encoding="utf-8")
    b = (CORPUS / "edited-copy.txt").read_text(encoding="utf-8")
    ta, tb = Tokenizer()(a), Tokenizer()(b)
    fresh = align_tokens(ta, tb, params)
    stale = align_tokens(ta, tb, params, seeds_of(ta, 3, params.max_seed_occurrences, True),
                         seeds_of(tb, 3, params.max_seed_occurrences, True))
    assert fresh == stale and fresh
    english = Tokenizer()("Syrian government forces said on Tuesday that they had retaken most of eastern Aleppo.")
    assert align_tokens(ta, english, params, seeds_of(ta, 5, 4, True), seeds_of(english, 3, 4, True)) == []


def passages(corpus: Path, **overrides: str) -> dict[str, list[tuple[int, int]]]:
    """Each document's passages, ``[start, end)``, from the report of an audit."""
    params = with_overrides(default_params(), overrides)
    report = build_report(audit(corpus, AuditOptions(params=params)), params, corpus="c", started="s", finished="f")
    return {d["path"]: [(p["start"], p["end"]) for p in d["passages"]] for d in report["documents"]}


def test_a_shared_title_of_an_office_is_no_passage():
    """17 characters (an office's title) shared with a story that a report of the same
    day does not copy: counted as 17 words it would be a passage; counted as
    characters of 1.6 to a word, it is too short to be one."""
    assert passages(CORPUS)["unrelated-same-topic.txt"] == []
    as_words = passages(CORPUS, **{"align.ideographic_word_chars": "1"})["unrelated-same-topic.txt"]
    assert [e - s for s, e in as_words] == [len("联合国人权事务高级专员办事处发言人")]


def test_an_edited_copy_ends_where_the_copied_text_ends():
    """The copy's own closing paragraph is not part of its passage, which runs from its
    first word to the full stop of the last sentence it took."""
    text = (CORPUS / "edited-copy.txt").read_text(encoding="utf-8")
    ((start, end),) = passages(CORPUS)["edited-copy.txt"]
    assert start == 0 and text[start:end].endswith("平民离开了战区。")


def test_a_copys_added_sentence_copied_on_is_cut_off_only_when_it_could_stand_alone(tmp_path):
    """A paper adds a sentence to the wire's story and a blog copies the paper: the pair
    of paper and blog is cut at the end of the wire's text, and the added sentence is a
    passage of its own only when it is as long as any passage standing alone, 20
    characters (15 are not, though more than 12 words)."""
    story = (CORPUS / "wire-origin.txt").read_text(encoding="utf-8").split("\n\n", 1)[1]
    story = story.replace("新华社大马士革12月13日电 ", "")  # no dateline: the wire in the corpus is the origin
    (tmp_path / "metadata.csv").write_text("path,outlet,date\nwire.txt,Example Wire,2016-12-13\n"
                                           "paper.txt,Example Daily,2016-12-14\nblog.txt,Example Blog,2016-12-15\n",
                                           encoding="utf-8")

    def blog_passages(added: str, **overrides: str) -> list[str]:
        (tmp_path / "wire.txt").write_text(story, encoding="utf-8")
        for name in ("paper.txt", "blog.txt"):
            (tmp_path / name).write_text(f"{story}\n{added}\n", encoding="utf-8")
        return [f"{story}\n{added}\n"[s:e] for s, e in passages(tmp_path, **overrides)["blog.txt"]]

    short = "记者补充说，当地中小学校已经停课。"  # 15 characters
    assert blog_passages(short) == [f"{story}\n{short}"]
    assert blog_passages(short, **{"align.ideographic_word_chars": "1"})[1:] == [short]
    longer = "本报记者补充说，当地所有中小学校都已经停课，家长们十分担心。"  # 27 characters
    found = blog_passages(longer)
    assert len(found) == 2 and longer.endswith(found[1])


def test_a_speaker_quoted_in_corner_brackets_by_two_reports_is_no_copy(tmp_path):
    quote = "「民間人の保護は国際人道法上の義務であり、すべての当事者は直ちに攻撃をやめるべきだ」"
    (tmp_path / "a.txt").write_text(f"国連の報道官は十三日、ジュネーブで記者団に対し{quote}と述べた。会見では避難民の数も示された。",
                                    encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"アレッポ情勢をめぐり、人権団体の代表は声明で{quote}と訴え、各国に支援を求めた。",
                                    encoding="utf-8")
    assert passages(tmp_path) == {"a.txt": [], "b.txt": []}
    for name in ("a.txt", "b.txt"):  # the same words without the brackets are a shared passage
        path = tmp_path / name
        path.write_text(re.sub("[「」]", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    found = passages(tmp_path)
    assert len(found["a.txt"]) == len(found["b.txt"]) == 1


def test_texts_of_words_are_read_as_before():
    """Only text in ideographs and kana changed: an English pair aligns the same with
    any characters-to-a-word setting."""
    params = default_params()
    shared = ("Syrian government forces said on Tuesday that they had retaken most of eastern Aleppo after "
              "a month of heavy fighting in the old city.")  # 24 words: a passage, but not of 36 (12 x 3)
    a = f"The council met in the morning. {shared} Markets were closed for the holiday."
    b = f"Refugees crossed the border overnight. {shared} The weather turned cold by evening."
    ta, tb = Tokenizer()(a), Tokenizer()(b)
    found = align_tokens(ta, tb, params)
    assert [s.matched_a for s in found] == [24]
    assert align_tokens(ta, tb, dataclasses.replace(params, ideographic_word_chars=3.0)) == found


# -- dates and datelines in Chinese and Japanese ------------------------------------------------

@pytest.mark.parametrize("text, iso, precision", [
    ("2016年12月13日", "2016-12-13", "day"),
    ("2016年12月13日 14:05", "2016-12-13T14:05", "minute"),
    ("2016年12月13日14时05分", "2016-12-13T14:05", "minute"),
    ("２０１６年１２月１３日", "2016-12-13", "day"),  # full-width digits
    ("2016年12月", "2016-12", "month"),
])
def test_dates_written_with_year_month_and_day_characters(text, iso, precision):
    from provenance.dates import parse_date_value

    value = parse_date_value(text)
    assert (value.iso, value.precision) == (iso, precision)


@pytest.mark.parametrize("text", ["2016年2月30日", "2016年13月1日", "12月13日"])
def test_impossible_or_yearless_dates_in_characters_are_no_date_alone(text):
    from provenance.dates import parse_date_value

    assert parse_date_value(text) is None


def _text_cues(text: str, date: str | None = "2016-12-14"):
    from provenance.cues import CueReader
    from provenance.model import Document, MetaField
    from provenance.outlets import load_registry
    from provenance.rules import load_rules

    meta = (MetaField("published", date, 'html:meta[property="article:published_time"]'),) if date else ()
    doc = Document(path="a.txt", record=None, sha256="0" * 64, text=text, format="text", encoding="utf-8",
                   metadata=meta)
    return [(c.rule, c.outlets, c.date.iso if c.date else None)
            for c in CueReader(load_rules(), load_registry()).read(doc) if c.source == "text"]


BODY_ZH = "叙利亚政府军13日宣布，已经收复阿勒颇东部地区的大部分街区。"


@pytest.mark.parametrize("line, outlet, date", [
    ("新华社北京12月13日电 ", "Xinhua", "2016-12-13"),
    ("新华社大马士革12月13日电（记者王明）", "Xinhua", "2016-12-13"),
    ("\u3000\u3000中新社香港12月13日电 ", "China News Service", "2016-12-13"),
    ("新华社北京1月2日电 ", "Xinhua", "2016-01-02"),  # a date after the page's is of the year before
])
def test_a_chinese_agency_dateline_names_the_agency_and_day(line, outlet, date):
    found = _text_cues(f"标题\n\n{line}{BODY_ZH}\n")
    assert ("text.dateline.chinese", (outlet,), date) in found


@pytest.mark.parametrize("line, outlet", [
    ("【北京共同】", "Kyodo News"),
    ("【ワシントン共同】", "Kyodo News"),
])
def test_kyodos_japanese_dateline_names_the_agency(line, outlet):
    found = _text_cues(f"見出し\n\n{line}国連の報道官は十三日、声明を発表した。\n")
    assert ("text.dateline.japanese", (outlet,), None) in found


@pytest.mark.parametrize("text", [
    "据新华社北京12月13日电报道，" + BODY_ZH,  # the agency named inside a sentence: a citation, not a dateline
    "新华社记者在现场看到，" + BODY_ZH,  # no date
    "【北京＝山田太郎】" + BODY_ZH,  # a reporter's name after the sign, no agency
    "【共同】" + BODY_ZH,  # no place
])
def test_sentences_naming_an_agency_are_no_dateline(text):
    found = _text_cues(f"标题\n\n{text}\n")
    assert not [f for f in found if f[0] in ("text.dateline.chinese", "text.dateline.japanese")]


def test_a_yearless_chinese_dateline_needs_the_pages_date():
    assert ("text.dateline.chinese", ("Xinhua",), None) in _text_cues(f"新华社北京12月13日电 {BODY_ZH}\n", date=None)


def test_copies_carrying_a_xinhua_dateline_make_the_agency_the_origin(tmp_path):
    story = (CORPUS / "wire-origin.txt").read_text(encoding="utf-8").split("\n\n", 1)[1]
    for name in ("daily.txt", "blog.txt"):
        (tmp_path / name).write_text(f"阿勒颇战况\n\n{story}", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("path,outlet,date\ndaily.txt,Example Daily,2016-12-14\n"
                                           "blog.txt,Example Blog,2016-12-15\n", encoding="utf-8")
    params = default_params()
    report = build_report(audit(tmp_path), params, corpus="c", started="s", finished="f")
    (cluster,) = report["clusters"]
    origin = cluster["origin"]
    assert (origin["outlet"], origin["in_corpus"], origin["date"]) == ("Xinhua", False, "2016-12-13")
    assert {e["rule"] for e in origin["evidence"]} == {"text.dateline.chinese"}
