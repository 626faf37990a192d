"""A customer's answer to a booking request: "OK" (or the ways people really say yes) confirms,
anything else goes to a person, who sees the answer on the case (PowerCatch: "KONTAKT, or any
text other than OK, goes to manual follow-up"). The hub never confirms when unsure: a false
confirmation sends a technician to a locked door."""

from __future__ import annotations

from hub.booking.actions._common import lock_booking, record
from hub.booking.actions.schedule import cancel_jobs
from hub.booking.actions.sending import confirm
from hub.booking.codes import codes_in
from hub.booking.models import ACTIVE_STATES, Booking, JobKind, State
from hub.booking.replies import CONFIRM_THRESHOLD, Intent, classify, strip_booking_code
from hub.threads.models import Audience, Direction, EventKind, Message

ANSWERABLE = (State.AWAITING_RESPONSE, State.MANUAL_FOLLOW_UP)
EXCERPT = 300
# A tap in the customer portal: an explicit yes, or "another time", which a customer may also
# say of a time already confirmed (they cannot make it after all).
PORTAL_ANSWERS: dict[str, tuple[State, ...]] = {
    "confirm": ANSWERABLE,
    "another_time": (*ANSWERABLE, State.CONFIRMED),
}


def booking_for_code(organization_id: int, text: str) -> Booking | None:
    """The organisation's active booking whose code the text carries, if any."""
    codes = codes_in(text)
    if not codes:
        return None
    return (
        Booking.objects.filter(
            organization_id=organization_id, code__in=codes, state__in=ACTIVE_STATES
        )
        .select_related("case__organization", "case__customer", "case__contact")
        .first()
    )


def take_answer(message: Message) -> Booking | None:
    """Read a customer's message on a case as an answer to its booking, when the booking waits
    for one. An out-of-office reply is no answer.

    Precondition: inside the transaction that stores ``message``."""
    if (
        message.automatic
        or message.direction != Direction.IN
        or message.audience != Audience.CUSTOMER
    ):
        return None
    if not Booking.objects.filter(case_id=message.case_id, state__in=ANSWERABLE).exists():
        return None
    booking = lock_booking(message.case)
    if booking.state not in ANSWERABLE:
        return None
    organization = booking.case.organization
    reply = strip_booking_code(message.text, booking.code) if booking.code else message.text
    result = classify(reply, organization.locale)
    before = booking.state
    if result.intent == Intent.CONFIRM and result.confidence >= CONFIRM_THRESHOLD:
        confirm(booking)
    elif booking.state == State.AWAITING_RESPONSE:
        booking.state = State.MANUAL_FOLLOW_UP
        booking.save()
        cancel_jobs(booking, JobKind.ANSWER_DEADLINE)
    record(
        booking,
        EventKind.BOOKING_ANSWERED,
        ["state"],
        contact=message.author_contact,
        before=before,
        intent=str(result.intent),
        confidence=round(result.confidence, 2),
        message_id=message.pk,
        text=message.text[:EXCERPT],
    )
    return booking


def portal_answers(booking: Booking) -> list[str]:
    """What the customer may answer in the portal now."""
    return [answer for answer, states in PORTAL_ANSWERS.items() if booking.state in states]


def take_portal_answer(booking: Booking, message: Message, answer: str) -> None:
    """The customer tapped "confirm" or "another time" in the portal; ``message`` carries their
    words. No reading of the words is needed: the tap says it. "Another time" is a person's
    work (manual follow-up), with no reminder of a time that no longer suits.

    Precondition: the booking locked (``lock_booking``) in the transaction that stores
    ``message``, and ``answer`` one of ``portal_answers(booking)``."""
    before = booking.state
    if answer == "confirm":
        confirm(booking)
    else:
        booking.state = State.MANUAL_FOLLOW_UP
        booking.save()
        cancel_jobs(booking)
    record(
        booking,
        EventKind.BOOKING_ANSWERED,
        ["state"],
        contact=message.author_contact,
        before=before,
        intent=answer,
        confidence=1.0,
        via="portal",
        message_id=message.pk,
        text=message.text[:EXCERPT],
    )
