"""Avvik figures: counts, share handled in time, days to closure, overdue measures, audit triggers.

Pure Python, no Django. The functions take plain rows (``AvvikRow``, ``MeasureRow``) and every
figure returns the ids of the rows behind it, so a dashboard number can always be opened to its
rows (ARCHITECTURE.md, principle 1).

Sources:

- ``seeds/000`` (the provider's annual report 2023): one avvik system for HMS, fag/kvalitet and
  legemiddelhåndtering; each avvik is handled by a meldingsansvarlig who decides measures and
  closes it; «the most important parameter» is the share of avvik closed and/or whose handling has
  started, with a score above 90 % (``TARGET_HANDLED_SHARE``); reasons for missing closure are a
  handler who has left, or long-running measures; and a routine for **internal audit and
  evaluation of own practice after repeated or serious avvik** (``AuditRule``).
- EQUASS Assurance 2018 (``seeds/001``), principle 10 «Kontinuerlig forbedring», criterion 48
  (indicator 73): a documented procedure for continuous improvement and learning.

Definitions (ours; the seed gives the 90 % line but no time limit and no denominator):

- **Period.** ``Period(start, end)``, both days inclusive.
- **Counts** (``count_by``) count the avvik *registered* in the period.
- **Handled in time** (``handled_share``): an avvik is handled in time when it was started or
  closed (whichever comes first) at most ``days`` days after registration. The denominator is the
  avvik whose **deadline** (registration + ``days``) falls inside the period, i.e. those registered
  from ``start - days`` to ``end - days``: all registered at least ``days`` days before the period
  end. Why: (1) every counted avvik has had its full ``days`` by the end of the period, so its
  outcome is known; an avvik registered yesterday would otherwise count as «not handled» (punishing
  recent reporting and making the figure drop at every period end) or as «handled» (flattering);
  (2) a period's figure is final: computing it again later gives the same answer; (3) consecutive
  periods split the avvik without gaps or overlap, so every avvik counts exactly once. The avvik
  registered in the last ``days`` days of the period are returned as ``too_recent_ids``; they count
  in the next period. ``DEFAULT_HANDLING_DAYS`` (14) is our choice, **UNCONFIRMED** as anyone's
  rule.
- **A start or close dated before the registration** counts as day 0 (handled at once).
- **Days to closure** (``closure_times``): for the avvik *closed* in the period, closed minus
  registered in calendar days; median and mean. Open avvik cannot enter a closure time, so the
  result also lists those still open at the period end (registered on or before it), which shows
  what the closure figures leave out.
- **Overdue measures** (``overdue_measures``) at a date: due before that date and not done by it
  (done on the due date or before the date is not overdue; due today is not yet overdue).
- **Audit trigger** (``suggest_audits``, rule as data in ``AuditRule``): at least ``min_repeats``
  avvik with the same category and unit registered in the ``window_days`` days up to and including
  the date (default 3 in 90 days), or any avvik in that window with a risk level in
  ``serious_levels`` (default høy and kritisk). The numbers are our proposal, **UNCONFIRMED**.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from helhet.quality.rules.risiko import NIVA_NAVN, Niva

RowId = int | str
Field = Literal["category", "unit"]

TARGET_HANDLED_SHARE = 0.90  # seeds/000: «over 90 % skår på andel lukkede/påstartet behandling»
DEFAULT_HANDLING_DAYS = 14  # UNCONFIRMED: our default for «within N days»


@dataclass(frozen=True)
class Period:
    """A period of whole days, ``start`` and ``end`` inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("Perioden slutter før den begynner.")

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class AvvikRow:
    """One avvik as the figures see it. ``level`` is its risk level, if assessed."""

    id: RowId
    category: str
    unit: str
    registered: date
    started: date | None = None
    closed: date | None = None
    level: Niva | None = None

    def first_action(self) -> date | None:
        """The first of started and closed (a closed avvik counts as started)."""
        dates = [d for d in (self.started, self.closed) if d is not None]
        return min(dates) if dates else None


@dataclass(frozen=True)
class MeasureRow:
    """A corrective measure on an avvik (not the care plan's ``Tiltak``)."""

    id: RowId
    avvik_id: RowId
    owner: str
    due: date
    done: date | None = None


def _ids(rows: Iterable[AvvikRow]) -> tuple[RowId, ...]:
    return tuple(row.id for row in rows)


# --- Counts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """How many avvik share a key (e.g. ``("Legemiddel", "Team A")``), and which."""

    key: tuple[str, ...]
    n: int
    ids: tuple[RowId, ...]


def count_by(
    rows: Iterable[AvvikRow], by: Sequence[Field] = ("category",), period: Period | None = None
) -> list[Count]:
    """Avvik registered in ``period`` (all when ``None``), counted by the given fields.

    Sorted by count (highest first), then by key.
    """
    if not by:
        raise ValueError("Oppgi minst ett felt å telle etter.")
    groups: dict[tuple[str, ...], list[RowId]] = defaultdict(list)
    for row in rows:
        if period is None or row.registered in period:
            groups[tuple(getattr(row, name) for name in by)].append(row.id)
    counts = [Count(key, len(ids), tuple(ids)) for key, ids in groups.items()]
    return sorted(counts, key=lambda c: (-c.n, c.key))


# --- Share handled within N days -----------------------------------------------------------------


@dataclass(frozen=True)
class HandledShare:
    """Share of avvik started or closed within ``days`` days of registration (see module doc)."""

    period: Period
    days: int
    target: float
    denominator_ids: tuple[RowId, ...]
    handled_ids: tuple[RowId, ...]
    late_ids: tuple[RowId, ...]  # in the denominator, not handled in time
    too_recent_ids: tuple[RowId, ...]  # registered in the period's last ``days`` days

    @property
    def ids(self) -> tuple[RowId, ...]:
        return self.denominator_ids

    @property
    def share(self) -> float | None:
        if not self.denominator_ids:
            return None
        return len(self.handled_ids) / len(self.denominator_ids)

    @property
    def meets_target(self) -> bool | None:
        share = self.share
        return None if share is None else share >= self.target

    @property
    def first_registered(self) -> date:
        """The first registration date in the denominator."""
        return self.period.start - timedelta(days=self.days)

    @property
    def last_registered(self) -> date:
        """The last registration date in the denominator (``days`` days before the period end)."""
        return self.period.end - timedelta(days=self.days)


def handled_share(
    rows: Iterable[AvvikRow],
    period: Period,
    days: int = DEFAULT_HANDLING_DAYS,
    target: float = TARGET_HANDLED_SHARE,
) -> HandledShare:
    """Share of the avvik with their deadline in ``period`` that were started or closed in time."""
    if days < 0:
        raise ValueError("Antall dager kan ikke være negativt.")
    window = timedelta(days=days)
    denominator: list[AvvikRow] = []
    handled: list[AvvikRow] = []
    late: list[AvvikRow] = []
    too_recent: list[AvvikRow] = []
    for row in rows:
        deadline = row.registered + window
        if deadline in period:
            denominator.append(row)
            first = row.first_action()
            if first is not None and first <= deadline:
                handled.append(row)
            else:
                late.append(row)
        elif row.registered in period:
            too_recent.append(row)
    return HandledShare(
        period=period,
        days=days,
        target=target,
        denominator_ids=_ids(denominator),
        handled_ids=_ids(handled),
        late_ids=_ids(late),
        too_recent_ids=_ids(too_recent),
    )


# --- Days to closure -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosureTimes:
    """Days from registration to closure for the avvik closed in the period."""

    period: Period
    ids: tuple[RowId, ...]
    days: tuple[int, ...]  # one per id, same order
    still_open_ids: tuple[RowId, ...]  # registered by the period end, not closed by it

    @property
    def median_days(self) -> float | None:
        return float(statistics.median(self.days)) if self.days else None

    @property
    def mean_days(self) -> float | None:
        return statistics.fmean(self.days) if self.days else None


def closure_times(rows: Iterable[AvvikRow], period: Period) -> ClosureTimes:
    closed: list[tuple[RowId, int]] = []
    still_open: list[RowId] = []
    for row in rows:
        if row.closed is not None and row.closed in period:
            closed.append((row.id, max(0, (row.closed - row.registered).days)))
        elif row.registered <= period.end and (row.closed is None or row.closed > period.end):
            still_open.append(row.id)
    return ClosureTimes(
        period=period,
        ids=tuple(i for i, _ in closed),
        days=tuple(d for _, d in closed),
        still_open_ids=tuple(still_open),
    )


# --- Overdue measures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    """Measures overdue at ``at``: ids (most overdue first), days overdue and the ids per owner."""

    at: date
    ids: tuple[RowId, ...]
    days_overdue: dict[RowId, int] = field(hash=False)
    by_owner: dict[str, tuple[RowId, ...]] = field(hash=False)


def is_overdue(measure: MeasureRow, at: date) -> bool:
    return measure.due < at and (measure.done is None or measure.done > at)


def overdue_measures(measures: Iterable[MeasureRow], at: date) -> Overdue:
    late = sorted((m for m in measures if is_overdue(m, at)), key=lambda m: (m.due, str(m.id)))
    by_owner: dict[str, list[RowId]] = defaultdict(list)
    for measure in late:
        by_owner[measure.owner].append(measure.id)
    return Overdue(
        at=at,
        ids=tuple(m.id for m in late),
        days_overdue={m.id: (at - m.due).days for m in late},
        by_owner={owner: tuple(ids) for owner, ids in sorted(by_owner.items())},
    )


# --- Repeated or serious events → internal audit -------------------------------------------------


@dataclass(frozen=True)
class AuditRule:
    """When repeated or serious avvik suggest an internal audit (seeds/000; numbers UNCONFIRMED)."""

    min_repeats: int = 3
    window_days: int = 90
    serious_levels: frozenset[Niva] = frozenset({Niva.HOY, Niva.KRITISK})

    def __post_init__(self) -> None:
        if self.min_repeats < 1 or self.window_days < 1:
            raise ValueError("Terskel og vindu må være minst 1.")


AUDIT_RULE = AuditRule()


@dataclass(frozen=True)
class AuditSuggestion:
    """A suggested internal audit: why (Norwegian), and the avvik behind it."""

    kind: Literal["gjentatt", "alvorlig"]
    category: str
    unit: str
    ids: tuple[RowId, ...]
    reason: str


def suggest_audits(rows: Iterable[AvvikRow], at: date, rule: AuditRule = AUDIT_RULE) -> list[AuditSuggestion]:
    """Suggestions for the window of ``rule.window_days`` days ending on ``at`` (inclusive).

    Repeated ones first (most avvik first), then serious ones (kritisk before høy), each by
    registration date. Avvik registered after ``at`` are ignored.
    """
    first_day = at - timedelta(days=rule.window_days - 1)
    recent = sorted(
        (row for row in rows if first_day <= row.registered <= at),
        key=lambda r: (r.registered, str(r.id)),
    )
    suggestions: list[AuditSuggestion] = []

    groups: dict[tuple[str, str], list[AvvikRow]] = defaultdict(list)
    for row in recent:
        groups[(row.category, row.unit)].append(row)
    repeated = [(key, group) for key, group in groups.items() if len(group) >= rule.min_repeats]
    for (category, unit), group in sorted(repeated, key=lambda item: (-len(item[1]), item[0])):
        suggestions.append(
            AuditSuggestion(
                kind="gjentatt",
                category=category,
                unit=unit,
                ids=_ids(group),
                reason=(
                    f"Gjentatte avvik: {len(group)} avvik i kategorien «{category}» ved {unit} "
                    f"de siste {rule.window_days} dagene (terskel: {rule.min_repeats}). "
                    "Vurder internrevisjon og evaluering av egen praksis."
                ),
            )
        )

    order = {Niva.KRITISK: 0, Niva.HOY: 1, Niva.MIDDELS: 2, Niva.LAV: 3}
    serious = [(row, row.level) for row in recent if row.level is not None and row.level in rule.serious_levels]
    for row, level in sorted(serious, key=lambda item: (order[item[1]], item[0].registered, str(item[0].id))):
        day = row.registered
        suggestions.append(
            AuditSuggestion(
                kind="alvorlig",
                category=row.category,
                unit=row.unit,
                ids=(row.id,),
                reason=(
                    f"Alvorlig avvik: risikonivå {NIVA_NAVN[level].lower()} i kategorien «{row.category}» "
                    f"ved {row.unit}, registrert {day.day}.{day.month}.{day.year}. "
                    "Vurder internrevisjon og evaluering av egen praksis."
                ),
            )
        )
    return suggestions


# --- Key figures as lines («name: value unit») ---------------------------------------------------

#: A figure line: (name, value, unit). The value is text so «no data» can be said (``NO_DATA``).
Line = tuple[str, str, str]
NO_DATA = "-"


def line_name(text: str) -> str:
    """A stable ASCII name for a line: «Legemiddelhåndtering» → ``legemiddelhandtering``."""
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e"})
    out = []
    for ch in text.lower().translate(table):
        out.append(ch if ch.isascii() and ch.isalnum() else "_")
    return "_".join(part for part in "".join(out).split("_") if part)


def _number(value: float | None, decimals: int = 1) -> str:
    return NO_DATA if value is None else f"{value:.{decimals}f}"


def key_figures(
    rows: Iterable[AvvikRow],
    measures: Iterable[MeasureRow],
    period: Period,
    days: int = DEFAULT_HANDLING_DAYS,
    categories: Sequence[str] = (),
) -> list[Line]:
    """The avvik lines of ``helhet kvalitet nokkeltall`` for ``period``, overdue measures at its end.

    Every category in ``categories`` gets a line (0 when none were registered), so the output has the
    same lines from period to period; categories with avvik but not listed are added after them. Shares
    are in per cent with one decimal; ``NO_DATA`` when the denominator is empty.
    """
    rows = list(rows)
    counts = {c.key[0]: c.n for c in count_by(rows, ("category",), period)}
    lines: list[Line] = [("avvik_registrert", str(sum(counts.values())), "stk")]
    for name in [*categories, *sorted(set(counts) - set(categories))]:
        lines.append((f"avvik_kategori_{line_name(name)}", str(counts.get(name, 0)), "stk"))
    share = handled_share(rows, period, days)
    lines.append(
        (
            f"avvik_pabegynt_eller_lukket_innen_{days}_dager_andel",
            _number(share.share * 100 if share.share is not None else None),
            "%",
        )
    )
    lines.append((f"avvik_pabegynt_eller_lukket_innen_{days}_dager_grunnlag", str(len(share.denominator_ids)), "stk"))
    lines.append(("avvik_mal_andel", _number(share.target * 100), "%"))
    closure = closure_times(rows, period)
    lines.append(("avvik_lukket", str(len(closure.ids)), "stk"))
    lines.append(("avvik_dager_til_lukking_median", _number(closure.median_days), "dager"))
    lines.append(("avvik_apne_ved_periodeslutt", str(len(closure.still_open_ids)), "stk"))
    lines.append(("avvik_tiltak_over_frist", str(len(overdue_measures(measures, period.end).ids)), "stk"))
    return lines
