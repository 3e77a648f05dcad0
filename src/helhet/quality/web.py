"""Small helpers every quality screen uses: form errors by field, integers and id lists from the query.

One copy for all the areas' views (avvik, varsling, klager, revisjon, dokumenter, ROS, undersøkelser).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

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
