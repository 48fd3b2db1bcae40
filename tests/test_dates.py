"""Strict structured-date parsing, ordering and lags."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.dates import compare_dates, date_sort_key, lag_days, latest_instant, parse_date_value, surely_before
from provenance.model import DateValue


@pytest.mark.parametrize(
    "text, iso, precision, tz",
    [
        ("2016", "2016", "year", False),
        ("2016-10", "2016-10", "month", False),
        ("2016-10-20", "2016-10-20", "day", False),
        ("2016-10-20T14:30", "2016-10-20T14:30", "minute", False),
        ("2016-10-20T14:30:05Z", "2016-10-20T14:30:05+00:00", "second", True),
        ("2016-10-20 14:30:05+01:00", "2016-10-20T14:30:05+01:00", "second", True),
        ("2016-10-20T14:30:05.123456-05:00", "2016-10-20T14:30:05-05:00", "second", True),
        ("2016-10-20T14:30:05+0530", "2016-10-20T14:30:05+05:30", "second", True),
        ("20161020", "2016-10-20", "day", False),
        ("2000-03-01T16:54", "2000-03-01T16:54", "minute", False),
        ("Thu, 20 Oct 2016 10:00:00 GMT", "2016-10-20T10:00:00+00:00", "second", True),
        ("Thu, 20 Oct 2016 10:00:00 +0200", "2016-10-20T10:00:00+02:00", "second", True),
        ("20 October 2016", "2016-10-20", "day", False),
        ("October 20, 2016", "2016-10-20", "day", False),
        ("Oct 20 2016", "2016-10-20", "day", False),
        ("20th October 2016", "2016-10-20", "day", False),
        ("October 29th, 2016", "2016-10-29", "day", False),
        ("Sept. 3, 2016", "2016-09-03", "day", False),
        ("20 October 2016 14:30", "2016-10-20T14:30", "minute", False),
        ("October 29th, 2016 at 2:30 pm EDT", "2016-10-29T14:30-04:00", "minute", True),
        ("October 2016", "2016-10", "month", False),
        ("  2016-10-20  ", "2016-10-20", "day", False),
        ("13/04/2016", "2016-04-13", "day", False),  # 13 can only be the day
        ("04/13/2016", "2016-04-13", "day", False),
        ("05/05/2016", "2016-05-05", "day", False),  # same either way
        ("2016/1/5", "2016-01-05", "day", False),
    ],
)
def test_parse_valid(text, iso, precision, tz):
    assert parse_date_value(text) == DateValue(iso, precision, tz)


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "garbage", "2016-13-01", "2016-02-30", "2015-02-29", "2016-10-20T24:00",
        "2016-10-20T14:61", "2016-10-20T14", "2016-10-20T14:30+25:00", "20 Octember 2016",
        "31 September 2016", "20 Oct 2016 10:00 XYZ", "yesterday", "2016-W42", "0000",
        "the 20th of October, 2016, probably", "10:00",
    ],
)
def test_parse_invalid(text):
    assert parse_date_value(text) is None


def test_leap_day_only_in_leap_years():
    assert parse_date_value("2016-02-29") == DateValue("2016-02-29", "day")
    assert parse_date_value("29 February 2015") is None


def test_ambiguous_numeric_needs_dayfirst():
    assert parse_date_value("03/04/2016") is None
    assert parse_date_value("03/04/2016", dayfirst=True) == DateValue("2016-04-03", "day")
    assert parse_date_value("03/04/2016", dayfirst=False) == DateValue("2016-03-04", "day")
    assert parse_date_value("01.03.00") is None
    assert parse_date_value("01.03.00", dayfirst=True) == DateValue("2000-03-01", "day")
    assert parse_date_value("13/13/2016", dayfirst=True) is None


def test_two_digit_years_pivot_at_70():
    assert parse_date_value("01.03.69", dayfirst=True).iso == "2069-03-01"
    assert parse_date_value("01.03.70", dayfirst=True).iso == "1970-03-01"
    assert parse_date_value("Thu, 20 Oct 16 10:00:00 GMT").iso == "2016-10-20T10:00:00+00:00"


def D(text: str) -> DateValue:
    value = parse_date_value(text)
    assert value is not None, text
    return value


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("2016-10-20", "2016-10-21", -1),
        ("2016-10-21", "2016-10-20", 1),
        ("2016-10-20", "2016-10-20", 0),
        ("2016-10-20", "2016-10-20T09:00", None),  # same day, one lacks a time
        ("2016-10-20", "2016-10-21T09:00", -1),
        ("2016", "2016-10-20", None),
        ("2015", "2016-10-20", -1),
        ("2016-10", "2016-11-01", -1),
        ("2016-10-20T09:00", "2016-10-20T10:00", -1),  # both local
        ("2016-10-20T09:00Z", "2016-10-20T10:00", None),  # only one states a zone
        ("2016-10-20T09:00Z", "2016-10-20T23:00", None),  # 14 h apart: a zone could close the gap
        ("2016-10-20T09:00Z", "2016-10-20T23:01", -1),  # further apart than any zone moves a time
        ("2021-03-01T10:00:00Z", "2021-03-09T10:00", -1),
        ("2016-10-20T10:00+02:00", "2016-10-20T09:00+00:00", -1),  # 08:00Z before 09:00Z
        ("2016-10-20T10:00+02:00", "2016-10-20T08:00Z", 0),
        ("2016-10-20T14:30", "2016-10-20T14:30:05", None),
        ("2016-10-20T14:30:05", "2016-10-20T14:30:05", 0),
        # a time with an offset against a day without a zone, which may be another zone's: the
        # time's own calendar day and its UTC day must agree on the order
        ("2024-11-10", "2024-11-11T08:00+11:00", None),  # 10 Nov 21:00Z: still the 10th in London
        ("2024-11-10", "2024-11-11T14:01Z", -1),  # after the 10th has ended in every zone
        ("2024-03-05T07:40Z", "2024-03-06", -1),  # before the 6th began anywhere
        ("2024-03-05T14:00Z", "2024-03-06", -1),
        ("2024-11-10T21:00-05:00", "2024-11-11", None),  # 11 Nov 02:00Z: already the 11th in London
        ("2024-10", "2024-11-01T05:00+11:00", None),  # 31 Oct 18:00Z: still October in the west
    ],
)
def test_compare_dates(a, b, expected):
    assert compare_dates(D(a), D(b)) == expected
    flipped = None if expected is None else -expected
    assert compare_dates(D(b), D(a)) == flipped


def test_compare_tolerates_foreign_iso_and_rejects_garbage():
    assert compare_dates(DateValue("2016-10-20T10:00:00Z", "second", True), D("2016-10-20T11:00Z")) == -1
    assert compare_dates(DateValue("not a date", "day"), D("2016-10-20")) is None


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("2021-03-12T00:00:00Z", "2021-03-20T10:00", True),  # a capture a week before a local time
        ("2021-03-10T20:00:00Z", "2021-03-11", False),  # 11 March began at 13:00Z in UTC+11
        ("2021-03-10T09:59:00Z", "2021-03-11", True),  # before 11 March began anywhere
        ("2021-03-10T10:00:00Z", "2021-03-11", False),
        ("2021-03-11", "2021-03-12T20:00Z", True),
        ("2021-03-11", "2021-03-12T01:00Z", False),  # 11 March ends as late as 12 March 12:00Z
        ("2021-03-11T10:00Z", "2021-03-11T10:01Z", True),
        ("2021-03-11T10:00Z", "2021-03-11T10:00Z", False),
        ("2021-02", "2021-03-05", True),
        ("2021", "2021-12-31T23:00Z", False),
        ("0001", "9999-12-31", True),  # the ends of the calendar do not overflow
        ("9999-12-31", "0001-01-01", False),
    ],
)
def test_surely_before_widens_days_and_local_times_by_any_zone(a, b, expected):
    assert surely_before(D(a), D(b)) is expected


def test_lag_days():
    assert lag_days(D("2016-10-20"), D("2016-10-23")) == 3.0
    assert lag_days(D("2016-10-20"), D("2016-10-23T23:00")) == 3.0  # day precision: whole days
    assert lag_days(D("2016-10-20T12:00Z"), D("2016-10-21T00:00Z")) == 0.5
    assert lag_days(D("2016-10-20T12:00+02:00"), D("2016-10-20T12:00Z")) == pytest.approx(2 / 24)
    assert lag_days(D("2016-10-20T12:00"), D("2016-10-20T12:00Z")) is None
    assert lag_days(D("2016-10"), D("2016-11-02")) is None
    assert lag_days(D("2016"), D("2017")) is None


def test_sort_key_orders_chronologically():
    values = [D(s) for s in ["2016-10-21", "2016", "2016-10-20T10:00", "2015-01-01", "2016-10-20", "2016-10"]]
    ordered = [v.iso for v in sorted(values, key=date_sort_key)]
    assert ordered == ["2015-01-01", "2016", "2016-10", "2016-10-20", "2016-10-20T10:00", "2016-10-21"]
    same_day = [D("2016-10-20T10:00+02:00"), D("2016-10-20T09:00Z")]  # 08:00Z, 09:00Z
    assert [v.iso for v in sorted(reversed(same_day), key=date_sort_key)] == [v.iso for v in same_day]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.sampled_from([None, True, False]))
def test_parse_never_raises(text, dayfirst):
    value = parse_date_value(text, dayfirst=dayfirst)
    assert value is None or value.precision in ("year", "month", "day", "minute", "second")


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?)?(Z|[+-][0-9]{2}:[0-9]{2})?\Z"))
def test_parse_iso_like_round_trips(text):
    value = parse_date_value(text)
    if value is not None:  # re-parsing the normalised value gives the same value
        assert parse_date_value(value.iso) == value


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)),
       st.sampled_from(["date", "minute", "second"]),
       st.sampled_from(["", "Z", "+05:30", "-08:00"]))
def test_real_iso_dates_parse_to_themselves_and_round_trip(moment, precision, zone):
    text = {"date": moment.strftime("%Y-%m-%d"), "minute": moment.strftime("%Y-%m-%dT%H:%M"),
            "second": moment.strftime("%Y-%m-%dT%H:%M:%S")}[precision] + ("" if precision == "date" else zone)
    value = parse_date_value(text)
    assert value is not None, text
    assert value.precision == {"date": "day"}.get(precision, precision)
    assert value.iso.startswith(moment.strftime("%Y-%m-%d"))
    assert parse_date_value(value.iso) == value


def test_latest_instant_is_the_end_of_the_utc_span_a_value_stands_for():
    assert latest_instant(parse_date_value("2021-03-10T02:00:00Z")) == datetime(2021, 3, 10, 2, 0, 1)
    assert latest_instant(parse_date_value("2021-03-09T23:30:00-05:00")) == datetime(2021, 3, 10, 4, 30, 1)
    assert latest_instant(parse_date_value("2021-03-10")) == datetime(2021, 3, 11, 14, 0)  # a local day, widened
    assert latest_instant(DateValue("not a date", "day")) is None


def test_unpreceded_keeps_the_dates_no_other_is_certainly_before():
    from provenance.dates import unpreceded

    day = parse_date_value("1999-10-04")
    dates = [parse_date_value("1999-10-05"), day, None, parse_date_value("1999-10"),
             parse_date_value("1999-10-04T15:20"), day]
    # the month holds both days (no order); the time is on the 4th, stated finer (no order)
    assert unpreceded(dates) == [False, True, True, True, True, True]
    assert unpreceded([]) == [] and unpreceded([None, None]) == [True, True]
    # many texts of a few dates: the same answer as comparing every pair
    many = [parse_date_value(f"1999-10-{1 + i % 3:02d}") for i in range(3000)]
    assert unpreceded(many) == [i % 3 == 0 for i in range(3000)]


_SOME_DATES = ["1999-10-04", "1999-10-05", "1999-10", "1999", "1999-10-04T15:20", "1999-10-04T23:30+09:00",
               "1999-10-05T01:00Z", "2000-01-01"]


@given(st.lists(st.sampled_from(_SOME_DATES + [None]), max_size=12))
@settings(max_examples=200, deadline=None)
def test_unpreceded_is_the_pairwise_rule(texts):
    from provenance.dates import unpreceded

    dates = [parse_date_value(t) if t else None for t in texts]
    pairwise = [d is None or not any(o is not None and compare_dates(o, d) == -1 for o in dates) for d in dates]
    assert unpreceded(dates) == pairwise
