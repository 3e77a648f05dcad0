"""BPA exports: the payroll file adds up to the approved hours exactly; the invoice basis per month.

The payroll lines must sum to the approved timesheet hours of the period to the hundredth (Decimal,
no float slack), count a correction once (the replacing row) and leave out replaced and unapproved
rows; the supplement hours follow the definitions in ``docs/bpa-lonnseksport.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bpa_builders import MARCH, at
from factories import World
from helhet.bpa import exports, services
from helhet.bpa.models import Ordning, Timeliste

OSLO = ZoneInfo("Europe/Oslo")


def hours(value: str) -> int:
    """«7:50» → microseconds."""
    h, m = value.split(":")
    return (int(h) * 60 + int(m)) * 60_000_000


# --- the pure part: supplements and rounding -------------------------------------------------------------------


def split(start: dt.datetime, end: dt.datetime, definisjon: exports.Definisjon) -> tuple[Decimal, Decimal, Decimal]:
    years = range(start.year, end.year + 1)
    holidays, eves = exports.norwegian_holidays(years), exports.long_eves(years)
    s = exports.split_seconds(start, end, OSLO, definisjon, holidays.__contains__, eves.__contains__)
    return exports.hours(s.total), exports.hours(s.kveld_natt), exports.hours(s.helg)


def test_evening_night_and_weekend_on_a_constructed_set() -> None:
    friday, saturday = dt.date(2025, 3, 7), dt.date(2025, 3, 8)
    # Friday 15:00 – Saturday 03:00, 12 h: tariff evening/night 17–03 (10 h), weekend Saturday 00–03 (3 h).
    assert split(at(friday, 15), at(saturday, 3), exports.TARIFF) == (12, 10, 3)
    # The law: night 21–06 (6 h); § 10-10 Sunday work starts Saturday 18:00, so none of it.
    assert split(at(friday, 15), at(saturday, 3), exports.AML) == (12, 6, 0)
    # Saturday 16:00 – Sunday 02:00: tariff weekend all 10 h, evening/night 17–02 (9 h);
    # the law: Sunday work from Saturday 18:00 (8 h), night 21–02 (5 h).
    assert split(at(saturday, 16), at(saturday + dt.timedelta(days=1), 2), exports.TARIFF) == (10, 9, 10)
    assert split(at(saturday, 16), at(saturday + dt.timedelta(days=1), 2), exports.AML) == (10, 5, 8)
    # A weekday morning earns nothing.
    assert split(at(dt.date(2025, 3, 4), 7), at(dt.date(2025, 3, 4), 11), exports.TARIFF) == (4, 0, 0)


def test_holidays_and_holiday_eves() -> None:
    ascension, eve = dt.date(2025, 5, 29), dt.date(2025, 5, 28)  # Kristi himmelfartsdag, a Thursday
    assert split(at(ascension, 8), at(ascension, 16), exports.TARIFF) == (8, 0, 8)
    assert split(at(eve, 16), at(eve, 20), exports.TARIFF) == (4, 3, 0)
    assert split(at(eve, 16), at(eve, 20), exports.AML) == (4, 0, 2)  # from 18:00 the day before
    christmas_eve = dt.date(2025, 12, 24)  # not a holiday itself; § 10-10 starts at 15:00
    assert split(at(christmas_eve, 14), at(christmas_eve, 20), exports.TARIFF) == (6, 3, 0)
    assert split(at(christmas_eve, 14), at(christmas_eve, 20), exports.AML) == (6, 0, 5)
    # Two red days in a row (Easter Sunday and Monday 2025): the law's period runs on through the night.
    easter = dt.date(2025, 4, 20)
    assert split(at(easter, 20), at(easter + dt.timedelta(days=1), 8), exports.AML) == (12, 9, 12)


def test_a_night_over_the_clock_change_is_real_time() -> None:
    # 26 October 2025: clocks go back at 03:00, so Saturday 22:00 – Sunday 06:00 is 9 hours of work.
    total, night, helg = split(at(dt.date(2025, 10, 25), 22), at(dt.date(2025, 10, 26), 6), exports.TARIFF)
    assert (total, night, helg) == (9, 9, 9)


def test_largest_remainder_rounding_keeps_the_sum() -> None:
    parts = [hours("7:50")] * 3  # 7.8333… each, 23.5 in all
    assert exports.apportion(parts) == [Decimal("7.84"), Decimal("7.83"), Decimal("7.83")]
    assert sum(exports.apportion(parts)) == Decimal("23.50") == exports.hours(sum(parts))
    # Whole hundredths are never moved.
    assert exports.apportion([hours("7:30"), hours("0:10"), hours("0:10")]) == [
        Decimal("7.50"),
        Decimal("0.17"),
        Decimal("0.16"),
    ]
    assert exports.apportion([]) == []


def test_csv_text_cannot_become_a_formula() -> None:
    assert exports.text("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert exports.text("-1") == "'-1"
    assert exports.text("Anna") == "Anna"
    assert exports.number(Decimal("12.5")) == "12,50"
    assert exports.number(Decimal("-3.456")) == "-3,46"


# --- the database part ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_payroll_lines_sum_to_the_approved_hours_exactly(march: dict[str, Any], world: World) -> None:
    lines = exports.lonnsgrunnlag(world.leverandor.pk, *MARCH)
    # Approved in March, at this provider: 3 × 7:50, 12:00, 8:00 and the correction's 4:45 (not the 4:00 it replaced).
    expected_micro = 3 * hours("7:50") + hours("12:00") + hours("8:00") + hours("4:45")
    assert sum(line.timer for line in lines) == exports.hours(expected_micro) == Decimal("48.25")
    # … the same figure the arrangement's hour counter shows for the month (one source of truth).
    assert services.forbruk(march["ordning"], dt.date(2025, 3, 15)).used_month == Decimal("48.25")
    by_name = {line.navn: line for line in lines}
    assert set(by_name) == {"Anna Aas", "=Bo Berg", "Cato Dahl"}
    assert by_name["Anna Aas"].timer == Decimal("20.42")  # 7:50 + 7:50 + 4:45 = 20.4166…, the extra hundredth
    assert by_name["Anna Aas"].timelister == 3
    assert by_name["Cato Dahl"].timer == Decimal("7.83")
    assert by_name["=Bo Berg"].timer == Decimal("20.00")
    # Bo: Friday 15–03 (evening/night 10, Saturday 3) + Monday 31 March 23:00 – 07:00 (night 7).
    assert by_name["=Bo Berg"].kveld_natt == Decimal("17.00")
    assert by_name["=Bo Berg"].helg == Decimal("3.00")
    assert all(line.ordning == f"BPA-{march['ordning'].pk}" for line in lines)
    assert [line.ansattnummer for line in lines] == ["1001", "1002", "1003"]


@pytest.mark.django_db
def test_a_correction_counts_once_and_the_replaced_row_not_at_all(march: dict[str, Any], world: World) -> None:
    day = dt.date(2025, 3, 10)
    lines = exports.lonnsgrunnlag(world.leverandor.pk, day, day)
    assert [(line.navn, line.timer, line.timelister) for line in lines] == [("Anna Aas", Decimal("4.75"), 1)]


@pytest.mark.django_db
def test_the_payroll_csv(march: dict[str, Any], world: World) -> None:
    content = exports.lonn_csv(exports.lonnsgrunnlag(world.leverandor.pk, *MARCH))
    assert content.startswith("\ufeff")
    assert "\r\n" in content
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == list(exports.LONN_HEADER)
    assert rows[1] == [
        "1001",
        "Anna Aas",
        f"BPA-{march['ordning'].pk}",
        "2025-03-01",
        "2025-03-31",
        "20,42",
        "0,00",
        "0,00",
    ]
    assert rows[2][1] == "'=Bo Berg"
    assert rows[2][5:] == ["20,00", "17,00", "3,00"]
    assert sum(Decimal(r[5].replace(",", ".")) for r in rows[1:]) == Decimal("48.25")
    assert world.P.etternavn not in content and world.P.fornavn not in content


@pytest.mark.django_db
def test_the_invoice_basis_per_month(march: dict[str, Any], world: World) -> None:
    lines = exports.fakturagrunnlag(world.leverandor.pk, dt.date(2025, 2, 1), dt.date(2025, 3, 31))
    assert [(x.maaned, x.levert) for x in lines] == [
        (dt.date(2025, 2, 1), Decimal("8.00")),
        (dt.date(2025, 3, 1), Decimal("48.25")),
    ]
    february, march_line = lines
    assert february.innvilget == Decimal("160.00")  # 40 h/week × 28 days / 7
    assert march_line.innvilget == Decimal("177.14")  # 40 × 31 / 7
    assert march_line.differanse == Decimal("48.25") - Decimal("177.14")
    assert march_line.vedtak_id == march["ordning"].vedtak_id
    content = exports.faktura_csv(lines)
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == list(exports.FAKTURA_HEADER)
    assert rows[2] == [
        f"BPA-{march['ordning'].pk}",
        str(march["ordning"].vedtak_id),
        "2025-03",
        "177,14",
        "48,25",
        "-128,89",
    ]
    assert world.P.etternavn not in content


@pytest.mark.django_db
def test_an_arrangement_outside_its_period_is_left_out(march: dict[str, Any], world: World) -> None:
    Ordning.objects.filter(pk=march["ordning"].pk).update(fra=dt.date(2025, 3, 15))
    Timeliste.objects.filter(ordning=march["ordning"], start__lt=at(dt.date(2025, 3, 1), 0)).delete()
    lines = exports.fakturagrunnlag(world.leverandor.pk, dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert [x.maaned for x in lines] == [dt.date(2025, 3, 1)]  # no grant and nothing delivered before
    assert lines[0].innvilget == Decimal("97.14")  # 40 × 17 days / 7
