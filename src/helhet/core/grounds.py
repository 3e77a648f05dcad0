"""Grounds for access (tjenstlig behov): pluggable.

A ground answers two questions for one relationship between a user and a person:
*does it hold now?* (``applies``) and *which persons does it open for this user?* (``persons_q``,
used to restrict searches and lists). Later apps add their own (planned visit today, BPA
arbeidsleder, portal self-access) with :func:`helhet.core.access.register_ground` in their
``AppConfig.ready``.

The four built-in grounds follow Normen's «Veileder for tilgang til helse- og personopplysninger»
(beslutningsstyrt tilgang: access follows a registered decision about care or case handling).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from helhet.core.access import Action, Ground, register_ground
from helhet.core.models import Role, RoleAssignment, Tjenestemottaker, TjenestemottakerTeam, User
from helhet.core.models.users import BYDEL_ROLES, CARE_ROLES


def _assignments(user: User, day: dt.date, roles: frozenset[str]) -> list[RoleAssignment]:
    return [
        a
        for a in user.role_assignments.filter(rolle__in=roles, gyldig_fra__lte=day).filter(
            Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=day)
        )
    ]


# --- saksansvarlig: the case owner, in the person's bydel -------------------------------------------


def _case_owner_applies(user: User, person: Tjenestemottaker, day: dt.date) -> bool:
    if person.saksbehandler_id != user.pk:
        return False
    return any(a.bydel_id == person.bydel_id for a in _assignments(user, day, BYDEL_ROLES))


def _case_owner_q(user: User, day: dt.date) -> Q:
    bydeler = [a.bydel_id for a in _assignments(user, day, BYDEL_ROLES) if a.bydel_id]
    if not bydeler:
        return Q(pk__in=[])
    return Q(saksbehandler=user, bydel_id__in=bydeler)


# --- team: member of a team that serves the person ---------------------------------------------------


def _team_ids(user: User, day: dt.date) -> list[int]:
    return [a.team_id for a in _assignments(user, day, CARE_ROLES | {Role.LEDER}) if a.team_id]


def _team_applies(user: User, person: Tjenestemottaker, day: dt.date) -> bool:
    teams = _team_ids(user, day)
    if not teams:
        return False
    return (
        TjenestemottakerTeam.objects.filter(tjenestemottaker=person, team_id__in=teams)
        .filter(TjenestemottakerTeam.active_q(day))
        .exists()
    )


def _team_q(user: User, day: dt.date) -> Q:
    teams = _team_ids(user, day)
    if not teams:
        return Q(pk__in=[])
    return Q(
        pk__in=TjenestemottakerTeam.objects.filter(team_id__in=teams)
        .filter(TjenestemottakerTeam.active_q(day))
        .values("tjenestemottaker_id")
    )


# --- primærkontakt -----------------------------------------------------------------------------------


def _primary_applies(user: User, person: Tjenestemottaker, day: dt.date) -> bool:
    return person.primaerkontakt_id == user.pk and bool(_assignments(user, day, CARE_ROLES | {Role.LEDER}))


def _primary_q(user: User, day: dt.date) -> Q:
    if not _assignments(user, day, CARE_ROLES | {Role.LEDER}):
        return Q(pk__in=[])
    return Q(primaerkontakt=user)


# --- leder: leader of the unit (or provider) whose team serves the person ---------------------------


def _leader_scope(user: User, day: dt.date) -> tuple[list[int], list[int]]:
    leads = _assignments(user, day, frozenset({Role.LEDER}))
    return [a.enhet_id for a in leads if a.enhet_id], [a.leverandor_id for a in leads if a.leverandor_id]


def _leader_serving(user: User, day: dt.date) -> Q | None:
    enheter, leverandorer = _leader_scope(user, day)
    if not enheter and not leverandorer:
        return None
    return TjenestemottakerTeam.active_q(day) & (
        Q(team__enhet_id__in=enheter) | Q(team__enhet__leverandor_id__in=leverandorer)
    )


def _leader_applies(user: User, person: Tjenestemottaker, day: dt.date) -> bool:
    serving = _leader_serving(user, day)
    if serving is None:
        return False
    return TjenestemottakerTeam.objects.filter(serving, tjenestemottaker=person).exists()


def _leader_q(user: User, day: dt.date) -> Q:
    serving = _leader_serving(user, day)
    if serving is None:
        return Q(pk__in=[])
    return Q(pk__in=TjenestemottakerTeam.objects.filter(serving).values("tjenestemottaker_id"))


ALL_ACTIONS = frozenset(Action)

SAKSANSVARLIG = Ground(
    code="saksansvarlig",
    label="Saksbehandler for saken i bydelen",
    applies=_case_owner_applies,
    persons_q=_case_owner_q,
    actions=ALL_ACTIONS,
)
TEAM = Ground(
    code="team",
    label="Medlem av teamet som yter tjenester",
    applies=_team_applies,
    persons_q=_team_q,
    actions=ALL_ACTIONS,
)
PRIMAERKONTAKT = Ground(
    code="primaerkontakt",
    label="Primærkontakt",
    applies=_primary_applies,
    persons_q=_primary_q,
    actions=ALL_ACTIONS,
)
LEDER = Ground(
    code="leder",
    label="Leder for enheten som yter tjenester",
    applies=_leader_applies,
    persons_q=_leader_q,
    actions=ALL_ACTIONS,
)

BUILTIN_GROUNDS = (SAKSANSVARLIG, PRIMAERKONTAKT, TEAM, LEDER)


def register_builtin_grounds() -> None:
    for ground in BUILTIN_GROUNDS:
        register_ground(ground)
