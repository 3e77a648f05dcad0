"""``helhet plan-file INSTANCE.json[.gz] --time-limit SECONDS --out SOLUTION.json [--seed N] [--baseline]``.

Solves any instance in the hhcrsp JSON format (not only the shipped ones) with Helhet's planner (or,
with ``--baseline``, the plain OR-Tools baseline) and writes the solution in the published solution
format. Prints ``valid``, ``cost``, ``distance``, ``total_tardiness``, ``max_tardiness``,
``unassigned`` and ``seconds`` as ``name: value unit``. A malformed file is a clear error naming the
file and the field (exit status 1). The planner itself is :mod:`helhet.planning` (no Django).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helhet.planning import baseline, hhcrsp, solver
from helhet.planning.evaluate import evaluate


class Command(BaseCommand):
    help = "Løs en instans i hhcrsp-formatet og skriv løsningen i det publiserte løsningsformatet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instance", help="Instansfilen (.json eller .json.gz).")
        parser.add_argument("--time-limit", type=float, required=True, help="Tidsgrense i sekunder.")
        parser.add_argument("--out", required=True, help="Hvor løsningen skrives (.json).")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--baseline", action="store_true", help="Bruk OR-Tools-grunnlinjen i stedet.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["instance"])
        if not path.is_file():
            raise CommandError(f"Finner ikke instansfilen {path}.")
        if options["time_limit"] <= 0:
            raise CommandError("--time-limit må være et positivt antall sekunder.")
        try:
            problem = hhcrsp.read_instance(path)
        except hhcrsp.FormatError as exc:
            raise CommandError(str(exc)) from None
        solve = baseline.solve if options["baseline"] else solver.solve
        started = time.perf_counter()
        solution = solve(problem, time_limit=options["time_limit"], seed=options["seed"])
        seconds = time.perf_counter() - started
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        hhcrsp.write_solution(problem, solution, out)
        result = evaluate(problem, solution)
        self.stdout.write(f"valid: {int(result.valid and not solution.unassigned)} bool")
        self.stdout.write(f"cost: {result.cost:.3f} cost")
        self.stdout.write(f"distance: {result.travel:.3f} distance")
        self.stdout.write(f"total_tardiness: {result.total_tardiness:.3f} time")
        self.stdout.write(f"max_tardiness: {result.max_tardiness:.3f} time")
        self.stdout.write(f"unassigned: {len(solution.unassigned)} visits")
        self.stdout.write(f"seconds: {seconds:.2f} s")
        for item in solution.unassigned:
            self.stderr.write(f"Ikke planlagt: {item.visit}: {item.reason}")
        for violation in result.violations:
            self.stderr.write(f"Brudd: {violation}")
