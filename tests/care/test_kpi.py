"""Measured delivery (``helhet.care.rules.kpi``): each formula pinned on small hand-made data.

Pure: no database. The example tests fix every figure of issue 4, point 5 by hand (seed 000 lines
637-670 for the integrities, seed 004 lines 15 and 291-313 for «få og kjente fjes»); Hypothesis
properties check that shares stay in [0, 1], that more delivery never lowers delivered hours, and
that weeks and months add up to the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helhet.care.rules import OSLO, InvalidInput
from helhet.care.rules.kpi import (
    MSG_CHECK_OUT_BEFORE_CHECK_IN,
    MSG_CHECK_OUT_WITHOUT_CHECK_IN,
    MSG_NEGATIVE_TOLERANCE,
    MSG_OVERLAPPING_SCOPES,
    MSG_PERFORMED_WITHOUT_CHECK_IN,
    MSG_PERIOD_END_BEFORE_START,
    MSG_TOM_BEFORE_FOM,
    MSG_WINDOW_DAYS,
    Checklist,
    ChecklistStep,
    DeliveredVisit,
    DeliveryFigure,
    GrantedScope,
    PersonTeam,
    VisitStatus,
    behandlingsintegritet,
    hours,
    is_on_time,
    iso_weeks,
    kontinuitet,
    kontraktsintegritet,
    local_midnight,
    months,
    per_provider,
    percent,
    punktlighet,
)

PERFORMED, CANCELLED, MISSED, PLANNED = (
    VisitStatus.PERFORMED,
    VisitStatus.CANCELLED,
    VisitStatus.MISSED,
    VisitStatus.PLANNED,
)
VEDTAK, PROVIDER, PERSON = 10, 20, 30
JAN_2024 = (dt.date(2024, 1, 1), dt.date(2024, 1, 31))  # 2024-01-01 is a Monday (ISO week 1)
WEEK_1 = (dt.date(2024, 1, 1), dt.date(2024, 1, 7))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, fold: int = 0) -> dt.datetime:
    """A local time in Oslo."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=OSLO, fold=fold)


_ids = iter(range(1, 10**9))


def visit(
    start: dt.datetime,
    end: dt.datetime | None = None,
    status: VisitStatus = PERFORMED,
    **kwargs: Any,
) -> DeliveredVisit:
    """A visit planned at ``start``; performed ones are checked in at ``start`` and out at ``end``."""
    performed = status is PERFORMED
    values: dict[str, Any] = {
        "visit_id": next(_ids),
        "vedtak_id": VEDTAK,
        "provider_id": PROVIDER,
        "person_id": PERSON,
        "planned_start": start,
        "status": status,
        "check_in": start if performed else None,
        "check_out": end if performed else None,
    }
    values.update(kwargs)
    return DeliveredVisit(**values)


def scope(
    hours_per_week: int | str | None = 7, fom: dt.date = dt.date(2023, 1, 1), tom: dt.date | None = None, **kwargs: Any
) -> GrantedScope:
    values: dict[str, Any] = {
        "vedtak_id": VEDTAK,
        "provider_id": PROVIDER,
        "fom": fom,
        "tom": tom,
        "hours_per_week": None if hours_per_week is None else Decimal(hours_per_week),
    }
    values.update(kwargs)
    return GrantedScope(**values)


def figure(
    figures: list[DeliveryFigure], label: str, vedtak_id: int = VEDTAK, provider_id: int = PROVIDER
) -> DeliveryFigure:
    (found,) = [f for f in figures if f.label == label and f.vedtak_id == vedtak_id and f.provider_id == provider_id]
    return found


# --- kontraktsintegritet: hours -------------------------------------------------------------------


def test_one_full_week_granted_against_delivered() -> None:
    """7 h/week over a whole ISO week; three visits of 1 h, 30 min and 2 h delivered, one cancelled."""
    visits = [
        visit(at(2024, 1, 1, 8), at(2024, 1, 1, 9)),
        visit(at(2024, 1, 3, 8), at(2024, 1, 3, 8, 30)),
        visit(at(2024, 1, 5, 8), at(2024, 1, 5, 10)),
        visit(at(2024, 1, 6, 8), status=CANCELLED),
    ]
    week = figure(kontraktsintegritet([scope(7)], visits, WEEK_1), "2024-W01")
    assert (week.kind, week.start, week.end, week.days_in_force) == ("week", *WEEK_1, 7)
    assert week.granted_hours == 7
    assert week.delivered_hours == Fraction(7, 2)
    assert week.hours_ratio == Fraction(1, 2)
    assert (week.visits_planned, week.visits_performed, week.performed_share) == (4, 3, Fraction(3, 4))
    assert week.rows == tuple(visits)


def test_partial_weeks_at_both_ends_of_the_period() -> None:
    """Period Wed 3 – Tue 9 January: week 1 counts 5 days, week 2 counts 2, the month 7."""
    figures = kontraktsintegritet([scope(10)], [], (dt.date(2024, 1, 3), dt.date(2024, 1, 9)))
    assert [(f.kind, f.label, f.start, f.end, f.days_in_force, f.granted_hours) for f in figures] == [
        ("week", "2024-W01", dt.date(2024, 1, 3), dt.date(2024, 1, 7), 5, Fraction(50, 7)),
        ("week", "2024-W02", dt.date(2024, 1, 8), dt.date(2024, 1, 9), 2, Fraction(20, 7)),
        ("month", "2024-01", dt.date(2024, 1, 3), dt.date(2024, 1, 9), 7, Fraction(10)),
    ]
    assert all(f.delivered_hours == 0 and f.hours_ratio == 0 for f in figures)  # granted, nothing delivered


def test_a_vedtak_starting_mid_month() -> None:
    """Granted from Thu 15 February 2024 (a leap year): 15 days of February, 4 days of week 7."""
    figures = kontraktsintegritet([scope(7, fom=dt.date(2024, 2, 15))], [], (dt.date(2024, 2, 1), dt.date(2024, 2, 29)))
    assert [f.label for f in figures] == ["2024-W07", "2024-W08", "2024-W09", "2024-02"]  # weeks before f.o.m.: none
    assert figure(figures, "2024-W07").granted_hours == 4
    assert figure(figures, "2024-02").granted_hours == 15
    assert figure(figures, "2024-02").days_in_force == 15


def test_a_vedtak_ending_mid_week_and_tom_is_inclusive() -> None:
    figures = kontraktsintegritet([scope(14, tom=dt.date(2024, 1, 3))], [], WEEK_1)
    assert figure(figures, "2024-W01").granted_hours == 6  # Mon–Wed: 14 × 3 / 7


def test_a_visit_across_midnight_is_split_between_weeks() -> None:
    """Sun 7 January 23:00 → Mon 8 January 01:30: 1 h in week 1, 1.5 h in week 2, 2.5 h in January."""
    night = visit(at(2024, 1, 7, 23), at(2024, 1, 8, 1, 30))
    figures = kontraktsintegritet([scope(7)], [night], JAN_2024)
    assert figure(figures, "2024-W01").delivered_hours == 1
    assert figure(figures, "2024-W02").delivered_hours == Fraction(3, 2)
    assert figure(figures, "2024-01").delivered_hours == Fraction(5, 2)
    assert night in figure(figures, "2024-W02").rows  # the week it spills into opens to it too
    assert figure(figures, "2024-W02").visits_planned == 0  # but it is counted where it was planned
    assert figure(figures, "2024-W01").visits_planned == 1


def test_visits_are_counted_by_their_local_planned_date() -> None:
    """Monday 8 January 00:30 in Oslo is still Sunday 23:30 in UTC: it belongs to week 2."""
    early = visit(at(2024, 1, 8, 0, 30), at(2024, 1, 8, 1))
    figures = kontraktsintegritet([scope(7)], [early], JAN_2024)
    assert figure(figures, "2024-W01").visits_planned == 0
    assert figure(figures, "2024-W02").visits_planned == 1


def test_a_visit_across_the_month_end_is_split_between_months() -> None:
    night = visit(at(2024, 1, 31, 23, 30), at(2024, 2, 1, 0, 30))
    figures = kontraktsintegritet([scope(7)], [night], (dt.date(2024, 1, 29), dt.date(2024, 2, 4)))
    assert figure(figures, "2024-01").delivered_hours == Fraction(1, 2)
    assert figure(figures, "2024-02").delivered_hours == Fraction(1, 2)
    assert figure(figures, "2024-W05").delivered_hours == 1


def test_delivery_is_clipped_to_the_period() -> None:
    """A visit across the period's last midnight counts only up to it."""
    late = visit(at(2024, 1, 7, 23, 15), at(2024, 1, 8, 0, 45))
    week = figure(kontraktsintegritet([scope(7)], [late], WEEK_1), "2024-W01")
    assert week.delivered_hours == Fraction(3, 4)


def test_hours_are_elapsed_time_across_the_autumn_dst_change() -> None:
    """27 October 2024: 01:30 summer time → 02:30 winter time is two hours that really passed."""
    check_in = at(2024, 10, 27, 1, 30)
    check_out = at(2024, 10, 27, 2, 30, fold=1)
    assert check_in.utcoffset() == dt.timedelta(hours=2)
    assert check_out.utcoffset() == dt.timedelta(hours=1)
    night = visit(check_in, check_out)
    week = figure(kontraktsintegritet([scope(7)], [night], (dt.date(2024, 10, 21), dt.date(2024, 10, 27))), "2024-W43")
    assert week.delivered_hours == 2


def test_check_out_in_the_repeated_autumn_hour_is_after_check_in() -> None:
    """02:30 summer time → 02:10 winter time: earlier on the wall clock, 40 minutes later in fact."""
    night = visit(at(2024, 10, 27, 2, 30), at(2024, 10, 27, 2, 10, fold=1))
    assert hours(night.delivered_between(at(2024, 10, 27), at(2024, 10, 28))) == Fraction(2, 3)


def test_cancelled_missed_and_planned_visits_deliver_nothing() -> None:
    not_home = visit(at(2024, 1, 2, 8), status=MISSED, check_in=at(2024, 1, 2, 8), check_out=at(2024, 1, 2, 8, 5))
    visits = [
        visit(at(2024, 1, 1, 8), status=CANCELLED),
        not_home,
        visit(at(2024, 1, 3, 8), status=PLANNED),
        visit(at(2024, 1, 4, 8), None),  # performed, not checked out yet
    ]
    week = figure(kontraktsintegritet([scope(7)], visits, WEEK_1), "2024-W01")
    assert week.delivered_hours == 0
    assert (week.visits_planned, week.visits_performed) == (4, 1)
    assert week.rows == tuple(visits)
    assert not_home.delivered_between(at(2024, 1, 1), at(2024, 1, 8)) == dt.timedelta(0)


def test_ratio_above_one_when_more_is_delivered_than_granted() -> None:
    visits = [visit(at(2024, 1, d, 8), at(2024, 1, d, 10)) for d in range(1, 8)]  # 14 h
    assert figure(kontraktsintegritet([scope(7)], visits, WEEK_1), "2024-W01").hours_ratio == 2


def test_a_scope_changed_mid_week_sums_both_parts() -> None:
    """7 h/week Mon–Wed, then 14 h/week Thu–Sun: 3 + 8 = 11 hours in week 1."""
    scopes = [scope(7, tom=dt.date(2024, 1, 3)), scope(14, fom=dt.date(2024, 1, 4))]
    week = figure(kontraktsintegritet(scopes, [], WEEK_1), "2024-W01")
    assert week.granted_hours == 11
    assert week.scopes == tuple(scopes)


def test_a_provider_switch_gives_each_provider_its_own_figures() -> None:
    """Brukervalg: provider 20 until Wed 3 January, provider 21 from Thursday."""
    scopes = [scope(7, tom=dt.date(2024, 1, 3)), scope(7, fom=dt.date(2024, 1, 4), provider_id=21)]
    visits = [visit(at(2024, 1, 2, 8), at(2024, 1, 2, 9)), visit(at(2024, 1, 5, 8), at(2024, 1, 5, 10), provider_id=21)]
    figures = kontraktsintegritet(scopes, visits, WEEK_1)
    old, new = figure(figures, "2024-W01"), figure(figures, "2024-W01", provider_id=21)
    assert (old.granted_hours, old.delivered_hours, old.hours_ratio) == (3, 1, Fraction(1, 3))
    assert (new.granted_hours, new.delivered_hours, new.hours_ratio) == (4, 2, Fraction(1, 2))
    assert old.rows == (visits[0],)
    assert new.rows == (visits[1],)


def test_visits_of_other_vedtak_are_not_in_the_figure() -> None:
    mine = visit(at(2024, 1, 2, 8), at(2024, 1, 2, 9))
    other = visit(at(2024, 1, 2, 8), at(2024, 1, 2, 9), vedtak_id=99)
    figures = kontraktsintegritet([scope(7)], [mine, other], WEEK_1)
    assert figure(figures, "2024-W01").rows == (mine,)
    assert {f.vedtak_id for f in figures} == {VEDTAK}


# --- kontraktsintegritet: visits, competence, no data ---------------------------------------------


def test_granted_visits_morning_and_evening() -> None:
    """«besøk hver morgen og kveld» (seed 004 line 1390): 14 granted; 13 planned (Sunday evening was
    never planned), 11 performed, one missed, one cancelled."""
    visits = [visit(at(2024, 1, d, h), at(2024, 1, d, h, 20)) for d in range(1, 8) for h in (8, 20)][:13]
    visits[3] = visit(at(2024, 1, 2, 20), status=MISSED)
    visits[9] = visit(at(2024, 1, 5, 20), status=CANCELLED)
    week = figure(kontraktsintegritet([scope(None, visits_per_week=Decimal(14))], visits, WEEK_1), "2024-W01")
    assert week.granted_visits == 14
    assert (week.visits_planned, week.visits_performed) == (13, 11)
    assert week.visits_ratio == Fraction(11, 14)  # performed ÷ granted
    assert week.performed_share == Fraction(11, 13)  # performed ÷ planned
    assert week.granted_hours is None  # the scope is in visits, not hours
    assert week.hours_ratio is None
    assert week.delivered_hours == Fraction(11, 3)  # 11 × 20 minutes, delivered all the same


def test_competence_delivered_against_required() -> None:
    """Medication needs a nurse or an authorised helsefagarbeider (issue 4, point 1)."""
    medication = frozenset({"sykepleier", "autorisert_helsefagarbeider"})
    visits = [
        visit(
            at(2024, 1, 1, 8),
            at(2024, 1, 1, 9),
            required_competences=medication,
            staff_competences=frozenset({"sykepleier"}),
        ),
        visit(
            at(2024, 1, 2, 8),
            at(2024, 1, 2, 9),
            required_competences=medication,
            staff_competences=frozenset({"assistent"}),
        ),
        visit(
            at(2024, 1, 3, 8),
            at(2024, 1, 3, 9),
            required_competences=medication,
            staff_competences=frozenset({"autorisert_helsefagarbeider", "assistent"}),
        ),
        visit(at(2024, 1, 4, 8), at(2024, 1, 4, 9)),  # no requirement: not in the figure
        visit(at(2024, 1, 5, 8), status=MISSED, required_competences=medication),  # not performed: not in it
    ]
    week = figure(kontraktsintegritet([scope(7)], visits, WEEK_1), "2024-W01")
    assert (week.competence_met, week.competence_required) == (2, 3)
    assert week.competence_share == Fraction(2, 3)


def test_no_data_is_none_never_zero_or_hundred_percent() -> None:
    week = figure(kontraktsintegritet([scope(7)], [], WEEK_1), "2024-W01")
    assert week.performed_share is None
    assert week.competence_share is None
    assert week.visits_ratio is None  # no scope in visits
    # Visits outside the vedtak's period: nothing granted that week, so no ratio (not «infinite», not 0).
    before = visit(at(2024, 1, 2, 8), at(2024, 1, 2, 9))
    figures = kontraktsintegritet([scope(7, fom=dt.date(2024, 2, 1))], [before], JAN_2024)
    orphan = figure(figures, "2024-W01")
    assert (orphan.days_in_force, orphan.granted_hours, orphan.delivered_hours) == (0, 0, 1)
    assert orphan.hours_ratio is None


def test_a_bucket_with_neither_scope_nor_visits_is_left_out() -> None:
    figures = kontraktsintegritet([scope(7, fom=dt.date(2024, 1, 29))], [], JAN_2024)
    assert [f.label for f in figures] == ["2024-W05", "2024-01"]


def test_week_labels_follow_iso_years() -> None:
    """30 December 2024 is a Monday in ISO week 1 of 2025; 31 December 2023 is in week 52 of 2023."""
    assert [label for label, *_ in iso_weeks(dt.date(2024, 12, 28), dt.date(2025, 1, 6))] == [
        "2024-W52",
        "2025-W01",
        "2025-W02",
    ]
    assert iso_weeks(dt.date(2023, 12, 31), dt.date(2023, 12, 31)) == [
        ("2023-W52", dt.date(2023, 12, 31), dt.date(2023, 12, 31))
    ]
    assert months(dt.date(2024, 1, 31), dt.date(2024, 3, 1)) == [
        ("2024-01", dt.date(2024, 1, 31), dt.date(2024, 1, 31)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2024-03", dt.date(2024, 3, 1), dt.date(2024, 3, 1)),
    ]


def test_per_provider_sums_its_vedtak_like_for_like() -> None:
    scopes = [scope(7), scope(14, vedtak_id=11), scope(None, vedtak_id=12, visits_per_week=Decimal(7))]
    visits = [
        visit(at(2024, 1, 1, 8), at(2024, 1, 1, 10)),
        visit(at(2024, 1, 2, 8), at(2024, 1, 2, 13), vedtak_id=11),
        visit(at(2024, 1, 3, 8), at(2024, 1, 3, 9), vedtak_id=12),  # granted in visits: hours not summed
        visit(at(2024, 1, 4, 8), status=MISSED, vedtak_id=12),
    ]
    weekly = [p for p in per_provider(kontraktsintegritet(scopes, visits, WEEK_1)) if p.kind == "week"]
    (week,) = weekly
    assert (week.granted_hours, week.delivered_hours, week.hours_ratio) == (21, 7, Fraction(1, 3))
    assert (week.visits_planned, week.visits_performed, week.performed_share) == (4, 3, Fraction(3, 4))
    assert {f.vedtak_id for f in week.figures} == {10, 11, 12}


# --- kontraktsintegritet: bad input ---------------------------------------------------------------


def test_period_end_before_start() -> None:
    with pytest.raises(InvalidInput) as info:
        kontraktsintegritet([], [], (dt.date(2024, 2, 1), dt.date(2024, 1, 31)))
    assert info.value.message == MSG_PERIOD_END_BEFORE_START


def test_overlapping_scopes_for_one_vedtak_and_provider() -> None:
    with pytest.raises(InvalidInput) as info:
        kontraktsintegritet([scope(7, tom=dt.date(2024, 1, 3)), scope(7, fom=dt.date(2024, 1, 3))], [], WEEK_1)
    assert info.value.message == MSG_OVERLAPPING_SCOPES
    with pytest.raises(InvalidInput):  # an open-ended scope overlaps every later one
        kontraktsintegritet([scope(7), scope(7, fom=dt.date(2024, 1, 3))], [], WEEK_1)


def test_scope_tom_before_fom() -> None:
    with pytest.raises(InvalidInput) as info:
        scope(7, fom=dt.date(2024, 1, 3), tom=dt.date(2024, 1, 2))
    assert info.value.message == MSG_TOM_BEFORE_FOM


@pytest.mark.parametrize(
    ("check_in", "check_out", "status", "message"),
    [
        (at(2024, 1, 1, 9), at(2024, 1, 1, 8), PERFORMED, MSG_CHECK_OUT_BEFORE_CHECK_IN),
        (None, at(2024, 1, 1, 8), PERFORMED, MSG_CHECK_OUT_WITHOUT_CHECK_IN),
        (None, None, PERFORMED, MSG_PERFORMED_WITHOUT_CHECK_IN),
    ],
)
def test_bad_check_in_and_out(
    check_in: dt.datetime | None, check_out: dt.datetime | None, status: VisitStatus, message: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        visit(at(2024, 1, 1, 8), status=status, check_in=check_in, check_out=check_out)
    assert info.value.message == message


def test_naive_timestamps_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        visit(dt.datetime(2024, 1, 1, 8), dt.datetime(2024, 1, 1, 9))


# --- punktlighet ---------------------------------------------------------------------------------


def windowed(check_in: dt.datetime, **kwargs: Any) -> DeliveredVisit:
    """A visit agreed for 08:00–09:00 on 2 January, checked in at ``check_in``."""
    values: dict[str, Any] = {
        "window_start": at(2024, 1, 2, 8),
        "window_end": at(2024, 1, 2, 9),
        "check_in": check_in,
        "check_out": check_in + dt.timedelta(minutes=30),
    }
    values.update(kwargs)
    return visit(at(2024, 1, 2, 8), **values)


def test_punktlighet_bounds_are_inclusive() -> None:
    on_start = windowed(at(2024, 1, 2, 8))
    on_end = windowed(at(2024, 1, 2, 9))
    late = windowed(at(2024, 1, 2, 9, 0, 1))
    early = windowed(at(2024, 1, 2, 7, 59))
    no_window = windowed(at(2024, 1, 2, 12), window_start=None, window_end=None)
    cancelled = visit(at(2024, 1, 2, 8), status=CANCELLED, window_start=at(2024, 1, 2, 8), window_end=at(2024, 1, 2, 9))
    result = punktlighet([on_start, on_end, late, early, no_window, cancelled])
    assert (result.numerator, result.denominator, result.value) == (2, 4, Fraction(1, 2))
    assert result.rows == (on_start, on_end, late, early)
    assert result.excluded == (no_window,)
    assert [is_on_time(v) for v in result.rows] == [True, True, False, False]


def test_punktlighet_tolerance_widens_both_ends() -> None:
    visits = [windowed(at(2024, 1, 2, 7, 45)), windowed(at(2024, 1, 2, 9, 15)), windowed(at(2024, 1, 2, 9, 16))]
    assert punktlighet(visits).value == 0
    assert punktlighet(visits, dt.timedelta(minutes=15)).value == Fraction(2, 3)


def test_punktlighet_compares_instants_not_wall_clocks() -> None:
    """Check-ins recorded in UTC are compared with the Oslo window (08:00–09:00 = 07:00–08:00 UTC)."""
    on_time = windowed(dt.datetime(2024, 1, 2, 7, 30, tzinfo=dt.UTC))  # 08:30 in Oslo
    late = windowed(dt.datetime(2024, 1, 2, 8, 30, tzinfo=dt.UTC))  # 09:30 in Oslo
    result = punktlighet([on_time, late])
    assert result.value == Fraction(1, 2)
    assert [is_on_time(v) for v in result.rows] == [True, False]


def test_punktlighet_without_data_is_none() -> None:
    assert punktlighet([]).value is None
    only_unwindowed = punktlighet([windowed(at(2024, 1, 2, 8), window_start=None, window_end=None)])
    assert only_unwindowed.value is None
    assert len(only_unwindowed.excluded) == 1


def test_negative_tolerance() -> None:
    with pytest.raises(InvalidInput) as info:
        punktlighet([], dt.timedelta(minutes=-1))
    assert info.value.message == MSG_NEGATIVE_TOLERANCE


# --- kontinuitet ---------------------------------------------------------------------------------

PER = PersonTeam(person_id=PERSON, primaerkontakt_id=3, team_staff_ids=frozenset({1, 2}))


def by(staff_id: int | None, when: dt.datetime, **kwargs: Any) -> DeliveredVisit:
    return visit(when, when + dt.timedelta(minutes=30), staff_id=staff_id, **kwargs)


def test_kontinuitet_over_fourteen_days() -> None:
    """Window 1–14 January: staff 1, 1, 2 (team), 3 (primærkontakt), 4 and 5 (strangers), one unknown."""
    counted = [
        by(1, at(2024, 1, 1, 8)),
        by(1, at(2024, 1, 3, 8)),
        by(2, at(2024, 1, 5, 8)),
        by(3, at(2024, 1, 7, 8)),
        by(4, at(2024, 1, 9, 8)),
        by(5, at(2024, 1, 14, 23, 30)),
    ]
    unknown = by(None, at(2024, 1, 10, 8))
    outside = [
        by(6, at(2023, 12, 31, 23, 30)),  # the day before the window
        by(7, at(2024, 1, 15, 0, 0)),  # the day after
        by(8, at(2024, 1, 4, 8), person_id=31),  # another person
        visit(at(2024, 1, 4, 8), status=MISSED, staff_id=9),  # did not happen
    ]
    result = kontinuitet([*counted, unknown, *outside], PER, end=dt.date(2024, 1, 14))
    assert (result.start, result.end) == (dt.date(2024, 1, 1), dt.date(2024, 1, 14))
    assert result.distinct_staff == 5
    assert result.staff == frozenset({1, 2, 3, 4, 5})
    assert (result.known_share.numerator, result.known_share.denominator) == (4, 6)
    assert result.known_share.value == Fraction(2, 3)
    assert result.known_share.rows == tuple(counted)
    assert result.known_share.excluded == (unknown,)


def test_kontinuitet_places_visits_by_local_date() -> None:
    """31 December 23:30 UTC is 1 January 00:30 in Oslo: inside a window starting 1 January."""
    result = kontinuitet([by(1, dt.datetime(2023, 12, 31, 23, 30, tzinfo=dt.UTC))], PER, end=dt.date(2024, 1, 14))
    assert result.distinct_staff == 1


def test_kontinuitet_window_length() -> None:
    visits = [by(1, at(2024, 1, 1, 8)), by(2, at(2024, 1, 14, 8))]
    assert kontinuitet(visits, PER, window_days=1, end=dt.date(2024, 1, 14)).distinct_staff == 1
    assert kontinuitet(visits, PER, window_days=14, end=dt.date(2024, 1, 14)).distinct_staff == 2
    with pytest.raises(InvalidInput) as info:
        kontinuitet(visits, PER, window_days=0, end=dt.date(2024, 1, 14))
    assert info.value.message == MSG_WINDOW_DAYS


def test_kontinuitet_without_visits_is_none() -> None:
    result = kontinuitet([], PER, end=dt.date(2024, 1, 14))
    assert result.distinct_staff is None
    assert result.known_share.value is None
    only_unknown = kontinuitet([by(None, at(2024, 1, 2, 8))], PER, end=dt.date(2024, 1, 14))
    assert only_unknown.distinct_staff is None


def test_a_person_without_team_or_primaerkontakt_knows_nobody() -> None:
    alone = PersonTeam(person_id=PERSON, primaerkontakt_id=None)
    assert kontinuitet([by(1, at(2024, 1, 2, 8))], alone, end=dt.date(2024, 1, 14)).known_share.value == 0


# --- behandlingsintegritet -----------------------------------------------------------------------


def test_behandlingsintegritet_counts_steps() -> None:
    wound = Checklist(
        checklist_id=1,
        person_id=PERSON,
        procedure="sårstell",
        steps=(
            ChecklistStep("Vask hendene", performed=True),
            ChecklistStep("Fjern gammel bandasje", performed=True),
            ChecklistStep("Rens såret", performed=True),
            ChecklistStep("Mål såret", performed=False, reason="Målebånd manglet"),
            ChecklistStep("Legg ny bandasje", performed=True),
        ),
    )
    medication = Checklist(
        checklist_id=2,
        person_id=PERSON,
        procedure="legemiddelhåndtering",
        steps=(
            ChecklistStep("Kontroller dosett", True),
            ChecklistStep("Gi legemidler", True),
            ChecklistStep("Signer", True),
        ),
    )
    empty = Checklist(checklist_id=3, person_id=PERSON, procedure="tom", steps=())
    result = behandlingsintegritet([wound, medication, empty])
    assert (result.numerator, result.denominator, result.value) == (7, 8, Fraction(7, 8))
    assert result.rows == (wound, medication)
    assert result.excluded == (empty,)
    assert behandlingsintegritet([wound]).value == Fraction(4, 5)


def test_behandlingsintegritet_without_checklists_is_none() -> None:
    assert behandlingsintegritet([]).value is None
    assert behandlingsintegritet(iter([Checklist(1, PERSON, "tom", ())])).value is None


# --- helpers -------------------------------------------------------------------------------------


def test_percent_rounds_half_up_for_display() -> None:
    assert percent(Fraction(2, 3)) == Decimal("66.7")
    assert percent(Fraction(1, 8)) == Decimal("12.5")
    assert percent(Fraction(1, 8), places=0) == Decimal("13")
    assert percent(Fraction(1)) == Decimal("100.0")
    assert percent(None) is None


def test_hours_are_exact() -> None:
    assert hours(dt.timedelta(minutes=20)) == Fraction(1, 3)
    assert hours(dt.timedelta(microseconds=1)) == Fraction(1, 3_600_000_000)


# --- properties ----------------------------------------------------------------------------------

PERIOD = (dt.date(2024, 3, 25), dt.date(2024, 4, 21))  # four weeks, across the spring DST change
EPOCH = dt.datetime(2024, 3, 24, 12, tzinfo=dt.UTC)
# Whole minutes from 24 March noon to 22 April noon, shown in Oslo time (the spring gap cannot be drawn).
instants = st.integers(0, 29 * 24 * 60).map(lambda m: (EPOCH + dt.timedelta(minutes=m)).astimezone(OSLO))


def later(when: dt.datetime, minutes: int) -> dt.datetime:
    """``minutes`` of elapsed time after ``when``: add in UTC, since Oslo + timedelta adds wall clock."""
    return (when.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(OSLO)


staff_ids = st.none() | st.integers(1, 6)
competences = st.frozensets(st.sampled_from(["sykepleier", "autorisert_helsefagarbeider", "assistent"]), max_size=2)


@st.composite
def visits_strategy(draw: st.DrawFn) -> DeliveredVisit:
    start = draw(instants)
    status = draw(st.sampled_from([PERFORMED, PERFORMED, PERFORMED, CANCELLED, MISSED, PLANNED]))
    window = draw(st.none() | st.integers(0, 180))
    performed = status is PERFORMED
    check_in = later(start, draw(st.integers(-60, 120))) if performed else None
    check_out = None
    if check_in is not None and draw(st.integers(0, 4)) > 0:  # mostly checked out
        check_out = later(check_in, draw(st.integers(0, 600)))
    return DeliveredVisit(
        visit_id=draw(st.integers(1, 10**9)),
        vedtak_id=draw(st.sampled_from([VEDTAK, 11])),
        provider_id=PROVIDER,
        person_id=draw(st.sampled_from([PERSON, 31])),
        planned_start=start,
        status=status,
        window_start=None if window is None else start,
        window_end=None if window is None else later(start, window),
        check_in=check_in,
        check_out=check_out,
        staff_id=draw(staff_ids),
        staff_competences=draw(competences),
        required_competences=draw(competences),
    )


def unique_ids(visits: list[DeliveredVisit]) -> list[DeliveredVisit]:
    return list({v.visit_id: v for v in visits}.values())


visit_lists = st.lists(visits_strategy(), min_size=1, max_size=25).map(unique_ids)
scopes_strategy = st.builds(
    GrantedScope,
    vedtak_id=st.sampled_from([VEDTAK, 11]),
    provider_id=st.just(PROVIDER),
    fom=st.dates(dt.date(2024, 3, 1), dt.date(2024, 4, 10)),
    tom=st.none(),
    hours_per_week=st.none() | st.decimals(min_value=0, max_value=40, places=2),
    visits_per_week=st.none() | st.decimals(min_value=0, max_value=28, places=0),
)
scope_lists = st.lists(scopes_strategy, min_size=1, max_size=2, unique_by=lambda s: s.vedtak_id)


def in_unit_interval(value: Fraction | None) -> bool:
    return value is None or 0 <= value <= 1


@given(scopes=scope_lists, visits=visit_lists)
def test_shares_of_kontraktsintegritet_are_in_the_unit_interval(
    scopes: list[GrantedScope], visits: list[DeliveredVisit]
) -> None:
    for fig in kontraktsintegritet(scopes, visits, PERIOD):
        assert in_unit_interval(fig.performed_share)
        assert in_unit_interval(fig.competence_share)
        assert fig.visits_performed <= fig.visits_planned
        assert fig.competence_met <= fig.competence_required <= fig.visits_performed
        assert fig.delivered_hours >= 0
        assert fig.hours_ratio is None or fig.hours_ratio >= 0


@given(visits=visit_lists, minutes=st.integers(0, 120))
def test_punktlighet_is_a_share_and_tolerance_never_lowers_it(visits: list[DeliveredVisit], minutes: int) -> None:
    strict = punktlighet(visits)
    lenient = punktlighet(visits, dt.timedelta(minutes=minutes))
    assert in_unit_interval(strict.value)
    assert strict.numerator <= lenient.numerator
    assert strict.denominator == lenient.denominator
    assert strict.denominator + len(strict.excluded) == sum(1 for v in visits if v.performed)


@given(visits=visit_lists, end=st.dates(dt.date(2024, 3, 20), dt.date(2024, 4, 30)), days=st.integers(1, 30))
def test_kontinuitet_is_a_share_and_counts_at_most_one_face_per_visit(
    visits: list[DeliveredVisit], end: dt.date, days: int
) -> None:
    result = kontinuitet(visits, PER, days, end=end)
    assert in_unit_interval(result.known_share.value)
    if result.distinct_staff is None:
        assert result.known_share.denominator == 0
    else:
        assert 1 <= result.distinct_staff <= result.known_share.denominator


@given(
    steps=st.lists(st.lists(st.booleans(), max_size=6), max_size=6),
)
def test_behandlingsintegritet_is_a_share(steps: list[list[bool]]) -> None:
    checklists = [
        Checklist(i, PERSON, "sårstell", tuple(ChecklistStep(f"steg {j}", done) for j, done in enumerate(ticks)))
        for i, ticks in enumerate(steps)
    ]
    result = behandlingsintegritet(checklists)
    assert in_unit_interval(result.value)
    assert (result.value is None) == (sum(len(t) for t in steps) == 0)


@given(scopes=scope_lists, visits=visit_lists, extra=visits_strategy(), minutes=st.integers(1, 600))
def test_adding_a_performed_visit_never_lowers_delivered_hours(
    scopes: list[GrantedScope], visits: list[DeliveredVisit], extra: DeliveredVisit, minutes: int
) -> None:
    start = extra.planned_start
    extra = replace(extra, visit_id=0, status=PERFORMED, check_in=start, check_out=later(start, minutes))
    before = {(f.vedtak_id, f.kind, f.label): f.delivered_hours for f in kontraktsintegritet(scopes, visits, PERIOD)}
    after = {
        (f.vedtak_id, f.kind, f.label): f.delivered_hours for f in kontraktsintegritet(scopes, [*visits, extra], PERIOD)
    }
    for key, delivered in before.items():
        assert after[key] >= delivered


@given(scopes=scope_lists, visits=visit_lists)
def test_weeks_and_months_add_up_to_the_period(scopes: list[GrantedScope], visits: list[DeliveredVisit]) -> None:
    figures = kontraktsintegritet(scopes, visits, PERIOD)
    lo, hi = local_midnight(PERIOD[0]), local_midnight(PERIOD[1] + dt.timedelta(days=1))
    for s in scopes:
        mine = [f for f in figures if f.vedtak_id == s.vedtak_id]
        total = sum((hours(v.delivered_between(lo, hi)) for v in visits if v.vedtak_id == s.vedtak_id), Fraction(0))
        for kind in ("week", "month"):
            of_kind = [f for f in mine if f.kind == kind]
            assert sum((f.delivered_hours for f in of_kind), Fraction(0)) == total
            assert sum(f.days_in_force for f in of_kind) == s.days_in_force(*PERIOD)
            if s.hours_per_week is not None:
                granted = sum((f.granted_hours or Fraction(0) for f in of_kind), Fraction(0))
                assert granted == Fraction(s.hours_per_week) * s.days_in_force(*PERIOD) / 7
