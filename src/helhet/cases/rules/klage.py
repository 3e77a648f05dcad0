"""Klage: the deadline for a complaint on a vedtak, and whether a complaint came in time.

Sources:

- The Oslo letters: «Du kan klage på dette vedtaket etter reglene i pasient- og
  brukerrettighetsloven kapittel 7. Klagefristen er fire uker fra vedtaket kom fram til deg.»
  (seed 004 lines 1441-1442 and 1567-1568).
- Pasient- og brukerrettighetsloven § 7-5: four weeks from when the person got, or should have got,
  enough knowledge to complain; for a written vedtak, from when it reached them. Helsedirektoratet's
  comment on § 7-5 (helsedirektoratet.no, «§ 7-5 Frist for klage»): the deadline is interrupted when
  the complaint is put to the body that made the decision, and a complaint sent after the deadline
  can still be taken up (§ 7-7 and forvaltningsloven § 31). The general deadline in forvaltningsloven
  § 29 is *three* weeks; for vedtak on health and care services the four weeks of pbrl § 7-5 apply,
  as the letters say.
- Counting: domstolloven § 148 annet ledd (a deadline in weeks ends on the same weekday of the last
  week) and § 149 første ledd (a deadline that ends on a Saturday, a helgedag or a day the law treats
  as one moves to the next working day), quoted at advokat-teigstad.no, «Straffeloven § 13». That
  the complaint rules borrow this counting from domstolloven (through forvaltningsloven § 30) is
  from memory and UNCONFIRMED here; the roll-over only ever gives the person more time.
- In time when sent: a complaint handed to the post before the deadline is in time (domstolloven
  § 146 annet ledd, lovdata.no; the same rule in forvaltningsloven § 30 — its wording not checked
  here). Pass ``complaint_sent`` when the postmark or the sending date is known.
- Helgedager: Sundays and the holidays in lov om helligdager og helgedagsfred § 2 (nyttårsdag,
  skjærtorsdag, langfredag, 1. og 2. påskedag, Kristi himmelfartsdag, 1. og 2. pinsedag, 1. og 2.
  juledag), plus 1. and 17. mai (lov om 1. og 17. mai som høgtidsdagar). From memory; not in the
  fact sheets.
- A late complaint is registered and flagged, never refused silently: forvaltningsloven § 31 lets it
  be taken up when the person cannot be blamed for the delay, or special reasons make it reasonable,
  but not when more than a year has passed since the vedtak was made (§ 31 tredje ledd;
  sivilombudet.no statements on fvl. § 31).
- When the vedtak reached the person: the seed says nothing about a postal presumption (no «regnes
  som mottatt N dager etter at det ble sendt»), so Helhet does not invent one. The caller passes the
  date the vedtak reached the person: a recorded receipt, the digital delivery date, or the case
  officer's documented assessment of when a posted letter arrived.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from helhet.cases.rules import InvalidInput

#: pbrl § 7-5; seed 004 lines 1442 and 1568: «fire uker fra vedtaket kom fram til deg».
COMPLAINT_WEEKS = 4


def easter_sunday(year: int) -> dt.date:
    """1. påskedag (Gregorian calendar; the anonymous «Meeus/Jones/Butcher» computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[dt.date]:
    """Norwegian public holidays that are not Sundays by definition (helligdager and høgtidsdager)."""
    easter = easter_sunday(year)
    moving = (-3, -2, 0, 1, 39, 49, 50)  # skjærtorsdag … 2. pinsedag
    fixed = ((1, 1), (5, 1), (5, 17), (12, 25), (12, 26))
    return frozenset(
        {easter + dt.timedelta(days=offset) for offset in moving} | {dt.date(year, m, d) for m, d in fixed}
    )


def is_working_day(day: dt.date) -> bool:
    """Not a Saturday, a Sunday or a public holiday."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def deadline(received: dt.date) -> dt.date:
    """The last day to complain, for a vedtak that reached the person on ``received``.

    Four weeks later, same weekday (domstolloven § 148), moved to the next working day if that is
    a Saturday, Sunday or public holiday (§ 149).
    """
    last = received + dt.timedelta(weeks=COMPLAINT_WEEKS)
    while not is_working_day(last):
        last += dt.timedelta(days=1)
    return last


def is_late(received_vedtak: dt.date, complaint_received: dt.date, *, complaint_sent: dt.date | None = None) -> bool:
    """True when the complaint came after the deadline.

    A complaint posted (``complaint_sent``) on or before the deadline is in time even if it arrives
    later. Lateness is a flag for the case officer, never a reason to drop the complaint.
    """
    if complaint_sent is not None and complaint_sent > complaint_received:
        raise InvalidInput("Klagen kan ikke være sendt etter at den ble mottatt.")
    submitted = complaint_sent or complaint_received
    return submitted > deadline(received_vedtak)


def one_year_after(day: dt.date) -> dt.date:
    """The same date a year later; 29 February gives 28 February (domstolloven § 148)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def may_still_be_considered(vedtak_made: dt.date, complaint_received: dt.date) -> bool:
    """Whether a late complaint can still be taken up at all: not more than a year after the vedtak
    was made (forvaltningsloven § 31 tredje ledd). Within the year it is a judgment (§ 31 første ledd).
    """
    return complaint_received <= one_year_after(vedtak_made)


@dataclass(frozen=True)
class Fristvurdering:
    """The deadline check shown on a registered complaint."""

    deadline: dt.date
    late: bool
    message: str  # Norwegian, for the case officer


def assess(
    received_vedtak: dt.date,
    complaint_received: dt.date,
    *,
    complaint_sent: dt.date | None = None,
    vedtak_made: dt.date | None = None,
) -> Fristvurdering:
    """Deadline, lateness and a Norwegian sentence for the case officer."""
    last = deadline(received_vedtak)
    late = is_late(received_vedtak, complaint_received, complaint_sent=complaint_sent)
    if not late:
        return Fristvurdering(last, False, f"Klagen kom innen fristen ({last:%d.%m.%Y}).")
    message = (
        f"Klagen kom etter fristen ({last:%d.%m.%Y}). Den er registrert, og kan likevel behandles dersom "
        "klageren ikke kan lastes for å ha oversittet fristen, eller særlige grunner gjør det rimelig "
        "(forvaltningsloven § 31)."
    )
    if vedtak_made is not None and not may_still_be_considered(vedtak_made, complaint_received):
        message += " Det er gått mer enn ett år siden vedtaket ble truffet (forvaltningsloven § 31 tredje ledd)."
    return Fristvurdering(last, True, message)
