"""Audit and certificate use cases: access, bad input, the audit's life, suggestions from avvik, figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from factories import RoleAssignmentFactory, UserFactory, World
from helhet.core.models import AuditAction, AuditEvent, Role
from helhet.quality import services
from helhet.quality import services_revisjon as svc
from helhet.quality.models import Avvik, AvvikKategori, Funn, KorrigerendeTiltak, Revisjon, Sertifikat
from helhet.quality.rules import risiko

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def audit_of(world: World, **kw: Any) -> Revisjon:
    data: dict[str, Any] = {
        "leverandor_id": world.leverandor.pk,
        "tittel": "Internrevisjon legemidler",
        "enhet_id": world.enhet_a.pk,
        "planlagt_dato": TODAY,
        **kw,
    }
    return svc.create_audit(world.kvalitetsleder, svc.RevisjonInput(**data))


def running_with_finding(world: World, kind: str = Funn.Type.AVVIK) -> tuple[Revisjon, Funn]:
    rev = audit_of(world)
    svc.start(world.kvalitetsleder, rev)
    return rev, svc.add_finding(world.kvalitetsleder, rev, kind, "Mangler dobbeltkontroll", "ISO 9001 8.5")


def test_who_manages_and_who_sees(world: World) -> None:
    rev = audit_of(world)
    provider_leader = UserFactory(username="lev_leder")
    RoleAssignmentFactory(user=provider_leader, rolle=Role.LEDER, leverandor=world.leverandor)
    assert svc.may_manage(world.kvalitetsleder, rev) and svc.may_manage(provider_leader, rev)
    assert svc.may_see(world.leader_a, rev) and not svc.may_manage(world.leader_a, rev)  # enhet leder: read only
    assert not svc.may_see(world.leader_b, rev)  # other enhet
    assert not svc.may_see(world.nurse_a, rev)
    with pytest.raises(ValidationError, match="Bare kvalitetsleder eller leder hos leverandøren"):
        svc.start(world.leader_a, rev)
    assert list(svc.visible_audits(world.leader_b)) == []


def test_an_external_audit_needs_the_bodys_name_and_nothing_is_saved(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        audit_of(world, type=Revisjon.Type.EKSTERN, tittel="", planlagt_dato=None)
    assert exc.value.message_dict == {
        "eksternt_organ": ["Skriv navnet på det eksterne revisjons- eller sertifiseringsorganet."],
        "tittel": ["Gi revisjonen en tittel."],
        "planlagt_dato": ["Sett planlagt dato."],
    }
    assert not Revisjon.objects.exists()


def test_a_corrective_action_without_owner_or_deadline_is_refused(world: World) -> None:
    _rev, funn = running_with_finding(world)
    with pytest.raises(ValidationError) as exc:
        svc.add_action(world.kvalitetsleder, funn, "Ny rutine", None, None)
    assert exc.value.message_dict == {
        "ansvarlig": ["Velg hvem som er ansvarlig for tiltaket."],
        "frist": ["Sett en frist for tiltaket."],
    }
    assert not KorrigerendeTiltak.objects.exists()


def test_the_audit_closes_only_when_every_action_is_closed_and_the_owner_closes_their_own(world: World) -> None:
    rev, funn = running_with_finding(world)
    tiltak = svc.add_action(world.kvalitetsleder, funn, "Ny rutine", world.nurse_a, TODAY + dt.timedelta(days=10))
    svc.report(world.kvalitetsleder, rev, "Ett avvik.", TODAY)
    with pytest.raises(ValidationError) as exc:
        svc.close(world.kvalitetsleder, rev)
    assert "1 korrigerende tiltak er ikke lukket" in exc.value.message_dict["status"][0]
    rev.refresh_from_db()
    assert rev.status == Revisjon.Status.RAPPORTERT

    with pytest.raises(ValidationError, match="Bare den ansvarlige"):
        svc.close_action(world.helper_a, tiltak, TODAY, "Virket")
    with pytest.raises(ValidationError) as exc:
        svc.close_action(world.nurse_a, tiltak, None, "")
    assert set(exc.value.message_dict) == {"utfort", "effekt"}
    svc.close_action(world.nurse_a, tiltak, TODAY, "Rutinen følges, kontrollert i fire uker.")
    assert list(svc.visible_actions(world.nurse_a)) == [tiltak]  # the owner sees their own
    svc.close(world.kvalitetsleder, rev)
    rev.refresh_from_db()
    assert rev.status == Revisjon.Status.LUKKET and rev.lukket == TODAY
    handlings = set(
        AuditEvent.objects.filter(record_type__in=["quality.Revisjon", "quality.KorrigerendeTiltak"]).values_list(
            "details__handling", flat=True
        )
    )
    assert {"revisjon_opprettet", "revisjon_startet", "funn_lagt_til", "korrigerende_tiltak_lagt_til"} <= handlings
    assert {"korrigerende_tiltak_lukket", "revisjon_rapportert", "revisjon_lukket"} <= handlings


def test_reporting_needs_every_checklist_item_answered(world: World) -> None:
    rev = audit_of(world)
    item = svc.add_checklist_item(world.kvalitetsleder, rev, "Har alle fått opplæring?", "ISO 9001 7.2")
    svc.start(world.kvalitetsleder, rev)
    with pytest.raises(ValidationError) as exc:
        svc.report(world.kvalitetsleder, rev, "", TODAY)
    assert exc.value.message_dict == {
        "rapport": ["Skriv en kort oppsummering av revisjonen."],
        "sjekkliste": ["1 punkt i sjekklisten er ikke besvart."],
    }
    with pytest.raises(ValidationError, match="Skriv hva som ikke er i samsvar"):
        svc.answer_checklist_item(world.kvalitetsleder, item, "ikke_samsvar", "")
    svc.answer_checklist_item(world.kvalitetsleder, item, "samsvar")
    assert svc.report(world.kvalitetsleder, rev, "Alt i orden.", TODAY).status == Revisjon.Status.RAPPORTERT


def test_a_certificate_with_valid_to_before_valid_from_is_refused(world: World) -> None:
    data = svc.SertifikatInput(
        leverandor_id=world.leverandor.pk,
        standard="iso9001",
        omfang="Hjemmetjenesten",
        utsteder="Sertifiseringsorgan AS",
        gyldig_fra=TODAY,
        gyldig_til=TODAY - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as exc:
        svc.save_certificate(world.kvalitetsleder, data)
    assert exc.value.message_dict == {"gyldig_til": ["«Gyldig til» kan ikke være før «gyldig fra»."]}
    assert not Sertifikat.objects.exists()
    ok = svc.save_certificate(
        world.kvalitetsleder, svc.SertifikatInput(**{**data.__dict__, "gyldig_til": TODAY.replace(year=TODAY.year + 3)})
    )
    kinds = list(ok.oppfolging.values_list("type", flat=True))
    assert kinds == ["overvaking", "overvaking", "fornyelse"]
    with pytest.raises(ValidationError):
        svc.save_certificate(world.leader_a, data)


def medication_avvik(world: World, n: int) -> list[Avvik]:
    kategori = AvvikKategori.objects.get(kode="legemiddel")
    made = []
    for i in range(n):
        draft = services.save_draft(
            world.helper_a,
            services.AvvikInput(
                enhet_id=world.enhet_a.pk,
                kategori_id=kategori.pk,
                hva_skjedde=f"Feil dose {i}",
                tidspunkt=timezone.now() - dt.timedelta(hours=i + 1),
            ),
        )
        made.append(services.submit(world.helper_a, draft))
    return made


def test_an_audit_started_from_repeated_avvik_stores_its_source_once(world: World) -> None:
    avvik = medication_avvik(world, 3)
    kategori = AvvikKategori.objects.get(kode="legemiddel").navn
    pairs = svc.audit_suggestions_for(world.leader_a)
    assert [(e.pk, s.category) for e, s in pairs] == [(world.enhet_a.pk, kategori)]
    result = svc.create_from_suggestion(world.leader_a, world.enhet_a, kategori)
    rev = result.revisjon
    assert result.created and rev.type == Revisjon.Type.INTERN and rev.enhet == world.enhet_a
    assert rev.kilde_kategori == kategori and rev.kilde_avvik == sorted(a.pk for a in avvik)
    assert "Gjentatte avvik: 3 avvik" in rev.kilde_begrunnelse
    assert (
        AuditEvent.objects.filter(action=AuditAction.CREATE, details__handling="revisjon_fra_avviksforslag").count()
        == 1
    )
    again = svc.create_from_suggestion(world.kvalitetsleder, world.enhet_a, kategori)
    assert not again.created and again.revisjon == rev
    with pytest.raises(ValidationError, match="Bare kvalitetsleder, leder eller meldingsansvarlig"):
        svc.create_from_suggestion(world.leader_b, world.enhet_a, kategori)
    with pytest.raises(ValidationError, match="ikke lenger noe forslag"):
        svc.create_from_suggestion(world.kvalitetsleder, world.enhet_a, "HMS")


def test_a_serious_avvik_also_suggests_an_audit(world: World) -> None:
    (a,) = medication_avvik(world, 1)
    answers = {q.kode: False for q in risiko.SPORSMAL}
    answers[risiko.SPORSMAL[-1].kode] = True
    services.grade(world.leader_a, a, answers, 5)
    a.refresh_from_db()
    if a.niva not in ("hoy", "kritisk"):
        pytest.skip("the guided questions did not grade this as serious")
    rev = svc.create_from_suggestion(world.leader_a, world.enhet_a, a.kategori.navn).revisjon  # type: ignore[union-attr]
    assert rev.kilde_avvik == [a.pk]


def test_nokkeltall_counts_done_vs_planned_overdue_actions_and_expiring_certificates(world: World) -> None:
    kvl = world.kvalitetsleder
    svc.add_plan_line(kvl, world.leverandor, TODAY.year, svc.PlanLinjeInput(tema="Legemidler", maned=TODAY.month))
    line = svc.add_plan_line(
        kvl,
        world.leverandor,
        TODAY.year,
        svc.PlanLinjeInput(tema="Avvik", enhet_id=world.enhet_b.pk, maned=TODAY.month),
    )
    rev = audit_of(world, planlagt_revisjon_id=line.pk, enhet_id=None)
    svc.start(kvl, rev)
    funn = svc.add_finding(kvl, rev, Funn.Type.AVVIK, "x")
    svc.add_action(kvl, funn, "late", world.nurse_a, TODAY - dt.timedelta(days=3), today=TODAY - dt.timedelta(days=10))
    svc.report(kvl, rev, "ok", TODAY)
    svc.save_certificate(
        kvl,
        svc.SertifikatInput(
            leverandor_id=world.leverandor.pk,
            standard="equass",
            omfang="x",
            utsteder="y",
            gyldig_fra=TODAY - dt.timedelta(days=1000),
            gyldig_til=TODAY + dt.timedelta(days=30),
        ),
    )
    lines = {n: (v, u) for n, v, u in svc.nokkeltall(dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31), None)}
    assert lines["revisjoner_gjennomfort"] == ("1", "stk") and lines["revisjoner_planlagt"] == ("2", "stk")
    assert lines["korrigerende_tiltak_forfalt"] == ("1", "stk")
    assert lines["sertifikater_utloper_snart"] == ("1", "stk")
    only_b = {n: v for n, v, _ in svc.nokkeltall(dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31), world.enhet_b)}
    # the audit takes the plan line's enhet (B)
    assert (only_b["revisjoner_gjennomfort"], only_b["revisjoner_planlagt"]) == ("1", "1")
    assert rev.enhet == world.enhet_b


def test_reporting_an_external_audit_marks_the_nearest_follow_up_date_done(world: World) -> None:
    kvl = world.kvalitetsleder
    cert = svc.save_certificate(
        kvl,
        svc.SertifikatInput(
            leverandor_id=world.leverandor.pk,
            standard="iso9001",
            omfang="Hjemmetjenesten",
            utsteder="Sertifisering AS",
            gyldig_fra=TODAY - dt.timedelta(days=370),
            gyldig_til=TODAY - dt.timedelta(days=370) + dt.timedelta(days=3 * 365),
        ),
    )
    rev = audit_of(world, type=Revisjon.Type.EKSTERN, eksternt_organ="Sertifisering AS", sertifikat_id=cert.pk)
    svc.start(kvl, rev)
    svc.report(kvl, rev, "Ingen funn.", TODAY)
    rows = list(cert.oppfolging.order_by("dato").values_list("type", "gjennomfort"))
    assert rows == [("overvaking", TODAY), ("overvaking", None), ("fornyelse", None)]
