"""Targeted speed-ups of Rasa 3.6 internals, applied by ``scripts/rasa_server.py`` at start.

Each one keeps Rasa's behaviour and is justified by a profile in docs/benchmarks.md.

- ``RemoteAction._validate_action_result`` calls ``jsonschema.validate(result, schema)``
  on every reply of the action server. ``validate`` first checks the *schema* against the
  JSON Schema meta-schema (``check_schema``) and builds a new validator, every time; with
  Rasa's large event schema that was the single biggest cost of a turn (profiled at 5
  messages/s). The schema is a constant, so it is checked once here and one validator
  (the same class ``validate`` would pick) is reused; the reply itself is still validated
  and an invalid one raises the same ``ValidationError`` with Rasa's message.
- ``MessageProcessor.parse_message`` and ``_run_prediction_loop`` run the model (NLU
  graph, then the policies) synchronously on Rasa's event loop, which also answers the
  WhatsApp webhook: a webhook arriving during a prediction waited for it (acknowledgement
  p99 near 900 ms at 5 messages/s). The same calls now run in the loop's thread pool, so
  the loop stays free (TensorFlow releases the GIL while it computes); the order of
  steps within a conversation is unchanged (each step is awaited), and Rasa's lock store
  still handles one message per conversation at a time.
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


def _off_loop_processor() -> None:
    import asyncio
    import copy

    from rasa.core import processor as rasa_processor
    from rasa.exceptions import ActionLimitReached
    from rasa.shared.core.trackers import DialogueStateTracker

    cls = rasa_processor.MessageProcessor
    original_parse = cls.parse_message

    async def parse_message(self: Any, message: Any, tracker: Any = None,
                            only_output_properties: bool = True) -> Dict[Text, Any]:
        if self.http_interpreter:
            return await original_parse(self, message, tracker, only_output_properties)
        if tracker is None:
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        parse_data = await asyncio.get_running_loop().run_in_executor(
            None, self._parse_message_with_graph, message, tracker, only_output_properties)
        # the rest as in Rasa 3.6's MessageProcessor.parse_message
        self._update_full_retrieval_intent(parse_data)
        rasa_processor.structlogger.debug(
            "processor.message.parse",
            parse_data_text=copy.deepcopy(parse_data["text"]),
            parse_data_intent=parse_data["intent"],
            parse_data_entities=copy.deepcopy(parse_data["entities"]),
        )
        self._check_for_unseen_features(parse_data)
        return parse_data

    async def _run_prediction_loop(self: Any, output_channel: Any, tracker: Any) -> None:
        # Rasa 3.6's loop, with the prediction in the thread pool
        loop = asyncio.get_running_loop()
        should_predict_another_action = True
        while should_predict_another_action and self._should_handle_message(tracker):
            try:
                action, prediction = await loop.run_in_executor(
                    None, self.predict_next_with_tracker_if_should, tracker)
            except ActionLimitReached:
                rasa_processor.logger.warning(
                    f"Circuit breaker tripped. Stopped predicting more actions for sender '{tracker.sender_id}'.")
                if self.on_circuit_break:
                    self.on_circuit_break(tracker, output_channel, self.nlg)
                break
            if prediction.is_end_to_end_prediction:
                tracker = await self.run_action_extract_slots(output_channel, tracker)
            should_predict_another_action = await self._run_action(
                action, tracker, output_channel, self.nlg, prediction)

    parse_message.__wrapped__ = original_parse  # type: ignore[attr-defined]
    _run_prediction_loop.__wrapped__ = cls._run_prediction_loop  # type: ignore[attr-defined]
    cls.parse_message = parse_message  # type: ignore[assignment]
    cls._run_prediction_loop = _run_prediction_loop  # type: ignore[assignment]


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
        _off_loop_processor()
        _applied = True
        logger.debug("kokom.rasa_speedups applied")
