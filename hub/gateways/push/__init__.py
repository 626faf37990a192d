"""Web Push: the outbox dispatcher's sender for deliveries of the push channel.

``push_sender`` runs in the dispatcher's thread with the delivery loaded: it finds the device's
subscription, composes the payload in the member's language, encrypts and signs it, and returns
the send, which only talks to the push service and reports back through ``hub.push.actions``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _

from hub.errors import HubError
from hub.gateways.push.compose import compose_push
from hub.gateways.push.webpush import Unreachable, build_request, post, shorten
from hub.outbox.actions import Outcome
from hub.outbox.models import Delivery
from hub.push.access import subscription_for_delivery
from hub.push.actions import (
    check_endpoint,
    current_vapid_keys,
    do_forget_subscription,
    do_record_push_success,
)
from hub.push.keys import vapid_subject

type Send = Callable[[], Awaitable[Outcome]]

# Kinds where only the newest push matters while the device is offline: the push service keeps
# one per case (RFC 8030 Topic), as the device shows one per case (the tag).
REPLACEABLE = frozenset({"booking_changed"})


def push_sender(delivery: Delivery) -> Send:
    """Precondition: a push delivery, loaded as the dispatcher's ``_prepare`` loads it."""
    subscription = subscription_for_delivery(delivery)
    if subscription is None:
        outcome = Outcome(
            ok=False, error=_("The device no longer takes push notifications."), permanent=True
        )
        return lambda: _done(outcome)
    try:
        # Checked again: the rules may be stricter now than when the device subscribed.
        check_endpoint(subscription.endpoint)
    except HubError as error:
        refused = Outcome(ok=False, error=error.message, permanent=True)
        return lambda: _done(refused)
    message = compose_push(delivery)
    replaceable = delivery.purpose in REPLACEABLE
    request = build_request(
        subscription.endpoint,
        subscription.p256dh,
        subscription.auth,
        message.as_json(),
        current_vapid_keys(),
        subject=vapid_subject(),
        ttl=settings.HUB_PUSH_TTL_SECONDS,
        urgency="high" if replaceable else "normal",
        topic=message.tag if replaceable else "",
    )
    subscription_id = subscription.pk

    async def via_push_service() -> Outcome:
        try:
            answer = await post(request)
        except Unreachable as error:
            return Outcome(ok=False, error=f"push service unreachable: {error}")
        if answer.success:
            await sync_to_async(do_record_push_success)(subscription_id)
            return Outcome(ok=True, provider_id=answer.location[:255])
        if answer.gone:
            await sync_to_async(do_forget_subscription)(subscription_id)
            return Outcome(
                ok=False,
                error=_("The device's subscription has ended (HTTP %(status)d); it was removed.")
                % {"status": answer.status},
                permanent=True,
            )
        return Outcome(
            ok=False,
            error=shorten(f"push service HTTP {answer.status}: {answer.text.strip()}"),
            permanent=answer.permanent,
        )

    return via_push_service


async def _done(outcome: Outcome) -> Outcome:
    return outcome
