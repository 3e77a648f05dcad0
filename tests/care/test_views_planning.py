"""The planning board's screens: who sees them, moves by form and by script, the job's progress, publishing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from care_builders import make_visit
from factories import World
from helhet.care import planner
from helhet.care.models import Besok, Dagsplan, Planlegging, Vakt
from helhet.core.models import AuditAction, AuditEvent, User

pytestmark = pytest.mark.django_db


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(hour, minute)))


@pytest.fixture
def board(world: World) -> dict[str, Any]:
    medicine = make_visit(world, hour=8, kompetanse="legemiddel", ansatt=world.nurse_a)
    care = make_visit(world, hour=10, kompetanse="helsefaglig")
    for user in (world.nurse_a, world.helper_a, world.assistant_a):
        Vakt.objects.create(ansatt=user, team=world.team_a, dato=timezone.localdate(), start=_at(7), slutt=_at(15))
    return {"medicine": medicine, "care": care, "url": reverse("care:planlegging") + f"?team={world.team_a.pk}"}


def test_the_board_shows_timelines_and_audits_the_persons_shown(
    client: Client, login: Callable[[Client, User], object], world: World, board: dict[str, Any]
) -> None:
    login(client, world.nurse_a)
    response = client.get(board["url"])
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Tidslinjer", "Nina Nilsen", "Hege Haugen", "Ali Aas", "Per Prøve", "Optimaliser", "Publiser"):
        assert text in html, text
    assert AuditEvent.objects.filter(
        tjenestemottaker=world.P, action=AuditAction.READ, details__visning="planlegging"
    ).exists()
    assert Dagsplan.objects.filter(team=world.team_a).count() == 1


@pytest.mark.parametrize("who", ["helper_a", "assistant_a", "saksbehandler_1"])
def test_staff_who_do_not_plan_get_no_board(
    client: Client, login: Callable[[Client, User], object], world: World, board: dict[str, Any], who: str
) -> None:
    login(client, getattr(world, who))
    assert client.get(board["url"]).status_code == 403


def test_a_nurse_of_another_team_cannot_move_visits_on_this_teams_plan(
    client: Client, login: Callable[[Client, User], object], world: World, board: dict[str, Any]
) -> None:
    plan = planner.dagsplan(world.team_a, timezone.localdate(), world.nurse_a)
    login(client, world.nurse_b)
    url = reverse("care:planlegging_flytt", kwargs={"dagsplan_id": plan.pk})
    response = client.post(url, {"besok": board["care"].pk, "ansatt": world.nurse_b.pk}, HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert Dagsplan.objects.get(pk=plan.pk).versjon == 1


def test_a_drop_is_answered_in_json_refused_with_the_reason(
    client: Client, login: Callable[[Client, User], object], world: World, board: dict[str, Any]
) -> None:
    login(client, world.nurse_a)
    client.get(board["url"])
    plan = Dagsplan.objects.get(team=world.team_a)
    url = reverse("care:planlegging_flytt", kwargs={"dagsplan_id": plan.pk})
    refused = client.post(
        url,
        {"besok": board["medicine"].pk, "ansatt": world.assistant_a.pk, "start": "08:10", "versjon": 1},
        HTTP_ACCEPT="application/json",
    ).json()
    assert refused["ok"] is False and "mangler kompetansen" in refused["reasons"][0]
    accepted = client.post(
        url,
        {"besok": board["care"].pk, "ansatt": world.nurse_a.pk, "start": "10:20", "versjon": 1},
        HTTP_ACCEPT="application/json",
    ).json()
    assert accepted == {"ok": True, "reasons": [], "warnings": [], "versjon": 2}
    bad_time = client.post(
        url, {"besok": board["care"].pk, "ansatt": world.nurse_a.pk, "start": "kl ti"}, HTTP_ACCEPT="application/json"
    ).json()
    assert bad_time["ok"] is False and "TT:MM" in bad_time["reasons"][0]


def test_the_form_moves_publishes_and_min_dag_follows(
    client: Client, login: Callable[[Client, User], object], world: World, board: dict[str, Any]
) -> None:
    login(client, world.nurse_a)
    client.get(board["url"])
    plan = Dagsplan.objects.get(team=world.team_a)
    move = client.post(
        reverse("care:planlegging_flytt", kwargs={"dagsplan_id": plan.pk}),
        {"besok": board["care"].pk, "ansatt": world.nurse_a.pk, "start": "10:30", "versjon": 1},
        follow=True,
    )
    assert "Besøket er flyttet i utkastet." in move.content.decode()
    published = client.post(
        reverse("care:planlegging_publiser", kwargs={"dagsplan_id": plan.pk}), {"versjon": 2}, follow=True
    )
    assert "Planen er publisert" in published.content.decode()
    care: Besok = Besok.objects.get(pk=board["care"].pk)
    assert care.ansatt_id == world.nurse_a.pk
    min_dag = client.get(reverse("care:min_dag")).content.decode()
    assert "Planlagt 10:30" in min_dag


def test_optimise_button_runs_the_job_and_the_progress_view_shows_before_and_after(
    client: Client,
    login: Callable[[Client, User], object],
    world: World,
    board: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    login(client, world.nurse_a)
    client.get(board["url"])
    plan = Dagsplan.objects.get(team=world.team_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("care:planlegging_optimaliser", kwargs={"dagsplan_id": plan.pk}),
            {"tidsgrense": "1", "kontinuitet": "on"},
        )
    assert response.status_code == 302
    job = Planlegging.objects.get(dagsplan=plan)
    assert job.status == Planlegging.Status.FERDIG and job.kontinuitet and job.tidsgrense == 1
    part = client.get(reverse("care:planlegging_jobb", kwargs={"job_id": job.pk})).content.decode()
    assert "Før og etter optimaliseringen" in part and "Vis den nye planen" in part
    assert "hx-trigger" not in part  # finished: no more polling


def test_a_running_job_is_polled_with_a_progress_bar(
    client: Client, login: Callable[[Client, User], object], world: World, board: dict[str, Any]
) -> None:
    plan = planner.dagsplan(world.team_a, timezone.localdate(), world.nurse_a)
    job = Planlegging.objects.create(
        dagsplan=plan, bestilt_av=world.nurse_a, status=Planlegging.Status.KJORER, fremdrift=0.42
    )
    login(client, world.nurse_a)
    part = client.get(reverse("care:planlegging_jobb", kwargs={"job_id": job.pk})).content.decode()
    assert 'value="42"' in part and 'hx-trigger="every 1s"' in part
    login(client, world.nurse_b)
    assert client.get(reverse("care:planlegging_jobb", kwargs={"job_id": job.pk})).status_code == 403


def test_sick_call_and_a_new_shift_from_the_board(
    client: Client,
    login: Callable[[Client, User], object],
    world: World,
    board: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    login(client, world.nurse_a)
    vakt = Vakt.objects.get(ansatt=world.helper_a)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("care:planlegging_syk", kwargs={"vakt_id": vakt.pk}), follow=True)
    assert "er meldt syk" in page.content.decode()
    assert Planlegging.objects.get(type=Planlegging.Type.SYKDOM).status == Planlegging.Status.FERDIG
    Vakt.objects.filter(ansatt=world.assistant_a).delete()
    added = client.post(
        reverse("care:planlegging_vakt", kwargs={"team_id": world.team_a.pk}),
        {"ansatt": world.assistant_a.pk, "start": "14:30", "slutt": "22:00", "dato": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "Vakten til Ali Aas er lagret." in added.content.decode()
    evening = Vakt.objects.get(ansatt=world.assistant_a)
    assert timezone.localtime(evening.start).time() == dt.time(14, 30)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ansatt": "abc", "start": "07:00", "slutt": "15:00"}, "ugyldig verdi"),
        ({"ansatt": "", "start": "07:00", "slutt": "15:00"}, "Velg ansatt"),
        ({"start": "sju", "slutt": "15:00"}, "TT:MM"),
    ],
)
def test_a_bad_shift_form_is_answered_in_norwegian_and_saves_nothing(
    client: Client,
    login: Callable[[Client, User], object],
    world: World,
    board: dict[str, Any],
    data: dict[str, str],
    message: str,
) -> None:
    login(client, world.nurse_a)
    data.setdefault("ansatt", str(world.helper_a.pk))
    before = list(Vakt.objects.values_list("pk", "start", "slutt"))
    page = client.post(reverse("care:planlegging_vakt", kwargs={"team_id": world.team_a.pk}), data, follow=True)
    assert message in page.content.decode()
    assert list(Vakt.objects.values_list("pk", "start", "slutt")) == before


def test_a_shift_for_someone_from_another_provider_is_refused(
    client: Client, login: Callable[[Client, User], object], world: World, board: dict[str, Any]
) -> None:
    login(client, world.nurse_a)
    page = client.post(
        reverse("care:planlegging_vakt", kwargs={"team_id": world.team_a.pk}),
        {"ansatt": world.saksbehandler_1.pk, "start": "07:00", "slutt": "15:00"},
        follow=True,
    )
    assert "arbeider ikke hos" in page.content.decode()
    assert not Vakt.objects.filter(ansatt=world.saksbehandler_1).exists()
