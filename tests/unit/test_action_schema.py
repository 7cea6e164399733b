"""The precompiled action-response check accepts and rejects exactly what Rasa 3.6.21's does."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from supervisor import action_schema
from supervisor.rasa_version import UnsupportedRasaVersion

VALID: List[Dict[str, Any]] = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "protocol", "value": "imap", "timestamp": None}]},
    {"events": [{"event": "slot", "name": "protocol", "value": None}]},
    {"events": [{"event": "followup", "name": "utter_ask_protocol"}]},
    {"events": [{"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "reset_slots"}]},
    {"events": [{"event": "bot", "text": "ciao", "metadata": {"utter_action": "utter_greet"}}]},
    {"events": [{"event": "pause"}, {"event": "resume"}, {"event": "restart"}]},
    {"events": [{"event": "entities", "entities": [{"entity": "protocol", "value": "pop3"}]}]},
    {"events": [{"event": "user", "text": "uso imap", "parse_data": {"intent": {"name": "inform"}}}]},
    {"responses": [{"text": "Ciao"}, {"response": "utter_greet", "buttons": []}]},
    {"events": [], "responses": [], "extra": "ignored by the schema"},
]

INVALID: List[Any] = [
    [],
    "text",
    None,
    {"events": {"event": "slot"}},
    {"events": [{"name": "protocol", "value": "imap"}]},
    {"events": [{"event": "slot", "name": "protocol"}]},
    {"events": [{"event": "slot", "value": "imap"}]},
    {"events": [{"event": "nonsense"}]},
    {"events": [{"event": 3}]},
    {"events": ["slot"]},
    {"events": [{"event": "slot", "name": 5, "value": "x"}]},
    {"events": [{"event": "bot", "timestamp": "yesterday"}]},
    {"events": [{"event": "bot", "metadata": "x"}]},
    {"events": [{"event": "entities"}]},
    {"events": [{"event": "entities", "entities": [{"entity": "protocol"}]}]},
    {"events": [{"event": "action", "name": "x", "hide_rule_turn": "yes"}]},
    {"events": [{"event": "user", "parse_data": {"entities": [{"value": 1}]}}]},
    {"responses": {"text": "Ciao"}},
    {"responses": ["Ciao"]},
    {"events": [{"event": "slot", "name": "a", "value": 1}, {"event": "nope"}]},
]


def _outcome(check: Any, result: Any) -> Tuple[bool, Optional[str], Optional[List[Any]]]:
    """(accepted, error message, error path) of one check on one response."""
    try:
        check(result)
        return True, None, None
    except ValidationError as error:
        return False, error.message, list(error.absolute_path)


RASA_CHECK = RemoteAction._validate_action_result


def _rasa_original(result: Any) -> bool:
    """Rasa 3.6.21's check, as written in RemoteAction._validate_action_result."""
    assert RASA_CHECK.__module__ == "rasa.core.actions.action"
    return RASA_CHECK(RemoteAction(name="x", action_endpoint=None), result)


@pytest.mark.parametrize("result", VALID + INVALID)
def test_same_acceptance_and_error_as_rasa(result: Any) -> None:
    """Same accept/reject, message and error location as the original check."""
    original = _outcome(_rasa_original, result)
    patched = _outcome(action_schema.validate_action_result, result)
    assert patched == original
    assert original[0] == (result in VALID)


def test_original_matches_plain_jsonschema_validate() -> None:
    """The reference really is jsonschema.validate with Rasa's schema (guards the test itself)."""
    spec = RemoteAction.action_response_format_spec()
    for result in INVALID:
        with pytest.raises(ValidationError):
            jsonschema.validate(result, spec)


def test_install_patches_remote_action(monkeypatch: pytest.MonkeyPatch) -> None:
    """After install, RemoteAction uses the precompiled check."""
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    action_schema.install()
    action = RemoteAction(name="x", action_endpoint=None)
    assert action._validate_action_result({"events": []}) is True
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "nonsense"}]})
    assert RemoteAction._validate_action_result.__qualname__.startswith("install")


@pytest.mark.parametrize("version", ["3.6.20", "3.7.0", "4.0.0"])
def test_refuses_other_rasa_versions(version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any other Rasa version is refused loudly and left unpatched."""
    original = RemoteAction._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result", original)
    with pytest.raises(UnsupportedRasaVersion, match=version):
        action_schema.install(rasa_version=version)
    assert RemoteAction._validate_action_result is original
