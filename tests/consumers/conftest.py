from __future__ import annotations

import pytest

from hub.accounts.models import Member, Organization, Role, Team
from tests.factories import make_member, make_team


@pytest.fixture(autouse=True)
def _clean_slate(fresh_channel_layer: None, close_thread_connections: None) -> None:
    """Every test gets a channel layer of its own (``fresh_channel_layer``), and at the end the
    database thread's connection is closed (the communicator turns Channels' connection
    clean-up off while it waits for frames)."""


@pytest.fixture
def colleague(org: Organization) -> Member:
    """A second dispatcher of the organisation: another pair of eyes on the same inbox."""
    return make_member(org, Role.DISPATCHER, handle="ola", name="Ola Hansen")


@pytest.fixture
def other_technician(org: Organization) -> Member:
    return make_member(org, Role.TECHNICIAN, handle="per", name="Per Lund")


@pytest.fixture
def crew(org: Organization, technician: Member) -> Team:
    """The technician's team."""
    return make_team(org, "Montører", technician)


@pytest.fixture
def outsider(other_org: Organization) -> Member:
    """An administrator of another organisation: sees everything there, nothing here."""
    return make_member(other_org, Role.ADMIN, handle="sven", name="Sven Ek")
