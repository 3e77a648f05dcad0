"""factory_boy factories for the core models, and the ``login`` helper for client tests.

Every identity number made here is *synthetic* (month + 80, Tenor style), never a real person's,
and every organisation number passes the modulus-11 check. Sequences keep both unique.

Import from tests as ``from factories import ...`` (``tests/`` is on ``sys.path`` through its
conftest, and ruff treats it as a first-party source root).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import factory
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhet.core.models import (
    Bydel,
    Enhet,
    Fastlege,
    Kommune,
    Leverandor,
    Parorende,
    RoleAssignment,
    Team,
    Tjenestemottaker,
    TjenestemottakerTeam,
    User,
)
from helhet.core.models.users import BYDEL_ROLES, CARE_ROLES, Role, UserKind
from helhet.core.rules import identity, orgnr

PASSWORD = "riktig hest batteri stift"

#: Synthetic birth dates start here and step one day per person (wrapping long before "today").
_FIRST_BIRTH_DATE = dt.date(1920, 1, 1)
_BIRTH_DATE_SPAN_DAYS = 30_000  # 1920-01-01 .. 2002-02-18


def orgnr_for(n: int) -> str:
    """A valid organisation number, unique per ``n`` (0 <= n < 1 000 000).

    The eight-digit prefix is ``9`` + ``n`` (six digits) + one free digit. Changing the free digit
    (weight 2) moves the weighted sum through ten different residues mod 11, so at most one of the
    ten needs the impossible control digit 10: the first or second candidate always completes.
    """
    for free in range(10):
        number = orgnr.with_check_digit(f"9{n % 1_000_000:06d}{free}")
        if number is not None:
            return number
    raise AssertionError("unreachable: some free digit always gives a control digit")  # pragma: no cover


def synthetic_fodselsnummer(n: int) -> str:
    """A valid synthetic fødselsnummer, unique per ``n`` (the birth date is unique per ``n`` mod 30 000)."""
    birth = _FIRST_BIRTH_DATE + dt.timedelta(days=n % _BIRTH_DATE_SPAN_DAYS)
    return identity.synthetic_number(birth, random.Random(n))


class KommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kommune

    navn = factory.Sequence(lambda n: f"Kommune {n}")
    kommunenummer = factory.Sequence(lambda n: f"{(n % 9000) + 1000:04d}")


class BydelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bydel

    kommune = factory.SubFactory(KommuneFactory)
    navn = factory.Sequence(lambda n: f"Bydel {n}")
    bydelsnummer = factory.Sequence(lambda n: f"{n % 1_000_000:06d}")


class LeverandorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leverandor

    navn = factory.Sequence(lambda n: f"Hjemmetjenester {n} AS")
    organisasjonsnummer = factory.Sequence(orgnr_for)
    type = Leverandor.Type.KOMMUNAL
    kommune = factory.SubFactory(KommuneFactory)


class EnhetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enhet

    leverandor = factory.SubFactory(LeverandorFactory)
    navn = factory.Sequence(lambda n: f"Hjemmetjenesten enhet {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    enhet = factory.SubFactory(EnhetFactory)
    navn = factory.Sequence(lambda n: f"Team {n}")

    @factory.post_generation
    def bydeler(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """``TeamFactory(bydeler=[bydel, ...])`` sets the bydeler the team covers."""
        if create and extracted:
            self.bydeler.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    """A staff member (``kind = ansatt``), active, with the password :data:`PASSWORD`."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruker{n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    kind = UserKind.STAFF
    is_active = True
    password = factory.django.Password(PASSWORD)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    """A role in one place. Without a place given, care roles get a new team and bydel roles a new bydel.

    Other roles (leder, kvalitetsleder, …) get no place unless one is given: «hele kommunen».
    """

    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    rolle = Role.SYKEPLEIER
    bydel = None
    leverandor = None
    enhet = None
    team = None

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        has_place = any(kwargs.get(name) is not None for name in ("bydel", "leverandor", "enhet", "team"))
        if not has_place:
            if kwargs["rolle"] in CARE_ROLES:
                kwargs["team"] = TeamFactory()
            elif kwargs["rolle"] in BYDEL_ROLES:
                kwargs["bydel"] = BydelFactory()
        return kwargs


class FastlegeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fastlege

    navn = factory.Faker("name", locale="no_NO")
    hpr_nummer = factory.Sequence(lambda n: f"{n % 1_000_000_000:09d}")
    legekontor = factory.Sequence(lambda n: f"Legesenteret {n}")
    telefon = factory.Faker("phone_number", locale="no_NO")


class TjenestemottakerFactory(factory.django.DjangoModelFactory):
    """A person with a synthetic fødselsnummer, unique per sequence number."""

    class Meta:
        model = Tjenestemottaker

    fodselsnummer = factory.Sequence(synthetic_fodselsnummer)
    kjonn = factory.LazyAttribute(
        lambda o: Tjenestemottaker.Kjonn.MANN if int(o.fodselsnummer[8]) % 2 else Tjenestemottaker.Kjonn.KVINNE
    )
    fornavn = factory.Faker("first_name", locale="no_NO")
    etternavn = factory.Faker("last_name", locale="no_NO")
    adresse = factory.Faker("street_address", locale="no_NO")
    postnummer = factory.Sequence(lambda n: f"{(n % 9000) + 100:04d}")
    poststed = "Oslo"
    bydel = factory.SubFactory(BydelFactory)

    @classmethod
    def _build(cls, model_class: type[Tjenestemottaker], *args: Any, **kwargs: Any) -> Tjenestemottaker:
        number = kwargs.pop("fodselsnummer")
        person = model_class(*args, **kwargs)
        person.set_fodselsnummer(number)
        return person

    @classmethod
    def _create(cls, model_class: type[Tjenestemottaker], *args: Any, **kwargs: Any) -> Tjenestemottaker:
        person = cls._build(model_class, *args, **kwargs)
        person.save()
        return person


class ParorendeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parorende

    tjenestemottaker = factory.SubFactory(TjenestemottakerFactory)
    navn = factory.Faker("name", locale="no_NO")
    relasjon = Parorende.Relasjon.BARN
    telefon = factory.Faker("phone_number", locale="no_NO")


class TjenestemottakerTeamFactory(factory.django.DjangoModelFactory):
    """A team serving a person, from today and open-ended unless ``fra``/``til`` are given."""

    class Meta:
        model = TjenestemottakerTeam

    tjenestemottaker = factory.SubFactory(TjenestemottakerFactory)
    team = factory.SubFactory(TeamFactory)


# --- the world: a small named cast ----------------------------------------------------------------


@dataclass
class World:
    kommune: Kommune
    bydel_1: Bydel
    bydel_2: Bydel
    leverandor: Leverandor
    enhet_a: Enhet
    enhet_b: Enhet
    team_a: Team
    team_b: Team
    P: Tjenestemottaker  # the person is called P in the policy and in every test
    nurse_a: User
    helper_a: User
    assistant_a: User
    nurse_b: User
    leader_a: User
    leader_b: User
    saksbehandler_1: User
    saksbehandler_2: User
    vedtaksmyndig_1: User
    kvalitetsleder: User
    personvern: User
    sysadmin: User

    USER_NAMES = (
        "nurse_a",
        "helper_a",
        "assistant_a",
        "nurse_b",
        "leader_a",
        "leader_b",
        "saksbehandler_1",
        "saksbehandler_2",
        "vedtaksmyndig_1",
        "kvalitetsleder",
        "personvern",
        "sysadmin",
    )

    @property
    def users(self) -> dict[str, User]:
        return {name: getattr(self, name) for name in self.USER_NAMES}


def _staff(username: str, first: str, last: str, rolle: Role, **place: object) -> User:
    user = UserFactory(username=username, first_name=first, last_name=last)
    RoleAssignmentFactory(user=user, rolle=rolle, **place)
    return user


def build_world() -> World:
    """Build the named cast (see ``tests/conftest.py`` for the picture). Needs the database."""
    kommune = KommuneFactory(navn="Testkommune", kommunenummer="9999")
    bydel_1 = BydelFactory(kommune=kommune, navn="Bydel Nord")
    bydel_2 = BydelFactory(kommune=kommune, navn="Bydel Sør")
    leverandor = LeverandorFactory(navn="Hjemmetjenesten KF", kommune=kommune)
    enhet_a = EnhetFactory(leverandor=leverandor, navn="Enhet A")
    enhet_b = EnhetFactory(leverandor=leverandor, navn="Enhet B")
    team_a = TeamFactory(enhet=enhet_a, navn="Team A", bydeler=[bydel_1])
    team_b = TeamFactory(enhet=enhet_b, navn="Team B", bydeler=[bydel_2])

    nurse_a = _staff("nurse_a", "Nina", "Nilsen", Role.SYKEPLEIER, team=team_a)
    saksbehandler_1 = _staff("saksbehandler_1", "Sara", "Berg", Role.SAKSBEHANDLER, bydel=bydel_1)
    person = TjenestemottakerFactory(
        fornavn="Per",
        etternavn="Prøve",
        bydel=bydel_1,
        saksbehandler=saksbehandler_1,
        primaerkontakt=nurse_a,
    )
    TjenestemottakerTeamFactory(tjenestemottaker=person, team=team_a)

    return World(
        kommune=kommune,
        bydel_1=bydel_1,
        bydel_2=bydel_2,
        leverandor=leverandor,
        enhet_a=enhet_a,
        enhet_b=enhet_b,
        team_a=team_a,
        team_b=team_b,
        P=person,
        nurse_a=nurse_a,
        helper_a=_staff("helper_a", "Hege", "Haugen", Role.HELSEFAGARBEIDER, team=team_a),
        assistant_a=_staff("assistant_a", "Ali", "Aas", Role.ASSISTENT, team=team_a),
        nurse_b=_staff("nurse_b", "Bjørn", "Bakke", Role.SYKEPLEIER, team=team_b),
        leader_a=_staff("leader_a", "Lise", "Lunde", Role.LEDER, enhet=enhet_a),
        leader_b=_staff("leader_b", "Lars", "Lie", Role.LEDER, enhet=enhet_b),
        saksbehandler_1=saksbehandler_1,
        saksbehandler_2=_staff("saksbehandler_2", "Siv", "Strand", Role.SAKSBEHANDLER, bydel=bydel_2),
        vedtaksmyndig_1=_staff("vedtaksmyndig_1", "Vidar", "Vik", Role.VEDTAKSMYNDIG, bydel=bydel_1),
        kvalitetsleder=_staff("kvalitetsleder", "Kari", "Kvam", Role.KVALITETSLEDER),
        personvern=_staff("personvern", "Per", "Vern", Role.PERSONVERNANSVARLIG),
        sysadmin=_staff("sysadmin", "Sys", "Admin", Role.SYSTEMADMINISTRATOR),
    )


def login(client: Client, user: User) -> TOTPDevice:
    """Log ``user`` in on ``client`` as if they had passed password *and* TOTP.

    Creates a confirmed TOTP device and stores its ``persistent_id`` under django-otp's session key,
    which is what :class:`django_otp.middleware.OTPMiddleware` reads to set ``user.otp_device``
    (so ``user.is_verified()`` is true). Returns the device.
    """
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session  # a fresh SessionStore each access: keep this one, then save it
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
