from __future__ import annotations

from django.contrib import admin

from hub.customers.models import Contact, Customer


class ContactInline(admin.TabularInline[Contact, Customer]):
    model = Contact
    extra = 0
    fields = ("name", "email", "phone")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ("name", "city", "organization")
    list_filter = ("organization",)
    search_fields = ("name", "street", "city", "contacts__name", "contacts__phone")
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin[Contact]):
    list_display = ("name", "customer", "email", "phone", "organization")
    list_filter = ("organization",)
    search_fields = ("name", "email", "phone")
    raw_id_fields = ("customer",)
