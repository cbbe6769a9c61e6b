"""`make load`: simulated buyers through Rasa's REST channel; the full bot, embedded and scaled out, against a bare
Rasa moodbot, in the same run.

    python -m bench.load [--users 1,20,100] [--duration 40] [--think 0] [--only bare,full,scaled] [--out PATH]

Each virtual user loops over conversations until the level's time is up (in-flight turns finish, bounded by the
request timeout): buyers mix spec questions, substitutes, a parametric selection with one option click, a pasted
BOM and the lead form; the bare bot's users send moodbot greetings and moods. Users wait `--think` seconds between
turns (0: a closed loop, the worst case). Every turn's latency counts; an error is a non-200 answer, a timeout or a
refused connection; a reply without the expected words counts as `unexpected`.

Setups, all running side by side on free loopback ports; the levels interleave (bare, full, scaled per level), so
a busy machine slows them alike. Ratios against bare are the headline (and scaled against full).
- bare: the moodbot, trained once into var/moodbot/ (`rasa init`), `rasa run` with the in-memory tracker store.
- full: `bot.stack.Stack` (`make run`, the embedded default) with the real catalog and index, a throw-away var dir
  and the shipped routing file (webhooks on the discard port: leads queue).
- scaled: `bot.scaled.ScaledStack` (`make run-scaled`: 2 Rasa replicas + 2 action servers behind haproxy, no web
  server), the buyers talking to haproxy's Rasa frontend, on the `make services` servers without touching what
  they hold: a throw-away PostgreSQL database (the catalog is copied in, ~15 s on 2 cores; dropped at the end, and
  any left by a killed run is dropped by the next), Redis lock keys under a throw-away prefix, and, when RabbitMQ
  answers, a throw-away exchange and queue (deleted at the end; otherwise the replicas buffer events). When
  PostgreSQL or Redis does not answer, or haproxy is missing, the column is skipped and the reason is printed
  and kept in the JSON (`skipped`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from contextlib import ExitStack, closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import aiohttp
import yaml

from bench.run import RESULTS_DIR, machine_info
from bot.scaled import ENDPOINTS, ScaledStack, Services, port_answers
from bot.scaled import free_port as scaled_free_port  # below the ephemeral range
from bot.settings import ROOT, Settings
from bot.stack import Stack

MOODBOT_DIR = ROOT / "var" / "moodbot"
MODEL = ROOT / "models" / "brandstation.tar.gz"
REQUEST_TIMEOUT_S = 60.0
READY_TIMEOUT_S = 180.0
SEED = 8
SETUPS = ("bare", "full", "scaled")
THROWAWAY_PREFIX = "brandstation_load_"  # + pid + hex: a run's database, lock keys, exchange and queue

Reply = list[dict[str, Any]]
# A flow is a coroutine that plays one conversation with `say(text, expect)` and returns nothing.
Say = Callable[[str, str], Awaitable[Reply]]
Flow = Callable[[Say], Awaitable[None]]

PASTED_BOM = "位号\t数量\t规格型号\t封装\nR1,R2\t2\t0603WAF1002T5E\tR0603\nR9\t1\t10k\t\n"
LEAD_FORM = [
    ("我要询价", "公司名称"),
    ("深圳测试电子有限公司", "怎么称呼"),
    ("王工", "联系方式"),
    ("138 1234 5678", "省市"),
    ("广东深圳", "采购量"),
    ("每月5000片", "什么时候"),
    ("下个月", "同意"),
    ("同意", "已转给"),
]


async def spec_question(say: Say) -> None:
    await say("6205-2RS 内径多少?", "25 mm")


async def substitute(say: Say) -> None:
    await say("RC0603FR-0710KL alternatives in stock", "RC0603FR-0710KL")


async def selection(say: Say) -> None:
    replies = await say("I need a 100nF capacitor", "100 nF")
    options = [b["payload"] for r in replies for b in r.get("buttons", []) if b["payload"].startswith("/choose_option")]
    if options:
        await say(options[0], "")


async def pasted_bom(say: Say) -> None:
    await say(PASTED_BOM, "读取 2 行")


async def lead_form(say: Say) -> None:
    for text, expect in LEAD_FORM:
        await say(text, expect)


async def mood_happy(say: Say) -> None:
    await say("hello", "How are you")
    await say("I am feeling great", "Great")


async def mood_sad(say: Say) -> None:
    await say("hi there", "How are you")
    await say("I am very sad", "Did that help")
    await say(random.choice(["yes", "no"]), "")


async def bot_challenge(say: Say) -> None:
    await say("are you a bot?", "bot")


# Weights: the lead form has 8 turns, so it is picked less often; turns still lean to it (see `turns` in the JSON).
BUYER_FLOWS: list[tuple[Flow, int]] = [
    (spec_question, 4),
    (substitute, 2),
    (selection, 2),
    (pasted_bom, 1),
    (lead_form, 1),
]
MOOD_FLOWS: list[tuple[Flow, int]] = [(mood_happy, 2), (mood_sad, 2), (bot_challenge, 1)]


@dataclass
class Level:
    """What one setup did at one number of users."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    unexpected: int = 0
    error_samples: list[str] = field(default_factory=list)
    by_flow: dict[str, list[float]] = field(default_factory=dict)

    def summary(self, elapsed: float) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        return {
            "turns": len(ordered),
            "errors": self.errors,
            "unexpected": self.unexpected,
            "elapsed_s": round(elapsed, 2),
            "throughput_turns_s": round(len(ordered) / elapsed, 2) if elapsed else 0.0,
            "p50_ms": pct_ms(ordered, 50),
            "p95_ms": pct_ms(ordered, 95),
            "p99_ms": pct_ms(ordered, 99),
            "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
            "by_flow": {
                name: {"turns": len(v), "p50_ms": pct_ms(sorted(v), 50), "p95_ms": pct_ms(sorted(v), 95)}
                for name, v in sorted(self.by_flow.items())
            },
            "error_samples": self.error_samples[:5],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }


def pct_ms(ordered: list[float], p: float) -> float | None:
    """Nearest-rank percentile in milliseconds (None without samples)."""
    if not ordered:
        return None
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[rank] * 1000, 1)


async def run_level(
    url: str, flows: list[tuple[Flow, int]], users: int, duration: float, think: float, tag: str, limit: int = 0
) -> dict[str, Any]:
    """`users` virtual users loop over weighted flows for `duration` seconds (or `limit` conversations each)."""
    level = Level()
    webhook = f"{url}/webhooks/rest/webhook"
    deadline = time.monotonic() + duration
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=0)
    funcs = [f for f, _ in flows]
    weights = [w for _, w in flows]

    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def user(index: int) -> None:
            rng = random.Random(SEED * 1000 + index)
            conversation = 0
            while time.monotonic() < deadline and not (limit and conversation >= limit):
                flow = rng.choices(funcs, weights)[0]
                sender = f"load-{tag}-{users}u-{index}-{conversation}"
                conversation += 1

                async def say(text: str, expect: str, flow_name: str = flow.__name__, sender: str = sender) -> Reply:
                    if think:
                        await asyncio.sleep(think)
                    start = time.perf_counter()
                    try:
                        async with session.post(webhook, json={"sender": sender, "message": text}) as response:
                            body = await response.text()
                            status = response.status
                    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                        level.latencies.append(time.perf_counter() - start)
                        level.errors += 1
                        level.error_samples.append(f"{flow_name}: {type(exc).__name__}: {exc}"[:200])
                        raise _Abort from exc
                    elapsed = time.perf_counter() - start
                    level.latencies.append(elapsed)
                    level.by_flow.setdefault(flow_name, []).append(elapsed)
                    if status != 200:
                        level.errors += 1
                        level.error_samples.append(f"{flow_name}: HTTP {status}: {body[:150]}")
                        raise _Abort
                    replies: Reply = json.loads(body)
                    words = "\n".join(r.get("text", "") for r in replies)
                    if (expect and expect not in words) or not replies:
                        level.unexpected += 1
                        if len(level.error_samples) < 20:
                            level.error_samples.append(
                                f"{flow_name}: unexpected reply to {text[:30]!r}: {words[:120]!r}"
                            )
                    return replies

                try:
                    await flow(say)
                except _Abort:
                    await asyncio.sleep(0.2)  # a failed server is not hammered in a tight loop

        started = time.monotonic()
        await asyncio.gather(*(user(i) for i in range(users)))
        return level.summary(time.monotonic() - started)


class _Abort(Exception):
    """A turn failed; the user drops the rest of that conversation."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def moodbot_model() -> Path:
    """The moodbot model under var/moodbot/models, trained by `rasa init` the first time."""
    models = sorted((MOODBOT_DIR / "models").glob("*.tar.gz"))
    if models:
        return models[-1]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    if (MOODBOT_DIR / "domain.yml").exists():  # project there, model missing
        command = [sys.executable, "-m", "rasa", "train", "--out", "models"]
    else:
        MOODBOT_DIR.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", "."]
    print(f"training the moodbot in {MOODBOT_DIR} (once) ...", flush=True)
    with open(MOODBOT_DIR / "train.log", "wb") as log:
        subprocess.run(command, cwd=MOODBOT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
    return sorted((MOODBOT_DIR / "models").glob("*.tar.gz"))[-1]


class BareRasa:
    """`rasa run` on the moodbot as `rasa init` made it (in-memory tracker store), on a free loopback port."""

    def __init__(self, model: Path, log: Path) -> None:
        self.port = free_port()
        self.model = model
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "rasa", "run", "--enable-api", "--interface", "127.0.0.1"]
        command += ["--port", str(self.port), "--model", str(self.model), "--credentials", "credentials.yml"]
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                command, cwd=MOODBOT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"bare Rasa exited with code {self.proc.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/status", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"bare Rasa did not answer within {READY_TIMEOUT_S:.0f} s; see {self.log}")

    def failed(self) -> str | None:
        """ "bare Rasa" once it has exited, else None."""
        return "bare Rasa" if self.proc is not None and self.proc.poll() is not None else None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def full_stack(var: Path) -> Stack:
    """The full bot on the embedded default: real catalog and index, a throw-away var dir, no web page."""
    settings = Settings(
        var_dir=var,
        catalog_db=ROOT / "var" / "catalog.sqlite",
        index_dir=ROOT / "var" / "index",
        database=var / "brandstation.sqlite",
        routing_file=ROOT / "config" / "routing.yml",  # webhooks on 127.0.0.1:9 (discard): leads stay queued
        rasa_port=free_port(),
        actions_port=free_port(),
        web_port=free_port(),
    )
    return Stack(settings, MODEL, var / "run", web=False)


@dataclass(frozen=True)
class ThrowAwayServices(Services):
    """The `make services` servers with the app's tables and Rasa's tracker store in the database `database`."""

    database: str = "brandstation"

    @property
    def database_url(self) -> str:
        return f"postgresql://brandstation:{self.pg_password}@{self.host}:{self.pg_port}/{self.database}"


class ScaledSetup:
    """`make run-scaled` (ScaledStack) on free loopback ports, on the `make services` servers, leaving what they hold
    alone: its own database (created by start, dropped by stop), Redis lock-key prefix and RabbitMQ exchange + queue
    (deleted by stop), all named `brandstation_load_<pid>_<hex>`. When RabbitMQ does not answer, the replicas get a
    port where nothing listens and buffer their events (as with RabbitMQ down)."""

    def __init__(self, tmp: Path, services: Services | None = None) -> None:
        shared = services or Services.from_environment()
        self.shared = shared
        self.name = f"{THROWAWAY_PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
        self.rabbitmq = port_answers(shared.host, shared.rabbitmq_port)
        fields = {**asdict(shared), "database": self.name}
        if not self.rabbitmq:
            fields["rabbitmq_port"] = scaled_free_port()
        self.services = ThrowAwayServices(**fields)
        var = tmp / "scaled-var"
        settings = Settings(
            var_dir=var,
            catalog_db=ROOT / "var" / "catalog.sqlite",
            index_dir=ROOT / "var" / "index",
            database=var / "brandstation.sqlite",
            routing_file=ROOT / "config" / "routing.yml",  # webhooks on 127.0.0.1:9 (discard): leads stay queued
            rasa_port=scaled_free_port(),
            actions_port=scaled_free_port(),
            web_port=scaled_free_port(),
        )
        self.stack = ScaledStack(
            settings,
            MODEL,
            run_dir=tmp / "run-scaled",
            services=self.services,
            endpoints=tmp / "endpoints.scaled.yml",
            web=False,
        )
        self._started = self._created = False

    def unavailable(self) -> str | None:
        """Why the setup cannot run here (a service not answering, haproxy missing), or None."""
        problems = self.shared.missing()
        return "; ".join(problems) + ": run `make services`" if problems else None

    def describe(self) -> dict[str, str]:
        """Where each service is and what this run has of its own there (for the JSON)."""
        s = self.services
        rabbitmq = (
            f"{s.host}:{s.rabbitmq_port}, exchange and queue {self.name} (deleted at the end)"
            if self.rabbitmq
            else f"not answering on {self.shared.host}:{self.shared.rabbitmq_port}: the replicas buffer the events"
        )
        return {
            "postgresql": f"{s.host}:{s.pg_port}, database {self.name} (dropped at the end)",
            "redis": f"{s.host}:{s.redis_port}, lock keys under {lock_prefix(self.name)}",
            "rabbitmq": rabbitmq,
        }

    def start(self) -> None:
        """Drop what killed runs left, create the database, write the endpoints file, start the stack."""
        self._started = True
        drop_stale_databases(self.shared.database_url)
        shipped = ENDPOINTS.read_text(encoding="utf-8")
        self.stack.run_dir.mkdir(parents=True, exist_ok=True)
        self.stack.endpoints.write_text(throwaway_endpoints(shipped, self.name), encoding="utf-8")
        with closing(_pg_connect(self.shared.database_url)) as conn:
            conn.cursor().execute(f'CREATE DATABASE "{self.name}"')
        self._created = True
        self.stack.start()

    def stop(self) -> None:
        """Stop every process, then drop the database and delete the exchange and queue; a cleanup that fails is
        printed with what is left (the results are kept)."""
        self.stack.stop()
        if self._created:
            try:
                with closing(_pg_connect(self.shared.database_url)) as conn:
                    conn.cursor().execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                self._created = False
            except Exception as error:
                print(f"warning: database {self.name} is left (the next run drops it): {error}", flush=True)
        if self.rabbitmq and self._started:
            try:
                asyncio.run(delete_exchange_and_queue(self.services, self.name))
            except Exception as error:
                print(f"warning: RabbitMQ exchange and queue {self.name} are left: {error}", flush=True)


def lock_prefix(name: str) -> str:
    """Rasa keeps only alphanumeric lock-key prefixes."""
    return "".join(c for c in name if c.isalnum())


def throwaway_endpoints(shipped: str, name: str) -> str:
    """ops/endpoints.scaled.yml with the tracker store in database `name`, Redis lock keys under `name` (alphanumeric)
    and the events to exchange and queue `name`; ${VARS} stay for Rasa to fill in."""
    endpoints = yaml.safe_load(shipped)
    try:
        endpoints["tracker_store"]["db"] = name
        endpoints["lock_store"]["key_prefix"] = lock_prefix(name)
        endpoints["event_broker"]["queues"] = [name]
        endpoints["event_broker"]["exchange_name"] = name
    except (KeyError, TypeError) as error:
        raise RuntimeError(f"{ENDPOINTS} has no {error} section: bench/load.py must follow it") from error
    return f"# {ENDPOINTS.name} for one `make load` run (bench/load.py)\n" + yaml.safe_dump(endpoints, sort_keys=False)


def drop_stale_databases(url: str) -> list[str]:
    """Drop the throw-away databases whose run is no longer alive (killed with -9); returns their names."""
    with closing(_pg_connect(url)) as conn:
        cursor = conn.cursor()
        cursor.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (THROWAWAY_PREFIX,))
        names = [str(row[0]) for row in cursor.fetchall()]
        stale = [n for n in names if not _pid_alive(n.removeprefix(THROWAWAY_PREFIX).split("_")[0])]
        for name in stale:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return stale


def _pid_alive(pid: str) -> bool:
    if not pid.isdigit():
        return True  # not one of ours: leave it
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pg_connect(url: str) -> Any:
    import psycopg2  # comes with Rasa

    conn = psycopg2.connect(url, connect_timeout=5)
    conn.autocommit = True  # CREATE / DROP DATABASE cannot run in a transaction
    return conn


async def delete_exchange_and_queue(services: Services, name: str) -> None:
    """Delete the run's RabbitMQ exchange and queue (vhost and user `brandstation`, as ops/rabbitmq.sh makes)."""
    import aio_pika  # comes with Rasa

    connection = await aio_pika.connect(
        host=services.host,
        port=services.rabbitmq_port,
        login="brandstation",
        password=services.rabbitmq_password,
        virtualhost="brandstation",
        timeout=10,
    )
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(name)
        await channel.exchange_delete(name)


async def warm_up(url: str, flows: list[tuple[Flow, int]], rounds: int = 1) -> None:
    """Every flow `rounds` times, not measured (first calls load lazily; behind haproxy, in every replica)."""
    for _ in range(rounds):
        for flow, _ in flows:
            await run_level(url, [(flow, 1)], 1, REQUEST_TIMEOUT_S * 10, 0.0, "warmup", limit=1)


RATIO_KEYS = ("p50_ms", "p95_ms", "p99_ms", "throughput_turns_s")


def ratios(results: dict[str, dict[str, Any]], setup: str, base: str) -> dict[str, dict[str, float]]:
    """Per level, `setup`'s percentiles and throughput divided by `base`'s (empty when either did not run)."""
    if setup not in results or base not in results:
        return {}
    return {
        users: {
            key: round(mine[key] / theirs[key], 2)
            for key in RATIO_KEYS
            if (mine := results[setup][users]).get(key) and (theirs := results[base][users]).get(key)
        }
        for users in results[setup]
        if users in results[base]
    }


@dataclass
class Server:
    """A running setup: where the buyers talk to it, what they say, and how to tell that a process died."""

    url: str
    flows: list[tuple[Flow, int]]
    failed: Callable[[], str | None]  # the name of a process that exited, else None
    warm_up_rounds: int = 1  # behind a load balancer: once per replica


def start_servers(
    setups: list[str], tmp: Path, running: ExitStack, info: dict[str, Any], skipped: dict[str, str]
) -> dict[str, Server]:
    """Start the setups in order (bare, full, scaled), each stopped by `running`; start times go to `info`, a
    setup that cannot run here goes to `skipped` with the reason."""
    servers: dict[str, Server] = {}
    if "bare" in setups:
        bare = BareRasa(moodbot_model(), tmp / "bare-rasa.log")
        print("starting bare Rasa (moodbot) ...", flush=True)
        running.callback(bare.stop)
        bare.start()
        servers["bare"] = Server(bare.url, MOOD_FLOWS, bare.failed)
    if "full" in setups:
        stack = full_stack(tmp / "var")
        print("starting the full bot (action server + Rasa, full catalog) ...", flush=True)
        t0 = time.monotonic()
        running.callback(stack.stop)
        stack.start()
        info["full_stack_start_s"] = round(time.monotonic() - t0, 1)
        servers["full"] = Server(stack.rasa_url, BUYER_FLOWS, stack.failed)
    if "scaled" in setups:
        scaled = ScaledSetup(tmp)
        if reason := scaled.unavailable():
            skipped["scaled"] = reason
            print(f"scaled: skipped: {reason}", flush=True)
            return servers
        s = scaled.stack
        info["scaled_services"] = scaled.describe()
        print(
            f"starting the scaled setup ({s.replicas} Rasa replicas + {s.action_servers} action servers behind haproxy,"
            f" database {scaled.name}, the catalog copied in) ...",
            flush=True,
        )
        t0 = time.monotonic()
        running.callback(scaled.stop)
        scaled.start()
        info["scaled_stack_start_s"] = round(time.monotonic() - t0, 1)
        if s.catalog_copy is not None:
            info["scaled_catalog_copy_s"] = s.catalog_copy.seconds
        servers["scaled"] = Server(s.rasa_url, BUYER_FLOWS, lambda: ", ".join(s.exited()) or None, s.replicas)
    return servers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--users", default="1,20,100", help="comma-separated numbers of concurrent users")
    parser.add_argument("--duration", type=float, default=40.0, help="seconds per level and setup")
    parser.add_argument("--think", type=float, default=0.0, help="seconds a user waits before each turn")
    parser.add_argument("--only", default=",".join(SETUPS), help=f"setups to run: {', '.join(SETUPS)}")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "load.json")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.users.split(",") if x]
    setups = [s for s in args.only.split(",") if s]
    if unknown := sorted(set(setups) - set(SETUPS)):
        parser.error(f"unknown setup {', '.join(unknown)}: choose from {', '.join(SETUPS)}")
    info = machine_info()
    info.pop("faiss", None)
    info.pop("numpy", None)
    skipped: dict[str, str] = {}
    previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the servers as Ctrl-C does
    try:
        with tempfile.TemporaryDirectory(prefix="brandstation-load-") as tmp, ExitStack() as running:
            servers = start_servers(setups, Path(tmp), running, info, skipped)
            for server in servers.values():
                asyncio.run(warm_up(server.url, server.flows, server.warm_up_rounds))
            results: dict[str, dict[str, Any]] = {name: {} for name in servers}
            for users in levels:
                for name, server in servers.items():
                    print(f"{name}: {users} users for {args.duration:.0f} s ...", flush=True)
                    results[name][str(users)] = asyncio.run(
                        run_level(server.url, server.flows, users, args.duration, args.think, name)
                    )
                    for setup, other in servers.items():
                        if dead := other.failed():
                            raise RuntimeError(f"{setup}: {dead} exited during the load; see the logs in {tmp}")
    finally:
        signal.signal(signal.SIGTERM, previous)

    scaled_services = info.pop("scaled_services", {})
    headline = {f"ratios_{name}_over_bare": ratios(results, name, "bare") for name in ("full", "scaled")}
    payload = {
        "machine": info,
        "settings": {
            "users": levels,
            "duration_s": args.duration,
            "think_s": args.think,
            "request_timeout_s": REQUEST_TIMEOUT_S,
            "bare": "rasa init moodbot, in-memory tracker store, `rasa run` (1 process)",
            "full": "bot.stack.Stack: action server + Rasa (SQLite tracker store), full catalog + index",
            "scaled": "bot.scaled.ScaledStack (make run-scaled): 2 Rasa replicas + 2 action servers behind haproxy, "
            "tracker store, app tables and catalog in PostgreSQL, Redis lock store, RabbitMQ event broker; "
            "turns through haproxy's Rasa frontend",
            "scaled_services": scaled_services,
            "buyer_flows": {f.__name__: w for f, w in BUYER_FLOWS},
            "mood_flows": {f.__name__: w for f, w in MOOD_FLOWS},
        },
        "results": results,
        **headline,
        "ratios_scaled_over_full": ratios(results, "scaled", "full"),
        "skipped": skipped,
        "goal": "p95 at 20 users <= 1.3 x bare",
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    comparisons = [("full", "bare"), ("scaled", "bare"), ("scaled", "full")]
    print_table(results, {f"{a} / {b}": ratios(results, a, b) for a, b in comparisons}, skipped)
    print(f"wrote {args.out}")
    return 0


def print_table(
    results: dict[str, dict[str, Any]],
    comparisons: dict[str, dict[str, dict[str, float]]],
    skipped: dict[str, str] | None = None,
) -> None:
    """Per level, a row per setup, then the ratios (`comparisons`: label such as "full / bare" -> `ratios()`); at the
    end, the setups skipped and why."""
    print(
        f"\n{'users':>5} {'setup':<6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'turns/s':>8} {'errors':>6} {'unexp':>6}"
    )
    for users in sorted({int(u) for r in results.values() for u in r}):
        for name, levels in results.items():
            r = levels[str(users)]
            print(
                f"{users:>5} {name:<6} {r['p50_ms']!s:>8} {r['p95_ms']!s:>8} {r['p99_ms']!s:>8} "
                f"{r['throughput_turns_s']:>8} {r['errors']:>6} {r['unexpected']:>6}"
            )
        for label, by_level in comparisons.items():
            if str(users) in by_level:
                ratio = by_level[str(users)]
                print(
                    f"{'':>5} ratio {label}: p50 {ratio.get('p50_ms')}  p95 {ratio.get('p95_ms')}  "
                    f"p99 {ratio.get('p99_ms')}  turns/s {ratio.get('throughput_turns_s')}"
                )
    for name, reason in (skipped or {}).items():
        print(f"{name}: skipped: {reason}")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    raise SystemExit(main())
