"""The staff socket through the real ASGI stack: who may connect, and every event the server
pushes (case.created, case.updated, message.created, read.updated, mention, notification,
typing, viewing), each to the sockets that should have it and to no other.

Client frames are in ``test_staff_frames``, isolation in ``test_staff_isolation``, resume in
``test_staff_resume``."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from hub.accounts.middleware import SESSION_ORGANIZATION_KEY
from hub.accounts.models import Member, Organization, Role, Team, User
from hub.consumers import staff
from hub.threads.actions.cases import (
    do_assign_case,
    do_change_status,
    do_set_customer_channel,
)
from hub.threads.actions.messages import do_mark_read, do_receive_customer_message
from hub.threads.models import Audience, Status
from tests.consumers.helpers import QUIET, communicator, connected, run, session_cookie, types
from tests.factories import PASSWORD, make_case, make_customer_case, make_member, post

pytestmark = pytest.mark.django_db(transaction=True)


async def assert_closed_as_not_a_member(wire: Any) -> None:
    """Accepted, then closed with the code that tells a client not to retry with this session
    (a browser cannot read why a handshake was refused, but it can read a close code)."""
    accepted, _subprotocol = await wire.connect()
    assert accepted
    assert await wire.receive_output() == {"type": "websocket.close", "code": 4401}
    await wire.disconnect()  # what the server does once the client has the close


# -- Connecting ---------------------------------------------------------------------------------


async def test_without_a_session_the_socket_is_accepted_then_closed_4401() -> None:
    await assert_closed_as_not_a_member(communicator(cookie=None))


async def test_a_session_that_is_not_logged_in_is_closed_4401() -> None:
    await assert_closed_as_not_a_member(communicator(cookie="not-a-session-key"))


async def test_a_member_who_was_deactivated_is_closed_4401(dispatcher: Member) -> None:
    cookie = await session_cookie(dispatcher)
    dispatcher.is_active = False
    await run(dispatcher.save, update_fields=["is_active"])
    await assert_closed_as_not_a_member(communicator(cookie=cookie))


def _login_without_membership() -> str:
    User.objects.create_user(username="nomember", password=PASSWORD)
    client = Client()
    assert client.login(username="nomember", password=PASSWORD)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


async def test_a_user_who_is_member_of_no_organisation_is_closed_4401() -> None:
    await assert_closed_as_not_a_member(communicator(cookie=await run(_login_without_membership)))


@pytest.mark.parametrize("origin", ["http://evil.example", "http://localhost.evil.example", None])
async def test_a_foreign_origin_is_refused_at_the_handshake(
    dispatcher: Member, origin: str | None
) -> None:
    """Another site cannot open a socket with a staff member's cookie."""
    wire = communicator(cookie=await session_cookie(dispatcher), origin=origin)
    accepted, _code = await wire.connect()
    assert not accepted
    await wire.disconnect()


async def test_hello_names_the_member_and_organisation(dispatcher: Member) -> None:
    async with connected(dispatcher) as ws:
        assert ws.hello == {
            "type": "hello",
            "member_id": dispatcher.pk,
            "organization_id": dispatcher.organization_id,
        }
        await ws.assert_nothing()


def _login_in_organisation(member: Member, organization: Organization) -> str:
    client = Client()
    assert client.login(username=member.user.username, password=PASSWORD)
    session = client.session
    session[SESSION_ORGANIZATION_KEY] = organization.pk
    session.save()
    return str(session.session_key)


async def test_a_member_of_two_organisations_works_in_the_one_chosen_in_the_session(
    dispatcher: Member, other_org: Organization, outsider: Member
) -> None:
    second = await run(make_member, other_org, Role.DISPATCHER, handle="kari", user=dispatcher.user)
    wire = communicator(cookie=await run(_login_in_organisation, dispatcher, other_org))
    assert (await wire.connect())[0]
    hello = await wire.receive_json_from()
    assert hello == {"type": "hello", "member_id": second.pk, "organization_id": other_org.pk}
    case = await run(make_case, outsider, "Lekkasje")
    assert (await wire.receive_json_from())["case_id"] == case.pk
    await run(make_case, dispatcher, "I hjemmefirmaet")
    assert await wire.receive_nothing(timeout=QUIET)
    await wire.disconnect()


# -- case.created, case.updated -----------------------------------------------------------------


async def test_case_created_reaches_the_inbox(dispatcher: Member, colleague: Member) -> None:
    async with connected(colleague) as ws:
        case = await run(make_case, dispatcher, "Jordfeil")
        frame = await ws.next()
        assert frame["type"] == "case.created"
        assert frame["organization_id"] == dispatcher.organization_id
        assert frame["case_id"] == case.pk
        assert frame["case"]["id"] == case.pk
        assert frame["case"]["title"] == "Jordfeil"
        assert frame["case"]["reference"] == case.reference
        assert frame["case"]["status"] == "open"
        await ws.assert_nothing()


async def test_a_status_change_reaches_the_inbox_once_even_with_the_case_open(
    dispatcher: Member, colleague: Member
) -> None:
    """The event comes through the inbox group and the case group; the socket passes it on
    once."""
    case = await run(make_case, dispatcher)
    async with connected(colleague) as ws:
        await ws.open(case.pk)
        await run(do_change_status, dispatcher, case, Status.RESOLVED)
        updates = await ws.of_type("case.updated")
        assert len(updates) == 1
        assert updates[0]["case_id"] == case.pk
        assert updates[0]["changes"] == ["status"]
        assert updates[0]["case"]["status"] == "resolved"


async def test_assignment_tells_the_new_and_the_previous_assignee(
    dispatcher: Member, technician: Member, other_technician: Member
) -> None:
    case = await run(make_case, dispatcher, assignee_member=technician)
    async with connected(technician) as before, connected(other_technician) as after:
        await run(do_assign_case, dispatcher, case, member=other_technician)
        for ws in (before, after):
            frame = await ws.until("case.updated")
            assert frame["case_id"] == case.pk
            assert frame["changes"] == ["assignee"]
            assert frame["case"]["assignee"] == {
                "kind": "member",
                "id": other_technician.pk,
                "name": other_technician.display_name,
            }
        # The case left the first technician: its next message is for the new assignee only.
        await run(post, dispatcher, case, "Ny montør på saken")
        assert "message.created" in types(await after.drain())
        await before.assert_nothing()


async def test_assignment_to_a_team_reaches_the_team(
    dispatcher: Member, technician: Member, crew: Team
) -> None:
    case = await run(make_case, dispatcher)
    async with connected(technician) as ws:
        await run(do_assign_case, dispatcher, case, team=crew)
        frame = await ws.until("case.updated")
        assert frame["case"]["assignee"] == {"kind": "team", "id": crew.pk, "name": crew.name}


async def test_customer_channel_off_and_on(dispatcher: Member, colleague: Member) -> None:
    case = await run(make_customer_case, dispatcher)
    async with connected(colleague) as ws:
        await run(do_set_customer_channel, dispatcher, case, False)
        off = await ws.next()
        await run(do_set_customer_channel, dispatcher, case, True)
        on = await ws.next()
        assert [(f["type"], f["changes"], f["case"]["customer_channel"]) for f in (off, on)] == [
            ("case.updated", ["customer_channel"], False),
            ("case.updated", ["customer_channel"], True),
        ]


# -- message.created ----------------------------------------------------------------------------


async def test_customer_and_internal_messages_reach_staff(
    dispatcher: Member, colleague: Member
) -> None:
    case = await run(make_customer_case, dispatcher)
    async with connected(colleague) as ws:
        await run(post, dispatcher, case, "Vi kommer tirsdag.", Audience.CUSTOMER)
        await run(post, dispatcher, case, "Husk nøkkel hos naboen.", Audience.INTERNAL)
        await run(do_receive_customer_message, case, case.contact, text="Takk!", channel="email")
        created = await ws.of_type("message.created")
        assert [
            (
                f["case_id"],
                f["message"]["audience"],
                f["message"]["direction"],
                f["message"]["text"],
            )
            for f in created
        ] == [
            (case.pk, "customer", "out", "Vi kommer tirsdag."),
            (case.pk, "internal", "out", "Husk nøkkel hos naboen."),
            (case.pk, "customer", "in", "Takk!"),
        ]
        # Each carries the case as it is after the message: the inbox row needs no query.
        assert [f["case"]["last_message_id"] for f in created] == [
            f["message"]["id"] for f in created
        ]
        assert created[1]["message"]["author"] == {
            "kind": "member",
            "id": dispatcher.pk,
            "name": dispatcher.display_name,
        }
        assert created[2]["message"]["author"]["kind"] == "contact"


# -- read.updated -------------------------------------------------------------------------------


async def test_read_updated_reaches_the_reader_and_the_case_viewers_only(
    dispatcher: Member, colleague: Member, admin_member: Member
) -> None:
    """The reader's own sockets get their unread count; whoever has the case open sees the
    marker move; the rest of the inbox hears nothing."""
    case = await run(make_case, dispatcher)
    first = await run(post, dispatcher, case, "En")
    await run(post, dispatcher, case, "To")
    async with (
        connected(colleague) as reader,
        connected(dispatcher) as viewer,
        connected(admin_member) as bystander,
    ):
        await viewer.open(case.pk)
        await run(do_mark_read, colleague, case, first.pk)
        expected = {
            "type": "read.updated",
            "organization_id": case.organization_id,
            "case_id": case.pk,
            "member_id": colleague.pk,
            "last_read_message_id": first.pk,
            "unread_count": 1,
        }
        assert await reader.next() == expected
        assert await viewer.until("read.updated") == expected
        await bystander.assert_nothing()


# -- mention, notification ----------------------------------------------------------------------


async def test_a_mention_reaches_only_the_mentioned_members_sockets(
    dispatcher: Member, colleague: Member, admin_member: Member
) -> None:
    case = await run(make_case, dispatcher)
    async with (
        connected(colleague) as tab1,
        connected(colleague) as tab2,
        connected(admin_member) as other,
        connected(dispatcher) as author,
    ):
        message = await run(post, dispatcher, case, "@ola kan du ta denne?")
        for tab in (tab1, tab2):
            frame = await tab.until("mention")
            assert frame["member_id"] == colleague.pk
            assert frame["case_id"] == case.pk
            assert frame["message"]["id"] == message.pk
            assert frame["message"]["mentions"] == [colleague.pk]
        assert "mention" not in types(await other.drain())
        assert "mention" not in types(await author.drain(quiet=0))


async def test_no_mention_from_a_customer_message(dispatcher: Member, colleague: Member) -> None:
    """Handles are resolved in internal notes only."""
    case = await run(make_customer_case, dispatcher)
    async with connected(colleague) as ws:
        await run(post, dispatcher, case, "Hilsen @ola", Audience.CUSTOMER)
        assert types(await ws.drain()) == ["message.created"]


async def test_a_mention_makes_a_notification_on_the_mentioned_members_socket(
    dispatcher: Member, colleague: Member, admin_member: Member
) -> None:
    case = await run(make_case, dispatcher)
    async with connected(colleague) as mentioned, connected(admin_member) as other:
        message = await run(post, dispatcher, case, "@ola se her")
        frame = await mentioned.until("notification")
        assert frame["member_id"] == colleague.pk
        assert frame["unseen_count"] == 1
        assert frame["notification"]["kind"] == "mention"
        assert frame["notification"]["case"]["id"] == case.pk
        assert frame["notification"]["message_id"] == message.pk
        assert frame["notification"]["actor"]["id"] == dispatcher.pk
        assert "notification" not in types(await other.drain())


# -- typing -------------------------------------------------------------------------------------


async def test_typing_reaches_other_viewers_not_the_typer(
    dispatcher: Member, colleague: Member, admin_member: Member
) -> None:
    case = await run(make_case, dispatcher)
    async with (
        connected(dispatcher) as typer,
        connected(colleague) as viewer,
        connected(admin_member) as inbox_only,
    ):
        await typer.open(case.pk)
        await viewer.open(case.pk)
        await typer.drain(quiet=0.1)
        await viewer.drain(quiet=0.1)
        await typer.send({"type": "typing", "case_id": case.pk})
        assert await viewer.next() == {
            "type": "typing",
            "case_id": case.pk,
            "member": {"id": dispatcher.pk, "name": dispatcher.display_name},
        }
        await typer.assert_nothing()
        await inbox_only.assert_nothing(quiet=0)


async def test_typing_is_throttled(
    dispatcher: Member, colleague: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff, "TYPING_INTERVAL", 0.5)
    case = await run(make_case, dispatcher)
    async with connected(dispatcher) as typer, connected(colleague) as viewer:
        await typer.open(case.pk)
        await viewer.open(case.pk)
        await viewer.drain(quiet=0.1)
        for _keystroke in range(5):
            await typer.send({"type": "typing", "case_id": case.pk})
        assert types(await viewer.drain()) == ["typing"]
        await asyncio.sleep(0.3)  # past the interval, counted from the first keystroke
        await typer.send({"type": "typing", "case_id": case.pk})
        assert types(await viewer.drain()) == ["typing"]


# -- viewing ------------------------------------------------------------------------------------


async def test_viewing_lists_the_others_with_the_case_open(
    dispatcher: Member, colleague: Member, admin_member: Member
) -> None:
    case = await run(make_case, dispatcher)
    kari = {"id": dispatcher.pk, "name": dispatcher.display_name}
    ola = {"id": colleague.pk, "name": colleague.display_name}
    ingrid = {"id": admin_member.pk, "name": admin_member.display_name}
    async with connected(dispatcher) as first, connected(colleague) as second:
        await first.open(case.pk)
        await first.assert_nothing(quiet=0.1)  # alone: nobody to warn about
        await second.open(case.pk)
        assert await first.next() == {"type": "viewing", "case_id": case.pk, "members": [ola]}
        assert await second.next() == {"type": "viewing", "case_id": case.pk, "members": [kari]}

        async with connected(admin_member) as third:
            await third.open(case.pk)
            assert (await third.until("viewing"))["members"] in ([kari], [ola])
            # One answer from each of the others; the list is sorted by name.
            assert (await third.until("viewing"))["members"] == [kari, ola]
            assert (await first.next())["members"] == [ingrid, ola]
            assert (await second.next())["members"] == [ingrid, kari]
        # Disconnecting closes the case for the others too.
        assert (await first.next())["members"] == [ola]
        assert (await second.next())["members"] == [kari]

        assert (await second.ask({"type": "close", "case_id": case.pk}))["type"] == "closed"
        assert await first.next() == {"type": "viewing", "case_id": case.pk, "members": []}
        await second.assert_nothing(quiet=0.1)


async def test_a_members_second_tab_is_not_a_collision(dispatcher: Member) -> None:
    case = await run(make_case, dispatcher)
    async with connected(dispatcher) as tab1, connected(dispatcher) as tab2:
        await tab1.open(case.pk)
        await tab2.open(case.pk)
        assert await tab1.next() == {"type": "viewing", "case_id": case.pk, "members": []}
        assert await tab2.next() == {"type": "viewing", "case_id": case.pk, "members": []}
