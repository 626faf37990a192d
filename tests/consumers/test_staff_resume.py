"""Resume: a client that was away opens its case again with the last message id it holds and
gets what it missed from the database, in order, flagged ``replay``, then the live messages, and
never a message twice, even when one is committed while the open is under way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hub.accounts.models import Member
from hub.consumers import queries
from hub.threads.actions.cases import do_change_status
from hub.threads.models import Case, Status
from tests.consumers.helpers import Frame, Socket, connected, run
from tests.factories import make_case, post

pytestmark = pytest.mark.django_db(transaction=True)


def message_ids(frames: list[Frame], case: Case) -> list[int]:
    return [
        frame["message"]["id"]
        for frame in frames
        if frame["type"] == "message.created" and frame["case_id"] == case.pk
    ]


async def reopen(ws: Socket, case: Case, since: int) -> tuple[Frame, list[Frame]]:
    """Open with ``since``: the ``opened`` answer and the frames that came before it."""
    await ws.send({"type": "open", "case_id": case.pk, "since": since})
    return await ws.until_with_skipped("opened", case_id=case.pk)


async def test_open_with_since_replays_what_was_missed_then_goes_live(
    dispatcher: Member, colleague: Member
) -> None:
    case = await run(make_case, dispatcher)
    held = [await run(post, colleague, case, f"Før {n}") for n in range(2)]
    async with connected(colleague) as ws:
        assert (await ws.open(case.pk))["last_message_id"] == held[-1].pk
    # Away: the socket is gone while the case moves on.
    missed = [await run(post, dispatcher, case, f"Mens du var borte {n}") for n in range(3)]
    await run(do_change_status, dispatcher, case, Status.PENDING)

    async with connected(colleague) as ws:
        opened, replayed = await reopen(ws, case, held[-1].pk)
        assert opened["last_message_id"] == missed[-1].pk
        assert [
            (f["type"], f["case_id"], f["message"]["id"], f["message"]["text"], f["replay"])
            for f in replayed
        ] == [
            ("message.created", case.pk, m.pk, f"Mens du var borte {n}", True)
            for n, m in enumerate(missed)
        ]
        live = await run(post, dispatcher, case, "Nå")
        created = await ws.until("message.created")
        assert created["message"]["id"] == live.pk
        assert "replay" not in created
        await ws.drain()
        assert message_ids(ws.received, case) == [*(m.pk for m in missed), live.pk]


async def test_since_zero_replays_the_whole_thread_in_pages(
    dispatcher: Member, colleague: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "REPLAY_PAGE", 2)
    case = await run(make_case, dispatcher)
    thread = [await run(post, dispatcher, case, f"Melding {n}") for n in range(5)]
    async with connected(colleague) as ws:
        opened, replayed = await reopen(ws, case, 0)
    assert [f["message"]["id"] for f in replayed] == [m.pk for m in thread]
    assert opened["last_message_id"] == thread[-1].pk


async def test_since_the_newest_replays_nothing(dispatcher: Member, colleague: Member) -> None:
    case = await run(make_case, dispatcher)
    newest = await run(post, dispatcher, case)
    async with connected(colleague) as ws:
        opened, replayed = await reopen(ws, case, newest.pk)
    assert replayed == []
    assert opened["last_message_id"] == newest.pk


def _posting_when(
    when: str, real: Callable[..., Any], author: Member, case: Case, posted: list[int]
) -> Callable[..., Any]:
    """``real`` (a query the consumer runs while opening), with a message committed just
    before or after it: a colleague writing at the very moment of the open."""

    def racing(*args: Any) -> Any:
        if when == "before":
            posted.append(post(author, case, "Midt i åpningen").pk)
        result = real(*args)
        if when == "after":
            posted.append(post(author, case, "Midt i åpningen").pk)
        return result

    return racing


@pytest.mark.parametrize(
    ("query", "when", "replayed"),
    [
        # Committed before the socket joins the case group: the replay brings it (and the
        # inbox group a live copy, dropped).
        pytest.param("check_case", "after", True, id="before-join"),
        # Committed after the join, before the replay reads: the replay and the live event
        # both bring it; the socket passes it on once.
        pytest.param("replay_pages", "before", True, id="between-join-and-replay"),
        # Committed after the replay read: only the live event brings it.
        pytest.param("replay_pages", "after", False, id="after-replay"),
    ],
)
async def test_a_message_posted_during_the_open_arrives_exactly_once(
    dispatcher: Member,
    colleague: Member,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    when: str,
    replayed: bool,
) -> None:
    """The colleague sees every case (the inbox group brings the message too), so each path
    that could deliver a duplicate is there."""
    case = await run(make_case, dispatcher)
    held = await run(post, dispatcher, case, "Holdt")
    missed = await run(post, dispatcher, case, "Gikk glipp av")
    posted: list[int] = []
    real = getattr(queries, query)
    monkeypatch.setattr(queries, query, _posting_when(when, real, dispatcher, case, posted))
    async with connected(colleague) as ws:
        opened, before_opened = await reopen(ws, case, held.pk)
        monkeypatch.setattr(queries, query, real)
        later = await run(post, dispatcher, case, "Etterpå")
        while later.pk not in message_ids(ws.received, case):
            await ws.next()
        await ws.drain()
    [racing_id] = posted
    assert message_ids(ws.received, case) == [missed.pk, racing_id, later.pk]
    assert (racing_id in message_ids(before_opened, case)) is replayed
    assert opened["last_message_id"] == (racing_id if replayed else missed.pk)


async def test_a_message_posted_during_an_open_without_since_is_not_lost(
    dispatcher: Member, technician: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = await run(make_case, dispatcher)
    await run(post, dispatcher, case, "@lars kan du se på denne?")
    posted: list[int] = []
    real = queries.check_case
    async with connected(technician) as ws:
        await ws.drain(quiet=0.1)  # the mention and its notification
        monkeypatch.setattr(
            queries, "check_case", _posting_when("after", real, dispatcher, case, posted)
        )
        opened = await ws.open(case.pk)
        monkeypatch.setattr(queries, "check_case", real)
        await ws.drain()
    [racing_id] = posted
    delivered = message_ids(ws.received, case)
    assert racing_id in delivered or opened["last_message_id"] >= racing_id
