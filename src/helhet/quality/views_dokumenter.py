"""Dokumentstyring screens (issue 7 point 5): «Rutiner» (search), «Rutiner jeg må lese», one procedure,
new procedure / new version / approval for leaders, and the acknowledgement figures.

No person data: procedures and staff names only (who has and has not acknowledged is shown to the
leder/kvalitetsleder who manages the procedure). Every staff member at the provider can find and
read its procedures and acknowledge the current version. Plain POST forms, no JavaScript needed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from helhet.core.extensions import register_nav_item
from helhet.core.guards import acting_user, no_person_data
from helhet.core.models import Role, User
from helhet.quality import services_dokumenter as services
from helhet.quality.models import Rutine, RutineVersjon
from helhet.quality.rules import dokumenter as rules
from helhet.quality.web import errors_of as _errors
from helhet.quality.web import int_or_none as _int


def _pct(share: float | None) -> int | None:
    return round(share * 100) if share is not None else None


def _no_access(request: HttpRequest) -> HttpResponse:
    return render(request, "quality/dokument_ingen_tilgang.html", status=403)


# --- lists -------------------------------------------------------------------------------------------


@no_person_data
def rutine_liste(request: HttpRequest) -> HttpResponse:
    """«Rutiner»: search the provider's procedures by number, title, area, purpose or text."""
    user = acting_user(request)
    today = timezone.localdate()
    query = request.GET.get("q", "").strip()[:100]
    qs = services.visible_procedures(user).select_related("gjeldende", "eier")
    if query:
        qs = services.search(qs, query)
    rutiner = list(qs.order_by("nummer", "tittel")[:300])
    manager = services.is_manager(user)
    rows = []
    for r in rutiner:
        share = services.acknowledgement(r) if manager and r.gjeldende_id and services.may_manage(user, r) else None
        rows.append(
            {
                "rutine": r,
                "overdue": rules.review_overdue(r.revisjonsdato, today),
                "pct": _pct(share.share) if share else None,
            }
        )
    return render(
        request,
        "quality/dokument_liste.html",
        {"rows": rows, "q": query, "manager": manager, "must_read_n": len(services.must_read(user))},
    )


@no_person_data
def rutine_mine(request: HttpRequest) -> HttpResponse:
    """«Rutiner jeg må lese»: current versions required for my roles that I have not acknowledged."""
    user = acting_user(request)
    return render(request, "quality/dokument_mine.html", {"rutiner": services.must_read(user)})


# --- one procedure ---------------------------------------------------------------------------------------


def _names(ids: frozenset[int]) -> list[User]:
    return list(User.objects.filter(pk__in=ids).order_by("last_name", "first_name"))


def _detail_context(request: HttpRequest, rutine: Rutine) -> dict[str, Any]:
    user = acting_user(request)
    today = timezone.localdate()
    manager = services.may_manage(user, rutine)
    current = rutine.gjeldende
    acked = None
    if current is not None:
        acked = current.bekreftelser.filter(user=user).first()
    context: dict[str, Any] = {
        "rutine": rutine,
        "current": current,
        "acked": acked,
        "required_roles": [Role(r).label for r in services.required_roles(rutine)],
        "must_read": rutine in services.must_read(user, Rutine.objects.filter(pk=rutine.pk)),
        "versions": list(rutine.versjoner.select_related("godkjent_av", "opprettet_av")),
        "overdue": rules.review_overdue(rutine.revisjonsdato, today),
        "manager": manager,
        "errors": {},
        "posted": {},
        "min_review": (today + dt.timedelta(days=1)).isoformat(),
        "default_review": rules.default_review_date(today).isoformat(),
    }
    if manager:
        draft = services.open_draft(rutine)
        context["draft"] = draft
        if current is not None:
            share = services.acknowledgement(rutine)
            context.update(
                share=share,
                share_pct=_pct(share.share),
                have=_names(share.acknowledged),
                have_not=_names(share.missing),
            )
    return context


@no_person_data
def rutine_detalj(request: HttpRequest, rutine_id: int) -> HttpResponse:
    user = acting_user(request)
    rutine = get_object_or_404(Rutine.objects.select_related("gjeldende", "eier", "leverandor"), pk=rutine_id)
    if not services.may_read(user, rutine):
        return _no_access(request)
    if request.method == "POST":
        handling = request.POST.get("handling", "")
        try:
            if handling == "bekreft":
                versjon = get_object_or_404(RutineVersjon, pk=_int(request.POST.get("versjon")) or 0, rutine=rutine)
                services.acknowledge(user, versjon)
                messages.success(request, "Takk! Du har bekreftet at du har lest rutinen.")
            elif handling in ("utkast", "godkjenn"):
                if not services.may_manage(user, rutine):
                    return _no_access(request)
                message = _manage(request, rutine, handling)
                messages.success(request, message)
            else:
                raise ValidationError("Ukjent handling.")
        except ValidationError as exc:
            rutine.refresh_from_db()
            context = _detail_context(request, rutine)
            context.update(errors=_errors(exc), posted=request.POST, handling=handling)
            return render(request, "quality/dokument_detalj.html", context, status=400)
        return redirect("quality:dokument_detalj", rutine_id=rutine.pk)
    return render(request, "quality/dokument_detalj.html", _detail_context(request, rutine))


def _manage(request: HttpRequest, rutine: Rutine, handling: str) -> str:
    user = acting_user(request)
    post = request.POST
    if handling == "utkast":
        draft = services.save_draft(user, rutine, post.get("tekst", "")[:100000], post.get("endringer", "")[:2000])
        return f"Utkast til versjon {draft.nummer} er lagret."
    versjon = get_object_or_404(RutineVersjon, pk=_int(post.get("versjon")) or 0, rutine=rutine)
    revisjon = None
    if raw := post.get("revisjonsdato", "").strip():
        try:
            revisjon = dt.date.fromisoformat(raw)
        except ValueError as exc:
            raise ValidationError({"revisjonsdato": "Skriv datoen for neste revisjon som en dato."}) from exc
    services.approve(user, versjon, revisjon)
    return f"Versjon {versjon.nummer} er godkjent og gjeldende. Alle med leseplikt må nå lese og bekrefte den."


# --- new procedure and changes to its head ----------------------------------------------------------------


def _head_from(request: HttpRequest, leverandor_id: int | None) -> tuple[services.RutineInput, dict[str, list[str]]]:
    post = request.POST
    errors: dict[str, list[str]] = {}
    eier = None
    eier_id = _int(post.get("eier"))
    if eier_id is not None:
        eier = User.objects.filter(pk=eier_id).first()
    data = services.RutineInput(
        leverandor_id=leverandor_id,
        tittel=post.get("tittel", "")[:200],
        nummer=post.get("nummer", "")[:30],
        omrade=post.get("omrade", "")[:100],
        formal=post.get("formal", "")[:2000],
        eier=eier,
        roller=tuple(post.getlist("roller")),
    )
    return data, errors


def _head_context(user: User, values: dict[str, Any], leverandor_id: int | None) -> dict[str, Any]:
    providers = list(services.manageable_providers(user))
    if leverandor_id is None and len(providers) == 1:
        leverandor_id = providers[0].pk
        values["leverandor"] = leverandor_id
    owners = list(services.owner_choices(leverandor_id)) if leverandor_id else []
    return {
        "values": values,
        "providers": providers,
        "owners": owners,
        "roles": [(r.value, r.label) for r in Role],
    }


@no_person_data
def rutine_ny(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not services.is_manager(user):
        return _no_access(request)
    if request.method != "POST":
        lev = _int(request.GET.get("leverandor"))
        values: dict[str, Any] = {"roller": [], "leverandor": lev}
        return render(
            request, "quality/dokument_form.html", {**_head_context(user, values, lev), "errors": {}, "ny": True}
        )
    leverandor_id = _int(request.POST.get("leverandor"))
    data, errors = _head_from(request, leverandor_id)
    try:
        rutine = services.create(user, data, request.POST.get("tekst", "")[:100000])
    except ValidationError as exc:
        errors = _errors(exc)
    else:
        messages.success(request, "Rutinen er opprettet med versjon 1 som utkast. Godkjenn den når den er klar.")
        return redirect("quality:dokument_detalj", rutine_id=rutine.pk)
    values = {**request.POST.dict(), "roller": request.POST.getlist("roller"), "leverandor": leverandor_id}
    values["eier"] = _int(request.POST.get("eier"))
    context = {**_head_context(user, values, leverandor_id), "errors": errors, "ny": True}
    return render(request, "quality/dokument_form.html", context, status=400)


@no_person_data
def rutine_endre(request: HttpRequest, rutine_id: int) -> HttpResponse:
    user = acting_user(request)
    rutine = get_object_or_404(Rutine, pk=rutine_id)
    if not services.may_manage(user, rutine):
        return _no_access(request)
    if request.method != "POST":
        values = {
            "tittel": rutine.tittel,
            "nummer": rutine.nummer,
            "omrade": rutine.omrade,
            "formal": rutine.formal,
            "eier": rutine.eier_id,
            "roller": services.required_roles(rutine),
            "leverandor": rutine.leverandor_id,
        }
        context = {**_head_context(user, values, rutine.leverandor_id), "errors": {}, "rutine": rutine}
        return render(request, "quality/dokument_form.html", context)
    data, errors = _head_from(request, rutine.leverandor_id)
    try:
        services.update(user, rutine, data)
    except ValidationError as exc:
        errors = _errors(exc)
    else:
        messages.success(request, "Rutinen er oppdatert.")
        return redirect("quality:dokument_detalj", rutine_id=rutine.pk)
    values = {**request.POST.dict(), "roller": request.POST.getlist("roller"), "eier": _int(request.POST.get("eier"))}
    context = {**_head_context(user, values, rutine.leverandor_id), "errors": errors, "rutine": rutine}
    return render(request, "quality/dokument_form.html", context, status=400)


# --- figures -----------------------------------------------------------------------------------------------


@no_person_data
def rutine_tall(request: HttpRequest) -> HttpResponse:
    """Share of required readers who acknowledged the current version, per procedure; opens to who."""
    user = acting_user(request)
    if not services.is_manager(user):
        return _no_access(request)
    today = timezone.localdate()
    procs = [
        r for r in services.visible_procedures(user).filter(gjeldende__isnull=False) if services.may_manage(user, r)
    ]
    per: dict[int | str, rules.AckShare] = {r.pk: services.acknowledgement(r) for r in procs}
    total = rules.overall_share(per)
    rows = [
        {
            "rutine": r,
            "share": per[r.pk],
            "pct": _pct(per[r.pk].share),
            "overdue": rules.review_overdue(r.revisjonsdato, today),
        }
        for r in sorted(procs, key=lambda r: (r.nummer, r.tittel))
    ]
    return render(
        request,
        "quality/dokument_tall.html",
        {"rows": rows, "total": total, "total_pct": _pct(total.share)},
    )


urlpatterns = [
    path("rutiner/", rutine_liste, name="dokument_liste"),
    path("rutiner/mine/", rutine_mine, name="dokument_mine"),
    path("rutiner/ny/", rutine_ny, name="dokument_ny"),
    path("rutiner/tall/", rutine_tall, name="dokument_tall"),
    path("rutiner/<int:rutine_id>/", rutine_detalj, name="dokument_detalj"),
    path("rutiner/<int:rutine_id>/endre/", rutine_endre, name="dokument_endre"),
]


def register() -> None:
    """Menu entries (wired by the app's ready(); see the notes)."""
    register_nav_item(
        "Rutiner jeg må lese",
        "quality:dokument_mine",
        frozenset(),
        order=83,
        count=services.must_read_count,
        only_when_counted=True,
    )
    register_nav_item("Rutiner", "quality:dokument_liste", frozenset(), order=84)
