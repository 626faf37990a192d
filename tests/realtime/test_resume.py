"""A dropped connection loses nothing: the database is the truth and the client resumes from
the last message it holds. Bursts of 500 messages, with the socket killed, and with Redis
restarted, half-way through."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket as sockets
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.db import close_old_connections
from pytest_django import Settings
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from hub.accounts.models import Member
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Case, Message
from tests.factories import make_case
from tests.realtime.client import next_of, open_socket, session_cookie
from tests.servers import Server, hub_server

BURST = 500
BREAK_AFTER = 150


def post_burst(member: Member, case: Case, count: int) -> list[int]:
    ids = []
    try:
        for n in range(count):
            message, _new = do_post_message(
                member, case, audience="internal", text=f"Melding {n + 1}", client_id=f"b{n}"
            )
            ids.append(message.pk)
    finally:
        close_old_connections()
    return ids


class Holder:
    """The client's copy of the thread: message ids in the order they arrived."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.connections = 0

    @property
    def last(self) -> int:
        return self.ids[-1] if self.ids else 0

    async def follow(self, socket: ClientConnection, case_id: int, until: int) -> None:
        """Open the case from the last id held, then take frames until ``until`` messages."""
        self.connections += 1
        await socket.send(json.dumps({"type": "open", "case_id": case_id, "since": self.last}))
        while len(self.ids) < until:
            frame = json.loads(await socket.recv())
            if frame["type"] == "message.created" and frame["case_id"] == case_id:
                self.ids.append(frame["message"]["id"])


async def burst_with_a_break(
    server: Server,
    member: Member,
    case: Case,
    interrupt: Callable[[ClientConnection], Awaitable[None]],
) -> tuple[Holder, list[int]]:
    cookie = await session_cookie(member)
    holder = Holder()
    socket = await open_socket(server, cookie)
    await socket.send(json.dumps({"type": "open", "case_id": case.pk, "since": 0}))
    await next_of(socket, "opened")
    poster = asyncio.create_task(database_sync_to_async(post_burst)(member, case, BURST))
    async with asyncio.timeout(60):
        try:
            await holder.follow(socket, case.pk, BREAK_AFTER)
            await interrupt(socket)
            await holder.follow(socket, case.pk, BURST)  # the break may not have hit this one
        except ConnectionClosed:
            pass
        while len(holder.ids) < BURST:
            try:
                socket = await open_socket(server, cookie)
                await holder.follow(socket, case.pk, BURST)
            except (ConnectionClosed, OSError):
                await asyncio.sleep(0.2)  # the server is still recovering: try again
        posted = await poster
    await socket.close()
    return holder, posted


async def kill(socket: ClientConnection) -> None:
    """As a phone losing its network: no close handshake."""
    socket.transport.abort()
    raise ConnectionClosed(None, None)


async def test_a_socket_killed_mid_burst_resumes_without_loss(
    server: Server, dispatcher: Member
) -> None:
    case = await database_sync_to_async(make_case)(dispatcher)
    held, posted = await burst_with_a_break(server, dispatcher, case, kill)
    assert len(posted) == BURST
    assert held.ids == posted
    assert held.connections >= 2
    assert await database_sync_to_async(Message.objects.filter(case=case).count)() == BURST


def free_port() -> int:
    with sockets.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateRedis:
    """A Redis of the test's own, so that restarting it disturbs nobody else."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is installed by scripts/services"
        self.process = subprocess.Popen(  # noqa: S603 - Debian's redis-server
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            with sockets.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            subprocess.run(["sleep", "0.05"], check=True)  # noqa: S607
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(
    services: dict[str, str], tmp_path: Path, settings: Settings
) -> Iterator[PrivateRedis]:
    redis = PrivateRedis(tmp_path)
    redis.start()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis.url], "prefix": "restart"},
        }
    }
    try:
        yield redis
    finally:
        redis.stop()


async def test_a_redis_restart_mid_burst_loses_nothing(
    services: dict[str, str], private_redis: PrivateRedis, tmp_path: Path, dispatcher: Member
) -> None:
    case = await database_sync_to_async(make_case)(dispatcher)
    env = {**services, "REDIS_URL": private_redis.url, "HUB_REDIS_PREFIX": "restart"}

    async def restart_redis(socket: ClientConnection) -> None:
        private_redis.stop()
        await asyncio.sleep(0.5)
        private_redis.start()

    with hub_server(tmp_path / "server", env) as server:
        held, posted = await burst_with_a_break(server, dispatcher, case, restart_redis)
        log = server.log.read_text(errors="replace")
    assert len(posted) == BURST
    assert held.ids == posted
    assert held.connections >= 2
    # The server closed the socket with "try again", not with a crash.
    assert "channel layer unavailable" in log
    assert "Traceback" not in log
