"""The notification doors: the list with its red dot, marking seen, a member's preferences and an
administrator's policy. A member reaches only their own notifications; anyone else's, in this
organisation or another, is "not found"."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Member, Organization, Role
from hub.notify.actions import do_set_policy, do_set_preference, notify
from hub.notify.models import Notification, NotificationPolicy, NotificationPreference
from tests.conftest import login
from tests.factories import make_case, make_member, post

pytestmark = pytest.mark.usefixtures("fast_passwords")


def send(client: Client, method: str, url: str, data: Any) -> Any:
    return client.generic(method, url, data=json.dumps(data), content_type="application/json")


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    error: dict[str, Any] = response.json()["error"]
    assert error["message"]
    if field is not None:
        assert error["field"] == field
    return error


def some_notifications(dispatcher: Member, member: Member, n: int = 3) -> list[Notification]:
    case = make_case(dispatcher, "Varmepumpe piper")
    rows = []
    for i in range(n):
        message = post(dispatcher, case, f"@{member.handle} punkt {i}: " + "sjekk filteret " * 20)
        rows.append(Notification.objects.get(message=message))
    return rows


# -- the list ----------------------------------------------------------------------------------


def test_the_list_newest_first(dispatcher: Member, technician: Member) -> None:
    first, second, third = some_notifications(dispatcher, technician)
    response = login(technician).get("/api/notifications")
    assert response.status_code == 200
    body = response.json()
    assert body["unseen_count"] == 3
    assert body["has_more"] is False
    assert [row["id"] for row in body["results"]] == [third.pk, second.pk, first.pk]
    row = body["results"][0]
    assert row == {
        "id": third.pk,
        "kind": "mention",
        "case": {"id": third.case_id, "reference": "S-1001", "title": "Varmepumpe piper"},
        "message_id": third.message_id,
        "preview": row["preview"],
        "actor": {"kind": "member", "id": dispatcher.pk, "name": "Kari Nordmann"},
        "created": third.created.isoformat(),
        "seen": None,
    }
    assert row["preview"].startswith("@lars punkt 2: sjekk filteret")
    assert len(row["preview"]) == 100
    assert row["preview"].endswith("…")


def test_the_list_by_cursor_and_unseen(dispatcher: Member, technician: Member) -> None:
    first, second, third = some_notifications(dispatcher, technician)
    client = login(technician)
    page = client.get("/api/notifications", {"limit": 2}).json()
    assert [row["id"] for row in page["results"]] == [third.pk, second.pk]
    assert page["has_more"] is True
    page = client.get("/api/notifications", {"limit": 2, "before": second.pk}).json()
    assert [row["id"] for row in page["results"]] == [first.pk]
    assert page["has_more"] is False

    assert send(client, "POST", "/api/notifications/seen", {"ids": [second.pk]}).json() == {
        "unseen_count": 2
    }
    unseen = client.get("/api/notifications", {"unseen": "1"}).json()
    assert [row["id"] for row in unseen["results"]] == [third.pk, first.pk]
    assert unseen["unseen_count"] == 2
    everything = client.get("/api/notifications").json()["results"]
    assert [row["seen"] is not None for row in everything] == [False, True, False]


def test_the_list_is_the_members_own(
    dispatcher: Member, technician: Member, admin_member: Member, other_org: Organization
) -> None:
    some_notifications(dispatcher, technician)
    stranger = make_member(other_org, Role.ADMIN, handle="lars")
    for member in (admin_member, dispatcher, stranger):
        body = login(member).get("/api/notifications").json()
        assert body == {"results": [], "has_more": False, "unseen_count": 0}


def test_the_list_wants_a_member() -> None:
    assert_error(Client().get("/api/notifications"), 401)
    assert_error(Client().post("/api/notifications/seen"), 401)
    assert_error(Client().get("/api/notifications/preferences"), 401)


def test_a_bad_cursor(technician: Member) -> None:
    assert_error(login(technician).get("/api/notifications", {"before": "x"}), 400, "before")


# -- seen --------------------------------------------------------------------------------------


def test_mark_all_seen(dispatcher: Member, technician: Member) -> None:
    rows = some_notifications(dispatcher, technician)
    client = login(technician)
    assert send(client, "POST", "/api/notifications/seen", {"all": True}).json() == {
        "unseen_count": 0
    }
    assert not Notification.objects.filter(pk__in=[r.pk for r in rows], seen=None).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "ids"), ({"ids": []}, "ids"), ({"ids": ["1"]}, "ids"), ({"all": "yes"}, "all")],
)
def test_mark_seen_needs_ids_or_all(technician: Member, body: Any, field: str) -> None:
    assert_error(send(login(technician), "POST", "/api/notifications/seen", body), 400, field)


def test_another_members_notifications_are_not_found(
    dispatcher: Member, technician: Member, admin_member: Member, other_org: Organization
) -> None:
    mine, *_rest = some_notifications(dispatcher, technician)
    [theirs] = some_notifications(dispatcher, admin_member, 1)
    stranger = make_member(other_org, Role.ADMIN)
    client = login(technician)
    # Someone else's id among one's own: nothing is marked, the same answer as a missing id.
    for ids in ([mine.pk, theirs.pk], [theirs.pk], [999_999]):
        assert_error(send(client, "POST", "/api/notifications/seen", {"ids": ids}), 404, "ids")
    assert_error(
        send(login(stranger), "POST", "/api/notifications/seen", {"ids": [mine.pk]}), 404, "ids"
    )
    send(login(stranger), "POST", "/api/notifications/seen", {"all": True})
    assert not Notification.objects.exclude(seen=None).exists()


# -- preferences -------------------------------------------------------------------------------


def grid(body: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(cell["kind"], cell["channel"]): cell for cell in body["preferences"]}


def test_the_preferences_grid(technician: Member) -> None:
    do_set_preference(technician, "booking_changed", "sms", True)
    body = login(technician).get("/api/notifications/preferences").json()
    assert [k["value"] for k in body["kinds"]] == [
        "mention",
        "assigned",
        "customer_replied",
        "booking_changed",
    ]
    assert [c["value"] for c in body["channels"]] == ["in_app", "email", "sms", "push"]
    assert all(item["label"] for item in body["kinds"] + body["channels"])
    cells = grid(body)
    assert len(cells) == 16
    assert cells["mention", "email"] == {
        "kind": "mention",
        "channel": "email",
        "enabled": True,
        "default": True,
        "blocked_by_policy": False,
        "delivered": True,
    }
    assert cells["booking_changed", "sms"]["enabled"] is True
    assert cells["booking_changed", "sms"]["default"] is False
    assert cells["customer_replied", "push"]["enabled"] is False
    assert body["policy"] == {
        "member_id": technician.pk,
        "email_allowed": True,
        "sms_allowed": True,
    }
    assert body["notices"] == []


def test_put_preferences(technician: Member) -> None:
    client = login(technician)
    response = send(
        client,
        "PUT",
        "/api/notifications/preferences",
        {
            "preferences": [
                {"kind": "mention", "channel": "in_app", "enabled": False},
                {"kind": "customer_replied", "channel": "push", "enabled": True},
            ]
        },
    )
    assert response.status_code == 200
    cells = grid(response.json())
    assert cells["mention", "in_app"]["enabled"] is False
    assert cells["customer_replied", "push"]["delivered"] is True
    assert sorted(
        NotificationPreference.objects.filter(member=technician).values_list(
            "kind", "channel", "enabled"
        )
    ) == [("customer_replied", "push", True), ("mention", "in_app", False)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "preferences"),
        ({"preferences": "all"}, "preferences"),
        ({"preferences": [{"kind": "mention", "channel": "email"}]}, "preferences"),
        ({"preferences": [{"kind": "mention", "enabled": True}]}, "preferences"),
        ({"preferences": [{"kind": "party", "channel": "email", "enabled": True}]}, "kind"),
        ({"preferences": [{"kind": "mention", "channel": "fax", "enabled": True}]}, "channel"),
    ],
)
def test_put_preferences_refuses_nonsense(technician: Member, body: Any, field: str) -> None:
    response = send(login(technician), "PUT", "/api/notifications/preferences", body)
    assert_error(response, 400, field)
    assert not NotificationPreference.objects.exists()


def test_a_choice_the_policy_blocks_is_stored_and_said_so(
    admin_member: Member, technician: Member
) -> None:
    do_set_policy(admin_member, technician, email_allowed=False, sms_allowed=True)
    client = login(technician)
    body = client.get("/api/notifications/preferences").json()
    assert body["policy"] == {
        "member_id": technician.pk,
        "email_allowed": False,
        "sms_allowed": True,
    }
    assert grid(body)["mention", "email"]["blocked_by_policy"] is True
    assert grid(body)["mention", "email"]["delivered"] is False

    choices = [
        {"kind": "customer_replied", "channel": "email", "enabled": True},
        {"kind": "customer_replied", "channel": "sms", "enabled": True},
    ]
    body = send(client, "PUT", "/api/notifications/preferences", {"preferences": choices}).json()
    cells = grid(body)
    assert cells["customer_replied", "email"]["enabled"] is True
    assert cells["customer_replied", "email"]["delivered"] is False
    assert cells["customer_replied", "sms"]["delivered"] is True
    [notice] = body["notices"]
    assert "e-post" in notice  # in the member's language: bokmål
    assert NotificationPreference.objects.filter(
        member=technician, kind="customer_replied", channel="email", enabled=True
    ).exists()


def test_preferences_are_ones_own(admin_member: Member, technician: Member) -> None:
    """An administrator's PUT changes the administrator's preferences, never a member's."""
    send(
        login(admin_member),
        "PUT",
        "/api/notifications/preferences",
        {"preferences": [{"kind": "assigned", "channel": "in_app", "enabled": False}]},
    )
    assert not NotificationPreference.objects.filter(member=technician).exists()
    assert NotificationPreference.objects.filter(member=admin_member).count() == 1


# -- policy ------------------------------------------------------------------------------------


def policy_url(member: Member) -> str:
    return f"/api/members/{member.pk}/notification-policy"


def test_an_admin_sets_a_members_policy(admin_member: Member, technician: Member) -> None:
    client = login(admin_member)
    assert client.get(policy_url(technician)).json() == {
        "member_id": technician.pk,
        "email_allowed": True,
        "sms_allowed": True,
    }
    response = send(client, "PUT", policy_url(technician), {"sms_allowed": False})
    assert response.json() == {
        "member_id": technician.pk,
        "email_allowed": True,
        "sms_allowed": False,
    }
    response = send(client, "PUT", policy_url(technician), {"email_allowed": False})
    assert response.json()["sms_allowed"] is False
    policy = NotificationPolicy.objects.get(member=technician)
    assert (policy.email_allowed, policy.sms_allowed) == (False, False)
    assert client.get(policy_url(technician)).json()["email_allowed"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"preferences": [{"kind": "mention", "channel": "in_app", "enabled": False}]},
        {"email_allowed": False, "kinds": ["mention"]},
    ],
)
def test_an_admin_does_not_choose_a_members_kinds(
    admin_member: Member, technician: Member, body: Any
) -> None:
    assert_error(send(login(admin_member), "PUT", policy_url(technician), body), 400)
    assert not NotificationPolicy.objects.exists()
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.TECHNICIAN])
def test_only_an_admin_reads_or_sets_a_policy(
    org: Organization, technician: Member, role: str
) -> None:
    client = login(make_member(org, role))
    assert_error(client.get(policy_url(technician)), 403)
    assert_error(send(client, "PUT", policy_url(technician), {"email_allowed": False}), 403)
    assert not NotificationPolicy.objects.exists()


def test_another_organisations_member_is_not_found(
    technician: Member, other_org: Organization
) -> None:
    stranger_admin = login(make_member(other_org, Role.ADMIN))
    assert_error(stranger_admin.get(policy_url(technician)), 404)
    response = send(stranger_admin, "PUT", policy_url(technician), {"email_allowed": False})
    assert_error(response, 404)
    assert not NotificationPolicy.objects.exists()


def test_policy_fields_are_true_or_false(admin_member: Member, technician: Member) -> None:
    response = send(login(admin_member), "PUT", policy_url(technician), {"sms_allowed": "no"})
    assert_error(response, 400, "sms_allowed")


def test_wrong_methods(technician: Member) -> None:
    client = login(technician)
    assert_error(client.post("/api/notifications"), 405)
    assert_error(client.get("/api/notifications/seen"), 405)
    assert_error(client.delete(policy_url(technician)), 405)


def test_a_notification_made_here_shows_in_the_list(dispatcher: Member, technician: Member) -> None:
    notify("booking_changed", [technician], case=make_case(dispatcher), actor_member=dispatcher)
    [row] = login(technician).get("/api/notifications").json()["results"]
    assert (row["kind"], row["message_id"], row["preview"]) == ("booking_changed", None, None)
