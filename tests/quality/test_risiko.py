"""The risk matrix: labels as data, score and level, guided grading, and re-scoring after measures."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helhet.quality.rules.risiko import (
    DIMENSJON_NAVN,
    KONSEKVENS,
    KONSEKVENS_PER_DIMENSJON,
    MATRISE,
    MERKNAD_ARBEIDSTILSYNET,
    MERKNAD_DATATILSYNET,
    MERKNAD_HELSETILSYN,
    NIVA_HANDLING,
    NIVA_NAVN,
    SANNSYNLIGHET,
    SPORSMAL,
    SPORSMAL_ETTER_KODE,
    Dimensjon,
    InvalidAssessment,
    Niva,
    Vurdering,
    grade_consequence,
    level,
    niva_rank,
    questions_for,
    rescore,
    sannsynlighet_from_frequency,
)

STEPS = st.integers(min_value=1, max_value=5)
CODES = [q.kode for q in SPORSMAL]

# --- Labels and the matrix as data ---------------------------------------------------------------


def test_the_scales_have_five_labelled_steps() -> None:
    assert [t.verdi for t in SANNSYNLIGHET] == [1, 2, 3, 4, 5]
    assert [t.verdi for t in KONSEKVENS] == [1, 2, 3, 4, 5]
    assert SANNSYNLIGHET[0].navn == "Svært lite sannsynlig"
    assert "10. år" in SANNSYNLIGHET[0].veiledning
    assert SANNSYNLIGHET[4].veiledning == "Ukentlig eller oftere"
    assert KONSEKVENS[0].navn == "Ubetydelig"
    assert KONSEKVENS[4].navn == "Svært alvorlig"
    assert "taushetsplikt" in KONSEKVENS[4].veiledning


def test_every_dimension_describes_all_five_consequences() -> None:
    assert set(KONSEKVENS_PER_DIMENSJON) == set(Dimensjon) == set(DIMENSJON_NAVN)
    for descriptions in KONSEKVENS_PER_DIMENSJON.values():
        assert sorted(descriptions) == [1, 2, 3, 4, 5]
        assert all(text.strip() for text in descriptions.values())


def test_every_level_has_a_name_and_an_action() -> None:
    assert set(NIVA_NAVN) == set(NIVA_HANDLING) == set(Niva)
    assert NIVA_NAVN[Niva.HOY] == "Høy"
    assert [niva_rank(n) for n in (Niva.LAV, Niva.MIDDELS, Niva.HOY, Niva.KRITISK)] == [0, 1, 2, 3]


def test_the_matrix_is_five_by_five_and_uses_all_levels() -> None:
    assert sorted(MATRISE) == [1, 2, 3, 4, 5]
    assert all(len(row) == 5 for row in MATRISE.values())
    assert {cell for row in MATRISE.values() for cell in row} == set(Niva)


@pytest.mark.parametrize(
    ("s", "k", "expected"),
    [
        (1, 1, Niva.LAV),
        (5, 5, Niva.KRITISK),
        (1, 5, Niva.HOY),  # a rare death is not a small risk
        (5, 1, Niva.MIDDELS),  # a weekly trifle is not a big one
        (3, 3, Niva.MIDDELS),
        (3, 4, Niva.HOY),
        (4, 4, Niva.KRITISK),
        (2, 3, Niva.MIDDELS),
    ],
)
def test_levels_of_chosen_cells(s: int, k: int, expected: Niva) -> None:
    assert Vurdering(s, k).niva == expected == level(s, k)


def test_the_matrix_is_monotone_in_both_axes_exhaustively() -> None:
    for s, k in itertools.product(range(1, 6), repeat=2):
        here = niva_rank(level(s, k))
        if s < 5:
            assert niva_rank(level(s + 1, k)) >= here, (s, k)
        if k < 5:
            assert niva_rank(level(s, k + 1)) >= here, (s, k)


@given(STEPS, STEPS, STEPS, STEPS)
def test_level_is_monotone_property(s1: int, k1: int, s2: int, k2: int) -> None:
    if s1 <= s2 and k1 <= k2:
        assert niva_rank(level(s1, k1)) <= niva_rank(level(s2, k2))
        assert Vurdering(s1, k1).score <= Vurdering(s2, k2).score


def test_consequence_weighs_more_than_probability() -> None:
    for a, b in itertools.combinations(range(1, 6), 2):  # a < b
        assert niva_rank(level(a, b)) >= niva_rank(level(b, a)), (a, b)


def test_score_and_text() -> None:
    vurdering = Vurdering(3, 4)
    assert vurdering.score == 12
    assert vurdering.tekst == "Høy (S3 × K4 = 12)"


@pytest.mark.parametrize("bad", [0, 6, -1, True, 2.0, "3", None])
def test_invalid_steps_are_refused_in_norwegian(bad: object) -> None:
    with pytest.raises(InvalidAssessment, match="må være et helt tall fra 1 til 5"):
        Vurdering(bad, 3)  # type: ignore[arg-type]
    with pytest.raises(InvalidAssessment, match="Konsekvens"):
        Vurdering(3, bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("per_year", "expected"),
    [(0, 1), (0.05, 1), (0.1, 2), (0.5, 2), (1, 3), (11.9, 3), (12, 4), (51, 4), (52, 5), (365, 5)],
)
def test_probability_from_frequency(per_year: float, expected: int) -> None:
    assert sannsynlighet_from_frequency(per_year) == expected


def test_negative_frequency_is_refused() -> None:
    with pytest.raises(InvalidAssessment):
        sannsynlighet_from_frequency(-1)


@given(st.floats(min_value=0, max_value=1e6), st.floats(min_value=0, max_value=1e6))
def test_probability_from_frequency_is_monotone(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert 1 <= sannsynlighet_from_frequency(low) <= sannsynlighet_from_frequency(high) <= 5


# --- Guided grading ------------------------------------------------------------------------------


def test_questions_are_unique_and_cover_every_step_of_every_dimension() -> None:
    assert len(CODES) == len(set(CODES))
    for dimensjon in Dimensjon:
        levels = {q.konsekvens for q in questions_for(dimensjon)}
        assert levels == {2, 3, 4, 5}, dimensjon
        asked = [q.konsekvens for q in questions_for(dimensjon)]
        assert asked == sorted(asked), "mildest first"
    for question in SPORSMAL:
        assert question.tekst.endswith("?") and question.tekst_ros.endswith("?")
        assert question.tekst_ros.startswith("Kan ")


def test_the_brief_examples_are_asked() -> None:
    texts = {q.tekst for q in SPORSMAL}
    assert "Måtte personen ha legehjelp?" in texts
    assert "Ble helseopplysninger sett av uvedkommende?" in texts
    assert any(t.startswith("Førte hendelsen til skade på person") for t in texts)


def test_no_yes_means_negligible() -> None:
    gradering = grade_consequence({})
    assert gradering.konsekvens == 1
    assert gradering.navn == "Ubetydelig"
    assert gradering.avgjort_av == ()
    assert set(gradering.ubesvart) == set(CODES)
    assert gradering.begrunnelse == "Konsekvens 1 (Ubetydelig): ingen av spørsmålene ble besvart med ja."


def test_a_doctor_visit_is_moderate() -> None:
    gradering = grade_consequence({"lh_skade": True, "lh_legehjelp": True, "lh_sykehus": False, "lh_dod_varig": False})
    assert gradering.konsekvens == 3
    assert gradering.avgjort_av == ("lh_legehjelp",)
    assert dict(gradering.per_dimensjon)[Dimensjon.LIV_OG_HELSE] == 3
    assert "«Måtte personen ha legehjelp?» ja" in gradering.begrunnelse
    assert gradering.merknader == ()


def test_health_data_seen_by_outsiders_is_serious_and_must_be_reported() -> None:
    gradering = grade_consequence({"pv_helseopplysninger": True})
    assert gradering.konsekvens == 4
    assert gradering.navn == "Alvorlig"
    assert gradering.merknader == (MERKNAD_DATATILSYNET,)
    assert "72 timer" in gradering.merknader[0]


def test_the_worst_dimension_decides_and_duties_are_listed_once() -> None:
    gradering = grade_consequence(
        {
            "tk_bortfalt": True,
            "lh_dod_varig": True,
            "pv_personopplysninger": True,
            "pv_helseopplysninger": True,
            "hms_alvorlig": True,
        }
    )
    assert gradering.konsekvens == 5
    assert gradering.avgjort_av == ("lh_dod_varig",)
    assert gradering.merknader == (MERKNAD_HELSETILSYN, MERKNAD_DATATILSYNET, MERKNAD_ARBEIDSTILSYNET)


def test_ros_grading_has_no_notification_duties() -> None:
    gradering = grade_consequence({"lh_dod_varig": True}, ros=True)
    assert gradering.konsekvens == 5
    assert gradering.merknader == ()


def test_grading_can_be_limited_to_some_dimensions() -> None:
    gradering = grade_consequence({"hms_legehjelp": True}, dimensjoner=[Dimensjon.HMS])
    assert gradering.konsekvens == 3
    assert [d for d, _ in gradering.per_dimensjon] == [Dimensjon.HMS]
    assert set(gradering.ubesvart) == {q.kode for q in questions_for(Dimensjon.HMS)} - {"hms_legehjelp"}
    with pytest.raises(InvalidAssessment, match="ikke er valgt"):
        grade_consequence({"lh_legehjelp": True}, dimensjoner=[Dimensjon.HMS])
    # an explicit «not answered» outside the chosen dimensions is harmless
    assert grade_consequence({"lh_legehjelp": None}, dimensjoner=[Dimensjon.HMS]).konsekvens == 1


def test_unknown_questions_and_non_boolean_answers_are_refused() -> None:
    with pytest.raises(InvalidAssessment, match="Ukjent spørsmål"):
        grade_consequence({"finnes_ikke": True})
    with pytest.raises(InvalidAssessment, match="ja eller nei"):
        grade_consequence({"lh_skade": 1})  # type: ignore[dict-item]


@settings(max_examples=200)
@given(st.sets(st.sampled_from(CODES)), st.sets(st.sampled_from(CODES)))
def test_more_yes_never_gives_a_lower_consequence(some: set[str], more: set[str]) -> None:
    fewer = grade_consequence({code: True for code in some})
    many = grade_consequence({code: True for code in some | more})
    assert fewer.konsekvens <= many.konsekvens


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from(CODES), st.one_of(st.none(), st.booleans())))
def test_grading_is_the_highest_yes_and_deterministic(answers: dict[str, bool | None]) -> None:
    gradering = grade_consequence(answers)
    yes = [SPORSMAL_ETTER_KODE[c].konsekvens for c, v in answers.items() if v]
    assert gradering.konsekvens == max(yes, default=1)
    assert grade_consequence(dict(reversed(list(answers.items())))) == gradering
    assert all(SPORSMAL_ETTER_KODE[c].konsekvens == gradering.konsekvens for c in gradering.avgjort_av)
    assert set(gradering.ubesvart) == {c for c in CODES if answers.get(c) is None}


# --- Re-scoring after measures -------------------------------------------------------------------


def test_a_reduced_risk_is_fine() -> None:
    result = rescore(Vurdering(4, 4), Vurdering(2, 4))
    assert result.redusert and not result.hoyere and result.ok
    assert result.advarsler == ()


def test_a_higher_residual_risk_needs_a_justification() -> None:
    result = rescore(Vurdering(2, 3), Vurdering(3, 3))  # middels 6 → middels 9
    assert result.hoyere and result.mangler_begrunnelse and not result.ok
    assert "er høyere enn risikoen før tiltak" in result.advarsler[0]
    assert "Skriv en begrunnelse" in result.advarsler[0]
    assert any("Sannsynligheten er satt høyere" in w for w in result.advarsler)

    justified = rescore(Vurdering(2, 3), Vurdering(3, 3), "  Flere brukere på samme rute fra mars.  ")
    assert justified.hoyere and justified.ok and not justified.mangler_begrunnelse
    assert justified.begrunnelse == "Flere brukere på samme rute fra mars."
    assert justified.advarsler[0].endswith("Begrunnelse: Flere brukere på samme rute fra mars.")


def test_a_blank_justification_is_no_justification() -> None:
    assert not rescore(Vurdering(1, 1), Vurdering(5, 5), "   ").ok


def test_the_level_decides_before_the_score() -> None:
    before, after = Vurdering(1, 5), Vurdering(4, 2)  # høy 5 → middels 8
    result = rescore(before, after)
    assert not result.hoyere and result.ok and result.redusert
    assert any("Sannsynligheten er satt høyere" in w for w in result.advarsler)


def test_a_raised_consequence_is_flagged_even_when_the_risk_falls() -> None:
    result = rescore(Vurdering(5, 3), Vurdering(1, 4))  # høy → middels
    assert result.ok and result.redusert
    assert any("Konsekvensen er satt høyere etter tiltak (3 → 4)" in w for w in result.advarsler)


def test_a_residual_risk_that_is_still_high_is_flagged() -> None:
    result = rescore(Vurdering(5, 5), Vurdering(4, 4))
    assert result.ok
    assert result.advarsler == (f"Restrisikoen er fortsatt kritisk: {NIVA_HANDLING[Niva.KRITISK]}",)


@given(STEPS, STEPS, STEPS, STEPS, st.one_of(st.none(), st.text(max_size=20)))
def test_rescoring_blocks_exactly_an_unjustified_increase(
    s1: int, k1: int, s2: int, k2: int, reason: str | None
) -> None:
    before, after = Vurdering(s1, k1), Vurdering(s2, k2)
    result = rescore(before, after, reason)
    higher = (niva_rank(after.niva), after.score) > (niva_rank(before.niva), before.score)
    assert result.hoyere == higher
    justified = bool(reason and reason.strip())
    assert result.ok == (not higher or justified)
    if not higher and after.konsekvens <= k1 and after.sannsynlighet <= s1 and niva_rank(after.niva) < 2:
        assert result.advarsler == ()
