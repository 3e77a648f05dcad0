"""Access grounds that case handling adds to the one access check (``helhet.core.access``).

- ``sak``: the case officer who owns an open inquiry or application for the person, in the bydel.
- ``kontaktpunkt``: case officers of the person's bydel while the person has an open inquiry that
  nobody owns yet (someone at the «one door in» must be able to pick it up; seed 004 ch. 4).
- ``godkjenning``: vedtaksmyndig in the person's bydel while a vedtak for the person waits for approval.
- ``bestilling``: leaders at the provider that has a current order (bestilling) for the person, so
  the provider can plan the delivery before a team is assigned.

All follow Normen's «beslutningsstyrt tilgang»: access follows a registered step in the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Q

from helhet.core.access import Ground, register_ground
from helhet.core.models import Role, RoleAssignment, Tjenestemottaker, User
from helhet.core.models.users import BYDEL_ROLES


def _roles(user: User, day: dt.date, roles: frozenset[str]) -> list[RoleAssignment]:
    return list(
        user.role_assignments.filter(rolle__in=roles, gyldig_fra__lte=day).filter(
            Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=day)
        )
    )


def _bydeler(user: User, day: dt.date, roles: frozenset[str]) -> list[int]:
    return [a.bydel_id for a in _roles(user, day, roles) if a.bydel_id]


OPEN_HENVENDELSE = ("ny", "under_behandling")
OPEN_SOKNAD = ("kartlegging", "vedtak")


def _sak_q(user: User, day: dt.date) -> Q:
    bydeler = _bydeler(user, day, BYDEL_ROLES)
    if not bydeler:
        return Q(pk__in=[])
    return Q(
        henvendelser__eier=user, henvendelser__status__in=OPEN_HENVENDELSE, henvendelser__bydel_id__in=bydeler
    ) | Q(soknader__saksbehandler=user, soknader__status__in=OPEN_SOKNAD, soknader__bydel_id__in=bydeler)


def _kontaktpunkt_q(user: User, day: dt.date) -> Q:
    bydeler = _bydeler(user, day, BYDEL_ROLES)
    if not bydeler:
        return Q(pk__in=[])
    return Q(
        henvendelser__eier__isnull=True,
        henvendelser__status__in=OPEN_HENVENDELSE,
        henvendelser__bydel_id__in=bydeler,
    )


def _godkjenning_q(user: User, day: dt.date) -> Q:
    bydeler = _bydeler(user, day, frozenset({Role.VEDTAKSMYNDIG}))
    if not bydeler:
        return Q(pk__in=[])
    return Q(vedtak__status="til_godkjenning", vedtak__soknad__bydel_id__in=bydeler)


def _bestilling_q(user: User, day: dt.date) -> Q:
    leads = _roles(user, day, frozenset({Role.LEDER}))
    leverandorer = [a.leverandor_id for a in leads if a.leverandor_id]
    leverandorer += [a.enhet.leverandor_id for a in leads if a.enhet_id and a.enhet is not None]
    if not leverandorer:
        return Q(pk__in=[])
    return Q(
        vedtak__bestillinger__leverandor_id__in=leverandorer,
        vedtak__bestillinger__status__in=("ny", "mottatt"),
    ) & (Q(vedtak__bestillinger__til__isnull=True) | Q(vedtak__bestillinger__til__gte=day))


def _applies(q_builder: Callable[[User, dt.date], Q]) -> Callable[[User, Tjenestemottaker, dt.date], bool]:
    def applies(user: User, person: Tjenestemottaker, day: dt.date) -> bool:
        return Tjenestemottaker.objects.filter(q_builder(user, day), pk=person.pk).exists()

    return applies


SAK = Ground("sak", "Saksbehandler for henvendelse eller søknad", _applies(_sak_q), _sak_q)
KONTAKTPUNKT = Ground(
    "kontaktpunkt", "Kontaktpunktet: ny henvendelse uten saksbehandler", _applies(_kontaktpunkt_q), _kontaktpunkt_q
)
GODKJENNING = Ground("godkjenning", "Vedtaksmyndig: vedtak til godkjenning", _applies(_godkjenning_q), _godkjenning_q)
BESTILLING = Ground(
    "bestilling", "Leder hos leverandøren som har fått bestillingen", _applies(_bestilling_q), _bestilling_q
)


def register() -> None:
    for ground in (SAK, KONTAKTPUNKT, GODKJENNING, BESTILLING):
        register_ground(ground)
