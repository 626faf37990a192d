"""Files on a case: uploaded first, then attached to the message that carries them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from hub.accounts.models import Member
from hub.customers.models import Contact
from hub.threads.models import Attachment, Case
from hub.threads.uploads import clean_name, sniff


def do_upload_attachment(
    actor: Member | Contact, case: Case, upload: UploadedFile[bytes]
) -> Attachment:
    """Store a file for a message the member (or, in the portal, the customer's contact) is
    about to post on the case. The type is read from the content; a file over the limit or of a
    disguised type is refused before anything is written."""
    name = clean_name(upload.name or "file")
    size = upload.size or 0
    content_type = sniff(upload, name, size, settings.HUB_UPLOAD_MAX_BYTES)
    if isinstance(actor, Contact):
        return store_file(
            case, upload, name=name, content_type=content_type, size=size, contact=actor
        )
    return store_file(case, upload, name=name, content_type=content_type, size=size, member=actor)


def store_file(
    case: Case,
    content: File[bytes],
    *,
    name: str,
    content_type: str,
    size: int,
    member: Member | None = None,
    contact: Contact | None = None,
) -> Attachment:
    """Write a checked file and its row. The file is written before the row; if the row fails,
    the orphan file is removed.

    Precondition: ``name`` cleaned and ``content_type`` sniffed under the upload rules."""
    with transaction.atomic():
        attachment = Attachment(
            organization_id=case.organization_id,
            case=case,
            token=secrets.token_hex(16),
            name=name,
            content_type=content_type,
            size=size,
            uploaded_by_member=member,
            uploaded_by_contact=contact,
        )
        attachment.file.save(attachment.token, content, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment
