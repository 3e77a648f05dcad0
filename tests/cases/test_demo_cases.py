"""The demo world's cases: every stage of case handling, deterministic, for the demo logins' tour."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from pytest_django.fixtures import Settings
from pytest_django.plugin import DjangoDbBlocker

from helhet.cases import services
from helhet.cases.models import (
    Bestilling,
    Brukervalg,
    Dokument,
    EgenbetalingSats,
    Funksjonsskaar,
    Henvendelse,
    Kartlegging,
    Klage,
    Soknad,
    Vedtak,
    Vedtaksbrev,
)
from helhet.cases.rules import egenbetaling, klage
from helhet.core import access, audit, demo
from helhet.core.access import Action
from helhet.core.models import AuditEvent, Kommune, Role, Tjenestemottaker, User

pytestmark = pytest.mark.django_db

OPEN = (Henvendelse.Status.NY, Henvendelse.Status.UNDER_BEHANDLING)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="module")
def _module_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[demo.DemoWorld]:
    """The demo world, seed 1, built once for this module (it takes seconds) and rolled back after it.

    Each test still runs in its own savepoint inside this transaction (the ``db`` fixture), so what
    one test changes (a reset, say) is gone before the next.
    """
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        yield demo.build_demo_world(1)
        transaction.set_rollback(True)


@pytest.fixture
def demo_world(_module_world: demo.DemoWorld, db: None) -> demo.DemoWorld:
    return _module_world


def _cases() -> dict[str, list[tuple[object, ...]]]:
    return {
        "vedtak": sorted(
            Vedtak.objects.values_list("tjenestemottaker__fodselsnummer", "tjenestetype", "status", "utfall", "omfang")
        ),
        "henvendelser": sorted(
            Henvendelse.objects.values_list(
                "tjenestemottaker__fodselsnummer", "kanal", "status", "svar_innen", "sporsmal"
            )
        ),
        "klager": sorted(
            Klage.objects.values_list("vedtak__tjenestemottaker__fodselsnummer", "status", "for_sent", "endelig_utfall")
        ),
        "bestillinger": sorted(
            Bestilling.objects.values_list("vedtak__tjenestemottaker__fodselsnummer", "leverandor__navn", "status")
        ),
    }


def test_same_seed_gives_the_same_cases(demo_world: demo.DemoWorld) -> None:
    first = _cases()
    assert first["vedtak"]
    random.seed(20261123)  # the demo must not draw from the global generator
    demo.build_demo_world(1, reset=True)  # new primary keys (UUIDs), same story
    assert _cases() == first
    assert audit.verify().ok


def test_every_stage_is_there(demo_world: demo.DemoWorld) -> None:
    today = timezone.localdate()
    open_inquiries = Henvendelse.objects.filter(status__in=OPEN)
    fattet = Vedtak.objects.filter(status=Vedtak.Status.FATTET)
    stages = {
        "open inquiry without owner": open_inquiries.filter(eier__isnull=True).count(),
        "open inquiry with owner": open_inquiries.filter(eier__isnull=False).count(),
        "overdue inquiry": open_inquiries.filter(svar_innen__lt=today).count(),
        "inquiry due soon": open_inquiries.filter(
            svar_innen__gte=today, svar_innen__lte=today + dt.timedelta(2)
        ).count(),
        "answered inquiry": Henvendelse.objects.filter(status=Henvendelse.Status.AVSLUTTET).count(),
        "søknad under kartlegging": Soknad.objects.filter(status=Soknad.Status.KARTLEGGING).count(),
        "vedtak utkast": Vedtak.objects.filter(status=Vedtak.Status.UTKAST).count(),
        "vedtak til godkjenning": Vedtak.objects.filter(status=Vedtak.Status.TIL_GODKJENNING).count(),
        "fattet with a sent letter": fattet.filter(brev__sendt__isnull=False).distinct().count(),
        "fattet with a received letter": fattet.filter(brev__mottatt__isnull=False).distinct().count(),
        "avslag": fattet.filter(utfall=Vedtak.Utfall.AVSLAG).count(),
        "expiring within 8 weeks": fattet.filter(tom__gte=today, tom__lte=today + dt.timedelta(weeks=8)).count(),
        "bestilling ny": Bestilling.objects.filter(status=Bestilling.Status.NY).count(),
        "bestilling mottatt": Bestilling.objects.filter(status=Bestilling.Status.MOTTATT).count(),
        "private provider chosen": Brukervalg.objects.filter(valgt_leverandor__type="privat").count(),
        "provider switch in its notice": Bestilling.objects.filter(
            status=Bestilling.Status.NY, fra__gt=today, vedtak__bestillinger__merknad__startswith="Personen byttet"
        ).count(),
        "klage in time under assessment": Klage.objects.filter(status=Klage.Status.MOTTATT, for_sent=False).count(),
        "klage late": Klage.objects.filter(for_sent=True).count(),
        "klage fully reversed": Klage.objects.filter(bydelens_vurdering=Klage.Vurdering.FULL).count(),
        "klage at Statsforvalteren": Klage.objects.filter(status=Klage.Status.STATSFORVALTEREN).count(),
        "klage decided by Statsforvalteren": Klage.objects.filter(
            status=Klage.Status.AVSLUTTET, oversendt_statsforvalteren__isnull=False
        ).count(),
    }
    assert all(stages.values()), {name: n for name, n in stages.items() if not n}
    # Roughly the sizes the demo promises.
    assert 20 <= open_inquiries.count() <= 30
    assert 50 <= fattet.count() <= 70
    assert 10 <= stages["søknad under kartlegging"] <= 20
    # Most choose the municipal provider.
    assert Brukervalg.objects.filter(valgt_leverandor__type="privat").count() < Brukervalg.objects.count() / 2


def test_the_services_shaped_the_data(demo_world: demo.DemoWorld) -> None:
    today = timezone.localdate()
    for inquiry in Henvendelse.objects.filter(status__in=OPEN, kvittering_sendt__isnull=False):
        assert f"{inquiry.svar_innen:%d.%m.%Y}" in inquiry.kvittering
    for complaint in Klage.objects.select_related("vedtak"):
        assert complaint.frist == klage.deadline(complaint.vedtak_mottatt)
        assert complaint.for_sent == klage.is_late(complaint.vedtak_mottatt, complaint.mottatt)
        assert complaint.mottatt <= today
    for brev in Vedtaksbrev.objects.exclude(sendt=None):
        assert brev.sendt is not None and brev.sendt <= today
        assert brev.mottatt is None or brev.sendt <= brev.mottatt <= today
        assert bytes(brev.pdf).startswith(b"%PDF")
    for vedtak in Vedtak.objects.filter(status=Vedtak.Status.FATTET).select_related("soknad"):
        assert vedtak.vedtaksmyndig_id is not None and vedtak.vedtaksmyndig_id != vedtak.saksbehandler_id
        assert vedtak.fattet is not None and timezone.localdate(vedtak.fattet) <= today
        assert vedtak.soknad.mottatt <= timezone.localdate(vedtak.fattet)
    for dokument in Dokument.objects.all():
        assert services.dokument_er_uendret(dokument)
    # The person's own words, and IPLOS scores for every assessment that got past the home visit.
    assessed = Kartlegging.objects.exclude(hjemmebesok_rapport="")
    assert assessed.exists()
    assert not Kartlegging.objects.filter(viktig_for_meg="").exists()
    for assessment in assessed:
        assert assessment.skaar.count() == 17
    assert Funksjonsskaar.objects.filter(skaar=9).exists()
    # BPA: the arbeidsleder is named, at least 32 hours a week, under 67.
    bpa = Vedtak.objects.filter(tjenestetype="bpa", utfall=Vedtak.Utfall.INNVILGET, status=Vedtak.Status.FATTET)
    assert bpa.exists()
    for vedtak in bpa:
        assert vedtak.arbeidsleder
        assert vedtak.omfang is not None and vedtak.omfang >= 32
        assert vedtak.tjenestemottaker.alder < 67
        guidance = services.bpa_vurdering(vedtak)
        assert guidance is not None and guidance.status == "rett"


def test_demo_logins_have_cases_for_the_tour(demo_world: demo.DemoWorld) -> None:
    saksbehandler = User.objects.get(username=demo.DEMO_USERNAMES[Role.SAKSBEHANDLER])
    vedtaksmyndig = User.objects.get(username=demo.DEMO_USERNAMES[Role.VEDTAKSMYNDIG])
    bydel = saksbehandler.role_assignments.get(rolle=Role.SAKSBEHANDLER).bydel
    assert bydel is not None and bydel == vedtaksmyndig.role_assignments.get(rolle=Role.VEDTAKSMYNDIG).bydel

    today = timezone.localdate()
    owned = Henvendelse.objects.filter(eier=saksbehandler, status__in=OPEN)
    assert owned.count() >= 3
    assert owned.filter(svar_innen__lt=today).exists()
    assert Henvendelse.objects.filter(bydel=bydel, eier__isnull=True, status__in=OPEN).count() >= 2
    mine = Soknad.objects.filter(saksbehandler=saksbehandler)
    assert mine.filter(status=Soknad.Status.KARTLEGGING).count() >= 3
    vedtak = Vedtak.objects.filter(saksbehandler=saksbehandler)
    assert vedtak.filter(status=Vedtak.Status.UTKAST).count() >= 2
    assert vedtak.filter(status=Vedtak.Status.FATTET).count() >= 10
    assert Klage.objects.filter(vedtak__saksbehandler=saksbehandler).count() >= 2

    waiting = Vedtak.objects.filter(status=Vedtak.Status.TIL_GODKJENNING, soknad__bydel=bydel)
    assert waiting.count() >= 2
    for item in waiting:
        decision = access.check(vedtaksmyndig, Action.EDIT, item.tjenestemottaker)
        assert decision.allowed and decision.ground_code == "godkjenning"
        assert item.saksbehandler_id != vedtaksmyndig.pk

    # The demo leader (Hjemmetjenesten in Bydel Sentrum) has new orders to receive.
    leader = User.objects.get(username=demo.DEMO_USERNAMES[Role.LEDER])
    leverandor = leader.role_assignments.get(rolle=Role.LEDER).enhet.leverandor  # type: ignore[union-attr]
    assert Bestilling.objects.filter(leverandor=leverandor).exists()


def test_audit_trail_holds_and_names_the_case_officers(demo_world: demo.DemoWorld) -> None:
    result = audit.verify()
    assert result.ok, result.describe()
    saksbehandler = User.objects.get(username="saksbehandler")
    assert AuditEvent.objects.filter(user=saksbehandler, record_type="cases.Vedtak").exists()
    assert AuditEvent.objects.filter(username="vedtaksmyndig", ground="godkjenning").exists()


def test_egenbetaling_table_and_a_charged_vedtak(demo_world: demo.DemoWorld) -> None:
    kommune = Kommune.objects.get()
    sats = EgenbetalingSats.objects.get(kommune=kommune, aar=2019)
    assert sats.rate_table() == egenbetaling.OSLO_2019
    charged = [
        result
        for vedtak in Vedtak.objects.filter(
            tjenestetype="praktisk_bistand", utfall=Vedtak.Utfall.INNVILGET, status=Vedtak.Status.FATTET
        )
        if (result := services.egenbetaling_for(vedtak)) is not None
    ]
    assert charged
    assert len({result.hourly_rate for result in charged}) > 1  # incomes in more than one band


def test_core_demo_guarantees_still_hold(demo_world: demo.DemoWorld) -> None:
    nurse = User.objects.get(username="sykepleier")
    team = nurse.role_assignments.get(rolle=Role.SYKEPLEIER).team
    assert team is not None
    bydel = team.bydeler.get()
    other = (
        Tjenestemottaker.objects.filter(bydel=bydel)
        .exclude(team_tilknytning__team=team)
        .exclude(sperringer__sperret_bruker=nurse)
        .first()
    )
    assert other is not None
    decision = access.check(nurse, Action.VIEW, other)
    assert not decision.allowed and decision.may_break_glass
    assert demo_world.counts["Vedtak"] == Vedtak.objects.count()
    assert demo_world.counts["EgenbetalingSats"] == 1
