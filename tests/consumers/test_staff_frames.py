"""What a staff socket may send and what it gets back: open, close, post, read, typing, sync.
An answer carries the ``ref`` its frame came with; an error leaves the socket working. Frames
that are bad in themselves are in ``test_staff_bad_frames``."""

from __future__ import annotations

from typing import Any

import pytest

from hub.accounts.models import Member, Team
from hub.consumers import queries
from hub.threads.actions.cases import do_set_customer_channel
from hub.threads.models import Audience, Message
from tests.consumers.helpers import (
    Frame,
    assert_error,
    connected,
    post_frame,
    run,
    still_works,
    types,
)
from tests.factories import make_attachment, make_case, make_customer_case, post

pytestmark = pytest.mark.django_db(transaction=True)


def _messages(**filters: Any) -> list[tuple[int, str]]:
    return list(Message.objects.filter(**filters).order_by("pk").values_list("pk", "text"))


async def messages(**filters: Any) -> list[tuple[int, str]]:
    rows: list[tuple[int, str]] = await run(_messages, **filters)
    return rows


# -- open, close --------------------------------------------------------------------------------


async def test_open_answers_with_the_newest_message_id(dispatcher: Member) -> None:
    case = await run(make_case, dispatcher)
    async with connected(dispatcher) as ws:
        answer = await ws.ask({"type": "open", "case_id": case.pk})
        assert answer == {
            "type": "opened",
            "case_id": case.pk,
            "last_message_id": 0,
            "ref": ws.last_ref,
        }
        message = await run(post, dispatcher, case)
        await ws.until("message.created")
        assert (await ws.open(case.pk))["last_message_id"] == message.pk


async def test_open_of_another_organisations_case_is_not_found_and_hears_nothing(
    dispatcher: Member, outsider: Member
) -> None:
    theirs = await run(make_case, outsider)
    async with connected(dispatcher) as ws:
        answer = await ws.ask({"type": "open", "case_id": theirs.pk})
        assert_error(answer, "not_found")
        assert answer["ref"] == ws.last_ref
        await run(post, outsider, theirs, "Intern i det andre firmaet")
        await ws.assert_nothing()


async def test_open_of_a_case_that_does_not_exist_is_not_found(dispatcher: Member) -> None:
    async with connected(dispatcher) as ws:
        assert_error(await ws.ask({"type": "open", "case_id": 987_654_321}), "not_found")
        assert_error(await ws.ask({"type": "open", "case_id": 2**70}), "not_found")
        await still_works(ws)


async def test_a_technician_opens_only_the_cases_they_may_see(
    dispatcher: Member, technician: Member, other_technician: Member, crew: Team
) -> None:
    mine = await run(make_case, dispatcher, "Min", assignee_member=technician)
    teams = await run(make_case, dispatcher, "Teamets", assignee_team=crew)
    mentioned = await run(make_case, dispatcher, "Nevnt")
    await run(post, dispatcher, mentioned, "@lars vet du noe om denne?")
    unassigned = await run(make_case, dispatcher, "Ingen sin")
    others = await run(make_case, dispatcher, "Pers", assignee_member=other_technician)
    async with connected(technician) as ws:
        for case in (mine, teams, mentioned):
            assert (await ws.ask({"type": "open", "case_id": case.pk}))["type"] == "opened"
        for case in (unassigned, others):
            assert_error(await ws.ask({"type": "open", "case_id": case.pk}), "not_found")
        await ws.drain(quiet=0.1)
        await run(post, dispatcher, others, "Bare for Per")
        await run(post, dispatcher, unassigned, "Bare for kontoret")
        await ws.assert_nothing()


async def test_close_leaves_the_case_group(dispatcher: Member, colleague: Member) -> None:
    """The case group carries what only viewers need, such as another member's read marker:
    before the close the colleague sees the author's marker move, after it no longer."""
    case = await run(make_case, dispatcher)
    async with connected(colleague) as ws:
        await ws.open(case.pk)
        await run(post, dispatcher, case, "Før")
        assert types(await ws.drain()) == ["message.created", "read.updated"]
        answer = await ws.ask({"type": "close", "case_id": case.pk})
        assert answer == {"type": "closed", "case_id": case.pk, "ref": ws.last_ref}
        await run(post, dispatcher, case, "Etter")
        assert types(await ws.drain()) == ["message.created"]  # still in the inbox


# -- post ---------------------------------------------------------------------------------------


async def test_post_is_acknowledged_with_the_stored_id_before_the_event(
    dispatcher: Member,
) -> None:
    case = await run(make_case, dispatcher)
    async with connected(dispatcher) as ws:
        await ws.open(case.pk)
        ack = await ws.ask(post_frame(case.pk))
        [(message_id, text)] = await messages(case=case)
        assert ack == {
            "type": "ack",
            "client_id": "c-1",
            "message_id": message_id,
            "created": True,
            "ref": ws.last_ref,
        }
        assert text == "Bestilt deler."
        created = await ws.until("message.created")
        assert created["message"]["id"] == message_id
        assert created["message"]["client_id"] == "c-1"


async def test_a_repeated_client_id_returns_the_same_message_and_publishes_once(
    dispatcher: Member, colleague: Member
) -> None:
    """A client that lost the ack sends again: same id, nothing new stored or pushed."""
    case = await run(make_case, dispatcher)
    async with connected(dispatcher) as author, connected(colleague) as watcher:
        first = await author.ask(post_frame(case.pk, "same"))
        again = await author.ask(post_frame(case.pk, "same", text="Bestilt deler (igjen)."))
        assert (first["created"], again["created"]) == (True, False)
        assert again["message_id"] == first["message_id"]
        assert await messages(case=case) == [(first["message_id"], "Bestilt deler.")]
        created = [f for f in await watcher.drain() if f["type"] == "message.created"]
        assert [f["message"]["id"] for f in created] == [first["message_id"]]


async def test_post_with_an_attachment(dispatcher: Member, colleague: Member) -> None:
    case = await run(make_case, dispatcher)
    mine = await run(make_attachment, dispatcher, case, "skap.png")
    hers = await run(make_attachment, colleague, case, "hennes.png")
    async with connected(dispatcher) as ws:
        await ws.open(case.pk)
        assert_error(
            await ws.ask(post_frame(case.pk, "a", attachments=[hers.pk])),
            "invalid",
            "attachments",
        )
        ack = await ws.ask(post_frame(case.pk, "b", attachments=[mine.pk]))
        created = await ws.until("message.created")
        assert created["message"]["id"] == ack["message_id"]
        assert [a["id"] for a in created["message"]["attachments"]] == [mine.pk]


async def test_post_audience_customer_reaches_the_customer_case(dispatcher: Member) -> None:
    """The happy path of a customer message over the socket."""
    case = await run(make_customer_case, dispatcher)
    async with connected(dispatcher) as ws:
        ack = await ws.ask(post_frame(case.pk, audience=Audience.CUSTOMER, text="Hei!"))
        created = await ws.until("message.created")
        assert created["message"]["id"] == ack["message_id"]
        assert created["message"]["audience"] == "customer"


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        pytest.param({"audience": "public"}, "invalid", "audience", id="unknown-audience"),
        pytest.param({"text": "   "}, "invalid", "text", id="blank-text"),
        pytest.param({"audience": "customer"}, "customer_channel_off", None, id="channel-off"),
    ],
)
async def test_post_refused_by_the_action(
    dispatcher: Member, fields: Frame, code: str, field: str | None
) -> None:
    case = await run(make_customer_case, dispatcher)
    await run(do_set_customer_channel, dispatcher, case, False)
    async with connected(dispatcher) as ws:
        answer = await ws.ask(post_frame(case.pk, **fields))
        assert_error(answer, code, field)
        assert answer["ref"] == ws.last_ref
        assert await messages(case=case) == []
        await still_works(ws)


async def test_post_to_the_customer_of_an_internal_case_is_a_conflict(dispatcher: Member) -> None:
    case = await run(make_case, dispatcher)
    async with connected(dispatcher) as ws:
        assert_error(await ws.ask(post_frame(case.pk, audience="customer")), "conflict")
        await still_works(ws)


async def test_a_client_id_used_on_another_case_is_a_conflict(dispatcher: Member) -> None:
    first = await run(make_case, dispatcher, "Første")
    second = await run(make_case, dispatcher, "Andre")
    async with connected(dispatcher) as ws:
        assert (await ws.ask(post_frame(first.pk, "x")))["created"] is True
        assert_error(await ws.ask(post_frame(second.pk, "x")), "conflict", "client_id")
        assert await messages(case=second) == []


async def test_post_to_a_case_the_technician_may_not_see_is_not_found(
    dispatcher: Member, technician: Member
) -> None:
    case = await run(make_case, dispatcher)
    async with connected(technician) as ws:
        assert_error(await ws.ask(post_frame(case.pk)), "not_found")
        assert await messages(case=case) == []
        await still_works(ws)


# -- read ---------------------------------------------------------------------------------------


async def test_read_is_acknowledged_and_never_moves_back(
    dispatcher: Member, colleague: Member
) -> None:
    case = await run(make_case, dispatcher)
    first = await run(post, dispatcher, case, "En")
    second = await run(post, dispatcher, case, "To")
    async with connected(colleague) as ws:
        frame = {"type": "read", "case_id": case.pk, "message_id": second.pk}
        assert await ws.ask(frame) == {
            "type": "read.ack",
            "case_id": case.pk,
            "last_read_message_id": second.pk,
            "ref": ws.last_ref,
        }
        updated = await ws.until("read.updated")
        assert (updated["last_read_message_id"], updated["unread_count"]) == (second.pk, 0)
        back = await ws.ask({**frame, "message_id": first.pk})
        assert back["last_read_message_id"] == second.pk
        await ws.assert_nothing()  # nothing moved, nothing published


async def test_read_of_a_message_on_another_case_is_an_error(dispatcher: Member) -> None:
    case = await run(make_case, dispatcher, "Denne")
    elsewhere = await run(post, dispatcher, await run(make_case, dispatcher, "Annen"), "Der")
    async with connected(dispatcher) as ws:
        answer = await ws.ask({"type": "read", "case_id": case.pk, "message_id": elsewhere.pk})
        assert_error(answer, "invalid", "message_id")
        await still_works(ws)


async def test_read_on_a_case_the_technician_may_not_see_is_not_found(
    dispatcher: Member, technician: Member
) -> None:
    case = await run(make_case, dispatcher)
    message = await run(post, dispatcher, case)
    async with connected(technician) as ws:
        answer = await ws.ask({"type": "read", "case_id": case.pk, "message_id": message.pk})
        assert_error(answer, "not_found")
        await still_works(ws)


# -- typing -------------------------------------------------------------------------------------


async def test_typing_without_opening_the_case_is_an_error(dispatcher: Member) -> None:
    case = await run(make_case, dispatcher)
    async with connected(dispatcher) as ws:
        answer = await ws.ask({"type": "typing", "case_id": case.pk})
        assert_error(answer, "bad_frame", "case_id")
        await still_works(ws)
        await ws.open(case.pk)
        await ws.send({"type": "typing", "case_id": case.pk})
        await ws.assert_nothing()  # accepted; the typer does not hear themself


# -- sync ---------------------------------------------------------------------------------------


async def test_sync_returns_the_cases_changed_since_with_unread_counts(
    dispatcher: Member, colleague: Member
) -> None:
    old = await run(make_case, dispatcher, "Gammel")
    quiet = await run(make_case, dispatcher, "Uendret")
    since = quiet.last_activity.isoformat()
    busy = await run(make_case, dispatcher, "Travel")
    mixed = await run(make_case, dispatcher, "Blandet")
    await run(post, dispatcher, mixed, "Min egen")  # writing is reading: not unread for Kari
    await run(post, colleague, busy, "Ny fra Ola")
    await run(post, colleague, mixed, "En")
    await run(post, colleague, mixed, "To")
    await run(post, dispatcher, old, "Liv i en gammel sak")
    async with connected(colleague) as ws:
        answer = await ws.ask({"type": "sync", "since": since})
    assert answer["type"] == "inbox.sync"
    assert answer["complete"] is True
    assert answer["ref"] == ws.last_ref
    # Oldest change first; ``quiet`` changed at ``since`` exactly, so it is not newer.
    rows = [(row["id"], row["unread_count"], row["preview"]["text"]) for row in answer["cases"]]
    assert rows == [
        (busy.pk, 0, "Ny fra Ola"),
        (mixed.pk, 0, "To"),
        (old.pk, 1, "Liv i en gammel sak"),
    ]
    async with connected(dispatcher) as ws:
        answer = await ws.ask({"type": "sync", "since": since})
    assert [(row["id"], row["unread_count"]) for row in answer["cases"]] == [
        (busy.pk, 1),
        (mixed.pk, 2),
        (old.pk, 0),
    ]


async def test_sync_lists_only_the_cases_a_technician_sees(
    dispatcher: Member, technician: Member, outsider: Member
) -> None:
    since = (await run(make_case, dispatcher, "Før")).last_activity.isoformat()
    mine = await run(make_case, dispatcher, "Min", assignee_member=technician)
    await run(make_case, dispatcher, "Ikke min")
    await run(make_case, outsider, "Annet firma")
    async with connected(technician) as ws:
        answer = await ws.ask({"type": "sync", "since": since})
    assert [row["id"] for row in answer["cases"]] == [mine.pk]


async def test_sync_says_when_it_is_not_complete(
    dispatcher: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "SYNC_LIMIT", 2)
    cases = [await run(make_case, dispatcher, f"Sak {n}") for n in range(3)]
    async with connected(dispatcher) as ws:
        answer = await ws.ask({"type": "sync", "since": "2000-01-01T00:00:00+02:00"})
    assert answer["complete"] is False
    assert [row["id"] for row in answer["cases"]] == [case.pk for case in cases[:2]]
