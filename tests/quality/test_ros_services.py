"""ROS analyses: scoring on the avvik matrix, measures, residual risk (rules.risiko.rescore), approval, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from factories import World
from helhet.core.models import AuditEvent
from helhet.quality import services_ros as services
from helhet.quality.models import RosAnalyse, RosFare
from helhet.quality.rules import risiko

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def analysis(world: World, user: object = None) -> RosAnalyse:
    return services.create_analysis(
        user or world.leader_a,
        services.AnalyseInput(tittel="Legemiddelhåndtering", enhet_id=world.enhet_a.pk, dato=DAY, deltakere="Lise"),
    )


def test_a_hazard_gets_its_level_from_the_matrix_and_is_numbered(world: World) -> None:
    a = analysis(world)
    f1 = services.add_hazard(world.leader_a, a, "Feil dose", "", 3, 4)
    f2 = services.add_hazard(world.leader_a, a, "Glemt dose", "", 5, 1)
    assert (f1.nummer, f2.nummer) == (1, 2)
    assert f1.niva == risiko.level(3, 4).value == "hoy"
    assert f2.niva == "middels"
    assert AuditEvent.objects.filter(record_type="quality.RosAnalyse", record_id=str(a.pk)).count() == 3


def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_analysis(world.leader_a, services.AnalyseInput(tittel=" ", enhet_id=None, dato=None))
    assert set(exc.value.message_dict) == {"tittel", "enhet", "dato"}
    a = analysis(world)
    with pytest.raises(ValidationError) as exc:
        services.add_hazard(world.leader_a, a, "Feil dose", "", 6, None)
    assert set(exc.value.message_dict) == {"sannsynlighet", "konsekvens"}
    fare = services.add_hazard(world.leader_a, a, "Feil dose", "", 3, 4)
    with pytest.raises(ValidationError) as exc:
        services.add_measure(world.leader_a, fare, "Dobbeltkontroll", None, None)
    assert set(exc.value.message_dict) == {"ansvarlig", "frist"}
    assert RosFare.objects.count() == 1 and not fare.tiltak.exists()


def test_only_handlers_of_the_enhet_work_with_it(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        analysis(world, world.leader_b)
    assert "enhet" in exc.value.message_dict
    a = analysis(world)
    with pytest.raises(ValidationError):
        services.add_hazard(world.leader_b, a, "Feil dose", "", 3, 4)
    with pytest.raises(ValidationError):
        services.add_hazard(world.nurse_a, a, "Feil dose", "", 3, 4)
    assert services.may_see(world.kvalitetsleder, a) and not services.may_see(world.leader_b, a)
    assert list(services.analyses_for(world.leader_b)) == []
    assert not services.may_use(world.helper_a)


def test_residual_risk_beside_the_initial_a_higher_one_needs_a_reason(world: World) -> None:
    a = analysis(world)
    fare = services.add_hazard(world.leader_a, a, "Feil dose", "", 4, 4)
    result = services.rescore(world.leader_a, fare, 2, 4)
    fare.refresh_from_db()
    assert result.redusert and fare.rest_niva == risiko.level(2, 4).value == "middels"
    assert fare.niva == "kritisk"  # the initial score is kept beside the residual one
    with pytest.raises(ValidationError) as exc:
        services.rescore(world.leader_a, fare, 5, 5)
    assert "høyere" in exc.value.message_dict["rest_begrunnelse"][0]
    fare.refresh_from_db()
    assert fare.rest_sannsynlighet == 2  # nothing saved
    services.rescore(world.leader_a, fare, 5, 5, "Ny pasientgruppe med mer kompleks medisinering")
    fare.refresh_from_db()
    assert fare.rest_niva == "kritisk" and fare.rest_begrunnelse.startswith("Ny pasientgruppe")


def test_approval_needs_measures_on_serious_hazards_and_locks_the_analysis(world: World) -> None:
    a = analysis(world)
    with pytest.raises(ValidationError):
        services.approve(world.leader_a, a)
    fare = services.add_hazard(world.leader_a, a, "Feil dose", "", 3, 4)
    services.add_hazard(world.leader_a, a, "Liten ting", "", 1, 1)
    problems = services.approval_problems(a)
    assert problems == ["Fare 1 har høy risiko, men ingen tiltak."]
    tiltak = services.add_measure(world.leader_a, fare, "Dobbeltkontroll", world.nurse_a, DAY + dt.timedelta(days=30))
    assert services.approval_problems(a) == ["Fare 1 har tiltak, men restrisikoen er ikke vurdert."]
    services.rescore(world.leader_a, fare, 2, 4)
    services.approve(world.leader_a, a)
    a.refresh_from_db()
    assert a.status == RosAnalyse.Status.GODKJENT and a.godkjent_av == world.leader_a
    with pytest.raises(ValidationError):
        services.add_hazard(world.leader_a, a, "Ny", "", 1, 1)
    # Follow-up of the measures goes on: the owner marks it done.
    services.complete_measure(world.nurse_a, tiltak, DAY + dt.timedelta(days=10))
    tiltak.refresh_from_db()
    assert tiltak.utfort == DAY + dt.timedelta(days=10)


def test_the_matrix_places_hazards_by_number_with_every_cell_levelled(world: World) -> None:
    a = analysis(world)
    f1 = services.add_hazard(world.leader_a, a, "A", "", 3, 4)
    services.add_hazard(world.leader_a, a, "B", "", 3, 4)
    services.add_hazard(world.leader_a, a, "C", "", 1, 5)
    services.rescore(world.leader_a, f1, 1, 4)
    farer = list(a.farer.all())
    grid = services.matrix(farer)
    assert [row.sannsynlighet for row in grid] == [5, 4, 3, 2, 1]
    cells = {(c.sannsynlighet, c.konsekvens): c for row in grid for c in row.cells}
    assert len(cells) == 25 and all(c.niva == risiko.level(*key) for key, c in cells.items())
    assert cells[(3, 4)].farer == (1, 2) and cells[(1, 5)].farer == (3,)
    after = {(c.sannsynlighet, c.konsekvens): c.farer for row in services.matrix(farer, after=True) for c in row.cells}
    assert after[(1, 4)] == (1,) and sum(len(v) for v in after.values()) == 1


def test_guided_questions_set_the_consequence_and_a_contradicting_choice_is_refused(world: World) -> None:
    a = analysis(world)
    answers = {"lh_skade": True, "lh_legehjelp": True, "lh_sykehus": False, "pv_helseopplysninger": None}
    fare = services.add_hazard(world.leader_a, a, "Feil dose", "", 3, None, answers)
    expected = risiko.grade_consequence(answers, ros=True).konsekvens
    assert fare.konsekvens == expected == 3 and fare.niva == risiko.level(3, 3).value
    assert (
        fare.konsekvens_begrunnelse.startswith("Konsekvens 3")
        and "Kan personen trenge legehjelp?" in fare.konsekvens_begrunnelse
    )
    assert fare.svar == {"lh_skade": True, "lh_legehjelp": True, "lh_sykehus": False}
    with pytest.raises(ValidationError) as exc:
        services.add_hazard(world.leader_a, a, "Feil dose", "", 3, 5, answers)
    assert "svarene på spørsmålene gir 3" in exc.value.message_dict["konsekvens"][0]
    with pytest.raises(ValidationError) as exc:
        services.add_hazard(world.leader_a, a, "X", "", 3, None, {"finnes_ikke": True})
    assert "svar" in exc.value.message_dict
    assert a.farer.count() == 1
