"""Audit and certificate rules: certificate expiry, follow-up dates, overdue corrective actions, plan coverage.

Pure Python, no Django. Every figure returns the ids of the rows behind it, so a number on the
overview can be opened to its rows (ARCHITECTURE.md, principle 1).

Sources and what they say (our reading; clause numbers we could not check against the text here are
marked **UNCONFIRMED**):

- **ISO/IEC 17021-1:2015** (requirements for bodies certifying management systems, e.g. ISO 9001,
  14001, 45001, 27001): a **three-year certification cycle** — initial (or recertification) audit,
  then **surveillance audits at least once a calendar year** (not in the recertification year), the
  first no later than **12 months after the certification decision**; the recertification audit is
  planned and done in time for the certificate to be renewed before it expires. Clause references
  (9.1.3 programme, 9.6.2 surveillance, 9.6.3 recertification) are **UNCONFIRMED**.
  → :data:`ISO_CYCLE_YEARS`, :func:`follow_up_dates`.
- **EQUASS** (``seeds/001``, the EQUASS Assurance 2018 introduction): a provider that meets the
  criteria «vil bli sertifisert for tre år»; between certifications it reports **annually** on its
  progress (a written report, not an audit visit). We place those yearly dates like surveillance
  dates; that they are *reports* is said in the label (:data:`EQUASS_ANNUAL_IS_REPORT`).
- **ISO 19011:2018** (guidelines for auditing management systems): an audit programme is planned
  (clause 5, «managing an audit programme»), each audit has objectives, scope and criteria (6.2),
  findings are evidence evaluated against criteria and show conformity or nonconformity (3.10,
  6.4.8), and follow-up of corrective actions is part of the audit (6.7). Clause numbers
  **UNCONFIRMED**. The Norwegian classes *avvik / merknad / observasjon* are what certification
  bodies report (``seeds/000``: the 2023 recertification by Kiwa found «to avvik og 7
  merknader/observasjoner», the avvik closed the same week).
- **Warning before expiry**: :data:`CERTIFICATE_WARNING_DAYS` = 90 days is our choice
  (**UNCONFIRMED** as anyone's rule): enough time to book a recertification audit.

Definitions (ours):

- A **corrective action is overdue** at a date when its deadline is before that date and it is not
  done by it — the same rule as the avvik measures (:func:`rules.avvik_tall.is_overdue`, reused).
- An audit is **done** when it is *reported* or *closed*.
- **Plan coverage** for a period: every planned line whose month overlaps the period, plus every
  audit outside the plan (e.g. started after repeated avvik) whose date falls in the period. Done of
  those: the lines whose audit is done, and the unplanned audits that are done. A planned line is
  **late** when its month has ended before the date and it has no done audit. Enheter with no line
  and no audit in the year are listed as **not covered**.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from helhet.quality.rules.avvik_tall import MeasureRow, is_overdue

RowId = int | str

CERTIFICATE_WARNING_DAYS = 90  # UNCONFIRMED: our default warning window before a certificate expires
ISO_CYCLE_YEARS = 3  # ISO/IEC 17021-1: three-year certification cycle
EQUASS_CYCLE_YEARS = 3  # seeds/001: «sertifisert for tre år»
EQUASS_ANNUAL_IS_REPORT = True  # seeds/001: yearly progress report between certifications

DONE_STATUSES = frozenset({"rapportert", "lukket"})

CertificateState = Literal["ikke_gyldig_enna", "gyldig", "utloper_snart", "utlopt"]

STATE_LABELS: dict[str, str] = {
    "ikke_gyldig_enna": "Ikke gyldig ennå",
    "gyldig": "Gyldig",
    "utloper_snart": "Utløper snart",
    "utlopt": "Utløpt",
}


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# --- certificates -----------------------------------------------------------------------------------


def certificate_date_errors(valid_from: date | None, valid_to: date | None) -> dict[str, str]:
    """Norwegian messages keyed by field for a certificate's validity (empty when fine)."""
    errors: dict[str, str] = {}
    if valid_from is None:
        errors["gyldig_fra"] = "Skriv datoen sertifikatet gjelder fra."
    if valid_to is None:
        errors["gyldig_til"] = "Skriv datoen sertifikatet gjelder til."
    if valid_from and valid_to and valid_to < valid_from:
        errors["gyldig_til"] = "«Gyldig til» kan ikke være før «gyldig fra»."
    return errors


def certificate_state(
    valid_from: date, valid_to: date, at: date, warn_days: int = CERTIFICATE_WARNING_DAYS
) -> CertificateState:
    """Where a certificate stands at ``at``. Valid to and including ``valid_to``."""
    if warn_days < 0:
        raise ValueError("Varslingstiden kan ikke være negativ.")
    if at < valid_from:
        return "ikke_gyldig_enna"
    if at > valid_to:
        return "utlopt"
    if (valid_to - at).days <= warn_days:
        return "utloper_snart"
    return "gyldig"


@dataclass(frozen=True)
class CertificateRow:
    id: RowId
    standard: str
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class CertificateWarnings:
    at: date
    warn_days: int
    expiring_ids: tuple[RowId, ...]  # valid now, expiring within warn_days (soonest first)
    expired_ids: tuple[RowId, ...]
    days_left: dict[RowId, int]


def certificate_warnings(
    rows: Iterable[CertificateRow], at: date, warn_days: int = CERTIFICATE_WARNING_DAYS
) -> CertificateWarnings:
    expiring: list[CertificateRow] = []
    expired: list[CertificateRow] = []
    for row in rows:
        state = certificate_state(row.valid_from, row.valid_to, at, warn_days)
        if state == "utloper_snart":
            expiring.append(row)
        elif state == "utlopt":
            expired.append(row)
    expiring.sort(key=lambda r: (r.valid_to, str(r.id)))
    expired.sort(key=lambda r: (r.valid_to, str(r.id)))
    return CertificateWarnings(
        at=at,
        warn_days=warn_days,
        expiring_ids=tuple(r.id for r in expiring),
        expired_ids=tuple(r.id for r in expired),
        days_left={r.id: (r.valid_to - at).days for r in expiring},
    )


@dataclass(frozen=True)
class FollowUp:
    """A suggested follow-up date: ``kind`` is «overvaking» (surveillance or EQUASS report) or «fornyelse»."""

    kind: Literal["overvaking", "fornyelse"]
    due: date
    label: str


def follow_up_dates(standard: str, valid_from: date, valid_to: date) -> list[FollowUp]:
    """Suggested follow-up dates inside the certificate's validity.

    One per year on the anniversary of ``valid_from`` (the first no later than 12 months after it;
    we take the certificate's start as the certification decision, UNCONFIRMED), as long as it falls
    before ``valid_to``; then the recertification, due by ``valid_to`` (the certificate must be
    renewed before it runs out).
    """
    errors = certificate_date_errors(valid_from, valid_to)
    if errors:
        raise ValueError(" ".join(errors.values()))
    equass = standard == "equass"
    label = "Årlig fremdriftsrapport til EQUASS" if equass and EQUASS_ANNUAL_IS_REPORT else "Oppfølgingsrevisjon"
    dates: list[FollowUp] = []
    year = 1
    while (due := add_years(valid_from, year)) < valid_to:
        dates.append(FollowUp("overvaking", due, f"{label} {year}"))
        year += 1
    dates.append(FollowUp("fornyelse", valid_to, "Resertifisering (før sertifikatet utløper)"))
    return dates


# --- corrective actions --------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRow:
    """A corrective action as the figures see it."""

    id: RowId
    audit_id: RowId
    owner: str
    due: date
    done: date | None = None


def action_overdue(action: ActionRow, at: date) -> bool:
    """Same rule as the avvik measures: due before ``at`` and not done by ``at``."""
    return is_overdue(
        MeasureRow(id=action.id, avvik_id=action.audit_id, owner=action.owner, due=action.due, done=action.done), at
    )


@dataclass(frozen=True)
class ActionFigures:
    at: date
    open_ids: tuple[RowId, ...]  # not done by ``at``
    overdue_ids: tuple[RowId, ...]  # most overdue first
    days_overdue: dict[RowId, int]


def action_figures(rows: Iterable[ActionRow], at: date) -> ActionFigures:
    rows = list(rows)
    open_rows = sorted((r for r in rows if r.done is None or r.done > at), key=lambda r: (r.due, str(r.id)))
    overdue = [r for r in open_rows if action_overdue(r, at)]
    return ActionFigures(
        at=at,
        open_ids=tuple(r.id for r in open_rows),
        overdue_ids=tuple(r.id for r in overdue),
        days_overdue={r.id: (at - r.due).days for r in overdue},
    )


def action_errors(owner_given: bool, due: date | None, description: str, today: date) -> dict[str, str]:
    """Norwegian messages keyed by field for a new corrective action (empty when fine)."""
    errors: dict[str, str] = {}
    if not description.strip():
        errors["beskrivelse"] = "Beskriv tiltaket."
    if not owner_given:
        errors["ansvarlig"] = "Velg hvem som er ansvarlig for tiltaket."
    if due is None:
        errors["frist"] = "Sett en frist for tiltaket."
    elif due < today:
        errors["frist"] = "Fristen kan ikke være tilbake i tid."
    return errors


def close_action_errors(done: date | None, effect: str, audit_day: date | None, today: date) -> dict[str, str]:
    """A corrective action is closed with the date it was done and an evaluation of its effect.

    It cannot be done before the audit that found the reason for it (``audit_day``).
    """
    errors: dict[str, str] = {}
    if done is None:
        errors["utfort"] = "Skriv datoen tiltaket ble utført."
    elif done > today:
        errors["utfort"] = "Utført-datoen kan ikke være fram i tid."
    elif audit_day is not None and done < audit_day:
        errors["utfort"] = "Utført-datoen kan ikke være før revisjonen ble gjennomført."
    if not effect.strip():
        errors["effekt"] = "Skriv hvordan dere har vurdert effekten av tiltaket."
    return errors


# --- the audit's life -----------------------------------------------------------------------------


NEXT_STATUS: dict[str, str] = {"planlagt": "pagar", "pagar": "rapportert", "rapportert": "lukket"}


@dataclass(frozen=True)
class FindingRow:
    id: RowId
    kind: Literal["avvik", "merknad", "observasjon"]
    n_actions: int


def close_audit_errors(status: str, actions: Sequence[ActionRow], findings: Sequence[FindingRow]) -> list[str]:
    """Why an audit cannot be closed yet (empty when it can).

    Closed only after it is reported, when every corrective action is closed, and when every *avvik*
    finding (a nonconformity) has at least one corrective action (ISO 19011 6.7 follow-up, UNCONFIRMED).
    """
    problems: list[str] = []
    if status == "lukket":
        return ["Revisjonen er allerede lukket."]
    if status != "rapportert":
        problems.append("Revisjonen må være rapportert før den kan lukkes.")
    open_actions = [a for a in actions if a.done is None]
    if open_actions:
        problems.append(
            f"{len(open_actions)} korrigerende tiltak er ikke lukket. "
            "Alle tiltak må være utført og effekten vurdert før revisjonen lukkes."
        )
    without = [f for f in findings if f.kind == "avvik" and f.n_actions == 0]
    if without:
        problems.append(f"{len(without)} avvik-funn mangler korrigerende tiltak.")
    return problems


# --- audit plan coverage --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanLine:
    id: RowId
    year: int
    month: int
    unit: str | None
    audit_id: RowId | None = None
    audit_status: str | None = None


@dataclass(frozen=True)
class AuditRow:
    id: RowId
    day: date | None
    status: str
    unit: str | None
    planned: bool  # linked to a plan line


def month_range(year: int, month: int) -> tuple[date, date]:
    if not 1 <= month <= 12:
        raise ValueError("Måneden må være mellom 1 og 12.")
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Coverage:
    start: date
    end: date
    planned_line_ids: tuple[RowId, ...]
    unplanned_audit_ids: tuple[RowId, ...]
    planned_audit_ids: tuple[RowId, ...]  # audits made from the planned lines (any status)
    done_audit_ids: tuple[RowId, ...]  # audits behind the «done» count
    late_line_ids: tuple[RowId, ...]
    not_covered_units: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.planned_line_ids) + len(self.unplanned_audit_ids)

    @property
    def done(self) -> int:
        return len(self.done_audit_ids)

    @property
    def audit_ids(self) -> tuple[RowId, ...]:
        """Every audit behind the figure: those made from the planned lines, and the unplanned."""
        return self.planned_audit_ids + self.unplanned_audit_ids


def plan_coverage(
    lines: Iterable[PlanLine],
    audits: Iterable[AuditRow],
    start: date,
    end: date,
    at: date,
    units: Iterable[str] = (),
) -> Coverage:
    """Audits done against planned in ``[start, end]`` (see the module doc)."""
    if end < start:
        raise ValueError("Perioden slutter før den begynner.")
    planned: list[PlanLine] = []
    planned_audits: list[RowId] = []
    done: list[RowId] = []
    late: list[RowId] = []
    covered: set[str] = set()
    for line in lines:
        first, last = month_range(line.year, line.month)
        if last < start or first > end:
            continue
        planned.append(line)
        if line.unit:
            covered.add(line.unit)
        if line.audit_id is not None:
            planned_audits.append(line.audit_id)
        if line.audit_id is not None and line.audit_status in DONE_STATUSES:
            done.append(line.audit_id)
        elif last < at:
            late.append(line.id)
    unplanned: list[RowId] = []
    for audit in audits:
        if audit.planned or audit.day is None or not start <= audit.day <= end:
            continue
        unplanned.append(audit.id)
        if audit.unit:
            covered.add(audit.unit)
        if audit.status in DONE_STATUSES:
            done.append(audit.id)
    return Coverage(
        start=start,
        end=end,
        planned_line_ids=tuple(line.id for line in planned),
        unplanned_audit_ids=tuple(unplanned),
        planned_audit_ids=tuple(planned_audits),
        done_audit_ids=tuple(dict.fromkeys(done)),
        late_line_ids=tuple(late),
        not_covered_units=tuple(sorted(set(units) - covered)),
    )


def nokkeltall_lines(
    coverage: Coverage, actions: ActionFigures, certificates: CertificateWarnings
) -> list[tuple[str, str, str]]:
    """The lines for ``helhet kvalitet nokkeltall`` (name, value, unit), each value and unit one word.

    «Done vs planned» is two lines: ``revisjoner_gjennomfort`` (done) and ``revisjoner_planlagt`` (the
    planned lines in the period plus the audits outside the plan), so «2 av 4» reads as 2 and 4.
    """
    return [
        ("revisjoner_gjennomfort", str(coverage.done), "stk"),
        ("revisjoner_planlagt", str(coverage.total), "stk"),
        ("revisjoner_forsinket", str(len(coverage.late_line_ids)), "stk"),
        ("korrigerende_tiltak_apne", str(len(actions.open_ids)), "stk"),
        ("korrigerende_tiltak_forfalt", str(len(actions.overdue_ids)), "stk"),
        ("sertifikater_utloper_snart", str(len(certificates.expiring_ids)), "stk"),
        ("sertifikater_utlopt", str(len(certificates.expired_ids)), "stk"),
    ]
