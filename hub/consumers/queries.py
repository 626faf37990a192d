"""The database side of the staff socket: plain synchronous functions the consumer runs in a
thread. Each fetches through ``hub.threads.access``, so a socket sees exactly what the HTTP
doors let the same member see."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user
from django.db.models import Max

from hub.accounts.middleware import SESSION_ORGANIZATION_KEY, member_for
from hub.accounts.models import Member, Team
from hub.consumers.frames import Post, Read
from hub.threads.access import access_attachable, access_case, access_case_files
from hub.threads.actions.messages import do_mark_read, do_post_message
from hub.threads.inbox import changed_since
from hub.threads.models import Message
from hub.threads.payloads import InboxRow, MessagePayload, message_payload

REPLAY_PAGE = 200
SYNC_LIMIT = 200


def socket_member(session: Any) -> tuple[Member, list[int]] | None:
    """The member a socket's session belongs to and their team ids, in one trip to the
    database: the session's user (verified as Django verifies it for a request), the member of
    the organisation chosen in the session, their teams. ``None``: nobody we know."""
    user = get_user(SimpleNamespace(session=session))  # type: ignore[arg-type]
    if not user.is_authenticated:
        return None
    member = member_for(user.pk, session.get(SESSION_ORGANIZATION_KEY))
    if member is None:
        return None
    return member, team_ids(member)


def team_ids(member: Member) -> list[int]:
    return list(Team.objects.filter(members=member).values_list("pk", flat=True))


def check_case(member: Member, case_id: int) -> None:
    """``NotFound`` unless the member may see the case."""
    access_case(member, case_id)


def newest_message_id(member: Member, case_id: int) -> int:
    """The id of the case's newest message (0 when none)."""
    case = access_case(member, case_id)
    newest = Message.objects.filter(case=case).aggregate(newest=Max("pk"))["newest"]
    return int(newest or 0)


def messages_after(member: Member, case_id: int, since: int) -> Iterator[list[MessagePayload]]:
    """The case's messages after ``since``, oldest first, a page at a time."""
    case = access_case(member, case_id)
    while True:
        page = list(
            Message.objects.filter(case=case, pk__gt=since)
            .select_related("author_member", "author_contact")
            .prefetch_related("attachments", "mentions", "deliveries")
            .order_by("pk")[:REPLAY_PAGE]
        )
        if not page:
            return
        yield [message_payload(m) for m in page]
        since = page[-1].pk


def replay_pages(member: Member, case_id: int, since: int) -> list[list[MessagePayload]]:
    return list(messages_after(member, case_id, since))


def post(member: Member, frame: Post) -> tuple[MessagePayload, bool]:
    case = access_case(member, frame.case_id)
    attachments = access_attachable(member, case, frame.attachments, frame.client_id)
    message, created = do_post_message(
        member,
        case,
        audience=frame.audience,
        text=frame.text,
        client_id=frame.client_id,
        attachments=attachments,
        channel=frame.channel,
        to=frame.to,
        files=access_case_files(case, list(frame.files)),
    )
    return message_payload(message), created


def read(member: Member, frame: Read) -> int:
    case = access_case(member, frame.case_id)
    return do_mark_read(member, case, frame.message_id).last_read_message_id


def inbox_since(member: Member, since: datetime) -> tuple[list[InboxRow], bool]:
    return changed_since(member, since, SYNC_LIMIT)
