"""Read-only admin views of cases and their conversations.

Changes to a case go through the actions, which write the event log and push live events; the
admin would bypass both, so here it only shows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hub.threads.models import Attachment, Case, Event, Message


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MessageInline(ReadOnly, admin.TabularInline[Message, Case]):
    model = Message
    fields = (
        "created",
        "audience",
        "direction",
        "channel",
        "author_member",
        "author_contact",
        "text",
    )
    readonly_fields = fields
    ordering = ("id",)
    extra = 0


class EventInline(ReadOnly, admin.TabularInline[Event, Case]):
    model = Event
    fields = ("created", "kind", "actor_member", "actor_contact", "data")
    readonly_fields = fields
    ordering = ("id",)
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnly, admin.ModelAdmin[Case]):
    list_display = (
        "reference",
        "title",
        "customer",
        "status",
        "priority",
        "assignee",
        "last_activity",
    )
    list_filter = ("organization", "status", "priority", "customer_channel", "portal_visible")
    search_fields = ("title", "number", "customer__name", "external_reference")
    list_select_related = ("organization", "customer", "assignee_member", "assignee_team")
    inlines = [MessageInline, EventInline]

    @admin.display(description=_("assigned to"))
    def assignee(self, case: Case) -> str:
        return str(case.assignee_member or case.assignee_team or "—")


@admin.register(Message)
class MessageAdmin(ReadOnly, admin.ModelAdmin[Message]):
    list_display = ("id", "case", "audience", "direction", "channel", "created")
    list_filter = ("organization", "audience", "direction", "channel")
    search_fields = ("text",)
    list_select_related = ("case__organization",)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnly, admin.ModelAdmin[Attachment]):
    list_display = ("name", "case", "content_type", "size", "created")
    list_filter = ("organization", "content_type")
    list_select_related = ("case__organization",)
