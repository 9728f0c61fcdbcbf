"""The NLU pipeline component around kokom.understanding (separate so actions don't import Rasa)."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from kokom.understanding import (FALLBACK_INTENT, cancel_then, decide_intent, document_entities, should_ask,
                                 switch_intent)

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=False,
)
class ResidentUnderstanding(GraphComponent):
    """Cues, document names and service-aware fallback after DIET (see module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"threshold": 0.45, "ambiguity_threshold": 0.1, "answer_ambiguity_threshold": 0.05,
                "cues": True, "document_names": True}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = {**self.get_default_config(), **(config or {})}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ResidentUnderstanding":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        text = message.get("text") or ""
        if not text.strip():
            # nothing said (spaces only, or nothing left of them): the classifier read it as "no" ("Baik. Ada
            # lagi ..."); the fallback's empty-message reply answers it
            fallback = {"name": FALLBACK_INTENT, "confidence": 1.0}
            message.set("intent", fallback, add_to_output=True)
            message.set("intent_ranking", [dict(fallback)], add_to_output=True)
            return
        if not text or text.startswith("/"):
            return
        if self.config["document_names"]:
            try:
                message.set("entities", document_entities(text, list(message.get("entities") or [])),
                            add_to_output=True)
            except Exception:  # noqa: BLE001 - never lose a message to the matcher
                logger.exception("document name matching failed")
        intent: Optional[dict] = message.get("intent")
        if not intent or not intent.get("name"):
            return
        ranking = list(message.get("intent_ranking") or [])
        cue = None
        if self.config["cues"]:
            intent, ranking, cue = decide_intent(text, intent, ranking)
            if cue:
                message.set("intent", intent, add_to_output=True)
                message.set("intent_ranking", ranking, add_to_output=True)
                message.set("cue", cue, add_to_output=True)
            rest = cancel_then(text)
            then = switch_intent(rest, intent.get("name"), ranking) if rest else None
            if then:
                # "ga jadi deh, sy mau bikin sktm aja": read as the new request; a running form is
                # stopped first (actions.forms_base.ListeningForm.should_escape), the request goes on.
                if intent.get("name") != then:
                    intent = {"name": then, "confidence": max(float(intent.get("confidence") or 0.0), 0.9)}
                    ranking = [dict(intent)] + [r for r in ranking if r.get("name") != then]
                    message.set("intent", intent, add_to_output=True)
                    message.set("intent_ranking", ranking, add_to_output=True)
                cue = cue or "cancel_then"
                message.set("cue", cue, add_to_output=True)
                message.set("switch", {"intent": then, "text": rest}, add_to_output=True)
        if cue is None and should_ask(intent, ranking, float(self.config["threshold"]),
                                      float(self.config["ambiguity_threshold"]),
                                      float(self.config["answer_ambiguity_threshold"])):
            fallback = {"name": FALLBACK_INTENT, "confidence": float(self.config["threshold"])}
            message.set("intent", fallback, add_to_output=True)
            message.set("intent_ranking", [dict(fallback)] + ranking, add_to_output=True)
