"""The demo data the README's run command loads: it must seed once, cleanly, through the same
rules as real use, and show the hub the way it is meant to be used.

Seeding takes a few seconds, so the module seeds once inside a transaction it rolls back at the
end; each test runs in its own savepoint on top, as pytest-django's ``db`` does.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.test import Client, override_settings
from django.utils import timezone
from pytest_django import DjangoDbBlocker, Settings

from hub.accounts.models import (
    Member,
    Organization,
    Team,
    User,
    handle_validator,
    sms_sender_validator,
)
from hub.booking.models import Booking, Letter, State
from hub.customers.models import Contact, Customer
from hub.customers.phones import to_e164
from hub.demo.data import DEMO_PASSWORD, ORGANIZATIONS, PEOPLE
from hub.demo.management.commands import seed_demo as command_module
from hub.demo.seed import SeedResult, seed_demo
from hub.demo.timeline import plan_organization, render
from hub.threads.access import visible_cases
from hub.threads.inbox import with_unread_counts
from hub.threads.mentions import mentioned_handles
from hub.threads.models import (
    Audience,
    Case,
    CaseSequence,
    Direction,
    Event,
    Mention,
    Message,
    ReadMarker,
    Status,
)

SLUGS = [spec.slug for spec in ORGANIZATIONS]
MODELS: list[type[models.Model]] = [
    User,
    Organization,
    Member,
    Team,
    Customer,
    Contact,
    Case,
    CaseSequence,
    Message,
    Mention,
    ReadMarker,
    Event,
]


@pytest.fixture(scope="module", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    # Every demo login is checked; the production hasher is slow on purpose.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[SeedResult]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        result = seed_demo()
    yield result
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def demo(seeded: SeedResult, db: None) -> SeedResult:
    return seeded


def org(slug: str) -> Organization:
    return Organization.objects.get(slug=slug)


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


# --- the data itself, no database ------------------------------------------------------------


def test_contact_details_are_fictional_and_valid() -> None:
    emails = [person.email for person in PEOPLE]
    for spec in ORGANIZATIONS:
        phones = [staff.phone for staff in spec.staff]
        for customer in spec.customers:
            emails += [contact.email for contact in customer.contacts if contact.email]
            phones += [contact.phone for contact in customer.contacts if contact.phone]
        for phone in phones:
            assert to_e164(phone, spec.country) == phone
        # A reply by SMS must find one contact, not several.
        assert len(phones) == len(set(phones)), spec.name
    assert all(email.endswith(("@example.no", "@example.com")) for email in emails)
    assert len(emails) == len(set(emails))


def test_organisation_settings_pass_the_model_validators() -> None:
    usernames = {person.username for person in PEOPLE}
    for spec in ORGANIZATIONS:
        sms_sender_validator(spec.sms_sender_name)
        for staff in spec.staff:
            handle_validator(staff.handle)
            assert staff.username in usernames
        assert len({staff.handle for staff in spec.staff}) == len(spec.staff)


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 3, 2, 5, 0, tzinfo=UTC),  # Monday before anyone is at work
        datetime(2026, 3, 4, 12, 0, tzinfo=UTC),  # Wednesday noon
        datetime(2026, 3, 7, 12, 0, tzinfo=UTC),  # Saturday
        datetime(2026, 10, 25, 23, 30, tzinfo=UTC),  # Sunday night, the clocks just went back
    ],
)
def test_the_timeline_is_past_and_on_working_days(now: datetime) -> None:
    for spec in ORGANIZATIONS:
        plan = plan_organization(spec, now)
        assert plan[-1].when < now
        assert now - plan[0].when < timedelta(days=21)
        # Nobody books work on a Sunday: everything planned lands on a weekday.
        assert all(entry.when.weekday() < 5 for entry in plan)


def test_days_in_texts_are_named_from_the_message_s_own_day() -> None:
    thursday = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    friday = thursday + timedelta(days=1)
    oslo = ZoneInfo("Europe/Oslo")
    assert render("{Day+1} passer", thursday, oslo, "nb") == "I morgen passer"
    assert render("{Day+1} passer", friday, oslo, "nb") == "Mandag passer"
    assert render("kommer {day+2}", thursday, oslo, "sv") == "kommer måndag"
    assert render("{day+5} {date+5}", friday, oslo, "da") == "fredag 13. marts"
    assert render("uke {week+5}", friday, oslo, "nb") == "uke 11"
    with pytest.raises(ValueError, match="placeholder"):
        render("{dag+1}", friday, oslo, "nb")


# --- what seeding creates --------------------------------------------------------------------


def test_seeding_creates_the_demo_companies(demo: SeedResult) -> None:
    assert demo.created == tuple(spec.name for spec in ORGANIZATIONS)
    assert demo.existing == ()
    nordlys = org("nordlys-elektro")
    assert (nordlys.name, nordlys.locale, nordlys.time_zone, nordlys.country) == (
        "Nordlys Elektro AS",
        "nb",
        "Europe/Oslo",
        "NO",
    )
    roles = sorted(Member.objects.filter(organization=nordlys).values_list("role", flat=True))
    assert roles == ["admin"] + ["dispatcher"] * 2 + ["technician"] * 3
    assert set(Team.objects.filter(organization=nordlys).values_list("name", flat=True)) == {
        "Elektrikere Oslo",
        "Service og vakt",
    }
    assert Customer.objects.filter(organization=nordlys).count() >= 10
    assert 18 <= Case.objects.filter(organization=nordlys).count() <= 22
    fjallbacka = org("fjallbacka-ror-varme")
    assert fjallbacka.locale == "sv"
    assert Member.objects.filter(organization=fjallbacka).count() == 3
    assert Case.objects.filter(organization=fjallbacka).count() == 4
    kobenhavn = org("kobenhavns-rengoring")
    assert kobenhavn.locale == "da"
    assert Case.objects.filter(organization=kobenhavn).count() == 2
    assert demo.counts["cases"] == Case.objects.count()
    assert demo.counts["messages"] == Message.objects.count()


def test_the_nordlys_admin_works_in_two_organisations_and_may_use_the_admin(
    demo: SeedResult,
) -> None:
    kari = User.objects.get(username="kari")
    assert kari.is_staff
    assert kari.is_superuser
    assert set(kari.memberships.values_list("organization__slug", "role")) == {
        ("nordlys-elektro", "admin"),
        ("fjallbacka-ror-varme", "admin"),
    }


def test_a_second_run_creates_nothing(demo: SeedResult) -> None:
    before = row_counts()
    again = seed_demo()
    assert again.created == ()
    assert again.existing == demo.created
    assert again.logins == demo.logins
    assert row_counts() == before


def test_every_demo_login_can_log_in(demo: SeedResult) -> None:
    assert {login.username for login in demo.logins} == {person.username for person in PEOPLE}
    for login in demo.logins:
        assert login.password == DEMO_PASSWORD
        assert login.memberships
        assert Client().login(username=login.username, password=login.password), login.username


def test_cases_vary_like_a_real_inbox(demo: SeedResult) -> None:
    cases = Case.objects.filter(organization=org("nordlys-elektro"))
    assert set(cases.values_list("status", flat=True)) == set(Status.values)
    assert cases.values("priority").distinct().count() >= 3
    assert cases.filter(deadline__isnull=False).count() >= 4
    assert cases.filter(assignee_member__role="technician").count() >= 5
    assert cases.filter(assignee_team__isnull=False).count() >= 3
    assert cases.filter(assignee_member=None, assignee_team=None).exists()
    assert cases.filter(customer=None).count() >= 2
    assert cases.filter(portal_visible=True).count() >= 3
    assert cases.filter(external_reference__startswith="PO-").count() >= 2
    customer_cases = cases.exclude(customer=None)
    assert customer_cases.filter(customer_channel=True).count() >= customer_cases.count() - 1
    assert Event.objects.filter(case__in=cases, kind="case.taken_over").exists()


def test_cases_have_conversations_with_customers_and_colleagues(demo: SeedResult) -> None:
    for case in Case.objects.all():
        messages = case.messages.all()
        # At most 8 of the demo's own, and the booking's request, answer and confirmation.
        assert 2 <= messages.count() <= 11, case
        if case.is_internal:
            assert not messages.filter(audience=Audience.CUSTOMER).exists(), case
        else:
            assert messages.filter(direction=Direction.IN).exists(), case
    for organization in Organization.objects.all():
        messages = Message.objects.filter(organization=organization)
        assert messages.filter(audience=Audience.CUSTOMER, direction=Direction.IN).exists()
        assert messages.filter(audience=Audience.CUSTOMER, direction=Direction.OUT).exists()
        assert messages.filter(audience=Audience.INTERNAL).exists()
    used = set(Message.objects.filter(direction=Direction.IN).values_list("channel", flat=True))
    assert used == {"sms", "email", "portal"}


def test_mentions_were_resolved(demo: SeedResult) -> None:
    notes = Message.objects.filter(audience=Audience.INTERNAL).select_related("case")
    for note in notes:
        expected = set(
            Member.objects.filter(
                organization_id=note.organization_id, handle__in=mentioned_handles(note.text)
            )
            .exclude(pk=note.author_member_id)
            .values_list("pk", flat=True)
        )
        assert set(note.mentions.values_list("member_id", flat=True)) == expected, note.text
        for member in Member.objects.filter(pk__in=expected):
            assert visible_cases(member).filter(pk=note.case_id).exists()
    assert Mention.objects.count() >= 20


def test_case_numbers_are_unique_and_continue_the_old_numbering(demo: SeedResult) -> None:
    for spec in ORGANIZATIONS:
        numbers = list(
            Case.objects.filter(organization__slug=spec.slug)
            .order_by("created")
            .values_list("number", flat=True)
        )
        first = spec.first_case_number
        assert numbers == list(range(first, first + len(spec.cases)))


def same_organization(case: Case, *rows: Any) -> bool:
    """Whether every row given (``None`` ones aside) belongs to the case's organisation."""
    return all(row.organization_id == case.organization_id for row in rows if row is not None)


def test_nothing_is_attributed_across_organisations(demo: SeedResult) -> None:
    for case in Case.objects.select_related(
        "customer", "contact", "assignee_member", "assignee_team", "created_by"
    ):
        assert same_organization(
            case,
            case.customer,
            case.contact,
            case.assignee_member,
            case.assignee_team,
            case.created_by,
        ), case
    for message in Message.objects.select_related("case", "author_member", "author_contact"):
        assert same_organization(
            message.case, message, message.author_member, message.author_contact
        )
        assert (message.author_member is None) != (message.author_contact is None)
    for mention in Mention.objects.select_related("case", "message", "member"):
        assert same_organization(mention.case, mention, mention.message, mention.member)
        assert mention.message.case_id == mention.case_id
    for marker in ReadMarker.objects.select_related("case", "member"):
        assert same_organization(marker.case, marker, marker.member)
        assert marker.case.messages.filter(pk=marker.last_read_message_id).exists()
    for event in Event.objects.select_related("case", "actor_member", "actor_contact"):
        assert same_organization(event.case, event, event.actor_member, event.actor_contact)
    for contact in Contact.objects.select_related("customer"):
        assert contact.organization_id == contact.customer.organization_id
    for team in Team.objects.prefetch_related("members"):
        assert all(member.organization_id == team.organization_id for member in team.members.all())


def test_the_timeline_spreads_over_two_weeks_in_order(demo: SeedResult) -> None:
    now = timezone.now()
    created = list(Message.objects.order_by("pk").values_list("created", flat=True))
    assert created == sorted(created), "message ids grow with time"
    events = list(Event.objects.order_by("pk").values_list("created", flat=True))
    assert events == sorted(events)
    for case in Case.objects.all():
        times = list(case.messages.order_by("pk").values_list("created", flat=True))
        assert all(a < b for a, b in itertools.pairwise(times)), case
        last = case.messages.order_by("-pk").first()
        assert last is not None
        assert (case.last_message_id, case.last_activity) == (last.pk, last.created)
        assert case.created <= times[0]
    first = Case.objects.order_by("created").first()
    latest = Case.objects.order_by("-last_activity").first()
    assert first is not None
    assert latest is not None
    assert timedelta(days=10) < latest.last_activity - first.created < timedelta(days=21)
    assert latest.last_activity < now
    for organization in Organization.objects.all():
        opened = Case.objects.filter(organization=organization).order_by("created").first()
        assert opened is not None
        assert organization.created < opened.created
        assert not Customer.objects.filter(organization=organization, created__gte=opened.created)


def test_unread_counts_differ_between_colleagues(demo: SeedResult) -> None:
    members = Member.objects.filter(organization=org("nordlys-elektro"))
    unread = {
        member.handle: sum(
            case.unread_count for case in with_unread_counts(visible_cases(member), member)
        )
        for member in members
    }
    assert len(set(unread.values())) >= 4, unread
    assert all(count > 0 for count in unread.values()), unread


# --- the command -----------------------------------------------------------------------------


def test_command_seeds_once_and_prints_the_logins_every_time(demo: SeedResult) -> None:
    # Start from an empty demo, as on a fresh install (rolled back with the test). Cases go
    # first: Case.customer is PROTECT, so an organisation with customer cases cannot be deleted.
    Case.objects.filter(organization__slug__in=SLUGS).delete()
    Organization.objects.filter(slug__in=SLUGS).delete()
    User.objects.filter(username__in=[person.username for person in PEOPLE]).delete()
    first, second = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=first)
    counts = row_counts()
    call_command("seed_demo", stdout=second)
    assert row_counts() == counts
    assert "Demo data loaded" in first.getvalue()
    assert "already there" in second.getvalue()
    for output in (first.getvalue(), second.getvalue()):
        assert DEMO_PASSWORD in output
        for person in PEOPLE:
            assert person.username in output


def test_command_refuses_production_without_force(
    demo: SeedResult, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[SeedResult] = []

    def spy() -> SeedResult:
        calls.append(seed_demo())
        return calls[-1]

    monkeypatch.setattr(command_module, "seed_demo", spy)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=io.StringIO())
    assert calls == []
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert len(calls) == 1


def test_every_company_has_booked_its_coming_days(demo: SeedResult) -> None:
    for organization in Organization.objects.all():
        answered = Event.objects.filter(case__organization=organization, kind="booking.answered")
        # The last answer of each company is a "no, call me": it waits for a person.
        afters = [e.data["after"] for e in answered.order_by("pk")]
        assert afters[-1] == State.MANUAL_FOLLOW_UP, organization
        assert set(afters[:-1]) <= {State.CONFIRMED}, organization
    assert set(Booking.objects.values_list("state", flat=True)) == {
        State.CONFIRMED,
        State.MANUAL_FOLLOW_UP,
        State.AWAITING_RESPONSE,
        State.LOCKED,
        State.ON_HOLD,
    }
    assert Letter.objects.exists()
