"""The staff socket (``/ws/``): one per browser tab of a member.

It joins the groups whose events the member may see — the organisation's inbox for those who
see every case, their own member group and their teams' groups for everyone — and a case's group
only after the same access check the HTTP doors make. Events arrive encoded; the consumer drops
duplicates (one event can reach it through two groups) and messages it already sent, and
forwards the rest as they are.

Resume: the database is the truth. A client that reconnects opens its cases again with the last
message id it holds (``since``) and asks for the inbox since its newest activity (``sync``); the
consumer joins the group first and reads the database second, so nothing falls between the
two, and the live events that overlap the replay are dropped by message id.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar, cast

from channels.db import database_sync_to_async
from django.utils import translation
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from hub.accounts.middleware import member_language
from hub.accounts.models import Member
from hub.consumers import frames, queries
from hub.consumers.base import GROUP_RENEWAL_SECONDS, LayerSafeConsumer
from hub.errors import HubError
from hub.events import (
    ENVELOPE_TYPE,
    Envelope,
    Group,
    case_group,
    inbox_group,
    member_group,
    send_ephemeral,
    send_ephemeral_to,
    team_group,
)

T = TypeVar("T")
logger = logging.getLogger(__name__)

# Close codes (4000 to 4999 are the application's): the client should not retry with this session.
CLOSE_NOT_MEMBER = 4401
# How many recent event ids a socket remembers to drop the copy that came by a second group.
SEEN_EVENTS = 1024
TYPING_INTERVAL = 2.0


class StaffConsumer(LayerSafeConsumer):
    kind = "staff socket"
    member: Member
    language: str

    async def connect(self) -> None:
        found = await database_sync_to_async(queries.socket_member)(self.scope["session"])
        await self.accept()
        if found is None:
            await self.close(code=CLOSE_NOT_MEMBER)
            return
        member, teams = found
        self.member = member
        self.language = member_language(member)
        self.open_cases: dict[int, int] = {}  # case id → newest message id sent to the client
        self.viewers: dict[int, dict[str, dict[str, Any]]] = {}  # case id → channel → member
        self.seen: deque[str] = deque(maxlen=SEEN_EVENTS)
        self.seen_set: set[str] = set()
        self.last_typing: dict[int, float] = {}
        self.home_groups = self._home_groups(teams)
        for group in self.home_groups:
            await self.channel_layer.group_add(group.name, self.channel_name)
        self.renewal = asyncio.create_task(self._renew_groups())
        await self.send_json(
            {
                "type": "hello",
                "member_id": member.pk,
                "organization_id": member.organization_id,
            }
        )

    async def disconnect(self, code: int) -> None:
        if not hasattr(self, "member"):
            return
        for case_id in list(self.open_cases):
            await self._leave(case_id)
        for group in self.home_groups:
            await self.channel_layer.group_discard(group.name, self.channel_name)

    # Client → server

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            await self._error(HubError(_("Send JSON text frames.")), None)
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):
            await self._error(frames.FrameError(_("The frame is not valid JSON.")), None)
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        ref = frames.ref_of(content)
        try:
            with translation.override(self.language):
                frame = frames.parse(content)
            await self._handle(frame, ref)
        except HubError as error:
            await self._error(error, ref)

    async def _handle(self, frame: frames.Frame, ref: str | None) -> None:
        match frame:
            case frames.Open():
                await self._open(frame, ref)
            case frames.Close():
                await self._leave(frame.case_id)
                await self.send_json({"type": "closed", "case_id": frame.case_id, "ref": ref})
            case frames.Post():
                payload, created = await self.db(queries.post, self.member, frame)
                await self.send_json(
                    {
                        "type": "ack",
                        "client_id": frame.client_id,
                        "message_id": payload["id"],
                        "created": created,
                        "ref": ref,
                    }
                )
            case frames.Read():
                upto = await self.db(queries.read, self.member, frame)
                await self.send_json(
                    {
                        "type": "read.ack",
                        "case_id": frame.case_id,
                        "last_read_message_id": upto,
                        "ref": ref,
                    }
                )
            case frames.Typing():
                await self._typing(frame.case_id)
            case frames.Sync():
                rows, complete = await self.db(queries.inbox_since, self.member, frame.since)
                await self.send_json(
                    {"type": "inbox.sync", "cases": rows, "complete": complete, "ref": ref}
                )

    async def _open(self, frame: frames.Open, ref: str | None) -> None:
        group = case_group(self.member.organization_id, frame.case_id)
        await self.db(queries.check_case, self.member, frame.case_id)
        # Join before reading, so a message committed in between arrives live, not never.
        await self.channel_layer.group_add(group.name, self.channel_name)
        if frame.since is None:
            sent = await self.db(queries.newest_message_id, self.member, frame.case_id)
        else:
            sent = frame.since
            pages = await self.db(queries.replay_pages, self.member, frame.case_id, frame.since)
            for page in pages:
                for payload in page:
                    await self.send_json(
                        {
                            "type": "message.created",
                            "organization_id": self.member.organization_id,
                            "case_id": frame.case_id,
                            "message": payload,
                            "replay": True,
                        }
                    )
                    sent = max(sent, payload["id"])
        self.open_cases[frame.case_id] = max(sent, self.open_cases.get(frame.case_id, 0))
        await self.send_json(
            {"type": "opened", "case_id": frame.case_id, "last_message_id": sent, "ref": ref}
        )
        if frame.case_id not in self.viewers:
            self.viewers[frame.case_id] = {}
            await send_ephemeral(
                {
                    "type": "viewing.join",
                    "case_id": frame.case_id,
                    "member": self._me(),
                    "channel": self.channel_name,
                },
                [group],
            )

    async def _leave(self, case_id: int) -> None:
        if case_id not in self.open_cases:
            return
        group = case_group(self.member.organization_id, case_id)
        del self.open_cases[case_id]
        self.viewers.pop(case_id, None)
        await self.channel_layer.group_discard(group.name, self.channel_name)
        await send_ephemeral(
            {"type": "viewing.leave", "case_id": case_id, "channel": self.channel_name}, [group]
        )

    async def _typing(self, case_id: int) -> None:
        if case_id not in self.open_cases:
            raise frames.FrameError(_("Open the case first."), field="case_id")
        now = time.monotonic()
        if now - self.last_typing.get(case_id, 0.0) < TYPING_INTERVAL:
            return
        self.last_typing[case_id] = now
        await send_ephemeral(
            {"type": "typing", "case_id": case_id, "member": self._me()},
            [case_group(self.member.organization_id, case_id)],
        )

    # Server → client

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Events go straight to ``hub_event``. Channels' own dispatch first runs
        ``close_old_connections`` in the database thread before every handler, a thread hop
        per event per socket that measured as most of the cost of fanning out a message
        (bench/README.md); ``hub_event`` touches no database, so it skips the hop."""
        if message["type"] == ENVELOPE_TYPE:
            await self.hub_event(cast(Envelope, message))
            return
        await super().dispatch(message)

    async def hub_event(self, envelope: Envelope) -> None:
        """Every event from the layer: drop what this socket has already had, pass on the rest."""
        event_id = envelope["id"]
        if event_id in self.seen_set:
            return
        if len(self.seen) == self.seen.maxlen:
            self.seen_set.discard(self.seen[0])
        self.seen.append(event_id)
        self.seen_set.add(event_id)

        kind = envelope["event_type"]
        case_id = envelope["case_id"]
        if kind.startswith("viewing."):
            await self._presence(kind, json.loads(envelope["text"]))
            return
        if kind == "typing":
            if json.loads(envelope["text"])["member"]["id"] == self.member.pk:
                return
        elif kind == "message.created" and case_id in self.open_cases:
            message_id = envelope["message_id"] or 0
            if message_id <= self.open_cases[case_id]:
                return
            self.open_cases[case_id] = message_id
        await self.send(text_data=envelope["text"])
        if kind == "case.updated" and case_id in self.open_cases:
            await self._recheck(case_id)

    async def _recheck(self, case_id: int) -> None:
        """A case changed hands: a member who no longer sees it stops hearing it at once."""
        if self.member.sees_every_case:
            return
        try:
            await self.db(queries.check_case, self.member, case_id)
        except HubError:
            await self._leave(case_id)
            await self.send_json(
                {"type": "closed", "case_id": case_id, "reason": "access_lost", "ref": None}
            )

    async def _presence(self, kind: str, event: dict[str, Any]) -> None:
        case_id = event["case_id"]
        channel = event["channel"]
        if channel == self.channel_name or case_id not in self.viewers:
            return
        viewers = self.viewers[case_id]
        if kind == "viewing.leave":
            viewers.pop(channel, None)
        else:
            viewers[channel] = event["member"]
            if kind == "viewing.join":
                # Tell the newcomer we are here too.
                await send_ephemeral_to(
                    {
                        "type": "viewing.here",
                        "case_id": case_id,
                        "member": self._me(),
                        "channel": self.channel_name,
                    },
                    channel,
                )
        others = {m["id"]: m for m in viewers.values() if m["id"] != self.member.pk}
        await self.send_json(
            {
                "type": "viewing",
                "case_id": case_id,
                "members": sorted(others.values(), key=lambda m: m["name"]),
            }
        )

    # Helpers

    async def _renew_groups(self) -> None:
        while True:
            await asyncio.sleep(GROUP_RENEWAL_SECONDS)
            groups = self.home_groups + [
                case_group(self.member.organization_id, case_id) for case_id in self.open_cases
            ]
            try:
                for group in groups:
                    await self.channel_layer.group_add(group.name, self.channel_name)
            except RedisError as error:
                logger.warning("renewing a socket's groups failed: %s", error)

    def _me(self) -> dict[str, Any]:
        return {"id": self.member.pk, "name": self.member.display_name}

    def _home_groups(self, teams: list[int]) -> list[Group]:
        organization_id = self.member.organization_id
        groups = [member_group(organization_id, self.member.pk)]
        groups += [team_group(organization_id, team) for team in teams]
        if self.member.sees_every_case:
            groups.append(inbox_group(organization_id))
        return groups

    async def db(self, function: Callable[..., T], *args: Any) -> T:
        """Run a database function in a thread, in the member's language."""
        language = self.language

        def run() -> T:
            with translation.override(language):
                return function(*args)

        result: T = await database_sync_to_async(run)()
        return result

    async def _error(self, error: HubError, ref: str | None) -> None:
        await self.send_json({"type": "error", **error.as_dict(), "ref": ref})
