"""Planned visits from a tiltak's recurrence: RRULE dates, an agreed local time window, Europe/Oslo.

A tiltak says how often (issue 4, point 2: «Recurring patterns (RRULE) from the tiltak generate
planned visits»): «besøk hver morgen og kveld» (seed 004 line 1390) is two daily patterns, «inntil
1 time hver andre uke» (seed 004 line 1502) is ``FREQ=WEEKLY;INTERVAL=2``. The time is agreed with
the person (seed 004 lines 1391-1392, 1503) and kept as a local time window; the tiltak's validity
period (inside its vedtak's f.o.m.–t.o.m., seed 004 line 1397) bounds every occurrence.

Sources and choices:

- The pattern is an RRULE in the syntax of RFC 5545 § 3.3.10 («Recurrence Rule»), so patterns
  stay portable (iCalendar, calendar clients, ``python-dateutil``). Helhet reads the subset a
  visit plan needs, parsed here without a dependency:
  ``FREQ`` = DAILY | WEEKLY | MONTHLY; ``INTERVAL``; ``COUNT`` or ``UNTIL`` (not both);
  ``BYDAY`` (MO…SU; with MONTHLY also numbered, «1MO» first Monday, «-1FR» last Friday);
  ``BYMONTHDAY`` (DAILY, MONTHLY; negative counts from the month's end); ``BYMONTH``; ``WKST``.
  The clock time lives in the window, not in the rule, so BYHOUR, BYMINUTE and BYSECOND are
  refused, as are YEARLY and finer frequencies, BYSETPOS, BYWEEKNO and BYYEARDAY.
- Expansion follows RFC 5545 § 3.3.10: BYMONTH limits; BYMONTHDAY limits DAILY and expands
  MONTHLY; BYDAY limits DAILY, expands WEEKLY and MONTHLY (and limits MONTHLY when BYMONTHDAY is
  given); without BY-parts WEEKLY repeats DTSTART's weekday and MONTHLY DTSTART's day of the month
  (months without that day are skipped, e.g. the 31st); INTERVAL counts periods from the one
  holding DTSTART, weeks starting on WKST (default Monday); UNTIL is inclusive.
- DTSTART (the anchor for INTERVAL and COUNT) is the pattern's ``dtstart``, by default the first
  day of validity. Like ``python-dateutil`` (and unlike the letter of RFC 5545, which always
  counts DTSTART), DTSTART is an occurrence only if it matches the rule: a Monday/Thursday rule
  starting on a Wednesday starts on the Thursday.
- Local times are Europe/Oslo. A local time that does not exist (the spring change: 02:00–03:00 on
  the last Sunday of March) is read with the UTC offset before the gap, so 02:30 becomes 03:30
  summer time; one that occurs twice (the autumn change) is its first occurrence, in summer time.
  That is RFC 5545 § 3.3.5 and ``zoneinfo``'s ``fold=0``. The duration is elapsed time.
- An occurrence belongs to the date its window starts. A window whose end clock time is before its
  start ends the next day (a night visit 23:00–01:00); equal clock times mean an exact time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from helhet.care.rules import OSLO, InvalidInput

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: The longest range one call generates (ten years): a guard against a mistyped year.
MAX_RANGE_DAYS = 3_653
MAX_DURATION = dt.timedelta(hours=24)

MSG_EMPTY = "Oppgi en gjentakelsesregel, for eksempel «FREQ=WEEKLY;BYDAY=MO,TH» (mandag og torsdag hver uke)."
MSG_NO_FREQ = "Gjentakelsesregelen mangler FREQ (hvor ofte): DAILY, WEEKLY eller MONTHLY."
MSG_FREQ = "FREQ må være DAILY (hver dag), WEEKLY (hver uke) eller MONTHLY (hver måned)."
MSG_PART = "«{part}» er ikke en gyldig del av en gjentakelsesregel. Skriv NAVN=VERDI, skilt med semikolon."
MSG_UNKNOWN = "«{name}» er ikke en kjent del av en gjentakelsesregel."
MSG_CLOCK_IN_RULE = "Helhet bruker ikke «{name}» i gjentakelsesregelen. Klokkeslettet settes i tidsvinduet."
MSG_UNSUPPORTED = "Helhet støtter ikke «{name}» i gjentakelsesregler. Bruk BYDAY, BYMONTHDAY eller BYMONTH."
MSG_DUPLICATE = "«{name}» står mer enn én gang i gjentakelsesregelen."
MSG_INTERVAL = "INTERVAL må være et helt tall større enn null (2 betyr annenhver)."
MSG_COUNT = "COUNT må være et helt tall større enn null."
MSG_COUNT_AND_UNTIL = "COUNT og UNTIL kan ikke brukes sammen."
MSG_UNTIL = "UNTIL må være en dato (ÅÅÅÅMMDD) eller et UTC-tidspunkt (ÅÅÅÅMMDDTttmmssZ)."
MSG_WEEKDAY = "«{value}» er ikke en ukedag. Bruk MO, TU, WE, TH, FR, SA eller SU."
MSG_ORDINAL_FREQ = "Nummererte ukedager (som 1MO eller -1FR) kan bare brukes med FREQ=MONTHLY."
MSG_ORDINAL = "Nummeret foran ukedagen må være fra 1 til 5 eller fra -5 til -1."
MSG_MONTHDAY = "BYMONTHDAY må være et tall fra 1 til 31 eller fra -31 til -1."
MSG_MONTHDAY_WEEKLY = "BYMONTHDAY kan ikke brukes med FREQ=WEEKLY."
MSG_MONTH = "BYMONTH må være et tall fra 1 til 12."
MSG_DURATION = "Forventet varighet må være mer enn null og høyst 24 timer."
MSG_VALID_TO_BEFORE_FROM = "Til-dato kan ikke være før fra-dato."
MSG_RANGE_END_BEFORE_START = "Sluttdatoen kan ikke være før startdatoen."
MSG_RANGE_TOO_LONG = "Velg en periode på høyst ti år."

_CLOCK_PARTS = frozenset({"BYHOUR", "BYMINUTE", "BYSECOND"})
_UNSUPPORTED_PARTS = frozenset({"BYSETPOS", "BYWEEKNO", "BYYEARDAY", "RSCALE", "SKIP"})
_KNOWN_PARTS = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST"})
_UNSUPPORTED_FREQ = frozenset({"YEARLY", "HOURLY", "MINUTELY", "SECONDLY"})
_POSITIVE = re.compile(r"\+?[0-9]{1,9}")
_SIGNED_SMALL = re.compile(r"[+-]?[0-9]{1,2}")
_BYDAY = re.compile(r"([+-]?[0-9]{1,2})?([A-Z]{2})")
_UNTIL_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_UNTIL_UTC = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z")


class Freq(StrEnum):
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"


@dataclass(frozen=True)
class RecurrenceRule:
    """A parsed RRULE (the subset in the module docstring). Weekdays are 0 = Monday … 6 = Sunday.

    ``by_day`` holds (ordinal, weekday) pairs; ordinal 0 means every such weekday.
    ``until`` is a date (inclusive) or an aware UTC datetime.
    """

    freq: Freq
    interval: int = 1
    count: int | None = None
    until: dt.date | dt.datetime | None = None
    by_day: tuple[tuple[int, int], ...] = ()
    by_month_day: tuple[int, ...] = ()
    by_month: tuple[int, ...] = ()
    week_start: int = 0


def _positive(value: str, message: str) -> int:
    if not _POSITIVE.fullmatch(value) or int(value) < 1:
        raise InvalidInput(message)
    return int(value)


def _weekday(code: str) -> int:
    if code not in WEEKDAYS:
        raise InvalidInput(MSG_WEEKDAY.format(value=code))
    return WEEKDAYS.index(code)


def _until(value: str) -> dt.date | dt.datetime:
    try:
        if match := _UNTIL_DATE.fullmatch(value):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := _UNTIL_UTC.fullmatch(value):
            year, month, day, hour, minute, second = (int(g) for g in match.groups())
            return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    except ValueError:
        raise InvalidInput(MSG_UNTIL) from None
    raise InvalidInput(MSG_UNTIL)


def _by_day(value: str, freq: Freq) -> tuple[tuple[int, int], ...]:
    result: list[tuple[int, int]] = []
    for item in value.split(","):
        match = _BYDAY.fullmatch(item)
        if match is None:
            raise InvalidInput(MSG_WEEKDAY.format(value=item))
        number, code = match.groups()
        weekday = _weekday(code)
        ordinal = 0
        if number is not None:
            if freq is not Freq.MONTHLY:
                raise InvalidInput(MSG_ORDINAL_FREQ)
            ordinal = int(number)
            if not 1 <= abs(ordinal) <= 5:
                raise InvalidInput(MSG_ORDINAL)
        result.append((ordinal, weekday))
    return tuple(sorted(set(result)))


def _numbers(value: str, low: int, high: int, message: str, *, negative: bool) -> tuple[int, ...]:
    result: set[int] = set()
    for item in value.split(","):
        if not _SIGNED_SMALL.fullmatch(item):
            raise InvalidInput(message)
        number = int(item)
        if not (low <= number <= high or (negative and -high <= number <= -low)):
            raise InvalidInput(message)
        result.add(number)
    return tuple(sorted(result))


def parse_rrule(text: str) -> RecurrenceRule:
    """Read an RRULE such as ``"FREQ=WEEKLY;BYDAY=MO,TH"`` (an ``RRULE:`` prefix is allowed).

    Names and values are read case-insensitively (RFC 5545 § 2.1: names and enumerated values
    are). Anything outside the supported subset, or malformed, is :class:`InvalidInput` with a
    Norwegian message.
    """
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    parts: dict[str, str] = {}
    for raw in body.split(";"):
        part = raw.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not name or not value:
            raise InvalidInput(MSG_PART.format(part=part))
        if name in _CLOCK_PARTS:
            raise InvalidInput(MSG_CLOCK_IN_RULE.format(name=name))
        if name in _UNSUPPORTED_PARTS:
            raise InvalidInput(MSG_UNSUPPORTED.format(name=name))
        if name not in _KNOWN_PARTS:
            raise InvalidInput(MSG_UNKNOWN.format(name=name))
        if name in parts:
            raise InvalidInput(MSG_DUPLICATE.format(name=name))
        parts[name] = value
    if not parts:
        raise InvalidInput(MSG_EMPTY)
    if "FREQ" not in parts:
        raise InvalidInput(MSG_NO_FREQ)
    if parts["FREQ"] not in Freq.__members__:
        raise InvalidInput(MSG_FREQ)
    freq = Freq(parts["FREQ"])
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidInput(MSG_COUNT_AND_UNTIL)
    if "BYMONTHDAY" in parts and freq is Freq.WEEKLY:
        raise InvalidInput(MSG_MONTHDAY_WEEKLY)
    return RecurrenceRule(
        freq=freq,
        interval=_positive(parts["INTERVAL"], MSG_INTERVAL) if "INTERVAL" in parts else 1,
        count=_positive(parts["COUNT"], MSG_COUNT) if "COUNT" in parts else None,
        until=_until(parts["UNTIL"]) if "UNTIL" in parts else None,
        by_day=_by_day(parts["BYDAY"], freq) if "BYDAY" in parts else (),
        by_month_day=_numbers(parts["BYMONTHDAY"], 1, 31, MSG_MONTHDAY, negative=True) if "BYMONTHDAY" in parts else (),
        by_month=_numbers(parts["BYMONTH"], 1, 12, MSG_MONTH, negative=False) if "BYMONTH" in parts else (),
        week_start=_weekday(parts["WKST"]) if "WKST" in parts else 0,
    )


# --- dates -------------------------------------------------------------------------------------


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def _month_days(rule: RecurrenceRule, year: int, month: int, dtstart: dt.date) -> list[dt.date]:
    """The days one MONTHLY period expands to (RFC 5545 § 3.3.10, BYMONTHDAY/BYDAY table)."""
    length = _days_in_month(year, month)
    if rule.by_month_day:
        days = {d if d > 0 else length + 1 + d for d in rule.by_month_day}
        days = {d for d in days if 1 <= d <= length}
    elif rule.by_day:
        days = set(range(1, length + 1))
    else:
        days = {dtstart.day} if dtstart.day <= length else set()
    if rule.by_day:
        days = {d for d in days if _matches_by_day(rule, dt.date(year, month, d), length)}
    return [dt.date(year, month, d) for d in sorted(days)]


def _matches_by_day(rule: RecurrenceRule, day: dt.date, month_length: int) -> bool:
    for ordinal, weekday in rule.by_day:
        if day.weekday() != weekday:
            continue
        if ordinal == 0:
            return True
        nth_from_start = (day.day - 1) // 7 + 1
        nth_from_end = -((month_length - day.day) // 7 + 1)
        if ordinal in (nth_from_start, nth_from_end):
            return True
    return False


def _periods(rule: RecurrenceRule, dtstart: dt.date, skip_to: dt.date) -> Iterator[tuple[dt.date, list[dt.date]]]:
    """(first day of the period, its candidate days), period by period from the one holding
    ``skip_to`` (or DTSTART's, when that is later), INTERVAL apart and counted from DTSTART's."""
    if rule.freq is Freq.DAILY:
        step = dt.timedelta(days=rule.interval)
        k = max(0, (skip_to - dtstart).days // rule.interval)
        while True:
            day = dtstart + k * step
            yield day, [day]
            k += 1
    elif rule.freq is Freq.WEEKLY:
        first_week = dtstart - dt.timedelta(days=(dtstart.weekday() - rule.week_start) % 7)
        weekdays = sorted({w for _, w in rule.by_day} or {dtstart.weekday()})
        offsets = sorted((w - rule.week_start) % 7 for w in weekdays)
        k = max(0, (skip_to - first_week).days // (7 * rule.interval))
        while True:
            week = first_week + dt.timedelta(weeks=k * rule.interval)
            yield week, [week + dt.timedelta(days=offset) for offset in offsets]
            k += 1
    else:
        first_month = dtstart.year * 12 + dtstart.month - 1
        k = max(0, (skip_to.year * 12 + skip_to.month - 1 - first_month) // rule.interval)
        while True:
            index = first_month + k * rule.interval
            year, month = divmod(index, 12)
            yield dt.date(year, month + 1, 1), _month_days(rule, year, month + 1, dtstart)
            k += 1


def _accepts(rule: RecurrenceRule, day: dt.date) -> bool:
    """The limiting BY-parts that the period expansion did not already apply."""
    if rule.by_month and day.month not in rule.by_month:
        return False
    if rule.freq is Freq.DAILY:
        if rule.by_day and day.weekday() not in {w for _, w in rule.by_day}:
            return False
        if rule.by_month_day:
            length = _days_in_month(day.year, day.month)
            if not any(d == day.day or length + 1 + d == day.day for d in rule.by_month_day):
                return False
    return True


def rule_dates(
    rule: RecurrenceRule,
    dtstart: dt.date,
    start: dt.date,
    end: dt.date,
    *,
    at: dt.time = dt.time(0),
) -> list[dt.date]:
    """The dates the rule, anchored at ``dtstart``, gives from ``start`` to ``end`` (inclusive), sorted.

    ``at`` is the local clock time of each occurrence; it matters only for an UNTIL given as a UTC
    time (an occurrence on UNTIL's date counts if it starts no later than UNTIL).
    """
    result: list[dt.date] = []
    seen = 0
    skip_to = dtstart if rule.count is not None else max(start, dtstart)
    for period_start, days in _periods(rule, dtstart, skip_to):
        if period_start > end:
            break
        for day in days:
            if day < dtstart or day > end or not _accepts(rule, day):
                continue
            if rule.until is not None and not _before_until(rule.until, day, at):
                return result
            seen += 1
            if rule.count is not None and seen > rule.count:
                return result
            if day >= start:
                result.append(day)
    return result


def _before_until(until: dt.date | dt.datetime, day: dt.date, at: dt.time) -> bool:
    if isinstance(until, dt.datetime):
        return local_time(day, at) <= until
    return day <= until


def local_time(day: dt.date, clock: dt.time) -> dt.datetime:
    """``clock`` on ``day`` in Europe/Oslo, as the wall clock really shows it (RFC 5545 § 3.3.5).

    A time in the spring gap moves forward by the gap (02:30 → 03:30 CEST); a time that occurs
    twice in the autumn is the first (CEST).
    """
    naive = dt.datetime.combine(day, clock.replace(tzinfo=None, fold=0))
    return naive.replace(tzinfo=OSLO).astimezone(dt.UTC).astimezone(OSLO)


# --- visits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One planned visit: the agreed window for its start, and how long it is expected to last."""

    date: dt.date
    window_start: dt.datetime  # aware, Europe/Oslo
    window_end: dt.datetime
    duration: dt.timedelta

    @property
    def planned_end(self) -> dt.datetime:
        """window_start + duration, in elapsed time (a DST change inside the visit is honoured)."""
        return (self.window_start.astimezone(dt.UTC) + self.duration).astimezone(OSLO)


@dataclass(frozen=True)
class VisitPattern:
    """How often a tiltak is done: an RRULE, a local time window, a duration and a validity period.

    ``valid_to`` None: until further notice (open-ended, as a vedtak without t.o.m.). ``dtstart``
    anchors INTERVAL and COUNT; it defaults to ``valid_from``.
    """

    rrule: str
    valid_from: dt.date
    valid_to: dt.date | None
    window_start: dt.time
    window_end: dt.time
    duration: dt.timedelta
    dtstart: dt.date | None = None
    rule: RecurrenceRule = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise InvalidInput(MSG_VALID_TO_BEFORE_FROM)
        if not dt.timedelta(0) < self.duration <= MAX_DURATION:
            raise InvalidInput(MSG_DURATION)
        object.__setattr__(self, "rule", parse_rrule(self.rrule))

    @property
    def anchor(self) -> dt.date:
        return self.valid_from if self.dtstart is None else self.dtstart

    def window_on(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The agreed window on ``day``: it ends the next day when its end clock time is earlier."""
        end_day = day + dt.timedelta(days=1) if self.window_end < self.window_start else day
        start, end = local_time(day, self.window_start), local_time(end_day, self.window_end)
        # A start inside the spring gap moves forward an hour and may pass an end just after the gap
        # (02:30–03:10 becomes 03:30–03:10): the window then shrinks to its start, never runs backwards.
        if end.astimezone(dt.UTC) < start.astimezone(dt.UTC):
            end = start
        return start, end


def occurrences(pattern: VisitPattern, start: dt.date, end: dt.date) -> list[Occurrence]:
    """The planned visits of ``pattern`` from ``start`` to ``end`` (inclusive local dates).

    Only dates inside both the range and the validity period (``valid_from``..``valid_to``); sorted,
    at most one per date. A range longer than ten years is :class:`InvalidInput`.
    """
    if end < start:
        raise InvalidInput(MSG_RANGE_END_BEFORE_START)
    if (end - start).days > MAX_RANGE_DAYS:
        raise InvalidInput(MSG_RANGE_TOO_LONG)
    lo = max(start, pattern.valid_from)
    hi = end if pattern.valid_to is None else min(end, pattern.valid_to)
    if hi < lo:
        return []
    result: list[Occurrence] = []
    for day in rule_dates(pattern.rule, pattern.anchor, lo, hi, at=pattern.window_start):
        window_start, window_end = pattern.window_on(day)
        result.append(Occurrence(day, window_start, window_end, pattern.duration))
    return result
