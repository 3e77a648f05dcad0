"""View guards: the only way a view reaches a person's data.

``@person_view(Action.VIEW)`` loads the person named by the URL (a UUID, never an identity
number), asks :func:`helhet.core.access.check`, audits the read (or the refusal) and hands the
view the person and the decision. A refusal renders the 403 page with the reason, and offers
nødtilgang where the user's roles allow it.

``@person_list_view`` marks a view that lists or searches persons: it must restrict itself with
:func:`helhet.core.access.visible_persons` and audit what it shows (the search is audited).

``@no_person_data`` marks a view that shows no person data at all. ``@portal_view`` marks a page for
portal users (a BPA arbeidsleder): the view itself checks that the data is the user's own, and
portal users reach no other page (:class:`helhet.core.middleware.RequireVerifiedStaffMiddleware`).
The route-enumeration test requires every route to carry exactly one of these marks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from helhet.core import audit
from helhet.core.access import Action, Decision, check
from helhet.core.models import AuditAction, Tjenestemottaker, User

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])

GUARD_ATTR = "helhet_guard"


class GuardKind:
    PERSON = "person"
    PERSON_LIST = "person_list"
    NODTILGANG = "nodtilgang"
    NONE = "no_person_data"
    PORTAL = "portal"
    PUBLIC = "public"  # no login at all (e.g. the anonymous whistleblowing channel); shows no person data


def acting_user(request: HttpRequest) -> User:
    """The logged-in staff user (every guarded view runs behind the verified-login middleware)."""
    return request.user  # type: ignore[return-value]


def refused(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    """Audit the refusal and render the 403 page that says why."""
    audit.record(
        user=request.user,  # type: ignore[arg-type]
        action=AuditAction.REFUSED,
        person=person,
        details={"handling": str(decision.action), "avslag": str(decision.refusal or "")},
    )
    return render(
        request,
        "core/403_person.html",
        {"decision": decision, "person_id": person.pk},
        status=403,
    )


def person_view(
    action: Action = Action.VIEW, *, audit_read: bool = True, url_kwarg: str = "person_id"
) -> Callable[[ViewFunc], ViewFunc]:
    """Guard a view that shows or changes one person's data. The view gets ``(request, person, decision)``."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            person = get_object_or_404(Tjenestemottaker, pk=kwargs.pop(url_kwarg))
            decision = check(request.user, action, person)  # type: ignore[arg-type]
            if not decision.allowed:
                return refused(request, person, decision)
            if audit_read and request.method in ("GET", "HEAD"):
                audit.record(
                    user=request.user,  # type: ignore[arg-type]
                    action=AuditAction.READ_FULL_ID if action == Action.VIEW_FULL_ID else AuditAction.READ,
                    person=person,
                    obj=person,
                    decision=decision,
                    details={"visning": view.__name__},
                )
            return view(request, person, decision, *args, **kwargs)

        setattr(wrapped, GUARD_ATTR, GuardKind.PERSON)
        return wrapped  # type: ignore[return-value]

    return decorate


def object_view(
    model: type[Any],
    action: Action = Action.VIEW,
    *,
    url_kwarg: str,
    person_path: str = "tjenestemottaker",
    audit_read: bool = True,
) -> Callable[[ViewFunc], ViewFunc]:
    """Guard a view whose URL names a record that belongs to one person (a henvendelse, a vedtak …).

    Loads the record, follows ``person_path`` (``"vedtak__tjenestemottaker"``) to the person, and
    checks and audits exactly as :func:`person_view`. The view gets ``(request, obj, person, decision)``.
    """

    def decorate(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            obj = get_object_or_404(model, pk=kwargs.pop(url_kwarg))
            person = obj
            for step in person_path.split("__"):
                person = getattr(person, step)
            decision = check(request.user, action, person)  # type: ignore[arg-type]
            if not decision.allowed:
                return refused(request, person, decision)
            if audit_read and request.method in ("GET", "HEAD"):
                audit.record(
                    user=request.user,  # type: ignore[arg-type]
                    action=AuditAction.READ,
                    person=person,
                    obj=obj,
                    decision=decision,
                    details={"visning": view.__name__},
                )
            return view(request, obj, person, decision, *args, **kwargs)

        setattr(wrapped, GUARD_ATTR, GuardKind.PERSON)
        return wrapped  # type: ignore[return-value]

    return decorate


def mark(kind: str) -> Callable[[ViewFunc], ViewFunc]:
    def decorate(view: ViewFunc) -> ViewFunc:
        setattr(view, GUARD_ATTR, kind)
        return view

    return decorate


person_list_view = mark(GuardKind.PERSON_LIST)
no_person_data = mark(GuardKind.NONE)
portal_view = mark(GuardKind.PORTAL)
public_view = mark(GuardKind.PUBLIC)
nodtilgang_view = mark(GuardKind.NODTILGANG)


def guard_of(view: Callable[..., Any]) -> str | None:
    """The guard mark of a view function or class-based view (``as_view()`` result)."""
    kind = getattr(view, GUARD_ATTR, None)
    if kind is None and hasattr(view, "view_class"):
        kind = getattr(view.view_class, GUARD_ATTR, None)
    return kind
