"""The scheduler: does the booking jobs that fall due (answer deadlines, appointment
reminders). It sleeps until the next due job or the poll interval, whichever is sooner; any
number may run, since each job is taken in the transaction that does it
(``hub.booking.actions.schedule.run_due_jobs``)."""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from hub.booking.actions.schedule import next_due, run_due_jobs

logger = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, poll_seconds: float | None = None) -> None:
        self.poll_seconds = poll_seconds or settings.HUB_SCHEDULER_POLL_SECONDS

    async def run(self) -> None:
        logger.info("scheduler started")
        while True:
            try:
                await sync_to_async(_run_due)()
                due = await sync_to_async(next_due)()
            except Exception:
                logger.exception("scheduler: running the due jobs failed")
                due = None
            wait = self.poll_seconds
            if due is not None:
                wait = min(wait, max((due - timezone.now()).total_seconds(), 0.05))
            await asyncio.sleep(wait)


def _run_due() -> int:
    close_old_connections()
    return run_due_jobs()
