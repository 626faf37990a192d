"""Reading the inbox: the cases a member sees, filtered, searched, with unread counts.

A page is one query: unread counts and the last message come from a correlated subquery and a
join, never from a query per case.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

from django.apps import apps
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from hub.accounts.models import Member, Team
from hub.errors import HubError
from hub.threads.access import visible_cases
from hub.threads.models import Case, Mention, Message, ReadMarker, Status
from hub.threads.payloads import InboxRow, inbox_row

DEFAULT_PAGE = 50
MAX_PAGE = 200


@dataclass(frozen=True)
class InboxQuery:
    """What the inbox list was asked for. ``assigned``: ``me`` or ``unassigned``; ``team``: an
    id or ``mine``; ``statuses`` empty means any."""

    assigned: str | None = None
    team: str | None = None
    statuses: tuple[str, ...] = ()
    mentions: bool = False
    unread: bool = False
    unsorted: bool = False
    # A booking state, or "none" for cases without a booking.
    booking: str | None = None
    search: str = ""
    cursor: str | None = None
    limit: int = DEFAULT_PAGE


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    next_cursor: str | None


def with_unread_counts(cases: QuerySet[Case], member: Member) -> QuerySet[Case]:
    read_upto = ReadMarker.objects.filter(member=member, case=OuterRef("pk")).values(
        "last_read_message_id"
    )[:1]
    unread = (
        Message.objects.filter(case=OuterRef("pk"), pk__gt=OuterRef("read_upto"))
        .exclude(author_member=member)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cases.annotate(
        read_upto=Coalesce(Subquery(read_upto), Value(0)),
        unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
    )


def with_row_relations(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What an inbox row shows, joined in the same query. The booking is read through its
    reverse relation by name: the booking app builds on threads, not the other way round."""
    return cases.annotate(
        booking_state=F("booking__state"), booking_start=F("booking__start")
    ).select_related(
        "organization",
        "customer",
        "contact",
        "assignee_member",
        "assignee_team",
        "last_message__author_member",
        "last_message__author_contact",
    )


def changed_since(member: Member, since: datetime, limit: int) -> tuple[list[InboxRow], bool]:
    """Rows of the cases the member sees whose activity is newer than ``since``, oldest change
    first, and whether that is all of them (if not, the client reloads its inbox)."""
    cases = with_unread_counts(visible_cases(member), member).filter(last_activity__gt=since)
    page = list(with_row_relations(cases).order_by("last_activity", "pk")[: limit + 1])
    rows = [inbox_row(case, case.unread_count) for case in page[:limit]]  # type: ignore[attr-defined]
    return rows, len(page) <= limit


def encode_cursor(case: Case) -> str:
    raw = f"{case.last_activity.isoformat()}|{case.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, _sep, pk = raw.partition("|")
        moment = parse_datetime(when)
        if moment is None or moment.tzinfo is None:
            raise ValueError(when)
        # A time at the edge of the calendar can overflow when made UTC; find out here.
        return moment.astimezone(UTC), int(pk)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise HubError(_("That page cursor is not valid."), field="cursor") from None


def _search(cases: QuerySet[Case], text: str, prefix: str) -> QuerySet[Case]:
    text = text.strip()
    if not text:
        return cases
    matches: Q = (
        Q(title__icontains=text)
        | Q(customer__name__icontains=text)
        | Q(external_reference__iexact=text)
        | Q(Exists(Message.objects.filter(case=OuterRef("pk"), text__icontains=text)))
    )
    number = text.upper().removeprefix(f"{prefix.upper()}-")
    if number.isdigit():
        matches |= Q(number=int(number))
    return cases.filter(matches)


def _booking_states() -> list[str]:
    field = apps.get_model("booking", "Booking")._meta.get_field("state")
    return [str(value) for value, _label in getattr(field, "flatchoices", ())]


def list_inbox(member: Member, query: InboxQuery) -> InboxPage:
    cases = visible_cases(member)
    if query.assigned == "me":
        cases = cases.filter(assignee_member=member)
    elif query.assigned == "unassigned":
        cases = cases.filter(assignee_member__isnull=True, assignee_team__isnull=True)
    elif query.assigned is not None:
        raise HubError(_("assigned is “me” or “unassigned”."), field="assigned")
    if query.team == "mine":
        cases = cases.filter(assignee_team__in=Team.objects.filter(members=member).values("pk"))
    elif query.team is not None:
        if not query.team.isdigit():
            raise HubError(_("team is a team id or “mine”."), field="team")
        cases = cases.filter(assignee_team_id=int(query.team))
    unknown = [status for status in query.statuses if status not in Status.values]
    if unknown:
        raise HubError(_("Unknown status: %(status)s") % {"status": unknown[0]}, field="status")
    if query.statuses:
        cases = cases.filter(status__in=query.statuses)
    if query.unsorted:
        cases = cases.filter(unsorted=True)
    if query.booking not in (None, "none", *_booking_states()):
        raise HubError(
            _("Unknown booking state: %(state)s") % {"state": query.booking}, field="booking"
        )
    if query.booking == "none":
        cases = cases.filter(booking__isnull=True)
    elif query.booking is not None:
        cases = cases.filter(booking__state=query.booking)
    if query.mentions:
        cases = cases.filter(Exists(Mention.objects.filter(case=OuterRef("pk"), member=member)))
    cases = _search(cases, query.search, member.organization.case_prefix)
    cases = with_unread_counts(cases, member)
    if query.unread:
        cases = cases.filter(unread_count__gt=0)  # type: ignore[misc]  # an annotation
    if query.cursor:
        moment, pk = decode_cursor(query.cursor)
        cases = cases.filter(Q(last_activity__lt=moment) | Q(last_activity=moment, pk__lt=pk))
    limit = max(1, min(query.limit, MAX_PAGE))
    page = list(with_row_relations(cases).order_by("-last_activity", "-pk")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    rows = [inbox_row(case, case.unread_count) for case in page]  # type: ignore[attr-defined]
    return InboxPage(rows=rows, next_cursor=encode_cursor(page[-1]) if more and page else None)
