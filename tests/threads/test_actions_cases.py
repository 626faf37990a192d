"""The case actions: creating a case and changing who owns it and where it stands.

Each test asserts the rows after the action, the event-log row it wrote and what it published
after commit, to which groups."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hub.accounts.models import Member, Organization, Role
from hub.errors import Conflict, Forbidden, HubError
from hub.events import Group, case_group, inbox_group, member_group, portal_case_group
from hub.threads.actions.cases import (
    do_assign_case,
    do_change_deadline,
    do_change_priority,
    do_change_status,
    do_create_case,
    do_set_customer_channel,
    do_set_portal_visible,
    do_take_over_case,
)
from hub.threads.models import Case, Event, EventKind, Priority, Status
from hub.threads.payloads import case_payload
from tests.events import Recorder, recording
from tests.factories import (
    make_case,
    make_contact,
    make_customer,
    make_customer_case,
    make_member,
    make_team,
    post,
    rolled_back,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

Published = Callable[..., AbstractContextManager[Recorder]]
# How long to wait for one more event once the block is done. Events are sent when the
# transaction commits, before collection starts, so a short wait only ends an empty queue.
SETTLE = 0.05


@pytest.fixture
def published(django_capture_on_commit_callbacks: Callable[..., Any]) -> Published:
    """Record what reaches ``groups`` while the block runs and its transaction commits."""

    @contextmanager
    def capture(*groups: Group) -> Iterator[Recorder]:
        with (
            recording(*groups, settle=SETTLE) as recorder,
            django_capture_on_commit_callbacks(execute=True),
        ):
            yield recorder

    return capture


def stored(case: Case) -> Case:
    return Case.objects.select_related(
        "organization", "customer", "contact", "assignee_member", "assignee_team"
    ).get(pk=case.pk)


def only_event(case: Case, kind: EventKind) -> Event:
    [event] = Event.objects.filter(case=case, kind=kind)
    return event


def staff_groups(case: Case) -> tuple[Group, Group]:
    return inbox_group(case.organization_id), case_group(case.organization_id, case.pk)


def assert_case_updated(recorder: Recorder, case: Case, changes: list[str]) -> dict[str, Any]:
    """``case.updated`` reached the inbox and the case group once, carrying the stored case."""
    inbox, room = staff_groups(case)
    expected = {
        "type": "case.updated",
        "organization_id": case.organization_id,
        "case_id": case.pk,
        "case": case_payload(stored(case)),
        "changes": changes,
    }
    assert recorder.of(inbox) == [expected]
    assert recorder.of(room) == [expected]
    return expected


# -- do_create_case ----------------------------------------------------------------------------


def test_create_an_internal_case(
    dispatcher: Member, org: Organization, published: Published
) -> None:
    with published(inbox_group(org.pk), member_group(org.pk, dispatcher.pk)) as recorder:
        case = do_create_case(dispatcher, title="  Bytte varmtvannsbereder på lageret  ")

    row = stored(case)
    assert row.organization == org
    assert (row.number, row.reference) == (1001, "S-1001")
    assert row.title == "Bytte varmtvannsbereder på lageret"
    assert row.is_internal
    assert (row.customer, row.contact) == (None, None)
    assert (row.assignee_member, row.assignee_team) == (None, None)
    assert (row.status, row.priority, row.deadline) == (Status.OPEN, Priority.NORMAL, None)
    assert (row.portal_visible, row.customer_channel) == (False, False)
    assert row.created_by == dispatcher
    assert row.last_activity is not None
    assert row.last_message is None

    [event] = Event.objects.filter(case=case)
    assert event.kind == EventKind.CASE_CREATED
    assert (event.actor_member, event.actor_contact) == (dispatcher, None)
    assert event.organization_id == org.pk
    assert event.data == {"reference": "S-1001"}

    assert recorder.of(inbox_group(org.pk)) == [
        {
            "type": "case.created",
            "organization_id": org.pk,
            "case_id": case.pk,
            "case": case_payload(row),
        }
    ]
    assert recorder.of(member_group(org.pk, dispatcher.pk)) == []


def test_create_a_customer_case_with_everything(
    dispatcher: Member, technician: Member, org: Organization, published: Published
) -> None:
    customer = make_customer(org, "Borettslaget Solsiden")
    contact = make_contact(customer, "Styreleder Per Hansen", email="per@solsiden.no")
    team = make_team(org, "Elektro Vest", technician)
    deadline = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)

    with published(inbox_group(org.pk)) as recorder:
        case = do_create_case(
            dispatcher,
            title="Montering av elbillader",
            customer=customer,
            contact=contact,
            assignee_team=team,
            priority=Priority.URGENT,
            deadline=deadline,
            portal_visible=True,
            customer_channel=True,
            external_reference="  WO-4711 ",
        )

    row = stored(case)
    assert (row.customer, row.contact) == (customer, contact)
    assert (row.assignee_member, row.assignee_team) == (None, team)
    assert (row.priority, row.deadline) == (Priority.URGENT, deadline)
    assert (row.portal_visible, row.customer_channel) == (True, True)
    assert row.external_reference == "WO-4711"
    assert not row.is_internal

    [event] = recorder.of(inbox_group(org.pk))
    assert event["type"] == "case.created"
    assert event["case_id"] == case.pk
    payload = event["case"]
    assert payload == case_payload(row)
    assert payload["customer"] == {"id": customer.pk, "name": "Borettslaget Solsiden"}
    assert payload["contact"] == {
        "id": contact.pk,
        "name": "Styreleder Per Hansen",
        "email": "per@solsiden.no",
        "phone": "+4741234567",
        "portal_locked": False,
    }
    assert payload["assignee"] == {"kind": "team", "id": team.pk, "name": "Elektro Vest"}
    assert payload["deadline"] == "2026-12-01T15:00:00+00:00"
    assert payload["priority"] == "urgent"
    assert payload["external_reference"] == "WO-4711"


def test_a_technicians_new_case_is_their_own(technician: Member, org: Organization) -> None:
    case = do_create_case(technician, title="Fant rustne rør i kjelleren")
    assert stored(case).assignee_member == technician
    assert (
        do_create_case(technician, title="Til meg selv", assignee_member=technician).assignee_member
        == technician
    )


@pytest.mark.parametrize("to", ["colleague", "team"])
def test_a_technician_may_not_create_a_case_for_others(
    technician: Member, dispatcher: Member, org: Organization, to: str
) -> None:
    team = make_team(org, "Rør", technician)
    assignee: dict[str, Any] = (
        {"assignee_member": dispatcher} if to == "colleague" else {"assignee_team": team}
    )
    with pytest.raises(Forbidden, match="Technicians may only create cases for themselves"):
        do_create_case(technician, title="Sak", **assignee)
    assert not Case.objects.exists()
    assert not Event.objects.exists()


def test_create_refuses_a_case_without_a_title(dispatcher: Member) -> None:
    with pytest.raises(HubError, match="A case needs a title") as caught:
        do_create_case(dispatcher, title=" \n\t ")
    assert caught.value.field == "title"
    assert not Case.objects.exists()


def test_create_refuses_a_contact_of_another_customer(
    dispatcher: Member, org: Organization
) -> None:
    customer = make_customer(org, "Ola Hansen")
    stranger = make_contact(make_customer(org, "Kari Olsen"))
    with pytest.raises(HubError, match="not one of the customer's contacts") as caught:
        do_create_case(dispatcher, title="Sak", customer=customer, contact=stranger)
    assert caught.value.field == "contact"
    with pytest.raises(HubError, match="not one of the customer's contacts"):
        do_create_case(dispatcher, title="Sak", contact=stranger)
    assert not Case.objects.exists()


@pytest.mark.parametrize("flag", ["customer_channel", "portal_visible"])
def test_create_refuses_customer_flags_on_an_internal_case(dispatcher: Member, flag: str) -> None:
    flags: dict[str, Any] = {flag: True}
    with pytest.raises(HubError, match="An internal case has no customer") as caught:
        do_create_case(dispatcher, title="Sak", **flags)
    assert caught.value.field == "customer_channel"
    assert not Case.objects.exists()


def test_create_refuses_two_assignees(
    dispatcher: Member, technician: Member, org: Organization
) -> None:
    with pytest.raises(HubError, match="not both") as caught:
        do_create_case(
            dispatcher,
            title="Sak",
            assignee_member=technician,
            assignee_team=make_team(org, "Rør"),
        )
    assert caught.value.field == "assignee"


def test_create_refuses_an_unknown_priority(dispatcher: Member) -> None:
    with pytest.raises(HubError, match="Unknown priority") as caught:
        do_create_case(dispatcher, title="Sak", priority="critical")
    assert caught.value.field == "priority"


@pytest.mark.parametrize("row", ["customer", "contact", "assignee_member", "assignee_team"])
def test_create_refuses_rows_of_another_organisation(
    dispatcher: Member, other_org: Organization, row: str
) -> None:
    foreign_customer = make_customer(other_org, "Svensson AB")
    rows: dict[str, dict[str, Any]] = {
        "customer": {"customer": foreign_customer},
        "contact": {"customer": foreign_customer, "contact": make_contact(foreign_customer)},
        "assignee_member": {"assignee_member": make_member(other_org, handle="sven")},
        "assignee_team": {"assignee_team": make_team(other_org, "VVS Göteborg")},
    }
    with pytest.raises(HubError, match="belongs to another organisation"):
        do_create_case(dispatcher, title="Sak", **rows[row])
    assert not Case.objects.exists()


def test_create_publishes_nothing_when_rolled_back(
    dispatcher: Member, org: Organization, published: Published
) -> None:
    with published(inbox_group(org.pk)) as recorder, rolled_back():
        make_case(dispatcher)
    assert recorder.all == []
    assert not Case.objects.exists()
    assert not Event.objects.exists()


# -- do_assign_case ----------------------------------------------------------------------------


def test_assign_to_a_member(dispatcher: Member, technician: Member, published: Published) -> None:
    case = make_case(dispatcher)
    with published(
        *staff_groups(case), portal_case_group(case.organization_id, case.pk)
    ) as recorder:
        assert do_assign_case(dispatcher, case, member=technician) is case

    row = stored(case)
    assert (row.assignee_member, row.assignee_team) == (technician, None)
    event = only_event(case, EventKind.ASSIGNED)
    assert event.actor_member == dispatcher
    assert event.data == {
        "member_id": technician.pk,
        "member_name": "Lars Berg",
        "team_id": None,
        "team_name": None,
    }
    payload = assert_case_updated(recorder, case, ["assignee"])
    assert payload["case"]["assignee"] == {
        "kind": "member",
        "id": technician.pk,
        "name": "Lars Berg",
    }
    assert recorder.of(portal_case_group(case.organization_id, case.pk)) == []


def test_assign_to_a_team_replaces_the_member(
    dispatcher: Member, technician: Member, org: Organization, published: Published
) -> None:
    team = make_team(org, "Elektro Øst", technician)
    case = make_case(dispatcher, assignee_member=technician)
    with published(*staff_groups(case)) as recorder:
        do_assign_case(dispatcher, case, team=team)

    row = stored(case)
    assert (row.assignee_member, row.assignee_team) == (None, team)
    assert only_event(case, EventKind.ASSIGNED).data == {
        "member_id": None,
        "member_name": None,
        "team_id": team.pk,
        "team_name": "Elektro Øst",
    }
    payload = assert_case_updated(recorder, case, ["assignee"])
    assert payload["case"]["assignee"] == {"kind": "team", "id": team.pk, "name": "Elektro Øst"}


def test_assign_to_nobody(admin_member: Member, technician: Member, published: Published) -> None:
    case = make_case(admin_member, assignee_member=technician)
    with published(*staff_groups(case)) as recorder:
        do_assign_case(admin_member, case)
    row = stored(case)
    assert (row.assignee_member, row.assignee_team) == (None, None)
    assert only_event(case, EventKind.ASSIGNED).actor_member == admin_member
    payload = assert_case_updated(recorder, case, ["assignee"])
    assert payload["case"]["assignee"] is None


def test_assigning_the_same_assignee_again_changes_nothing(
    dispatcher: Member, technician: Member, published: Published
) -> None:
    case = make_case(dispatcher, assignee_member=technician)
    with published(*staff_groups(case)) as recorder:
        do_assign_case(dispatcher, case, member=technician)
    assert recorder.all == []
    assert not Event.objects.filter(kind=EventKind.ASSIGNED).exists()


def test_a_technician_may_not_assign(
    technician: Member, dispatcher: Member, org: Organization
) -> None:
    case = make_case(technician)
    with pytest.raises(Forbidden, match="Only administrators and dispatchers may do that"):
        do_assign_case(technician, case, member=dispatcher)
    with pytest.raises(Forbidden):
        do_assign_case(technician, case, team=make_team(org, "Rør", technician))
    assert stored(case).assignee_member == technician
    assert not Event.objects.filter(kind=EventKind.ASSIGNED).exists()


def test_assign_refuses_two_assignees(
    dispatcher: Member, technician: Member, org: Organization
) -> None:
    case = make_case(dispatcher)
    with pytest.raises(HubError, match="not both") as caught:
        do_assign_case(dispatcher, case, member=technician, team=make_team(org, "Rør"))
    assert caught.value.field == "assignee"
    assert stored(case).assignee_member is None


@pytest.mark.parametrize("kind", ["member", "team"])
def test_assign_refuses_rows_of_another_organisation(
    dispatcher: Member, other_org: Organization, kind: str
) -> None:
    case = make_case(dispatcher)
    foreign: dict[str, Any] = (
        {"member": make_member(other_org, handle="sven")}
        if kind == "member"
        else {"team": make_team(other_org, "VVS Göteborg")}
    )
    with pytest.raises(HubError, match="belongs to another organisation") as caught:
        do_assign_case(dispatcher, case, **foreign)
    assert caught.value.field == "assignee"
    row = stored(case)
    assert (row.assignee_member, row.assignee_team) == (None, None)


# -- do_take_over_case -------------------------------------------------------------------------


def test_a_team_member_takes_over_a_team_case(
    dispatcher: Member, technician: Member, org: Organization, published: Published
) -> None:
    team = make_team(org, "Elektro Vest", technician)
    case = make_case(dispatcher, assignee_team=team)
    with published(*staff_groups(case)) as recorder:
        do_take_over_case(technician, case)

    row = stored(case)
    assert (row.assignee_member, row.assignee_team) == (technician, None)
    event = only_event(case, EventKind.TAKEN_OVER)
    assert event.actor_member == technician
    assert event.data == {"team_id": team.pk, "team_name": "Elektro Vest"}
    payload = assert_case_updated(recorder, case, ["assignee"])
    assert payload["case"]["assignee"] == {
        "kind": "member",
        "id": technician.pk,
        "name": "Lars Berg",
    }


def test_a_dispatcher_outside_the_team_may_take_over(
    dispatcher: Member, technician: Member, org: Organization
) -> None:
    case = make_case(dispatcher, assignee_team=make_team(org, "Elektro Vest", technician))
    do_take_over_case(dispatcher, case)
    assert stored(case).assignee_member == dispatcher


def test_a_technician_outside_the_team_may_not_take_over(
    dispatcher: Member, technician: Member, org: Organization
) -> None:
    colleague = make_member(org, Role.TECHNICIAN, handle="siri")
    team = make_team(org, "Elektro Vest", colleague)
    make_team(org, "Rør", technician)
    case = make_case(dispatcher, assignee_team=team)
    with pytest.raises(Forbidden, match="Only members of Elektro Vest may take this case"):
        do_take_over_case(technician, case)
    row = stored(case)
    assert (row.assignee_member, row.assignee_team) == (None, team)
    assert not Event.objects.filter(kind=EventKind.TAKEN_OVER).exists()


@pytest.mark.parametrize("assigned_to", ["member", "nobody"])
def test_only_a_team_case_can_be_taken_over(
    dispatcher: Member, technician: Member, org: Organization, assigned_to: str
) -> None:
    colleague = make_member(org, Role.TECHNICIAN, handle="siri")
    make_team(org, "Elektro Vest", technician, colleague)
    case = make_case(dispatcher, assignee_member=colleague if assigned_to == "member" else None)
    with pytest.raises(Conflict, match="Only a case assigned to a team can be taken over"):
        do_take_over_case(technician, case)
    assert stored(case).assignee_member == (colleague if assigned_to == "member" else None)


def test_taking_over_ones_own_case_changes_nothing(
    technician: Member, published: Published
) -> None:
    case = make_case(technician)
    with published(*staff_groups(case)) as recorder:
        assert do_take_over_case(technician, case) is case
    assert recorder.all == []
    assert not Event.objects.filter(kind=EventKind.TAKEN_OVER).exists()


# -- do_change_status --------------------------------------------------------------------------


def test_a_technician_may_change_the_status(technician: Member, published: Published) -> None:
    case = make_case(technician)
    with published(*staff_groups(case)) as recorder:
        do_change_status(technician, case, Status.RESOLVED)
    assert stored(case).status == Status.RESOLVED
    event = only_event(case, EventKind.STATUS_CHANGED)
    assert event.actor_member == technician
    assert event.data == {"before": "open", "after": "resolved"}
    payload = assert_case_updated(recorder, case, ["status"])
    assert payload["case"]["status"] == "resolved"


def test_the_same_status_again_changes_nothing(dispatcher: Member, published: Published) -> None:
    case = make_case(dispatcher)
    with published(*staff_groups(case)) as recorder:
        do_change_status(dispatcher, case, Status.OPEN)
    assert recorder.all == []
    assert not Event.objects.filter(kind=EventKind.STATUS_CHANGED).exists()


def test_an_unknown_status_is_refused(dispatcher: Member) -> None:
    case = make_case(dispatcher)
    with pytest.raises(HubError, match="Unknown status") as caught:
        do_change_status(dispatcher, case, "closed")
    assert caught.value.field == "status"
    assert stored(case).status == Status.OPEN


# -- do_change_priority ------------------------------------------------------------------------


def test_change_the_priority(dispatcher: Member, published: Published) -> None:
    case = make_case(dispatcher)
    with published(*staff_groups(case)) as recorder:
        do_change_priority(dispatcher, case, Priority.HIGH)
    assert stored(case).priority == Priority.HIGH
    event = only_event(case, EventKind.PRIORITY_CHANGED)
    assert event.actor_member == dispatcher
    assert event.data == {"before": "normal", "after": "high"}
    payload = assert_case_updated(recorder, case, ["priority"])
    assert payload["case"]["priority"] == "high"


def test_the_same_priority_again_changes_nothing(dispatcher: Member, published: Published) -> None:
    case = make_case(dispatcher, priority=Priority.LOW)
    with published(*staff_groups(case)) as recorder:
        do_change_priority(dispatcher, case, Priority.LOW)
    assert recorder.all == []
    assert not Event.objects.filter(kind=EventKind.PRIORITY_CHANGED).exists()


def test_an_unknown_priority_is_refused(dispatcher: Member) -> None:
    case = make_case(dispatcher)
    with pytest.raises(HubError, match="Unknown priority") as caught:
        do_change_priority(dispatcher, case, "URGENT")
    assert caught.value.field == "priority"
    assert stored(case).priority == Priority.NORMAL


# -- do_change_deadline ------------------------------------------------------------------------


def test_set_and_clear_the_deadline(dispatcher: Member, published: Published) -> None:
    case = make_case(dispatcher)
    deadline = datetime(2026, 12, 24, 12, 0, tzinfo=UTC)
    with published(*staff_groups(case)) as recorder:
        do_change_deadline(dispatcher, case, deadline)
    assert stored(case).deadline == deadline
    event = only_event(case, EventKind.DEADLINE_CHANGED)
    assert event.actor_member == dispatcher
    assert event.data == {"before": None, "after": "2026-12-24T12:00:00+00:00"}
    payload = assert_case_updated(recorder, case, ["deadline"])
    assert payload["case"]["deadline"] == "2026-12-24T12:00:00+00:00"

    with published(*staff_groups(case)) as recorder:
        do_change_deadline(dispatcher, case, None)
    assert stored(case).deadline is None
    cleared = Event.objects.filter(kind=EventKind.DEADLINE_CHANGED).latest("pk")
    assert cleared.data == {"before": "2026-12-24T12:00:00+00:00", "after": None}
    assert assert_case_updated(recorder, case, ["deadline"])["case"]["deadline"] is None


def test_the_same_deadline_in_another_zone_changes_nothing(
    dispatcher: Member, published: Published
) -> None:
    deadline = datetime(2026, 12, 24, 12, 0, tzinfo=UTC)
    case = make_case(dispatcher, deadline=deadline)
    with published(*staff_groups(case)) as recorder:
        do_change_deadline(dispatcher, case, deadline.astimezone(ZoneInfo("Europe/Oslo")))
    assert recorder.all == []
    assert not Event.objects.filter(kind=EventKind.DEADLINE_CHANGED).exists()


def test_a_naive_deadline_is_refused(dispatcher: Member) -> None:
    case = make_case(dispatcher)
    with pytest.raises(HubError, match="A deadline needs a time zone") as caught:
        do_change_deadline(dispatcher, case, datetime(2026, 12, 24, 12, 0))  # noqa: DTZ001
    assert caught.value.field == "deadline"
    assert stored(case).deadline is None


# -- do_set_customer_channel and do_set_portal_visible -----------------------------------------


def test_switch_customer_communication_on_and_off(
    dispatcher: Member, org: Organization, published: Published
) -> None:
    case = make_case(dispatcher, customer=make_customer(org))
    with published(*staff_groups(case)) as recorder:
        do_set_customer_channel(dispatcher, case, True)
    assert stored(case).customer_channel is True
    event = only_event(case, EventKind.CHANNEL_TOGGLED)
    assert (event.actor_member, event.data) == (dispatcher, {"enabled": True})
    assert assert_case_updated(recorder, case, ["customer_channel"])["case"]["customer_channel"]

    with published(*staff_groups(case)) as recorder:
        do_set_customer_channel(dispatcher, case, False)
    assert stored(case).customer_channel is False
    off = Event.objects.filter(kind=EventKind.CHANNEL_TOGGLED).latest("pk")
    assert off.data == {"enabled": False}
    assert not assert_case_updated(recorder, case, ["customer_channel"])["case"]["customer_channel"]


def test_show_the_case_in_the_portal_and_hide_it(
    admin_member: Member, org: Organization, published: Published
) -> None:
    case = make_case(admin_member, customer=make_customer(org))
    portal = portal_case_group(org.pk, case.pk)
    with published(*staff_groups(case), portal) as recorder:
        do_set_portal_visible(admin_member, case, True)
    assert stored(case).portal_visible is True
    event = only_event(case, EventKind.PORTAL_TOGGLED)
    assert (event.actor_member, event.data) == (admin_member, {"visible": True})
    assert assert_case_updated(recorder, case, ["portal_visible"])["case"]["portal_visible"]
    # The case's staff view is internal: the portal hears nothing of it.
    assert recorder.of(portal) == []

    with published(*staff_groups(case)) as recorder:
        do_set_portal_visible(admin_member, case, False)
    assert stored(case).portal_visible is False
    assert Event.objects.filter(kind=EventKind.PORTAL_TOGGLED).latest("pk").data == {
        "visible": False
    }
    assert_case_updated(recorder, case, ["portal_visible"])


@pytest.mark.parametrize(
    ("action", "field"),
    [(do_set_customer_channel, "customer_channel"), (do_set_portal_visible, "portal_visible")],
)
def test_an_internal_case_has_no_customer_side(
    dispatcher: Member, action: Callable[[Member, Case, bool], Case], field: str
) -> None:
    case = make_case(dispatcher)
    with pytest.raises(Conflict, match="An internal case has no customer") as caught:
        action(dispatcher, case, True)
    assert caught.value.field == field
    assert getattr(stored(case), field) is False
    # Switching off what is off is allowed, and a no-op.
    action(dispatcher, case, False)
    assert not Event.objects.exclude(kind=EventKind.CASE_CREATED).exists()


@pytest.mark.parametrize(
    ("action", "field"),
    [(do_set_customer_channel, "customer_channel"), (do_set_portal_visible, "portal_visible")],
)
def test_setting_a_flag_to_what_it_is_changes_nothing(
    dispatcher: Member,
    org: Organization,
    published: Published,
    action: Callable[[Member, Case, bool], Case],
    field: str,
) -> None:
    flags: dict[str, Any] = {field: True}
    case = make_case(dispatcher, customer=make_customer(org), **flags)
    with published(*staff_groups(case)) as recorder:
        action(dispatcher, case, True)
    assert recorder.all == []
    assert Event.objects.filter(case=case).count() == 1


# -- what a technician may not do, and rollbacks, for every change -----------------------------

CHANGES: dict[str, Callable[[Member, Case, Member], Case]] = {
    "assign": lambda actor, case, other: do_assign_case(actor, case, member=other),
    "priority": lambda actor, case, _other: do_change_priority(actor, case, Priority.URGENT),
    "deadline": lambda actor, case, _other: do_change_deadline(
        actor, case, datetime(2026, 12, 24, 12, 0, tzinfo=UTC) + timedelta(days=1)
    ),
    "customer_channel": lambda actor, case, _other: do_set_customer_channel(actor, case, True),
    "portal_visible": lambda actor, case, _other: do_set_portal_visible(actor, case, True),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_technician_may_not_manage_their_own_case(
    technician: Member, dispatcher: Member, org: Organization, published: Published, change: str
) -> None:
    case = make_case(dispatcher, customer=make_customer(org), assignee_member=technician)
    before = case_payload(stored(case))
    with (
        published(*staff_groups(case)) as recorder,
        pytest.raises(Forbidden, match="Only administrators and dispatchers may do that") as caught,
    ):
        CHANGES[change](technician, case, dispatcher)
    assert caught.value.status == 403
    assert case_payload(stored(case)) == before
    assert recorder.all == []
    assert Event.objects.filter(case=case).count() == 1


ROLLED_BACK: dict[str, Callable[[Member, Case, Member], Case]] = {
    **CHANGES,
    "status": lambda actor, case, _other: do_change_status(actor, case, Status.PENDING),
    "take_over": lambda actor, case, _other: do_take_over_case(actor, case),
}


@pytest.mark.parametrize("change", list(ROLLED_BACK))
def test_a_rolled_back_change_publishes_nothing(
    dispatcher: Member, technician: Member, org: Organization, published: Published, change: str
) -> None:
    team = make_team(org, "Elektro Vest")
    case = make_case(dispatcher, customer=make_customer(org), assignee_team=team)
    before = case_payload(stored(case))
    with published(*staff_groups(case)) as recorder, rolled_back():
        ROLLED_BACK[change](dispatcher, case, technician)
        # The change happened inside the transaction, and is undone with it.
        assert Event.objects.filter(case=case).count() == 2
    assert recorder.all == []
    assert case_payload(stored(case)) == before
    assert Event.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"priority": Priority.URGENT},
        {"deadline": datetime(2026, 12, 1, 9, tzinfo=UTC)},
        {"customer_channel": True},
        {"portal_visible": True},
    ],
    ids=["priority", "deadline", "customer-channel", "portal"],
)
def test_a_technician_may_not_set_at_creation_what_they_may_not_change(
    technician: Member, fields: dict[str, Any]
) -> None:
    customer = make_customer(technician.organization)
    with pytest.raises(Forbidden, match="Only administrators and dispatchers"):
        do_create_case(technician, title="Ekstra kurs", customer=customer, **fields)
    assert not Case.objects.exists()


def test_a_naive_deadline_is_refused_at_creation(dispatcher: Member) -> None:
    with pytest.raises(HubError, match="time zone") as caught:
        do_create_case(dispatcher, title="Frist uten sone", deadline=datetime(2026, 12, 1, 9))  # noqa: DTZ001
    assert caught.value.field == "deadline"
    assert not Case.objects.exists()


def test_an_organisation_with_customer_cases_can_be_deleted(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    post(dispatcher, case, "Notat")
    dispatcher.organization.delete()
    assert not Case.objects.exists()
