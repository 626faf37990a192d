"""The real mail servers (``tests.mailservers``) for every gateway test."""

from collections.abc import AsyncIterator

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from tests.mailservers import (  # noqa: F401 - fixtures
    dovecot,
    imap_account,
    imap_accounts,
    smtp_server,
    smtp_server_auth,
    smtp_server_tls,
    tcp_proxy,
    tls_files,
)


@pytest.fixture(autouse=True)
async def _close_thread_connections() -> AsyncIterator[None]:
    """Async tests reach the database through ``sync_to_async``'s own thread, whose connection
    outlives the test unless closed here; PostgreSQL will not drop the test database while one
    is open."""
    yield
    await sync_to_async(connections.close_all)()
