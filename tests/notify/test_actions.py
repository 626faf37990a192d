"""The notification actions: who is notified of what, what it stores and what it publishes.
Preferences and the administrator's policy are in test_preferences."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from hub.accounts.models import Member, Organization, Role
from hub.notify.actions import do_mark_all_seen, do_mark_seen, do_set_preference, notify
from hub.notify.models import Kind, Notification
from hub.notify.payloads import KindName, notification_payload
from hub.threads.actions.cases import do_assign_case, do_take_over_case
from hub.threads.actions.messages import do_post_message, do_receive_customer_message
from hub.threads.models import Audience, Case, Channel, Message
from tests.events import Recorder
from tests.factories import (
    make_case,
    make_customer_case,
    make_member,
    make_team,
    post,
    rolled_back,
)
from tests.notify.conftest import Published, mine

pytestmark = pytest.mark.usefixtures("fast_passwords")


def notifications_in(recorder: Recorder, member: Member) -> list[dict[str, Any]]:
    """The notification events a member's sockets heard (other events there are not ours)."""
    return [e for e in recorder.of(mine(member)) if e["type"].startswith("notification")]


def stored(notification: Notification | int) -> Notification:
    pk = notification if isinstance(notification, int) else notification.pk
    return Notification.objects.select_related(
        "case__organization", "message", "actor_member", "actor_contact"
    ).get(pk=pk)


def created_event(notification: Notification, unseen: int) -> dict[str, Any]:
    row = stored(notification)
    return {
        "type": "notification",
        "organization_id": row.organization_id,
        "member_id": row.member_id,
        "notification": notification_payload(row),
        "unseen_count": unseen,
    }


def test_the_kinds_type_matches_the_model() -> None:
    assert list(get_args(KindName.__value__)) == Kind.values


# -- notify ------------------------------------------------------------------------------------


def test_notify_stores_a_row_and_tells_the_member(
    dispatcher: Member, technician: Member, org: Organization, published: Published
) -> None:
    case = make_case(dispatcher)
    message = post(dispatcher, case, "Se på dette")
    with published(mine(technician), mine(dispatcher)) as recorder:
        [row] = notify("mention", [technician], case=case, message=message, actor_member=dispatcher)

    row = stored(row)
    assert (row.organization_id, row.member, row.kind) == (org.pk, technician, Kind.MENTION)
    assert (row.case, row.message, row.actor_member, row.actor_contact) == (
        case,
        message,
        dispatcher,
        None,
    )
    assert row.created is not None
    assert row.seen is None
    assert notification_payload(row) == {
        "id": row.pk,
        "kind": "mention",
        "case": {"id": case.pk, "reference": case.reference, "title": case.title},
        "message_id": message.pk,
        "preview": "Se på dette",
        "actor": {"kind": "member", "id": dispatcher.pk, "name": "Kari Nordmann"},
        "created": row.created.isoformat(),
        "seen": None,
    }
    assert recorder.of(mine(technician)) == [created_event(row, 1)]
    assert recorder.of(mine(dispatcher)) == []


def test_the_unseen_count_grows_with_each_notification(
    dispatcher: Member, technician: Member, published: Published
) -> None:
    case = make_case(dispatcher)
    with published(mine(technician)) as recorder:
        for _n in range(3):
            notify("assigned", [technician], case=case, actor_member=dispatcher)
    assert [e["unseen_count"] for e in recorder.of(mine(technician))] == [1, 2, 3]


def test_nobody_is_notified_of_what_they_did_themself(
    dispatcher: Member, technician: Member, published: Published
) -> None:
    case = make_case(dispatcher)
    with published(mine(dispatcher), mine(technician)) as recorder:
        rows = notify(
            "assigned", [dispatcher, technician, technician], case=case, actor_member=dispatcher
        )
    assert [row.member for row in rows] == [technician]
    assert Notification.objects.count() == 1
    assert recorder.of(mine(dispatcher)) == []
    assert recorder.types(mine(technician)) == ["notification"]


def test_no_notifications_for_other_organisations_or_inactive_members(
    dispatcher: Member, org: Organization, other_org: Organization, published: Published
) -> None:
    stranger = make_member(other_org, Role.DISPATCHER)
    retired = make_member(org, Role.TECHNICIAN)
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    case = make_case(dispatcher)
    with published(mine(stranger), mine(retired)) as recorder:
        assert notify("assigned", [stranger, retired], case=case, actor_member=dispatcher) == []
    assert not Notification.objects.exists()
    assert recorder.all == []


def test_in_app_switched_off_means_no_row_and_no_event(
    dispatcher: Member, technician: Member, published: Published
) -> None:
    do_set_preference(technician, "mention", "in_app", False)
    case = make_case(dispatcher)
    with published(mine(technician)) as recorder:
        post(dispatcher, case, "@lars ring kunden")
        notify("assigned", [technician], case=case, actor_member=dispatcher)
    # Only the mention is off: being assigned still notifies.
    assert list(Notification.objects.values_list("kind", flat=True)) == ["assigned"]
    assert [e["notification"]["kind"] for e in notifications_in(recorder, technician)] == [
        "assigned"
    ]
    # The mention itself is still a mention (the case shows it); only the notification is off.
    assert "mention" in recorder.types(mine(technician))


def test_a_rolled_back_change_notifies_nobody(
    dispatcher: Member, technician: Member, published: Published
) -> None:
    case = make_case(dispatcher)
    with published(mine(technician)) as recorder, rolled_back():
        notify("assigned", [technician], case=case, actor_member=dispatcher)
    assert not Notification.objects.exists()
    assert recorder.all == []


# -- wired into the thread actions -------------------------------------------------------------


def test_a_mention_notifies_the_mentioned_member_only(
    dispatcher: Member, technician: Member, admin_member: Member, published: Published
) -> None:
    case = make_case(dispatcher)
    with published(mine(dispatcher), mine(technician), mine(admin_member)) as recorder:
        message = post(dispatcher, case, "@lars kan du ta denne? @kari")

    [row] = Notification.objects.all()
    assert (row.member, row.kind, row.case, row.message, row.actor_member) == (
        technician,
        Kind.MENTION,
        case,
        message,
        dispatcher,
    )
    assert notifications_in(recorder, technician) == [created_event(row, 1)]
    assert notifications_in(recorder, dispatcher) == []
    assert notifications_in(recorder, admin_member) == []


def test_a_note_to_the_customer_mentions_and_notifies_nobody(
    dispatcher: Member, technician: Member
) -> None:
    case = make_customer_case(dispatcher)
    do_post_message(dispatcher, case, audience=Audience.CUSTOMER, text="@lars kommer i morgen")
    assert not Notification.objects.exists()


def test_a_customer_reply_notifies_the_assigned_member(
    dispatcher: Member, technician: Member, published: Published
) -> None:
    case = make_customer_case(dispatcher)
    do_assign_case(dispatcher, case, member=technician)
    assert case.contact is not None
    with published(mine(technician), mine(dispatcher)) as recorder:
        message, _created = do_receive_customer_message(
            case, case.contact, text="Når kommer dere?", channel=Channel.PORTAL
        )

    row = stored(Notification.objects.get(kind=Kind.CUSTOMER_REPLIED))
    assert (row.member, row.case, row.message) == (technician, case, message)
    assert (row.actor_member, row.actor_contact) == (None, case.contact)
    assert notification_payload(row)["actor"] == {
        "kind": "contact",
        "id": case.contact.pk,
        "name": case.contact.name,
    }
    assert notifications_in(recorder, technician) == [created_event(row, 2)]
    assert notifications_in(recorder, dispatcher) == []


def test_a_customer_reply_notifies_the_active_members_of_the_team(
    dispatcher: Member, technician: Member, org: Organization, published: Published
) -> None:
    colleague = make_member(org, Role.TECHNICIAN, handle="per")
    retired = make_member(org, Role.TECHNICIAN, handle="ola")
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    outsider = make_member(org, Role.TECHNICIAN, handle="eva")
    team = make_team(org, "Elektro Vest", technician, colleague, retired)
    case = make_customer_case(dispatcher)
    do_assign_case(dispatcher, case, team=team)
    Notification.objects.all().delete()
    assert case.contact is not None
    members = (technician, colleague, retired, outsider, dispatcher)
    with published(*(mine(m) for m in members)) as recorder:
        message, _created = do_receive_customer_message(
            case, case.contact, text="Hei", channel=Channel.EMAIL
        )

    rows = Notification.objects.order_by("member_id")
    assert [(r.member, r.kind, r.message) for r in rows] == [
        (technician, Kind.CUSTOMER_REPLIED, message),
        (colleague, Kind.CUSTOMER_REPLIED, message),
    ]
    for member in (technician, colleague):
        assert notifications_in(recorder, member) == [created_event(rows.get(member=member), 1)]
    for member in (retired, outsider, dispatcher):
        assert notifications_in(recorder, member) == []


def test_a_reply_on_an_unassigned_case_or_by_staff_is_no_customer_reply(
    dispatcher: Member, technician: Member
) -> None:
    case = make_customer_case(dispatcher)
    assert case.contact is not None
    do_receive_customer_message(case, case.contact, text="Hei", channel=Channel.PORTAL)
    do_assign_case(dispatcher, case, member=technician)
    do_post_message(dispatcher, case, audience=Audience.CUSTOMER, text="Vi kommer kl. 9")
    assert list(Notification.objects.values_list("kind", flat=True)) == ["assigned"]


def test_assigning_notifies_the_new_assignee(
    dispatcher: Member, technician: Member, published: Published
) -> None:
    case = make_case(dispatcher)
    with published(mine(technician), mine(dispatcher)) as recorder:
        do_assign_case(dispatcher, case, member=technician)

    row = stored(Notification.objects.get())
    assert (row.member, row.kind, row.case, row.message) == (
        technician,
        Kind.ASSIGNED,
        case,
        None,
    )
    assert (row.actor_member, row.actor_contact) == (dispatcher, None)
    assert notification_payload(row)["preview"] is None
    assert notifications_in(recorder, technician) == [created_event(row, 1)]
    assert notifications_in(recorder, dispatcher) == []


def test_a_case_created_for_someone_notifies_them(
    dispatcher: Member, technician: Member, published: Published
) -> None:
    with published(mine(technician), mine(dispatcher)) as recorder:
        case = make_case(dispatcher, assignee_member=technician)
    row = stored(Notification.objects.get())
    assert (row.member, row.kind, row.case) == (technician, Kind.ASSIGNED, case)
    assert notifications_in(recorder, technician) == [created_event(row, 1)]
    assert notifications_in(recorder, dispatcher) == []


def test_assigning_to_a_team_notifies_its_members_but_not_the_actor(
    dispatcher: Member, technician: Member, org: Organization, published: Published
) -> None:
    team = make_team(org, "Vakt", technician, dispatcher)
    case = make_case(dispatcher)
    with published(mine(technician), mine(dispatcher)) as recorder:
        do_assign_case(dispatcher, case, team=team)
    assert list(Notification.objects.values_list("member_id", "kind")) == [
        (technician.pk, "assigned")
    ]
    assert [e["type"] for e in notifications_in(recorder, technician)] == ["notification"]
    assert notifications_in(recorder, dispatcher) == []


def test_assigning_to_oneself_unassigning_or_taking_over_notify_nobody(
    dispatcher: Member, technician: Member, org: Organization
) -> None:
    case = make_case(dispatcher)
    do_assign_case(dispatcher, case, member=dispatcher)
    do_assign_case(dispatcher, case)
    do_assign_case(dispatcher, case, team=make_team(org, "Vakt", technician))
    do_take_over_case(technician, case)
    # Only the team assignment reached someone other than the actor.
    assert list(Notification.objects.values_list("member_id", flat=True)) == [technician.pk]


# -- seen --------------------------------------------------------------------------------------


def three_notifications(dispatcher: Member, member: Member) -> list[Notification]:
    case = make_case(dispatcher)
    return [
        row
        for _n in range(3)
        for row in notify("assigned", [member], case=case, actor_member=dispatcher)
    ]


def test_mark_seen(dispatcher: Member, technician: Member, published: Published) -> None:
    first, second, third = three_notifications(dispatcher, technician)
    with published(mine(technician)) as recorder:
        assert do_mark_seen(technician, [third.pk, first.pk]) == 1

    assert stored(first).seen is not None
    assert stored(third).seen is not None
    assert stored(second).seen is None
    assert recorder.of(mine(technician)) == [
        {
            "type": "notification.seen",
            "organization_id": technician.organization_id,
            "member_id": technician.pk,
            "notification_ids": [first.pk, third.pk],
            "up_to_id": None,
            "unseen_count": 1,
        }
    ]


def test_marking_again_changes_and_publishes_nothing(
    dispatcher: Member, technician: Member, published: Published
) -> None:
    first, _second, _third = three_notifications(dispatcher, technician)
    do_mark_seen(technician, [first.pk])
    seen = stored(first).seen
    with published(mine(technician)) as recorder:
        assert do_mark_seen(technician, [first.pk]) == 2
    assert stored(first).seen == seen
    assert recorder.all == []


def test_nobody_marks_another_members_notifications(
    dispatcher: Member, technician: Member, other_org: Organization, published: Published
) -> None:
    [row, *_rest] = three_notifications(dispatcher, technician)
    stranger = make_member(other_org, Role.ADMIN)
    with published(mine(technician), mine(dispatcher), mine(stranger)) as recorder:
        assert do_mark_seen(dispatcher, [row.pk]) == 0
        assert do_mark_seen(stranger, [row.pk]) == 0
        assert do_mark_all_seen(stranger) == 0
    assert stored(row).seen is None
    assert recorder.all == []


def test_mark_all_seen(
    dispatcher: Member, technician: Member, admin_member: Member, published: Published
) -> None:
    rows = three_notifications(dispatcher, technician)
    [others] = notify("assigned", [admin_member], case=rows[0].case, actor_member=dispatcher)
    with published(mine(technician), mine(admin_member)) as recorder:
        assert do_mark_all_seen(technician) == 0

    assert all(stored(row).seen is not None for row in rows)
    assert stored(others).seen is None
    assert recorder.of(mine(technician)) == [
        {
            "type": "notification.seen",
            "organization_id": technician.organization_id,
            "member_id": technician.pk,
            "notification_ids": [],
            "up_to_id": rows[-1].pk,
            "unseen_count": 0,
        }
    ]
    assert recorder.of(mine(admin_member)) == []

    with published(mine(technician)) as recorder:
        assert do_mark_all_seen(technician) == 0
    assert recorder.all == []


def test_a_notification_disappears_with_its_message(dispatcher: Member, technician: Member) -> None:
    case: Case = make_case(dispatcher)
    post(dispatcher, case, "@lars")
    assert Notification.objects.count() == 1
    Message.objects.filter(case=case).delete()
    assert not Notification.objects.exists()
