"""Performing a visit through the services: check in, tick, check out, cancel, note, assign.

The bad input of issue 4 («check-out before check-in, a visit checked in twice, a task ticked for a
visit that was cancelled … offline or double submissions from a phone must not create duplicates»)
each gets a clear Norwegian message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils import timezone

from care_builders import edit_decision, make_visit
from factories import World
from helhet.care import services
from helhet.care.models import Besok, BesokOppgave, Handling, Involvering, Journalnotat
from helhet.core.models import AuditAction, AuditEvent, User

pytestmark = pytest.mark.django_db

MEDVIRKNING = services.Medvirkning(hvorfor="Avtalt med Per", involvering=Involvering.PERSONEN)


_edit = edit_decision


def _inn(world: World, besok: Besok, user: User | None = None, **kw: Any) -> Besok:
    user = user or world.helper_a
    return services.sjekk_inn(utfort_av=user, decision=_edit(user, besok.tjenestemottaker), besok=besok, **kw)


def _ut(world: World, besok: Besok, user: User | None = None, **kw: Any) -> Besok:
    user = user or world.helper_a
    return services.sjekk_ut(utfort_av=user, decision=_edit(user, besok.tjenestemottaker), besok=besok, **kw)


def _tick_all(world: World, besok: Besok) -> None:
    for oppgave in BesokOppgave.objects.filter(besok_id=besok.pk):  # each loads the visit as it is now
        services.kryss_av(
            utfort_av=world.helper_a,
            decision=_edit(world.helper_a, besok.tjenestemottaker),
            oppgave=oppgave,
            utfort=True,
        )


def _updates(besok: Besok, felt: str) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.UPDATE, record_id=str(besok.pk), details__felt=[felt], record_type__icontains="besok"
    ).count()


# --- check in ----------------------------------------------------------------------------------------------


def test_visit_is_generated_for_the_fixed_staff_member(world: World) -> None:
    besok = make_visit(world)
    assert besok.ansatt == world.helper_a
    assert besok.status == Besok.Status.PLANLAGT
    assert not besok.oppgaver.exists()  # task rows are made at check-in


def test_check_in_twice_with_the_same_key_creates_nothing_twice(world: World) -> None:
    besok = make_visit(world)
    key = uuid.uuid4()
    first = _inn(world, besok, nokkel=key)
    second = _inn(world, besok, nokkel=key)
    assert first.status == second.status == Besok.Status.PAGAR
    assert second.inn == first.inn
    assert Handling.objects.filter(nokkel=key).count() == 1
    assert list(besok.oppgaver.values_list("tekst", flat=True)) == ["Dusj", "Frokost"]  # not four
    assert _updates(besok, "inn") == 1


def test_check_in_twice_with_another_key_is_refused_with_a_clear_message(world: World) -> None:
    besok = make_visit(world)
    _inn(world, besok, nokkel=uuid.uuid4())
    with pytest.raises(ValidationError) as exc:
        _inn(world, besok, user=world.nurse_a, nokkel=uuid.uuid4())
    assert "allerede sjekket inn" in exc.value.messages[0]
    assert "Hege Haugen" in exc.value.messages[0]
    besok.refresh_from_db()
    assert besok.utfort_av == world.helper_a
    assert besok.oppgaver.count() == 2


def test_one_key_covers_one_action_of_each_kind(world: World) -> None:
    """A rendered card carries one key for all its forms: check-in and check-out with it both count once."""
    besok = make_visit(world)
    key = uuid.uuid4()
    _inn(world, besok, nokkel=key)
    _tick_all(world, besok)
    _ut(world, besok, nokkel=key)
    _ut(world, besok, nokkel=key)  # the retry of the check-out changes nothing
    besok.refresh_from_db()
    assert besok.status == Besok.Status.UTFORT
    assert Handling.objects.filter(nokkel=key).count() == 2


def test_a_key_used_for_another_visit_is_refused(world: World) -> None:
    besok = make_visit(world)
    other = make_visit(world, hour=14)
    key = uuid.uuid4()
    _inn(world, besok, nokkel=key)
    with pytest.raises(ValidationError, match="utdatert"):
        _inn(world, other, nokkel=key)
    other.refresh_from_db()
    assert other.status == Besok.Status.PLANLAGT


def test_only_care_staff_at_the_provider_may_check_in(world: World) -> None:
    besok = make_visit(world)
    with pytest.raises(ValidationError, match="Bare sykepleiere, helsefagarbeidere og assistenter"):
        services.sjekk_inn(utfort_av=world.leader_a, decision=_edit(world.leader_a, world.P), besok=besok)
    besok.refresh_from_db()
    assert besok.status == Besok.Status.PLANLAGT


# --- the phone's time and position ---------------------------------------------------------------------------


def test_an_action_queued_offline_keeps_its_real_time(world: World) -> None:
    besok = make_visit(world)
    earlier = timezone.now() - dt.timedelta(hours=2)
    done = _inn(world, besok, tidspunkt=earlier)
    assert done.inn == earlier


def test_an_offline_time_older_than_twelve_hours_is_refused(world: World) -> None:
    besok = make_visit(world)
    with pytest.raises(ValidationError, match="mer enn 12 timer gammel"):
        _inn(world, besok, tidspunkt=timezone.now() - dt.timedelta(hours=13))
    besok.refresh_from_db()
    assert besok.status == Besok.Status.PLANLAGT and besok.inn is None
    assert not Handling.objects.exists()


def test_an_offline_time_in_the_future_is_refused(world: World) -> None:
    besok = make_visit(world)
    with pytest.raises(ValidationError, match="fram i tid"):
        _inn(world, besok, tidspunkt=timezone.now() + dt.timedelta(minutes=30))
    besok.refresh_from_db()
    assert besok.status == Besok.Status.PLANLAGT


def test_check_out_dated_before_check_in_is_refused(world: World) -> None:
    besok = make_visit(world)
    _inn(world, besok)
    _tick_all(world, besok)
    with pytest.raises(ValidationError, match="Utsjekk kan ikke være før innsjekk"):
        _ut(world, besok, tidspunkt=timezone.now() - dt.timedelta(hours=1))


@pytest.mark.parametrize(
    ("position", "expected"),
    [((59.913900, 10.752200), True), ((60.391300, 5.322100), False), (None, None)],
    ids=["at the address", "in Bergen", "no position"],
)
def test_the_position_is_kept_only_as_yes_or_no(
    world: World, position: tuple[float, float] | None, expected: bool | None
) -> None:
    world.P.breddegrad, world.P.lengdegrad = Decimal("59.913800"), Decimal("10.752300")
    world.P.save()
    besok = make_visit(world)
    done = _inn(world, besok, posisjon=position)
    assert done.posisjon_bekreftet is expected
    if position is not None:
        stored = repr(model_to_dict(Besok.objects.get(pk=besok.pk)))
        logged = repr(list(AuditEvent.objects.values("details", "path")))
        for coordinate in (f"{position[0]:.4f}", f"{position[1]:.4f}"):
            assert coordinate not in stored
            assert coordinate not in logged


# --- tasks and check out ----------------------------------------------------------------------------------------


def test_check_out_before_check_in_is_refused(world: World) -> None:
    besok = make_visit(world)
    with pytest.raises(ValidationError, match="Du må sjekke inn før du kan sjekke ut"):
        _ut(world, besok, nokkel=uuid.uuid4())
    besok.refresh_from_db()
    assert besok.status == Besok.Status.PLANLAGT
    assert not Handling.objects.exists()


def test_check_out_with_unticked_tasks_names_them(world: World) -> None:
    besok = make_visit(world)
    _inn(world, besok)
    first = BesokOppgave.objects.get(besok_id=besok.pk, nr=1)
    services.kryss_av(utfort_av=world.helper_a, decision=_edit(world.helper_a, world.P), oppgave=first, utfort=True)
    with pytest.raises(ValidationError) as exc:
        _ut(world, besok)
    assert "Frokost" in exc.value.messages[0] and "Dusj" not in exc.value.messages[0]
    besok.refresh_from_db()
    assert besok.status == Besok.Status.PAGAR and besok.ut is None


def test_a_task_not_done_needs_a_reason_and_then_check_out_works(world: World) -> None:
    besok = make_visit(world)
    _inn(world, besok)
    decision = _edit(world.helper_a, world.P)
    dusj, frokost = BesokOppgave.objects.filter(besok_id=besok.pk).order_by("nr")
    with pytest.raises(ValidationError, match="Skriv hvorfor «Dusj» ikke ble utført"):
        services.kryss_av(utfort_av=world.helper_a, decision=decision, oppgave=dusj, utfort=False, grunn=" ")
    services.kryss_av(utfort_av=world.helper_a, decision=decision, oppgave=dusj, utfort=False, grunn="Ønsket ikke")
    services.kryss_av(utfort_av=world.helper_a, decision=decision, oppgave=frokost, utfort=True)
    key = uuid.uuid4()
    done = _ut(world, besok, nokkel=key)
    again = _ut(world, besok, nokkel=key)
    assert done.status == again.status == Besok.Status.UTFORT
    assert again.ut == done.ut
    assert _updates(besok, "ut") == 1
    dusj.refresh_from_db()
    assert (dusj.status, dusj.grunn) == (BesokOppgave.Status.IKKE_UTFORT, "Ønsket ikke")


def test_check_out_twice_with_another_key_is_refused(world: World) -> None:
    besok = make_visit(world)
    _inn(world, besok)
    _tick_all(world, besok)
    _ut(world, besok, nokkel=uuid.uuid4())
    with pytest.raises(ValidationError, match="allerede sjekket ut"):
        _ut(world, besok, nokkel=uuid.uuid4())


def test_ticking_a_task_before_check_in_is_refused(world: World) -> None:
    besok = make_visit(world)
    oppgave = BesokOppgave.objects.create(besok=besok, nr=1, tekst="Dusj")
    with pytest.raises(ValidationError, match="Sjekk inn på besøket før"):
        services.kryss_av(
            utfort_av=world.helper_a, decision=_edit(world.helper_a, world.P), oppgave=oppgave, utfort=True
        )


def test_ticking_a_task_on_a_cancelled_visit_is_refused(world: World) -> None:
    besok = make_visit(world)
    services.avlys(
        utfort_av=world.helper_a, decision=_edit(world.helper_a, world.P), besok=besok, grunn=Besok.Grunn.SYKEHUS
    )
    besok.refresh_from_db()
    oppgave = BesokOppgave.objects.create(besok=besok, nr=1, tekst="Dusj")  # as if left from an earlier state
    with pytest.raises(ValidationError, match="Besøket er avlyst"):
        services.kryss_av(
            utfort_av=world.helper_a, decision=_edit(world.helper_a, world.P), oppgave=oppgave, utfort=True
        )
    oppgave.refresh_from_db()
    assert oppgave.status == BesokOppgave.Status.APEN


def test_ticking_after_check_out_is_refused(world: World) -> None:
    besok = make_visit(world)
    _inn(world, besok)
    _tick_all(world, besok)
    _ut(world, besok)
    oppgave = BesokOppgave.objects.get(besok_id=besok.pk, nr=1)
    with pytest.raises(ValidationError, match="sjekket ut"):
        services.kryss_av(
            utfort_av=world.helper_a, decision=_edit(world.helper_a, world.P), oppgave=oppgave, utfort=False, grunn="x"
        )


# --- cancelled and missed visits --------------------------------------------------------------------------------


def test_a_cancelled_visit_keeps_its_reason_and_cannot_be_checked_in(world: World) -> None:
    besok = make_visit(world)
    decision = _edit(world.helper_a, world.P)
    with pytest.raises(ValidationError, match="Velg en grunn"):
        services.avlys(utfort_av=world.helper_a, decision=decision, besok=besok, grunn="")
    with pytest.raises(ValidationError, match="Skriv hva som var grunnen"):
        services.avlys(utfort_av=world.helper_a, decision=decision, besok=besok, grunn=Besok.Grunn.ANNET)
    services.avlys(
        utfort_av=world.helper_a,
        decision=decision,
        besok=besok,
        grunn=Besok.Grunn.IKKE_HJEMME,
        tekst="Ringte på to ganger",
        ikke_utfort=True,
    )
    besok.refresh_from_db()
    assert (besok.status, besok.grunn, besok.grunn_tekst) == (
        Besok.Status.IKKE_UTFORT,
        Besok.Grunn.IKKE_HJEMME,
        "Ringte på to ganger",
    )
    with pytest.raises(ValidationError, match=r"ikke utført .*kan ikke sjekkes inn"):
        _inn(world, besok)


def test_a_visit_in_progress_cannot_be_cancelled(world: World) -> None:
    besok = make_visit(world)
    _inn(world, besok)
    with pytest.raises(ValidationError, match="Sjekk ut i stedet"):
        services.avlys(
            utfort_av=world.helper_a, decision=_edit(world.helper_a, world.P), besok=besok, grunn=Besok.Grunn.AVSLO
        )


# --- notes and assignment ---------------------------------------------------------------------------------------------


def test_a_note_sent_twice_with_the_same_key_is_written_once(world: World) -> None:
    besok = make_visit(world)
    key = uuid.uuid4()
    kwargs: dict[str, Any] = {
        "utfort_av": world.helper_a,
        "decision": _edit(world.helper_a, world.P),
        "person": world.P,
        "tekst": "Per var svimmel i dag.",
        "flagg": Journalnotat.Flagg.SYKEPLEIER,
        "besok": besok,
        "nokkel": key,
    }
    first = services.skriv_notat(**kwargs)
    second = services.skriv_notat(**kwargs)
    assert first.pk == second.pk
    assert Journalnotat.objects.filter(besok=besok).count() == 1
    assert first.flagg == Journalnotat.Flagg.SYKEPLEIER
    assert services.notes_that_matter([world.P.pk], timezone.localdate())[world.P.pk] == [first]


def test_assigning_needs_the_competence_the_visit_requires(world: World) -> None:
    besok = make_visit(world, ansatt=world.nurse_a, kompetanse="sykepleier")
    assert besok.ansatt == world.nurse_a
    decision = _edit(world.nurse_a, world.P)
    with pytest.raises(ValidationError) as exc:
        services.tildel(utfort_av=world.nurse_a, decision=decision, besok=besok, ansatt=world.assistant_a)
    assert "har ikke kompetansen" in str(exc.value)
    with pytest.raises(ValidationError, match="Bare sykepleiere og ledere"):
        services.tildel(utfort_av=world.helper_a, decision=_edit(world.helper_a, world.P), besok=besok, ansatt=None)
    services.tildel(utfort_av=world.nurse_a, decision=decision, besok=besok, ansatt=None)
    besok.refresh_from_db()
    assert besok.ansatt is None
