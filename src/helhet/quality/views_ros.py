"""ROS-analyse screens (issue 7 point 6): list, new analysis, one analysis (hazards, measures, residual
risk, approval) and the risk matrix.

Access: :mod:`helhet.quality.services_ros` (leder, meldingsansvarlig, kvalitetsleder at the enhet or its
leverandør). An analysis holds no person data: the views are marked ``no_person_data``; every change is
audited by the services. Plain POST forms, no JavaScript needed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from helhet.core.guards import acting_user, no_person_data
from helhet.core.models import RoleAssignment, User
from helhet.quality import services_ros as services
from helhet.quality.models import RosAnalyse, RosFare, RosTiltak
from helhet.quality.rules import risiko
from helhet.quality.web import date_or_error as _date
from helhet.quality.web import denied as _denied
from helhet.quality.web import errors_of as _errors
from helhet.quality.web import int_or_none as _int


@no_person_data
def ros_liste(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not services.may_use(user):
        return _denied(request)
    rows = []
    for analyse in services.analyses_for(user).prefetch_related("farer"):
        farer = list(analyse.farer.all())
        worst = max((risiko.niva_rank(risiko.Niva(f.niva)) for f in farer), default=None)
        rows.append(
            {
                "analyse": analyse,
                "antall": len(farer),
                "hoyeste": risiko.NIVA_NAVN[risiko.NIVA_REKKEFOLGE[worst]] if worst is not None else "–",
            }
        )
    return render(request, "quality/ros_liste.html", {"rows": rows})


@no_person_data
def ros_ny(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not services.may_use(user):
        return _denied(request)
    enheter = list(services.enheter_for(user))
    values: dict[str, Any] = {"dato": timezone.localdate().isoformat()}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        values = {k: post.get(k, "") for k in ("tittel", "omfang", "enhet", "dato", "deltakere")}
        date_errors: dict[str, list[str]] = {}
        try:
            dato = _date(values["dato"], "dato")
        except ValidationError as exc:
            dato, date_errors = None, _errors(exc)
        try:
            data = services.AnalyseInput(
                tittel=values["tittel"][:200],
                omfang=values["omfang"][:5000],
                enhet_id=_int(values["enhet"]),
                dato=dato,
                deltakere=values["deltakere"][:2000],
            )
            analyse = services.create_analysis(user, data)
        except ValidationError as exc:
            errors = {**_errors(exc), **date_errors}
        else:
            messages.success(request, "ROS-analysen er opprettet. Legg til farene.")
            return redirect("quality:ros_detalj", analyse_id=analyse.pk)
    if len(enheter) == 1 and not values.get("enhet"):
        values["enhet"] = str(enheter[0].pk)
    return render(
        request,
        "quality/ros_ny.html",
        {"enheter": enheter, "values": values, "errors": errors},
        status=400 if errors else 200,
    )


def _owner_choices(analyse: RosAnalyse) -> list[User]:
    day = timezone.localdate()
    enhet = analyse.enhet
    assignments = RoleAssignment.objects.filter(
        Q(enhet=enhet) | Q(team__enhet=enhet) | Q(leverandor_id=enhet.leverandor_id),
        Q(gyldig_fra__lte=day),
        Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=day),
    )
    return list(User.objects.filter(is_active=True, role_assignments__in=assignments).distinct())


def _detail_context(analyse: RosAnalyse) -> dict[str, Any]:
    farer = list(analyse.farer.prefetch_related("tiltak__ansvarlig"))
    items = []
    for fare in farer:
        rest = fare.restvurdering
        result = services.residual(fare, rest.sannsynlighet, rest.konsekvens, fare.rest_begrunnelse) if rest else None
        items.append({"fare": fare, "for": fare.vurdering, "etter": rest, "restrisiko": result})
    return {
        "analyse": analyse,
        "items": items,
        "sannsynlighet": risiko.SANNSYNLIGHET,
        "konsekvens": risiko.KONSEKVENS,
        "guided": [(risiko.DIMENSJON_NAVN[d], risiko.questions_for(d)) for d in risiko.Dimensjon],
        "owners": _owner_choices(analyse) if not analyse.godkjent_status else [],
        "problems": services.approval_problems(analyse) if not analyse.godkjent_status else [],
        "today": timezone.localdate(),
        "errors": {},
        "posted": {},
        "posted_fare": None,
    }


def _handle(request: HttpRequest, analyse: RosAnalyse) -> str:
    user = acting_user(request)
    post = request.POST
    handling = post.get("handling", "")
    if handling == "fare":
        fare = services.add_hazard(
            user,
            analyse,
            post.get("tittel", "")[:200],
            post.get("beskrivelse", "")[:5000],
            _int(post.get("sannsynlighet")),
            _int(post.get("konsekvens")),
            {
                q.kode: True
                if post.get(f"svar_{q.kode}") == "ja"
                else False
                if post.get(f"svar_{q.kode}") == "nei"
                else None
                for q in risiko.SPORSMAL
            },
        )
        return f"Fare {fare.nummer} er lagt til: {fare.vurdering.tekst}."
    if handling == "tiltak":
        fare = get_object_or_404(RosFare, pk=_int(post.get("fare")) or 0, analyse=analyse)
        owner_id = _int(post.get("ansvarlig"))
        owner = next((u for u in _owner_choices(analyse) if u.pk == owner_id), None)
        services.add_measure(user, fare, post.get("beskrivelse", "")[:5000], owner, _date(post.get("frist"), "frist"))
        return f"Tiltaket er lagt til fare {fare.nummer}."
    if handling == "tiltak_utfort":
        tiltak = get_object_or_404(RosTiltak, pk=_int(post.get("tiltak")) or 0, fare__analyse=analyse)
        services.complete_measure(user, tiltak)
        return "Tiltaket er merket som utført."
    if handling == "restrisiko":
        fare = get_object_or_404(RosFare, pk=_int(post.get("fare")) or 0, analyse=analyse)
        result = services.rescore(
            user,
            fare,
            _int(post.get("rest_sannsynlighet")),
            _int(post.get("rest_konsekvens")),
            post.get("rest_begrunnelse", "")[:2000],
        )
        after, before = result.etter_tiltak.tekst, result.for_tiltak.tekst
        return f"Restrisikoen for fare {fare.nummer} er {after} (før tiltak: {before})."
    if handling == "godkjenn":
        services.approve(user, analyse)
        return "ROS-analysen er godkjent."
    raise ValidationError("Ukjent handling.")


@no_person_data
def ros_detalj(request: HttpRequest, analyse_id: int) -> HttpResponse:
    user = acting_user(request)
    analyse = get_object_or_404(RosAnalyse.objects.select_related("enhet", "godkjent_av"), pk=analyse_id)
    if not services.may_see(user, analyse):
        return _denied(request)
    if request.method == "POST":
        try:
            message = _handle(request, analyse)
        except ValidationError as exc:
            analyse.refresh_from_db()
            context = _detail_context(analyse)
            context.update(
                errors=_errors(exc),
                posted=request.POST,
                handling=request.POST.get("handling", ""),
                posted_fare=_int(request.POST.get("fare")),
            )
            return render(request, "quality/ros_detalj.html", context, status=400)
        messages.success(request, message)
        return redirect("quality:ros_detalj", analyse_id=analyse.pk)
    return render(request, "quality/ros_detalj.html", _detail_context(analyse))


@no_person_data
def ros_matrise(request: HttpRequest, analyse_id: int) -> HttpResponse:
    user = acting_user(request)
    analyse = get_object_or_404(RosAnalyse.objects.select_related("enhet"), pk=analyse_id)
    if not services.may_see(user, analyse):
        return _denied(request)
    farer = list(analyse.farer.all())
    return render(
        request,
        "quality/ros_matrise.html",
        {
            "analyse": analyse,
            "farer": farer,
            "for_tiltak": services.matrix(farer),
            "etter_tiltak": services.matrix(farer, after=True),
            "rescored": any(f.restvurdering is not None for f in farer),
            "konsekvens": risiko.KONSEKVENS,
            "niva": [(risiko.NIVA_NAVN[n], n.value, risiko.NIVA_HANDLING[n]) for n in risiko.NIVA_REKKEFOLGE],
        },
    )


urlpatterns = [
    path("ros/", ros_liste, name="ros_liste"),
    path("ros/ny/", ros_ny, name="ros_ny"),
    path("ros/<int:analyse_id>/", ros_detalj, name="ros_detalj"),
    path("ros/<int:analyse_id>/matrise/", ros_matrise, name="ros_matrise"),
]


def register() -> None:
    """No menu entry of its own: «Kvalitet» (views_oversikt) opens the ROS analyses."""
