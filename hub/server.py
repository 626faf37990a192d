"""daphne, refusing oversized request bodies while they arrive.

daphne (Twisted) buffers a whole request body, to disk when large, before it calls the ASGI
application, so ``hub.edge.limits.BodyLimit`` alone would answer a 10 GB upload only after the
10 GB had been received and stored. Here the limit is applied to the request as Twisted reads it:
a declared ``Content-Length`` over the limit is answered 413 from the headers alone, and a
chunked body is cut off at the limit. A websocket also gets longer to be accepted than daphne's
default, for reconnect storms. ``python -m hub.server`` takes daphne's options and always serves
``hub.asgi:application``.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
from typing import Any, ClassVar

import django
from daphne import server as daphne_server
from daphne.cli import CommandLineInterface
from daphne.http_protocol import HTTPFactory, WebRequest
from redis.exceptions import RedisError
from twisted.internet import reactor

from hub.edge.limits import too_large_body

# How long a refused client may go on sending before the connection is dropped.
DRAIN_SECONDS = 5.0
GATEWAY_TASKS: set[asyncio.Task[None]] = set()
WEBSOCKET_CONNECT_TIMEOUT = 60


class LimitedWebRequest(WebRequest):  # type: ignore[misc]
    body_limit: ClassVar[int] = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.received = 0
        self.refused = False

    def gotLength(self, length: int | None) -> None:
        if length is not None and length > self.body_limit:
            self.refuse()
            return
        super().gotLength(length)

    def handleContentChunk(self, data: bytes) -> None:
        if self.refused:
            return
        self.received += len(data)
        if self.received > self.body_limit:
            self.refuse()
            return
        super().handleContentChunk(data)

    def process(self) -> Any:
        if self.refused:
            return None
        return super().process()

    def refuse(self) -> None:
        """Answer 413 at once and close our side; what the client still sends is discarded, so
        it can read the answer instead of meeting a reset."""
        self.refused = True
        self.content = io.BytesIO()
        body = too_large_body(self.body_limit)
        head = (
            "HTTP/1.1 413 Payload Too Large\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        transport = self.channel.transport
        transport.write(head + body)
        transport.loseWriteConnection()
        # The zope interface stubs read callLater's first parameter as "self".
        reactor.callLater(DRAIN_SECONDS, transport.abortConnection)  # type: ignore[arg-type]


class LimitedHTTPFactory(HTTPFactory):  # type: ignore[misc]
    def buildProtocol(self, addr: Any) -> Any:
        protocol = super().buildProtocol(addr)
        protocol.requestFactory = LimitedWebRequest
        return protocol


def start_gateways() -> None:
    """The embedded run: the gateway worker in daphne's own event loop (Twisted runs on
    asyncio here), so one process does everything."""
    from hub.gateways.worker import Gateways

    loop: asyncio.AbstractEventLoop = reactor._asyncioEventloop
    task = loop.create_task(Gateways().run())
    GATEWAY_TASKS.add(task)
    task.add_done_callback(GATEWAY_TASKS.discard)


def channel_layer_exception_handler(
    loop: asyncio.AbstractEventLoop, context: dict[str, Any]
) -> None:
    """channels_redis fires its receive-backup clean-up as a task nobody awaits; when Redis is
    gone (a restart, a failover) that task fails and asyncio prints its traceback as "never
    retrieved". Nothing is lost (the message was delivered; the backup expires) and the sockets
    are told to come back, so it is one line in the log, not a crash report. Anything else goes
    to asyncio's own handler."""
    task = context.get("future")
    error = context.get("exception")
    coroutine = task.get_coro() if isinstance(task, asyncio.Task) else None
    name = getattr(coroutine, "__qualname__", "")
    if name.startswith("RedisChannelLayer.") and isinstance(error, (OSError, RedisError)):
        print(f"channel layer: {name} failed: {error}", file=sys.stderr)
        return
    loop.default_exception_handler(context)


def quiet_channel_layer_cleanups() -> None:
    loop: asyncio.AbstractEventLoop = reactor._asyncioEventloop
    loop.set_exception_handler(channel_layer_exception_handler)


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    django.setup()
    from django.conf import settings

    from hub.edge.app import MULTIPART_OVERHEAD

    LimitedWebRequest.body_limit = settings.HUB_UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD
    # daphne's Server builds its HTTP factory by this module-level name.
    daphne_server.HTTPFactory = LimitedHTTPFactory
    reactor.callWhenRunning(quiet_channel_layer_cleanups)
    if settings.HUB_GATEWAYS_IN_WEB:
        reactor.callWhenRunning(start_gateways)
    if not any(arg.startswith("--websocket_connect_timeout") for arg in argv):
        # daphne gives a socket 5 s to be accepted; in a reconnect storm after a deploy,
        # thousands queue for the same process and the last would be dropped, only to come
        # back and queue again. Let them wait instead.
        argv = [*argv, "--websocket_connect_timeout", str(WEBSOCKET_CONNECT_TIMEOUT)]
    CommandLineInterface().run([*argv, "hub.asgi:application"])
    # The reactor has stopped (SIGTERM, SIGINT), and with it the event loop. A request still in
    # a worker thread may be waiting on that loop (async_to_sync) and would never return; the
    # interpreter joins those threads at exit, so a deploy's SIGTERM would never end the
    # process. What could finish has finished: leave now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
