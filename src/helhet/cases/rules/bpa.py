"""BPA (brukerstyrt personlig assistanse): guidance on the individual right, for the case officer.

Source: pasient- og brukerrettighetsloven § 2-1 d as summarised in ``shared/facts/
bpa_worktime_security.md`` § 1.1 (Helsedirektoratet's commentary [S1], Helsetilsynet [S2]):

- The right belongs to persons **under 67** with a «langvarig og stort behov» for personal
  assistance under helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav b.
- Someone granted BPA before turning 67 keeps the right afterwards (since 1 July 2020,
  Prop. 93 L (2019–2020)). So the age that counts is the age when the application is decided,
  unless BPA was already granted before 67.
- «Langvarig»: a need lasting **more than 2 years**.
- «Stort behov»: a need of **at least 32 hours a week** gives the right. A need of **at least 25
  hours a week** also gives the right, *unless the kommune can document that organising it as BPA
  would be significantly more costly* («vesentlig økt kostnad») — the fact sheet's wording; it does
  not say «skal vurderes» or «bør». Helhet calls this band ``"skjonn"``: the case officer must
  assess and document the cost question.
- No right where the service needs more than one helper present, or night services, unless the
  need is continuous; Bodø kommune leaves occasional such hours out of the count ([S7]). The hours
  passed to :func:`assess` should be counted that way.
- Below the thresholds the kommune may still organise the services as BPA: nr. 6 b «skal kunne gis
  som brukerstyrt personlig assistanse, jf. § 3-8» (helse- og omsorgstjenesteloven § 3-8;
  helsekompetanse.no, «Tjenestetilbudet i dag – 1b»).

This is guidance shown beside the vedtak form, never a block: the decision is the kommune's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from helhet.cases.rules import InvalidInput

AGE_LIMIT = 67
HOURS_RIGHT = 32
HOURS_RIGHT_UNLESS_COSTLY = 25

Status = Literal["rett", "skjonn", "ikke_rett"]

HJEMMEL = "pasient- og brukerrettighetsloven § 2-1 d"
NOTE_EXCLUSIONS = (
    "Timer som krever mer enn én tjenesteyter til stede, eller nattjenester, gir ikke rett til BPA "
    "med mindre behovet er kontinuerlig. Sjekk at timetallet er regnet slik."
)
NOTE_GUIDANCE = "Dette er veiledning for saksbehandler, ikke en avgjørelse."


@dataclass(frozen=True)
class BpaAssessment:
    status: Status
    reasons: list[str] = field(default_factory=list)  # Norwegian sentences, in order


def assess(
    age: int,
    hours_per_week: Decimal | int,
    need_lasting_over_two_years: bool,
    *,
    granted_before_67: bool = False,
) -> BpaAssessment:
    """Whether the person has a right to BPA under pbrl § 2-1 d, as guidance.

    ``age`` is the age when the application is decided; ``granted_before_67`` keeps the right for
    someone who already had BPA before turning 67. ``hours_per_week`` is the assessed need for
    personal assistance (praktisk bistand, opplæring, støttekontakt).
    """
    if isinstance(age, bool) or age < 0:
        raise InvalidInput("Oppgi alder som et helt tall, null eller mer.")
    if isinstance(hours_per_week, bool) or hours_per_week < 0:
        raise InvalidInput("Timer per uke kan ikke være negativt.")
    hours = Decimal(hours_per_week)

    blockers: list[str] = []
    if age >= AGE_LIMIT and not granted_before_67:
        blockers.append(
            f"Retten gjelder personer under {AGE_LIMIT} år ({HJEMMEL}). "
            f"Den som fikk BPA før fylte {AGE_LIMIT} år, beholder retten."
        )
    if not need_lasting_over_two_years:
        blockers.append("Retten krever et langvarig behov, det vil si et behov som varer mer enn to år.")
    if hours < HOURS_RIGHT_UNLESS_COSTLY:
        blockers.append(
            f"Behovet er under {HOURS_RIGHT_UNLESS_COSTLY} timer i uken. Retten krever minst "
            f"{HOURS_RIGHT} timer i uken, eller minst {HOURS_RIGHT_UNLESS_COSTLY} timer i uken når BPA "
            "ikke gir vesentlig økt kostnad for kommunen."
        )
    if blockers:
        blockers.append("Kommunen kan likevel organisere tjenestene som BPA (helse- og omsorgstjenesteloven § 3-8).")
        return BpaAssessment("ikke_rett", [*blockers, NOTE_GUIDANCE])

    lasting = "Behovet varer mer enn to år."
    age_reason = (
        f"BPA ble innvilget før fylte {AGE_LIMIT} år, så retten består."
        if age >= AGE_LIMIT
        else f"Personen er under {AGE_LIMIT} år."
    )
    if hours >= HOURS_RIGHT:
        return BpaAssessment(
            "rett",
            [
                age_reason,
                lasting,
                f"Behovet er minst {HOURS_RIGHT} timer i uken: rett til BPA ({HJEMMEL}).",
                NOTE_EXCLUSIONS,
                NOTE_GUIDANCE,
            ],
        )
    return BpaAssessment(
        "skjonn",
        [
            age_reason,
            lasting,
            f"Behovet er minst {HOURS_RIGHT_UNLESS_COSTLY}, men under {HOURS_RIGHT} timer i uken. Det gir rett "
            "til BPA, med mindre kommunen kan dokumentere at organisering som BPA vil gi vesentlig økt "
            f"kostnad ({HJEMMEL}). Vurder og dokumenter kostnadene.",
            NOTE_EXCLUSIONS,
            NOTE_GUIDANCE,
        ],
    )
