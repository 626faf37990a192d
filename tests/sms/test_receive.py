"""SMS in: the reply lands on the case it answers, an unknown number in the unsorted queue,
STOP and START in the four languages, a replayed webhook stored once; SMS out: numbers read in
the organisation's country, an opted-out number refused before anything is queued."""

from __future__ import annotations

import itertools

import pytest

from hub.accounts.models import Country, Member, Organization
from hub.customers.models import Contact
from hub.errors import HubError
from hub.outbox.models import Delivery, OutboundChannel
from hub.sms.actions import Incoming, do_receive_sms
from hub.sms.models import Kind, MatchedBy, OptOut, SmsRecord
from hub.threads.actions.cases import do_change_status, do_create_case
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Audience, Case, Channel, Message, Status
from tests.conftest import login
from tests.factories import make_customer, make_customer_case

pytestmark = pytest.mark.django_db

NUMBER = "+4741234567"  # make_contact's phone
_ids = itertools.count(1)


def sms_in(text: str, sender: str = NUMBER, provider_id: str | None = None) -> Incoming:
    return Incoming(
        provider="dev",
        provider_id=provider_id or f"in-{next(_ids)}",
        sender=sender,
        to="+4759440000",
        text=text,
    )


def sms_out(member: Member, case: Case, text: str = "Passer tirsdag kl. 10?", **extra: object):
    message, _new = do_post_message(
        member, case, audience=Audience.CUSTOMER, text=text, channel=Channel.SMS, **extra
    )
    return message


def three_open_cases(member: Member) -> list[Case]:
    customer = make_customer(member.organization)
    contact = Contact.objects.create(
        organization=member.organization, customer=customer, name="Kari", phone=NUMBER
    )
    return [
        do_create_case(
            member, title=f"Sak {n}", customer=customer, contact=contact, customer_channel=True
        )
        for n in range(3)
    ]


def test_the_reply_lands_on_the_case_whose_sms_it_answers(dispatcher: Member) -> None:
    first, second, third = three_open_cases(dispatcher)
    sms_out(dispatcher, first)
    sms_out(dispatcher, third)
    sms_out(dispatcher, second)  # the last one the customer got
    record = do_receive_sms(dispatcher.organization, sms_in("Ja, tirsdag passer"))
    assert (record.case_id, record.matched_by) == (second.pk, MatchedBy.LAST_SMS)
    assert record.message is not None
    assert record.message.channel == Channel.SMS
    assert record.message.author_contact is not None


def test_a_closed_cases_sms_does_not_take_the_reply(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    sms_out(dispatcher, case)
    do_change_status(dispatcher, case, Status.RESOLVED)
    record = do_receive_sms(dispatcher.organization, sms_in("Hei igjen, ny feil"))
    assert record.matched_by == MatchedBy.NEW_CASE
    assert record.case is not None
    assert record.case.unsorted


def test_the_contacts_single_open_case(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    record = do_receive_sms(dispatcher.organization, sms_in("Når kommer dere?"))
    assert (record.case_id, record.matched_by) == (case.pk, MatchedBy.CONTACT)


def test_an_unknown_number_lands_in_unsorted_with_a_question(dispatcher: Member) -> None:
    record = do_receive_sms(dispatcher.organization, sms_in("Hei, er dere ledige?", "+4790000001"))
    case = record.case
    assert case is not None
    assert case.unsorted
    assert case.customer_channel
    assert "+4790000001" in case.title
    assert "?" in case.title
    assert case.contact is not None
    assert case.contact.phone == "+4790000001"


def test_ten_replays_store_one_message(dispatcher: Member) -> None:
    make_customer_case(dispatcher)
    for _replay in range(10):
        do_receive_sms(dispatcher.organization, sms_in("OK", provider_id="SM-replayed"))
    assert Message.objects.count() == 1
    assert SmsRecord.objects.count() == 1


@pytest.mark.parametrize("word", ["STOP", "stopp", "Avslutt", "AVSLUTA", "afmeld", "Stopp!"])
def test_opt_out_and_back_in(dispatcher: Member, word: str) -> None:
    case = make_customer_case(dispatcher)
    record = do_receive_sms(dispatcher.organization, sms_in(word))
    assert record.kind == Kind.OPT_OUT
    assert record.message is None
    assert OptOut.objects.filter(phone=NUMBER).exists()
    with pytest.raises(HubError) as refused:
        sms_out(dispatcher, case)
    assert refused.value.code == "opted_out"
    assert NUMBER in refused.value.message
    assert not Delivery.objects.exists()

    picker = login(dispatcher).get(f"/api/cases/{case.pk}/recipients").json()["results"]
    assert picker[0]["sms_opted_out"] is True

    assert do_receive_sms(dispatcher.organization, sms_in("start")).kind == Kind.OPT_IN
    sms_out(dispatcher, case)
    assert Delivery.objects.filter(channel=OutboundChannel.SMS, recipient=NUMBER).count() == 1


def test_stop_inside_a_sentence_is_a_message(dispatcher: Member) -> None:
    make_customer_case(dispatcher)
    record = do_receive_sms(dispatcher.organization, sms_in("Stopp kranen før dere kommer"))
    assert record.kind == Kind.CUSTOMER
    assert not OptOut.objects.exists()


@pytest.mark.parametrize(
    ("country", "typed", "e164"),
    [
        (Country.NO, "412 34 567", "+4741234567"),
        (Country.NO, "+47 412 34 567", "+4741234567"),
        (Country.SE, "070-123 45 67", "+46701234567"),
        (Country.DK, "20 12 34 56", "+4520123456"),
        (Country.NO, "0046 70 123 45 67", "+46701234567"),
    ],
)
def test_numbers_are_read_in_the_organisations_country(
    dispatcher: Member, org: Organization, country: str, typed: str, e164: str
) -> None:
    org.country = country
    org.save()
    case = make_customer_case(dispatcher)
    case.organization.country = country
    message = sms_out(dispatcher, case, to=typed)
    assert Delivery.objects.get(message=message).recipient == e164


@pytest.mark.parametrize("typed", ["123", "41 23 45", "hei"])
def test_an_invalid_number_is_refused_before_anything_is_queued(
    dispatcher: Member, typed: str
) -> None:
    case = make_customer_case(dispatcher)
    with pytest.raises(HubError) as error:
        sms_out(dispatcher, case, to=typed)
    assert error.value.field == "to"
    assert typed in error.value.message
    assert not Message.objects.exists()


def test_a_moved_sms_takes_its_record_along(dispatcher: Member) -> None:
    from hub.threads.actions.sorting import do_move_message

    record = do_receive_sms(dispatcher.organization, sms_in("Hei, er dere ledige?", "+4790000001"))
    assert record.case is not None
    target = do_create_case(
        dispatcher, title="Tilbud", customer=record.case.customer, contact=record.case.contact
    )
    assert record.message is not None
    do_move_message(dispatcher, record.message, target)
    record.refresh_from_db()
    assert record.case_id == target.pk
