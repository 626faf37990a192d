"""The one ASGI application daphne serves: HTTP through the Starlette edge into Django, and
the staff websocket."""

from __future__ import annotations

import os
from typing import cast

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
django_application = get_asgi_application()

# Imported after Django is set up: the edge reads settings.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402
from starlette.types import ASGIApp  # noqa: E402

from hub.consumers.routing import websocket_urlpatterns  # noqa: E402
from hub.edge.app import build_edge  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": build_edge(cast(ASGIApp, django_application)),
        # The session cookie authenticates the socket (the consumer reads the user and the
        # member in one trip to the database); the Origin must be one of ALLOWED_HOSTS, so
        # another site cannot open a socket with a staff member's cookie.
        "websocket": AllowedHostsOriginValidator(
            SessionMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
