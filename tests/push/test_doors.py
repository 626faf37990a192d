"""The Web Push doors: the key to subscribe with, and a device's subscription: validation,
idempotency, and that nobody removes another member's devices."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client
from pytest_django import Settings

from hub.accounts.models import Member, Organization, Role
from hub.push.models import PushSubscription
from tests.conftest import login
from tests.factories import make_member
from tests.pushservice import Device, FakePushService, b64url

URL = "/api/push/subscriptions"


def post(client: Client, body: Any, **extra: Any) -> Any:
    return client.post(URL, body, content_type="application/json", **extra)


def delete(client: Client, body: Any) -> Any:
    return client.delete(URL, body, content_type="application/json")


def public_key(client: Client) -> str:
    response = client.get("/api/push/key")
    assert response.status_code == 200
    key: str = response.json()["public_key"]
    return key


def device(client: Client, service: FakePushService) -> Device:
    return Device(service, public_key(client))


def error_of(response: Any, status: int = 400) -> tuple[str, str]:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"]
    return error["code"], error["field"]


# -- the key -----------------------------------------------------------------------------------


def test_the_key_is_an_uncompressed_p256_point_and_stays_the_same(technician: Member) -> None:
    key = public_key(login(technician))
    point = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert "=" not in key
    assert (len(point), point[0]) == (65, 4)
    assert public_key(login(technician)) == key


def test_every_door_wants_a_login(db: None) -> None:
    client = Client()
    assert client.get("/api/push/key").status_code == 401
    assert post(client, {}).status_code == 401
    assert delete(client, {}).status_code == 401
    assert not PushSubscription.objects.exists()


# -- subscribing -------------------------------------------------------------------------------


def test_subscribe_then_again_updates_the_keys(
    technician: Member, push_service: FakePushService
) -> None:
    client = login(technician)
    phone = device(client, push_service)
    first = post(client, phone.subscription(), headers={"User-Agent": "Firefox/140 (Android)"})
    assert first.status_code == 201
    subscription = PushSubscription.objects.get()
    assert first.json() == {"id": subscription.pk}
    assert (subscription.organization_id, subscription.member) == (
        technician.organization_id,
        technician,
    )
    assert (subscription.endpoint, subscription.p256dh, subscription.auth) == (
        phone.endpoint,
        phone.p256dh,
        phone.auth,
    )
    assert subscription.user_agent == "Firefox/140 (Android)"
    assert subscription.last_success is None

    renewed = Device(push_service, public_key(client))
    again = post(client, {**renewed.subscription(), "endpoint": phone.endpoint})
    assert again.status_code == 200
    assert again.json() == {"id": subscription.pk}
    subscription.refresh_from_db()
    assert (subscription.p256dh, subscription.auth) == (renewed.p256dh, renewed.auth)
    assert PushSubscription.objects.count() == 1


def test_the_same_device_logged_in_as_someone_else_moves_to_them(
    technician: Member, other_org: Organization, push_service: FakePushService
) -> None:
    phone = device(login(technician), push_service)
    assert post(login(technician), phone.subscription()).status_code == 201
    elsewhere = make_member(other_org, Role.TECHNICIAN, handle="sven")
    answer = post(login(elsewhere), phone.subscription())
    assert answer.status_code == 200
    subscription = PushSubscription.objects.get()
    assert (subscription.organization_id, subscription.member) == (other_org.pk, elsewhere)


def test_keys_in_plain_base64_with_padding_are_taken_and_kept_as_base64url(
    technician: Member, push_service: FakePushService
) -> None:
    client = login(technician)
    phone = device(client, push_service)
    raw = base64.urlsafe_b64decode(phone.p256dh + "=")
    body = phone.subscription()
    body["keys"] = {
        "p256dh": base64.b64encode(raw).decode(),
        "auth": base64.b64encode(phone.auth_secret).decode(),
    }
    assert post(client, body).status_code == 201
    stored = PushSubscription.objects.get()
    assert (stored.p256dh, stored.auth) == (phone.p256dh, phone.auth)


def test_a_member_keeps_at_most_ten_devices(
    technician: Member, push_service: FakePushService
) -> None:
    client = login(technician)
    phones = [device(client, push_service) for _ in range(11)]
    for phone in phones:
        assert post(client, phone.subscription()).status_code == 201
    kept = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert kept == {phone.endpoint for phone in phones[1:]}


def valid(service: FakePushService, client: Client) -> dict[str, Any]:
    return device(client, service).subscription()


def point_off_the_curve() -> str:
    return b64url(b"\x04" + b"\x01" * 64)


BAD_BODIES: list[tuple[str, Any, str]] = [
    ("no endpoint", lambda body: {k: v for k, v in body.items() if k != "endpoint"}, "endpoint"),
    ("endpoint not text", lambda body: {**body, "endpoint": 42}, "endpoint"),
    ("empty endpoint", lambda body: {**body, "endpoint": ""}, "endpoint"),
    (
        "too long",
        lambda body: {**body, "endpoint": "https://push.example.com/" + "a" * 1024},
        "endpoint",
    ),
    ("not a URL", lambda body: {**body, "endpoint": "push me"}, "endpoint"),
    ("ftp", lambda body: {**body, "endpoint": "ftp://push.example.com/x"}, "endpoint"),
    ("http elsewhere", lambda body: {**body, "endpoint": "http://push.example.com/x"}, "endpoint"),
    ("private address", lambda body: {**body, "endpoint": "https://10.0.0.5/x"}, "endpoint"),
    ("link-local", lambda body: {**body, "endpoint": "https://169.254.169.254/latest"}, "endpoint"),
    ("internal name", lambda body: {**body, "endpoint": "https://redis:6379/x"}, "endpoint"),
    ("local name", lambda body: {**body, "endpoint": "https://printer.local/x"}, "endpoint"),
    (
        "credentials",
        lambda body: {**body, "endpoint": "https://a:b@push.example.com/x"},
        "endpoint",
    ),
    ("bad port", lambda body: {**body, "endpoint": "https://push.example.com:99999/x"}, "endpoint"),
    ("no keys", lambda body: {k: v for k, v in body.items() if k != "keys"}, "keys"),
    ("keys not an object", lambda body: {**body, "keys": "p256dh"}, "keys"),
    ("no p256dh", lambda body: {**body, "keys": {"auth": body["keys"]["auth"]}}, "keys.p256dh"),
    ("no auth", lambda body: {**body, "keys": {"p256dh": body["keys"]["p256dh"]}}, "keys.auth"),
    (
        "p256dh not base64",
        lambda body: {**body, "keys": {**body["keys"], "p256dh": "not base64!"}},
        "keys.p256dh",
    ),
    (
        "p256dh too short",
        lambda body: {**body, "keys": {**body["keys"], "p256dh": b64url(b"\x04" * 33)}},
        "keys.p256dh",
    ),
    (
        "p256dh off the curve",
        lambda body: {**body, "keys": {**body["keys"], "p256dh": point_off_the_curve()}},
        "keys.p256dh",
    ),
    (
        "auth of 15 bytes",
        lambda body: {**body, "keys": {**body["keys"], "auth": b64url(b"a" * 15)}},
        "keys.auth",
    ),
    ("unknown field", lambda body: {**body, "member": 1}, "member"),
]


@pytest.mark.parametrize(
    ("change", "field"),
    [pytest.param(change, field, id=name) for name, change, field in BAD_BODIES],
)
def test_bad_subscriptions_are_refused_naming_the_field(
    technician: Member, push_service: FakePushService, change: Any, field: str
) -> None:
    client = login(technician)
    response = post(client, change(valid(push_service, client)))
    assert error_of(response)[1] == field
    assert not PushSubscription.objects.exists()


def test_a_body_that_is_not_json_is_refused(technician: Member) -> None:
    response = login(technician).post(URL, "{", content_type="application/json")
    assert error_of(response)[0] == "bad_json"


def test_loopback_endpoints_only_when_allowed(
    technician: Member, push_service: FakePushService, settings: Settings
) -> None:
    client = login(technician)
    body = valid(push_service, client)
    settings.HUB_PUSH_ALLOW_HTTP_LOOPBACK = False
    assert error_of(post(client, body))[1] == "endpoint"
    https_loopback = {**body, "endpoint": body["endpoint"].replace("http:", "https:")}
    assert error_of(post(client, https_loopback))[1] == "endpoint"
    settings.HUB_PUSH_ALLOW_HTTP_LOOPBACK = True
    assert post(client, body).status_code == 201


def test_a_real_push_service_address_is_taken(technician: Member) -> None:
    client = login(technician)
    phone = Device(FakePushService(), public_key(client))
    endpoint = "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bH" + "x" * 140
    response = post(client, {**phone.subscription(), "endpoint": endpoint})
    assert response.status_code == 201
    assert PushSubscription.objects.get().endpoint == endpoint


# -- unsubscribing -----------------------------------------------------------------------------


def test_unsubscribe_removes_only_my_own(
    technician: Member,
    dispatcher: Member,
    other_org: Organization,
    push_service: FakePushService,
) -> None:
    mine, theirs, abroad = login(technician), login(dispatcher), None
    stranger = make_member(other_org, Role.TECHNICIAN, handle="sven")
    abroad = login(stranger)
    my_phone = device(mine, push_service)
    their_phone = device(theirs, push_service)
    foreign_phone = device(abroad, push_service)
    for client, phone in ((mine, my_phone), (theirs, their_phone), (abroad, foreign_phone)):
        assert post(client, phone.subscription()).status_code == 201

    assert error_of(delete(mine, {"endpoint": their_phone.endpoint}), 404) == (
        "not_found",
        "endpoint",
    )
    assert error_of(delete(mine, {"endpoint": foreign_phone.endpoint}), 404)[0] == "not_found"
    assert error_of(delete(mine, {"endpoint": "https://push.example.com/never"}), 404)
    assert error_of(delete(mine, {}))[1] == "endpoint"
    assert error_of(delete(mine, {"endpoint": my_phone.endpoint, "all": True}))[1] == "all"
    assert PushSubscription.objects.count() == 3

    answer = delete(mine, {"endpoint": my_phone.endpoint})
    assert answer.status_code == 204
    assert answer.content == b""
    remaining = set(PushSubscription.objects.values_list("member_id", flat=True))
    assert remaining == {dispatcher.pk, stranger.pk}
    assert error_of(delete(mine, {"endpoint": my_phone.endpoint}), 404)[0] == "not_found"
