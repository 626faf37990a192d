"""Pages for people. The full staff inbox comes with its own issue; until then the home page
says who you are and where the API and the admin are."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render

OPENAPI_PATH = Path(__file__).with_name("openapi.json")


@cache
def _openapi() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    return data


def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_openapi())


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"member": getattr(request, "member", None)})


@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """Where links in mails point. Until the staff inbox has its own page for a case, the
    case in the administration."""
    return HttpResponseRedirect(f"/admin/threads/case/{case_id}/change/")
