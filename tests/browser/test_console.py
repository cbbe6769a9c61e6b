"""The sales console in a real Chromium against the real stack: a rep logs in, finds a buyer's conversation by
search, opens it turn by turn and exports it as a Rasa test story (issue 7's browser test)."""

from __future__ import annotations

import pytest
import yaml
from selenium.webdriver.common.by import By

from bot.console.store import ConsoleStore
from bot.stack import Stack
from tests.browser.chrome import Chat, missing, wait_for_download, wait_until
from tests.e2e.test_spec_turns import ask, texts

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(missing()), reason=missing() or "-")]
PASSWORD = "browser-test-password-1"


def test_log_in_search_open_and_export_a_transcript(stack: Stack, open_chat, sender: str) -> None:
    assert "25 mm" in texts(ask(stack, sender, "6205-2RS 内径多少?"))
    admin = f"admin-{sender}"[:60]
    ConsoleStore(stack.settings.database).create_user(admin, PASSWORD, "brand_admin")

    chat: Chat = open_chat(stack.web_url + "console/login", language="en-US")
    chat.find("input[name=username]").send_keys(admin)
    chat.find("input[name=password]").send_keys(PASSWORD)
    chat.find("form.login button").click()
    wait_until(lambda: "/console/login" not in chat.driver.current_url, "the login to succeed")

    chat.driver.get(stack.web_url + "console/transcripts")
    search = chat.find("input[name=q]")
    search.send_keys(sender)
    search.submit()
    link = wait_until(
        lambda: next((a for a in chat.all("td a") if a.get_attribute("title") == sender), None),
        "the buyer's conversation in the search results",
    )
    chat.snap("search")
    link.click()
    page = wait_until(lambda: chat.find("main").text if "25 mm" in chat.find("main").text else None, "the turns")
    assert "ask_spec" in page and "6205-2RS" in page
    chat.snap("transcript")

    chat.driver.find_element(By.CSS_SELECTOR, "a[href*='story.yml']").click()
    story = yaml.safe_load(wait_for_download(chat.downloads, ".yml").read_text(encoding="utf-8"))
    steps = story["stories"][0]["steps"]
    assert {"intent": "ask_spec"}.items() <= steps[0].items() or any(s.get("intent") == "ask_spec" for s in steps)
    assert any(s.get("action") == "action_answer_spec" for s in steps)
