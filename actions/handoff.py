"""Handing a conversation to a human officer: queue it, pause the bot, say when."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import hand_over
from actions.complaint import FORM_SLOTS as COMPLAINT_SLOTS
from actions.document import FORM_SLOTS as DOCUMENT_SLOTS

def recent_fallbacks(tracker: Tracker) -> int:
    """How many of the resident's messages in a row (before this one) were not understood."""
    count = 0
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    for event in reversed(user_events[:-1]):
        if (event.get("parse_data") or {}).get("intent", {}).get("name") == "nlu_fallback":
            count += 1
        else:
            break
    return count


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reason = "fallback" if recent_fallbacks(tracker) >= 2 else "requested"
        clear = COMPLAINT_SLOTS + DOCUMENT_SLOTS + ["feedback_text", "feedback_kind", "requested_slot"]
        return hand_over(dispatcher, tracker, reason, "utter_handoff_forwarded", clear)
