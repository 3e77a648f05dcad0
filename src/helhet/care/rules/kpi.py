"""Measured delivery: kontraktsintegritet, punktlighet, kontinuitet and behandlingsintegritet.

Every figure is computed from recorded rows (ARCHITECTURE.md, principle 1) handed in as plain
frozen dataclasses, never from numbers typed in. Every result keeps the rows it was computed
from, so a figure on a dashboard opens to the visits, scopes or checklists behind it.

Sources (line numbers in ``shared/seeds/``):

- The three «integrities»: seed 000 lines 633-635 (the provider documents «grad av
  behandlingsintegritet, kontraktintegritet og systemintegritet»). Systemintegritet (competence
  plan vs courses taken, lines 675-683) is about staff, not delivery, and is not here.
- Kontraktsintegritet: seed 000 lines 658-670: delivery «i samsvar med omfang av bestilt
  tjeneste eller hvilken kompetanse som er «bestilt»», with «kompetanseleveranse eller leveranse i
  samsvar med individets enkeltvedtak» as example KPIs; the goal «100% Kontraktsintegritet» (line
  2178). The vedtak's period is inclusive at both ends (seed 004 lines 1397, 1509: «f.o.m. …
  t.o.m. …»); KPR states the scope in hours per week (``shared/facts/iplos_kpr.md`` § 3.2).
- Punktlighet: seed 000 line 1669 («Tjenester utført til avtalt tid og sted») and lines 823-825
  («punktlighet, stabilitet og kontinuitet» matter to the recipients); the time is agreed with the
  person (seed 004 lines 1391-1392 and 1503: «Tidspunkt for når tjenesten skal utføres vil avtales
  mellom deg og hjemmetjenesten»).
- Kontinuitet: seed 004 line 15 («få og kjente fjes»), lines 291-297 (team; «Det tilstrebes at de
  samme medarbeiderne besøker de samme tjenestemottakerne»), lines 312-313 (every recipient gets
  a «tjenesteansvarlig/primærkontakt»); seed 000 lines 1655-1657 («færrest mulig personer å
  forholde seg til») and 1671-1672 («Faste kontaktpersoner», «Faste team»). The 14-day window is
  issue 4's choice, not a seed's.
- Behandlingsintegritet: seed 000 lines 637-652: «samsvar mellom planlagt behandling og
  gjennomført behandling», measured «gjennom bruk av sjekklister på viktige områder», e.g.
  «sårbehandling i hjemmesykepleien»; lines 1105-1107 («måles i alle saker»).

Conventions shared by all figures:

- A share or ratio is a :class:`fractions.Fraction` (exact; :func:`percent` rounds for display).
  Nothing to divide by gives ``None`` — «no data» — never 0 % or 100 %.
- Timestamps are aware datetimes (``ValueError`` otherwise); durations and comparisons are computed
  in UTC, so a visit across a DST change counts the hours that really passed. (Python subtracts and
  compares two datetimes in the *same* ZoneInfo by wall clock, ignoring ``fold``: never do that.)
- Local dates, ISO weeks and calendar months are in Europe/Oslo; a week or month runs from local
  midnight to local midnight.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from typing import Generic, Literal, TypeVar

from helhet.care.rules import OSLO, InvalidInput

DAYS_PER_WEEK = 7
#: The services whose delivery is recorded as visits in the home, so measured here (KPR codes 15, 1, 2:
#: helsetjenester i hjemmet, praktisk bistand – daglige gjøremål, praktisk bistand – opplæring;
#: ``shared/facts/iplos_kpr.md`` § 3.1). BPA (code 3) is measured from approved timesheets (issue 6);
#: støttekontakt, dagaktivitet and avlastning are delivered outside home visits and are not counted.
VISIT_SERVICES = ("helsetjenester_i_hjemmet", "praktisk_bistand", "praktisk_bistand_opplaering")
#: Days of history in the continuity figure (issue 4: «distinct staff per person per 14 days»).
CONTINUITY_WINDOW_DAYS = 14

MSG_PERIOD_END_BEFORE_START = "Sluttdatoen kan ikke være før startdatoen."
MSG_TOM_BEFORE_FOM = "Til-dato kan ikke være før fra-dato."
MSG_CHECK_OUT_BEFORE_CHECK_IN = "Utsjekk kan ikke være før innsjekk."
MSG_CHECK_OUT_WITHOUT_CHECK_IN = "Et besøk kan ikke sjekkes ut uten å være sjekket inn."
MSG_PERFORMED_WITHOUT_CHECK_IN = "Et utført besøk må ha et tidspunkt for innsjekk."
MSG_NEGATIVE_SCOPE = "Omfanget kan ikke være negativt."
MSG_OVERLAPPING_SCOPES = "To omfang for samme vedtak og leverandør kan ikke gjelde de samme dagene."
MSG_NEGATIVE_TOLERANCE = "Toleransen kan ikke være negativ."
MSG_WINDOW_DAYS = "Antall dager må være minst én."

_UTC = dt.UTC
_MICROSECONDS_PER_HOUR = 3_600_000_000

R = TypeVar("R")
#: A person's id: a UUID in the database (``Tjenestemottaker.pk``), a small int in hand-made tests.
PersonId = uuid.UUID | int
Kind = Literal["week", "month"]


class VisitStatus(StrEnum):
    """Where a visit stands. Cancelled and missed visits keep their reason in the visit record."""

    PLANNED = "planned"
    PERFORMED = "performed"
    CANCELLED = "cancelled"  # called off beforehand (the person declined, in hospital …)
    MISSED = "missed"  # did not happen (not home, no staff …)


def _require_aware(name: str, value: dt.datetime | None) -> None:
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(_UTC)


def local_date(value: dt.datetime) -> dt.date:
    """The Europe/Oslo calendar date of an aware timestamp."""
    return value.astimezone(OSLO).date()


def local_midnight(day: dt.date) -> dt.datetime:
    """00:00 in Europe/Oslo on ``day``, in UTC (midnight always exists in Oslo: DST moves 02:00)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=OSLO).astimezone(_UTC)


def hours(duration: dt.timedelta) -> Fraction:
    """A duration in hours, exactly (to the microsecond)."""
    return Fraction(duration // dt.timedelta(microseconds=1), _MICROSECONDS_PER_HOUR)


def ratio(numerator: Fraction | int, denominator: Fraction | int | None) -> Fraction | None:
    """numerator ÷ denominator, exactly; ``None`` (no data) when there is nothing to divide by."""
    if denominator is None or denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


def percent(value: Fraction | None, places: int = 1) -> Decimal | None:
    """A share as a percentage for display, rounded half up: 2/3 → 66.7. ``None`` stays ``None``."""
    if value is None:
        return None
    exact = Decimal(value.numerator) * 100 / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- the rows ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveredVisit:
    """One visit as recorded: planned, and then performed, cancelled or missed.

    ``window_start``/``window_end`` is the agreed time window for the visit to start (both or
    neither). ``required_competences`` lists the competences any one of which the tiltak requires
    (e.g. ``{"sykepleier", "autorisert_helsefagarbeider"}`` for medication; empty: no
    requirement); ``staff_competences`` those the staff member who performed it holds.
    """

    visit_id: int
    vedtak_id: int
    provider_id: int
    person_id: PersonId
    planned_start: dt.datetime
    status: VisitStatus
    window_start: dt.datetime | None = None
    window_end: dt.datetime | None = None
    check_in: dt.datetime | None = None
    check_out: dt.datetime | None = None
    staff_id: int | None = None
    staff_competences: frozenset[str] = frozenset()
    required_competences: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("planned_start", "window_start", "window_end", "check_in", "check_out"):
            _require_aware(name, getattr(self, name))
        if (self.window_start is None) != (self.window_end is None):
            raise ValueError("a time window needs both a start and an end")
        # Compare instants in UTC: two datetimes in the same ZoneInfo compare by wall clock and ignore fold.
        if (
            self.window_start is not None
            and self.window_end is not None
            and _utc(self.window_end) < _utc(self.window_start)
        ):
            raise ValueError("a time window cannot end before it starts")
        if self.check_out is not None and self.check_in is None:
            raise InvalidInput(MSG_CHECK_OUT_WITHOUT_CHECK_IN)
        if self.check_in is not None and self.check_out is not None and _utc(self.check_out) < _utc(self.check_in):
            raise InvalidInput(MSG_CHECK_OUT_BEFORE_CHECK_IN)
        if self.status is VisitStatus.PERFORMED and self.check_in is None:
            raise InvalidInput(MSG_PERFORMED_WITHOUT_CHECK_IN)

    @property
    def performed(self) -> bool:
        return self.status is VisitStatus.PERFORMED

    def delivered_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Time delivered inside [start, end): check-in to check-out, clipped; 0 unless performed.

        A performed visit not yet checked out has delivered nothing measurable (0).
        """
        if not self.performed or self.check_in is None or self.check_out is None:
            return dt.timedelta(0)
        lo = max(_utc(self.check_in), _utc(start))
        hi = min(_utc(self.check_out), _utc(end))
        return max(hi - lo, dt.timedelta(0))

    def competence_required(self) -> bool:
        return bool(self.required_competences)

    def competence_met(self) -> bool:
        """True when the staff holds at least one of the required competences (or none is required)."""
        return not self.required_competences or bool(self.required_competences & self.staff_competences)


@dataclass(frozen=True)
class GrantedScope:
    """What a vedtak grants, delivered by one provider, over one period (``tom`` None: open-ended).

    The scope in hours per week (KPR's unit, iplos_kpr.md § 3.2; convert hours per month with
    ``helhet.cases.rules.vedtak.hours_per_week_from_month``) and/or in visits per week (× 7 for
    «besøk per dag»). A provider switch, or a changed scope, is a second row with the same
    ``vedtak_id`` and a period that does not overlap the first.
    """

    vedtak_id: int
    provider_id: int
    fom: dt.date
    tom: dt.date | None
    hours_per_week: Decimal | None = None
    visits_per_week: Decimal | None = None

    def __post_init__(self) -> None:
        if self.tom is not None and self.tom < self.fom:
            raise InvalidInput(MSG_TOM_BEFORE_FOM)
        for amount in (self.hours_per_week, self.visits_per_week):
            if amount is not None and amount < 0:
                raise InvalidInput(MSG_NEGATIVE_SCOPE)

    def days_in_force(self, start: dt.date, end: dt.date) -> int:
        """Days from ``start`` to ``end`` (both inclusive) on which this scope is in force."""
        lo = max(self.fom, start)
        hi = end if self.tom is None else min(self.tom, end)
        return max((hi - lo).days + 1, 0)


@dataclass(frozen=True)
class PersonTeam:
    """Who a person should meet: the primærkontakt and the team that serves them (seed 004 l. 291-313)."""

    person_id: PersonId
    primaerkontakt_id: int | None
    team_staff_ids: frozenset[int] = frozenset()

    def knows(self, staff_id: int) -> bool:
        return staff_id == self.primaerkontakt_id or staff_id in self.team_staff_ids


@dataclass(frozen=True)
class ChecklistStep:
    """One planned step of a procedure, ticked performed or not (with the reason why not)."""

    name: str
    performed: bool
    reason: str = ""


@dataclass(frozen=True)
class Checklist:
    """The checklist of one procedure (wound care, medication …) as filled in on one visit.

    Pass checklists of visits that took place: a checklist for a cancelled visit is bad input and
    the service refuses it before it becomes a row.
    """

    checklist_id: int
    person_id: PersonId
    procedure: str
    steps: tuple[ChecklistStep, ...]
    visit_id: int | None = None

    @property
    def planned_steps(self) -> int:
        return len(self.steps)

    @property
    def performed_steps(self) -> int:
        return sum(1 for step in self.steps if step.performed)


# --- the results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure(Generic[R]):
    """A share ``numerator / denominator`` and the rows it came from.

    ``rows`` are the rows counted in the denominator; ``excluded`` the rows looked at but left out
    (the figure's docstring says why). ``value`` is ``None`` when there is nothing to divide by.
    """

    name: str
    numerator: int
    denominator: int
    rows: tuple[R, ...]
    excluded: tuple[R, ...] = ()

    @property
    def value(self) -> Fraction | None:
        return ratio(self.numerator, self.denominator)


@dataclass(frozen=True)
class DeliveryFigure:
    """Kontraktsintegritet for one vedtak, one provider and one ISO week or calendar month.

    ``start``/``end`` are the bucket's days inside the measuring period (a partial week or month at
    the period's ends is cut). ``rows`` are every visit that counts in the bucket: by planned start
    (for the visit counts and competence) or by delivered time (for the hours).
    """

    vedtak_id: int
    provider_id: int
    kind: Kind
    label: str  # ISO week «2024-W05» or month «2024-02»
    start: dt.date
    end: dt.date
    days_in_force: int
    granted_hours: Fraction | None  # None: the scope is not stated in hours
    delivered_hours: Fraction
    granted_visits: Fraction | None  # None: the scope is not stated in visits
    visits_planned: int
    visits_performed: int
    competence_required: int
    competence_met: int
    scopes: tuple[GrantedScope, ...]
    rows: tuple[DeliveredVisit, ...]

    @property
    def hours_ratio(self) -> Fraction | None:
        """delivered / granted hours; may exceed 1 (more delivered than granted)."""
        return ratio(self.delivered_hours, self.granted_hours)

    @property
    def performed_share(self) -> Fraction | None:
        """performed / planned visits."""
        return ratio(self.visits_performed, self.visits_planned)

    @property
    def visits_ratio(self) -> Fraction | None:
        """performed / granted visits; may exceed 1."""
        return ratio(self.visits_performed, self.granted_visits)

    @property
    def competence_share(self) -> Fraction | None:
        """visits by staff with the competence / visits that required one."""
        return ratio(self.competence_met, self.competence_required)


@dataclass(frozen=True)
class ProviderFigure:
    """Kontraktsintegritet for one provider and one week or month, summed over its vedtak.

    Hours are summed like for like: over the vedtak whose scope is stated in hours only, so a vedtak
    granted in visits does not add delivered hours without granted ones.
    """

    provider_id: int
    kind: Kind
    label: str
    start: dt.date
    end: dt.date
    granted_hours: Fraction
    delivered_hours: Fraction
    visits_planned: int
    visits_performed: int
    competence_required: int
    competence_met: int
    figures: tuple[DeliveryFigure, ...]

    @property
    def hours_ratio(self) -> Fraction | None:
        return ratio(self.delivered_hours, self.granted_hours)

    @property
    def performed_share(self) -> Fraction | None:
        return ratio(self.visits_performed, self.visits_planned)

    @property
    def competence_share(self) -> Fraction | None:
        return ratio(self.competence_met, self.competence_required)


@dataclass(frozen=True)
class ContinuityFigure:
    """Kontinuitet for one person over ``start``..``end`` (inclusive local dates)."""

    person_id: PersonId
    start: dt.date
    end: dt.date
    staff: frozenset[int]
    distinct_staff: int | None  # None: no performed visit with a known staff member
    known_share: Figure[DeliveredVisit]  # visits by the person's team or primærkontakt


# --- periods -----------------------------------------------------------------------------------


def _check_period(period: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    start, end = period
    if end < start:
        raise InvalidInput(MSG_PERIOD_END_BEFORE_START)
    return start, end


def iso_weeks(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The ISO weeks touching ``start``..``end``, each cut to the period: (label, first, last day)."""
    result: list[tuple[str, dt.date, dt.date]] = []
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        year, week, _ = monday.isocalendar()
        sunday = monday + dt.timedelta(days=6)
        result.append((f"{year}-W{week:02d}", max(monday, start), min(sunday, end)))
        monday += dt.timedelta(days=DAYS_PER_WEEK)
    return result


def months(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The calendar months touching ``start``..``end``, each cut to the period."""
    result: list[tuple[str, dt.date, dt.date]] = []
    first = start.replace(day=1)
    while first <= end:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        last = following - dt.timedelta(days=1)
        result.append((f"{first.year}-{first.month:02d}", max(first, start), min(last, end)))
        first = following
    return result


# --- kontraktsintegritet -----------------------------------------------------------------------


def _check_no_overlap(scopes: list[GrantedScope]) -> None:
    ordered = sorted(scopes, key=lambda s: s.fom)
    for earlier, later in pairwise(ordered):
        if earlier.tom is None or earlier.tom >= later.fom:
            raise InvalidInput(MSG_OVERLAPPING_SCOPES)


def _granted(
    scopes: Iterable[GrantedScope], start: dt.date, end: dt.date, unit: Literal["hours", "visits"]
) -> tuple[int, Fraction | None]:
    """(days in force, granted amount) for ``unit`` "hours" or "visits" over ``start``..``end``."""
    days_total = 0
    amount = Fraction(0)
    known = True
    for scope in scopes:
        days = scope.days_in_force(start, end)
        if days == 0:
            continue
        days_total += days
        per_week = scope.hours_per_week if unit == "hours" else scope.visits_per_week
        if per_week is None:
            known = False
        else:
            amount += Fraction(per_week) * days / DAYS_PER_WEEK
    return days_total, (amount if known else None)


def kontraktsintegritet(
    granted: Iterable[GrantedScope],
    delivered: Iterable[DeliveredVisit],
    period: tuple[dt.date, dt.date],
) -> list[DeliveryFigure]:
    """Delivered against granted, per vedtak and provider, per ISO week and per calendar month.

    ``period`` is (first day, last day), both inclusive local dates. For each (vedtak, provider)
    in ``granted`` and each ISO week and calendar month touching the period — cut to the period,
    so the first and last week or month may be partial — with B = the bucket's days inside the
    period:

    - ``days_in_force`` = Σ over the scopes of |days of B within the scope's f.o.m.–t.o.m.|
    - ``granted_hours`` = Σ hours_per_week × days in force ÷ 7 (``None`` if a scope in force
      states no hours; 0 if none is in force). Same for ``granted_visits`` with visits_per_week.
    - ``delivered_hours`` = Σ over performed visits of the part of check-in → check-out that lies
      inside B (from local midnight on its first day to local midnight after its last), so a visit
      across midnight is split between the days, weeks and months it spans. Cancelled, missed and
      planned visits, and performed ones not checked out, deliver 0.
    - ``hours_ratio`` = delivered_hours ÷ granted_hours (``None`` if granted is 0 or unknown).
    - ``visits_planned`` = visits (any status) whose planned start falls on a day of B;
      ``visits_performed`` = those performed; ``performed_share`` = performed ÷ planned;
      ``visits_ratio`` = performed ÷ granted_visits.
    - ``competence_share`` = competence_met ÷ competence_required, where competence_required counts
      the performed visits of B (by planned start) whose tiltak requires a competence, and
      competence_met those whose staff held one of the required competences. Visits with no
      requirement are left out: they would make the figure look better without telling anything.

    A bucket appears when a scope is in force on one of its days or a visit counts in it.
    Visits of a (vedtak, provider) with no scope in ``granted`` are ignored: the caller passes the
    scopes of every vedtak it measures. Figures come sorted by vedtak, provider, week before month,
    and date.
    """
    start, end = _check_period(period)
    scopes_by_key: dict[tuple[int, int], list[GrantedScope]] = defaultdict(list)
    for scope in granted:
        scopes_by_key[(scope.vedtak_id, scope.provider_id)].append(scope)
    for scopes in scopes_by_key.values():
        _check_no_overlap(scopes)
    visits_by_key: dict[tuple[int, int], list[DeliveredVisit]] = defaultdict(list)
    for visit in delivered:
        key = (visit.vedtak_id, visit.provider_id)
        if key in scopes_by_key:
            visits_by_key[key].append(visit)

    buckets: list[tuple[Kind, str, dt.date, dt.date]] = [("week", *week) for week in iso_weeks(start, end)]
    buckets += [("month", *month) for month in months(start, end)]

    figures: list[DeliveryFigure] = []
    for key in sorted(scopes_by_key):
        scopes = sorted(scopes_by_key[key], key=lambda s: s.fom)
        visits = sorted(visits_by_key[key], key=lambda v: (_utc(v.planned_start), v.visit_id))
        prepared = [_prepare(v) for v in visits]
        for kind, label, first, last in buckets:
            figure = _delivery_figure(key, kind, label, first, last, scopes, prepared)
            if figure is not None:
                figures.append(figure)
    return figures


#: A visit with what every bucket asks of it, computed once: its planned local date and, for a
#: performed visit that is checked out, check-in and check-out in UTC.
_Prepared = tuple[DeliveredVisit, dt.date, dt.datetime | None, dt.datetime | None]


def _prepare(visit: DeliveredVisit) -> _Prepared:
    if visit.performed and visit.check_in is not None and visit.check_out is not None:
        return visit, local_date(visit.planned_start), _utc(visit.check_in), _utc(visit.check_out)
    return visit, local_date(visit.planned_start), None, None


def _delivery_figure(
    key: tuple[int, int],
    kind: Kind,
    label: str,
    first: dt.date,
    last: dt.date,
    scopes: list[GrantedScope],
    prepared: list[_Prepared],
) -> DeliveryFigure | None:
    days, granted_hours = _granted(scopes, first, last, "hours")
    _, granted_visits = _granted(scopes, first, last, "visits")
    lo, hi = local_midnight(first), local_midnight(last + dt.timedelta(days=1))
    counted: list[DeliveredVisit] = []
    rows: list[DeliveredVisit] = []
    delivered = dt.timedelta(0)
    for visit, planned_day, check_in, check_out in prepared:
        in_bucket = first <= planned_day <= last
        if in_bucket:
            counted.append(visit)
        if check_in is not None and check_out is not None:
            overlap = min(check_out, hi) - max(check_in, lo)  # as DeliveredVisit.delivered_between
            if overlap > dt.timedelta(0):
                delivered += overlap
                in_bucket = True
        if in_bucket:
            rows.append(visit)
    if days == 0 and not rows:
        return None
    delivered_hours = hours(delivered)
    performed = [v for v in counted if v.performed]
    requiring = [v for v in performed if v.competence_required()]
    met = sum(1 for v in requiring if v.competence_met())
    return DeliveryFigure(
        vedtak_id=key[0],
        provider_id=key[1],
        kind=kind,
        label=label,
        start=first,
        end=last,
        days_in_force=days,
        granted_hours=granted_hours,
        delivered_hours=delivered_hours,
        granted_visits=granted_visits,
        visits_planned=len(counted),
        visits_performed=len(performed),
        competence_required=len(requiring),
        competence_met=met,
        scopes=tuple(s for s in scopes if s.days_in_force(first, last) > 0),
        rows=tuple(rows),
    )


def per_provider(figures: Iterable[DeliveryFigure]) -> list[ProviderFigure]:
    """Sum :func:`kontraktsintegritet`'s figures per provider and week or month (the bydel's view).

    granted_hours and delivered_hours: Σ over the provider's vedtak whose granted_hours is known;
    visits and competence: Σ over all its vedtak. Ratios as in :func:`kontraktsintegritet`.
    """
    groups: dict[tuple[int, Kind, str], list[DeliveryFigure]] = defaultdict(list)
    for figure in figures:
        groups[(figure.provider_id, figure.kind, figure.label)].append(figure)
    result: list[ProviderFigure] = []
    for (provider_id, kind, label), group in groups.items():
        with_hours = [f for f in group if f.granted_hours is not None]
        granted_hours = sum((f.granted_hours for f in with_hours if f.granted_hours is not None), Fraction(0))
        delivered_hours = sum((f.delivered_hours for f in with_hours), Fraction(0))
        planned = sum(f.visits_planned for f in group)
        performed = sum(f.visits_performed for f in group)
        required = sum(f.competence_required for f in group)
        met = sum(f.competence_met for f in group)
        result.append(
            ProviderFigure(
                provider_id=provider_id,
                kind=kind,
                label=label,
                start=min(f.start for f in group),
                end=max(f.end for f in group),
                granted_hours=granted_hours,
                delivered_hours=delivered_hours,
                visits_planned=planned,
                visits_performed=performed,
                competence_required=required,
                competence_met=met,
                figures=tuple(group),
            )
        )
    result.sort(key=lambda p: (p.provider_id, p.kind != "week", p.start))
    return result


# --- punktlighet -------------------------------------------------------------------------------


def is_on_time(visit: DeliveredVisit, tolerance: dt.timedelta = dt.timedelta(0)) -> bool:
    """window_start − tolerance ≤ check-in ≤ window_end + tolerance (both bounds inclusive).

    False for a visit without a window or without a check-in.
    """
    if visit.window_start is None or visit.window_end is None or visit.check_in is None:
        return False
    check_in = _utc(visit.check_in)
    return _utc(visit.window_start) - tolerance <= check_in <= _utc(visit.window_end) + tolerance


def punktlighet(visits: Iterable[DeliveredVisit], tolerance: dt.timedelta = dt.timedelta(0)) -> Figure[DeliveredVisit]:
    """The share of performed visits whose check-in lies inside the agreed time window.

    value = |performed visits with a window and window_start − tolerance ≤ check-in ≤ window_end +
    tolerance| ÷ |performed visits with a window|.

    ``tolerance`` (≥ 0, default 0 minutes) widens the agreed window by that much at both ends, for
    a provider that promises «within 15 minutes of the agreed time»; with 0 the window is exactly
    what was agreed with the person. Performed visits without an agreed window are left out and
    listed in ``excluded`` (their count is ``len(excluded)``). Planned, cancelled and missed visits
    never started and are not in this figure; kontraktsintegritet counts them.
    """
    if tolerance < dt.timedelta(0):
        raise InvalidInput(MSG_NEGATIVE_TOLERANCE)
    performed = [v for v in visits if v.performed]
    with_window = tuple(v for v in performed if v.window_start is not None)
    without_window = tuple(v for v in performed if v.window_start is None)
    on_time = sum(1 for v in with_window if is_on_time(v, tolerance))
    return Figure("punktlighet", on_time, len(with_window), with_window, without_window)


# --- kontinuitet -------------------------------------------------------------------------------


def kontinuitet(
    visits: Iterable[DeliveredVisit],
    person: PersonTeam,
    window_days: int = CONTINUITY_WINDOW_DAYS,
    *,
    end: dt.date,
) -> ContinuityFigure:
    """«Få og kjente fjes»: how many staff a person met, and how many visits were by familiar staff.

    Over the ``window_days`` local dates ending on ``end`` (inclusive), the person's performed
    visits, placed by the local date of check-in:

    - ``distinct_staff`` = |{staff of those visits}| (``None`` when there is none: no data is not
      «few faces»).
    - ``known_share.value`` = |visits whose staff is the primærkontakt or on the person's team| ÷
      |visits with a known staff member|. Visits with no staff recorded are in
      ``known_share.excluded``.

    The team and primærkontakt are today's, as ``person`` gives them.
    """
    if window_days < 1:
        raise InvalidInput(MSG_WINDOW_DAYS)
    start = end - dt.timedelta(days=window_days - 1)
    mine = [
        v
        for v in visits
        if v.person_id == person.person_id
        and v.performed
        and v.check_in is not None
        and start <= local_date(v.check_in) <= end
    ]
    with_staff = tuple(v for v in mine if v.staff_id is not None)
    without_staff = tuple(v for v in mine if v.staff_id is None)
    staff = frozenset(v.staff_id for v in with_staff if v.staff_id is not None)
    known = sum(1 for v in with_staff if v.staff_id is not None and person.knows(v.staff_id))
    return ContinuityFigure(
        person_id=person.person_id,
        start=start,
        end=end,
        staff=staff,
        distinct_staff=len(staff) if with_staff else None,
        known_share=Figure("kontinuitet", known, len(with_staff), with_staff, without_staff),
    )


# --- behandlingsintegritet ---------------------------------------------------------------------


def behandlingsintegritet(checklists: Iterable[Checklist]) -> Figure[Checklist]:
    """Samsvar between planned and performed treatment: the share of planned steps performed.

    value = Σ performed steps ÷ Σ planned steps, over all ``checklists`` (filter by procedure,
    person or period before calling). Every step of a checklist is planned; a step not performed
    keeps its reason. Checklists with no steps are in ``excluded``.
    """
    rows = list(checklists)
    counted = tuple(c for c in rows if c.steps)
    empty = tuple(c for c in rows if not c.steps)
    performed = sum(c.performed_steps for c in counted)
    planned = sum(c.planned_steps for c in counted)
    return Figure("behandlingsintegritet", performed, planned, counted, empty)
