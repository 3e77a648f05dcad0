"""BPA use cases: onboarding gates shifts, the working-time rules refuse or warn, timesheets stay honest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bpa_builders import at, next_monday
from factories import UserFactory, World
from helhet.bpa import services
from helhet.bpa.models import Timeliste, Vakt
from helhet.core.models import UserKind

pytestmark = pytest.mark.django_db


def test_an_assistant_not_onboarded_cannot_be_scheduled_and_the_message_says_what_is_missing(
    bpa: dict[str, Any],
) -> None:
    day = next_monday()
    with pytest.raises(ValidationError) as exc:
        services.planlegg_vakt(
            utfort_av=bpa["leader"], ordning=bpa["ordning"], assistent=bpa["ny"], start=at(day, 8), slutt=at(day, 16)
        )
    text = " ".join(exc.value.messages)
    assert "signert arbeidsavtale" in text and "godkjent politiattest" in text and "Taushetsplikt" in text
    assert not Vakt.objects.exists()


def test_overlapping_shifts_and_short_rest_are_refused_nothing_saved(bpa: dict[str, Any]) -> None:
    day = next_monday()
    o, leader, anna = bpa["ordning"], bpa["leader"], bpa["anna"]
    services.planlegg_vakt(utfort_av=leader, ordning=o, assistent=anna, start=at(day, 14), slutt=at(day, 22))
    with pytest.raises(ValidationError, match="overlapper"):
        services.planlegg_vakt(utfort_av=leader, ordning=o, assistent=anna, start=at(day, 20), slutt=at(day, 23))
    nxt = day + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match=r"10-8"):  # 22:00 → 06:00 is 8 h of rest
        services.planlegg_vakt(utfort_av=leader, ordning=o, assistent=anna, start=at(nxt, 6), slutt=at(nxt, 12))
    assert Vakt.objects.count() == 1
    fixed = services.planlegg_vakt(utfort_av=leader, ordning=o, assistent=anna, start=at(nxt, 9), slutt=at(nxt, 15))
    assert fixed.vakt.pk and Vakt.objects.count() == 2


def test_only_the_arrangements_arbeidsleder_plans(bpa: dict[str, Any], world: World) -> None:
    day = next_monday()
    other = UserFactory(username="annen", kind=UserKind.ARBEIDSLEDER)
    for who in (other, world.leader_a):
        with pytest.raises(PermissionDenied):
            services.planlegg_vakt(
                utfort_av=who, ordning=bpa["ordning"], assistent=bpa["anna"], start=at(day, 8), slutt=at(day, 12)
            )


def test_a_substitute_takes_a_shift_and_the_original_is_remembered(bpa: dict[str, Any]) -> None:
    day = next_monday()
    planned = services.planlegg_vakt(
        utfort_av=bpa["leader"], ordning=bpa["ordning"], assistent=bpa["anna"], start=at(day, 8), slutt=at(day, 16)
    )
    handed = services.gi_til_vikar(utfort_av=bpa["leader"], vakt=planned.vakt, vikar=bpa["bo"])
    assert handed.vakt.assistent == bpa["bo"] and handed.vakt.overtatt_fra == bpa["anna"]
    with pytest.raises(ValidationError, match="opplæringen"):
        services.gi_til_vikar(utfort_av=bpa["leader"], vakt=planned.vakt, vikar=bpa["ny"])


def test_a_rota_plans_each_lawful_shift_and_lists_the_refused(bpa: dict[str, Any]) -> None:
    day = next_monday()
    _turnus, planned, refused = services.lagre_turnus(
        utfort_av=bpa["leader"],
        ordning=bpa["ordning"],
        assistent=bpa["anna"],
        ukedager=[1, 3, 5],
        start=dt.time(8),
        slutt=dt.time(15),
        fra=day,
        til=day + dt.timedelta(days=13),
    )
    assert len(planned) == 6 and refused == []
    assert {timezone.localtime(p.vakt.start).isoweekday() for p in planned} == {1, 3, 5}
    with pytest.raises(ValidationError, match="Velg minst én ukedag"):
        services.lagre_turnus(
            utfort_av=bpa["leader"],
            ordning=bpa["ordning"],
            assistent=bpa["anna"],
            ukedager=[],
            start=dt.time(8),
            slutt=dt.time(15),
            fra=day,
            til=day,
        )


def test_timesheets_future_refused_approved_only_corrected_keeping_the_original(bpa: dict[str, Any]) -> None:
    o, leader, anna = bpa["ordning"], bpa["leader"], bpa["anna"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="ikke har vært ennå"):
        services.registrer_timer(
            utfort_av=leader, ordning=o, assistent=anna, start=at(tomorrow, 8), slutt=at(tomorrow, 12)
        )
    row = services.registrer_timer(
        utfort_av=leader, ordning=o, assistent=anna, start=at(yesterday, 8), slutt=at(yesterday, 12)
    )
    approved = services.godkjenn(utfort_av=leader, timeliste=row)
    with pytest.raises(ValidationError, match="allerede godkjent"):
        services.godkjenn(utfort_av=leader, timeliste=approved)
    with pytest.raises(ValidationError, match="hvorfor"):
        services.korriger(
            utfort_av=leader, timeliste=approved, start=at(yesterday, 8), slutt=at(yesterday, 13), begrunnelse=""
        )
    new = services.korriger(
        utfort_av=leader,
        timeliste=approved,
        start=at(yesterday, 8),
        slutt=at(yesterday, 13),
        begrunnelse="Ble en time lenger",
    )
    original = Timeliste.objects.get(pk=row.pk)
    assert original.status == Timeliste.Status.ERSTATTET and original.slutt == at(yesterday, 12)
    assert new.korrigerer == original and new.status == Timeliste.Status.GODKJENT
    used = services.godkjente([o.pk], yesterday, yesterday)
    assert [r.pk for r in used] == [new.pk]


def test_hours_used_and_the_budget(bpa: dict[str, Any]) -> None:
    o, leader, anna = bpa["ordning"], bpa["leader"], bpa["anna"]
    before = services.forbruk(o)
    assert before.used_year == 0 and before.granted_year > Decimal(2000)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    row = services.registrer_timer(
        utfort_av=leader, ordning=o, assistent=anna, start=at(yesterday, 8), slutt=at(yesterday, 14)
    )
    assert services.forbruk(o).used_year == 0  # not approved yet
    services.godkjenn(utfort_av=leader, timeliste=row)
    after = services.forbruk(o)
    assert after.used_year == Decimal("6.00")
