"""Nødtilgang («break the glass»): access outside need-to-know, with a reason, for a limited time.

``access.break_glass`` must refuse without saving anything when the role does not allow it, when
the person has barred the user, or when the reason is too short; when it succeeds, it opens access
until ``utloper``, writes one audit row with the reason, and ``check`` refuses again afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django.fixtures import Settings

from factories import TjenestemottakerFactory, World
from helhet.core import access, audit
from helhet.core.access import Action, Refusal
from helhet.core.models import AuditAction, AuditEvent, Nodtilgang, Sperring, User, UserKind

REASON = "Pasienten har falt, ambulanse er på vei."
MSG_SHORT = "Skriv en begrunnelse på minst 15 tegn: hva er situasjonen, og hvorfor trenger du opplysningene nå?"
MSG_ROLE = "Rollen din gir ikke adgang til nødtilgang."
MSG_SPERRET = "Tjenestemottakeren har sperret for deg. Nødtilgang er ikke mulig."


@contextmanager
def nothing_saved() -> Iterator[None]:
    before = (Nodtilgang.objects.count(), AuditEvent.objects.count())
    yield
    assert (Nodtilgang.objects.count(), AuditEvent.objects.count()) == before


def refused_with(user: User, world: World, reason: str) -> list[str]:
    with nothing_saved(), pytest.raises(ValidationError) as info:
        access.break_glass(user, world.P, reason)
    return info.value.messages


# --- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reason",
    ["", "   ", "Akutt", "14 tegn akkura", "  14 tegn akkura  ", "\n\t kort grunn \n"],
)
def test_reason_shorter_than_15_characters_is_refused(world: World, reason: str) -> None:
    assert len(reason.strip()) < access.NODTILGANG_MIN_REASON
    assert refused_with(world.nurse_b, world, reason) == [MSG_SHORT]


def test_reason_of_exactly_15_characters_is_enough(world: World) -> None:
    reason = "Falt i badet nå"
    assert len(reason) == access.NODTILGANG_MIN_REASON
    nodtilgang = access.break_glass(world.nurse_b, world.P, f"  {reason}  ")
    assert nodtilgang.begrunnelse == reason  # stored stripped


@pytest.mark.parametrize("name", ["assistant_a", "kvalitetsleder", "personvern", "sysadmin"])
def test_roles_without_nodtilgang_are_refused(world: World, name: str) -> None:
    assert refused_with(world.users[name], world, REASON) == [MSG_ROLE]


@pytest.mark.parametrize("name", ["nurse_b", "leader_b", "saksbehandler_2", "vedtaksmyndig_1", "helper_a"])
def test_roles_with_nodtilgang_may_break_the_glass(world: World, name: str) -> None:
    nodtilgang = access.break_glass(world.users[name], world.P, REASON)
    assert nodtilgang.bruker == world.users[name]


@pytest.mark.parametrize("change", ["inactive", "not_staff", "role_ended"])
def test_users_who_are_not_active_staff_with_a_role_are_refused(world: World, change: str) -> None:
    user = world.nurse_b
    if change == "inactive":
        user.is_active = False
    elif change == "not_staff":
        user.kind = UserKind.PARORENDE
    else:
        user.role_assignments.update(gyldig_til=timezone.localdate() - dt.timedelta(days=1))
    user.save()
    assert refused_with(user, world, REASON) == [MSG_ROLE]


def test_sperring_refuses_nodtilgang(world: World) -> None:
    Sperring.objects.create(tjenestemottaker=world.P, sperret_bruker=world.nurse_b)
    assert refused_with(world.nurse_b, world, REASON) == [MSG_SPERRET]
    assert not access.check(world.nurse_b, Action.VIEW, world.P).may_break_glass


def test_sperring_after_nodtilgang_refuses_access_at_once(world: World) -> None:
    access.break_glass(world.nurse_b, world.P, REASON)
    assert access.check(world.nurse_b, Action.VIEW, world.P).allowed

    Sperring.objects.create(tjenestemottaker=world.P, sperret_bruker=world.nurse_b)

    decision = access.check(world.nurse_b, Action.VIEW, world.P)
    assert (decision.allowed, decision.refusal) == (False, Refusal.SPERRET)
    assert "nødtilgang" in decision.reason
    assert world.P not in access.visible_persons(world.nurse_b)


# --- the access it gives, and when it ends ---------------------------------------------------------


def test_nodtilgang_opens_access_for_the_configured_time(world: World, settings: Settings) -> None:
    before = timezone.now()
    refused = access.check(world.nurse_b, Action.VIEW, world.P)
    assert (refused.allowed, refused.refusal, refused.may_break_glass) == (False, Refusal.NO_GROUND, True)

    nodtilgang = access.break_glass(world.nurse_b, world.P, REASON)

    assert before <= nodtilgang.start <= timezone.now()
    assert nodtilgang.utloper - nodtilgang.start == dt.timedelta(minutes=settings.NODTILGANG_MINUTES)
    assert nodtilgang.gjennomgatt is None  # flagged for review until reviewed
    granted = access.check(world.nurse_b, Action.VIEW, world.P)
    assert granted.allowed
    assert granted.ground is None
    assert granted.nodtilgang == nodtilgang
    assert (granted.ground_code, granted.ground_label) == ("nodtilgang", "Nødtilgang")
    assert world.P in access.visible_persons(world.nurse_b)
    assert nodtilgang.is_active()


def test_nodtilgang_ends_at_utloper(world: World) -> None:
    nodtilgang = access.break_glass(world.nurse_b, world.P, REASON)
    just_before = nodtilgang.utloper - dt.timedelta(seconds=1)

    assert access.check(world.nurse_b, Action.VIEW, world.P, at=just_before).allowed
    assert nodtilgang.is_active(just_before)
    for at in (nodtilgang.utloper, nodtilgang.utloper + dt.timedelta(minutes=1)):
        decision = access.check(world.nurse_b, Action.VIEW, world.P, at=at)
        assert (decision.allowed, decision.refusal) == (False, Refusal.NODTILGANG_EXPIRED)
        assert "utløp" in decision.reason
        assert timezone.localtime(nodtilgang.utloper).strftime("%d.%m.%Y kl. %H:%M") in decision.reason
        assert "ny nødtilgang" in decision.reason
        assert decision.may_break_glass is True
        assert not nodtilgang.is_active(at)
        assert world.P not in access.visible_persons(world.nurse_b, at=at)


def test_expired_nodtilgang_created_in_the_past_is_refused(world: World) -> None:
    now = timezone.now()
    Nodtilgang.objects.create(
        bruker=world.nurse_b,
        tjenestemottaker=world.P,
        begrunnelse=REASON,
        start=now - dt.timedelta(hours=3),
        utloper=now - dt.timedelta(hours=1),
    )

    decision = access.check(world.nurse_b, Action.VIEW, world.P)

    assert (decision.allowed, decision.refusal) == (False, Refusal.NODTILGANG_EXPIRED)
    assert decision.reason.startswith("Nødtilgangen din til denne tjenestemottakeren utløp ")


def test_expired_message_does_not_offer_new_nodtilgang_to_those_who_cannot(world: World) -> None:
    now = timezone.now()
    Nodtilgang.objects.create(
        bruker=world.nurse_b,
        tjenestemottaker=world.P,
        begrunnelse=REASON,
        start=now - dt.timedelta(hours=3),
        utloper=now - dt.timedelta(hours=1),
    )
    world.nurse_b.role_assignments.update(gyldig_til=timezone.localdate() - dt.timedelta(days=1))

    decision = access.check(world.nurse_b, Action.VIEW, world.P)

    assert decision.refusal == Refusal.NODTILGANG_EXPIRED
    assert decision.may_break_glass is False
    assert "ny nødtilgang" not in decision.reason


def test_new_nodtilgang_after_expiry_gives_access_again(world: World) -> None:
    now = timezone.now()
    Nodtilgang.objects.create(
        bruker=world.nurse_b,
        tjenestemottaker=world.P,
        begrunnelse=REASON,
        start=now - dt.timedelta(hours=3),
        utloper=now - dt.timedelta(hours=1),
    )
    assert access.check(world.nurse_b, Action.VIEW, world.P).refusal == Refusal.NODTILGANG_EXPIRED

    access.break_glass(world.nurse_b, world.P, "Ny situasjon: pasienten svarer ikke på døren.")

    assert access.check(world.nurse_b, Action.VIEW, world.P).allowed


def test_nodtilgang_is_for_one_person_only(world: World) -> None:
    other = TjenestemottakerFactory(bydel=world.bydel_1)
    access.break_glass(world.nurse_b, world.P, REASON)

    assert access.check(world.nurse_b, Action.VIEW, other).refusal == Refusal.NO_GROUND
    assert list(access.visible_persons(world.nurse_b).filter(pk__in=[world.P.pk, other.pk])) == [world.P]


def test_a_ground_wins_over_nodtilgang(world: World) -> None:
    access.break_glass(world.helper_a, world.P, REASON)
    decision = access.check(world.helper_a, Action.VIEW, world.P)
    assert (decision.ground_code, decision.nodtilgang) == ("team", None)


# --- the audit row ---------------------------------------------------------------------------------


def test_nodtilgang_is_audited_with_the_reason(world: World) -> None:
    before = AuditEvent.objects.count()

    nodtilgang = access.break_glass(world.nurse_b, world.P, f"  {REASON}\n")

    assert AuditEvent.objects.count() == before + 1
    row = AuditEvent.objects.order_by("-seq").first()
    assert row is not None
    assert row.action == AuditAction.NODTILGANG
    assert row.nodtilgang_id == nodtilgang.pk
    assert row.is_nodtilgang
    assert row.nodtilgang_reason == REASON == nodtilgang.begrunnelse
    assert (row.ground, row.ground_label) == ("nodtilgang", "Nødtilgang")
    assert row.tjenestemottaker_id == world.P.pk
    assert row.user_id == world.nurse_b.pk
    assert row.username == "nurse_b"
    assert row.user_roles == "sykepleier"
    assert (row.record_type, row.record_id) == ("core.Nodtilgang", str(nodtilgang.pk))
    assert audit.verify().ok
