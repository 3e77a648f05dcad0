"""Travel times: haversine with road factor and speed, a given matrix, and OSRM over real HTTP (a local server)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from helhet.planning.travel import Given, Haversine, Osrm, TravelError, haversine_m, provider_from_setting

# Oslo: Jernbanetorget and Majorstuen (about 3.2 km apart in a straight line).
JERNBANETORGET = (59.9114, 10.7502)
MAJORSTUEN = (59.9296, 10.7159)


def test_haversine_distance_is_right_within_a_percent() -> None:
    assert haversine_m(JERNBANETORGET, MAJORSTUEN) == pytest.approx(2_770, rel=0.01)
    assert haversine_m(JERNBANETORGET, JERNBANETORGET) == 0


def test_minutes_follow_road_factor_and_mode() -> None:
    h = Haversine()
    car = h.minutes(JERNBANETORGET, MAJORSTUEN, "bil")
    walk = h.minutes(JERNBANETORGET, MAJORSTUEN, "gange")
    assert car == 8  # 2.77 km × 1.3 = 3.6 km at 30 km/h = 7.2 min, rounded up
    assert walk == 49  # 3.6 km at 4.5 km/h = 48.0 min, rounded up
    assert Haversine(road_factor=1.0).minutes(JERNBANETORGET, MAJORSTUEN) == 6
    m = h.matrix([JERNBANETORGET, MAJORSTUEN, JERNBANETORGET])
    assert m[0][0] == 0 and m[0][1] == m[1][0] == car and m[0][2] == 0


def test_bad_input_is_refused_with_the_reason() -> None:
    with pytest.raises(TravelError, match="unknown travel mode 'fly'"):
        Haversine().minutes(JERNBANETORGET, MAJORSTUEN, "fly")
    with pytest.raises(TravelError, match="place 1 has invalid coordinates"):
        Haversine().matrix([JERNBANETORGET, (95.0, 10.0)])
    with pytest.raises(TravelError, match="not 2 × 2"):
        Given(((0.0,),)).matrix([JERNBANETORGET, MAJORSTUEN])
    with pytest.raises(TravelError, match="unknown travel setting"):
        provider_from_setting("google")
    assert isinstance(provider_from_setting("haversine:1.4"), Haversine)
    assert isinstance(provider_from_setting("osrm:http://localhost:5000"), Osrm)


class _Table(BaseHTTPRequestHandler):
    answer: dict[str, Any] = {}
    paths: list[str] = []

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        body = json.dumps(type(self).answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def osrm_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Table)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_osrm_table_is_read_in_minutes(osrm_server: str) -> None:
    _Table.paths = []
    _Table.answer = {"code": "Ok", "durations": [[0, 425.2], [431, 0]]}
    m = provider_from_setting(f"osrm:{osrm_server}").matrix([JERNBANETORGET, MAJORSTUEN])
    assert m == ((0, 8), (8, 0))
    assert _Table.paths == ["/table/v1/driving/10.750200,59.911400;10.715900,59.929600?annotations=duration"]
    _Table.answer = {"code": "Ok", "durations": [[0, None], [431, 0]]}
    with pytest.raises(TravelError, match="no route"):
        Osrm(osrm_server).matrix([JERNBANETORGET, MAJORSTUEN])
    _Table.answer = {"code": "InvalidQuery", "message": "Too many coordinates"}
    with pytest.raises(TravelError, match="InvalidQuery"):
        Osrm(osrm_server).matrix([JERNBANETORGET, MAJORSTUEN])


def test_osrm_that_does_not_answer_is_an_error() -> None:
    with pytest.raises(TravelError, match="did not answer"):
        Osrm("http://127.0.0.1:9", timeout=1).matrix([JERNBANETORGET, MAJORSTUEN])
