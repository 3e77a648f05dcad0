"""Tiltaksplan screens through the Django test client, and the pattern in plain Norwegian.

A nurse creates the plan from the person's own words, adds a tiltak with the weekday widget (which
plans the next 14 days of visits), sees the flags and an old version; bad input gets the service's
message on the form; a helper reads but does not change; an outsider gets 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from care_builders import vedtak_for
from factories import World
from helhet.care import services
from helhet.care.models import Besok, IndividuellPlan, Involvering, Tiltak, Tiltaksplan
from helhet.care.rules.pattern_text import compile_rrule, decompose_rrule, describe_pattern, describe_rrule
from helhet.cases.models import Kartlegging, Soknad, Vedtak
from helhet.core import access
from helhet.core.access import Action
from helhet.core.models import AuditAction, AuditEvent, User

Login = Callable[[Client, User], object]
TODAY = timezone.localdate
OK = services.Medvirkning(hvorfor="Samtale med Per", involvering=Involvering.PERSONEN)


# --- the pattern in plain Norwegian (pure) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("rrule", "text"),
    [
        ("FREQ=WEEKLY;BYDAY=MO,TH", "mandag og torsdag"),
        ("FREQ=WEEKLY;BYDAY=TH,MO", "mandag og torsdag"),
        ("RRULE:freq=weekly;byday=mo,we,fr", "mandag, onsdag og fredag"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "mandag–fredag"),
        ("FREQ=WEEKLY;BYDAY=SA,SU", "lørdag og søndag"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU", "hver dag"),
        ("FREQ=DAILY", "hver dag"),
        ("FREQ=DAILY;INTERVAL=2", "annenhver dag"),
        ("FREQ=DAILY;INTERVAL=3", "hver 3. dag"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "onsdag annenhver uke"),
        ("FREQ=WEEKLY", "én gang i uken"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "siste fredag i måneden"),
        ("FREQ=MONTHLY;BYDAY=1MO", "første mandag i måneden"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", "den 1. og den 15. i måneden"),
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1", "siste dag hver 3. måned"),
        ("FREQ=WEEKLY;BYDAY=MO;COUNT=4", "mandag, 4 ganger"),
        ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20260630", "tirsdag, til og med 30.06.2026"),
        ("FREQ=WEEKLY;BYDAY=SA;BYMONTH=6,7", "lørdag (bare i juni og juli)"),
        ("FREQ=HOURLY", "FREQ=HOURLY"),  # not in the subset: shown as written
    ],
)
def test_describe_rrule(rrule: str, text: str) -> None:
    assert describe_rrule(rrule) == text


def test_describe_pattern_has_window_and_duration() -> None:
    text = describe_pattern("FREQ=WEEKLY;BYDAY=MO,TH", dt.time(8), dt.time(9), 30)
    assert text == "mandag og torsdag kl. 08:00–09:00, 30 min"


@pytest.mark.parametrize(
    ("hyppighet", "days", "rrule"),
    [
        ("hver_uke", ["TH", "MO"], "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("annenhver_uke", ["FR"], "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        ("hver_dag", ["MO"], "FREQ=DAILY"),
    ],
)
def test_the_widget_compiles_to_an_rrule_and_back(hyppighet: str, days: list[str], rrule: str) -> None:
    assert compile_rrule(hyppighet, days) == rrule
    back = decompose_rrule(rrule)
    assert back is not None and compile_rrule(*back) == rrule


def test_a_weekly_pattern_needs_a_day_and_odd_rules_stay_advanced() -> None:
    with pytest.raises(ValueError):
        compile_rrule("hver_uke", [])
    assert decompose_rrule("FREQ=MONTHLY;BYDAY=1MO") is None
    assert decompose_rrule("FREQ=WEEKLY;BYDAY=MO;COUNT=3") is None
    assert decompose_rrule("tull") is None


# --- screens -------------------------------------------------------------------------------------------


def plan_for(world: World) -> Tiltaksplan:
    nurse = world.nurse_a
    return services.opprett_plan(
        utfort_av=nurse,
        decision=access.check(nurse, Action.EDIT, world.P),
        person=world.P,
        leverandor=world.leverandor,
        team=world.team_a,
        viktig_for_meg="Å klare meg selv",
        medvirkning=OK,
    )


def why(**kw: str) -> dict[str, str]:
    return {"hvorfor": "Avtalt med Per hjemme hos ham", "involvering": "personen", "involvering_merknad": "", **kw}


def tiltak_form(vedtak: Vedtak | None, **kw: Any) -> dict[str, Any]:
    data = {
        "tittel": "Morgenstell",
        "mal": "",
        "vedtak": vedtak.pk if vedtak else "",
        "beskrivelse": "Hjelp til dusj",
        "oppgaver": "Dusj\n\nPåkledning\n",
        "prosedyre": "",
        "hyppighet": "hver_uke",
        "ukedager": ["MO", "TH"],
        "rrule": "",
        "vindu_fra": "08:00",
        "vindu_til": "09:00",
        "varighet_min": "30",
        "kompetanse": "helsefaglig",
        "neste_vakt": "Nøkkel i nøkkelboks",
        "fast_ansatt": "",
        "gyldig_fra": TODAY().isoformat(),
        "gyldig_til": (TODAY() + dt.timedelta(days=90)).isoformat(),
        **why(),
    }
    data.update(kw)
    return data


@pytest.mark.django_db
def test_a_new_plan_starts_from_the_persons_own_words(world: World, client: Client, login: Login) -> None:
    soknad = Soknad.objects.create(
        tjenestemottaker=world.P, bydel=world.bydel_1, saksbehandler=world.saksbehandler_1, gjelder="Hjelp"
    )
    Kartlegging.objects.create(soknad=soknad, viktig_for_meg="Å gå tur med hunden hver dag.")
    login(client, world.nurse_a)
    url = reverse("care:plan_ny", kwargs={"person_id": world.P.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "Å gå tur med hunden hver dag." in page.content.decode()
    response = client.post(
        url,
        {
            "leverandor": world.leverandor.pk,
            "team": world.team_a.pk,
            "viktig_for_meg": "Å gå tur med hunden hver dag.",
            "mal": "Jeg vil gå tur selv\nJeg vil dusje selv",
            **why(),
        },
    )
    plan = Tiltaksplan.objects.get(tjenestemottaker=world.P)
    assert response.status_code == 302 and response["Location"] == reverse("care:plan", kwargs={"plan_id": plan.pk})
    assert [m.tekst for m in plan.mal.all()] == ["Jeg vil gå tur selv", "Jeg vil dusje selv"]
    assert plan.versjon == 3
    assert plan.endringer.get(versjon=1).hvorfor == "Avtalt med Per hjemme hos ham"


@pytest.mark.django_db
def test_a_change_without_why_is_refused_on_the_form(world: World, client: Client, login: Login) -> None:
    plan = plan_for(world)
    login(client, world.nurse_a)
    response = client.post(reverse("care:mal_ny", kwargs={"plan_id": plan.pk}), {"tekst": "Gå tur", **why(hvorfor="")})
    assert response.status_code == 400
    assert "Skriv hvorfor planen endres." in response.content.decode()
    plan.refresh_from_db()
    assert plan.versjon == 1 and not plan.mal.exists()


@pytest.mark.django_db
def test_a_tiltak_from_the_weekday_widget_plans_two_weeks_of_visits(world: World, client: Client, login: Login) -> None:
    plan = plan_for(world)
    vedtak = vedtak_for(world)
    login(client, world.nurse_a)
    form = client.get(reverse("care:tiltak_ny", kwargs={"plan_id": plan.pk})).content.decode()
    assert f'<option value="{vedtak.pk}">' in form
    response = client.post(reverse("care:tiltak_ny", kwargs={"plan_id": plan.pk}), tiltak_form(vedtak))
    assert response.status_code == 302
    tiltak = Tiltak.objects.get(plan=plan)
    assert tiltak.rrule == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert tiltak.oppgaver == ["Dusj", "Påkledning"]
    visits = Besok.objects.filter(tiltak=tiltak)
    expected = [TODAY() + dt.timedelta(days=i) for i in range(14)]
    assert sorted(v.dato for v in visits) == [d for d in expected if d.weekday() in (0, 3)]
    page = client.get(reverse("care:plan", kwargs={"plan_id": plan.pk})).content.decode()
    assert "Mandag og torsdag kl. 08:00–09:00, 30 min" in page
    assert "Nøkkel i nøkkelboks" in page
    # No goal: the tiltak is flagged, prominently.
    assert "tiltak trenger oppfølging" in page
    assert "Tiltaket er ikke knyttet til noe mål." in page


@pytest.mark.django_db
def test_only_the_persons_granted_vedtak_are_offered(world: World, client: Client, login: Login) -> None:
    plan = plan_for(world)
    draft = vedtak_for(world, status=Vedtak.Status.UTKAST, fattet=None)
    login(client, world.nurse_a)
    response = client.post(reverse("care:tiltak_ny", kwargs={"plan_id": plan.pk}), tiltak_form(draft))
    assert response.status_code == 400
    assert not Tiltak.objects.exists()


@pytest.mark.django_db
def test_a_tiltak_outside_the_vedtak_period_gets_the_services_message(
    world: World, client: Client, login: Login
) -> None:
    plan = plan_for(world)
    vedtak = vedtak_for(world)
    login(client, world.nurse_a)
    late = (vedtak.tom + dt.timedelta(days=5)).isoformat()  # type: ignore[operator]
    response = client.post(reverse("care:tiltak_ny", kwargs={"plan_id": plan.pk}), tiltak_form(vedtak, gyldig_til=late))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tiltaket må ligge innenfor vedtakets periode" in body
    assert 'id="id_gyldig_til_error"' in body  # the end date is marked, not the start
    assert not Tiltak.objects.exists() and not Besok.objects.exists()


@pytest.mark.django_db
def test_weekly_without_a_day_and_a_bad_raw_rule_get_messages(world: World, client: Client, login: Login) -> None:
    plan = plan_for(world)
    login(client, world.nurse_a)
    url = reverse("care:tiltak_ny", kwargs={"plan_id": plan.pk})
    body = client.post(url, tiltak_form(None, ukedager=[])).content.decode()
    assert "Velg minst én ukedag" in body
    body = client.post(url, tiltak_form(None, rrule="FREQ=YEARLY")).content.decode()
    assert "FREQ må være DAILY" in body
    assert not Tiltak.objects.exists()


@pytest.mark.django_db
def test_an_old_version_can_be_viewed(world: World, client: Client, login: Login) -> None:
    plan = plan_for(world)
    nurse = world.nurse_a
    services.endre_plan(
        utfort_av=nurse,
        decision=access.check(nurse, Action.EDIT, world.P),
        plan=plan,
        viktig_for_meg="Å være hjemme til jul",
        team=world.team_a,
        medvirkning=services.Medvirkning("Per sa det selv", Involvering.PERSONEN),
    )
    login(client, world.helper_a)
    url = reverse("care:plan", kwargs={"plan_id": plan.pk})
    current = client.get(url).content.decode()
    assert "Å være hjemme til jul" in current and "Per sa det selv" in current
    old = client.get(url, {"versjon": "1"}).content.decode()
    assert "Planen slik den var i versjon 1" in old
    assert "Å klare meg selv" in old
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, username="helper_a", record_type="care.Tiltaksplan"
    ).exists()


@pytest.mark.django_db
def test_a_helper_reads_the_plan_but_does_not_change_it(world: World, client: Client, login: Login) -> None:
    plan = plan_for(world)
    login(client, world.helper_a)
    page = client.get(reverse("care:plan", kwargs={"plan_id": plan.pk}))
    assert page.status_code == 200
    assert reverse("care:tiltak_ny", kwargs={"plan_id": plan.pk}) not in page.content.decode()
    assert client.get(reverse("care:tiltak_ny", kwargs={"plan_id": plan.pk})).status_code == 403
    response = client.post(reverse("care:mal_ny", kwargs={"plan_id": plan.pk}), {"tekst": "Gå tur", **why()})
    assert response.status_code == 403
    assert not plan.mal.exists()


@pytest.mark.django_db
def test_an_outsider_gets_403_on_the_plan(world: World, client: Client, login: Login) -> None:
    plan = plan_for(world)
    login(client, world.nurse_b)
    for url in (
        reverse("care:plan", kwargs={"plan_id": plan.pk}),
        reverse("care:plan_ny", kwargs={"person_id": world.P.pk}),
        reverse("care:ip", kwargs={"person_id": world.P.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert world.P.etternavn not in response.content.decode()


@pytest.mark.django_db
def test_the_person_page_shows_plans_and_the_individual_plan(world: World, client: Client, login: Login) -> None:
    plan = plan_for(world)
    login(client, world.nurse_a)
    response = client.post(
        reverse("care:ip", kwargs={"person_id": world.P.pk}),
        {"koordinator": world.nurse_a.pk, "samtykke": "", "status": "aktiv", "deltakere": "", "neste_evaluering": ""},
    )
    assert response.status_code == 400
    assert "bare være aktiv når personen har samtykket" in response.content.decode()
    response = client.post(
        reverse("care:ip", kwargs={"person_id": world.P.pk}),
        {"koordinator": world.nurse_a.pk, "samtykke": "on", "status": "aktiv", "deltakere": "Fastlege"},
    )
    assert response.status_code == 302
    assert IndividuellPlan.objects.get(tjenestemottaker=world.P).koordinator == world.nurse_a
    page = client.get(reverse("core:person_detail", kwargs={"person_id": world.P.pk})).content.decode()
    assert reverse("care:plan", kwargs={"plan_id": plan.pk}) in page
    assert "koordinator Nina Nilsen" in page
    assert reverse("care:journal", kwargs={"person_id": world.P.pk}) in page


@pytest.mark.django_db
def test_the_plan_names_the_primaerkontakt_and_the_change_is_a_version(
    world: World, client: Client, login: Login
) -> None:
    plan = plan_for(world)
    assert world.P.primaerkontakt == world.nurse_a
    login(client, world.nurse_a)
    url = reverse("care:plan_endre", kwargs={"plan_id": plan.pk})
    assert "Primærkontakt" in client.get(url).content.decode()
    data = {"viktig_for_meg": plan.viktig_for_meg, "team": world.team_a.pk, **why()}
    # An assistant cannot be primærkontakt: not offered, and refused if sent anyway.
    response = client.post(url, {**data, "primaerkontakt": world.assistant_a.pk})
    assert response.status_code == 400
    world.P.refresh_from_db()
    assert world.P.primaerkontakt == world.nurse_a
    response = client.post(url, {**data, "primaerkontakt": world.helper_a.pk})
    assert response.status_code == 302
    world.P.refresh_from_db()
    plan.refresh_from_db()
    assert world.P.primaerkontakt == world.helper_a
    latest = plan.endringer.order_by("-versjon").first()
    assert latest is not None and latest.versjon == plan.versjon == 2
    assert latest.innhold["primaerkontakt"] == str(world.helper_a)
    assert latest.endret_av == world.nurse_a
