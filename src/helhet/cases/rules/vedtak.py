"""Rules for a vedtak: scope, period, overlap, changes to the person's disadvantage, expiry.

Sources:

- Hours per month → hours per week: divide by 4. KPR prescribes ÷ 4 although a month is about
  4.33 weeks (Helsedirektoratet, IPLOS spørsmål og svar – tjenester; ``shared/facts/iplos_kpr.md``
  § 3.2, source [S2]).
- At most 168 hours per week on one and the same service (168 h = one week); more triggers an
  error in the EPJ systems (same source, iplos_kpr.md § 3.2).
- A vedtak is made for services expected to last more than 14 days: Oslo's standard, seed 004
  lines 460-461: «Fatter vedtak på tjenester som forventes å vare over 14 dager.»
- f.o.m./t.o.m. are inclusive dates («Vedtaket gjelder f.o.m. 12.04.2019 t.o.m. 22.06.2019»,
  seed 004 line 1397); KPR treats a registration as valid when fra-dato ≤ til-dato and an empty
  til-dato as open (iplos_kpr.md § 3.2).
- A change to the person's disadvantage needs prior notice so the person can be heard
  (forvaltningsloven § 16); the letters say «Dersom behovet ditt endrer seg, vil tjenesten kunne
  bli endret. Du har da rett til å uttale deg før nytt vedtak gjøres. Dette følger av
  forvaltningsloven.» (seed 004 lines 1429-1431 and 1539-1541).
- «Ditt behov for bistand vil bli vurdert på nytt ved utløpsdato» (seed 004 lines 1397-1398): the
  worklist of vedtak expiring within N weeks serves that re-assessment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from helhet.cases.rules import InvalidInput
from helhet.cases.rules.tjenester import ScopeUnit

#: KPR: hours per month ÷ 4 = hours per week (iplos_kpr.md § 3.2).
WEEKS_PER_MONTH = Decimal(4)
#: KPR: no more than 168 hours per week on one service (iplos_kpr.md § 3.2).
MAX_HOURS_PER_WEEK = Decimal(168)
#: Døgn in a month: the most a DOGN scope (døgn per måned) can hold.
MAX_DOGN_PER_MONTH = Decimal(31)
#: Seed 004 lines 460-461: a vedtak for services expected to last «over 14 dager».
VEDTAK_REQUIRED_AFTER_DAYS = 14

MSG_MAX_HOURS = "Et vedtak kan ikke gi mer enn 168 timer i uken."
MSG_TOM_BEFORE_FOM = "Til-dato kan ikke være før fra-dato."


def _decimal(value: Decimal | int, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise InvalidInput(f"Oppgi {what} som et tall.")
    result = Decimal(value)
    if not result.is_finite():
        raise InvalidInput(f"Oppgi {what} som et tall.")
    return result


def hours_per_week_from_month(hours_per_month: Decimal | int) -> Decimal:
    """Hours per month ÷ 4, the KPR rule (24 h/month avlastning = 6 h/week)."""
    return _decimal(hours_per_month, "timer per måned") / WEEKS_PER_MONTH


def validate_scope(unit: ScopeUnit, amount: Decimal | int | None) -> Decimal | None:
    """Check the scope of a granting vedtak; return the amount as a Decimal (None for ``INGEN``).

    The amount must be above zero; hours per week at most 168 (KPR); døgn per month at most 31.
    Convert hours per month with :func:`hours_per_week_from_month` first. A service without a
    scope (``ScopeUnit.INGEN``, e.g. trygghetsalarm) takes no amount.
    """
    if unit is ScopeUnit.INGEN:
        if amount is not None and amount != 0:
            raise InvalidInput("Denne tjenesten har ikke noe omfang. La feltet for omfang stå tomt.")
        return None
    if amount is None:
        raise InvalidInput(f"Oppgi omfanget i {unit.label}.")
    value = _decimal(amount, "omfanget")
    if value <= 0:
        raise InvalidInput("Omfanget må være større enn null.")
    if unit is ScopeUnit.TIMER_PER_UKE and value > MAX_HOURS_PER_WEEK:
        raise InvalidInput(MSG_MAX_HOURS)
    if unit is ScopeUnit.DOGN and value > MAX_DOGN_PER_MONTH:
        raise InvalidInput("Et vedtak kan ikke gi mer enn 31 døgn i måneden.")
    return value


def requires_vedtak(expected_days: int) -> bool:
    """True when a service expected to last ``expected_days`` days needs a vedtak (more than 14)."""
    if expected_days < 0:
        raise InvalidInput("Forventet varighet kan ikke være negativ.")
    return expected_days > VEDTAK_REQUIRED_AFTER_DAYS


def validate_period(fom: dt.date | None, tom: dt.date | None) -> None:
    """f.o.m. must be given; t.o.m. may be empty (open-ended) but never before f.o.m."""
    if fom is None:
        raise InvalidInput("Oppgi fra-dato.")
    if tom is not None and tom < fom:
        raise InvalidInput(MSG_TOM_BEFORE_FOM)


def overlaps(a_fom: dt.date, a_tom: dt.date | None, b_fom: dt.date, b_tom: dt.date | None) -> bool:
    """Whether two periods share at least one day. Both ends are inclusive; None is open-ended.

    Used to refuse two vedtak on the same service for the same person in the same period. A period
    whose t.o.m. is before its f.o.m. is :class:`InvalidInput`, as in :func:`validate_period`.
    """
    validate_period(a_fom, a_tom)
    validate_period(b_fom, b_tom)
    a_ends_before_b = a_tom is not None and a_tom < b_fom
    b_ends_before_a = b_tom is not None and b_tom < a_fom
    return not (a_ends_before_b or b_ends_before_a)


@dataclass(frozen=True)
class Omfang:
    """What a vedtak gives, for comparing an old vedtak with the new one."""

    granted: bool  # False: refusal, or the service stops
    unit: ScopeUnit
    amount: Decimal | None  # None for ScopeUnit.INGEN
    tom: dt.date | None  # None: open-ended


def disadvantages(old: Omfang, new: Omfang) -> list[str]:
    """How ``new`` is to the person's disadvantage compared with ``old`` (empty list: it is not).

    Each reason is a Norwegian sentence for the case officer. When the two scopes cannot be
    compared (a different unit), it counts as a disadvantage: better to hear the person once too
    often than once too seldom (forvaltningsloven § 16).
    """
    if not old.granted:
        return []
    if not new.granted:
        return ["Tjenesten avslås eller opphører."]
    reasons: list[str] = []
    if new.unit != old.unit:
        reasons.append(f"Omfanget endres fra {old.unit.label} til {new.unit.label} og kan ikke sammenlignes direkte.")
    elif old.amount is not None and new.amount is not None and new.amount < old.amount:
        reasons.append(f"Omfanget reduseres fra {_fmt(old.amount)} til {_fmt(new.amount)} {new.unit.label}.")
    if new.tom is not None and (old.tom is None or new.tom < old.tom):
        old_end = "uten sluttdato" if old.tom is None else f"til {old.tom:%d.%m.%Y}"
        reasons.append(f"Vedtaket gjaldt {old_end}, men skal nå gjelde til {new.tom:%d.%m.%Y}.")
    return reasons


def is_disadvantageous(old: Omfang, new: Omfang) -> bool:
    """True when replacing ``old`` by ``new`` requires that the person was heard first (fvl. § 16)."""
    return bool(disadvantages(old, new))


def expiring_within(tom: dt.date | None, today: dt.date, weeks: int) -> bool:
    """True when the vedtak ends between ``today`` and ``weeks`` weeks from today (both inclusive).

    An open-ended vedtak never expires; one that has already ended is not «expiring» (it is over).
    """
    if weeks < 0:
        raise InvalidInput("Antall uker kan ikke være negativt.")
    if tom is None:
        return False
    return today <= tom <= today + dt.timedelta(weeks=weeks)


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")
