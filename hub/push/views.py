"""The JSON doors of Web Push, for the technician app: the key to subscribe with, and this
device's subscription. A member adds and removes only their own devices; which kinds reach
them by push is their notification preferences' channel "push"."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.errors import HubError
from hub.http import check_fields, created, field_str, json_view, read_json
from hub.push.actions import current_vapid_keys, do_subscribe, do_unsubscribe

# What ``JSON.stringify(pushSubscription)`` gives; ``expirationTime`` is taken and not kept
# (push services answer 410 when a subscription has run out).
SUBSCRIPTION_FIELDS = ("endpoint", "keys", "expirationTime")


@json_view("GET")
def key(request: HttpRequest, member: Member) -> Any:
    """The ``applicationServerKey`` for ``PushManager.subscribe()``."""
    return {"public_key": current_vapid_keys().public_key}


@json_view("POST", "DELETE")
def subscriptions(request: HttpRequest, member: Member) -> Any:
    data = read_json(request)
    if request.method == "DELETE":
        check_fields(data, ("endpoint",))
        do_unsubscribe(member, field_str(data, "endpoint"))
        return HttpResponse(status=204)
    check_fields(data, SUBSCRIPTION_FIELDS)
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise HubError(_("keys must be an object with p256dh and auth."), field="keys")
    subscription, new = do_subscribe(
        member,
        endpoint=field_str(data, "endpoint"),
        p256dh=_key(keys, "p256dh"),
        auth=_key(keys, "auth"),
        user_agent=request.headers.get("User-Agent", ""),
    )
    answer = {"id": subscription.pk}
    return created(answer) if new else answer


def _key(keys: dict[str, Any], name: str) -> str:
    value = keys.get(name)
    if not isinstance(value, str) or not value:
        raise HubError(
            _("keys.%(name)s is required, as text.") % {"name": name}, field=f"keys.{name}"
        )
    return value
