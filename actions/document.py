"""The document request (permohonan dokumen) form: type, name, NIK, address, purpose.

The form listens (actions/forms_base.py): "saya mau buat surat domisili, nama Hendra
Wijaya NIK 3577..., alamat jl cendrawasih 5 rt 1 rw 3, untuk daftar sekolah anak"
goes straight to the confirmation; "bukan SKTM tapi surat domisili" changes only
the document.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import form_facts as ff
from actions.common import (doc_name, document_list_buttons, entity_values, office,
                            reset_events, retry_save_events)
from actions.forms_base import Answer, ListeningForm, Turn, hand_over_from_form, handed_to_officer
from kokom import wording
from kokom.cases import create_document_request
from kokom.privacy import mask_nik
from kokom.validators import parse_rt_rw, validate_nik

logger = logging.getLogger(__name__)

FORM_SLOTS = ["request_document_type", "applicant_name", "nik", "applicant_address", "purpose", "document_confirm",
              "form_state"]
REQUIRED = FORM_SLOTS[:6]
MAX_ADDRESS = 300
MAX_PURPOSE = 300


class ValidateDocumentForm(ListeningForm):
    required = REQUIRED
    form_slots = FORM_SLOTS[:-1]
    what = "permohonan"
    switches_away = frozenset({"file_complaint", "give_feedback"})
    labels = {
        "request_document_type": "jenis dokumen",
        "applicant_name": "nama",
        "nik": "NIK",
        "applicant_address": "alamat",
        "purpose": "keperluan",
    }
    rt_rw_slots = ("applicant_address",)
    free_text_slots = ("purpose",)
    name_slots = ("applicant_name",)
    field_words = {
        "applicant_name": r"\b(?:nama|nami|asma|namaku|jenengku|jeneng|asmaku)(?:nya|ne|x| saya| pemohon| lengkap(?:nya)?)?\b",
        "nik": r"\bnik(?:nya|e|x|ipun)?\b",
        "applicant_address": r"\balamat(?:nya|na|e|x|ipun)?\b|\b(?:my )?address\b",
        "purpose": r"\b(?:keperluan|tujuan|kegunaan|kebutuhan)(?:nya|nyo|e|ne|x|ipun)?\b",
        "request_document_type": r"\b(?:dokumen(?:nya)?|jenis surat(?:nya)?|jenis dokumen(?:nya)?|suratnya)\b",
    }

    def name(self) -> str:
        return "validate_document_form"

    # --- facts in any message -------------------------------------------------
    def facts(self, text: str, tracker: Tracker, slots: dict[str, Any], activating: bool) -> dict[str, tuple[Any, bool]]:
        found: dict[str, tuple[Any, bool]] = {}
        if not text or text.startswith("/"):
            return found
        mentions = ff.find_documents(text)
        mentions = [m for m in mentions if office().document(m.key)]
        keys = [m.key for m in mentions]
        if keys:
            found["request_document_type"] = (ff.requested_document(text, mentions).key, False)
        name = ff.find_name(text)
        if name:
            found["applicant_name"] = (name, True)
        nik = ff.find_nik(text)
        if nik and validate_nik(nik).ok:
            found["nik"] = (nik, bool(re.search(r"\bnik\b", text, re.IGNORECASE)))
        address, explicit = ff.find_address(text)
        if address and parse_rt_rw(address) and len(address) <= MAX_ADDRESS:
            found["applicant_address"] = (address, explicit)
        purpose = ff.find_purpose(text, [(m.start, m.end) for m in mentions])
        documents = keys or [slots.get("request_document_type")]
        if not purpose and "surat_pindah" in documents:
            purpose = ff.find_moving_reason(text)
        if not purpose and ("kk" in documents or "ktp" in documents):
            purpose = ff.find_data_change(text)
        if not purpose and "ahli_waris" in documents:
            purpose = ff.find_estate_use(text)
        if not purpose and mentions and "pengantar_nikah" in documents:
            purpose = ff.find_wedding(text, after=mentions[-1].end)
        if not purpose and mentions and "surat_pindah" in documents:
            # Why one moves is what a moving letter is for ("soalnya keterima kerja di batam"); for
            # other documents a reason is not a purpose ("ktp baru krn yg lama rusak").
            purpose = ff.find_reason(text, after=mentions[-1].end)
        if purpose:
            explicit = bool(re.search(r"\b(?:keperluan|tujuan)", text, re.IGNORECASE))
            found["purpose"] = (purpose[:MAX_PURPOSE], explicit)
        return found

    def _take_payload_entities(self, tracker: Tracker, slots: dict[str, Any], turn: Turn) -> bool:
        keys = [ff.resolve_document(v) for v in entity_values(tracker, "document_type")]
        keys = [k for k in keys if k and office().document(k)]
        if keys:
            self._set(turn, slots, "request_document_type", keys[0],
                      say=self._merged(slots, turn).get("request_document_type") is not None)
            return True
        return False

    # --- one answer -------------------------------------------------------------
    def answer(self, slot: str, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        return getattr(self, f"_answer_{slot}")(text, tracker, slots)

    def _answer_request_document_type(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        keys = [m.key for m in ff.find_documents(text) if office().document(m.key)]
        key = keys[0] if keys else ff.resolve_document(text)
        if not (key and office().document(key)):
            from kokom.doc_names import by_description

            key = by_description(text)  # "yg buat orang ga mampu itu loh" -> SKTM
        if key and office().document(key):
            return Answer(key)
        return Answer(error=wording.text("utter_document_type_unknown"))

    def _answer_applicant_name(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        name = ff.find_name(text)
        if not name:
            # The part before any other fact: "Hendra Wijaya, NIK 3577..." -> "Hendra Wijaya".
            head = re.split(r"[,;]|\bnik\b|\balamat\b|\d", text, maxsplit=1, flags=re.IGNORECASE)[0]
            name = ff.clean_name(head)
            if not ff.looks_like_name(name):  # "oh nama lengkap ya kak, Ayu Lestari Ningsih"
                name = ff.name_in_answer(re.split(r"\bnik\b|\balamat\b|\d", text, maxsplit=1,
                                                  flags=re.IGNORECASE)[0])
        if ff.looks_like_name(name) and 3 <= len(name) <= 100:
            return Answer(name)
        return Answer(error=wording.text("utter_document_name_invalid"))

    def _answer_nik(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        digits = ff.find_nik(text) or re.sub(r"[\s.\-_/]", "", text or "")
        if not any(ch.isdigit() for ch in digits):
            if re.search(r"\b(lupa|ga tau|gak tau|tidak tahu|nggak tau|belum punya|ga punya|gak punya)\b",
                         ff.norm(text)):
                return Answer(error=wording.text("utter_document_nik_unknown"))
            return Answer(error=wording.text("utter_document_nik_not_digits"))
        result = validate_nik(digits)
        if not result.ok:
            logger.info("rejected NIK %s", mask_nik(digits))
            return Answer(error=wording.text("utter_document_nik_invalid", reason=result.error))
        return Answer(result.value)

    def _answer_applicant_address(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        address, _ = ff.find_address(text)
        value = ff.clean_value(re.sub(r"^\s*(?:alamat(?:nya| saya| rumah)?|tinggal di|di)\s*:?\s+", "", text or "",
                                      flags=re.IGNORECASE))
        if address and parse_rt_rw(address) and not parse_rt_rw(value):
            value = address
        if len(value) > MAX_ADDRESS:
            return Answer(error=wording.text("utter_document_address_long", limit=MAX_ADDRESS))
        if not parse_rt_rw(value):
            error = wording.text("utter_document_address_no_rt_rw")
            if re.search(r"\b(lupa|ga tau|gak tau|tidak tahu)\b", ff.norm(text)):
                error += " " + wording.text("utter_document_address_hint")
            return Answer(error=error)
        return Answer(value)

    def _answer_purpose(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        value = ff.clean_purpose(text)
        if ff.is_question(text) and len(ff.words(text)) <= 3:
            return Answer(error=wording.text("utter_document_purpose_question"))
        if not ff.looks_like_purpose(value) or len(value) > MAX_PURPOSE:
            return Answer(error=wording.text("utter_document_purpose_invalid"))
        return Answer(value)

    # --- what the resident reads --------------------------------------------------
    def display(self, slot: str, value: Any) -> str:
        if slot == "request_document_type":
            return doc_name(value)
        if slot == "nik":
            return mask_nik(value)
        return str(value)

    def intro(self, slots: dict[str, Any]) -> str:
        key = slots.get("request_document_type")
        head = (wording.text("utter_document_intro_type", document=doc_name(key)) if key
                else wording.text("utter_document_intro"))
        return f"{head} {wording.text('utter_document_intro_help')}"

    def question(self, slot: str, slots: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
        if slot == "request_document_type":
            return wording.text("utter_question_request_document_type"), document_list_buttons("inform")
        if slot in REQUIRED[1:-1]:
            return wording.text(f"utter_question_{slot}"), []
        return "", []

    def example(self, slot: str) -> str:
        return wording.text(f"utter_example_{slot}") if slot in REQUIRED else ""

    def summary(self, slots: dict[str, Any]) -> str:
        return document_summary(slots)

    def _answer_turn(self, text, tracker, requested, slots, state, turn):  # type: ignore[override]
        """An address in two parts: "jl cendrawasih 5", then (asked for the RT/RW) "rt 1 rw 3"."""
        partial = state.pop("partial_address", None)
        if requested == "applicant_address" and partial and parse_rt_rw(text) and not re.search(
            r"\b" + ff.STREET + r"\b", text, re.IGNORECASE
        ):
            text = f"{partial} {ff.clean_value(text)}"
        super()._answer_turn(text, tracker, requested, slots, state, turn)
        if turn.error_slot == "applicant_address" and not parse_rt_rw(text) and len(text) <= MAX_ADDRESS and (
            re.search(r"\b" + ff.STREET + r"\b", text, re.IGNORECASE) or ff.looks_like_place(text)
        ) and not ff.is_question(text):
            state["partial_address"] = ff.clean_value(re.sub(r"^\s*alamat(?:nya| saya)?\s*:?\s*", "", text,
                                                             flags=re.IGNORECASE))
            turn.error = wording.text("utter_document_address_partial", address=state["partial_address"])


def document_summary(slots: dict[str, Any]) -> str:
    return wording.text(
        "utter_document_summary",
        document=doc_name(slots.get("request_document_type")),
        name=slots.get("applicant_name"),
        nik=mask_nik(slots.get("nik")),
        address=slots.get("applicant_address"),
        purpose=slots.get("purpose"),
    )


class ActionSubmitDocument(Action):
    """Save the confirmed request, give the ticket and say which originals to bring."""

    def name(self) -> str:
        return "action_submit_document"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if handed_to_officer(tracker, "document_form"):
            return hand_over_from_form(dispatcher, tracker, FORM_SLOTS)
        if tracker.get_slot("document_confirm") is not True:
            dispatcher.utter_message(text=wording.text("utter_document_not_sent"))
            return reset_events(FORM_SLOTS)
        key = tracker.get_slot("request_document_type")
        try:
            case = create_document_request(
                tracker.sender_id,
                document_type=key,
                full_name=tracker.get_slot("applicant_name"),
                nik=tracker.get_slot("nik"),
                address=tracker.get_slot("applicant_address"),
                purpose=tracker.get_slot("purpose"),
            )
        except Exception:  # noqa: BLE001 - answer the resident, log the error
            logger.exception("saving a document request failed")
            dispatcher.utter_message(text=wording.text("utter_document_save_failed"))
            return retry_save_events("document_form", "document_confirm")
        info = office().document(key)
        items = list(info.originals) if info and info.originals else [wording.text("utter_document_default_originals")]
        time_text = info.processing_time if info else wording.text("utter_document_default_time")
        dispatcher.utter_message(text=wording.text(
            "utter_document_received", ticket=case.ticket, originals="\n".join(f"• {item}" for item in items),
            time=time_text,
        ))
        return reset_events(FORM_SLOTS)
