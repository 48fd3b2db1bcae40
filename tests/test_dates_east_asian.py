"""Korean dates, Korean portals' dotted dates, a.m./p.m. words and Japanese era years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from provenance.dates import compare_dates, parse_date_value
from provenance.model import DateValue


@pytest.mark.parametrize(
    "text, iso, precision",
    [
        # Korean
        ("2016년 12월 13일", "2016-12-13", "day"),
        ("2016년12월13일", "2016-12-13", "day"),
        ("2016년 12월", "2016-12", "month"),
        ("2016년 12월 13일 15:30", "2016-12-13T15:30", "minute"),
        ("2016년 12월 13일 15:30:05", "2016-12-13T15:30:05", "second"),
        ("2016년 12월 13일 오후 3시 30분", "2016-12-13T15:30", "minute"),
        ("2016년 12월 13일 오후 3시 5분", "2016-12-13T15:05", "minute"),
        ("2016년 12월 13일 오전 9:05", "2016-12-13T09:05", "minute"),
        ("2016년 12월 13일 오후 3시", "2016-12-13T15:00", "minute"),  # as 3 pm is read
        ("２０１６년 １２월 １３일", "2016-12-13", "day"),
        # dotted, as Korean portals print them
        ("2016.12.13.", "2016-12-13", "day"),
        ("2016. 12. 13.", "2016-12-13", "day"),
        ("2016.1.5.", "2016-01-05", "day"),
        ("2016.12.13. 15:30", "2016-12-13T15:30", "minute"),
        ("2016.12.13. 오후 3:30", "2016-12-13T15:30", "minute"),
        ("2016.12.13 오후 3:30", "2016-12-13T15:30", "minute"),
        ("2016. 12. 13. 오전 9:05", "2016-12-13T09:05", "minute"),
        ("2016.12.13. 오후 3시 30분", "2016-12-13T15:30", "minute"),
        ("2016-12-13 오전 9:05", "2016-12-13T09:05", "minute"),
        ("2016/12/13 오후 3:30", "2016-12-13T15:30", "minute"),
        # Chinese and Japanese a.m./p.m. words
        ("2016年12月13日 下午3:15", "2016-12-13T15:15", "minute"),
        ("2016年12月13日 上午9时05分", "2016-12-13T09:05", "minute"),
        ("2016年12月13日下午3点15分", "2016-12-13T15:15", "minute"),
        ("2016年12月13日 午後3時15分", "2016-12-13T15:15", "minute"),
        ("2016年12月13日 午前9時05分", "2016-12-13T09:05", "minute"),
        ("２０１６年１２月１３日 午後３時１５分", "2016-12-13T15:15", "minute"),
        # Japanese era years
        ("平成28年12月13日", "2016-12-13", "day"),
        ("平成 28 年 12 月 13 日", "2016-12-13", "day"),
        ("平成２８年１２月１３日", "2016-12-13", "day"),
        ("平成28年12月", "2016-12", "month"),
        ("平成28年", "2016", "year"),
        ("令和元年5月1日", "2019-05-01", "day"),
        ("令和元年", "2019", "year"),
        ("令和6年1月1日", "2024-01-01", "day"),
        ("昭和60年8月12日", "1985-08-12", "day"),
        ("平成28年12月13日 午後3時15分", "2016-12-13T15:15", "minute"),
        ("平成28年12月13日 14:05", "2016-12-13T14:05", "minute"),
    ],
)
def test_east_asian_forms_parse_at_their_precision(text, iso, precision):
    assert parse_date_value(text) == DateValue(iso, precision)


@pytest.mark.parametrize(
    "text, iso",
    [
        ("2016년 12월 13일 오후 12:00", "2016-12-13T12:00"),  # noon
        ("2016년 12월 13일 오후 12시 30분", "2016-12-13T12:30"),
        ("2016년 12월 13일 오전 12:30", "2016-12-13T00:30"),  # half past midnight
        ("2016.12.13. 오전 12:05", "2016-12-13T00:05"),
        ("2016年12月13日 下午12:30", "2016-12-13T12:30"),
        ("2016年12月13日 上午12:30", "2016-12-13T00:30"),
        # Japanese clocks run from 午前0時 (midnight) to 午後11時; 午後0時 is noon
        ("2016年12月13日 午前0時05分", "2016-12-13T00:05"),
        ("2016年12月13日 午後0時05分", "2016-12-13T12:05"),
        ("2016年12月13日 午前11時59分", "2016-12-13T11:59"),
        ("2016年12月13日 午後11時59分", "2016-12-13T23:59"),
    ],
)
def test_noon_and_midnight_with_am_pm_words(text, iso):
    assert parse_date_value(text) == DateValue(iso, "minute")


@pytest.mark.parametrize(
    "text",
    [
        "2016년 13월 1일", "2016년 2월 30일", "2015년 2월 29일", "2016년 12월 32일",
        "2016년 12월 13일 15시",  # an hour alone, with no 오전 or 오후, is no time
        "2016년 12월 13일 오후 13:00", "2016년 12월 13일 오전 0:30", "2016년 12월 13일 15:61",
        "2016년", "12월 13일",
        "2016.02.30.", "2016.13.01.", "2016.12.13..", "2016.12.1315:30", "2016.12.13. 오후 3:61",
        "2016.12.13. 오후", "2016-12-13 오후", "2016-12/13 오후 3:30",
        "2016年12月13日 下午13:15", "2016年12月13日 下午", "2016年2月30日 上午9时05分",
        # 午前12時 is read as noon by some and midnight by others
        "2016年12月13日 午前12時05分", "2016年12月13日 午後12時05分", "2016年12月13日 午後13時05分",
        "令和0年", "平成0年1月8日", "平成28年13月1日", "平成28年2月30日", "大正5年1月1日", "12月13日",
    ],
)
def test_invalid_or_ambiguous_east_asian_forms_are_no_date(text):
    assert parse_date_value(text) is None


@pytest.mark.parametrize(
    "text, iso",
    [
        # each era's first and last day, and the day either side of each
        ("昭和元年12月24日", None),
        ("昭和元年12月25日", "1926-12-25"),
        ("昭和64年1月7日", "1989-01-07"),
        ("昭和64年1月8日", None),
        ("平成元年1月7日", None),
        ("平成元年1月8日", "1989-01-08"),
        ("平成31年4月30日", "2019-04-30"),
        ("平成31年5月1日", None),
        ("令和元年4月30日", None),
        ("令和元年5月1日", "2019-05-01"),
        ("令和元年5月2日", "2019-05-02"),
        ("平成1年1月8日", "1989-01-08"),  # 元年 may be written as 1
        # months: checked against the era's months
        ("昭和元年11月", None),
        ("昭和元年12月", "1926-12"),
        ("昭和64年1月", "1989-01"),
        ("昭和64年2月", None),
        ("平成元年1月", "1989-01"),
        ("平成31年4月", "2019-04"),
        ("平成31年5月", None),
        ("令和元年4月", None),
        ("令和元年5月", "2019-05"),
        # years: checked against the era's years
        ("昭和元年", "1926"),
        ("昭和64年", "1989"),
        ("昭和65年", None),
        ("平成元年", "1989"),
        ("平成31年", "2019"),
        ("平成32年", None),
        ("令和元年", "2019"),
    ],
)
def test_era_dates_outside_their_era_are_no_date(text, iso):
    value = parse_date_value(text)
    if iso is None:
        assert value is None
    else:
        assert value is not None and value.iso == iso
        assert value.precision == {4: "year", 7: "month", 10: "day"}[len(iso)]


_ERA_SPANS = {"昭和": (date(1926, 12, 25), date(1989, 1, 7)), "平成": (date(1989, 1, 8), date(2019, 4, 30)),
              "令和": (date(2019, 5, 1), None)}


def test_every_day_near_the_era_changes_reads_as_itself_in_its_era_only():
    days = [date(1926, 12, 1) + timedelta(days=i) for i in range(60)]
    days += [date(1988, 12, 20) + timedelta(days=i) for i in range(60)]
    days += [date(2019, 4, 1) + timedelta(days=i) for i in range(60)]
    days += [date(1927, 1, 1) + timedelta(days=i) for i in range(0, 40000, 97)]  # and a day every 97
    for day in days:
        for era, (first, last) in _ERA_SPANS.items():
            n = day.year - first.year + 1
            if n < 1:
                continue
            text = f"{era}{'元' if n == 1 else n}年{day.month}月{day.day}日"
            value = parse_date_value(text)
            if first <= day and (last is None or day <= last):
                assert value == DateValue(day.isoformat(), "day"), text
            else:
                assert value is None, text


def test_east_asian_dates_compare_with_the_same_day_written_otherwise():
    day = parse_date_value("2016-12-13")
    for text in ("平成28年12月13日", "2016년 12월 13일", "2016.12.13.", "2016年12月13日"):
        assert compare_dates(parse_date_value(text), day) == 0, text
    assert compare_dates(parse_date_value("2016.12.13. 오후 3:30"), parse_date_value("2016-12-13T15:29")) == 1
    assert compare_dates(parse_date_value("平成31年4月30日"), parse_date_value("令和元年5月1日")) == -1


@pytest.mark.parametrize(
    "text, iso, precision, dayfirst",
    [
        # year-first dotted dates without the last period stay read by the ymd pattern
        ("2016.12.13", "2016-12-13", "day", None),
        ("2016.12.13 15:30", "2016-12-13T15:30", "minute", None),
        ("2016.12.13, 3:30 pm", "2016-12-13T15:30", "minute", None),
        ("2016/12/13", "2016-12-13", "day", None),
        ("2016-12-13 9:05", "2016-12-13T09:05", "minute", None),
        ("2016-12-13 15:30", "2016-12-13T15:30", "minute", None),
        ("2016年12月13日 14:05", "2016-12-13T14:05", "minute", None),
        ("2016年12月13日14时05分", "2016-12-13T14:05", "minute", None),
        ("2016年12月", "2016-12", "month", None),
        ("13 October 2016", "2016-10-13", "day", None),
        ("13.12.2016", "2016-12-13", "day", None),
        ("01.03.00", "2000-03-01", "day", True),
    ],
)
def test_existing_forms_read_as_before(text, iso, precision, dayfirst):
    assert parse_date_value(text, dayfirst=dayfirst) == DateValue(iso, precision)
