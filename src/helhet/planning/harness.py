"""The planner benchmark: every published instance, our planner and the OR-Tools baseline, the same limit.

For each instance of ``<root>/hhcrsp/instances/*.json.gz`` and ``<root>/vrptw/*.vrp`` (``root``
defaults to ``../shared/benchmarks``): solve with our planner and with the plain OR-Tools baseline
at the same time limit, write each solution in the published format (hhcrsp JSON, VRPLIB ``.sol``)
under ``out``, validate it with our own validator, and compare its cost with the best-known one.
Rows per instance and totals per group (hhcrsp by number of patients, vrptw by class) come back as
plain data; ``helhet bench planner`` prints them. No Django here.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ROOT = Path("../shared/benchmarks")
HHCRSP_LIMIT = 60.0
VRPTW_LIMIT = 120.0
OURS, BASELINE = "ours", "baseline"


@dataclass(frozen=True)
class Row:
    """One instance solved by one solver."""

    set: str  # "hhcrsp" or "vrptw"
    instance: str
    group: str  # hhcrsp: patients «10» … «300»; vrptw: class «C1», «R2» …
    solver: str  # OURS or BASELINE
    valid: bool
    cost: float
    best_known: float | None
    seconds: float
    unassigned: int = 0
    problems: tuple[str, ...] = ()

    @property
    def gap(self) -> float | None:
        """(cost − best known) / best known, in per cent; None without a best known or a valid solution."""
        if not self.valid or not self.best_known:
            return None
        return 100.0 * (self.cost - self.best_known) / self.best_known


@dataclass(frozen=True)
class GroupTotal:
    set: str
    group: str
    solver: str
    instances: int
    valid: int
    mean_gap: float | None
    max_gap: float | None
    mean_seconds: float


def hhcrsp_group(name: str) -> str:
    """«InstanzCPLEX_HCSRP_25_3» → «25» (patients)."""
    match = re.search(r"_(\d+)_\d+$", name)
    return match.group(1) if match else "other"


def vrptw_group(name: str) -> str:
    """«RC2_10_4» → «RC2»."""
    return name.split("_", 1)[0]


def hhcrsp_instances(root: Path, pattern: str = "*") -> list[Path]:
    folder = root / "hhcrsp" / "instances"
    return sorted(p for p in folder.glob(f"{pattern}.json.gz") if not p.name.startswith("toy"))


def vrptw_instances(root: Path, pattern: str = "*") -> list[Path]:
    return sorted((root / "vrptw").glob(f"{pattern}.vrp"))


def _stem(path: Path) -> str:
    return path.name.removesuffix(".gz").removesuffix(".json").removesuffix(".vrp")


def run_hhcrsp(
    paths: Iterable[Path],
    *,
    time_limit: float,
    out: Path,
    seed: int = 0,
    baseline: bool = True,
    progress: Callable[[str], None] = lambda _: None,
) -> list[Row]:
    from helhet.planning import baseline as ortools_baseline
    from helhet.planning import hhcrsp, solver
    from helhet.planning.evaluate import evaluate

    paths = list(paths)
    if not paths:
        return []
    known_file = paths[0].parent.parent / "best_known.md"
    known = hhcrsp.best_known(known_file) if known_file.exists() else {}
    solvers = [(OURS, solver.solve)] + ([(BASELINE, ortools_baseline.solve)] if baseline else [])
    rows: list[Row] = []
    for path in paths:
        name = _stem(path)
        problem = hhcrsp.read_instance(path)
        for label, solve in solvers:
            started = time.perf_counter()
            solution = solve(problem, time_limit=time_limit, seed=seed)
            seconds = time.perf_counter() - started
            result = evaluate(problem, solution)
            target = out / "hhcrsp" / label / f"sol-{name}.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            hhcrsp.write_solution(problem, solution, target)
            problems = tuple(result.violations) + tuple(f"unassigned {u.visit}" for u in solution.unassigned)
            row = Row(
                "hhcrsp",
                name,
                hhcrsp_group(name),
                label,
                result.valid and not solution.unassigned,
                result.cost,
                known.get(name),
                seconds,
                len(solution.unassigned),
                problems,
            )
            rows.append(row)
            progress(_line(row))
    return rows


def run_vrptw(
    paths: Iterable[Path],
    *,
    time_limit: float,
    out: Path,
    seed: int = 0,
    baseline: bool = True,
    progress: Callable[[str], None] = lambda _: None,
) -> list[Row]:
    from helhet.planning import vrptw

    rows: list[Row] = []
    for path in paths:
        name = _stem(path)
        instance = vrptw.read_instance(path)
        sol_file = path.with_suffix(".sol")
        known = vrptw.evaluate(instance, vrptw.read_solution(sol_file)).cost if sol_file.exists() else None
        solvers: list[tuple[str, Callable[..., list[list[int]]]]] = [(OURS, vrptw.solve)]
        if baseline:
            solvers.append((BASELINE, vrptw.solve_baseline))
        for label, solve in solvers:
            started = time.perf_counter()
            routes = (
                solve(instance, time_limit=time_limit)
                if label == BASELINE
                else solve(instance, time_limit=time_limit, seed=seed)
            )
            seconds = time.perf_counter() - started
            result = vrptw.evaluate(instance, routes)
            target = out / "vrptw" / label / f"{name}.sol"
            target.parent.mkdir(parents=True, exist_ok=True)
            vrptw.write_solution(routes, result.cost, target)
            row = Row(
                "vrptw",
                name,
                vrptw_group(name),
                label,
                not result.violations,
                result.cost,
                known,
                seconds,
                0,
                tuple(result.violations),
            )
            rows.append(row)
            progress(_line(row))
    return rows


def totals(rows: Iterable[Row]) -> list[GroupTotal]:
    """Per set, group and solver: instances, valid ones, mean and max gap, mean time."""
    groups: dict[tuple[str, str, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.set, row.group, row.solver), []).append(row)
    result = []
    for (set_name, group, solver_name), members in sorted(groups.items(), key=lambda kv: _group_key(kv[0])):
        gaps = [r.gap for r in members if r.gap is not None]
        result.append(
            GroupTotal(
                set_name,
                group,
                solver_name,
                len(members),
                sum(r.valid for r in members),
                statistics.fmean(gaps) if gaps else None,
                max(gaps) if gaps else None,
                statistics.fmean(r.seconds for r in members),
            )
        )
    return result


def _group_key(key: tuple[str, str, str]) -> tuple[str, int, str, str]:
    set_name, group, solver_name = key
    return set_name, int(group) if group.isdigit() else 0, group, solver_name


def ours_not_worse(rows: Iterable[Row]) -> tuple[int, int]:
    """(instances where our cost ≤ the baseline's, instances with both solved validly)."""
    by_instance: dict[tuple[str, str], dict[str, Row]] = {}
    for row in rows:
        by_instance.setdefault((row.set, row.instance), {})[row.solver] = row
    both = [pair for pair in by_instance.values() if OURS in pair and BASELINE in pair]
    comparable = [p for p in both if p[OURS].valid and p[BASELINE].valid]
    better = sum(1 for p in comparable if p[OURS].cost <= p[BASELINE].cost + 1e-6)
    return better, len(comparable)


def _line(row: Row) -> str:
    gap = "–" if row.gap is None else f"{row.gap:6.2f} %"
    known = "–" if row.best_known is None else f"{row.best_known:.3f}"
    state = "valid" if row.valid else "INVALID: " + "; ".join(row.problems[:3])
    return (
        f"{row.set:6} {row.instance:32} {row.solver:8} cost {row.cost:12.3f}  best {known:>12}  gap {gap:>9}  "
        f"{row.seconds:6.1f} s  {state}"
    )


def table(rows: list[Row]) -> list[str]:
    """The per-instance lines and the totals, as text for people."""
    lines = [_line(r) for r in rows]
    lines.append("")
    lines.append(f"{'set':6} {'group':6} {'solver':8} {'valid':>9} {'mean gap':>10} {'max gap':>10} {'mean time':>10}")
    for t in totals(rows):
        mean = "–" if t.mean_gap is None else f"{t.mean_gap:.2f} %"
        worst = "–" if t.max_gap is None else f"{t.max_gap:.2f} %"
        lines.append(
            f"{t.set:6} {t.group:6} {t.solver:8} {t.valid:>4}/{t.instances:<4} {mean:>10} {worst:>10} "
            f"{t.mean_seconds:>8.1f} s"
        )
    better, comparable = ours_not_worse(rows)
    if comparable:
        lines.append(f"ours ≤ baseline on {better} of {comparable} instances")
    return lines
