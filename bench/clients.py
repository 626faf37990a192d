"""The benchmark's websocket clients, in a process of their own so that their work (N sockets
reading frames) does not slow the publisher in the benchmark's process, nor the other way round.

``python -m bench.clients`` is driven by ``bench.fanout`` over stdin/stdout, one JSON object a
line: ``connect`` N sockets (optionally waiting for the hub's ``hello`` and opening a case),
``settle`` (wait until no frame has arrived for a while), ``expect`` a phase of M messages,
``collect`` it (wait until every socket holds all M, or a deadline) and ``close``.

A benchmark message carries ``bench|<phase>|<seq>|<sent>|`` somewhere in its frame, ``sent``
being ``time.monotonic_ns()`` in the publishing process when it was sent. CLOCK_MONOTONIC is one
clock for every process of the machine, so receive minus send is the delivery latency. Frames
without the mark (the hub's other events: presence, read status) are counted and otherwise
ignored.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

MARK = "bench|"
# Handshakes in flight at once. The benchmark measures delivery, not a reconnect storm: more at
# once and daphne's consumers exhaust redis-py's connection pool in ``group_add`` (HTTP 500).
CONNECTING_AT_ONCE = 50
ATTEMPTS = 3


def mark(phase: str, seq: int) -> str:
    return f"{MARK}{phase}|{seq}|{time.monotonic_ns()}|"


@dataclass
class Phase:
    expected: int
    sockets: int
    counts: list[int] = field(default_factory=list)
    last_seq: list[int] = field(default_factory=list)
    latencies: list[int] = field(default_factory=list)
    anomalies: int = 0  # a frame out of order or a second time
    last_receive: int = 0
    frame_bytes: int = 0
    done_sockets: int = 0
    closed_before: int = 0
    other_before: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.counts = [0] * self.sockets
        self.last_seq = [-1] * self.sockets
        if self.expected == 0:
            self.done.set()

    def take(self, index: int, seq: int, sent: int, received: int, size: int) -> None:
        if seq <= self.last_seq[index]:
            self.anomalies += 1
            return
        self.last_seq[index] = seq
        self.latencies.append(received - sent)
        self.last_receive = max(self.last_receive, received)
        self.frame_bytes = size
        self.counts[index] += 1
        if self.counts[index] == self.expected:
            self.done_sockets += 1
            if self.done_sockets == self.sockets:
                self.done.set()

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def percentile(p: float) -> float | None:
            if not ordered:
                return None
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))] / 1e6

        return {
            "expected": self.expected * self.sockets,
            "received": len(ordered),
            "complete_sockets": self.done_sockets,
            "anomalies": self.anomalies,
            "p50_ms": percentile(0.50),
            "p99_ms": percentile(0.99),
            "max_ms": ordered[-1] / 1e6 if ordered else None,
            "last_receive_ns": self.last_receive,
            "frame_bytes": self.frame_bytes,
        }


class Swarm:
    def __init__(self) -> None:
        self.sockets: list[ClientConnection] = []
        self.readers: list[asyncio.Task[None]] = []
        self.phases: dict[str, Phase] = {}
        self.other_frames = 0
        self.closed_early = 0
        self.last_frame = time.monotonic()

    async def connect(self, command: dict[str, Any]) -> dict[str, Any]:
        count: int = command["sockets"]
        gate = asyncio.Semaphore(command.get("at_once", CONNECTING_AT_ONCE))
        errors: list[str] = []
        opened: list[ClientConnection | None] = [None] * count

        async def one(index: int) -> None:
            for attempt in range(1, ATTEMPTS + 1):
                async with gate:
                    try:
                        opened[index] = await handshake(command)
                        return
                    except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed) as error:
                        if attempt == ATTEMPTS:
                            errors.append(repr(error))
                            return
                await asyncio.sleep(0.5 * attempt)

        started = time.monotonic()
        await asyncio.gather(*(one(index) for index in range(count)))
        seconds = time.monotonic() - started
        self.sockets = [socket for socket in opened if socket is not None]
        self.readers = [
            asyncio.create_task(self.read(index, socket))
            for index, socket in enumerate(self.sockets)
        ]
        return {
            "connected": len(self.sockets),
            "seconds": seconds,
            "errors": len(errors),
            "first_errors": sorted(set(errors))[:3],
        }

    async def read(self, index: int, socket: ClientConnection) -> None:
        phases = self.phases
        try:
            async for frame in socket:
                received = time.monotonic_ns()
                self.last_frame = time.monotonic()
                if not isinstance(frame, str):
                    continue
                at = frame.find(MARK)
                if at < 0:
                    self.other_frames += 1
                    continue
                name, seq, sent, _rest = frame[at + len(MARK) :].split("|", 3)
                phase = phases.get(name)
                if phase is not None:
                    phase.take(index, int(seq), int(sent), received, len(frame))
        except ConnectionClosed:
            self.closed_early += 1

    async def settle(self, command: dict[str, Any]) -> dict[str, Any]:
        """Wait until no frame has arrived for ``quiet`` seconds (the hub announcing presence
        after every socket opened the case), at most ``timeout`` seconds."""
        quiet: float = command.get("quiet", 1.0)
        started = time.monotonic()
        deadline = started + command.get("timeout", 60.0)
        before = self.other_frames
        while True:
            now = time.monotonic()
            if now >= deadline or now - self.last_frame >= quiet:
                break
            await asyncio.sleep(min(0.05, deadline - now))
        return {
            "seconds": time.monotonic() - started,
            "frames": self.other_frames - before,
            "quiet": time.monotonic() - self.last_frame >= quiet,
            "closed": self.closed_early,
        }

    def expect(self, command: dict[str, Any]) -> dict[str, Any]:
        phase = Phase(command["count"], len(self.sockets))
        phase.closed_before = self.closed_early
        phase.other_before = self.other_frames
        self.phases[command["phase"]] = phase
        return {"ok": True}

    async def collect(self, command: dict[str, Any]) -> dict[str, Any]:
        """Wait until every socket holds the phase's messages, or no frame of it has come for
        ``stall`` seconds, or ``timeout`` seconds in all."""
        phase = self.phases[command["phase"]]
        deadline = time.monotonic() + command.get("timeout", 60.0)
        stall = command.get("stall", 10.0)
        progress, since = len(phase.latencies), time.monotonic()
        while not phase.done.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            if len(phase.latencies) != progress:
                progress, since = len(phase.latencies), time.monotonic()
            elif time.monotonic() - since > stall:
                break
        summary = phase.summary()
        summary["closed"] = self.closed_early - phase.closed_before
        summary["other_frames"] = self.other_frames - phase.other_before
        del self.phases[command["phase"]]
        return summary

    async def close(self) -> dict[str, Any]:
        async def one(socket: ClientConnection) -> None:
            try:
                await asyncio.wait_for(socket.close(), 5)
            except (TimeoutError, ConnectionClosed, OSError):
                socket.transport.abort()

        await asyncio.gather(*(one(socket) for socket in self.sockets))
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)
        self.sockets, self.readers = [], []
        return {"ok": True}


async def handshake(command: dict[str, Any]) -> ClientConnection:
    """Open one socket; for the hub, wait for its ``hello`` and open the case."""
    socket = await connect(
        command["url"],
        additional_headers=command.get("headers", {}),
        origin=command.get("origin"),
        open_timeout=command.get("timeout", 60),
        max_queue=None,
        compression=None,
        ping_interval=None,
    )
    try:
        if command.get("hello"):
            await wait_for(socket, '"hello"')
        open_frame = command.get("open")
        if open_frame is not None:
            await socket.send(json.dumps(open_frame))
            await wait_for(socket, '"opened"')
    except BaseException:
        socket.transport.abort()
        raise
    return socket


async def wait_for(socket: ClientConnection, kind: str, within: float = 60.0) -> None:
    """Read frames until one containing ``kind`` (e.g. ``"hello"``), for at most ``within``
    seconds."""
    async with asyncio.timeout(within):
        while True:
            frame = await socket.recv()
            if isinstance(frame, str) and kind in frame:
                return


async def main() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    swarm = Swarm()
    try:
        while line := await reader.readline():
            command = json.loads(line)
            match command["cmd"]:
                case "connect":
                    answer = await swarm.connect(command)
                case "settle":
                    answer = await swarm.settle(command)
                case "expect":
                    answer = swarm.expect(command)
                case "collect":
                    answer = await swarm.collect(command)
                case "close":
                    answer = await swarm.close()
                case other:
                    answer = {"error": f"unknown command {other!r}"}
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()
    finally:
        await swarm.close()


if __name__ == "__main__":
    asyncio.run(main())
