"""Suggestions about the service and satisfaction ratings (monitoring dan evaluasi).

A suggestion is saved only after the resident confirms it; one that reports a
concrete problem (a place, a broken thing, "tolong", "mohon diperbaiki") is
first offered as a complaint, which then continues in complaint_form with the
text as its description (issue #8: nothing is lost to a misreading).
"""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import entity_values, is_escape, is_payload, latest_intent, latest_text, office, requested
from kokom import wording
from kokom.cases import save_feedback
from kokom.office.categories import match_category
from kokom.understanding import reports_problem

logger = logging.getLogger(__name__)

# "mau kasih saran" is the request, not the suggestion itself.
MIN_FEEDBACK_WORDS = 5
FEEDBACK_KINDS = {"saran", "pengaduan", "batal"}
FEEDBACK_SLOTS = ["feedback_text", "feedback_kind"]


class ValidateFeedbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_feedback_form"

    async def extract_feedback_text(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        requested = tracker.get_slot("requested_slot")
        if tracker.active_loop_name != "feedback_form" and latest_intent(tracker)[0] != "give_feedback":
            # Rasa runs this on every message (custom slot mapping): only a suggestion is kept
            # as one, never a document request with its NIK or any other message.
            return {}
        if requested is None:
            if not is_payload(text) and len(text.split()) >= MIN_FEEDBACK_WORDS:
                return {"feedback_text": text}
            return {}
        if requested == "feedback_text" and text and not is_payload(text) and not is_escape(tracker):
            return {"feedback_text": text}
        return {}

    async def extract_feedback_kind(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "feedback_kind"):
            return {}
        chosen = [str(v) for v in entity_values(tracker, "feedback_kind") if str(v) in FEEDBACK_KINDS]
        if chosen:
            return {"feedback_kind": chosen[0]}
        problem = reports_problem(tracker.get_slot("feedback_text") or "")
        name, _ = latest_intent(tracker)
        if name == "affirm":
            return {"feedback_kind": "pengaduan" if problem else "saran"}
        if name == "deny":
            return {"feedback_kind": "saran" if problem else "batal"}
        text = latest_text(tracker).lower()
        if not is_escape(tracker) and any(w in text for w in ("lapor", "aduan", "pengaduan", "masalah")):
            return {"feedback_kind": "pengaduan"}
        if not is_escape(tracker) and "saran" in text:
            return {"feedback_kind": "saran"}
        return {}

    def validate_feedback_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if len(text) < 3:
            dispatcher.utter_message(text=wording.text("utter_feedback_too_short"))
            return {"feedback_text": None}
        return {"feedback_text": text[:2000]}


def _quote(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ActionAskFeedbackKind(Action):
    """Confirm before saving a suggestion; offer a report of a concrete problem as a complaint."""

    def name(self) -> str:
        return "action_ask_feedback_kind"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = tracker.get_slot("feedback_text") or ""
        name = "utter_feedback_is_it_a_report" if reports_problem(text) else "utter_feedback_send_as_suggestion"
        dispatcher.utter_message(text=wording.text(name, quote=_quote(text)), buttons=wording.buttons(name))
        return []


class ActionSaveFeedback(Action):
    def name(self) -> str:
        return "action_save_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = tracker.get_slot("feedback_text")
        kind = tracker.get_slot("feedback_kind")
        reset = [SlotSet(s, None) for s in FEEDBACK_SLOTS] + [SlotSet("requested_slot", None)]
        if text and kind == "pengaduan":
            # Continue as a complaint whose description is what the resident wrote.
            events = reset + [SlotSet("complaint_description", text)]
            category = match_category(office(), text)
            if category:
                events.append(SlotSet("complaint_category", category))
            return events + [FollowupAction("complaint_form")]
        if kind != "saran":
            dispatcher.utter_message(text=wording.text("utter_feedback_nothing_saved"))
            return reset
        if text:
            try:
                from kokom.ratings import attach_comment

                # Written just after a rating: it is that rating's comment.
                if not attach_comment(tracker.sender_id, text):
                    save_feedback(tracker.sender_id, text=text)
            except Exception:  # noqa: BLE001
                logger.exception("saving feedback failed")
                dispatcher.utter_message(text=wording.text("utter_feedback_save_failed"))
                return reset
            dispatcher.utter_message(text=wording.text("utter_feedback_saved"))
        return reset


class ActionSaveRating(Action):
    """Answers to the rating question and the IKM survey (payloads built by kokom.ratings).

    ``/rate{"rating": N, "ticket_id": T}``: a 1-5 rating for the resident's case T (asked once
    per case; a second answer replaces nothing; someone else's ticket is ignored).
    ``/rate{"rating": S, "feedback_kind": "ikm"}``: the answer 1-4 to the survey question asked
    now; ``ikm_mulai`` / ``ikm_berhenti`` / ``ikm_tidak`` start, stop or decline the survey.
    """

    def name(self) -> str:
        return "action_save_rating"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        from kokom import ratings

        values = entity_values(tracker, "rating") or [tracker.get_slot("rating")]
        try:
            value = int(float(values[0]))
        except (TypeError, ValueError, IndexError):
            value = -1
        kinds = [str(v) for v in entity_values(tracker, "feedback_kind")]
        tickets = [str(v) for v in entity_values(tracker, "ticket_id")]
        sender = tracker.sender_id
        try:
            if kinds and kinds[0].startswith("ikm"):
                self._survey(dispatcher, sender, kinds[0], value)
                return [SlotSet("rating", None)]
            if not 1 <= value <= 5:
                dispatcher.utter_message(text=wording.text("utter_rating_out_of_range"))
                return [SlotSet("rating", None)]
            outcome = ratings.record_rating(sender, value, tickets[0] if tickets else None)
        except Exception:  # noqa: BLE001
            logger.exception("saving a rating failed")
            dispatcher.utter_message(text=wording.text("utter_rating_save_failed"))
            return [SlotSet("rating", None)]
        if outcome.status == "saved" and ratings.survey_due(sender, outcome.case_kind):
            dispatcher.utter_message(text=f"{outcome.message}\n\n{wording.text(ratings.SURVEY_OFFER)}",
                                     buttons=ratings.survey_buttons())
        elif outcome.status == "saved":
            dispatcher.utter_message(text=f"{outcome.message}\n\n{wording.text('utter_rating_add_comment')}",
                                     buttons=wording.buttons("utter_rating_add_comment"))
        else:
            dispatcher.utter_message(text=outcome.message)
        return [SlotSet("rating", None)]

    @staticmethod
    def _survey(dispatcher: CollectingDispatcher, sender: str, kind: str, value: int) -> None:
        from kokom import ratings

        if kind == "ikm_tidak":
            dispatcher.utter_message(text=wording.text(ratings.SURVEY_DECLINED))
            return
        if kind == "ikm_mulai":
            element = ratings.start_survey(sender)
            state = "next"
        else:
            state, element = ratings.answer_survey(sender, None if kind == "ikm_berhenti" else value)
        if state == "next" and element is not None:
            dispatcher.utter_message(text=ratings.survey_question_text(element),
                                     buttons=ratings.survey_question_buttons(element))
        elif state == "done":
            dispatcher.utter_message(text=wording.text(ratings.SURVEY_DONE))
        elif state == "stopped":
            dispatcher.utter_message(text=wording.text(ratings.SURVEY_STOPPED))
        else:
            dispatcher.utter_message(text=wording.text("utter_survey_already_done"))
