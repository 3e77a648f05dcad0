"""ROS screens: access by role and enhet, forms with errors beside the fields, the accessible matrix."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from factories import World
from helhet.quality import services_ros as services
from helhet.quality.models import RosAnalyse, RosFare

pytestmark = pytest.mark.django_db


def make(world: World) -> RosAnalyse:
    a = services.create_analysis(
        world.leader_a,
        services.AnalyseInput(tittel="Legemidler i hjemmet", enhet_id=world.enhet_a.pk, dato=dt.date(2026, 3, 2)),
    )
    fare = services.add_hazard(world.leader_a, a, "Feil dose gitt", "", 4, 4)
    services.add_measure(world.leader_a, fare, "Dobbeltkontroll", world.nurse_a, dt.date(2026, 6, 1))
    services.rescore(world.leader_a, fare, 2, 4)
    services.add_hazard(world.leader_a, a, "Dosett ikke levert", "", 2, 2)
    return a


def test_access_leader_of_the_enhet_and_kvalitetsleder_yes_others_no(world: World, client: Any, login: Any) -> None:
    a = make(world)
    url = reverse("quality:ros_detalj", kwargs={"analyse_id": a.pk})
    login(client, world.leader_a)
    assert client.get(url).status_code == 200
    assert "Legemidler i hjemmet" in client.get(reverse("quality:ros_liste")).content.decode()
    login(client, world.kvalitetsleder)
    assert client.get(url).status_code == 200
    for outsider in (world.leader_b, world.nurse_a):
        login(client, outsider)
        assert client.get(url).status_code == 403
        assert client.get(reverse("quality:ros_matrise", kwargs={"analyse_id": a.pk})).status_code == 403
        assert (
            client.post(url, {"handling": "fare", "tittel": "X", "sannsynlighet": 1, "konsekvens": 1}).status_code
            == 403
        )
    assert a.farer.count() == 2
    login(client, world.leader_b)
    assert "Legemidler i hjemmet" not in client.get(reverse("quality:ros_liste")).content.decode()


def test_new_analysis_and_hazard_forms_show_errors_and_save_nothing(world: World, client: Any, login: Any) -> None:
    login(client, world.leader_a)
    response = client.post(reverse("quality:ros_ny"), {"tittel": "", "enhet": "", "dato": "i går"})
    body = response.content.decode()
    assert response.status_code == 400 and "Skriv en tittel." in body and "Skriv datoen som en dato" in body
    assert not RosAnalyse.objects.exists()
    response = client.post(
        reverse("quality:ros_ny"), {"tittel": "Fall", "enhet": world.enhet_a.pk, "dato": "2026-03-02"}
    )
    a = RosAnalyse.objects.get()
    assert response.status_code == 302 and a.opprettet_av == world.leader_a
    url = reverse("quality:ros_detalj", kwargs={"analyse_id": a.pk})
    response = client.post(url, {"handling": "fare", "tittel": "Fall på badet", "sannsynlighet": "3"})
    assert response.status_code == 400 and "Velg konsekvens (1–5)." in response.content.decode()
    assert "Fall på badet" in response.content.decode()  # what was typed is kept
    assert not RosFare.objects.exists()
    response = client.post(
        url, {"handling": "fare", "tittel": "Fall på badet", "sannsynlighet": "3", "konsekvens": "4"}
    )
    assert response.status_code == 302 and RosFare.objects.get().niva == "hoy"


def test_a_higher_residual_risk_without_reason_is_refused_in_the_form(world: World, client: Any, login: Any) -> None:
    a = make(world)
    fare = a.farer.get(nummer=2)
    login(client, world.leader_a)
    url = reverse("quality:ros_detalj", kwargs={"analyse_id": a.pk})
    response = client.post(
        url, {"handling": "restrisiko", "fare": fare.pk, "rest_sannsynlighet": "5", "rest_konsekvens": "5"}
    )
    assert response.status_code == 400 and "Skriv en begrunnelse" in response.content.decode()
    fare.refresh_from_db()
    assert fare.rest_niva == ""


def test_detail_shows_residual_risk_beside_the_initial(world: World, client: Any, login: Any) -> None:
    a = make(world)
    login(client, world.leader_a)
    text = re.sub(r"\s+", " ", client.get(reverse("quality:ros_detalj", kwargs={"analyse_id": a.pk})).content.decode())
    assert "Kritisk (S4 × K4 = 16)" in text and "Middels (S2 × K4 = 8)" in text


def test_matrix_is_a_table_with_levels_in_text_and_hazard_numbers(world: World, client: Any, login: Any) -> None:
    a = make(world)
    login(client, world.leader_a)
    body = client.get(reverse("quality:ros_matrise", kwargs={"analyse_id": a.pk})).content.decode()
    assert body.count('class="ros-matrise"') == 2  # before and after measures
    assert body.count('<td class="niva-') == 50
    # Each cell names its level in text (not colour only).
    for cell in re.findall(r'<td class="niva-(\w+)"><span class="cell-niva">([^<]+)</span>', body):
        assert {"lav": "Lav", "middels": "Middels", "hoy": "Høy", "kritisk": "Kritisk"}[cell[0]] == cell[1]
    assert '<span class="fare-nr">1</span>' in body and '<span class="fare-nr">2</span>' in body
    assert 'scope="row">S5' in body and 'scope="col">K1' in body
