"""The one access check: «May user U do action A on person P, and on what ground?»

Order of the check (Normen, faktaark 14; pasientjournalloven §§ 16-17, 22):

1. Only active staff users reach person data here (portal access will be a ground of its own).
2. **Sperring**: if P has barred U, the answer is no — whatever else holds, nødtilgang included.
3. **Grounds** (tjenstlig behov), in registration order: the first that holds and covers A wins.
   Showing the full identity number additionally needs a role whose tasks need it.
4. **Nødtilgang**: an active, unexpired break-the-glass access of U to P. It opens reading only:
   break-the-glass is for finding what an emergency needs, not for changing the record.
5. Otherwise no, with a Norwegian reason, and the offer of nødtilgang where U's roles allow it.

Views never re-implement this: they use :func:`check` (through the view guards in
:mod:`helhet.core.guards`) and :func:`visible_persons` for lists and searches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

if TYPE_CHECKING:
    from helhet.core.models import Nodtilgang, Tjenestemottaker, User


class Action(StrEnum):
    VIEW = "se"
    EDIT = "endre"
    VIEW_FULL_ID = "se_fodselsnummer"


class Refusal(StrEnum):
    NOT_STAFF = "ikke_ansatt"
    SPERRET = "sperret"
    NO_GROUND = "ikke_tjenstlig_behov"
    NODTILGANG_EXPIRED = "nodtilgang_utlopt"
    ROLE_TOO_LOW = "rolle"
    NODTILGANG_READ_ONLY = "nodtilgang_lesetilgang"


@dataclass(frozen=True)
class Ground:
    """One kind of relationship that gives need-to-know access."""

    code: str
    label: str
    applies: Callable[[User, Tjenestemottaker, dt.date], bool]
    persons_q: Callable[[User, dt.date], Q]
    actions: frozenset[Action] = field(default_factory=lambda: frozenset(Action))


_GROUNDS: dict[str, Ground] = {}


def register_ground(ground: Ground) -> None:
    """Add a ground (idempotent by code). Later apps call this from ``AppConfig.ready``."""
    _GROUNDS[ground.code] = ground


def unregister_ground(code: str) -> None:
    _GROUNDS.pop(code, None)


def grounds() -> tuple[Ground, ...]:
    return tuple(_GROUNDS.values())


def ground_label(code: str) -> str:
    if code == NODTILGANG_CODE:
        return "Nødtilgang"
    ground = _GROUNDS.get(code)
    return ground.label if ground else code


NODTILGANG_CODE = "nodtilgang"

#: Roles that may use nødtilgang: those who give care or handle cases and may meet an emergency.
NODTILGANG_ROLES = frozenset({"sykepleier", "helsefagarbeider", "leder", "saksbehandler", "vedtaksmyndig"})
#: Roles whose tasks may need the full identity number (e-resept, NAV, letters, registers).
FULL_ID_ROLES = frozenset({"sykepleier", "leder", "saksbehandler", "vedtaksmyndig"})
NODTILGANG_MIN_REASON = 15


@dataclass(frozen=True)
class Decision:
    """The answer of :func:`check`. ``reason`` is Norwegian, for the person refused."""

    allowed: bool
    action: Action
    ground: Ground | None = None
    nodtilgang: Nodtilgang | None = None
    refusal: Refusal | None = None
    reason: str = ""
    may_break_glass: bool = False

    @property
    def ground_code(self) -> str:
        if self.ground:
            return self.ground.code
        return NODTILGANG_CODE if self.nodtilgang else ""

    @property
    def ground_label(self) -> str:
        if self.ground:
            return self.ground.label
        return "Nødtilgang" if self.nodtilgang else ""


def _is_staff(user: object) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "kind", None) == "ansatt"
    )


def is_sperret(user: User, person: Tjenestemottaker) -> bool:
    return person.sperringer.filter(sperret_bruker=user, opphevet__isnull=True).exists()


def _active_nodtilgang(user: User, person: Tjenestemottaker, now: dt.datetime) -> Nodtilgang | None:
    from helhet.core.models import Nodtilgang

    return (
        Nodtilgang.objects.filter(bruker=user, tjenestemottaker=person, start__lte=now, utloper__gt=now)
        .order_by("-utloper")
        .first()
    )


def _expired_nodtilgang(user: User, person: Tjenestemottaker, now: dt.datetime) -> Nodtilgang | None:
    from helhet.core.models import Nodtilgang

    return (
        Nodtilgang.objects.filter(bruker=user, tjenestemottaker=person, utloper__lte=now).order_by("-utloper").first()
    )


def may_break_glass(user: User) -> bool:
    return _is_staff(user) and bool(user.roles() & NODTILGANG_ROLES)


def _full_id_refused(action: Action) -> Decision:
    return Decision(
        False,
        action,
        refusal=Refusal.ROLE_TOO_LOW,
        reason="Rollen din trenger ikke fullt fødselsnummer. Det vises derfor bare delvis.",
    )


def check(user: User, action: Action, person: Tjenestemottaker, *, at: dt.datetime | None = None) -> Decision:
    """May ``user`` do ``action`` on ``person``, and on what ground?"""
    now = at or timezone.now()
    day = timezone.localdate(now)
    if not _is_staff(user):
        return Decision(
            False, action, refusal=Refusal.NOT_STAFF, reason="Bare ansatte med tjenstlig behov har tilgang."
        )
    if is_sperret(user, person):
        return Decision(
            False,
            action,
            refusal=Refusal.SPERRET,
            reason=(
                "Tjenestemottakeren har sperret for at du får se opplysningene hans eller hennes. "
                "Sperringen gjelder også nødtilgang. Be en kollega overta."
            ),
        )
    roles = user.roles(now)
    for ground in _GROUNDS.values():
        if action not in ground.actions or not ground.applies(user, person, day):
            continue
        if action == Action.VIEW_FULL_ID and not roles & FULL_ID_ROLES:
            return _full_id_refused(action)
        return Decision(True, action, ground=ground)
    active = _active_nodtilgang(user, person, now)
    if active is not None:
        if action == Action.EDIT:
            return Decision(
                False,
                action,
                refusal=Refusal.NODTILGANG_READ_ONLY,
                reason="Nødtilgang gir bare lesetilgang. Endringer krever tjenstlig behov for personen.",
                nodtilgang=active,
            )
        if action == Action.VIEW_FULL_ID and not roles & FULL_ID_ROLES:
            return _full_id_refused(action)
        return Decision(True, action, nodtilgang=active)
    breakable = bool(roles & NODTILGANG_ROLES)
    expired = _expired_nodtilgang(user, person, now)
    if expired is not None:
        local = timezone.localtime(expired.utloper)
        return Decision(
            False,
            action,
            refusal=Refusal.NODTILGANG_EXPIRED,
            reason=(
                f"Nødtilgangen din til denne tjenestemottakeren utløp {local:%d.%m.%Y kl. %H:%M}. "
                "Du har ikke lenger tjenstlig behov."
                + (" Trenger du tilgang igjen, må du be om ny nødtilgang med ny begrunnelse." if breakable else "")
            ),
            may_break_glass=breakable,
        )
    return Decision(
        False,
        action,
        refusal=Refusal.NO_GROUND,
        reason=(
            "Du har ikke tjenstlig behov for denne tjenestemottakeren: du er ikke saksbehandler for saken, "
            "ikke primærkontakt, ikke med i et team som yter tjenester til personen og ikke leder for "
            "enheten som gjør det."
        ),
        may_break_glass=breakable,
    )


def visible_persons(user: User, *, at: dt.datetime | None = None) -> QuerySet[Tjenestemottaker]:
    """The persons ``user`` may see now: the union of all grounds and active nødtilganger, minus sperringer."""
    from helhet.core.models import Tjenestemottaker

    if not _is_staff(user):
        return Tjenestemottaker.objects.none()
    now = at or timezone.now()
    day = timezone.localdate(now)
    q = Q(pk__in=[])
    for ground in _GROUNDS.values():
        q |= ground.persons_q(user, day)
    q |= Q(nodtilganger__bruker=user, nodtilganger__start__lte=now, nodtilganger__utloper__gt=now)
    barred = Q(sperringer__sperret_bruker=user, sperringer__opphevet__isnull=True)
    barred_ids = Tjenestemottaker.objects.filter(barred).values("pk")
    return Tjenestemottaker.objects.filter(q).exclude(pk__in=barred_ids).distinct()


def break_glass(user: User, person: Tjenestemottaker, reason: str) -> Nodtilgang:
    """Open nødtilgang for ``user`` to ``person``; audited and flagged for review.

    Raises ``ValidationError`` with a Norwegian message when it is not allowed or the reason is missing.
    """
    from helhet.core import audit
    from helhet.core.models import AuditAction, Nodtilgang

    reason = (reason or "").strip()
    if not may_break_glass(user):
        raise ValidationError("Rollen din gir ikke adgang til nødtilgang.")
    if is_sperret(user, person):
        raise ValidationError("Tjenestemottakeren har sperret for deg. Nødtilgang er ikke mulig.")
    if len(reason) < NODTILGANG_MIN_REASON:
        raise ValidationError(
            f"Skriv en begrunnelse på minst {NODTILGANG_MIN_REASON} tegn: hva er situasjonen, og hvorfor "
            "trenger du opplysningene nå?"
        )
    now = timezone.now()
    with transaction.atomic():
        nodtilgang = Nodtilgang.objects.create(
            bruker=user,
            tjenestemottaker=person,
            begrunnelse=reason,
            start=now,
            utloper=now + dt.timedelta(minutes=settings.NODTILGANG_MINUTES),
        )
        audit.record(
            user=user,
            action=AuditAction.NODTILGANG,
            person=person,
            obj=nodtilgang,
            decision=Decision(True, Action.VIEW, nodtilgang=nodtilgang),
        )
    return nodtilgang
