"""The doors around mail: the administrator's settings (a password goes in, never out), the
mailboxes, the case's sent log and recipient picker, the unsorted queue, the open marker, and
the e-mail copy of a notification."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from hub.accounts.models import Member, Organization, Role
from hub.events import case_group
from hub.mail.addresses import reply_address
from hub.mail.models import Mailbox, MailSettings
from hub.mail.secrets import decrypt
from hub.outbox.models import Delivery
from hub.threads.actions.cases import do_create_case
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Audience, Channel, Message
from tests.asgi import asgi_request
from tests.conftest import login
from tests.events import recording
from tests.factories import make_contact, make_customer_case, make_member
from tests.gateways.email.mails import customer_mail
from tests.mail.test_receive import receive

pytestmark = pytest.mark.django_db


def put(client: Client, url: str, data: Any) -> Any:
    return client.put(url, data, content_type="application/json")


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type="application/json")


def test_the_smtp_password_goes_in_and_never_comes_out(admin_member: Member) -> None:
    client = login(admin_member)
    answer = put(
        client,
        "/api/settings/mail",
        {
            "from_address": "post@nordlys.example",
            "smtp_host": "smtp.nordlys.example",
            "smtp_port": 587,
            "smtp_security": "starttls",
            "smtp_username": "post@nordlys.example",
            "smtp_password": "hemmelig-123",
        },
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["smtp_password_set"] is True
    assert "hemmelig" not in answer.content.decode()
    assert "hemmelig" not in client.get("/api/settings/mail").content.decode()
    stored = MailSettings.objects.get(organization=admin_member.organization)
    assert "hemmelig" not in stored.smtp_password_encrypted
    assert decrypt(stored.smtp_password_encrypted) == "hemmelig-123"
    # Left out: kept. Empty: removed.
    put(client, "/api/settings/mail", {"track_opens": False})
    assert decrypt(MailSettings.objects.get().smtp_password_encrypted) == "hemmelig-123"
    put(client, "/api/settings/mail", {"smtp_password": ""})
    assert MailSettings.objects.get().smtp_password_encrypted == ""


def test_bad_settings_are_refused_with_the_field(admin_member: Member) -> None:
    client = login(admin_member)
    answer = put(client, "/api/settings/mail", {"from_address": "ikke-en-adresse"})
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "from_address"
    answer = put(client, "/api/settings/mail", {"smtp_port": 70000})
    assert answer.json()["error"]["field"] == "smtp_port"


def test_only_administrators_see_mail_settings(dispatcher: Member) -> None:
    assert login(dispatcher).get("/api/settings/mail").status_code == 403
    assert login(dispatcher).get("/api/settings/mailboxes").status_code == 403


def test_mailboxes(admin_member: Member) -> None:
    client = login(admin_member)
    answer = post(
        client,
        "/api/settings/mailboxes",
        {"name": "Kundeservice", "host": "imap.example.no", "username": "post", "password": "pw"},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["password_set"] is True
    assert "pw" not in answer.content.decode().split('"')
    assert body["port"] == 993
    assert body["security"] == "tls"
    refused = post(
        client,
        "/api/settings/mailboxes",
        {"name": "X", "host": "h", "username": "u", "password": "p", "security": "starttls"},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "security"
    listed = client.get("/api/settings/mailboxes").json()["results"]
    assert [row["name"] for row in listed] == ["Kundeservice"]
    assert Mailbox.objects.count() == 1


def test_sent_log_and_recipients(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    assert case.customer is not None
    make_contact(case.customer, "Per Vaktmester", email="per@example.no")
    client = login(dispatcher)
    answer = post(
        client,
        f"/api/cases/{case.pk}/messages",
        {
            "audience": "customer",
            "text": "Vi kommer tirsdag.",
            "channel": "email",
            "to": "kunde@example.no, per@example.no",
            "client_id": "m-1",
        },
    )
    assert answer.status_code == 201, answer.content
    assert sorted(d["recipient"] for d in answer.json()["deliveries"]) == [
        "kunde@example.no",
        "per@example.no",
    ]
    log = client.get(f"/api/cases/{case.pk}/deliveries").json()["results"]
    assert {(row["recipient"], row["state"], row["sent_by"]) for row in log} == {
        ("kunde@example.no", "queued", dispatcher.display_name),
        ("per@example.no", "queued", dispatcher.display_name),
    }
    picker = client.get(f"/api/cases/{case.pk}/recipients").json()["results"]
    assert picker[0]["is_case_contact"] is True
    assert {row["email"] for row in picker} == {"kunde@example.no", "per@example.no"}


def test_a_bad_recipient_is_a_clear_error(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    answer = post(
        login(dispatcher),
        f"/api/cases/{case.pk}/messages",
        {"audience": "customer", "text": "Hei", "channel": "email", "to": "kunde@@example"},
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "to"
    assert not Message.objects.exists()


def test_move_a_message_out_of_the_unsorted_queue(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    assert case.contact is not None
    # A second open case of the same customer: the mail matches neither on its own.
    other = do_create_case(
        dispatcher, title="Jordfeil", customer=case.customer, contact=case.contact
    )
    record = receive(dispatcher.organization, customer_mail("Når kommer dere?"))
    unsorted = record.case
    assert unsorted is not None
    assert unsorted.unsorted
    client = login(dispatcher)
    listed = client.get("/api/cases?unsorted=1").json()["results"]
    assert [row["id"] for row in listed] == [unsorted.pk]
    url = f"/api/cases/{unsorted.pk}/messages/{record.message_id}/move"
    stranger = make_customer_case(dispatcher, "En annen kunde")
    assert post(client, url, {"case_id": stranger.pk}).status_code == 409
    answer = post(client, url, {"case_id": other.pk})
    assert answer.status_code == 200, answer.content
    assert Message.objects.get(pk=record.message_id).case_id == other.pk
    record.refresh_from_db()
    assert record.case_id == other.pk  # the customer's next reply to it finds the case
    unsorted.refresh_from_db()
    assert not unsorted.unsorted
    assert unsorted.status == "resolved"
    assert case.messages.count() == 0


def test_keep_an_unsorted_case(dispatcher: Member, technician: Member) -> None:
    record = receive(dispatcher.organization, customer_mail(sender="ny@example.no"))
    assert record.case is not None
    url = f"/api/cases/{record.case.pk}/keep"
    assert post(login(dispatcher), url, {}).status_code == 200
    record.case.refresh_from_db()
    assert not record.case.unsorted


def test_the_open_marker(dispatcher: Member, django_capture_on_commit_callbacks: Any) -> None:
    case = make_customer_case(dispatcher)
    message, _new = do_post_message(
        dispatcher, case, audience=Audience.CUSTOMER, text="Hei", channel=Channel.EMAIL
    )
    delivery = Delivery.objects.get(message=message)
    watchers = case_group(case.organization_id, case.pk)
    with recording(watchers) as events, django_capture_on_commit_callbacks(execute=True):
        status, headers, body = async_to_sync(asgi_get)(f"/hooks/mail/opened/{delivery.token}.gif")
    assert status == 200
    assert headers[b"content-type"] == b"image/gif"
    assert body.startswith(b"GIF")
    delivery.refresh_from_db()
    assert delivery.opened_at is not None
    assert events.types(watchers) == ["delivery.updated"]
    # Again, or a made-up token: the same image, nothing changes.
    first = delivery.opened_at
    assert async_to_sync(asgi_get)(f"/hooks/mail/opened/{delivery.token}.gif")[0] == 200
    assert async_to_sync(asgi_get)("/hooks/mail/opened/AAAAAAAAAAAAAAAAAAAAAAAA.gif")[0] == 200
    delivery.refresh_from_db()
    assert delivery.opened_at == first


def test_a_mention_is_mailed_to_those_who_want_it(dispatcher: Member, org: Organization) -> None:
    colleague = make_member(org, Role.DISPATCHER, handle="ola", name="Ola Hansen")
    colleague.user.email = "ola@nordlys.example"
    colleague.user.save()
    case = make_customer_case(dispatcher)
    do_post_message(dispatcher, case, audience=Audience.INTERNAL, text="@ola kan du ta denne?")
    (mail,) = Delivery.objects.filter(purpose="mention")
    assert (mail.recipient, mail.automatic, mail.recipient_member) == (
        "ola@nordlys.example",
        True,
        colleague,
    )


def test_a_reply_to_the_reply_address_of_a_foreign_org_is_not_shown(
    dispatcher: Member, other_org: Organization
) -> None:
    case = make_customer_case(dispatcher)
    record = receive(other_org, customer_mail(sender="x@example.com", to=reply_address(case)))
    assert record.case is not None
    assert record.case.organization_id == other_org.pk


async def asgi_get(path: str) -> tuple[int, dict[bytes, bytes], bytes]:
    return await asgi_request("GET", path)
