"""Telling the customer about their booking: a template rendered for the booking and posted on
the case by SMS, e-mail or letter, remembered as a ``Notice`` so that a later change of time or
technician can mark what no longer holds as stale."""

from __future__ import annotations

from django.db.models import Q

from hub.accounts.models import Member
from hub.booking.actions.letters import write_letter
from hub.booking.models import Booking, Notice, Purpose, SendChannel
from hub.booking.texts import render_for
from hub.outbox.actions import mark_stale
from hub.threads.actions.messages import post_customer_notice
from hub.threads.models import Message


def tell(
    booking: Booking,
    purpose: Purpose,
    channel: str,
    *,
    actor: Member | None,
    automatic: bool = False,
) -> Message:
    """Precondition: inside the transaction of the booking change it reports."""
    rendered = render_for(booking, purpose, channel)
    message = post_customer_notice(
        booking.case,
        text=rendered.body,
        channel=channel,
        actor=actor,
        subject=rendered.subject,
        automatic=automatic,
    )
    if channel == SendChannel.LETTER:
        write_letter(booking, message, rendered, actor)
    Notice.objects.create(
        organization_id=booking.organization_id,
        booking=booking,
        message=message,
        purpose=purpose,
        channel=channel,
        start=booking.start,
        technician=booking.technician,
    )
    return message


def mark_outdated_notices(booking: Booking) -> int:
    """What the customer was told that no longer holds: another time or another technician.
    Returns how many notices went stale."""
    outdated = list(
        booking.notices.filter(stale=False).filter(
            ~Q(start=booking.start) | ~Q(technician=booking.technician) | Q(technician=None)
        )
        if booking.start is not None and booking.technician is not None
        else booking.notices.filter(stale=False)
    )
    if not outdated:
        return 0
    Notice.objects.filter(pk__in=[notice.pk for notice in outdated]).update(stale=True)
    mark_stale([notice.message_id for notice in outdated])
    return len(outdated)


def reachable_by(booking: Booking) -> str | None:
    """How an automatic reminder reaches the customer: SMS when there is a mobile number
    (PowerCatch's rule), else e-mail, else not at all."""
    contact = booking.case.contact
    if contact is None:
        return None
    if contact.phone:
        return SendChannel.SMS
    if contact.email:
        return SendChannel.EMAIL
    return None
