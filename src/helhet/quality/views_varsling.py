"""Varsling screens (issue 7 point 2): a channel of its own, with narrow access.

Pages and who reaches them:

- ``varsling/si-fra/<orgnr>/`` (public, no login): the provider's anonymous reporting form, to link
  from the provider's web site. ``varsling/oppfolging/`` (public): the reporter comes back with case
  code and passphrase, reads the recipient's questions and answers.
- ``varsling/`` «Si fra (varsling)» (all staff): report in one's own name or anonymously;
  ``varsling/mine/`` the staff member's own named reports and their dialogue.
- ``varsling/mottak/`` «Varsling» (named recipients only, also an external recipient's login of kind
  ``varselmottaker``): the list, and one case with dialogue, internal notes, status and closing.
  These views carry the ``portal_view`` mark, so an external recipient (not staff) reaches them and
  nothing else; they let in only a named recipient of the case's provider and channel. Every list,
  case opening, message and change is audited; a refusal too.

The anonymous pages use no session, no messages framework and no audit row; they never call
``authenticate`` (so django-axes never sees them). What ties a browser to a case while the reporter
reads it is a signed token in the page (``services_varsling.reporter_token``).

URLs carry no person data: case ids and the provider's organisation number only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from helhet.core import middleware as core_middleware
from helhet.core.extensions import register_nav_item
from helhet.core.guards import acting_user, no_person_data, portal_view, public_view
from helhet.core.models import Leverandor
from helhet.quality import services_varsling as services
from helhet.quality.models import VarslingMottaker, VarslingSak
from helhet.quality.models.varsling import UTFALL_CHOICES, VARSELMOTTAKER_KIND, Kanal
from helhet.quality.web import errors_of as _errors
from helhet.quality.web import int_or_none as _int

KANAL_HJELP = {
    Kanal.INTERN.value: "Navngitte personer i virksomheten som har ansvar for å ta imot varsler.",
    Kanal.EKSTERN.value: "En uavhengig mottaker utenfor virksomheten, for eksempel et revisjonsselskap. "
    "Velg denne hvis varselet gjelder ledelsen.",
}


def _private(response: HttpResponse) -> HttpResponse:
    """Headers for the anonymous pages: not indexed, no referrer to other sites (never ``no-referrer``:
    Chromium then sends ``Origin: null`` and Django's CSRF check refuses the form)."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _input(request: HttpRequest) -> services.VarslingInput:
    post = request.POST
    return services.VarslingInput(
        kanal=post.get("kanal", "")[:10],
        beskrivelse=post.get("beskrivelse", "")[: services.MAX_TEKST + 1],
        tidsrom=post.get("tidsrom", "")[:201],
    )


def _form_context(leverandor: Leverandor, signed: str | None, **extra: Any) -> dict[str, Any]:
    code = services.code_from_form(signed) if signed else None
    if code is None or not signed:
        code, signed = services.new_form_code()
    kanaler = services.channels(leverandor)
    values = extra.pop("values", {})
    if "kanal" not in values and len(kanaler) == 1:
        values["kanal"] = kanaler[0]
    return {
        "leverandor": leverandor,
        "kanaler": [(k, Kanal(k).label, KANAL_HJELP[k]) for k in kanaler],
        "code": code,
        "signed_code": signed,
        "values": values,
        "errors": {},
        "min_passfrase": services.rules.MIN_PASSPHRASE,
        "public_url": reverse("quality:varsling_offentlig", kwargs={"orgnr": leverandor.organisasjonsnummer}),
        **extra,
    }


def _anonymous_submit(request: HttpRequest, leverandor: Leverandor, template_extra: dict[str, Any]) -> HttpResponse:
    data = _input(request)
    signed = request.POST.get("skjemakode", "")
    try:
        sak, code = services.report_anonymous(
            leverandor, data, signed, request.POST.get("passfrase", ""), request.POST.get("passfrase_gjentatt", "")
        )
    except ValidationError as exc:
        values = {"kanal": data.kanal, "beskrivelse": data.beskrivelse, "tidsrom": data.tidsrom, "anonym": True}
        context = _form_context(leverandor, signed, values=values, **template_extra)
        context["errors"] = _errors(exc)
        return _private(render(request, "quality/varsling_skjema.html", context, status=400))
    context = {"code": code, "leverandor": leverandor, "kanal": Kanal(sak.kanal).label}
    return _private(render(request, "quality/varsling_kvittering.html", context))


# --- public: the provider's anonymous form ------------------------------------------------------------


@public_view
def varsling_offentlig(request: HttpRequest, orgnr: str) -> HttpResponse:
    """The provider's public, anonymous reporting form (no login; nothing about the request is stored)."""
    leverandor = get_object_or_404(Leverandor, organisasjonsnummer=orgnr[:9])
    if request.method == "POST":
        return _anonymous_submit(request, leverandor, {"public": True})
    return _private(render(request, "quality/varsling_skjema.html", _form_context(leverandor, None, public=True)))


# --- public: the anonymous reporter comes back ----------------------------------------------------------


def _dialogue_context(sak: VarslingSak, **extra: Any) -> dict[str, Any]:
    return {
        "sak": sak,
        "meldinger": services.dialogue(sak),
        "token": services.reporter_token(sak),
        "errors": {},
        "tekst": "",
        **extra,
    }


@public_view
def varsling_oppfolging(request: HttpRequest) -> HttpResponse:
    """Code and passphrase open the case; the page then carries a signed token for answers."""
    if request.method != "POST":
        return _private(render(request, "quality/varsling_oppfolging.html", {"errors": {}, "kode": ""}))
    post = request.POST
    handling = post.get("handling", "apne")
    tekst = post.get("tekst", "")[: services.MAX_TEKST + 1]
    if handling == "svar":
        sak = services.sak_from_token(post.get("tilgang", ""))
        if sak is None:
            context = {
                "errors": {
                    "__all__": [
                        "Siden var åpen for lenge. Skriv saksnummer og passfrase igjen. Meldingen din er tatt vare på."
                    ]
                },
                "kode": "",
                "utkast": tekst,
            }
            return _private(render(request, "quality/varsling_oppfolging.html", context, status=400))
        try:
            services.anonymous_message(sak, tekst)
        except ValidationError as exc:
            sak.refresh_from_db()
            context = _dialogue_context(sak, errors=_errors(exc), tekst=tekst)
            return _private(render(request, "quality/varsling_dialog.html", context, status=400))
        sak.refresh_from_db()
        return _private(render(request, "quality/varsling_dialog.html", _dialogue_context(sak, sendt=True)))
    kode = post.get("kode", "")[:40]
    try:
        sak = services.open_anonymous(kode, post.get("passfrase", "")[:1000])
    except ValidationError as exc:
        context = {"errors": _errors(exc), "kode": kode, "utkast": tekst}
        return _private(render(request, "quality/varsling_oppfolging.html", context, status=400))
    nytt = sak.nytt_fra_mottaker
    services.anonymous_seen(sak)
    return _private(render(request, "quality/varsling_dialog.html", _dialogue_context(sak, tekst=tekst, nytt=nytt)))


# --- staff: «Si fra (varsling)» --------------------------------------------------------------------------


@no_person_data
def varsling_ny(request: HttpRequest) -> HttpResponse:
    """Report in one's own name or anonymously, to the provider one works for."""
    user = acting_user(request)
    leverandorer = services.staff_leverandorer(user)
    chosen = request.POST.get("leverandor") or request.GET.get("leverandor")
    leverandor = next((lev for lev in leverandorer if str(lev.pk) == chosen), None)
    if leverandor is None and len(leverandorer) == 1:
        leverandor = leverandorer[0]
    if leverandor is None:
        return render(
            request,
            "quality/varsling_velg.html",
            {"leverandorer": leverandorer, "alle": Leverandor.objects.order_by("navn") if not leverandorer else []},
        )
    extra = {"staff": True, "leverandorer": leverandorer, "er_mottaker": services.is_recipient(user)}
    if request.method == "POST":
        if request.POST.get("anonym") != "nei":
            return _anonymous_submit(request, leverandor, extra)
        data = _input(request)
        try:
            sak = services.report_named(user, leverandor, data)
        except ValidationError as exc:
            values = {"kanal": data.kanal, "beskrivelse": data.beskrivelse, "tidsrom": data.tidsrom, "anonym": False}
            context = _form_context(leverandor, request.POST.get("skjemakode", ""), values=values, **extra)
            context["errors"] = _errors(exc)
            return render(request, "quality/varsling_skjema.html", context, status=400)
        messages.success(request, "Takk! Varselet er sendt. Du finner svar fra mottakeren her.")
        return redirect("quality:varsling_min_sak", sak_id=sak.pk)
    return render(request, "quality/varsling_skjema.html", _form_context(leverandor, None, **extra))


@no_person_data
def varsling_mine(request: HttpRequest) -> HttpResponse:
    rows = services.named_cases(acting_user(request)).select_related("leverandor")
    return render(request, "quality/varsling_mine.html", {"rows": rows[:200]})


@no_person_data
def varsling_min_sak(request: HttpRequest, sak_id: int) -> HttpResponse:
    """A staff member's own named report: read the recipient's messages and answer (audited)."""
    user = acting_user(request)
    sak = services.named_cases(user).select_related("leverandor").filter(pk=sak_id).first()
    if sak is None:
        return render(request, "quality/varsling_ingen_tilgang.html", {"egen": True}, status=403)
    errors: dict[str, list[str]] = {}
    tekst = ""
    if request.method == "POST":
        tekst = request.POST.get("tekst", "")[: services.MAX_TEKST + 1]
        try:
            services.named_message(user, sak, tekst)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, "Meldingen er sendt.")
            return redirect("quality:varsling_min_sak", sak_id=sak.pk)
    else:
        services.named_seen(user, sak)
    context = {"sak": sak, "meldinger": services.dialogue(sak), "errors": errors, "tekst": tekst}
    return render(request, "quality/varsling_min_sak.html", context, status=400 if errors else 200)


# --- named recipients -----------------------------------------------------------------------------------


FILTERS = [
    ("apne", "Åpne"),
    (VarslingSak.Status.MOTTATT.value, "Mottatt"),
    (VarslingSak.Status.UNDER_UNDERSOKELSE.value, "Under undersøkelse"),
    (VarslingSak.Status.AVSLUTTET.value, "Avsluttet"),
    ("alle", "Alle"),
]


@no_person_data
def varsling_mottakere(request: HttpRequest) -> HttpResponse:
    """«Mottakere for varsler»: the kvalitetsleder (or a leder for the whole provider) names who receives.

    Every change is audited and listed on the page, so the recipients (and anyone who may manage the list)
    see who changed it; naming oneself is possible but visible. No case content is shown here.
    """
    user = acting_user(request)
    managed = services.managed_leverandorer(user)
    if not managed:
        return render(request, "quality/varsling_ingen_tilgang.html", status=403)
    wanted = request.POST.get("leverandor") or request.GET.get("leverandor", "")
    leverandor = next((lev for lev in managed if str(lev.pk) == wanted), managed[0])
    errors: dict[str, list[str]] = {}
    posted: dict[str, str] = {}
    if request.method == "POST":
        handling = request.POST.get("handling", "")
        try:
            if handling == "legg_til":
                posted = {k: request.POST.get(k, "") for k in ("kanal", "mottaker", "organisasjon")}
                kanal = posted["kanal"]
                recipient = (
                    services.recipient_candidates(leverandor, kanal).filter(pk=_int(posted["mottaker"]) or 0).first()
                    if kanal in Kanal.values
                    else None
                )
                if recipient is None and posted["mottaker"] and kanal in Kanal.values:
                    raise ValidationError({"mottaker": "Den valgte personen kan ikke være mottaker i denne kanalen."})
                services.add_recipient(user, leverandor, recipient, kanal, posted["organisasjon"][:200])
                messages.success(request, "Mottakeren er lagt til.")
            elif handling == "fjern":
                mottaker = get_object_or_404(
                    VarslingMottaker, pk=_int(request.POST.get("mottaker_id")) or 0, leverandor=leverandor
                )
                services.remove_recipient(user, mottaker)
                messages.success(request, "Mottakeren tar ikke lenger imot varsler.")
            else:
                raise ValidationError("Ukjent handling.")
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect(f"{reverse('quality:varsling_mottakere')}?leverandor={leverandor.pk}")
    context = {
        "leverandor": leverandor,
        "managed": managed,
        "mottakere": VarslingMottaker.objects.filter(leverandor=leverandor)
        .select_related("user")
        .order_by("-aktiv", "kanal", "user__last_name"),
        "interne": services.recipient_candidates(leverandor, Kanal.INTERN),
        "eksterne": services.recipient_candidates(leverandor, Kanal.EKSTERN),
        "endringer": services.recipient_changes(leverandor),
        "errors": errors,
        "posted": posted,
    }
    return render(request, "quality/varsling_mottakere.html", context, status=400 if errors else 200)


@portal_view
def varsling_mottak(request: HttpRequest) -> HttpResponse:
    """«Varsling»: the cases the user is a named recipient of (nothing for anyone else). Audited."""
    user = acting_user(request)
    if not services.is_recipient(user):
        return render(request, "quality/varsling_ingen_tilgang.html", {}, status=403)
    status = request.GET.get("status", "apne")
    qs = services.recipient_cases(user).select_related("leverandor")
    if status == "apne":
        qs = qs.exclude(status=VarslingSak.Status.AVSLUTTET)
    elif status in VarslingSak.Status.values:
        qs = qs.filter(status=status)
    else:
        status = "alle"
    rows = list(qs[:500])
    services.audit_list(user, rows)
    return render(request, "quality/varsling_mottak.html", {"rows": rows, "status": status, "filters": FILTERS})


def _case_context(sak: VarslingSak, **extra: Any) -> dict[str, Any]:
    return {
        "sak": sak,
        "meldinger": services.dialogue(sak),
        "notater": list(sak.notater.select_related("forfatter")),
        "utfall_choices": [
            (v, label, services.rules.RETENTION[services.rules.Utfall(v)].rule) for v, label in UTFALL_CHOICES
        ],
        "errors": {},
        "posted": {},
        "handling": "",
        **extra,
    }


def _act(request: HttpRequest, sak: VarslingSak) -> str:
    user = acting_user(request)
    post = request.POST
    handling = post.get("handling", "")
    if handling == "melding":
        services.recipient_message(user, sak, post.get("tekst", ""))
        return "Meldingen er sendt til varsleren."
    if handling == "notat":
        services.add_note(user, sak, post.get("notat", ""))
        return "Notatet er lagret."
    if handling == "start":
        services.start_investigation(user, sak)
        return "Saken er satt under undersøkelse."
    if handling == "avslutt":
        sletting = services.close(user, sak, post.get("utfall", ""))
        when = f" Innholdet slettes {sletting.due:%d.%m.%Y}." if sletting.due else ""
        return "Saken er avsluttet." + when
    raise ValidationError("Ukjent handling.")


@portal_view
def varsling_sak(request: HttpRequest, sak_id: int) -> HttpResponse:
    """One case, for its named recipients only (a refusal is audited and says nothing about the case)."""
    user = acting_user(request)
    sak = VarslingSak.objects.select_related("leverandor", "melder").filter(pk=sak_id).first()
    if sak is None or not services.may_handle(user, sak):
        services.audit_refused(user, sak_id)
        return render(request, "quality/varsling_ingen_tilgang.html", {}, status=403)
    if request.method == "POST":
        try:
            done = _act(request, sak)
        except ValidationError as exc:
            sak.refresh_from_db()
            context = _case_context(
                sak, errors=_errors(exc), posted=request.POST, handling=request.POST.get("handling", "")
            )
            return render(request, "quality/varsling_sak.html", context, status=400)
        messages.success(request, done)
        return redirect("quality:varsling_sak", sak_id=sak.pk)
    services.audit_open(user, sak)
    return render(request, "quality/varsling_sak.html", _case_context(sak))


urlpatterns = [
    path("varsling/si-fra/<str:orgnr>/", varsling_offentlig, name="varsling_offentlig"),
    path("varsling/oppfolging/", varsling_oppfolging, name="varsling_oppfolging"),
    path("varsling/", varsling_ny, name="varsling_ny"),
    path("varsling/mine/", varsling_mine, name="varsling_mine"),
    path("varsling/mine/<int:sak_id>/", varsling_min_sak, name="varsling_min_sak"),
    path("varsling/mottak/", varsling_mottak, name="varsling_mottak"),
    path("varsling/mottakere/", varsling_mottakere, name="varsling_mottakere"),
    path("varsling/mottak/<int:sak_id>/", varsling_sak, name="varsling_sak"),
]


def register() -> None:
    """The menu: «Si fra (varsling)» for all staff, «Varsling» only for the named recipients; an external
    recipient's login (no menu, like portal users) lands on the recipient list."""
    register_nav_item("Si fra (varsling)", "quality:varsling_ny", frozenset(), order=82)
    register_nav_item("Varsling", "quality:varsling_mottak", frozenset(), order=83, visible=services.is_recipient)
    core_middleware.PORTAL_HOME.setdefault(VARSELMOTTAKER_KIND, "quality:varsling_mottak")
