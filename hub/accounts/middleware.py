"""Which organisation a request works in, and in which language and time zone it answers."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from hub.accounts.models import Member

SESSION_ORGANIZATION_KEY = "hub.organization_id"


def current_member(request: HttpRequest) -> Member | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return member_for(user.pk, request.session.get(SESSION_ORGANIZATION_KEY))


def member_for(user_id: int, wanted: int | None) -> Member | None:
    """The member a logged-in user acts as: the organisation chosen in the session (``wanted``),
    else the one they joined first (their home company, not whichever sorts first by name).
    The HTTP middleware and the websocket consumer both ask this."""
    members = Member.objects.filter(user_id=user_id, is_active=True).select_related(
        "organization", "user"
    )
    if wanted is not None:
        chosen = members.filter(organization_id=wanted).first()
        if chosen is not None:
            return chosen
    return members.order_by("pk").first()


def member_language(member: Member) -> str:
    return member.user.language or member.organization.locale


class MemberMiddleware:
    """Sets ``request.member`` and answers in the member's language and organisation's zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        member = current_member(request)
        request.member = member  # type: ignore[attr-defined]
        if member is None:
            return self.get_response(request)
        with translation.override(member_language(member)):
            timezone.activate(zoneinfo.ZoneInfo(member.organization.time_zone))
            try:
                response = self.get_response(request)
            finally:
                timezone.deactivate()
            response.headers.setdefault("Content-Language", translation.get_language() or "")
        return response
