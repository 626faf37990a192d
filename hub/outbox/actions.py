"""Every change to deliveries. The thread and notification actions queue them inside their own
transaction; the gateway worker claims them and reports back here.

A claim is a lease held by one worker: every report names the worker and changes the row only
while that worker still holds it, so a worker that was presumed dead and comes back cannot
overwrite what the one that took over did.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from hub.accounts.models import Member
from hub.customers.phones import to_e164
from hub.events import inbox_group, send_event_on_commit
from hub.mail.addresses import new_message_id
from hub.outbox.models import Delivery, OutboundChannel, State
from hub.outbox.payloads import DeliveryUpdated, delivery_payload
from hub.outbox.recipients import Recipient
from hub.threads.actions._common import case_watchers, log_event
from hub.threads.models import Case, EventKind, Message


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a send attempt came to. ``permanent`` failures are not retried."""

    ok: bool
    provider_id: str = ""
    error: str = ""
    permanent: bool = False


def new_token() -> str:
    return secrets.token_urlsafe(18)


def queue_message(
    message: Message,
    channel: OutboundChannel,
    recipients: Sequence[Recipient],
    *,
    sent_by: Member | None,
    extra_files: Sequence[int] = (),
    subject: str = "",
) -> list[Delivery]:
    """One queued delivery per recipient of ``message``. A mail's Message-ID is fixed here, so
    a retry sends the same mail and the recipient's client shows it once.

    Precondition: inside the transaction that writes the message; recipients validated."""
    deliveries = [
        Delivery(
            organization_id=message.organization_id,
            case_id=message.case_id,
            message=message,
            channel=channel,
            recipient=recipient.address,
            recipient_name=recipient.name,
            recipient_contact=recipient.contact,
            sent_by=sent_by,
            subject=subject[:200],
            automatic=message.automatic,
            extra_files=list(extra_files),
            provider_id=new_message_id() if channel == OutboundChannel.EMAIL else "",
            token=new_token(),
            next_attempt=timezone.now(),
        )
        for recipient in recipients
    ]
    return Delivery.objects.bulk_create(deliveries)


def queue_notification(
    member: Member,
    kind: str,
    *,
    case: Case,
    message: Message | None,
    actor: Member | None,
    channel: OutboundChannel = OutboundChannel.EMAIL,
    recipient: str = "",
) -> Delivery:
    """A notification to a member by e-mail, SMS or push: automatic, so no robot answers it.
    ``recipient``: the address when it is not the member's own e-mail or phone (a push
    subscription, ``hub.push.access.subscription_address``).

    Precondition: inside the transaction of the change it reports."""
    if recipient:
        address = recipient
    elif channel == OutboundChannel.EMAIL:
        address = member.user.email
    else:
        try:
            address = to_e164(member.phone, member.organization.country)
        except ValidationError:
            address = member.phone  # the send fails with the provider's reason, visibly
    return Delivery.objects.create(
        organization_id=case.organization_id,
        case=case,
        message=message,
        purpose=kind,
        channel=channel,
        recipient=address,
        recipient_name=member.display_name,
        recipient_member=member,
        sent_by=actor,
        automatic=True,
        provider_id=new_message_id() if channel == OutboundChannel.EMAIL else "",
        token=new_token(),
        next_attempt=timezone.now(),
    )


def queue_broadcast(
    organization_id: int, recipients: Sequence[Recipient], text: str, *, sent_by: Member
) -> list[Delivery]:
    """A mass SMS to members, on no case; staff see each queued on the inbox, since there is
    no message to carry them. Precondition: recipients validated, inside a transaction."""
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            organization_id=organization_id,
            channel=OutboundChannel.SMS,
            purpose="broadcast",
            body=text,
            recipient=recipient.address,
            recipient_name=recipient.name,
            sent_by=sent_by,
            token=new_token(),
            next_attempt=timezone.now(),
        )
        for recipient in recipients
    )
    for delivery in deliveries:
        publish(delivery)
    return deliveries


def claim_due(worker: str, limit: int, channels: Sequence[str]) -> list[int]:
    """Take up to ``limit`` deliveries that are due, for ``worker``; returns their ids.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so workers claiming at once take different rows.
    SQLite: every write transaction of the hub starts ``IMMEDIATE`` (one writer at a time), so
    the select and the update below cannot interleave with another claim."""
    now = timezone.now()
    due = Q(state=State.QUEUED, next_attempt__lte=now) | Q(
        state=State.SENDING, claimed_until__lt=now
    )
    with transaction.atomic():
        rows = Delivery.objects.filter(due, channel__in=list(channels)).order_by(
            "next_attempt", "id"
        )
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("id", flat=True)[:limit])
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                state=State.SENDING,
                claimed_by=worker,
                claimed_until=now + timedelta(seconds=settings.HUB_OUTBOX_LEASE_SECONDS),
                attempts=F("attempts") + 1,
            )
    return ids


def record_outcome(delivery_id: int, worker: str, outcome: Outcome) -> Delivery | None:
    """The result of ``worker``'s attempt: sent, or a failure that is retried later with
    exponential backoff and jitter, or given up (permanent, or out of attempts). Returns the
    delivery, or None when the worker no longer held it."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("case", "sent_by")
            .filter(pk=delivery_id, state=State.SENDING, claimed_by=worker)
            .first()
        )
        if delivery is None:
            return None
        delivery.claimed_by = ""
        delivery.claimed_until = None
        if outcome.ok:
            delivery.state = State.SENT
            delivery.sent_at = now
            delivery.error = ""
            if outcome.provider_id:
                delivery.provider_id = outcome.provider_id
        elif outcome.permanent or delivery.attempts >= settings.HUB_OUTBOX_MAX_ATTEMPTS:
            _fail(delivery, outcome.error, now)
        else:
            delivery.state = State.QUEUED
            delivery.error = outcome.error
            delivery.next_attempt = now + retry_delay(delivery.attempts)
        delivery.save()
        publish(delivery)
    return delivery


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter: base·2ⁿ⁻¹ capped, then scaled by 0.5 to 1.0 so that a
    crowd of retries after an outage spreads out instead of arriving together."""
    base = settings.HUB_OUTBOX_RETRY_BASE_SECONDS
    delay = min(settings.HUB_OUTBOX_RETRY_MAX_SECONDS, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter only


def record_bounce(delivery: Delivery, reason: str) -> None:
    """A bounce came back for a delivery the server had accepted: it failed after all.

    Precondition: inside a transaction."""
    if delivery.state == State.FAILED:
        return
    _fail(delivery, reason, timezone.now())
    delivery.save()
    publish(delivery)


def record_delivered(delivery: Delivery, when: datetime | None = None) -> None:
    if delivery.state in (State.DELIVERED, State.FAILED):
        return
    delivery.state = State.DELIVERED
    delivery.delivered_at = when or timezone.now()
    delivery.save(update_fields=["state", "delivered_at"])
    publish(delivery)


def mark_stale(message_ids: Sequence[int]) -> None:
    """The deliveries of messages whose content no longer holds (a booking moved since): the
    sent log shows them red, as Serviceprotokoll does, so nobody trusts an old confirmation.

    Precondition: inside a transaction."""
    deliveries = Delivery.objects.select_related("case", "sent_by").filter(
        message_id__in=list(message_ids), stale=False
    )
    for delivery in deliveries:
        delivery.stale = True
        delivery.save(update_fields=["stale"])
        publish(delivery)


def do_record_opened(token: str) -> bool:
    """The customer's mail client fetched the open marker of a delivery. The first time counts;
    returns whether it was news."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("case", "sent_by")
            .filter(token=token, opened_at__isnull=True, channel=OutboundChannel.EMAIL)
            .first()
        )
        if delivery is None:
            return False
        delivery.opened_at = timezone.now()
        delivery.save(update_fields=["opened_at"])
        publish(delivery)
    return True


def _fail(delivery: Delivery, reason: str, now: datetime) -> None:
    delivery.state = State.FAILED
    delivery.failed_at = now
    delivery.error = reason[:2000]
    if delivery.case is None:
        return
    log_event(
        delivery.case,
        EventKind.DELIVERY_FAILED,
        message_id=delivery.message_id,
        channel=delivery.channel,
        recipient=delivery.recipient,
        error=delivery.error,
    )


def publish(delivery: Delivery) -> None:
    """To the case's watchers; a delivery on no case (a mass SMS) to the inbox."""
    case: Case | None = delivery.case
    event: DeliveryUpdated = {
        "type": "delivery.updated",
        "organization_id": delivery.organization_id,
        "case_id": delivery.case_id,
        "message_id": delivery.message_id,
        "delivery": delivery_payload(delivery),
    }
    groups = case_watchers(case) if case else [inbox_group(delivery.organization_id)]
    send_event_on_commit(event, groups)
