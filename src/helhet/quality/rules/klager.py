"""Figures for complaints on the service (``Tjenesteklage``): answer deadline, received, answered, late.

Pure Python, no Django. Every figure returns the ids of the rows behind it, so «all complaints
answered» is computed from the rows and can be opened to them (ARCHITECTURE.md, principle 1).

Sources:

- EQUASS Assurance 2018 (``seeds/001``), principle «Rettigheter», criterion 17: the organisation
  has a complaints procedure; complaints are registered, handled and answered, and the complainant
  is told the outcome. The criterion gives no deadline.
- Forvaltningsloven § 11 a (saksbehandlingstid, foreløpig svar): a case is to be decided «uten
  ugrunnet opphold»; in cases about an enkeltvedtak a preliminary answer is due when a henvendelse
  cannot be answered within **one month** of receipt. A complaint on the *service* is not a
  complaint on a vedtak (those live in ``helhet.cases``), and a private provider is not a
  forvaltningsorgan, so § 11 a does not bind the answer directly. We borrow its one month as the
  answer deadline: ``answer_deadline`` = received + one calendar month (the same day number in the
  next month, or that month's last day when it is shorter). **UNCONFIRMED**: the provider's own
  complaints procedure or the purchaser's contract may set a shorter deadline; change
  ``SVARFRIST_MANEDER`` then.
- Pasient- og brukerrettighetsloven § 7-2 (a request to the service is to be answered, and may then
  be brought to Statsforvalteren) — the reason a service complaint must get a written answer.

Definitions (ours):

- **Period.** :class:`helhet.quality.rules.avvik_tall.Period`, both days inclusive.
- **Received** (``received``): complaints received in the period.
- **Answered share** (``answered_share``): of the complaints received in the period, the share
  answered on or before the period end. This is the figure «all complaints answered» (100 % when
  every complaint received in the period has an answer). A complaint received on the last day and
  not yet answered counts as not answered: the figure says what is true at the period end.
- **Answered in time** (``answered_in_time_share``): of the complaints whose **deadline falls in
  the period**, the share answered on or before their deadline. As for avvik (``handled_share``):
  every counted complaint has had its whole deadline by the period end, so a complaint received
  yesterday neither flatters nor punishes the figure, a period's figure is final, and consecutive
  periods count each complaint once. Complaints answered in time whose deadline is after the period
  end count in the period that holds their deadline.
- **Open past deadline** (``open_past_deadline``): at a date, complaints received on or before it,
  not answered by it, whose deadline is before it (due today is not yet late).
- An answer dated before receipt (a data error) counts as answered on the day received.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from helhet.quality.rules.avvik_tall import Period

RowId = int | str

#: The answer deadline in calendar months after receipt (fvl. § 11 a third ledd, borrowed). UNCONFIRMED.
SVARFRIST_MANEDER = 1


def add_months(day: date, months: int) -> date:
    """The same day number ``months`` later, clamped to the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def answer_deadline(received: date, months: int = SVARFRIST_MANEDER) -> date:
    """The day by which a complaint received on ``received`` should be answered."""
    return add_months(received, months)


@dataclass(frozen=True)
class KlageRow:
    """One complaint as the figures see it (no content, no person)."""

    id: RowId
    unit: str
    received: date
    deadline: date
    answered: date | None = None

    def answered_on(self) -> date | None:
        if self.answered is None:
            return None
        return max(self.answered, self.received)

    def answered_by(self, day: date) -> bool:
        on = self.answered_on()
        return on is not None and on <= day


@dataclass(frozen=True)
class Share:
    """``numerator`` of ``denominator`` rows; ``share`` is ``None`` when there is nothing to count."""

    ids: tuple[RowId, ...]  # the denominator's rows
    yes_ids: tuple[RowId, ...]
    no_ids: tuple[RowId, ...]

    @property
    def denominator(self) -> int:
        return len(self.ids)

    @property
    def numerator(self) -> int:
        return len(self.yes_ids)

    @property
    def share(self) -> float | None:
        return self.numerator / self.denominator if self.ids else None


def _share(rows: Sequence[KlageRow], yes: Iterable[bool]) -> Share:
    flags = list(yes)
    return Share(
        ids=tuple(r.id for r in rows),
        yes_ids=tuple(r.id for r, f in zip(rows, flags, strict=True) if f),
        no_ids=tuple(r.id for r, f in zip(rows, flags, strict=True) if not f),
    )


def received(rows: Iterable[KlageRow], period: Period) -> tuple[RowId, ...]:
    """The complaints received in the period."""
    return tuple(r.id for r in rows if r.received in period)


def answered_share(rows: Iterable[KlageRow], period: Period) -> Share:
    """Of the complaints received in the period, those answered by its end («all complaints answered»)."""
    counted = [r for r in rows if r.received in period]
    return _share(counted, (r.answered_by(period.end) for r in counted))


def answered_in_time_share(rows: Iterable[KlageRow], period: Period) -> Share:
    """Of the complaints whose deadline falls in the period, those answered on or before the deadline."""
    counted = [r for r in rows if r.deadline in period]
    return _share(counted, (r.answered_by(r.deadline) for r in counted))


def open_past_deadline(rows: Iterable[KlageRow], at: date) -> tuple[RowId, ...]:
    """Complaints received by ``at``, unanswered at ``at``, whose deadline is before ``at``."""
    return tuple(r.id for r in rows if r.received <= at and not r.answered_by(at) and r.deadline < at)


def is_late(row: KlageRow, at: date) -> bool:
    """Open past its deadline at ``at``, or answered after its deadline."""
    on = row.answered_on()
    if on is not None and on <= at:
        return on > row.deadline
    return row.deadline < at


def percent(share: float | None) -> str:
    """``"87.5 %"``-style text for nokkeltall lines; ``"–"`` when there is nothing to count."""
    return "–" if share is None else f"{share * 100:.1f}"
