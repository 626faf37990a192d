"""The gateway worker: the outbox dispatcher, the booking scheduler and one listener per active
mailbox, in one event loop. ``python -m hub.gateways`` runs it as a process of its own (the
Procfile's ``gateways``); the embedded run starts it inside the web process."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from hub.gateways.email.imap import MailboxListener
from hub.gateways.outbox import Dispatcher, worker_name
from hub.gateways.scheduler import Scheduler
from hub.mail.models import Mailbox

logger = logging.getLogger(__name__)

MAILBOX_RESCAN_SECONDS = 30.0


class Gateways:
    def __init__(self, name: str | None = None, rescan_seconds: float = MAILBOX_RESCAN_SECONDS):
        self.name = name or worker_name()
        self.rescan_seconds = rescan_seconds
        self.dispatcher = Dispatcher(self.name)
        self.scheduler = Scheduler()
        self.listeners: dict[int, asyncio.Task[None]] = {}

    async def run(self) -> None:
        logger.info("gateways %s running", self.name)
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self.dispatcher.run())
                group.create_task(self.scheduler.run())
                group.create_task(self.supervise_mailboxes())
        finally:
            await self.stop_listeners()

    async def supervise_mailboxes(self) -> None:
        """Start a listener for each active mailbox, stop those switched off or removed."""
        while True:
            try:
                wanted = set(await sync_to_async(_active_mailboxes)())
            except Exception:
                logger.exception("gateways: could not read the mailboxes")
                wanted = set(self.listeners)
            for mailbox_id in wanted - set(self.listeners):
                listener = MailboxListener(mailbox_id, self.name)
                self.listeners[mailbox_id] = asyncio.create_task(listener.run())
            for mailbox_id in set(self.listeners) - wanted:
                self.listeners.pop(mailbox_id).cancel()
            await asyncio.sleep(self.rescan_seconds)

    async def stop_listeners(self) -> None:
        tasks = list(self.listeners.values())
        self.listeners.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _active_mailboxes() -> list[int]:
    close_old_connections()
    return list(Mailbox.objects.filter(is_active=True).values_list("pk", flat=True))
