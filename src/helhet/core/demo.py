"""The demo world behind ``helhet demo``: a realistic, wholly synthetic Norwegian municipality.

«Fjordvik kommune» (an Oslo-like kommune with three bydeler), one municipal and two private
providers with their units and teams, about 80 staff in their roles, about 300 tjenestemottakere
with relatives, guardians, GPs, consents and a few sperringer.

Everything is *synthetic*:

- identity numbers are Tenor-style synthetic numbers (month + 80, see :mod:`helhet.core.rules.identity`),
  which the Folkeregister never issues;
- e-mail addresses use the reserved ``.example`` top-level domain;
- organisation numbers only pass the control digit check (a collision with a real one is possible,
  but the names are fictional).

The world is deterministic: the same seed gives the same people, names, numbers, teams and
logins (``random.Random(seed)`` and a seeded Faker instance; never the global ``random``). Dates
such as «team from» are relative to today's date. Primary keys are not derived from the seed on
purpose: audit rows refer to persons by id without a database constraint and outlive a reset,
so a rebuilt person must never inherit the audit trail of the person it replaces.

Demo logins: one per :class:`~helhet.core.models.Role`, all with the password
:data:`DEMO_PASSWORD` and a confirmed TOTP device whose key is derived from the seed and the
username. **Anyone who knows the seed can compute the second factor**: the demo world is for
demonstrations and tests, never for a database that holds real data.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
import random
import re
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from helhet.core.models import (
    AuditEvent,
    AuditHead,
    Bydel,
    Enhet,
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

if TYPE_CHECKING:
    from helhet.bpa.demo import LoginInfo

#: The password of every demo user, printed by ``helhet demo`` (public on purpose: synthetic data only).
DEMO_PASSWORD = "Helhet-demo-2026"  # noqa: S105 - public on purpose: the demo world's shared password
#: The name of each demo user's TOTP device, as shown in the login pages.
OTP_DEVICE_NAME = "Autentiseringsapp"
#: Faker has no ``nb_NO`` locale; its Norwegian (bokmål) data lives under ``no_NO``.
FAKER_LOCALE = "no_NO"

KOMMUNE_NAVN = "Fjordvik kommune"
KOMMUNENUMMER = "4699"
KOMMUNE_DOMAIN = "fjordvik.kommune.example"
POSTSTED = "Fjordvik"

#: The fixed usernames of the printed logins: the first user created in each role.
DEMO_USERNAMES: Mapping[Role, str] = {
    Role.SAKSBEHANDLER: "saksbehandler",
    Role.VEDTAKSMYNDIG: "vedtaksmyndig",
    Role.LEDER: "leder",
    Role.SYKEPLEIER: "sykepleier",
    Role.HELSEFAGARBEIDER: "helsefagarbeider",
    Role.ASSISTENT: "assistent",
    Role.KVALITETSLEDER: "kvalitetsleder",
    Role.PERSONVERNANSVARLIG: "personvern",
    Role.SYSTEMADMINISTRATOR: "sysadmin",
    Role.MELDINGSANSVARLIG: "meldingsansvarlig",
}

#: How many persons the demo nurse's team serves at least.
DEMO_TEAM_MIN_PERSONS = 15
PERSON_COUNT = 300


class DemoWorldExists(RuntimeError):
    """The database already holds data; the demo world is only built into an empty one (or with reset)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DemoLogin:
    """One printed demo login."""

    username: str
    password: str
    role: str
    role_label: str
    place: str
    full_name: str
    totp_secret: str  # base32, for an authenticator app


@dataclass(frozen=True)
class DemoWorld:
    """What ``helhet demo`` prints: the logins, and row counts when the world was just built."""

    seed: int | None
    logins: tuple[DemoLogin, ...]
    counts: Mapping[str, int] = field(default_factory=dict, compare=False)
    seconds: float | None = field(default=None, compare=False)


# --- keys ------------------------------------------------------------------------------------------


def totp_key(seed: int, username: str) -> str:
    """The demo user's TOTP key: 20 bytes as 40 hex characters, derived from seed and username."""
    return hashlib.sha256(f"helhet-demo:{seed}:{username}".encode()).hexdigest()[:40]


def base32_secret(hex_key: str) -> str:
    """The key as authenticator apps want it (RFC 4648 base32, no padding)."""
    return base64.b32encode(bytes.fromhex(hex_key)).decode("ascii").rstrip("=")


# --- the database: empty, reset, existing world ------------------------------------------------------

#: Never deleted by a reset: the audit trail is append-only and stays valid as it is.
_KEPT_MODELS: frozenset[type[models.Model]] = frozenset({AuditEvent, AuditHead})
#: A model that holds reference data loaded by a migration (codes, rates, G values) sets this class
#: attribute to True: its rows then neither count as «data» nor are deleted by a reset.
REFERENCE_DATA_ATTRIBUTE = "HELHET_REFERENCE_DATA"


def _world_models() -> list[type[models.Model]]:
    """Every model of Helhet's own apps (later apps included automatically), except the audit trail
    and reference-data models (see :data:`REFERENCE_DATA_ATTRIBUTE`)."""
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("helhet.")
        and model not in _KEPT_MODELS
        and not model._meta.proxy
        and not getattr(model, REFERENCE_DATA_ATTRIBUTE, False)
    ]


def database_has_data() -> bool:
    """True when any of Helhet's tables (the audit trail and reference data aside) has a row."""
    return any(model._base_manager.exists() for model in _world_models())


#: Append-only tables (``app_label.Model``) whose rows the database itself refuses to delete (a trigger
#: on PostgreSQL), or whose corrections protect the rows they correct (``on_delete=PROTECT`` to the same
#: table, which Django's delete cannot untangle): a reset empties them with TRUNCATE / a plain DELETE.
APPEND_ONLY_MODELS: tuple[str, ...] = ("care.Journalnotat", "bpa.Timeliste")


def _clear_append_only() -> None:
    """Empty the append-only tables and the tables that refer to them (a reset deletes everything anyway).

    PostgreSQL: one ``TRUNCATE … CASCADE`` (the journal's trigger refuses row deletes). SQLite: the
    referring rows first, then the table itself (rows that correct other rows are protected against
    Django's delete, not against SQL's).
    """
    targets: list[type[models.Model]] = []
    for label in APPEND_ONLY_MODELS:
        try:
            targets.append(apps.get_model(label))
        except LookupError:
            continue
    if not targets:
        return
    referring = [
        rel.related_model
        for model in targets
        for rel in model._meta.related_objects
        if rel.related_model not in targets and isinstance(rel.related_model, type)
    ]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(qn(m._meta.db_table) for m in [*targets, *referring])
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: inside a transaction with pending
            # checks PostgreSQL refuses TRUNCATE, so run the checks now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables} CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for model in [*referring, *targets]:
                cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")  # noqa: S608 - table names from models


def _delete_world(out: _Out) -> None:
    """Delete every row of Helhet's tables except the audit trail, whatever protects what.

    Append-only tables are emptied first (:func:`_clear_append_only`). Then models are tried in
    reverse registration order and retried until all are empty: a model whose rows are still
    protected by another's is simply tried again after that one is gone.
    """
    _clear_append_only()
    pending = list(reversed(_world_models()))
    for _ in range(len(pending) + 1):
        left: list[type[models.Model]] = []
        for model in pending:
            try:
                with transaction.atomic():
                    model._base_manager.all().delete()
            except (ProtectedError, RestrictedError, IntegrityError):
                left.append(model)
        if not left:
            out("Slettet den gamle demoverdenen (tilgangsloggen er beholdt).")
            return
        if len(left) == len(pending):
            break
        pending = left
    names = ", ".join(m._meta.label for m in pending)
    raise RuntimeError(f"could not delete the rows of: {names}")


def _place_label(assignment: RoleAssignment) -> str:
    if assignment.team_id is not None:
        team = assignment.team
        assert team is not None
        return f"{team.navn}, {team.enhet.navn}"
    if assignment.enhet_id is not None:
        assert assignment.enhet is not None
        return assignment.enhet.navn
    if assignment.leverandor_id is not None:
        assert assignment.leverandor is not None
        return assignment.leverandor.navn
    if assignment.bydel_id is not None:
        assert assignment.bydel is not None
        return assignment.bydel.navn
    return "Hele kommunen"


def existing_demo_world(seed: int | None = None) -> DemoWorld | None:
    """The logins of the demo world already in the database, or None if it holds no demo world.

    Secrets are read from the stored devices (not recomputed), so they are right whatever seed
    built the world. ``seed`` is reported back only if it is the seed that built it.
    """
    logins: list[DemoLogin] = []
    seed_matches = seed is not None
    for role, username in DEMO_USERNAMES.items():
        user = User.objects.filter(username=username, kind=UserKind.STAFF).first()
        if user is None:
            return None
        device = TOTPDevice.objects.filter(user=user, confirmed=True, name=OTP_DEVICE_NAME).order_by("pk").first()
        assignment = (
            user.role_assignments.filter(rolle=role)
            .select_related("bydel", "leverandor", "enhet__leverandor", "team__enhet")
            .order_by("pk")
            .first()
        )
        if device is None or assignment is None:
            return None
        if seed is not None and device.key != totp_key(seed, username):
            seed_matches = False
        logins.append(
            DemoLogin(
                username=username,
                password=DEMO_PASSWORD,
                role=role.value,
                role_label=role.label,
                place=_place_label(assignment),
                full_name=user.get_full_name(),
                totp_secret=base32_secret(device.key),
            )
        )
    for extra in _extra_logins():
        device = (
            TOTPDevice.objects.filter(user__username=extra.username, confirmed=True, name=OTP_DEVICE_NAME)
            .order_by("pk")
            .first()
        )
        if device is None:
            continue
        if seed is not None and device.key != totp_key(seed, extra.username):
            seed_matches = False
        logins.append(
            DemoLogin(
                username=extra.username,
                password=DEMO_PASSWORD,
                role=extra.role,
                role_label=extra.role_label,
                place=extra.place,
                full_name=extra.full_name,
                totp_secret=base32_secret(device.key),
            )
        )
    return DemoWorld(seed=seed if seed_matches else None, logins=tuple(logins))


def _extra_logins() -> list[LoginInfo]:
    """The later demos' logins, when they were built: BPA (the adviser and the arbeidsledere of the
    portal) and the quality system (the external whistleblowing recipient)."""
    found: list[LoginInfo] = []
    if apps.is_installed("helhet.bpa"):
        from helhet.bpa import demo as bpa_demo

        found += bpa_demo.demo_logins()
    if apps.is_installed("helhet.quality"):
        from helhet.bpa.demo import LoginInfo as Info
        from helhet.quality import demo_varsling

        found += [
            Info(u, "varselmottaker", label, place, name) for u, label, place, name in demo_varsling.demo_logins()
        ]
    return found


# --- fixed, hand-written parts of the world -----------------------------------------------------------


@dataclass(frozen=True)
class _BydelSpec:
    navn: str
    kort: str  # short name for units and teams
    nummer: str
    centre: tuple[float, float]
    postnummer: tuple[str, ...]
    gater: tuple[str, ...]
    kontaktpunkt_adresse: str
    telefon: str
    weight: float


BYDELER: tuple[_BydelSpec, ...] = (
    _BydelSpec(
        navn="Bydel Sentrum",
        kort="Sentrum",
        nummer="469901",
        centre=(59.913, 10.750),
        postnummer=("0150", "0151", "0152", "0154", "0155", "0157", "0158", "0159", "0160"),
        gater=(
            "Storgata",
            "Kirkegata",
            "Torggata",
            "Prinsens gate",
            "Rådhusgata",
            "Møllergata",
            "Tollbugata",
            "Dronningens gate",
            "Skippergata",
            "Brugata",
            "Hammersborggata",
            "Kongens gate",
        ),
        kontaktpunkt_adresse="Rådhusgata 12, 0151 Fjordvik",
        telefon="21 80 21 01",
        weight=0.36,
    ),
    _BydelSpec(
        navn="Bydel Nordås",
        kort="Nordås",
        nummer="469902",
        centre=(59.950, 10.760),
        postnummer=("0450", "0451", "0452", "0454", "0455", "0456", "0457", "0458", "0459"),
        gater=(
            "Nordåsveien",
            "Tåsenveien",
            "Kjelsåsveien",
            "Grefsenveien",
            "Sognsveien",
            "Ullevålsveien",
            "Bjerkealléen",
            "Lyngveien",
            "Solhaugveien",
            "Bekkeveien",
            "Kapellveien",
            "Lerkeveien",
        ),
        kontaktpunkt_adresse="Nordåsveien 40, 0452 Fjordvik",
        telefon="21 80 21 02",
        weight=0.33,
    ),
    _BydelSpec(
        navn="Bydel Østli",
        kort="Østli",
        nummer="469903",
        centre=(59.920, 10.830),
        postnummer=("0660", "0661", "0662", "0663", "0664", "0665", "0666", "0667", "0668"),
        gater=(
            "Østliveien",
            "Tvetenveien",
            "Haugerudveien",
            "Trosterudveien",
            "Lindebergveien",
            "Furusetalléen",
            "Bjerkeveien",
            "Granstuveien",
            "Rognstien",
            "Hellerudveien",
            "Vestlitoppen",
            "Eikeveien",
        ),
        kontaktpunkt_adresse="Østli torg 3, 0663 Fjordvik",
        telefon="21 80 21 03",
        weight=0.31,
    ),
)

APNINGSTID = "Mandag–fredag 08.00–15.30 (telefon til 15.00)"
TEAM_DIRECTIONS = ("Nord", "Sør", "Øst", "Vest")
PRIVATE_TEAM_NAMES = (
    "Bjørk",
    "Furu",
    "Lind",
    "Rogn",
    "Selje",
    "Osp",
    "Hegg",
    "Gran",
    "Eik",
    "Lønn",
    "Hassel",
    "Alm",
    "Einer",
    "Vier",
)

LEGESENTRE: tuple[tuple[str, str, str], ...] = (
    ("Sentrum legesenter", "Storgata 21, 0155 Fjordvik", "22 41 10 00"),
    ("Torget legegruppe", "Torggata 8, 0154 Fjordvik", "22 41 20 00"),
    ("Bryggen legekontor", "Tollbugata 3, 0152 Fjordvik", "22 41 30 00"),
    ("Nordås legesenter", "Tåsenveien 12, 0455 Fjordvik", "22 42 10 00"),
    ("Grefsen legekontor", "Grefsenveien 77, 0457 Fjordvik", "22 42 20 00"),
    ("Østli helsehus", "Østliveien 5, 0663 Fjordvik", "22 43 10 00"),
    ("Haugerud legesenter", "Haugerudveien 30, 0666 Fjordvik", "22 43 20 00"),
)

#: Other languages than Norwegian, with their share among those who speak another language.
OTHER_LANGUAGES: tuple[tuple[str, float], ...] = (
    ("urdu", 0.25),
    ("somali", 0.2),
    ("polsk", 0.2),
    ("arabisk", 0.15),
    ("tyrkisk", 0.1),
    ("vietnamesisk", 0.1),
)

#: Name pools for persons whose first language is not Norwegian: (female, male, surnames).
FOREIGN_NAMES: Mapping[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "urdu": (
        ("Fatima", "Ayesha", "Nasreen", "Shabana", "Rubina", "Naila", "Samina"),
        ("Muhammad", "Tariq", "Imran", "Asif", "Javed", "Khalid", "Shahid"),
        ("Ahmed", "Ali", "Hussain", "Khan", "Iqbal", "Butt", "Malik", "Chaudhry"),
    ),
    "somali": (
        ("Hodan", "Amina", "Faadumo", "Sahra", "Khadija", "Hawa", "Ifrah"),
        ("Abdullahi", "Yusuf", "Abdirahman", "Mohamed", "Hassan", "Ahmed", "Omar"),
        ("Abdi", "Hassan", "Warsame", "Farah", "Jama", "Osman", "Ali", "Mohamud"),
    ),
    "polsk": (
        ("Anna", "Maria", "Krystyna", "Barbara", "Halina", "Zofia", "Ewa"),
        ("Jan", "Andrzej", "Tadeusz", "Krzysztof", "Stanisław", "Marek", "Józef"),
        ("Nowak", "Kowalczyk", "Wójcik", "Mazur", "Krawczyk", "Zając", "Król", "Wieczorek"),
    ),
    "arabisk": (
        ("Layla", "Mariam", "Samira", "Nour", "Huda", "Rania", "Salma"),
        ("Ahmad", "Omar", "Khalil", "Yousef", "Samir", "Karim", "Walid"),
        ("Haddad", "Nasser", "Khalil", "Mansour", "Saleh", "Hamdan", "Darwish", "Aziz"),
    ),
    "tyrkisk": (
        ("Ayşe", "Fatma", "Emine", "Zeynep", "Hatice", "Elif", "Sevgi"),
        ("Mehmet", "Mustafa", "Hüseyin", "Ibrahim", "Osman", "Yusuf", "Ahmet"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Arslan"),
    ),
    "vietnamesisk": (
        ("Thi Lan", "Thi Hoa", "Mai", "Huong", "Thi Thu", "Ngoc Anh", "Thi Minh"),
        ("Van Minh", "Van Hung", "Duc", "Quang", "Van Long", "Thanh", "Van Nam"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui"),
    ),
}

VERGE_MANDATER = (
    "Økonomiske og personlige forhold, herunder helse og omsorg.",
    "Personlige forhold, herunder å samtykke til helsehjelp og søke om helse- og omsorgstjenester.",
    "Økonomiske forhold og bolig; personlige forhold knyttet til helse- og omsorgstjenester.",
    "Representasjon overfor kommunen i saker om helse- og omsorgstjenester.",
)
VELFERDSTEKNOLOGI = (
    "Trygghetsalarm med varsling til hjemmetjenesten.",
    "Elektronisk medisindispenser med varsel ved glemt dose.",
    "Digitalt tilsyn med bevegelsessensor om natten.",
    "Dørsensor med varsling ved utgang om natten, og GPS-lokalisering ved turer.",
)
SPERRING_BEGRUNNELSER = (
    "Den ansatte er nabo av tjenestemottakeren, som ikke ønsker at vedkommende skal ha innsyn.",
    "Tidligere konflikt mellom familien og den ansatte.",
    "Tjenestemottakeren kjenner den ansatte privat og ønsker ikke at hun eller han ser opplysningene.",
    "Tjenestemottakeren har bedt om at den ansatte ikke skal ha tilgang, uten å oppgi grunn.",
)

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "ł": "l", "ı": "i", "ß": "ss", "ä": "a", "ö": "o", "ü": "u"})


def _slug(text: str) -> str:
    value = unicodedata.normalize("NFKD", text.lower().translate(_FOLD)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", value).strip("-")


# --- the builder ------------------------------------------------------------------------------------


class Writer(Protocol):
    """Anything with ``write(str)``: a text file, ``sys.stdout`` or a management command's ``self.stdout``."""

    def write(self, msg: str, /) -> object: ...


class _Out:
    def __init__(self, stdout: Writer | None) -> None:
        self.stdout = stdout

    def __call__(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")


@dataclass
class _TeamInfo:
    team: Team
    enhet: Enhet
    leverandor: Leverandor
    bydeler: list[Bydel]
    sykepleiere: list[User] = field(default_factory=list)
    helsefagarbeidere: list[User] = field(default_factory=list)
    assistenter: list[User] = field(default_factory=list)

    @property
    def kommunal(self) -> bool:
        return self.leverandor.type == Leverandor.Type.KOMMUNAL

    @property
    def primaerkontakter(self) -> list[User]:
        return self.sykepleiere + self.helsefagarbeidere

    @property
    def members(self) -> list[User]:
        return self.sykepleiere + self.helsefagarbeidere + self.assistenter


@dataclass
class _StaffSpec:
    username: str
    first_name: str
    last_name: str
    email_domain: str
    rolle: Role
    bydel: Bydel | None = None
    leverandor: Leverandor | None = None
    enhet: Enhet | None = None
    team: _TeamInfo | None = None
    hpr: str = ""


class _Builder:
    def __init__(self, seed: int, out: _Out) -> None:
        self.seed = seed
        self.out = out
        self.rng = random.Random(seed)
        self.fake = Faker(FAKER_LOCALE)
        self.fake.seed_instance(seed)
        self.today = timezone.localdate()
        self.usernames: set[str] = set(DEMO_USERNAMES.values())
        self.used_numbers: set[str] = set()
        self.counts: dict[str, int] = {}

    # small helpers -----------------------------------------------------------------------------------

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def mobile(self) -> str:
        first = self.rng.choice("49")
        return f"{first}{self.rng.randint(0, 99):02d} {self.rng.randint(0, 99):02d} {self.rng.randint(0, 999):03d}"

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return dt.date.fromordinal(self.rng.randint(start.toordinal(), end.toordinal()))

    def norwegian_name(self, female: bool) -> tuple[str, str]:
        first = self.fake.first_name_female() if female else self.fake.first_name_male()
        return first, self.fake.last_name()

    def name(self, female: bool, sprak: str = "norsk") -> tuple[str, str]:
        if sprak == "norsk":
            return self.norwegian_name(female)
        women, men, surnames = FOREIGN_NAMES[sprak]
        return self.rng.choice(women if female else men), self.rng.choice(surnames)

    def other_language(self) -> str:
        names = [name for name, _ in OTHER_LANGUAGES]
        weights = [weight for _, weight in OTHER_LANGUAGES]
        return self.rng.choices(names, weights)[0]

    def username_for(self, first: str, last: str) -> str:
        base = f"{_slug(first.split()[0])}.{_slug(last)}"
        candidate, n = base, 1
        while candidate in self.usernames:
            n += 1
            candidate = f"{base}{n}"
        self.usernames.add(candidate)
        return candidate

    def count(self, label: str, rows: Iterable[object]) -> None:
        self.counts[label] = self.counts.get(label, 0) + len(list(rows))

    # organisations -----------------------------------------------------------------------------------

    def build_organisations(self) -> None:
        self.kommune = Kommune.objects.create(navn=KOMMUNE_NAVN, kommunenummer=KOMMUNENUMMER)
        self.bydeler: list[Bydel] = []
        self.bydel_spec: dict[int, _BydelSpec] = {}
        for spec in BYDELER:
            bydel = Bydel.objects.create(kommune=self.kommune, navn=spec.navn, bydelsnummer=spec.nummer)
            Kontaktpunkt.objects.create(
                bydel=bydel,
                telefon=spec.telefon,
                epost=f"kontaktpunkt.{_slug(spec.kort)}@{KOMMUNE_DOMAIN}",
                besoksadresse=spec.kontaktpunkt_adresse,
                apningstid=APNINGSTID,
            )
            self.bydeler.append(bydel)
            self.bydel_spec[bydel.pk] = spec
        self.count("Bydel", self.bydeler)
        self.count("Kontaktpunkt", self.bydeler)

        used_orgnr: set[str] = set()

        def new_orgnr() -> str:
            while True:
                number = orgnr.with_check_digit(f"9{self.rng.randint(0, 9_999_999):07d}")
                if number is not None and number not in used_orgnr:
                    used_orgnr.add(number)
                    return number

        sentrum, nordas, ostli = self.bydeler
        self.kommunal = Leverandor.objects.create(
            navn="Fjordvik kommune, Hjemmetjenesten",
            organisasjonsnummer=new_orgnr(),
            type=Leverandor.Type.KOMMUNAL,
            kommune=self.kommune,
        )
        omsorg = Leverandor.objects.create(
            navn="Omsorg Pluss AS", organisasjonsnummer=new_orgnr(), type=Leverandor.Type.PRIVAT, kommune=self.kommune
        )
        trygg = Leverandor.objects.create(
            navn="Trygg Hjemme AS", organisasjonsnummer=new_orgnr(), type=Leverandor.Type.PRIVAT, kommune=self.kommune
        )
        self.leverandorer = [self.kommunal, omsorg, trygg]
        self.count("Leverandor", self.leverandorer)
        self.domains = {
            self.kommunal.pk: KOMMUNE_DOMAIN,
            omsorg.pk: "omsorgpluss.example",
            trygg.pk: "trygghjemme.example",
        }

        units: list[tuple[Leverandor, str, list[Bydel]]] = [
            (self.kommunal, f"Hjemmetjenesten {self.bydel_spec[b.pk].kort}", [b]) for b in self.bydeler
        ]
        units += [
            (omsorg, "Omsorg Pluss Sentrum og Østli", [sentrum, ostli]),
            (omsorg, "Omsorg Pluss Nordås", [nordas]),
        ]
        if self.rng.random() < 0.5:
            units.append((trygg, "Trygg Hjemme Fjordvik", [sentrum, nordas, ostli]))
        else:
            units += [(trygg, "Trygg Hjemme Vest", [sentrum, nordas]), (trygg, "Trygg Hjemme Øst", [ostli])]

        self.enheter: list[Enhet] = []
        self.teams: list[_TeamInfo] = []
        private_names = list(PRIVATE_TEAM_NAMES)
        self.rng.shuffle(private_names)
        links = []
        for leverandor, navn, covered in units:
            enhet = Enhet.objects.create(leverandor=leverandor, navn=navn)
            self.enheter.append(enhet)
            n_teams = self.rng.randint(2, 3)
            for i in range(n_teams):
                if leverandor.type == Leverandor.Type.KOMMUNAL:
                    team_navn = f"Team {self.bydel_spec[covered[0].pk].kort} {TEAM_DIRECTIONS[i]}"
                else:
                    team_navn = f"Team {private_names.pop()}"
                team = Team.objects.create(enhet=enhet, navn=team_navn)
                links += [Team.bydeler.through(team_id=team.pk, bydel_id=b.pk) for b in covered]
                self.teams.append(_TeamInfo(team=team, enhet=enhet, leverandor=leverandor, bydeler=list(covered)))
        Team.bydeler.through.objects.bulk_create(links)
        self.count("Enhet", self.enheter)
        self.count("Team", self.teams)
        #: The featured team: the first municipal team in Bydel Sentrum.
        self.demo_team = self.teams[0]

    # staff -------------------------------------------------------------------------------------------

    def staff_name(self, female: bool) -> tuple[str, str]:
        if self.rng.random() < 0.12:
            return self.name(female, self.other_language())
        return self.norwegian_name(female)

    def hpr(self) -> str:
        return str(self.rng.randint(1_000_000, 29_999_999))

    def build_staff(self) -> None:
        specs: list[_StaffSpec] = []
        first_of_role: set[Role] = set()

        def add(
            rolle: Role,
            domain: str,
            *,
            female_share: float = 0.7,
            bydel: Bydel | None = None,
            leverandor: Leverandor | None = None,
            enhet: Enhet | None = None,
            team: _TeamInfo | None = None,
        ) -> None:
            first, last = self.staff_name(self.rng.random() < female_share)
            if rolle in first_of_role:
                username = self.username_for(first, last)
            else:
                username = DEMO_USERNAMES[rolle]
                first_of_role.add(rolle)
            hpr = self.hpr() if rolle in (Role.SYKEPLEIER, Role.HELSEFAGARBEIDER) else ""
            specs.append(
                _StaffSpec(
                    username,
                    first,
                    last,
                    domain,
                    rolle,
                    bydel=bydel,
                    leverandor=leverandor,
                    enhet=enhet,
                    team=team,
                    hpr=hpr,
                )
            )

        for bydel in self.bydeler:
            for _ in range(3):
                add(Role.SAKSBEHANDLER, KOMMUNE_DOMAIN, bydel=bydel)
            add(Role.VEDTAKSMYNDIG, KOMMUNE_DOMAIN, bydel=bydel)
        for enhet in self.enheter:
            add(Role.LEDER, self.domains[enhet.leverandor_id], enhet=enhet)
        for index, info in enumerate(self.teams):
            domain = self.domains[info.leverandor.pk]
            n_syk = self.rng.randint(1, 2) if index else 2
            n_hfa = self.rng.randint(1, 3) if index else 3
            n_ass = self.rng.randint(0, 1) if index else 1
            for rolle, n in ((Role.SYKEPLEIER, n_syk), (Role.HELSEFAGARBEIDER, n_hfa), (Role.ASSISTENT, n_ass)):
                for _ in range(n):
                    add(rolle, domain, female_share=0.8, team=info)
        add(Role.KVALITETSLEDER, KOMMUNE_DOMAIN, leverandor=self.kommunal)
        add(Role.PERSONVERNANSVARLIG, KOMMUNE_DOMAIN)
        add(Role.SYSTEMADMINISTRATOR, KOMMUNE_DOMAIN, female_share=0.4)
        # The avvik handler of the first enhet. Fixed name and no phone number: a random draw here would
        # shift every later random choice and change the rest of the demo world.
        first_enhet = self.enheter[0]
        specs.append(
            _StaffSpec(
                DEMO_USERNAMES[Role.MELDINGSANSVARLIG],
                "Mari",
                "Meldal",
                self.domains[first_enhet.leverandor_id],
                Role.MELDINGSANSVARLIG,
                enhet=first_enhet,
            )
        )

        password = make_password(DEMO_PASSWORD)
        joined = timezone.now() - dt.timedelta(days=400)
        users = [
            User(
                username=s.username,
                first_name=s.first_name,
                last_name=s.last_name,
                email=f"{s.username}@{s.email_domain}",
                password=password,
                kind=UserKind.STAFF,
                telefon="" if s.rolle == Role.MELDINGSANSVARLIG else self.mobile(),
                hpr_nummer=s.hpr,
                is_active=True,
                is_staff=s.rolle == Role.SYSTEMADMINISTRATOR,
                is_superuser=s.rolle == Role.SYSTEMADMINISTRATOR,
                date_joined=joined,
            )
            for s in specs
        ]
        users = User.objects.bulk_create(users)
        assignments = []
        devices = []
        self.by_role: dict[Role, list[User]] = {role: [] for role in Role}
        self.saksbehandlere: dict[int, list[User]] = {b.pk: [] for b in self.bydeler}
        for spec, user in zip(specs, users, strict=True):
            assignments.append(
                RoleAssignment(
                    user=user,
                    rolle=spec.rolle,
                    bydel=spec.bydel,
                    leverandor=spec.leverandor,
                    enhet=spec.enhet,
                    team=spec.team.team if spec.team else None,
                    gyldig_fra=self.days_ago(60, 3000),
                )
            )
            devices.append(
                TOTPDevice(user=user, name=OTP_DEVICE_NAME, confirmed=True, key=totp_key(self.seed, user.username))
            )
            self.by_role[spec.rolle].append(user)
            if spec.rolle == Role.SAKSBEHANDLER and spec.bydel is not None:
                self.saksbehandlere[spec.bydel.pk].append(user)
            if spec.team is not None:
                {
                    Role.SYKEPLEIER: spec.team.sykepleiere,
                    Role.HELSEFAGARBEIDER: spec.team.helsefagarbeidere,
                    Role.ASSISTENT: spec.team.assistenter,
                }[spec.rolle].append(user)
        RoleAssignment.objects.bulk_create(assignments)
        TOTPDevice.objects.bulk_create(devices)
        self.users = users
        self.demo_users = {role: self.by_role[role][0] for role in Role}
        self.count("User", users)
        self.count("RoleAssignment", assignments)
        self.count("TOTPDevice", devices)

    # fastleger ---------------------------------------------------------------------------------------

    def build_fastleger(self) -> None:
        leger = []
        for i in range(20):
            kontor, adresse, telefon = LEGESENTRE[i % len(LEGESENTRE)]
            first, last = self.norwegian_name(self.rng.random() < 0.55)
            leger.append(
                Fastlege(
                    navn=f"{first} {last}",
                    hpr_nummer=str(self.rng.randint(1_000_000, 9_999_999)),
                    legekontor=kontor,
                    telefon=telefon,
                    adresse=adresse,
                )
            )
        self.fastleger = Fastlege.objects.bulk_create(leger)
        self.count("Fastlege", self.fastleger)

    # persons -----------------------------------------------------------------------------------------

    def birth_date(self) -> tuple[dt.date, str]:
        r = self.rng.random()
        if r < 0.80:
            return self.date_between(dt.date(1928, 1, 1), dt.date(1960, 12, 31)), "eldre"
        if r < 0.97:
            return self.date_between(dt.date(1960, 1, 1), dt.date(2005, 12, 31)), "voksen"
        return self.date_between(dt.date(2008, 1, 1), dt.date(2019, 12, 31)), "barn"

    def person_number(self, birth: dt.date, male: bool) -> str:
        d_number = self.rng.random() < 0.03
        while True:
            number = identity.synthetic_number(birth, self.rng, d_number=d_number)
            if (int(number[8]) % 2 == 1) == male and number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def coordinates(self, spec: _BydelSpec) -> tuple[Decimal, Decimal]:
        radius_km = 2.5 * math.sqrt(self.rng.random())
        angle = self.rng.uniform(0, 2 * math.pi)
        lat = spec.centre[0] + radius_km * math.cos(angle) / 111.32
        lon = spec.centre[1] + radius_km * math.sin(angle) / (111.32 * math.cos(math.radians(spec.centre[0])))
        return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")

    def address(self, spec: _BydelSpec) -> tuple[str, str]:
        number = self.rng.randint(1, 120)
        letter = self.rng.choice("ABC") if self.rng.random() < 0.12 else ""
        return f"{self.rng.choice(spec.gater)} {number}{letter}", self.rng.choice(spec.postnummer)

    def choose_team(self, bydel: Bydel) -> _TeamInfo:
        serving = [t for t in self.teams if bydel in t.bydeler]
        kommunal = [t for t in serving if t.kommunal]
        private = [t for t in serving if not t.kommunal]
        pool = kommunal if self.rng.random() < 0.6 or not private else private
        return self.rng.choice(pool)

    def build_persons(self) -> None:
        weights = [spec.weight for spec in BYDELER]
        persons: list[Tjenestemottaker] = []
        self.person_team: list[_TeamInfo] = []
        self.person_class: list[str] = []
        for _ in range(PERSON_COUNT):
            bydel = self.rng.choices(self.bydeler, weights)[0]
            spec = self.bydel_spec[bydel.pk]
            birth, age_class = self.birth_date()
            male = self.rng.random() < (0.4 if age_class == "eldre" else 0.5)
            sprak = self.other_language() if self.rng.random() < 0.08 else "norsk"
            tolk = sprak != "norsk" and self.rng.random() < 0.75
            first, last = self.name(not male, sprak)
            adresse, postnummer = self.address(spec)
            lat, lon = self.coordinates(spec)
            team = self.choose_team(bydel)
            person = Tjenestemottaker(
                kjonn=Tjenestemottaker.Kjonn.MANN if male else Tjenestemottaker.Kjonn.KVINNE,
                fornavn=first,
                etternavn=last,
                adresse=adresse,
                postnummer=postnummer,
                poststed=POSTSTED,
                breddegrad=lat,
                lengdegrad=lon,
                telefon=self.mobile() if self.rng.random() < 0.92 else "",
                sprak=sprak,
                tolkebehov=tolk,
                bydel=bydel,
                fastlege=self.rng.choice(self.fastleger) if self.rng.random() < 0.96 else None,
                saksbehandler=self.rng.choice(self.saksbehandlere[bydel.pk]),
            )
            person.set_fodselsnummer(self.person_number(birth, male))
            persons.append(person)
            self.person_team.append(team)
            self.person_class.append(age_class)

        self.ensure_demo_team_load(persons)
        for person, team in zip(persons, self.person_team, strict=True):
            if self.rng.random() < 0.85:
                person.primaerkontakt = self.rng.choice(team.primaerkontakter)
        self.ensure_demo_primaerkontakt(persons)

        self.persons = Tjenestemottaker.objects.bulk_create(persons)
        links = [
            TjenestemottakerTeam(tjenestemottaker=person, team=team.team, fra=self.days_ago(7, 365))
            for person, team in zip(self.persons, self.person_team, strict=True)
        ]
        TjenestemottakerTeam.objects.bulk_create(links)
        self.count("Tjenestemottaker", self.persons)
        self.count("TjenestemottakerTeam", links)

    def ensure_demo_team_load(self, persons: list[Tjenestemottaker]) -> None:
        """The demo nurse's team serves at least :data:`DEMO_TEAM_MIN_PERSONS` persons.

        Tops it up with persons of its bydel served by the other municipal teams there, so the bydel
        keeps persons the demo team does not serve (for the «refused» demo).
        """
        demo = self.demo_team
        bydel = demo.bydeler[0]
        served = sum(1 for t in self.person_team if t is demo)
        for i, person in enumerate(persons):
            if served >= DEMO_TEAM_MIN_PERSONS:
                break
            team = self.person_team[i]
            if person.bydel_id == bydel.pk and team is not demo and team.kommunal:
                self.person_team[i] = demo
                served += 1

    def ensure_demo_primaerkontakt(self, persons: list[Tjenestemottaker]) -> None:
        nurse = self.demo_users[Role.SYKEPLEIER]
        have = sum(1 for p in persons if p.primaerkontakt_id == nurse.pk)
        for person, team in zip(persons, self.person_team, strict=True):
            if have >= 4:
                break
            if team is self.demo_team and person.primaerkontakt_id != nurse.pk:
                person.primaerkontakt = nurse
                have += 1

    # relatives, guardians, consents ------------------------------------------------------------------

    def relations_for(self, person: Tjenestemottaker, age_class: str) -> list[str]:
        R = Parorende.Relasjon
        if age_class == "barn":
            n = self.rng.choices([1, 2, 3], [0.35, 0.55, 0.10])[0]
            family: list[str] = [R.FORELDER, R.FORELDER, R.SOSKEN]
            return family[:n]
        n = self.rng.choices([0, 1, 2, 3], [0.12, 0.40, 0.33, 0.15])[0]
        options: list[str]
        weights: list[float]
        if age_class == "voksen":
            options, weights = [R.FORELDER, R.SOSKEN, R.EKTEFELLE, R.VENN, R.BARN], [3, 2, 3, 1, 1]
        else:
            options, weights = [R.EKTEFELLE, R.BARN, R.BARNEBARN, R.SOSKEN, R.VENN, R.ANNET], [3, 6, 2, 1, 1, 0.3]
        limits: dict[str, int] = {R.EKTEFELLE: 1, R.FORELDER: 2}
        chosen: list[str] = []
        for _ in range(n):
            relasjon = self.rng.choices(options, weights)[0]
            limit = limits.get(relasjon)
            if limit is not None and chosen.count(relasjon) >= limit:
                relasjon = R.BARN if age_class == "eldre" else R.SOSKEN
            chosen.append(relasjon)
        # The spouse, if any, is usually the closest; otherwise the first named.
        if R.EKTEFELLE in chosen:
            chosen.remove(R.EKTEFELLE)
            chosen.insert(0, R.EKTEFELLE)
        return chosen

    def relative_name(self, person: Tjenestemottaker, relasjon: str) -> str:
        R = Parorende.Relasjon
        if relasjon == R.EKTEFELLE:
            female_share = 0.95 if person.kjonn == Tjenestemottaker.Kjonn.MANN else 0.05
        else:
            female_share = 0.55
        female = self.rng.random() < female_share
        first, last = self.name(female, person.sprak)
        if relasjon in (R.EKTEFELLE, R.BARN, R.FORELDER, R.SOSKEN) and self.rng.random() < 0.6:
            last = person.etternavn
        return f"{first} {last}"

    def relative_address(self) -> str:
        street, postnummer = self.address(self.rng.choice(BYDELER))
        return f"{street}, {postnummer} {POSTSTED}"

    def build_relatives(self) -> None:
        relatives: list[Parorende] = []
        owners: list[int] = []
        for index, (person, age_class) in enumerate(zip(self.persons, self.person_class, strict=True)):
            for position, relasjon in enumerate(self.relations_for(person, age_class)):
                navn = self.relative_name(person, relasjon)
                relatives.append(
                    Parorende(
                        tjenestemottaker=person,
                        navn=navn,
                        relasjon=relasjon,
                        telefon=self.mobile(),
                        epost=f"{_slug(navn).replace('-', '.')}@epost.example" if self.rng.random() < 0.7 else "",
                        adresse=self.relative_address() if self.rng.random() < 0.5 else "",
                        naermeste=position == 0,
                    )
                )
                owners.append(index)
        self.relatives = Parorende.objects.bulk_create(relatives)
        self.naermeste: dict[int, Parorende] = {}
        for owner, relative in zip(owners, self.relatives, strict=True):
            if relative.naermeste:
                self.naermeste[owner] = relative
        self.count("Parorende", self.relatives)

        verger: list[Verge] = []
        self.has_verge: set[int] = set()
        for index, (person, age_class) in enumerate(zip(self.persons, self.person_class, strict=True)):
            chance = {"eldre": 0.06, "voksen": 0.04, "barn": 0.0}[age_class]
            if self.rng.random() >= chance:
                continue
            first, last = self.norwegian_name(self.rng.random() < 0.5)
            verger.append(
                Verge(
                    tjenestemottaker=person,
                    navn=f"{first} {last}",
                    telefon=self.mobile(),
                    epost=f"{_slug(first)}.{_slug(last)}@verge.example",
                    mandat=self.rng.choice(VERGE_MANDATER),
                    fra=self.days_ago(90, 2500),
                )
            )
            self.has_verge.add(index)
        Verge.objects.bulk_create(verger)
        self.count("Verge", verger)

    def build_consents(self) -> None:
        G = Samtykke.Gjelder
        consents: list[Samtykke] = []
        for index, (person, age_class) in enumerate(zip(self.persons, self.person_class, strict=True)):
            if age_class == "barn":
                gitt_av = Samtykke.GittAv.FORELDRE
            elif index in self.has_verge:
                gitt_av = Samtykke.GittAv.VERGE
            else:
                gitt_av = Samtykke.GittAv.TJENESTEMOTTAKER
            wanted: list[tuple[str, str, Parorende | None]] = []
            relative = self.naermeste.get(index)
            if relative is not None and self.rng.random() < 0.9:
                wanted.append(
                    (
                        G.INFO_TIL_PARORENDE,
                        f"{relative.navn} ({relative.get_relasjon_display().lower()}) kan få informasjon om "
                        "helsetilstanden og tjenestene som ytes.",
                        relative,
                    )
                )
            if self.rng.random() < 0.4:
                wanted.append((G.DELING_FASTLEGE, "Opplysninger om tjenestene kan deles med fastlegen.", None))
            if age_class == "eldre" and self.rng.random() < 0.3:
                wanted.append((G.VELFERDSTEKNOLOGI, self.rng.choice(VELFERDSTEKNOLOGI), None))
            for gjelder, beskrivelse, parorende in wanted:
                gitt = self.days_ago(20, 900)
                trukket = None
                if self.rng.random() < 0.05:
                    trukket = self.date_between(gitt + dt.timedelta(days=1), self.today)
                consents.append(
                    Samtykke(
                        tjenestemottaker=person,
                        gjelder=gjelder,
                        beskrivelse=beskrivelse,
                        parorende=parorende,
                        gitt_av=gitt_av,
                        gitt=gitt,
                        trukket=trukket,
                        registrert_av=person.saksbehandler,
                    )
                )
        Samtykke.objects.bulk_create(consents)
        self.count("Samtykke", consents)

    # sperringer --------------------------------------------------------------------------------------

    def build_sperringer(self) -> None:
        demo_logins = set(self.demo_users.values())
        nurse = self.demo_users[Role.SYKEPLEIER]
        now = timezone.now()
        rows: list[Sperring] = []
        candidates = [
            (person, team)
            for person, team in zip(self.persons, self.person_team, strict=True)
            if team is not self.demo_team and any(m not in demo_logins for m in team.members)
        ]
        chosen = self.rng.sample(candidates, 3)
        for person, team in chosen:
            barred = self.rng.choice([m for m in team.members if m not in demo_logins])
            rows.append(
                Sperring(
                    tjenestemottaker=person,
                    sperret_bruker=barred,
                    begrunnelse=self.rng.choice(SPERRING_BEGRUNNELSER),
                    opprettet=now - dt.timedelta(days=self.rng.randint(10, 400)),
                    opprettet_av=person.saksbehandler,
                )
            )
        # One person in the demo nurse's bydel, served by another team, bars the demo nurse.
        bydel = self.demo_team.bydeler[0]
        taken = {p.pk for p, _ in chosen}
        others = [
            person
            for person, team in zip(self.persons, self.person_team, strict=True)
            if person.bydel_id == bydel.pk and team is not self.demo_team and person.pk not in taken
        ]
        person = self.rng.choice(others)
        rows.append(
            Sperring(
                tjenestemottaker=person,
                sperret_bruker=nurse,
                begrunnelse=SPERRING_BEGRUNNELSER[0],
                opprettet=now - dt.timedelta(days=self.rng.randint(10, 400)),
                opprettet_av=person.saksbehandler,
            )
        )
        Sperring.objects.bulk_create(rows)
        self.count("Sperring", rows)

    # the whole world ---------------------------------------------------------------------------------

    def build(self) -> None:
        steps = (
            ("Kommune, bydeler og leverandører", self.build_organisations),
            ("Ansatte, roller og autentiseringsapper", self.build_staff),
            ("Fastleger", self.build_fastleger),
            ("Tjenestemottakere og team", self.build_persons),
            ("Pårørende og verger", self.build_relatives),
            ("Samtykker", self.build_consents),
            ("Sperringer", self.build_sperringer),
        )
        for label, step in steps:
            started = time.perf_counter()
            step()
            self.out(f"  {label} … {time.perf_counter() - started:.1f} s")
        self.counts = {"Kommune": 1, **self.counts}


def build_demo_world(
    seed: int = 1,
    *,
    stdout: Writer | None = None,
    reset: bool = False,
    cases: bool = True,
    care: bool = True,
    bpa: bool = True,
    quality: bool = True,
) -> DemoWorld:
    """Build the demo world into an empty database, in one transaction.

    ``cases=False`` builds only the core world (organisations, staff, persons): for tests that check
    nothing else, since the cases (with their letters) take most of the build time. ``care=False``
    leaves out the provider's delivery (plans, visits, journal), which needs the cases; ``bpa=False``
    leaves out the BPA arrangements (and their logins), which need the cases' BPA vedtak; ``quality=False``
    leaves out the quality system's year (avvik, varsling, klager, audits, procedures, ROS, surveys).

    Refuses (:class:`DemoWorldExists`) when the database already has data, unless ``reset`` is
    true: then every row of Helhet's tables except the append-only audit trail is deleted first.
    """
    out = _Out(stdout)
    started = time.perf_counter()
    with transaction.atomic():
        if database_has_data():
            if not reset:
                raise DemoWorldExists(
                    "Databasen inneholder allerede data. Demoverdenen bygges bare i en tom database "
                    "(eller med --reset, som sletter alt unntatt tilgangsloggen)."
                )
            _delete_world(out)
        out(f"Bygger demoverdenen «{KOMMUNE_NAVN}» (frø {seed}) …")
        builder = _Builder(seed, out)
        builder.build()

        if cases:
            from helhet.cases import demo as cases_demo

            builder.counts.update(
                cases_demo.build_demo_cases(
                    random.Random(f"helhet-demo-saker:{seed}"), today=builder.today, stdout=stdout
                )
            )
            if care:
                from helhet.care import demo as care_demo

                builder.counts.update(
                    care_demo.build_demo_care(
                        random.Random(f"helhet-demo-tjenester:{seed}"), today=builder.today, stdout=stdout
                    )
                )
            if bpa:
                from helhet.bpa import demo as bpa_demo

                builder.counts.update(
                    bpa_demo.build_demo_bpa(
                        random.Random(f"helhet-demo-bpa:{seed}"), today=builder.today, stdout=stdout, seed=seed
                    )
                )
            if quality:
                from helhet.quality import demo as quality_demo

                builder.counts.update(
                    quality_demo.build_demo_quality(
                        random.Random(f"helhet-demo-kvalitet:{seed}"), today=builder.today, seed=seed
                    )
                )
    world = existing_demo_world(seed)
    assert world is not None
    return DemoWorld(
        seed=seed,
        logins=world.logins,
        counts=builder.counts,
        seconds=time.perf_counter() - started,
    )
