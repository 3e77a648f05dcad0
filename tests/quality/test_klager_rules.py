"""Pure rules for complaints on the service: deadline and the «all complaints answered» figures."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from helhet.quality.rules import klager as rules
from helhet.quality.rules.avvik_tall import Period


def row(i: int, received: date, answered: date | None = None) -> rules.KlageRow:
    return rules.KlageRow(
        id=i, unit="Enhet A", received=received, deadline=rules.answer_deadline(received), answered=answered
    )


def test_the_deadline_is_one_calendar_month_clamped_to_short_months() -> None:
    assert rules.answer_deadline(date(2026, 3, 15)) == date(2026, 4, 15)
    assert rules.answer_deadline(date(2026, 1, 31)) == date(2026, 2, 28)
    assert rules.answer_deadline(date(2028, 1, 31)) == date(2028, 2, 29)
    assert rules.answer_deadline(date(2026, 12, 10)) == date(2027, 1, 10)


@settings(max_examples=200)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_the_deadline_is_28_to_31_days_later(day: date) -> None:
    assert 28 <= (rules.answer_deadline(day) - day).days <= 31


def test_answered_share_counts_complaints_received_in_the_period_answered_by_its_end() -> None:
    period = Period(date(2026, 1, 1), date(2026, 6, 30))
    rows = [
        row(1, date(2026, 1, 10), date(2026, 1, 20)),
        row(2, date(2026, 6, 20), date(2026, 7, 2)),  # answered after the period end: not yet
        row(3, date(2026, 3, 1)),  # open
        row(4, date(2025, 12, 1), date(2026, 1, 2)),  # received before the period: not counted
    ]
    share = rules.answered_share(rows, period)
    assert share.ids == (1, 2, 3) and share.yes_ids == (1,) and set(share.no_ids) == {2, 3}
    assert share.share == 1 / 3
    assert rules.received(rows, period) == (1, 2, 3)


def test_all_answered_is_100_percent_and_empty_is_none() -> None:
    period = Period(date(2026, 1, 1), date(2026, 1, 31))
    assert rules.answered_share([row(1, date(2026, 1, 2), date(2026, 1, 3))], period).share == 1.0
    assert rules.answered_share([], period).share is None
    assert rules.percent(None) == "–" and rules.percent(1.0) == "100.0" and rules.percent(2 / 3) == "66.7"


def test_in_time_counts_complaints_whose_deadline_falls_in_the_period() -> None:
    period = Period(date(2026, 2, 1), date(2026, 2, 28))
    rows = [
        row(1, date(2026, 1, 5), date(2026, 2, 5)),  # deadline 5.2, answered on it: in time
        row(2, date(2026, 1, 10), date(2026, 2, 11)),  # deadline 10.2, a day late
        row(3, date(2026, 1, 20)),  # deadline 20.2, open: late
        row(4, date(2026, 2, 10), date(2026, 2, 12)),  # deadline in March: next period
    ]
    share = rules.answered_in_time_share(rows, period)
    assert share.ids == (1, 2, 3) and share.yes_ids == (1,) and share.no_ids == (2, 3)


def test_open_past_deadline_at_a_date() -> None:
    rows = [
        row(1, date(2026, 1, 1)),  # deadline 1.2
        row(2, date(2026, 1, 2), date(2026, 2, 5)),  # answered late, but answered
        row(3, date(2026, 1, 5)),  # deadline 5.2: due today is not late
        row(4, date(2026, 2, 10)),  # received after the date
    ]
    assert rules.open_past_deadline(rows, date(2026, 2, 5)) == (1,)
    assert rules.is_late(rows[1], date(2026, 3, 1)) and not rules.is_late(rows[2], date(2026, 2, 5))


def test_an_answer_dated_before_receipt_counts_on_the_day_received() -> None:
    r = row(1, date(2026, 3, 10), date(2026, 3, 1))
    assert r.answered_on() == date(2026, 3, 10)
    assert not rules.answered_share([r], Period(date(2026, 3, 1), date(2026, 3, 9))).ids


@settings(max_examples=150)
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.one_of(st.none(), st.integers(0, 60))),
        max_size=30,
    ),
    st.integers(0, 300),
    st.integers(1, 120),
)
def test_every_counted_row_is_either_yes_or_no(items: list[tuple[int, int | None]], start: int, length: int) -> None:
    base = date(2025, 1, 1)
    rows = [
        row(i, base + timedelta(days=r), None if a is None else base + timedelta(days=r + a))
        for i, (r, a) in enumerate(items)
    ]
    period = Period(base + timedelta(days=start), base + timedelta(days=start + length))
    for share in (rules.answered_share(rows, period), rules.answered_in_time_share(rows, period)):
        assert sorted(share.yes_ids + share.no_ids) == sorted(share.ids)
        assert share.share is None or 0 <= share.share <= 1
    late = set(rules.open_past_deadline(rows, period.end))
    assert all(rows[i].deadline < period.end and not rows[i].answered_by(period.end) for i in late)  # type: ignore[index]
