"""Helpers shared by the actions: office config, menus, reading the latest message."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from kokom import wording
from kokom.handoffs import request_handoff
from kokom.hours import handoff_eta_text, is_open, now_local
from kokom.office import OfficeConfig, load_office

logger = logging.getLogger(__name__)

# Intents that leave a form question unanswered: a rule answers them and the form resumes.
ESCAPE_INTENTS = frozenset(
    {
        "cancel",
        "request_human",
        "ask_office_hours",
        "ask_office_location",
        "ask_requirements",
        "check_status",
        "bot_challenge",
    }
)
ESCAPE_CONFIDENCE = 0.6



def office() -> OfficeConfig:
    """The office settings, re-read when the YAML file changes (no retraining)."""
    return load_office()


def now() -> Any:
    return now_local(office())


def menu_buttons() -> list[dict[str, str]]:
    return wording.buttons("utter_menu")


def send_menu(dispatcher: CollectingDispatcher, text: str | None = None) -> None:
    """The menu's buttons under ``text`` (the menu's own line by default)."""
    dispatcher.utter_message(text=text or wording.text("utter_menu"), buttons=menu_buttons())


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def is_payload(text: str) -> bool:
    """Button payloads ("/affirm", '/inform{"x": 1}') are not free-text answers."""
    return text.startswith("/")


def is_escape(tracker: Tracker) -> bool:
    """True when the resident asked something else instead of answering the form."""
    name, confidence = latest_intent(tracker)
    if name not in ESCAPE_INTENTS:
        return False
    return confidence >= ESCAPE_CONFIDENCE or is_payload(latest_text(tracker))


def entity_values(tracker: Tracker, entity: str) -> list[Any]:
    return [e.get("value") for e in tracker.latest_message.get("entities") or [] if e.get("entity") == entity]


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    """Channel metadata of the latest message (media, location) sent by the WhatsApp channel."""
    # Rasa keeps channel metadata on the user event, not in latest_message's parse data.
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata") or {}
            return metadata if isinstance(metadata, dict) else {}
    return {}


def shared_media(tracker: Tracker) -> dict[str, Any] | None:
    media = message_metadata(tracker).get("media")
    return media if isinstance(media, dict) and media.get("path") else None


def shared_location(tracker: Tracker) -> dict[str, Any] | None:
    location = message_metadata(tracker).get("location")
    if isinstance(location, dict) and "latitude" in location and "longitude" in location:
        return location
    return None


def doc_name(key: str | None) -> str:
    if not key:
        return "-"
    info = office().document(key)
    return info.name if info else key


def document_list_buttons(payload_intent: str) -> list[dict[str, str]]:
    """All catalog documents as buttons; the channel renders them as a WhatsApp list."""
    buttons = []
    for key, info in office().documents.items():
        buttons.append({"title": info.name, "payload": f'/{payload_intent}{{"document_type": "{key}"}}'})
    return buttons


def requested(tracker: Tracker, slot: str) -> bool:
    """True when the running form just asked for ``slot``."""
    return tracker.get_slot("requested_slot") == slot


def free_text_answer(tracker: Tracker) -> str | None:
    """The latest message as a form answer, unless it was a question/command or a payload."""
    text = latest_text(tracker)
    if not text or is_payload(text) or is_escape(tracker):
        return None
    return text


def retry_save_events(form: str, confirm_slot: str) -> list[dict[str, Any]]:
    """The case could not be saved (database unavailable): keep every answer, ask to confirm again.

    Only the confirmation is cleared and the form runs again, so it shows the summary and
    asks "Kirim ...? Balas ya"; the resident's next *ya* submits again and saves once.
    """
    from rasa_sdk.events import FollowupAction

    return [SlotSet(confirm_slot, None), FollowupAction(form)]


def reset_events(slots: list[str]) -> list[dict[str, Any]]:
    """Forget a form's answers (after submitting, declining or cancelling)."""
    return [SlotSet(slot, None) for slot in slots] + [SlotSet("requested_slot", None)]


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, lead_key: str,
              clear: list[str]) -> list[dict[str, Any]]:
    """Queue the conversation for an officer, pause the bot and say when someone will answer; the
    ``clear`` slots are emptied (what a form had gathered stays in the conversation the officer reads)."""
    cfg = office()
    current = now()
    try:
        handoff = request_handoff(tracker.sender_id, reason=reason, outside_hours=not is_open(cfg, current))
    except Exception:  # noqa: BLE001 - keep talking to the resident
        logger.exception("queueing a handoff failed")
        dispatcher.utter_message(text=wording.text("utter_handoff_failed"))
        return []
    ticket = wording.text("utter_handoff_ticket", ticket=handoff.ticket) if handoff.ticket else ""
    lead = wording.text("utter_handoff_already_waiting" if handoff.already_waiting else lead_key)
    dispatcher.utter_message(text=wording.text("utter_handoff_queued", lead=lead, ticket=ticket,
                                               eta=handoff_eta_text(cfg, current)))
    return [*(SlotSet(s, None) for s in clear), ConversationPaused()]
