"""Reading push subscriptions, always as one member of one organisation.

A delivery of the push channel names its subscription by ``subscription_address`` (the
endpoint itself is too long for a delivery's recipient, and a secret besides); the sender finds
it again with ``subscription_for_delivery``, which checks that it is still the same member's.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.errors import NotFound
from hub.outbox.models import Delivery
from hub.push.models import PushSubscription

ADDRESS_PREFIX = "push:"


def my_subscriptions(member: Member) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(organization_id=member.organization_id, member=member)


def access_subscription(member: Member, endpoint: str) -> PushSubscription:
    """The member's own subscription at ``endpoint``; another member's is *not found* too."""
    subscription = my_subscriptions(member).filter(endpoint=endpoint).first()
    if subscription is None:
        raise NotFound(_("This device has no push subscription of yours."), field="endpoint")
    return subscription


def subscription_address(subscription: PushSubscription) -> str:
    return f"{ADDRESS_PREFIX}{subscription.pk}"


def subscription_for_delivery(delivery: Delivery) -> PushSubscription | None:
    """The subscription a push delivery goes to, while it still belongs to the member the
    delivery is for, in the delivery's organisation; None once it is gone or changed hands."""
    number = delivery.recipient.removeprefix(ADDRESS_PREFIX)
    if not delivery.recipient.startswith(ADDRESS_PREFIX) or not number.isdigit():
        return None
    if delivery.recipient_member_id is None:
        return None
    return PushSubscription.objects.filter(
        pk=int(number),
        organization_id=delivery.organization_id,
        member_id=delivery.recipient_member_id,
    ).first()
