"""Dokumentstyring in a real browser: the leder writes a procedure, tries to approve it without an owner
(clear message, nothing lost), sets the owner and approves; on a phone the helsefagarbeider finds it
under «Rutiner jeg må lese», reads and acknowledges it; the leder sees who has and has not read it.
axe scans every page.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from browser_support import PHONE, delivery_world, log_in
from helhet.quality.models import Lesebekreftelse, Rutine

if TYPE_CHECKING:
    from conftest import Web

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _main_text(tab: Web) -> str:
    return re.sub(r"\s+", " ", tab.page.locator("main").inner_text())


def test_a_procedure_is_approved_read_and_acknowledged(transactional_db: None, tabs: Any) -> None:
    cast = delivery_world()

    leader = tabs()
    log_in(leader, cast["leader"])
    leader.goto("/kvalitet/rutiner/ny/")
    page = leader.page
    leader.check("rutine-01-ny")
    page.get_by_label("Tittel", exact=True).fill("Når bruker ikke åpner døren")
    page.get_by_label("Dokumentnummer").fill("RUT-006")
    page.get_by_label("Helsefagarbeider").check()
    page.get_by_label("Sykepleier", exact=True).check()
    page.get_by_label("Tekst (versjon 1, lagres som utkast)").fill("Ring bruker.\n\nRing leder og pårørende.")
    leader.click_and_load(page.get_by_role("button", name="Lagre"))
    expect(page.get_by_text(re.compile("versjon 1 som utkast"))).to_be_visible()
    leader.click_and_load(page.get_by_role("button", name="Godkjenn versjon 1"))
    expect(
        page.get_by_role("link", name="Rutinen har ingen eier. Velg en eier før versjonen godkjennes.")
    ).to_be_visible()
    leader.check("rutine-02-mangler-eier")
    rutine = Rutine.objects.get()
    assert rutine.gjeldende is None and rutine.versjoner.get().tekst.startswith("Ring bruker.")
    leader.click_and_load(page.get_by_role("link", name="Endre eier, tittel og leseplikt"))
    page.get_by_label("Eier", exact=True).select_option(label=str(cast["leader"].user))
    leader.click_and_load(page.get_by_role("button", name="Lagre"))
    leader.click_and_load(page.get_by_role("button", name="Godkjenn versjon 1"))
    expect(page.get_by_text(re.compile("Versjon 1 er godkjent og gjeldende"))).to_be_visible()
    assert "0 %" in _main_text(leader)

    helper = tabs(PHONE, mobile=True)
    log_in(helper, cast["helper"])
    helper.goto("/kvalitet/rutiner/mine/")
    hp = helper.page
    helper.check("rutine-03-mine")
    helper.click_and_load(hp.get_by_role("link", name=re.compile("RUT-006")))
    expect(hp.get_by_text("Ring leder og pårørende.")).to_be_visible()
    helper.check("rutine-04-les")
    helper.click_and_load(hp.get_by_role("button", name="Jeg har lest og forstått rutinen"))
    expect(hp.get_by_text("Takk! Du har bekreftet at du har lest rutinen.")).to_be_visible()
    assert Lesebekreftelse.objects.filter(user=cast["helper"].user).count() == 1
    helper.goto("/kvalitet/rutiner/mine/")
    assert "Du har lest og bekreftet alle rutinene" in _main_text(helper)

    leader.page.reload()
    text = _main_text(leader)
    assert "50 %" in text and "Nora Nordli" in text  # the nurse has not read it yet
    leader.check("rutine-05-hvem-har-lest")
    leader.goto("/kvalitet/rutiner/?q=døren")
    assert "Når bruker ikke åpner døren" in _main_text(leader)
    leader.check("rutine-06-sok")
    assert not helper.errors and not leader.errors
