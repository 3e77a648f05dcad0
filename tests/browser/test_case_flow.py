"""The bydel's whole path, in a real browser, as the issue asks: a case officer registers an
inquiry and sends the acknowledgement, turns it into an application, records «Hva er viktig for
deg?», prepares a vedtak; someone with decision authority approves it and the PDF letter is made
(its text checked); the officer sends the letter, documents brukervalg, and the chosen private
provider sees the order and takes it in; a complaint goes through the bydel's reassessment to
Statsforvalteren. Each user works in their own browser context (their own login and TOTP).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from io import BytesIO
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from browser_support import log_in, make_staff
from helhet.cases.models import Bestilling, EgenbetalingSats, Henvendelse, Klage, Soknad, Vedtak, Vedtaksbrev
from helhet.cases.rules.egenbetaling import OSLO_2019
from helhet.core.models import (
    AuditEvent,
    Bydel,
    Enhet,
    Kommune,
    Kontaktpunkt,
    Leverandor,
    Role,
    Tjenestemottaker,
)
from helhet.core.rules import identity, orgnr

if TYPE_CHECKING:
    from conftest import Web

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(transactional_db: None) -> dict[str, Any]:
    kommune = Kommune.objects.create(navn="Saksby kommune", kommunenummer="4698")
    EgenbetalingSats.from_rate_table(kommune, OSLO_2019).save()  # the seed's 2019 table
    bydel = Bydel.objects.create(kommune=kommune, navn="Bydel Elvebakken")
    Kontaktpunkt.objects.create(bydel=bydel, telefon="21 80 21 80", epost="kontaktpunkt@saksby.example")
    Leverandor.objects.create(
        navn="Saksby kommune hjemmetjeneste",
        organisasjonsnummer=orgnr.with_check_digit("97100001") or "",
        type="kommunal",
        kommune=kommune,
    )
    private = Leverandor.objects.create(
        navn="Lun Omsorg AS",
        organisasjonsnummer=orgnr.with_check_digit("99100002") or "",
        type="privat",
        kommune=kommune,
    )
    enhet = Enhet.objects.create(leverandor=private, navn="Lun Omsorg Sentrum")
    person = Tjenestemottaker(
        fornavn="Ragnhild",
        etternavn="Elvestad",
        adresse="Elvegata 3",
        postnummer="0550",
        poststed="Saksby",
        bydel=bydel,
        kjonn="K",
    )
    person.set_fodselsnummer(identity.synthetic_number(dt.date(1941, 6, 2), random.Random(11)))
    person.save()
    return {
        "person": person,
        "private": private,
        "officer": make_staff("saksbehandler", "Sigrid", "Saksen", Role.SAKSBEHANDLER, bydel=bydel),
        "approver": make_staff("vedtaksmyndig", "Vegard", "Vedtak", Role.VEDTAKSMYNDIG, bydel=bydel),
        "provider": make_staff("leder", "Lene", "Lun", Role.LEDER, enhet=enhet),
    }


def _submit(tab: Web, name: str) -> None:
    response = tab.click_and_load(tab.page.get_by_role("button", name=name).first)
    assert response.status < 400, f"«{name}» gave HTTP {response.status} on {tab.path()}"


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def test_inquiry_to_vedtak_letter_brukervalg_order_and_complaint(cast: dict[str, Any], tabs: Any) -> None:
    person: Tjenestemottaker = cast["person"]
    today = timezone.localdate().isoformat()

    # --- the case officer: inquiry, acknowledgement, application, kartlegging, draft vedtak --------
    officer = tabs()
    log_in(officer, cast["officer"])
    officer.goto("/saker/henvendelser/ny/")
    page = officer.page
    page.get_by_label("Fødselsnummer eller D-nummer").fill(person.fodselsnummer)
    page.get_by_label("Kanal").select_option(label="Telefon")
    page.get_by_label("Hvem tok kontakt").select_option(label="Pårørende")
    page.get_by_label("Hva henvendelsen gjelder").fill("Sønnen ringer: mor klarer ikke lenger rengjøring og handling.")
    officer.check("sak-01-ny-henvendelse")
    _submit(officer, "Registrer")
    assert person.fodselsnummer not in page.url
    expect(page.get_by_text("Du får svar fra oss senest")).to_be_visible()
    officer.check("sak-02-henvendelse")
    _submit(officer, "Send kvittering")
    assert Henvendelse.objects.get().kvittering_sendt is not None

    page.get_by_label("Hva søkes det om").fill("Praktisk bistand til rengjøring og innkjøp")
    _submit(officer, "Gjør om til søknad")
    soknad = Soknad.objects.get()
    assert f"/saker/soknader/{soknad.pk}/" in page.url
    officer.click_and_load(page.get_by_role("link", name=re.compile("kartlegging", re.I)))
    page.get_by_label(re.compile("Hva er viktig for deg")).fill("Å ha det rent og ryddig når barnebarna kommer.")
    officer.check("sak-03-kartlegging")
    _submit(officer, "Lagre kartleggingen")
    assert soknad.kartlegging.viktig_for_meg.startswith("Å ha det rent")

    officer.click_and_load(page.get_by_role("link", name="Nytt vedtak"))
    page.get_by_label("Tjeneste", exact=True).select_option(value="praktisk_bistand")
    page.locator("#id_omfang").fill("2.5")
    page.get_by_label("Fra og med").fill(today)
    page.get_by_label("Begrunnelse").fill("Kartleggingen viser at hun ikke klarer tungt husarbeid og innkjøp selv.")
    page.get_by_label("Husstandens inntekt (kr per år)").fill("250000")
    officer.check("sak-04-vedtak-skjema")
    _submit(officer, "Lagre utkast")
    vedtak = Vedtak.objects.get()
    assert (vedtak.status, vedtak.timer_per_uke) == ("utkast", 2.5)
    _submit(officer, "Send til godkjenning")
    assert Vedtak.objects.get().status == "til_godkjenning"

    # --- the second role approves; the letter is made ------------------------------------------------
    approver = tabs()
    log_in(approver, cast["approver"])
    approver.goto("/saker/vedtak/")
    approver.check("sak-05-vedtak-arbeidsliste")
    approver.goto(f"/saker/vedtak/{vedtak.pk}/")
    _submit(approver, "Godkjenn og fatt vedtaket")
    vedtak.refresh_from_db()
    assert vedtak.status == "fattet" and vedtak.vedtaksmyndig == cast["approver"].user
    expect(approver.page.get_by_text("er fattet, og vedtaksbrevet er laget")).to_be_visible()

    # The case officer checks the letter (the approver's ground ended with the approval).
    officer.goto(f"/saker/vedtak/{vedtak.pk}/")
    officer.check("sak-06-vedtak-fattet")
    href = officer.page.get_by_role("link", name="Åpne PDF").get_attribute("href")
    assert href
    pdf = officer.page.request.get(officer.url(href))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.body())
    for expected in (
        "Unntatt offentlighet",
        "Vedtak om praktisk bistand",
        "Ragnhild Elvestad",
        "SAKSOPPLYSNINGER",
        "BEGRUNNELSE",
        "INFORMASJON",
        "BRUKERVALG",
        "EGENBETALING",
        "76 kr",
        "KLAGE",
        "fire uker",
        "Statsforvalteren",
        "Å ha det rent og ryddig",
    ):
        assert expected in text, f"the letter lacks «{expected}»"
    assert person.fodselsnummer not in text

    # --- the officer sends the letter and documents brukervalg ---------------------------------------
    _submit(officer, "Marker som sendt")
    _submit(officer, "Registrer mottatt")
    brev = Vedtaksbrev.objects.get()
    assert brev.sendt and brev.mottatt
    officer.click_and_load(officer.page.get_by_role("link", name="Registrer brukervalg og bestill"))
    officer.page.get_by_label("Personens valg av leverandør").select_option(label="Lun Omsorg AS (privat)")
    officer.check("sak-07-brukervalg")
    _submit(officer, "Registrer valget og send bestillingen")
    bestilling = Bestilling.objects.get()
    assert (bestilling.leverandor, bestilling.status) == (cast["private"], "ny")

    # --- the chosen provider sees the order and takes it in ------------------------------------------
    provider = tabs()
    log_in(provider, cast["provider"])
    provider.goto("/saker/bestillinger/")
    expect(provider.page.get_by_text("Ragnhild Elvestad")).to_be_visible()
    provider.check("sak-08-bestillinger")
    _submit(provider, "Ta imot")
    assert Bestilling.objects.get().status == "mottatt"

    # --- a complaint, through the bydel's reassessment to Statsforvalteren --------------------------
    officer.goto(f"/saker/vedtak/{vedtak.pk}/")
    officer.click_and_load(officer.page.get_by_role("link", name="Registrer klage").first)
    officer.page.get_by_label("Personen mottok vedtaket").fill(today)
    officer.page.get_by_label("Hva klagen gjelder").fill("Hun mener 2,5 timer i uken er for lite.")
    _submit(officer, "Registrer klagen")
    officer.page.get_by_label("Ingen omgjøring").check()
    officer.page.get_by_label("Begrunnelse").fill("Omfanget svarer til behovet som ble kartlagt.")
    _submit(officer, "Registrer vurderingen")
    _submit(officer, "Send til Statsforvalteren")
    klage = Klage.objects.get()
    assert (klage.status, klage.for_sent) == ("statsforvalteren", False)
    officer.check("sak-09-klage")

    # Every step left its trace in the audit trail, and no page had a JavaScript error.
    actions = set(AuditEvent.objects.filter(tjenestemottaker=person).values_list("record_type", flat=True))
    assert {
        "cases.Henvendelse",
        "cases.Soknad",
        "cases.Vedtak",
        "cases.Vedtaksbrev",
        "cases.Bestilling",
        "cases.Klage",
    } <= actions
    assert officer.errors == approver.errors == provider.errors == []
