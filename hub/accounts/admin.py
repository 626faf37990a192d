from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from hub.accounts.models import Member, Organization, Team, User


@admin.register(User)
class HubUserAdmin(UserAdmin[User]):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Hub", {"fields": ("language",)}))


class MemberInline(admin.TabularInline[Member, Organization]):
    model = Member
    extra = 0
    fields = ("user", "display_name", "handle", "role", "phone", "is_active")
    raw_id_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ("name", "slug", "country", "locale", "time_zone")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MemberInline]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin[Member]):
    list_display = ("display_name", "handle", "organization", "role", "is_active")
    list_filter = ("organization", "role", "is_active")
    search_fields = ("display_name", "handle", "user__username", "user__email")
    raw_id_fields = ("user",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("name", "organization")
    list_filter = ("organization",)
    filter_horizontal = ("members",)
