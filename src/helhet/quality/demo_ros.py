"""Demo ROS analysis (issue 7 point 6): «Legemiddelhåndtering i hjemmetjenesten» at the first enhet.

Six hazards scored on the avvik matrix, measures owned by the enhet's nurses, the residual risk after
the measures, approved by the enhet's leder. Runs inside the demo transaction after the core demo.
"""

from __future__ import annotations

import datetime as dt
import random

from helhet.core.models import Enhet, Role, RoleAssignment, User
from helhet.quality.models import RosAnalyse, RosFare, RosTiltak
from helhet.quality.rules import risiko

TITTEL = "Legemiddelhåndtering i hjemmetjenesten"

# (hazard, causes/barriers, (S, K) before, measures, (S, K) after)
FARER: tuple[tuple[str, str, tuple[int, int], tuple[str, ...], tuple[int, int] | None], ...] = (
    (
        "Feil legemiddel eller dose gitt fra dosett",
        "Manuelt fylte dosetter; endringer fra fastlegen når ikke alltid fram.",
        (4, 4),
        ("Dobbeltkontroll ved fylling av dosetter", "Overgang til multidose fra apotek der det er mulig"),
        (2, 4),
    ),
    (
        "Dose glemt eller gitt for sent",
        "Forsinkede besøk; ikke avkrysset i legemiddelmodulen.",
        (4, 3),
        ("Faste tidsvinduer for besøk med legemidler",),
        (2, 3),
    ),
    (
        "Oppdatert legemiddelliste mangler etter sykehusopphold",
        "Epikrise kommer sent; kjernejournal ikke sjekket.",
        (3, 4),
        ("Sjekk av kjernejournal og kontakt med fastlege første besøk etter utskriving",),
        (2, 4),
    ),
    (
        "Narkotiske legemidler kommer bort",
        "Oppbevaring hjemme hos bruker; telling ikke rutine.",
        (2, 3),
        ("Telling ved hvert besøk, med signatur",),
        (1, 3),
    ),
    (
        "Ansatte uten delegert ansvar deler ut legemidler",
        "Vikarer i ferier; oversikt over delegering på papir.",
        (3, 3),
        ("Kompetanseoversikt i turnusplanleggingen", "Opplæring og delegering før første vakt"),
        (1, 3),
    ),
    (
        "Legemidler oppbevart feil (temperatur, lys)",
        "Insulin og øyedråper i varme stuer.",
        (2, 2),
        (),
        None,
    ),
)


def build_demo(rng: random.Random, today: dt.date) -> dict[str, int]:
    enhet = Enhet.objects.order_by("pk").first()
    if enhet is None:
        return {"ROS-analyser": 0}
    leader = (
        User.objects.filter(role_assignments__rolle=Role.LEDER, role_assignments__enhet=enhet).order_by("pk").first()
    )
    nurses = list(
        User.objects.filter(
            pk__in=RoleAssignment.objects.filter(team__enhet=enhet, rolle=Role.SYKEPLEIER).values("user_id")
        ).order_by("pk")
    )
    if leader is None:
        return {"ROS-analyser": 0}
    owners = nurses or [leader]
    dato = today - dt.timedelta(days=rng.randint(40, 70))
    analyse = RosAnalyse.objects.create(
        tittel=TITTEL,
        omfang="Legemiddelhåndtering i hjemmebaserte tjenester: dosett, multidose, narkotika, delegering.",
        enhet=enhet,
        dato=dato,
        deltakere=f"{leader} (leder), sykepleiere fra teamene, verneombud, farmasøyt fra apoteket",
        opprettet_av=leader,
        status=RosAnalyse.Status.GODKJENT,
        godkjent_av=leader,
    )
    n_tiltak = 0
    for nummer, (tittel, beskrivelse, (s, k), tiltak, etter) in enumerate(FARER, start=1):
        fare = RosFare(
            analyse=analyse,
            nummer=nummer,
            tittel=tittel,
            beskrivelse=beskrivelse,
            sannsynlighet=s,
            konsekvens=k,
            niva=risiko.level(s, k).value,
        )
        if etter is not None:
            result = risiko.rescore(risiko.Vurdering(s, k), risiko.Vurdering(*etter))
            assert result.ok
            fare.rest_sannsynlighet, fare.rest_konsekvens = etter
            fare.rest_niva = result.etter_tiltak.niva.value
        fare.save()
        for beskrivelse_tiltak in tiltak:
            frist = dato + dt.timedelta(days=rng.randint(30, 120))
            RosTiltak.objects.create(
                fare=fare,
                beskrivelse=beskrivelse_tiltak,
                ansvarlig=rng.choice(owners),
                frist=frist,
                utfort=frist - dt.timedelta(days=rng.randint(0, 20)) if frist < today and rng.random() < 0.8 else None,
            )
            n_tiltak += 1
    return {"ROS-analyser": 1, "ROS-farer": len(FARER), "ROS-tiltak": n_tiltak}
