"""Correcting an internal note: the author only, never a message the customer was sent."""

from __future__ import annotations

import pytest
from django.test import Client

from hub.accounts.models import Member, Role
from hub.errors import Conflict, Forbidden, HubError
from hub.events import case_group, inbox_group, member_group
from hub.notify.models import Notification
from hub.threads.actions.edits import do_edit_note
from hub.threads.models import Audience, Event, EventKind, Mention
from tests.conftest import login
from tests.events import recording
from tests.factories import make_customer_case, make_member, post


def test_the_author_corrects_a_note_and_everyone_watching_sees_it(
    dispatcher: Member, technician: Member, django_capture_on_commit_callbacks: object
) -> None:
    case = make_customer_case(dispatcher)
    note = post(dispatcher, case, "Husk stige")
    org = case.organization_id
    with (
        recording(
            inbox_group(org), case_group(org, case.pk), member_group(org, technician.pk)
        ) as seen,
        django_capture_on_commit_callbacks(execute=True),  # type: ignore[operator]
    ):
        do_edit_note(dispatcher, case, note, "Husk stige og @lars")
    note.refresh_from_db()
    assert note.text == "Husk stige og @lars"
    assert note.edited is not None
    [updated] = seen.of(case_group(org, case.pk))
    assert updated["type"] == "message.updated"
    assert updated["message"]["text"] == "Husk stige og @lars"
    assert updated["message"]["edited"] is not None
    assert seen.types(inbox_group(org)) == ["message.updated"]
    # The colleague mentioned by the correction is told, once.
    assert seen.types(member_group(org, technician.pk)) == ["notification", "mention"]
    assert Mention.objects.filter(message=note, member=technician).count() == 1
    assert Notification.objects.filter(member=technician).count() == 1
    event = Event.objects.get(kind=EventKind.MESSAGE_EDITED)
    assert (event.actor_member, event.data["before"]) == (dispatcher, "Husk stige")


def test_an_unchanged_text_changes_nothing(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    note = post(dispatcher, case, "Samme")
    do_edit_note(dispatcher, case, note, "  Samme ")
    note.refresh_from_db()
    assert note.edited is None
    assert not Event.objects.filter(kind=EventKind.MESSAGE_EDITED).exists()


def test_only_the_author_may_correct_a_note(dispatcher: Member, technician: Member) -> None:
    case = make_customer_case(dispatcher)
    note = post(dispatcher, case, "Min lapp")
    with pytest.raises(Forbidden):
        do_edit_note(technician, case, note, "Endret av en annen")


def test_a_message_to_the_customer_cannot_be_changed(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    sent = post(dispatcher, case, "Vi kommer tirsdag", audience=Audience.CUSTOMER)
    with pytest.raises(Conflict, match="cannot be changed"):
        do_edit_note(dispatcher, case, sent, "Vi kommer onsdag")


def test_an_empty_correction_is_refused(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    note = post(dispatcher, case, "Lapp")
    with pytest.raises(HubError, match="needs some text"):
        do_edit_note(dispatcher, case, note, "   ")


def test_over_http(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    note = post(dispatcher, case, "Lapp")
    client: Client = login(dispatcher)
    url = f"/api/cases/{case.pk}/messages/{note.pk}"
    response = client.patch(url, {"text": "Rettet lapp"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["text"] == "Rettet lapp"
    assert (
        client.patch(
            f"/api/cases/{case.pk}/messages/999999", {"text": "x"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_another_organisations_note_is_not_found(dispatcher: Member, other_org: object) -> None:
    case = make_customer_case(dispatcher)
    note = post(dispatcher, case, "Lapp")
    stranger = make_member(other_org, Role.ADMIN)  # type: ignore[arg-type]
    response = login(stranger).patch(
        f"/api/cases/{case.pk}/messages/{note.pk}", {"text": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
