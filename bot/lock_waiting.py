"""The Redis lock store of ops/endpoints.scaled.yml: `AtomicRedisLockStore` whose waiting turns stay in the queue.

In Rasa 3.6 a ticket expires `lock_lifetime` (60 s) after it was issued, whether its turn is running, waiting or
dead. When a replica is killed mid-turn its ticket blocks the buyer's next message until it expires; but that
message's own ticket was issued at almost the same time, so it expires in almost the same instant. The waiter
polls once a second: if both have expired by its next look, `now_serving` falls back to 0, the waiter's ticket is
never served, and the turn hangs until another message of the same buyer happens to clear the lock
(tests/scaled/test_lock_waiting.py shows it; the kill test in tests/scaled/test_load_balancer.py hit it: two
buyers waited 120 s for nothing).

Here a waiting turn renews its own ticket at every look (it is alive: it is looking), and a ticket that gets the
lock is renewed once more, so a turn has the whole lifetime to run. Only the tickets of dead processes expire:
after a crash the buyer waits at most one lifetime, then goes on.

    lock_store:
      type: bot.lock_waiting.KeepAliveRedisLockStore
      ...                                  (same settings as AtomicRedisLockStore)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError

from bot.lock_store import AtomicRedisLockStore


class KeepAliveRedisLockStore(AtomicRedisLockStore):
    """`AtomicRedisLockStore` in which only the tickets of dead processes expire."""

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncIterator[TicketLock]:
        """Hold the conversation's lock for one turn; wait in line (renewing the ticket) while others hold it."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._wait_in_line(conversation_id, ticket, lock_lifetime, wait_time_in_seconds)
        finally:
            self.cleanup(conversation_id, ticket)

    async def _wait_in_line(self, conversation_id: str, ticket: int, lifetime: float, wait_s: float) -> TicketLock:
        while True:
            lock = self._renew(conversation_id, ticket, lifetime)
            if lock is None:
                raise LockError(f"lost the lock queue for conversation_id '{conversation_id}' (ticket {ticket})")
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_s)

    def _renew(self, conversation_id: str, ticket: int, lifetime: float) -> TicketLock | None:
        """Drop expired tickets and push `ticket`'s expiry to now + lifetime; None when `ticket` is gone."""
        found: list[bool] = []

        def change(lock: TicketLock | None) -> TicketLock | None:
            found.clear()
            if lock is None:
                return None
            for queued in lock.tickets:
                if queued.number == ticket:
                    queued.expires = max(queued.expires, time.time() + lifetime)
                    found.append(True)
            lock.remove_expired_tickets()
            return lock

        lock = self._atomically(conversation_id, change)
        return lock if found else None
