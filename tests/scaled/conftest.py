"""Scaled-setup fixtures: 2 Rasa replicas sharing PostgreSQL (tracker store) and Redis (lock store), 1 action server.

Needs `make services` (ops/services.sh) running; every test here is skipped with the reason when PostgreSQL or
Redis does not answer on its loopback port. The action servers use the e2e suite's real catalog subset with its own
indexes (built in seconds; the whole catalog's index takes minutes and tells these tests nothing more), a throw-away
var dir and the shipped routing file (webhooks on the discard port).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.routing import load_routing
from bot.scaled import ScaledStack, Services
from bot.scaled import free_port as quiet_port  # below the ephemeral range
from bot.settings import ROOT, Settings
from knowledge.db import Database
from tests.e2e.conftest import build_subset
from tests.e2e.receiver import Receiver
from tests.scaled.services import PrivatePostgres, PrivateRedis, missing_binaries

MODEL = ROOT / "models" / "brandstation.tar.gz"
# An override lets a negative check run the same tests on another variant (e.g. without the lock store).
ENDPOINTS = Path(os.environ.get("BRANDSTATION_SCALED_ENDPOINTS", ROOT / "ops" / "endpoints.scaled.yml"))
PG_PORT = int(os.environ.get("BRANDSTATION_PG_PORT", "55432"))
PG_PASSWORD = os.environ.get("BRANDSTATION_PG_PASSWORD", "brandstation")
REDIS_PORT = int(os.environ.get("BRANDSTATION_REDIS_PORT", "56379"))
RABBITMQ_PORT = int(os.environ.get("BRANDSTATION_RABBITMQ_PORT", "55672"))
RABBITMQ_PASSWORD = os.environ.get("BRANDSTATION_RABBITMQ_PASSWORD", "brandstation")
READY_TIMEOUT_S = 240.0


def pytest_configure(config: pytest.Config) -> None:
    # Also wanted in pyproject.toml's markers; registered here so --strict-markers passes either way.
    config.addinivalue_line("markers", "scaled: 2 Rasa replicas on PostgreSQL + Redis (make services; else skipped)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class Scaled:
    """The running scaled setup: replica URLs, the action server URL and where the logs are."""

    replicas: list[str]
    actions: str
    log_dir: Path

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.log_dir.glob("*.log"))


@dataclass
class Catalog:
    """A real catalog subset and its indexes, shared by every stack of the suite."""

    db: Path
    index_dir: Path


@pytest.fixture(scope="session")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    where = tmp_path_factory.mktemp("scaled-catalog")
    built = Catalog(where / "catalog.sqlite", where / "index")
    build_subset(built.db, built.index_dir, Settings().embedder)
    return built


@pytest.fixture(scope="session")
def scaled(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Scaled]:
    missing = [
        f"{name} on 127.0.0.1:{port}"
        for name, port in (("PostgreSQL", PG_PORT), ("Redis", REDIS_PORT))
        if not answers(port)
    ]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not answering: run `make services`")
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train`")
    catalog: Catalog = request.getfixturevalue("catalog")  # built only once the services answer
    var = tmp_path_factory.mktemp("scaled-var")
    log_dir = var / "run"
    log_dir.mkdir()
    actions_port = free_port()
    replica_ports = [free_port(), free_port()]
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "HF_HUB_OFFLINE": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "BRANDSTATION_VAR_DIR": str(var),
        "BRANDSTATION_DATABASE": str(var / "brandstation.sqlite"),
        "BRANDSTATION_CATALOG_DB": str(catalog.db),
        "BRANDSTATION_INDEX_DIR": str(catalog.index_dir),
        "BRANDSTATION_ROUTING_FILE": str(ROOT / "config" / "routing.yml"),
        "BRANDSTATION_WARM_UP": "1",
        "BRANDSTATION_ACTIONS_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "BRANDSTATION_PG_PORT": str(PG_PORT),
        "BRANDSTATION_PG_PASSWORD": PG_PASSWORD,
        "BRANDSTATION_REDIS_PORT": str(REDIS_PORT),
        "BRANDSTATION_RABBITMQ_PORT": str(RABBITMQ_PORT),  # the event broker (optional: replicas buffer without it)
        "BRANDSTATION_RABBITMQ_PASSWORD": RABBITMQ_PASSWORD,
        # ops/endpoints.scaled.yml sends it to the action server (this test's plain rasa_sdk does not check it).
        "BRANDSTATION_ACTION_TOKEN": "scaled-replica-test-token",
    }
    python = sys.executable
    commands = {"actions": [python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)]}
    for name, port in zip(("rasa-a", "rasa-b"), replica_ports, strict=True):
        commands[name] = [python, "-m", "rasa", "run", "--enable-api", "--interface", "127.0.0.1", "--port", str(port)]
        commands[name] += ["--credentials", str(ROOT / "credentials.yml"), "--endpoints", str(ENDPOINTS)]
        commands[name] += ["--model", str(MODEL)]
    procs: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, command in commands.items():
            with open(log_dir / f"{name}.log", "wb") as log:
                procs[name] = subprocess.Popen(
                    command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
        urls = {"actions": f"http://127.0.0.1:{actions_port}/health"}
        urls |= {
            name: f"http://127.0.0.1:{port}/status"
            for name, port in zip(("rasa-a", "rasa-b"), replica_ports, strict=True)
        }
        for name, url in urls.items():
            wait_ready(name, url, procs[name], log_dir)
        yield Scaled([f"http://127.0.0.1:{p}" for p in replica_ports], f"http://127.0.0.1:{actions_port}", log_dir)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_ready(name: str, url: str, proc: subprocess.Popen[bytes], log_dir: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = (log_dir / f"{name}.log").read_text(errors="replace")[-3000:]
            pytest.fail(f"{name} exited with code {proc.returncode}:\n{log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"{name} did not answer {url} within {READY_TIMEOUT_S:.0f} s; see {log_dir}/{name}.log")


# ---------------------------------------------------------------------------------------------------------
# `make run-scaled` on free ports (bot/scaled.py): 2 replicas + 2 action servers behind haproxy, the web server,
# and a PostgreSQL + Redis of its own (tests/scaled/services.py) so the fault tests may stop PostgreSQL.


ADMIN_PASSWORD = "scaled-test-admin"


@dataclass
class Balanced:
    """The load-balanced setup, its private database servers and the webhook receiver leads are sent to."""

    stack: ScaledStack
    postgres: PrivatePostgres
    receiver: Receiver

    def database(self) -> Database:
        """The app's database, resolved as the app resolves it (BRANDSTATION_DATABASE_URL, else the SQLite file)."""
        settings = self.stack.settings
        return Settings(database=settings.database, database_url=self.stack.services.database_url).db()

    def stored_leads(self, prefix: str) -> dict[str, list[str]]:
        """sender -> lead ids in the `leads` table, for senders starting with `prefix`. Looks in PostgreSQL and in
        the embedded SQLite file, so this works before and after every store reads BRANDSTATION_DATABASE_URL."""
        found: dict[str, list[str]] = {}
        for database in (self.database(), Database(self.stack.settings.database)):
            try:
                with database.connect() as db:
                    rows = db.execute("SELECT sender_id, lead_id FROM leads WHERE sender_id LIKE ?", (prefix + "%",))
                    for sender, lead_id in rows.fetchall():
                        found.setdefault(str(sender), []).append(str(lead_id))
            except Exception:  # no such table / file in this one
                continue
        return found

    def logs(self, names: tuple[str, ...] = ()) -> str:
        paths = sorted(self.stack.log_dir.glob("*.log"))
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in paths if not names or p.stem in names
        )


@pytest.fixture(scope="module")
def balanced(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Balanced]:
    missing = missing_binaries()
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: run `make services`")
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train`")
    catalog: Catalog = request.getfixturevalue("catalog")  # built only once the binaries are there
    var = tmp_path_factory.mktemp("balanced-var")
    receiver_port = quiet_port()
    routing = (ROOT / "config" / "routing.yml").read_text(encoding="utf-8")
    (var / "routing.yml").write_text(
        routing.replace("http://127.0.0.1:9/", f"http://127.0.0.1:{receiver_port}/"), encoding="utf-8"
    )
    config = load_routing(var / "routing.yml")
    receiver = Receiver(receiver_port, lambda target: list(config.target(target).secrets))
    postgres, redis = PrivatePostgres(), PrivateRedis()
    settings = Settings(
        var_dir=var,
        database=var / "brandstation.sqlite",
        routing_file=var / "routing.yml",
        catalog_db=catalog.db,
        index_dir=catalog.index_dir,
        rasa_port=quiet_port(),
        actions_port=quiet_port(),
        web_port=quiet_port(),
    )
    stack = ScaledStack(
        settings,
        MODEL,
        run_dir=var / "run-scaled",
        # Nothing listens on the RabbitMQ port: the replicas buffer analytics events (bot/event_broker.py).
        services=Services(pg_port=postgres.port, redis_port=redis.port, rabbitmq_port=quiet_port()),
        # The console's first admin gets a known password instead of a generated one printed to the log.
        env={"BRANDSTATION_CONSOLE_ADMIN_PASSWORD": ADMIN_PASSWORD},
    )
    try:
        postgres.start()
        redis.start()
        receiver.start()
        stack.start()
        yield Balanced(stack, postgres, receiver)
    finally:
        stack.stop()
        receiver.stop()
        redis.stop()
        postgres.remove()
