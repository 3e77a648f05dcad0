"""What provider delivery adds to the person page and the menu (through core's extension points).

The person page is already behind the access check and audited; the panel shows the person's
tiltaksplaner, primærkontakt and team, individual plan and open flags, with links to the screens
that check again (and audit) when opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from helhet.care import services
from helhet.care.models import IndividuellPlan, Journalnotat, Tiltaksplan, open_flags_q
from helhet.core.access import Decision
from helhet.core.extensions import register_nav_item, register_person_panel
from helhet.core.models import Role, Tjenestemottaker, TjenestemottakerTeam, User

FLAG_ROLES = frozenset({Role.SYKEPLEIER, Role.LEDER})


@dataclass(frozen=True)
class PlanRow:
    plan: Tiltaksplan
    active_tiltak: int
    open_goals: int
    flagged: int


def may_change_plans(user: User, decision: Decision) -> set[int]:
    """Providers where ``user`` may change plans, when the decision is a ground (not nødtilgang, which reads only)."""
    if decision.ground is None:
        return set()
    return services.provider_ids(user, services.PLAN_ROLES)


def may_edit_ip(user: User, decision: Decision) -> bool:
    if decision.ground is None:
        return False
    return bool(services.provider_ids(user, services.PLAN_ROLES)) or user.has_role(Role.SAKSBEHANDLER)


def person_care(request: HttpRequest, person: Tjenestemottaker, decision: Decision) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    rows = []
    for plan in person.tiltaksplaner.select_related("leverandor", "team", "endret_av").order_by("leverandor__navn"):
        tiltak = [t for t in plan.tiltak.all() if t.gyldig_til is None or t.gyldig_til >= today]
        rows.append(
            PlanRow(
                plan=plan,
                active_tiltak=len(tiltak),
                open_goals=plan.mal.filter(avsluttet__isnull=True).count(),
                flagged=len(services.plan_flagg(plan)),
            )
        )
    editable = may_change_plans(user, decision)
    flags = list(Journalnotat.objects.filter(open_flags_q(), tjenestemottaker=person).order_by("-signert")[:5])
    return {
        "plans": rows,
        "may_create_plan": bool(editable - {row.plan.leverandor_id for row in rows}),
        "teams": TjenestemottakerTeam.objects.filter(TjenestemottakerTeam.active_q(today), tjenestemottaker=person)
        .select_related("team__enhet__leverandor")
        .order_by("team__navn"),
        "ip": IndividuellPlan.objects.filter(tjenestemottaker=person).select_related("koordinator").first(),
        "may_edit_ip": may_edit_ip(user, decision),
        "flags": flags,
        "flag_count": Journalnotat.objects.filter(open_flags_q(), tjenestemottaker=person).count(),
    }


def open_flag_count(user: Any) -> int:
    """Open flags the user would see under «Flagg» (the same query, counted)."""
    from helhet.care.views_journal import visible_open_flags

    return int(visible_open_flags(user).count())


def register() -> None:
    register_person_panel("care/_person_care.html", person_care, order=20)
    register_nav_item("Flagg", "care:flagg", FLAG_ROLES, order=35, count=open_flag_count)
