from __future__ import annotations

import pytest

from hub.accounts.models import Member
from hub.threads.models import Case
from tests.portal.helpers import portal_case


@pytest.fixture
def case(dispatcher: Member) -> Case:
    return portal_case(dispatcher)


@pytest.fixture(autouse=True)
def _thread_connections_closed(close_thread_connections: None) -> None:
    """The socket tests are async (``tests.conftest.close_thread_connections``)."""
