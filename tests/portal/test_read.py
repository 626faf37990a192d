"""Read marks: a message the customer has had on screen in the portal is read for the staff
(Jublo's mail icon changes), at once and live; never an internal note, never their own."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Member
from hub.events import case_group, inbox_group, portal_case_group
from hub.threads.actions.messages import do_post_message, do_receive_customer_message
from hub.threads.models import Audience, Case, Channel, Message
from tests.conftest import login
from tests.events import recording
from tests.factories import post
from tests.portal.helpers import json_post, portal_client

pytestmark = pytest.mark.django_db


def read(client: Client, message: Message) -> Any:
    return json_post(client, "/api/portal/read", {"message_id": message.pk})


def test_reading_marks_the_organisations_messages_up_to_the_one_seen(
    dispatcher: Member, case: Case
) -> None:
    assert case.contact is not None
    first = post(dispatcher, case, "Vi kommer tirsdag.", Audience.CUSTOMER)
    note = post(dispatcher, case, "Internt notat", Audience.INTERNAL)
    sms, _new = do_post_message(
        dispatcher, case, audience=Audience.CUSTOMER, text="Husk å låse opp.", channel=Channel.SMS
    )
    theirs, _new = do_receive_customer_message(
        case, case.contact, text="Takk!", channel=Channel.EMAIL
    )
    later = post(dispatcher, case, "Vi er på vei.", Audience.CUSTOMER)
    customer = portal_client(dispatcher, case)

    answer = read(customer, theirs)
    assert answer.status_code == 200
    assert answer.json() == {"marked": [first.pk, sms.pk]}
    stored = {m.pk: m.read_by_customer for m in Message.objects.filter(case=case)}
    assert stored[first.pk] is not None
    assert stored[sms.pk] is not None
    assert stored[note.pk] is None
    assert stored[theirs.pk] is None
    assert stored[later.pk] is None
    # Again: nothing new; the time of the first reading stays.
    assert read(customer, theirs).json() == {"marked": []}
    assert Message.objects.get(pk=first.pk).read_by_customer == stored[first.pk]

    # The portal shows it; the staff payload has it.
    shown = {m["id"]: m["read"] for m in customer.get("/api/portal/case").json()["messages"]}
    assert shown[first.pk] is not None
    assert shown[later.pk] is None
    staff = login(dispatcher).get(f"/api/cases/{case.pk}/messages").json()["results"]
    by_id = {m["id"]: m for m in staff}
    assert by_id[sms.pk]["read_by_customer"] is not None
    assert by_id[later.pk]["read_by_customer"] is None


def test_an_internal_note_cannot_be_read_into_by_id(dispatcher: Member, case: Case) -> None:
    note = post(dispatcher, case, "Internt", Audience.INTERNAL)
    customer = portal_client(dispatcher, case)
    answer = read(customer, note)
    assert answer.status_code == 404
    assert answer.json()["error"]["field"] == "message_id"
    bad = json_post(customer, "/api/portal/read", {"message_id": "1"})
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "message_id"


def test_staff_see_it_read_live_and_the_portal_hears_nothing_of_it(
    dispatcher: Member, case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    message = post(dispatcher, case, "Vi kommer tirsdag.", Audience.CUSTOMER)
    customer = portal_client(dispatcher, case)
    org = case.organization_id
    with (
        recording(
            inbox_group(org), case_group(org, case.pk), portal_case_group(org, case.pk)
        ) as seen,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert read(customer, message).status_code == 200
    [updated] = seen.of(case_group(org, case.pk))
    assert updated["type"] == "message.updated"
    assert updated["message"]["id"] == message.pk
    assert updated["message"]["read_by_customer"] is not None
    assert seen.types(inbox_group(org)) == ["message.updated"]
    assert seen.of(portal_case_group(org, case.pk)) == []
