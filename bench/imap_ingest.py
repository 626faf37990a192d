"""The e-mail gateway against a real Dovecot: how fast mail comes in, and how soon staff see it.

    .venv/bin/python -m bench.imap_ingest [--mails 500] [--samples 20]

Uses the test Dovecot that ``scripts/services`` starts (plain IMAP on 127.0.0.1:10143; any user
name logs in with password ``hub`` and gets an empty mailbox), a fresh user per run
(``bench-<hex>``), a ``Mailbox`` row for it and one customer case in the benchmark's database.

1. **Throughput.** N mails to the case's reply address are APPENDed in one IMAP session before
   any worker runs; then ``python -m hub.gateways`` starts and reads them all. Printed: mails/s
   from the worker's start until the database holds N messages on the case, and mails/s from
   the first stored message to the last (without the worker's start-up).
2. **Latency.** With the worker still running (in IDLE on the mailbox), ``python -m hub.server``
   starts and a dispatcher's websocket connects. K times: one mail with a unique marker is
   APPENDed, and the time until the socket reads the ``message.created`` frame carrying it is
   taken. Printed: p50/p90/max of that delay, of the APPEND round trip alone, and of the part
   until the worker had created the message row (the message's ``created`` time).
"""

from __future__ import annotations

import argparse
import asyncio
import imaplib
import json
import math
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench import stack
from bench.clients import wait_for

if TYPE_CHECKING:
    from hub.mail.models import Mailbox
    from hub.threads.models import Case

# As in scripts/services and tests/mailservers.py.
DOVECOT_HOST = "127.0.0.1"
DOVECOT_PORT = 10143
DOVECOT_PASSWORD = "hub"  # noqa: S105 (every user of the test Dovecot has it)
IMAP_TIMEOUT = 30.0

POLL_DB_SECONDS = 0.05
TEXTS = (
    "Hei! Det passer fint på tirsdag, vi er hjemme hele dagen.",
    "Takk for raskt svar. Kan dere komme etter klokka 14?",
    "Laderen lyser fortsatt rødt. Hva gjør vi nå?",
    "Vi har sendt bilde av sikringsskapet i forrige e-post.",
    "Flott, da venter vi på dere torsdag morgen.",
    "Fakturaen har feil adresse, kan dere rette den?",
    "Porten er låst, ring meg når dere er utenfor.",
    "Jeg er på jobb, men naboen har nøkkel.",
)


@dataclass(frozen=True)
class Target:
    """Where the mail goes: the case, its reply address, the customer who writes, the mailbox."""

    case: Case
    address: str
    sender: str
    mailbox: Mailbox
    user: str  # the Dovecot user


@dataclass
class Worker:
    popen: subprocess.Popen[bytes]
    log: Path
    started: float  # time.monotonic() just before the process was started
    started_wall: float  # time.time() at the same moment

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# ---------------------------------------------------------------- mail and IMAP


def customer_mail(text: str, *, sender: str, to: str, subject: str, message_id: str) -> bytes:
    """A plain-text mail as a customer's client writes it (as tests/gateways/email/mails.py)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(datetime.now().astimezone())
    mail["Message-ID"] = message_id
    mail.set_content(text)
    return mail.as_bytes()


def imap_login(user: str) -> imaplib.IMAP4:
    imap = imaplib.IMAP4(DOVECOT_HOST, DOVECOT_PORT, timeout=IMAP_TIMEOUT)
    try:
        kind, data = imap.login(user, DOVECOT_PASSWORD)
        if kind != "OK":
            raise RuntimeError(f"IMAP LOGIN as {user}: {kind} {data!r}")
    except BaseException:
        with suppress(OSError):
            imap.shutdown()
        raise
    return imap


def imap_logout(imap: imaplib.IMAP4) -> None:
    try:
        imap.logout()
    except (imaplib.IMAP4.error, OSError):
        with suppress(OSError):
            imap.shutdown()


def append(imap: imaplib.IMAP4, raw: bytes) -> None:
    kind, data = imap.append("INBOX", None, None, raw)
    if kind != "OK":
        raise RuntimeError(f"IMAP APPEND: {kind} {data!r}")


def dovecot_answers() -> str | None:
    """None when the test Dovecot greets, else why not."""
    try:
        imap = imaplib.IMAP4(DOVECOT_HOST, DOVECOT_PORT, timeout=5)
    except OSError as error:
        return f"nothing answers on {DOVECOT_HOST}:{DOVECOT_PORT} ({error})"
    imap_logout(imap)
    return None


# ---------------------------------------------------------------- the database


def make_target(seed: stack.Seed, tag: str) -> Target:
    """A customer case (with a contact whose address the mails come from) and an active
    mailbox for a fresh Dovecot user; every other mailbox in the bench database is switched
    off, so the worker listens to this one only."""
    from hub.customers.models import Contact, Customer
    from hub.mail.addresses import reply_address
    from hub.mail.models import Mailbox, Security
    from hub.mail.secrets import encrypt
    from hub.threads.actions.cases import do_create_case

    organization = seed.author.organization
    customer = Customer.objects.create(organization=organization, name=f"Kari Nordmann {tag}")
    email = f"kari.{tag}@example.no"
    contact = Contact.objects.create(
        organization=organization, customer=customer, name="Kari Nordmann", email=email
    )
    case = do_create_case(
        seed.author,
        title=f"Montering av elbillader ({tag})",
        customer=customer,
        contact=contact,
        customer_channel=True,
    )
    user = f"bench-{tag}"
    left = Mailbox.objects.filter(is_active=True).update(
        is_active=False, listener="", listener_until=None
    )
    if left:
        print(f"switched off {left} mailbox(es) left active by earlier runs")
    mailbox = Mailbox.objects.create(
        organization=organization,
        name=f"Benk {tag}",
        host=DOVECOT_HOST,
        port=DOVECOT_PORT,
        security=Security.NONE,
        username=user,
        password_encrypted=encrypt(DOVECOT_PASSWORD),
    )
    return Target(case, reply_address(case), f"Kari Nordmann <{email}>", mailbox, user)


def switch_off(mailbox: Mailbox) -> None:
    from hub.mail.models import Mailbox

    with suppress(Exception):
        Mailbox.objects.filter(pk=mailbox.pk).update(is_active=False)


def stored(case: Case) -> int:
    from hub.threads.models import Message

    return Message.objects.filter(case=case).count()


def created_span(case: Case, baseline_ids: set[int]) -> tuple[datetime, datetime]:
    """The ``created`` time of the first and the last message stored by the run."""
    from django.db.models import Max, Min

    from hub.threads.models import Message

    span = (
        Message.objects.filter(case=case)
        .exclude(pk__in=baseline_ids)
        .aggregate(first=Min("created"), last=Max("created"))
    )
    return span["first"], span["last"]


def mailbox_error(mailbox: Mailbox) -> str:
    from hub.mail.models import Mailbox

    return Mailbox.objects.filter(pk=mailbox.pk).values_list("last_error", flat=True).first() or ""


# ---------------------------------------------------------------- the worker


@contextmanager
def gateway_worker(services: stack.Services, logs: Path, poll_seconds: float) -> Iterator[Worker]:
    """``python -m hub.gateways`` (it listens on no port), stopped again afterwards."""
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / "gateways.log"
    env = {
        **services.hub_env(),
        "HUB_VAR_DIR": str(logs / "gateways-var"),  # the raw mails it keeps
        "HUB_IMAP_POLL_SECONDS": str(poll_seconds),
    }
    with log.open("wb") as output:
        started, started_wall = time.monotonic(), time.time()
        popen = subprocess.Popen(
            [sys.executable, "-m", "hub.gateways"],
            cwd=stack.ROOT,
            env=stack.clean_env(env),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Worker(popen, log, started, started_wall)
    finally:
        stack.stop(popen)


# ---------------------------------------------------------------- phase 1: throughput


def fill_mailbox(target: Target, count: int, tag: str) -> float:
    """APPEND ``count`` mails in one session; returns the seconds it took."""
    imap = imap_login(target.user)
    try:
        started = time.monotonic()
        for number in range(count):
            text = f"{TEXTS[number % len(TEXTS)]}\n\nMvh Kari (melding {number + 1})"
            append(
                imap,
                customer_mail(
                    text,
                    sender=target.sender,
                    to=target.address,
                    subject="Re: Montering av elbillader",
                    message_id=make_msgid(idstring=f"{tag}.{number}", domain="example.no"),
                ),
            )
        return time.monotonic() - started
    finally:
        imap_logout(imap)


def wait_until_stored(
    worker: Worker, target: Target, baseline: int, count: int, stall: float
) -> tuple[float, float]:
    """Poll the database until ``count`` new messages are on the case. Returns the seconds from
    the worker's start until the first was seen and until all were."""
    first_seen: float | None = None
    last_change, seen = time.monotonic(), 0
    while True:
        now = time.monotonic()
        found = stored(target.case) - baseline
        if found != seen:
            seen, last_change = found, now
        if found and first_seen is None:
            first_seen = now - worker.started
        if found >= count:
            assert first_seen is not None
            return first_seen, now - worker.started
        if worker.popen.poll() is not None:
            raise RuntimeError(
                f"the worker exited ({worker.popen.returncode}) with {found} of {count} "
                f"stored:\n{worker.tail()}"
            )
        if now - last_change > stall:
            raise RuntimeError(
                f"nothing new for {stall:g} s with {found} of {count} stored; mailbox error: "
                f"{mailbox_error(target.mailbox) or '(none)'}\n{worker.tail()}"
            )
        time.sleep(POLL_DB_SECONDS)


@contextmanager
def throughput(
    services: stack.Services,
    logs: Path,
    target: Target,
    args: argparse.Namespace,
    tag: str,
) -> Iterator[Worker]:
    """Phase 1; then the worker, still running, for phase 2 (stopped when the ``with`` ends)."""
    from hub.threads.models import Message

    baseline_ids = set(Message.objects.filter(case=target.case).values_list("pk", flat=True))
    count = args.mails
    seconds = fill_mailbox(target, count, tag)
    print(
        f"APPENDed {count} mails to {target.user} in {seconds:.1f} s "
        f"({count / seconds:,.0f}/s, one IMAP session)"
    )
    with gateway_worker(services, logs, args.poll) as worker:
        first, done = wait_until_stored(worker, target, len(baseline_ids), count, args.stall)
        cpu = stack.cpu_seconds(worker.popen.pid)
        earliest, latest = created_span(target.case, baseline_ids)
        start_up = earliest.timestamp() - worker.started_wall
        span = (latest - earliest).total_seconds()
        print(
            f"worker start -> {count} messages on the case: {done:.2f} s, "
            f"{count / done:,.1f} mails/s"
        )
        print(
            f"first -> last message stored (their created times): {span:.2f} s, "
            f"{(count - 1) / span:,.1f} mails/s without the start-up"
            if span > 0
            else "first -> last message stored: no time between them"
        )
        print(
            f"start-up (worker start -> first message created): {start_up:.2f} s "
            f"(first seen by the 50 ms poll after {first:.2f} s)"
        )
        print(f"worker CPU: {cpu:.1f} s ({cpu / done:.2f} cores over the phase)")
        yield worker


# ---------------------------------------------------------------- phase 2: latency


def percentile(values: list[float], q: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def figures(values: list[float]) -> str:
    if not values:
        return "-"
    return " / ".join(
        f"{1000 * value:7.1f} ms"
        for value in (percentile(values, 50), percentile(values, 90), max(values))
    )


@dataclass
class Sample:
    appended: float  # APPEND round trip, s
    pushed: float | None  # APPEND sent -> a bare IDLE client reads "* n EXISTS", s
    created: float  # APPEND sent -> message row created (wall clocks), s
    received: float  # APPEND sent -> frame read, s


class IdleWatcher:
    """A bare IDLE session of our own on the same mailbox, in a thread: when Dovecot tells an
    idling client of a new mail (``* n EXISTS``), whatever the hub's worker does with it."""

    def __init__(self, user: str) -> None:
        self.sock = socket.create_connection((DOVECOT_HOST, DOVECOT_PORT), timeout=IMAP_TIMEOUT)
        self.reader = self.sock.makefile("rb")
        self.pushes: queue.Queue[float] = queue.Queue()
        try:
            self.reader.readline()  # the greeting
            self._command(f"a LOGIN {user} {DOVECOT_PASSWORD}", "a")
            self._command("b SELECT INBOX", "b")
            self.sock.sendall(b"c IDLE\r\n")
            if not self.reader.readline().startswith(b"+"):
                raise RuntimeError("Dovecot did not accept IDLE")
        except BaseException:
            self.reader.close()
            self.sock.close()
            raise
        self.sock.settimeout(None)
        self.thread = threading.Thread(target=self._read, name="idle-watcher", daemon=True)
        self.thread.start()

    def _command(self, line: str, tag: str) -> None:
        self.sock.sendall(line.encode() + b"\r\n")
        while not (answer := self.reader.readline()).startswith(tag.encode() + b" "):
            if not answer:
                raise RuntimeError(f"Dovecot hung up after {line.split()[1]}")
        if not answer.startswith(tag.encode() + b" OK"):
            raise RuntimeError(f"IMAP {line.split()[1]}: {answer!r}")

    def _read(self) -> None:
        with suppress(OSError, ValueError):
            while line := self.reader.readline():
                if line.rstrip().endswith(b"EXISTS"):
                    self.pushes.put(time.monotonic())

    def drain(self) -> None:
        with suppress(queue.Empty):
            while True:
                self.pushes.get_nowait()

    def next_push(self, within: float) -> float | None:
        try:
            return self.pushes.get(timeout=within)
        except queue.Empty:
            return None

    def close(self) -> None:
        with suppress(OSError):
            self.sock.sendall(b"DONE\r\nd LOGOUT\r\n")
        with suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.thread.join(timeout=5)
        self.reader.close()
        self.sock.close()


class Frames:
    """Reads the socket; hands each ``message.created`` frame to the sample waiting for the
    marker in its text, with the moment it was read."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.waiting: dict[str, asyncio.Future[tuple[float, dict[str, object]]]] = {}

    def expect(self, marker: str) -> asyncio.Future[tuple[float, dict[str, object]]]:
        future = asyncio.get_running_loop().create_future()
        self.waiting[marker] = future
        return future

    async def read(self) -> None:
        async for frame in self.socket:
            now = time.monotonic()
            if not isinstance(frame, str) or '"message.created"' not in frame:
                continue
            event = json.loads(frame)
            if event.get("type") != "message.created":
                continue
            text = str(event["message"]["text"])
            for marker, future in list(self.waiting.items()):
                if marker in text:
                    del self.waiting[marker]
                    if not future.done():
                        future.set_result((now, event["message"]))


def timed_append(imap: imaplib.IMAP4, raw: bytes) -> tuple[float, float, float]:
    """In a thread: (monotonic before, monotonic after, wall clock before) the APPEND."""
    before_wall = time.time()
    before = time.monotonic()
    append(imap, raw)
    return before, time.monotonic(), before_wall


async def latency(
    server: stack.Process, cookie: str, target: Target, args: argparse.Namespace, tag: str
) -> None:
    stack.cancel_on_sigterm()
    socket = await connect(
        f"{server.ws}/ws/",
        additional_headers={"Cookie": cookie},
        origin=stack.ORIGIN,  # type: ignore[arg-type]
        open_timeout=30,
        compression=None,
        ping_interval=None,
        max_queue=None,
    )
    frames = Frames(socket)
    reader: asyncio.Task[None] | None = None
    imap = await asyncio.to_thread(imap_login, target.user)
    watcher: IdleWatcher | None = None
    try:
        watcher = await asyncio.to_thread(IdleWatcher, target.user)
        await wait_for(socket, '"hello"', 30)
        reader = asyncio.create_task(frames.read())
        samples: list[Sample] = []
        lost = 0
        for number in range(args.samples):
            marker = f"BENK{tag}X{number:04d}"
            raw = customer_mail(
                f"{TEXTS[number % len(TEXTS)]} Referanse {marker}.\n\nMvh Kari",
                sender=target.sender,
                to=target.address,
                subject="Re: Montering av elbillader",
                message_id=make_msgid(idstring=f"{tag}.latency.{number}", domain="example.no"),
            )
            arrived = frames.expect(marker)
            watcher.drain()
            before, after, before_wall = await asyncio.to_thread(timed_append, imap, raw)
            try:
                async with asyncio.timeout(args.timeout):
                    received, message = await arrived
            except TimeoutError:
                lost += 1
                frames.waiting.pop(marker, None)
                print(f"  sample {number + 1}: no frame within {args.timeout:g} s")
                continue
            created = datetime.fromisoformat(str(message["created"])).timestamp()
            pushed = await asyncio.to_thread(watcher.next_push, 1.0)
            samples.append(
                Sample(
                    after - before,
                    None if pushed is None else pushed - before,
                    created - before_wall,
                    received - before,
                )
            )
            if reader.done():
                break
            await asyncio.sleep(args.gap)
    except ConnectionClosed as error:
        raise RuntimeError(
            f"the server closed the socket: {error}\n{server.log_tail(20)}"
        ) from None
    finally:
        if reader is not None:
            reader.cancel()
            with suppress(asyncio.CancelledError, ConnectionClosed):
                await reader
        if watcher is not None:
            await asyncio.to_thread(watcher.close)
        await asyncio.to_thread(imap_logout, imap)
        with suppress(TimeoutError, ConnectionClosed, OSError):
            await asyncio.wait_for(socket.close(), 5)

    print(
        f"APPEND -> message.created on a staff socket, {len(samples)} samples "
        f"({args.gap * 1000:.0f} ms apart){f', {lost} lost' if lost else ''}:"
    )
    print(f"{'':34}{'p50':>10} / {'p90':>7}    / {'max':>7}")
    print(f"  {'APPEND -> frame read':32}{figures([s.received for s in samples])}")
    print(f"  {'APPEND round trip alone':32}{figures([s.appended for s in samples])}")
    pushes = [s.pushed for s in samples if s.pushed is not None]
    print(f"  {'APPEND -> EXISTS to a bare IDLE':32}{figures(pushes)}")
    print(f"  {'APPEND -> message row created':32}{figures([s.created for s in samples])}")
    print(f"  {'row created -> frame read':32}{figures([s.received - s.created for s in samples])}")


# ---------------------------------------------------------------- main


def run(args: argparse.Namespace) -> None:
    services = stack.Services(args.database_url, args.redis_url, args.layer)
    problem = dovecot_answers()
    if problem is not None:
        sys.exit(f"imap ingest: needs the test Dovecot: {problem}; start it with scripts/services")
    stack.setup_django(services)
    seed = stack.seed()
    stack.clear_redis(services)
    tag = uuid.uuid4().hex[:10]
    target = make_target(seed, tag)
    print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    print(
        f"case {target.case.pk}, mailbox {target.mailbox.pk} ({target.user}@{DOVECOT_HOST}:"
        f"{DOVECOT_PORT}), IMAP poll {args.poll:g} s, layer {args.layer}"
    )
    try:
        with (
            stack.log_dir(args.logs) as logs,
            throughput(services, logs, target, args, tag),
            stack.hub_server(services, logs) as server,
        ):
            try:
                asyncio.run(latency(server, seed.cookie, target, args, tag))
            except asyncio.CancelledError:
                sys.exit("imap ingest: stopped")
    finally:
        switch_off(target.mailbox)
        stack.clear_redis(services)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.imap_ingest",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--mails", type=int, default=500, help="N, for the throughput")
    parser.add_argument("--samples", type=int, default=20, help="K, for the latency")
    parser.add_argument("--gap", type=float, default=0.2, help="seconds between samples")
    parser.add_argument(
        "--poll", type=float, default=5.0, help="the worker's HUB_IMAP_POLL_SECONDS"
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for one sample's frame"
    )
    parser.add_argument(
        "--stall", type=float, default=60.0, help="give up when nothing is stored for so long"
    )
    parser.add_argument("--layer", choices=stack.LAYERS, default="core")
    parser.add_argument("--database-url", default=stack.DATABASE_URL)
    parser.add_argument("--redis-url", default=stack.REDIS_URL)
    parser.add_argument("--logs", type=Path, help="keep the worker's and server's logs here")
    args = parser.parse_args(argv)
    if args.mails < 1 or args.samples < 0:
        parser.error("--mails must be at least 1 and --samples not negative")
    stack.exit_on_sigterm()
    try:
        run(args)
    except KeyboardInterrupt:
        sys.exit("imap ingest: interrupted")


if __name__ == "__main__":
    main(sys.argv[1:])
