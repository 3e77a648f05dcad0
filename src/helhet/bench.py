"""The benchmarks behind ``helhet bench NAME``: a small registry each app adds to.

An app that has a benchmark puts a module ``bench.py`` in its package and registers there::

    from helhet import bench

    bench.register(bench.Benchmark("planner", "Besøksplanleggeren …", add_arguments, run))

``helhet bench`` imports every installed app's ``bench`` module (Django's ``autodiscover_modules``,
as the admin does), so a new benchmark needs no change anywhere else.

A benchmark prints its figures through :class:`Report`, one per line, as ``name: value unit``
(machine-readable; ``benchmarks/README.md`` lists them), and its progress to standard error.
"""

from __future__ import annotations

import argparse
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


class Refused(Exception):
    """The benchmark will not run here (say, the database holds data that is not its own)."""


class Report:
    """Where a benchmark writes: ``figure`` lines to stdout, ``progress`` lines to stderr."""

    def __init__(self, stdout: Writer, stderr: Writer) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.figures: dict[str, tuple[float, str]] = {}

    def figure(self, name: str, value: float, unit: str) -> None:
        if " " in name or ":" in name:
            raise ValueError(f"a figure's name is one word: {name!r}")
        self.figures[name] = (value, unit)
        shown = str(value) if isinstance(value, int) else f"{value:.2f}"
        self.stdout.write(f"{name}: {shown} {unit}\n")

    def progress(self, message: str) -> None:
        self.stderr.write(message + "\n")


@dataclass(frozen=True)
class Benchmark:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[dict[str, Any], Report], None]


_REGISTRY: dict[str, Benchmark] = {}


def register(benchmark: Benchmark) -> None:
    _REGISTRY[benchmark.name] = benchmark


def registered() -> dict[str, Benchmark]:
    """Every benchmark of the installed apps, by name."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("bench")
    import helhet.planning.bench  # noqa: F401 (the planner is pure Python, not an installed app)

    return dict(sorted(_REGISTRY.items()))


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    """The 95th percentile, nearest-rank (the value below which 95 % of the samples lie)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
