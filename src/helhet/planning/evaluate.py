"""The cost of a solution and every hard rule it breaks — the one validator (benchmarks and product).

Rules (``shared/benchmarks/README.md``, «The rules a valid solution keeps», and :mod:`.model`):

1. every visit is in exactly one route or listed unassigned; a route's staff member has the visit's
   skill; each staff member has at most one route;
2. a stop lasts exactly the visit's duration;
3. a stop starts no earlier than the previous stop's end (or the shift start at the start
   location) plus the travel time, and no earlier than the visit's window opens; the staff member
   is back at the end location by the end of the shift;
4. synchronised visits: ``simultaneous`` start at the same time; ``sequential`` — the second starts
   ``min_gap``..``max_gap`` after the first;
5. tardiness of a stop = max(0, start − latest).

Cost = scale × (travel × w_travel + Σ tardiness × w_tardiness + max tardiness × w_max + new faces ×
w_new_face + balance × w_balance + changes × w_change), where balance is the spread (max − min) of
the staff members' working time (travel + service) among those with a route, and changes counts the
planned visits done by another than their ``current_staff`` (re-planning). Unassigned visits are not
priced here: a solver must say why each one is unassigned, and a benchmark run with any is reported
invalid.

Each broken rule is a :class:`Fault`: a code and the ids and numbers involved, with an English text
for logs and the benchmark table (``str(fault)``); :func:`describe_no` says it in Norwegian for the
planner on the screen.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from helhet.planning.model import Problem, Solution, SyncKind

#: Float noise allowed in comparisons (all 70 published best solutions pass at this tolerance).
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Fault:
    """One broken hard rule. ``code`` says which (the fields used, and what ``value``/``limit`` hold):

    ========================  =============================================================================
    ``unknown_staff``         ``staff``: a route for someone not in the problem
    ``many_routes``           ``staff``; ``value``: how many routes they have
    ``unknown_visit``         ``visit`` (not in the problem), ``staff``: whose route holds it
    ``skill``                 ``visit``, ``staff``; ``other``: the skill the visit needs and they lack
    ``arrival``               ``visit``, ``staff``; ``value``: the start, ``limit``: the earliest arrival
    ``window``                ``visit``, ``staff``; ``value``: the start, ``limit``: when the window opens
    ``duration``              ``visit``, ``staff``; ``value``: end − start, ``limit``: the duration
    ``shift_end``             ``staff``; ``value``: back at the end location, ``limit``: the shift end
    ``missing``               ``visit``: neither planned nor listed unassigned
    ``duplicate``             ``visit``; ``value``: how many times it is planned or listed
    ``sync_half``             ``visit``: the planned half of a pair, ``other``: the unplanned half
    ``sync_together``         ``visit``/``other``: first/second of a simultaneous pair; ``value``: the gap
    ``sync_gap``              ``visit``/``other``: first/second; ``value``: the gap, ``limit``: the bound
                              it breaks (``min_gap`` if ``value`` < ``limit``, else ``max_gap``)
    ========================  =============================================================================

    ``text`` is the English message (``str(fault)``); times are in the problem's unit.
    """

    code: str
    visit: str = ""
    staff: str = ""
    other: str = ""
    value: float = 0.0
    limit: float = 0.0
    text: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass
class Evaluation:
    travel: float = 0.0
    total_tardiness: float = 0.0
    max_tardiness: float = 0.0
    new_faces: int = 0
    balance: float = 0.0
    changes: int = 0
    cost: float = 0.0
    faults: list[Fault] = field(default_factory=list)

    @property
    def violations(self) -> list[str]:
        """The faults as English text (for logs and the benchmark table)."""
        return [f.text for f in self.faults]

    @property
    def valid(self) -> bool:
        return not self.faults


def evaluate(problem: Problem, solution: Solution, tolerance: float = TOLERANCE) -> Evaluation:
    """Cost and faults of ``solution`` (see :class:`Fault`; :func:`describe_no` for people)."""
    result = Evaluation()
    faults = result.faults
    staff = {s.id: s for s in problem.staff}
    visits = {v.id: v for v in problem.visits}
    seen: Counter[str] = Counter()
    starts: dict[str, float] = {}
    route_owners: Counter[str] = Counter(r.staff for r in solution.routes)
    for owner, n in route_owners.items():
        if owner not in staff:
            faults.append(Fault("unknown_staff", staff=owner, text=f"route for unknown staff {owner}"))
        elif n > 1:
            faults.append(Fault("many_routes", staff=owner, value=n, text=f"staff {owner} has {n} routes"))
    work: list[float] = []
    for route in solution.routes:
        member = staff.get(route.staff)
        if member is None or not route.stops:
            continue
        who = route.staff
        here = member.start_location
        clock = member.shift_start
        worked = 0.0
        for stop in route.stops:
            visit = visits.get(stop.visit)
            if visit is None:
                text = f"unknown visit {stop.visit} in the route of {who}"
                faults.append(Fault("unknown_visit", visit=stop.visit, staff=who, text=text))
                continue
            vid = visit.id
            seen[vid] += 1
            starts[vid] = stop.start
            if visit.skill not in member.skills:
                text = f"{who} lacks skill {visit.skill} for {vid}"
                faults.append(Fault("skill", visit=vid, staff=who, other=visit.skill, text=text))
            leg = problem.travel[here][visit.location]
            result.travel += leg
            worked += leg + visit.duration
            if stop.start + tolerance < clock + leg:
                text = f"{vid} starts at {stop.start:g}, before {who} can arrive ({clock + leg:g})"
                faults.append(Fault("arrival", vid, who, value=stop.start, limit=clock + leg, text=text))
            if stop.start + tolerance < visit.earliest:
                text = f"{vid} starts at {stop.start:g}, before its window ({visit.earliest:g})"
                faults.append(Fault("window", vid, who, value=stop.start, limit=visit.earliest, text=text))
            lasts = stop.end - stop.start
            if abs(lasts - visit.duration) > tolerance:
                text = f"{vid} lasts {lasts:g}, not its duration {visit.duration:g}"
                faults.append(Fault("duration", vid, who, value=lasts, limit=visit.duration, text=text))
            tardiness = max(0.0, stop.start - visit.latest)
            result.total_tardiness += tardiness
            result.max_tardiness = max(result.max_tardiness, tardiness)
            if visit.person and member.familiar and visit.person not in member.familiar:
                result.new_faces += 1
            if visit.current_staff and visit.current_staff != who:
                result.changes += 1
            here, clock = visit.location, max(stop.end, clock + leg + visit.duration)
        back = problem.travel[here][member.end_location]
        result.travel += back
        worked += back
        if clock + back > member.shift_end + tolerance:
            text = f"{who} is back at {clock + back:g}, after the shift ({member.shift_end:g})"
            faults.append(Fault("shift_end", staff=who, value=clock + back, limit=member.shift_end, text=text))
        work.append(worked)
    unassigned = Counter(u.visit for u in solution.unassigned)
    for visit in problem.visits:
        n = seen[visit.id] + unassigned[visit.id]
        if n == 0:
            faults.append(Fault("missing", visit.id, text=f"{visit.id} is neither planned nor listed unassigned"))
        elif n > 1:
            faults.append(Fault("duplicate", visit.id, value=n, text=f"{visit.id} is planned {n} times"))
    for sync in problem.syncs:
        a, b = starts.get(sync.first), starts.get(sync.second)
        if a is None or b is None:
            if (a is None) != (b is None):
                half, rest = (sync.first, sync.second) if b is None else (sync.second, sync.first)
                text = f"only one of {sync.first} and {sync.second} is planned"
                faults.append(Fault("sync_half", half, other=rest, text=text))
            continue
        gap = b - a
        if sync.kind is SyncKind.SIMULTANEOUS and abs(gap) > tolerance:
            text = f"{sync.first} and {sync.second} must start together ({a:g} vs {b:g})"
            faults.append(Fault("sync_together", sync.first, other=sync.second, value=gap, text=text))
        if sync.kind is SyncKind.SEQUENTIAL and not (sync.min_gap - tolerance <= gap <= sync.max_gap + tolerance):
            text = f"{sync.second} starts {gap:g} after {sync.first}, outside [{sync.min_gap:g}, {sync.max_gap:g}]"
            bound = sync.min_gap if gap < sync.min_gap else sync.max_gap
            faults.append(Fault("sync_gap", sync.first, other=sync.second, value=gap, limit=bound, text=text))
    result.balance = (max(work) - min(work)) if work else 0.0
    w = problem.weights
    result.cost = w.scale * (
        w.travel * result.travel
        + w.tardiness * result.total_tardiness
        + w.max_tardiness * result.max_tardiness
        + w.new_face * result.new_faces
        + w.balance * result.balance
        + w.change * result.changes
    )
    return result


# --- for people ------------------------------------------------------------------------------------


def describe_no(
    fault: Fault,
    visit_label: Callable[[str], str],
    staff_label: Callable[[str], str],
    clock: Callable[[float], str],
) -> str:
    """``fault`` as one Norwegian (bokmål) sentence for the planner on the screen.

    ``visit_label(visit_id)`` names a visit after «hos» (usually the person's name: «besøket hos Ola
    Nilsen»); ``staff_label(staff_id)`` names a staff member («Kari Hansen»); ``clock(t)`` renders a time
    of day («08:30», minutes since midnight in the product). Durations and gaps are said in minutes. For
    ``unknown_staff`` and ``unknown_visit`` the labels get ids the problem does not know: they should
    answer something sensible (the id itself, say). Pure: no lookups beyond the three functions.
    """
    code = fault.code
    if code == "unknown_staff":
        return f"Det er lagt en rute for {staff_label(fault.staff)}, som ikke er med i planleggingen."
    if code == "many_routes":
        return f"{staff_label(fault.staff)} har {_count(fault.value)} ruter, men hver ansatt skal ha én."
    if code == "unknown_visit":
        return (
            f"Ruten til {staff_label(fault.staff)} har et besøk hos {visit_label(fault.visit)} "
            "som ikke er med i planleggingen."
        )
    if code == "skill":
        return (
            f"{staff_label(fault.staff)} mangler kompetansen besøket hos {visit_label(fault.visit)} "
            f"krever ({fault.other})."
        )
    if code == "arrival":
        return (
            f"{staff_label(fault.staff)} kan tidligst være fremme hos {visit_label(fault.visit)} "
            f"{clock(fault.limit)}, men besøket er lagt til {clock(fault.value)}."
        )
    if code == "window":
        opens = clock(fault.limit)
        return f"Besøket hos {visit_label(fault.visit)} kan ikke starte før avtalt tidsvindu åpner ({opens})."
    if code == "duration":
        return (
            f"Besøket hos {visit_label(fault.visit)} er lagt inn med {_minutes(fault.value)}, "
            f"men skal vare {_minutes(fault.limit)}."
        )
    if code == "shift_end":
        return (
            f"{staff_label(fault.staff)} er ikke tilbake før vakten slutter ({clock(fault.limit)}), "
            f"men først {clock(fault.value)}."
        )
    if code == "missing":
        return (
            f"Besøket hos {visit_label(fault.visit)} mangler: det er verken lagt til en ansatt "
            "eller satt opp som ikke planlagt."
        )
    if code == "duplicate":
        times = _count(fault.value)
        return f"Besøket hos {visit_label(fault.visit)} står {times} ganger i planen, men skal bare stå der én gang."
    if code == "sync_half":
        return (
            f"Bare det ene av to besøk som hører sammen hos {visit_label(fault.visit)} er planlagt; "
            "begge må planlegges, eller ingen av dem."
        )
    if code == "sync_together":
        return (
            f"De to ansatte på dobbeltbemannet besøk hos {visit_label(fault.visit)} må starte samtidig. "
            f"Nå starter de {_minutes(abs(fault.value))} fra hverandre."
        )
    if code == "sync_gap":
        second, first = visit_label(fault.other), visit_label(fault.visit)
        bound = "minst" if fault.value < fault.limit else "høyst"
        actual = f"{_minutes(fault.value)} etter" if fault.value >= 0 else f"{_minutes(-fault.value)} før"
        return (
            f"Besøket hos {second} skal starte {bound} {_minutes(fault.limit)} etter besøket hos {first}, "
            f"men starter {actual}."
        )
    return f"Planen bryter en regel ({code})."


def _count(x: float) -> str:
    return str(round(x))


def _minutes(x: float) -> str:
    """«1 minutt», «15 minutter», «2,5 minutter»."""
    whole = round(x)
    if math.isclose(x, whole, abs_tol=1e-6):
        return "1 minutt" if whole == 1 else f"{whole} minutter"
    return f"{x:.1f}".replace(".", ",") + " minutter"
