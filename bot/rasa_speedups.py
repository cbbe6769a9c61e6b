"""Speed-ups for the Rasa 3.6 server that change nothing it does, only how long it takes (`bench/turn_profile.py`).

- Rasa checks every answer of the action server with `jsonschema.validate(answer, schema)`, and that function first
  validates the schema itself against the JSON Schema meta-schema: about 18 ms of CPU on the event loop per custom
  action call, more than the action server needs to run most actions (a lead-form turn makes two calls: 37 of its
  ~85 ms). The schema is a constant: here it is checked once and its validator reused (0.3 ms per answer). An
  answer that fails goes through Rasa's own check, so the error and its message stay exactly Rasa's.
- Every event read back from the tracker store or the action server finds its class with `Event.resolve_by_type`,
  which walks all subclasses of `Event` each time (0.05 ms; a lead-form tracker has ~45 events). The classes found
  are remembered by type name; unknown names still go through Rasa's lookup (its default or its error).

`install()` is idempotent. `python -m bot.rasa_server ...` (what `bot.stack.Stack` starts) installs it and then runs
`rasa ...`; a plain `python -m rasa run` works as before, only slower.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event

log = logging.getLogger(__name__)

_rasa_validate = RemoteAction._validate_action_result
_rasa_resolve_by_type = Event.resolve_by_type
_event_classes: dict[str, type[Event]] = {}


def install() -> None:
    """Patch the Rasa classes loaded in this process (once)."""
    if RemoteAction._validate_action_result is not _validate_action_result:
        response_validator()  # checks the schema now, not in the first buyer's turn
        RemoteAction._validate_action_result = _validate_action_result
    if Event.resolve_by_type is not resolve_by_type:
        Event.resolve_by_type = staticmethod(resolve_by_type)
    log.debug("Rasa speed-ups installed: prepared answer validator, event class lookup by name")


@functools.lru_cache(maxsize=1)
def response_validator() -> Validator:
    """The validator of Rasa's action server answer schema, the schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result` without re-checking the schema; Rasa's own for an invalid answer."""
    if response_validator().is_valid(result):
        return True
    return bool(_rasa_validate(self, result))  # raises Rasa's ValidationError with its message


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """`Event.resolve_by_type`, remembering the class found for each type name."""
    found = _event_classes.get(type_name)
    if found is not None:
        return found
    cls = _rasa_resolve_by_type(type_name, default)
    if cls is not None and cls.type_name == type_name:  # found by its name, not Rasa's fallback
        _event_classes[type_name] = cls
    return cls
