"""bot/rasa_speedups.py: the patched Rasa methods answer exactly as Rasa's own do, without the repeated work."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot import rasa_speedups

VALID: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "lead_company", "value": "深圳测试电子", "timestamp": None}]},
    {
        "events": [{"event": "slot", "name": "last_sku", "value": "C25804"}],
        "responses": [{"text": "已找到", "buttons": [{"title": "A", "payload": "/choose_option"}], "custom": {}}],
    },
    {"responses": [{"response": "utter_greet"}]},
]
INVALID: list[dict[str, Any]] = [
    {"events": "slot"},
    {"events": [{"event": "slot", "value": 3}]},  # a slot event without its name
    {"responses": "hello"},
    {"events": [{"event": "no_such_event"}]},
]


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Install the speed-ups for one test; monkeypatch puts Rasa's methods back afterwards."""
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    rasa_speedups.install()


def test_install_replaces_both_methods_and_is_idempotent(installed: None) -> None:
    rasa_speedups.install()
    assert RemoteAction._validate_action_result is rasa_speedups._validate_action_result
    assert Event.resolve_by_type is rasa_speedups.resolve_by_type


def rasa_verdict(result: dict[str, Any]) -> str | None:
    """What `jsonschema.validate` (Rasa's own check) says: None, or the error message."""
    try:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError as error:
        return error.message
    return None


@pytest.mark.parametrize("result", VALID)
def test_a_valid_answer_passes_as_with_rasa(installed: None, result: dict[str, Any]) -> None:
    assert rasa_verdict(result) is None
    assert RemoteAction("action_x", None)._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_answer_fails_with_rasas_error_and_message(installed: None, result: dict[str, Any]) -> None:
    expected = rasa_verdict(result)
    assert expected is not None
    with pytest.raises(jsonschema.ValidationError) as raised:
        RemoteAction("action_x", None)._validate_action_result(result)
    assert raised.value.message.startswith(expected)
    assert "Failed to validate Action server response from API" in raised.value.message


def test_the_schema_is_checked_once_not_per_answer(installed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    validator = rasa_speedups.response_validator()  # prepared by install()
    cls = validator_for(RemoteAction.action_response_format_spec())

    def no_more_checks(schema: Any) -> None:
        raise AssertionError("the schema was checked again")

    monkeypatch.setattr(cls, "check_schema", no_more_checks)
    for result in VALID * 5:
        assert RemoteAction("action_x", None)._validate_action_result(result) is True
    assert rasa_speedups.response_validator() is validator


def test_event_classes_are_found_as_rasa_finds_them(installed: None) -> None:
    rasa_lookup = rasa_speedups._rasa_resolve_by_type
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is rasa_lookup(cls.type_name)
        assert Event.resolve_by_type(cls.type_name) is rasa_lookup(cls.type_name)  # from the memo now
        assert rasa_speedups._event_classes[cls.type_name] is rasa_lookup(cls.type_name)


def test_events_read_back_are_the_same(installed: None) -> None:
    events = [ActionExecuted("action_listen"), UserUttered("6205-2RS 内径多少?"), SlotSet("language", "zh")]
    events.append(BotUttered("25 mm", {"buttons": None}))
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


def test_unknown_names_go_through_rasas_lookup_every_time(installed: None) -> None:
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert "no_such_event" not in rasa_speedups._event_classes
    assert Event.resolve_by_type("topic") is None  # Rasa's old TopicSet events
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
