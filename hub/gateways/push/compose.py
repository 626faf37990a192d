"""A push delivery as what the device shows: a title and a short text in the member's
language, the page of the case in the technician app, and a tag, so that a newer push about the
same case replaces the older one on the lock screen.

The service worker of the technician app shows ``{"title", "body", "url", "tag"}`` as it comes.
"""

from __future__ import annotations

import json
import zoneinfo
from dataclasses import asdict, dataclass

from babel.dates import format_skeleton
from django.utils import translation
from django.utils.translation import gettext as _

from hub.booking.models import Booking
from hub.outbox.models import Delivery
from hub.threads.models import Case

TITLE_LIMIT = 80
BODY_LIMIT = 200
EN_DASH = "\u2013"


@dataclass(frozen=True)
class PushMessage:
    title: str
    body: str
    url: str
    tag: str

    def as_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":")).encode()


def case_url(case: Case) -> str:
    """The case's page in the technician app, relative to the hub's address."""
    return f"/m/cases/{case.pk}/"


def language_of(delivery: Delivery, case: Case) -> str:
    member = delivery.recipient_member
    return (member.user.language if member else "") or case.organization.locale


def compose_push(delivery: Delivery) -> PushMessage:
    """Precondition: a push delivery with its case (and organisation), message, sender and
    member's user loaded."""
    case = delivery.case
    if case is None:
        raise ValueError(f"delivery {delivery.pk}: a push is about a case")
    with translation.override(language_of(delivery, case)):
        actor = delivery.sent_by.display_name if delivery.sent_by else _("Someone")
        preview = _shorten(delivery.message.text) if delivery.message else ""
        about = f"{case.reference} {case.title}"
        kind = delivery.purpose
        if kind == "mention":
            title = _("%(actor)s mentioned you") % {"actor": actor}
            body = f"{case.reference}: {preview}" if preview else about
        elif kind == "assigned":
            title = _("%(actor)s assigned a case to you") % {"actor": actor}
            body = about
        elif kind == "customer_replied":
            title = _("The customer replied")
            body = f"{case.reference}: {preview}" if preview else about
        elif kind == "booking_changed":
            title = _("%(actor)s changed a booking on your day") % {"actor": actor}
            when = _booking_time(case)
            body = f"{about} · {when}" if when else about
        else:
            title = _("News on %(reference)s") % {"reference": case.reference}
            body = about
    return PushMessage(
        title=_cut(title, TITLE_LIMIT),
        body=_cut(body, BODY_LIMIT),
        url=case_url(case),
        tag=f"case-{case.pk}",
    )


def _booking_time(case: Case) -> str:
    """When the visit is now, in the organisation's time zone ("tir. 6. okt. 10:00", an en
    dash, "11:00"); empty when it has no time (any more)."""
    booking = Booking.objects.filter(case=case).first()
    if booking is None or booking.start is None or booking.end is None:
        return ""
    organization = case.organization
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    start, end = booking.start.astimezone(zone), booking.end.astimezone(zone)
    locale = translation.get_language() or organization.locale
    day = format_skeleton("MMMEd", start, locale=locale)
    return f"{day} {start:%H:%M}{EN_DASH}{end:%H:%M}"


def _shorten(text: str) -> str:
    return _cut(" ".join(text.split()), BODY_LIMIT)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
