"""The demo ROS analysis and surveys, built on the core demo world (small: no cases)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings
from pytest_django.plugin import DjangoDbBlocker

from helhet.core import demo
from helhet.core.models import User
from helhet.quality import demo_ros, demo_undersokelser, services_ros, services_undersokelser
from helhet.quality.models import Deltakelse, RosAnalyse, Runde, Undersokelse
from helhet.quality.rules import risiko

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def _world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[dict[str, dict[str, int]]]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        demo.build_demo_world(1, cases=False)
        counts = {
            "ros": demo_ros.build_demo(random.Random(1), TODAY),
            "us": demo_undersokelser.build_demo(random.Random(1), TODAY),
        }
        yield counts
        transaction.set_rollback(True)


@pytest.fixture
def counts(_world: dict[str, dict[str, int]], db: None) -> dict[str, dict[str, int]]:
    return _world


def test_demo_ros_has_six_scored_hazards_with_measures_and_residual_risk(counts: dict[str, dict[str, int]]) -> None:
    assert counts["ros"]["ROS-farer"] == 6 and counts["ros"]["ROS-tiltak"] >= 6
    analyse = RosAnalyse.objects.get()
    assert analyse.tittel == demo_ros.TITTEL and analyse.status == RosAnalyse.Status.GODKJENT
    for fare in analyse.farer.all():
        assert fare.niva == risiko.level(fare.sannsynlighet, fare.konsekvens).value
        if fare.restvurdering is not None:
            assert fare.restvurdering.sort_key() < fare.vurdering.sort_key()
    assert services_ros.approval_problems(analyse) == []
    leader = analyse.opprettet_av
    assert services_ros.may_see(leader, analyse)


def test_demo_surveys_show_suppression_and_comparison(counts: dict[str, dict[str, int]]) -> None:
    us = counts["us"]
    assert 55 <= us["Svar på brukerundersøkelsen (siste runde)"] <= 65
    bruker = Undersokelse.objects.get(malgruppe=Undersokelse.Malgruppe.BRUKER)
    current = bruker.runder.order_by("-apnes").first()
    assert current is not None
    kvalitetsleder = User.objects.get(username="kvalitetsleder")
    res = services_undersokelser.results(kvalitetsleder, current)
    fornoyd = res.report.get("fornoyd")
    assert fornoyd is not None and fornoyd.total.shown
    assert [g.shown for g in fornoyd.groups].count(False) >= 1  # one enhet under 5
    assert res.previous is not None
    assert any(c.comparable for c in res.comparisons if c.group is None)
    ansatt = Runde.objects.get(undersokelse__malgruppe=Undersokelse.Malgruppe.ANSATT)
    assert (
        Deltakelse.objects.filter(runde=ansatt).count()
        == ansatt.besvarelser.count()
        == us["Svar på medarbeiderundersøkelsen"]
    )
    assert not Deltakelse.objects.filter(user__username="sykepleier").exists()  # the demo nurse can still answer


def test_nokkeltall_lines_count_the_demo_rows(counts: dict[str, dict[str, int]]) -> None:
    year = (dt.date(TODAY.year - 1, 1, 1), TODAY)
    ros = dict((name, value) for name, value, _ in services_ros.nokkeltall(*year, None))
    assert ros["ros_analyser"] == ros["ros_analyser_godkjent"] == "1"
    us = {name: (value, unit) for name, value, unit in services_undersokelser.nokkeltall(*year, None)}
    n_user = (
        counts["us"]["Svar på brukerundersøkelsen (siste runde)"]
        + counts["us"]["Svar på brukerundersøkelsen (forrige runde)"]
    )
    assert us["brukerundersokelse_svar"] == (str(n_user), "stk")
    # The employee round is still open (closes after TODAY): not counted yet.
    assert us["medarbeiderundersokelse_svar"] == ("0", "stk")
