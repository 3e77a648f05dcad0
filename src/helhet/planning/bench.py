"""``helhet bench planner``: the published benchmark sets, our planner against the OR-Tools baseline.

    helhet bench planner [--root ../shared/benchmarks] [--sets hhcrsp,vrptw] [--only PATTERN]
                         [--time-limit-hhcrsp 60] [--time-limit-vrptw 120] [--out var/bench-planner]
                         [--seed 0] [--no-baseline]
                         [--district-time-limit 60] [--district-days 14] [--district-day-limit 20]
                         [--district-persons 375] [--district-staff 60]

Prints per instance and solver ``<set>_<instance>_<solver>_{valid,cost,gap,seconds}`` and per group
``<set>_<group>_<solver>_{valid,mean_gap,max_gap,mean_seconds}``, one per line as ``name: value
unit``, plus ``hhcrsp_ours_not_worse`` (instances where our cost ≤ the baseline's); a table for people
goes to standard error with the progress. Registered in :mod:`helhet.bench` (no Django needed here).

The ``district`` set (:mod:`helhet.planning.district`, the product figure: a generated Oslo-like
district day of about 1 000 visits and 60 staff, and continuity over 14 days) runs only when asked,
``--sets district`` (or ``--sets hhcrsp,vrptw,district``): it takes about
``district-time-limit + 2 × district-days × district-day-limit`` seconds (60 + 2 × 14 × 20 s ≈ 10 min
by default), too long to add to every run of the published sets. ``--seed`` chooses the district and
the solver's seed. It prints ``district_day_{visits,staff,persons,seconds,valid,violations,unassigned,
late,travel,total_tardiness,max_tardiness,new_faces}`` for day 0 (a Monday) planned within
``--district-time-limit`` seconds, and for the fortnight, planned once with the continuity term and
once without (``<arm>`` = ``with_continuity`` / ``without_continuity``):
``district_fortnight_distinct_staff_<arm>`` (mean distinct staff per person over the days),
``district_fortnight_median_distinct_staff_<arm>``, ``district_fortnight_max_distinct_staff_<arm>``,
``district_fortnight_familiar_share_<arm>``, ``district_fortnight_primaerkontakt_share_<arm>`` (per
cent of planned visits), ``district_fortnight_valid_days_<arm>`` (no broken rule and nothing
unplanned), ``district_fortnight_{unassigned,late,new_faces}_<arm>`` (sums), ``..._travel_<arm>`` and
``..._mean_seconds_<arm>`` (per day). ``--district-days 0`` skips the fortnight.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from helhet import bench
from helhet.planning import district, harness

SETS = ("hhcrsp", "vrptw", "district")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=str(harness.DEFAULT_ROOT), help="Mappen med hhcrsp/ og vrptw/.")
    parser.add_argument(
        "--sets", default="hhcrsp,vrptw", help="Hvilke sett, kommaseparert: hhcrsp, vrptw, district (bydelen)."
    )
    parser.add_argument("--only", default="*", help="Bare instanser hvis navn passer mønsteret (glob).")
    parser.add_argument("--time-limit-hhcrsp", type=float, default=harness.HHCRSP_LIMIT)
    parser.add_argument("--time-limit-vrptw", type=float, default=harness.VRPTW_LIMIT)
    parser.add_argument("--out", default="var/bench-planner", help="Hvor løsningene skrives.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-baseline", action="store_true", help="Kjør bare vår planlegger.")
    parser.add_argument(
        "--district-time-limit", type=float, default=60.0, help="Sekunder for én dag i bydelen (dag 0)."
    )
    parser.add_argument("--district-days", type=int, default=14, help="Dager i kontinuitetssimuleringen (0: ingen).")
    parser.add_argument("--district-day-limit", type=float, default=20.0, help="Sekunder per dag i simuleringen.")
    parser.add_argument("--district-persons", type=int, default=district.DEFAULT_PERSONS)
    parser.add_argument("--district-staff", type=int, default=district.DEFAULT_STAFF)


def run(options: dict[str, Any], report: bench.Report) -> None:
    root, out = Path(options["root"]), Path(options["out"])
    sets = {s.strip() for s in options["sets"].split(",") if s.strip()}
    unknown = sets - set(SETS)
    if unknown:
        raise bench.Refused(f"Ukjent sett: {', '.join(sorted(unknown))} (velg blant {', '.join(SETS)}).")
    if sets & {"hhcrsp", "vrptw"} and not root.is_dir():
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
    for line in harness.table(rows) if rows else ():
        report.progress(line)
    if "district" in sets:
        run_district(options, report)


def run_district(options: dict[str, Any], report: bench.Report) -> None:
    """One district day within the limit, then the fortnight with and without the continuity term."""
    seed = options["seed"]
    if options["district_persons"] < 1 or options["district_staff"] < 2 or options["district_days"] < 0:
        raise bench.Refused("Bydelen trenger minst én person, to ansatte og et ikke-negativt antall dager.")
    place = district.make_district(options["district_persons"], options["district_staff"], seed)
    for line in district.describe(place):
        report.progress(line)
    limit = options["district_time_limit"]
    report.progress(f"district: dag 0 med {limit:g} s")
    _, _, day = district.plan_day(place, 0, time_limit=limit, seed=seed)
    report.progress(district.DAY_HEADER)
    report.progress(district.day_row(day))
    for problem in day.first_violations:
        report.progress(f"  brudd: {problem}")
    report.figure("district_day_visits", day.visits, "visits")
    report.figure("district_day_staff", day.staff, "staff")
    report.figure("district_day_persons", len(place.persons), "persons")
    report.figure("district_day_seconds", day.seconds, "s")
    report.figure("district_day_valid", int(day.valid), "bool")
    report.figure("district_day_violations", day.violations, "violations")
    report.figure("district_day_unassigned", day.unassigned, "visits")
    report.figure("district_day_late", day.late, "visits")
    report.figure("district_day_travel", day.travel, "min")
    report.figure("district_day_total_tardiness", day.total_tardiness, "min")
    report.figure("district_day_max_tardiness", day.max_tardiness, "min")
    report.figure("district_day_new_faces", day.new_faces, "visits")
    days = options["district_days"]
    if days == 0:
        return
    per_day = options["district_day_limit"]
    runs: dict[str, district.Fortnight] = {}
    for arm, on in (("with_continuity", True), ("without_continuity", False)):
        report.progress(f"district: {days} dager {'med' if on else 'uten'} kontinuitetsledd, {per_day:g} s per dag")
        report.progress(district.DAY_HEADER)
        runs[arm] = district.simulate_fortnight(
            place,
            continuity=on,
            time_limit=per_day,
            days=days,
            seed=seed,
            on_day=lambda fig: report.progress(district.day_row(fig)),
        )
    for arm, run in runs.items():
        n = len(run.days)
        report.figure(f"district_fortnight_distinct_staff_{arm}", run.distinct_staff_mean, "staff_per_person")
        report.figure(f"district_fortnight_median_distinct_staff_{arm}", run.distinct_staff_median, "staff_per_person")
        report.figure(f"district_fortnight_max_distinct_staff_{arm}", run.distinct_staff_max, "staff_per_person")
        report.figure(f"district_fortnight_familiar_share_{arm}", 100 * run.familiar_share, "%")
        report.figure(f"district_fortnight_primaerkontakt_share_{arm}", 100 * run.primaerkontakt_share, "%")
        report.figure(f"district_fortnight_valid_days_{arm}", run.valid_days, f"of_{n}")
        report.figure(f"district_fortnight_unassigned_{arm}", sum(d.unassigned for d in run.days), "visits")
        report.figure(f"district_fortnight_late_{arm}", sum(d.late for d in run.days), "visits")
        report.figure(f"district_fortnight_new_faces_{arm}", sum(d.new_faces for d in run.days), "visits")
        report.figure(f"district_fortnight_travel_{arm}", sum(d.travel for d in run.days) / n, "min_per_day")
        report.figure(f"district_fortnight_mean_seconds_{arm}", sum(d.seconds for d in run.days) / n, "s")
    report.progress("")
    report.progress(f"Kontinuitet over {days} dager          med ledd   uten ledd")
    with_, without = runs["with_continuity"], runs["without_continuity"]
    rows = [
        ("ansatte per person, snitt", with_.distinct_staff_mean, without.distinct_staff_mean, ".2f"),
        ("ansatte per person, median", with_.distinct_staff_median, without.distinct_staff_median, ".1f"),
        ("ansatte per person, høyest", with_.distinct_staff_max, without.distinct_staff_max, "d"),
        ("besøk av kjent ansatt", 100 * with_.familiar_share, 100 * without.familiar_share, ".1f"),
        ("besøk av primærkontakt", 100 * with_.primaerkontakt_share, 100 * without.primaerkontakt_share, ".1f"),
        ("gyldige dager uten uplanlagte", with_.valid_days, without.valid_days, "d"),
        ("sene besøk i alt", sum(d.late for d in with_.days), sum(d.late for d in without.days), "d"),
        ("reise per dag (min)", _mean_travel(with_), _mean_travel(without), ".0f"),
    ]
    for label, a, b, fmt in rows:
        report.progress(f"  {label:32} {a:>9{fmt}} {b:>11{fmt}}")


def _mean_travel(run: district.Fortnight) -> float:
    return sum(d.travel for d in run.days) / len(run.days) if run.days else 0.0


bench.register(
    bench.Benchmark(
        "planner",
        "Besøksplanleggeren mot publiserte beste løsninger (hhcrsp og vrptw), og mot OR-Tools med samme tidsgrense.",
        add_arguments,
        run,
    )
)
