"""The demo world's BPA: three arrangements at one provider, their assistants, a year of shifts and timesheets.

Built by :func:`build_demo_bpa` inside the core demo's transaction, after the cases and the care
demos, from the BPA vedtak the cases demo made (pasient- og brukerrettighetsloven § 2-1 d):

- **An adult as her or his own arbeidsleder** (a FATTET, INNVILGET BPA vedtak of the cases demo with
  the person as arbeidsleder, 40 hours a week when there is one): four assistants, one of them just
  hired and still missing a mandatory course (so the portal and the adviser's page show what is
  missing, and no shift can be planned for her); a weekend trip and a long evening followed by an
  early morning that break the working-time rules; a corrected timesheet; messages with the adviser;
  the person consents to the bydel seeing the hours. Portal login ``arbeidsleder``.
- **A child with a parent as arbeidsleder** (a new vedtak of 35 hours a week, made through the case
  services so it has its kartlegging with IPLOS scores, its letter, brukervalg and bestilling): three
  assistants after school and at weekends, a week of cancelled shifts when the child was ill. Portal
  login ``forelder``.
- **A large round-the-clock arrangement** (168 hours a week; a new vedtak) with nine assistants in a
  three-shift turnus over a three-week cycle and a medarbeidsleder; one week where one assistant
  covered every day shift (56 hours). Portal login ``medarbeidsleder``. The person consents too.

The provider is the one the adult's vedtak was ordered from; its BPA adviser is a new staff login,
``bpa-radgiver`` (role leder at the provider). Shifts follow repeating rota lines
(:class:`~helhet.bpa.models.Turnus`) from the start of the year (or the arrangement) to four weeks
ahead, bulk-created for speed but consistent: no assistant has overlapping shifts (checked), no
assistant works before being employed and onboarded, and every timesheet mirrors a past shift.
Timesheets before last Monday are approved by the arbeidsleder; those since are waiting. One new rota
line is planned through :func:`helhet.bpa.services.lagre_turnus`, as the portal would.

Everything is synthetic and deterministic for a seed (``rng`` is the only source of chance; the
Faker instance is seeded from it).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from helhet.bpa import services as bpa_services
from helhet.bpa.models import KURS, Assistent, Melding, Opplaering, Ordning, Timeliste, Turnus, Vakt
from helhet.cases import services as case_services
from helhet.cases.models import Bestilling, Brukervalg, Funksjonsskaar, Kartlegging, Soknad, Vedtak, Vedtaksbrev
from helhet.cases.rules import iplos
from helhet.core import access
from helhet.core.access import Action
from helhet.core.models import (
    Leverandor,
    Parorende,
    Role,
    RoleAssignment,
    Tjenestemottaker,
    User,
    UserKind,
)

#: The demo's BPA logins, printed with the staff logins: username → (role, label).
RADGIVER = "bpa-radgiver"
ARBEIDSLEDER = "arbeidsleder"
FORELDER = "forelder"
MEDARBEIDSLEDER = "medarbeidsleder"
LOGINS: dict[str, tuple[str, str]] = {
    RADGIVER: (Role.LEDER.value, "BPA-rådgiver (leder)"),
    ARBEIDSLEDER: (UserKind.ARBEIDSLEDER.value, "Arbeidsleder i BPA (portal)"),
    FORELDER: (UserKind.ARBEIDSLEDER.value, "Forelder, arbeidsleder for barn (portal)"),
    MEDARBEIDSLEDER: (UserKind.ARBEIDSLEDER.value, "Medarbeidsleder i BPA (portal)"),
}

ADULT_HOURS = Decimal(40)
CHILD_HOURS = Decimal(35)  # at least 32: the right to BPA (pbrl. § 2-1 d, cases/rules/bpa.py)
LARGE_HOURS = Decimal(168)
#: How far ahead shifts are planned.
PLAN_AHEAD = dt.timedelta(weeks=4)
#: History starts on 1 January (a year's hours against the year's budget), at least this far back.
MIN_HISTORY = dt.timedelta(weeks=12)

INSTRUERT = (
    "Forflytning med takheis og glidebrett, morgenstell, bruk av elektrisk rullestol.",
    "Måltider og matlaging etter ønske, husarbeid, følge til trening og jobb.",
    "Kommunikasjon med tegn og tavle, lek og lekser, følge til aktiviteter.",
    "Snuing og leiring om natten, stell, forflytning, rutiner ved alarm fra pustemaskinen.",
)


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


@dataclass(frozen=True)
class LoginInfo:
    """A BPA demo login as ``helhet demo`` prints it (the TOTP secret is read from the device)."""

    username: str
    role: str
    role_label: str
    place: str
    full_name: str


def demo_logins() -> list[LoginInfo]:
    """The BPA demo logins that exist in the database (none when the BPA demo was not built)."""
    found = []
    users = {u.username: u for u in User.objects.filter(username__in=list(LOGINS))}
    for username, (role, label) in LOGINS.items():
        user = users.get(username)
        if user is None:
            continue
        if user.kind == UserKind.ARBEIDSLEDER:
            ordning = Ordning.objects.filter(arbeidsleder=user).select_related("leverandor").order_by("pk").first()
            place = f"BPA-portalen, {ordning.leverandor}" if ordning else "BPA-portalen"
        else:
            ordning = Ordning.objects.filter(radgiver=user).select_related("leverandor").order_by("pk").first()
            place = str(ordning.leverandor) if ordning else ""
        found.append(LoginInfo(username, role, label, place, user.get_full_name()))
    return found


# --- rota lines ------------------------------------------------------------------------------------------------


@dataclass
class _Line:
    """A rota line, as :class:`Turnus` stores it, before it is saved and expanded into shifts."""

    assistent: Assistent
    ukedager: tuple[int, ...]
    start: dt.time
    slutt: dt.time
    fra: dt.date
    til: dt.date
    hver_uke: int = 1
    row: Turnus | None = None

    def days(self) -> Iterable[dt.date]:
        monday = self.fra - dt.timedelta(days=self.fra.weekday())
        day = self.fra
        while day <= self.til:
            if day.isoweekday() in self.ukedager and ((day - monday).days // 7) % self.hver_uke == 0:
                yield day
            day += dt.timedelta(days=1)


@dataclass
class _Shift:
    """A shift before it is saved: the plan's raw material, easy to change by hand for the story."""

    ordning: Ordning
    assistent: Assistent
    start: dt.datetime
    slutt: dt.datetime
    line: _Line | None = None
    type: str = Vakt.Type.ORDINAER
    merknad: str = ""
    status: str = Vakt.Status.PLANLAGT
    overtatt_fra: Assistent | None = None
    row: Vakt | None = None
    #: The timesheet differs from the plan by this much at the end (minutes; 0 = as planned).
    end_delta: int = 0
    exact: bool = False  # the story depends on the times: keep the timesheet as planned


@dataclass
class _Arrangement:
    ordning: Ordning
    assistants: list[Assistent] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    shifts: list[_Shift] = field(default_factory=list)


def _aware(day: dt.date, clock: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, clock))


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# --- the builder ---------------------------------------------------------------------------------------------


class _BpaBuilder:
    def __init__(self, rng: random.Random, today: dt.date, stdout: Writer | None, seed: int | None) -> None:
        self.rng = rng
        self.today = today
        self.now = timezone.now()
        self.stdout = stdout
        self.seed = seed
        self.fake = Faker("no_NO")
        self.fake.seed_instance(rng.getrandbits(32))
        self.password = make_password(_demo_password())
        self.employee_number = 7000
        self.decisions: dict[tuple[int, Any], access.Decision] = {}
        self.arrangements: list[_Arrangement] = []

    def out(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")

    # people -------------------------------------------------------------------------------------------------

    def _login(self, username: str, first: str, last: str, kind: str, email_domain: str) -> User:
        from helhet.core.demo import OTP_DEVICE_NAME, totp_key

        user = User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@{email_domain}",
            password=self.password,
            kind=kind,
            telefon=f"4{self.rng.randint(0, 99):02d} {self.rng.randint(0, 99):02d} {self.rng.randint(0, 999):03d}",
            is_active=True,
            date_joined=self.now - dt.timedelta(days=self.rng.randint(100, 300)),
        )
        key = totp_key(self.seed, username) if self.seed is not None else f"{self.rng.getrandbits(160):040x}"
        TOTPDevice.objects.create(user=user, name=OTP_DEVICE_NAME, confirmed=True, key=key)
        return user

    def decide(self, user: User, person: Tjenestemottaker) -> access.Decision:
        decision = access.check(user, Action.EDIT, person)
        if not decision.allowed:
            raise RuntimeError(f"demo: {user.username} har ikke tilgang til {person}: {decision.reason}")
        return decision

    def _split_name(self, navn: str) -> tuple[str, str]:
        first, _, last = navn.rpartition(" ")
        return (first, last) if first else (navn, "")

    # choosing and granting ------------------------------------------------------------------------------------

    def _bpa_persons(self) -> set[Any]:
        return set(Vedtak.objects.filter(tjenestetype="bpa").values_list("tjenestemottaker_id", flat=True))

    def _active_order(self, vedtak: Vedtak) -> Bestilling | None:
        for order in vedtak.bestillinger.all():
            if (
                order.status != Bestilling.Status.AVSLUTTET
                and order.fra <= self.today
                and (order.til is None or order.til >= self.today)
            ):
                return order
        return None

    def choose_adult(self) -> tuple[Vedtak, Leverandor] | None:
        """The cases demo's BPA vedtak with the person as arbeidsleder, in force, ordered from a provider."""
        candidates = []
        for v in (
            Vedtak.objects.filter(
                tjenestetype="bpa", utfall=Vedtak.Utfall.INNVILGET, status=Vedtak.Status.FATTET, fom__lte=self.today
            )
            .select_related("tjenestemottaker")
            .prefetch_related("bestillinger__leverandor")
            .order_by("pk")
        ):
            order = self._active_order(v)
            if order is None or (v.tom is not None and v.tom < self.today) or v.tjenestemottaker.alder >= 67:
                continue
            if "selv" not in v.arbeidsleder or Ordning.objects.filter(vedtak=v).exists():
                continue
            candidates.append((v.omfang != ADULT_HOURS, v.pk, v, order.leverandor))
        if not candidates:
            return None
        _, _, vedtak, leverandor = min(candidates, key=lambda c: (c[0], c[1]))
        return vedtak, leverandor

    def demo_bydel_id(self) -> int | None:
        officer = User.objects.filter(username="saksbehandler").first()
        if officer is None:
            return None
        return (
            RoleAssignment.objects.filter(user=officer, rolle=Role.SAKSBEHANDLER)
            .order_by("pk")
            .values_list("bydel_id", flat=True)
            .first()
        )

    def pick_person(self, *, min_age: int, max_age: int, relation: str | None, taken: set[Any]) -> tuple[Any, Any]:
        """A person of that age (preferably in the demo case officer's bydel) with a relative of that kind."""
        bydel_id = self.demo_bydel_id()
        persons = [
            p
            for p in Tjenestemottaker.objects.filter(saksbehandler__isnull=False)
            .select_related("bydel", "saksbehandler")
            .order_by("fodselsnummer")
            if min_age <= p.alder <= max_age and p.pk not in taken
        ]
        relatives: dict[Any, list[Parorende]] = {}
        for rel in Parorende.objects.filter(tjenestemottaker__in=persons).order_by("-naermeste", "navn", "pk"):
            if relation is None or rel.relasjon == relation:
                relatives.setdefault(rel.tjenestemottaker_id, []).append(rel)
        with_relative = [p for p in persons if p.pk in relatives]
        for pool in ([p for p in with_relative if p.bydel_id == bydel_id], with_relative):
            if pool:
                person = self.rng.choice(pool)
                return person, relatives[person.pk][0]
        raise RuntimeError("demo: fant ingen person til BPA-ordningen")

    def scores(self) -> dict[str, int]:
        """IPLOS scores for a large need of personal assistance (care, household, moving about)."""
        result = {}
        for variable in iplos.variables():
            if variable.scale != "funksjon":
                score = self.rng.randint(1, 2)
            elif variable.group in ("Egenomsorg", "Husholdning", "Bevegelse"):
                score = self.rng.randint(4, 5)
            else:
                score = self.rng.randint(1, 3)
            result[variable.code] = iplos.validate_score(variable.code, score)
        return result

    def grant(
        self,
        person: Tjenestemottaker,
        leverandor: Leverandor,
        *,
        omfang: Decimal,
        fom: dt.date,
        tom: dt.date | None,
        arbeidsleder: str,
        gjelder: str,
        innhold: str,
        formal: str,
        viktig: str,
        rapport: str,
    ) -> Vedtak:
        """A BPA vedtak made as the case officers make them: søknad, kartlegging, vedtak, approval with its
        letter, brukervalg and the provider's receipt of the order; stamps moved back to the story's days."""
        officer = person.saksbehandler
        assert officer is not None
        received = fom - dt.timedelta(days=self.rng.randint(45, 70))
        visited = received + dt.timedelta(days=self.rng.randint(7, 14))
        fattet = fom - dt.timedelta(days=self.rng.randint(5, 12))
        soknad = Soknad.objects.create(
            tjenestemottaker=person, bydel=person.bydel, saksbehandler=officer, mottatt=received, gjelder=gjelder
        )
        kartlegging = Kartlegging.objects.create(soknad=soknad, endret_av=officer)
        case_services.lagre_kartlegging(
            utfort_av=officer,
            decision=self.decide(officer, person),
            kartlegging=kartlegging,
            data={
                "viktig_for_meg": viktig,
                "hjemmebesok_dato": visited,
                "hjemmebesok_rapport": rapport,
                "samtykke_avklart": True,
            },
            skaar=self.scores(),
        )
        vedtak = case_services.opprett_vedtak(
            utfort_av=officer,
            decision=self.decide(officer, person),
            soknad=soknad,
            data={
                "tjenestetype": "bpa",
                "utfall": Vedtak.Utfall.INNVILGET,
                "omfang": omfang,
                "omfang_enhet": "timer_per_uke",
                "innhold": innhold,
                "formal": formal,
                "mal": viktig,
                "fom": fom,
                "tom": tom,
                "begrunnelse": (
                    "Du har et langvarig og stort behov for personlig assistanse, og har rett til å få tjenestene "
                    "organisert som brukerstyrt personlig assistanse (pasient- og brukerrettighetsloven § 2-1 d)."
                ),
                "arbeidsleder": arbeidsleder,
            },
        )
        case_services.send_til_godkjenning(utfort_av=officer, decision=self.decide(officer, person), vedtak=vedtak)
        approver = (
            RoleAssignment.objects.filter(rolle=Role.VEDTAKSMYNDIG, bydel=person.bydel)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        assert approver is not None
        case_services.godkjenn_vedtak(
            utfort_av=approver.user, decision=self.decide(approver.user, person), vedtak=vedtak, dato=fattet
        )
        vedtak.refresh_from_db()
        brev = Vedtaksbrev.objects.filter(vedtak=vedtak).order_by("-versjon").first()
        if brev is not None:
            decision = self.decide(officer, person)
            case_services.send_brev(utfort_av=officer, decision=decision, brev=brev, sendt=fattet)
            case_services.registrer_mottatt(
                utfort_av=officer, decision=decision, brev=brev, mottatt=fattet + dt.timedelta(days=2)
            )
            Vedtaksbrev.objects.filter(pk=brev.pk).update(laget=_aware(fattet, dt.time(12)))
        bestilling = case_services.registrer_brukervalg(
            utfort_av=officer,
            decision=self.decide(officer, person),
            vedtak=vedtak,
            informasjon_gitt=visited,
            leverandor=leverandor,
        )
        case_services.motta_bestilling(
            utfort_av=self.radgiver, decision=self.decide(self.radgiver, person), bestilling=bestilling
        )
        Vedtak.objects.filter(pk=vedtak.pk).update(
            fattet=_aware(fattet, dt.time(13)), opprettet=_aware(fattet - dt.timedelta(days=2), dt.time(10))
        )
        Brukervalg.objects.filter(vedtak=vedtak).update(valgt=fattet)
        Bestilling.objects.filter(pk=bestilling.pk).update(
            opprettet=_aware(fattet, dt.time(14)), mottatt=_aware(fattet + dt.timedelta(days=1), dt.time(9))
        )
        vedtak.refresh_from_db()
        return vedtak

    # staff and arrangements ---------------------------------------------------------------------------------------

    def adviser(self, leverandor: Leverandor) -> User:
        first, last = self.fake.first_name_female(), self.fake.last_name()
        domain = leverandor.navn.split(",")[0].split(" AS")[0].lower().replace(" ", "") + ".example"
        user = self._login(RADGIVER, first, last, UserKind.STAFF, domain)
        RoleAssignment.objects.create(
            user=user, rolle=Role.LEDER, leverandor=leverandor, gyldig_fra=self.today - dt.timedelta(days=700)
        )
        return user

    def history_start(self, ordning: Ordning) -> dt.date:
        start = min(self.today.replace(month=1, day=1), self.today - MIN_HISTORY)
        return max(ordning.fra, start)

    def assistant(
        self, arrangement: _Arrangement, *, start: dt.date, stilling: int, onboarded: bool = True, missing: str = ""
    ) -> Assistent:
        female = self.rng.random() < 0.65
        first = self.fake.first_name_female() if female else self.fake.first_name_male()
        self.employee_number += self.rng.randint(1, 9)
        signed = start - dt.timedelta(days=self.rng.randint(5, 20))
        a = Assistent.objects.create(
            ordning=arrangement.ordning,
            navn=f"{first} {self.fake.last_name()}",
            telefon=f"9{self.rng.randint(0, 99):02d} {self.rng.randint(0, 99):02d} {self.rng.randint(0, 999):03d}",
            ansattnummer=str(self.employee_number),
            stillingsprosent=Decimal(stilling),
            start=start,
            kontrakt_signert=signed,
            politiattest=Assistent.Politiattest.GODKJENT,
            politiattest_dato=signed - dt.timedelta(days=self.rng.randint(3, 30)),
            instruert_i=self.rng.choice(INSTRUERT) if onboarded else "",
        )
        done = [code for code in KURS if code != missing]
        Opplaering.objects.bulk_create(
            Opplaering(assistent=a, kurs=code, fullfort=signed + dt.timedelta(days=self.rng.randint(0, 4)))
            for code in done
        )
        arrangement.assistants.append(a)
        return a

    def ordning(
        self,
        vedtak: Vedtak,
        leverandor: Leverandor,
        arbeidsleder: User,
        kind: str,
        *,
        regelsett: str,
        samtykke: bool,
    ) -> _Arrangement:
        assert vedtak.omfang is not None
        order = vedtak.bestillinger.filter(leverandor=leverandor).order_by("-fra").first()
        fra = max(vedtak.fom, order.fra) if order else vedtak.fom
        o = Ordning.objects.create(
            tjenestemottaker=vedtak.tjenestemottaker,
            vedtak=vedtak,
            leverandor=leverandor,
            timer_per_uke=vedtak.omfang,
            fra=fra,
            til=vedtak.tom,
            arbeidsleder_type=kind,
            arbeidsleder=arbeidsleder,
            radgiver=self.radgiver,
            regelsett=regelsett,
            samtykke_bydel=samtykke,
        )
        Ordning.objects.filter(pk=o.pk).update(opprettet=_aware(fra - dt.timedelta(days=3), dt.time(11)))
        o.refresh_from_db()
        arrangement = _Arrangement(o)
        self.arrangements.append(arrangement)
        return arrangement

    # shifts -------------------------------------------------------------------------------------------------------

    def plan_end(self, ordning: Ordning) -> dt.date:
        end = self.today + PLAN_AHEAD
        return end if ordning.til is None else min(end, ordning.til)

    def line(
        self,
        arrangement: _Arrangement,
        assistent: Assistent,
        days: Sequence[int],
        start: dt.time,
        slutt: dt.time,
        *,
        fra: dt.date,
        hver_uke: int = 1,
    ) -> _Line:
        line = _Line(assistent, tuple(days), start, slutt, fra, self.plan_end(arrangement.ordning), hver_uke)
        arrangement.lines.append(line)
        return line

    def expand(self, arrangement: _Arrangement) -> None:
        for line in arrangement.lines:
            for day in line.days():
                end_day = day + dt.timedelta(days=1) if line.slutt <= line.start else day
                arrangement.shifts.append(
                    _Shift(
                        arrangement.ordning,
                        line.assistent,
                        _aware(day, line.start),
                        _aware(end_day, line.slutt),
                        line=line,
                    )
                )
        arrangement.shifts.sort(key=lambda s: (s.start, s.assistent.pk))

    def find(self, arrangement: _Arrangement, assistent: Assistent, day: dt.date) -> _Shift | None:
        for s in arrangement.shifts:
            if s.assistent.pk == assistent.pk and timezone.localtime(s.start).date() == day:
                return s
        return None

    def give(self, shift: _Shift, to: Assistent, merknad: str) -> None:
        shift.overtatt_fra = shift.overtatt_fra or shift.assistent
        shift.assistent = to
        shift.merknad = merknad
        shift.exact = True

    # the three arrangements ---------------------------------------------------------------------------------------

    def build_adult(self, vedtak: Vedtak, leverandor: Leverandor) -> None:
        person = vedtak.tjenestemottaker
        user = self._login(ARBEIDSLEDER, person.fornavn, person.etternavn, UserKind.ARBEIDSLEDER, "epost.example")
        arr = self.ordning(vedtak, leverandor, user, Ordning.Arbeidsleder.SELV, regelsett="lov", samtykke=True)
        self.adult = arr
        begin = self.history_start(arr.ordning)
        a = self.assistant(arr, start=begin - dt.timedelta(days=10), stilling=45)
        b = self.assistant(arr, start=begin - dt.timedelta(days=10), stilling=35)
        c = self.assistant(arr, start=begin - dt.timedelta(days=5), stilling=35)
        # Hired last week, still missing a course: the portal shows what stands between her and a shift.
        self.newcomer = self.assistant(
            arr, start=self.today - dt.timedelta(days=9), stilling=20, onboarded=False, missing="kvalitetssystem"
        )
        # 40 hours a week: mornings every day, three afternoons, weekends shared every other week (so
        # whoever works a Sunday has the next one off, aml. § 10-8 fjerde ledd).
        first_monday = _monday(begin)
        self.line(arr, a, (1, 2, 3, 4), dt.time(7), dt.time(11), fra=begin)
        self.line(arr, b, (5,), dt.time(7), dt.time(11), fra=begin)
        self.line(arr, b, (6, 7), dt.time(7), dt.time(11), fra=begin, hver_uke=2)
        self.line(arr, c, (2, 4, 5), dt.time(14), dt.time(18), fra=begin)
        self.line(arr, c, (6, 7), dt.time(7), dt.time(11), fra=first_monday + dt.timedelta(weeks=1), hver_uke=2)
        self.expand(arr)
        this_monday = _monday(self.today)
        # A long evening, then the early morning after it: 8 h rest (aml. § 10-8 første ledd).
        week = this_monday - dt.timedelta(weeks=3)
        if week >= begin + dt.timedelta(days=7):
            thursday, friday = week + dt.timedelta(days=3), week + dt.timedelta(days=4)
            evening = self.find(arr, c, thursday)
            morning = self.find(arr, b, friday)
            if evening and morning:
                evening.slutt = _aware(thursday, dt.time(23))
                evening.merknad = "Konsert, vakten forlenget til kl. 23"
                evening.exact = True
                self.give(morning, c, "Vikar for syk kollega")
        # A weekend trip: A works Friday–Sunday 08–20 on top of her week (52 h in the week, aml. § 10-6),
        # and the others' shifts those days are cancelled.
        week = this_monday - dt.timedelta(weeks=9)
        if week >= begin + dt.timedelta(days=7):
            trip = {week + dt.timedelta(days=offset) for offset in (4, 5, 6)}
            for s in arr.shifts:
                if timezone.localtime(s.start).date() in trip:
                    s.status = Vakt.Status.AVLYST
                    s.merknad = "Avlyst: arbeidslederen er på tur med en annen assistent"
            for day in sorted(trip):
                arr.shifts.append(
                    _Shift(
                        arr.ordning,
                        a,
                        _aware(day, dt.time(8)),
                        _aware(day, dt.time(20)),
                        type=Vakt.Type.REISE,
                        merknad="Tur til Trondheim",
                        exact=True,
                    )
                )

    def grant_adult(self, leverandor: Leverandor, taken: set[Any]) -> Vedtak:
        person, _ = self.pick_person(min_age=25, max_age=60, relation=None, taken=taken)
        taken.add(person.pk)
        fom = self.today - dt.timedelta(days=self.rng.randint(200, 300))
        return self.grant(
            person,
            leverandor,
            omfang=ADULT_HOURS,
            fom=fom,
            tom=None,
            arbeidsleder=f"{person.fullt_navn} (tjenestemottakeren selv)",
            gjelder="Brukerstyrt personlig assistanse (BPA), 40 timer i uken, med søkeren selv som arbeidsleder.",
            innhold=(
                "Personlig assistanse til stell, påkledning, måltider, husarbeid og aktiviteter, organisert som BPA."
            ),
            formal=f"At {person.fornavn} kan leve et aktivt og selvstendig liv, med jobb og fritid.",
            viktig="Å bestemme selv hvem som hjelper meg og når.",
            rapport=(
                "Hjemmebesøk. Trenger hjelp til stell, forflytning og husarbeid hver dag. Ønsker å være "
                "arbeidsleder selv."
            ),
        )

    def build_child(self, leverandor: Leverandor, taken: set[Any]) -> None:
        person, parent = self.pick_person(min_age=6, max_age=16, relation=Parorende.Relasjon.FORELDER, taken=taken)
        taken.add(person.pk)
        fom = self.today - dt.timedelta(days=self.rng.randint(160, 230))
        vedtak = self.grant(
            person,
            leverandor,
            omfang=CHILD_HOURS,
            fom=fom,
            tom=fom + dt.timedelta(days=3 * 365),
            arbeidsleder=f"{parent.navn} (forelder)",
            gjelder="Brukerstyrt personlig assistanse (BPA) for barn, med foreldrene som arbeidsleder.",
            innhold="Personlig assistanse etter skoletid og på lørdager: måltider, stell, følge til aktiviteter.",
            formal=f"At {person.fornavn} kan delta i fritidsaktiviteter og at familien får en hverdag som fungerer.",
            viktig="Å være med på håndball og svømming som de andre i klassen.",
            rapport=(
                "Hjemmebesøk. Bor med foreldre og søsken. Trenger hjelp til forflytning, stell og måltider, og følge "
                "til alle aktiviteter. Foreldrene ønsker å være arbeidsledere."
            ),
        )
        first, last = self._split_name(parent.navn)
        user = self._login(FORELDER, first, last, UserKind.ARBEIDSLEDER, "epost.example")
        arr = self.ordning(vedtak, leverandor, user, Ordning.Arbeidsleder.FORELDER, regelsett="lov", samtykke=False)
        begin = self.history_start(arr.ordning)
        e = self.assistant(arr, start=begin - dt.timedelta(days=7), stilling=35)
        f = self.assistant(arr, start=begin - dt.timedelta(days=7), stilling=35)
        g = self.assistant(arr, start=begin - dt.timedelta(days=7), stilling=25)
        # 35 hours a week: after school on weekdays, Saturday, and every other Sunday each for E and F.
        self.line(arr, e, (1, 3), dt.time(14), dt.time(19), fra=begin)
        self.line(arr, f, (2, 4), dt.time(14), dt.time(19), fra=begin)
        self.line(arr, g, (5,), dt.time(14), dt.time(19), fra=begin)
        self.line(arr, g, (6,), dt.time(10), dt.time(15), fra=begin)
        self.line(arr, e, (7,), dt.time(10), dt.time(15), fra=begin, hver_uke=2)
        self.line(arr, f, (7,), dt.time(10), dt.time(15), fra=_monday(begin) + dt.timedelta(weeks=1), hver_uke=2)
        self.expand(arr)
        self.sick_week = _monday(self.today) - dt.timedelta(weeks=5)
        for s in arr.shifts:
            if self.sick_week <= timezone.localtime(s.start).date() <= self.sick_week + dt.timedelta(days=2):
                s.status = Vakt.Status.AVLYST
                s.merknad = "Avlyst: barnet er sykt"
        self.child = arr

    def build_large(self, leverandor: Leverandor, taken: set[Any]) -> None:
        person, relative = self.pick_person(min_age=20, max_age=60, relation=None, taken=taken)
        taken.add(person.pk)
        fom = self.today - dt.timedelta(days=self.rng.randint(420, 600))
        vedtak = self.grant(
            person,
            leverandor,
            omfang=LARGE_HOURS,
            fom=fom,
            tom=None,
            arbeidsleder=f"{relative.navn} ({relative.get_relasjon_display().lower()}), medarbeidsleder",
            gjelder="Brukerstyrt personlig assistanse (BPA) hele døgnet.",
            innhold=(
                "Personlig assistanse hele døgnet, også om natten (kontinuerlig behov): forflytning, stell, måltider, "
                "snuing om natten, følge til arbeid og aktiviteter."
            ),
            formal=f"At {person.fornavn} kan bo i egen bolig og leve et aktivt liv med arbeid og venner.",
            viktig="Å bo i min egen leilighet og bestemme selv hvem som er hos meg.",
            rapport=(
                "Hjemmebesøk. Høy tverrsnittslesjon, trenger hjelp til alt og tilsyn hele døgnet. Ønsker at "
                f"{relative.navn} er medarbeidsleder sammen med ham/henne."
            ),
        )
        first, last = self._split_name(relative.navn)
        user = self._login(MEDARBEIDSLEDER, first, last, UserKind.ARBEIDSLEDER, "epost.example")
        arr = self.ordning(
            vedtak, leverandor, user, Ordning.Arbeidsleder.MEDARBEIDSLEDER, regelsett="turnus-10-4-4", samtykke=True
        )
        begin = self.history_start(arr.ordning)
        cycle = _monday(begin)
        start = cycle - dt.timedelta(days=14)
        groups = {
            (dt.time(7), dt.time(15)): [self.assistant(arr, start=start, stilling=50) for _ in range(3)],
            (dt.time(15), dt.time(23)): [self.assistant(arr, start=start, stilling=50) for _ in range(3)],
            (dt.time(23), dt.time(7)): [self.assistant(arr, start=start, stilling=50) for _ in range(3)],
        }

        # A three-week cycle per slot: each weekend (Saturday and Sunday) one member, in turn, so each
        # works every third weekend; the weekdays go round the three, never next to one's weekend.
        def member(week: int, weekday: int) -> int:
            return week % 3 if weekday >= 5 else (week + 1 + weekday) % 3

        for (clock_from, clock_to), members in groups.items():
            for i, assistent in enumerate(members):
                for cycle_week in range(3):
                    days = tuple(d + 1 for d in range(7) if member(cycle_week, d) == i)
                    fra = cycle + dt.timedelta(weeks=cycle_week)
                    arr.lines.append(_Line(assistent, days, clock_from, clock_to, fra, self.plan_end(arr.ordning), 3))
        self.expand(arr)
        arr.shifts = [s for s in arr.shifts if timezone.localtime(s.start).date() >= begin]
        # One week, one assistant covered every day shift: 56 hours (aml. § 10-6, and § 10-4 fjerde ledd).
        week = _monday(self.today) - dt.timedelta(weeks=6)
        if week >= begin:
            cover = groups[(dt.time(7), dt.time(15))][0]
            for offset in range(7):
                day = week + dt.timedelta(days=offset)
                for s in arr.shifts:
                    if (
                        s.line is not None
                        and s.line.start == dt.time(7)
                        and timezone.localtime(s.start).date() == day
                        and s.assistent.pk != cover.pk
                    ):
                        self.give(s, cover, "Dekket for kolleger i ferie")
        self.large = arr

    # saving ---------------------------------------------------------------------------------------------------------

    def check_no_overlap(self) -> None:
        by_assistant: dict[int, list[_Shift]] = {}
        for arr in self.arrangements:
            for s in arr.shifts:
                if s.status == Vakt.Status.PLANLAGT:
                    by_assistant.setdefault(s.assistent.pk, []).append(s)
        for shifts in by_assistant.values():
            shifts.sort(key=lambda s: s.start)
            for before, after in itertools.pairwise(shifts):
                if after.start < before.slutt:
                    raise RuntimeError(
                        f"demo: overlappende vakter for {before.assistent}: {before.start} og {after.start}"
                    )

    def save_shifts(self) -> None:
        lines = [line for arr in self.arrangements for line in arr.lines]
        rows = Turnus.objects.bulk_create(
            Turnus(
                ordning=line.assistent.ordning,
                assistent=line.assistent,
                ukedager=",".join(map(str, line.ukedager)),
                start=line.start,
                slutt=line.slutt,
                hver_uke=line.hver_uke,
                gyldig_fra=line.fra,
                gyldig_til=line.til,
            )
            for line in lines
        )
        for line, turnus_row in zip(lines, rows, strict=True):
            line.row = turnus_row
        shifts = [s for arr in self.arrangements for s in arr.shifts]
        vakter = Vakt.objects.bulk_create(
            (
                Vakt(
                    ordning=s.ordning,
                    assistent=s.assistent,
                    start=s.start,
                    slutt=s.slutt,
                    type=s.type,
                    merknad=s.merknad,
                    status=s.status,
                    turnus=s.line.row if s.line else None,
                    overtatt_fra=s.overtatt_fra,
                )
                for s in shifts
            ),
            batch_size=500,
        )
        for s, vakt_row in zip(shifts, vakter, strict=True):
            s.row = vakt_row

    def save_timesheets(self) -> None:
        """One timesheet per past shift; approved before last Monday, waiting since; a few minutes off plan."""
        cutoff = _aware(_monday(self.today) - dt.timedelta(weeks=1), dt.time(0))
        rows: list[Timeliste] = []
        for arr in self.arrangements:
            leader = arr.ordning.arbeidsleder
            by_assistant: dict[int, list[_Shift]] = {}
            for s in arr.shifts:
                if s.status == Vakt.Status.PLANLAGT:
                    by_assistant.setdefault(s.assistent.pk, []).append(s)
            following: dict[int, dt.datetime | None] = {}
            for own in by_assistant.values():
                own.sort(key=lambda s: s.start)
                for before, after in zip(own, [*own[1:], None], strict=True):
                    following[id(before)] = after.start if after else None
            for s in arr.shifts:
                if s.status != Vakt.Status.PLANLAGT or s.slutt > self.now:
                    continue
                slutt = s.slutt
                if not s.exact and self.rng.random() < 0.08:
                    delta = self.rng.choice((-30, -15, 15, 30))
                    nxt = following.get(id(s))
                    if delta < 0 or nxt is None or nxt - slutt >= dt.timedelta(hours=2):
                        slutt = slutt + dt.timedelta(minutes=delta)
                approved = s.start < cutoff
                registered = slutt + dt.timedelta(minutes=self.rng.randint(5, 90))
                rows.append(
                    Timeliste(
                        ordning=arr.ordning,
                        assistent=s.assistent,
                        vakt=s.row,
                        start=s.start,
                        slutt=slutt,
                        status=Timeliste.Status.GODKJENT if approved else Timeliste.Status.INNSENDT,
                        godkjent=registered + dt.timedelta(days=self.rng.randint(1, 4)) if approved else None,
                        godkjent_av=leader if approved else None,
                        opprettet=min(registered, self.now),
                    )
                )
        self.timesheets = Timeliste.objects.bulk_create(rows, batch_size=500)

    def correction(self) -> None:
        """One approved timesheet of the adult's corrected by the arbeidsleder: the original is kept, replaced."""
        ordning = self.adult.ordning
        week_start = _aware(_monday(self.today) - dt.timedelta(weeks=4), dt.time(0))
        candidates = [
            t
            for t in self.timesheets
            if t.ordning_id == ordning.pk
            and t.status == Timeliste.Status.GODKJENT
            and t.start >= week_start
            and timezone.localtime(t.start).time() == dt.time(7)
            and t.vakt is not None
            and t.slutt == t.vakt.slutt
        ]
        if not candidates:
            return
        original = candidates[0]
        Timeliste.objects.filter(pk=original.pk).update(status=Timeliste.Status.ERSTATTET)
        assert original.godkjent is not None
        Timeliste.objects.create(
            ordning=ordning,
            assistent=original.assistent,
            vakt=original.vakt,
            start=original.start,
            slutt=original.slutt + dt.timedelta(minutes=45),
            status=Timeliste.Status.GODKJENT,
            godkjent=original.godkjent + dt.timedelta(days=2),
            godkjent_av=ordning.arbeidsleder,
            korrigerer=original,
            begrunnelse="Vakten varte tre kvarter lenger enn ført: fulgte meg til legetime etter morgenstellet.",
            opprettet=original.godkjent + dt.timedelta(days=2),
        )

    def messages(self) -> None:
        adviser = self.radgiver
        adult, child, large = self.adult.ordning, self.child.ordning, self.large.ordning
        newcomer = self.newcomer
        rows = [
            (adult, adult.arbeidsleder, 16, True,
             f"Hei! {newcomer.navn} begynte hos meg nå. Hun mangler fortsatt kurset om kvalitetssystemet og avvik. "
             "Kan hun ta det før første vakt?"),
            (adult, adviser, 15, True,
             "Hei! Kurset ligger i e-læringen, og hun får ingen vakter før det er fullført. Si fra når hun er ferdig, "
             "så registrerer jeg det."),
            (adult, adult.arbeidsleder, 2, False,
             "Vi var på tur i høst og brukte flere timer enn vanlig. Kan vi se på timene for resten av året sammen?"),
            (child, child.arbeidsleder, 33, True,
             "Sønnen vår var syk, så vi avlyste vaktene mandag til onsdag. Må vi gjøre noe med timelistene?"),
            (child, adviser, 32, False,
             "Nei, avlyste vakter får ingen timeliste. Timene dere ikke brukte, kan brukes senere i år."),
            (large, large.arbeidsleder, 1, False,
             "Vi trenger en ny nattevakt fra januar. Kan dere lyse ut stillingen?"),
        ]  # fmt: skip
        Melding.objects.bulk_create(
            Melding(
                ordning=o,
                fra=sender,
                tekst=tekst,
                sendt=self.now - dt.timedelta(days=days, hours=self.rng.randint(1, 6)),
                lest=self.now - dt.timedelta(days=days - 1) if read and days > 1 else None,
            )
            for o, sender, days, read, tekst in rows
        )

    def planned_line(self) -> None:
        """A new rota line the arbeidsleder plans in the portal: every other Saturday, from next week."""
        arr = self.adult
        c = arr.assistants[2]
        fra = _monday(self.today) + dt.timedelta(weeks=1)
        try:
            bpa_services.lagre_turnus(
                utfort_av=arr.ordning.arbeidsleder,
                ordning=arr.ordning,
                assistent=c,
                ukedager=[6],
                start=dt.time(10),
                slutt=dt.time(14),
                fra=fra,
                til=fra + dt.timedelta(weeks=4),
                hver_uke=2,
            )
        except ValidationError as exc:  # pragma: no cover - the plan above leaves room for it
            self.out(f"    (turnuslinjen ble ikke lagret: {' '.join(exc.messages)})")

    # the whole ------------------------------------------------------------------------------------------------------

    def build(self) -> None:
        chosen = self.choose_adult()
        taken = self._bpa_persons()
        started = time.perf_counter()
        if chosen is not None:
            vedtak, leverandor = chosen
            self.radgiver = self.adviser(leverandor)
        else:  # another seed's cases demo may have none in force: grant one the same way
            first = Leverandor.objects.order_by("-type", "navn").first()  # a private provider first
            assert first is not None
            leverandor = first
            self.radgiver = self.adviser(leverandor)
            vedtak = self.grant_adult(leverandor, taken)
        self.build_adult(vedtak, leverandor)
        self.build_child(leverandor, taken)
        self.build_large(leverandor, taken)
        self.lap("BPA-ordninger, assistenter og vedtak", started)
        started = time.perf_counter()
        self.check_no_overlap()
        self.save_shifts()
        self.save_timesheets()
        self.correction()
        self.messages()
        self.lap("BPA-vakter, timelister og meldinger", started)
        started = time.perf_counter()
        self.planned_line()
        self.lap("BPA: ny turnuslinje planlagt i portalen", started)

    def lap(self, label: str, started: float) -> None:
        self.out(f"  {label} … {time.perf_counter() - started:.1f} s")


def _demo_password() -> str:
    from helhet.core.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


COUNTED: tuple[type[models.Model], ...] = (
    Ordning,
    Assistent,
    Opplaering,
    Turnus,
    Vakt,
    Timeliste,
    Melding,
    Soknad,
    Kartlegging,
    Funksjonsskaar,
    Vedtak,
    Vedtaksbrev,
    Brukervalg,
    Bestilling,
    User,
    RoleAssignment,
    TOTPDevice,
)


def build_demo_bpa(
    rng: random.Random, *, today: dt.date, stdout: Writer | None = None, seed: int | None = None
) -> dict[str, int]:
    """Add the BPA arrangements to the demo world just built (cases first); return row counts by model.

    Runs inside the caller's transaction. ``seed`` gives the portal logins TOTP keys the core demo can
    recompute (:func:`helhet.core.demo.totp_key`); without it they come from ``rng``.
    """
    _BpaBuilder(rng, today, stdout, seed).build()
    # BPA's own models by label («bpa.Vakt»): the care app has a Vakt too.
    return {
        (model._meta.label if model._meta.app_label == "bpa" else model.__name__): model._base_manager.count()
        for model in COUNTED
    }
