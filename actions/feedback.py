"""Suggestions about the service and satisfaction ratings (monitoring dan evaluasi)."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import entity_values, is_escape, is_payload, latest_text
from kokom.cases import save_feedback
from kokom.handoffs import history_for_sender

logger = logging.getLogger(__name__)

# "mau kasih saran" is the request, not the suggestion itself.
MIN_FEEDBACK_WORDS = 5


class ValidateFeedbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_feedback_form"

    async def extract_feedback_text(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        requested = tracker.get_slot("requested_slot")
        if requested is None:
            if not is_payload(text) and len(text.split()) >= MIN_FEEDBACK_WORDS:
                return {"feedback_text": text}
            return {}
        if requested == "feedback_text" and text and not is_payload(text) and not is_escape(tracker):
            return {"feedback_text": text}
        return {}

    def validate_feedback_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if len(text) < 3:
            dispatcher.utter_message(text="Mohon tuliskan saran Bapak/Ibu dalam satu kalimat atau lebih.")
            return {"feedback_text": None}
        return {"feedback_text": text[:2000]}


class ActionSaveFeedback(Action):
    def name(self) -> str:
        return "action_save_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = tracker.get_slot("feedback_text")
        if text:
            try:
                save_feedback(tracker.sender_id, text=text)
            except Exception:  # noqa: BLE001
                logger.exception("saving feedback failed")
                dispatcher.utter_message(text="Mohon maaf, saran belum tersimpan karena gangguan sistem.")
                return [SlotSet("feedback_text", None), SlotSet("requested_slot", None)]
            dispatcher.utter_message(
                text="Terima kasih atas saran dan masukannya 🙏 Kami catat untuk evaluasi pelayanan Kelurahan Sogaten."
            )
        return [SlotSet("feedback_text", None), SlotSet("requested_slot", None)]


class ActionSaveRating(Action):
    """Stores a 1-5 rating sent as /rate{"rating": N} (asked after an officer's conversation)."""

    def name(self) -> str:
        return "action_save_rating"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        values = entity_values(tracker, "rating") or [tracker.get_slot("rating")]
        try:
            rating = int(float(values[0]))
        except (TypeError, ValueError, IndexError):
            rating = 0
        if not 1 <= rating <= 5:
            dispatcher.utter_message(text="Mohon pilih nilai 1 sampai 5.")
            return [SlotSet("rating", None)]
        # Link the rating to the officer conversation it rates (the latest closed one).
        closed = [h for h in history_for_sender(tracker.sender_id) if h.status == "closed"]
        save_feedback(tracker.sender_id, rating=rating, handoff_id=closed[0].id if closed else None)
        dispatcher.utter_message(text="Terima kasih atas penilaiannya 🙏 Masukan Bapak/Ibu membantu kami melayani lebih baik.")
        return [SlotSet("rating", None)]
