"""The organisation's booking settings: how long customers have to answer, when reminders go
out, how bookings are sent by default. Administrators only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hub.accounts.models import Member, Role
from hub.booking.actions._common import booking_settings
from hub.booking.models import BookingSettings, SendChannel
from hub.errors import Forbidden, HubError
from hub.http import field_bool, field_int, field_str

NUMBERS = ("sms_answer_hours", "email_answer_hours", "letter_answer_days", "reminder_hour")


class SettingsPayload(TypedDict):
    sms_answer_hours: int
    email_answer_hours: int
    letter_answer_days: int
    reminder_hour: int
    remind_hour_before: bool
    default_channel: str


def settings_payload(options: BookingSettings) -> SettingsPayload:
    return {
        "sms_answer_hours": options.sms_answer_hours,
        "email_answer_hours": options.email_answer_hours,
        "letter_answer_days": options.letter_answer_days,
        "reminder_hour": options.reminder_hour,
        "remind_hour_before": options.remind_hour_before,
        "default_channel": options.default_channel,
    }


def do_set_booking_settings(actor: Member, data: Mapping[str, Any]) -> BookingSettings:
    """Fields left out stay as they are; a value out of range is refused and named."""
    if actor.role != Role.ADMIN:
        raise Forbidden(_("Only administrators may change booking settings."))
    unknown = sorted(set(data) - {*NUMBERS, "remind_hour_before", "default_channel"})
    if unknown:
        raise HubError(_("Unknown setting: %(name)s") % {"name": unknown[0]}, field=unknown[0])
    options = booking_settings(actor.organization)
    for name in NUMBERS:
        if name in data:
            value = field_int(data, name)
            if value is None:
                raise HubError(_("%(field)s must be a whole number.") % {"field": name}, field=name)
            setattr(options, name, value)
    if "remind_hour_before" in data:
        options.remind_hour_before = field_bool(data, "remind_hour_before")
    if "default_channel" in data:
        channel = field_str(data, "default_channel")
        if channel not in SendChannel.values:
            raise HubError(_("Unknown channel."), field="default_channel")
        options.default_channel = channel
    try:
        options.full_clean(exclude=["organization"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise HubError(" ".join(messages), field=field) from None
    options.save()
    return options
