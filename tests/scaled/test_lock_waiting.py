"""bot/lock_waiting.py against a real Redis (a throw-away redis-server): a turn waiting behind the ticket of a
killed replica goes on once that ticket expires, where Rasa's ticket lock (as in bot/lock_store.py) waits forever."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Iterator

import pytest
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import AtomicRedisLockStore
from bot.lock_waiting import KeepAliveRedisLockStore
from tests.scaled.services import PrivateRedis

pytestmark = pytest.mark.scaled

DEAD_TICKET_S = 2.0  # the killed replica's ticket
WAITER_TICKET_S = 1.5  # issued just after it; expires first: the next poll finds no live ticket being served


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed: run `make services`")
    server = PrivateRedis()
    server.start()
    yield server.port
    server.stop()


def store_of(kind: type[AtomicRedisLockStore], port: int) -> AtomicRedisLockStore:
    return kind(EndpointConfig(url="127.0.0.1", port=port, db=0, key_prefix="testlock"))


async def wait_behind_a_dead_ticket(store: AtomicRedisLockStore, conversation: str) -> float:
    """Seconds until the waiter gets the lock; a killed replica's ticket was issued first and never returned."""
    store.issue_ticket(conversation, DEAD_TICKET_S)
    started = time.monotonic()
    async with store.lock(conversation, lock_lifetime=WAITER_TICKET_S, wait_time_in_seconds=0.5):
        return time.monotonic() - started


def test_a_turn_behind_a_dead_ticket_goes_on_once_it_expires(redis_port: int) -> None:
    store = store_of(KeepAliveRedisLockStore, redis_port)
    waited = asyncio.run(asyncio.wait_for(wait_behind_a_dead_ticket(store, f"c-{time.time_ns()}"), 10))
    assert DEAD_TICKET_S - 0.1 < waited < DEAD_TICKET_S + 1.5


def test_rasas_ticket_lock_waits_forever_there(redis_port: int) -> None:
    """Why bot/lock_waiting.py exists (if this starts passing with a newer Rasa, the subclass can go)."""
    store = store_of(AtomicRedisLockStore, redis_port)
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(asyncio.wait_for(wait_behind_a_dead_ticket(store, f"c-{time.time_ns()}"), DEAD_TICKET_S + 3))


def test_turns_of_one_buyer_still_run_one_after_the_other(redis_port: int) -> None:
    store = store_of(KeepAliveRedisLockStore, redis_port)
    conversation, running, overlaps = f"c-{time.time_ns()}", [0], [0]

    async def turn() -> None:
        async with store.lock(conversation, lock_lifetime=5, wait_time_in_seconds=0.05):
            running[0] += 1
            overlaps[0] = max(overlaps[0], running[0])
            await asyncio.sleep(0.1)
            running[0] -= 1

    async def many() -> None:
        await asyncio.gather(*(turn() for _ in range(6)))

    started = time.monotonic()
    asyncio.run(asyncio.wait_for(many(), 10))
    assert overlaps[0] == 1 and time.monotonic() - started >= 0.6
    assert store.get_lock(conversation) is None  # the last turn out removed the lock
