"""Vedtak screens: the draft and its approval by a second person, the letters, the worklist of vedtak
that expire, klage through to Statsforvalteren, brukervalg and the provider's orders (seed 004,
chapters 5-6; issue 3, points 3, 6, 7 and 8).

Every view carries one guard mark (``helhet.core.guards``). Views with a record id in the URL use
``object_view``, which checks need to know for the record's person and audits the read; changes
are audited by the service functions with the same decision. On top of need to know, each action
asks for the role it needs (a nurse on P's team may read the vedtak, not prepare one), and the
services hold the rules (two different people, the 168-hour limit, ten days' notice …).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helhet.cases import services
from helhet.cases.forms_vedtak import (
    BrevDatoForm,
    BrukervalgForm,
    ForhandsvarselForm,
    KlageForm,
    KlageUtfallForm,
    KlageVurderingForm,
    LeverandorByttForm,
    StatistikkForm,
    UkerForm,
    VedtakForm,
    initial_from_vedtak,
    service_help,
)
from helhet.cases.models import Bestilling, Kartlegging, Klage, Soknad, Vedtak, Vedtaksbrev
from helhet.cases.rules import InvalidInput, bpa, egenbetaling, tjenester
from helhet.cases.rules import klage as klage_rules
from helhet.core import access, audit
from helhet.core.access import Action, Decision
from helhet.core.forms import apply_validation_error
from helhet.core.guards import acting_user, no_person_data, object_view, person_list_view
from helhet.core.models import AuditAction, Leverandor, Role, Tjenestemottaker, User

KLAGE_PERSON = "vedtak__tjenestemottaker"

BPA_STATUS_LABELS = {
    "rett": "Rett til BPA",
    "skjonn": "Rett til BPA, med mindre kommunen dokumenterer vesentlig økt kostnad",
    "ikke_rett": "Ikke rett til BPA etter § 2-1 d",
}


# --- helpers ------------------------------------------------------------------------------------------


def _require_case_officer(user: User, bydel_id: int, what: str) -> None:
    if not services.is_case_officer(user, bydel_id):
        raise PermissionDenied(f"Bare saksbehandlere og vedtaksmyndige i bydelen kan {what}.")


def _may_approve(user: User, vedtak: Vedtak) -> bool:
    return (
        vedtak.status == Vedtak.Status.TIL_GODKJENNING
        and vedtak.saksbehandler_id != user.pk
        and vedtak.soknad.bydel_id in user.bydel_ids(frozenset({Role.VEDTAKSMYNDIG}))
    )


def _led_leverandorer(user: User) -> list[int]:
    """The providers whose orders a leader sees: their own leverandør, or their enhet's."""
    ids: list[int] = []
    for a in user.active_assignments():
        if a.rolle != Role.LEDER:
            continue
        if a.leverandor_id:
            ids.append(a.leverandor_id)
        elif a.enhet_id and a.enhet is not None:
            ids.append(a.enhet.leverandor_id)
    return sorted(set(ids))


def _kommune_leverandorer(vedtak: Vedtak) -> QuerySet[Leverandor]:
    return Leverandor.objects.filter(kommune_id=vedtak.soknad.bydel.kommune_id).order_by("type", "navn")


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def _after_change(request: HttpRequest, vedtak: Vedtak) -> HttpResponse:
    """Back to the vedtak when the user still may see it; otherwise to the worklist.

    (The vedtaksmyndig's ground «godkjenning» ends with the approval.)
    """
    if access.check(acting_user(request), Action.VIEW, vedtak.tjenestemottaker).allowed:
        return redirect("cases:vedtak_detail", vedtak_id=vedtak.pk)
    return redirect("cases:vedtak_worklist")


def _month_moves(form: VedtakForm) -> dict[str, tuple[str, str]] | None:
    return {"omfang": ("timer_per_maned", form.conversion)} if form.conversion else None


# --- vedtak: the draft --------------------------------------------------------------------------------


def _kartlegging_goal(soknad: Soknad) -> str:
    try:
        return soknad.kartlegging.viktig_for_meg
    except Kartlegging.DoesNotExist:
        return ""


def _render_vedtak_form(
    request: HttpRequest, form: VedtakForm, context: dict[str, Any], status: int | None = None
) -> HttpResponse:
    return render(
        request,
        "cases/vedtak_form.html",
        {**context, "form": form, "catalogue": [(t, service_help(t)) for t in tjenester.CATALOGUE]},
        status=status or (400 if form.errors else 200),
    )


@require_http_methods(["GET", "POST"])
@object_view(Soknad, Action.EDIT, url_kwarg="soknad_id")
def vedtak_create(request: HttpRequest, soknad: Soknad, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    """The case officer prepares a vedtak (the first of the two roles). ``?erstatter=`` prepares a replacement."""
    user = acting_user(request)
    _require_case_officer(user, soknad.bydel_id, "forberede vedtak")
    erstatter: Vedtak | None = None
    raw = request.GET.get("erstatter", "")
    if raw:
        if not (raw.isascii() and raw.isdigit()):
            raise Http404
        erstatter = get_object_or_404(Vedtak, pk=int(raw), tjenestemottaker=person)
        existing = Vedtak.objects.filter(erstatter=erstatter).first()
        if existing is not None:
            messages.info(request, "Det finnes allerede et nytt vedtak som skal erstatte dette. Her er det.")
            return redirect("cases:vedtak_detail", vedtak_id=existing.pk)
        if erstatter.status != Vedtak.Status.FATTET:
            messages.error(request, "Bare et vedtak som gjelder (fattet) kan erstattes av et nytt.")
            return redirect("cases:vedtak_detail", vedtak_id=erstatter.pk)
        initial = initial_from_vedtak(erstatter)
    else:
        initial = {"fom": timezone.localdate(), "mal": _kartlegging_goal(soknad)}
    if not initial.get("mal"):
        initial["mal"] = _kartlegging_goal(soknad)
    form = VedtakForm(request.POST or None, initial=initial, erstatter=erstatter)
    if request.method == "POST" and form.is_valid():
        data = form.vedtak_data()
        try:
            if erstatter is not None:
                vedtak = services.opprett_erstatningsvedtak(
                    utfort_av=user, decision=decision, soknad=soknad, data=data, erstatter=erstatter
                )
            else:
                vedtak = services.opprett_vedtak(utfort_av=user, decision=decision, soknad=soknad, data=data)
        except ValidationError as exc:
            apply_validation_error(form, exc, _month_moves(form))
        else:
            text = "Utkastet til vedtak er lagret. Send det til godkjenning når det er klart."
            if form.conversion:
                text += f" Omregnet: {form.conversion}"
            messages.success(request, text)
            return redirect("cases:vedtak_detail", vedtak_id=vedtak.pk)
    title = "Nytt vedtak som erstatter vedtak " + str(erstatter.pk) if erstatter else "Nytt vedtak"
    return _render_vedtak_form(
        request, form, {"title": title, "person": person, "soknad": soknad, "erstatter": erstatter}
    )


@require_http_methods(["GET", "POST"])
@object_view(Vedtak, Action.EDIT, url_kwarg="vedtak_id")
def vedtak_edit(request: HttpRequest, vedtak: Vedtak, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    """Change a draft. Whoever changes it becomes its case officer (and so cannot approve it)."""
    user = acting_user(request)
    _require_case_officer(user, vedtak.soknad.bydel_id, "endre vedtak")
    if vedtak.status != Vedtak.Status.UTKAST:
        messages.error(request, "Bare utkast kan endres. Et fattet vedtak endres med et nytt vedtak som erstatter det.")
        return redirect("cases:vedtak_detail", vedtak_id=vedtak.pk)
    initial = {
        **initial_from_vedtak(vedtak),
        "fom": vedtak.fom,
        "begrunnelse": vedtak.begrunnelse,
        "forhandsvarsel_dato": vedtak.forhandsvarsel_dato,
        "forhandsvarsel_notat": vedtak.forhandsvarsel_notat,
    }
    form = VedtakForm(request.POST or None, initial=initial, erstatter=vedtak.erstatter)
    if request.method == "POST" and form.is_valid():
        fresh = Vedtak.objects.get(pk=vedtak.pk)
        try:
            services.endre_vedtak_utkast(utfort_av=user, decision=decision, vedtak=fresh, data=form.vedtak_data())
        except ValidationError as exc:
            apply_validation_error(form, exc, _month_moves(form))
        else:
            text = "Endringene i utkastet er lagret."
            if form.conversion:
                text += f" Omregnet: {form.conversion}"
            messages.success(request, text)
            return redirect("cases:vedtak_detail", vedtak_id=vedtak.pk)
    return _render_vedtak_form(
        request,
        form,
        {
            "title": f"Endre utkast til vedtak {vedtak.pk}",
            "person": person,
            "soknad": vedtak.soknad,
            "erstatter": vedtak.erstatter,
            "vedtak": vedtak,
        },
    )


@require_GET
@no_person_data
def vedtak_tjeneste_info(request: HttpRequest) -> HttpResponse:
    """HTMX: the legal basis and unit of the chosen service, and the catalogue's hjemmel for an empty field."""
    try:
        service = tjenester.by_code(request.GET.get("tjenestetype", ""))
    except InvalidInput:
        service = None
    current = request.GET.get("hjemmel", "").strip()
    catalogue_values = {"; ".join(t.hjemmel) for t in tjenester.CATALOGUE}
    replace_hjemmel = service is not None and (not current or current in catalogue_values)
    return render(
        request,
        "cases/_vedtak_tjeneste_info.html",
        {
            "service": service,
            "help": service_help(service) if service else "",
            "replace_hjemmel": replace_hjemmel,
            "hjemmel": "; ".join(service.hjemmel) if service else "",
        },
    )


# --- vedtak: the page and its actions -----------------------------------------------------------------


def _egenbetaling(vedtak: Vedtak) -> dict[str, Any]:
    """What the page says about the co-payment: the amount and why, or why it cannot be calculated yet."""
    if vedtak.utfall != Vedtak.Utfall.INNVILGET:
        return {"relevant": False}
    if not egenbetaling.is_chargeable(vedtak.tjenestetype):
        return {"relevant": False, "free": True}
    if vedtak.husstandsinntekt is None:
        return {
            "relevant": True,
            "missing": "Egenbetalingen kan ikke beregnes ennå: husstandens inntekt er ikke registrert. "
            "Registrer inntekten i utkastet, eller be personen om opplysningene.",
        }
    try:
        result = services.egenbetaling_for(vedtak)
    except InvalidInput as exc:
        return {"relevant": True, "missing": f"Egenbetalingen kan ikke beregnes: {exc.message}"}
    if result is None:
        return {
            "relevant": True,
            "missing": "Egenbetalingen kan ikke beregnes ennå: kommunen har ikke registrert satser for egenbetaling.",
        }
    return {
        "relevant": True,
        "result": result,
        "monthly": egenbetaling.format_kr(result.monthly_amount),
        "yearly": egenbetaling.format_kr(result.yearly_amount),
        "yearly_cap": egenbetaling.format_kr(result.yearly_cap),
        "income": egenbetaling.format_kr(vedtak.husstandsinntekt),
        "old_table": result.year != vedtak.fom.year,
    }


def _bpa(vedtak: Vedtak) -> dict[str, Any] | None:
    if vedtak.tjenestetype != "bpa":
        return None
    assessment = services.bpa_vurdering(vedtak)
    if assessment is None:
        return {"assessment": None}
    return {
        "assessment": assessment,
        "label": BPA_STATUS_LABELS[assessment.status],
        "age": vedtak.tjenestemottaker.alder,
    }


def _vedtak_context(
    request: HttpRequest, vedtak: Vedtak, person: Tjenestemottaker, decision: Decision
) -> dict[str, Any]:
    user = acting_user(request)
    case_officer = services.is_case_officer(user, vedtak.soknad.bydel_id)
    reasons = services.ulemper(vedtak)
    bestillinger = list(vedtak.bestillinger.select_related("leverandor").order_by("fra", "pk"))
    active = [b for b in bestillinger if b.status != Bestilling.Status.AVSLUTTET]
    granted_in_force = vedtak.status == Vedtak.Status.FATTET and vedtak.utfall == Vedtak.Utfall.INNVILGET
    try:
        replacement: Vedtak | None = vedtak.erstattet_av
    except Vedtak.DoesNotExist:
        replacement = None
    return {
        "vedtak": vedtak,
        "person": person,
        "decision": decision,
        "service": vedtak.tjeneste,
        "case_officer": case_officer,
        "may_approve": _may_approve(user, vedtak),
        "own_vedtak": vedtak.saksbehandler_id == user.pk,
        "ulemper": reasons,
        "needs_hearing": bool(reasons) and vedtak.forhandsvarsel_dato is None,
        "heard_form": ForhandsvarselForm(),
        "brev": list(vedtak.brev.order_by("-versjon")),
        "brev_form": BrevDatoForm(),
        "today": timezone.localdate(),
        "egenbetaling": _egenbetaling(vedtak) if case_officer else {"relevant": False},
        "bpa": _bpa(vedtak),
        "bpa_note": bpa.NOTE_GUIDANCE,
        "brukervalg": getattr(vedtak, "brukervalg", None),
        "may_order": granted_in_force and not hasattr(vedtak, "brukervalg"),
        "bestillinger": bestillinger,
        "may_switch": granted_in_force and vedtak.tjeneste.free_choice and bool(active),
        "klager": list(vedtak.klager.order_by("-mottatt")),
        "may_complain": vedtak.status in (Vedtak.Status.FATTET, Vedtak.Status.ERSTATTET, Vedtak.Status.OPPHORT),
        "replacement": replacement,
        "may_replace": vedtak.status == Vedtak.Status.FATTET and replacement is None,
    }


@require_GET
@object_view(Vedtak, url_kwarg="vedtak_id")
def vedtak_detail(request: HttpRequest, vedtak: Vedtak, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    return render(request, "cases/vedtak_detail.html", _vedtak_context(request, vedtak, person, decision))


@require_POST
@object_view(Vedtak, Action.EDIT, url_kwarg="vedtak_id")
def vedtak_submit(request: HttpRequest, vedtak: Vedtak, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    user = acting_user(request)
    _require_case_officer(user, vedtak.soknad.bydel_id, "sende vedtak til godkjenning")
    try:
        services.send_til_godkjenning(utfort_av=user, decision=decision, vedtak=vedtak)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Vedtaket er sendt til godkjenning hos en med vedtaksmyndighet i bydelen.")
    return redirect("cases:vedtak_detail", vedtak_id=vedtak.pk)


@require_POST
@object_view(Vedtak, Action.EDIT, url_kwarg="vedtak_id")
def vedtak_forhandsvarsel(
    request: HttpRequest, vedtak: Vedtak, person: Tjenestemottaker, decision: Decision
) -> HttpResponse:
    """Record that the person was heard before a change to their disadvantage."""
    user = acting_user(request)
    _require_case_officer(user, vedtak.soknad.bydel_id, "registrere forhåndsvarsel")
    form = ForhandsvarselForm(request.POST)
    if form.is_valid():
        try:
            services.registrer_forhandsvarsel(
                utfort_av=user,
                decision=decision,
                vedtak=vedtak,
                dato=form.cleaned_data["dato"],
                notat=form.cleaned_data["notat"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Det er registrert at personen er hørt. Vedtaket kan sendes til godkjenning.")
            return redirect("cases:vedtak_detail", vedtak_id=vedtak.pk)
    context = _vedtak_context(request, vedtak, person, decision)
    context["heard_form"] = form
    return render(request, "cases/vedtak_detail.html", context, status=400)


@require_POST
@object_view(Vedtak, Action.EDIT, url_kwarg="vedtak_id")
def vedtak_approve(request: HttpRequest, vedtak: Vedtak, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    """The second role: someone with decision authority in the bydel, not the case officer, makes the vedtak."""
    try:
        made = services.godkjenn_vedtak(utfort_av=acting_user(request), decision=decision, vedtak=vedtak)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _after_change(request, vedtak)
    messages.success(request, f"Vedtak {made.pk} er fattet, og vedtaksbrevet er laget. Kontroller brevet og send det.")
    return _after_change(request, made)


@require_POST
@object_view(Vedtak, Action.EDIT, url_kwarg="vedtak_id")
def vedtak_return(request: HttpRequest, vedtak: Vedtak, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    """The approver sends the vedtak back to the case officer with a note."""
    try:
        services.returner_vedtak(
            utfort_av=acting_user(request), decision=decision, vedtak=vedtak, merknad=request.POST.get("merknad", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:vedtak_detail", vedtak_id=vedtak.pk)
    messages.success(request, f"Vedtak {vedtak.pk} er sendt tilbake til {vedtak.saksbehandler}.")
    return _after_change(request, vedtak)


@require_POST
@object_view(Vedtak, Action.EDIT, url_kwarg="vedtak_id")
def vedtak_discard(request: HttpRequest, vedtak: Vedtak, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    try:
        services.forkast_utkast(utfort_av=acting_user(request), decision=decision, vedtak=vedtak)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Utkastet er forkastet. Det er tatt vare på, men teller ikke lenger.")
    return redirect("cases:vedtak_detail", vedtak_id=vedtak.pk)


# --- letters ------------------------------------------------------------------------------------------


@require_GET
@object_view(Vedtaksbrev, url_kwarg="brev_id", person_path=KLAGE_PERSON)
def brev_pdf(request: HttpRequest, brev: Vedtaksbrev, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    """The stored letter, as it was made (and, once sent, archived): never regenerated here."""
    response = HttpResponse(bytes(brev.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="vedtak-{int(brev.vedtak_id)}-v{int(brev.versjon)}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _brev_date_action(request: HttpRequest, brev: Vedtaksbrev, decision: Decision, action: str) -> HttpResponse:
    user = acting_user(request)
    _require_case_officer(user, brev.vedtak.soknad.bydel_id, "registrere vedtaksbrev som sendt eller mottatt")
    form = BrevDatoForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("cases:vedtak_detail", vedtak_id=brev.vedtak_id)
    try:
        if action == "send":
            services.send_brev(utfort_av=user, decision=decision, brev=brev, sendt=form.cleaned_data["dato"])
            text = (
                f"Brevet er markert som sendt {form.cleaned_data['dato']:%d.%m.%Y}. "
                "Det er nå arkivert og kan ikke endres."
            )
        else:
            services.registrer_mottatt(utfort_av=user, decision=decision, brev=brev, mottatt=form.cleaned_data["dato"])
            frist = klage_rules.deadline(form.cleaned_data["dato"])
            text = f"Mottatt {form.cleaned_data['dato']:%d.%m.%Y} er registrert. Klagefristen er {frist:%d.%m.%Y}."
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, text)
    return redirect("cases:vedtak_detail", vedtak_id=brev.vedtak_id)


@require_POST
@object_view(Vedtaksbrev, Action.EDIT, url_kwarg="brev_id", person_path=KLAGE_PERSON)
def brev_send(request: HttpRequest, brev: Vedtaksbrev, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    return _brev_date_action(request, brev, decision, "send")


@require_POST
@object_view(Vedtaksbrev, Action.EDIT, url_kwarg="brev_id", person_path=KLAGE_PERSON)
def brev_received(
    request: HttpRequest, brev: Vedtaksbrev, person: Tjenestemottaker, decision: Decision
) -> HttpResponse:
    return _brev_date_action(request, brev, decision, "mottatt")


# --- brukervalg and bestilling ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@object_view(Vedtak, Action.EDIT, url_kwarg="vedtak_id")
def brukervalg(request: HttpRequest, vedtak: Vedtak, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    """Document the information and the choice (or order from the municipal provider where there is no choice)."""
    user = acting_user(request)
    _require_case_officer(user, vedtak.soknad.bydel_id, "registrere brukervalg")
    if vedtak.status != Vedtak.Status.FATTET or vedtak.utfall != Vedtak.Utfall.INNVILGET:
        messages.error(request, "Bare et fattet vedtak som innvilger en tjeneste kan bestilles.")
        return redirect("cases:vedtak_detail", vedtak_id=vedtak.pk)
    if hasattr(vedtak, "brukervalg"):
        messages.info(request, "Brukervalget er allerede registrert. Bruk «Bytt leverandør» for å bytte.")
        return redirect("cases:vedtak_detail", vedtak_id=vedtak.pk)
    free = vedtak.tjeneste.free_choice
    leverandorer = _kommune_leverandorer(vedtak)
    if not free:
        leverandorer = leverandorer.filter(type=Leverandor.Type.KOMMUNAL)
    form = BrukervalgForm(
        request.POST or None, leverandorer=leverandorer, initial={"informasjon_gitt": timezone.localdate()}
    )
    if request.method == "POST":
        if not free and "kommunal" in request.POST:
            form = BrukervalgForm(
                {"informasjon_gitt": timezone.localdate().isoformat(), "leverandor": ""}, leverandorer=leverandorer
            )
        if form.is_valid():
            try:
                bestilling = services.registrer_brukervalg(
                    utfort_av=user,
                    decision=decision,
                    vedtak=vedtak,
                    informasjon_gitt=form.cleaned_data["informasjon_gitt"],
                    leverandor=form.cleaned_data["leverandor"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    f"Bestillingen er sendt til {bestilling.leverandor}, fra {bestilling.fra:%d.%m.%Y}. "
                    "Leverandøren ser den i sin arbeidsliste.",
                )
                return redirect("cases:vedtak_detail", vedtak_id=vedtak.pk)
    return render(
        request,
        "cases/vedtak_brukervalg.html",
        {"form": form, "vedtak": vedtak, "person": person, "free": free, "service": vedtak.tjeneste},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@object_view(Vedtak, Action.EDIT, url_kwarg="vedtak_id")
def leverandor_bytte(
    request: HttpRequest, vedtak: Vedtak, person: Tjenestemottaker, decision: Decision
) -> HttpResponse:
    """Switch provider: no reason needed, effective ten days after the notice."""
    user = acting_user(request)
    _require_case_officer(user, vedtak.soknad.bydel_id, "registrere bytte av leverandør")
    current = vedtak.bestillinger.exclude(status=Bestilling.Status.AVSLUTTET).order_by("-fra").first()
    if current is None or not vedtak.tjeneste.free_choice:
        messages.error(
            request,
            "Vedtaket har ingen aktiv bestilling å bytte fra."
            if current is None
            else f"Det er ikke brukervalg for {vedtak.tjeneste.name.lower()}.",
        )
        return redirect("cases:vedtak_detail", vedtak_id=vedtak.pk)
    leverandorer = _kommune_leverandorer(vedtak)
    leverandorer = leverandorer.exclude(pk=current.leverandor_id)
    form = LeverandorByttForm(
        request.POST or None, leverandorer=leverandorer, initial={"varslet": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.bytt_leverandor(
                utfort_av=user,
                decision=decision,
                vedtak=vedtak,
                leverandor=form.cleaned_data["leverandor"],
                varslet=form.cleaned_data["varslet"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                f"Byttet til {new.leverandor} trer i kraft {new.fra:%d.%m.%Y}. Den gamle bestillingen gjelder "
                f"til og med {new.fra - dt.timedelta(days=1):%d.%m.%Y}.",
            )
            return redirect("cases:vedtak_detail", vedtak_id=vedtak.pk)
    today = timezone.localdate()
    return render(
        request,
        "cases/vedtak_leverandor_bytte.html",
        {
            "form": form,
            "vedtak": vedtak,
            "person": person,
            "current": current,
            "notice_days": services.SWITCH_NOTICE_DAYS,
            "effective_if_today": max(today + dt.timedelta(days=services.SWITCH_NOTICE_DAYS), vedtak.fom),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@person_list_view
def bestillinger(request: HttpRequest) -> HttpResponse:
    """The provider's worklist: orders for the leader's provider, new ones first."""
    user = acting_user(request)
    ids = _led_leverandorer(user)
    rows: list[Bestilling] = []
    if ids:
        rows = list(
            services.bestillinger_for_leverandor(ids)
            .filter(vedtak__tjenestemottaker__in=access.visible_persons(user).values("pk"))
            .select_related("vedtak__soknad__bydel")
            .order_by(
                Case(When(status=Bestilling.Status.NY, then=Value(0)), default=Value(1), output_field=IntegerField()),
                "fra",
                "pk",
            )
        )
        audit.record_list(
            user=user,
            action=AuditAction.SEARCH,
            persons=list({b.vedtak.tjenestemottaker_id: b.vedtak.tjenestemottaker for b in rows}.values()),
            details={"visning": "bestillinger"},
        )
    return render(
        request,
        "cases/bestilling_worklist.html",
        {
            "rows": rows,
            "is_leader": bool(ids),
            "leverandorer": Leverandor.objects.filter(pk__in=ids),
            "new_rows": [b for b in rows if b.status == Bestilling.Status.NY],
            "received_rows": [b for b in rows if b.status != Bestilling.Status.NY],
        },
    )


@require_POST
@object_view(Bestilling, Action.EDIT, url_kwarg="bestilling_id", person_path=KLAGE_PERSON)
def bestilling_receive(
    request: HttpRequest, bestilling: Bestilling, person: Tjenestemottaker, decision: Decision
) -> HttpResponse:
    user = acting_user(request)
    if bestilling.leverandor_id not in _led_leverandorer(user):
        raise PermissionDenied("Bare ledere hos leverandøren som har fått bestillingen, kan ta den imot.")
    try:
        services.motta_bestilling(utfort_av=user, decision=decision, bestilling=bestilling)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Bestillingen for {person.fullt_navn} er tatt imot.")
    return redirect("cases:bestillinger")


# --- klage --------------------------------------------------------------------------------------------


def _latest_receipt(vedtak: Vedtak) -> dt.date | None:
    brev = vedtak.brev.filter(mottatt__isnull=False).order_by("-versjon").first()
    return brev.mottatt if brev else None


@require_http_methods(["GET", "POST"])
@object_view(Vedtak, Action.EDIT, url_kwarg="vedtak_id")
def klage_create(request: HttpRequest, vedtak: Vedtak, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    """Register a complaint. A late one is registered and flagged, never refused."""
    user = acting_user(request)
    _require_case_officer(user, vedtak.soknad.bydel_id, "registrere klager")
    form = KlageForm(
        request.POST or None, initial={"mottatt": timezone.localdate(), "vedtak_mottatt": _latest_receipt(vedtak)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.registrer_klage(
                utfort_av=user,
                decision=decision,
                vedtak=vedtak,
                mottatt=form.cleaned_data["mottatt"],
                vedtak_mottatt=form.cleaned_data["vedtak_mottatt"],
                gjelder=form.cleaned_data["klagen_gjelder"],
                sendt=form.cleaned_data.get("sendt"),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if item.for_sent:
                messages.warning(
                    request,
                    f"Klagen er registrert, men den kom for sent: fristen var {item.frist:%d.%m.%Y}. "
                    "Vurder om den likevel skal behandles (forvaltningsloven § 31).",
                )
            else:
                messages.success(request, f"Klagen er registrert. Den kom innen fristen ({item.frist:%d.%m.%Y}).")
            return redirect("cases:klage_detail", klage_id=item.pk)
    return render(
        request,
        "cases/klage_form.html",
        {"form": form, "vedtak": vedtak, "person": person},
        status=400 if form.errors else 200,
    )


def _klage_context(
    request: HttpRequest, item: Klage, person: Tjenestemottaker, decision: Decision, **forms: Any
) -> dict[str, Any]:
    vedtak = item.vedtak
    fattet = timezone.localdate(vedtak.fattet) if vedtak.fattet else None
    return {
        "klage": item,
        "vedtak": vedtak,
        "person": person,
        "decision": decision,
        "frist": klage_rules.assess(item.vedtak_mottatt, item.mottatt, vedtak_made=fattet),
        "case_officer": services.is_case_officer(acting_user(request), vedtak.soknad.bydel_id),
        "dokumenter": list(vedtak.soknad.dokumenter.order_by("datert", "pk")),
        "brev": list(vedtak.brev.order_by("versjon")),
        "vurdering_form": forms.get("vurdering_form") or KlageVurderingForm(),
        "utfall_form": forms.get("utfall_form") or KlageUtfallForm(),
    }


@require_GET
@object_view(Klage, url_kwarg="klage_id", person_path=KLAGE_PERSON)
def klage_detail(request: HttpRequest, klage: Klage, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    return render(request, "cases/klage_detail.html", _klage_context(request, klage, person, decision))


@require_POST
@object_view(Klage, Action.EDIT, url_kwarg="klage_id", person_path=KLAGE_PERSON)
def klage_assess(request: HttpRequest, klage: Klage, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    """The bydel's reassessment: full reversal ends the case; otherwise it goes on to Statsforvalteren."""
    user = acting_user(request)
    _require_case_officer(user, klage.vedtak.soknad.bydel_id, "vurdere klager")
    form = KlageVurderingForm(request.POST)
    if form.is_valid():
        try:
            services.vurder_klage(
                utfort_av=user,
                decision=decision,
                klage_sak=klage,
                vurdering=form.cleaned_data["vurdering"],
                begrunnelse=form.cleaned_data["begrunnelse"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if klage.status == Klage.Status.AVSLUTTET:
                messages.success(
                    request,
                    "Klagen har fått fullt medhold hos bydelen, og saken er avsluttet. Lag nytt vedtak som erstatter "
                    "det påklagde.",
                )
            else:
                messages.success(
                    request,
                    "Vurderingen er registrert. Klagen skal nå sendes til Statsforvalteren med sakens dokumenter.",
                )
            return redirect("cases:klage_detail", klage_id=klage.pk)
    return render(
        request,
        "cases/klage_detail.html",
        _klage_context(request, klage, person, decision, vurdering_form=form),
        status=400,
    )


@require_POST
@object_view(Klage, Action.EDIT, url_kwarg="klage_id", person_path=KLAGE_PERSON)
def klage_forward(request: HttpRequest, klage: Klage, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    user = acting_user(request)
    _require_case_officer(user, klage.vedtak.soknad.bydel_id, "sende klager til Statsforvalteren")
    try:
        services.oversend_statsforvalteren(utfort_av=user, decision=decision, klage_sak=klage)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Klagen er sendt til Statsforvalteren med sakens dokumenter.")
    return redirect("cases:klage_detail", klage_id=klage.pk)


@require_POST
@object_view(Klage, Action.EDIT, url_kwarg="klage_id", person_path=KLAGE_PERSON)
def klage_outcome(request: HttpRequest, klage: Klage, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    user = acting_user(request)
    _require_case_officer(user, klage.vedtak.soknad.bydel_id, "registrere utfallet av klager")
    form = KlageUtfallForm(request.POST)
    if form.is_valid():
        try:
            services.registrer_endelig_utfall(
                utfort_av=user, decision=decision, klage_sak=klage, utfall=form.cleaned_data["utfall"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Statsforvalterens avgjørelse er registrert, og klagesaken er avsluttet.")
            return redirect("cases:klage_detail", klage_id=klage.pk)
    return render(
        request,
        "cases/klage_detail.html",
        _klage_context(request, klage, person, decision, utfall_form=form),
        status=400,
    )


def klage_statistics(aar: int | None = None) -> list[dict[str, Any]]:
    """Decided complaints per service type, with the shares of full, partial and no success.

    One aggregate query (``values().annotate()`` with filtered counts). «Decided» means a final
    outcome is registered, by the bydel (full reversal) or by Statsforvalteren.
    """
    decided = Klage.objects.exclude(endelig_utfall="")
    if aar is not None:
        decided = decided.filter(avsluttet__year=aar)
    rows = (
        decided.values("vedtak__tjenestetype")
        .annotate(
            avgjort=Count("pk"),
            medhold=Count("pk", filter=Q(endelig_utfall=Klage.Utfall.MEDHOLD)),
            delvis=Count("pk", filter=Q(endelig_utfall=Klage.Utfall.DELVIS)),
            ikke=Count("pk", filter=Q(endelig_utfall__in=[Klage.Utfall.IKKE, Klage.Utfall.AVVIST])),
            for_sent=Count("pk", filter=Q(for_sent=True)),
        )
        .order_by("vedtak__tjenestetype")
    )
    result = []
    for row in rows:
        total = row["avgjort"]
        code = row["vedtak__tjenestetype"]
        try:
            name = tjenester.by_code(code).name
        except InvalidInput:
            name = code
        result.append(
            {
                **row,
                "tjeneste": name,
                "andel_medhold": _share(row["medhold"], total),
                "andel_delvis": _share(row["delvis"], total),
                "andel_ikke": _share(row["ikke"], total),
            }
        )
    return result


def _share(part: int, total: int) -> Decimal:
    """Percent with one decimal (0 when there is nothing to divide)."""
    if not total:
        return Decimal(0)
    return (Decimal(100) * part / total).quantize(Decimal("0.1"))


@require_GET
@no_person_data
def klagestatistikk(request: HttpRequest) -> HttpResponse:
    """Aggregated only: no person, no single complaint."""
    form = StatistikkForm(request.GET or None)
    aar = form.cleaned_data.get("aar") if form.is_valid() else None
    rows = klage_statistics(aar)
    total = sum(r["avgjort"] for r in rows)
    summary = {
        "avgjort": total,
        "andel_medhold": _share(sum(r["medhold"] for r in rows), total),
        "andel_delvis": _share(sum(r["delvis"] for r in rows), total),
        "andel_ikke": _share(sum(r["ikke"] for r in rows), total),
    }
    return render(
        request,
        "cases/klage_statistikk.html",
        {"form": form, "rows": rows, "summary": summary, "aar": aar},
        status=400 if form.errors else 200,
    )


# --- the worklist -------------------------------------------------------------------------------------


def _with_visibility(qs: QuerySet[Vedtak], user: User) -> QuerySet[Vedtak]:
    visible = access.visible_persons(user).filter(pk=OuterRef("tjenestemottaker_id"))
    return qs.annotate(synlig=Exists(visible)).select_related(
        "tjenestemottaker", "saksbehandler", "soknad__bydel", "tjenestemottaker__saksbehandler"
    )


@require_GET
@person_list_view
def vedtak_worklist(request: HttpRequest) -> HttpResponse:
    """«Til godkjenning», «Utløper innen N uker» (the bydel's, so re-assessment happens in time), «Mine utkast».

    A row shows the person's name only when the user has need to know for that person; the others
    show the vedtak and the case officer who owns the person's case, so the bydel can share the work.
    """
    user = acting_user(request)
    today = timezone.localdate()
    weeks = settings.VEDTAK_UTLOPER_UKER
    form = UkerForm(request.GET if "uker" in request.GET else None, initial={"uker": weeks})
    if form.is_bound and form.is_valid():
        weeks = form.cleaned_data["uker"]
    vm_bydeler = user.bydel_ids(frozenset({Role.VEDTAKSMYNDIG}))
    case_bydeler = user.bydel_ids()

    til_godkjenning: list[Vedtak] = []
    if vm_bydeler:
        til_godkjenning = list(
            _with_visibility(
                Vedtak.objects.filter(status=Vedtak.Status.TIL_GODKJENNING, soknad__bydel_id__in=vm_bydeler), user
            ).order_by("opprettet")
        )
    utloper: list[Vedtak] = []
    if case_bydeler:
        replaced = Vedtak.objects.filter(erstatter=OuterRef("pk"))
        utloper = list(
            _with_visibility(
                Vedtak.objects.filter(
                    status=Vedtak.Status.FATTET,
                    utfall=Vedtak.Utfall.INNVILGET,
                    tom__gte=today,
                    tom__lte=today + dt.timedelta(weeks=weeks),
                    soknad__bydel_id__in=case_bydeler,
                ),
                user,
            )
            .annotate(ny_under_arbeid=Exists(replaced))
            .order_by("tom", "pk")
        )
    mine = list(
        _with_visibility(
            Vedtak.objects.filter(saksbehandler=user, status__in=[Vedtak.Status.UTKAST, Vedtak.Status.TIL_GODKJENNING]),
            user,
        ).order_by("status", "opprettet")
    )
    shown = {
        v.tjenestemottaker_id: v.tjenestemottaker
        for v in [*til_godkjenning, *utloper, *mine]
        if getattr(v, "synlig", False)
    }
    audit.record_list(
        user=user, action=AuditAction.SEARCH, persons=list(shown.values()), details={"visning": "vedtak arbeidsliste"}
    )
    return render(
        request,
        "cases/vedtak_worklist.html",
        {
            "form": form,
            "weeks": weeks,
            "today": today,
            "til_godkjenning": til_godkjenning,
            "utloper": utloper,
            "mine": mine,
            "is_vedtaksmyndig": bool(vm_bydeler),
            "is_case_officer": bool(case_bydeler),
        },
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("soknader/<int:soknad_id>/vedtak/ny/", vedtak_create, name="vedtak_create"),
    path("vedtak/", vedtak_worklist, name="vedtak_worklist"),
    path("vedtak/tjenesteinfo/", vedtak_tjeneste_info, name="vedtak_tjeneste_info"),
    path("vedtak/<int:vedtak_id>/", vedtak_detail, name="vedtak_detail"),
    path("vedtak/<int:vedtak_id>/endre/", vedtak_edit, name="vedtak_edit"),
    path("vedtak/<int:vedtak_id>/send-til-godkjenning/", vedtak_submit, name="vedtak_submit"),
    path("vedtak/<int:vedtak_id>/forhandsvarsel/", vedtak_forhandsvarsel, name="vedtak_forhandsvarsel"),
    path("vedtak/<int:vedtak_id>/godkjenn/", vedtak_approve, name="vedtak_approve"),
    path("vedtak/<int:vedtak_id>/send-tilbake/", vedtak_return, name="vedtak_return"),
    path("vedtak/<int:vedtak_id>/forkast/", vedtak_discard, name="vedtak_discard"),
    path("vedtak/<int:vedtak_id>/brukervalg/", brukervalg, name="brukervalg"),
    path("vedtak/<int:vedtak_id>/bytt-leverandor/", leverandor_bytte, name="leverandor_bytte"),
    path("vedtak/<int:vedtak_id>/klage/ny/", klage_create, name="klage_create"),
    path("brev/<int:brev_id>/pdf/", brev_pdf, name="brev_pdf"),
    path("brev/<int:brev_id>/send/", brev_send, name="brev_send"),
    path("brev/<int:brev_id>/mottatt/", brev_received, name="brev_received"),
    path("klager/statistikk/", klagestatistikk, name="klagestatistikk"),
    path("klager/<int:klage_id>/", klage_detail, name="klage_detail"),
    path("klager/<int:klage_id>/vurdering/", klage_assess, name="klage_assess"),
    path("klager/<int:klage_id>/statsforvalteren/", klage_forward, name="klage_forward"),
    path("klager/<int:klage_id>/utfall/", klage_outcome, name="klage_outcome"),
    path("bestillinger/", bestillinger, name="bestillinger"),
    path("bestillinger/<int:bestilling_id>/motta/", bestilling_receive, name="bestilling_receive"),
]
