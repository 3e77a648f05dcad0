"""BPA entitlement guidance (``helhet.cases.rules.bpa``), pbrl § 2-1 d: pure, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helhet.cases.rules import InvalidInput
from helhet.cases.rules.bpa import NOTE_GUIDANCE, assess


@pytest.mark.parametrize(
    ("age", "hours", "lasting", "status"),
    [
        (40, 32, True, "rett"),
        (66, 40, True, "rett"),
        (40, Decimal("31.99"), True, "skjonn"),
        (40, 25, True, "skjonn"),
        (40, Decimal("24.99"), True, "ikke_rett"),
        (40, 0, True, "ikke_rett"),
        (67, 40, True, "ikke_rett"),
        (40, 40, False, "ikke_rett"),
    ],
)
def test_thresholds(age: int, hours: Decimal, lasting: bool, status: str) -> None:
    assert assess(age, hours, lasting).status == status


def test_right_kept_after_67_when_granted_before() -> None:
    result = assess(70, 40, True, granted_before_67=True)
    assert result.status == "rett"
    assert "innvilget før fylte 67 år" in result.reasons[0]


def test_reasons_are_norwegian_and_cite_the_law() -> None:
    result = assess(40, 28, True)
    assert any("vesentlig økt kostnad" in reason for reason in result.reasons)
    assert any("pasient- og brukerrettighetsloven § 2-1 d" in reason for reason in result.reasons)
    assert result.reasons[-1] == NOTE_GUIDANCE


def test_no_right_lists_every_reason_and_the_way_out() -> None:
    result = assess(70, 10, False)
    assert result.status == "ikke_rett"
    assert len(result.reasons) == 5
    assert "under 67 år" in result.reasons[0]
    assert "mer enn to år" in result.reasons[1]
    assert "under 25 timer" in result.reasons[2]
    assert "§ 3-8" in result.reasons[3]


@pytest.mark.parametrize(("age", "hours"), [(-1, 10), (40, -1)])
def test_bad_input(age: int, hours: int) -> None:
    with pytest.raises(InvalidInput):
        assess(age, hours, True)


@given(age=st.integers(0, 66), a=st.integers(0, 168), b=st.integers(0, 168))
def test_more_hours_never_weaken_the_right(age: int, a: int, b: int) -> None:
    order = {"ikke_rett": 0, "skjonn": 1, "rett": 2}
    low, high = sorted((a, b))
    assert order[assess(age, low, True).status] <= order[assess(age, high, True).status]


@given(age=st.integers(0, 120), hours=st.integers(0, 168), lasting=st.booleans(), before=st.booleans())
def test_always_guidance(age: int, hours: int, lasting: bool, before: bool) -> None:
    result = assess(age, hours, lasting, granted_before_67=before)
    assert result.reasons and result.reasons[-1] == NOTE_GUIDANCE
    if result.status != "ikke_rett":
        assert lasting and hours >= 25 and (age < 67 or before)
