"""``helhet generer_besok``: plans every tiltak ahead, idempotently; bad input is a Norwegian error."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from care_builders import make_visit
from factories import World
from helhet.care.models import Besok

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("generer_besok", *args, stdout=out)
    return out.getvalue()


def test_plans_the_days_ahead_once(world: World) -> None:
    visit = make_visit(world)  # a daily tiltak from today, with today's visit already planned
    today = timezone.localdate()
    output = _run("--dager", "7")
    assert "planned_visits: 6 rows" in output  # today existed: six new days
    assert Besok.objects.filter(tiltak=visit.tiltak).count() == 7
    assert "planned_visits: 0 rows" in _run("--dager", "7", "--fra", today.isoformat())
    last = Besok.objects.filter(tiltak=visit.tiltak).order_by("-dato").first()
    assert last is not None and last.dato == today + dt.timedelta(days=6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--dager", "-1"), "--dager må være mellom 1 og 366."),
        (("--dager", "tre"), "--dager må være et helt tall"),
        (("--fra", "02.12.2026"), "--fra må være en dato på formen ÅÅÅÅ-MM-DD"),
    ],
)
def test_bad_input_is_a_norwegian_error(world: World, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not Besok.objects.exists()
