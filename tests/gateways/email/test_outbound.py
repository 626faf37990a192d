"""Staff write by e-mail: the delivery is queued with the message, the dispatcher hands it to a
real SMTP server (aiosmtpd on loopback) with the headers that thread it, retries what failed for
a while, gives up on what is refused, and never sends one twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from hub.accounts.models import Member
from hub.errors import HubError
from hub.gateways.outbox import Dispatcher
from hub.mail.addresses import case_id_from_address
from hub.mail.models import MailSettings, Security
from hub.mail.secrets import encrypt
from hub.outbox.models import Delivery, State
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Audience, Case, Channel, EventKind
from tests.consumers.helpers import connected, run
from tests.factories import make_attachment, make_customer_case, png_bytes
from tests.mailservers import SmtpServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def relay(settings: SettingsWrapper, smtp_server: SmtpServer) -> SmtpServer:
    settings.HUB_SMTP_URL = f"smtp+plain://{smtp_server.host}:{smtp_server.port}"
    settings.HUB_OUTBOX_RETRY_BASE_SECONDS = 0.01
    settings.HUB_OUTBOX_RETRY_MAX_SECONDS = 0.02
    settings.HUB_SMTP_TIMEOUT_SECONDS = 5
    return smtp_server


def email(member: Member, case: Case, text: str = "Vi kommer tirsdag kl. 10.", **extra: object):
    message, _new = do_post_message(
        member, case, audience=Audience.CUSTOMER, text=text, channel=Channel.EMAIL, **extra
    )
    return message


async def drain(dispatcher: Dispatcher, rounds: int = 50) -> None:
    """Tick until nothing is due (retries become due within milliseconds here)."""
    for _round in range(rounds):
        if await dispatcher.tick() == 0:
            pending = await run(
                lambda: Delivery.objects.filter(state__in=[State.QUEUED, State.SENDING]).count()
            )
            if pending == 0:
                return
            await asyncio.sleep(0.03)


def test_the_delivery_is_written_with_the_message(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    message = email(dispatcher, case, to="kunde@example.no, Per Vaktmester <per@example.no>")
    rows = list(Delivery.objects.filter(message=message).order_by("recipient"))
    assert [(row.recipient, row.state) for row in rows] == [
        ("kunde@example.no", State.QUEUED),
        ("per@example.no", State.QUEUED),
    ]
    assert rows[0].recipient_contact == case.contact
    assert rows[1].recipient_name == "Per Vaktmester"
    assert all(row.provider_id.endswith(f"@{settings.HUB_MAIL_DOMAIN}") for row in rows)


@pytest.mark.parametrize("to", ["kunde@example", "ikke en adresse", "a@b.no, c@@d.no"])
def test_a_bad_address_queues_nothing(dispatcher: Member, to: str) -> None:
    case = make_customer_case(dispatcher)
    with pytest.raises(HubError) as error:
        email(dispatcher, case, to=to)
    assert error.value.field == "to"
    assert not Delivery.objects.exists()
    assert not case.messages.exists()


def test_internal_notes_never_go_by_mail(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    with pytest.raises(HubError):
        do_post_message(
            dispatcher, case, audience=Audience.INTERNAL, text="Intern", channel=Channel.EMAIL
        )
    assert not Delivery.objects.exists()


async def test_sent_with_headers_that_thread_it(dispatcher: Member, relay: SmtpServer) -> None:
    case = await run(make_customer_case, dispatcher)
    photo = await run(make_attachment, dispatcher, case, "skap.png", png_bytes())
    message = await run(email, dispatcher, case, "Bilde av skapet vedlagt.", attachments=[photo])
    await drain(Dispatcher("w1"))
    (received,) = relay.messages
    mail = received.message
    delivery = await run(Delivery.objects.get, message=message)
    assert delivery.state == State.SENT
    assert delivery.sent_at is not None
    assert mail["Message-ID"] == f"<{delivery.provider_id}>"
    assert f"[{case.reference}]" in mail["Subject"]
    assert case_id_from_address(str(mail["Reply-To"]), case.organization_id) == case.pk
    assert mail["List-Unsubscribe"] is None
    assert mail["Auto-Submitted"] is None
    assert received.rcpt_tos == ["kunde@example.no"]
    assert mail.get_body(("plain",)).get_content().startswith("Bilde av skapet vedlagt.")
    assert "Bilde av skapet vedlagt." in mail.get_body(("html",)).get_content()
    assert [part.get_filename() for part in mail.iter_attachments()] == ["skap.png"]
    assert f"/hooks/mail/opened/{delivery.token}.gif" in mail.get_body(("html",)).get_content()


async def test_staff_see_it_go_live(dispatcher: Member, relay: SmtpServer) -> None:
    case = await run(make_customer_case, dispatcher)
    async with connected(dispatcher) as ws:
        message = await run(email, dispatcher, case)
        created = await ws.until("message.created")
        assert [d["state"] for d in created["message"]["deliveries"]] == ["queued"]
        await drain(Dispatcher("w1"))
        updated = await ws.until("delivery.updated")
        assert updated["message_id"] == message.pk
        assert updated["delivery"]["state"] == "sent"


async def test_server_down_then_up_delivers_each_once(
    dispatcher: Member, relay: SmtpServer
) -> None:
    case = await run(make_customer_case, dispatcher)
    relay.stop()
    for number in range(5):
        await run(email, dispatcher, case, f"Melding {number}")
    worker = Dispatcher("w1")
    await worker.tick()
    waiting = await run(lambda: list(Delivery.objects.values_list("state", "attempts", "error")))
    assert all(
        state == State.QUEUED and attempts == 1 and error for state, attempts, error in waiting
    )
    relay.start()
    await drain(worker)
    texts = sorted(
        r.message.get_body(("plain",)).get_content().splitlines()[0] for r in relay.messages
    )
    assert texts == [f"Melding {number}" for number in range(5)]
    assert await run(lambda: Delivery.objects.filter(state=State.SENT).count()) == 5


async def test_temporary_refusal_is_retried(dispatcher: Member, relay: SmtpServer) -> None:
    case = await run(make_customer_case, dispatcher)
    relay.fail_next(2, code=451)
    message = await run(email, dispatcher, case)
    await drain(Dispatcher("w1"))
    delivery = await run(Delivery.objects.get, message=message)
    assert (delivery.state, delivery.attempts) == (State.SENT, 3)
    assert len(relay.messages) == 1


async def test_permanent_refusal_fails_with_the_reason(
    dispatcher: Member, relay: SmtpServer
) -> None:
    case = await run(make_customer_case, dispatcher)
    relay.fail_next(1, code=550)
    message = await run(email, dispatcher, case)
    await drain(Dispatcher("w1"))
    delivery = await run(Delivery.objects.get, message=message)
    assert delivery.state == State.FAILED
    assert delivery.attempts == 1
    assert delivery.error.startswith("550")
    logged = await run(lambda: list(case.events.values_list("kind", flat=True)))
    assert EventKind.DELIVERY_FAILED in logged


async def test_gives_up_after_the_last_attempt(
    dispatcher: Member, relay: SmtpServer, settings: SettingsWrapper
) -> None:
    settings.HUB_OUTBOX_MAX_ATTEMPTS = 3
    case = await run(make_customer_case, dispatcher)
    relay.stop()
    message = await run(email, dispatcher, case)
    await drain(Dispatcher("w1"))
    delivery = await run(Delivery.objects.get, message=message)
    assert (delivery.state, delivery.attempts) == (State.FAILED, 3)
    assert delivery.error


async def test_several_dispatchers_never_send_twice(dispatcher: Member, relay: SmtpServer) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("competing claims need PostgreSQL (SKIP LOCKED); SQLite has one writer")
    case = await run(make_customer_case, dispatcher)
    for number in range(60):
        await run(email, dispatcher, case, f"Melding {number}")
    workers = [Dispatcher(f"w{n}") for n in range(4)]
    await asyncio.gather(*(drain(worker) for worker in workers))
    ids = sorted(str(r.message["Message-ID"]) for r in relay.messages)
    assert len(ids) == 60
    assert len(set(ids)) == 60


async def test_a_lost_worker_is_taken_over_after_its_lease(
    dispatcher: Member, relay: SmtpServer
) -> None:
    case = await run(make_customer_case, dispatcher)
    message = await run(email, dispatcher, case)
    # A worker claimed it and died before reporting.
    await run(
        lambda: Delivery.objects.filter(message=message).update(
            state=State.SENDING, claimed_by="dead", claimed_until=timezone.now() - timedelta(1)
        )
    )
    await drain(Dispatcher("alive"))
    delivery = await run(Delivery.objects.get, message=message)
    assert delivery.state == State.SENT
    assert len(relay.messages) == 1


async def test_the_organisations_own_server_with_its_login(
    dispatcher: Member, smtp_server_auth: SmtpServer, settings: SettingsWrapper
) -> None:
    settings.HUB_SMTP_URL = "smtp+plain://127.0.0.1:1"  # the relay is not used
    await run(
        MailSettings.objects.create,
        organization=dispatcher.organization,
        from_address="post@nordlys.example",
        smtp_host=smtp_server_auth.host,
        smtp_port=smtp_server_auth.port,
        smtp_security=Security.NONE,
        smtp_username="relay",
        smtp_password_encrypted=encrypt("secret"),
    )
    case = await run(make_customer_case, dispatcher)
    message = await run(email, dispatcher, case)
    await drain(Dispatcher("w1"))
    (received,) = smtp_server_auth.messages
    assert received.mail_from == "post@nordlys.example"
    assert "post@nordlys.example" in str(received.message["From"])
    assert (await run(Delivery.objects.get, message=message)).state == State.SENT


async def test_a_wrong_password_is_a_clear_failure(
    dispatcher: Member, smtp_server_auth: SmtpServer, settings: SettingsWrapper
) -> None:
    settings.HUB_SMTP_URL = (
        f"smtp+plain://relay:wrong@{smtp_server_auth.host}:{smtp_server_auth.port}"
    )
    case = await run(make_customer_case, dispatcher)
    message = await run(email, dispatcher, case)
    await Dispatcher("w1").tick()
    delivery = await run(Delivery.objects.get, message=message)
    assert delivery.state == State.FAILED
    assert delivery.error.startswith("535")
    assert not smtp_server_auth.messages


async def test_the_relay_over_starttls(
    dispatcher: Member, smtp_server_tls: SmtpServer, settings: SettingsWrapper
) -> None:
    server = smtp_server_tls
    settings.HUB_SMTP_URL = f"smtp://relay:secret@{server.host}:{server.port}?verify=no"
    case = await run(make_customer_case, dispatcher)
    message = await run(email, dispatcher, case)
    await drain(Dispatcher("w1"))
    delivery = await run(Delivery.objects.get, message=message)
    assert (delivery.state, delivery.error) == (State.SENT, "")
    assert len(smtp_server_tls.messages) == 1


@pytest.mark.parametrize(
    ("to", "named"),
    [
        ("feil@@adresse.no", "feil@@adresse.no"),
        ("ok@example.no; ikke en adresse", "ikke en adresse"),
    ],
)
def test_the_bad_address_is_named_as_typed(dispatcher: Member, to: str, named: str) -> None:
    case = make_customer_case(dispatcher)
    with pytest.raises(HubError) as error:
        email(dispatcher, case, to=to)
    assert f"“{named}”" in error.value.message


def test_names_and_separators(dispatcher: Member) -> None:
    case = make_customer_case(dispatcher)
    message = email(
        dispatcher,
        case,
        to='"Vaktmester, Per" <PER@example.no>;\nkunde@example.no, per@example.no',
    )
    rows = Delivery.objects.filter(message=message).order_by("recipient")
    assert [(row.recipient, row.recipient_name) for row in rows] == [
        ("kunde@example.no", "Kari Nordmann"),
        ("per@example.no", "Vaktmester, Per"),
    ]
