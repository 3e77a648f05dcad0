"""Complaints on the service in a real browser: on a phone a helsefagarbeider registers a relative's
complaint (first without content: the error is shown, nothing typed is lost); the enhet's leder
writes the assessment and the answer; the figure «all complaints answered» reads 100 %.
axe scans every form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_support import PHONE, delivery_world, log_in
from helhet.quality.models import Tjenesteklage

if TYPE_CHECKING:
    from conftest import Web

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHAT = "Datteren sier at kveldsbesøket kom halv sju i stedet for åtte tre kvelder denne uken."


def _main_text(tab: Web) -> str:
    return re.sub(r"\s+", " ", tab.page.locator("main").inner_text())


def test_a_complaint_is_registered_on_a_phone_handled_and_answered(transactional_db: None, tabs: Any) -> None:
    cast = delivery_world()

    helper = tabs(PHONE, mobile=True)
    log_in(helper, cast["helper"])
    helper.goto("/kvalitet/klager/ny/")
    page = helper.page
    expect(page.get_by_role("heading", name="Registrer klage på tjenesten")).to_be_visible()
    helper.check("klage-01-skjema")
    page.get_by_label("Pårørende eller verge").check()
    page.get_by_label("Hvordan kom klagen inn?").select_option("telefon")
    page.get_by_label("Hva handler klagen om?").select_option("tidspunkt")
    helper.click_and_load(page.get_by_role("button", name="Registrer klagen"))
    expect(page.get_by_role("link", name="Skriv hva klagen gjelder.")).to_be_visible()
    expect(page.get_by_label("Pårørende eller verge")).to_be_checked()
    helper.check("klage-02-mangler-innhold")
    assert not Tjenesteklage.objects.exists()
    page.get_by_label("Hva gjelder klagen?").fill(WHAT)
    helper.click_and_load(page.get_by_role("button", name="Registrer klagen"))
    expect(page.get_by_text(re.compile("Klagen er registrert. Svarfrist"))).to_be_visible()
    klage = Tjenesteklage.objects.get()
    assert klage.enhet == cast["enhet"] and klage.beskrivelse == WHAT

    leader = tabs()
    log_in(leader, cast["leader"])
    leader.goto("/kvalitet/klager/")
    listing = _main_text(leader)
    assert f"Klage {klage.pk}" in listing and "halv sju" not in listing  # no content in the list
    leader.check("klage-03-liste")
    leader.click_and_load(leader.page.get_by_role("link", name=f"Klage {klage.pk}"))
    lp = leader.page
    leader.check("klage-04-detalj")
    lp.get_by_label("Vurdering").fill("Kveldsruten startet for tidlig etter ferien.")
    lp.get_by_label("Tiltak").fill("Kveldsruten starter kl. 19.30 igjen.")
    leader.click_and_load(lp.get_by_role("button", name="Lagre vurderingen"))
    expect(lp.get_by_text("Vurderingen er lagret.")).to_be_visible()
    lp.get_by_label("Hvordan ble svaret gitt?").select_option("telefon")
    leader.click_and_load(lp.get_by_role("button", name="Registrer svaret"))
    expect(lp.get_by_role("link", name="Skriv kort hva svaret sa.")).to_be_visible()
    leader.check("klage-05-svar-mangler")
    lp.get_by_label("Hva sa svaret? (kort)").fill("Ringte datteren, beklaget og forklarte den nye ruten.")
    leader.click_and_load(lp.get_by_role("button", name="Registrer svaret"))
    expect(lp.get_by_text("Svaret er registrert. Klagen er besvart.")).to_be_visible()
    klage.refresh_from_db()
    assert klage.status == Tjenesteklage.Status.BESVART and klage.besvart == timezone.localdate()

    leader.goto("/kvalitet/klager/tall/")
    figures = _main_text(leader)
    assert "100 %" in figures and "Alle klager er besvart." in figures
    leader.check("klage-06-tall")
    assert not helper.errors and not leader.errors
