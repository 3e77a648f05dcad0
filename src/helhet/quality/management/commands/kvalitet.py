"""``helhet kvalitet``: the quality system from the shell.

    helhet kvalitet nokkeltall [--fra DATO] [--til DATO] [--enhet ID]
    helhet kvalitet enheter
    helhet kvalitet slett-varsler        (daily: delete whistleblowing cases past their retention)

``nokkeltall`` prints the quality figures for the period, one per line as ``name: value unit``, from
the database the settings point at: avvik by category, the share started or closed within
:data:`~helhet.quality.rules.avvik_tall.DEFAULT_HANDLING_DAYS` days (with its denominator and the
90 % target), closures and days to closure, measures past their deadline at the period end, then
each area's own lines (service complaints answered, staff who acknowledged the current procedures,
audits, certificates, whistleblowing counts, surveys). Every figure is computed from the rows by a
pure function in :mod:`helhet.quality.rules`; a share with an empty denominator prints ``-``.

Dates are ISO (``2026-01-31``) or Norwegian (``31.01.2026``); the default period is the 365 days up
to and including today. ``--enhet`` limits the figures to one enhet (by id; see
``helhet kvalitet enheter``). Bad input gives a Norwegian message and exit status 2.
No person data is printed: only counts, shares and days.

``slett-varsler`` runs the retention rule of the whistleblowing channel
(:func:`helhet.quality.services_varsling.delete_due`: a closed case's content is wiped when its
deletion date has passed, an anonymous tally stays) and drops idle rate-limit rows. Run it daily
(cron or a scheduler); it prints ``varsler_slettet: N stk`` and ``sperrer_ryddet: N stk``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from helhet.core.models import Enhet
from helhet.quality import (
    services,
    services_dokumenter,
    services_klager,
    services_revisjon,
    services_ros,
    services_undersokelser,
    services_varsling,
)
from helhet.quality.models import Avvik, AvvikKategori, AvvikTiltak
from helhet.quality.rules import avvik_tall

EXIT_BAD_INPUT = 2


def parse_date(text: str) -> dt.date:
    """ISO ``2026-01-31`` or Norwegian ``31.01.2026``; ``ValueError`` with a Norwegian message otherwise."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"«{text}» er ikke en dato. Skriv for eksempel 2026-01-31 eller 31.01.2026.")


def area_figures() -> list[Callable[[dt.date, dt.date, Enhet | None], list[tuple[str, str, str]]]]:
    """Each area's ``nokkeltall(fra, til, enhet)``, in print order."""
    return [
        services_klager.nokkeltall,
        services_dokumenter.nokkeltall,
        services_revisjon.nokkeltall,
        services_varsling.nokkeltall,
        services_ros.nokkeltall,
        services_undersokelser.nokkeltall,
    ]


def avvik_lines(fra: dt.date, til: dt.date, enhet: Enhet | None) -> list[tuple[str, str, str]]:
    qs = Avvik.objects.exclude(status=Avvik.Status.UTKAST).select_related("kategori", "enhet")
    if enhet is not None:
        qs = qs.filter(enhet=enhet)
    rows = services.avvik_rows(qs)
    measures = services.measure_rows(AvvikTiltak.objects.filter(avvik__in=qs.values("pk")).select_related("ansvarlig"))
    categories = list(AvvikKategori.objects.filter(aktiv=True).values_list("navn", flat=True))
    return avvik_tall.key_figures(rows, measures, avvik_tall.Period(fra, til), categories=categories)


class Command(BaseCommand):
    help = "Kvalitetssystemet fra kommandolinjen: nøkkeltall for en periode."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="KOMMANDO", required=True)
        figures = subcommands.add_parser(
            "nokkeltall", help="Skriv kvalitetstallene for perioden, ett per linje som «navn: verdi enhet»."
        )
        figures.add_argument("--fra", metavar="DATO", help="Første dag (standard: 364 dager før --til).")
        figures.add_argument("--til", metavar="DATO", help="Siste dag (standard: i dag).")
        figures.add_argument("--enhet", metavar="ID", help="Bare denne enheten (id).")
        subcommands.add_parser("enheter", help="List enhetene med id, for --enhet.")
        subcommands.add_parser(
            "slett-varsler", help="Slett innholdet i varslingssaker som har passert slettedatoen (kjøres daglig)."
        )

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(EXIT_BAD_INPUT)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "slett-varsler":
            self.stdout.write(f"varsler_slettet: {services_varsling.delete_due(timezone.localdate())} stk")
            self.stdout.write(f"sperrer_ryddet: {services_varsling.prune_rate_state()} stk")
            return
        if options["subcommand"] == "enheter":
            for item in Enhet.objects.select_related("leverandor").order_by("pk"):
                self.stdout.write(f"{item.pk}: {item.navn} ({item.leverandor.navn})")
            return
        try:
            til = parse_date(options["til"]) if options.get("til") else timezone.localdate()
            fra = parse_date(options["fra"]) if options.get("fra") else til - dt.timedelta(days=364)
        except ValueError as exc:
            self._fail(str(exc))
        if fra > til:
            self._fail(f"--fra ({fra:%d.%m.%Y}) er etter --til ({til:%d.%m.%Y}).")
        enhet: Enhet | None = None
        raw = options.get("enhet")
        if raw:
            enhet = Enhet.objects.filter(pk=int(raw)).first() if str(raw).isdigit() else None
            if enhet is None:
                self._fail(f"Fant ingen enhet med id «{raw}». Se «helhet kvalitet enheter».")
        self.stdout.write(f"periode_fra: {fra.isoformat()} dato")
        self.stdout.write(f"periode_til: {til.isoformat()} dato")
        lines = avvik_lines(fra, til, enhet)
        for func in area_figures():
            lines += func(fra, til, enhet)
        for name, value, unit in lines:
            self.stdout.write(f"{name}: {value} {unit}".rstrip())
