"""``python -m hub.gateways``: the gateway worker process. Run as many as you like."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()
    from hub.gateways.worker import Gateways

    async def run() -> None:
        task = asyncio.create_task(Gateways().run())
        loop = asyncio.get_running_loop()
        for stop in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task
        logging.getLogger(__name__).info("gateways stopped")

    asyncio.run(run())


if __name__ == "__main__":
    main()
