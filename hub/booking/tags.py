"""The tag language of booking texts: ``{nextBookingDate}`` in a template becomes the date.

The tags are Serviceprotokoll's, so an organisation moving over can paste its templates as they
are. A tag is a brace, a letter, letters, digits or underscores, and a brace; anything else in
braces is text (``{ }``, ``{1}``, a lone ``{``), so a template never fails over punctuation.
A tag the hub does not know is refused when the template is saved, not sent blank later.

Pure functions: no models, no I/O.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Final

from django.utils.translation import gettext as _

from hub.errors import HubError

TAGS: Final = (
    "company",
    "futureBookings",
    "orderRef",
    "nextBooking",
    "nextBookingName",
    "nextBookingDate",
    "nextBookingTime",
    "facilityOrCustomer",
    "customerOrderNumber",
    "serviceObjects",
    "bookingCode",
    "replyInstructions",
)
TAG_PATTERN: Final = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")
_KNOWN: Final = frozenset(TAGS)


def tags_in(text: str) -> list[str]:
    """Every tag-shaped word in ``text``, in order of appearance, each once."""
    return list(dict.fromkeys(TAG_PATTERN.findall(text)))


def unknown_tags(text: str) -> list[str]:
    """The tags in ``text`` the hub cannot fill, in order of appearance, each once."""
    return [tag for tag in tags_in(text) if tag not in _KNOWN]


def check_template(subject: str, body: str) -> None:
    """Refuse a template that would go out with a hole in it: an empty text or a tag nobody
    fills (a typo such as ``{nextBookingDay}`` would otherwise reach the customer as is)."""
    _check_tags(subject, "subject")
    if not body.strip():
        raise HubError(_("The text cannot be empty."), field="body")
    _check_tags(body, "body")


def _check_tags(text: str, field: str) -> None:
    unknown = unknown_tags(text)
    if not unknown:
        return
    tag = unknown[0]
    known = ", ".join(f"{{{name}}}" for name in TAGS)
    # Case slips are the common typo ({OrderRef}), so they are compared without case.
    by_lower = {name.lower(): name for name in TAGS}
    close = difflib.get_close_matches(tag.lower(), list(by_lower), n=1, cutoff=0.75)
    if close:
        message = _("Unknown tag {%(tag)s}. Did you mean {%(suggestion)s}?") % {
            "tag": tag,
            "suggestion": by_lower[close[0]],
        }
    else:
        message = _("Unknown tag {%(tag)s}. Known tags: %(tags)s") % {"tag": tag, "tags": known}
    raise HubError(message, field=field, code="unknown_tag")


def render(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{tag}`` replaced by its value, in one pass: a value that itself looks
    like a tag (a customer named ``{orderRef}``) stays as it is. A tag without a value is left
    in place, so a template saved before a tag was withdrawn shows what is wrong."""
    return TAG_PATTERN.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def tag_help() -> list[dict[str, str]]:
    """Each tag with what it becomes, in the active language: the editor's cheat sheet."""
    descriptions = {
        "company": _("Your organisation's name."),
        "futureBookings": _("Every upcoming visit to this customer, one per line."),
        "orderRef": _("The case number, e.g. S-1042."),
        "nextBooking": _("Technician, date and time of the visit."),
        "nextBookingName": _("The technician's first name."),
        "nextBookingDate": _("The date of the visit, e.g. Friday 6 October."),
        "nextBookingTime": _("The time window of the visit, e.g. 07:00–10:00."),  # noqa: RUF001
        "facilityOrCustomer": _("The customer's name."),
        "customerOrderNumber": _("The customer's own order number, or “missing”."),
        "serviceObjects": _("What the work is about, separated by commas."),
        "bookingCode": _("The code the customer quotes to answer, e.g. K7PX3M."),
        "replyInstructions": _("How the customer answers, fitting the channel."),
    }
    return [{"tag": tag, "description": descriptions[tag]} for tag in TAGS]
