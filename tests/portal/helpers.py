"""Portal test data and the customer's browser: a case shown in the portal, a link to it, and a
client that opened the link (a portal session), as a customer's phone does."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from hub.accounts.models import Member
from hub.portal.actions import do_issue_link, do_set_portal_locked
from hub.threads.actions.cases import do_create_case, do_set_portal_visible
from hub.threads.models import Case
from tests.factories import make_contact, make_customer, make_customer_case


def portal_case(
    actor: Member, title: str = "Montering av elbillader", customer: str | None = None
) -> Case:
    """A customer case with communication on, visible in the portal (of the factories'
    customer, or a new one named ``customer``)."""
    if customer is None:
        case = make_customer_case(actor, title)
    else:
        contact = make_contact(make_customer(actor.organization, customer))
        case = do_create_case(
            actor, title=title, customer=contact.customer, contact=contact, customer_channel=True
        )
    return do_set_portal_visible(actor, case, True)


def link_for(actor: Member, case: Case) -> str:
    """A fresh link for the case's contact, as the staff door makes it: a full address."""
    return do_issue_link(actor, case).url


def path_of(url: str) -> str:
    return urlsplit(url).path


def open_portal(url: str, *, enforce_csrf: bool = False) -> tuple[Client, Any]:
    """A new browser that opened ``url``; returns it and the answer of the link itself."""
    client = Client(enforce_csrf_checks=enforce_csrf)
    return client, client.get(path_of(url))


def portal_client(actor: Member, case: Case, *, enforce_csrf: bool = False) -> Client:
    client, answer = open_portal(link_for(actor, case), enforce_csrf=enforce_csrf)
    assert answer.status_code == 302
    assert answer["Location"] == "/p/"
    return client


def json_post(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.post(url, data, content_type="application/json", **extra)


def lock(actor: Member, case: Case, locked: bool = True) -> None:
    assert case.contact is not None
    do_set_portal_locked(actor, case.contact, locked)
