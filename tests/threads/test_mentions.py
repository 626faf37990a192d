"""``@handle`` mentions: found in internal notes, resolved against the organisation's active
members, and told only to the member mentioned."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest

from hub.accounts.models import Member, Organization, Role
from hub.events import Group, case_group, inbox_group, member_group, portal_case_group
from hub.threads.access import visible_cases
from hub.threads.actions.messages import do_post_message
from hub.threads.mentions import mentioned_handles, resolve_mentions
from hub.threads.models import Audience, Case, Mention, Message
from hub.threads.payloads import message_payload
from tests.events import Recorder, recording
from tests.factories import make_case, make_customer, make_member, post

pytestmark = pytest.mark.usefixtures("fast_passwords")

Published = Callable[..., AbstractContextManager[Recorder]]


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


@pytest.mark.parametrize(
    ("text", "handles"),
    [
        ("@kari", ["kari"]),
        ("Kan du ta en titt, @kari?", ["kari"]),
        ("Ring @Kari", ["kari"]),
        ("@KARI og @kari og @Kari", ["kari"]),
        ("Spør @kari.", ["kari"]),
        ("(@kari)", ["kari"]),
        ("@kari, @lars; @ingrid!", ["kari", "lars", "ingrid"]),
        ("«@kari»", ["kari"]),
        ("@kari's bil", ["kari"]),
        ("@kari.berg er på ferie", ["kari.berg"]),
        ("@ola-nordmann og @per_hansen2", ["ola-nordmann", "per_hansen2"]),
        ("linje 1\n@lars linje 2", ["lars"]),
        ("ola@firma.no", []),
        ("Send til kari@nordlys.no og ring @lars", ["lars"]),
        ("@@kari", []),
        ("x.@kari", []),
        ("@ alene", []),
        ("@.kari", []),
        ("@-kari", []),
        ("Pris: 50 @ 3 stk", []),
        ("", []),
    ],
)
def test_mentioned_handles(text: str, handles: list[str]) -> None:
    assert mentioned_handles(text) == handles


def test_resolve_mentions_finds_active_members_of_the_organisation(
    org: Organization, other_org: Organization, dispatcher: Member, technician: Member
) -> None:
    retired = make_member(org, Role.TECHNICIAN, handle="per")
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    make_member(other_org, handle="sven")
    namesake = make_member(other_org, handle="lars")

    found = resolve_mentions(org.pk, "@Kari @LARS @per @sven @nobody ola@firma.no")
    assert found == [dispatcher, technician]
    assert namesake not in found
    assert resolve_mentions(org.pk, "ingen her") == []
    assert resolve_mentions(other_org.pk, "@lars") == [namesake]


def test_a_mention_in_an_internal_note(
    dispatcher: Member,
    technician: Member,
    admin_member: Member,
    org: Organization,
    published: Published,
) -> None:
    case = make_case(
        dispatcher, customer=make_customer(org), customer_channel=True, portal_visible=True
    )
    assert case not in visible_cases(technician)
    groups = [
        inbox_group(org.pk),
        case_group(org.pk, case.pk),
        portal_case_group(org.pk, case.pk),
        member_group(org.pk, dispatcher.pk),
        member_group(org.pk, technician.pk),
        member_group(org.pk, admin_member.pk),
    ]
    with published(*groups) as recorder:
        message = post(dispatcher, case, "(@Lars) kan du sjekke sikringen? Kopi: ingrid@nordlys.no")

    [mention] = Mention.objects.all()
    assert (mention.member, mention.message, mention.case) == (technician, message, case)
    assert mention.organization_id == org.pk

    payload = message_payload(Message.objects.get(pk=message.pk))
    assert payload["mentions"] == [technician.pk]
    # Besides the mention, the member's notifications hear of it (tests/notify).
    assert recorder.types(member_group(org.pk, technician.pk)) == ["notification", "mention"]
    assert recorder.of(member_group(org.pk, technician.pk))[1:] == [
        {
            "type": "mention",
            "organization_id": org.pk,
            "case_id": case.pk,
            "member_id": technician.pk,
            "message": payload,
        }
    ]
    # The mention goes to the mentioned member only; everyone else hears of the message.
    assert recorder.types(member_group(org.pk, dispatcher.pk)) == ["read.updated"]
    assert recorder.of(member_group(org.pk, admin_member.pk)) == []
    assert recorder.types(inbox_group(org.pk)) == ["message.created"]
    assert recorder.types(case_group(org.pk, case.pk)) == ["message.created", "read.updated"]
    assert recorder.of(inbox_group(org.pk))[0]["message"]["mentions"] == [technician.pk]
    assert recorder.of(portal_case_group(org.pk, case.pk)) == []

    # Being mentioned lets a technician see the case.
    assert case in visible_cases(technician)


def test_several_mentions_each_reach_their_member(
    dispatcher: Member,
    technician: Member,
    admin_member: Member,
    org: Organization,
    published: Published,
) -> None:
    case = make_case(dispatcher)
    lars, ingrid = member_group(org.pk, technician.pk), member_group(org.pk, admin_member.pk)
    with published(lars, ingrid) as recorder:
        post(dispatcher, case, "@ingrid @lars @LARS: møte kl. 9")
    assert recorder.types(lars) == ["notification", "mention"]
    assert recorder.types(ingrid) == ["notification", "mention"]
    assert sorted(Mention.objects.values_list("member_id", flat=True)) == sorted(
        [technician.pk, admin_member.pk]
    )


def test_no_mentions_in_a_message_to_the_customer(
    dispatcher: Member, technician: Member, org: Organization, published: Published
) -> None:
    case = make_case(dispatcher, customer=make_customer(org), customer_channel=True)
    with published(member_group(org.pk, technician.pk)) as recorder:
        message, _created = do_post_message(
            dispatcher, case, audience=Audience.CUSTOMER, text="@lars kommer i morgen"
        )
    assert not Mention.objects.exists()
    assert recorder.all == []
    assert message_payload(message)["mentions"] == []
    assert case not in visible_cases(technician)


def test_no_self_mention(dispatcher: Member, org: Organization, published: Published) -> None:
    case = make_case(dispatcher)
    with published(member_group(org.pk, dispatcher.pk)) as recorder:
        post(dispatcher, case, "Notat til meg selv, @kari: husk stigen")
    assert not Mention.objects.exists()
    assert recorder.types(member_group(org.pk, dispatcher.pk)) == ["read.updated"]


def test_an_email_address_mentions_nobody(dispatcher: Member, technician: Member) -> None:
    case = make_case(dispatcher)
    post(dispatcher, case, "Kunden skrev fra lars@firma.no")
    assert not Mention.objects.exists()
    assert case not in visible_cases(technician)


def test_members_of_other_organisations_and_inactive_members_are_not_mentioned(
    dispatcher: Member, org: Organization, other_org: Organization, published: Published
) -> None:
    namesake = make_member(other_org, Role.TECHNICIAN, handle="lars")
    retired = make_member(org, Role.TECHNICIAN, handle="per")
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    case = make_case(dispatcher)
    groups = [member_group(other_org.pk, namesake.pk), member_group(org.pk, retired.pk)]
    with published(*groups) as recorder:
        post(dispatcher, case, "@lars og @per, se her")
    assert not Mention.objects.exists()
    assert recorder.all == []
    assert case not in visible_cases(retired)


def test_a_mention_of_a_technician_on_a_case_they_already_see(
    dispatcher: Member, technician: Member
) -> None:
    case: Case = make_case(dispatcher, assignee_member=technician)
    message = post(dispatcher, case, "@lars ring kunden")
    assert list(Mention.objects.values_list("member_id", "message_id")) == [
        (technician.pk, message.pk)
    ]
    assert list(visible_cases(technician)) == [case]
