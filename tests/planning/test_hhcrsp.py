"""The hhcrsp format: instances, solutions, the best-known table, and malformed input."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helhet.planning.evaluate import evaluate
from helhet.planning.hhcrsp import (
    FormatError,
    best_known,
    best_known_table,
    instance_name,
    read_instance,
    read_solution,
    solution_file,
    write_solution,
)
from helhet.planning.model import Route, Solution, Stop, SyncKind, Weights

DATA = Path(__file__).parent / "data" / "hhcrsp"
TOY = DATA / "instances" / "toy.json.gz"
TOY_SOLUTION = DATA / "solutions" / "sol_toy_optimal.json.gz"
I10 = DATA / "instances" / "InstanzCPLEX_HCSRP_10_1.json.gz"
I10_SOLUTION = DATA / "solutions" / "sol-InstanzCPLEX_HCSRP_10_1-3825612719.json.gz"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    return data


def dump(data: Any, path: Path) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def small() -> dict[str, Any]:
    """Three patients (one alone, one simultaneous pair, one sequential pair), two caregivers."""
    return {
        "patients": [
            {"id": "a", "time_window": [10, 50], "required_caregivers": [{"service": "s1", "duration": 5}]},
            {
                "id": "b",
                "time_window": [0, 100],
                "required_caregivers": [{"service": "s1"}, {"service": "s2", "duration": 7}],
                "synchronization": {"type": "simultaneous"},
            },
            {
                "id": "c",
                "time_window": [20, 80],
                "required_caregivers": [{"service": "s2", "duration": 3}, {"service": "s1", "duration": 4}],
                "synchronization": {"type": "sequential", "distance": [10, 30]},
            },
        ],
        "services": [{"id": "s1", "default_duration": 12}, {"id": "s2", "default_duration": 9}],
        "caregivers": [{"id": "c1", "abilities": ["s1"]}, {"id": "c2", "abilities": ["s1", "s2"]}],
        "central_offices": [{"id": "d", "location": [0, 0]}],
        "distances": [[0, 1, 2, 3], [1, 0, 4, 5], [2, 4, 0, 6], [3, 5, 6, 0]],
    }


# --- instances -------------------------------------------------------------------------------


def test_toy_instance() -> None:
    problem = read_instance(TOY)
    assert problem.name == "toy"
    assert problem.weights == Weights.hhcrsp()
    assert len(problem.travel) == 7 and all(len(row) == 7 for row in problem.travel)
    assert problem.travel[0][1] == 38 and problem.travel[1][0] == 39  # row = from, column = to; asymmetric
    assert [v.id for v in problem.visits] == [
        "p1/s2",
        "p2/s3",
        "p3/s2",
        "p4/s2",
        "p4/s3",
        "p5/s1",
        "p5/s3",
        "p6/s1",
        "p6/s3",
    ]
    p5 = problem.visit("p5/s1")
    assert (p5.location, p5.earliest, p5.latest, p5.duration, p5.skill, p5.person) == (5, 270, 420, 15, "s1", "p5")
    assert [(s.kind, s.first, s.second, s.min_gap, s.max_gap) for s in problem.syncs] == [
        (SyncKind.SIMULTANEOUS, "p4/s2", "p4/s3", 0, 0),
        (SyncKind.SEQUENTIAL, "p5/s1", "p5/s3", 30, 45),
        (SyncKind.SEQUENTIAL, "p6/s1", "p6/s3", 60, 90),
    ]
    c3 = problem.staff[2]
    assert (c3.id, c3.skills, c3.start_location, c3.end_location) == ("c3", frozenset({"s2", "s3"}), 0, 0)
    assert (c3.shift_start, c3.shift_end) == (0, float("inf"))


def test_plain_json_and_default_duration(tmp_path: Path) -> None:
    problem = read_instance(dump(small(), tmp_path / "small.json"))
    assert problem.name == "small"
    assert problem.visit("b/s1").duration == 12  # the service's default_duration
    assert problem.visit("b/s2").duration == 7
    assert problem.visit("c/s2").location == 3


def test_same_service_twice_gets_distinct_ids_and_maps_back(tmp_path: Path) -> None:
    data = small()
    data["patients"][1]["required_caregivers"] = [{"service": "s1"}, {"service": "s1"}]
    problem = read_instance(dump(data, tmp_path / "twice.json"))
    pair = [v for v in problem.visits if v.person == "b"]
    assert [v.id for v in pair] == ["b/s1", "b/s1#2"]
    assert problem.syncs[0].first == "b/s1" and problem.syncs[0].second == "b/s1#2"
    solution = Solution(
        (
            Route("c1", (Stop("a/s1", 10, 15), Stop("b/s1", 30, 42))),
            Route("c2", (Stop("b/s1#2", 30, 42), Stop("c/s2", 50, 53), Stop("c/s1", 63, 67))),
        )
    )
    assert evaluate(problem, solution).valid
    out = tmp_path / "sol.json"
    write_solution(problem, solution, out)
    assert read_solution(out, problem) == solution


def test_whole_travel_times_round_window_bounds_down(tmp_path: Path) -> None:
    """README rule 6: integral travel times -> a bound such as 401.99999999999994 is read as 401."""
    data = small()
    data["patients"][0]["time_window"] = [9.5, 401.99999999999994]
    problem = read_instance(dump(data, tmp_path / "whole.json"))
    assert (problem.visit("a/s1").earliest, problem.visit("a/s1").latest) == (9, 401)
    data["distances"][1][2] = 4.5  # one fractional travel time: windows are kept as given
    problem = read_instance(dump(data, tmp_path / "fractional.json"))
    assert (problem.visit("a/s1").earliest, problem.visit("a/s1").latest) == (9.5, 401.99999999999994)


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def _delete(data: dict[str, Any], path: tuple[Any, ...]) -> None:
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]


MISSING = object()

MALFORMED: list[tuple[str, tuple[Any, ...], Any, str]] = [
    # (case, where, new value or MISSING to delete, expected words in the message)
    ("no patients", ("patients",), MISSING, "patients: missing"),
    ("no services", ("services",), MISSING, "services: missing"),
    ("no caregivers", ("caregivers",), MISSING, "caregivers: missing"),
    ("no distances", ("distances",), MISSING, "distances: missing"),
    ("no depot key", ("central_offices",), MISSING, "central_offices: missing"),
    ("two depots", ("central_offices",), [{"id": "d"}, {"id": "e"}], "central_offices: expected exactly one"),
    ("patients not a list", ("patients",), {"id": "a"}, "patients: expected a list"),
    ("patient not an object", ("patients", 0), "a", "patients[0]: expected an object"),
    ("patient without id", ("patients", 0, "id"), MISSING, "patients[0].id: missing"),
    ("numeric patient id", ("patients", 0, "id"), 7, "patients[0].id: expected a non-empty string"),
    ("duplicate patient", ("patients", 1, "id"), "a", "patients[1].id: duplicate id 'a'"),
    ("no window", ("patients", 0, "time_window"), MISSING, "patients[0].time_window: missing"),
    ("window of one number", ("patients", 0, "time_window"), [10], "patients[0].time_window: expected two"),
    ("window as text", ("patients", 0, "time_window", 1), "50", "patients[0].time_window[1]: expected a finite"),
    ("window bound true", ("patients", 0, "time_window", 0), True, "patients[0].time_window[0]: expected a finite"),
    ("window backwards", ("patients", 0, "time_window"), [50, 10], "patients[0].time_window: the first number"),
    ("no requirements", ("patients", 0, "required_caregivers"), MISSING, "patients[0].required_caregivers: missing"),
    ("empty requirements", ("patients", 0, "required_caregivers"), [], "patients[0].required_caregivers: empty"),
    (
        "unknown service",
        ("patients", 0, "required_caregivers", 0, "service"),
        "s9",
        "patients[0].required_caregivers[0].service: unknown service 's9'",
    ),
    (
        "negative duration",
        ("patients", 0, "required_caregivers", 0, "duration"),
        -5,
        "patients[0].required_caregivers[0].duration: must be at least 0",
    ),
    (
        "duration as text",
        ("patients", 0, "required_caregivers", 0, "duration"),
        "5",
        "patients[0].required_caregivers[0].duration: expected a finite",
    ),
    (
        "no duration anywhere",
        ("services", 0, "default_duration"),
        MISSING,
        "patients[1].required_caregivers[0].duration: missing, and service 's1' has no default_duration",
    ),
    ("negative default", ("services", 1, "default_duration"), -1, "services[1].default_duration: must be at least 0"),
    (
        "sync on a one-service patient",
        ("patients", 0, "synchronization"),
        {"type": "simultaneous"},
        "patients[0].synchronization: synchronisation needs exactly two",
    ),
    ("unknown sync type", ("patients", 1, "synchronization", "type"), "parallel", "synchronization.type: expected"),
    ("sync without type", ("patients", 1, "synchronization", "type"), MISSING, "synchronization.type: missing"),
    ("sequential without gap", ("patients", 2, "synchronization", "distance"), MISSING, "distance: missing"),
    ("gap backwards", ("patients", 2, "synchronization", "distance"), [30, 10], "distance: the first number"),
    ("negative gap", ("patients", 2, "synchronization", "distance"), [-1, 10], "distance[0]: must be at least 0"),
    ("abilities missing", ("caregivers", 0, "abilities"), MISSING, "caregivers[0].abilities: missing"),
    ("unknown ability", ("caregivers", 1, "abilities", 1), "s7", "caregivers[1].abilities[1]: unknown service 's7'"),
    ("duplicate caregiver", ("caregivers", 1, "id"), "c1", "caregivers[1].id: duplicate id 'c1'"),
    ("duplicate service", ("services", 1, "id"), "s1", "services[1].id: duplicate id 's1'"),
    ("matrix too small", ("distances",), [[0, 1, 2], [1, 0, 4], [2, 4, 0]], "distances: expected 4 rows"),
    ("matrix not square", ("distances", 2), [2, 4, 0], "distances[2]: expected 4 columns"),
    ("matrix row not a list", ("distances", 1), 5, "distances[1]: expected a list"),
    ("negative distance", ("distances", 1, 2), -4, "distances[1][2]: must be at least 0"),
    ("infinite distance", ("distances", 1, 2), float("inf"), "distances[1][2]: expected a finite"),
    ("huge distance", ("distances", 1, 2), 10**400, "distances[1][2]: expected a finite"),
]


@pytest.mark.parametrize(("case", "where", "value", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_instance_names_the_file_and_the_field(
    tmp_path: Path, case: str, where: tuple[Any, ...], value: Any, message: str
) -> None:
    data = small()
    if value is MISSING:
        _delete(data, where)
    else:
        _set(data, where, value)
    path = dump(data, tmp_path / "broken.json")
    with pytest.raises(FormatError) as error:
        read_instance(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_not_json_or_not_gzip(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{patients: [", encoding="utf-8")
    with pytest.raises(FormatError, match=r"bad\.json: not valid JSON"):
        read_instance(bad)
    fake = tmp_path / "fake.json.gz"
    fake.write_text("{}", encoding="utf-8")
    with pytest.raises(FormatError, match=r"fake\.json\.gz: not a readable gzip file"):
        read_instance(fake)
    top = dump([1, 2], tmp_path / "list.json")
    with pytest.raises(FormatError, match="the document: expected an object"):
        read_instance(top)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*prefix, i))
    return found


SMALL_PATHS = _paths(small())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.sampled_from(SMALL_PATHS), value=JSON_VALUES | st.just(MISSING))
def test_any_damage_is_a_format_error_or_a_problem(tmp_path: Path, where: tuple[Any, ...], value: Any) -> None:
    """Replace or delete any one field: the reader returns a problem or raises FormatError, never anything else."""
    data = copy.deepcopy(small())
    if value is MISSING:
        _delete(data, where)
    else:
        _set(data, where, value)
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        read_instance(path)
    except FormatError as error:
        assert str(error).startswith(f"{path}: ")


# --- solutions -------------------------------------------------------------------------------


def test_read_solution_with_upstream_keys() -> None:
    """The toy solution spells ``patient_id``/``service_id``; the others ``patient``/``service``."""
    problem = read_instance(TOY)
    solution = read_solution(TOY_SOLUTION, problem)
    assert [r.staff for r in solution.routes] == ["c1", "c2", "c3"]
    assert solution.routes[0].stops == (
        Stop("p4/s2", 120, 150),
        Stop("p5/s1", 275, 290),
        Stop("p6/s1", 360, 405),
    )
    assert load(I10_SOLUTION)["routes"][0]["locations"][0].keys() >= {"patient", "service"}
    assert read_solution(I10_SOLUTION, read_instance(I10)).routes[0].stops[0] == Stop("p10/s3", 148, 162)


def test_route_without_locations_is_empty() -> None:
    problem = read_instance(DATA / "instances" / "InstanzCPLEX_HCSRP_25_6.json.gz")
    solution = read_solution(DATA / "solutions" / "sol-InstanzCPLEX_HCSRP_25_6-4196464940.json.gz", problem)
    assert [(r.staff, len(r.stops)) for r in solution.routes if not r.stops] == [("c2", 0)]


def test_unknown_patient_or_service_is_kept_for_the_validator(tmp_path: Path) -> None:
    problem = read_instance(TOY)
    data = load(TOY_SOLUTION)
    data["routes"][0]["locations"][0]["patient_id"] = "p99"
    solution = read_solution(dump(data, tmp_path / "sol.json"), problem)
    assert solution.routes[0].stops[0].visit == "p99/s2"
    assert "unknown visit p99/s2 in the route of c1" in evaluate(problem, solution).violations


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (("routes",), MISSING, "routes: missing"),
        (("routes", 0, "caregiver_id"), MISSING, "routes[0].caregiver_id: missing"),
        (("routes", 1, "locations"), {}, "routes[1].locations: expected a list"),
        (("routes", 0, "locations", 1, "patient_id"), MISSING, "routes[0].locations[1].patient_id: missing"),
        (("routes", 0, "locations", 1, "service_id"), 3, "routes[0].locations[1].service: expected a non-empty"),
        (("routes", 2, "locations", 0, "arrival_time"), None, "routes[2].locations[0].arrival_time: expected a finite"),
        (("routes", 2, "locations", 0, "departure_time"), MISSING, "routes[2].locations[0].departure_time: missing"),
    ],
)
def test_malformed_solution(tmp_path: Path, where: tuple[Any, ...], value: Any, message: str) -> None:
    data = load(TOY_SOLUTION)
    if value is MISSING:
        _delete(data, where)
    else:
        _set(data, where, value)
    path = dump(data, tmp_path / "broken-solution.json")
    with pytest.raises(FormatError) as error:
        read_solution(path, read_instance(TOY))
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


@pytest.mark.parametrize("suffix", [".json", ".json.gz"])
def test_write_then_read_is_the_same_solution(tmp_path: Path, suffix: str) -> None:
    for instance, published in ((TOY, TOY_SOLUTION), (I10, I10_SOLUTION)):
        problem = read_instance(instance)
        solution = read_solution(published, problem)
        out = tmp_path / f"out{suffix}"
        write_solution(problem, solution, out)
        assert read_solution(out, problem) == solution
        text = gzip.decompress(out.read_bytes()) if suffix.endswith(".gz") else out.read_bytes()
        written = json.loads(text)
        first = written["routes"][0]["locations"][0]
        assert set(first) == {"patient", "service", "arrival_time", "departure_time"}
        assert sorted(written["global_ordering"]) == sorted({v.person for v in problem.visits})


def test_global_ordering_is_by_first_start(tmp_path: Path) -> None:
    problem = read_instance(TOY)
    out = tmp_path / "toy.json"
    write_solution(problem, read_solution(TOY_SOLUTION, problem), out)
    # first starts: p3 56, p4 120, p2 178, p1 240, p5 275, p6 360
    assert json.loads(out.read_text())["global_ordering"] == ["p3", "p4", "p2", "p1", "p5", "p6"]


# --- best-known table ------------------------------------------------------------------------


def test_best_known() -> None:
    table = best_known_table(DATA / "best_known.md")
    assert set(table) == {"InstanzCPLEX_HCSRP_10_1", "InstanzCPLEX_HCSRP_10_3", "InstanzCPLEX_HCSRP_25_6", "toy"}
    row = table["InstanzCPLEX_HCSRP_10_3"]
    assert (row.distance, row.max_tardiness, row.total_tardiness, row.total_cost) == (741.137, 77.134, 99.304, 305.858)
    assert row.solution == "sol-InstanzCPLEX_HCSRP_10_3-2425726044.json"
    assert solution_file(DATA / "solutions", row).name == "sol-InstanzCPLEX_HCSRP_10_3-2425726044.json.gz"
    assert best_known(DATA / "best_known.md")["InstanzCPLEX_HCSRP_10_1"] == 218.199


def test_best_known_bad_table(tmp_path: Path) -> None:
    md = tmp_path / "best_known.md"
    md.write_text("no table here\n", encoding="utf-8")
    with pytest.raises(FormatError, match="no Markdown table"):
        best_known(md)
    md.write_text("| instance | total_cost |\n|:--|--:|\n| a.json | 1 |\n", encoding="utf-8")
    with pytest.raises(FormatError, match="column 'distance_traveled' missing"):
        best_known(md)
    header = "| instance | distance_traveled | max_tardiness | total_tardiness | total_cost | solution |\n"
    md.write_text(header + "|:-|-:|-:|-:|-:|:-|\n| a.json | 1 | 0 | 0 | n/a | s.json |\n", encoding="utf-8")
    with pytest.raises(FormatError, match="table row 3, total_cost: not a number"):
        best_known(md)


def test_instance_name() -> None:
    assert instance_name("x/InstanzVNS_HCSRP_100_1.json.gz") == "InstanzVNS_HCSRP_100_1"
    assert instance_name("toy.json") == "toy"
