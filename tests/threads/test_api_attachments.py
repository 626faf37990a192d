"""Files on a case: upload, attach to a message, download; and what is refused."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django import Settings

from hub.accounts.models import Member
from hub.threads.models import Attachment, Case, Message
from tests.conftest import login
from tests.factories import make_attachment, make_case, make_customer_case, png_bytes

pytestmark = pytest.mark.usefixtures("fast_passwords")

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(client: Client, case: Case, name: str, content: bytes, **fields: Any) -> Any:
    return client.post(
        f"/api/cases/{case.pk}/attachments",
        {"file": SimpleUploadedFile(name, content, content_type="image/jpeg"), **fields},
    )


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    error: dict[str, Any] = response.json()["error"]
    assert error["message"]
    if field is not None:
        assert error["field"] == field
    return error


def download(client: Client, url: str) -> tuple[Any, bytes]:
    """The file at ``url``, read whole and closed."""
    response: Any = client.get(url)
    assert response.status_code == 200, response
    content = b"".join(response.streaming_content)
    response.close()
    return response, content


@pytest.fixture
def case(dispatcher: Member) -> Case:
    return make_customer_case(dispatcher)


@pytest.fixture
def english(dispatcher: Member) -> Member:
    """Kari reads the hub in English, so a message's wording can be checked here."""
    dispatcher.user.language = "en"
    dispatcher.user.save(update_fields=["language"])
    return dispatcher


def test_upload_attach_and_download_a_photo(dispatcher: Member, case: Case) -> None:
    client = login(dispatcher)
    image = png_bytes(3, 2)
    # The browser's Content-Type ("image/jpeg" here) is not believed: the bytes are.
    response = upload(client, case, "Sikringsskap.png", image)
    assert response.status_code == 201
    body = response.json()
    attachment = Attachment.objects.get()
    assert body == {
        "id": attachment.pk,
        "name": "Sikringsskap.png",
        "content_type": "image/png",
        "size": len(image),
        "url": f"/api/attachments/{attachment.pk}",
    }
    assert attachment.message is None
    assert attachment.uploaded_by_member == dispatcher
    # Stored under the hub's own name, not the uploader's.
    assert Path(attachment.file.path).name == attachment.token
    assert client.get(f"/api/cases/{case.pk}/attachments").json() == {"results": [body]}

    posted = client.post(
        f"/api/cases/{case.pk}/messages",
        {"audience": "internal", "text": "Se bildet.", "attachments": [attachment.pk]},
        content_type="application/json",
    )
    assert posted.status_code == 201
    assert posted.json()["attachments"] == [body]
    attachment.refresh_from_db()
    assert attachment.message_id == posted.json()["id"]
    thread = client.get(f"/api/cases/{case.pk}/messages").json()["results"]
    assert thread[-1]["attachments"] == [body]


def test_download_a_photo(dispatcher: Member, case: Case) -> None:
    image = png_bytes(3, 2)
    attachment = make_attachment(dispatcher, case, "Sikringsskap.png", image)
    response, content = download(login(dispatcher), f"/api/attachments/{attachment.pk}")
    assert content == image
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_text_file_is_text(dispatcher: Member, case: Case) -> None:
    text = "Målt 231 V mellom fase og null.\n".encode()
    body = upload(login(dispatcher), case, "måling.txt", text).json()
    assert body["content_type"] == "text/plain"
    assert body["size"] == len(text)


def test_a_document_downloads_as_an_attachment(dispatcher: Member, case: Case) -> None:
    client = login(dispatcher)
    text = "Målt 231 V mellom fase og null.\n".encode()
    body = upload(client, case, "måling.txt", text).json()
    response, content = download(client, body["url"])
    assert content == text
    assert response["Content-Type"].startswith("text/plain")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")


def test_the_uploader_path_is_dropped_from_the_name(dispatcher: Member, case: Case) -> None:
    response = upload(login(dispatcher), case, "..\\..\\C:\\Users\\kari\\bilde.png", png_bytes())
    assert response.status_code == 201
    assert response.json()["name"] == "bilde.png"


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    english: Member, case: Case, settings: Settings
) -> None:
    settings.HUB_UPLOAD_MAX_BYTES = 1024 * 1024
    big = png_bytes() + b"\x00" * (2 * 1024 * 1024)
    error = assert_error(upload(login(english), case, "stor.png", big), 413, "file")
    assert error["code"] == "too_large"
    assert "1 MB" in error["message"]
    assert not Attachment.objects.exists()


def test_a_file_just_over_the_limit_is_refused(
    english: Member, case: Case, settings: Settings
) -> None:
    settings.HUB_UPLOAD_MAX_BYTES = 1024 * 1024
    big = png_bytes() + b"\x00" * (1024 * 1024)
    error = assert_error(upload(login(english), case, "stor.png", big), 413, "file")
    assert error["code"] == "too_large"
    assert not Attachment.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*"))


@pytest.mark.parametrize(
    ("limit", "size"),
    [(1024 * 1024, 1024 * 1024 + 20_000), (200_000, 250_000)],
    ids=["just-over-1-MB", "limit-under-1-MB"],
)
def test_the_size_message_tells_the_file_from_the_limit(
    english: Member, case: Case, settings: Settings, limit: int, size: int
) -> None:
    settings.HUB_UPLOAD_MAX_BYTES = limit
    big = png_bytes() + b"\x00" * (size - len(png_bytes()))
    error = assert_error(upload(login(english), case, "stor.png", big), 413, "file")
    numbers = re.findall(r"\d+(?:\.\d+)?", error["message"])
    assert "0" not in numbers
    assert len(set(numbers)) == len(numbers)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("photo.jpg", HTML, id="html-named-jpg"),
        pytest.param("photo.jpg", ELF, id="program-named-jpg"),
        pytest.param("faktura.pdf", ELF, id="program-named-pdf"),
        pytest.param("rapport.pdf", png_bytes(), id="png-named-pdf"),
        pytest.param("notat.txt", HTML, id="html-named-txt"),
        pytest.param("install.sh", b"#!/bin/sh\nrm -rf /\n", id="script"),
        pytest.param("tom.png", b"", id="empty"),
    ],
)
def test_a_disguised_or_unwanted_type_is_refused(
    dispatcher: Member, case: Case, name: str, content: bytes
) -> None:
    error = assert_error(upload(login(dispatcher), case, name, content), 415, "file")
    assert error["code"] == "unsupported_type"
    assert not Attachment.objects.exists()


def test_an_upload_needs_the_file_field(dispatcher: Member, case: Case) -> None:
    client = login(dispatcher)
    url = f"/api/cases/{case.pk}/attachments"
    wrong_field = {"photo": SimpleUploadedFile("a.png", png_bytes())}
    assert_error(client.post(url, wrong_field), 400, "file")
    assert_error(client.post(url, {"note": "ingen fil"}), 400, "file")
    assert_error(client.post(url, {}, content_type="application/json"), 400, "file")
    assert not Attachment.objects.exists()


def test_someone_elses_upload_cannot_be_attached(
    dispatcher: Member, admin_member: Member, case: Case
) -> None:
    theirs = make_attachment(admin_member, case)
    response = login(dispatcher).post(
        f"/api/cases/{case.pk}/messages",
        {"audience": "internal", "text": "Se vedlegg", "attachments": [theirs.pk]},
        content_type="application/json",
    )
    assert_error(response, 400, "attachments")
    assert not Message.objects.exists()
    theirs.refresh_from_db()
    assert theirs.message is None


def test_an_upload_of_another_case_cannot_be_attached(dispatcher: Member, case: Case) -> None:
    elsewhere = make_attachment(dispatcher, make_case(dispatcher))
    response = login(dispatcher).post(
        f"/api/cases/{case.pk}/messages",
        {"audience": "internal", "text": "Se vedlegg", "attachments": [elsewhere.pk]},
        content_type="application/json",
    )
    assert_error(response, 400, "attachments")


def test_a_file_is_attached_to_one_message_only(dispatcher: Member, case: Case) -> None:
    attachment = make_attachment(dispatcher, case)
    client = login(dispatcher)
    url = f"/api/cases/{case.pk}/messages"
    body = {"audience": "internal", "text": "Vedlegg", "attachments": [attachment.pk]}
    assert client.post(url, body, content_type="application/json").status_code == 201
    again = client.post(url, {**body, "text": "Igjen"}, content_type="application/json")
    assert_error(again, 400, "attachments")
    assert Message.objects.count() == 1


def test_a_resent_message_with_a_file_returns_the_first(dispatcher: Member, case: Case) -> None:
    attachment = make_attachment(dispatcher, case)
    client = login(dispatcher)
    url = f"/api/cases/{case.pk}/messages"
    body = {
        "audience": "internal",
        "text": "Bilde",
        "client_id": "resend-1",
        "attachments": [attachment.pk],
    }
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 201
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 200
    assert again.json() == first.json()


def test_a_technician_uploads_on_their_case(dispatcher: Member, technician: Member) -> None:
    case = make_case(dispatcher, assignee_member=technician)
    response = upload(login(technician), case, "foto.png", png_bytes())
    assert response.status_code == 201
    assert Attachment.objects.get().uploaded_by_member == technician


def test_a_technician_downloads_from_their_case(dispatcher: Member, technician: Member) -> None:
    case = make_case(dispatcher, assignee_member=technician)
    attachment = make_attachment(dispatcher, case)
    _response, content = download(login(technician), f"/api/attachments/{attachment.pk}")
    assert content == png_bytes()


def test_a_missing_attachment_is_not_found(dispatcher: Member) -> None:
    error = assert_error(login(dispatcher).get("/api/attachments/999999"), 404)
    assert error["code"] == "not_found"
