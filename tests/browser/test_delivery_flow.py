"""The provider's delivery, in a real browser, as issue 4 asks: on a phone-sized screen a
helsefagarbeider opens «Min dag», checks in, ticks the tasks, writes a note flagged to the nurse and
checks out; the nurse sees the flag and acknowledges it; the bydel's delivery figures for the
provider change accordingly. Each user works in their own browser context (own login and TOTP).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from browser_support import PHONE, delivery_world, log_in
from helhet.care.models import Besok, BesokOppgave, FlaggKvittering, Journalnotat
from helhet.core.models import AuditEvent, Tjenestemottaker

if TYPE_CHECKING:
    from conftest import Web

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(transactional_db: None) -> dict[str, Any]:
    """A bydel, a private provider with one team, a person with a granted vedtak and today's visit."""
    return delivery_world()


def _figure_text(tab: Web) -> str:
    return re.sub(r"\s+", " ", tab.page.locator("main").inner_text())


def test_helper_performs_a_visit_on_a_phone_nurse_sees_the_flag_bydel_figures_change(
    cast: dict[str, Any], tabs: Any
) -> None:
    person: Tjenestemottaker = cast["person"]
    besok: Besok = cast["besok"]

    # --- the bydel's figures before the visit -----------------------------------------------------------
    officer = tabs()
    log_in(officer, cast["officer"])
    officer.goto("/tjenester/leveranse/bydel/")
    expect(officer.page.get_by_text("Trygg Hjemme AS").first).to_be_visible()
    officer.check("leveranse-01-bydel-for")
    before = _figure_text(officer)
    assert "0 av 1 planlagte besøk utført" in before

    # --- the helsefagarbeider, on her phone -----------------------------------------------------------------
    helper = tabs(PHONE, mobile=True)
    log_in(helper, cast["helper"])
    helper.goto("/tjenester/min-dag/")
    page = helper.page
    card = page.locator(f"#besok-{besok.pk}")
    expect(card.get_by_role("heading", name=person.fullt_navn)).to_be_visible()
    expect(card.get_by_text("Bruker rullator")).to_be_visible()
    helper.check("leveranse-02-min-dag")
    card.get_by_role("button", name=re.compile("^Sjekk inn")).click()
    expect(card.get_by_text(re.compile(r"Sjekket inn kl\. \d\d:\d\d"))).to_be_visible()
    assert Besok.objects.get(pk=besok.pk).status == Besok.Status.PAGAR

    card.get_by_role("button", name=re.compile(r"^Utført\W+Hjelp i dusjen")).click()
    expect(card.get_by_text("«Hjelp i dusjen»: utført.")).to_be_visible()
    card.get_by_role("button", name=re.compile(r"^Utført\W+Frokost")).click()
    expect(card.get_by_text("«Frokost»: utført.")).to_be_visible()
    assert set(BesokOppgave.objects.filter(besok=besok).values_list("status", flat=True)) == {"utfort"}

    card.get_by_text("Skriv notat").click()
    card.get_by_label("Notat til journalen").fill("Hoven venstre ankel, mer enn i går. Ba henne legge beinet høyt.")
    card.get_by_label("Til sykepleier").check()
    helper.check("leveranse-03-notat")
    card.get_by_role("button", name="Lagre notat").click()
    expect(card.get_by_text(re.compile("Notatet er lagret i journalen"))).to_be_visible()

    card.get_by_role("button", name=re.compile("^Sjekk ut")).click()
    expect(card.get_by_text(re.compile(r"Sjekket ut kl\. \d\d:\d\d"))).to_be_visible()
    helper.check("leveranse-04-utfort")
    besok.refresh_from_db()
    assert besok.status == Besok.Status.UTFORT and besok.inn and besok.ut and besok.ut >= besok.inn
    note = Journalnotat.objects.get(besok=besok)
    assert (note.flagg, note.forfatter) == ("sykepleier", cast["helper"].user)
    assert not helper.errors, helper.errors
    # No health data in URLs: every request the phone made names records by id only.
    assert "ankel" not in page.url

    # --- the nurse sees the flag and acknowledges it ----------------------------------------------------
    nurse = tabs()
    log_in(nurse, cast["nurse"])
    nurse.goto("/tjenester/flagg/")
    expect(nurse.page.get_by_text("Hoven venstre ankel")).to_be_visible()
    nurse.check("leveranse-05-flagg")
    nurse.click_and_load(nurse.page.get_by_role("button", name=re.compile("^Kvitter ut")).first)
    assert FlaggKvittering.objects.get(notat=note).av == cast["nurse"].user
    expect(nurse.page.get_by_text("Hoven venstre ankel")).to_have_count(0)

    # --- the bydel's figures after ----------------------------------------------------------------------
    officer.goto("/tjenester/leveranse/bydel/")
    after = _figure_text(officer)
    officer.check("leveranse-06-bydel-etter")
    assert before != after
    assert "1 av 1 planlagte besøk utført" in after
    assert "1 av 1 utførte besøk startet i avtalt tidsvindu" in after
    assert person.etternavn not in after  # the bydel officer has no ground for this person: no names
    assert AuditEvent.objects.filter(tjenestemottaker=person, user=cast["helper"].user).exists()
