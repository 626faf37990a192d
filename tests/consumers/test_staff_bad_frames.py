"""Frames that are bad in themselves: not JSON, not text, not an object, an unknown type, a
missing or ill-typed field. Each gets an error frame (with the frame's ``ref`` when it had one)
and the socket goes on answering."""

from __future__ import annotations

import json

import pytest

from hub.accounts.models import Member
from tests.consumers.helpers import (
    LATER,
    Frame,
    assert_error,
    connected,
    post_frame,
    run,
    still_works,
    types,
)
from tests.factories import make_case, post

pytestmark = pytest.mark.django_db(transaction=True)

BAD_FRAMES = [
    pytest.param({}, "type", id="no-type"),
    pytest.param({"type": "shout"}, "type", id="unknown-type"),
    pytest.param({"type": 7}, "type", id="type-not-text"),
    pytest.param({"type": "open"}, "case_id", id="open-no-case"),
    pytest.param({"type": "open", "case_id": "7"}, "case_id", id="open-case-text"),
    pytest.param({"type": "open", "case_id": True}, "case_id", id="open-case-bool"),
    pytest.param({"type": "open", "case_id": 1.5}, "case_id", id="open-case-float"),
    pytest.param({"type": "open", "case_id": 0}, "case_id", id="open-case-zero"),
    pytest.param({"type": "open", "case_id": 1, "since": -1}, "since", id="open-since-neg"),
    pytest.param({"type": "open", "case_id": 1, "since": "5"}, "since", id="open-since-text"),
    pytest.param({"type": "close", "case_id": None}, "case_id", id="close-case-null"),
    pytest.param(post_frame(1, text=5), "text", id="post-text-number"),
    pytest.param(post_frame(1, text="x" * 20_001), "text", id="post-text-too-long"),
    pytest.param(post_frame(1, audience="a" * 17), "audience", id="post-audience-long"),
    pytest.param(post_frame(1, client_id="c" * 65), "client_id", id="post-client-id-long"),
    pytest.param(
        {"type": "post", "case_id": 1, "audience": "internal", "text": "Hei"},
        "client_id",
        id="post-no-client-id",
    ),
    pytest.param(post_frame(1, attachments="3"), "attachments", id="post-files-not-list"),
    pytest.param(post_frame(1, attachments=[True]), "attachments", id="post-file-bool"),
    pytest.param(post_frame(1, attachments=[0]), "attachments", id="post-file-zero"),
    pytest.param({"type": "read", "case_id": 1}, "message_id", id="read-no-message"),
    pytest.param({"type": "typing", "case_id": [1]}, "case_id", id="typing-case-list"),
    pytest.param({"type": "sync"}, "since", id="sync-no-since"),
    pytest.param({"type": "sync", "since": 1_700_000_000}, "since", id="sync-since-number"),
    pytest.param({"type": "sync", "since": "yesterday"}, "since", id="sync-since-words"),
    pytest.param({"type": "sync", "since": "2026-10-06T07:00:00"}, "since", id="sync-naive"),
    pytest.param(
        {"type": "sync", "since": "2026-13-01T00:00:00+00:00"},
        "since",
        id="sync-month-13",
    ),
    pytest.param(
        {"type": "sync", "since": "2026-10-06T07:00:00+25:00"},
        "since",
        id="sync-offset-25h",
    ),
]


@pytest.mark.parametrize(("frame", "field"), BAD_FRAMES)
async def test_a_bad_frame_gets_an_error_with_its_ref_and_the_socket_goes_on(
    dispatcher: Member, frame: Frame, field: str
) -> None:
    async with connected(dispatcher) as ws:
        answer = await ws.ask(frame)
        assert_error(answer, "bad_frame", field)
        assert answer["ref"] == ws.last_ref
        await still_works(ws)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("{not json", "bad_frame", id="not-json"),
        pytest.param("", "bad_frame", id="empty"),
        pytest.param("[1, 2]", "bad_frame", id="array"),
        pytest.param('"open"', "bad_frame", id="string"),
        pytest.param("null", "bad_frame", id="null"),
        pytest.param("NaN", "bad_frame", id="nan"),
        pytest.param(
            "[" * 100_000,
            "bad_frame",
            id="nested-too-deep",
        ),
    ],
)
async def test_a_frame_that_is_not_a_json_object_gets_an_error(
    dispatcher: Member, text: str, code: str
) -> None:
    async with connected(dispatcher) as ws:
        await ws.send_text(text)
        answer = await ws.next()
        assert_error(answer, code)
        assert answer["ref"] is None
        await still_works(ws)


async def test_a_binary_frame_gets_an_error(dispatcher: Member) -> None:
    async with connected(dispatcher) as ws:
        await ws.send_bytes(json.dumps({"type": "sync", "since": LATER}).encode())
        answer = await ws.next()
        assert_error(answer, "invalid")
        assert answer["ref"] is None
        await still_works(ws)


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-02:00"])
async def test_a_sync_from_the_edge_of_the_calendar_does_not_drop_the_socket(
    dispatcher: Member, since: str
) -> None:
    await run(make_case, dispatcher)
    async with connected(dispatcher) as ws:
        answer = await ws.ask({"type": "sync", "since": since})
        assert answer["type"] in ("inbox.sync", "error"), answer
        await still_works(ws)


@pytest.mark.parametrize(
    ("ref", "echoed"),
    [("tab-3:17", "tab-3:17"), ("r" * 64, "r" * 64), ("r" * 65, None), (17, None), (None, None)],
)
async def test_ref_is_echoed_when_it_is_short_text(
    dispatcher: Member, ref: object, echoed: str | None
) -> None:
    case = await run(make_case, dispatcher)
    async with connected(dispatcher) as ws:
        await ws.send({"type": "open", "case_id": case.pk, "ref": ref})
        assert (await ws.next())["ref"] == echoed
        await ws.send({"type": "open", "case_id": -1, "ref": ref})
        assert (await ws.next())["ref"] == echoed


async def test_every_answer_carries_its_ref(dispatcher: Member) -> None:
    case = await run(make_case, dispatcher)
    message = await run(post, dispatcher, case)
    frames: list[Frame] = [
        {"type": "open", "case_id": case.pk},
        post_frame(case.pk),
        {"type": "read", "case_id": case.pk, "message_id": message.pk},
        {"type": "sync", "since": LATER},
        {"type": "close", "case_id": case.pk},
        {"type": "open", "case_id": -5},
    ]
    async with connected(dispatcher) as ws:
        answers = [await ws.ask(frame) for frame in frames]
    assert types(answers) == ["opened", "ack", "read.ack", "inbox.sync", "closed", "error"]
