"""What every push test shares: the fake push service, the loopback endpoints it gives allowed
(pytest-django runs with DEBUG off, where they are refused), and the thread connections of the
async tests closed."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from tests.pushservice import push_service  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def _loopback_endpoints(settings: Settings) -> None:
    settings.HUB_PUSH_ALLOW_HTTP_LOOPBACK = True
    settings.HUB_VAPID_PRIVATE_KEY = ""
    settings.HUB_VAPID_PUBLIC_KEY = ""
    settings.HUB_VAPID_SUBJECT = "mailto:drift@nordlys.example.no"


@pytest.fixture(autouse=True)
def _thread_connections_closed(close_thread_connections: None) -> None:
    """Some of these tests are async (``tests.conftest.close_thread_connections``)."""
