"""Pages for people: the staff app's one page shell, and the API description.

The staff app is plain ES modules in ``web/static/js`` routed in the browser; every address it
shows (``/``, ``/cases/<id>/``, ``/board/``, ``/letters/``, ``/settings/…``) answers with the same
shell, so a reload or a link from a mail lands where it points. The shell carries what the first
screen needs (who is logged in, the colleagues, the first inbox page) so the inbox renders
without waiting for another round trip.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from hub.threads.inbox import InboxQuery, list_inbox
from hub.web.boot import page_boot
from hub.web.catalog import catalog_url

OPENAPI_PATH = Path(__file__).with_name("openapi.json")


@cache
def _openapi() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    return data


def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_openapi())


@require_GET
@login_required
def app(request: HttpRequest, **route: Any) -> HttpResponse:
    member = getattr(request, "member", None)
    if member is None:
        return render(request, "home.html", {"member": None})
    first_page = None
    if request.path == "/":
        page = list_inbox(member, InboxQuery())
        first_page = {"cases": page.rows, "next_cursor": page.next_cursor}
    boot = {**page_boot(member), "inbox": first_page}
    context = {"boot": boot, "catalog_url": catalog_url(translation.get_language() or "en")}
    return render(request, "app.html", context)
