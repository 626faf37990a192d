"""A staff member's websocket over a real socket, as a browser would hold it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.db import database_sync_to_async
from websockets.asyncio.client import ClientConnection, connect

from hub.accounts.models import Member
from tests.conftest import login
from tests.servers import Server


async def session_cookie(member: Member) -> str:
    client = await database_sync_to_async(login)(member)
    return f"sessionid={client.cookies['sessionid'].value}"


async def open_socket(server: Server, cookie: str) -> ClientConnection:
    socket = await connect(
        f"{server.ws}/ws/",
        additional_headers={"Cookie": cookie},
        origin="http://localhost",  # type: ignore[arg-type]
        open_timeout=10,
        max_queue=None,
    )
    hello = json.loads(await socket.recv())
    assert hello["type"] == "hello", hello
    return socket


async def next_of(socket: ClientConnection, kind: str, timeout: float = 10.0) -> dict[str, Any]:
    """The next frame of type ``kind``, skipping others."""
    async with asyncio.timeout(timeout):
        while True:
            frame: dict[str, Any] = json.loads(await socket.recv())
            if frame["type"] == kind:
                return frame
