"""Conversation plumbing: cancelling a form, not-understood messages, media outside a form."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_text, send_menu
from actions.complaint import FORM_SLOTS as COMPLAINT_SLOTS
from actions.document import FORM_SLOTS as DOCUMENT_SLOTS
from actions.handoff import recent_fallbacks

ALL_FORM_SLOTS = COMPLAINT_SLOTS + DOCUMENT_SLOTS + ["feedback_text"]


class ActionCancelForm(Action):
    """"batal": stop the running form, forget its answers, save nothing."""

    def name(self) -> str:
        return "action_cancel_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="Baik, proses dibatalkan dan tidak ada data yang disimpan.")
        send_menu(dispatcher, "Ada lagi yang bisa kami bantu?")
        return [ActiveLoop(None), *[SlotSet(s, None) for s in ALL_FORM_SLOTS], SlotSet("requested_slot", None)]


class ActionFallback(Action):
    """Not understood: explain once; the second time in a row offer an officer."""

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        if not text:
            dispatcher.utter_message(text="Pesan Bapak/Ibu kosong. Silakan tuliskan keperluan Bapak/Ibu, atau ketik *menu*.")
            return []
        if recent_fallbacks(tracker) >= 1:
            dispatcher.utter_message(
                text="Mohon maaf, saya masih belum memahami maksud Bapak/Ibu. Ingin dibantu langsung oleh petugas?",
                buttons=[
                    {"title": "Hubungi petugas", "payload": "/request_human"},
                    {"title": "Lihat menu", "payload": "/show_menu"},
                ],
            )
            return []
        if not any(ch.isalnum() for ch in text):
            dispatcher.utter_message(text="Terima kasih 🙏 Silakan tuliskan keperluan Bapak/Ibu dengan kata-kata, atau pilih dari menu.")
        else:
            dispatcher.utter_message(
                text="Mohon maaf, saya belum memahami pesan tersebut. Coba tulis dengan kalimat lain, "
                "misalnya: \"syarat bikin KK\", \"mau lapor jalan rusak\", atau \"cek status\"."
            )
        send_menu(dispatcher, "Atau pilih layanan:")
        return []


class ActionMediaOutsideForm(Action):
    """A photo, file or location sent when no form is waiting for one."""

    def name(self) -> str:
        return "action_media_outside_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text="Terima kasih, kiriman Bapak/Ibu sudah kami terima. Jika ini untuk pengaduan, "
            "silakan pilih *Buat pengaduan* lalu kirim foto/lokasi saat diminta.",
            buttons=[
                {"title": "Buat pengaduan", "payload": "/file_complaint"},
                {"title": "Hubungi petugas", "payload": "/request_human"},
                {"title": "Lihat menu", "payload": "/show_menu"},
            ],
        )
        return []


class ActionMediaInForm(Action):
    """A photo, file or location sent where the form expects typed text: say so, then ask again."""

    def name(self) -> str:
        return "action_media_in_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text="Terima kasih, kiriman sudah kami terima, tetapi untuk pertanyaan ini mohon jawab dengan "
            "*mengetik teks*. Ketik *batal* jika ingin berhenti."
        )
        return []
