"""Revisjon screens (issue 7 point 4): overview with figures, audit plan, one audit, corrective actions, certificates.

Access is decided by :mod:`helhet.quality.services_revisjon` (managers: kvalitetsleder and leder at the
leverandør; viewers: meldingsansvarlig/leder at the audit's enhet; owners: their own corrective
actions). Audits hold no person data, so every view is ``@no_person_data``; ids in the query string
are record ids only. Every form is a plain POST form (no JavaScript needed); a refused change shows
the Norwegian message beside its field and keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone

from helhet.core.guards import acting_user, no_person_data
from helhet.core.models import Enhet, Role, User
from helhet.quality import services_revisjon as svc
from helhet.quality.models import (
    Funn,
    KorrigerendeTiltak,
    Oppfolgingsrevisjon,
    PlanlagtRevisjon,
    Revisjon,
    Sertifikat,
    SjekklistePunkt,
)
from helhet.quality.rules import revisjon as rules
from helhet.quality.web import errors_of as _errors
from helhet.quality.web import ids_param as _ids_param
from helhet.quality.web import int_or_none as _int

NAV_ROLES = frozenset({Role.LEDER, Role.MELDINGSANSVARLIG, Role.KVALITETSLEDER})
MANEDER = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
]


def _date(post: Any, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    raw = (post.get(field) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[field] = ["Skriv en gyldig dato (åååå-mm-dd)."]
        return None


def _link(name: str, ids: tuple[int | str, ...] | list[int | str]) -> str:
    return reverse(name) + "?" + urlencode({"ids": ",".join(str(i) for i in ids)})


def _message(request: HttpRequest, title: str, text: str, status: int) -> HttpResponse:
    return render(request, "quality/revisjon_melding.html", {"title": title, "text": text}, status=status)


def _no_access(request: HttpRequest) -> HttpResponse:
    return _message(
        request,
        "Ingen tilgang",
        "Revisjonene er for kvalitetsleder og leder hos leverandøren, og for meldingsansvarlig og leder ved enheten.",
        403,
    )


def _is_viewer(user: User) -> bool:
    return svc.is_manager(user) or bool(svc.viewer_enhet_ids(user))


# --- overview and lists --------------------------------------------------------------------------------


@no_person_data
def revisjon_oversikt(request: HttpRequest) -> HttpResponse:
    """Figures (each opening to its rows), certificates with expiry warnings, this year's plan and audits."""
    user = acting_user(request)
    own_actions = KorrigerendeTiltak.objects.filter(ansvarlig=user, utfort__isnull=True).count()
    if not _is_viewer(user):
        return render(request, "quality/revisjon_oversikt.html", {"not_viewer": True, "own_actions": own_actions})
    today = timezone.localdate()
    year = _int(request.GET.get("aar")) or today.year
    fra, til = dt.date(year, 1, 1), dt.date(year, 12, 31)
    fig = svc.figures_for(user, fra, til, min(today, til))
    certs = list(svc.visible_certificates(user).select_related("leverandor").prefetch_related("oppfolging"))
    cert_rows = [
        {
            "c": c,
            "state": rules.certificate_state(c.gyldig_fra, c.gyldig_til, today),
            "state_label": rules.STATE_LABELS[rules.certificate_state(c.gyldig_fra, c.gyldig_til, today)],
            "days_left": (c.gyldig_til - today).days,
            "next": next((o for o in c.oppfolging.all() if o.gjennomfort is None and o.dato >= today), None),
        }
        for c in certs
    ]
    audits = list(
        svc.visible_audits(user)
        .filter(pk__in=fig.coverage.audit_ids)
        .select_related("enhet", "leverandor")
        .order_by("planlagt_dato")
    )
    return render(
        request,
        "quality/revisjon_oversikt.html",
        {
            "year": year,
            "fig": fig,
            "done_link": _link("quality:revisjon_liste", list(fig.coverage.done_audit_ids)),
            "all_link": _link("quality:revisjon_liste", list(fig.coverage.audit_ids)),
            "open_link": _link("quality:revisjon_tiltak", list(fig.actions.open_ids)),
            "overdue_link": _link("quality:revisjon_tiltak", list(fig.actions.overdue_ids)),
            "expiring_link": _link("quality:revisjon_sertifikater", list(fig.certificates.expiring_ids)),
            "warn_days": rules.CERTIFICATE_WARNING_DAYS,
            "cert_rows": cert_rows,
            "audits": audits,
            "is_manager": svc.is_manager(user),
            "own_actions": own_actions,
            "late_lines": PlanlagtRevisjon.objects.filter(pk__in=fig.coverage.late_line_ids).select_related("enhet"),
        },
    )


@no_person_data
def revisjon_liste(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not _is_viewer(user):
        return _no_access(request)
    qs = svc.visible_audits(user).select_related("enhet", "leverandor")
    ids = _ids_param(request.GET.get("ids", ""))
    if "ids" in request.GET:
        qs = qs.filter(pk__in=ids)
    return render(request, "quality/revisjon_liste.html", {"rows": list(qs[:500]), "filtered": "ids" in request.GET})


# --- the audit plan ------------------------------------------------------------------------------------


@no_person_data
def revisjon_plan(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not _is_viewer(user):
        return _no_access(request)
    year = _int(request.GET.get("aar") or request.POST.get("aar")) or timezone.localdate().year
    leverandorer = list(svc.managed_leverandorer(user))
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        lev_id = _int(request.POST.get("leverandor"))
        leverandor = next((lev for lev in leverandorer if lev.pk == lev_id), None)
        if request.POST.get("handling") == "fjern":
            line = get_object_or_404(PlanlagtRevisjon, pk=_int(request.POST.get("linje")) or 0)
            try:
                svc.remove_plan_line(user, line)
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, "Linjen er fjernet fra planen.")
                return redirect(reverse("quality:revisjon_plan") + f"?aar={year}")
        elif leverandor is None:
            errors = {"leverandor": ["Velg leverandøren planen gjelder."]}
        else:
            values = request.POST.dict()
            data = svc.PlanLinjeInput(
                tema=request.POST.get("tema", "")[:200],
                krav=request.POST.get("krav", "")[:120],
                enhet_id=_int(request.POST.get("enhet")),
                maned=_int(request.POST.get("maned")),
                revisjonsleder_id=_int(request.POST.get("revisjonsleder")),
            )
            try:
                svc.add_plan_line(user, leverandor, year, data)
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, "Revisjonen er lagt til i planen.")
                return redirect(reverse("quality:revisjon_plan") + f"?aar={year}")
        status = 400
    lines = (
        PlanlagtRevisjon.objects.filter(plan__aar=year)
        .select_related("plan__leverandor", "enhet", "revisjonsleder", "revisjon")
        .order_by("maned", "pk")
    )
    ids = svc.managed_leverandor_ids(user)
    if ids is not None:
        lines = lines.filter(plan__leverandor_id__in=ids) | lines.filter(enhet_id__in=svc.viewer_enhet_ids(user))
    lev_ids = [lev.pk for lev in leverandorer]
    return render(
        request,
        "quality/revisjon_plan.html",
        {
            "year": year,
            "lines": lines,
            "maneder": list(enumerate(MANEDER, start=1)),
            "leverandorer": leverandorer,
            "enheter": Enhet.objects.filter(leverandor_id__in=lev_ids).select_related("leverandor"),
            "ledere": svc.owner_choices(lev_ids[0]) if len(lev_ids) == 1 else User.objects.none(),
            "errors": errors,
            "values": values,
            "today": timezone.localdate(),
        },
        status=status,
    )


# --- one audit -----------------------------------------------------------------------------------------


@no_person_data
def revisjon_ny(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not svc.is_manager(user):
        return _no_access(request)
    leverandorer = list(svc.managed_leverandorer(user))
    errors: dict[str, list[str]] = {}
    line = None
    if pid := _int(request.GET.get("planlagt") or request.POST.get("planlagt_revisjon")):
        line = PlanlagtRevisjon.objects.select_related("plan", "enhet").filter(pk=pid).first()
    values: dict[str, Any]
    if request.method == "POST":
        values = request.POST.dict()
        planlagt_dato = _date(request.POST, "planlagt_dato", errors)
        data = svc.RevisjonInput(
            leverandor_id=_int(request.POST.get("leverandor")),
            type=request.POST.get("type", ""),
            eksternt_organ=request.POST.get("eksternt_organ", "")[:200],
            tittel=request.POST.get("tittel", "")[:200],
            omfang=request.POST.get("omfang", "")[:5000],
            enhet_id=_int(request.POST.get("enhet")),
            planlagt_dato=planlagt_dato,
            revisjonsleder_id=_int(request.POST.get("revisjonsleder")),
            planlagt_revisjon_id=line.pk if line else None,
            sertifikat_id=_int(request.POST.get("sertifikat")),
        )
        if not errors:
            try:
                revisjon = svc.create_audit(user, data)
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, "Revisjonen er opprettet.")
                return redirect("quality:revisjon_detalj", revisjon_id=revisjon.pk)
    else:
        values = {"type": "intern", "leverandor": leverandorer[0].pk if len(leverandorer) == 1 else ""}
        if line is not None:
            values.update(
                tittel=line.tema,
                omfang=line.krav,
                enhet=line.enhet_id or "",
                leverandor=line.plan.leverandor_id,
                revisjonsleder=line.revisjonsleder_id or "",
                planlagt_dato=dt.date(line.plan.aar, line.maned, 1).isoformat(),
            )
    lev_ids = [lev.pk for lev in leverandorer]
    return render(
        request,
        "quality/revisjon_form.html",
        {
            "values": values,
            "errors": errors,
            "line": line,
            "leverandorer": leverandorer,
            "enheter": Enhet.objects.filter(leverandor_id__in=lev_ids).select_related("leverandor"),
            "ledere": svc.owner_choices(lev_ids[0]) if len(lev_ids) == 1 else User.objects.none(),
            "sertifikater": Sertifikat.objects.filter(leverandor_id__in=lev_ids),
            "typer": Revisjon.Type.choices,
        },
        status=400 if errors else 200,
    )


def _detail_context(user: User, revisjon: Revisjon) -> dict[str, Any]:
    manager = svc.may_manage(user, revisjon)
    funn = list(revisjon.funn.prefetch_related("tiltak__ansvarlig").select_related("sjekklistepunkt"))
    today = timezone.localdate()
    return {
        "r": revisjon,
        "may_manage": manager,
        "checklist": list(revisjon.sjekkliste.all()),
        "funn": funn,
        "svar_choices": SjekklistePunkt.Svar.choices,
        "funn_types": Funn.Type.choices,
        "owners": list(svc.owner_choices(revisjon.leverandor_id)) if manager else [],
        "today": today,
        "overdue": {t.pk for f in funn for t in f.tiltak.all() if t.utfort is None and t.frist < today},
        "errors": {},
        "posted": {},
        "handling": "",
        "next_status": rules.NEXT_STATUS.get(revisjon.status),
    }


def _handle(request: HttpRequest, revisjon: Revisjon) -> str:
    user = acting_user(request)
    post = request.POST
    handling = post.get("handling", "")
    errors: dict[str, list[str]] = {}
    if handling == "start":
        svc.start(user, revisjon)
        return "Revisjonen er startet."
    if handling == "sjekkpunkt":
        svc.add_checklist_item(user, revisjon, post.get("sporsmal", "")[:2000], post.get("referanse", ""))
        return "Punktet er lagt til i sjekklisten."
    if handling == "svar":
        item = get_object_or_404(SjekklistePunkt, pk=_int(post.get("punkt")) or 0, revisjon=revisjon)
        svc.answer_checklist_item(
            user, item, post.get(f"svar_{item.pk}", ""), post.get(f"kommentar_{item.pk}", "")[:2000]
        )
        return "Svaret er lagret."
    if handling == "funn":
        svc.add_finding(
            user,
            revisjon,
            post.get("type", ""),
            post.get("beskrivelse", "")[:5000],
            post.get("referanse", ""),
            _int(post.get("sjekklistepunkt")),
        )
        return "Funnet er registrert."
    if handling == "tiltak":
        funn = get_object_or_404(Funn, pk=_int(post.get("funn")) or 0, revisjon=revisjon)
        owner_id = _int(post.get("ansvarlig"))
        owner = svc.owner_choices(revisjon.leverandor_id).filter(pk=owner_id).first() if owner_id else None
        frist = _date(post, "frist", errors)
        if errors:
            raise ValidationError(errors)
        svc.add_action(user, funn, post.get("tiltak_beskrivelse", "")[:5000], owner, frist)
        return "Tiltaket er lagt til."
    if handling == "lukk_tiltak":
        tiltak = get_object_or_404(KorrigerendeTiltak, pk=_int(post.get("tiltak")) or 0, funn__revisjon=revisjon)
        utfort = _date(post, "utfort", errors)
        if errors:
            raise ValidationError(errors)
        svc.close_action(user, tiltak, utfort, post.get("effekt", "")[:5000])
        return "Tiltaket er lukket."
    if handling == "rapporter":
        gjennomfort = _date(post, "gjennomfort_dato", errors)
        if errors:
            raise ValidationError(errors)
        svc.report(user, revisjon, post.get("rapport", "")[:10000], gjennomfort)
        return "Revisjonen er rapportert."
    if handling == "lukk":
        svc.close(user, revisjon)
        return "Revisjonen er lukket."
    raise ValidationError("Ukjent handling.")


@no_person_data
def revisjon_detalj(request: HttpRequest, revisjon_id: int) -> HttpResponse:
    user = acting_user(request)
    revisjon = get_object_or_404(
        Revisjon.objects.select_related("enhet", "leverandor", "revisjonsleder", "planlagt_revisjon", "sertifikat"),
        pk=revisjon_id,
    )
    if not svc.may_see(user, revisjon):
        return _no_access(request)
    if request.method == "POST":
        if not svc.may_manage(user, revisjon):
            return _no_access(request)
        try:
            text = _handle(request, revisjon)
        except ValidationError as exc:
            revisjon.refresh_from_db()
            context = _detail_context(user, revisjon)
            context.update(errors=_errors(exc), posted=request.POST, handling=request.POST.get("handling", ""))
            return render(request, "quality/revisjon_detalj.html", context, status=400)
        messages.success(request, text)
        return redirect("quality:revisjon_detalj", revisjon_id=revisjon.pk)
    return render(request, "quality/revisjon_detalj.html", _detail_context(user, revisjon))


@no_person_data
def revisjon_fra_forslag(request: HttpRequest) -> HttpResponse:
    """POST ``enhet`` (id) and ``kategori`` (the avvik category's name, as in the suggestion): start the audit."""
    if request.method != "POST":
        return redirect("quality:revisjon_oversikt")
    user = acting_user(request)
    enhet = Enhet.objects.filter(pk=_int(request.POST.get("enhet")) or 0).first()
    if enhet is None:
        return _message(request, "Fant ikke enheten", "Enheten i forslaget finnes ikke.", 400)
    if not svc.may_start_from_suggestion(user, enhet):
        return _no_access(request)
    try:
        result = svc.create_from_suggestion(user, enhet, request.POST.get("kategori", "")[:100])
    except ValidationError as exc:
        return _message(
            request, "Revisjonen ble ikke opprettet", " ".join(m for ms in _errors(exc).values() for m in ms), 400
        )
    if result.created:
        messages.success(request, "Internrevisjonen er opprettet fra forslaget. Kvalitetsleder planlegger den videre.")
    else:
        messages.info(request, "Det finnes allerede en åpen internrevisjon fra dette forslaget.")
    if svc.may_see(user, result.revisjon):
        return redirect("quality:revisjon_detalj", revisjon_id=result.revisjon.pk)
    return redirect("quality:avvik_liste")


# --- corrective actions ------------------------------------------------------------------------------


@no_person_data
def revisjon_tiltak(request: HttpRequest) -> HttpResponse:
    """Corrective actions: ``?ids=`` (from a figure) or the user's own («Mine tiltak»); the owner closes here."""
    user = acting_user(request)
    errors: dict[str, list[str]] = {}
    posted_id = None
    status = 200
    if request.method == "POST":
        tiltak = get_object_or_404(
            KorrigerendeTiltak.objects.select_related("funn__revisjon"), pk=_int(request.POST.get("tiltak")) or 0
        )
        posted_id = tiltak.pk
        if not svc.may_close_action(user, tiltak):
            return _no_access(request)
        utfort = _date(request.POST, "utfort", errors)
        if not errors:
            try:
                svc.close_action(user, tiltak, utfort, request.POST.get("effekt", "")[:5000])
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, "Tiltaket er lukket.")
                return redirect(request.get_full_path())
        status = 400
    qs = svc.visible_actions(user).select_related("funn__revisjon__enhet", "ansvarlig")
    if "ids" in request.GET:
        qs = qs.filter(pk__in=_ids_param(request.GET.get("ids", "")))
        title = "Korrigerende tiltak"
    else:
        qs = qs.filter(ansvarlig=user)
        title = "Mine tiltak etter revisjon"
    today = timezone.localdate()
    rows = [
        {"t": t, "overdue": t.utfort is None and t.frist < today, "may_close": svc.may_close_action(user, t)}
        for t in qs.order_by("utfort", "frist")[:500]
    ]
    return render(
        request,
        "quality/revisjon_tiltak.html",
        {
            "rows": rows,
            "title": title,
            "errors": errors,
            "posted_id": posted_id,
            "posted": request.POST,
            "today": today,
        },
        status=status,
    )


# --- certificates -----------------------------------------------------------------------------------


@no_person_data
def revisjon_sertifikater(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not _is_viewer(user):
        return _no_access(request)
    today = timezone.localdate()
    qs = svc.visible_certificates(user).select_related("leverandor")
    if "ids" in request.GET:
        qs = qs.filter(pk__in=_ids_param(request.GET.get("ids", "")))
    rows = [
        {
            "c": c,
            "state": (s := rules.certificate_state(c.gyldig_fra, c.gyldig_til, today)),
            "label": rules.STATE_LABELS[s],
        }
        for c in qs
    ]
    return render(
        request,
        "quality/revisjon_sertifikater.html",
        {"rows": rows, "filtered": "ids" in request.GET, "is_manager": svc.is_manager(user), "today": today},
    )


def _certificate_form(request: HttpRequest, sertifikat: Sertifikat | None) -> HttpResponse:
    user = acting_user(request)
    leverandorer = list(svc.managed_leverandorer(user))
    errors: dict[str, list[str]] = {}
    values: dict[str, Any]
    if request.method == "POST" and request.POST.get("handling", "lagre") == "lagre":
        values = request.POST.dict()
        data = svc.SertifikatInput(
            leverandor_id=_int(request.POST.get("leverandor")),
            standard=request.POST.get("standard", ""),
            omfang=request.POST.get("omfang", "")[:5000],
            utsteder=request.POST.get("utsteder", "")[:200],
            sertifikatnummer=request.POST.get("sertifikatnummer", "")[:60],
            gyldig_fra=_date(request.POST, "gyldig_fra", errors),
            gyldig_til=_date(request.POST, "gyldig_til", errors),
        )
        if not errors:
            try:
                saved = svc.save_certificate(user, data, sertifikat)
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, "Sertifikatet er lagret.")
                return redirect("quality:revisjon_sertifikat", sertifikat_id=saved.pk)
    elif request.method == "POST" and sertifikat is not None:
        values = _cert_values(sertifikat)
        try:
            if request.POST.get("handling") == "oppfolging":
                dato = _date(request.POST, "dato", errors)
                if errors:
                    raise ValidationError(errors)
                svc.add_follow_up(user, sertifikat, request.POST.get("type", ""), dato)
            elif request.POST.get("handling") == "oppfolging_utfort":
                row = get_object_or_404(
                    Oppfolgingsrevisjon, pk=_int(request.POST.get("oppfolging")) or 0, sertifikat=sertifikat
                )
                dato = _date(request.POST, "gjennomfort", errors)
                if errors:
                    raise ValidationError(errors)
                svc.mark_follow_up_done(user, row, dato)
            else:
                raise ValidationError("Ukjent handling.")
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, "Oppfølgingen er lagret.")
            return redirect("quality:revisjon_sertifikat", sertifikat_id=sertifikat.pk)
    else:
        values = (
            _cert_values(sertifikat)
            if sertifikat
            else {"leverandor": leverandorer[0].pk if len(leverandorer) == 1 else ""}
        )
    today = timezone.localdate()
    state = rules.certificate_state(sertifikat.gyldig_fra, sertifikat.gyldig_til, today) if sertifikat else None
    return render(
        request,
        "quality/revisjon_sertifikat_form.html",
        {
            "s": sertifikat,
            "values": values,
            "errors": errors,
            "leverandorer": leverandorer,
            "standarder": Sertifikat.Standard.choices,
            "oppfolging": list(sertifikat.oppfolging.all()) if sertifikat else [],
            "oppfolging_typer": Oppfolgingsrevisjon.Type.choices,
            "state": state,
            "state_label": rules.STATE_LABELS[state] if state else "",
            "today": today,
            "handling": request.POST.get("handling", ""),
        },
        status=400 if errors else 200,
    )


def _cert_values(s: Sertifikat) -> dict[str, Any]:
    return {
        "leverandor": s.leverandor_id,
        "standard": s.standard,
        "omfang": s.omfang,
        "utsteder": s.utsteder,
        "sertifikatnummer": s.sertifikatnummer,
        "gyldig_fra": s.gyldig_fra.isoformat(),
        "gyldig_til": s.gyldig_til.isoformat(),
    }


@no_person_data
def revisjon_sertifikat_ny(request: HttpRequest) -> HttpResponse:
    if not svc.is_manager(acting_user(request)):
        return _no_access(request)
    return _certificate_form(request, None)


@no_person_data
def revisjon_sertifikat(request: HttpRequest, sertifikat_id: int) -> HttpResponse:
    user = acting_user(request)
    sertifikat = get_object_or_404(Sertifikat, pk=sertifikat_id)
    if not svc.may_manage_leverandor(user, sertifikat.leverandor_id):
        if svc.visible_certificates(user).filter(pk=sertifikat.pk).exists() and request.method == "GET":
            return redirect(_link("quality:revisjon_sertifikater", [sertifikat.pk]))
        return _no_access(request)
    return _certificate_form(request, sertifikat)


urlpatterns = [
    path("revisjon/", revisjon_oversikt, name="revisjon_oversikt"),
    path("revisjon/liste/", revisjon_liste, name="revisjon_liste"),
    path("revisjon/plan/", revisjon_plan, name="revisjon_plan"),
    path("revisjon/ny/", revisjon_ny, name="revisjon_ny"),
    path("revisjon/fra-forslag/", revisjon_fra_forslag, name="revisjon_fra_forslag"),
    path("revisjon/tiltak/", revisjon_tiltak, name="revisjon_tiltak"),
    path("revisjon/sertifikater/", revisjon_sertifikater, name="revisjon_sertifikater"),
    path("revisjon/sertifikater/ny/", revisjon_sertifikat_ny, name="revisjon_sertifikat_ny"),
    path("revisjon/sertifikater/<int:sertifikat_id>/", revisjon_sertifikat, name="revisjon_sertifikat"),
    path("revisjon/<int:revisjon_id>/", revisjon_detalj, name="revisjon_detalj"),
]


def register() -> None:
    """No menu entries of its own: «Kvalitet» (views_oversikt) opens «Revisjon», and «Mine tiltak» there
    counts the corrective actions with the measures after avvik."""
