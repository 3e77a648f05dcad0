"""The demo world's delivery: plans, eight weeks of visits and the journal, so every figure has data."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone
from pytest_django.fixtures import Settings
from pytest_django.plugin import DjangoDbBlocker

from helhet.care import services
from helhet.care.models import (
    Besok,
    BesokOppgave,
    FlaggKvittering,
    IndividuellPlan,
    Journalnotat,
    Mal,
    Tiltak,
    Tiltaksplan,
    TiltaksplanEndring,
)
from helhet.cases.models import Bestilling
from helhet.core import access, audit, demo
from helhet.core.access import Action
from helhet.core.models import Role, User

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="module")
def _module_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[demo.DemoWorld]:
    """The whole demo world (core, cases, care), seed 1, built once for this module and rolled back."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        yield demo.build_demo_world(1)
        transaction.set_rollback(True)


@pytest.fixture
def demo_world(_module_world: demo.DemoWorld, db: None) -> demo.DemoWorld:
    return _module_world


def test_every_figure_has_data(demo_world: demo.DemoWorld) -> None:
    today = timezone.localdate()
    past = Besok.objects.filter(dato__lt=today, dato__gte=today - dt.timedelta(weeks=8))
    performed = past.filter(status=Besok.Status.UTFORT)
    figures = {
        "performed": performed.count(),
        "performed on time": performed.filter(inn__gte=F("vindu_start"), inn__lte=F("vindu_slutt")).count(),
        "late": performed.filter(inn__gt=F("vindu_slutt")).count(),
        "cancelled": past.filter(status=Besok.Status.AVLYST).exclude(grunn="").count(),
        "cancelled for a hospital stay": past.filter(status=Besok.Status.AVLYST, grunn=Besok.Grunn.SYKEHUS).count(),
        "missed": past.filter(status=Besok.Status.IKKE_UTFORT).exclude(grunn="").count(),
        "task done": BesokOppgave.objects.filter(status=BesokOppgave.Status.UTFORT).count(),
        "task not done with reason": BesokOppgave.objects.filter(status=BesokOppgave.Status.IKKE_UTFORT)
        .exclude(grunn="")
        .count(),
        "wound care checklist": BesokOppgave.objects.filter(besok__tiltak__prosedyre="Sårstell").count(),
        "medication visits": performed.filter(kompetanse="legemiddel").count(),
        "observations": Journalnotat.objects.filter(type=Journalnotat.Type.OBSERVASJON).count(),
        "notes for the next shift": Journalnotat.objects.filter(type=Journalnotat.Type.NESTE_VAKT).count(),
        "open flag": Journalnotat.objects.exclude(flagg="").filter(kvittering__isnull=True).count(),
        "acknowledged flag": FlaggKvittering.objects.count(),
        "correction": Journalnotat.objects.filter(korrigerer__isnull=False).count(),
        "plan versions beyond the first": TiltaksplanEndring.objects.filter(versjon__gt=1).count(),
        "individual plan": IndividuellPlan.objects.count(),
        "planned ahead": Besok.objects.filter(dato__gt=today, status=Besok.Status.PLANLAGT).count(),
    }
    assert all(figures.values()), {name: n for name, n in figures.items() if not n}
    # Mostly performed, mostly on time.
    assert figures["performed"] > 0.85 * past.count()
    assert figures["late"] < 0.15 * figures["performed"]
    # Every performed visit has its check-in before its check-out, and its tasks ticked.
    assert not performed.filter(ut__lt=F("inn")).exists()
    assert not BesokOppgave.objects.filter(status=BesokOppgave.Status.APEN, besok__status=Besok.Status.UTFORT).exists()
    assert demo_world.counts["Besok"] == Besok.objects.count()


def test_plans_follow_the_bestillinger(demo_world: demo.DemoWorld) -> None:
    plans = Tiltaksplan.objects.select_related("team__enhet").prefetch_related("mal", "tiltak__vedtak")
    assert plans.count() >= 15
    for plan in plans:
        assert plan.viktig_for_meg
        assert 1 <= plan.mal.count() <= 3
        assert plan.tiltak.exists()
        assert plan.team is not None and plan.team.enhet.leverandor_id == plan.leverandor_id
        assert plan.endringer.count() == plan.versjon
        for tiltak in plan.tiltak.all():
            assert tiltak.vedtak is not None and tiltak.vedtak.tjenestemottaker_id == plan.tjenestemottaker_id
            assert tiltak.gyldig_fra >= tiltak.vedtak.fom
            assert Bestilling.objects.filter(vedtak=tiltak.vedtak, leverandor=plan.leverandor).exists()
    assert Tiltak.objects.filter(kompetanse="legemiddel", tittel__startswith="Medisin").exists()
    assert Tiltak.objects.filter(prosedyre="Sårstell", kompetanse="sykepleier").exists()
    assert Tiltak.objects.filter(rrule__contains="INTERVAL=2", tittel="Rengjøring").exists()
    assert Mal.objects.exists()


def test_deliberate_flags(demo_world: demo.DemoWorld) -> None:
    flags = [
        text for plan in Tiltaksplan.objects.all() for texts in services.plan_flagg(plan).values() for text in texts
    ]
    assert any("ikke knyttet til noe mål" in text for text in flags)
    assert any("men vedtaket gir" in text for text in flags)


def test_the_tour_has_visits_today(demo_world: demo.DemoWorld) -> None:
    today = timezone.localdate()
    for role in (Role.HELSEFAGARBEIDER, Role.SYKEPLEIER):
        user = User.objects.get(username=demo.DEMO_USERNAMES[role])
        visits = services.min_dag(user, today)
        planned = [v for v in visits if v.status == Besok.Status.PLANLAGT]
        assert len(planned) >= 3, role
        for visit in planned:
            decision = access.check(user, Action.EDIT, visit.tjenestemottaker)
            assert decision.allowed, (role, decision)
    # The nurse has an open flag from her team to look at.
    nurse = User.objects.get(username=demo.DEMO_USERNAMES[Role.SYKEPLEIER])
    team = nurse.role_assignments.get(rolle=Role.SYKEPLEIER).team
    assert team is not None
    assert services.open_flags([team.pk]).exists()


def test_continuity_few_familiar_faces(demo_world: demo.DemoWorld) -> None:
    today = timezone.localdate()
    since = today - dt.timedelta(days=14)
    for plan in Tiltaksplan.objects.all():
        staff = set(
            Besok.objects.filter(tjenestemottaker=plan.tjenestemottaker, dato__gte=since, status=Besok.Status.UTFORT)
            .exclude(utfort_av=None)
            .values_list("utfort_av", flat=True)
        )
        assert len(staff) <= 8
    performed = Besok.objects.filter(status=Besok.Status.UTFORT)
    by_assigned = performed.filter(utfort_av=F("ansatt")).count()
    assert by_assigned > 0.7 * performed.count()


def test_journal_is_never_edited_and_audit_holds(demo_world: demo.DemoWorld) -> None:
    correction = Journalnotat.objects.filter(korrigerer__isnull=False).select_related("korrigerer").get()
    original = correction.korrigerer
    assert original is not None and original.signert < correction.signert
    assert "182/84" in original.tekst  # the wrong note stays as it was written
    with pytest.raises(Exception):  # noqa: B017 - the model refuses and the database trigger refuses
        original.tekst = "endret"
        original.save()
    assert audit.verify().ok


def test_same_seed_same_delivery_and_reset_clears_the_journal(demo_world: demo.DemoWorld) -> None:
    def story() -> list[tuple[object, ...]]:
        return sorted(
            Besok.objects.values_list(
                "tjenestemottaker__fodselsnummer", "tiltak__tittel", "dato", "status", "grunn", "utfort_av__username"
            )
        )

    first = story()
    random.seed(4)  # the demo must not draw from the global generator
    demo.build_demo_world(1, reset=True)
    assert story() == first
    assert Journalnotat.objects.filter(korrigerer__isnull=False).count() == 1
