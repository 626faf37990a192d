"""The staff's portal doors: a link for the case's contact to copy, revoking a case's links, and
CleanManager's lock on a contact's portal access (logged, and live to colleagues)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client

from hub.accounts.models import Member, Organization, Role
from hub.events import case_group, portal_case_group
from hub.portal.models import PortalLink
from hub.threads.actions.cases import do_assign_case
from hub.threads.models import Case, Event, EventKind
from tests.conftest import login
from tests.events import recording
from tests.factories import make_customer_case, make_member
from tests.portal.helpers import json_post, open_portal, portal_case, portal_client

pytestmark = pytest.mark.django_db


def new_link(client: Client, case: Case) -> object:
    return json_post(client, f"/api/cases/{case.pk}/portal-link", {})


def test_a_member_makes_a_link_to_copy(dispatcher: Member, case: Case) -> None:
    answer = new_link(login(dispatcher), case)
    assert answer.status_code == 201  # type: ignore[attr-defined]
    body = answer.json()  # type: ignore[attr-defined]
    assert set(body) == {"url", "expires"}
    assert body["url"].startswith("http://127.0.0.1:8000/p/")
    assert datetime.fromisoformat(body["expires"]).tzinfo is not None
    client, _answer = open_portal(body["url"])
    assert client.get("/api/portal/case").json()["case"]["title"] == case.title
    (logged,) = Event.objects.filter(case=case, kind=EventKind.PORTAL_LINK_ISSUED)
    assert logged.actor_member == dispatcher
    assert body["url"] not in str(logged.data)


def test_a_technician_makes_one_for_a_case_of_theirs_only(
    dispatcher: Member, technician: Member, case: Case
) -> None:
    client = login(technician)
    assert new_link(client, case).status_code == 404  # type: ignore[attr-defined]
    do_assign_case(dispatcher, case, member=technician)
    assert new_link(client, case).status_code == 201  # type: ignore[attr-defined]


def test_no_link_for_a_case_not_in_the_portal_or_without_a_contact(dispatcher: Member) -> None:
    client = login(dispatcher)
    hidden = make_customer_case(dispatcher)
    answer = new_link(client, hidden)
    assert answer.status_code == 409  # type: ignore[attr-defined]
    assert answer.json()["error"]["field"] == "portal_visible"  # type: ignore[attr-defined]
    assert not PortalLink.objects.exists()


def test_no_link_for_a_locked_contact(dispatcher: Member, case: Case) -> None:
    client = login(dispatcher)
    assert case.contact is not None
    json_post(client, f"/api/contacts/{case.contact.pk}/portal", {"locked": True})
    answer = new_link(client, case)
    assert answer.status_code == 409  # type: ignore[attr-defined]
    assert answer.json()["error"]["code"] == "portal_locked"  # type: ignore[attr-defined]


def test_another_organisations_case_or_contact_is_not_found(
    case: Case, other_org: Organization
) -> None:
    assert case.contact is not None
    stranger = login(make_member(other_org, Role.ADMIN, handle="sven"))
    assert new_link(stranger, case).status_code == 404  # type: ignore[attr-defined]
    assert stranger.delete(f"/api/cases/{case.pk}/portal-link").status_code == 404
    answer = json_post(stranger, f"/api/contacts/{case.contact.pk}/portal", {"locked": True})
    assert answer.status_code == 404
    case.contact.refresh_from_db()
    assert not case.contact.portal_locked


def test_revoking_a_cases_links(dispatcher: Member, technician: Member, case: Case) -> None:
    customer = portal_client(dispatcher, case)
    portal_client(dispatcher, case)
    do_assign_case(dispatcher, case, member=technician)
    assert login(technician).delete(f"/api/cases/{case.pk}/portal-link").status_code == 403
    answer = login(dispatcher).delete(f"/api/cases/{case.pk}/portal-link")
    assert answer.status_code == 200
    assert answer.json() == {"revoked": 2}
    assert customer.get("/api/portal/case").status_code == 403
    assert login(dispatcher).delete(f"/api/cases/{case.pk}/portal-link").json() == {"revoked": 0}


def test_locking_a_contact(
    dispatcher: Member, case: Case, django_capture_on_commit_callbacks: object
) -> None:
    assert case.contact is not None
    customer = portal_client(dispatcher, case)
    staff = login(dispatcher)
    org = case.organization_id
    url = f"/api/contacts/{case.contact.pk}/portal"
    with (
        recording(case_group(org, case.pk), portal_case_group(org, case.pk)) as seen,
        django_capture_on_commit_callbacks(execute=True),  # type: ignore[operator]
    ):
        answer = json_post(staff, url, {"locked": True})
    assert answer.status_code == 200
    assert answer.json() == {"id": case.contact.pk, "name": "Kari Nordmann", "portal_locked": True}
    # Colleagues with the case open see it; an open portal page is told to ask again.
    [updated] = seen.of(case_group(org, case.pk))
    assert updated["type"] == "case.updated"
    assert updated["case"]["contact"]["portal_locked"] is True
    assert seen.types(portal_case_group(org, case.pk)) == ["portal.closed"]
    assert customer.get("/api/portal/case").status_code == 403
    body = staff.get(f"/api/cases/{case.pk}").json()
    assert body["case"]["contact"]["portal_locked"] is True
    (logged,) = Event.objects.filter(case=case, kind=EventKind.PORTAL_ACCESS)
    assert logged.data["locked"] is True
    # Unlocking lets the same links in again.
    answer = json_post(staff, url, {"locked": False})
    assert answer.json()["portal_locked"] is False
    assert customer.get("/api/portal/case").status_code == 200
    # The same again changes nothing.
    json_post(staff, url, {"locked": False})
    assert Event.objects.filter(case=case, kind=EventKind.PORTAL_ACCESS).count() == 2


def test_the_lock_needs_a_dispatcher_and_a_boolean(technician: Member, case: Case) -> None:
    assert case.contact is not None
    url = f"/api/contacts/{case.contact.pk}/portal"
    assert json_post(login(technician), url, {"locked": True}).status_code == 403
    admin = login(make_member(case.organization, Role.ADMIN, handle="sjef"))
    for body, field in (
        ({}, "locked"),
        ({"locked": "ja"}, "locked"),
        ({"locked": True, "x": 1}, "x"),
    ):
        answer = json_post(admin, url, body)
        assert answer.status_code == 400
        assert answer.json()["error"]["field"] == field


def test_a_second_case_of_the_contact_is_locked_too(dispatcher: Member, case: Case) -> None:
    assert case.contact is not None
    other = portal_case(dispatcher, "Varmepumpe")
    other.customer, other.contact = case.customer, case.contact
    other.save(update_fields=["customer", "contact"])
    customer = portal_client(dispatcher, other)
    json_post(login(dispatcher), f"/api/contacts/{case.contact.pk}/portal", {"locked": True})
    assert customer.get("/api/portal/case").status_code == 403
