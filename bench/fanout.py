"""Fan-out: one case watched by N sockets, M messages; delivery latency and deliveries/s of the
hub against a bare Channels consumer and a raw ``websockets`` broadcaster on the same machine.

    .venv/bin/python -m bench.fanout [--sockets 100,1000] [--layer core|pubsub] [--quick]

For each N and each of three systems, a fresh server and a fresh client process with N sockets:

(a) ``hub``: ``python -m hub.server`` on the benchmark's PostgreSQL database and Redis. N staff
    sockets of one dispatcher (the watcher). By default they watch the case through the
    organisation's inbox group, which every dispatcher socket joins on connect; with
    ``--watch open`` each also opens the case (``{"type": "open", "since": 0}``). Messages are
    posted by a second dispatcher (the author) with ``do_post_message`` in this process: the
    database write and the publish through the layer after commit, as an HTTP post does it.
(b) ``bare``: ``bench.bare_app`` under daphne with the same channels_redis layer; messages are
    ``channel_layer.group_send`` from this process.
(c) ``raw``: ``bench.raw_broadcaster``, fed by Redis ``PUBLISH``.

The bare and raw frames are padded to the size of the hub's ``message.created`` frame. Two modes
each: ``flood`` (M messages as fast as the publisher sends them) and ``paced`` (``--rate``
messages a second for ``--seconds``). Latency runs from just before the publisher sends a message
(for the hub: before the database write) to the client reading the frame; deliveries/s counts
frames (one message to one socket) from the first send to the last frame read. The clients wait
until every socket holds every message, until no frame has come for ``--stall`` seconds, or
``--timeout``; what did not arrive is reported as lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractContextManager, asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import stack
from bench.clients import mark

SYSTEMS = ("hub", "bare", "raw")
RAW_CHANNEL = "bench.raw"
DEFAULT_FRAME_BYTES = 1000
# A flood is this many deliveries unless --messages says otherwise: M = 200 at N = 100, 20 at
# N = 1000, which keeps a default run within a few minutes on two cores.
FLOOD_DELIVERIES = 20_000
MIN_FLOOD = 20


class OverCapacity(logging.Filter):
    """Counts (and keeps off the console) channels_redis's "N of M channels over capacity in
    group G" notes: a ``group_send`` of this process that the core layer dropped for a server
    process whose channel already held ``capacity`` (100) messages."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if "over capacity" in record.getMessage():
            self.count += 1
            return False
        return True


OVER_CAPACITY = OverCapacity()


@dataclass
class Row:
    sockets: int
    mode: str
    system: str
    messages: int
    expected: int
    received: int
    p50_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    per_second: float
    publish_per_second: float
    server_cpu: float  # share of one core during the phase
    clients_cpu: float
    redis_cpu: float
    publisher_cpu: float  # this process: the publisher (for the hub, do_post_message)
    anomalies: int
    closed: int  # sockets the server closed during the phase
    other_frames: int  # frames without the mark (for the hub: other events) during the phase
    refused: int  # group_sends the core layer dropped as over capacity

    @property
    def lost(self) -> int:
        return self.expected - self.received


class Clients:
    """The client process (``bench.clients``), one JSON command and answer a line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @property
    def pid(self) -> int:
        return self.process.pid

    async def ask(self, command: dict[str, Any], within: float) -> dict[str, Any]:
        """Send ``command``; its answer, which must come within ``within`` seconds."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None
        assert stdout is not None
        stdin.write((json.dumps(command) + "\n").encode())
        await stdin.drain()
        line = await asyncio.wait_for(stdout.readline(), within)
        if not line:
            raise RuntimeError("the client process ended")
        answer: dict[str, Any] = json.loads(line)
        return answer


@asynccontextmanager
async def client_process() -> AsyncIterator[Clients]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.clients",
        cwd=stack.ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    clients = Clients(process)
    try:
        yield clients
    finally:
        if process.returncode is None:
            with suppress(RuntimeError, TimeoutError, OSError, ValueError):
                await clients.ask({"cmd": "close"}, within=30)
            if process.stdin is not None:
                process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


class Publisher:
    """How one system is fed a message: ``send(text)``, the text carrying the mark."""

    name: str
    frame_bytes: int = DEFAULT_FRAME_BYTES

    async def send(self, text: str) -> None:
        raise NotImplementedError

    def padded(self, text: str) -> str:
        """A frame about the size of the hub's ``message.created``: the same bytes to move."""
        frame = json.dumps({"type": "message.created", "text": text, "pad": ""})
        return json.dumps(
            {"type": "message.created", "text": text, "pad": "x" * (self.frame_bytes - len(frame))}
        )

    async def close(self) -> None:
        return None


class HubPublisher(Publisher):
    name = "hub"

    def __init__(self, seed: stack.Seed, case_id: int) -> None:
        from asgiref.sync import sync_to_async

        from hub.threads.actions.messages import do_post_message
        from hub.threads.models import Case

        member = seed.author
        case = Case.objects.get(pk=case_id)

        def post(text: str) -> None:
            do_post_message(member, case, audience="internal", text=text)

        self.post = sync_to_async(post)

    async def send(self, text: str) -> None:
        await self.post(text)


class BarePublisher(Publisher):
    name = "bare"

    def __init__(self) -> None:
        from channels.layers import get_channel_layer

        self.layer = get_channel_layer()

    async def send(self, text: str) -> None:
        from bench.bare_app import GROUP

        await self.layer.group_send(GROUP, {"type": "bench.message", "text": self.padded(text)})


class RawPublisher(Publisher):
    name = "raw"

    def __init__(self, services: stack.Services) -> None:
        import redis.asyncio as redis

        self.redis = redis.Redis.from_url(services.redis_url)

    async def send(self, text: str) -> None:
        await self.redis.publish(RAW_CHANNEL, self.padded(text))

    async def close(self) -> None:
        await self.redis.aclose()


@dataclass(frozen=True)
class Options:
    sockets: list[int]
    messages: int | None
    rate: float
    seconds: float
    timeout: float
    stall: float
    systems: list[str]
    watch: str
    settle: float
    logs: Path | None
    profile: Path | None


async def run_phase(
    clients: Clients,
    server: stack.Process,
    publisher: Publisher,
    options: Options,
    redis_url: str,
    *,
    sockets: int,
    mode: str,
) -> tuple[Row, int]:
    """Send one phase's messages and collect them: the row, and the size of the frames."""
    if mode == "flood":
        count = options.messages or max(MIN_FLOOD, FLOOD_DELIVERIES // sockets)
        interval = 0.0
    else:
        count = max(1, round(options.rate * options.seconds))
        interval = 1.0 / options.rate
    phase = f"{publisher.name}-{sockets}-{mode}"
    await clients.ask({"cmd": "expect", "phase": phase, "count": count}, within=10)
    cpu_before = cpu_now(server, clients, redis_url)
    refused_before = OVER_CAPACITY.count
    started_ns = time.monotonic_ns()
    started = time.monotonic()
    for seq in range(count):
        if interval:
            delay = started + seq * interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        await publisher.send(mark(phase, seq))
    published = time.monotonic()
    result = await clients.ask(
        {"cmd": "collect", "phase": phase, "timeout": options.timeout, "stall": options.stall},
        within=options.timeout + 30,
    )
    cpu = [
        after - before
        for after, before in zip(cpu_now(server, clients, redis_url), cpu_before, strict=True)
    ]
    # Busy from the first send to the last frame read (after which they idle until the stall
    # ends the phase): CPU shares are over that window.
    deliveries_seconds = max((result["last_receive_ns"] - started_ns) / 1e9, 1e-9)
    busy = max(
        deliveries_seconds,
        time.monotonic() - started if not result["received"] else 0.0,
        published - started,
    )
    return Row(
        sockets=sockets,
        mode=mode,
        system=publisher.name,
        messages=count,
        expected=result["expected"],
        received=result["received"],
        p50_ms=result["p50_ms"],
        p99_ms=result["p99_ms"],
        max_ms=result["max_ms"],
        per_second=result["received"] / deliveries_seconds if result["received"] else 0.0,
        publish_per_second=count / max(published - started, 1e-9),
        server_cpu=cpu[0] / busy,
        clients_cpu=cpu[1] / busy,
        redis_cpu=cpu[2] / busy,
        publisher_cpu=cpu[3] / busy,
        anomalies=result["anomalies"],
        closed=result["closed"],
        other_frames=result["other_frames"],
        refused=OVER_CAPACITY.count - refused_before,
    ), result["frame_bytes"]


def cpu_now(server: stack.Process, clients: Clients, redis_url: str) -> tuple[float, ...]:
    """CPU seconds used so far by the server, the clients, Redis and this process."""
    return (
        server.cpu_seconds(),
        stack.cpu_seconds(clients.pid),
        stack.redis_cpu_seconds(redis_url),
        time.process_time(),
    )


def print_row(row: Row) -> None:
    print(
        f"  {row.mode:<6} {row.messages:>4} msgs  p50 {fmt_ms(row.p50_ms):>9}  "
        f"p99 {fmt_ms(row.p99_ms):>9}  max {fmt_ms(row.max_ms):>9}  "
        f"{row.per_second:>7,.0f} deliveries/s  lost {row.lost:>5}"
        + (f" ({row.closed} sockets closed by the server)" if row.closed else "")
        + (f", {row.anomalies} out of order/duplicate" if row.anomalies else "")
        + (f", {row.other_frames:,} other frames" if row.other_frames else "")
        + (f", {row.refused} sends dropped over capacity" if row.refused else ""),
        flush=True,
    )
    print(
        f"{'':10}published {row.publish_per_second:,.0f} msgs/s; CPU (cores): server "
        f"{row.server_cpu:.2f}, redis {row.redis_cpu:.2f}, publisher {row.publisher_cpu:.2f}, "
        f"clients {row.clients_cpu:.2f}",
        flush=True,
    )


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.1f} ms"


async def run_system(
    system: str,
    sockets: int,
    services: stack.Services,
    seed: stack.Seed,
    options: Options,
    logs: Path,
    frame_bytes: int,
) -> tuple[list[Row], int]:
    """One system at N sockets: start its server, connect, flood, pace, stop. Returns the rows
    and the size of the frames the hub sent (the others send frames as large)."""
    connect: dict[str, Any] = {"cmd": "connect", "sockets": sockets, "timeout": 60}
    profile = options.profile / f"{system}-{sockets}.prof" if options.profile else None
    server: AbstractContextManager[stack.Process]
    publisher_factory: Callable[[], Awaitable[Publisher]]
    if system == "hub":
        from asgiref.sync import sync_to_async

        case = await sync_to_async(stack.new_case)(seed.author, f"Fan-out to {sockets}")
        server = stack.hub_server(services, logs, profile=profile)
        connect.update(headers={"Cookie": seed.cookie}, origin=stack.ORIGIN, hello=True)
        if options.watch == "open":
            connect["open"] = {"type": "open", "case_id": case.pk, "since": 0}
        publisher_factory = sync_to_async(lambda: HubPublisher(seed, case.pk))
    elif system == "bare":
        server = stack.bare_server(services, logs, profile=profile)

        async def bare() -> Publisher:
            return BarePublisher()

        publisher_factory = bare
    else:
        server = stack.raw_server(services, RAW_CHANNEL, logs)

        async def raw() -> Publisher:
            return RawPublisher(services)

        publisher_factory = raw
    rows: list[Row] = []
    with server as running:
        connect["url"] = f"{running.ws}/ws/" if system == "hub" else f"{running.ws}/"
        async with client_process() as clients:
            rss_before = running.rss_kib()
            answer = await clients.ask(connect, within=60 + sockets)
            failed = (
                f", {answer['errors']} failed: {answer['first_errors']}" if answer["errors"] else ""
            )
            print(
                f"{system} N={sockets}: {answer['connected']} of {sockets} sockets "
                f"connected{' and opened the case' if 'open' in connect else ''} in "
                f"{answer['seconds']:.1f} s{failed}",
                flush=True,
            )
            if answer["connected"] == 0:
                print(running.log_tail(20), file=sys.stderr)
                return rows, frame_bytes
            settled = await clients.ask(
                {"cmd": "settle", "quiet": 1.0, "timeout": options.settle},
                within=options.settle + 30,
            )
            if settled["frames"] or settled["closed"]:
                print(
                    f"  settling took {settled['seconds']:.1f} s: {settled['frames']:,} other "
                    "frames (presence) reached the clients"
                    + ("" if settled["quiet"] else " and were still coming")
                    + (
                        f"; the server closed {settled['closed']} sockets"
                        if settled["closed"]
                        else ""
                    ),
                    flush=True,
                )
            print(
                f"  server RSS {rss_before / 1024:.0f} MiB before the sockets, "
                f"{running.rss_kib() / 1024:.0f} MiB with them",
                flush=True,
            )
            publisher = await publisher_factory()
            publisher.frame_bytes = frame_bytes
            try:
                for mode in ("flood", "paced"):
                    row, seen_bytes = await run_phase(
                        clients,
                        running,
                        publisher,
                        options,
                        services.redis_url,
                        sockets=sockets,
                        mode=mode,
                    )
                    if system == "hub" and seen_bytes:
                        frame_bytes = seen_bytes
                    print_row(row)
                    rows.append(row)
            finally:
                await publisher.close()
            for error, count in running.errors().most_common(5):
                print(f"  server log: {count} x {error}", flush=True)
    return rows, frame_bytes


def ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None or denominator == 0:
        return "-"
    return f"{numerator / denominator:.2f}"


def print_table(rows: list[Row], layer: str) -> None:
    print(f"\nfan-out, channel layer {layer!r}\n")
    header = (
        f"{'N':>5} {'mode':<6} {'system':<6} {'msgs':>5} {'pub/s':>6} {'p50':>9} {'p99':>9} "
        f"{'deliv/s':>8} {'lost':>6} {'server CPU':>10}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.sockets:>5} {row.mode:<6} {row.system:<6} {row.messages:>5} "
            f"{row.publish_per_second:>6,.0f} {fmt_ms(row.p50_ms):>9} {fmt_ms(row.p99_ms):>9} "
            f"{row.per_second:>8,.0f} {row.lost:>6} {row.server_cpu:>10.2f}"
        )
    by_key = {(row.sockets, row.mode, row.system): row for row in rows}
    pairs = [
        (
            by_key.get((sockets, mode, "hub")),
            by_key.get((sockets, mode, "bare")),
            by_key.get((sockets, mode, "raw")),
        )
        for sockets, mode in dict.fromkeys((row.sockets, row.mode) for row in rows)
    ]
    if not any(hub and (bare or raw) for hub, bare, raw in pairs):
        return
    print(
        "\nratios: latency hub/other (above 1: the hub is slower), "
        "deliveries/s hub/other (below 1: the hub delivers fewer)\n"
    )
    header = (
        f"{'N':>5} {'mode':<6} {'p50 hub/bare':>12} {'p50 hub/raw':>11} {'p99 hub/bare':>12} "
        f"{'p99 hub/raw':>11} {'deliv/s hub/bare':>16} {'deliv/s hub/raw':>15}"
    )
    print(header)
    print("-" * len(header))
    for hub, bare, raw in pairs:
        if hub is None:
            continue
        cells = [
            ratio(getattr(hub, field), getattr(other, field)) if other else "-"
            for field in ("p50_ms", "p99_ms", "per_second")
            for other in (bare, raw)
        ]
        print(
            f"{hub.sockets:>5} {hub.mode:<6} {cells[0]:>12} {cells[1]:>11} {cells[2]:>12} "
            f"{cells[3]:>11} {cells[4]:>16} {cells[5]:>15}"
        )


async def run(services: stack.Services, seed: stack.Seed, options: Options) -> list[Row]:
    stack.cancel_on_sigterm()
    rows: list[Row] = []
    frame_bytes = DEFAULT_FRAME_BYTES
    with stack.log_dir(options.logs) as logs:
        try:
            for sockets in options.sockets:
                for system in options.systems:
                    stack.clear_redis(services)
                    found, frame_bytes = await run_system(
                        system,
                        sockets,
                        services,
                        seed,
                        options,
                        logs / f"{system}-{sockets}",
                        frame_bytes,
                    )
                    rows.extend(found)
        finally:
            stack.clear_redis(services)
    return rows


def parse(argv: list[str]) -> tuple[stack.Services, Options]:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fanout",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--sockets", default="100,1000", help="N, comma-separated")
    parser.add_argument(
        "--messages",
        type=int,
        help=f"M of the flood; by default {FLOOD_DELIVERIES:,} deliveries' worth "
        f"(M = {FLOOD_DELIVERIES:,} / N, at least {MIN_FLOOD})",
    )
    parser.add_argument("--rate", type=float, default=10.0, help="messages/s when paced")
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to pace")
    parser.add_argument(
        "--layer",
        choices=stack.LAYERS,
        default="core",
        help="channels_redis layer of the hub (HUB_CHANNEL_LAYER) and the bare app",
    )
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="which of them to run")
    parser.add_argument(
        "--watch",
        choices=("inbox", "open"),
        default="inbox",
        help="how the hub's sockets watch the case: through the organisation's inbox group "
        "(every dispatcher socket is in it), or also by opening the case (joins the case "
        "group and announces presence to every other viewer: O(N²) frames)",
    )
    parser.add_argument(
        "--settle", type=float, default=60.0, help="longest wait for presence frames to stop"
    )
    parser.add_argument("--timeout", type=float, default=90.0, help="longest wait for a phase")
    parser.add_argument(
        "--stall",
        type=float,
        default=10.0,
        help="end a phase when no frame of it has arrived for this long",
    )
    parser.add_argument("--database-url", default=stack.DATABASE_URL)
    parser.add_argument("--redis-url", default=stack.REDIS_URL)
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this directory")
    parser.add_argument(
        "--profile", type=Path, help="run the hub and bare servers under cProfile, into here"
    )
    parser.add_argument("--quick", action="store_true", help="N=100, M=50, paced for 2 s")
    args = parser.parse_args(argv)
    sockets = [int(n) for n in args.sockets.split(",") if n.strip()]
    messages, seconds = args.messages, args.seconds
    if args.quick:
        sockets, messages, seconds = [100], 50, 2.0
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = set(systems) - set(SYSTEMS)
    if unknown or not systems:
        parser.error(f"--systems: choose from {', '.join(SYSTEMS)}")
    services = stack.Services(args.database_url, args.redis_url, args.layer)
    options = Options(
        sockets=sockets,
        messages=messages,
        rate=args.rate,
        seconds=seconds,
        timeout=args.timeout,
        stall=args.stall,
        systems=systems,
        watch=args.watch,
        settle=args.settle,
        logs=args.logs,
        profile=args.profile,
    )
    return services, options


def main(argv: list[str]) -> None:
    services, options = parse(argv)
    stack.exit_on_sigterm()
    started = time.monotonic()
    stack.setup_django(services)
    logging.getLogger("channels_redis.core").addFilter(OVER_CAPACITY)
    stack.clear_redis(services)
    seed = stack.seed()
    flood = options.messages or f"{FLOOD_DELIVERIES:,}/N"
    print(
        f"fan-out: N = {', '.join(map(str, options.sockets))} sockets; flood of {flood} "
        f"messages, then {options.rate:g} messages/s for {options.seconds:g} s; layer "
        f"{services.layer}; hub sockets watch by {options.watch}; {', '.join(options.systems)}",
        flush=True,
    )
    try:
        rows = asyncio.run(run(services, seed, options))
    except asyncio.CancelledError:
        sys.exit("fan-out: stopped")
    print_table(rows, services.layer)
    print(f"\n{time.monotonic() - started:.0f} s in all")


if __name__ == "__main__":
    main(sys.argv[1:])
