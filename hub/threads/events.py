"""The live events of a case, typed. Every one has a dotted ``type`` and the ids a client needs to
catch up from the database (``case_id``, message ids), because the channel layer may drop it."""

from __future__ import annotations

from typing import Literal, TypedDict

from hub.threads.payloads import CasePayload, MessagePayload


class CaseCreated(TypedDict):
    type: Literal["case.created"]
    organization_id: int
    case_id: int
    case: CasePayload


class CaseUpdated(TypedDict):
    type: Literal["case.updated"]
    organization_id: int
    case_id: int
    case: CasePayload
    changes: list[str]


class MessageCreated(TypedDict):
    type: Literal["message.created"]
    organization_id: int
    case_id: int
    message: MessagePayload
    case: CasePayload


class MessageUpdated(TypedDict):
    type: Literal["message.updated"]
    organization_id: int
    case_id: int
    message: MessagePayload


class MentionCreated(TypedDict):
    type: Literal["mention"]
    organization_id: int
    case_id: int
    member_id: int
    message: MessagePayload


class ReadUpdated(TypedDict):
    type: Literal["read.updated"]
    organization_id: int
    case_id: int
    member_id: int
    last_read_message_id: int
    unread_count: int
