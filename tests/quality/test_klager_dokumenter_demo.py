"""The demo complaints and procedures, run on the core demo world (seed 1, without cases/care/BPA)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from pytest_django.plugin import DjangoDbBlocker

from helhet.core import demo
from helhet.core.models import User
from helhet.quality import demo_dokumenter, demo_klager, services_dokumenter, services_klager
from helhet.quality.models import Rutine, Tjenesteklage
from helhet.quality.rules import dokumenter as dok_rules
from helhet.quality.rules import klager as klage_rules

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _signature() -> list[tuple[object, ...]]:
    return list(
        Tjenesteklage.objects.order_by("pk").values_list(
            "enhet__navn", "mottatt", "besvart", "status", "registrert_av__username"
        )
    )


@pytest.fixture(scope="module")
def _module_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[dict[str, object]]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        world = demo.build_demo_world(1, cases=False)
        today = timezone.localdate()
        with transaction.atomic():  # the same seed gives the same complaints
            demo_klager.build_demo(random.Random("klager:1"), today)
            first = _signature()
            transaction.set_rollback(True)
        counts = {
            **demo_klager.build_demo(random.Random("klager:1"), today),
            **demo_dokumenter.build_demo(random.Random("dokumenter:1"), today),
        }
        yield {"world": world, "counts": counts, "first": first, "today": today}
        transaction.set_rollback(True)


@pytest.fixture
def built(_module_world: dict[str, object], db: None) -> dict[str, object]:
    return _module_world


def test_a_dozen_complaints_most_in_time_one_late_and_open_ones(built: dict[str, object]) -> None:
    today = built["today"]
    assert isinstance(today, dt.date)
    assert built["counts"]["Klager på tjenesten"] == Tjenesteklage.objects.count() == 12  # type: ignore[index]
    assert _signature() == built["first"]
    rows = services_klager.rows(Tjenesteklage.objects.select_related("enhet"))
    late = [r for r in rows if r.answered is not None and r.answered > r.deadline]
    assert len(late) == 1
    assert Tjenesteklage.objects.exclude(status=Tjenesteklage.Status.BESVART).count() == 2
    assert not klage_rules.open_past_deadline(rows, today)
    assert Tjenesteklage.objects.filter(tjenestemottaker__isnull=False).exists()
    assert Tjenesteklage.objects.filter(gjelder_vedtak=True).count() == 1
    lines = {n: v for n, v, _ in services_klager.nokkeltall(today - dt.timedelta(days=364), today, None)}
    print("\n".join(f"{n}: {v}" for n, v in lines.items()))  # shown with -s
    assert lines["klager_mottatt"] == "12"
    assert lines["klager_besvart_andel"] == f"{10 / 12 * 100:.1f}"
    assert float(lines["klager_besvart_innen_frist_andel"]) == pytest.approx(100 * 9 / 10, abs=0.1)
    # the demo meldingsansvarlig and leder handle complaints at their enhet
    assert services_klager.handled_klager(User.objects.get(username="meldingsansvarlig")).exists()
    assert services_klager.handled_klager(User.objects.get(username="leder")).exists()
    assert services_klager.handled_klager(User.objects.get(username="kvalitetsleder")).count() == 12


def test_eight_procedures_with_a_draft_an_overdue_review_and_missing_acknowledgements(built: dict[str, object]) -> None:
    today = built["today"]
    assert isinstance(today, dt.date)
    assert Rutine.objects.count() == 8
    assert Rutine.objects.filter(gjeldende__isnull=True).count() == 1  # the draft
    overdue = [r for r in Rutine.objects.all() if dok_rules.review_overdue(r.revisjonsdato, today)]
    assert [r.nummer for r in overdue] == ["RUT-003"]
    nurse = User.objects.get(username="sykepleier")
    assert {r.nummer for r in services_dokumenter.must_read(nurse)} >= {"RUT-001", "RUT-004"}
    shares = [services_dokumenter.acknowledgement(r) for r in services_dokumenter.current_procedures()]
    assert all(s.denominator > 0 for s in shares)
    assert any(s.missing for s in shares) and any(s.numerator for s in shares)
    lines = {n: v for n, v, _ in services_dokumenter.nokkeltall(today - dt.timedelta(days=364), today, None)}
    print("\n".join(f"{n}: {v}" for n, v in lines.items()))  # shown with -s
    assert lines["rutiner_gjeldende"] == "7" and lines["rutiner_revisjon_forfalt"] == "1"
    assert 40 < float(lines["rutiner_lest_andel"]) < 95
    assert services_dokumenter.is_manager(User.objects.get(username="kvalitetsleder"))
    assert services_dokumenter.is_manager(User.objects.get(username="leder"))
