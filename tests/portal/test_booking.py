"""The booking in the portal: the technician's first name, the date and the time window, and
one tap to confirm (ready for execution) or to ask for another time (manual follow-up, with
the customer's words on the booking's history). A free reply is read as an answer too, as an
SMS or a mail is."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Member
from hub.booking.actions.sending import do_send_confirmation
from hub.booking.models import JobKind, JobState, ScheduledJob, State
from hub.threads.actions.cases import do_set_portal_visible
from hub.threads.models import Case, Channel, Event, EventKind, Message
from tests.booking.helpers import booked_case, booking_of, sent_case
from tests.portal.helpers import json_post, portal_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(dispatcher: Member, technician: Member) -> Case:
    """A booking request sent by SMS, waiting for the customer's answer, on a portal case."""
    case = sent_case(dispatcher, technician)
    return do_set_portal_visible(dispatcher, case, True)


def answer(client: Client, kind: str, text: str | None = None) -> Any:
    body = {"answer": kind} if text is None else {"answer": kind, "text": text}
    return json_post(client, "/api/portal/booking", body)


def answered(case: Case) -> dict[str, Any]:
    event = Event.objects.filter(case=case, kind=EventKind.BOOKING_ANSWERED).latest("pk")
    return {**event.data, "actor": event.actor_contact}


def test_the_booking_shows_who_and_when(dispatcher: Member, waiting: Case) -> None:
    customer = portal_client(dispatcher, waiting)
    booking = customer.get("/api/portal/case").json()["booking"]
    assert booking["state"] == "awaiting_response"
    assert booking["technician"] == "Lars"  # Lars Berg, by first name
    assert booking["date"] == "fredag 4. oktober"
    assert booking["time"] == "10:00\u201311:00"
    assert booking["answers"] == ["confirm", "another_time"]
    assert "code" not in booking
    assert booking_of(waiting).code not in str(customer.get("/api/portal/case").json())


def test_one_tap_confirms(dispatcher: Member, waiting: Case) -> None:
    customer = portal_client(dispatcher, waiting)
    reply = answer(customer, "confirm")
    assert reply.status_code == 200
    body = reply.json()
    assert body["booking"]["state"] == "confirmed"
    assert body["booking"]["answers"] == ["another_time"]
    # What the tap said, in the organisation's language, with the time it confirmed.
    assert "fredag 4. oktober, 10:00\u201311:00" in body["message"]["text"]
    assert booking_of(waiting).state == State.CONFIRMED
    message = Message.objects.get(pk=body["message"]["id"])
    assert message.channel == Channel.PORTAL
    assert message.author_contact == waiting.contact
    log = answered(waiting)
    assert log["intent"] == "confirm"
    assert log["via"] == "portal"
    assert log["before"] == "awaiting_response"
    assert log["after"] == "confirmed"
    assert log["actor"] == waiting.contact
    # The appointment reminder is set, the answer deadline gone.
    jobs = {job.kind: job.state for job in ScheduledJob.objects.filter(booking__case=waiting)}
    assert jobs[JobKind.ANSWER_DEADLINE] == JobState.CANCELLED
    assert jobs[JobKind.DAY_BEFORE] == JobState.PENDING


def test_another_time_goes_to_a_person_with_the_customers_words(
    dispatcher: Member, waiting: Case
) -> None:
    customer = portal_client(dispatcher, waiting)
    reply = answer(customer, "another_time", "Tirsdag etter kl. 12 passer bedre.")
    assert reply.status_code == 200
    assert reply.json()["booking"]["state"] == "manual_follow_up"
    assert booking_of(waiting).state == State.MANUAL_FOLLOW_UP
    log = answered(waiting)
    assert log["intent"] == "another_time"
    assert log["text"] == "Tirsdag etter kl. 12 passer bedre."
    assert reply.json()["message"]["text"] == "Tirsdag etter kl. 12 passer bedre."


def test_a_confirmed_time_can_still_be_declined(dispatcher: Member, technician: Member) -> None:
    case = booked_case(dispatcher, technician)
    do_set_portal_visible(dispatcher, case, True)
    do_send_confirmation(dispatcher, case, ["sms"])
    customer = portal_client(dispatcher, case)
    assert customer.get("/api/portal/case").json()["booking"]["answers"] == ["another_time"]
    refused = answer(customer, "confirm")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "booking_state"
    before = Message.objects.filter(case=case).count()
    assert answer(customer, "another_time").status_code == 200
    assert booking_of(case).state == State.MANUAL_FOLLOW_UP
    assert Message.objects.filter(case=case).count() == before + 1
    # No reminder of a time that no longer suits.
    assert not ScheduledJob.objects.filter(booking__case=case, state=JobState.PENDING).exists()


def test_nothing_to_answer(dispatcher: Member, case: Case) -> None:
    customer = portal_client(dispatcher, case)
    assert customer.get("/api/portal/case").json()["booking"] is None
    refused = answer(customer, "confirm")
    assert refused.status_code == 409
    assert not Message.objects.filter(case=case).exists()
    bad = answer(customer, "maybe")
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "answer"


def test_a_planned_booking_is_not_shown_before_the_customer_is_told(
    dispatcher: Member, technician: Member
) -> None:
    case = booked_case(dispatcher, technician)
    do_set_portal_visible(dispatcher, case, True)
    customer = portal_client(dispatcher, case)
    assert customer.get("/api/portal/case").json()["booking"] is None


def test_a_free_reply_is_read_as_an_answer_too(dispatcher: Member, waiting: Case) -> None:
    customer = portal_client(dispatcher, waiting)
    assert json_post(customer, "/api/portal/messages", {"text": "OK"}).status_code == 201
    assert booking_of(waiting).state == State.CONFIRMED
    assert answered(waiting)["intent"] == "confirm"
