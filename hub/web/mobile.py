"""The technician app's page shell: ``/m/`` (my day) and every address inside it
(``/m/day/2030-10-04/``, ``/m/cases/<id>/``).

One shell for all of them, the same whatever the address, so the service worker can keep one
copy and open any of them without a connection; ``web/static/m/app.js`` routes in the browser.
It carries what the staff app's shell carries (who is logged in, the colleagues, the labels of
the choices), in the same shape, so the staff app's modules read it as they are.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from hub.web.boot import page_boot
from hub.web.catalog import catalog_url


@require_GET
@login_required
def mobile(request: HttpRequest, **route: Any) -> HttpResponse:
    member = getattr(request, "member", None)
    if member is None:
        return render(request, "home.html", {"member": None})
    boot = page_boot(member)
    language = translation.get_language() or "en"
    context = {"boot": boot, "catalog_url": catalog_url(language), "language": language}
    response = render(request, "mobile.html", context)
    # The shell names who is logged in: a shared cache must not keep it.
    response["Cache-Control"] = "private, no-cache"
    return response
