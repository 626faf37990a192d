"""Web Push from a notification to the device: the member's preferences decide, the outbox
queues one push per device, and the real dispatcher sends it to a push service on loopback
that checks the request as real ones do. The test then reads the push as the browser would:
it verifies the VAPID JWT with the hub's public key and decrypts the body with the device's
own private key and auth secret."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _
from pytest_django import Settings

from hub.accounts.models import Member
from hub.gateways.outbox import Dispatcher
from hub.notify.models import Notification
from hub.outbox.models import Delivery, State
from hub.push.keys import private_key_text, public_key_text
from hub.push.models import PushSubscription
from hub.threads.actions.cases import do_assign_case
from hub.threads.models import Case, Event, EventKind
from tests.booking.helpers import at, plan
from tests.conftest import login
from tests.consumers.helpers import connected, run
from tests.factories import make_case, post
from tests.push.test_keys import given_key
from tests.pushservice import Device, FakePushService, Push, verify_vapid

URL = "/api/push/subscriptions"


@pytest.fixture(autouse=True)
def _quick_retries(settings: Settings) -> None:
    settings.HUB_OUTBOX_RETRY_BASE_SECONDS = 0.01
    settings.HUB_OUTBOX_RETRY_MAX_SECONDS = 0.02
    settings.HUB_PUSH_TTL_SECONDS = 3600


def subscribe(member: Member, service: FakePushService, key: str | None = None) -> Device:
    """A device of ``member`` subscribes through the doors, as the technician app does."""
    client = login(member)
    phone = Device(service, key or client.get("/api/push/key").json()["public_key"])
    response = client.post(URL, phone.subscription(), content_type="application/json")
    assert response.status_code == 201, response.content
    return phone


def switch_on(member: Member, *kinds: str, channel: str = "push") -> None:
    client: Client = login(member)
    rows = [{"kind": kind, "channel": channel, "enabled": True} for kind in kinds]
    response = client.put(
        "/api/notifications/preferences", {"preferences": rows}, content_type="application/json"
    )
    assert response.status_code == 200, response.content


def pushes_queued(**filters: Any) -> list[Delivery]:
    return list(Delivery.objects.filter(channel="push", **filters).order_by("id"))


def key_of_the_hub(member: Member) -> str:
    key: str = login(member).get("/api/push/key").json()["public_key"]
    return key


def in_language(language: str, text: str, **values: str) -> str:
    with translation.override(language):
        return _(text) % values


# -- preferences -------------------------------------------------------------------------------


def test_push_is_in_the_members_grid_and_off_until_they_switch_it_on(
    dispatcher: Member, technician: Member, push_service: FakePushService
) -> None:
    grid = login(technician).get("/api/notifications/preferences").json()
    assert "push" in [channel["value"] for channel in grid["channels"]]
    push_cells = [cell for cell in grid["preferences"] if cell["channel"] == "push"]
    assert push_cells
    assert all(not cell["enabled"] and not cell["delivered"] for cell in push_cells)

    subscribe(technician, push_service)
    case = make_case(dispatcher)
    post(dispatcher, case, "@lars kan du se på måleren?")
    assert Notification.objects.filter(member=technician, kind="mention").exists()
    assert pushes_queued() == []


def test_a_wanted_mention_queues_one_push_per_device_of_that_member_only(
    dispatcher: Member, technician: Member, push_service: FakePushService
) -> None:
    phone, tablet = subscribe(technician, push_service), subscribe(technician, push_service)
    subscribe(dispatcher, push_service)  # switched on too, but nobody mentions them
    switch_on(technician, "mention")
    switch_on(dispatcher, "mention", "assigned")
    case = make_case(dispatcher)
    message = post(dispatcher, case, "@lars kan du se på måleren?")

    queued = pushes_queued()
    devices = PushSubscription.objects.filter(member=technician).order_by("id")
    assert [d.recipient for d in queued] == [f"push:{device.pk}" for device in devices]
    assert {device.endpoint for device in devices} == {phone.endpoint, tablet.endpoint}
    for delivery in queued:
        assert (delivery.purpose, delivery.recipient_member, delivery.sent_by) == (
            "mention",
            technician,
            dispatcher,
        )
        assert (delivery.case, delivery.message, delivery.state) == (case, message, State.QUEUED)
        assert delivery.automatic

    # Assignment is not switched on for the technician: no push for it.
    do_assign_case(dispatcher, case, member=technician)
    assert len(pushes_queued()) == 2


def test_a_member_switched_off_gets_no_push(
    dispatcher: Member, technician: Member, push_service: FakePushService
) -> None:
    subscribe(technician, push_service)
    switch_on(technician, "mention")
    technician.is_active = False
    technician.save(update_fields=["is_active"])
    post(dispatcher, make_case(dispatcher), "@lars hei")
    assert pushes_queued() == []


# -- sending: the acceptance -------------------------------------------------------------------


def the_push(service: FakePushService, device: Device) -> Push:
    (push,) = [push for push in service.pushes if device.owns(push)]
    return push


@pytest.mark.django_db(transaction=True)
async def test_a_mention_reaches_the_device_encrypted_and_signed(
    dispatcher: Member, technician: Member, push_service: FakePushService
) -> None:
    technician.user.language = "en"
    await run(technician.user.save)
    phone = await run(subscribe, technician, push_service)
    await run(switch_on, technician, "mention")
    hub_key = await run(key_of_the_hub, technician)
    case: Case = await run(make_case, dispatcher, "Jordfeil i sikringsskapet")
    async with connected(dispatcher) as ws:
        before = int(time.time())
        message = await run(post, dispatcher, case, "@lars   kan du ringe\nkunden før 14?")
        await Dispatcher("w1").tick()
        update = await ws.until("delivery.updated", case_id=case.pk)

    push = the_push(push_service, phone)
    # RFC 8030 / 8188: the body is aes128gcm, the push service keeps it an hour.
    assert push.headers["content-encoding"] == "aes128gcm"
    assert push.headers["content-type"] == "application/octet-stream"
    assert push.headers["ttl"] == "3600"
    assert push.headers["urgency"] == "normal"
    assert "topic" not in push.headers
    # RFC 8292: vapid t=<JWT>, k=<the hub's public key>; the JWT verifies with that key.
    vapid = verify_vapid(push.headers["authorization"], push_service.origin)
    assert vapid.public_key == hub_key
    assert vapid.header == {"typ": "JWT", "alg": "ES256"}
    assert vapid.claims["aud"] == push_service.origin
    assert vapid.claims["sub"] == "mailto:drift@nordlys.example.no"
    assert before < vapid.claims["exp"] <= before + 24 * 3600 + 5
    # RFC 8291: only the device can read it.
    assert phone.decrypt(push) == {
        "title": "Kari Nordmann mentioned you",
        "body": f"{case.reference}: @lars kan du ringe kunden før 14?",
        "url": f"/m/cases/{case.pk}/",
        "tag": f"case-{case.pk}",
    }

    delivery = await run(Delivery.objects.get, channel="push", message=message)
    assert (delivery.state, delivery.attempts, delivery.error) == (State.SENT, 1, "")
    assert delivery.provider_id == f"{push_service.origin}/m/1"
    assert update["delivery"]["id"] == delivery.pk
    assert (update["delivery"]["channel"], update["delivery"]["state"]) == ("push", "sent")
    assert update["delivery"]["recipient_name"] == "Lars Berg"
    subscription = await run(PushSubscription.objects.get, endpoint=phone.endpoint)
    assert subscription.last_success is not None


@pytest.mark.django_db(transaction=True)
async def test_a_push_in_the_members_language(
    dispatcher: Member, technician: Member, push_service: FakePushService
) -> None:
    technician.user.language = "sv"
    await run(technician.user.save)
    phone = await run(subscribe, technician, push_service)
    await run(switch_on, technician, "mention")
    case = await run(make_case, dispatcher)
    await run(post, dispatcher, case, "@lars titta här")
    await Dispatcher("w1").tick()
    payload = phone.decrypt(the_push(push_service, phone))
    assert payload["title"] == in_language("sv", "%(actor)s mentioned you", actor="Kari Nordmann")


@pytest.mark.django_db(transaction=True)
async def test_bookings_added_and_changed_on_my_day(
    dispatcher: Member, technician: Member, push_service: FakePushService
) -> None:
    technician.user.language = "en"
    await run(technician.user.save)
    phone = await run(subscribe, technician, push_service)
    await run(switch_on, technician, "assigned", "booking_changed")
    case = await run(make_case, dispatcher, "Målerbytte")

    await run(plan, dispatcher, case, technician, at(10))
    await Dispatcher("w1").tick()
    (added,) = push_service.pushes
    assert phone.decrypt(added) == {
        "title": "Kari Nordmann assigned a case to you",
        "body": f"{case.reference} Målerbytte",
        "url": f"/m/cases/{case.pk}/",
        "tag": f"case-{case.pk}",
    }

    await run(plan, dispatcher, case, technician, at(13, 30), 2)
    await Dispatcher("w1").tick()
    _added, moved = push_service.pushes
    assert phone.decrypt(moved) == {
        "title": "Kari Nordmann changed a booking on your day",
        "body": f"{case.reference} Målerbytte · Fri, Oct 4 13:30\u201315:30",
        "url": f"/m/cases/{case.pk}/",
        "tag": f"case-{case.pk}",
    }
    # Only the newest state of a booking matters to a phone that was offline.
    assert (moved.headers["topic"], moved.headers["urgency"]) == (f"case-{case.pk}", "high")


# -- what the push service answers -------------------------------------------------------------


async def mention_sent(dispatcher: Member, text: str = "@lars hei") -> Case:
    case: Case = await run(make_case, dispatcher)
    await run(post, dispatcher, case, text)
    return case


async def until_settled(delivery_count: int, ticks: int = 50) -> list[Delivery]:
    worker = Dispatcher("w1")
    deliveries: list[Delivery] = []
    for _tick in range(ticks):
        await worker.tick()
        deliveries = await run(lambda: list(Delivery.objects.filter(channel="push").order_by("id")))
        if len(deliveries) == delivery_count and all(
            d.state in (State.SENT, State.FAILED) for d in deliveries
        ):
            break
        await asyncio.sleep(0.03)
    return deliveries


@pytest.mark.django_db(transaction=True)
async def test_a_gone_subscription_is_removed_and_the_other_devices_still_get_theirs(
    dispatcher: Member, technician: Member, push_service: FakePushService
) -> None:
    old_phone = await run(subscribe, technician, push_service)
    new_phone = await run(subscribe, technician, push_service)
    await run(switch_on, technician, "mention")
    push_service.expire(old_phone.endpoint)
    case = await mention_sent(dispatcher)

    gone, sent = await until_settled(2)
    assert (gone.state, gone.attempts) == (State.FAILED, 1)
    assert "410" in gone.error
    assert sent.state == State.SENT
    endpoints = await run(lambda: list(PushSubscription.objects.values_list("endpoint", flat=True)))
    assert endpoints == [new_phone.endpoint]
    assert [new_phone.owns(push) for push in push_service.pushes] == [True]
    # The case's log says so, as for any delivery that failed.
    failures = await run(
        lambda: list(Event.objects.filter(case=case, kind=EventKind.DELIVERY_FAILED))
    )
    assert len(failures) == 1


@pytest.mark.django_db(transaction=True)
async def test_429_and_5xx_are_tried_again(
    dispatcher: Member, technician: Member, push_service: FakePushService
) -> None:
    phone = await run(subscribe, technician, push_service)
    await run(switch_on, technician, "mention")
    push_service.fail_next(1, 429)
    push_service.fail_next(1, 503)
    await mention_sent(dispatcher, "@lars tredje gang er lykkens gang")
    (delivery,) = await until_settled(1)
    assert (delivery.state, delivery.attempts) == (State.SENT, 3)
    assert [a.status for a in push_service.attempts] == [429, 503, 201]
    assert phone.decrypt(the_push(push_service, phone))["body"].endswith(
        "@lars tredje gang er lykkens gang"
    )


@pytest.mark.django_db(transaction=True)
async def test_an_unreachable_push_service_is_tried_again(
    dispatcher: Member, technician: Member, push_service: FakePushService
) -> None:
    await run(subscribe, technician, push_service)
    await run(switch_on, technician, "mention")
    push_service.stop()
    await mention_sent(dispatcher)
    await Dispatcher("w1").tick()
    (delivery,) = await run(pushes_queued)
    assert delivery.state == State.QUEUED
    assert delivery.error.startswith("push service unreachable")
    push_service.start()
    (delivery,) = await until_settled(1)
    assert (delivery.state, delivery.attempts) == (State.SENT, 2)


@pytest.mark.django_db(transaction=True)
async def test_a_refusal_fails_at_once_with_the_reason_and_keeps_the_device(
    dispatcher: Member, technician: Member, push_service: FakePushService
) -> None:
    # Subscribed with another server's key: the push service refuses the hub's signature.
    stranger_key = (await run(key_of_the_hub, technician))[::-1]
    await run(subscribe, technician, push_service, stranger_key)
    await run(switch_on, technician, "mention")
    await mention_sent(dispatcher)
    (delivery,) = await until_settled(1)
    assert (delivery.state, delivery.attempts) == (State.FAILED, 1)
    assert delivery.error.startswith("push service HTTP 403: VAPID key does not match")
    assert await run(PushSubscription.objects.count) == 1


@pytest.mark.django_db(transaction=True)
async def test_a_device_that_left_or_changed_hands_before_the_send_gets_nothing(
    dispatcher: Member, technician: Member, push_service: FakePushService
) -> None:
    phone = await run(subscribe, technician, push_service)
    tablet = await run(subscribe, technician, push_service)
    await run(switch_on, technician, "mention")
    await mention_sent(dispatcher)

    def leave_and_hand_over() -> None:
        client = login(technician)
        response = client.delete(URL, {"endpoint": phone.endpoint}, content_type="application/json")
        assert response.status_code == 204
        # The dispatcher logs in on the technician's tablet: its pushes are theirs now.
        answer = login(dispatcher).post(URL, tablet.subscription(), content_type="application/json")
        assert answer.status_code == 200

    await run(leave_and_hand_over)
    deliveries = await until_settled(2)
    assert [(d.state, d.error) for d in deliveries] == [
        (State.FAILED, "The device no longer takes push notifications."),
    ] * 2
    assert push_service.attempts == []


@pytest.mark.django_db(transaction=True)
async def test_the_key_given_by_the_settings_signs(
    dispatcher: Member, technician: Member, push_service: FakePushService, settings: Settings
) -> None:
    key = given_key()
    settings.HUB_VAPID_PRIVATE_KEY = private_key_text(key)
    phone = await run(subscribe, technician, push_service)
    await run(switch_on, technician, "mention")
    await mention_sent(dispatcher)
    await Dispatcher("w1").tick()
    push = the_push(push_service, phone)
    assert verify_vapid(push.headers["authorization"], push_service.origin).public_key == (
        public_key_text(key)
    )
    assert phone.decrypt(push)["url"].startswith("/m/cases/")


@pytest.mark.django_db(transaction=True)
async def test_an_endpoint_the_rules_no_longer_allow_is_not_posted_to(
    dispatcher: Member, technician: Member, push_service: FakePushService, settings: Settings
) -> None:
    await run(subscribe, technician, push_service)
    await run(switch_on, technician, "mention")
    settings.HUB_PUSH_ALLOW_HTTP_LOOPBACK = False
    await mention_sent(dispatcher)
    (delivery,) = await until_settled(1)
    assert (delivery.state, delivery.attempts) == (State.FAILED, 1)
    assert (
        delivery.error == "The endpoint must be the https address a push service gave this device."
    )
    assert push_service.attempts == []
