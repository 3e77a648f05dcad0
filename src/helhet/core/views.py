"""Staff screens for organisations and persons. Person data only behind the guards."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from helhet.core import access, audit, services
from helhet.core.access import Action, Decision
from helhet.core.extensions import person_panels
from helhet.core.forms import (
    AccessReviewFilterForm,
    NodtilgangForm,
    ParorendeForm,
    PersonEditForm,
    PersonForm,
    ReviewForm,
    SamtykkeForm,
    SearchForm,
    SperringForm,
    VergeForm,
    apply_validation_error,
)
from helhet.core.guards import acting_user, no_person_data, nodtilgang_view, person_list_view, person_view
from helhet.core.models import (
    AuditAction,
    AuditEvent,
    Bydel,
    Kommune,
    Leverandor,
    Nodtilgang,
    Role,
    Samtykke,
    Sperring,
    Tjenestemottaker,
)

SEARCH_LIMIT = 50
#: What the person sees in «who has looked at me»: reads and changes, not refused attempts.
SHOWN_TO_PERSON = [
    AuditAction.READ,
    AuditAction.READ_FULL_ID,
    AuditAction.CREATE,
    AuditAction.UPDATE,
    AuditAction.DELETE,
    AuditAction.NODTILGANG,
]


def _record_list(request: HttpRequest, persons: list[Tjenestemottaker], kind: str) -> None:
    """A list of persons is a read of their names: one audit row per person shown."""
    audit.record_list(user=acting_user(request), action=AuditAction.SEARCH, persons=persons, details={"visning": kind})


@no_person_data
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@person_list_view
def home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    roles = user.roles()
    mine: list[Tjenestemottaker] = []
    if roles & (access.FULL_ID_ROLES | {Role.HELSEFAGARBEIDER, Role.ASSISTENT}):
        mine = list(access.visible_persons(user).select_related("bydel")[:SEARCH_LIMIT])
        _record_list(request, mine, "oversikt")
    pending_reviews = 0
    if Role.PERSONVERNANSVARLIG in roles:
        pending_reviews = Nodtilgang.objects.filter(gjennomgatt__isnull=True).count()
    return render(
        request,
        "core/home.html",
        {
            "mine": mine,
            "assignments": user.active_assignments(),
            "pending_reviews": pending_reviews,
            "is_admin": Role.SYSTEMADMINISTRATOR in roles,
        },
    )


@require_http_methods(["GET", "POST"])
@person_list_view
def person_search(request: HttpRequest) -> HttpResponse:
    """Search by name among the persons the user may see; an exact identity number finds anyone.

    An exact number that belongs to a person outside the user's need to know is shown as a hit
    without name, leading to the 403 page (where nødtilgang can be asked for).
    """
    # POST, not GET: names and identity numbers must never end up in URLs, browser history or access logs.
    form = SearchForm(request.POST or None)
    results: list[Tjenestemottaker] = []
    outside_hit: Tjenestemottaker | None = None
    searched = False
    if form.is_valid() and form.cleaned_data["q"].strip():
        searched = True
        query = form.cleaned_data["q"].strip()
        user = acting_user(request)
        visible = access.visible_persons(user)
        if form.is_identity_number():
            digest = Tjenestemottaker.digest_for(query)
            results = list(visible.filter(fodselsnummer_digest=digest))
            if not results:
                outside_hit = Tjenestemottaker.objects.filter(fodselsnummer_digest=digest).first()
            kind = "søk på fødselsnummer"
        else:
            terms = query.split()
            q = Q()
            for term in terms:
                q &= Q(fornavn__icontains=term) | Q(etternavn__icontains=term)
            digits = "".join(ch for ch in query if ch in "0123456789")
            if len(digits) == 6 and len(terms) == 1:  # a birth date DDMMÅÅ
                q = Q(fodselsnummer__startswith=digits) | Q(
                    fodselsnummer__startswith=digits[:2] + f"{int(digits[2:4]) + 80:02d}" + digits[4:]
                )
            results = list(visible.filter(q).select_related("bydel")[:SEARCH_LIMIT])
            kind = "søk på navn"
        _record_list(request, results, kind)
        if outside_hit is not None:
            audit.record(
                user=user, action=AuditAction.SEARCH, person=outside_hit, details={"visning": kind, "treff": "utenfor"}
            )
    template = "core/_search_results.html" if request.htmx else "core/person_search.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {"form": form, "results": results, "outside_hit": outside_hit, "searched": searched, "limit": SEARCH_LIMIT},
    )


@person_view(Action.VIEW)
def person_detail(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    user = acting_user(request)
    context = {
        "person": person,
        "decision": decision,
        "parorende": person.parorende.prefetch_related("samtykker"),
        "verger": person.verger.all(),
        "samtykker": person.samtykker.select_related("parorende", "registrert_av"),
        "teams": person.team_tilknytning.select_related("team__enhet__leverandor").order_by("-fra"),
        "sperringer": person.sperringer.select_related("sperret_bruker").order_by("-opprettet"),
        "may_view_full_id": access.check(user, Action.VIEW_FULL_ID, person).allowed,
        "may_edit": access.check(user, Action.EDIT, person).allowed,
        "panels": [
            {"template": panel.template, **panel.context(request, person, decision)} for panel in person_panels()
        ],
    }
    return render(request, "core/person_detail.html", context)


@person_view(Action.VIEW_FULL_ID)
def person_full_id(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    return render(request, "core/_full_id.html", {"person": person})


@require_http_methods(["GET", "POST"])
@person_list_view
def person_create(request: HttpRequest) -> HttpResponse:
    """Register a new person. Case officers only, in their own bydel."""
    user = acting_user(request)
    assignments = [a for a in user.active_assignments() if a.rolle in (Role.SAKSBEHANDLER, Role.VEDTAKSMYNDIG)]
    if not assignments:
        raise PermissionDenied("Bare saksbehandlere kan registrere nye tjenestemottakere.")
    bydeler = Bydel.objects.filter(pk__in=[a.bydel_id for a in assignments])
    form = PersonForm(request.POST or None, bydeler=bydeler)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data}
        try:
            person = services.opprett_tjenestemottaker(utfort_av=user, data=data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{person.fullt_navn} er registrert. Du er saksbehandler.")
            return redirect("core:person_detail", person_id=person.pk)
    return render(
        request,
        "core/person_form.html",
        {"form": form, "title": "Ny tjenestemottaker"},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@person_view(Action.EDIT)
def person_edit(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    form = PersonEditForm(request.POST or None, instance=person, bydeler=Bydel.objects.all())
    if request.method == "POST" and form.is_valid():
        fresh = Tjenestemottaker.objects.get(pk=person.pk)
        try:
            services.endre_tjenestemottaker(
                utfort_av=acting_user(request), decision=decision, person=fresh, data=form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Endringene er lagret.")
            return redirect("core:person_detail", person_id=person.pk)
    return render(
        request,
        "core/person_form.html",
        {"form": form, "person": person, "title": "Endre opplysninger"},
        status=400 if form.errors else 200,
    )


def _child_form_view(
    request: HttpRequest,
    person: Tjenestemottaker,
    decision: Decision,
    form: Any,
    service: Any,
    title: str,
    success: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            service(utfort_av=acting_user(request), decision=decision, person=person, data=form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("core:person_detail", person_id=person.pk)
    return render(
        request,
        "core/child_form.html",
        {"form": form, "person": person, "title": title},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@person_view(Action.EDIT)
def parorende_add(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    return _child_form_view(
        request,
        person,
        decision,
        ParorendeForm(request.POST or None),
        services.legg_til_parorende,
        "Legg til pårørende",
        "Pårørende er lagt til.",
    )


@require_http_methods(["GET", "POST"])
@person_view(Action.EDIT)
def verge_add(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    return _child_form_view(
        request,
        person,
        decision,
        VergeForm(request.POST or None),
        services.legg_til_verge,
        "Registrer verge",
        "Vergen er registrert.",
    )


@require_http_methods(["GET", "POST"])
@person_view(Action.EDIT)
def samtykke_add(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    return _child_form_view(
        request,
        person,
        decision,
        SamtykkeForm(request.POST or None, person=person),
        services.registrer_samtykke,
        "Registrer samtykke",
        "Samtykket er registrert.",
    )


@require_POST
@person_view(Action.EDIT)
def samtykke_withdraw(
    request: HttpRequest, person: Tjenestemottaker, decision: Decision, samtykke_id: int
) -> HttpResponse:
    samtykke = get_object_or_404(Samtykke, pk=samtykke_id, tjenestemottaker=person)
    try:
        services.trekk_samtykke(utfort_av=acting_user(request), decision=decision, samtykke=samtykke)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Samtykket er trukket tilbake.")
    return redirect("core:person_detail", person_id=person.pk)


@require_http_methods(["GET", "POST"])
@person_view(Action.EDIT)
def sperring_add(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    form = SperringForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.opprett_sperring(
                utfort_av=acting_user(request),
                decision=decision,
                person=person,
                sperret_bruker=form.cleaned_data["sperret_bruker"],
                begrunnelse=form.cleaned_data["begrunnelse"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Sperringen er registrert og gjelder fra nå.")
            return redirect("core:person_detail", person_id=person.pk)
    return render(
        request,
        "core/child_form.html",
        {"form": form, "person": person, "title": "Registrer sperring"},
        status=400 if form.errors else 200,
    )


@require_POST
@person_view(Action.EDIT)
def sperring_lift(request: HttpRequest, person: Tjenestemottaker, decision: Decision, sperring_id: int) -> HttpResponse:
    sperring = get_object_or_404(Sperring, pk=sperring_id, tjenestemottaker=person)
    try:
        services.opphev_sperring(utfort_av=acting_user(request), decision=decision, sperring=sperring)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Sperringen er opphevet.")
    return redirect("core:person_detail", person_id=person.pk)


@person_view(Action.VIEW)
def person_access_log(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> HttpResponse:
    """«Hvem har sett opplysningene mine»: every read and change, newest first."""
    events = AuditEvent.objects.filter(tjenestemottaker=person, action__in=SHOWN_TO_PERSON).order_by("-seq")
    page = Paginator(events, 50).get_page(request.GET.get("side"))
    return render(request, "core/person_access_log.html", {"person": person, "page": page})


@nodtilgang_view
@require_http_methods(["GET", "POST"])
def nodtilgang(request: HttpRequest, person_id: str) -> HttpResponse:
    """Break the glass. Shows no person data: the person's page opens after it is granted."""
    person = get_object_or_404(Tjenestemottaker, pk=person_id)
    user = acting_user(request)
    decision = access.check(user, Action.VIEW, person)
    if decision.allowed:
        return redirect("core:person_detail", person_id=person.pk)
    form = NodtilgangForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access.break_glass(user, person, form.cleaned_data["begrunnelse"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.warning(
                request,
                "Nødtilgang er gitt i begrenset tid. Bruken er logget og blir kontrollert av "
                "personvern- og sikkerhetsansvarlig.",
            )
            return redirect("core:person_detail", person_id=person.pk)
    return render(
        request,
        "core/403_person.html",
        {"decision": decision, "person_id": person.pk, "nodtilgang_form": form},
        status=400 if form.errors else 403,
    )


def _require_role(request: HttpRequest, role: str) -> None:
    if role not in acting_user(request).roles():
        raise PermissionDenied("Denne siden er for personvern- og sikkerhetsansvarlig.")


@person_list_view
def access_review(request: HttpRequest) -> HttpResponse:
    """Log control for the security officer: nødtilgang first, then the log, filtered."""
    _require_role(request, Role.PERSONVERNANSVARLIG)
    ground_choices = [(g.code, g.label) for g in access.grounds()] + [(access.NODTILGANG_CODE, "Nødtilgang")]
    form = AccessReviewFilterForm(request.GET or None, ground_choices=ground_choices)
    events: QuerySet[AuditEvent] = AuditEvent.objects.select_related("tjenestemottaker__bydel")
    person = None
    if form.is_valid():
        if form.cleaned_data.get("person"):
            person = Tjenestemottaker.objects.filter(pk=form.cleaned_data["person"]).first()
            events = events.filter(tjenestemottaker_id=form.cleaned_data["person"])
        if form.cleaned_data.get("bruker"):
            events = events.filter(user=form.cleaned_data["bruker"])
        if form.cleaned_data.get("grunnlag"):
            code = form.cleaned_data["grunnlag"]
            events = (
                events.filter(nodtilgang_id__isnull=False)
                if code == access.NODTILGANG_CODE
                else events.filter(ground=code)
            )
        if form.cleaned_data.get("bydel"):
            events = events.filter(tjenestemottaker__bydel=form.cleaned_data["bydel"])
    events = events.order_by(F("nodtilgang_id").desc(nulls_last=True), "-seq")
    page = Paginator(events, 50).get_page(request.GET.get("side"))
    pending = (
        Nodtilgang.objects.filter(gjennomgatt__isnull=True)
        .select_related("bruker", "tjenestemottaker__bydel")
        .annotate(
            lesninger=Count(
                "tjenestemottaker__audit_events", filter=Q(tjenestemottaker__audit_events__nodtilgang_id=F("pk"))
            )
        )
        .order_by("start")
    )
    shown = {e.tjenestemottaker for e in page if e.tjenestemottaker is not None}
    shown |= {n.tjenestemottaker for n in pending}
    _record_list(request, sorted(shown, key=lambda p: str(p.pk)), "tilgangskontroll")
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "core/access_review.html",
        {
            "form": form,
            "page": page,
            "pending": pending,
            "person": person,
            "review_form": ReviewForm(),
            "query": query.urlencode(),
        },
    )


@require_POST
@person_list_view
def nodtilgang_review(request: HttpRequest, nodtilgang_id: int) -> HttpResponse:
    _require_role(request, Role.PERSONVERNANSVARLIG)
    item = get_object_or_404(Nodtilgang, pk=nodtilgang_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.gjennomga_nodtilgang(
                utfort_av=acting_user(request),
                nodtilgang=item,
                vurdering=form.cleaned_data["vurdering"],
                kommentar=form.cleaned_data["kommentar"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Gjennomgangen er registrert.")
    else:
        messages.error(request, "Velg en vurdering.")
    return redirect("core:access_review")


@no_person_data
def organisation(request: HttpRequest) -> HttpResponse:
    kommuner = Kommune.objects.prefetch_related("bydeler__kontaktpunkt")
    leverandorer = Leverandor.objects.prefetch_related("enheter__team__bydeler").annotate(
        enheter_count=Count("enheter", distinct=True)
    )
    return render(request, "core/organisation.html", {"kommuner": kommuner, "leverandorer": leverandorer})
