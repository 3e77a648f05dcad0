"""Template context: the navigation a user's roles give."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from helhet.core.extensions import nav_items, register_nav_item
from helhet.core.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    url_name: str
    count: int = 0


register_nav_item("Oversikt", "core:home", order=0)
register_nav_item("Søk person", "core:person_search", order=10)
register_nav_item(
    "Ny tjenestemottaker", "core:person_create", frozenset({Role.SAKSBEHANDLER, Role.VEDTAKSMYNDIG}), order=20
)
register_nav_item("Tilgangskontroll", "core:access_review", frozenset({Role.PERSONVERNANSVARLIG}), order=80)
register_nav_item("Organisasjon", "core:organisation", order=90)
register_nav_item("Administrasjon", "admin:index", frozenset({Role.SYSTEMADMINISTRATOR}), order=95)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_verified", lambda: False)():
        return {"nav_items": [], "user_roles": []}
    if getattr(user, "kind", "ansatt") != "ansatt":  # portal users: the portal has its own menu
        return {"nav_items": [], "user_roles": []}
    roles = user.roles()
    items = []
    for entry in nav_items():
        if entry.roles and not roles & entry.roles:
            continue
        if entry.visible is not None and not entry.visible(user):
            continue
        count = entry.count(user) if entry.count else 0
        if entry.only_when_counted and not count:
            continue
        items.append(NavItem(entry.label, reverse(entry.url_name), entry.url_name, count))
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    return {
        "nav_items": items,
        "nav_current": current,
        "user_roles": sorted(Role(r).label for r in roles),
    }
