"""Making portal links, and finding the link a delivery carries.

Kept apart from ``hub.portal.actions``: the thread actions call ``link_deliveries`` inside the
transaction that stores a message to the customer, and the portal actions build on the thread
actions, so this module imports neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from hub.accounts.models import Member
from hub.customers.models import Contact
from hub.outbox.models import Delivery
from hub.portal.models import LinkKind, PortalLink
from hub.portal.tokens import hash_token, new_token, portal_url, token_for_delivery
from hub.threads.models import Audience, Case


def link_expiry(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=settings.HUB_PORTAL_LINK_DAYS)


def may_link(case: Case, contact: Contact | None) -> bool:
    """Whether ``contact`` may be given a link to ``case`` now."""
    return (
        case.portal_visible
        and contact is not None
        and not contact.portal_locked
        and case.customer_id is not None
        and contact.customer_id == case.customer_id
        and contact.organization_id == case.organization_id
    )


def mint_link(
    case: Case, contact: Contact, *, kind: LinkKind, created_by: Member | None = None
) -> tuple[PortalLink, str]:
    """A new link and its token, which is returned here once and never stored.

    Precondition: ``may_link(case, contact)``."""
    token = new_token()
    link = PortalLink.objects.create(
        organization_id=case.organization_id,
        case=case,
        contact=contact,
        kind=kind,
        token_hash=hash_token(token),
        created_by=created_by,
        expires=link_expiry(),
    )
    return link, portal_url(token)


def link_deliveries(case: Case, deliveries: Sequence[Delivery]) -> list[PortalLink]:
    """Each e-mail or SMS to a contact of a case visible in the portal carries a link of its
    own for that contact; the token is rebuilt from the delivery when it is composed.

    Precondition: inside the transaction that queues the deliveries of a customer message."""
    links = [
        PortalLink(
            organization_id=case.organization_id,
            case=case,
            contact=delivery.recipient_contact,
            kind=LinkKind.MESSAGE,
            token_hash=hash_token(token_for_delivery(delivery.token)),
            created_by=delivery.sent_by,
            expires=link_expiry(),
        )
        for delivery in deliveries
        if delivery.recipient_contact is not None
        and delivery.purpose == "message"
        and may_link(case, delivery.recipient_contact)
    ]
    return PortalLink.objects.bulk_create(links)


def delivery_link(delivery: Delivery) -> str | None:
    """The portal address a customer e-mail or SMS carries, when it carries one.

    Precondition: ``delivery.message`` loaded."""
    message = delivery.message
    if delivery.purpose != "message" or message is None or message.audience != Audience.CUSTOMER:
        return None
    token = token_for_delivery(delivery.token)
    if not PortalLink.objects.filter(token_hash=hash_token(token), revoked=None).exists():
        return None
    return portal_url(token)
