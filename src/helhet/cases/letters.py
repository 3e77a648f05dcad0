"""Placeholder for the vedtak letter (PDF)."""

from __future__ import annotations

from typing import Any


def lag_vedtaksbrev(*, utfort_av: Any, vedtak: Any) -> Any:
    raise NotImplementedError
