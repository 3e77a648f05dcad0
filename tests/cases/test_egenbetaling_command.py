"""``helhet egenbetaling``: the co-payment from the shell, on the kommune's configured table.

Oslo's 2019 table (seed 004 lines 1555-1561) is stored as the kommune's ``EgenbetalingSats``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from factories import KommuneFactory
from helhet.cases.models import EgenbetalingSats
from helhet.cases.rules.egenbetaling import MSG_INCOME_MISSING, MSG_INCOME_NEGATIVE, OSLO_2019
from helhet.core.models import Kommune

pytestmark = pytest.mark.django_db


@pytest.fixture
def oslo() -> Kommune:
    kommune = KommuneFactory(navn="Oslo", kommunenummer="0301")
    EgenbetalingSats.from_rate_table(kommune, OSLO_2019).save()
    return kommune


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("egenbetaling", *args, stdout=out)
    return out.getvalue().splitlines()


def test_2_to_3_g(oslo: Kommune) -> None:
    lines = run("--year", "2019", "--inntekt", "250000", "--timer-per-maned", "10")

    assert lines[0].startswith("Inntektsgruppe: 2–3 G (193 766–290 648 kr)")
    assert lines[1] == "Timesats: 76 kr"
    assert lines[2] == "Beløp per måned: 760 kr"
    assert lines[3] == "Årlig tak: 7 600 kr"
    assert lines[4].startswith("Husstandens inntekt på 250 000 kr er 2–3 G")
    assert "maksimalt for 100 timer per år" in lines[4]
    assert len(lines) == 5


def test_under_2_g_has_a_monthly_cap(oslo: Kommune) -> None:
    lines = run("--year", "2019", "--inntekt", "150000", "--timer-per-maned", "10")

    assert lines[0].startswith("Inntektsgruppe: under 2 G (under 193 766 kr)")
    assert "Timesats: 35 kr" in lines
    assert "Beløp per måned: 210 kr" in lines  # 10 h × 35 kr = 350 kr, capped
    assert "Tak per måned: 210 kr" in lines
    assert not any(line.startswith("Årlig tak") for line in lines)


@pytest.mark.parametrize(
    ("income", "rate", "cap"),
    [("193765", 35, None), ("193766", 76, "7 600"), ("290649", 194, "19 400"), ("387532", 319, "31 900")],
)
def test_band_edges_of_the_2019_table(oslo: Kommune, income: str, rate: int, cap: str | None) -> None:
    lines = run("--year", "2019", "--inntekt", income, "--timer-per-maned", "1", "--kommune", "0301")
    assert f"Timesats: {rate} kr" in lines
    if cap:
        assert f"Årlig tak: {cap} kr" in lines


def test_income_and_hours_in_norwegian_notation(oslo: Kommune) -> None:
    lines = run("--year", "2019", "--inntekt", "250 000", "--timer-per-maned", "2,5")
    assert "Beløp per måned: 190 kr" in lines


def test_a_later_year_uses_the_newest_earlier_table_and_says_so(oslo: Kommune) -> None:
    lines = run("--year", "2021", "--inntekt", "250000", "--timer-per-maned", "10")
    assert lines[0] == "Merk: Oslo har ingen satser for 2021; bruker satsene for 2019."
    assert "Timesats: 76 kr" in lines


def test_missing_table_is_an_error(oslo: Kommune) -> None:
    with pytest.raises(CommandError) as excinfo:
        run("--year", "2018", "--inntekt", "250000", "--timer-per-maned", "10")
    assert excinfo.value.returncode == 1
    assert str(excinfo.value) == (
        "Oslo (0301) har ingen satser for egenbetaling for 2018 eller tidligere år. Legg inn kommunens satser først."
    )


def test_kommune_without_a_table_is_an_error(oslo: Kommune) -> None:
    KommuneFactory(navn="Bergen", kommunenummer="4601")
    with pytest.raises(CommandError, match="Bergen \\(4601\\) har ingen satser"):
        run("--year", "2019", "--inntekt", "250000", "--timer-per-maned", "10", "--kommune", "4601")


def test_several_kommuner_need_kommune(oslo: Kommune) -> None:
    KommuneFactory(navn="Bergen", kommunenummer="4601")
    with pytest.raises(CommandError, match="Oppgi hvilken med --kommune"):
        run("--year", "2019", "--inntekt", "250000", "--timer-per-maned", "10")
    assert "Timesats: 76 kr" in run(
        "--year", "2019", "--inntekt", "250000", "--timer-per-maned", "10", "--kommune", "0301"
    )


def test_unknown_kommune(oslo: Kommune) -> None:
    with pytest.raises(CommandError, match="Fant ingen kommune med kommunenummer 1234"):
        run("--year", "2019", "--inntekt", "250000", "--timer-per-maned", "10", "--kommune", "1234")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), MSG_INCOME_MISSING),
        (("--inntekt", "-5"), MSG_INCOME_NEGATIVE),
        (("--inntekt", "mye"), "Inntekten må være et tall, ikke «mye»."),
        (("--inntekt", "250000.50"), "Oppgi inntekten i hele kroner."),
    ],
)
def test_bad_income(oslo: Kommune, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError) as excinfo:
        run("--year", "2019", "--timer-per-maned", "10", *args)
    assert str(excinfo.value) == message
    assert excinfo.value.returncode == 1


def test_more_than_168_hours_a_week(oslo: Kommune) -> None:
    assert "Timesats: 76 kr" in run("--year", "2019", "--inntekt", "250000", "--timer-per-maned", "672")
    with pytest.raises(CommandError, match="168 timer i uken"):
        run("--year", "2019", "--inntekt", "250000", "--timer-per-maned", "672.5")


def test_hours_are_required(oslo: Kommune) -> None:
    with pytest.raises(CommandError, match="--timer-per-maned"):
        run("--year", "2019", "--inntekt", "250000")


def test_exit_status_from_the_shell(tmp_path: Path) -> None:
    """The console command exits 1 with the Norwegian message on stderr (bad input fails before the database)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "-m", "helhet.cli", "egenbetaling", "--year", "2019", "--timer-per-maned", "abc"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert result.returncode == 1
    assert "Timer per måned må være et tall" in result.stderr
