"""``hub.events``: the one way out for pushes, and the guard that keeps internal events out of
the customer's portal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hub.events import (
    InternalEventLeak,
    case_group,
    inbox_group,
    is_customer_safe,
    member_group,
    portal_case_group,
    send_event_on_commit,
)
from tests.events import recording
from tests.factories import rolled_back

CaptureCallbacks = Callable[..., Any]

PORTAL = portal_case_group(7, 42)
CASE = case_group(7, 42)
INBOX = inbox_group(7)
# Events are sent on commit, before collection starts: a short wait only ends an empty queue.
SETTLE = 0.05


def message_event(audience: Any) -> dict[str, Any]:
    return {
        "type": "message.created",
        "organization_id": 7,
        "case_id": 42,
        "message": {"id": 1, "case_id": 42, "audience": audience, "text": "Hei"},
    }


def test_group_names_and_which_face_the_customer() -> None:
    assert inbox_group(7).name == "org7.inbox"
    assert member_group(7, 3).name == "org7.member3"
    assert case_group(7, 42).name == "org7.case42"
    assert portal_case_group(7, 42).name == "org7.portal.case42"
    assert [g.customer_facing for g in (INBOX, member_group(7, 3), CASE)] == [False] * 3
    assert PORTAL.customer_facing is True


@pytest.mark.parametrize(
    ("event", "safe"),
    [
        (message_event("customer"), True),
        (message_event("internal"), False),
        (message_event(None), False),
        ({"type": "message.created", "message": "customer"}, False),
        ({"type": "case.updated", "case_id": 42}, False),
        ({"type": "case.updated", "customer_safe": "yes"}, False),
        ({"type": "case.updated", "customer_safe": 1}, False),
        ({"type": "typing", "customer_safe": True}, True),
        # A message decides, whatever the maker claims.
        ({**message_event("internal"), "customer_safe": True}, False),
    ],
)
def test_events_are_internal_unless_shown_otherwise(event: dict[str, Any], safe: bool) -> None:
    assert is_customer_safe(event) is safe


@pytest.mark.parametrize(
    "event",
    [
        message_event("internal"),
        {"type": "case.updated", "case_id": 42},
        {"type": "read.updated", "case_id": 42, "member_id": 3},
    ],
)
def test_an_internal_event_addressed_to_the_portal_raises(
    db: None, event: dict[str, Any], django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with (
        recording(INBOX, PORTAL, settle=SETTLE) as recorder,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(InternalEventLeak, match=r"org7\.portal\.case42"),
    ):
        send_event_on_commit(event, [INBOX, PORTAL])
    # Refused whole: not even the staff groups got it.
    assert callbacks == []
    assert recorder.all == []


def test_a_customer_message_reaches_the_portal(
    db: None, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    event = message_event("customer")
    with (
        recording(INBOX, CASE, PORTAL, settle=SETTLE) as recorder,
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_event_on_commit(event, [INBOX, CASE, PORTAL])
    for group in (INBOX, CASE, PORTAL):
        assert recorder.of(group) == [event]


def test_an_event_marked_customer_safe_reaches_the_portal(
    db: None, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    event = {"type": "case.status", "case_id": 42, "customer_safe": True}
    with (
        recording(PORTAL, settle=SETTLE) as recorder,
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_event_on_commit(event, [PORTAL])
    assert recorder.of(PORTAL) == [event]


def test_an_internal_event_reaches_staff_groups_only(
    db: None, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    event = message_event("internal")
    with (
        recording(INBOX, CASE, PORTAL, settle=SETTLE) as recorder,
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_event_on_commit(event, [INBOX, CASE])
    assert recorder.of(INBOX) == [event]
    assert recorder.of(CASE) == [event]
    assert recorder.of(PORTAL) == []


def test_a_group_named_twice_gets_the_event_once(
    db: None, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with (
        recording(CASE, settle=SETTLE) as recorder,
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_event_on_commit({"type": "case.updated"}, [CASE, case_group(7, 42), CASE])
    assert recorder.types(CASE) == ["case.updated"]


def test_the_event_leaves_only_after_commit(
    db: None, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with (
        recording(CASE, settle=SETTLE) as recorder,
        django_capture_on_commit_callbacks() as callbacks,
    ):
        send_event_on_commit({"type": "case.updated"}, [CASE])
    # Registered for the commit, but not run (the test's transaction never commits): nothing
    # went out on the layer.
    assert len(callbacks) == 1
    assert recorder.all == []


def test_nothing_leaves_when_the_transaction_rolls_back(
    db: None, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with (
        recording(CASE, settle=SETTLE) as recorder,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        with rolled_back():
            send_event_on_commit({"type": "case.updated"}, [CASE])
        send_event_on_commit({"type": "case.created"}, [CASE])
    assert len(callbacks) == 1
    assert recorder.types(CASE) == ["case.created"]


def test_the_event_is_copied_when_published(
    db: None, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    event: dict[str, Any] = {"type": "case.updated", "changes": ["status"]}
    with (
        recording(CASE, settle=SETTLE) as recorder,
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_event_on_commit(event, [CASE])
        event["type"] = "changed.afterwards"
    assert recorder.types(CASE) == ["case.updated"]
