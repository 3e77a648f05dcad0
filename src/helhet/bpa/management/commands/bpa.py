"""``helhet bpa``: BPA tools from the shell.

    helhet bpa sjekk-turnus PLAN.csv [--regler lov|avtale-10-5-1|tariff-10-5-2|
                                      arbeidstilsynet-10-5-3|turnus-10-4-4|privat-hjem]
                                     [--timer-per-uke H [--vedtak-fra DATO] [--vedtak-til DATO]]

``sjekk-turnus`` checks a shift plan against the working-time rules
(:func:`helhet.bpa.rules.arbeidstid.check`) and prints one line per violation::

    assistent | vakt | regel | paragraf | alvorlighet | melding

then a summary line. Exit status: 0 when the plan is lawful (warnings alone keep it lawful: overtime
within the § 10-6 limits, Sunday work and night work can be lawful on conditions the plan cannot
show), 1 when any violation is a blokk, 2 for bad input (a missing file, a missing column, a value
that is not a time), with a Norwegian message naming the file, the line and the field.

The plan is a CSV file, one shift a line, with the header ``assistent,start,slutt`` (or the English
``assistant,start,end``) and optional ``id`` and ``passiv`` (passive hours, aml. § 10-4 andre ledd)
columns. The delimiter is ``,``, ``;`` (Norwegian Excel) or tab, read from the header line. Times are
ISO (``2026-03-06T22:00``, ``2026-03-06 22:00``, with an offset or without: without means Norwegian
wall clock) or Norwegian (``06.03.2026 22:00``). The file is UTF-8 (with or without BOM) or, failing
that, Windows-1252 (older Excel). A shift is named by its ``id`` or «linje N».

``--timer-per-uke`` adds the hours budget of the vedtak (:mod:`helhet.bpa.rules.budsjett`): the
plan's hours per calendar year against the year's budget, with a warning beyond it. A budget
overrun is the arbeidsleder's to settle with the kommune, not a breach of the working-time rules,
so it does not change the exit status.

No database is needed.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helhet.bpa.rules import arbeidstid, budsjett
from helhet.bpa.rules.arbeidstid import PRESETS, InvalidShift, Shift, Violation

EXIT_LAWFUL, EXIT_UNLAWFUL, EXIT_BAD_INPUT = 0, 1, 2

#: Header names (lower case) → field; Norwegian first, English accepted.
COLUMNS = {
    "assistent": "assistant",
    "assistant": "assistant",
    "start": "start",
    "fra": "start",
    "slutt": "end",
    "end": "end",
    "til": "end",
    "id": "id",
    "vakt": "id",
    "passiv": "passive",
    "passive": "passive",
    "passive_hours": "passive",
    "passive timer": "passive",
}
REQUIRED = ("assistant", "start", "end")
NORWEGIAN_NAME = {"assistant": "assistent", "start": "start", "end": "slutt"}
MAX_ERRORS = 20
MISSING_TIME = "mangler klokkeslett"


class PlanError(Exception):
    """Bad input; ``messages`` are Norwegian, each naming the file, the line and the field."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _read_text(path: Path, shown: str) -> str:
    if not path.exists():
        raise PlanError([f"Fant ikke fila «{shown}»."])
    if not path.is_file():
        raise PlanError([f"«{shown}» er ikke en fil."])
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PlanError([f"Kunne ikke lese «{shown}»: {error.strerror or error}."]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def parse_moment(text: str) -> datetime:
    """ISO (``2026-03-06T22:00``, ``2026-03-06 22:00``, with or without offset) or ``06.03.2026 22:00``.

    A date without a time is refused: a shift needs a clock time.
    """
    value = text.strip()
    if ":" not in value:
        for read in (date.fromisoformat, lambda v: datetime.strptime(v, "%d.%m.%Y")):
            try:
                read(value)
            except ValueError:
                continue
            raise ValueError(MISSING_TIME)
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    for pattern in ("%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y kl. %H:%M", "%d.%m.%Y kl. %H.%M"):
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    raise ValueError("ikke et gyldig tidspunkt")


def _show(moment: datetime) -> str:
    return f"{moment.day}.{moment.month}.{moment.year} {moment:%H:%M}"


def read_plan(path: Path, shown: str | None = None) -> list[Shift]:
    """The shifts of a plan CSV; :class:`PlanError` with every problem found (up to 20)."""
    name = shown or str(path)
    text = _read_text(path, name)
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    if not header_line:
        raise PlanError([f"«{name}» er tom: forventet overskriften assistent,start,slutt og én vakt per linje."])
    delimiter = max((";", ",", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    fields: dict[str, int] = {}
    labels: dict[str, str] = {}
    errors: list[str] = []
    shifts: list[Shift] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        if header is None:
            header = row
            for index, heading in enumerate(row):
                key = COLUMNS.get(heading.strip().lower())
                if key and key not in fields:
                    fields[key] = index
                    labels[key] = heading.strip()
            missing = [NORWEGIAN_NAME[key] for key in REQUIRED if key not in fields]
            if missing:
                names = ", ".join(f"«{m}»" for m in missing)
                raise PlanError(
                    [
                        f"{name} linje {line}: mangler kolonnen {names} i overskriften "
                        f"(forventet assistent{delimiter}start{delimiter}slutt, fant «{delimiter.join(row)}»)."
                    ]
                )
            continue

        def cell(key: str, row: list[str] = row) -> str:
            index = fields.get(key)
            return row[index].strip() if index is not None and index < len(row) else ""

        problems: list[str] = []
        assistant = cell("assistant")
        if not assistant:
            problems.append(f"{name} linje {line}, «{labels['assistant']}»: mangler assistent.")
        moments: dict[str, datetime] = {}
        for key in ("start", "end"):
            value = cell(key)
            if not value:
                problems.append(f"{name} linje {line}, «{labels[key]}»: mangler tidspunkt.")
                continue
            try:
                moments[key] = parse_moment(value)
            except ValueError as error:
                hint = MISSING_TIME if str(error) == MISSING_TIME else "er ikke et gyldig tidspunkt"
                problems.append(
                    f"{name} linje {line}, «{labels[key]}»: «{value}» {hint} (skriv for eksempel 2026-03-06T22:00)."
                )
        passive = 0.0
        if "passive" in fields and cell("passive"):
            raw = cell("passive")
            try:
                passive = float(raw.replace(",", "."))
            except ValueError:
                problems.append(f"{name} linje {line}, «{labels['passive']}»: «{raw}» er ikke et antall timer.")
        if not problems:
            start, end = moments["start"], moments["end"]
            ident = cell("id") or f"linje {line}"
            try:
                if (start.tzinfo is None) != (end.tzinfo is None):
                    raise InvalidShift("«start» og «slutt» må enten begge ha tidssone eller ingen av dem.")
                if arbeidstid.to_epoch(end) <= arbeidstid.to_epoch(start):
                    raise InvalidShift(
                        f"«{labels['end']}» ({_show(end)}) er ikke etter «{labels['start']}» ({_show(start)}). "
                        "En vakt over midnatt slutter neste dag: skriv neste dags dato."
                    )
                shifts.append(Shift(assistant, start, end, id=ident, passive_hours=passive))
            except InvalidShift as error:
                problems.append(f"{name} linje {line}: {error.message}")
        errors.extend(problems)
        if len(errors) >= MAX_ERRORS:
            errors = [*errors[:MAX_ERRORS], "(flere feil er ikke vist)"]
            break
    if errors:
        raise PlanError(errors)
    if not shifts:
        raise PlanError([f"«{name}» har ingen vakter, bare overskriften."])
    return shifts


@dataclass(frozen=True)
class _Budget:
    hours_per_week: float
    start: date | None
    end: date | None


def _where(violation: Violation) -> str:
    ids = violation.shifts
    if not ids:
        return violation.where
    if len(ids) <= 4:
        return f"{violation.where} [{', '.join(ids)}]"
    return f"{violation.where} [{len(ids)} vakter: {ids[0]} … {ids[-1]}]"


def format_violation(violation: Violation) -> str:
    """One line: assistent | vakt | regel | paragraf | alvorlighet | melding."""
    return " | ".join(
        (
            violation.assistant,
            _where(violation),
            violation.rule,
            violation.paragraph,
            violation.severity,
            violation.message,
        )
    )


class Command(BaseCommand):
    help = "BPA. «sjekk-turnus PLAN.csv» kontrollerer en turnusplan mot arbeidstidsreglene (arbeidsmiljøloven kap. 10)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="KOMMANDO", required=True)
        check = subcommands.add_parser(
            "sjekk-turnus",
            help=(
                "Kontroller en turnusplan (CSV: assistent,start,slutt). Skriver hvert brudd på én linje; "
                "status 0 = lovlig, 1 = ikke lovlig, 2 = feil i fila."
            ),
        )
        check.add_argument("plan", metavar="PLAN.csv", help="Turnusplanen: én vakt per linje.")
        check.add_argument(
            "--regler",
            choices=sorted(PRESETS),
            default="lov",
            help="Regelsett: loven (standard), avtale om gjennomsnittsberegning, turnus eller privat hjem.",
        )
        check.add_argument("--timer-per-uke", help="Vedtakets timer per uke: sammenlign planen med timebudsjettet.")
        check.add_argument("--vedtak-fra", help="Vedtakets første dag (ÅÅÅÅ-MM-DD); standard: hele året.")
        check.add_argument("--vedtak-til", help="Vedtakets siste dag (ÅÅÅÅ-MM-DD); standard: løpende.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "sjekk-turnus":
            budget = self._budget_options(options)
            self.sjekk_turnus(options["plan"], options["regler"], budget)
        else:  # pragma: no cover - argparse refuses unknown subcommands first
            raise CommandError(f"Ukjent kommando: {options['subcommand']}")

    def _fail(self, messages: Sequence[str]) -> NoReturn:
        for message in messages:
            self.stderr.write(message)
        raise SystemExit(EXIT_BAD_INPUT)

    def _budget_options(self, options: dict[str, Any]) -> _Budget | None:
        raw = options.get("timer_per_uke")
        if raw is None:
            if options.get("vedtak_fra") or options.get("vedtak_til"):
                self._fail(["--vedtak-fra og --vedtak-til brukes sammen med --timer-per-uke."])
            return None
        try:
            hours = float(str(raw).replace(",", "."))
        except ValueError:
            self._fail([f"--timer-per-uke må være et tall, ikke «{raw}»."])
        if hours < 0:
            self._fail(["--timer-per-uke kan ikke være negativt."])
        days: dict[str, date | None] = {}
        for key, flag in (("vedtak_fra", "--vedtak-fra"), ("vedtak_til", "--vedtak-til")):
            value = options.get(key)
            try:
                days[key] = date.fromisoformat(value) if value else None
            except ValueError:
                self._fail([f"{flag}: «{value}» er ikke en gyldig dato (skriv for eksempel 2026-01-01)."])
        return _Budget(hours, days["vedtak_fra"], days["vedtak_til"])

    def sjekk_turnus(self, plan: str, rules: str, budget: _Budget | None) -> None:
        try:
            shifts = read_plan(Path(plan), plan)
        except PlanError as error:
            self._fail(error.messages)
        limits = PRESETS[rules]
        violations = arbeidstid.check(shifts, limits)
        for violation in violations:
            self.stdout.write(format_violation(violation))
        if budget is not None:
            self._budget_lines(shifts, budget)
        for note in limits.notes:
            self.stdout.write(f"Merk: {note}")
        n_block = len(arbeidstid.blocks(violations))
        n_warn = len(violations) - n_block
        assistants = len({s.assistant for s in shifts})
        scope = f"{_plural(len(shifts), 'vakt', 'vakter')} for {_plural(assistants, 'assistent', 'assistenter')}"
        rules_text = f"regler: {limits.title}"
        if n_block:
            warned = f" og {_plural(n_warn, 'advarsel', 'advarsler')}" if n_warn else ""
            self.stdout.write(
                f"Ikke lovlig: {_plural(n_block, 'blokkering', 'blokkeringer')}{warned} i {scope} ({rules_text})."
            )
            raise SystemExit(EXIT_UNLAWFUL)
        if n_warn:
            self.stdout.write(f"Lovlig med {_plural(n_warn, 'advarsel', 'advarsler')}: {scope} ({rules_text}).")
        else:
            self.stdout.write(f"Lovlig: ingen brudd på arbeidstidsreglene i {scope} ({rules_text}).")

    def _budget_lines(self, shifts: Sequence[Shift], budget: _Budget) -> None:
        """Planned hours per calendar year (a shift counts on the day it starts) against the year's budget."""
        by_year: dict[int, float] = defaultdict(float)
        for s in shifts:
            by_year[arbeidstid.local(arbeidstid.to_epoch(s.start)).year] += s.duration_hours
        first_year = min(by_year)
        try:
            grant = budsjett.Grant(budget.hours_per_week, budget.start or date(first_year, 1, 1), budget.end)
        except budsjett.InvalidGrant as error:
            self._fail([error.message])
        for year in sorted(by_year):
            planned, total = by_year[year], budsjett.year_budget(grant, year)
            share = f" ({budsjett.fmt_share(planned / total)})" if total else ""
            self.stdout.write(
                f"Timebudsjett {year}: planen har {budsjett.fmt_hours(planned)} av årets "
                f"{budsjett.fmt_hours(total)}{share}."
            )
            message = budsjett.beyond_budget(grant, year, planned)
            if message is not None:
                self.stdout.write(f"alle | {year} | timebudsjett | vedtaket | advarsel | {message}")
