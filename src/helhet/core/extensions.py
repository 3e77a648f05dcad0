"""Extension points later apps plug into, so ``core`` never imports them (imports flow one way).

- :func:`register_nav_item`: a menu entry for some roles.
- :func:`register_person_panel`: a section on the person page (e.g. the person's cases), rendered
  from the app's template with context the app computes. The person page is already behind the
  access check and audited, so a panel only adds what the same decision allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from helhet.core.access import Decision
    from helhet.core.models import Tjenestemottaker


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    roles: frozenset[str]  # empty: every staff user
    order: int
    #: How many things wait there for this user (shown beside the label; 0 shows nothing). Keep it one query.
    count: Callable[[Any], int] | None = None
    #: Shown only when this says so for the user (for menus that follow a named relationship, not a role).
    visible: Callable[[Any], bool] | None = None
    #: Shown only when ``count`` is above 0 (an entry that matters only when something waits there).
    only_when_counted: bool = False


@dataclass(frozen=True)
class PersonPanel:
    template: str
    context: Callable[[HttpRequest, Tjenestemottaker, Decision], dict[str, Any]]
    order: int


_NAV: dict[str, NavEntry] = {}
_PANELS: dict[str, PersonPanel] = {}


def register_nav_item(
    label: str,
    url_name: str,
    roles: frozenset[str] = frozenset(),
    order: int = 50,
    count: Callable[[Any], int] | None = None,
    visible: Callable[[Any], bool] | None = None,
    only_when_counted: bool = False,
) -> None:
    _NAV[url_name] = NavEntry(label, url_name, roles, order, count, visible, only_when_counted)


def nav_items() -> list[NavEntry]:
    return sorted(_NAV.values(), key=lambda e: (e.order, e.label))


def register_person_panel(
    template: str,
    context: Callable[[HttpRequest, Tjenestemottaker, Decision], dict[str, Any]],
    order: int = 50,
) -> None:
    _PANELS[template] = PersonPanel(template, context, order)


def person_panels() -> list[PersonPanel]:
    return sorted(_PANELS.values(), key=lambda p: p.order)
