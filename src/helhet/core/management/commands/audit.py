"""``helhet audit verify``: check the audit trail's keyed hash chain from the first row to the head.

Prints :meth:`helhet.core.audit.VerifyResult.describe` and exits 0 when the chain is whole. When a
row was edited, inserted or deleted, it names the first bad row and exits 1, so a scheduled job
(cron, systemd timer, CI) can alert on the exit status alone.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helhet.core import audit


class Command(BaseCommand):
    help = "Tilgangsloggen (audit trail). «verify» kontrollerer hash-kjeden og navngir første brudd."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="KOMMANDO", required=True)
        verify = subcommands.add_parser(
            "verify",
            help="Kontroller hele kjeden. Avslutter med status 1 og navngir første brutte rad ved brudd.",
        )
        verify.add_argument(
            "--batch",
            type=int,
            default=2000,
            help="Antall rader som leses fra databasen om gangen (standard: 2000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(batch=options["batch"])
        else:  # pragma: no cover - argparse refuses unknown subcommands first
            raise CommandError(f"Ukjent kommando: {options['subcommand']}")

    def verify(self, *, batch: int) -> None:
        if batch < 1:
            raise CommandError("--batch må være minst 1.")
        result = audit.verify(batch=batch)
        if not result.ok:
            raise CommandError(result.describe(), returncode=1)
        self.stdout.write(self.style.SUCCESS(result.describe()))
