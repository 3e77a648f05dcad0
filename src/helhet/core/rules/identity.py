"""Norwegian identity numbers: fødselsnummer, D-nummer and synthetic test numbers.

Validation is delegated to python-stdnum (``stdnum.no.fodselsnummer``), a maintained library that
checks both modulus-11 control digits and the birth date, and understands D-numbers (day + 40)
and H-numbers (month + 40).

Synthetic numbers: Skatteetaten's test environment (Tenor) issues *syntetiske fødselsnumre* with
80 added to the month, so they can never collide with a number in the real Folkeregister. stdnum
does not know that rule, so we strip the +80 before asking it about the birth date and let it
check the control digits on the number as written. Helhet's demo world and tests use only such
synthetic numbers (never a real person's).

Sources: Skatteetaten, «Fødselsnummer» and «Syntetiske testdata i Tenor»; Folkeregisterforskriften § 2-2-1.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
from dataclasses import dataclass
from enum import StrEnum

from stdnum import exceptions as stdnum_exceptions
from stdnum.no import fodselsnummer as stdnum_fnr

SYNTHETIC_MONTH_OFFSET = 80
D_NUMBER_DAY_OFFSET = 40


class IdKind(StrEnum):
    FODSELSNUMMER = "fodselsnummer"
    DNUMMER = "dnummer"
    HNUMMER = "hnummer"


@dataclass(frozen=True)
class PersonId:
    """A validated identity number and what it tells."""

    number: str
    kind: IdKind
    synthetic: bool
    birth_date: dt.date

    @property
    def masked(self) -> str:
        """The birth-date part and five stars: enough to tell people apart on screen."""
        return mask(self.number)


class InvalidPersonId(ValueError):
    """The number is not a valid fødselsnummer or D-nummer. ``message`` is Norwegian, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def compact(number: str) -> str:
    return "".join(ch for ch in str(number) if ch not in " -.:")


def _unsynthesize(number: str) -> tuple[str, bool]:
    """Return the number with the synthetic month offset removed (for date checks) and whether it had one."""
    month = int(number[2:4])
    if month > SYNTHETIC_MONTH_OFFSET:
        return number[:2] + f"{month - SYNTHETIC_MONTH_OFFSET:02d}" + number[4:], True
    return number, False


def parse(number: str, *, today: dt.date | None = None) -> PersonId:
    """Validate a fødselsnummer or D-nummer (real or synthetic) and describe it.

    Raises :class:`InvalidPersonId` with a Norwegian message.
    """
    value = compact(number)
    if not (value.isascii() and value.isdigit()) or len(value) != 11:
        raise InvalidPersonId("Fødselsnummer og D-nummer har 11 siffer.")
    if value[9] != stdnum_fnr.calc_check_digit1(value) or value[10] != stdnum_fnr.calc_check_digit2(value):
        raise InvalidPersonId("Kontrollsifrene stemmer ikke. Sjekk at nummeret er skrevet riktig.")
    plain, synthetic = _unsynthesize(value)
    if int(plain[0:2]) >= 80:
        raise InvalidPersonId("FH-nummer kan ikke brukes her. Oppgi fødselsnummer eller D-nummer.")
    try:
        birth = stdnum_fnr.get_birth_date(plain)
    except stdnum_exceptions.ValidationError as exc:
        raise InvalidPersonId("Nummeret inneholder ingen gyldig fødselsdato.") from exc
    if birth > (today or dt.date.today()):
        raise InvalidPersonId("Fødselsdatoen i nummeret ligger fram i tid.")
    if int(plain[0]) >= 4:
        kind = IdKind.DNUMMER
    elif int(plain[2]) >= 4:
        kind = IdKind.HNUMMER
    else:
        kind = IdKind.FODSELSNUMMER
    return PersonId(number=value, kind=kind, synthetic=synthetic, birth_date=birth)


def mask(number: str) -> str:
    """``DDMMÅÅ *****``: the person-number part is never shown unless the task needs it."""
    value = compact(number)
    return f"{value[:6]} *****"


def search_digest(number: str, key: bytes) -> str:
    """A keyed digest of the number, so the database can be searched by number without an index of numbers."""
    return hmac.new(key, compact(number).encode("ascii"), hashlib.sha256).hexdigest()


def _with_check_digits(nine: str) -> str | None:
    c1 = stdnum_fnr.calc_check_digit1(nine)
    if c1 == "10":
        return None
    c2 = stdnum_fnr.calc_check_digit2(nine + c1)
    if c2 == "10":
        return None
    return nine + c1 + c2


def synthetic_number(birth_date: dt.date, rng: random.Random, *, d_number: bool = False) -> str:
    """A valid *synthetic* number (month + 80, Tenor style) for the given birth date.

    Never a real person's number: the Folkeregister never issues a month above 12 + 40.
    """
    day = birth_date.day + (D_NUMBER_DAY_OFFSET if d_number else 0)
    month = birth_date.month + SYNTHETIC_MONTH_OFFSET
    yy = birth_date.year % 100
    if 1900 <= birth_date.year <= 1999:
        low, high = 0, 499
    elif 2000 <= birth_date.year <= 2039:
        low, high = 500, 999
    else:
        raise ValueError("birth year outside the supported range 1900-2039")
    for _ in range(1000):
        individual = rng.randint(low, high)
        candidate = _with_check_digits(f"{day:02d}{month:02d}{yy:02d}{individual:03d}")
        if candidate is not None:
            return candidate
    raise RuntimeError("could not find a valid individual number")  # pragma: no cover
