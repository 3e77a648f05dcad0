"""The BPA hours budget: weekly vedtak hours → the year's and the month's budget, use and forecast.

The formula is the fact sheet's interpretation (§ 1.4): hours per week × the weeks of the vedtak
period in the calendar year, pro rata for a mid-year start or end; the month a pro-rata share.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helhet.bpa.rules.budsjett import (
    Basis,
    Grant,
    InvalidGrant,
    beyond_budget,
    fmt_hours,
    month_budget,
    period_days,
    remaining_per_week,
    status,
    warnings,
    year_budget,
)

WHOLE_2026 = Grant(35, date(2026, 1, 1))


def test_a_whole_year_is_365_days_over_7() -> None:
    assert year_budget(WHOLE_2026, 2026) == pytest.approx(35 * 365 / 7)  # 1825 h
    assert year_budget(Grant(35, date(2020, 1, 1)), 2024) == pytest.approx(35 * 366 / 7)  # leap year


def test_the_52_week_convention_is_a_choice() -> None:
    assert year_budget(WHOLE_2026, 2026, basis="52-uker") == pytest.approx(35 * 52)
    half = Grant(35, date(2026, 7, 2))  # 183 of 365 days
    assert year_budget(half, 2026, basis="52-uker") == pytest.approx(35 * 52 * 183 / 365)


def test_a_mid_year_start_is_pro_rata_from_the_start_date() -> None:
    grant = Grant(32, date(2026, 3, 1))  # 1 March to 31 December: 306 days
    assert period_days(grant, 2026) == 306
    assert year_budget(grant, 2026) == pytest.approx(32 * 306 / 7)


def test_a_mid_year_end_and_other_years() -> None:
    grant = Grant(40, date(2025, 10, 1), date(2026, 6, 30))  # inclusive
    assert period_days(grant, 2025) == 92
    assert period_days(grant, 2026) == 181
    assert period_days(grant, 2027) == 0
    assert year_budget(grant, 2027) == 0
    assert year_budget(grant, 2026) == pytest.approx(40 * 181 / 7)


def test_the_months_share() -> None:
    assert month_budget(WHOLE_2026, 2026, 2) == pytest.approx(35 * 28 / 7)  # 140 h in February
    assert month_budget(WHOLE_2026, 2026, 3) == pytest.approx(35 * 31 / 7)
    started = Grant(35, date(2026, 3, 17))  # 15 days of March
    assert month_budget(started, 2026, 3) == pytest.approx(75)
    assert month_budget(started, 2026, 2) == 0


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0, 80, allow_nan=False),
    st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    st.integers(0, 900),
    st.sampled_from(["dager", "52-uker"]),
)
def test_the_months_add_up_to_the_year(hours: float, start: date, length: int, basis: Basis) -> None:
    grant = Grant(hours, start, start + timedelta(days=length))
    for year in (start.year, start.year + 1):
        months = sum(month_budget(grant, year, m, basis=basis) for m in range(1, 13))
        assert months == pytest.approx(year_budget(grant, year, basis=basis), abs=1e-6)


def test_a_grant_must_make_sense() -> None:
    with pytest.raises(InvalidGrant, match="negativt"):
        Grant(-1, date(2026, 1, 1))
    with pytest.raises(InvalidGrant, match="slutter"):
        Grant(35, date(2026, 5, 1), date(2026, 4, 30))


def test_status_per_month_and_year() -> None:
    used = [(date(2026, 1, 5), 150.0), (date(2026, 1, 20), 20.0), (date(2026, 2, 2), 100.0), (date(2025, 12, 31), 99.0)]
    state = status(WHOLE_2026, 2026, used, today=date(2026, 2, 28))
    assert state.used == 270
    assert state.months[0].used == 170 and state.months[0].over  # 170 of 155 in January
    assert state.months[1].used == 100 and not state.months[1].over
    assert state.months[0].remaining == pytest.approx(35 * 31 / 7 - 170)
    assert state.remaining == pytest.approx(1825 - 270)
    assert state.share == pytest.approx(270 / 1825)


def test_the_forecast_extrapolates_the_pace_so_far() -> None:
    # 59 days elapsed (1 Jan to 28 Feb), 300 h used: 300 / 59 × 365 = 1856 h = 102 % of 1825.
    state = status(WHOLE_2026, 2026, [(date(2026, 2, 1), 300.0)], today=date(2026, 2, 28))
    assert state.elapsed_days == 59
    assert state.forecast == pytest.approx(300 / 59 * 365)
    assert state.forecast_share == pytest.approx(300 / 59 * 365 / 1825)
    [warning] = warnings(state)
    assert warning.kind == "prognose"
    assert warning.message.startswith(
        "I dette tempoet brukes 102 % av årets timer: 1 855,9 t av 1 825 t innen 31.12.2026"
    )


def test_the_forecast_counts_from_a_mid_year_start() -> None:
    grant = Grant(35, date(2026, 7, 1))  # 184 days in 2026
    state = status(grant, 2026, [(date(2026, 7, 10), 100.0)], today=date(2026, 7, 20))
    assert state.elapsed_days == 20
    assert state.forecast == pytest.approx(100 / 20 * 184)


def test_no_forecast_before_the_vedtak_starts() -> None:
    state = status(Grant(35, date(2026, 7, 1)), 2026, [], today=date(2026, 6, 1))
    assert state.forecast is None and state.forecast_share is None
    assert warnings(state) == []


def test_on_pace_gives_no_warning() -> None:
    state = status(WHOLE_2026, 2026, [(date(2026, 1, 15), 150.0)], today=date(2026, 1, 31))
    assert state.forecast_share == pytest.approx(150 / 31 * 365 / 1825)
    assert warnings(state) == []


def test_beyond_the_years_budget() -> None:
    assert beyond_budget(WHOLE_2026, 2026, 1825) is None
    message = beyond_budget(WHOLE_2026, 2026, 1900)
    assert message is not None
    assert message.startswith("1 900 t i 2026 er 75 t over årets budsjett på 1 825 t (35 t per uke i vedtaket).")
    state = status(WHOLE_2026, 2026, [(date(2026, 11, 1), 1900.0)], today=date(2026, 11, 30))
    assert [w.kind for w in warnings(state)] == ["over_budsjett"]


def test_beyond_names_a_part_year_period() -> None:
    message = beyond_budget(Grant(10, date(2026, 7, 1)), 2026, 500)
    assert message is not None and "(10 t per uke i vedtaket, 1.7.2026–31.12.2026)" in message


def test_remaining_per_week() -> None:
    state = status(WHOLE_2026, 2026, [(date(2026, 6, 1), 1000.0)], today=date(2026, 6, 30))
    assert remaining_per_week(state, date(2026, 6, 30)) == pytest.approx(825 / 184 * 7)
    assert remaining_per_week(state, date(2026, 12, 31)) is None


def test_fmt_hours() -> None:
    assert [fmt_hours(h) for h in (1825, 37.5, 0, 12345.67)] == ["1 825 t", "37,5 t", "0 t", "12 345,7 t"]
