"""Handing a conversation to a human officer: queue it, pause the bot, say when."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import now, office
from actions.complaint import FORM_SLOTS as COMPLAINT_SLOTS
from actions.document import FORM_SLOTS as DOCUMENT_SLOTS
from kokom import wording
from kokom.handoffs import request_handoff
from kokom.hours import handoff_eta_text, is_open

logger = logging.getLogger(__name__)


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
        cfg = office()
        current = now()
        reason = "fallback" if recent_fallbacks(tracker) >= 2 else "requested"
        try:
            handoff = request_handoff(
                tracker.sender_id,
                reason=reason,
                outside_hours=not is_open(cfg, current),
            )
        except Exception:  # noqa: BLE001 - keep talking to the resident
            logger.exception("queueing a handoff failed")
            dispatcher.utter_message(text=wording.text("utter_handoff_failed"))
            return []
        ticket = wording.text("utter_handoff_ticket", ticket=handoff.ticket) if handoff.ticket else ""
        lead = wording.text("utter_handoff_already_waiting" if handoff.already_waiting else "utter_handoff_forwarded")
        dispatcher.utter_message(text=wording.text("utter_handoff_queued", lead=lead, ticket=ticket,
                                                   eta=handoff_eta_text(cfg, current)))
        slots = [SlotSet(s, None) for s in COMPLAINT_SLOTS + DOCUMENT_SLOTS + ["feedback_text", "feedback_kind", "requested_slot"]]
        return [*slots, ConversationPaused()]
