"""A nurse's day, in a real browser: log in with the second factor, open a person in her team
(allowed, audited), try a person outside it (refused with a clear reason), break the glass
(allowed, flagged for review), and see who has looked at the person. Every page is scanned with
axe-core (no serious or critical violations) and photographed into ``test-results/browser/``.

The cast is built here with the ORM, on purpose independent of the shared factories:

    Kommune «Nettleserkommune» └ Bydel Vest
    Leverandør «Hjemmetjenesten Vest KF» └ Enhet «Hjemmesykepleien Vest»
        ├ Team Fjell: Nora Nilsen (sykepleier, TOTP app)  → serves Ingrid Fjellheim (P_in)
        └ Team Fjord                                      → serves Oskar Nordvik   (P_out)
"""

from __future__ import annotations

import datetime as dt
import random
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from browser_support import totp_code
from helhet.core.models import (
    AuditEvent,
    Bydel,
    Enhet,
    Kommune,
    Leverandor,
    Nodtilgang,
    Role,
    RoleAssignment,
    Team,
    Tjenestemottaker,
    TjenestemottakerTeam,
    User,
)
from helhet.core.models.users import UserKind
from helhet.core.rules import identity, orgnr

if TYPE_CHECKING:  # the fixture's type, from tests/browser/conftest.py
    from conftest import Web

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Blåbær-Tursti-Fjellvann-42"
EMERGENCY_REASON = (
    "Tjenestemottakeren har falt hjemme og ambulansen er på vei. Jeg trenger legemiddellisten og "
    "pårørendes telefonnummer nå."
)


@dataclass
class Cast:
    nurse: User
    device: TOTPDevice
    p_in: Tjenestemottaker
    p_out: Tjenestemottaker


def _person(fornavn: str, etternavn: str, born: dt.date, seed: int, bydel: Bydel) -> Tjenestemottaker:
    person = Tjenestemottaker(
        fornavn=fornavn,
        etternavn=etternavn,
        adresse=f"{etternavn}veien {seed}",
        postnummer="0580",
        poststed="Oslo",
        telefon=f"9000000{seed}",
        kjonn=Tjenestemottaker.Kjonn.KVINNE if seed % 2 else Tjenestemottaker.Kjonn.MANN,
        bydel=bydel,
    )
    person.set_fodselsnummer(identity.synthetic_number(born, random.Random(seed)))
    person.full_clean()
    person.save()
    return person


def build_cast() -> Cast:
    kommune = Kommune.objects.create(navn="Nettleserkommune", kommunenummer="9998")
    bydel = Bydel.objects.create(kommune=kommune, navn="Bydel Vest")
    number = orgnr.with_check_digit("99112233")
    assert number is not None
    leverandor = Leverandor.objects.create(
        navn="Hjemmetjenesten Vest KF",
        organisasjonsnummer=number,
        type=Leverandor.Type.KOMMUNAL,
        kommune=kommune,
    )
    enhet = Enhet.objects.create(leverandor=leverandor, navn="Hjemmesykepleien Vest")
    team_a = Team.objects.create(enhet=enhet, navn="Team Fjell")
    team_b = Team.objects.create(enhet=enhet, navn="Team Fjord")
    team_a.bydeler.add(bydel)
    team_b.bydeler.add(bydel)

    nurse = User.objects.create_user(
        username="nora.nilsen",
        password=PASSWORD,
        first_name="Nora",
        last_name="Nilsen",
        kind=UserKind.STAFF,
    )
    RoleAssignment.objects.create(user=nurse, rolle=Role.SYKEPLEIER, team=team_a)
    device = TOTPDevice.objects.create(user=nurse, name="Autentiseringsapp", key=secrets.token_hex(20), confirmed=True)

    p_in = _person("Ingrid", "Fjellheim", dt.date(1938, 4, 12), 1, bydel)
    p_out = _person("Oskar", "Nordvik", dt.date(1945, 11, 3), 2, bydel)
    TjenestemottakerTeam.objects.create(tjenestemottaker=p_in, team=team_a)
    TjenestemottakerTeam.objects.create(tjenestemottaker=p_out, team=team_b)
    return Cast(nurse=nurse, device=device, p_in=p_in, p_out=p_out)


def log_in(web: Web, cast: Cast) -> None:
    page = web.page
    web.goto("/")
    assert web.path().startswith("/logg-inn/"), f"an anonymous visit to / should go to the login, not {web.path()}"
    expect(page.get_by_role("heading", name="Logg inn")).to_be_visible()
    web.check("01-logg-inn")

    page.get_by_label("Brukernavn", exact=True).fill(cast.nurse.username)
    page.get_by_label("Passord", exact=True).fill(PASSWORD)
    web.click_and_load(page.get_by_role("button", name="Neste", exact=True))
    assert web.path() == "/logg-inn/kode/", f"after the password comes the second factor, not {web.path()}"
    expect(page.get_by_role("heading", name="Bekreft med engangskode")).to_be_visible()
    web.check("02-engangskode")

    page.get_by_label("Engangskode fra autentiseringsappen", exact=True).fill(totp_code(cast.device))
    response = web.click_and_load(page.get_by_role("button", name="Logg inn", exact=True))
    assert response.status == 200
    assert web.path() == "/", f"a verified login should land on the home page, not {web.path()}"


def test_nurse_in_team_out_of_team_and_nodtilgang(web: Web) -> None:
    cast = build_cast()
    page = web.page
    p_in, p_out, nurse = cast.p_in, cast.p_out, cast.nurse

    # --- 1. Log in: password, then the TOTP code --------------------------------------------------
    log_in(web, cast)

    # --- 2. Home: the persons she has need to know for, and only those ------------------------------
    mine = page.get_by_role("region", name="Personer du har tjenstlig behov for")
    expect(mine).to_be_visible()
    expect(mine.get_by_role("link", name=p_in.fullt_navn)).to_be_visible()
    expect(page.get_by_text(p_out.etternavn)).to_have_count(0)
    web.check("03-oversikt")

    # --- 3. Search by name: finds P_in, never P_out -------------------------------------------------
    web.goto("/personer/")
    page.get_by_label("Navn eller fødselsnummer", exact=True).fill(p_in.etternavn)
    page.get_by_role("button", name="Søk", exact=True).click()
    hit = page.locator("#sokeresultat").get_by_role("link", name=p_in.fullt_navn)
    expect(hit).to_be_visible()
    expect(page.get_by_text(p_out.etternavn)).to_have_count(0)
    web.check("04-sok-med-treff")

    # --- 4. Open P_in: allowed on the team ground, and the read is audited -------------------------
    response = web.click_and_load(hit)
    assert response.status == 200
    assert web.path() == f"/personer/{p_in.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(p_in.fullt_navn)
    expect(page.get_by_text("Medlem av teamet som yter tjenester")).to_be_visible()
    expect(page.get_by_text(p_in.fodselsnummer_maskert)).to_be_visible()
    assert p_in.fodselsnummer not in page.content(), "the full fødselsnummer must not be shown until asked for"
    assert AuditEvent.objects.filter(
        action="read", tjenestemottaker=p_in, user=nurse, ground="team", nodtilgang_id__isnull=True
    ).exists(), "opening the person page must leave a read in the audit trail, on the team ground"
    web.check("05-person")

    # «Vis hele» shows the full number (HTMX) and is audited on its own.
    page.get_by_role("button", name="Vis hele").click()
    expect(page.locator("#fodselsnummer")).to_have_text(f"{p_in.fodselsnummer[:6]} {p_in.fodselsnummer[6:]}")
    assert AuditEvent.objects.filter(action="read_full_id", tjenestemottaker=p_in, user=nurse).exists()

    # --- 5. P_out, found by exact fødselsnummer: a hit without a name, then a 403 that says why ------
    web.goto("/personer/")
    page.get_by_label("Navn eller fødselsnummer", exact=True).fill(p_out.fodselsnummer)
    page.get_by_role("button", name="Søk", exact=True).click()
    expect(page.get_by_text("Fødselsnummeret finnes, men personen er ikke blant dem")).to_be_visible()
    expect(page.get_by_text(p_out.etternavn)).to_have_count(0)
    response = web.click_and_load(page.get_by_role("link", name="Gå videre"))
    assert response.status == 403
    assert web.path() == f"/personer/{p_out.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Du har ikke tilgang til denne personen")
    reason = page.get_by_role("alert")
    expect(reason).to_contain_text("tjenstlig behov")
    assert p_out.etternavn not in page.content(), "the refusal page must not show the person's name"
    assert AuditEvent.objects.filter(action="refused", tjenestemottaker=p_out, user=nurse).exists()
    web.check("06-ingen-tilgang")

    # --- 6. Nødtilgang with a too-short reason: a Norwegian message and nothing saved ------------------
    page.get_by_label("Begrunnelse", exact=True).fill("Haster")
    response = web.click_and_load(page.get_by_role("button", name="Bruk nødtilgang"))
    assert response.status == 400
    expect(page.get_by_text(re.compile(r"Skriv en begrunnelse på minst \d+ tegn"))).to_be_visible()
    assert not Nodtilgang.objects.filter(tjenestemottaker=p_out).exists()
    assert not AuditEvent.objects.filter(action="nodtilgang", tjenestemottaker=p_out).exists()
    assert p_out.etternavn not in page.content()

    # --- 7. Nødtilgang with a real reason: allowed, time-limited, flagged for review ------------------
    page.get_by_label("Begrunnelse", exact=True).fill(EMERGENCY_REASON)
    response = web.click_and_load(page.get_by_role("button", name="Bruk nødtilgang"))
    assert response.status == 200
    assert web.path() == f"/personer/{p_out.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(p_out.fullt_navn)
    expect(page.locator(".badge", has_text="Nødtilgang").first).to_be_visible()
    nodtilgang = Nodtilgang.objects.get(tjenestemottaker=p_out, bruker=nurse)
    assert nodtilgang.gjennomgatt is None, "a nødtilgang must wait for review by the personvernansvarlig"
    assert nodtilgang.begrunnelse == EMERGENCY_REASON
    assert nodtilgang.utloper > nodtilgang.start
    assert AuditEvent.objects.filter(action="nodtilgang", tjenestemottaker=p_out, user=nurse).exists()
    assert AuditEvent.objects.filter(
        action="read", tjenestemottaker=p_out, user=nurse, nodtilgang_id=nodtilgang.pk
    ).exists(), "reads under nødtilgang are audited with the nødtilgang"
    web.check("07-person-nodtilgang")

    # --- 8. «Hvem har sett opplysningene»: the nødtilgang and its reason are there for the person ------
    response = web.click_and_load(page.get_by_role("link", name="Hvem har sett opplysningene"))
    assert response.status == 200
    assert web.path() == f"/personer/{p_out.pk}/innsyn/"
    log = page.get_by_role("table")
    expect(log).to_contain_text("Nora Nilsen")
    expect(log).to_contain_text("Nødtilgang")
    expect(log).to_contain_text(EMERGENCY_REASON[:40])
    web.check("08-hvem-har-sett")

    assert not web.errors, "the browser reported errors:\n" + "\n".join(web.errors)
    assert web.checked == [
        "01-logg-inn",
        "02-engangskode",
        "03-oversikt",
        "04-sok-med-treff",
        "05-person",
        "06-ingen-tilgang",
        "07-person-nodtilgang",
        "08-hvem-har-sett",
    ]
