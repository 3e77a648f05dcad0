"""Minimal-change re-planning: someone calls in sick, the day is planned again with ``Visit.current_staff``
from the plan being changed and a price on every visit that changes hands (``Weights.change``).

The hand-made day: 3 staff and 20 visits, shifts to midnight (every insertion is feasible, lateness is
soft), so the two who are left can always keep all their own visits and take the sick person's too.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from helhet.planning import solver
from helhet.planning.evaluate import evaluate
from helhet.planning.model import Problem, Solution, Staff, Visit, Weights
from helhet.planning.solver.core import Compiled, State

SICK = "s1"


def day() -> Problem:
    """20 visits on a 40 × 40 grid (travel = Manhattan distance in minutes), windows from 08:00 two hours wide."""
    rng = random.Random(11)
    places = [(0, 0)] + [(rng.randint(-20, 20), rng.randint(-20, 20)) for _ in range(20)]
    travel = tuple(tuple(float(abs(ax - bx) + abs(ay - by)) for bx, by in places) for ax, ay in places)
    visits = []
    for i in range(20):
        opens = 480 + 20 * (i % 10) + rng.randint(0, 10)
        visits.append(Visit(f"v{i:02}", i + 1, opens, opens + 120, rng.choice([15, 20, 30]), "stell", f"P{i}"))
    staff = tuple(Staff(f"s{k}", frozenset({"stell"}), 0, 0, 420, 1440) for k in range(3))
    return Problem("re-plan", tuple(visits), staff, travel)


def owners(solution: Solution) -> dict[str, str]:
    return {stop.visit: route.staff for route in solution.routes for stop in route.stops}


def replan(first: Problem, plan: Solution, change: float) -> Problem:
    """``first`` without the sick staff member, each visit's current staff from ``plan``."""
    owner = owners(plan)
    visits = tuple(replace(v, current_staff=owner[v.id]) for v in first.visits)
    staff = tuple(s for s in first.staff if s.id != SICK)
    return replace(first, visits=visits, staff=staff, weights=Weights(change=change))


def solver_cost(problem: Problem, solution: Solution) -> float:
    c = Compiled(problem)
    index = {s.id: k for k, s in enumerate(problem.staff)}
    routes: list[list[int]] = [[] for _ in problem.staff]
    for route in solution.routes:
        routes[index[route.staff]] = [c.index[stop.visit] for stop in route.stops]
    return State(c, routes).cost()


@pytest.fixture(scope="module")
def first() -> tuple[Problem, Solution]:
    problem = day()
    plan = solver.solve(problem, time_limit=60.0, seed=0, max_iterations=400)
    assert evaluate(problem, plan).valid and not plan.unassigned
    assert sum(1 for staff in owners(plan).values() if staff == SICK) >= 3  # the sick person had real work
    return problem, plan


def changed_others(plan: Solution, again: Solution) -> int:
    """Visits that did not belong to the sick person and changed staff anyway."""
    before, after = owners(plan), owners(again)
    return sum(1 for v, staff in before.items() if staff != SICK and after.get(v) != staff)


def test_a_priced_change_moves_only_the_sick_persons_visits(first: tuple[Problem, Solution]) -> None:
    problem, plan = first
    sick_visits = sum(1 for staff in owners(plan).values() if staff == SICK)
    again_problem = replan(problem, plan, change=10_000.0)
    again = solver.solve(again_problem, time_limit=60.0, seed=0, max_iterations=400)
    result = evaluate(again_problem, again)
    assert result.valid, result.violations
    assert not again.unassigned
    assert changed_others(plan, again) == 0
    assert result.changes == sick_visits  # theirs change hands whatever happens, and nothing else does
    assert result.cost == pytest.approx(
        result.travel + result.total_tardiness + result.max_tardiness + 10_000.0 * sick_visits
    )
    assert solver_cost(again_problem, again) == pytest.approx(result.cost)  # the solver prices it as evaluate


def test_without_the_price_the_plan_is_reshuffled(first: tuple[Problem, Solution]) -> None:
    """The same re-plan (same seed and iterations, so deterministic) with change free moves others' visits
    too: the price above is what keeps them in place."""
    problem, plan = first
    free_problem = replan(problem, plan, change=0.0)
    free = solver.solve(free_problem, time_limit=60.0, seed=0, max_iterations=400)
    sick_visits = sum(1 for staff in owners(plan).values() if staff == SICK)
    result = evaluate(free_problem, free)
    assert result.valid and not free.unassigned
    assert changed_others(plan, free) > 0
    assert result.changes == sick_visits + changed_others(plan, free)  # counted even when free


def test_changes_are_counted_and_priced_inside_the_scale() -> None:
    problem = day()
    plan = solver.solve(problem, time_limit=60.0, seed=0, max_iterations=50)
    owner = owners(plan)
    moved = {"v00": "s2" if owner["v00"] != "s2" else "s0", "v01": owner["v01"]}  # one changed, one kept
    visits = tuple(replace(v, current_staff=moved.get(v.id, "")) for v in problem.visits)
    plain = evaluate(problem, plan)
    for scale in (1.0, 1 / 3):
        priced = replace(problem, visits=visits, weights=Weights(change=7.0, scale=scale))
        result = evaluate(priced, plan)
        assert result.changes == 1
        assert result.cost == pytest.approx(scale * (plain.cost + 7.0))
        assert solver_cost(priced, plan) == pytest.approx(result.cost)


def test_current_staff_without_a_price_changes_nothing() -> None:
    """The feature unused (no price, or no current staff) leaves the search exactly as it was."""
    problem = day()
    plain = solver.solve(problem, time_limit=60.0, seed=2, max_iterations=120)
    owner = owners(plain)
    unpriced = replace(problem, visits=tuple(replace(v, current_staff=owner[v.id]) for v in problem.visits))
    nobody = replace(problem, weights=Weights(change=50.0))
    assert not Compiled(unpriced).has_face and not Compiled(nobody).has_face
    assert solver.solve(unpriced, time_limit=60.0, seed=2, max_iterations=120) == plain
    assert solver.solve(nobody, time_limit=60.0, seed=2, max_iterations=120) == plain
