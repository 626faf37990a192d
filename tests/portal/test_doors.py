"""The portal's JSON doors from the customer's phone: the case with its customer messages and
never an internal note, replies, photos and files under the hub's limits, CSRF, and nothing of
another case or organisation by any id."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django import Settings

from hub.accounts.models import Member, Organization
from hub.mail.actions import do_set_logo
from hub.notify.models import Notification
from hub.threads.actions.cases import do_assign_case
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Attachment, Audience, Case, Channel, Direction, Message
from tests.conftest import login
from tests.factories import make_attachment, make_member, png_bytes, post
from tests.portal.helpers import json_post, lock, portal_case, portal_client

pytestmark = pytest.mark.django_db

# The start of a Linux program: a file that must not pass for a picture.
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


@pytest.fixture
def customer(dispatcher: Member, case: Case) -> Client:
    return portal_client(dispatcher, case)


def fetch(client: Client, url: str) -> tuple[int, Any, bytes]:
    """The status, the answer and its content, read whole. Reading a streamed file to its end
    closes it (the test client's wrapper does, without closing the test's database connection,
    as a second ``close()`` would)."""
    response: Any = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, response, content


def upload(client: Client, name: str, content: bytes) -> Any:
    return client.post("/api/portal/attachments", {"file": SimpleUploadedFile(name, content)})


def test_the_case_shows_customer_messages_and_no_internal_note(
    dispatcher: Member, technician: Member, case: Case, customer: Client
) -> None:
    post(dispatcher, case, "Vi kommer tirsdag mellom 8 og 10.", Audience.CUSTOMER)
    post(dispatcher, case, "Kunden har hund, ring på først. @lars", Audience.INTERNAL)
    body = customer.get("/api/portal/case").json()
    assert body["organization"] == {
        "name": "Nordlys Elektro AS",
        "logo_url": None,
        "locale": "nb",
        "time_zone": "Europe/Oslo",
    }
    assert body["case"]["title"] == case.title
    assert body["case"]["reference"] == case.reference
    assert body["contact"] == {"name": "Kari Nordmann"}
    assert body["booking"] is None
    assert body["socket"] == "/ws/portal/"
    assert body["upload"]["max_bytes"] > 0
    (message,) = body["messages"]
    assert message["text"] == "Vi kommer tirsdag mellom 8 og 10."
    # A colleague by first name, and nothing of the staff payload.
    assert message["author"] == "Kari"
    assert message["direction"] == "out"
    assert message["read"] is None
    assert set(message) == {
        "id",
        "direction",
        "mine",
        "author",
        "text",
        "created",
        "automatic",
        "attachments",
        "read",
    }
    assert "hund" not in str(body)


def test_pages_of_messages_before_and_after(
    dispatcher: Member, case: Case, customer: Client
) -> None:
    ids = [post(dispatcher, case, f"Melding {n}", Audience.CUSTOMER).pk for n in range(5)]
    post(dispatcher, case, "Internt", Audience.INTERNAL)
    newest = customer.get("/api/portal/messages?limit=2").json()
    assert [m["id"] for m in newest["results"]] == ids[3:]
    assert newest["has_more"] is True
    older = customer.get(f"/api/portal/messages?before={ids[3]}&limit=10").json()
    assert [m["id"] for m in older["results"]] == ids[:3]
    assert older["has_more"] is False
    after = customer.get(f"/api/portal/messages?after={ids[1]}").json()
    assert [m["id"] for m in after["results"]] == ids[2:]
    both = customer.get(f"/api/portal/messages?after=1&before={ids[4]}")
    assert both.status_code == 400
    assert both.json()["error"]["field"] == "before"


def test_a_reply_lands_on_the_case_as_the_contacts_portal_message(
    dispatcher: Member, technician: Member, case: Case, customer: Client
) -> None:
    do_assign_case(dispatcher, case, member=technician)
    answer = json_post(
        customer, "/api/portal/messages", {"text": "  Passer fint!  ", "client_id": "p-1"}
    )
    assert answer.status_code == 201
    shown = answer.json()["message"]
    assert shown["text"] == "Passer fint!"
    assert shown["mine"] is True
    assert shown["direction"] == "in"
    stored = Message.objects.get(pk=shown["id"])
    assert stored.channel == Channel.PORTAL
    assert stored.direction == Direction.IN
    assert stored.audience == Audience.CUSTOMER
    assert stored.author_contact == case.contact
    # The assignee hears that the customer replied, as for a mail or an SMS.
    assert Notification.objects.filter(member=technician, kind="customer_replied").exists()
    # The same client_id again: the stored message, nothing twice.
    again = json_post(
        customer, "/api/portal/messages", {"text": "Passer fint!", "client_id": "p-1"}
    )
    assert again.status_code == 200
    assert again.json()["message"]["id"] == stored.pk
    assert Message.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "   "}, "text"),
        ({}, "text"),
        ({"text": 5}, "text"),
        ({"text": "Hei", "attachments": "1"}, "attachments"),
        ({"text": "Hei", "audience": "internal"}, "audience"),
    ],
)
def test_bad_replies_are_refused_with_the_field(
    customer: Client, body: dict[str, Any], field: str
) -> None:
    answer = json_post(customer, "/api/portal/messages", body)
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == field
    assert not Message.objects.exists()


def test_a_photo_from_the_phone_goes_with_the_reply(
    dispatcher: Member, case: Case, customer: Client
) -> None:
    uploaded = upload(customer, "image.jpg", png_bytes())
    assert uploaded.status_code == 415  # a PNG named .jpg is not what it says
    uploaded = upload(customer, "Sikringsskap.png", png_bytes())
    assert uploaded.status_code == 201
    photo = uploaded.json()
    assert photo["url"] == f"/api/portal/files/{photo['id']}"
    assert fetch(customer, photo["url"])[0] == 200  # one's own upload, not yet sent
    answer = json_post(customer, "/api/portal/messages", {"attachments": [photo["id"]]})
    assert answer.status_code == 201
    message = answer.json()["message"]
    assert message["text"] == "Sikringsskap.png"
    assert [a["id"] for a in message["attachments"]] == [photo["id"]]
    attachment = Attachment.objects.get(pk=photo["id"])
    assert attachment.uploaded_by_contact == case.contact
    assert attachment.message_id == message["id"]
    _status, download, content = fetch(customer, photo["url"])
    assert download["Content-Type"] == "image/png"
    assert content == png_bytes()
    # Sent once: it cannot go with another message.
    again = json_post(
        customer, "/api/portal/messages", {"text": "Igjen", "attachments": [photo["id"]]}
    )
    assert again.status_code == 400
    assert again.json()["error"]["field"] == "attachments"


def test_uploads_keep_the_hubs_limits(customer: Client, settings: Settings) -> None:
    settings.HUB_UPLOAD_MAX_BYTES = 1024 * 1024
    big = png_bytes() + b"\x00" * (2 * 1024 * 1024)
    answer = upload(customer, "stor.png", big)
    assert answer.status_code == 413
    assert answer.json()["error"]["field"] == "file"
    program = upload(customer, "bilde.png", ELF_BYTES)
    assert program.status_code == 415
    missing = customer.post("/api/portal/attachments", {})
    assert missing.status_code == 400
    assert not Attachment.objects.exists()


def test_a_staff_upload_or_an_internal_file_is_not_the_customers(
    dispatcher: Member, case: Case, customer: Client
) -> None:
    staff_file = make_attachment(dispatcher, case, "tegning.png")
    assert customer.get(f"/api/portal/files/{staff_file.pk}").status_code == 404
    answer = json_post(
        customer, "/api/portal/messages", {"text": "x", "attachments": [staff_file.pk]}
    )
    assert answer.status_code == 400
    note_file = make_attachment(dispatcher, case, "internt.png")
    do_post_message(dispatcher, case, audience="internal", text="Notat", attachments=[note_file])
    assert customer.get(f"/api/portal/files/{note_file.pk}").status_code == 404
    sent_file = make_attachment(dispatcher, case, "tilbud.png")
    do_post_message(dispatcher, case, audience="customer", text="Tilbud", attachments=[sent_file])
    assert fetch(customer, f"/api/portal/files/{sent_file.pk}")[0] == 200


def test_nothing_of_another_case_or_organisation_by_id(
    dispatcher: Member, case: Case, customer: Client, other_org: Organization
) -> None:
    mine_elsewhere = portal_case(dispatcher, "Annen sak")
    other_message = post(dispatcher, mine_elsewhere, "Annen sak", Audience.CUSTOMER)
    other_file = make_attachment(dispatcher, mine_elsewhere, "annen.png")
    stranger = make_member(other_org, handle="sven")
    theirs = portal_case(stranger, "Värmepump")
    their_message = post(stranger, theirs, "Hej", Audience.CUSTOMER)
    their_file = make_attachment(stranger, theirs, "deras.png")
    for message in (other_message, their_message):
        answer = json_post(customer, "/api/portal/read", {"message_id": message.pk})
        assert answer.status_code == 404
        assert Message.objects.get(pk=message.pk).read_by_customer is None
    for attachment in (other_file, their_file):
        assert customer.get(f"/api/portal/files/{attachment.pk}").status_code == 404
        answer = json_post(
            customer, "/api/portal/messages", {"text": "x", "attachments": [attachment.pk]}
        )
        assert answer.status_code == 400
    assert customer.get("/api/portal/messages?after=0").json()["results"] == []


def test_posts_need_the_csrf_token(dispatcher: Member, case: Case) -> None:
    client = portal_client(dispatcher, case, enforce_csrf=True)
    page = client.get("/p/")
    token = page.cookies["csrftoken"].value
    refused = json_post(client, "/api/portal/messages", {"text": "Hei"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    assert not Message.objects.exists()
    answer = json_post(
        client, "/api/portal/messages", {"text": "Hei"}, headers={"X-CSRFToken": token}
    )
    assert answer.status_code == 201


PORTAL_DOORS = [
    ("GET", "/api/portal/case"),
    ("GET", "/api/portal/messages"),
    ("POST", "/api/portal/messages"),
    ("POST", "/api/portal/attachments"),
    ("GET", "/api/portal/files/1"),
    ("POST", "/api/portal/read"),
    ("POST", "/api/portal/booking"),
    ("GET", "/api/portal/logo"),
]


@pytest.mark.parametrize(("method", "url"), PORTAL_DOORS)
def test_every_portal_door_refuses_without_a_session(db: None, method: str, url: str) -> None:
    answer = Client().generic(method, url, "{}", content_type="application/json")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "portal_unknown"


@pytest.mark.parametrize(("method", "url"), PORTAL_DOORS)
def test_every_portal_door_closes_when_the_contact_is_locked(
    dispatcher: Member, case: Case, customer: Client, method: str, url: str
) -> None:
    lock(dispatcher, case)
    answer = customer.generic(method, url, "{}", content_type="application/json")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "portal_locked"


def test_a_staff_login_is_not_a_portal_session(dispatcher: Member, case: Case) -> None:
    assert login(dispatcher).get("/api/portal/case").status_code == 401


def test_wrong_methods_are_refused(customer: Client) -> None:
    answer = customer.delete("/api/portal/case")
    assert answer.status_code == 405
    assert answer["Allow"] == "GET"


def test_the_logo_is_the_organisations_mail_logo(
    dispatcher: Member, case: Case, customer: Client
) -> None:
    assert customer.get("/api/portal/logo").status_code == 404
    admin = make_member(dispatcher.organization, "admin", handle="sjef")
    do_set_logo(admin, SimpleUploadedFile("logo.png", png_bytes(8, 8)))
    body = customer.get("/api/portal/case").json()
    assert body["organization"]["logo_url"] == "/api/portal/logo"
    status, answer, content = fetch(customer, "/api/portal/logo")
    assert status == 200
    assert answer["Content-Type"] == "image/png"
    assert content == png_bytes(8, 8)
    assert 'class="p-logo"' in customer.get("/p/").content.decode()
