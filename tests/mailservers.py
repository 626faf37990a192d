"""Real mail servers on loopback for the tests of the e-mail gateway.

IMAP: the private Dovecot that ``scripts/services`` installs and starts (plain IMAP on
127.0.0.1:10143, IMAPS on 127.0.0.1:10993 with a self-signed certificate; any user name logs in
with password ``hub`` and gets an empty Maildir of its own). ``imap_account`` hands each test a
user of its own, with helpers to put mail in, look at it, change the UIDVALIDITY and drop the
user's connections (``doveadm``).

SMTP: ``smtp_server`` (and ``smtp_server_auth``, ``smtp_server_tls``), an aiosmtpd server in a
thread of its own, on a free port, that records what it receives; it can be stopped and started
again on the same port, and told to refuse the next messages with a 451 or a 550.

``TcpProxy`` (and the ``tcp_proxy`` fixture): a loopback TCP proxy that can cut every live
connection at once and refuse new ones, to play a network that fails.

When Dovecot does not answer, the tests that need it skip, except under CI (``CI`` set), where
they fail: CI runs ``scripts/test``, which starts it, so a missing server there is a fault.
"""

from __future__ import annotations

import asyncio
import datetime
import imaplib
import ipaddress
import logging
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

# As in scripts/services.
DOVECOT_HOST = "127.0.0.1"
DOVECOT_PORT = 10143
DOVECOT_TLS_PORT = 10993
DOVECOT_PASSWORD = "hub"
DOVECOT_DIR = Path("/var/lib/hub-dovecot")
DOVECOT_CONF = DOVECOT_DIR / "dovecot.conf"
DOVECOT_CERT = DOVECOT_DIR / "tls" / "cert.pem"
DOVECOT_GREETING = b"Hub test Dovecot ready."

SMTP_HOST = "127.0.0.1"
SMTP_USER = "relay"
SMTP_PASSWORD = "secret"

IO_TIMEOUT = 10.0  # seconds, for one step of a helper's conversation with a server
UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")


def _missing(reason: str) -> None:
    """Skip, or fail under CI: there the services are started by scripts/test."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: a missing service is an error there, not a skip)")
    pytest.skip(reason)


def dovecot_answers(timeout: float = 3.0) -> str | None:
    """None when our Dovecot greets on its IMAP port, else what went wrong."""
    try:
        with socket.create_connection((DOVECOT_HOST, DOVECOT_PORT), timeout=timeout) as sock:
            sock.settimeout(timeout)
            with sock.makefile("rb") as reader:
                greeting = reader.readline()
            with suppress(OSError):
                sock.sendall(b"a LOGOUT\r\n")
    except OSError as error:
        return f"nothing answers on {DOVECOT_HOST}:{DOVECOT_PORT} ({error})"
    if not greeting.startswith(b"* OK") or DOVECOT_GREETING not in greeting:
        return f"{DOVECOT_HOST}:{DOVECOT_PORT} is not the tests' Dovecot: it says {greeting!r}"
    return None


def doveadm(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``doveadm -c <our config> ARGS`` (through ``sudo -n`` when not root: its sockets and
    the mail belong to root and vmail)."""
    command = [shutil.which("doveadm") or "/usr/bin/doveadm", "-c", str(DOVECOT_CONF), *args]
    if os.geteuid() != 0:
        command = ["sudo", "-n", "--", *command]
    result = subprocess.run(  # noqa: S603 - Debian's doveadm, fixed arguments
        command, capture_output=True, text=True, timeout=30, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} failed ({result.returncode}): {result.stdout}{result.stderr}"
        )
    return result


@dataclass(frozen=True)
class Dovecot:
    host: str = DOVECOT_HOST
    port: int = DOVECOT_PORT
    tls_port: int = DOVECOT_TLS_PORT
    cafile: Path = DOVECOT_CERT


@pytest.fixture(scope="session")
def dovecot() -> Dovecot:
    """The tests' Dovecot, once it is known to answer (else skip; under CI, fail)."""
    problem = dovecot_answers()
    if problem is not None:
        _missing(f"needs the tests' Dovecot: {problem}; start it with scripts/services")
    return Dovecot()


def close_imap(imap: imaplib.IMAP4) -> None:
    """LOGOUT when the connection still works; the socket is closed either way."""
    try:
        imap.logout()
    except (imaplib.IMAP4.error, OSError):
        with suppress(OSError):
            imap.shutdown()


def _ok(result: tuple[str, list[Any]], what: str) -> list[Any]:
    kind, data = result
    if kind != "OK":
        raise AssertionError(f"IMAP {what}: {kind} {data!r}")
    return data


@dataclass
class ImapAccount:
    """A Dovecot user of the test's own, with an INBOX that starts empty.

    The helpers are synchronous (stdlib imaplib, one connection each, closed when done); the
    ``a``-prefixed ones run them in a thread for async tests."""

    host: str
    port: int
    tls_port: int
    user: str
    password: str
    cafile: Path  # the server's self-signed certificate: verify IMAPS/STARTTLS against it

    @contextmanager
    def session(self, mailbox: str | None = None) -> Iterator[imaplib.IMAP4]:
        """A logged-in imaplib connection (with ``mailbox`` selected read-only, if given)."""
        imap = imaplib.IMAP4(self.host, self.port, timeout=IO_TIMEOUT)
        try:
            _ok(imap.login(self.user, self.password), "LOGIN")
            if mailbox is not None:
                _ok(imap.select(mailbox, readonly=True), f"SELECT {mailbox}")
            yield imap
        finally:
            close_imap(imap)

    def append(self, raw: bytes, mailbox: str = "INBOX") -> None:
        """Deliver one message (``raw``: RFC 5322 bytes) into ``mailbox``, made if missing."""
        with self.session() as imap:
            if mailbox.upper() != "INBOX":
                imap.create(mailbox)  # NO when it exists: fine
            _ok(imap.append(mailbox, None, None, raw), f"APPEND {mailbox}")

    async def aappend(self, raw: bytes, mailbox: str = "INBOX") -> None:
        await asyncio.to_thread(self.append, raw, mailbox)

    def uids(self, mailbox: str = "INBOX") -> list[int]:
        with self.session(mailbox) as imap:
            data = _ok(imap.uid("SEARCH", "ALL"), "UID SEARCH")
        return [int(uid) for uid in data[0].split()]

    async def auids(self, mailbox: str = "INBOX") -> list[int]:
        return await asyncio.to_thread(self.uids, mailbox)

    def messages(self, mailbox: str = "INBOX") -> list[bytes]:
        """Every message in ``mailbox``, in UID order, as raw bytes (not marked \\Seen)."""
        with self.session(mailbox) as imap:
            data = _ok(imap.uid("FETCH", "1:*", "(BODY.PEEK[])"), "UID FETCH")
        return [part[1] for part in data if isinstance(part, tuple)]

    async def amessages(self, mailbox: str = "INBOX") -> list[bytes]:
        return await asyncio.to_thread(self.messages, mailbox)

    def flags(self, mailbox: str = "INBOX") -> dict[int, set[str]]:
        """UID → flags (``\\Seen``, ``\\Deleted``…) of every message in ``mailbox``, less
        ``\\Recent`` (a property of sessions, not of the message)."""
        with self.session(mailbox) as imap:
            data = _ok(imap.uid("FETCH", "1:*", "(FLAGS)"), "UID FETCH FLAGS")
        found: dict[int, set[str]] = {}
        for line in data:
            if not isinstance(line, bytes):
                continue
            uid = re.search(rb"UID (\d+)", line)
            flags = re.search(rb"FLAGS \(([^)]*)\)", line)
            if uid and flags:
                found[int(uid.group(1))] = set(flags.group(1).decode().split()) - {"\\Recent"}
        return found

    def uidvalidity(self, mailbox: str = "INBOX") -> int:
        with self.session() as imap:
            data = _ok(imap.status(mailbox, "(UIDVALIDITY)"), "STATUS")
        found = UIDVALIDITY.search(data[0])
        assert found, f"no UIDVALIDITY in {data!r}"
        return int(found.group(1))

    def change_uidvalidity(self, mailbox: str = "INBOX") -> int:
        """Give ``mailbox`` a new UIDVALIDITY (``doveadm mailbox update``); returns it.

        A session that has the mailbox selected hears of it at its next sync: its next
        command; in IDLE, sometimes by itself within a second or two, else at the next change
        to the mailbox (a new mail). It gets ``* BYE IMAP session state is inconsistent,
        please relogin.`` and the connection closes."""
        new = self.uidvalidity(mailbox) + 1
        doveadm("mailbox", "update", "-u", self.user, "--uid-validity", str(new), mailbox)
        return new

    def sessions(self) -> int:
        """How many logged-in IMAP connections the user has (``doveadm who``)."""
        result = doveadm("who", "-1", self.user, check=False)
        return sum(1 for line in result.stdout.splitlines() if line.split()[:1] == [self.user])

    def kick(self, timeout: float = 5.0) -> None:
        """Drop every logged-in IMAP connection of the user (``doveadm kick``) and wait until
        they are gone. Each client gets ``* BYE Server shutting down.``, then the connection
        closes. A user with no connection is fine."""
        result = doveadm("kick", self.user, check=False)
        # 68 (EX_NOUSER): "no users kicked"
        if result.returncode not in (0, 68):
            raise AssertionError(f"doveadm kick {self.user}: {result.stdout}{result.stderr}")
        deadline = time.monotonic() + timeout
        while self.sessions():
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.user} still has IMAP sessions after doveadm kick")
            time.sleep(0.05)

    async def akick(self) -> None:
        await asyncio.to_thread(self.kick)


def new_imap_account(dovecot: Dovecot) -> ImapAccount:
    """A Dovecot user nobody used yet: ``t-`` and 12 random hex digits, password ``hub``."""
    return ImapAccount(
        host=dovecot.host,
        port=dovecot.port,
        tls_port=dovecot.tls_port,
        user=f"t-{uuid.uuid4().hex[:12]}",
        password=DOVECOT_PASSWORD,
        cafile=dovecot.cafile,
    )


@pytest.fixture
def imap_account(dovecot: Dovecot) -> ImapAccount:
    """A fresh Dovecot user with an empty INBOX (see ``ImapAccount``)."""
    return new_imap_account(dovecot)


@pytest.fixture
def imap_accounts(dovecot: Dovecot) -> Callable[[], ImapAccount]:
    """``imap_accounts()`` → one more fresh user, for tests that need several."""
    return lambda: new_imap_account(dovecot)


# ---------------------------------------------------------------- TLS


@dataclass(frozen=True)
class TlsFiles:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""

    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this certificate (and checks the host name)."""
        return ssl.create_default_context(cafile=str(self.cert))


def make_self_signed(directory: Path) -> TlsFiles:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(SMTP_HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(directory / "cert.pem", directory / "key.pem")
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_self_signed(tmp_path_factory.mktemp("tls"))


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- SMTP


class _QuietLoginData(logging.Filter):
    """aiosmtpd 1.4 itself sets the deprecated ``Session.login_data`` on every successful AUTH,
    and logs a warning each time: noise in a failing test's captured log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "login_data is deprecated" not in record.getMessage()


logging.getLogger("mail.log").addFilter(_QuietLoginData())


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes  # the message as received (after DATA), CRLF line ends

    @property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.content)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class _Recorder:
    """The aiosmtpd handler; runs in the server's thread."""

    auth: bool
    condition: threading.Condition = field(default_factory=threading.Condition)
    received: list[Received] = field(default_factory=list)
    rejected: list[Received] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        mail = Received(str(envelope.mail_from), [str(r) for r in envelope.rcpt_tos], content)
        with self.condition:
            if self.failures:
                code = self.failures.pop(0)
                self.rejected.append(mail)
                self.condition.notify_all()
                if code >= 500:
                    return f"{code} 5.7.1 Rejected by the test server"
                return f"{code} 4.3.0 Try again later (test server)"
            self.received.append(mail)
            self.condition.notify_all()
        return "250 2.0.0 OK queued"


def _authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        mechanism in ("LOGIN", "PLAIN")
        and isinstance(auth_data, LoginPassword)
        and auth_data.login == SMTP_USER.encode()
        and auth_data.password == SMTP_PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


class SmtpServer:
    """An aiosmtpd server on ``host:port`` that records what it accepts.

    ``auth``: AUTH LOGIN/PLAIN as ``relay``/``secret`` is required before MAIL (530 without);
    ``starttls``: STARTTLS is offered and required before anything else (and AUTH only after
    it), with the self-signed certificate of ``tls`` (clients: ``tls.client_context()``)."""

    def __init__(self, *, auth: bool = False, tls: TlsFiles | None = None) -> None:
        self.host = SMTP_HOST
        self.port = free_port(self.host)
        self.auth = auth
        self.tls = tls
        self.user = SMTP_USER if auth else None
        self.password = SMTP_PASSWORD if auth else None
        self._recorder = _Recorder(auth=auth)
        self._controller: Controller | None = None

    def _make_controller(self) -> Controller:
        options: dict[str, Any] = {"server_hostname": "smtp.test", "ready_timeout": 10.0}
        if self.auth:
            # AUTH is enforced in handle_MAIL: aiosmtpd's auth_required without TLS warns.
            options.update(authenticator=_authenticate, auth_require_tls=self.tls is not None)
        if self.tls is not None:
            options.update(tls_context=self.tls.server_context(), require_starttls=True)
        return Controller(self._recorder, hostname=self.host, port=self.port, **options)

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        """Listen (again) on the same port."""
        if self._controller is None:
            controller = self._make_controller()
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        """Close the port (connecting is refused) and drop the open sessions."""
        if self._controller is not None:
            controller, self._controller = self._controller, None
            controller.stop()

    @property
    def messages(self) -> list[Received]:
        """What was accepted so far (a copy)."""
        with self._recorder.condition:
            return list(self._recorder.received)

    @property
    def rejected(self) -> list[Received]:
        """What was answered with an injected failure (a copy)."""
        with self._recorder.condition:
            return list(self._recorder.rejected)

    def fail_next(self, count: int = 1, code: int = 451) -> None:
        """Answer the next ``count`` messages (at the end of DATA) with ``code``: 4xx is a
        temporary failure (retry), 5xx a permanent one (bounce)."""
        assert 400 <= code < 600, code
        with self._recorder.condition:
            self._recorder.failures.extend([code] * count)

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[Received]:
        """Block until ``count`` messages were accepted; returns them all."""
        with self._recorder.condition:
            if not self._recorder.condition.wait_for(
                lambda: len(self._recorder.received) >= count, timeout
            ):
                raise AssertionError(
                    f"{len(self._recorder.received)} message(s) received, not {count}, "
                    f"within {timeout}s"
                )
            return list(self._recorder.received)

    async def await_for(self, count: int = 1, timeout: float = 5.0) -> list[Received]:
        """``wait_for`` for async tests (polls; never blocks the loop)."""
        deadline = time.monotonic() + timeout
        while len(received := self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(received)} message(s) received, not {count}, within {timeout}s"
                )
            await asyncio.sleep(0.01)
        return received


@contextmanager
def running_smtp_server(*, auth: bool = False, tls: TlsFiles | None = None) -> Iterator[SmtpServer]:
    server = SmtpServer(auth=auth, tls=tls)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """Plain SMTP, no AUTH, no TLS."""
    with running_smtp_server() as server:
        yield server


@pytest.fixture
def smtp_server_auth() -> Iterator[SmtpServer]:
    """AUTH LOGIN/PLAIN required (``relay``/``secret``), no TLS."""
    with running_smtp_server(auth=True) as server:
        yield server


@pytest.fixture
def smtp_server_tls(tls_files: TlsFiles) -> Iterator[SmtpServer]:
    """STARTTLS required (self-signed: ``server.tls.client_context()`` trusts it), then AUTH."""
    with running_smtp_server(auth=True, tls=tls_files) as server:
        yield server


# ---------------------------------------------------------------- TCP proxy


class _Side(asyncio.Protocol):
    """One end of a proxied connection; forwards what it reads to its peer."""

    def __init__(self, proxy: TcpProxy) -> None:
        self.proxy = proxy
        self.transport: asyncio.Transport | None = None
        self.peer: _Side | None = None
        self.pending: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.proxy._transports.add(transport)

    def data_received(self, data: bytes) -> None:
        peer = self.peer.transport if self.peer is not None else None
        if peer is None:
            self.pending.append(data)
        elif not peer.is_closing():
            peer.write(data)

    def eof_received(self) -> bool:
        peer = self.peer.transport if self.peer is not None else None
        if peer is not None and not peer.is_closing() and peer.can_write_eof():
            peer.write_eof()
        return True  # keep the other direction open until it ends too

    def connection_lost(self, exc: Exception | None) -> None:
        assert self.transport is not None
        self.proxy._transports.discard(self.transport)
        peer = self.peer.transport if self.peer is not None else None
        if peer is not None and not peer.is_closing():
            peer.close()


class TcpProxy:
    """Forwards ``host:port`` (a free loopback port) to ``target_host:target_port``, from a
    thread and event loop of its own, so sync and async tests alike can use it.

    ``cut()`` resets every live connection (both ends) at once; ``refuse(True)`` closes the
    listening port (connecting is refused) until ``refuse(False)`` opens it again."""

    def __init__(self, target_host: str, target_port: int, host: str = "127.0.0.1") -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.host = host
        self.port = 0
        self.accepted = 0  # connections accepted so far
        self._transports: set[asyncio.Transport] = set()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # -- in the proxy's loop

    def _accept(self) -> _Side:
        self.accepted += 1
        client = _Side(self)
        task = asyncio.get_running_loop().create_task(self._connect(client))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return client

    async def _connect(self, client: _Side) -> None:
        loop = asyncio.get_running_loop()
        try:
            _, upstream = await loop.create_connection(
                lambda: _Side(self), self.target_host, self.target_port
            )
        except OSError:
            if client.transport is not None:
                client.transport.abort()
            return
        if client.transport is None or client.transport.is_closing():
            assert upstream.transport is not None
            upstream.transport.close()
            return
        client.peer, upstream.peer = upstream, client
        assert upstream.transport is not None
        for data in client.pending:
            upstream.transport.write(data)
        client.pending.clear()

    async def _listen(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._accept, self.host, self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _refuse(self, refuse: bool) -> None:
        if refuse and self._server is not None:
            self._server.close()  # not wait_closed(): that waits for the live connections
            self._server = None
        elif not refuse and self._server is None:
            await self._listen()

    async def _cut(self) -> None:
        for transport in list(self._transports):
            transport.abort()
        await asyncio.sleep(0)  # let connection_lost run

    async def _shutdown(self) -> None:
        await self._refuse(True)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._cut()
        for _ in range(100):  # connection_lost closes what is left, in a turn or two
            if not self._transports:
                break
            await asyncio.sleep(0.01)

    def _call(self, coroutine: Any) -> Any:
        assert self._loop is not None, "the proxy is not started"
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(IO_TIMEOUT)

    # -- from the test

    def start(self) -> Self:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="tcp-proxy", daemon=True)
        self._thread.start()
        self._call(self._listen())
        return self

    def close(self) -> None:
        if self._loop is None:
            return
        loop, thread = self._loop, self._thread
        try:
            self._call(self._shutdown())
        finally:
            loop.call_soon_threadsafe(loop.stop)
            assert thread is not None
            thread.join(IO_TIMEOUT)
            loop.close()
            self._loop = self._thread = None

    def cut(self) -> None:
        """Reset every live connection, on both sides, now."""
        self._call(self._cut())

    def refuse(self, refuse: bool = True) -> None:
        """Refuse new connections (the port is closed), or accept them again."""
        self._call(self._refuse(refuse))

    @property
    def active(self) -> int:
        """Live connections (each counts its two sides once)."""
        return (len(self._transports) + 1) // 2

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self.start()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@pytest.fixture
def tcp_proxy() -> Iterator[Callable[[str, int], TcpProxy]]:
    """``tcp_proxy(host, port)`` → a started ``TcpProxy`` to there, closed after the test."""
    proxies: list[TcpProxy] = []

    def make(target_host: str, target_port: int) -> TcpProxy:
        proxy = TcpProxy(target_host, target_port).start()
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.close()
