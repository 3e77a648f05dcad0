"""The planning board: a team's day as one timeline per staff member, the visits without anyone, a map.

Issue 5, point 3. The planner (a nurse or leader of the team) drags a visit to another person or
time; the move is checked at once against every hard rule (:func:`helhet.care.planner.flytt`) and
refused with the reason, or saved in the draft. «Optimaliser» queues the optimiser as a background
job (:mod:`helhet.care.tasks`) whose progress the page follows; its plan goes into the draft with
the figures before and after. «Publiser» copies the draft into the visits: that is what each
person's «Min dag» shows. «Meld syk» on a shift marks it and queues a re-plan that changes as few
assignments as possible.

Dragging is an enhancement (``static/care/planning.js``): every visit also has a plain form (person
and time) that works with the keyboard and without JavaScript (WCAG 2.1: 2.1.1; 2.5.7 in 2.2).
The map is drawn here as SVG from the coordinates: no map tiles, so no addresses leave the system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from helhet.care import planner
from helhet.care.models import Besok, Dagsplan, Planlegging, Vakt
from helhet.care.views_visits import team_members
from helhet.core import audit
from helhet.core.extensions import register_nav_item
from helhet.core.guards import acting_user, no_person_data, person_list_view
from helhet.core.models import AuditAction, Team, User

#: Colours for the staff's routes (distinguishable, dark enough for white text; the name is always written too).
PALETTE = (
    "#1f5fa8", "#b34700", "#2e7d32", "#8e24aa", "#c62828", "#00695c",
    "#5d4037", "#ad1457", "#283593", "#6d6d00", "#00838f", "#4e342e",
)  # fmt: skip

TIME_LIMITS = (5, 20, 60)


def _day_from(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        return timezone.localdate()


def _time_from(raw: str) -> int | None:
    """«08:30» (or minutes) → minutes after midnight; empty → None; nonsense → ValidationError."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return int(raw)
    try:
        t = dt.time.fromisoformat(raw)
    except ValueError:
        raise ValidationError("Klokkeslettet må skrives som TT:MM, for eksempel 08:30.") from None
    return t.hour * 60 + t.minute


def _board_url(team: Team, day: dt.date) -> str:
    return f"{reverse('care:planlegging')}?team={team.pk}&dato={day.isoformat()}"


@dataclass
class Block:
    """A visit on a staff member's timeline."""

    besok: Besok
    label: str
    start: int
    end: int
    late: bool
    familiar: bool
    left: float = 0.0
    width: float = 0.0

    @property
    def window(self) -> str:
        return f"{timezone.localtime(self.besok.vindu_start):%H:%M}–{timezone.localtime(self.besok.vindu_slutt):%H:%M}"

    @property
    def clock(self) -> str:
        return f"{planner.clock(self.start)}–{planner.clock(self.end)}"


@dataclass
class Lane:
    vakt: Vakt
    colour: str
    skills: str
    blocks: list[Block] = field(default_factory=list)
    shift_left: float = 0.0
    shift_width: float = 0.0

    @property
    def sick(self) -> bool:
        return self.vakt.status == Vakt.Status.SYK

    @property
    def minutes(self) -> int:
        return sum(b.end - b.start for b in self.blocks)


@dataclass
class Loose:
    besok: Besok
    label: str
    reason: str


SKILL_SHORT = {"sykepleier": "Sykepleier", "legemiddel": "Legemidler", "helsefaglig": "Helsefaglig", "ingen": ""}


def _board(day: planner.Day, plan: Dagsplan) -> dict[str, Any]:
    timed = day.timed(plan.utkast)
    evaluation = day.evaluation(timed)
    on_duty = {s.ansatt_id for s in day.on_duty}
    starts = [planner.minutes_of(s.start, day.day) for s in day.shifts] + [
        planner.minutes_of(b.vindu_start, day.day) for b in day.visits
    ]
    ends = [planner.minutes_of(s.slutt, day.day) for s in day.shifts] + [
        planner.minutes_of(b.vindu_slutt, day.day) + b.varighet_min for b in day.visits
    ]
    axis_start = (min(starts, default=7 * 60) // 60) * 60
    axis_end = max(axis_start + 60, -(-max(ends, default=22 * 60) // 60) * 60)
    for entry in timed.values():
        if entry.get("start") is not None:
            axis_end = max(axis_end, -(-(entry["start"] + 60) // 60) * 60)
    span = axis_end - axis_start

    def pct(m: float) -> float:
        return round(100 * (m - axis_start) / span, 3)

    lanes: list[Lane] = []
    lane_of: dict[int, Lane] = {}
    for i, vakt in enumerate(day.shifts):
        skills = sorted(day.skills.get(vakt.ansatt_id, frozenset()) - {"ingen"})
        lane = Lane(
            vakt=vakt,
            colour=PALETTE[i % len(PALETTE)],
            skills=", ".join(SKILL_SHORT.get(s, s) for s in skills) or "Ingen særskilt",
            shift_left=pct(planner.minutes_of(vakt.start, day.day)),
            shift_width=round(100 * (vakt.slutt - vakt.start).total_seconds() / 60 / span, 3),
        )
        lanes.append(lane)
        lane_of[vakt.ansatt_id] = lane
    loose: list[Loose] = []
    for b in day.visits:
        entry = timed.get(str(b.pk)) or {}
        who = entry.get("ansatt")
        if who in on_duty and entry.get("start") is not None:
            start = int(entry["start"])
            block = Block(
                besok=b,
                label=day.person_label(b),
                start=start,
                end=start + b.varighet_min,
                late=start > planner.minutes_of(b.vindu_slutt, day.day),
                familiar=str(b.tjenestemottaker_id) in day.familiar.get(who, set()),
            )
            block.left, block.width = pct(block.start), round(100 * b.varighet_min / span, 3)
            lane_of[who].blocks.append(block)
        else:
            reason = entry.get("grunn") or (
                f"{day.staff_label(who)} er meldt syk." if who is not None else "Ikke tildelt."
            )
            loose.append(Loose(b, day.person_label(b), reason))
    for lane in lanes:
        lane.blocks.sort(key=lambda blk: blk.start)
    hours = [(pct(m), planner.clock(m)) for m in range(axis_start, axis_end + 1, 60)]
    return {
        "lanes": lanes,
        "loose": loose,
        "hours": hours,
        "axis_start": axis_start,
        "axis_end": axis_end,
        "faults": [day.describe(f) for f in evaluation.faults],
        "figures": planner.figures(day, timed),
        "map": _map(day, timed, lane_of),
    }


def _map(day: planner.Day, timed: dict[str, Any], lane_of: dict[int, Lane]) -> dict[str, Any]:
    """The day's places and routes as SVG coordinates (equirectangular, fine at a district's scale)."""
    width, height, pad = 640.0, 420.0, 24.0
    if len(day.places) < 2:
        return {}
    lats = [p[0] for p in day.places]
    lons = [p[1] for p in day.places]
    import math

    kx = math.cos(math.radians(sum(lats) / len(lats)))
    min_x, max_x = min(lons) * kx, max(lons) * kx
    min_y, max_y = min(lats), max(lats)
    scale = min((width - 2 * pad) / max(max_x - min_x, 1e-6), (height - 2 * pad) / max(max_y - min_y, 1e-6))

    def xy(i: int) -> tuple[float, float]:
        lat, lon = day.places[i]
        return round(pad + (lon * kx - min_x) * scale, 1), round(height - pad - (lat - min_y) * scale, 1)

    routes = []
    for _who, lane in lane_of.items():
        if lane.sick or not lane.blocks:
            continue
        points = [xy(0)] + [xy(day.place_of[str(b.besok.tjenestemottaker_id)]) for b in lane.blocks] + [xy(0)]
        line = " ".join(f"{x},{y}" for x, y in points)
        routes.append({"colour": lane.colour, "name": str(lane.vakt.ansatt), "points": line})
    seen: set[int] = set()
    stops = []
    for b in day.visits:
        i = day.place_of[str(b.tjenestemottaker_id)]
        if i in seen or i == 0:
            continue
        seen.add(i)
        x, y = xy(i)
        stops.append({"x": x, "y": y, "label": day.person_label(b)})
    bx, by = xy(0)
    return {"width": width, "height": height, "routes": routes, "stops": stops, "base": {"x": bx - 7, "y": by - 7}}


# --- the board ---------------------------------------------------------------------------------------------


@require_GET
@person_list_view
def planlegging(request: HttpRequest) -> HttpResponse:
    """The planning board for a team and a day."""
    user = acting_user(request)
    teams = planner.planner_teams(user)
    if not teams:
        raise PermissionDenied("Planleggingen er for sykepleiere og ledere i et team.")
    day = _day_from(request.GET.get("dato", ""))
    team = next((t for t in teams if str(t.pk) == request.GET.get("team", "")), teams[0])
    loaded = planner.load_day(team, day, user)
    plan = planner.dagsplan(team, day, user, loaded)
    board = _board(loaded, plan)
    shown = {
        b.tjenestemottaker_id: b.tjenestemottaker for b in loaded.visits if b.tjenestemottaker_id in loaded.visible
    }
    audit.record_list(
        user=user,
        action=AuditAction.READ,
        persons=sorted(shown.values(), key=lambda p: str(p.pk)),
        details={"visning": "planlegging", "dato": day.isoformat(), "team": team.pk},
    )
    job = plan.planlegginger.select_related("bestilt_av").first()
    members = team_members([team.pk], day)
    return render(
        request,
        "care/planlegging.html",
        {
            **board,
            "team": team,
            "teams": teams,
            "day": day,
            "today": timezone.localdate(),
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "plan": plan,
            "job": job,
            "time_limits": TIME_LIMITS,
            "without_shift": [(m, role) for m, role in members if m.pk not in loaded.staff_ids],
        },
    )


def _plan_for(request: HttpRequest, dagsplan_id: int) -> tuple[User, Dagsplan]:
    user = acting_user(request)
    plan = get_object_or_404(Dagsplan.objects.select_related("team__enhet"), pk=dagsplan_id)
    if not any(t.pk == plan.team_id for t in planner.planner_teams(user)):
        raise PermissionDenied("Bare sykepleiere og ledere for teamet kan planlegge teamets dag.")
    return user, plan


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@person_list_view
def flytt(request: HttpRequest, dagsplan_id: int) -> HttpResponse:
    """One move on the board (drag and drop, or the form). JSON for the script, redirect for the form."""
    user, plan = _plan_for(request, dagsplan_id)
    back = _board_url(plan.team, plan.dato)
    try:
        besok_id = int(request.POST.get("besok", ""))
        raw_staff = request.POST.get("ansatt", "").strip()
        ansatt_id = int(raw_staff) if raw_staff else None
        start = _time_from(request.POST.get("start", ""))
        raw_version = request.POST.get("versjon", "").strip()
        versjon = int(raw_version) if raw_version else None
        result = planner.flytt(
            utfort_av=user, plan=plan, besok_id=besok_id, ansatt_id=ansatt_id, start=start, versjon=versjon
        )
        ok, reasons, warnings = result.ok, result.reasons, result.warnings
        version = result.plan.versjon
    except ValueError:
        reasons = ["Flyttingen manglet besøk eller ansatt. Last siden på nytt."]
        ok, warnings, version = False, [], plan.versjon
    except ValidationError as exc:
        ok, reasons, warnings, version = False, list(exc.messages), [], plan.versjon
    if _wants_json(request):
        return JsonResponse({"ok": ok, "reasons": reasons, "warnings": warnings, "versjon": version})
    if ok:
        messages.success(request, " ".join(["Besøket er flyttet i utkastet.", *warnings]))
    else:
        messages.error(request, "Flyttingen ble avvist: " + " ".join(reasons))
    return redirect(back)


def _carry_out(request: HttpRequest, back: str, work: Callable[[], str]) -> HttpResponse:
    """Run one board action: its confirmation, or its Norwegian refusal, as a message on the board."""
    try:
        messages.success(request, work())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ValueError:
        messages.error(request, "Skjemaet inneholdt en ugyldig verdi. Last siden på nytt og prøv igjen.")
    return redirect(back)


@require_POST
@no_person_data
def optimaliser(request: HttpRequest, dagsplan_id: int) -> HttpResponse:
    user, plan = _plan_for(request, dagsplan_id)

    def work() -> str:
        limit = int(request.POST.get("tidsgrense", "20") or 0)
        kontinuitet = request.POST.get("kontinuitet") == "on"
        planner.bestill(utfort_av=user, plan=plan, tidsgrense=limit, kontinuitet=kontinuitet)
        return "Planleggeren er i gang. Du kan følge fremdriften her."

    return _carry_out(request, _board_url(plan.team, plan.dato), work)


@require_POST
@no_person_data
def publiser(request: HttpRequest, dagsplan_id: int) -> HttpResponse:
    user, plan = _plan_for(request, dagsplan_id)

    def work() -> str:
        raw = request.POST.get("versjon", "").strip()
        changed = planner.publiser(utfort_av=user, plan=plan, versjon=int(raw) if raw else None)
        return f"Planen er publisert: {changed} besøk endret. De ansatte ser den i «Min dag»."

    return _carry_out(request, _board_url(plan.team, plan.dato), work)


@require_POST
@no_person_data
def bruk(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Planlegging.objects.select_related("dagsplan__team"), pk=job_id)
    user, plan = _plan_for(request, job.dagsplan_id)

    def work() -> str:
        planner.bruk_resultat(utfort_av=user, job=job)
        return "Planleggerens forslag er lagt inn i utkastet."

    return _carry_out(request, _board_url(plan.team, plan.dato), work)


@require_GET
@no_person_data
def jobb(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's progress (polled by the board) and, when done, its figures before and after."""
    job = get_object_or_404(Planlegging.objects.select_related("dagsplan__team", "bestilt_av"), pk=job_id)
    _plan_for(request, job.dagsplan_id)
    return render(request, "care/_planlegging_jobb.html", {"job": job, "plan": job.dagsplan, "polled": True})


@require_POST
@no_person_data
def meld_syk(request: HttpRequest, vakt_id: int) -> HttpResponse:
    vakt = get_object_or_404(Vakt.objects.select_related("team", "ansatt"), pk=vakt_id)
    user = acting_user(request)

    def work() -> str:
        planner.meld_syk(utfort_av=user, vakt=vakt)
        return (
            f"{vakt.ansatt} er meldt syk. Planleggeren lager en ny plan som endrer så lite som mulig; "
            "se over og publiser."
        )

    return _carry_out(request, _board_url(vakt.team, vakt.dato), work)


@require_POST
@no_person_data
def vakt(request: HttpRequest, team_id: int) -> HttpResponse:
    """Add or change a shift for a team member on the day."""
    user = acting_user(request)
    team = get_object_or_404(Team.objects.select_related("enhet__leverandor"), pk=team_id)
    day = _day_from(request.POST.get("dato", ""))

    def work() -> str:
        ansatt = User.objects.filter(pk=int(request.POST.get("ansatt", "0") or 0)).first()
        start, slutt = _time_from(request.POST.get("start", "")), _time_from(request.POST.get("slutt", ""))
        if ansatt is None or start is None or slutt is None:
            raise ValidationError("Velg ansatt og skriv når vakten starter og slutter.")
        planner.lagre_vakt(
            utfort_av=user,
            team=team,
            ansatt=ansatt,
            day=day,
            start=dt.time(start // 60 % 24, start % 60),
            slutt=dt.time(slutt // 60 % 24, slutt % 60),
        )
        return f"Vakten til {ansatt} er lagret."

    return _carry_out(request, _board_url(team, day), work)


urlpatterns = [
    path("planlegging/", planlegging, name="planlegging"),
    path("planlegging/<int:dagsplan_id>/flytt/", flytt, name="planlegging_flytt"),
    path("planlegging/<int:dagsplan_id>/optimaliser/", optimaliser, name="planlegging_optimaliser"),
    path("planlegging/<int:dagsplan_id>/publiser/", publiser, name="planlegging_publiser"),
    path("planlegging/jobb/<int:job_id>/", jobb, name="planlegging_jobb"),
    path("planlegging/jobb/<int:job_id>/bruk/", bruk, name="planlegging_bruk"),
    path("planlegging/vakt/<int:vakt_id>/syk/", meld_syk, name="planlegging_syk"),
    path("planlegging/team/<int:team_id>/vakt/", vakt, name="planlegging_vakt"),
]


def register() -> None:
    register_nav_item("Planlegging", "care:planlegging", planner.PLANNER_ROLES, order=7)
