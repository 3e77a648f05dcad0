"""Staff accounts and login for browser tests: one user with a password, a role and a confirmed TOTP device.

Kept beside ``factories.py`` (``from browser_support import make_staff, log_in``) because importing
helpers from a conftest is fragile. The ``tabs`` fixture that opens one browser context per user is in
``tests/browser/conftest.py``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from helhet.core.models import RoleAssignment, User

if TYPE_CHECKING:
    from conftest import Web

PASSWORD = "Multebær-Myr-Fjellbjørk-77"
#: Viewports for ``tabs(...)`` (tests/browser/conftest.py).
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass
class Staff:
    user: User
    device: TOTPDevice


def make_staff(username: str, first: str, last: str, rolle: str, hpr: str = "", **place: Any) -> Staff:
    """A staff user with one role assignment (``bydel=``, ``enhet=``, ``team=`` …) and an authenticator app."""
    user = User.objects.create_user(
        username=username, password=PASSWORD, first_name=first, last_name=last, hpr_nummer=hpr
    )
    RoleAssignment.objects.create(user=user, rolle=rolle, **place)
    device = TOTPDevice.objects.create(user=user, name="app", key=secrets.token_hex(20), confirmed=True)
    return Staff(user, device)


def totp_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows right now."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def log_in(tab: Web, staff: Staff) -> None:
    """Password, then the one-time code, as the user types them; ends logged in."""
    tab.goto("/logg-inn/")
    tab.page.get_by_label("Brukernavn").fill(staff.user.username)
    tab.page.get_by_label("Passord").fill(PASSWORD)
    tab.click_and_load(tab.page.get_by_role("button", name="Neste"))
    tab.page.get_by_label("Engangskode fra autentiseringsappen").fill(totp_code(staff.device))
    tab.click_and_load(tab.page.get_by_role("button", name="Logg inn"))
    expect(tab.page.get_by_role("button", name="Logg ut")).to_be_visible()


def delivery_world() -> dict[str, Any]:
    """A bydel, a private provider with one enhet and team (saksbehandler, sykepleier, helsefagarbeider, leder),
    a person with a granted vedtak, a tiltaksplan with a daily tiltak and today's visit for the helsefagarbeider
    whose window holds the time of the test. Used by the delivery and the avvik browser tests."""
    import datetime as dt
    import random
    from decimal import Decimal

    from django.utils import timezone

    from helhet.care import services
    from helhet.care.models import Besok, Involvering
    from helhet.cases.models import Bestilling, Henvendelse, Soknad, Vedtak
    from helhet.core import access
    from helhet.core.access import Action
    from helhet.core.models import Bydel, Enhet, Kommune, Leverandor, Role, Team, Tjenestemottaker
    from helhet.core.rules import identity, orgnr

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
    return {
        "person": person,
        "besok": besok,
        "officer": officer,
        "nurse": nurse,
        "helper": helper,
        "leader": leader,
        "enhet": enhet,
        "team": team,
        "provider": provider,
    }
