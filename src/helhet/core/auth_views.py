"""Login for staff: password, then a TOTP second factor (enrolled on first login).

Lockout after repeated failures comes from django-axes (see settings.AXES_*): its backend refuses
a locked account before the password is checked, and its middleware shows ``core/lockout.html``.
TOTP guesses are throttled by django-otp (exponential back-off per device).
"""

from __future__ import annotations

import base64

import segno
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhet.core.forms import LoginForm, OTPForm
from helhet.core.guards import no_person_data

NEXT_SESSION_KEY = "helhet_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:home")


@no_person_data
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and getattr(request.user, "is_verified", lambda: False)():
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return render(request, "core/lockout.html", status=429)
        if user is None:
            error = "Feil brukernavn eller passord."
        elif getattr(user, "kind", None) not in LOGIN_KINDS:
            error = "Denne innloggingen er for ansatte og arbeidsledere i BPA. Innbyggerportalen kommer senere."
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[NEXT_SESSION_KEY] = _safe_next(request, request.GET.get("next"))
            if user_has_device(user, confirmed=True):
                return redirect("core:login_otp")
            return redirect("core:login_enroll")
    return render(request, "core/login.html", {"form": form, "error": error}, status=400 if error else 200)


#: Who logs in here: staff, and BPA arbeidsledere (their portal; ID-porten would replace this for citizens).
LOGIN_KINDS = frozenset({"ansatt", "arbeidsleder"})


def _finish(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(request.session.pop(NEXT_SESSION_KEY, reverse("core:home")))


@no_person_data
@require_http_methods(["GET", "POST"])
def login_otp(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("core:login")
    if request.user.is_verified():  # type: ignore[attr-defined]
        return redirect("core:home")
    devices = list(TOTPDevice.objects.devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect("core:login_enroll")
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                form.add_error("token", "For mange feil forsøk. Vent litt før du prøver igjen.")
                break
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return _finish(request)
        else:
            form.add_error("token", "Koden stemmer ikke. Bruk koden som vises i appen nå.")
    return render(request, "core/login_otp.html", {"form": form}, status=400 if form.errors else 200)


@no_person_data
@require_http_methods(["GET", "POST"])
def login_enroll(request: HttpRequest) -> HttpResponse:
    """First login: set up the authenticator app (QR code), confirm with a code."""
    if not request.user.is_authenticated:
        return redirect("core:login")
    if user_has_device(request.user, confirmed=True):
        return redirect("core:login_otp")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Autentiseringsapp", confirmed=False)
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return _finish(request)
        form.add_error("token", "Koden stemmer ikke. Skann QR-koden på nytt og prøv igjen.")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR-kode for autentiseringsappen")

    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "core/login_enroll.html",
        {"form": form, "qr_svg": qr_svg, "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))},
        status=400 if form.errors else 200,
    )


@no_person_data
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("core:login")
