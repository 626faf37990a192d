"""Fixtures for the browser tests (see ``tests/browser/__init__.py`` for why some of them reach
into the thread's asyncio state).

- ``playwright``, ``session_browser``: one Playwright and one headless Chromium for the session:
  Debian's ``chromium`` from PATH (``scripts/services`` installs it), never a downloaded one.
  Without it the tests are skipped, or fail when ``CI`` is set.
- ``browser``: that browser, for one test; the contexts the test leaves open are closed after
  it (with a screenshot of each page first, when the test failed).
- ``hub``: a hub server (``tests.servers.Server``) on the test's PostgreSQL database and Redis;
  ``hub_process`` to stop, start or restart it on the same port.
- ``browser_page(phone=False, **context_options)``: a page in a new context, not logged in;
  ``staff_page(member, phone=False, path=None, **context_options)``: logged in as ``member``.
- ``artifacts``: the directory for screenshots (``tests.browser.screenshot(page, name)``).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Protocol

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connections
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    WebError,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

from hub import events as hub_events
from hub.accounts.models import Member
from tests.browser import (
    DESKTOP,
    PHONE,
    file_name,
    outside_playwright,
    pause_playwright,
    playwright_started,
    playwright_stopped,
    resume_playwright,
    screenshots_dir,
)
from tests.factories import PASSWORD
from tests.servers import Server, free_port, hub_server, shared_services_env

# Playwright's default of 30 s turns a missing element into a long wait; the hub answers fast.
DEFAULT_TIMEOUT_MS = 10_000
# A hub stops in well under a second, unless a request was in flight when it was told to: then
# it never does (see tests.servers.hub_server). No need to wait the usual 10 s for that here.
STOP_TIMEOUT_S = 3.0
SETTLE_S = 0.3
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test, so fixtures can tell whether it failed."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


def failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(REPORTS, {})
    return any(report.failed for report in reports.values())


# --- the thread's state -------------------------------------------------------------------------


def _publish_outside_playwright(function: Callable[..., Any]) -> Callable[..., Any]:
    """``async_to_sync`` for ``hub.events``: steps out of Playwright's loop for the publish."""
    call = async_to_sync(function)

    def publish(*args: Any, **kwargs: Any) -> Any:
        with outside_playwright():
            return call(*args, **kwargs)

    return publish


@pytest.fixture(autouse=True)
def _beside_playwright(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Django code in a browser test runs beside Playwright's loop: see the package's doc.
    After the test, the database connections it opened are closed, the one it used while
    Playwright's loop was marked and the one it used while it was not."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setattr(hub_events, "async_to_sync", _publish_outside_playwright)
    resume_playwright()
    yield
    resume_playwright()
    connections.close_all()
    pause_playwright()
    connections.close_all()


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replaces ``tests/conftest.py``'s: the hub server checks a login's password with its own
    settings, which have no MD5. So the hub's own hasher, PBKDF2, with one round here: cheap to
    make, and the server accepts it (and upgrades it to its full rounds at the first login,
    ~0.5 s; a wrong password costs as much)."""
    monkeypatch.setattr(PBKDF2PasswordHasher, "iterations", 1)


# --- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    manager = sync_playwright().start()
    playwright_started(asyncio.get_running_loop())
    pause_playwright()
    try:
        yield manager
    finally:
        resume_playwright()
        manager.stop()
        playwright_stopped()
        pause_playwright()


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        message = "no chromium on PATH: run scripts/services (it installs Debian's package)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def session_browser(playwright: Playwright) -> Iterator[Browser]:
    path = chromium_path()
    resume_playwright()
    browser = playwright.chromium.launch(executable_path=path, headless=True, args=["--no-sandbox"])
    pause_playwright()
    try:
        yield browser
    finally:
        resume_playwright()
        browser.close()
        pause_playwright()


@pytest.fixture
def browser(session_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Browser]:
    """The session's browser. The contexts a test leaves open are closed after it; when it
    failed, each of their pages is saved as ``failed-<test>-<n>.png`` among the screenshots,
    and what their consoles said as ``failed-<test>.console.txt`` (see ``browser_page``)."""
    resume_playwright()
    yield session_browser
    resume_playwright()
    close_contexts(request, list(session_browser.contexts))


CONSOLE = pytest.StashKey[list[str]]()
SCREENSHOTS = pytest.StashKey[int]()


def close_contexts(request: pytest.FixtureRequest, contexts: list[BrowserContext]) -> None:
    """Close the contexts, saving their pages and console first when the test failed."""
    if contexts and failed(request):
        save_failure(request, contexts)
    for context in contexts:
        context.close()


def save_failure(request: pytest.FixtureRequest, contexts: list[BrowserContext]) -> None:
    directory = screenshots_dir()
    name = file_name(f"failed-{request.node.nodeid}")
    console = request.node.stash.setdefault(CONSOLE, [])
    pages = [page for context in contexts for page in context.pages if not page.is_closed()]
    for page in pages:
        n = request.node.stash[SCREENSHOTS] = request.node.stash.get(SCREENSHOTS, 0) + 1
        console.append(f"[screenshot] {name}-{n}.png: {page.url}")
        try:
            page.screenshot(path=directory / f"{name}-{n}.png", full_page=True)
        except PlaywrightError as error:  # the test's own failure is what matters
            console.append(f"[screenshot] failed: {error.message}")
    (directory / f"{name}.console.txt").write_text("\n".join(console) + "\n")


def watch_console(context: BrowserContext, request: pytest.FixtureRequest) -> None:
    """Collect what the context's pages log, and their uncaught errors, for ``save_failure``."""
    lines = request.node.stash.setdefault(CONSOLE, [])

    def logged(message: ConsoleMessage) -> None:
        where = message.location
        lines.append(
            f"[{message.type}] {message.text} ({where.get('url', '')}:{where.get('lineNumber', 0)})"
        )

    def thrown(error: WebError) -> None:
        lines.append(f"[uncaught] {error.error}")

    context.on("console", logged)
    context.on("weberror", thrown)


# --- the hub -------------------------------------------------------------------------------------


@pytest.fixture
def services(transactional_db: None) -> dict[str, str]:
    """The environment that points a hub server at the test's own database and Redis."""
    return shared_services_env()


class HubProcess:
    """The test's hub server, which a test may stop and start again: always on the same port,
    so that a page reconnects to the same origin. Each start logs to a file of its own
    (``server.log``)."""

    def __init__(self, var_dir: Path, env: dict[str, str]) -> None:
        self.var_dir = var_dir
        self.env = env
        self.port = free_port()
        self.starts = 0
        self.server: Server | None = None
        self._running: ExitStack | None = None

    def start(self) -> Server:
        if self._running is not None:
            raise RuntimeError("the hub is already running")
        self.starts += 1
        name = "hub" if self.starts == 1 else f"hub-{self.starts}"
        with ExitStack() as running:
            self.server = running.enter_context(
                hub_server(
                    self.var_dir / name,
                    self.env,
                    name,
                    port=self.port,
                    stop_timeout=STOP_TIMEOUT_S,
                )
            )
            self._running = running.pop_all()
        return self.server

    def stop(self) -> None:
        """Stop the server (SIGTERM as a deploy does, SIGKILL if it is still there after
        ``STOP_TIMEOUT_S``); ``start`` brings it back on the same port."""
        running, self._running = self._running, None
        if running is not None:
            running.close()

    def restart(self) -> Server:
        self.stop()
        return self.start()


@pytest.fixture
def hub_process(services: dict[str, str], tmp_path: Path) -> Iterator[HubProcess]:
    process = HubProcess(tmp_path, services)
    process.start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def hub(hub_process: HubProcess) -> Server:
    """The running hub server: ``hub.http`` (a page's base URL), ``hub.ws``, ``hub.log``."""
    assert hub_process.server is not None
    return hub_process.server


# --- pages ---------------------------------------------------------------------------------------


class NewPage(Protocol):
    def __call__(self, *, phone: bool = False, **context_options: Any) -> Page: ...


class StaffPage(Protocol):
    def __call__(
        self,
        member: Member,
        *,
        phone: bool = False,
        path: str | None = None,
        password: str = PASSWORD,
        **context_options: Any,
    ) -> Page: ...


@pytest.fixture
def browser_page(
    browser: Browser, hub: Server, request: pytest.FixtureRequest
) -> Iterator[NewPage]:
    """A factory: a page in a context of its own, on the hub (relative URLs work), not logged
    in. A desktop window of 1280x800, or with ``phone=True`` a phone's 390x844 with touch; the
    locale and time zone of the test organisations (nb-NO, Europe/Oslo) unless given. Other
    keyword arguments go to ``browser.new_context``. The contexts are closed after the test,
    before the hub server stops (a server stopped under open pages can take 10 s to go)."""
    contexts: list[BrowserContext] = []

    def new_page(*, phone: bool = False, **context_options: Any) -> Page:
        options: dict[str, Any] = {
            "base_url": hub.http,
            "locale": "nb-NO",
            "timezone_id": "Europe/Oslo",
            "viewport": PHONE if phone else DESKTOP,
        }
        if phone:
            options.update(is_mobile=True, has_touch=True)
        context = browser.new_context(**{**options, **context_options})
        contexts.append(context)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        watch_console(context, request)
        return context.new_page()

    yield new_page
    resume_playwright()
    close_contexts(request, contexts)  # closing a closed context does nothing
    if contexts:
        # What the pages had asked for is still being answered; a hub stopped in the middle
        # of that hangs (STOP_TIMEOUT_S). It takes a moment, not a second.
        time.sleep(SETTLE_S)


@pytest.fixture
def staff_page(browser_page: NewPage) -> StaffPage:
    """A factory: ``staff_page(member)`` is a page (as ``browser_page`` makes them) logged in
    as ``member`` through the JSON door (GET /api/session for the CSRF cookie, then POST it the
    username and password); at ``path`` when given, else blank."""

    def logged_in(
        member: Member,
        *,
        phone: bool = False,
        path: str | None = None,
        password: str = PASSWORD,
        **context_options: Any,
    ) -> Page:
        page = browser_page(phone=phone, **context_options)
        request = page.context.request
        answer = request.get("/api/session")
        assert answer.ok, answer.text()
        token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
        answer = request.post(
            "/api/session",
            data={"username": member.user.username, "password": password},
            headers={"X-CSRFToken": token},
        )
        assert answer.status == 201, f"login as {member.user.username}: {answer.text()}"
        if path is not None:
            page.goto(path)
        return page

    return logged_in


@pytest.fixture
def artifacts() -> Path:
    """The screenshots directory (``artifacts/screenshots`` in the repository, or
    ``$HUB_ARTIFACTS/screenshots``), made if missing."""
    return screenshots_dir()
