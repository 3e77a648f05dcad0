"""Norwegian organisation numbers (Enhetsregisteret).

Nine digits, the last a modulus-11 control digit with weights 3 2 7 6 5 4 3 2; validated by
python-stdnum (``stdnum.no.orgnr``). Source: Brønnøysundregistrene, «Organisasjonsnummeret».
"""

from __future__ import annotations

from stdnum import exceptions as stdnum_exceptions
from stdnum.no import orgnr as stdnum_orgnr


class InvalidOrgnr(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def validate(number: str) -> str:
    """Return the compact number, or raise :class:`InvalidOrgnr` with a Norwegian message."""
    value = stdnum_orgnr.compact(str(number))
    if not (value.isascii() and value.isdigit()) or len(value) != 9:
        raise InvalidOrgnr("Organisasjonsnummeret skal ha 9 siffer.")
    try:
        return str(stdnum_orgnr.validate(value))
    except stdnum_exceptions.ValidationError as exc:
        raise InvalidOrgnr("Organisasjonsnummeret har feil kontrollsiffer.") from exc


def with_check_digit(eight: str) -> str | None:
    """Complete eight digits to a valid number (None if no control digit fits)."""
    for digit in "0123456789":
        if stdnum_orgnr.checksum(eight + digit) == 0:
            return eight + digit
    return None


def format_orgnr(number: str) -> str:
    value = stdnum_orgnr.compact(number)
    return f"{value[:3]} {value[3:6]} {value[6:]}"
