"""The JSON doors of SMS: what a text will cost before it is sent, and the administrator's
SMS settings (the provider's secret goes in, never out)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from hub.accounts.models import Member, Role
from hub.customers.access import access_contact
from hub.errors import Forbidden
from hub.gateways.sms.compose import sender_of, status_url
from hub.gateways.sms.segments import cost, segments, to_gsm7
from hub.http import (
    created,
    field_bool,
    field_id,
    field_ids,
    field_int,
    field_str,
    json_view,
    read_json,
)
from hub.outbox.payloads import delivery_payload
from hub.sms.actions import do_set_sms_settings, do_sms_contact, do_sms_members, settings_for
from hub.sms.models import SmsSettings
from hub.threads.access import access_team
from hub.threads.payloads import case_payload, message_payload


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
        "replies_possible": sms_settings.takes_answers,
    }


def settings_payload(sms_settings: SmsSettings) -> dict[str, Any]:
    return {
        "provider": sms_settings.provider,
        "account": sms_settings.account,
        "secret_set": bool(sms_settings.secret_encrypted),
        "virtual_number": sms_settings.virtual_number,
        "sender_name": sms_settings.organization.sms_sender_name,
        "replies_possible": sms_settings.takes_answers,
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


@json_view("POST")
def sms_members(request: HttpRequest, member: Member) -> Any:
    """``{"text", "member_ids": [...]}`` or ``{"text", "team_id": n}``; neither: every active
    member. Answers how many were queued and who has no mobile number."""
    data = read_json(request)
    members = Member.objects.filter(organization_id=member.organization_id, is_active=True)
    if (team_id := field_id(data, "team_id")) is not None:
        members = members.filter(teams=access_team(member, team_id))
    elif ids := field_ids(data, "member_ids"):
        members = members.filter(pk__in=ids)
    chosen = list(members.order_by("display_name"))
    deliveries = do_sms_members(member, chosen, _text(data))
    return {
        "queued": len(deliveries),
        "without_mobile": [m.display_name for m in chosen if not m.phone],
        "deliveries": [delivery_payload(d) for d in deliveries],
    }


@json_view("POST")
def sms_contact(request: HttpRequest, member: Member, contact_id: int) -> Any:
    """``{"text", "gsm7": bool}`` to a contact outside any case: opens a case for the exchange."""
    contact = access_contact(member, contact_id)
    case, message = do_sms_contact(member, contact, _text(read_json(request)))
    return created({"case": case_payload(case), "message": message_payload(message)})


def _text(data: dict[str, Any]) -> str:
    text = field_str(data, "text")
    return to_gsm7(text) if field_bool(data, "gsm7") else text
