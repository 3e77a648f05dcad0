"""Journal and flag screens through the Django test client.

helper_a writes a note and flags it to the nurse; a double submit writes one note; nurse_a sees the
flag in «Flagg» (audited) and acknowledges it; a correction is a new note and the original stays,
marked «korrigert»; an outsider gets 403 and sees nothing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from factories import World
from helhet.care.models import FlaggKvittering, Journalnotat
from helhet.core.models import AuditAction, AuditEvent, User

pytestmark = pytest.mark.django_db

Login = Callable[[Client, User], object]


def note_form(**kw: str) -> dict[str, str]:
    return {
        "nokkel": str(uuid.uuid4()),
        "type": "observasjon",
        "tekst": "Per hadde vondt i venstre fot.",
        "flagg": "sykepleier",
        "tiltak": "",
        **kw,
    }


def test_the_journal_page_carries_an_idempotency_key_and_is_audited(world: World, client: Client, login: Login) -> None:
    login(client, world.helper_a)
    response = client.get(reverse("care:journal", kwargs={"person_id": world.P.pk}))
    assert response.status_code == 200
    match = re.search(r'name="nokkel" value="([0-9a-f-]{36})"', response.content.decode())
    assert match is not None
    uuid.UUID(match.group(1))
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, username="helper_a", tjenestemottaker=world.P, details__visning="journal"
    ).exists()


def test_helper_writes_a_note_and_a_double_submit_writes_one(world: World, client: Client, login: Login) -> None:
    login(client, world.helper_a)
    url = reverse("care:journal_skriv", kwargs={"person_id": world.P.pk})
    data = note_form()
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302 and second.status_code == 302
    note = Journalnotat.objects.get()
    assert note.forfatter == world.helper_a and note.flagg == "sykepleier"
    page = client.get(reverse("care:journal", kwargs={"person_id": world.P.pk})).content.decode()
    assert "Per hadde vondt i venstre fot." in page
    assert "Hege Haugen (Helsefagarbeider)" in page


def test_an_empty_note_is_refused_on_the_form(world: World, client: Client, login: Login) -> None:
    login(client, world.helper_a)
    response = client.post(reverse("care:journal_skriv", kwargs={"person_id": world.P.pk}), note_form(tekst=" "))
    assert response.status_code == 400
    assert "Skriv notatet." in response.content.decode()
    assert not Journalnotat.objects.exists()


def test_the_flag_reaches_the_nurse_and_acknowledging_removes_it(world: World, client: Client, login: Login) -> None:
    login(client, world.helper_a)
    client.post(reverse("care:journal_skriv", kwargs={"person_id": world.P.pk}), note_form())
    note = Journalnotat.objects.get()
    assert client.get(reverse("care:flagg")).status_code == 403  # the list is for nurses and leaders

    other = Client()
    login(other, world.nurse_b)
    assert "Per hadde vondt" not in other.get(reverse("care:flagg")).content.decode()

    client.logout()
    login(client, world.nurse_a)
    page = client.get(reverse("care:flagg"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Per hadde vondt i venstre fot." in body and world.P.fullt_navn in body
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, username="nurse_a", tjenestemottaker=world.P, details__visning="flagg"
    ).exists()
    response = client.post(
        reverse("care:flagg_kvitter", kwargs={"notat_id": note.pk}), {"merknad": "Ringt fastlege", "tilbake": "flagg"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("care:flagg")
    assert FlaggKvittering.objects.get(notat=note).merknad == "Ringt fastlege"
    assert "Per hadde vondt" not in client.get(reverse("care:flagg")).content.decode()


def test_the_leader_sees_flags_of_the_units_teams(world: World, client: Client, login: Login) -> None:
    login(client, world.helper_a)
    client.post(reverse("care:journal_skriv", kwargs={"person_id": world.P.pk}), note_form(flagg="neste_vakt"))
    client.logout()
    login(client, world.leader_a)
    assert "Per hadde vondt i venstre fot." in client.get(reverse("care:flagg")).content.decode()


def test_a_correction_keeps_the_original_marked(world: World, client: Client, login: Login) -> None:
    login(client, world.helper_a)
    client.post(reverse("care:journal_skriv", kwargs={"person_id": world.P.pk}), note_form(flagg=""))
    original = Journalnotat.objects.get()
    url = reverse("care:notat_korriger", kwargs={"notat_id": original.pk})
    assert "Per hadde vondt i venstre fot." in client.get(url).content.decode()
    data = {"nokkel": str(uuid.uuid4()), "tekst": "Per hadde vondt i høyre fot, ikke venstre."}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same key again: one correction
    correction = Journalnotat.objects.get(korrigerer=original)
    original.refresh_from_db()
    assert original.tekst == "Per hadde vondt i venstre fot."
    page = client.get(reverse("care:journal", kwargs={"person_id": world.P.pk})).content.decode()
    assert "Korrigert" in page and "Korreksjon" in page
    assert f'href="#notat-{correction.pk}"' in page
    assert Journalnotat.objects.count() == 2


def test_an_outsider_gets_403_on_the_journal(world: World, client: Client, login: Login) -> None:
    login(client, world.helper_a)
    client.post(reverse("care:journal_skriv", kwargs={"person_id": world.P.pk}), note_form())
    note = Journalnotat.objects.get()
    client.logout()
    login(client, world.nurse_b)
    for response in (
        client.get(reverse("care:journal", kwargs={"person_id": world.P.pk})),
        client.post(reverse("care:journal_skriv", kwargs={"person_id": world.P.pk}), note_form()),
        client.get(reverse("care:notat_korriger", kwargs={"notat_id": note.pk})),
        client.post(reverse("care:flagg_kvitter", kwargs={"notat_id": note.pk}), {}),
    ):
        assert response.status_code == 403
        assert "venstre fot" not in response.content.decode()
    assert Journalnotat.objects.count() == 1 and not FlaggKvittering.objects.exists()


def test_the_menu_counts_open_flags(world: World, client: Client, login: Login) -> None:
    login(client, world.nurse_a)
    assert "nav-count" not in client.get(reverse("care:flagg")).content.decode()
    note = client.post(reverse("care:journal_skriv", kwargs={"person_id": world.P.pk}), note_form(flagg="sykepleier"))
    assert note.status_code == 302
    body = client.get(reverse("core:home")).content.decode()
    assert re.search(r'Flagg <span class="nav-count">1<span class="visually-hidden"> åpne</span>', body)
