"""Timing probes for `bench.turn_profile`: run Rasa or the action server with the time of each turn's parts recorded.

    python -m bench.turn_probe OUT.jsonl -m rasa run ...        # instead of: python -m rasa run ...
    python -m bench.turn_probe OUT.jsonl -m bot.rasa_server run ...
    python -m bench.turn_probe OUT.jsonl -m rasa_sdk ...        # instead of: python -m rasa_sdk ...

Rasa appends one JSON line per turn (`Agent.handle_message`): its wall time, the CPU time of the whole process
(all threads) meanwhile, and the milliseconds spent in each span with how often it ran: the tracker store's read
and write, NLU, every graph node (NLU components and policies), each predicted action, each call to the action
server and the tracker serialisation it needs. The action server appends one line per action call (handler wall
and process CPU time, `Tracker.from_dict`, the action's own code, request and response size). Nested spans
overlap: `action:X` includes `remote:X`. SIGUSR1 starts cProfile (the event loop's thread only), SIGUSR2 stops it
and writes the stats next to OUT (`OUT.prof`).
"""

from __future__ import annotations

import contextvars
import cProfile
import functools
import json
import runpy
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Spans = dict[str, list[float]]  # name -> [milliseconds, count]

_turn: contextvars.ContextVar[Spans | None] = contextvars.ContextVar("turn_spans", default=None)
_write_lock = threading.Lock()


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "-m":
        raise SystemExit(__doc__)
    out, module, rest = Path(argv[0]), argv[2], argv[3:]
    if module in ("rasa", "bot.rasa_server"):
        _probe_rasa(out)
    elif module == "rasa_sdk":
        _probe_actions(out)
    else:
        raise SystemExit(f"no probe for {module!r}")
    _profile_on_signal(out.with_suffix(".prof"))
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


def _add(name: str, seconds: float) -> None:
    spans = _turn.get()
    if spans is not None:
        entry = spans.setdefault(name, [0.0, 0])
        entry[0] += seconds * 1000
        entry[1] += 1


def _write(out: Path, record: dict[str, Any]) -> None:
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _write_lock, out.open("a", encoding="utf-8") as f:
        f.write(line)


def _time_async(owner: type, attr: str, name: Callable[..., str]) -> None:
    original = getattr(owner, attr)

    @functools.wraps(original)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await original(*args, **kwargs)
        finally:
            _add(name(*args, **kwargs), time.perf_counter() - start)

    setattr(owner, attr, timed)


def _time_sync(owner: type, attr: str, name: Callable[..., str]) -> None:
    original = getattr(owner, attr)

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _add(name(*args, **kwargs), time.perf_counter() - start)

    setattr(owner, attr, timed)


def _probe_rasa(out: Path) -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor
    from rasa.engine.graph import GraphNode
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    original = Agent.handle_message
    events = [0]  # events in the tracker the turn saved (turns of one sender do not overlap here)

    @functools.wraps(original)
    async def handle_message(self: Agent, message: Any) -> Any:
        spans: Spans = {}
        token = _turn.set(spans)
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return await original(self, message)
        finally:
            total, cpu = time.perf_counter() - start, time.process_time() - cpu
            _turn.reset(token)
            record = {
                "sender": message.sender_id,
                "text": message.text,
                "ms": round(total * 1000, 3),
                "cpu_ms": round(cpu * 1000, 3),  # every thread of the process (one turn at a time here)
                "events": events[0],
            }
            _write(out, {**record, "spans": {k: [round(v[0], 3), v[1]] for k, v in spans.items()}})

    Agent.handle_message = handle_message

    def fixed(label: str) -> Callable[..., str]:
        return lambda *args, **kwargs: label

    _time_async(MessageProcessor, "get_tracker", fixed("tracker.retrieve"))
    _time_async(MessageProcessor, "save_tracker", fixed("tracker.save"))
    save_tracker = MessageProcessor.save_tracker

    @functools.wraps(save_tracker)
    async def counted_save(self: MessageProcessor, tracker: DialogueStateTracker) -> None:
        events[0] = len(tracker.events)
        await save_tracker(self, tracker)

    MessageProcessor.save_tracker = counted_save
    _time_async(MessageProcessor, "_update_tracker_session", fixed("session_check"))
    _time_async(MessageProcessor, "parse_message", fixed("nlu"))
    _time_async(MessageProcessor, "run_action_extract_slots", fixed("extract_slots"))
    _time_sync(MessageProcessor, "_predict_next_with_tracker", fixed("policy"))
    _time_async(MessageProcessor, "_run_action", lambda self, action, *a, **k: f"action:{action.name()}")
    _time_async(RemoteAction, "run", lambda self, *a, **k: f"remote:{self.name()}")
    _time_sync(RemoteAction, "_action_call_format", fixed("remote.tracker_json"))
    _time_async(EndpointConfig, "request", fixed("remote.http"))
    _time_sync(DialogueStateTracker, "copy", fixed("tracker.copy"))
    _time_sync(DialogueStateTracker, "from_dict", fixed("tracker.from_dict"))
    _time_sync(GraphNode, "__call__", lambda self, *a, **k: f"node:{self._node_name}")


def _probe_actions(out: Path) -> None:
    import rasa_sdk.endpoint
    from rasa_sdk.executor import ActionExecutor
    from rasa_sdk.interfaces import Tracker

    original_run = ActionExecutor.run

    @functools.wraps(original_run)
    async def run(self: ActionExecutor, action_call: dict[str, Any]) -> Any:
        spans = _turn.get()
        start = time.perf_counter()
        try:
            return await original_run(self, action_call)
        finally:
            if spans is not None:
                spans["run"] = [(time.perf_counter() - start) * 1000, 1]
                spans["_action"] = action_call.get("next_action") or ""  # type: ignore[assignment]
                spans["_sender"] = action_call.get("sender_id") or ""  # type: ignore[assignment]

    ActionExecutor.run = run
    _time_sync(Tracker, "from_dict", lambda *a, **k: "from_dict")

    create_app = rasa_sdk.endpoint.create_app

    def probed_app(*args: Any, **kwargs: Any) -> Any:
        app = create_app(*args, **kwargs)

        @app.middleware("request")
        async def begin(request: Any) -> None:
            request.ctx.probe = (_turn.set({}), time.perf_counter(), time.process_time())

        @app.middleware("response")
        async def end(request: Any, response: Any) -> None:
            probe = getattr(request.ctx, "probe", None)
            if probe is None or request.path != "/webhook":
                return
            token, start, cpu = probe
            spans = _turn.get() or {}
            _turn.reset(token)
            record: dict[str, Any] = {
                "action": spans.pop("_action", ""),
                "sender": spans.pop("_sender", ""),
                "ms": round((time.perf_counter() - start) * 1000, 3),
                "cpu_ms": round((time.process_time() - cpu) * 1000, 3),
                "request_bytes": len(request.body or b""),
                "response_bytes": len(response.body or b""),
            }
            record["spans"] = {k: [round(v[0], 3), v[1]] for k, v in spans.items()}
            _write(out, record)

        return app

    rasa_sdk.endpoint.create_app = probed_app


def _profile_on_signal(path: Path) -> None:
    """SIGUSR1: start profiling the main thread (the event loop); SIGUSR2: stop and write the stats."""
    profiler = cProfile.Profile()

    def start(*_: Any) -> None:
        profiler.enable()

    def stop(*_: Any) -> None:
        profiler.disable()
        profiler.dump_stats(str(path))

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)


if __name__ == "__main__":
    main(sys.argv[1:])
