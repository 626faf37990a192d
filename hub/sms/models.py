"""An organisation's SMS provider, the numbers that said STOP, and every SMS that came in.

Written only by ``hub.sms.actions``. The provider's secret is stored encrypted and never shown
back; ``webhook_key`` names the organisation in the callback URLs the provider is given (and,
for 46elks, which signs nothing, is the proof that a callback comes from it).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Organization
from hub.threads.models import Case, Message


class ProviderName(models.TextChoices):
    DEV = "dev", _("Development (phone simulator)")
    TWILIO = "twilio", _("Twilio")
    ELKS = "46elks", _("46elks")


class SmsSettings(models.Model):
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="sms_settings"
    )
    provider = models.CharField(
        _("provider"), max_length=16, choices=ProviderName.choices, default=ProviderName.DEV
    )
    account = models.CharField(_("account"), max_length=100, blank=True)
    secret_encrypted = models.TextField(blank=True)
    # Replies are possible only to a number: the alphanumeric sender name is for one-way notices.
    virtual_number = models.CharField(_("virtual number"), max_length=20, blank=True)
    price_per_segment = models.DecimalField(
        _("price per segment"), max_digits=6, decimal_places=3, default=Decimal("0.79")
    )
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    webhook_key = models.CharField(max_length=43, unique=True)

    class Meta:
        verbose_name = _("SMS settings")
        verbose_name_plural = _("SMS settings")

    def __str__(self) -> str:
        return f"SMS settings of {self.organization_id}"

    @property
    def takes_answers(self) -> bool:
        """Whether a customer can answer the SMS they get: from a virtual number, or in the
        development provider's phone simulator, which answers any SMS."""
        return bool(self.virtual_number) or self.provider == ProviderName.DEV


class OptOut(models.Model):
    """A number that answered STOP: nothing is sent to it until it answers START."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(_("mobile"), max_length=20)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")
        constraints = [
            models.UniqueConstraint(fields=["organization", "phone"], name="opt_out_once"),
        ]

    def __str__(self) -> str:
        return self.phone


class Kind(models.TextChoices):
    CUSTOMER = "customer", _("Customer SMS")
    OPT_OUT = "opt_out", _("Opt-out")
    OPT_IN = "opt_in", _("Opt-in")


class MatchedBy(models.TextChoices):
    BOOKING_CODE = "booking_code", _("booking code")
    LAST_SMS = "last_sms", _("the last SMS to this number")
    CONTACT = "contact", _("the contact's open case")
    NEW_CASE = "new_case", _("new case")


class SmsRecord(models.Model):
    """One SMS that came in, by the provider's id: a webhook delivered twice stores it once."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=16, choices=ProviderName.choices)
    provider_id = models.CharField(max_length=100)
    sender = models.CharField(max_length=20)
    to = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    matched_by = models.CharField(max_length=16, choices=MatchedBy.choices, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="sms_records"
    )
    message = models.OneToOneField(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="sms_record"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("received SMS")
        verbose_name_plural = _("received SMS")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "provider", "provider_id"], name="sms_record_once"
            ),
        ]

    def __str__(self) -> str:
        return f"SMS {self.provider_id} from {self.sender}"
