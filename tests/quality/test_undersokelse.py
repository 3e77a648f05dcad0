"""Survey aggregation: question types, minimum group size, complementary suppression, round comparison."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helhet.quality.rules.undersokelse import (
    MIN_GROUP_SIZE,
    NO_GROUP,
    NOTE_COMPLEMENT,
    NOTE_NONE,
    NPS_QUESTION,
    SCALE_LABELS,
    Answer,
    InvalidAnswer,
    Kind,
    NpsResult,
    Question,
    Report,
    ScaleResult,
    TextResult,
    Value,
    YesNoResult,
    aggregate,
    compare_rounds,
    main_value,
    suppress,
)

Q_ENIG = Question("enig", Kind.ENIG_1_5, "De ansatte behandler meg med respekt.")
Q_SEKS = Question("seks", Kind.SKALA_1_6, "Alt i alt, hvor fornøyd er du med tjenesten?")
Q_JA = Question("ja", Kind.JA_NEI, "Vet du hvem som er primærkontakten din?")
Q_TEKST = Question("tekst", Kind.FRITEKST, "Hva kan vi gjøre bedre?")
Q_NPS = Question("nps", Kind.NPS, NPS_QUESTION.format(what="hjemmetjenesten"))
ALL = [Q_ENIG, Q_SEKS, Q_JA, Q_TEKST, Q_NPS]
FEW = f"Færre enn {MIN_GROUP_SIZE} svar. Resultatet vises ikke, av hensyn til personvernet."


def answers_for(question: str, group: str | None, values: Sequence[Value], prefix: str = "") -> list[Answer]:
    tag = prefix or (group or "x")
    return [Answer(f"{tag}-{i}", question, v, group) for i, v in enumerate(values)]


# --- Labels and question types -------------------------------------------------------------------


def test_scale_labels_are_data() -> None:
    assert SCALE_LABELS[Kind.ENIG_1_5][1] == "Helt uenig"
    assert SCALE_LABELS[Kind.ENIG_1_5][5] == "Helt enig"
    assert SCALE_LABELS[Kind.SKALA_1_6] == {1: "Helt uenig", 6: "Helt enig"}
    assert NPS_QUESTION.format(what="oss") == "Hvor sannsynlig er det at du vil anbefale oss til andre?"
    assert MIN_GROUP_SIZE == 5


def test_an_agreement_scale_with_dont_know() -> None:
    report = aggregate([Q_ENIG], answers_for("enig", None, [5, 4, 4, 2, 1, None, None]))
    result = report.questions[0].total.result
    assert isinstance(result, ScaleResult)
    assert result.n == 5 and result.dont_know == 2
    assert result.mean == pytest.approx(3.2)
    assert result.distribution == ((1, 1), (2, 1), (3, 0), (4, 2), (5, 1))
    assert result.share_positive == pytest.approx(0.6)
    assert result.sd == pytest.approx(1.6431676725)
    assert report.questions[0].total.n == 5


def test_the_national_one_to_six_scale_counts_four_to_six_as_positive() -> None:
    result = aggregate([Q_SEKS], answers_for("seks", None, [6, 5, 4, 3, 1])).questions[0].total.result
    assert isinstance(result, ScaleResult)
    assert result.share_positive == pytest.approx(0.6)
    assert result.mean == pytest.approx(3.8)
    assert len(result.distribution) == 6


def test_yes_no() -> None:
    result = (
        aggregate([Q_JA], answers_for("ja", None, [True, True, True, False, False, None])).questions[0].total.result
    )
    assert isinstance(result, YesNoResult)
    assert (result.n, result.yes, result.no, result.dont_know) == (5, 3, 2, 1)
    assert result.share_yes == pytest.approx(0.6)
    assert main_value(result) == pytest.approx(0.6)


def test_nps_promoters_passives_detractors() -> None:
    values = [10, 9, 9, 8, 7, 6, 0, 3, 10, 5]
    result = aggregate([Q_NPS], answers_for("nps", None, values)).questions[0].total.result
    assert isinstance(result, NpsResult)
    assert (result.promoters, result.passives, result.detractors) == (4, 2, 4)
    assert result.nps == 0
    all_promoters = aggregate([Q_NPS], answers_for("nps", None, [9, 10, 9, 10, 9])).questions[0].total.result
    assert isinstance(all_promoters, NpsResult) and all_promoters.nps == 100
    assert main_value(all_promoters) == 100


def test_free_text_is_sorted_and_empty_text_is_no_answer() -> None:
    texts = ["Mer tid", "  ", "Bedre informasjon", "Faste folk", "", "Alt bra", "Ringe når de blir forsinket"]
    cell = aggregate([Q_TEKST], answers_for("tekst", None, texts)).questions[0].total
    assert cell.n == 5
    assert isinstance(cell.result, TextResult)
    assert cell.result.texts == ("Alt bra", "Bedre informasjon", "Faste folk", "Mer tid", "Ringe når de blir forsinket")
    assert main_value(cell.result) is None


@pytest.mark.parametrize(
    ("question", "value", "match"),
    [
        (Q_ENIG, 6, "fra 1 til 5"),
        (Q_ENIG, 0, "fra 1 til 5"),
        (Q_SEKS, True, "fra 1 til 6"),
        (Q_NPS, 11, "fra 0 til 10"),
        (Q_NPS, 5.5, "fra 0 til 10"),
        (Q_JA, 1, "ja eller nei"),
        (Q_TEKST, 3, "tekst"),
    ],
)
def test_answers_must_fit_their_question(question: Question, value: object, match: str) -> None:
    with pytest.raises(InvalidAnswer, match=match):
        aggregate([question], [Answer("r", question.id, value)])  # type: ignore[arg-type]


def test_malformed_rounds_are_refused() -> None:
    with pytest.raises(InvalidAnswer, match="ukjent spørsmål"):
        aggregate([Q_ENIG], [Answer("r", "finnes-ikke", 3)])
    with pytest.raises(InvalidAnswer, match="to ganger"):
        aggregate([Q_ENIG], [Answer("r", "enig", 3), Answer("r", "enig", 4)])
    with pytest.raises(InvalidAnswer, match="to grupper"):
        aggregate([Q_ENIG, Q_JA], [Answer("r", "enig", 3, "A"), Answer("r", "ja", True, "B")])
    with pytest.raises(InvalidAnswer, match="samme id"):
        aggregate([Q_ENIG, Q_ENIG], [])
    with pytest.raises(ValueError):
        aggregate([Q_ENIG], [], min_n=0)


# --- Suppression ---------------------------------------------------------------------------------


def test_a_small_total_hides_everything() -> None:
    report = aggregate([Q_ENIG], answers_for("enig", "A", [5, 5, 4, 4]))
    q = report.questions[0]
    assert not q.total.shown and q.total.result is None and q.total.n is None
    assert q.total.note == FEW
    assert [(c.group, c.shown, c.note) for c in q.groups] == [("A", False, FEW)]


def test_a_group_under_five_is_hidden_and_says_so() -> None:
    answers = answers_for("enig", "A", [5] * 6) + answers_for("enig", "B", [1] * 4) + answers_for("enig", "C", [3] * 5)
    q = aggregate([Q_ENIG], answers).questions[0]
    cells = {c.group: c for c in q.groups}
    assert cells["B"].note == FEW and cells["B"].n is None and cells["B"].result is None
    # B alone (4) could be computed as total − A − C, so the smallest shown group, C, is hidden too
    assert cells["C"].note == NOTE_COMPLEMENT and not cells["C"].shown
    assert cells["A"].shown and cells["A"].n == 6
    assert q.total.shown and q.total.n == 15


def test_complement_rule_with_two_groups() -> None:
    answers = answers_for("enig", "A", [4] * 7) + answers_for("enig", "B", [2] * 3)
    q = aggregate([Q_ENIG], answers).questions[0]
    assert q.total.shown and q.total.n == 10
    assert [(c.group, c.shown, c.note) for c in q.groups] == [("A", False, NOTE_COMPLEMENT), ("B", False, FEW)]


def test_two_small_groups_protect_each_other() -> None:
    answers = answers_for("enig", "A", [4] * 7) + answers_for("enig", "B", [2] * 3) + answers_for("enig", "C", [1] * 3)
    q = aggregate([Q_ENIG], answers).questions[0]
    assert [(c.group, c.shown) for c in q.groups] == [("A", True), ("B", False), ("C", False)]


def test_respondents_without_a_group_count_as_a_group() -> None:
    answers = answers_for("enig", "A", [4] * 6) + answers_for("enig", "B", [4] * 6) + answers_for("enig", None, [1, 2])
    q = aggregate([Q_ENIG], answers).questions[0]
    assert [c.group for c in q.groups] == ["A", "B", NO_GROUP]
    shown = [c.group for c in q.groups if c.shown]
    assert shown == ["B"]  # A (tie, first by name) hidden to protect the two without a group


def test_dont_know_answers_are_protected_too() -> None:
    # B has only «vet ikke»; total − A would show that B's two people answered «vet ikke».
    answers = answers_for("enig", "A", [3] * 5) + answers_for("enig", "B", [None, None])
    q = aggregate([Q_ENIG], answers).questions[0]
    assert q.total.shown
    assert [(c.group, c.shown) for c in q.groups] == [("A", False), ("B", False)]


def test_a_group_with_no_answers_is_hidden_without_forcing_others() -> None:
    answers = answers_for("enig", "A", [3] * 5) + answers_for("enig", "B", [3] * 5) + [Answer("c-1", "ja", True, "C")]
    q = aggregate([Q_ENIG, Q_JA], answers).get("enig")
    assert q is not None
    assert [(c.group, c.shown, c.note) for c in q.groups] == [
        ("A", True, None),
        ("B", True, None),
        ("C", False, NOTE_NONE),
    ]


def test_free_text_is_never_shown_for_a_small_group() -> None:
    answers = answers_for("tekst", "A", [f"tekst a{i}" for i in range(6)]) + answers_for(
        "tekst", "B", ["bare meg", "og meg"]
    )
    q = aggregate([Q_TEKST], answers).questions[0]
    assert q.total.shown and isinstance(q.total.result, TextResult) and len(q.total.result.texts) == 8
    for cell in q.groups:
        assert not cell.shown and cell.result is None  # B is small; A would reveal B by difference


def test_suppress_directly() -> None:
    assert suppress({"A": (5, 0), "B": (9, 1)}) == {}
    assert suppress({"A": (5, 0), "B": (9, 1), "C": (0, 0)}) == {"C": NOTE_NONE}
    assert suppress({"A": (5, 0), "B": (9, 0), "C": (1, 0)}) == {"C": FEW, "A": NOTE_COMPLEMENT}


GROUP_NAMES = ["A", "B", "C", "D", None]


@st.composite
def survey_round(draw: st.DrawFn) -> list[Answer]:
    answers = []
    for i in range(draw(st.integers(min_value=0, max_value=40))):
        group = draw(st.sampled_from(GROUP_NAMES))
        respondent = f"r{i}"
        for question in (Q_ENIG, Q_TEKST):
            if draw(st.booleans()):
                if question is Q_ENIG:
                    value: object = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=5)))
                else:
                    value = draw(st.sampled_from(["", "bra", "dårlig", "mer tid"]))
                answers.append(Answer(respondent, question.id, value, group))  # type: ignore[arg-type]
    return answers


@settings(max_examples=300)
@given(survey_round(), st.integers(min_value=1, max_value=8))
def test_suppression_never_reveals_a_group_under_the_minimum(answers: list[Answer], min_n: int) -> None:
    report = aggregate([Q_ENIG, Q_TEKST], answers, min_n=min_n)
    for q in report.questions:
        # the truth per group: (substantive, «vet ikke»)
        truth: dict[str, list[int]] = {}
        for a in answers:
            if a.question != q.question.id:
                continue
            size = truth.setdefault(NO_GROUP if a.group is None else a.group, [0, 0])
            if a.value is None or (isinstance(a.value, str) and not a.value.strip()):
                size[1] += 1 if q.question.kind != Kind.FRITEKST else 0
            else:
                size[0] += 1
        for cell in (q.total, *q.groups):
            if cell.shown:
                assert cell.n is not None and cell.n >= min_n
                assert cell.result is not None and cell.result.n == cell.n
                if isinstance(cell.result, TextResult):
                    assert len(cell.result.texts) >= min_n
            else:
                assert cell.n is None and cell.result is None and cell.note
        if not q.total.shown:
            assert not any(c.shown for c in q.groups)
            continue
        shown = [c.group for c in q.groups if c.shown]
        # Total minus any set of shown groups: a remainder that is empty, or has ≥ min_n answers.
        for k in range(len(shown) + 1):
            for subset in itertools.combinations(shown, k):
                rest = [g for g in truth if g not in subset]
                n = sum(truth[g][0] for g in rest)
                dont_know = sum(truth[g][1] for g in rest)
                assert (n == 0 and dont_know == 0) or n >= min_n, (subset, truth)


@settings(max_examples=100)
@given(st.lists(st.integers(min_value=5, max_value=20), min_size=1, max_size=5))
def test_nothing_is_hidden_when_every_group_is_large_enough(sizes: list[int]) -> None:
    answers = [a for i, n in enumerate(sizes) for a in answers_for("enig", f"G{i}", [3] * n)]
    q = aggregate([Q_ENIG], answers).questions[0]
    assert all(c.shown for c in q.groups) and q.total.shown


# --- Comparison with the previous round ----------------------------------------------------------


def round_of(
    values_a: Sequence[Value], values_b: Sequence[Value], question: Question = Q_ENIG, tag: str = ""
) -> Report:
    answers = answers_for(question.id, "A", values_a, f"{tag}a") + answers_for(question.id, "B", values_b, f"{tag}b")
    return aggregate([question], answers)


def test_comparison_of_means_with_enough_answers() -> None:
    before = round_of([3] * 20 + [4] * 20, [2, 3, 4, 3, 3])
    now = round_of([5] * 30 + [4] * 10, [2, 3, 4, 3, 4])
    total, group_a, group_b = compare_rounds(now, before)
    assert total.group is None and total.comparable
    assert group_a.group == "A" and group_a.comparable
    assert group_a.current == pytest.approx(4.75) and group_a.previous == pytest.approx(3.5)
    assert group_a.difference == pytest.approx(4.75 - 3.5)
    assert group_a.clear is True
    assert group_a.note.startswith("Tydelig endring")
    assert group_b.comparable and group_b.difference == pytest.approx(0.2)
    assert group_b.clear is False
    assert group_b.note == "Endringen er innenfor det tilfeldig variasjon kan forklare."


def test_a_cell_hidden_in_this_round_is_not_compared() -> None:
    before = round_of([3] * 40, [3] * 5)
    now = round_of([5] * 40, [2, 2, 3])  # B is small, and A is hidden to protect B
    total, group_a, group_b = compare_rounds(now, before)
    assert total.comparable
    for cell in (group_a, group_b):
        assert not cell.comparable and cell.difference is None and cell.clear is None
        assert cell.current is None and cell.previous == 3
        assert cell.note == "Kan ikke sammenlignes: resultatet vises ikke i denne runden."


def test_previous_round_hidden_or_missing_or_changed() -> None:
    now = round_of([4] * 6, [4] * 6)
    small_before = round_of([4] * 6, [4] * 2)
    comparisons = compare_rounds(now, small_before)
    assert comparisons[0].comparable
    for cell in comparisons[1:]:  # B was small; A was hidden to protect B
        assert not cell.comparable
        assert cell.note == "Kan ikke sammenlignes: resultatet ble ikke vist i forrige runde."

    other_question = aggregate([Q_JA], [])
    assert {c.note for c in compare_rounds(now, other_question)} == {"Ikke med i forrige runde."}

    changed = aggregate([Question("enig", Kind.SKALA_1_6, "Samme id, ny skala")], answers_for("enig", "A", [4] * 6))
    assert compare_rounds(now, changed)[0].note.startswith("Svarskalaen er endret")


def test_free_text_and_yes_no_and_nps_comparisons() -> None:
    texts = round_of(["a"] * 5, ["b"] * 5, Q_TEKST)
    assert compare_rounds(texts, texts)[0].note == "Fritekst sammenlignes ikke."

    yes_before = round_of([True] * 10, [False] * 10, Q_JA)
    yes_now = round_of([True] * 10, [True] * 10, Q_JA)
    total = compare_rounds(yes_now, yes_before)[0]
    assert total.difference == pytest.approx(0.5) and total.clear is True

    nps_before = round_of([10] * 5, [0] * 5, Q_NPS)
    nps_now = round_of([10] * 5, [10] * 5, Q_NPS)
    group_b = compare_rounds(nps_now, nps_before)[2]
    assert group_b.previous == -100 and group_b.current == 100 and group_b.difference == 200
    assert group_b.clear is True  # no spread in either round: any difference is clear
