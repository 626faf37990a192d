"""A received mail onto the right case, in the order the issue sets: signed reply address,
In-Reply-To/References against every Message-ID, the [S-1042] tag only for the case's own
customer, the sender's single open case; otherwise a new case in the unsorted queue. Also what
is not a customer's words: auto-replies, bounces, our own mail coming back."""

from __future__ import annotations

import pytest

from hub.accounts.models import Member, Organization, Role
from hub.customers.models import Contact
from hub.gateways.email.parse import parse_mail
from hub.mail.actions import do_receive_mail
from hub.mail.addresses import reply_address
from hub.mail.models import Kind, MailRecord, MatchedBy
from hub.notify.models import Notification
from hub.outbox.models import Delivery, State
from hub.threads.actions.cases import do_create_case
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Audience, Case, Channel, EventKind, Message, Status
from tests.conftest import login
from tests.factories import (
    make_contact,
    make_customer,
    make_customer_case,
    make_member,
    pdf_bytes,
    png_bytes,
)
from tests.gateways.email.mails import customer_mail

pytestmark = pytest.mark.django_db


def receive(organization: Organization, raw: bytes) -> MailRecord:
    return do_receive_mail(organization, parse_mail(raw), raw)


def mail_out(member: Member, case: Case, text: str = "Passer tirsdag kl. 10?") -> Delivery:
    message, _new = do_post_message(
        member, case, audience=Audience.CUSTOMER, text=text, channel=Channel.EMAIL
    )
    return Delivery.objects.get(message=message)


def open_case(member: Member, contact: Contact, title: str) -> Case:
    return do_create_case(
        member, title=title, customer=contact.customer, contact=contact, customer_channel=True
    )


def test_the_signed_reply_address_wins(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    other = make_customer_case(dispatcher, "Annen sak")
    raw = customer_mail(
        "Ja, det passer.",
        to=reply_address(case),
        # Headers pointing elsewhere lose to the address.
        in_reply_to=f"<{mail_out(dispatcher, other).provider_id}>",
    )
    record = receive(dispatcher.organization, raw)
    assert (record.case_id, record.matched_by) == (case.pk, MatchedBy.REPLY_ADDRESS)
    assert record.message is not None
    assert record.message.text == "Ja, det passer."


@pytest.mark.parametrize("header", ["Delivered-To", "X-Original-To", "Cc"])
def test_the_reply_address_is_found_in_any_header(dispatcher: Member, header: str) -> None:
    case = make_customer_case(dispatcher)
    raw = customer_mail(to="post@nordlys.example", headers={header: reply_address(case)})
    assert receive(dispatcher.organization, raw).case_id == case.pk


def test_a_forged_reply_address_matches_nothing(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    forged = reply_address(case).replace(f"+c{case.pk}-", f"+c{case.pk + 1}-")
    record = receive(
        dispatcher.organization, customer_mail(sender="fremmed@example.com", to=forged)
    )
    assert record.matched_by == MatchedBy.NEW_CASE
    assert record.case_id != case.pk


def test_another_organisations_reply_address_matches_nothing(
    dispatcher: Member, other_org: Organization
) -> None:
    case = make_customer_case(dispatcher)
    record = receive(other_org, customer_mail(sender="x@example.com", to=reply_address(case)))
    assert record.matched_by == MatchedBy.NEW_CASE
    assert record.case is not None
    assert record.case.organization_id == other_org.pk


def test_three_open_cases_the_reply_lands_on_the_one_it_answers(dispatcher: Member) -> None:
    customer = make_customer(dispatcher.organization)
    contact = make_contact(customer)
    cases = [open_case(dispatcher, contact, f"Sak {n}") for n in range(3)]
    sent = [mail_out(dispatcher, case) for case in cases]
    raw = customer_mail(
        "Onsdag er bedre.",
        in_reply_to=f"<{sent[1].provider_id}>",
        references=f"<{sent[1].provider_id}>",
    )
    record = receive(dispatcher.organization, raw)
    assert (record.case_id, record.matched_by) == (cases[1].pk, MatchedBy.HEADERS)


def test_references_to_the_customers_own_earlier_mail(dispatcher: Member) -> None:
    customer = make_customer(dispatcher.organization)
    contact = make_contact(customer)
    first, second = open_case(dispatcher, contact, "A"), open_case(dispatcher, contact, "B")
    earlier = receive(
        dispatcher.organization,
        customer_mail("Første", to=reply_address(second), message_id="<first@example.no>"),
    )
    assert earlier.case_id == second.pk
    later = receive(
        dispatcher.organization,
        customer_mail("Glemte å si", references="<unknown@x> <first@example.no>"),
    )
    assert (later.case_id, later.matched_by) == (second.pk, MatchedBy.HEADERS)
    assert first.messages.count() == 0


def test_the_case_tag_counts_only_for_the_cases_own_customer(dispatcher: Member) -> None:
    customer = make_customer(dispatcher.organization)
    contact = make_contact(customer)
    tagged, _other = open_case(dispatcher, contact, "A"), open_case(dispatcher, contact, "B")
    subject = f"Re: Montering [{tagged.reference}]"
    record = receive(dispatcher.organization, customer_mail(subject=subject))
    assert (record.case_id, record.matched_by) == (tagged.pk, MatchedBy.TAG)
    stranger = receive(
        dispatcher.organization, customer_mail(sender="fremmed@example.com", subject=subject)
    )
    assert stranger.matched_by == MatchedBy.NEW_CASE
    assert stranger.case_id != tagged.pk


def test_the_senders_single_open_case(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    record = receive(dispatcher.organization, customer_mail(subject="Spørsmål"))
    assert (record.case_id, record.matched_by) == (case.pk, MatchedBy.SENDER)


def test_never_by_subject_alone(dispatcher: Member) -> None:
    customer = make_customer(dispatcher.organization)
    contact = make_contact(customer)
    open_case(dispatcher, contact, "Montering av elbillader")
    open_case(dispatcher, contact, "Jordfeil")
    record = receive(dispatcher.organization, customer_mail(subject="Re: Montering av elbillader"))
    assert record.matched_by == MatchedBy.NEW_CASE
    case = record.case
    assert case is not None
    assert case.unsorted
    assert case.customer_id == customer.pk


def test_a_closed_case_is_not_the_senders_open_case(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    Case.objects.filter(pk=case.pk).update(status=Status.RESOLVED)
    record = receive(dispatcher.organization, customer_mail(subject="Ny feil"))
    assert record.matched_by == MatchedBy.NEW_CASE


def test_a_stranger_gets_a_customer_and_an_unsorted_case(dispatcher: Member) -> None:
    record = receive(
        dispatcher.organization,
        customer_mail(
            "Kan dere skifte stikkontakter?",
            sender="Jørgen Berg <jorgen@example.no>",
            subject="Tilbud?",
        ),
    )
    case = record.case
    assert case is not None
    assert case.unsorted
    assert case.customer_channel
    assert case.customer is not None
    assert case.customer.name == "Jørgen Berg"
    assert case.contact is not None
    assert case.contact.email == "jorgen@example.no"
    assert case.title == "Tilbud?"


def test_a_new_address_of_the_customer_becomes_their_contact(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    record = receive(
        dispatcher.organization,
        customer_mail(sender="Ola Nordmann <ola@example.no>", to=reply_address(case)),
    )
    assert record.message is not None
    author = record.message.author_contact
    assert author is not None
    assert author.customer_id == case.customer_id
    assert author.email == "ola@example.no"


def test_the_same_mail_twice_is_stored_once(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    raw = customer_mail(to=reply_address(case), message_id="<once@example.no>")
    first, again = receive(dispatcher.organization, raw), receive(dispatcher.organization, raw)
    assert first.pk == again.pk
    assert case.messages.count() == 1


def test_without_message_id_the_content_decides(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    raw = customer_mail("Hei", to=reply_address(case), message_id=None)
    receive(dispatcher.organization, raw)
    receive(dispatcher.organization, raw)
    receive(
        dispatcher.organization, customer_mail("Hei igjen", to=reply_address(case), message_id=None)
    )
    assert case.messages.count() == 2


def test_only_the_new_words_are_shown_and_the_original_is_kept(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    text = (
        "Det passer fint.\n\nHilsen Kari\n\n"
        "Den tir. 3. des. 2024 kl. 10:15 skrev Nordlys Elektro <post@nordlys.example>:\n"
        "> Passer tirsdag kl. 10?\n"
    )
    record = receive(dispatcher.organization, customer_mail(text, to=reply_address(case)))
    assert record.message is not None
    assert "Passer tirsdag" not in record.message.text
    assert record.message.text.startswith("Det passer fint.")
    response = login(dispatcher).get(f"/api/cases/{case.pk}/messages/{record.message.pk}/original")
    assert response.status_code == 200
    assert b"Passer tirsdag kl. 10?" in b"".join(response.streaming_content)  # type: ignore[attr-defined]
    response.close()


def test_the_original_is_not_shown_across_organisations(
    dispatcher: Member, other_org: Organization
) -> None:
    case = make_customer_case(dispatcher)
    record = receive(dispatcher.organization, customer_mail(to=reply_address(case)))
    outsider = make_member(other_org, Role.ADMIN)
    url = f"/api/cases/{case.pk}/messages/{record.message_id}/original"
    assert login(outsider).get(url).status_code == 404


def test_files_are_kept_under_the_upload_rules(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    raw = customer_mail(
        "Bilder vedlagt.",
        to=reply_address(case),
        attachments=[
            ("skap.png", "image/png", png_bytes()),
            ("tilbud.pdf", "application/pdf", pdf_bytes()),
            ("faktura.pdf", "application/pdf", b"MZ\x90\x00 this is a program"),
        ],
    )
    record = receive(dispatcher.organization, raw)
    message = record.message
    assert message is not None
    assert sorted(a.name for a in message.attachments.all()) == ["skap.png", "tilbud.pdf"]
    assert "faktura.pdf" in message.text  # named, not silently dropped


def test_an_auto_reply_is_stored_as_such_and_tells_nobody(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    from hub.threads.actions.cases import do_assign_case

    do_assign_case(dispatcher, case, member=dispatcher)
    before = Notification.objects.count()
    record = receive(
        dispatcher.organization,
        customer_mail(
            "Jeg er på ferie til 3. januar.",
            to=reply_address(case),
            subject="Automatisk svar: Montering av elbillader",
            headers={"Auto-Submitted": "auto-replied"},
        ),
    )
    assert record.kind == Kind.AUTO_REPLY
    assert record.message is not None
    assert record.message.automatic
    assert Notification.objects.count() == before
    assert not Delivery.objects.filter(case=case).exists()  # and nothing answered it


def test_a_bounce_fails_the_delivery_instead_of_becoming_a_message(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    delivery = mail_out(dispatcher, case)
    Delivery.objects.filter(pk=delivery.pk).update(state=State.SENT)
    messages_before = Message.objects.count()
    record = receive(dispatcher.organization, dsn(delivery.provider_id, "kunde@example.no"))
    delivery.refresh_from_db()
    assert record.kind == Kind.BOUNCE
    assert record.case_id == case.pk
    assert delivery.state == State.FAILED
    assert "5.1.1" in delivery.error
    assert Message.objects.count() == messages_before
    assert case.events.filter(kind=EventKind.MAIL_BOUNCED).exists()


def test_our_own_mail_coming_back_is_ignored(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    delivery = mail_out(dispatcher, case)
    record = receive(
        dispatcher.organization,
        customer_mail(message_id=f"<{delivery.provider_id}>", to=reply_address(case)),
    )
    assert record.kind == Kind.IGNORED
    assert record.message is None


def test_html_is_stored_without_anything_that_runs(dispatcher: Member) -> None:
    from email.message import EmailMessage

    case = make_customer_case(dispatcher)
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "kunde@example.no", reply_address(case), "Hei"
    mail["Message-ID"] = "<html@example.no>"
    mail.set_content("Hei på deg")
    mail.add_alternative(
        '<p onclick="steal()">Hei <b>på</b> deg</p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">x</a><img src="https://tracker.example/p.gif">',
        subtype="html",
    )
    record = receive(dispatcher.organization, mail.as_bytes())
    assert record.message is not None
    html = record.message.html
    assert "<b>på</b>" in html
    for bad in ("script", "onclick", "javascript:", "tracker.example"):
        assert bad not in html


def dsn(original_message_id: str, recipient: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example.no (Mail Delivery System)\r\n"
        "To: hub@hub.localhost\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-1@mx.example.no>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
        "I'm sorry to have to inform you that your message could not be delivered.\r\n"
        "\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.no\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected\r\n"
        "\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: <{original_message_id}>\r\nSubject: Montering\r\n"
        "\r\n--B--\r\n"
    ).encode()
