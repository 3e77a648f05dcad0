"""The visit planner in the product (issue 5, point 3): the day as a problem, moves checked against the
hard rules, the optimiser as a background job, re-planning after a sick call, publishing to «Min dag»."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from care_builders import make_visit
from factories import TjenestemottakerFactory, TjenestemottakerTeamFactory, World
from helhet.care import planner, services
from helhet.care.models import Besok, Dagsplan, Planlegging, Vakt
from helhet.core.models import AuditEvent, Tjenestemottaker

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def shift(world: World, user: Any, start: int = 7, end: int = 15, day: dt.date | None = None) -> Vakt:
    day = day or timezone.localdate()
    return Vakt.objects.create(ansatt=user, team=world.team_a, dato=day, start=_at(day, start), slutt=_at(day, end))


def second_person(world: World) -> Tjenestemottaker:
    q = TjenestemottakerFactory(
        fornavn="Kari",
        etternavn="Kvist",
        bydel=world.bydel_1,
        primaerkontakt=world.helper_a,
        breddegrad=Decimal("59.9200"),
        lengdegrad=Decimal("10.7600"),
    )
    TjenestemottakerTeamFactory(tjenestemottaker=q, team=world.team_a)
    return q


@pytest.fixture
def day_world(world: World) -> dict[str, Any]:
    """P (legemiddel at 8, helsefaglig at 10), Q (practical help at 9); nurse, helper and assistant on shift."""
    Tjenestemottaker.objects.filter(pk=world.P.pk).update(breddegrad=Decimal("59.9300"), lengdegrad=Decimal("10.7700"))
    q = second_person(world)
    medicine = make_visit(world, hour=8, kompetanse="legemiddel", ansatt=world.nurse_a)
    care = make_visit(world, hour=10, kompetanse="helsefaglig")
    help_q = make_visit(world, person=q, hour=9, kompetanse="ingen", ansatt=world.assistant_a)
    vakter = {u: shift(world, getattr(world, u)) for u in ("nurse_a", "helper_a", "assistant_a")}
    return {"medicine": medicine, "care": care, "help_q": help_q, "Q": q, "vakter": vakter}


def test_the_first_draft_is_the_published_plan_timed(world: World, day_world: dict[str, Any]) -> None:
    plan = planner.dagsplan(world.team_a, timezone.localdate(), world.nurse_a)
    medicine = day_world["medicine"]
    entry = plan.utkast[str(medicine.pk)]
    assert entry["ansatt"] == world.nurse_a.pk
    assert entry["start"] >= 8 * 60  # not before the window opens
    assert not plan.has_unpublished_changes
    day = planner.load_day(world.team_a, timezone.localdate())
    assert day.evaluation(plan.utkast).faults == []


def test_a_move_to_someone_without_the_competence_is_refused_with_the_reason(
    world: World, day_world: dict[str, Any]
) -> None:
    plan = planner.dagsplan(world.team_a, timezone.localdate(), world.nurse_a)
    before = dict(plan.utkast)
    result = planner.flytt(
        utfort_av=world.nurse_a,
        plan=plan,
        besok_id=day_world["medicine"].pk,
        ansatt_id=world.assistant_a.pk,
        start=None,
    )
    assert not result.ok
    assert any("Ali Aas" in r and "kompetanse" in r for r in result.reasons), result.reasons
    plan.refresh_from_db()
    assert plan.utkast == before and plan.versjon == 1


def test_a_move_before_the_window_opens_or_past_the_shift_is_refused(world: World, day_world: dict[str, Any]) -> None:
    plan = planner.dagsplan(world.team_a, timezone.localdate(), world.nurse_a)
    early = planner.flytt(
        utfort_av=world.nurse_a, plan=plan, besok_id=day_world["care"].pk, ansatt_id=world.helper_a.pk, start=6 * 60
    )
    assert not early.ok and any("tidsvindu" in r for r in early.reasons), early.reasons
    late = planner.flytt(
        utfort_av=world.nurse_a,
        plan=plan,
        besok_id=day_world["care"].pk,
        ansatt_id=world.helper_a.pk,
        start=14 * 60 + 50,
    )
    assert not late.ok and any("vakten slutter" in r for r in late.reasons), late.reasons


def test_an_accepted_move_changes_the_draft_not_min_dag_until_published(
    world: World, day_world: dict[str, Any]
) -> None:
    today = timezone.localdate()
    plan = planner.dagsplan(world.team_a, today, world.nurse_a)
    help_q = day_world["help_q"]
    result = planner.flytt(
        utfort_av=world.nurse_a,
        plan=plan,
        besok_id=help_q.pk,
        ansatt_id=world.helper_a.pk,
        start=9 * 60 + 40,
        versjon=1,
    )
    assert result.ok, result.reasons
    plan.refresh_from_db()
    assert plan.utkast[str(help_q.pk)] == {"ansatt": world.helper_a.pk, "start": 9 * 60 + 40}
    assert plan.versjon == 2 and plan.has_unpublished_changes
    assert AuditEvent.objects.filter(tjenestemottaker=day_world["Q"], details__besok=help_q.pk).exists()
    assert help_q not in services.min_dag(world.helper_a, today)  # not yet published

    changed = planner.publiser(utfort_av=world.nurse_a, plan=plan, versjon=2)
    assert changed >= 1
    help_q.refresh_from_db()
    assert help_q.ansatt_id == world.helper_a.pk
    assert timezone.localtime(help_q.planlagt_start).time() == dt.time(9, 40)
    assert help_q in services.min_dag(world.helper_a, today)
    assert help_q not in services.min_dag(world.assistant_a, today)
    plan.refresh_from_db()
    assert not plan.has_unpublished_changes


def test_a_stale_draft_version_is_refused(world: World, day_world: dict[str, Any]) -> None:
    plan = planner.dagsplan(world.team_a, timezone.localdate(), world.nurse_a)
    with pytest.raises(ValidationError, match="endret av noen andre"):
        planner.flytt(
            utfort_av=world.nurse_a, plan=plan, besok_id=day_world["help_q"].pk, ansatt_id=None, start=None, versjon=7
        )


def test_only_the_teams_nurses_and_leaders_plan(world: World, day_world: dict[str, Any]) -> None:
    plan = planner.dagsplan(world.team_a, timezone.localdate(), world.nurse_a)
    for outsider in (world.helper_a, world.nurse_b, world.leader_b):
        with pytest.raises(ValidationError, match="Bare sykepleiere og ledere"):
            planner.flytt(utfort_av=outsider, plan=plan, besok_id=day_world["help_q"].pk, ansatt_id=None, start=None)
    ok = planner.flytt(utfort_av=world.leader_a, plan=plan, besok_id=day_world["help_q"].pk, ansatt_id=None, start=None)
    assert ok.ok


def test_publishing_a_draft_that_breaks_a_rule_is_refused(world: World, day_world: dict[str, Any]) -> None:
    plan = planner.dagsplan(world.team_a, timezone.localdate(), world.nurse_a)
    draft = dict(plan.utkast)
    draft[str(day_world["medicine"].pk)] = {"ansatt": world.assistant_a.pk, "start": 8 * 60}
    Dagsplan.objects.filter(pk=plan.pk).update(utkast=draft)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="kan ikke publiseres"):
        planner.publiser(utfort_av=world.nurse_a, plan=plan)
    day_world["medicine"].refresh_from_db()
    assert day_world["medicine"].ansatt_id == world.nurse_a.pk  # nothing half-written


def test_the_optimiser_job_plans_every_possible_visit_and_states_why_not_the_rest(
    world: World, day_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    wound = make_visit(world, hour=12, kompetanse="sykepleier", ansatt=world.nurse_a)
    Vakt.objects.filter(ansatt=world.nurse_a).delete()  # no nurse on duty: the wound care cannot be planned
    Besok.objects.filter(pk=day_world["medicine"].pk).update(kompetanse="helsefaglig")
    plan = planner.dagsplan(world.team_a, timezone.localdate(), world.nurse_a)
    with django_capture_on_commit_callbacks(execute=True):
        job = planner.bestill(utfort_av=world.nurse_a, plan=plan, tidsgrense=2)
    job.refresh_from_db()
    assert job.status == Planlegging.Status.FERDIG, job.feil
    assert job.fremdrift == 1.0 and job.brukt
    assert job.for_tall["besok"] == job.etter_tall["besok"] == 4
    assert job.etter_tall["planlagt"] == 3 and job.etter_tall["brudd"] == 0
    assert [u["besok"] for u in job.uplassert] == [wound.pk]
    assert "kompetansen" in job.uplassert[0]["grunn"] and str(wound.pk) not in job.uplassert[0]["grunn"]
    plan.refresh_from_db()
    assert plan.utkast[str(wound.pk)]["ansatt"] is None
    day = planner.load_day(world.team_a, timezone.localdate())
    assert day.evaluation(plan.utkast).faults == []


def test_one_job_at_a_time_and_a_sane_time_limit(world: World, day_world: dict[str, Any]) -> None:
    plan = planner.dagsplan(world.team_a, timezone.localdate(), world.nurse_a)
    with pytest.raises(ValidationError, match="mellom 1 og 300"):
        planner.bestill(utfort_av=world.nurse_a, plan=plan, tidsgrense=0)
    Planlegging.objects.create(dagsplan=plan, bestilt_av=world.nurse_a, status=Planlegging.Status.KJORER)
    with pytest.raises(ValidationError, match="arbeider allerede"):
        planner.bestill(utfort_av=world.nurse_a, plan=plan)


def test_a_job_that_lost_its_worker_does_not_block_the_day(world: World, day_world: dict[str, Any]) -> None:
    plan = planner.dagsplan(world.team_a, timezone.localdate(), world.nurse_a)
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    dead = Planlegging.objects.create(
        dagsplan=plan, bestilt_av=world.nurse_a, status=Planlegging.Status.KJORER, startet=long_ago, tidsgrense=20
    )
    queued = Planlegging.objects.create(dagsplan=plan, bestilt_av=world.nurse_a, opprettet=long_ago)
    assert planner.is_stale(dead) and planner.is_stale(queued) and queued.waiting_long
    fresh = Planlegging(
        dagsplan=plan, bestilt_av=world.nurse_a, status=Planlegging.Status.KJORER, startet=timezone.now()
    )
    assert not planner.is_stale(fresh)
    job = planner.bestill(utfort_av=world.nurse_a, plan=plan, tidsgrense=1)
    dead.refresh_from_db()
    assert dead.status == Planlegging.Status.FEILET and "aldri ferdig" in dead.feil
    assert job.status in (Planlegging.Status.VENTER, Planlegging.Status.FERDIG)


def test_a_sick_call_moves_the_sick_persons_visits_and_keeps_the_rest(
    world: World, day_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    plan = planner.dagsplan(world.team_a, today, world.nurse_a)
    planner.publiser(utfort_av=world.nurse_a, plan=plan)
    before = dict(Dagsplan.objects.get(pk=plan.pk).utkast)
    helper_visits = [k for k, v in before.items() if v["ansatt"] == world.helper_a.pk]
    assert helper_visits  # P's personal care is the helper's
    with django_capture_on_commit_callbacks(execute=True):
        job = planner.meld_syk(utfort_av=world.nurse_a, vakt=day_world["vakter"]["helper_a"], tidsgrense=2)
    job.refresh_from_db()
    assert job.type == Planlegging.Type.SYKDOM and job.status == Planlegging.Status.FERDIG, job.feil
    assert Vakt.objects.get(ansatt=world.helper_a).status == Vakt.Status.SYK
    after = Dagsplan.objects.get(pk=plan.pk).utkast
    for k in helper_visits:
        assert after[k]["ansatt"] not in (None, world.helper_a.pk)
    unchanged = [k for k in before if k not in helper_visits]
    assert all(after[k]["ansatt"] == before[k]["ansatt"] for k in unchanged)
    with pytest.raises(ValidationError, match="allerede meldt syk"):
        planner.meld_syk(utfort_av=world.nurse_a, vakt=day_world["vakter"]["helper_a"])


def test_figures_count_familiar_faces_lateness_and_travel(world: World, day_world: dict[str, Any]) -> None:
    plan = planner.dagsplan(world.team_a, timezone.localdate(), world.nurse_a)
    day = planner.load_day(world.team_a, timezone.localdate())
    figures = planner.figures(day, plan.utkast)
    assert figures["besok"] == figures["planlagt"] == 3
    # nurse_a is P's primærkontakt, helper_a the fixed staff of P's care, the assistant the fixed staff of Q's help
    assert figures["kjente_fjes"] == 3 and figures["kjente_fjes_andel"] == 100
    assert figures["sene"] == 0 and figures["reise_min"] > 0
    stranger = dict(plan.utkast)
    stranger[str(day_world["help_q"].pk)] = {"ansatt": world.nurse_a.pk, "start": 9 * 60 + 30}
    assert planner.figures(day, stranger)["kjente_fjes_andel"] == 67  # the nurse is new to Q
    late = dict(plan.utkast)
    late[str(day_world["help_q"].pk)] = {"ansatt": world.assistant_a.pk, "start": 11 * 60}
    assert planner.figures(day, late)["sene"] == 1


def test_time_conversion_is_local_wall_clock() -> None:
    day = dt.date(2026, 3, 29)  # summer time starts at 02:00 in Norway
    assert planner.minutes_of(planner.at_minutes(day, 8 * 60 + 15), day) == 8 * 60 + 15
    assert planner.clock(8 * 60 + 5) == "08:05"
    assert planner.minutes_of(_at(day + dt.timedelta(days=1), 1), day) == 25 * 60
