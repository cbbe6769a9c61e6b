"""Drive Debian's Chromium through Debian's chromedriver with Selenium; nothing is ever downloaded.

Selenium finds a driver with `selenium-manager` (which downloads one) unless it is given a path: every driver
here gets `/usr/bin/chromedriver` (or CHROMEDRIVER) and the browser binary explicitly, and the tests make any
call into selenium-manager fail.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot.settings import ROOT

if TYPE_CHECKING:
    from selenium.webdriver import ChromeOptions
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

ARTIFACTS = ROOT / "test-artifacts" / "browser"
WAIT_S = 60.0  # a bot turn takes well under a second on a warm stack; a BOM quote a few seconds
T = TypeVar("T")


def find_chromium() -> tuple[str | None, str | None]:
    """The Chromium and chromedriver binaries (CHROMIUM / CHROMEDRIVER override the PATH lookup)."""
    browser = _executable(os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser"))
    driver = _executable(os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver"))
    return browser, driver


def _executable(path: str | None) -> str | None:
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def missing() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    browser, driver = find_chromium()
    if browser is None or driver is None:
        absent = " and ".join(n for n, p in (("chromium", browser), ("chromedriver", driver)) if p is None)
        return f"{absent} not installed: `make browser-deps` (Debian: apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed in this environment (pip install -r requirements.lock)"
    return ""


@dataclass(frozen=True)
class Viewport:
    width: int
    height: int
    mobile: bool = False


DESKTOP = Viewport(1100, 900)
PHONE = Viewport(360, 740, mobile=True)


def chrome_options(browser: str, language: str, viewport: Viewport, downloads: Path) -> ChromeOptions:
    """Headless Chromium with a fixed language, window and download folder, and no background network calls."""
    from selenium.webdriver import ChromeOptions

    options = ChromeOptions()
    options.binary_location = browser
    for arg in (
        "--headless=new",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--lang={language}",
        f"--window-size={viewport.width},{viewport.height}",
    ):
        options.add_argument(arg)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium refuses to run as root (CI containers) with its sandbox
    if viewport.mobile:
        metrics = {"width": viewport.width, "height": viewport.height, "pixelRatio": 2.0, "touch": True}
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
    options.add_experimental_option(
        "prefs",
        {
            "intl.accept_languages": language,
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "download.directory_upgrade": True,
            "safebrowsing.enabled": False,
        },
    )
    return options


def wait_until(condition: Callable[[], T | None], what: str, timeout: float = WAIT_S) -> T:
    """Poll `condition` until it returns something truthy; AssertionError naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def wait_for_download(folder: Path, suffix: str, timeout: float = WAIT_S) -> Path:
    """The one finished file with `suffix` in `folder` (Chromium writes `*.crdownload` until it is complete)."""

    def finished() -> Path | None:
        if any(folder.glob("*.crdownload")):
            return None
        files = sorted(folder.glob(f"*{suffix}"))
        return files[0] if files else None

    return wait_until(finished, f"a {suffix} download in {folder}", timeout)


@dataclass
class Chat:
    """One browser window on the chat page, with the few moves a buyer makes."""

    driver: WebDriver
    downloads: Path
    name: str  # of the screenshot
    closed: bool = False

    def open(self, url: str) -> Chat:
        self.driver.get(url)
        wait_until(lambda: self.js("return document.readyState") == "complete", "the page to load")
        return self

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def find(self, css: str) -> WebElement:
        return self.driver.find_element("css selector", css)

    def all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements("css selector", css)

    def keys(self, *keys: str) -> None:
        """Press keys wherever the focus is, as a keyboard-only user does."""
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(*keys).perform()

    def focused(self) -> WebElement:
        return self.driver.switch_to.active_element

    def texts(self, css: str) -> list[str]:
        # textContent, not .text: what is in the DOM, also for bubbles scrolled out of view.
        return [str(self.js("return arguments[0].textContent", e)) for e in self.all(css)]

    def type(self, message: str) -> None:
        """Type into the message box and press Enter, as a buyer does."""
        from selenium.webdriver.common.keys import Keys

        box = self.find("#composer-input")
        box.send_keys(message)
        box.send_keys(Keys.ENTER)

    def wait_bot(self, contains: str, after: int = 0) -> str:
        """The first bot bubble (from index `after` on) that contains `contains`."""

        def found() -> str | None:
            return next((t for t in self.texts(".msg--bot .bubble")[after:] if contains in t), None)

        return wait_until(found, f"a bot bubble with {contains!r}; bot said {self.texts('.msg--bot .bubble')!r}")

    def console_errors(self) -> list[str]:
        """SEVERE browser console entries so far (script errors, CSP violations, failed requests)."""
        return [e["message"] for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]

    def snap(self, label: str = "") -> Path:
        """Screenshot the window into test-artifacts/browser/<test>[-label].png."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}{'-' + label if label else ''}.png"
        self.driver.save_screenshot(str(path))
        return path

    def close(self) -> None:
        """Take the scenario's final screenshot and quit the browser (once)."""
        if self.closed:
            return
        self.closed = True
        try:
            self.snap()
        finally:
            self.driver.quit()
