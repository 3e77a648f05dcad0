"""Undersøkelse screens (issue 7 point 7).

- Managers (leder, kvalitetsleder at the survey's leverandør): list, new survey, questions and rounds,
  one-time answer links, results (groups under 5 hidden by ``rules.undersokelse``; each figure also
  in text; no JavaScript).
- Staff: «Undersøkelser» lists open employee surveys; the answer page records only *that* they answered.
- Users and relatives: ``undersokelse_svar`` answers through a one-time link, with no login
  (``public_view``); the page is not indexed and sends no referrer to other sites.

No view shows person data (answers are anonymous and aggregated): the staff views are ``no_person_data``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone

from helhet.core.guards import acting_user, no_person_data, public_view
from helhet.quality import services_undersokelser as services
from helhet.quality.models import Runde, Undersokelse, UndersokelseSporsmal
from helhet.quality.models.undersokelser import KIND_LABELS
from helhet.quality.rules import undersokelse as rules
from helhet.quality.rules.undersokelse import Kind
from helhet.quality.web import date_or_error as _date
from helhet.quality.web import denied as _denied
from helhet.quality.web import errors_of as _errors
from helhet.quality.web import int_or_none as _int

#: The answer-by-link page (``public_view``: no login).
PUBLIC_URL_NAME = "quality:undersokelse_svar"


def _private(response: HttpResponse) -> HttpResponse:
    """The link page: not indexed, and the token in its address never sent as a referrer to other sites."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _num(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}".replace(".", ",").replace("-", "−")


def _pct(share: float) -> str:
    return f"{round(share * 100)} %"


# --- the answer form (shared by the link and the staff page) -------------------------------------------


def _options(question: UndersokelseSporsmal) -> list[tuple[str, str]]:
    """(value, label) for each choice; «vet ikke» last."""
    kind = question.kind
    if kind == Kind.FRITEKST:
        return []
    if kind == Kind.JA_NEI:
        choices = [("ja", rules.YES_NO_LABELS[True]), ("nei", rules.YES_NO_LABELS[False])]
    else:
        low, high = rules.SCALE_RANGE[kind]
        labels = rules.SCALE_LABELS.get(kind, {})
        choices = [(str(v), f"{v} – {labels[v]}" if v in labels else str(v)) for v in range(low, high + 1)]
    return [*choices, ("vet_ikke", rules.DONT_KNOW_LABEL)]


def _form_questions(runde: Runde, posted: Any) -> list[dict[str, Any]]:
    return [
        {
            "q": q,
            "field": f"sporsmal_{q.pk}",
            "options": _options(q),
            "value": posted.get(f"sporsmal_{q.pk}", "") if posted else "",
            "scale": q.kind in (Kind.NPS, Kind.SKALA_1_6, Kind.ENIG_1_5),
        }
        for q in runde.undersokelse.sporsmal.all()
    ]


def _group_field(survey: Undersokelse, staff_enheter: list[str] | None = None) -> dict[str, Any] | None:
    if survey.gruppering == Undersokelse.Gruppering.SVARTYPE:
        return {"legend": "Hvem svarer?", "choices": list(survey.svartyper)}
    if staff_enheter is not None and len(staff_enheter) > 1:
        return {"legend": "Hvilken enhet jobber du mest i?", "choices": staff_enheter}
    return None


def _answer_page(
    request: HttpRequest,
    runde: Runde,
    action: str,
    *,
    errors: dict[str, list[str]] | None = None,
    stop: str | None = None,
    staff_enheter: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None
    return render(
        request,
        "quality/undersokelse_svar.html",
        {
            "runde": runde,
            "survey": runde.undersokelse,
            "questions": [] if stop else _form_questions(runde, posted),
            "group": None if stop else _group_field(runde.undersokelse, staff_enheter),
            "group_value": posted.get("gruppe", "") if posted else "",
            "action": action,
            "errors": errors or {},
            "stop": stop,
            "min_n": rules.MIN_GROUP_SIZE,
        },
        status=status,
    )


def _stop_for(runde: Runde, day: dt.date) -> str | None:
    if day > runde.stenges:
        return services.closed_message(runde)
    if day < runde.apnes:
        return services.not_open_message(runde)
    return None


@public_view
def undersokelse_svar(request: HttpRequest, token: str) -> HttpResponse:
    return _private(_undersokelse_svar(request, token))


def _undersokelse_svar(request: HttpRequest, token: str) -> HttpResponse:
    """Answer a user survey through a one-time link (no login). Nothing here identifies the answerer."""
    lenke = services.link_for(token[:100])
    if lenke is None:
        return render(request, "quality/undersokelse_melding.html", {"message": services.BAD_LINK}, status=404)
    if lenke.brukt:
        return render(request, "quality/undersokelse_melding.html", {"message": services.USED_LINK}, status=410)
    runde = lenke.runde
    action = request.path
    if request.method == "POST":
        try:
            services.answer_with_token(token, request.POST, request.POST.get("gruppe", ""))
        except ValidationError as exc:
            code = getattr(exc, "code", None)
            errors = _errors(exc)
            if code in ("stengt", "ikke_apen", "brukt", "ugyldig"):
                return _answer_page(request, runde, action, stop=errors["__all__"][0], status=410)
            return _answer_page(request, runde, action, errors=errors, status=400)
        return render(request, "quality/undersokelse_takk.html", {"survey": runde.undersokelse})
    stop = _stop_for(runde, timezone.localdate())
    return _answer_page(request, runde, action, stop=stop, status=410 if stop else 200)


@no_person_data
def undersokelse_svar_ansatt(request: HttpRequest, runde_id: int) -> HttpResponse:
    """An employee answers anonymously; only *that* they answered is recorded, apart from the answers."""
    user = acting_user(request)
    runde = get_object_or_404(Runde.objects.select_related("undersokelse"), pk=runde_id)
    if not services.may_answer_as_staff(user, runde):
        return _denied(request)
    enheter = [e.navn for e in services.staff_enheter(user, runde.undersokelse.leverandor_id)]
    action = request.path
    if request.method == "POST":
        try:
            services.answer_as_staff(user, runde, request.POST, request.POST.get("gruppe", ""))
        except ValidationError as exc:
            errors = _errors(exc)
            if getattr(exc, "code", None) in ("stengt", "ikke_apen", "allerede", "ikke_for_deg"):
                return _answer_page(request, runde, action, stop=errors["__all__"][0], status=410)
            return _answer_page(request, runde, action, errors=errors, staff_enheter=enheter, status=400)
        return render(request, "quality/undersokelse_takk.html", {"survey": runde.undersokelse, "staff": True})
    stop = _stop_for(runde, timezone.localdate())
    if stop is None and runde.deltakelser.filter(user=user).exists():
        stop = services.ALREADY
    return _answer_page(request, runde, action, stop=stop, staff_enheter=enheter)


# --- managers -----------------------------------------------------------------------------------------


@no_person_data
def undersokelse_liste(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    manager = services.may_manage_any(user)
    surveys = []
    if manager:
        for survey in services.surveys_for(user).prefetch_related("runder"):
            surveys.append({"survey": survey, "runder": list(survey.runder.all())})
    return render(
        request,
        "quality/undersokelse_liste.html",
        {"manager": manager, "surveys": surveys, "open_rounds": services.open_staff_rounds(user)},
    )


@no_person_data
def undersokelse_ny(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not services.may_manage_any(user):
        return _denied(request)
    leverandorer = list(services.managed_leverandorer(user))
    values: dict[str, Any] = {"malgruppe": "bruker", "gruppering": "enhet"}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        values = {
            k: post.get(k, "") for k in ("tittel", "malgruppe", "leverandor", "gruppering", "svartyper", "innledning")
        }
        try:
            survey = services.create_survey(
                user,
                tittel=values["tittel"][:200],
                malgruppe=values["malgruppe"],
                leverandor_id=_int(values["leverandor"]),
                gruppering=values["gruppering"],
                svartyper=values["svartyper"][:2000].splitlines(),
                innledning=values["innledning"][:3000],
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, "Undersøkelsen er opprettet. Legg til spørsmålene.")
            return redirect("quality:undersokelse_detalj", undersokelse_id=survey.pk)
    if len(leverandorer) == 1 and not values.get("leverandor"):
        values["leverandor"] = str(leverandorer[0].pk)
    return render(
        request,
        "quality/undersokelse_ny.html",
        {
            "values": values,
            "errors": errors,
            "leverandorer": leverandorer,
            "malgrupper": Undersokelse.Malgruppe.choices,
            "grupperinger": Undersokelse.Gruppering.choices,
        },
        status=400 if errors else 200,
    )


@no_person_data
def undersokelse_detalj(request: HttpRequest, undersokelse_id: int) -> HttpResponse:
    user = acting_user(request)
    survey = get_object_or_404(Undersokelse.objects.select_related("leverandor"), pk=undersokelse_id)
    if not services.may_manage(user, survey):
        return _denied(request)
    errors: dict[str, list[str]] = {}
    handling = request.POST.get("handling", "") if request.method == "POST" else ""
    if request.method == "POST":
        post = request.POST
        try:
            if handling == "sporsmal":
                q = services.add_question(
                    user, survey, post.get("type", ""), post.get("tekst", "")[:400], post.get("kode", "")
                )
                messages.success(request, f"Spørsmålet er lagt til (kode {q.kode}).")
            elif handling == "runde":
                services.create_round(
                    user,
                    survey,
                    post.get("navn", "")[:100],
                    _date(post.get("apnes"), "apnes"),
                    _date(post.get("stenges"), "stenges"),
                )
                messages.success(request, "Runden er opprettet.")
            else:
                raise ValidationError("Ukjent handling.")
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect("quality:undersokelse_detalj", undersokelse_id=survey.pk)
    return render(
        request,
        "quality/undersokelse_detalj.html",
        {
            "survey": survey,
            "questions": [(q, KIND_LABELS[q.kind]) for q in survey.sporsmal.all()],
            "runder": list(survey.runder.all()),
            "kinds": list(KIND_LABELS.items()),
            "errors": errors,
            "handling": handling,
            "posted": request.POST if errors else {},
            "today": timezone.localdate(),
        },
        status=400 if errors else 200,
    )


@no_person_data
def undersokelse_runde(request: HttpRequest, runde_id: int) -> HttpResponse:
    """A round: status, and (user surveys) new one-time links, shown once."""
    user = acting_user(request)
    runde = get_object_or_404(Runde.objects.select_related("undersokelse__leverandor"), pk=runde_id)
    survey = runde.undersokelse
    if not services.may_manage(user, survey):
        return _denied(request)
    errors: dict[str, list[str]] = {}
    links: list[str] = []
    if request.method == "POST":
        try:
            tokens = services.create_links(
                user, runde, _int(request.POST.get("antall")), request.POST.get("gruppe", "")[:100]
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            links = [request.build_absolute_uri(reverse(PUBLIC_URL_NAME, kwargs={"token": t})) for t in tokens]
    return render(
        request,
        "quality/undersokelse_runde.html",
        {
            "runde": runde,
            "survey": survey,
            "groups": services.group_choices(survey) if survey.gruppering == Undersokelse.Gruppering.ENHET else [],
            "errors": errors,
            "links": links,
            "posted": request.POST if request.method == "POST" else {},
            "n_links": runde.lenker.count(),
            "n_used": runde.lenker.filter(brukt=True).count(),
            "n_answers": runde.besvarelser.count(),
            "open": _stop_for(runde, timezone.localdate()) is None,
        },
        status=400 if errors else 200,
    )


# --- results ------------------------------------------------------------------------------------------


def _value_label(kind: Kind, value: int) -> str:
    label = rules.SCALE_LABELS.get(kind, {}).get(value)
    return f"{value} – {label}" if label else str(value)


def _cell_view(kind: Kind, cell: rules.Cell) -> dict[str, Any]:
    """A cell as text and bars. A hidden cell shows only its note (never n)."""
    view: dict[str, Any] = {"label": cell.label, "shown": cell.shown, "note": cell.note, "n": cell.n}
    result = cell.result
    if not cell.shown or result is None:
        return view
    bars: list[dict[str, Any]] = []
    if isinstance(result, rules.ScaleResult):
        high = rules.SCALE_RANGE[kind][1]
        view["main"] = f"Gjennomsnitt {_num(result.mean)} av {high}"
        view["bar"] = (result.mean - rules.SCALE_RANGE[kind][0]) / (high - rules.SCALE_RANGE[kind][0])
        if result.share_positive is not None:
            view["main"] += f", {_pct(result.share_positive)} positive"
        bars = [{"label": _value_label(kind, v), "count": c, "share": c / result.n} for v, c in result.distribution]
        view["dont_know"] = result.dont_know
    elif isinstance(result, rules.YesNoResult):
        view["main"] = f"{_pct(result.share_yes)} svarte ja"
        view["bar"] = result.share_yes
        bars = [
            {"label": "Ja", "count": result.yes, "share": result.yes / result.n},
            {"label": "Nei", "count": result.no, "share": result.no / result.n},
        ]
        view["dont_know"] = result.dont_know
    elif isinstance(result, rules.NpsResult):
        view["main"] = (
            f"NPS {_num(result.nps, 0)} (anbefalere {result.promoters}, "
            f"nøytrale {result.passives}, kritikere {result.detractors})"
        )
        view["bar"] = (result.nps + 100) / 200
        bars = [{"label": _value_label(kind, v), "count": c, "share": c / result.n} for v, c in result.distribution]
        view["dont_know"] = result.dont_know
    elif isinstance(result, rules.TextResult):
        view["main"] = f"{result.n} kommentarer"
        view["texts"] = result.texts
    for bar in bars:
        bar["pct"] = _pct(bar["share"])
        bar["width"] = round(bar["share"] * 100, 1)
    view["bars"] = bars
    if "bar" in view:
        view["bar_width"] = round(max(0.0, min(1.0, view["bar"])) * 100, 1)
    return view


def _comparison_view(kind: Kind, c: rules.Comparison) -> dict[str, Any]:
    def fmt(v: float | None) -> str:
        if v is None:
            return "–"
        if kind == Kind.JA_NEI:
            return _pct(v)
        if kind == Kind.NPS:
            return _num(v, 0)
        return _num(v)

    diff = "–"
    if c.difference is not None:
        if kind == Kind.JA_NEI:
            diff = f"{'+' if c.difference >= 0 else '−'}{abs(round(c.difference * 100))} prosentpoeng"
        else:
            diff = ("+" if c.difference >= 0 else "") + (
                _num(c.difference, 0) if kind == Kind.NPS else _num(c.difference)
            )
    return {
        "label": "Alle" if c.group is None else c.group,
        "now": fmt(c.current),
        "before": fmt(c.previous),
        "diff": diff,
        "note": c.note,
    }


@no_person_data
def undersokelse_resultater(request: HttpRequest, runde_id: int) -> HttpResponse:
    user = acting_user(request)
    runde = get_object_or_404(Runde.objects.select_related("undersokelse__leverandor"), pk=runde_id)
    if not services.may_manage(user, runde.undersokelse):
        return _denied(request)
    res = services.results(user, runde)
    comparisons: dict[str, list[rules.Comparison]] = {}
    for c in res.comparisons:
        comparisons.setdefault(c.question, []).append(c)
    questions = []
    for qr in res.report.questions:
        kind = qr.question.kind
        questions.append(
            {
                "question": qr.question,
                "kind_label": KIND_LABELS[kind],
                "total": _cell_view(kind, qr.total),
                "groups": [_cell_view(kind, g) for g in qr.groups],
                "comparisons": [_comparison_view(kind, c) for c in comparisons.get(qr.question.id, [])],
            }
        )
    return render(
        request,
        "quality/undersokelse_resultater.html",
        {"runde": runde, "survey": runde.undersokelse, "res": res, "questions": questions, "min_n": res.report.min_n},
    )


urlpatterns = [
    path("undersokelser/", undersokelse_liste, name="undersokelse_liste"),
    path("undersokelser/ny/", undersokelse_ny, name="undersokelse_ny"),
    path("undersokelser/<int:undersokelse_id>/", undersokelse_detalj, name="undersokelse_detalj"),
    path("undersokelser/runde/<int:runde_id>/", undersokelse_runde, name="undersokelse_runde"),
    path("undersokelser/runde/<int:runde_id>/resultater/", undersokelse_resultater, name="undersokelse_resultater"),
    path("undersokelser/runde/<int:runde_id>/svar/", undersokelse_svar_ansatt, name="undersokelse_svar_ansatt"),
    path("undersokelse/svar/<str:token>/", undersokelse_svar, name="undersokelse_svar"),
]


def register() -> None:
    """The menu entry is registered by views_oversikt: shown to those who manage surveys and to staff with
    an open round they have not answered."""
