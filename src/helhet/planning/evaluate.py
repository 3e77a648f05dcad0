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
w_new_face + balance × w_balance), where balance is the spread (max − min) of the staff members'
working time (travel + service) among those with a route. Unassigned visits are not priced here:
a solver must say why each one is unassigned, and a benchmark run with any is reported invalid.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from helhet.planning.model import Problem, Solution, SyncKind

#: Float noise allowed in comparisons (all 70 published best solutions pass at this tolerance).
TOLERANCE = 1e-6


@dataclass
class Evaluation:
    travel: float = 0.0
    total_tardiness: float = 0.0
    max_tardiness: float = 0.0
    new_faces: int = 0
    balance: float = 0.0
    cost: float = 0.0
    violations: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.violations


def evaluate(problem: Problem, solution: Solution, tolerance: float = TOLERANCE) -> Evaluation:
    """Cost and violations of ``solution`` (violations are English, for logs and the benchmark table)."""
    result = Evaluation()
    staff = {s.id: s for s in problem.staff}
    visits = {v.id: v for v in problem.visits}
    seen: Counter[str] = Counter()
    starts: dict[str, float] = {}
    route_owners: Counter[str] = Counter(r.staff for r in solution.routes)
    for owner, n in route_owners.items():
        if owner not in staff:
            result.violations.append(f"route for unknown staff {owner}")
        elif n > 1:
            result.violations.append(f"staff {owner} has {n} routes")
    work: list[float] = []
    for route in solution.routes:
        member = staff.get(route.staff)
        if member is None or not route.stops:
            continue
        here = member.start_location
        clock = member.shift_start
        worked = 0.0
        for stop in route.stops:
            visit = visits.get(stop.visit)
            if visit is None:
                result.violations.append(f"unknown visit {stop.visit} in the route of {route.staff}")
                continue
            seen[visit.id] += 1
            starts[visit.id] = stop.start
            if visit.skill not in member.skills:
                result.violations.append(f"{route.staff} lacks skill {visit.skill} for {visit.id}")
            leg = problem.travel[here][visit.location]
            result.travel += leg
            worked += leg + visit.duration
            if stop.start + tolerance < clock + leg:
                result.violations.append(
                    f"{visit.id} starts at {stop.start:g}, before {route.staff} can arrive ({clock + leg:g})"
                )
            if stop.start + tolerance < visit.earliest:
                result.violations.append(f"{visit.id} starts at {stop.start:g}, before its window ({visit.earliest:g})")
            if abs(stop.end - stop.start - visit.duration) > tolerance:
                result.violations.append(
                    f"{visit.id} lasts {stop.end - stop.start:g}, not its duration {visit.duration:g}"
                )
            tardiness = max(0.0, stop.start - visit.latest)
            result.total_tardiness += tardiness
            result.max_tardiness = max(result.max_tardiness, tardiness)
            if visit.person and member.familiar and visit.person not in member.familiar:
                result.new_faces += 1
            here, clock = visit.location, max(stop.end, clock + leg + visit.duration)
        back = problem.travel[here][member.end_location]
        result.travel += back
        worked += back
        if clock + back > member.shift_end + tolerance:
            result.violations.append(
                f"{route.staff} is back at {clock + back:g}, after the shift ({member.shift_end:g})"
            )
        work.append(worked)
    unassigned = Counter(u.visit for u in solution.unassigned)
    for visit in problem.visits:
        n = seen[visit.id] + unassigned[visit.id]
        if n == 0:
            result.violations.append(f"{visit.id} is neither planned nor listed unassigned")
        elif n > 1:
            result.violations.append(f"{visit.id} is planned {n} times")
    for sync in problem.syncs:
        a, b = starts.get(sync.first), starts.get(sync.second)
        if a is None or b is None:
            if (a is None) != (b is None):
                result.violations.append(f"only one of {sync.first} and {sync.second} is planned")
            continue
        gap = b - a
        if sync.kind is SyncKind.SIMULTANEOUS and abs(gap) > tolerance:
            result.violations.append(f"{sync.first} and {sync.second} must start together ({a:g} vs {b:g})")
        if sync.kind is SyncKind.SEQUENTIAL and not (sync.min_gap - tolerance <= gap <= sync.max_gap + tolerance):
            result.violations.append(
                f"{sync.second} starts {gap:g} after {sync.first}, outside [{sync.min_gap:g}, {sync.max_gap:g}]"
            )
    result.balance = (max(work) - min(work)) if work else 0.0
    w = problem.weights
    result.cost = w.scale * (
        w.travel * result.travel
        + w.tardiness * result.total_tardiness
        + w.max_tardiness * result.max_tardiness
        + w.new_face * result.new_faces
        + w.balance * result.balance
    )
    return result
