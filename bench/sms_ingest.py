"""Inbound SMS webhooks: how many per second the hub answers, stores and pushes to a staff
socket, against a bare Starlette endpoint doing only the HTTP part on the same machine.

    .venv/bin/python -m bench.sms_ingest [--requests 2000] [--concurrency 20]

The benchmark's organisation gets Twilio SMS settings (account ``ACbench``, an auth token stored
encrypted as the settings page stores it) and a customer whose contact has a fresh mobile number
with one open case, so every SMS from that number lands on that case ("the contact's open
case"). N Twilio-style inbound webhooks (``POST /hooks/sms/twilio/<key>/inbound``, form-encoded,
a unique ``MessageSid``, a correct ``X-Twilio-Signature``, made before the clock starts) are
sent with ``--concurrency`` in flight over keep-alive connections. The default client writes
HTTP/1.1 by hand on asyncio streams; ``--client httpx`` uses ``httpx.AsyncClient``, which costs
four times the bare server's CPU per request and so caps the bare figure on two cores.

- **hub**: ``python -m hub.server`` on ``hub_bench`` and Redis, ``HUB_PUBLIC_URL`` set to the
  address it listens on so the signatures hold. A dispatcher's websocket counts the
  ``message.created`` frames. The run is done when every webhook is answered, the case holds N
  new messages and the socket has read N frames.
- **bare**: ``bench.sms_ingest:bare_application`` under daphne (the server the hub runs on): a
  Starlette endpoint on the same path that reads the form, checks the same signature with the
  hub's own ``valid_signature``, parses the SMS and answers the same empty TwiML. No database.

Printed: requests/s, stored+pushed/s (hub), answer latency p50/p99, errors, the CPU of the
server, PostgreSQL, Redis and this process, the ratio hub/bare, and a replay check: ten copies
of one webhook sent to the hub at once, and how many messages that stored.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import random
import re
import socket
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

import httpx
from asgiref.sync import sync_to_async
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench import stack
from bench.clients import wait_for
from hub.gateways.sms.providers.base import Credentials
from hub.gateways.sms.providers.twilio import TwilioProvider, expected_signature, valid_signature

if TYPE_CHECKING:
    from hub.threads.models import Case

ACCOUNT = "ACbench"
AUTH_TOKEN = "bench-twilio-auth-token-0123456789abcdef"  # noqa: S105 (the bench's own)
VIRTUAL_NUMBER = "+4746150000"  # the organisation's number, where the SMS are sent
# As hub.edge.sms_hooks answers an inbound Twilio SMS (not imported: that module needs Django).
TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_BODY = 64 * 1024
TEXTS = (
    "Hei! Det passer fint på tirsdag, vi er hjemme hele dagen.",
    "Takk for raskt svar. Kan dere komme etter klokka 14?",
    "Laderen lyser fortsatt rødt. Hva gjør vi nå?",
    "Porten er låst, ring meg når dere er utenfor.",
    "Jeg er på jobb, men naboen har nøkkel.",
    "Ok, vi ses i morgen.",
    "Fakturaen har feil adresse, kan dere rette den?",
    "Ja takk, det blir bra.",
)
POLL_SECONDS = 0.01
REQUEST_TIMEOUT = 60.0
REPLAY_COPIES = 10


# ---------------------------------------------------------------- the bare endpoint
# Served by daphne in a process of its own: ``daphne bench.sms_ingest:bare_application``, with
# BENCH_SMS_KEY, BENCH_SMS_TOKEN and BENCH_SMS_PUBLIC_URL in its environment.


@cache
def _bare_config() -> tuple[str, str, str]:
    return (
        os.environ["BENCH_SMS_KEY"],
        os.environ["BENCH_SMS_TOKEN"],
        os.environ["BENCH_SMS_PUBLIC_URL"].rstrip("/"),
    )


async def _read_form(request: Request) -> dict[str, str] | None:
    """As ``hub.edge.sms_hooks._form``."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return {}
    return dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))


async def bare_hook(request: Request) -> Response:
    """The hub's webhook without the hub: same checks and answer, nothing stored."""
    key, token, public_url = _bare_config()
    provider = str(request.path_params["provider"])
    kind = str(request.path_params["kind"])
    if provider != "twilio" or kind != "inbound":
        return PlainTextResponse("Not found", status_code=404)
    params = await _read_form(request)
    if params is None:
        return PlainTextResponse("Send application/x-www-form-urlencoded", status_code=415)
    if str(request.path_params["key"]) != key:
        return PlainTextResponse("Forbidden", status_code=403)
    url = f"{public_url}{request.url.path}"
    if request.url.query:
        url = f"{url}?{request.url.query}"
    signature = request.headers.get("x-twilio-signature", "")
    if not valid_signature(token, url, params, signature):
        return PlainTextResponse("Forbidden", status_code=403)
    try:
        TwilioProvider(Credentials(account=ACCOUNT, secret=token)).parse_inbound(params)
    except (KeyError, ValueError) as error:
        return PlainTextResponse(f"Bad request: {error}", status_code=400)
    return Response(TWIML_EMPTY, media_type="text/xml")


async def _healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


bare_application = Starlette(
    routes=[
        Route("/healthz", _healthz),
        Route("/hooks/sms/{provider}/{key}/{kind}", bare_hook, methods=["POST"]),
    ]
)


# ---------------------------------------------------------------- servers


def free_port() -> int:
    """A port free on loopback now: the hub must know its public URL before it starts, since
    Twilio signs the URL it calls, port included."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def base_url(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def hub_server(
    services: stack.Services, logs: Path, profile: Path | None = None
) -> AbstractContextManager[stack.Process]:
    """``python -m hub.server`` as ``stack.hub_server`` starts it, on a port chosen here so that
    ``HUB_PUBLIC_URL`` can name it. The auth token is decrypted there with the key derived from
    the same SECRET_KEY (``hub_env``; HUB_ENCRYPTION_KEY, if set, is inherited by both)."""
    port = free_port()
    return stack.server(
        "hub",
        [*stack.python_argv("hub.server", profile), "-e", f"tcp:port={port}:interface=127.0.0.1"],
        {
            **services.hub_env(),
            "HUB_VAR_DIR": str(logs / "hub-var"),
            "HUB_PUBLIC_URL": base_url(port),
            "HUB_GATEWAYS_IN_WEB": "",
        },
        logs,
        health=True,
    )


def bare_server(logs: Path, key: str) -> AbstractContextManager[stack.Process]:
    port = free_port()
    return stack.server(
        "bare-sms",
        [
            "-m",
            "daphne",
            "-e",
            f"tcp:port={port}:interface=127.0.0.1",
            "bench.sms_ingest:bare_application",
        ],
        {
            "BENCH_SMS_KEY": key,
            "BENCH_SMS_TOKEN": AUTH_TOKEN,
            "BENCH_SMS_PUBLIC_URL": base_url(port),
        },
        logs,
        health=True,
    )


# ---------------------------------------------------------------- the database


@dataclass(frozen=True)
class Target:
    """Where the SMS land: the case, the sender's number, the settings' webhook key."""

    case: Case
    sender: str
    key: str


def make_target(seed: stack.Seed, tag: str) -> Target:
    """Twilio settings for the bench organisation, and a customer case whose contact has a
    mobile number no earlier run used (so it is that contact's only open case)."""
    from hub.customers.models import Contact, Customer
    from hub.sms.actions import do_set_sms_settings
    from hub.threads.actions.cases import do_create_case

    sms_settings = do_set_sms_settings(
        seed.author,
        {
            "provider": "twilio",
            "account": ACCOUNT,
            "secret": AUTH_TOKEN,
            "virtual_number": VIRTUAL_NUMBER,
        },
    )
    organization = seed.author.organization
    customer = Customer.objects.create(organization=organization, name=f"Kari Nordmann {tag}")
    contact = Contact.objects.create(
        organization=organization,
        customer=customer,
        name="Kari Nordmann",
        phone=f"+479{random.randrange(10**7):07d}",  # a Norwegian mobile number, E.164
    )
    case = do_create_case(
        seed.author,
        title=f"Montering av elbillader ({tag})",
        customer=customer,
        contact=contact,
        customer_channel=True,
    )
    return Target(case, contact.phone, sms_settings.webhook_key)


def stored(case_id: int) -> int:
    from hub.threads.models import Message

    return Message.objects.filter(case_id=case_id).count()


def routing(sender: str, mark: str) -> Counter[str]:
    """How the hub routed the SMS of one phase: case and ``matched_by`` of their records."""
    from hub.sms.models import SmsRecord

    found: Counter[str] = Counter()
    rows = SmsRecord.objects.filter(sender=sender, message__text__contains=mark).values_list(
        "case_id", "matched_by"
    )
    for case_id, matched_by in rows:
        found[f"case {case_id} by {matched_by or '-'}"] += 1
    return found


def replayed(case_id: int, sid: str, mark: str) -> tuple[int, int]:
    """Messages on the case carrying ``mark``, and SMS records with the provider id ``sid``."""
    from hub.sms.models import SmsRecord
    from hub.threads.models import Message

    messages = Message.objects.filter(case_id=case_id, text__contains=mark).count()
    records = SmsRecord.objects.filter(provider="twilio", provider_id=sid).count()
    return messages, records


# ---------------------------------------------------------------- the load


@dataclass(frozen=True)
class Webhook:
    path: str
    body: bytes
    headers: Mapping[str, str]
    sid: str
    mark: str


def marker(tag: str, phase: str, number: int) -> str:
    return f"(ref {tag}-{phase}-{number})"


MARK = re.compile(r"\(ref ([0-9a-f]+)-([a-z]+)-(\d+)\)")


def webhooks(
    public_url: str, key: str, sender: str, tag: str, phase: str, count: int
) -> list[Webhook]:
    """Inbound SMS as Twilio posts them (the usual parameters, Twilio's SID format), signed
    over ``public_url`` + path. Made before the clock starts."""
    path = f"/hooks/sms/twilio/{key}/inbound"
    hooks = []
    for number in range(count):
        sid = f"SM{uuid.uuid4().hex}"
        mark = marker(tag, phase, number)
        params = {
            "ToCountry": "NO",
            "ToState": "",
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "ToCity": "",
            "FromZip": "",
            "SmsSid": sid,
            "FromState": "",
            "SmsStatus": "received",
            "FromCity": "",
            "Body": f"{TEXTS[number % len(TEXTS)]} {mark}",
            "FromCountry": "NO",
            "To": VIRTUAL_NUMBER,
            "ToZip": "",
            "NumSegments": "1",
            "MessageSid": sid,
            "AccountSid": ACCOUNT,
            "From": sender,
            "ApiVersion": "2010-04-01",
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": expected_signature(AUTH_TOKEN, f"{public_url}{path}", params),
            "User-Agent": "TwilioProxy/1.1",
        }
        hooks.append(Webhook(path, urlencode(params).encode(), headers, sid, mark))
    return hooks


@dataclass
class Answers:
    """What the server answered: latencies of every answer, outcomes counted."""

    latencies: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    started: float = 0.0
    finished: float = 0.0

    @property
    def ok(self) -> int:
        return self.outcomes["200"]

    @property
    def errors(self) -> int:
        return sum(self.outcomes.values()) - self.ok

    @property
    def seconds(self) -> float:
        return self.finished - self.started


class HttpxClient:
    """httpx's AsyncClient, a keep-alive connection per request in flight."""

    def __init__(self, port: int, concurrency: int) -> None:
        self.client = httpx.AsyncClient(
            base_url=base_url(port),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            timeout=REQUEST_TIMEOUT,
        )

    async def post(self, hook: Webhook) -> tuple[int, str]:
        answer = await self.client.post(hook.path, content=hook.body, headers=hook.headers)
        return answer.status_code, answer.text

    async def aclose(self) -> None:
        await self.client.aclose()


class RawClient:
    """HTTP/1.1 by hand on asyncio streams, a keep-alive connection per request in flight:
    what a client costs at the least, so that the servers, not the client, are measured
    (httpx spends ~2.5-3 ms of CPU per request here, four times what the bare server does)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.host = f"127.0.0.1:{port}".encode()
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.opened: list[asyncio.StreamWriter] = []

    async def post(self, hook: Webhook) -> tuple[int, str]:
        if self.idle:
            reader, writer = self.idle.pop()
        else:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            self.opened.append(writer)
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                status, body, keep = await self._exchange(reader, writer, hook)
        except BaseException:
            writer.close()
            raise
        if keep:
            self.idle.append((reader, writer))
        else:
            writer.close()
        return status, body.decode("utf-8", errors="replace")

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, hook: Webhook
    ) -> tuple[int, bytes, bool]:
        head = b"".join(f"{name}: {value}\r\n".encode() for name, value in hook.headers.items())
        writer.write(
            b"POST "
            + hook.path.encode()
            + b" HTTP/1.1\r\nHost: "
            + self.host
            + b"\r\n"
            + head
            + b"Content-Length: "
            + str(len(hook.body)).encode()
            + b"\r\n\r\n"
            + hook.body
        )
        lines = (await reader.readuntil(b"\r\n\r\n")).split(b"\r\n")
        version, status = lines[0].split(b" ", 2)[:2]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip().lower()
        keep = headers.get(b"connection") != b"close" and version == b"HTTP/1.1"
        if b"content-length" in headers:
            body = await reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            body = b""
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                body += (await reader.readexactly(size + 2))[:-2]
            await reader.readuntil(b"\r\n")  # no trailers
        else:
            body, keep = await reader.read(), False
        return int(status), body, keep

    async def aclose(self) -> None:
        for writer in self.opened:
            writer.close()
        for writer in self.opened:
            with suppress(OSError):
                await writer.wait_closed()


Client = HttpxClient | RawClient


def http_client(port: int, args: argparse.Namespace) -> Client:
    if args.client == "httpx":
        return HttpxClient(port, args.concurrency)
    return RawClient(port)


async def post(client: Client, hook: Webhook, answers: Answers) -> None:
    before = time.monotonic()
    try:
        status, text = await client.post(hook)
    except (httpx.HTTPError, OSError, TimeoutError, asyncio.IncompleteReadError) as error:
        answers.outcomes[f"{type(error).__name__}: {str(error)[:80]}"] += 1
    else:
        if status == 200 and text == TWIML_EMPTY:
            answers.outcomes["200"] += 1
        elif status == 200:
            answers.outcomes[f"200, not the empty TwiML: {text[:60]!r}"] += 1
        else:
            answers.outcomes[f"{status} {text[:60]!r}"] += 1
        answers.latencies.append(time.monotonic() - before)
    answers.finished = time.monotonic()


async def send_all(client: Client, hooks: Sequence[Webhook], concurrency: int) -> Answers:
    """Every webhook once, ``concurrency`` in flight."""
    answers = Answers()
    pending = iter(hooks)

    async def worker() -> None:
        for hook in pending:
            await post(client, hook, answers)

    answers.started = answers.finished = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(hooks)))))
    return answers


class Pushes:
    """Reads the staff socket: the ``message.created`` frames of the case, by phase and number
    (from the marker in the text), with when the last new one of each phase came."""

    def __init__(self, socket: ClientConnection, case_id: int, tag: str) -> None:
        self.socket = socket
        self.case_id = case_id
        self.tag = tag
        self.seen: defaultdict[str, set[int]] = defaultdict(set)
        self.last: dict[str, float] = {}
        self.repeated: Counter[str] = Counter()

    def count(self, phase: str) -> int:
        return len(self.seen[phase])

    async def read(self) -> None:
        async for frame in self.socket:
            now = time.monotonic()
            if not isinstance(frame, str) or '"message.created"' not in frame:
                continue
            event = json.loads(frame)
            if event.get("type") != "message.created" or event.get("case_id") != self.case_id:
                continue
            found = MARK.search(str(event["message"]["text"]))
            if found is None or found.group(1) != self.tag:
                continue
            phase, number = found.group(2), int(found.group(3))
            if number in self.seen[phase]:
                self.repeated[phase] += 1
            else:
                self.seen[phase].add(number)
                self.last[phase] = now


async def wait_for_pushes(
    pushes: Pushes, reader: asyncio.Task[None], phase: str, count: int, stall: float
) -> float | None:
    """When the socket had read ``count`` frames of ``phase``; None when nothing new came for
    ``stall`` s (or the socket closed) before."""
    seen, last_change = -1, time.monotonic()
    while True:
        now = time.monotonic()
        found = pushes.count(phase)
        if found >= count:
            return pushes.last[phase]
        if found != seen:
            seen, last_change = found, now
        if reader.done() or now - last_change > stall:
            return None
        await asyncio.sleep(POLL_SECONDS)


# ---------------------------------------------------------------- the phases


@dataclass(frozen=True)
class Cpu:
    """CPU seconds used so far by the server, PostgreSQL, Redis and this process."""

    server: float
    postgres: float
    redis: float
    client: float

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(
            self.server - other.server,
            self.postgres - other.postgres,
            self.redis - other.redis,
            self.client - other.client,
        )


def postgres_cpu_seconds() -> float:
    """All ``postgres`` processes of the machine (the postmaster's reaped children, i.e. ended
    backends, included): whoever else uses the server counts too."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if not text.split(" (", 1)[1].startswith("postgres)"):
            continue
        fields = text.rsplit(")", 1)[1].split()
        total += sum(int(fields[index]) for index in (11, 12, 13, 14)) / ticks
    return total


def cpu_now(server: stack.Process, services: stack.Services) -> Cpu:
    return Cpu(
        server.cpu_seconds(),
        postgres_cpu_seconds(),
        stack.redis_cpu_seconds(services.redis_url),
        time.process_time(),
    )


@dataclass
class Result:
    system: str
    requests: int
    answers: Answers
    cpu: Cpu  # over the phase
    stored: int | None = None  # hub only: new messages on the case
    pushed: int | None = None  # hub only: frames read
    done: float | None = None  # hub: first request -> answered + stored + pushed, s

    @property
    def answered_per_second(self) -> float:
        return self.answers.ok / self.answers.seconds if self.answers.seconds else 0.0

    @property
    def complete(self) -> bool:
        return self.stored == self.pushed == self.requests

    @property
    def wall(self) -> float:
        return self.done if self.done is not None else self.answers.seconds


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest rank."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def print_answers(result: Result) -> None:
    answers = result.answers
    print(
        f"  {answers.ok:,} of {result.requests:,} answered 200 in {answers.seconds:.2f} s "
        f"({result.answered_per_second:,.0f} requests/s), latency p50 "
        f"{1000 * percentile(answers.latencies, 50):.1f} ms, "
        f"p99 {1000 * percentile(answers.latencies, 99):.1f} ms"
    )
    for outcome, count in answers.outcomes.most_common():
        if outcome != "200":
            print(f"    {count} x {outcome}")
    wall, cpu = result.wall, result.cpu
    print(
        f"  CPU over the phase, in cores: server {cpu.server / wall:.2f}, PostgreSQL "
        f"{cpu.postgres / wall:.2f}, Redis {cpu.redis / wall:.2f}, this process (client, "
        f"socket, polls) {cpu.client / wall:.2f}"
    )


async def warm_up(client: Client, hooks: Sequence[Webhook], concurrency: int) -> None:
    answers = await send_all(client, hooks, concurrency)
    if answers.errors:
        raise RuntimeError(f"warming up failed: {dict(answers.outcomes)}")


async def hub_phase(
    server: stack.Process,
    services: stack.Services,
    seed: stack.Seed,
    target: Target,
    args: argparse.Namespace,
    tag: str,
) -> tuple[Result, str]:
    """The load on the hub, then the replay check. Returns the result and the replay line."""
    stack.cancel_on_sigterm()
    public_url = base_url(server.port)
    case_id = target.case.pk
    socket = await connect(
        f"{server.ws}/ws/",
        additional_headers={"Cookie": seed.cookie},
        origin=stack.ORIGIN,  # type: ignore[arg-type]
        open_timeout=30,
        compression=None,
        ping_interval=None,
        max_queue=None,
    )
    reader: asyncio.Task[None] | None = None
    client = http_client(server.port, args)
    try:
        await wait_for(socket, '"hello"', 30)
        pushes = Pushes(socket, case_id, tag)
        reader = asyncio.create_task(pushes.read())
        warm = webhooks(public_url, target.key, target.sender, tag, "warm", args.warmup)
        await warm_up(client, warm, args.concurrency)
        if await wait_for_pushes(pushes, reader, "warm", len(warm), args.stall) is None:
            raise RuntimeError(
                f"warm-up: {pushes.count('warm')} of {len(warm)} frames\n{server.log_tail()}"
            )
        baseline = await sync_to_async(stored)(case_id)

        hooks = webhooks(public_url, target.key, target.sender, tag, "load", args.requests)
        before = cpu_now(server, services)
        answers = await send_all(client, hooks, args.concurrency)
        pushed_at = await wait_for_pushes(pushes, reader, "load", answers.ok, args.stall)
        count = await sync_to_async(stored)(case_id)
        done = time.monotonic() if pushed_at is None else max(answers.finished, pushed_at)
        result = Result(
            "hub",
            len(hooks),
            answers,
            cpu_now(server, services) - before,
            stored=count - baseline,
            pushed=pushes.count("load"),
            done=done - answers.started,
        )
        print(f"hub (pid {server.pid}, {public_url}):")
        print_answers(result)
        repeated = pushes.repeated["load"]
        print(
            f"  stored {result.stored:,} new messages on case {case_id}, pushed "
            f"{result.pushed:,} message.created frames"
            + (f" (and {repeated} repeated)" if repeated else "")
            + f"; first request -> all answered, stored and pushed: {result.wall:.2f} s"
            + (f" ({result.requests / result.wall:,.0f}/s)" if result.complete else " (INCOMPLETE)")
        )
        routes = await sync_to_async(routing)(target.sender, f"(ref {tag}-load-")
        print(f"  routing: {', '.join(f'{n:,} to {route}' for route, n in routes.items())}")
        replay = await replay_check(client, pushes, reader, target, public_url, tag)
    except ConnectionClosed as error:
        raise RuntimeError(f"the hub closed the socket: {error}\n{server.log_tail(20)}") from None
    finally:
        await client.aclose()
        if reader is not None:
            reader.cancel()
            with suppress(asyncio.CancelledError, ConnectionClosed):
                await reader
        with suppress(TimeoutError, ConnectionClosed, OSError):
            await asyncio.wait_for(socket.close(), 5)
    for logged, count in server.errors().most_common(5):
        print(f"  hub log: {count} x {logged}")
    return result, replay


async def replay_check(
    client: Client,
    pushes: Pushes,
    reader: asyncio.Task[None],
    target: Target,
    public_url: str,
    tag: str,
) -> str:
    """REPLAY_COPIES copies of one signed webhook, all at once, as a provider retrying a slow
    answer might send them: how many messages, records and frames that made."""
    (hook,) = webhooks(public_url, target.key, target.sender, tag, "replay", 1)
    answers = Answers()
    await asyncio.gather(*(post(client, hook, answers) for _ in range(REPLAY_COPIES)))
    await wait_for_pushes(pushes, reader, "replay", 1, 5.0)
    await asyncio.sleep(1.0)  # for any second frame
    messages, records = await sync_to_async(replayed)(target.case.pk, hook.sid, hook.mark)
    frames = pushes.count("replay") + pushes.repeated["replay"]
    outcomes = ", ".join(f"{count} x {outcome}" for outcome, count in answers.outcomes.items())
    return (
        f"replay: {REPLAY_COPIES} copies of one webhook sent at once -> answers {outcomes}; "
        f"stored {messages} message(s), {records} SMS record(s), {frames} frame(s) pushed"
    )


async def bare_phase(
    server: stack.Process, services: stack.Services, target: Target, args: argparse.Namespace
) -> Result:
    stack.cancel_on_sigterm()
    public_url = base_url(server.port)
    tag = uuid.uuid4().hex[:10]
    client = http_client(server.port, args)
    try:
        warm = webhooks(public_url, target.key, target.sender, tag, "warm", args.warmup)
        await warm_up(client, warm, args.concurrency)
        hooks = webhooks(public_url, target.key, target.sender, tag, "load", args.requests)
        before = cpu_now(server, services)
        answers = await send_all(client, hooks, args.concurrency)
        result = Result("bare", len(hooks), answers, cpu_now(server, services) - before)
    finally:
        await client.aclose()
    print(f"bare Starlette under daphne (pid {server.pid}, {public_url}):")
    print_answers(result)
    return result


# ---------------------------------------------------------------- main


def print_table(results: Sequence[Result]) -> None:
    print()
    print(
        f"{'system':6} {'requests':>8} {'errors':>6} {'requests/s':>10} {'p50':>9} {'p99':>9} "
        f"{'stored':>6} {'pushed':>6} {'stored+pushed/s':>15} {'server CPU':>10}"
    )
    for result in results:
        answers = result.answers
        if result.stored is None:
            stored_pushed = "-"
        elif result.complete:
            stored_pushed = f"{result.requests / result.wall:,.0f}"
        else:
            stored_pushed = "incomplete"
        print(
            f"{result.system:6} {result.requests:8,} {answers.errors:6,} "
            f"{result.answered_per_second:10,.0f} "
            f"{1000 * percentile(answers.latencies, 50):6.1f} ms "
            f"{1000 * percentile(answers.latencies, 99):6.1f} ms "
            f"{'-' if result.stored is None else f'{result.stored:,}':>6} "
            f"{'-' if result.pushed is None else f'{result.pushed:,}':>6} "
            f"{stored_pushed:>15} {result.cpu.server / result.wall:8.2f} c"
        )
    by_name = {result.system: result for result in results}
    hub, bare = by_name.get("hub"), by_name.get("bare")
    if hub is not None and bare is not None and bare.answered_per_second:
        print(
            f"\nhub/bare requests/s: {hub.answered_per_second / bare.answered_per_second:.3f}"
            f"   (hub stored+pushed/s over bare requests/s: "
            f"{hub.requests / hub.wall / bare.answered_per_second:.3f})"
        )


def run(args: argparse.Namespace) -> None:
    services = stack.Services(args.database_url, args.redis_url, args.layer)
    stack.setup_django(services)
    # The hub's settings log at INFO to the console; httpx would log every request here.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    seed = stack.seed()
    stack.clear_redis(services)
    tag = uuid.uuid4().hex[:10]
    target = make_target(seed, tag)
    print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    print(
        f"{args.requests:,} inbound Twilio webhooks per system, {args.concurrency} in flight, "
        f"{args.client} client (after {args.warmup} to warm up); case {target.case.pk}, "
        f"from {target.sender}, layer {args.layer}"
    )
    results: list[Result] = []
    replay = ""
    try:
        with stack.log_dir(args.logs) as logs:
            if "hub" in args.systems:
                with hub_server(services, logs, args.profile) as server:
                    result, replay = asyncio.run(
                        hub_phase(server, services, seed, target, args, tag)
                    )
                    results.append(result)
            if "bare" in args.systems:
                with bare_server(logs, target.key) as server:
                    results.append(asyncio.run(bare_phase(server, services, target, args)))
    except asyncio.CancelledError:
        sys.exit("sms ingest: stopped")
    finally:
        stack.clear_redis(services)
    print_table(results)
    if replay:
        print(replay)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.sms_ingest",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--requests", type=int, default=2000, help="N, webhooks per system")
    parser.add_argument("--concurrency", type=int, default=20, help="requests in flight")
    parser.add_argument("--warmup", type=int, default=20, help="webhooks sent before the clock")
    parser.add_argument("--systems", default="hub,bare", help="comma-separated subset of hub,bare")
    parser.add_argument(
        "--stall", type=float, default=30.0, help="give up when no frame comes for so long"
    )
    parser.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="raw: HTTP/1.1 by hand on asyncio streams; httpx: httpx.AsyncClient",
    )
    parser.add_argument("--layer", choices=stack.LAYERS, default="core")
    parser.add_argument("--database-url", default=stack.DATABASE_URL)
    parser.add_argument("--redis-url", default=stack.REDIS_URL)
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this directory")
    parser.add_argument(
        "--profile", type=Path, help="run the hub server under cProfile, into this file"
    )
    args = parser.parse_args(argv)
    args.systems = {name.strip() for name in args.systems.split(",") if name.strip()}
    if not args.systems or args.systems - {"hub", "bare"}:
        parser.error("--systems takes hub, bare or both")
    if args.requests < 1 or args.concurrency < 1 or args.warmup < 1:
        parser.error("--requests, --concurrency and --warmup must be at least 1")
    stack.exit_on_sigterm()
    try:
        run(args)
    except KeyboardInterrupt:
        sys.exit("sms ingest: interrupted")


if __name__ == "__main__":
    main(sys.argv[1:])
