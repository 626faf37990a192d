"""Deadlines and reminders with time moved forward: the booking reminder at the answer deadline,
the appointment reminder the day before at the organisation's hour in its zone (and an hour
before when asked), each once, also when a worker dies mid-job or the gateways restart."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.utils import timezone

from hub.accounts.models import Member
from hub.booking.actions import reminders
from hub.booking.actions._common import booking_settings
from hub.booking.actions.schedule import run_due_jobs
from hub.booking.actions.sending import do_send_confirmation
from hub.booking.models import JobKind, JobState, ScheduledJob, State
from hub.gateways.outbox import Dispatcher
from hub.gateways.scheduler import Scheduler
from hub.outbox.models import Delivery
from hub.outbox.models import State as DeliveryState
from hub.threads.models import Event
from tests.booking.helpers import at, booked_case, booking_of, plan, sent_case, sms_answer
from tests.factories import make_member

DAY_BEFORE = date(2030, 10, 3)


def reminders_of(case_id: int) -> list[Delivery]:
    return list(Delivery.objects.filter(case_id=case_id, automatic=True).order_by("pk"))


@pytest.mark.django_db
def test_no_answer_by_the_deadline_reminds_once_and_goes_to_a_person(
    dispatcher: Member, technician: Member
) -> None:
    case = sent_case(dispatcher, technician)
    deadline = booking_of(case).response_deadline
    assert deadline is not None
    assert run_due_jobs(now=deadline - timedelta(minutes=1)) == 0
    assert booking_of(case).state == State.AWAITING_RESPONSE
    assert run_due_jobs(now=deadline + timedelta(minutes=1)) == 1
    assert run_due_jobs(now=deadline + timedelta(days=3)) == 0
    assert booking_of(case).state == State.MANUAL_FOLLOW_UP
    (reminder,) = reminders_of(case.pk)
    assert reminder.channel == "sms"
    assert booking_of(case).code in reminder.message.text  # type: ignore[union-attr]
    event = Event.objects.get(case=case, kind="booking.reminded")
    assert event.data["outcome"] == "sent"
    assert event.actor_member is None


@pytest.mark.django_db
def test_a_customer_without_a_mobile_is_reminded_by_email(
    dispatcher: Member, technician: Member
) -> None:
    case = sent_case(dispatcher, technician, channel="email")
    assert case.contact is not None
    case.contact.phone = ""
    case.contact.save()
    deadline = booking_of(case).response_deadline
    assert deadline is not None
    run_due_jobs(now=deadline)
    (reminder,) = reminders_of(case.pk)
    assert reminder.channel == "email"


@pytest.mark.django_db
def test_an_answer_before_the_deadline_cancels_the_reminder(
    dispatcher: Member, technician: Member
) -> None:
    case = sent_case(dispatcher, technician)
    sms_answer(case, "Passer ikke")
    assert run_due_jobs(now=timezone.now() + timedelta(days=30)) == 0
    assert reminders_of(case.pk) == []


@pytest.mark.django_db
def test_a_worker_dying_mid_job_leaves_it_for_the_next(
    dispatcher: Member, technician: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = sent_case(dispatcher, technician)
    deadline = booking_of(case).response_deadline
    assert deadline is not None

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the worker was killed")

    with monkeypatch.context() as patched:
        patched.setattr(reminders, "tell", crash)
        with pytest.raises(RuntimeError):
            run_due_jobs(now=deadline)
    assert ScheduledJob.objects.get(booking__case=case).state == JobState.PENDING
    assert booking_of(case).state == State.AWAITING_RESPONSE
    assert run_due_jobs(now=deadline) == 1
    assert len(reminders_of(case.pk)) == 1


@pytest.mark.django_db
def test_the_appointment_reminder_goes_the_day_before_at_the_chosen_hour(
    dispatcher: Member, technician: Member
) -> None:
    options = booking_settings(dispatcher.organization)
    options.reminder_hour = 18
    options.save()
    case = sent_case(dispatcher, technician, at(10))
    sms_answer(case, "OK")
    assert run_due_jobs(now=at(17, 59, day=DAY_BEFORE)) == 0
    assert run_due_jobs(now=at(18, 0, day=DAY_BEFORE)) == 1
    assert run_due_jobs(now=at(9, 59)) == 0
    (reminder,) = reminders_of(case.pk)
    assert "10:00-11:00" in reminder.message.text  # type: ignore[union-attr]
    assert Event.objects.filter(case=case, kind="booking.appointment_reminded").count() == 1


@pytest.mark.django_db
def test_reminders_follow_the_organisations_zone(dispatcher: Member, technician: Member) -> None:
    organization = dispatcher.organization
    organization.time_zone = "America/New_York"  # far from UTC, so a wrong zone shows
    organization.save()
    case = booked_case(dispatcher, technician, at(10))
    do_send_confirmation(dispatcher, case, ["sms"])
    job = ScheduledJob.objects.get(booking__case=case, kind=JobKind.DAY_BEFORE)
    import zoneinfo

    local = job.due.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert (local.hour, local.minute) == (17, 0)


@pytest.mark.django_db
def test_an_hour_before_when_the_organisation_wants_it(
    dispatcher: Member, technician: Member
) -> None:
    options = booking_settings(dispatcher.organization)
    options.remind_hour_before = True
    options.save()
    case = booked_case(dispatcher, technician, at(10))
    do_send_confirmation(dispatcher, case, ["sms"])
    assert run_due_jobs(now=at(17, 0, day=DAY_BEFORE)) == 1
    assert run_due_jobs(now=at(9, 0)) == 1
    assert len(reminders_of(case.pk)) == 2


@pytest.mark.django_db
def test_no_reminder_for_what_was_confirmed_after_its_hour(
    dispatcher: Member, technician: Member
) -> None:
    soon = timezone.now() + timedelta(hours=3)
    case = booked_case(dispatcher, technician, soon)
    do_send_confirmation(dispatcher, case, ["sms"])
    day_before = ScheduledJob.objects.filter(booking__case=case, kind=JobKind.DAY_BEFORE)
    assert not day_before.exists() or day_before.get().due > timezone.now()


@pytest.mark.django_db
def test_a_rescheduled_booking_is_reminded_of_the_new_time_only(
    dispatcher: Member, technician: Member
) -> None:
    case = booked_case(dispatcher, technician, at(10))
    do_send_confirmation(dispatcher, case, ["sms"])
    plan(dispatcher, case, technician, at(10, day=date(2030, 10, 8)), hours=1)
    do_send_confirmation(dispatcher, case, ["sms"])
    assert run_due_jobs(now=at(17, 0, day=DAY_BEFORE)) == 0
    assert run_due_jobs(now=at(17, 0, day=date(2030, 10, 7))) == 1
    assert booking_of(case).state == State.CONFIRMED


@pytest.mark.django_db(transaction=True)
def test_a_gateway_restart_between_due_time_and_send_sends_once(
    dispatcher: Member, technician: Member
) -> None:
    """The real scheduler of a gateway process does the due job and is stopped before its
    dispatcher sends; a second process comes up, its scheduler finds nothing more to do and
    its dispatcher sends the reminder: one SMS."""
    case = sent_case(dispatcher, technician)
    ScheduledJob.objects.filter(booking__case=case).update(due=timezone.now() - timedelta(hours=2))

    async def gateway_process(name: str, seconds: float) -> None:
        scheduler = asyncio.create_task(Scheduler(poll_seconds=0.05).run())
        await asyncio.sleep(seconds)
        scheduler.cancel()
        with pytest.raises(asyncio.CancelledError):
            await scheduler

    async_to_sync(gateway_process)("first", 0.5)
    assert booking_of(case).state == State.MANUAL_FOLLOW_UP
    (queued,) = reminders_of(case.pk)
    assert queued.state == DeliveryState.QUEUED

    async def second() -> None:
        await gateway_process("second", 0.3)
        await Dispatcher("second").tick()
        await Dispatcher("third").tick()

    async_to_sync(second)()
    (sent,) = reminders_of(case.pk)
    assert sent.state == DeliveryState.SENT
    assert ScheduledJob.objects.get(booking__case=case).state == JobState.DONE
    _ = sync_to_async, datetime, make_member
