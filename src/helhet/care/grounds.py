"""Access grounds that provider delivery adds to the one access check (``helhet.core.access``).

- ``besok``: a staff member assigned to a visit to the person from yesterday to tomorrow (a stand-in
  from another team, a planner's re-assignment) may read and write what the visit needs. This is
  ARCHITECTURE.md's «planned visit» relationship and Normen's beslutningsstyrt tilgang: the access
  follows a registered decision (the visit plan) and ends by itself.
- ``koordinator``: the coordinator of the person's individual plan (hol. § 7-2).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from helhet.core.access import Ground, register_ground
from helhet.core.models import Tjenestemottaker, User

#: Days before and after a visit that its assigned staff member has access (night shifts, reports).
VISIT_ACCESS_DAYS = 1


def _besok_q(user: User, day: dt.date) -> Q:
    lo, hi = day - dt.timedelta(days=VISIT_ACCESS_DAYS), day + dt.timedelta(days=VISIT_ACCESS_DAYS)
    return Q(besok__ansatt=user, besok__dato__gte=lo, besok__dato__lte=hi)


def _koordinator_q(user: User, day: dt.date) -> Q:
    return Q(individuell_plan__koordinator=user) & ~Q(individuell_plan__status="avsluttet")


def _applies_besok(user: User, person: Tjenestemottaker, day: dt.date) -> bool:
    from helhet.care.models import Besok

    lo, hi = day - dt.timedelta(days=VISIT_ACCESS_DAYS), day + dt.timedelta(days=VISIT_ACCESS_DAYS)
    return Besok.objects.filter(tjenestemottaker=person, ansatt=user, dato__gte=lo, dato__lte=hi).exists()


def _applies_koordinator(user: User, person: Tjenestemottaker, day: dt.date) -> bool:
    return Tjenestemottaker.objects.filter(_koordinator_q(user, day), pk=person.pk).exists()


BESOK = Ground("besok", "Tildelt besøk hos personen", _applies_besok, _besok_q)
KOORDINATOR = Ground("koordinator", "Koordinator for individuell plan", _applies_koordinator, _koordinator_q)


def register() -> None:
    for ground in (BESOK, KOORDINATOR):
        register_ground(ground)
