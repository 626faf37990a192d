"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against a real hub server
(daphne on 127.0.0.1) that shares the test's PostgreSQL database and Redis. The fixtures are in
``conftest.py``; the helpers a test imports are here.

Playwright's sync API and the test's own Django code share one thread, and that needs care.
Playwright runs its asyncio loop in a greenlet of that thread, and between two sync calls it
leaves the loop *marked as running* in the thread (``asyncio._get_running_loop()`` returns it:
its ``expect_*`` helpers need that). So, after a test's first Playwright call:

- Django's ORM refuses to run ("You cannot call this from an async context"): the fixtures set
  ``DJANGO_ALLOW_ASYNC_UNSAFE`` for the browser tests (and for them only; a hub server they
  start does not inherit it). Safe here: nothing else uses the thread while a test runs, and
  Playwright's loop never touches the database.
- asgiref's ``async_to_sync`` refuses too, and the hub publishes every event after commit with
  it: an action a test calls would store its change, but the browser would never hear of it
  (``on_commit(robust=True)`` only logs the error). The fixtures patch the publish in
  ``hub.events`` to step out of the loop first (``outside_playwright``); use that context
  manager yourself for any other ``async_to_sync`` or ``asyncio.run`` in a browser test.
- Django keeps a database connection per thread, but per *context* while a loop runs in the
  thread (asgiref's ``Local``): ORM calls made while Playwright's loop is marked go through a
  second connection. The browser tests are transactional (the hub server must see their data),
  so both are in autocommit and see the same rows; but hold no ``transaction.atomic()`` across
  a Playwright call. The fixtures close both connections after each test (a forgotten one
  keeps PostgreSQL from dropping the test database at the end of the run).
- pytest-asyncio cannot start a test's loop while another is marked running: a browser test
  must be a plain ``def`` and use no async fixture. Between tests the fixtures clear the mark
  (and set it again before the next browser test), so async tests that run after the browser
  tests in the same session are not affected.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_VARIABLE = "HUB_ARTIFACTS"

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def artifacts_dir() -> Path:
    """Where the browser tests leave what a person should look at: ``$HUB_ARTIFACTS`` if set,
    else ``artifacts/`` in the repository (ignored by git)."""
    configured = os.environ.get(ARTIFACTS_VARIABLE)
    return Path(configured) if configured else ROOT / "artifacts"


def screenshots_dir() -> Path:
    directory = artifacts_dir() / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def file_name(text: str) -> str:
    """``text`` (a test id, a label) as a safe file name."""
    return re.sub(r"[^\w.-]+", "_", text).strip("_.") or "page"


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG of ``page`` in the screenshots directory, as ``<name>.png``."""
    path = screenshots_dir() / f"{file_name(name)}.png"
    page.screenshot(path=path, full_page=True)
    return path


class _Playwright:
    """The loop of the session's Playwright, once it runs."""

    loop: asyncio.AbstractEventLoop | None = None


def playwright_started(loop: asyncio.AbstractEventLoop) -> None:
    _Playwright.loop = loop


def playwright_stopped() -> None:
    _Playwright.loop = None


def resume_playwright() -> None:
    """Mark Playwright's loop as running in this thread, as its sync API expects between
    calls; a no-op before Playwright has started."""
    if _Playwright.loop is not None and not _Playwright.loop.is_closed():
        asyncio.events._set_running_loop(_Playwright.loop)


def pause_playwright() -> None:
    """Clear the mark, so that code that runs a loop of its own may (the next test)."""
    asyncio.events._set_running_loop(None)


@contextmanager
def outside_playwright() -> Iterator[None]:
    """Run the block as if no event loop ran in this thread (``async_to_sync``, ``asyncio.run``,
    a Django action that publishes). Make no Playwright call inside it."""
    marked = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        asyncio.events._set_running_loop(marked)
