"""``helhet bench delivery`` on a tiny dataset: it builds, measures and prints ``name: value unit`` lines.

No timing is asserted: tests check that the benchmark runs and says what it measured.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from helhet import bench
from helhet.care.models import Besok, Tiltak, Tiltaksplan
from helhet.core.models import Kommune, Tjenestemottaker

pytestmark = pytest.mark.django_db

LINE = re.compile(r"^(?P<name>[a-z0-9_]+): (?P<value>-?[0-9]+(\.[0-9]+)?) (?P<unit>[A-Za-z]+)$")
EXPECTED = {
    "build": "s",
    "persons": "count",
    "staff": "count",
    "visits": "rows",
    "journal_notes": "rows",
    "min_dag_visits": "count",
    "min_dag_median": "ms",
    "min_dag_p95": "ms",
    "kontraktsintegritet_bydel_median": "s",
    "generate_month_persons": "persons",
    "generate_month_visits": "rows",
    "generate_month_median": "s",
    "database_size": "MB",
}


def _run(*args: str) -> tuple[dict[str, tuple[float, str]], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("bench", "delivery", *args, stdout=out, stderr=err)
    figures: dict[str, tuple[float, str]] = {}
    for line in out.getvalue().splitlines():
        match = LINE.match(line)
        assert match, f"not «name: value unit»: {line!r}"
        figures[match["name"]] = (float(match["value"]), match["unit"])
    return figures, err.getvalue()


def test_tiny_run_prints_every_figure() -> None:
    figures, progress = _run("--persons", "60", "--staff", "8", "--days", "14", "--repeat", "2")
    assert {name: unit for name, (_, unit) in figures.items()} == EXPECTED
    assert figures["persons"][0] == 60 == Tjenestemottaker.objects.count()
    assert figures["staff"][0] == 8
    assert figures["visits"][0] == Besok.objects.count() > 0
    assert figures["generate_month_persons"][0] == 60
    assert figures["generate_month_visits"][0] > 0
    assert figures["min_dag_visits"][0] > 0
    assert "Bygger datasettet" in progress  # progress goes to stderr, not among the figures
    # The dataset has the promised shape: 1-3 tiltak per person, visits performed in the past, some not.
    per_plan = [Tiltak.objects.filter(plan=plan).count() for plan in Tiltaksplan.objects.all()]
    assert per_plan and min(per_plan) >= 1 and max(per_plan) <= 3
    assert Besok.objects.filter(status=Besok.Status.UTFORT, inn__isnull=False, ut__isnull=False).exists()
    assert Besok.objects.filter(status=Besok.Status.PLANLAGT).exists()
    # The month generated for the figure was rolled back.
    assert figures["visits"][0] == Besok.objects.count()


def test_a_second_run_replaces_its_own_dataset() -> None:
    _run("--persons", "20", "--staff", "4", "--days", "3", "--repeat", "1")
    figures, _ = _run("--persons", "30", "--staff", "4", "--days", "3", "--repeat", "1")
    assert figures["persons"][0] == 30 == Tjenestemottaker.objects.count()
    assert Kommune.objects.count() == 1


def test_refuses_a_database_with_other_data(world: object) -> None:
    with pytest.raises(CommandError, match="--force"):
        _run("--persons", "10", "--staff", "4", "--days", "2", "--repeat", "1")
    assert not Kommune.objects.filter(navn="Benchmarkby (syntetisk)").exists()


def test_registry_and_percentile() -> None:
    assert "delivery" in bench.registered()
    assert bench.p95([float(i) for i in range(1, 101)]) == 95.0
    assert bench.p95([3.0]) == 3.0
    assert bench.median([1.0, 3.0, 2.0]) == 2.0
