"""Provider delivery in the demo world: tiltaksplaner, eight weeks of visits, and the journal.

Called by :func:`helhet.core.demo.build_demo_world` after the cases demo, inside its transaction.
For every person whose fattet, granted vedtak has a bestilling the provider has received, it writes
a :class:`~helhet.care.models.Tiltaksplan` per (person, provider): «Hva er viktig for deg?» in the
person's own words (from the kartlegging), one to three goals, and tiltak linked to a goal and to
the vedtak (morgenstell, medisinutdeling, sårstell with its checklist, dusj, kveldsbesøk,
rengjøring annenhver uke, innkjøp), with a few versions that say why and how the person took part.
Two flags are left on purpose in the demo nurse's team: a tiltak without a goal, and a plan that
plans more hours a week than its vedtak grants.

Then eight weeks of history: the planned visits come from :func:`helhet.care.services.generer_besok`
(today − 56 days to today + 7), and the past ones are marked the way a real team's weeks look —
mostly performed inside the window by the person's fixed staff member or a team colleague, some
late, a hospital stay and a trip (cancelled, with the reason), a few not performed (not at home,
short of staff); the tasks of each performed visit ticked, a few not done with the reason; journal
notes (observations, notes for the next shift, flags to the nurse — the older ones acknowledged —
and one correction).

Demo data is *seeded*, not acted: rows are written in bulk, without the services' per-row audit.
Today's visits of the demo logins ``helsefagarbeider``, ``sykepleier`` and ``assistent`` stay planned,
so the browser tour («Min dag»: check in, tick, write, check out) works whatever the time of day.

Deterministic for the ``rng`` passed in: every list is read in an explicit order (persons by
identity number, staff by username, tiltak and visits by primary key within this build).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import models
from django.db.models import Q
from django.utils import timezone

from helhet.care import services
from helhet.care.models import (
    Besok,
    BesokOppgave,
    FlaggKvittering,
    IndividuellPlan,
    Involvering,
    Journalnotat,
    Mal,
    Tiltak,
    Tiltaksplan,
    TiltaksplanEndring,
    Vakt,
)
from helhet.care.rules import kompetanse
from helhet.care.rules.kompetanse import Kompetanse
from helhet.care.rules.kpi import VISIT_SERVICES
from helhet.cases.models import Bestilling, Vedtak
from helhet.core.demo import DEMO_USERNAMES
from helhet.core.models import Role, RoleAssignment, Team, Tjenestemottaker, TjenestemottakerTeam, User
from helhet.core.models.users import CARE_ROLES


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


#: Days of history before today, and days planned ahead.
HISTORY_DAYS = 56
AHEAD_DAYS = 7
#: Services delivered as visits by a home-care provider (BPA, støttekontakt, alarms … are not).
#: How many persons with home health care the demo nurse's team serves at least (for «Min dag»).
DEMO_TEAM_MIN_PLANS = 5
#: The demo logins whose visits today stay planned for the tour.
TOUR_ROLES = (Role.HELSEFAGARBEIDER, Role.SYKEPLEIER, Role.ASSISTENT)

# --- what the provider does: the tiltak catalogue --------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    key: str
    tittel: str
    beskrivelse: str
    oppgaver: tuple[str, ...]
    rrule: str
    vindu: tuple[int, int, int, int]  # from h, m, to h, m
    varighet: int
    kompetanse: str
    per_week: float
    goal: str  # the goal family it serves
    prosedyre: str = ""
    neste_vakt: str = ""


KINDS: dict[str, _Kind] = {
    k.key: k
    for k in (
        _Kind(
            "morgenstell",
            "Morgenstell",
            "Hjelp til stell og påkledning. La personen gjøre det hun eller han klarer selv.",
            (
                "Hjelp til vask ved vasken eller dusj",
                "Påkledning",
                "Se etter rødme og trykkmerker",
                "Frokost og drikke",
            ),
            "FREQ=DAILY",
            (7, 30, 9, 30),
            40,
            Kompetanse.HELSEFAGLIG,
            7,
            "stell",
            neste_vakt="Bruker rullator innendørs. Sett den inntil sengen før du går.",
        ),
        _Kind(
            "medisin",
            "Medisinutdeling morgen",
            "Gi morgendosen fra multidosen etter legemiddellisten, og se at den blir tatt.",
            (
                "Kontroller navn, dato og tidspunkt på multidoseposen",
                "Gi medisinene og se at de blir tatt",
                "Kvitter på legemiddellisten",
                "Observer virkning og bivirkninger",
            ),
            "FREQ=DAILY",
            (8, 0, 9, 0),
            10,
            Kompetanse.LEGEMIDDEL,
            7,
            "medisin",
            prosedyre="Legemiddelutdeling",
        ),
        _Kind(
            "dosett",
            "Legge medisiner i dispenser",
            "Fyll den elektroniske medisindispenseren for en uke etter legemiddellisten.",
            ("Fyll dispenseren etter legemiddellisten", "Dobbeltkontroll av fylt dispenser", "Kvitter på listen"),
            "FREQ=WEEKLY;BYDAY=MO",
            (12, 0, 14, 0),
            20,
            Kompetanse.LEGEMIDDEL,
            1,
            "medisin",
            prosedyre="Legemiddelutdeling",
        ),
        _Kind(
            "sarstell",
            "Sårstell leggsår",
            "Sårstell etter prosedyren «Sårstell». Mål og beskriv såret hver gang.",
            (
                "Håndhygiene og rene hansker",
                "Fjern gammel bandasje og vurder såret",
                "Rens såret med NaCl 0,9 %",
                "Legg på ny bandasje etter prosedyren",
                "Dokumenter sårets utseende i journalen",
            ),
            "FREQ=WEEKLY;BYDAY=MO,TH",
            (10, 0, 12, 0),
            30,
            Kompetanse.SYKEPLEIER,
            2,
            "sar",
            prosedyre="Sårstell",
            neste_vakt="Kompresjonsstrømpe på høyre bein om morgenen, av om kvelden.",
        ),
        _Kind(
            "dusj",
            "Dusj",
            "Hjelp til dusj med dusjkrakk og støttehåndtak.",
            ("Dusj med dusjkrakk", "Hårvask", "Smør inn tørr hud", "Skift sengetøy ved behov"),
            "FREQ=WEEKLY;BYDAY=WE",
            (10, 0, 12, 0),
            45,
            Kompetanse.HELSEFAGLIG,
            1,
            "stell",
        ),
        _Kind(
            "kveld",
            "Kveldsbesøk",
            "Hjelp til kveldsstell, og se at alt er trygt for natten.",
            ("Hjelp til kveldsstell og avkledning", "Sjekk at trygghetsalarmen er på", "Sett fram drikke for natten"),
            "FREQ=DAILY",
            (20, 0, 21, 30),
            20,
            Kompetanse.HELSEFAGLIG,
            7,
            "trygg",
        ),
        _Kind(
            "rengjoring",
            "Rengjøring",
            "Rengjøring av stue, kjøkken og bad annenhver uke.",
            ("Støvsuge og vaske gulv", "Rengjøre bad og toalett", "Tørke av kjøkkenbenken", "Skifte sengetøy"),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
            (10, 0, 14, 0),
            90,
            Kompetanse.INGEN,
            0.5,
            "hjem",
        ),
        _Kind(
            "innkjop",
            "Innkjøp",
            "Handle dagligvarer etter handleliste laget sammen med personen.",
            ("Lag handleliste sammen med personen", "Handle dagligvarer", "Sett varene på plass"),
            "FREQ=WEEKLY;BYDAY=TU",
            (11, 0, 14, 0),
            45,
            Kompetanse.INGEN,
            1,
            "hjem",
        ),
    )
}

#: The order tiltak are tried in, per service (fitted to the vedtak's hours a week).
PER_SERVICE: dict[str, tuple[str, ...]] = {
    "helsetjenester_i_hjemmet": ("medisin", "morgenstell", "sarstell", "dusj", "kveld", "dosett"),
    "praktisk_bistand": ("rengjoring", "innkjop"),
    "praktisk_bistand_opplaering": ("innkjop", "rengjoring"),
}

#: Goals in the person's own words, by family.
GOALS: dict[str, tuple[str, ...]] = {
    "stell": (
        "Jeg vil klare mest mulig av morgenstellet selv, og få hjelp til resten.",
        "Å dusje uten å være redd for å falle.",
        "Å være pen i håret og ren i klærne når datteren min kommer.",
    ),
    "medisin": (
        "Å ta riktige medisiner til riktig tid uten å måtte tenke på det.",
        "Jeg vil være trygg på at jeg ikke tar dobbelt opp.",
    ),
    "sar": (
        "At såret på leggen gror, så jeg kan gå tur med hunden igjen.",
        "Å slippe å ha vondt når jeg går.",
    ),
    "trygg": (
        "Å føle meg trygg når jeg legger meg om kvelden.",
        "At noen ser til meg før natten, så jeg kan bo hjemme.",
    ),
    "hjem": (
        "Å ha det rent og ryddig hjemme, slik jeg alltid har hatt det.",
        "At barnebarna kan komme på besøk og at det er fint her.",
        "Å kunne lage middag selv med det jeg liker.",
    ),
}

PLAN_CREATED = (
    "Bestillingen fra bydelen er mottatt. Oppstartsmøte hjemme hos personen: vi snakket om hva som er "
    "viktig og ble enige om tiltak og tidspunkter."
)
CHANGES: tuple[tuple[str, str], ...] = (
    ("Tiltak endret: morgenstell flyttet en halvtime senere", "Personen ønsker å sove lenger om morgenen."),
    ("Nytt mål: å gå til butikken selv", "Personen har trent med fysioterapeut og vil klare mer selv."),
    ("Tiltak endret: dusj flyttet til onsdag", "Datteren kommer på besøk tirsdager; personen ønsket en annen dag."),
    ("Oppgaver justert etter evaluering", "Evalueringsmøte etter fire uker: noen oppgaver klarer personen nå selv."),
)

OBSERVATIONS: dict[str, tuple[str, ...]] = {
    "stell": (
        "Var i godt humør og klarte å kle på seg overdelen selv i dag.",
        "Litt ustø ved forflytning fra seng til stol. Brukte rullator hele tiden.",
        "Huden på leggene er tørr; smurt inn med fuktighetskrem.",
        "Spiste hele frokosten og drakk to glass vann.",
    ),
    "medisin": (
        "Medisiner gitt og tatt. Ingen bivirkninger observert.",
        "Klager over munntørrhet. Drakk godt med vann.",
        "Blodtrykk målt 138/84, puls 72.",
    ),
    "sar": (
        "Såret er ca. 3 x 2 cm, rene sårkanter, lite væske. Ny bandasje lagt.",
        "Såret er i bedring: mindre rødme rundt enn forrige gang.",
        "Noe gulaktig væske i bandasjen, ingen lukt. Følges opp neste stell.",
    ),
    "trygg": (
        "Ligger trygt i sengen, alarmen er på. Ønsket lyset på i gangen.",
        "Var litt urolig i kveld og snakket om sin avdøde mann. Satt og pratet en stund.",
    ),
    "hjem": (
        "Rengjøring utført. Personen tørket støv selv i stua, og var fornøyd med det.",
        "Handlet etter listen. Kvittering og vekslepenger lagt i skuffen på kjøkkenet.",
    ),
}
NEXT_SHIFT: tuple[str, ...] = (
    "Har fått ny multidose fra apoteket i dag; gammel pose levert tilbake.",
    "Datteren kommer i morgen kl. 11 og vil gjerne snakke med primærkontakten.",
    "Fastlegen har økt vanndrivende fra i dag. Følg med på hevelse i beina.",
    "Nøkkelboksen henger fast. Vaktmester er varslet.",
    "Ønsker havregrøt til frokost i stedet for brødskive denne uken.",
)
FLAGS: tuple[str, ...] = (
    "Rødme over venstre hæl, mulig trykksår. Ber sykepleier vurdere.",
    "Virket forvirret og visste ikke hvilken dag det var. Ber sykepleier følge opp.",
    "Har falt i natt, ingen synlige skader, men vondt i hoften. Ber sykepleier vurdere.",
    "Svært lite urin siste døgn og tørr munn. Ber sykepleier vurdere væskebalansen.",
)
TASK_NOT_DONE: tuple[str, ...] = (
    "Personen ønsket ikke i dag.",
    "Personen var sliten; avtalt å gjøre det på neste besøk.",
    "Mangler utstyr – bestilt fra apoteket.",
)
WRONG_NOTE = "Blodtrykk målt 182/84, puls 72."
CORRECTION = "Korrigering: blodtrykket var 142/84, ikke 182/84 som skrevet i notatet over. Skrivefeil."


# --- the builder -------------------------------------------------------------------------------------------


@dataclass
class _Group:
    """A person's received bestillinger at one provider: one plan."""

    person: Tjenestemottaker
    leverandor_id: int
    items: list[tuple[Bestilling, Vedtak]] = field(default_factory=list)

    @property
    def health(self) -> bool:
        return any(v.tjenestetype == "helsetjenester_i_hjemmet" for _, v in self.items)


@dataclass
class _Staff:
    team: Team
    sykepleiere: list[User]
    helsefagarbeidere: list[User]
    assistenter: list[User]

    @property
    def members(self) -> list[User]:
        return self.sykepleiere + self.helsefagarbeidere + self.assistenter


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class _CareBuilder:
    def __init__(self, rng: random.Random, today: dt.date, stdout: Writer | None) -> None:
        self.rng = rng
        self.today = today
        self.now = timezone.now()
        self.stdout = stdout
        self.start = today - dt.timedelta(days=HISTORY_DAYS)
        self.demo_index: dict[Any, int] = {}

    def out(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")

    # the world as the demos before built it -------------------------------------------------------------

    def load(self) -> None:
        self.demo = {role: User.objects.get(username=DEMO_USERNAMES[role]) for role in TOUR_ROLES}
        nurse_team = self.demo[Role.SYKEPLEIER].role_assignments.filter(rolle=Role.SYKEPLEIER).first()
        assert nurse_team is not None and nurse_team.team is not None
        self.demo_team: Team = nurse_team.team
        self.staff: dict[int, _Staff] = {}
        self.competence: dict[int, frozenset[str]] = {}
        self.role_label: dict[int, str] = {}
        self.users: dict[int, User] = {}
        assignments = (
            RoleAssignment.objects.filter(team__isnull=False, rolle__in=CARE_ROLES)
            .select_related("user", "team__enhet")
            .order_by("team__enhet__navn", "team__navn", "user__username")
        )
        for a in assignments:
            assert a.team is not None
            staff = self.staff.setdefault(a.team_id, _Staff(a.team, [], [], []))  # type: ignore[arg-type]
            lists: dict[str, list[User]] = {
                Role.SYKEPLEIER: staff.sykepleiere,
                Role.HELSEFAGARBEIDER: staff.helsefagarbeidere,
            }
            lists.get(a.rolle, staff.assistenter).append(a.user)
            self.competence[a.user_id] = kompetanse.competences({a.rolle}, authorised=bool(a.user.hpr_nummer))
            self.role_label[a.user_id] = Role(a.rolle).label
            self.users[a.user_id] = a.user
        self.teams_by_provider: dict[int, list[Team]] = {}
        for team in Team.objects.select_related("enhet").prefetch_related("bydeler").order_by("enhet__navn", "navn"):
            self.teams_by_provider.setdefault(team.enhet.leverandor_id, []).append(team)
        self.person_team: dict[Any, TjenestemottakerTeam] = {}
        for link in TjenestemottakerTeam.objects.filter(TjenestemottakerTeam.active_q(self.today)).order_by("pk"):
            self.person_team.setdefault(link.tjenestemottaker_id, link)

        bestillinger = (
            Bestilling.objects.filter(
                status=Bestilling.Status.MOTTATT,
                fra__lte=self.today,
                vedtak__status=Vedtak.Status.FATTET,
                vedtak__utfall=Vedtak.Utfall.INNVILGET,
                vedtak__tjenestetype__in=VISIT_SERVICES,
            )
            .filter(Q(til__isnull=True) | Q(til__gte=self.start))
            .select_related("vedtak__tjenestemottaker__bydel", "vedtak__soknad__kartlegging")
            .order_by("vedtak__tjenestemottaker__fodselsnummer", "vedtak__fom", "vedtak__tjenestetype", "fra", "pk")
        )
        self.groups: list[_Group] = []
        index: dict[tuple[Any, int], _Group] = {}
        for b in bestillinger:
            person = b.vedtak.tjenestemottaker
            key = (person.pk, b.leverandor_id)
            group = index.get(key)
            if group is None:
                group = index[key] = _Group(person, b.leverandor_id)
                self.groups.append(group)
            group.items.append((b, b.vedtak))

    # teams -----------------------------------------------------------------------------------------------

    def team_for(self, group: _Group) -> Team:
        link = self.person_team.get(group.person.pk)
        teams = self.teams_by_provider.get(group.leverandor_id, [])
        if link is not None and any(t.pk == link.team_id for t in teams):
            return next(t for t in teams if t.pk == link.team_id)
        covering = [t for t in teams if any(b.pk == group.person.bydel_id for b in t.bydeler.all())]
        return (covering or teams)[0]

    def assign_teams(self) -> None:
        """Each plan's team; the demo nurse's team gets enough persons with home health care for the tour."""
        self.plan_team: dict[int, Team] = {id(g): self.team_for(g) for g in self.groups}
        demo_provider = self.demo_team.enhet.leverandor_id
        demo_bydel_ids = {b.pk for b in self.demo_team.bydeler.all()}
        have = sum(1 for g in self.groups if g.health and self.plan_team[id(g)].pk == self.demo_team.pk)
        self.moved: list[Tjenestemottaker] = []
        for g in self.groups:
            if have >= DEMO_TEAM_MIN_PLANS:
                break
            if (
                g.health
                and g.leverandor_id == demo_provider
                and g.person.bydel_id in demo_bydel_ids
                and self.plan_team[id(g)].pk != self.demo_team.pk
            ):
                self.plan_team[id(g)] = self.demo_team
                self.moved.append(g.person)
                have += 1
        moved_ids = {p.pk for p in self.moved}
        for g in self.groups:  # the person's other plan at the same provider moves along
            if g.person.pk in moved_ids and g.leverandor_id == demo_provider:
                self.plan_team[id(g)] = self.demo_team
        # The person moved to the demo team three months ago (before the history starts); a person whose
        # plan is at a provider whose team did not serve them yet gets that team too.
        moved_on = self.today - dt.timedelta(days=90)
        TjenestemottakerTeam.objects.filter(tjenestemottaker__in=self.moved, til__isnull=True).update(
            til=moved_on - dt.timedelta(days=1)
        )
        served = {(link.tjenestemottaker_id, link.team_id) for link in self.person_team.values()}
        served -= {(p.pk, link.team_id) for p in self.moved if (link := self.person_team.get(p.pk))}
        links: list[TjenestemottakerTeam] = []
        for g in self.groups:
            team = self.plan_team[id(g)]
            if (g.person.pk, team.pk) not in served:
                served.add((g.person.pk, team.pk))
                links.append(TjenestemottakerTeam(tjenestemottaker=g.person, team=team, fra=moved_on))
        TjenestemottakerTeam.objects.bulk_create(links)

    def staff_for(self, team: Team) -> _Staff:
        return self.staff.get(team.pk) or _Staff(team, [], [], [])

    def pick_staff(self, group: _Group, team: Team, level: str) -> User | None:
        """The fixed staff member for a tiltak: the demo logins in the demo team, else a stable choice.

        In the demo team the nurse gives the morning medicines to every other person, the
        helsefagarbeider to the rest, so both have several visits in «Min dag» every day.
        """
        staff = self.staff_for(team)
        if team.pk == self.demo_team.pk:
            self.demo_index.setdefault(group.person.pk, len(self.demo_index))
            medicines = Role.SYKEPLEIER if self.demo_index[group.person.pk] % 2 == 0 else Role.HELSEFAGARBEIDER
            by_level = {
                Kompetanse.SYKEPLEIER: self.demo[Role.SYKEPLEIER],
                Kompetanse.LEGEMIDDEL: self.demo[medicines],
                Kompetanse.HELSEFAGLIG: self.demo[Role.HELSEFAGARBEIDER],
                Kompetanse.INGEN: self.demo[Role.ASSISTENT],
            }
            return by_level[Kompetanse(level)]
        pk = group.person.primaerkontakt_id
        if pk is not None and pk in {u.pk for u in staff.members} and kompetanse.meets(self.competence[pk], level):
            return self.users[pk]
        pool = {
            Kompetanse.SYKEPLEIER: staff.sykepleiere,
            Kompetanse.LEGEMIDDEL: staff.sykepleiere + staff.helsefagarbeidere,
            Kompetanse.HELSEFAGLIG: staff.helsefagarbeidere + staff.sykepleiere,
            Kompetanse.INGEN: staff.assistenter + staff.helsefagarbeidere,
        }[Kompetanse(level)]
        pool = [u for u in pool if kompetanse.meets(self.competence[u.pk], level)]
        return self.rng.choice(pool) if pool else None

    # plans -----------------------------------------------------------------------------------------------

    def choose_kinds(self, vedtak: Vedtak, flag_hours: bool) -> list[_Kind]:
        order = list(PER_SERVICE[vedtak.tjenestetype])
        if vedtak.tjenestetype == "helsetjenester_i_hjemmet":
            head, tail = order[:2], order[2:]
            self.rng.shuffle(tail)
            if self.rng.random() < 0.5:
                head.reverse()
            order = head + tail
        limit = float(vedtak.timer_per_uke) if vedtak.timer_per_uke is not None else 4.0
        chosen: list[_Kind] = []
        hours = 0.0
        for key in order:
            kind = KINDS[key]
            h = kind.per_week * kind.varighet / 60
            if hours + h <= limit + 1e-9 and len(chosen) < 3:
                chosen.append(kind)
                hours += h
        if not chosen:  # the smallest tiltak, even if the hours are tight
            chosen.append(min((KINDS[k] for k in order), key=lambda k: k.per_week * k.varighet))
        if flag_hours:  # deliberately beyond the vedtak: more visits on top until the hours are exceeded
            for key in ("kveld", "morgenstell", "dusj", "sarstell"):
                kind = KINDS[key]
                if hours > limit + 0.1:
                    break
                if kind not in chosen:
                    chosen.append(kind)
                    hours += kind.per_week * kind.varighet / 60
        return chosen

    def build_plans(self) -> None:
        plans: list[Tiltaksplan] = []
        self.plan_specs: list[tuple[_Group, Tiltaksplan, list[tuple[str, list[tuple[_Kind, Vedtak, dt.date]]]]]] = []
        demo_groups = [g for g in self.groups if self.plan_team[id(g)].pk == self.demo_team.pk and g.health]
        flag_no_goal = demo_groups[0] if demo_groups else None
        flag_hours = demo_groups[1] if len(demo_groups) > 1 else None
        for g in self.groups:
            team = self.plan_team[id(g)]
            staff = self.staff_for(team)
            author = staff.sykepleiere[0] if staff.sykepleiere else (staff.members or [self.demo[Role.SYKEPLEIER]])[0]
            if team.pk == self.demo_team.pk:
                author = self.demo[Role.SYKEPLEIER]
            kartlegging = getattr(g.items[0][1].soknad, "kartlegging", None)
            viktig = (kartlegging.viktig_for_meg if kartlegging else "") or g.items[0][1].mal
            plan = Tiltaksplan(
                tjenestemottaker=g.person,
                leverandor_id=g.leverandor_id,
                team=team,
                viktig_for_meg=viktig,
                endret_av=author,
            )
            per_vedtak: list[tuple[_Kind, Vedtak, dt.date]] = []
            for bestilling, vedtak in g.items:
                fra = max(vedtak.fom, bestilling.fra)
                over = flag_hours is g and vedtak.tjenestetype == "helsetjenester_i_hjemmet"
                for kind in self.choose_kinds(vedtak, over):
                    per_vedtak.append((kind, vedtak, fra))
                if over:
                    flag_hours = None  # one vedtak over its hours is enough
            plans.append(plan)
            self.plan_specs.append((g, plan, [("", per_vedtak)]))
            plan._author = author  # type: ignore[attr-defined]
            plan._flag_no_goal = g is flag_no_goal  # type: ignore[attr-defined]
        Tiltaksplan.objects.bulk_create(plans)

        goals: list[Mal] = []
        goal_of: list[dict[str, Mal]] = []
        for _, plan, specs in self.plan_specs:
            families: list[str] = []
            for kind, _, _ in specs[0][1]:
                if kind.goal not in families:
                    families.append(kind.goal)
            mine: dict[str, Mal] = {}
            for family in families[:3]:
                goal = Mal(plan=plan, tekst=self.rng.choice(GOALS[family]))
                goals.append(goal)
                mine[family] = goal
            goal_of.append(mine)
        Mal.objects.bulk_create(goals)

        tiltak: list[Tiltak] = []
        for (g, plan, specs), mine in zip(self.plan_specs, goal_of, strict=True):
            team = self.plan_team[id(g)]
            shift = self.rng.choice((0, 0, 15, 30, -30))
            for n, (kind, vedtak, fra) in enumerate(specs[0][1]):
                fh, fm, th, tm = kind.vindu
                start = dt.time(*divmod(fh * 60 + fm + shift, 60))
                end = dt.time(*divmod(th * 60 + tm + shift, 60))
                mal: Mal | None = mine.get(kind.goal) or next(iter(mine.values()))  # at most three goals
                if plan._flag_no_goal and n == len(specs[0][1]) - 1:  # type: ignore[attr-defined]
                    mal = None  # deliberately without a goal
                ansatt = None if self.rng.random() < 0.08 else self.pick_staff(g, team, kind.kompetanse)
                if team.pk == self.demo_team.pk:
                    ansatt = self.pick_staff(g, team, kind.kompetanse)
                ends = [d for d in (vedtak.tom, *(b.til for b, v in g.items if v.pk == vedtak.pk)) if d is not None]
                tiltak.append(
                    Tiltak(
                        plan=plan,
                        mal=mal,
                        vedtak=vedtak,
                        tittel=kind.tittel,
                        beskrivelse=kind.beskrivelse,
                        oppgaver=list(kind.oppgaver),
                        prosedyre=kind.prosedyre,
                        rrule=kind.rrule,
                        vindu_fra=start,
                        vindu_til=end,
                        varighet_min=kind.varighet,
                        kompetanse=kind.kompetanse,
                        neste_vakt=kind.neste_vakt,
                        fast_ansatt=ansatt,
                        gyldig_fra=fra,
                        gyldig_til=min(ends) if ends else None,
                    )
                )
        Tiltak.objects.bulk_create(tiltak)
        self.tiltak = tiltak
        self.plans = plans
        self.goals = goals
        self.versions()
        self.individual_plan()

    def versions(self) -> None:
        rows: list[Tiltaksplan] = []
        changes: list[TiltaksplanEndring] = []
        plans = (
            Tiltaksplan.objects.filter(pk__in=[p.pk for p in self.plans])
            .select_related("team")
            .prefetch_related("mal", "tiltak")
        )
        by_pk = {p.pk: p for p in plans}
        for plan in self.plans:
            full = by_pk[plan.pk]
            first = min((t.gyldig_fra for t in full.tiltak.all()), default=self.start)
            created = _at(min(first, self.today), 13, 0)
            involvering = self.rng.choice(
                (Involvering.PERSONEN, Involvering.PERSONEN, Involvering.MED_PARORENDE, Involvering.INFORMERT)
            )
            snap = services.snapshot(full)
            entries = [("Planen ble opprettet med mål og tiltak", PLAN_CREATED, involvering, "", created)]
            span = max((self.now - created).days, 1)
            for hva, hvorfor in self.rng.sample(CHANGES, self.rng.randint(0, 2)):
                when = created + dt.timedelta(days=self.rng.randint(1, span), hours=self.rng.randint(0, 3))
                entries.append((hva, hvorfor, Involvering.PERSONEN, "", min(when, self.now)))
            if self.rng.random() < 0.1:
                entries.append(
                    (
                        "Tiltak endret: kveldsbesøk tidligere",
                        "Personen er innlagt og var ikke i stand til å delta; datteren ble hørt.",
                        Involvering.KUNNE_IKKE,
                        "Personen var innlagt på sykehus; datteren deltok på telefon.",
                        min(created + dt.timedelta(days=span // 2 + 1), self.now),
                    )
                )
            entries.sort(key=lambda e: e[4])
            for versjon, (hva, hvorfor, inv, merknad, when) in enumerate(entries, start=1):
                changes.append(
                    TiltaksplanEndring(
                        plan=plan,
                        versjon=versjon,
                        tidspunkt=when,
                        endret_av=plan._author,  # type: ignore[attr-defined]
                        hva=hva,
                        hvorfor=hvorfor,
                        involvering=inv,
                        involvering_merknad=merknad,
                        innhold=snap,
                    )
                )
            plan.versjon = len(entries)
            plan.endret = entries[-1][4]
            rows.append(plan)
        TiltaksplanEndring.objects.bulk_create(changes)
        Tiltaksplan.objects.bulk_update(rows, ["versjon", "endret"])
        self.changes = changes

    def individual_plan(self) -> None:
        """One person in the demo team with long-term, coordinated needs has an individual plan."""
        candidates = [g for g in self.groups if self.plan_team[id(g)].pk == self.demo_team.pk and g.health]
        self.ip: list[IndividuellPlan] = []
        if candidates:
            person = candidates[-1].person
            self.ip.append(
                IndividuellPlan.objects.create(
                    tjenestemottaker=person,
                    koordinator=self.demo[Role.SYKEPLEIER],
                    samtykke=True,
                    status=IndividuellPlan.Status.AKTIV,
                    deltakere="Fastlegen, fysioterapeut i bydelen, hukommelsesteamet og datteren.",
                    neste_evaluering=self.today + dt.timedelta(days=self.rng.randint(20, 60)),
                )
            )

    # visits ----------------------------------------------------------------------------------------------

    def build_visits(self) -> None:
        services.generer_besok(
            self.start,
            self.today + dt.timedelta(days=AHEAD_DAYS),
            Tiltak.objects.filter(pk__in=[t.pk for t in self.tiltak]),
        )
        tiltak = {t.pk: t for t in self.tiltak}
        visits = list(
            Besok.objects.filter(tiltak_id__in=list(tiltak), dato__lte=self.today).order_by("tiltak_id", "dato")
        )
        tour = {u.pk for u in self.demo.values()}
        by_person: dict[Any, list[Besok]] = {}
        for v in visits:
            by_person.setdefault(v.tjenestemottaker_id, []).append(v)

        # A hospital stay and a trip: every visit in a few days in a row is cancelled with the reason.
        away: dict[Any, tuple[dt.date, dt.date, str, str]] = {}
        persons = sorted(by_person, key=lambda pk: by_person[pk][0].tiltak_id)
        for grunn, tekst in (
            (Besok.Grunn.SYKEHUS, "Innlagt etter fall. Datteren ringte."),
            (Besok.Grunn.SYKEHUS, "Innlagt med lungebetennelse."),
            (Besok.Grunn.REISE, "På hytta med familien."),
        ):
            if not persons:
                break
            pk = persons.pop(self.rng.randrange(len(persons)))
            first = self.start + dt.timedelta(days=self.rng.randint(3, HISTORY_DAYS - 12))
            away[pk] = (first, first + dt.timedelta(days=self.rng.randint(3, 7)), grunn, tekst)

        changed: list[Besok] = []
        tasks: list[BesokOppgave] = []
        self.notes: list[Journalnotat] = []
        self.performed: list[Besok] = []
        for v in visits:
            t = tiltak[v.tiltak_id]
            if v.dato == self.today and (v.ansatt_id in tour or v.vindu_slutt > self.now):
                continue  # today: the tour's visits and those not yet due stay planned
            stay = away.get(v.tjenestemottaker_id)
            if stay is not None and stay[0] <= v.dato <= stay[1]:
                v.status, v.grunn, v.grunn_tekst = Besok.Status.AVLYST, stay[2], stay[3]
                changed.append(v)
                continue
            r = self.rng.random()
            if r < 0.02:
                v.status, v.grunn = Besok.Status.AVLYST, Besok.Grunn.AVSLO
                v.grunn_tekst = "Ønsket ikke besøk i dag; har det bra."
            elif r < 0.035:
                v.status, v.grunn = Besok.Status.IKKE_UTFORT, Besok.Grunn.IKKE_HJEMME
                v.grunn_tekst = "Ingen åpnet, ringte uten svar. Sjekket med pårørende: var hos datteren."
            elif r < 0.045:
                v.status, v.grunn = Besok.Status.IKKE_UTFORT, Besok.Grunn.BEMANNING
                v.grunn_tekst = "Sykefravær i teamet; ingen ledig med riktig kompetanse."
            else:
                self.perform(v, t)
                tasks += self.tick(v, t)
                self.performed.append(v)
            changed.append(v)
        # The recorded outcome replaces the planned row (same primary key): far faster than bulk_update.
        for i in range(0, len(changed), 500):
            Besok.objects.filter(pk__in=[v.pk for v in changed[i : i + 500]]).delete()
        Besok.objects.bulk_create(changed, batch_size=1000)
        BesokOppgave.objects.bulk_create(tasks, batch_size=2000)
        self.visits = visits

    def performer(self, v: Besok, t: Tiltak) -> User:
        staff = self.staff_for(self.plan_team_of(t))
        able = [u for u in staff.members if kompetanse.meets(self.competence[u.pk], t.kompetanse)]
        if v.ansatt_id is not None and (self.rng.random() < 0.82 or not able):
            return self.users.get(v.ansatt_id) or User.objects.get(pk=v.ansatt_id)
        if able:
            return self.rng.choice(able)
        return self.demo[Role.SYKEPLEIER]

    def plan_team_of(self, t: Tiltak) -> Team:
        return t.plan.team or self.demo_team

    def perform(self, v: Besok, t: Tiltak) -> None:
        who = self.performer(v, t)
        window = (v.vindu_slutt - v.vindu_start).total_seconds() / 60
        if self.rng.random() < 0.07:  # late: after the window
            inn = v.vindu_slutt + dt.timedelta(minutes=self.rng.randint(5, 45))
        else:
            inn = v.vindu_start + dt.timedelta(minutes=self.rng.uniform(0, max(window - 5, 0)))
        inn = inn.replace(second=self.rng.randint(0, 59), microsecond=0)
        ut = inn + dt.timedelta(minutes=round(v.varighet_min * self.rng.uniform(0.8, 1.25)))
        v.status = Besok.Status.UTFORT
        v.inn, v.ut = inn, ut
        v.utfort_av = who
        v.utfort_kompetanse = sorted(self.competence.get(who.pk, frozenset({"ingen"})))
        v.posisjon_bekreftet = True if self.rng.random() < 0.9 else None

    def tick(self, v: Besok, t: Tiltak) -> list[BesokOppgave]:
        rows = []
        assert v.inn is not None
        for nr, tekst in enumerate(t.oppgaver or [], start=1):
            done = self.rng.random() >= (0.08 if t.prosedyre == "Sårstell" and nr == len(t.oppgaver) else 0.03)
            rows.append(
                BesokOppgave(
                    besok=v,
                    nr=nr,
                    tekst=str(tekst)[:200],
                    status=BesokOppgave.Status.UTFORT if done else BesokOppgave.Status.IKKE_UTFORT,
                    grunn="" if done else self.rng.choice(TASK_NOT_DONE),
                    avkrysset=v.inn + dt.timedelta(minutes=3 * nr),
                    avkrysset_av=v.utfort_av,
                )
            )
        return rows

    # journal ---------------------------------------------------------------------------------------------

    def note(self, v: Besok, t: Tiltak, tekst: str, type: str, flagg: str = "", **kw: Any) -> Journalnotat:
        who = v.utfort_av
        assert who is not None and v.ut is not None
        note = Journalnotat(
            tjenestemottaker_id=v.tjenestemottaker_id,
            besok=v,
            tiltak=t,
            type=type,
            tekst=tekst,
            flagg=flagg,
            forfatter=who,
            forfatter_navn=who.get_full_name() or who.get_username(),
            forfatter_rolle=self.role_label.get(who.pk, ""),
            signert=v.ut + dt.timedelta(minutes=self.rng.randint(1, 10)),
            **kw,
        )
        self.notes.append(note)
        return note

    def build_journal(self) -> None:
        tiltak = {t.pk: t for t in self.tiltak}
        family = {k.tittel: k.goal for k in KINDS.values()}
        T = Journalnotat.Type
        flagged: list[Journalnotat] = []
        recent = self.today - dt.timedelta(days=4)
        demo_recent: list[Besok] = []
        wrong: Journalnotat | None = None
        for v in self.performed:
            t = tiltak[v.tiltak_id]
            if v.team_id == self.demo_team.pk and v.dato >= recent:
                demo_recent.append(v)
            r = self.rng.random()
            if r < 0.13:
                self.note(v, t, self.rng.choice(OBSERVATIONS[family.get(t.tittel, "stell")]), T.OBSERVASJON)
            elif r < 0.16:
                flagg = Journalnotat.Flagg.NESTE_VAKT if self.rng.random() < 0.4 else ""
                self.note(v, t, self.rng.choice(NEXT_SHIFT), T.NESTE_VAKT, flagg)
            elif r < 0.17:
                flagged.append(self.note(v, t, self.rng.choice(FLAGS), T.OBSERVASJON, Journalnotat.Flagg.SYKEPLEIER))
            elif wrong is None and t.kompetanse == Kompetanse.LEGEMIDDEL and v.dato < recent:
                wrong = self.note(v, t, WRONG_NOTE, T.OBSERVASJON)
        # The tour: fresh notes in the demo team — one for the next shift and one open flag to the nurse.
        demo_recent.sort(key=lambda v: (v.dato, v.vindu_start, v.pk))
        if demo_recent:
            last = demo_recent[-1]
            self.note(last, tiltak[last.tiltak_id], NEXT_SHIFT[0], T.NESTE_VAKT, Journalnotat.Flagg.NESTE_VAKT)
            first = demo_recent[0]
            flagged.append(
                self.note(first, tiltak[first.tiltak_id], FLAGS[0], T.OBSERVASJON, Journalnotat.Flagg.SYKEPLEIER)
            )
        self.notes.sort(key=lambda n: (n.signert, n.besok.pk if n.besok else 0))
        Journalnotat.objects.bulk_create(self.notes, batch_size=1000)
        self.corrections: list[Journalnotat] = []
        if wrong is not None:
            assert wrong.besok is not None
            correction = Journalnotat(
                tjenestemottaker_id=wrong.tjenestemottaker_id,
                besok=wrong.besok,
                tiltak=wrong.tiltak,
                type=wrong.type,
                tekst=CORRECTION,
                forfatter=wrong.forfatter,
                forfatter_navn=wrong.forfatter_navn,
                forfatter_rolle=wrong.forfatter_rolle,
                signert=wrong.signert + dt.timedelta(hours=2),
                korrigerer=wrong,
            )
            correction.save()
            self.corrections.append(correction)
        # Flags older than three days have been seen by a nurse of the team.
        receipts = []
        cutoff = self.now - dt.timedelta(days=3)
        for note in flagged:
            if note.signert < cutoff:
                staff = self.staff_for(self.plan_team_of(tiltak[note.tiltak_id]))  # type: ignore[index]
                nurse = staff.sykepleiere[0] if staff.sykepleiere else self.demo[Role.SYKEPLEIER]
                receipts.append(
                    FlaggKvittering(
                        notat=note,
                        av=nurse,
                        tidspunkt=note.signert + dt.timedelta(hours=self.rng.randint(2, 20)),
                        merknad="Vurdert ved besøk. Fastlegen er orientert.",
                    )
                )
        FlaggKvittering.objects.bulk_create(receipts)

    # the whole -------------------------------------------------------------------------------------------

    def build(self) -> None:
        steps = (
            ("Tiltaksplaner med mål, tiltak og versjoner", self.build_plans_all),
            ("Besøk siste åtte uker og neste uke", self.build_visits),
            ("Journalnotater og flagg", self.build_journal),
            ("Vakter neste uke og teamenes base", self.build_shifts),
        )
        for label, step in steps:
            started = time.perf_counter()
            step()
            self.out(f"  {label} … {time.perf_counter() - started:.1f} s")

    def build_shifts(self) -> None:
        """Shifts from today through next week for every care worker (one in three of those outside the
        tour on the evening shift; the rest, and the tour's staff, on the day shift), and each team's base
        at the middle of the persons it serves, so the planning board has a day to plan."""
        shifts: list[Vakt] = []
        persons_by_team: dict[int, list[tuple[float, float]]] = {}
        for link in TjenestemottakerTeam.objects.filter(TjenestemottakerTeam.active_q(self.today)).select_related(
            "tjenestemottaker"
        ):
            p = link.tjenestemottaker
            if p.breddegrad is not None and p.lengdegrad is not None:
                persons_by_team.setdefault(link.team_id, []).append((float(p.breddegrad), float(p.lengdegrad)))
        tour = {u.pk for u in self.demo.values()}
        for team_id, staff in self.staff.items():
            places = persons_by_team.get(team_id)
            if places:
                Team.objects.filter(pk=team_id).update(
                    base_adresse=f"{staff.team.navn}, teamkontoret",
                    base_breddegrad=round(sum(p[0] for p in places) / len(places), 6),
                    base_lengdegrad=round(sum(p[1] for p in places) / len(places), 6),
                )
            others = [u for u in staff.members if u.pk not in tour]
            for offset in range(AHEAD_DAYS + 1):
                day = self.today + dt.timedelta(days=offset)
                for user in staff.members:
                    evening = user in others and (others.index(user) + offset) % 3 == 0
                    start, end = ((14, 30), (22, 0)) if evening else ((7, 0), (15, 0))
                    shifts.append(
                        Vakt(ansatt=user, team_id=team_id, dato=day, start=_at(day, *start), slutt=_at(day, *end))
                    )
        Vakt.objects.bulk_create(shifts, ignore_conflicts=True)

    def build_plans_all(self) -> None:
        self.load()
        self.assign_teams()
        self.build_plans()


COUNTED: tuple[type[models.Model], ...] = (
    Tiltaksplan,
    TiltaksplanEndring,
    Mal,
    Tiltak,
    IndividuellPlan,
    Besok,
    BesokOppgave,
    Journalnotat,
    FlaggKvittering,
    Vakt,
)


def build_demo_care(rng: random.Random, *, today: dt.date, stdout: Writer | None = None) -> dict[str, int]:
    """Add plans, eight weeks of visits and the journal to the demo world; return row counts by model.

    Runs inside the caller's transaction, after :func:`helhet.cases.demo.build_demo_cases`.
    """
    _CareBuilder(rng, today, stdout).build()
    return {model.__name__: model._base_manager.count() for model in COUNTED}


__all__ = ["build_demo_care"]
