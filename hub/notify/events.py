"""The live events of a member's notifications, typed. They go to the member's own group only
and carry the unseen count, so the red dot is right even when a client missed earlier events."""

from __future__ import annotations

from typing import Literal, TypedDict

from hub.notify.payloads import NotificationPayload


class NotificationCreated(TypedDict):
    type: Literal["notification"]
    organization_id: int
    member_id: int
    notification: NotificationPayload
    unseen_count: int


class NotificationSeen(TypedDict):
    type: Literal["notification.seen"]
    organization_id: int
    member_id: int
    # The ids marked seen now; for "mark all" instead ``up_to_id``: every notification up to
    # it is seen (a list of them all could be long).
    notification_ids: list[int]
    up_to_id: int | None
    unseen_count: int
