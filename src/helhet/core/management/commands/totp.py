"""``helhet totp BRUKERNAVN``: print the current one-time code of a user's authenticator app.

For the demo world and for tests: the code is computed from the key stored in the user's
confirmed TOTP device, exactly as django-otp computes it when verifying. Anyone who can run
management commands can read that key from the database anyway, so this opens nothing new.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def current_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code the device accepts now (or at Unix time ``at``), zero-padded to the device's digits."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


class Command(BaseCommand):
    help = "Skriv ut gjeldende engangskode (TOTP) for en bruker. For demo og test."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="BRUKERNAVN")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        try:
            user = get_user_model().objects.filter(username=username).first()
        except DatabaseError as exc:
            raise CommandError(
                "Databasen er ikke satt opp ennå. Kjør «helhet demo» (eller «helhet migrate») først, "
                "med samme DATABASE_URL/HELHET_VAR_DIR."
            ) from exc
        if user is None:
            raise CommandError(f"Fant ingen bruker med brukernavnet «{username}».")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(
                f"Brukeren «{username}» har ingen bekreftet autentiseringsapp (TOTP), så det finnes ingen kode å vise."
            )
        self.stdout.write(current_code(device))
        if options["verbosity"] > 1:
            left = device.step - int(time.time() - device.t0) % device.step
            self.stderr.write(f"Koden gjelder i {left} sekunder til ({device.name}).")
