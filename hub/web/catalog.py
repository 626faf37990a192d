"""The staff app's texts (the ``djangojs`` catalogue) as a script, made once per language.

Django's ``JavaScriptCatalog`` reads and merges every catalogue on each request; the app's
first screen waits for this script, so it is rendered once per language and process and then
served from memory. The page asks for it by an address naming the language and the
catalogues' version (``catalog_url``), so a browser may keep it: a member who changes language,
or a deploy with new texts, gets a new address."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.i18n import JavaScriptCatalog

CACHE_SECONDS = 7 * 24 * 3600


@cache
def catalog_version() -> str:
    digest = hashlib.sha256()
    for directory in settings.LOCALE_PATHS:
        for compiled in sorted(Path(directory).glob("*/LC_MESSAGES/djangojs.mo")):
            digest.update(compiled.read_bytes())
    return digest.hexdigest()[:12]


def catalog_url(language: str) -> str:
    return f"{reverse('javascript-catalog')}?l={language}&v={catalog_version()}"


@cache
def _rendered(language: str) -> tuple[bytes, str]:
    request = HttpRequest()
    request.method = "GET"
    with translation.override(language):
        response = JavaScriptCatalog.as_view(domain="djangojs")(request)
    return response.getvalue(), response["Content-Type"]


def javascript_catalog(request: HttpRequest) -> HttpResponse:
    """In the member's language (the address's ``l`` only keeps caches apart). Without a member
    (a customer in the portal), in the language the address names."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    wanted = request.GET.get("l", "")
    if getattr(request, "member", None) is None and wanted in dict(settings.LANGUAGES):
        language = wanted
    content, content_type = _rendered(language)
    response = HttpResponse(content, content_type=content_type)
    if request.GET.get("v") == catalog_version():
        response["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    return response
