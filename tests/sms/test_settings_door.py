"""The administrator's SMS settings: provider, account, secret (written, never read back), the
virtual number customers answer, the sender name of SMS that cannot be answered, the price."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Member, Organization
from hub.sms.models import SmsSettings
from tests.conftest import login

pytestmark = pytest.mark.django_db


def put(client: Client, data: dict[str, Any]) -> Any:
    return client.put("/api/settings/sms", json.dumps(data), content_type="application/json")


def test_an_administrator_sets_up_sms(admin_member: Member) -> None:
    client = login(admin_member)
    first = client.get("/api/settings/sms").json()
    assert first["provider"] == "dev"
    assert first["replies_possible"] is True  # the phone simulator answers

    answer = put(
        client,
        {
            "provider": "46elks",
            "account": " u123 ",
            "secret": "hemmelig",
            "virtual_number": "466 12 345",
            "sender_name": "Nordlys",
            "price_per_segment": "0.45",
        },
    )
    assert answer.status_code == 200, answer.content
    saved = answer.json()
    assert saved["account"] == "u123"
    assert saved["secret_set"] is True
    assert "hemmelig" not in answer.content.decode()
    assert saved["virtual_number"] == "+4746612345"
    assert saved["sender_name"] == "Nordlys"
    assert saved["replies_possible"] is True
    assert saved["price_per_segment"] == "0.45"
    assert Organization.objects.get(pk=admin_member.organization_id).sms_sender_name == "Nordlys"

    answer = put(client, {"virtual_number": ""})
    assert answer.json()["replies_possible"] is False
    assert answer.json()["secret_set"] is True  # left out: kept


def test_a_bad_sender_name_is_refused_and_nothing_changes(admin_member: Member) -> None:
    client = login(admin_member)
    answer = put(client, {"account": "u9", "sender_name": "Nordlys Elektro AS"})
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "sender_name"
    assert Organization.objects.get(pk=admin_member.organization_id).sms_sender_name == ""
    assert not SmsSettings.objects.filter(account="u9").exists()
    assert put(client, {"sender_name": ""}).json()["sender_name"] == ""


def test_only_administrators_see_the_sms_settings(dispatcher: Member) -> None:
    client = login(dispatcher)
    assert client.get("/api/settings/sms").status_code == 403
    assert put(client, {"sender_name": "Nope"}).status_code == 403
