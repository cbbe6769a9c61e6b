"""Action-test fixtures: the fixture catalog and a fresh demand log injected into the providers."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from bot import providers
from bot.demand import DemandLog


@pytest.fixture(autouse=True)
def injected(engine, tmp_path):
    providers.set_engine(engine)
    log = DemandLog(tmp_path / "demand.sqlite")
    providers.set_demand_log(log)
    yield log
    providers.set_engine(None)
    providers.set_demand_log(None)


def make_tracker(text: str, intent: str, *, entities: list[dict] | None = None, slots: dict | None = None) -> Tracker:
    """A tracker whose latest message is `text`, classified as `intent`."""
    message = {"text": text, "intent": {"name": intent}, "entities": entities or []}
    return Tracker("buyer-1", slots or {}, message, [], False, None, {}, "action_listen")
