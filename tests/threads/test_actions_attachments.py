"""Files on a case: uploaded (checked by content, stored under the hub's own name), then
carried by the message they were uploaded for."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django import Settings

from hub.accounts.models import Member, Organization
from hub.errors import HubError, TooLarge, UnsupportedType
from hub.events import Group, case_group, inbox_group, member_group, portal_case_group
from hub.threads.actions.attachments import do_upload_attachment
from hub.threads.actions.messages import do_post_message, do_receive_customer_message
from hub.threads.models import Attachment, Audience, Case, Channel, Event, EventKind, Message
from hub.threads.payloads import attachment_payload
from tests.events import Recorder, recording
from tests.factories import (
    docx_bytes,
    make_attachment,
    make_case,
    make_contact,
    make_customer,
    make_upload,
    pdf_bytes,
    png_bytes,
    zip_bytes,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

Published = Callable[..., AbstractContextManager[Recorder]]
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def published(django_capture_on_commit_callbacks: Callable[..., Any]) -> Published:
    @contextmanager
    def capture(*groups: Group) -> Iterator[Recorder]:
        with (
            recording(*groups, settle=0.05) as recorder,
            django_capture_on_commit_callbacks(execute=True),
        ):
            yield recorder

    return capture


@pytest.fixture
def case(dispatcher: Member, org: Organization) -> Case:
    customer = make_customer(org)
    return make_case(
        dispatcher,
        customer=customer,
        contact=make_contact(customer),
        customer_channel=True,
        portal_visible=True,
    )


@pytest.fixture
def media(settings: Settings) -> Path:
    return Path(settings.MEDIA_ROOT)


def stored_files(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file())


def all_groups(case: Case, *members: Member) -> list[Group]:
    org = case.organization_id
    return [
        inbox_group(org),
        case_group(org, case.pk),
        portal_case_group(org, case.pk),
        *(member_group(org, member.pk) for member in members),
    ]


# -- do_upload_attachment ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("skap.png", png_bytes(), "image/png"),
        ("faktura.pdf", pdf_bytes(), "application/pdf"),
        ("notat.txt", "Sikring 3 løser ut ved last.\n".encode(), "text/plain"),
        (
            "tilbud.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_upload_stores_the_file_under_the_hubs_name(
    dispatcher: Member,
    case: Case,
    media: Path,
    published: Published,
    name: str,
    content: bytes,
    content_type: str,
) -> None:
    with published(*all_groups(case, dispatcher)) as recorder:
        attachment = do_upload_attachment(dispatcher, case, SimpleUploadedFile(name, content))

    row = Attachment.objects.get()
    assert row.pk == attachment.pk
    assert (row.organization_id, row.case_id, row.message_id) == (
        case.organization_id,
        case.pk,
        None,
    )
    assert (row.name, row.content_type, row.size) == (name, content_type, len(content))
    assert (row.uploaded_by_member, row.uploaded_by_contact) == (dispatcher, None)
    assert len(row.token) == 32
    assert row.file.name == f"attachments/{case.organization_id}/{case.pk}/{row.token}"
    assert stored_files(media) == [media / row.file.name]
    assert (media / row.file.name).read_bytes() == content
    # An upload alone is not news: the message that carries it is.
    assert recorder.all == []
    assert not Event.objects.exclude(kind=EventKind.CASE_CREATED).exists()


def test_each_upload_gets_its_own_token(dispatcher: Member, case: Case, media: Path) -> None:
    first = make_attachment(dispatcher, case, "bilde.png")
    second = make_attachment(dispatcher, case, "bilde.png")
    assert first.token != second.token
    assert first.file.name != second.file.name
    assert len(stored_files(media)) == 2


@pytest.mark.parametrize(
    ("uploaded_as", "name"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("..\\..\\..\\Windows\\skap.png", "skap.png"),
        ("/var/www/html/skap.png", "skap.png"),
        ("skap\x00.png", "skap.png"),
    ],
)
def test_a_path_in_the_name_goes_nowhere(
    dispatcher: Member, case: Case, media: Path, tmp_path: Path, uploaded_as: str, name: str
) -> None:
    upload = make_upload("bilde.png")
    # Past Django's own basename(), as another door (an e-mail gateway) may hand it over.
    upload.__dict__["_name"] = uploaded_as
    assert upload.name == uploaded_as
    attachment = do_upload_attachment(dispatcher, case, upload)
    assert attachment.name == name
    [path] = stored_files(media)
    assert (
        path == media / "attachments" / str(case.organization_id) / str(case.pk) / attachment.token
    )
    assert path.resolve().is_relative_to(media.resolve())
    assert not (tmp_path / "etc").exists()


def test_a_file_over_the_limit_is_refused(
    dispatcher: Member, case: Case, media: Path, settings: Settings
) -> None:
    content = png_bytes()
    settings.HUB_UPLOAD_MAX_BYTES = len(content) - 1
    with pytest.raises(TooLarge, match="the limit is") as caught:
        do_upload_attachment(dispatcher, case, make_upload("skap.png", content))
    assert caught.value.field == "file"
    assert not Attachment.objects.exists()
    assert stored_files(media) == []

    settings.HUB_UPLOAD_MAX_BYTES = len(content)
    assert do_upload_attachment(dispatcher, case, make_upload("skap.png", content)).size == len(
        content
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bilde.jpg", ELF),
        ("faktura.pdf", ELF),
        ("faktura.pdf", EXE),
        ("bilde.jpg", HTML),
        ("notat.txt", HTML),
        ("faktura.pdf", zip_bytes(("faktura.exe", "MZ"))),
        ("bilde.jpg", png_bytes()),
        ("faktura.pdf", docx_bytes()),
        ("tom.txt", b""),
    ],
)
def test_a_disguised_or_empty_file_is_refused(
    dispatcher: Member, case: Case, media: Path, name: str, content: bytes
) -> None:
    with pytest.raises(UnsupportedType) as caught:
        do_upload_attachment(dispatcher, case, SimpleUploadedFile(name, content))
    assert caught.value.field == "file"
    assert caught.value.status == 415
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


# -- carried by a message ----------------------------------------------------------------------


def test_a_message_carries_its_files(dispatcher: Member, case: Case, published: Published) -> None:
    photo = make_attachment(dispatcher, case, "skap.png")
    invoice = make_attachment(dispatcher, case, "faktura.pdf", pdf_bytes())
    groups = all_groups(case)
    with published(*groups) as recorder:
        message, created = do_post_message(
            dispatcher,
            case,
            audience=Audience.CUSTOMER,
            text="Bilde og faktura vedlagt.",
            attachments=[photo, invoice],
        )
    assert created is True
    assert set(Attachment.objects.values_list("message_id", flat=True)) == {message.pk}
    event = Event.objects.get(kind=EventKind.MESSAGE_POSTED)
    assert event.data == {
        "message_id": message.pk,
        "audience": "customer",
        "files": ["skap.png", "faktura.pdf"],
    }
    photo.refresh_from_db()
    invoice.refresh_from_db()
    expected = [attachment_payload(photo), attachment_payload(invoice)]
    assert expected[0]["content_type"] == "image/png"
    assert expected[1]["url"] == f"/api/attachments/{invoice.pk}"
    for group in groups:
        [published_event] = [e for e in recorder.of(group) if e["type"] == "message.created"]
        assert sorted(published_event["message"]["attachments"], key=lambda a: a["id"]) == expected


def test_a_customer_message_carries_its_files(
    dispatcher: Member, case: Case, published: Published
) -> None:
    assert case.contact is not None
    photo = make_attachment(dispatcher, case, "skade.png")
    with published(*all_groups(case)) as recorder:
        message, _created = do_receive_customer_message(
            case, case.contact, text="Se bildet", channel=Channel.PORTAL, attachments=[photo]
        )
    photo.refresh_from_db()
    assert photo.message_id == message.pk
    assert Event.objects.get(kind=EventKind.MESSAGE_POSTED).data["files"] == ["skade.png"]
    [event] = recorder.of(portal_case_group(case.organization_id, case.pk))
    assert [a["id"] for a in event["message"]["attachments"]] == [photo.pk]


def test_a_file_of_another_case_cannot_be_attached(dispatcher: Member, case: Case) -> None:
    elsewhere = make_attachment(dispatcher, make_case(dispatcher, "Annen sak"), "skap.png")
    with pytest.raises(HubError, match="cannot be attached to this message") as caught:
        do_post_message(
            dispatcher, case, audience=Audience.INTERNAL, text="Hei", attachments=[elsewhere]
        )
    assert caught.value.field == "attachments"
    assert not Message.objects.exists()
    elsewhere.refresh_from_db()
    assert elsewhere.message_id is None


def test_a_file_is_carried_by_one_message_only(dispatcher: Member, case: Case) -> None:
    photo = make_attachment(dispatcher, case, "skap.png")
    first, _created = do_post_message(
        dispatcher, case, audience=Audience.INTERNAL, text="Første", attachments=[photo]
    )
    photo.refresh_from_db()
    with pytest.raises(HubError, match="cannot be attached"):
        do_post_message(
            dispatcher, case, audience=Audience.INTERNAL, text="Andre", attachments=[photo]
        )
    photo.refresh_from_db()
    assert photo.message_id == first.pk
    assert Message.objects.count() == 1


def test_a_refused_message_leaves_its_files_unattached(dispatcher: Member) -> None:
    internal = make_case(dispatcher, "Intern")
    photo = make_attachment(dispatcher, internal, "skap.png")
    with pytest.raises(HubError):
        do_post_message(
            dispatcher, internal, audience=Audience.CUSTOMER, text="Hei", attachments=[photo]
        )
    photo.refresh_from_db()
    assert photo.message_id is None
