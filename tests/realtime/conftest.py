"""Tests across real processes: hub servers on loopback sharing the test's PostgreSQL database
and a Redis, with websocket clients over real sockets. They need PostgreSQL and Redis, which
``scripts/test`` provides; with the embedded SQLite test database there is nothing to share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import Server, hub_server, shared_services_env
from tests.servers import shared_database_url as shared_database_url  # re-exported: gateways tests


@pytest.fixture(autouse=True)
def _own_layer(fresh_channel_layer: None) -> None:
    """The test process publishes through a layer of its own (see ``fresh_channel_layer``)."""


@pytest.fixture
def services(transactional_db: None) -> dict[str, str]:
    """The environment that points a hub server at the test's own database and Redis."""
    return shared_services_env()


@pytest.fixture
def server(services: dict[str, str], tmp_path: Path) -> Iterator[Server]:
    with hub_server(tmp_path / "a", services, "a") as running:
        yield running
