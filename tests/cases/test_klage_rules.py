"""Complaint deadline (``helhet.cases.rules.klage``): four weeks from receipt, pure, no database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helhet.cases.rules import InvalidInput
from helhet.cases.rules.klage import (
    assess,
    deadline,
    easter_sunday,
    is_late,
    is_working_day,
    may_still_be_considered,
    one_year_after,
    public_holidays,
)

D = dt.date
received_dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31))


def test_four_weeks_from_receipt() -> None:
    """«Klagefristen er fire uker fra vedtaket kom fram til deg» (seed 004 line 1442)."""
    assert deadline(D(2019, 4, 12)) == D(2019, 5, 10)  # Friday → Friday


def test_a_deadline_on_a_weekend_moves_to_monday() -> None:
    assert deadline(D(2019, 4, 13)) == D(2019, 5, 13)  # Saturday 11 May → Monday 13 May
    assert deadline(D(2019, 4, 14)) == D(2019, 5, 13)  # Sunday 12 May → Monday 13 May


def test_a_deadline_on_a_holiday_moves_to_the_next_working_day() -> None:
    assert deadline(D(2019, 4, 19)) == D(2019, 5, 20)  # Friday 17 May → Monday 20 May
    assert deadline(D(2019, 11, 27)) == D(2019, 12, 27)  # 25 Dec → 26 Dec → 27 Dec
    assert deadline(D(2025, 3, 20)) == D(2025, 4, 22)  # skjærtorsdag 17 Apr … 2. påskedag 21 Apr


def test_easter_and_moving_holidays() -> None:
    assert easter_sunday(2019) == D(2019, 4, 21)
    assert easter_sunday(2024) == D(2024, 3, 31)
    assert easter_sunday(2025) == D(2025, 4, 20)
    holidays = public_holidays(2019)
    assert D(2019, 4, 18) in holidays  # skjærtorsdag
    assert D(2019, 5, 30) in holidays  # Kristi himmelfartsdag
    assert D(2019, 6, 10) in holidays  # 2. pinsedag
    assert D(2019, 5, 1) in holidays
    assert D(2019, 12, 24) not in holidays  # julaften is a working day in law
    assert len(holidays) == 12


def test_in_time_and_late() -> None:
    received = D(2019, 4, 12)
    assert not is_late(received, D(2019, 5, 10))
    assert is_late(received, D(2019, 5, 11))


def test_posted_in_time_is_in_time() -> None:
    received = D(2019, 4, 12)
    assert not is_late(received, D(2019, 5, 14), complaint_sent=D(2019, 5, 10))
    assert is_late(received, D(2019, 5, 14), complaint_sent=D(2019, 5, 13))
    with pytest.raises(InvalidInput):
        is_late(received, D(2019, 5, 1), complaint_sent=D(2019, 5, 2))


def test_late_complaint_is_flagged_not_refused() -> None:
    result = assess(D(2019, 4, 12), D(2019, 5, 20))
    assert result.late
    assert result.deadline == D(2019, 5, 10)
    assert result.message.startswith("Klagen kom etter fristen (10.05.2019). Den er registrert")
    assert "forvaltningsloven § 31" in result.message
    on_time = assess(D(2019, 4, 12), D(2019, 5, 2))
    assert not on_time.late
    assert on_time.message == "Klagen kom innen fristen (10.05.2019)."


def test_after_one_year_it_says_so() -> None:
    result = assess(D(2019, 4, 12), D(2020, 4, 20), vedtak_made=D(2019, 4, 10))
    assert "mer enn ett år" in result.message
    assert may_still_be_considered(D(2019, 4, 10), D(2020, 4, 10))
    assert not may_still_be_considered(D(2019, 4, 10), D(2020, 4, 11))
    assert one_year_after(D(2020, 2, 29)) == D(2021, 2, 28)


@given(received=received_dates)
def test_deadline_is_four_weeks_or_a_few_days_more_and_a_working_day(received: dt.date) -> None:
    last = deadline(received)
    assert is_working_day(last)
    assert dt.timedelta(weeks=4) <= last - received <= dt.timedelta(weeks=4, days=5)
    assert not is_late(received, last)
    assert is_late(received, last + dt.timedelta(days=1))


@given(received=received_dates, later=st.integers(0, 10))
def test_a_later_receipt_never_gives_an_earlier_deadline(received: dt.date, later: int) -> None:
    assert deadline(received) <= deadline(received + dt.timedelta(days=later))
