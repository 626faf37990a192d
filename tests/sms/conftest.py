"""What every SMS test shares."""

from collections.abc import AsyncIterator

import pytest
from asgiref.sync import sync_to_async
from django.db import connections


@pytest.fixture(autouse=True)
async def _close_thread_connections() -> AsyncIterator[None]:
    """Async tests reach the database through ``sync_to_async``'s own thread, whose connection
    outlives the test unless closed here; PostgreSQL will not drop the test database while one
    is open."""
    yield
    await sync_to_async(connections.close_all)()
