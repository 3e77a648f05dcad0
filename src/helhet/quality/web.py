"""Small helpers every quality screen uses: form errors by field, integers and id lists from the query.

One copy for all the areas' views (avvik, varsling, klager, revisjon, dokumenter, ROS, undersøkelser).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
