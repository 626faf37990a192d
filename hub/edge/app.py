"""The machine-facing HTTP edge: Starlette in front of Django.

Health checks and static files (and, with their issues, provider webhooks and the PWA's service
worker) are answered here without entering Django; everything else is passed to Django.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from hub.edge.limits import BodyLimit
from hub.edge.mail_hooks import mail_opened
from hub.edge.pwa import service_worker, web_manifest
from hub.edge.sms_hooks import sms_hook

# Room for multipart boundaries and form fields around a file of the largest allowed size.
MULTIPART_OVERHEAD = 256 * 1024


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


class _StaticDirectories(StaticFiles):
    """Static files looked up in several directories, the first that has the file wins."""

    def __init__(self, directories: list[Path]) -> None:
        super().__init__(directory=directories[0], check_dir=False)
        self.all_directories = list(directories)


def static_files() -> ASGIApp:
    """Production serves what ``collectstatic`` gathered. Development serves the sources first
    (``web/static``), so an edited script or style sheet is live on reload without a collect
    step, and falls back to the collected files (the admin's)."""
    if settings.PRODUCTION:
        return StaticFiles(directory=settings.STATIC_ROOT, check_dir=False)
    return _StaticDirectories([*map(Path, settings.STATICFILES_DIRS), Path(settings.STATIC_ROOT)])


def build_edge(django_app: ASGIApp) -> ASGIApp:
    edge = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/hooks/mail/opened/{token}.gif", mail_opened),
            Route("/hooks/sms/{provider}/{key}/{kind}", sms_hook, methods=["POST"]),
            Route("/sw.js", service_worker),
            Route("/manifest.webmanifest", web_manifest),
            Mount(settings.STATIC_URL.rstrip("/"), app=static_files(), name="static"),
            Mount("", app=django_app),
        ]
    )
    return BodyLimit(edge, settings.HUB_UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD)
