"""The visit planner in the product: a team's day as a planning problem, the draft plan, publishing.

Issue 5, point 3. The engine (:mod:`helhet.planning`, pure Python) knows nothing of Django; this
module turns a team's day into a :class:`~helhet.planning.model.Problem` and back:

- **visits**: the team's open visits of the day (planned, not started), their agreed window (the
  start may be anywhere in it; after it is late — a soft cost), duration and required competence;
- **staff**: the care staff with a shift (:class:`~helhet.care.models.Vakt`) that day, their
  competence (role and authorisation, :mod:`helhet.care.rules.kompetanse`) and the persons they know
  (primærkontakt, the tiltak's fixed staff member, and whom they visited in the last 14 days);
- **travel**: minutes between the team's base and the persons' addresses, from the coordinates by the
  configured provider (``HELHET_PLANNER_TRAVEL``: haversine with a road factor, or OSRM) and the
  team's travel mode.

Times are minutes after midnight (local wall-clock time) of the day. The draft
(:class:`~helhet.care.models.Dagsplan`) maps each visit to a staff member and a start; the board
edits it move by move, each move checked against every hard rule by the engine's one validator
(:func:`helhet.planning.evaluate.evaluate`); the optimiser runs as a background job and writes its
plan into the draft; publishing copies the draft into the visits, which is what «Min dag» shows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from helhet.care.models import Besok, Dagsplan, Planlegging, Tiltak, Vakt
from helhet.care.rules import kompetanse
from helhet.care.services import competence_map, provider_ids, teams_of
from helhet.core import audit
from helhet.core.models import AuditAction, Role, Team, Tjenestemottaker, User
from helhet.planning import travel as travel_mod
from helhet.planning.evaluate import Evaluation, Fault, describe_no, evaluate
from helhet.planning.model import Problem, Route, Solution, Staff, Stop, Unassigned, Visit, Weights

#: Who plans a team's day: its nurses, and leaders of the team, its unit or the provider.
PLANNER_ROLES = frozenset({Role.SYKEPLEIER, Role.LEDER})
#: «Recently visited» for continuity: the last two weeks (the kontinuitet figure's period, issue 4).
FAMILIAR_DAYS = 14
#: A visit planned to start less than this before its window closes is a punctuality risk.
RISK_MARGIN_MIN = 10
#: Moves on the board snap to this many minutes.
SNAP_MIN = 5

# Weights of the soft terms (all in «minutes of travel» as the common unit): a minute late costs
# three minutes of travel; a new face for the person costs half an hour; a changed assignment when
# re-planning after a sick call costs an hour, so the re-plan moves only what it must.
W_TRAVEL = 1.0
W_TARDINESS = 3.0
W_MAX_TARDINESS = 1.0
W_NEW_FACE = 30.0
W_CHANGE = 60.0

BASE = "base"


class PlanningError(ValidationError):
    """A planning action refused, with the Norwegian reason(s)."""


# --- the day -----------------------------------------------------------------------------------------------


def minutes_of(value: dt.datetime, day: dt.date) -> int:
    """Local wall-clock minutes after midnight of ``day`` (a later day counts on: 1500 = 01:00 the next day)."""
    local = timezone.localtime(value)
    return (local.date() - day).days * 1440 + local.hour * 60 + local.minute


def at_minutes(day: dt.date, minutes: float) -> dt.datetime:
    """The aware datetime ``minutes`` after local midnight of ``day``."""
    whole = round(minutes)
    naive = dt.datetime.combine(day + dt.timedelta(days=whole // 1440), dt.time(0)) + dt.timedelta(minutes=whole % 1440)
    return timezone.make_aware(naive)


def clock(minutes: float) -> str:
    whole = round(minutes)
    return f"{(whole // 60) % 24:02d}:{whole % 60:02d}"


@dataclass
class Day:
    """Everything the planner needs about one team's day, loaded once."""

    team: Team
    day: dt.date
    visits: list[Besok]
    shifts: list[Vakt]
    skills: dict[int, frozenset[str]]
    familiar: dict[int, set[str]]  # user id -> person ids (as strings) they know
    history: dict[str, set[int]]  # person id -> staff who visited them in the last 14 days
    primaerkontakt: dict[str, int | None]
    places: list[tuple[float, float]]
    place_of: dict[str, int]  # person id -> index in places (0 is the team's base)
    travel: tuple[tuple[float, ...], ...]
    visible: set[Any] = field(default_factory=set)

    @property
    def staff_ids(self) -> set[int]:
        return {s.ansatt_id for s in self.shifts}

    @property
    def sick(self) -> list[Vakt]:
        return [s for s in self.shifts if s.status == Vakt.Status.SYK]

    @property
    def on_duty(self) -> list[Vakt]:
        return [s for s in self.shifts if s.status == Vakt.Status.PLANLAGT]

    def visit(self, besok_id: int) -> Besok | None:
        return next((b for b in self.visits if b.pk == besok_id), None)

    def person_label(self, besok: Besok) -> str:
        if besok.tjenestemottaker_id in self.visible:
            p = besok.tjenestemottaker
            return f"{p.fornavn} {p.etternavn}"
        return f"skjermet person (besøk {besok.pk})"

    def staff_label(self, user_id: int | str) -> str:
        for s in self.shifts:
            if str(s.ansatt_id) == str(user_id):
                return str(s.ansatt)
        user = User.objects.filter(pk=user_id).first() if str(user_id).isdigit() else None
        return str(user) if user else "ukjent ansatt"

    # -- the engine's problem --------------------------------------------------------------------------

    def problem(self, *, continuity: bool = True, current: dict[str, Any] | None = None) -> Problem:
        """The day as a planning problem for the staff on duty (``current``: the plan being changed)."""
        visits = tuple(
            Visit(
                id=str(b.pk),
                location=self.place_of[str(b.tjenestemottaker_id)],
                earliest=minutes_of(b.vindu_start, self.day),
                latest=minutes_of(b.vindu_slutt, self.day),
                duration=b.varighet_min,
                skill=b.kompetanse or kompetanse.Kompetanse.INGEN.value,
                person=str(b.tjenestemottaker_id),
                current_staff=str((current or {}).get(str(b.pk), {}).get("ansatt") or ""),
            )
            for b in self.visits
        )
        staff = tuple(
            Staff(
                id=str(s.ansatt_id),
                skills=self.skills.get(s.ansatt_id, frozenset({kompetanse.Kompetanse.INGEN.value})),
                start_location=0,
                end_location=0,
                shift_start=minutes_of(s.start, self.day),
                shift_end=minutes_of(s.slutt, self.day),
                # nobody known yet: every visit is a new face (the engine skips staff with an empty set)
                familiar=frozenset(self.familiar.get(s.ansatt_id, set())) or frozenset({"-"}),
            )
            for s in self.on_duty
        )
        weights = Weights(
            travel=W_TRAVEL,
            tardiness=W_TARDINESS,
            max_tardiness=W_MAX_TARDINESS,
            new_face=W_NEW_FACE if continuity else 0.0,
            change=W_CHANGE if current is not None else 0.0,
        )
        return Problem(
            name=f"{self.team.navn} {self.day.isoformat()}",
            visits=visits,
            staff=staff,
            travel=self.travel,
            weights=weights,
        )

    # -- draft <-> solution -----------------------------------------------------------------------------

    def solution(self, draft: dict[str, Any]) -> Solution:
        """The draft as the engine's solution: each staff member's visits in the order of their start.

        A visit given to someone not on duty (no shift, or called in sick) is unassigned with that
        reason, so the board shows it as needing a new person.
        """
        on_duty = {s.ansatt_id for s in self.on_duty}
        routes: dict[int, list[Stop]] = defaultdict(list)
        unassigned: list[Unassigned] = []
        for b in self.visits:
            entry = draft.get(str(b.pk)) or {}
            who, start = entry.get("ansatt"), entry.get("start")
            if who is None or start is None:
                unassigned.append(Unassigned(str(b.pk), "Ikke tildelt."))
            elif who not in on_duty:
                unassigned.append(Unassigned(str(b.pk), f"{self.staff_label(who)} er ikke på vakt."))
            else:
                routes[who].append(Stop(str(b.pk), float(start), float(start) + b.varighet_min))
        return Solution(
            routes=tuple(
                Route(str(who), tuple(sorted(stops, key=lambda s: (s.start, s.visit))))
                for who, stops in sorted(routes.items())
            ),
            unassigned=tuple(unassigned),
        )

    @staticmethod
    def draft_of(solution: Solution) -> dict[str, Any]:
        draft: dict[str, Any] = {}
        for route in solution.routes:
            for stop in route.stops:
                draft[stop.visit] = {"ansatt": int(route.staff), "start": round(stop.start)}
        for u in solution.unassigned:
            draft[u.visit] = {"ansatt": None, "start": None, "grunn": u.reason}
        return draft

    def timed(self, draft: dict[str, Any], requested: dict[str, float] | None = None) -> dict[str, Any]:
        """The draft with every assigned visit given a start: in each staff member's order (by the
        requested or current start, else the window), each visit starts at the requested time or as
        soon as the staff member can be there and the window has opened, whichever is later."""
        requested = requested or {}
        problem = self.problem(continuity=False)
        by_id = {v.id: v for v in problem.visits}
        shifts = {s.id: s for s in problem.staff}
        out = {k: dict(v) for k, v in draft.items()}
        groups: dict[Any, list[str]] = defaultdict(list)
        for vid, entry in out.items():
            if vid in by_id and entry.get("ansatt") is not None:
                groups[entry["ansatt"]].append(vid)
        for who, vids in groups.items():
            member = shifts.get(str(who))
            if member is None:
                continue

            def wanted(vid: str) -> float:
                if vid in requested:
                    return requested[vid]
                start = out[vid].get("start")
                return float(start) if start is not None else by_id[vid].earliest

            here, now = member.start_location, member.shift_start
            for vid in sorted(vids, key=lambda v: (wanted(v), v in requested, v)):
                visit = by_id[vid]
                arrive = now + problem.travel[here][visit.location]
                # a requested start is kept as asked (so a start before the window is reported, not moved);
                # others keep their start unless the staff member cannot be there by then (then later)
                floor = arrive if vid in requested else max(arrive, visit.earliest)
                start = max(floor, wanted(vid))
                out[vid]["start"] = math.ceil(start - 1e-9)
                out[vid].pop("grunn", None)
                here, now = visit.location, out[vid]["start"] + visit.duration
        return out

    def evaluation(self, draft: dict[str, Any], *, continuity: bool = True) -> Evaluation:
        return evaluate(self.problem(continuity=continuity), self.solution(draft))

    def describe(self, fault: Fault) -> str:
        def visit_label(vid: str) -> str:  # describe_no says «besøket hos …» itself
            b = self.visit(int(vid)) if vid.isdigit() else None
            return self.person_label(b) if b else vid

        return describe_no(fault, visit_label, self.staff_label, clock)


def load_day(team: Team, day: dt.date, user: User | None = None) -> Day:
    """Load a team's day. ``user``: whose access decides which names are shown (others are «skjermet»)."""
    from helhet.core import access

    visits = list(
        Besok.objects.filter(team=team, dato=day, status=Besok.Status.PLANLAGT)
        .select_related("tjenestemottaker", "tiltak", "ansatt")
        .order_by("vindu_start", "pk")
    )
    shifts = list(Vakt.objects.filter(team=team, dato=day).select_related("ansatt").order_by("start", "pk"))
    staff_ids = {s.ansatt_id for s in shifts}
    skills = competence_map(staff_ids, day)
    person_ids = {b.tjenestemottaker_id for b in visits}
    persons = {p.pk: p for p in Tjenestemottaker.objects.filter(pk__in=person_ids)}
    since = day - dt.timedelta(days=FAMILIAR_DAYS)
    history: dict[str, set[int]] = defaultdict(set)
    rows = (
        Besok.objects.filter(tjenestemottaker_id__in=person_ids, dato__gte=since, dato__lt=day)
        .exclude(status__in=(Besok.Status.AVLYST, Besok.Status.IKKE_UTFORT))
        .values_list("tjenestemottaker_id", "utfort_av_id", "ansatt_id")
    )
    for person_id, utfort_av, ansatt in rows:
        who = utfort_av or ansatt
        if who:
            history[str(person_id)].add(who)
    familiar: dict[int, set[str]] = defaultdict(set)
    primaer: dict[str, int | None] = {}
    for pid, p in persons.items():
        primaer[str(pid)] = p.primaerkontakt_id
        if p.primaerkontakt_id:
            familiar[p.primaerkontakt_id].add(str(pid))
        for who in history.get(str(pid), ()):
            familiar[who].add(str(pid))
    for t in Tiltak.objects.filter(besok__in=visits, fast_ansatt__isnull=False).values_list(
        "fast_ansatt_id", "plan__tjenestemottaker_id"
    ):
        familiar[t[0]].add(str(t[1]))
    places, place_of = _places(team, persons.values())
    provider = travel_mod.provider_from_setting(getattr(settings, "HELHET_PLANNER_TRAVEL", "haversine"))
    matrix = provider.matrix(places, team.reisemate or "bil")
    visible: set[Any] = set()
    if user is not None and person_ids:
        visible = set(access.visible_persons(user).filter(pk__in=person_ids).values_list("pk", flat=True))
    return Day(
        team=team,
        day=day,
        visits=visits,
        shifts=shifts,
        skills=skills,
        familiar=dict(familiar),
        history=dict(history),
        primaerkontakt=primaer,
        places=places,
        place_of=place_of,
        travel=matrix,
        visible=visible,
    )


def _places(team: Team, persons: Iterable[Tjenestemottaker]) -> tuple[list[tuple[float, float]], dict[str, int]]:
    """The base first, then one place per person; a person without coordinates is placed at the base
    (travel 0: the plan is then optimistic for them — the board says so)."""
    coords = {
        str(p.pk): (float(p.breddegrad), float(p.lengdegrad))
        for p in persons
        if p.breddegrad is not None and p.lengdegrad is not None
    }
    if team.base_breddegrad is not None and team.base_lengdegrad is not None:
        base = (float(team.base_breddegrad), float(team.base_lengdegrad))
    elif coords:
        base = (
            sum(c[0] for c in coords.values()) / len(coords),
            sum(c[1] for c in coords.values()) / len(coords),
        )
    else:
        base = (59.9139, 10.7522)  # no place known at all: any point will do, every travel time is 0
    places = [base]
    place_of: dict[str, int] = {}
    for p in persons:
        key = str(p.pk)
        if key in coords:
            place_of[key] = len(places)
            places.append(coords[key])
        else:
            place_of[key] = 0
    return places, place_of


# --- access ------------------------------------------------------------------------------------------------


def planner_teams(user: User) -> list[Team]:
    """The teams whose day ``user`` may plan."""
    return list(teams_of(user, PLANNER_ROLES).select_related("enhet").order_by("enhet__navn", "navn"))


def require_planner(user: User, team: Team) -> None:
    if not any(t.pk == team.pk for t in planner_teams(user)):
        raise PlanningError("Bare sykepleiere og ledere for teamet kan planlegge teamets dag.")


# --- the draft ---------------------------------------------------------------------------------------------


def dagsplan(team: Team, day: dt.date, user: User | None = None, loaded: Day | None = None) -> Dagsplan:
    """The team's draft for the day, made from the published visits the first time it is opened.

    Visits that appeared since (a new tiltak) join the draft as they are published; visits that are
    no longer open leave it.
    """
    plan, created = Dagsplan.objects.get_or_create(team=team, dato=day, defaults={"endret_av": user})
    loaded = loaded or load_day(team, day)
    open_ids = {str(b.pk) for b in loaded.visits}
    draft = {k: v for k, v in (plan.utkast or {}).items() if k in open_ids}
    missing = [b for b in loaded.visits if str(b.pk) not in draft]
    if missing or created or len(draft) != len(plan.utkast or {}):
        for b in missing:
            start = minutes_of(b.planlagt_start, day) if b.planlagt_start else None
            draft[str(b.pk)] = {"ansatt": b.ansatt_id, "start": start}
        plan.utkast = loaded.timed(draft)
        if created:
            plan.publisert_versjon = plan.versjon  # the draft is the published plan, as it is
        plan.save(update_fields=["utkast", "publisert_versjon"])
    return plan


@dataclass
class MoveResult:
    ok: bool
    reasons: list[str]
    warnings: list[str]
    plan: Dagsplan


def _new_faults(before: Evaluation, after: Evaluation) -> list[Fault]:
    seen = {(f.code, f.visit, f.staff, f.other) for f in before.faults}
    return [f for f in after.faults if (f.code, f.visit, f.staff, f.other) not in seen]


def flytt(
    *,
    utfort_av: User,
    plan: Dagsplan,
    besok_id: int,
    ansatt_id: int | None,
    start: int | None,
    versjon: int | None = None,
) -> MoveResult:
    """Move a visit on the board: to another staff member (or to «not assigned»), at a start time.

    The move is checked against every hard rule by the engine's validator: if it breaks one that
    the plan did not break before, nothing is saved and the reasons are returned in Norwegian.
    Starting after the agreed window is allowed (a warning). ``versjon``: the draft version the
    planner saw — if someone else changed the draft since, the move is refused.
    """
    require_planner(utfort_av, plan.team)
    with transaction.atomic():
        plan = Dagsplan.objects.select_for_update().get(pk=plan.pk)
        if versjon is not None and versjon != plan.versjon:
            raise PlanningError("Planen er endret av noen andre siden du åpnet den. Last siden på nytt.")
        day = load_day(plan.team, plan.dato, utfort_av)
        besok = day.visit(besok_id)
        if besok is None:
            raise PlanningError("Besøket finnes ikke i dagens plan (er det utført, avlyst eller flyttet?).")
        if ansatt_id is not None and ansatt_id not in {s.ansatt_id for s in day.on_duty}:
            raise PlanningError(f"{day.staff_label(ansatt_id)} er ikke på vakt denne dagen.")
        if start is not None:
            start = SNAP_MIN * round(start / SNAP_MIN)
            if not 0 <= start < 48 * 60:
                raise PlanningError("Klokkeslettet er utenfor døgnet.")
        current = day.timed(plan.utkast)
        before = day.evaluation(current)
        moved = {k: dict(v) for k, v in current.items()}
        key = str(besok_id)
        moved[key] = {"ansatt": ansatt_id, "start": None if ansatt_id is None else start}
        requested = {key: float(start)} if (ansatt_id is not None and start is not None) else {}
        if ansatt_id is not None and start is None:
            requested = {key: float(minutes_of(besok.vindu_start, plan.dato))}
        moved = day.timed(moved, requested)
        after = day.evaluation(moved)
        problems = _new_faults(before, after)
        if problems:
            return MoveResult(False, [day.describe(f) for f in problems], [], plan)
        warnings = []
        entry = moved[key]
        if entry.get("start") is not None and entry["start"] > minutes_of(besok.vindu_slutt, plan.dato):
            warnings.append(
                f"Besøket hos {day.person_label(besok)} starter {clock(entry['start'])}, etter avtalt tid "
                f"({timezone.localtime(besok.vindu_start):%H:%M}–{timezone.localtime(besok.vindu_slutt):%H:%M})."
            )
        pushed = [k for k in moved if k != key and moved[k].get("start") != current.get(k, {}).get("start")]
        if pushed:
            warnings.append(f"{len(pushed)} andre besøk ble flyttet senere for å få plass.")
        plan.utkast = moved
        plan.versjon += 1
        plan.endret, plan.endret_av = timezone.now(), utfort_av
        plan.save(update_fields=["utkast", "versjon", "endret", "endret_av"])
        audit.record(
            user=utfort_av,
            action=AuditAction.UPDATE,
            person=besok.tjenestemottaker,
            obj=plan,
            details={"handling": "flyttet besøk i utkast", "besok": besok.pk},
        )
    return MoveResult(True, [], warnings, plan)


# --- figures -----------------------------------------------------------------------------------------------


def figures(day: Day, draft: dict[str, Any]) -> dict[str, Any]:
    """The plan's continuity, punctuality risk and travel (the board's «før og etter»)."""
    timed = day.timed(draft)
    evaluation = day.evaluation(timed)
    planned = [(b, timed[str(b.pk)]) for b in day.visits if timed.get(str(b.pk), {}).get("ansatt") is not None]
    on_duty = {s.ansatt_id for s in day.on_duty}
    planned = [(b, e) for b, e in planned if e["ansatt"] in on_duty]
    familiar = sum(1 for b, e in planned if str(b.tjenestemottaker_id) in day.familiar.get(e["ansatt"], set()))
    primaer = sum(1 for b, e in planned if day.primaerkontakt.get(str(b.tjenestemottaker_id)) == e["ansatt"])
    late = risk = 0
    for b, e in planned:
        slack = minutes_of(b.vindu_slutt, day.day) - e["start"]
        late += slack < 0
        risk += slack < RISK_MARGIN_MIN
    staff_per_person: dict[str, set[int]] = defaultdict(set)
    for b, e in planned:
        staff_per_person[str(b.tjenestemottaker_id)].add(e["ansatt"])
    distinct = [len(day.history.get(p, set()) | s) for p, s in staff_per_person.items()]
    return {
        "besok": len(day.visits),
        "planlagt": len(planned),
        "uten_plass": len(day.visits) - len(planned),
        "reise_min": round(evaluation.travel),
        "kjente_fjes": familiar,
        "kjente_fjes_andel": round(100 * familiar / len(planned)) if planned else None,
        "primaerkontakt": primaer,
        "sene": late,
        "risiko": risk,
        "ulike_ansatte_14d": round(sum(distinct) / len(distinct), 2) if distinct else None,
        "brudd": len(evaluation.faults),
    }


# --- optimising (the background job) ----------------------------------------------------------------------


def bestill(
    *,
    utfort_av: User,
    plan: Dagsplan,
    tidsgrense: int = 20,
    kontinuitet: bool = True,
    type: str = Planlegging.Type.OPTIMALISER,
    seed: int = 0,
) -> Planlegging:
    """Queue an optimiser run for the draft (one at a time per day plan); the job starts after commit."""
    from helhet.care import tasks

    require_planner(utfort_av, plan.team)
    if not 1 <= tidsgrense <= 300:
        raise PlanningError("Tidsgrensen må være mellom 1 og 300 sekunder.")
    with transaction.atomic():
        plan = Dagsplan.objects.select_for_update().get(pk=plan.pk)
        for active in plan.planlegginger.filter(status__in=(Planlegging.Status.VENTER, Planlegging.Status.KJORER)):
            if not is_stale(active):
                raise PlanningError("Planleggeren arbeider allerede med denne dagen. Vent til den er ferdig.")
            Planlegging.objects.filter(pk=active.pk).update(
                status=Planlegging.Status.FEILET, ferdig=timezone.now(), feil=STALE_TEXT
            )
        job = Planlegging.objects.create(
            dagsplan=plan,
            type=type,
            tidsgrense=tidsgrense,
            kontinuitet=kontinuitet,
            seed=seed,
            bestilt_av=utfort_av,
            versjon_for=plan.versjon,
        )
        audit.record(user=utfort_av, action=AuditAction.CREATE, obj=job, details={"handling": "optimaliser dagsplan"})
        transaction.on_commit(lambda: tasks.enqueue_planlegging(job.pk))
    return job


#: A job still queued after this long has no worker taking it; a running job this long past its
#: time limit has lost its worker (stopped, restarted). Either may be replaced by a new one.
QUEUE_PATIENCE = dt.timedelta(minutes=10)
RUN_GRACE = dt.timedelta(minutes=2)
STALE_TEXT = "Jobben ble aldri ferdig (bakgrunnsprosessen stoppet eller kjører ikke). Start den på nytt."


def is_stale(job: Planlegging, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if job.status == Planlegging.Status.VENTER:
        return now - job.opprettet > QUEUE_PATIENCE
    if job.status == Planlegging.Status.KJORER and job.startet is not None:
        return now - job.startet > dt.timedelta(seconds=job.tidsgrense) + RUN_GRACE
    return False


def waiting_long(job: Planlegging, now: dt.datetime | None = None) -> bool:
    """Queued for more than half a minute: the board says a worker may not be running."""
    now = now or timezone.now()
    return job.status == Planlegging.Status.VENTER and now - job.opprettet > dt.timedelta(seconds=30)


def run(job_id: int) -> Planlegging:
    """Run one optimiser job (called by the background worker): the draft in, the better plan out.

    The draft's figures before and after are kept on the job; the result goes into the draft unless
    the draft was changed while the job ran (then the planner chooses on the board).
    """
    from helhet.planning.solver import solve

    job = Planlegging.objects.select_related("dagsplan__team").get(pk=job_id)
    if job.status not in (Planlegging.Status.VENTER, Planlegging.Status.KJORER):
        return job
    plan = job.dagsplan
    try:
        day = load_day(plan.team, plan.dato)
        current = day.timed(plan.utkast)
        Planlegging.objects.filter(pk=job.pk).update(
            status=Planlegging.Status.KJORER,
            startet=timezone.now(),
            for_tall=figures(day, current),
            fremdrift=0.0,
        )
        problem = day.problem(
            continuity=job.kontinuitet, current=current if job.type == Planlegging.Type.SYKDOM else None
        )

        def report(share: float, _best: float | None) -> None:
            Planlegging.objects.filter(pk=job.pk).update(fremdrift=min(0.99, share))

        solution = solve(problem, time_limit=float(job.tidsgrense), seed=job.seed, progress=report)
        result = Day.draft_of(solution)
        for vid, entry in result.items():
            if entry.get("ansatt") is None:
                b = day.visit(int(vid))
                entry["grunn"] = _reason_text(day, b, entry.get("grunn", "")) if b else entry.get("grunn", "")
        after = figures(day, result)
        uplassert = [
            {"besok": int(vid), "grunn": entry.get("grunn", "")}
            for vid, entry in result.items()
            if entry.get("ansatt") is None
        ]
        with transaction.atomic():
            locked = Dagsplan.objects.select_for_update().get(pk=plan.pk)
            apply = locked.versjon == job.versjon_for
            if apply:
                locked.utkast = result
                locked.versjon += 1
                locked.endret, locked.endret_av = timezone.now(), job.bestilt_av
                locked.save(update_fields=["utkast", "versjon", "endret", "endret_av"])
            Planlegging.objects.filter(pk=job.pk).update(
                status=Planlegging.Status.FERDIG,
                ferdig=timezone.now(),
                fremdrift=1.0,
                etter_tall=after,
                uplassert=uplassert,
                resultat=result,
                brukt=apply,
            )
    except Exception as exc:
        Planlegging.objects.filter(pk=job.pk).update(
            status=Planlegging.Status.FEILET, ferdig=timezone.now(), feil=_error_text(exc)
        )
        raise
    job.refresh_from_db()
    return job


def _reason_text(day: Day, besok: Besok, reason: str) -> str:
    """The engine names visits by id; the board names them by person."""
    return reason.replace(f"besøket {besok.pk} ", "besøket ").replace(f"Besøket {besok.pk} ", "Besøket ")


def _error_text(exc: Exception) -> str:
    if isinstance(exc, travel_mod.TravelError):
        return "Reisetidene kunne ikke beregnes (sjekk adressene og reisetidstjenesten)."
    return "Planleggeren stoppet med en feil. Prøv igjen; meld fra om det gjentar seg."


def bruk_resultat(*, utfort_av: User, job: Planlegging) -> Dagsplan:
    """Put a finished job's plan into the draft (when the draft changed while the job ran)."""
    require_planner(utfort_av, job.dagsplan.team)
    if job.status != Planlegging.Status.FERDIG:
        raise PlanningError("Planleggingen er ikke ferdig.")
    with transaction.atomic():
        plan = Dagsplan.objects.select_for_update().get(pk=job.dagsplan_id)
        plan.utkast = job.resultat
        plan.versjon += 1
        plan.endret, plan.endret_av = timezone.now(), utfort_av
        plan.save(update_fields=["utkast", "versjon", "endret", "endret_av"])
        Planlegging.objects.filter(pk=job.pk).update(brukt=True)
        audit.record(
            user=utfort_av, action=AuditAction.UPDATE, obj=plan, details={"handling": "brukte planleggers forslag"}
        )
    return plan


# --- sick calls --------------------------------------------------------------------------------------------


def meld_syk(*, utfort_av: User, vakt: Vakt, tidsgrense: int = 20) -> Planlegging:
    """A staff member called in sick: the shift is marked, and a re-plan that changes as few
    assignments as possible is queued (the sick person's visits must move; others stay if they can)."""
    require_planner(utfort_av, vakt.team)
    with transaction.atomic():
        vakt = Vakt.objects.select_for_update().get(pk=vakt.pk)
        if vakt.status == Vakt.Status.SYK:
            raise PlanningError(f"{vakt.ansatt} er allerede meldt syk denne dagen.")
        vakt.status = Vakt.Status.SYK
        vakt.meldt_syk, vakt.meldt_syk_av = timezone.now(), utfort_av
        vakt.save(update_fields=["status", "meldt_syk", "meldt_syk_av"])
        audit.record(user=utfort_av, action=AuditAction.UPDATE, obj=vakt, details={"handling": "meldt syk"})
        plan = dagsplan(vakt.team, vakt.dato, utfort_av)
        return bestill(
            utfort_av=utfort_av, plan=plan, tidsgrense=tidsgrense, type=Planlegging.Type.SYKDOM, kontinuitet=True
        )


# --- publishing --------------------------------------------------------------------------------------------


def publiser(*, utfort_av: User, plan: Dagsplan, versjon: int | None = None) -> int:
    """Copy the draft into the visits (who, and when): «Min dag» shows it from now. Returns how many
    visits changed. Refused while the draft breaks a hard rule."""
    require_planner(utfort_av, plan.team)
    with transaction.atomic():
        plan = Dagsplan.objects.select_for_update().get(pk=plan.pk)
        if versjon is not None and versjon != plan.versjon:
            raise PlanningError("Planen er endret av noen andre siden du åpnet den. Last siden på nytt.")
        day = load_day(plan.team, plan.dato, utfort_av)
        timed = day.timed(plan.utkast)
        evaluation = day.evaluation(timed)
        if evaluation.faults:
            reasons = "; ".join(day.describe(f) for f in evaluation.faults[:3])
            raise PlanningError(f"Planen bryter regler og kan ikke publiseres: {reasons}")
        on_duty = {s.ansatt_id for s in day.on_duty}
        changed: list[Besok] = []
        for b in day.visits:
            entry = timed.get(str(b.pk)) or {}
            who = entry.get("ansatt") if entry.get("ansatt") in on_duty else None
            start = None
            if who is not None and entry.get("start") is not None:
                start = at_minutes(plan.dato, entry["start"])
            if b.ansatt_id != who or b.planlagt_start != start:
                b.ansatt_id, b.planlagt_start = who, start
                changed.append(b)
        now = timezone.now()
        for b in changed:
            b.endret = now
        Besok.objects.bulk_update(changed, ["ansatt", "planlagt_start", "endret"])
        plan.utkast = timed
        plan.publisert, plan.publisert_av, plan.publisert_versjon = timezone.now(), utfort_av, plan.versjon
        plan.save(update_fields=["utkast", "publisert", "publisert_av", "publisert_versjon"])
        persons = {b.tjenestemottaker_id: b.tjenestemottaker for b in changed}
        audit.record_list(
            user=utfort_av,
            action=AuditAction.UPDATE,
            persons=sorted(persons.values(), key=lambda p: str(p.pk)),
            details={"handling": "publiserte dagsplan", "dato": plan.dato.isoformat(), "team": plan.team_id},
        )
    return len(changed)


def shift_on(user: User, day: dt.date) -> Vakt | None:
    return Vakt.objects.filter(ansatt=user, dato=day).first()


def lagre_vakt(*, utfort_av: User, team: Team, ansatt: User, day: dt.date, start: dt.time, slutt: dt.time) -> Vakt:
    """Add (or change) a staff member's shift on the team for the day; a shift past midnight ends the next day."""
    require_planner(utfort_av, team)
    begin = timezone.make_aware(dt.datetime.combine(day, start))
    end_day = day + dt.timedelta(days=1) if slutt <= start else day
    end = timezone.make_aware(dt.datetime.combine(end_day, slutt))
    from helhet.core.models.users import CARE_ROLES

    if team.enhet.leverandor_id not in provider_ids(ansatt, CARE_ROLES):
        raise PlanningError(f"{ansatt} arbeider ikke hos {team.enhet.leverandor}.")
    with transaction.atomic():
        vakt, _ = Vakt.objects.update_or_create(
            ansatt=ansatt,
            dato=day,
            defaults={"team": team, "start": begin, "slutt": end, "status": Vakt.Status.PLANLAGT},
        )
        audit.record(user=utfort_av, action=AuditAction.UPDATE, obj=vakt, details={"handling": "vakt lagret"})
    return vakt
