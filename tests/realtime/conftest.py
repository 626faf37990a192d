"""Tests across real processes: hub servers on loopback sharing the test's PostgreSQL database
and a Redis, with websocket clients over real sockets. They need PostgreSQL and Redis, which
``scripts/test`` provides; with the embedded SQLite test database there is nothing to share."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.servers import Server, hub_server


def shared_database_url() -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}"
    )


@pytest.fixture(autouse=True)
def _own_layer(fresh_channel_layer: None) -> None:
    """The test process publishes through a layer of its own (see ``fresh_channel_layer``)."""


@pytest.fixture
def services(transactional_db: None) -> dict[str, str]:
    """The environment that points a hub server at the test's own database and Redis."""
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs PostgreSQL and Redis shared between processes: run scripts/test")
    return {
        "DATABASE_URL": shared_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "HUB_REDIS_PREFIX": os.environ.get("HUB_REDIS_PREFIX", "hub"),
        # As in production: a server keeps its database connections.
        "DATABASE_CONN_MAX_AGE": "60",
    }


@pytest.fixture
def server(services: dict[str, str], tmp_path: Path) -> Iterator[Server]:
    with hub_server(tmp_path / "a", services, "a") as running:
        yield running
