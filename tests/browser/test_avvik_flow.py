"""Avvik in a real browser, as issue 7 asks: on a phone-sized screen a helsefagarbeider reports a
medication deviation from the visit card in «Min dag» (first without a category: the error is shown
and the report is kept as a draft); the enhet's meldingsansvarlig grades it with the guided
questions, adds a measure with an owner, marks it done and closes the avvik with what was learned;
the reporter sees the outcome; the meldingsansvarlig's figures change. axe scans every form.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_support import PHONE, delivery_world, log_in, make_staff
from helhet.core.models import AuditEvent, Role
from helhet.quality.models import Avvik, AvvikTiltak
from helhet.quality.rules import risiko

if TYPE_CHECKING:
    from conftest import Web

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHAT = "Morgendosen fra dosett lå igjen på nattbordet. Ringte sykepleier, dosen ble gitt kl. 10."


@pytest.fixture
def cast(transactional_db: None) -> dict[str, Any]:
    world = delivery_world()
    world["handler"] = make_staff("meldingsansvarlig", "Mari", "Meldal", Role.MELDINGSANSVARLIG, enhet=world["enhet"])
    return world


def _main_text(tab: Web) -> str:
    return re.sub(r"\s+", " ", tab.page.locator("main").inner_text())


def test_medication_deviation_from_min_dag_is_graded_handled_closed_and_the_reporter_sees_the_outcome(
    cast: dict[str, Any], tabs: Any
) -> None:
    besok = cast["besok"]
    person = cast["person"]

    # --- the meldingsansvarlig's figures before ----------------------------------------------------------
    handler = tabs()
    log_in(handler, cast["handler"])
    handler.goto("/kvalitet/avvik/tall/")
    before = _main_text(handler)
    assert "Legemiddelhåndtering" not in before
    assert "Ingen avvik i perioden." in before

    # --- the helsefagarbeider, on her phone, from the visit card -------------------------------------------
    helper = tabs(PHONE, mobile=True)
    log_in(helper, cast["helper"])
    helper.goto("/tjenester/min-dag/")
    card = helper.page.locator(f"#besok-{besok.pk}")
    helper.click_and_load(card.get_by_role("link", name=re.compile("^Meld avvik")))
    page = helper.page
    expect(page.get_by_role("heading", name="Meld avvik")).to_be_visible()
    assert person.etternavn not in page.content()  # the form names the visit by time only
    helper.check("avvik-01-meld-skjema")
    page.get_by_label("Hva skjedde?").fill(WHAT)
    page.get_by_label("Ja, besøket").check()
    # The phone locks before she sends: what she typed is kept as a draft on the server.
    page.evaluate(
        "Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'));"
    )
    expect(page.get_by_role("status")).to_contain_text("Utkastet er lagret kl.")
    kept = Avvik.objects.get()
    assert kept.status == Avvik.Status.UTKAST and kept.hva_skjedde == WHAT and kept.besok == besok
    page.evaluate("Object.defineProperty(document, 'visibilityState', {value: 'visible', configurable: true});")
    # Sent without a category: the error says what is missing, and nothing typed is lost.
    helper.click_and_load(page.get_by_role("button", name="Send avviket"))
    expect(page.get_by_role("link", name="Velg en kategori.")).to_be_visible()
    expect(page.get_by_text("Det du har skrevet, er lagret som utkast.")).to_be_visible()
    expect(page.get_by_label("Hva skjedde?")).to_have_value(WHAT)
    helper.check("avvik-02-mangler-kategori")
    draft = Avvik.objects.get()  # still the one draft: «Send» continued the autosaved one
    assert draft.pk == kept.pk and draft.status == Avvik.Status.UTKAST and draft.hva_skjedde == WHAT
    page.get_by_label("Legemiddelhåndtering").check()
    helper.click_and_load(page.get_by_role("button", name="Send avviket"))
    expect(page.get_by_text(re.compile("Takk! Avviket er sendt til meldingsansvarlig"))).to_be_visible()
    helper.check("avvik-03-mine-avvik")
    avvik = Avvik.objects.get()
    assert avvik.status == Avvik.Status.REGISTRERT
    assert avvik.meldingsansvarlig == cast["handler"].user
    assert avvik.tjenestemottaker == person
    assert "Morgendosen" not in page.url and "dosett" not in page.url
    assert not helper.errors, helper.errors

    # --- the meldingsansvarlig: open, grade, add a measure, mark it done, close -----------------------------
    handler.goto("/kvalitet/avvik/")
    expect(handler.page.get_by_role("link", name=re.compile("Avvik", re.I)).first).to_be_visible()
    handler.check("avvik-04-til-behandling")
    handler.goto(f"/kvalitet/avvik/{avvik.pk}/")
    hp = handler.page
    expect(hp.get_by_text(WHAT)).to_be_visible()
    handler.click_and_load(hp.get_by_role("button", name="Start behandlingen"))
    # The guided questions: the medication reached the person late; no lasting harm.
    yes = {"lh_skade"}
    for q in risiko.SPORSMAL:
        group = hp.get_by_role("group", name=q.tekst, exact=True)
        group.get_by_label("Ja" if q.kode in yes else "Nei", exact=True).check()
    hp.get_by_label(re.compile("Moderat sannsynlig")).check()
    handler.check("avvik-05-gradering")
    handler.click_and_load(hp.get_by_role("button", name="Lagre graderingen"))
    expect(hp.get_by_text("Avviket er gradert.")).to_be_visible()
    avvik.refresh_from_db()
    assert avvik.niva and avvik.sannsynlighet == 3 and avvik.konsekvens

    # A measure without an owner is refused and the typed text stays.
    hp.get_by_label("Nytt tiltak").fill("Dosett flyttes til kjøkkenbenken, sjekkes ved hvert besøk")
    frist = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    hp.get_by_label("Frist").fill(frist)
    handler.click_and_load(hp.get_by_role("button", name="Legg til tiltaket"))
    expect(hp.locator("#t-ansvarlig-feil")).to_contain_text("Velg hvem som er ansvarlig for tiltaket.")
    expect(hp.get_by_label("Nytt tiltak")).to_have_value("Dosett flyttes til kjøkkenbenken, sjekkes ved hvert besøk")
    assert not AvvikTiltak.objects.exists()
    hp.get_by_label("Ansvarlig").select_option(label=str(cast["nurse"].user))
    hp.get_by_label("Frist").fill(frist)
    handler.click_and_load(hp.get_by_role("button", name="Legg til tiltaket"))
    expect(hp.get_by_text("Tiltaket er lagt til.")).to_be_visible()
    handler.click_and_load(hp.get_by_role("button", name=re.compile("^Merk som utført")))
    expect(hp.get_by_text(re.compile("^Utført "))).to_be_visible()
    hp.get_by_label("Hva lærte vi?").fill("Dosetten må stå der vi ser den. Sjekkpunkt lagt inn i tiltaket.")
    handler.check("avvik-06-lukk")
    handler.click_and_load(hp.get_by_role("button", name="Lukk avviket"))
    expect(hp.get_by_text(re.compile("Avviket er lukket"))).to_be_visible()
    avvik.refresh_from_db()
    assert avvik.status == Avvik.Status.LUKKET and avvik.lukket is not None
    assert not handler.errors, handler.errors

    # --- the reporter sees the outcome ------------------------------------------------------------------------
    helper.goto("/kvalitet/avvik/mine/")
    helper.click_and_load(page.get_by_role("link", name="Se utfallet"))
    expect(page.get_by_role("heading", name="Utfall")).to_be_visible()
    expect(page.get_by_text("Dosetten må stå der vi ser den.")).to_be_visible()
    expect(page.get_by_text(re.compile("Dosett flyttes til kjøkkenbenken.*utført"))).to_be_visible()
    helper.check("avvik-07-utfall")

    # --- the figures changed ----------------------------------------------------------------------------------
    handler.goto("/kvalitet/avvik/tall/")
    after = _main_text(handler)
    handler.check("avvik-08-tall-etter")
    assert after != before
    assert re.search(r"Legemiddelhåndtering 1\b", after), after
    assert "1 avvik ble lukket i perioden" in after
    handler.click_and_load(handler.page.get_by_role("link", name=re.compile("^1 avvik i Legemiddelhåndtering")))
    expect(handler.page.locator(f"a[href='/kvalitet/avvik/{avvik.pk}/']").first).to_be_visible()

    # The avvik names the person: every read by the handler was audited against the person.
    assert AuditEvent.objects.filter(tjenestemottaker=person, user=cast["handler"].user, action="read").exists()
