"""``helhet generer_besok``: plan the visits of every tiltak in force some days ahead (run it daily).

    helhet generer_besok [--dager 28] [--fra 2026-12-02]

Saving a tiltak plans its next 14 days; this command (from cron or a systemd timer, once a day)
keeps every plan that far ahead. It is idempotent: a tiltak has at most one visit a day, so a run
that overlaps an earlier one creates only the days that were missing. Prints
``planned_visits: N rows`` and the range. Bad input (a negative number of days, a malformed date)
is a Norwegian message and exit status 1.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from helhet.care import services

#: The longest horizon one run plans (a guard against a mistyped number).
MAX_DAYS = 366


class Command(BaseCommand):
    help = "Planlegg besøkene til alle tiltak som gjelder, et antall dager fram (kjøres daglig)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dager", default="28", help="Antall dager fram fra startdatoen (standard 28).")
        parser.add_argument("--fra", default=None, help="Første dato (ÅÅÅÅ-MM-DD); standard er i dag.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            days = int(options["dager"])
        except ValueError:
            raise CommandError(f"--dager må være et helt tall, ikke «{options['dager']}».") from None
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--dager må være mellom 1 og {MAX_DAYS}.")
        try:
            start = dt.date.fromisoformat(options["fra"]) if options["fra"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--fra må være en dato på formen ÅÅÅÅ-MM-DD, ikke «{options['fra']}».") from None
        end = start + dt.timedelta(days=days - 1)
        try:
            created = services.generer_besok(start, end)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"planned_visits: {created} rows")
        self.stdout.write(f"range: {start.isoformat()} {end.isoformat()}")
