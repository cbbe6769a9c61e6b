"""Transactional outbox: enqueue on the caller's transaction, the state machine, backoff, leases, and the CLI.

Deliveries go to a real aiohttp receiver on a free loopback port; time is a fake clock, so backoffs of minutes
are checked without waiting for them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import time
from collections.abc import Awaitable, Callable, Coroutine
from decimal import Decimal
from pathlib import Path
from random import Random
from typing import Any, TypeVar

import pytest
from aiohttp import web

from bot import webhooks
from bot.outbox import (
    DEAD,
    DELIVERED,
    IN_FLIGHT,
    PENDING,
    Outbox,
    OutboxError,
    Worker,
    main,
    make_job_key,
    register_cli,
    routing_resolver,
    run_cli,
    targets_file_resolver,
)
from knowledge.db import Database

SECRET = webhooks.new_secret()
LEAD = {"lead_id": "L-20261126-0001", "contact": {"name": "张三", "phone": "+8613812345678"}, "score": 73}
T = TypeVar("T")


class FakeClock:
    def __init__(self, t: float = 1_800_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Receiver:
    """A webhook endpoint on a free loopback port that verifies every request and records it."""

    def __init__(self, clock: Callable[[], float], secrets: list[str] | None = None) -> None:
        self.clock = clock
        self.secrets = secrets or [SECRET]
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.respond: Handler = _ok
        self.active = 0
        self.most_active = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/hook"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        webhooks.verify(self.secrets, request.headers, body, now=self.clock())  # raises → 500, test sees it
        self.requests.append((dict(request.headers), body))
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        try:
            return await self.respond(request)
        finally:
            self.active -= 1


async def _ok(request: web.Request) -> web.StreamResponse:
    return web.Response(text="stored")


def _status(code: int, text: str = "", headers: dict[str, str] | None = None) -> Handler:
    async def respond(request: web.Request) -> web.StreamResponse:
        return web.Response(status=code, text=text, headers=headers)

    return respond


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def outbox(app_db: Database, clock: FakeClock) -> Outbox:
    return Outbox(app_db, clock=clock)


def _worker(outbox: Outbox, url: str | Callable[[], str], clock: FakeClock, **options: Any) -> Worker:
    def resolve(target: str) -> tuple[str, list[str]]:
        if target != "dist-sz":
            raise OutboxError(f"no target {target!r}")
        return (url() if callable(url) else url), [SECRET]

    settings: dict[str, Any] = {"timeout_s": 2.0, "max_attempts": 5, "base_delay_s": 10.0, "max_delay_s": 600.0}
    settings.update(options)
    return Worker(outbox, resolve, clock=clock, rng=Random(7), **settings)


def _add(outbox: Outbox, n: int = 1, target: str = "dist-sz") -> list[int]:
    return [
        outbox.add(job_key=make_job_key("lead", f"L-{i:04d}", target), target=target, kind="lead", payload=LEAD)
        for i in range(n)
    ]


# -- write side --------------------------------------------------------------------------------------------------


def test_the_job_commits_or_rolls_back_with_the_callers_lead(outbox: Outbox) -> None:
    with outbox.connect() as db:
        db.execute("CREATE TABLE leads (lead_id TEXT PRIMARY KEY)")

    def save_lead(fail: bool) -> None:
        with outbox.transaction() as db:
            db.execute("INSERT INTO leads VALUES (?)", (LEAD["lead_id"],))
            outbox.enqueue(db, job_key="lead:L-20261126-0001:dist-sz", target="dist-sz", kind="lead", payload=LEAD)
            if fail:
                raise RuntimeError("the form crashed after both inserts")

    with pytest.raises(RuntimeError):
        save_lead(fail=True)
    assert _count(outbox, "leads") == 0 and _count(outbox, "outbox") == 0
    save_lead(fail=False)
    assert _count(outbox, "leads") == 1 and _count(outbox, "outbox") == 1

    if outbox.path is None:
        return
    # the same on a plain sqlite3 connection (implicit transaction), rolled back by the caller
    db = sqlite3.connect(outbox.path)
    db.execute("INSERT INTO leads VALUES ('L-2')")
    outbox.enqueue(db, job_key="lead:L-2:dist-sz", target="dist-sz", kind="lead", payload={"lead_id": "L-2"})
    db.rollback()
    db.close()
    assert _count(outbox, "outbox") == 1


def test_enqueueing_a_key_twice_keeps_the_first_job(outbox: Outbox, clock: FakeClock) -> None:
    first = outbox.add(job_key="lead:L-1:dist-sz", target="dist-sz", kind="lead", payload=LEAD)
    clock.advance(60)
    again = outbox.add(job_key="lead:L-1:dist-sz", target="brand", kind="lead", payload={"changed": True})
    assert again == first
    job = outbox.get(first)
    assert (job.target, job.payload, job.state, job.created_at) == ("dist-sz", LEAD, PENDING, clock() - 60)
    assert _count(outbox, "outbox") == 1


def test_bad_keys_and_payloads_are_refused_with_the_reason(outbox: Outbox) -> None:
    with pytest.raises(OutboxError, match=r"job key 'lead\.L-1'"):
        outbox.add(job_key="lead.L-1", target="brand", kind="lead", payload=LEAD)
    with pytest.raises(OutboxError, match="not JSON"):
        outbox.add(job_key="lead:L-1", target="brand", kind="lead", payload={"value_cny": Decimal("1.5")})
    with pytest.raises(OutboxError, match="target and kind"):
        outbox.add(job_key="lead:L-1", target="", kind="lead", payload=LEAD)
    assert make_job_key("lead", "L-20261126-0001", "经销商.sz") == "lead:L-20261126-0001:____sz"
    assert _count(outbox, "outbox") == 0


# -- delivery ----------------------------------------------------------------------------------------------------


def test_a_due_job_is_delivered_signed_with_its_key_as_webhook_id(outbox: Outbox, clock: FakeClock) -> None:
    (job_id,) = _add(outbox)

    async def scenario() -> None:
        async with Receiver(clock) as receiver, _worker(outbox, receiver.url, clock) as worker:
            clock.advance(2.5)
            report = await worker.run_once()
            assert (report.claimed, report.delivered) == (1, 1)
            ((sent_headers, body),) = receiver.requests
            assert sent_headers["webhook-id"] == "lead:L-0000:dist-sz"
            assert sent_headers["webhook-timestamp"] == str(int(clock()))
            assert sent_headers["Content-Type"] == "application/json"
            assert json.loads(body) == LEAD and body == outbox.get(job_id).body

    run(scenario())
    job = outbox.get(job_id)
    assert (job.state, job.attempts, job.last_status, job.delivered_at) == (DELIVERED, 1, 200, clock())
    stats = outbox.stats()
    assert (stats.pending, stats.delivered, stats.max_delivery_delay_s) == (0, 1, 2.5)


def test_failures_back_off_exponentially_then_go_dead_and_retry_revives(outbox: Outbox, clock: FakeClock) -> None:
    (job_id,) = _add(outbox)

    async def scenario() -> None:
        async with Receiver(clock) as receiver, _worker(outbox, receiver.url, clock, max_attempts=3) as worker:
            receiver.respond = _status(500, "database is down")
            waits = []
            for attempt in (1, 2, 3):
                assert (await worker.run_once()).claimed == 1
                job = outbox.get(job_id)
                assert job.attempts == attempt and job.last_error == "HTTP 500: database is down"
                if attempt < 3:
                    assert job.state == PENDING
                    wait = job.next_attempt_at - clock()
                    assert 0 <= wait <= 10 * 2 ** (attempt - 1)  # full jitter below the exponential cap
                    assert (await worker.run_once()).claimed == 0  # not due yet
                    waits.append(wait)
                    clock.advance(wait)
            assert outbox.get(job_id).state == DEAD
            assert [j.id for j in outbox.list_jobs(DEAD)] == [job_id]
            clock.advance(10_000)
            assert (await worker.run_once()).claimed == 0  # dead jobs stay put

            revived = outbox.retry(job_id)
            assert (revived.state, revived.attempts, revived.next_attempt_at) == (PENDING, 0, clock())
            receiver.respond = _ok
            assert (await worker.run_once()).delivered == 1
            assert len(receiver.requests) == 4
            assert len({h["webhook-id"] for h, _ in receiver.requests}) == 1  # the same idempotency key every time

    run(scenario())
    assert outbox.get(job_id).state == DELIVERED


def test_timeouts_and_refused_connections_are_retried(outbox: Outbox, clock: FakeClock) -> None:
    stalled, refused = _add(outbox, 2)

    async def stall(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(0.3)
        return web.Response()

    async def scenario() -> None:
        async with Receiver(clock) as receiver:
            receiver.respond = stall
            closed_port = f"http://127.0.0.1:{_free_port()}/hook"
            urls = iter([receiver.url, closed_port])
            async with _worker(outbox, lambda: next(urls), clock, timeout_s=0.05, concurrency=1) as worker:
                report = await worker.run_once()
                assert (report.claimed, report.retried) == (2, 2)

    started = time.monotonic()
    run(scenario())
    assert time.monotonic() - started < 1.0
    assert outbox.get(stalled).last_error == "no response within 0.05 s"
    assert outbox.get(refused).last_error.startswith("connection error: Cannot connect to host 127.0.0.1")
    assert {outbox.get(i).state for i in (stalled, refused)} == {PENDING}


def test_410_gone_is_dead_at_once_and_retry_after_is_honoured(outbox: Outbox, clock: FakeClock) -> None:
    gone, busy = _add(outbox, 2)
    responses = iter([_status(410, "endpoint removed"), _status(503, "", {"Retry-After": "120"})])

    async def scenario() -> None:
        async with Receiver(clock) as receiver, _worker(outbox, receiver.url, clock, concurrency=1) as worker:

            async def respond(request: web.Request) -> web.StreamResponse:
                return await next(responses)(request)

            receiver.respond = respond
            await worker.run_once()

    run(scenario())
    assert (outbox.get(gone).state, outbox.get(gone).attempts) == (DEAD, 1)
    assert outbox.get(busy).state == PENDING
    assert outbox.get(busy).next_attempt_at >= clock() + 120  # above the 0-10 s backoff of a first failure


def test_target_is_resolved_on_every_attempt(outbox: Outbox, clock: FakeClock) -> None:
    (job_id,) = _add(outbox)
    (unknown,) = _add(outbox, 1, target="dist-gone")
    new_secret = webhooks.new_secret()

    async def scenario() -> None:
        async with Receiver(clock) as first, Receiver(clock, [new_secret]) as second:
            first.respond = _status(502)
            config = [(first.url, [SECRET])]

            def resolve(target: str) -> tuple[str, list[str]]:
                if target != "dist-sz":
                    raise OutboxError(f"no target {target!r} in routing.yml")
                return config[-1]

            async with Worker(outbox, resolve, clock=clock, base_delay_s=1) as worker:
                await worker.run_once()
                # the brand moves the endpoint and rotates the secret: the queued job follows without a change
                config.append((second.url, [SECRET, new_secret]))
                clock.advance(2)
                await worker.run_once()
            assert len(first.requests) == 1 and len(second.requests) == 1
            assert len(second.requests[0][0]["webhook-signature"].split()) == 2

    run(scenario())
    assert outbox.get(job_id).state == DELIVERED
    failed = outbox.get(unknown)
    assert failed.state == PENDING and "no target 'dist-gone' in routing.yml" in failed.last_error


def test_at_most_concurrency_requests_are_in_flight(outbox: Outbox, clock: FakeClock) -> None:
    _add(outbox, 12)

    async def scenario() -> tuple[int, int]:
        async with Receiver(clock) as receiver, _worker(outbox, receiver.url, clock, concurrency=4) as worker:

            async def slow(request: web.Request) -> web.StreamResponse:
                # hold the first requests until 4 are in flight (or 2 s passed: a busy machine claims slowly), so
                # the count does not depend on how fast the worker's slots start
                for _ in range(200):
                    if receiver.most_active >= 4:
                        break
                    await asyncio.sleep(0.01)
                await asyncio.sleep(0.02)
                return web.Response()

            receiver.respond = slow
            report = await worker.run_once(limit=100)
            return report.delivered, receiver.most_active

    delivered, most_active = run(scenario())
    assert delivered == 12 and most_active == 4


def test_run_once_sends_no_more_than_its_limit(outbox: Outbox, clock: FakeClock) -> None:
    _add(outbox, 5)

    async def scenario() -> int:
        async with Receiver(clock) as receiver, _worker(outbox, receiver.url, clock, concurrency=8) as worker:
            return (await worker.run_once(limit=3)).delivered

    assert run(scenario()) == 3
    assert outbox.stats().pending == 2


# -- leases: a worker that died mid-attempt ------------------------------------------------------------------


def test_a_job_whose_worker_died_is_sent_again_after_the_lease(outbox: Outbox, clock: FakeClock) -> None:
    (job_id,) = _add(outbox)
    (dead_worker,) = outbox.claim(limit=10, lease_s=30, max_attempts=5, now=clock())  # then the process died
    assert outbox.get(job_id).state == IN_FLIGHT
    clock.advance(29)
    assert outbox.claim(limit=10, lease_s=30, max_attempts=5, now=clock()) == []
    assert outbox.next_due_at() == clock() + 1

    async def scenario() -> None:
        async with Receiver(clock) as receiver, _worker(outbox, receiver.url, clock, lease_s=30) as worker:
            clock.advance(1)
            assert (await worker.run_once()).delivered == 1
            assert len(receiver.requests) == 1

    run(scenario())
    job = outbox.get(job_id)
    assert (job.state, job.attempts) == (DELIVERED, 2)
    # the dead worker's late verdict changes nothing
    assert not outbox.mark_failed(dead_worker, error="late", status=500, retry_at=clock(), now=clock())
    assert outbox.get(job_id).state == DELIVERED


def test_a_stale_claim_cannot_overwrite_the_new_owner(outbox: Outbox, clock: FakeClock) -> None:
    _add(outbox)
    (old,) = outbox.claim(limit=1, lease_s=5, max_attempts=5, now=clock())
    clock.advance(5)
    (new,) = outbox.claim(limit=1, lease_s=5, max_attempts=5, now=clock())
    assert new.job.attempts == 2 and "attempt 1 was interrupted" in new.job.last_error
    assert not outbox.mark_failed(old, error="old worker", status=None, retry_at=clock() + 1, now=clock())
    assert outbox.mark_failed(new, error="new worker", status=None, retry_at=clock() + 1, now=clock())
    assert outbox.get(new.job.id).last_error == "new worker"


def test_an_interrupted_last_attempt_goes_dead(outbox: Outbox, clock: FakeClock) -> None:
    (job_id,) = _add(outbox)
    outbox.claim(limit=1, lease_s=5, max_attempts=1, now=clock())
    clock.advance(6)
    assert outbox.claim(limit=1, lease_s=5, max_attempts=1, now=clock()) == []
    job = outbox.get(job_id)
    assert job.state == DEAD and "interrupted" in job.last_error


# -- backoff -----------------------------------------------------------------------------------------------------


def test_backoff_is_exponential_with_full_jitter_and_capped(outbox: Outbox, clock: FakeClock) -> None:
    worker = Worker(outbox, lambda t: ("", []), base_delay_s=5, max_delay_s=300, clock=clock, rng=Random(1))
    for attempts, cap in [(1, 5), (2, 10), (3, 20), (6, 160), (7, 300), (40, 300), (5000, 300)]:
        samples = [worker.backoff(attempts) for _ in range(400)]
        assert all(0 <= s <= cap for s in samples)
        assert max(samples) > 0.9 * cap and min(samples) < 0.1 * cap  # spread over the whole range


# -- run_forever -------------------------------------------------------------------------------------------------


def test_run_forever_wakes_for_a_new_job_and_stops_when_asked(outbox: Outbox) -> None:
    outbox.clock = time.time

    async def scenario() -> float:
        async with Receiver(time.time) as receiver:
            worker = Worker(outbox, lambda t: (receiver.url, [SECRET]), concurrency=2)
            stop = asyncio.Event()
            task = asyncio.create_task(worker.run_forever(stop, poll_s=30))  # a poll far longer than the test
            await asyncio.sleep(0.02)
            _add(outbox)
            worker.wake()
            started = time.monotonic()
            while not receiver.requests and time.monotonic() - started < 2:
                await asyncio.sleep(0.005)
            delay = time.monotonic() - started
            stop.set()
            await asyncio.wait_for(task, 2)
            await worker.close()
            return delay

    assert run(scenario()) < 0.5
    assert outbox.stats().delivered == 1


# -- listing and errors ------------------------------------------------------------------------------------------


def test_list_retry_and_stats_report_clear_errors(outbox: Outbox, clock: FakeClock) -> None:
    a, b, c = _add(outbox, 3)
    (claim,) = outbox.claim(limit=1, lease_s=5, max_attempts=5, now=clock())
    outbox.mark_failed(claim, error="HTTP 404", status=404, retry_at=None, now=clock())
    (claim,) = outbox.claim(limit=1, lease_s=5, max_attempts=5, now=clock())
    outbox.mark_delivered(claim, status=204, now=clock() + 3)
    assert [j.id for j in outbox.list_jobs()] == [c, b, a]
    assert [j.id for j in outbox.list_jobs(PENDING)] == [c]
    clock.advance(10)
    stats = outbox.stats()
    assert (stats.pending, stats.in_flight, stats.delivered, stats.dead) == (1, 0, 1, 1)
    assert stats.oldest_undelivered_s == 10 and stats.max_delivery_delay_s == 3
    with pytest.raises(OutboxError, match="unknown job state 'failed'"):
        outbox.list_jobs("failed")
    with pytest.raises(OutboxError, match="no outbox job 99"):
        outbox.retry(99)
    with pytest.raises(OutboxError, match=f"job {b} .* is delivered; only dead jobs"):
        outbox.retry(b)


# -- command line ------------------------------------------------------------------------------------------------


def test_cli_list_work_once_and_retry(outbox: Outbox, clock: FakeClock, tmp_path: Path, capsys: Any) -> None:
    outbox.clock = time.time
    (job_id,) = _add(outbox)
    targets = tmp_path / "targets.yml"
    targets.write_text(
        f"targets:\n  - id: dist-sz\n    webhook_url: http://127.0.0.1:{_free_port()}/hook\n    secrets: ['{SECRET}']\n"
    )
    db = ["--db", outbox.db.url]
    assert main(["work", "--once", "--quiet", "--targets", str(targets), "--max-attempts", "1", *db]) == 0
    assert "claimed 1: 0 delivered, 0 to retry, 1 dead" in capsys.readouterr().out
    assert main(["list", "--dead", *db]) == 0
    out = capsys.readouterr().out
    assert "0 pending, 0 in flight, 0 delivered, 1 dead" in out
    assert "lead:L-0000:dist-sz" in out and "last error: connection error" in out
    assert main(["list", "--json", *db]) == 0
    assert json.loads(capsys.readouterr().out)["payload"] == LEAD
    assert main(["retry", str(job_id), *db]) == 0
    assert "is pending again" in capsys.readouterr().out
    assert main(["retry", "12345", *db]) == 2
    assert "no outbox job 12345" in capsys.readouterr().err


def test_register_cli_adds_the_outbox_commands() -> None:
    parser = argparse.ArgumentParser(prog="brandstation")
    register_cli(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["outbox", "work", "--once", "--concurrency", "3"])
    assert args.handler is run_cli and args.outbox_command == "work" and args.concurrency == 3
    assert parser.parse_args(["outbox", "retry", "7"]).id == 7


def test_targets_file_expands_env_and_reloads_when_it_changes(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("BRANDSTATION_TEST_SECRET", SECRET)
    path = tmp_path / "targets.yml"
    path.write_text("- {id: a, webhook_url: 'http://x/a', secrets: ['${BRANDSTATION_TEST_SECRET}']}\n")
    resolve = targets_file_resolver(path)
    assert resolve("a") == ("http://x/a", [SECRET])
    with pytest.raises(OutboxError, match=r"no target 'b'.*known: a"):
        resolve("b")
    path.write_text("- {id: a, webhook_url: '${UNSET_BRANDSTATION_URL:-http://y/a}', secrets: []}\n")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert resolve("a") == ("http://y/a", [])


def test_routing_resolver_reads_targets_from_the_routing_config() -> None:
    from bot.settings import ROOT

    config = ROOT / "config" / "routing.yml"
    if not config.exists():
        pytest.skip("config/routing.yml is not in this checkout")
    url, secrets = routing_resolver(config)("brand")
    assert url.startswith("http") and secrets and all(webhooks.decode_secret(s) for s in secrets)


def _count(outbox: Outbox, table: str) -> int:
    with outbox.connect() as db:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
