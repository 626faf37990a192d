"""The JSON doors of SMS: what a text will cost before it is sent, and the administrator's
SMS settings (the provider's secret goes in, never out)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from hub.accounts.models import Member, Role
from hub.errors import Forbidden
from hub.gateways.sms.compose import sender_of, status_url
from hub.gateways.sms.segments import cost, segments, to_gsm7
from hub.http import field_bool, field_int, field_str, json_view, read_json
from hub.sms.actions import do_set_sms_settings, settings_for
from hub.sms.models import SmsSettings


@json_view("POST")
def preview(request: HttpRequest, member: Member) -> Any:
    """``{"text", "recipients": n, "gsm7": bool}`` → encoding, characters, segments, cost. With
    ``gsm7`` the text as it will be sent once typographic characters are made GSM-7."""
    data = read_json(request)
    text = field_str(data, "text")
    if field_bool(data, "gsm7"):
        text = to_gsm7(text)
    recipients = max(1, field_int(data, "recipients") or 1)
    parts = segments(text)
    sms_settings = settings_for(member.organization)
    return {
        "text": text,
        "encoding": parts.encoding,
        "units": parts.units,
        "segments": parts.count,
        "per_segment": parts.per_segment,
        "remaining": parts.remaining,
        "recipients": recipients,
        "cost": str(cost(parts.count, sms_settings.price_per_segment, recipients)),
        "currency": sms_settings.currency,
        "sender": sender_of(sms_settings),
        "replies_possible": bool(sms_settings.virtual_number),
    }


def settings_payload(sms_settings: SmsSettings) -> dict[str, Any]:
    return {
        "provider": sms_settings.provider,
        "account": sms_settings.account,
        "secret_set": bool(sms_settings.secret_encrypted),
        "virtual_number": sms_settings.virtual_number,
        "sender_name": sms_settings.organization.sms_sender_name,
        "replies_possible": bool(sms_settings.virtual_number),
        "price_per_segment": str(sms_settings.price_per_segment),
        "currency": sms_settings.currency,
        # What to enter at the provider: where it reports SMS in and delivery reports.
        "inbound_url": status_url(sms_settings, "inbound"),
        "status_url": status_url(sms_settings, "status"),
    }


@json_view("GET", "PUT")
def sms_settings(request: HttpRequest, member: Member) -> Any:
    if member.role != Role.ADMIN:
        raise Forbidden(_("Only administrators may change SMS settings."))
    if request.method == "PUT":
        return settings_payload(do_set_sms_settings(member, read_json(request)))
    return settings_payload(settings_for(member.organization))
