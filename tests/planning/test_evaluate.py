"""The one validator, proved on the published hhcrsp best solutions and on broken copies of them.

The published figures (``best_known.md``) are printed with six significant digits (two decimals
from 1000 up) and the solution files' times with three decimals, so ours must match within half a
unit of the last printed digit (never less than 5e-4). Measured on all 70 instances: cost within
0.005, distance within 0.005, total tardiness within 0.001, max tardiness exact.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helhet.planning.evaluate import Fault, describe_no, evaluate
from helhet.planning.hhcrsp import best_known_table, read_instance, read_solution, solution_file
from helhet.planning.model import Problem, Route, Solution, Staff, Stop, Sync, SyncKind, Unassigned, Visit

DATA = Path(__file__).parent / "data" / "hhcrsp"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "hhcrsp"
LOCAL = sorted(best_known_table(DATA / "best_known.md"))
PUBLISHED = sorted(best_known_table(SHARED / "best_known.md")) if (SHARED / "best_known.md").exists() else []


def printed_tolerance(value: float) -> float:
    """Half a unit in the sixth significant digit of ``value`` (how the table prints), at least 5e-4."""
    if value == 0:
        return 5e-4
    return max(5e-4, 0.5 * 10 ** (math.floor(math.log10(abs(value))) - 5)) + 1e-9


def load(root: Path, name: str) -> tuple[Problem, Solution]:
    row = best_known_table(root / "best_known.md")[name]
    problem = read_instance(root / "instances" / f"{name}.json.gz")
    return problem, read_solution(solution_file(root / "solutions", row), problem)


def check_published(root: Path, name: str) -> None:
    row = best_known_table(root / "best_known.md")[name]
    problem, solution = load(root, name)
    result = evaluate(problem, solution)
    assert result.violations == []
    assert result.travel == pytest.approx(row.distance, abs=printed_tolerance(row.distance))
    assert result.total_tardiness == pytest.approx(row.total_tardiness, abs=printed_tolerance(row.total_tardiness))
    assert result.max_tardiness == pytest.approx(row.max_tardiness, abs=printed_tolerance(row.max_tardiness))
    assert result.cost == pytest.approx(row.total_cost, abs=printed_tolerance(row.total_cost))
    assert result.cost == pytest.approx((result.travel + result.total_tardiness + result.max_tardiness) / 3)


@pytest.mark.parametrize("name", LOCAL)
def test_published_solution_is_valid_with_the_published_cost(name: str) -> None:
    check_published(DATA, name)


@pytest.mark.skipif(not PUBLISHED, reason="../shared/benchmarks/hhcrsp is not here")
@pytest.mark.parametrize("name", PUBLISHED or ["-"])
def test_every_published_solution_in_shared(name: str) -> None:
    check_published(SHARED, name)


def test_shared_set_is_complete() -> None:
    if not PUBLISHED:
        pytest.skip("../shared/benchmarks/hhcrsp is not here")
    assert len(PUBLISHED) == 70
    assert sorted(p.name.removesuffix(".json.gz") for p in (SHARED / "instances").glob("Instanz*.json.gz")) == PUBLISHED


def test_toy_matches_the_upstream_validator_report() -> None:
    """The upstream README's report for sol_toy_optimal: distance 334, no tardiness, cost 111.333…"""
    result = evaluate(*load(DATA, "toy"))
    assert (result.travel, result.total_tardiness, result.max_tardiness) == (334, 0, 0)
    assert result.cost == pytest.approx(334 / 3)


def test_the_return_leg_counts() -> None:
    problem, solution = load(DATA, "toy")
    legs = 0.0
    for route in solution.routes:
        places = [0] + [problem.visit(s.visit).location for s in route.stops]
        legs += sum(problem.travel[a][b] for a, b in itertools.pairwise(places))
    returns = sum(problem.travel[problem.visit(r.stops[-1].visit).location][0] for r in solution.routes)
    assert evaluate(problem, solution).travel == legs + returns != legs


# --- broken copies must be rejected --------------------------------------------------------------


def with_route(solution: Solution, index: int, stops: tuple[Stop, ...]) -> Solution:
    routes = list(solution.routes)
    routes[index] = replace(routes[index], stops=stops)
    return replace(solution, routes=tuple(routes))


def find(solution: Solution, visit: str) -> tuple[int, int]:
    for r, route in enumerate(solution.routes):
        for k, stop in enumerate(route.stops):
            if stop.visit == visit:
                return r, k
    raise KeyError(visit)


def shifted(solution: Solution, visit: str, delta: float) -> Solution:
    r, k = find(solution, visit)
    stops = list(solution.routes[r].stops)
    stops[k] = replace(stops[k], start=stops[k].start + delta, end=stops[k].end + delta)
    return with_route(solution, r, tuple(stops))


@pytest.fixture
def published() -> tuple[Problem, Solution]:
    """InstanzCPLEX_HCSRP_10_1: three caregivers, one simultaneous and two sequential pairs, valid as published."""
    problem, solution = load(DATA, "InstanzCPLEX_HCSRP_10_1")
    assert evaluate(problem, solution).valid
    return problem, solution


def rejected(problem: Problem, solution: Solution, message: str) -> None:
    result = evaluate(problem, solution)
    assert not result.valid
    assert any(message in v for v in result.violations), result.violations


def test_caregiver_without_the_ability(published: tuple[Problem, Solution]) -> None:
    problem, solution = published
    # c1 (s1, s2, s3) and c2 (s5, s6) swap routes: every time stays feasible, only the skills break
    a, b = solution.routes[0], solution.routes[1]
    swapped = replace(solution, routes=(replace(a, staff=b.staff), replace(b, staff=a.staff), *solution.routes[2:]))
    rejected(problem, swapped, "c2 lacks skill s3 for p10/s3")


def test_start_before_the_previous_departure_plus_travel(published: tuple[Problem, Solution]) -> None:
    problem, solution = published
    r, k = find(solution, "p5/s3")  # c1's third stop starts the moment c1 can arrive, an hour into its window
    previous, stop = solution.routes[r].stops[k - 1], solution.routes[r].stops[k]
    arrival = previous.end + problem.travel[problem.visit(previous.visit).location][problem.visit("p5/s3").location]
    assert stop.start == pytest.approx(arrival, abs=1e-6) and stop.start > problem.visit("p5/s3").earliest + 1
    result = evaluate(problem, shifted(solution, "p5/s3", -1))
    assert result.violations == [f"p5/s3 starts at {stop.start - 1:g}, before c1 can arrive ({arrival:g})"]


def test_start_before_the_window(published: tuple[Problem, Solution]) -> None:
    problem, solution = published
    r, k = find(solution, "p7/s3")  # c1's last stop: starts 434, exactly when the window opens
    assert solution.routes[r].stops[k].start == problem.visit("p7/s3").earliest == 434
    broken = shifted(solution, "p7/s3", -10)
    result = evaluate(problem, broken)
    assert result.violations == ["p7/s3 starts at 424, before its window (434)"]  # the route itself had room


def test_wrong_duration(published: tuple[Problem, Solution]) -> None:
    problem, solution = published
    r, k = find(solution, "p3/s2")
    stops = list(solution.routes[r].stops)
    stops[k] = replace(stops[k], end=stops[k].end - 1)
    rejected(problem, with_route(solution, r, tuple(stops)), "p3/s2 lasts 13, not its duration 14")


def test_visit_dropped(published: tuple[Problem, Solution]) -> None:
    problem, solution = published
    r, k = find(solution, "p3/s2")
    stops = solution.routes[r].stops
    rejected(problem, with_route(solution, r, stops[:k] + stops[k + 1 :]), "p3/s2 is neither planned nor listed")


def test_visit_dropped_but_listed_unassigned_is_not_a_violation(published: tuple[Problem, Solution]) -> None:
    problem, solution = published
    r, k = find(solution, "p3/s2")
    stops = solution.routes[r].stops
    dropped = with_route(solution, r, stops[:k] + stops[k + 1 :])
    result = evaluate(problem, replace(dropped, unassigned=(Unassigned("p3/s2", "Ingen har kompetansen"),)))
    assert result.valid  # a benchmark run reports unassigned visits itself


def test_visit_duplicated(published: tuple[Problem, Solution]) -> None:
    problem, solution = published
    r, k = find(solution, "p3/s2")  # only c1 has s2: c1 comes back to p3 at the end of the day
    route = solution.routes[r]
    copy, last = route.stops[k], route.stops[-1]
    leg = problem.travel[problem.visit(last.visit).location][problem.visit("p3/s2").location]
    again = Stop("p3/s2", last.end + leg, last.end + leg + (copy.end - copy.start))
    result = evaluate(problem, with_route(solution, r, (*route.stops, again)))
    assert result.violations == ["p3/s2 is planned 2 times"]


def test_simultaneous_pair_started_apart(published: tuple[Problem, Solution]) -> None:
    problem, solution = published
    (sync,) = [s for s in problem.syncs if s.kind is SyncKind.SIMULTANEOUS]
    rejected(problem, shifted(solution, sync.second, 5), f"{sync.first} and {sync.second} must start together")


@pytest.mark.parametrize("side", ["too soon", "too late"])
def test_sequential_gap_outside_its_bounds(published: tuple[Problem, Solution], side: str) -> None:
    problem, solution = published
    sync = next(s for s in problem.syncs if s.kind is SyncKind.SEQUENTIAL)
    start = {s.visit: s.start for r in solution.routes for s in r.stops}
    gap = start[sync.second] - start[sync.first]
    delta = (sync.min_gap - gap - 1) if side == "too soon" else (sync.max_gap - gap + 1)
    # move the first one the other way, so the second's route keeps its times
    rejected(problem, shifted(solution, sync.first, -delta), f"{sync.second} starts {gap + delta:g} after {sync.first}")


def test_sequential_order_matters(published: tuple[Problem, Solution]) -> None:
    """The second listed service follows the first: swapping their start times breaks the pair."""
    problem, solution = published
    sync = next(s for s in problem.syncs if s.kind is SyncKind.SEQUENTIAL)
    start = {s.visit: s.start for r in solution.routes for s in r.stops}
    gap = start[sync.second] - start[sync.first]
    broken = shifted(shifted(solution, sync.first, gap), sync.second, -gap)
    rejected(problem, broken, f"{sync.second} starts {-gap:g} after {sync.first}")


def test_route_for_an_unknown_caregiver(published: tuple[Problem, Solution]) -> None:
    problem, solution = published
    renamed = replace(solution, routes=(replace(solution.routes[0], staff="c99"), *solution.routes[1:]))
    result = evaluate(problem, renamed)
    assert "route for unknown staff c99" in result.violations
    assert "p10/s3 is neither planned nor listed unassigned" in result.violations


def test_two_routes_for_one_caregiver(published: tuple[Problem, Solution]) -> None:
    problem, solution = published
    doubled = replace(solution, routes=(*solution.routes, Route(solution.routes[0].staff, ())))
    rejected(problem, doubled, "staff c1 has 2 routes")


# --- properties --------------------------------------------------------------------------------

PUBLISHED_LOCAL = {name: load(DATA, name) for name in LOCAL}


def shift_all(solution: Solution, delta: float) -> Solution:
    return replace(
        solution,
        routes=tuple(
            replace(r, stops=tuple(Stop(s.visit, s.start + delta, s.end + delta) for s in r.stops))
            for r in solution.routes
        ),
    )


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(LOCAL), delta=st.floats(min_value=0, max_value=1000, allow_nan=False))
def test_later_is_still_valid_and_never_less_late(name: str, delta: float) -> None:
    problem, solution = PUBLISHED_LOCAL[name]
    before = evaluate(problem, solution)
    after = evaluate(problem, shift_all(solution, delta))
    assert after.violations == []
    assert after.travel == before.travel
    assert after.total_tardiness >= before.total_tardiness - 1e-9
    assert after.max_tardiness >= before.max_tardiness - 1e-9
    assert after.cost >= before.cost - 1e-9


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(LOCAL), delta=st.floats(min_value=0.01, max_value=1000, allow_nan=False))
def test_everything_earlier_breaks_a_window_or_a_journey(name: str, delta: float) -> None:
    """The published schedules leave the first visit of some route no earlier room: shifting all earlier is invalid."""
    problem, solution = PUBLISHED_LOCAL[name]
    result = evaluate(problem, shift_all(solution, -delta))
    assert any("before its window" in v or "can arrive" in v for v in result.violations)


# --- faults for people: codes, fields and the Norwegian text ------------------------------------------

NAMES = {"a": "Ola Nilsen", "b": "Eva Berg", "c1": "Nils Dahl", "c2": "Nils Dahl", "d1": "Eva Berg", "d2": "Eva Berg"}
STAFF_NAMES = {"s1": "Kari Hansen", "s2": "Per Olsen"}


def hhmm(t: float) -> str:
    return f"{int(t) // 60:02d}:{int(t) % 60:02d}"


def norwegian(fault: Fault) -> str:
    return describe_no(fault, lambda v: NAMES.get(v, v), lambda s: STAFF_NAMES.get(s, s), hhmm)


def small_day() -> Problem:
    """Places 0..4 on a line, 10 minutes apart; Kari (stell) and Per (stell, legemiddel), 07:00–15:00 from the
    office (0). A lift for Nils (c1 and c2 together) and two services for Eva an hour or two apart (d1, d2)."""
    visits = (
        Visit("a", 1, 480, 540, 30, "stell", "ola"),
        Visit("b", 2, 420, 600, 30, "legemiddel", "eva"),
        Visit("c1", 3, 600, 660, 20, "stell", "nils"),
        Visit("c2", 3, 600, 660, 20, "stell", "nils"),
        Visit("d1", 4, 630, 700, 20, "stell", "eva"),
        Visit("d2", 4, 630, 800, 20, "stell", "eva"),
    )
    staff = (
        Staff("s1", frozenset({"stell"}), 0, 0, 420, 900),
        Staff("s2", frozenset({"stell", "legemiddel"}), 0, 0, 420, 900),
    )
    travel = tuple(tuple(10.0 * abs(x - y) for y in range(5)) for x in range(5))
    syncs = (Sync(SyncKind.SIMULTANEOUS, "c1", "c2"), Sync(SyncKind.SEQUENTIAL, "d1", "d2", 60, 120))
    return Problem("small day", visits, staff, travel, syncs)


def day_plan(problem: Problem, **routes: list[tuple[str, float]]) -> Solution:
    return Solution(
        tuple(
            Route(staff, tuple(Stop(v, t, t + problem.visit(v).duration) for v, t in stops))
            for staff, stops in routes.items()
        )
    )


VALID_DAY = {
    "s1": [("a", 480), ("c1", 600), ("d1", 630)],
    "s2": [("b", 440), ("c2", 600), ("d2", 700)],
}


def changed(route: str, visit: str, start: float) -> dict[str, list[tuple[str, float]]]:
    routes = {k: list(v) for k, v in VALID_DAY.items()}
    routes[route] = [(v, start if v == visit else t) for v, t in routes[route]]
    return routes


def only_fault(problem: Problem, solution: Solution, code: str) -> Fault:
    result = evaluate(problem, solution)
    assert [f.code for f in result.faults] == [code], result.violations
    (fault,) = result.faults
    assert str(fault) == fault.text == result.violations[0]
    return fault


def test_the_small_day_is_valid() -> None:
    problem = small_day()
    result = evaluate(problem, day_plan(problem, **VALID_DAY))
    assert result.faults == [] and result.valid


def test_skill_in_norwegian() -> None:
    problem = small_day()
    swapped = day_plan(problem, s1=VALID_DAY["s2"], s2=VALID_DAY["s1"])  # same places and shifts: only skills
    fault = only_fault(problem, swapped, "skill")
    assert (fault.visit, fault.staff, fault.other) == ("b", "s1", "legemiddel")
    assert fault.text == "s1 lacks skill legemiddel for b"
    assert norwegian(fault) == "Kari Hansen mangler kompetansen besøket hos Eva Berg krever (legemiddel)."


def test_arrival_in_norwegian() -> None:
    problem = small_day()
    fault = only_fault(problem, day_plan(problem, **changed("s2", "b", 435)), "arrival")
    assert (fault.visit, fault.staff, fault.value, fault.limit) == ("b", "s2", 435, 440)
    assert norwegian(fault) == "Per Olsen kan tidligst være fremme hos Eva Berg 07:20, men besøket er lagt til 07:15."


def test_window_in_norwegian() -> None:
    problem = small_day()
    fault = only_fault(problem, day_plan(problem, **changed("s1", "a", 470)), "window")
    assert (fault.value, fault.limit) == (470, 480)
    assert norwegian(fault) == "Besøket hos Ola Nilsen kan ikke starte før avtalt tidsvindu åpner (08:00)."


def test_duration_in_norwegian() -> None:
    problem = small_day()
    solution = day_plan(problem, **VALID_DAY)
    first = solution.routes[0]
    short = replace(first, stops=(replace(first.stops[0], end=505), *first.stops[1:]))
    fault = only_fault(problem, replace(solution, routes=(short, solution.routes[1])), "duration")
    assert norwegian(fault) == "Besøket hos Ola Nilsen er lagt inn med 25 minutter, men skal vare 30 minutter."


def test_shift_end_in_norwegian() -> None:
    problem = small_day()
    short = replace(problem, staff=(problem.staff[0], replace(problem.staff[1], shift_end=750)))
    fault = only_fault(short, day_plan(short, **VALID_DAY), "shift_end")
    assert (fault.staff, fault.value, fault.limit) == ("s2", 760, 750)
    assert norwegian(fault) == "Per Olsen er ikke tilbake før vakten slutter (12:30), men først 12:40."


def test_missing_and_duplicate_in_norwegian() -> None:
    problem = small_day()
    routes = {k: list(v) for k, v in VALID_DAY.items()}
    routes["s1"] = routes["s1"][1:]
    fault = only_fault(problem, day_plan(problem, **routes), "missing")
    assert norwegian(fault) == (
        "Besøket hos Ola Nilsen mangler: det er verken lagt til en ansatt eller satt opp som ikke planlagt."
    )
    twice = replace(day_plan(problem, **VALID_DAY), unassigned=(Unassigned("a", "Syk"),))
    fault = only_fault(problem, twice, "duplicate")
    assert fault.value == 2
    assert norwegian(fault) == "Besøket hos Ola Nilsen står 2 ganger i planen, men skal bare stå der én gang."


def test_half_a_pair_in_norwegian() -> None:
    problem = small_day()
    routes = {k: list(v) for k, v in VALID_DAY.items()}
    routes["s2"] = [x for x in routes["s2"] if x[0] != "c2"]
    solution = replace(day_plan(problem, **routes), unassigned=(Unassigned("c2", "Ingen ledig"),))
    fault = only_fault(problem, solution, "sync_half")
    assert (fault.visit, fault.other) == ("c1", "c2")  # the planned half, then the other
    assert norwegian(fault) == (
        "Bare det ene av to besøk som hører sammen hos Nils Dahl er planlagt; begge må planlegges, eller ingen av dem."
    )


def test_together_in_norwegian() -> None:
    problem = small_day()
    fault = only_fault(problem, day_plan(problem, **changed("s2", "c2", 610)), "sync_together")
    assert (fault.visit, fault.other, fault.value) == ("c1", "c2", 10)
    assert norwegian(fault) == (
        "De to ansatte på dobbeltbemannet besøk hos Nils Dahl må starte samtidig. "
        "Nå starter de 10 minutter fra hverandre."
    )


def test_gap_in_norwegian() -> None:
    problem = small_day()
    soon = only_fault(problem, day_plan(problem, **changed("s2", "d2", 680)), "sync_gap")
    assert (soon.visit, soon.other, soon.value, soon.limit) == ("d1", "d2", 50, 60)
    assert norwegian(soon) == (
        "Besøket hos Eva Berg skal starte minst 60 minutter etter besøket hos Eva Berg, men starter 50 minutter etter."
    )
    late = only_fault(problem, day_plan(problem, **changed("s2", "d2", 760)), "sync_gap")
    assert (late.value, late.limit) == (130, 120)
    assert "høyst 120 minutter etter" in norwegian(late) and "men starter 130 minutter etter" in norwegian(late)


def test_route_faults_in_norwegian() -> None:
    problem = small_day()
    solution = day_plan(problem, **VALID_DAY)
    stranger = only_fault(problem, replace(solution, routes=(*solution.routes, Route("s9", ()))), "unknown_staff")
    assert norwegian(stranger) == "Det er lagt en rute for s9, som ikke er med i planleggingen."
    doubled = only_fault(problem, replace(solution, routes=(*solution.routes, Route("s1", ()))), "many_routes")
    assert doubled.value == 2
    assert norwegian(doubled) == "Kari Hansen har 2 ruter, men hver ansatt skal ha én."
    first = solution.routes[0]
    extra = replace(first, stops=(*first.stops, Stop("zz", 700, 710)))
    unknown = only_fault(problem, replace(solution, routes=(extra, solution.routes[1])), "unknown_visit")
    assert (unknown.visit, unknown.staff) == ("zz", "s1")
    assert norwegian(unknown) == "Ruten til Kari Hansen har et besøk hos zz som ikke er med i planleggingen."


def test_every_code_has_its_own_norwegian_sentence() -> None:
    codes = [
        "unknown_staff", "many_routes", "unknown_visit", "skill", "arrival", "window", "duration", "shift_end",
        "missing", "duplicate", "sync_half", "sync_together", "sync_gap",
    ]  # fmt: skip
    for code in codes:
        assert "bryter en regel" not in norwegian(Fault(code, "a", "s1", "b", 1.0, 2.0))
    assert norwegian(Fault("new_rule")) == "Planen bryter en regel (new_rule)."
