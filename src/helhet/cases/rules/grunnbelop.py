"""Grunnbeløpet i folketrygden (G), as data: the amount per year, effective 1 May.

Source: ``shared/facts/iplos_kpr.md`` § 5.1, which takes the table from NAV's own G service
(GitHub ``navikt/g``, file ``grunnbeløp.json``; the 2026 value added in commit f263325) and
cross-checks 2015–2023 against bank and municipal pages. No value in that table is marked
UNCONFIRMED. The 2020 G was settled late (in September 2020) but applies from 1 May 2020 (§ 5.1 notes).

G changes each 1 May, so a rate table that is set for a *calendar* year is built on the G in force
on 1 January of that year, i.e. last year's G: Oslo's 2019 co-payment table uses G = 96 883, the
G effective 1 May 2018 (seed 004, lines 1555-1561). ``g_on(date(2019, 1, 1))`` gives exactly that.
"""

from __future__ import annotations

import datetime as dt

from helhet.cases.rules import InvalidInput

#: (effective date, G in whole kroner per year), oldest first. iplos_kpr.md § 5.1.
GRUNNBELOP: tuple[tuple[dt.date, int], ...] = (
    (dt.date(2015, 5, 1), 90_068),
    (dt.date(2016, 5, 1), 92_576),
    (dt.date(2017, 5, 1), 93_634),
    (dt.date(2018, 5, 1), 96_883),
    (dt.date(2019, 5, 1), 99_858),
    (dt.date(2020, 5, 1), 101_351),  # settled late (Sept 2020), but effective 1 May 2020
    (dt.date(2021, 5, 1), 106_399),
    (dt.date(2022, 5, 1), 111_477),
    (dt.date(2023, 5, 1), 118_620),
    (dt.date(2024, 5, 1), 124_028),
    (dt.date(2025, 5, 1), 130_160),
    (dt.date(2026, 5, 1), 136_549),  # NAV navikt/g, added 20 May 2026 (commit f263325)
)


def g_on(day: dt.date) -> int:
    """The G in force on ``day`` (the newest amount whose effective date is on or before it).

    Raises :class:`InvalidInput` for a day before the first effective date we hold (1 May 2015).
    A day after the newest entry gets the newest G: next year's G is not known until it is settled.
    """
    current: int | None = None
    for effective, amount in GRUNNBELOP:
        if effective <= day:
            current = amount
        else:
            break
    if current is None:
        first = GRUNNBELOP[0][0]
        raise InvalidInput(f"Grunnbeløpet før {first:%d.%m.%Y} er ikke registrert i Helhet.")
    return current


def g_for_year(year: int) -> int:
    """The G that took effect on 1 May of ``year``."""
    return g_on(dt.date(year, 5, 1))
