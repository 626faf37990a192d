"""Loading the demo content of ``hub.demo.data`` into the database.

Every change to a case goes through ``hub.threads.actions``, fetched through
``hub.threads.access`` as a door would, so the demo holds exactly what the hub itself would
store: case numbers, event log, mentions, read markers. Members, teams, customers and contacts
have no actions yet and are created directly, validated with ``full_clean`` so bad demo data
fails here rather than in front of a customer.

Organisations are recognised by slug: one already there is left alone, so running the seeder
again creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import assert_never
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from hub.accounts.models import Member, Organization, Team, User
from hub.customers.models import Contact, Customer
from hub.demo.bookings import book_demo
from hub.demo.data import DEMO_PASSWORD, ORGANIZATIONS, PEOPLE
from hub.demo.spec import (
    Assign,
    CaseSpec,
    CustomerChannel,
    FromCustomer,
    Note,
    OrganizationSpec,
    Portal,
    Read,
    SetDeadline,
    SetPriority,
    SetStatus,
    Step,
    TakeOver,
    ToCustomer,
)
from hub.demo.timeline import deadline, plan_organization, render
from hub.threads.access import access_case
from hub.threads.actions.cases import (
    do_assign_case,
    do_change_deadline,
    do_change_priority,
    do_change_status,
    do_create_case,
    do_set_customer_channel,
    do_set_portal_visible,
    do_take_over_case,
)
from hub.threads.actions.messages import do_mark_read, do_post_message, do_receive_customer_message
from hub.threads.models import (
    Audience,
    Case,
    CaseSequence,
    Channel,
    Event,
    Mention,
    Message,
    ReadMarker,
)


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    name: str
    memberships: tuple[tuple[str, str], ...]  # (organisation name, role)
    superuser: bool


@dataclass(frozen=True)
class SeedResult:
    created: tuple[str, ...]  # organisations this run created
    existing: tuple[str, ...]  # organisations already there, left alone
    counts: dict[str, int]  # rows this run created, by kind
    logins: tuple[Login, ...]


def demo_logins() -> tuple[Login, ...]:
    """From the data, not the database: the same list whether or not this run created them."""
    return tuple(
        Login(
            username=person.username,
            password=DEMO_PASSWORD,
            name=person.full_name,
            memberships=tuple(
                (organization.name, staff.role)
                for organization in ORGANIZATIONS
                for staff in organization.staff
                if staff.username == person.username
            ),
            superuser=person.superuser,
        )
        for person in PEOPLE
    )


def seed_demo() -> SeedResult:
    """Create the demo organisations that are not there yet, in one transaction: a run that
    fails half-way leaves nothing behind, so the next run starts clean."""
    started = timezone.now()
    with transaction.atomic():
        slugs = [spec.slug for spec in ORGANIZATIONS]
        present = set(Organization.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        todo = [spec for spec in ORGANIZATIONS if spec.slug not in present]
        plans = {spec.slug: plan_organization(spec, started) for spec in todo}
        users, new_user_ids = _users(todo)
        worlds = {spec.slug: _World.build(spec, users) for spec in todo}
        timeline = sorted(
            (entry for plan in plans.values() for entry in plan), key=lambda entry: entry.when
        )
        for entry in timeline:
            world = worlds[entry.organization.slug]
            case_id = world.run(entry.case_index, entry.step, entry.when)
            _backdate(case_id, entry.when, started)
        for spec in todo:
            setup = plans[spec.slug][0].when - timedelta(days=3)
            _backdate_setup(worlds[spec.slug].organization, new_user_ids, setup, started)
            book_demo(worlds[spec.slug].organization)
        counts = _count([world.organization for world in worlds.values()], len(new_user_ids))
    return SeedResult(
        created=tuple(spec.name for spec in todo),
        existing=tuple(spec.name for spec in ORGANIZATIONS if spec.slug in present),
        counts=counts,
        logins=demo_logins(),
    )


# --- backdating --------------------------------------------------------------------------


def _backdate(case_id: int, when: datetime, started: datetime) -> None:
    """Demo-only backdating. The actions stamp "now", as they must; a demo whose two weeks of
    work all happened in the last second would show nothing of what the inbox is for. So the
    rows of this case that the step just made (still stamped at or after ``started``, the start
    of the run) get the step's moment. Steps run in time order, so ids still grow with time."""
    Case.objects.filter(pk=case_id, created__gte=started).update(created=when)
    Case.objects.filter(pk=case_id, last_activity__gte=started).update(last_activity=when)
    Message.objects.filter(case_id=case_id, created__gte=started).update(created=when)
    Mention.objects.filter(case_id=case_id, created__gte=started).update(created=when)
    Event.objects.filter(case_id=case_id, created__gte=started).update(created=when)
    ReadMarker.objects.filter(case_id=case_id, updated__gte=started).update(updated=when)


def _backdate_setup(
    organization: Organization, new_user_ids: list[int], when: datetime, started: datetime
) -> None:
    """Demo-only backdating, as above: the company and its register existed before its cases."""
    Organization.objects.filter(pk=organization.pk).update(created=when)
    Member.objects.filter(organization=organization).update(created=when)
    Customer.objects.filter(organization=organization).update(created=when)
    Contact.objects.filter(organization=organization).update(created=when)
    User.objects.filter(
        pk__in=new_user_ids, memberships__organization=organization, date_joined__gte=started
    ).update(date_joined=when)


# --- the rows --------------------------------------------------------------------------------


def _users(todo: list[OrganizationSpec]) -> tuple[dict[str, User], list[int]]:
    """The logins the organisations need; an existing one (from an organisation seeded before)
    is reused as it is."""
    wanted = {staff.username for spec in todo for staff in spec.staff}
    # One hash for everyone: hashing is slow on purpose, and the password is the same anyway.
    password = make_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    new_ids: list[int] = []
    for person in PEOPLE:
        if person.username not in wanted:
            continue
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = User(
                username=person.username,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                is_staff=person.superuser,
                is_superuser=person.superuser,
                password=password,
            )
            user.full_clean()
            user.save()
            new_ids.append(user.pk)
        users[person.username] = user
    missing = wanted - users.keys()
    if missing:
        raise ValueError(f"Staff without a person in PEOPLE: {sorted(missing)}")
    return users, new_ids


# Answers by mail or SMS to a customer who wrote that way; the portal is read where it is.
OUTBOUND = {"email": Channel.EMAIL, "sms": Channel.SMS}


@dataclass
class _World:
    """One organisation's rows, looked up by the names the data uses."""

    spec: OrganizationSpec
    organization: Organization
    zone: ZoneInfo
    members: dict[str, Member] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    contacts: dict[str, list[Contact]] = field(default_factory=dict)
    case_ids: dict[int, int] = field(default_factory=dict)
    # How and from where the customer last wrote on each case (by case id).
    wrote_by: dict[int, str] = field(default_factory=dict)
    wrote_from: dict[int, str] = field(default_factory=dict)

    @classmethod
    def build(cls, spec: OrganizationSpec, users: dict[str, User]) -> _World:
        organization = _saved(
            Organization(
                name=spec.name,
                slug=spec.slug,
                locale=spec.locale,
                time_zone=spec.time_zone,
                country=spec.country,
                case_prefix=spec.case_prefix,
                sms_sender_name=spec.sms_sender_name,
            )
        )
        CaseSequence.objects.create(
            organization=organization, last_number=spec.first_case_number - 1
        )
        world = cls(spec, organization, ZoneInfo(spec.time_zone))
        for staff in spec.staff:
            user = users[staff.username]
            world.members[staff.handle] = _saved(
                Member(
                    organization=organization,
                    user=user,
                    role=staff.role,
                    display_name=user.get_full_name(),
                    handle=staff.handle,
                    phone=staff.phone,
                )
            )
        for team_spec in spec.teams:
            team = _saved(Team(organization=organization, name=team_spec.name))
            team.members.add(*(world.members[handle] for handle in team_spec.handles))
            world.teams[team_spec.name] = team
        for customer_spec in spec.customers:
            customer = _saved(
                Customer(
                    organization=organization,
                    name=customer_spec.name,
                    is_business=customer_spec.is_business,
                    street=customer_spec.street,
                    postal_code=customer_spec.postal_code,
                    city=customer_spec.city,
                    external_reference=customer_spec.external_reference,
                )
            )
            world.customers[customer_spec.key] = customer
            world.contacts[customer_spec.key] = [
                _saved(
                    Contact(
                        organization=organization,
                        customer=customer,
                        name=contact.name,
                        email=contact.email,
                        phone=contact.phone,
                    )
                )
                for contact in customer_spec.contacts
            ]
        return world

    def run(self, case_index: int, step: Step | None, when: datetime) -> int:
        """Open the case or take one step on it at ``when``, through the actions. Returns the
        case's id."""
        spec = self.spec.cases[case_index]
        if step is None:
            return self._open(case_index, spec, when)
        case_id = self.case_ids[case_index]
        match step:
            case FromCustomer():
                self._receive(spec, case_id, step, when)
            case ToCustomer() | Note():
                actor, case = self._access(step.by, case_id)
                audience = Audience.CUSTOMER if isinstance(step, ToCustomer) else Audience.INTERNAL
                text = self._render(step.text, when)
                # Staff answer on the channel the customer wrote on, as they would: the answer
                # goes through the outbox (the development mailbox and phone simulator in the
                # embedded run).
                channel = Channel.WEB
                if audience == Audience.CUSTOMER:
                    channel = OUTBOUND.get(self.wrote_by.get(case_id, ""), Channel.WEB)
                do_post_message(
                    actor,
                    case,
                    audience=audience,
                    text=text,
                    channel=channel,
                    to=self.wrote_from.get(case_id) if channel != Channel.WEB else None,
                )
            case Assign():
                actor, case = self._access(step.by, case_id)
                member = None if step.member is None else self.members[step.member]
                team = None if step.team is None else self.teams[step.team]
                do_assign_case(actor, case, member=member, team=team)
            case TakeOver():
                do_take_over_case(*self._access(step.by, case_id))
            case SetStatus():
                do_change_status(*self._access(step.by, case_id), step.status)
            case SetPriority():
                do_change_priority(*self._access(step.by, case_id), step.priority)
            case SetDeadline():
                moment = deadline(step.deadline, when, self.zone)
                do_change_deadline(*self._access(step.by, case_id), moment)
            case CustomerChannel():
                do_set_customer_channel(*self._access(step.by, case_id), step.enabled)
            case Portal():
                do_set_portal_visible(*self._access(step.by, case_id), step.visible)
            case Read():
                actor, case = self._access(step.by, case_id)
                if case.last_message_id is None:
                    raise ValueError(f"{spec.title}: nothing to read yet")
                do_mark_read(actor, case, case.last_message_id)
            case _:
                assert_never(step)
        return case_id

    def _open(self, case_index: int, spec: CaseSpec, when: datetime) -> int:
        customer = None if spec.customer is None else self.customers[spec.customer]
        contact = None if spec.customer is None else self.contacts[spec.customer][spec.contact]
        case = do_create_case(
            self.members[spec.by],
            title=self._render(spec.title, when),
            customer=customer,
            contact=contact,
            assignee_member=None if spec.member is None else self.members[spec.member],
            assignee_team=None if spec.team is None else self.teams[spec.team],
            priority=spec.priority,
            deadline=deadline(spec.deadline, when, self.zone),
            portal_visible=spec.portal_visible,
            customer_channel=spec.customer_channel,
            external_reference=spec.external_reference,
        )
        self.case_ids[case_index] = case.pk
        return case.pk

    def _access(self, handle: str, case_id: int) -> tuple[Member, Case]:
        """As a door fetches it: a step by someone who may not see the case fails here."""
        member = self.members[handle]
        return member, access_case(member, case_id)

    def _render(self, text: str, when: datetime) -> str:
        return render(text, when, self.zone, self.spec.locale)

    def _receive(self, spec: CaseSpec, case_id: int, step: FromCustomer, when: datetime) -> None:
        if spec.customer is None:
            raise ValueError(f"{spec.title}: an internal case has no customer to write")
        contact = self.contacts[spec.customer][step.contact]
        case = Case.objects.select_related("organization").get(pk=case_id)
        reachable = {
            "sms": bool(contact.phone),
            "email": bool(contact.email),
            "portal": case.portal_visible,
        }
        if not reachable[step.channel]:
            raise ValueError(f"{spec.title}: {contact.name} cannot write by {step.channel}")
        text = self._render(step.text, when)
        do_receive_customer_message(case, contact, text=text, channel=step.channel)
        self.wrote_by[case_id] = step.channel
        self.wrote_from[case_id] = contact.phone if step.channel == "sms" else contact.email


def _saved[M: (Organization, Member, Team, Customer, Contact)](row: M) -> M:
    row.full_clean()
    row.save()
    return row


def _count(organizations: list[Organization], new_users: int) -> dict[str, int]:
    return {
        "organisations": len(organizations),
        "users": new_users,
        "members": Member.objects.filter(organization__in=organizations).count(),
        "teams": Team.objects.filter(organization__in=organizations).count(),
        "customers": Customer.objects.filter(organization__in=organizations).count(),
        "contacts": Contact.objects.filter(organization__in=organizations).count(),
        "cases": Case.objects.filter(organization__in=organizations).count(),
        "messages": Message.objects.filter(organization__in=organizations).count(),
        "mentions": Mention.objects.filter(organization__in=organizations).count(),
        "read markers": ReadMarker.objects.filter(organization__in=organizations).count(),
        "events": Event.objects.filter(organization__in=organizations).count(),
    }
