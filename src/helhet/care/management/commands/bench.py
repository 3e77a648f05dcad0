"""``helhet bench NAME [options]``: build a benchmark's dataset and print its figures.

    helhet bench delivery [--persons N] [--staff N] [--days N] [--repeat R] [--force]

Figures go to standard output, one per line, as ``name: value unit``; progress goes to standard
error. Benchmarks register themselves in :mod:`helhet.bench` from a ``bench`` module in their app
(``helhet.care.bench`` holds «delivery»), so another app adds ``helhet bench planner`` without
touching this command.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helhet import bench


class Command(BaseCommand):
    help = "Ytelsestester (benchmarks): bygger et syntetisk datasett og skriver ut målingene som «navn: verdi enhet»."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="benchmark", metavar="NAVN", required=True)
        for benchmark in bench.registered().values():
            sub = subcommands.add_parser(benchmark.name, help=benchmark.help, description=benchmark.help)
            benchmark.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        benchmarks = bench.registered()
        benchmark = benchmarks.get(options["benchmark"])
        if benchmark is None:  # pragma: no cover - argparse refuses unknown names first
            raise CommandError(f"Ukjent benchmark: {options['benchmark']}")
        try:
            benchmark.run(options, bench.Report(self.stdout, self.stderr))
        except bench.Refused as exc:
            raise CommandError(str(exc)) from exc
