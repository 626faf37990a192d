"""The one ASGI application daphne serves: HTTP through the Starlette edge into Django."""

from __future__ import annotations

import os
from typing import cast

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
django_application = get_asgi_application()

# Imported after Django is set up: the edge reads settings.
from channels.routing import ProtocolTypeRouter  # noqa: E402
from starlette.types import ASGIApp  # noqa: E402

from hub.edge.app import build_edge  # noqa: E402

application = ProtocolTypeRouter({"http": build_edge(cast(ASGIApp, django_application))})
