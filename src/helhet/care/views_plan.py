"""Tiltaksplan screens: the plan, its goals and tiltak with their flags, the version history, and the
individual plan (IP) with its coordinator.

A plan starts from «Hva er viktig for deg?» in the person's own words (the latest kartlegging);
every change asks why and how the person took part, and is kept as a version with a snapshot.
Every route carries one guard mark; routes naming a plan, goal or tiltak use ``object_view``.
Changes go through :mod:`helhet.care.services` (one transaction, audited).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from helhet.care import panels, services
from helhet.care.forms_plan import (
    IndividuellPlanForm,
    MalAvsluttForm,
    MalForm,
    PlanEndreForm,
    PlanNyForm,
    TiltakAvsluttForm,
    TiltakForm,
    vedtak_label,
)
from helhet.care.models import IndividuellPlan, Mal, Tiltak, Tiltaksplan, TiltaksplanEndring
from helhet.care.rules.pattern_text import describe_pattern, describe_rrule
from helhet.cases.models import Kartlegging, Vedtak
from helhet.core.access import Action, Decision
from helhet.core.forms import apply_validation_error
from helhet.core.guards import acting_user, object_view, person_view
from helhet.core.models import Leverandor, Tjenestemottaker, TjenestemottakerTeam, User

#: Days of planned visits generated when a tiltak is saved (the planner takes it from there).
VISIT_DAYS_AHEAD = 14


def _require_plan_staff(user: User, plan: Tiltaksplan, decision: Decision) -> None:
    if plan.leverandor_id not in panels.may_change_plans(user, decision):
        raise PermissionDenied(services.MSG_PLAN_ROLE)


def _status(form: Any) -> int:
    return 400 if form.errors else 200


def _plan_url(plan: Tiltaksplan, anchor: str = "") -> str:
    return reverse("care:plan", kwargs={"plan_id": plan.pk}) + (f"#{anchor}" if anchor else "")


# --- new plan ------------------------------------------------------------------------------------------


def latest_viktig_for_meg(person: Tjenestemottaker) -> str:
    """The person's own words from their latest kartlegging (empty when none was written)."""
    kartlegging = (
        Kartlegging.objects.filter(soknad__tjenestemottaker=person)
        .exclude(viktig_for_meg="")
        .order_by("-endret", "-pk")
        .first()
    )
    return kartlegging.viktig_for_meg if kartlegging else ""


@require_http_methods(["GET", "POST"])
@person_view(Action.EDIT)
def plan_ny(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    user = acting_user(request)
    mine = panels.may_change_plans(user, decision)
    leverandorer = Leverandor.objects.filter(pk__in=mine).exclude(tiltaksplaner__tjenestemottaker=person)
    if not leverandorer.exists():
        existing = Tiltaksplan.objects.filter(tjenestemottaker=person, leverandor_id__in=mine).first()
        if existing is not None:
            messages.info(request, f"Personen har allerede en tiltaksplan hos {existing.leverandor}.")
            return redirect("care:plan", plan_id=existing.pk)
        raise PermissionDenied("Bare sykepleiere og ledere hos en leverandør kan opprette tiltaksplan.")
    today = timezone.localdate()
    team = (
        TjenestemottakerTeam.objects.filter(
            TjenestemottakerTeam.active_q(today),
            tjenestemottaker=person,
            team__enhet__leverandor__in=leverandorer,
        )
        .values_list("team_id", flat=True)
        .first()
    )
    form = PlanNyForm(
        request.POST or None,
        leverandorer=leverandorer.order_by("navn"),
        initial={"viktig_for_meg": latest_viktig_for_meg(person), "team": team},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                plan = services.opprett_plan(
                    utfort_av=user,
                    decision=decision,
                    person=person,
                    leverandor=form.cleaned_data["leverandor"],
                    team=form.cleaned_data["team"],
                    viktig_for_meg=form.cleaned_data["viktig_for_meg"].strip(),
                    medvirkning=form.medvirkning(),
                )
                for tekst in form.goals():
                    services.legg_til_mal(
                        utfort_av=user, decision=decision, plan=plan, tekst=tekst, medvirkning=form.medvirkning()
                    )
        except ValidationError as exc:
            apply_validation_error(form, exc, moves={"tekst": ("mal", "")})
        else:
            messages.success(request, "Tiltaksplanen er opprettet. Legg til tiltak under målene.")
            return redirect("care:plan", plan_id=plan.pk)
    return render(request, "care/plan_ny.html", {"form": form, "person": person}, status=_status(form))


# --- the plan ------------------------------------------------------------------------------------------


@dataclass
class TiltakRow:
    t: Tiltak
    monster: str
    flagg: list[str]
    aktiv: bool


@dataclass
class GoalGroup:
    mal: Mal | None
    rows: list[TiltakRow] = field(default_factory=list)


@dataclass(frozen=True)
class VedtakRow:
    vedtak: Vedtak
    label: str
    planned: Decimal
    granted: Decimal | None

    @property
    def over(self) -> bool:
        return self.granted is not None and self.planned > self.granted + Decimal("0.01")


def _groups(plan: Tiltaksplan, today: dt.date) -> tuple[list[GoalGroup], GoalGroup, list[TiltakRow]]:
    flags = services.plan_flagg(plan)
    goals = list(plan.mal.all())
    by_goal: dict[int | None, GoalGroup] = {m.pk: GoalGroup(m) for m in goals}
    loose = GoalGroup(None)
    rows: list[TiltakRow] = []
    tiltak = plan.tiltak.select_related("vedtak", "mal", "fast_ansatt").order_by("vindu_fra", "pk")
    for t in tiltak:
        row = TiltakRow(
            t=t,
            monster=describe_pattern(t.rrule, t.vindu_fra, t.vindu_til, t.varighet_min),
            flagg=flags.get(t.pk, []),
            aktiv=t.gyldig_til is None or t.gyldig_til >= today,
        )
        rows.append(row)
        by_goal.get(t.mal_id, loose).rows.append(row)
    ordered = [by_goal[m.pk] for m in goals if m.avsluttet is None] + [by_goal[m.pk] for m in goals if m.avsluttet]
    return ordered, loose, rows


def _vedtak_rows(rows: list[TiltakRow], today: dt.date) -> list[VedtakRow]:
    per_vedtak: dict[int, list[Tiltak]] = {}
    vedtak: dict[int, Vedtak] = {}
    for row in rows:
        if row.aktiv and row.t.vedtak is not None:
            per_vedtak.setdefault(row.t.vedtak.pk, []).append(row.t)
            vedtak[row.t.vedtak.pk] = row.t.vedtak
    return [
        VedtakRow(
            vedtak=v,
            label=vedtak_label(v),
            planned=services.planned_hours_per_week(per_vedtak[pk], today).quantize(Decimal("0.1")),
            granted=v.timer_per_uke,
        )
        for pk, v in vedtak.items()
    ]


@dataclass(frozen=True)
class SnapshotTiltak:
    tittel: str
    mal: str
    monster: str
    oppgaver: list[str]
    periode: str
    kompetanse: str


def _snapshot_view(endring: TiltaksplanEndring) -> dict[str, Any]:
    """An old version's snapshot, readable: goals by their text, patterns in Norwegian."""
    from helhet.care.rules.kompetanse import LABELS

    data = endring.innhold or {}
    goals = {m.get("id"): m.get("tekst", "") for m in data.get("mal", [])}
    tiltak = []
    for t in data.get("tiltak", []):
        vindu = str(t.get("vindu", "")).replace("-", "–")
        til = t.get("gyldig_til")
        tiltak.append(
            SnapshotTiltak(
                tittel=t.get("tittel", ""),
                mal=goals.get(t.get("mal"), ""),
                monster=f"{describe_rrule(t.get('rrule', ''))} kl. {vindu}, {t.get('varighet_min')} min",
                oppgaver=list(t.get("oppgaver", [])),
                periode=_iso_period(t.get("gyldig_fra"), til),
                kompetanse=LABELS.get(t.get("kompetanse", ""), t.get("kompetanse", "")),
            )
        )
    return {"endring": endring, "data": data, "mal": data.get("mal", []), "tiltak": tiltak}


def _iso_period(fra: str | None, til: str | None) -> str:
    def nb(value: str | None) -> str:
        return dt.date.fromisoformat(value).strftime("%d.%m.%Y") if value else ""

    return f"{nb(fra)}–{nb(til)}" if til else f"fra {nb(fra)}"


@object_view(Tiltaksplan, url_kwarg="plan_id")
def plan_detail(request: HttpRequest, plan: Tiltaksplan, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    today = timezone.localdate()
    groups, loose, rows = _groups(plan, today)
    endringer = list(plan.endringer.select_related("endret_av").order_by("-versjon"))
    snapshot = None
    wanted = request.GET.get("versjon", "")
    if wanted.isdigit():
        endring = next((e for e in endringer if e.versjon == int(wanted)), None)
        if endring is not None:
            snapshot = _snapshot_view(endring)
    flagged = [row for row in rows if row.flagg]
    return render(
        request,
        "care/plan_detail.html",
        {
            "plan": plan,
            "person": person,
            "decision": decision,
            "groups": groups,
            "loose": loose,
            "flagged": flagged,
            "vedtak_rows": _vedtak_rows(rows, today),
            "endringer": endringer,
            "snapshot": snapshot,
            "may_edit": plan.leverandor_id in panels.may_change_plans(acting_user(request), decision),
            "teams": TjenestemottakerTeam.objects.filter(TjenestemottakerTeam.active_q(today), tjenestemottaker=person)
            .select_related("team__enhet__leverandor")
            .order_by("team__navn"),
            "ip": IndividuellPlan.objects.filter(tjenestemottaker=person).select_related("koordinator").first(),
        },
    )


# --- changes to the plan -------------------------------------------------------------------------------


def _form_page(
    request: HttpRequest, form: Any, plan: Tiltaksplan, person: Tjenestemottaker, title: str, **extra: Any
) -> HttpResponse:
    context = {"form": form, "plan": plan, "person": person, "title": title, **extra}
    return render(request, "care/plan_form.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
@object_view(Tiltaksplan, Action.EDIT, url_kwarg="plan_id")
def plan_endre(request: HttpRequest, plan: Tiltaksplan, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    user = acting_user(request)
    _require_plan_staff(user, plan, decision)
    form = PlanEndreForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.endre_plan(
                utfort_av=user,
                decision=decision,
                plan=plan,
                viktig_for_meg=form.cleaned_data["viktig_for_meg"].strip(),
                team=form.cleaned_data["team"],
                primaerkontakt=form.cleaned_data["primaerkontakt"],
                medvirkning=form.medvirkning(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Planen er endret (versjon {plan.versjon}).")
            return redirect(_plan_url(plan))
    return _form_page(request, form, plan, person, "Endre «Hva er viktig for deg?», team og primærkontakt")


@require_http_methods(["GET", "POST"])
@object_view(Tiltaksplan, Action.EDIT, url_kwarg="plan_id")
def mal_ny(request: HttpRequest, plan: Tiltaksplan, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    user = acting_user(request)
    _require_plan_staff(user, plan, decision)
    form = MalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mal = services.legg_til_mal(
                utfort_av=user,
                decision=decision,
                plan=plan,
                tekst=form.cleaned_data["tekst"],
                medvirkning=form.medvirkning(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Målet er lagt til.")
            return redirect(_plan_url(plan, f"mal-{mal.pk}"))
    return _form_page(request, form, plan, person, "Nytt mål", show_viktig=True)


@require_http_methods(["GET", "POST"])
@object_view(Mal, Action.EDIT, url_kwarg="mal_id", person_path="plan__tjenestemottaker")
def mal_avslutt(request: HttpRequest, mal: Mal, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    user = acting_user(request)
    plan = mal.plan
    _require_plan_staff(user, plan, decision)
    if mal.avsluttet:
        messages.info(request, "Målet er allerede avsluttet.")
        return redirect(_plan_url(plan, f"mal-{mal.pk}"))
    form = MalAvsluttForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.avslutt_mal(
                utfort_av=user,
                decision=decision,
                mal=mal,
                avslutning=form.cleaned_data["avslutning"],
                medvirkning=form.medvirkning(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Målet er avsluttet.")
            return redirect(_plan_url(plan, f"mal-{mal.pk}"))
    return _form_page(request, form, plan, person, "Avslutt mål", mal=mal)


def _tiltak_form(
    request: HttpRequest, plan: Tiltaksplan, person: Tjenestemottaker, decision: Decision, tiltak: Tiltak | None
) -> HttpResponse:
    user = acting_user(request)
    _require_plan_staff(user, plan, decision)
    form = TiltakForm(request.POST or None, plan=plan, tiltak=tiltak)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.lagre_tiltak(
                utfort_av=user,
                decision=decision,
                plan=plan,
                data=form.service_data(),
                medvirkning=form.medvirkning(),
                tiltak=tiltak,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            today = timezone.localdate()
            created = services.generer_besok(
                today, today + dt.timedelta(days=VISIT_DAYS_AHEAD - 1), Tiltak.objects.filter(pk=saved.pk)
            )
            what = "Tiltaket er lagt til" if tiltak is None else "Tiltaket er endret"
            planned = f" {created} nye besøk er planlagt de neste {VISIT_DAYS_AHEAD} dagene." if created else ""
            messages.success(request, f"{what} (versjon {plan.versjon}).{planned}")
            return redirect(_plan_url(plan, f"tiltak-{saved.pk}"))
    title = "Nytt tiltak" if tiltak is None else f"Endre tiltak: {tiltak.tittel}"
    return render(
        request,
        "care/tiltak_form.html",
        {"form": form, "plan": plan, "person": person, "tiltak": tiltak, "title": title},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
@object_view(Tiltaksplan, Action.EDIT, url_kwarg="plan_id")
def tiltak_ny(request: HttpRequest, plan: Tiltaksplan, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    return _tiltak_form(request, plan, person, decision, None)


@require_http_methods(["GET", "POST"])
@object_view(Tiltak, Action.EDIT, url_kwarg="tiltak_id", person_path="plan__tjenestemottaker")
def tiltak_endre(request: HttpRequest, tiltak: Tiltak, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    return _tiltak_form(request, tiltak.plan, person, decision, tiltak)


@require_http_methods(["GET", "POST"])
@object_view(Tiltak, Action.EDIT, url_kwarg="tiltak_id", person_path="plan__tjenestemottaker")
def tiltak_avslutt(request: HttpRequest, tiltak: Tiltak, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    user = acting_user(request)
    plan = tiltak.plan
    _require_plan_staff(user, plan, decision)
    form = TiltakAvsluttForm(request.POST or None, initial={"til": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.avslutt_tiltak(
                utfort_av=user,
                decision=decision,
                tiltak=tiltak,
                til=form.cleaned_data["til"],
                medvirkning=form.medvirkning(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, f"Tiltaket gjelder til {tiltak.gyldig_til:%d.%m.%Y}. Planlagte besøk etter det er fjernet."
            )
            return redirect(_plan_url(plan, f"tiltak-{tiltak.pk}"))
    return _form_page(request, form, plan, person, f"Avslutt tiltak: {tiltak.tittel}", tiltak=tiltak)


# --- individuell plan ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@person_view(Action.EDIT)
def ip(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    user = acting_user(request)
    if not panels.may_edit_ip(user, decision):
        raise PermissionDenied("Bare sykepleiere, ledere og saksbehandlere kan registrere individuell plan.")
    current = IndividuellPlan.objects.filter(tjenestemottaker=person).first()
    form = IndividuellPlanForm(request.POST or None, instance=current or IndividuellPlan(tjenestemottaker=person))
    if request.method == "POST" and form.is_valid():
        try:
            services.lagre_individuell_plan(
                utfort_av=user, decision=decision, person=person, data=dict(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Den individuelle planen er lagret.")
            return redirect("core:person_detail", person_id=person.pk)
    return render(request, "care/ip_form.html", {"form": form, "person": person, "ip": current}, status=_status(form))


urlpatterns = [
    path("plan/ny/<uuid:person_id>/", plan_ny, name="plan_ny"),
    path("plan/<int:plan_id>/", plan_detail, name="plan"),
    path("plan/<int:plan_id>/endre/", plan_endre, name="plan_endre"),
    path("plan/<int:plan_id>/mal/ny/", mal_ny, name="mal_ny"),
    path("mal/<int:mal_id>/avslutt/", mal_avslutt, name="mal_avslutt"),
    path("plan/<int:plan_id>/tiltak/ny/", tiltak_ny, name="tiltak_ny"),
    path("tiltak/<int:tiltak_id>/endre/", tiltak_endre, name="tiltak_endre"),
    path("tiltak/<int:tiltak_id>/avslutt/", tiltak_avslutt, name="tiltak_avslutt"),
    path("individuell-plan/<uuid:person_id>/", ip, name="ip"),
]


def register() -> None:
    panels.register()
