"""IPLOS/KPR functional assessment: the variables and their scales, as data, and score validation.

Sources (``shared/facts/iplos_kpr.md``):

- § 1.2: the 17 variable names commonly used. Only «Syn» is confirmed by a primary source
  (Helsedirektoratet's guide page «Funksjonsvariablene → Syn»); the other names are UNCONFIRMED.
  Helsedirektoratet says KPR now has 20 functional variables (§ 1.1); the other three names were not
  found, so they are not here. The list lives in ``data/iplos_variabler.csv`` because the register
  revises it: correct the file, not the code. Its ``group`` column is Helhet's own display grouping,
  not a register definition (the register's grouping was not found).
- § 1.3: the 1–5 / 9 scale, Helsedirektoratet's IPLOS Q&A «Vurdere bistandsbehov – skårmetodikk»
  [S1]: scores 3–5 mean the person needs personal assistance, 1–2 do not, 9 = not relevant. The
  wording below is a Norwegian rendering of the fact sheet's paraphrase, not the register's text.
- § 1.4: Syn has its own sensory scale 1–5 (Helsedirektoratet, content dated 2019 [S18]). Whether
  9 is allowed for Syn and Hørsel is UNCONFIRMED, so only 1–5 is accepted for them; the Hørsel levels
  are UNCONFIRMED, so they carry no wording.

Not implemented: the «samlemål» that sorts a person into bistandsbehov (noe/avgrenset, middels til
stort, omfattende). Which variables enter it, how they are combined, how 9 is treated and the
cut-offs are all UNCONFIRMED (§ 2.2: «Do not implement a formula from memory»). There is therefore
no ``bistandsbehov()`` here; add it when one of the sources named in § 2.2 has been read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from helhet.cases.rules import InvalidInput

DATA_FILE = "iplos_variabler.csv"
NOT_RELEVANT = 9


@dataclass(frozen=True)
class Funksjonsvariabel:
    code: str
    name: str
    group: str  # Helhet's display grouping, not the register's
    scale: str  # a key of SCALES


@dataclass(frozen=True)
class Skaar:
    """One level of a scale."""

    score: int
    wording: str | None  # None where the wording is UNCONFIRMED
    personbistand: bool | None  # needs personal assistance? None: not relevant / not known


#: iplos_kpr.md § 1.3 (wording in Norwegian, after the fact sheet's paraphrase of [S1]).
FUNKSJON_SCALE: tuple[Skaar, ...] = (
    Skaar(1, "Ingen problemer eller utfordringer.", False),
    Skaar(
        2,
        "Klarer aktiviteten selv, eventuelt med hjelpemidler, men har utfordringer eller endret standard "
        "sammenlignet med tidligere.",
        False,
    ),
    Skaar(
        3,
        "Middels bistandsbehov: utfører deler av aktiviteten selv, men trenger personbistand til andre "
        "deler. Hjelperen kan komme og gå.",
        True,
    ),
    Skaar(
        4,
        "Stort bistandsbehov: utfører deler av aktiviteten selv, men en hjelper må være til stede hele "
        "tiden for å bistå, tilrettelegge eller veilede.",
        True,
    ),
    Skaar(5, "Fullt bistandsbehov: trenger personbistand til hele aktiviteten.", True),
    Skaar(
        NOT_RELEVANT,
        "Ikke relevant: ikke behov for bistand ved registreringen, og ikke relevant for helhetsvurderingen.",
        None,
    ),
)

#: iplos_kpr.md § 1.4 (Syn; Helsedirektoratet [S18]).
SYN_SCALE: tuple[Skaar, ...] = (
    Skaar(1, "Ser godt, ingen problemer.", None),
    Skaar(
        2,
        "Noe nedsatt syn: ser godt med hjelpemidler (briller, godt lys, lupe), og orienterer seg uten "
        "problemer hjemme og i nye omgivelser.",
        None,
    ),
    Skaar(
        3,
        "Dårlig syn: kan ikke lese avis, post, regninger eller oppskrifter eller bruke måleredskaper, men "
        "orienterer seg hjemme og i nye omgivelser.",
        None,
    ),
    Skaar(4, "Svært dårlig syn: som 3, og orienterer seg hjemme, men ikke i nye omgivelser.", None),
    Skaar(5, "Blind.", None),
)

#: Hørsel: levels 1-5 assumed to mirror Syn; the wording is UNCONFIRMED (iplos_kpr.md § 1.4).
HORSEL_SCALE: tuple[Skaar, ...] = tuple(Skaar(score, None, None) for score in range(1, 6))

SCALES: dict[str, tuple[Skaar, ...]] = {
    "funksjon": FUNKSJON_SCALE,
    "syn": SYN_SCALE,
    "horsel": HORSEL_SCALE,
}


def parse_variables(text: str) -> tuple[Funksjonsvariabel, ...]:
    """Read the CSV (``code,name,group,scale``), skipping comment lines that start with ``#``."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    rows = csv.DictReader(io.StringIO("\n".join(lines)))
    variables = tuple(
        Funksjonsvariabel(
            code=row["code"].strip(),
            name=row["name"].strip(),
            group=row["group"].strip(),
            scale=row["scale"].strip(),
        )
        for row in rows
    )
    codes = [v.code for v in variables]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate variable code in the IPLOS variable list")
    unknown = {v.scale for v in variables} - SCALES.keys()
    if unknown:
        raise ValueError(f"unknown scale in the IPLOS variable list: {sorted(unknown)}")
    return variables


@cache
def variables() -> tuple[Funksjonsvariabel, ...]:
    """The functional variables, from ``data/iplos_variabler.csv`` (read once)."""
    text = resources.files("helhet.cases.rules").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return parse_variables(text)


def variable(code: str) -> Funksjonsvariabel:
    """The variable with ``code``; :class:`InvalidInput` if there is none."""
    for item in variables():
        if item.code == code:
            return item
    raise InvalidInput(f"Ukjent funksjonsvariabel: «{code}».")


def allowed_scores(variable_code: str) -> tuple[int, ...]:
    return tuple(level.score for level in SCALES[variable(variable_code).scale])


def validate_score(variable_code: str, score: int) -> int:
    """Return ``score`` if it is on the variable's scale; otherwise :class:`InvalidInput` (Norwegian)."""
    item = variable(variable_code)
    allowed = allowed_scores(variable_code)
    if isinstance(score, bool) or not isinstance(score, int) or score not in allowed:
        if NOT_RELEVANT in allowed:
            choices = f"{allowed[0]}–{allowed[-2]} eller {NOT_RELEVANT} (ikke relevant)"
        else:
            choices = f"{allowed[0]}–{allowed[-1]}"
        raise InvalidInput(f"Skåren for «{item.name}» må være {choices}.")
    return score


def wording(variable_code: str, score: int) -> str | None:
    """The Norwegian wording of ``score`` on the variable's scale (None where it is UNCONFIRMED)."""
    validate_score(variable_code, score)
    for level in SCALES[variable(variable_code).scale]:
        if level.score == score:
            return level.wording
    return None  # pragma: no cover - validate_score has checked the score


def needs_personbistand(variable_code: str, score: int) -> bool | None:
    """Whether the score means the person needs personal assistance (§ 1.3: 3–5 yes, 1–2 no, 9 —).

    None for 9 and for the sensory scales, where the fact sheet does not say.
    """
    validate_score(variable_code, score)
    for level in SCALES[variable(variable_code).scale]:
        if level.score == score:
            return level.personbistand
    return None  # pragma: no cover
