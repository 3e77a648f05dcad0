"""A visit pattern in plain Norwegian, and the simple choices («hver uke», weekdays) as an RRULE.

Pure (no Django). Staff read «Mandag og torsdag kl. 08:00–09:00, 30 min», never an RRULE; the
tiltak form offers weekdays and «hver uke / annenhver uke / hver dag» and compiles them to the RFC
5545 subset :mod:`helhet.care.rules.recurrence` reads, with a raw RRULE field for the rest.
"""

from __future__ import annotations

import datetime as dt

from helhet.care.rules import InvalidInput
from helhet.care.rules import recurrence as rec

DAY_NAMES = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
DAY_NAMES_PLURAL = ("mandager", "tirsdager", "onsdager", "torsdager", "fredager", "lørdager", "søndager")
MONTH_NAMES = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)
ORDINALS = {1: "første", 2: "andre", 3: "tredje", 4: "fjerde", 5: "femte", -1: "siste", -2: "nest siste"}
WEEKDAY_CHOICES = [(code, name.capitalize()) for code, name in zip(rec.WEEKDAYS, DAY_NAMES, strict=True)]


def join_nb(items: list[str]) -> str:
    """«a», «a og b», «a, b og c»."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def _every(interval: int, one: str, other: str) -> str:
    """«hver uke», «annenhver uke», «hver 3. uke»."""
    if interval == 1:
        return f"{one} {other}"
    if interval == 2:
        return f"annenhver {other}"
    return f"hver {interval}. {other}"


def _weekdays(days: list[int]) -> str:
    days = sorted(set(days))
    if days == list(range(7)):
        return "hver dag"
    if days == list(range(5)):
        return "mandag–fredag"
    if days == [5, 6]:
        return "lørdag og søndag"
    return join_nb([DAY_NAMES[d] for d in days])


def describe_rrule(rrule: str) -> str:
    """The RRULE subset of :mod:`helhet.care.rules.recurrence` in plain Norwegian.

    ``FREQ=WEEKLY;BYDAY=MO,TH`` → «mandag og torsdag»; ``FREQ=DAILY`` → «hver dag»;
    ``FREQ=WEEKLY;INTERVAL=2;BYDAY=WE`` → «onsdag annenhver uke»; ``FREQ=MONTHLY;BYDAY=-1FR`` →
    «siste fredag i måneden». A rule that cannot be read is returned as written.
    """
    try:
        rule = rec.parse_rrule(rrule)
    except InvalidInput:
        return rrule
    plain_days = [w for o, w in rule.by_day if o == 0]
    if rule.freq is rec.Freq.DAILY:
        if rule.by_day and rule.interval == 1:
            text = _weekdays(plain_days)
        elif rule.by_month_day:
            text = _month_days(rule.by_month_day) + " i måneden"
        else:
            text = _every(rule.interval, "hver", "dag")
            if rule.by_day:
                text += f" ({_weekdays(plain_days)})"
    elif rule.freq is rec.Freq.WEEKLY:
        if rule.interval == 1:
            text = _weekdays(plain_days) if plain_days else "én gang i uken"
        else:
            what = _weekdays(plain_days) if plain_days else "én gang"
            text = f"{what} {_every(rule.interval, 'hver', 'uke')}"
    else:
        parts = []
        if rule.by_month_day:
            parts.append(_month_days(rule.by_month_day))
        numbered = [f"{ORDINALS.get(o, f'{o}.')} {DAY_NAMES[w]}" for o, w in rule.by_day if o != 0]
        if numbered:
            parts.append(join_nb(numbered))
        if plain_days:
            parts.append("alle " + join_nb([DAY_NAMES_PLURAL[d] for d in sorted(set(plain_days))]))
        what = join_nb(parts) if parts else "én gang"
        period = "i måneden" if rule.interval == 1 else _every(rule.interval, "hver", "måned")
        text = f"{what} {period}"
    if rule.by_month:
        text += " (bare i " + join_nb([MONTH_NAMES[m - 1] for m in rule.by_month]) + ")"
    if rule.count is not None:
        text += f", {rule.count} ganger"
    if rule.until is not None:
        until = rule.until.date() if isinstance(rule.until, dt.datetime) else rule.until
        text += f", til og med {until:%d.%m.%Y}"
    return text


def _month_days(days: tuple[int, ...]) -> str:
    named = [f"den {d}." if d > 0 else ("siste dag" if d == -1 else f"{-d}. siste dag") for d in days]
    return join_nb(named)


def describe_pattern(rrule: str, fra: dt.time, til: dt.time, varighet_min: int) -> str:
    """«mandag og torsdag kl. 08:00–09:00, 30 min»: when, the agreed window and the expected duration."""
    return f"{describe_rrule(rrule)} kl. {fra:%H:%M}–{til:%H:%M}, {varighet_min} min"


# --- the friendly pattern widget ------------------------------------------------------------------------


class Hyppighet:
    HVER_UKE = "hver_uke"
    ANNENHVER_UKE = "annenhver_uke"
    HVER_DAG = "hver_dag"
    CHOICES = [(HVER_UKE, "Hver uke"), (ANNENHVER_UKE, "Annenhver uke"), (HVER_DAG, "Hver dag")]


def compile_rrule(hyppighet: str, ukedager: list[str]) -> str:
    """The simple choices as an RRULE. Weekly patterns need at least one weekday (``ValueError``)."""
    if hyppighet == Hyppighet.HVER_DAG:
        return "FREQ=DAILY"
    days = [d for d in rec.WEEKDAYS if d in set(ukedager)]
    if not days:
        raise ValueError("no weekday")
    interval = ";INTERVAL=2" if hyppighet == Hyppighet.ANNENHVER_UKE else ""
    return f"FREQ=WEEKLY{interval};BYDAY={','.join(days)}"


def decompose_rrule(rrule: str) -> tuple[str, list[str]] | None:
    """The simple choices that give ``rrule`` back, or None when only the raw field can say it."""
    try:
        rule = rec.parse_rrule(rrule)
    except InvalidInput:
        return None
    if rule.count is not None or rule.until is not None or rule.by_month or rule.by_month_day or rule.week_start:
        return None
    if rule.freq is rec.Freq.DAILY and rule.interval == 1 and not rule.by_day:
        return Hyppighet.HVER_DAG, []
    if rule.freq is rec.Freq.WEEKLY and rule.interval in (1, 2) and rule.by_day:
        if any(o != 0 for o, _ in rule.by_day):
            return None
        days = [rec.WEEKDAYS[w] for _, w in rule.by_day]
        return (Hyppighet.HVER_UKE if rule.interval == 1 else Hyppighet.ANNENHVER_UKE), days
    return None
