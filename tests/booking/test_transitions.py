"""Every booking transition, allowed and refused: planning, locking (one and a day), sending by
SMS, e-mail and letter, the customer's answer, manual follow-up, on hold, done, cancelled, and
rescheduling what the customer was already told."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from hub.accounts.models import Member, Role
from hub.booking.actions.followup import (
    do_back_to_planning,
    do_cancel,
    do_follow_up_manually,
    do_mark_done,
    do_put_on_hold,
    do_send_to_execution,
)
from hub.booking.actions.planning import do_lock, do_lock_day, do_plan, do_reorder_day
from hub.booking.actions.sending import do_send_booking, do_send_bookings, do_send_confirmation
from hub.booking.codes import ALPHABET
from hub.booking.models import JobKind, JobState, Letter, Notice, ScheduledJob, State
from hub.customers.models import Customer
from hub.errors import Conflict, Forbidden, HubError
from hub.events import case_group, member_group
from hub.notify.models import Notification
from hub.outbox.models import Delivery, OutboundChannel
from hub.sms.models import OptOut
from hub.threads.actions.cases import do_create_case
from hub.threads.actions.messages import do_receive_customer_message
from hub.threads.models import Channel, Event, Message
from tests.booking.helpers import (
    VISIT_DAY,
    at,
    booked_case,
    booking_of,
    plan,
    sent_case,
    sms_answer,
)
from tests.events import recording
from tests.factories import make_customer_case, make_member

pytestmark = pytest.mark.django_db


def kinds(case_id: int) -> list[str]:
    return list(
        Event.objects.filter(case_id=case_id, kind__startswith="booking.")
        .order_by("pk")
        .values_list("kind", flat=True)
    )


# Planning


def test_planning_gives_the_case_to_the_technician_and_offers_a_confirmation(
    dispatcher: Member, technician: Member
) -> None:
    case = make_customer_case(dispatcher, title="Bytte av strømmåler")
    planned = do_plan(
        dispatcher,
        case,
        technician=technician,
        start=at(10),
        duration=timedelta(hours=1),
        service_objects=["Måler 7071234", " ", "Sikringsskap"],
    )
    booking = booking_of(case)
    assert booking.state == State.PLANNED
    assert booking.end == at(11)
    assert booking.service_objects == ["Måler 7071234", "Sikringsskap"]
    assert booking.sequence == 1
    assert planned.offer_confirmation == ["email", "sms"]
    case.refresh_from_db()
    assert case.assignee_member == technician
    assert Notification.objects.filter(member=technician, case=case).exists()
    assert kinds(case.pk) == ["booking.planned"]


def test_planning_is_refused_to_technicians_and_for_a_bad_slot(
    dispatcher: Member, technician: Member, other_org: object
) -> None:
    case = make_customer_case(dispatcher)
    with pytest.raises(Forbidden):
        plan(technician, case, technician)
    with pytest.raises(HubError, match="15 minutes"):
        do_plan(
            dispatcher, case, technician=technician, start=at(10), duration=timedelta(minutes=5)
        )
    stranger = make_member(other_org, Role.TECHNICIAN)  # type: ignore[arg-type]
    with pytest.raises(HubError, match="No such member"):
        plan(dispatcher, case, stranger)
    assert not hasattr(case, "booking") or case.booking.state == State.UNPLANNED


def test_the_second_booking_of_a_day_comes_after_the_first_and_the_day_can_be_reordered(
    dispatcher: Member, technician: Member
) -> None:
    first = booked_case(dispatcher, technician, at(8))
    second = booked_case(dispatcher, technician, at(12))
    third = booked_case(dispatcher, technician, at(14))
    assert [booking_of(c).sequence for c in (first, second, third)] == [1, 2, 3]
    do_reorder_day(dispatcher, technician, VISIT_DAY, [third.pk, first.pk, second.pk])
    assert [booking_of(c).sequence for c in (third, first, second)] == [1, 2, 3]
    with pytest.raises(HubError, match="every case booked on Lars Berg"):
        do_reorder_day(dispatcher, technician, VISIT_DAY, [third.pk, first.pk])


# Locking


def test_locking_issues_an_unambiguous_code_and_ready_to_print(
    dispatcher: Member, technician: Member
) -> None:
    case = booked_case(dispatcher, technician)
    do_lock(dispatcher, case, "letter")
    booking = booking_of(case)
    assert booking.state == State.LOCKED
    assert booking.channel == "letter"
    assert re.fullmatch(f"[{ALPHABET}]{{6}}", booking.code)
    assert not set(booking.code) & set("0O1IL5S")
    with pytest.raises(Conflict, match="ready to print"):
        do_lock(dispatcher, case)


def test_locking_is_refused_from_unplanned_and_names_every_missing_field(
    dispatcher: Member, technician: Member
) -> None:
    unplanned = make_customer_case(dispatcher)
    with pytest.raises(Conflict, match="unplanned"):
        do_lock(dispatcher, unplanned)
    case = booked_case(dispatcher, technician)
    Customer.objects.filter(pk=case.customer_id).update(street="")
    assert case.contact is not None
    case.contact.phone = ""
    case.contact.save()
    case.refresh_from_db()
    with pytest.raises(HubError) as refused:
        do_lock(dispatcher, case, "sms")
    assert "no street address" in refused.value.message
    assert "no mobile number for SMS" in refused.value.message
    assert booking_of(case).state == State.PLANNED


def test_an_opted_out_number_cannot_be_locked_for_sms(
    dispatcher: Member, technician: Member
) -> None:
    case = booked_case(dispatcher, technician)
    assert case.contact is not None
    OptOut.objects.create(organization=case.organization, phone=case.contact.phone)
    with pytest.raises(HubError, match="opted out"):
        do_lock(dispatcher, case, "sms")
    do_lock(dispatcher, case, "email")


def test_locking_a_day_locks_what_can_be_and_names_what_cannot(
    dispatcher: Member, technician: Member
) -> None:
    cases = [booked_case(dispatcher, technician, at(hour)) for hour in (8, 10, 12)]
    incomplete = booked_case(dispatcher, technician, at(14))
    Customer.objects.filter(pk=incomplete.customer_id).update(street="")
    other_day = booked_case(dispatcher, technician, at(9, day=VISIT_DAY + timedelta(days=1)))
    colleague = make_member(dispatcher.organization, Role.TECHNICIAN, handle="per")
    colleagues = booked_case(dispatcher, colleague, at(8))

    results = do_lock_day(dispatcher, technician, VISIT_DAY, "sms")

    assert [r.case.pk for r in results if r.booking] == [c.pk for c in cases]
    refused = [r for r in results if not r.booking]
    assert [r.case.pk for r in refused] == [incomplete.pk]
    assert "no street address" in refused[0].error
    codes = {booking_of(c).code for c in cases}
    assert len(codes) == 3
    assert booking_of(incomplete).state == State.PLANNED
    assert booking_of(other_day).state == State.PLANNED
    assert booking_of(colleagues).state == State.PLANNED


# Sending


def test_sending_by_sms_waits_for_an_answer_until_the_deadline(
    dispatcher: Member, technician: Member
) -> None:
    before = timezone.now()
    case = sent_case(dispatcher, technician, channel="sms")
    booking = booking_of(case)
    assert booking.state == State.AWAITING_RESPONSE
    assert booking.customer_told
    assert booking.response_deadline is not None
    assert booking.response_deadline - before >= timedelta(hours=48)
    message = Message.objects.get(case=case, channel=Channel.SMS)
    assert "fredag 4. oktober kl. 10:00-11:00" in message.text
    assert 'Svar "OK"' in message.text
    delivery = Delivery.objects.get(message=message)
    assert delivery.channel == OutboundChannel.SMS
    assert delivery.recipient == "+4741234567"
    job = ScheduledJob.objects.get(booking=booking, state=JobState.PENDING)
    assert job.kind == JobKind.ANSWER_DEADLINE
    assert job.due == booking.response_deadline
    assert Notice.objects.get(booking=booking).purpose == "booking_request"
    assert kinds(case.pk)[-2:] == ["booking.locked", "booking.sent"]


def test_sending_by_email_uses_the_template_subject(dispatcher: Member, technician: Member) -> None:
    case = sent_case(dispatcher, technician, channel="email")
    delivery = Delivery.objects.get(case=case)
    assert delivery.channel == OutboundChannel.EMAIL
    assert delivery.subject
    assert booking_of(case).code in delivery.message.text  # type: ignore[union-attr]


def test_a_letter_goes_into_the_letters_folder_and_nothing_is_sent(
    dispatcher: Member, technician: Member
) -> None:
    case = sent_case(dispatcher, technician, channel="letter")
    letter = Letter.objects.get(case=case)
    with letter.file.open("rb") as pdf:
        assert pdf.read().startswith(b"%PDF")
    assert letter.message is not None
    assert letter.message.channel == Channel.LETTER
    assert not Delivery.objects.filter(case=case).exists()
    booking = booking_of(case)
    assert booking.response_deadline is not None
    assert booking.response_deadline - timezone.now() > timedelta(days=6)


def test_sending_is_refused_before_locking_and_with_customer_communication_off(
    dispatcher: Member, technician: Member
) -> None:
    case = booked_case(dispatcher, technician)
    with pytest.raises(Conflict, match="planned"):
        do_send_booking(dispatcher, case)
    do_lock(dispatcher, case, "sms")
    case.customer_channel = False
    case.save()
    with pytest.raises(HubError, match="customer communication is off"):
        do_send_booking(dispatcher, case)
    assert booking_of(case).state == State.LOCKED
    assert not Message.objects.filter(case=case).exists()


def test_sending_many_sends_each_that_can_go(dispatcher: Member, technician: Member) -> None:
    ready = [booked_case(dispatcher, technician, at(h)) for h in (8, 10)]
    for case in ready:
        do_lock(dispatcher, case, "sms")
    not_locked = booked_case(dispatcher, technician, at(12))
    results = do_send_bookings(dispatcher, [*ready, not_locked])
    assert [r.booking is not None for r in results] == [True, True, False]
    assert "planned" in results[2].error
    assert all(booking_of(c).state == State.AWAITING_RESPONSE for c in ready)


# The customer's answer


@pytest.mark.parametrize("answer", ["OK", "ok", "Ok!!", "{code} OK", "Det er greit 👍"])
def test_a_clear_yes_confirms(dispatcher: Member, technician: Member, answer: str) -> None:
    case = sent_case(dispatcher, technician)
    booking = booking_of(case)
    record = sms_answer(case, answer.format(code=booking.code))
    assert record.case == case
    booking.refresh_from_db()
    assert booking.state == State.CONFIRMED
    assert booking.response_deadline is None
    jobs = ScheduledJob.objects.filter(booking=booking)
    assert jobs.get(kind=JobKind.ANSWER_DEADLINE).state == JobState.CANCELLED
    assert jobs.get(kind=JobKind.DAY_BEFORE, state=JobState.PENDING).due == at(
        17, day=date(2030, 10, 3)
    )
    answered = Event.objects.get(case=case, kind="booking.answered")
    assert answered.data["intent"] == "confirm"
    assert answered.actor_contact == case.contact


@pytest.mark.parametrize(
    "answer", ["Passer ikke, ring meg", "ikke ok", "OK?", "ok, men etter kl 12", "KONTAKT"]
)
def test_anything_else_goes_to_a_person(
    dispatcher: Member, technician: Member, answer: str
) -> None:
    case = sent_case(dispatcher, technician)
    sms_answer(case, answer)
    booking = booking_of(case)
    assert booking.state == State.MANUAL_FOLLOW_UP
    answered = Event.objects.get(case=case, kind="booking.answered")
    assert answered.data["text"] == answer
    assert answered.data["after"] == State.MANUAL_FOLLOW_UP
    deadline = ScheduledJob.objects.get(booking=booking, kind=JobKind.ANSWER_DEADLINE)
    assert deadline.state == JobState.CANCELLED


def test_an_out_of_office_reply_is_no_answer(dispatcher: Member, technician: Member) -> None:
    case = sent_case(dispatcher, technician, channel="email")
    assert case.contact is not None
    do_receive_customer_message(
        case, case.contact, text="OK", channel=Channel.EMAIL, automatic=True
    )
    assert booking_of(case).state == State.AWAITING_RESPONSE


def test_a_yes_in_manual_follow_up_still_confirms_and_a_no_after_confirming_changes_nothing(
    dispatcher: Member, technician: Member
) -> None:
    case = sent_case(dispatcher, technician)
    sms_answer(case, "Hvem er dette?")
    assert booking_of(case).state == State.MANUAL_FOLLOW_UP
    sms_answer(case, "Ok, det passer fint")
    assert booking_of(case).state == State.CONFIRMED
    sms_answer(case, "Forresten, passer ikke likevel")
    assert booking_of(case).state == State.CONFIRMED


def test_the_code_routes_an_sms_to_its_case_among_several(
    dispatcher: Member, technician: Member
) -> None:
    first = sent_case(dispatcher, technician, at(8))
    customer = first.customer
    contact = first.contact
    assert customer is not None
    assert contact is not None
    second = do_create_case(
        dispatcher, title="Elbillader", customer=customer, contact=contact, customer_channel=True
    )
    plan(dispatcher, second, technician, at(12))
    do_lock(dispatcher, second, "sms")
    do_send_booking(dispatcher, second)
    # The last SMS went to the second case; the code names the first.
    record = sms_answer(first, f"{booking_of(first).code} ok")
    assert record.case == first
    assert record.matched_by == "booking_code"
    assert booking_of(first).state == State.CONFIRMED
    assert booking_of(second).state == State.AWAITING_RESPONSE


# Manual follow-up, on hold, done, cancelled


def test_follow_up_manually_before_the_reminder(dispatcher: Member, technician: Member) -> None:
    case = sent_case(dispatcher, technician)
    do_follow_up_manually(dispatcher, case)
    booking = booking_of(case)
    assert booking.state == State.MANUAL_FOLLOW_UP
    assert not ScheduledJob.objects.filter(booking=booking, state=JobState.PENDING).exists()
    with pytest.raises(Conflict, match="manual follow-up"):
        do_follow_up_manually(dispatcher, case)


def test_send_to_execution_confirms_without_a_message(
    dispatcher: Member, technician: Member
) -> None:
    case = sent_case(dispatcher, technician)
    sms_answer(case, "Passer ikke")
    messages = Message.objects.filter(case=case).count()
    do_send_to_execution(dispatcher, case)
    assert booking_of(case).state == State.CONFIRMED
    assert Message.objects.filter(case=case).count() == messages
    with pytest.raises(Conflict):
        do_send_to_execution(dispatcher, case)


def test_a_booking_confirmation_confirms_by_sms_and_email(
    dispatcher: Member, technician: Member
) -> None:
    case = booked_case(dispatcher, technician)
    do_send_confirmation(dispatcher, case, ["sms", "email"])
    booking = booking_of(case)
    assert booking.state == State.CONFIRMED
    sent = Delivery.objects.filter(case=case).values_list("channel", flat=True)
    assert sorted(sent) == ["email", "sms"]
    assert Notice.objects.filter(booking=booking, purpose="booking_confirmation").count() == 2
    with pytest.raises(HubError, match="SMS, e-mail or both"):
        do_send_confirmation(dispatcher, booked_case(dispatcher, technician), ["letter"])
    with pytest.raises(Conflict, match="ready for execution"):
        do_send_confirmation(dispatcher, case, ["sms"])


def test_on_hold_with_unassigning_and_back_to_planning(
    dispatcher: Member, technician: Member
) -> None:
    case = sent_case(dispatcher, technician)
    do_put_on_hold(dispatcher, case, back_around=date(2030, 11, 1), unassign=True)
    booking = booking_of(case)
    assert booking.state == State.ON_HOLD
    assert booking.technician is None
    assert booking.code == ""
    assert booking.hold_until == date(2030, 11, 1)
    assert not ScheduledJob.objects.filter(booking=booking, state=JobState.PENDING).exists()
    with pytest.raises(Conflict, match="on hold"):
        do_lock(dispatcher, case)
    do_back_to_planning(dispatcher, case)
    assert booking_of(case).state == State.UNPLANNED
    plan(dispatcher, case, technician, at(9, day=date(2030, 11, 4)))
    assert booking_of(case).state == State.PLANNED


def test_done_by_the_technician_of_the_booking_only_once_confirmed(
    dispatcher: Member, technician: Member
) -> None:
    case = booked_case(dispatcher, technician)
    with pytest.raises(Conflict, match="planned"):
        do_mark_done(dispatcher, case)
    do_send_confirmation(dispatcher, case, ["sms"])
    colleague = make_member(dispatcher.organization, Role.TECHNICIAN, handle="per")
    with pytest.raises(Forbidden):
        do_mark_done(colleague, case)
    do_mark_done(technician, case)
    assert booking_of(case).state == State.DONE
    with pytest.raises(Conflict, match="done"):
        do_cancel(dispatcher, case)
    with pytest.raises(Conflict):
        plan(dispatcher, case, technician)


def test_cancelling_stops_every_scheduled_job(dispatcher: Member, technician: Member) -> None:
    case = sent_case(dispatcher, technician)
    do_cancel(dispatcher, case)
    booking = booking_of(case)
    assert booking.state == State.CANCELLED
    assert not ScheduledJob.objects.filter(booking=booking, state=JobState.PENDING).exists()
    # A cancelled booking's code is free again and routes nothing.
    record = sms_answer(case, f"{booking.code} OK")
    assert record.matched_by != "booking_code"


# Rescheduling


def test_rescheduling_a_told_booking_sends_a_notice_and_marks_the_old_one_stale(
    dispatcher: Member, technician: Member, django_capture_on_commit_callbacks: Any
) -> None:
    case = sent_case(dispatcher, technician)
    sms_answer(case, "OK")
    first = Delivery.objects.get(case=case)
    with (
        recording(case_group(case.organization_id, case.pk)) as recorder,
        django_capture_on_commit_callbacks(execute=True),
    ):
        do_plan(dispatcher, case, technician=technician, start=at(13), duration=timedelta(hours=2))
    first.refresh_from_db()
    assert first.stale
    booking = booking_of(case)
    assert booking.state == State.AWAITING_RESPONSE
    notice = Notice.objects.filter(booking=booking).latest("pk")
    assert notice.purpose == "reschedule_notice"
    assert not notice.stale
    assert Notice.objects.filter(booking=booking, stale=True).count() == 1
    new = Delivery.objects.filter(case=case).latest("pk")
    assert not new.stale
    assert "13:00" in new.message.text  # type: ignore[union-attr]
    pending = ScheduledJob.objects.filter(booking=booking, state=JobState.PENDING)
    assert [job.kind for job in pending] == [JobKind.ANSWER_DEADLINE]
    stale_events = [
        e
        for e in recorder.of(case_group(case.organization_id, case.pk))
        if e["type"] == "delivery.updated" and e["delivery"]["stale"]
    ]
    assert stale_events


def test_rescheduling_without_telling_goes_back_to_planning(
    dispatcher: Member, technician: Member
) -> None:
    case = sent_case(dispatcher, technician)
    do_plan(
        dispatcher,
        case,
        technician=technician,
        start=at(13),
        duration=timedelta(hours=1),
        notify_customer=False,
    )
    booking = booking_of(case)
    assert booking.state == State.PLANNED
    assert booking.code == ""
    assert Delivery.objects.get(case=case).stale
    assert Delivery.objects.filter(case=case).count() == 1


def test_another_technician_is_a_reschedule_too(
    dispatcher: Member, technician: Member, django_capture_on_commit_callbacks: Any
) -> None:
    case = sent_case(dispatcher, technician)
    colleague = make_member(dispatcher.organization, Role.TECHNICIAN, handle="per", name="Per")
    with (
        recording(member_group(case.organization_id, technician.pk)) as old_day,
        django_capture_on_commit_callbacks(execute=True),
    ):
        plan(dispatcher, case, colleague)
    assert Delivery.objects.filter(case=case, stale=True).count() == 1
    assert booking_of(case).technician == colleague
    assert "booking.updated" in old_day.types(member_group(case.organization_id, technician.pk))


def test_every_change_is_pushed_live(
    dispatcher: Member, technician: Member, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_customer_case(dispatcher)
    groups = (
        case_group(case.organization_id, case.pk),
        member_group(case.organization_id, technician.pk),
    )
    with recording(*groups) as recorder, django_capture_on_commit_callbacks(execute=True):
        plan(dispatcher, case, technician)
        do_lock(dispatcher, case, "sms")
    for group in groups:
        states = [
            e["booking"]["state"] for e in recorder.of(group) if e["type"] == "booking.updated"
        ]
        assert states == ["planned", "locked"]
    locked = [e for e in recorder.of(groups[0]) if e["type"] == "booking.updated"][-1]
    assert locked["booking"]["actions"] == ["plan", "send", "confirm", "hold", "cancel"]
