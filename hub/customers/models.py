"""The customer register: the companies and households a field-service firm works for."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Organization
from hub.customers.phones import to_e164


class Customer(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="customers"
    )
    name = models.CharField(_("name"), max_length=200)
    is_business = models.BooleanField(_("business"), default=False)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    external_reference = models.CharField(
        _("reference in the order system"), max_length=100, blank=True
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["organization", "name"])]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at a customer the hub can write to. Phones are stored in E.164."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contacts"
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile"), max_length=20, blank=True)
    # CleanManager: staff lock a contact out of the customer portal; their links stop working
    # at once, and open portal pages close.
    portal_locked = models.BooleanField(_("portal access locked"), default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["organization", "phone"]),
            models.Index(fields=["organization", "email"]),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.customer_id:
            if not self.organization_id:
                self.organization_id = self.customer.organization_id
            elif self.customer.organization_id != self.organization_id:
                raise ValidationError(
                    _("The contact and the customer belong to different organisations.")
                )
        if self.phone:
            self.phone = to_e164(self.phone, self.organization.country)
