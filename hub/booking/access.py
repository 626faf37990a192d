"""Which bookings a member may see: those of the cases they see, and a technician's own day."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.booking.models import Booking, Letter
from hub.errors import NotFound
from hub.threads.access import visible_cases


def visible_bookings(member: Member) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(organization_id=member.organization_id).select_related(
        "technician", "case__organization", "case__customer", "case__contact"
    )
    if member.sees_every_case:
        return bookings
    return bookings.filter(Q(technician=member) | Q(case__in=visible_cases(member).values("pk")))


def access_letter(member: Member, letter_id: int) -> Letter:
    letter = (
        Letter.objects.filter(pk=letter_id, organization_id=member.organization_id)
        .select_related("case__organization")
        .first()
    )
    if letter is None or not member.sees_every_case:
        raise NotFound(_("No such letter."))
    return letter
