"""Nothing leaks: not across organisations (0 frames), not from an internal note to a
customer-facing group, not to a technician from cases that are not theirs."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.layers import get_channel_layer

from hub.accounts.models import Member, Organization, Role, Team
from hub.events import portal_case_group
from hub.threads.actions.cases import (
    do_assign_case,
    do_change_status,
    do_create_case,
    do_set_customer_channel,
)
from hub.threads.actions.messages import do_mark_read, do_receive_customer_message
from hub.threads.models import Audience, Case, Message, Status
from tests.consumers.helpers import QUIET, Frame, connected, run, types
from tests.factories import (
    make_case,
    make_contact,
    make_customer,
    make_member,
    make_team,
    post,
)

pytestmark = pytest.mark.django_db(transaction=True)


def case_of(frame: Frame) -> int:
    if frame["type"].startswith("notification"):
        return int(frame["notification"]["case"]["id"])
    return int(frame["case_id"])


def _portal_case(actor: Member) -> Case:
    customer = make_customer(actor.organization, "Britt Holm")
    return do_create_case(
        actor,
        title="Varmepumpe ryker",
        customer=customer,
        contact=make_contact(customer),
        customer_channel=True,
        portal_visible=True,
    )


# -- Across organisations -----------------------------------------------------------------------


async def test_a_member_hears_nothing_of_another_organisation(
    dispatcher: Member, admin_member: Member, other_org: Organization, outsider: Member
) -> None:
    """Organisation B does everything there is to do while A's staff are connected: A's
    sockets get 0 frames. B's own socket hears it all, so the test is not vacuous."""
    fitter = await run(make_member, other_org, Role.TECHNICIAN, handle="kari", name="Kari Berg")
    await run(make_team, other_org, "Rør", fitter)
    async with (
        connected(dispatcher) as a_dispatcher,
        connected(admin_member) as a_admin,
        connected(outsider) as b_admin,
        connected(fitter) as b_fitter,
    ):
        case = await run(_portal_case, outsider)
        await b_admin.open(case.pk)
        await run(do_assign_case, outsider, case, member=fitter)
        await b_fitter.open(case.pk)
        await b_fitter.send({"type": "typing", "case_id": case.pk})
        await run(post, outsider, case, "Vi kommer i morgen.", Audience.CUSTOMER)
        # @kari is a handle in both organisations: only B's Kari is mentioned.
        note = await run(post, outsider, case, "@kari ta med termografikamera")
        await run(do_receive_customer_message, case, case.contact, text="Takk", channel="sms")
        await run(do_mark_read, fitter, case, note.pk)
        await run(do_change_status, outsider, case, Status.PENDING)
        await run(do_set_customer_channel, outsider, case, False)
        ack = await b_admin.ask(
            {
                "type": "post",
                "case_id": case.pk,
                "audience": "internal",
                "text": "Over socket",
                "client_id": "b-1",
            }
        )
        assert ack["created"] is True
        await b_admin.send({"type": "close", "case_id": case.pk})
        await run(make_case, outsider, "Enda en sak")

        await b_admin.drain()
        await b_fitter.drain(quiet=0)
        assert {
            "case.created",
            "case.updated",
            "message.created",
            "read.updated",
            "viewing",
            "typing",
        } <= set(types(b_admin.received))
        assert {"mention", "notification", "viewing"} <= set(types(b_fitter.received))
        await a_dispatcher.assert_nothing(quiet=0)
        await a_admin.assert_nothing(quiet=0)


async def test_a_member_cannot_open_post_read_or_type_in_another_organisations_case(
    dispatcher: Member, outsider: Member
) -> None:
    theirs = await run(make_case, outsider, "Deres sak")
    message = await run(post, outsider, theirs, "Deres melding")
    async with connected(dispatcher) as ws:
        frames: list[Frame] = [
            {"type": "open", "case_id": theirs.pk, "since": 0},
            {
                "type": "post",
                "case_id": theirs.pk,
                "audience": "internal",
                "text": "Inntrenger",
                "client_id": "x",
            },
            {"type": "read", "case_id": theirs.pk, "message_id": message.pk},
            {"type": "typing", "case_id": theirs.pk},
            {"type": "sync", "since": "2000-01-01T00:00:00+00:00"},
        ]
        answers = [await ws.ask(frame) for frame in frames]
        assert [(a["type"], a.get("code")) for a in answers] == [
            ("error", "not_found"),
            ("error", "not_found"),
            ("error", "not_found"),
            ("error", "bad_frame"),  # a case that was never opened here
            ("inbox.sync", None),
        ]
        assert answers[-1]["cases"] == []
        assert await run(lambda: list(Message.objects.values_list("text", flat=True))) == [
            "Deres melding"
        ]
        await run(post, outsider, theirs, "Fortsatt deres")
        await ws.assert_nothing()


# -- Internal notes and the customer-facing group ------------------------------------------------


async def test_an_internal_note_never_reaches_the_customer_facing_group(
    dispatcher: Member, colleague: Member
) -> None:
    """Listen on the portal's group with the channel layer, as the portal consumer will: the
    customer messages arrive, the internal note and the staff-only events do not."""
    case = await run(_portal_case, dispatcher)
    layer = get_channel_layer()
    assert layer is not None
    portal = await layer.new_channel()
    await layer.group_add(portal_case_group(case.organization_id, case.pk).name, portal)
    try:
        async with connected(colleague) as staff:
            note = await run(post, dispatcher, case, "@ola kunden betaler sent, ta forskudd")
            await run(do_change_status, dispatcher, case, Status.PENDING)
            await run(do_mark_read, colleague, case, note.pk)
            reply = await run(post, dispatcher, case, "Vi kommer torsdag.", Audience.CUSTOMER)
            incoming, _new = await run(
                do_receive_customer_message, case, case.contact, text="Fint", channel="portal"
            )
            staff_heard = await staff.drain()

        received = []
        while True:
            try:
                envelope = await asyncio.wait_for(layer.receive(portal), QUIET)
            except TimeoutError:
                break
            received.append(json.loads(envelope["text"]))
    finally:
        await layer.group_discard(portal_case_group(case.organization_id, case.pk).name, portal)

    assert [(e["type"], e["message"]["id"], e["message"]["audience"]) for e in received] == [
        ("message.created", reply.pk, "customer"),
        ("message.created", incoming.pk, "customer"),
    ]
    # The staff socket had all of it, the note included.
    notes = [f for f in staff_heard if f["type"] == "message.created"]
    assert [f["message"]["id"] for f in notes] == [note.pk, reply.pk, incoming.pk]
    assert {"mention", "case.updated", "read.updated"} <= set(types(staff_heard))


async def test_a_message_on_a_case_hidden_from_the_portal_reaches_no_customer_group(
    dispatcher: Member,
) -> None:
    case = await run(_portal_case, dispatcher)
    await run(lambda: Case.objects.filter(pk=case.pk).update(portal_visible=False))
    case.portal_visible = False
    layer = get_channel_layer()
    assert layer is not None
    portal = await layer.new_channel()
    group = portal_case_group(case.organization_id, case.pk).name
    await layer.group_add(group, portal)
    try:
        await run(post, dispatcher, case, "Til kunden, men ikke i portalen", Audience.CUSTOMER)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(layer.receive(portal), QUIET)
    finally:
        await layer.group_discard(group, portal)


# -- Technicians --------------------------------------------------------------------------------


async def test_a_technician_hears_of_their_own_and_their_teams_cases_only(
    org: Organization, dispatcher: Member, technician: Member, other_technician: Member, crew: Team
) -> None:
    """A technician is not in the inbox group: only their member and team groups bring them
    events, so the cases of others never reach them."""
    other_team = await run(make_team, org, "Elektro", other_technician)
    async with connected(technician) as ws:
        mine = await run(make_case, dispatcher, "Min", assignee_member=technician)
        teams = await run(make_case, dispatcher, "Teamets", assignee_team=crew)
        others = [
            await run(make_case, dispatcher, "Ingen sin"),
            await run(make_case, dispatcher, "Pers", assignee_member=other_technician),
            await run(make_case, dispatcher, "Elektro", assignee_team=other_team),
        ]
        for case in (mine, teams, *others):
            await run(post, dispatcher, case, f"Nytt på {case.title}")
            await run(do_change_status, dispatcher, case, Status.PENDING)
        heard = await ws.drain()

    assert sorted({case_of(frame) for frame in heard}) == sorted([mine.pk, teams.pk])
    for case in (mine, teams):
        assert [
            f["type"] for f in heard if f["type"] != "notification" and f["case_id"] == case.pk
        ] == ["case.created", "message.created", "case.updated"]


async def test_a_technician_assigned_later_starts_hearing_of_the_case(
    dispatcher: Member, technician: Member
) -> None:
    case = await run(make_case, dispatcher)
    async with connected(technician) as ws:
        await run(post, dispatcher, case, "Før tildeling")
        await ws.assert_nothing()
        await run(do_assign_case, dispatcher, case, member=technician)
        await ws.until("case.updated", case_id=case.pk)
        await run(post, dispatcher, case, "Etter tildeling")
        created = await ws.until("message.created")
        assert created["message"]["text"] == "Etter tildeling"


async def test_a_technician_who_loses_an_open_case_stops_hearing_it(
    dispatcher: Member, technician: Member, other_technician: Member
) -> None:
    case = await run(make_case, dispatcher, assignee_member=technician)
    async with connected(technician) as ws:
        await ws.open(case.pk)
        await run(do_assign_case, dispatcher, case, member=other_technician)
        left = await ws.until("case.updated")
        assert left["case"]["assignee"]["id"] == other_technician.pk
        await run(post, dispatcher, case, "Intern: ikke for Lars lenger")
        assert "message.created" not in types(await ws.drain())
