"""Avvik use cases (issue 7 point 1): drafts, validation, routing, grading, measures, closing, outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from care_builders import make_visit
from factories import EnhetFactory, RoleAssignmentFactory, TjenestemottakerFactory, UserFactory, World
from helhet.core.models import AuditAction, AuditEvent, Role
from helhet.quality import services
from helhet.quality.models import Avvik, AvvikKategori
from helhet.quality.rules import risiko

pytestmark = pytest.mark.django_db


def kategori(kode: str = "fall") -> AvvikKategori:
    return AvvikKategori.objects.get(kode=kode)


def full_input(world: World, **kw: Any) -> services.AvvikInput:
    data: dict[str, Any] = {
        "enhet_id": world.enhet_a.pk,
        "kategori_id": kategori().pk,
        "hva_skjedde": "Bruker falt på badet",
        "hvor": "Badet",
        "tidspunkt": timezone.now() - dt.timedelta(hours=1),
        **kw,
    }
    return services.AvvikInput(**data)


def submitted(world: World, reporter: Any = None, **kw: Any) -> Avvik:
    reporter = reporter or world.helper_a
    return services.submit(reporter, services.save_draft(reporter, full_input(world, **kw)))


def all_answers(**yes: bool) -> dict[str, bool | None]:
    return {q.kode: yes.get(q.kode, False) for q in risiko.SPORSMAL}


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_the_categories_are_data() -> None:
    codes = set(AvvikKategori.objects.values_list("kode", flat=True))
    assert {"hms", "fag-kvalitet", "legemiddel", "personvern", "vold-trusler", "fall"} <= codes


def test_a_half_written_report_is_kept_as_a_draft_and_submit_says_what_is_missing(world: World) -> None:
    draft = services.save_draft(world.helper_a, services.AvvikInput(hvor="Stua"))
    assert draft.status == Avvik.Status.UTKAST and draft.hvor == "Stua"

    with pytest.raises(ValidationError) as exc:
        services.submit(world.helper_a, draft)
    errors = errors_of(exc)
    assert errors["kategori"] == ["Velg en kategori."]
    assert errors["hva_skjedde"] == ["Skriv kort hva som skjedde."]
    assert errors["tidspunkt"] == ["Skriv når det skjedde."]
    assert errors["enhet"] == ["Velg hvilken enhet avviket gjelder."]
    draft.refresh_from_db()
    assert draft.status == Avvik.Status.UTKAST and draft.hvor == "Stua"  # nothing lost


def test_a_time_in_the_future_is_refused(world: World) -> None:
    draft = services.save_draft(world.helper_a, full_input(world, tidspunkt=timezone.now() + dt.timedelta(days=1)))
    with pytest.raises(ValidationError) as exc:
        services.submit(world.helper_a, draft)
    assert errors_of(exc) == {"tidspunkt": ["Tidspunktet kan ikke være fram i tid."]}


def test_only_the_reporter_changes_or_sends_the_draft(world: World) -> None:
    draft = services.save_draft(world.helper_a, full_input(world))
    with pytest.raises(ValidationError):
        services.save_draft(world.nurse_a, full_input(world), draft)
    with pytest.raises(ValidationError):
        services.submit(world.nurse_a, draft)


def test_routing_prefers_the_meldingsansvarlig_then_the_leder(world: World) -> None:
    assert submitted(world).meldingsansvarlig == world.leader_a
    ma = UserFactory(username="ma_a")
    RoleAssignmentFactory(user=ma, rolle=Role.MELDINGSANSVARLIG, enhet=world.enhet_a)
    avvik = submitted(world)
    assert avvik.meldingsansvarlig == ma and avvik.status == Avvik.Status.REGISTRERT and avvik.registrert


def test_routing_refuses_an_enhet_without_anyone_to_receive_it(world: World) -> None:
    empty = EnhetFactory(leverandor=world.leverandor, navn="Enhet uten leder")
    draft = services.save_draft(world.helper_a, full_input(world, enhet_id=empty.pk))
    with pytest.raises(ValidationError) as exc:
        services.submit(world.helper_a, draft)
    assert "Enhet uten leder har ingen meldingsansvarlig eller leder" in errors_of(exc)["enhet"][0]
    draft.refresh_from_db()
    assert draft.status == Avvik.Status.UTKAST


def test_a_visit_link_needs_access_to_the_person_and_the_refusal_is_audited(world: World) -> None:
    besok = make_visit(world)
    with pytest.raises(ValidationError) as exc:
        services.save_draft(world.nurse_b, full_input(world, besok_id=besok.pk))
    assert "ikke tilgang" in errors_of(exc)["besok"][0]
    assert not Avvik.objects.exists()
    refusal = AuditEvent.objects.get(action=AuditAction.REFUSED)
    assert refusal.tjenestemottaker == world.P and refusal.user_id == world.nurse_b.pk

    avvik = submitted(world, reporter=world.nurse_a, besok_id=besok.pk)
    assert avvik.tjenestemottaker == world.P and avvik.besok == besok
    rows = AuditEvent.objects.filter(record_type="quality.Avvik", tjenestemottaker=world.P)
    assert rows.filter(action=AuditAction.CREATE).exists() and rows.filter(action=AuditAction.UPDATE).exists()


def test_grading_follows_the_guided_questions_and_the_matrix(world: World) -> None:
    avvik = submitted(world)
    answers = all_answers(lh_legehjelp=True, hms_ubehag=True)
    graded = services.grade(world.leader_a, avvik, answers, 4)
    expected = risiko.grade_consequence(answers)
    assert graded.konsekvens == expected.konsekvens
    assert graded.sannsynlighet == 4
    assert graded.niva == risiko.level(4, expected.konsekvens).value
    assert expected.begrunnelse in graded.gradering_begrunnelse
    assert graded.svar["lh_legehjelp"] is True


def test_grading_needs_every_answer_and_a_probability(world: World) -> None:
    avvik = submitted(world)
    with pytest.raises(ValidationError) as exc:
        services.grade(world.leader_a, avvik, {"lh_skade": True}, None)
    errors = errors_of(exc)
    assert errors["svar"] == [f"Svar ja eller nei på alle spørsmålene ({len(risiko.SPORSMAL) - 1} mangler)."]
    assert errors["sannsynlighet"] == ["Velg hvor sannsynlig det er at dette skjer igjen."]


def test_another_enhets_leader_cannot_handle(world: World) -> None:
    avvik = submitted(world)
    with pytest.raises(ValidationError):
        services.grade(world.leader_b, avvik, all_answers(), 2)
    with pytest.raises(ValidationError):
        services.start(world.leader_b, avvik)
    assert services.may_handle(world.kvalitetsleder, avvik)


def test_a_measure_needs_an_owner_and_a_due_date_not_in_the_past(world: World) -> None:
    avvik = submitted(world)
    with pytest.raises(ValidationError) as exc:
        services.add_measure(
            world.leader_a, avvik, "Sklisikre matter", None, timezone.localdate() - dt.timedelta(days=1)
        )
    assert errors_of(exc) == {
        "ansvarlig": ["Velg hvem som er ansvarlig for tiltaket."],
        "frist": ["Fristen kan ikke være tilbake i tid."],
    }
    assert not avvik.tiltak.exists()
    measure = services.add_measure(world.leader_a, avvik, "Sklisikre matter", world.nurse_a, timezone.localdate())
    avvik.refresh_from_db()
    assert measure.ansvarlig == world.nurse_a and avvik.status == Avvik.Status.UNDER_BEHANDLING and avvik.startet


def test_closing_needs_learning_a_grade_and_every_measure_settled(world: World) -> None:
    avvik = submitted(world)
    services.start(world.leader_a, avvik)
    measure = services.add_measure(world.leader_a, avvik, "Sklisikre matter", world.nurse_a, timezone.localdate())
    with pytest.raises(ValidationError) as exc:
        services.close(world.leader_a, avvik, "  ")
    errors = errors_of(exc)
    assert errors["laering"] == ["Skriv hva dere lærte før avviket lukkes."]
    assert "niva" in errors and "1 tiltak er ikke utført" in errors["tiltak"][0]

    services.grade(world.leader_a, avvik, all_answers(lh_skade=True), 2)
    closed = services.close(world.leader_a, avvik, "Matter på alle bad", {measure.pk: "Bruker ønsker ikke matter"})
    measure.refresh_from_db()
    assert closed.status == Avvik.Status.LUKKET and closed.lukket and measure.ikke_gjennomfort_grunn


def test_a_measure_done_by_its_owner_lets_the_avvik_close(world: World) -> None:
    avvik = submitted(world)
    services.grade(world.leader_a, avvik, all_answers(), 1)
    measure = services.add_measure(
        world.leader_a, avvik, "Gjennomgang på teammøte", world.nurse_a, timezone.localdate()
    )
    services.complete_measure(world.nurse_a, measure)
    assert services.close(world.leader_a, avvik, "Bedre rutine").status == Avvik.Status.LUKKET


def test_the_reporter_is_told_the_outcome(world: World) -> None:
    avvik = submitted(world)
    outcome = services.outcome_for_reporter(world.helper_a, avvik)
    assert not outcome.closed and outcome.laering == ""
    services.grade(world.leader_a, avvik, all_answers(lh_legehjelp=True), 3)
    services.add_measure(world.leader_a, avvik, "Opplæring", world.nurse_a, timezone.localdate())
    services.close(world.leader_a, avvik, "Ny rutine for dusj", {avvik.tiltak.get().pk: "Erstattet av rutinen"})
    avvik.refresh_from_db()
    outcome = services.outcome_for_reporter(world.helper_a, avvik)
    assert outcome.closed and outcome.laering == "Ny rutine for dusj" and outcome.niva
    assert outcome.tiltak[0][0] == "Opplæring"
    with pytest.raises(ValidationError):
        services.outcome_for_reporter(world.leader_a, avvik)


def test_repeated_events_suggest_an_internal_audit(world: World) -> None:
    for _ in range(3):
        submitted(world)
    suggestions = services.suggest_audit(world.enhet_a)
    assert [s.kind for s in suggestions] == ["gjentatt"]
    assert len(suggestions[0].ids) == 3 and "Enhet A" in suggestions[0].reason
    assert services.suggest_audit(world.enhet_b) == []


def test_the_routed_meldingsansvarlig_may_read_the_person_while_handling_and_30_days_after(world: World) -> None:
    from helhet.core.access import Action, check
    from helhet.quality.grounds import AFTER_CLOSE_DAYS

    ma = UserFactory(username="ma_ground")
    RoleAssignmentFactory(user=ma, rolle=Role.MELDINGSANSVARLIG, enhet=world.enhet_a)
    assert not check(ma, Action.VIEW, world.P).allowed  # no ground before any avvik

    besok = make_visit(world)
    draft = services.save_draft(world.nurse_a, full_input(world, besok_id=besok.pk))
    assert not check(ma, Action.VIEW, world.P).allowed  # a draft is not routed to anyone yet
    avvik = services.submit(world.nurse_a, draft)
    assert avvik.meldingsansvarlig == ma

    decision = check(ma, Action.VIEW, world.P)
    assert decision.allowed and decision.ground_code == "avviksbehandler"
    assert not check(ma, Action.EDIT, world.P).allowed  # reading only, never writing in the record
    other = TjenestemottakerFactory(bydel=world.P.bydel)
    assert not check(ma, Action.VIEW, other).allowed  # only the person the avvik is about

    services.grade(ma, avvik, all_answers(), 2)
    closed = services.close(ma, avvik, "Lært noe")
    assert closed.lukket is not None
    later = closed.lukket + dt.timedelta(days=AFTER_CLOSE_DAYS)
    assert check(ma, Action.VIEW, world.P, at=later).allowed
    assert not check(ma, Action.VIEW, world.P, at=later + dt.timedelta(days=1)).allowed


def test_links_to_the_plans_tiltak_and_a_procedure_and_the_outcome_is_marked_seen(world: World) -> None:
    from helhet.quality.models import Rutine

    besok = make_visit(world)
    rutine = Rutine.objects.create(leverandor=world.leverandor, tittel="Legemiddelhåndtering i hjemmet")
    old = Rutine.objects.create(leverandor=world.leverandor, tittel="Gammel rutine", aktiv=False)
    with pytest.raises(ValidationError) as exc:
        services.save_draft(world.nurse_a, full_input(world, besok_id=besok.pk, rutine_id=old.pk))
    assert errors_of(exc) == {"rutine": ["Fant ikke rutinen, eller den er ikke lenger i bruk."]}

    avvik = submitted(world, reporter=world.nurse_a, besok_id=besok.pk, rutine_id=rutine.pk)
    assert avvik.plantiltak_id == besok.tiltak_id and avvik.rutine == rutine

    services.grade(world.leader_a, avvik, all_answers(), 2)
    services.close(world.leader_a, avvik, "Rutinen er oppdatert")
    assert services.unread_outcomes(world.nurse_a) == 1
    services.outcome_for_reporter(world.nurse_a, Avvik.objects.get(pk=avvik.pk))
    assert services.unread_outcomes(world.nurse_a) == 0
    assert Avvik.objects.get(pk=avvik.pk).utfall_sett is not None


def test_routing_falls_back_to_the_provider_when_the_enhet_has_no_one(world: World) -> None:
    empty = EnhetFactory(leverandor=world.leverandor, navn="Enhet uten leder")
    provider_leader = UserFactory(username="leder_lev")
    RoleAssignmentFactory(user=provider_leader, rolle=Role.LEDER, leverandor=world.leverandor)
    avvik = submitted(world, enhet_id=empty.pk)
    assert avvik.meldingsansvarlig == provider_leader
