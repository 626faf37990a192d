"""Small builders for test data. Cases and messages are made through the actions, as the hub
makes them; organisations, members and customers have no actions yet and are created directly."""

from __future__ import annotations

import itertools
from typing import Any

from hub.accounts.models import Member, Organization, Role, Team, User
from hub.customers.models import Contact, Customer
from hub.threads.actions.cases import do_create_case
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Audience, Case, Message

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
