"""The conversation doors: writing, paging through a thread, marking it read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Member
from hub.threads.actions.cases import do_set_customer_channel
from hub.threads.models import Message, ReadMarker
from tests.conftest import login
from tests.factories import make_case, make_customer_case, post

pytestmark = pytest.mark.usefixtures("fast_passwords")


def json_post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type="application/json")


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    error: dict[str, Any] = response.json()["error"]
    assert error["message"]
    if field is not None:
        assert error["field"] == field
    return error


# --- Writing ----------------------------------------------------------------------------------


def test_post_an_internal_note(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    client = login(dispatcher)
    response = json_post(
        client,
        f"/api/cases/{case.pk}/messages",
        {"audience": "internal", "text": "  Husk stige.  ", "client_id": "c-1"},
    )
    assert response.status_code == 201
    body = response.json()
    message = Message.objects.get()
    assert body == {
        "id": message.pk,
        "case_id": case.pk,
        "audience": "internal",
        "direction": "out",
        "channel": "web",
        "author": {"kind": "member", "id": dispatcher.pk, "name": "Kari Nordmann"},
        "text": "Husk stige.",
        "html": "",
        "client_id": "c-1",
        "created": body["created"],
        "edited": None,
        "attachments": [],
        "mentions": [],
        "automatic": False,
        "deliveries": [],
        "read_by_customer": None,
    }
    assert datetime.fromisoformat(body["created"]).tzinfo is not None
    detail = client.get(f"/api/cases/{case.pk}").json()
    assert detail["case"]["last_message_id"] == message.pk
    assert detail["unread_count"] == 0  # writing is reading


def test_post_to_the_customer(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    response = json_post(
        login(dispatcher),
        f"/api/cases/{case.pk}/messages",
        {"audience": "customer", "text": "Vi kommer tirsdag."},
    )
    assert response.status_code == 201
    assert response.json()["audience"] == "customer"


def test_html_is_sanitised(dispatcher: Member) -> None:
    case = make_case(dispatcher)
    html = '<p>Se <a href="javascript:alert(1)" onclick="x()">her</a></p><script>alert(2)</script>'
    response = json_post(
        login(dispatcher),
        f"/api/cases/{case.pk}/messages",
        {"audience": "internal", "text": "Se her", "html": html},
    )
    assert response.status_code == 201
    stored = response.json()["html"]
    assert "<p>" in stored
    assert "script" not in stored
    assert "javascript:" not in stored
    assert "onclick" not in stored


def test_the_same_client_id_again_returns_the_first_message(dispatcher: Member) -> None:
    case = make_case(dispatcher)
    client = login(dispatcher)
    url = f"/api/cases/{case.pk}/messages"
    body = {"audience": "internal", "text": "Kommer 14:00", "client_id": "9f0c2a"}
    first = json_post(client, url, body)
    assert first.status_code == 201
    again = json_post(client, url, body)
    assert again.status_code == 200
    assert again.json() == first.json()
    # A resend with changed text is still the same message: the first one won.
    changed = json_post(client, url, {**body, "text": "Kommer 15:00"})
    assert changed.status_code == 200
    assert changed.json()["id"] == first.json()["id"]
    assert Message.objects.filter(case=case).count() == 1
    assert len(client.get(url).json()["results"]) == 1


def test_client_ids_are_per_author(dispatcher: Member, admin_member: Member) -> None:
    case = make_case(dispatcher)
    url = f"/api/cases/{case.pk}/messages"
    body = {"audience": "internal", "text": "Hei", "client_id": "same"}
    assert json_post(login(dispatcher), url, body).status_code == 201
    assert json_post(login(admin_member), url, body).status_code == 201
    assert Message.objects.filter(case=case).count() == 2


def test_a_client_id_of_another_case_is_a_conflict(dispatcher: Member) -> None:
    first = make_case(dispatcher)
    second = make_case(dispatcher)
    client = login(dispatcher)
    body = {"audience": "internal", "text": "Hei", "client_id": "abc"}
    assert json_post(client, f"/api/cases/{first.pk}/messages", body).status_code == 201
    response = json_post(client, f"/api/cases/{second.pk}/messages", body)
    assert assert_error(response, 409, "client_id")["code"] == "conflict"
    assert not Message.objects.filter(case=second).exists()


def test_a_customer_message_with_the_channel_off_is_refused(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    do_set_customer_channel(dispatcher, case, False)
    client = login(dispatcher)
    url = f"/api/cases/{case.pk}/messages"
    response = json_post(client, url, {"audience": "customer", "text": "Hei!"})
    assert assert_error(response, 409)["code"] == "customer_channel_off"
    assert not Message.objects.filter(case=case).exists()
    # An internal note is fine.
    assert json_post(client, url, {"audience": "internal", "text": "Hei!"}).status_code == 201


def test_an_internal_case_has_no_customer_to_write_to(dispatcher: Member) -> None:
    case = make_case(dispatcher)
    response = json_post(
        login(dispatcher), f"/api/cases/{case.pk}/messages", {"audience": "customer", "text": "Hei"}
    )
    assert assert_error(response, 409)["code"] == "conflict"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "Hei"}, "audience"),
        ({"audience": "everyone", "text": "Hei"}, "audience"),
        ({"audience": "internal"}, "text"),
        ({"audience": "internal", "text": "   "}, "text"),
        ({"audience": "internal", "text": 42}, "text"),
        ({"audience": "internal", "text": "x" * 20_001}, "text"),
        ({"audience": "internal", "text": "Hei", "html": 1}, "html"),
        ({"audience": "internal", "text": "Hei", "client_id": "x" * 65}, "client_id"),
        ({"audience": "internal", "text": "Hei", "client_id": 7}, "client_id"),
        ({"audience": "internal", "text": "Hei", "attachments": "1"}, "attachments"),
        ({"audience": "internal", "text": "Hei", "attachments": [0]}, "attachments"),
        ({"audience": "internal", "text": "Hei", "attachments": [999_999]}, "attachments"),
    ],
)
def test_post_refuses_bad_input_naming_the_field(
    dispatcher: Member, body: dict[str, Any], field: str
) -> None:
    case = make_customer_case(dispatcher)
    response = json_post(login(dispatcher), f"/api/cases/{case.pk}/messages", body)
    assert_error(response, 400, field)
    assert not Message.objects.exists()


def test_a_mention_in_a_note_is_listed_and_shows_the_case_to_the_technician(
    dispatcher: Member, technician: Member
) -> None:
    case = make_case(dispatcher)
    technician_client = login(technician)
    assert technician_client.get(f"/api/cases/{case.pk}").status_code == 404
    response = json_post(
        login(dispatcher),
        f"/api/cases/{case.pk}/messages",
        {"audience": "internal", "text": "@lars kan du ta en titt? Spør @kari om nøkkel."},
    )
    # One's own handle is no mention.
    assert response.json()["mentions"] == [technician.pk]
    assert technician_client.get(f"/api/cases/{case.pk}").status_code == 200
    listed = technician_client.get("/api/cases?mentions=1").json()["results"]
    assert [row["id"] for row in listed] == [case.pk]


def test_a_technician_writes_on_their_own_case(dispatcher: Member, technician: Member) -> None:
    case = make_case(dispatcher, assignee_member=technician)
    response = json_post(
        login(technician),
        f"/api/cases/{case.pk}/messages",
        {"audience": "internal", "text": "Ferdig."},
    )
    assert response.status_code == 201
    assert response.json()["author"]["id"] == technician.pk


# --- Reading the thread -----------------------------------------------------------------------


@pytest.fixture
def thread(dispatcher: Member, admin_member: Member) -> list[Message]:
    case = make_customer_case(dispatcher)
    return [post(admin_member if n % 2 else dispatcher, case, f"Melding {n}") for n in range(7)]


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [message["id"] for message in response.json()["results"]]


def test_the_latest_page_oldest_first(dispatcher: Member, thread: list[Message]) -> None:
    url = f"/api/cases/{thread[0].case_id}/messages"
    client = login(dispatcher)
    everything = client.get(url).json()
    assert [m["id"] for m in everything["results"]] == [m.pk for m in thread]
    assert everything["has_more"] is False
    assert everything["results"][1]["text"] == "Melding 1"

    page = client.get(f"{url}?limit=3").json()
    assert [m["id"] for m in page["results"]] == [m.pk for m in thread[4:]]
    assert page["has_more"] is True


def test_walk_back_with_before(dispatcher: Member, thread: list[Message]) -> None:
    url = f"/api/cases/{thread[0].case_id}/messages"
    client = login(dispatcher)
    seen: list[int] = []
    query = "?limit=3"
    for _page in range(5):
        body = client.get(url + query).json()
        seen = [m["id"] for m in body["results"]] + seen
        if not body["has_more"]:
            break
        query = f"?limit=3&before={body['results'][0]['id']}"
    assert seen == [m.pk for m in thread]
    assert ids(client.get(f"{url}?before={thread[0].pk}")) == []


def test_catch_up_with_after(dispatcher: Member, thread: list[Message]) -> None:
    url = f"/api/cases/{thread[0].case_id}/messages"
    client = login(dispatcher)
    page = client.get(f"{url}?after={thread[1].pk}&limit=3").json()
    assert [m["id"] for m in page["results"]] == [m.pk for m in thread[2:5]]
    assert page["has_more"] is True
    page = client.get(f"{url}?after={thread[4].pk}&limit=3").json()
    assert [m["id"] for m in page["results"]] == [m.pk for m in thread[5:]]
    assert page["has_more"] is False
    assert client.get(f"{url}?after={thread[6].pk}").json() == {"results": [], "has_more": False}


def test_before_and_after_at_once_is_refused(dispatcher: Member, thread: list[Message]) -> None:
    url = f"/api/cases/{thread[0].case_id}/messages"
    response = login(dispatcher).get(f"{url}?before={thread[5].pk}&after={thread[1].pk}")
    assert_error(response, 400, "before")


@pytest.mark.parametrize(
    ("query", "field"),
    [("before=abc", "before"), ("after=-1", "after"), ("limit=lots", "limit")],
)
def test_bad_thread_cursors_are_refused(
    dispatcher: Member, thread: list[Message], query: str, field: str
) -> None:
    url = f"/api/cases/{thread[0].case_id}/messages?{query}"
    assert_error(login(dispatcher).get(url), 400, field)


# --- Marking read -----------------------------------------------------------------------------


def test_mark_read_moves_forward_only(
    dispatcher: Member, admin_member: Member, thread: list[Message]
) -> None:
    case_id = thread[0].case_id
    url = f"/api/cases/{case_id}/read"
    # Ingrid wrote message 5; only message 6 is new to her.
    reader = login(admin_member)
    assert reader.get(f"/api/cases/{case_id}").json()["unread_count"] == 1

    response = json_post(reader, url, {"message_id": thread[6].pk})
    assert response.status_code == 200
    assert response.json() == {"case_id": case_id, "last_read_message_id": thread[6].pk}
    assert reader.get(f"/api/cases/{case_id}").json()["unread_count"] == 0

    response = json_post(reader, url, {"message_id": thread[2].pk})
    assert response.json()["last_read_message_id"] == thread[6].pk  # it was already further
    marker = ReadMarker.objects.get(member=admin_member, case_id=case_id)
    assert marker.last_read_message_id == thread[6].pk

    client = login(dispatcher)
    fresh = make_customer_case(dispatcher)
    messages = [post(admin_member, fresh, f"Ny {n}") for n in range(3)]
    fresh_url = f"/api/cases/{fresh.pk}/read"
    assert client.get(f"/api/cases/{fresh.pk}").json()["unread_count"] == 3
    assert json_post(client, fresh_url, {"message_id": messages[1].pk}).status_code == 200
    assert client.get(f"/api/cases/{fresh.pk}").json()["unread_count"] == 1
    back = json_post(client, fresh_url, {"message_id": messages[0].pk})
    assert back.json()["last_read_message_id"] == messages[1].pk
    assert client.get(f"/api/cases/{fresh.pk}").json()["unread_count"] == 1
    json_post(client, fresh_url, {"message_id": messages[2].pk})
    assert client.get(f"/api/cases/{fresh.pk}").json()["unread_count"] == 0


def test_mark_read_with_a_message_of_another_case_is_refused(
    dispatcher: Member, thread: list[Message]
) -> None:
    other = make_case(dispatcher)
    response = json_post(
        login(dispatcher), f"/api/cases/{other.pk}/read", {"message_id": thread[3].pk}
    )
    assert_error(response, 400, "message_id")
    assert not ReadMarker.objects.filter(case=other, member=dispatcher).exists()


@pytest.mark.parametrize(
    "body", [{}, {"message_id": "12"}, {"message_id": 0}, {"message_id": None}]
)
def test_mark_read_needs_a_message_id(
    dispatcher: Member, thread: list[Message], body: dict[str, Any]
) -> None:
    response = json_post(login(dispatcher), f"/api/cases/{thread[0].case_id}/read", body)
    assert_error(response, 400, "message_id")
