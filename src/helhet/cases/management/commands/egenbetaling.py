"""``helhet egenbetaling``: the co-payment for praktisk bistand, from the shell.

    helhet egenbetaling --year 2019 --inntekt 250000 --timer-per-maned 10 [--kommune 0301]

Prints the income band, the hourly rate, the monthly amount, the cap and the explanation, one per
line, from the kommune's configured table (:class:`~helhet.cases.models.EgenbetalingSats`): the
table for the year, or the newest earlier one (:func:`helhet.cases.services.sats_for`), so a case
officer can answer a phone call and a test can check the rule. The rule itself is
:func:`helhet.cases.rules.egenbetaling.calculate`.

Errors (no table, unknown kommune, missing or negative income, more than 168 hours a week) are
Norwegian messages and exit status 1.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from helhet.cases import services
from helhet.cases.rules import InvalidInput, egenbetaling
from helhet.core.models import Kommune


def _number(raw: str | None, what: str) -> Decimal | None:
    """«250 000», «250000», «10,5» → Decimal; None when not given."""
    if raw is None:
        return None
    text = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CommandError(f"{what} må være et tall, ikke «{raw}».") from None
    if not value.is_finite():
        raise CommandError(f"{what} må være et tall, ikke «{raw}».")
    return value


class Command(BaseCommand):
    help = (
        "Egenandel for praktisk bistand: timesats, beløp per måned og utgiftstak etter husstandens inntekt, "
        "fra kommunens satser for året."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            metavar="ÅÅÅÅ",
            help="Året satsene gjelder for (standard: inneværende år).",
        )
        parser.add_argument(
            "--inntekt",
            default=None,
            metavar="KRONER",
            help="Husstandens samlede skattbare nettoinntekt før særfradrag, i kroner per år.",
        )
        parser.add_argument(
            "--timer-per-maned",
            dest="timer_per_maned",
            default=None,
            metavar="H",
            help="Timer praktisk bistand per måned (timer per uke × 4).",
        )
        parser.add_argument(
            "--kommune",
            default=None,
            metavar="KOMMUNENUMMER",
            help="Kommunenummeret (fire siffer). Kan utelates når det bare finnes én kommune.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"] or timezone.localdate().year
        income = _number(options["inntekt"], "Inntekten")
        hours = _number(options["timer_per_maned"], "Timer per måned")
        if hours is None:
            raise CommandError("Oppgi antall timer praktisk bistand per måned med --timer-per-maned.")
        if income is not None and income != income.to_integral_value():
            raise CommandError("Oppgi inntekten i hele kroner.")
        kommune = self._kommune(options["kommune"])

        table = services.sats_for(kommune.pk, year)
        if table is None:
            raise CommandError(
                f"{kommune.navn} ({kommune.kommunenummer}) har ingen satser for egenbetaling for {year} "
                "eller tidligere år. Legg inn kommunens satser først."
            )
        try:
            result = egenbetaling.calculate(table, int(income) if income is not None else None, hours)
        except InvalidInput as exc:
            raise CommandError(exc.message) from exc

        for line in self._lines(kommune, year, table, result):
            self.stdout.write(line)

    def _kommune(self, kommunenummer: str | None) -> Kommune:
        if kommunenummer:
            kommune = Kommune.objects.filter(kommunenummer=kommunenummer.strip()).first()
            if kommune is None:
                raise CommandError(f"Fant ingen kommune med kommunenummer {kommunenummer}.")
            return kommune
        kommuner = list(Kommune.objects.order_by("kommunenummer")[:2])
        if not kommuner:
            raise CommandError("Ingen kommune er registrert.")
        if len(kommuner) > 1:
            raise CommandError("Det finnes flere kommuner. Oppgi hvilken med --kommune KOMMUNENUMMER.")
        return kommuner[0]

    @staticmethod
    def _lines(
        kommune: Kommune, year: int, table: egenbetaling.RateTable, result: egenbetaling.Egenbetaling
    ) -> list[str]:
        kr = egenbetaling.format_kr
        if result.income_to_kr is None:
            span = f"fra {kr(result.income_from_kr)} kr"
        elif result.income_from_kr == 0:
            span = f"under {kr(result.income_to_kr)} kr"
        else:
            span = f"{kr(result.income_from_kr)}–{kr(result.income_to_kr - 1)} kr"
        lines = []
        if table.year != year:
            lines.append(f"Merk: {kommune.navn} har ingen satser for {year}; bruker satsene for {table.year}.")
        lines += [
            f"Inntektsgruppe: {result.band_label} ({span}), satser for {table.year} i {kommune.navn}",
            f"Timesats: {result.hourly_rate} kr",
            f"Beløp per måned: {kr(result.monthly_amount)} kr",
        ]
        if result.monthly_cap is not None:
            lines.append(f"Tak per måned: {kr(result.monthly_cap)} kr")
        else:
            lines.append(f"Årlig tak: {kr(result.yearly_cap)} kr")
        lines.append(result.explanation)
        return lines
