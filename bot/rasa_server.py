"""The Rasa server as Brandstation runs it: `python -m bot.rasa_server run ...` takes `python -m rasa`'s arguments
and adds, inside the process (never on a command line another user could read with `ps`):

- `--auth-token` from the installation's secret (bot/keys.py) whenever the HTTP API is enabled, so reading
  trackers, appending events or replacing the model needs the token;
- the action server's token in the environment, where endpoints.yml's `action_endpoint.headers` reads it;
- the message screen (bot/message_guard.py): length cap and pasted tables past NLU, for every channel;
- a request size limit for every HTTP body (Sanic's default is 100 MB);
- bot/rasa_speedups.py and the tracker store's outage reply (bot/tracker_store.py).
"""

from __future__ import annotations

import os
import sys

from bot import answer_first, message_guard
from bot.keys import ACTION_TOKEN_ENV, action_token, rasa_token
from bot.rasa_speedups import install
from bot.settings import get_settings
from bot.tracker_store import install_outage_reply

# The largest body any channel needs: a REST message with a pasted BOM table (UTF-8, JSON-escaped).
MAX_REQUEST_BYTES = 1024 * 1024


def with_auth_token(argv: list[str], token: str) -> list[str]:
    """`argv` with `--auth-token token` when it enables the HTTP API and names no token or JWT secret itself."""
    if "--enable-api" not in argv or any(a.startswith(("--auth-token", "--jwt-secret")) for a in argv):
        return argv
    return [*argv, "--auth-token", token]


def main() -> None:
    """Install the guards and speed-ups, then hand over to Rasa's own command line (it reads sys.argv)."""
    os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(MAX_REQUEST_BYTES))
    install()
    install_outage_reply()
    answer_first.install()
    message_guard.install()  # after answer_first: its length bound is the outer wrapper of parse_message
    settings = get_settings()
    os.environ.setdefault(ACTION_TOKEN_ENV, action_token(settings))
    sys.argv = with_auth_token(sys.argv, rasa_token(settings))
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
