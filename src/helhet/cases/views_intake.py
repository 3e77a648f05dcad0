"""Kontaktpunkt screens: the worklist, henvendelser, søknad, kartlegging (IPLOS/KPR) and documents.

«Én dør inn» (seed 004, ch. 4): an inquiry from any channel is registered, acknowledged with a date
by which the person hears back, and owned by someone until the next step (a søknad) takes it over.
The søknad carries the kartlegging, with «Hva er viktig for deg?» in the person's own words first.

Every view carries a guard mark (``helhet.core.guards``); routes naming a record of a person use
``object_view``. Changes go through :mod:`helhet.cases.services`, which audits them. Acting on a
case (taking, closing, kartlegging, uploading) additionally needs a case officer role in the
bydel the case belongs to: a care worker with a ground for the person may read, not handle, it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from helhet.cases import services
from helhet.cases.forms_intake import (
    AvsluttForm,
    DokumentForm,
    HenvendelseForm,
    IplosForm,
    KartleggingForm,
    SoknadForm,
    TaHenvendelseForm,
    extension_for,
    scale_help,
)
from helhet.cases.models import Dokument, Funksjonsskaar, Henvendelse, Kartlegging, Soknad
from helhet.cases.rules import InvalidInput, iplos
from helhet.core import access, audit
from helhet.core.access import Action, Decision
from helhet.core.forms import apply_validation_error
from helhet.core.guards import acting_user, object_view, person_list_view
from helhet.core.models import AuditAction, Bydel, Tjenestemottaker, User

OPEN_HENVENDELSE = (Henvendelse.Status.NY, Henvendelse.Status.UNDER_BEHANDLING)
OPEN_SOKNAD = (Soknad.Status.KARTLEGGING, Soknad.Status.VEDTAK)
CHECKSUM_SHOWN = 12


def _require_case_officer(user: User, bydel: Bydel) -> None:
    if not services.is_case_officer(user, bydel.pk):
        raise PermissionDenied(f"Bare saksbehandlere og vedtaksmyndige i {bydel} kan behandle saken.")


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- worklist -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One inquiry on the worklist. ``synlig``: the user may see whom it concerns (name and link)."""

    h: Henvendelse
    synlig: bool
    forfalt: bool
    snart: bool


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    description: str
    rows: list[Row]
    take_button: bool = False


@person_list_view
def worklist(request: HttpRequest) -> HttpResponse:
    """Kontaktpunktets arbeidsliste: unowned, overdue and due-soon inquiries, then the user's own cases.

    Names are shown only for persons the user has a need to know for (``access.visible_persons``);
    an overdue inquiry owned by a colleague shows its owner and deadline, not whom it concerns.
    """
    user = acting_user(request)
    bydel_ids = user.bydel_ids()
    if not bydel_ids:
        raise PermissionDenied("Arbeidslisten er for saksbehandlere og vedtaksmyndige i bydelen.")
    today = timezone.localdate()
    soon = today + dt.timedelta(days=settings.HENVENDELSE_SNART_DAGER)
    base = Henvendelse.objects.filter(status__in=OPEN_HENVENDELSE).select_related("tjenestemottaker", "bydel", "eier")
    in_bydel = base.filter(bydel_id__in=bydel_ids)
    lists = {
        "uten": list(in_bydel.filter(eier__isnull=True)),
        "forfalt": list(in_bydel.filter(svar_innen__lt=today)),
        "snart": list(in_bydel.filter(svar_innen__gte=today, svar_innen__lte=soon)),
        "mine": list(base.filter(eier=user)),
    }
    soknader = list(
        Soknad.objects.filter(saksbehandler=user, status__in=OPEN_SOKNAD)
        .select_related("tjenestemottaker", "bydel", "kartlegging")
        .order_by("mottatt", "pk")
    )
    person_ids = {h.tjenestemottaker_id for rows in lists.values() for h in rows}
    person_ids |= {s.tjenestemottaker_id for s in soknader}
    visible = set(access.visible_persons(user).filter(pk__in=person_ids).values_list("pk", flat=True))

    def rows(items: list[Henvendelse]) -> list[Row]:
        return [
            Row(h, h.tjenestemottaker_id in visible, h.svar_innen < today, today <= h.svar_innen <= soon) for h in items
        ]

    days = settings.HENVENDELSE_SNART_DAGER
    sections = [
        Section(
            "uten",
            "Uten saksbehandler",
            "Åpne henvendelser som ingen har tatt. Ta henvendelsen, eller gi den til en kollega.",
            rows(lists["uten"]),
            take_button=True,
        ),
        Section("forfalt", "Forfalt", "Åpne henvendelser der svarfristen er passert.", rows(lists["forfalt"])),
        Section(
            "snart",
            "Snart forfall",
            f"Åpne henvendelser med svarfrist i dag eller de neste {days} dagene.",
            rows(lists["snart"]),
        ),
        Section("mine", "Mine henvendelser", "Åpne henvendelser du eier.", rows(lists["mine"])),
    ]
    shown: dict[object, Tjenestemottaker] = {}
    for section in sections:
        for row in section.rows:
            if row.synlig:
                shown[row.h.tjenestemottaker_id] = row.h.tjenestemottaker
    soknad_rows = [(s, s.tjenestemottaker_id in visible) for s in soknader]
    for s, synlig in soknad_rows:
        if synlig:
            shown[s.tjenestemottaker_id] = s.tjenestemottaker
    audit.record_list(
        user=user,
        action=AuditAction.SEARCH,
        persons=sorted(shown.values(), key=lambda p: str(p.pk)),
        details={"visning": "arbeidsliste"},
    )
    return render(
        request,
        "cases/intake_worklist.html",
        {
            "sections": sections,
            "soknad_rows": soknad_rows,
            "bydeler": Bydel.objects.filter(pk__in=bydel_ids).order_by("navn"),
            "show_bydel": len(bydel_ids) > 1,
            "today": today,
        },
    )


# --- henvendelse --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@person_list_view
def henvendelse_create(request: HttpRequest) -> HttpResponse:
    """Register an inquiry to the bydel's kontaktpunkt. The identity number is POSTed, never in a URL."""
    user = acting_user(request)
    bydel_ids = user.bydel_ids()
    if not bydel_ids:
        raise PermissionDenied("Bare saksbehandlere og vedtaksmyndige kan registrere henvendelser.")
    form = HenvendelseForm(request.POST or None, bydeler=Bydel.objects.filter(pk__in=bydel_ids).order_by("navn"))
    if request.method == "POST" and form.is_valid():
        try:
            henvendelse = services.registrer_henvendelse(
                utfort_av=user, data=form.service_data(), ta_selv=form.cleaned_data["ta_selv"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                f"Henvendelsen er registrert. Svarfrist: {henvendelse.svar_innen:%d.%m.%Y}. "
                "Send kvitteringen til personen.",
            )
            return redirect("cases:henvendelse_detail", henvendelse_id=henvendelse.pk)
    return render(
        request,
        "cases/intake_henvendelse_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@object_view(Henvendelse, url_kwarg="henvendelse_id")
def henvendelse_detail(
    request: HttpRequest, henvendelse: Henvendelse, person: Tjenestemottaker, decision: Decision
) -> HttpResponse:
    user = acting_user(request)
    today = timezone.localdate()
    officer = services.is_case_officer(user, henvendelse.bydel_id)
    may_act = henvendelse.er_apen and officer
    soknad = Soknad.objects.filter(henvendelse=henvendelse).first()
    return render(
        request,
        "cases/intake_henvendelse_detail.html",
        {
            "h": henvendelse,
            "person": person,
            "decision": decision,
            "soknad": soknad,
            "may_act": may_act,
            # The person is owed the acknowledgement even when the inquiry has already become a søknad.
            "may_send_receipt": officer and henvendelse.kvittering_sendt is None,
            "is_owner": henvendelse.eier_id == user.pk,
            "forfalt": henvendelse.is_overdue(today),
            "snart": henvendelse.er_apen
            and today <= henvendelse.svar_innen <= today + dt.timedelta(days=settings.HENVENDELSE_SNART_DAGER),
            "ta_form": TaHenvendelseForm(
                bydel=henvendelse.bydel, owner=user if henvendelse.eier_id == user.pk else None
            )
            if may_act
            else None,
            "soknad_form": SoknadForm() if may_act else None,
            "avslutt_form": AvsluttForm() if may_act else None,
        },
    )


def _back_to(request: HttpRequest, henvendelse: Henvendelse) -> HttpResponse:
    """Back to the inquiry if the user may still see it (handing it over or closing it may end that)."""
    if access.check(acting_user(request), Action.VIEW, henvendelse.tjenestemottaker).allowed:
        return redirect("cases:henvendelse_detail", henvendelse_id=henvendelse.pk)
    return redirect("cases:worklist")


@require_POST
@object_view(Henvendelse, Action.EDIT, url_kwarg="henvendelse_id")
def henvendelse_receipt(
    request: HttpRequest, henvendelse: Henvendelse, person: Tjenestemottaker, decision: Decision
) -> HttpResponse:
    """Mark the acknowledgement as sent to the person."""
    _require_case_officer(acting_user(request), henvendelse.bydel)
    try:
        services.send_kvittering(utfort_av=acting_user(request), decision=decision, henvendelse=henvendelse)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "Kvitteringen er registrert som sendt.")
    return redirect("cases:henvendelse_detail", henvendelse_id=henvendelse.pk)


@require_POST
@object_view(Henvendelse, Action.EDIT, url_kwarg="henvendelse_id")
def henvendelse_take(
    request: HttpRequest, henvendelse: Henvendelse, person: Tjenestemottaker, decision: Decision
) -> HttpResponse:
    """Take the inquiry, or hand it to another case officer in the bydel (``ny_eier``)."""
    user = acting_user(request)
    _require_case_officer(user, henvendelse.bydel)
    form = TaHenvendelseForm(request.POST, bydel=henvendelse.bydel)
    if not form.is_valid():
        messages.error(request, "Velg en saksbehandler i bydelen.")
        return redirect("cases:henvendelse_detail", henvendelse_id=henvendelse.pk)
    ny_eier: User | None = form.cleaned_data["ny_eier"]
    try:
        services.ta_henvendelse(utfort_av=user, decision=decision, henvendelse=henvendelse, ny_eier=ny_eier)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        if ny_eier is None or ny_eier.pk == user.pk:
            messages.success(request, "Du har tatt henvendelsen.")
        else:
            messages.success(request, f"Henvendelsen er gitt til {ny_eier}.")
    return _back_to(request, henvendelse)


@require_POST
@object_view(Henvendelse, Action.EDIT, url_kwarg="henvendelse_id")
def henvendelse_close(
    request: HttpRequest, henvendelse: Henvendelse, person: Tjenestemottaker, decision: Decision
) -> HttpResponse:
    user = acting_user(request)
    _require_case_officer(user, henvendelse.bydel)
    form = AvsluttForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Skriv kort hvordan henvendelsen ble besvart før du avslutter den.")
        return redirect("cases:henvendelse_detail", henvendelse_id=henvendelse.pk)
    try:
        services.avslutt_henvendelse(
            utfort_av=user, decision=decision, henvendelse=henvendelse, avslutning=form.cleaned_data["avslutning"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "Henvendelsen er avsluttet.")
    return _back_to(request, henvendelse)


@require_POST
@object_view(Henvendelse, Action.EDIT, url_kwarg="henvendelse_id")
def soknad_create(
    request: HttpRequest, henvendelse: Henvendelse, person: Tjenestemottaker, decision: Decision
) -> HttpResponse:
    """The inquiry becomes a søknad with an empty kartlegging; the inquiry is closed."""
    user = acting_user(request)
    _require_case_officer(user, henvendelse.bydel)
    form = SoknadForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Skriv hva det søkes om.")
        return redirect("cases:henvendelse_detail", henvendelse_id=henvendelse.pk)
    try:
        soknad = services.opprett_soknad(
            utfort_av=user, decision=decision, henvendelse=henvendelse, gjelder=form.cleaned_data["gjelder"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("cases:henvendelse_detail", henvendelse_id=henvendelse.pk)
    messages.success(request, "Søknaden er opprettet. Neste steg er kartleggingen.")
    return redirect("cases:soknad_detail", soknad_id=soknad.pk)


# --- søknad, kartlegging and documents ----------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    group: str
    name: str
    score: int
    wording: str | None


@dataclass(frozen=True)
class DocumentRow:
    d: Dokument
    uendret: bool

    @property
    def sjekksum(self) -> str:
        return self.d.sha256[:CHECKSUM_SHOWN]


def _score_rows(kartlegging: Kartlegging | None) -> list[ScoreRow]:
    if kartlegging is None or kartlegging.pk is None:
        return []
    scores = {s.variabel: s.skaar for s in Funksjonsskaar.objects.filter(kartlegging=kartlegging)}
    rows = []
    for variable in iplos.variables():
        if variable.code in scores:
            score = scores[variable.code]
            try:
                text = iplos.wording(variable.code, score)
            except InvalidInput:  # a score saved under an older scale: show it, without wording
                text = None
            rows.append(ScoreRow(variable.group, variable.name, score, text))
    return rows


def _closed(request: HttpRequest, soknad: Soknad) -> HttpResponse | None:
    """A closed søknad is a record: it is not changed any more."""
    if soknad.status in OPEN_SOKNAD:
        return None
    messages.error(request, "Søknaden er avsluttet og kan ikke endres.")
    return redirect("cases:soknad_detail", soknad_id=soknad.pk)


def _kartlegging(soknad: Soknad) -> Kartlegging | None:
    return Kartlegging.objects.filter(soknad=soknad).first()


@object_view(Soknad, url_kwarg="soknad_id")
def soknad_detail(request: HttpRequest, soknad: Soknad, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    kartlegging = _kartlegging(soknad)
    documents = [DocumentRow(d, services.dokument_er_uendret(d)) for d in soknad.dokumenter.all().order_by("datert")]
    return render(
        request,
        "cases/intake_soknad_detail.html",
        {
            "soknad": soknad,
            "person": person,
            "decision": decision,
            "kartlegging": kartlegging,
            "score_rows": _score_rows(kartlegging),
            "documents": documents,
            "tampered": any(not row.uendret for row in documents),
            "vedtak_list": soknad.vedtak.all().order_by("-fom", "-pk"),
            "may_act": soknad.status in OPEN_SOKNAD and services.is_case_officer(acting_user(request), soknad.bydel_id),
        },
    )


@require_http_methods(["GET", "POST"])
@object_view(Soknad, Action.EDIT, url_kwarg="soknad_id")
def kartlegging_edit(
    request: HttpRequest, soknad: Soknad, person: Tjenestemottaker, decision: Decision
) -> HttpResponse:
    """The needs assessment: the person's own words, the facts found, and the IPLOS/KPR scores."""
    user = acting_user(request)
    _require_case_officer(user, soknad.bydel)
    if closed := _closed(request, soknad):
        return closed
    kartlegging = _kartlegging(soknad) or Kartlegging(soknad=soknad)
    current = (
        {s.variabel: s.skaar for s in Funksjonsskaar.objects.filter(kartlegging=kartlegging)} if kartlegging.pk else {}
    )
    data = request.POST if request.method == "POST" else None
    form = KartleggingForm(data, instance=kartlegging)
    scores = IplosForm(data, current=current)
    if request.method == "POST" and form.is_valid() and scores.is_valid():
        fresh = _kartlegging(soknad) or Kartlegging(soknad=soknad)
        try:
            services.lagre_kartlegging_og_skaar(
                utfort_av=user,
                decision=decision,
                kartlegging=fresh,
                data={name: form.cleaned_data[name] for name in KartleggingForm.Meta.fields},
                skaar=scores.scores(),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    target = scores if field in scores.fields else form
                    for error in errors:
                        target.add_error(field if field in target.fields else None, error)
            else:
                apply_validation_error(form, exc)
        else:
            messages.success(request, "Kartleggingen er lagret.")
            return redirect("cases:soknad_detail", soknad_id=soknad.pk)
    has_errors = bool(form.errors or scores.errors)
    return render(
        request,
        "cases/intake_kartlegging_form.html",
        {
            "soknad": soknad,
            "person": person,
            "form": form,
            "scores": scores,
            "scale_help": scale_help(),
            "has_errors": has_errors,
        },
        status=400 if has_errors else 200,
    )


@require_http_methods(["GET", "POST"])
@object_view(Soknad, Action.EDIT, url_kwarg="soknad_id")
def dokument_upload(request: HttpRequest, soknad: Soknad, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    """Attach a statement or report; it is stored with its SHA-256 checksum."""
    user = acting_user(request)
    _require_case_officer(user, soknad.bydel)
    if closed := _closed(request, soknad):
        return closed
    form = DokumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.last_opp_dokument(
                utfort_av=user,
                decision=decision,
                soknad=soknad,
                fil=form.cleaned_data["fil"],
                type=form.cleaned_data["type"],
                tittel=form.cleaned_data["tittel"],
                datert=form.cleaned_data["datert"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Dokumentet er lastet opp og lagret med sjekksum.")
            return redirect("cases:soknad_detail", soknad_id=soknad.pk)
    return render(
        request,
        "cases/intake_dokument_form.html",
        {"soknad": soknad, "person": person, "form": form},
        status=400 if form.errors else 200,
    )


@object_view(Dokument, url_kwarg="dokument_id", person_path="soknad__tjenestemottaker")
def dokument_download(
    request: HttpRequest, dokument: Dokument, person: Tjenestemottaker, decision: Decision
) -> HttpResponse:
    """Serve the file as an attachment, but only if it is what was stored (the checksum still matches)."""
    if not services.dokument_er_uendret(dokument):
        response = render(
            request,
            "cases/intake_dokument_endret.html",
            {"dokument": dokument, "soknad": dokument.soknad},
            status=409,
        )
        response["Cache-Control"] = "no-store"
        return response
    filename = f"dokument-{dokument.pk}{extension_for(dokument.innholdstype)}"
    response = HttpResponse(bytes(dokument.innhold), content_type=dokument.innholdstype or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(dokument.innhold))
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("", worklist, name="worklist"),
    path("henvendelser/ny/", henvendelse_create, name="henvendelse_create"),
    path("henvendelser/<int:henvendelse_id>/", henvendelse_detail, name="henvendelse_detail"),
    path("henvendelser/<int:henvendelse_id>/kvittering/", henvendelse_receipt, name="henvendelse_receipt"),
    path("henvendelser/<int:henvendelse_id>/ta/", henvendelse_take, name="henvendelse_take"),
    path("henvendelser/<int:henvendelse_id>/avslutt/", henvendelse_close, name="henvendelse_close"),
    path("henvendelser/<int:henvendelse_id>/soknad/", soknad_create, name="soknad_create"),
    path("soknader/<int:soknad_id>/", soknad_detail, name="soknad_detail"),
    path("soknader/<int:soknad_id>/kartlegging/", kartlegging_edit, name="kartlegging_edit"),
    path("soknader/<int:soknad_id>/dokumenter/ny/", dokument_upload, name="dokument_upload"),
    path("dokumenter/<int:dokument_id>/", dokument_download, name="dokument_download"),
]
