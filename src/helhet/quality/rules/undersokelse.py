"""Survey answers → results per question and group, with small-group suppression and round comparison.

Pure Python, no Django. Used for brukerundersøkelser (users and relatives) and
medarbeiderundersøkelser alike.

Sources:

- EQUASS Assurance 2018 (``seeds/001``): principle 9 «Resultatfokus», criterion 45 (indicator 70:
  documented user satisfaction, documentation required); principle 4 «Etikk», indicator 37
  (regular review of the procedures for confidentiality and privacy).
- The national user surveys (bedrekommune.no, KS) answer statements on a scale from 1 to 6, 1 the
  lowest and 6 the highest satisfaction (KS, «Resultater fra bedrekommune.no 2017»); a kommune's
  report describes the scale as «1 – helt uenig» to «6 – helt enig», following Kommuneforlaget's
  method guide (Sør-Varanger kommune, «Brukerundersøkelse HBO 2021»). Only the end points are
  labelled. ``seeds/002`` quotes such scores («5,3 av 6,0»).
- The seed's provider (``seeds/000``) reports shares («94 % fornøyd») and, for staff, the share who
  would recommend the employer (69 %).
- Net Promoter Score: «how likely are you to recommend … (0–10)»; promoters 9–10, passives 7–8,
  detractors 0–6; NPS = % promoters − % detractors, from −100 to +100 (e.g. Dela annual report
  2018 glossary; Hexia and Nicereply help pages).
- Minimum group size 5: survey vendors report no results for groups under 5 respondents and hide a
  subgroup when it could be derived from a higher level (Effectory, «Konfidensialitet: hvordan
  fungerer dette?», citing ESOMAR practice; Dialog, same rule with 5). A Norwegian legal minimum
  was not found: **UNCONFIRMED**; 5 is practice, kept as data (``MIN_GROUP_SIZE``).

Decisions (ours):

- **n** of a cell is the number of substantive answers (a scale value, yes/no, a non-empty text).
  «Vet ikke / ikke aktuelt» (``None``) is counted beside it (``dont_know``), never in a mean.
- **Primary suppression**: a group (or the total) with n < ``min_n`` shows no result, only a
  Norwegian note. Its n is not shown either (``Cell.n`` is ``None``).
- **Complementary suppression** (one level of grouping, groups partition the respondents): the
  total minus the shown groups equals the union of the hidden groups. When that union holds
  answers but fewer than ``min_n`` substantive ones, the smallest shown group is hidden as well
  (ties by name), and again, until the union reaches ``min_n``. A derived remainder (total minus
  any set of shown groups) then always covers at least ``min_n`` substantive answers, or none at
  all. Respondents without a group form the group ``NO_GROUP`` and are treated like any group.
- **Free text** follows its cell: shown only when the cell is shown (so never for a group under
  ``min_n``), sorted alphabetically so that the order does not reveal who answered when.
- **Share positive** on a scale is the share of answers above the scale's midpoint (4–5 of 1–5,
  4–6 of 1–6); our definition, **UNCONFIRMED** as the national surveys' own.
- **Comparison with the previous round** is possible only when the question kept its answer scale
  and the cell is shown in both rounds (so each side has at least ``min_n`` answers). The
  difference is current − previous (points on the scale, share 0–1, NPS points). It is called
  **clear** when it exceeds 1.96 standard errors of the difference (normal approximation; NPS as
  the mean of +100/0/−100 per respondent): a rough check, not a significance test for small n.
  Rounds are suppressed independently; differences *between* rounds are not protected (different
  people answer).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

MIN_GROUP_SIZE = 5
NO_GROUP = "Uten gruppe"
CLEAR_Z = 1.96


class InvalidAnswer(ValueError):
    """An answer that does not fit its question. ``message`` is Norwegian, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Kind(StrEnum):
    """Question types."""

    ENIG_1_5 = "enig_1_5"  # agreement 1–5
    SKALA_1_6 = "skala_1_6"  # the national user surveys' 1–6
    JA_NEI = "ja_nei"
    FRITEKST = "fritekst"
    NPS = "nps"  # «Hvor sannsynlig er det at du vil anbefale …?» 0–10


SCALE_RANGE: dict[Kind, tuple[int, int]] = {
    Kind.ENIG_1_5: (1, 5),
    Kind.SKALA_1_6: (1, 6),
    Kind.NPS: (0, 10),
}

SCALE_LABELS: dict[Kind, dict[int, str]] = {
    Kind.ENIG_1_5: {
        1: "Helt uenig",
        2: "Delvis uenig",
        3: "Verken enig eller uenig",
        4: "Delvis enig",
        5: "Helt enig",
    },
    Kind.SKALA_1_6: {1: "Helt uenig", 6: "Helt enig"},  # end points only, as in the national surveys
    Kind.NPS: {0: "Svært lite sannsynlig", 10: "Svært sannsynlig"},
}
YES_NO_LABELS: dict[bool, str] = {True: "Ja", False: "Nei"}
DONT_KNOW_LABEL = "Vet ikke / ikke aktuelt"
NPS_QUESTION = "Hvor sannsynlig er det at du vil anbefale {what} til andre?"

# Answers above the midpoint count as positive.
POSITIVE_VALUES: dict[Kind, frozenset[int]] = {
    Kind.ENIG_1_5: frozenset({4, 5}),
    Kind.SKALA_1_6: frozenset({4, 5, 6}),
}
NPS_PROMOTERS = frozenset({9, 10})
NPS_DETRACTORS = frozenset(range(7))

NOTE_NONE = "Ingen svar."
NOTE_FEW = "Færre enn {min_n} svar. Resultatet vises ikke, av hensyn til personvernet."
NOTE_COMPLEMENT = "Skjult fordi en mindre gruppe ellers kunne regnes ut fra totalen. Svarene er med i totalen."


@dataclass(frozen=True)
class Question:
    id: str
    kind: Kind
    text: str


Value = int | bool | str | None


@dataclass(frozen=True)
class Answer:
    """One respondent's answer to one question. ``value`` ``None`` is «vet ikke / ikke aktuelt»."""

    respondent: str
    question: str
    value: Value
    group: str | None = None


# --- Results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleResult:
    n: int
    mean: float
    sd: float | None  # sample standard deviation (None when n < 2)
    distribution: tuple[tuple[int, int], ...]  # (value, count) for every value on the scale
    share_positive: float | None  # None for NPS questions
    dont_know: int


@dataclass(frozen=True)
class YesNoResult:
    n: int
    yes: int
    no: int
    share_yes: float
    sd: float | None
    dont_know: int


@dataclass(frozen=True)
class NpsResult:
    n: int
    promoters: int
    passives: int
    detractors: int
    nps: float  # −100 … +100
    sd: float | None  # of the per-respondent scores +100 / 0 / −100
    distribution: tuple[tuple[int, int], ...]
    dont_know: int


@dataclass(frozen=True)
class TextResult:
    n: int
    texts: tuple[str, ...]  # sorted


Result = ScaleResult | YesNoResult | NpsResult | TextResult


@dataclass(frozen=True)
class Cell:
    """The result for one question and one group (``group`` ``None``: everyone)."""

    question: str
    group: str | None
    shown: bool
    n: int | None  # None when not shown
    result: Result | None  # None when not shown
    note: str | None  # Norwegian, why it is not shown

    @property
    def label(self) -> str:
        return "Alle" if self.group is None else self.group


@dataclass(frozen=True)
class QuestionReport:
    question: Question
    total: Cell
    groups: tuple[Cell, ...]

    def cell(self, group: str | None) -> Cell | None:
        if group is None:
            return self.total
        return next((c for c in self.groups if c.group == group), None)


@dataclass(frozen=True)
class Report:
    min_n: int
    questions: tuple[QuestionReport, ...]

    def get(self, question_id: str) -> QuestionReport | None:
        return next((q for q in self.questions if q.question.id == question_id), None)


# --- Validation and computation ------------------------------------------------------------------


def _clean(question: Question, value: Value) -> Value:
    """The answer as counted: ``None`` for «vet ikke» / an empty text; raises on a wrong type."""
    if value is None:
        return None
    if question.kind == Kind.JA_NEI:
        if not isinstance(value, bool):
            raise InvalidAnswer(f"Spørsmål {question.id}: svaret må være ja eller nei (fikk {value!r}).")
        return value
    if question.kind == Kind.FRITEKST:
        if not isinstance(value, str):
            raise InvalidAnswer(f"Spørsmål {question.id}: svaret må være tekst (fikk {value!r}).")
        return value.strip() or None
    low, high = SCALE_RANGE[question.kind]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidAnswer(
            f"Spørsmål {question.id}: svaret må være et helt tall fra {low} til {high} (fikk {value!r})."
        )
    return value


def _sd(values: Sequence[float]) -> float | None:
    return statistics.stdev(values) if len(values) >= 2 else None


def _result(kind: Kind, values: Sequence[Value], dont_know: int) -> Result:
    n = len(values)
    if kind == Kind.FRITEKST:
        return TextResult(n, tuple(sorted(str(v) for v in values)))
    if kind == Kind.JA_NEI:
        ones = [1.0 if v else 0.0 for v in values]
        yes = sum(1 for v in values if v)
        return YesNoResult(n, yes, n - yes, yes / n, _sd(ones), dont_know)
    numbers = [int(v) for v in values if isinstance(v, int)]
    low, high = SCALE_RANGE[kind]
    distribution = tuple((score, numbers.count(score)) for score in range(low, high + 1))
    if kind == Kind.NPS:
        promoters = sum(1 for v in numbers if v in NPS_PROMOTERS)
        detractors = sum(1 for v in numbers if v in NPS_DETRACTORS)
        scores = [100.0 if v in NPS_PROMOTERS else -100.0 if v in NPS_DETRACTORS else 0.0 for v in numbers]
        return NpsResult(
            n=n,
            promoters=promoters,
            passives=n - promoters - detractors,
            detractors=detractors,
            nps=100.0 * (promoters - detractors) / n,
            sd=_sd(scores),
            distribution=distribution,
            dont_know=dont_know,
        )
    positive = POSITIVE_VALUES[kind]
    return ScaleResult(
        n=n,
        mean=statistics.fmean(numbers),
        sd=_sd([float(v) for v in numbers]),
        distribution=distribution,
        share_positive=sum(1 for v in numbers if v in positive) / n,
        dont_know=dont_know,
    )


def main_value(result: Result) -> float | None:
    """The number a round comparison uses: mean, share yes, or NPS. ``None`` for free text."""
    if isinstance(result, ScaleResult):
        return result.mean
    if isinstance(result, YesNoResult):
        return result.share_yes
    if isinstance(result, NpsResult):
        return result.nps
    return None


def suppress(sizes: dict[str, tuple[int, int]], min_n: int = MIN_GROUP_SIZE) -> dict[str, str]:
    """Which groups to hide, and why: ``sizes`` maps a group to (substantive answers, «vet ikke»).

    Primary: n < ``min_n``. Complementary: while the hidden groups together hold answers but fewer
    than ``min_n`` substantive ones, hide the smallest shown group too. Assumes the total is shown
    (it has at least ``min_n``); otherwise the caller hides everything.
    """
    hidden: dict[str, str] = {}
    for group, (n, dont_know) in sizes.items():
        if n == 0 and dont_know == 0:
            hidden[group] = NOTE_NONE
        elif n < min_n:
            hidden[group] = NOTE_FEW.format(min_n=min_n)

    def union_leaks() -> bool:
        n = sum(sizes[g][0] for g in hidden)
        answers = n + sum(sizes[g][1] for g in hidden)
        return answers > 0 and n < min_n

    while union_leaks():
        shown = [g for g in sizes if g not in hidden]
        if not shown:
            break
        smallest = min(shown, key=lambda g: (sizes[g][0], sizes[g][1], g))
        hidden[smallest] = NOTE_COMPLEMENT
    return hidden


def _group_order(group: str) -> tuple[int, str]:
    return (1 if group == NO_GROUP else 0, group)


def aggregate(questions: Sequence[Question], answers: Iterable[Answer], min_n: int = MIN_GROUP_SIZE) -> Report:
    """Results per question: the total and one cell per group, suppressed where needed."""
    if min_n < 1:
        raise ValueError("Minste gruppestørrelse må være minst 1.")
    by_id = {q.id: q for q in questions}
    if len(by_id) != len(questions):
        raise InvalidAnswer("To spørsmål har samme id.")
    group_of: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    values: dict[str, dict[str, list[Value]]] = {q.id: defaultdict(list) for q in questions}
    dont_know: dict[str, dict[str, int]] = {q.id: defaultdict(int) for q in questions}
    for answer in answers:
        question = by_id.get(answer.question)
        if question is None:
            raise InvalidAnswer(f"Svar på ukjent spørsmål: {answer.question!r}.")
        if (answer.respondent, answer.question) in seen:
            raise InvalidAnswer(f"Samme svarperson har svart to ganger på spørsmål {answer.question}.")
        seen.add((answer.respondent, answer.question))
        group = NO_GROUP if answer.group is None else answer.group
        if group_of.setdefault(answer.respondent, group) != group:
            raise InvalidAnswer("Samme svarperson står i to grupper.")
        value = _clean(question, answer.value)
        if value is None:
            if question.kind != Kind.FRITEKST:
                dont_know[question.id][group] += 1
        else:
            values[question.id][group].append(value)

    groups = sorted(set(group_of.values()), key=_group_order)
    reports: list[QuestionReport] = []
    for question in questions:
        vals, dks = values[question.id], dont_know[question.id]
        sizes = {g: (len(vals.get(g, [])), dks.get(g, 0)) for g in groups}
        total_n = sum(n for n, _ in sizes.values())
        total_dk = sum(dk for _, dk in sizes.values())
        if total_n < min_n:
            note = NOTE_NONE if total_n == 0 and total_dk == 0 else NOTE_FEW.format(min_n=min_n)
            total = Cell(question.id, None, False, None, None, note)
            hidden = {g: (NOTE_NONE if sizes[g] == (0, 0) else NOTE_FEW.format(min_n=min_n)) for g in groups}
        else:
            every = [v for g in groups for v in vals.get(g, [])]
            total = Cell(question.id, None, True, total_n, _result(question.kind, every, total_dk), None)
            hidden = suppress(sizes, min_n)
        cells = []
        for g in groups:
            if g in hidden:
                cells.append(Cell(question.id, g, False, None, None, hidden[g]))
            else:
                result = _result(question.kind, vals[g], dks.get(g, 0))
                cells.append(Cell(question.id, g, True, sizes[g][0], result, None))
        reports.append(QuestionReport(question, total, tuple(cells)))
    return Report(min_n, tuple(reports))


# --- Comparison with the previous round ----------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    question: str
    group: str | None
    current: float | None
    previous: float | None
    difference: float | None  # current − previous, when comparable
    comparable: bool
    clear: bool | None  # the difference exceeds what chance would explain (≈ 95 %), when comparable
    note: str


def _standard_error(result: Result) -> float | None:
    sd = getattr(result, "sd", None)
    if sd is None or result.n < 2:
        return None
    return float(sd) / math.sqrt(result.n)


def compare(current: Cell, previous: Cell | None, kind: Kind, previous_kind: Kind | None) -> Comparison:
    """Compare one cell with the same question and group in the previous round."""

    def no(note: str) -> Comparison:
        now = main_value(current.result) if current.result is not None else None
        before = main_value(previous.result) if previous is not None and previous.result is not None else None
        return Comparison(current.question, current.group, now, before, None, False, None, note)

    if kind == Kind.FRITEKST:
        return no("Fritekst sammenlignes ikke.")
    if previous is None or previous_kind is None:
        return no("Ikke med i forrige runde.")
    if previous_kind != kind:
        return no("Svarskalaen er endret siden forrige runde. Resultatene kan ikke sammenlignes.")
    if current.result is None:
        return no("Kan ikke sammenlignes: resultatet vises ikke i denne runden.")
    if previous.result is None:
        return no("Kan ikke sammenlignes: resultatet ble ikke vist i forrige runde.")
    now, before = main_value(current.result), main_value(previous.result)
    if now is None or before is None:  # pragma: no cover - free text is handled above
        return no("Kan ikke sammenlignes.")
    difference = now - before
    se_now, se_before = _standard_error(current.result), _standard_error(previous.result)
    clear: bool | None = None
    if se_now is not None and se_before is not None:
        se = math.hypot(se_now, se_before)
        clear = abs(difference) > CLEAR_Z * se if se > 0 else difference != 0
    if clear:
        note = "Tydelig endring: større enn tilfeldig variasjon kan forklare."
    elif clear is None:
        note = "Endringen kan ikke vurderes mot tilfeldig variasjon."
    else:
        note = "Endringen er innenfor det tilfeldig variasjon kan forklare."
    return Comparison(current.question, current.group, now, before, difference, True, clear, note)


def compare_rounds(current: Report, previous: Report) -> list[Comparison]:
    """Every cell of the current round (total first, then groups) against the previous round."""
    comparisons: list[Comparison] = []
    for report in current.questions:
        before = previous.get(report.question.id)
        before_kind = before.question.kind if before is not None else None
        for cell in (report.total, *report.groups):
            old = before.cell(cell.group) if before is not None else None
            comparisons.append(compare(cell, old, report.question.kind, before_kind))
    return comparisons
