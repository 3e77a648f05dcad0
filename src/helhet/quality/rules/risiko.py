"""The risk matrix for avvik and ROS analyses: sannsynlighet × konsekvens → score and risk level.

Pure Python, no Django. Everything a kommune or provider may want to tune is data in this module
(labels, guidance text, the 5×5 matrix, the grading questions), so a local risk policy replaces
the data, not the code.

Sources:

- Risk is described by the probability (sannsynlighet) of an unwanted event and its consequences
  (konsekvens); a ROS analysis maps both for each event and prioritises measures (Helsebiblioteket,
  «ROS-analyse», https://www.helsebiblioteket.no/kvalitetsforbedring/metoder-og-verktoy/ros-analyse;
  it cites the internal-control regulation for health and care services as one reason to do it).
- The score R = S × K is the common Norwegian convention (psonorge.no, «Risikovurdering –
  Risikoanalyse – ROS-analyse», 2017, referring to Norsk Standard). NS 5814 («Krav til
  risikovurderinger», 2008, replaced by NS 5814:2021) requires documented risk assessment and
  leaves the risk acceptance criteria to the organisation (publisher summary); the standard's own
  text was not read: its definitions and any matrix it may propose are **UNCONFIRMED** here.
- The seed's provider (``seeds/000``) grades avvik within HMS, fag/kvalitet and
  legemiddelhåndtering, which is why the consequence has four dimensions (liv og helse,
  tjenestekvalitet, personvern/informasjonssikkerhet, HMS).
- Notification duties attached to some grading answers (``Sporsmal.merknad``):
  personvernforordningen art. 33 (report a personal-data breach to Datatilsynet without undue delay
  and within 72 hours where feasible, unless unlikely to result in a risk; Datatilsynet,
  «Avvikshåndtering»); arbeidsmiljøloven § 5-2 (death or serious injury at work: notify
  Arbeidstilsynet and the police at once; Arbeidstilsynet, «Melding av ulykke og alvorlig skade»,
  where «alvorlig skade» is any injury giving permanent or long incapacity for work); the
  varselordning to Statens helsetilsyn, which since 1 July 2019 covers municipal health and care
  services (death or very serious harm connected with the care; Statsforvalteren, «Utvidet
  varselordning», 2 July 2019). The paragraph (helse- og omsorgstjenesteloven § 12-3 a) is
  **UNCONFIRMED** (from memory).

Decisions (ours, **UNCONFIRMED** as a national standard; a local policy may change the data):

- **The probability scale is a frequency scale** (events per year) with the bounds in
  ``SANNSYNLIGHET_GRENSER``: < 0.1, 0.1–1, 1–12, 12–52, ≥ 52 a year. For an avvik it answers «how
  often could this happen again?».
- **The level comes from the matrix, not from the score.** ``MATRISE`` is tilted towards
  consequence: a rare death (S1 K5, score 5) is «høy», a weekly trifle (S5 K1, score 5) is
  «middels». The score S × K is kept for sorting and display. The matrix is monotone in both axes
  (a test checks it): raising either axis never lowers the level.
- **Guided grading.** Each dimension has an ordered set of yes/no questions; a «ja» implies the
  consequence on its question, and the consequence is the highest implied over all answers (1,
  «Ubetydelig», when every answer is «nei»). So the same answers always give the same grade, and
  more «ja» never gives a lower one. Questions come in two forms: past tense for an avvik (what
  happened) and conditional for a ROS analysis (what could happen).
- **Residual risk** (after measures) is «higher» than before when its level is higher, or the level
  is equal and the score higher. A higher residual risk needs a written justification
  (``Restrisiko.mangler_begrunnelse``); other findings are warnings only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class InvalidAssessment(ValueError):
    """An assessment that cannot be scored. ``message`` is Norwegian, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Niva(StrEnum):
    """Risk level (risikonivå). Values are ASCII codes; ``NIVA_NAVN`` holds the labels."""

    LAV = "lav"
    MIDDELS = "middels"
    HOY = "hoy"
    KRITISK = "kritisk"


NIVA_REKKEFOLGE: tuple[Niva, ...] = (Niva.LAV, Niva.MIDDELS, Niva.HOY, Niva.KRITISK)

NIVA_NAVN: dict[Niva, str] = {
    Niva.LAV: "Lav",
    Niva.MIDDELS: "Middels",
    Niva.HOY: "Høy",
    Niva.KRITISK: "Kritisk",
}

# What each level asks of the organisation (our proposal for the risk acceptance criteria).
NIVA_HANDLING: dict[Niva, str] = {
    Niva.LAV: "Akseptabel risiko. Følg med, og gjør enkle forbedringer der det er naturlig.",
    Niva.MIDDELS: "Vurder tiltak. Risikoen kan aksepteres når tiltak er vurdert og beslutningen er begrunnet.",
    Niva.HOY: "Tiltak skal settes i verk. Leder følger opp til risikoen er redusert.",
    Niva.KRITISK: "Ikke akseptabel. Strakstiltak nå, og ledelsen varsles samme dag.",
}


def niva_rank(niva: Niva) -> int:
    """0 for lav … 3 for kritisk."""
    return NIVA_REKKEFOLGE.index(niva)


@dataclass(frozen=True)
class Trinn:
    """One step of a 1–5 scale: its value, its name and the guidance shown beside it."""

    verdi: int
    navn: str
    veiledning: str


SANNSYNLIGHET: tuple[Trinn, ...] = (
    Trinn(1, "Svært lite sannsynlig", "Sjeldnere enn hvert 10. år"),
    Trinn(2, "Lite sannsynlig", "Fra hvert 10. år til én gang i året"),
    Trinn(3, "Moderat sannsynlig", "Én eller flere ganger i året, men sjeldnere enn månedlig"),
    Trinn(4, "Sannsynlig", "Månedlig eller oftere, men sjeldnere enn ukentlig"),
    Trinn(5, "Svært sannsynlig", "Ukentlig eller oftere"),
)

# Lower bounds in events per year for sannsynlighet 2, 3, 4 and 5 (1 is everything below 0.1).
SANNSYNLIGHET_GRENSER: tuple[float, float, float, float] = (0.1, 1.0, 12.0, 52.0)

KONSEKVENS: tuple[Trinn, ...] = (
    Trinn(1, "Ubetydelig", "Ingen skade og ingen merkbar følge"),
    Trinn(2, "Liten", "Forbigående ubehag eller et mindre avvik fra avtalt tjeneste; ingen behandling trengs"),
    Trinn(3, "Moderat", "Skade eller følge som krever behandling eller oppfølging, men som går over"),
    Trinn(
        4,
        "Alvorlig",
        "Betydelig skade, sykehusinnleggelse eller lengre fravær; helseopplysninger på avveie",
    ),
    Trinn(5, "Svært alvorlig", "Død eller varig skade, alvorlig brudd på taushetsplikt"),
)


class Dimensjon(StrEnum):
    """What the consequence falls on."""

    LIV_OG_HELSE = "liv_og_helse"
    TJENESTEKVALITET = "tjenestekvalitet"
    PERSONVERN = "personvern"
    HMS = "hms"


DIMENSJON_NAVN: dict[Dimensjon, str] = {
    Dimensjon.LIV_OG_HELSE: "Liv og helse",
    Dimensjon.TJENESTEKVALITET: "Tjenestekvalitet",
    Dimensjon.PERSONVERN: "Personvern og informasjonssikkerhet",
    Dimensjon.HMS: "HMS (ansattes helse, miljø og sikkerhet)",
}

# The consequence scale described per dimension (konsekvens 1–5).
KONSEKVENS_PER_DIMENSJON: dict[Dimensjon, dict[int, str]] = {
    Dimensjon.LIV_OG_HELSE: {
        1: "Ingen skade på person.",
        2: "Forbigående ubehag eller mindre skade som ikke trenger legehjelp.",
        3: "Skade som krever legehjelp, men som går over.",
        4: "Alvorlig skade: sykehusinnleggelse eller langvarig skade.",
        5: "Død eller varig skade.",
    },
    Dimensjon.TJENESTEKVALITET: {
        1: "Ingen merkbar følge for tjenestemottakeren.",
        2: "Tjenesten ble forsinket eller utført annerledes enn avtalt, uten følger.",
        3: "Et avtalt besøk eller tiltak falt bort, eller legemidler ble gitt feil.",
        4: "Tjenestemottakeren ble stående uten nødvendig hjelp eller tilsyn.",
        5: "Svikten rammet mange tjenestemottakere, eller tjenesten sto stille i mer enn et døgn.",
    },
    Dimensjon.PERSONVERN: {
        1: "Ingen opplysninger på avveie.",
        2: "Opplysninger registrert feil eller på feil sted, uten at uvedkommende så dem.",
        3: "Personopplysninger (ikke helseopplysninger) sett av eller sendt til uvedkommende.",
        4: "Helseopplysninger sett av eller sendt til uvedkommende.",
        5: "Helseopplysninger om mange personer på avveie, eller spredt utenfor virksomheten: "
        "alvorlig brudd på taushetsplikt.",
    },
    Dimensjon.HMS: {
        1: "Ingen skade på ansatte.",
        2: "Ubehag, trusler eller mindre skade uten fravær.",
        3: "Skade som krever legehjelp eller gir kortvarig fravær.",
        4: "Alvorlig skade: lengre tids arbeidsudyktighet.",
        5: "Dødsfall eller varig skade.",
    },
}

# The 5×5 matrix as data: one row per sannsynlighet (1 first), one letter per konsekvens 1–5:
# L lav, M middels, H høy, K kritisk.
MATRISE_RADER: tuple[str, str, str, str, str] = (
    "LLLMH",  # sannsynlighet 1
    "LLMMH",  # sannsynlighet 2
    "LMMHK",  # sannsynlighet 3
    "LMHKK",  # sannsynlighet 4
    "MMHKK",  # sannsynlighet 5
)
_BOKSTAV: dict[str, Niva] = {"L": Niva.LAV, "M": Niva.MIDDELS, "H": Niva.HOY, "K": Niva.KRITISK}

# MATRISE[sannsynlighet][konsekvens - 1]
MATRISE: dict[int, tuple[Niva, ...]] = {
    s: tuple(_BOKSTAV[letter] for letter in row) for s, row in enumerate(MATRISE_RADER, start=1)
}


def _check_step(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidAssessment(f"{name.capitalize()} må være et helt tall fra 1 til 5 (fikk {value!r}).")
    return value


def level(sannsynlighet: int, konsekvens: int) -> Niva:
    """The matrix cell for (sannsynlighet, konsekvens)."""
    s = _check_step("sannsynlighet", sannsynlighet)
    k = _check_step("konsekvens", konsekvens)
    return MATRISE[s][k - 1]


@dataclass(frozen=True)
class Vurdering:
    """One risk assessment: sannsynlighet 1–5 and konsekvens 1–5."""

    sannsynlighet: int
    konsekvens: int

    def __post_init__(self) -> None:
        _check_step("sannsynlighet", self.sannsynlighet)
        _check_step("konsekvens", self.konsekvens)

    @property
    def score(self) -> int:
        """S × K, 1–25 (for sorting and display; the level comes from the matrix)."""
        return self.sannsynlighet * self.konsekvens

    @property
    def niva(self) -> Niva:
        return MATRISE[self.sannsynlighet][self.konsekvens - 1]

    @property
    def tekst(self) -> str:
        """«Høy (S3 × K4 = 12)»."""
        return f"{NIVA_NAVN[self.niva]} (S{self.sannsynlighet} × K{self.konsekvens} = {self.score})"

    def sort_key(self) -> tuple[int, int]:
        """Order by level, then score: the order in which «higher» is defined."""
        return (niva_rank(self.niva), self.score)


def sannsynlighet_from_frequency(per_year: float) -> int:
    """The probability step for an expected number of events per year (``SANNSYNLIGHET_GRENSER``)."""
    if per_year < 0:
        raise InvalidAssessment("Antall hendelser per år kan ikke være negativt.")
    return 1 + sum(1 for bound in SANNSYNLIGHET_GRENSER if per_year >= bound)


# --- Guided grading of the consequence -----------------------------------------------------------

MERKNAD_HELSETILSYN = (
    "Dødsfall eller svært alvorlig skade som har sammenheng med helsehjelpen skal varsles straks "
    "til Statens helsetilsyn (varselordningen gjelder kommunale helse- og omsorgstjenester fra 1.7.2019)."
)
MERKNAD_HELSETILSYN_VURDER = "Vurder om skaden er svært alvorlig og derfor skal varsles til Statens helsetilsyn."
MERKNAD_DATATILSYNET = (
    "Brudd på personopplysningssikkerheten skal meldes til Datatilsynet uten ugrunnet opphold og om mulig "
    "innen 72 timer, med mindre det er usannsynlig at bruddet gir risiko for personene "
    "(personvernforordningen art. 33). Kontakt personvernombudet."
)
MERKNAD_ARBEIDSTILSYNET = (
    "Ved dødsfall eller alvorlig skade i arbeidet skal arbeidsgiver straks varsle Arbeidstilsynet og "
    "nærmeste politimyndighet, og bekrefte varselet skriftlig med kopi til verneombudet (aml. § 5-2)."
)


@dataclass(frozen=True)
class Sporsmal:
    """A yes/no grading question: a «ja» means the consequence is at least ``konsekvens``."""

    kode: str
    dimensjon: Dimensjon
    konsekvens: int
    tekst: str  # for an avvik: what happened
    tekst_ros: str  # for a ROS analysis: what could happen
    merknad: str | None = None  # a duty that a «ja» on an avvik triggers


SPORSMAL: tuple[Sporsmal, ...] = (
    # Liv og helse
    Sporsmal(
        "lh_skade",
        Dimensjon.LIV_OG_HELSE,
        2,
        "Førte hendelsen til skade på person eller ubehag for personen?",
        "Kan hendelsen føre til skade på person eller ubehag for personen?",
    ),
    Sporsmal(
        "lh_legehjelp",
        Dimensjon.LIV_OG_HELSE,
        3,
        "Måtte personen ha legehjelp?",
        "Kan personen trenge legehjelp?",
    ),
    Sporsmal(
        "lh_sykehus",
        Dimensjon.LIV_OG_HELSE,
        4,
        "Måtte personen legges inn på sykehus, eller fikk personen en alvorlig skade?",
        "Kan personen måtte legges inn på sykehus eller få en alvorlig skade?",
        MERKNAD_HELSETILSYN_VURDER,
    ),
    Sporsmal(
        "lh_dod_varig",
        Dimensjon.LIV_OG_HELSE,
        5,
        "Døde personen, eller fikk personen varig skade?",
        "Kan hendelsen føre til død eller varig skade?",
        MERKNAD_HELSETILSYN,
    ),
    # Tjenestekvalitet
    Sporsmal(
        "tk_annerledes",
        Dimensjon.TJENESTEKVALITET,
        2,
        "Ble tjenesten forsinket eller utført annerledes enn avtalt?",
        "Kan tjenesten bli forsinket eller utført annerledes enn avtalt?",
    ),
    Sporsmal(
        "tk_bortfalt",
        Dimensjon.TJENESTEKVALITET,
        3,
        "Falt et avtalt besøk eller tiltak bort?",
        "Kan et avtalt besøk eller tiltak falle bort?",
    ),
    Sporsmal(
        "tk_legemiddel",
        Dimensjon.TJENESTEKVALITET,
        3,
        "Fikk personen feil legemiddel eller feil dose, eller legemiddelet til feil tid eller ikke i det hele tatt?",
        "Kan personen få feil legemiddel eller feil dose, eller legemiddelet til feil tid eller ikke i det hele tatt?",
    ),
    Sporsmal(
        "tk_uten_hjelp",
        Dimensjon.TJENESTEKVALITET,
        4,
        "Ble personen stående uten nødvendig hjelp eller tilsyn?",
        "Kan personen bli stående uten nødvendig hjelp eller tilsyn?",
    ),
    Sporsmal(
        "tk_mange",
        Dimensjon.TJENESTEKVALITET,
        5,
        "Rammet svikten mange tjenestemottakere, eller sto tjenesten stille i mer enn et døgn?",
        "Kan svikten ramme mange tjenestemottakere, eller stanse tjenesten i mer enn et døgn?",
    ),
    # Personvern og informasjonssikkerhet
    Sporsmal(
        "pv_feil_sted",
        Dimensjon.PERSONVERN,
        2,
        "Ble opplysninger registrert feil eller lagret på feil sted, uten at uvedkommende så dem?",
        "Kan opplysninger bli registrert feil eller lagret på feil sted?",
    ),
    Sporsmal(
        "pv_personopplysninger",
        Dimensjon.PERSONVERN,
        3,
        "Ble personopplysninger (ikke helseopplysninger) sett av eller sendt til uvedkommende?",
        "Kan personopplysninger (ikke helseopplysninger) bli sett av eller sendt til uvedkommende?",
        MERKNAD_DATATILSYNET,
    ),
    Sporsmal(
        "pv_helseopplysninger",
        Dimensjon.PERSONVERN,
        4,
        "Ble helseopplysninger sett av uvedkommende?",
        "Kan helseopplysninger bli sett av uvedkommende?",
        MERKNAD_DATATILSYNET,
    ),
    Sporsmal(
        "pv_mange_spredt",
        Dimensjon.PERSONVERN,
        5,
        "Gjaldt det helseopplysninger om mange personer, eller ble opplysningene spredt utenfor virksomheten?",
        "Kan helseopplysninger om mange personer komme på avveie, eller bli spredt utenfor virksomheten?",
        MERKNAD_DATATILSYNET,
    ),
    # HMS
    Sporsmal(
        "hms_ubehag",
        Dimensjon.HMS,
        2,
        "Ble en ansatt utsatt for ubehag, trusler eller en mindre skade uten fravær?",
        "Kan en ansatt bli utsatt for ubehag, trusler eller en mindre skade?",
    ),
    Sporsmal(
        "hms_legehjelp",
        Dimensjon.HMS,
        3,
        "Måtte den ansatte ha legehjelp, eller bli borte fra jobb?",
        "Kan den ansatte trenge legehjelp, eller bli borte fra jobb?",
    ),
    Sporsmal(
        "hms_alvorlig",
        Dimensjon.HMS,
        4,
        "Ble den ansatte så alvorlig skadet at det gir arbeidsudyktighet over lengre tid?",
        "Kan en ansatt bli så alvorlig skadet at det gir arbeidsudyktighet over lengre tid?",
        MERKNAD_ARBEIDSTILSYNET,
    ),
    Sporsmal(
        "hms_dod_varig",
        Dimensjon.HMS,
        5,
        "Døde den ansatte, eller fikk den ansatte varig skade?",
        "Kan en ansatt dø eller få varig skade?",
        MERKNAD_ARBEIDSTILSYNET,
    ),
)

SPORSMAL_ETTER_KODE: dict[str, Sporsmal] = {q.kode: q for q in SPORSMAL}


def questions_for(dimensjon: Dimensjon) -> tuple[Sporsmal, ...]:
    """The questions of one dimension, in the order they are asked (mildest first)."""
    return tuple(q for q in SPORSMAL if q.dimensjon == dimensjon)


@dataclass(frozen=True)
class Gradering:
    """The consequence that a set of answers gives, and why."""

    konsekvens: int
    per_dimensjon: tuple[tuple[Dimensjon, int], ...]
    avgjort_av: tuple[str, ...]  # the «ja» questions that set the consequence
    merknader: tuple[str, ...]  # duties triggered (avvik only), deduplicated, in question order
    ubesvart: tuple[str, ...]  # questions of the graded dimensions without an answer

    @property
    def navn(self) -> str:
        return KONSEKVENS[self.konsekvens - 1].navn

    @property
    def begrunnelse(self) -> str:
        """A Norwegian sentence for the record: which answers decided the grade."""
        if not self.avgjort_av:
            return f"Konsekvens 1 ({self.navn}): ingen av spørsmålene ble besvart med ja."
        asked = "; ".join(f"«{SPORSMAL_ETTER_KODE[code].tekst}» ja" for code in self.avgjort_av)
        return f"Konsekvens {self.konsekvens} ({self.navn}): {asked}."


def grade_consequence(
    answers: Mapping[str, bool | None],
    *,
    dimensjoner: Iterable[Dimensjon] | None = None,
    ros: bool = False,
) -> Gradering:
    """Grade the consequence from yes/no answers keyed by ``Sporsmal.kode``.

    ``None`` (or a missing key) is «not answered» and counts as «nei»; ``ubesvart`` lists such
    questions so a form can insist. ``dimensjoner`` limits the grading to some dimensions (all by
    default); an answer to a question outside them is an error, never silently ignored. With
    ``ros=True`` the notification duties are left out (a ROS analysis is about what could happen).
    """
    chosen = tuple(Dimensjon) if dimensjoner is None else tuple(dict.fromkeys(dimensjoner))
    for code, value in answers.items():
        question = SPORSMAL_ETTER_KODE.get(code)
        if question is None:
            raise InvalidAssessment(f"Ukjent spørsmål: {code!r}.")
        if question.dimensjon not in chosen and value is not None:
            raise InvalidAssessment(
                f"Spørsmålet {code!r} hører til {DIMENSJON_NAVN[question.dimensjon]}, som ikke er valgt."
            )
        if value is not None and not isinstance(value, bool):
            raise InvalidAssessment(f"Svaret på {code!r} må være ja eller nei (fikk {value!r}).")

    per_dimensjon: list[tuple[Dimensjon, int]] = []
    yes: list[Sporsmal] = []
    unanswered: list[str] = []
    for dimensjon in chosen:
        worst = 1
        for question in questions_for(dimensjon):
            value = answers.get(question.kode)
            if value is None:
                unanswered.append(question.kode)
            elif value:
                yes.append(question)
                worst = max(worst, question.konsekvens)
        per_dimensjon.append((dimensjon, worst))

    konsekvens = max((k for _, k in per_dimensjon), default=1)
    decisive = tuple(q.kode for q in yes if q.konsekvens == konsekvens and konsekvens > 1)
    merknader: tuple[str, ...] = ()
    if not ros:
        merknader = tuple(dict.fromkeys(q.merknad for q in yes if q.merknad is not None))
    return Gradering(konsekvens, tuple(per_dimensjon), decisive, merknader, tuple(unanswered))


# --- Re-scoring after measures -------------------------------------------------------------------


@dataclass(frozen=True)
class Restrisiko:
    """The risk before and after measures, with Norwegian warnings.

    ``hoyere`` is true when the residual risk is higher (level, then score). Such a residual risk
    needs a justification: ``mangler_begrunnelse`` is then true until one is given, and ``ok`` is
    false. The other warnings never block.
    """

    for_tiltak: Vurdering
    etter_tiltak: Vurdering
    begrunnelse: str | None
    hoyere: bool
    mangler_begrunnelse: bool
    advarsler: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.mangler_begrunnelse

    @property
    def redusert(self) -> bool:
        return self.etter_tiltak.sort_key() < self.for_tiltak.sort_key()


def rescore(for_tiltak: Vurdering, etter_tiltak: Vurdering, begrunnelse: str | None = None) -> Restrisiko:
    """Compare the residual risk (after measures) with the risk before."""
    reason = (begrunnelse or "").strip() or None
    higher = etter_tiltak.sort_key() > for_tiltak.sort_key()
    warnings: list[str] = []
    if higher and reason is None:
        warnings.append(
            f"Restrisikoen, {etter_tiltak.tekst}, er høyere enn risikoen før tiltak, {for_tiltak.tekst}. "
            "Skriv en begrunnelse, eller vurder tiltakene på nytt."
        )
    elif higher:
        warnings.append(
            f"Restrisikoen, {etter_tiltak.tekst}, er høyere enn før tiltak, {for_tiltak.tekst}. Begrunnelse: {reason}"
        )
    if etter_tiltak.konsekvens > for_tiltak.konsekvens:
        warnings.append(
            f"Konsekvensen er satt høyere etter tiltak ({for_tiltak.konsekvens} → {etter_tiltak.konsekvens}). "
            "Tiltak øker sjelden konsekvensen; kontroller vurderingen."
        )
    if etter_tiltak.sannsynlighet > for_tiltak.sannsynlighet:
        warnings.append(
            f"Sannsynligheten er satt høyere etter tiltak ({for_tiltak.sannsynlighet} → "
            f"{etter_tiltak.sannsynlighet}). Kontroller vurderingen."
        )
    if niva_rank(etter_tiltak.niva) >= niva_rank(Niva.HOY):
        warnings.append(
            f"Restrisikoen er fortsatt {NIVA_NAVN[etter_tiltak.niva].lower()}: {NIVA_HANDLING[etter_tiltak.niva]}"
        )
    return Restrisiko(
        for_tiltak=for_tiltak,
        etter_tiltak=etter_tiltak,
        begrunnelse=reason,
        hoyere=higher,
        mangler_begrunnelse=higher and reason is None,
        advarsler=tuple(warnings),
    )
