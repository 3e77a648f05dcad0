"""The exact schedule of a set of routes, and cheap exact trial insertions — the engine under our planner.

Given the order of the visits in every route, each start is bounded from below by a set of
*difference constraints*: the window opens (``s_v ≥ earliest``), the previous stop plus its duration
and the travel (``s_w ≥ s_v + d_v + t_vw``), the shift start plus the first leg, and synchronisation
(``s_b ≥ s_a + min_gap`` and ``s_a ≥ s_b − max_gap``). Every cost that depends on times (tardiness,
its maximum) grows with the starts, and the shift end is an upper bound, so the least solution of the
constraints — every visit as early as it can be — is optimal for the given orders. It is a longest-path
problem; a positive cycle (two simultaneous pairs served in crossed order, say) means the orders are
infeasible. :func:`least_starts` computes it from scratch, :meth:`State.trial_insert` incrementally
for an insertion (which only adds constraints, so starts only grow, and any new positive cycle runs
through the inserted visit: pushing it a second time proves the insertion infeasible).

Indices: visits ``0..n-1`` in ``problem.visits`` order, staff ``0..K-1`` in ``problem.staff`` order;
a *job* is a set of visits tied by synchronisation (usually one visit, or a pair), planned together.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from helhet.planning.model import Problem, Route, Solution, Stop, SyncKind, Unassigned

EPS = 1e-9
INF = math.inf


class Compiled:
    """The problem as flat lists of numbers (fast to index in the inner loops)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        visits, staff = problem.visits, problem.staff
        self.n, self.k = len(visits), len(staff)
        self.ids = [v.id for v in visits]
        index = {v.id: i for i, v in enumerate(visits)}
        self.index = index
        self.loc = [v.location for v in visits]
        self.early = [float(v.earliest) for v in visits]
        self.late = [float(v.latest) for v in visits]
        self.dur = [float(v.duration) for v in visits]
        self.skill = [v.skill for v in visits]
        self.sstart = [float(s.shift_start) for s in staff]
        self.staff_start_loc = [s.start_location for s in staff]
        self.staff_end_loc = [s.end_location for s in staff]
        self.send = [float(s.shift_end) for s in staff]
        self.bounded_shifts = any(math.isfinite(x) for x in self.send)
        travel = problem.travel
        loc = self.loc
        self.tvv: list[list[float]] = [[float(travel[a][b]) for b in loc] for a in loc]
        self.dtt: list[list[float]] = [[d + t for t in row] for d, row in zip(self.dur, self.tvv, strict=True)]
        self.tsv: list[list[float]] = [[float(travel[s.start_location][b]) for b in loc] for s in staff]
        self.tve: list[list[float]] = [[float(travel[a][s.end_location]) for a in loc] for s in staff]
        # skilled: staff with the visit's skill; allowed: ... whose shift can hold the visit at all
        self.skilled: list[tuple[int, ...]] = [
            tuple(k for k, s in enumerate(staff) if v.skill in s.skills) for v in visits
        ]
        self.allowed: list[tuple[int, ...]] = [
            tuple(
                k
                for k in self.skilled[v]
                if max(self.early[v], self.sstart[k] + self.tsv[k][v]) + self.dur[v] + self.tve[k][v]
                <= self.send[k] + EPS
            )
            for v in range(self.n)
        ]
        w = problem.weights
        self.w_travel, self.w_tard, self.w_max = w.travel, w.tardiness, w.max_tardiness
        self.w_face, self.w_bal, self.scale = w.new_face, w.balance, w.scale
        # face[v][k]: the cost of staff k doing visit v, whoever else does what — continuity (mirrors evaluate:
        # only staff with a list count) plus change (re-planning: anyone but the visit's current staff)
        self.face: list[list[float]] = [
            [w.new_face if (v.person and s.familiar and v.person not in s.familiar) else 0.0 for s in staff]
            for v in visits
        ]
        if w.change:
            for visit, row in zip(visits, self.face, strict=True):
                if visit.current_staff:
                    for k, member in enumerate(staff):
                        if member.id != visit.current_staff:
                            row[k] += w.change
        self.has_face = any(any(row) for row in self.face)
        # synchronisation as edges: out_edges[v] = [(p, w)] meaning s_p >= s_v + w; in_edges the reverse view
        self.out_edges: list[list[tuple[int, float]]] = [[] for _ in visits]
        self.in_edges: list[list[tuple[int, float]]] = [[] for _ in visits]
        self.sync_ok = True  # False if a sync gap is empty (min > max): such pairs are impossible
        self.bad_pair: set[int] = set()
        for sync in problem.syncs:
            a, b = index.get(sync.first), index.get(sync.second)
            if a is None or b is None or a == b:
                continue
            lo, hi = (0.0, 0.0) if sync.kind is SyncKind.SIMULTANEOUS else (float(sync.min_gap), float(sync.max_gap))
            if lo > hi:
                self.bad_pair.update((a, b))
            self.out_edges[a].append((b, lo))
            self.in_edges[b].append((a, lo))
            self.out_edges[b].append((a, -hi))
            self.in_edges[a].append((b, -hi))
        # jobs: connected components of the sync graph, in visit order
        self.job_of = [-1] * self.n
        self.jobs: list[tuple[int, ...]] = []
        for v in range(self.n):
            if self.job_of[v] >= 0:
                continue
            comp, todo = [v], [v]
            self.job_of[v] = len(self.jobs)
            while todo:
                x = todo.pop()
                for p, _ in self.out_edges[x]:
                    if self.job_of[p] < 0:
                        self.job_of[p] = len(self.jobs)
                        comp.append(p)
                        todo.append(p)
            self.jobs.append(tuple(sorted(comp)))
        # an upper bound on any start of a feasible least schedule (the longest simple path)
        # (finite even if some place cannot be reached: a route through it costs inf and is never chosen)
        most_travel = max((x for row in self.tvv for x in row if math.isfinite(x)), default=0.0)
        first = max((x for row in self.tsv for x in row if math.isfinite(x)), default=0.0)
        self.horizon = (
            max((x for x in self.early if math.isfinite(x)), default=0.0)
            + max((x for x in self.sstart if math.isfinite(x)), default=0.0)
            + first
            + sum(d + most_travel for d in self.dur)
            + sum(max(0.0, w) for row in self.out_edges for _, w in row)
            + 1.0
        )

    def route_travel(self, k: int, route: list[int]) -> float:
        if not route:
            return 0.0
        tvv = self.tvv
        total = self.tsv[k][route[0]] + self.tve[k][route[-1]]
        for a, b in itertools.pairwise(route):
            total += tvv[a][b]
        return total


def least_starts(c: Compiled, routes: list[list[int]]) -> list[float] | None:
    """Every visit as early as the orders allow (0.0 for unplanned ones); None if the orders are infeasible
    (a positive cycle through synchronisation, or a shift end that cannot be kept)."""
    n = c.n
    start = [0.0] * n
    route_of = [-1] * n
    pos = [0] * n
    early, dtt, tsv, out_edges = c.early, c.dtt, c.tsv, c.out_edges
    sstart = c.sstart
    for k, r in enumerate(routes):
        if not r:
            continue
        v = r[0]
        t = sstart[k] + tsv[k][v]
        if t < early[v]:
            t = early[v]
        start[v] = t
        route_of[v], pos[v] = k, 0
        for j in range(1, len(r)):
            x = r[j]
            t += dtt[v][x]
            if t < early[x]:
                t = early[x]
            start[x] = t
            route_of[x], pos[x] = k, j
            v = x
    stack = [v for v in range(n) if out_edges[v] and route_of[v] >= 0]
    horizon = c.horizon
    while stack:
        x = stack.pop()
        tx = start[x]
        for p, w in out_edges[x]:
            if route_of[p] < 0:
                continue
            tp = tx + w
            if tp <= start[p] + EPS:
                continue
            if tp > horizon:
                return None
            start[p] = tp
            stack.append(p)
            r = routes[route_of[p]]
            cur, tc = p, tp
            for j in range(pos[p] + 1, len(r)):
                y = r[j]
                ty = tc + dtt[cur][y]
                if ty <= start[y] + EPS:
                    break
                start[y] = ty
                if out_edges[y]:
                    stack.append(y)
                cur, tc = y, ty
    if c.bounded_shifts:
        for k, r in enumerate(routes):
            if r and start[r[-1]] + c.dur[r[-1]] + c.tve[k][r[-1]] > c.send[k] + EPS:
                return None
    return start


@dataclass
class Trial:
    """Changes proposed on top of a :class:`State`: modified routes, new starts, inserted visits."""

    routes: dict[int, list[int]] = field(default_factory=dict)
    where: dict[int, int] = field(default_factory=dict)  # index in its (modified) route
    route_of: dict[int, int] = field(default_factory=dict)  # for inserted visits
    starts: dict[int, float] = field(default_factory=dict)
    d_travel: float = 0.0
    d_face: float = 0.0
    d_work: dict[int, float] = field(default_factory=dict)

    def copy(self) -> Trial:
        return Trial(
            dict(self.routes),
            dict(self.where),
            dict(self.route_of),
            dict(self.starts),
            self.d_travel,
            self.d_face,
            dict(self.d_work),
        )


class State:
    """Routes with their least schedule and cost terms; unplanned visits have ``route_of == -1``."""

    def __init__(self, c: Compiled, routes: list[list[int]] | None = None) -> None:
        self.c = c
        self.routes: list[list[int]] = [list(r) for r in routes] if routes else [[] for _ in range(c.k)]
        self.version = [0] * c.k
        self.stamp = 0  # bumped on every change (cached views of the state compare it)
        self.route_of = [-1] * c.n
        self.pos = [0] * c.n
        self.start = [0.0] * c.n
        self.travel = 0.0
        self.tard_sum = 0.0
        self.tard_max = 0.0
        self.faces = 0.0
        self.work = [0.0] * c.k
        if not self.reschedule():
            raise ValueError("infeasible routes")

    def copy(self) -> State:
        other = State.__new__(State)
        other.c = self.c
        other.routes = [list(r) for r in self.routes]
        other.version = list(self.version)
        other.stamp = self.stamp
        other.route_of = list(self.route_of)
        other.pos = list(self.pos)
        other.start = list(self.start)
        other.travel, other.tard_sum, other.tard_max = self.travel, self.tard_sum, self.tard_max
        other.faces = self.faces
        other.work = list(self.work)
        return other

    # -- whole-solution bookkeeping -------------------------------------------------------------

    def reschedule(self) -> bool:
        """Recompute positions, the least schedule and every cost term; False (state unchanged) if infeasible."""
        c = self.c
        start = least_starts(c, self.routes)
        if start is None:
            return False
        self.stamp += 1
        self.start = start
        route_of, pos = [-1] * c.n, [0] * c.n
        travel = faces = 0.0
        for k, r in enumerate(self.routes):
            for j, v in enumerate(r):
                route_of[v], pos[v] = k, j
                faces += c.face[v][k]
            t = c.route_travel(k, r)
            travel += t
            self.work[k] = t + sum(c.dur[v] for v in r)
        self.route_of, self.pos = route_of, pos
        self.travel, self.faces = travel, faces
        tsum = tmax = 0.0
        late = c.late
        for v in range(c.n):
            if route_of[v] >= 0:
                x = start[v] - late[v]
                if x > 0:
                    tsum += x
                    if x > tmax:
                        tmax = x
        self.tard_sum, self.tard_max = tsum, tmax
        return True

    def balance(self, work: list[float] | None = None) -> float:
        work = self.work if work is None else work
        used = [w for k, w in enumerate(work) if self.routes[k]]
        return (max(used) - min(used)) if used else 0.0

    def cost(self) -> float:
        c = self.c
        total = c.w_travel * self.travel + c.w_tard * self.tard_sum + c.w_max * self.tard_max + self.faces
        if c.w_bal:
            total += c.w_bal * self.balance()
        return c.scale * total

    def remove(self, visits: list[int]) -> bool:
        """Take ``visits`` out of their routes and reschedule; False (and nothing changed) if that is infeasible."""
        drop = set(visits)
        old, old_start = self.routes, self.start
        touched = {self.route_of[v] for v in visits if self.route_of[v] >= 0}
        self.routes = [[v for v in r if v not in drop] if k in touched else r for k, r in enumerate(old)]
        if not self.reschedule():
            self.routes = old
            return False
        start = self.start
        for k, r in enumerate(self.routes):  # a route is new if it lost a visit or any of its starts moved
            if k in touched or any(start[v] != old_start[v] for v in r):
                self.version[k] += 1
        return True

    # -- trial insertions ---------------------------------------------------------------------

    def placed(self, v: int, trial: Trial) -> bool:
        return self.route_of[v] >= 0 or v in trial.route_of

    def trial_insert(self, trial: Trial, v: int, k: int, i: int) -> bool:
        """Insert visit ``v`` into route ``k`` before index ``i`` (of the route as modified by ``trial``) and
        propagate the starts; False if infeasible (the trial is then spoilt: use a copy)."""
        c = self.c
        routes = trial.routes
        base = routes[k] if k in routes else self.routes[k]
        nr = base[:i]
        nr.append(v)
        nr.extend(base[i:])
        routes[k] = nr
        where = trial.where
        for j in range(i, len(nr)):
            where[nr[j]] = j
        trial.route_of[v] = k
        # travel
        tvv = c.tvv
        if i > 0:
            pred = nr[i - 1]
            if i + 1 < len(nr):
                succ = nr[i + 1]
                d = tvv[pred][v] + tvv[v][succ] - tvv[pred][succ]
            else:
                d = tvv[pred][v] + c.tve[k][v] - c.tve[k][pred]
        elif len(nr) > 1:
            succ = nr[1]
            d = c.tsv[k][v] + tvv[v][succ] - c.tsv[k][succ]
        else:
            d = c.tsv[k][v] + c.tve[k][v]
        trial.d_travel += d
        if c.w_bal:
            trial.d_work[k] = trial.d_work.get(k, 0.0) + d + c.dur[v]
        trial.d_face += c.face[v][k]
        # the start of v
        starts = trial.starts
        start = self.start
        dtt = c.dtt
        if i > 0:
            pred = nr[i - 1]
            t = (starts[pred] if pred in starts else start[pred]) + dtt[pred][v]
        else:
            t = c.sstart[k] + c.tsv[k][v]
        if t < c.early[v]:
            t = c.early[v]
        for p, w in c.in_edges[v]:
            if self.route_of[p] >= 0 or p in trial.route_of:
                tp = (starts[p] if p in starts else start[p]) + w
                if tp > t:
                    t = tp
        starts[v] = t
        # propagate: walk each raised chain along its route, push partners onto the stack
        out_edges = c.out_edges
        self_routes, self_pos, self_route_of = self.routes, self.pos, self.route_of
        troute_of = trial.route_of
        stack = [v]
        while stack:
            x = stack.pop()
            kx = troute_of[x] if x in troute_of else self_route_of[x]
            r = routes[kx] if kx in routes else self_routes[kx]
            j = where[x] if x in where else self_pos[x]
            cur = x
            tc = starts[x]
            n_r = len(r)
            while True:
                for p, w in out_edges[cur]:
                    if self_route_of[p] >= 0 or p in troute_of:
                        tp = tc + w
                        if tp > (starts[p] if p in starts else start[p]) + EPS:
                            if p == v:
                                return False
                            starts[p] = tp
                            stack.append(p)
                j += 1
                if j >= n_r:
                    break
                y = r[j]
                ty = tc + dtt[cur][y]
                if ty <= (starts[y] if y in starts else start[y]) + EPS:
                    break
                if y == v:
                    return False
                starts[y] = ty
                cur, tc = y, ty
        return True

    def insert_bound(self, v: int, k: int, i: int) -> float:
        """A lower bound on the cost increase of inserting ``v`` into route ``k`` at index ``i``: exact for the
        route itself (travel, the pushed visits' tardiness), blind to pushes passed on to synchronised partners."""
        c = self.c
        r = self.routes[k]
        n_r = len(r)
        tvv, dtt, start, late = c.tvv, c.dtt, self.start, c.late
        if i > 0:
            pred = r[i - 1]
            t = start[pred] + dtt[pred][v]
            if i < n_r:
                d = tvv[pred][v] + tvv[v][r[i]] - tvv[pred][r[i]]
            else:
                d = tvv[pred][v] + c.tve[k][v] - c.tve[k][pred]
        else:
            t = c.sstart[k] + c.tsv[k][v]
            d = c.tsv[k][v] + (tvv[v][r[0]] - c.tsv[k][r[0]] if n_r else c.tve[k][v])
        if t < c.early[v]:
            t = c.early[v]
        for p, w in c.in_edges[v]:
            if self.route_of[p] >= 0 and start[p] + w > t:
                t = start[p] + w
        tmax = self.tard_max
        x = t - late[v]
        inc = x if x > 0 else 0.0
        top = x if x > tmax else tmax
        cur, tc = v, t
        for j in range(i, n_r):
            y = r[j]
            ty = tc + dtt[cur][y]
            sy = start[y]
            if ty <= sy + EPS:
                break
            ly = late[y]
            x = ty - ly
            if x > 0:
                inc += x
                if x > top:
                    top = x
                if sy > ly:
                    inc -= sy - ly
            cur, tc = y, ty
        return c.scale * (c.w_travel * d + c.w_tard * inc + c.w_max * (top - tmax) + c.face[v][k])

    def trial_cost(self, trial: Trial) -> float | None:
        """The cost of the state with ``trial`` applied (None if it breaks a shift end)."""
        c = self.c
        late, start, route_of = c.late, self.start, self.route_of
        tsum, tmax = self.tard_sum, self.tard_max
        for x, t in trial.starts.items():
            tn = t - late[x]
            if tn > 0:
                tsum += tn
                if tn > tmax:
                    tmax = tn
            if route_of[x] >= 0:
                to = start[x] - late[x]
                if to > 0:
                    tsum -= to
        if c.bounded_shifts and not self._shifts_kept(trial):
            return None
        total = c.w_travel * (self.travel + trial.d_travel) + c.w_tard * tsum + c.w_max * tmax
        total += self.faces + trial.d_face
        if c.w_bal:
            work = list(self.work)
            for k, d in trial.d_work.items():
                work[k] += d
            used = [w for k, w in enumerate(work) if self.routes[k] or k in trial.routes]
            total += c.w_bal * ((max(used) - min(used)) if used else 0.0)
        return c.scale * total

    def _shifts_kept(self, trial: Trial) -> bool:
        c = self.c
        touched = set(trial.routes)
        for x in trial.starts:
            touched.add(trial.route_of[x] if x in trial.route_of else self.route_of[x])
        for k in touched:
            r = trial.routes[k] if k in trial.routes else self.routes[k]
            if r:
                last = r[-1]
                t = trial.starts[last] if last in trial.starts else self.start[last]
                if t + c.dur[last] + c.tve[k][last] > c.send[k] + EPS:
                    return False
        return True

    def commit(self, trial: Trial) -> None:
        """Apply ``trial`` (feasible, costed) to the state."""
        c = self.c
        late, start = c.late, self.start
        touched: set[int] = set(trial.routes)
        for x, t in trial.starts.items():
            if self.route_of[x] >= 0:
                to = start[x] - late[x]
                if to > 0:
                    self.tard_sum -= to
                touched.add(self.route_of[x])
            tn = t - late[x]
            if tn > 0:
                self.tard_sum += tn
                if tn > self.tard_max:
                    self.tard_max = tn
            start[x] = t
        for k, r in trial.routes.items():
            self.routes[k] = r
            for j, v in enumerate(r):
                self.route_of[v] = k
                self.pos[v] = j
        self.travel += trial.d_travel
        self.faces += trial.d_face
        for k, d in trial.d_work.items():
            self.work[k] += d
        for k in touched:
            self.version[k] += 1
        self.stamp += 1

    # -- output -------------------------------------------------------------------------------

    def solution(self, unassigned: dict[int, str]) -> Solution:
        c = self.c
        routes = tuple(
            Route(
                s.id,
                tuple(Stop(c.ids[v], self.start[v], self.start[v] + c.dur[v]) for v in self.routes[k]),
            )
            for k, s in enumerate(c.problem.staff)
        )
        return Solution(routes, tuple(Unassigned(c.ids[v], reason) for v, reason in sorted(unassigned.items())))


def impossible_jobs(c: Compiled) -> dict[int, str]:
    """Visits that no plan can hold, by job, with the reason in Norwegian (for the planner on the screen)."""
    reasons: dict[int, str] = {}
    for job in c.jobs:
        why = ""
        for v in job:
            if not c.skilled[v]:
                why = f"Ingen ansatte har kompetansen «{c.skill[v]}» som besøket {c.ids[v]} krever."
                break
            if not c.allowed[v]:
                why = (
                    f"Besøket {c.ids[v]} passer ikke inn i vakten til noen av de ansatte med kompetansen "
                    f"«{c.skill[v]}»."
                )
                break
        if not why and any(v in c.bad_pair for v in job):
            why = "Synkroniseringen krever et minste tidsrom som er større enn det største."
        # simultaneous halves need distinct staff: a perfect matching of visits to able staff
        if not why and len(job) > 1 and not _distinct_staff_possible(c, job):
            why = "Det finnes ikke nok forskjellige ansatte med riktig kompetanse til å utføre besøkene samtidig."
        if why:
            for v in job:
                reasons[v] = why
    return reasons


def _distinct_staff_possible(c: Compiled, job: tuple[int, ...]) -> bool:
    """Whether the simultaneous visits of ``job`` can have pairwise different staff (one person cannot be in
    two places at once; sequential visits may share a staff member)."""
    together = [
        v
        for v in job
        if any(w == 0.0 and any(q == v and back == 0.0 for q, back in c.out_edges[p]) for p, w in c.out_edges[v])
    ]
    if len(together) < 2:
        return True
    match: dict[int, int] = {}

    def augment(v: int, seen: set[int]) -> bool:
        for k in c.allowed[v]:
            if k in seen:
                continue
            seen.add(k)
            if k not in match or augment(match[k], seen):
                match[k] = v
                return True
        return False

    return all(augment(v, set()) for v in together)
