"""The fast subset of the planner benchmark, in the test suite: a few small instances, seconds each.

The full sets run with ``helhet bench planner`` (minutes to hours); here the same harness runs on the
small instances copied into ``tests/planning/data`` and checks that every solution is valid, that it
is written in the published format (read back and validated again), and that our planner stays
within a gap bound of the best-known cost and does not lose to the OR-Tools baseline.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from helhet import bench
from helhet.planning import harness, hhcrsp
from helhet.planning.evaluate import evaluate

DATA = Path(__file__).parent / "data"
#: Our planner at a 2-second limit on the 10-patient instances: within this of the best-known cost.
GAP_BOUND_PERCENT = 5.0


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[harness.Row]:
    out = tmp_path_factory.mktemp("bench-planner")
    paths = harness.hhcrsp_instances(DATA, "InstanzCPLEX_HCSRP_10_*")
    assert [p.name for p in paths] == ["InstanzCPLEX_HCSRP_10_1.json.gz", "InstanzCPLEX_HCSRP_10_3.json.gz"]
    result = harness.run_hhcrsp(paths, time_limit=2.0, out=out, seed=1)
    result_dir = out / "hhcrsp"
    for row in result:  # the written files are the published format, and valid when read back
        problem = hhcrsp.read_instance(DATA / "hhcrsp" / "instances" / f"{row.instance}.json.gz")
        written = hhcrsp.read_solution(result_dir / row.solver / f"sol-{row.instance}.json", problem)
        assert evaluate(problem, written).valid, (row.instance, row.solver)
    return result


def test_every_solution_is_valid_and_within_the_gap_bound(rows: list[harness.Row]) -> None:
    assert {(r.instance, r.solver) for r in rows} == {
        (f"InstanzCPLEX_HCSRP_10_{k}", s) for k in (1, 3) for s in (harness.OURS, harness.BASELINE)
    }
    assert all(r.valid for r in rows), [(r.instance, r.solver, r.problems) for r in rows if not r.valid]
    for row in rows:
        assert row.best_known is not None
        if row.solver == harness.OURS:
            assert row.gap is not None and row.gap <= GAP_BOUND_PERCENT, (row.instance, row.gap)


def test_ours_is_not_worse_than_the_baseline(rows: list[harness.Row]) -> None:
    better, comparable = harness.ours_not_worse(rows)
    assert (better, comparable) == (2, 2)


def test_the_table_has_a_line_per_solution_and_the_totals(rows: list[harness.Row]) -> None:
    lines = harness.table(rows)
    assert sum("InstanzCPLEX_HCSRP_10_" in line for line in lines) == 4
    assert any(line.startswith("hhcrsp 10") and "2/2" in line for line in lines)
    assert lines[-1] == "ours ≤ baseline on 2 of 2 instances"


def test_the_bench_command_prints_figures_for_the_subset(tmp_path: Path) -> None:
    from helhet.planning import bench as planner_bench

    out, err = io.StringIO(), io.StringIO()
    options = {
        "root": str(DATA),
        "sets": "hhcrsp",
        "only": "toy*",
        "time_limit_hhcrsp": 1.0,
        "time_limit_vrptw": 1.0,
        "out": str(tmp_path),
        "seed": 0,
        "no_baseline": True,
    }
    planner_bench.run(options, bench.Report(out, err))
    assert out.getvalue() == ""  # hhcrsp_instances leaves the toy out: it is not a published instance
    options["only"] = "InstanzCPLEX_HCSRP_10_1"
    planner_bench.run(options, bench.Report(out, err))
    lines = out.getvalue().splitlines()
    names = {line.split(":")[0] for line in lines}
    assert "hhcrsp_InstanzCPLEX_HCSRP_10_1_ours_valid" in names
    assert "hhcrsp_10_ours_mean_gap" in names
    for line in lines:  # «name: value unit»
        name, value, unit = line.split(" ")
        assert name.endswith(":") and unit
        float(value)
    with pytest.raises(bench.Refused, match="Ukjent sett"):
        planner_bench.run({**options, "sets": "tsplib"}, bench.Report(out, err))
