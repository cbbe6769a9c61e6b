"""Every custom action in domain.yml is registered by the action server, and every registered one is in the domain."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

ROOT = Path(__file__).resolve().parents[2]


def test_domain_actions_match_the_registered_actions():
    executor = ActionExecutor()
    executor.register_package("actions")
    registered = set(executor.actions)
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    custom = {a for a in domain["actions"] if a.startswith(("action_", "validate_"))}
    assert custom == registered, f"in domain only: {custom - registered}; registered only: {registered - custom}"
