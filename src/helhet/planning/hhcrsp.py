"""The hhcrsp benchmark format (Mankowska et al. 2014 instances, as published by the Intelligent
Optimization Lab, Università degli Studi di Udine): read instances, read and write solutions,
read the best-known table.

Format and rules: ``shared/benchmarks/README.md`` (hhcrsp). In short:

- instance: ``patients`` (``id``, ``time_window`` [earliest, latest start], ``required_caregivers``:
  ``{service, duration?}``, optional ``synchronization`` ``{"type": "simultaneous"}`` or
  ``{"type": "sequential", "distance": [min, max]}``), ``services`` (``id``, ``default_duration``),
  ``caregivers`` (``id``, ``abilities``), ``central_offices`` (one depot), ``distances`` (square,
  row/column 0 = the depot, then the patients in order);
- solution: ``routes``: ``{"caregiver_id", "locations": [{"patient", "service", "arrival_time",
  "departure_time"}]}`` where ``arrival_time`` is the service start and ``departure_time`` its end
  (the upstream README spells ``patient_id``/``service_id``: both are read, the former written);
- rule 6: where every travel time is a whole number, the window bounds are read as whole numbers
  (``401.99999999999994`` is read as ``401``: rounded down).

Mapping to :mod:`.model`: one :class:`Visit` per required caregiver, id ``"<patient>/<service>"``
(``"<patient>/<service>#2"`` for a second requirement of the same service), ``person`` = patient
id and ``skill`` = service id, which is how a visit is written back. A synchronised pair is a
:class:`Sync` whose ``first`` is the patient's first listed requirement. Staff start and end at
the depot (matrix index 0) with an open shift. Weights: :meth:`Weights.hhcrsp`.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helhet.planning.model import Problem, Route, Solution, Staff, Stop, Sync, SyncKind, Visit, Weights

DEPOT = 0


class FormatError(ValueError):
    """A benchmark file that does not follow its format; the message names the file and the field."""


@dataclass(frozen=True)
class BestKnown:
    """One row of ``best_known.md``."""

    instance: str  # the instance stem, e.g. ``InstanzCPLEX_HCSRP_10_1``
    distance: float
    total_tardiness: float
    max_tardiness: float
    total_cost: float
    solution: str  # the solution file named in the table (the stored file may add ``.gz``)


def instance_name(path: str | Path) -> str:
    """``InstanzCPLEX_HCSRP_10_1`` for ``.../InstanzCPLEX_HCSRP_10_1.json.gz`` (or ``.json``)."""
    name = Path(path).name
    for suffix in (".gz", ".json"):
        name = name.removesuffix(suffix)
    return name


def _load_json(path: Path) -> Any:
    try:
        raw = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    except (gzip.BadGzipFile, EOFError) as exc:
        raise FormatError(f"{path}: not a readable gzip file ({exc})") from exc
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(f"{path}: not valid JSON ({exc})") from exc


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class _Reader:
    """Typed access to JSON values with errors naming the file and the field (``patients[3].time_window``)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> FormatError:
        return FormatError(f"{self.path}: {where}: {message}")

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected an object, got {type(value).__name__}")
        return value

    def key(self, data: dict[str, Any], key: str, where: str) -> Any:
        if key not in data:
            raise self.fail(f"{where}.{key}" if where else key, "missing")
        return data[key]

    def array(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, got {type(value).__name__}")
        return value

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(where, f"expected a non-empty string, got {_short(value)}")
        return value

    def number(self, value: Any, where: str, *, minimum: float | None = None) -> float:
        try:
            number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
        except OverflowError:  # an integer too large for a float
            number = math.nan
        if not math.isfinite(number):
            raise self.fail(where, f"expected a finite number, got {_short(value)}")
        if minimum is not None and number < minimum:
            raise self.fail(where, f"must be at least {minimum:g}, got {_short(value)}")
        return number

    def pair(self, value: Any, where: str, *, minimum: float | None = None) -> tuple[float, float]:
        items = self.array(value, where)
        if len(items) != 2:
            raise self.fail(where, f"expected two numbers, got {len(items)}")
        low = self.number(items[0], f"{where}[0]", minimum=minimum)
        high = self.number(items[1], f"{where}[1]", minimum=minimum)
        if low > high:
            raise self.fail(where, f"the first number ({low:g}) exceeds the second ({high:g})")
        return low, high

    def unique_ids(self, items: list[Any], where: str) -> list[str]:
        ids: list[str] = []
        for i, item in enumerate(items):
            ident = self.string(self.key(self.obj(item, f"{where}[{i}]"), "id", f"{where}[{i}]"), f"{where}[{i}].id")
            if ident in ids:
                raise self.fail(f"{where}[{i}].id", f"duplicate id {ident!r}")
            ids.append(ident)
        return ids


def read_instance(path: str | Path) -> Problem:
    """The instance at ``path`` (``.json`` or ``.json.gz``) as a :class:`Problem`; :class:`FormatError` if malformed."""
    path = Path(path)
    r = _Reader(path)
    data = r.obj(_load_json(path), "the document")

    services = r.array(r.key(data, "services", ""), "services")
    service_ids = r.unique_ids(services, "services")
    default_duration: dict[str, float | None] = {}
    for i, (sid, service) in enumerate(zip(service_ids, services, strict=True)):
        value = service.get("default_duration")
        where = f"services[{i}].default_duration"
        default_duration[sid] = None if value is None else r.number(value, where, minimum=0)

    offices = r.array(r.key(data, "central_offices", ""), "central_offices")
    if len(offices) != 1:
        raise r.fail("central_offices", f"expected exactly one depot, got {len(offices)}")
    r.obj(offices[0], "central_offices[0]")

    patients = r.array(r.key(data, "patients", ""), "patients")
    patient_ids = r.unique_ids(patients, "patients")

    size = 1 + len(patients)
    rows = r.array(r.key(data, "distances", ""), "distances")
    if len(rows) != size:
        raise r.fail("distances", f"expected {size} rows (the depot + {len(patients)} patients), got {len(rows)}")
    travel: list[tuple[float, ...]] = []
    for i, row in enumerate(rows):
        cells = r.array(row, f"distances[{i}]")
        if len(cells) != size:
            raise r.fail(f"distances[{i}]", f"expected {size} columns (a square matrix), got {len(cells)}")
        travel.append(tuple(r.number(x, f"distances[{i}][{j}]", minimum=0) for j, x in enumerate(cells)))
    whole = all(x.is_integer() for row in travel for x in row)

    visits: list[Visit] = []
    taken: set[str] = set()  # visit ids
    syncs: list[Sync] = []
    for i, (pid, patient) in enumerate(zip(patient_ids, patients, strict=True)):
        where = f"patients[{i}]"
        earliest, latest = r.pair(r.key(patient, "time_window", where), f"{where}.time_window")
        if whole:  # rule 6: integral travel times -> integral windows, rounded down
            earliest, latest = float(math.floor(earliest)), float(math.floor(latest))
        required = r.array(r.key(patient, "required_caregivers", where), f"{where}.required_caregivers")
        if not required:
            raise r.fail(f"{where}.required_caregivers", "empty: a patient needs at least one service")
        own: list[str] = []
        for k, requirement in enumerate(required):
            rwhere = f"{where}.required_caregivers[{k}]"
            req = r.obj(requirement, rwhere)
            sid = r.string(r.key(req, "service", rwhere), f"{rwhere}.service")
            if sid not in default_duration:
                raise r.fail(f"{rwhere}.service", f"unknown service {sid!r}")
            default = default_duration[sid]
            if req.get("duration") is not None:
                duration = r.number(req["duration"], f"{rwhere}.duration", minimum=0)
            elif default is not None:
                duration = default
            else:
                raise r.fail(f"{rwhere}.duration", f"missing, and service {sid!r} has no default_duration")
            vid = f"{pid}/{sid}"
            n = 1
            while vid in taken:
                n += 1
                vid = f"{pid}/{sid}#{n}"
            taken.add(vid)
            own.append(vid)
            visits.append(Visit(vid, i + 1, earliest, latest, duration, sid, pid))
        if patient.get("synchronization") is not None:
            swhere = f"{where}.synchronization"
            sync = r.obj(patient["synchronization"], swhere)
            if len(own) != 2:
                raise r.fail(swhere, f"synchronisation needs exactly two required caregivers, not {len(own)}")
            kind = r.key(sync, "type", swhere)
            if kind == SyncKind.SIMULTANEOUS:
                syncs.append(Sync(SyncKind.SIMULTANEOUS, own[0], own[1]))
            elif kind == SyncKind.SEQUENTIAL:
                low, high = r.pair(r.key(sync, "distance", swhere), f"{swhere}.distance", minimum=0)
                syncs.append(Sync(SyncKind.SEQUENTIAL, own[0], own[1], low, high))
            else:
                raise r.fail(f"{swhere}.type", f"expected 'simultaneous' or 'sequential', got {_short(kind)}")

    caregivers = r.array(r.key(data, "caregivers", ""), "caregivers")
    caregiver_ids = r.unique_ids(caregivers, "caregivers")
    staff: list[Staff] = []
    for i, (cid, caregiver) in enumerate(zip(caregiver_ids, caregivers, strict=True)):
        where = f"caregivers[{i}].abilities"
        abilities = r.array(r.key(caregiver, "abilities", f"caregivers[{i}]"), where)
        skills = [r.string(a, f"{where}[{k}]") for k, a in enumerate(abilities)]
        for k, skill in enumerate(skills):
            if skill not in default_duration:
                raise r.fail(f"{where}[{k}]", f"unknown service {skill!r}")
        staff.append(Staff(cid, frozenset(skills), DEPOT, DEPOT))

    return Problem(
        name=instance_name(path),
        visits=tuple(visits),
        staff=tuple(staff),
        travel=tuple(travel),
        syncs=tuple(syncs),
        weights=Weights.hhcrsp(),
    )


def read_solution(path: str | Path, problem: Problem) -> Solution:
    """The solution at ``path`` for ``problem``. Only the format is checked here; :func:`.evaluate.evaluate`
    judges the content (a stop for an unknown patient or service keeps an id that matches no visit)."""
    path = Path(path)
    r = _Reader(path)
    data = r.obj(_load_json(path), "the document")
    pending: dict[tuple[str, str], list[str]] = defaultdict(list)
    for visit in problem.visits:
        pending[(visit.person, visit.skill)].append(visit.id)
    routes: list[Route] = []
    for i, route in enumerate(r.array(r.key(data, "routes", ""), "routes")):
        where = f"routes[{i}]"
        route = r.obj(route, where)
        caregiver = r.string(r.key(route, "caregiver_id", where), f"{where}.caregiver_id")
        stops: list[Stop] = []
        # An unused caregiver's route may have no ``locations`` (as in many published solutions).
        for k, location in enumerate(r.array(route.get("locations", []), f"{where}.locations")):
            lwhere = f"{where}.locations[{k}]"
            loc = r.obj(location, lwhere)
            patient = r.string(r.key(loc, "patient" if "patient" in loc else "patient_id", lwhere), f"{lwhere}.patient")
            service = r.string(r.key(loc, "service" if "service" in loc else "service_id", lwhere), f"{lwhere}.service")
            start = r.number(r.key(loc, "arrival_time", lwhere), f"{lwhere}.arrival_time")
            end = r.number(r.key(loc, "departure_time", lwhere), f"{lwhere}.departure_time")
            candidates = pending.get((patient, service))
            if candidates:  # a patient needing the same service twice: the file's order decides
                vid = candidates.pop(0) if len(candidates) > 1 else candidates[0]
            else:
                vid = f"{patient}/{service}"
            stops.append(Stop(vid, start, end))
        routes.append(Route(caregiver, tuple(stops)))
    return Solution(tuple(routes))


def solution_json(problem: Problem, solution: Solution) -> dict[str, Any]:
    """``solution`` in the published format (``global_ordering``: patients by their first start)."""
    visits = problem._visits_by_id()
    routes: list[dict[str, Any]] = []
    first_start: dict[str, float] = {}
    for route in solution.routes:
        locations: list[dict[str, Any]] = []
        for stop in route.stops:
            visit = visits.get(stop.visit)
            patient = visit.person if visit is not None and visit.person else stop.visit
            service = visit.skill if visit is not None else ""
            locations.append(
                {"patient": patient, "service": service, "arrival_time": stop.start, "departure_time": stop.end}
            )
            first_start[patient] = min(first_start.get(patient, math.inf), stop.start)
        routes.append({"caregiver_id": route.staff, "locations": locations})
    ordering = sorted(first_start, key=lambda p: (first_start[p], p))
    return {"routes": routes, "global_ordering": ordering}


def write_solution(problem: Problem, solution: Solution, path: str | Path) -> None:
    """Write ``solution`` to ``path`` in the published JSON format (gzip-compressed if the name ends in ``.gz``)."""
    path = Path(path)
    text = json.dumps(solution_json(problem, solution), indent=2) + "\n"
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode(), mtime=0))
    else:
        path.write_text(text, encoding="utf-8")


_ROW = re.compile(r"^\|(.+)\|\s*$")


def best_known_table(path: str | Path) -> dict[str, BestKnown]:
    """The rows of ``best_known.md`` (a Markdown table with the columns ``instance``, ``distance_traveled``,
    ``max_tardiness``, ``total_tardiness``, ``total_cost``, ``solution``) by instance stem."""
    path = Path(path)
    lines = [m.group(1) for line in path.read_text(encoding="utf-8").splitlines() if (m := _ROW.match(line.strip()))]
    if not lines:
        raise FormatError(f"{path}: no Markdown table")
    header = [cell.strip() for cell in lines[0].split("|")]
    needed = ("instance", "distance_traveled", "max_tardiness", "total_tardiness", "total_cost", "solution")
    for column in needed:
        if column not in header:
            raise FormatError(f"{path}: column {column!r} missing from the table header")
    col = {name: header.index(name) for name in needed}
    table: dict[str, BestKnown] = {}
    for n, line in enumerate(lines[1:], start=2):
        cells = [cell.strip() for cell in line.split("|")]
        if all(set(cell) <= set(":- ") for cell in cells):
            continue  # the alignment row
        if len(cells) != len(header):
            raise FormatError(f"{path}: table row {n} has {len(cells)} cells, the header {len(header)}")

        def number(column: str, cells: list[str] = cells, n: int = n) -> float:
            try:
                return float(cells[col[column]])
            except ValueError:
                raise FormatError(f"{path}: table row {n}, {column}: not a number: {cells[col[column]]!r}") from None

        name = instance_name(cells[col["instance"]])
        table[name] = BestKnown(
            instance=name,
            distance=number("distance_traveled"),
            total_tardiness=number("total_tardiness"),
            max_tardiness=number("max_tardiness"),
            total_cost=number("total_cost"),
            solution=cells[col["solution"]],
        )
    return table


def solution_file(solutions_dir: str | Path, row: BestKnown) -> Path:
    """The stored file of the solution ``row`` names (``sol-X.json`` may be stored as ``sol-X.json.gz``)."""
    base = Path(solutions_dir) / row.solution
    packed = base.with_name(base.name + ".gz")
    return packed if packed.exists() or not base.exists() else base


def best_known(path: str | Path) -> dict[str, float]:
    """Instance stem -> best-known ``total_cost`` from ``best_known.md``."""
    return {name: row.total_cost for name, row in best_known_table(path).items()}
