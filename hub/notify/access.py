"""Reading a member's notifications. ``access_*`` fetch and enforce; the rest only read.

Every query starts from the member's organisation and the member: another member's
notification, in this organisation or another, is "not found", never "forbidden".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.errors import NotFound
from hub.notify.models import Notification

DEFAULT_PAGE = 30
MAX_PAGE = 100


def my_notifications(member: Member) -> QuerySet[Notification]:
    return Notification.objects.filter(organization_id=member.organization_id, member=member)


def unseen_count(member: Member) -> int:
    return my_notifications(member).filter(seen__isnull=True).count()


def unseen_counts(organization_id: int, member_ids: Collection[int]) -> dict[int, int]:
    """Unseen counts of several members in one query; a member with none is left out."""
    rows = (
        Notification.objects.filter(
            organization_id=organization_id, member_id__in=member_ids, seen__isnull=True
        )
        .values("member_id")
        .annotate(n=Count("pk"))
        .values_list("member_id", "n")
    )
    return dict(rows)


def access_notifications(member: Member, ids: Collection[int]) -> list[int]:
    """``ids``, when every one is the member's own notification; otherwise not found, with the
    same answer for an id that does not exist and one that belongs to someone else."""
    found = set(my_notifications(member).filter(pk__in=ids).values_list("pk", flat=True))
    if found != set(ids):
        raise NotFound(_("No such notification."), field="ids")
    return sorted(found)


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Notification]
    has_more: bool


def list_notifications(
    member: Member, *, before: int | None = None, unseen: bool = False, limit: int = DEFAULT_PAGE
) -> Page:
    """Newest first; ``before`` is the id of the last row the client holds."""
    limit = max(1, min(limit, MAX_PAGE))
    rows = my_notifications(member).select_related(
        "case__organization", "message", "actor_member", "actor_contact"
    )
    if unseen:
        rows = rows.filter(seen__isnull=True)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows.order_by("-pk")[: limit + 1])
    return Page(page[:limit], len(page) > limit)
