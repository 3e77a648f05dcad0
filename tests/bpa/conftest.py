"""BPA fixtures: ``bpa`` (P's arrangement with its arbeidsleder and assistants, for the services and the
portal) and ``march`` (a month of awkward timesheets at the world's provider, for the exports and the
staff pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bpa_builders import at, make_assistent, make_ordning, sheet
from factories import LeverandorFactory, TjenestemottakerFactory, UserFactory, World
from helhet.bpa.models import Timeliste
from helhet.core.models import UserKind


@pytest.fixture
def bpa(world: World) -> dict[str, Any]:
    """P's BPA arrangement: 40 h/week, arbeidsleder «arbeidsleder», two onboarded assistants and one not."""
    leader = UserFactory(username="arbeidsleder", kind=UserKind.ARBEIDSLEDER)
    fra = dt.date(timezone.localdate().year - 1, 1, 1)
    ordning = make_ordning(world, world.P, world.leverandor, fra=fra, arbeidsleder=leader)
    return {
        "ordning": ordning,
        "leader": leader,
        "anna": make_assistent(ordning, "Anna Assistent"),
        "bo": make_assistent(ordning, "Bo Bistand"),
        "ny": make_assistent(ordning, "Nina Ny", ready=False),
    }


#: Assistants the export tests need only for their hours (onboarding is not what they check).
PAYROLL_ONLY: dict[str, Any] = {"ready": False, "start": dt.date(2024, 1, 1)}


@pytest.fixture
def march(world: World) -> dict[str, Any]:
    return build_march(world)


def build_march(world: World) -> dict[str, Any]:
    """P's arrangement at the world's provider with three assistants and a month of awkward timesheets."""
    ordning = make_ordning(world, world.P, world.leverandor, samtykke=True)
    anna = make_assistent(ordning, "Anna Aas", ansattnummer="1001", **PAYROLL_ONLY)
    bo = make_assistent(
        ordning, "=Bo Berg", ansattnummer="1002", ready=False, start=dt.date(2024, 1, 1)
    )  # a name a spreadsheet would run as a formula
    cato = make_assistent(ordning, "Cato Dahl", ansattnummer="1003", **PAYROLL_ONLY)
    d = dt.date
    rows = [
        sheet(ordning, anna, at(d(2025, 3, 3), 7), at(d(2025, 3, 3), 14, 50)),  # 7:50
        sheet(ordning, anna, at(d(2025, 3, 4), 7), at(d(2025, 3, 4), 14, 50)),  # 7:50
        sheet(ordning, bo, at(d(2025, 3, 7), 15), at(d(2025, 3, 8), 3)),  # Fri–Sat 12 h, evening/weekend
        sheet(ordning, bo, at(d(2025, 3, 31), 23), at(d(2025, 4, 1), 7)),  # starts in March: counts in March
        sheet(ordning, cato, at(d(2025, 3, 5), 7), at(d(2025, 3, 5), 14, 50)),  # 7:50
        sheet(ordning, cato, at(d(2025, 2, 28), 22), at(d(2025, 3, 1), 6)),  # starts in February: not March
        sheet(ordning, cato, at(d(2025, 3, 12), 8), at(d(2025, 3, 12), 12), status="innsendt"),  # not approved
    ]
    original = sheet(ordning, anna, at(d(2025, 3, 10), 7), at(d(2025, 3, 10), 11))
    Timeliste.objects.filter(pk=original.pk).update(status=Timeliste.Status.ERSTATTET)
    correction = Timeliste.objects.create(
        ordning=ordning,
        assistent=anna,
        start=original.start,
        slutt=original.slutt + dt.timedelta(minutes=45),
        status=Timeliste.Status.GODKJENT,
        godkjent=timezone.now(),
        godkjent_av=ordning.arbeidsleder,
        korrigerer=original,
        begrunnelse="Fulgte til legetime",
    )
    other = make_ordning(world, TjenestemottakerFactory(bydel=world.bydel_1), LeverandorFactory())
    sheet(
        other,
        make_assistent(other, "Dora Annen", ansattnummer="9001", ready=False),
        at(d(2025, 3, 3), 8),
        at(d(2025, 3, 3), 16),
    )
    return {"ordning": ordning, "anna": anna, "bo": bo, "cato": cato, "rows": rows, "correction": correction}
