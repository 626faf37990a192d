"""The JSON doors of bookings: a case's booking, the day board, bulk sending, the letters
folder and the booking settings. Parse, authorise, call an action, answer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.booking.access import access_letter, visible_bookings
from hub.booking.actions._common import booking_settings, day_bounds
from hub.booking.actions.followup import (
    do_back_to_planning,
    do_cancel,
    do_follow_up_manually,
    do_mark_done,
    do_put_on_hold,
    do_send_to_execution,
)
from hub.booking.actions.letters import do_remove_letter, print_all
from hub.booking.actions.planning import do_lock, do_lock_day, do_plan, do_reorder_day
from hub.booking.actions.sending import do_send_booking, do_send_bookings, do_send_confirmation
from hub.booking.actions.settings import do_set_booking_settings, settings_payload
from hub.booking.models import Booking, Letter, State
from hub.booking.payloads import booking_payload, letter_payload, notice_payload
from hub.errors import HubError, NotFound
from hub.http import (
    field_bool,
    field_date,
    field_datetime,
    field_id,
    field_ids,
    field_int,
    field_optional_str,
    field_texts,
    json_view,
    parse_day,
    read_json,
)
from hub.threads.access import access_case, access_colleague
from hub.threads.models import Case, Event
from hub.threads.payloads import event_payload

MAX_BULK = 200


def _booking_of(case: Case) -> Booking:
    """The case's booking, or an unsaved unplanned one: every case can be booked."""
    found = (
        Booking.objects.filter(case=case)
        .select_related("technician", "case__organization", "case__customer", "case__contact")
        .first()
    )
    return found or Booking(case=case, organization_id=case.organization_id)


@json_view("GET", "PUT")
def case_booking(request: HttpRequest, member: Member, case_id: int) -> Any:
    case = access_case(member, case_id)
    if request.method == "PUT":
        return _plan(request, member, case)
    booking = _booking_of(case)
    history = (
        Event.objects.filter(case=case, kind__startswith="booking.")
        .select_related("actor_member", "actor_contact")
        .order_by("pk")
    )
    return {
        "booking": booking_payload(booking),
        "notices": [notice_payload(n) for n in booking.notices.order_by("pk")]
        if booking.pk
        else [],
        "history": [event_payload(event) for event in history],
        "letters": [
            letter_payload(letter)
            for letter in Letter.objects.filter(case=case).select_related("case__organization")
        ],
    }


def _plan(request: HttpRequest, member: Member, case: Case) -> Any:
    data = read_json(request)
    start = field_datetime(data, "start")
    if start is None:
        raise HubError(_("Give the planned start."), field="start")
    minutes = field_int(data, "duration_minutes")
    technician_id = field_id(data, "technician")
    planned = do_plan(
        member,
        case,
        technician=None if technician_id is None else _colleague(member, technician_id),
        start=start,
        duration=timedelta(minutes=60 if minutes is None else minutes),
        service_objects=field_texts(data, "service_objects") if "service_objects" in data else None,
        notify_customer=field_bool(data, "notify_customer", default=True),
    )
    return {
        "booking": booking_payload(planned.booking),
        "offer_confirmation": planned.offer_confirmation,
    }


@json_view("POST")
def booking_action(request: HttpRequest, member: Member, case_id: int, action: str) -> Any:
    """One door per state change, named as in the payload's ``actions``."""
    data = read_json(request) if request.body else {}
    case = access_case(member, case_id)
    channel = field_optional_str(data, "channel")
    if action == "lock":
        booking = do_lock(member, case, channel)
    elif action == "send":
        booking = do_send_booking(member, case, channel)
    elif action == "confirm":
        booking = do_send_confirmation(member, case, field_texts(data, "channels"))
    elif action == "execute":
        booking = do_send_to_execution(member, case)
    elif action == "follow_up":
        booking = do_follow_up_manually(member, case)
    elif action == "hold":
        booking = do_put_on_hold(
            member,
            case,
            back_around=field_date(data, "back_around"),
            unassign=field_bool(data, "unassign"),
        )
    elif action == "resume":
        booking = do_back_to_planning(member, case)
    elif action == "done":
        booking = do_mark_done(member, case)
    elif action == "cancel":
        booking = do_cancel(member, case)
    else:
        raise NotFound(_("No such booking action."))
    return {"booking": booking_payload(booking)}


@json_view("GET")
def bookings(request: HttpRequest, member: Member) -> Any:
    """Bookings by state, e.g. everything ready to print or waiting for a person."""
    states = [s for s in request.GET.get("state", "").split(",") if s]
    unknown = sorted(set(states) - set(State.values))
    if unknown:
        raise HubError(_("Unknown state: %(state)s") % {"state": unknown[0]}, field="state")
    rows = visible_bookings(member).exclude(state=State.UNPLANNED)
    if states:
        rows = rows.filter(state__in=states)
    technician = request.GET.get("technician")
    if technician:
        rows = rows.filter(technician_id=_id(technician, "technician"))
    rows = rows.order_by("start", "sequence", "pk")[:500]
    return {"results": [booking_payload(booking) for booking in rows]}


@json_view("POST")
def send_many(request: HttpRequest, member: Member) -> Any:
    data = read_json(request)
    case_ids = field_ids(data, "cases")
    if not case_ids or len(case_ids) > MAX_BULK:
        raise HubError(
            _("Choose between 1 and %(limit)d cases.") % {"limit": MAX_BULK}, field="cases"
        )
    cases = [access_case(member, case_id) for case_id in case_ids]
    results = do_send_bookings(member, cases, field_optional_str(data, "channel"))
    return {"results": [_result(r.case, r.booking, r.error) for r in results]}


@json_view("GET")
def day_board(request: HttpRequest, member: Member) -> Any:
    """The bookings of a day, one column per technician in visit order (a technician sees
    their own column)."""
    day = parse_day(request.GET.get("date", ""), "date")
    start, end = day_bounds(member.organization, day)
    rows = (
        visible_bookings(member)
        .filter(start__gte=start, start__lt=end)
        .exclude(state=State.CANCELLED)
        .order_by("technician__display_name", "sequence", "start", "pk")
    )
    if not member.sees_every_case:
        rows = rows.filter(technician=member)
    technician = request.GET.get("technician")
    if technician:
        rows = rows.filter(technician_id=_id(technician, "technician"))
    columns: dict[int | None, dict[str, Any]] = {}
    for booking in rows:
        key = booking.technician_id
        if key not in columns:
            columns[key] = {
                "technician": (
                    {"id": key, "name": booking.technician.display_name}
                    if booking.technician
                    else None
                ),
                "bookings": [],
            }
        columns[key]["bookings"].append(booking_payload(booking))
    return {"date": day.isoformat(), "columns": list(columns.values())}


@json_view("POST")
def lock_day(request: HttpRequest, member: Member) -> Any:
    data = read_json(request)
    technician = _technician(member, data)
    day = parse_day(data.get("date"), "date")
    results = do_lock_day(member, technician, day, field_optional_str(data, "channel"))
    return {"results": [_result(r.case, r.booking, r.error) for r in results]}


@json_view("POST")
def reorder_day(request: HttpRequest, member: Member) -> Any:
    data = read_json(request)
    technician = _technician(member, data)
    day = parse_day(data.get("date"), "date")
    ordered = do_reorder_day(member, technician, day, field_ids(data, "cases"))
    return {"results": [booking_payload(booking) for booking in ordered]}


@json_view("GET")
def letters(request: HttpRequest, member: Member) -> Any:
    """The letters folder: what is written and not yet printed and posted, oldest first."""
    if not member.sees_every_case:
        return {"results": []}
    rows = Letter.objects.filter(organization_id=member.organization_id).select_related(
        "case__organization"
    )
    return {"results": [letter_payload(letter) for letter in rows.order_by("pk")]}


@json_view("GET")
def letters_print(request: HttpRequest, member: Member) -> HttpResponse:
    """Every letter in the folder as one PDF; the letters stay until removed."""
    rows = list(
        Letter.objects.filter(organization_id=member.organization_id).order_by("pk")
        if member.sees_every_case
        else []
    )
    if not rows:
        raise NotFound(_("The letters folder is empty."))
    response = HttpResponse(print_all(rows), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="letters.pdf"'
    return response


@json_view("GET", "DELETE")
def letter_detail(request: HttpRequest, member: Member, letter_id: int) -> Any:
    letter = access_letter(member, letter_id)
    if request.method == "DELETE":
        do_remove_letter(member, letter)
        return HttpResponse(status=204)
    return FileResponse(
        letter.file.open("rb"), content_type="application/pdf", filename=letter.name
    )


@json_view("GET", "PUT")
def settings_door(request: HttpRequest, member: Member) -> Any:
    if request.method == "PUT":
        options = do_set_booking_settings(member, read_json(request))
    else:
        options = booking_settings(member.organization)
    return settings_payload(options)


def _technician(member: Member, data: dict[str, Any]) -> Member:
    technician_id = field_id(data, "technician")
    if technician_id is None:
        raise HubError(_("Choose a technician."), field="technician")
    return _colleague(member, technician_id)


def _colleague(member: Member, technician_id: int) -> Member:
    try:
        return access_colleague(member, technician_id)
    except NotFound:
        raise NotFound(_("No such technician."), field="technician") from None


def _id(raw: str, name: str) -> int:
    if not raw.isdigit():
        raise HubError(_("%(field)s must be an id.") % {"field": name}, field=name)
    return int(raw)


def _result(case: Case, booking: Booking | None, error: str) -> dict[str, Any]:
    return {
        "case_id": case.pk,
        "reference": case.reference,
        "ok": booking is not None,
        "booking": booking_payload(booking) if booking is not None else None,
        "error": error,
    }
