"""Builders for BPA tests (tests/bpa): times, and assistants with or without their onboarding.

Kept beside ``factories.py`` so every test module can import them (``from bpa_builders import at``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from factories import UserFactory, World
from helhet.bpa.models import KURS, Assistent, Opplaering, Ordning, Timeliste
from helhet.cases.models import Soknad, Vedtak
from helhet.core.models import Tjenestemottaker, User, UserKind


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def next_monday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


def make_assistent(
    ordning: Ordning,
    navn: str,
    *,
    ready: bool = True,
    start: dt.date | None = None,
    ansattnummer: str | None = None,
) -> Assistent:
    """An assistant in ``ordning``: onboarded (contract, police certificate, every course) unless ``ready=False``."""
    a = Assistent.objects.create(
        ordning=ordning,
        navn=navn,
        ansattnummer=ansattnummer or f"A{Assistent.objects.count() + 1:04d}",
        stillingsprosent=Decimal(50),
        start=start or timezone.localdate() - dt.timedelta(days=400),
        kontrakt_signert=timezone.localdate() - dt.timedelta(days=400) if ready else None,
        politiattest=Assistent.Politiattest.GODKJENT if ready else Assistent.Politiattest.LEVERT,
    )
    if ready:
        for code in KURS:
            Opplaering.objects.create(assistent=a, kurs=code, fullfort=timezone.localdate() - dt.timedelta(days=300))
    return a


#: The month the export tests use (``march`` fixture in tests/bpa/conftest.py).
MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def make_ordning(
    world: World,
    person: Tjenestemottaker,
    leverandor: Any,
    *,
    samtykke: bool = False,
    fra: dt.date = dt.date(2025, 1, 1),
    arbeidsleder: User | None = None,
) -> Ordning:
    """A 40 h/week BPA arrangement from a granted vedtak, with the world's leader_a as adviser."""
    soknad = Soknad.objects.create(
        tjenestemottaker=person, bydel=person.bydel, saksbehandler=world.saksbehandler_1, gjelder="BPA"
    )
    vedtak = Vedtak.objects.create(
        soknad=soknad,
        tjenestemottaker=person,
        tjenestetype="bpa",
        omfang=Decimal(40),
        omfang_enhet="timer_per_uke",
        timer_per_uke=Decimal(40),
        fom=fra,
        begrunnelse="Stort behov",
        hjemmel="pbrl. § 2-1 d",
        saksbehandler=world.saksbehandler_1,
        status=Vedtak.Status.FATTET,
        fattet=timezone.now(),
    )
    return Ordning.objects.create(
        tjenestemottaker=person,
        vedtak=vedtak,
        leverandor=leverandor,
        timer_per_uke=Decimal(40),
        fra=fra,
        arbeidsleder=arbeidsleder or UserFactory(kind=UserKind.ARBEIDSLEDER),
        radgiver=world.leader_a,
        samtykke_bydel=samtykke,
    )


def sheet(
    ordning: Ordning, a: Assistent, start: dt.datetime, slutt: dt.datetime, status: str = "godkjent"
) -> Timeliste:
    """A timesheet row as stored (approved by the arbeidsleder the day after, unless ``innsendt``)."""
    return Timeliste.objects.create(
        ordning=ordning,
        assistent=a,
        start=start,
        slutt=slutt,
        status=status,
        godkjent=slutt + dt.timedelta(days=1) if status != "innsendt" else None,
        godkjent_av=ordning.arbeidsleder if status != "innsendt" else None,
    )
