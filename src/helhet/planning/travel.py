"""Travel times between places: from coordinates (haversine × road factor ÷ speed), a given matrix, or OSRM.

The planner only needs a square matrix of travel times (minutes) between the places of a day.
Which source fills it is configuration (:func:`provider_from_setting`):

- ``haversine`` (default): great-circle distance (mean Earth radius 6 371 km) × a road factor (streets
  are not straight: the «detour index» of road networks is usually put at about 1.2-1.4; 1.3 is
  Helhet's default until a district's own figure is measured against a routing engine) ÷ the speed
  of the travel mode, rounded up to whole minutes. Modes and
  their default speeds: ``bil`` 30 km/h (city driving including parking), ``sykkel`` 15 km/h,
  ``gange`` 4.5 km/h, ``kollektiv`` 18 km/h.
- ``osrm:<base url>``: a real routing engine (OSRM's ``/table/v1/<profile>/`` service, durations in
  seconds) for road-network times; no coordinates leave the installation if the engine is local.

Places are (latitude, longitude) in degrees. No Django here.
"""

from __future__ import annotations

import json
import math
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

EARTH_RADIUS_M = 6_371_000.0
DEFAULT_ROAD_FACTOR = 1.3
SPEEDS_KMH: dict[str, float] = {"bil": 30.0, "sykkel": 15.0, "gange": 4.5, "kollektiv": 18.0}

Place = tuple[float, float]
Matrix = tuple[tuple[float, ...], ...]


class TravelError(ValueError):
    """Travel times could not be computed (bad coordinates, an unknown mode, the routing engine failed)."""


class TravelProvider(Protocol):
    def matrix(self, places: Sequence[Place], mode: str = "bil") -> Matrix: ...


def haversine_m(a: Place, b: Place) -> float:
    """Great-circle distance in metres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def _check(places: Sequence[Place]) -> None:
    for i, (lat, lon) in enumerate(places):
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
            raise TravelError(f"place {i} has invalid coordinates ({lat}, {lon})")


@dataclass(frozen=True)
class Haversine:
    """Straight-line distance × road factor ÷ speed, in whole minutes (rounded up; 0 for the same place)."""

    road_factor: float = DEFAULT_ROAD_FACTOR
    speeds_kmh: dict[str, float] = field(default_factory=lambda: dict(SPEEDS_KMH))

    def minutes(self, a: Place, b: Place, mode: str = "bil") -> float:
        speed = self.speeds_kmh.get(mode)
        if not speed or speed <= 0:
            raise TravelError(f"unknown travel mode {mode!r} (known: {', '.join(sorted(self.speeds_kmh))})")
        metres = haversine_m(a, b) * self.road_factor
        return float(math.ceil(metres / (speed * 1000 / 60))) if metres > 0 else 0.0

    def matrix(self, places: Sequence[Place], mode: str = "bil") -> Matrix:
        _check(places)
        return tuple(tuple(self.minutes(a, b, mode) for b in places) for a in places)


@dataclass(frozen=True)
class Given:
    """A matrix supplied as it is (benchmarks, tests, an external planner's export)."""

    values: Matrix

    def matrix(self, places: Sequence[Place], mode: str = "bil") -> Matrix:
        if len(self.values) != len(places) or any(len(row) != len(places) for row in self.values):
            raise TravelError(f"the given matrix is not {len(places)} × {len(places)}")
        return self.values


@dataclass(frozen=True)
class Osrm:
    """OSRM's table service: ``<base_url>/table/v1/<profile>/<lon,lat;...>?annotations=duration``."""

    base_url: str
    timeout: float = 10.0
    profiles: dict[str, str] = field(
        default_factory=lambda: {"bil": "driving", "sykkel": "cycling", "gange": "walking", "kollektiv": "driving"}
    )

    def matrix(self, places: Sequence[Place], mode: str = "bil") -> Matrix:
        _check(places)
        profile = self.profiles.get(mode)
        if profile is None:
            raise TravelError(f"unknown travel mode {mode!r}")
        coords = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in places)
        url = f"{self.base_url.rstrip('/')}/table/v1/{profile}/{coords}?annotations=duration"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                data = json.load(response)
        except (OSError, ValueError) as exc:
            raise TravelError(f"the routing engine at {self.base_url} did not answer: {exc}") from exc
        if data.get("code") != "Ok" or "durations" not in data:
            raise TravelError(f"the routing engine answered {data.get('code')!r}: {data.get('message', '')}")
        rows = data["durations"]
        if len(rows) != len(places) or any(row is None or len(row) != len(places) for row in rows):
            raise TravelError("the routing engine's table does not match the places asked for")
        # Seconds to minutes; an unreachable pair (null) is a hard error, not a zero.
        if any(value is None for row in rows for value in row):
            raise TravelError("the routing engine found no route between some of the places")
        return tuple(tuple(math.ceil(value / 60) for value in row) for row in rows)


def provider_from_setting(setting: str) -> TravelProvider:
    """``"haversine"``, ``"haversine:1.4"`` (road factor) or ``"osrm:http://localhost:5000"``."""
    kind, _, argument = setting.strip().partition(":")
    if kind == "haversine":
        try:
            return Haversine(road_factor=float(argument)) if argument else Haversine()
        except ValueError:
            raise TravelError(f"the road factor in {setting!r} is not a number") from None
    if kind == "osrm" and argument:
        return Osrm(argument)
    raise TravelError(f"unknown travel setting {setting!r} (use «haversine» or «osrm:<url>»)")
