"""The bare Channels path the hub is measured against: daphne, channels_redis, one consumer that
joins one group on connect and forwards each group message's text to its socket. Nothing else:
no session, no database, no de-duplication.

``daphne bench.bare_app:application``, configured by the environment: ``BENCH_REDIS_URL``,
``BENCH_LAYER`` (``core`` or ``pubsub``, as the hub's ``HUB_CHANNEL_LAYER``) and
``BENCH_PREFIX``. The benchmark feeds it with ``channel_layer.group_send(GROUP, {"type":
"bench.message", "text": ...})``.
"""

from __future__ import annotations

import os
from typing import Any

import django
from django.conf import settings

GROUP = "bench.bare"
BACKENDS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}

if not settings.configured:
    settings.configure(
        INSTALLED_APPS=["channels"],
        CHANNEL_LAYERS={
            "default": {
                "BACKEND": BACKENDS[os.environ.get("BENCH_LAYER", "core")],
                "CONFIG": {
                    "hosts": [os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")],
                    "prefix": os.environ.get("BENCH_PREFIX", "bench"),
                },
            }
        },
    )
    django.setup()

# Imported after the settings are configured.
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter  # noqa: E402


class BareConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    async def connect(self) -> None:
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def bench_message(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])


application = ProtocolTypeRouter({"websocket": BareConsumer.as_asgi()})
