"""The installation's secret, and the keys and tokens derived from it (one secret, one purpose per key).

`BRANDSTATION_SECRET_KEY` when set (every replica of a scaled deployment must share it); otherwise a random
secret generated on first use into `var_dir/secret.key` (mode 0600, created atomically, so processes starting
at the same time agree on one). It is never in git and never on a command line: Rasa gets its API token and
the action server its token from this module inside their own processes.

Keys are HMAC-SHA256(secret, purpose): knowing one (e.g. a tool holding the Rasa API token) reveals nothing
about another (the key that signs web chat sessions).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.settings import Settings

SECRET_FILE = "secret.key"
MIN_SECRET_CHARS = 32
RASA_API = "rasa-api-token"  # Rasa's HTTP API (`--auth-token`; `?token=` on each call)
ACTION_SERVER = "action-server-token"  # Rasa → action server (`Authorization: Bearer …`)
WEB_SESSIONS = "web-chat-sessions"  # signs the web chat's session ids (bot/sessions.py)
# Rasa's endpoints.yml sends `Authorization: Bearer ${BRANDSTATION_ACTION_TOKEN}` to the action server; the Rasa
# process sets the variable itself (bot/rasa_server.py) as it starts.
ACTION_TOKEN_ENV = "BRANDSTATION_ACTION_TOKEN"


def derived_key(settings: Settings, purpose: str) -> str:
    """A hex key for one purpose, derived from the installation's secret."""
    return hmac.new(_secret(settings), purpose.encode(), hashlib.sha256).hexdigest()


def rasa_token(settings: Settings) -> str:
    return derived_key(settings, RASA_API)


def action_token(settings: Settings) -> str:
    return derived_key(settings, ACTION_SERVER)


def session_key(settings: Settings) -> bytes:
    return derived_key(settings, WEB_SESSIONS).encode()


def _secret(settings: Settings) -> bytes:
    configured = settings.secret_key.get_secret_value()
    if configured:
        if len(configured) < MIN_SECRET_CHARS:
            raise RuntimeError(f"BRANDSTATION_SECRET_KEY must have at least {MIN_SECRET_CHARS} characters")
        return configured.encode()
    path = settings.var_dir / SECRET_FILE
    with contextlib.suppress(FileNotFoundError):
        return _read(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole to a private temporary file, then linked into place: a reader never sees a half-written
    # secret, and of two processes racing, the second's link fails and it reads the first one's.
    tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> bytes:
    value = path.read_text(encoding="ascii").strip()
    if len(value) < MIN_SECRET_CHARS:
        raise RuntimeError(
            f"{path} holds no usable secret (fewer than {MIN_SECRET_CHARS} characters): delete it to make a new one"
        )
    return value.encode()
