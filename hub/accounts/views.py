"""Who am I, and in which organisation: the session doors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.translation import gettext as _

from hub.accounts.actions import do_change_profile
from hub.accounts.middleware import SESSION_ORGANIZATION_KEY, member_language
from hub.accounts.models import Member
from hub.accounts.payloads import colleagues_payload, me_payload
from hub.errors import HubError, NotFound
from hub.http import (
    check_fields,
    error_response,
    field_id,
    field_str,
    json_view,
    method_not_allowed,
    read_json,
)

SESSION_METHODS = ("GET", "POST", "DELETE")
PROFILE_FIELDS = ("language", "name")


def session(request: HttpRequest) -> JsonResponse:
    """GET: the CSRF token (as a cookie) and who is logged in. POST: log in with username and
    password. DELETE: log out."""
    if request.method not in SESSION_METHODS:
        return method_not_allowed(SESSION_METHODS)
    if request.method == "DELETE":
        logout(request)
        return JsonResponse({"authenticated": False})
    if request.method == "POST":
        try:
            data = read_json(request)
            username = field_str(data, "username")
            password = field_str(data, "password")
        except HubError as error:
            return error_response(error)
        user = authenticate(request, username=username, password=password)
        if user is None or not Member.objects.filter(user_id=user.pk, is_active=True).exists():
            refused = HubError(_("Wrong username or password."), code="bad_credentials")
            return error_response(refused)
        login(request, user)
        return JsonResponse({"authenticated": True}, status=201)
    get_token(request)
    return JsonResponse({"authenticated": getattr(request, "member", None) is not None})


@json_view("GET", "PATCH")
def me(request: HttpRequest, member: Member) -> Any:
    """PATCH: the member's own ``language`` ("nb", "sv", "da", "en", or "" for the
    organisation's) and ``name``; fields left out stay. The answer is already in the new
    language."""
    if request.method == "PATCH":
        data = read_json(request)
        check_fields(data, PROFILE_FIELDS)
        do_change_profile(
            member,
            language=field_str(data, "language") if "language" in data else None,
            name=field_str(data, "name") if "name" in data else None,
        )
        translation.activate(member_language(member))
    return me_payload(member)


@json_view("POST")
def switch_organization(request: HttpRequest, member: Member) -> Any:
    organization_id = field_id(read_json(request), "organization")
    if organization_id is None:
        raise HubError(
            _("%(field)s is required.") % {"field": "organization"}, field="organization"
        )
    target = Member.objects.filter(
        user_id=member.user_id, organization_id=organization_id, is_active=True
    ).first()
    if target is None:
        raise NotFound(_("You are not a member of that organisation."), field="organization")
    request.session[SESSION_ORGANIZATION_KEY] = target.organization_id
    return me_payload(Member.objects.select_related("organization", "user").get(pk=target.pk))


@json_view("GET")
def colleagues(request: HttpRequest, member: Member) -> Any:
    """For assignment pickers and @ autocomplete."""
    return colleagues_payload(member)
