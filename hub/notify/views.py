"""The JSON doors of a member's notifications and notification settings: parse, authorise,
call an action, answer. A member reads and changes only their own; the one door into another
member's settings is the administrator's policy, and it takes no kinds."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.errors import HubError
from hub.http import check_fields, field_bool, field_ids, json_view, query_int, read_json
from hub.notify.access import (
    DEFAULT_PAGE,
    access_notifications,
    list_notifications,
    unseen_count,
)
from hub.notify.actions import (
    check_can_set_policy,
    do_mark_all_seen,
    do_mark_seen,
    do_set_policy,
    do_set_preferences,
)
from hub.notify.models import DeliveryChannel, Kind
from hub.notify.payloads import notification_payload, policy_payload
from hub.notify.preferences import get_policy, preference_grid
from hub.threads.access import access_colleague

POLICY_FIELDS = ("email_allowed", "sms_allowed")


@json_view("GET")
def notifications(request: HttpRequest, member: Member) -> Any:
    page = list_notifications(
        member,
        before=query_int(request, "before"),
        unseen=request.GET.get("unseen") in ("1", "true"),
        limit=query_int(request, "limit") or DEFAULT_PAGE,
    )
    return {
        "results": [notification_payload(n) for n in page.rows],
        "has_more": page.has_more,
        "unseen_count": unseen_count(member),
    }


@json_view("POST")
def mark_seen(request: HttpRequest, member: Member) -> Any:
    data = read_json(request)
    if field_bool(data, "all"):
        return {"unseen_count": do_mark_all_seen(member)}
    ids = field_ids(data, "ids")
    if not ids:
        raise HubError(_("Send the ids to mark as seen, or all: true."), field="ids")
    return {"unseen_count": do_mark_seen(member, access_notifications(member, ids))}


@json_view("GET", "PUT")
def preferences(request: HttpRequest, member: Member) -> Any:
    notices: list[str] = []
    if request.method == "PUT":
        choices = _read_choices(read_json(request))
        do_set_preferences(member, choices)
        notices = _blocked_notices(member, choices)
    return {
        "kinds": [{"value": value, "label": str(label)} for value, label in Kind.choices],
        "channels": [
            {"value": value, "label": str(label)} for value, label in DeliveryChannel.choices
        ],
        "preferences": preference_grid(member),
        "policy": policy_payload(get_policy(member)),
        "notices": notices,
    }


def _read_choices(data: dict[str, Any]) -> list[tuple[str, str, bool]]:
    rows = data.get("preferences")
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise HubError(
            _("preferences must be a list of {kind, channel, enabled}."), field="preferences"
        )
    choices = []
    for row in rows:
        kind, channel, enabled = row.get("kind"), row.get("channel"), row.get("enabled")
        if not isinstance(kind, str) or not isinstance(channel, str):
            raise HubError(_("Each preference needs a kind and a channel."), field="preferences")
        if not isinstance(enabled, bool):
            raise HubError(_("enabled must be true or false."), field="preferences")
        choices.append((kind, channel, enabled))
    return choices


def _blocked_notices(member: Member, choices: list[tuple[str, str, bool]]) -> list[str]:
    """Say so when the member switched on a channel their administrator has switched off: the
    choice is kept, but nothing goes out that way until the administrator allows it."""
    policy = get_policy(member)
    blocked = {channel for _kind, channel, on in choices if on and not policy.allows(channel)}
    notices = {
        DeliveryChannel.EMAIL: _(
            "Your administrator has switched off e-mail notifications for you. Your choice is "
            "saved and applies if they switch them back on."
        ),
        DeliveryChannel.SMS: _(
            "Your administrator has switched off SMS notifications for you. Your choice is "
            "saved and applies if they switch them back on."
        ),
    }
    return [text for channel, text in notices.items() if channel in blocked]


@json_view("GET", "PUT")
def policy(request: HttpRequest, member: Member, member_id: int) -> Any:
    colleague = access_colleague(member, member_id)
    check_can_set_policy(member, colleague)
    current = get_policy(colleague)
    if request.method == "PUT":
        data = read_json(request)
        # Kinds and channels are the member's to choose; an administrator sets only these.
        check_fields(data, POLICY_FIELDS)
        current = do_set_policy(
            member,
            colleague,
            email_allowed=field_bool(data, "email_allowed", default=current.email_allowed),
            sms_allowed=field_bool(data, "sms_allowed", default=current.sms_allowed),
        )
    return policy_payload(current)
