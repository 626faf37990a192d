from __future__ import annotations

from pathlib import Path

import pytest
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
