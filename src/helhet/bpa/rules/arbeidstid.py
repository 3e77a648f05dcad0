"""Working-time rules for BPA shift plans and timesheets: arbeidsmiljøloven (aml.) kapittel 10.

Pure Python, no Django. :func:`check` takes shifts (one assistant, a start and an end each) and a
:class:`Limits` (every number as data, with named presets for the statute and for the agreements
that change it) and returns each :class:`Violation`, named in plain Norwegian with the paragraph
and the shift, as a ``"blokk"`` (the plan breaks a limit the law says «må ikke» / «skal») or an
``"advarsel"`` (lawful only on conditions the plan cannot show, e.g. overtime).

Sources (paraphrased in ``shared/facts/bpa_worktime_security.md`` part 1, sections 1.2-1.3; the
reference numbers [S..] are that sheet's):

- § 10-1: arbeidstid is the time the employee is at the employer's disposal [S16].
- § 10-4 første ledd: alminnelig arbeidstid at most 9 h in 24 h and 40 h in 7 days [S17, S18];
  andre ledd: passive time lets it grow by half the passive time, at most 2 h/24 h and 10 h/7 days,
  never above 48 h/7 days [S17, S19]; fjerde ledd: 38 h/7 days for round-the-clock turnus, work at
  least every third Sunday, and mainly night work [S17].
- § 10-5 første/andre/tredje ledd: averaging by written agreement (10 h/24 h, 48 h/7 days averaged
  over 8 weeks, never above 50 h in a single week, over at most 52 weeks), by agreement with the
  tillitsvalgte (12.5 h, 54 h) and with Arbeidstilsynet's consent (13 h, over at most 26 weeks)
  [S20].
- § 10-6: overtime only for a «særlig og tidsavgrenset behov» (første ledd); at most 10 h in 7 days,
  25 h in four consecutive weeks, 200 h in 52 weeks [S21, S22] (the ledd, fjerde, is from memory:
  UNCONFIRMED); total time (ordinary + overtime) at most 13 h in 24 h and 48 h in 7 days, the 48 h
  averageable over 8 weeks (åttende ledd, NHO [S22]; up to 16 h/24 h by tariff agreement, niende
  ledd).
- § 10-8 første ledd: at least 11 h continuous rest in 24 h, placed between two main work periods;
  andre ledd: 35 h continuous rest in 7 days; tredje ledd: tariff agreements may shorten them to
  8 h and 28 h with compensatory rest (Simployer [S21]); fjerde ledd: who worked a Sunday or a
  holiday shall have the next Sunday/holiday off; «ikke tillatt å arbeide to søn- eller
  helgedagsdøgn på rad», even for a short spell (compendia24 [S26]) [S24-S26].
- § 10-10: Sunday/holiday work is work from 18:00 the day before the Sunday/holiday until 22:00 the
  day before the next working day; from 15:00 on the eves of Christmas, Easter and Whitsun [S28].
- § 10-11 første ledd: night work is 21:00-06:00; sjette ledd: whoever regularly («jevnlig») works
  more than 3 h at night shall have an alminnelig arbeidstid of at most 8 h per 24 h on average
  over four weeks, *leaving the minimum weekly rest of § 10-8 andre ledd out of the average*;
  niende ledd: tariff parties may deviate with compensatory rest (arbeidsmiljoloven.com [S29]).
- Forskrift om arbeid i arbeidsgivers hjem og husholdning (2022) § 9 (9 h/40 h; averaging as
  § 10-5 første ledd) and § 14 (night 23:00-06:00, same 8 h rule, weekly rest of its § 13 left out)
  [S33, S34]. Its rest, overtime and total-time provisions were not retrieved: UNCONFIRMED, the
  preset uses the aml. numbers and says so in the paragraph text.
- Norwegian public holidays: the ``holidays`` package, country ``"NO"`` (helligdager and the
  høgtidsdager 1 and 17 May). That the 1 and 17 May count as «helgedag» for § 10-8 fjerde ledd
  follows lov om 1. og 17. mai (from memory: UNCONFIRMED).

Definitions (decided here where the sources are silent; the conventional choices of Norwegian rota
tools, and each documented so a tariff agreement or a lawyer can change it):

- **Time.** A shift's start and end may be aware (any zone) or naive; naive means Europe/Oslo wall
  clock (the product stores aware datetimes; the CSV reader passes naive ones). Durations are real
  elapsed time (a night shift over the October clock change lasts one hour longer). Calendar rules
  use Europe/Oslo local time: the day runs from midnight to midnight and the week from Monday 00:00
  to Monday 00:00 (§ 10-8: without another agreement the day boundary is midnight and the week
  boundary Sunday/Monday). A naive time that does not exist or exists twice at a clock change is
  read with ``fold=0`` (the first reading).
- **Work period.** Shifts of one assistant that overlap or touch (one ends when the next begins)
  form one work period («arbeidsperiode»). Hours are counted on the union: overlapping time counts
  once (and the overlap is a blokk of its own).
- **Hours of a day and of a week** (alminnelig arbeidstid, overtime, the 48 h averages): a work
  period belongs, whole, to the local calendar day it starts on, and so to that day's week. A
  continuous work period is one period even across midnight and must not be split to get round a
  limit (compendia24, «Arbeidsperioder som passerer døgnskillet»); which day it belongs to is
  judgement, and the start day is the payroll convention.
- **«I løpet av 24 timer»** for the total-time cap: any 24 h, i.e. a sliding window. Its maximum is
  always reached by a window that starts at a shift start, so windows are anchored there.
- **Overtime** in a week = the larger of (a) the sum over its days of the hours beyond the day's
  ordinary limit and (b) the week's hours beyond the week's ordinary limit. This is the usual
  «daily and weekly overtime, never counted twice» and equals daily overtime plus the weekly
  excess of the remaining hours.
- **Daily rest.** The 24 h from the start of each shift must hold at least 11 h of unbroken free
  time (the part of a rest that runs on beyond the 24 h does not count). The 24 h start where work
  starts, never in the middle of a rest: a window anchored anywhere would fail every lawful 12 h/12 h
  rota. This is the arithmetic behind the law's own numbers: 13 h total a day leaves 11 h rest, and
  the 16 h a tariff agreement may allow goes with rest shortened to 8 h (Simployer on § 10-6 niende
  ledd and § 10-8 tredje ledd [S21]). Split shifts (07-11 and 15-19) are lawful with a long enough
  night rest.
- **Weekly rest.** In each calendar week (Monday 00:00 to Monday 00:00) the longest unbroken free
  time inside the week must be at least 35 h. Time with no planned shift is free, also before the
  plan's first and after its last shift. ``weekly_rest_whole_day`` adds «always including a whole
  calendar day» (compendia24 [S26]; not in the statute text as remembered: off by default).
- **Sunday/holiday.** Each Sunday and public holiday is one «helgedagsdøgn»; it is worked when a
  shift overlaps its § 10-10 period: from 18:00 (15:00 on Christmas, Easter and Whitsun eve) the day
  before until 22:00 (until midnight when the next day is a Sunday/holiday too, whose døgn then
  starts at midnight). Working one and also the next one is an advarsel.
- **Night.** The night of date D is D 21:00 to D+1 06:00 (the preset's hours). A night is «over
  3 h» when more than 3 h of it is worked. The assistant works at night «jevnlig» in a four-week
  window when it has at least ``night_regular_per_week`` (1) such nights per week in it
  (interpretation: UNCONFIRMED). The average is the window's alminnelig arbeidstid (hours minus
  overtime) divided by the window's døgn less the minimum weekly rest, (weeks × 168 h − weeks ×
  35 h) / 24 h: the formula of § 10-11 sjette ledd.
- **Plan weeks and windows.** The plan's weeks run from the Monday of its first shift to the Sunday
  of its last, for all assistants. An averaging window (8 weeks for the 48 h, 4 for night work and
  overtime, 52 for overtime and the § 10-5 average) is every run of that many consecutive plan
  weeks. A plan shorter than the window is one window over its own weeks: averages then assume the
  plan repeats, sums are what the plan already holds (more weeks can only add).

Severity (see each rule): blokk where the law says the limit must not be passed and no agreement in
the chosen :class:`Limits` lifts it; advarsel where the plan may be lawful on conditions it cannot
show (overtime needs a «særlig og tidsavgrenset behov», § 10-6 første ledd; the Sunday rule may be
averaged by written agreement; night work may be deviated from by tariff agreement).
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays as holidays_lib

OSLO = ZoneInfo("Europe/Oslo")
HOUR = 3600.0
DAY = 24 * HOUR
WEEK = 7 * DAY
EPS = 1e-6  # seconds: limits are compared «more than», never on float noise

Severity = Literal["blokk", "advarsel"]
BLOKK: Severity = "blokk"
ADVARSEL: Severity = "advarsel"

WEEKDAYS = ("man.", "tir.", "ons.", "tor.", "fre.", "lør.", "søn.")


class InvalidShift(ValueError):
    """A shift that cannot be checked (no assistant, end not after start, bad passive hours).

    ``message`` is Norwegian, for people.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def to_epoch(moment: datetime) -> float:
    """Seconds since the epoch; a naive datetime is Europe/Oslo wall clock (``fold`` as given, 0 by default)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=OSLO)
    return moment.timestamp()


def local(epoch: float) -> datetime:
    """The Europe/Oslo wall clock at an instant."""
    return datetime.fromtimestamp(epoch, OSLO)


def local_midnight(day: date) -> float:
    return datetime.combine(day, time(0), tzinfo=OSLO).timestamp()


def at_local(day: date, clock: time) -> float:
    return datetime.combine(day, clock, tzinfo=OSLO).timestamp()


@dataclass(frozen=True)
class Shift:
    """One planned or worked shift.

    ``start`` and ``end``: aware datetimes, or naive ones read as Europe/Oslo wall clock.
    ``id``: the caller's name for the shift (a database key, «linje 4»); :func:`check` numbers
    shifts without one «#1», «#2», … in the order given. ``passive_hours``: the part of the shift
    that is passive work under aml. § 10-4 andre ledd (hvilende/passiv vakt), counted with the day
    and week the shift's work period belongs to; it still counts as working time for every limit,
    and only lets the ordinary limits (and so the overtime count) grow.
    """

    assistant: str
    start: datetime
    end: datetime
    id: str = ""
    passive_hours: float = 0.0

    def __post_init__(self) -> None:
        if not self.assistant.strip():
            raise InvalidShift("Vakten mangler assistent.")
        if to_epoch(self.end) <= to_epoch(self.start):
            raise InvalidShift(
                f"Vakten {fmt_moment(to_epoch(self.start))} slutter ikke etter at den begynner "
                f"({fmt_moment(to_epoch(self.end))})."
            )
        if not math.isfinite(self.passive_hours) or self.passive_hours < 0:
            raise InvalidShift("Passive timer kan ikke være negative.")
        if self.passive_hours * HOUR > self.duration_hours * HOUR + EPS:
            raise InvalidShift(
                f"Vakten {fmt_span(to_epoch(self.start), to_epoch(self.end))} har flere passive timer "
                f"({fmt_number(self.passive_hours)}) enn vakten er lang."
            )

    @property
    def duration_hours(self) -> float:
        return (to_epoch(self.end) - to_epoch(self.start)) / HOUR

    @property
    def label(self) -> str:
        """«fre. 6.3. 22:00–07:00»: the shift as people name it."""
        return fmt_span(to_epoch(self.start), to_epoch(self.end))


@dataclass(frozen=True)
class Limits:
    """Every number of the working-time rules, with the paragraph each comes from.

    Make a variant with :func:`dataclasses.replace` (a tariff agreement's 16 h total day, a
    shortened rest of 8 h/28 h under § 10-8 tredje ledd, another night period under § 10-11 første
    ledd). Hours are hours; ``None`` switches a limit off.
    """

    key: str
    title: str

    #: Alminnelig arbeidstid (§ 10-4 første/fjerde ledd, § 10-5). Hours beyond are overtime.
    ordinary_day: float = 9.0
    ordinary_week: float = 40.0
    #: Under § 10-5 the week's limit is an average over this many weeks …
    ordinary_week_average_weeks: int | None = None
    #: … and never more than this in a single week (blokk).
    ordinary_week_max: float | None = None
    #: § 10-5: the ordinary time must average this over the averaging period of at most N weeks.
    ordinary_average: float | None = None
    ordinary_average_weeks: int | None = None
    ordinary_paragraph: str = "aml. § 10-4 første ledd"

    #: § 10-4 andre ledd: passive time extends the ordinary limits by a share of it, capped.
    passive_share: float = 0.5
    passive_max_day: float = 2.0
    passive_max_week: float = 10.0
    passive_week_ceiling: float = 48.0

    #: § 10-6 åttende ledd: total time (ordinary + overtime).
    total_day: float = 13.0
    total_week: float = 48.0
    total_week_average_weeks: int = 8
    total_paragraph: str = "aml. § 10-6 åttende ledd"

    #: § 10-6 fjerde ledd (ledd UNCONFIRMED): overtime per 7 days, 4 weeks and 52 weeks.
    overtime_week: float = 10.0
    overtime_4_weeks: float = 25.0
    overtime_52_weeks: float = 200.0
    overtime_paragraph: str = "aml. § 10-6 fjerde ledd"

    #: § 10-8 første og andre ledd.
    daily_rest: float = 11.0
    daily_rest_paragraph: str = "aml. § 10-8 første ledd"
    weekly_rest: float = 35.0
    weekly_rest_whole_day: bool = False
    weekly_rest_paragraph: str = "aml. § 10-8 andre ledd"

    #: § 10-8 fjerde ledd with the period of § 10-10 første ledd.
    sunday_next_off: bool = True
    sunday_from: time = time(18)
    sunday_eve_from: time = time(15)
    sunday_until: time = time(22)
    sunday_paragraph: str = "aml. § 10-8 fjerde ledd"

    #: § 10-11 første og sjette ledd.
    night_start: time = time(21)
    night_end: time = time(6)
    night_min_hours: float = 3.0
    night_regular_per_week: float = 1.0
    night_average_day: float = 8.0
    night_average_weeks: int = 4
    night_paragraph: str = "aml. § 10-11 sjette ledd"

    overlap_paragraph: str = "aml. § 10-1 første ledd"

    notes: tuple[str, ...] = field(default=(), compare=False)


#: The statute's own limits (aml. §§ 10-4 første ledd, 10-6, 10-8, 10-11), no agreement.
LOV = Limits(key="lov", title="arbeidsmiljøloven kap. 10 (lovens hovedregler)")

#: § 10-5 første ledd: averaging by written agreement with the employee. 10 h/24 h; 48 h/7 days
#: averaged over 8 weeks, never above 50 h in a single week; the ordinary time averages 40 h/week
#: over the averaging period of at most 52 weeks [S20].
AVTALE_10_5_1 = dataclasses.replace(
    LOV,
    key="avtale-10-5-1",
    title="skriftlig avtale om gjennomsnittsberegning (aml. § 10-5 første ledd)",
    ordinary_day=10.0,
    ordinary_week=48.0,
    ordinary_week_average_weeks=8,
    ordinary_week_max=50.0,
    ordinary_average=40.0,
    ordinary_average_weeks=52,
    ordinary_paragraph="aml. § 10-5 første ledd",
)

#: § 10-5 andre ledd: agreement with the tillitsvalgte in a tariff-bound firm. 12.5 h/24 h; 48 h
#: averaged over 8 weeks, at most 54 h in a single week; over at most 52 weeks [S20]. «Special
#: weight» on health when a day passes 10 h is a judgement, not checked.
TARIFF_10_5_2 = dataclasses.replace(
    AVTALE_10_5_1,
    key="tariff-10-5-2",
    title="avtale med tillitsvalgte om gjennomsnittsberegning (aml. § 10-5 andre ledd)",
    ordinary_day=12.5,
    ordinary_week_max=54.0,
    ordinary_paragraph="aml. § 10-5 andre ledd",
)

#: § 10-5 tredje ledd: with Arbeidstilsynet's consent, over at most 26 weeks; 13 h/24 h and 48 h
#: averaged over 8 weeks [S20]. The fact sheet names no single-week maximum: none is set.
ARBEIDSTILSYNET_10_5_3 = dataclasses.replace(
    AVTALE_10_5_1,
    key="arbeidstilsynet-10-5-3",
    title="samtykke fra Arbeidstilsynet (aml. § 10-5 tredje ledd)",
    ordinary_day=13.0,
    ordinary_week_max=None,
    ordinary_average_weeks=26,
    ordinary_paragraph="aml. § 10-5 tredje ledd",
)

#: § 10-4 fjerde ledd: 38 h/7 days (9 h/24 h) for round-the-clock turnus, work on at least every
#: third Sunday, and mainly night work [S17]. The 36 h of femte ledd is a one-field change.
TURNUS_10_4_4 = dataclasses.replace(
    LOV,
    key="turnus-10-4-4",
    title="turnusarbeid (aml. § 10-4 fjerde ledd)",
    ordinary_week=38.0,
    ordinary_paragraph="aml. § 10-4 fjerde ledd",
)

_HJEM = "forskrift om arbeid i arbeidsgivers hjem"
_HJEM_UNCONFIRMED = "(ikke bekreftet for forskriften)"

#: The user as private employer, assistant working in the employer's home: forskrift om arbeid i
#: arbeidsgivers hjem og husholdning (in force 1 July 2022). § 9: 9 h/24 h and 40 h/week [S33];
#: § 14: night 23:00-06:00, the 8 h average over four weeks with the weekly rest of its § 13 left out
#: [S34]. UNCONFIRMED: its daily rest, weekly rest length, overtime, total time and Sunday rules
#: (the 2022 text was not retrieved; the repealed 2002 forskrift had 11 h and 48 h rest and an
#: «omsorgsvakt» that was not working time [S35]). The aml. numbers stand in, and the paragraph text
#: says they are not confirmed. The averaging of § 9 tredje ledd: replace with AVTALE_10_5_1's
#: ordinary fields.
PRIVAT_HJEM_2022 = dataclasses.replace(
    LOV,
    key="privat-hjem",
    title="arbeid i arbeidsgivers hjem og husholdning (forskrift 2022)",
    ordinary_paragraph=f"{_HJEM} § 9 andre ledd",
    total_paragraph=f"aml. § 10-6 åttende ledd {_HJEM_UNCONFIRMED}",
    overtime_paragraph=f"aml. § 10-6 fjerde ledd {_HJEM_UNCONFIRMED}",
    daily_rest_paragraph=f"aml. § 10-8 første ledd {_HJEM_UNCONFIRMED}",
    weekly_rest_paragraph=f"{_HJEM} § 13 (35 t {_HJEM_UNCONFIRMED})",
    sunday_paragraph=f"aml. § 10-8 fjerde ledd {_HJEM_UNCONFIRMED}",
    night_start=time(23),
    night_paragraph=f"{_HJEM} § 14 tredje ledd",
    notes=("Hvile, overtid, samlet arbeidstid og søndagsregelen er aml.-tall som ikke er bekreftet for forskriften.",),
)

PRESETS: dict[str, Limits] = {
    limits.key: limits
    for limits in (LOV, AVTALE_10_5_1, TARIFF_10_5_2, ARBEIDSTILSYNET_10_5_3, TURNUS_10_4_4, PRIVAT_HJEM_2022)
}


@dataclass(frozen=True)
class Violation:
    """One broken rule, for one assistant.

    ``rule``: a stable key (see :data:`RULES`); ``shifts``: the ids of the shifts concerned, in time
    order; ``message``: a Norwegian sentence naming the shift (or week) and the paragraph; ``where``:
    the shift or week alone, for a column in a list.
    """

    rule: str
    paragraph: str
    severity: Severity
    assistant: str
    shifts: tuple[str, ...]
    message: str
    where: str = ""


# --- formatting (Norwegian) ---------------------------------------------------------------------


def fmt_number(value: float) -> str:
    """12.5 → «12,5»; 48.0 → «48»; one decimal at most."""
    text = f"{value:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def fmt_hours(seconds: float) -> str:
    """A duration as people say it: «8 t», «7 t 45 min», «30 min»."""
    minutes = round(seconds / 60)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} t {rest} min"
    if rest:
        return f"{rest} min"
    return f"{hours} t"


def fmt_day(day: date) -> str:
    """«fre. 6.3.»"""
    return f"{WEEKDAYS[day.weekday()]} {day.day}.{day.month}."


def fmt_moment(epoch: float) -> str:
    """«fre. 6.3. 22:00»"""
    moment = local(epoch)
    return f"{fmt_day(moment.date())} {moment:%H:%M}"


def fmt_span(start: float, end: float) -> str:
    """«fre. 6.3. 22:00–07:00»; the end's date is written out when the shift lasts 24 h or more."""
    if end - start < DAY:
        return f"{fmt_moment(start)}–{local(end):%H:%M}"
    return f"{fmt_moment(start)}–{fmt_moment(end)}"


def fmt_week(monday: date) -> str:
    """«uke 10 (2.3.–8.3.2026)» (ISO week numbers, as in Norwegian calendars)."""
    sunday = monday + timedelta(days=6)
    return f"uke {monday.isocalendar()[1]} ({monday.day}.{monday.month}.–{sunday.day}.{sunday.month}.{sunday.year})"


def fmt_weeks(first: date, last: date) -> str:
    """One week, or «uke 10–17 (2.3.–26.4.2026)»."""
    if first == last:
        return fmt_week(first)
    sunday = last + timedelta(days=6)
    return (
        f"uke {first.isocalendar()[1]}–{last.isocalendar()[1]} "
        f"({first.day}.{first.month}.–{sunday.day}.{sunday.month}.{sunday.year})"
    )


# --- holidays -----------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def norwegian_holidays(year: int) -> dict[date, str]:
    """Public holidays in Norway (helligdager, 1 and 17 May), with their Norwegian names."""
    return dict(holidays_lib.country_holidays("NO", years=year, language="no").items())


@lru_cache(maxsize=32)
def long_eves(year: int) -> frozenset[date]:
    """Jul-, påske- og pinseaften: § 10-10 starts their Sunday/holiday period at 15:00."""
    named = holidays_lib.country_holidays("NO", years=year, language="no")
    eves = {date(year, 12, 24)}
    for name in ("Første påskedag", "Første pinsedag"):
        eves.update(day - timedelta(days=1) for day in named.get_named(name, lookup="exact"))
    return frozenset(eves)


# --- the per-assistant timeline -----------------------------------------------------------------


@dataclass(eq=False)
class _Shift:
    shift: Shift
    a: float  # start, epoch seconds
    b: float  # end
    passive: float  # seconds

    @property
    def id(self) -> str:
        return self.shift.id

    @property
    def label(self) -> str:
        return fmt_span(self.a, self.b)


@dataclass(eq=False)
class _Period:
    """Shifts that overlap or touch: one work period."""

    a: float
    b: float
    shifts: list[_Shift]

    @property
    def day(self) -> date:
        return local(self.a).date()

    @property
    def first(self) -> _Shift:
        return self.shifts[0]

    @property
    def last(self) -> _Shift:
        return max(self.shifts, key=lambda s: (s.b, s.a))

    @property
    def passive(self) -> float:
        return sum(s.passive for s in self.shifts)


@dataclass
class _Plan:
    limits: Limits
    mondays: list[date]  # the plan's weeks
    holiday_names: dict[date, str]

    def week_index(self, day: date) -> int:
        return (day - self.mondays[0]).days // 7

    def windows(self, size: int | None) -> list[tuple[int, int]]:
        """Index ranges [i, j) of ``size`` consecutive plan weeks (one window if the plan is shorter)."""
        n = len(self.mondays)
        if size is None or n <= size:
            return [(0, n)]
        return [(i, i + size) for i in range(n - size + 1)]

    def weeks_label(self, i: int, j: int) -> str:
        return fmt_weeks(self.mondays[i], self.mondays[j - 1])


class _Assistant:
    def __init__(self, name: str, shifts: Sequence[Shift], plan: _Plan) -> None:
        self.name = name
        self.plan = plan
        self.shifts = sorted(
            (_Shift(s, to_epoch(s.start), to_epoch(s.end), s.passive_hours * HOUR) for s in shifts),
            key=lambda s: (s.a, s.b, s.id),
        )
        periods: list[_Period] = []
        for s in self.shifts:
            if periods and s.a <= periods[-1].b:
                periods[-1].b = max(periods[-1].b, s.b)
                periods[-1].shifts.append(s)
            else:
                periods.append(_Period(s.a, s.b, [s]))
        self.periods = periods
        self._starts = [p.a for p in periods]
        self._ends = [p.b for p in periods]
        self._cum = [0.0]
        for p in periods:
            self._cum.append(self._cum[-1] + (p.b - p.a))

        n_weeks = len(plan.mondays)
        self.day_hours: dict[date, float] = defaultdict(float)  # seconds, by start day of the period
        self.day_passive: dict[date, float] = defaultdict(float)
        self.day_periods: dict[date, list[_Period]] = defaultdict(list)
        for p in periods:
            self.day_hours[p.day] += p.b - p.a
            self.day_passive[p.day] += p.passive
            self.day_periods[p.day].append(p)
        self.week_hours = [0.0] * n_weeks
        self.week_passive = [0.0] * n_weeks
        self.week_daily_overtime = [0.0] * n_weeks
        for day, seconds in self.day_hours.items():
            w = plan.week_index(day)
            self.week_hours[w] += seconds
            self.week_passive[w] += self.day_passive[day]
            self.week_daily_overtime[w] += max(0.0, seconds - self.ordinary_day_cap(day))
        self.week_overtime = [
            max(0.0, self.week_daily_overtime[w], self.week_hours[w] - self.ordinary_week_cap(w))
            for w in range(n_weeks)
        ]

    # hours ------------------------------------------------------------------------------------

    def worked(self, a: float, b: float) -> float:
        """Seconds of work (union of shifts) in [a, b)."""
        return self._cumulative(b) - self._cumulative(a)

    def _cumulative(self, t: float) -> float:
        i = bisect.bisect_right(self._starts, t) - 1
        if i < 0:
            return 0.0
        return self._cum[i] + min(t, self._ends[i]) - self._starts[i]

    def shifts_in(self, a: float, b: float) -> list[_Shift]:
        return [s for s in self.shifts if s.a < b and s.b > a]

    def ordinary_day_cap(self, day: date) -> float:
        """Seconds of alminnelig arbeidstid allowed on a day, with the § 10-4 andre ledd extension."""
        lim = self.plan.limits
        extension = min(lim.passive_share * self.day_passive.get(day, 0.0), lim.passive_max_day * HOUR)
        return lim.ordinary_day * HOUR + extension

    def ordinary_week_cap(self, w: int) -> float:
        """Seconds of alminnelig arbeidstid allowed in plan week ``w`` before hours count as overtime.

        Under an averaging agreement the single-week maximum (hours above it are overtime); without
        one, the week's limit plus the passive extension, never above the § 10-4 andre ledd ceiling.
        """
        lim = self.plan.limits
        if lim.ordinary_week_average_weeks is not None:
            return (lim.ordinary_week_max if lim.ordinary_week_max is not None else lim.ordinary_week) * HOUR
        extension = min(lim.passive_share * self.week_passive[w], lim.passive_max_week * HOUR)
        ceiling = max(lim.passive_week_ceiling, lim.ordinary_week) * HOUR
        return min(lim.ordinary_week * HOUR + extension, ceiling)

    def week_shifts(self, i: int, j: int) -> list[_Shift]:
        """The shifts of the work periods that belong to plan weeks [i, j)."""
        plan = self.plan
        return [s for p in self.periods if i <= plan.week_index(p.day) < j for s in p.shifts]

    def period_of(self, s: _Shift) -> int:
        return bisect.bisect_right(self._starts, s.a) - 1


# --- the rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    at: float  # for ordering
    violation: Violation


Rule = Callable[[_Assistant, Limits], list[_Found]]


def _violation(
    ctx: _Assistant,
    rule: str,
    paragraph: str,
    severity: Severity,
    shifts: Iterable[_Shift],
    message: str,
    *,
    at: float,
    where: str,
) -> _Found:
    ordered = sorted(set(shifts), key=lambda s: (s.a, s.b, s.id))
    return _Found(
        at,
        Violation(rule, paragraph, severity, ctx.name, tuple(s.id for s in ordered), message, where),
    )


def _names(shifts: Sequence[_Shift]) -> str:
    labels = [s.label for s in shifts]
    if len(labels) == 1:
        return f"Vakt {labels[0]}"
    return "Vaktene " + ", ".join(labels[:-1]) + " og " + labels[-1]


def overlapp(ctx: _Assistant, lim: Limits) -> list[_Found]:
    """Two shifts of one assistant at the same time (blokk).

    aml. § 10-1 første ledd: working time is the time at the employer's disposal; one person cannot
    be at disposal in two shifts at once. A plan error before it is a legal one.
    """
    found = []
    for i, x in enumerate(ctx.shifts):
        for y in ctx.shifts[i + 1 :]:
            if y.a >= x.b:
                break
            both = min(x.b, y.b) - y.a
            found.append(
                _violation(
                    ctx,
                    "overlapp",
                    lim.overlap_paragraph,
                    BLOKK,
                    (x, y),
                    f"Vakt {x.label} overlapper vakt {y.label} ({fmt_hours(both)} samtidig): én assistent kan "
                    f"ikke ha to vakter på en gang ({lim.overlap_paragraph}).",
                    at=x.a,
                    where=x.label,
                )
            )
    return found


def alminnelig_dogn(ctx: _Assistant, lim: Limits) -> list[_Found]:
    """More alminnelig arbeidstid on a day than the ordinary limit (advarsel: the excess is overtime).

    aml. § 10-4 første ledd (9 h), § 10-5 (10, 12.5, 13 h under an averaging agreement), extended by
    half the passive time up to 2 h (§ 10-4 andre ledd). Overtime is lawful only for a «særlig og
    tidsavgrenset behov» within the limits of § 10-6, which the overtime rules count. The day is the
    start day of each work period.
    """
    found = []
    for day in sorted(ctx.day_hours):
        hours, cap = ctx.day_hours[day], ctx.ordinary_day_cap(day)
        if hours > cap + EPS:
            shifts = [s for p in ctx.day_periods[day] for s in p.shifts]
            found.append(
                _violation(
                    ctx,
                    "alminnelig_dogn",
                    lim.ordinary_paragraph,
                    ADVARSEL,
                    shifts,
                    f"{_names(shifts)}: {fmt_hours(hours)} arbeid som begynner {fmt_day(day)}, men alminnelig "
                    f"arbeidstid er høyst {fmt_hours(cap)} per døgn ({lim.ordinary_paragraph}). "
                    f"{fmt_hours(hours - cap)} er overtid, som krever et særlig og tidsavgrenset behov "
                    "(aml. § 10-6 første ledd).",
                    at=shifts[0].a,
                    where=shifts[0].label if len(shifts) == 1 else fmt_day(day),
                )
            )
    return found


def alminnelig_uke(ctx: _Assistant, lim: Limits) -> list[_Found]:
    """More hours in a calendar week than the ordinary week (advarsel: the excess is overtime).

    aml. § 10-4 første ledd (40 h) or fjerde ledd (38 h), extended by half the passive time up to
    10 h and never above 48 h (andre ledd). Under an averaging agreement (§ 10-5) the week is checked
    by ``samlet_uke_snitt``, ``uke_maks`` and ``alminnelig_snitt`` instead.
    """
    if lim.ordinary_week_average_weeks is not None:
        return []
    found = []
    plan = ctx.plan
    for w, hours in enumerate(ctx.week_hours):
        cap = ctx.ordinary_week_cap(w)
        if hours > cap + EPS:
            week = fmt_week(plan.mondays[w])
            shifts = ctx.week_shifts(w, w + 1)
            found.append(
                _violation(
                    ctx,
                    "alminnelig_uke",
                    lim.ordinary_paragraph,
                    ADVARSEL,
                    shifts,
                    f"{week[0].upper()}{week[1:]}: {fmt_hours(hours)} arbeid, men alminnelig arbeidstid er høyst "
                    f"{fmt_hours(cap)} per uke ({lim.ordinary_paragraph}). {fmt_hours(hours - cap)} er overtid, "
                    "som krever et særlig og tidsavgrenset behov (aml. § 10-6 første ledd).",
                    at=local_midnight(plan.mondays[w]),
                    where=week,
                )
            )
    return found


def _window_runs(failing: list[tuple[int, int, float]]) -> list[list[tuple[int, int, float]]]:
    """Group failing windows (i, j, value) whose ranges overlap, so one stretch is one violation."""
    runs: list[list[tuple[int, int, float]]] = []
    for item in failing:
        if runs and item[0] < runs[-1][-1][1]:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _windowed(
    ctx: _Assistant,
    values: Sequence[float],
    size: int | None,
    limit: float,
    *,
    average: bool,
) -> list[tuple[int, int, float]]:
    """Windows of plan weeks where the sum (or the weekly average) of ``values`` passes ``limit``."""
    failing = []
    for i, j in ctx.plan.windows(size):
        total = sum(values[i:j])
        value = total / (j - i) if average else total
        if value > limit + EPS:
            failing.append((i, j, value))
    return failing


def _weeks_found(
    ctx: _Assistant,
    rule: str,
    paragraph: str,
    severity: Severity,
    failing: list[tuple[int, int, float]],
    sentence: Callable[[str, float, int], str],
) -> list[_Found]:
    plan = ctx.plan
    found = []
    for run in _window_runs(failing):
        i, j = run[0][0], run[-1][1]
        worst = max(run, key=lambda item: item[2])
        shifts = ctx.week_shifts(i, j)
        weeks = plan.weeks_label(i, j)
        found.append(
            _violation(
                ctx,
                rule,
                paragraph,
                severity,
                shifts,
                sentence(f"{weeks[0].upper()}{weeks[1:]}", worst[2], worst[1] - worst[0]),
                at=local_midnight(plan.mondays[i]),
                where=weeks,
            )
        )
    return found


def alminnelig_snitt(ctx: _Assistant, lim: Limits) -> list[_Found]:
    """The plan's weekly hours average more than the agreement's ordinary week (advarsel).

    aml. § 10-5: averaging lets single weeks run long, but over the averaging period (at most 52
    weeks; 26 with Arbeidstilsynet's consent) the alminnelig arbeidstid must average the ordinary
    week (40 h). A plan that already averages more can only be lawful if weeks outside it are
    shorter; otherwise the excess is overtime.
    """
    if lim.ordinary_average is None:
        return []
    average = lim.ordinary_average
    failing = _windowed(ctx, [h / HOUR for h in ctx.week_hours], lim.ordinary_average_weeks, average, average=True)
    return _weeks_found(
        ctx,
        "alminnelig_snitt",
        lim.ordinary_paragraph,
        ADVARSEL,
        failing,
        lambda weeks, value, n: (
            f"{weeks}: i snitt {fmt_number(value)} t per uke over {n} uker. Med gjennomsnittsberegning skal "
            f"alminnelig arbeidstid i snitt ikke overstige {fmt_number(average)} t per uke over "
            f"avtaleperioden (høyst {lim.ordinary_average_weeks} uker, {lim.ordinary_paragraph}); "
            "ellers er det overskytende overtid."
        ),
    )


def samlet_dogn(ctx: _Assistant, lim: Limits) -> list[_Found]:
    """More than the total-time cap in any 24 h (blokk).

    aml. § 10-6 åttende ledd: ordinary time and overtime together at most 13 h «i løpet av 24 timer»
    (16 h by tariff agreement with compensatory rest, niende ledd: set ``total_day``). Any 24 h:
    the window is anchored at each shift start, where the sliding maximum is always found.
    """
    found = []
    cap = lim.total_day * HOUR
    last_ids: tuple[str, ...] = ()
    for s in ctx.shifts:
        hours = ctx.worked(s.a, s.a + DAY)
        if hours > cap + EPS:
            shifts = ctx.shifts_in(s.a, s.a + DAY)
            ids = tuple(x.id for x in shifts)
            if ids == last_ids:
                continue
            last_ids = ids
            found.append(
                _violation(
                    ctx,
                    "samlet_dogn",
                    lim.total_paragraph,
                    BLOKK,
                    shifts,
                    f"{_names(shifts)}: {fmt_hours(hours)} arbeid i løpet av 24 t fra {fmt_moment(s.a)}; samlet "
                    f"arbeidstid er høyst {fmt_number(lim.total_day)} t i løpet av 24 t ({lim.total_paragraph}).",
                    at=s.a,
                    where=s.label,
                )
            )
    return found


def samlet_uke_snitt(ctx: _Assistant, lim: Limits) -> list[_Found]:
    """Total time per week averages more than 48 h over 8 weeks (blokk).

    aml. § 10-6 åttende ledd (and § 10-5 for the ordinary time under averaging): at most 48 h in
    7 days, averageable over 8 weeks. Rolling windows of 8 calendar weeks; a shorter plan is
    averaged over its own weeks.
    """
    limit = lim.total_week
    weeks = lim.total_week_average_weeks
    failing = _windowed(ctx, [h / HOUR for h in ctx.week_hours], weeks, limit, average=True)
    return _weeks_found(
        ctx,
        "samlet_uke_snitt",
        lim.total_paragraph,
        BLOKK,
        failing,
        lambda label, value, n: (
            f"{label}: i snitt {fmt_number(value)} t arbeid per uke over {n} uker; samlet arbeidstid er høyst "
            f"{fmt_number(limit)} t per uke i snitt over {weeks} uker ({lim.total_paragraph})."
        ),
    )


def uke_maks(ctx: _Assistant, lim: Limits) -> list[_Found]:
    """More than the single-week maximum of an averaging agreement (blokk).

    aml. § 10-5 første ledd (50 h) and andre ledd (54 h): with averaging the week may pass 48 h, but
    «ikke … i noen enkeltuke» above the maximum. Hours above it would be overtime, which needs a
    særlig og tidsavgrenset behov (§ 10-6 første ledd) and does not belong in a planned rota.
    """
    if lim.ordinary_week_max is None:
        return []
    limit = lim.ordinary_week_max
    failing = [(w, w + 1, h / HOUR) for w, h in enumerate(ctx.week_hours) if h > limit * HOUR + EPS]
    return _weeks_found(
        ctx,
        "uke_maks",
        lim.ordinary_paragraph,
        BLOKK,
        failing,
        lambda label, value, n: (
            f"{label}: {fmt_number(value)} t arbeid; med gjennomsnittsberegning er det høyst "
            f"{fmt_number(limit)} t i en enkelt uke ({lim.ordinary_paragraph})."
        ),
    )


def _overtime_rule(rule: str, size: int, limit_of: Callable[[Limits], float], span: str) -> Rule:
    def check_overtime(ctx: _Assistant, lim: Limits) -> list[_Found]:
        limit = limit_of(lim)
        values = [h / HOUR for h in ctx.week_overtime]
        if size == 1:
            failing = [(w, w + 1, v) for w, v in enumerate(values) if v > limit + EPS]
        else:
            failing = _windowed(ctx, values, size, limit, average=False)
        return _weeks_found(
            ctx,
            rule,
            lim.overtime_paragraph,
            BLOKK,
            failing,
            lambda label, value, n: (
                f"{label}: {fmt_number(value)} t overtid"
                + (f" over {n} uker" if size > 1 else "")
                + f"; overtid må ikke overstige {fmt_number(limit)} t {span} ({lim.overtime_paragraph})."
            ),
        )

    check_overtime.__name__ = rule
    check_overtime.__doc__ = (
        f"Overtime beyond the § 10-6 limit {span} (blokk).\n\n"
        "aml. § 10-6 fjerde ledd: overtid «må ikke overstige» 10 h in 7 days, 25 h in four consecutive\n"
        "weeks, 200 h in 52 weeks (20/50/300 by agreement with the tillitsvalgte and the employee's\n"
        "consent, 400 h/52 weeks with Arbeidstilsynet's: set the Limits). The law says «må ikke», so\n"
        "this is a blokk. Overtime per week: see the module docstring."
    )
    return check_overtime


overtid_uke = _overtime_rule("overtid_uke", 1, lambda lim: lim.overtime_week, "i løpet av sju dager")
overtid_4_uker = _overtime_rule(
    "overtid_4_uker", 4, lambda lim: lim.overtime_4_weeks, "i løpet av fire sammenhengende uker"
)
overtid_52_uker = _overtime_rule("overtid_52_uker", 52, lambda lim: lim.overtime_52_weeks, "i løpet av 52 uker")


def daglig_hvile(ctx: _Assistant, lim: Limits) -> list[_Found]:
    """Less than 11 h continuous rest in the 24 h from a shift's start (blokk).

    aml. § 10-8 første ledd: at least 11 h continuous rest «i løpet av 24 timer», between two main
    work periods. For each shift, the 24 h from its start must hold an unbroken free stretch of
    ``daily_rest`` h (free time after the window does not count). So a 13 h day leaves exactly 11 h,
    and the 16 h day a tariff agreement may allow (§ 10-6 niende ledd) needs the rest shortened to
    8 h by agreement (§ 10-8 tredje ledd: set ``daily_rest``). A split shift (07-11 and 15-19) is
    lawful when the night rest is long enough. One short rest is reported once.
    """
    need = lim.daily_rest * HOUR
    periods = ctx.periods
    rule = f"minst {fmt_number(lim.daily_rest)} t, {lim.daily_rest_paragraph}"
    found = []
    reported: set[tuple[float, float]] = set()
    for s in ctx.shifts:
        w1 = s.a + DAY
        own = ctx.period_of(s)
        # Free stretches inside [s.a, w1): between the periods from the anchor's own one on.
        best: tuple[float, float, int] | None = None  # (start, end, index of the period before it)
        k = own
        while k < len(periods) and periods[k].b < w1:
            a = periods[k].b
            b = min(periods[k + 1].a, w1) if k + 1 < len(periods) else w1
            if best is None or b - a > best[1] - best[0]:
                best = (a, b, k)
            k += 1
        if best is not None and best[1] - best[0] >= need - EPS:
            continue
        key = (best[0], best[1]) if best is not None else (s.a, s.a)
        if key in reported:
            continue
        reported.add(key)
        if best is None:
            shifts = periods[own].shifts
            message = (
                f"{_names(shifts)}: sammenhengende arbeid til {fmt_moment(periods[own].b)}, så det er ingen hvile i "
                f"de 24 timene fra vaktstart {fmt_moment(s.a)} ({rule})."
            )
        else:
            a, b, k = best
            before = periods[k].last
            after = periods[k + 1].first if k + 1 < len(periods) and periods[k + 1].a <= b else None
            shifts = [s, before] + ([after] if after else [])
            rest = fmt_hours(b - a)
            if k == own and after is not None:
                message = f"Vakt {before.label}: bare {rest} hvile før neste vakt {fmt_moment(after.a)} ({rule})."
            else:
                message = (
                    f"Vakt {s.label}: i de 24 timene fra vaktstart er lengste sammenhengende hvile bare {rest} "
                    f"({fmt_moment(a)}–{fmt_moment(b)}) ({rule})."
                )
        found.append(
            _violation(ctx, "daglig_hvile", lim.daily_rest_paragraph, BLOKK, shifts, message, at=s.a, where=s.label)
        )
    return found


def ukentlig_hvile(ctx: _Assistant, lim: Limits) -> list[_Found]:
    """Less than 35 h continuous rest inside a calendar week (blokk).

    aml. § 10-8 andre ledd: 35 h continuous rest in 7 days; the week runs Monday 00:00 to Monday
    00:00 (the statute's default boundary). The rest must lie inside the week. Optionally it must
    hold a whole calendar day (``weekly_rest_whole_day``). 28 h by tariff agreement with
    compensatory rest (tredje ledd): set ``weekly_rest``.
    """
    need = lim.weekly_rest * HOUR
    plan = ctx.plan
    found = []
    for monday in plan.mondays:
        ws, we = local_midnight(monday), local_midnight(monday + timedelta(days=7))
        busy = [(max(p.a, ws), min(p.b, we)) for p in ctx.periods if p.a < we and p.b > ws]
        if not busy:
            continue
        free: list[tuple[float, float]] = []
        cursor = ws
        for a, b in busy:
            if a > cursor:
                free.append((cursor, a))
            cursor = max(cursor, b)
        if cursor < we:
            free.append((cursor, we))
        qualifying = [(a, b) for a, b in free if b - a >= need - EPS]
        if lim.weekly_rest_whole_day:
            qualifying = [
                (a, b)
                for a, b in qualifying
                if any(
                    a <= local_midnight(monday + timedelta(days=d))
                    and local_midnight(monday + timedelta(days=d + 1)) <= b
                    for d in range(7)
                )
            ]
        if qualifying:
            continue
        longest = max(free, key=lambda ab: ab[1] - ab[0], default=None)
        week = fmt_week(monday)
        whole = " og omfatte et helt døgn" if lim.weekly_rest_whole_day else ""
        if longest is None:
            detail = "ingen fri i det hele tatt"
        else:
            detail = (
                f"lengste sammenhengende fri er {fmt_hours(longest[1] - longest[0])} "
                f"({fmt_moment(longest[0])}–{fmt_moment(longest[1])})"
            )
        shifts = ctx.shifts_in(ws, we)
        found.append(
            _violation(
                ctx,
                "ukentlig_hvile",
                lim.weekly_rest_paragraph,
                BLOKK,
                shifts,
                f"{week[0].upper()}{week[1:]}: {detail}; den ukentlige fritiden skal være minst "
                f"{fmt_number(lim.weekly_rest)} t sammenhengende{whole} ({lim.weekly_rest_paragraph}).",
                at=ws,
                where=week,
            )
        )
    return found


def _helgedag_windows(
    first: date, last: date, limits: Limits, names: dict[date, str]
) -> list[tuple[date, float, float]]:
    """Every Sunday/holiday from ``first`` to ``last`` with its § 10-10 period [start, end)."""

    def is_helgedag(day: date) -> bool:
        return day.weekday() == 6 or day in names

    out = []
    day = first
    while day <= last:
        if is_helgedag(day):
            before, after = day - timedelta(days=1), day + timedelta(days=1)
            if is_helgedag(before):
                start = local_midnight(day)
            else:
                start = at_local(
                    before, limits.sunday_eve_from if before in long_eves(before.year) else limits.sunday_from
                )
            end = local_midnight(after) if is_helgedag(after) else at_local(day, limits.sunday_until)
            out.append((day, start, end))
        day += timedelta(days=1)
    return out


def son_helgedag(ctx: _Assistant, lim: Limits) -> list[_Found]:
    """Work on two Sunday/holiday døgn in a row (advarsel).

    aml. § 10-8 fjerde ledd: who worked on a Sunday or holiday shall be off the next Sunday/holiday;
    this holds for planned work and overtime, and even for a short spell (compendia24 [S26]). The
    period is § 10-10's (18:00 the day before to 22:00). Advarsel: a written agreement may instead
    give every other Sunday/holiday off on average over 26 weeks, which a plan cannot show.
    """
    if not lim.sunday_next_off:
        return []
    names = ctx.plan.holiday_names

    def name(day: date) -> str:
        holiday = names.get(day)
        return f"{fmt_day(day)} ({holiday})" if holiday else fmt_day(day)

    first = local(ctx.shifts[0].a).date()
    last = local(max(s.b for s in ctx.shifts)).date() + timedelta(days=1)
    worked = [(day, ctx.shifts_in(a, b)) for day, a, b in _helgedag_windows(first, last, lim, names)]
    found = []
    for (d1, s1), (d2, s2) in itertools.pairwise(worked):
        if s1 and s2:
            found.append(
                _violation(
                    ctx,
                    "son_helgedag",
                    lim.sunday_paragraph,
                    ADVARSEL,
                    [*s1, *s2],
                    f"Arbeid både {name(d1)} (vakt {s1[0].label}) og neste søn-/helgedag {name(d2)} "
                    f"(vakt {s2[0].label}): den som har arbeidet på søn- eller helgedag, skal ha fri påfølgende "
                    "søn- og helgedag, om ikke annenhver er skriftlig avtalt i snitt "
                    f"({lim.sunday_paragraph}, jf. § 10-10).",
                    at=s2[0].a,
                    where=s2[0].label,
                )
            )
    return found


def natt(ctx: _Assistant, lim: Limits) -> list[_Found]:
    """Regular night work with an alminnelig arbeidstid above 8 h per 24 h on average (advarsel).

    aml. § 10-11 sjette ledd: whoever «jevnlig» works more than 3 h at night shall average at most
    8 h per 24 h over four weeks, leaving the minimum weekly rest out of the average. Advarsel: tariff
    parties may deviate with compensatory rest (niende ledd). Definitions: module docstring.
    """
    plan = ctx.plan
    first = local(ctx.shifts[0].a).date() - timedelta(days=1)
    last = local(max(s.b for s in ctx.shifts)).date()
    night_shifts: list[list[_Shift]] = [[] for _ in plan.mondays]
    nights = [0] * len(plan.mondays)
    day = first
    while day <= last:
        a = at_local(day, lim.night_start)
        end_day = day + timedelta(days=1) if lim.night_end <= lim.night_start else day
        b = at_local(end_day, lim.night_end)
        w = plan.week_index(day)
        if 0 <= w < len(plan.mondays) and ctx.worked(a, b) > lim.night_min_hours * HOUR + EPS:
            nights[w] += 1
            night_shifts[w].extend(ctx.shifts_in(a, b))
        day += timedelta(days=1)
    ordinary = [(h - o) / HOUR for h, o in zip(ctx.week_hours, ctx.week_overtime, strict=True)]
    failing = []
    for i, j in plan.windows(lim.night_average_weeks):
        n_weeks = j - i
        if sum(nights[i:j]) < lim.night_regular_per_week * n_weeks - EPS or not sum(nights[i:j]):
            continue
        days = (n_weeks * 168 - n_weeks * lim.weekly_rest) / 24
        average = sum(ordinary[i:j]) / days
        if average > lim.night_average_day + EPS:
            failing.append((i, j, average))
    found = []
    for run in _window_runs(failing):
        i, j = run[0][0], run[-1][1]
        worst = max(run, key=lambda item: item[2])
        shifts = [s for w in range(i, j) for s in night_shifts[w]]
        weeks = plan.weeks_label(i, j)
        n_nights = sum(nights[worst[0] : worst[1]])
        found.append(
            _violation(
                ctx,
                "natt",
                lim.night_paragraph,
                ADVARSEL,
                shifts,
                f"{weeks[0].upper()}{weeks[1:]}: {n_nights} netter med mer enn {fmt_number(lim.night_min_hours)} t "
                f"nattarbeid ({lim.night_start:%H:%M}–{lim.night_end:%H:%M}) på {worst[1] - worst[0]} uker, og "
                f"alminnelig arbeidstid i snitt {fmt_number(worst[2])} t per døgn (uten den ukentlige fritiden); "
                f"den som jevnlig arbeider om natten, skal i snitt ha høyst {fmt_number(lim.night_average_day)} t "
                f"over {lim.night_average_weeks} uker ({lim.night_paragraph}).",
                at=local_midnight(plan.mondays[i]),
                where=weeks,
            )
        )
    return found


#: Every rule, in the order violations are listed for one assistant at one time.
RULES: tuple[Rule, ...] = (
    overlapp,
    samlet_dogn,
    daglig_hvile,
    ukentlig_hvile,
    samlet_uke_snitt,
    uke_maks,
    overtid_uke,
    overtid_4_uker,
    overtid_52_uker,
    alminnelig_dogn,
    alminnelig_uke,
    alminnelig_snitt,
    son_helgedag,
    natt,
)
RULE_NAMES: tuple[str, ...] = tuple(rule.__name__ for rule in RULES)

#: Norwegian titles of the rules, for lists and help texts.
RULE_TITLES: dict[str, str] = {
    "overlapp": "overlappende vakter",
    "samlet_dogn": "samlet arbeidstid per 24 t",
    "daglig_hvile": "daglig arbeidsfri",
    "ukentlig_hvile": "ukentlig arbeidsfri",
    "samlet_uke_snitt": "samlet arbeidstid per uke i snitt",
    "uke_maks": "høyeste ukentlige arbeidstid",
    "overtid_uke": "overtid per uke",
    "overtid_4_uker": "overtid per fire uker",
    "overtid_52_uker": "overtid per 52 uker",
    "alminnelig_dogn": "alminnelig arbeidstid per døgn",
    "alminnelig_uke": "alminnelig arbeidstid per uke",
    "alminnelig_snitt": "gjennomsnittlig alminnelig arbeidstid",
    "son_helgedag": "søn- og helgedager på rad",
    "natt": "nattarbeid",
}


def check(
    shifts: Iterable[Shift],
    limits: Limits = LOV,
    *,
    holidays: Collection[date] | None = None,
) -> list[Violation]:
    """Check a shift plan or timesheet against the working-time rules; every violation found.

    ``holidays``: the public holidays (Sundays always count); ``None`` means Norway's, from the
    ``holidays`` package. Violations come per assistant (alphabetical), in time order, and at one
    time in the order of :data:`RULES`. Shifts without an ``id`` are named «#1», «#2», … in the
    order given.
    """
    numbered = [s if s.id else dataclasses.replace(s, id=f"#{n}") for n, s in enumerate(shifts, start=1)]
    if not numbered:
        return []
    first = min(local(to_epoch(s.start)).date() for s in numbered)
    last = max(local(to_epoch(s.end) - 1e-3).date() for s in numbered)
    first_monday = first - timedelta(days=first.weekday())
    mondays = [first_monday + timedelta(weeks=k) for k in range((last - first_monday).days // 7 + 1)]
    if holidays is None:
        names: dict[date, str] = {}
        for year in range(first.year - 1, last.year + 2):
            names.update(norwegian_holidays(year))
    else:
        names = {day: "helligdag" for day in holidays}
    plan = _Plan(limits, mondays, names)

    by_assistant: dict[str, list[Shift]] = defaultdict(list)
    for s in numbered:
        by_assistant[s.assistant].append(s)
    violations: list[Violation] = []
    for assistant in sorted(by_assistant):
        ctx = _Assistant(assistant, by_assistant[assistant], plan)
        found: list[tuple[float, int, Violation]] = []
        for order, rule in enumerate(RULES):
            found.extend((item.at, order, item.violation) for item in rule(ctx, limits))
        found.sort(key=lambda item: (item[0], item[1]))
        violations.extend(v for _, _, v in found)
    return violations


def blocks(violations: Iterable[Violation]) -> list[Violation]:
    """The violations that make the plan unlawful."""
    return [v for v in violations if v.severity == BLOKK]


def is_lawful(violations: Iterable[Violation]) -> bool:
    """No blokk: the plan keeps the limits the law sets (warnings may remain)."""
    return not blocks(violations)
