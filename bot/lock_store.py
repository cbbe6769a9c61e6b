"""A Redis lock store whose ticket updates are atomic across Rasa replicas (used by ops/endpoints.scaled.yml).

Rasa 3.6's `RedisLockStore` issues and returns tickets with a plain get → change → set. Two replicas that take a
message for the same buyer at the same instant both read "no lock", both write a lock holding ticket 0 and both
run the turn at once; the SQL tracker store then keeps one turn and drops the other's events (tests/scaled shows
it). Here every read-change-write of a lock is one optimistic Redis transaction (WATCH / MULTI / EXEC, retried
when another replica changed the key in between), so tickets are unique and turns run one after the other.

    lock_store:
      type: bot.lock_store.AtomicRedisLockStore
      url: 127.0.0.1
      port: 56379
      key_prefix: brandstationlock
"""

from __future__ import annotations

import json
from collections.abc import Callable

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Change = Callable[[TicketLock | None], TicketLock | None]


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` with atomic ticket issue, expiry and release (same keys, same settings)."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """A new ticket for `conversation_id`, creating the lock when there is none."""
        issued: list[int] = []

        def change(lock: TicketLock | None) -> TicketLock:
            issued.clear()  # a retried transaction issues again on the fresh lock
            lock = lock or TicketLock(conversation_id)
            issued.append(lock.issue_ticket(lock_lifetime))
            return lock

        try:
            self._atomically(conversation_id, change)
        except redis.RedisError as exc:
            raise LockError(f"Error while acquiring lock for '{conversation_id}': {exc}") from exc
        return issued[0]

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets (a crashed replica's ticket must not block the buyer forever)."""

        def change(lock: TicketLock | None) -> TicketLock | None:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock

        self._atomically(conversation_id, change)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Return `ticket_number`; delete the lock when nobody else waits."""

        def change(lock: TicketLock | None) -> TicketLock | None:
            if lock is None:
                return None
            lock.remove_ticket_for(ticket_number)
            return lock if lock.is_someone_waiting() else None

        self._atomically(conversation_id, change)

    def _atomically(self, conversation_id: str, change: Change) -> TicketLock | None:
        key = self.key_prefix + conversation_id
        while True:
            with self.red.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new = change(lock)
                    pipe.multi()
                    if new is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return new
                except redis.WatchError:
                    continue  # another replica changed this lock in between: read it again
