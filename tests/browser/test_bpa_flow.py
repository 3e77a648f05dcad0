"""BPA in a real browser, as issue 6 asks: the arbeidsleder logs in on a phone-sized screen, plans next
week, is refused a shift for too short a rest and fixes it, approves last week's timesheet and sees the
hours-used gauge move; the provider's payroll export then holds exactly the approved hours.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from bpa_builders import at, make_assistent
from browser_support import PASSWORD, PHONE, Staff, log_in, make_staff
from helhet.bpa import services
from helhet.bpa.models import Ordning, Timeliste, Vakt
from helhet.cases.models import Soknad, Vedtak
from helhet.core.models import Bydel, Enhet, Kommune, Leverandor, Role, Tjenestemottaker, User, UserKind
from helhet.core.rules import identity, orgnr
from helhet.quality.models import Avvik

if TYPE_CHECKING:
    from conftest import Web

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def arrangement(transactional_db: None) -> dict[str, Any]:
    kommune = Kommune.objects.create(navn="Assistby kommune", kommunenummer="4697")
    bydel = Bydel.objects.create(kommune=kommune, navn="Bydel Midt")
    provider = Leverandor.objects.create(
        navn="Fri Assistanse AS",
        organisasjonsnummer=orgnr.with_check_digit("99100021") or "",
        type="privat",
        kommune=kommune,
    )
    enhet = Enhet.objects.create(leverandor=provider, navn="BPA")
    adviser = make_staff("radgiver", "Rita", "Rådgiver", Role.LEDER, enhet=enhet)
    officer = make_staff("saksbehandler", "Siri", "Sak", Role.SAKSBEHANDLER, bydel=bydel)
    person = Tjenestemottaker(
        fornavn="Sindre",
        etternavn="Selvstendig",
        adresse="Frihetsveien 1",
        postnummer="0570",
        poststed="Assistby",
        bydel=bydel,
        kjonn="M",
    )
    person.set_fodselsnummer(identity.synthetic_number(dt.date(1985, 5, 5), random.Random(5)))
    person.save()
    today = timezone.localdate()
    soknad = Soknad.objects.create(tjenestemottaker=person, bydel=bydel, saksbehandler=officer.user, gjelder="BPA")
    vedtak = Vedtak.objects.create(
        soknad=soknad,
        tjenestemottaker=person,
        tjenestetype="bpa",
        omfang=Decimal(40),
        omfang_enhet="timer_per_uke",
        timer_per_uke=Decimal(40),
        fom=dt.date(today.year, 1, 1),
        begrunnelse="Stort behov",
        hjemmel="pbrl. § 2-1 d",
        saksbehandler=officer.user,
        status=Vedtak.Status.FATTET,
        fattet=timezone.now(),
    )
    leader_user = User.objects.create_user(
        username="arbeidsleder",
        password=PASSWORD,
        first_name="Sindre",
        last_name="Selvstendig",
        kind=UserKind.ARBEIDSLEDER,
    )
    device = TOTPDevice.objects.create(user=leader_user, name="app", key=secrets.token_hex(20), confirmed=True)
    ordning = Ordning.objects.create(
        tjenestemottaker=person,
        vedtak=vedtak,
        leverandor=provider,
        timer_per_uke=Decimal(40),
        fra=dt.date(today.year, 1, 1),
        arbeidsleder=leader_user,
        radgiver=adviser.user,
    )
    anna = make_assistent(ordning, "Anna Assistent")
    make_assistent(ordning, "Bo Bistand")
    make_assistent(ordning, "Nina Ny", ready=False)
    last_monday = today - dt.timedelta(days=today.weekday() + 7)
    sheet = services.registrer_timer(
        utfort_av=leader_user, ordning=ordning, assistent=anna, start=at(last_monday, 8), slutt=at(last_monday, 15, 30)
    )
    return {"ordning": ordning, "leader": Staff(leader_user, device), "adviser": adviser, "anna": anna, "sheet": sheet}


def _add_shift(tab: Web, day: dt.date, start: str, end: str) -> None:
    form = tab.page.locator("form").filter(has=tab.page.get_by_role("button", name="Legg inn vakten"))
    form.get_by_label("Assistent").select_option(label="Anna Assistent")
    form.get_by_label("Dato").fill(day.isoformat())
    form.get_by_label("Fra kl.").fill(start)
    form.get_by_label("Til kl.").fill(end)
    tab.click_and_load(form.get_by_role("button", name="Legg inn vakten"))


def test_arbeidsleder_plans_fixes_a_rest_refusal_approves_and_payroll_matches(
    tabs: Any, arrangement: dict[str, Any]
) -> None:
    ordning: Ordning = arrangement["ordning"]
    phone = tabs(PHONE, mobile=True)
    log_in(phone, arrangement["leader"])
    expect(phone.page.get_by_role("heading", name=re.compile("BPA for Sindre"))).to_be_visible()
    expect(phone.page.get_by_text("Nina Ny kan ikke settes opp på vakt ennå")).to_be_visible()
    phone.check("bpa-portal-oversikt")

    # Plan next week: an evening shift, then a morning shift only 8 hours later — refused — then fixed.
    phone.click_and_load(phone.page.get_by_role("link", name="Vakter", exact=True))
    phone.click_and_load(phone.page.get_by_role("link", name="Neste uke ›"))
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())
    _add_shift(phone, monday, "14:00", "22:00")
    expect(phone.page.get_by_text("Vakten er lagt inn.")).to_be_visible()
    tuesday = monday + dt.timedelta(days=1)
    _add_shift(phone, tuesday, "06:00", "12:00")
    refusal = phone.page.locator(".messages .error")
    expect(refusal).to_contain_text("Ikke lagret:")
    expect(refusal).to_contain_text("aml. § 10-8 første ledd")
    assert Vakt.objects.filter(ordning=ordning).count() == 1
    phone.check("bpa-portal-hvile")
    _add_shift(phone, tuesday, "09:00", "15:00")
    expect(phone.page.get_by_text("Vakten er lagt inn.")).to_be_visible()
    expect(phone.page.locator(".shift")).to_have_count(2)
    phone.check("bpa-portal-uke")

    # Last week's timesheet: approve it; the year's gauge moves from 0 to 7,5 hours.
    phone.click_and_load(phone.page.get_by_role("link", name="Timelister", exact=True))
    gauge = phone.page.locator("#gauge-year-text")
    expect(gauge).to_contain_text("0,00 av")
    phone.click_and_load(phone.page.get_by_role("button", name="Godkjenn alle for uken"))
    expect(phone.page.get_by_text("1 timeliste godkjent.")).to_be_visible()
    expect(phone.page.locator("#gauge-year-text")).to_contain_text("7,50 av")
    phone.check("bpa-portal-timelister")
    assert Timeliste.objects.get(pk=arrangement["sheet"].pk).status == Timeliste.Status.GODKJENT

    # An avvik from the portal: sent without a category first (the text stays), then sent.
    phone.click_and_load(phone.page.get_by_role("link", name="Meld avvik", exact=True))
    phone.page.get_by_label("Hva skjedde?").fill("Assistenten skled på isen ved inngangen")
    phone.click_and_load(phone.page.get_by_role("button", name="Send avviket"))
    expect(phone.page.get_by_role("link", name="Velg en kategori.")).to_be_visible()
    expect(phone.page.get_by_label("Hva skjedde?")).to_have_value("Assistenten skled på isen ved inngangen")
    phone.check("bpa-portal-avvik-feil")
    phone.page.get_by_label("HMS (helse, miljø og sikkerhet)").check()
    phone.click_and_load(phone.page.get_by_role("button", name="Send avviket"))
    expect(phone.page.get_by_text(re.compile("Avviket er sendt til leverandøren"))).to_be_visible()
    phone.check("bpa-portal-avvik")
    assert Avvik.objects.get().status == Avvik.Status.REGISTRERT
    assert not phone.errors, phone.errors

    # The adviser's payroll export for the period holds exactly the approved hours.
    desk = tabs()
    log_in(desk, arrangement["adviser"])
    fra = today - dt.timedelta(days=today.weekday() + 7)
    til = fra + dt.timedelta(days=6)
    desk.goto(f"/bpa/leverandor/lonn/?fra={fra.isoformat()}&til={til.isoformat()}")
    desk.check("bpa-lonn")
    with desk.page.expect_download() as download:
        desk.page.get_by_role("link", name=re.compile("Last ned")).click()
    text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    total = sum(Decimal(r["timer"].replace(",", ".")) for r in rows)
    approved = sum(
        Decimal(str(r.timer)) for r in Timeliste.objects.filter(ordning=ordning, status=Timeliste.Status.GODKJENT)
    )
    assert total == approved == Decimal("7.5"), (text, approved)
    assert [r["navn"] for r in rows] == ["Anna Assistent"]
