"""Dokumentstyring screens: create, approve (owner!), «Rutiner jeg må lese», acknowledge, search, figures."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from factories import World
from helhet.core.models import Role, User
from helhet.quality import services_dokumenter as docs
from helhet.quality.models import Lesebekreftelse, Rutine

pytestmark = pytest.mark.django_db
Login = Callable[[Client, User], object]


def test_a_leader_creates_approves_and_staff_acknowledge(client: Client, login: Login, world: World) -> None:
    login(client, world.leader_a)
    assert client.get(reverse("quality:dokument_ny")).status_code == 200
    response = client.post(
        reverse("quality:dokument_ny"),
        {"leverandor": world.leverandor.pk, "tittel": "", "tekst": "Tekst", "roller": [Role.SYKEPLEIER]},
    )
    assert response.status_code == 400 and "Skriv en tittel på rutinen." in response.content.decode()
    assert not Rutine.objects.exists()
    response = client.post(
        reverse("quality:dokument_ny"),
        {
            "leverandor": world.leverandor.pk,
            "tittel": "Insulin",
            "nummer": "RUT-9",
            "tekst": "Mål blodsukker før insulin.",
            "roller": [Role.SYKEPLEIER],
        },
    )
    rutine = Rutine.objects.get()
    assert response.status_code == 302
    url = reverse("quality:dokument_detalj", kwargs={"rutine_id": rutine.pk})
    draft = rutine.versjoner.get()
    response = client.post(url, {"handling": "godkjenn", "versjon": draft.pk, "revisjonsdato": ""})
    assert response.status_code == 400
    assert "Rutinen har ingen eier. Velg en eier før versjonen godkjennes." in response.content.decode()
    response = client.post(
        reverse("quality:dokument_endre", kwargs={"rutine_id": rutine.pk}),
        {"tittel": "Insulin", "nummer": "RUT-9", "eier": world.leader_a.pk, "roller": [Role.SYKEPLEIER]},
    )
    assert response.status_code == 302
    assert client.post(url, {"handling": "godkjenn", "versjon": draft.pk, "revisjonsdato": ""}).status_code == 302
    rutine.refresh_from_db()
    assert rutine.gjeldende_id == draft.pk

    client.logout()
    login(client, world.nurse_a)
    mine = client.get(reverse("quality:dokument_mine")).content.decode()
    assert "Insulin" in mine
    assert client.get(url).status_code == 200
    assert client.post(url, {"handling": "godkjenn", "versjon": draft.pk}).status_code == 403
    assert client.post(url, {"handling": "bekreft", "versjon": draft.pk}).status_code == 302
    assert Lesebekreftelse.objects.filter(user=world.nurse_a, versjon=draft).exists()
    assert "Insulin" not in client.get(reverse("quality:dokument_mine")).content.decode()
    assert client.get(reverse("quality:dokument_tall")).status_code == 403

    client.logout()
    login(client, world.leader_a)
    detail = client.get(url).content.decode()
    assert "50 %" in detail and "Bjørn Bakke" in detail  # nurse_b has not read it
    figures = client.get(reverse("quality:dokument_tall")).content.decode()
    assert "Insulin" in figures and "50 %" in figures


def test_acknowledging_an_old_version_is_refused_with_a_message(client: Client, login: Login, world: World) -> None:
    rutine = docs.create(
        world.leader_a,
        docs.RutineInput(
            leverandor_id=world.leverandor.pk, tittel="Brann", eier=world.leader_a, roller=("sykepleier",)
        ),
        "v1",
    )
    v1 = docs.approve(world.leader_a, rutine.versjoner.get())
    docs.approve(world.leader_a, docs.save_draft(world.leader_a, rutine, "v2"))
    login(client, world.nurse_a)
    url = reverse("quality:dokument_detalj", kwargs={"rutine_id": rutine.pk})
    response = client.post(url, {"handling": "bekreft", "versjon": v1.pk})
    assert response.status_code == 400 and "ikke lenger gjeldende" in response.content.decode()
    assert not Lesebekreftelse.objects.exists()


def test_search_finds_by_title_and_text_and_outsiders_see_nothing(client: Client, login: Login, world: World) -> None:
    for title, text in (("Brannvern", "Ring 110."), ("Hygiene", "Vask hendene med såpe.")):
        r = docs.create(
            world.leader_a,
            docs.RutineInput(leverandor_id=world.leverandor.pk, tittel=title, eier=world.leader_a),
            text,
        )
        docs.approve(world.leader_a, r.versjoner.get())
    login(client, world.helper_a)
    body = client.get(reverse("quality:dokument_liste") + "?q=såpe").content.decode()
    assert "Hygiene" in body and "Brannvern" not in body
    client.logout()
    login(client, world.saksbehandler_1)
    body = client.get(reverse("quality:dokument_liste")).content.decode()
    assert "Hygiene" not in body
    hygiene = Rutine.objects.get(tittel="Hygiene")
    assert client.get(reverse("quality:dokument_detalj", kwargs={"rutine_id": hygiene.pk})).status_code == 403
