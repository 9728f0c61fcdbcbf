"""Conversation plumbing: cancelling a form, not-understood messages (asking when unsure), media."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import entity_values, latest_text, office, send_menu
from actions.complaint import FORM_SLOTS as COMPLAINT_SLOTS
from actions.complaint import MIN_OPENING_WORDS, ValidateComplaintForm
from actions.form_facts import content_words, is_meta_opening
from actions.document import FORM_SLOTS as DOCUMENT_SLOTS
from actions.document import ValidateDocumentForm
from actions.handoff import recent_fallbacks
from kokom.office.categories import match_category
from kokom import wording
from kokom.understanding import FALLBACK_INTENT, SERVICE_OF_INTENT, candidate_services

ALL_FORM_SLOTS = COMPLAINT_SLOTS + DOCUMENT_SLOTS + ["feedback_text", "feedback_kind"]
# A stop and a new request in one message: the requests that start another form.
SWITCH_STARTS = frozenset({"file_complaint", "request_document", "give_feedback"})
FORM_WHAT = {form().form_name(): form.what for form in (ValidateComplaintForm, ValidateDocumentForm)}


class ActionCancelForm(Action):
    """"batal": stop the running form, forget its answers, save nothing."""

    def name(self) -> str:
        return "action_cancel_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reset = [ActiveLoop(None), *[SlotSet(s, None) for s in ALL_FORM_SLOTS], SlotSet("requested_slot", None)]
        switch = tracker.latest_message.get("switch") or {}
        then = (tracker.latest_message.get("intent") or {}).get("name")
        user = _latest_user_event(tracker)
        if not switch and then in SWITCH_STARTS and user is not None and user.get("text"):
            # a request the form left the turn for without a stop word ("eh iya min aku mau bikin surat
            # domisili" at a complaint form that opened by mistake): the whole message is the new request
            switch = {"intent": then, "text": user.get("text")}
        if switch.get("intent") == then and then in SWITCH_STARTS and switch.get("text") and user is not None:
            # "ga jadi deh, sy mau bikin sktm aja": this form stops, the new request goes on with
            # the words after the stop, as if the resident had sent only those.
            what = FORM_WHAT.get(tracker.active_loop.get("name") or "", "proses")
            dispatcher.utter_message(text=wording.text("utter_cancelled_switch", what=what))
            parse = {k: v for k, v in tracker.latest_message.items() if k != "switch"}
            return [UserUtteranceReverted(), *reset,
                    *rewritten_turn(str(switch["text"]), then, parse, user)]
        dispatcher.utter_message(text=wording.text("utter_cancelled"))
        send_menu(dispatcher, wording.text("utter_menu_anything_else"))
        return reset


def choice_payload(intent: str) -> str:
    return f'/choose_service{{"service": "{intent}"}}'


def clarification_buttons(ranking: list[dict[str, Any]], text: str = "") -> list[dict[str, str]]:
    """One button per service the message may mean, then "Lainnya"; empty if none is a service."""
    services = candidate_services(ranking, text=text)
    if not services:
        return []
    buttons = [{"title": wording.text(f"utter_service_{s}"), "payload": choice_payload(s)} for s in services]
    return buttons + [{"title": wording.text("utter_clarify_other"), "payload": choice_payload("other")}]


class ActionFallback(Action):
    """Unsure: ask which service, with buttons (two-stage fallback). Not understood at all:
    explain once; the second time in a row offer an officer."""

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        if not text:
            dispatcher.utter_message(text=wording.text("utter_empty_message"))
            return []
        if (tracker.latest_message.get("intent") or {}).get("name") == FALLBACK_INTENT and not text.startswith("/"):
            buttons = clarification_buttons(tracker.latest_message.get("intent_ranking") or [], text)
            if buttons:
                dispatcher.utter_message(text=wording.text("utter_clarify_service"), buttons=buttons)
                return []
        if recent_fallbacks(tracker) >= 1:
            dispatcher.utter_message(text=wording.text("utter_fallback_offer_officer"),
                                     buttons=wording.buttons("utter_fallback_offer_officer"))
            return []
        if not any(ch.isalnum() for ch in text):
            dispatcher.utter_message(text=wording.text("utter_fallback_no_words"))
        else:
            dispatcher.utter_message(text=wording.text("utter_fallback"))
        send_menu(dispatcher, wording.text("utter_menu_or"))
        return []


class ActionMediaOutsideForm(Action):
    """A photo, file or location sent when no form is waiting for one."""

    def name(self) -> str:
        return "action_media_outside_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=wording.text("utter_media_outside_form"),
                                 buttons=wording.buttons("utter_media_outside_form"))
        return []


class ActionMediaInForm(Action):
    """A photo, file or location sent where the form expects typed text: say so, then ask again."""

    def name(self) -> str:
        return "action_media_in_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=wording.text("utter_media_in_form"))
        return []


def _original_message(tracker: Tracker) -> dict[str, Any] | None:
    """The message the clarifying question was about: the user turn right before this choice."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    if len(users) < 2:
        return None
    previous = users[-2]
    parse = previous.get("parse_data") or {}
    if (parse.get("intent") or {}).get("name") != FALLBACK_INTENT and parse.get("cue") != "bare_document":
        return None  # (a document's name alone is asked about too: apply, or its requirements?)
    return previous


class ActionContinueWithChoice(Action):
    """The resident picked a service from the clarifying question: continue with that service
    as if the ORIGINAL message had been read that way (Rasa's two-stage fallback does the same
    rewrite). A complaint keeps the message as its description."""

    def name(self) -> str:
        return "action_continue_with_choice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        values = entity_values(tracker, "service")
        chosen = str(values[0]) if values else ""
        if chosen not in SERVICE_OF_INTENT:
            dispatcher.utter_message(text=wording.text("utter_choice_other"))
            send_menu(dispatcher, wording.text("utter_menu_choices"))
            return []
        original = _original_message(tracker)
        if original is None:
            # A stale button (pressed later): start the chosen service from scratch.
            return [
                UserUtteranceReverted(),
                ActionExecuted("action_listen"),
                UserUttered(f"/{chosen}", parse_data={"intent": {"name": chosen, "confidence": 1.0},
                                                      "entities": [], "text": f"/{chosen}"}),
            ]
        text = original.get("text") or ""
        parse = dict(original.get("parse_data") or {})
        return [
            UserUtteranceReverted(),  # the button press
            UserUtteranceReverted(),  # the unsure reading of the original message
            *rewritten_turn(text, chosen, parse, original),
        ]


def _latest_user_event(tracker: Tracker) -> dict[str, Any] | None:
    return next((e for e in reversed(tracker.events) if e.get("event") == "user"), None)


def rewritten_turn(text: str, intent: str, parse: dict[str, Any], user: dict[str, Any]) -> list[dict[str, Any]]:
    """The resident's turn read again as ``text`` meaning ``intent`` (after the turn itself was reverted),
    as Rasa's two-stage fallback does; the ordinary rule for that intent runs next. A complaint keeps
    the text as its description, a suggestion as its text."""
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") not in (FALLBACK_INTENT, intent)]
    parse = {**parse, "intent": {"name": intent, "confidence": 1.0},
             "intent_ranking": [{"name": intent, "confidence": 1.0}, *ranking], "text": text}
    events: list[dict[str, Any]] = [
        ActionExecuted("action_listen"),
        UserUttered(text, parse_data=parse, input_channel=user.get("input_channel")),
    ]
    if intent == "file_complaint":
        # The message is the description when it says what happened; a bare
        # "permisi bu, sy mau ngadu" only says that there is something to report.
        if content_words(text) >= MIN_OPENING_WORDS and not is_meta_opening(text):
            events.append(SlotSet("complaint_description", text))
        category = match_category(office(), text)
        if category:
            events.append(SlotSet("complaint_category", category))
    elif intent == "give_feedback":
        events.append(SlotSet("feedback_text", text))
    return events
