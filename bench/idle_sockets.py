"""Idle sockets: how many one daphne process holds, and what each costs in memory.

    .venv/bin/python -m bench.idle_sockets [--sockets 2000] [--layer core|pubsub] [--app hub|bare]

Starts one ``python -m hub.server`` (or, with ``--app bare``, daphne serving
``bench.bare_app``), warms it up with a few sockets, then opens K staff sockets (the hub: a
dispatcher's session, each waits for its ``hello``, so it has joined its groups) and leaves them
idle. Prints the server's resident memory (VmRSS from /proc) before and with the sockets, the
memory per socket, how long connecting them all took, and the memory once they are closed again.
By default all K connect at once, as after a deploy; ``--at-once`` limits the handshakes in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from contextlib import AbstractContextManager
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from bench import stack
from bench.clients import wait_for

WARM_UP = 20
SETTLE_SECONDS = 2.0


async def open_sockets(
    url: str, count: int, cookie: str | None, at_once: int, within: float
) -> tuple[list[ClientConnection], Counter[str], float]:
    """Open ``count`` sockets (waiting for the hub's ``hello`` when ``cookie`` is given): the
    open ones, the failures by kind, and the seconds until the last one was in."""
    gate = asyncio.Semaphore(at_once or count)
    failures: Counter[str] = Counter()

    async def one() -> ClientConnection | None:
        async with gate:
            try:
                socket = await connect(
                    url,
                    additional_headers={"Cookie": cookie} if cookie else None,
                    origin=stack.ORIGIN if cookie else None,  # type: ignore[arg-type]
                    open_timeout=within,
                    compression=None,
                    ping_interval=None,
                    max_queue=None,
                )
            except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed) as error:
                failures[type(error).__name__ + ": " + str(error)[:100]] += 1
                return None
            if cookie:
                try:
                    await wait_for(socket, '"hello"', within)
                except (TimeoutError, ConnectionClosed) as error:
                    failures[f"no hello: {error!r}"[:100]] += 1
                    socket.transport.abort()
                    return None
            return socket

    started = time.monotonic()
    opened = await asyncio.gather(*(one() for _ in range(count)))
    return [socket for socket in opened if socket is not None], failures, time.monotonic() - started


async def close_all(sockets: list[ClientConnection]) -> None:
    async def one(socket: ClientConnection) -> None:
        try:
            await asyncio.wait_for(socket.close(), 10)
        except (TimeoutError, ConnectionClosed, OSError):
            socket.transport.abort()

    await asyncio.gather(*(one(socket) for socket in sockets))


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


async def measure(
    server: stack.Process, url: str, cookie: str | None, args: argparse.Namespace
) -> None:
    stack.cancel_on_sigterm()
    warm, failures, _ = await open_sockets(url, WARM_UP, cookie, WARM_UP, args.timeout)
    await close_all(warm)
    if failures:
        raise RuntimeError(f"warming up failed: {dict(failures)}\n{server.log_tail(20)}")
    await asyncio.sleep(SETTLE_SECONDS)
    before = server.rss_kib()
    cpu_before = server.cpu_seconds()
    print(f"{args.app} server (pid {server.pid}), layer {args.layer}: RSS {mib(before)} before")

    sockets, failures, seconds = await open_sockets(
        url, args.sockets, cookie, args.at_once, args.timeout
    )
    try:
        cpu = server.cpu_seconds() - cpu_before
        print(
            f"{len(sockets)} of {args.sockets} sockets in {seconds:.1f} s "
            f"({len(sockets) / seconds:,.0f}/s, {cpu:.1f} s of server CPU)"
        )
        for failure, count in failures.most_common(3):
            print(f"  {count} failed: {failure}")
        await asyncio.sleep(SETTLE_SECONDS)
        held = server.rss_kib()
        per_socket = (held - before) / max(len(sockets), 1)
        print(
            f"RSS {mib(held)} with {len(sockets)} idle sockets: +{mib(held - before)}, "
            f"{per_socket:.1f} KiB per socket"
        )
        still_open = sum(1 for socket in sockets if socket.state.name == "OPEN")
        print(f"{still_open} of {len(sockets)} sockets still open after {SETTLE_SECONDS:g} s")
    finally:
        await close_all(sockets)
    await asyncio.sleep(SETTLE_SECONDS)
    print(f"RSS {mib(server.rss_kib())} after closing them")
    for error, count in server.errors().most_common(5):
        print(f"server log: {count} x {error}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.idle_sockets",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--sockets", type=int, default=2000, help="K")
    parser.add_argument("--layer", choices=stack.LAYERS, default="core")
    parser.add_argument("--app", choices=("hub", "bare"), default="hub")
    parser.add_argument(
        "--at-once", type=int, default=0, help="handshakes in flight at most (0: all)"
    )
    parser.add_argument("--timeout", type=float, default=90.0, help="per socket")
    parser.add_argument("--database-url", default=stack.DATABASE_URL)
    parser.add_argument("--redis-url", default=stack.REDIS_URL)
    parser.add_argument("--logs", type=Path, help="keep the server's log in this directory")
    parser.add_argument(
        "--profile", type=Path, help="run the server under cProfile, into this file"
    )
    args = parser.parse_args(argv)
    stack.exit_on_sigterm()

    services = stack.Services(args.database_url, args.redis_url, args.layer)
    cookie: str | None = None
    if args.app == "hub":
        stack.setup_django(services)
        cookie = stack.seed().cookie
    stack.clear_redis(services)
    with stack.log_dir(args.logs) as logs:
        server: AbstractContextManager[stack.Process] = (
            stack.hub_server(services, logs, profile=args.profile)
            if args.app == "hub"
            else stack.bare_server(services, logs, profile=args.profile)
        )
        with server as running:
            url = f"{running.ws}/ws/" if args.app == "hub" else f"{running.ws}/"
            try:
                asyncio.run(measure(running, url, cookie, args))
            except asyncio.CancelledError:
                sys.exit("idle sockets: stopped")
            finally:
                stack.clear_redis(services)


if __name__ == "__main__":
    main(sys.argv[1:])
