"""Shared fixtures: fast password hashing, the ``world`` cast, and ``login`` for client tests.

The ``world`` is a small named cast in the style of Healthchecks.io's test personas: one person,
*P* (Per Prøve), and the staff around him, each placed so that exactly one relationship (or none)
ties them to P. Tests read like the policy: «helper_a may see P because she is on team A».

    Kommune «Testkommune»
    ├── bydel_1  ← P lives here; saksbehandler_1 owns his case, vedtaksmyndig_1 sits here too
    └── bydel_2  ← saksbehandler_2
    Leverandør «Hjemmetjenesten KF»
    ├── enhet_a (leader_a) └── team_a: nurse_a (P's primærkontakt), helper_a, assistant_a  → serves P
    └── enhet_b (leader_b) └── team_b: nurse_b                                           → does not
    kvalitetsleder, personvern (personvernansvarlig), sysadmin: roles with no place and no ground

``World`` and ``build_world`` live in ``factories.py`` so test modules can import them
(``from factories import World``); importing from a conftest is fragile.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from factories import World, build_world
from factories import login as _login
from helhet.core.models import User


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Settings) -> None:
    """Background jobs run in the test's own process and transaction (a test that wants the real
    queue and worker sets ``settings.TASKS`` back to the database backend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests (the browser tests) empty every table afterwards, including the reference data
    that data migrations load (the avvik categories); put it back before each such test, as a fresh
    database would have it, so the outcome does not depend on which test ran first."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from helhet.quality.models import AvvikKategori

    data = import_module("helhet.quality.migrations.0002_avvikkategori_data")
    for kode, navn, rekkefolge in data.KATEGORIER:
        AvvikKategori.objects.update_or_create(kode=kode, defaults={"navn": navn, "rekkefolge": rekkefolge})


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def login() -> Callable[[Client, User], object]:
    """``login(client, user)``: logged in *and* OTP-verified. Also importable: ``from factories import login``."""
    return _login
