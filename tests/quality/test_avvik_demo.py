"""The demo's year of avvik (issue 7 point 8): realistic volume and mix, a share handled in time just
above the 90 % line, an audit suggestion, and the demo logins' own cases."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.utils import timezone

from helhet.core import demo
from helhet.core.models import Enhet, User
from helhet.quality import services
from helhet.quality.demo import build_demo_avvik
from helhet.quality.models import Avvik, AvvikTiltak
from helhet.quality.rules import avvik_tall, risiko

pytestmark = pytest.mark.django_db


@pytest.fixture
def year() -> dict[str, int]:
    demo.build_demo_world(1, cases=False)
    return build_demo_avvik(random.Random(1), timezone.localdate())


def test_a_year_of_avvik_across_categories_and_enheter(year: dict[str, int]) -> None:
    assert year["Avvik"] == Avvik.objects.count() >= 150
    by_category = Counter(Avvik.objects.values_list("kategori__kode", flat=True))
    assert {"legemiddel", "fag-kvalitet", "fall", "hms", "personvern", "vold-trusler"} <= set(by_category)
    assert by_category.most_common(1)[0][0] == "legemiddel"
    assert set(Avvik.objects.exclude(enhet=None).values_list("enhet", flat=True)) == set(
        Enhet.objects.values_list("pk", flat=True)
    )
    today = timezone.localdate()
    first = min(Avvik.objects.exclude(registrert=None).values_list("registrert", flat=True))
    assert (today - timezone.localdate(first)).days >= 330


def test_every_row_is_consistent_with_the_rules(year: dict[str, int]) -> None:
    for a in Avvik.objects.exclude(status=Avvik.Status.UTKAST):
        assert a.registrert is not None and a.meldingsansvarlig_id is not None
        if a.status == Avvik.Status.REGISTRERT:
            assert a.startet is None and not a.niva
            continue
        assert a.startet is not None and a.startet >= a.registrert
        # The stored grade is what the guided questions and the matrix give.
        gradering = risiko.grade_consequence(a.svar)
        assert a.konsekvens == gradering.konsekvens
        assert a.niva == risiko.Vurdering(a.sannsynlighet or 0, a.konsekvens).niva.value
        if a.status == Avvik.Status.LUKKET:
            assert a.lukket is not None and a.lukket >= a.startet and a.laering
            assert not a.tiltak.filter(utfort=None, ikke_gjennomfort_grunn="").exists()
    assert AvvikTiltak.objects.count() > 50


def test_the_share_handled_in_time_is_near_the_90_percent_line_and_an_audit_is_suggested(year: dict[str, int]) -> None:
    today = timezone.localdate()
    rows = services.avvik_rows(Avvik.objects.select_related("kategori", "enhet"))
    share = avvik_tall.handled_share(rows, avvik_tall.Period(today.replace(year=today.year - 1), today))
    assert share.share is not None and 0.85 <= share.share <= 0.99
    featured = Enhet.objects.order_by("pk").first()
    assert featured is not None
    suggestions = services.suggest_audit(featured, today)
    assert any(s.kind == "gjentatt" and s.category == "Legemiddelhåndtering" for s in suggestions)
    measures = services.measure_rows(AvvikTiltak.objects.select_related("ansvarlig"))
    assert avvik_tall.overdue_measures(measures, today).ids


def test_the_demo_logins_have_their_own_cases(year: dict[str, int]) -> None:
    helper = User.objects.get(username="helsefagarbeider")
    mine = Counter(Avvik.objects.filter(melder=helper).values_list("status", flat=True))
    assert (
        mine[Avvik.Status.LUKKET] >= 1 and mine[Avvik.Status.UTKAST] == 1 and mine[Avvik.Status.UNDER_BEHANDLING] >= 1
    )
    ma = User.objects.get(username="meldingsansvarlig")
    assert Avvik.objects.filter(meldingsansvarlig=ma, status=Avvik.Status.REGISTRERT).count() >= 2


def test_the_demo_helper_has_exactly_one_unread_outcome(year: dict[str, int]) -> None:
    from helhet.quality import services as avvik_services

    assert avvik_services.unread_outcomes(User.objects.get(username="helsefagarbeider")) == 1
