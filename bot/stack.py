"""Start and stop the whole local stack: action server, Rasa server (REST + socket.io), web chat page.

`brandstation serve` and the end-to-end tests use the same code, so what the tests drive is what users run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.keys import ACTION_TOKEN_ENV, rasa_token
from bot.settings import ROOT, Settings

READY_TIMEOUT_S = 180.0
# `python -m rasa` with bot/rasa_speedups.py installed (same arguments, same behaviour, less CPU per turn).
RASA_MODULE = "bot.rasa_server"


# Rasa → action server authentication: endpoints.yml names the variable (set by bot/rasa_server.py), Rasa substitutes
# it when it reads the file (in plain YAML scalars only: quoted, it would be taken literally).
ACTION_ENDPOINT_AUTH = f"  headers:\n    Authorization: Bearer ${{{ACTION_TOKEN_ENV}}}\n"


def action_server_command(host: str, port: int) -> list[str]:
    """The action server (bot/action_server.py: authenticated, on `host` only)."""
    return [sys.executable, "-m", "bot.action_server", "--actions", "actions", "--host", host, "--port", str(port)]


class StackError(RuntimeError):
    """A component of the stack failed to start; the message says which and where its log is."""


@dataclass
class Stack:
    settings: Settings
    model: Path
    log_dir: Path
    web: bool = True
    credentials: Path = ROOT / "credentials.yml"  # the channels Rasa opens (tests add IM connectors)
    _procs: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.actions_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.web_port}/"

    def start(self) -> None:
        """Start every component and wait until each answers; stop all and raise StackError on failure."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        endpoints = self.log_dir / "endpoints.yml"
        endpoints.write_text(self.endpoints_yaml(), encoding="utf-8")
        python = sys.executable
        try:
            self._spawn("actions", action_server_command(self.settings.host, self.settings.actions_port))
            self._spawn(
                "rasa",
                [
                    python,
                    "-m",
                    RASA_MODULE,
                    "run",
                    "--enable-api",  # with the installation's token (bot/rasa_server.py)
                    "--cors",
                    self.settings.web_origin(),
                    "--interface",
                    self.settings.host,
                    "--port",
                    str(self.settings.rasa_port),
                    "--credentials",
                    str(self.credentials),
                    "--endpoints",
                    str(endpoints),
                    "--model",
                    str(self.model),
                ],
            )
            if self.web:
                self._spawn(
                    "web",
                    [
                        python,
                        "-m",
                        "bot.web.server",
                        "--host",
                        self.settings.host,
                        "--port",
                        str(self.settings.web_port),
                        "--rasa-url",
                        self.rasa_url,
                    ],
                )
            self._wait_ready("actions", f"{self.actions_url}/health")
            self._wait_ready("rasa", f"{self.rasa_url}/status?token={rasa_token(self.settings)}")
            if self.web:
                self._wait_ready("web", self.web_url)
        except BaseException:
            self.stop()
            raise

    def endpoints_yaml(self) -> str:
        """Rasa's endpoints: this stack's action server (its token from the environment, never in the file) and the
        SQLite tracker store in var_dir (pooled, WAL)."""
        return (
            f'action_endpoint:\n  url: "{self.actions_url}/webhook"\n{ACTION_ENDPOINT_AUTH}'
            "tracker_store:\n  type: bot.local_tracker_store.LocalSQLTrackerStore\n  dialect: sqlite\n"
            f'  db: "{self.settings.var_dir / "tracker.db"}"\n'
        )

    def stop(self) -> None:
        """Terminate every component (SIGTERM, then SIGKILL after 10 s)."""
        for _, proc in self._procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _, proc in self._procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self._procs.clear()

    def failed(self) -> str | None:
        """Name of a component that exited, if any."""
        return next((name for name, proc in self._procs if proc.poll() is not None), None)

    def _spawn(self, name: str, command: list[str]) -> None:
        env = {**os.environ, **self._child_env()}
        # The child gets its own copy of the descriptor; the parent's is closed right away.
        with open(self.log_dir / f"{name}.log", "wb") as log:
            proc = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._procs.append((name, proc))

    def _child_env(self) -> dict[str, str]:
        s = self.settings
        return {
            "RASA_TELEMETRY_ENABLED": "false",
            "HF_HUB_OFFLINE": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "BRANDSTATION_VAR_DIR": str(s.var_dir),
            "BRANDSTATION_CATALOG_DB": str(s.catalog_db),
            "BRANDSTATION_INDEX_DIR": str(s.index_dir),
            "BRANDSTATION_DATABASE": str(s.database),
            "BRANDSTATION_EMBEDDER": s.embedder,
            # Download links in the action server's replies point at this stack's web server.
            "BRANDSTATION_PUBLIC_URL": s.base_url(),
            "BRANDSTATION_ROUTING_FILE": str(s.routing_file),
            "BRANDSTATION_WARM_UP": "1",  # the action server loads the engine as it starts (actions/__init__.py)
        }

    def _wait_ready(self, name: str, url: str) -> None:
        wait_ready(name, url, dict(self._procs)[name], self.log_dir)


def wait_ready(
    name: str,
    url: str,
    proc: subprocess.Popen[bytes],
    log_dir: Path,
    error: type[StackError] = StackError,
    timeout_s: float = READY_TIMEOUT_S,
) -> None:
    """Poll `url` until it answers 200; raise `error` naming `name`'s log when the process exits or time runs out
    (the message shows the URL without its query: it may hold Rasa's API token)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise error(f"{name} exited with code {proc.returncode}; see {log_dir / (name + '.log')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise error(f"{name} did not answer {url.split('?')[0]} within {timeout_s:.0f} s; see {log_dir}/{name}.log")
