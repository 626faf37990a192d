"""A delivery as the SMS that leaves: its text, its sender, where the provider reports back.

The sender is the organisation's virtual number when it has one: a customer can only answer an
SMS that came from a number. Without one, the alphanumeric sender name (one-way notices; the
settings say that replies then cannot come back).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from hub.gateways.sms.providers.base import OutgoingSms
from hub.outbox.models import Delivery
from hub.portal.links import delivery_link
from hub.sms.models import SmsSettings

NOT_IN_SENDER = re.compile(r"[^A-Za-z0-9 ]")


def status_url(sms_settings: SmsSettings, kind: str) -> str:
    """Where the provider calls back: the key names the organisation (and, for 46elks, which
    signs nothing, is the proof the call comes from the provider it was given to)."""
    base = f"{settings.HUB_PUBLIC_URL}/hooks/sms/{sms_settings.provider}"
    return f"{base}/{sms_settings.webhook_key}/{kind}"


def sender_of(sms_settings: SmsSettings, *, replies_expected: bool = True) -> str:
    """The virtual number where an answer is expected; the sender name for one-way notices
    (members' notifications, a mass SMS), which reads better on a phone than a number."""
    organization = sms_settings.organization
    if sms_settings.virtual_number and (replies_expected or not organization.sms_sender_name):
        return sms_settings.virtual_number
    name = organization.sms_sender_name or NOT_IN_SENDER.sub("", organization.name)
    return name.strip()[:11] or "Hub"


def sms_text(delivery: Delivery) -> str:
    """What the SMS says: the message (with a line linking to the case in the customer portal,
    when it carries a link), a member's notification, or a mass SMS's text.

    Precondition: a delivery of the SMS channel with its case and message loaded."""
    case = delivery.case
    if case is None:
        return delivery.body
    if delivery.purpose == "message" and delivery.message is not None:
        link = delivery_link(delivery)
        if link is None:
            return delivery.message.text
        with translation.override(case.organization.locale):
            line = _("See the case: %(url)s") % {"url": link}
        return f"{delivery.message.text}\n{line}"
    with translation.override(case.organization.locale):
        actor = delivery.sent_by.display_name if delivery.sent_by else _("Someone")
        about = delivery.message.text[:100] if delivery.message else case.title
        return f"[{case.reference}] {actor}: {about}"


def compose_sms(delivery: Delivery, sms_settings: SmsSettings) -> OutgoingSms:
    """Precondition: a delivery of the SMS channel with its case and message loaded."""
    return OutgoingSms(
        to=delivery.recipient,
        sender=sender_of(sms_settings, replies_expected=delivery.purpose == "message"),
        text=sms_text(delivery),
        status_callback=status_url(sms_settings, "status"),
    )
