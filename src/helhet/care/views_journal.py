"""Journal screens: the person's notes, writing and correcting a note, and the nurse's open flags.

The journal is append-only (helsepersonelloven § 42, journalforskriften § 11): a correction is a
new note pointing at the one it corrects; the original stays as written, marked «korrigert».
Reading is audited by the guard; the flag list is restricted to the persons the user may see and
audited row by row. Forms carry an idempotency key, so a double submit writes one note.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helhet.care import services
from helhet.care.forms_journal import JournalForm, KorrigerForm, KvitterForm
from helhet.care.models import Journalnotat
from helhet.core import access, audit
from helhet.core.access import Action, Decision
from helhet.core.forms import apply_validation_error
from helhet.core.guards import acting_user, object_view, person_list_view, person_view
from helhet.core.models import AuditAction, Role, Tjenestemottaker, User
from helhet.core.models.users import CARE_ROLES

NOTES_PER_PAGE = 50
FLAG_ROLES = frozenset({Role.SYKEPLEIER, Role.LEDER})


def may_write(user: User, decision: Decision) -> bool:
    """Writing needs a ground (nødtilgang only reads) and a role that keeps a journal."""
    return decision.ground is not None and user.has_role(*services.JOURNAL_ROLES)


def _journal_page(
    request: HttpRequest, person: Tjenestemottaker, decision: Decision, form: JournalForm | None = None
) -> HttpResponse:
    user = acting_user(request)
    notes = (
        Journalnotat.objects.filter(tjenestemottaker=person)
        .select_related("korrigerer", "besok", "tiltak", "kvittering__av")
        .prefetch_related("korreksjoner")
        .order_by("-signert", "-pk")
    )
    page = Paginator(notes, NOTES_PER_PAGE).get_page(request.GET.get("side"))
    writer = may_write(user, decision)
    if form is None and writer:
        form = JournalForm(person=person)
    return render(
        request,
        "care/journal.html",
        {
            "person": person,
            "decision": decision,
            "page": page,
            "notes": page.object_list,
            "form": form if writer else None,
            "may_write": writer,
            "may_acknowledge": user.has_role(*FLAG_ROLES) and decision.ground is not None,
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_GET
@person_view(Action.VIEW)
def journal(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    return _journal_page(request, person, decision)


@require_POST
@person_view(Action.EDIT)
def journal_skriv(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    user = acting_user(request)
    if not may_write(user, decision):
        raise PermissionDenied("Bare helsepersonell og ledere i tjenesten kan skrive i journalen.")
    form = JournalForm(request.POST, person=person)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.skriv_notat(
                utfort_av=user,
                decision=decision,
                person=person,
                tekst=data["tekst"],
                type=data["type"],
                flagg=data.get("flagg") or "",
                tiltak=data.get("tiltak"),
                nokkel=data["nokkel"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            flagged = {"sykepleier": " og flagget til sykepleier", "neste_vakt": " og flagget til neste vakt"}
            messages.success(request, f"Notatet er signert{flagged.get(data.get('flagg') or '', '')}.")
            return redirect("care:journal", person_id=person.pk)
    return _journal_page(request, person, decision, form)


@require_http_methods(["GET", "POST"])
@object_view(Journalnotat, Action.EDIT, url_kwarg="notat_id")
def notat_korriger(
    request: HttpRequest, notat: Journalnotat, person: Tjenestemottaker, decision: Decision
) -> HttpResponse:
    user = acting_user(request)
    if not may_write(user, decision):
        raise PermissionDenied("Bare helsepersonell og ledere i tjenesten kan skrive i journalen.")
    form = KorrigerForm(request.POST or None, initial={"tekst": notat.tekst})
    if request.method == "POST" and form.is_valid():
        try:
            ny = services.korriger_notat(
                utfort_av=user,
                decision=decision,
                notat=notat,
                tekst=form.cleaned_data["tekst"],
                nokkel=form.cleaned_data["nokkel"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                "Korreksjonen er signert. Det opprinnelige notatet står urørt, merket «korrigert».",
            )
            return redirect(reverse("care:journal", kwargs={"person_id": person.pk}) + f"#notat-{ny.pk}")
    return render(
        request,
        "care/journal_korriger.html",
        {"form": form, "notat": notat, "person": person},
        status=400 if form.errors else 200,
    )


# --- flags -----------------------------------------------------------------------------------------------


def user_team_ids(user: User) -> set[int]:
    """Teams the user works in, or leads (through the unit or the whole provider)."""
    return set(services.teams_of(user, CARE_ROLES | {Role.LEDER}).values_list("pk", flat=True))


def visible_open_flags(user: User) -> Any:
    """Open flags for persons served by the user's teams, restricted to whom the user may see."""
    return (
        services.open_flags(user_team_ids(user))
        .filter(tjenestemottaker__in=access.visible_persons(user).values("pk"))
        .select_related("tjenestemottaker", "besok", "tiltak")
    )


@require_GET
@person_list_view
def flagg(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not user.has_role(*FLAG_ROLES):
        raise PermissionDenied("Flagglisten er for sykepleiere og ledere.")
    notes = list(visible_open_flags(user)[:200])
    persons: dict[Any, Tjenestemottaker] = {}
    for note in notes:
        persons.setdefault(note.tjenestemottaker_id, note.tjenestemottaker)
    audit.record_list(
        user=user,
        action=AuditAction.READ,
        persons=sorted(persons.values(), key=lambda p: str(p.pk)),
        details={"visning": "flagg"},
    )
    return render(request, "care/flagg.html", {"notes": notes, "form": KvitterForm(initial={"tilbake": "flagg"})})


@require_POST
@object_view(Journalnotat, Action.EDIT, url_kwarg="notat_id")
def flagg_kvitter(
    request: HttpRequest, notat: Journalnotat, person: Tjenestemottaker, decision: Decision
) -> HttpResponse:
    user = acting_user(request)
    form = KvitterForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        services.kvitter_flagg(utfort_av=user, decision=decision, notat=notat, merknad=data.get("merknad", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Flagget for {person.fullt_navn} er kvittert ut.")
    if data.get("tilbake") == "journal":
        return redirect(reverse("care:journal", kwargs={"person_id": person.pk}) + f"#notat-{notat.pk}")
    return redirect("care:flagg")


urlpatterns = [
    path("journal/<uuid:person_id>/", journal, name="journal"),
    path("journal/<uuid:person_id>/nytt/", journal_skriv, name="journal_skriv"),
    path("notat/<int:notat_id>/korriger/", notat_korriger, name="notat_korriger"),
    path("flagg/", flagg, name="flagg"),
    path("flagg/<int:notat_id>/kvitter/", flagg_kvitter, name="flagg_kvitter"),
]
