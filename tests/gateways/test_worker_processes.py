"""Several gateway processes at once, as production scales them: real ``python -m hub.gateways``
processes on the test's PostgreSQL database, a real SMTP server and the test Dovecot. Nothing
is sent twice and no mail is stored twice."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections

from hub.accounts.models import Member
from hub.mail.addresses import reply_address
from hub.mail.models import Mailbox, Security
from hub.mail.secrets import encrypt
from hub.outbox.models import Delivery, State
from hub.threads.actions.messages import do_post_message
from hub.threads.models import Audience, Channel, Message
from tests.factories import make_customer_case
from tests.gateways.email.mails import customer_mail
from tests.mailservers import ImapAccount, SmtpServer
from tests.realtime.conftest import shared_database_url
from tests.servers import ROOT, server_env

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 3
STOP_TIMEOUT = 10.0


@pytest.fixture
def database_url() -> str:
    if connection.vendor != "postgresql":
        pytest.skip("processes share the database only on PostgreSQL: run scripts/test")
    return shared_database_url()


@contextmanager
def gateway_process(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "hub.gateways"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def workers(tmp_path: Path, extra: dict[str, str]) -> Iterator[list[Path]]:
    logs = [tmp_path / f"gateways-{n}.log" for n in range(WORKERS)]
    env = server_env(
        tmp_path,
        {
            "DATABASE_URL": shared_database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "HUB_OUTBOX_POLL_SECONDS": "0.2",
            "HUB_IMAP_POLL_SECONDS": "2",
            "HUB_IMAP_TIMEOUT_SECONDS": "10",
            "SECRET_KEY": settings.SECRET_KEY,
            **extra,
        },
    )
    with ExitStack() as stack:
        for log in logs:
            stack.enter_context(gateway_process(env, log))
        yield logs


def _closing[T](function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run in a worker thread and close that thread's database connection after: PostgreSQL
    will not drop the test database while one is open."""
    try:
        return function(*args, **kwargs)
    finally:
        connections.close_all()


async def db[T](function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await asyncio.to_thread(_closing, function, *args, **kwargs)


async def until(check: Callable[[], bool], logs: list[Path], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not await db(check):
        if time.monotonic() > deadline:
            tails = "\n".join(log.read_text(errors="replace")[-2000:] for log in logs)
            raise AssertionError(f"timed out; the workers said:\n{tails}")
        await asyncio.sleep(0.1)


def sent_count() -> int:
    return Delivery.objects.filter(state=State.SENT).count()


async def test_three_workers_send_each_mail_once(
    database_url: str, dispatcher: Member, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    case = await db(make_customer_case, dispatcher)

    def queue(count: int) -> None:
        for number in range(count):
            do_post_message(
                dispatcher,
                case,
                audience=Audience.CUSTOMER,
                text=f"Melding {number}",
                channel=Channel.EMAIL,
            )

    await db(queue, 90)
    relay = f"smtp+plain://{smtp_server.host}:{smtp_server.port}"
    with workers(tmp_path, {"HUB_SMTP_URL": relay}) as logs:
        await until(lambda: sent_count() == 90, logs)
        await asyncio.sleep(1)  # anything more would be a second copy
    ids = [str(received.message["Message-ID"]) for received in smtp_server.messages]
    assert len(ids) == 90
    assert len(set(ids)) == 90


async def test_three_workers_store_each_mail_once(
    database_url: str, dispatcher: Member, imap_account: ImapAccount, tmp_path: Path
) -> None:
    case = await db(make_customer_case, dispatcher)
    await db(
        Mailbox.objects.create,
        organization=dispatcher.organization,
        name="Kundeservice",
        host=imap_account.host,
        port=imap_account.port,
        security=Security.NONE,
        username=imap_account.user,
        password_encrypted=encrypt(imap_account.password),
    )
    to = await db(reply_address, case)

    def append(start: int, count: int) -> None:
        with imap_account.session() as imap:
            for number in range(start, start + count):
                imap.append("INBOX", None, None, customer_mail(f"Svar {number}", to=to))

    def stored() -> int:
        return Message.objects.filter(case=case).count()

    await db(append, 0, 60)
    with workers(tmp_path, {}) as logs:
        await until(lambda: stored() == 60, logs)
        await db(append, 60, 40)  # while they listen
        await until(lambda: stored() == 100, logs)
        await asyncio.sleep(2)
    assert await db(stored) == 100
