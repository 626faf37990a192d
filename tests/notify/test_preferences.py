"""What a member chooses to hear of, by which channel, and the one thing an administrator may
decide for them: that e-mail and SMS are off (Serviceprotokoll's rule)."""

from __future__ import annotations

import pytest

from hub.accounts.models import Member, Organization, Role
from hub.errors import Forbidden, HubError
from hub.notify.actions import do_set_policy, do_set_preference, do_set_preferences, wants
from hub.notify.models import DeliveryChannel, Kind, NotificationPolicy, NotificationPreference
from hub.notify.preferences import preference_grid
from tests.factories import make_member, make_org
from tests.notify.conftest import Published, mine

pytestmark = pytest.mark.usefixtures("fast_passwords")


def test_the_defaults(technician: Member) -> None:
    expected = {
        ("mention", "in_app"): True,
        ("mention", "email"): True,
        ("assigned", "in_app"): True,
        ("assigned", "email"): True,
        ("customer_replied", "in_app"): True,
        ("booking_changed", "in_app"): True,
    }
    for kind in Kind.values:
        for channel in DeliveryChannel.values:
            assert wants(technician, kind, channel) is expected.get((kind, channel), False)
    assert not NotificationPreference.objects.exists()


def test_set_a_preference(technician: Member, published: Published) -> None:
    with published(mine(technician)) as recorder:
        row = do_set_preference(technician, "customer_replied", "sms", True)
        do_set_preference(technician, "mention", "email", False)
    assert (row.organization_id, row.member, row.kind, row.channel, row.enabled) == (
        technician.organization_id,
        technician,
        "customer_replied",
        "sms",
        True,
    )
    assert wants(technician, "customer_replied", "sms")
    assert not wants(technician, "mention", "email")
    do_set_preference(technician, "customer_replied", "sms", False)
    assert not wants(technician, "customer_replied", "sms")
    assert NotificationPreference.objects.count() == 2
    assert recorder.all == []


@pytest.mark.parametrize(
    ("kind", "channel", "field"),
    [("birthday", "email", "kind"), ("mention", "pigeon", "channel")],
)
def test_unknown_kinds_and_channels_are_refused(
    technician: Member, kind: str, channel: str, field: str
) -> None:
    with pytest.raises(HubError) as error:
        do_set_preferences(technician, [("assigned", "sms", True), (kind, channel, True)])
    assert error.value.field == field
    # All or none: the valid choice before the bad one is not stored either.
    assert not NotificationPreference.objects.exists()


def test_an_admin_switches_off_email_and_sms_but_not_the_members_kinds(
    admin_member: Member, technician: Member, published: Published
) -> None:
    do_set_preference(technician, "customer_replied", "email", True)
    do_set_preference(technician, "customer_replied", "sms", True)
    do_set_preference(technician, "booking_changed", "push", True)
    before = list(NotificationPreference.objects.values_list("kind", "channel", "enabled"))

    with published(mine(technician)) as recorder:
        policy = do_set_policy(admin_member, technician, email_allowed=False, sms_allowed=False)
    assert (policy.organization_id, policy.member) == (technician.organization_id, technician)
    assert (policy.email_allowed, policy.sms_allowed) == (False, False)
    assert recorder.all == []

    # The member's choices are untouched; the policy wins at delivery.
    assert list(NotificationPreference.objects.values_list("kind", "channel", "enabled")) == (
        before
    )
    assert not wants(technician, "customer_replied", "email")
    assert not wants(technician, "customer_replied", "sms")
    assert not wants(technician, "mention", "email")
    assert wants(technician, "booking_changed", "push")
    assert wants(technician, "customer_replied", "in_app")
    grid = {(c["kind"], c["channel"]): c for c in preference_grid(technician)}
    assert grid["customer_replied", "email"] == {
        "kind": "customer_replied",
        "channel": "email",
        "enabled": True,
        "default": False,
        "blocked_by_policy": True,
        "delivered": False,
    }

    # Switched back on, the member's own choice is in force again.
    do_set_policy(admin_member, technician, email_allowed=True, sms_allowed=False)
    assert NotificationPolicy.objects.count() == 1
    assert wants(technician, "customer_replied", "email")
    assert not wants(technician, "customer_replied", "sms")


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.TECHNICIAN])
def test_only_an_admin_sets_a_policy(org: Organization, technician: Member, role: str) -> None:
    actor = make_member(org, role)
    with pytest.raises(Forbidden):
        do_set_policy(actor, technician, email_allowed=False, sms_allowed=False)
    with pytest.raises(Forbidden):
        do_set_policy(technician, technician, email_allowed=False, sms_allowed=False)
    assert not NotificationPolicy.objects.exists()


def test_an_admin_of_another_organisation_sets_no_policy(technician: Member) -> None:
    stranger = make_member(make_org(), Role.ADMIN)
    with pytest.raises(Forbidden):
        do_set_policy(stranger, technician, email_allowed=False, sms_allowed=False)
    assert not NotificationPolicy.objects.exists()


def test_an_inactive_member_wants_nothing(technician: Member) -> None:
    technician.is_active = False
    technician.save(update_fields=["is_active"])
    assert not wants(technician, "mention", "in_app")
