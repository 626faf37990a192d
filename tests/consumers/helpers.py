"""Connect to the staff socket through the real ASGI stack, as a browser tab does: a session
cookie from a real login, an Origin header, the URL router. Timeouts are short: the in-memory
layer delivers at once and Redis on loopback within milliseconds."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from hub.accounts.models import Member
from hub.asgi import application
from tests.conftest import login

ORIGIN = "http://localhost"
# How long to wait for a frame that should come, and to be sure one that should not never does.
ARRIVES = 2.0
QUIET = 0.3

# A time after every case's last activity: a ``sync`` that answers with no rows.
LATER = "2999-01-01T00:00:00+00:00"

Frame = dict[str, Any]
_refs = itertools.count(1)


async def run[T](function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run synchronous database code (an action, a factory, a query) from a test, committed."""
    result: T = await database_sync_to_async(function)(*args, **kwargs)
    return result


def _login_cookie(member: Member) -> str:
    return str(login(member).cookies[settings.SESSION_COOKIE_NAME].value)


async def session_cookie(member: Member) -> str:
    cookie: str = await run(_login_cookie, member)
    return cookie


def communicator(*, cookie: str | None = None, origin: str | None = ORIGIN) -> Any:
    headers = []
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if cookie is not None:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application, "/ws/", headers=headers)


class Socket:
    """One connected staff socket and the frames it receives."""

    def __init__(self, wire: Any, hello: Frame) -> None:
        self.wire = wire
        self.hello = hello
        self.last_ref = ""
        # Every frame the socket received, including those ``until`` and ``ask`` skipped.
        self.received: list[Frame] = []

    async def send(self, frame: Frame) -> None:
        await self.wire.send_json_to(frame)

    async def send_text(self, text: str) -> None:
        await self.wire.send_input({"type": "websocket.receive", "text": text})

    async def send_bytes(self, data: bytes) -> None:
        await self.wire.send_input({"type": "websocket.receive", "bytes": data})

    async def next(self, timeout: float = ARRIVES) -> Frame:
        frame: Frame = await self.wire.receive_json_from(timeout=timeout)
        self.received.append(frame)
        return frame

    async def until(self, kind: str, timeout: float = ARRIVES, **fields: Any) -> Frame:
        """The next frame of type ``kind`` (with ``fields`` equal), skipping any other."""
        return (await self.until_with_skipped(kind, timeout, **fields))[0]

    async def until_with_skipped(
        self, kind: str, timeout: float = ARRIVES, **fields: Any
    ) -> tuple[Frame, list[Frame]]:
        skipped: list[Frame] = []
        while True:
            frame = await self.next(timeout)
            if frame["type"] == kind and all(frame.get(k) == v for k, v in fields.items()):
                return frame, skipped
            skipped.append(frame)

    async def ask(self, frame: Frame, timeout: float = ARRIVES) -> Frame:
        """Send ``frame`` with a fresh ``ref`` and return the answer that carries it back."""
        ref = self.last_ref = f"r{next(_refs)}"
        await self.send({**frame, "ref": ref})
        while True:
            answer = await self.next(timeout)
            if answer.get("ref") == ref:
                return answer

    async def drain(self, quiet: float = QUIET) -> list[Frame]:
        """Every frame that arrives until none has come for ``quiet`` seconds."""
        frames: list[Frame] = []
        while not await self.wire.receive_nothing(timeout=quiet):
            frames.append(await self.next())
        return frames

    async def of_type(self, kind: str, quiet: float = QUIET) -> list[Frame]:
        return [frame for frame in await self.drain(quiet) if frame["type"] == kind]

    async def assert_nothing(self, quiet: float = QUIET) -> None:
        if not await self.wire.receive_nothing(timeout=quiet):
            raise AssertionError(f"unexpected frame: {await self.next()}")

    async def open(self, case_id: int, since: int | None = None) -> Frame:
        frame: Frame = {"type": "open", "case_id": case_id}
        if since is not None:
            frame["since"] = since
        answer = await self.ask(frame)
        assert answer["type"] == "opened", answer
        return answer


@asynccontextmanager
async def connected(member: Member) -> AsyncIterator[Socket]:
    """A socket of ``member``, past its hello, disconnected at the end."""
    wire = communicator(cookie=await session_cookie(member))
    accepted, _subprotocol = await wire.connect()
    assert accepted
    hello = await wire.receive_json_from(timeout=ARRIVES)
    assert hello["type"] == "hello", hello
    try:
        yield Socket(wire, hello)
    except BaseException:
        # Leave the test's own failure in front; the app's state no longer matters.
        with suppress(Exception):
            await wire.disconnect()
        raise
    # Raises what the consumer raised, if it crashed after the last frame the test read.
    await wire.disconnect()


def types(frames: list[Frame]) -> list[str]:
    return [frame["type"] for frame in frames]


def post_frame(case_id: int, client_id: str = "c-1", **fields: Any) -> Frame:
    """A valid ``post`` frame, with ``fields`` changed."""
    return {
        "type": "post",
        "case_id": case_id,
        "audience": "internal",
        "text": "Bestilt deler.",
        "client_id": client_id,
        **fields,
    }


def assert_error(answer: Frame, code: str, field: str | None = None) -> None:
    assert answer["type"] == "error", answer
    assert (answer["code"], answer["field"]) == (code, field), answer
    assert answer["message"]


async def still_works(ws: Socket) -> None:
    """The socket answers a valid frame after whatever came before."""
    answer = await ws.ask({"type": "sync", "since": LATER})
    assert answer == {"type": "inbox.sync", "cases": [], "complete": True, "ref": ws.last_ref}
