"""Demo: the demo provider's procedures (rutiner) with versions, read lists and acknowledgements.

Eight procedures at the provider where the demo meldingsansvarlig works: most with an approved
current version (some with older versions before it), one new procedure still in draft, one whose
review date has passed, one re-approved two weeks ago (so few have acknowledged the new version).
The kvalitetsleder approves; owners are the kvalitetsleder and the enhet leaders. Acknowledgements
are drawn per required reader, so some are missing — including some for the demo nurse, who then
has «Rutiner jeg må lese». Deterministic from ``rng``; runs inside the demo transaction.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from helhet.core.models import Leverandor, Role, RoleAssignment, User
from helhet.quality import services_dokumenter
from helhet.quality.models import Lesebekreftelse, Rutine, RutineLeseplikt, RutineVersjon
from helhet.quality.rules.dokumenter import add_months

CARE = (Role.SYKEPLEIER, Role.HELSEFAGARBEIDER, Role.ASSISTENT)
ALL_STAFF = (*CARE, Role.LEDER, Role.MELDINGSANSVARLIG)

#: (number, title, area, purpose, roles, text paragraphs, how: "normal" | "reapproved" | "overdue" | "draft")
PROCEDURES: list[tuple[str, str, str, str, tuple[str, ...], list[str], str]] = [
    (
        "RUT-001",
        "Legemiddelhåndtering i hjemmet",
        "Legemidler",
        "Riktig legemiddel til riktig person til riktig tid.",
        (Role.SYKEPLEIER, Role.HELSEFAGARBEIDER),
        [
            "Kontroller navn og fødselsdato mot legemiddelkortet før utdeling.",
            "Dosett og multidose kontrolleres mot gjeldende legemiddelliste.",
            "Avvik i utdeling meldes som avvik i kategorien legemiddelhåndtering samme dag.",
        ],
        "reapproved",
    ),
    (
        "RUT-002",
        "Melde og behandle avvik",
        "Kvalitet",
        "Alle avvik meldes og følges opp.",
        ALL_STAFF,
        [
            "Alle ansatte melder avvik i Helhet så snart som mulig, helst samme vakt.",
            "Meldingsansvarlig graderer, setter tiltak og lukker avviket med hva vi lærte.",
        ],
        "normal",
    ),
    (
        "RUT-003",
        "Brannvern og evakuering",
        "HMS",
        "Trygg opptreden ved brann hjemme hos bruker og på basen.",
        ALL_STAFF,
        ["Ring 110. Varsle leder.", "Kjenn rømningsveiene på basen; øvelse to ganger i året."],
        "overdue",
    ),
    (
        "RUT-004",
        "Smittevern og håndhygiene",
        "Smittevern",
        "Hindre smitte mellom brukere og ansatte.",
        CARE,
        ["Desinfiser hendene før og etter hvert besøk.", "Bruk hansker og forkle ved stell."],
        "normal",
    ),
    (
        "RUT-005",
        "Taushetsplikt og personvern",
        "Personvern",
        "Opplysninger om brukere deles bare ved tjenstlig behov.",
        ALL_STAFF,
        ["Slå opp bare brukere du gir hjelp til.", "Snakk aldri om brukere der andre kan høre det."],
        "normal",
    ),
    (
        "RUT-006",
        "Når bruker ikke åpner døren",
        "Fag",
        "Hva du gjør når bruker ikke svarer ved besøk.",
        CARE,
        [
            "Ring bruker, så pårørende som står oppført.",
            "Kontakt leder; bruk nøkkelboks etter avtale.",
            "Ring 113 ved mistanke om at bruker er syk eller skadet.",
        ],
        "normal",
    ),
    (
        "RUT-007",
        "Klager på tjenesten",
        "Kvalitet",
        "Klager registreres, behandles og besvares innen en måned.",
        (Role.LEDER, Role.MELDINGSANSVARLIG),
        ["Alle ansatte tar imot klager og registrerer dem.", "Leder eller meldingsansvarlig svarer innen fristen."],
        "normal",
    ),
    (
        "RUT-008",
        "Vold og trusler",
        "HMS",
        "Forebygge og håndtere vold og trusler.",
        (*CARE, Role.LEDER),
        ["Vurder risiko før første besøk.", "Gå ut og varsle leder hvis du føler deg utrygg."],
        "draft",
    ),
]


def _staff(leverandor: Leverandor, roles: tuple[str, ...], today: dt.date) -> dict[int, set[str]]:
    """Active staff at the provider with any of ``roles``: user id → roles."""
    result: dict[int, set[str]] = {}
    for a in services_dokumenter.assignments(leverandor.pk, None, today):
        if a.role in roles:
            result.setdefault(a.user_id, set()).add(a.role)
    return result


def build_demo(rng: random.Random, today: dt.date) -> dict[str, int]:
    """Add the demo procedures; returns counts by Norwegian label."""
    anchor = RoleAssignment.objects.filter(rolle=Role.MELDINGSANSVARLIG, enhet__isnull=False).order_by("pk").first()
    if anchor is None or anchor.enhet is None:
        return {"Rutiner": 0, "Rutineversjoner": 0, "Lesebekreftelser": 0}
    leverandor = anchor.enhet.leverandor
    approver = (
        User.objects.filter(
            role_assignments__rolle=Role.KVALITETSLEDER, role_assignments__leverandor=leverandor, is_active=True
        )
        .order_by("pk")
        .first()
    )
    leaders = list(
        User.objects.filter(role_assignments__rolle=Role.LEDER, role_assignments__enhet__leverandor=leverandor)
        .distinct()
        .order_by("pk")
    )
    approver = approver or (leaders[0] if leaders else anchor.user)
    owners = [approver, *leaders[:3]]
    staff = _staff(leverandor, ALL_STAFF, today)
    demo_nurse = User.objects.filter(username="sykepleier").first()
    versions = acks = 0
    tz = timezone.get_current_timezone()

    def when(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(rng.randint(7, 20), rng.randint(0, 59)), tzinfo=tz)

    for number, title, area, purpose, roles, paragraphs, how in PROCEDURES:
        rutine = Rutine.objects.create(
            leverandor=leverandor,
            nummer=number,
            tittel=title,
            omrade=area,
            formal=purpose,
            eier=rng.choice(owners),
        )
        RutineLeseplikt.objects.bulk_create([RutineLeseplikt(rutine=rutine, rolle=r) for r in sorted(set(roles))])
        text = "\n\n".join(paragraphs)
        if how == "draft":
            RutineVersjon.objects.create(rutine=rutine, nummer=1, tekst=text, opprettet_av=approver)
            versions += 1
            continue
        # Approval dates of the versions, oldest first; the last one is current.
        if how == "overdue":
            dates = [add_months(today, -12) - dt.timedelta(days=20)]
        elif how == "reapproved":
            dates = [today - dt.timedelta(days=rng.randint(300, 340)), today - dt.timedelta(days=14)]
        else:
            n = rng.choice([1, 1, 2, 3])
            start = rng.randint(60 * n, 330)
            dates = sorted(today - dt.timedelta(days=start - i * rng.randint(40, 60)) for i in range(n))
        current = None
        for i, approved in enumerate(dates, start=1):
            is_last = i == len(dates)
            current = RutineVersjon.objects.create(
                rutine=rutine,
                nummer=i,
                tekst=text if is_last else "\n\n".join(paragraphs[:-1] or paragraphs),
                endringer="" if i == 1 else "Oppdatert etter gjennomgang i kvalitetsutvalget.",
                opprettet_av=approver,
                godkjent_av=approver,
                godkjent=approved,
            )
            versions += 1
            # Acknowledgements of this version, by the staff who had to read it.
            days_open = ((dates[i] if not is_last else today) - approved).days
            rate = 0.85 if not is_last else (0.3 if how == "reapproved" else rng.uniform(0.65, 0.95))
            rows = []
            for user_id, user_roles in sorted(staff.items()):
                if not user_roles & set(roles) or rng.random() > rate:
                    continue
                if is_last and demo_nurse is not None and user_id == demo_nurse.pk and number in ("RUT-001", "RUT-004"):
                    continue  # the demo nurse has something to read
                day = approved + dt.timedelta(days=rng.randint(0, max(0, min(days_open, 60))))
                rows.append(Lesebekreftelse(versjon=current, user_id=user_id, bekreftet=when(min(day, today))))
            Lesebekreftelse.objects.bulk_create(rows)
            acks += len(rows)
        assert current is not None
        rutine.gjeldende = current
        rutine.revisjonsdato = add_months(current.godkjent or today, 12)
        rutine.save(update_fields=["gjeldende", "revisjonsdato"])
    return {"Rutiner": len(PROCEDURES), "Rutineversjoner": versions, "Lesebekreftelser": acks}
