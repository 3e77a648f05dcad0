"""A generated Oslo-like home-care district, and a fortnight of daily plans with and without continuity.

The planner's product figure (the issue): «a generated Oslo-like district day of 1 000 visits and 60
staff planned in ≤ 60 s with no hard-rule violation; distinct staff per person over 14 days with and
without the continuity term». No real data exists to measure on, so this module makes a district from
a seed, deterministically (the same seed gives the same district and the same days):

- **Place.** A bydel about 4 × 3 km around 59.93 N 10.77 E (inner east Oslo), one team base near the
  middle. Persons live at random addresses: most clustered around a few neighbourhood centres
  (σ ≈ 300 m), some spread over the whole bydel, some in one of two omsorgsboliger (several persons
  at one address). Travel is :class:`helhet.planning.travel.Haversine` (road factor 1.3, whole
  minutes) at the district's mode, ``bil`` by default. The problem model has one travel matrix per
  day, so a district has one mode for all its staff; per-staff modes (a walking team, a cyclist)
  need a per-staff matrix in the model. ``make_district(mode="sykkel")`` or ``"gange"`` gives the same
  district with slower travel (the farthest person 14 or 45 min from the base instead of 7); every
  visit still fits a shift, but 60 walkers could not cover 4 × 3 km.
- **Persons and their week.** Each person has a care level (exactly ``lett`` 50 %, ``middels`` 35 %,
  ``tung`` 15 % of the persons, shuffled) and a weekly pattern of *needs*, each on some weekdays (daily, or two or three
  days a week, or weekly on a weekday): morning (windows inside 07:30-10:00: medicine, personal care,
  insulin and breakfast), midday (11:00-13:30: lunch), the flexible late morning (10:00-14:00: shower,
  practical help; a nurse's wound care or injection 09:00-13:30) and evening (15:00-21:00: dinner,
  evening medicine 17:00-20:30, a look-in, help to bed 18:30-21:00). Durations 10-60 min (mean about
  18). Start windows are 30-120 min wide at a person's own time (practical help: all of 10:00-14:00);
  starting after the window is late, a soft cost. The morning is the peak, as in real home care:
  most of the day shift's work must start before 10:00.
- **Competence** is the product's (:mod:`helhet.care.rules.kompetanse`): a visit needs ``ingen``,
  ``helsefaglig``, ``legemiddel`` or ``sykepleier``; a sykepleier covers all, a helsefagarbeider
  ``ingen`` + ``helsefaglig`` (+ ``legemiddel`` if authorised, 75 % here), an assistent ``ingen``.
- **Two staff.** A ``tung`` person may need a lift: morning and evening care are then a simultaneous
  pair (the second half needs no competence: the second pair of hands). A person with diabetes has
  insulin (``legemiddel``) and then a meal 30-60 min later (a sequential pair), in the morning and
  for some also in the evening.
- **Staff.** 60 % on the day shift 07:00-15:00, 40 % on the evening shift 14:30-22:00, starting and
  ending at the base; in each shift about 22 % sykepleiere (at least one), assistenter 25 % of the day
  shift and 15 % of the evening shift (bedtime care and medicine need more skilled hands), the rest
  helsefagarbeidere. Everyone is on duty every day of the simulation (no rota: a rota would move
  both arms of the continuity comparison alike). Each person has a primærkontakt among the
  sykepleiere and helsefagarbeidere (balanced, about seven persons each for the default sizes).

:func:`district_day` is one day as a :class:`~helhet.planning.model.Problem` (minutes since
midnight); the default sizes (:data:`DEFAULT_PERSONS`, :data:`DEFAULT_STAFF`) give about 1 000 visits
and 60 staff on a weekday. :func:`simulate_fortnight` plans consecutive days with our solver; each
day a staff member's ``familiar`` set is the persons they are primærkontakt for plus the persons they
visited in the previous 14 days of the simulation, and the weights are :func:`district_weights`
(travel 1, tardiness 2, max tardiness 1, a new face 30 minutes-equivalent with continuity, 0 without).
It reports per-day figures and, over the days, distinct staff per person and the share of visits by
a familiar face and by the primærkontakt.

One caveat of the model (:mod:`helhet.planning.evaluate`): a staff member with an *empty* familiar
set counts no new faces (continuity unknown). Assistenter are nobody's primærkontakt, so on the first
day of a simulation their visits are not priced for continuity; from the second day they have a history.
The figures here count a visit as «by a familiar face» only if the person is in the staff member's set.

No Django here (the competence levels come from the pure rules of ``helhet.care``).
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from helhet.care.rules.kompetanse import Kompetanse, competences
from helhet.planning.evaluate import TOLERANCE, evaluate
from helhet.planning.model import Problem, Solution, Staff, Sync, SyncKind, Visit, Weights
from helhet.planning.travel import Haversine, Matrix, Place

#: The middle of the generated bydel (inner east Oslo) and its size.
CENTRE: Place = (59.93, 10.77)
WIDTH_M, HEIGHT_M = 4_000.0, 3_000.0
#: The team base, near the middle (location 0 of every day's problem).
BASE: Place = (59.9285, 10.7705)
METRES_PER_DEGREE = 111_195.0  # one degree of latitude on the mean Earth sphere (6 371 km)

#: About 1 000 visits on a weekday with 60 staff (Monday: 987-1 070 over seeds 0-11, 1 014 for seed 0).
DEFAULT_PERSONS = 375
DEFAULT_STAFF = 60
DAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")

SHIFTS: dict[str, tuple[float, float]] = {"dag": (7 * 60.0, 15 * 60.0), "kveld": (14 * 60 + 30.0, 22 * 60.0)}
DAY_SHARE = 0.6  # of the staff on the day shift, the rest in the evening
NURSE_SHARE, AUTHORISED_SHARE = 0.22, 0.75
ASSISTANT_SHARE = {"dag": 0.25, "kveld": 0.15}  # of each shift
LEVELS = (("lett", 0.50), ("middels", 0.35), ("tung", 0.15))

#: The weights of a district day: minutes of travel and of lateness, and a new face in minutes.
NEW_FACE_MINUTES = 30.0
TARDINESS_WEIGHT = 2.0
#: Seconds kept back from a day's limit for the solver's last iteration and writing out the plan.
FINISH_MARGIN = 0.05
#: How far back a staff member's visits make a person familiar (days of the simulation).
MEMORY_DAYS = 14

INGEN, HELSEFAGLIG, LEGEMIDDEL, SYKEPLEIER = (
    Kompetanse.INGEN.value,
    Kompetanse.HELSEFAGLIG.value,
    Kompetanse.LEGEMIDDEL.value,
    Kompetanse.SYKEPLEIER.value,
)
EVERY_DAY = frozenset(range(7))


def hm(hours: int, minutes: int = 0) -> float:
    """Minutes since midnight."""
    return hours * 60.0 + minutes


# -- the district -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Follow:
    """The second visit of a sequential pair: it starts ``min_gap``..``max_gap`` after the first."""

    kind: str
    skill: str
    duration: float
    min_gap: float
    max_gap: float


@dataclass(frozen=True)
class Need:
    """One recurring visit of a person's week (or a pair: ``helper`` for two staff at once, ``follow``)."""

    kind: str
    skill: str
    duration: float
    earliest: float
    latest: float
    days: frozenset[int]  # weekdays, 0 = Monday
    helper: str | None = None  # the second staff member's competence for a simultaneous pair
    follow: Follow | None = None


@dataclass(frozen=True)
class Person:
    id: str
    place: Place
    level: str  # "lett", "middels" or "tung"
    primaerkontakt: str  # a staff id
    needs: tuple[Need, ...]


@dataclass(frozen=True)
class Employee:
    id: str
    role: str  # "sykepleier", "helsefagarbeider" or "assistent"
    authorised: bool  # a helsefagarbeider authorised for medicine handling
    shift: str  # "dag" or "kveld"

    @property
    def skills(self) -> frozenset[str]:
        return competences([self.role], self.authorised)


@dataclass(frozen=True)
class District:
    """Persons, staff and travel times of one generated bydel; location 0 is the base, person i is i + 1."""

    seed: int
    persons: tuple[Person, ...]
    staff: tuple[Employee, ...]
    mode: str = "bil"
    travel: Matrix = field(default=(), repr=False, compare=False)

    def primaerkontakt_of(self) -> dict[str, frozenset[str]]:
        """Staff id → the persons they are primærkontakt for."""
        mine: dict[str, set[str]] = {e.id: set() for e in self.staff}
        for person in self.persons:
            mine[person.primaerkontakt].add(person.id)
        return {k: frozenset(v) for k, v in mine.items()}

    def day(
        self, day_index: int, *, familiar: Mapping[str, frozenset[str]] | None = None, continuity: bool = True
    ) -> Problem:
        """Day ``day_index`` (0 = a Monday) as a problem; ``familiar`` defaults to the primærkontakt sets."""
        weekday = day_index % 7
        known = self.primaerkontakt_of() if familiar is None else familiar
        visits: list[Visit] = []
        syncs: list[Sync] = []
        prefix = f"d{day_index:02d}"
        for location, person in enumerate(self.persons, start=1):
            for need in person.needs:
                if weekday not in need.days:
                    continue
                first = Visit(
                    f"{prefix}-{person.id}-{need.kind}",
                    location,
                    need.earliest,
                    need.latest,
                    need.duration,
                    need.skill,
                    person.id,
                )
                visits.append(first)
                if need.helper is not None:
                    second = Visit(
                        f"{first.id}-2", location, need.earliest, need.latest, need.duration, need.helper, person.id
                    )
                    visits.append(second)
                    syncs.append(Sync(SyncKind.SIMULTANEOUS, first.id, second.id))
                if need.follow is not None:
                    f = need.follow
                    then = Visit(
                        f"{prefix}-{person.id}-{f.kind}",
                        location,
                        need.earliest + f.min_gap,
                        need.latest + f.max_gap,
                        f.duration,
                        f.skill,
                        person.id,
                    )
                    visits.append(then)
                    syncs.append(Sync(SyncKind.SEQUENTIAL, first.id, then.id, f.min_gap, f.max_gap))
        staff = tuple(
            Staff(
                e.id,
                e.skills,
                0,
                0,
                SHIFTS[e.shift][0],
                SHIFTS[e.shift][1],
                frozenset(known.get(e.id, frozenset())),
            )
            for e in self.staff
        )
        name = f"district-s{self.seed}-{prefix}-{DAYS[weekday]}"
        return Problem(name, tuple(visits), staff, self.travel, tuple(syncs), district_weights(continuity))


def district_weights(continuity: bool) -> Weights:
    """Travel 1, tardiness 2, max tardiness 1 (all per minute), a new face 30 (0 without continuity)."""
    return Weights(
        travel=1.0,
        tardiness=TARDINESS_WEIGHT,
        max_tardiness=1.0,
        new_face=NEW_FACE_MINUTES if continuity else 0.0,
    )


def make_district(
    persons: int = DEFAULT_PERSONS, staff: int = DEFAULT_STAFF, seed: int = 0, mode: str = "bil"
) -> District:
    """A district of ``persons`` care receivers and ``staff`` staff members, the same for the same seed."""
    if persons < 1 or staff < 2:
        raise ValueError("a district needs at least one person and two staff (one per shift)")
    # one stream per part, so that a change to one part (say, the needs) leaves the others as they were
    employees = _staff(random.Random(f"{seed}-staff"), staff)
    places = _places(random.Random(f"{seed}-places"), persons)
    rng = random.Random(f"{seed}-persons")
    eligible = [e.id for e in employees if e.role != "assistent"]
    rng.shuffle(eligible)
    levels = _levels(rng, persons)
    people = tuple(
        Person(f"p{i + 1:03d}", place, level, eligible[i % len(eligible)], _needs(rng, level))
        for i, (place, level) in enumerate(zip(places, levels, strict=True))
    )
    travel = Haversine().matrix([BASE, *places], mode)
    return District(seed, people, employees, mode, travel)


def district_day(
    persons: int = DEFAULT_PERSONS,
    staff: int = DEFAULT_STAFF,
    day_index: int = 0,
    seed: int = 0,
    *,
    continuity: bool = True,
) -> Problem:
    """Day ``day_index`` of the district ``make_district(persons, staff, seed)`` (primærkontakt as familiar)."""
    return make_district(persons, staff, seed).day(day_index, continuity=continuity)


def _staff(rng: random.Random, n: int) -> tuple[Employee, ...]:
    day = max(1, min(n - 1, round(n * DAY_SHARE)))
    out: list[Employee] = []
    for shift, size in (("dag", day), ("kveld", n - day)):
        nurses = max(1, round(size * NURSE_SHARE))
        assistants = min(size - nurses, round(size * ASSISTANT_SHARE[shift]))
        roles = ["sykepleier"] * nurses + ["helsefagarbeider"] * (size - nurses - assistants)
        roles += ["assistent"] * assistants
        for i, role in enumerate(roles, start=1):
            authorised = role == "helsefagarbeider" and rng.random() < AUTHORISED_SHARE
            out.append(Employee(f"{shift}{i:02d}", role, authorised, shift))
    return tuple(out)


def _offset(dx_m: float, dy_m: float) -> Place:
    lat = CENTRE[0] + dy_m / METRES_PER_DEGREE
    lon = CENTRE[1] + dx_m / (METRES_PER_DEGREE * math.cos(math.radians(CENTRE[0])))
    return (round(lat, 6), round(lon, 6))


def _places(rng: random.Random, n: int) -> list[Place]:
    half_w, half_h = WIDTH_M / 2, HEIGHT_M / 2
    hoods = [(rng.uniform(-0.7, 0.7) * half_w, rng.uniform(-0.7, 0.7) * half_h) for _ in range(5)]
    homes = [(rng.uniform(-0.5, 0.5) * half_w, rng.uniform(-0.5, 0.5) * half_h) for _ in range(2)]
    places: list[Place] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.10:  # an omsorgsbolig: several persons at one address
            x, y = rng.choice(homes)
        elif r < 0.80:  # a neighbourhood
            cx, cy = rng.choice(hoods)
            x, y = rng.gauss(cx, 300.0), rng.gauss(cy, 300.0)
        else:
            x, y = rng.uniform(-half_w, half_w), rng.uniform(-half_h, half_h)
        places.append(_offset(min(half_w, max(-half_w, x)), min(half_h, max(-half_h, y))))
    return places


def _levels(rng: random.Random, n: int) -> list[str]:
    """Care levels in the shares of :data:`LEVELS` (exact counts, shuffled: sizes vary little between seeds)."""
    levels: list[str] = []
    for name, share in LEVELS[1:]:
        levels += [name] * round(n * share)
    levels = [LEVELS[0][0]] * (n - len(levels)) + levels
    rng.shuffle(levels)
    return levels


def _window(rng: random.Random, lo: float, hi: float, width: float) -> tuple[float, float]:
    """A start window ``width`` wide inside ``lo``..``hi``, starting on a quarter hour."""
    steps = int((hi - lo - width) // 15)
    earliest = lo + 15 * rng.randint(0, max(0, steps))
    return earliest, min(hi, earliest + width)


def _duration(rng: random.Random, lo: int, hi: int) -> float:
    return float(5 * rng.randint(lo // 5, hi // 5))


def _days(rng: random.Random, per_week: int, weekdays_only: bool = False) -> frozenset[int]:
    """``per_week`` weekdays (0 = Monday), spread over the week: Mon/Thu, Mon/Wed/Fri …"""
    pool = 5 if weekdays_only else 7
    if per_week >= pool:
        return frozenset(range(pool))
    if per_week == 2:
        first = rng.randrange(pool - 3)
        return frozenset({first, first + 3})
    if per_week == 3:
        first = rng.randrange(pool - 4)
        return frozenset({first, first + 2, first + 4})
    return frozenset(rng.sample(range(pool), per_week))


def _needs(rng: random.Random, level: str) -> tuple[Need, ...]:
    needs: list[Need] = []

    def need(
        kind: str,
        skill: str,
        duration: float,
        window: tuple[float, float],
        days: frozenset[int],
        helper: str | None = None,
        follow: Follow | None = None,
    ) -> None:
        needs.append(Need(kind, skill, duration, window[0], window[1], days, helper, follow))

    morning, midday, late_morning = (hm(7, 30), hm(10)), (hm(11), hm(13, 30)), (hm(10), hm(14))
    dinner, medicine, bedtime = (hm(15), hm(17, 30)), (hm(17), hm(20, 30)), (hm(18, 30), hm(21))
    diabetes = rng.random() < (0.03 if level == "lett" else 0.08)
    lift = level == "tung" and rng.random() < 0.25
    if level == "lett":
        if rng.random() < 0.7:
            need("morgenmedisin", LEGEMIDDEL, 10.0, _window(rng, *morning, 60), EVERY_DAY)
        else:
            need("kveldsmedisin", LEGEMIDDEL, 10.0, _window(rng, *medicine, 60), EVERY_DAY)
        if rng.random() < 0.3:
            need("tilsyn-kveld", INGEN, 10.0, _window(rng, hm(16), hm(20, 30), 60), _days(rng, 3))
        if rng.random() < 0.25:
            need("dusj", HELSEFAGLIG, _duration(rng, 30, 45), _window(rng, *late_morning, 120), _days(rng, 1, True))
        if rng.random() < 0.2:
            need("praktisk-bistand", INGEN, _duration(rng, 30, 60), late_morning, _days(rng, 1, True))
    elif level == "middels":
        skill = LEGEMIDDEL if rng.random() < 0.5 else HELSEFAGLIG  # personal care with or without medicine
        need("morgenstell", skill, _duration(rng, 15, 30), _window(rng, *morning, 120), EVERY_DAY)
        if rng.random() < 0.5:
            need("lunsj", INGEN, _duration(rng, 10, 15), _window(rng, *midday, 60), EVERY_DAY)
        if rng.random() < 0.5:
            need("middag", INGEN, 15.0, _window(rng, *dinner, 60), EVERY_DAY)
        if rng.random() < 0.7:
            need("kveldsmedisin", LEGEMIDDEL, 10.0, _window(rng, *medicine, 60), EVERY_DAY)
        if rng.random() < 0.3:
            need("kveldsstell", HELSEFAGLIG, _duration(rng, 15, 25), _window(rng, *bedtime, 90), EVERY_DAY)
        if rng.random() < 0.4:
            days = _days(rng, rng.choice([1, 2]), True)
            need("dusj", HELSEFAGLIG, _duration(rng, 30, 45), _window(rng, *late_morning, 120), days)
        if rng.random() < 0.3:
            need("praktisk-bistand", INGEN, _duration(rng, 30, 60), late_morning, _days(rng, 1, True))
    else:  # tung
        helper = INGEN if lift else None
        skill = LEGEMIDDEL if rng.random() < 0.5 else HELSEFAGLIG
        need("morgenstell", skill, _duration(rng, 30, 45), _window(rng, *morning, 120), EVERY_DAY, helper)
        need("lunsj", INGEN, 15.0, _window(rng, *midday, 60), EVERY_DAY)
        need("middag", INGEN, _duration(rng, 15, 20), _window(rng, *dinner, 60), EVERY_DAY)
        if skill != LEGEMIDDEL or rng.random() < 0.5:
            need("kveldsmedisin", LEGEMIDDEL, 10.0, _window(rng, *medicine, 60), EVERY_DAY)
        need("kveldsstell", HELSEFAGLIG, _duration(rng, 20, 30), _window(rng, *bedtime, 90), EVERY_DAY, helper)
        if rng.random() < 0.4:
            need("praktisk-bistand", INGEN, _duration(rng, 30, 60), late_morning, _days(rng, 1, True))
    if diabetes:
        meal = Follow("frokost", INGEN, 15.0, 30.0, 60.0)
        need("insulin-morgen", LEGEMIDDEL, 10.0, _window(rng, morning[0], hm(9), 30), EVERY_DAY, follow=meal)
        if rng.random() < 0.5:
            supper = Follow("kveldsmat", INGEN, 15.0, 30.0, 60.0)
            need("insulin-kveld", LEGEMIDDEL, 10.0, _window(rng, hm(16, 30), hm(18), 30), EVERY_DAY, follow=supper)
    if rng.random() < 0.25:  # a nurse's task: wound care two or three days a week, or a weekly injection
        nurse = (hm(9), hm(13, 30))
        if rng.random() < 0.6:
            days = _days(rng, rng.choice([2, 3]))
            need("sarstell", SYKEPLEIER, _duration(rng, 20, 40), _window(rng, *nurse, 120), days)
        else:
            need("injeksjon", SYKEPLEIER, 15.0, _window(rng, *nurse, 120), _days(rng, 1, True))
    return tuple(needs)


# -- figures of a planned day ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DayFigures:
    """One planned day: sizes, what is left unplanned and why, hard-rule violations and the soft terms."""

    day: int
    visits: int
    staff: int
    planned: int
    unassigned: int
    unassigned_reasons: tuple[tuple[str, int], ...]  # (reason, visits)
    violations: int
    travel: float  # minutes
    late: int  # visits starting after their window
    total_tardiness: float  # minutes
    max_tardiness: float  # minutes
    new_faces: int
    familiar_visits: int  # planned visits by a staff member who knows the person
    primaerkontakt_visits: int  # planned visits by the person's primærkontakt
    seconds: float
    cost: float
    first_violations: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return self.violations == 0


def day_figures(problem: Problem, solution: Solution, seconds: float, district: District, day: int = 0) -> DayFigures:
    """The figures of ``solution`` for ``problem``, checked by the one validator."""
    ev = evaluate(problem, solution)
    familiar = {s.id: s.familiar for s in problem.staff}
    primary = {p.id: p.primaerkontakt for p in district.persons}
    planned = late = known = by_primary = 0
    for route in solution.routes:
        for stop in route.stops:
            visit = problem.visit(stop.visit)
            planned += 1
            late += stop.start > visit.latest + TOLERANCE
            known += visit.person in familiar.get(route.staff, frozenset())
            by_primary += primary.get(visit.person) == route.staff
    reasons = Counter(u.reason for u in solution.unassigned)
    return DayFigures(
        day=day,
        visits=len(problem.visits),
        staff=len(problem.staff),
        planned=planned,
        unassigned=len(solution.unassigned),
        unassigned_reasons=tuple(sorted(reasons.items())),
        violations=len(ev.violations),
        travel=ev.travel,
        late=late,
        total_tardiness=ev.total_tardiness,
        max_tardiness=ev.max_tardiness,
        new_faces=ev.new_faces,
        familiar_visits=known,
        primaerkontakt_visits=by_primary,
        seconds=seconds,
        cost=ev.cost,
        first_violations=tuple(ev.violations[:5]),
    )


def plan_day(
    district: District,
    day: int,
    *,
    time_limit: float,
    seed: int = 0,
    max_iterations: int | None = None,
    familiar: Mapping[str, frozenset[str]] | None = None,
    continuity: bool = True,
) -> tuple[Problem, Solution, DayFigures]:
    """Build day ``day`` of ``district``, solve it with our planner within ``time_limit`` seconds in all, and
    measure it (the seconds include building the problem; the check by the validator is not counted)."""
    from helhet.planning.solver import solve  # the solver is heavy; the generator alone does not need it

    started = time.perf_counter()
    problem = district.day(day, familiar=familiar, continuity=continuity)
    # building the problem counts against the limit, and the solver may finish its last iteration and
    # write out the plan after its deadline (about a millisecond at 1 000 visits): leave it a margin
    left = max(0.1, time_limit - (time.perf_counter() - started) - FINISH_MARGIN)
    solution = solve(problem, time_limit=left, seed=seed, max_iterations=max_iterations)
    seconds = time.perf_counter() - started
    return problem, solution, day_figures(problem, solution, seconds, district, day)


# -- a fortnight ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fortnight:
    """Consecutive planned days and the continuity the persons saw over them."""

    continuity: bool
    days: tuple[DayFigures, ...]
    distinct_staff: dict[str, int]  # person → distinct staff who visited them over the days

    @property
    def distinct_staff_mean(self) -> float:
        return statistics.fmean(self.distinct_staff.values()) if self.distinct_staff else 0.0

    @property
    def distinct_staff_median(self) -> float:
        return statistics.median(self.distinct_staff.values()) if self.distinct_staff else 0.0

    @property
    def distinct_staff_max(self) -> int:
        return max(self.distinct_staff.values(), default=0)

    @property
    def planned(self) -> int:
        return sum(d.planned for d in self.days)

    @property
    def familiar_share(self) -> float:
        """Share of planned visits by a staff member who knew the person (primærkontakt or seen in 14 days)."""
        return sum(d.familiar_visits for d in self.days) / self.planned if self.planned else 0.0

    @property
    def primaerkontakt_share(self) -> float:
        return sum(d.primaerkontakt_visits for d in self.days) / self.planned if self.planned else 0.0

    @property
    def valid_days(self) -> int:
        return sum(d.valid and d.unassigned == 0 for d in self.days)


def familiar_sets(
    primary: Mapping[str, frozenset[str]], history: Iterable[Mapping[str, set[str]]]
) -> dict[str, frozenset[str]]:
    """Staff id → the persons they know: those they are primærkontakt for and those they visited on the
    days of ``history`` (one mapping staff id → persons visited per day; the caller keeps the last 14)."""
    known = {sid: set(persons) for sid, persons in primary.items()}
    for day in history:
        for sid, persons in day.items():
            known.setdefault(sid, set()).update(persons)
    return {sid: frozenset(persons) for sid, persons in known.items()}


def simulate_fortnight(
    district: District,
    *,
    continuity: bool,
    time_limit: float,
    days: int = 14,
    seed: int = 0,
    max_iterations: int | None = None,
    on_day: Callable[[DayFigures], None] | None = None,
) -> Fortnight:
    """Plan ``days`` consecutive days from day 0 (a Monday), carrying each staff member's history.

    A staff member's ``familiar`` set on day d: the persons they are primærkontakt for, plus the persons
    they visited on days d − 14 … d − 1 (as planned: the simulation takes each plan as performed). With
    ``continuity`` the planner pays :data:`NEW_FACE_MINUTES` for each visit by someone outside that set;
    without it the same sets are only measured. Day d is solved with seed ``seed + d``.
    """
    primary = district.primaerkontakt_of()
    history: deque[dict[str, set[str]]] = deque(maxlen=MEMORY_DAYS)
    seen: dict[str, set[str]] = {}
    figures: list[DayFigures] = []
    for day in range(days):
        familiar = familiar_sets(primary, history)
        problem, solution, fig = plan_day(
            district,
            day,
            time_limit=time_limit,
            seed=seed + day,
            max_iterations=max_iterations,
            familiar=familiar,
            continuity=continuity,
        )
        today: dict[str, set[str]] = {}
        for route in solution.routes:
            for stop in route.stops:
                person = problem.visit(stop.visit).person
                today.setdefault(route.staff, set()).add(person)
                seen.setdefault(person, set()).add(route.staff)
        history.append(today)
        figures.append(fig)
        if on_day is not None:
            on_day(fig)
    return Fortnight(continuity, tuple(figures), {p: len(s) for p, s in sorted(seen.items())})


# -- for people ---------------------------------------------------------------------------------------------


def describe(district: District, days: Iterable[int] = range(7)) -> list[str]:
    """A few lines about the district: persons by level, staff by role and shift, visits per weekday."""
    levels = Counter(p.level for p in district.persons)
    roles = Counter((e.shift, e.role) for e in district.staff)
    lines = [
        f"Bydel (frø {district.seed}): {len(district.persons)} personer "
        + ", ".join(f"{n} {name}" for name, n in sorted(levels.items()))
        + f"; {len(district.staff)} ansatte ("
        + ", ".join(f"{n} {role} {shift}" for (shift, role), n in sorted(roles.items()))
        + f"); reisemåte {district.mode}"
    ]
    for day in days:
        problem = district.day(day)
        minutes = sum(v.duration for v in problem.visits)
        pairs = Counter(s.kind for s in problem.syncs)
        lines.append(
            f"  {DAYS[day % 7]:8} {len(problem.visits):5} besøk, {minutes:6.0f} min tjenestetid, "
            f"{pairs[SyncKind.SIMULTANEOUS]} samtidige par, {pairs[SyncKind.SEQUENTIAL]} påfølgende par"
        )
    return lines


def day_row(fig: DayFigures) -> str:
    """One line of the per-day table (Norwegian, for the progress output)."""
    reasons = "; ".join(f"{n}× {reason}" for reason, n in fig.unassigned_reasons)
    return (
        f"{fig.day:>3} {DAYS[fig.day % 7][:3]} {fig.visits:6} {fig.planned:6} {fig.unassigned:5} "
        f"{'ja' if fig.valid else 'NEI':>5} {fig.travel:7.0f} {fig.late:5} {fig.max_tardiness:6.0f} "
        f"{fig.new_faces:6} {fig.familiar_visits / fig.planned if fig.planned else 0:6.1%} {fig.seconds:6.1f}"
        + (f"  {reasons}" if reasons else "")
    )


DAY_HEADER = "dag       besøk planl. uplan gyldig   reise  sene maxsen nyeans kjente     sek"
