"""Varsling in a real browser, as issue 7 asks: an anonymous whistleblower reports on a phone from the
provider's public page (first with a too-short passphrase and no text: the errors are shown and
nothing typed is lost) and gets a case code; the named recipient logs in, opens the case and asks a
question; the reporter comes back with code and passphrase and answers; the recipient sees the
answer. The provider's leder (not a named recipient) cannot see the case, neither in the list nor by
its address. No stored row holds the browser's address or user agent. axe scans every form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from browser_support import PHONE, log_in, make_staff
from helhet.core.models import AuditEvent, Enhet, Kommune, Leverandor, Role, Team
from helhet.core.rules import orgnr
from helhet.quality.models import VarslingForsok, VarslingMelding, VarslingMottaker, VarslingNotat, VarslingSak
from helhet.quality.models.varsling import Kanal

if TYPE_CHECKING:
    from conftest import Web

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT = "Vi blir bedt om å signere for legemiddelrunder som ikke er gjort. Det har skjedd flere ganger i høst."
QUESTION = "Takk for varselet. Gjelder dette kveldsvakter eller nattevakter?"
ANSWER = "Kveldsvakter, mest i helgene."
PASSPHRASE = "måke over granskogen ved fjorden"


@pytest.fixture
def cast(transactional_db: None) -> dict[str, Any]:
    kommune = Kommune.objects.create(navn="Leveby kommune", kommunenummer="4699")
    provider = Leverandor.objects.create(
        navn="Trygg Hjemme AS",
        organisasjonsnummer=orgnr.with_check_digit("99100003") or "",
        type="privat",
        kommune=kommune,
    )
    enhet = Enhet.objects.create(leverandor=provider, navn="Trygg Hjemme Nord")
    Team.objects.create(enhet=enhet, navn="Team Nord")
    recipient = make_staff("kvalitet", "Kari", "Kvam", Role.KVALITETSLEDER, leverandor=provider)
    VarslingMottaker.objects.create(leverandor=provider, user=recipient.user, kanal=Kanal.INTERN)
    leader = make_staff("leder", "Leif", "Leder", Role.LEDER, enhet=enhet)
    return {"provider": provider, "recipient": recipient, "leader": leader}


def _main(tab: Web) -> str:
    return re.sub(r"\s+", " ", tab.page.locator("main").inner_text())


def _stored_values() -> list[str]:
    """Every value in the varsling tables and the audit trail, as text."""
    values: list[str] = []
    for model in (VarslingSak, VarslingMelding, VarslingNotat, VarslingForsok, VarslingMottaker, AuditEvent):
        for row in model.objects.values():
            values.extend(str(v) for v in row.values() if v)
    return values


def test_anonymous_report_dialogue_with_the_recipient_the_leader_sees_nothing_no_address_stored(
    cast: dict[str, Any], tabs: Any
) -> None:
    provider: Leverandor = cast["provider"]

    # --- the whistleblower, on a phone, not logged in ----------------------------------------------------
    reporter = tabs(PHONE, mobile=True)
    reporter.goto(f"/kvalitet/varsling/si-fra/{provider.organisasjonsnummer}/")
    page = reporter.page
    expect(page.get_by_role("heading", name="Si fra om kritikkverdige forhold")).to_be_visible()
    code_on_form = page.locator(".saksnummer").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code_on_form)
    reporter.check("varsling-01-skjema")
    # No text and a too-short passphrase: both errors are shown, the «when» field keeps its text.
    page.get_by_label("Når skjedde det?").fill("September og oktober")
    page.get_by_label("Velg en passfrase").fill("kort")
    page.get_by_label("Skriv passfrasen en gang til").fill("kort")
    reporter.click_and_load(page.get_by_role("button", name="Send varselet"))
    expect(page.get_by_text("Varselet er ikke sendt ennå.")).to_be_visible()
    expect(page.get_by_role("link", name="Skriv hva varselet gjelder.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Passfrasen må ha minst 15 tegn"))).to_be_visible()
    expect(page.get_by_label("Når skjedde det?")).to_have_value("September og oktober")
    assert page.locator(".saksnummer").inner_text().strip() == code_on_form  # the same code stays
    reporter.check("varsling-02-feil")
    assert not VarslingSak.objects.exists()
    page.get_by_label("Hva vil du varsle om?").fill(REPORT)
    page.get_by_label("Velg en passfrase").fill(PASSPHRASE)
    page.get_by_label("Skriv passfrasen en gang til").fill(PASSPHRASE)
    reporter.click_and_load(page.get_by_role("button", name="Send varselet"))
    expect(page.get_by_role("heading", name="Takk, varselet er sendt")).to_be_visible()
    code = page.locator(".saksnummer").inner_text().strip()
    assert code == code_on_form
    reporter.check("varsling-03-kvittering")
    sak = VarslingSak.objects.get()
    assert sak.anonym and sak.melder is None and sak.beskrivelse == REPORT
    assert code not in page.url and "legemiddel" not in page.url
    user_agent = page.evaluate("navigator.userAgent")
    assert not reporter.errors, reporter.errors

    # --- the named recipient: list, open, ask -----------------------------------------------------------
    recipient = tabs()
    log_in(recipient, cast["recipient"])
    recipient.goto("/kvalitet/varsling/mottak/")
    rp = recipient.page
    recipient.check("varsling-04-mottak")
    recipient.click_and_load(rp.get_by_role("link", name=f"Sak {sak.pk}"))
    expect(rp.get_by_text(REPORT)).to_be_visible()
    rp.get_by_label("Spørsmål eller svar til varsleren").fill(QUESTION)
    recipient.check("varsling-05-sak")
    recipient.click_and_load(rp.get_by_role("button", name="Send til varsleren"))
    expect(rp.get_by_text("Meldingen er sendt til varsleren.")).to_be_visible()
    assert AuditEvent.objects.filter(user=cast["recipient"].user, record_id=str(sak.pk), action="read").exists()

    # --- the whistleblower comes back with code and passphrase and answers --------------------------------
    reporter.goto("/kvalitet/varsling/oppfolging/")
    reporter.check("varsling-06-oppfolging")
    page.get_by_label("Saksnummer").fill(code.lower().replace("-", " "))
    page.get_by_label("Passfrase", exact=True).fill(PASSPHRASE)
    reporter.click_and_load(page.get_by_role("button", name="Åpne saken"))
    expect(page.get_by_text(QUESTION)).to_be_visible()
    expect(page.get_by_text("Du har en ny melding fra mottakeren.")).to_be_visible()
    reporter.check("varsling-07-dialog")
    page.get_by_label("Din melding").fill(ANSWER)
    reporter.click_and_load(page.get_by_role("button", name="Send meldingen"))
    expect(page.get_by_text("Meldingen er sendt til mottakeren.")).to_be_visible()
    expect(page.get_by_text(ANSWER)).to_be_visible()
    assert not reporter.errors, reporter.errors

    # --- the recipient sees the answer ------------------------------------------------------------------
    recipient.goto("/kvalitet/varsling/mottak/")
    expect(rp.get_by_text("Ny melding")).to_be_visible()
    recipient.click_and_load(rp.get_by_role("link", name=f"Sak {sak.pk}"))
    expect(rp.get_by_text(ANSWER)).to_be_visible()
    assert not recipient.errors, recipient.errors

    # --- the provider's leder, not a named recipient, sees nothing ---------------------------------------
    leader = tabs()
    log_in(leader, cast["leader"])
    response = leader.goto("/kvalitet/varsling/mottak/")
    assert response.status == 403
    assert "Ingen tilgang" in _main(leader) and "Sak " not in _main(leader)
    response = leader.goto(f"/kvalitet/varsling/mottak/{sak.pk}/")
    assert response.status == 403 and REPORT not in leader.page.content() and ANSWER not in leader.page.content()
    assert AuditEvent.objects.filter(user=cast["leader"].user, action="refused", record_id=str(sak.pk)).exists()
    # …but may report like anyone else: the staff form passes axe too.
    leader.goto("/kvalitet/varsling/")
    expect(leader.page.get_by_role("heading", name="Si fra om kritikkverdige forhold")).to_be_visible()
    leader.check("varsling-08-ansatt-skjema")

    # --- no address, no device data stored ---------------------------------------------------------------
    values = _stored_values()
    assert any(REPORT in v for v in values)  # the scan reads the rows
    assert [v for v in values if "127.0.0.1" in v] == []
    assert [v for v in values if user_agent in v or "HeadlessChrome" in v] == []
