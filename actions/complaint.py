"""The complaint (pengaduan) form: category, description, location, optional photo, name.

Slots use custom extraction so that a question asked mid-form is answered by a
rule (and the form resumes) instead of being stored as an answer.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    confirmation,
    free_text_answer,
    requested,
    reset_events,
    entity_values,
    is_payload,
    latest_intent,
    latest_text,
    office,
    shared_location,
    shared_media,
)
from kokom.cases import create_complaint
from kokom.office import match_category

FORM_SLOTS = [
    "complaint_category",
    "complaint_description",
    "complaint_location",
    "complaint_coords",
    "complaint_photo",
    "reporter_name",
    "complaint_confirm",
]
MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 2000
ANONYMOUS_WORDS = {"anonim", "anonym", "anonymous", "rahasia", "tanpa nama", "dirahasiakan", "-"}
SKIP_WORDS = {"lewati", "skip", "tidak ada", "ga ada", "gak ada", "nggak ada", "tdk ada", "tidak", "gak", "ga", "mboten", "lanjut"}


LEAD_IN_WORDS = {
    "pagi", "siang", "sore", "malam", "selamat", "halo", "hallo", "assalamualaikum", "permisi", "min", "admin",
    "pak", "bu", "kak", "mas", "mbak", "saya", "sy", "aku", "kulo", "mau", "ingin", "pengen", "badhe", "lapor",
    "melapor", "laporan", "ngadu", "mengadu", "pengaduan", "aduan", "buat", "bikin", "membuat", "nih", "ya",
    "tolong", "mohon", "ada", "yg", "yang", "ini", "itu",
}


def _content_words(text: str) -> int:
    """Words left after greetings and "mau lapor"-style lead-ins."""
    return sum(1 for word in text.lower().split() if word.strip(",.!?") not in LEAD_IN_WORDS)


def _category_title(key: str | None) -> str:
    category = office().category(key) if key else None
    return category.title if category else (key or "-")


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> str:
        return "validate_complaint_form"

    # --- extraction ---------------------------------------------------
    async def extract_complaint_category(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        chosen = entity_values(tracker, "complaint_category")
        if chosen:
            return {"complaint_category": str(chosen[0])}
        if tracker.get_slot("requested_slot") is None:
            # Activation: "mau lapor sampah numpuk di gang 3" already says kebersihan.
            key = match_category(office(), latest_text(tracker))
            return {"complaint_category": key} if key else {}
        if requested(tracker, "complaint_category"):
            text = free_text_answer(tracker)
            if text is not None:
                return {"complaint_category": text}
        return {}

    async def extract_complaint_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") is None:
            text = latest_text(tracker)
            # A concrete report at activation ("mau lapor sampah numpuk di gang 3
            # sudah seminggu") is the description already; "mau lapor jalan rusak" is not.
            if not is_payload(text) and _content_words(text) >= 5 and match_category(office(), text):
                return {"complaint_description": text}
            return {}
        if requested(tracker, "complaint_description"):
            text = free_text_answer(tracker)
            if text is not None:
                return {"complaint_description": text}
            if shared_media(tracker):
                caption = (shared_media(tracker) or {}).get("caption")
                return {"complaint_description": caption} if caption else {}
        return {}

    async def extract_complaint_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "complaint_location"):
            return {}
        location = shared_location(tracker)
        if location:
            label = location.get("name") or location.get("address") or "Lokasi dibagikan lewat WhatsApp"
            return {"complaint_location": str(label)}
        text = free_text_answer(tracker)
        return {"complaint_location": text} if text is not None else {}

    async def extract_complaint_photo(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "complaint_photo"):
            return {}
        media = shared_media(tracker)
        if media:
            return {"complaint_photo": str(media["path"])}
        name, _ = latest_intent(tracker)
        text = latest_text(tracker).lower()
        if name == "deny" or text in SKIP_WORDS:
            return {"complaint_photo": "-"}
        if free_text_answer(tracker) is not None:
            return {"complaint_photo": "__text__"}
        return {}

    async def extract_reporter_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not requested(tracker, "reporter_name"):
            return {}
        name, _ = latest_intent(tracker)
        text = latest_text(tracker)
        if name == "deny" or text.lower() in ANONYMOUS_WORDS:
            return {"reporter_name": "-"}
        answer = free_text_answer(tracker)
        return {"reporter_name": answer} if answer is not None else {}

    async def extract_complaint_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return confirmation(tracker, dispatcher, "complaint_confirm")

    # --- validation ---------------------------------------------------
    def validate_complaint_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        cfg = office()
        key = value if cfg.category(str(value)) else match_category(cfg, str(value))
        if key:
            if tracker.get_slot("requested_slot") is None:
                # Taken from the resident's first message: say so, since the list is skipped.
                dispatcher.utter_message(
                    text=f"Baik, kami bantu buat pengaduan kategori *{_category_title(key)}*. "
                    "Ketik *batal* kapan saja untuk berhenti."
                )
            return {"complaint_category": key}
        dispatcher.utter_message(text="Maaf, kategori tidak dikenali. Silakan pilih salah satu dari daftar.")
        return {"complaint_category": None}

    def validate_complaint_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if len(text) < MIN_DESCRIPTION:
            dispatcher.utter_message(
                text="Keterangannya terlalu singkat. Mohon jelaskan masalahnya dalam satu atau dua kalimat."
            )
            return {"complaint_description": None}
        if len(text) > MAX_DESCRIPTION:
            dispatcher.utter_message(
                text=f"Keterangannya terlalu panjang ({len(text)} karakter). Mohon ringkas menjadi "
                f"paling banyak {MAX_DESCRIPTION} karakter."
            )
            return {"complaint_description": None}
        return {"complaint_description": text}

    def validate_complaint_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if len(text) < 3 or len(text) > 500:
            dispatcher.utter_message(
                text="Mohon tuliskan lokasi dengan jelas (nama jalan/patokan dan RT/RW), paling banyak 500 karakter."
            )
            return {"complaint_location": None}
        # Coordinates travel with the slot they belong to (the SDK only returns
        # validated slots, so they are set here rather than at extraction).
        location = shared_location(tracker)
        coords = (
            {"latitude": float(location["latitude"]), "longitude": float(location["longitude"])}
            if location
            else None
        )
        return {"complaint_location": text, "complaint_coords": coords}

    def validate_complaint_photo(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == "__text__":
            dispatcher.utter_message(
                text="Silakan kirim *foto* (gambar), atau pilih *Lewati* jika tidak ada foto.",
                buttons=[{"title": "Lewati", "payload": "/deny"}],
            )
            return {"complaint_photo": None}
        return {"complaint_photo": value}

    def validate_reporter_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if text.lower().startswith(("nama saya ", "nama sy ", "saya ")):
            text = text.split(" ", 2)[-1] if text.lower().startswith("nama") else text.split(" ", 1)[-1]
        if text != "-" and not 2 <= len(text) <= 100:
            dispatcher.utter_message(text="Mohon tuliskan nama (2-100 huruf), atau pilih *Anonim*.")
            return {"reporter_name": None}
        if text != "-" and not any(ch.isalpha() for ch in text):
            dispatcher.utter_message(text="Nama sebaiknya berisi huruf. Mohon tuliskan nama, atau pilih *Anonim*.")
            return {"reporter_name": None}
        return {"reporter_name": text}


def complaint_summary(tracker: Tracker) -> str:
    name = tracker.get_slot("reporter_name")
    photo = tracker.get_slot("complaint_photo")
    return (
        "Mohon periksa laporan Bapak/Ibu:\n"
        f"• Kategori: {_category_title(tracker.get_slot('complaint_category'))}\n"
        f"• Keterangan: {tracker.get_slot('complaint_description')}\n"
        f"• Lokasi: {tracker.get_slot('complaint_location')}\n"
        f"• Foto: {'ada' if photo and photo != '-' else 'tidak ada'}\n"
        f"• Pelapor: {'Anonim' if not name or name == '-' else name}\n\n"
        "Kirim laporan ini?"
    )


class ActionAskComplaintCategory(Action):
    def name(self) -> str:
        return "action_ask_complaint_category"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        buttons = [
            {"title": c.title, "payload": f'/inform{{"complaint_category": "{c.key}"}}'}
            for c in office().complaint_categories
        ]
        dispatcher.utter_message(text="Baik, kami bantu buat pengaduan. Apa kategori masalahnya?", buttons=buttons)
        return []


class ActionAskComplaintConfirm(Action):
    def name(self) -> str:
        return "action_ask_complaint_confirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text=complaint_summary(tracker),
            buttons=[{"title": "Ya, kirim", "payload": "/affirm"}, {"title": "Tidak", "payload": "/deny"}],
        )
        return []


class ActionSubmitComplaint(Action):
    """Save the confirmed complaint and give the ticket; nothing is saved on "Tidak"."""

    def name(self) -> str:
        return "action_submit_complaint"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if tracker.get_slot("complaint_confirm") is not True:
            dispatcher.utter_message(
                text="Baik, laporan tidak dikirim dan tidak disimpan. Ketik *lapor* jika ingin membuat pengaduan lagi."
            )
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
            import logging

            logging.getLogger(__name__).exception("saving a complaint failed")
            dispatcher.utter_message(
                text="Mohon maaf, laporan belum berhasil disimpan karena gangguan sistem. "
                "Silakan coba lagi beberapa saat lagi, atau ketik *petugas*."
            )
            return reset_events(FORM_SLOTS)
        dispatcher.utter_message(
            text=(
                "✅ Laporan Bapak/Ibu sudah kami terima.\n"
                f"Nomor tiket: *{case.ticket}*\n"
                "Simpan nomor ini untuk cek status, misalnya ketik: "
                f"cek status {case.ticket}\n"
                "Petugas akan menindaklanjuti pada jam layanan. Terima kasih 🙏"
            )
        )
        return reset_events(FORM_SLOTS)
