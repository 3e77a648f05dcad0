"""Small helpers every quality screen uses: form errors by field, integers and id lists from the query.

One copy for all the areas' views (avvik, varsling, klager, revisjon, dokumenter, ROS, undersøkelser).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from helhet.core import audit
from helhet.core.access import Action, Decision, check
from helhet.core.guards import acting_user, refused
from helhet.core.models import AuditAction, Tjenestemottaker

#: At most this many ids in a ``?ids=`` list (a figure opening to its rows).
MAX_IDS = 500


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    """A service's ``ValidationError`` as Norwegian messages by field (``__all__`` for the form)."""
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


def ids_param(raw: str) -> list[int]:
    """``?ids=3,5,8`` → ``[3, 5, 8]``; anything that is not a number is skipped."""
    return [n for part in raw.split(",")[:MAX_IDS] if (n := int_or_none(part.strip())) is not None]


def date_or_error(value: str | None, field: str) -> dt.date | None:
    """An ISO date from a form field; empty is ``None``; anything else a ``ValidationError`` on ``field``."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError({field: "Skriv datoen som en dato, for eksempel 2026-03-01."}) from exc


def denied(request: HttpRequest) -> HttpResponse:
    """The quality system's 403 page (no person data, nothing audited: the caller audits refusals)."""
    return render(request, "quality/ingen_tilgang.html", status=403)


@dataclass(frozen=True)
class Opened:
    """The outcome of :func:`open_record`: a refusal page to return, or the person decision to go on with."""

    refusal: HttpResponse | None
    decision: Decision | None


def open_record(
    request: HttpRequest,
    record: Model,
    person: Tjenestemottaker | None,
    *,
    may_see: bool,
    refusal_details: dict[str, Any],
    view_name: str,
    no_access_template: str = "quality/ingen_tilgang.html",
    audit_read_without_person: bool = False,
    read_details: dict[str, Any] | None = None,
) -> Opened:
    """Open one quality record that may name a person (an avvik, a service complaint).

    Only those the area lets see the record (``may_see``: reporter, registrar, handler) get past; a
    refusal is audited against the person when there is one. A person-linked record also needs the one
    access check for the person (its refusal page says why and is audited by ``refused``). A read
    (GET/HEAD) is audited with the decision; without a person only when ``audit_read_without_person``.
    """
    user = acting_user(request)
    if not may_see:
        if person is not None:
            audit.record(user=user, action=AuditAction.REFUSED, person=person, obj=record, details=refusal_details)
        return Opened(render(request, no_access_template, status=403), None)
    decision = None
    if person is not None:
        decision = check(user, Action.VIEW, person)
        if not decision.allowed:
            return Opened(refused(request, person, decision), decision)
    if request.method in ("GET", "HEAD") and (person is not None or audit_read_without_person):
        audit.record(
            user=user,
            action=AuditAction.READ,
            person=person,
            obj=record,
            decision=decision,
            details={"visning": view_name, **(read_details or {})},
        )
    return Opened(None, decision)
