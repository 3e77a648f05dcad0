"""Builders for delivery tests (tests/care): a granted vedtak for P, and a visit made through the services.

Kept beside ``factories.py`` so every test module can import them (``from care_builders import make_visit``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from factories import World
from helhet.care import services
from helhet.care.models import Besok, Involvering, Tiltak, Tiltaksplan
from helhet.cases.models import Soknad, Vedtak
from helhet.core import access
from helhet.core.access import Action, Decision
from helhet.core.models import Tjenestemottaker, User

MEDVIRKNING = services.Medvirkning(hvorfor="Avtalt med personen", involvering=Involvering.PERSONEN)


def edit_decision(user: User, person: Tjenestemottaker) -> Decision:
    """The access decision for changing ``person``'s record; the test fails at once if it is refused."""
    decision = access.check(user, Action.EDIT, person)
    assert decision.allowed, decision.reason
    return decision


def vedtak_for(world: World, **kw: Any) -> Vedtak:
    """A fattet vedtak for P: praktisk bistand, 2 hours a week, from ten days ago for half a year."""
    today = timezone.localdate()
    soknad = Soknad.objects.create(
        tjenestemottaker=world.P, bydel=world.bydel_1, saksbehandler=world.saksbehandler_1, gjelder="Hjelp"
    )
    data: dict[str, Any] = {
        "soknad": soknad,
        "tjenestemottaker": world.P,
        "tjenestetype": "praktisk_bistand",
        "omfang": Decimal(2),
        "omfang_enhet": "timer_per_uke",
        "timer_per_uke": Decimal(2),
        "fom": today - dt.timedelta(days=10),
        "tom": today + dt.timedelta(days=180),
        "begrunnelse": "Behov",
        "hjemmel": "hol. § 3-2",
        "saksbehandler": world.saksbehandler_1,
        "status": Vedtak.Status.FATTET,
        "fattet": timezone.now(),
        **kw,
    }
    return Vedtak.objects.create(**data)


def make_visit(
    world: World,
    *,
    person: Tjenestemottaker | None = None,
    ansatt: User | None = None,
    oppgaver: tuple[str, ...] = ("Dusj", "Frokost"),
    hour: int = 8,
    kompetanse: str = "ingen",
    day: dt.date | None = None,
    neste_vakt: str = "Nøkkel i nøkkelboks ved døra",
) -> Besok:
    """A plan (once per person), one daily tiltak and its visit on ``day`` (today), through the services."""
    person = person or world.P
    day = day or timezone.localdate()
    decision = edit_decision(world.nurse_a, person)
    plan = Tiltaksplan.objects.filter(tjenestemottaker=person, leverandor=world.leverandor).first()
    if plan is None:
        plan = services.opprett_plan(
            utfort_av=world.nurse_a,
            decision=decision,
            person=person,
            leverandor=world.leverandor,
            team=world.team_a,
            viktig_for_meg="Å bo hjemme",
            medvirkning=MEDVIRKNING,
        )
    tiltak = services.lagre_tiltak(
        utfort_av=world.nurse_a,
        decision=decision,
        plan=plan,
        data={
            "tittel": f"Morgenstell {hour}",
            "oppgaver": list(oppgaver),
            "rrule": "FREQ=DAILY",
            "vindu_fra": dt.time(hour),
            "vindu_til": dt.time(hour + 1),
            "varighet_min": 30,
            "kompetanse": kompetanse,
            "neste_vakt": neste_vakt,
            "fast_ansatt": ansatt or world.helper_a,
            "gyldig_fra": day,
        },
        medvirkning=MEDVIRKNING,
    )
    services.generer_besok(day, day, Tiltak.objects.filter(pk=tiltak.pk))
    return Besok.objects.get(tiltak=tiltak, dato=day)
