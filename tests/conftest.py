from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers
from django.db import connections
from django.test import Client
from pytest_django import Settings

from hub.accounts.models import Member, Organization, Role
from tests.factories import PASSWORD, make_member, make_org


@pytest.fixture(autouse=True)
def _media_root(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def org(db: None) -> Organization:
    return make_org("Nordlys Elektro AS")


@pytest.fixture
def other_org(db: None) -> Organization:
    return make_org("Fjällbacka Rör AB", locale="sv", time_zone="Europe/Stockholm", country="SE")


@pytest.fixture
def dispatcher(org: Organization) -> Member:
    return make_member(org, Role.DISPATCHER, handle="kari", name="Kari Nordmann")


@pytest.fixture
def technician(org: Organization) -> Member:
    return make_member(org, Role.TECHNICIAN, handle="lars", name="Lars Berg")


@pytest.fixture
def admin_member(org: Organization) -> Member:
    return make_member(org, Role.ADMIN, handle="ingrid", name="Ingrid Dahl")


def login(member: Member, *, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    assert client.login(username=member.user.username, password=PASSWORD)
    return client


@pytest.fixture(autouse=True)
def fast_passwords(settings: Settings) -> None:
    """Hash test passwords cheaply: the default PBKDF2 costs half a second per login."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
async def fresh_channel_layer() -> AsyncIterator[None]:
    """A channel layer of the test's own, emptied, for tests that run an event loop of their own.

    Its own: channels_redis keeps per-process locks and connection pools that outlive the event
    loop of the test that made them, and each async test runs in a new loop, so what one test
    left behind fails the next ("bound to a different event loop", or closed-loop warnings when
    it is collected); one loop per process, as in production, never meets this. Emptied: ids
    repeat across tests, and so do group names."""
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    previous = channel_layers.set(DEFAULT_CHANNEL_LAYER, layer)
    await layer.flush()
    try:
        yield
    finally:
        await layer.flush()
        if previous is None:
            # Nothing was made before: let the next user build the layer from the settings.
            channel_layers.backends.pop(DEFAULT_CHANNEL_LAYER, None)
        else:
            channel_layers.set(DEFAULT_CHANNEL_LAYER, previous)


@pytest.fixture
async def close_thread_connections() -> AsyncIterator[None]:
    """For async tests: they reach the database through ``sync_to_async``'s own thread, whose
    connection outlives the test unless closed here, and PostgreSQL will not drop the test
    database while one is open."""
    try:
        yield
    finally:
        await sync_to_async(connections.close_all)()
