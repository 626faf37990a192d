"""Writing to a case's conversation and keeping track of who has read it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import nh3
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.customers.models import Contact
from hub.errors import Conflict, HubError
from hub.events import (
    case_group,
    member_group,
    portal_case_group,
    send_event_on_commit,
)
from hub.notify.actions import notify
from hub.notify.recipients import assignees
from hub.outbox.actions import queue_message
from hub.outbox.models import OutboundChannel
from hub.outbox.recipients import Recipient, email_recipients, sms_recipients
from hub.portal.links import link_deliveries
from hub.threads.actions._common import case_watchers, log_event
from hub.threads.events import MentionCreated, MessageCreated, ReadUpdated
from hub.threads.mentions import resolve_mentions
from hub.threads.models import (
    Attachment,
    Audience,
    Case,
    Channel,
    Direction,
    EventKind,
    Mention,
    Message,
    ReadMarker,
)
from hub.threads.payloads import MessagePayload, case_payload, message_payload

MAX_TEXT_LENGTH = 20_000
MAX_CLIENT_ID_LENGTH = 64


def sanitize_html(html: str) -> str:
    """Markup a browser can show without running anything: no script, handler or
    ``javascript:`` URL survives, and links open safely."""
    return nh3.clean(html, link_rel="noopener noreferrer nofollow") if html else ""


def clean_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise HubError(_("A message needs some text."), field="text")
    if len(text) > MAX_TEXT_LENGTH:
        raise HubError(
            _("A message may be at most %(limit)d characters.") % {"limit": MAX_TEXT_LENGTH},
            field="text",
        )
    return text


def _clean_client_id(client_id: str | None) -> str | None:
    if client_id is None or client_id == "":
        return None
    if len(client_id) > MAX_CLIENT_ID_LENGTH:
        raise HubError(_("client_id is too long."), field="client_id")
    return client_id


def _check_channel(channel: str) -> None:
    if channel not in Channel.values:
        raise HubError(_("Unknown channel."), field="channel")


def _already_posted(author: Q, client_id: str | None, case: Case) -> Message | None:
    if client_id is None:
        return None
    existing = Message.objects.filter(author, client_id=client_id).first()
    if existing is not None and existing.case_id != case.pk:
        raise Conflict(
            _("This client_id was used for a message on another case."), field="client_id"
        )
    return existing


def check_customer_writable(case: Case) -> None:
    """A customer case with customer communication on (Jublo's bell)."""
    if case.is_internal:
        raise Conflict(_("This is an internal case: there is no customer to write to."))
    if not case.customer_channel:
        raise Conflict(
            _(
                "Customer communication is off for this case. "
                "Switch it on to write to the customer."
            ),
            code="customer_channel_off",
        )


def do_post_message(
    actor: Member,
    case: Case,
    *,
    audience: str,
    text: str,
    html: str = "",
    client_id: str | None = None,
    attachments: Sequence[Attachment] = (),
    channel: str = Channel.WEB,
    to: str | Sequence[str] | None = None,
    files: Sequence[Attachment] = (),
) -> tuple[Message, bool]:
    """A staff member writes on the case: to the customer, or an internal note.

    Returns the message and whether it is new: a repeated ``client_id`` from the same member
    returns the stored message and changes nothing, so a client may resend after a lost answer.
    ``@handle`` mentions are resolved in internal notes only, where WorkCloud has them: a
    customer never sees a colleague's handle turned into a notification.

    ``channel="email"``: the message goes out by mail to ``to`` (default: the case's contact),
    with its attachments and the case ``files`` chosen; one queued delivery per recipient is
    written with the message, so neither exists without the other."""
    client_id = _clean_client_id(client_id)
    existing = _already_posted(Q(author_member=actor), client_id, case)
    if existing is not None:
        return existing, False
    if audience not in Audience.values:
        raise HubError(_("Unknown audience."), field="audience")
    _check_channel(channel)
    text = clean_text(text)
    if audience == Audience.CUSTOMER:
        check_customer_writable(case)
    for attachment in attachments:
        if attachment.case_id != case.pk or attachment.message_id is not None:
            raise HubError(_("That file cannot be attached to this message."), field="attachments")
    if any(file.case_id != case.pk for file in files):
        raise HubError(_("One of the files is not on this case."), field="files")
    outbound: Outbound | None = None
    if channel == Channel.EMAIL:
        if audience != Audience.CUSTOMER:
            raise HubError(_("Internal notes are not sent by e-mail."), field="channel")
        outbound = Outbound(OutboundChannel.EMAIL, email_recipients(case, to), files)
    elif channel == Channel.SMS:
        if audience != Audience.CUSTOMER:
            raise HubError(_("Internal notes are not sent by SMS."), field="channel")
        outbound = Outbound(OutboundChannel.SMS, sms_recipients(case, to))
    mentioned = (
        resolve_mentions(case.organization_id, text) if audience == Audience.INTERNAL else []
    )
    mentioned = [member for member in mentioned if member.pk != actor.pk]

    with transaction.atomic():
        message, is_new = _store_message(
            case,
            author_member=actor,
            audience=audience,
            direction=Direction.OUT,
            channel=channel,
            text=text,
            html=html,
            client_id=client_id,
            attachments=attachments,
            mentioned=mentioned,
            outbound=outbound,
            sent_by=actor,
        )
        if is_new:
            # Writing is reading: the author has seen everything up to their own message.
            _advance_marker(actor, case, message.pk)
    return message, is_new


def post_customer_notice(
    case: Case,
    *,
    text: str,
    channel: str,
    actor: Member | None,
    subject: str = "",
    automatic: bool = False,
    to: str | None = None,
) -> Message:
    """A message the hub writes to the customer from a template: a booking request or a
    confirmation on a member's behalf, a reminder on its own (``automatic``, no author). It goes
    to the case's contact (or ``to``, an address or number) by ``channel`` (e-mail, SMS, or a
    letter, which is printed and so has no delivery), under the same rules as a member's
    message to the customer.

    Precondition: inside the transaction of the change it reports."""
    check_customer_writable(case)
    outbound: Outbound | None = None
    if channel == Channel.EMAIL:
        outbound = Outbound(OutboundChannel.EMAIL, email_recipients(case, to), subject=subject)
    elif channel == Channel.SMS:
        outbound = Outbound(OutboundChannel.SMS, sms_recipients(case, to))
    elif channel != Channel.LETTER:
        raise HubError(_("Unknown channel."), field="channel")
    message, _new = _store_message(
        case,
        author_member=actor,
        audience=Audience.CUSTOMER,
        direction=Direction.OUT,
        channel=channel,
        text=clean_text(text),
        html="",
        client_id=None,
        attachments=(),
        automatic=automatic,
        outbound=outbound,
        sent_by=actor,
    )
    if actor is not None:
        _advance_marker(actor, case, message.pk)
    return message


def do_receive_customer_message(
    case: Case,
    contact: Contact,
    *,
    text: str,
    channel: str,
    html: str = "",
    client_id: str | None = None,
    attachments: Sequence[Attachment] = (),
    automatic: bool = False,
) -> tuple[Message, bool]:
    """A customer's message arrives on the case (portal, e-mail, SMS). It is stored even when
    customer communication is off: a customer's words are never dropped. ``automatic``: an
    out-of-office answer; stored and shown as such, nobody is told a customer replied."""
    if contact.organization_id != case.organization_id:
        raise HubError(_("That contact belongs to another organisation."))
    if case.customer_id is None or contact.customer_id != case.customer_id:
        raise HubError(
            _("That contact is not one of the case's customer's contacts."), field="contact"
        )
    _check_channel(channel)
    client_id = _clean_client_id(client_id)
    existing = _already_posted(Q(author_contact=contact), client_id, case)
    if existing is not None:
        return existing, False
    text = clean_text(text)
    return _store_message(
        case,
        author_contact=contact,
        audience=Audience.CUSTOMER,
        direction=Direction.IN,
        channel=channel,
        text=text,
        html=html,
        client_id=client_id,
        attachments=attachments,
        automatic=automatic,
    )


@dataclass(frozen=True, slots=True)
class Outbound:
    """Where a message goes besides the thread: a channel, its recipients, case files."""

    channel: OutboundChannel
    recipients: list[Recipient]
    files: Sequence[Attachment] = ()
    subject: str = ""


def _store_message(
    case: Case,
    *,
    author_member: Member | None = None,
    author_contact: Contact | None = None,
    audience: str,
    direction: str,
    channel: str,
    text: str,
    html: str,
    client_id: str | None,
    attachments: Sequence[Attachment],
    mentioned: Sequence[Member] = (),
    automatic: bool = False,
    outbound: Outbound | None = None,
    sent_by: Member | None = None,
) -> tuple[Message, bool]:
    """Write the message with its files and mentions, move the case's activity, log and publish.

    Precondition: the caller has validated everything. In a savepoint of its own, so that a
    ``client_id`` that raced in from a second connection (the unique constraint fires) leaves
    the caller's transaction usable and answers with the message that won."""
    try:
        with transaction.atomic():
            message = Message.objects.create(
                organization_id=case.organization_id,
                case=case,
                audience=audience,
                direction=direction,
                channel=channel,
                author_member=author_member,
                author_contact=author_contact,
                text=text,
                html=sanitize_html(html),
                client_id=client_id,
                automatic=automatic,
            )
            _attach(message, attachments)
            if outbound is not None:
                deliveries = queue_message(
                    message,
                    outbound.channel,
                    outbound.recipients,
                    sent_by=sent_by,
                    extra_files=[file.pk for file in outbound.files],
                    subject=outbound.subject,
                )
                # A case the customer sees in the portal: each mail and SMS carries a link.
                link_deliveries(case, deliveries)
            Mention.objects.bulk_create(
                Mention(
                    organization_id=case.organization_id, case=case, message=message, member=member
                )
                for member in mentioned
            )
            notify("mention", mentioned, case=case, message=message, actor_member=author_member)
            if author_contact is not None and not automatic:
                notify(
                    "customer_replied",
                    assignees(case),
                    case=case,
                    message=message,
                    actor_contact=author_contact,
                )
            _touch_case(case, message)
            log_event(
                case,
                EventKind.MESSAGE_POSTED,
                member=author_member,
                contact=author_contact,
                message_id=message.pk,
                audience=audience,
                files=[attachment.name for attachment in attachments],
            )
            _publish_message(case, message)
    except IntegrityError:
        author = (
            Q(author_member=author_member) if author_member else Q(author_contact=author_contact)
        )
        existing = _already_posted(author, client_id, case)
        if existing is None:
            raise
        return existing, False
    return message, True


def do_mark_read(member: Member, case: Case, message_id: int) -> ReadMarker:
    """Move the member's read marker on the case forward to ``message_id``; never backwards."""
    if not Message.objects.filter(pk=message_id, case=case).exists():
        raise HubError(_("That message is not on this case."), field="message_id")
    with transaction.atomic():
        return _advance_marker(member, case, message_id)


def unread_count(member: Member, case: Case, after: int) -> int:
    return Message.objects.filter(case=case, pk__gt=after).exclude(author_member=member).count()


def _advance_marker(member: Member, case: Case, message_id: int) -> ReadMarker:
    marker, _created = ReadMarker.objects.select_for_update().get_or_create(
        member=member, case=case, defaults={"organization_id": case.organization_id}
    )
    if marker.last_read_message_id >= message_id:
        return marker
    marker.last_read_message_id = message_id
    marker.save(update_fields=["last_read_message_id", "updated"])
    event: ReadUpdated = {
        "type": "read.updated",
        "organization_id": case.organization_id,
        "case_id": case.pk,
        "member_id": member.pk,
        "last_read_message_id": message_id,
        "unread_count": unread_count(member, case, message_id),
    }
    send_event_on_commit(
        event,
        [member_group(case.organization_id, member.pk), case_group(case.organization_id, case.pk)],
    )
    return marker


def _attach(message: Message, attachments: Sequence[Attachment]) -> None:
    if attachments:
        Attachment.objects.filter(pk__in=[a.pk for a in attachments], message=None).update(
            message=message
        )


def _touch_case(case: Case, message: Message) -> None:
    case.last_activity = message.created
    case.last_message = message
    case.save(update_fields=["last_activity", "last_message"])


def _publish_message(case: Case, message: Message) -> None:
    organization_id = case.organization_id
    payload = message_payload(message)
    created: MessageCreated = {
        "type": "message.created",
        "organization_id": organization_id,
        "case_id": case.pk,
        "message": payload,
        "case": case_payload(case),
    }
    groups = case_watchers(case)
    if message.audience == Audience.CUSTOMER and case.portal_visible:
        groups.append(portal_case_group(organization_id, case.pk))
    send_event_on_commit(created, groups)
    publish_mentions(case, payload, [mention.member_id for mention in message.mentions.all()])


def publish_mentions(case: Case, payload: MessagePayload, member_ids: Sequence[int]) -> None:
    """Tell each mentioned member, on their own sockets."""
    for member_id in member_ids:
        mentioned: MentionCreated = {
            "type": "mention",
            "organization_id": case.organization_id,
            "case_id": case.pk,
            "member_id": member_id,
            "message": payload,
        }
        send_event_on_commit(mentioned, [member_group(case.organization_id, member_id)])
