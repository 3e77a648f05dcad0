"""Naming the whistleblowing recipients: only the kvalitetsleder or a leder for the whole provider, every
change audited and shown, and no open case left without a recipient."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from factories import LeverandorFactory, RoleAssignmentFactory, UserFactory, World
from helhet.core.models import AuditEvent, Role, UserKind
from helhet.quality import services_varsling as services
from helhet.quality.models import VarslingMottaker, VarslingSak

pytestmark = pytest.mark.django_db


def test_the_kvalitetsleder_names_a_recipient_on_the_page_and_the_change_is_shown(
    world: World, client: Any, login: Any
) -> None:
    url = reverse("quality:varsling_mottakere")
    login(client, world.kvalitetsleder)
    page = client.get(url).content.decode()
    assert "Ingen er navngitt ennå" in page and world.nurse_a.get_full_name() in page  # a candidate
    response = client.post(
        url,
        {"leverandor": world.leverandor.pk, "handling": "legg_til", "kanal": "intern", "mottaker": world.nurse_a.pk},
    )
    assert response.status_code == 302
    mottaker = VarslingMottaker.objects.get()
    assert (mottaker.user, mottaker.kanal, mottaker.aktiv) == (world.nurse_a, "intern", True)
    assert AuditEvent.objects.filter(record_type="quality.VarslingMottaker", user=world.kvalitetsleder).exists()
    page = client.get(url).content.decode()
    assert "la til en intern mottaker" in page
    assert services.is_recipient(world.nurse_a)

    again = client.post(
        url,
        {"leverandor": world.leverandor.pk, "handling": "legg_til", "kanal": "intern", "mottaker": world.nurse_a.pk},
    )
    assert again.status_code == 400 and "er allerede mottaker" in again.content.decode()


def test_an_enhet_leader_cannot_name_recipients(world: World, client: Any, login: Any) -> None:
    login(client, world.leader_a)
    assert client.get(reverse("quality:varsling_mottakere")).status_code == 403
    with pytest.raises(ValidationError):
        services.add_recipient(world.leader_a, world.leverandor, world.nurse_a, "intern")
    provider_leader = UserFactory(username="lev_leder")
    RoleAssignmentFactory(user=provider_leader, rolle=Role.LEDER, leverandor=world.leverandor)
    assert services.may_manage_recipients(provider_leader, world.leverandor)


def test_who_may_be_a_recipient_in_each_channel(world: World) -> None:
    other = LeverandorFactory()
    outsider = UserFactory(username="annen_lev")
    RoleAssignmentFactory(user=outsider, rolle=Role.SYKEPLEIER, leverandor=other)
    with pytest.raises(ValidationError) as exc:
        services.add_recipient(world.kvalitetsleder, world.leverandor, outsider, "intern")
    assert "aktiv ansatt i virksomheten" in exc.value.message_dict["mottaker"][0]
    external = UserFactory(username="revisor", kind=UserKind.VARSELMOTTAKER)
    with pytest.raises(ValidationError) as exc:
        services.add_recipient(world.kvalitetsleder, world.leverandor, external, "ekstern")
    assert "organisasjon" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.add_recipient(world.kvalitetsleder, world.leverandor, world.nurse_a, "ekstern", "Revisjon AS")
    assert "egen innlogging" in exc.value.message_dict["mottaker"][0]
    mottaker = services.add_recipient(world.kvalitetsleder, world.leverandor, external, "ekstern", "Revisjon AS")
    assert mottaker.organisasjon == "Revisjon AS" and not VarslingMottaker.objects.filter(user=outsider).exists()


def test_an_open_case_is_never_left_without_a_recipient(world: World) -> None:
    first = services.add_recipient(world.kvalitetsleder, world.leverandor, world.nurse_a, "intern")
    VarslingSak.objects.create(leverandor=world.leverandor, kanal="intern", beskrivelse="x", mottatt=dt.date.today())
    with pytest.raises(ValidationError, match="Navngi en ny mottaker"):
        services.remove_recipient(world.kvalitetsleder, first)
    assert VarslingMottaker.objects.get(pk=first.pk).aktiv
    services.add_recipient(world.kvalitetsleder, world.leverandor, world.helper_a, "intern")
    services.remove_recipient(world.kvalitetsleder, first)
    assert not VarslingMottaker.objects.get(pk=first.pk).aktiv
    assert not services.is_recipient(world.nurse_a)
    # Taken back later: the same row is active again.
    services.add_recipient(world.kvalitetsleder, world.leverandor, world.nurse_a, "intern")
    assert VarslingMottaker.objects.filter(user=world.nurse_a).count() == 1
