"""Template context: the navigation a user's roles give."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from helhet.core.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    url_name: str


#: (label, url name, roles that see it; empty = every staff user)
NAV_ITEMS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("Oversikt", "core:home", frozenset()),
    ("Søk person", "core:person_search", frozenset()),
    (
        "Ny tjenestemottaker",
        "core:person_create",
        frozenset({Role.SAKSBEHANDLER, Role.VEDTAKSMYNDIG}),
    ),
    ("Tilgangskontroll", "core:access_review", frozenset({Role.PERSONVERNANSVARLIG})),
    ("Organisasjon", "core:organisation", frozenset()),
    ("Administrasjon", "admin:index", frozenset({Role.SYSTEMADMINISTRATOR})),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_verified", lambda: False)():
        return {"nav_items": [], "user_roles": []}
    roles = user.roles()
    items = [NavItem(label, reverse(name), name) for label, name, needed in NAV_ITEMS if not needed or roles & needed]
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    return {
        "nav_items": items,
        "nav_current": current,
        "user_roles": sorted(Role(r).label for r in roles),
    }
