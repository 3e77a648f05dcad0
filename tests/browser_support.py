"""Staff accounts and login for browser tests: one user with a password, a role and a confirmed TOTP device.

Kept beside ``factories.py`` (``from browser_support import make_staff, log_in``) because importing
helpers from a conftest is fragile. The ``tabs`` fixture that opens one browser context per user is in
``tests/browser/conftest.py``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from helhet.core.models import RoleAssignment, User

if TYPE_CHECKING:
    from conftest import Web

PASSWORD = "Multebær-Myr-Fjellbjørk-77"
#: Viewports for ``tabs(...)`` (tests/browser/conftest.py).
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass
class Staff:
    user: User
    device: TOTPDevice


def make_staff(username: str, first: str, last: str, rolle: str, hpr: str = "", **place: Any) -> Staff:
    """A staff user with one role assignment (``bydel=``, ``enhet=``, ``team=`` …) and an authenticator app."""
    user = User.objects.create_user(
        username=username, password=PASSWORD, first_name=first, last_name=last, hpr_nummer=hpr
    )
    RoleAssignment.objects.create(user=user, rolle=rolle, **place)
    device = TOTPDevice.objects.create(user=user, name="app", key=secrets.token_hex(20), confirmed=True)
    return Staff(user, device)


def totp_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows right now."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def log_in(tab: Web, staff: Staff) -> None:
    """Password, then the one-time code, as the user types them; ends logged in."""
    tab.goto("/logg-inn/")
    tab.page.get_by_label("Brukernavn").fill(staff.user.username)
    tab.page.get_by_label("Passord").fill(PASSWORD)
    tab.click_and_load(tab.page.get_by_role("button", name="Neste"))
    tab.page.get_by_label("Engangskode fra autentiseringsappen").fill(totp_code(staff.device))
    tab.click_and_load(tab.page.get_by_role("button", name="Logg inn"))
    expect(tab.page.get_by_role("button", name="Logg ut")).to_be_visible()
