"""IPLOS functional variables and scales (``helhet.cases.rules.iplos``): data and validation, no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helhet.cases.rules import InvalidInput, iplos
from helhet.cases.rules.iplos import (
    SCALES,
    needs_personbistand,
    parse_variables,
    validate_score,
    variables,
    wording,
)


def test_the_17_known_variables_load_from_the_csv() -> None:
    items = variables()
    assert len(items) == 17  # iplos_kpr.md § 1.2 (KPR has 20; three names not found)
    names = [v.name for v in items]
    assert names[0] == "Sosial deltakelse"
    assert "Syn" in names and "Hørsel" in names and "Av- og påkledning" in names
    assert len({v.code for v in items}) == 17
    assert all(v.code.isascii() and v.scale in SCALES for v in items)


def test_comment_lines_are_skipped() -> None:
    text = "# source and date\ncode,name,group,scale\n# another note\na,A,G,funksjon\n"
    assert [v.code for v in parse_variables(text)] == ["a"]


def test_a_bad_data_file_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_variables("code,name,group,scale\na,A,G,funksjon\na,B,G,funksjon\n")
    with pytest.raises(ValueError):
        parse_variables("code,name,group,scale\na,A,G,ukjent\n")


@pytest.mark.parametrize("score", [1, 2, 3, 4, 5, 9])
def test_functional_scale_is_1_to_5_and_9(score: int) -> None:
    assert validate_score("personlig_hygiene", score) == score


@pytest.mark.parametrize("score", [0, 6, 7, 8, 10, -1])
def test_outside_the_scale(score: int) -> None:
    with pytest.raises(InvalidInput) as info:
        validate_score("personlig_hygiene", score)
    assert info.value.message == "Skåren for «Personlig hygiene» må være 1–5 eller 9 (ikke relevant)."


def test_vision_has_its_own_scale_without_9() -> None:
    assert wording("syn", 5) == "Blind."
    assert wording("syn", 1) == "Ser godt, ingen problemer."
    with pytest.raises(InvalidInput) as info:
        validate_score("syn", 9)
    assert info.value.message == "Skåren for «Syn» må være 1–5."


def test_hearing_wording_is_unconfirmed() -> None:
    assert validate_score("horsel", 3) == 3
    assert wording("horsel", 3) is None


def test_scale_wording_and_personbistand() -> None:
    assert (wording("spise", 9) or "").startswith("Ikke relevant")
    assert [needs_personbistand("spise", s) for s in (1, 2, 3, 4, 5, 9)] == [False, False, True, True, True, None]


def test_unknown_variable_and_non_integer_score() -> None:
    with pytest.raises(InvalidInput) as info:
        validate_score("finnes_ikke", 1)
    assert info.value.message == "Ukjent funksjonsvariabel: «finnes_ikke»."
    with pytest.raises(InvalidInput):
        validate_score("spise", "3")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        validate_score("spise", True)


def test_no_samlemal_until_it_is_confirmed() -> None:
    """iplos_kpr.md § 2.2: the bistandsbehov computation is UNCONFIRMED, so there is none."""
    assert not hasattr(iplos, "bistandsbehov")


@given(code=st.sampled_from([v.code for v in variables()]), score=st.integers(-5, 15))
def test_valid_iff_on_the_scale(code: str, score: int) -> None:
    allowed = {level.score for level in SCALES[iplos.variable(code).scale]}
    if score in allowed:
        assert validate_score(code, score) == score
    else:
        with pytest.raises(InvalidInput):
            validate_score(code, score)
