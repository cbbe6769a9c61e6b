"""Rasa input channels: the web chat (socket.io) and the WeCom, DingTalk and Feishu connectors.

This package file imports nothing but the standard library, so `ConnectorImportError` is there even when a
connector's own dependencies are not.
"""

from __future__ import annotations


class ConnectorImportError(RuntimeError):
    """A connector module could not import what it needs.

    Rasa loads channels named in credentials.yml with `except (ImportError, AttributeError)` and then reports
    only "Failed to find input channel class"; re-raised as this error, the real cause and its traceback reach
    the start-up log instead.
    """

    def __init__(self, module: str, cause: BaseException) -> None:
        super().__init__(f"{module} cannot be loaded: {type(cause).__name__}: {cause}")
