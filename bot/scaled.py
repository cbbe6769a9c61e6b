"""`make run-scaled`: the same app as `make run`, scaled out on one machine behind a real load balancer.

    python -m bot.scaled [--replicas 2] [--actions 2] [--port 8080] [--rasa-port 5005] [--actions-port 5055]

Starts N Rasa replicas and M action servers on free loopback ports, Debian's haproxy in front of them (frontends on
the usual Rasa and action-server ports, config and logs under var/run-scaled/), and the web chat + sales console.
Only settings differ from the embedded default: every process gets BRANDSTATION_DATABASE_URL (the app's tables and
the catalog in PostgreSQL; the catalog is copied there first, once, by `catalog push`), the replicas read
ops/endpoints.scaled.yml (tracker store in the same PostgreSQL, Redis lock store, actions through the load balancer),
and the console reads that tracker store. The faiss / lexical index files under var/index are only read, by every
action server (the copied catalog keeps its hash, so they stay current).

haproxy: REST and API calls go round robin to the replicas (any replica can take any turn: the conversation is in
PostgreSQL and Redis serializes a buyer's turns); socket.io goes by client address (or the replica cookie, when
the browser sends it) because its polling transport must keep talking to the replica that holds the session;
websockets are tunnelled. Health checks: `GET /status` (Rasa), `GET /health` (actions), every second, two misses
mark a server down. A request is sent to another server only when it could not connect: a REST turn that reached
a replica is never re-sent (that would run the turn twice), so turns in flight on a dying process fail.

`make services` starts PostgreSQL and Redis and installs haproxy; a missing one stops this with that advice.
RabbitMQ (the analytics event broker, ops/rabbitmq.sh) is optional: the replicas buffer events while it is away.
Ctrl-C or SIGTERM stops every process (each runs in its own process group).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from bot.keys import rasa_token
from bot.settings import ROOT, Settings, get_settings
from bot.stack import StackError, action_server_command, wait_ready
from knowledge.catalog import CatalogStore, PushReport, push_catalog
from knowledge.db import Database
from knowledge.errors import KnowledgeError

READY_TIMEOUT_S = 300.0  # N replicas load their models at once; on 2 cores that takes minutes
STOP_TIMEOUT_S = 10.0
DEFAULT_RUN_DIR = ROOT / "var" / "run-scaled"
ENDPOINTS = ROOT / "ops" / "endpoints.scaled.yml"
MAKE_SERVICES = "run `make services` (PostgreSQL + Redis on loopback, haproxy installed)"


class ScaledError(StackError):
    """The scaled setup cannot start; the message says what is missing or which process failed, and the fix."""


@dataclass(frozen=True)
class Services:
    """Where `make services` (ops/services.sh) runs PostgreSQL and Redis; database and user are `brandstation`."""

    host: str = "127.0.0.1"
    pg_port: int = 55432
    pg_password: str = "brandstation"
    redis_port: int = 56379
    # The analytics event broker (ops/rabbitmq.sh); optional: the replicas buffer events while it is away.
    rabbitmq_port: int = 55672
    rabbitmq_password: str = "brandstation"

    @classmethod
    def from_environment(cls) -> Services:
        """The ports and passwords ops/services.sh uses (BRANDSTATION_PG_PORT, _PG_PASSWORD, _REDIS_PORT,
        _RABBITMQ_PORT, _RABBITMQ_PASSWORD)."""
        env = os.environ
        return cls(
            pg_port=int(env.get("BRANDSTATION_PG_PORT", cls.pg_port)),
            pg_password=env.get("BRANDSTATION_PG_PASSWORD", cls.pg_password),
            redis_port=int(env.get("BRANDSTATION_REDIS_PORT", cls.redis_port)),
            rabbitmq_port=int(env.get("BRANDSTATION_RABBITMQ_PORT", cls.rabbitmq_port)),
            rabbitmq_password=env.get("BRANDSTATION_RABBITMQ_PASSWORD", cls.rabbitmq_password),
        )

    @property
    def database_url(self) -> str:
        return f"postgresql://brandstation:{self.pg_password}@{self.host}:{self.pg_port}/brandstation"

    def missing(self) -> list[str]:
        """What does not answer or is not installed, each with where it was looked for."""
        problems = [
            f"{name} is not answering on {self.host}:{port}"
            for name, port in (("PostgreSQL", self.pg_port), ("Redis", self.redis_port))
            if not port_answers(self.host, port)
        ]
        if shutil.which("haproxy") is None:
            problems.append("haproxy is not installed")
        return problems


RASA_MAXCONN = 8  # turns in flight per Rasa replica (a turn is ~30-40 ms of CPU: 8 keep it busy, not swamped)


@dataclass
class ScaledStack:
    """N Rasa replicas + M action servers behind haproxy, and the web server; startable on free ports (tests).

    `settings` gives the public ports (haproxy's Rasa and actions frontends, the web server), the host, the catalog,
    index, routing file and var dir; the backends get free ports of their own.
    """

    settings: Settings
    model: Path
    run_dir: Path = DEFAULT_RUN_DIR
    services: Services = field(default_factory=Services)
    replicas: int = 2
    action_servers: int = 2
    endpoints: Path = ENDPOINTS
    credentials: Path = ROOT / "credentials.yml"
    web: bool = True
    env: dict[str, str] = field(default_factory=dict)  # more environment for every process (tests)
    ports: dict[str, int] = field(default_factory=dict)  # backend name -> its own port
    catalog_copy: PushReport | None = None  # what start() did to put the catalog into PostgreSQL
    _commands: dict[str, list[str]] = field(default_factory=dict)
    _procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        """Rasa through the load balancer (REST, socket.io, HTTP API)."""
        return f"http://{self.settings.host}:{self.settings.rasa_port}"

    @property
    def actions_url(self) -> str:
        """The action servers through the load balancer."""
        return f"http://{self.settings.host}:{self.settings.actions_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.web_port}/"

    @property
    def log_dir(self) -> Path:
        return self.run_dir / "logs"

    @property
    def haproxy_config(self) -> Path:
        return self.run_dir / "haproxy.cfg"

    @property
    def rasa_names(self) -> list[str]:
        return [f"rasa-{i}" for i in range(1, self.replicas + 1)]

    @property
    def action_names(self) -> list[str]:
        return [f"actions-{i}" for i in range(1, self.action_servers + 1)]

    def start(self) -> None:
        """Check the services, start everything, wait until haproxy sees every backend up; on failure stop all."""
        if self.replicas < 1 or self.action_servers < 1:
            raise ScaledError("at least one Rasa replica and one action server are needed")
        problems = self.services.missing()
        if problems:
            raise ScaledError("; ".join(problems) + f": {MAKE_SERVICES}")
        if not self.model.exists():
            raise ScaledError(f"model {self.model} does not exist: run `make train` (make run-scaled does)")
        if not self.settings.catalog_db.exists():
            raise ScaledError(f"catalog {self.settings.catalog_db} does not exist: run `make index`")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.catalog_copy = self.push_catalog()
        self.ports = {name: free_port() for name in [*self.action_names, *self.rasa_names]}
        self._commands = self._build_commands()
        self.haproxy_config.touch()
        os.chmod(self.haproxy_config, 0o600)  # its health checks carry Rasa's API token
        self.haproxy_config.write_text(self.render_haproxy_config(), encoding="utf-8")
        check = subprocess.run(["haproxy", "-c", "-q", "-f", str(self.haproxy_config)], capture_output=True, text=True)
        if check.returncode != 0:
            raise ScaledError(f"haproxy refuses {self.haproxy_config}: {check.stderr.strip() or check.stdout.strip()}")
        try:
            for name in self._commands:
                self._spawn(name)
            for name in self.action_names:
                self._wait_ready(name, f"http://{self.settings.host}:{self.ports[name]}/health")
            for name in self.rasa_names:
                self._wait_ready(name, f"http://{self.settings.host}:{self.ports[name]}{self._status_path}")
            if self.web:
                self._wait_ready("web", self.web_url)
            self.wait_until_up(self.rasa_names + self.action_names)
        except BaseException:
            self.stop()
            raise

    def push_catalog(self) -> PushReport:
        """Copy the SQLite catalog into PostgreSQL, where every action server reads it (BRANDSTATION_DATABASE_URL);
        skipped when the same catalog is already there. The index files stay on disk: same catalog hash."""
        source_url = str(self.settings.catalog_db)
        try:
            with CatalogStore.open_existing(source_url) as source, CatalogStore(self.services.database_url) as target:
                return push_catalog(source, target)
        except KnowledgeError as error:
            raise ScaledError(f"cannot copy the catalog into PostgreSQL: {error}") from error

    def stop(self) -> None:
        """SIGTERM every process group, SIGKILL what is left after 10 s."""
        for proc in self._procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for proc in self._procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self._procs.clear()

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        """Send `sig` to one process's group (fault tests: SIGKILL, no chance to clean up)."""
        proc = self._procs[name]
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def restart(self, name: str) -> None:
        """Start a stopped process again on its old port and wait until haproxy has it back."""
        if self._procs[name].poll() is None:
            raise ScaledError(f"{name} is still running")
        self._spawn(name)
        path = self._status_path if name.startswith("rasa-") else "/health"
        self._wait_ready(name, f"http://{self.settings.host}:{self.ports[name]}{path}")
        self.wait_until_up([name])

    def pids(self) -> dict[str, int]:
        """Process id of each process started (a restarted one has a new id)."""
        return {name: proc.pid for name, proc in self._procs.items()}

    def exited(self) -> list[str]:
        """Names of the processes that are no longer running."""
        return [name for name, proc in self._procs.items() if proc.poll() is not None]

    def server_states(self) -> dict[str, str]:
        """haproxy's view of each backend server, e.g. {"rasa-1": "UP", "actions-2": "DOWN"} (from its socket)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(str(self.run_dir / "haproxy.sock"))
            sock.sendall(b"show stat\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        rows = csv.DictReader(io.StringIO(b"".join(chunks).decode().lstrip("# ")))
        # Only the backends with their own checks (the socket.io backend tracks the `rasa` one).
        return {row["svname"]: row["status"] for row in rows if row["pxname"] in ("rasa", "actions")}

    def wait_until_up(self, names: list[str], timeout_s: float = 30.0) -> None:
        """Until haproxy's health checks report every server in `names` UP."""
        deadline = time.monotonic() + timeout_s
        states: dict[str, str] = {}
        while time.monotonic() < deadline:
            if "haproxy" in self.exited():
                raise ScaledError(f"haproxy exited; see {self.log_dir / 'haproxy.log'}")
            with contextlib.suppress(OSError):
                states = self.server_states()
                if all(states.get(name) == "UP" for name in names):
                    return
            time.sleep(0.25)
        raise ScaledError(f"haproxy does not see {names} up within {timeout_s:.0f} s: {states}")

    def render_haproxy_config(self) -> str:
        """The load balancer's configuration (written to run_dir/haproxy.cfg)."""
        host = self.settings.host

        def servers(names: list[str], options: str) -> list[str]:
            return [f"    server {n} {host}:{self.ports[n]} {options.format(name=n)}" for n in names]

        lines = [
            "# Generated by bot/scaled.py (make run-scaled); rewritten at every start.",
            "global",
            "    log stdout format raw local0 info",
            "    maxconn 4096",
            f"    stats socket {self.run_dir / 'haproxy.sock'} mode 600 level admin",
            "",
            "defaults",
            "    mode http",
            "    log global",
            "    option httplog",
            "    option dontlognull",
            "    # Re-send a request only when it never reached a server: a Rasa turn is not idempotent.",
            "    retries 2",
            "    retry-on conn-failure",
            "    option redispatch 1",
            "    timeout connect 2s",
            "    timeout client 5m",
            "    timeout server 5m",
            "    timeout tunnel 1h",
            "    timeout http-request 30s",
            "    timeout http-keep-alive 10s",
            "    timeout queue 60s",
            "    timeout check 2s",
            "    default-server inter 1s fastinter 500ms downinter 2s fall 2 rise 2",
            "",
            "frontend rasa",
            f"    bind {host}:{self.settings.rasa_port}",
            "    acl socketio path_beg /socket.io",
            "    use_backend rasa_socketio if socketio",
            "    default_backend rasa",
            "",
            "backend rasa",
            "    balance roundrobin",
            f"    option httpchk GET {self._status_path}",
            "    http-check expect status 200",
            "    # At most RASA_MAXCONN turns per replica; the rest wait here in order. A replica given every turn of a",
            "    # crowd answers its health check too late, is marked down and the crowd gets 503s (make load, 100 users).",
            *servers(self.rasa_names, f"check maxconn {RASA_MAXCONN}"),
            "",
            "# socket.io's polling transport must stay on the replica that holds its session.",
            "backend rasa_socketio",
            "    balance source",
            "    hash-type consistent",
            "    cookie BRANDSTATION_REPLICA insert indirect nocache httponly",
            *servers(self.rasa_names, "track rasa/{name} cookie {name}"),
            "",
            "frontend actions",
            f"    bind {host}:{self.settings.actions_port}",
            "    default_backend actions",
            "",
            "backend actions",
            "    balance leastconn",
            "    option httpchk GET /health",
            "    http-check expect status 200",
            *servers(self.action_names, "check"),
        ]
        return "\n".join(lines) + "\n"

    def child_env(self) -> dict[str, str]:
        """The settings every process gets (on top of this process's environment)."""
        s, services = self.settings, self.services
        return {
            "RASA_TELEMETRY_ENABLED": "false",
            "HF_HUB_OFFLINE": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "BRANDSTATION_VAR_DIR": str(s.var_dir),
            "BRANDSTATION_CATALOG_DB": str(s.catalog_db),
            "BRANDSTATION_INDEX_DIR": str(s.index_dir),
            "BRANDSTATION_DATABASE": str(s.database),
            "BRANDSTATION_DATABASE_URL": services.database_url,
            "BRANDSTATION_CONSOLE_TRACKER_URL": services.database_url,
            "BRANDSTATION_EMBEDDER": s.embedder,
            "BRANDSTATION_PUBLIC_URL": s.base_url(),
            "BRANDSTATION_ROUTING_FILE": str(s.routing_file),
            "BRANDSTATION_WARM_UP": "1",  # each action server loads the engine and runs a lead delivery worker
            # ops/endpoints.scaled.yml
            "BRANDSTATION_ACTIONS_URL": f"{self.actions_url}/webhook",
            "BRANDSTATION_PG_PORT": str(services.pg_port),
            "BRANDSTATION_PG_PASSWORD": services.pg_password,
            "BRANDSTATION_REDIS_PORT": str(services.redis_port),
            "BRANDSTATION_RABBITMQ_PORT": str(services.rabbitmq_port),
            "BRANDSTATION_RABBITMQ_PASSWORD": services.rabbitmq_password,
            # Rasa's tracker store pool per replica (its default, 50 + 100 overflow, would exceed max_connections).
            "SQL_POOL_SIZE": "10",
            "SQL_MAX_OVERFLOW": "10",
            **self.env,
        }

    def _build_commands(self) -> dict[str, list[str]]:
        python, host = sys.executable, self.settings.host
        commands: dict[str, list[str]] = {}
        for name in self.action_names:
            commands[name] = action_server_command(host, self.ports[name])
        for name in self.rasa_names:
            commands[name] = [
                python,
                "-m",
                "bot.rasa_server",
                "run",
                "--enable-api",  # with the installation's token (bot/rasa_server.py)
                "--cors",
                self.settings.web_origin(),
                "--interface",
                host,
            ]
            commands[name] += ["--port", str(self.ports[name]), "--credentials", str(self.credentials)]
            commands[name] += ["--endpoints", str(self.endpoints), "--model", str(self.model)]
        if self.web:
            commands["web"] = [python, "-m", "bot.web.server", "--host", host, "--port", str(self.settings.web_port)]
            commands["web"] += ["--rasa-url", self.rasa_url]
        commands["haproxy"] = ["haproxy", "-db", "-f", str(self.haproxy_config)]
        return commands

    def _spawn(self, name: str) -> None:
        env = {**os.environ, **self.child_env()}
        with open(self.log_dir / f"{name}.log", "ab") as log:
            self._procs[name] = subprocess.Popen(
                self._commands[name], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def _status_path(self) -> str:
        """Rasa's `/status` (200 once the model is loaded) with the API token (haproxy's checks too)."""
        return f"/status?token={rasa_token(self.settings)}"

    def _wait_ready(self, name: str, url: str) -> None:
        wait_ready(name, url, self._procs[name], self.log_dir, ScaledError, READY_TIMEOUT_S)


def port_answers(host: str, port: int) -> bool:
    """Whether something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port(host: str = "127.0.0.1") -> int:
    """A port free now, below Linux's ephemeral range (32768+), so no outgoing connection takes it first."""
    while True:
        port = _ports.randrange(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return port


_ports = random.Random()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (`make run-scaled`)."""
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m bot.scaled", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="Rasa replicas (default: %(default)s)")
    parser.add_argument("--actions", type=int, default=2, help="action servers (default: %(default)s)")
    parser.add_argument("--port", type=int, default=settings.web_port, help="web chat port (default: %(default)s)")
    parser.add_argument(
        "--rasa-port", type=int, default=settings.rasa_port, help="haproxy's Rasa frontend (default: %(default)s)"
    )
    parser.add_argument(
        "--actions-port",
        type=int,
        default=settings.actions_port,
        help="haproxy's actions frontend (default: %(default)s)",
    )
    parser.add_argument("--model", type=Path, default=settings.models_dir / "brandstation.tar.gz", help="Rasa model")
    parser.add_argument(
        "--run-dir", type=Path, default=DEFAULT_RUN_DIR, help="haproxy.cfg and logs/ (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    scaled_settings = settings.copy(
        update={"web_port": args.port, "rasa_port": args.rasa_port, "actions_port": args.actions_port}
    )
    stack = ScaledStack(
        scaled_settings,
        args.model,
        run_dir=args.run_dir,
        services=Services.from_environment(),
        replicas=args.replicas,
        action_servers=args.actions,
    )
    signal.signal(signal.SIGTERM, _interrupt)
    print(f"starting {args.replicas} Rasa replicas and {args.actions} action servers behind haproxy ...", flush=True)
    try:
        stack.start()
        if (copy := stack.catalog_copy) is not None:
            done = "already there" if copy.skipped else f"copied in {copy.seconds:.0f} s"
            print(f"catalog         {copy.count:,} products in PostgreSQL ({done})")
        print(f"web chat        {stack.web_url}")
        print(f"sales console   {stack.web_url}console/")
        print(f"Rasa (haproxy)  {stack.rasa_url}  ->  " + ", ".join(f"{n}:{stack.ports[n]}" for n in stack.rasa_names))
        print(
            f"actions         {stack.actions_url}  ->  "
            + ", ".join(f"{n}:{stack.ports[n]}" for n in stack.action_names)
        )
        print(f"database        {Database(stack.services.database_url).describe()}")
        print(f"logs            {stack.log_dir}/   (Ctrl-C stops everything)", flush=True)
        reported: set[str] = set()
        while True:
            time.sleep(1)
            for name in sorted(set(stack.exited()) - reported):
                reported.add(name)
                print(f"{name} exited; see {stack.log_dir / (name + '.log')}", file=sys.stderr, flush=True)
            if "haproxy" in reported or "web" in reported:
                return 1
    except ScaledError as error:
        print(f"make run-scaled: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopping ...", flush=True)
        return 0
    finally:
        stack.stop()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
