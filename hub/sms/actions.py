"""Every change the SMS gateway makes: a received SMS onto its case, STOP and START, delivery
reports, an organisation's SMS settings.

``do_receive_sms`` is idempotent by the provider's message id: a webhook the provider repeats
(they do, when an answer is slow) stores nothing new.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hub.accounts.models import Member, Organization, sms_sender_validator
from hub.booking.actions.answers import take_answer
from hub.customers.models import Contact
from hub.customers.phones import to_e164
from hub.errors import HubError
from hub.http import field_str
from hub.mail.secrets import encrypt
from hub.outbox.actions import queue_broadcast, record_bounce, record_delivered
from hub.outbox.models import Delivery, OutboundChannel
from hub.outbox.recipients import Recipient
from hub.sms.matching import contacts_with, match_case
from hub.sms.models import Kind, MatchedBy, OptOut, ProviderName, SmsRecord, SmsSettings
from hub.threads.access import check_can_manage
from hub.threads.actions.cases import do_create_case
from hub.threads.actions.inbound import Sender, place_inbound
from hub.threads.actions.messages import (
    clean_text,
    do_post_message,
    do_receive_customer_message,
)
from hub.threads.models import Audience, Case, Channel, Message

# The words people send to stop (and restart) SMS, alone in the message, any case.
STOP_WORDS = {"stop", "stopp", "avslutt", "avsluta", "afmeld"}
START_WORDS = {"start"}
PUNCTUATION = re.compile(r"[\s.!]+$")


@dataclass(frozen=True, slots=True)
class Incoming:
    """An SMS as the webhook read it."""

    provider: str
    provider_id: str
    sender: str
    to: str
    text: str


def settings_for(organization: Organization) -> SmsSettings:
    """The organisation's SMS settings, made with the development provider on first use."""
    found = SmsSettings.objects.filter(organization=organization).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return SmsSettings.objects.create(
                organization=organization, webhook_key=secrets.token_urlsafe(24)
            )
    except IntegrityError:
        return SmsSettings.objects.get(organization=organization)


def do_receive_sms(organization: Organization, sms: Incoming) -> SmsRecord:
    with transaction.atomic():
        existing = SmsRecord.objects.filter(
            organization=organization, provider=sms.provider, provider_id=sms.provider_id
        ).first()
        if existing is not None:
            return existing
        record = SmsRecord(
            organization=organization,
            provider=sms.provider,
            provider_id=sms.provider_id[:100],
            sender=sms.sender[:20],
            to=sms.to[:20],
        )
        word = PUNCTUATION.sub("", sms.text.strip()).lower()
        if word in STOP_WORDS:
            OptOut.objects.get_or_create(organization=organization, phone=sms.sender)
            record.kind = Kind.OPT_OUT
        elif word in START_WORDS:
            OptOut.objects.filter(organization=organization, phone=sms.sender).delete()
            record.kind = Kind.OPT_IN
        else:
            record.kind = Kind.CUSTOMER
            contacts = contacts_with(organization.pk, sms.sender)
            match = match_case(organization.pk, sms.sender, contacts, sms.text)
            name = contacts[0].name if contacts else sms.sender
            case, contact = place_inbound(
                organization,
                match.case if match else None,
                contacts,
                Sender(name=sms.sender, phone=sms.sender),
                unsorted_title=_("SMS from %(sender)s: which case?") % {"sender": name},
            )
            record.case = case
            record.matched_by = match.matched_by if match else MatchedBy.NEW_CASE
            record.message, new = do_receive_customer_message(
                case, contact, text=sms.text.strip()[:20_000] or "-", channel=Channel.SMS
            )
            if new:
                take_answer(record.message)
        record.save()
    return record


def do_record_sms_status(
    organization: Organization, provider_id: str, state: str, error: str = ""
) -> Delivery | None:
    """A provider's delivery report: the SMS reached the phone, or it did not and why. A "sent"
    report says what the outbox already wrote when the provider took the SMS: nothing to do."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("case", "sent_by")
            .filter(organization=organization, channel=OutboundChannel.SMS, provider_id=provider_id)
            .first()
        )
        if delivery is None:
            return None
        if state == "delivered":
            record_delivered(delivery)
        elif state == "failed":
            record_bounce(delivery, error or _("The SMS could not be delivered."))
    return delivery


def is_opted_out(organization_id: int, phone: str) -> bool:
    return OptOut.objects.filter(organization_id=organization_id, phone=phone).exists()


def do_set_sms_settings(actor: Member, data: Mapping[str, Any]) -> SmsSettings:
    """The administrator's SMS settings; a secret given is stored encrypted, one left out stays."""
    current = settings_for(actor.organization)
    if "provider" in data:
        provider = field_str(data, "provider")
        if provider not in ProviderName.values:
            raise HubError(_("Unknown SMS provider."), field="provider")
        current.provider = provider
    if "account" in data:
        current.account = field_str(data, "account").strip()
    if "secret" in data:
        current.secret_encrypted = encrypt(field_str(data, "secret"))
    if "virtual_number" in data:
        number = field_str(data, "virtual_number").strip()
        try:
            current.virtual_number = to_e164(number, actor.organization.country) if number else ""
        except ValidationError as error:
            raise HubError(" ".join(error.messages), field="virtual_number") from None
    if "sender_name" in data:
        # Shown as the sender of SMS that cannot be answered: the organisation's own name.
        name = field_str(data, "sender_name").strip()
        try:
            if name:
                sms_sender_validator(name)
        except ValidationError as error:
            raise HubError(" ".join(error.messages), field="sender_name") from None
        actor.organization.sms_sender_name = name
    if "price_per_segment" in data:
        try:
            price = Decimal(str(data["price_per_segment"]))
        except InvalidOperation:
            price = Decimal(-1)
        if not Decimal(0) <= price < Decimal(100):
            raise HubError(_("The price is a number of at most 99.99."), field="price_per_segment")
        current.price_per_segment = price
    with transaction.atomic():
        current.save()
        if "sender_name" in data:
            actor.organization.save(update_fields=["sms_sender_name"])
    return current


def do_sms_members(actor: Member, members: Sequence[Member], text: str) -> list[Delivery]:
    """A mass SMS to members (WorkCloud's "send SMS to the crew"): storm warnings, a changed
    meeting point. On no case; each member with a mobile number gets one. Returns the queued
    deliveries; members without a number are the caller's to report."""
    check_can_manage(actor)
    text = clean_text(text)
    recipients: dict[str, Recipient] = {}
    for member in members:
        if member.organization_id != actor.organization_id or not member.phone:
            continue
        try:
            number = to_e164(member.phone, actor.organization.country)
        except ValidationError:
            continue
        recipients.setdefault(number, Recipient(number, member.display_name))
    if not recipients:
        raise HubError(_("None of them has a mobile number."), field="members")
    stopped = set(
        OptOut.objects.filter(
            organization_id=actor.organization_id, phone__in=list(recipients)
        ).values_list("phone", flat=True)
    )
    with transaction.atomic():
        return queue_broadcast(
            actor.organization_id,
            [recipient for number, recipient in recipients.items() if number not in stopped],
            text,
            sent_by=actor,
        )


def do_sms_contact(actor: Member, contact: Contact, text: str) -> tuple[Case, Message]:
    """An SMS to a contact outside any case starts a conversation: a case of its own, so the
    answer has a place to land (the last SMS to the number names it) and the exchange stays
    in the customer's history."""
    check_can_manage(actor)
    if contact.organization_id != actor.organization_id:
        raise HubError(_("That contact belongs to another organisation."), field="contact")
    if not contact.phone:
        raise HubError(_("The contact has no mobile number."), field="contact")
    text = clean_text(text)
    title = _("SMS to %(name)s") % {"name": contact.name}
    with transaction.atomic():
        case = do_create_case(
            actor,
            title=title,
            customer=contact.customer,
            contact=contact,
            customer_channel=True,
        )
        message, _new = do_post_message(
            actor, case, audience=Audience.CUSTOMER, text=text, channel=Channel.SMS
        )
    return case, message
