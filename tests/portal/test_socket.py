"""The portal socket through the real ASGI stack, as an open portal page holds it: only its
case's customer messages, in the customer's shape; never an internal note; closed at once when
the contact is locked or the case hidden; nothing without a portal session."""

from __future__ import annotations

from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings

from hub.accounts.models import Member
from hub.asgi import application
from hub.threads.actions.cases import do_set_portal_visible
from hub.threads.actions.messages import do_receive_customer_message
from hub.threads.models import Audience, Case, Channel
from tests.consumers.helpers import ARRIVES, QUIET, run, session_cookie
from tests.factories import post
from tests.portal.helpers import lock, portal_case, portal_client

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

ORIGIN = "http://localhost"


def _portal_cookie(member: Member, case: Case) -> str:
    client = portal_client(member, case)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def socket(cookie: str | None, origin: str = ORIGIN) -> Any:
    headers = [(b"origin", origin.encode())]
    if cookie is not None:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application, "/ws/portal/", headers=headers)


async def connected(cookie: str) -> Any:
    wire = socket(cookie)
    accepted, _protocol = await wire.connect()
    assert accepted
    assert await wire.receive_json_from(timeout=ARRIVES) == {"type": "hello"}
    return wire


async def assert_closed(wire: Any, code: int) -> None:
    assert await wire.receive_output(timeout=ARRIVES) == {"type": "websocket.close", "code": code}


async def test_a_new_customer_message_arrives_in_the_customers_shape(
    dispatcher: Member, technician: Member
) -> None:
    case = await run(portal_case, dispatcher)
    other = await run(portal_case, dispatcher, "Annen sak")
    wire = await connected(await run(_portal_cookie, dispatcher, case))
    await run(post, dispatcher, case, "Kunden har hund", Audience.INTERNAL)
    await run(post, dispatcher, other, "Til en annen kunde", Audience.CUSTOMER)
    assert await wire.receive_nothing(timeout=QUIET)
    message = await run(post, dispatcher, case, "Vi kommer kl. 10.", Audience.CUSTOMER)
    frame = await wire.receive_json_from(timeout=ARRIVES)
    assert frame["type"] == "message"
    assert frame["booking"] is None
    shown = frame["message"]
    assert shown["id"] == message.pk
    assert shown["text"] == "Vi kommer kl. 10."
    assert shown["author"] == "Kari"
    assert "deliveries" not in shown
    assert "case" not in frame
    # The customer's own reply from another channel comes too.
    assert case.contact is not None
    await run(do_receive_customer_message, case, case.contact, text="Takk!", channel=Channel.SMS)
    frame = await wire.receive_json_from(timeout=ARRIVES)
    assert frame["message"]["text"] == "Takk!"
    assert frame["message"]["mine"] is True
    await wire.disconnect()


async def test_locking_the_contact_closes_the_socket(dispatcher: Member) -> None:
    case = await run(portal_case, dispatcher)
    wire = await connected(await run(_portal_cookie, dispatcher, case))
    await run(lock, dispatcher, case)
    await assert_closed(wire, 4403)
    await wire.disconnect()


async def test_hiding_the_case_closes_the_socket(dispatcher: Member) -> None:
    case = await run(portal_case, dispatcher)
    wire = await connected(await run(_portal_cookie, dispatcher, case))
    await run(do_set_portal_visible, dispatcher, case, False)
    await assert_closed(wire, 4403)
    await wire.disconnect()


async def test_without_a_portal_session_the_socket_closes_4401(dispatcher: Member) -> None:
    for cookie in (None, "not-a-session", await session_cookie(dispatcher)):
        wire = socket(cookie)
        accepted, _protocol = await wire.connect()
        assert accepted
        await assert_closed(wire, 4401)
        await wire.disconnect()


async def test_a_locked_contact_cannot_connect(dispatcher: Member) -> None:
    case = await run(portal_case, dispatcher)
    cookie = await run(_portal_cookie, dispatcher, case)
    await run(lock, dispatcher, case)
    wire = socket(cookie)
    accepted, _protocol = await wire.connect()
    assert accepted
    await assert_closed(wire, 4401)
    await wire.disconnect()


async def test_another_site_cannot_open_it(dispatcher: Member) -> None:
    case = await run(portal_case, dispatcher)
    wire = socket(await run(_portal_cookie, dispatcher, case), origin="https://evil.example")
    accepted, _protocol = await wire.connect()
    assert not accepted
