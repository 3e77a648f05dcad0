"""Problem and solution data for visit planning: plain frozen dataclasses, no solver in sight.

A *visit* is one service performed by one staff member: a patient who needs two staff at once (a
lift) or two services with a gap between them is two visits tied by a :class:`Sync`. Times are
numbers in one unit (minutes in the product, the instance's unit in benchmarks), and travel
between two locations is ``problem.travel[a][b]`` in that same unit.

Hard rules (a solution that breaks one is invalid): competence (the staff member has the visit's
skill), the staff member's shift (start no earlier than the shift starts, back at the end location
no later than it ends), a visit starts no earlier than its window opens (waiting is allowed), exact
durations, and synchronisation. Soft, weighted and reported separately (:class:`Weights`):
lateness (start after the window closes), travel, continuity (a new face for the person),
workload balance, and change (re-planning: a visit moved away from the staff member who has it in the
plan being changed). A visit nobody can do is *unassigned* with the reason stated, never dropped.

Re-planning (someone called in sick, a visit added): set each visit's ``current_staff`` from the plan
being changed and give :attr:`Weights.change` a price; the planner then moves as few visits as it can.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SyncKind(StrEnum):
    SIMULTANEOUS = "simultaneous"  # both start at the same time (two staff at once, e.g. a lift)
    SEQUENTIAL = "sequential"  # the second starts between min_gap and max_gap after the first


@dataclass(frozen=True)
class Visit:
    """One service at one place by one staff member.

    ``earliest``/``latest``: the window for the start (starting after ``latest`` is late, a soft
    cost; before ``earliest`` is impossible: the staff member waits). ``person`` groups the visits
    of one person (continuity; the two halves of a synchronised pair). ``current_staff``: who has the
    visit in the plan being changed ("" for a new plan or a new visit); doing it with anyone else costs
    :attr:`Weights.change` (it need not be staff of this problem: the visits of someone called in sick
    change staff whatever happens).
    """

    id: str
    location: int
    earliest: float
    latest: float
    duration: float
    skill: str
    person: str = ""
    current_staff: str = ""


@dataclass(frozen=True)
class Sync:
    """Two visits tied in time: ``second`` starts ``min_gap``..``max_gap`` after ``first`` (0..0: together)."""

    kind: SyncKind
    first: str
    second: str
    min_gap: float = 0.0
    max_gap: float = 0.0


@dataclass(frozen=True)
class Staff:
    """A staff member for the day: skills, where the shift starts and ends, and when.

    ``familiar``: persons this staff member is the primærkontakt of or has visited recently
    (continuity: a visit to anyone else is «a new face» for that person).
    """

    id: str
    skills: frozenset[str]
    start_location: int
    end_location: int
    shift_start: float = 0.0
    shift_end: float = float("inf")
    familiar: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Weights:
    """The weights of the soft terms. The hhcrsp benchmark objective is (travel + Σ tardiness + max tardiness) / 3."""

    travel: float = 1.0
    tardiness: float = 1.0
    max_tardiness: float = 1.0
    new_face: float = 0.0
    balance: float = 0.0
    change: float = 0.0  # per visit done by another than its ``current_staff`` (re-planning)
    scale: float = 1.0  # the total is multiplied by this (1/3 for hhcrsp)

    @classmethod
    def hhcrsp(cls) -> Weights:
        return cls(scale=1 / 3)


@dataclass(frozen=True)
class Problem:
    name: str
    visits: tuple[Visit, ...]
    staff: tuple[Staff, ...]
    travel: tuple[tuple[float, ...], ...]
    syncs: tuple[Sync, ...] = ()
    weights: Weights = field(default_factory=Weights)

    def visit(self, visit_id: str) -> Visit:
        return self._visits_by_id()[visit_id]

    def _visits_by_id(self) -> dict[str, Visit]:
        cache = self.__dict__.get("_by_id")
        if cache is None:
            cache = {v.id: v for v in self.visits}
            object.__setattr__(self, "_by_id", cache)
        return cache


@dataclass(frozen=True)
class Stop:
    visit: str
    start: float
    end: float


@dataclass(frozen=True)
class Route:
    staff: str
    stops: tuple[Stop, ...]


@dataclass(frozen=True)
class Unassigned:
    visit: str
    reason: str  # Norwegian, for the planner on the screen


@dataclass(frozen=True)
class Solution:
    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...] = ()
