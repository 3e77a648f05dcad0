"""The catalogue of service types (tjenestetyper) a vedtak can grant, as data.

Sources:

- KPR service codes: ``shared/facts/iplos_kpr.md`` § 3.1 (Volven kodeverk 9151 «Tjenestetype i
  helse- og omsorgstjenesten», cross-checked with Helsedirektoratet's KPR 2021 report). Code 15
  «Helsetjenester i hjemmet» was formerly called hjemmesykepleie.
- Legal basis (hjemmel): helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav a
  (helsetjenester i hjemmet) and bokstav b («personlig assistanse, herunder praktisk bistand og
  opplæring og støttekontakt») as quoted in the two example vedtak letters, seed 004 lines
  1410-1413 and 1522-1530. BPA: § 3-8 (the services in nr. 6 b shall be offered as BPA) and the
  individual right in pasient- og brukerrettighetsloven § 2-1 d (``shared/facts/
  bpa_worktime_security.md`` § 1.1). Avlastning: § 3-6 første ledd nr. 2 (avlastningstiltak;
  bpa_worktime_security.md § 1.1) and § 3-2 første ledd nr. 6 bokstav d. That nr. 6 a, b and d
  are the services for people living at home, and that nr. 6 b «skal kunne gis som BPA, jf. § 3-8»:
  helsekompetanse.no, «Tjenestetilbudet i dag – 1b. Helse- og omsorgstjenesteloven»
  (https://min.helsekompetanse.no/mod/book/view.php?id=432&chapterid=1050).
- Free choice of provider (brukervalg) applies to hjemmesykepleie, praktisk bistand and BPA:
  seed 004 lines 514-517 and 537-543 (and 1169-1174).
- Co-payment: only praktisk bistand to household tasks is charged (seed 004 line 1552); health
  services in the home and help with personal care are free (iplos_kpr.md § 5.2).
- Scope units: KPR registers the hours per week stated in the vedtak (iplos_kpr.md § 3.2); services
  that carry hours per week in SSB/KOSTRA: codes 1, 2, 3, 4, 7, 9, 11, 15 (§ 3.2); avlastning i
  institusjon is a døgn-based service (SSB table 11644, § 3.2).

Where a hjemmel is *not* stated in the seed or the fact sheets, ``hjemmel_confirmed`` is False and a
comment says so: the kommune's lawyer must confirm it before the text goes into a letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from helhet.cases.rules import InvalidInput

HOL = "helse- og omsorgstjenesteloven"
PBRL = "pasient- og brukerrettighetsloven"
HOL_6A = f"{HOL} § 3-2 første ledd nr. 6 bokstav a"
HOL_6B = f"{HOL} § 3-2 første ledd nr. 6 bokstav b"
HOL_6D = f"{HOL} § 3-2 første ledd nr. 6 bokstav d"


class ScopeUnit(StrEnum):
    """The unit a vedtak states its scope in."""

    TIMER_PER_UKE = "timer_per_uke"
    BESOK_PER_DAG = "besok_per_dag"
    BESOK_PER_UKE = "besok_per_uke"
    DOGN = "dogn"  # døgn (days and nights), e.g. avlastning i institusjon: døgn per måned
    INGEN = "ingen"  # no amount: the service is either in place or not (trygghetsalarm)

    @property
    def label(self) -> str:
        return _UNIT_LABELS[self]


_UNIT_LABELS = {
    ScopeUnit.TIMER_PER_UKE: "timer per uke",
    ScopeUnit.BESOK_PER_DAG: "besøk per dag",
    ScopeUnit.BESOK_PER_UKE: "besøk per uke",
    ScopeUnit.DOGN: "døgn per måned",
    ScopeUnit.INGEN: "uten omfang",
}


@dataclass(frozen=True)
class Tjenestetype:
    """One service type: what it is called, how KPR codes it, its legal basis and its rules."""

    code: str  # Helhet's stable ASCII key
    name: str  # Norwegian name, as in KPR
    kpr_code: int  # Volven 9151 / KPR tjenestetype
    hjemmel: tuple[str, ...]
    scope_unit: ScopeUnit
    free_choice: bool  # brukervalg applies (seed 004 lines 537-543)
    chargeable: bool  # egenbetaling may be charged (seed 004 line 1552)
    requires_vedtak: bool  # granted by enkeltvedtak when expected to last over 14 days (seed 004 line 460)
    hjemmel_confirmed: bool = True


CATALOGUE: tuple[Tjenestetype, ...] = (
    Tjenestetype(
        code="helsetjenester_i_hjemmet",
        name="Helsetjenester i hjemmet (hjemmesykepleie)",
        kpr_code=15,
        hjemmel=(HOL_6A,),  # seed 004 lines 1410-1413
        scope_unit=ScopeUnit.TIMER_PER_UKE,  # KPR registers hours per week (§ 3.2); the letter may also name visits
        free_choice=True,
        chargeable=False,
        requires_vedtak=True,
    ),
    Tjenestetype(
        code="praktisk_bistand",
        name="Praktisk bistand – daglige gjøremål",
        kpr_code=1,
        hjemmel=(HOL_6B,),  # seed 004 lines 1522-1530
        scope_unit=ScopeUnit.TIMER_PER_UKE,
        free_choice=True,
        chargeable=True,
        requires_vedtak=True,
    ),
    Tjenestetype(
        code="praktisk_bistand_opplaering",
        name="Praktisk bistand – opplæring – daglige gjøremål",
        kpr_code=2,
        hjemmel=(HOL_6B,),
        scope_unit=ScopeUnit.TIMER_PER_UKE,
        # Oslo's brukervalg names «praktisk bistand og hjemmesykepleie» (seed 004 line 1435); whether it
        # covers opplæring is not said, so it is off until the kommune says otherwise.
        free_choice=False,
        # The seed charges for «praktisk bistand til husholdningsoppgaver» only (line 1552). The state
        # cap covers «praktisk bistand og opplæring» (iplos_kpr.md § 5.2), so a kommune *may* charge
        # for this too; Helhet does not by default.
        chargeable=False,
        requires_vedtak=True,
    ),
    Tjenestetype(
        code="bpa",
        name="Praktisk bistand – brukerstyrt personlig assistanse (BPA)",
        kpr_code=3,
        hjemmel=(HOL_6B, f"{HOL} § 3-8", f"{PBRL} § 2-1 d"),
        scope_unit=ScopeUnit.TIMER_PER_UKE,
        free_choice=True,  # seed 004 lines 514-517, 540-543
        chargeable=False,
        requires_vedtak=True,
    ),
    Tjenestetype(
        code="stottekontakt",
        name="Støttekontakt",
        kpr_code=9,
        hjemmel=(HOL_6B,),  # «… praktisk bistand og opplæring og støttekontakt», seed 004 lines 1529-1530
        scope_unit=ScopeUnit.TIMER_PER_UKE,
        free_choice=False,
        chargeable=False,
        requires_vedtak=True,
    ),
    Tjenestetype(
        code="avlastning_utenfor_institusjon",
        name="Avlastning utenfor institusjon",
        kpr_code=7,
        hjemmel=(f"{HOL} § 3-6 første ledd nr. 2", HOL_6D),
        scope_unit=ScopeUnit.TIMER_PER_UKE,  # e.g. 24 h/month = 6 h/week (iplos_kpr.md § 3.2)
        free_choice=False,
        chargeable=False,
        requires_vedtak=True,
    ),
    Tjenestetype(
        code="avlastning_i_institusjon",
        name="Avlastning i institusjon",
        kpr_code=8,
        hjemmel=(f"{HOL} § 3-6 første ledd nr. 2", HOL_6D),
        scope_unit=ScopeUnit.DOGN,
        free_choice=False,
        chargeable=False,
        requires_vedtak=True,
    ),
    Tjenestetype(
        code="omsorgsstonad",
        name="Omsorgsstønad",
        kpr_code=11,
        # § 3-6 første ledd nr. 3 is not stated in the seed or the fact sheets: UNCONFIRMED.
        hjemmel=(f"{HOL} § 3-6 første ledd nr. 3",),
        scope_unit=ScopeUnit.TIMER_PER_UKE,
        free_choice=False,
        chargeable=False,
        requires_vedtak=True,
        hjemmel_confirmed=False,
    ),
    Tjenestetype(
        code="dagaktivitetstilbud",
        name="Dagaktivitetstilbud",
        kpr_code=4,
        # Not stated in the seed or the fact sheets: UNCONFIRMED (the kommune must fill in its basis).
        hjemmel=(f"{HOL} § 3-2 første ledd",),
        scope_unit=ScopeUnit.TIMER_PER_UKE,
        free_choice=False,
        chargeable=False,
        requires_vedtak=True,
        hjemmel_confirmed=False,
    ),
    Tjenestetype(
        code="matombringing",
        name="Matombringing",
        kpr_code=5,
        hjemmel=(f"{HOL} § 3-1",),  # UNCONFIRMED: no specific basis in the seed or the fact sheets
        scope_unit=ScopeUnit.BESOK_PER_UKE,  # deliveries per week
        free_choice=False,
        chargeable=False,
        requires_vedtak=True,
        hjemmel_confirmed=False,
    ),
    Tjenestetype(
        code="trygghetsalarm",
        name="Trygghetsalarm",
        kpr_code=6,
        hjemmel=(f"{HOL} § 3-1",),  # UNCONFIRMED: kommuner differ; the fact sheets give no basis
        scope_unit=ScopeUnit.INGEN,
        free_choice=False,
        chargeable=False,
        requires_vedtak=True,
        hjemmel_confirmed=False,
    ),
    Tjenestetype(
        code="lokaliseringsteknologi",
        name="Lokaliseringsteknologi (GPS)",
        kpr_code=26,
        hjemmel=(f"{HOL} § 3-1",),  # UNCONFIRMED, as trygghetsalarm
        scope_unit=ScopeUnit.INGEN,
        free_choice=False,
        chargeable=False,
        requires_vedtak=True,
        hjemmel_confirmed=False,
    ),
    Tjenestetype(
        code="elektronisk_medisineringsstotte",
        name="Elektronisk medisineringsstøtte",
        kpr_code=27,
        hjemmel=(HOL_6A,),  # UNCONFIRMED: medication help is a home health service, but no source says so
        scope_unit=ScopeUnit.INGEN,
        free_choice=False,
        chargeable=False,
        requires_vedtak=True,
        hjemmel_confirmed=False,
    ),
    Tjenestetype(
        code="digitalt_tilsyn",
        name="Digitalt tilsyn",
        kpr_code=28,
        hjemmel=(HOL_6A,),  # UNCONFIRMED, as elektronisk medisineringsstøtte
        scope_unit=ScopeUnit.INGEN,
        free_choice=False,
        chargeable=False,
        requires_vedtak=True,
        hjemmel_confirmed=False,
    ),
)

_BY_CODE = {t.code: t for t in CATALOGUE}
_BY_KPR = {t.kpr_code: t for t in CATALOGUE}


def by_code(code: str) -> Tjenestetype:
    """The service type with Helhet's key ``code``; :class:`InvalidInput` if there is none."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise InvalidInput(f"Ukjent tjenestetype: «{code}».") from None


def by_kpr_code(kpr_code: int) -> Tjenestetype:
    """The service type with KPR code ``kpr_code``; :class:`InvalidInput` if Helhet does not offer it."""
    try:
        return _BY_KPR[kpr_code]
    except KeyError:
        raise InvalidInput(f"Ukjent KPR-tjenestekode: {kpr_code}.") from None
