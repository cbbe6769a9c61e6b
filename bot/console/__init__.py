"""The sales console: transcripts, leads, quotes, unmet demand and analytics for the brand and its distributors.

`create_console_app(settings)` / `mount_console(app, settings)` (bot/console/app.py) serve it; `register_cli`
(bot/console/cli.py) adds `brandstation console add-user | passwd | enable | disable | list-users`. The web
side is imported on first use, so the command line stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.console.cli import register_cli

if TYPE_CHECKING:
    from aiohttp import web

    from bot.settings import Settings

__all__ = ["create_console_app", "mount_console", "register_cli"]


def create_console_app(settings: Settings, **kwargs: Any) -> web.Application:
    """The console as an aiohttp application (see bot.console.app.create_console_app)."""
    from bot.console.app import create_console_app as create

    return create(settings, **kwargs)


def mount_console(parent: web.Application, settings: Settings, **kwargs: Any) -> web.Application:
    """Add the console under /console of `parent` (see bot.console.app.mount_console)."""
    from bot.console.app import mount_console as mount

    return mount(parent, settings, **kwargs)
