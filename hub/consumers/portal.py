"""The portal socket (``/ws/portal/``): one per open portal page, live news of one case.

Authenticated by the portal session (the link the page was opened with); it joins only the
customer-facing group of that case. What arrives there is a doorbell: for each new message the
consumer reads the message again through the portal's own access (so the link, the contact's
lock and the case's visibility are checked at that moment) and sends the customer's shape of
it, never the staff event as it is. ``portal.closed`` (a lock, revoked links, a hidden case)
makes it ask again, and close with 4403 when the answer is no.

Resume is the page's: after a reconnect it asks ``GET /api/portal/messages?after=<newest>``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

from channels.db import database_sync_to_async
from django.utils import translation
from redis.exceptions import RedisError

from hub.consumers.base import GROUP_RENEWAL_SECONDS, LayerSafeConsumer
from hub.errors import HubError
from hub.events import ENVELOPE_TYPE, Envelope, Group, portal_case_group
from hub.portal.access import SESSION_LINK, access_link, access_portal_message
from hub.portal.payloads import booking_of, booking_payload, message_payload

logger = logging.getLogger(__name__)

# No portal session: the page shows why (a reload answers with the closed page).
CLOSE_NO_ACCESS = 4401
# The session's link stopped holding while the page was open (locked, revoked, hidden).
CLOSE_ACCESS_ENDED = 4403


def socket_access(session: Any) -> tuple[int, int, int] | None:
    """The session's link, organisation and case ids, when its link holds."""
    try:
        access = access_link(session.get(SESSION_LINK))
    except HubError:
        return None
    return access.link.pk, access.case.organization_id, access.case.pk


def still_open(link_id: int) -> bool:
    try:
        access_link(link_id)
    except HubError:
        return False
    return True


def message_frame(link_id: int, message_id: int) -> dict[str, Any] | None:
    """The new message as the customer sees it, with the booking as it stands now (a message
    to the customer is how a change of the visit reaches them). ``None``: not theirs to see.
    Raises ``HubError`` when the link no longer holds."""
    access = access_link(link_id)
    try:
        message = access_portal_message(access, message_id)
    except HubError:
        return None
    organization = access.organization
    with translation.override(organization.locale):
        return {
            "type": "message",
            "message": message_payload(access, message),
            "booking": booking_payload(organization, booking_of(access)),
        }


class PortalConsumer(LayerSafeConsumer):
    kind = "portal socket"
    link_id: int
    group: Group | None = None

    async def connect(self) -> None:
        found = await database_sync_to_async(socket_access)(self.scope["session"])
        await self.accept()
        if found is None:
            await self.close(code=CLOSE_NO_ACCESS)
            return
        self.link_id, organization_id, case_id = found
        self.group = portal_case_group(organization_id, case_id)
        await self.channel_layer.group_add(self.group.name, self.channel_name)
        self.renewal = asyncio.create_task(self._renew())
        await self.send_json({"type": "hello"})

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group.name, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The page only listens; a ``ping`` is answered so it can tell a dead connection."""
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def dispatch(self, message: dict[str, Any]) -> None:
        if message["type"] == ENVELOPE_TYPE:
            await self.hub_event(cast(Envelope, message))
            return
        await super().dispatch(message)

    async def hub_event(self, envelope: Envelope) -> None:
        kind = envelope["event_type"]
        if kind == "message.created" and envelope["message_id"] is not None:
            try:
                frame = await database_sync_to_async(message_frame)(
                    self.link_id, envelope["message_id"]
                )
            except HubError:
                await self._end()
                return
            if frame is not None:
                await self.send_json(frame)
        elif kind == "portal.closed" and not await database_sync_to_async(still_open)(self.link_id):
            await self._end()

    async def _end(self) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group.name, self.channel_name)
            self.group = None
        await self.close(code=CLOSE_ACCESS_ENDED)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(GROUP_RENEWAL_SECONDS)
            if self.group is None:
                return
            try:
                await self.channel_layer.group_add(self.group.name, self.channel_name)
            except RedisError as error:
                logger.warning("renewing a portal socket's group failed: %s", error)
