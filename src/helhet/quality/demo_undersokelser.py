"""Demo surveys (issue 7 point 7) at the municipal provider (the first enhet's leverandør).

- «Brukerundersøkelse hjemmetjenesten»: two rounds a year apart (so the comparison shows), about 60
  answers in the latest, grouped by enhet, with one enhet under 5 answers (so suppression shows).
- «Medarbeiderundersøkelse»: one open round answered by most of the provider's staff, grouped by
  the respondent's own choice of job type; each answer recorded apart from the fact that they answered.

Written straight into the tables (no links: a link's raw token is never stored anyway).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from helhet.core.models import Enhet, RoleAssignment, User
from helhet.quality.models import Besvarelse, Deltakelse, Runde, Svar, Undersokelse, UndersokelseSporsmal
from helhet.quality.rules.undersokelse import Kind

BRUKER_SPORSMAL = (
    ("fornoyd", Kind.SKALA_1_6, "Alt i alt, hvor fornøyd er du med hjelpen du får?"),
    ("respekt", Kind.SKALA_1_6, "De ansatte behandler meg med respekt."),
    ("tid", Kind.JA_NEI, "Kommer de ansatte til avtalt tid?"),
    ("anbefale", Kind.NPS, "Hvor sannsynlig er det at du vil anbefale hjemmetjenesten til andre?"),
    ("kommentar", Kind.FRITEKST, "Er det noe vi kan gjøre bedre?"),
)
ANSATT_SPORSMAL = (
    ("trives", Kind.ENIG_1_5, "Jeg trives på jobb."),
    ("tid_nok", Kind.ENIG_1_5, "Jeg har nok tid til brukerne."),
    ("opplaering", Kind.JA_NEI, "Jeg har fått opplæringen jeg trenger."),
    ("anbefale", Kind.NPS, "Hvor sannsynlig er det at du vil anbefale oss som arbeidsgiver?"),
)
KOMMENTARER = (
    "Savner at det kommer de samme folkene.",
    "Veldig hyggelige og flinke ansatte.",
    "Ønsker bedre beskjed når besøket blir forsinket.",
    "Fornøyd med alt.",
)
SVARTYPER = ["Sykepleier", "Helsefagarbeider", "Assistent", "Leder eller annet"]


def _questions(survey: Undersokelse, spec: tuple[tuple[str, Kind, str], ...]) -> list[UndersokelseSporsmal]:
    return [
        UndersokelseSporsmal.objects.create(undersokelse=survey, rekkefolge=i, kode=kode, type=kind.value, tekst=tekst)
        for i, (kode, kind, tekst) in enumerate(spec, start=1)
    ]


def _value(rng: random.Random, kind: Kind, mood: float) -> object:
    """A plausible answer; ``mood`` 0–1 shifts it up. About 5 % «vet ikke»."""
    if kind != Kind.FRITEKST and rng.random() < 0.05:
        return None
    if kind == Kind.FRITEKST:
        return rng.choice(KOMMENTARER) if rng.random() < 0.3 else None
    if kind == Kind.JA_NEI:
        return rng.random() < 0.55 + 0.4 * mood
    low, high = {Kind.ENIG_1_5: (1, 5), Kind.SKALA_1_6: (1, 6), Kind.NPS: (0, 10)}[kind]
    centre = low + (high - low) * (0.45 + 0.45 * mood)
    return max(low, min(high, round(rng.gauss(centre, (high - low) / 6))))


def _answers(rng: random.Random, runde: Runde, questions: list[UndersokelseSporsmal], gruppe: str, mood: float) -> None:
    besvarelse = Besvarelse.objects.create(runde=runde, gruppe=gruppe)
    Svar.objects.bulk_create(
        [Svar(besvarelse=besvarelse, sporsmal=q, verdi=_value(rng, q.kind, mood)) for q in questions]
    )


def build_demo(rng: random.Random, today: dt.date) -> dict[str, int]:
    first = Enhet.objects.order_by("pk").first()
    if first is None:
        return {"Undersøkelser": 0}
    leverandor = first.leverandor
    enheter = list(Enhet.objects.filter(leverandor=leverandor).order_by("pk"))
    staff_ids = RoleAssignment.objects.filter(
        Q(leverandor=leverandor) | Q(enhet__leverandor=leverandor) | Q(team__enhet__leverandor=leverandor)
    ).values("user_id")
    staff = list(User.objects.filter(pk__in=staff_ids, is_active=True).order_by("pk"))
    owner = staff[0] if staff else User.objects.order_by("pk").first()
    if owner is None:
        return {"Undersøkelser": 0}

    # --- the user survey: two rounds -------------------------------------------------------------------
    bruker = Undersokelse.objects.create(
        tittel="Brukerundersøkelse hjemmetjenesten",
        malgruppe=Undersokelse.Malgruppe.BRUKER,
        leverandor=leverandor,
        innledning="Vi vil gjerne vite hva du synes om hjelpen du får. Det tar omtrent fem minutter.",
        gruppering=Undersokelse.Gruppering.ENHET,
        opprettet_av=owner,
    )
    questions = _questions(bruker, BRUKER_SPORSMAL)
    previous = Runde.objects.create(
        undersokelse=bruker,
        navn=f"Høst {today.year - 1}",
        apnes=today - dt.timedelta(days=400),
        stenges=today - dt.timedelta(days=370),
    )
    current = Runde.objects.create(
        undersokelse=bruker,
        navn=f"Høst {today.year}",
        apnes=today - dt.timedelta(days=35),
        stenges=today - dt.timedelta(days=5),
    )
    # Sizes per enhet: the last enhet gets 3 answers (under 5: hidden), the rest share about 57.
    sizes_now = [3] if len(enheter) == 1 else [57 // (len(enheter) - 1)] * (len(enheter) - 1) + [3]
    sizes_before = [max(6, n - rng.randint(0, 6)) for n in sizes_now[:-1]] + [rng.randint(5, 8)]
    n_user = 0
    for enhet, n_now, n_before in zip(enheter, sizes_now, sizes_before, strict=True):
        for _ in range(n_before):
            _answers(rng, previous, questions, enhet.navn, 0.5)
        for _ in range(n_now):
            _answers(rng, current, questions, enhet.navn, 0.7)
            n_user += 1

    # --- the employee survey: one open round ---------------------------------------------------------
    ansatt = Undersokelse.objects.create(
        tittel="Medarbeiderundersøkelse",
        malgruppe=Undersokelse.Malgruppe.ANSATT,
        leverandor=leverandor,
        innledning="Svarene er anonyme. Vi lagrer bare at du har svart, ikke hva du svarte.",
        gruppering=Undersokelse.Gruppering.SVARTYPE,
        svartyper=SVARTYPER,
        opprettet_av=owner,
    )
    staff_questions = _questions(ansatt, ANSATT_SPORSMAL)
    runde = Runde.objects.create(
        undersokelse=ansatt,
        navn=f"Medarbeiderundersøkelse {today.year}",
        apnes=today - dt.timedelta(days=14),
        stenges=today + dt.timedelta(days=14),
    )
    demo_logins = {"leder", "sykepleier", "helsefagarbeider", "assistent", "kvalitetsleder"}
    answering = [u for u in staff if u.username not in demo_logins and rng.random() < 0.85]
    for _ in answering:  # the answers carry no user: random keys, no time
        _answers(rng, runde, staff_questions, rng.choice(SVARTYPER), 0.6)
    Deltakelse.objects.bulk_create([Deltakelse(runde=runde, user=u) for u in sorted(answering, key=lambda u: u.pk)])
    return {
        "Undersøkelser": 2,
        "Svar på brukerundersøkelsen (siste runde)": n_user,
        "Svar på brukerundersøkelsen (forrige runde)": sum(sizes_before),
        "Svar på medarbeiderundersøkelsen": len(answering),
    }
