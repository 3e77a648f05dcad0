"""What case handling adds to the person page and the menu (through core's extension points)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from helhet.core.access import Decision
from helhet.core.extensions import register_nav_item, register_person_panel
from helhet.core.models import Role, Tjenestemottaker

CASE_ROLES = frozenset({Role.SAKSBEHANDLER, Role.VEDTAKSMYNDIG})


def person_cases(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> dict[str, Any]:
    """The person's inquiries, applications, vedtak and orders: the same need to know as the page."""
    return {
        "henvendelser": person.henvendelser.select_related("eier").order_by("-mottatt")[:20],
        "soknader": person.soknader.select_related("saksbehandler").order_by("-mottatt")[:20],
        "vedtak": person.vedtak.prefetch_related("bestillinger__leverandor").order_by("-fom")[:50],
        "today": timezone.localdate(),
        "may_register": bool(request.user.roles() & CASE_ROLES),  # type: ignore[union-attr]
    }


def register() -> None:
    register_person_panel("cases/_person_cases.html", person_cases, order=10)
    register_nav_item("Kontaktpunkt", "cases:worklist", CASE_ROLES, order=30)
    register_nav_item("Vedtak", "cases:vedtak_worklist", CASE_ROLES, order=40)
    register_nav_item("Bestillinger", "cases:bestillinger", frozenset({Role.LEDER}), order=50)
    register_nav_item(
        "Klagestatistikk", "cases:klagestatistikk", CASE_ROLES | {Role.KVALITETSLEDER, Role.LEDER}, order=60
    )
