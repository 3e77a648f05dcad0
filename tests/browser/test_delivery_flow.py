"""The provider's delivery, in a real browser, as issue 4 asks: on a phone-sized screen a
helsefagarbeider opens «Min dag», checks in, ticks the tasks, writes a note flagged to the nurse and
checks out; the nurse sees the flag and acknowledges it; the bydel's delivery figures for the
provider change accordingly. Each user works in their own browser context (own login and TOTP).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_support import PHONE, log_in, make_staff
from helhet.care import services
from helhet.care.models import Besok, BesokOppgave, FlaggKvittering, Involvering, Journalnotat
from helhet.cases.models import Bestilling, Henvendelse, Soknad, Vedtak
from helhet.core import access
from helhet.core.access import Action
from helhet.core.models import (
    AuditEvent,
    Bydel,
    Enhet,
    Kommune,
    Leverandor,
    Role,
    Team,
    Tjenestemottaker,
)
from helhet.core.rules import identity, orgnr

if TYPE_CHECKING:
    from conftest import Web

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(transactional_db: None) -> dict[str, Any]:
    """A bydel, a private provider with one team, a person with a granted vedtak and today's visit."""
    kommune = Kommune.objects.create(navn="Leveby kommune", kommunenummer="4699")
    bydel = Bydel.objects.create(kommune=kommune, navn="Bydel Fjellstad")
    provider = Leverandor.objects.create(
        navn="Trygg Hjemme AS",
        organisasjonsnummer=orgnr.with_check_digit("99100003") or "",
        type="privat",
        kommune=kommune,
    )
    enhet = Enhet.objects.create(leverandor=provider, navn="Trygg Hjemme Nord")
    team = Team.objects.create(enhet=enhet, navn="Team Nord")
    team.bydeler.add(bydel)
    officer = make_staff("saksbehandler", "Sigrid", "Saksen", Role.SAKSBEHANDLER, bydel=bydel)
    nurse = make_staff("sykepleier", "Nora", "Nordli", Role.SYKEPLEIER, hpr="1234567", team=team)
    helper = make_staff("helsefagarbeider", "Hanne", "Hjelpe", Role.HELSEFAGARBEIDER, team=team)
    leader = make_staff("leder", "Leif", "Leder", Role.LEDER, enhet=enhet)

    person = Tjenestemottaker(
        fornavn="Ragnhild",
        etternavn="Elvestad",
        adresse="Elvegata 3",
        postnummer="0550",
        poststed="Leveby",
        bydel=bydel,
        kjonn="K",
        primaerkontakt=nurse.user,
    )
    person.set_fodselsnummer(identity.synthetic_number(dt.date(1941, 6, 2), random.Random(12)))
    person.save()

    today = timezone.localdate()
    henvendelse = Henvendelse.objects.create(
        bydel=bydel,
        tjenestemottaker=person,
        kanal="telefon",
        sporsmal="Hjelp",
        svar_innen=today,
        eier=officer.user,
        status="avsluttet",
    )
    soknad = Soknad.objects.create(
        henvendelse=henvendelse,
        tjenestemottaker=person,
        bydel=bydel,
        saksbehandler=officer.user,
        gjelder="Hjemmesykepleie",
        status="avsluttet",
    )
    vedtak = Vedtak.objects.create(
        soknad=soknad,
        tjenestemottaker=person,
        tjenestetype="helsetjenester_i_hjemmet",
        omfang=Decimal("3.5"),
        omfang_enhet="timer_per_uke",
        timer_per_uke=Decimal("3.5"),
        fom=today - dt.timedelta(days=30),
        begrunnelse="Behov for hjelp morgen",
        hjemmel="hol. § 3-2 første ledd nr. 6 bokstav a",
        saksbehandler=officer.user,
        status="fattet",
        fattet=timezone.now(),
    )
    Bestilling.objects.create(vedtak=vedtak, leverandor=provider, fra=today - dt.timedelta(days=30), status="mottatt")

    # The provider's plan: one goal, one daily tiltak whose window holds the time of the test.
    decision = access.check(leader.user, Action.EDIT, person)
    assert decision.allowed, decision.reason
    medvirkning = services.Medvirkning("Ny bestilling", Involvering.PERSONEN)
    plan = services.opprett_plan(
        utfort_av=leader.user,
        decision=decision,
        person=person,
        leverandor=provider,
        team=team,
        viktig_for_meg="Å klare morgenen selv",
        medvirkning=medvirkning,
    )
    mal = services.legg_til_mal(
        utfort_av=leader.user, decision=decision, plan=plan, tekst="Stå opp og dusje selv", medvirkning=medvirkning
    )
    now = timezone.localtime()
    start = max(now - dt.timedelta(minutes=30), now.replace(hour=0, minute=0, second=0, microsecond=0))
    end = min(now + dt.timedelta(hours=1), now.replace(hour=23, minute=59, second=0, microsecond=0))
    tiltak = services.lagre_tiltak(
        utfort_av=leader.user,
        decision=decision,
        plan=plan,
        medvirkning=medvirkning,
        data={
            "mal": mal,
            "vedtak": vedtak,
            "tittel": "Morgenstell",
            "oppgaver": ["Hjelp i dusjen", "Frokost"],
            "rrule": "FREQ=DAILY",
            "vindu_fra": start.time().replace(second=0, microsecond=0),
            "vindu_til": end.time().replace(second=0, microsecond=0),
            "varighet_min": 30,
            "kompetanse": "helsefaglig",
            "neste_vakt": "Bruker rullator",
            "fast_ansatt": helper.user,
            "gyldig_fra": today - dt.timedelta(days=30),
        },
    )
    assert services.generer_besok(today, today) >= 0
    besok = Besok.objects.get(tiltak=tiltak, dato=today)
    assert besok.ansatt == helper.user
    return {"person": person, "besok": besok, "officer": officer, "nurse": nurse, "helper": helper}


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
