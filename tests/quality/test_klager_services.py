"""Complaints on the service: register, handle, answer; access, audit, bad input, figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from factories import World
from helhet.core.models import AuditAction, AuditEvent
from helhet.quality import services, services_klager
from helhet.quality.models import Avvik, AvvikKategori, Tjenesteklage

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def data(world: World, **kw: Any) -> services_klager.KlageInput:
    values: dict[str, Any] = {
        "enhet_id": world.enhet_a.pk,
        "klager_rolle": Tjenesteklage.KlagerRolle.PARORENDE,
        "mottatt": TODAY - dt.timedelta(days=3),
        "kanal": Tjenesteklage.Kanal.TELEFON,
        "tema": Tjenesteklage.Tema.TIDSPUNKT,
        "beskrivelse": "Hjelpen kom to timer for sent tre dager på rad.",
        **kw,
    }
    return services_klager.KlageInput(**values)


def register(world: World, **kw: Any) -> Tjenesteklage:
    return services_klager.register(world.helper_a, data(world, **kw), today=TODAY)


def test_registering_sets_the_deadline_and_audits(world: World) -> None:
    klage = register(world)
    assert klage.status == Tjenesteklage.Status.MOTTATT
    assert klage.frist == dt.date(2026, 7, 12)  # received 12.6 + one month
    row = AuditEvent.objects.filter(record_type="quality.Tjenesteklage", record_id=str(klage.pk)).get()
    assert row.action == AuditAction.CREATE and row.tjenestemottaker is None


def test_bad_input_gives_norwegian_messages_per_field_and_saves_nothing(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        register(world, beskrivelse="  ", mottatt=None, kanal="", tema="x", klager_rolle="")
    errors = exc.value.message_dict
    assert errors["beskrivelse"] == ["Skriv hva klagen gjelder."]
    assert errors["mottatt"] == ["Skriv datoen klagen kom inn."]
    assert {"kanal", "tema", "klager_rolle"} <= set(errors)
    with pytest.raises(ValidationError) as exc:
        register(world, mottatt=TODAY + dt.timedelta(days=1))
    assert "fram i tid" in exc.value.message_dict["mottatt"][0]
    assert not Tjenesteklage.objects.exists()


def test_only_staff_at_the_provider_register(world: World) -> None:
    with pytest.raises(ValidationError):
        services_klager.register(world.saksbehandler_1, data(world), today=TODAY)
    assert not Tjenesteklage.objects.exists()


def test_a_person_link_needs_the_access_check_and_a_refusal_is_audited(world: World) -> None:
    klage = register(world, tjenestemottaker=world.P)  # helper_a is on P's team
    assert AuditEvent.objects.filter(tjenestemottaker=world.P, action=AuditAction.CREATE).exists()
    assert klage.tjenestemottaker_id == world.P.pk
    with pytest.raises(ValidationError) as exc:
        services_klager.register(world.nurse_b, data(world, tjenestemottaker=world.P), today=TODAY)
    assert "ikke tilgang" in exc.value.message_dict["tjenestemottaker"][0]
    assert Tjenesteklage.objects.count() == 1
    assert AuditEvent.objects.filter(user=world.nurse_b, tjenestemottaker=world.P, action=AuditAction.REFUSED).exists()


def test_handling_and_answering_by_the_enhet_leader(world: World) -> None:
    klage = register(world)
    with pytest.raises(ValidationError):  # not a handler
        services_klager.handle(world.helper_a, klage, "Vurdert")
    with pytest.raises(ValidationError):  # another enhet's leader
        services_klager.handle(world.leader_b, klage, "Vurdert")
    with pytest.raises(ValidationError) as exc:  # answering before the assessment
        services_klager.answer(world.leader_a, klage, TODAY, "brev", "Beklager", today=TODAY)
    assert "vurderingen" in exc.value.message_dict["vurdering"][0]
    klage = services_klager.handle(world.leader_a, klage, "Ruten var for stram.", tiltak="Ny rute fra mandag")
    assert klage.status == Tjenesteklage.Status.UNDER_BEHANDLING and klage.behandler == world.leader_a
    with pytest.raises(ValidationError) as exc:
        services_klager.answer(world.leader_a, klage, klage.mottatt - dt.timedelta(days=1), "", "", today=TODAY)
    assert set(exc.value.message_dict) == {"besvart", "svarmate", "svar_sammendrag"}
    klage.refresh_from_db()
    assert klage.status == Tjenesteklage.Status.UNDER_BEHANDLING and klage.besvart is None
    klage = services_klager.answer(
        world.leader_a, klage, TODAY, "brev", "Beklaget, ny rute.", Tjenesteklage.Utfall.MEDHOLD, today=TODAY
    )
    assert klage.status == Tjenesteklage.Status.BESVART and klage.besvart == TODAY
    with pytest.raises(ValidationError):
        services_klager.answer(world.leader_a, klage, TODAY, "brev", "Igjen", today=TODAY)
    # the kvalitetsleder handles every enhet's complaints
    assert services_klager.may_handle(world.kvalitetsleder, klage)
    assert list(services_klager.handled_klager(world.leader_b)) == []


def test_a_complaint_may_point_to_an_avvik_the_handler_handles(world: World) -> None:
    klage = register(world)
    with pytest.raises(ValidationError) as exc:
        services_klager.handle(world.leader_a, klage, "Vurdert", avvik_id=999999)
    assert "999999" in exc.value.message_dict["avvik"][0]
    kategori = AvvikKategori.objects.get(kode="fag-kvalitet")
    draft = services.save_draft(
        world.helper_a,
        services.AvvikInput(
            enhet_id=world.enhet_a.pk,
            kategori_id=kategori.pk,
            hva_skjedde="Sen hjelp",
            tidspunkt=timezone.now() - dt.timedelta(hours=2),
        ),
    )
    avvik = services.submit(world.helper_a, draft)
    klage = services_klager.handle(world.leader_a, klage, "Vurdert", avvik_id=avvik.pk)
    assert klage.avvik == Avvik.objects.get(pk=avvik.pk)


def test_figures_and_nokkeltall_lines(world: World) -> None:
    received = [dt.date(2026, 1, 5), dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)]
    klager = [register(world, mottatt=d) for d in received]
    for klage in klager:
        services_klager.handle(world.leader_a, klage, "Vurdert")
    services_klager.answer(world.leader_a, klager[0], dt.date(2026, 1, 20), "brev", "Svar", today=TODAY)  # in time
    services_klager.answer(world.leader_a, klager[1], dt.date(2026, 3, 10), "brev", "Svar", today=TODAY)  # late
    services_klager.answer(world.leader_a, klager[2], dt.date(2026, 3, 20), "brev", "Svar", today=TODAY)  # in time
    # klager[3] open, deadline 1.5
    lines = dict((n, (v, u)) for n, v, u in services_klager.nokkeltall(dt.date(2026, 1, 1), dt.date(2026, 5, 31), None))
    assert lines["klager_mottatt"] == ("4", "stk")
    assert lines["klager_besvart_andel"] == ("75.0", "%")
    assert lines["klager_besvart_innen_frist_andel"] == ("50.0", "%")  # 2 of 4 deadlines in the period
    assert lines["klager_apne_over_frist"] == ("1", "stk")
    other = dict(
        (n, v) for n, v, _ in services_klager.nokkeltall(dt.date(2026, 1, 1), dt.date(2026, 5, 31), world.enhet_b)
    )
    assert other["klager_mottatt"] == "0" and other["klager_besvart_andel"] == "–"
