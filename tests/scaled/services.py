"""Throw-away PostgreSQL and Redis servers for the fault tests, from the binaries `make services` installs.

The fault tests stop and restart PostgreSQL; they do it to a cluster of their own (initdb in /tmp, a free port,
fsync off) so the shared `make services` instance, and whoever else uses it, is never touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.scaled import free_port, port_answers

PASSWORD = "brandstation"


def pg_bin(name: str) -> str | None:
    """Debian's newest PostgreSQL binary `name` (initdb, pg_ctl, psql), or None when not installed."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    found = [str(v / name) for v in versions if (v / name).exists()]
    return found[-1] if found else shutil.which(name)


def _as_owner(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; the postgresql package creates the `postgres` user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster with database, user and password `brandstation`, like ops/services.sh makes."""

    port: int = field(default_factory=free_port)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="brandstation-pg-")))

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    def start(self) -> None:
        """initdb on first use, then start and wait until it accepts connections."""
        fresh = not self.data.exists()
        if fresh:
            self._initdb()
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c max_connections=200 -c fsync=off"
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.log), "-o", options)
        if fresh:
            psql = pg_bin("psql")
            assert psql, "psql not found"
            command = [psql, "-h", str(self.root), "-p", str(self.port), "-U", "brandstation", "-d", "postgres", "-qc"]
            subprocess.run(_as_owner([*command, "create database brandstation"]), check=True, capture_output=True)

    def stop(self) -> None:
        """Fast shutdown: open sessions are cut, as in a restart by an operator."""
        self._pg_ctl("stop", "-m", "fast", "-w", "-t", "60")

    def running(self) -> bool:
        return port_answers("127.0.0.1", self.port)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            if (self.data / "postmaster.pid").exists():
                self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _initdb(self) -> None:
        self.root.chmod(0o755)
        password_file = self.root / "pw"
        password_file.write_text(PASSWORD + "\n", encoding="utf-8")
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        initdb = pg_bin("initdb")
        assert initdb, "initdb not found"
        command = [initdb, "-D", str(self.data), "-U", "brandstation", f"--pwfile={password_file}", "-E", "UTF8"]
        command += ["--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256"]
        subprocess.run(_as_owner(command), check=True, capture_output=True)

    def _pg_ctl(self, *args: str) -> None:
        pg_ctl = pg_bin("pg_ctl")
        assert pg_ctl, "pg_ctl not found"
        subprocess.run(_as_owner([pg_ctl, "-D", str(self.data), *args]), check=True, capture_output=True)


@dataclass
class PrivateRedis:
    """A Redis server without persistence on a free loopback port."""

    port: int = field(default_factory=free_port)
    _proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            cwd=tempfile.gettempdir(),
        )
        deadline = time.monotonic() + 10
        while not port_answers("127.0.0.1", self.port):
            if time.monotonic() > deadline or self._proc.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=10)


def missing_binaries() -> list[str]:
    """What `make services` would install that is not there (for a skip reason)."""
    missing = [name for name in ("initdb", "pg_ctl", "psql") if pg_bin(name) is None]
    missing += [name for name in ("redis-server", "haproxy") if shutil.which(name) is None]
    return missing
