"""What the staff socket and the portal socket share: surviving a failing channel layer."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from asgiref.typing import ASGIReceiveCallable, ASGISendCallable, Scope, WebSocketCloseEvent
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# The channel layer (Redis) failed: reconnect, then resume. (RFC 6455's own 1012 "service
# restart" is refused by daphne's websocket library, which allows servers 1000 and 3000-4999.)
CLOSE_TRY_AGAIN = 4503
# The layer forgets a group membership after a while (channels_redis: a day); renew well before.
GROUP_RENEWAL_SECONDS = 3600.0


class LayerSafeConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """When the channel layer fails (Redis restarting), the socket closes with "try again"
    instead of dying with a traceback: the client reconnects and resumes from the database,
    which is how events lost while the layer was down reach it. ``renewal`` (the task that
    renews group memberships) is stopped with the socket."""

    # Which socket, in the log.
    kind = "socket"
    renewal: asyncio.Task[None] | None = None

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        try:
            await super().__call__(scope, receive, send)
        except (RedisError, OSError) as error:
            logger.warning("%s closed, channel layer unavailable: %s", self.kind, error)
            close: WebSocketCloseEvent = {
                "type": "websocket.close",
                "code": CLOSE_TRY_AGAIN,
                "reason": None,
            }
            with contextlib.suppress(Exception):
                await send(close)
        finally:
            if self.renewal is not None:
                self.renewal.cancel()
