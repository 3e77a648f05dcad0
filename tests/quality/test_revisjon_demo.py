"""The revisjon demo on the core demo world: the figures the brief asks for, and determinism of the story."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.test import override_settings
from django.utils import timezone

from helhet.core import demo
from helhet.quality import demo_revisjon
from helhet.quality import services_revisjon as svc
from helhet.quality.models import Funn, KorrigerendeTiltak, Revisjon, Sertifikat

pytestmark = pytest.mark.django_db


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_the_demo_has_a_plan_two_audits_an_overdue_action_and_an_expiring_certificate() -> None:
    demo.build_demo_world(1, cases=False)
    today = timezone.localdate()
    counts = demo_revisjon.build_demo(random.Random("helhet-demo-revisjon:1"), today)
    assert counts["Revisjoner"] == 2 and counts["Sertifikater"] == 2

    lines = {n: f"{v} {u}".strip() for n, v, u in svc.nokkeltall(dt.date(today.year, 1, 1), today, None)}
    if today.month >= 3:  # early in January the audits are clamped to 1 January; the figures still hold
        assert (lines["revisjoner_gjennomfort"], lines["revisjoner_planlagt"]) == ("2 stk", "4 stk")
        assert lines["korrigerende_tiltak_forfalt"] == "1 stk"
    assert lines["sertifikater_utloper_snart"] == "1 stk"

    internal = Revisjon.objects.get(type=Revisjon.Type.INTERN)
    external = Revisjon.objects.get(type=Revisjon.Type.EKSTERN)
    assert internal.fra_avvik and internal.status == Revisjon.Status.RAPPORTERT
    assert external.eksternt_organ and external.status == Revisjon.Status.LUKKET
    assert set(external.funn.values_list("type", flat=True)) == {Funn.Type.MERKNAD, Funn.Type.OBSERVASJON}
    assert internal.funn.filter(type=Funn.Type.AVVIK).exists()
    assert KorrigerendeTiltak.objects.filter(utfort__isnull=True).count() == 1
    assert set(Sertifikat.objects.values_list("standard", flat=True)) == {"iso9001", "equass"}
    iso = Sertifikat.objects.get(standard="iso9001")
    assert iso.oppfolging.filter(gjennomfort=external.gjennomfort_dato).count() == 1  # marked by the report


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_with_repeated_medication_avvik_the_internal_audit_comes_from_the_suggestion() -> None:
    from helhet.core.models import Enhet, Leverandor, User
    from helhet.quality import services
    from helhet.quality.models import AvvikKategori

    demo.build_demo_world(1, cases=False)
    today = timezone.localdate()
    enhet = Enhet.objects.filter(leverandor__type=Leverandor.Type.KOMMUNAL).order_by("pk").first()
    assert enhet is not None
    reporter = User.objects.get(username="meldingsansvarlig")
    kategori = AvvikKategori.objects.get(kode="legemiddel")
    ids = []
    for i in range(3):
        data = services.AvvikInput(
            enhet_id=enhet.pk,
            kategori_id=kategori.pk,
            hva_skjedde=f"Feil dose {i}",
            tidspunkt=timezone.now() - dt.timedelta(days=20, minutes=i),
        )
        avvik = services.submit(
            reporter, services.save_draft(reporter, data), at=timezone.now() - dt.timedelta(days=20)
        )
        ids.append(avvik.pk)
    demo_revisjon.build_demo(random.Random("helhet-demo-revisjon:1"), today)
    internal = Revisjon.objects.get(type=Revisjon.Type.INTERN)
    assert internal.kilde_avvik == sorted(ids) and internal.kilde_kategori == kategori.navn
    assert internal.enhet == enhet


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_after_the_avvik_demo_the_internal_audit_names_its_avvik() -> None:
    from helhet.quality.demo import build_demo_avvik

    demo.build_demo_world(1, cases=False)
    today = timezone.localdate()
    build_demo_avvik(random.Random(1), today)
    demo_revisjon.build_demo(random.Random("helhet-demo-revisjon:1"), today)
    internal = Revisjon.objects.get(type=Revisjon.Type.INTERN)
    assert len(internal.kilde_avvik) >= 3 and "Gjentatte avvik" in internal.kilde_begrunnelse
    lines = {n: f"{v} {u}".strip() for n, v, u in svc.nokkeltall(dt.date(today.year, 1, 1), today, None)}
    assert lines["sertifikater_utloper_snart"] == "1 stk"
    if today.month >= 3:
        assert (lines["revisjoner_gjennomfort"], lines["revisjoner_planlagt"]) == ("2 stk", "4 stk")
        assert lines["korrigerende_tiltak_forfalt"] == "1 stk"
