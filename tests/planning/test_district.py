"""The generated district: deterministic for a seed, the sizes the product figure needs, every visit
possible for someone, pairs that tie visits in time, and a small fortnight planned without a broken
rule where the continuity term lowers the number of different staff a person sees."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from helhet.planning import district as dist
from helhet.planning.district import (
    DEFAULT_STAFF,
    District,
    Follow,
    day_figures,
    district_day,
    familiar_sets,
    make_district,
    plan_day,
    simulate_fortnight,
)
from helhet.planning.model import Problem, Route, Solution, Stop, SyncKind
from helhet.planning.travel import haversine_m

LEVELS = {"ingen", "helsefaglig", "legemiddel", "sykepleier"}


@pytest.fixture(scope="module")
def default() -> District:
    return make_district()


@pytest.fixture(scope="module")
def small() -> District:
    return make_district(22, 6, seed=5)  # a seed with both kinds of pair on days 0-2


# -- the generator ---------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_district_and_days() -> None:
    a, b = make_district(40, 8, seed=3), make_district(40, 8, seed=3)
    assert a == b
    assert a.travel == b.travel
    assert a.day(4) == b.day(4)
    other = make_district(40, 8, seed=4)
    assert [p.place for p in other.persons] != [p.place for p in a.persons]
    assert other.day(4).visits != a.day(4).visits


def test_default_sizes_are_about_a_thousand_visits_and_sixty_staff(default: District) -> None:
    problem = district_day()
    assert problem == default.day(0)
    assert len(problem.staff) == DEFAULT_STAFF == 60
    assert 950 <= len(problem.visits) <= 1100
    shifts = Counter((s.shift_start, s.shift_end) for s in problem.staff)
    assert shifts == {(420.0, 900.0): 36, (870.0, 1320.0): 24}
    assert {v.skill for v in problem.visits} == LEVELS
    assert all(10 <= v.duration <= 60 for v in problem.visits)
    assert all(7 * 60 + 30 <= v.earliest <= v.latest <= 21 * 60 for v in problem.visits)
    assert len({v.id for v in problem.visits}) == len(problem.visits)
    # one square travel matrix in whole minutes, the base first
    n = len(default.persons) + 1
    assert len(problem.travel) == n and all(len(row) == n for row in problem.travel)
    assert all(float(x).is_integer() and x >= 0 for row in problem.travel for x in row)


def test_places_lie_in_a_bydel_of_about_four_by_three_km(default: District) -> None:
    places = [p.place for p in default.persons]
    assert max(haversine_m(dist.CENTRE, (lat, dist.CENTRE[1])) for lat, _ in places) <= 1_500 + 1
    assert max(haversine_m(dist.CENTRE, (dist.CENTRE[0], lon)) for _, lon in places) <= 2_000 + 1
    # clustered: several persons share an omsorgsbolig's address
    assert max(Counter(places).values()) >= 5


def test_skills_are_the_products_levels_by_role(default: District) -> None:
    for e in default.staff:
        if e.role == "sykepleier":
            assert e.skills == LEVELS
        elif e.role == "helsefagarbeider":
            assert e.skills == ({"ingen", "helsefaglig", "legemiddel"} if e.authorised else {"ingen", "helsefaglig"})
        else:
            assert e.role == "assistent" and e.skills == {"ingen"}
    roles = Counter((e.shift, e.role) for e in default.staff)
    assert roles[("dag", "sykepleier")] >= 1 and roles[("kveld", "sykepleier")] >= 1


@pytest.mark.parametrize("day", range(7))
def test_every_visit_is_possible_for_someone(default: District, day: int) -> None:
    problem = default.day(day)
    travel = problem.travel

    def able(visit_id: str) -> set[str]:
        v = problem.visit(visit_id)
        return {
            s.id
            for s in problem.staff
            if v.skill in s.skills
            and max(v.earliest, s.shift_start + travel[s.start_location][v.location])
            + v.duration
            + travel[v.location][s.end_location]
            <= s.shift_end
        }

    for visit in problem.visits:
        assert able(visit.id), visit
    for sync in problem.syncs:  # two at once: two different people who can both be there
        if sync.kind is SyncKind.SIMULTANEOUS:
            first, second = able(sync.first), able(sync.second)
            assert len(first | second) >= 2 and first and second


def test_pairs_exist_and_tie_the_visits_of_one_person(default: District) -> None:
    problem = default.day(0)
    kinds = Counter(s.kind for s in problem.syncs)
    assert kinds[SyncKind.SIMULTANEOUS] >= 10 and kinds[SyncKind.SEQUENTIAL] >= 10
    for sync in problem.syncs:
        a, b = problem.visit(sync.first), problem.visit(sync.second)
        assert a.person == b.person and a.location == b.location
        if sync.kind is SyncKind.SIMULTANEOUS:
            assert (a.earliest, a.latest, a.duration) == (b.earliest, b.latest, b.duration)
        else:  # insulin, then a meal 30-60 min later, inside the meal's window
            assert (sync.min_gap, sync.max_gap) == (30.0, 60.0)
            assert a.skill == "legemiddel" and b.skill == "ingen"
            assert b.earliest == a.earliest + 30 and b.latest == a.latest + 60


def test_the_week_repeats_and_weekly_needs_fall_on_weekdays(default: District) -> None:
    def kinds(day: int) -> list[str]:
        return sorted(v.id.split("-", 1)[1] for v in default.day(day).visits)

    assert kinds(0) == kinds(7) and kinds(5) == kinds(12)
    assert kinds(0) != kinds(1)  # showers, wound care … on some days only
    weekend = default.day(5).visits + default.day(6).visits
    assert not any("praktisk-bistand" in v.id for v in weekend)
    assert any("praktisk-bistand" in v.id for d in range(5) for v in default.day(d).visits)
    follow = [n.follow for p in default.persons for n in p.needs if n.follow]
    assert follow and all(isinstance(f, Follow) for f in follow)


def test_every_person_has_a_skilled_primaerkontakt_and_the_load_is_even(default: District) -> None:
    roles = {e.id: e.role for e in default.staff}
    assert all(roles[p.primaerkontakt] != "assistent" for p in default.persons)
    counts = Counter(p.primaerkontakt for p in default.persons)
    assert max(counts.values()) - min(counts.values()) <= 1
    day = default.day(0)
    assert sum(len(s.familiar) for s in day.staff) == len(default.persons)
    assert day.weights.new_face == 30 and default.day(0, continuity=False).weights.new_face == 0


def test_familiar_sets_are_primaerkontakt_and_the_last_fourteen_days() -> None:
    primary = {"a": frozenset({"p1"}), "b": frozenset()}
    history = [{"a": {"p2"}}, {"b": {"p3"}, "a": {"p4"}}]
    assert familiar_sets(primary, history) == {"a": {"p1", "p2", "p4"}, "b": {"p3"}}
    assert familiar_sets(primary, []) == primary


# -- planned ----------------------------------------------------------------------------------------------


def test_a_small_district_is_planned_for_three_days_without_a_broken_rule(small: District) -> None:
    sizes = [len(small.day(d).visits) for d in range(3)]
    assert all(55 <= n <= 70 for n in sizes), sizes
    assert {s.kind for s in small.day(0).syncs} == {SyncKind.SIMULTANEOUS, SyncKind.SEQUENTIAL}
    fortnight = simulate_fortnight(small, continuity=True, time_limit=60.0, days=3, seed=0, max_iterations=150)
    assert [d.day for d in fortnight.days] == [0, 1, 2]
    for day in fortnight.days:
        assert day.valid, day.first_violations
        assert day.unassigned == 0 and day.planned == day.visits
    assert fortnight.valid_days == 3
    assert set(fortnight.distinct_staff) == {p.id for p in small.persons}  # everyone has a daily visit


def test_the_continuity_term_lowers_the_distinct_staff_a_person_sees(small: District) -> None:
    runs = {
        on: simulate_fortnight(small, continuity=on, time_limit=60.0, days=3, seed=0, max_iterations=150)
        for on in (True, False)
    }
    with_, without = runs[True], runs[False]
    assert with_.distinct_staff_mean < without.distinct_staff_mean
    assert with_.distinct_staff_median <= without.distinct_staff_median
    assert with_.familiar_share > without.familiar_share
    assert sum(d.new_faces for d in with_.days) < sum(d.new_faces for d in without.days)
    # the same seed and iterations give the same plans
    again = simulate_fortnight(small, continuity=True, time_limit=60.0, days=3, seed=0, max_iterations=150)
    assert again.distinct_staff == with_.distinct_staff


def test_day_figures_catch_a_broken_rule_and_count_late_visits(small: District) -> None:
    problem, solution, figures = plan_day(small, 0, time_limit=60.0, max_iterations=50)
    assert figures.valid and figures.planned == len(problem.visits)
    route = next(r for r in solution.routes if len(r.stops) >= 2)
    stop = route.stops[-1]
    visit = problem.visit(stop.visit)
    # start the last stop 1 000 minutes late: later than the shift allows (a broken rule) and late
    moved = Stop(stop.visit, stop.start + 1000, stop.end + 1000)
    broken = Solution(
        tuple(replace(r, stops=(*r.stops[:-1], moved)) if r is route else r for r in solution.routes),
        solution.unassigned,
    )
    bad = day_figures(problem, broken, 0.0, small)
    assert not bad.valid and bad.violations >= 1 and bad.first_violations
    assert bad.late >= 1 and bad.max_tardiness >= stop.start + 1000 - visit.latest
    # a visit nobody plans or lists is a broken rule too
    dropped = Solution(tuple(Route(r.staff, ()) for r in solution.routes))
    assert not day_figures(problem, dropped, 0.0, small).valid


def test_a_district_needs_people_and_two_shifts() -> None:
    with pytest.raises(ValueError):
        make_district(0, 6)
    with pytest.raises(ValueError):
        make_district(10, 1)
    assert isinstance(make_district(3, 2).day(0), Problem)
