"""Avvik from the BPA portal (issue 7 point 1): the arbeidsleder reports, the provider handles, the
arbeidsleder sees the outcome; bad input keeps what was typed as a draft."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from factories import World
from helhet.core.models import User
from helhet.quality import services as avvik_services
from helhet.quality.models import Avvik, AvvikKategori
from helhet.quality.rules import risiko

pytestmark = pytest.mark.django_db


def _url(name: str, ordning: Any, **kwargs: Any) -> str:
    return f"{reverse(name, kwargs=kwargs or None)}?ordning={ordning.pk}"


def _when() -> str:
    return (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


def test_the_arbeidsleder_reports_from_the_portal_and_sees_the_outcome(
    client: Client, login: Callable[[Client, User], object], bpa: dict[str, Any], world: World
) -> None:
    ordning = bpa["ordning"]
    login(client, bpa["leader"])
    page = client.get(_url("bpa:portal_avvik", ordning)).content.decode()
    assert "Meld avvik" in page and "Du har ikke meldt noen avvik." in page

    hms = AvvikKategori.objects.get(kode="hms")
    response = client.post(
        reverse("bpa:portal_avvik"),
        {
            "ordning": ordning.pk,
            "kategori": hms.pk,
            "hva_skjedde": "Assistent skled på isen ved inngangen",
            "tidspunkt": _when(),
        },
    )
    assert response.status_code == 302
    avvik = Avvik.objects.get()
    assert avvik.status == Avvik.Status.REGISTRERT and avvik.melder == bpa["leader"]
    assert avvik.enhet is not None and avvik.enhet.leverandor == ordning.leverandor
    assert avvik.tjenestemottaker is None  # the portal user is not staff: no link into the record
    assert avvik.meldingsansvarlig == world.leader_a

    # The provider handles it; the arbeidsleder sees what was learned.
    handler = world.leader_a
    avvik_services.grade(handler, avvik, {q.kode: False for q in risiko.SPORSMAL}, 2)
    avvik_services.close(handler, avvik, "Strøing avtalt med vaktmester hver morgen.")
    listing = client.get(_url("bpa:portal_avvik", ordning)).content.decode()
    assert "Lukket" in listing
    outcome = client.get(_url("bpa:portal_avvik_utfall", ordning, rapport_id=avvik.pk)).content.decode()
    assert "Strøing avtalt med vaktmester" in outcome


def test_a_report_without_category_keeps_the_text_as_a_draft_and_the_next_send_continues_it(
    client: Client, login: Callable[[Client, User], object], bpa: dict[str, Any]
) -> None:
    ordning = bpa["ordning"]
    login(client, bpa["leader"])
    text = "Nattevakten møtte ikke opp, ingen ga beskjed"
    response = client.post(
        reverse("bpa:portal_avvik"), {"ordning": ordning.pk, "hva_skjedde": text, "tidspunkt": _when()}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Velg en kategori." in page and text in page and "lagret som utkast" in page
    draft = Avvik.objects.get()
    assert draft.status == Avvik.Status.UTKAST

    kategori = AvvikKategori.objects.get(kode="fag-kvalitet")
    response = client.post(
        reverse("bpa:portal_avvik"),
        {"ordning": ordning.pk, "utkast": draft.pk, "kategori": kategori.pk, "hva_skjedde": text, "tidspunkt": _when()},
    )
    assert response.status_code == 302
    assert Avvik.objects.count() == 1 and Avvik.objects.get().status == Avvik.Status.REGISTRERT


def test_someone_elses_report_is_not_shown_in_the_portal(
    client: Client, login: Callable[[Client, User], object], bpa: dict[str, Any], world: World
) -> None:
    staff_report = avvik_services.submit(
        world.helper_a,
        avvik_services.save_draft(
            world.helper_a,
            avvik_services.AvvikInput(
                enhet_id=world.enhet_a.pk,
                kategori_id=AvvikKategori.objects.get(kode="hms").pk,
                hva_skjedde="Noe annet",
                tidspunkt=timezone.now() - dt.timedelta(hours=1),
            ),
        ),
    )
    login(client, bpa["leader"])
    response = client.get(_url("bpa:portal_avvik_utfall", bpa["ordning"], rapport_id=staff_report.pk))
    assert response.status_code == 404
    assert "Noe annet" not in client.get(_url("bpa:portal_avvik", bpa["ordning"])).content.decode()
