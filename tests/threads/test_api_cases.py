"""The case doors: the inbox list, creating a case, its detail, changing it, assigning it."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hub.accounts.models import Member, Organization, Role
from hub.threads.actions.cases import do_assign_case, do_change_status
from hub.threads.actions.messages import do_mark_read
from hub.threads.models import Audience, Case, Event
from tests.conftest import login
from tests.factories import (
    make_case,
    make_contact,
    make_customer,
    make_customer_case,
    make_member,
    make_team,
    post,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


def json_post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type="application/json")


def json_patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(url, data, content_type="application/json")


def listed(client: Client, query: str = "") -> list[int]:
    response = client.get(f"/api/cases{query}")
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    error: dict[str, Any] = response.json()["error"]
    assert error["message"]
    if field is not None:
        assert error["field"] == field
    return error


def cursor_of(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# --- The inbox list ---------------------------------------------------------------------------


def test_a_row_has_the_case_its_unread_count_and_a_preview(
    dispatcher: Member, admin_member: Member
) -> None:
    quiet = make_case(dispatcher, "Bestille kabel")
    case = make_customer_case(dispatcher, "Montering av elbillader")
    first = post(admin_member, case, "Kunden ringte.")
    post(admin_member, case, "Hun vil ha montering på fredag.")
    post(dispatcher, case, "Jeg ringer tilbake.")  # one's own words are never unread

    client = login(dispatcher)
    rows = client.get("/api/cases").json()["results"]
    assert [row["id"] for row in rows] == [case.pk, quiet.pk]
    row = rows[0]
    assert row["reference"] == case.reference
    assert row["title"] == "Montering av elbillader"
    assert row["customer"]["name"] == case.customer.name  # type: ignore[union-attr]
    assert row["unread_count"] == 0  # the dispatcher's own message moved their marker
    assert row["preview"]["text"] == "Jeg ringer tilbake."
    assert row["preview"]["author"] == {
        "kind": "member",
        "id": dispatcher.pk,
        "name": "Kari Nordmann",
    }
    assert rows[1]["preview"] is None
    assert rows[1]["unread_count"] == 0

    admin_rows = login(admin_member).get("/api/cases").json()["results"]
    assert admin_rows[0]["unread_count"] == 1

    colleague = make_member(dispatcher.organization, Role.ADMIN, handle="ola")
    other = login(colleague).get("/api/cases").json()["results"]
    assert other[0]["unread_count"] == 3
    do_mark_read(colleague, case, first.pk)
    assert login(colleague).get("/api/cases").json()["results"][0]["unread_count"] == 2


def test_a_long_message_is_shortened_in_the_preview(
    dispatcher: Member, admin_member: Member
) -> None:
    case = make_case(dispatcher)
    post(admin_member, case, "Første  linje\n\nandre linje " + "ø" * 300)
    preview = login(dispatcher).get("/api/cases").json()["results"][0]["preview"]
    assert preview["text"].startswith("Første linje andre linje ø")
    assert preview["text"].endswith("…")
    assert len(preview["text"]) <= 140


def test_the_case_with_the_latest_activity_comes_first(dispatcher: Member) -> None:
    a = make_case(dispatcher, "A")
    b = make_case(dispatcher, "B")
    c = make_case(dispatcher, "C")
    client = login(dispatcher)
    assert listed(client) == [c.pk, b.pk, a.pk]
    post(dispatcher, a, "Ny melding")
    assert listed(client) == [a.pk, c.pk, b.pk]


def test_filter_by_assignee(dispatcher: Member, technician: Member, org: Organization) -> None:
    team = make_team(org, "Elektro", technician)
    mine = make_case(dispatcher, "Min", assignee_member=dispatcher)
    make_case(dispatcher, "Lars sin", assignee_member=technician)
    make_case(dispatcher, "Teamets", assignee_team=team)
    nobodys = make_case(dispatcher, "Ingens")
    client = login(dispatcher)
    assert listed(client, "?assigned=me") == [mine.pk]
    assert listed(client, "?assigned=unassigned") == [nobodys.pk]
    assert len(listed(client)) == 4
    assert_error(client.get("/api/cases?assigned=someone"), 400, "assigned")


def test_filter_by_team(dispatcher: Member, technician: Member, org: Organization) -> None:
    ours = make_team(org, "Elektro", dispatcher, technician)
    theirs = make_team(org, "Rør", technician)
    in_ours = make_case(dispatcher, "Elektro", assignee_team=ours)
    in_theirs = make_case(dispatcher, "Rør", assignee_team=theirs)
    make_case(dispatcher, "Ingen")
    client = login(dispatcher)
    assert listed(client, f"?team={theirs.pk}") == [in_theirs.pk]
    assert listed(client, f"?team={ours.pk}") == [in_ours.pk]
    assert listed(client, "?team=mine") == [in_ours.pk]
    assert listed(client, "?team=mine&assigned=me") == []
    assert_error(client.get("/api/cases?team=elektro"), 400, "team")


def test_filter_by_status(dispatcher: Member) -> None:
    open_case = make_case(dispatcher, "Åpen")
    pending = do_change_status(dispatcher, make_case(dispatcher, "Venter"), "pending")
    resolved = do_change_status(dispatcher, make_case(dispatcher, "Løst"), "resolved")
    client = login(dispatcher)
    assert listed(client, "?status=open") == [open_case.pk]
    assert listed(client, "?status=open,pending") == [pending.pk, open_case.pk]
    assert listed(client, "?status=resolved") == [resolved.pk]
    assert len(listed(client, "?status=")) == 3
    error = assert_error(client.get("/api/cases?status=open,closed"), 400, "status")
    assert "closed" in error["message"]


def test_filter_by_mentions(dispatcher: Member, admin_member: Member) -> None:
    noted = make_customer_case(dispatcher, "Nevnt i notat")
    told_customer = make_customer_case(dispatcher, "Nevnt til kunden")
    make_case(dispatcher, "Ikke nevnt")
    post(admin_member, noted, "@kari kan du se på dette?")
    post(admin_member, told_customer, "@kari kommer i morgen", audience=Audience.CUSTOMER)
    client = login(dispatcher)
    assert listed(client, "?mentions=1") == [noted.pk]
    assert listed(client, "?mentions=true") == [noted.pk]
    assert listed(login(admin_member), "?mentions=1") == []


def test_filter_by_unread(dispatcher: Member, admin_member: Member) -> None:
    unread = make_case(dispatcher, "Ulest")
    post(admin_member, unread, "Ny info")
    read = make_case(dispatcher, "Lest")
    do_mark_read(dispatcher, read, post(admin_member, read, "Gammel info").pk)
    own = make_case(dispatcher, "Egen")
    post(dispatcher, own, "Notat til meg selv")
    make_case(dispatcher, "Tom")
    client = login(dispatcher)
    assert listed(client, "?unread=1") == [unread.pk]
    assert listed(login(admin_member), "?unread=1") == [own.pk]


def test_search(dispatcher: Member, org: Organization) -> None:
    fault = make_case(dispatcher, "Jordfeil i sikringsskapet")
    customer = make_customer(org, "Bodil Haugen")
    charger = make_case(
        dispatcher,
        "Montering av elbillader",
        customer=customer,
        contact=make_contact(customer),
        external_reference="WO-7781",
    )
    pump = make_case(dispatcher, "Varmepumpe service")
    post(dispatcher, pump, "Husk nøkkelen til bakdøren.")
    number = charger.number
    client = login(dispatcher)

    assert listed(client, "?q=jordfeil") == [fault.pk]
    assert listed(client, f"?q=S-{number}") == [charger.pk]
    assert listed(client, f"?q=s-{number}") == [charger.pk]
    assert listed(client, f"?q={number}") == [charger.pk]
    assert listed(client, "?q=haugen") == [charger.pk]
    assert listed(client, "?q=wo-7781") == [charger.pk]
    assert listed(client, "?q=BAKDOREN") == []
    assert listed(client, "?q=HUSK+nøkkelen") == [pump.pk]
    assert listed(client, "?q=finnes+ikke") == []
    assert listed(client, "?q=%20%20") == [pump.pk, charger.pk, fault.pk]
    # Search narrows the other filters, never widens them.
    do_change_status(dispatcher, pump, "resolved")
    assert listed(client, "?q=bakdøren&status=open") == []


def test_search_ignores_the_case_of_nordic_letters(dispatcher: Member, org: Organization) -> None:
    customer = make_customer(org, "Østlandet Ærfugl Åsen")
    case = make_case(dispatcher, "Ny måler", customer=customer)
    post(dispatcher, case, "Står på TRAPPA.")
    client = login(dispatcher)
    assert listed(client, "?q=østlandet") == [case.pk]
    assert listed(client, "?q=ærfugl") == [case.pk]
    assert listed(client, "?q=åsen") == [case.pk]
    assert listed(client, "?q=NY+MÅLER") == [case.pk]
    assert listed(client, "?q=STÅR") == [case.pk]


def test_pages_follow_the_cursor_without_gaps_or_repeats(dispatcher: Member) -> None:
    cases = [make_case(dispatcher, f"Sak {n}") for n in range(9)]
    # Four cases with the very same last activity: the id breaks the tie.
    same = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    Case.objects.filter(pk__in=[c.pk for c in cases[2:6]]).update(last_activity=same)
    client = login(dispatcher)
    everything = listed(client)
    assert len(everything) == 9

    seen: list[int] = []
    pages = 0
    url = "/api/cases?limit=2"
    while True:
        body = client.get(url).json()
        pages += 1
        seen.extend(row["id"] for row in body["results"])
        if body["next_cursor"] is None:
            break
        assert len(body["results"]) == 2
        url = f"/api/cases?limit=2&cursor={body['next_cursor']}"
        assert pages < 10
    assert pages == 5
    assert seen == everything
    assert len(set(seen)) == 9


def test_a_full_last_page_has_no_cursor(dispatcher: Member) -> None:
    for n in range(3):
        make_case(dispatcher, f"Sak {n}")
    client = login(dispatcher)
    assert client.get("/api/cases?limit=3").json()["next_cursor"] is None
    first = client.get("/api/cases?limit=2").json()
    rest = client.get(f"/api/cases?limit=2&cursor={first['next_cursor']}").json()
    assert len(rest["results"]) == 1
    assert rest["next_cursor"] is None


def test_cursor_pages_keep_the_filters(dispatcher: Member) -> None:
    for n in range(5):
        make_case(dispatcher, f"Sak {n}")
        do_change_status(dispatcher, make_case(dispatcher, f"Løst {n}"), "resolved")
    client = login(dispatcher)
    first = client.get("/api/cases?status=resolved&limit=3").json()
    rest = client.get(f"/api/cases?status=resolved&limit=3&cursor={first['next_cursor']}").json()
    titles = [row["title"] for row in first["results"] + rest["results"]]
    assert titles == [f"Løst {n}" for n in reversed(range(5))]


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("not-a-cursor", id="garbage"),
        pytest.param("%C3%B8", id="not-ascii"),
        pytest.param(cursor_of("2026-03-02T08:30:00+00:00"), id="no-id"),
        pytest.param(cursor_of("2026-03-02T08:30:00+00:00|x"), id="id-not-a-number"),
        pytest.param(cursor_of("2026-03-02T08:30:00|5"), id="no-zone"),
        pytest.param(cursor_of("2026-13-45T08:30:00+00:00|5"), id="no-such-day"),
        pytest.param(cursor_of("yesterday|5"), id="not-a-time"),
    ],
)
def test_a_bad_cursor_is_refused(dispatcher: Member, cursor: str) -> None:
    make_case(dispatcher)
    assert_error(login(dispatcher).get(f"/api/cases?cursor={cursor}"), 400, "cursor")


def test_a_cursor_at_the_edge_of_time_is_no_server_error(dispatcher: Member) -> None:
    make_case(dispatcher)
    cursor = cursor_of("0001-01-01T00:00:00+05:00|5")
    response = login(dispatcher).get(f"/api/cases?cursor={cursor}")
    if response.status_code == 200:
        assert response.json() == {"results": [], "next_cursor": None}
    else:
        assert_error(response, 400, "cursor")


@pytest.mark.parametrize("limit", ["abc", "-1", "1.5"])
def test_a_bad_limit_is_refused(dispatcher: Member, limit: str) -> None:
    assert_error(login(dispatcher).get(f"/api/cases?limit={limit}"), 400, "limit")


def test_unread_counts_of_a_page_cost_one_query_whatever_its_size(
    org: Organization, dispatcher: Member, admin_member: Member, technician: Member
) -> None:
    team = make_team(org, "Elektro", technician)
    expected: dict[int, int] = {}
    for n in range(30):
        if n % 3 == 0:
            case = make_customer_case(dispatcher, f"Kundesak {n}")
        else:
            case = make_case(dispatcher, f"Sak {n}", assignee_team=team if n % 2 else None)
        first = post(admin_member, case, f"Første melding {n}")
        post(technician, case, f"Andre melding {n}")
        if n % 4 == 0:
            do_mark_read(dispatcher, case, first.pk)
            expected[case.pk] = 1
        elif n % 5 == 0:
            post(dispatcher, case, "Sett.")
            expected[case.pk] = 0
        else:
            expected[case.pk] = 2

    client = login(dispatcher)
    client.get("/api/cases?limit=1")  # the session's first use is not what we measure

    def measure(limit: int) -> tuple[int, list[dict[str, Any]]]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/cases?limit={limit}")
        assert response.status_code == 200
        rows: list[dict[str, Any]] = response.json()["results"]
        return len(queries), rows

    small, three = measure(3)
    large, thirty = measure(30)
    assert len(three) == 3
    assert len(thirty) == 30
    assert small == large
    assert large <= 5  # session, user, member, the page
    assert {row["id"]: row["unread_count"] for row in thirty} == expected
    assert all(row["preview"] is not None for row in thirty)


# --- Creating a case --------------------------------------------------------------------------


def test_create_a_customer_case(dispatcher: Member, org: Organization) -> None:
    customer = make_customer(org, "Bodil Haugen")
    contact = make_contact(customer, "Bodil Haugen", email="bodil@example.no")
    response = json_post(
        login(dispatcher),
        "/api/cases",
        {
            "title": "  Montering av elbillader  ",
            "customer": customer.pk,
            "contact": contact.pk,
            "priority": "high",
            "deadline": "2026-10-06T07:00:00+02:00",
            "customer_channel": True,
            "portal_visible": True,
            "external_reference": " WO-1 ",
        },
    )
    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert body["reference"] == case.reference
    assert body["title"] == "Montering av elbillader"
    assert body["customer"] == {"id": customer.pk, "name": "Bodil Haugen"}
    assert body["contact"] == {
        "id": contact.pk,
        "name": "Bodil Haugen",
        "email": "bodil@example.no",
        "phone": "+4741234567",
        "portal_locked": False,
    }
    assert body["priority"] == "high"
    assert body["status"] == "open"
    assert datetime.fromisoformat(body["deadline"]) == datetime(2026, 10, 6, 5, tzinfo=UTC)
    assert body["customer_channel"] is True
    assert body["portal_visible"] is True
    assert body["external_reference"] == "WO-1"
    assert body["assignee"] is None
    assert body["last_message_id"] is None
    assert case.created_by == dispatcher


def test_create_an_internal_case(dispatcher: Member, technician: Member) -> None:
    response = json_post(
        login(dispatcher),
        "/api/cases",
        {"title": "Bestille kabel", "assignee_member": technician.pk},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["customer"] is None
    assert body["contact"] is None
    assert body["customer_channel"] is False
    assert body["priority"] == "normal"
    assert body["assignee"] == {"kind": "member", "id": technician.pk, "name": "Lars Berg"}


def test_create_a_case_for_a_team(dispatcher: Member, org: Organization) -> None:
    team = make_team(org, "Elektro")
    response = json_post(
        login(dispatcher), "/api/cases", {"title": "Service", "assignee_team": team.pk}
    )
    assert response.status_code == 201
    assert response.json()["assignee"] == {"kind": "team", "id": team.pk, "name": "Elektro"}


def test_a_technician_creates_cases_for_themselves(technician: Member, org: Organization) -> None:
    client = login(technician)
    response = json_post(client, "/api/cases", {"title": "Fant en feil"})
    assert response.status_code == 201
    assert response.json()["assignee"] == {
        "kind": "member",
        "id": technician.pk,
        "name": "Lars Berg",
    }
    assert listed(client) == [response.json()["id"]]

    other = make_member(org, Role.TECHNICIAN, handle="per")
    refused = json_post(client, "/api/cases", {"title": "Til Per", "assignee_member": other.pk})
    assert_error(refused, 403)
    team = make_team(org, "Elektro", technician)
    refused = json_post(client, "/api/cases", {"title": "Til teamet", "assignee_team": team.pk})
    assert_error(refused, 403)
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 400, "title"),
        ({"title": "   "}, 400, "title"),
        ({"title": 5}, 400, "title"),
        ({"title": "Sak", "priority": "whenever"}, 400, "priority"),
        ({"title": "Sak", "deadline": "tomorrow"}, 400, "deadline"),
        ({"title": "Sak", "deadline": "2026-10-06T07:00:00"}, 400, "deadline"),
        ({"title": "Sak", "deadline": 1760000000}, 400, "deadline"),
        ({"title": "Sak", "customer_channel": True}, 400, "customer_channel"),
        ({"title": "Sak", "customer_channel": "yes"}, 400, "customer_channel"),
        ({"title": "Sak", "portal_visible": 1}, 400, "portal_visible"),
        ({"title": "Sak", "customer": "12"}, 400, "customer"),
        ({"title": "Sak", "customer": True}, 400, "customer"),
        ({"title": "Sak", "customer": 999_999}, 404, "customer"),
        ({"title": "Sak", "contact": 999_999}, 404, "contact"),
        ({"title": "Sak", "assignee_member": 999_999}, 404, "member"),
        ({"title": "Sak", "assignee_team": 999_999}, 404, "team"),
        ({"title": "Sak", "external_reference": ["WO"]}, 400, "external_reference"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(
    dispatcher: Member, body: dict[str, Any], status: int, field: str
) -> None:
    assert_error(json_post(login(dispatcher), "/api/cases", body), status, field)
    assert not Case.objects.exists()


def test_create_refuses_a_contact_of_another_customer(
    dispatcher: Member, org: Organization
) -> None:
    customer = make_customer(org, "Bodil Haugen")
    someone_else = make_contact(make_customer(org, "Per Olsen"))
    response = json_post(
        login(dispatcher),
        "/api/cases",
        {"title": "Sak", "customer": customer.pk, "contact": someone_else.pk},
    )
    assert_error(response, 400, "contact")
    response = json_post(
        login(dispatcher), "/api/cases", {"title": "Sak", "contact": someone_else.pk}
    )
    assert_error(response, 400, "contact")


def test_create_refuses_a_member_and_a_team(
    dispatcher: Member, technician: Member, org: Organization
) -> None:
    team = make_team(org, "Elektro")
    body = {"title": "Sak", "assignee_member": technician.pk, "assignee_team": team.pk}
    assert_error(json_post(login(dispatcher), "/api/cases", body), 400, "assignee")


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"title"'])
def test_create_refuses_a_body_that_is_not_a_json_object(dispatcher: Member, raw: str) -> None:
    response = login(dispatcher).post("/api/cases", raw, content_type="application/json")
    assert assert_error(response, 400)["code"] == "bad_json"


# --- One case ---------------------------------------------------------------------------------


def test_case_detail_with_unread_count_and_who_has_seen_what(
    dispatcher: Member, technician: Member, admin_member: Member
) -> None:
    case = make_customer_case(dispatcher)
    do_assign_case(dispatcher, case, member=technician)
    first = post(admin_member, case, "En")
    second = post(admin_member, case, "To")
    do_mark_read(technician, case, first.pk)

    response = login(dispatcher).get(f"/api/cases/{case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["case"]["id"] == case.pk
    assert body["case"]["assignee"]["id"] == technician.pk
    assert body["case"]["last_message_id"] == second.pk
    assert body["unread_count"] == 2
    markers = [(m["member_id"], m["name"], m["last_read_message_id"]) for m in body["read_markers"]]
    assert markers == [
        (technician.pk, "Lars Berg", first.pk),
        (admin_member.pk, "Ingrid Dahl", second.pk),
    ]
    assert all(datetime.fromisoformat(m["updated"]).tzinfo for m in body["read_markers"])

    technician_view = login(technician).get(f"/api/cases/{case.pk}").json()
    assert technician_view["unread_count"] == 1


def test_case_detail_of_a_case_that_does_not_exist(dispatcher: Member) -> None:
    error = assert_error(login(dispatcher).get("/api/cases/999999"), 404)
    assert error["code"] == "not_found"


def test_change_every_field(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    client = login(dispatcher)
    url = f"/api/cases/{case.pk}"

    body = json_patch(client, url, {"status": "pending", "priority": "urgent"}).json()["case"]
    assert (body["status"], body["priority"]) == ("pending", "urgent")
    body = json_patch(client, url, {"deadline": "2026-10-06T07:00:00+02:00"}).json()["case"]
    assert datetime.fromisoformat(body["deadline"]) == datetime(2026, 10, 6, 5, tzinfo=UTC)
    body = json_patch(client, url, {"deadline": None}).json()["case"]
    assert body["deadline"] is None
    body = json_patch(client, url, {"customer_channel": False, "portal_visible": True}).json()
    assert (body["case"]["customer_channel"], body["case"]["portal_visible"]) == (False, True)
    assert json_patch(client, url, {}).json()["case"]["status"] == "pending"

    case.refresh_from_db()
    assert (case.status, case.priority, case.deadline) == ("pending", "urgent", None)
    assert (case.customer_channel, case.portal_visible) == (False, True)
    kinds = list(Event.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))
    assert kinds == [
        "case.created",
        "case.status_changed",
        "case.priority_changed",
        "case.deadline_changed",
        "case.deadline_changed",
        "case.customer_channel",
        "case.portal_visible",
    ]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"title": "Nytt navn"}, 400, "title"),
        ({"status": "pending", "assignee_member": 1}, 400, "assignee_member"),
        ({"status": "done"}, 400, "status"),
        ({"status": None}, 400, "status"),
        ({"priority": "whenever"}, 400, "priority"),
        ({"deadline": "i morgen"}, 400, "deadline"),
        ({"portal_visible": "yes"}, 400, "portal_visible"),
    ],
)
def test_change_refuses_bad_input_naming_the_field(
    dispatcher: Member, body: dict[str, Any], status: int, field: str
) -> None:
    case = make_customer_case(dispatcher)
    assert_error(json_patch(login(dispatcher), f"/api/cases/{case.pk}", body), status, field)
    case.refresh_from_db()
    assert (case.status, case.priority) == ("open", "normal")


def test_an_internal_case_cannot_be_opened_to_the_customer(dispatcher: Member) -> None:
    case = make_case(dispatcher)
    client = login(dispatcher)
    error = assert_error(
        json_patch(client, f"/api/cases/{case.pk}", {"customer_channel": True}),
        409,
        "customer_channel",
    )
    assert error["code"] == "conflict"
    assert_error(
        json_patch(client, f"/api/cases/{case.pk}", {"portal_visible": True}), 409, "portal_visible"
    )


def test_a_technician_may_move_the_status_but_not_manage_the_case(
    dispatcher: Member, technician: Member
) -> None:
    case = make_customer_case(dispatcher)
    do_assign_case(dispatcher, case, member=technician)
    client = login(technician)
    url = f"/api/cases/{case.pk}"
    response = json_patch(client, url, {"status": "resolved"})
    assert response.status_code == 200
    assert response.json()["case"]["status"] == "resolved"
    for change in (
        {"priority": "urgent"},
        {"customer_channel": False},
        {"portal_visible": True},
        {"deadline": "2026-10-06T07:00:00+02:00"},
    ):
        assert assert_error(json_patch(client, url, change), 403)["code"] == "forbidden"
    case.refresh_from_db()
    assert (case.status, case.priority, case.customer_channel) == ("resolved", "normal", True)


# --- Assigning and taking over ----------------------------------------------------------------


def test_assign_to_a_member_a_team_and_nobody(
    dispatcher: Member, technician: Member, org: Organization
) -> None:
    team = make_team(org, "Elektro", technician)
    case = make_case(dispatcher)
    client = login(dispatcher)
    url = f"/api/cases/{case.pk}/assign"

    response = json_post(client, url, {"member": technician.pk})
    assert response.status_code == 200
    assert response.json()["case"]["assignee"] == {
        "kind": "member",
        "id": technician.pk,
        "name": "Lars Berg",
    }
    response = json_post(client, url, {"team": team.pk})
    assert response.json()["case"]["assignee"] == {"kind": "team", "id": team.pk, "name": "Elektro"}
    response = json_post(client, url, {})
    assert response.json()["case"]["assignee"] is None

    case.refresh_from_db()
    assert case.assignee_member is None
    assert case.assignee_team is None
    assigned = Event.objects.filter(case=case, kind="case.assigned").order_by("pk")
    assert [(e.data["member_id"], e.data["team_id"]) for e in assigned] == [
        (technician.pk, None),
        (None, team.pk),
        (None, None),
    ]


def test_assign_to_someone_of_another_organisation_is_not_found(
    dispatcher: Member, other_org: Organization
) -> None:
    stranger = make_member(other_org, handle="sven")
    their_team = make_team(other_org, "Rör", stranger)
    case = make_case(dispatcher)
    client = login(dispatcher)
    url = f"/api/cases/{case.pk}/assign"
    assert_error(json_post(client, url, {"member": stranger.pk}), 404, "member")
    assert_error(json_post(client, url, {"team": their_team.pk}), 404, "team")
    case.refresh_from_db()
    assert case.assignee_member is None
    assert case.assignee_team is None


def test_assign_to_an_inactive_member_is_not_found(dispatcher: Member, org: Organization) -> None:
    gone = make_member(org, Role.TECHNICIAN, handle="gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    case = make_case(dispatcher)
    response = json_post(login(dispatcher), f"/api/cases/{case.pk}/assign", {"member": gone.pk})
    assert_error(response, 404, "member")


def test_assign_refuses_a_member_and_a_team(
    dispatcher: Member, technician: Member, org: Organization
) -> None:
    team = make_team(org, "Elektro")
    case = make_case(dispatcher)
    response = json_post(
        login(dispatcher),
        f"/api/cases/{case.pk}/assign",
        {"member": technician.pk, "team": team.pk},
    )
    assert_error(response, 400, "assignee")


def test_a_technician_may_not_assign(
    dispatcher: Member, technician: Member, org: Organization
) -> None:
    other = make_member(org, Role.TECHNICIAN, handle="per")
    case = make_case(dispatcher, assignee_member=technician)
    response = json_post(login(technician), f"/api/cases/{case.pk}/assign", {"member": other.pk})
    assert assert_error(response, 403)["code"] == "forbidden"
    case.refresh_from_db()
    assert case.assignee_member == technician


def test_a_team_member_takes_over_a_team_case(
    dispatcher: Member, technician: Member, org: Organization
) -> None:
    team = make_team(org, "Elektro", technician)
    case = make_case(dispatcher, assignee_team=team)
    client = login(technician)
    response = json_post(client, f"/api/cases/{case.pk}/take-over", None)
    assert response.status_code == 200
    assert response.json()["case"]["assignee"] == {
        "kind": "member",
        "id": technician.pk,
        "name": "Lars Berg",
    }
    # Again: already theirs, nothing changes.
    response = json_post(client, f"/api/cases/{case.pk}/take-over", None)
    assert response.status_code == 200
    assert Event.objects.filter(case=case, kind="case.taken_over").count() == 1
    assert listed(client, "?assigned=me") == [case.pk]


def test_a_dispatcher_takes_over_any_team_case(dispatcher: Member, org: Organization) -> None:
    team = make_team(org, "Elektro")
    case = make_case(dispatcher, assignee_team=team)
    response = json_post(login(dispatcher), f"/api/cases/{case.pk}/take-over", None)
    assert response.status_code == 200
    assert response.json()["case"]["assignee"]["id"] == dispatcher.pk


def test_only_a_team_case_can_be_taken_over(dispatcher: Member, technician: Member) -> None:
    case = make_case(dispatcher, assignee_member=technician)
    response = json_post(login(dispatcher), f"/api/cases/{case.pk}/take-over", None)
    assert assert_error(response, 409)["code"] == "conflict"
    case.refresh_from_db()
    assert case.assignee_member == technician


def test_events_of_a_case(dispatcher: Member, admin_member: Member) -> None:
    case = make_case(dispatcher)
    post(admin_member, case, "Notat")
    do_change_status(dispatcher, case, "pending")
    response = login(dispatcher).get(f"/api/cases/{case.pk}/events")
    assert response.status_code == 200
    log = response.json()["results"]
    assert [e["kind"] for e in log] == [
        "case.created",
        "message.posted",
        "case.status_changed",
    ]
    assert [e["actor"]["id"] for e in log] == [dispatcher.pk, admin_member.pk, dispatcher.pk]
    assert log[0]["data"] == {"reference": case.reference}
    assert log[2]["data"] == {"before": "open", "after": "pending"}
    assert all(e["label"] for e in log)
