"""Middleware: request ids for the audit trail, and staff must have passed the second factor."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404

from helhet.core.guards import GuardKind, guard_of
from helhet.core.request_context import RequestInfo, reset_request_info, set_request_info

#: Where a portal user lands (by user kind); an app with portal pages registers its home here.
PORTAL_HOME: dict[str, str] = {}

#: URL names (namespace:name) reachable without a verified login.
PUBLIC_URL_NAMES = frozenset(
    {
        "core:login",
        "core:login_otp",
        "core:login_enroll",
        "core:logout",
        "core:healthz",
    }
)


class RequestContextMiddleware:
    """Give each request an id and remember its path for the audit trail (no query string: no data in logs)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        token = set_request_info(RequestInfo(request_id=request_id, path=request.path))
        try:
            response = self.get_response(request)
        finally:
            reset_request_info(token)
        response["X-Request-ID"] = request_id
        response.setdefault("Cache-Control", "no-store")
        return response


class RequireVerifiedStaffMiddleware:
    """Every page needs a login verified with the second factor, except the login pages themselves.

    Django admin and static files are covered too: the admin sits behind the same login.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/static/"):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.view_name in PUBLIC_URL_NAMES or guard_of(match.func) == GuardKind.PUBLIC:
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request)
        if not getattr(user, "is_verified", lambda: False)():
            return redirect("core:login_otp")
        if getattr(user, "kind", "ansatt") != "ansatt" and guard_of(match.func) != GuardKind.PORTAL:
            # A portal user (a BPA arbeidsleder) reaches the portal's pages only: everything else is staff's.
            if match.view_name == "core:home":
                return redirect(PORTAL_HOME.get(user.kind, "core:logout"))
            return HttpResponseForbidden("Denne siden er for ansatte.")
        return self.get_response(request)


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth.views import redirect_to_login as django_redirect

    if request.method == "GET":
        return django_redirect(request.get_full_path())
    return redirect("core:login")


__all__ = ["RequestContextMiddleware", "RequireVerifiedStaffMiddleware", "uuid"]
