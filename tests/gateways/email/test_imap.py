"""Mail in through a real Dovecot: IDLE picks a reply up, it lands on its case, a staff socket
sees it; and nothing is lost or stored twice when the connection is killed mid-fetch, the
worker is restarted and the server renumbers the folder (UIDVALIDITY)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable

import pytest
from django.conf import settings
from pytest_django import Settings as SettingsWrapper

from hub.accounts.models import Member
from hub.gateways.email.imap import MailboxListener
from hub.gateways.outbox import Dispatcher
from hub.mail.addresses import reply_address
from hub.mail.dev import customer_reply
from hub.mail.models import Mailbox, MailRecord, Security
from hub.mail.secrets import encrypt
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Audience, Case, Channel, Message
from tests.consumers.helpers import connected, run
from tests.factories import make_customer_case
from tests.gateways.email.mails import customer_mail
from tests.mailservers import ImapAccount, SmtpServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _quick(settings: SettingsWrapper) -> None:
    settings.HUB_IMAP_POLL_SECONDS = 2
    settings.HUB_IMAP_TIMEOUT_SECONDS = 10
    settings.HUB_IMAP_RECONNECT_MAX_SECONDS = 1


def make_mailbox(member: Member, account: ImapAccount) -> Mailbox:
    return Mailbox.objects.create(
        organization=member.organization,
        name="Kundeservice",
        host=account.host,
        port=account.port,
        security=Security.NONE,
        username=account.user,
        password_encrypted=encrypt(account.password),
    )


@contextlib.asynccontextmanager
async def listening(mailbox: Mailbox, worker: str = "w1") -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(MailboxListener(mailbox.pk, worker).run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def until(check: Callable[[], bool], timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not await run(check):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await asyncio.sleep(0.05)


async def test_a_reply_goes_round_the_loop_and_staff_see_it(
    dispatcher: Member,
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    settings: SettingsWrapper,
) -> None:
    settings.HUB_SMTP_URL = f"smtp+plain://{smtp_server.host}:{smtp_server.port}"
    case = await run(make_customer_case, dispatcher)
    mailbox = await run(make_mailbox, dispatcher, imap_account)
    await run(
        do_post_message,
        dispatcher,
        case,
        audience=Audience.CUSTOMER,
        text="Vi kan komme tirsdag kl. 10. Passer det?",
        channel=Channel.EMAIL,
    )
    await Dispatcher("w1").tick()
    (sent,) = await smtp_server.await_for(1)
    reply = customer_reply(sent.content, "Tirsdag passer fint!")
    async with connected(dispatcher) as ws, listening(mailbox):
        await asyncio.sleep(0.5)  # let it reach IDLE: the reply must come by push, not by login
        started = time.monotonic()
        await imap_account.aappend(reply)
        event = await ws.until("message.created", timeout=15)
        elapsed = time.monotonic() - started
    assert event["case_id"] == case.pk
    assert event["message"]["text"] == "Tirsdag passer fint!"
    assert event["message"]["channel"] == "email"
    assert elapsed < settings.HUB_IMAP_POLL_SECONDS  # IDLE, not the poll


async def test_a_wrong_password_is_shown_on_the_mailbox(
    dispatcher: Member, imap_account: ImapAccount
) -> None:
    mailbox = await run(make_mailbox, dispatcher, imap_account)
    await run(Mailbox.objects.filter(pk=mailbox.pk).update, password_encrypted=encrypt("feil"))
    async with listening(mailbox):
        await until(lambda: bool(Mailbox.objects.get(pk=mailbox.pk).last_error), what="the error")


async def test_a_tls_mismatch_does_not_hang(dispatcher: Member, imap_account: ImapAccount) -> None:
    """Plain IMAP spoken to the IMAPS port: the watchdog ends the session."""
    mailbox = await run(make_mailbox, dispatcher, imap_account)
    await run(Mailbox.objects.filter(pk=mailbox.pk).update, port=imap_account.tls_port)
    async with listening(mailbox):
        await until(
            lambda: bool(Mailbox.objects.get(pk=mailbox.pk).last_error),
            timeout=settings.HUB_IMAP_TIMEOUT_SECONDS + 10,
            what="the error",
        )


def batch(case: Case, count: int, start: int = 0) -> list[bytes]:
    to = reply_address(case)
    mails = []
    for number in range(start, start + count):
        # Every tenth without a Message-ID: those are recognised by their content.
        message_id = None if number % 10 == 0 else f"<mail-{number}@example.no>"
        mails.append(customer_mail(f"Melding nummer {number}", to=to, message_id=message_id))
    return mails


def append_all(account: ImapAccount, mails: list[bytes]) -> None:
    with account.session() as imap:
        for raw in mails:
            imap.append("INBOX", None, None, raw)


def stored(case: Case) -> int:
    return Message.objects.filter(case=case).count()


async def test_500_mails_survive_a_killed_connection_a_restart_and_a_new_uidvalidity(
    dispatcher: Member, imap_account: ImapAccount
) -> None:
    case = await run(make_customer_case, dispatcher)
    mailbox = await run(make_mailbox, dispatcher, imap_account)
    await asyncio.to_thread(append_all, imap_account, batch(case, 400))
    async with listening(mailbox, "w1"):
        await until(lambda: stored(case) >= 100, what="100 stored")
        await imap_account.akick()  # killed mid-fetch
        await until(lambda: stored(case) >= 200, what="200 stored")
    # The worker process is gone; another starts (its lease must first run out, or be freed).
    async with listening(mailbox, "w2"):
        await until(lambda: stored(case) >= 300, what="300 stored")
        await asyncio.to_thread(imap_account.change_uidvalidity)
        await asyncio.to_thread(append_all, imap_account, batch(case, 100, start=400))
        await imap_account.akick()
        await until(lambda: stored(case) >= 500, timeout=120, what="500 stored")
        await asyncio.sleep(1)  # anything more would be a duplicate
    assert await run(stored, case) == 500
    texts = await run(
        lambda: sorted(Message.objects.filter(case=case).values_list("text", flat=True))
    )
    assert texts == sorted(f"Melding nummer {number}" for number in range(500))
    assert await run(MailRecord.objects.filter(case=case).count) == 500
