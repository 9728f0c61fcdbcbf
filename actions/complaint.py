"""The complaint (pengaduan) form: category, description, location, optional photo, name.

The form listens (actions/forms_base.py): a report that already names its problem and
place ("got di samping balai rw 3 rt 2 meluap ke jalan") fills category, description
and location at once; every choice can be typed; answers can be corrected.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import form_facts as ff
from actions.common import (entity_values, is_payload, latest_intent, office, reset_events, retry_save_events,
                            shared_location, shared_media)
from actions.forms_base import (STATE_SLOT, STRIKES_BEFORE_HELP, Answer, ListeningForm, Turn, hand_over_from_form,
                                handed_to_officer)
from kokom import wording
from kokom.office import OTHER_CATEGORY
from kokom.understanding import (APPLY_NOW, EXTORTION, REPORT_WORD, SERVICE_COMPLAINT, WANT_APPLY, normalized,
                                 reports_problem, states_broken_thing, wish_after_the_past)
from kokom.cases import create_complaint

logger = logging.getLogger(__name__)

FORM_SLOTS = [
    "complaint_category",
    "complaint_description",
    "complaint_location",
    "complaint_coords",
    "complaint_photo",
    "reporter_name",
    "complaint_confirm",
    "form_state",
]
REQUIRED = ["complaint_category", "complaint_description", "complaint_location", "complaint_photo",
            "reporter_name", "complaint_confirm"]
MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 2000
MAX_LOCATION = 500
_MADE_UP_MIND = re.compile(r"\b(?:eh+\s+)?jadi\s+(?:ding|dink|deh|aja|ae|wae)\b|\beh+\s+jadi\b(?!\s+(?:dibuat|bikin|buat))",
                           re.IGNORECASE)
MIN_OPENING_WORDS = 4  # content words that make an opening message a description already
# Below this many content words an opening that does not say when, and is not a broken public thing ("jalan
# rusak"), is a brief telling ("lapor min, ono maling neng gangku"): kept, and the description question asks for
# a little more (measured on every forms set, docs/nlu-eval.md).
DETAILED_OPENING_WORDS = 7


def _category_title(key: str | None) -> str:
    category = office().category(key) if key else None
    return category.title if category else (key or "-")


def category_buttons() -> list[dict[str, str]]:
    return [
        {"title": c.title, "payload": f'/inform{{"complaint_category": "{c.key}"}}'}
        for c in office().complaint_categories
    ]


class ValidateComplaintForm(ListeningForm):
    required = REQUIRED
    form_slots = FORM_SLOTS[:-1]
    what = "laporan"
    switches_away = frozenset({"request_document", "give_feedback"})
    labels = {
        "complaint_category": "kategori",
        "complaint_description": "keterangan",
        "complaint_location": "lokasi",
        "complaint_photo": "foto",
        "reporter_name": "nama pelapor",
    }
    optional = {"complaint_photo": "-", "reporter_name": "-"}
    rt_rw_slots = ("complaint_location",)
    free_text_slots = ("complaint_description",)
    story_slots = ("complaint_description",)
    name_slots = ("reporter_name",)
    field_words = {
        "complaint_category": r"\bkategori(?:nya)?\b",
        "complaint_description": r"\b(?:keterangan|deskripsi|cerita|isi laporan|masalah)(?:nya|na|x|ipun)?\b",
        # (Madurese "-na": "sapora, lokasina salah, ..." at the photo question replaced the story: set 57)
        "complaint_location": r"\b(?:lokasi|tempat|alamat|lokasine|panggenan)(?:nya|ne|na|e|x|nipun|ipun)?\b|\b(?:the )?(?:location|place|address)\b",
        "reporter_name": r"\b(?:nama|nami|namaku|jenengku|jeneng|asmaku)(?:nya|ne|x| saya| pelapor| kulo)?\b",
        "complaint_photo": r"\bfoto(?:nya)?\b(?=.*\b(?:salah|ganti|ubah)\b)",
    }

    def name(self) -> str:
        return "validate_complaint_form"

    # --- facts in any message -------------------------------------------------
    def facts(self, text: str, tracker: Tracker, slots: dict[str, Any], activating: bool) -> dict[str, tuple[Any, bool]]:
        found: dict[str, tuple[Any, bool]] = {}
        if not text or text.startswith("/"):
            return found
        cfg = office()
        meta = ff.is_meta_opening(text)
        # In an opening about reporting, a category word before "lapor" belongs to who writes ("saya
        # pendamping anak disabilitas, mau mengadukan sesuatu"); after it, it is the topic ("sy mau
        # komplain pelayanan kelurahan", "mau lapor soal bansos").
        # (and a report told after an earlier one is about itself: "kmrn sy udh lapor soal lampu, tp skrg
        # ada yg lain, motor adik sy dicuri" is no street-light report)
        # ("mau lapor hal lain pak, bukan jalan bukan sampah": what it is not is no category)
        category = ff.find_category(cfg, ff.drop_negated(ff.after_reporting(text) if meta
                                                          else wish_after_the_past(text) or text))
        if category and category != OTHER_CATEGORY:
            found["complaint_category"] = (category, False)
        # ("kami dari pengurus RT 05 ...": who, not where; a place told in passing in a later answer
        # must be unmistakable, or the location question is still asked)
        place = None if meta else ff.find_place(text, strict=not activating)
        if place:
            found["complaint_location"] = (place, False)
        if activating and self._opening_telling(text, meta) == "full":
            found["complaint_description"] = (text.strip()[:MAX_DESCRIPTION], False)
        name = ff.find_name(text)
        if ff.ANONYMOUS.search(ff.norm(text)):
            # ("mau lapor tapi nama saya dirahasiakan ya": no name, set 58)
            found["reporter_name"] = ("-", False)
        elif name:
            found["reporter_name"] = (name, True)
        if ff.mentions_no_photo(text):
            found["complaint_photo"] = ("-", False)
        return found

    @staticmethod
    def _opening_telling(text: str, meta: bool) -> str | None:
        """ "full" when the opening tells the problem, "brief" when it tells it in a few words
        without saying when, None when it does not tell it."""
        # "mau ngadu soal tetangga.. eh ga jadi deh.. eh jadi ding, udah keterlaluan" (set 56): after
        # making up one's mind, only "udah keterlaluan" tells anything
        text = _MADE_UP_MIND.split(text)[-1]
        words = ff.content_words(text)
        if meta or words < MIN_OPENING_WORDS or len(text) < MIN_DESCRIPTION:
            return None
        brief = words < DETAILED_OPENING_WORDS and not ff.tells_when(text) and not states_broken_thing(text)
        return "brief" if brief else "full"

    def brief(self, text: str, slots: dict[str, Any]) -> dict[str, str]:
        if text.startswith("/") or self._opening_telling(text, ff.is_meta_opening(text)) != "brief":
            return {}
        return {"complaint_description": text.strip()[:MAX_DESCRIPTION]}

    def brief_question(self, slot: str, brief: str) -> str | None:
        return wording.text("utter_question_complaint_description_more") if slot == "complaint_description" else None

    def _take_payload_entities(self, tracker: Tracker, slots: dict[str, Any], turn: Turn) -> bool:
        chosen = [str(v) for v in entity_values(tracker, "complaint_category") if office().category(str(v))]
        if chosen:
            self._set(turn, slots, "complaint_category", chosen[0], say=slots.get("complaint_category") is not None)
            return True
        return False

    def accepts_media(self, slot: str, tracker: Tracker) -> bool:
        # A photo or a pin sent before it was asked for is still the photo / the place.
        media = shared_media(tracker)
        if media:
            return str(media.get("type") or "image") == "image" or slot == "complaint_photo"
        return shared_location(tracker) is not None

    # cues of kokom.understanding that read a message as applying for a document
    APPLY_CUES = frozenset({"wants_to_apply", "apply_now", "first_wish", "facts_given"})

    def should_escape(self, tracker: Tracker, requested: str, text: str) -> bool:
        return super().should_escape(tracker, requested, text) or self.request_instead(tracker, requested, text)

    def request_instead(self, tracker: Tracker, requested: str, text: str) -> bool:
        """ "eh iya min aku mau bikin surat domisili buat anakku" typed at the first questions of a complaint
        form that nothing has been told to yet (it opened on a misreading; set 65's small talk did): the
        document request, not the answer. The form stops and the request goes on (action_cancel_form)."""
        intent, confidence = latest_intent(tracker)
        if intent != "request_document" or confidence < 0.5 or is_payload(text):
            return False
        if requested not in ("complaint_category", "complaint_description") or tracker.get_slot("complaint_description"):
            return False
        norm = normalized(text)
        # the understanding layer's own reading of applying ("eh sy mau bikn surat domisili": the cue knows
        # "bikn"), or the words of applying themselves
        applying = tracker.latest_message.get("cue") in self.APPLY_CUES or WANT_APPLY.search(norm) or APPLY_NOW.search(norm)
        return bool(ff.find_documents(text)) and bool(applying) \
            and not reports_problem(text) and not states_broken_thing(text) \
            and not EXTORTION.search(norm) and not SERVICE_COMPLAINT.search(norm) and not REPORT_WORD.search(norm)

    def answers_despite_question(self, slot: str, text: str) -> bool:
        if slot == "complaint_photo":
            return ff.is_photo_skip(text) or ff.mentions_no_photo(text)
        if slot == "reporter_name":
            return ff.is_anonymous(text)
        return False

    # --- one answer -------------------------------------------------------------
    def answer(self, slot: str, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        return getattr(self, f"_answer_{slot}")(text, tracker, slots)

    def _answer_complaint_category(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        key = ff.find_category(office(), text, fuzzy=True)
        if key:
            return Answer(key)
        if ff.content_words(text) >= MIN_OPENING_WORDS and not ff.is_question(text):
            # A description typed instead of a category: keep it, file it under "Lainnya".
            return Answer(OTHER_CATEGORY, note=wording.text("utter_complaint_category_other"))
        if self.failed_answers(tracker, "complaint_category") >= STRIKES_BEFORE_HELP and not ff.is_question(text):
            # After the list and an example, a third unknown answer is filed under "Lainnya" (the officer
            # sorts it from the description); the question is never asked a fourth time.
            return Answer(OTHER_CATEGORY, note=wording.text("utter_complaint_category_other"))
        names = ", ".join(f"{i}. {c.title}" for i, c in enumerate(office().complaint_categories, 1))
        return Answer(error=wording.text("utter_complaint_category_unknown", categories=names))

    def _answer_complaint_description(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        media = shared_media(tracker)
        if media and media.get("caption"):
            text = str(media["caption"])
        value = " ".join((text or "").split())
        state = tracker.get_slot(STATE_SLOT)
        brief = str(((state or {}).get("brief") or {}).get("complaint_description") or "") if isinstance(state, dict) else ""
        limit = MAX_DESCRIPTION
        if brief and slots.get("complaint_description") is None:
            # The opening told it briefly: this answer adds to it ("itu aja" adds nothing).
            if not value or ff.adds_nothing(value):
                return Answer(brief)
            told = {w for w in ff.words(brief) if len(w) > 3}
            if told and len(told & set(ff.words(value))) < len(told) / 2:
                head = f"{brief.rstrip(' .,;!')}. "
                limit -= len(head)  # a long answer is refused as ever, never cut
                if len(value) <= limit:
                    value = head + value
        if len(value) < MIN_DESCRIPTION or not any(ch.isalpha() for ch in value):
            return Answer(error=wording.text("utter_complaint_description_short"))
        if len(value) > limit:
            return Answer(error=wording.text("utter_complaint_description_long", length=len(value), limit=limit))
        return Answer(value)

    def _answer_complaint_location(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        location = shared_location(tracker)
        if location:
            label = location.get("name") or location.get("address") or wording.text("utter_complaint_location_shared")
            coords = {"latitude": float(location["latitude"]), "longitude": float(location["longitude"])}
            return Answer(str(label), extra={"complaint_coords": coords})
        value = " ".join((text or "").split()).strip(" ,.")
        value = ff.clean_value(value)
        if len(value) > MAX_LOCATION:
            return Answer(error=wording.text("utter_complaint_location_long", limit=MAX_LOCATION))
        if not ff.looks_like_place(value):
            return Answer(error=wording.text("utter_complaint_location_invalid"))
        return Answer(value, extra={"complaint_coords": None})

    def _answer_complaint_photo(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        media = shared_media(tracker)
        if media:
            return Answer(str(media["path"]))
        if ff.is_photo_skip(text) or ff.is_deny(text):
            return Answer("-", note=wording.text("utter_complaint_no_photo"))
        if ff.norm(text) in ("sebentar", "bentar", "tunggu", "tunggu sebentar", "sebentar ya", "otw"):
            return Answer(no_strike=True, note=wording.text("utter_complaint_photo_wait"))
        name = ff.clean_name(text)
        if ff.looks_like_name(name) or ff.is_anonymous(text):
            # Typed a name where a photo was asked: no photo, and that is the reporter.
            return Answer("-", note=wording.text("utter_complaint_no_photo"))
        if self.failed_answers(tracker, "complaint_photo") >= STRIKES_BEFORE_HELP:
            # The photo is optional: after the explanation, a third typed answer means "no photo"
            # (however it is said), never a fourth time the same question.
            return Answer("-", note=wording.text("utter_complaint_no_photo"))
        return Answer(error=wording.text("utter_complaint_photo_invalid"))

    def _answer_reporter_name(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        text = ff.last_thought(text)
        if ff.is_anonymous(text) or ff.is_deny(text):
            return Answer("-")
        name = ff.name_in_answer(text)
        if ff.looks_like_name(name):
            return Answer(name)
        if self.failed_answers(tracker, "reporter_name") >= STRIKES_BEFORE_HELP and not ff.is_question(text):
            # The name is optional: after the explanation, a third answer that is no name files the
            # report anonymously (the safe side for a reporter); the summary lets them add a name.
            return Answer("-", note=wording.text("utter_complaint_name_anonymous"))
        return Answer(error=wording.text("utter_complaint_name_invalid"))

    # --- what the resident reads --------------------------------------------------
    def display(self, slot: str, value: Any) -> str:
        if slot == "complaint_category":
            return _category_title(value)
        if slot == "reporter_name":
            return _reporter(value)
        if slot == "complaint_photo":
            return _photo(value)
        return str(value)

    def intro(self, slots: dict[str, Any]) -> str:
        key = slots.get("complaint_category")
        head = (wording.text("utter_complaint_intro_category", category=_category_title(key)) if key
                else wording.text("utter_complaint_intro"))
        return f"{head} {wording.text('utter_complaint_intro_help')}"

    def question(self, slot: str, slots: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
        if slot == "complaint_category":
            return wording.text("utter_question_complaint_category"), category_buttons()
        if slot in REQUIRED[1:-1]:
            return wording.text(f"utter_question_{slot}"), wording.buttons(f"utter_question_{slot}")
        return "", []

    def example(self, slot: str) -> str:
        return wording.text(f"utter_example_{slot}") if slot in REQUIRED else ""

    def extra_slots(self, slot: str) -> list[str]:
        return ["complaint_coords"] if slot == "complaint_location" else []

    def summary(self, slots: dict[str, Any]) -> str:
        return complaint_summary(slots)

    def _answer_turn(self, text, tracker, requested, slots, state, turn):  # type: ignore[override]
        media, location = shared_media(tracker), shared_location(tracker)
        if media and requested != "complaint_photo":
            turn.changes["complaint_photo"] = str(media["path"])
            caption = str(media.get("caption") or "").strip()
            if requested == "complaint_description" and len(caption) >= MIN_DESCRIPTION:
                turn.changes["complaint_description"] = caption
            turn.notes.append(wording.text("utter_complaint_photo_received"))
            return
        if location and requested != "complaint_location":
            answer = self._answer_complaint_location("", tracker, slots)
            turn.changes["complaint_location"] = answer.value
            turn.changes.update(answer.extra)
            turn.notes.append(wording.text("utter_complaint_location_noted", location=answer.value))
            return
        super()._answer_turn(text, tracker, requested, slots, state, turn)
        # A description typed at the category question is the description as well.
        if requested == "complaint_category" and not text.startswith("/") and turn.changes.get("complaint_category") and \
                self._merged(slots, turn).get("complaint_description") is None and \
                ff.content_words(text) >= MIN_OPENING_WORDS and len(text) >= MIN_DESCRIPTION and not ff.is_question(text):
            # (not "kalau pohon mau roboh itu masuk yang mana ya pak": a question about the category)
            turn.changes["complaint_description"] = text.strip()[:MAX_DESCRIPTION]
            turn.notes.insert(0, wording.text("utter_complaint_category_and_description_noted",
                                              category=_category_title(turn.changes["complaint_category"])))
        # A name typed at the photo question is the reporter's name.
        if requested == "complaint_photo" and turn.changes.get("complaint_photo") == "-" and \
                self._merged(slots, turn).get("reporter_name") is None and not ff.is_photo_skip(text):
            if ff.is_anonymous(text):
                turn.changes["reporter_name"] = "-"
            else:
                name = ff.clean_name(text)
                if ff.looks_like_name(name):
                    turn.changes["reporter_name"] = name
                    turn.notes.append(wording.text("utter_complaint_reporter_noted", name=name))


def _reporter(value: Any) -> str:
    return wording.text("utter_label_anonymous") if not value or value == "-" else str(value)


def _photo(value: Any) -> str:
    return wording.text("utter_label_present" if value and value != "-" else "utter_label_absent")


def complaint_summary(slots: dict[str, Any]) -> str:
    return wording.text(
        "utter_complaint_summary",
        category=_category_title(slots.get("complaint_category")),
        description=slots.get("complaint_description"),
        location=slots.get("complaint_location"),
        photo=_photo(slots.get("complaint_photo")),
        reporter=_reporter(slots.get("reporter_name")),
    )


class ActionSubmitComplaint(Action):
    """Save the confirmed complaint and give the ticket; nothing is saved on "Tidak"."""

    def name(self) -> str:
        return "action_submit_complaint"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if handed_to_officer(tracker, "complaint_form"):
            return hand_over_from_form(dispatcher, tracker, FORM_SLOTS)
        if tracker.get_slot("complaint_confirm") is not True:
            dispatcher.utter_message(text=wording.text("utter_complaint_not_sent"))
            return reset_events(FORM_SLOTS)
        coords = tracker.get_slot("complaint_coords") or {}
        photo = tracker.get_slot("complaint_photo")
        name = tracker.get_slot("reporter_name")
        try:
            case = create_complaint(
                tracker.sender_id,
                category=tracker.get_slot("complaint_category"),
                description=tracker.get_slot("complaint_description"),
                location_text=tracker.get_slot("complaint_location"),
                latitude=coords.get("latitude") if isinstance(coords, dict) else None,
                longitude=coords.get("longitude") if isinstance(coords, dict) else None,
                photo_path=photo if photo and photo != "-" else None,
                reporter_name=None if not name or name == "-" else name,
            )
        except Exception:  # noqa: BLE001 - the resident must get an answer, the error goes to the log
            logger.exception("saving a complaint failed")
            dispatcher.utter_message(text=wording.text("utter_complaint_save_failed"))
            return retry_save_events("complaint_form", "complaint_confirm")
        dispatcher.utter_message(text=wording.text("utter_complaint_received", ticket=case.ticket))
        return reset_events(FORM_SLOTS)
