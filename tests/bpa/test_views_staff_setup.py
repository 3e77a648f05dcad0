"""The provider sets up BPA: an arrangement from a received order (with the arbeidsleder's login) and assistants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from factories import World
from helhet.bpa import services
from helhet.bpa.models import Assistent, Ordning
from helhet.cases.models import Bestilling, Soknad, Vedtak
from helhet.core.models import User, UserKind

pytestmark = pytest.mark.django_db


def _form(**kw: Any) -> dict[str, Any]:
    data = {
        "ny-navn": "Petra Pleie",
        "ny-telefon": "99887766",
        "ny-ansattnummer": "A9001",
        "ny-stillingsprosent": "60",
        "ny-start": timezone.localdate().isoformat(),
        "ny-kontrakt_signert": timezone.localdate().isoformat(),
        "ny-politiattest": "godkjent",
        "ny-politiattest_dato": timezone.localdate().isoformat(),
    }
    data.update({f"ny-{k}": v for k, v in kw.items()})
    return data


def test_the_adviser_registers_an_assistant_and_bad_input_is_named(
    client: Client, login: Callable[[Client, User], object], bpa: dict[str, Any], world: World
) -> None:
    login(client, world.leader_a)
    url = reverse("bpa:staff_ny_assistent", kwargs={"ordning_id": bpa["ordning"].pk})
    bad = client.post(url, _form(stillingsprosent="120", politiattest_dato=""))
    text = bad.content.decode()
    assert bad.status_code == 400
    assert "Stillingsprosenten må være mellom 0 og 100." in text and "Skriv datoen på politiattesten." in text
    assert not Assistent.objects.filter(navn="Petra Pleie").exists()
    ok = client.post(url, _form(), follow=True)
    assert "Petra Pleie er registrert." in ok.content.decode()
    petra = Assistent.objects.get(navn="Petra Pleie")
    assert services.mangler(petra) and all("kurset" in m for m in services.mangler(petra))  # courses still missing


def test_editing_an_employment_unblocks_the_assistant(
    client: Client, login: Callable[[Client, User], object], bpa: dict[str, Any], world: World
) -> None:
    ny: Assistent = bpa["ny"]
    for code in ("assistentrollen", "taushetsplikt", "hms", "psykososialt", "kvalitetssystem"):
        services.fullfor_kurs(utfort_av=world.leader_a, assistent=ny, kurs=code, dato=timezone.localdate())
    assert services.mangler(ny) == ["signert arbeidsavtale", "godkjent politiattest"]
    login(client, world.leader_a)
    url = reverse("bpa:staff_assistent", kwargs={"ordning_id": bpa["ordning"].pk, "assistent_id": ny.pk})
    assert client.get(url).status_code == 200
    data = {k.removeprefix("ny-"): v for k, v in _form(navn=ny.navn, ansattnummer=ny.ansattnummer).items()}
    client.post(url, data, follow=True)
    ny.refresh_from_db()
    assert services.mangler(ny) == []
    login(client, world.nurse_b)
    assert client.get(url).status_code == 403


def test_an_arrangement_from_a_received_bpa_order_with_a_one_time_password(
    client: Client, login: Callable[[Client, User], object], world: World
) -> None:
    today = timezone.localdate()
    soknad = Soknad.objects.create(tjenestemottaker=world.P, bydel=world.bydel_1, saksbehandler=world.saksbehandler_1)
    vedtak = Vedtak.objects.create(
        soknad=soknad,
        tjenestemottaker=world.P,
        tjenestetype="bpa",
        omfang=Decimal(35),
        omfang_enhet="timer_per_uke",
        timer_per_uke=Decimal(35),
        fom=today - dt.timedelta(days=5),
        begrunnelse="Behov",
        hjemmel="pbrl. § 2-1 d",
        saksbehandler=world.saksbehandler_1,
        status=Vedtak.Status.FATTET,
        utfall=Vedtak.Utfall.INNVILGET,
        fattet=timezone.now(),
    )
    Bestilling.objects.create(vedtak=vedtak, leverandor=world.leverandor, fra=today, status=Bestilling.Status.MOTTATT)
    login(client, world.leader_a)
    page = client.get(reverse("bpa:staff_ny_ordning")).content.decode()
    assert "Per Prøve: 35" in page
    bestilling = Bestilling.objects.get(vedtak=vedtak)
    form = {
        "bestilling": bestilling.pk,
        "arbeidsleder_type": "selv",
        "fornavn": "Per",
        "etternavn": "Prøve",
        "brukernavn": "per.prove",
        "regelsett": "lov",
    }
    taken = client.post(reverse("bpa:staff_ny_ordning"), {**form, "brukernavn": "nurse_a"})
    assert taken.status_code == 400 and "Brukernavnet er tatt" in taken.content.decode()
    done = client.post(reverse("bpa:staff_ny_ordning"), form).content.decode()
    assert "engangspassord" in done
    ordning = Ordning.objects.get(vedtak=vedtak)
    assert ordning.timer_per_uke == Decimal(35) and ordning.radgiver == world.leader_a
    assert ordning.arbeidsleder.kind == UserKind.ARBEIDSLEDER and ordning.arbeidsleder.has_usable_password()
    assert not services.ledige_bestillinger(world.leader_a).exists()  # the order now has its arrangement
