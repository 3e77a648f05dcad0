"""``helhet bench delivery``: provider delivery at national-provider scale (issue 4, «Scale and speed»).

Builds a synthetic dataset on the database the settings point at — by default 50 000 persons,
5 000 staff and 365 days of visits (about 10 million visit rows) — and prints, one per line as
``name: value unit``:

- ``min_dag_median`` / ``min_dag_p95`` (ms): «Min dag» server time for one nurse (the nurse with the
  most visits today), through the real view ``care:min_dag`` with Django's test client, logged in and
  OTP-verified; target p95 < 150 ms.
- ``kontraktsintegritet_bydel_median`` (s): last month's kontraktsintegritet for the largest bydel
  (the month figure per provider with its per-vedtak rows, as «Leveranse (bydel)» computes a month),
  ``helhet.care.figures.kontraktsintegritet_bydel``; target < 2 s.
- ``generate_month_median`` (s): one month of planned visits generated from the patterns of
  15 000 persons' tiltak (``services.generer_besok``), in a transaction rolled back after each
  repeat; target < 60 s.
- ``visits`` (rows), ``journal_notes`` (rows), ``build`` (s) and ``database_size`` (MB).

The shape is realistic: persons spread over (up to) 15 bydeler, teams of about 12 staff (a quarter
nurses, half helsefagarbeidere, a quarter assistants), one municipal and three private providers,
one to three tiltak per person, mostly weekly with some daily patterns (about 0.55 visits per
person per day), visits performed by the person's fixed staff member or a colleague with check-in
and check-out around the window, a few late, cancelled or missed; a journal note about every other
week per person. Visit tasks (``BesokOppgave``) are not built: neither figure reads them.

**It deletes data.** The dataset replaces everything in Helhet's tables except the audit trail.
It refuses to run on a database that holds anything but an earlier benchmark dataset, unless
``--force``. On PostgreSQL the big tables are loaded with ``COPY`` (``psycopg``) and emptied with
``TRUNCATE``; on SQLite (tests, small runs) with ``bulk_create``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from helhet import bench
from helhet.care import services
from helhet.care.demo import KINDS, _Kind
from helhet.care.models import Besok, Journalnotat, Mal, Tiltak, Tiltaksplan, TiltaksplanEndring
from helhet.care.rules import InvalidInput, kompetanse
from helhet.care.rules import recurrence as rec
from helhet.care.rules.kompetanse import Kompetanse
from helhet.cases.models import Bestilling, Soknad, Vedtak
from helhet.core.models import (
    Bydel,
    Enhet,
    Kommune,
    Leverandor,
    Role,
    RoleAssignment,
    Team,
    Tjenestemottaker,
    TjenestemottakerTeam,
    User,
    UserKind,
)
from helhet.core.rules import identity, orgnr

#: The benchmark's own kommune: its presence marks a database that holds only a benchmark dataset.
BENCH_KOMMUNENUMMER = "9999"
BENCH_KOMMUNE = "Benchmarkby (syntetisk)"
DEFAULT_PERSONS = 50_000
DEFAULT_STAFF = 5_000
DEFAULT_DAYS = 365
DEFAULT_REPEAT = 3
#: «Min dag» requests per repeat (the p95 needs more than a handful of samples).
MIN_DAG_REQUESTS = 20
#: Persons whose tiltak the generation figure expands for one month.
GENERATE_PERSONS = 15_000
TEAM_SIZE = 12
MAX_BYDELER = 15
AHEAD_DAYS = 7
#: Share of tiltak with a daily pattern; the rest are weekly (one to three days) or every other week.
DAILY_SHARE = 0.15
#: Journal notes per person per week.
NOTES_PER_WEEK = 0.5
PRIVATE_PROVIDERS = ("Omsorg Nord AS", "Hjemmehjelpen AS", "Trygg Omsorg AS")
FIRST_NAMES = ("Anne", "Kari", "Ingrid", "Per", "Ole", "Bjørn", "Liv", "Eva", "Arne", "Solveig", "Knut", "Randi")
LAST_NAMES = ("Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen")
NOTE_TEXTS = (
    "Var i godt humør. Spiste frokost og drakk godt.",
    "Litt ustø ved forflytning. Brukte rullator hele tiden.",
    "Medisiner gitt og tatt. Ingen bivirkninger observert.",
    "Såret er i bedring, mindre rødme rundt enn forrige gang.",
)

Progress = Callable[[str], None]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--persons", type=int, default=DEFAULT_PERSONS, help="Tjenestemottakere (standard 50 000).")
    parser.add_argument("--staff", type=int, default=DEFAULT_STAFF, help="Ansatte i team (standard 5 000).")
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="Dager med besøkshistorikk (standard 365).")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="Gjentakelser per måling (standard 3).")
    parser.add_argument("--seed", type=int, default=1, help="Frø for tilfeldige data (standard 1).")
    parser.add_argument(
        "--reuse", action="store_true", help="Ikke bygg på nytt: mål på benchmark-datasettet som allerede finnes."
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="Kjør selv om databasen har andre data enn et benchmark-datasett. ALT unntatt tilgangsloggen slettes.",
    )


# --- the database: refuse, wipe, load ----------------------------------------------------------------------


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _is_bench_dataset() -> bool:
    """The database holds a benchmark dataset and nothing else: one kommune, the benchmark's own."""
    kommuner = list(Kommune.objects.values_list("kommunenummer", "navn")[:2])
    return kommuner == [(BENCH_KOMMUNENUMMER, BENCH_KOMMUNE)]


def _check_database(force: bool) -> None:
    from helhet.core.demo import database_has_data

    if not database_has_data():
        return
    if _is_bench_dataset():
        return
    if not force:
        raise bench.Refused(
            "Databasen inneholder data som ikke er et benchmark-datasett. Benchmarken sletter alt unntatt "
            "tilgangsloggen. Pek DATABASE_URL på en egen database (for eksempel «createdb bench»), "
            "eller bruk --force hvis dataene kan slettes."
        )


def _wipe(progress: Progress) -> None:
    """Empty Helhet's tables (the audit trail and reference data stay)."""
    from helhet.core.demo import _delete_world, _Out, _world_models, database_has_data

    if not database_has_data():
        return
    started = time.perf_counter()
    if _is_postgres():
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in _world_models())
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # pending deferred FK checks block TRUNCATE
            cursor.execute(f"TRUNCATE {tables} CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        with transaction.atomic():
            _delete_world(_Out(None))
    progress(f"Tømte databasen ({time.perf_counter() - started:.1f} s).")


def _load(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], json_columns: int = -1
) -> int:
    """Insert ``rows`` (values in ``columns`` order; attnames): COPY on PostgreSQL, bulk_create otherwise.

    ``json_columns`` is the index of a JSON column whose values come as tuples (dumped once per value).
    """
    n = 0
    if _is_postgres():
        dumped: dict[Any, str] = {}
        cols = ", ".join(connection.ops.quote_name(_column(model, c)) for c in columns)
        sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({cols}) FROM STDIN"
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(sql) as copy:
                for row in rows:
                    if json_columns >= 0:
                        value = row[json_columns]
                        text = dumped.get(value)
                        if text is None:
                            text = dumped[value] = json.dumps(list(value))
                        row = (*row[:json_columns], text, *row[json_columns + 1 :])
                    copy.write_row(row)
                    n += 1
        return n
    batch: list[models.Model] = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        if json_columns >= 0:
            values[columns[json_columns]] = list(row[json_columns])
        batch.append(model(**values))
        if len(batch) >= 2000:
            model._base_manager.bulk_create(batch)
            n += len(batch)
            batch = []
    if batch:
        model._base_manager.bulk_create(batch)
        n += len(batch)
    return n


@contextlib.contextmanager
def _bulk_mode(model: type[models.Model], progress: Progress) -> Iterator[None]:
    """On PostgreSQL: drop the table's foreign keys, unique constraints and secondary indexes while it
    is loaded, and build them again afterwards (one pass each, as a bulk load should).

    The schema after the load is exactly the one before (the definitions are read from the catalogue
    and replayed). Elsewhere a no-op.
    """
    if not _is_postgres():
        yield
        return
    table = model._meta.db_table
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC, conname",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY i.relname",
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # pending deferred FK checks block ALTER TABLE
        for name, _ in constraints:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    try:
        yield
    finally:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            for name, definition in constraints:
                cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default again
        progress(
            f"    {len(indexes)} indekser og {len(constraints)} skranker på {table} bygget på nytt "
            f"({time.perf_counter() - started:.0f} s)"
        )


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return field.column


# --- the dataset -------------------------------------------------------------------------------------------


@dataclass
class _TeamStaff:
    team: Team
    leverandor: Leverandor
    bydel: Bydel
    sykepleiere: list[User] = field(default_factory=list)
    helsefagarbeidere: list[User] = field(default_factory=list)
    assistenter: list[User] = field(default_factory=list)

    @property
    def members(self) -> list[User]:
        return self.sykepleiere + self.helsefagarbeidere + self.assistenter


#: Weekly variants of the non-daily kinds: (kind, rrule).
WEEKLY: tuple[tuple[str, str], ...] = (
    ("dusj", "FREQ=WEEKLY;BYDAY={d}"),
    ("sarstell", "FREQ=WEEKLY;BYDAY={d},{e}"),
    ("innkjop", "FREQ=WEEKLY;BYDAY={d}"),
    ("rengjoring", "FREQ=WEEKLY;INTERVAL=2;BYDAY={d}"),
    ("dosett", "FREQ=WEEKLY;BYDAY={d}"),
    ("morgenstell", "FREQ=WEEKLY;BYDAY={d},{e},{f}"),
)
DAILY = ("morgenstell", "medisin", "kveld")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")


class _Dataset:
    def __init__(self, persons: int, staff: int, days: int, seed: int, progress: Progress) -> None:
        self.n_persons = persons
        self.n_staff = staff
        self.days = days
        self.rng = random.Random(seed)
        self.progress = progress
        self.today = timezone.localdate()
        self.first = self.today - dt.timedelta(days=days - 1)
        self.last = self.today + dt.timedelta(days=AHEAD_DAYS)
        self.now = timezone.now()
        self.password = make_password(None)  # unusable: nobody logs in with a password here

    def step(self, label: str, fn: Callable[[], object]) -> None:
        started = time.perf_counter()
        fn()
        self.progress(f"  {label} … {time.perf_counter() - started:.1f} s")

    def build(self) -> None:
        self.step("Kommune, bydeler, leverandører og team", self.organisations)
        self.step(f"{self.n_staff} ansatte med roller", self.staff)
        self.step(f"{self.n_persons} tjenestemottakere", self.persons)
        self.step("Vedtak og bestillinger", self.vedtak)
        self.step("Tiltaksplaner, mål og tiltak", self.plans)
        self.step("Besøk", self.visits)
        self.step("Journalnotater", self.notes)
        self.step("Statistikk for spørringsplanleggeren (ANALYZE)", self.analyze)

    # organisations and staff -------------------------------------------------------------------------

    def organisations(self) -> None:
        self.kommune = Kommune.objects.create(navn=BENCH_KOMMUNE, kommunenummer=BENCH_KOMMUNENUMMER)
        n_teams = max(1, round(self.n_staff / TEAM_SIZE))
        n_bydeler = max(1, min(MAX_BYDELER, n_teams, self.n_persons // 100 or 1))
        self.bydeler = Bydel.objects.bulk_create(
            [
                Bydel(kommune=self.kommune, navn=f"Bydel {i + 1:02d}", bydelsnummer=f"9999{i + 1:02d}")
                for i in range(n_bydeler)
            ]
        )
        used: set[str] = set()

        def new_orgnr() -> str:
            while True:
                number = orgnr.with_check_digit(f"8{self.rng.randint(0, 9_999_999):07d}")
                if number is not None and number not in used:
                    used.add(number)
                    return number

        self.kommunal = Leverandor.objects.create(
            navn="Benchmarkby kommune, Hjemmetjenesten",
            organisasjonsnummer=new_orgnr(),
            type=Leverandor.Type.KOMMUNAL,
            kommune=self.kommune,
        )
        self.private = [
            Leverandor.objects.create(
                navn=name, organisasjonsnummer=new_orgnr(), type=Leverandor.Type.PRIVAT, kommune=self.kommune
            )
            for name in PRIVATE_PROVIDERS
        ]
        plan: list[tuple[Leverandor, Bydel]] = []
        for i in range(n_teams):
            leverandor = self.kommunal if i % 5 < 3 or n_teams < 3 else self.private[(i // 5) % len(self.private)]
            plan.append((leverandor, self.bydeler[i % n_bydeler]))
        enhet_keys = sorted({(lev.pk, by.pk) for lev, by in plan})
        enheter = Enhet.objects.bulk_create(
            [Enhet(leverandor_id=lev, navn=f"Enhet {lev}-{by}") for lev, by in enhet_keys]
        )
        self.enhet = {key: e for key, e in zip(enhet_keys, enheter, strict=True)}
        teams = Team.objects.bulk_create(
            [Team(enhet=self.enhet[(lev.pk, by.pk)], navn=f"Team {i + 1}") for i, (lev, by) in enumerate(plan)]
        )
        Team.bydeler.through.objects.bulk_create(
            [Team.bydeler.through(team_id=t.pk, bydel_id=by.pk) for t, (_, by) in zip(teams, plan, strict=True)]
        )
        self.teams = [_TeamStaff(t, lev, by) for t, (lev, by) in zip(teams, plan, strict=True)]

    def staff(self) -> None:
        specs: list[tuple[Role, dict[str, Any]]] = []
        per_team, extra = divmod(self.n_staff, len(self.teams))
        for i, team_info in enumerate(self.teams):
            size = per_team + (1 if i < extra else 0)
            n_syk = max(1, round(size * 0.25))
            n_ass = round(size * 0.25)
            n_hfa = max(0, size - n_syk - n_ass)
            for rolle, n in ((Role.SYKEPLEIER, n_syk), (Role.HELSEFAGARBEIDER, n_hfa), (Role.ASSISTENT, n_ass)):
                specs += [(rolle, {"team": team_info}) for _ in range(n)]
        for enhet in self.enhet.values():
            specs.append((Role.LEDER, {"enhet": enhet}))
        for bydel in self.bydeler:
            specs.append((Role.SAKSBEHANDLER, {"bydel": bydel}))
            specs.append((Role.VEDTAKSMYNDIG, {"bydel": bydel}))
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench-{i:06d}",
                    first_name=self.rng.choice(FIRST_NAMES),
                    last_name=self.rng.choice(LAST_NAMES),
                    email=f"bench-{i:06d}@benchmark.example",
                    password=self.password,
                    kind=UserKind.STAFF,
                    hpr_nummer=str(1_000_000 + i) if rolle in (Role.SYKEPLEIER, Role.HELSEFAGARBEIDER) else "",
                )
                for i, (rolle, _) in enumerate(specs)
            ],
            batch_size=2000,
        )
        assignments = []
        self.officer: dict[int, User] = {}
        self.approver: dict[int, User] = {}
        self.competence: dict[int, tuple[str, ...]] = {}
        since = self.first - dt.timedelta(days=400)
        for user, (rolle, place) in zip(users, specs, strict=True):
            info: _TeamStaff | None = place.get("team")
            assignments.append(
                RoleAssignment(
                    user=user,
                    rolle=rolle,
                    team=info.team if info else None,
                    enhet=place.get("enhet"),
                    bydel=place.get("bydel"),
                    gyldig_fra=since,
                )
            )
            if info is not None:
                {
                    Role.SYKEPLEIER: info.sykepleiere,
                    Role.HELSEFAGARBEIDER: info.helsefagarbeidere,
                    Role.ASSISTENT: info.assistenter,
                }[rolle].append(user)
                self.competence[user.pk] = tuple(
                    sorted(kompetanse.competences({rolle}, authorised=bool(user.hpr_nummer)))
                )
            if rolle == Role.SAKSBEHANDLER:
                self.officer[place["bydel"].pk] = user
            if rolle == Role.VEDTAKSMYNDIG:
                self.approver[place["bydel"].pk] = user
        RoleAssignment.objects.bulk_create(assignments, batch_size=5000)

    # persons, vedtak, plans --------------------------------------------------------------------------

    def persons(self) -> None:
        key = Tjenestemottaker.digest_for  # keyed digest, as the model computes it
        used: set[str] = set()
        by_bydel: dict[int, list[_TeamStaff]] = {}
        for info in self.teams:
            by_bydel.setdefault(info.bydel.pk, []).append(info)
        rows: list[Tjenestemottaker] = []
        self.person_team: list[_TeamStaff] = []
        self.person_pos: list[int] = []
        team_count: dict[int, int] = {}
        for i in range(self.n_persons):
            bydel = self.bydeler[i % len(self.bydeler)]
            teams = by_bydel.get(bydel.pk) or self.teams
            info = teams[(i // len(self.bydeler)) % len(teams)]
            birth = dt.date(1925, 1, 1) + dt.timedelta(days=self.rng.randint(0, 365 * 75))
            while True:
                number = identity.synthetic_number(birth, self.rng)
                if number not in used:
                    used.add(number)
                    break
            pk_choices = info.sykepleiere + info.helsefagarbeidere
            rows.append(
                Tjenestemottaker(
                    id=uuid.UUID(int=self.rng.getrandbits(128), version=4),
                    fodselsnummer=number,
                    fodselsnummer_digest=key(number),
                    fodselsdato=birth,
                    kjonn="K" if int(number[8]) % 2 == 0 else "M",
                    fornavn=self.rng.choice(FIRST_NAMES),
                    etternavn=self.rng.choice(LAST_NAMES),
                    adresse=f"Testveien {i % 200 + 1}",
                    postnummer="9999",
                    poststed="Benchmarkby",
                    bydel=bydel,
                    saksbehandler=self.officer[bydel.pk],
                    primaerkontakt=pk_choices[i % len(pk_choices)] if pk_choices else None,
                )
            )
            self.person_team.append(info)
            # The person's place in the team's list: fixed staff rotate over the team by it.
            self.person_pos.append(team_count.get(info.team.pk, 0))
            team_count[info.team.pk] = self.person_pos[-1] + 1
        self.persons_list = Tjenestemottaker.objects.bulk_create(rows, batch_size=2000)
        TjenestemottakerTeam.objects.bulk_create(
            [
                TjenestemottakerTeam(tjenestemottaker=p, team=info.team, fra=self.first - dt.timedelta(days=30))
                for p, info in zip(self.persons_list, self.person_team, strict=True)
            ],
            batch_size=5000,
        )

    def choose_tiltak(self) -> list[tuple[_Kind, str]]:
        n = self.rng.choices((1, 2, 3), (0.5, 0.35, 0.15))[0]
        chosen: list[tuple[_Kind, str]] = []
        for _ in range(n):
            if self.rng.random() < DAILY_SHARE:
                kind = KINDS[self.rng.choice(DAILY)]
                rrule = "FREQ=DAILY"
            else:
                key, template = self.rng.choice(WEEKLY)
                days = self.rng.sample(WEEKDAYS, 3)
                kind, rrule = KINDS[key], template.format(d=days[0], e=days[1], f=days[2])
            if all(k.key != kind.key for k, _ in chosen):
                chosen.append((kind, rrule))
        return chosen

    def vedtak(self) -> None:
        self.person_tiltak = [self.choose_tiltak() for _ in self.persons_list]
        soknader = Soknad.objects.bulk_create(
            [
                Soknad(
                    tjenestemottaker=p,
                    bydel_id=p.bydel_id,
                    saksbehandler=self.officer[p.bydel_id],
                    mottatt=self.first - dt.timedelta(days=60),
                    gjelder="Hjelp i hjemmet.",
                    status=Soknad.Status.AVSLUTTET,
                )
                for p in self.persons_list
            ],
            batch_size=5000,
        )
        vedtak: list[Vedtak] = []
        self.vedtak_of: list[dict[str, Vedtak]] = []
        fattet = timezone.make_aware(dt.datetime.combine(self.first - dt.timedelta(days=40), dt.time(12)))
        for p, soknad, tiltak in zip(self.persons_list, soknader, self.person_tiltak, strict=True):
            hours: dict[str, float] = {}
            for kind, rrule in tiltak:
                service = "praktisk_bistand" if kind.kompetanse == Kompetanse.INGEN else "helsetjenester_i_hjemmet"
                per_week: float = 7 if "DAILY" in rrule else rrule.count(",") + 1
                if "INTERVAL=2" in rrule:
                    per_week = 0.5
                hours[service] = hours.get(service, 0) + per_week * kind.varighet / 60
            mine: dict[str, Vedtak] = {}
            for service, h in sorted(hours.items()):
                granted = Decimal(max(0.5, round(h * 2 + 0.5) / 2))
                v = Vedtak(
                    soknad=soknad,
                    tjenestemottaker=p,
                    tjenestetype=service,
                    utfall=Vedtak.Utfall.INNVILGET,
                    omfang=granted,
                    omfang_enhet="timer_per_uke",
                    timer_per_uke=granted,
                    fom=self.first - dt.timedelta(days=30),
                    begrunnelse="Syntetisk vedtak for ytelsestest.",
                    hjemmel="helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6",
                    saksbehandler=self.officer[p.bydel_id],
                    vedtaksmyndig=self.approver[p.bydel_id],
                    status=Vedtak.Status.FATTET,
                    fattet=fattet,
                )
                vedtak.append(v)
                mine[service] = v
            self.vedtak_of.append(mine)
        Vedtak.objects.bulk_create(vedtak, batch_size=5000)
        Bestilling.objects.bulk_create(
            [
                Bestilling(
                    vedtak=v,
                    leverandor=info.leverandor,
                    fra=v.fom,
                    status=Bestilling.Status.MOTTATT,
                    mottatt=fattet,
                )
                for mine, info in zip(self.vedtak_of, self.person_team, strict=True)
                for v in mine.values()
            ],
            batch_size=5000,
        )

    def fixed_staff(self, index: int, info: _TeamStaff, level: str) -> User | None:
        pool = {
            Kompetanse.SYKEPLEIER: info.sykepleiere,
            Kompetanse.LEGEMIDDEL: info.sykepleiere + info.helsefagarbeidere,
            Kompetanse.HELSEFAGLIG: info.helsefagarbeidere + info.sykepleiere,
            Kompetanse.INGEN: info.assistenter + info.helsefagarbeidere,
        }[Kompetanse(level)]
        return pool[index % len(pool)] if pool else None

    def plans(self) -> None:
        author = {info.team.pk: (info.sykepleiere or info.members)[0] for info in self.teams if info.members}
        plans = Tiltaksplan.objects.bulk_create(
            [
                Tiltaksplan(
                    tjenestemottaker=p,
                    leverandor=info.leverandor,
                    team=info.team,
                    viktig_for_meg="Å bo hjemme og klare mest mulig selv.",
                    endret_av=author[info.team.pk],
                )
                for p, info in zip(self.persons_list, self.person_team, strict=True)
            ],
            batch_size=5000,
        )
        TiltaksplanEndring.objects.bulk_create(
            [
                TiltaksplanEndring(
                    plan=plan,
                    versjon=1,
                    endret_av=plan.endret_av,
                    hva="Planen ble opprettet",
                    hvorfor="Bestilling mottatt.",
                    involvering="personen",
                )
                for plan in plans
            ],
            batch_size=5000,
        )
        goals = Mal.objects.bulk_create(
            [Mal(plan=plan, tekst="Å klare mest mulig selv.") for plan in plans], batch_size=5000
        )
        rows: list[Tiltak] = []
        for i, (plan, goal, info, tiltak, mine) in enumerate(
            zip(plans, goals, self.person_team, self.person_tiltak, self.vedtak_of, strict=True)
        ):
            shift = (-30, 0, 0, 30, 60)[i % 5]
            for kind, rrule in tiltak:
                service = "praktisk_bistand" if kind.kompetanse == Kompetanse.INGEN else "helsetjenester_i_hjemmet"
                fh, fm, th, tm = kind.vindu
                rows.append(
                    Tiltak(
                        plan=plan,
                        mal=goal,
                        vedtak=mine[service],
                        tittel=kind.tittel,
                        oppgaver=list(kind.oppgaver),
                        prosedyre=kind.prosedyre,
                        rrule=rrule,
                        vindu_fra=dt.time(*divmod(fh * 60 + fm + shift, 60)),
                        vindu_til=dt.time(*divmod(th * 60 + tm + shift, 60)),
                        varighet_min=kind.varighet,
                        kompetanse=kind.kompetanse,
                        fast_ansatt=self.fixed_staff(self.person_pos[i], info, kind.kompetanse),
                        gyldig_fra=self.first - dt.timedelta(days=i % 14),
                    )
                )
        self.tiltak = Tiltak.objects.bulk_create(rows, batch_size=5000)
        self.plan_info = {
            plan.pk: (p, info) for plan, p, info in zip(plans, self.persons_list, self.person_team, strict=True)
        }

    # visits and notes --------------------------------------------------------------------------------

    def visit_rows(self) -> Iterator[tuple[Any, ...]]:
        cache: dict[tuple[Any, ...], list[rec.Occurrence]] = {}
        rng = self.rng
        now = self.now
        today = self.today
        team_able: dict[tuple[int, str], list[User]] = {}
        for t in self.tiltak:
            person, info = self.plan_info[t.plan_id]
            key = (t.rrule, t.gyldig_fra, t.vindu_fra, t.vindu_til, t.varighet_min)
            occurrences = cache.get(key)
            if occurrences is None:
                try:
                    occurrences = rec.occurrences(services.pattern_of(t), self.first, self.last)
                except InvalidInput:
                    occurrences = []
                cache[key] = occurrences
            able_key = (info.team.pk, t.kompetanse)
            able = team_able.get(able_key)
            if able is None:
                able = team_able[able_key] = [
                    u for u in info.members if kompetanse.meets(frozenset(self.competence[u.pk]), t.kompetanse)
                ]
            ansatt = t.fast_ansatt
            ansatt_id = ansatt.pk if ansatt is not None else None
            vedtak_id, leverandor_id, team_id = t.vedtak_id, info.leverandor.pk, info.team.pk
            for occ in occurrences:
                start, end = occ.window_start, occ.window_end
                comp: tuple[str, ...] = ()
                status, inn, ut, by, grunn, ok = "planlagt", None, None, None, "", None
                if occ.date < today:
                    r = rng.random()
                    if r < 0.02:
                        status, grunn = "avlyst", "avslo"
                    elif r < 0.03:
                        status, grunn = "ikke_utfort", "ikke_hjemme"
                    else:
                        status = "utfort"
                        performer = ansatt if (ansatt is not None and r < 0.85) or not able else rng.choice(able)
                        by = performer.pk if performer is not None else None
                        comp = self.competence.get(by, ("ingen",)) if by is not None else ("ingen",)
                        if r > 0.96:
                            inn = end + dt.timedelta(minutes=5 + int(r * 1000) % 40)
                        else:
                            inn = start + (end - start) * (r * 0.9)
                        ut = inn + dt.timedelta(minutes=t.varighet_min + int(r * 100) % 11 - 5)
                        ok = True
                yield (
                    t.pk,
                    person.pk,
                    vedtak_id,
                    leverandor_id,
                    team_id,
                    occ.date,
                    start,
                    end,
                    t.varighet_min,
                    t.kompetanse,
                    ansatt_id,
                    status,
                    inn,
                    ut,
                    by,
                    comp,
                    ok,
                    grunn,
                    "",
                    now,
                )

    VISIT_COLUMNS = (
        "tiltak_id",
        "tjenestemottaker_id",
        "vedtak_id",
        "leverandor_id",
        "team_id",
        "dato",
        "vindu_start",
        "vindu_slutt",
        "varighet_min",
        "kompetanse",
        "ansatt_id",
        "status",
        "inn",
        "ut",
        "utfort_av_id",
        "utfort_kompetanse",
        "posisjon_bekreftet",
        "grunn",
        "grunn_tekst",
        "endret",
    )

    def visits(self) -> None:
        total = 0
        chunk = 20_000
        started = time.perf_counter()
        all_tiltak = self.tiltak
        with _bulk_mode(Besok, self.progress):
            for i in range(0, len(all_tiltak), chunk):
                self.tiltak = all_tiltak[i : i + chunk]
                with transaction.atomic():
                    total += _load(Besok, self.VISIT_COLUMNS, self.visit_rows(), json_columns=15)
                self.progress(f"    {total} besøk ({time.perf_counter() - started:.0f} s)")
        self.tiltak = all_tiltak
        self.visit_count = total

    def note_rows(self) -> Iterator[tuple[Any, ...]]:
        weeks = max(1, self.days // 7)
        rng = self.rng
        for p, info in zip(self.persons_list, self.person_team, strict=True):
            authors = info.helsefagarbeidere or info.members
            if not authors:
                continue
            for w in range(weeks):
                if rng.random() >= NOTES_PER_WEEK:
                    continue
                author = authors[w % len(authors)]
                day = self.today - dt.timedelta(days=w * 7 + rng.randint(0, 6))
                signert = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + w % 10, rng.randint(0, 59))))
                r = rng.random()
                kind, flagg = ("neste_vakt", "") if r < 0.05 else ("observasjon", "sykepleier" if r > 0.99 else "")
                yield (
                    p.pk,
                    kind,
                    rng.choice(NOTE_TEXTS),
                    flagg,
                    author.pk,
                    author.get_full_name(),
                    "Helsefagarbeider",
                    signert,
                )

    NOTE_COLUMNS = (
        "tjenestemottaker_id",
        "type",
        "tekst",
        "flagg",
        "forfatter_id",
        "forfatter_navn",
        "forfatter_rolle",
        "signert",
    )

    def notes(self) -> None:
        with _bulk_mode(Journalnotat, self.progress), transaction.atomic():
            self.note_count = _load(Journalnotat, self.NOTE_COLUMNS, self.note_rows())

    def analyze(self) -> None:
        with connection.cursor() as cursor:
            if _is_postgres():
                cursor.execute("VACUUM ANALYZE" if not connection.in_atomic_block else "ANALYZE")
            else:
                cursor.execute("ANALYZE")


# --- the measurements --------------------------------------------------------------------------------------


def _nurse_with_most_visits(day: dt.date) -> User:
    nurses = RoleAssignment.objects.filter(rolle=Role.SYKEPLEIER, team__isnull=False).values("user_id")
    top = (
        Besok.objects.filter(dato=day, ansatt_id__in=nurses)
        .values("ansatt_id")
        .annotate(n=Count("id"))
        .order_by("-n", "ansatt_id")
        .first()
    )
    if top is None:
        return User.objects.get(pk=nurses.order_by("user_id").first()["user_id"])  # type: ignore[index]
    return User.objects.get(pk=top["ansatt_id"])


def _min_dag_timer(nurse: User, day: dt.date, progress: Progress) -> Callable[[], None]:
    """One «Min dag» request through the real view, logged in and OTP-verified, as the phone makes it."""
    from django.test import Client
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    url = reverse("care:min_dag")
    device = TOTPDevice.objects.filter(user=nurse, confirmed=True).first() or TOTPDevice.objects.create(
        user=nurse, name="benchmark", confirmed=True
    )
    client = Client()
    client.force_login(nurse)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    progress(f"  «Min dag»: måler visningen {url} med innlogget og OTP-verifisert sykepleier.")

    def view_call() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"«Min dag» svarte {response.status_code}")

    return view_call


def _kontraktsintegritet_timer(bydel_id: int, month_start: dt.date, progress: Progress) -> Callable[[], object]:
    """The month's figure for every provider in the bydel, as «Leveranse (bydel)» computes it for a month."""
    from helhet.care import figures
    from helhet.care.rules.kpi import Kind

    progress("  Kontraktsintegritet: måler helhet.care.figures.kontraktsintegritet_bydel (måned).")
    month_only: tuple[Kind, ...] = ("month",)
    return lambda: figures.kontraktsintegritet_bydel(bydel_id, month_start, kinds=month_only)


def _month_end(month_start: dt.date) -> dt.date:
    following = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _time(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _database_mb() -> float:
    with connection.cursor() as cursor:
        if _is_postgres():
            cursor.execute("SELECT pg_database_size(current_database())")
            return float(cursor.fetchone()[0]) / 1_000_000
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        return float(pages * cursor.fetchone()[0]) / 1_000_000


def run(options: dict[str, Any], report: bench.Report) -> None:
    persons, staff, days, repeat = options["persons"], options["staff"], options["days"], options["repeat"]
    if persons < 1 or staff < 1 or days < 1 or repeat < 1:
        raise bench.Refused("--persons, --staff, --days og --repeat må være minst 1.")
    progress = report.progress
    today = timezone.localdate()
    if options.get("reuse"):
        if not _is_bench_dataset():
            raise bench.Refused("Fant ikke noe benchmark-datasett å gjenbruke. Kjør uten --reuse.")
        progress("Gjenbruker benchmark-datasettet som finnes.")
    else:
        _check_database(options.get("force", False))
        _wipe(progress)
        progress(f"Bygger datasettet: {persons} personer, {staff} ansatte, {days} dager …")
        started = time.perf_counter()
        _Dataset(persons, staff, days, options.get("seed", 1), progress).build()
        report.figure("build", time.perf_counter() - started, "s")

    report.figure("persons", Tjenestemottaker.objects.count(), "count")
    report.figure("staff", RoleAssignment.objects.filter(team__isnull=False).count(), "count")
    report.figure("visits", Besok.objects.count(), "rows")
    report.figure("journal_notes", Journalnotat.objects.count(), "rows")

    progress("Måler «Min dag» …")
    nurse = _nurse_with_most_visits(today)
    report.figure("min_dag_visits", Besok.objects.filter(ansatt=nurse, dato=today).count(), "count")
    # The test client's host name is allowed for these requests only.
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        call = _min_dag_timer(nurse, today, progress)
        call()
        call()  # warm up
        samples = [_time(call) * 1000 for _ in range(repeat * MIN_DAG_REQUESTS)]
    report.figure("min_dag_median", bench.median(samples), "ms")
    report.figure("min_dag_p95", bench.p95(samples), "ms")

    progress("Måler kontraktsintegritet for en bydel …")
    bydel = Tjenestemottaker.objects.values("bydel_id").annotate(n=Count("id")).order_by("-n", "bydel_id").first()
    month_start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if bydel is not None:
        figure = _kontraktsintegritet_timer(bydel["bydel_id"], month_start, progress)
        figure()
        report.figure("kontraktsintegritet_bydel_median", bench.median([_time(figure) for _ in range(repeat)]), "s")

    progress("Måler generering av en måned med besøk …")
    plans = Tiltaksplan.objects.order_by("pk").values_list("tjenestemottaker_id", flat=True)[:GENERATE_PERSONS]
    chosen = Tiltak.objects.filter(plan__tjenestemottaker_id__in=list(plans))
    start = today + dt.timedelta(days=AHEAD_DAYS + 1)
    end = _month_end(start.replace(day=1)) if start.day == 1 else start + dt.timedelta(days=29)
    timings: list[float] = []
    created = 0
    for _ in range(repeat):
        with transaction.atomic():
            started = time.perf_counter()
            created = services.generer_besok(start, end, chosen)
            timings.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    report.figure("generate_month_persons", len(plans), "persons")
    report.figure("generate_month_visits", created, "rows")
    report.figure("generate_month_median", bench.median(timings), "s")
    report.figure("database_size", _database_mb(), "MB")


bench.register(
    bench.Benchmark(
        "delivery",
        "Tjenesteyting i stor skala: «Min dag», kontraktsintegritet for en bydel, generering av besøk "
        "og databasestørrelse.",
        add_arguments,
        run,
    )
)
