"""The access ground the quality system adds to the one access check (``helhet.core.access``).

- ``avviksbehandler``: the meldingsansvarlig an avvik about a person was routed to may **read** what
  is registered about the person while the avvik is being handled, and for
  ``AFTER_CLOSE_DAYS`` days after it was closed (follow-up of measures, questions from the
  reporter). Why a ground of its own: the handler must see whom the report is about to grade and
  follow it up (forskrift om ledelse og kvalitetsforbedring i helse- og omsorgstjenesten §§ 8–9:
  evaluate and correct), but is often not in the team that serves the person. It follows a registered decision
  (the routing of the report) and ends by itself, as Normen's beslutningsstyrt tilgang asks; it gives
  ``Action.VIEW`` only, never the right to write in the record. Every read is audited with this
  ground, so the person's access log shows that the reading was for an avvik.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Q
from django.utils import timezone

from helhet.core.access import Action, Ground, register_ground
from helhet.core.models import Tjenestemottaker, User

#: Days after closure that the handler keeps read access (our choice, UNCONFIRMED as anyone's rule).
AFTER_CLOSE_DAYS = 30


def _handled_q(user: User, day: dt.date) -> Q:
    cutoff = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=AFTER_CLOSE_DAYS), dt.time.min))
    return Q(meldingsansvarlig=user, tjenestemottaker__isnull=False) & (Q(lukket__isnull=True) | Q(lukket__gte=cutoff))


def _person_ids(user: User, day: dt.date) -> list[uuid.UUID]:
    from helhet.quality.models import Avvik

    return list(
        Avvik.objects.filter(_handled_q(user, day))
        .exclude(status=Avvik.Status.UTKAST)
        .values_list("tjenestemottaker_id", flat=True)
        .distinct()
    )


def _applies(user: User, person: Tjenestemottaker, day: dt.date) -> bool:
    from helhet.quality.models import Avvik

    return (
        Avvik.objects.filter(_handled_q(user, day), tjenestemottaker=person)
        .exclude(status=Avvik.Status.UTKAST)
        .exists()
    )


def _persons_q(user: User, day: dt.date) -> Q:
    return Q(pk__in=_person_ids(user, day))


AVVIKSBEHANDLER = Ground(
    "avviksbehandler",
    "Meldingsansvarlig for et avvik om personen",
    _applies,
    _persons_q,
    actions=frozenset({Action.VIEW}),
)


def register() -> None:
    register_ground(AVVIKSBEHANDLER)
