"""The technician app's page shell: one page for every address under /m/, carrying what the
staff app's shell carries (so the staff app's modules read it as they are), the manifest in the
member's language, and never kept by a shared cache."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Member
from tests.conftest import login

pytestmark = pytest.mark.django_db
BOOT = re.compile(r'<script id="boot" type="application/json">(.*?)</script>', re.DOTALL)


def boot_of(html: str) -> Any:
    found = BOOT.search(html)
    assert found is not None
    return json.loads(found.group(1))


def test_the_app_wants_a_login() -> None:
    answer = Client().get("/m/cases/7/")
    assert answer.status_code == 302
    assert answer["Location"] == "/login/?next=/m/cases/7/"


def test_every_address_in_the_app_is_the_same_shell(technician: Member) -> None:
    client = login(technician)
    pages = [client.get(path) for path in ("/m/", "/m/cases/7/", "/m/day/2030-10-04/")]
    assert [page.status_code for page in pages] == [200, 200, 200]
    # The same page but for the logout form's CSRF token, masked anew each time.
    token = re.compile(r'name="csrfmiddlewaretoken" value="\w+"')
    assert len({token.sub("", page.content.decode()) for page in pages}) == 1
    page = pages[0]
    assert page["Cache-Control"] == "private, no-cache"
    html = page.content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest?l=nb">' in html
    assert re.search(r'<script src="/jsi18n/\?l=nb&amp;v=\w+"></script>', html)
    assert '<script type="module" src="/static/m/app.js"></script>' in html
    boot = boot_of(html)
    assert boot["member"]["id"] == technician.pk
    assert boot["member"]["role"] == "technician"
    assert boot["organization"]["time_zone"] == "Europe/Oslo"
    assert [m["handle"] for m in boot["colleagues"]["members"]] == ["lars"]
    assert ["planned", "Planlagt"] in boot["choices"]["booking_state"]


def test_the_shell_carries_what_the_staff_apps_does(technician: Member) -> None:
    client = login(technician)
    staff = boot_of(client.get("/").content.decode())
    mobile = boot_of(client.get("/m/").content.decode())
    assert set(mobile) == set(staff) - {"inbox"}
    assert mobile["member"] == staff["member"]
    assert mobile["choices"] == staff["choices"]
