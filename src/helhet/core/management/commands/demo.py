"""``helhet demo``: migrate, build the demo world if the database is empty, print the logins, serve.

    helhet demo [--seed N] [--no-serve] [--addr 127.0.0.1] [--port 8000] [--reset]

The site is served by Django's ``runserver`` without the auto-reloader. It works without
``HELHET_DEBUG``: static files come from WhiteNoise (``WHITENOISE_USE_FINDERS``). The demo world's
second factors can be computed from the seed, so never point this command at real data.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from helhet.core import demo


class Command(BaseCommand):
    help = "Bygg demoverdenen «Fjordvik kommune» (syntetiske data), skriv ut innlogginger og start nettstedet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Frø for tilfeldige data (standard: 1).")
        parser.add_argument(
            "--no-serve", action="store_true", help="Bygg og skriv ut innlogginger, men ikke start nettstedet."
        )
        parser.add_argument("--addr", default="127.0.0.1", help="Adressen nettstedet lytter på (standard: 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Porten nettstedet lytter på (standard: 8000).")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Slett alle data (unntatt tilgangsloggen) og bygg demoverdenen på nytt.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed: int = options["seed"]
        call_command("migrate", interactive=False, verbosity=0)

        if options["reset"] or not demo.database_has_data():
            try:
                world = demo.build_demo_world(seed, stdout=self.stdout, reset=options["reset"])
            except demo.DemoWorldExists as exc:  # pragma: no cover - raced by another process
                raise CommandError(exc.message) from exc
            self.stdout.write(self.style.SUCCESS(f"Demoverdenen er bygget på {world.seconds or 0:.1f} s (frø {seed})."))
            self.write_counts(world.counts)
        else:
            existing = demo.existing_demo_world(seed)
            if existing is None:
                raise CommandError(
                    "Databasen inneholder data, men ikke demoverdenen. Demoen bygges bare i en tom database. "
                    "Bruk en annen database (for eksempel HELHET_VAR_DIR=/tmp/helhet-demo), eller --reset "
                    "hvis dataene kan slettes."
                )
            world = existing
            self.stdout.write("Demoverdenen finnes allerede i databasen, og jeg bruker den slik den er.")
            if world.seed is None:
                self.stdout.write(
                    f"Den ble bygget med et annet frø enn {seed}. Innloggingene under er de som gjelder; "
                    f"bruk --reset for å bygge den på nytt med frø {seed}."
                )
            else:
                self.stdout.write("Bruk --reset for å slette den og bygge den på nytt.")

        self.write_logins(world)
        self.write_tour_hint()

        if options["no_serve"]:
            return
        self.serve(options["addr"], options["port"])

    def write_counts(self, counts: Mapping[str, int]) -> None:
        if not counts:
            return
        parts = [f"{name}: {n}" for name, n in counts.items()]
        self.stdout.write("Innhold: " + ", ".join(parts) + ".")

    def write_logins(self, world: demo.DemoWorld) -> None:
        headers = ("Rolle", "Brukernavn", "Navn", "Sted", "TOTP-hemmelighet (base32)")
        rows = [
            (login.role_label, login.username, login.full_name, login.place, login.totp_secret)
            for login in world.logins
        ]
        widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

        def line(cells: tuple[str, ...]) -> str:
            return "  " + "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Innlogginger (passord for alle: {demo.DEMO_PASSWORD})"))
        self.stdout.write(line(headers))
        self.stdout.write("  " + "  ".join("-" * width for width in widths))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Andre faktor (engangskode)"))
        self.stdout.write(
            "  Kjør «helhet totp BRUKERNAVN» i et annet terminalvindu: den skriver ut gjeldende kode (6 siffer,\n"
            "  skifter hvert 30. sekund). Eller legg TOTP-hemmeligheten inn i en autentiseringsapp (Microsoft\n"
            "  Authenticator, Google Authenticator, FreeOTP …) med «Skriv inn nøkkel»: tidsbasert, 6 siffer.\n"
            "  Passordet og nøklene er bare for demo: nøklene kan regnes ut fra frøet. Bruk aldri demoen med ekte data."
        )
        self.stdout.write("")

    def write_tour_hint(self) -> None:
        """Name one person outside the demo nurse's need to know, for the README's tour; and the demo's
        anonymous whistleblowing case, when it was built in this run (only its hash is stored)."""
        from helhet.quality import demo_varsling

        if code := demo_varsling.demo_case_code():
            self.stdout.write(
                f"Anonymt varsel i demoen: saksnummer {code}, passfrase «{demo_varsling.DEMO_PASSPHRASE}» "
                "(følg opp på /kvalitet/varsling/oppfolging/)."
            )
        from helhet.core.access import visible_persons
        from helhet.core.models import Tjenestemottaker, User

        nurse = User.objects.filter(username="sykepleier").first()
        if nurse is None:
            return
        outside = (
            Tjenestemottaker.objects.exclude(pk__in=visible_persons(nurse).values("pk"))
            .exclude(sperringer__sperret_bruker=nurse)
            .order_by("etternavn", "fornavn")
            .first()
        )
        if outside is None:
            return
        self.stdout.write(self.style.MIGRATE_HEADING("Omvisning"))
        self.stdout.write(
            f"  Som «sykepleier»: søk på fødselsnummer {outside.fodselsnummer} (syntetisk). Personen er utenfor\n"
            "  teamet hennes: du ser hvorfor tilgang nektes, og kan prøve nødtilgang."
        )
        self.stdout.write("")

    def serve(self, addr: str, port: int) -> None:
        if "*" not in settings.ALLOWED_HOSTS and addr not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS.append(addr)
        if addr in {"0.0.0.0", "::"}:  # noqa: S104 - the user asked to listen on every interface
            self.stdout.write(
                "Lytter på alle nettverksgrensesnitt: sett HELHET_ALLOWED_HOSTS til navnet eller adressen "
                "andre maskiner bruker."
            )
        if settings.SESSION_COOKIE_SECURE or settings.CSRF_COOKIE_SECURE:
            # runserver speaks plain HTTP; secure-only cookies would make logging in impossible.
            settings.SESSION_COOKIE_SECURE = False
            settings.CSRF_COOKIE_SECURE = False
            self.stdout.write("Demoserveren bruker vanlig HTTP, så informasjonskapslene er ikke merket «secure».")
        host = f"[{addr}]" if ":" in addr else addr
        worker = self.start_worker()
        self.stdout.write(self.style.SUCCESS(f"Starter Helhet på http://{host}:{port}/  (Ctrl+C stopper)"))
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

    def start_worker(self) -> subprocess.Popen[bytes] | None:
        """The background-job worker (the planner's optimiser), beside the web server, while it runs."""
        if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
            return None
        self.stdout.write("Starter bakgrunnsjobbene (helhet db_worker) for planleggeren.")
        return subprocess.Popen(
            [sys.executable, "-m", "helhet", "db_worker", "--interval", "0.5"], env=os.environ.copy()
        )
