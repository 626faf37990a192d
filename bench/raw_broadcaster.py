"""The floor under the hub: a plain ``websockets`` server that subscribes to one Redis pub/sub
channel and ``websockets.broadcast``s each message to every connected client. No framework, no
per-socket queue, one encoding of each frame for all sockets.

``python -m bench.raw_broadcaster --redis-url URL --channel NAME [--port 0]``; prints
``listening on 127.0.0.1:PORT`` once it is subscribed and accepting.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

import redis.asyncio as redis
from websockets.asyncio.server import ServerConnection, broadcast, serve


class Broadcaster:
    def __init__(self) -> None:
        self.clients: set[ServerConnection] = set()

    async def handler(self, connection: ServerConnection) -> None:
        self.clients.add(connection)
        try:
            await connection.wait_closed()
        finally:
            self.clients.discard(connection)

    async def relay(self, pubsub: redis.client.PubSub) -> None:
        async for message in pubsub.listen():
            if message["type"] == "message":
                data = message["data"]
                broadcast(self.clients, data.decode() if isinstance(data, bytes) else data)


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--channel", default="bench.raw")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)

    broadcaster = Broadcaster()
    client = redis.Redis.from_url(args.redis_url)
    pubsub = client.pubsub()
    await pubsub.subscribe(args.channel)
    relay = asyncio.create_task(broadcaster.relay(pubsub))
    try:
        async with serve(
            broadcaster.handler, "127.0.0.1", args.port, max_queue=None, open_timeout=60
        ) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            print(f"listening on 127.0.0.1:{port}", flush=True)
            await stopping.wait()
    finally:
        relay.cancel()
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await client.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
