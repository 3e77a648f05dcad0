"""A user survey in a real browser: a person answers through a one-time link on a phone-sized screen,
without logging in; the leader then reads the results, where a group under 5 is hidden and the counts
show. Both pages are scanned with axe-core (no serious or critical violations).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_support import PHONE, log_in, make_staff
from helhet.core.models import Enhet, Kommune, Leverandor, Role
from helhet.core.rules import orgnr
from helhet.quality import services_undersokelser as services
from helhet.quality.models import Besvarelse, Svar, SvarLenke

if TYPE_CHECKING:
    pass

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_answers_on_a_phone_and_the_leader_sees_counts_with_a_small_group_hidden(
    transactional_db: None, tabs: Any
) -> None:
    kommune = Kommune.objects.create(navn="Leveby kommune", kommunenummer="4699")
    provider = Leverandor.objects.create(
        navn="Trygg Hjemme AS",
        organisasjonsnummer=orgnr.with_check_digit("99100003") or "",
        type="privat",
        kommune=kommune,
    )
    nord = Enhet.objects.create(leverandor=provider, navn="Trygg Hjemme Nord")
    Enhet.objects.create(leverandor=provider, navn="Trygg Hjemme Sør")
    leader = make_staff("leder", "Lise", "Lunde", Role.LEDER, enhet=nord)
    survey = services.create_survey(
        leader.user,
        tittel="Brukerundersøkelse 2026",
        malgruppe="bruker",
        leverandor_id=provider.pk,
        innledning="Vi vil gjerne vite hva du synes om hjelpen du får.",
    )
    fornoyd = services.add_question(
        leader.user, survey, "skala_1_6", "Alt i alt, hvor fornøyd er du med hjelpen?", "fornoyd"
    )
    tid = services.add_question(leader.user, survey, "ja_nei", "Kommer de til avtalt tid?", "tid")
    services.add_question(leader.user, survey, "nps", "Hvor sannsynlig er det at du vil anbefale oss til andre?", "nps")
    services.add_question(leader.user, survey, "fritekst", "Er det noe vi kan gjøre bedre?", "mer")
    today = timezone.localdate()
    runde = services.create_round(
        leader.user, survey, "Høst 2026", today - dt.timedelta(days=3), today + dt.timedelta(days=10)
    )
    # Five earlier answers at Nord; two at Sør (under 5: must stay hidden).
    for group, n, score in (("Trygg Hjemme Nord", 5, 5), ("Trygg Hjemme Sør", 2, 1)):
        for token in services.create_links(leader.user, runde, n, group):
            services.answer_with_token(token, {f"sporsmal_{fornoyd.pk}": str(score), f"sporsmal_{tid.pk}": "ja"})
    (token,) = services.create_links(leader.user, runde, 1, "Trygg Hjemme Nord")

    # --- the person, on a phone, through the link -----------------------------------------------------
    person = tabs(PHONE, mobile=True)
    response = person.goto(f"/kvalitet/undersokelse/svar/{token}/")
    assert response.status == 200
    page = person.page
    expect(page.get_by_role("heading", name="Brukerundersøkelse 2026")).to_be_visible()
    expect(page.get_by_text("Svaret ditt er anonymt")).to_be_visible()
    expect(page.get_by_role("button", name="Logg ut")).to_have_count(0)  # not logged in
    person.check("undersokelse-01-svar-mobil")
    page.get_by_role("group", name=re.compile("hvor fornøyd er du")).get_by_label("6 – Helt enig").check()
    page.get_by_role("group", name=re.compile("avtalt tid")).get_by_label("Ja").check()
    page.get_by_role("group", name=re.compile("anbefale")).get_by_label("10 – Svært sannsynlig").check()
    page.get_by_label(re.compile("gjøre bedre")).fill("Takk for god hjelp")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    person.click_and_load(page.get_by_role("button", name="Send svaret"))
    expect(page.get_by_role("heading", name="Takk for svaret!")).to_be_visible()
    person.check("undersokelse-02-takk-mobil")
    assert SvarLenke.objects.get(token_hash=services.hash_token(token)).brukt
    assert Besvarelse.objects.count() == 8 and Svar.objects.filter(verdi="Takk for god hjelp").count() == 1
    # The same link again: refused, nothing saved.
    response = person.goto(f"/kvalitet/undersokelse/svar/{token}/")
    assert response.status == 410
    expect(page.get_by_text("allerede brukt")).to_be_visible()

    # --- the leader reads the results ---------------------------------------------------------------------
    boss = tabs()
    log_in(boss, leader)
    boss.goto(f"/kvalitet/undersokelser/runde/{runde.pk}/resultater/")
    main = boss.page.locator("main")
    expect(main.locator("#antall-svar")).to_have_text("8")
    text = re.sub(r"\s+", " ", main.inner_text())
    assert "Alle: Gjennomsnitt 4,1 av 6" in text and "(n = 8)" in text  # (5×5 + 2×1 + 6) / 8
    # Sør has 2 answers: hidden. Nord would then give Sør away (total − Nord), so it is hidden too.
    assert "Trygg Hjemme Sør Skjult: Færre enn 5 svar" in text
    assert "Trygg Hjemme Nord Skjult fordi en mindre gruppe ellers kunne regnes ut" in text
    assert "Gjennomsnitt 1,0" not in text and "Gjennomsnitt 5,2" not in text
    boss.check("undersokelse-03-resultater")


def test_the_ros_matrix_page_passes_axe(transactional_db: None, tabs: Any) -> None:
    """The ROS matrix: levels in text in every cell, hazards by number; no serious/critical axe findings."""
    from helhet.quality import services_ros

    kommune = Kommune.objects.create(navn="Leveby kommune", kommunenummer="4699")
    provider = Leverandor.objects.create(
        navn="Trygg Hjemme AS",
        organisasjonsnummer=orgnr.with_check_digit("99100003") or "",
        type="privat",
        kommune=kommune,
    )
    nord = Enhet.objects.create(leverandor=provider, navn="Trygg Hjemme Nord")
    leader = make_staff("leder", "Lise", "Lunde", Role.LEDER, enhet=nord)
    analyse = services_ros.create_analysis(
        leader.user, services_ros.AnalyseInput(tittel="Legemidler", enhet_id=nord.pk, dato=timezone.localdate())
    )
    fare = services_ros.add_hazard(leader.user, analyse, "Feil dose", "", 4, 4)
    services_ros.add_hazard(leader.user, analyse, "Glemt dose", "", 3, 2)
    services_ros.add_measure(leader.user, fare, "Dobbeltkontroll", leader.user, timezone.localdate())
    services_ros.rescore(leader.user, fare, 2, 4)
    boss = tabs()
    log_in(boss, leader)
    boss.goto(f"/kvalitet/ros/{analyse.pk}/")
    boss.check("ros-01-analyse")
    boss.goto(f"/kvalitet/ros/{analyse.pk}/matrise/")
    before = boss.page.locator("#matrise-for")
    expect(before.get_by_role("cell", name=re.compile(r"^Kritisk.*Farer: 1"))).to_have_count(1)
    boss.check("ros-02-matrise")
