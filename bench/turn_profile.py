"""Where a turn's time goes: the load test's buyer flows, one turn at a time, with Rasa and the action server probed.

    python -m bench.turn_profile [--rounds 5] [--setups stock,full,alt] [--alt-model PATH] [--bare]
                                 [--cprofile DIR] [--json PATH]

Starts the full bot like `make load` does (`bench.load.full_stack`: real catalog and index, a throw-away var dir,
SQLite tracker store), each server under `bench.turn_probe`, plays every buyer flow once unmeasured and then
`--rounds` times (one user, no think time) and prints, per flow, the mean milliseconds per turn of each part: the
HTTP round trip the client sees, Rasa's `handle_message` and its process's CPU time, the tracker store's read and
write, NLU, policy prediction, the actions (and the action server's share, measured on its side), then per action
and per graph node. Setups: `full` is `bot.stack.Stack` as shipped; `stock` is the same stack with plain
`python -m rasa` (no bot/rasa_speedups.py) and Rasa's `type: SQL` tracker store (not bot/local_tracker_store.py),
i.e. before issue 8; `alt` is `full` with the model `--alt-model` (a domain or config change trained elsewhere);
`--bare` adds the moodbot (`rasa init`, in-memory tracker store). All run side by side and take turns conversation
by conversation, so other work on the machine slows them alike. `--cprofile DIR` also profiles the event-loop
thread of every server during the measured rounds (slower turns; one .prof per server in DIR, top functions
printed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.load import (
    BUYER_FLOWS,
    MOOD_FLOWS,
    READY_TIMEOUT_S,
    REQUEST_TIMEOUT_S,
    BareRasa,
    Flow,
    Reply,
    full_stack,
    moodbot_model,
    pct_ms,
)
from bot.stack import RASA_MODULE, Stack

TOP_FUNCTIONS = 20


@dataclass
class Turn:
    """One measured turn: what the client saw and the probe lines it produced."""

    flow: str
    text: str
    client_ms: float
    rasa: dict[str, Any]  # Rasa's line: ms, events, spans {name: [ms, count]}
    actions: list[dict[str, Any]]  # the action server's lines: action, ms, request_bytes, spans

    def span(self, name: str) -> float:
        return float(self.rasa.get("spans", {}).get(name, [0.0])[0])

    def spans(self, prefix: str) -> float:
        return sum(float(v[0]) for k, v in self.rasa.get("spans", {}).items() if k.startswith(prefix))

    def served(self, name: str) -> float:
        return sum(float(a["spans"].get(name, [0.0])[0]) for a in self.actions)


# The rows of the breakdown: label and the milliseconds (or count) of a turn. Indented rows are part of the row
# above; the top-level rows of handle_message add up to it with "rest".
ROWS: list[tuple[str, Callable[[Turn], float]]] = [
    ("client round trip", lambda t: t.client_ms),
    ("Rasa handle_message", lambda t: float(t.rasa.get("ms", 0.0))),
    ("  Rasa process CPU (all threads)", lambda t: float(t.rasa.get("cpu_ms", 0.0))),
    ("  tracker store: read", lambda t: t.span("tracker.retrieve")),
    ("    of which: rebuild from events", lambda t: t.span("tracker.from_dict")),
    ("  session check", lambda t: t.span("session_check") - t.span("action:action_session_start")),
    ("  NLU parse", lambda t: t.span("nlu")),
    ("  action_extract_slots", lambda t: t.span("extract_slots")),
    ("  policy prediction", lambda t: t.span("policy")),
    ("  actions", lambda t: t.spans("action:")),
    ("    of which: action server calls", lambda t: t.spans("remote:")),
    ("      of which: HTTP request", lambda t: t.span("remote.http")),
    ("      of which: tracker to JSON", lambda t: t.span("remote.tracker_json")),
    ("    of which: tracker.copy", lambda t: t.span("tracker.copy")),
    ("  tracker store: write", lambda t: t.span("tracker.save")),
    ("  rest (lock, logging, ...)", lambda t: float(t.rasa.get("ms", 0.0)) - sum(f(t) for f in _PARTS)),
    ("HTTP + REST channel (client - Rasa)", lambda t: t.client_ms - float(t.rasa.get("ms", 0.0))),
    ("action server calls (count)", lambda t: float(len(t.actions))),
    ("action server handler, its side", lambda t: sum(float(a["ms"]) for a in t.actions)),
    ("  of which: the actions' code", lambda t: t.served("run")),
    ("  action server process CPU (all threads)", lambda t: sum(float(a.get("cpu_ms", 0.0)) for a in t.actions)),
    ("tracker events at save (count)", lambda t: float(t.rasa.get("events", 0))),
]
_PARTS: list[Callable[[Turn], float]] = [
    lambda t: t.span("tracker.retrieve"),
    lambda t: t.span("session_check"),
    lambda t: t.span("nlu"),
    lambda t: t.span("extract_slots"),
    lambda t: t.span("policy"),
    lambda t: t.spans("action:") - t.span("action:action_session_start"),  # session start is in session_check
    lambda t: t.span("tracker.save"),
]


@dataclass
class Probe:
    """The files the probed servers append to, and how far this run has read each."""

    rasa_out: Path
    actions_out: Path | None = None
    offsets: dict[Path, int] = field(default_factory=dict)

    def read_new(self, path: Path | None) -> list[dict[str, Any]]:
        if path is None or not path.exists():
            return []
        with path.open("rb") as f:
            f.seek(self.offsets.get(path, 0))
            data = f.read()
        end = data.rfind(b"\n") + 1
        self.offsets[path] = self.offsets.get(path, 0) + end
        return [json.loads(line) for line in data[:end].decode("utf-8").splitlines() if line.strip()]

    def skip(self) -> None:
        self.read_new(self.rasa_out)
        self.read_new(self.actions_out)


class StockStack(Stack):
    """`bot.stack.Stack` as it was before issue 8: plain `python -m rasa` and Rasa's own SQL tracker store. For the
    before side of a comparison, also in `make load`:

        python -c "import bench.load as L, bench.turn_profile as P; f = L.full_stack; \\
            L.full_stack = lambda var: P.StockStack.like(f(var)); L.main(['--users', '1,20'])"
    """

    @classmethod
    def like(cls, plain: Stack) -> StockStack:
        return cls(plain.settings, plain.model, plain.log_dir, web=plain.web, credentials=plain.credentials)

    def endpoints_yaml(self) -> str:
        return (
            f'action_endpoint:\n  url: "{self.actions_url}/webhook"\n'
            "tracker_store:\n  type: SQL\n  dialect: sqlite\n"
            f'  db: "{self.settings.var_dir / "tracker.db"}"\n'
        )

    def _spawn(self, name: str, command: list[str]) -> None:
        super()._spawn(name, ["rasa" if part == RASA_MODULE else part for part in command])


class ProbedStack(Stack):
    """`bot.stack.Stack` with Rasa and the action server under `bench.turn_probe` (their lines go to probe_dir)."""

    probe_dir = Path()

    def _spawn(self, name: str, command: list[str]) -> None:
        if command[1:2] == ["-m"]:
            out = self.probe_dir / f"{name}.jsonl"
            command = [command[0], "-m", "bench.turn_probe", str(out), *command[1:]]
        super()._spawn(name, command)


class ProbedStockStack(ProbedStack, StockStack):
    """The stock stack under the probes."""


class ProbedBare(BareRasa):
    """The moodbot under `bench.turn_probe`, otherwise as `bench.load.BareRasa` starts it."""

    def __init__(self, model: Path, log: Path, out: Path) -> None:
        super().__init__(model, log)
        self.out = out

    def start(self) -> None:
        command = [sys.executable, "-m", "bench.turn_probe", str(self.out), "-m", "rasa", "run", "--enable-api"]
        command += ["--interface", "127.0.0.1", "--port", str(self.port), "--model", str(self.model)]
        command += ["--credentials", "credentials.yml"]
        root = str(Path(__file__).resolve().parent.parent)  # bench.turn_probe, from the moodbot's directory
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": root}
        cwd = self.model.parent.parent
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
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


@dataclass
class Server:
    """One setup under test: where it answers, what its buyers say, its probe files and (to profile) its pids."""

    name: str
    url: str
    flows: list[tuple[Flow, int]]
    probe: Probe
    pids: list[int]
    turns: list[Turn] = field(default_factory=list)


async def conversation(session: aiohttp.ClientSession, server: Server, flow: Flow, sender: str) -> list[Turn]:
    """One conversation of `flow`, one turn at a time; each turn with the probe lines it produced."""
    turns: list[Turn] = []
    webhook = f"{server.url}/webhooks/rest/webhook"

    async def say(text: str, expect: str) -> Reply:
        start = time.perf_counter()
        async with session.post(webhook, json={"sender": sender, "message": text}) as response:
            body = await response.text()
            if response.status != 200:
                raise RuntimeError(f"{server.name} {flow.__name__}: HTTP {response.status}: {body[:200]}")
        client_ms = (time.perf_counter() - start) * 1000
        replies: Reply = json.loads(body)
        words = "\n".join(r.get("text", "") for r in replies)
        if expect and expect not in words:
            print(f"  note: {server.name}: unexpected reply to {text[:30]!r}: {words[:100]!r}", flush=True)
        rasa_lines = server.probe.read_new(server.probe.rasa_out)
        rasa = rasa_lines[-1] if rasa_lines else {}
        turns.append(Turn(flow.__name__, text, client_ms, rasa, server.probe.read_new(server.probe.actions_out)))
        return replies

    await flow(say)
    return turns


async def play(servers: list[Server], rounds: int, tag: str) -> None:
    """`rounds` times every flow of every server, the servers taking turns conversation by conversation, so a
    busy machine slows them alike."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)) as session:
        for round_no in range(rounds):
            for index in range(max(len(server.flows) for server in servers)):
                for server in servers:
                    if index < len(server.flows):
                        flow = server.flows[index][0]
                        sender = f"profile-{tag}-{server.name}-{flow.__name__}-{round_no}".replace(" ", "-")
                        server.turns += await conversation(session, server, flow, sender)


def measure(servers: list[Server], rounds: int) -> None:
    """A warm-up round (not kept), then `rounds` measured ones; cProfile in the servers' pids meanwhile."""
    asyncio.run(play(servers, 1, "warmup"))
    pids = []
    for server in servers:
        server.turns.clear()
        server.probe.skip()
        pids += server.pids
    _signal(pids, signal.SIGUSR1)
    try:
        asyncio.run(play(servers, rounds, "measured"))
    finally:
        _signal(pids, signal.SIGUSR2)


def _signal(pids: list[int], sig: signal.Signals) -> None:
    for pid in pids:
        os.kill(pid, sig)
    if pids:
        time.sleep(1.0 if sig == signal.SIGUSR2 else 0.2)  # the stats file is written by the server


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def by_flow(turns: list[Turn]) -> dict[str, list[Turn]]:
    groups: dict[str, list[Turn]] = defaultdict(list)
    for turn in turns:
        groups[turn.flow].append(turn)
    return {**groups, "all": turns}


def print_breakdown(title: str, turns: list[Turn]) -> None:
    """Mean ms per turn of every row, per flow and for all turns."""
    groups = by_flow(turns)
    width = max(len(label) for label, _ in ROWS) + 2
    print(f"\n{title}: mean ms per turn ({len(turns)} turns)")
    print(" " * width + "".join(f"{name[:13]:>14}" for name in groups))
    print(f"{'turns':<{width}}" + "".join(f"{len(g):>14}" for g in groups.values()))
    for label, value in ROWS:
        print(f"{label:<{width}}" + "".join(f"{_mean([value(t) for t in g]):>14.1f}" for g in groups.values()))


def print_actions(turns: list[Turn]) -> None:
    """Per action: calls, Rasa's side of a call, the action server's handler, the action's own code, request size."""
    rasa_side: dict[str, list[float]] = defaultdict(list)
    served: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for turn in turns:
        for key, (ms, count) in turn.rasa.get("spans", {}).items():
            if key.startswith("remote:"):
                rasa_side[key.removeprefix("remote:")].append(ms / max(count, 1))
        for call in turn.actions:
            served[call["action"]].append(call)
    if not rasa_side:
        return
    print(f"\n{'action server call':<28}{'calls':>7}{'Rasa side':>11}{'handler':>10}{'code':>9}{'request KB':>12}")
    for name in sorted(rasa_side, key=lambda n: -sum(rasa_side[n])):
        calls = served.get(name, [])
        code = _mean([float(c["spans"].get("run", [0.0])[0]) for c in calls])
        print(
            f"{name:<28}{len(rasa_side[name]):>7}{_mean(rasa_side[name]):>11.1f}"
            f"{_mean([float(c['ms']) for c in calls]):>10.1f}{code:>9.1f}"
            f"{_mean([c['request_bytes'] / 1024 for c in calls]):>12.1f}"
        )


def print_nodes(turns: list[Turn]) -> None:
    """The graph nodes (NLU components, policies) with the most time per turn, and their calls per turn."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for turn in turns:
        for key, (ms, count) in turn.rasa.get("spans", {}).items():
            if key.startswith("node:"):
                totals[key.removeprefix("node:")][0] += ms
                totals[key.removeprefix("node:")][1] += count
    n = max(len(turns), 1)
    print(f"\n{'graph node (NLU + policies)':<50}{'ms/turn':>9}{'calls/turn':>12}")
    for name, (ms, count) in sorted(totals.items(), key=lambda kv: -kv[1][0])[:10]:
        print(f"{name[:49]:<50}{ms / n:>9.2f}{count / n:>12.1f}")


def print_comparison(results: dict[str, list[Turn]]) -> None:
    """Client round trip per flow and setup: mean / p50 / p95 ms."""
    flows = [*dict.fromkeys(t.flow for turns in results.values() for t in turns), "all"]
    print("\nclient round trip per flow, mean / p50 / p95 ms")
    print(f"{'setup':<16}" + "".join(f"{name[:20]:>22}" for name in flows))
    for setup, turns in results.items():
        groups = by_flow(turns)
        cells = []
        for name in flows:
            ms = sorted(t.client_ms / 1000 for t in groups.get(name, []))
            cells.append(f"{_mean(ms) * 1000:.0f} / {pct_ms(ms, 50):.0f} / {pct_ms(ms, 95):.0f}" if ms else "-")
        print(f"{setup[:15]:<16}" + "".join(f"{c:>22}" for c in cells))


def print_profile(path: Path) -> None:
    if not path.exists():
        print(f"\n(no profile at {path})")
        return
    print(f"\ncProfile of {path.name} (event-loop thread), by own time:")
    pstats.Stats(str(path)).sort_stats("tottime").print_stats(TOP_FUNCTIONS)


def start_bare(base: Path, stack_list: list[Any], cprofile: Path | None) -> Server:
    bare = ProbedBare(moodbot_model(), base / "bare.log", base / "bare.jsonl")
    print("starting bare Rasa (moodbot) ...", flush=True)
    stack_list.append(bare)
    bare.start()
    assert bare.proc is not None
    pids = [bare.proc.pid] if cprofile else []
    return Server("bare", bare.url, MOOD_FLOWS, Probe(base / "bare.jsonl"), pids)


def start_full(base: Path, setup: str, stack_list: list[Any], cprofile: Path | None, model: Path | None) -> Server:
    var = base / setup
    plain = full_stack(var / "var")
    model = model if setup == "alt" and model else plain.model
    stack = (ProbedStockStack if setup == "stock" else ProbedStack)(plain.settings, model, var, web=False)
    stack.probe_dir = var
    print(f"starting the full bot ({setup}: action server + Rasa, full catalog) ...", flush=True)
    stack_list.append(stack)
    stack.start()
    pids = [proc.pid for _, proc in stack._procs] if cprofile else []
    return Server(setup, stack.rasa_url, BUYER_FLOWS, Probe(var / "rasa.jsonl", var / "actions.jsonl"), pids)


def keep_profiles(base: Path, cprofile: Path) -> None:
    """Copy every server's .prof into `cprofile` (bare.prof, full-rasa.prof, ...) and print its top functions."""
    cprofile.mkdir(parents=True, exist_ok=True)
    for prof in sorted(base.rglob("*.prof")):
        target = cprofile / (prof.name if prof.parent == base else f"{prof.parent.name}-{prof.name}")
        target.write_bytes(prof.read_bytes())
        print_profile(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured conversations per flow and setup")
    parser.add_argument("--setups", default="full", help="full (as shipped), stock (before issue 8), alt")
    parser.add_argument("--alt-model", type=Path, help="the model of setup alt (full otherwise), e.g. a new domain")
    parser.add_argument("--bare", action="store_true", help="also profile the bare moodbot")
    parser.add_argument("--cprofile", type=Path, help="also cProfile every server; .prof files go here")
    parser.add_argument("--json", type=Path, help="write every measured turn here")
    args = parser.parse_args(argv)
    setups = [s for s in args.setups.split(",") if s]
    if unknown := [s for s in setups if s not in ("full", "stock", "alt")]:
        parser.error(f"unknown setup {unknown[0]!r}")
    if "alt" in setups and not args.alt_model:
        parser.error("setup alt needs --alt-model")
    started: list[Any] = []  # Stack / BareRasa, stopped in any case
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="brandstation-profile-") as tmp:
        base = Path(tmp)
        try:
            if args.bare:
                servers.append(start_bare(base, started, args.cprofile))
            servers += [start_full(base, setup, started, args.cprofile, args.alt_model) for setup in setups]
            measure(servers, args.rounds)
        finally:
            for server in reversed(started):
                server.stop()
        if args.cprofile:
            keep_profiles(base, args.cprofile)
    results = {server.name: server.turns for server in servers}
    for title, turns in results.items():
        print_breakdown(title, turns)
        print_actions(turns)
        print_nodes(turns)
    print_comparison(results)
    if args.json:
        payload = {setup: [asdict(t) for t in turns] for setup, turns in results.items()}
        args.json.write_text(json.dumps(payload, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
