from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThreadsConfig(AppConfig):
    name = "hub.threads"
    label = "threads"
    verbose_name = _("Cases and conversations")
