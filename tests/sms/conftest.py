"""What every SMS test shares."""

import pytest


@pytest.fixture(autouse=True)
def _thread_connections_closed(close_thread_connections: None) -> None:
    """Many of these tests are async (``tests.conftest.close_thread_connections``)."""
