"""ROS-analyse use cases (issue 7 point 6). One transaction each; every change is audited.

Flow: ``create_analysis`` → ``add_hazard`` (sannsynlighet × konsekvens → level by
:func:`helhet.quality.rules.risiko.level`) → ``add_measure`` (owner + deadline) → ``rescore`` (the
residual risk after the measures, compared with :func:`risiko.rescore`: a higher residual risk needs a
justification) → ``approve`` (every high or critical hazard has a measure and a residual score).
An approved analysis is locked; a new analysis is made for the next review.

Access: leder, meldingsansvarlig and kvalitetsleder — the same roles and places that handle avvik
(:func:`helhet.quality.services.handled_enhet_ids`): at the enhet, at its leverandør, or (kvalitetsleder)
everywhere. An analysis holds no person data, so reads are not audited per person; changes are audited
with the analysis as the record. Errors are Django ``ValidationError`` with Norwegian messages keyed by
field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from helhet.core import audit
from helhet.core.models import AuditAction, Enhet, User
from helhet.quality import services as avvik_services
from helhet.quality.models import RosAnalyse, RosFare, RosTiltak
from helhet.quality.rules import risiko

NO_ACCESS = "Bare leder, meldingsansvarlig eller kvalitetsleder ved enheten kan arbeide med denne ROS-analysen."
LOCKED = "Analysen er godkjent og kan ikke endres. Lag en ny analyse ved neste gjennomgang."


# --- access --------------------------------------------------------------------------------------------


def may_use(user: User) -> bool:
    return avvik_services.is_handler(user)


def enheter_for(user: User) -> QuerySet[Enhet]:
    ids = avvik_services.handled_enhet_ids(user)
    qs = Enhet.objects.select_related("leverandor").order_by("leverandor__navn", "navn")
    return qs if ids is None else qs.filter(pk__in=ids)


def analyses_for(user: User) -> QuerySet[RosAnalyse]:
    ids = avvik_services.handled_enhet_ids(user)
    qs = RosAnalyse.objects.select_related("enhet")
    return qs if ids is None else qs.filter(enhet_id__in=ids)


def may_see(user: User, analyse: RosAnalyse) -> bool:
    ids = avvik_services.handled_enhet_ids(user)
    return ids is None or analyse.enhet_id in ids


def _require(user: User, analyse: RosAnalyse, *, editable: bool = True) -> None:
    if not may_see(user, analyse):
        raise ValidationError(NO_ACCESS)
    if editable and analyse.status == RosAnalyse.Status.GODKJENT:
        raise ValidationError(LOCKED)


def _record(user: User, action: str, analyse: RosAnalyse, **details: Any) -> None:
    audit.record(user=user, action=action, obj=analyse, details={"status": analyse.status, **details})


def _step(errors: dict[str, str], field: str, value: int | None, what: str) -> None:
    if value is None:
        errors[field] = f"Velg {what} (1–5)."
    elif not 1 <= value <= 5:
        errors[field] = f"{what.capitalize()} må være fra 1 til 5."


# --- the analysis --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalyseInput:
    tittel: str = ""
    omfang: str = ""
    enhet_id: int | None = None
    dato: dt.date | None = None
    deltakere: str = ""


@transaction.atomic
def create_analysis(user: User, data: AnalyseInput) -> RosAnalyse:
    errors: dict[str, str] = {}
    if not data.tittel.strip():
        errors["tittel"] = "Skriv en tittel."
    if data.enhet_id is None:
        errors["enhet"] = "Velg enheten analysen gjelder."
    elif not enheter_for(user).filter(pk=data.enhet_id).exists():
        errors["enhet"] = (
            "Du kan bare lage ROS-analyser for enheter du er leder, meldingsansvarlig eller kvalitetsleder for."
        )
    if data.dato is None:
        errors["dato"] = "Skriv datoen for analysen."
    if errors:
        raise ValidationError(errors)
    assert data.enhet_id is not None and data.dato is not None
    analyse = RosAnalyse.objects.create(
        tittel=data.tittel.strip()[:200],
        omfang=data.omfang.strip(),
        enhet_id=data.enhet_id,
        dato=data.dato,
        deltakere=data.deltakere.strip(),
        opprettet_av=user,
    )
    _record(user, AuditAction.CREATE, analyse, handling="ros_opprettet")
    return analyse


def ros_begrunnelse(gradering: risiko.Gradering) -> str:
    """The grading sentence in the ROS form of the questions («Kan …?»)."""
    if not gradering.avgjort_av:
        return f"Konsekvens 1 ({gradering.navn}): ingen av spørsmålene ble besvart med ja."
    asked = "; ".join(f"«{risiko.SPORSMAL_ETTER_KODE[c].tekst_ros}» ja" for c in gradering.avgjort_av)
    return f"Konsekvens {gradering.konsekvens} ({gradering.navn}): {asked}."


@transaction.atomic
def add_hazard(
    user: User,
    analyse: RosAnalyse,
    tittel: str,
    beskrivelse: str,
    sannsynlighet: int | None,
    konsekvens: int | None,
    svar: Mapping[str, bool | None] | None = None,
) -> RosFare:
    """A new hazard, numbered after the last one, scored on the matrix.

    The consequence is chosen directly, or follows from the guided yes/no questions
    (:func:`risiko.grade_consequence` with ``ros=True``) when any is answered; a chosen consequence
    that disagrees with the answers is refused.
    """
    analyse = RosAnalyse.objects.select_for_update().get(pk=analyse.pk)
    _require(user, analyse)
    errors: dict[str, str] = {}
    if not tittel.strip():
        errors["tittel"] = "Beskriv den uønskede hendelsen."
    _step(errors, "sannsynlighet", sannsynlighet, "sannsynlighet")
    answers = {k: v for k, v in (svar or {}).items() if v is not None}
    begrunnelse = ""
    if answers:
        try:
            gradering = risiko.grade_consequence(answers, ros=True)
        except risiko.InvalidAssessment as exc:
            raise ValidationError({"svar": exc.message}) from exc
        if konsekvens is not None and konsekvens != gradering.konsekvens:
            errors["konsekvens"] = (
                f"Du valgte konsekvens {konsekvens}, men svarene på spørsmålene gir {gradering.konsekvens} "
                f"({gradering.navn}). Velg det samme, eller la konsekvensen stå tom."
            )
        konsekvens = gradering.konsekvens
        begrunnelse = ros_begrunnelse(gradering)
    else:
        _step(errors, "konsekvens", konsekvens, "konsekvens")
    if errors:
        raise ValidationError(errors)
    assert sannsynlighet is not None and konsekvens is not None
    vurdering = risiko.Vurdering(sannsynlighet, konsekvens)
    nummer = (analyse.farer.aggregate(n=Max("nummer"))["n"] or 0) + 1
    fare = RosFare.objects.create(
        analyse=analyse,
        nummer=nummer,
        tittel=tittel.strip()[:200],
        beskrivelse=beskrivelse.strip(),
        sannsynlighet=vurdering.sannsynlighet,
        konsekvens=vurdering.konsekvens,
        niva=vurdering.niva.value,
        svar=answers,
        konsekvens_begrunnelse=begrunnelse,
    )
    _record(user, AuditAction.UPDATE, analyse, handling="fare_lagt_til", fare=nummer, niva=fare.niva)
    return fare


@transaction.atomic
def add_measure(
    user: User, fare: RosFare, beskrivelse: str, ansvarlig: User | None, frist: dt.date | None
) -> RosTiltak:
    analyse = RosAnalyse.objects.select_for_update().get(pk=fare.analyse_id)
    _require(user, analyse)
    errors: dict[str, str] = {}
    if not beskrivelse.strip():
        errors["beskrivelse"] = "Beskriv tiltaket."
    if ansvarlig is None:
        errors["ansvarlig"] = "Velg hvem som er ansvarlig for tiltaket."
    elif not ansvarlig.is_active or not ansvarlig.is_staff_user:
        errors["ansvarlig"] = "Den ansvarlige må være en aktiv ansatt."
    if frist is None:
        errors["frist"] = "Sett en frist."
    elif frist < analyse.dato:
        errors["frist"] = "Fristen kan ikke være før datoen for analysen."
    if errors:
        raise ValidationError(errors)
    assert ansvarlig is not None and frist is not None
    tiltak = RosTiltak.objects.create(fare=fare, beskrivelse=beskrivelse.strip(), ansvarlig=ansvarlig, frist=frist)
    _record(user, AuditAction.UPDATE, analyse, handling="tiltak_lagt_til", fare=fare.nummer, tiltak=tiltak.pk)
    return tiltak


@transaction.atomic
def complete_measure(user: User, tiltak: RosTiltak, day: dt.date | None = None) -> RosTiltak:
    """The owner or a handler marks a measure done (also after approval: follow-up goes on)."""
    analyse = RosAnalyse.objects.select_for_update().get(pk=tiltak.fare.analyse_id)
    if tiltak.ansvarlig_id != user.pk:
        _require(user, analyse, editable=False)
    tiltak.utfort = day or timezone.localdate()
    tiltak.save(update_fields=["utfort"])
    _record(user, AuditAction.UPDATE, analyse, handling="tiltak_utfort", tiltak=tiltak.pk)
    return tiltak


def residual(fare: RosFare, sannsynlighet: int, konsekvens: int, begrunnelse: str = "") -> risiko.Restrisiko:
    """The rule's comparison of the hazard's risk before measures with a proposed residual risk."""
    return risiko.rescore(fare.vurdering, risiko.Vurdering(sannsynlighet, konsekvens), begrunnelse)


@transaction.atomic
def rescore(
    user: User, fare: RosFare, sannsynlighet: int | None, konsekvens: int | None, begrunnelse: str = ""
) -> risiko.Restrisiko:
    """Score the residual risk after the measures. A higher residual risk needs a justification."""
    analyse = RosAnalyse.objects.select_for_update().get(pk=fare.analyse_id)
    _require(user, analyse)
    fare = RosFare.objects.get(pk=fare.pk)
    errors: dict[str, str] = {}
    _step(errors, "rest_sannsynlighet", sannsynlighet, "sannsynlighet etter tiltak")
    _step(errors, "rest_konsekvens", konsekvens, "konsekvens etter tiltak")
    if errors:
        raise ValidationError(errors)
    assert sannsynlighet is not None and konsekvens is not None
    result = residual(fare, sannsynlighet, konsekvens, begrunnelse)
    if result.mangler_begrunnelse:
        raise ValidationError({"rest_begrunnelse": result.advarsler[0]})
    fare.rest_sannsynlighet = sannsynlighet
    fare.rest_konsekvens = konsekvens
    fare.rest_niva = result.etter_tiltak.niva.value
    fare.rest_begrunnelse = result.begrunnelse or ""
    fare.save()
    _record(user, AuditAction.UPDATE, analyse, handling="restrisiko", fare=fare.nummer, niva=fare.rest_niva)
    return result


def approval_problems(analyse: RosAnalyse) -> list[str]:
    """Why the analysis cannot be approved yet (Norwegian), empty when it can."""
    farer = list(analyse.farer.prefetch_related("tiltak"))
    if not farer:
        return ["Analysen har ingen farer ennå."]
    problems = []
    for fare in farer:
        serious = risiko.niva_rank(risiko.Niva(fare.niva)) >= risiko.niva_rank(risiko.Niva.HOY)
        if serious and not fare.tiltak.all():
            problems.append(f"Fare {fare.nummer} har {fare.get_niva_display().lower()} risiko, men ingen tiltak.")
        if fare.tiltak.all() and fare.restvurdering is None:
            problems.append(f"Fare {fare.nummer} har tiltak, men restrisikoen er ikke vurdert.")
    return problems


@transaction.atomic
def approve(user: User, analyse: RosAnalyse, at: dt.datetime | None = None) -> RosAnalyse:
    analyse = RosAnalyse.objects.select_for_update().get(pk=analyse.pk)
    _require(user, analyse)
    problems = approval_problems(analyse)
    if problems:
        raise ValidationError({"godkjenn": problems})
    analyse.status = RosAnalyse.Status.GODKJENT
    analyse.godkjent_av = user
    analyse.godkjent = at or timezone.now()
    analyse.save()
    _record(user, AuditAction.UPDATE, analyse, handling="ros_godkjent")
    return analyse


# --- the matrix ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    sannsynlighet: int
    konsekvens: int
    niva: risiko.Niva
    niva_navn: str
    farer: tuple[int, ...]  # hazard numbers placed here


@dataclass(frozen=True)
class MatrixRow:
    sannsynlighet: int
    navn: str
    cells: tuple[MatrixCell, ...]


def matrix(farer: list[RosFare], *, after: bool = False) -> list[MatrixRow]:
    """The 5×5 grid (sannsynlighet 5 at the top), each cell with its level and the hazards placed in it."""
    placed: dict[tuple[int, int], list[int]] = {}
    for fare in farer:
        vurdering = fare.restvurdering if after else fare.vurdering
        if vurdering is not None:
            placed.setdefault((vurdering.sannsynlighet, vurdering.konsekvens), []).append(fare.nummer)
    rows = []
    for trinn in reversed(risiko.SANNSYNLIGHET):
        s = trinn.verdi
        cells = []
        for k in range(1, 6):
            niva = risiko.level(s, k)
            cells.append(MatrixCell(s, k, niva, risiko.NIVA_NAVN[niva], tuple(sorted(placed.get((s, k), [])))))
        rows.append(MatrixRow(s, trinn.navn, tuple(cells)))
    return rows


# --- figures for `helhet kvalitet nokkeltall` ------------------------------------------------------------


def nokkeltall(fra: dt.date, til: dt.date, enhet: Enhet | None) -> list[tuple[str, str, str]]:
    """ROS analyses dated within [fra, til] (approved of all), and their open measures past the deadline at ``til``."""
    qs = RosAnalyse.objects.filter(dato__gte=fra, dato__lte=til)
    if enhet is not None:
        qs = qs.filter(enhet=enhet)
    overdue = RosTiltak.objects.filter(fare__analyse__in=qs, utfort__isnull=True, frist__lt=til).count()
    return [
        ("ros_analyser", str(qs.count()), "stk"),
        ("ros_analyser_godkjent", str(qs.filter(status=RosAnalyse.Status.GODKJENT).count()), "stk"),
        ("ros_tiltak_forfalt", str(overdue), "stk"),
    ]
