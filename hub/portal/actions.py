"""Every change the customer portal makes: links (made, revoked, sent anew), a contact's
portal access, and what a customer does in the portal (writes, reads, answers a booking).

A customer's message from the portal takes the same way in as one by e-mail or SMS
(``do_receive_customer_message``: notifications, unread counts, live events) and is read as an
answer to a waiting booking in the same transaction (``take_answer``), as the mail and SMS
gateways do. Uploads are the thread's (``do_upload_attachment``), with the hub's limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.booking.actions._common import lock_booking
from hub.booking.actions.answers import (
    PORTAL_ANSWERS,
    portal_answers,
    take_answer,
    take_portal_answer,
)
from hub.booking.models import Booking
from hub.customers.models import Contact
from hub.errors import Conflict, HubError
from hub.events import send_event_on_commit
from hub.portal.access import FRESH_LINK_HELPS, PortalAccess, PortalClosed, refusal_of
from hub.portal.events import publish_portal_closed
from hub.portal.links import may_link, mint_link
from hub.portal.models import LinkKind, PortalLink
from hub.portal.payloads import booking_payload
from hub.sms.actions import is_opted_out
from hub.threads.access import check_can_manage
from hub.threads.actions._common import case_watchers, log_event, publish_case_updated
from hub.threads.actions.messages import do_receive_customer_message, post_customer_notice
from hub.threads.events import MessageUpdated
from hub.threads.models import (
    Attachment,
    Audience,
    Case,
    Channel,
    Direction,
    Event,
    EventKind,
    Message,
)
from hub.threads.payloads import message_payload

# A customer whose link has run out asks for a fresh one; each costs an SMS or a mail to a
# real person, so not more often than this.
FRESH_LINK_INTERVAL = timedelta(minutes=10)
FRESH_LINKS_A_DAY = 3


class TooSoon(HubError):
    status = 429
    code = "too_many_requests"


@dataclass(frozen=True, slots=True)
class IssuedLink:
    link: PortalLink
    url: str


@dataclass(frozen=True, slots=True)
class FreshLink:
    channel: str
    # The address it went to, masked: the page shows it to whoever holds the old link.
    sent_to: str


# --- Staff ----------------------------------------------------------------------------------


def do_issue_link(actor: Member, case: Case) -> IssuedLink:
    """A link to hand the case's contact (copied from the case view). Any member who may see
    the case may make one; the case must be visible in the portal."""
    contact = case.contact
    if not case.portal_visible:
        raise Conflict(
            _("Make the case visible in the customer portal first."), field="portal_visible"
        )
    if contact is None:
        raise Conflict(_("The case has no contact to give a link to."), field="contact")
    if contact.portal_locked:
        raise Conflict(
            _("%(name)s is locked out of the portal: unlock the access first.")
            % {"name": contact.name},
            field="contact",
            code="portal_locked",
        )
    if not may_link(case, contact):
        raise Conflict(_("The case's contact cannot be given a link."), field="contact")
    with transaction.atomic():
        link, url = mint_link(case, contact, kind=LinkKind.STAFF, created_by=actor)
        log_event(
            case,
            EventKind.PORTAL_LINK_ISSUED,
            member=actor,
            contact_id=contact.pk,
            name=contact.name,
            expires=link.expires.isoformat(),
        )
    return IssuedLink(link, url)


def do_revoke_links(actor: Member, case: Case) -> int:
    """Every link to the case stops working at once, and open portal pages of it close.
    Returns how many were still in force."""
    check_can_manage(actor)
    with transaction.atomic():
        revoked = PortalLink.objects.filter(
            organization_id=case.organization_id, case=case, revoked=None
        ).update(revoked=timezone.now())
        if revoked:
            log_event(case, EventKind.PORTAL_LINKS_REVOKED, member=actor, count=revoked)
            publish_portal_closed(case)
    return revoked


def do_set_portal_locked(actor: Member, contact: Contact, locked: bool) -> Contact:
    """CleanManager's lock on a contact's portal access. Locking takes effect at once: every
    link of theirs is refused and their open portal pages close. Logged on the cases it
    touches (those shown in the portal for the contact)."""
    check_can_manage(actor)
    if contact.organization_id != actor.organization_id:
        raise HubError(_("That contact belongs to another organisation."), field="contact")
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.portal_locked == locked:
            return contact
        contact.portal_locked = locked
        contact.save(update_fields=["portal_locked"])
        cases = (
            Case.objects.filter(organization_id=contact.organization_id)
            .filter(Q(contact=contact) | Q(portal_links__contact=contact))
            .select_related(
                "organization", "customer", "contact", "assignee_member", "assignee_team"
            )
            .distinct()
            .order_by("pk")
        )
        for case in cases:
            if case.portal_visible or case.contact_id == contact.pk:
                log_event(
                    case,
                    EventKind.PORTAL_ACCESS,
                    member=actor,
                    contact_id=contact.pk,
                    name=contact.name,
                    locked=locked,
                )
            if case.contact_id == contact.pk:
                publish_case_updated(case, ["contact"])
            if locked:
                publish_portal_closed(case)
    return contact


# --- The customer ---------------------------------------------------------------------------


def do_open_link(access: PortalAccess) -> None:
    """The link was opened: when, for the staff who wonder whether the customer has looked."""
    PortalLink.objects.filter(pk=access.link.pk).update(last_used=timezone.now())


def do_post_portal_message(
    access: PortalAccess,
    *,
    text: str,
    client_id: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> tuple[Message, bool]:
    """The customer writes on their case. A photo alone is a message too: its text is then the
    files' names. A resent ``client_id`` answers with the stored message."""
    if not text.strip() and attachments:
        text = ", ".join(attachment.name for attachment in attachments)
    with transaction.atomic():
        message, new = do_receive_customer_message(
            access.case,
            access.contact,
            text=text,
            channel=Channel.PORTAL,
            client_id=client_id,
            attachments=attachments,
        )
        if new:
            take_answer(message)
    return message, new


def do_mark_read_by_customer(access: PortalAccess, message_id: int) -> list[Message]:
    """The customer has had the organisation's messages up to ``message_id`` on screen: each
    not yet marked gets the time, and staff see it at once (``message.updated``)."""
    case = access.case
    with transaction.atomic():
        rows = list(
            Message.objects.select_for_update()
            .filter(
                organization_id=case.organization_id,
                case=case,
                audience=Audience.CUSTOMER,
                direction=Direction.OUT,
                pk__lte=message_id,
                read_by_customer=None,
            )
            .order_by("pk")
        )
        if not rows:
            return []
        now = timezone.now()
        Message.objects.filter(pk__in=[row.pk for row in rows]).update(read_by_customer=now)
        marked = list(
            Message.objects.filter(pk__in=[row.pk for row in rows])
            .select_related("author_member", "author_contact")
            .prefetch_related("attachments", "mentions", "deliveries")
            .order_by("pk")
        )
        watchers = case_watchers(case)
        for message in marked:
            event: MessageUpdated = {
                "type": "message.updated",
                "organization_id": case.organization_id,
                "case_id": case.pk,
                "message": message_payload(message),
            }
            send_event_on_commit(event, watchers)
    return marked


def do_answer_booking(access: PortalAccess, answer: str, text: str = "") -> tuple[Booking, Message]:
    """One tap on the booking: "confirm" confirms it (ready for execution, reminders set);
    "another_time" hands it to a person (manual follow-up). Either is a message from the
    customer on the case, with their words or, without any, what the tap said, and is on the
    booking's history."""
    case = access.case
    if answer not in PORTAL_ANSWERS:
        raise HubError(_("Answer “confirm” or “another_time”."), field="answer")
    if not Booking.objects.filter(case=case).exists():
        raise Conflict(_("There is no booking to answer."), code="booking_state")
    organization = access.organization
    with transaction.atomic():
        booking = lock_booking(case)
        if answer not in portal_answers(booking):
            raise Conflict(
                _("The booking has changed and does not wait for this answer. Reload the page."),
                code="booking_state",
            )
        words = text.strip()
        if not words:
            with translation.override(organization.locale):
                shown = booking_payload(organization, booking)
                when = {"date": shown["date"], "time": shown["time"]} if shown else {}
                if answer == "confirm":
                    words = _("I confirm the visit on %(date)s, %(time)s.") % when
                else:
                    words = _("I would like another time than %(date)s, %(time)s.") % when
        message, _new = do_receive_customer_message(
            case, access.contact, text=words, channel=Channel.PORTAL
        )
        take_portal_answer(booking, message, answer)
    return booking, message


def do_send_fresh_link(link: PortalLink, *, now: datetime | None = None) -> FreshLink:
    """A link that ran out (or was replaced) asks for a new one: it goes to the contact's own
    number or address as we know them, never to one the asker gives, as a message on the case
    (which carries its link). At most one every ``FRESH_LINK_INTERVAL``, and
    ``FRESH_LINKS_A_DAY`` a day, for a contact on a case."""
    refusal = refusal_of(link)
    if refusal is not None and refusal not in FRESH_LINK_HELPS:
        raise PortalClosed(refusal, link)
    case, contact, organization = link.case, link.contact, link.organization
    now = now or timezone.now()
    asked = Event.objects.filter(
        case=case,
        kind=EventKind.PORTAL_LINK_RESENT,
        actor_contact=contact,
        created__gte=now - timedelta(days=1),
    )
    if asked.filter(created__gte=now - FRESH_LINK_INTERVAL).exists():
        raise TooSoon(_("A new link was sent a few minutes ago. Look for it in your messages."))
    if asked.count() >= FRESH_LINKS_A_DAY:
        raise TooSoon(
            _("No more new links today. Please contact %(organization)s.")
            % {"organization": organization.name}
        )
    if contact.phone and not is_opted_out(organization.pk, contact.phone):
        channel, address, shown = Channel.SMS, contact.phone, mask_phone(contact.phone)
    elif contact.email:
        channel, address, shown = Channel.EMAIL, contact.email, mask_email(contact.email)
    else:
        raise Conflict(
            _("We have no address to send a new link to. Please contact %(organization)s.")
            % {"organization": organization.name},
            code="no_address",
        )
    with transaction.atomic(), translation.override(organization.locale):
        try:
            message = post_customer_notice(
                case,
                text=_("Here is a new link to your case %(reference)s at %(organization)s.")
                % {"reference": case.reference, "organization": organization.name},
                channel=channel,
                actor=None,
                subject=_("A new link to your case"),
                automatic=True,
                to=address,
            )
        except HubError:
            raise Conflict(
                _("We cannot send a new link now. Please contact %(organization)s.")
                % {"organization": organization.name},
                code="cannot_send",
            ) from None
        log_event(
            case,
            EventKind.PORTAL_LINK_RESENT,
            contact=contact,
            channel=channel,
            to=shown,
            message_id=message.pk,
        )
    return FreshLink(channel, shown)


def mask_phone(phone: str) -> str:
    """``+4741234567`` → ``+47 ••••• 567``: enough to recognise one's own number (no-break
    spaces: a number is not broken over two lines)."""
    if len(phone) <= 6:
        return "•" * len(phone)
    return f"{phone[:3]}\u00a0{'•' * (len(phone) - 6)}\u00a0{phone[-3:]}"


def mask_email(email: str) -> str:
    """``kunde@example.no`` → ``k••••@example.no``."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 3)}@{domain}"
