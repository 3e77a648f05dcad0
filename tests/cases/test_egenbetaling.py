"""Egenbetaling (``helhet.cases.rules.egenbetaling``) against Oslo's 2019 table, seed 004 lines 1555-1561.

Pure: no database. The example tests pin every number in the seed's table; Hypothesis properties
check that the rule never charges more than the caps and never charges less for a higher income.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helhet.cases.rules import InvalidInput
from helhet.cases.rules.egenbetaling import (
    MSG_INCOME_MISSING,
    MSG_INCOME_NEGATIVE,
    OSLO_2019,
    Band,
    RateTable,
    calculate,
    charge_for_month,
    format_kr,
    is_chargeable,
)
from helhet.cases.rules.grunnbelop import g_on

# The seed's table, as printed (seed 004 lines 1557-1561).
G_2019 = 96_883
TWO_G, THREE_G, FOUR_G = 193_766, 290_649, 387_532
RATES = {"under 2G": 35, "2-3G": 76, "3-4G": 194, "4G+": 319}
MONTHLY_CAP_UNDER_2G = 210
YEARLY_CAPS = {"2-3G": 7_600, "3-4G": 19_400, "4G+": 31_900}

incomes = st.integers(min_value=0, max_value=5_000_000)
hours = st.decimals(min_value=0, max_value=672, places=2, allow_nan=False, allow_infinity=False)


def rate(income: int) -> int:
    return calculate(OSLO_2019, income, 1).hourly_rate


# --- the seed's table, exactly -------------------------------------------------------------


def test_table_is_the_seeds_2019_table() -> None:
    assert OSLO_2019.year == 2019
    assert OSLO_2019.g == G_2019
    assert [OSLO_2019.lower_kr(b) for b in OSLO_2019.bands] == [0, TWO_G, THREE_G, FOUR_G]
    assert [b.hourly_rate for b in OSLO_2019.bands] == list(RATES.values())
    assert OSLO_2019.monthly_cap_below_2g == MONTHLY_CAP_UNDER_2G
    assert OSLO_2019.hours_cap_per_year == 100


def test_g_is_the_g_in_force_on_1_january_2019() -> None:
    assert g_on(dt.date(2019, 1, 1)) == OSLO_2019.g


def test_thresholds_are_multiples_of_g() -> None:
    assert (2 * G_2019, 3 * G_2019, 4 * G_2019) == (TWO_G, THREE_G, FOUR_G)


@pytest.mark.parametrize(
    ("income", "expected_rate", "label"),
    [
        (0, 35, "under 2 G"),
        (TWO_G - 1, 35, "under 2 G"),
        (TWO_G, 76, "2–3 G"),
        (TWO_G + 1, 76, "2–3 G"),
        (THREE_G - 1, 76, "2–3 G"),
        (THREE_G, 194, "3–4 G"),
        (THREE_G + 1, 194, "3–4 G"),
        (FOUR_G - 1, 194, "3–4 G"),
        (FOUR_G, 319, "4 G og over"),
        (FOUR_G + 1, 319, "4 G og over"),
        (10_000_000, 319, "4 G og over"),
    ],
)
def test_band_boundaries(income: int, expected_rate: int, label: str) -> None:
    """«Inntil … (under 2 G)» / «Fra kr 193 766»: each band starts at its threshold, inclusive."""
    result = calculate(OSLO_2019, income, 4)
    assert result.hourly_rate == expected_rate
    assert result.band_label == label


def test_monthly_cap_under_2g_is_210_kr_six_hours() -> None:
    assert RATES["under 2G"] * 6 == MONTHLY_CAP_UNDER_2G  # «210 pr. mnd (6 timer)»
    assert calculate(OSLO_2019, 150_000, 6).monthly_amount == Decimal(210)
    assert calculate(OSLO_2019, 150_000, 5).monthly_amount == Decimal(175)
    assert calculate(OSLO_2019, 150_000, 7).monthly_amount == Decimal(210)
    capped = calculate(OSLO_2019, TWO_G - 1, 40)
    assert capped.monthly_amount == Decimal(210)
    assert capped.monthly_cap == 210
    assert "utgiftstaket er 210 kr i måneden" in capped.explanation


@pytest.mark.parametrize(
    ("income", "band"),
    [(TWO_G, "2-3G"), (THREE_G - 1, "2-3G"), (THREE_G, "3-4G"), (FOUR_G - 1, "3-4G"), (FOUR_G, "4G+")],
)
def test_yearly_caps_are_100_hours(income: int, band: str) -> None:
    result = calculate(OSLO_2019, income, 10)
    assert result.yearly_cap == YEARLY_CAPS[band] == 100 * RATES[band]
    assert result.monthly_cap is None
    assert result.monthly_amount == Decimal(10 * RATES[band])
    assert result.yearly_amount == Decimal(YEARLY_CAPS[band])  # 120 h a year, charged for 100
    assert f"maksimalt for 100 timer per år, det vil si {format_kr(YEARLY_CAPS[band])} kr" in result.explanation


def test_below_the_yearly_cap_the_year_is_twelve_months() -> None:
    result = calculate(OSLO_2019, 250_000, 2)  # 24 hours a year, far below 100
    assert result.monthly_amount == Decimal(152)
    assert result.yearly_amount == Decimal(12 * 152)


def test_seed_letter_one_hour_every_other_week() -> None:
    """The seed's letter grants «inntil 1 time hver andre uke» (line 1502): about 2 hours a month."""
    result = calculate(OSLO_2019, 300_000, Decimal("2.17"))
    assert result.hourly_rate == 194
    assert result.monthly_amount == Decimal("420.98")


def test_explanation_in_norwegian() -> None:
    result = calculate(OSLO_2019, 250_000, Decimal("2.5"))
    assert result.explanation == (
        "Husstandens inntekt på 250 000 kr er 2–3 G (193 766–290 648 kr), med G = 96 883 kr. "
        "Timesatsen er 76 kr. 2,5 timer i måneden koster 190 kr i måneden. "
        "Du betaler maksimalt for 100 timer per år, det vil si 7 600 kr."
    )


def test_a_month_is_charged_up_to_the_yearly_cap() -> None:
    result = calculate(OSLO_2019, 250_000, 20)  # 1 520 kr a month
    assert charge_for_month(result, 0) == Decimal(1_520)
    assert charge_for_month(result, 7_000) == Decimal(600)
    assert charge_for_month(result, 7_600) == Decimal(0)


# --- bad input ----------------------------------------------------------------------------


def test_missing_income() -> None:
    with pytest.raises(InvalidInput) as info:
        calculate(OSLO_2019, None, 4)
    assert info.value.message == MSG_INCOME_MISSING
    assert info.value.message.startswith("Oppgi husstandens samlede inntekt")


def test_negative_income() -> None:
    with pytest.raises(InvalidInput) as info:
        calculate(OSLO_2019, -1, 4)
    assert info.value.message == MSG_INCOME_NEGATIVE
    assert info.value.message.startswith("Oppgi husstandens samlede inntekt")


@pytest.mark.parametrize("bad", [Decimal(-1), Decimal(673)])
def test_bad_hours(bad: Decimal) -> None:
    with pytest.raises(InvalidInput):
        calculate(OSLO_2019, 250_000, bad)


def test_a_table_must_start_at_0_and_2_g_and_not_fall() -> None:
    with pytest.raises(ValueError):
        RateTable(2019, G_2019, (Band(1, 35), Band(2, 76)), 210, 100)
    with pytest.raises(ValueError):
        RateTable(2019, G_2019, (Band(0, 35), Band(3, 76)), 210, 100)
    with pytest.raises(ValueError):
        RateTable(2019, G_2019, (Band(0, 35), Band(2, 76), Band(3, 70)), 210, 100)


# --- what is chargeable -------------------------------------------------------------------


def test_only_praktisk_bistand_is_chargeable() -> None:
    assert is_chargeable("praktisk_bistand")
    assert is_chargeable(1)  # KPR code 1, praktisk bistand – daglige gjøremål
    assert not is_chargeable(15)  # KPR code 15, helsetjenester i hjemmet
    for free in ("helsetjenester_i_hjemmet", "bpa", "praktisk_bistand_opplaering", "trygghetsalarm"):
        assert not is_chargeable(free)


def test_unknown_service_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        is_chargeable("finnes_ikke")


# --- properties ---------------------------------------------------------------------------


@given(a=incomes, b=incomes)
def test_rate_is_monotonic_in_income(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert rate(low) <= rate(high)


@given(income=st.integers(min_value=0, max_value=TWO_G - 1), h=hours)
def test_never_above_the_monthly_cap_under_2g(income: int, h: Decimal) -> None:
    result = calculate(OSLO_2019, income, h)
    assert result.monthly_amount <= MONTHLY_CAP_UNDER_2G
    assert result.monthly_amount == min(35 * h, Decimal(MONTHLY_CAP_UNDER_2G)).quantize(Decimal("0.01"))


@given(income=incomes, h=hours)
def test_never_above_the_yearly_cap(income: int, h: Decimal) -> None:
    result = calculate(OSLO_2019, income, h)
    assert result.yearly_amount <= result.yearly_cap
    assert result.monthly_amount <= result.yearly_cap


@given(income=st.integers(min_value=TWO_G, max_value=5_000_000), h=st.decimals(min_value=0, max_value=100, places=2))
def test_from_2g_the_month_is_rate_times_hours(income: int, h: Decimal) -> None:
    result = calculate(OSLO_2019, income, h)
    assert result.monthly_amount == (result.hourly_rate * h).quantize(Decimal("0.01"))


@given(income=incomes)
def test_zero_hours_cost_nothing(income: int) -> None:
    result = calculate(OSLO_2019, income, 0)
    assert result.monthly_amount == 0
    assert result.yearly_amount == 0


@given(income=incomes, a=hours, b=hours)
def test_more_hours_never_cost_less(income: int, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert calculate(OSLO_2019, income, low).monthly_amount <= calculate(OSLO_2019, income, high).monthly_amount
