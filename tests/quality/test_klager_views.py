"""Complaint screens: register (with and without a person), handle, answer, list and figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from factories import World
from helhet.core.models import AuditAction, AuditEvent, User
from helhet.quality import services_klager
from helhet.quality.models import Tjenesteklage
from helhet.quality.views_klager import person_klager

pytestmark = pytest.mark.django_db
Login = Callable[[Client, User], object]


def form(world: World, **kw: str) -> dict[str, str]:
    return {
        "enhet": str(world.enhet_a.pk),
        "klager_rolle": "parorende",
        "klager_navn": "Kari Datter",
        "mottatt": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "kanal": "telefon",
        "tema": "kontinuitet",
        "beskrivelse": "Nye ansatte hver dag.",
        **kw,
    }


def test_register_from_the_form_and_bad_input_keeps_what_was_typed(client: Client, login: Login, world: World) -> None:
    login(client, world.helper_a)
    assert client.get(reverse("quality:klage_ny")).status_code == 200
    response = client.post(reverse("quality:klage_ny"), form(world, beskrivelse="", mottatt=""))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Skriv hva klagen gjelder." in body and "Skriv datoen klagen kom inn." in body
    assert "Kari Datter" in body  # nothing lost
    assert not Tjenesteklage.objects.exists()
    response = client.post(reverse("quality:klage_ny"), form(world))
    assert response.status_code == 302
    assert Tjenesteklage.objects.get().registrert_av == world.helper_a


def test_register_for_a_person_checks_access(client: Client, login: Login, world: World) -> None:
    login(client, world.nurse_b)  # not on P's team
    response = client.get(reverse("quality:klage_ny") + f"?person={world.P.pk}")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(user=world.nurse_b, tjenestemottaker=world.P, action=AuditAction.REFUSED).exists()
    client.logout()
    login(client, world.helper_a)
    response = client.get(reverse("quality:klage_ny") + f"?person={world.P.pk}")
    body = response.content.decode()
    assert response.status_code == 200 and "knyttes til personen du kom fra" in body and "Prøve" not in body
    response = client.post(reverse("quality:klage_ny"), {**form(world), "person": str(world.P.pk)})
    assert response.status_code == 302
    assert Tjenesteklage.objects.get().tjenestemottaker_id == world.P.pk


def test_the_handler_assesses_and_answers_and_the_list_shows_no_content(
    client: Client, login: Login, world: World
) -> None:
    klage = services_klager.register(
        world.helper_a,
        services_klager.KlageInput(
            enhet_id=world.enhet_a.pk,
            klager_rolle="tjenestemottaker",
            mottatt=timezone.localdate() - dt.timedelta(days=40),
            kanal="brev",
            tema="oppforsel",
            beskrivelse="Hemmelig innhold om diagnose",
            tjenestemottaker=world.P,
        ),
    )
    login(client, world.leader_a)
    listing = client.get(reverse("quality:klage_liste")).content.decode()
    assert f"Klage {klage.pk}" in listing and "for sent" in listing
    assert "Hemmelig" not in listing and "Prøve" not in listing
    url = reverse("quality:klage_detalj", kwargs={"tjenesteklage_id": klage.pk})
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(user=world.leader_a, tjenestemottaker=world.P, action=AuditAction.READ).exists()
    response = client.post(url, {"handling": "svar", "besvart": "", "svarmate": "", "svar_sammendrag": "Svar"})
    assert response.status_code == 400 and "Skriv vurderingen av klagen" in response.content.decode()
    response = client.post(url, {"handling": "vurder", "vurdering": "", "tiltak": "Samtale", "avvik": "abc"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Skriv avviksnummeret som et tall." in body and "Samtale" in body
    assert client.post(url, {"handling": "vurder", "vurdering": "Berettiget"}).status_code == 302
    today = timezone.localdate().isoformat()
    response = client.post(
        url,
        {"handling": "svar", "besvart": today, "svarmate": "brev", "svar_sammendrag": "Beklaget", "utfall": "medhold"},
    )
    assert response.status_code == 302
    klage.refresh_from_db()
    assert klage.status == Tjenesteklage.Status.BESVART and klage.utfall == "medhold"
    figures = client.get(reverse("quality:klage_tall")).content.decode()
    assert "100 %" in figures  # one received, one answered
    assert "1 for sent eller ikke besvart" in figures  # its deadline passed before the answer


def test_others_cannot_open_a_complaint(client: Client, login: Login, world: World) -> None:
    klage = services_klager.register(
        world.helper_a,
        services_klager.KlageInput(
            enhet_id=world.enhet_a.pk,
            klager_rolle="annen",
            mottatt=timezone.localdate(),
            kanal="epost",
            tema="annet",
            beskrivelse="Tekst",
        ),
    )
    url = reverse("quality:klage_detalj", kwargs={"tjenesteklage_id": klage.pk})
    login(client, world.leader_b)
    assert client.get(url).status_code == 403
    assert client.post(url, {"handling": "vurder", "vurdering": "x"}).status_code == 403
    assert f"Klage {klage.pk}" not in client.get(reverse("quality:klage_liste") + "?status=alle").content.decode()
    client.logout()
    login(client, world.nurse_a)  # not the registrar, not a handler
    assert client.get(url).status_code == 403
    assert "for meldingsansvarlig" in client.get(reverse("quality:klage_liste")).content.decode()


def test_the_person_panel_lists_status_only(world: World) -> None:
    from django.test import RequestFactory

    services_klager.register(
        world.helper_a,
        services_klager.KlageInput(
            enhet_id=world.enhet_a.pk,
            klager_rolle="parorende",
            mottatt=timezone.localdate(),
            kanal="telefon",
            tema="tidspunkt",
            beskrivelse="x",
            tjenestemottaker=world.P,
        ),
    )
    request = RequestFactory().get("/")
    request.user = world.helper_a
    context = person_klager(request, world.P, None)  # type: ignore[arg-type]
    assert len(context["klager"]) == 1 and context["may_register"]


def test_no_klager_or_rutiner_route_shows_the_person_to_an_outsider(client: Client, login: Login, world: World) -> None:
    """As core's route test does for every route: nurse_b (no relationship to P) sees nothing of P."""
    from django.urls import URLPattern

    from helhet.quality import views_dokumenter, views_klager

    klage = services_klager.register(
        world.helper_a,
        services_klager.KlageInput(
            enhet_id=world.enhet_a.pk,
            klager_rolle="parorende",
            klager_navn="Petra Prøvedatter",
            mottatt=timezone.localdate(),
            kanal="telefon",
            tema="tidspunkt",
            beskrivelse="Prøvedatter ringte om Per Prøve",
            tjenestemottaker=world.P,
        ),
    )
    secrets = [world.P.etternavn, "Prøvedatter"]
    login(client, world.nurse_b)
    patterns: list[URLPattern] = [*views_klager.urlpatterns, *views_dokumenter.urlpatterns]
    values = {"tjenesteklage_id": klage.pk, "rutine_id": 1, "person": str(world.P.pk)}
    for pattern in patterns:
        kwargs = {name: values[name] for name in pattern.pattern.converters}
        url = reverse(f"quality:{pattern.name}", kwargs=kwargs)
        for method in ("get", "post"):
            for query in ("", f"?person={world.P.pk}"):
                body = getattr(client, method)(url + query).content.decode()
                for secret in secrets:
                    assert secret not in body, f"{method} {url}{query} shows {secret!r}"
