"""Tenants and the people who work in them.

An ``Organization`` is the tenant: every row the hub stores for a company carries it. A person
logs in as a ``User`` and works as a ``Member`` of one or more organisations, with one role in
each.
"""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Locale(models.TextChoices):
    NB = "nb", _("Norwegian Bokmål")
    SV = "sv", _("Swedish")
    DA = "da", _("Danish")
    EN = "en", _("English")


class Country(models.TextChoices):
    NO = "NO", _("Norway")
    SE = "SE", _("Sweden")
    DK = "DK", _("Denmark")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    DISPATCHER = "dispatcher", _("Dispatcher")
    TECHNICIAN = "technician", _("Technician")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


sms_sender_validator = RegexValidator(
    r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$",
    _("An SMS sender name has 1 to 11 letters, digits or spaces, at least one a letter."),
)
handle_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]*$",
    _("A handle is lower-case letters, digits, dots, hyphens and underscores."),
)


class User(AbstractUser):
    """The login. What a person does in a company lives on their ``Member`` rows."""

    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Locale.choices,
        blank=True,
        help_text=_("Overrides the organisation's language when set."),
    )


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    locale = models.CharField(_("language"), max_length=2, choices=Locale.choices)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    case_prefix = models.CharField(_("case number prefix"), max_length=8, default="S")
    sms_sender_name = models.CharField(
        _("SMS sender name"), max_length=11, blank=True, validators=[sms_sender_validator]
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    display_name = models.CharField(_("name"), max_length=150)
    handle = models.CharField(
        _("handle"),
        max_length=40,
        validators=[handle_validator],
        help_text=_("What colleagues type after @ to mention this member."),
    )
    phone = models.CharField(_("mobile"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="member_once_per_org"),
            models.UniqueConstraint(fields=["organization", "handle"], name="member_handle_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.organization})"

    @property
    def is_technician(self) -> bool:
        return self.role == Role.TECHNICIAN

    @property
    def sees_every_case(self) -> bool:
        return self.role in (Role.ADMIN, Role.DISPATCHER)


class Team(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=100)
    members = models.ManyToManyField(Member, related_name="teams", blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="team_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name
