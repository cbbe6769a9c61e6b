"""The haproxy configuration `make run-scaled` writes (bot/scaled.py), checked against small fake backends in
seconds: haproxy accepts it, routes around a killed server at once, never re-sends a request that reached a server
(a Rasa turn must not run twice), keeps socket.io on one replica and spreads REST turns over all of them."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from threading import Thread

import pytest
import requests

from bot.scaled import ScaledStack, free_port, port_answers
from bot.settings import ROOT, Settings

pytestmark = pytest.mark.scaled

FAKE = Path(__file__).with_name("fake_backend.py")


@dataclass
class Balancer:
    stack: ScaledStack
    run_dir: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.stack.settings.rasa_port}{path}"

    def seen(self, name: str) -> list[str]:
        path = self.run_dir / f"{name}.seen"
        return path.read_text(encoding="utf-8").split() if path.exists() else []

    def kill(self, name: str) -> None:
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait()


@pytest.fixture
def balancer(tmp_path: Path) -> Iterator[Balancer]:
    if shutil.which("haproxy") is None:  # only haproxy is needed here, not the database servers
        pytest.skip("haproxy not installed: run `make services`")
    settings = Settings(rasa_port=free_port(), actions_port=free_port())
    stack = ScaledStack(settings, ROOT / "models" / "unused.tar.gz", run_dir=tmp_path, replicas=2, action_servers=1)
    stack.ports = {name: free_port() for name in [*stack.rasa_names, *stack.action_names]}
    stack.log_dir.mkdir(parents=True)
    config = stack.haproxy_config
    config.write_text(stack.render_haproxy_config(), encoding="utf-8")
    check = subprocess.run(["haproxy", "-c", "-f", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    balancer = Balancer(stack, tmp_path)
    try:
        for name, port in stack.ports.items():
            balancer.procs[name] = subprocess.Popen(
                [sys.executable, str(FAKE), name, str(port)], cwd=tmp_path, start_new_session=True
            )
        with open(stack.log_dir / "haproxy.log", "wb") as log:
            balancer.procs["haproxy"] = subprocess.Popen(
                ["haproxy", "-db", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 20
        while not all(port_answers("127.0.0.1", p) for p in stack.ports.values()):
            assert time.monotonic() < deadline, "fake backends did not start"
            time.sleep(0.1)
        stack.wait_until_up([*stack.rasa_names, *stack.action_names])
        yield balancer
    finally:
        for proc in balancer.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)


def test_rest_turns_are_spread_and_socketio_sticks_to_one_replica(balancer: Balancer) -> None:
    rest = {
        requests.post(balancer.url(f"/webhooks/rest/webhook?id=r{i}"), timeout=5).json()["server"] for i in range(6)
    }
    assert rest == {"rasa-1", "rasa-2"}
    polling = {
        requests.get(balancer.url(f"/socket.io/?EIO=4&transport=polling&id=s{i}"), timeout=5).json()["server"]
        for i in range(6)
    }
    assert len(polling) == 1, polling


def test_a_killed_replica_fails_only_what_it_was_serving_and_nothing_is_sent_twice(balancer: Balancer) -> None:
    outcome: dict[str, str] = {}

    def slow_turn() -> None:  # reaches a replica, which dies before it answers
        try:
            response = requests.post(balancer.url("/webhooks/rest/webhook?id=slow&sleep=3"), timeout=10)
            outcome["slow"] = f"HTTP {response.status_code}"
        except requests.ConnectionError as exc:
            outcome["slow"] = f"connection closed: {exc}"

    thread = Thread(target=slow_turn)
    thread.start()
    deadline = time.monotonic() + 5
    while "slow" not in balancer.seen("rasa-1") + balancer.seen("rasa-2"):
        assert time.monotonic() < deadline, "the slow turn never arrived"
        time.sleep(0.02)
    victim = "rasa-1" if "slow" in balancer.seen("rasa-1") else "rasa-2"
    survivor = "rasa-2" if victim == "rasa-1" else "rasa-1"
    balancer.kill(victim)
    # Before the health check notices (2 misses, 1 s apart), haproxy already sends new turns elsewhere: a refused
    # connection is retried on the other server (the request never reached the dead one).
    answers = [requests.post(balancer.url(f"/webhooks/rest/webhook?id=after{i}"), timeout=5) for i in range(10)]
    assert [r.status_code for r in answers] == [200] * 10
    assert {r.json()["server"] for r in answers} == {survivor}
    thread.join(timeout=15)
    assert outcome["slow"].startswith(("HTTP 502", "connection closed")), outcome
    assert "slow" not in balancer.seen(survivor), "haproxy re-sent a request that had reached the killed server"
    deadline = time.monotonic() + 10
    while not balancer.stack.server_states()[victim].startswith("DOWN"):
        assert time.monotonic() < deadline, balancer.stack.server_states()
        time.sleep(0.1)


def test_actions_are_balanced_and_health_checked(balancer: Balancer) -> None:
    url = f"http://127.0.0.1:{balancer.stack.settings.actions_port}/webhook?id=a"
    assert requests.post(url, json={}, timeout=5).json() == {"server": "actions-1"}
    assert balancer.stack.server_states()["actions-1"] == "UP"
    balancer.kill("actions-1")
    response = requests.post(url, json={}, timeout=10)
    assert response.status_code == 503  # no action server left: a clear error for Rasa, at once
    assert port_answers("127.0.0.1", balancer.stack.settings.actions_port)
