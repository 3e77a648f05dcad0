"""Dokumentstyring: create, draft, approve (owner required), acknowledge (current only), figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from factories import RoleAssignmentFactory, UserFactory, World
from helhet.core.models import Role
from helhet.quality import services_dokumenter as docs
from helhet.quality.models import Lesebekreftelse, Rutine, RutineVersjon

pytestmark = pytest.mark.django_db


def head(world: World, **kw: Any) -> docs.RutineInput:
    values: dict[str, Any] = {
        "leverandor_id": world.leverandor.pk,
        "tittel": "Legemiddelhåndtering i hjemmet",
        "nummer": "RUT-001",
        "omrade": "Legemidler",
        "formal": "Trygg utdeling av legemidler",
        "eier": world.leader_a,
        "roller": (Role.SYKEPLEIER, Role.HELSEFAGARBEIDER),
        **kw,
    }
    return docs.RutineInput(**values)


def approved(world: World, tekst: str = "Sjekk navn og fødselsdato før utdeling.", **kw: Any) -> Rutine:
    rutine = docs.create(world.leader_a, head(world, **kw), tekst)
    version = rutine.versjoner.get()
    docs.approve(world.leader_a, version)
    rutine.refresh_from_db()
    return rutine


def test_a_new_procedure_starts_as_a_draft_and_is_not_required_yet(world: World) -> None:
    rutine = docs.create(world.leader_a, head(world), "Tekst")
    assert rutine.gjeldende is None and rutine.versjoner.get().is_draft
    assert docs.must_read(world.nurse_a) == []
    assert not docs.current_procedures().exists()


def test_approving_without_owner_is_refused_with_a_clear_message(world: World) -> None:
    rutine = docs.create(world.leader_a, head(world, eier=None), "Tekst")
    with pytest.raises(ValidationError) as exc:
        docs.approve(world.leader_a, rutine.versjoner.get())
    assert exc.value.message_dict["eier"] == ["Rutinen har ingen eier. Velg en eier før versjonen godkjennes."]
    rutine.refresh_from_db()
    assert rutine.gjeldende is None and rutine.versjoner.get().godkjent is None


def test_only_managers_change_procedures(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        docs.create(world.nurse_a, head(world), "Tekst")
    assert "leverandor" in exc.value.message_dict
    rutine = approved(world)
    with pytest.raises(ValidationError):
        docs.save_draft(world.nurse_a, rutine, "Ny tekst")
    with pytest.raises(ValidationError) as exc:
        docs.create(world.leader_a, head(world, tittel=" "), " ")
    assert set(exc.value.message_dict) == {"tittel", "tekst"}
    assert Rutine.objects.count() == 1


def test_staff_must_read_acknowledge_and_a_new_version_resets(world: World) -> None:
    today = timezone.localdate()
    rutine = approved(world)
    assert rutine.revisjonsdato is not None and rutine.revisjonsdato > today
    assert docs.must_read(world.nurse_a) == [rutine]
    assert docs.must_read(world.helper_a) == [rutine]
    assert docs.must_read(world.assistant_a) == []  # not a required role
    assert docs.must_read(world.saksbehandler_1) == []  # not at the provider

    share = docs.acknowledgement(rutine)
    assert share.required == {world.nurse_a.pk, world.helper_a.pk, world.nurse_b.pk}
    v1 = rutine.gjeldende
    assert v1 is not None
    docs.acknowledge(world.nurse_a, v1)
    docs.acknowledge(world.nurse_a, v1)  # twice keeps one
    assert Lesebekreftelse.objects.count() == 1
    assert docs.must_read(world.nurse_a) == []
    share = docs.acknowledgement(rutine)
    assert share.acknowledged == {world.nurse_a.pk} and share.missing == {world.helper_a.pk, world.nurse_b.pk}

    draft = docs.save_draft(world.leader_a, rutine, "Ny tekst: dobbeltkontroll.", "Lagt til dobbeltkontroll")
    assert draft.nummer == 2 and draft.is_draft
    assert docs.save_draft(world.leader_a, rutine, "Ny tekst: dobbeltkontroll av to.").pk == draft.pk
    with pytest.raises(ValidationError) as exc:
        docs.acknowledge(world.helper_a, draft)
    assert "utkast" in exc.value.messages[0]
    assert docs.must_read(world.nurse_a) == []  # the draft changes nothing yet

    docs.approve(world.leader_a, draft, revisjonsdato=today + dt.timedelta(days=100))
    rutine.refresh_from_db()
    assert rutine.gjeldende_id == draft.pk and rutine.revisjonsdato == today + dt.timedelta(days=100)
    assert docs.acknowledgement(rutine).acknowledged == frozenset()  # reset
    assert docs.must_read(world.nurse_a) == [rutine]
    with pytest.raises(ValidationError) as exc:
        docs.acknowledge(world.helper_a, v1)
    assert "ikke lenger gjeldende" in exc.value.messages[0]
    assert not Lesebekreftelse.objects.filter(user=world.helper_a).exists()
    with pytest.raises(ValidationError):
        docs.approve(world.leader_a, draft)  # already approved


def test_an_ended_or_inactive_user_is_not_required(world: World) -> None:
    rutine = approved(world)
    left = UserFactory(username="sluttet", is_active=False)
    RoleAssignmentFactory(user=left, rolle=Role.SYKEPLEIER, team=world.team_a)
    ended = UserFactory(username="gikk")
    RoleAssignmentFactory(
        user=ended,
        rolle=Role.SYKEPLEIER,
        team=world.team_a,
        gyldig_fra=dt.date(2020, 1, 1),
        gyldig_til=dt.date(2021, 1, 1),
    )
    assert docs.acknowledgement(rutine).required == {world.nurse_a.pk, world.helper_a.pk, world.nurse_b.pk}
    assert docs.acknowledgement(rutine, enhet=world.enhet_a).required == {world.nurse_a.pk, world.helper_a.pk}


def test_search_and_chooser(world: World) -> None:
    a = approved(world)
    approved(world, "Ring 110 og varsle leder.", tittel="Brannvern", nummer="RUT-002", omrade="HMS", formal="")
    assert list(docs.search(docs.visible_procedures(world.nurse_a), "legemiddel")) == [a]
    assert list(docs.search(docs.visible_procedures(world.nurse_a), "fødselsdato")) == [a]  # in the text
    assert docs.search(docs.visible_procedures(world.nurse_a), "").count() == 2
    assert list(docs.visible_procedures(world.saksbehandler_1)) == []
    assert docs.current_procedures(world.leverandor).count() == 2


def test_nokkeltall_lines(world: World) -> None:
    today = timezone.localdate()
    rutine = approved(world)
    assert rutine.gjeldende is not None
    docs.acknowledge(world.nurse_a, rutine.gjeldende)
    overdue = approved(world, "Vask hender.", tittel="Hygiene", nummer="RUT-003", roller=(Role.LEDER,))
    Rutine.objects.filter(pk=overdue.pk).update(revisjonsdato=today - dt.timedelta(days=3))
    assert overdue.gjeldende is not None
    docs.acknowledge(world.leader_a, overdue.gjeldende)
    lines = {n: v for n, v, _ in docs.nokkeltall(today - dt.timedelta(days=30), today, None)}
    # pairs: RUT-001 3 required (1 acknowledged), RUT-003 2 leaders (1 acknowledged) → 2 of 5
    assert lines == {"rutiner_gjeldende": "2", "rutiner_lest_andel": "40.0", "rutiner_revisjon_forfalt": "1"}
    by_enhet = {n: v for n, v, _ in docs.nokkeltall(today - dt.timedelta(days=30), today, world.enhet_a)}
    # at enhet A: RUT-001 nurse_a (acknowledged) and helper_a, RUT-003 leader_a (acknowledged) → 2 of 3
    assert by_enhet["rutiner_lest_andel"] == "66.7"
    before = {n: v for n, v, _ in docs.nokkeltall(today - dt.timedelta(days=30), today - dt.timedelta(days=1), None)}
    assert before["rutiner_gjeldende"] == "0"
    assert RutineVersjon.objects.filter(godkjent__isnull=False).count() == 2
