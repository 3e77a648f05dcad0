"""The current request's id and path, for the audit trail (set by RequestContextMiddleware)."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    path: str


_current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("helhet_request", default=None)


def current_request_info() -> RequestInfo | None:
    return _current.get()


def set_request_info(info: RequestInfo | None) -> contextvars.Token[RequestInfo | None]:
    return _current.set(info)


def reset_request_info(token: contextvars.Token[RequestInfo | None]) -> None:
    _current.reset(token)
