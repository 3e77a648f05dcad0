"""The plain OR-Tools routing baseline: what a careful first attempt with a well-kept library gives.

One routing node per visit (a patient with two visits has two nodes at one place), one vehicle per
staff member with its own start and end node, the allowed vehicles per visit from the skills, a time
dimension (transit = service + travel, waiting as slack) with the window opening as a hard lower bound
and lateness as a soft upper bound, travel as the arc cost, synchronisation as constraints on the time
variables. ``PATH_CHEAPEST_ARC`` then guided local search until the time limit. The maximum tardiness
of the hhcrsp objective is not modelled (routing has no term for it) — that is the point of a baseline.

Times are scaled to integers (×1000, travel and durations rounded *up*, sync gaps inwards), so the
order OR-Tools returns is feasible in the true numbers; the start times are then recomputed exactly
(every visit as early as possible, :func:`.solver.core.least_starts`) so :func:`.evaluate.evaluate`
accepts them.
"""

from __future__ import annotations

import math
import time

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from helhet.planning.model import Problem, Route, Solution, Stop, Unassigned
from helhet.planning.solver.core import Compiled, impossible_jobs, least_starts

SCALE = 1000  # time units -> integer ticks
NO_SOLUTION = "OR-Tools fant ingen plan der besøket får plass innen tidsgrensen."


def _up(x: float) -> int:
    return math.ceil(x * SCALE - 1e-6)


def _down(x: float) -> int:
    return math.floor(x * SCALE + 1e-6)


def solve(problem: Problem, *, time_limit: float, seed: int = 0) -> Solution:
    """Plain OR-Tools routing (``seed`` is accepted for the common interface; the search is deterministic)."""
    started = time.monotonic()
    c = Compiled(problem)
    reasons = impossible_jobs(c)
    visits = [v for v in range(c.n) if v not in reasons]
    if not visits or c.k == 0:
        return _solution(c, [[] for _ in range(c.k)], reasons, [])
    m = len(visits)
    node_of = {v: i for i, v in enumerate(visits)}
    starts = [m + k for k in range(c.k)]
    ends = [m + c.k + k for k in range(c.k)]
    size = m + 2 * c.k
    travel = problem.travel
    loc = [c.loc[v] for v in visits] + c.staff_start_loc + c.staff_end_loc
    service = [_up(c.dur[v]) for v in visits] + [0] * (2 * c.k)
    is_end = [False] * (m + c.k) + [True] * c.k
    is_start = [False] * m + [True] * c.k + [False] * c.k
    arc = [[0] * size for _ in range(size)]
    transit = [[0] * size for _ in range(size)]
    w_travel = max(problem.weights.travel, 0.0)
    for a in range(size):
        if is_end[a]:
            continue
        row_arc, row_transit, la = arc[a], transit[a], loc[a]
        for b in range(size):
            if a == b or is_start[b] or (is_start[a] and is_end[b]):
                continue  # an unused staff member goes straight from start to end at no cost
            t = _up(min(float(travel[la][loc[b]]), c.horizon))  # an unreachable place: as far as the horizon
            row_arc[b] = round(w_travel * t)
            row_transit[b] = service[a] + t

    manager = pywrapcp.RoutingIndexManager(size, c.k, starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    arc_cb = routing.RegisterTransitMatrix(arc)
    time_cb = routing.RegisterTransitMatrix(transit)
    routing.SetArcCostEvaluatorOfAllVehicles(arc_cb)
    finite_ends = [x for x in c.send if math.isfinite(x)]
    horizon = _up(max([c.horizon, *finite_ends]))
    routing.AddDimension(time_cb, horizon, horizon, False, "time")
    clock = routing.GetDimensionOrDie("time")
    for k in range(c.k):
        clock.CumulVar(routing.Start(k)).SetRange(_up(c.sstart[k]), horizon)
        if math.isfinite(c.send[k]):
            clock.CumulVar(routing.End(k)).SetMax(_down(c.send[k]))
    tardiness = max(1, round(problem.weights.tardiness)) if problem.weights.tardiness > 0 else 0
    # (max tardiness, continuity and balance are not modelled: the baseline is plain routing)
    for v in visits:
        index = manager.NodeToIndex(node_of[v])
        clock.CumulVar(index).SetMin(_up(c.early[v]))
        if tardiness:
            clock.SetCumulVarSoftUpperBound(index, _down(c.late[v]), tardiness)
        # = SetAllowedVehiclesForIndex, whose binding in ortools 9.15 rejects every Python sequence (absl::Span)
        routing.VehicleVar(index).SetValues([-1, *c.allowed[v]])
    solver = routing.solver()
    for v in visits:
        for p, w in c.out_edges[v]:
            if p not in node_of:
                continue
            a, b = manager.NodeToIndex(node_of[v]), manager.NodeToIndex(node_of[p])
            # s_p >= s_v + w; a simultaneous pair has w == 0 both ways: one equality suffices
            if w == 0.0 and any(q == v and back == 0.0 for q, back in c.out_edges[p]):
                if v < p:
                    solver.Add(clock.CumulVar(a) == clock.CumulVar(b))
            else:
                gap = _up(w) if w >= 0 else -_down(-w)
                solver.Add(clock.CumulVar(b) >= clock.CumulVar(a) + gap)
    # every visit may be left out at a price far above any plan, so a plan always comes back
    penalty = 100 * (sum(max(row_arc) for row_arc in arc) + horizon * len(visits) * max(1, tardiness))
    for v in visits:
        routing.AddDisjunction([manager.NodeToIndex(node_of[v])], penalty)
    for k in range(c.k):
        routing.AddVariableMinimizedByFinalizer(clock.CumulVar(routing.End(k)))

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    remaining = max(0.1, time_limit - (time.monotonic() - started))
    params.time_limit.FromMilliseconds(int(remaining * 1000))
    found = routing.SolveWithParameters(params)
    if found is None:
        return _solution(c, [[] for _ in range(c.k)], reasons, visits)
    routes: list[list[int]] = []
    for k in range(c.k):
        route: list[int] = []
        index = routing.Start(k)
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            if node < m:
                route.append(visits[node])
            index = found.Value(routing.NextVar(index))
        routes.append(route)
    # a synchronised visit whose partner was left out is left out too (never half a pair)
    planned = {v for r in routes for v in r}
    left_out = {v for v in visits if any(w not in planned for w in c.jobs[c.job_of[v]])}
    routes = [[v for v in r if v not in left_out] for r in routes]
    return _solution(c, routes, reasons, sorted(left_out))


def _solution(c: Compiled, routes: list[list[int]], reasons: dict[int, str], failed: list[int]) -> Solution:
    start = least_starts(c, routes)
    if start is None:  # cannot happen for an order OR-Tools accepted (times rounded safely); never crash
        failed = [v for r in routes for v in r] + failed
        routes = [[] for _ in routes]
        start = [0.0] * c.n
    unassigned = dict(reasons)
    for v in failed:
        unassigned.setdefault(v, NO_SOLUTION)
    return Solution(
        tuple(
            Route(s.id, tuple(Stop(c.ids[v], start[v], start[v] + c.dur[v]) for v in routes[k]))
            for k, s in enumerate(c.problem.staff)
        ),
        tuple(Unassigned(c.ids[v], reason) for v, reason in sorted(unassigned.items())),
    )
