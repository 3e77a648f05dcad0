"""The VRPTW side of the planner: VRPLIB reading/writing, the validator and cost (DIMACS truncation), the solvers.

Runs on the copies in ``tests/planning/data/vrptw`` (see PROVENANCE.md there); when
``../shared/benchmarks/vrptw`` is present, every published best solution is checked as well.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest

from helhet.planning import vrptw
from helhet.planning.vrptw import FormatError

DATA = Path(__file__).parent / "data" / "vrptw"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "vrptw"
SHARED_SOLUTIONS = sorted(SHARED.glob("*.sol")) if SHARED.is_dir() else []

#: A hand-made instance: depot at (0, 0); customer 1 at (1, 1) (distance √2 = 1.414… → 1.4), customer 2 at
#: (3, 0) (from 1: √5 = 2.236… → 2.2; from the depot 3.0). Service 1, capacity 10.
TINY = """NAME : tiny
TYPE : VRPTW
DIMENSION : 3
VEHICLES : 2
CAPACITY : 10
SERVICE_TIME : 1
EDGE_WEIGHT_TYPE : EUC_2D
NODE_COORD_SECTION
1 0 0
2 1 1
3 3 0
DEMAND_SECTION
1 0
2 6
3 4
TIME_WINDOW_SECTION
1 0 {depot_due}
2 {ready_1} 10
3 0 {due_2}
DEPOT_SECTION
1
-1
EOF
"""


def tiny(tmp_path: Path, depot_due: str = "100", ready_1: str = "0", due_2: str = "100") -> vrptw.VrptwInstance:
    path = tmp_path / "tiny.vrp"
    path.write_text(TINY.format(depot_due=depot_due, ready_1=ready_1, due_2=due_2))
    return vrptw.read_instance(path)


@pytest.fixture(scope="module")
def c1() -> vrptw.VrptwInstance:
    return vrptw.read_instance(DATA / "C1_10_1.vrp")


@pytest.fixture(scope="module")
def c1_best() -> list[list[int]]:
    return vrptw.read_solution(DATA / "C1_10_1.sol")


@pytest.fixture(scope="module")
def small() -> vrptw.VrptwInstance:
    return vrptw.read_instance(DATA / "R1_10_1_first100.vrp")


# --- reading ---------------------------------------------------------------------------------------------------


def test_read_instance(c1: vrptw.VrptwInstance) -> None:
    assert c1.name == "C1_10_1"
    assert (c1.dimension, c1.num_customers, c1.capacity, c1.vehicles) == (1001, 1000, 200, 250)
    assert c1.coords[1].tolist() == [387, 297]
    assert c1.demands[0] == 0 and c1.demands[1] == 10
    assert c1.time_windows[0].tolist() == [0, 1824] and c1.time_windows[1].tolist() == [200, 270]
    assert c1.service_times[0] == 0 and set(c1.service_times[1:]) == {90}  # SERVICE_TIME: customers only
    # (250, 250) → (387, 297): √(137² + 47²) = 144.837… → 144.8
    assert c1.distance_tenths[0, 1] == 1448 and c1.distances[0, 1] == pytest.approx(144.8)
    assert np.array_equal(c1.distance_tenths, c1.distance_tenths.T)
    with pytest.raises(ValueError, match="read-only"):
        c1.distances[0, 1] = 0


def test_truncation_is_exact() -> None:
    # 3-4-5 triangles scaled: exactly 5.0, never 4.9 from a float 4.999…; √2 → 1.4; √0.02 → 0.1
    d = vrptw.truncated_distance_tenths([[0, 0], [3, 4], [1, 1], [30, 40]])
    assert d[0, 1] == 50 and d[0, 3] == 500 and d[0, 2] == 14
    assert vrptw.truncated_distance_tenths([[0.0, 0.0], [0.1, 0.1]])[0, 1] == 1
    rng = np.random.default_rng(1)
    pts = rng.integers(0, 1000, size=(60, 2))
    d = vrptw.truncated_distance_tenths(pts)
    for i, j in rng.integers(0, 60, size=(200, 2)):
        sq = int(((pts[i] - pts[j]) ** 2).sum())
        assert d[i, j] == math.isqrt(100 * sq)


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda t: t.replace("DEMAND_SECTION\n1 0\n2 6\n3 4\n", ""), "DEMAND_SECTION is missing"),
        (lambda t: t.replace("2 1 1\n", "2 1 x\n"), "NODE_COORD_SECTION"),
        (lambda t: t.replace("3 3 0\n", ""), "NODE_COORD_SECTION has shape 2 × 2"),
        (lambda t: t.replace("2 0 10\n", "2 20 10\n"), "TIME_WINDOW_SECTION: node 2"),
        (lambda t: t.replace("CAPACITY : 10", "CAPACITY : ten"), "CAPACITY"),
        (lambda t: t.replace("DIMENSION : 3\n", ""), "DIMENSION is missing"),
        (lambda t: t.replace("2 6\n", "2 -6\n"), "DEMAND_SECTION"),
        (lambda t: t.replace("1\n-1", "2\n-1"), "DEPOT_SECTION"),
        (lambda t: t.replace("EUC_2D", "GEO"), "EDGE_WEIGHT_TYPE"),
        (lambda t: t.replace("NODE_COORD_SECTION\n", "NODE_COORD_SECTION\nno colon here\n"), "tiny.vrp"),
    ],
)
def test_malformed_instance_names_file_and_field(tmp_path: Path, edit: object, field: str) -> None:
    path = tmp_path / "tiny.vrp"
    path.write_text(edit(TINY.format(depot_due=100, ready_1=0, due_2=100)))  # type: ignore[operator]
    with pytest.raises(FormatError, match=field) as exc:
        vrptw.read_instance(path)
    assert "tiny.vrp" in str(exc.value)


def test_malformed_solution(tmp_path: Path) -> None:
    path = tmp_path / "bad.sol"
    path.write_text("Cost 12.0\n")
    with pytest.raises(FormatError, match=r"bad\.sol.*Route"):
        vrptw.read_solution(path)
    path.write_text("Route #1: 1 two 3\nCost 12.0\n")
    with pytest.raises(FormatError, match=r"bad\.sol"):
        vrptw.read_solution(path)


def test_solution_round_trip(tmp_path: Path, c1: vrptw.VrptwInstance, c1_best: list[list[int]]) -> None:
    routes, cost = vrptw.read_solution_with_cost(DATA / "C1_10_1.sol")
    assert routes == c1_best and len(routes) == 100 and routes[0][:3] == [6, 268, 980]
    assert cost == 42444.8
    out = tmp_path / "out.sol"
    vrptw.write_solution([*routes, []], cost, out)  # an empty route is left out
    text = out.read_text()
    assert text.startswith("Route #1: 6 268 980 ") and "Route #100: 997 87" in text and "Route #101" not in text
    assert text.endswith("\nCost 42444.8\n")
    assert vrptw.read_solution_with_cost(out) == (routes, cost)
    vrptw.write_solution([[1]], 40060.0, out)
    assert out.read_text() == "Route #1: 1\nCost 40060.0\n"


# --- the validator and the cost ----------------------------------------------------------------------------------


def test_published_best_solution_is_valid_and_cost_matches(c1: vrptw.VrptwInstance) -> None:
    routes, cost = vrptw.read_solution_with_cost(DATA / "C1_10_1.sol")
    result = vrptw.evaluate(c1, routes)
    assert result.valid, result.violations[:5]
    assert result.cost == cost == 42444.8
    assert result.vehicles == 100


@pytest.mark.skipif(not SHARED_SOLUTIONS, reason="../shared/benchmarks/vrptw is not here")
@pytest.mark.parametrize("sol", SHARED_SOLUTIONS, ids=lambda p: p.stem)
def test_every_published_best_solution_in_shared(sol: Path) -> None:
    instance = vrptw.read_instance(sol.with_suffix(".vrp"))
    routes, cost = vrptw.read_solution_with_cost(sol)
    result = vrptw.evaluate(instance, routes)
    assert result.valid, result.violations[:5]
    assert result.cost == cost


def test_dropped_customer(c1: vrptw.VrptwInstance, c1_best: list[list[int]]) -> None:
    routes = copy.deepcopy(c1_best)
    dropped = routes[3].pop(2)
    result = vrptw.evaluate(c1, routes)
    assert result.violations == [f"customer {dropped} is not visited"]


def test_duplicated_customer(c1: vrptw.VrptwInstance, c1_best: list[list[int]]) -> None:
    routes = copy.deepcopy(c1_best)
    routes[0].append(routes[0][-1])  # the same customer twice in a row: no travel, but served twice
    assert f"customer {routes[0][-1]} is visited 2 times" in vrptw.evaluate(c1, routes).violations
    routes = copy.deepcopy(c1_best)
    routes[5].insert(0, routes[7][0])  # and once in each of two routes
    assert f"customer {routes[7][0]} is visited 2 times" in vrptw.evaluate(c1, routes).violations


def test_unknown_ids(c1: vrptw.VrptwInstance, c1_best: list[list[int]]) -> None:
    routes = [*copy.deepcopy(c1_best), [0, 1001]]
    violations = vrptw.evaluate(c1, routes).violations
    assert "route 101: 0 is not a customer id (1..1000)" in violations
    assert "route 101: 1001 is not a customer id (1..1000)" in violations


def test_over_capacity(c1: vrptw.VrptwInstance, c1_best: list[list[int]]) -> None:
    routes = copy.deepcopy(c1_best)
    routes[0] = routes[0] + routes.pop(1)
    load = int(c1.demands[routes[0]].sum())
    assert load > 200
    assert f"route 1: load {load} exceeds the capacity 200" in vrptw.evaluate(c1, routes).violations


def test_late_arrival(c1: vrptw.VrptwInstance, c1_best: list[list[int]]) -> None:
    routes = copy.deepcopy(c1_best)
    routes[0].reverse()
    violations = vrptw.evaluate(c1, routes).violations
    assert violations and all("after its due date" in v for v in violations)
    assert any(v.startswith("route 1: service at customer") for v in violations)


def test_too_many_vehicles(tmp_path: Path) -> None:
    inst = tiny(tmp_path)
    assert vrptw.evaluate(inst, [[1], [2], []]).valid  # an empty route is no vehicle
    inst = vrptw.VrptwInstance(
        name="one",
        coords=inst.coords,
        demands=inst.demands,
        capacity=inst.capacity,
        time_windows=inst.time_windows,
        service_times=inst.service_times,
        distance_tenths=inst.distance_tenths,
        vehicles=1,
    )
    assert vrptw.evaluate(inst, [[1], [2]]).violations == ["2 routes, but only 1 vehicles"]


def test_tiny_cost_waiting_and_boundaries(tmp_path: Path) -> None:
    inst = tiny(tmp_path)
    result = vrptw.evaluate(inst, [[1, 2]])
    assert result.valid and result.vehicles == 1
    assert result.cost == 1.4 + 2.2 + 3.0  # 6.6 exactly: summed in whole tenths
    # 0 → 1 arrives at 1.4, serves to 2.4, reaches 2 at 4.6: a due date of 4.6 is kept, 4.5 is not
    assert vrptw.evaluate(tiny(tmp_path, due_2="4.6"), [[1, 2]]).valid
    assert vrptw.evaluate(tiny(tmp_path, due_2="4.5"), [[1, 2]]).violations == [
        "route 1: service at customer 2 starts at 4.6, after its due date 4.5"
    ]
    # waiting is allowed: customer 1 is ready at 5, so service 5..6, at 2 at 8.2, service to 9.2, depot at 12.2
    assert vrptw.evaluate(tiny(tmp_path, ready_1="5", due_2="8.2"), [[1, 2]]).valid
    assert vrptw.evaluate(tiny(tmp_path, ready_1="5", depot_due="12.2"), [[1, 2]]).valid
    assert vrptw.evaluate(tiny(tmp_path, ready_1="5", depot_due="12.1"), [[1, 2]]).violations == [
        "route 1: back at the depot at 12.2, after its due date 12.1"
    ]
    # capacity 10 = 6 + 4: exactly full is fine
    assert vrptw.evaluate(inst, [[2, 1]]).valid


# --- solvers -----------------------------------------------------------------------------------------------------


def test_solve_pyvrp_returns_a_valid_solution(small: vrptw.VrptwInstance) -> None:
    routes = vrptw.solve(small, time_limit=2, seed=1)
    result = vrptw.evaluate(small, routes)
    assert result.valid, result.violations[:5]
    assert sorted(c for r in routes for c in r) == list(range(1, 101))


def test_solve_pyvrp_is_deterministic_with_an_iteration_cap(small: vrptw.VrptwInstance) -> None:
    first = vrptw.solve(small, time_limit=30, seed=7, max_iterations=100)
    assert vrptw.solve(small, time_limit=30, seed=7, max_iterations=100) == first


def test_solve_baseline_returns_a_valid_solution(small: vrptw.VrptwInstance) -> None:
    routes = vrptw.solve_baseline(small, time_limit=2)
    result = vrptw.evaluate(small, routes)
    assert result.valid, result.violations[:5]


def test_solve_tiny(tmp_path: Path) -> None:
    inst = tiny(tmp_path, due_2="4.6")
    for routes in (vrptw.solve(inst, time_limit=0.5), vrptw.solve_baseline(inst, time_limit=0.5)):
        assert vrptw.evaluate(inst, routes).valid
