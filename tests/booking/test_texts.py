"""What the tags say for a real booking, in each language and zone, and the default texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation
from django.utils.translation import pgettext
from pytest_django import Settings

from hub.accounts.models import Member, Organization, Role
from hub.booking.models import Booking, Purpose, SendChannel, State, Template
from hub.booking.tags import TAGS
from hub.booking.texts import (
    CHANNELS_OF_PURPOSE,
    DEFAULTS,
    preview,
    render_for,
    tag_values,
    template_for,
)
from hub.customers.models import Customer
from hub.gateways.sms.segments import encoding, segments
from hub.mail.addresses import reply_address
from hub.mail.models import MailSettings
from hub.sms.models import SmsSettings
from hub.threads.models import Case
from tests.factories import make_case, make_contact, make_member, make_org

pytestmark = pytest.mark.django_db

# Friday 6 October 2023, 07:00 in Oslo (summer time, UTC+2), for three hours.
START = datetime(2023, 10, 6, 5, 0, tzinfo=UTC)
NOW = datetime(2023, 10, 1, 12, 0, tzinfo=UTC)

LANGUAGES = {
    # locale: (time zone, the date of START there, the missing word once translated)
    "nb": ("Europe/Oslo", "fredag 6. oktober", "mangler"),
    "sv": ("Europe/Stockholm", "fredag 6 oktober", "saknas"),
    "da": ("Europe/Copenhagen", "fredag den 6. oktober", "mangler"),
    "en": ("Europe/Oslo", "Friday 6 October", "missing"),
}


def make_org_in(locale: str) -> Organization:
    zone = LANGUAGES[locale][0]
    country = {"nb": "NO", "sv": "SE", "da": "DK", "en": "NO"}[locale]
    return make_org("Nordlys Elektro AS", locale=locale, time_zone=zone, country=country)


def customer_case(
    organization: Organization, customer: Customer | None = None, **fields: object
) -> Case:
    dispatcher = Member.objects.filter(organization=organization, role=Role.DISPATCHER).first()
    dispatcher = dispatcher or make_member(organization, Role.DISPATCHER)
    customer = customer or Customer.objects.create(organization=organization, name="Kari Nordmann")
    contact = make_contact(customer)
    return make_case(dispatcher, "Service varmepumpe", customer=customer, contact=contact, **fields)


def book(
    case: Case,
    *,
    start: datetime | None = START,
    technician: Member | None = None,
    state: str = State.AWAITING_RESPONSE,
    code: str = "K7PX3M",
    **fields: object,
) -> Booking:
    return Booking.objects.create(
        organization=case.organization,
        case=case,
        technician=technician,
        start=start,
        duration=timedelta(hours=3),
        state=state,
        code=code,
        **fields,
    )


def technician_of(organization: Organization, name: str = "Börje Olsen") -> Member:
    return make_member(organization, Role.TECHNICIAN, name=name)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_every_tag_for_a_real_booking(locale: str) -> None:
    organization = make_org_in(locale)
    case = customer_case(organization, external_reference="PO-4711")
    booking = book(
        case, technician=technician_of(organization), service_objects=["Varmepumpe", "Bereder"]
    )
    date = LANGUAGES[locale][1]

    values = tag_values(booking, SendChannel.EMAIL, now=NOW)

    assert set(values) == set(TAGS)
    assert values["company"] == "Nordlys Elektro AS"
    assert values["orderRef"] == case.reference == f"S-{case.number}"
    assert values["customerOrderNumber"] == "PO-4711"
    assert values["facilityOrCustomer"] == "Kari Nordmann"
    assert values["serviceObjects"] == "Varmepumpe, Bereder"
    assert values["bookingCode"] == "K7PX3M"
    assert values["nextBookingName"] == "Börje"
    assert values["nextBookingDate"] == date
    assert values["nextBookingTime"] == "07:00–10:00"  # noqa: RUF001
    assert values["nextBooking"] == f"Börje, {date}, 07:00–10:00"  # noqa: RUF001
    assert values["futureBookings"] == values["nextBooking"]
    quoted = {"nb": "«OK»", "sv": "”OK”", "da": "»OK«", "en": "“OK”"}[locale]
    assert quoted in values["replyInstructions"]
    letter = tag_values(booking, SendChannel.LETTER, now=NOW)
    assert reply_address(case) in letter["replyInstructions"]


def test_the_date_is_bokmals() -> None:
    booking = book(customer_case(make_org_in("nb")))
    assert tag_values(booking, SendChannel.SMS, now=NOW)["nextBookingDate"] == "fredag 6. oktober"


@pytest.mark.parametrize(
    ("start", "date", "time"),
    [
        # 22:30 UTC on Thursday is half past midnight on Friday in Oslo.
        (datetime(2023, 10, 5, 22, 30, tzinfo=UTC), "fredag 6. oktober", "00:30-03:30"),
        # 23:30 UTC on Friday is already Saturday.
        (datetime(2023, 10, 6, 23, 30, tzinfo=UTC), "lørdag 7. oktober", "01:30-04:30"),
        # Winter time: UTC+1.
        (datetime(2023, 12, 1, 6, 0, tzinfo=UTC), "fredag 1. desember", "07:00-10:00"),
    ],
)
def test_times_are_shown_in_the_organisations_zone(start: datetime, date: str, time: str) -> None:
    booking = book(customer_case(make_org_in("nb")), start=start)
    values = tag_values(booking, SendChannel.SMS, now=NOW)
    assert (values["nextBookingDate"], values["nextBookingTime"]) == (date, time)


def test_an_sms_has_a_hyphen_and_plain_quotes_where_a_mail_has_typography() -> None:
    organization = make_org_in("nb")
    SmsSettings.objects.create(
        organization=organization, virtual_number="+4741234567", webhook_key="k1"
    )
    booking = book(customer_case(organization), technician=technician_of(organization))
    sms = tag_values(booking, SendChannel.SMS, now=NOW)
    email = tag_values(booking, SendChannel.EMAIL, now=NOW)
    assert sms["nextBookingTime"] == "07:00-10:00"
    assert email["nextBookingTime"] == "07:00–10:00"  # noqa: RUF001
    assert '"OK"' in sms["replyInstructions"]
    assert "«OK»" in email["replyInstructions"]
    assert all(encoding(value) == "gsm7" for value in sms.values())


def test_what_is_not_known_is_the_missing_word() -> None:
    organization = make_org_in("nb")
    case = make_case(make_member(organization), "Internt")
    booking = book(case, start=None, code="", state=State.UNPLANNED)
    values = tag_values(booking, SendChannel.EMAIL, now=NOW)
    with translation.override("nb"):
        missing = pgettext("tag value", "missing")
    for tag in (
        "customerOrderNumber",
        "facilityOrCustomer",
        "serviceObjects",
        "bookingCode",
        "nextBookingName",
        "nextBookingDate",
        "nextBookingTime",
        "nextBooking",
        "futureBookings",
    ):
        assert values[tag] == missing, tag


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_missing_word_is_in_the_organisations_language(locale: str) -> None:
    word = LANGUAGES[locale][2]
    with translation.override(locale):
        if locale != "en" and pgettext("tag value", "missing") == "missing":
            pytest.skip("the catalogue does not carry the booking texts yet")
    booking = book(customer_case(make_org_in(locale)))
    assert tag_values(booking, SendChannel.EMAIL, now=NOW)["customerOrderNumber"] == word


def test_without_a_technician_the_booking_is_its_date_and_time() -> None:
    booking = book(customer_case(make_org_in("en")))
    values = tag_values(booking, SendChannel.EMAIL, now=NOW)
    assert values["nextBooking"] == "Friday 6 October, 07:00–10:00"  # noqa: RUF001


def test_future_bookings_are_the_customers_upcoming_visits() -> None:
    organization = make_org_in("nb")
    technician = technician_of(organization)
    first = customer_case(organization)
    customer = first.customer
    booking = book(first, technician=technician)
    later = book(
        customer_case(organization, customer),
        start=START + timedelta(days=7),
        technician=technician,
        code="Q2WE4R",
    )
    earlier = book(
        customer_case(organization, customer),
        start=START - timedelta(days=2),
        state=State.CONFIRMED,
        code="ZX8CV9",
    )
    book(customer_case(organization, customer), start=START, state=State.CANCELLED, code="")
    book(customer_case(organization, customer), start=START, state=State.ON_HOLD, code="")
    book(customer_case(organization, customer), start=NOW - timedelta(days=1), code="PAST01")
    book(customer_case(organization), start=START, code="OTHER1")  # someone else

    lines = tag_values(booking, SendChannel.EMAIL, now=NOW)["futureBookings"].split("\n")

    assert lines == [
        f"{earlier.case.reference}: onsdag 4. oktober, 07:00–10:00",  # noqa: RUF001
        f"{first.reference}: Börje, fredag 6. oktober, 07:00–10:00",  # noqa: RUF001
        f"{later.case.reference}: Börje, fredag 13. oktober, 07:00–10:00",  # noqa: RUF001
    ]


def test_a_long_list_of_future_bookings_is_counted_not_listed() -> None:
    organization = make_org_in("en")
    first = customer_case(organization)
    booking = book(first)
    for day in range(1, 13):
        book(
            customer_case(organization, first.customer),
            start=START + timedelta(days=day),
            code=f"CODE{day:02}",
        )
    lines = tag_values(booking, SendChannel.EMAIL, now=NOW)["futureBookings"].split("\n")
    assert len(lines) == 11
    assert lines[-1] == "and 3 more visits"


def test_a_letter_tells_every_way_to_answer(settings: Settings) -> None:
    organization = make_org_in("en")
    case = customer_case(organization)
    booking = book(case)
    address = reply_address(case)

    only_mail = tag_values(booking, SendChannel.LETTER, now=NOW)["replyInstructions"]
    assert only_mail == (
        f"Send an e-mail to {address} with “OK” to confirm, or tell us what does not suit you."
    )

    SmsSettings.objects.create(
        organization=organization, virtual_number="+4741234567", webhook_key="k2"
    )
    both = tag_values(booking, SendChannel.LETTER, now=NOW)["replyInstructions"]
    assert both == (
        f"Send an SMS with “K7PX3M OK” to +47 41 23 45 67, or an e-mail to {address}, to "
        "confirm. Tell us if the time does not suit you."
    )

    settings.HUB_REPLY_DOMAIN = ""
    only_sms = tag_values(booking, SendChannel.LETTER, now=NOW)["replyInstructions"]
    assert only_sms.startswith("Send an SMS with “K7PX3M OK” to +47 41 23 45 67 to confirm")


def test_without_a_way_to_answer_the_customer_is_asked_to_get_in_touch(
    settings: Settings,
) -> None:
    settings.HUB_REPLY_DOMAIN = ""
    booking = book(customer_case(make_org_in("en")))
    values = tag_values(booking, SendChannel.LETTER, now=NOW)
    assert values["replyInstructions"] == (
        "Contact us to confirm the time, or if it does not suit you."
    )


def test_an_sms_without_a_number_to_answer_points_to_the_mail_address() -> None:
    organization = make_org_in("en")
    MailSettings.objects.create(organization=organization, reply_address="post@nordlys.example")
    SmsSettings.objects.create(organization=organization, provider="twilio", webhook_key="k" * 32)
    case = customer_case(organization)
    values = tag_values(book(case), SendChannel.SMS, now=NOW)
    assert values["replyInstructions"] == (
        f'Send an e-mail to {reply_address(case, "post@nordlys.example")} with "OK" to confirm, '
        "or tell us what does not suit you."
    )
    assert "post+c" in values["replyInstructions"]


def test_the_phone_simulator_takes_answers_without_a_number() -> None:
    case = customer_case(make_org_in("en"))
    values = tag_values(book(case), SendChannel.SMS, now=NOW)
    assert (
        values["replyInstructions"] == 'Reply "OK" to confirm, or tell us what does not suit you.'
    )


def test_rendering_creates_no_settings_rows() -> None:
    booking = book(customer_case(make_org_in("nb")))
    render_for(booking, Purpose.BOOKING_REQUEST, SendChannel.LETTER, now=NOW)
    assert not SmsSettings.objects.exists()
    assert not MailSettings.objects.exists()


def test_a_saved_template_wins_over_the_default() -> None:
    organization = make_org_in("nb")
    booking = book(customer_case(organization), technician=technician_of(organization))
    Template.objects.create(
        organization=organization,
        purpose=Purpose.BOOKING_CONFIRMATION,
        channel=SendChannel.EMAIL,
        subject="Bekreftet {orderRef}",
        body="Hei, {facilityOrCustomer}\n\nVår servicetekniker {nextBookingName} kommer til "
        "dere {nextBookingDate}, {nextBookingTime}\n\nHilsen {company}",
    )
    rendered = render_for(booking, Purpose.BOOKING_CONFIRMATION, SendChannel.EMAIL, now=NOW)
    assert rendered.subject == f"Bekreftet {booking.case.reference}"
    assert rendered.body == (
        "Hei, Kari Nordmann\n\nVår servicetekniker Börje kommer til dere fredag 6. oktober, "
        "07:00–10:00\n\nHilsen Nordlys Elektro AS"  # noqa: RUF001
    )
    # Another channel of the same purpose keeps its default.
    assert template_for(organization, Purpose.BOOKING_CONFIRMATION, SendChannel.SMS) == (
        "",
        translated("nb", DEFAULTS[(Purpose.BOOKING_CONFIRMATION, SendChannel.SMS)][1]),
    )


def translated(locale: str, msgid: str) -> str:
    with translation.override(locale):
        return translation.gettext(msgid)


def test_every_purpose_has_its_channels() -> None:
    assert CHANNELS_OF_PURPOSE == {
        "booking_request": ("sms", "email", "letter"),
        "booking_confirmation": ("sms", "email"),
        "booking_reminder": ("sms", "email"),
        "appointment_reminder": ("sms", "email"),
        "reschedule_notice": ("sms", "email"),
        "registration_confirmation": ("sms", "email"),
    }
    assert all(
        subject == "" for (_p, channel), (subject, _b) in DEFAULTS.items() if channel == "sms"
    )
    assert all(subject for (_p, channel), (subject, _b) in DEFAULTS.items() if channel != "sms")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_every_default_renders_with_no_tag_left(locale: str) -> None:
    organization = make_org_in(locale)
    SmsSettings.objects.create(
        organization=organization, virtual_number="+4741234567", webhook_key=f"k-{locale}"
    )
    with_booking = book(customer_case(organization), technician=technician_of(organization))
    without_booking = customer_case(organization)
    for purpose, channel in DEFAULTS:
        for rendered in (
            render_for(with_booking, purpose, channel, now=NOW),
            preview(without_booking, purpose, channel, now=NOW),
        ):
            for text in (rendered.subject, rendered.body):
                assert "{" not in text, (purpose, channel, text)
                assert "}" not in text, (purpose, channel, text)


@pytest.mark.parametrize("locale", LANGUAGES)
@pytest.mark.parametrize("virtual_number", ["", "+4741234567"])
def test_sms_defaults_are_gsm7_and_at_most_two_segments(locale: str, virtual_number: str) -> None:
    organization = make_org_in(locale)
    if virtual_number:
        SmsSettings.objects.create(
            organization=organization, virtual_number=virtual_number, webhook_key=f"s-{locale}"
        )
    case = customer_case(organization, external_reference="PO-2023-0042")
    # Wednesday in September: the longest weekday and month names of most of the languages.
    booking = book(
        case,
        start=datetime(2023, 9, 27, 5, 0, tzinfo=UTC),
        technician=technician_of(organization, "Kristoffer Johannessen"),
        service_objects=["Varmepumpe", "Varmtvannsbereder"],
    )
    for purpose, channels in CHANNELS_OF_PURPOSE.items():
        if SendChannel.SMS not in channels:
            continue
        template = translated(locale, DEFAULTS[(purpose, SendChannel.SMS)][1])
        assert encoding(template) == "gsm7", template
        body = render_for(booking, purpose, SendChannel.SMS, now=NOW).body
        parts = segments(body)
        assert parts.encoding == "gsm7", body
        assert parts.count <= 2, body


def test_a_preview_renders_unsaved_text_against_a_real_case() -> None:
    organization = make_org_in("nb")
    case = customer_case(organization)
    book(case, technician=technician_of(organization))
    rendered = preview(
        case,
        Purpose.APPOINTMENT_REMINDER,
        SendChannel.SMS,
        body="{nextBooking} ({orderRef}) {weather}",
        now=NOW,
    )
    assert rendered.subject == ""
    assert rendered.body == f"Börje, fredag 6. oktober, 07:00-10:00 ({case.reference}) {{weather}}"
