"""BPA exports for the provider: the payroll file and the invoice basis to the municipality (issue 6, point 5).

Both are computed from approved timesheets only (:func:`helhet.bpa.services.godkjente`: a correction
counts, the row it replaced does not), never typed in, and documented in ``docs/bpa-lonnseksport.md``.

- :func:`lonnsgrunnlag` / :func:`lonn_csv`: approved hours per assistant (one line per employment in an
  arrangement) for a period, with the hours that earn the evening/night and the weekend/holiday
  supplements. The sum of ``timer`` over the lines equals the approved hours of the period, rounded to
  hundredths exactly as the arrangement's hour counter rounds them (largest-remainder rounding, see
  :func:`apportion`).
- :func:`fakturagrunnlag` / :func:`faktura_csv`: delivered (approved) hours per arrangement per month
  against the hours the vedtak grants that month (:func:`helhet.bpa.rules.budsjett.month_budget`).

The supplement definitions (:data:`DEFINISJONER`) are plain data, and the splitting of a timesheet into
supplement hours (:func:`split_seconds`, :func:`lonnslinjer`) uses no database: it takes
aware datetimes, a time zone and the holidays (those of the working-time rules,
:func:`helhet.bpa.rules.arbeidstid.norwegian_holidays`, from the ``holidays`` package).

CSV: UTF-8 with a byte order mark (Excel opens it as UTF-8), ``;`` between fields, decimal comma, dates
as ISO 8601 (``2026-11-30``), a header row, CRLF line ends. Text that would start with ``=``, ``+``,
``-``, ``@`` (a formula to a spreadsheet) is prefixed with an apostrophe (CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal
from zoneinfo import ZoneInfo

from django.utils import timezone

from helhet.bpa.models import Ordning
from helhet.bpa.rules import arbeidstid, budsjett
from helhet.bpa.services import godkjente, grant_of

#: Hundredths of an hour: how hours are written in the files.
CENT = Decimal("0.01")
MICROSECONDS_PER_HOUR = 3_600_000_000
#: At most this long a period in one payroll file (the form refuses longer).
MAX_PERIOD_DAYS = 366


# --- the supplement definitions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Definisjon:
    """When an hour earns the evening/night supplement and the weekend/holiday supplement.

    ``kveld_fra``–``natt_til``: the evening/night window, across midnight. ``helg``:
    ``"kalender"`` — Saturday, Sunday and public holidays, whole calendar days (00–24);
    ``"aml-10-10"`` — arbeidsmiljøloven § 10-10: from 18:00 the day before a Sunday or holiday (15:00
    on Christmas, Easter and Whitsun eve) to 22:00 on it, i.e. to 22:00 the day before the next working
    day.
    """

    code: str
    label: str
    kveld_fra: dt.time
    natt_til: dt.time
    helg: Literal["kalender", "aml-10-10"]


#: The default: the supplement periods of the collective agreements BPA assistants are paid by. KS's
#: Hovedtariffavtale pays the evening/night supplement for work between 17:00 and 06:00 and the weekend
#: supplement from Saturday 00:00 to Sunday 24:00; the NHO Geneo BPA agreement and Uloba's agreement have
#: an evening/night and a weekend supplement too (fact sheet 1.3), whose exact hours were not retrieved
#: (UNCONFIRMED). Holidays count as whole days here.
TARIFF = Definisjon(
    "tariff",
    "Tariff (kveld/natt 17–06, lørdag, søndag og helligdag hele døgnet)",
    dt.time(17),
    dt.time(6),
    "kalender",
)
#: The law's definitions: night work 21:00–06:00 (aml. § 10-11) and Sunday/holiday work from 18:00 the
#: day before (15:00 on Christmas, Easter and Whitsun eve) to 22:00 (aml. § 10-10), as the working-time
#: rules (:mod:`helhet.bpa.rules.arbeidstid`) read them. These decide when work is *night* or *Sunday*
#: work under the law, not what it pays.
AML = Definisjon(
    "aml",
    "Arbeidsmiljøloven (natt 21–06 etter § 10-11, søn- og helgedag fra kl. 18 dagen før til kl. 22 etter § 10-10)",
    dt.time(21),
    dt.time(6),
    "aml-10-10",
)
DEFINISJONER: dict[str, Definisjon] = {d.code: d for d in (TARIFF, AML)}


def norwegian_holidays(years: Iterable[int]) -> frozenset[dt.date]:
    """Public holidays in Norway (helligdager, 1 and 17 May), as the working-time rules know them."""
    return frozenset(day for year in years for day in arbeidstid.norwegian_holidays(year))


def long_eves(years: Iterable[int]) -> frozenset[dt.date]:
    """Christmas, Easter and Whitsun eve, when aml. § 10-10's Sunday/holiday period starts at 15:00."""
    return frozenset(day for year in years for day in arbeidstid.long_eves(year))


@dataclass(frozen=True)
class Split:
    """A stretch of work in microseconds: in all, and the parts that earn each supplement."""

    total: int = 0
    kveld_natt: int = 0
    helg: int = 0

    def __add__(self, other: Split) -> Split:
        return Split(self.total + other.total, self.kveld_natt + other.kveld_natt, self.helg + other.helg)


def _micro(delta: dt.timedelta) -> int:
    return delta // dt.timedelta(microseconds=1)


def _is_night(wall: dt.datetime, d: Definisjon) -> bool:
    t = wall.time()
    return t >= d.kveld_fra or t < d.natt_til


def _is_helg(
    wall: dt.datetime,
    d: Definisjon,
    is_holiday: Callable[[dt.date], bool],
    is_long_eve: Callable[[dt.date], bool],
) -> bool:
    day = wall.date()

    def red(x: dt.date) -> bool:
        return x.isoweekday() == 7 or is_holiday(x)

    if d.helg == "kalender":
        return day.isoweekday() >= 6 or is_holiday(day)
    # aml. § 10-10: [18:00 (15:00 on a long eve) the day before a red day, 22:00 on it), the union over
    # red days: two red days in a row run on through the night between them.
    clock = wall.time()
    eve_from = dt.time(15) if is_long_eve(day) else dt.time(18)
    return (red(day) and clock < dt.time(22)) or (clock >= eve_from and red(day + dt.timedelta(days=1)))


def split_seconds(
    start: dt.datetime,
    end: dt.datetime,
    tz: ZoneInfo,
    definisjon: Definisjon,
    is_holiday: Callable[[dt.date], bool],
    is_long_eve: Callable[[dt.date], bool] = lambda day: False,
) -> Split:
    """Split the work from ``start`` to ``end`` (aware) into supplement parts, in microseconds.

    Durations are real elapsed time (a night across a change to or from summer time is one hour
    shorter or longer); what a moment earns is decided by the local wall clock in ``tz``. The stretch
    is cut at every local midnight and every boundary of the definition, so each piece lies wholly in
    or out of each supplement.
    """
    if end <= start:
        return Split()
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    boundaries = {
        definisjon.kveld_fra,
        definisjon.natt_til,
        dt.time(0),
        dt.time(15),
        dt.time(18),
        dt.time(22),
    }
    points = {start, end}
    day = first - dt.timedelta(days=1)
    while day <= last + dt.timedelta(days=1):
        for t in boundaries:
            moment = dt.datetime.combine(day, t, tzinfo=tz)
            if start < moment < end:
                points.add(moment)
        day += dt.timedelta(days=1)
    ordered = sorted(points)
    total = night = helg = 0
    for a, b in itertools.pairwise(ordered):
        length = _micro(b.astimezone(dt.UTC) - a.astimezone(dt.UTC))
        wall = a.astimezone(tz)
        total += length
        if _is_night(wall, definisjon):
            night += length
        if _is_helg(wall, definisjon, is_holiday, is_long_eve):
            helg += length
    return Split(total, night, helg)


# --- rounding -----------------------------------------------------------------------------------------------


def hours(micro: int) -> Decimal:
    """Microseconds as hours, rounded to hundredths the way the hour counters round (half to even)."""
    return (Decimal(micro) / MICROSECONDS_PER_HOUR).quantize(CENT, rounding=ROUND_HALF_EVEN)


def apportion(parts: Sequence[int]) -> list[Decimal]:
    """Hours (in hundredths) for each part, summing exactly to :func:`hours` of the whole.

    Largest-remainder rounding: each part is rounded down to a hundredth, and the hundredths still
    missing go to the parts with the largest remainders (ties: the earlier part). A part that is a whole
    number of hundredths is never changed; any other moves by less than a hundredth.
    """
    exact = [Fraction(p, MICROSECONDS_PER_HOUR) * 100 for p in parts]
    floors = [int(x // 1) for x in exact]
    target = int(hours(sum(parts)) * 100)
    missing = target - sum(floors)
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += 1
    return [Decimal(c) / 100 for c in floors]


def _round(micro: int) -> Decimal:
    return (Decimal(micro) / MICROSECONDS_PER_HOUR).quantize(CENT, rounding=ROUND_HALF_UP)


# --- the payroll basis ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lonnslinje:
    assistent_id: int
    ansattnummer: str
    navn: str
    ordning: str  # the arrangement's reference, never the person's name
    fra: dt.date
    til: dt.date
    timer: Decimal
    kveld_natt: Decimal
    helg: Decimal
    timelister: int


@dataclass(frozen=True)
class Rad:
    """One approved timesheet, as the exports need it (so the pure part needs no model)."""

    assistent_id: int
    ansattnummer: str
    navn: str
    ordning_id: int
    start: dt.datetime
    slutt: dt.datetime


def ordning_ref(ordning_id: int) -> str:
    return f"BPA-{ordning_id}"


def lonnslinjer(
    rows: Iterable[Rad],
    fra: dt.date,
    til: dt.date,
    *,
    tz: ZoneInfo,
    definisjon: Definisjon = TARIFF,
    holidays: frozenset[dt.date] = frozenset(),
    eves: frozenset[dt.date] = frozenset(),
) -> list[Lonnslinje]:
    """One line per assistant (employment), sorted by employee number then name. Pure."""
    splits: dict[int, Split] = {}
    info: dict[int, Rad] = {}
    counts: dict[int, int] = {}
    for row in rows:
        part = split_seconds(row.start, row.slutt, tz, definisjon, holidays.__contains__, eves.__contains__)
        splits[row.assistent_id] = splits.get(row.assistent_id, Split()) + part
        info.setdefault(row.assistent_id, row)
        counts[row.assistent_id] = counts.get(row.assistent_id, 0) + 1
    ids = sorted(splits, key=lambda i: (info[i].ansattnummer, info[i].navn, i))
    totals = apportion([splits[i].total for i in ids])
    lines = []
    for i, timer in zip(ids, totals, strict=True):
        s = splits[i]
        lines.append(
            Lonnslinje(
                assistent_id=i,
                ansattnummer=info[i].ansattnummer,
                navn=info[i].navn,
                ordning=ordning_ref(info[i].ordning_id),
                fra=fra,
                til=til,
                timer=timer,
                kveld_natt=min(_round(s.kveld_natt), timer),
                helg=min(_round(s.helg), timer),
                timelister=counts[i],
            )
        )
    return lines


def lonnsgrunnlag(
    leverandor_id: int, fra: dt.date, til: dt.date, *, definisjon: Definisjon = TARIFF
) -> list[Lonnslinje]:
    """The payroll lines of a provider's arrangements for ``fra``–``til`` (timesheets that start then)."""
    ordninger = Ordning.objects.filter(leverandor_id=leverandor_id).values_list("pk", flat=True)
    rows = [
        Rad(t.assistent_id, t.assistent.ansattnummer, t.assistent.navn, t.ordning_id, t.start, t.slutt)
        for t in godkjente(ordninger, fra, til).order_by("assistent_id", "start", "pk")
    ]
    tz = ZoneInfo(timezone.get_current_timezone_name())
    years = range(fra.year, til.year + 2)  # a night shift on New Year's Eve ends in the next year
    return lonnslinjer(
        rows, fra, til, tz=tz, definisjon=definisjon, holidays=norwegian_holidays(years), eves=long_eves(years)
    )


# --- the invoice basis ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fakturalinje:
    ordning_id: int
    ordning: str
    vedtak_id: int
    person_id: object  # the Tjenestemottaker's key (for the page's names and the audit), not in the file
    maaned: dt.date  # the first day of the month
    innvilget: Decimal
    levert: Decimal

    @property
    def differanse(self) -> Decimal:
        """Delivered minus granted: positive is more than the vedtak gives that month."""
        return self.levert - self.innvilget


def months(fra: dt.date, til: dt.date) -> list[dt.date]:
    """The first day of each month from ``fra``'s month to ``til``'s."""
    out = []
    month = fra.replace(day=1)
    while month <= til:
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def month_end(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def fakturagrunnlag(leverandor_id: int, fra_maaned: dt.date, til_maaned: dt.date) -> list[Fakturalinje]:
    """Per arrangement of the provider, per month: granted hours and approved (delivered) hours.

    An arrangement appears for a month when its period overlaps the month or it has approved hours then.
    """
    first, last = fra_maaned.replace(day=1), month_end(til_maaned.replace(day=1))
    ordninger = list(Ordning.objects.filter(leverandor_id=leverandor_id).order_by("pk"))
    delivered: dict[tuple[int, dt.date], int] = {}
    rows = godkjente([o.pk for o in ordninger], first, last).values_list("ordning_id", "start", "slutt")
    for ordning_id, start, slutt in rows:
        key = (ordning_id, timezone.localtime(start).date().replace(day=1))
        delivered[key] = delivered.get(key, 0) + _micro(slutt - start)
    lines = []
    for o in ordninger:
        for month in months(first, last):
            active = o.fra <= month_end(month) and (o.til is None or o.til >= month)
            micro = delivered.get((o.pk, month))
            if not active and micro is None:
                continue
            granted = Decimal(repr(budsjett.month_budget(grant_of(o), month.year, month.month)))
            lines.append(
                Fakturalinje(
                    ordning_id=o.pk,
                    ordning=ordning_ref(o.pk),
                    vedtak_id=o.vedtak_id,
                    person_id=o.tjenestemottaker_id,
                    maaned=month,
                    innvilget=granted.quantize(CENT, rounding=ROUND_HALF_EVEN),
                    levert=hours(micro or 0),
                )
            )
    return lines


# --- CSV --------------------------------------------------------------------------------------------------------

BOM = "\ufeff"
LONN_HEADER = (
    "ansattnummer",
    "navn",
    "ordning",
    "periode_fra",
    "periode_til",
    "timer",
    "herav_kveld_natt",
    "herav_lordag_sondag_helligdag",
)
FAKTURA_HEADER = ("ordning", "vedtak_id", "maaned", "innvilget_timer", "leverte_timer", "differanse")


def number(value: Decimal) -> str:
    """``Decimal("12.5")`` as ``12,50``: two decimals, decimal comma, ASCII minus."""
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}".replace(".", ",")


def text(value: str) -> str:
    """Text for a spreadsheet cell: a leading ``= + - @`` (or tab/CR) would make it a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return BOM + out.getvalue()


def lonn_csv(lines: Iterable[Lonnslinje]) -> str:
    return _csv(
        LONN_HEADER,
        (
            (
                text(x.ansattnummer),
                text(x.navn),
                x.ordning,
                x.fra.isoformat(),
                x.til.isoformat(),
                number(x.timer),
                number(x.kveld_natt),
                number(x.helg),
            )
            for x in lines
        ),
    )


def faktura_csv(lines: Iterable[Fakturalinje]) -> str:
    return _csv(
        FAKTURA_HEADER,
        (
            (
                x.ordning,
                str(x.vedtak_id),
                f"{x.maaned:%Y-%m}",
                number(x.innvilget),
                number(x.levert),
                number(x.differanse),
            )
            for x in lines
        ),
    )
