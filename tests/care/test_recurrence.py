"""Planned visits from recurrence patterns (``helhet.care.rules.recurrence``).

Pure: no database. The examples pin RFC 5545's expansion on hand-checked calendars (2024: 1
January is a Monday, 29 February exists, summer time starts Sunday 31 March and ends Sunday 27
October), the Europe/Oslo handling of the DST changes (RFC 5545 § 3.3.5) and every Norwegian error
message. Hypothesis checks that no occurrence falls outside the range or the validity period, that
occurrences are sorted and unique, and that generating month by month gives what one long run
gives.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helhet.care.rules import OSLO, InvalidInput
from helhet.care.rules import recurrence as r
from helhet.care.rules.recurrence import (
    Freq,
    Occurrence,
    RecurrenceRule,
    VisitPattern,
    local_time,
    occurrences,
    parse_rrule,
    rule_dates,
)

D = dt.date
T = dt.time
HALF_HOUR = dt.timedelta(minutes=30)
MO, TU, WE, TH, FR, SA, SU = range(7)


JAN_1 = D(2024, 1, 1)


def pattern(
    rrule: str,
    valid_from: dt.date = JAN_1,
    valid_to: dt.date | None = None,
    window: tuple[dt.time, dt.time] = (T(8), T(9)),
    duration: dt.timedelta = HALF_HOUR,
    dtstart: dt.date | None = None,
) -> VisitPattern:
    return VisitPattern(rrule, valid_from, valid_to, window[0], window[1], duration, dtstart)


def days(rrule: str, start: dt.date, end: dt.date, **kwargs: object) -> list[dt.date]:
    return [o.date for o in occurrences(pattern(rrule, **kwargs), start, end)]  # type: ignore[arg-type]


# --- parsing -------------------------------------------------------------------------------------


def test_parse_the_issues_example() -> None:
    assert parse_rrule("FREQ=WEEKLY;BYDAY=MO,TH") == RecurrenceRule(Freq.WEEKLY, by_day=((0, MO), (0, TH)))


def test_parse_is_case_insensitive_and_takes_a_prefix() -> None:
    assert parse_rrule("RRULE:freq=weekly;byday=th,mo;") == parse_rrule("FREQ=WEEKLY;BYDAY=MO,TH")


def test_parse_every_supported_part() -> None:
    rule = parse_rrule("FREQ=MONTHLY;INTERVAL=2;UNTIL=20241231;BYDAY=1MO,-1FR;BYMONTHDAY=1,-1;BYMONTH=3,6;WKST=SU")
    assert rule == RecurrenceRule(
        freq=Freq.MONTHLY,
        interval=2,
        until=D(2024, 12, 31),
        by_day=((-1, FR), (1, MO)),
        by_month_day=(-1, 1),
        by_month=(3, 6),
        week_start=SU,
    )
    assert parse_rrule("FREQ=DAILY;COUNT=3").count == 3
    assert parse_rrule("FREQ=DAILY;UNTIL=20240110T070000Z").until == dt.datetime(2024, 1, 10, 7, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r.MSG_EMPTY),
        ("RRULE:", r.MSG_EMPTY),
        ("BYDAY=MO", r.MSG_NO_FREQ),
        ("FREQ=YEARLY", r.MSG_FREQ),
        ("FREQ=HOURLY", r.MSG_FREQ),
        ("FREQ=FORTNIGHTLY", r.MSG_FREQ),
        ("FREQ=WEEKLY;BYHOUR=8", r.MSG_CLOCK_IN_RULE.format(name="BYHOUR")),
        ("FREQ=WEEKLY;BYMINUTE=30", r.MSG_CLOCK_IN_RULE.format(name="BYMINUTE")),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", r.MSG_UNSUPPORTED.format(name="BYSETPOS")),
        ("FREQ=WEEKLY;BYWEEKNO=3", r.MSG_UNSUPPORTED.format(name="BYWEEKNO")),
        ("FREQ=WEEKLY;FOO=1", r.MSG_UNKNOWN.format(name="FOO")),
        ("FREQ=WEEKLY;FREQ=DAILY", r.MSG_DUPLICATE.format(name="FREQ")),
        ("FREQ", r.MSG_PART.format(part="FREQ")),
        ("FREQ=", r.MSG_PART.format(part="FREQ=")),
        ("FREQ=WEEKLY;INTERVAL=0", r.MSG_INTERVAL),
        ("FREQ=WEEKLY;INTERVAL=-2", r.MSG_INTERVAL),
        ("FREQ=WEEKLY;INTERVAL=1_0", r.MSG_INTERVAL),
        ("FREQ=WEEKLY;INTERVAL=to", r.MSG_INTERVAL),
        ("FREQ=DAILY;COUNT=0", r.MSG_COUNT),
        ("FREQ=DAILY;COUNT=3;UNTIL=20240101", r.MSG_COUNT_AND_UNTIL),
        ("FREQ=DAILY;UNTIL=2024-01-01", r.MSG_UNTIL),
        ("FREQ=DAILY;UNTIL=20240230", r.MSG_UNTIL),
        ("FREQ=DAILY;UNTIL=20240101T080000", r.MSG_UNTIL),  # a floating time: RFC 5545 wants UTC
        ("FREQ=WEEKLY;BYDAY=MA", r.MSG_WEEKDAY.format(value="MA")),
        ("FREQ=WEEKLY;BYDAY=MO,,TH", r.MSG_WEEKDAY.format(value="")),
        ("FREQ=WEEKLY;BYDAY=1MO", r.MSG_ORDINAL_FREQ),
        ("FREQ=DAILY;BYDAY=-1FR", r.MSG_ORDINAL_FREQ),
        ("FREQ=MONTHLY;BYDAY=6MO", r.MSG_ORDINAL),
        ("FREQ=MONTHLY;BYDAY=0MO", r.MSG_ORDINAL),
        ("FREQ=MONTHLY;BYMONTHDAY=32", r.MSG_MONTHDAY),
        ("FREQ=MONTHLY;BYMONTHDAY=0", r.MSG_MONTHDAY),
        ("FREQ=MONTHLY;BYMONTHDAY=x", r.MSG_MONTHDAY),
        ("FREQ=WEEKLY;BYMONTHDAY=1", r.MSG_MONTHDAY_WEEKLY),
        ("FREQ=DAILY;BYMONTH=13", r.MSG_MONTH),
        ("FREQ=DAILY;BYMONTH=-1", r.MSG_MONTH),
        ("FREQ=WEEKLY;WKST=XX", r.MSG_WEEKDAY.format(value="XX")),
    ],
)
def test_invalid_rrule_is_invalid_input_in_norwegian(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_rrule(text)
    assert info.value.message == message


def test_an_invalid_rrule_is_refused_when_the_pattern_is_made() -> None:
    with pytest.raises(InvalidInput) as info:
        pattern("FREQ=WEEKLY;BYDAY=MA")
    assert "ukedag" in info.value.message


# --- expansion -----------------------------------------------------------------------------------


def test_monday_and_thursday_starting_on_a_wednesday() -> None:
    """DTSTART counts only when it matches (as python-dateutil): the first visit is the Thursday."""
    assert days("FREQ=WEEKLY;BYDAY=MO,TH", D(2024, 1, 1), D(2024, 1, 15), valid_from=D(2024, 1, 3)) == [
        D(2024, 1, 4),
        D(2024, 1, 8),
        D(2024, 1, 11),
        D(2024, 1, 15),
    ]


def test_weekly_without_byday_repeats_the_first_days_weekday() -> None:
    assert days("FREQ=WEEKLY", D(2024, 1, 1), D(2024, 1, 31), valid_from=D(2024, 1, 10)) == [
        D(2024, 1, 10),
        D(2024, 1, 17),
        D(2024, 1, 24),
        D(2024, 1, 31),
    ]


def test_every_other_week_keeps_its_phase_from_dtstart() -> None:
    """«inntil 1 time hver andre uke» (seed 004 line 1502): a range starting mid-phase stays in phase."""
    every_other = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    expected = [D(2024, 1, 16), D(2024, 1, 30), D(2024, 2, 13)]
    assert days(every_other, D(2024, 1, 8), D(2024, 2, 14)) == expected  # phase from 1 January
    assert days(every_other, D(2024, 1, 8), D(2024, 2, 14), dtstart=D(2024, 1, 8)) == [
        D(2024, 1, 9),
        D(2024, 1, 23),
        D(2024, 2, 6),
    ]


def test_a_range_far_from_dtstart_keeps_the_phase() -> None:
    """Generating December from a pattern anchored on 1 January 2024 (the planner's monthly batch)."""
    assert days("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", D(2024, 12, 1), D(2024, 12, 31)) == [
        D(2024, 12, 3),  # 2 January + 24 × 14 days
        D(2024, 12, 17),
        D(2024, 12, 31),
    ]
    assert days("FREQ=DAILY;INTERVAL=3", D(2024, 12, 1), D(2024, 12, 6)) == [D(2024, 12, 2), D(2024, 12, 5)]
    assert days("FREQ=MONTHLY;INTERVAL=3", D(2024, 9, 1), D(2024, 12, 31)) == [D(2024, 10, 1)]


def test_wkst_decides_which_week_a_day_belongs_to() -> None:
    """RFC 5545's own example: WEEKLY;INTERVAL=2;BYDAY=TU,SU from Tue 5 August 1997, WKST=MO vs SU."""
    rule_mo = parse_rrule("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO")
    rule_su = parse_rrule("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU")
    start, end = D(1997, 8, 1), D(1997, 9, 30)
    assert rule_dates(rule_mo, D(1997, 8, 5), start, end) == [
        D(1997, 8, 5),
        D(1997, 8, 10),
        D(1997, 8, 19),
        D(1997, 8, 24),
    ]
    assert rule_dates(rule_su, D(1997, 8, 5), start, end) == [
        D(1997, 8, 5),
        D(1997, 8, 17),
        D(1997, 8, 19),
        D(1997, 8, 31),
    ]


def test_daily_with_interval_and_weekday_filter() -> None:
    assert days("FREQ=DAILY;INTERVAL=3", D(2024, 1, 1), D(2024, 1, 10)) == [
        D(2024, 1, 1),
        D(2024, 1, 4),
        D(2024, 1, 7),
        D(2024, 1, 10),
    ]
    weekdays = days("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", D(2024, 1, 5), D(2024, 1, 9))
    assert weekdays == [D(2024, 1, 5), D(2024, 1, 8), D(2024, 1, 9)]


def test_daily_with_month_days() -> None:
    assert days("FREQ=DAILY;BYMONTHDAY=-1", D(2024, 1, 1), D(2024, 4, 30)) == [
        D(2024, 1, 31),
        D(2024, 2, 29),
        D(2024, 3, 31),
        D(2024, 4, 30),
    ]
    assert days("FREQ=DAILY;BYMONTHDAY=1,15", D(2024, 1, 10), D(2024, 2, 14)) == [D(2024, 1, 15), D(2024, 2, 1)]


def test_monthly_on_the_31st_skips_short_months() -> None:
    assert days("FREQ=MONTHLY", D(2024, 1, 1), D(2024, 6, 30), valid_from=D(2024, 1, 31)) == [
        D(2024, 1, 31),
        D(2024, 3, 31),
        D(2024, 5, 31),
    ]


def test_monthly_last_day_and_numbered_weekdays() -> None:
    assert days("FREQ=MONTHLY;BYMONTHDAY=-1", D(2024, 1, 1), D(2024, 3, 31)) == [
        D(2024, 1, 31),
        D(2024, 2, 29),
        D(2024, 3, 31),
    ]
    assert days("FREQ=MONTHLY;BYDAY=-1FR", D(2024, 1, 1), D(2024, 3, 31)) == [
        D(2024, 1, 26),
        D(2024, 2, 23),
        D(2024, 3, 29),
    ]
    assert days("FREQ=MONTHLY;BYDAY=1MO,3MO", D(2024, 1, 1), D(2024, 2, 29)) == [
        D(2024, 1, 1),
        D(2024, 1, 15),
        D(2024, 2, 5),
        D(2024, 2, 19),
    ]
    assert days("FREQ=MONTHLY;BYDAY=5TH", D(2024, 1, 1), D(2024, 3, 31)) == [D(2024, 2, 29)]  # only Feb has 5


def test_monthly_byday_limits_bymonthday() -> None:
    """Friday the 13th (RFC 5545's example): BYDAY limits BYMONTHDAY in a MONTHLY rule."""
    assert days("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", D(2024, 1, 1), D(2024, 12, 31)) == [
        D(2024, 9, 13),
        D(2024, 12, 13),
    ]


def test_bymonth_limits() -> None:
    summer = days("FREQ=WEEKLY;BYDAY=SA;BYMONTH=6,7", D(2024, 5, 1), D(2024, 8, 31))
    assert summer[0] == D(2024, 6, 1)
    assert summer[-1] == D(2024, 7, 27)
    assert all(d.month in (6, 7) for d in summer)


def test_count_counts_from_dtstart_not_from_the_range() -> None:
    rule = "FREQ=WEEKLY;COUNT=4"
    assert days(rule, D(2024, 1, 15), D(2024, 2, 29)) == [D(2024, 1, 15), D(2024, 1, 22)]
    assert days(rule, D(2024, 1, 1), D(2024, 12, 31)) == [D(2024, 1, 1), D(2024, 1, 8), D(2024, 1, 15), D(2024, 1, 22)]


def test_until_is_inclusive() -> None:
    assert days("FREQ=DAILY;UNTIL=20240103", D(2024, 1, 1), D(2024, 1, 31)) == [
        D(2024, 1, 1),
        D(2024, 1, 2),
        D(2024, 1, 3),
    ]


def test_until_as_a_utc_time_compares_with_the_local_start() -> None:
    """08:00 in Oslo on 10 January is 07:00 UTC."""
    assert days("FREQ=DAILY;UNTIL=20240110T070000Z", D(2024, 1, 9), D(2024, 1, 31)) == [D(2024, 1, 9), D(2024, 1, 10)]
    assert days("FREQ=DAILY;UNTIL=20240110T065959Z", D(2024, 1, 9), D(2024, 1, 31)) == [D(2024, 1, 9)]


def test_a_rule_that_never_matches_gives_nothing_and_ends() -> None:
    assert days("FREQ=MONTHLY;BYMONTHDAY=30;BYMONTH=2", D(2024, 1, 1), D(2033, 12, 31)) == []
    assert days("FREQ=DAILY;INTERVAL=7;BYDAY=TU", D(2024, 1, 1), D(2025, 12, 31)) == []  # every 7th day: Mondays


# --- validity and range --------------------------------------------------------------------------


def test_never_outside_the_validity_period() -> None:
    daily = pattern("FREQ=DAILY", valid_from=D(2024, 1, 10), valid_to=D(2024, 1, 12))
    assert [o.date for o in occurrences(daily, D(2024, 1, 1), D(2024, 1, 31))] == [
        D(2024, 1, 10),
        D(2024, 1, 11),
        D(2024, 1, 12),
    ]
    assert occurrences(daily, D(2024, 2, 1), D(2024, 2, 29)) == []
    assert occurrences(daily, D(2023, 12, 1), D(2024, 1, 9)) == []


def test_an_anchor_before_validity_keeps_its_phase() -> None:
    """The tiltak was agreed from 1 January; its validity now starts on 10 January."""
    every_other = pattern("FREQ=WEEKLY;INTERVAL=2", valid_from=D(2024, 1, 10), dtstart=D(2024, 1, 1))
    assert [o.date for o in occurrences(every_other, D(2024, 1, 1), D(2024, 2, 15))] == [
        D(2024, 1, 15),
        D(2024, 1, 29),
        D(2024, 2, 12),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"valid_from": D(2024, 1, 10), "valid_to": D(2024, 1, 9)}, r.MSG_VALID_TO_BEFORE_FROM),
        ({"duration": dt.timedelta(0)}, r.MSG_DURATION),
        ({"duration": dt.timedelta(hours=-1)}, r.MSG_DURATION),
        ({"duration": dt.timedelta(hours=24, seconds=1)}, r.MSG_DURATION),
    ],
)
def test_bad_pattern(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput) as info:
        pattern("FREQ=DAILY", **kwargs)  # type: ignore[arg-type]
    assert info.value.message == message


def test_bad_range() -> None:
    daily = pattern("FREQ=DAILY")
    with pytest.raises(InvalidInput) as info:
        occurrences(daily, D(2024, 1, 2), D(2024, 1, 1))
    assert info.value.message == r.MSG_RANGE_END_BEFORE_START
    with pytest.raises(InvalidInput) as info:
        occurrences(daily, D(2024, 1, 1), D(2034, 1, 2))
    assert info.value.message == r.MSG_RANGE_TOO_LONG
    assert len(occurrences(daily, D(2024, 1, 1), D(2034, 1, 1))) == 3_654  # ten years is allowed


# --- local time and DST --------------------------------------------------------------------------


def test_the_window_keeps_its_wall_clock_time_through_the_spring_change() -> None:
    """Summer time starts Sunday 31 March 2024: 08:00 stays 08:00; the UTC offset moves +1 → +2."""
    week = occurrences(pattern("FREQ=DAILY"), D(2024, 3, 30), D(2024, 4, 1))
    assert [(o.window_start.time(), o.window_start.utcoffset()) for o in week] == [
        (T(8), dt.timedelta(hours=1)),
        (T(8), dt.timedelta(hours=2)),
        (T(8), dt.timedelta(hours=2)),
    ]
    assert all(o.window_end - o.window_start == dt.timedelta(hours=1) for o in week)
    assert all(o.window_start.tzinfo is OSLO for o in week)


def test_a_time_in_the_spring_gap_moves_forward() -> None:
    """02:30 does not exist on 31 March 2024: it is read with the offset before the gap → 03:30 CEST."""
    (sunday,) = occurrences(pattern("FREQ=DAILY", window=(T(2, 30), T(3, 30))), D(2024, 3, 31), D(2024, 3, 31))
    assert sunday.window_start == dt.datetime(2024, 3, 31, 1, 30, tzinfo=dt.UTC)
    assert (sunday.window_start.hour, sunday.window_start.minute) == (3, 30)
    assert sunday.window_end == sunday.window_start  # 03:30 exists: the window shrank to a point


def test_a_time_that_occurs_twice_in_autumn_is_the_first() -> None:
    """02:30 happens twice on 27 October 2024: the first, in summer time (UTC+2)."""
    (sunday,) = occurrences(pattern("FREQ=DAILY", window=(T(2, 30), T(3))), D(2024, 10, 27), D(2024, 10, 27))
    # An ambiguous time never compares equal across zones (PEP 495): compare in UTC.
    assert sunday.window_start.astimezone(dt.UTC) == dt.datetime(2024, 10, 27, 0, 30, tzinfo=dt.UTC)
    assert sunday.window_start.utcoffset() == dt.timedelta(hours=2)
    assert sunday.window_end.astimezone(dt.UTC) == dt.datetime(2024, 10, 27, 2, 0, tzinfo=dt.UTC)  # 03:00 CET


def test_planned_end_is_elapsed_time_across_the_autumn_change() -> None:
    (night,) = occurrences(
        pattern("FREQ=DAILY", window=(T(1, 30), T(1, 45)), duration=dt.timedelta(hours=2)),
        D(2024, 10, 27),
        D(2024, 10, 27),
    )
    # Same ZoneInfo on both sides would subtract wall clocks (1 h): compare in UTC.
    assert night.planned_end.astimezone(dt.UTC) - night.window_start.astimezone(dt.UTC) == dt.timedelta(hours=2)
    assert night.planned_end.astimezone(dt.UTC) == dt.datetime(2024, 10, 27, 1, 30, tzinfo=dt.UTC)
    assert (night.planned_end.hour, night.planned_end.minute, night.planned_end.fold) == (2, 30, 1)  # the second 02:30


def test_a_night_window_ends_the_next_day() -> None:
    (night,) = occurrences(pattern("FREQ=DAILY", window=(T(23), T(1))), D(2024, 1, 1), D(2024, 1, 1))
    assert night.date == D(2024, 1, 1)
    assert night.window_end == dt.datetime(2024, 1, 2, 1, tzinfo=OSLO)


def test_local_time_in_winter_and_summer() -> None:
    assert local_time(D(2024, 1, 15), T(8)).utcoffset() == dt.timedelta(hours=1)
    assert local_time(D(2024, 7, 15), T(8)).utcoffset() == dt.timedelta(hours=2)


# --- properties ----------------------------------------------------------------------------------

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@st.composite
def rrules(draw: st.DrawFn) -> str:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]))
    parts = [f"FREQ={freq}", f"INTERVAL={draw(st.integers(1, 4))}"]
    if draw(st.booleans()):
        weekdays = draw(st.lists(st.sampled_from(WEEKDAY_CODES), min_size=1, max_size=3, unique=True))
        if freq == "MONTHLY" and draw(st.booleans()):
            weekdays = [f"{draw(st.sampled_from([1, 2, -1]))}{w}" for w in weekdays]
        parts.append("BYDAY=" + ",".join(weekdays))
    if freq == "MONTHLY" and draw(st.booleans()):
        parts.append(f"BYMONTHDAY={draw(st.sampled_from([1, 15, 28, 31, -1]))}")
    ending = draw(st.sampled_from(["", "COUNT", "UNTIL"]))
    if ending == "COUNT":
        parts.append(f"COUNT={draw(st.integers(1, 30))}")
    elif ending == "UNTIL":
        parts.append(f"UNTIL={draw(st.dates(D(2024, 1, 1), D(2025, 12, 31))):%Y%m%d}")
    return ";".join(parts)


@st.composite
def patterns(draw: st.DrawFn) -> VisitPattern:
    valid_from = draw(st.dates(D(2024, 1, 1), D(2024, 12, 31)))
    valid_to = draw(st.none() | st.dates(valid_from, D(2025, 6, 30)))
    window_start = draw(st.times())
    window_end = draw(st.times())
    duration = dt.timedelta(minutes=draw(st.integers(1, 24 * 60)))
    dtstart = draw(st.none() | st.dates(D(2023, 6, 1), valid_from))
    return VisitPattern(draw(rrules()), valid_from, valid_to, window_start, window_end, duration, dtstart)


ranges = st.tuples(st.dates(D(2023, 12, 1), D(2025, 6, 30)), st.integers(0, 120)).map(
    lambda p: (p[0], p[0] + dt.timedelta(days=p[1]))
)


@given(p=patterns(), span=ranges)
def test_never_outside_validity_or_range_and_sorted_unique(p: VisitPattern, span: tuple[dt.date, dt.date]) -> None:
    result = occurrences(p, *span)
    dates = [o.date for o in result]
    assert dates == sorted(set(dates))
    for o in result:
        assert span[0] <= o.date <= span[1]
        assert p.valid_from <= o.date
        assert p.valid_to is None or o.date <= p.valid_to


@given(p=patterns(), span=ranges)
def test_each_occurrence_is_consistent(p: VisitPattern, span: tuple[dt.date, dt.date]) -> None:
    for o in occurrences(p, *span):
        assert isinstance(o, Occurrence)
        assert o.window_start.tzinfo is OSLO
        assert o.window_start.date() == o.date  # midnight always exists in Oslo
        start_utc = o.window_start.astimezone(dt.UTC)
        assert start_utc <= o.window_end.astimezone(dt.UTC)
        assert o.planned_end.astimezone(dt.UTC) - start_utc == p.duration  # elapsed time
        if p.rule.by_day and all(n == 0 for n, _ in p.rule.by_day) and p.rule.freq is not Freq.MONTHLY:
            assert o.date.weekday() in {w for _, w in p.rule.by_day}


@given(
    p=patterns(), start=st.dates(D(2023, 12, 1), D(2025, 6, 30)), first=st.integers(0, 60), second=st.integers(0, 60)
)
def test_generating_in_pieces_gives_the_same_as_one_run(
    p: VisitPattern, start: dt.date, first: int, second: int
) -> None:
    """A month at a time (the planner's batch) must not shift INTERVAL's phase or restart COUNT."""
    middle = start + dt.timedelta(days=first)
    end = middle + dt.timedelta(days=1 + second)
    pieces = occurrences(p, start, middle) + occurrences(p, middle + dt.timedelta(days=1), end)
    assert pieces == occurrences(p, start, end)


@given(rrule=rrules(), dtstart=st.dates(D(2023, 6, 1), D(2024, 12, 31)), span=ranges)
def test_a_later_range_is_the_tail_of_a_run_from_dtstart(
    rrule: str, dtstart: dt.date, span: tuple[dt.date, dt.date]
) -> None:
    """Skipping ahead to the range must give what walking from DTSTART gives."""
    rule = parse_rrule(rrule)
    walked = rule_dates(rule, dtstart, min(dtstart, span[0]), span[1])
    assert rule_dates(rule, dtstart, *span) == [d for d in walked if d >= span[0]]


@given(p=patterns())
def test_a_range_beyond_validity_gives_nothing(p: VisitPattern) -> None:
    before = p.valid_from - dt.timedelta(days=1)
    assert occurrences(p, before - dt.timedelta(days=60), before) == []
    if p.valid_to is not None:
        after = p.valid_to + dt.timedelta(days=1)
        assert occurrences(p, after, after + dt.timedelta(days=60)) == []


def test_matches_python_dateutil_where_it_is_installed() -> None:
    """A cross-check against the reference implementation; skipped unless python-dateutil is there."""
    rrule = pytest.importorskip("dateutil.rrule")
    for text in ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "FREQ=MONTHLY;BYDAY=-1FR,1MO", "FREQ=DAILY;INTERVAL=3;COUNT=20"):
        start = dt.datetime(2024, 1, 3)
        expected = [
            d.date() for d in rrule.rrulestr(text, dtstart=start).between(start, dt.datetime(2024, 12, 31), inc=True)
        ]
        assert rule_dates(parse_rrule(text), start.date(), start.date(), D(2024, 12, 31)) == expected


def test_a_window_starting_in_the_spring_gap_never_ends_before_it_starts() -> None:
    """Found by Hypothesis: 02:00:00.000001 does not exist on 31 March 2024 and moves to 03:00:00.000001."""
    p = VisitPattern(
        rrule="FREQ=DAILY",
        valid_from=dt.date(2024, 1, 1),
        valid_to=None,
        window_start=dt.time(2, 0, 0, 1),
        window_end=dt.time(3, 0),
        duration=dt.timedelta(minutes=1),
    )
    (o,) = occurrences(p, dt.date(2024, 3, 31), dt.date(2024, 3, 31))
    assert o.window_start.astimezone(dt.UTC) == o.window_end.astimezone(dt.UTC)
    assert o.window_start.astimezone(dt.UTC) == dt.datetime(2024, 3, 31, 1, 0, 0, 1, tzinfo=dt.UTC)
