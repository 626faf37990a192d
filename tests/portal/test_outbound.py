"""Every e-mail and SMS to the customer of a case shown in the portal carries a link of its own
to it (SMS: one short line); the link works from the phone simulator as from a real phone. A
link that ran out asks for a fresh one, sent to the contact's own number or address."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default

import pytest
from asgiref.sync import async_to_sync
from django.test import Client
from django.utils import timezone

from hub.accounts.models import Member
from hub.customers.models import Contact
from hub.gateways.email.compose import compose
from hub.gateways.outbox import Dispatcher
from hub.gateways.sms.compose import sms_text
from hub.mail.models import DevMail
from hub.outbox.models import Delivery, State
from hub.portal.actions import FRESH_LINKS_A_DAY
from hub.portal.models import LinkKind, PortalLink
from hub.threads.actions.cases import do_set_portal_visible
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Audience, Case, Channel, Event, EventKind, Message
from tests.conftest import login
from tests.factories import make_customer_case
from tests.portal.helpers import link_for, lock, open_portal, path_of

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"https?://[^\s\"<>]+/p/[A-Za-z0-9_-]{32}")


def write(
    member: Member, case: Case, channel: str, text: str = "Vi kommer tirsdag.", **extra: object
) -> Message:
    message, _new = do_post_message(
        member, case, audience=Audience.CUSTOMER, text=text, channel=channel, **extra
    )
    return message


def delivery_of(message: Message) -> Delivery:
    return Delivery.objects.select_related(
        "case__organization", "message", "sent_by", "recipient_member__user"
    ).get(message=message)


def send_all() -> None:
    async_to_sync(Dispatcher("portal-test").tick)()


def opens_the_case(url: str, case: Case) -> bool:
    client, answer = open_portal(url)
    if answer.status_code != 302:
        return False
    page = client.get("/p/")
    return page.status_code == 200 and case.title in page.content.decode()


def test_an_sms_carries_one_line_with_a_link_that_opens_the_case(
    dispatcher: Member, case: Case
) -> None:
    message = write(dispatcher, case, Channel.SMS)
    link = PortalLink.objects.get()
    assert (link.kind, link.contact, link.case) == (LinkKind.MESSAGE, case.contact, case)
    send_all()
    delivery = delivery_of(message)
    assert delivery.state == State.SENT
    text = sms_text(delivery)
    first, second = text.split("\n")
    assert first == "Vi kommer tirsdag."
    (url,) = LINK.findall(second)
    assert second.endswith(url)
    assert len(second) < len(url) + 20  # one short line
    # A retry sends the same link; nothing about it is stored in the clear.
    assert sms_text(delivery_of(message)) == text
    assert url.rsplit("/", 1)[1] not in str(list(Delivery.objects.values_list()))
    assert opens_the_case(url, case)
    # The phone simulator shows the SMS as the phone gets it.
    simulator = login(dispatcher).get("/dev/sms/").content.decode()
    assert url in simulator


def test_a_mail_carries_the_link_in_text_and_html(dispatcher: Member, case: Case) -> None:
    message = write(dispatcher, case, Channel.EMAIL)
    mail = compose(delivery_of(message)).message
    text_part = mail.get_body(preferencelist=("plain",))
    html_part = mail.get_body(preferencelist=("html",))
    assert isinstance(text_part, EmailMessage)
    assert isinstance(html_part, EmailMessage)
    (url,) = LINK.findall(text_part.get_content())
    assert f'href="{url}"' in html_part.get_content()
    assert opens_the_case(url, case)
    # Sent through the development mailbox, the same link arrives.
    send_all()
    raw = bytes(DevMail.objects.get().raw)
    received = email.message_from_bytes(raw, policy=default)
    assert url in str(received.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]


def test_no_link_when_the_case_is_not_in_the_portal(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    message = write(dispatcher, case, Channel.SMS)
    assert sms_text(delivery_of(message)) == "Vi kommer tirsdag."
    mail = compose(delivery_of(write(dispatcher, case, Channel.EMAIL))).message
    assert "/p/" not in mail.as_string()
    assert not PortalLink.objects.exists()


def test_no_link_for_a_locked_contact_or_a_stranger(dispatcher: Member, case: Case) -> None:
    lock(dispatcher, case)
    message = write(dispatcher, case, Channel.SMS)
    assert sms_text(delivery_of(message)) == "Vi kommer tirsdag."
    lock(dispatcher, case, locked=False)
    # A number typed by hand that is no contact of the customer: no link to their case.
    stranger = write(dispatcher, case, Channel.SMS, to="+4799999999")
    assert sms_text(delivery_of(stranger)) == "Vi kommer tirsdag."
    assert not PortalLink.objects.exists()


def test_every_delivery_has_a_link_of_its_own(dispatcher: Member, case: Case) -> None:
    assert case.customer is not None
    other = Contact.objects.create(
        organization=case.organization,
        customer=case.customer,
        name="Per Hansen",
        phone="+4741111111",
    )
    message = write(dispatcher, case, Channel.SMS, to=f"{case.contact.phone}, {other.phone}")  # type: ignore[union-attr]
    texts = {
        d.recipient: sms_text(d)
        for d in Delivery.objects.filter(message=message).select_related(
            "case__organization", "message"
        )
    }
    urls = {recipient: LINK.findall(text)[0] for recipient, text in texts.items()}
    assert len(set(urls.values())) == 2
    assert {link.contact for link in PortalLink.objects.all()} == {case.contact, other}
    client, _answer = open_portal(urls[other.phone])
    body = client.get("/api/portal/case").json()
    assert body["contact"] == {"name": "Per Hansen"}


def test_an_expired_link_sends_a_fresh_one_to_the_contacts_own_number(
    dispatcher: Member, case: Case
) -> None:
    url = link_for(dispatcher, case)
    PortalLink.objects.update(expires=timezone.now() - timedelta(days=1))
    client, _answer = open_portal(url)
    assert client.get("/p/").context["offer_fresh_link"]
    page = client.post("/p/new-link")
    assert page.context["sent_to"] == "+47\u00a0•••••\u00a0567"
    assert "+4741234567" not in page.content.decode()
    delivery = Delivery.objects.select_related("case__organization", "message").get()
    assert delivery.recipient == "+4741234567"
    assert delivery.recipient_contact == case.contact
    assert delivery.message is not None
    assert delivery.message.automatic
    (fresh,) = LINK.findall(sms_text(delivery))
    assert fresh != url
    assert opens_the_case(fresh, case)
    (asked,) = Event.objects.filter(case=case, kind=EventKind.PORTAL_LINK_RESENT)
    assert asked.actor_contact == case.contact
    assert asked.data["to"] == "+47\u00a0•••••\u00a0567"
    # Once in a while only: each costs an SMS to a real person.
    again = client.post("/p/new-link")
    assert again.context["error"]
    assert Delivery.objects.count() == 1


def test_fresh_links_are_limited_a_day(dispatcher: Member, case: Case) -> None:
    url = link_for(dispatcher, case)
    PortalLink.objects.update(expires=timezone.now() - timedelta(days=1))
    client, _answer = open_portal(url)
    for n in range(FRESH_LINKS_A_DAY + 1):
        answer = client.post("/p/new-link")
        if n < FRESH_LINKS_A_DAY:
            assert answer.context["sent_to"], answer.context["error"]
        else:
            assert answer.context["error"]
        Event.objects.filter(kind=EventKind.PORTAL_LINK_RESENT).update(
            created=timezone.now() - timedelta(hours=1)
        )
    assert Delivery.objects.count() == FRESH_LINKS_A_DAY


def test_a_fresh_link_goes_by_mail_without_a_mobile_number(dispatcher: Member, case: Case) -> None:
    Contact.objects.filter(pk=case.contact_id).update(phone="")
    case.refresh_from_db()
    url = link_for(dispatcher, case)
    PortalLink.objects.update(revoked=timezone.now())
    client, _answer = open_portal(url)
    page = client.post("/p/new-link")
    assert page.context["sent_to"] == "k••••@example.no"
    delivery = Delivery.objects.get()
    assert delivery.channel == "email"
    assert delivery.recipient == "kunde@example.no"


def test_no_fresh_link_for_a_locked_contact_or_a_hidden_case(
    dispatcher: Member, case: Case
) -> None:
    url = link_for(dispatcher, case)
    client, _answer = open_portal(url)
    lock(dispatcher, case)
    assert client.get("/p/").context["refusal"] == "locked"
    page = client.post("/p/new-link")
    assert page.context["refusal"] == "locked"
    assert not page.context["sent_to"]
    lock(dispatcher, case, locked=False)
    do_set_portal_visible(dispatcher, case, False)
    assert client.post("/p/new-link").context["refusal"] == "hidden"
    assert not Delivery.objects.exists()


def test_without_a_refused_link_nothing_is_sent(db: None) -> None:
    page = Client().post("/p/new-link")
    assert page.status_code == 404
    assert not Delivery.objects.exists()


def test_the_link_path_is_the_token_only(dispatcher: Member, case: Case) -> None:
    assert re.fullmatch(r"/p/[A-Za-z0-9_-]{32}", path_of(link_for(dispatcher, case)))
