"""Targeted speed-ups of Rasa 3.6 internals, applied by ``scripts/rasa_server.py`` at start.

Each one keeps Rasa's behaviour and is justified by a profile in docs/benchmarks.md.

- ``RemoteAction._validate_action_result`` calls ``jsonschema.validate(result, schema)``
  on every reply of the action server. ``validate`` first checks the *schema* against the
  JSON Schema meta-schema (``check_schema``) and builds a new validator, every time; with
  Rasa's large event schema that was the single biggest cost of a turn (profiled at 5
  messages/s). The schema is a constant, so it is checked once here and one validator
  (the same class ``validate`` would pick) is reused; the reply itself is still validated
  and an invalid one raises the same ``ValidationError`` with Rasa's message.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Dict, Text

logger = logging.getLogger(__name__)

_applied = False
_lock = threading.Lock()


def _action_result_validator() -> Any:
    from jsonschema import exceptions, validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, not per reply
    validator = cls(schema)

    def validate_result(result: Dict[Text, Any]) -> None:
        error = exceptions.best_match(validator.iter_errors(result))
        if error is not None:
            raise error

    return validate_result


def apply() -> None:
    """Install the speed-ups (idempotent)."""
    global _applied
    with _lock:
        if _applied:
            return
        from rasa.core.actions import action as rasa_action
        from rasa.shared.constants import DOCS_BASE_URL

        validate_result = _action_result_validator()
        original = rasa_action.RemoteAction._validate_action_result

        def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
            from jsonschema import ValidationError

            try:
                validate_result(result)
                return True
            except ValidationError as e:
                # Rasa's own wording (rasa/core/actions/action.py)
                e.message += (
                    f". Failed to validate Action server response from API, "
                    f"make sure your response from the Action endpoint is valid. "
                    f"For more information about the format visit "
                    f"{DOCS_BASE_URL}/custom-actions"
                )
                raise e

        _validate_action_result.__wrapped__ = original  # type: ignore[attr-defined]
        rasa_action.RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
        _applied = True
        logger.debug("kokom.rasa_speedups applied")
