"""The arbeidsleder's portal (issue 6, point 3): phone first, WCAG 2.1 AA, every form works without JavaScript.

The arbeidsleder (the person, a medarbeidsleder, or a parent) logs in as a portal user and sees only
their own arrangement(s): hours used against the granted budget for the month and the year with a
forecast, the week's shifts to plan (single shifts, repeating rota lines, trips), timesheets to
approve or correct, the assistants and what each still lacks before the first shift, messages with
the provider's BPA adviser, and the arbeidsleder handbook. Every page read is audited against the
person the arrangement belongs to; every change goes through :mod:`helhet.bpa.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from helhet.bpa import forms, services
from helhet.bpa.models import Assistent, Melding, Opplaering, Ordning, Timeliste, Vakt
from helhet.core import audit
from helhet.core.guards import portal_view
from helhet.core.middleware import PORTAL_HOME
from helhet.core.models import AuditAction, Enhet, User
from helhet.quality import services as avvik_services
from helhet.quality.models import Avvik, AvvikKategori
from helhet.quality.web import errors_of, int_or_none

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _ordning(request: HttpRequest) -> tuple[Ordning, list[Ordning]]:
    """The arrangement the page is about (``?ordning=``, or the user's first) and all of the user's."""
    mine = list(services.ordninger_for_arbeidsleder(_user(request)))
    if not mine:
        raise PermissionDenied("Du er ikke arbeidsleder for noen BPA-ordning.")
    wanted = request.POST.get("ordning") or request.GET.get("ordning", "")
    chosen = next((o for o in mine if str(o.pk) == wanted), mine[0])
    return chosen, mine


def _read(request: HttpRequest, ordning: Ordning, page: str) -> None:
    audit.record(
        user=_user(request),
        action=AuditAction.READ,
        person=ordning.tjenestemottaker,
        obj=ordning,
        details={"visning": f"bpa-portal {page}"},
    )


def _week(raw: str) -> dt.date:
    """The Monday of ``?uke=2026-W49`` (ISO week), or of this week."""
    try:
        year, week = raw.split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        today = timezone.localdate()
        return today - dt.timedelta(days=today.weekday())


def _iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _url(name: str, ordning: Ordning, **params: Any) -> str:
    query = {"ordning": ordning.pk, **{k: v for k, v in params.items() if v}}
    return f"{reverse(name)}?{urlencode(query)}"


def _fail(request: HttpRequest, exc: ValidationError, prefix: str = "") -> None:
    messages.error(request, (prefix + " " if prefix else "") + " ".join(exc.messages))


def _context(request: HttpRequest, ordning: Ordning, mine: list[Ordning], **extra: Any) -> dict[str, Any]:
    unread = Melding.objects.filter(ordning=ordning, lest__isnull=True).exclude(fra=_user(request)).count()
    return {"ordning": ordning, "mine": mine, "unread": unread, "portal": True, **extra}


def _onboarded(ordning: Ordning) -> tuple[list[Assistent], list[tuple[Assistent, list[str]]]]:
    today = timezone.localdate()
    ready, missing = [], []
    rows = Assistent.objects.filter(ordning=ordning).prefetch_related(
        Prefetch("opplaering", queryset=Opplaering.objects.all())
    )
    for a in rows:
        if a.slutt is not None and a.slutt < today:
            continue
        lacks = services.mangler(a)
        (missing.append((a, lacks)) if lacks else ready.append(a))
    return ready, missing


# --- home ----------------------------------------------------------------------------------------------------


@require_http_methods(["GET"])
@portal_view
def portal(request: HttpRequest) -> HttpResponse:
    ordning, mine = _ordning(request)
    _read(request, ordning, "oversikt")
    now = timezone.now()
    upcoming = list(
        Vakt.objects.filter(ordning=ordning, status=Vakt.Status.PLANLAGT, slutt__gte=now)
        .select_related("assistent")
        .order_by("start")[:5]
    )
    pending = Timeliste.objects.filter(ordning=ordning, status=Timeliste.Status.INNSENDT).count()
    _, missing = _onboarded(ordning)
    return render(
        request,
        "bpa/portal/home.html",
        _context(
            request,
            ordning,
            mine,
            forbruk=services.forbruk(ordning),
            upcoming=upcoming,
            pending=pending,
            missing=missing,
        ),
    )


# --- shifts --------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@portal_view
def vakter(request: HttpRequest) -> HttpResponse:
    """The week's shifts: plan, move, hand to a substitute, cancel; add a repeating rota line."""
    ordning, mine = _ordning(request)
    monday = _week(request.POST.get("uke") or request.GET.get("uke", ""))
    ready, missing = _onboarded(ordning)
    ready_qs = Assistent.objects.filter(pk__in=[a.pk for a in ready])
    new_form = forms.VaktForm(assistenter=ready_qs, initial={"dato": monday})
    turnus_form = forms.TurnusForm(
        assistenter=ready_qs, initial={"fra_dato": monday, "til_dato": monday + dt.timedelta(weeks=4, days=-1)}
    )
    if request.method == "POST":
        handled = _vakt_action(request, ordning, ready_qs)
        if isinstance(handled, HttpResponse):
            return handled
        new_form, turnus_form = handled
    _read(request, ordning, "vakter")
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time(0)))
    end = start + dt.timedelta(days=7)
    week = list(
        Vakt.objects.filter(ordning=ordning, status=Vakt.Status.PLANLAGT, start__lt=end, slutt__gt=start)
        .select_related("assistent", "overtatt_fra")
        .order_by("start")
    )
    problems = services.plan_violations(ordning, start, end)
    days = []
    for i in range(7):
        day = monday + dt.timedelta(days=i)
        todays = [v for v in week if timezone.localtime(v.start).date() == day]
        shifts = [{"vakt": v, "problems": problems.get(v.pk, [])} for v in todays]
        days.append({"date": day, "name": WEEKDAYS[i], "shifts": shifts, "hours": sum(v.timer for v in todays)})
    return render(
        request,
        "bpa/portal/vakter.html",
        _context(
            request,
            ordning,
            mine,
            days=days,
            monday=monday,
            week=_iso_week(monday),
            prev_week=_iso_week(monday - dt.timedelta(days=7)),
            next_week=_iso_week(monday + dt.timedelta(days=7)),
            week_hours=sum(v.timer for v in week),
            new_form=new_form,
            turnus_form=turnus_form,
            ready=ready,
            missing=missing,
            rule_count=sum(1 for v in week if problems.get(v.pk)),
        ),
    )


def _vakt_action(
    request: HttpRequest, ordning: Ordning, ready: Any
) -> HttpResponse | tuple[forms.VaktForm, forms.TurnusForm]:
    """Carry out one POST on the shifts page: a redirect when done, or the forms with their errors."""
    user = _user(request)
    action = request.POST.get("handling", "")
    week = request.POST.get("uke", "")
    back = redirect(_url("bpa:portal_vakter", ordning, uke=week))
    new_form = forms.VaktForm(assistenter=ready)
    turnus_form = forms.TurnusForm(assistenter=ready)
    try:
        if action == "ny":
            new_form = forms.VaktForm(request.POST, assistenter=ready)
            if new_form.is_valid():
                start, slutt = new_form.span()
                planned = services.planlegg_vakt(
                    utfort_av=user,
                    ordning=ordning,
                    assistent=new_form.cleaned_data["assistent"],
                    start=start,
                    slutt=slutt,
                    type=new_form.cleaned_data["type"],
                    merknad=new_form.cleaned_data["merknad"],
                )
                _done(request, "Vakten er lagt inn.", planned.warnings)
                return redirect(_url("bpa:portal_vakter", ordning, uke=_iso_week(_monday(start))))
            messages.error(request, "Vakten ble ikke lagret. Se feltene under.")
        elif action == "turnus":
            turnus_form = forms.TurnusForm(request.POST, assistenter=ready)
            if turnus_form.is_valid():
                d = turnus_form.cleaned_data
                _, made, refused = services.lagre_turnus(
                    utfort_av=user,
                    ordning=ordning,
                    assistent=d["assistent"],
                    ukedager=d["ukedager"],
                    start=d["fra"],
                    slutt=d["til"],
                    fra=d["fra_dato"],
                    til=d["til_dato"],
                    hver_uke=d["hver_uke"],
                )
                warnings = [w for p in made for w in p.warnings]
                _done(request, f"Turnusen er lagt inn: {len(made)} vakter.", sorted(set(warnings))[:5])
                for text in refused[:10]:
                    messages.error(request, f"Ikke planlagt {text}")
                return back
            messages.error(request, "Turnusen ble ikke lagret. Se feltene under.")
        elif action in ("flytt", "vikar", "avlys"):
            vakt = get_object_or_404(Vakt.objects.select_related("ordning", "assistent"), pk=request.POST.get("vakt"))
            if vakt.ordning_id != ordning.pk:
                raise PermissionDenied("Vakten hører ikke til ordningen din.")
            if action == "flytt":
                form = forms.FlyttForm(request.POST)
                if not form.is_valid():
                    raise ValidationError("Skriv dato og klokkeslett for den flyttede vakten.")
                start, slutt = form.span()
                planned = services.flytt_vakt(utfort_av=user, vakt=vakt, start=start, slutt=slutt)
                _done(request, "Vakten er flyttet.", planned.warnings)
            elif action == "vikar":
                vikar_form = forms.VikarForm(request.POST, assistenter=ready)
                if not vikar_form.is_valid():
                    raise ValidationError("Velg en assistent som har fullført opplæringen.")
                planned = services.gi_til_vikar(utfort_av=user, vakt=vakt, vikar=vikar_form.cleaned_data["vikar"])
                _done(request, f"Vakten er gitt til {planned.vakt.assistent}.", planned.warnings)
            else:
                services.avlys_vakt(utfort_av=user, vakt=vakt)
                messages.success(request, "Vakten er avlyst.")
            return back
        else:
            messages.error(request, "Ukjent handling. Last siden på nytt.")
            return back
    except ValidationError as exc:
        _fail(request, exc, "Ikke lagret:")
        if action in ("flytt", "vikar", "avlys"):
            return back
    return new_form, turnus_form


def _monday(value: dt.datetime) -> dt.date:
    day = timezone.localtime(value).date()
    return day - dt.timedelta(days=day.weekday())


def _done(request: HttpRequest, text: str, warnings: list[str]) -> None:
    messages.success(request, text)
    for warning in warnings:
        messages.warning(request, warning)


# --- timesheets ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@portal_view
def timelister(request: HttpRequest) -> HttpResponse:
    """Timesheets of a week: approve, correct (an approved one keeps its original), or add hours for a shift."""
    ordning, mine = _ordning(request)
    raw_week = request.POST.get("uke") or request.GET.get("uke", "")
    monday = _week(raw_week) if raw_week else _week("") - dt.timedelta(days=7)  # last week by default
    if request.method == "POST":
        _timeliste_action(request, ordning)
        return redirect(_url("bpa:portal_timelister", ordning, uke=_iso_week(monday)))
    _read(request, ordning, "timelister")
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time(0)))
    end = start + dt.timedelta(days=7)
    rows = list(
        Timeliste.objects.filter(ordning=ordning, start__gte=start, start__lt=end)
        .select_related("assistent", "korrigerer", "godkjent_av")
        .order_by("start", "pk")
    )
    with_sheet = {r.vakt_id for r in rows if r.vakt_id}
    now = timezone.now()
    unsheeted = list(
        Vakt.objects.filter(
            ordning=ordning, status=Vakt.Status.PLANLAGT, start__gte=start, start__lt=end, slutt__lte=now
        )
        .exclude(pk__in=with_sheet)
        .select_related("assistent")
        .order_by("start")
    )
    pending = [r for r in rows if r.status == Timeliste.Status.INNSENDT]
    approved_hours = sum(r.timer for r in rows if r.status == Timeliste.Status.GODKJENT)
    return render(
        request,
        "bpa/portal/timelister.html",
        _context(
            request,
            ordning,
            mine,
            rows=rows,
            pending=pending,
            unsheeted=unsheeted,
            monday=monday,
            week=_iso_week(monday),
            sunday=monday + dt.timedelta(days=6),
            prev_week=_iso_week(monday - dt.timedelta(days=7)),
            next_week=_iso_week(monday + dt.timedelta(days=7)),
            approved_hours=approved_hours,
            forbruk=services.forbruk(ordning),
        ),
    )


def _timeliste_action(request: HttpRequest, ordning: Ordning) -> None:
    user = _user(request)
    action = request.POST.get("handling", "")
    try:
        if action == "godkjenn_alle":
            ids = [int(i) for i in request.POST.getlist("timeliste") if i.isdigit()]
            rows = Timeliste.objects.filter(ordning=ordning, pk__in=ids, status=Timeliste.Status.INNSENDT)
            count = 0
            for row in rows:
                services.godkjenn(utfort_av=user, timeliste=row)
                count += 1
            if not count:
                raise ValidationError("Ingen timelister å godkjenne.")
            messages.success(request, f"{count} timeliste{'r' if count != 1 else ''} godkjent.")
        elif action in ("godkjenn", "korriger"):
            row = get_object_or_404(Timeliste, pk=request.POST.get("timeliste"), ordning=ordning)
            if action == "godkjenn":
                services.godkjenn(utfort_av=user, timeliste=row)
                messages.success(request, f"Timene til {row.assistent} er godkjent.")
            else:
                form = forms.KorrigerForm(request.POST)
                if not form.is_valid():
                    raise ValidationError("Skriv dato og klokkeslett for de riktige timene.")
                start, slutt = form.span()
                services.korriger(
                    utfort_av=user,
                    timeliste=row,
                    start=start,
                    slutt=slutt,
                    begrunnelse=form.cleaned_data["begrunnelse"],
                )
                messages.success(request, "Timelisten er korrigert. Den opprinnelige er tatt vare på.")
        elif action == "registrer":
            vakt = get_object_or_404(
                Vakt.objects.select_related("assistent"), pk=request.POST.get("vakt"), ordning=ordning
            )
            timer = forms.TimerForm(request.POST)
            if not timer.is_valid():
                raise ValidationError("Skriv dato og klokkeslett for timene.")
            start, slutt = timer.span()
            services.registrer_timer(
                utfort_av=user, ordning=ordning, assistent=vakt.assistent, start=start, slutt=slutt, vakt=vakt
            )
            messages.success(request, f"Timene til {vakt.assistent} er ført og venter på godkjenning.")
        else:
            messages.error(request, "Ukjent handling. Last siden på nytt.")
    except ValidationError as exc:
        _fail(request, exc, "Ikke lagret:")


# --- assistants, messages, handbook ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@portal_view
def assistenter(request: HttpRequest) -> HttpResponse:
    ordning, mine = _ordning(request)
    if request.method == "POST":
        a = get_object_or_404(Assistent, pk=request.POST.get("assistent"), ordning=ordning)
        form = forms.InstruksForm(request.POST)
        if form.is_valid():
            services.lagre_instruks(utfort_av=_user(request), assistent=a, tekst=form.cleaned_data["instruert_i"])
            messages.success(request, f"Opplæringen du har gitt {a} er lagret.")
        return redirect(_url("bpa:portal_assistenter", ordning))
    _read(request, ordning, "assistenter")
    ready, missing = _onboarded(ordning)
    return render(
        request, "bpa/portal/assistenter.html", _context(request, ordning, mine, ready=ready, missing=missing)
    )


@require_http_methods(["GET", "POST"])
@portal_view
def meldinger(request: HttpRequest) -> HttpResponse:
    ordning, mine = _ordning(request)
    form = forms.MeldingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_melding(utfort_av=_user(request), ordning=ordning, tekst=form.cleaned_data["tekst"])
            messages.success(request, "Meldingen er sendt til BPA-rådgiveren.")
            return redirect(_url("bpa:portal_meldinger", ordning))
        except ValidationError as exc:
            _fail(request, exc)
    _read(request, ordning, "meldinger")
    services.mark_read(_user(request), ordning)
    thread = list(Melding.objects.filter(ordning=ordning).select_related("fra").order_by("sendt", "pk"))
    return render(request, "bpa/portal/meldinger.html", _context(request, ordning, mine, thread=thread, form=form))


HANDBOK = (
    ("rollen", "Rollen som arbeidsleder"),
    ("timer", "Timene i vedtaket"),
    ("arbeidstid", "Arbeidstid og hvile"),
    ("timelister", "Timelister og lønn"),
    ("nye", "Nye assistenter"),
    ("avvik", "Når noe går galt"),
    ("personvern", "Taushetsplikt og personvern"),
)


@require_http_methods(["GET"])
@portal_view
def handbok(request: HttpRequest) -> HttpResponse:
    ordning, mine = _ordning(request)
    return render(request, "bpa/portal/handbok.html", _context(request, ordning, mine, chapters=HANDBOK))


# --- avvik from the portal (issue 7 point 1) ----------------------------------------------------------


def _avvik_enhet(ordning: Ordning) -> Enhet | None:
    """Where a report from the arrangement goes: the enhet the BPA adviser works in, else the provider's first."""
    if ordning.radgiver is not None:
        for a in ordning.radgiver.active_assignments():
            enhet_id = a.enhet_id or (a.team.enhet_id if a.team is not None else None)
            if enhet_id:
                return Enhet.objects.filter(pk=enhet_id, leverandor=ordning.leverandor).first()
    return Enhet.objects.filter(leverandor=ordning.leverandor).order_by("pk").first()


DATETIME_INPUT = "%Y-%m-%dT%H:%M"


def _avvik_values(post: Any) -> dict[str, Any]:
    return {
        "kategori": post.get("kategori", ""),
        "hva_skjedde": post.get("hva_skjedde", "")[:5000],
        "hvor": post.get("hvor", "")[:200],
        "tidspunkt": post.get("tidspunkt", "")[:20],
    }


@require_http_methods(["GET", "POST"])
@portal_view
def avvik(request: HttpRequest) -> HttpResponse:
    """«Meld avvik» for the arbeidsleder: the same avvik as staff report, routed to the provider's meldingsansvarlig.

    The report is not linked to the person in the record (the arbeidsleder is not staff and does not pass
    the staff access check); it names the arrangement's provider enhet. A failed «Send» keeps a draft,
    which the next «Send» continues (``utkast``), so nothing typed is lost.
    """
    ordning, mine = _ordning(request)
    user = _user(request)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"tidspunkt": timezone.localtime().strftime(DATETIME_INPUT)}
    draft = None
    if request.method == "POST":
        values = _avvik_values(request.POST)
        draft_id = int_or_none(request.POST.get("utkast"))
        draft = Avvik.objects.filter(pk=draft_id or 0, melder=user, status=Avvik.Status.UTKAST).first()
        tidspunkt = None
        if values["tidspunkt"]:
            try:
                tidspunkt = timezone.make_aware(dt.datetime.strptime(values["tidspunkt"], DATETIME_INPUT))
            except ValueError:
                errors["tidspunkt"] = ["Skriv dato og klokkeslett, for eksempel 2026-03-01T14:30."]
        kategori_id = int_or_none(values["kategori"])
        if kategori_id is not None and not AvvikKategori.objects.filter(pk=kategori_id, aktiv=True).exists():
            kategori_id = None
        enhet = _avvik_enhet(ordning)
        data = avvik_services.AvvikInput(
            enhet_id=enhet.pk if enhet else None,
            kategori_id=kategori_id,
            hva_skjedde=values["hva_skjedde"],
            hvor=values["hvor"],
            tidspunkt=tidspunkt,
        )
        if not errors and not (values["hva_skjedde"].strip() or kategori_id):
            errors["__all__"] = ["Skriv noe om hva som skjedde før du sender."]
        if not errors:
            try:
                draft = avvik_services.save_draft(user, data, draft)
                avvik_services.submit(user, draft)
            except ValidationError as exc:
                errors = errors_of(exc)
            else:
                messages.success(
                    request, "Takk! Avviket er sendt til leverandøren. Du ser utfallet her når det er behandlet."
                )
                return redirect(_url("bpa:portal_avvik", ordning))
    rows = list(
        Avvik.objects.filter(melder=user)
        .exclude(status=Avvik.Status.UTKAST)
        .select_related("kategori")
        .order_by("-registrert")[:50]
    )
    context = _context(
        request,
        ordning,
        mine,
        values=values,
        errors=errors,
        draft=draft,
        kategorier=AvvikKategori.objects.filter(aktiv=True),
        rows=rows,
        max_tid=timezone.localtime().strftime(DATETIME_INPUT),
    )
    return render(request, "bpa/portal/avvik.html", context, status=400 if errors else 200)


@require_http_methods(["GET"])
@portal_view
def avvik_utfall(request: HttpRequest, rapport_id: int) -> HttpResponse:
    """The outcome of one of the arbeidsleder's own reports.

    Only reports without a person link: the portal never makes one (the arbeidsleder is not staff), so
    the route names a report, never a person (``rapport_id``, not the staff side's person-guarded
    ``avvik_id``).
    """
    ordning, mine = _ordning(request)
    report = get_object_or_404(
        Avvik.objects.select_related("kategori"),
        pk=rapport_id,
        melder=_user(request),
        tjenestemottaker__isnull=True,
        besok__isnull=True,
    )
    if report.status == Avvik.Status.UTKAST:
        return redirect(_url("bpa:portal_avvik", ordning))
    outcome = avvik_services.outcome_for_reporter(_user(request), report)
    context = _context(request, ordning, mine, avvik=report, outcome=outcome)
    return render(request, "bpa/portal/avvik_utfall.html", context)


urlpatterns = [
    path("portal/", portal, name="portal"),
    path("portal/vakter/", vakter, name="portal_vakter"),
    path("portal/timelister/", timelister, name="portal_timelister"),
    path("portal/assistenter/", assistenter, name="portal_assistenter"),
    path("portal/meldinger/", meldinger, name="portal_meldinger"),
    path("portal/handbok/", handbok, name="portal_handbok"),
    path("portal/avvik/", avvik, name="portal_avvik"),
    path("portal/avvik/<int:rapport_id>/", avvik_utfall, name="portal_avvik_utfall"),
]


def register() -> None:
    PORTAL_HOME["arbeidsleder"] = "bpa:portal"
