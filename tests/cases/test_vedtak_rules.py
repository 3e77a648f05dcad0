"""Vedtak rules (``helhet.cases.rules.vedtak``) and G (``grunnbelop``): pure, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helhet.cases.rules import InvalidInput
from helhet.cases.rules.grunnbelop import GRUNNBELOP, g_for_year, g_on
from helhet.cases.rules.tjenester import ScopeUnit
from helhet.cases.rules.vedtak import (
    MSG_MAX_HOURS,
    MSG_TOM_BEFORE_FOM,
    Omfang,
    disadvantages,
    expiring_within,
    hours_per_week_from_month,
    is_disadvantageous,
    overlaps,
    requires_vedtak,
    validate_period,
    validate_scope,
)

D = dt.date
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31))


@st.composite
def periods(draw: st.DrawFn) -> tuple[dt.date, dt.date | None]:
    """A valid period: f.o.m., and t.o.m. on or after it or open-ended (None)."""
    fom = draw(dates)
    length = draw(st.none() | st.integers(min_value=0, max_value=3_000))
    return fom, None if length is None else fom + dt.timedelta(days=length)


def message(exc_info: pytest.ExceptionInfo[InvalidInput]) -> str:
    return exc_info.value.message


# --- month → week, 168 hours --------------------------------------------------------------


def test_month_to_week_divides_by_four() -> None:
    assert hours_per_week_from_month(24) == Decimal(6)  # KPR's own example (iplos_kpr.md § 3.2)
    assert hours_per_week_from_month(Decimal(2)) == Decimal("0.5")


def test_168_hours_a_week_is_the_most() -> None:
    assert validate_scope(ScopeUnit.TIMER_PER_UKE, 168) == Decimal(168)
    with pytest.raises(InvalidInput) as info:
        validate_scope(ScopeUnit.TIMER_PER_UKE, Decimal("168.01"))
    assert message(info) == MSG_MAX_HOURS == "Et vedtak kan ikke gi mer enn 168 timer i uken."


def test_700_hours_a_month_is_175_a_week_and_refused() -> None:
    weekly = hours_per_week_from_month(700)
    assert weekly == 175
    with pytest.raises(InvalidInput) as info:
        validate_scope(ScopeUnit.TIMER_PER_UKE, weekly)
    assert message(info) == MSG_MAX_HOURS


def test_672_hours_a_month_is_exactly_168_a_week() -> None:
    assert validate_scope(ScopeUnit.TIMER_PER_UKE, hours_per_week_from_month(672)) == 168


@pytest.mark.parametrize("unit", [ScopeUnit.TIMER_PER_UKE, ScopeUnit.BESOK_PER_DAG, ScopeUnit.DOGN])
@pytest.mark.parametrize("amount", [0, -1, Decimal("-0.5")])
def test_scope_must_be_above_zero(unit: ScopeUnit, amount: Decimal) -> None:
    with pytest.raises(InvalidInput) as info:
        validate_scope(unit, amount)
    assert message(info) == "Omfanget må være større enn null."


def test_scope_must_be_given() -> None:
    with pytest.raises(InvalidInput) as info:
        validate_scope(ScopeUnit.BESOK_PER_UKE, None)
    assert message(info) == "Oppgi omfanget i besøk per uke."


def test_dogn_per_month_at_most_31() -> None:
    assert validate_scope(ScopeUnit.DOGN, 31) == 31
    with pytest.raises(InvalidInput):
        validate_scope(ScopeUnit.DOGN, 32)


def test_service_without_scope_takes_no_amount() -> None:
    assert validate_scope(ScopeUnit.INGEN, None) is None
    with pytest.raises(InvalidInput):
        validate_scope(ScopeUnit.INGEN, 3)


@given(h=st.decimals(min_value=0, max_value=10_000, places=2))
def test_month_rule_and_limit_agree(h: Decimal) -> None:
    weekly = hours_per_week_from_month(h)
    assert weekly * 4 == h
    if 0 < weekly <= 168:
        assert validate_scope(ScopeUnit.TIMER_PER_UKE, weekly) == weekly
    else:
        with pytest.raises(InvalidInput):
            validate_scope(ScopeUnit.TIMER_PER_UKE, weekly)


# --- 14 days --------------------------------------------------------------------------------


def test_vedtak_for_services_over_14_days() -> None:
    """Seed 004 lines 460-461: «Fatter vedtak på tjenester som forventes å vare over 14 dager.»"""
    assert not requires_vedtak(0)
    assert not requires_vedtak(14)
    assert requires_vedtak(15)
    with pytest.raises(InvalidInput):
        requires_vedtak(-1)


# --- period and overlap ---------------------------------------------------------------------


def test_period() -> None:
    validate_period(D(2019, 4, 12), D(2019, 6, 22))  # seed 004 line 1397
    validate_period(D(2019, 4, 12), D(2019, 4, 12))
    validate_period(D(2019, 4, 12), None)
    with pytest.raises(InvalidInput) as info:
        validate_period(D(2019, 4, 12), D(2019, 4, 11))
    assert message(info) == MSG_TOM_BEFORE_FOM == "Til-dato kan ikke være før fra-dato."
    with pytest.raises(InvalidInput):
        validate_period(None, None)


def test_overlap_examples() -> None:
    assert overlaps(D(2019, 1, 1), D(2019, 1, 31), D(2019, 1, 31), D(2019, 2, 28))  # inclusive ends
    assert not overlaps(D(2019, 1, 1), D(2019, 1, 31), D(2019, 2, 1), D(2019, 2, 28))
    assert overlaps(D(2019, 1, 1), None, D(2030, 1, 1), D(2030, 1, 2))  # open-ended
    assert not overlaps(D(2019, 1, 1), D(2019, 1, 2), D(2019, 1, 3), None)
    assert overlaps(D(2019, 1, 1), None, D(2018, 1, 1), None)


@given(a=periods(), b=periods())
def test_overlap_is_symmetric(a: tuple[dt.date, dt.date | None], b: tuple[dt.date, dt.date | None]) -> None:
    assert overlaps(*a, *b) == overlaps(*b, *a)


@given(a=periods())
def test_a_period_overlaps_itself(a: tuple[dt.date, dt.date | None]) -> None:
    assert overlaps(*a, *a)


@given(a=periods(), b=periods())
def test_overlap_means_a_shared_day(a: tuple[dt.date, dt.date | None], b: tuple[dt.date, dt.date | None]) -> None:
    far = D(9999, 12, 31)
    first_shared = max(a[0], b[0])
    last_shared = min(a[1] or far, b[1] or far)
    assert overlaps(*a, *b) == (first_shared <= last_shared)


def test_overlap_refuses_a_backwards_period() -> None:
    with pytest.raises(InvalidInput) as info:
        overlaps(D(2019, 1, 1), None, D(2019, 1, 2), D(2019, 1, 1))
    assert message(info) == MSG_TOM_BEFORE_FOM


# --- disadvantage (forvaltningsloven § 16) -----------------------------------------------------


HOURS = ScopeUnit.TIMER_PER_UKE


def omfang(amount: int | None, tom: dt.date | None = None, *, granted: bool = True, unit: ScopeUnit = HOURS) -> Omfang:
    return Omfang(granted=granted, unit=unit, amount=None if amount is None else Decimal(amount), tom=tom)


def test_less_is_disadvantageous() -> None:
    assert is_disadvantageous(omfang(10), omfang(8))
    assert disadvantages(omfang(10), omfang(8)) == ["Omfanget reduseres fra 10 til 8 timer per uke."]


def test_more_or_the_same_is_not() -> None:
    assert not is_disadvantageous(omfang(10), omfang(10))
    assert not is_disadvantageous(omfang(10), omfang(12))
    assert not is_disadvantageous(omfang(10, D(2019, 6, 1)), omfang(10, D(2019, 9, 1)))
    assert not is_disadvantageous(omfang(10, D(2019, 6, 1)), omfang(10, None))


def test_earlier_end_is_disadvantageous() -> None:
    assert is_disadvantageous(omfang(10, D(2019, 9, 1)), omfang(10, D(2019, 6, 1)))
    assert is_disadvantageous(omfang(10, None), omfang(10, D(2019, 6, 1)))


def test_refusal_or_stop_is_disadvantageous() -> None:
    assert disadvantages(omfang(10), omfang(None, granted=False)) == ["Tjenesten avslås eller opphører."]
    assert not is_disadvantageous(omfang(None, granted=False), omfang(None, granted=False))
    assert not is_disadvantageous(omfang(None, granted=False), omfang(3))


def test_changing_unit_counts_as_disadvantage() -> None:
    assert is_disadvantageous(omfang(10), omfang(2, unit=ScopeUnit.BESOK_PER_DAG))


@given(old=st.integers(1, 168), new=st.integers(1, 168))
def test_disadvantage_iff_less(old: int, new: int) -> None:
    assert is_disadvantageous(omfang(old), omfang(new)) == (new < old)


# --- expiry worklist ----------------------------------------------------------------------------


def test_expiring_within() -> None:
    today = D(2019, 6, 1)
    assert expiring_within(D(2019, 6, 1), today, 4)
    assert expiring_within(D(2019, 6, 29), today, 4)
    assert not expiring_within(D(2019, 6, 30), today, 4)
    assert not expiring_within(D(2019, 5, 31), today, 4)  # already over
    assert not expiring_within(None, today, 4)
    with pytest.raises(InvalidInput):
        expiring_within(D(2019, 6, 1), today, -1)


# --- G ----------------------------------------------------------------------------------------


def test_g_changes_on_1_may() -> None:
    assert g_on(D(2018, 4, 30)) == 93_634
    assert g_on(D(2018, 5, 1)) == 96_883
    assert g_on(D(2019, 4, 30)) == 96_883
    assert g_on(D(2019, 5, 1)) == 99_858
    assert g_for_year(2024) == 124_028
    assert g_on(D(2040, 1, 1)) == GRUNNBELOP[-1][1]


def test_g_table_covers_2015_to_2026_and_rises() -> None:
    years = [effective.year for effective, _ in GRUNNBELOP]
    assert years == list(range(2015, 2027))
    assert all(effective.month == 5 and effective.day == 1 for effective, _ in GRUNNBELOP)
    amounts = [amount for _, amount in GRUNNBELOP]
    assert amounts == sorted(amounts)
    assert amounts[0] == 90_068
    assert amounts[-1] == 136_549


def test_g_before_2015_is_unknown() -> None:
    with pytest.raises(InvalidInput) as info:
        g_on(D(2015, 4, 30))
    assert message(info) == "Grunnbeløpet før 01.05.2015 er ikke registrert i Helhet."
