"""`make load`: simulated buyers through Rasa's REST channel, the full bot against a bare Rasa moodbot, same run.

    python -m bench.load [--users 1,20,100] [--duration 40] [--think 0] [--only bare,full] [--out PATH]

Each virtual user loops over conversations until the level's time is up (in-flight turns finish, bounded by the
request timeout): buyers mix spec questions, substitutes, a parametric selection with one option click, a pasted
BOM and the lead form; the bare bot's users send moodbot greetings and moods. Users wait `--think` seconds between
turns (0: a closed loop, the worst case). Both servers run side by side on free loopback ports and the levels
interleave (bare, then full, per level), so a busy machine slows both. Every turn's latency counts; an error is a
non-200 answer, a timeout or a refused connection; a reply without the expected words counts as `unexpected`.
The moodbot is trained once into var/moodbot/ (`rasa init`); the full bot is `bot.stack.Stack` with the real
catalog and index, a throw-away var dir and the shipped routing file (webhooks on the discard port: leads queue).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.run import RESULTS_DIR, machine_info
from bot.settings import ROOT, Settings
from bot.stack import Stack

MOODBOT_DIR = ROOT / "var" / "moodbot"
MODEL = ROOT / "models" / "brandstation.tar.gz"
REQUEST_TIMEOUT_S = 60.0
READY_TIMEOUT_S = 180.0
SEED = 8

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


async def warm_up(url: str, flows: list[tuple[Flow, int]]) -> None:
    """Every flow once, not measured (first calls load lazily)."""
    for flow, _ in flows:
        await run_level(url, [(flow, 1)], 1, REQUEST_TIMEOUT_S * 10, 0.0, "warmup", limit=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", default="1,20,100", help="comma-separated numbers of concurrent users")
    parser.add_argument("--duration", type=float, default=40.0, help="seconds per level and setup")
    parser.add_argument("--think", type=float, default=0.0, help="seconds a user waits before each turn")
    parser.add_argument("--only", default="bare,full", help="setups to run: bare, full")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "load.json")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.users.split(",") if x]
    setups = [s for s in args.only.split(",") if s]
    info = machine_info()
    info.pop("faiss", None)
    info.pop("numpy", None)

    with tempfile.TemporaryDirectory(prefix="brandstation-load-") as tmp:
        servers: dict[str, tuple[str, list[tuple[Flow, int]]]] = {}
        bare: BareRasa | None = None
        stack: Stack | None = None
        try:
            if "bare" in setups:
                bare = BareRasa(moodbot_model(), Path(tmp) / "bare-rasa.log")
                print("starting bare Rasa (moodbot) ...", flush=True)
                bare.start()
                servers["bare"] = (bare.url, MOOD_FLOWS)
            if "full" in setups:
                stack = full_stack(Path(tmp) / "var")
                print("starting the full bot (action server + Rasa, full catalog) ...", flush=True)
                t0 = time.monotonic()
                stack.start()
                info["full_stack_start_s"] = round(time.monotonic() - t0, 1)
                servers["full"] = (stack.rasa_url, BUYER_FLOWS)
            for url, flows in servers.values():
                asyncio.run(warm_up(url, flows))
            results: dict[str, dict[str, Any]] = {name: {} for name in servers}
            for users in levels:
                for name, (url, flows) in servers.items():
                    print(f"{name}: {users} users for {args.duration:.0f} s ...", flush=True)
                    results[name][str(users)] = asyncio.run(
                        run_level(url, flows, users, args.duration, args.think, name)
                    )
                    if stack is not None and stack.failed():
                        raise RuntimeError(f"{stack.failed()} exited during the load; see {stack.log_dir}")
        finally:
            if stack is not None:
                stack.stop()
            if bare is not None:
                bare.stop()

    ratios = {
        str(users): {
            key: round(results["full"][str(users)][key] / results["bare"][str(users)][key], 2)
            for key in ("p50_ms", "p95_ms", "p99_ms")
            if results["full"][str(users)][key] and results["bare"][str(users)][key]
        }
        for users in levels
        if "full" in results and "bare" in results
    }
    payload = {
        "machine": info,
        "settings": {
            "users": levels,
            "duration_s": args.duration,
            "think_s": args.think,
            "request_timeout_s": REQUEST_TIMEOUT_S,
            "bare": "rasa init moodbot, in-memory tracker store, `rasa run` (1 process)",
            "full": "bot.stack.Stack: action server + rasa run (SQLite tracker store), full catalog + index",
            "buyer_flows": {f.__name__: w for f, w in BUYER_FLOWS},
            "mood_flows": {f.__name__: w for f, w in MOOD_FLOWS},
        },
        "results": results,
        "ratios_full_over_bare": ratios,
        "goal": "p95 at 20 users <= 1.3 x bare",
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_table(results, ratios)
    print(f"wrote {args.out}")
    return 0


def print_table(results: dict[str, dict[str, Any]], ratios: dict[str, dict[str, float]]) -> None:
    print(
        f"\n{'users':>5} {'setup':<5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'turns/s':>8} {'errors':>6} {'unexp':>6}"
    )
    for users in sorted({int(u) for r in results.values() for u in r}):
        for name, levels in results.items():
            r = levels[str(users)]
            print(
                f"{users:>5} {name:<5} {r['p50_ms']!s:>8} {r['p95_ms']!s:>8} {r['p99_ms']!s:>8} "
                f"{r['throughput_turns_s']:>8} {r['errors']:>6} {r['unexpected']:>6}"
            )
        if str(users) in ratios:
            ratio = ratios[str(users)]
            print(
                f"{'':>5} ratio full / bare: p50 {ratio.get('p50_ms')}  p95 {ratio.get('p95_ms')}  p99 {ratio.get('p99_ms')}"
            )


if __name__ == "__main__":
    raise SystemExit(main())
