"""The hhcrsp solvers: our planner (:mod:`helhet.planning.solver`) and the plain OR-Tools baseline.

Both must return plans the one validator accepts, state why a visit nobody can do is unassigned, and
ours must be reproducible for a seed and at least as good as the baseline on the small instances. The
exact schedule under our planner (every visit as early as the orders allow) is checked on hand-made
cases and against a full recomputation after random insertions.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from pathlib import Path

import pytest

from helhet.planning import baseline, hhcrsp, solver
from helhet.planning.evaluate import evaluate
from helhet.planning.model import Problem, Solution, Staff, Sync, SyncKind, Visit, Weights
from helhet.planning.solver.core import Compiled, State, Trial, least_starts
from helhet.planning.solver.search import Search

DATA = Path(__file__).parent / "data" / "hhcrsp"
INSTANCES = DATA / "instances"


def load(name: str) -> Problem:
    return hhcrsp.read_instance(INSTANCES / f"{name}.json.gz")


def best_known(name: str) -> float:
    return hhcrsp.best_known(DATA / "best_known.md")[name]


def planned(solution: Solution) -> set[str]:
    return {stop.visit for route in solution.routes for stop in route.stops}


def grid_problem(
    visits: list[Visit],
    staff: list[Staff],
    syncs: tuple[Sync, ...] = (),
    *,
    points: int = 6,
    weights: Weights | None = None,
) -> Problem:
    """Locations 0..points-1 on a line, 10 apart (travel = distance)."""
    travel = tuple(tuple(10.0 * abs(a - b) for b in range(points)) for a in range(points))
    return Problem("hand-made", tuple(visits), tuple(staff), travel, syncs, weights or Weights())


# -- both solvers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["toy", "InstanzCPLEX_HCSRP_10_1", "InstanzCPLEX_HCSRP_25_6"])
@pytest.mark.parametrize("solve", [solver.solve, baseline.solve], ids=["ours", "baseline"])
def test_both_solvers_return_plans_the_validator_accepts(name: str, solve: object) -> None:
    problem = load(name)
    solution = solve(problem, time_limit=1.0, seed=0)  # type: ignore[operator]
    result = evaluate(problem, solution)
    assert result.valid, result.violations
    assert not solution.unassigned
    assert planned(solution) == {v.id for v in problem.visits}


def impossible_problem() -> Problem:
    """p1 is easy; p2 needs a skill nobody has, and its sync partner p2b must go with it; p3 opens after
    every shift has ended."""
    visits = [
        Visit("p1", 1, 0, 100, 10, "nurse", "A"),
        Visit("p2", 2, 0, 100, 10, "surgeon", "B"),
        Visit("p2b", 2, 0, 100, 10, "nurse", "B"),
        Visit("p3", 3, 500, 600, 10, "nurse", "C"),
    ]
    staff = [Staff("s1", frozenset({"nurse"}), 0, 0, 0, 300), Staff("s2", frozenset({"nurse"}), 0, 0, 0, 300)]
    return grid_problem(visits, staff, (Sync(SyncKind.SIMULTANEOUS, "p2", "p2b"),))


@pytest.mark.parametrize("solve", [solver.solve, baseline.solve], ids=["ours", "baseline"])
def test_an_impossible_visit_comes_back_unassigned_with_the_reason(solve: object) -> None:
    problem = impossible_problem()
    solution = solve(problem, time_limit=1.0, seed=0)  # type: ignore[operator]
    assert evaluate(problem, solution).valid
    assert planned(solution) == {"p1"}
    reasons = {u.visit: u.reason for u in solution.unassigned}
    assert set(reasons) == {"p2", "p2b", "p3"}
    assert "Ingen ansatte har kompetansen «surgeon»" in reasons["p2"]
    assert reasons["p2b"] == reasons["p2"]  # half a pair is never planned
    assert "passer ikke inn i vakten" in reasons["p3"]


def test_no_staff_and_no_visits_do_not_crash() -> None:
    visit = Visit("p1", 1, 0, 100, 10, "nurse")
    for solve in (solver.solve, baseline.solve):
        nobody = solve(grid_problem([visit], []), time_limit=0.5)
        assert [u.visit for u in nobody.unassigned] == ["p1"]
        nothing = solve(grid_problem([], [Staff("s1", frozenset({"nurse"}), 0, 0)]), time_limit=0.5)
        assert nothing.unassigned == () and all(not r.stops for r in nothing.routes)


def test_two_simultaneous_visits_need_two_people() -> None:
    visits = [Visit("a", 1, 0, 100, 10, "nurse"), Visit("b", 1, 0, 100, 10, "nurse")]
    problem = grid_problem(visits, [Staff("s1", frozenset({"nurse"}), 0, 0)], (Sync(SyncKind.SIMULTANEOUS, "a", "b"),))
    solution = solver.solve(problem, time_limit=0.5)
    assert {u.visit for u in solution.unassigned} == {"a", "b"}
    assert "samtidig" in solution.unassigned[0].reason


# -- our planner ---------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_plan() -> None:
    problem = load("InstanzCPLEX_HCSRP_25_6")
    first = solver.solve(problem, time_limit=60.0, seed=7, max_iterations=150)
    again = solver.solve(problem, time_limit=60.0, seed=7, max_iterations=150)
    assert first == again
    assert evaluate(problem, first).valid


@pytest.mark.parametrize("name", ["toy", "InstanzCPLEX_HCSRP_10_1", "InstanzCPLEX_HCSRP_10_3"])
def test_ours_is_near_the_best_known_and_not_worse_than_the_baseline(name: str) -> None:
    problem = load(name)
    ours = evaluate(problem, solver.solve(problem, time_limit=1.0, seed=0))
    theirs = evaluate(problem, baseline.solve(problem, time_limit=1.0))
    assert ours.valid and theirs.valid
    assert ours.cost <= best_known(name) * 1.01
    assert ours.cost <= theirs.cost + 1e-6


def test_shifts_start_and_end_places_and_all_soft_terms_are_kept() -> None:
    """Bounded shifts with different start and end places, continuity and balance weights: the plan is valid
    and the planner's own cost is the validator's."""
    visits = [
        Visit(f"v{i}", 1 + i % 5, 20.0 * i, 20.0 * i + 60, 15, "nurse" if i % 3 else "lift", f"P{i % 4}")
        for i in range(10)
    ]
    staff = [
        Staff("s1", frozenset({"nurse", "lift"}), 0, 5, 0, 400, frozenset({"P0", "P1"})),
        Staff("s2", frozenset({"nurse"}), 5, 0, 30, 400, frozenset({"P2"})),
        Staff("s3", frozenset({"nurse", "lift"}), 2, 2, 0, 300),
    ]
    syncs = (Sync(SyncKind.SEQUENTIAL, "v1", "v2", 5, 40),)
    problem = grid_problem(visits, staff, syncs, weights=Weights(new_face=20, balance=0.5))
    solution = solver.solve(problem, time_limit=0.5, seed=1)
    result = evaluate(problem, solution)
    assert result.valid, result.violations
    assert not solution.unassigned
    c = Compiled(problem)
    index = {s.id: k for k, s in enumerate(problem.staff)}
    routes = [[] for _ in problem.staff]  # type: list[list[int]]
    for route in solution.routes:
        routes[index[route.staff]] = [c.index[stop.visit] for stop in route.stops]
    assert State(c, routes).cost() == pytest.approx(result.cost)


# -- the exact schedule --------------------------------------------------------------------------------


def test_the_schedule_is_as_early_as_the_orders_allow() -> None:
    visits = [
        Visit("a", 1, 0, 100, 10, "x"),
        Visit("b", 2, 50, 100, 10, "x"),
        Visit("c", 3, 0, 100, 10, "x"),
        Visit("d", 1, 0, 100, 10, "x"),
    ]
    staff = [Staff("s1", frozenset({"x"}), 0, 0), Staff("s2", frozenset({"x"}), 0, 0)]
    a, b, cc, d = range(4)
    # s1: a then b (b opens at 50); s2: d then c. b and d together; c 30..60 after a.
    syncs = (Sync(SyncKind.SIMULTANEOUS, "b", "d"), Sync(SyncKind.SEQUENTIAL, "a", "c", 30, 60))
    start = least_starts(Compiled(grid_problem(visits, staff, syncs)), [[a, b], [d, cc]])
    # b = 50 (its window), d = b = 50, c = d + 10 + 20 = 80, and the max gap pulls a from 10 to 80 - 60 = 20
    assert start == [20.0, 50.0, 80.0, 50.0]
    # with at most 40 between a and c: a >= c - 40 pushes b, d and c again without end
    tight = (syncs[0], Sync(SyncKind.SEQUENTIAL, "a", "c", 30, 40))
    assert least_starts(Compiled(grid_problem(visits, staff, tight)), [[a, b], [d, cc]]) is None
    # crossed simultaneous pairs are infeasible, uncrossed ones fine
    visits2 = [Visit(n, 1 + i, 0, 100, 10, "x") for i, n in enumerate("pqrs")]
    syncs2 = (Sync(SyncKind.SIMULTANEOUS, "p", "s"), Sync(SyncKind.SIMULTANEOUS, "q", "r"))
    c2 = Compiled(grid_problem(visits2, staff, syncs2))
    assert least_starts(c2, [[0, 1], [2, 3]]) is None  # p before q on s1, r before s on s2
    assert least_starts(c2, [[0, 1], [3, 2]]) is not None


def test_trial_insertions_agree_with_a_full_recomputation() -> None:
    problem = load("InstanzCPLEX_HCSRP_25_6")
    c = Compiled(problem)
    rng = random.Random(3)
    state = State(c)
    jobs = list(range(len(c.jobs)))
    rng.shuffle(jobs)
    checked = 0
    for j in jobs:
        job = c.jobs[j]
        trial = Trial()
        ok = True
        for v in job:
            k = rng.choice(c.allowed[v])
            r = trial.routes.get(k, state.routes[k])
            ok = ok and state.trial_insert(trial, v, k, rng.randint(0, len(r)))
        full = [list(trial.routes.get(k, r)) for k, r in enumerate(state.routes)]
        exact = least_starts(c, full)
        if not ok:
            assert exact is None
            continue
        cost = state.trial_cost(trial)
        assert exact is not None and cost is not None
        state.commit(trial)
        assert state.start == pytest.approx(exact)
        assert cost == pytest.approx(State(c, full).cost())
        assert state.cost() == pytest.approx(cost)
        checked += 1
    assert checked > 5
    assert math.isfinite(state.cost())


def test_the_insertion_bounds_never_exceed_the_exact_cost() -> None:
    """The vectorised bound and the route bound order and cut the search for places: they must be lower bounds
    (and an infinite bound must mean infeasible). Checked with shifts that bind."""
    loaded = load("InstanzCPLEX_HCSRP_25_6")
    staff = tuple(replace(s, shift_start=30.0 * k, shift_end=420.0 + 40 * k) for k, s in enumerate(loaded.staff))
    problem = replace(loaded, staff=staff)
    c = Compiled(problem)
    search = Search(c, list(range(len(c.jobs))), seed=0, time_limit=60.0, max_iterations=30)
    state, _ = search.run()
    rng = random.Random(5)
    checked = 0
    for v in rng.sample(range(c.n), 12):
        trial_state = state.copy()
        trial_state.remove(list(c.jobs[c.job_of[v]]))
        base = trial_state.cost()
        bounds = search.inserter.bounds(trial_state, v)
        gaps = search.inserter.gaps(trial_state)
        for g, (k, i) in enumerate(zip(gaps.ks, gaps.i, strict=True)):
            if i > len(trial_state.routes[k]) or k not in c.allowed[v]:
                assert bounds[g] == math.inf
                continue
            trial = Trial()
            cost = trial_state.trial_cost(trial) if trial_state.trial_insert(trial, v, k, i) else None
            if cost is None:
                continue
            assert bounds[g] <= trial_state.insert_bound(v, k, i) + 1e-9 <= cost - base + 1e-6
            checked += 1
    assert checked > 50


# -- progress for a background job -----------------------------------------------------------------------


def test_progress_is_reported_from_start_to_end_and_never_changes_the_plan() -> None:
    problem = load("InstanzCPLEX_HCSRP_25_6")
    calls: list[tuple[float, float | None]] = []
    quiet = solver.solve(problem, time_limit=60.0, seed=5, max_iterations=150)
    told = solver.solve(
        problem, time_limit=60.0, seed=5, max_iterations=150, progress=lambda share, best: calls.append((share, best))
    )
    assert told == quiet
    assert calls[0] == (0.0, None)
    assert calls[-1] == (1.0, pytest.approx(evaluate(problem, told).cost))
    shares = [share for share, _ in calls]
    assert shares == sorted(shares) and all(0.0 <= s <= 1.0 for s in shares)


class TickingClock:
    """A clock that moves ``step`` seconds every time it is read."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_progress_comes_about_every_half_second_with_the_best_cost_so_far() -> None:
    problem = load("InstanzCPLEX_HCSRP_10_1")
    c = Compiled(problem)
    jobs = list(range(len(c.jobs)))
    calls: list[tuple[float, float | None]] = []
    search = Search(
        c,
        jobs,
        seed=1,
        time_limit=60.0,
        max_iterations=40,
        clock=TickingClock(0.2),  # read once per iteration when reporting: a report every third iteration
        on_progress=lambda share, best: calls.append((share, best)),
    )
    best, _ = search.run()
    plain, _ = Search(c, jobs, seed=1, time_limit=60.0, max_iterations=40).run()
    assert best.routes == plain.routes
    middle = calls[1:-1]
    assert 10 <= len(middle) <= 15
    assert all(b is not None for _, b in middle)
    costs = [b for _, b in middle if b is not None]
    assert costs == sorted(costs, reverse=True)  # the best so far never gets worse
    assert calls[-1] == (1.0, pytest.approx(best.cost()))


def test_an_exception_from_progress_stops_the_search_and_propagates() -> None:
    """How a background job cancels a run: its callback raises, ``solve`` lets it through."""

    class Cancelled(Exception):
        pass

    def cancel(share: float, best: float | None) -> None:
        if share > 0.0:
            raise Cancelled

    problem = load("InstanzCPLEX_HCSRP_10_1")
    with pytest.raises(Cancelled):
        solver.solve(problem, time_limit=0.5, seed=0, progress=cancel)
