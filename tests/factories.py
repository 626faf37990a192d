"""Small builders for test data. Cases and messages are made through the actions, as the hub
makes them; organisations, members and customers have no actions yet and are created directly."""

from __future__ import annotations

import io
import itertools
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from hub.accounts.models import Member, Organization, Role, Team, User
from hub.customers.models import Contact, Customer
from hub.threads.actions.attachments import do_upload_attachment
from hub.threads.actions.cases import do_create_case
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Attachment, Audience, Case, Message

PASSWORD = "correct horse battery staple"
_serial = itertools.count(1)


def make_org(name: str | None = None, **fields: Any) -> Organization:
    n = next(_serial)
    defaults: dict[str, Any] = {
        "name": name or f"Firma {n} AS",
        "slug": f"firma-{n}",
        "locale": "nb",
        "time_zone": "Europe/Oslo",
        "country": "NO",
    }
    return Organization.objects.create(**{**defaults, **fields})


def make_member(
    organization: Organization,
    role: str = Role.DISPATCHER,
    *,
    handle: str | None = None,
    name: str | None = None,
    user: User | None = None,
) -> Member:
    n = next(_serial)
    handle = handle or f"user{n}"
    if user is None:
        user = User.objects.create_user(username=f"{handle}-{n}", password=PASSWORD)
    return Member.objects.create(
        organization=organization,
        user=user,
        role=role,
        handle=handle,
        display_name=name or handle.capitalize(),
    )


def make_team(organization: Organization, name: str, *members: Member) -> Team:
    team = Team.objects.create(organization=organization, name=name)
    team.members.add(*members)
    return team


def make_customer(organization: Organization, name: str = "Kari Nordmann") -> Customer:
    return Customer.objects.create(
        organization=organization, name=name, street="Storgata 1", postal_code="0155", city="Oslo"
    )


def make_contact(customer: Customer, name: str | None = None, **fields: Any) -> Contact:
    return Contact.objects.create(
        organization_id=customer.organization_id,
        customer=customer,
        name=name or customer.name,
        **{"email": "kunde@example.no", "phone": "+4741234567", **fields},
    )


def make_case(actor: Member, title: str = "Jordfeil i sikringsskapet", **fields: Any) -> Case:
    return do_create_case(actor, title=title, **fields)


def make_customer_case(actor: Member, title: str = "Montering av elbillader") -> Case:
    customer = make_customer(actor.organization)
    contact = make_contact(customer)
    return do_create_case(
        actor, title=title, customer=customer, contact=contact, customer_channel=True
    )


def post(
    actor: Member, case: Case, text: str = "Hei!", audience: str = Audience.INTERNAL
) -> Message:
    message, _created = do_post_message(actor, case, audience=audience, text=text)
    return message


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real, valid PNG image: signature, header, pixels and end, with correct checksums."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\xd0\x20\x30" * width for _row in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def make_attachment(
    actor: Member, case: Case, name: str = "photo.png", content: bytes | None = None
) -> Attachment:
    """An uploaded file on ``case``, not yet attached to a message."""
    data = png_bytes() if content is None else content
    return do_upload_attachment(actor, case, SimpleUploadedFile(name, data))


# Real files, built here so that no binary fixture has to be checked in.


def pdf_bytes() -> bytes:
    """A minimal one-page PDF."""
    return (
        b"%PDF-1.4\n"
        b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def zip_bytes(*entries: tuple[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    """The skeleton of a Word document, in the order Word writes its parts."""
    return zip_bytes(
        ("[Content_Types].xml", "<Types/>"),
        ("_rels/.rels", "<Relationships/>"),
        ("word/document.xml", "<w:document/>"),
    )


def make_upload(name: str = "bilde.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if content is None else content)


class _RolledBack(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a transaction (a savepoint inside a test's) that is then rolled back."""
    with suppress(_RolledBack), transaction.atomic():
        yield
        raise _RolledBack
