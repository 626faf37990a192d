"""Files through the doors: an upload taken from a request, a stored file given back. The staff
doors and the customer portal share them, so both refuse and serve files the same way."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _

from hub.errors import HubError, TooLarge
from hub.sizes import format_limit

# Room for the multipart boundary and headers around a file of the largest allowed size.
MULTIPART_SLACK = 64 * 1024


def received_file(request: HttpRequest) -> UploadedFile[bytes]:
    """The file of a multipart upload (field ``file``). A declared size over the hub's limit is
    refused before the body is read: a huge upload costs us nothing."""
    limit = settings.HUB_UPLOAD_MAX_BYTES
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > limit + MULTIPART_SLACK:
        raise TooLarge(
            _("The file is larger than the limit of %(limit)s.") % {"limit": format_limit(limit)},
            field="file",
        )
    upload = request.FILES.get("file")
    if upload is None:
        raise HubError(_("Send the file as multipart form data in the field “file”."), field="file")
    return upload


def stored_file_response(file: FieldFile, name: str, content_type: str) -> FileResponse:
    """Images open in the browser, anything else downloads; the answer may never run as a page
    of ours (sandboxed, no sniffing), whatever the file holds."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=not content_type.startswith("image/"),
        filename=name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
