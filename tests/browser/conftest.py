"""Browser fixtures: the real stack (the end-to-end fixtures, reused) and headless Chromium windows on its page.

Every window is screenshotted into test-artifacts/browser/<test>.png when its test ends, passed or failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chrome import DESKTOP, Chat, Viewport, chrome_options, find_chromium
from tests.e2e.conftest import e2e_settings, sender, stack  # noqa: F401  (session fixtures: one stack for the suite)


@pytest.fixture
def open_chat(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Chat]]:
    """`open_chat(url, language="en-US", viewport=DESKTOP)` → a Chat on that page in a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common import selenium_manager

    browser, driver_path = find_chromium()
    assert browser and driver_path  # the tests are marked skipif otherwise

    def refuse(*args: Any, **kwargs: Any) -> dict[str, str]:
        raise AssertionError("selenium-manager must not run: it would download a browser or driver")

    monkeypatch.setattr(selenium_manager.SeleniumManager, "binary_paths", refuse)
    monkeypatch.setenv("SE_OFFLINE", "true")
    opened: list[Chat] = []

    def open_chat(url: str, language: str = "en-US", viewport: Viewport = DESKTOP) -> Chat:
        downloads = tmp_path / f"downloads-{len(opened)}"
        downloads.mkdir()
        options = chrome_options(browser, language, viewport, downloads)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        name = request.node.name + (f"-{len(opened)}" if opened else "")
        chat = Chat(webdriver.Chrome(options=options, service=Service(executable_path=driver_path)), downloads, name)
        opened.append(chat)
        return chat.open(url)

    yield open_chat
    for chat in opened:
        chat.close()
