from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from asgiref.sync import sync_to_async
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers
from django.db import connections

from hub.accounts.models import Member, Organization, Role, Team
from tests.factories import make_member, make_team


@pytest.fixture(autouse=True)
async def _clean_slate() -> AsyncIterator[None]:
    """Every test gets a channel layer of its own, emptied.

    Its own: channels_redis keeps per-process receive locks that outlive a cancelled receive,
    and each test runs in a new event loop, so a lock left by one test fails the next ("bound
    to a different event loop"); one loop per process, as in production, never meets this.
    Emptied: SQLite reuses ids, so group names repeat across tests. At the end the database
    thread's connection is closed: the communicator turns Channels' connection clean-up off
    while it waits for frames, and PostgreSQL will not drop the test database while a
    connection is open."""
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    previous = channel_layers.set(DEFAULT_CHANNEL_LAYER, layer)
    await layer.flush()
    try:
        yield
    finally:
        await layer.flush()
        channel_layers.set(DEFAULT_CHANNEL_LAYER, previous)
        await sync_to_async(connections.close_all)()


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
