"""`make attack`: one buyer keeps sending maximum-size messages while 20 others chat; do the others notice?

    python -m bench.attacker [--users 20] [--duration 30] [--rounds 2] [--out PATH]

The full bot (`make run`'s stack, real catalog and index, a throw-away var dir) serves `--users` buyers in a
closed loop (bench/load.py's buyer flows: spec questions, substitutes, selection, a pasted BOM, the lead form) for
`--duration` seconds, alternately without and with an attacker: one client sending the largest messages back to back
over REST: at the cap NLU still reads (1,000 characters, Chinese and Latin) and of 100,000 characters (Latin letters;
50,000 Latin then 50,000 Chinese — the message that once grew Rasa to 21 GB; Chinese; a '/intent' payload). Rounds interleave (quiet, attacked, quiet, attacked, ...) so a busy machine slows
both alike. Printed: the buyers' p50 / p95 / p99 in each setting and the ratio attacked ÷ quiet (goal: p95 ≤ 1.5),
the attacker's replies (every one must say "too long"), and Rasa's memory before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.load import BUYER_FLOWS, RESULTS_DIR, full_stack, machine_info, run_level, warm_up
from bot.message_guard import MAX_MESSAGE_CHARS

# The largest messages NLU still reads (MAX_MESSAGE_CHARS, Chinese costs most) and 100,000-character ones it refuses.
ATTACKS = (
    ("轴承内径多少" * (MAX_MESSAGE_CHARS // 6 + 1))[:MAX_MESSAGE_CHARS],
    "a" * 100_000,
    ("bearing bore please " * MAX_MESSAGE_CHARS)[:MAX_MESSAGE_CHARS],
    "a" * 50_000 + "中" * 50_000,
    "轴承内径多少" * 16_667,
    "/ask_spec" + "x" * 99_991,
    "6205-2RS 内径多少?\n" * 6_250,  # many lines, not a table
)


async def attack(url: str, stop: asyncio.Event) -> dict[str, Any]:
    """Send the attack messages back to back until `stop`; count replies and how they read."""
    sent = answered = refused = other = 0
    latencies: list[float] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        while not stop.is_set():
            text = ATTACKS[sent % len(ATTACKS)]
            started = time.perf_counter()
            async with session.post(
                f"{url}/webhooks/rest/webhook", json={"sender": f"attacker-{sent % 3}", "message": text}
            ) as response:
                said = " ".join(r.get("text") or "" for r in await response.json()) if response.status == 200 else ""
            latencies.append(time.perf_counter() - started)
            sent += 1
            if len(text) <= MAX_MESSAGE_CHARS:
                answered += response.status == 200
            elif "too long" in said or "太长" in said:
                refused += 1
            else:
                other += 1
    ordered = sorted(latencies)
    return {
        "sent": sent,
        "answered_by_nlu": answered,
        "answered_too_long": refused,
        "other": other,
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1) if ordered else None,
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def measure(url: str, users: int, duration: float, rounds: int, rasa_pid: int) -> dict[str, Any]:
    await warm_up(url, BUYER_FLOWS)
    out: dict[str, Any] = {"quiet": [], "attacked": [], "attacker": [], "rasa_rss_mb": [rss_mb(rasa_pid)]}
    for round_ in range(rounds):
        out["quiet"].append(await run_level(url, BUYER_FLOWS, users, duration, 0.0, f"quiet{round_}"))
        stop = asyncio.Event()
        attacker = asyncio.create_task(attack(url, stop))
        out["attacked"].append(await run_level(url, BUYER_FLOWS, users, duration, 0.0, f"attacked{round_}"))
        stop.set()
        out["attacker"].append(await attacker)
        out["rasa_rss_mb"].append(rss_mb(rasa_pid))
    return out


def _merged_p(levels: list[dict[str, Any]], key: str) -> float:
    """Median over rounds of one percentile (each round's own)."""
    values = sorted(float(level[key]) for level in levels if level.get(key) is not None)
    return values[len(values) // 2] if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.attacker", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "attacker.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="brandstation-attack-") as tmp:
        stack = full_stack(Path(tmp))
        stack.start()
        try:
            rasa_pid = next(proc.pid for name, proc in stack._procs if name == "rasa")
            result = asyncio.run(measure(stack.rasa_url, args.users, args.duration, args.rounds, rasa_pid))
        finally:
            stack.stop()
    summary = {
        key: {
            "quiet": _merged_p(result["quiet"], key),
            "attacked": _merged_p(result["attacked"], key),
        }
        for key in ("p50_ms", "p95_ms", "p99_ms", "throughput_turns_s")
    }
    for value in summary.values():
        value["ratio"] = round(value["attacked"] / value["quiet"], 2) if value["quiet"] else None
    report = {"machine": machine_info(), "users": args.users, "duration_s": args.duration, "summary": summary, **result}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"{args.users} buyers, {args.duration:.0f} s × {args.rounds} rounds each way (median of rounds):")
    for key, value in summary.items():
        print(f"  {key:<20} quiet {value['quiet']:>9.1f}   attacked {value['attacked']:>9.1f}   ratio {value['ratio']}")
    for i, a in enumerate(result["attacker"]):
        print(
            f"  attacker round {i + 1}: {a['sent']} messages: {a['answered_by_nlu']} at the cap answered, "
            f"{a['answered_too_long']} longer ones answered 'too long', {a['other']} other; p95 {a['p95_ms']} ms"
        )
    print(f"  Rasa RSS MB: {result['rasa_rss_mb']}")
    print(f"-> {args.out}")
    errors = sum(level["errors"] for level in result["quiet"] + result["attacked"])
    return 1 if errors or any(a["other"] for a in result["attacker"]) else 0


if __name__ == "__main__":
    sys.exit(main())
