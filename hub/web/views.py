"""Pages for people. The full staff inbox comes with its own issue; until then the home page
says who you are and where the API and the admin are."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
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
