"""Revisjon in a real browser: the kvalitetsleder registers a certificate (a wrong date is refused and the
form kept), adds a corrective action to a finding; the owner closes it on a phone; the overview figures
change. axe-core scans every form page (no serious or critical violations).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_support import PHONE, log_in, make_staff
from factories import EnhetFactory, KommuneFactory, LeverandorFactory, TeamFactory
from helhet.core.models import Role
from helhet.quality import services_revisjon as svc
from helhet.quality.models import Funn, KorrigerendeTiltak, Sertifikat

if TYPE_CHECKING:
    pass

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(transactional_db: None) -> dict[str, Any]:
    kommune = KommuneFactory(navn="Testkommune", kommunenummer="9998")
    leverandor = LeverandorFactory(navn="Hjemmetjenesten KF", kommune=kommune)
    enhet = EnhetFactory(leverandor=leverandor, navn="Enhet Nord")
    team = TeamFactory(enhet=enhet, navn="Team Nord")
    kvl = make_staff("kvl", "Kari", "Kvam", Role.KVALITETSLEDER, leverandor=leverandor)
    nurse = make_staff("nina", "Nina", "Nilsen", Role.SYKEPLEIER, team=team)
    today = timezone.localdate()
    rev = svc.create_audit(
        kvl.user,
        svc.RevisjonInput(
            leverandor_id=leverandor.pk, tittel="Internrevisjon legemidler", enhet_id=enhet.pk, planlagt_dato=today
        ),
    )
    svc.start(kvl.user, rev)
    svc.add_checklist_item(kvl.user, rev, "Blir dobbeltkontroll dokumentert?", "Forskrift om legemiddelhåndtering § 4")
    funn = svc.add_finding(kvl.user, rev, Funn.Type.AVVIK, "Dobbeltkontroll mangler i 4 av 12 utdelinger.")
    return {"kvl": kvl, "nurse": nurse, "leverandor": leverandor, "rev": rev, "funn": funn, "today": today}


def test_certificate_and_corrective_action_flow(cast: dict[str, Any], tabs: Any) -> None:
    today: dt.date = cast["today"]
    kvl = tabs()
    log_in(kvl, cast["kvl"])

    # A certificate whose «gyldig til» is before «gyldig fra»: refused, the form keeps what was typed.
    kvl.goto("/kvalitet/revisjon/sertifikater/ny/")
    kvl.check("revisjon-01-sertifikat-ny")
    kvl.page.get_by_label("Standard").select_option("equass")
    kvl.page.get_by_label("Omfang").fill("Helse- og omsorgstjenester i hjemmet")
    kvl.page.get_by_label("Utsteder (sertifiseringsorgan)").fill("EQUASS")
    kvl.page.get_by_label("Gyldig fra").fill((today - dt.timedelta(days=1000)).isoformat())
    kvl.page.get_by_label("Gyldig til").fill((today - dt.timedelta(days=1001)).isoformat())
    assert kvl.click_and_load(kvl.page.get_by_role("button", name="Lagre sertifikatet")).status == 400
    expect(kvl.page.get_by_text("«Gyldig til» kan ikke være før «gyldig fra».").first).to_be_visible()
    expect(kvl.page.get_by_label("Omfang")).to_have_value("Helse- og omsorgstjenester i hjemmet")
    kvl.check("revisjon-02-sertifikat-feil")
    kvl.page.get_by_label("Gyldig til").fill((today + dt.timedelta(days=30)).isoformat())
    kvl.click_and_load(kvl.page.get_by_role("button", name="Lagre sertifikatet"))
    assert Sertifikat.objects.count() == 1

    # A corrective action on the finding: owner and deadline.
    kvl.goto(f"/kvalitet/revisjon/{cast['rev'].pk}/")
    kvl.page.get_by_text("Legg til korrigerende tiltak").click()
    kvl.check("revisjon-03-detalj")
    kvl.page.get_by_label("Tiltak", exact=True).fill("Kvittering for dobbeltkontroll i Min dag")
    kvl.page.get_by_label("Ansvarlig").select_option(label="Nina Nilsen")
    kvl.page.get_by_label("Frist").fill((today + dt.timedelta(days=14)).isoformat())
    kvl.click_and_load(kvl.page.get_by_role("button", name="Legg til tiltaket"))
    expect(kvl.page.get_by_text("Tiltaket er lagt til.")).to_be_visible()

    kvl.goto("/kvalitet/revisjon/")
    expect(kvl.page.get_by_text("Utløper om 30 dager")).to_be_visible()
    kvl.check("revisjon-04-oversikt")
    assert "Åpne korrigerende tiltak: 1" in " ".join(kvl.page.locator("main").inner_text().split())

    # The owner closes it on her phone.
    nurse = tabs(PHONE, mobile=True)
    log_in(nurse, cast["nurse"])
    nurse.goto("/kvalitet/revisjon/tiltak/")
    expect(nurse.page.get_by_text("Kvittering for dobbeltkontroll i Min dag").first).to_be_visible()
    nurse.check("revisjon-05-mine-tiltak-mobil")
    nurse.page.get_by_label("Utført dato").fill(today.isoformat())
    nurse.page.get_by_label("Hvordan har dere vurdert effekten?").fill("Kontrollert i to uker: alle kvittert.")
    nurse.click_and_load(nurse.page.get_by_role("button", name="Lukk tiltaket"))
    expect(nurse.page.get_by_text("Tiltaket er lukket.")).to_be_visible()
    assert KorrigerendeTiltak.objects.get().utfort == today

    kvl.goto("/kvalitet/revisjon/")
    assert "Åpne korrigerende tiltak: 0" in " ".join(kvl.page.locator("main").inner_text().split())
    assert not kvl.errors and not nurse.errors
