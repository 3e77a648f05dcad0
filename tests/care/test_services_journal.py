"""The journal is append-only: a note is never changed, a correction is a new note pointing at the old
one; a repeated submission (same key) writes one note; the database itself refuses UPDATE."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from factories import World
from helhet.care import services
from helhet.care.models import FlaggKvittering, Journalnotat
from helhet.core import access
from helhet.core.access import Action
from helhet.core.models import AuditAction, AuditEvent, User

pytestmark = pytest.mark.django_db


def write(world: World, user: User | None = None, **kw: object) -> Journalnotat:
    user = user or world.helper_a
    data: dict[str, object] = {"tekst": "Per var blek og svimmel ved frokost.", **kw}
    return services.skriv_notat(
        utfort_av=user,
        decision=access.check(user, Action.EDIT, world.P),
        person=world.P,
        **data,  # type: ignore[arg-type]
    )


def test_a_note_is_signed_with_name_role_and_time_and_audited(world: World) -> None:
    note = write(world)
    assert note.forfatter == world.helper_a
    assert note.forfatter_navn == "Hege Haugen"
    assert note.forfatter_rolle == "Helsefagarbeider"
    assert note.signert is not None
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, record_type="care.Journalnotat", record_id=str(note.pk), username="helper_a"
    ).exists()


def test_saving_an_existing_note_raises(world: World) -> None:
    note = write(world)
    note.tekst = "Endret i ettertid"
    with pytest.raises(ValidationError, match="kan ikke endres"):
        note.save()
    assert Journalnotat.objects.get(pk=note.pk).tekst == "Per var blek og svimmel ved frokost."


def test_the_database_refuses_update(world: World) -> None:
    note = write(world)
    with pytest.raises(DatabaseError), transaction.atomic():
        Journalnotat.objects.filter(pk=note.pk).update(tekst="Manipulert")
    assert Journalnotat.objects.get(pk=note.pk).tekst == "Per var blek og svimmel ved frokost."


def test_a_correction_is_a_new_note_and_keeps_the_original(world: World) -> None:
    original = write(world)
    correction = services.korriger_notat(
        utfort_av=world.nurse_a,
        decision=access.check(world.nurse_a, Action.EDIT, world.P),
        notat=original,
        tekst="Per var blek ved frokost, ikke svimmel.",
    )
    assert correction.pk != original.pk
    assert correction.korrigerer == original
    assert correction.type == original.type
    assert correction.forfatter == world.nurse_a
    original.refresh_from_db()
    assert original.tekst == "Per var blek og svimmel ved frokost."
    assert list(original.korreksjoner.all()) == [correction]
    assert Journalnotat.objects.count() == 2


def test_the_same_key_writes_one_note(world: World) -> None:
    key = uuid.uuid4()
    first = write(world, nokkel=key)
    again = write(world, nokkel=key, tekst="Dobbelt trykk")
    assert again.pk == first.pk
    assert Journalnotat.objects.count() == 1
    assert Journalnotat.objects.get().tekst == "Per var blek og svimmel ved frokost."
    assert write(world, nokkel=uuid.uuid4()).pk != first.pk


def test_bad_input_gets_norwegian_messages(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        write(world, tekst="  ", type="tull", flagg="alle")
    assert exc.value.message_dict == {
        "tekst": ["Skriv notatet."],
        "type": ["Velg type notat."],
        "flagg": ["Velg hvem notatet skal flagges til."],
    }
    assert not Journalnotat.objects.exists()


def test_a_flag_is_open_until_a_nurse_acknowledges_it(world: World) -> None:
    note = write(world, flagg=Journalnotat.Flagg.SYKEPLEIER)
    assert list(services.open_flags([world.team_a.pk])) == [note]
    assert list(services.open_flags([world.team_b.pk])) == []
    with pytest.raises(ValidationError, match="Bare sykepleier eller leder"):
        services.kvitter_flagg(
            utfort_av=world.helper_a, decision=access.check(world.helper_a, Action.EDIT, world.P), notat=note
        )
    services.kvitter_flagg(
        utfort_av=world.nurse_a,
        decision=access.check(world.nurse_a, Action.EDIT, world.P),
        notat=note,
        merknad="Ringt lege",
    )
    assert list(services.open_flags([world.team_a.pk])) == []
    assert FlaggKvittering.objects.get(notat=note).av == world.nurse_a
    assert Journalnotat.objects.get(pk=note.pk).flagg == Journalnotat.Flagg.SYKEPLEIER
