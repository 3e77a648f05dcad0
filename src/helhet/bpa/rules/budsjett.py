"""The BPA hours budget: granted hours per week → the year's and the month's budget, use and forecast.

Pure Python, no Django.

Sources (``shared/facts/bpa_worktime_security.md`` § 1.4):

- No statutory rule converts the weekly hours of a vedtak into a yearly budget, nor carries hours
  over; practice comes from municipal guidelines and provider contracts (UNCONFIRMED: rundskriv
  I-9/2015 is said to address «disponering av timer», its text was not retrieved [S48]).
- Providers: the vedtak's weekly hours are the average need spread over a year; the arbeidsleder
  may spread them and save up for busy periods, but the hours belong to the **calendar year** and
  unused hours do not carry over (Lifa [S49], Stendi [S50]); tools show hours used against granted
  hours per week and month, flag overuse, show the balance to year end and handle a mid-year start
  (Tamigo [S51]). Overuse is the arbeidsleder's responsibility (Bærum [S10]).
- The fact sheet's «derived budget formula (interpretation, UNCONFIRMED as a rule)»: the year's
  budget ≈ hours per week × 52, or × the weeks of the vedtak period; the month a pro-rata share; a
  vedtak starting mid-year pro-rated from its start date.

Decisions (interpretation, documented so a kommune's own rule can replace them):

- **Weeks are days / 7.** The year's budget is hours per week × (days of the vedtak period inside
  the calendar year) / 7: a whole year is 365/7 = 52.14 weeks (52.29 in a leap year). A kommune that
  counts «× 52» picks ``basis="52-uker"``: a whole year is then exactly 52 weeks and a part year
  gets 52 × its share of the year's days.
- **The month's share** is the same formula on the days of the month inside the vedtak period
  (``"52-uker"``: the year's budget × the month's share of the period's days in the year), so the
  twelve months always add up to the year.
- **Dates are inclusive**: a vedtak from 1 March to 31 December covers both days. An open vedtak
  (no end) runs to the end of every year asked about.
- **Hours used** are dated entries (a timesheet line: the day, the hours); entries outside the year
  are ignored. A shift over midnight belongs to the day it starts (as in the working-time rules).
- **Forecast** («i dette tempoet»): linear extrapolation of the hours used so far in the year over
  the elapsed days of the vedtak period: forecast = used ÷ elapsed days × the period's days in the
  year, as a share of the year's budget. Elapsed days run from the period's first day in the year
  up to and including ``today``. No forecast before the period starts (nothing to extrapolate), and
  the forecast ignores the plan for the rest of the year (seasons, holidays, saved-up hours): it
  says what happens if the pace so far continues, nothing more.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Basis = Literal["dager", "52-uker"]
EPS = 1e-9


class InvalidGrant(ValueError):
    """A grant that cannot give a budget. ``message`` is Norwegian, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Grant:
    """The hours a BPA vedtak grants: hours per week over a period (``end`` inclusive, or open)."""

    hours_per_week: float
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.hours_per_week < 0:
            raise InvalidGrant("Timer per uke kan ikke være negativt.")
        if self.end is not None and self.end < self.start:
            raise InvalidGrant(f"Vedtaket slutter ({fmt_date(self.end)}) før det begynner ({fmt_date(self.start)}).")

    def days_between(self, first: date, last: date) -> int:
        """Days of the vedtak period inside [first, last] (inclusive)."""
        lo = max(first, self.start)
        hi = last if self.end is None else min(last, self.end)
        return max(0, (hi - lo).days + 1)


def fmt_date(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def fmt_hours(hours: float) -> str:
    """1825.0 → «1 825 t»; 37.5 → «37,5 t» (one decimal at most, a space between thousands)."""
    text = f"{hours:,.1f}".replace(",", " ").replace(".", ",")
    if text.endswith(",0"):
        text = text[:-2]
    return f"{text} t"


def fmt_share(share: float) -> str:
    """0.874 → «87 %»."""
    return f"{round(share * 100)} %"


def _year_days(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def period_days(grant: Grant, year: int) -> int:
    """Days of the vedtak period inside the calendar year."""
    return grant.days_between(date(year, 1, 1), date(year, 12, 31))


def year_budget(grant: Grant, year: int, *, basis: Basis = "dager") -> float:
    """The year's budget in hours: hours per week × the period's weeks in the year (see module doc)."""
    days = period_days(grant, year)
    if basis == "52-uker":
        return grant.hours_per_week * 52 * days / _year_days(year)
    return grant.hours_per_week * days / 7


def month_budget(grant: Grant, year: int, month: int, *, basis: Basis = "dager") -> float:
    """The month's share of the year's budget (pro rata on the period's days in the month)."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    days = grant.days_between(first, last)
    if basis == "52-uker":
        in_year = period_days(grant, year)
        return year_budget(grant, year, basis=basis) * days / in_year if in_year else 0.0
    return grant.hours_per_week * days / 7


@dataclass(frozen=True)
class MonthStatus:
    month: int
    budget: float
    used: float

    @property
    def remaining(self) -> float:
        return self.budget - self.used

    @property
    def share(self) -> float | None:
        """Used as a share of the month's budget; ``None`` when the month has no budget."""
        return self.used / self.budget if self.budget > EPS else None

    @property
    def over(self) -> bool:
        return self.used > self.budget + EPS


@dataclass(frozen=True)
class YearStatus:
    grant: Grant
    year: int
    budget: float
    used: float
    months: tuple[MonthStatus, ...]
    period_days: int  # days of the vedtak period in the year
    elapsed_days: int  # of those, up to and including «today»
    forecast: float | None  # hours used by year end at the pace so far

    @property
    def remaining(self) -> float:
        return self.budget - self.used

    @property
    def share(self) -> float | None:
        return self.used / self.budget if self.budget > EPS else None

    @property
    def forecast_share(self) -> float | None:
        """The forecast as a share of the year's budget: «at this pace you use N % of the year»."""
        if self.forecast is None or self.budget <= EPS:
            return None
        return self.forecast / self.budget


def status(
    grant: Grant,
    year: int,
    used: Iterable[tuple[date, float]],
    *,
    today: date,
    basis: Basis = "dager",
) -> YearStatus:
    """Budget, hours used per month and for the year, and the forecast at ``today``."""
    per_month = [0.0] * 12
    for day, hours in used:
        if day.year == year:
            per_month[day.month - 1] += hours
    months = tuple(
        MonthStatus(month, month_budget(grant, year, month, basis=basis), per_month[month - 1])
        for month in range(1, 13)
    )
    days = period_days(grant, year)
    elapsed = grant.days_between(date(year, 1, 1), min(today, date(year, 12, 31)))
    total = sum(per_month)
    forecast = total / elapsed * days if elapsed else None
    return YearStatus(grant, year, year_budget(grant, year, basis=basis), total, months, days, elapsed, forecast)


def beyond_budget(grant: Grant, year: int, used_hours: float, *, basis: Basis = "dager") -> str | None:
    """The Norwegian message when the hours used (or planned) pass the year's budget, else ``None``."""
    budget = year_budget(grant, year, basis=basis)
    if used_hours <= budget + EPS:
        return None
    return (
        f"{fmt_hours(used_hours)} i {year} er {fmt_hours(used_hours - budget)} over årets budsjett på "
        f"{fmt_hours(budget)} ({fmt_hours(grant.hours_per_week)} per uke i vedtaket"
        + _period_note(grant, year)
        + "). Ubrukte og overbrukte timer følger kalenderåret; overforbruk må avklares med kommunen."
    )


def _period_note(grant: Grant, year: int) -> str:
    first = max(grant.start, date(year, 1, 1))
    last = date(year, 12, 31) if grant.end is None else min(grant.end, date(year, 12, 31))
    if first == date(year, 1, 1) and last == date(year, 12, 31):
        return ""
    return f", {fmt_date(first)}–{fmt_date(last)}"


@dataclass(frozen=True)
class BudgetWarning:
    kind: Literal["over_budsjett", "prognose"]
    message: str


def warnings(state: YearStatus) -> list[BudgetWarning]:
    """Norwegian warnings for the arbeidsleder: hours already beyond the year's budget, and a forecast
    beyond it. Months over their share are shown in the status, not warned about: saving up and
    spending in busy months is allowed within the year ([S49])."""
    out = []
    message = beyond_budget(state.grant, state.year, state.used)
    if message is not None:
        out.append(BudgetWarning("over_budsjett", message))
    elif state.forecast is not None and state.forecast > state.budget + EPS:
        share = state.forecast_share
        share_text = fmt_share(share) if share is not None else "mer enn hele"
        out.append(
            BudgetWarning(
                "prognose",
                f"I dette tempoet brukes {share_text} av årets timer: {fmt_hours(state.forecast)} av "
                f"{fmt_hours(state.budget)} innen {fmt_date(_last_day(state))} (brukt {fmt_hours(state.used)} "
                f"på {state.elapsed_days} av periodens {state.period_days} dager i {state.year}).",
            )
        )
    return out


def _last_day(state: YearStatus) -> date:
    end = date(state.year, 12, 31)
    return end if state.grant.end is None else min(end, state.grant.end)


def remaining_per_week(state: YearStatus, today: date) -> float | None:
    """Hours per week left for the rest of the period in the year after ``today`` (None when none is left)."""
    last = _last_day(state)
    days_left = state.grant.days_between(today + timedelta(days=1), last)
    if days_left <= 0:
        return None
    return state.remaining / days_left * 7
