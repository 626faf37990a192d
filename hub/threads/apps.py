from __future__ import annotations

from django.apps import AppConfig


class ThreadsConfig(AppConfig):
    name = "hub.threads"
    label = "threads"
    verbose_name = "Cases and conversations"
