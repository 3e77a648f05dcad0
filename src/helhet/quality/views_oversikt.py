"""«Kvalitet»: the quality system's front page for meldingsansvarlig, leder and kvalitetsleder, and
«Mine tiltak» for everyone who owns a measure (after an avvik or an audit).

The front page is one place to start from instead of a menu entry per area: each area with what
waits there for this user (counts only, never content or person data) and where it opens. The menu
keeps what people use daily: «Meld avvik», «Avvik», «Rutiner», and entries that appear only when
there is something for the user («Rutiner jeg må lese», «Mine tiltak», «Undersøkelser», «Varsling»).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from helhet.core.extensions import register_nav_item
from helhet.core.guards import acting_user, no_person_data
from helhet.core.models import Role, User
from helhet.quality import services, services_dokumenter, services_undersokelser, services_varsling, views_klager
from helhet.quality.models import Avvik, AvvikTiltak, KorrigerendeTiltak
from helhet.quality.web import int_or_none

NAV_ROLES = frozenset({Role.LEDER, Role.MELDINGSANSVARLIG, Role.KVALITETSLEDER})


def _open_avvik_measures(user: Any) -> Any:
    return (
        AvvikTiltak.objects.filter(ansvarlig=user, utfort__isnull=True, ikke_gjennomfort_grunn="")
        .exclude(avvik__status=Avvik.Status.LUKKET)
        .select_related("avvik__kategori", "avvik__enhet")
        .order_by("frist", "pk")
    )


def own_open_measures(user: Any) -> int:
    """Open measures the user owns: after avvik and after audits (the count in the menu)."""
    if not getattr(user, "is_staff_user", False):
        return 0
    return (
        _open_avvik_measures(user).count()
        + KorrigerendeTiltak.objects.filter(ansvarlig=user, utfort__isnull=True).count()
    )


@no_person_data
def oversikt(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not (user.roles() & NAV_ROLES):
        return render(request, "quality/ingen_tilgang.html", status=403)
    handled = services.handled_avvik(user)
    today = timezone.localdate()
    overdue = AvvikTiltak.objects.filter(
        avvik__in=handled.values("pk"), utfort__isnull=True, ikke_gjennomfort_grunn="", frist__lt=today
    ).count()
    context = {
        "avvik_waiting": handled.filter(status=Avvik.Status.REGISTRERT).count(),
        "avvik_open": handled.exclude(status=Avvik.Status.LUKKET).count(),
        "avvik_overdue": overdue,
        "klager_open": views_klager.open_count(user),
        "must_read": services_dokumenter.must_read_count(user),
        "own_measures": own_open_measures(user),
        "may_survey": services_undersokelser.may_manage_any(user),
        "is_recipient": services_varsling.is_recipient(user),
        "may_name_recipients": bool(services_varsling.managed_leverandorer(user)),
    }
    return render(request, "quality/oversikt.html", context)


@no_person_data
def mine_tiltak(request: HttpRequest) -> HttpResponse:
    """«Mine tiltak»: the measures after avvik the user owns (marked done here) and a link to those after audits."""
    user = acting_user(request)
    if request.method == "POST":
        measure = get_object_or_404(
            AvvikTiltak.objects.select_related("avvik"), pk=int_or_none(request.POST.get("tiltak")) or 0, ansvarlig=user
        )
        try:
            services.complete_measure(user, measure)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Tiltaket er merket som utført. Meldingsansvarlig ser det på avviket.")
        return redirect("quality:mine_tiltak")
    rows = list(_open_avvik_measures(user))
    audit_open = KorrigerendeTiltak.objects.filter(ansvarlig=user, utfort__isnull=True).count()
    return render(
        request,
        "quality/mine_tiltak.html",
        {"rows": rows, "audit_open": audit_open, "today": timezone.localdate()},
    )


urlpatterns = [
    path("", oversikt, name="oversikt"),
    path("mine-tiltak/", mine_tiltak, name="mine_tiltak"),
]


def _has_open_survey(user: User) -> bool:
    if not getattr(user, "is_staff_user", False):
        return False
    if services_undersokelser.may_manage_any(user):
        return True
    return any(not answered for _, answered in services_undersokelser.open_staff_rounds(user))


def register() -> None:
    register_nav_item("Kvalitet", "quality:oversikt", NAV_ROLES, order=82)
    register_nav_item(
        "Mine tiltak",
        "quality:mine_tiltak",
        frozenset(),
        order=86,
        count=own_open_measures,
        only_when_counted=True,
    )
    register_nav_item("Undersøkelser", "quality:undersokelse_liste", frozenset(), order=87, visible=_has_open_survey)
