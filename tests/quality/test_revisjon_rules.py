"""Pure audit and certificate rules: expiry warnings, follow-up dates, overdue actions, closing, plan coverage."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helhet.quality.rules import revisjon as r

D = date(2026, 6, 15)


def test_certificate_state_edges() -> None:
    assert r.certificate_state(date(2024, 1, 1), date(2027, 1, 1), D) == "gyldig"
    assert r.certificate_state(date(2024, 1, 1), D + timedelta(days=90), D) == "utloper_snart"
    assert r.certificate_state(date(2024, 1, 1), D + timedelta(days=91), D) == "gyldig"
    assert r.certificate_state(date(2024, 1, 1), D, D) == "utloper_snart"  # valid through its last day
    assert r.certificate_state(date(2024, 1, 1), D - timedelta(days=1), D) == "utlopt"
    assert r.certificate_state(D + timedelta(days=1), D + timedelta(days=900), D) == "ikke_gyldig_enna"
    assert r.certificate_state(date(2024, 1, 1), D + timedelta(days=30), D, warn_days=10) == "gyldig"


def test_certificate_warnings_list_expiring_soonest_first_with_days_left() -> None:
    rows = [
        r.CertificateRow(1, "iso9001", date(2024, 1, 1), D + timedelta(days=80)),
        r.CertificateRow(2, "equass", date(2024, 1, 1), D + timedelta(days=10)),
        r.CertificateRow(3, "iso14001", date(2024, 1, 1), D + timedelta(days=400)),
        r.CertificateRow(4, "iso45001", date(2020, 1, 1), D - timedelta(days=1)),
    ]
    w = r.certificate_warnings(rows, D)
    assert w.expiring_ids == (2, 1)
    assert w.expired_ids == (4,)
    assert w.days_left == {2: 10, 1: 80}


def test_certificate_dates_are_checked_in_norwegian() -> None:
    assert r.certificate_date_errors(date(2026, 1, 1), date(2025, 1, 1)) == {
        "gyldig_til": "«Gyldig til» kan ikke være før «gyldig fra»."
    }
    assert set(r.certificate_date_errors(None, None)) == {"gyldig_fra", "gyldig_til"}
    assert r.certificate_date_errors(D, D) == {}


def test_follow_up_dates_follow_the_three_year_cycle() -> None:
    dates = r.follow_up_dates("iso9001", date(2025, 3, 1), date(2028, 3, 1))
    assert [(f.kind, f.due) for f in dates] == [
        ("overvaking", date(2026, 3, 1)),
        ("overvaking", date(2027, 3, 1)),
        ("fornyelse", date(2028, 3, 1)),
    ]
    equass = r.follow_up_dates("equass", date(2025, 3, 1), date(2028, 3, 1))
    assert equass[0].label.startswith("Årlig fremdriftsrapport")
    with pytest.raises(ValueError):
        r.follow_up_dates("iso9001", date(2028, 1, 1), date(2025, 1, 1))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(min_value=0, max_value=2000))
def test_follow_ups_lie_inside_validity_at_most_a_year_apart(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    dates = r.follow_up_dates("iso27001", start, end)
    assert dates[-1].kind == "fornyelse" and dates[-1].due == end
    previous = start
    for f in dates[:-1]:
        assert start < f.due < end
        assert (f.due - previous).days <= 366
        previous = f.due


def test_add_years_handles_leap_day() -> None:
    assert r.add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


def test_actions_overdue_like_avvik_measures() -> None:
    rows = [
        r.ActionRow(1, 10, "a", due=D - timedelta(days=3)),
        r.ActionRow(2, 10, "a", due=D),  # due today: not overdue yet
        r.ActionRow(3, 10, "b", due=D - timedelta(days=9), done=D - timedelta(days=1)),
        r.ActionRow(4, 11, "b", due=D - timedelta(days=9), done=D + timedelta(days=1)),  # done later: open at D
    ]
    f = r.action_figures(rows, D)
    assert f.open_ids == (4, 1, 2)
    assert f.overdue_ids == (4, 1)
    assert f.days_overdue == {4: 9, 1: 3}


def test_a_corrective_action_needs_owner_and_deadline() -> None:
    errors = r.action_errors(False, None, "", D)
    assert errors == {
        "beskrivelse": "Beskriv tiltaket.",
        "ansvarlig": "Velg hvem som er ansvarlig for tiltaket.",
        "frist": "Sett en frist for tiltaket.",
    }
    assert r.action_errors(True, D - timedelta(days=1), "x", D) == {"frist": "Fristen kan ikke være tilbake i tid."}
    assert r.action_errors(True, D, "x", D) == {}


def test_closing_an_action_needs_date_and_effect() -> None:
    assert set(r.close_action_errors(None, "", None, D)) == {"utfort", "effekt"}
    assert "utfort" in r.close_action_errors(D + timedelta(days=1), "ok", None, D)
    assert "utfort" in r.close_action_errors(D - timedelta(days=5), "ok", D - timedelta(days=2), D)
    assert r.close_action_errors(D, "ok", D, D) == {}


def test_an_audit_closes_only_when_reported_and_every_action_is_closed() -> None:
    open_action = r.ActionRow(1, 1, "a", due=D)
    closed_action = r.ActionRow(2, 1, "a", due=D, done=D)
    avvik = r.FindingRow(1, "avvik", 1)
    assert r.close_audit_errors("rapportert", [closed_action], [avvik]) == []
    problems = r.close_audit_errors("rapportert", [open_action, closed_action], [avvik])
    assert problems == [
        "1 korrigerende tiltak er ikke lukket. Alle tiltak må være utført og effekten vurdert før revisjonen lukkes."
    ]
    assert r.close_audit_errors("pagar", [], []) == ["Revisjonen må være rapportert før den kan lukkes."]
    assert r.close_audit_errors("rapportert", [], [r.FindingRow(2, "avvik", 0)]) == [
        "1 avvik-funn mangler korrigerende tiltak."
    ]
    assert r.close_audit_errors("rapportert", [], [r.FindingRow(3, "observasjon", 0)]) == []


def test_plan_coverage_counts_planned_lines_and_unplanned_audits() -> None:
    lines = [
        r.PlanLine(1, 2026, 3, "A", audit_id=100, audit_status="lukket"),
        r.PlanLine(2, 2026, 5, "B"),  # May ended before 15 June: late
        r.PlanLine(3, 2026, 6, None, audit_id=101, audit_status="pagar"),  # June not over: not late
        r.PlanLine(4, 2025, 5, "A", audit_id=99, audit_status="lukket"),  # other year
    ]
    audits = [
        r.AuditRow(100, date(2026, 3, 3), "lukket", "A", planned=True),
        r.AuditRow(101, date(2026, 6, 1), "pagar", None, planned=True),
        r.AuditRow(102, date(2026, 4, 2), "rapportert", "C", planned=False),
        r.AuditRow(103, date(2025, 4, 2), "rapportert", "C", planned=False),
    ]
    c = r.plan_coverage(lines, audits, date(2026, 1, 1), date(2026, 12, 31), D, units=["A", "B", "C", "D"])
    assert c.planned_line_ids == (1, 2, 3)
    assert c.unplanned_audit_ids == (102,)
    assert (c.done, c.total) == (2, 4)
    assert c.done_audit_ids == (100, 102)
    assert c.audit_ids == (100, 101, 102)  # the ongoing planned audit opens from the figure too
    assert c.late_line_ids == (2,)
    assert c.not_covered_units == ("D",)
    lines_out = dict(
        (n, v) for n, v, _ in r.nokkeltall_lines(c, r.action_figures([], D), r.certificate_warnings([], D))
    )
    assert (lines_out["revisjoner_gjennomfort"], lines_out["revisjoner_planlagt"]) == ("2", "4")


def test_nokkeltall_lines_are_name_value_unit_with_one_word_each() -> None:
    import re

    c = r.plan_coverage([r.PlanLine(1, 2026, 1, None)], [], date(2026, 1, 1), date(2026, 12, 31), D)
    lines = r.nokkeltall_lines(c, r.action_figures([], D), r.certificate_warnings([], D))
    assert [n for n, _, _ in lines] == [
        "revisjoner_gjennomfort",
        "revisjoner_planlagt",
        "revisjoner_forsinket",
        "korrigerende_tiltak_apne",
        "korrigerende_tiltak_forfalt",
        "sertifikater_utloper_snart",
        "sertifikater_utlopt",
    ]
    for name, value, unit in lines:
        assert re.fullmatch(r"^[a-z0-9_]+: \S+( \S+)?$", f"{name}: {value} {unit}".strip())
