"""Nobody sees what is not theirs: another organisation's cases do not exist for a member, and a
technician's inbox holds only their own work. "Not found", never "forbidden": the answer for a
hidden case is the answer for a case that does not exist."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hub.accounts.models import Member, Organization, Role
from hub.threads.actions.cases import do_set_portal_visible
from hub.threads.models import Attachment, Audience, Case, Event, Message, ReadMarker
from tests.conftest import login
from tests.factories import (
    make_attachment,
    make_case,
    make_contact,
    make_customer,
    make_member,
    make_team,
    png_bytes,
    post,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


@dataclass(frozen=True)
class Target:
    """A case someone may not see, with a message and an unattached file on it."""

    case: Case
    message: Message
    attachment: Attachment


def make_target(author: Member, title: str, **fields: Any) -> Target:
    case = make_case(author, title, **fields)
    message = post(author, case, f"Hemmelig notat om {title}")
    return Target(case, message, make_attachment(author, case))


# Every door that reaches into one case or file: (id, method, path, body).
DOORS: list[tuple[str, str, str, Any]] = [
    ("case", "GET", "/api/cases/{case}", None),
    ("change", "PATCH", "/api/cases/{case}", {"status": "resolved"}),
    ("assign", "POST", "/api/cases/{case}/assign", {}),
    ("take-over", "POST", "/api/cases/{case}/take-over", None),
    ("messages", "GET", "/api/cases/{case}/messages", None),
    ("post", "POST", "/api/cases/{case}/messages", {"audience": "internal", "text": "Hei"}),
    ("read", "POST", "/api/cases/{case}/read", {"message_id": "{message}"}),
    ("edit", "PATCH", "/api/cases/{case}/messages/{message}", {"text": "Endret"}),
    ("events", "GET", "/api/cases/{case}/events", None),
    ("attachments", "GET", "/api/cases/{case}/attachments", None),
    ("upload", "POST", "/api/cases/{case}/attachments", "upload"),
    ("download", "GET", "/api/attachments/{attachment}", None),
]


def knock(client: Client, door: tuple[str, str, str, Any], target: Target) -> Any:
    _name, method, path, body = door
    url = path.format(
        case=target.case.pk, attachment=target.attachment.pk, message=target.message.pk
    )
    if body == "upload":
        return client.post(url, {"file": SimpleUploadedFile("bilde.png", png_bytes())})
    if body is None:
        return client.generic(method, url)
    if body.get("message_id") == "{message}":
        body = {"message_id": target.message.pk}
    return client.generic(method, url, json.dumps(body), "application/json")


def state(target: Target) -> tuple[Any, ...]:
    """Everything a door could change on the target's case."""
    case = Case.objects.get(pk=target.case.pk)
    return (
        case.status,
        case.assignee_member_id,
        case.assignee_team_id,
        list(Message.objects.filter(case=case).values_list("pk", flat=True)),
        list(Attachment.objects.filter(case=case).values_list("pk", "message_id")),
        list(ReadMarker.objects.filter(case=case).values_list("member_id", "last_read_message_id")),
        Event.objects.filter(case=case).count(),
    )


def nowhere() -> Target:
    """Ids nothing has."""
    return Target(Case(pk=999_999), Message(pk=999_999), Attachment(pk=999_999))


def door_params() -> list[Any]:
    return [pytest.param(door, id=door[0]) for door in DOORS]


# --- Another organisation ---------------------------------------------------------------------


@pytest.fixture
def theirs(other_org: Organization) -> Target:
    """A case of the Swedish firm, given to a team there."""
    boss = make_member(other_org, Role.DISPATCHER, handle="sven", name="Sven Svensson")
    team = make_team(other_org, "Rör", boss)
    customer = make_customer(other_org, "Astrid Lindqvist")
    return make_target(
        boss,
        "Läckande varmvattenberedare",
        customer=customer,
        contact=make_contact(customer, phone="+46701234567"),
        assignee_team=team,
    )


@pytest.mark.parametrize("door", door_params())
def test_another_organisations_case_is_not_found(
    dispatcher: Member, theirs: Target, door: tuple[str, str, str, Any]
) -> None:
    client = login(dispatcher)
    before = state(theirs)
    response = knock(client, door, theirs)
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "not_found"
    # Exactly what a case that does not exist answers: nothing is learnt.
    assert knock(client, door, nowhere()).json() == response.json()
    assert state(theirs) == before


@pytest.mark.parametrize("role", [Role.ADMIN, Role.DISPATCHER, Role.TECHNICIAN])
def test_another_organisations_cases_are_never_listed(
    org: Organization, theirs: Target, role: str
) -> None:
    member = make_member(org, role, handle="meg")
    mine = make_case(member, "Vår sak", assignee_member=member)
    post(member, mine, "Vår melding")
    client = login(member)
    theirs_case = theirs.case
    queries = [
        "",
        "?q=Läckande",
        "?q=varmvattenberedare",
        "?q=Astrid",
        "?q=Hemmelig",
        f"?q={theirs_case.reference}",
        f"?q={theirs_case.number}",
        "?status=open",
        "?assigned=unassigned",
        f"?team={theirs_case.assignee_team_id}",
        "?unread=1",
        "?mentions=1",
    ]
    for query in queries:
        response = client.get(f"/api/cases{query}")
        assert response.status_code == 200
        found = [row["id"] for row in response.json()["results"]]
        assert theirs_case.pk not in found, query
    # Both organisations number from 1001: "S-1001" finds ours only.
    assert mine.number == theirs_case.number
    numbered = client.get(f"/api/cases?q={theirs_case.number}").json()["results"]
    assert [row["id"] for row in numbered] == [mine.pk]


def test_another_organisations_rows_cannot_be_used_in_ours(
    org: Organization, dispatcher: Member, theirs: Target
) -> None:
    mine = make_case(dispatcher, "Vår sak")
    before = state(theirs)
    their_case = Case.objects.select_related("customer", "contact").get(pk=theirs.case.pk)
    boss = their_case.created_by
    assert boss is not None
    client = login(dispatcher)

    def send(url: str, body: dict[str, Any]) -> Any:
        return client.post(url, body, content_type="application/json")

    attempts: list[tuple[dict[str, Any], str]] = [
        ({"title": "X", "customer": their_case.customer_id}, "customer"),
        (
            {"title": "X", "customer": their_case.customer_id, "contact": their_case.contact_id},
            "customer",
        ),
        ({"title": "X", "assignee_member": boss.pk}, "member"),
        ({"title": "X", "assignee_team": their_case.assignee_team_id}, "team"),
    ]
    for body, field in attempts:
        response = send("/api/cases", body)
        assert response.status_code == 404, body
        assert response.json()["error"]["field"] == field
    assert Case.objects.filter(organization=org).count() == 1

    assign = f"/api/cases/{mine.pk}/assign"
    assert send(assign, {"member": boss.pk}).status_code == 404
    assert send(assign, {"team": their_case.assignee_team_id}).status_code == 404

    note = {"audience": "internal", "text": "Se vedlegg", "attachments": [theirs.attachment.pk]}
    response = send(f"/api/cases/{mine.pk}/messages", note)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "attachments"

    response = send(f"/api/cases/{mine.pk}/read", {"message_id": theirs.message.pk})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "message_id"
    assert state(theirs) == before


def test_a_mention_of_a_handle_in_another_organisation_mentions_nobody(
    dispatcher: Member, theirs: Target
) -> None:
    mine = make_case(dispatcher)
    response = login(dispatcher).post(
        f"/api/cases/{mine.pk}/messages",
        {"audience": "internal", "text": "@sven kan du hjelpe?"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["mentions"] == []


def test_the_chosen_organisation_decides_what_a_two_org_user_sees(
    org: Organization, other_org: Organization, dispatcher: Member, theirs: Target
) -> None:
    make_member(other_org, Role.DISPATCHER, handle="kari", user=dispatcher.user)
    mine = make_target(dispatcher, "Vår sak")
    client = login(dispatcher)
    client.post("/api/me/organization", {"organization": org.pk}, content_type="application/json")
    for door in DOORS[:2] + DOORS[4:5] + DOORS[-1:]:
        assert knock(client, door, theirs).status_code == 404, door[0]
    assert [row["id"] for row in client.get("/api/cases").json()["results"]] == [mine.case.pk]

    client.post(
        "/api/me/organization", {"organization": other_org.pk}, content_type="application/json"
    )
    assert client.get(f"/api/cases/{theirs.case.pk}").status_code == 200
    assert knock(client, DOORS[0], mine).status_code == 404
    assert knock(client, DOORS[-1], mine).status_code == 404
    listed = [row["id"] for row in client.get("/api/cases").json()["results"]]
    assert listed == [theirs.case.pk]


# --- A technician's own work ------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    own: Target
    teams: Target
    mentioned: Target
    colleagues: Target
    other_teams: Target
    nobodys: Target
    told_customer: Target


@pytest.fixture
def workload(org: Organization, dispatcher: Member, technician: Member) -> Workload:
    colleague = make_member(org, Role.TECHNICIAN, handle="per", name="Per Hansen")
    electric = make_team(org, "Elektro", technician)
    plumbing = make_team(org, "Rør", colleague)
    mentioned = make_target(dispatcher, "Nevnt")
    post(dispatcher, mentioned.case, "@lars vet du hvor sikringen sitter?")
    customer = make_customer(org, "Bodil Haugen")
    told_customer = make_target(
        dispatcher,
        "Kundesak",
        customer=customer,
        contact=make_contact(customer),
        customer_channel=True,
    )
    # "@lars" written to the customer is no mention: it shows Lars nothing.
    post(dispatcher, told_customer.case, "@lars kommer i morgen", audience=Audience.CUSTOMER)
    return Workload(
        own=make_target(dispatcher, "Lars sin", assignee_member=technician),
        teams=make_target(dispatcher, "Elektro sin", assignee_team=electric),
        mentioned=mentioned,
        colleagues=make_target(dispatcher, "Per sin", assignee_member=colleague),
        other_teams=make_target(dispatcher, "Rør sin", assignee_team=plumbing),
        nobodys=make_target(dispatcher, "Ingens"),
        told_customer=told_customer,
    )


HIDDEN = ["colleagues", "other_teams", "nobodys", "told_customer"]


def test_a_technician_lists_only_their_own_work(technician: Member, workload: Workload) -> None:
    client = login(technician)
    listed = {row["id"] for row in client.get("/api/cases").json()["results"]}
    assert listed == {workload.own.case.pk, workload.teams.case.pk, workload.mentioned.case.pk}
    for name in HIDDEN:
        hidden: Target = getattr(workload, name)
        found = client.get(f"/api/cases?q={hidden.case.title}").json()["results"]
        assert found == [], name
        found = client.get(f"/api/cases?q={hidden.case.reference}").json()["results"]
        assert found == [], name
    assert [row["id"] for row in client.get("/api/cases?team=mine").json()["results"]] == [
        workload.teams.case.pk
    ]


@pytest.mark.parametrize("door", door_params())
def test_a_technician_does_not_find_other_work(
    technician: Member, workload: Workload, door: tuple[str, str, str, Any]
) -> None:
    client = login(technician)
    for hidden in HIDDEN:
        target: Target = getattr(workload, hidden)
        before = state(target)
        response = knock(client, door, target)
        assert response.status_code == 404, (hidden, response.content)
        assert response.json()["error"]["code"] == "not_found"
        assert state(target) == before


@pytest.mark.parametrize("visible", ["own", "teams", "mentioned"])
def test_a_technician_opens_their_own_work(
    technician: Member, workload: Workload, visible: str
) -> None:
    target: Target = getattr(workload, visible)
    client = login(technician)
    for door in DOORS:
        if door[0] in ("case", "messages", "events", "attachments", "post", "read"):
            response = knock(client, door, target)
            assert response.status_code in (200, 201), (door[0], response.content)


def test_leaving_the_team_hides_its_cases(technician: Member, workload: Workload) -> None:
    client = login(technician)
    url = f"/api/cases/{workload.teams.case.pk}"
    assert client.get(url).status_code == 200
    technician.teams.clear()
    assert client.get(url).status_code == 404
    listed = {row["id"] for row in client.get("/api/cases").json()["results"]}
    assert workload.teams.case.pk not in listed


def test_the_portal_flag_shows_a_technician_nothing(
    dispatcher: Member, technician: Member, workload: Workload
) -> None:
    do_set_portal_visible(dispatcher, workload.told_customer.case, True)
    assert login(technician).get(f"/api/cases/{workload.told_customer.case.pk}").status_code == 404
