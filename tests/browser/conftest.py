"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

* Chromium is ``/usr/bin/chromium`` (Debian's package). Playwright's own browser download does not
  work here and is never used: there is no ``playwright install`` anywhere.
* Without ``/usr/bin/chromium`` the browser tests are *skipped* on a developer machine and *fail*
  when ``HELHET_REQUIRE_BROWSER=1`` (CI sets it), so CI can never pass without them.
* The fixtures are named ``chromium_browser`` and ``web`` so they do not clash with
  pytest-playwright's ``browser`` and ``page`` (which would try to launch Playwright's own browser).
* Every page the tests look at can be checked with :meth:`Web.check`: a full-page screenshot into
  ``test-results/browser/`` and an axe-core scan that fails on serious or critical violations.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Playwright, Response, sync_playwright

from browser_support import DESKTOP

# Sync Playwright keeps an asyncio event loop in this thread; Django's ORM would otherwise refuse
# to run here (SynchronousOnlyOperation) although nothing runs concurrently.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: axe-core impact levels that fail a test.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
DEFAULT_TIMEOUT_MS = 15_000


def browser_required() -> bool:
    return os.environ.get("HELHET_REQUIRE_BROWSER", "").strip() == "1"


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture(scope="session")
def chromium_browser(playwright_driver: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing, so the browser tests cannot run. "
            "Install Debian's Chromium: apt-get install -y chromium"
        )
        if browser_required():
            pytest.fail(message + " (HELHET_REQUIRE_BROWSER=1: browser tests are required here)", pytrace=False)
        pytest.skip(message)
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig: pytest.Config) -> Path:
    path = Path(pytestconfig.rootpath) / "test-results" / "browser"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Web:
    """One browser tab on the live server, with the checks every page gets."""

    page: Page
    base_url: str
    screenshot_dir: Path
    errors: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    _axe: Axe = field(default_factory=Axe)

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def path(self) -> str:
        """The path (and query) of the current page, without the server address."""
        return self.page.url.removeprefix(self.base_url.rstrip("/"))

    def goto(self, path: str) -> Response:
        response = self.page.goto(self.url(path))
        assert response is not None, f"no response for {path}"
        return response

    def click_and_load(self, target: Locator) -> Response:
        """Click something that navigates (a link, a submit button) and return the final response."""
        with self.page.expect_navigation(wait_until="load") as navigation:
            target.click()
        response = navigation.value
        assert response is not None, "the click did not load a page"
        return response

    def check(self, name: str) -> None:
        """Full-page screenshot, then an axe-core scan: no serious or critical violations allowed."""
        self.page.screenshot(path=str(self.screenshot_dir / f"{name}.png"), full_page=True)
        results = self._axe.run(self.page)
        blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        minor = [v for v in results.response["violations"] if v.get("impact") not in BLOCKING_IMPACTS]
        if minor:  # shown with `pytest -s` or when the test fails; not a failure on their own
            print(f"axe-core, moderate/minor on «{name}»:\n{format_violations(minor)}")
        self.checked.append(name)
        assert not blocking, f"axe-core found serious/critical violations on «{name}» ({self.path()}):\n" + (
            format_violations(blocking)
        )


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:10]:
            snippet = re.sub(r"\s+", " ", node.get("html", ""))[:200]
            lines.append(f"    at {', '.join(map(str, node['target']))}: {snippet}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def _note_console_error(tab: Web, message: ConsoleMessage) -> None:
    # A 403 or 400 page is the expected answer in some steps; Chromium logs each such response.
    if message.type == "error" and not message.text.startswith("Failed to load resource: the server responded"):
        tab.errors.append(f"console.error: {message.text}")


@pytest.fixture
def web(chromium_browser: Browser, live_server: Any, screenshot_dir: Path) -> Generator[Web]:
    """A fresh browser context (no cookies) on the live server, Norwegian locale, desktop size."""
    context = chromium_browser.new_context(
        locale="nb-NO", timezone_id="Europe/Oslo", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    tab = Web(page=page, base_url=live_server.url, screenshot_dir=screenshot_dir)
    page.on("pageerror", lambda exc: tab.errors.append(f"JavaScript error: {exc}"))
    page.on("console", lambda msg: _note_console_error(tab, msg))
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def tabs(chromium_browser: Browser, live_server: Any, screenshot_dir: Path) -> Iterator[Callable[..., Web]]:
    """``tabs()`` opens a fresh, logged-out browser context per user; ``tabs(PHONE, mobile=True)`` a phone."""
    contexts = []

    def open_tab(viewport: dict[str, int] = DESKTOP, *, mobile: bool = False) -> Web:
        context = chromium_browser.new_context(
            locale="nb-NO", timezone_id="Europe/Oslo", viewport=viewport, is_mobile=mobile, has_touch=mobile
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        tab = Web(page=context.new_page(), base_url=live_server.url, screenshot_dir=screenshot_dir)
        tab.page.on("pageerror", lambda exc: tab.errors.append(f"JavaScript error: {exc}"))
        return tab

    yield open_tab
    for context in contexts:
        context.close()
