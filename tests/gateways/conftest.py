"""The real mail servers (``tests.mailservers``) for every gateway test."""

import pytest

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
def _thread_connections_closed(close_thread_connections: None) -> None:
    """Many of these tests are async (``tests.conftest.close_thread_connections``)."""
