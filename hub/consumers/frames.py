"""What a staff socket may send, checked before anything acts on it.

A frame is a JSON object with a ``type``; an optional ``ref`` (any short string) comes back on
the answer, so a client can pair them. Anything else gets an error frame, never a dropped socket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from hub.errors import HubError
from hub.http import field_ids, field_texts

MAX_CASES_PER_RESUME = 200


class FrameError(HubError):
    code = "bad_frame"


@dataclass(frozen=True)
class Open:
    """Start watching a case; ``since``: the last message id the client holds, to catch up."""

    case_id: int
    since: int | None


@dataclass(frozen=True)
class Close:
    case_id: int


@dataclass(frozen=True)
class Post:
    case_id: int
    audience: str
    text: str
    client_id: str
    attachments: list[int]
    channel: str = "web"
    to: tuple[str, ...] = ()
    files: tuple[int, ...] = ()


@dataclass(frozen=True)
class Read:
    case_id: int
    message_id: int


@dataclass(frozen=True)
class Typing:
    case_id: int


@dataclass(frozen=True)
class Sync:
    """Catch up the inbox: every visible case whose activity is newer than ``since``."""

    since: datetime


type Frame = Open | Close | Post | Read | Typing | Sync


def _id(data: dict[str, Any], name: str, *, smallest: int = 1) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < smallest:
        raise FrameError(_("%(field)s must be an id.") % {"field": name}, field=name)
    return value


def _text(data: dict[str, Any], name: str, limit: int) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise FrameError(_("%(field)s must be text.") % {"field": name}, field=name)
    if len(value) > limit:
        raise FrameError(_("%(field)s is too long.") % {"field": name}, field=name)
    return value


def parse(data: Any) -> Frame:
    if not isinstance(data, dict):
        raise FrameError(_("A frame must be a JSON object."))
    kind = data.get("type")
    if kind == "open":
        since_id = None if data.get("since") is None else _id(data, "since", smallest=0)
        return Open(_id(data, "case_id"), since_id)
    if kind == "close":
        return Close(_id(data, "case_id"))
    if kind == "post":
        attachments = data.get("attachments", [])
        if not isinstance(attachments, list) or not all(
            isinstance(a, int) and not isinstance(a, bool) and a > 0 for a in attachments
        ):
            raise FrameError(
                _("%(field)s must be a list of ids.") % {"field": "attachments"},
                field="attachments",
            )
        return Post(
            case_id=_id(data, "case_id"),
            audience=_text(data, "audience", 16),
            text=_text(data, "text", 20_000),
            client_id=_text(data, "client_id", 64),
            attachments=attachments,
            channel=_text(data, "channel", 16) if "channel" in data else "web",
            to=tuple(field_texts(data, "to")),
            files=tuple(field_ids(data, "files")),
        )
    if kind == "read":
        return Read(_id(data, "case_id"), _id(data, "message_id"))
    if kind == "typing":
        return Typing(_id(data, "case_id"))
    if kind == "sync":
        since = _moment(data.get("since"))
        if since is None:
            raise FrameError(
                _("%(field)s must be an ISO 8601 time with a zone, e.g. 2026-10-06T07:00:00+02:00.")
                % {"field": "since"},
                field="since",
            )
        return Sync(since)
    raise FrameError(_("Unknown frame type."), field="type")


def _moment(raw: Any) -> datetime | None:
    """An ISO time with a zone, in UTC; ``None`` for anything else, including times that are
    well-formed but impossible (month 13) or beyond the calendar once made UTC."""
    if not isinstance(raw, str):
        return None
    try:
        moment = parse_datetime(raw)
        if moment is None or moment.tzinfo is None:
            return None
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def ref_of(data: Any) -> str | None:
    ref = data.get("ref") if isinstance(data, dict) else None
    return ref if isinstance(ref, str) and len(ref) <= 64 else None
