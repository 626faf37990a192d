"""The outbox dispatcher: claims due deliveries, sends them, reports what became of them.

Any number of dispatchers may run (one per gateway process): they share nothing but the
database, whose claim (``hub.outbox.actions.claim_due``) gives each row to one of them.
Database work runs in threads (``sync_to_async``); the sends themselves run concurrently on the
event loop, a few at a time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.utils.translation import gettext as _

from hub.gateways.email.compose import compose
from hub.gateways.email.smtp import send, server_for
from hub.gateways.push import push_sender
from hub.gateways.sms.compose import compose_sms
from hub.gateways.sms.providers.base import Credentials
from hub.gateways.sms.providers.registry import provider_for
from hub.mail.actions import record_dev_mail
from hub.mail.models import MailSettings
from hub.mail.secrets import decrypt
from hub.outbox.actions import Outcome, claim_due, record_outcome
from hub.outbox.models import Delivery, OutboundChannel
from hub.sms.actions import is_opted_out, settings_for

logger = logging.getLogger(__name__)

CLAIM_BATCH = 20
CONCURRENT_SENDS = 8


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Dispatcher:
    def __init__(self, name: str | None = None, poll_seconds: float | None = None) -> None:
        self.name = name or worker_name()
        self.poll_seconds = poll_seconds or settings.HUB_OUTBOX_POLL_SECONDS
        self.sending = asyncio.Semaphore(CONCURRENT_SENDS)

    async def run(self) -> None:
        logger.info("outbox dispatcher %s started", self.name)
        while True:
            try:
                handled = await self.tick()
            except Exception:
                logger.exception("outbox dispatcher %s: claiming failed", self.name)
                handled = 0
            if handled < CLAIM_BATCH:
                await asyncio.sleep(self.poll_seconds)

    async def tick(self) -> int:
        """Claim one batch and see it through; returns how many were claimed."""
        ids = await sync_to_async(_claim)(self.name, CLAIM_BATCH)
        await asyncio.gather(*(self._deliver(delivery_id) for delivery_id in ids))
        return len(ids)

    async def _deliver(self, delivery_id: int) -> None:
        async with self.sending:
            try:
                send_it = await sync_to_async(_prepare)(delivery_id)
                outcome = await send_it()
            except Exception as error:
                logger.exception("delivery %s could not be sent", delivery_id)
                outcome = Outcome(ok=False, error=f"{type(error).__name__}: {error}")
            await sync_to_async(_record)(delivery_id, self.name, outcome)


type Send = Callable[[], Awaitable[Outcome]]


def _claim(name: str, limit: int) -> list[int]:
    close_old_connections()
    channels = [OutboundChannel.EMAIL, OutboundChannel.SMS, OutboundChannel.PUSH]
    return claim_due(name, limit, channels)


def _prepare(delivery_id: int) -> Send:
    """Everything the send needs from the database, read here in one go; what is returned only
    talks to the outside world."""
    delivery = Delivery.objects.select_related(
        "organization", "case__organization", "message", "sent_by", "recipient_member__user"
    ).get(pk=delivery_id)
    if delivery.channel == OutboundChannel.SMS:
        return _sms_sender(delivery)
    if delivery.channel == OutboundChannel.PUSH:
        return push_sender(delivery)
    mail_settings = MailSettings.objects.filter(organization_id=delivery.organization_id).first()
    mail, server = compose(delivery), server_for(mail_settings)
    if server is None:

        async def to_dev_mailbox() -> Outcome:
            subject = str(mail.message["Subject"])
            raw = mail.message.as_bytes()
            await sync_to_async(record_dev_mail)(delivery, mail.sender, subject, raw)
            return Outcome(ok=True)

        return to_dev_mailbox
    return lambda: send(server, mail)


def _sms_sender(delivery: Delivery) -> Send:
    if is_opted_out(delivery.organization_id, delivery.recipient):
        outcome = Outcome(ok=False, error=_("The number answered STOP."), permanent=True)
        return lambda: _done(outcome)
    sms_settings = settings_for(delivery.organization)
    provider = provider_for(
        sms_settings.provider,
        Credentials(
            account=sms_settings.account,
            secret=decrypt(sms_settings.secret_encrypted),
            base_url=settings.HUB_SMS_API_URLS.get(sms_settings.provider),
        ),
    )
    sms = compose_sms(delivery, sms_settings)

    async def via_provider() -> Outcome:
        result = await provider.send(sms)
        return Outcome(
            ok=result.ok,
            provider_id=result.provider_id,
            error=result.error,
            permanent=result.permanent,
        )

    return via_provider


async def _done(outcome: Outcome) -> Outcome:
    return outcome


def _record(delivery_id: int, name: str, outcome: Outcome) -> None:
    if record_outcome(delivery_id, name, outcome) is None:
        logger.warning("delivery %s: claim of %s was taken over; result dropped", delivery_id, name)
