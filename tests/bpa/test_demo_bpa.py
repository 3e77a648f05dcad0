"""The demo world's BPA: three arrangements with a year of consistent shifts and timesheets, some rule-breaking."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings
from pytest_django.plugin import DjangoDbBlocker

from helhet.bpa import demo as bpa_demo
from helhet.bpa import services
from helhet.bpa.models import Assistent, Melding, Ordning, Timeliste, Vakt
from helhet.bpa.rules import arbeidstid
from helhet.cases.models import Bestilling, Vedtak, Vedtaksbrev
from helhet.core import demo
from helhet.core.models import Role, User, UserKind

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="module")
def _module_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[demo.DemoWorld]:
    """The whole demo world, seed 1, built once for this module and rolled back."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        yield demo.build_demo_world(1)
        transaction.set_rollback(True)


@pytest.fixture
def demo_world(_module_world: demo.DemoWorld, db: None) -> demo.DemoWorld:
    return _module_world


def arrangements() -> dict[str, Ordning]:
    return {o.arbeidsleder.username: o for o in Ordning.objects.select_related("arbeidsleder", "tjenestemottaker")}


def test_three_arrangements_at_one_provider_with_one_adviser(demo_world: demo.DemoWorld) -> None:
    counts = demo_world.counts
    assert counts["bpa.Ordning"] == 3
    assert counts["bpa.Assistent"] >= 16 and counts["bpa.Vakt"] > 1000 and counts["bpa.Timeliste"] > 1000
    assert counts["Vakt"] > 0  # the care app's shifts keep their own count
    by_login = arrangements()
    adult, child, large = by_login["arbeidsleder"], by_login["forelder"], by_login["medarbeidsleder"]
    assert adult.arbeidsleder_type == Ordning.Arbeidsleder.SELV and adult.samtykke_bydel
    assert adult.arbeidsleder.get_full_name() == adult.tjenestemottaker.fullt_navn
    assert child.arbeidsleder_type == Ordning.Arbeidsleder.FORELDER and child.tjenestemottaker.alder < 18
    assert large.timer_per_uke == 168 and large.assistenter.count() >= 9
    assert {o.leverandor_id for o in by_login.values()} == {adult.leverandor_id}
    adviser = User.objects.get(username=bpa_demo.RADGIVER)
    assert {o.radgiver_id for o in by_login.values()} == {adviser.pk}
    assert adult.leverandor_id in services.provider_staff_ids(adviser)
    assert all(o.arbeidsleder.kind == UserKind.ARBEIDSLEDER for o in by_login.values())


def test_every_arrangement_rests_on_a_granted_bpa_vedtak_ordered_from_its_provider(
    demo_world: demo.DemoWorld,
) -> None:
    for o in Ordning.objects.select_related("vedtak"):
        v = o.vedtak
        assert (v.tjenestetype, v.utfall, v.status) == ("bpa", Vedtak.Utfall.INNVILGET, Vedtak.Status.FATTET)
        assert v.omfang == o.timer_per_uke and v.tjenestemottaker_id == o.tjenestemottaker_id
        assert v.fom <= o.fra and (v.tom is None or o.til == v.tom)
        assert Bestilling.objects.filter(vedtak=v, leverandor=o.leverandor, status="mottatt").exists()
        assert Vedtaksbrev.objects.filter(vedtak=v, sendt__isnull=False).exists()
    adult = arrangements()["arbeidsleder"]
    assert adult.timer_per_uke == 40  # seed 1: the cases demo granted one adult 40 hours a week


def test_one_assistant_is_not_onboarded_and_has_no_shift(demo_world: demo.DemoWorld) -> None:
    missing = {a: services.mangler(a) for a in Assistent.objects.prefetch_related("opplaering")}
    not_ready = [a for a, what in missing.items() if what]
    assert len(not_ready) == 1
    newcomer = not_ready[0]
    assert newcomer.ordning == arrangements()["arbeidsleder"]
    assert missing[newcomer] == ["kurset «Leverandørens kvalitetssystem og avvik»"]
    assert not newcomer.vakter.exists()


def test_shifts_are_consistent(demo_world: demo.DemoWorld) -> None:
    by_assistant: dict[int, list[Vakt]] = defaultdict(list)
    for v in Vakt.objects.filter(status=Vakt.Status.PLANLAGT).select_related("assistent", "ordning"):
        by_assistant[v.assistent_id].append(v)
        day = timezone.localtime(v.start).date()
        assert v.assistent.ordning_id == v.ordning_id
        assert v.assistent.start <= day and v.ordning.fra <= day
        assert v.slutt - v.start <= dt.timedelta(hours=24)
    for shifts in by_assistant.values():
        shifts.sort(key=lambda v: v.start)
        for before, after in itertools.pairwise(shifts):
            assert after.start >= before.slutt, (before, after)
    future = Vakt.objects.filter(start__gt=timezone.now() + dt.timedelta(days=14))
    assert future.exists()  # planned ahead
    assert Vakt.objects.filter(overtatt_fra__isnull=False).exists()  # shifts given to a substitute
    assert Vakt.objects.filter(turnus__isnull=False).count() > 1000  # from rota lines


def test_some_shifts_break_the_working_time_rules(demo_world: demo.DemoWorld) -> None:
    found: dict[str, set[str]] = {}
    for login, o in arrangements().items():
        shifts = [
            arbeidstid.Shift(assistant=str(v.assistent_id), start=v.start, end=v.slutt, id=str(v.pk))
            for v in o.vakter.filter(status=Vakt.Status.PLANLAGT)
        ]
        found[login] = {v.rule for v in arbeidstid.blocks(arbeidstid.check(shifts, services.limits_for(o)))}
    assert "daglig_hvile" in found["arbeidsleder"]  # a long evening, then an early morning
    assert found["arbeidsleder"] & {"overtid_uke", "samlet_uke_snitt", "uke_maks", "ukentlig_hvile"}  # the trip
    assert found["medarbeidsleder"]  # one assistant covering every day shift for a week
    assert not found["forelder"]


def test_timesheets_approved_pending_and_one_correction(demo_world: demo.DemoWorld) -> None:
    last_monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 7)
    cutoff = timezone.make_aware(dt.datetime.combine(last_monday, dt.time(0)))
    assert Timeliste.objects.filter(status=Timeliste.Status.INNSENDT, start__lt=cutoff).count() == 0
    assert Timeliste.objects.filter(status=Timeliste.Status.INNSENDT).count() > 10
    approved = Timeliste.objects.filter(status=Timeliste.Status.GODKJENT)
    assert approved.filter(godkjent_av__isnull=True).count() == 0
    for t in Timeliste.objects.filter(korrigerer__isnull=True).select_related("vakt"):
        assert t.vakt is not None and t.vakt.assistent_id == t.assistent_id and t.vakt.start == t.start
        assert t.slutt <= timezone.now()
    correction = Timeliste.objects.select_related("korrigerer").get(korrigerer__isnull=False)
    assert correction.korrigerer is not None and correction.korrigerer.status == Timeliste.Status.ERSTATTET
    assert correction.begrunnelse
    day = timezone.localdate(correction.start)
    counted = services.godkjente([correction.ordning_id], day, day).filter(assistent=correction.assistent)
    assert list(counted) == [correction]


def test_messages_wait_for_the_adviser(demo_world: demo.DemoWorld) -> None:
    adviser = User.objects.get(username=bpa_demo.RADGIVER)
    unread = Melding.objects.filter(ordning__radgiver=adviser, lest__isnull=True).exclude(fra=adviser)
    assert unread.count() >= 2
    assert Melding.objects.filter(fra=adviser).exists()


def test_the_bydel_sees_the_consented_arrangements(demo_world: demo.DemoWorld) -> None:
    officer = User.objects.get(username="saksbehandler")
    visible = set(services.bydel_ordninger(officer))
    by_login = arrangements()
    assert by_login["forelder"] not in visible
    assert visible <= {by_login["arbeidsleder"], by_login["medarbeidsleder"]}
    assert visible  # the large arrangement is in the demo officer's bydel


def test_the_logins_are_printed_and_work(demo_world: demo.DemoWorld) -> None:
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    for username in (bpa_demo.RADGIVER, bpa_demo.ARBEIDSLEDER, bpa_demo.FORELDER, bpa_demo.MEDARBEIDSLEDER):
        assert username in text
    printed = {login.username: login for login in demo_world.logins}
    assert printed["arbeidsleder"].role == UserKind.ARBEIDSLEDER and printed["bpa-radgiver"].role == Role.LEDER
    for username in (bpa_demo.ARBEIDSLEDER, bpa_demo.FORELDER, bpa_demo.RADGIVER):
        login = printed[username]
        user = User.objects.get(username=username)
        assert user.check_password(login.password)
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert device.key == demo.totp_key(1, username)


def test_the_staff_pages_render_the_demo(
    demo_world: demo.DemoWorld, client: Client, login: Callable[[Client, User], object]
) -> None:
    adviser = User.objects.get(username=bpa_demo.RADGIVER)
    login(client, adviser)
    overview = client.get(reverse("bpa:staff_oversikt"))
    assert overview.status_code == 200
    rows = overview.context["rows"]
    assert len(rows) == 3 and all(r.aar_brukt != "0,0" for r in rows)
    assert sum(r.til_godkjenning for r in rows) > 0 and sum(r.uleste for r in rows) >= 2
    adult = arrangements()["arbeidsleder"]
    body = client.get(reverse("bpa:staff_ordning", kwargs={"ordning_id": adult.pk})).content.decode()
    assert "Kan ikke ha vakter" in body and "Mangler:" in body
    assert client.get(reverse("bpa:staff_lonn"), {"fra": "2026-01-01", "til": "2026-01-31"}).status_code == 200
    assert client.get(reverse("bpa:staff_faktura")).status_code == 200
