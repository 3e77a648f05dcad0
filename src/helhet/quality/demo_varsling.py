"""Demo data for varsling (issue 7 point 2): named recipients and a few cases at the municipal provider.

- Internal recipient: the demo kvalitetsleder (``kvalitetsleder``), named for the municipal provider.
  The provider's leder and meldingsansvarlig are *not* named: they see no case (the point of the demo).
- External recipient: ``varsel-revisor`` («Revisjon Fjordvik AS»), a login of kind ``varselmottaker``
  with the demo password (:data:`helhet.core.demo.DEMO_PASSWORD`) and a confirmed TOTP device. It
  reaches only the recipient pages.
- Cases: one anonymous with a dialogue (its code and passphrase are :data:`DEMO_PASSPHRASE` and the
  code drawn from ``rng``, returned by :func:`demo_case_code`), one in a staff member's own name, one
  closed (outcome «ubegrunnet», deletion date set by the rules).

Deterministic from ``rng`` (the Argon2 salt is random, which changes nothing visible).
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhet.core.models import Leverandor, Role, RoleAssignment, User
from helhet.quality import services_varsling as services
from helhet.quality.models import VarslingMelding, VarslingMottaker, VarslingNotat, VarslingSak
from helhet.quality.models.varsling import VARSELMOTTAKER_KIND, Kanal
from helhet.quality.rules import varsling as rules

EXTERNAL_USERNAME = "varsel-revisor"
EXTERNAL_ORGANISATION = "Revisjon Fjordvik AS"
#: The demo anonymous case's passphrase (public on purpose: synthetic data only).
DEMO_PASSPHRASE = "måke over granskogen ved fjorden"  # noqa: S105 - public on purpose, demo only
_demo_code: dict[str, str] = {}


def demo_case_code() -> str | None:
    """The case code of the demo anonymous case built in this process (for printing), if any."""
    return _demo_code.get("kode")


def _provider() -> tuple[Leverandor, User] | None:
    """The municipal provider and its kvalitetsleder (from core.demo), if the world has them."""
    assignment = (
        RoleAssignment.objects.filter(
            rolle=Role.KVALITETSLEDER, leverandor__isnull=False, user__username="kvalitetsleder"
        )
        .select_related("leverandor", "user")
        .first()
    )
    if assignment is None or assignment.leverandor is None:
        return None
    return assignment.leverandor, assignment.user


def _external_user(rng: random.Random) -> User:
    from helhet.core.demo import DEMO_PASSWORD, OTP_DEVICE_NAME

    user = User.objects.create(
        username=EXTERNAL_USERNAME,
        first_name="Randi",
        last_name="Revisor",
        email=f"{EXTERNAL_USERNAME}@revisjon-fjordvik.example",
        password=make_password(DEMO_PASSWORD),
        kind=VARSELMOTTAKER_KIND,
        is_active=True,
    )
    TOTPDevice.objects.create(user=user, name=OTP_DEVICE_NAME, confirmed=True, key=f"{rng.getrandbits(160):040x}")
    return user


def build_demo(rng: random.Random, today: dt.date) -> dict[str, int]:
    found = _provider()
    if found is None:
        return {}
    leverandor, kvalitetsleder = found
    external = _external_user(rng)
    VarslingMottaker.objects.create(leverandor=leverandor, user=kvalitetsleder, kanal=Kanal.INTERN)
    VarslingMottaker.objects.create(
        leverandor=leverandor, user=external, kanal=Kanal.EKSTERN, organisasjon=EXTERNAL_ORGANISATION
    )
    hasher = services.HASHER

    # 1. Anonymous, internal, under investigation, with a dialogue.
    code = rules.new_case_code(rng.randrange)
    _demo_code["kode"] = code
    received = today - dt.timedelta(days=rng.randint(18, 25))
    anonymous = VarslingSak.objects.create(
        leverandor=leverandor,
        kanal=Kanal.INTERN,
        anonym=True,
        beskrivelse=(
            "På kveldsvakt blir vi ofte bedt om å føre opp at legemiddelrunden er gjort, også når vi ikke "
            "rakk den. Når vi sier fra, får vi høre at vi ikke er lojale. Dette har skjedd flere ganger i høst."
        ),
        tidsrom="September og oktober, kveldsvakter",
        kode_hmac=services.code_hash(code),
        passfrase_hash=rules.hash_passphrase(DEMO_PASSPHRASE, hasher),
        status=VarslingSak.Status.UNDER_UNDERSOKELSE,
        mottatt=received,
        kvittert=received + dt.timedelta(days=2),
        nytt_fra_melder=True,
    )
    messages = [
        VarslingMelding(
            sak=anonymous,
            fra=VarslingMelding.Fra.MOTTAKER,
            forfatter=kvalitetsleder,
            tekst="Takk for at du sier fra. Vi har startet en undersøkelse. Gjelder dette én eller flere enheter?",
            dato=received + dt.timedelta(days=2),
        ),
        VarslingMelding(
            sak=anonymous,
            fra=VarslingMelding.Fra.MELDER,
            tekst="Det gjelder én enhet, men jeg har hørt at det samme skjer andre steder.",
            dato=received + dt.timedelta(days=5),
        ),
    ]
    VarslingMelding.objects.bulk_create(messages)
    VarslingNotat.objects.create(
        sak=anonymous, forfatter=kvalitetsleder, tekst="Sjekk signeringslogg for legemiddelrunder mot vaktlister."
    )

    # 2. In a staff member's own name, just received.
    named_reporter = (
        User.objects.filter(
            role_assignments__rolle=Role.HELSEFAGARBEIDER, role_assignments__team__enhet__leverandor=leverandor
        )
        .order_by("username")
        .first()
    )
    cases = [anonymous]
    if named_reporter is not None:
        cases.append(
            VarslingSak.objects.create(
                leverandor=leverandor,
                kanal=Kanal.INTERN,
                anonym=False,
                melder=named_reporter,
                beskrivelse="Verneutstyr mangler i bilene på hjemmetjenesten, og avvik om det blir ikke fulgt opp.",
                mottatt=today - dt.timedelta(days=rng.randint(1, 3)),
            )
        )

    # 3. Anonymous to the external recipient, closed without censurable conditions.
    closed_on = today - dt.timedelta(days=rng.randint(8, 14))
    sletting = rules.deletion_due(closed_on, rules.Utfall.UBEGRUNNET)
    cases.append(
        VarslingSak.objects.create(
            leverandor=leverandor,
            kanal=Kanal.EKSTERN,
            anonym=True,
            beskrivelse="Jeg mener en leder gir sine venner de beste vaktene.",
            kode_hmac=services.code_hash(rules.new_case_code(rng.randrange)),
            passfrase_hash=rules.hash_passphrase("en annen lang demo passfrase", hasher),
            status=VarslingSak.Status.AVSLUTTET,
            utfall=rules.Utfall.UBEGRUNNET.value,
            mottatt=closed_on - dt.timedelta(days=rng.randint(30, 45)),
            kvittert=closed_on - dt.timedelta(days=28),
            avsluttet=closed_on,
            slettes=sletting.due,
            slette_regel=sletting.rule,
        )
    )
    return {
        "Varslingsmottakere": 2,
        "Varslingssaker": len(cases),
        "Meldinger i varslingssaker": len(messages),
    }


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, role label, place, full name) of the varsling demo logins that exist."""
    user = User.objects.filter(username=EXTERNAL_USERNAME).first()
    if user is None:
        return []
    return [(user.username, "Ekstern varslingsmottaker", EXTERNAL_ORGANISATION, user.get_full_name())]
