"""The document request (permohonan dokumen) form: type, name, NIK, address, purpose."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    confirmation,
    free_text_answer,
    requested,
    reset_events,
    doc_name,
    document_list_buttons,
    latest_text,
    office,
)
from actions.info import documents_in_message, resolve_document
from kokom.cases import create_document_request
from kokom.validators import mask_nik, parse_rt_rw, validate_nik

logger = logging.getLogger(__name__)

FORM_SLOTS = ["request_document_type", "applicant_name", "nik", "applicant_address", "purpose", "document_confirm"]


class ValidateDocumentForm(FormValidationAction):
    def name(self) -> str:
        return "validate_document_form"

    async def extract_request_document_type(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        activating = tracker.get_slot("requested_slot") is None
        if not (activating or requested(tracker, "request_document_type")):
            return {}
        keys = documents_in_message(tracker)
        if keys:
            return {"request_document_type": keys[0]}
        if activating:
            return {}
        text = free_text_answer(tracker)
        return {"request_document_type": text} if text is not None else {}

    async def extract_applicant_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "applicant_name"):
            return {}
        text = free_text_answer(tracker)
        return {"applicant_name": text} if text is not None else {}

    async def extract_nik(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "nik"):
            return {}
        text = latest_text(tracker)
        # A NIK is digits: accept it whatever intent the classifier guessed.
        if text and any(ch.isdigit() for ch in text):
            return {"nik": text}
        text = free_text_answer(tracker)
        return {"nik": text} if text is not None else {}

    async def extract_applicant_address(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "applicant_address"):
            return {}
        text = free_text_answer(tracker)
        return {"applicant_address": text} if text is not None else {}

    async def extract_purpose(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "purpose"):
            return {}
        text = free_text_answer(tracker)
        return {"purpose": text} if text is not None else {}

    async def extract_document_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return confirmation(tracker, dispatcher, "document_confirm")

    def validate_request_document_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        key = resolve_document(value)
        if key:
            return {"request_document_type": key}
        dispatcher.utter_message(text="Maaf, jenis dokumen tidak dikenali. Silakan pilih dari daftar.")
        return {"request_document_type": None}

    def validate_applicant_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = " ".join(str(value or "").split())
        if not 3 <= len(text) <= 100 or not any(ch.isalpha() for ch in text) or any(ch.isdigit() for ch in text):
            dispatcher.utter_message(text="Nama lengkap harus berupa huruf (3-100 karakter), sesuai KTP/KK.")
            return {"applicant_name": None}
        return {"applicant_name": text}

    def validate_nik(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        result = validate_nik(str(value or ""))
        if not result.ok:
            logger.info("rejected NIK %s", mask_nik(str(value or "")))
            dispatcher.utter_message(text=f"❌ {result.error}")
            return {"nik": None}
        return {"nik": result.value}

    def validate_applicant_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if len(text) > 300:
            dispatcher.utter_message(text="Alamat terlalu panjang. Mohon tulis paling banyak 300 karakter.")
            return {"applicant_address": None}
        if not parse_rt_rw(text):
            dispatcher.utter_message(
                text="Mohon sertakan RT dan RW pada alamat. Contoh: Jl. Melati No. 5 RT 02 RW 03."
            )
            return {"applicant_address": None}
        return {"applicant_address": text}

    def validate_purpose(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if not 3 <= len(text) <= 300:
            dispatcher.utter_message(text="Mohon tuliskan keperluan secara singkat (3-300 karakter).")
            return {"purpose": None}
        return {"purpose": text}


class ActionAskRequestDocumentType(Action):
    def name(self) -> str:
        return "action_ask_request_document_type"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text="Baik, kami bantu permohonan dokumen. Dokumen apa yang ingin Bapak/Ibu ajukan?",
            buttons=document_list_buttons("inform"),
        )
        return []


class ActionAskDocumentConfirm(Action):
    def name(self) -> str:
        return "action_ask_document_confirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text=(
                "Mohon periksa data permohonan:\n"
                f"• Dokumen: {doc_name(tracker.get_slot('request_document_type'))}\n"
                f"• Nama: {tracker.get_slot('applicant_name')}\n"
                f"• NIK: {mask_nik(tracker.get_slot('nik'))}\n"
                f"• Alamat: {tracker.get_slot('applicant_address')}\n"
                f"• Keperluan: {tracker.get_slot('purpose')}\n\n"
                "Kirim permohonan ini?"
            ),
            buttons=[{"title": "Ya, kirim", "payload": "/affirm"}, {"title": "Tidak", "payload": "/deny"}],
        )
        return []


class ActionSubmitDocument(Action):
    """Save the confirmed request, give the ticket and say which originals to bring."""

    def name(self) -> str:
        return "action_submit_document"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if tracker.get_slot("document_confirm") is not True:
            dispatcher.utter_message(
                text="Baik, permohonan tidak dikirim dan tidak disimpan. Ketik *menu* untuk layanan lain."
            )
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
            dispatcher.utter_message(
                text="Mohon maaf, permohonan belum berhasil disimpan karena gangguan sistem. "
                "Silakan coba lagi beberapa saat lagi, atau ketik *petugas*."
            )
            return reset_events(FORM_SLOTS)
        info = office().document(key)
        originals = "\n".join(f"• {item}" for item in info.originals) if info and info.originals else "• KTP dan KK asli"
        time_text = info.processing_time if info else "sesuai ketentuan"
        dispatcher.utter_message(
            text=(
                "✅ Permohonan Bapak/Ibu sudah kami terima.\n"
                f"Nomor tiket: *{case.ticket}*\n\n"
                "Petugas akan memeriksa data Bapak/Ibu. Saat datang ke kantor kelurahan pada jam layanan, "
                "mohon bawa dokumen asli berikut:\n"
                f"{originals}\n\n"
                f"Perkiraan lama proses: {time_text}.\n"
                f"Kami akan mengabari lewat WhatsApp ini. Cek status kapan saja: cek status {case.ticket}"
            )
        )
        return reset_events(FORM_SLOTS)
