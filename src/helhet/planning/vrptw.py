"""VRPTW benchmark side of the planner: the Gehring & Homberger instances in VRPLIB format (issue 5).

Reads instances (``.vrp``) and solutions (``.sol``), writes solutions, checks a solution and prices
it, and solves an instance with PyVRP (:func:`solve`) or with plain OR-Tools routing
(:func:`solve_baseline`, the baseline the planner is measured against).

Conventions (``shared/benchmarks/README.md``, «vrptw/», the DIMACS 2021 VRPTW challenge): node 0 is
the depot, nodes ``1..n`` the customers, and a route lists customer node ids (the depot left out),
as in the published ``.sol`` files. Distances *and* travel times are the Euclidean distance
truncated to one decimal, ``floor(10 * d) / 10``; the objective is the total distance. Everything
is computed internally in whole tenths (``VrptwInstance.distance_tenths``), so the truncation, the
time-window checks and the cost are exact, with no floating-point drift. A service starts no
earlier than the customer's ready time (waiting is allowed) and no later than its due date; the
vehicle leaves the depot no earlier than the depot's ready time and is back by its due date.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import vrplib

from helhet.planning.hhcrsp import FormatError

__all__ = [
    "FormatError",
    "VrptwEvaluation",
    "VrptwInstance",
    "default_params",
    "evaluate",
    "format_cost",
    "problem_data",
    "read_instance",
    "read_solution",
    "read_solution_with_cost",
    "solve",
    "solve_baseline",
    "truncated_distance_tenths",
    "write_solution",
]

Routes = list[list[int]]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Time windows and service times are compared in whole tenths; a value a hair off a tenth
#: (floating-point noise in a file) is taken as that tenth.
_EPS = 1e-6


@dataclass(frozen=True, eq=False)
class VrptwInstance:
    """One VRPTW instance. Node 0 is the depot; arrays are indexed by node and read-only.

    ``distances`` is the DIMACS distance (= travel time), ``floor(10 * d) / 10``;
    ``distance_tenths`` the same in whole tenths (exact integers: what the solvers and
    :func:`evaluate` use). ``vehicles`` is the fleet size when the file gives one.
    """

    name: str
    coords: FloatArray
    demands: IntArray
    capacity: int
    time_windows: FloatArray  # (n, 2): ready time, due date
    service_times: FloatArray
    distance_tenths: IntArray
    vehicles: int | None = None
    distances: FloatArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "distances", self.distance_tenths / 10.0)
        for name in ("coords", "demands", "time_windows", "service_times", "distance_tenths", "distances"):
            getattr(self, name).flags.writeable = False

    @property
    def dimension(self) -> int:
        """Number of nodes, depot included."""
        return len(self.demands)

    @property
    def num_customers(self) -> int:
        return self.dimension - 1

    @property
    def ready_tenths(self) -> IntArray:
        """Earliest service start per node, in whole tenths (rounded up to a tenth)."""
        return np.ceil(self.time_windows[:, 0] * 10 - _EPS).astype(np.int64)

    @property
    def due_tenths(self) -> IntArray:
        """Latest service start per node (the depot: latest return), in whole tenths (rounded down)."""
        return np.floor(self.time_windows[:, 1] * 10 + _EPS).astype(np.int64)

    @property
    def service_tenths(self) -> IntArray:
        return np.round(self.service_times * 10).astype(np.int64)


@dataclass
class VrptwEvaluation:
    """Total distance (DIMACS truncation), every broken rule in English, and the number of non-empty routes."""

    cost: float
    violations: list[str]
    vehicles: int

    @property
    def valid(self) -> bool:
        return not self.violations


# --- reading and writing ---------------------------------------------------------------------------------------


def truncated_distance_tenths(coords: npt.ArrayLike) -> IntArray:
    """``floor(10 * euclidean distance)`` between every pair of points, exactly.

    With whole-number coordinates (every published instance) this is ``isqrt(100 * (dx² + dy²))``,
    computed without rounding error; otherwise the float distance is truncated (with a hair of
    tolerance so that 14.3 stored as 14.29999… stays 14.3).
    """
    xy = np.asarray(coords, dtype=np.float64)
    if np.all(xy == np.round(xy)) and np.abs(xy).max(initial=0) < 2**20:
        c = xy.astype(np.int64)
        dx = c[:, None, 0] - c[None, :, 0]
        dy = c[:, None, 1] - c[None, :, 1]
        n = 100 * (dx * dx + dy * dy)
        root = np.floor(np.sqrt(n.astype(np.float64))).astype(np.int64)
        root -= (root * root > n).astype(np.int64)  # integer fix-up: root = isqrt(n)
        root += ((root + 1) * (root + 1) <= n).astype(np.int64)
        return root
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=-1))
    return np.floor(10 * d + _EPS).astype(np.int64)


def _field(path: Path, raw: dict[str, Any], key: str, label: str) -> Any:
    if key not in raw:
        raise FormatError(f"{path}: {label} is missing")
    return raw[key]


def _numeric(path: Path, label: str, value: Any, shape: tuple[int, ...]) -> FloatArray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise FormatError(f"{path}: {label} has a value that is not a number, or rows of different lengths") from None
    if arr.shape != shape:
        want = " × ".join(str(s) for s in shape)
        got = " × ".join(str(s) for s in arr.shape)
        raise FormatError(f"{path}: {label} has shape {got}, expected {want} (DIMENSION rows)")
    if not np.all(np.isfinite(arr)):
        raise FormatError(f"{path}: {label} has a value that is not a finite number")
    return arr


def read_instance(path: str | os.PathLike[str]) -> VrptwInstance:
    """Read a VRPTW instance in VRPLIB format (``.vrp``, EUC_2D or an explicit edge-weight matrix).

    Raises :class:`FormatError` naming the file and the field when the file is malformed.
    """
    p = Path(path)
    try:
        raw = vrplib.read_instance(p, compute_edge_weights=False)
    except OSError:
        raise
    except Exception as exc:  # vrplib raises ValueError/RuntimeError/IndexError on bad text
        raise FormatError(f"{p}: not a readable VRPLIB instance ({exc})") from exc
    if not raw:
        raise FormatError(f"{p}: empty file, no VRPLIB fields")

    dim = _field(p, raw, "dimension", "DIMENSION")
    if not isinstance(dim, int) or dim < 2:
        raise FormatError(f"{p}: DIMENSION must be a whole number ≥ 2, got {dim!r}")
    capacity = _field(p, raw, "capacity", "CAPACITY")
    if not isinstance(capacity, int) or capacity <= 0:
        raise FormatError(f"{p}: CAPACITY must be one positive whole number, got {capacity!r}")
    vehicles = raw.get("vehicles")
    if vehicles is not None and (not isinstance(vehicles, int) or vehicles <= 0):
        raise FormatError(f"{p}: VEHICLES must be a positive whole number, got {vehicles!r}")

    depot = np.asarray(raw.get("depot", [0]))
    if depot.size != 1 or int(depot.ravel()[0]) != 0:
        raise FormatError(f"{p}: DEPOT_SECTION must name exactly one depot, node 1 (got {depot.ravel().tolist()})")

    demand = _numeric(p, "DEMAND_SECTION", _field(p, raw, "demand", "DEMAND_SECTION"), (dim,))
    if np.any(demand < 0) or np.any(demand != np.round(demand)):
        raise FormatError(f"{p}: DEMAND_SECTION must hold whole numbers ≥ 0")
    if demand[0] != 0:
        raise FormatError(f"{p}: DEMAND_SECTION gives the depot a demand of {demand[0]:g}, expected 0")

    tw = _numeric(p, "TIME_WINDOW_SECTION", _field(p, raw, "time_window", "TIME_WINDOW_SECTION"), (dim, 2))
    bad = np.flatnonzero(tw[:, 0] > tw[:, 1])
    if bad.size:
        raise FormatError(f"{p}: TIME_WINDOW_SECTION: node {bad[0] + 1} has its ready time after its due date")

    service_raw = raw.get("service_time", 0)
    if np.ndim(service_raw) == 0:  # one SERVICE_TIME for every customer
        service_value = _numeric(p, "SERVICE_TIME", service_raw, ())
        service = np.full(dim, float(service_value))
        service[0] = 0.0
    else:
        service = _numeric(p, "SERVICE_TIME_SECTION", service_raw, (dim,))
    if np.any(service < 0):
        raise FormatError(f"{p}: service times must be ≥ 0")

    coords: FloatArray
    if "edge_weight" in raw:
        weights = _numeric(p, "EDGE_WEIGHT_SECTION", raw["edge_weight"], (dim, dim))
        tenths = np.floor(10 * weights + _EPS).astype(np.int64)
        coords = (
            _numeric(p, "NODE_COORD_SECTION", raw["node_coord"], (dim, 2))
            if "node_coord" in raw
            else np.zeros((dim, 2))
        )
    else:
        kind = raw.get("edge_weight_type", "EUC_2D")
        if kind != "EUC_2D":
            raise FormatError(f"{p}: EDGE_WEIGHT_TYPE {kind!r} is not supported (EUC_2D or an EDGE_WEIGHT_SECTION)")
        coords = _numeric(p, "NODE_COORD_SECTION", _field(p, raw, "node_coord", "NODE_COORD_SECTION"), (dim, 2))
        tenths = truncated_distance_tenths(coords)

    return VrptwInstance(
        name=str(raw.get("name", p.stem)),
        coords=coords,
        demands=demand.astype(np.int64),
        capacity=capacity,
        time_windows=tw,
        service_times=service,
        distance_tenths=tenths,
        vehicles=vehicles,
    )


def read_solution_with_cost(path: str | os.PathLike[str]) -> tuple[Routes, float | None]:
    """Routes (customer node ids) and the ``Cost`` line of a VRPLIB ``.sol`` file (``None`` if it has none)."""
    p = Path(path)
    try:
        raw = vrplib.read_solution(p)
    except OSError:
        raise
    except Exception as exc:  # a route with a token that is not a whole number
        raise FormatError(f"{p}: a Route line holds something that is not a customer id ({exc})") from exc
    routes: Routes = [list(map(int, r)) for r in raw.get("routes", [])]
    if not routes:
        raise FormatError(f"{p}: no «Route #k:» lines")
    cost = raw.get("cost")
    if cost is not None and not isinstance(cost, int | float):
        raise FormatError(f"{p}: Cost is not a number: {cost!r}")
    return routes, None if cost is None else float(cost)


def read_solution(path: str | os.PathLike[str]) -> Routes:
    """The routes of a VRPLIB ``.sol`` file: one list of customer node ids (1..n) per vehicle."""
    return read_solution_with_cost(path)[0]


def format_cost(cost: float) -> str:
    """A cost as the published files write it: one decimal (DIMACS), more only if the value has more."""
    return f"{cost:.1f}" if math.isclose(cost * 10, round(cost * 10), abs_tol=1e-6) else repr(cost)


def write_solution(routes: Routes, cost: float, path: str | os.PathLike[str]) -> None:
    """Write ``routes`` in the VRPLIB ``.sol`` format of the published solutions (``Route #k: …``, ``Cost …``).

    Empty routes are left out (the route numbers stay consecutive).
    """
    lines = [
        f"Route #{k}: {' '.join(str(c) for c in route)}" for k, route in enumerate((r for r in routes if r), start=1)
    ]
    lines.append(f"Cost {format_cost(cost)}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- the validator and the cost --------------------------------------------------------------------------------


def evaluate(instance: VrptwInstance, routes: Routes) -> VrptwEvaluation:
    """Total distance of ``routes`` (DIMACS truncation) and every broken rule.

    Rules: every customer exactly once; no route over capacity; no service starts after the
    customer's due date (arriving early means waiting); every vehicle back at the depot by its
    due date; no more routes than ``instance.vehicles`` (when given). Empty routes are ignored.
    """
    n = instance.dimension
    dist = instance.distance_tenths
    ready, due, service = instance.ready_tenths, instance.due_tenths, instance.service_tenths
    demands = instance.demands
    violations: list[str] = []
    seen = np.zeros(n, dtype=np.int64)
    total = 0
    used = [r for r in routes if r]

    for k, route in enumerate(used, start=1):
        known = [c for c in route if 0 < c < n]
        for c in route:
            if not 0 < c < n:
                violations.append(f"route {k}: {c} is not a customer id (1..{n - 1})")
        np.add.at(seen, known, 1)  # counts an id repeated within one route each time
        load = int(demands[known].sum()) if known else 0
        if load > instance.capacity:
            violations.append(f"route {k}: load {load} exceeds the capacity {instance.capacity}")
        t = int(ready[0])
        prev = 0
        for c in known:
            total += int(dist[prev, c])
            t = max(t + int(dist[prev, c]), int(ready[c]))
            if t > due[c]:
                violations.append(
                    f"route {k}: service at customer {c} starts at {t / 10:g}, after its due date {due[c] / 10:g}"
                )
            t += int(service[c])
            prev = c
        total += int(dist[prev, 0])
        t += int(dist[prev, 0])
        if t > due[0]:
            violations.append(f"route {k}: back at the depot at {t / 10:g}, after its due date {due[0] / 10:g}")

    for node in (np.flatnonzero(seen[1:] == 0) + 1).tolist():
        violations.append(f"customer {node} is not visited")
    for node in (np.flatnonzero(seen[1:] > 1) + 1).tolist():
        violations.append(f"customer {node} is visited {seen[node]} times")
    if instance.vehicles is not None and len(used) > instance.vehicles:
        violations.append(f"{len(used)} routes, but only {instance.vehicles} vehicles")
    return VrptwEvaluation(cost=total / 10, violations=violations, vehicles=len(used))


# --- solvers ---------------------------------------------------------------------------------------------------


def _fleet(instance: VrptwInstance) -> int:
    return instance.vehicles if instance.vehicles is not None else instance.num_customers


def problem_data(instance: VrptwInstance) -> Any:
    """The instance as a ``pyvrp.ProblemData`` in whole tenths (distance = duration = ``distance_tenths``)."""
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType

    ready, due, service = instance.ready_tenths, instance.due_tenths, instance.service_tenths
    locations = [Location(x=float(x), y=float(y)) for x, y in instance.coords]
    depot = Depot(location=0, tw_early=int(ready[0]), tw_late=int(due[0]))
    clients = [
        Client(
            location=i,
            delivery=[int(instance.demands[i])],
            service_duration=int(service[i]),
            tw_early=int(ready[i]),
            tw_late=int(due[i]),
        )
        for i in range(1, instance.dimension)
    ]
    vehicle_type = VehicleType(
        num_available=_fleet(instance),
        capacity=[instance.capacity],
        tw_early=int(ready[0]),
        tw_late=int(due[0]),
    )
    matrix: Any = np.ascontiguousarray(instance.distance_tenths)  # PyVRP's stub types it ndarray[int]
    return ProblemData(locations, clients, [depot], [vehicle_type], [matrix], [matrix])


#: PyVRP settings that differ from its defaults, chosen by measurement (``docs/planner-measurements.md``, «VRPTW»):
#: a shorter late-acceptance history (100 instead of 300) and smaller perturbations (at most 10 instead of 25
#: moves) suit a 30-120 s budget on 1000 customers; R1_10_1 at 120 s: gap 3.2 % → 1.9 %.
HISTORY_LENGTH = 100
MAX_PERTURBATIONS = 10


def default_params() -> Any:
    """The ``pyvrp.SolveParams`` :func:`solve` uses unless told otherwise (see :data:`HISTORY_LENGTH`)."""
    from pyvrp import IteratedLocalSearchParams, SolveParams
    from pyvrp.search import PerturbationParams

    return SolveParams(
        ils=IteratedLocalSearchParams(history_length=HISTORY_LENGTH),
        perturbation=PerturbationParams(max_perturbations=MAX_PERTURBATIONS),
    )


def solve(
    instance: VrptwInstance,
    *,
    time_limit: float,
    seed: int = 0,
    max_iterations: int | None = None,
    params: Any = None,
) -> Routes:
    """Solve with PyVRP's iterated local search; returns the best solution found within ``time_limit`` seconds.

    The limit counts from the call (building the data and the first solution included). With
    ``max_iterations`` the search also stops after that many iterations — the way to get exactly
    the same routes for the same ``seed`` (a pure time limit stops after however many iterations
    the machine managed). ``params``: a ``pyvrp.SolveParams`` (neighbourhood, perturbation and
    search settings); :func:`default_params` otherwise. If no feasible solution was found in time, the
    best infeasible one is returned (:func:`evaluate` says what it breaks).
    """
    from pyvrp import solve as pyvrp_solve
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

    started = time.perf_counter()
    data = problem_data(instance)
    runtime = MaxRuntime(max(0.0, time_limit - (time.perf_counter() - started)))
    runtime(0)  # start its clock now, so PyVRP's first (exhaustive) local search counts towards the limit
    stop: StoppingCriterion = runtime
    if max_iterations is not None:
        stop = MultipleCriteria([stop, MaxIterations(max_iterations)])
    chosen = params if params is not None else default_params()
    result = pyvrp_solve(data, stop=stop, seed=seed, collect_stats=False, display=False, params=chosen)
    return [
        [data.client(activity.idx).location for activity in route if activity.is_client()]
        for route in result.best.routes()
    ]


def solve_baseline(instance: VrptwInstance, *, time_limit: float) -> Routes:
    """Solve with plain OR-Tools routing (the baseline): CVRPTW, PATH_CHEAPEST_ARC + GUIDED_LOCAL_SEARCH.

    Whole tenths throughout: arc cost = distance, a time dimension (travel + service at the node
    left, slack for waiting, each node's window as its cumul range, the depot's window for the
    vehicle's start and end) and a capacity dimension. The limit counts from the call. Returns
    no routes (``[]``) when OR-Tools finds no solution in time, which :func:`evaluate` reports
    as every customer unvisited.
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    started = time.perf_counter()
    n = instance.dimension
    fleet = _fleet(instance)
    ready, due, service = instance.ready_tenths, instance.due_tenths, instance.service_tenths
    manager = pywrapcp.RoutingIndexManager(n, fleet, 0)
    routing = pywrapcp.RoutingModel(manager)

    dist = instance.distance_tenths
    arc = routing.RegisterTransitMatrix(dist.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(arc)
    travel_and_service = routing.RegisterTransitMatrix((dist + service[:, None]).tolist())
    horizon = int(due[0])
    routing.AddDimension(travel_and_service, horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    for node in range(1, n):
        time_dim.CumulVar(manager.NodeToIndex(node)).SetRange(int(ready[node]), int(due[node]))
    for v in range(fleet):
        time_dim.CumulVar(routing.Start(v)).SetRange(int(ready[0]), int(due[0]))
        time_dim.CumulVar(routing.End(v)).SetRange(int(ready[0]), int(due[0]))
    demand = routing.RegisterUnaryTransitVector([int(d) for d in instance.demands])
    routing.AddDimensionWithVehicleCapacity(demand, 0, [instance.capacity] * fleet, True, "Capacity")

    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    search.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    remaining = max(0.001, time_limit - (time.perf_counter() - started))
    search.time_limit.FromMilliseconds(max(1, int(remaining * 1000)))
    assignment = routing.SolveWithParameters(search)
    if assignment is None:
        return []
    routes: Routes = []
    for v in range(fleet):
        index = assignment.Value(routing.NextVar(routing.Start(v)))
        route: list[int] = []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = assignment.Value(routing.NextVar(index))
        if route:
            routes.append(route)
    return routes
