"""The planning board in a real browser, as issue 5 asks: the nurse drags a visit to someone without the
competence and is refused with the reason; drags another visit to a colleague and time; runs the
optimiser as a background job on the real queue and worker, watching its progress bar; sees the figures
before and after and the visit nobody could take, with the reason; publishes; the staff member then
finds the visit at its planned time in «Min dag» on a phone.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from browser_support import PHONE, Staff, log_in, make_staff
from helhet.care import services
from helhet.care.models import Besok, Dagsplan, Involvering, Planlegging, Tiltak, Tiltaksplan, Vakt
from helhet.core import access
from helhet.core.access import Action
from helhet.core.models import Bydel, Enhet, Kommune, Leverandor, Role, Team, Tjenestemottaker, TjenestemottakerTeam
from helhet.core.rules import identity, orgnr

if TYPE_CHECKING:
    from conftest import Web

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOARD = {"width": 1600, "height": 1300}


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(hour, minute)))


def _person(
    n: int, first: str, last: str, bydel: Bydel, team: Team, lat: str, lon: str, kontakt: Any
) -> Tjenestemottaker:
    person = Tjenestemottaker(
        fornavn=first,
        etternavn=last,
        adresse=f"Planveien {n}",
        postnummer="0560",
        poststed="Leveby",
        bydel=bydel,
        kjonn="K",
        primaerkontakt=kontakt,
        breddegrad=Decimal(lat),
        lengdegrad=Decimal(lon),
    )
    person.set_fodselsnummer(identity.synthetic_number(dt.date(1940 + n, 3, 4), random.Random(n)))
    person.save()
    TjenestemottakerTeam.objects.create(tjenestemottaker=person, team=team)
    return person


def _visit(nurse: Staff, person: Tjenestemottaker, provider: Leverandor, team: Team, **tiltak: Any) -> Besok:
    decision = access.check(nurse.user, Action.EDIT, person)
    assert decision.allowed, decision.reason
    medvirkning = services.Medvirkning("Avtalt med personen", Involvering.PERSONEN)
    plan = Tiltaksplan.objects.filter(tjenestemottaker=person).first() or services.opprett_plan(
        utfort_av=nurse.user,
        decision=decision,
        person=person,
        leverandor=provider,
        team=team,
        viktig_for_meg="Å bo hjemme",
        medvirkning=medvirkning,
    )
    saved = services.lagre_tiltak(
        utfort_av=nurse.user,
        decision=decision,
        plan=plan,
        medvirkning=medvirkning,
        data={"rrule": "FREQ=DAILY", "oppgaver": [], "gyldig_fra": timezone.localdate(), **tiltak},
    )
    services.generer_besok(timezone.localdate(), timezone.localdate(), Tiltak.objects.filter(pk=saved.pk))
    return Besok.objects.get(tiltak=saved)


@pytest.fixture
def team_day(transactional_db: None) -> dict[str, Any]:
    kommune = Kommune.objects.create(navn="Planby kommune", kommunenummer="4698")
    bydel = Bydel.objects.create(kommune=kommune, navn="Bydel Planlia")
    provider = Leverandor.objects.create(
        navn="Hjemmetjenesten Planby",
        organisasjonsnummer=orgnr.with_check_digit("99100011") or "",
        type="kommunal",
        kommune=kommune,
    )
    enhet = Enhet.objects.create(leverandor=provider, navn="Hjemmetjenesten Vest")
    team = Team.objects.create(enhet=enhet, navn="Team Vest")
    team.bydeler.add(bydel)
    nurse = make_staff("sykepleier", "Nora", "Nordli", Role.SYKEPLEIER, hpr="1234567", team=team)
    helper = make_staff("helsefagarbeider", "Hanne", "Hjelpe", Role.HELSEFAGARBEIDER, team=team)
    assistant = make_staff("assistent", "Anders", "Assist", Role.ASSISTENT, team=team)
    for staff in (nurse, helper, assistant):
        Vakt.objects.create(ansatt=staff.user, team=team, dato=timezone.localdate(), start=_at(7), slutt=_at(15))
    ruth = _person(1, "Ruth", "Rønning", bydel, team, "59.9310", "10.7650", nurse.user)
    sigurd = _person(2, "Sigurd", "Sæther", bydel, team, "59.9250", "10.7800", helper.user)
    common = {"vindu_til": dt.time(9), "varighet_min": 15}
    medicine = _visit(
        nurse, ruth, provider, team, tittel="Medisiner", vindu_fra=dt.time(8), kompetanse="legemiddel",
        fast_ansatt=nurse.user, **common,
    )  # fmt: skip
    shopping = _visit(
        nurse, sigurd, provider, team, tittel="Handling", vindu_fra=dt.time(9), vindu_til=dt.time(10),
        varighet_min=30, kompetanse="ingen", fast_ansatt=assistant.user,
    )  # fmt: skip
    wound = _visit(
        nurse,
        sigurd,
        provider,
        team,
        tittel="Sårstell",
        vindu_fra=dt.time(16),
        vindu_til=dt.time(17),
        varighet_min=30,
        kompetanse="sykepleier",
        fast_ansatt=assistant.user,
    )  # (nobody on Sigurd's side is a nurse: the wound care starts without anyone)
    return {
        "nurse": nurse,
        "helper": helper,
        "assistant": assistant,
        "medicine": medicine,
        "shopping": shopping,
        "wound": wound,
        "team": team,
    }


def _drop_at(tab: Web, besok: Besok, staff: Staff, minutes: int) -> None:
    """Drag a visit's block to ``staff``'s timeline so that the block starts at ``minutes``."""
    board = tab.page.locator(".plan-board")
    start, end = int(board.get_attribute("data-axis-start") or 0), int(board.get_attribute("data-axis-end") or 0)
    source = tab.page.locator(f'.block[data-besok="{besok.pk}"]')
    track = tab.page.locator(f'.lane-track[data-ansatt="{staff.user.pk}"]')
    box, block = track.bounding_box(), source.bounding_box()
    assert box is not None and block is not None
    x = box["width"] * (minutes - start) / (end - start) + block["width"] / 2  # the script subtracts the grab point
    source.drag_to(track, target_position={"x": x, "y": box["height"] / 2})


def test_plan_drag_refuse_optimise_publish_and_min_dag(
    tabs: Any, team_day: dict[str, Any], settings: Any, live_server: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # the real queue
    nurse, helper, assistant = team_day["nurse"], team_day["helper"], team_day["assistant"]
    medicine, shopping, wound = team_day["medicine"], team_day["shopping"], team_day["wound"]

    tab = tabs(BOARD)  # a planner's screen: every timeline in view while dragging
    log_in(tab, nurse)
    tab.goto("/tjenester/planlegging/")
    expect(tab.page.get_by_role("heading", name=re.compile("Planlegging Team Vest"))).to_be_visible()
    expect(tab.page.locator(f'.block[data-besok="{medicine.pk}"]')).to_be_visible()
    tab.check("planlegging-tavle")

    # An illegal move: the medicine round to the assistant, who has no medication competence.
    _drop_at(tab, medicine, assistant, 8 * 60)
    live = tab.page.locator("#plan-live")
    expect(live).to_contain_text("Flyttingen ble avvist")
    expect(live).to_contain_text("Anders Assist mangler kompetansen")
    assert Dagsplan.objects.get(team=team_day["team"]).versjon == 1  # nothing saved

    # A legal move: the shopping to the helper at 09:30.
    with tab.page.expect_navigation(wait_until="load"):
        _drop_at(tab, shopping, helper, 9 * 60 + 30)
    plan = Dagsplan.objects.get(team=team_day["team"])
    assert plan.versjon == 2 and plan.utkast[str(shopping.pk)] == {"ansatt": helper.user.pk, "start": 9 * 60 + 30}
    expect(tab.page.locator(f"#rad-{shopping.pk}")).to_contain_text("Hanne Hjelpe, 09:30")

    # The optimiser: queued as a background job; the board shows its progress while a worker runs it.
    tab.page.get_by_label("Tidsgrense", exact=True).select_option("5")
    tab.click_and_load(tab.page.get_by_role("button", name="Optimaliser"))
    expect(tab.page.get_by_text("Planleggeren er i gang.")).to_be_visible()
    expect(tab.page.locator("#jobb progress")).to_be_visible()
    tab.check("planlegging-fremdrift")
    job = Planlegging.objects.get()
    assert job.status == Planlegging.Status.VENTER
    Worker(
        queue_names=["default"],
        interval=0.1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    ).run()
    job.refresh_from_db()
    assert job.status == Planlegging.Status.FERDIG, job.feil
    assert job.fremdrift == 1.0
    tab.click_and_load(tab.page.get_by_role("link", name="Vis den nye planen"))
    expect(tab.page.get_by_role("table", name="Før og etter optimaliseringen")).to_be_visible()
    loose = tab.page.locator(".loose-list")
    expect(loose).to_contain_text("Sigurd Sæther")  # the wound care after every shift has ended
    expect(loose).to_contain_text("passer ikke inn i vakten")
    tab.check("planlegging-etter")

    tab.click_and_load(tab.page.get_by_role("button", name="Publiser til «Min dag»"))
    expect(tab.page.get_by_text("Planen er publisert")).to_be_visible()
    assert not tab.errors, tab.errors

    shopping.refresh_from_db()
    wound.refresh_from_db()
    assert shopping.ansatt_id is not None and shopping.planlagt_start is not None
    assert wound.ansatt_id is None
    # the nurse is a new face to Sigurd (continuity), so his shopping stays with the helper or the assistant
    who = next(s for s in (helper, assistant) if s.user.pk == shopping.ansatt_id)
    phone = tabs(PHONE, mobile=True)
    log_in(phone, who)
    phone.goto("/tjenester/min-dag/")
    card = phone.page.locator(f"#besok-{shopping.pk}")
    expect(card).to_contain_text(f"Planlagt {timezone.localtime(shopping.planlagt_start):%H:%M}")
    expect(card).to_contain_text("Sigurd Sæther")
    phone.check("planlegging-min-dag")
