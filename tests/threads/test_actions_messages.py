"""The message actions: staff writing on a case, a customer's message arriving, read markers.

What a message publishes depends on who may see it: staff groups always, the customer's portal
only for a customer-audience message on a case shown in the portal."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from django.db import connection, transaction

from hub.accounts.models import Member, Organization, Role
from hub.customers.models import Contact
from hub.errors import Conflict, HubError
from hub.events import Group, case_group, inbox_group, member_group, portal_case_group
from hub.threads.actions.cases import do_assign_case
from hub.threads.actions.messages import (
    MAX_TEXT_LENGTH,
    do_mark_read,
    do_post_message,
    do_receive_customer_message,
    unread_count,
)
from hub.threads.models import (
    Audience,
    Case,
    Channel,
    Event,
    EventKind,
    Message,
    ReadMarker,
)
from hub.threads.payloads import case_payload, message_payload
from tests.events import Recorder, recording
from tests.factories import (
    make_case,
    make_contact,
    make_customer,
    make_member,
    make_org,
    post,
    rolled_back,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

Published = Callable[..., AbstractContextManager[Recorder]]
SETTLE = 0.05


@pytest.fixture
def published(django_capture_on_commit_callbacks: Callable[..., Any]) -> Published:
    """Record what reaches ``groups`` while the block runs and its transaction commits."""

    @contextmanager
    def capture(*groups: Group) -> Iterator[Recorder]:
        with (
            recording(*groups, settle=SETTLE) as recorder,
            django_capture_on_commit_callbacks(execute=True),
        ):
            yield recorder

    return capture


@pytest.fixture
def customer_case(dispatcher: Member, org: Organization) -> Case:
    """A customer case with customer communication on, shown in the portal."""
    customer = make_customer(org, "Ola Nordmann")
    return make_case(
        dispatcher,
        "Montering av elbillader",
        customer=customer,
        contact=make_contact(customer, "Ola Nordmann", email="ola@example.no"),
        customer_channel=True,
        portal_visible=True,
    )


@pytest.fixture
def contact(customer_case: Case) -> Contact:
    assert customer_case.contact is not None
    return customer_case.contact


class Groups:
    """The groups a case's events may reach."""

    def __init__(self, case: Case, *members: Member) -> None:
        org = case.organization_id
        self.inbox = inbox_group(org)
        self.case = case_group(org, case.pk)
        self.portal = portal_case_group(org, case.pk)
        self.members = {member.pk: member_group(org, member.pk) for member in members}

    def all(self) -> list[Group]:
        return [self.inbox, self.case, self.portal, *self.members.values()]

    def member(self, member: Member) -> Group:
        return self.members[member.pk]


def stored_case(case: Case) -> Case:
    return Case.objects.select_related(
        "organization", "customer", "contact", "assignee_member", "assignee_team"
    ).get(pk=case.pk)


def stored_message(message: Message) -> Message:
    return Message.objects.select_related("author_member", "author_contact").get(pk=message.pk)


def created_event(case: Case, message: Message) -> dict[str, Any]:
    """The ``message.created`` event as the database now stands."""
    return {
        "type": "message.created",
        "organization_id": case.organization_id,
        "case_id": case.pk,
        "message": message_payload(stored_message(message)),
        "case": case_payload(stored_case(case)),
    }


def read_event(case: Case, member: Member, last_read: int, unread: int) -> dict[str, Any]:
    return {
        "type": "read.updated",
        "organization_id": case.organization_id,
        "case_id": case.pk,
        "member_id": member.pk,
        "last_read_message_id": last_read,
        "unread_count": unread,
    }


def marker(member: Member, case: Case) -> int:
    row = ReadMarker.objects.filter(member=member, case=case).first()
    return 0 if row is None else row.last_read_message_id


# -- do_post_message ---------------------------------------------------------------------------


def test_post_an_internal_note(
    dispatcher: Member, technician: Member, customer_case: Case, published: Published
) -> None:
    groups = Groups(customer_case, dispatcher, technician)
    with published(*groups.all()) as recorder:
        message, created = do_post_message(
            dispatcher,
            customer_case,
            audience=Audience.INTERNAL,
            text="  Kunden har hund, ring på før du går inn.\n",
            client_id="web-1",
        )
    assert created is True

    row = stored_message(message)
    assert row.organization_id == customer_case.organization_id
    assert row.case_id == customer_case.pk
    assert (row.audience, row.direction, row.channel) == ("internal", "out", "web")
    assert (row.author_member, row.author_contact) == (dispatcher, None)
    assert row.text == "Kunden har hund, ring på før du går inn."
    assert (row.html, row.client_id) == ("", "web-1")
    case = stored_case(customer_case)
    assert case.last_message_id == message.pk
    assert case.last_activity == row.created

    [event] = Event.objects.filter(kind=EventKind.MESSAGE_POSTED)
    assert (event.case_id, event.actor_member, event.actor_contact) == (case.pk, dispatcher, None)
    assert event.data == {"message_id": message.pk, "audience": "internal", "files": []}

    created_payload = created_event(customer_case, message)
    assert created_payload["message"]["author"] == {
        "kind": "member",
        "id": dispatcher.pk,
        "name": "Kari Nordmann",
    }
    assert created_payload["case"]["last_message_id"] == message.pk
    author_read = read_event(customer_case, dispatcher, message.pk, 0)
    assert recorder.of(groups.inbox) == [created_payload]
    assert recorder.of(groups.case) == [created_payload, author_read]
    # Writing is reading: the author's marker moved, and only their own sockets hear it.
    assert recorder.of(groups.member(dispatcher)) == [author_read]
    assert recorder.of(groups.member(technician)) == []
    # The case is shown in the portal, but an internal note never is.
    assert recorder.of(groups.portal) == []
    assert marker(dispatcher, customer_case) == message.pk


def test_a_customer_message_on_a_portal_case_reaches_the_portal(
    dispatcher: Member, customer_case: Case, published: Published
) -> None:
    groups = Groups(customer_case)
    with published(*groups.all()) as recorder:
        message, _created = do_post_message(
            dispatcher,
            customer_case,
            audience=Audience.CUSTOMER,
            text="Montøren kommer tirsdag mellom 8 og 10.",
        )
    row = stored_message(message)
    assert (row.audience, row.direction, row.client_id) == ("customer", "out", None)
    expected = created_event(customer_case, message)
    assert recorder.of(groups.inbox) == [expected]
    assert recorder.types(groups.case) == ["message.created", "read.updated"]
    assert recorder.of(groups.portal) == [expected]
    assert Event.objects.get(kind=EventKind.MESSAGE_POSTED).data["audience"] == "customer"


def test_a_customer_message_on_a_case_hidden_from_the_portal_stays_with_staff(
    dispatcher: Member, org: Organization, published: Published
) -> None:
    customer = make_customer(org)
    case = make_case(dispatcher, customer=customer, customer_channel=True)
    groups = Groups(case)
    with published(*groups.all()) as recorder:
        post(dispatcher, case, "Vi sender deg en e-post.", audience=Audience.CUSTOMER)
    assert recorder.types(groups.inbox) == ["message.created"]
    assert recorder.of(groups.portal) == []


def test_html_is_sanitised(dispatcher: Member, customer_case: Case) -> None:
    message, _created = do_post_message(
        dispatcher,
        customer_case,
        audience=Audience.CUSTOMER,
        text="Se vedlagt",
        html=(
            '<p onclick="steal()">Se <b>vedlagt</b><script>alert(1)</script>'
            '<a href="javascript:alert(2)">her</a> og '
            '<a href="https://nordlys.no/avtale">avtalen</a></p>'
        ),
    )
    html = stored_message(message).html
    assert "<b>vedlagt</b>" in html
    assert "script" not in html
    assert "alert" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert 'href="https://nordlys.no/avtale"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_a_message_on_an_internal_case_may_not_go_to_a_customer(dispatcher: Member) -> None:
    case = make_case(dispatcher)
    with pytest.raises(Conflict, match="This is an internal case") as caught:
        do_post_message(dispatcher, case, audience=Audience.CUSTOMER, text="Hei")
    assert caught.value.status == 409
    assert not Message.objects.exists()


def test_a_customer_message_is_refused_while_customer_communication_is_off(
    dispatcher: Member, org: Organization, published: Published
) -> None:
    case = make_case(dispatcher, customer=make_customer(org), portal_visible=True)
    with (
        published(*Groups(case).all()) as recorder,
        pytest.raises(Conflict, match="Customer communication is off for this case") as caught,
    ):
        do_post_message(dispatcher, case, audience=Audience.CUSTOMER, text="Hei")
    assert caught.value.code == "customer_channel_off"
    assert caught.value.as_dict()["code"] == "customer_channel_off"
    assert not Message.objects.exists()
    assert not Event.objects.filter(kind=EventKind.MESSAGE_POSTED).exists()
    assert recorder.all == []
    # An internal note is still fine.
    post(dispatcher, case, "Kunden vil ikke ha SMS.")


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_a_message_needs_text(dispatcher: Member, customer_case: Case, text: str) -> None:
    with pytest.raises(HubError, match="A message needs some text") as caught:
        do_post_message(dispatcher, customer_case, audience=Audience.INTERNAL, text=text)
    assert caught.value.field == "text"
    assert not Message.objects.exists()


def test_a_message_has_a_length_limit(dispatcher: Member, customer_case: Case) -> None:
    with pytest.raises(HubError, match=f"at most {MAX_TEXT_LENGTH} characters") as caught:
        post(dispatcher, customer_case, "x" * (MAX_TEXT_LENGTH + 1))
    assert caught.value.field == "text"
    assert not Message.objects.exists()
    # The limit itself is allowed, and surrounding blanks do not count.
    assert len(post(dispatcher, customer_case, "  " + "x" * MAX_TEXT_LENGTH + "\n").text) == (
        MAX_TEXT_LENGTH
    )


@pytest.mark.parametrize("audience", ["public", "Internal", ""])
def test_an_unknown_audience_is_refused(
    dispatcher: Member, customer_case: Case, audience: str
) -> None:
    with pytest.raises(HubError, match="Unknown audience") as caught:
        do_post_message(dispatcher, customer_case, audience=audience, text="Hei")
    assert caught.value.field == "audience"
    assert not Message.objects.exists()


def test_a_too_long_client_id_is_refused(dispatcher: Member, customer_case: Case) -> None:
    with pytest.raises(HubError, match="client_id is too long") as caught:
        do_post_message(
            dispatcher, customer_case, audience=Audience.INTERNAL, text="Hei", client_id="c" * 65
        )
    assert caught.value.field == "client_id"
    message, _created = do_post_message(
        dispatcher, customer_case, audience=Audience.INTERNAL, text="Hei", client_id="c" * 64
    )
    assert stored_message(message).client_id == "c" * 64


def test_posting_publishes_nothing_when_rolled_back(
    dispatcher: Member, customer_case: Case, published: Published
) -> None:
    groups = Groups(customer_case, dispatcher)
    with published(*groups.all()) as recorder, rolled_back():
        post(dispatcher, customer_case, "Kommer i morgen", audience=Audience.CUSTOMER)
    assert recorder.all == []
    assert not Message.objects.exists()
    assert not Event.objects.filter(kind=EventKind.MESSAGE_POSTED).exists()
    assert marker(dispatcher, customer_case) == 0
    assert stored_case(customer_case).last_message is None


# -- client_id: a resend after a lost answer stores nothing new ---------------------------------


def test_the_same_client_id_twice_stores_one_message(
    dispatcher: Member, customer_case: Case, published: Published
) -> None:
    groups = Groups(customer_case, dispatcher)
    with published(*groups.all()) as recorder:
        first, first_created = do_post_message(
            dispatcher, customer_case, audience=Audience.CUSTOMER, text="Hei", client_id="abc"
        )
        again, again_created = do_post_message(
            dispatcher, customer_case, audience=Audience.CUSTOMER, text="Hei", client_id="abc"
        )
    assert (first_created, again_created) == (True, False)
    assert again.pk == first.pk
    assert Message.objects.count() == 1
    assert Event.objects.filter(kind=EventKind.MESSAGE_POSTED).count() == 1
    assert recorder.types(groups.inbox) == ["message.created"]
    assert recorder.types(groups.portal) == ["message.created"]
    assert recorder.types(groups.case) == ["message.created", "read.updated"]
    assert recorder.types(groups.member(dispatcher)) == ["read.updated"]


def test_a_resend_returns_the_stored_message_whatever_it_now_says(
    dispatcher: Member, customer_case: Case
) -> None:
    first = post_with_id(dispatcher, customer_case, "abc", text="Første versjon")
    # The answer to the first send was lost; the client's retry carries an edited draft.
    again, created = do_post_message(
        dispatcher, customer_case, audience=Audience.CUSTOMER, text="Andre", client_id="abc"
    )
    assert (again.pk, created) == (first.pk, False)
    assert stored_message(again).text == "Første versjon"
    assert stored_message(again).audience == "internal"


def post_with_id(actor: Member, case: Case, client_id: str, text: str = "Hei") -> Message:
    message, _created = do_post_message(
        actor, case, audience=Audience.INTERNAL, text=text, client_id=client_id
    )
    return message


def test_the_same_client_id_from_another_member_is_another_message(
    dispatcher: Member, admin_member: Member, customer_case: Case
) -> None:
    mine = post_with_id(dispatcher, customer_case, "draft-1")
    theirs, created = do_post_message(
        admin_member, customer_case, audience=Audience.INTERNAL, text="Hei", client_id="draft-1"
    )
    assert created is True
    assert theirs.pk != mine.pk
    assert Message.objects.filter(client_id="draft-1").count() == 2


def test_reusing_a_client_id_on_another_case_is_a_conflict(
    dispatcher: Member, customer_case: Case
) -> None:
    post_with_id(dispatcher, customer_case, "draft-1")
    other = make_case(dispatcher, "Annen sak")
    with pytest.raises(Conflict, match="used for a message on another case") as caught:
        post_with_id(dispatcher, other, "draft-1")
    assert caught.value.field == "client_id"
    assert not Message.objects.filter(case=other).exists()


@pytest.mark.parametrize("client_id", [None, ""])
def test_without_a_client_id_every_post_is_new(
    dispatcher: Member, customer_case: Case, client_id: str | None
) -> None:
    for _ in range(2):
        _message, created = do_post_message(
            dispatcher, customer_case, audience=Audience.INTERNAL, text="Hei", client_id=client_id
        )
        assert created is True
    assert list(Message.objects.values_list("client_id", flat=True)) == [None, None]


def skip_on_sqlite() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time: there is no race to lose")


def run_threads(*targets: Callable[[], None]) -> list[BaseException]:
    """Run each target in a thread with its own connection, closed at the end."""
    errors: list[BaseException] = []

    def run(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as error:  # reported by the test, from its own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_with_one_client_id_store_one_message() -> None:
    skip_on_sqlite()
    author = make_member(make_org())
    case = make_case(author)
    rounds = 5
    results: list[tuple[str, int, bool]] = []
    lock = threading.Lock()
    barriers = [threading.Barrier(2) for _ in range(rounds)]

    def send() -> None:
        for n in range(rounds):
            barriers[n].wait(timeout=10)
            message, created = do_post_message(
                author, case, audience=Audience.INTERNAL, text=f"Melding {n}", client_id=f"c{n}"
            )
            with lock:
                results.append((f"c{n}", message.pk, created))

    assert run_threads(send, send) == []
    assert Message.objects.count() == rounds
    for n in range(rounds):
        answers = [(pk, created) for client_id, pk, created in results if client_id == f"c{n}"]
        stored = Message.objects.get(client_id=f"c{n}")
        assert sorted(answers) == [(stored.pk, False), (stored.pk, True)]
    assert Event.objects.filter(kind=EventKind.MESSAGE_POSTED).count() == rounds


@pytest.mark.django_db(transaction=True)
def test_a_post_that_loses_the_race_on_insert_returns_the_winner() -> None:
    """The loser passes the client_id look-up before the winner commits, so it is the unique
    index that stops it: it waits on the winner's row lock, gets the IntegrityError and answers
    with the winner's message."""
    skip_on_sqlite()
    author = make_member(make_org())
    case = make_case(author)
    groups = Groups(case)
    winner_inserted = threading.Event()
    loser_waiting = threading.Event()
    outcome: dict[str, tuple[int, bool]] = {}

    def winner() -> None:
        with transaction.atomic():
            message, created = do_post_message(
                author, case, audience=Audience.INTERNAL, text="Først", client_id="same"
            )
            outcome["winner"] = (message.pk, created)
            winner_inserted.set()
            assert loser_waiting.wait(timeout=10)

    def loser() -> None:
        assert winner_inserted.wait(timeout=10)
        message, created = do_post_message(
            author, case, audience=Audience.INTERNAL, text="Også først", client_id="same"
        )
        outcome["loser"] = (message.pk, created)

    def watch() -> None:
        # The loser is blocked once PostgreSQL shows a backend waiting for a lock.
        deadline = time.monotonic() + 10
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone() == (1,):
                    loser_waiting.set()
                    return
                time.sleep(0.01)
        loser_waiting.set()
        raise AssertionError("the second post never waited for the first")

    with recording(*groups.all(), settle=0.1) as recorder:
        assert run_threads(winner, loser, watch) == []

    stored = Message.objects.get()
    assert stored.text == "Først"
    assert outcome == {"winner": (stored.pk, True), "loser": (stored.pk, False)}
    assert Event.objects.filter(kind=EventKind.MESSAGE_POSTED).count() == 1
    assert recorder.types(groups.inbox) == ["message.created"]
    assert recorder.types(groups.case) == ["message.created", "read.updated"]


# -- do_receive_customer_message ---------------------------------------------------------------


def test_a_customer_message_arrives(
    dispatcher: Member, customer_case: Case, contact: Contact, published: Published
) -> None:
    groups = Groups(customer_case, dispatcher)
    with published(*groups.all()) as recorder:
        message, created = do_receive_customer_message(
            customer_case,
            contact,
            text=" Passer det onsdag i stedet? ",
            channel=Channel.EMAIL,
            html="<p>Passer det <i>onsdag</i>?<img src=x onerror=alert(1)></p>",
            client_id="<CAF123@mail.example.no>",
        )
    assert created is True
    row = stored_message(message)
    assert (row.audience, row.direction, row.channel) == ("customer", "in", "email")
    assert (row.author_member, row.author_contact) == (None, contact)
    assert row.text == "Passer det onsdag i stedet?"
    assert "<i>onsdag</i>" in row.html
    assert "onerror" not in row.html
    assert row.client_id == "<CAF123@mail.example.no>"
    assert stored_case(customer_case).last_message_id == message.pk

    [event] = Event.objects.filter(kind=EventKind.MESSAGE_POSTED)
    assert (event.actor_member, event.actor_contact) == (None, contact)
    assert event.data == {"message_id": message.pk, "audience": "customer", "files": []}

    expected = created_event(customer_case, message)
    assert expected["message"]["author"] == {
        "kind": "contact",
        "id": contact.pk,
        "name": "Ola Nordmann",
    }
    assert recorder.of(groups.inbox) == [expected]
    assert recorder.of(groups.case) == [expected]
    assert recorder.of(groups.portal) == [expected]
    # No member wrote it: no read marker moved.
    assert recorder.of(groups.member(dispatcher)) == []
    assert not ReadMarker.objects.exists()


def test_a_customer_message_is_kept_while_customer_communication_is_off(
    dispatcher: Member, org: Organization, published: Published
) -> None:
    customer = make_customer(org)
    contact = make_contact(customer)
    case = make_case(dispatcher, customer=customer, contact=contact)
    groups = Groups(case)
    with published(*groups.all()) as recorder:
        message, created = do_receive_customer_message(
            case, contact, text="Hallo?", channel=Channel.SMS
        )
    assert created is True
    assert stored_message(message).channel == "sms"
    assert recorder.types(groups.inbox) == ["message.created"]
    # The case is not shown in the portal.
    assert recorder.of(groups.portal) == []


def test_a_customer_resend_stores_one_message(
    customer_case: Case, contact: Contact, published: Published
) -> None:
    groups = Groups(customer_case)
    with published(*groups.all()) as recorder:
        first, first_created = do_receive_customer_message(
            customer_case, contact, text="Hei", channel=Channel.PORTAL, client_id="p-1"
        )
        again, again_created = do_receive_customer_message(
            customer_case, contact, text="Hei", channel=Channel.PORTAL, client_id="p-1"
        )
    assert (first_created, again_created) == (True, False)
    assert again.pk == first.pk
    assert Message.objects.count() == 1
    assert recorder.types(groups.portal) == ["message.created"]


def test_a_customer_may_not_reuse_a_client_id_on_another_case(
    dispatcher: Member, customer_case: Case, contact: Contact
) -> None:
    do_receive_customer_message(customer_case, contact, text="Hei", channel="portal", client_id="x")
    assert contact.customer is not None
    other = make_case(dispatcher, customer=contact.customer, contact=contact)
    with pytest.raises(Conflict, match="another case"):
        do_receive_customer_message(other, contact, text="Hei", channel="portal", client_id="x")


def test_a_customer_message_needs_text(customer_case: Case, contact: Contact) -> None:
    with pytest.raises(HubError, match="A message needs some text"):
        do_receive_customer_message(customer_case, contact, text="  ", channel=Channel.SMS)
    with pytest.raises(HubError, match="at most"):
        do_receive_customer_message(
            customer_case, contact, text="x" * (MAX_TEXT_LENGTH + 1), channel=Channel.SMS
        )
    assert not Message.objects.exists()


def test_a_contact_of_another_organisation_is_refused(
    customer_case: Case, other_org: Organization
) -> None:
    stranger = make_contact(make_customer(other_org, "Svensson AB"))
    with pytest.raises(HubError, match="belongs to another organisation"):
        do_receive_customer_message(customer_case, stranger, text="Hej", channel=Channel.EMAIL)
    assert not Message.objects.exists()


def test_a_contact_of_another_customer_is_refused(customer_case: Case, org: Organization) -> None:
    neighbour = make_contact(make_customer(org, "Naboen"), "Nils Nabo")
    with pytest.raises(HubError):
        do_receive_customer_message(customer_case, neighbour, text="Hei", channel=Channel.EMAIL)
    assert not Message.objects.exists()


def test_a_contact_cannot_write_on_an_internal_case(
    dispatcher: Member, contact: Contact, published: Published
) -> None:
    case = make_case(dispatcher, "Intern opplæring")
    with published(*Groups(case).all()) as recorder, pytest.raises(HubError):
        do_receive_customer_message(case, contact, text="Hei", channel=Channel.EMAIL)
    assert not Message.objects.filter(case=case).exists()
    assert recorder.all == []


def test_receiving_publishes_nothing_when_rolled_back(
    customer_case: Case, contact: Contact, published: Published
) -> None:
    with published(*Groups(customer_case).all()) as recorder, rolled_back():
        do_receive_customer_message(customer_case, contact, text="Hei", channel=Channel.SMS)
    assert recorder.all == []
    assert not Message.objects.exists()
    assert not Event.objects.filter(kind=EventKind.MESSAGE_POSTED).exists()


# -- do_mark_read ------------------------------------------------------------------------------


@pytest.fixture
def thread(dispatcher: Member, technician: Member, customer_case: Case) -> list[Message]:
    """Three messages from the dispatcher on the technician's case."""
    do_assign_case(dispatcher, customer_case, member=technician)
    return [post(dispatcher, customer_case, f"Melding {n}") for n in (1, 2, 3)]


def test_mark_read_moves_the_marker_and_counts_what_is_left(
    technician: Member, customer_case: Case, thread: list[Message], published: Published
) -> None:
    first, _second, third = thread
    groups = Groups(customer_case, technician)
    with published(*groups.all()) as recorder:
        returned = do_mark_read(technician, customer_case, first.pk)
    assert returned.last_read_message_id == first.pk
    assert marker(technician, customer_case) == first.pk
    row = ReadMarker.objects.get(member=technician, case=customer_case)
    assert row.organization_id == customer_case.organization_id
    expected = read_event(customer_case, technician, first.pk, 2)
    assert recorder.of(groups.member(technician)) == [expected]
    assert recorder.of(groups.case) == [expected]
    assert recorder.of(groups.inbox) == []
    assert recorder.of(groups.portal) == []

    with published(*groups.all()) as recorder:
        do_mark_read(technician, customer_case, third.pk)
    assert marker(technician, customer_case) == third.pk
    assert recorder.of(groups.member(technician)) == [
        read_event(customer_case, technician, third.pk, 0)
    ]


def test_mark_read_never_moves_backwards(
    technician: Member, customer_case: Case, thread: list[Message], published: Published
) -> None:
    first, _second, third = thread
    do_mark_read(technician, customer_case, third.pk)
    groups = Groups(customer_case, technician)
    with published(*groups.all()) as recorder:
        assert do_mark_read(technician, customer_case, first.pk).last_read_message_id == third.pk
        do_mark_read(technician, customer_case, third.pk)
    assert marker(technician, customer_case) == third.pk
    assert recorder.all == []


def test_the_unread_count_leaves_out_ones_own_messages(
    dispatcher: Member, technician: Member, customer_case: Case, thread: list[Message]
) -> None:
    first = thread[0]
    mine = post(technician, customer_case, "Jeg er på vei")
    # Posting moved the technician's marker past everything before their own message.
    assert marker(technician, customer_case) == mine.pk
    later = post(dispatcher, customer_case, "Fint, takk")
    assert unread_count(technician, customer_case, first.pk) == 3
    assert unread_count(technician, customer_case, mine.pk) == 1
    assert unread_count(dispatcher, customer_case, first.pk) == 1
    assert unread_count(technician, customer_case, later.pk) == 0


def test_the_authors_marker_advances_on_posting(
    dispatcher: Member, technician: Member, customer_case: Case, published: Published
) -> None:
    first = post(dispatcher, customer_case, "Første")
    assert marker(dispatcher, customer_case) == first.pk
    assert marker(technician, customer_case) == 0
    groups = Groups(customer_case, dispatcher, technician)
    with published(*groups.all()) as recorder:
        second = post(dispatcher, customer_case, "Andre")
    assert marker(dispatcher, customer_case) == second.pk
    assert recorder.of(groups.member(dispatcher)) == [
        read_event(customer_case, dispatcher, second.pk, 0)
    ]
    assert recorder.of(groups.member(technician)) == []


def test_mark_read_needs_a_message_of_the_case(
    dispatcher: Member, technician: Member, customer_case: Case, thread: list[Message]
) -> None:
    elsewhere = post(dispatcher, make_case(dispatcher, "Annen sak"), "Hei")
    for message_id in (elsewhere.pk, thread[-1].pk + 1000, 0):
        with pytest.raises(HubError, match="not on this case") as caught:
            do_mark_read(technician, customer_case, message_id)
        assert caught.value.field == "message_id"
    assert marker(technician, customer_case) == 0


def test_mark_read_publishes_nothing_when_rolled_back(
    technician: Member, customer_case: Case, thread: list[Message], published: Published
) -> None:
    groups = Groups(customer_case, technician)
    with published(*groups.all()) as recorder, rolled_back():
        do_mark_read(technician, customer_case, thread[-1].pk)
    assert recorder.all == []
    assert marker(technician, customer_case) == 0


def test_each_member_has_their_own_marker(
    dispatcher: Member, technician: Member, customer_case: Case, thread: list[Message]
) -> None:
    colleague = make_member(customer_case.organization, Role.DISPATCHER, handle="siri")
    do_mark_read(technician, customer_case, thread[0].pk)
    do_mark_read(colleague, customer_case, thread[2].pk)
    assert marker(technician, customer_case) == thread[0].pk
    assert marker(colleague, customer_case) == thread[2].pk
    assert marker(dispatcher, customer_case) == thread[2].pk
    assert ReadMarker.objects.filter(case=customer_case).count() == 3
