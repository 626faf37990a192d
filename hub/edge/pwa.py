"""The technician app's installable parts, answered by the edge: the service worker at the root
(so that its scope may be the whole site) and the web app manifest.

The worker's source is a static file (``web/static/pwa/sw.js``), looked up where the edge's
static files are; it is served with ``Cache-Control: no-cache`` so a browser checks for a new
one on every navigation instead of running a stale worker for a day. The manifest is made
here, in the language the page asks for (``?l=nb``; the Accept-Language header without it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response

WORKER = Path("pwa") / "sw.js"
THEME_COLOUR = "#14213d"
BACKGROUND_COLOUR = "#f3f5f9"
START_URL = "/m/"
ICONS = (
    ("pwa/icon-192.png", "192x192", "any"),
    ("pwa/icon-512.png", "512x512", "any"),
    ("pwa/icon-maskable-512.png", "512x512", "maskable"),
)


def static_directories() -> list[Path]:
    """Where the edge's static files are, in the order it looks (``hub.edge.app``)."""
    if settings.PRODUCTION:
        return [Path(settings.STATIC_ROOT)]
    return [*map(Path, settings.STATICFILES_DIRS), Path(settings.STATIC_ROOT)]


async def service_worker(request: Request) -> Response:
    for directory in static_directories():
        path = directory / WORKER
        if path.is_file():
            return FileResponse(
                path,
                media_type="text/javascript",
                headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
            )
    return PlainTextResponse("Not Found", status_code=404)


def manifest_language(request: Request) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    asked = request.query_params.get("l", "")
    if asked in languages:
        return asked
    header = request.headers.get("accept-language", "")
    for code, _quality in parse_accept_lang_header(header):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return str(settings.LANGUAGE_CODE)


def manifest(language: str) -> dict[str, Any]:
    static = settings.STATIC_URL
    with translation.override(language):
        return {
            "id": START_URL,
            "name": _("The hub"),
            "short_name": _("The hub"),
            "description": _("My day, the cases' threads and photos, also without a connection."),
            "lang": language,
            "dir": "ltr",
            "start_url": START_URL,
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [
                {"src": f"{static}{path}", "sizes": sizes, "type": "image/png", "purpose": purpose}
                for path, sizes, purpose in ICONS
            ],
        }


async def web_manifest(request: Request) -> Response:
    return JSONResponse(
        manifest(manifest_language(request)),
        media_type="application/manifest+json",
        headers={"Cache-Control": "no-cache"},
    )
