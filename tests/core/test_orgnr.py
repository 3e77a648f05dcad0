"""Organisation numbers (``helhet.core.rules.orgnr``): pure functions, no database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st
from stdnum.no import orgnr as stdnum_orgnr

from factories import LeverandorFactory, orgnr_for
from helhet.core.models.organisations import validate_orgnr
from helhet.core.rules import orgnr
from helhet.core.rules.orgnr import InvalidOrgnr

MSG_LENGTH = "Organisasjonsnummeret skal ha 9 siffer."
MSG_CHECKSUM = "Organisasjonsnummeret har feil kontrollsiffer."

#: Brønnøysundregistrene's own organisation number.
VALID = "974760673"

eight_digits = st.text(alphabet="0123456789", min_size=8, max_size=8)


def invalid_message(number: str) -> str:
    with pytest.raises(InvalidOrgnr) as info:
        orgnr.validate(number)
    return info.value.message


@pytest.mark.parametrize("written", [VALID, "974 760 673", " 974760673 "])
def test_valid_number_is_returned_compact(written: str) -> None:
    assert orgnr.validate(written) == VALID


@pytest.mark.parametrize("number", ["974760674", "974760670", "874760673", "988077918"])
def test_bad_control_digit_is_refused(number: str) -> None:
    assert invalid_message(number) == MSG_CHECKSUM


@pytest.mark.parametrize("number", ["", "97476067", "9747606731", "97476067A", "ABCDEFGHI", "974-760-673"])
def test_wrong_length_or_letters_give_the_length_message(number: str) -> None:
    assert invalid_message(number) == MSG_LENGTH


@given(eight=eight_digits)
@example(eight=VALID[:8])
@example(eight="00000000")
def test_with_check_digit_always_validates_or_is_none(eight: str) -> None:
    completed = orgnr.with_check_digit(eight)
    fitting = [d for d in "0123456789" if stdnum_orgnr.is_valid(eight + d)]

    if completed is None:
        # None exactly when the control digit would have to be 10.
        assert fitting == []
        assert (11 - stdnum_orgnr.checksum(eight + "0")) % 11 == 10
    else:
        assert completed[:8] == eight
        assert orgnr.validate(completed) == completed
        assert fitting == [completed[8]]  # the control digit is unique


def test_with_check_digit_finds_the_known_number() -> None:
    assert orgnr.with_check_digit(VALID[:8]) == VALID


@given(eight=eight_digits, position=st.integers(0, 8), step=st.integers(1, 9))
def test_flipping_any_single_digit_is_caught(eight: str, position: int, step: int) -> None:
    number = orgnr.with_check_digit(eight)
    if number is None:
        return
    digit = str((int(number[position]) + step) % 10)
    typo = number[:position] + digit + number[position + 1 :]
    assert invalid_message(typo) == MSG_CHECKSUM


def test_format_groups_in_threes() -> None:
    assert orgnr.format_orgnr(VALID) == "974 760 673"
    assert orgnr.format_orgnr("974 760 673") == "974 760 673"


def test_model_validator_turns_invalid_numbers_into_a_validation_error() -> None:
    validate_orgnr(VALID)
    with pytest.raises(ValidationError) as info:
        validate_orgnr("974760674")
    assert info.value.messages == [MSG_CHECKSUM]
    assert info.value.error_list[0].code == "invalid_orgnr"


@pytest.mark.parametrize("number", ["97476067³", VALID.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))])
def test_non_ascii_digits_get_the_length_message(number: str) -> None:
    assert invalid_message(number) == MSG_LENGTH


# --- the test data itself --------------------------------------------------------------------------


def test_factory_orgnr_is_valid_and_unique_per_sequence() -> None:
    numbers = [orgnr_for(n) for n in range(5000)]
    assert len(set(numbers)) == len(numbers)
    assert all(orgnr.validate(number) == number for number in numbers)


@pytest.mark.django_db
def test_leverandor_factory_passes_model_validation() -> None:
    for leverandor in LeverandorFactory.create_batch(5):
        leverandor.full_clean()
