from __future__ import annotations

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "hub.customers"
    label = "customers"
    verbose_name = "Customers"
