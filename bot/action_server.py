"""The action server: rasa_sdk's, listening on loopback by default, and answering only Rasa.

rasa_sdk 3.6 listens on 0.0.0.0 with no authentication, so anyone who reached port 5055 could run any action
with a forged tracker (a lead stored with no conversation, another buyer's quote). Here every route but
`/health` needs `Authorization: Bearer <token>`, the token derived from the installation's secret
(bot/keys.py); Rasa sends it from endpoints.yml (`action_endpoint.headers`, filled from the environment).
No CORS: nothing in a browser has any business here.

Run: `python -m bot.action_server --actions actions --port 5055 [--host 127.0.0.1]`.
"""

from __future__ import annotations

import argparse
import hmac
import logging

from rasa_sdk import endpoint, utils
from rasa_sdk.cli.arguments import add_endpoint_arguments
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.keys import action_token
from bot.settings import get_settings

logger = logging.getLogger(__name__)

ACTION_TOKEN_HEADER = "Authorization"
# Rasa sends the whole conversation with each call; a long one with pasted BOM tables is a few MB.
MAX_REQUEST_BYTES = 32 * 1024 * 1024
_OPEN_PATHS = frozenset({"/health"})  # load balancers' health checks


def create_app(token: str, actions: str = "actions") -> Sanic:
    """rasa_sdk's app for the `actions` package, with every call but /health authenticated by `token`."""
    if len(token) < 32:
        raise ValueError("the action server token must have at least 32 characters")
    app = endpoint.create_app(actions, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES
    expected = f"Bearer {token}".encode()

    @app.on_request
    async def authenticate(request: Request) -> HTTPResponse | None:
        if request.path in _OPEN_PATHS:
            return None
        sent = request.headers.get(ACTION_TOKEN_HEADER, "").encode()
        if hmac.compare_digest(sent, expected):
            return None
        logger.warning("refused %s %s from %s: no valid action server token", request.method, request.path, request.ip)
        return response.json({"error": "not authenticated"}, status=401)

    return app


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point (rasa_sdk's options, plus --host)."""
    parser = argparse.ArgumentParser(prog="python -m bot.action_server", description="Start the action server.")
    add_endpoint_arguments(parser)
    utils.add_logging_level_option_arguments(parser)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)")
    args = parser.parse_args(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.update_sanic_log_level()
    app = create_app(action_token(get_settings()), args.actions)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    logger.info("action server on http://%s:%s (authenticated)", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
