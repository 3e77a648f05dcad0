"""The access matrix: every role × every ground situation × sperring, against ``access.check``.

The policy (Normen, «Veileder for tilgang til helse- og personopplysninger»; pasientjournalloven
§§ 16-17) is written out below as a table, so a reader sees it without reading the code:

* **saksansvarlig** – saksbehandler/vedtaksmyndig with a role in P's bydel who *is* P's saksbehandler;
* **team** – sykepleier/helsefagarbeider/assistent/leder on a team that actively serves P;
* **primærkontakt** – P's primærkontakt, holding a care role or leder;
* **leder** – leder of the enhet (or the whole leverandør) whose team serves P;
* kvalitetsleder, personvernansvarlig and systemadministrator have no ground by role alone;
* **sperring** refuses everything (nødtilgang included), and only active staff get anywhere;
* nødtilgang may be *offered* to sykepleier, helsefagarbeider, leder, saksbehandler, vedtaksmyndig.

Each case makes a fresh user with exactly one role, placed as the situation says, next to the
``world`` fixture's person P (served by team A in bydel 1).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import (
    RoleAssignmentFactory,
    TjenestemottakerFactory,
    TjenestemottakerTeamFactory,
    UserFactory,
    World,
)
from helhet.core import access
from helhet.core.access import Action, Refusal
from helhet.core.models import Nodtilgang, Role, Sperring, Tjenestemottaker, User, UserKind
from helhet.core.models.users import BYDEL_ROLES, CARE_ROLES

# --- the policy, as data ---------------------------------------------------------------------------

#: The situations a user can be in towards P. Each is arranged by :func:`arrange` below.
SITUATIONS = (
    "ingen",  # a near miss: same bydel but not case owner / another team / another unit / no place
    "saksansvarlig",  # role in bydel 1, and P.saksbehandler is the user
    "saksansvarlig_bydel_2",  # P.saksbehandler is the user, but the role sits in another bydel than P's
    "team",  # role on team A, which serves P
    "primaerkontakt",  # near-miss place as in «ingen», and P.primaerkontakt is the user
    "leder_enhet",  # role in enhet A, whose team A serves P
    "leder_leverandor",  # role in the leverandør of enhet A
    "ikke_ansatt",  # every relation above that the role could use, but kind = pårørende
    "inaktiv",  # every relation above that the role could use, but is_active = False
)
NO = "–"  # refused: no tjenstlig behov (Refusal.NO_GROUND)
NS = "ikke ansatt"  # refused before anything else (Refusal.NOT_STAFF)
SA, TE, PK, LE = "saksansvarlig", "team", "primaerkontakt", "leder"  # allowed, on this ground

# fmt: off
#: What ``check(user, VIEW, P)`` answers without sperring: the ground code, or a refusal.
EXPECTED: dict[str, tuple[str, ...]] = {
    #                         ingen saksan- saksansv. team primær- leder leder     ikke    inaktiv
    #                               svarlig i bydel 2      kontakt enhet leverandør ansatt
    Role.SAKSBEHANDLER:       (NO,  SA,     NO,       NO,  NO,     NO,   NO,        NS,     NS),
    Role.VEDTAKSMYNDIG:       (NO,  SA,     NO,       NO,  NO,     NO,   NO,        NS,     NS),
    Role.LEDER:               (NO,  NO,     NO,       TE,  PK,     LE,   LE,        NS,     NS),
    Role.SYKEPLEIER:          (NO,  NO,     NO,       TE,  PK,     NO,   NO,        NS,     NS),
    Role.HELSEFAGARBEIDER:    (NO,  NO,     NO,       TE,  PK,     NO,   NO,        NS,     NS),
    Role.ASSISTENT:           (NO,  NO,     NO,       TE,  PK,     NO,   NO,        NS,     NS),
    Role.KVALITETSLEDER:      (NO,  NO,     NO,       NO,  NO,     NO,   NO,        NS,     NS),
    Role.PERSONVERNANSVARLIG: (NO,  NO,     NO,       NO,  NO,     NO,   NO,        NS,     NS),
    Role.SYSTEMADMINISTRATOR: (NO,  NO,     NO,       NO,  NO,     NO,   NO,        NS,     NS),
    Role.MELDINGSANSVARLIG:   (NO,  NO,     NO,       NO,  NO,     NO,   NO,        NS,     NS),
}
#: Whether a refusal for lack of ground offers nødtilgang («bryt glasset»).
MAY_BREAK_GLASS: dict[str, bool] = {
    Role.SAKSBEHANDLER: True,
    Role.VEDTAKSMYNDIG: True,
    Role.LEDER: True,
    Role.SYKEPLEIER: True,
    Role.HELSEFAGARBEIDER: True,
    Role.ASSISTENT: False,
    Role.KVALITETSLEDER: False,
    Role.PERSONVERNANSVARLIG: False,
    Role.SYSTEMADMINISTRATOR: False,
    Role.MELDINGSANSVARLIG: False,
}
#: With sperring on, every staff cell becomes «sperret» (and never offers nødtilgang); non-staff stay «ikke ansatt».
# fmt: on


def test_the_table_covers_every_role_and_situation() -> None:
    assert set(EXPECTED) == set(Role), "a new role needs its row in the access matrix"
    assert set(MAY_BREAK_GLASS) == set(Role)
    assert all(len(row) == len(SITUATIONS) for row in EXPECTED.values())
    assert {str(r) for r, allowed in MAY_BREAK_GLASS.items() if allowed} == access.NODTILGANG_ROLES


# --- arranging one situation -----------------------------------------------------------------------


def near_miss_place(world: World, role: str) -> dict[str, object]:
    """Where the role would normally sit, without any tie to P."""
    if role in BYDEL_ROLES:
        return {"bydel": world.bydel_1}  # P's own bydel, but someone else owns the case
    if role in CARE_ROLES:
        return {"team": world.team_b}  # a team in the other unit, not serving P
    if role == Role.LEDER:
        return {"enhet": world.enhet_b}  # the other unit
    return {}  # «hele kommunen»


def granting_place(world: World, role: str) -> dict[str, object]:
    """The place from which the role could reach P, if the role allows it at all."""
    if role in BYDEL_ROLES:
        return {"bydel": world.bydel_1}
    return {"team": world.team_a}


def arrange(world: World, role: str, situation: str) -> User:
    person = world.P
    user = UserFactory()
    if situation == "ingen":
        place = near_miss_place(world, role)
    elif situation == "saksansvarlig":
        place = {"bydel": world.bydel_1}
        person.saksbehandler = user
    elif situation == "saksansvarlig_bydel_2":
        place = {"bydel": world.bydel_2}
        person.saksbehandler = user
    elif situation == "team":
        place = {"team": world.team_a}
    elif situation == "primaerkontakt":
        place = near_miss_place(world, role)
        person.primaerkontakt = user
    elif situation == "leder_enhet":
        place = {"enhet": world.enhet_a}
    elif situation == "leder_leverandor":
        place = {"leverandor": world.leverandor}
    elif situation in {"ikke_ansatt", "inaktiv"}:
        place = granting_place(world, role)
        person.saksbehandler = user
        person.primaerkontakt = user
    else:  # pragma: no cover
        raise AssertionError(situation)
    RoleAssignmentFactory(user=user, rolle=role, **place)
    person.save()
    if situation == "ikke_ansatt":
        user.kind = UserKind.PARORENDE
        user.save()
    elif situation == "inaktiv":
        user.is_active = False
        user.save()
    return user


@dataclass(frozen=True)
class Case:
    role: str
    situation: str
    sperret: bool

    @property
    def cell(self) -> str:
        return EXPECTED[self.role][SITUATIONS.index(self.situation)]

    @property
    def expected_refusal(self) -> Refusal | None:
        if self.cell == NS:
            return Refusal.NOT_STAFF
        if self.sperret:
            return Refusal.SPERRET
        if self.cell == NO:
            return Refusal.NO_GROUND
        return None

    @property
    def expected_ground(self) -> str:
        return "" if self.expected_refusal else self.cell


CASES = [
    Case(role, situation, sperret)
    for role, situation, sperret in itertools.product(EXPECTED, SITUATIONS, (False, True))
]


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c.role}-{c.situation}-{'sperret' if c.sperret else 'åpen'}" for c in CASES]
)
def test_access_matrix(world: World, case: Case) -> None:
    user = arrange(world, case.role, case.situation)
    if case.sperret:
        Sperring.objects.create(tjenestemottaker=world.P, sperret_bruker=user, begrunnelse="Ønsker ikke naboen.")

    decision = access.check(user, Action.VIEW, world.P)

    assert decision.allowed is (case.expected_refusal is None)
    assert decision.ground_code == case.expected_ground
    assert decision.refusal == case.expected_refusal
    assert decision.may_break_glass is (case.expected_refusal == Refusal.NO_GROUND and MAY_BREAK_GLASS[case.role])
    assert decision.nodtilgang is None
    assert bool(decision.reason) is not decision.allowed
    if decision.allowed:
        assert decision.ground_label == access.ground_label(decision.ground_code)
    # Every built-in ground covers every action: editing follows seeing.
    assert access.check(user, Action.EDIT, world.P).allowed is decision.allowed
    # Lists and searches agree with the check.
    assert access.visible_persons(user).filter(pk=world.P.pk).exists() is decision.allowed


@pytest.mark.parametrize("situation", ["ikke_ansatt", "inaktiv"])
@pytest.mark.parametrize("role", list(EXPECTED))
def test_refused_non_staff_would_have_had_a_ground(world: World, role: str, situation: str) -> None:
    """Control for the «ikke ansatt»/«inaktiv» columns: made active staff, the same user is let in
    exactly when the role has some ground in the table, so the refusal above was for not being staff."""
    user = arrange(world, role, situation)
    user.kind = UserKind.STAFF
    user.is_active = True
    user.save()

    has_a_ground = any(cell not in {NO, NS} for cell in EXPECTED[role])
    assert access.check(user, Action.VIEW, world.P).allowed is has_a_ground


def test_sperring_that_is_lifted_no_longer_refuses(world: World) -> None:
    sperring = Sperring.objects.create(tjenestemottaker=world.P, sperret_bruker=world.nurse_a)
    assert access.check(world.nurse_a, Action.VIEW, world.P).refusal == Refusal.SPERRET

    sperring.opphevet = timezone.now()
    sperring.save()

    assert access.check(world.nurse_a, Action.VIEW, world.P).ground_code == "primaerkontakt"


def test_named_cast_in_the_world(world: World) -> None:
    """The world fixture's personas, as the policy describes them."""
    expected = {
        "nurse_a": "primaerkontakt",  # also on team A; primærkontakt is checked first
        "helper_a": "team",
        "assistant_a": "team",
        "nurse_b": "",
        "leader_a": "leder",
        "leader_b": "",
        "saksbehandler_1": "saksansvarlig",
        "saksbehandler_2": "",
        "vedtaksmyndig_1": "",
        "kvalitetsleder": "",
        "personvern": "",
        "sysadmin": "",
    }
    assert {name: access.check(u, Action.VIEW, world.P).ground_code for name, u in world.users.items()} == expected


# --- full identity number ---------------------------------------------------------------------------

# fmt: off
#: ``check(user, VIEW_FULL_ID, P)`` from the situation that gives the role a ground (if any).
FULL_ID: dict[str, tuple[str, bool, Refusal | None]] = {
    #                         situation        allowed refusal
    Role.SAKSBEHANDLER:       ("saksansvarlig", True,  None),
    Role.VEDTAKSMYNDIG:       ("saksansvarlig", True,  None),
    Role.LEDER:               ("leder_enhet",   True,  None),
    Role.SYKEPLEIER:          ("team",          True,  None),
    Role.HELSEFAGARBEIDER:    ("team",          False, Refusal.ROLE_TOO_LOW),
    Role.ASSISTENT:           ("team",          False, Refusal.ROLE_TOO_LOW),
    Role.KVALITETSLEDER:      ("team",          False, Refusal.NO_GROUND),
    Role.PERSONVERNANSVARLIG: ("team",          False, Refusal.NO_GROUND),
    Role.SYSTEMADMINISTRATOR: ("team",          False, Refusal.NO_GROUND),
    Role.MELDINGSANSVARLIG:   ("team",          False, Refusal.NO_GROUND),
}
# fmt: on


def test_full_id_table_matches_the_code() -> None:
    assert set(FULL_ID) == set(Role)
    assert {str(r) for r, (_, allowed, _) in FULL_ID.items() if allowed} == access.FULL_ID_ROLES


@pytest.mark.parametrize("role", list(FULL_ID))
def test_full_id_needs_a_ground_and_a_role_that_needs_it(world: World, role: str) -> None:
    situation, allowed, refusal = FULL_ID[role]
    user = arrange(world, role, situation)

    decision = access.check(user, Action.VIEW_FULL_ID, world.P)

    assert decision.allowed is allowed
    assert decision.refusal == refusal
    if refusal == Refusal.ROLE_TOO_LOW:
        assert "fullt fødselsnummer" in decision.reason
        assert access.check(user, Action.VIEW, world.P).allowed  # sees P, just not the full number


@pytest.mark.parametrize("role", sorted(access.FULL_ID_ROLES))
def test_full_id_role_without_a_ground_is_refused(world: World, role: str) -> None:
    user = arrange(world, role, "ingen")
    decision = access.check(user, Action.VIEW_FULL_ID, world.P)
    assert (decision.allowed, decision.refusal) == (False, Refusal.NO_GROUND)


def test_full_id_through_nodtilgang_for_a_role_that_needs_it(world: World) -> None:
    access.break_glass(world.nurse_b, world.P, "Akutt fall, trenger fullt fnr til legevakten.")
    assert access.check(world.nurse_b, Action.VIEW_FULL_ID, world.P).allowed


def test_nodtilgang_does_not_give_more_than_a_ground_would(world: World) -> None:
    helper_b = UserFactory()
    RoleAssignmentFactory(user=helper_b, rolle=Role.HELSEFAGARBEIDER, team=world.team_b)
    access.break_glass(helper_b, world.P, "Akutt fall, ingen andre på vakt kan hjelpe.")

    decision = access.check(helper_b, Action.VIEW_FULL_ID, world.P)

    assert (decision.allowed, decision.refusal) == (False, Refusal.ROLE_TOO_LOW)


# --- time-limited relations ------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


@pytest.mark.parametrize(
    ("fra_days", "til_days", "allowed"),
    [
        (-30, None, True),  # open-ended
        (-30, 0, True),  # «til» is the last day served: still today
        (-30, -1, False),  # ended yesterday
        (1, None, False),  # starts tomorrow
        (0, None, True),  # starts today
    ],
)
def test_team_ground_follows_the_period_the_team_serves(
    world: World, fra_days: int, til_days: int | None, allowed: bool
) -> None:
    link = world.P.team_tilknytning.get(team=world.team_a)
    link.fra = _today() + dt.timedelta(days=fra_days)
    link.til = None if til_days is None else _today() + dt.timedelta(days=til_days)
    link.save()

    for user in (world.helper_a, world.assistant_a, world.leader_a):
        decision = access.check(user, Action.VIEW, world.P)
        assert decision.allowed is allowed, user
        assert decision.refusal == (None if allowed else Refusal.NO_GROUND)
        assert access.visible_persons(user).filter(pk=world.P.pk).exists() is allowed


@pytest.mark.parametrize(
    ("fra_days", "til_days", "allowed"),
    [
        (-30, None, True),
        (-30, 0, True),
        (-30, -1, False),  # the role ended yesterday
        (1, None, False),  # the role starts tomorrow
    ],
)
@pytest.mark.parametrize("name", ["helper_a", "leader_a", "saksbehandler_1", "nurse_a"])
def test_ground_follows_the_period_of_the_role(
    world: World, name: str, fra_days: int, til_days: int | None, allowed: bool
) -> None:
    user = world.users[name]
    user.role_assignments.update(
        gyldig_fra=_today() + dt.timedelta(days=fra_days),
        gyldig_til=None if til_days is None else _today() + dt.timedelta(days=til_days),
    )

    decision = access.check(user, Action.VIEW, world.P)

    assert decision.allowed is allowed
    if not allowed:
        # No role today: no ground, and not even the offer of nødtilgang.
        assert decision.refusal == Refusal.NO_GROUND
        assert decision.may_break_glass is False
    assert access.visible_persons(user).filter(pk=world.P.pk).exists() is allowed


def test_check_at_a_later_time_uses_that_days_roles_and_teams(world: World) -> None:
    now = timezone.now()
    world.helper_a.role_assignments.update(gyldig_til=_today() + dt.timedelta(days=10))
    world.P.team_tilknytning.filter(team=world.team_a).update(til=_today() + dt.timedelta(days=20))

    assert access.check(world.helper_a, Action.VIEW, world.P, at=now + dt.timedelta(days=10)).allowed
    assert not access.check(world.helper_a, Action.VIEW, world.P, at=now + dt.timedelta(days=11)).allowed
    assert access.check(world.leader_a, Action.VIEW, world.P, at=now + dt.timedelta(days=20)).allowed
    assert not access.check(world.leader_a, Action.VIEW, world.P, at=now + dt.timedelta(days=21)).allowed
    assert world.P not in access.visible_persons(world.helper_a, at=now + dt.timedelta(days=11))


# --- visible_persons agrees with check ------------------------------------------------------------


def assert_visible_persons_agree(users: list[User], persons: list[Tjenestemottaker], at: dt.datetime) -> int:
    """For every user: visible_persons(user) == {p | check(user, VIEW, p).allowed}. Returns the number allowed."""
    allowed_total = 0
    person_ids = {p.pk for p in persons}
    for user in users:
        by_check = {p.pk for p in persons if access.check(user, Action.VIEW, p, at=at).allowed}
        visible = set(access.visible_persons(user, at=at).values_list("pk", flat=True)) & person_ids
        assert visible == by_check, user.username
        allowed_total += len(by_check)
    return allowed_total


def test_visible_persons_equals_the_persons_check_allows(world: World) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    w = world
    person = TjenestemottakerFactory
    link = TjenestemottakerTeamFactory

    q = person(bydel=w.bydel_2, saksbehandler=w.saksbehandler_2)  # served by team B
    link(tjenestemottaker=q, team=w.team_b)
    ended = person(bydel=w.bydel_1, saksbehandler=w.saksbehandler_1)  # team A ended yesterday
    link(tjenestemottaker=ended, team=w.team_a, fra=today - dt.timedelta(days=90), til=today - dt.timedelta(days=1))
    future = person(bydel=w.bydel_1)  # team A starts next week
    link(tjenestemottaker=future, team=w.team_a, fra=today + dt.timedelta(days=7))
    barred = person(bydel=w.bydel_1, primaerkontakt=w.nurse_a)  # served by A, but bars nurse_a and leader_a
    link(tjenestemottaker=barred, team=w.team_a)
    Sperring.objects.create(tjenestemottaker=barred, sperret_bruker=w.nurse_a)
    Sperring.objects.create(tjenestemottaker=barred, sperret_bruker=w.leader_a)
    lifted = Sperring.objects.create(tjenestemottaker=barred, sperret_bruker=w.helper_a, opphevet=now)
    assert lifted.opphevet
    cross = person(bydel=w.bydel_1, primaerkontakt=w.nurse_b)  # served by A, primærkontakt from team B
    link(tjenestemottaker=cross, team=w.team_a)
    unserved = person(bydel=w.bydel_2)  # no team, no case owner
    wrong_bydel = person(bydel=w.bydel_2, saksbehandler=w.saksbehandler_1)  # owner, but not in her bydel
    glass = person(bydel=w.bydel_2)  # nurse_b has an active nødtilgang, vedtaksmyndig_1 an expired one
    Nodtilgang.objects.create(
        bruker=w.nurse_b, tjenestemottaker=glass, begrunnelse="x" * 20, start=now, utloper=now + dt.timedelta(hours=2)
    )
    Nodtilgang.objects.create(
        bruker=w.vedtaksmyndig_1,
        tjenestemottaker=glass,
        begrunnelse="x" * 20,
        start=now - dt.timedelta(hours=5),
        utloper=now - dt.timedelta(hours=3),
    )
    both = person(bydel=w.bydel_1, saksbehandler=w.vedtaksmyndig_1, primaerkontakt=w.helper_a)  # two grounds
    link(tjenestemottaker=both, team=w.team_b)
    persons = [w.P, q, ended, future, barred, cross, unserved, wrong_bydel, glass, both]

    inactive = UserFactory(is_active=False)
    RoleAssignmentFactory(user=inactive, rolle=Role.SYKEPLEIER, team=w.team_a)
    relative = UserFactory(kind=UserKind.PARORENDE)
    RoleAssignmentFactory(user=relative, rolle=Role.SYKEPLEIER, team=w.team_a)
    provider_leader = UserFactory()
    RoleAssignmentFactory(user=provider_leader, rolle=Role.LEDER, leverandor=w.leverandor)
    no_role = UserFactory()
    users = [*w.users.values(), inactive, relative, provider_leader, no_role]

    for at in (now, now + dt.timedelta(hours=3), now + dt.timedelta(days=8)):
        assert assert_visible_persons_agree(users, persons, at) > 0

    # A few of the cells, spelled out, so the property cannot hold vacuously.
    def sees(user: User) -> set[str]:
        return {p.pk for p in access.visible_persons(user, at=now)}

    assert sees(w.nurse_a) == {w.P.pk, cross.pk}
    assert sees(w.nurse_b) == {q.pk, cross.pk, glass.pk, both.pk}
    assert sees(w.leader_a) == {w.P.pk, cross.pk}
    assert sees(provider_leader) == {w.P.pk, q.pk, barred.pk, cross.pk, both.pk}
    assert sees(w.saksbehandler_1) == {w.P.pk, ended.pk}  # case ownership outlives the team
    assert sees(w.helper_a) == {w.P.pk, barred.pk, cross.pk, both.pk}  # her sperring is lifted
    assert sees(w.vedtaksmyndig_1) == {both.pk}
    assert sees(inactive) == sees(relative) == sees(no_role) == sees(w.sysadmin) == set()


# A random small world: Hypothesis draws the relations between the cast and a handful of persons.

USER_NAMES = World.USER_NAMES
TEAM_PERIODS = ("active", "ends_today", "ended", "future")
GLASS_PERIODS = ("active", "expired", "future")

person_specs = st.fixed_dictionaries(
    {
        "bydel": st.sampled_from(("bydel_1", "bydel_2")),
        "saksbehandler": st.none() | st.sampled_from(USER_NAMES),
        "primaerkontakt": st.none() | st.sampled_from(USER_NAMES),
        "teams": st.lists(st.tuples(st.sampled_from(("team_a", "team_b")), st.sampled_from(TEAM_PERIODS)), max_size=2),
        "sperret": st.sets(st.sampled_from(USER_NAMES), max_size=2),
        "glass": st.lists(st.tuples(st.sampled_from(USER_NAMES), st.sampled_from(GLASS_PERIODS)), max_size=2),
    }
)


def build_person(world: World, spec: dict, now: dt.datetime) -> Tjenestemottaker:
    today = timezone.localdate(now)
    users = world.users
    person = TjenestemottakerFactory(
        bydel=getattr(world, spec["bydel"]),
        saksbehandler=users[spec["saksbehandler"]] if spec["saksbehandler"] else None,
        primaerkontakt=users[spec["primaerkontakt"]] if spec["primaerkontakt"] else None,
    )
    team_days = {
        "active": (-10, None),
        "ends_today": (-10, 0),
        "ended": (-10, -1),
        "future": (1, None),
    }
    for team, period in spec["teams"]:
        fra, til = team_days[period]
        TjenestemottakerTeamFactory(
            tjenestemottaker=person,
            team=getattr(world, team),
            fra=today + dt.timedelta(days=fra),
            til=None if til is None else today + dt.timedelta(days=til),
        )
    for name in spec["sperret"]:
        Sperring.objects.create(tjenestemottaker=person, sperret_bruker=users[name])
    glass_hours = {"active": (-1, 1), "expired": (-3, -1), "future": (1, 3)}
    for name, period in spec["glass"]:
        start, end = glass_hours[period]
        Nodtilgang.objects.create(
            bruker=users[name],
            tjenestemottaker=person,
            begrunnelse="Hypotese: tilfeldig nødtilgang",
            start=now + dt.timedelta(hours=start),
            utloper=now + dt.timedelta(hours=end),
        )
    return person


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(person_specs, min_size=1, max_size=4))
def test_visible_persons_agrees_with_check_in_random_worlds(world: World, specs: list[dict]) -> None:
    now = timezone.now()
    with transaction.atomic():
        persons = [world.P, *(build_person(world, spec, now) for spec in specs)]
        assert_visible_persons_agree(list(world.users.values()), persons, now)
        transaction.set_rollback(True)
