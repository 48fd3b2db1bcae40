"""The shipped text rules on the conventions of Chinese, Japanese and Korean news pages.

Source lines (来源：, 出典：, 출처 :), republication notices (转载自, 原载于, 転載元：),
Chinese bylines (新华社记者), copyright lines (版权所有, 저작권자), closing credits (（共同）),
Japanese and Korean datelines (【北京時事】, (서울=연합뉴스)) and posting stamps (发布时间：,
입력). No capital letter marks a name in these scripts, so every such rule names an
outlet only as the registry writes it; the negatives are lines that must name nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.cues import CueReader
from provenance.model import Document, MetaField
from provenance.outlets import load_registry
from provenance.params import default_params
from provenance.pipeline import audit
from provenance.report import build_report
from provenance.rules import load_rules

_READER = CueReader(load_rules(), load_registry())
BODY = "叙利亚政府军13日宣布，已经收复阿勒颇东部地区的大部分街区。联合国说，数千名平民仍被困在城中。"
CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "golden" / "ideographic" / "corpus"


def page(line: str, where: str) -> str:
    """A page holding ``line``: ``head`` under the title, ``lead`` opening the first
    paragraph, ``mid`` between paragraphs, ``tail`` after the body, ``end`` closing it."""
    return {
        "head": f"标题\n\n{line}\n\n{BODY}\n",
        "lead": f"标题\n\n{line}{BODY}\n",
        "mid": f"标题\n\n{BODY}\n\n{line}\n\n{BODY}\n",
        "tail": f"标题\n\n{BODY}\n\n{line}\n",
        "end": f"标题\n\n{BODY}{line}\n",
    }[where]


def readings(text: str, date: str | None = "2016-12-14") -> list[tuple[str, tuple[str, ...], str | None]]:
    meta = (MetaField("published", date, 'html:meta[property="article:published_time"]'),) if date else ()
    doc = Document(path="a.txt", record=None, sha256="0" * 64, text=text, format="text", encoding="utf-8",
                   metadata=meta)
    return [(c.rule, c.outlets, c.date.iso if c.date else None) for c in _READER.read(doc) if c.source == "text"]


@pytest.mark.parametrize("line, where, rule, outlets, date", [
    # source lines
    ("来源：新华社", "head", "text.source-line.cjk", ("Xinhua",), None),
    ("来源：人民网-人民日报", "head", "text.source-line.cjk", ("People's Daily",), None),
    ("稿件来源：新华网", "head", "text.source-line.cjk", ("Xinhua",), None),
    ("来源：新华社、中新社", "head", "text.source-line.cjk", ("Xinhua", "China News Service"), None),
    ("出典：共同通信", "head", "text.source-line.cjk", ("Kyodo News",), None),
    ("출처 : 연합뉴스", "head", "text.source-line.cjk", ("Yonhap News Agency",), None),
    # republication notices
    ("转载自新华网", "tail", "text.republished.chinese", ("Xinhua",), None),
    ("本文转自人民网。", "tail", "text.republished.chinese", ("People's Daily",), None),
    ("原载于《人民日报》", "tail", "text.republished.chinese", ("People's Daily",), None),
    ("（原载《环球时报》2016年12月13日第3版）", "tail", "text.republished.chinese", ("Global Times",), "2016-12-13"),
    ("摘自《人民日报》", "tail", "text.republished.chinese", ("People's Daily",), None),
    ("転載元：朝日新聞", "tail", "text.republished.chinese", ("The Asahi Shimbun",), None),
    # bylines
    ("新华社记者 王明 李华", "head", "text.byline.chinese", ("Xinhua",), None),
    ("新华社驻大马士革记者 王明", "head", "text.byline.chinese", ("Xinhua",), None),
    ("（人民日报记者 张三）", "head", "text.byline.chinese", ("People's Daily",), None),
    # copyright lines
    ("版权所有：新华网", "tail", "text.copyright.cjk", ("Xinhua",), None),
    ("新华网版权所有", "tail", "text.copyright.cjk", ("Xinhua",), None),
    ("版权归新华社所有", "tail", "text.copyright.cjk", ("Xinhua",), None),
    ("Copyright © 2016 新华网 版权所有", "tail", "text.copyright.cjk", ("Xinhua",), "2016"),
    ("Copyright © 2000-2016 新华网 版权所有", "tail", "text.copyright.cjk", ("Xinhua",), None),
    ("Copyright © 共同通信社 All Rights Reserved.", "tail", "text.copyright.cjk", ("Kyodo News",), None),
    ("<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>", "tail", "text.copyright.cjk", ("Yonhap News Agency",), None),
    ("저작권자 © 뉴스1코리아 무단복제 및 재배포 금지", "tail", "text.copyright.cjk", ("News1",), None),
    # closing credits
    ("（共同）", "end", "text.credit.signoff.cjk", ("Kyodo News",), None),
    ("（時事）", "end", "text.credit.signoff.cjk", ("Jiji Press",), None),
    ("（新华社电）", "tail", "text.credit.signoff.cjk", ("Xinhua",), None),
    ("（AFP＝時事）", "end", "text.credit.signoff.cjk", ("Agence France-Presse",), None),
    # datelines
    ("【北京共同】", "lead", "text.dateline.japanese", ("Kyodo News",), None),
    ("【ワシントン時事】", "lead", "text.dateline.japanese", ("Jiji Press",), None),
    ("【ソウル＝共同】", "lead", "text.dateline.japanese", ("Kyodo News",), None),
    ("【ロンドン＝ロイター】", "lead", "text.dateline.japanese", ("Reuters",), None),
    ("【パリAFP＝時事】", "lead", "text.dateline.japanese", ("Agence France-Presse",), None),
    ("【パリＡＦＰ＝時事】", "lead", "text.dateline.japanese", ("Agence France-Presse",), None),
    ("(서울=연합뉴스) 홍길동 기자 = ", "lead", "text.dateline.korean", ("Yonhap News Agency",), None),
    ("[서울=뉴시스]홍길동 기자 = ", "lead", "text.dateline.korean", ("Newsis",), None),
    ("(워싱턴=뉴스1) ", "lead", "text.dateline.korean", ("News1",), None),
    ("SEOUL, Dec. 13 (Yonhap) -- ", "lead", "text.dateline.wire", ("Yonhap News Agency",), "2016-12-13"),
    # citations
    ("据新华社报道，", "lead", "text.citation.cjk", ("Xinhua",), None),
    ("据新华社北京12月13日电，", "lead", "text.citation.cjk", ("Xinhua",), None),
    ("据《人民日报》报道，", "lead", "text.citation.cjk", ("People's Daily",), None),
    ("据人民网消息，", "lead", "text.citation.cjk", ("People's Daily",), None),
    ("米国の共同通信によると、", "lead", "text.citation.cjk", ("Kyodo News",), None),
    ("ロイター通信によれば、", "lead", "text.citation.cjk", ("Reuters",), None),
    ("연합뉴스에 따르면 ", "lead", "text.citation.cjk", ("Yonhap News Agency",), None),
    ("AP통신은 13일 이 같은 내용을 보도했다. ", "lead", "text.citation.cjk", ("Associated Press",), None),
    # posting stamps
    ("发布时间：2016-12-13 08:30", "head", "text.posted-on.cjk", (), "2016-12-13T08:30"),
    ("發布時間：2016/12/13", "head", "text.posted-on.cjk", (), "2016-12-13"),
    ("发表于 2016年12月13日", "head", "text.posted-on.cjk", (), "2016-12-13"),
    ("配信日時：2016年12月13日 20時15分", "head", "text.posted-on.cjk", (), "2016-12-13T20:15"),
    ("기사입력 2016-12-13 15:30", "head", "text.posted-on.cjk", (), "2016-12-13T15:30"),
    ("등록 2016.12.13", "head", "text.posted-on.cjk", (), "2016-12-13"),
    ("입력 2016.12.13. 오후 3:30", "head", "text.posted-on.cjk", (), "2016-12-13T15:30"),
    ("입력 2016년 12월 13일 오전 9시 5분", "head", "text.posted-on.cjk", (), "2016-12-13T09:05"),
    ("公開日：平成28年12月13日", "head", "text.posted-on.cjk", (), "2016-12-13"),
    ("发布时间：2016年12月13日 下午3:15", "head", "text.posted-on.cjk", (), "2016-12-13T15:15"),
    ("2016-12-13 08:30:00 来源：新华网 作者：张三", "head", "text.posted-on.cjk", (), "2016-12-13T08:30:00"),
])
def test_east_asian_conventions_name_the_outlet_and_date(line, where, rule, outlets, date):
    found = [(o, d) for r, o, d in readings(page(line, where)) if r == rule]
    assert found == [(outlets, date)]


@pytest.mark.parametrize("line, where", [
    ("来源：网络", "head"),  # "the internet": no outlet
    ("图片来源：新华社", "head"),  # a photo's source
    ("数据来源：国家统计局", "head"),  # a source of data
    ("我们转自动驾驶模式，", "mid"),  # 转自 inside a word
    ("新华社记者王明摄", "mid"),  # a photo credit
    ("朝日新聞記者が取材した。", "mid"),  # a sentence
    ("本报记者 张三", "head"),  # this paper's own reporter
    ("本网站版权所有", "tail"),  # this site's copyright
    ("版权归原作者所有", "tail"),  # the original author's
    ("（完）", "end"),  # the end
    ("【ワシントン＝山田太郎】", "lead"),  # a reporter's name after the sign
    ("(x=5) ", "lead"),  # a sum in brackets
    ("更新时间：2016-12-13 08:30", "head"),  # updated, not published
    ("수정 2016.12.13. 15:30", "head"),  # modified, not published
    ("据悉，", "lead"),  # "it is learned": no source named
    ("관계자에 따르면 ", "lead"),  # "according to an official"
])
def test_lines_that_name_nothing(line, where):
    assert readings(page(line, where)) == []


def test_a_chinese_source_line_after_the_date_gives_both():
    found = readings(page("2016-12-13 08:30:00 来源：新华网 作者：张三", "head"), date=None)
    assert ("text.source-line.cjk", ("Xinhua",), None) in found
    assert ("text.posted-on.cjk", (), "2016-12-13T08:30:00") in found


def test_full_width_letters_name_the_registered_outlet():
    registry = load_registry()
    assert registry.match_name("ＡＦＰ").outlet == "Agence France-Presse"
    assert registry.match_name("ｄｐａ").outlet == "dpa"


def _copies(tmp_path: Path, texts: dict[str, str], rows: str, columns: str = "path,outlet,date") -> dict:
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(f"{columns}\n{rows}", encoding="utf-8")
    return build_report(audit(tmp_path), default_params(), corpus="c", started="s", finished="f")


def test_copies_crediting_xinhua_in_a_source_line_make_the_agency_the_origin(tmp_path):
    """Portal copies that carry no dateline, only 来源：新华社, trace to Xinhua's story."""
    story = (CORPUS / "wire-origin.txt").read_text(encoding="utf-8").split("\n\n", 1)[1]
    story = story.replace("新华社大马士革12月13日电 ", "")
    report = _copies(tmp_path, {
        "portal.txt": f"阿勒颇战况\n\n2016-12-14 08:30:00 来源：新华社\n\n{story}",
        "news.txt": f"阿勒颇战况\n\n来源：新华社\n\n{story}",
    }, "portal.txt,,2016-12-14,http://news.sina.com.cn/w/2016-12-14/doc-ifxypipt0001.shtml\n"
       "news.txt,Example News,2016-12-15,\n", columns="path,outlet,date,url")
    (cluster,) = report["clusters"]
    origin = cluster["origin"]
    assert (origin["outlet"], origin["in_corpus"]) == ("Xinhua", False)
    assert "text.source-line.cjk" in {e["rule"] for e in origin["evidence"]}
    portal = next(d for d in report["documents"] if d["path"] == "portal.txt")
    assert portal["outlet"]["name"] == "Sina"  # the portal that republished it, by its address
    assert portal["outlet"]["evidence"][0]["rule"] == "url.domain"


def test_a_posting_stamp_dates_a_page_with_no_metadata(tmp_path):
    story = (CORPUS / "wire-origin.txt").read_text(encoding="utf-8").split("\n\n", 1)[1]
    (tmp_path / "portal.txt").write_text(f"阿勒颇战况\n\n发布时间：2016-12-14 08:30\n\n{story}", encoding="utf-8")
    report = build_report(audit(tmp_path), default_params(), corpus="c", started="s", finished="f")
    (doc,) = report["documents"]
    assert doc["published"]["date"] == "2016-12-14T08:30"
    assert [e["rule"] for e in doc["published"]["evidence"]] == ["text.posted-on.cjk"]


STORY_KO = (
    "부산항만공사는 13일 북항 동쪽 항로의 준설 계획을 이사회에 보고했다고 밝혔다. 공사 관계자는 지난 봄 "
    "실시한 측량 결과 항로 북쪽 가장자리의 수심이 1미터 가까이 낮아진 것으로 나타났다고 설명했다. 준설선을 "
    "투입하면 약 6주 안에 작업을 마칠 수 있지만, 그동안 수산시장과 가장 가까운 선석은 대부분 폐쇄될 전망이다.\n\n"
    "이사회 위원들은 도선사와 어민, 조선소 두 곳의 대표로부터 의견을 들었다. 이들은 올해 퇴적물이 방파제를 "
    "다시 쌓은 이후 어느 때보다 빠르게 쌓였다고 말했다. 공사는 시의회가 예산을 확정할 때까지 최종 결정을 "
    "미루기로 했으며, 같은 항로를 이용하는 인근 항만과 비용을 나눌 수 있는지 검토하기로 했다.\n"
)


def test_copies_carrying_a_yonhap_dateline_make_the_agency_the_origin(tmp_path):
    lead = "(부산=연합뉴스) 김민수 기자 = "
    report = _copies(tmp_path, {
        "daily.txt": f"부산항 준설 계획 보고\n\n{lead}{STORY_KO}\n<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>\n",
        "blog.txt": f"항로 준설 소식\n\n{lead}{STORY_KO}",
    }, "daily.txt,Example Ilbo,2016-12-13\nblog.txt,Example Blog,2016-12-14\n")
    (cluster,) = report["clusters"]
    origin = cluster["origin"]
    assert (origin["outlet"], origin["in_corpus"]) == ("Yonhap News Agency", False)
    assert {e["rule"] for e in origin["evidence"]} >= {"text.dateline.korean"}
    # the sidecar names the page's own outlet; the agency's copyright line is evidence beside it
    daily = next(d for d in report["documents"] if d["path"] == "daily.txt")
    assert daily["outlet"]["name"] == "Example Ilbo"
    assert "text.copyright.cjk" in {e["rule"] for e in daily["outlet"]["evidence"]}


def test_a_copy_citing_the_agency_as_it_gives_the_text_credits_it(tmp_path):
    """据新华社报道，<the agency's words>: the copy credits Xinhua; without the citation it does not."""
    origin = (CORPUS / "wire-origin.txt").read_text(encoding="utf-8")
    body = origin.split("\n\n")[2]  # the agency's second paragraph
    own = "本报综合报道。今天上午，本市多家救援组织举行联合记者会，介绍冬季援助物资的募集情况，并呼吁市民踊跃捐赠。"

    def credit(lead: str) -> tuple[str, set[str]]:
        folder = tmp_path / str(len(lead))
        folder.mkdir()
        report = _copies(folder, {"wire.txt": origin, "paper.txt": f"阿勒颇人道局势\n\n{own}\n\n{lead}{body}\n"},
                         "wire.txt,Xinhua,2016-12-13\npaper.txt,Example Daily,2016-12-14\n")
        (cluster,) = report["clusters"]
        (link,) = [c for c in cluster["chain"] if c["document"] != cluster["origin"]["document"]]
        return link["credited"], {e["rule"] for e in link["credit_evidence"]}

    assert credit("据新华社报道，") == ("credited", {"text.citation.cjk"})
    assert credit("")[0] == "uncredited"
