"""Avvik screens (issue 7 point 1): «Meld avvik», «Mine avvik», «Avvik til behandling», one avvik, figures.

Privacy: the lists and the figures show no person data (category, enhet, dates, status, level; never
the free text, which may name people). One avvik opens through :func:`avvik_view`: only the
reporter and the enhet's meldingsansvarlig/leder (or the kvalitetsleder) may open it, and a
person-linked avvik also needs :func:`helhet.core.access.check` for the person; the read and any
refusal are audited. «Meld avvik» opened from a visit shows only the visit's date and time; the link
to the person is checked (and a refusal audited) when the report is saved.

Every form is a plain POST form (no JavaScript needed). A failed «Send» keeps the report as a draft.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone

from helhet.care.models import Besok
from helhet.core.access import Decision
from helhet.core.extensions import register_nav_item
from helhet.core.guards import GUARD_ATTR, GuardKind, acting_user, no_person_data
from helhet.core.models import Enhet, Role, RoleAssignment, User
from helhet.quality import services, services_dokumenter, services_revisjon
from helhet.quality.models import Avvik, AvvikKategori, AvvikTiltak, Revisjon
from helhet.quality.rules import avvik_tall, risiko
from helhet.quality.web import errors_of as _errors
from helhet.quality.web import ids_param as _ids_param
from helhet.quality.web import int_or_none as _int
from helhet.quality.web import open_record

NAV_ROLES = frozenset({Role.LEDER, Role.MELDINGSANSVARLIG, Role.KVALITETSLEDER})
DATETIME_INPUT = "%Y-%m-%dT%H:%M"


# --- the guard for one avvik ------------------------------------------------------------------------


AvvikViewFunc = Callable[[HttpRequest, Avvik, Decision | None], HttpResponse]


def avvik_view(view: AvvikViewFunc) -> Callable[..., HttpResponse]:
    """Open one avvik: reporter or handler only; a person-linked avvik also passes the access check (audited)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, avvik_id: int) -> HttpResponse:
        user = acting_user(request)
        avvik = get_object_or_404(
            Avvik.objects.select_related(
                "kategori", "enhet", "melder", "meldingsansvarlig", "besok", "plantiltak", "rutine", "tjenestemottaker"
            ),
            pk=avvik_id,
        )
        opened = open_record(
            request,
            avvik,
            services.linked_person(avvik),
            may_see=services.may_see(user, avvik),
            refusal_details={"handling": "se_avvik", "avslag": "ikke_melder_eller_behandler"},
            view_name=view.__name__,
        )
        if opened.refusal is not None:
            return opened.refusal
        return view(request, avvik, opened.decision)

    setattr(wrapped, GUARD_ATTR, GuardKind.PERSON)
    return wrapped


# --- «Meld avvik» ------------------------------------------------------------------------------------


def _parse(request: HttpRequest) -> tuple[services.AvvikInput, dict[str, list[str]]]:
    post = request.POST
    errors: dict[str, list[str]] = {}
    tidspunkt = None
    raw_time = post.get("tidspunkt", "").strip()
    if raw_time:
        try:
            tidspunkt = timezone.make_aware(dt.datetime.strptime(raw_time, DATETIME_INPUT))
        except ValueError:
            errors["tidspunkt"] = ["Skriv dato og klokkeslett, for eksempel 2026-03-01T14:30."]
    enhet_id = _int(post.get("enhet"))
    if enhet_id is not None and not Enhet.objects.filter(pk=enhet_id).exists():
        enhet_id = None
    kategori_id = _int(post.get("kategori"))
    if kategori_id is not None and not AvvikKategori.objects.filter(pk=kategori_id).exists():
        kategori_id = None
    data = services.AvvikInput(
        enhet_id=enhet_id,
        kategori_id=kategori_id,
        hva_skjedde=post.get("hva_skjedde", "")[:5000],
        hvor=post.get("hvor", "")[:200],
        tidspunkt=tidspunkt,
        besok_id=_int(post.get("besok")),
        rutine_id=_int(post.get("rutine")),
    )
    return data, errors


def _form_context(user: User, values: dict[str, Any], besok: Besok | None) -> dict[str, Any]:
    enheter = list(services.reporter_enheter(user))
    if values.get("enhet") is None and len(enheter) == 1:
        values["enhet"] = enheter[0].pk
    if values.get("enhet") and values["enhet"] not in {e.pk for e in enheter}:
        enheter += list(Enhet.objects.filter(pk=values["enhet"]))
    return {
        "values": values,
        "kategorier": AvvikKategori.objects.filter(aktiv=True),
        "enheter": enheter,
        "andre_enheter": Enhet.objects.exclude(pk__in=[e.pk for e in enheter]).select_related("leverandor"),
        "besok": besok,
        "rutiner": services_dokumenter.current_procedures().filter(
            leverandor_id__in={e.leverandor_id for e in enheter}
        ),
        "max_tid": timezone.localtime().strftime(DATETIME_INPUT),
        "unread_outcomes": services.unread_outcomes(user),
    }


def _values_from(data: services.AvvikInput) -> dict[str, Any]:
    return {
        "enhet": data.enhet_id,
        "kategori": data.kategori_id,
        "hva_skjedde": data.hva_skjedde,
        "hvor": data.hvor,
        "tidspunkt": timezone.localtime(data.tidspunkt).strftime(DATETIME_INPUT) if data.tidspunkt else "",
        "besok": data.besok_id,
        "rutine": data.rutine_id,
    }


def _values_of(avvik: Avvik) -> dict[str, Any]:
    return {
        "enhet": avvik.enhet_id,
        "kategori": avvik.kategori_id,
        "hva_skjedde": avvik.hva_skjedde,
        "hvor": avvik.hvor,
        "tidspunkt": timezone.localtime(avvik.tidspunkt).strftime(DATETIME_INPUT) if avvik.tidspunkt else "",
        "besok": avvik.besok_id,
        "rutine": avvik.rutine_id,
    }


def _handle_form(request: HttpRequest, avvik: Avvik | None) -> HttpResponse:
    user = acting_user(request)
    data, errors = _parse(request)
    besok = Besok.objects.filter(pk=data.besok_id).first() if data.besok_id else None
    values = _values_from(data)
    if errors:
        if raw := request.POST.get("tidspunkt", ""):
            values["tidspunkt"] = raw[:20]
    elif data.is_empty():
        errors = {"__all__": ["Skriv noe om hva som skjedde før du lagrer."]}
    else:
        try:
            avvik = services.save_draft(user, data, avvik)
        except ValidationError as exc:
            errors = _errors(exc)
    if not errors and avvik is not None:
        if request.POST.get("handling") != "send":
            messages.success(request, "Utkastet er lagret. Du finner det under «Mine avvik».")
            return redirect("quality:mine_avvik")
        try:
            services.submit(user, avvik)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request, "Takk! Avviket er sendt til meldingsansvarlig. Du får se utfallet under «Mine avvik»."
            )
            return redirect("quality:mine_avvik")
    context = _form_context(user, values, besok)
    context.update(errors=errors, avvik=avvik, draft_saved=avvik is not None)
    return render(request, "quality/avvik_form.html", context, status=400)


def _own_draft(request: HttpRequest) -> Avvik | None:
    """The reporter's own draft named by ``utkast`` (set by the autosave), if any."""
    draft_id = _int(request.POST.get("utkast"))
    if draft_id is None:
        return None
    return Avvik.objects.filter(pk=draft_id, melder=acting_user(request), status=Avvik.Status.UTKAST).first()


@no_person_data
def avvik_ny(request: HttpRequest) -> HttpResponse:
    """«Meld avvik». Opened from a visit card with ``?besok=<id>``: shows only the visit's time."""
    if request.method == "POST":
        return _handle_form(request, _own_draft(request))
    besok_id = _int(request.GET.get("besok"))
    besok = Besok.objects.filter(pk=besok_id).first() if besok_id else None
    values: dict[str, Any] = {"tidspunkt": timezone.localtime().strftime(DATETIME_INPUT)}
    if besok is not None:
        values["besok"] = besok.pk
        values["enhet"] = besok.team.enhet_id if besok.team is not None else None
    context = _form_context(acting_user(request), values, besok)
    context.update(errors={}, avvik=None)
    return render(request, "quality/avvik_form.html", context)


@no_person_data
def avvik_autolagre(request: HttpRequest) -> HttpResponse:
    """Keep a half-written report as a draft when the phone locks or the page is left (``avvik.js``).

    POST only, the same fields as the form; answers JSON ``{"utkast": id}`` (nothing is saved while
    the form is empty: 204). A refused person link or a bad value answers 400 with the Norwegian
    messages; the form itself shows them at «Send».
    """
    if request.method != "POST":
        return JsonResponse({"feil": "Bare POST."}, status=405)
    data, errors = _parse(request)
    if errors:
        return JsonResponse({"feil": errors}, status=400)
    if data.is_empty():
        return HttpResponse(status=204)
    try:
        draft = services.save_draft(acting_user(request), data, _own_draft(request))
    except ValidationError as exc:
        return JsonResponse({"feil": _errors(exc)}, status=400)
    return JsonResponse({"utkast": draft.pk, "lagret": timezone.localtime().strftime("%H:%M")})


@avvik_view
def avvik_endre(request: HttpRequest, avvik: Avvik, decision: Decision | None) -> HttpResponse:
    """Continue one's own draft."""
    if avvik.melder_id != acting_user(request).pk or avvik.status != Avvik.Status.UTKAST:
        return redirect("quality:avvik_detalj", avvik_id=avvik.pk)
    if request.method == "POST":
        return _handle_form(request, avvik)
    context = _form_context(acting_user(request), _values_of(avvik), avvik.besok)
    context.update(errors={}, avvik=avvik)
    return render(request, "quality/avvik_form.html", context)


@no_person_data
def mine_avvik(request: HttpRequest) -> HttpResponse:
    """The reporter's own reports: status and outcome (no free text in the list)."""
    rows = Avvik.objects.filter(melder=acting_user(request)).select_related("kategori", "enhet").order_by("-opprettet")
    return render(request, "quality/mine_avvik.html", {"rows": rows[:200]})


# --- one avvik: outcome for the reporter, handling for the meldingsansvarlig ------------------------------


def _owner_choices(enhet: Enhet | None) -> list[User]:
    if enhet is None:
        return []
    day = timezone.localdate()
    assignments = RoleAssignment.objects.filter(
        Q(enhet=enhet) | Q(team__enhet=enhet) | Q(leverandor_id=enhet.leverandor_id),
        Q(gyldig_fra__lte=day),
        Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=day),
    )
    return list(User.objects.filter(is_active=True, role_assignments__in=assignments).distinct())


def _detail_context(request: HttpRequest, avvik: Avvik) -> dict[str, Any]:
    user = acting_user(request)
    handler = services.may_handle(user, avvik)
    svar = avvik.svar or {}
    questions = [
        {"dimensjon": risiko.DIMENSJON_NAVN[d], "items": [(q, svar.get(q.kode)) for q in risiko.questions_for(d)]}
        for d in risiko.Dimensjon
    ]
    return {
        "avvik": avvik,
        "is_reporter": avvik.melder_id == user.pk,
        "outcome": services.outcome_for_reporter(user, avvik) if avvik.melder_id == user.pk else None,
        "may_handle": handler,
        "questions": questions,
        "sannsynlighet": risiko.SANNSYNLIGHET,
        "merknader": services.merknader(avvik),
        "measures": list(avvik.tiltak.select_related("ansvarlig")),
        "owners": _owner_choices(avvik.enhet) if handler else [],
        "today": timezone.localdate(),
        "person_linked": services.linked_person(avvik) is not None,
        # The access check has passed on the way in (avvik_view), so the name may be shown and opened.
        "may_open_person": avvik.tjenestemottaker_id is not None,
        "errors": {},
        "posted": {},
    }


def _handle_action(request: HttpRequest, avvik: Avvik) -> None:
    user = acting_user(request)
    post = request.POST
    handling = post.get("handling", "")
    if handling == "grader":
        answers: dict[str, bool | None] = {}
        for q in risiko.SPORSMAL:
            value = post.get(f"svar_{q.kode}")
            answers[q.kode] = True if value == "ja" else False if value == "nei" else None
        services.grade(user, avvik, answers, _int(post.get("sannsynlighet")))
        messages.success(request, "Avviket er gradert.")
    elif handling == "start":
        services.start(user, avvik)
        messages.success(request, "Avviket er satt under behandling.")
    elif handling == "tiltak":
        owner_id = _int(post.get("ansvarlig"))
        owner = next((u for u in _owner_choices(avvik.enhet) if u.pk == owner_id), None)
        frist = None
        if raw := post.get("frist", ""):
            try:
                frist = dt.date.fromisoformat(raw)
            except ValueError as exc:
                raise ValidationError({"frist": "Skriv fristen som en dato."}) from exc
        services.add_measure(user, avvik, post.get("beskrivelse", ""), owner, frist)
        messages.success(request, "Tiltaket er lagt til.")
    elif handling == "tiltak_utfort":
        measure = get_object_or_404(AvvikTiltak, pk=_int(post.get("tiltak")) or 0, avvik=avvik)
        services.complete_measure(user, measure)
        messages.success(request, "Tiltaket er merket som utført.")
    elif handling == "lukk":
        left = {t.pk: post.get(f"grunn_{t.pk}", "") for t in avvik.tiltak.all()}
        services.close(user, avvik, post.get("laering", ""), left)
        messages.success(request, "Avviket er lukket. Den som meldte det, ser nå utfallet.")
    else:
        raise ValidationError("Ukjent handling.")


@avvik_view
def avvik_detalj(request: HttpRequest, avvik: Avvik, decision: Decision | None) -> HttpResponse:
    user = acting_user(request)
    if avvik.status == Avvik.Status.UTKAST and avvik.melder_id == user.pk and request.method == "GET":
        return redirect("quality:avvik_endre", avvik_id=avvik.pk)
    if request.method == "POST":
        if not services.may_handle(user, avvik):
            return render(request, "quality/ingen_tilgang.html", status=403)
        try:
            _handle_action(request, avvik)
        except ValidationError as exc:
            avvik.refresh_from_db()
            context = _detail_context(request, avvik)
            context.update(errors=_errors(exc), posted=request.POST, handling=request.POST.get("handling", ""))
            return render(request, "quality/avvik_detalj.html", context, status=400)
        return redirect("quality:avvik_detalj", avvik_id=avvik.pk)
    return render(request, "quality/avvik_detalj.html", _detail_context(request, avvik))


# --- lists and figures (no person data) -----------------------------------------------------------------


@no_person_data
def avvik_liste(request: HttpRequest) -> HttpResponse:
    """«Avvik til behandling»: the enhet's avvik for meldingsansvarlig/leder (and all for the kvalitetsleder)."""
    user = acting_user(request)
    if not services.is_handler(user):
        return render(request, "quality/avvik_liste.html", {"not_handler": True})
    qs = services.handled_avvik(user).select_related("kategori", "enhet", "meldingsansvarlig")
    status = request.GET.get("status", "apne")
    ids = _ids_param(request.GET.get("ids", ""))
    if ids:
        qs = qs.filter(pk__in=ids)
        status = "alle"
    elif status == "apne":
        qs = qs.exclude(status=Avvik.Status.LUKKET)
    elif status in Avvik.Status.values:
        qs = qs.filter(status=status)
    rows = list(qs.order_by("-registrert")[:500])
    open_audits = set(
        Revisjon.objects.filter(type=Revisjon.Type.INTERN)
        .exclude(status=Revisjon.Status.LUKKET)
        .exclude(kilde_kategori="")
        .values_list("enhet_id", "kilde_kategori")
    )
    suggestions = [
        (enhet, s, services_revisjon.may_start_from_suggestion(user, enhet), (enhet.pk, s.category) in open_audits)
        for enhet, s in services_revisjon.audit_suggestions_for(user)
    ]
    filters = [
        ("apne", "Åpne"),
        *((v, str(label)) for v, label in Avvik.Status.choices if v != "utkast"),
        ("alle", "Alle"),
    ]
    return render(
        request,
        "quality/avvik_liste.html",
        {"rows": rows, "status": status, "ids": ids, "filters": filters, "suggestions": suggestions},
    )


def _rows_link(ids: tuple[int | str, ...] | list[int | str]) -> str:
    return reverse("quality:avvik_liste") + "?" + urlencode({"ids": ",".join(str(i) for i in ids)})


@no_person_data
def avvik_figurer(request: HttpRequest) -> HttpResponse:
    """Figures over the avvik the user handles; each figure links to its rows."""
    user = acting_user(request)
    if not services.is_handler(user):
        return render(request, "quality/avvik_tall.html", {"not_handler": True})
    today = timezone.localdate()
    days = 365 if request.GET.get("periode") == "aar" else 90
    period = avvik_tall.Period(today - dt.timedelta(days=days - 1), today)
    avvik = list(services.handled_avvik(user).select_related("kategori", "enhet"))
    rows = services.avvik_rows(avvik)
    by_category = [(c.key[0], c.n, _rows_link(c.ids)) for c in avvik_tall.count_by(rows, ("category",), period)]
    by_unit = [(c.key[0], c.n, _rows_link(c.ids)) for c in avvik_tall.count_by(rows, ("unit",), period)]
    share = avvik_tall.handled_share(rows, period)
    measures = AvvikTiltak.objects.filter(avvik__in=[a.pk for a in avvik]).select_related("ansvarlig")
    overdue = avvik_tall.overdue_measures(services.measure_rows(measures), today)
    overdue_avvik = [m.avvik_id for m in measures if m.pk in set(overdue.ids)]
    closure = avvik_tall.closure_times(rows, period)
    recent_handled = [r.id for r in rows if r.id in set(share.too_recent_ids) and r.first_action() is not None]
    return render(
        request,
        "quality/avvik_tall.html",
        {
            "period": period,
            "days": days,
            "by_category": by_category,
            "by_unit": by_unit,
            "share": share,
            "share_pct": round(share.share * 100) if share.share is not None else None,
            "target_pct": round(share.target * 100),
            "handled_link": _rows_link(share.handled_ids),
            "late_link": _rows_link(share.late_ids),
            "denominator_link": _rows_link(share.ids),
            "overdue_n": len(overdue.ids),
            "overdue_link": _rows_link(list(dict.fromkeys(overdue_avvik))),
            "handling_days": avvik_tall.DEFAULT_HANDLING_DAYS,
            "recent_n": len(share.too_recent_ids),
            "recent_link": _rows_link(share.too_recent_ids),
            "recent_handled_n": len(recent_handled),
            "closure": closure,
            "closure_link": _rows_link(closure.ids),
            "still_open_link": _rows_link(closure.still_open_ids),
        },
    )


urlpatterns = [
    path("avvik/meld/", avvik_ny, name="avvik_ny"),
    path("avvik/autolagre/", avvik_autolagre, name="avvik_autolagre"),
    path("avvik/mine/", mine_avvik, name="mine_avvik"),
    path("avvik/", avvik_liste, name="avvik_liste"),
    path("avvik/tall/", avvik_figurer, name="avvik_tall"),
    path("avvik/<int:avvik_id>/", avvik_detalj, name="avvik_detalj"),
    path("avvik/<int:avvik_id>/utkast/", avvik_endre, name="avvik_endre"),
]


def _waiting(user: Any) -> int:
    return Avvik.objects.filter(meldingsansvarlig=user, status=Avvik.Status.REGISTRERT).count()


def register() -> None:
    register_nav_item("Meld avvik", "quality:avvik_ny", frozenset(), order=80)
    register_nav_item("Avvik", "quality:avvik_liste", NAV_ROLES, order=81, count=_waiting)
