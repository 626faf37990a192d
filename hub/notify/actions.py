"""Every change to notifications and notification settings. Nothing else writes these rows or
publishes their events.

``notify`` is not a door's action but a step of other actions: the thread actions call it inside
their own transaction, so a notification exists exactly when the change it reports does, and
its event leaves only when that transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.accounts.models import Member, Role
from hub.customers.models import Contact
from hub.errors import Forbidden, HubError
from hub.events import member_group, send_event_on_commit
from hub.notify.access import my_notifications, unseen_counts
from hub.notify.events import NotificationCreated, NotificationSeen
from hub.notify.models import (
    DeliveryChannel,
    Kind,
    Notification,
    NotificationPolicy,
    NotificationPreference,
)
from hub.notify.payloads import KindName, notification_payload
from hub.notify.preferences import wanting_in_app, wants
from hub.outbox.actions import queue_notification
from hub.outbox.models import OutboundChannel
from hub.push.actions import queue_pushes
from hub.threads.models import Case, Message

# ``wants`` lives with the other reads; it is named here too because delivery code looks for
# what decides delivery next to what creates notifications.
__all__ = [
    "check_can_set_policy",
    "do_mark_all_seen",
    "do_mark_seen",
    "do_set_policy",
    "do_set_preference",
    "do_set_preferences",
    "notify",
    "wants",
]

type Choice = tuple[str, str, bool]


def notify(
    kind: KindName,
    recipients: Iterable[Member],
    *,
    case: Case,
    message: Message | None = None,
    actor_member: Member | None = None,
    actor_contact: Contact | None = None,
) -> list[Notification]:
    """Tell ``recipients`` in the app that ``kind`` happened on ``case``.

    Skipped: the actor themself, members of another organisation or no longer active, and
    members who switched ``kind`` off in the app. Each of the rest gets a row and a
    ``notification`` event on their own group carrying their new unseen count.

    Precondition: called from an action, inside its transaction, after the change it reports
    is written."""
    organization_id = case.organization_id
    candidates = {
        member.pk: member
        for member in recipients
        if member.organization_id == organization_id
        and member.is_active
        and (actor_member is None or member.pk != actor_member.pk)
    }
    if not candidates:
        return []
    _queue_copies(kind, candidates.values(), case, message, actor_member)
    members = wanting_in_app(candidates.values(), kind)
    if not members:
        return []
    with transaction.atomic():
        rows = Notification.objects.bulk_create(
            Notification(
                organization_id=organization_id,
                member=member,
                kind=kind,
                case=case,
                message=message,
                actor_member=actor_member,
                actor_contact=actor_contact,
            )
            for member in members
        )
        counts = unseen_counts(organization_id, [row.member_id for row in rows])
        for row in rows:
            event: NotificationCreated = {
                "type": "notification",
                "organization_id": organization_id,
                "member_id": row.member_id,
                "notification": notification_payload(row),
                "unseen_count": counts.get(row.member_id, 0),
            }
            send_event_on_commit(event, [member_group(organization_id, row.member_id)])
    return rows


def _queue_copies(
    kind: KindName,
    members: Iterable[Member],
    case: Case,
    message: Message | None,
    actor: Member | None,
) -> None:
    """The e-mail, SMS and push copies, for members whose choices (and their administrator's
    policy) ask for them; they leave through the outbox with the change that caused them."""
    for member in members:
        if member.user.email and wants(member, kind, DeliveryChannel.EMAIL):
            queue_notification(member, kind, case=case, message=message, actor=actor)
        if member.phone and wants(member, kind, DeliveryChannel.SMS):
            queue_notification(
                member,
                kind,
                case=case,
                message=message,
                actor=actor,
                channel=OutboundChannel.SMS,
            )
        if wants(member, kind, DeliveryChannel.PUSH):
            queue_pushes(member, kind, case=case, message=message, actor=actor)


def do_mark_seen(member: Member, ids: Iterable[int]) -> int:
    """Mark some of the member's notifications seen; returns their unseen count.

    Ids that are not the member's unseen notifications change nothing (the door answers "not
    found" for ids that are not theirs); when nothing changed, nothing is published."""
    ids = list(ids)
    with transaction.atomic():
        unseen = my_notifications(member).filter(seen__isnull=True)
        # Locked, so that two tabs marking the same rows report each row once.
        marked = list(
            unseen.filter(pk__in=ids)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not marked:
            return unseen.count()
        unseen.filter(pk__in=marked).update(seen=timezone.now())
        count = unseen.count()
        _publish_seen(member, count, marked=marked)
    return count


def do_mark_all_seen(member: Member) -> int:
    """Mark every notification the member has seen, up to the newest one there is now: one that
    arrives while this runs stays unseen. Returns the unseen count."""
    with transaction.atomic():
        unseen = my_notifications(member).filter(seen__isnull=True)
        up_to: int | None = unseen.aggregate(newest=Max("pk"))["newest"]
        if up_to is None:
            return 0
        unseen.filter(pk__lte=up_to).update(seen=timezone.now())
        count = unseen.count()
        _publish_seen(member, count, up_to_id=up_to)
    return count


def _publish_seen(
    member: Member, count: int, *, marked: Sequence[int] = (), up_to_id: int | None = None
) -> None:
    event: NotificationSeen = {
        "type": "notification.seen",
        "organization_id": member.organization_id,
        "member_id": member.pk,
        "notification_ids": list(marked),
        "up_to_id": up_to_id,
        "unseen_count": count,
    }
    send_event_on_commit(event, [member_group(member.organization_id, member.pk)])


def _check_choice(kind: str, channel: str) -> None:
    if kind not in Kind.values:
        raise HubError(_("Unknown notification kind."), field="kind")
    if channel not in DeliveryChannel.values:
        raise HubError(_("Unknown notification channel."), field="channel")


def do_set_preferences(member: Member, choices: Sequence[Choice]) -> list[NotificationPreference]:
    """The member switches kinds on or off per channel: all of ``(kind, channel, enabled)`` or,
    when one is invalid, none.

    Only for the member themself (there is no actor): nobody else chooses a member's kinds. A
    choice the administrator's policy blocks (e-mail, SMS) is stored all the same; the policy
    decides at delivery, and the member's choice is back in force if it is lifted."""
    for kind, channel, _enabled in choices:
        _check_choice(kind, channel)
    with transaction.atomic():
        return [
            NotificationPreference.objects.update_or_create(
                member=member,
                kind=kind,
                channel=channel,
                defaults={"organization_id": member.organization_id, "enabled": enabled},
            )[0]
            for kind, channel, enabled in choices
        ]


def do_set_preference(
    member: Member, kind: str, channel: str, enabled: bool
) -> NotificationPreference:
    [preference] = do_set_preferences(member, [(kind, channel, enabled)])
    return preference


def check_can_set_policy(actor: Member, member: Member) -> None:
    """A member's policy is between them and an administrator of their organisation."""
    if actor.role != Role.ADMIN or actor.organization_id != member.organization_id:
        raise Forbidden(
            _("Only an administrator may see or change a member's notification policy.")
        )


def do_set_policy(
    admin_actor: Member, member: Member, *, email_allowed: bool, sms_allowed: bool
) -> NotificationPolicy:
    """An administrator allows or forbids e-mail and SMS notifications for a member of their
    organisation. This is all an administrator decides: the kinds stay the member's choice."""
    check_can_set_policy(admin_actor, member)
    with transaction.atomic():
        policy, _created = NotificationPolicy.objects.update_or_create(
            member=member,
            defaults={
                "organization_id": member.organization_id,
                "email_allowed": email_allowed,
                "sms_allowed": sms_allowed,
            },
        )
    return policy
