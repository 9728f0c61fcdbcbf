"""kokom.rasa_speedups: Rasa's action-reply validation, cheaper but with the same verdicts."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError

from kokom import rasa_speedups


def original_and_patched():
    """Rasa's method and the patched one, bound to a RemoteAction (no endpoint needed)."""
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction._validate_action_result
    rasa_speedups.apply()
    patched = RemoteAction._validate_action_result
    original = getattr(patched, "__wrapped__", original)
    action = RemoteAction.__new__(RemoteAction)
    return (lambda result: original(action, result)), (lambda result: patched(action, result))


VALID = [
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "slot", "name": "complaint_category", "value": "infrastruktur"},
                {"event": "active_loop", "name": "complaint_form"},
                {"event": "followup", "name": "action_listen"}],
     "responses": [{"text": "Baik", "buttons": [{"title": "Ya", "payload": "/affirm"}]},
                   {"response": "utter_greet"}]},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event without its name
    {"responses": ["a string, not an object"]},
    [],
]


@pytest.mark.parametrize("result", VALID)
def test_valid_replies_pass(result):
    original, patched = original_and_patched()
    assert original(result) is True
    assert patched(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_replies_fail_with_rasas_message(result):
    original, patched = original_and_patched()
    with pytest.raises(ValidationError) as expected:
        original(result)
    with pytest.raises(ValidationError) as got:
        patched(result)
    assert got.value.message == expected.value.message
    assert "Failed to validate Action server response" in got.value.message


def test_apply_is_idempotent():
    from rasa.core.actions.action import RemoteAction

    rasa_speedups.apply()
    first = RemoteAction._validate_action_result
    rasa_speedups.apply()
    assert RemoteAction._validate_action_result is first
