"""The customer portal's links: a customer opens their case with a link that carries a token.

Only the token's SHA-256 is stored, so the table alone opens nothing. A link belongs to one
contact and one case, runs out after ``HUB_PORTAL_LINK_DAYS`` and can be revoked; a contact's
``portal_locked`` closes every link of theirs at once. Written only by ``hub.portal.actions``
(and ``hub.portal.links``, inside the transaction of the message that carries a link).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.accounts.models import Member, Organization
from hub.customers.models import Contact
from hub.threads.models import Case


class LinkKind(models.TextChoices):
    # Made by a member to hand over (copied from the case view).
    STAFF = "staff", _("Handed out by staff")
    # Carried by an e-mail or SMS to the customer: one link per delivery.
    MESSAGE = "message", _("Sent with a message")


class PortalLink(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="portal_links")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="portal_links")
    kind = models.CharField(max_length=8, choices=LinkKind.choices)
    # sha256 of the token, hex: the token itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    revoked = models.DateTimeField(null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("portal link")
        verbose_name_plural = _("portal links")
        indexes = [models.Index(fields=["contact", "case"], name="portal_link_contact_case")]

    def __str__(self) -> str:
        return f"portal link {self.pk} of contact {self.contact_id} to case {self.case_id}"
