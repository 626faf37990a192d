"""Listen to the channel layer as a consumer would, to assert what an action published."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from hub.events import Group


class Recorder:
    """The events that reached each group, in order."""

    def __init__(self) -> None:
        self.by_group: dict[str, list[dict[str, Any]]] = {}

    def of(self, group: Group) -> list[dict[str, Any]]:
        return self.by_group.get(group.name, [])

    def types(self, group: Group) -> list[str]:
        return [event["type"] for event in self.of(group)]

    @property
    def all(self) -> list[dict[str, Any]]:
        return [event for events in self.by_group.values() for event in events]


@contextmanager
def recording(*groups: Group, settle: float = 0.4) -> Iterator[Recorder]:
    """Subscribe one fresh channel per group, run the block, then collect what arrived.

    Actions publish only after commit, so put ``django_capture_on_commit_callbacks(execute=True)``
    (or a real transaction) *inside* this block: the callbacks must have run before it collects."""
    layer = get_channel_layer()
    assert layer is not None
    recorder = Recorder()

    async def subscribe() -> dict[str, str]:
        channels: dict[str, str] = {}
        for group in groups:
            channels[group.name] = await layer.new_channel()
            await layer.group_add(group.name, channels[group.name])
        return channels

    channels = async_to_sync(subscribe)()
    try:
        yield recorder
    finally:

        async def drain(name: str, channel: str) -> None:
            received = recorder.by_group.setdefault(name, [])
            while True:
                try:
                    envelope = await asyncio.wait_for(layer.receive(channel), settle)
                except TimeoutError:
                    break
                assert envelope["type"] == "hub.event"
                received.append(json.loads(envelope["text"]))
            await layer.group_discard(name, channel)

        async def collect() -> None:
            # All groups at once: the wait for the last event is one settle, not one a group,
            # so the settle can be generous enough for a loaded machine.
            await asyncio.gather(*(drain(name, channel) for name, channel in channels.items()))

        async_to_sync(collect)()
