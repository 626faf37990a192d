"""A reconnect storm, as after a deploy: 2,000 sockets connecting at once all get in."""

from __future__ import annotations

import asyncio
import json
import os
import time

from websockets.asyncio.client import connect

from hub.accounts.models import Member
from tests.realtime.client import session_cookie
from tests.servers import Server

SOCKETS = int(os.environ.get("STORM_SOCKETS", "2000"))


async def test_two_thousand_sockets_connecting_at_once_all_succeed(
    server: Server, dispatcher: Member
) -> None:
    cookie = await session_cookie(dispatcher)
    everyone_in = asyncio.Event()
    greeted = 0
    failures: list[str] = []

    def settled() -> None:
        if greeted + len(failures) == SOCKETS:
            everyone_in.set()

    async def one() -> None:
        nonlocal greeted
        try:
            async with connect(
                f"{server.ws}/ws/",
                additional_headers={"Cookie": cookie},
                origin="http://localhost",  # type: ignore[arg-type]
                open_timeout=90,
            ) as socket:
                hello = json.loads(await socket.recv())
                assert hello["type"] == "hello", hello
                greeted += 1
                settled()
                # Hold the socket until all are in: the storm is 2,000 at once, not in turn.
                await everyone_in.wait()
        except Exception as error:  # every failure is counted, whatever its kind
            failures.append(repr(error))
            settled()

    started = time.monotonic()
    async with asyncio.timeout(120):
        tasks = [asyncio.create_task(one()) for _ in range(SOCKETS)]
        await everyone_in.wait()
        elapsed = time.monotonic() - started
        await asyncio.gather(*tasks)
    print(f"storm: {greeted} of {SOCKETS} sockets in {elapsed:.1f} s")
    assert failures == [], (len(failures), sorted(set(failures))[:5])
    assert greeted == SOCKETS
    assert "Traceback" not in server.log.read_text(errors="replace")
