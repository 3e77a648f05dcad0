"""Complaints on the service (issue 7 point 3): «Registrer klage», «Klager», one complaint, figures.

Privacy: the list and the figures show no content and no person (number, dates, enhet, who
complained as a role, topic, channel, status). One complaint opens through :func:`klage_view`: the
staff member who registered it and the enhet's meldingsansvarlig/leder (or the kvalitetsleder);
a complaint linked to a tjenestemottaker also needs :func:`helhet.core.access.check` for the
person, and the read or the refusal is audited. «Registrer klage» opened from the person page
(``?person=<uuid>``) checks access (a refusal is audited) and never shows the person.

Plain POST forms, no JavaScript needed.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone

from helhet.core.access import Action, Decision, check
from helhet.core.extensions import register_person_panel
from helhet.core.guards import GUARD_ATTR, GuardKind, acting_user, no_person_data, refused
from helhet.core.models import Role, Tjenestemottaker
from helhet.quality import services_klager as services
from helhet.quality.models import Tjenesteklage
from helhet.quality.rules import klager as rules
from helhet.quality.rules.avvik_tall import Period
from helhet.quality.web import errors_of as _errors
from helhet.quality.web import ids_param as _ids_param
from helhet.quality.web import int_or_none as _int
from helhet.quality.web import open_record

NAV_ROLES = frozenset({Role.LEDER, Role.MELDINGSANSVARLIG, Role.KVALITETSLEDER})


def _date(raw: str, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[field] = ["Skriv datoen som dag, måned og år (for eksempel 2026-03-01)."]
        return None


# --- the guard for one complaint ---------------------------------------------------------------------

KlageViewFunc = Callable[[HttpRequest, Tjenesteklage, Decision | None], HttpResponse]


def klage_view(view: KlageViewFunc) -> Callable[..., HttpResponse]:
    """Open one complaint: registrar or handler; a person-linked complaint also passes the access check (audited)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, tjenesteklage_id: int) -> HttpResponse:
        user = acting_user(request)
        klage = get_object_or_404(
            Tjenesteklage.objects.select_related("enhet", "registrert_av", "behandler", "tjenestemottaker"),
            pk=tjenesteklage_id,
        )
        opened = open_record(
            request,
            klage,
            klage.tjenestemottaker,
            may_see=services.may_see(user, klage),
            refusal_details={"handling": "se_klage", "avslag": "ikke_registrert_av_eller_behandler"},
            view_name=view.__name__,
            no_access_template="quality/klage_ingen_tilgang.html",
            audit_read_without_person=True,
            read_details={"omrade": "klage"},
        )
        if opened.refusal is not None:
            return opened.refusal
        return view(request, klage, opened.decision)

    setattr(wrapped, GUARD_ATTR, GuardKind.PERSON)
    return wrapped


# --- «Registrer klage» ---------------------------------------------------------------------------------


def _person_from(request: HttpRequest, raw: str | None) -> tuple[Tjenestemottaker | None, HttpResponse | None]:
    """The person named by ``?person=`` / the hidden field, after the access check (a refusal is audited).

    The form never shows the person (it says «the person you came from»), so the page holds no person
    data; the link itself is checked again, and audited, when the complaint is saved."""
    if not raw:
        return None, None
    person = Tjenestemottaker.objects.filter(pk=raw).first() if _is_uuid(raw) else None
    if person is None:
        return None, None
    user = acting_user(request)
    decision = check(user, Action.VIEW, person)
    if not decision.allowed:
        return None, refused(request, person, decision)
    return person, None


def _is_uuid(raw: str) -> bool:
    try:
        uuid.UUID(raw)
    except ValueError:
        return False
    return True


def _form_context(request: HttpRequest, values: dict[str, Any], person: Tjenestemottaker | None) -> dict[str, Any]:
    user = acting_user(request)
    enheter = list(services.register_enheter(user))
    if values.get("enhet") is None:
        own = {a.enhet_id or (a.team.enhet_id if a.team else None) for a in user.active_assignments()}
        mine = [e for e in enheter if e.pk in own]
        if len(mine) == 1:
            values["enhet"] = mine[0].pk
    return {
        "values": values,
        "enheter": enheter,
        "person": person,
        "roller": Tjenesteklage.KlagerRolle.choices,
        "kanaler": Tjenesteklage.Kanal.choices,
        "temaer": Tjenesteklage.Tema.choices,
        "today": timezone.localdate().isoformat(),
        "svarfrist_maneder": rules.SVARFRIST_MANEDER,
    }


@no_person_data
def klage_ny(request: HttpRequest) -> HttpResponse:
    """Register a complaint on the service. The person link (if any) is checked, and a refusal audited."""
    user = acting_user(request)
    if not services.may_register(user):
        return render(request, "quality/klage_ingen_tilgang.html", {"register": True}, status=403)
    person, refusal = _person_from(request, request.POST.get("person") or request.GET.get("person"))
    if refusal is not None:
        return refusal
    if request.method != "POST":
        values: dict[str, Any] = {"mottatt": timezone.localdate().isoformat()}
        if person is not None:
            values["klager_rolle"] = Tjenesteklage.KlagerRolle.TJENESTEMOTTAKER
        return render(request, "quality/klage_form.html", {**_form_context(request, values, person), "errors": {}})
    post = request.POST
    errors: dict[str, list[str]] = {}
    mottatt = _date(post.get("mottatt", ""), "mottatt", errors)
    data = services.KlageInput(
        enhet_id=_int(post.get("enhet")),
        klager_rolle=post.get("klager_rolle", ""),
        klager_navn=post.get("klager_navn", "")[:200],
        mottatt=mottatt,
        kanal=post.get("kanal", ""),
        tema=post.get("tema", ""),
        beskrivelse=post.get("beskrivelse", "")[:10000],
        tjenestemottaker=person,
    )
    if not errors:
        try:
            klage = services.register(user, data)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request,
                f"Klagen er registrert. Svarfrist: {klage.frist:%d.%m.%Y}. "
                "Meldingsansvarlig eller leder følger den opp.",
            )
            if services.may_handle(user, klage):
                return redirect("quality:klage_detalj", tjenesteklage_id=klage.pk)
            return redirect("quality:klage_ny")
    values = {k: post.get(k, "") for k in ("klager_rolle", "klager_navn", "mottatt", "kanal", "tema", "beskrivelse")}
    values["enhet"] = data.enhet_id
    context = _form_context(request, values, person)
    context["errors"] = errors
    return render(request, "quality/klage_form.html", context, status=400)


# --- one complaint --------------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, klage: Tjenesteklage) -> dict[str, Any]:
    user = acting_user(request)
    today = timezone.localdate()
    row = services.rows([klage])[0]
    return {
        "klage": klage,
        "may_handle": services.may_handle(user, klage),
        "kanaler": Tjenesteklage.Kanal.choices,
        "utfall": Tjenesteklage.Utfall.choices,
        "late": rules.is_late(row, today),
        "today": today.isoformat(),
        "errors": {},
        "posted": {},
    }


def _handle_action(request: HttpRequest, klage: Tjenesteklage) -> str:
    user = acting_user(request)
    post = request.POST
    handling = post.get("handling", "")
    if handling == "vurder":
        errors: dict[str, list[str]] = {}
        avvik_id = _int(post.get("avvik", "").strip())
        if post.get("avvik", "").strip() and avvik_id is None:
            errors["avvik"] = ["Skriv avviksnummeret som et tall."]
        vedtaksklage_id = _int(post.get("vedtaksklage", "").strip())
        if post.get("vedtaksklage", "").strip() and vedtaksklage_id is None:
            errors["vedtaksklage"] = ["Skriv klagenummeret som et tall."]
        if errors:
            raise ValidationError(errors)
        services.handle(
            user,
            klage,
            post.get("vurdering", ""),
            post.get("tiltak", ""),
            avvik_id,
            post.get("gjelder_vedtak") == "ja",
            vedtaksklage_id,
        )
        return "Vurderingen er lagret."
    if handling == "svar":
        errors = {}
        besvart = _date(post.get("besvart", ""), "besvart", errors)
        if errors:
            raise ValidationError(errors)
        services.answer(
            user, klage, besvart, post.get("svarmate", ""), post.get("svar_sammendrag", ""), post.get("utfall", "")
        )
        return "Svaret er registrert. Klagen er besvart."
    raise ValidationError("Ukjent handling.")


@klage_view
def klage_detalj(request: HttpRequest, klage: Tjenesteklage, decision: Decision | None) -> HttpResponse:
    if request.method == "POST":
        if not services.may_handle(acting_user(request), klage):
            return render(request, "quality/klage_ingen_tilgang.html", status=403)
        try:
            message = _handle_action(request, klage)
        except ValidationError as exc:
            klage.refresh_from_db()
            context = _detail_context(request, klage)
            context.update(errors=_errors(exc), posted=request.POST, handling=request.POST.get("handling", ""))
            return render(request, "quality/klage_detalj.html", context, status=400)
        messages.success(request, message)
        return redirect("quality:klage_detalj", tjenesteklage_id=klage.pk)
    return render(request, "quality/klage_detalj.html", _detail_context(request, klage))


# --- list and figures (no person data) ----------------------------------------------------------------


def _rows_link(ids: tuple[int | str, ...] | list[int | str]) -> str:
    return reverse("quality:klage_liste") + "?" + urlencode({"ids": ",".join(str(i) for i in ids)})


@no_person_data
def klage_liste(request: HttpRequest) -> HttpResponse:
    """«Klager»: the complaints the user handles (no content, no person)."""
    user = acting_user(request)
    if not services.is_handler(user):
        return render(request, "quality/klage_liste.html", {"not_handler": True})
    today = timezone.localdate()
    qs = services.handled_klager(user).select_related("enhet", "behandler")
    status = request.GET.get("status", "apne")
    ids = _ids_param(request.GET.get("ids", ""))
    if ids:
        qs = qs.filter(pk__in=ids)
        status = "alle"
    elif status == "apne":
        qs = qs.exclude(status=Tjenesteklage.Status.BESVART)
    elif status in Tjenesteklage.Status.values:
        qs = qs.filter(status=status)
    klager = list(qs.order_by("-mottatt", "-pk")[:500])
    late = {r.id for r in services.rows(klager) if rules.is_late(r, today)}
    filters = [("apne", "Åpne"), *((v, str(label)) for v, label in Tjenesteklage.Status.choices), ("alle", "Alle")]
    return render(
        request,
        "quality/klage_liste.html",
        {"rows": [(k, k.pk in late) for k in klager], "status": status, "ids": ids, "filters": filters},
    )


@no_person_data
def klage_tall(request: HttpRequest) -> HttpResponse:
    """«Alle klager besvart»: computed from the rows, each figure opening to them."""
    user = acting_user(request)
    if not services.is_handler(user):
        return render(request, "quality/klage_tall.html", {"not_handler": True})
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    fra = _date(request.GET.get("fra", ""), "fra", errors) or today - dt.timedelta(days=364)
    til = _date(request.GET.get("til", ""), "til", errors) or today
    if til < fra:
        errors["til"] = ["«Til» kan ikke være før «fra»."]
        fra, til = today - dt.timedelta(days=364), today
    f = services.figures(services.handled_klager(user), Period(fra, til))

    def pct(share: float | None) -> int | None:
        return round(share * 100) if share is not None else None

    return render(
        request,
        "quality/klage_tall.html",
        {
            "errors": errors,
            "fra": fra,
            "til": til,
            "f": f,
            "answered_pct": pct(f.answered.share),
            "in_time_pct": pct(f.in_time.share),
            "received_link": _rows_link(list(f.received)),
            "answered_link": _rows_link(list(f.answered.yes_ids)),
            "unanswered_link": _rows_link(list(f.answered.no_ids)),
            "in_time_link": _rows_link(list(f.in_time.yes_ids)),
            "not_in_time_link": _rows_link(list(f.in_time.no_ids)),
            "in_time_all_link": _rows_link(list(f.in_time.ids)),
            "open_late_link": _rows_link(list(f.open_late)),
            "svarfrist_maneder": rules.SVARFRIST_MANEDER,
        },
    )


urlpatterns = [
    path("klager/", klage_liste, name="klage_liste"),
    path("klager/ny/", klage_ny, name="klage_ny"),
    path("klager/tall/", klage_tall, name="klage_tall"),
    path("klager/<int:tjenesteklage_id>/", klage_detalj, name="klage_detalj"),
]


# --- extension points (wired by the app's ready(); see the notes) ---------------------------------------


def person_klager(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> dict[str, Any]:
    """The person page's panel: the person's service complaints (status only) and «Registrer klage»."""
    user = acting_user(request)
    return {
        "person_id": person.pk,
        "klager": Tjenesteklage.objects.filter(tjenestemottaker=person).select_related("enhet")[:20],
        "may_register": services.may_register(user),
    }


def open_count(user: Any) -> int:
    """Complaints the user handles that are not answered yet (shown on «Kvalitet»)."""
    if not getattr(user, "is_staff_user", False) or not services.is_handler(user):
        return 0
    return services.handled_klager(user).exclude(status=Tjenesteklage.Status.BESVART).count()


def register() -> None:
    register_person_panel("quality/klage_panel.html", person_klager, order=60)
