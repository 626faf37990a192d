"""The server's log: a channel layer's fire-and-forget clean-up failing while Redis is away is
one line, not a traceback; every other unhandled task error keeps asyncio's full report."""

from __future__ import annotations

import asyncio
import gc

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from hub.server import channel_layer_exception_handler


class RedisChannelLayer:
    """Named as channels_redis's layer, whose clean-up tasks the handler knows."""

    async def _clean_receive_backup(self) -> None:
        raise RedisConnectionError("Error while reading from 127.0.0.1:6379 : reset by peer")


async def something_else() -> None:
    raise RedisConnectionError("a real bug")


async def unretrieved_failure(coroutine: object) -> None:
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(channel_layer_exception_handler)
    try:
        task = loop.create_task(coroutine)  # type: ignore[arg-type]
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert task.done()
        del task
        gc.collect()  # the "never retrieved" report comes when the task is collected
    finally:
        loop.set_exception_handler(previous)


async def test_a_failed_channel_layer_clean_up_is_one_line(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    await unretrieved_failure(RedisChannelLayer()._clean_receive_backup())
    err = capsys.readouterr().err
    assert err == (
        "channel layer: RedisChannelLayer._clean_receive_backup failed: "
        "Error while reading from 127.0.0.1:6379 : reset by peer\n"
    )
    assert "never retrieved" not in caplog.text


async def test_any_other_lost_task_error_is_reported_in_full(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    await unretrieved_failure(something_else())
    assert "channel layer" not in capsys.readouterr().err
    assert "Task exception was never retrieved" in caplog.text
    assert "a real bug" in caplog.text
