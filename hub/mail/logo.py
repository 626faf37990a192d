"""The organisation's logo: uploaded in its mail settings, shown at the top of its mail, its
letters and its customer portal."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile

from hub.mail.models import MailSettings


def organization_logo(organization_id: int) -> FieldFile | None:
    mail_settings = MailSettings.objects.filter(organization_id=organization_id).first()
    if mail_settings is None or not mail_settings.logo:
        return None
    return mail_settings.logo
