"""What the tags of a booking text say for a real booking, and the hub's default texts.

Everything a customer reads is in the organisation's language (``Organization.locale``) and its
time zone: times are stored in UTC and a visit at 07:00 in Oslo is never shown as 05:00. SMS
values are kept inside GSM-7 (a hyphen, not an en dash, in the time; plain quotes), because one
character outside it makes the SMS UCS-2 and more than doubles its price.

Only reads: saving a template is ``hub.booking.actions.templates``.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import phonenumbers
from babel.dates import format_date
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext

from hub.accounts.models import Organization
from hub.booking.models import Booking, Purpose, SendChannel, State, Template
from hub.booking.tags import render, unknown_tags
from hub.errors import HubError
from hub.gateways.sms.segments import to_gsm7
from hub.mail.addresses import reply_address
from hub.mail.models import MailSettings
from hub.sms.models import SmsSettings
from hub.threads.models import Case

# Weekday, day and month, no year: a booking is weeks away, not years. Babel's skeletons give
# abbreviations here ("fre. 6. okt."), so the patterns are the locales' full dates less the year.
DATE_PATTERNS: Final = {
    "nb": "EEEE d. MMMM",
    "sv": "EEEE d MMMM",
    "da": "EEEE 'den' d. MMMM",
    "en": "EEEE d MMMM",
}
QUOTES: Final = {"nb": ("«", "»"), "sv": ("”", "”"), "da": ("»", "«"), "en": ("“", "”")}
EN_DASH: Final = "\u2013"  # between the times, except in an SMS
SMS_QUOTES: Final = ('"', '"')  # « » and curly quotes are not GSM-7
# Bookings that will not happen as planned are not announced as upcoming.
NOT_UPCOMING: Final = (State.UNPLANNED, State.ON_HOLD, State.DONE, State.CANCELLED)
# A housing cooperative can have hundreds of meters booked: the rest is counted, not listed.
FUTURE_LIMIT: Final = 10

type Key = tuple[str, str]

# The hub's texts, as English message ids translated when used (``gettext_noop`` marks them
# for the catalogues). An SMS has no subject.
DEFAULTS: Final[Mapping[Key, tuple[str, str]]] = {
    (Purpose.BOOKING_REQUEST, SendChannel.SMS): (
        "",
        gettext_noop(
            "{company}: We would like to come {nextBookingDate} {nextBookingTime} for case "
            "{orderRef}. {replyInstructions}"
        ),
    ),
    (Purpose.BOOKING_REQUEST, SendChannel.EMAIL): (
        gettext_noop("Suggested time for your visit, case {orderRef}"),
        gettext_noop(
            "Hello {facilityOrCustomer},\n\n"
            "We would like to come and do the work on case {orderRef} at this time:\n\n"
            "{nextBookingDate}, {nextBookingTime}\n"
            "Technician: {nextBookingName}\n"
            "Concerning: {serviceObjects}\n"
            "Your order number: {customerOrderNumber}\n\n"
            "{replyInstructions}\n\n"
            "Your booking code is {bookingCode}.\n\n"
            "Kind regards\n{company}"
        ),
    ),
    (Purpose.BOOKING_REQUEST, SendChannel.LETTER): (
        gettext_noop("Notice of visit, case {orderRef}"),
        gettext_noop(
            "Hello {facilityOrCustomer},\n\n"
            "We are coming to do work for you and have set aside this time:\n\n"
            "{nextBookingDate}, {nextBookingTime}\n"
            "Technician: {nextBookingName}\n"
            "Concerning: {serviceObjects}\n"
            "Case number: {orderRef}\n"
            "Your order number: {customerOrderNumber}\n\n"
            "Please let us know whether the time suits you: how to answer, with your booking "
            "code, is at the bottom of this letter.\n\n"
            "Please make sure that we can get in at the agreed time.\n\n"
            "Kind regards\n{company}"
        ),
    ),
    (Purpose.BOOKING_CONFIRMATION, SendChannel.SMS): (
        "",
        gettext_noop(
            "{company}: Thank you! Your visit {nextBookingDate} {nextBookingTime} is confirmed "
            "(case {orderRef})."
        ),
    ),
    (Purpose.BOOKING_CONFIRMATION, SendChannel.EMAIL): (
        gettext_noop("Your visit {nextBookingDate} is confirmed, case {orderRef}"),
        gettext_noop(
            "Hello {facilityOrCustomer},\n\n"
            "Thank you for confirming. We will come at this time:\n\n"
            "{nextBookingDate}, {nextBookingTime}\n"
            "Technician: {nextBookingName}\n"
            "Concerning: {serviceObjects}\n"
            "Case number: {orderRef}\n\n"
            "Please make sure that we can get in at the agreed time. If something comes up, "
            "just reply to this e-mail.\n\n"
            "Kind regards\n{company}"
        ),
    ),
    (Purpose.BOOKING_REMINDER, SendChannel.SMS): (
        "",
        gettext_noop(
            "{company}: Does {nextBookingDate} {nextBookingTime} suit you for case {orderRef}? "
            "{replyInstructions} Code: {bookingCode}"
        ),
    ),
    (Purpose.BOOKING_REMINDER, SendChannel.EMAIL): (
        gettext_noop("Reminder: does {nextBookingDate} suit you? Case {orderRef}"),
        gettext_noop(
            "Hello {facilityOrCustomer},\n\n"
            "We have not yet heard from you about the time we suggested for case {orderRef}:"
            "\n\n"
            "{nextBookingDate}, {nextBookingTime}\n"
            "Technician: {nextBookingName}\n\n"
            "{replyInstructions}\n\n"
            "Your booking code is {bookingCode}.\n\n"
            "Kind regards\n{company}"
        ),
    ),
    (Purpose.APPOINTMENT_REMINDER, SendChannel.SMS): (
        "",
        gettext_noop(
            "{company}: A reminder of our visit {nextBookingDate} {nextBookingTime}, case "
            "{orderRef}. Technician: {nextBookingName}."
        ),
    ),
    (Purpose.APPOINTMENT_REMINDER, SendChannel.EMAIL): (
        gettext_noop("Reminder: we are coming {nextBookingDate}, case {orderRef}"),
        gettext_noop(
            "Hello {facilityOrCustomer},\n\n"
            "A reminder that we are coming soon:\n\n"
            "{nextBookingDate}, {nextBookingTime}\n"
            "Technician: {nextBookingName}\n"
            "Concerning: {serviceObjects}\n"
            "Case number: {orderRef}\n\n"
            "Please make sure that we can get in. If the time no longer suits you, reply to "
            "this e-mail as soon as you can.\n\n"
            "Kind regards\n{company}"
        ),
    ),
    (Purpose.RESCHEDULE_NOTICE, SendChannel.SMS): (
        "",
        gettext_noop(
            "{company}: New time for case {orderRef}: {nextBookingDate} {nextBookingTime}, "
            "{nextBookingName}. {replyInstructions} Code: {bookingCode}"
        ),
    ),
    (Purpose.RESCHEDULE_NOTICE, SendChannel.EMAIL): (
        gettext_noop("Changed visit, case {orderRef}"),
        gettext_noop(
            "Hello {facilityOrCustomer},\n\n"
            "We have changed our visit for case {orderRef}. This is what applies now:\n\n"
            "{nextBookingDate}, {nextBookingTime}\n"
            "Technician: {nextBookingName}\n"
            "Concerning: {serviceObjects}\n\n"
            "{replyInstructions}\n\n"
            "Your booking code is {bookingCode}. We apologise for any inconvenience.\n\n"
            "Kind regards\n{company}"
        ),
    ),
    (Purpose.REGISTRATION_CONFIRMATION, SendChannel.SMS): (
        "",
        gettext_noop(
            "{company}: We have received your case {orderRef}. We will contact you to agree "
            "on a time."
        ),
    ),
    (Purpose.REGISTRATION_CONFIRMATION, SendChannel.EMAIL): (
        gettext_noop("We have received your case {orderRef}"),
        gettext_noop(
            "Hello {facilityOrCustomer},\n\n"
            "Thank you for contacting us. Your case has been registered with number "
            "{orderRef}; please quote it whenever you contact us about it.\n\n"
            "We will be in touch to agree on a time. If you have anything to add, just reply "
            "to this e-mail.\n\n"
            "Kind regards\n{company}"
        ),
    ),
}

# Which channels each purpose goes by, in the editor's order; a letter reminder does not exist.
CHANNELS_OF_PURPOSE: Final[Mapping[str, tuple[str, ...]]] = {
    purpose: tuple(channel for channel in SendChannel.values if (purpose, channel) in DEFAULTS)
    for purpose in Purpose.values
}


@dataclass(frozen=True, slots=True)
class Rendered:
    """A text with its tags filled in; an SMS's subject is empty."""

    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class TemplateText:
    """A purpose and channel's text as the organisation has it now."""

    purpose: str
    channel: str
    subject: str
    body: str
    is_default: bool


def check_purpose_channel(purpose: str, channel: str) -> None:
    """Refuse a purpose the hub does not know, or one that never goes by ``channel``."""
    if purpose not in CHANNELS_OF_PURPOSE:
        raise HubError(gettext("Unknown purpose."), field="purpose")
    if channel not in CHANNELS_OF_PURPOSE[purpose]:
        raise HubError(gettext("This text is not sent by that channel."), field="channel")


def default_text(organization: Organization, purpose: str, channel: str) -> tuple[str, str]:
    """The hub's (subject, body) in the organisation's language."""
    subject, body = DEFAULTS[(purpose, channel)]
    with translation.override(organization.locale):
        # gettext("") is the catalogue's header, not an empty subject.
        return (gettext(subject) if subject else "", gettext(body))


def template_for(organization: Organization, purpose: str, channel: str) -> tuple[str, str]:
    """The organisation's saved (subject, body), else the default in its language."""
    check_purpose_channel(purpose, channel)
    saved = Template.objects.filter(
        organization=organization, purpose=purpose, channel=channel
    ).first()
    if saved is not None:
        return saved.subject, saved.body
    return default_text(organization, purpose, channel)


def template_texts(organization: Organization) -> list[TemplateText]:
    """Every purpose and channel with its current text, in one query."""
    saved = {
        (row.purpose, row.channel): row
        for row in Template.objects.filter(organization=organization)
    }
    texts = []
    for purpose, channels in CHANNELS_OF_PURPOSE.items():
        for channel in channels:
            row = saved.get((purpose, channel))
            if row is not None:
                texts.append(TemplateText(purpose, channel, row.subject, row.body, False))
            else:
                subject, body = default_text(organization, purpose, channel)
                texts.append(TemplateText(purpose, channel, subject, body, True))
    return texts


def render_for(
    booking: Booking, purpose: str, channel: str, *, now: datetime | None = None
) -> Rendered:
    """The text that goes to the customer about ``booking`` by ``channel``."""
    subject, body = template_for(booking.case.organization, purpose, channel)
    return render_text(booking, channel, subject, body, now=now)


def render_text(
    booking: Booking, channel: str, subject: str, body: str, *, now: datetime | None = None
) -> Rendered:
    """Any text, saved or not, for ``booking``: what the preview and ``render_for`` share."""
    values = tag_values(booking, channel, now=now)
    return Rendered(render(subject, values), render(body, values))


def preview(
    case: Case,
    purpose: str,
    channel: str,
    subject: str | None = None,
    body: str | None = None,
    *,
    now: datetime | None = None,
) -> Rendered:
    """What the customer of ``case`` would read: the given, unsaved text, or the current one.
    Unknown tags are left standing (``render``) so the editor shows them; saving refuses them.
    A case without a booking yet renders the booking's tags as "missing"."""
    current_subject, current_body = template_for(case.organization, purpose, channel)
    booking = Booking.objects.filter(case=case).select_related("technician").first()
    if booking is None:
        booking = Booking(case=case, organization=case.organization)
    return render_text(
        booking,
        channel,
        current_subject if subject is None else subject,
        current_body if body is None else body,
        now=now,
    )


def unknown_tags_of(subject: str, body: str) -> list[str]:
    """The tags of a subject and body the hub cannot fill, for the editor to point at."""
    return list(dict.fromkeys([*unknown_tags(subject), *unknown_tags(body)]))


def tag_values(booking: Booking, channel: str, *, now: datetime | None = None) -> dict[str, str]:
    """Every tag's text for ``booking`` sent by ``channel``, in the organisation's language.

    ``now`` decides which bookings are still upcoming (``futureBookings``); the default is now.
    """
    case = booking.case
    organization = case.organization
    locale = organization.locale
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    sms = channel == SendChannel.SMS
    with translation.override(locale):
        missing = pgettext("tag value", "missing")
        values = {
            "company": organization.name,
            "orderRef": case.reference,
            "customerOrderNumber": case.external_reference or missing,
            "facilityOrCustomer": _customer_name(case) or missing,
            "serviceObjects": _service_objects(booking) or missing,
            "bookingCode": booking.code or missing,
            "nextBookingName": _first_name(booking) or missing,
            "nextBookingDate": _date(booking, zone, locale) or missing,
            "nextBookingTime": _time_window(booking, zone, sms) or missing,
            "nextBooking": _booking_line(booking, zone, locale, sms) or missing,
            "futureBookings": _future_bookings(booking, zone, locale, sms, now) or missing,
            "replyInstructions": _reply_instructions(booking, channel, locale),
        }
    if sms:
        # A name typed with a curly apostrophe must not make every SMS to its owner cost double.
        return {tag: to_gsm7(value) for tag, value in values.items()}
    return values


def _customer_name(case: Case) -> str:
    if case.customer is not None and case.customer.name:
        return case.customer.name
    return case.contact.name if case.contact is not None else ""


def _service_objects(booking: Booking) -> str:
    items = booking.service_objects if isinstance(booking.service_objects, list) else []
    return ", ".join(str(item).strip() for item in items if str(item).strip())


def _first_name(booking: Booking) -> str:
    """Customers are told who is coming by first name, as technicians introduce themselves."""
    if booking.technician is None:
        return ""
    words = booking.technician.display_name.split()
    return words[0] if words else ""


def _date(booking: Booking, zone: zoneinfo.ZoneInfo, locale: str) -> str:
    if booking.start is None:
        return ""
    local = booking.start.astimezone(zone)
    return format_date(local.date(), DATE_PATTERNS.get(locale, DATE_PATTERNS["en"]), locale=locale)


def _time_window(booking: Booking, zone: zoneinfo.ZoneInfo, sms: bool) -> str:
    start, end = booking.start, booking.end
    if start is None or end is None:
        return ""
    dash = "-" if sms else EN_DASH
    return f"{start.astimezone(zone):%H:%M}{dash}{end.astimezone(zone):%H:%M}"


def _booking_line(booking: Booking, zone: zoneinfo.ZoneInfo, locale: str, sms: bool) -> str:
    """The technician's first name, the date and the time window, as the nextBooking tag and
    each line of futureBookings have it; without a technician, the date and time."""
    if booking.start is None:
        return ""
    parts = [_first_name(booking), _date(booking, zone, locale), _time_window(booking, zone, sms)]
    return ", ".join(part for part in parts if part)


def _future_bookings(
    booking: Booking,
    zone: zoneinfo.ZoneInfo,
    locale: str,
    sms: bool,
    now: datetime | None,
) -> str:
    """One line per upcoming visit to the same customer, soonest first. With several, each
    line starts with its case number, so the customer can tell them apart."""
    now = now or timezone.now()
    mine = [booking] if _is_upcoming(booking, now) else []
    case = booking.case
    others: list[Booking] = []
    total = len(mine)
    if case.customer_id is not None:
        query = (
            Booking.objects.filter(
                organization_id=case.organization_id,
                case__customer_id=case.customer_id,
                start__gt=now,
            )
            .exclude(state__in=NOT_UPCOMING)
            .exclude(pk=booking.pk)
            .select_related("case__organization", "technician")
            .order_by("start", "pk")
        )
        others = list(query[:FUTURE_LIMIT])
        total += query.count() if len(others) == FUTURE_LIMIT else len(others)
    shown = sorted([*mine, *others], key=lambda item: item.start or now)[:FUTURE_LIMIT]
    lines = [_booking_line(item, zone, locale, sms) for item in shown]
    if len(shown) > 1:
        lines = [f"{item.case.reference}: {line}" for item, line in zip(shown, lines, strict=True)]
    if total > len(shown):
        hidden = total - len(shown)
        lines.append(
            ngettext("and %(count)s more visit", "and %(count)s more visits", hidden)
            % {"count": hidden}
        )
    return "\n".join(lines)


def _is_upcoming(booking: Booking, now: datetime) -> bool:
    return booking.start is not None and booking.start > now and booking.state not in NOT_UPCOMING


def _reply_instructions(booking: Booking, channel: str, locale: str) -> str:
    """How to answer by the way the text goes, if that way takes answers; otherwise every way
    the organisation has: an SMS to its virtual number quoting the booking code (what the SMS
    matcher reads), or a mail to the case's signed reply address."""
    opening, closing = SMS_QUOTES if channel == SendChannel.SMS else QUOTES.get(locale, ("“", "”"))
    quotes = {"open": opening, "close": closing}
    organization = booking.case.organization
    # Read without making the settings row (rendering a text changes nothing); no row yet is
    # the development provider.
    sms = SmsSettings.objects.filter(organization=organization).first()
    number = _readable_number(sms.virtual_number if sms else "", organization)
    email = _reply_email(booking.case)
    if channel == SendChannel.SMS and (sms is None or sms.takes_answers):
        return gettext(
            "Reply %(open)sOK%(close)s to confirm, or tell us what does not suit you."
        ) % (quotes)
    if channel == SendChannel.EMAIL and email:
        return (
            gettext(
                "Reply to this e-mail with %(open)sOK%(close)s to confirm, or tell us what does "
                "not suit you."
            )
            % quotes
        )
    code = booking.code or booking.case.reference
    if number and email:
        return gettext(
            "Send an SMS with %(open)s%(code)s OK%(close)s to %(number)s, or an e-mail to "
            "%(email)s, to confirm. Tell us if the time does not suit you."
        ) % {**quotes, "code": code, "number": number, "email": email}
    if number:
        return gettext(
            "Send an SMS with %(open)s%(code)s OK%(close)s to %(number)s to confirm, or tell us "
            "what does not suit you."
        ) % {**quotes, "code": code, "number": number}
    if email:
        return gettext(
            "Send an e-mail to %(email)s with %(open)sOK%(close)s to confirm, or tell us what "
            "does not suit you."
        ) % {**quotes, "email": email}
    return gettext("Contact us to confirm the time, or if it does not suit you.")


def _readable_number(raw: str, organization: Organization) -> str:
    """The number SMS answers reach, written as people read it (+47 41 23 45 67)."""
    if not raw:
        return ""
    try:
        parsed = phonenumbers.parse(raw, organization.country)
    except phonenumbers.NumberParseException:
        return raw
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _reply_email(case: Case) -> str:
    """The case's signed reply address, as a customer mail's Reply-To has it (``compose``).
    Precondition: a saved case (the address names it)."""
    base = (
        MailSettings.objects.filter(organization_id=case.organization_id)
        .values_list("reply_address", flat=True)
        .first()
    )
    if not base and not settings.HUB_REPLY_DOMAIN:
        return ""
    return reply_address(case, base or "")
