"""What every JSON door shares: authentication as a member, body parsing, and errors.

A view decorated with ``json_view`` receives the member (401 when there is none), returns plain
data, and lets ``HubError`` fly: this module turns both into JSON responses with the right status.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, Concatenate

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure

from hub.accounts.models import Member
from hub.errors import HubError

type View = Callable[..., HttpResponseBase]
type MemberView = Callable[Concatenate[HttpRequest, Member, ...], Any]


def error_response(error: HubError) -> JsonResponse:
    return JsonResponse({"error": error.as_dict()}, status=error.status)


def method_not_allowed(methods: tuple[str, ...]) -> JsonResponse:
    error = HubError(_("Method not allowed."), code="method_not_allowed")
    response = JsonResponse({"error": error.as_dict()}, status=405)
    response["Allow"] = ", ".join(methods)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal, as JSON for the API and as Django's page elsewhere."""
    if request.path.startswith("/api/"):
        error = HubError(
            _("The request lacks a valid CSRF token. Reload the page and try again."),
            code="csrf_failed",
        )
        return JsonResponse({"error": error.as_dict()}, status=403)
    return django_csrf_failure(request, reason)


def _unauthenticated() -> JsonResponse:
    error = HubError(_("Log in first."), code="not_authenticated")
    return JsonResponse({"error": error.as_dict()}, status=401)


def json_view(*methods: str) -> Callable[[MemberView], View]:
    def decorate(view: MemberView) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            member: Member | None = getattr(request, "member", None)
            if member is None:
                return _unauthenticated()
            if request.method not in methods:
                return method_not_allowed(methods)
            try:
                result = view(request, member, *args, **kwargs)
            except HubError as error:
                return error_response(error)
            if isinstance(result, HttpResponseBase):
                return result
            return JsonResponse(result, safe=False)

        return wrapper

    return decorate


def created(data: Mapping[str, Any]) -> JsonResponse:
    return JsonResponse(dict(data), status=201)


def read_json(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object body, or a 400 that says what is wrong with it."""
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise HubError(_("The request body is not valid JSON."), code="bad_json") from None
    if not isinstance(data, dict):
        raise HubError(_("The request body must be a JSON object."), code="bad_json")
    return data


def check_fields(data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    """Refuse a field the door does not change, rather than ignore it: a client that sends
    ``email`` or ``country`` learns at once that it stayed as it was."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise HubError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)},
            field=unknown[0],
        )


def field_str(data: Mapping[str, Any], name: str, *, default: str | None = None) -> str:
    value = data.get(name, default)
    if value is None:
        raise HubError(_("%(field)s is required.") % {"field": name}, field=name)
    if not isinstance(value, str):
        raise HubError(_("%(field)s must be text.") % {"field": name}, field=name)
    return value


def field_optional_str(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise HubError(_("%(field)s must be text.") % {"field": name}, field=name)
    return value


def field_texts(data: Mapping[str, Any], name: str, *, limit: int = 100) -> list[str]:
    """A list of short texts, or one text (e.g. recipients typed comma-separated)."""
    value = data.get(name, [])
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise HubError(
            _("%(field)s must be text or a list of texts.") % {"field": name}, field=name
        )
    if len(items) > limit:
        raise HubError(_("%(field)s has too many entries.") % {"field": name}, field=name)
    return items


def field_bool(data: Mapping[str, Any], name: str, *, default: bool = False) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise HubError(_("%(field)s must be true or false.") % {"field": name}, field=name)
    return value


def field_int(data: Mapping[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise HubError(_("%(field)s must be a whole number.") % {"field": name}, field=name)
    return value


def field_id(data: Mapping[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise HubError(_("%(field)s must be an id.") % {"field": name}, field=name)
    return value


def field_ids(data: Mapping[str, Any], name: str) -> list[int]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) and item > 0 for item in value
    ):
        raise HubError(_("%(field)s must be a list of ids.") % {"field": name}, field=name)
    return list(dict.fromkeys(value))


def field_datetime(data: Mapping[str, Any], name: str) -> datetime | None:
    value = data.get(name)
    if value is None:
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or parsed.tzinfo is None:
        raise HubError(
            _("%(field)s must be an ISO 8601 time with a zone, e.g. 2026-10-06T07:00:00+02:00.")
            % {"field": name},
            field=name,
        )
    return parsed


def parse_day(value: object, name: str) -> date:
    """A calendar day as ``YYYY-MM-DD``: a day of the organisation's calendar, no zone."""
    parsed = parse_date(value) if isinstance(value, str) else None
    if parsed is None:
        raise HubError(
            _("%(field)s must be a date, e.g. 2026-10-06.") % {"field": name}, field=name
        )
    return parsed


def field_date(data: Mapping[str, Any], name: str) -> date | None:
    value = data.get(name)
    return None if value is None else parse_day(value, name)


def query_int(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise HubError(_("%(field)s must be a number.") % {"field": name}, field=name) from None
    if value < 0:
        raise HubError(_("%(field)s must be a number.") % {"field": name}, field=name)
    return value
