"""«Leveranse» screens through the test client: the provider's leader and the bydel's case officers see
the figures; the rows behind them show names only to those with a need to know, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from test_figures import Delivery, at

from factories import LeverandorFactory, TjenestemottakerFactory, World
from helhet.care.models import Besok, BesokOppgave
from helhet.care.views_figures import bar, parse_choice, pct
from helhet.cases.models import Vedtak
from helhet.core.models import AuditAction, AuditEvent, Leverandor, User

pytestmark = pytest.mark.django_db

Login = Callable[[Client, User], object]
WEEK = {"uke": "2025-W10"}


@pytest.fixture
def delivered(world: World) -> dict[str, object]:
    """P (bydel Nord): 2 h/week from the municipal provider, three 45-minute visits in week 10, one late,
    a wound-care checklist with 3 of 4 steps; a private provider delivering 1 h/week to P; and a person
    in bydel Sør («Sørbø») served by the municipal provider."""
    d = Delivery(world)
    tiltak = d.tiltak(d.vedtak(), prosedyre="Sårstell")
    visits = [d.besok(tiltak, dt.date(2025, 3, day)) for day in (3, 5)]
    visits.append(d.besok(tiltak, dt.date(2025, 3, 7), inn=at(dt.date(2025, 3, 7), 10, 0), by=world.helper_a))
    for nr, status in enumerate(["utfort", "utfort", "utfort", "ikke_utfort"], start=1):
        BesokOppgave.objects.create(
            besok=visits[0], nr=nr, tekst=f"Steg {nr}", status=status, grunn="Hemmelig grunn" * (nr == 4)
        )
    private = LeverandorFactory(navn="Omsorg Privat AS", type=Leverandor.Type.PRIVAT, kommune=world.kommune)
    d.besok(d.tiltak(d.vedtak(leverandor=private, timer=Decimal(1)), leverandor=private), dt.date(2025, 3, 4))
    south = TjenestemottakerFactory(fornavn="Sigrid", etternavn="Sørbø", bydel=world.bydel_2)
    south_vedtak = d.vedtak(person=south)
    d.besok(d.tiltak(south_vedtak), dt.date(2025, 3, 4))
    return {"private": private, "south_vedtak": south_vedtak, "vedtak": tiltak.vedtak}


def _get(client: Client, name: str, **params: object) -> tuple[int, str]:
    response = client.get(reverse(name), params)
    return response.status_code, response.content.decode()


def test_the_leader_sees_the_providers_figures_for_the_week(
    world: World, delivered: dict[str, object], client: Client, login: Login
) -> None:
    login(client, world.leader_a)
    status, body = _get(client, "care:leveranse", **WEEK)
    assert status == 200
    assert "Hjemmetjenesten KF" in body
    # P: 3 × 45 min of 2 h; Sørbø (same provider, other bydel): 45 min of 2 h. Together 3 of 4 hours.
    assert "3,00 av 4,00 innvilgede timer" in body and "75,0 %" in body
    assert "Prøve" not in body and "Sørbø" not in body  # the headline carries no person data
    assert "Omsorg Privat AS" not in body  # not the leader's provider


def test_percentages_are_norwegian_and_no_data_is_not_zero() -> None:
    from fractions import Fraction

    assert pct(Fraction(9, 8)) == "112,5 %"
    assert pct(Fraction(2, 3)) == "66,7 %"
    assert pct(None) == "ingen data"
    assert bar(Fraction(9, 8)) == "100" and bar(Fraction(1, 3)) == "33.3" and bar(None) == ""
    assert parse_choice({"uke": "2025-W10"}, dt.date(2025, 1, 1)).start == dt.date(2025, 3, 3)
    assert parse_choice({"maaned": "2025-13"}, dt.date(2025, 1, 9)).param == "2025-01"


def test_the_bydel_sees_every_provider_delivering_its_vedtak_and_not_another_bydels(
    world: World, delivered: dict[str, object], client: Client, login: Login
) -> None:
    login(client, world.saksbehandler_1)
    status, body = _get(client, "care:leveranse_bydel", **WEEK)
    assert status == 200
    assert "Hjemmetjenesten KF" in body and "Omsorg Privat AS" in body
    assert "Kommunal" in body and "Privat" in body
    assert "112,5 %" in body  # P's vedtak only: Sørbø lives in bydel Sør
    assert "75,0 %" in body  # the private provider: 45 min of 1 h
    assert "Prøve" not in body

    client.logout()
    login(client, world.saksbehandler_2)
    status, body = _get(client, "care:leveranse_bydel", **WEEK)
    assert status == 200
    assert "Omsorg Privat AS" not in body
    assert "37,5 %" in body  # Sørbø: 45 min of 2 h


def test_drill_down_names_only_persons_the_user_may_see_and_audits_them(
    world: World, delivered: dict[str, object], client: Client, login: Login
) -> None:
    vedtak = delivered["vedtak"]
    assert isinstance(vedtak, Vedtak)
    login(client, world.saksbehandler_1)  # P's case owner
    status, body = _get(client, "care:leveranse_bydel", vis="kontrakt", leverandor=world.leverandor.pk, **WEEK)
    assert status == 200
    assert f"Vedtak {vedtak.pk}" in body and "Per Prøve" in body
    assert AuditEvent.objects.filter(
        tjenestemottaker=world.P, action=AuditAction.READ, details__visning="leveranse_kontrakt"
    ).exists()
    status, body = _get(
        client, "care:leveranse_bydel", vis="kontrakt", leverandor=world.leverandor.pk, vedtak=vedtak.pk, **WEEK
    )
    assert status == 200
    assert "03.03.2025" in body and "08:15" in body and "Per Prøve" in body

    client.logout()
    login(client, world.vedtaksmyndig_1)  # in the bydel, but not P's case owner
    before = AuditEvent.objects.filter(tjenestemottaker=world.P).count()
    for vis in ("kontrakt", "punktlighet", "kontinuitet", "behandling"):
        status, body = _get(client, "care:leveranse_bydel", vis=vis, leverandor=world.leverandor.pk, **WEEK)
        assert status == 200, vis
        assert "Prøve" not in body and "Hemmelig grunn" not in body and "Sårstell" not in body, vis
        assert "Skjult" in body, vis
    status, body = _get(client, "care:leveranse_bydel", vis="behandling", leverandor=world.leverandor.pk, **WEEK)
    assert "3 av 4" in body and "03.03.2025" in body
    assert AuditEvent.objects.filter(tjenestemottaker=world.P).count() == before


def test_the_leader_opens_each_figure_to_its_rows(
    world: World, delivered: dict[str, object], client: Client, login: Login
) -> None:
    login(client, world.leader_a)  # leader of the unit whose team serves P
    status, body = _get(client, "care:leveranse", vis="punktlighet", **WEEK)
    assert status == 200 and "Utenfor vinduet" in body and "Per Prøve" in body
    assert body.index("Utenfor vinduet") < body.index("I tide")  # the late visit first
    status, body = _get(client, "care:leveranse", vis="behandling", **WEEK)
    assert "Sårstell" in body and "Steg 4: Hemmelig grunn" in body and "75,0 %" in body
    status, body = _get(client, "care:leveranse", vis="kontinuitet", **WEEK)
    assert status == 200 and "Per Prøve" in body


def test_the_kvalitetsleder_without_need_to_know_sees_figures_but_no_names(
    world: World, delivered: dict[str, object], client: Client, login: Login
) -> None:
    login(client, world.kvalitetsleder)  # placed nowhere («hele kommunen»): every provider, no ground for P
    status, body = _get(client, "care:leveranse", leverandor=world.leverandor.pk, vis="kontrakt", **WEEK)
    assert status == 200
    assert "Prøve" not in body and "Skjult" in body and "112,5 %" in body
    status, body = _get(client, "care:leveranse", **WEEK)
    assert "Omsorg Privat AS" in body  # offered in the provider list


def test_a_vedtak_of_another_bydel_does_not_open(
    world: World, delivered: dict[str, object], client: Client, login: Login
) -> None:
    south = delivered["south_vedtak"]
    assert isinstance(south, Vedtak)
    login(client, world.saksbehandler_1)
    response = client.get(
        reverse("care:leveranse_bydel"),
        {"vis": "kontrakt", "leverandor": world.leverandor.pk, "vedtak": south.pk, **WEEK},
    )
    assert response.status_code == 404


def test_outsiders_get_no_figures_and_no_names(
    world: World, delivered: dict[str, object], client: Client, login: Login
) -> None:
    login(client, world.nurse_b)
    for name in ("care:leveranse", "care:leveranse_bydel"):
        response = client.get(reverse(name), {"vis": "kontrakt", "leverandor": world.leverandor.pk, **WEEK})
        assert response.status_code == 403
        assert "Prøve" not in response.content.decode()


def test_nothing_to_divide_by_shows_ingen_data(world: World, client: Client, login: Login) -> None:
    login(client, world.leader_a)
    status, body = _get(client, "care:leveranse", **WEEK)
    assert status == 200
    assert "ingen data" in body and "0,0 %" not in body


def test_menu_entries_follow_the_roles(world: World, client: Client, login: Login) -> None:
    login(client, world.leader_a)
    body = client.get(reverse("care:leveranse")).content.decode()
    assert reverse("care:leveranse") in body and reverse("care:leveranse_bydel") not in body
    client.logout()
    login(client, world.saksbehandler_1)
    body = client.get(reverse("care:leveranse_bydel")).content.decode()
    assert reverse("care:leveranse_bydel") in body


def test_cancelled_visits_count_as_planned_not_performed(
    world: World, delivered: dict[str, object], client: Client, login: Login
) -> None:
    vedtak = delivered["vedtak"]
    assert isinstance(vedtak, Vedtak)
    tiltak = vedtak.tiltak.first()
    assert tiltak is not None
    Delivery(world).besok(tiltak, dt.date(2025, 3, 8), status=Besok.Status.AVLYST)
    login(client, world.saksbehandler_1)
    _, body = _get(client, "care:leveranse_bydel", **WEEK)
    assert "3 av 4 planlagte besøk utført" in body


def test_a_period_that_has_not_ended_is_measured_up_to_today() -> None:
    from helhet.care.views_figures import parse_choice

    today = dt.date(2026, 12, 2)
    current = parse_choice({}, today)
    assert (current.start, current.end, current.bucket_label) == (dt.date(2026, 12, 1), today, "2026-12")
    assert "hittil (til og med 02.12.)" in current.label
    past = parse_choice({"maaned": "2026-11"}, today)
    assert (past.start, past.end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    week = parse_choice({"uke": "2026-W49"}, today)
    assert (week.start, week.end) == (dt.date(2026, 11, 30), today)
