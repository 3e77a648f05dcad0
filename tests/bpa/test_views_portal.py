"""The arbeidsleder's portal: only one's own arrangement, staff pages closed, plan/approve through forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bpa_builders import at, next_monday
from factories import UserFactory, World
from helhet.bpa import services
from helhet.bpa.models import Ordning, Timeliste, Vakt
from helhet.core.models import AuditEvent, User, UserKind

pytestmark = pytest.mark.django_db


def _url(name: str, ordning: Ordning, **params: str) -> str:
    query = "&".join([f"ordning={ordning.pk}", *(f"{k}={v}" for k, v in params.items())])
    return f"{reverse(name)}?{query}"


def test_the_arbeidsleder_sees_the_own_arrangement_and_the_read_is_audited(
    client: Client, login: Callable[[Client, User], object], bpa: dict[str, Any], world: World
) -> None:
    login(client, bpa["leader"])
    page = client.get(reverse("bpa:portal")).content.decode()
    assert "BPA for Per" in page and "timer brukt" in page and "Nina Ny kan ikke settes opp på vakt ennå" in page
    assert AuditEvent.objects.filter(tjenestemottaker=world.P, username="arbeidsleder").exists()
    assert client.get("/").status_code == 302 and client.get("/")["Location"] == reverse("bpa:portal")


def test_portal_users_reach_no_staff_page_and_staff_have_no_portal(
    client: Client, login: Callable[[Client, User], object], bpa: dict[str, Any], world: World
) -> None:
    login(client, bpa["leader"])
    for url in (reverse("care:min_dag"), reverse("core:person_detail", kwargs={"person_id": world.P.pk})):
        assert client.get(url).status_code == 403
    client.logout()
    login(client, world.nurse_a)
    assert client.get(reverse("bpa:portal")).status_code == 403


def test_another_arbeidsleder_cannot_reach_this_arrangement(
    client: Client, login: Callable[[Client, User], object], bpa: dict[str, Any]
) -> None:
    other = UserFactory(username="annen_al", kind=UserKind.ARBEIDSLEDER)
    login(client, other)
    assert client.get(_url("bpa:portal", bpa["ordning"])).status_code == 403  # has no arrangement at all
    day = next_monday()
    vakt = services.planlegg_vakt(
        utfort_av=bpa["leader"], ordning=bpa["ordning"], assistent=bpa["anna"], start=at(day, 8), slutt=at(day, 12)
    ).vakt
    response = client.post(
        reverse("bpa:portal_vakter"), {"ordning": bpa["ordning"].pk, "handling": "avlys", "vakt": vakt.pk}
    )
    assert response.status_code == 403
    assert Vakt.objects.get(pk=vakt.pk).status == Vakt.Status.PLANLAGT


def test_planning_a_week_with_a_rest_time_refusal_then_the_fix(
    client: Client, login: Callable[[Client, User], object], bpa: dict[str, Any]
) -> None:
    login(client, bpa["leader"])
    day = next_monday()
    week = f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"
    url = reverse("bpa:portal_vakter")
    base = {
        "ordning": bpa["ordning"].pk,
        "uke": week,
        "handling": "ny",
        "assistent": bpa["anna"].pk,
        "type": "ordinaer",
    }
    first = client.post(url, {**base, "dato": day.isoformat(), "fra": "14:00", "til": "22:00"}, follow=True)
    assert "Vakten er lagt inn." in first.content.decode()
    nxt = (day + dt.timedelta(days=1)).isoformat()
    refused = client.post(url, {**base, "dato": nxt, "fra": "06:00", "til": "12:00"}, follow=True).content.decode()
    assert "Ikke lagret:" in refused and "10-8" in refused
    assert Vakt.objects.count() == 1
    fixed = client.post(url, {**base, "dato": nxt, "fra": "09:00", "til": "15:00"}, follow=True).content.decode()
    assert "Vakten er lagt inn." in fixed and Vakt.objects.count() == 2
    calendar = client.get(url + f"?ordning={bpa['ordning'].pk}&uke={week}").content.decode()
    assert "Anna Assistent" in calendar and "14:00–22:00" in calendar


def test_approving_last_weeks_timesheet_moves_the_gauge(
    client: Client, login: Callable[[Client, User], object], bpa: dict[str, Any]
) -> None:
    o = bpa["ordning"]
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 7)
    row = services.registrer_timer(
        utfort_av=bpa["leader"], ordning=o, assistent=bpa["anna"], start=at(monday, 8), slutt=at(monday, 15, 30)
    )
    login(client, bpa["leader"])
    page = client.get(reverse("bpa:portal_timelister") + f"?ordning={o.pk}").content.decode()
    assert "1 timeliste venter på godkjenning" in page and "0,00 av 2" in page
    done = client.post(
        reverse("bpa:portal_timelister"),
        {"ordning": o.pk, "handling": "godkjenn_alle", "timeliste": [row.pk]},
        follow=True,
    ).content.decode()
    assert "1 timeliste godkjent." in done
    assert Timeliste.objects.get(pk=row.pk).status == Timeliste.Status.GODKJENT
    assert "7,50 av 2" in done
