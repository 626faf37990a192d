"""The mail servers the gateway's tests run against (tests/mailservers.py), checked with plain
clients: stdlib imaplib and smtplib, and aioimaplib for IDLE as the gateway will use it."""

from __future__ import annotations

import asyncio
import imaplib
import smtplib
import socket
import ssl
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress

import aioimaplib
import pytest

from tests import mailservers
from tests.mailservers import (
    Dovecot,
    ImapAccount,
    SmtpServer,
    TcpProxy,
    close_imap,
)

# tests/gateways/conftest.py brings the other fixtures of tests.mailservers, not this one.
tcp_proxy = mailservers.tcp_proxy


def mail(subject: str, to: str = "inbox@example.com") -> bytes:
    return (
        f"From: Kari <kari@example.com>\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{subject.replace(' ', '.')}@example.com>\r\n\r\nHello, {subject}.\r\n"
    ).encode()


# ---------------------------------------------------------------- aioimaplib


@asynccontextmanager
async def aio_imap(
    account: ImapAccount,
    port: int | None = None,
    lost: Callable[[Exception | None], None] | None = None,
) -> AsyncIterator[aioimaplib.IMAP4]:
    """Logged in, INBOX selected; the transport is closed at the end whatever happened
    (aioimaplib never closes it itself: LOGOUT only makes the server hang up)."""
    client = aioimaplib.IMAP4(account.host, port or account.port, timeout=5, conn_lost_cb=lost)
    try:
        await client.wait_hello_from_server()
        assert (await client.login(account.user, account.password)).result == "OK"
        assert (await client.select("INBOX")).result == "OK"
        yield client
    finally:
        transport = client.protocol.transport
        if transport is not None and not transport.is_closing():
            with suppress(aioimaplib.AioImapException, TimeoutError, OSError):
                if client.has_pending_idle():
                    client.idle_done()  # else LOGOUT waits behind IDLE until its timeout
                await client.logout()
            transport.close()
        for task in (*client.tasks, *client.protocol.tasks):
            task.cancel()
        await asyncio.sleep(0)


async def pushes_until(
    client: aioimaplib.IMAP4, wanted: bytes, timeout: float = 5.0
) -> list[bytes]:
    """The untagged lines IDLE brought, up to the first that contains ``wanted``."""
    seen: list[bytes] = []
    deadline = time.monotonic() + timeout
    while not any(wanted in line for line in seen):
        push = await client.wait_server_push(timeout=max(deadline - time.monotonic(), 0.01))
        assert push != aioimaplib.STOP_WAIT_SERVER_PUSH  # what idle_start's timeout sends
        seen.extend(push)
    return seen


# ---------------------------------------------------------------- Dovecot


def test_append_then_fetch(imap_account: ImapAccount) -> None:
    assert imap_account.uids() == []
    imap_account.append(mail("first"))
    imap_account.append(mail("second"))
    assert imap_account.uids() == [1, 2]
    assert imap_account.messages() == [mail("first"), mail("second")]
    assert imap_account.flags() == {1: set(), 2: set()}  # BODY.PEEK: not \Seen


def test_append_to_another_mailbox(imap_account: ImapAccount) -> None:
    imap_account.append(mail("archived"), mailbox="Archive")
    assert imap_account.uids() == []
    assert imap_account.messages("Archive") == [mail("archived")]


def test_users_are_isolated(imap_accounts: Callable[[], ImapAccount]) -> None:
    first, second = imap_accounts(), imap_accounts()
    assert first.user != second.user
    first.append(mail("for the first"))
    assert second.uids() == []
    assert first.messages() == [mail("for the first")]


def test_a_wrong_password_is_refused(imap_account: ImapAccount) -> None:
    imap = imaplib.IMAP4(imap_account.host, imap_account.port, timeout=5)
    try:
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            imap.login(imap_account.user, "not-hub")
    finally:
        close_imap(imap)


async def test_idle_hears_an_append_from_another_connection(imap_account: ImapAccount) -> None:
    async with aio_imap(imap_account) as client:
        assert client.has_capability("IDLE")
        idle = await client.idle_start(timeout=30)
        assert client.has_pending_idle()
        await imap_account.aappend(mail("pushed"))
        pushed = await pushes_until(client, b"EXISTS")
        assert b"1 EXISTS" in pushed
        client.idle_done()
        done = await asyncio.wait_for(idle, 5)
        assert done.result == "OK"
        assert not client.has_pending_idle()
        fetched = await client.uid("fetch", "1:*", "(UID BODY.PEEK[])")
        assert fetched.result == "OK"
        assert bytes(fetched.lines[1]) == mail("pushed")


async def test_idle_with_nothing_new_times_out(imap_account: ImapAccount) -> None:
    async with aio_imap(imap_account) as client:
        idle = await client.idle_start(timeout=30)
        with pytest.raises(TimeoutError):
            await client.wait_server_push(timeout=0.3)
        client.idle_done()
        assert (await asyncio.wait_for(idle, 5)).result == "OK"


async def test_idle_start_timeout_only_stops_the_waiting(imap_account: ImapAccount) -> None:
    """idle_start's timeout puts STOP_WAIT_SERVER_PUSH in the queue; IDLE goes on until
    idle_done()."""
    async with aio_imap(imap_account) as client:
        idle = await client.idle_start(timeout=0.2)
        assert await client.wait_server_push(timeout=5) == aioimaplib.STOP_WAIT_SERVER_PUSH
        assert client.has_pending_idle()
        assert not idle.done()
        client.idle_done()
        assert (await asyncio.wait_for(idle, 5)).result == "OK"


def test_uidvalidity_change(imap_account: ImapAccount) -> None:
    imap_account.append(mail("before"))
    before = imap_account.uidvalidity()
    after = imap_account.change_uidvalidity()
    assert after != before
    assert imap_account.uidvalidity() == after
    assert imap_account.messages() == [mail("before")]


async def test_uidvalidity_change_drops_an_idle_session(imap_account: ImapAccount) -> None:
    lost = asyncio.get_running_loop().create_future()

    def on_lost(error: Exception | None) -> None:
        if not lost.done():
            lost.set_result(error)

    async with aio_imap(imap_account, lost=on_lost) as client:
        await client.idle_start(timeout=30)
        new = await asyncio.to_thread(imap_account.change_uidvalidity)
        # IDLE may notice by itself, or not before the next change to the mailbox: make one.
        await imap_account.aappend(mail("after the change"))
        pushed = await pushes_until(client, b"BYE")
        assert any(b"inconsistent" in line for line in pushed), pushed
        await asyncio.wait_for(lost, 5)
    assert imap_account.uidvalidity() == new


def test_kick_drops_every_connection(imap_account: ImapAccount) -> None:
    sessions = [imaplib.IMAP4(imap_account.host, imap_account.port, timeout=5) for _ in range(3)]
    try:
        for imap in sessions:
            imap.login(imap_account.user, imap_account.password)
            imap.select("INBOX")
        assert imap_account.sessions() == 3
        imap_account.kick()
        assert imap_account.sessions() == 0
        for imap in sessions:
            with pytest.raises((imaplib.IMAP4.abort, OSError)):
                imap.noop()
    finally:
        for imap in sessions:
            close_imap(imap)
    imap_account.kick()  # nobody left: fine
    assert imap_account.uids() == []  # and a new login works


async def test_kick_is_heard_by_aioimaplib_in_idle(imap_account: ImapAccount) -> None:
    lost = asyncio.get_running_loop().create_future()

    def on_lost(error: Exception | None) -> None:
        if not lost.done():
            lost.set_result(error)

    async with aio_imap(imap_account, lost=on_lost) as client:
        idle = await client.idle_start(timeout=30)
        await imap_account.akick()
        await asyncio.wait_for(lost, 5)
        # The IDLE command itself never completes: only conn_lost_cb tells.
        assert not idle.done()


def test_imaps_works_with_an_unverified_context(imap_account: ImapAccount) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    imap = imaplib.IMAP4_SSL(
        imap_account.host, imap_account.tls_port, ssl_context=context, timeout=5
    )
    try:
        imap.login(imap_account.user, imap_account.password)
        assert imap.select("INBOX")[0] == "OK"
    finally:
        close_imap(imap)


def test_imaps_verifies_against_the_servers_certificate(imap_account: ImapAccount) -> None:
    context = ssl.create_default_context(cafile=str(imap_account.cafile))
    imap = imaplib.IMAP4_SSL(
        imap_account.host, imap_account.tls_port, ssl_context=context, timeout=5
    )
    try:
        imap.login(imap_account.user, imap_account.password)
    finally:
        close_imap(imap)
    # The system's CAs do not know it (imaplib's own default context checks nothing).
    with pytest.raises(ssl.SSLCertVerificationError):
        imaplib.IMAP4_SSL(
            imap_account.host,
            imap_account.tls_port,
            ssl_context=ssl.create_default_context(),
            timeout=5,
        )


def test_plain_imap_on_the_tls_port_gets_no_greeting(imap_account: ImapAccount) -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        imaplib.IMAP4(imap_account.host, imap_account.tls_port, timeout=0.5)
    assert time.monotonic() - started < 3


def test_tls_on_the_plain_port_fails(imap_account: ImapAccount) -> None:
    with pytest.raises(ssl.SSLError):
        imaplib.IMAP4_SSL(imap_account.host, imap_account.port, timeout=5)


def test_starttls_on_the_plain_port(imap_account: ImapAccount) -> None:
    imap = imaplib.IMAP4(imap_account.host, imap_account.port, timeout=5)
    try:
        imap.starttls(ssl.create_default_context(cafile=str(imap_account.cafile)))
        imap.login(imap_account.user, imap_account.password)
    finally:
        close_imap(imap)


def test_dovecot_fixture_knows_the_ports(dovecot: Dovecot) -> None:
    assert (dovecot.port, dovecot.tls_port) == (10143, 10993)
    assert mailservers.dovecot_answers() is None


# ---------------------------------------------------------------- SMTP


def test_smtp_records_what_it_receives(smtp_server: SmtpServer) -> None:
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client:
        client.sendmail("hub@example.com", ["a@example.com", "b@example.com"], mail("out"))
    [received] = smtp_server.wait_for(1)
    assert received.mail_from == "hub@example.com"
    assert received.rcpt_tos == ["a@example.com", "b@example.com"]
    assert received.content == mail("out")
    assert received.message["Subject"] == "out"


async def test_smtp_await_for(smtp_server: SmtpServer) -> None:
    def send() -> None:
        with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client:
            client.sendmail("hub@example.com", ["a@example.com"], mail("async"))

    sending = asyncio.create_task(asyncio.to_thread(send))
    [received] = await smtp_server.await_for(1)
    await sending
    assert received.content == mail("async")
    with pytest.raises(AssertionError, match="1 message"):
        await smtp_server.await_for(2, timeout=0.1)


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_smtp_auth(smtp_server_auth: SmtpServer, mechanism: str) -> None:
    with smtplib.SMTP(smtp_server_auth.host, smtp_server_auth.port, timeout=5) as client:
        client.ehlo()
        assert client.has_extn("auth")
        assert not client.has_extn("starttls")
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            client.sendmail("hub@example.com", ["a@example.com"], mail("anonymous"))
        assert refused.value.smtp_code == 530
        with pytest.raises(smtplib.SMTPAuthenticationError):
            client.login("relay", "wrong")
        client.user, client.password = "relay", "secret"
        code, _ = client.auth(mechanism, getattr(client, f"auth_{mechanism.lower()}"))
        assert code == 235
        client.sendmail("hub@example.com", ["a@example.com"], mail("authenticated"))
    assert [m.content for m in smtp_server_auth.wait_for(1)] == [mail("authenticated")]


def test_smtp_starttls_then_auth(smtp_server_tls: SmtpServer) -> None:
    assert smtp_server_tls.tls is not None
    with smtplib.SMTP(smtp_server_tls.host, smtp_server_tls.port, timeout=5) as client:
        client.ehlo()
        assert client.has_extn("starttls")
        assert not client.has_extn("auth")  # only after STARTTLS
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            client.sendmail("hub@example.com", ["a@example.com"], mail("in clear"))
        assert refused.value.smtp_code == 530
        client.starttls(context=smtp_server_tls.tls.client_context())
        client.ehlo()
        assert client.has_extn("auth")
        client.login("relay", "secret")
        client.sendmail("hub@example.com", ["a@example.com"], mail("private"))
    assert [m.content for m in smtp_server_tls.wait_for(1)] == [mail("private")]


def test_smtp_stop_refuses_and_start_accepts_on_the_same_port(smtp_server: SmtpServer) -> None:
    port = smtp_server.port
    idle = smtplib.SMTP(smtp_server.host, port, timeout=5)  # a session open across the stop
    try:
        smtp_server.stop()
        assert not smtp_server.running
        with pytest.raises(smtplib.SMTPServerDisconnected):
            idle.noop()
    finally:
        idle.close()
    with pytest.raises(ConnectionRefusedError):
        smtplib.SMTP(smtp_server.host, port, timeout=5)
    smtp_server.start()
    assert smtp_server.port == port
    with smtplib.SMTP(smtp_server.host, port, timeout=5) as client:
        client.sendmail("hub@example.com", ["a@example.com"], mail("back"))
    assert [m.content for m in smtp_server.wait_for(1)] == [mail("back")]


def test_smtp_injected_failures(smtp_server: SmtpServer) -> None:
    smtp_server.fail_next(2, code=451)
    smtp_server.fail_next(1, code=550)
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client:
        for code in (451, 451, 550):
            with pytest.raises(smtplib.SMTPDataError) as failed:
                client.sendmail("hub@example.com", ["a@example.com"], mail(f"try {code}"))
            assert failed.value.smtp_code == code
        client.sendmail("hub@example.com", ["a@example.com"], mail("at last"))
    assert [m.content for m in smtp_server.wait_for(1)] == [mail("at last")]
    assert len(smtp_server.rejected) == 3


# ---------------------------------------------------------------- TCP proxy


def test_proxy_forwards_cuts_and_refuses(
    tcp_proxy: Callable[[str, int], TcpProxy], imap_account: ImapAccount
) -> None:
    proxy = tcp_proxy(imap_account.host, imap_account.port)
    imap_account.append(mail("through"))
    imap = imaplib.IMAP4(proxy.host, proxy.port, timeout=5)
    try:
        imap.login(imap_account.user, imap_account.password)
        imap.select("INBOX", readonly=True)
        assert imap.uid("FETCH", "1", "(BODY.PEEK[])")[1][0][1] == mail("through")
        assert proxy.active == 1
        proxy.cut()
        with pytest.raises((imaplib.IMAP4.abort, OSError)):
            imap.noop()
    finally:
        close_imap(imap)
    assert proxy.active == 0
    proxy.refuse(True)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((proxy.host, proxy.port), timeout=5)
    proxy.refuse(False)
    imap = imaplib.IMAP4(proxy.host, proxy.port, timeout=5)
    close_imap(imap)
    assert proxy.accepted == 2


async def test_proxy_cut_is_heard_by_aioimaplib_in_idle(imap_account: ImapAccount) -> None:
    lost = asyncio.get_running_loop().create_future()

    def on_lost(error: Exception | None) -> None:
        if not lost.done():
            lost.set_result(error)

    proxy = TcpProxy(imap_account.host, imap_account.port)
    async with proxy, aio_imap(imap_account, port=proxy.port, lost=on_lost) as client:
        await client.idle_start(timeout=30)
        proxy.cut()
        await asyncio.wait_for(lost, 5)


def test_proxy_to_a_dead_port_drops_the_client() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    proxy = TcpProxy("127.0.0.1", dead)
    with (
        proxy,
        socket.create_connection((proxy.host, proxy.port), timeout=5) as client,
        suppress(ConnectionResetError),
    ):
        assert client.recv(10) == b""
