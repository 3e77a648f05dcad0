"""The demo world: deterministic, synthetic, complete enough to demonstrate every role."""

from __future__ import annotations

import base64
import io
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from helhet.core import access, demo
from helhet.core.access import Action
from helhet.core.management.commands.totp import current_code
from helhet.core.models import (
    Bydel,
    Fastlege,
    Kommune,
    Kontaktpunkt,
    Leverandor,
    Parorende,
    Role,
    RoleAssignment,
    Samtykke,
    Sperring,
    Team,
    Tjenestemottaker,
    TjenestemottakerTeam,
    User,
    UserKind,
    Verge,
)
from helhet.core.rules import identity, orgnr

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Settings) -> None:
    # Also in tests/conftest.py; repeated so this module stands alone.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_world() -> demo.DemoWorld:
    """The demo world, seed 1. (Not ``world``: that is conftest's small named cast.)"""
    return demo.build_demo_world(1, cases=False)


def _persons() -> list[tuple[str, str]]:
    return sorted(
        (p.fodselsnummer, f"{p.fornavn} {p.etternavn}")
        for p in Tjenestemottaker.objects.only("fodselsnummer", "fornavn", "etternavn")
    )


def _code_from_secret(secret: str) -> str:
    padded = secret + "=" * (-len(secret) % 8)
    totp = TOTP(base64.b32decode(padded))
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_same_seed_gives_same_world_and_other_seed_differs(demo_world: demo.DemoWorld) -> None:
    first = _persons()
    logins = demo_world.logins

    again = demo.build_demo_world(1, reset=True, cases=False)
    assert _persons() == first
    assert again.logins == logins

    demo.build_demo_world(2, reset=True, cases=False)
    assert _persons() != first
    assert Tjenestemottaker.objects.count() == len(first)


def test_refuses_a_database_with_data_unless_reset(demo_world: demo.DemoWorld) -> None:
    with pytest.raises(demo.DemoWorldExists) as excinfo:
        demo.build_demo_world(1, cases=False)
    assert "allerede data" in excinfo.value.message
    assert Tjenestemottaker.objects.count() == demo_world.counts["Tjenestemottaker"]


def test_counts_are_in_range(demo_world: demo.DemoWorld) -> None:
    assert Kommune.objects.count() == 1
    assert Bydel.objects.count() == 3
    assert Kontaktpunkt.objects.count() == 3
    assert Leverandor.objects.filter(type=Leverandor.Type.KOMMUNAL).count() == 1
    assert Leverandor.objects.filter(type=Leverandor.Type.PRIVAT).count() == 2
    assert 10 <= Team.objects.count() <= 24
    assert 65 <= User.objects.filter(kind=UserKind.STAFF).count() <= 110
    assert 250 <= Tjenestemottaker.objects.count() <= 350
    assert Fastlege.objects.count() == 20
    persons = Tjenestemottaker.objects.count()
    assert persons * 0.8 <= Parorende.objects.count() <= persons * 3
    assert 0.02 * persons <= Verge.objects.count() <= 0.10 * persons
    assert Samtykke.objects.count() >= 0.6 * persons
    assert 0 < Samtykke.objects.filter(trukket__isnull=False).count() <= 0.12 * Samtykke.objects.count()
    assert Sperring.objects.count() == 4
    assert demo_world.counts["Tjenestemottaker"] == persons
    # Every person has exactly one serving team, from a provider covering the person's bydel.
    for link in TjenestemottakerTeam.objects.select_related("tjenestemottaker", "team"):
        assert link.team.bydeler.filter(pk=link.tjenestemottaker.bydel_id).exists()
    assert TjenestemottakerTeam.objects.count() == persons


def test_identity_numbers_are_valid_synthetic_and_match_the_person(demo_world: demo.DemoWorld) -> None:
    kinds = set()
    for person in Tjenestemottaker.objects.all():
        parsed = identity.parse(person.fodselsnummer)
        assert parsed.synthetic is True
        assert parsed.birth_date == person.fodselsdato
        assert person.fodselsnummer_digest == Tjenestemottaker.digest_for(person.fodselsnummer)
        male = int(person.fodselsnummer[8]) % 2 == 1
        assert person.kjonn == (Tjenestemottaker.Kjonn.MANN if male else Tjenestemottaker.Kjonn.KVINNE)
        kinds.add(parsed.kind)
    assert identity.IdKind.FODSELSNUMMER in kinds


def test_organisation_numbers_validate(demo_world: demo.DemoWorld) -> None:
    numbers = list(Leverandor.objects.values_list("organisasjonsnummer", flat=True))
    assert len(numbers) == 3
    for number in numbers:
        assert orgnr.validate(number) == number


def test_every_role_has_an_active_user_and_a_printed_login(demo_world: demo.DemoWorld) -> None:
    for role in Role:
        users = User.objects.filter(is_active=True, kind=UserKind.STAFF, role_assignments__rolle=role)
        assert any(role in u.roles() for u in users), role
    assert [login.role for login in demo_world.logins] == [role.value for role in Role]
    assert {login.username for login in demo_world.logins} == set(demo.DEMO_USERNAMES.values())
    sysadmin = User.objects.get(username="sysadmin")
    assert sysadmin.is_staff and sysadmin.is_superuser
    personvern = RoleAssignment.objects.get(user__username="personvern")
    assert personvern.bydel_id is personvern.leverandor_id is personvern.enhet_id is personvern.team_id is None
    for login in demo_world.logins:
        user = User.objects.get(username=login.username)
        assert user.check_password(login.password)
        assert login.password == demo.DEMO_PASSWORD


def test_login_secrets_give_codes_the_devices_accept(demo_world: demo.DemoWorld) -> None:
    for login in demo_world.logins:
        device = TOTPDevice.objects.get(user__username=login.username, confirmed=True)
        assert device.name == demo.OTP_DEVICE_NAME
        assert device.verify_token(_code_from_secret(login.totp_secret)), login.username


def test_demo_nurse_scenarios(demo_world: demo.DemoWorld) -> None:
    nurse = User.objects.get(username="sykepleier")
    team = nurse.role_assignments.get(rolle=Role.SYKEPLEIER).team
    served = Tjenestemottaker.objects.filter(team_tilknytning__team=team)
    assert served.count() >= demo.DEMO_TEAM_MIN_PERSONS
    assert Tjenestemottaker.objects.filter(primaerkontakt=nurse).count() >= 3
    person = served.first()
    assert team is not None and person is not None
    assert access.check(nurse, Action.VIEW, person).allowed

    # The «refused» demo: same bydel, another team, no sperring.
    bydel = team.bydeler.get()
    other = (
        Tjenestemottaker.objects.filter(bydel=bydel)
        .exclude(team_tilknytning__team=team)
        .exclude(sperringer__sperret_bruker=nurse)
        .first()
    )
    assert other is not None
    decision = access.check(nurse, Action.VIEW, other)
    assert not decision.allowed and decision.may_break_glass

    # Exactly one person bars the demo nurse, and that person is served by another team.
    barring = Sperring.objects.get(sperret_bruker=nurse)
    assert not barring.tjenestemottaker.team_tilknytning.filter(team=team).exists()
    # The other sperringer bar a member of the person's own team who is not a demo login.
    for sperring in Sperring.objects.exclude(sperret_bruker=nurse):
        assert sperring.sperret_bruker.username not in demo.DEMO_USERNAMES.values()
        teams = sperring.tjenestemottaker.team_tilknytning.values("team")
        assert sperring.sperret_bruker.role_assignments.filter(team__in=teams).exists()


def test_demo_command_without_serving_builds_then_reuses() -> None:
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert "Demoverdenen er bygget" in text
    assert demo.DEMO_PASSWORD in text
    assert "helhet totp BRUKERNAVN" in text
    for username in demo.DEMO_USERNAMES.values():
        assert username in text
    persons = _persons()

    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "finnes allerede" in out.getvalue()
    assert _persons() == persons
    secret = demo.base32_secret(demo.totp_key(1, "sykepleier"))
    assert secret in out.getvalue()


def test_demo_command_refuses_foreign_data() -> None:
    Kommune.objects.create(navn="Annen kommune", kommunenummer="0301")
    with pytest.raises(CommandError, match="ikke demoverdenen"):
        call_command("demo", "--no-serve", stdout=io.StringIO())


def test_totp_command_prints_an_accepted_code(demo_world: demo.DemoWorld) -> None:
    out = io.StringIO()
    call_command("totp", "sykepleier", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    device = TOTPDevice.objects.get(user__username="sykepleier")
    assert device.verify_token(code)
    assert len(current_code(device)) == 6


def test_totp_command_refuses_a_user_without_device(demo_world: demo.DemoWorld) -> None:
    User.objects.create_user(username="uten.app", password="x" * 12)
    with pytest.raises(CommandError, match="ingen bekreftet autentiseringsapp"):
        call_command("totp", "uten.app")
    with pytest.raises(CommandError, match="Fant ingen bruker"):
        call_command("totp", "finnes.ikke")
