"""Tiltaksplan use cases: every change is a version (who, why, the person's involvement, a snapshot);
bad input is refused with Norwegian messages and nothing half-saved; tiltak without goal, without
vedtak or beyond the vedtak's hours are flagged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from care_builders import vedtak_for
from factories import World
from helhet.care import services
from helhet.care.models import Besok, Involvering, Mal, Tiltak, Tiltaksplan, TiltaksplanEndring
from helhet.cases.models import Vedtak
from helhet.core import access
from helhet.core.access import Action
from helhet.core.models import AuditAction, AuditEvent, User

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
OK = services.Medvirkning(hvorfor="Samtale med Per om morgenene", involvering=Involvering.PERSONEN)


def edit(user: User, world: World) -> access.Decision:
    return access.check(user, Action.EDIT, world.P)


def new_plan(world: World, user: User | None = None) -> Tiltaksplan:
    user = user or world.nurse_a
    return services.opprett_plan(
        utfort_av=user,
        decision=edit(user, world),
        person=world.P,
        leverandor=world.leverandor,
        team=world.team_a,
        viktig_for_meg="Å klare meg selv om morgenen",
        medvirkning=OK,
    )


def tiltak_data(vedtak: Vedtak | None, mal: Mal | None, **kw: Any) -> dict[str, Any]:
    return {
        "mal": mal,
        "vedtak": vedtak,
        "tittel": "Morgenstell",
        "oppgaver": ["Dusj", " ", "Påkledning"],
        "rrule": "FREQ=WEEKLY;BYDAY=MO,TH",
        "vindu_fra": dt.time(8),
        "vindu_til": dt.time(9),
        "varighet_min": 30,
        "kompetanse": "helsefaglig",
        "gyldig_fra": TODAY(),
        "gyldig_til": TODAY() + dt.timedelta(days=90),
        **kw,
    }


def add_tiltak(world: World, plan: Tiltaksplan, data: dict[str, Any], tiltak: Tiltak | None = None) -> Tiltak:
    return services.lagre_tiltak(
        utfort_av=world.nurse_a,
        decision=edit(world.nurse_a, world),
        plan=plan,
        data=data,
        medvirkning=OK,
        tiltak=tiltak,
    )


def test_every_change_bumps_the_version_with_who_why_involvement_and_a_snapshot(world: World) -> None:
    plan = new_plan(world)
    assert plan.versjon == 1
    mal = services.legg_til_mal(
        utfort_av=world.nurse_a,
        decision=edit(world.nurse_a, world),
        plan=plan,
        tekst="Jeg vil dusje selv igjen",
        medvirkning=services.Medvirkning("Per ønsket et nytt mål", Involvering.MED_PARORENDE),
    )
    vedtak = vedtak_for(world)
    tiltak = add_tiltak(world, plan, tiltak_data(vedtak, mal))
    services.avslutt_tiltak(
        utfort_av=world.leader_a,
        decision=edit(world.leader_a, world),
        tiltak=tiltak,
        til=TODAY() + dt.timedelta(days=30),
        medvirkning=services.Medvirkning("Per klarer mer selv", Involvering.PERSONEN),
    )
    plan.refresh_from_db()
    assert plan.versjon == 4
    versions = list(TiltaksplanEndring.objects.filter(plan=plan).order_by("versjon"))
    assert [v.versjon for v in versions] == [1, 2, 3, 4]
    assert [v.endret_av for v in versions] == [world.nurse_a, world.nurse_a, world.nurse_a, world.leader_a]
    assert versions[1].hvorfor == "Per ønsket et nytt mål"
    assert versions[1].involvering == Involvering.MED_PARORENDE
    # The snapshot holds the plan as it was after each change.
    assert versions[0].innhold["mal"] == [] and versions[0].innhold["tiltak"] == []
    assert versions[1].innhold["mal"][0]["tekst"] == "Jeg vil dusje selv igjen"
    assert versions[2].innhold["tiltak"][0]["oppgaver"] == ["Dusj", "Påkledning"]
    assert versions[2].innhold["tiltak"][0]["gyldig_til"] == (TODAY() + dt.timedelta(days=90)).isoformat()
    assert versions[3].innhold["tiltak"][0]["gyldig_til"] == (TODAY() + dt.timedelta(days=30)).isoformat()
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, record_type="care.Tiltak", record_id=str(tiltak.pk)
    ).exists()


@pytest.mark.parametrize(
    ("medvirkning", "field"),
    [
        (services.Medvirkning("  ", Involvering.PERSONEN), "hvorfor"),
        (services.Medvirkning("Fordi", ""), "involvering"),
        (services.Medvirkning("Fordi", Involvering.KUNNE_IKKE), "involvering_merknad"),
    ],
)
def test_a_change_without_why_or_involvement_is_refused_and_nothing_saved(
    world: World, medvirkning: services.Medvirkning, field: str
) -> None:
    plan = new_plan(world)
    with pytest.raises(ValidationError) as exc:
        services.legg_til_mal(
            utfort_av=world.nurse_a,
            decision=edit(world.nurse_a, world),
            plan=plan,
            tekst="Gå tur",
            medvirkning=medvirkning,
        )
    assert field in exc.value.message_dict
    plan.refresh_from_db()
    assert plan.versjon == 1 and not plan.mal.exists()
    assert TiltaksplanEndring.objects.filter(plan=plan).count() == 1


def test_a_helper_cannot_change_the_plan(world: World) -> None:
    plan = new_plan(world)
    with pytest.raises(ValidationError, match="Bare sykepleiere og ledere"):
        services.legg_til_mal(
            utfort_av=world.helper_a, decision=edit(world.helper_a, world), plan=plan, tekst="Gå tur", medvirkning=OK
        )


def test_a_tiltak_outside_the_vedtak_period_is_refused_with_the_period(world: World) -> None:
    plan = new_plan(world)
    vedtak = vedtak_for(world)
    too_late = tiltak_data(vedtak, None, gyldig_til=vedtak.tom + dt.timedelta(days=1))  # type: ignore[operator]
    with pytest.raises(ValidationError) as exc:
        add_tiltak(world, plan, too_late)
    message = " ".join(exc.value.message_dict["gyldig_til"])  # the end is what is wrong
    assert "innenfor vedtakets periode" in message
    assert f"{vedtak.fom:%d.%m.%Y}" in message
    too_early = tiltak_data(vedtak, None, gyldig_fra=vedtak.fom - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="innenfor vedtakets periode"):
        add_tiltak(world, plan, too_early)
    plan.refresh_from_db()
    assert not plan.tiltak.exists() and plan.versjon == 1


def test_flags_no_goal_no_vedtak_and_hours_beyond_the_vedtak(world: World) -> None:
    plan = new_plan(world)
    mal = services.legg_til_mal(
        utfort_av=world.nurse_a, decision=edit(world.nurse_a, world), plan=plan, tekst="Dusje selv", medvirkning=OK
    )
    vedtak = vedtak_for(world, timer_per_uke=Decimal(1), omfang=Decimal(1))
    without_goal = add_tiltak(world, plan, tiltak_data(vedtak, None, tittel="Uten mål"))
    without_vedtak = add_tiltak(world, plan, tiltak_data(None, mal, tittel="Uten vedtak"))
    fine = add_tiltak(world, plan, tiltak_data(vedtak, mal, tittel="Greit", rrule="FREQ=WEEKLY;BYDAY=WE"))
    flags = services.plan_flagg(plan)
    # Two tiltak of 30 min on MO+TH and one on WE: 1.5 h/week on a vedtak that grants 1 h/week.
    assert any("ikke knyttet til noe mål" in f for f in flags[without_goal.pk])
    assert any("ikke knyttet til noe vedtak" in f for f in flags[without_vedtak.pk])
    assert any("1,5 timer per uke" in f and "1,0 timer per uke" in f for f in flags[fine.pk])
    assert not any("mål" in f for f in flags[fine.pk])


def test_no_flags_for_a_tiltak_inside_its_vedtak(world: World) -> None:
    plan = new_plan(world)
    mal = services.legg_til_mal(
        utfort_av=world.nurse_a, decision=edit(world.nurse_a, world), plan=plan, tekst="Dusje selv", medvirkning=OK
    )
    add_tiltak(world, plan, tiltak_data(vedtak_for(world), mal))
    assert services.plan_flagg(plan) == {}


def test_generated_visits_follow_the_tiltak(world: World) -> None:
    plan = new_plan(world)
    tiltak = add_tiltak(world, plan, tiltak_data(vedtak_for(world), None, rrule="FREQ=DAILY"))
    created = services.generer_besok(TODAY(), TODAY() + dt.timedelta(days=13), Tiltak.objects.filter(pk=tiltak.pk))
    assert created == 14
    assert services.generer_besok(TODAY(), TODAY() + dt.timedelta(days=13), Tiltak.objects.filter(pk=tiltak.pk)) == 0
    assert set(Besok.objects.filter(tiltak=tiltak).values_list("ansatt", flat=True)) == {world.nurse_a.pk}
