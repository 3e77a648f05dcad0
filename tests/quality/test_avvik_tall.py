"""Avvik figures over plain rows: every figure gives the ids behind it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helhet.quality.rules.avvik_tall import (
    DEFAULT_HANDLING_DAYS,
    TARGET_HANDLED_SHARE,
    AuditRule,
    AvvikRow,
    Count,
    MeasureRow,
    Period,
    closure_times,
    count_by,
    handled_share,
    overdue_measures,
    suggest_audits,
)
from helhet.quality.rules.risiko import Niva

D = date
MARCH = Period(D(2026, 3, 1), D(2026, 3, 31))


def row(
    id: int,
    registered: date,
    *,
    started: date | None = None,
    closed: date | None = None,
    category: str = "Legemiddel",
    unit: str = "Team A",
    level: Niva | None = None,
) -> AvvikRow:
    return AvvikRow(id, category, unit, registered, started, closed, level)


# --- Period and counts ---------------------------------------------------------------------------


def test_a_period_is_inclusive_and_ordered() -> None:
    assert D(2026, 3, 1) in MARCH and D(2026, 3, 31) in MARCH
    assert D(2026, 2, 28) not in MARCH and D(2026, 4, 1) not in MARCH
    with pytest.raises(ValueError, match="slutter før"):
        Period(D(2026, 3, 2), D(2026, 3, 1))


def test_count_by_category_unit_and_both() -> None:
    rows = [
        row(1, D(2026, 3, 2)),
        row(2, D(2026, 3, 5), unit="Team B"),
        row(3, D(2026, 3, 9), category="HMS"),
        row(4, D(2026, 3, 30)),
        row(5, D(2026, 2, 27)),  # before the period
    ]
    assert count_by(rows, period=MARCH) == [
        Count(("Legemiddel",), 3, (1, 2, 4)),
        Count(("HMS",), 1, (3,)),
    ]
    assert count_by(rows, ("unit",), MARCH) == [Count(("Team A",), 3, (1, 3, 4)), Count(("Team B",), 1, (2,))]
    assert count_by(rows, ("category", "unit"), MARCH) == [
        Count(("Legemiddel", "Team A"), 2, (1, 4)),
        Count(("HMS", "Team A"), 1, (3,)),
        Count(("Legemiddel", "Team B"), 1, (2,)),
    ]
    assert sum(c.n for c in count_by(rows)) == 5  # no period: all rows
    with pytest.raises(ValueError):
        count_by(rows, ())


# --- Share handled within N days -----------------------------------------------------------------


def test_the_denominator_is_the_avvik_with_their_deadline_in_the_period() -> None:
    n = 14
    rows = [
        row(1, D(2026, 2, 14)),  # deadline 28.2: the previous period
        row(2, D(2026, 2, 15), started=D(2026, 3, 1)),  # deadline 1.3: first day in, handled on the day
        row(3, D(2026, 3, 10), closed=D(2026, 3, 12)),  # handled (closed counts as started)
        row(4, D(2026, 3, 10), started=D(2026, 3, 25)),  # 15 days: late
        row(5, D(2026, 3, 17)),  # deadline 31.3: last day in, never handled → late
        row(6, D(2026, 3, 18), started=D(2026, 3, 18)),  # deadline 1.4: too recent, counts in April
        row(7, D(2026, 3, 31)),  # too recent
    ]
    figure = handled_share(rows, MARCH, days=n)
    assert figure.denominator_ids == figure.ids == (2, 3, 4, 5)
    assert figure.handled_ids == (2, 3)
    assert figure.late_ids == (4, 5)
    assert figure.too_recent_ids == (6, 7)
    assert figure.share == 0.5
    assert figure.meets_target is False
    assert figure.first_registered == D(2026, 2, 15)
    assert figure.last_registered == D(2026, 3, 17)


def test_the_target_line_is_ninety_percent_and_inclusive() -> None:
    assert TARGET_HANDLED_SHARE == 0.90
    assert DEFAULT_HANDLING_DAYS == 14
    rows = [row(i, D(2026, 3, 1), started=D(2026, 3, 2)) for i in range(9)] + [row(9, D(2026, 3, 1))]
    figure = handled_share(rows, MARCH)
    assert figure.share == pytest.approx(0.9)
    assert figure.meets_target is True


def test_an_action_dated_before_registration_counts_as_day_zero() -> None:
    figure = handled_share([row(1, D(2026, 3, 5), started=D(2026, 3, 4))], MARCH, days=7)
    assert figure.handled_ids == (1,)


def test_no_avvik_with_a_deadline_gives_no_share() -> None:
    figure = handled_share([row(1, D(2026, 3, 30))], MARCH, days=14)
    assert figure.share is None and figure.meets_target is None
    assert figure.too_recent_ids == (1,)
    with pytest.raises(ValueError):
        handled_share([], MARCH, days=-1)


DAYS_2026 = st.integers(min_value=0, max_value=364).map(lambda d: D(2026, 1, 1) + timedelta(days=d))
OPTIONAL_LAG = st.one_of(st.none(), st.integers(min_value=-2, max_value=60))


@st.composite
def avvik_rows(draw: st.DrawFn, max_size: int = 40) -> list[AvvikRow]:
    rows = []
    for i in range(draw(st.integers(min_value=0, max_value=max_size))):
        registered = draw(DAYS_2026)
        start_lag, close_lag = draw(OPTIONAL_LAG), draw(OPTIONAL_LAG)
        started = None if start_lag is None else registered + timedelta(days=start_lag)
        closed = None if close_lag is None else registered + timedelta(days=max(0, close_lag))
        rows.append(
            AvvikRow(
                i,
                draw(st.sampled_from(["Legemiddel", "HMS", "Fag"])),
                draw(st.sampled_from(["Team A", "Team B"])),
                registered,
                started,
                closed,
                draw(st.one_of(st.none(), st.sampled_from(list(Niva)))),
            )
        )
    return rows


@settings(max_examples=150)
@given(avvik_rows(), DAYS_2026, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=30))
def test_consecutive_periods_count_every_avvik_once(rows: list[AvvikRow], start: date, length: int, days: int) -> None:
    middle = start + timedelta(days=length)
    end = middle + timedelta(days=length + 1)
    first = handled_share(rows, Period(start, middle), days)
    second = handled_share(rows, Period(middle + timedelta(days=1), end), days)
    whole = handled_share(rows, Period(start, end), days)
    assert not set(first.ids) & set(second.ids)
    assert set(first.ids) | set(second.ids) == set(whole.ids)
    assert set(first.handled_ids) | set(second.handled_ids) == set(whole.handled_ids)


@settings(max_examples=150)
@given(avvik_rows(), st.integers(min_value=0, max_value=30))
def test_the_figure_is_final_and_consistent(rows: list[AvvikRow], days: int) -> None:
    figure = handled_share(rows, MARCH, days)
    assert set(figure.handled_ids) | set(figure.late_ids) == set(figure.ids)
    assert not set(figure.handled_ids) & set(figure.late_ids)
    if figure.share is not None:
        assert 0 <= figure.share <= 1
    # Later events cannot change a closed period: drop everything dated after the period end.
    end = MARCH.end

    def as_known_at_end(r: AvvikRow) -> AvvikRow | None:
        if r.registered > end:
            return None
        started = r.started if r.started is not None and r.started <= end else None
        closed = r.closed if r.closed is not None and r.closed <= end else None
        return AvvikRow(r.id, r.category, r.unit, r.registered, started, closed, r.level)

    known = [k for k in map(as_known_at_end, rows) if k is not None]
    again = handled_share(known, MARCH, days)
    assert again.ids == figure.ids and again.handled_ids == figure.handled_ids


# --- Days to closure -----------------------------------------------------------------------------


def test_closure_times_for_avvik_closed_in_the_period() -> None:
    rows = [
        row(1, D(2026, 2, 20), closed=D(2026, 3, 2)),  # 10 days
        row(2, D(2026, 3, 1), closed=D(2026, 3, 3)),  # 2 days
        row(3, D(2026, 3, 5), closed=D(2026, 3, 11)),  # 6 days
        row(4, D(2026, 3, 5), closed=D(2026, 3, 4)),  # dated before registration: 0 days
        row(5, D(2026, 3, 20)),  # still open
        row(6, D(2026, 3, 25), closed=D(2026, 4, 2)),  # closed after the period: open at its end
        row(7, D(2026, 4, 2)),  # registered after the period: not open in it
        row(8, D(2026, 1, 2), closed=D(2026, 2, 2)),  # closed before the period: neither
    ]
    figure = closure_times(rows, MARCH)
    assert figure.ids == (1, 2, 3, 4)
    assert figure.days == (10, 2, 6, 0)
    assert figure.median_days == 4.0
    assert figure.mean_days == 4.5
    assert figure.still_open_ids == (5, 6)


def test_no_closed_avvik_gives_no_closure_time() -> None:
    figure = closure_times([row(1, D(2026, 3, 20))], MARCH)
    assert figure.median_days is None and figure.mean_days is None
    assert figure.still_open_ids == (1,)


# --- Overdue measures ----------------------------------------------------------------------------


def test_overdue_measures_at_a_date() -> None:
    at = D(2026, 3, 15)
    measures = [
        MeasureRow("m1", 1, "Kari", due=D(2026, 3, 10)),  # 5 days overdue
        MeasureRow("m2", 1, "Ola", due=D(2026, 3, 1), done=D(2026, 3, 20)),  # done later: overdue at 15.3
        MeasureRow("m3", 2, "Kari", due=D(2026, 3, 14), done=D(2026, 3, 15)),  # done on the day: not overdue
        MeasureRow("m4", 2, "Kari", due=at),  # due today: not yet
        MeasureRow("m5", 3, "Kari", due=D(2026, 3, 2)),  # 13 days overdue
        MeasureRow("m6", 3, "Per", due=D(2026, 3, 1), done=D(2026, 3, 1)),  # done in time
    ]
    figure = overdue_measures(measures, at)
    assert figure.ids == ("m2", "m5", "m1")  # most overdue first
    assert figure.days_overdue == {"m2": 14, "m5": 13, "m1": 5}
    assert figure.by_owner == {"Kari": ("m5", "m1"), "Ola": ("m2",)}
    assert overdue_measures(measures, D(2026, 3, 1)).ids == ()


# --- Audit suggestions ---------------------------------------------------------------------------


def test_three_similar_avvik_in_ninety_days_suggest_an_audit() -> None:
    at = D(2026, 6, 30)
    first_day = at - timedelta(days=89)
    rows = [
        row(1, first_day),
        row(2, D(2026, 5, 1)),
        row(3, at),
        row(4, first_day - timedelta(days=1)),  # outside the window
        row(5, D(2026, 5, 1), unit="Team B"),  # another unit
        row(6, D(2026, 7, 1)),  # after the date
    ]
    [suggestion] = suggest_audits(rows, at)
    assert suggestion.kind == "gjentatt"
    assert (suggestion.category, suggestion.unit, suggestion.ids) == ("Legemiddel", "Team A", (1, 2, 3))
    assert suggestion.reason == (
        "Gjentatte avvik: 3 avvik i kategorien «Legemiddel» ved Team A de siste 90 dagene (terskel: 3). "
        "Vurder internrevisjon og evaluering av egen praksis."
    )
    # a day later the first one has left the window (row 6 aside)
    assert suggest_audits([r for r in rows if r.id != 6], at + timedelta(days=1)) == []


def test_serious_avvik_suggest_an_audit_each() -> None:
    at = D(2026, 6, 30)
    rows = [
        row(1, D(2026, 6, 1), level=Niva.HOY, category="HMS"),
        row(2, D(2026, 6, 2), level=Niva.KRITISK),
        row(3, D(2026, 6, 3), level=Niva.MIDDELS),
        row(4, D(2026, 3, 1), level=Niva.KRITISK),  # outside the window
    ]
    suggestions = suggest_audits(rows, at)
    assert [(s.kind, s.ids) for s in suggestions] == [("alvorlig", (2,)), ("alvorlig", (1,))]
    assert suggestions[0].reason.startswith("Alvorlig avvik: risikonivå kritisk i kategorien «Legemiddel» ved Team A")
    assert "registrert 2.6.2026" in suggestions[0].reason
    assert suggestions[1].reason.startswith("Alvorlig avvik: risikonivå høy i kategorien «HMS»")


def test_the_audit_rule_is_data() -> None:
    rows = [row(1, D(2026, 6, 1)), row(2, D(2026, 6, 2)), row(3, D(2026, 6, 2), level=Niva.MIDDELS)]
    strict = AuditRule(min_repeats=2, window_days=7, serious_levels=frozenset({Niva.MIDDELS}))
    kinds = [s.kind for s in suggest_audits(rows, D(2026, 6, 3), strict)]
    assert kinds == ["gjentatt", "alvorlig"]
    with pytest.raises(ValueError):
        AuditRule(min_repeats=0)


@settings(max_examples=150)
@given(avvik_rows(), DAYS_2026)
def test_audit_suggestions_only_use_rows_in_the_window(rows: list[AvvikRow], at: date) -> None:
    by_id = {r.id: r for r in rows}
    for suggestion in suggest_audits(rows, at):
        assert suggestion.ids
        for rid in suggestion.ids:
            r = by_id[rid]
            assert at - timedelta(days=89) <= r.registered <= at
            assert (r.category, r.unit) == (suggestion.category, suggestion.unit)
        if suggestion.kind == "gjentatt":
            assert len(suggestion.ids) >= 3
        else:
            assert by_id[suggestion.ids[0]].level in {Niva.HOY, Niva.KRITISK}


def test_key_figures_as_lines() -> None:
    from helhet.quality.rules.avvik_tall import key_figures, line_name

    assert line_name("Legemiddelhåndtering") == "legemiddelhandtering"
    assert line_name("HMS (helse, miljø og sikkerhet)") == "hms_helse_miljo_og_sikkerhet"
    period = Period(date(2026, 1, 1), date(2026, 3, 31))
    rows = [
        AvvikRow(1, "Fall", "A", date(2026, 1, 5), started=date(2026, 1, 6), closed=date(2026, 1, 20)),
        AvvikRow(2, "Fall", "A", date(2026, 1, 10)),  # never started: late
        AvvikRow(3, "Legemiddelhåndtering", "B", date(2026, 3, 30)),  # too recent for the share
        AvvikRow(4, "Fall", "A", date(2025, 6, 1)),  # before the period
    ]
    measures = [
        MeasureRow(1, 1, "Kari", due=date(2026, 3, 1)),  # overdue at the period end
        MeasureRow(2, 1, "Kari", due=date(2026, 3, 1), done=date(2026, 2, 27)),
    ]
    lines = dict(
        (name, (value, unit)) for name, value, unit in key_figures(rows, measures, period, categories=["Fall", "HMS"])
    )
    assert lines["avvik_registrert"] == ("3", "stk")
    assert lines["avvik_kategori_fall"] == ("2", "stk")
    assert lines["avvik_kategori_hms"] == ("0", "stk")  # listed, so always printed
    assert lines["avvik_kategori_legemiddelhandtering"] == ("1", "stk")
    assert lines["avvik_pabegynt_eller_lukket_innen_14_dager_andel"] == ("50.0", "%")
    assert lines["avvik_pabegynt_eller_lukket_innen_14_dager_grunnlag"] == ("2", "stk")
    assert lines["avvik_lukket"] == ("1", "stk") and lines["avvik_dager_til_lukking_median"] == ("15.0", "dager")
    assert lines["avvik_tiltak_over_frist"] == ("1", "stk")
    empty = dict((n, v) for n, v, _ in key_figures([], [], period))
    assert empty["avvik_pabegynt_eller_lukket_innen_14_dager_andel"] == "-"
