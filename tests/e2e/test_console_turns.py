"""The sales console over conversations the real stack produced: chats go through Rasa (REST) and the action
server, then the console (in-process, on the stack's own tracker store and database) lists them with the right
channel and outcome, opens them turn by turn, exports a test story Rasa can read, and scopes a rep."""

from __future__ import annotations

import asyncio
import re
import time
import warnings

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.console.app import ConsoleConfig, mount_console
from bot.console.data import ConsoleData
from bot.console.store import ConsoleStore
from bot.settings import ROOT
from bot.stack import Stack
from tests.e2e.conftest import logs
from tests.e2e.receiver import Receiver
from tests.e2e.test_lead_turns import fill_form
from tests.e2e.test_spec_turns import ask, texts
from tests.unit.console_harness import FAST_KDF, PASSWORD, login


def test_real_conversations_appear_in_the_console(stack: Stack, receiver: Receiver, sender: str) -> None:
    answered, unmet, lead = f"{sender}-spec", f"{sender}-unmet", f"{sender}-lead"
    assert "25 mm" in texts(ask(stack, answered, "6205-2RS 内径多少?"))
    assert "could not find" in texts(ask(stack, unmet, "what is the bore of ZQX9999-77QQ?"))
    texts(ask(stack, lead, "0603WAF1002T5E 功率多少?"))
    assert "已转给 华南电子" in fill_form(stack, lead, "同意"), logs(stack)
    settings = stack.settings
    data = ConsoleData(settings.database)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and [x.stage for x in data.leads(None, sender=lead)] != ["delivered"]:
        time.sleep(0.3)
    (stored,) = data.leads(None, sender=lead)
    assert stored.stage == "delivered" and receiver.leads_for(lead), logs(stack)

    config = ConsoleConfig(
        database=settings.database,
        tracker_url=f"sqlite:///{settings.var_dir / 'tracker.db'}",
        routing_file=settings.routing_file,
        admin_password=PASSWORD,
        kdf=FAST_KDF,
    )
    app = web.Application()
    mount_console(app, settings, config=config)
    rep, admin = f"rep-{sender}"[:60], f"admin-{sender}"[:60]
    accounts = ConsoleStore(settings.database, kdf=FAST_KDF)
    accounts.create_user(rep, PASSWORD, "distributor_rep", target=stored.target)
    # The stack's web server already made `admin` with a generated password: sign in as a second brand admin.
    accounts.create_user(admin, PASSWORD, "brand_admin")

    async def body(client: TestClient) -> tuple[dict[str, dict[str, list[str]]], str, str, list[str]]:
        await login(client, admin)
        rows = {}
        for who in (answered, unmet, lead):
            html = await (await client.get("/console/transcripts", params={"q": who})).text()
            rows[who] = _row(html, who)
        page = await (await client.get("/console/transcript", params={"sender": lead})).text()
        story = await (await client.get("/console/transcript/story.yml", params={"sender": lead})).text()
        await login(client, rep)
        listed = await (await client.get("/console/transcripts")).text()
        mine = [s for s in (answered, unmet, lead) if f"sender={s}" in listed]
        return rows, page, story, mine

    async def run() -> tuple[dict[str, dict[str, list[str]]], str, str, list[str]]:
        async with TestClient(TestServer(app)) as client:
            return await body(client)

    rows, page, story, mine = asyncio.run(run())
    assert rows[answered] == {"channel": ["rest"], "outcomes": ["answered"]}, rows
    assert rows[unmet]["outcomes"] == ["unmet"], rows
    assert rows[lead]["outcomes"] == ["answered", "lead"], rows
    for fragment in ("0603WAF1002T5E 功率多少?", "request_sales", "lead_form", "action_submit_lead", stored.lead_id):
        assert fragment in page, fragment
    assert "1234 5678" not in story and "13812345678" not in story
    path = settings.var_dir / f"test_console_{lead}.yml"
    path.write_text(story, encoding="utf-8")
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (steps,) = YAMLStoryReader(Domain.load(str(ROOT / "domain.yml"))).read_from_file(str(path))
    intents = [getattr(e, "intent_name", None) for e in steps.events if type(e).__name__ == "UserUttered"]
    assert intents[0] == "ask_spec" and "request_sales" in intents
    assert mine == [lead]  # the rep of the lead's distributor sees that buyer only


def _row(html: str, sender: str) -> dict[str, list[str]]:
    """Channel and outcome badges of one buyer's row in the transcripts table."""
    found = re.search(
        rf'<tr>\s*<td class="mono"><a href="/console/transcript\?sender={re.escape(sender)}".*?</tr>', html, re.S
    )
    assert found, f"{sender} not listed"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", found.group(0), re.S)
    return {"channel": [cells[1].strip()], "outcomes": re.findall(r"outcome-(\w+)", found.group(0))}
