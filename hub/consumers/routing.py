from __future__ import annotations

from django.urls import path

from hub.consumers.portal import PortalConsumer
from hub.consumers.staff import StaffConsumer

websocket_urlpatterns = [
    path("ws/", StaffConsumer.as_asgi()),
    path("ws/portal/", PortalConsumer.as_asgi()),
]
