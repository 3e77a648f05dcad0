"""Egenbetaling: the co-payment for praktisk bistand, by household income in multiples of G (Oslo style).

Sources:

- Oslo's example vedtak on praktisk bistand, seed 004 appendix 2, lines 1551-1564:
  «Bydelen kan kreve egenandel for praktisk bistand til husholdningsoppgaver. Timesatsen fastsettes
  ut fra husstandens samlede skattbare nettoinntekt før særfradrag.» (lines 1552-1553), and the
  rates the city council set for 2019 (lines 1555-1561):

      Husstandens nettoinntekt:          Betaling pr. time   Utgiftstak i kr (timer)
      Inntil kr 193 766 (under 2 G)      kr 35               210 pr. mnd (6 timer)
      Fra kr 193 766 (2 - 3 G)           kr 76               7 600 pr. år (100 timer)
      Fra kr 290 649 (3 - 4 G)           kr 194              19 400 pr. år (100 timer)
      Fra kr 387 532 (4 G over)          kr 319              31 900 pr. år (100 timer)

  «Du betaler maksimalt for 100 timer per år.» (line 1564). The thresholds are 2, 3 and 4 × G with
  G = 96 883, the G in force on 1 January 2019 (``grunnbelop.g_on``).
- The monthly cap for households under 2G comes from forskrift om egenandel for kommunale helse- og
  omsorgstjenester (FOR-2011-12-16-1349), set yearly by the ministry; 210 kr/month from 1 January
  2019 (``shared/facts/iplos_kpr.md`` § 5.2). The same section: helsetjenester i hjemmet and help
  with personal care are free, and an egenandel may never exceed the kommune's own cost (selvkost;
  not checked here, the kommune's table must respect it).

Band boundaries. The seed writes both «Inntil kr 193 766 (under 2 G)» and «Fra kr 193 766 (2 - 3 G)»,
so the number 193 766 alone is ambiguous. «under 2 G» (the regulation's own words, iplos_kpr.md § 5.2)
and «Fra» settle it: a band starts *at* its threshold (inclusive) and ends just below the next one.
An income of exactly 2G = 193 766 kr pays 76 kr, 193 765 kr pays 35 kr.

Amounts are Decimal kroner, rounded to øre (half up); rates, thresholds and caps are whole kroner.
Below 2G the monthly amount is rate × hours, at most the monthly cap. From 2G it is rate × hours,
and over a year the person pays for at most ``hours_cap_per_year`` hours (yearly cap = hours cap ×
rate: 7 600, 19 400, 31 900 kr in 2019). No single month can cost more than the yearly cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from helhet.cases.rules import InvalidInput
from helhet.cases.rules.tjenester import by_code, by_kpr_code
from helhet.cases.rules.vedtak import MAX_HOURS_PER_WEEK, hours_per_week_from_month

MONTHS_PER_YEAR = 12
#: The regulation's line for the monthly cap: households with income under 2G.
CAP_LINE_G = 2
_ORE = Decimal("0.01")

MSG_INCOME_MISSING = "Oppgi husstandens samlede inntekt (skattbar nettoinntekt før særfradrag) i kroner."
MSG_INCOME_NEGATIVE = "Oppgi husstandens samlede inntekt som et beløp på null kroner eller mer."


@dataclass(frozen=True)
class Band:
    """An income band: from ``from_g`` × G (inclusive) up to the next band; an hourly rate in kr."""

    from_g: int
    hourly_rate: int


@dataclass(frozen=True)
class RateTable:
    """A kommune's co-payment table for one calendar year.

    ``bands`` start at 0 and 2 (the regulation's 2G line), then rise; the rate never falls as the
    income rises. The band under 2G has a monthly cap; the bands from 2G a yearly cap of
    ``hours_cap_per_year`` hours.
    """

    year: int
    g: int
    bands: tuple[Band, ...]
    monthly_cap_below_2g: int
    hours_cap_per_year: int

    def __post_init__(self) -> None:
        if self.g <= 0:
            raise ValueError("G must be positive")
        if not self.bands or self.bands[0].from_g != 0:
            raise ValueError("the first band must start at 0 G")
        if len(self.bands) > 1 and self.bands[1].from_g != CAP_LINE_G:
            raise ValueError("the second band must start at 2 G, the regulation's cap line")
        for lower, upper in zip(self.bands, self.bands[1:], strict=False):
            if upper.from_g <= lower.from_g:
                raise ValueError("bands must rise")
            if upper.hourly_rate < lower.hourly_rate:
                raise ValueError("a higher income band may not have a lower hourly rate")
        if any(band.hourly_rate < 0 for band in self.bands):
            raise ValueError("rates cannot be negative")
        if self.monthly_cap_below_2g < 0 or self.hours_cap_per_year < 0:
            raise ValueError("caps cannot be negative")

    def lower_kr(self, band: Band) -> int:
        """The band's first income in kroner (inclusive)."""
        return band.from_g * self.g

    def upper_kr(self, band: Band) -> int | None:
        """The next band's first income in kroner (exclusive), or None for the top band."""
        index = self.bands.index(band)
        if index + 1 == len(self.bands):
            return None
        return self.lower_kr(self.bands[index + 1])

    def band_for(self, household_income_kr: int | Decimal) -> Band:
        """The band an income falls in (thresholds inclusive at their lower end)."""
        chosen = self.bands[0]
        for band in self.bands:
            if household_income_kr >= self.lower_kr(band):
                chosen = band
        return chosen

    def is_below_2g(self, band: Band) -> bool:
        return band.from_g < CAP_LINE_G

    def monthly_cap(self, band: Band) -> int | None:
        """The monthly cap in kr for the band under 2G; None from 2G."""
        return self.monthly_cap_below_2g if self.is_below_2g(band) else None

    def yearly_cap(self, band: Band) -> int:
        """The most a household in ``band`` pays in a year, in kr.

        From 2G: ``hours_cap_per_year`` × rate (the seed's caps). Under 2G: 12 × the monthly cap
        (derived; the seed states only the monthly cap).
        """
        if self.is_below_2g(band):
            return MONTHS_PER_YEAR * self.monthly_cap_below_2g
        return self.hours_cap_per_year * band.hourly_rate

    def label(self, band: Band) -> str:
        """«under 2 G», «2–3 G», «4 G og over»: the band as the letter names it."""
        index = self.bands.index(band)
        if index + 1 == len(self.bands):
            return "under 2 G" if band.from_g == 0 else f"{band.from_g} G og over"
        upper = self.bands[index + 1].from_g
        if band.from_g == 0:
            return f"under {upper} G"
        return f"{band.from_g}–{upper} G"


#: Oslo kommune, 2019: seed 004 lines 1555-1561 (G = 96 883, the G in force on 1 January 2019).
OSLO_2019 = RateTable(
    year=2019,
    g=96_883,
    bands=(Band(0, 35), Band(2, 76), Band(3, 194), Band(4, 319)),
    monthly_cap_below_2g=210,
    hours_cap_per_year=100,
)


@dataclass(frozen=True)
class Egenbetaling:
    """What a household pays for praktisk bistand, and why (``explanation`` is Norwegian)."""

    year: int
    g: int
    band: Band
    band_label: str
    income_from_kr: int
    income_to_kr: int | None  # exclusive; None for the top band
    hourly_rate: int
    hours_per_month: Decimal
    monthly_amount: Decimal
    monthly_cap: int | None  # under 2G only
    yearly_cap: int
    yearly_amount: Decimal  # 12 months of ``monthly_amount``, at most ``yearly_cap``
    explanation: str


def _money(value: Decimal) -> Decimal:
    return value.quantize(_ORE, rounding=ROUND_HALF_UP)


def _check_income(household_income_kr: int | Decimal | None) -> Decimal:
    if household_income_kr is None:
        raise InvalidInput(MSG_INCOME_MISSING)
    if isinstance(household_income_kr, bool) or not isinstance(household_income_kr, (int, Decimal)):
        raise InvalidInput(MSG_INCOME_MISSING)
    income = Decimal(household_income_kr)
    if not income.is_finite():
        raise InvalidInput(MSG_INCOME_MISSING)
    if income < 0:
        raise InvalidInput(MSG_INCOME_NEGATIVE)
    return income


def _check_hours(hours_per_month: Decimal | int) -> Decimal:
    if isinstance(hours_per_month, bool) or not isinstance(hours_per_month, (int, Decimal)):
        raise InvalidInput("Oppgi antall timer per måned som et tall.")
    hours = Decimal(hours_per_month)
    if not hours.is_finite():
        raise InvalidInput("Oppgi antall timer per måned som et tall.")
    if hours < 0:
        raise InvalidInput("Antall timer per måned kan ikke være negativt.")
    if hours_per_week_from_month(hours) > MAX_HOURS_PER_WEEK:
        raise InvalidInput("Et vedtak kan ikke gi mer enn 168 timer i uken (672 timer i måneden).")
    return hours


def format_kr(value: Decimal | int) -> str:
    """Norwegian kroner: «193 766», «1 234,50» (space between thousands, comma before øre)."""
    amount = Decimal(value)
    if amount == amount.to_integral_value():
        return f"{int(amount):,}".replace(",", " ")
    whole, _, ore = f"{_money(amount):,.2f}".partition(".")
    return f"{whole.replace(',', ' ')},{ore}"


def _format_hours(hours: Decimal) -> str:
    if hours == hours.to_integral_value():
        return str(int(hours))
    return format(hours.normalize(), "f").replace(".", ",")


def calculate(
    table: RateTable, household_income_kr: int | Decimal | None, hours_per_month: Decimal | int
) -> Egenbetaling:
    """The co-payment for ``hours_per_month`` hours of praktisk bistand at this household income.

    Raises :class:`InvalidInput` (Norwegian message) when the income is missing or negative, or the
    hours are negative or above 168 a week.
    """
    income = _check_income(household_income_kr)
    hours = _check_hours(hours_per_month)
    band = table.band_for(income)
    rate = band.hourly_rate
    raw = _money(rate * hours)
    yearly_cap = table.yearly_cap(band)
    monthly_cap = table.monthly_cap(band)
    monthly = _money(min(raw, Decimal(monthly_cap if monthly_cap is not None else yearly_cap)))
    yearly = _money(min(monthly * MONTHS_PER_YEAR, Decimal(yearly_cap)))
    lower, upper = table.lower_kr(band), table.upper_kr(band)
    label = table.label(band)

    if upper is None:
        where = f"er {label} (fra {format_kr(lower)} kr)"
    elif band.from_g == 0:
        where = f"er {label} (under {format_kr(upper)} kr)"
    else:
        where = f"er {label} ({format_kr(lower)}–{format_kr(upper - 1)} kr)"
    parts = [
        f"Husstandens inntekt på {format_kr(income)} kr {where}, med G = {format_kr(table.g)} kr.",
        f"Timesatsen er {rate} kr.",
    ]
    cost = f"{_format_hours(hours)} timer i måneden koster {format_kr(raw)} kr"
    if monthly_cap is not None:
        if raw > monthly_cap:
            parts.append(
                f"{cost}, men utgiftstaket er {monthly_cap} kr i måneden, så du betaler {monthly_cap} kr i måneden."
            )
        else:
            parts.append(f"{cost} i måneden. Utgiftstaket er {monthly_cap} kr i måneden.")
    else:
        parts.append(f"{cost} i måneden.")
        parts.append(
            f"Du betaler maksimalt for {table.hours_cap_per_year} timer per år, det vil si {format_kr(yearly_cap)} kr."
        )

    return Egenbetaling(
        year=table.year,
        g=table.g,
        band=band,
        band_label=label,
        income_from_kr=lower,
        income_to_kr=upper,
        hourly_rate=rate,
        hours_per_month=hours,
        monthly_amount=monthly,
        monthly_cap=monthly_cap,
        yearly_cap=yearly_cap,
        yearly_amount=yearly,
        explanation=" ".join(parts),
    )


def charge_for_month(result: Egenbetaling, charged_this_year_kr: Decimal | int) -> Decimal:
    """This month's invoice: the monthly amount, but never past the yearly cap.

    ``charged_this_year_kr`` is what the household has already been charged this calendar year.
    """
    already = Decimal(charged_this_year_kr)
    if already < 0:
        raise InvalidInput("Beløpet som allerede er fakturert i år kan ikke være negativt.")
    room = max(Decimal(result.yearly_cap) - already, Decimal(0))
    return min(result.monthly_amount, room)


def is_chargeable(service_code: str | int) -> bool:
    """Whether egenbetaling may be charged for a service type: Helhet's key (str) or its KPR code (int).

    Only praktisk bistand – daglige gjøremål (KPR code 1; seed 004 line 1552). Helsetjenester i
    hjemmet (KPR 15) and personal care are free (iplos_kpr.md § 5.2). The catalogue in
    ``tjenester.py`` is the one place that says so.
    """
    if isinstance(service_code, int) and not isinstance(service_code, bool):
        return by_kpr_code(service_code).chargeable
    return by_code(str(service_code)).chargeable
