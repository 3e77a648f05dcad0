"""``helhet bench planner``: the published benchmark sets, our planner against the OR-Tools baseline.

    helhet bench planner [--root ../shared/benchmarks] [--sets hhcrsp,vrptw] [--only PATTERN]
                         [--time-limit-hhcrsp 60] [--time-limit-vrptw 120] [--out var/bench-planner]
                         [--seed 0] [--no-baseline]

Prints per instance and solver ``<set>_<instance>_<solver>_{valid,cost,gap,seconds}`` and per group
``<set>_<group>_<solver>_{valid,mean_gap,max_gap,mean_seconds}``, one per line as ``name: value
unit``, plus ``hhcrsp_ours_not_worse`` (instances where our cost ≤ the baseline's); a table for people
goes to standard error with the progress. Registered in :mod:`helhet.bench` (no Django needed here).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from helhet import bench
from helhet.planning import harness


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=str(harness.DEFAULT_ROOT), help="Mappen med hhcrsp/ og vrptw/.")
    parser.add_argument("--sets", default="hhcrsp,vrptw", help="Hvilke sett: hhcrsp, vrptw eller begge.")
    parser.add_argument("--only", default="*", help="Bare instanser hvis navn passer mønsteret (glob).")
    parser.add_argument("--time-limit-hhcrsp", type=float, default=harness.HHCRSP_LIMIT)
    parser.add_argument("--time-limit-vrptw", type=float, default=harness.VRPTW_LIMIT)
    parser.add_argument("--out", default="var/bench-planner", help="Hvor løsningene skrives.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-baseline", action="store_true", help="Kjør bare vår planlegger.")


def run(options: dict[str, Any], report: bench.Report) -> None:
    root, out = Path(options["root"]), Path(options["out"])
    sets = {s.strip() for s in options["sets"].split(",") if s.strip()}
    unknown = sets - {"hhcrsp", "vrptw"}
    if unknown:
        raise bench.Refused(f"Ukjent sett: {', '.join(sorted(unknown))} (velg hhcrsp og/eller vrptw).")
    if not root.is_dir():
        raise bench.Refused(f"Finner ikke benchmark-mappen {root} (oppgi den med --root).")
    rows: list[harness.Row] = []
    common = {"out": out, "seed": options["seed"], "baseline": not options["no_baseline"], "progress": report.progress}
    if "hhcrsp" in sets:
        paths = harness.hhcrsp_instances(root, options["only"])
        report.progress(f"hhcrsp: {len(paths)} instanser, {options['time_limit_hhcrsp']:g} s hver per løser")
        rows += harness.run_hhcrsp(paths, time_limit=options["time_limit_hhcrsp"], **common)
    if "vrptw" in sets:
        paths = harness.vrptw_instances(root, options["only"])
        report.progress(f"vrptw: {len(paths)} instanser, {options['time_limit_vrptw']:g} s hver per løser")
        rows += harness.run_vrptw(paths, time_limit=options["time_limit_vrptw"], **common)
    for row in rows:
        key = f"{row.set}_{row.instance}_{row.solver}"
        report.figure(f"{key}_valid", int(row.valid), "bool")
        report.figure(f"{key}_cost", row.cost, "cost")
        if row.gap is not None:
            report.figure(f"{key}_gap", row.gap, "%")
        report.figure(f"{key}_seconds", row.seconds, "s")
    for total in harness.totals(rows):
        key = f"{total.set}_{total.group}_{total.solver}"
        report.figure(f"{key}_valid", total.valid, f"of_{total.instances}")
        if total.mean_gap is not None and total.max_gap is not None:
            report.figure(f"{key}_mean_gap", total.mean_gap, "%")
            report.figure(f"{key}_max_gap", total.max_gap, "%")
        report.figure(f"{key}_mean_seconds", total.mean_seconds, "s")
    better, comparable = harness.ours_not_worse(r for r in rows if r.set == "hhcrsp")
    if comparable:
        report.figure("hhcrsp_ours_not_worse", better, f"of_{comparable}")
    for line in harness.table(rows):
        report.progress(line)


bench.register(
    bench.Benchmark(
        "planner",
        "Besøksplanleggeren mot publiserte beste løsninger (hhcrsp og vrptw), og mot OR-Tools med samme tidsgrense.",
        add_arguments,
        run,
    )
)
