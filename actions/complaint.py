"""The complaint (pengaduan) form: category, description, location, optional photo, name.

The form listens (actions/forms_base.py): a report that already names its problem and
place ("got di samping balai rw 3 rt 2 meluap ke jalan") fills category, description
and location at once; every choice can be typed; answers can be corrected.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import form_facts as ff
from actions.common import (entity_values, office, reset_events, retry_save_events, shared_location,
                            shared_media)
from actions.forms_base import Answer, ListeningForm, Turn
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
MIN_OPENING_WORDS = 4  # content words that make an opening message a description already


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
    labels = {
        "complaint_category": "kategori",
        "complaint_description": "keterangan",
        "complaint_location": "lokasi",
        "complaint_photo": "foto",
        "reporter_name": "nama pelapor",
    }
    optional = {"complaint_photo": "-", "reporter_name": "-"}
    field_words = {
        "complaint_category": r"\bkategori(?:nya)?\b",
        "complaint_description": r"\b(?:keterangan|deskripsi|cerita|isi laporan|masalah)(?:nya)?\b",
        "complaint_location": r"\b(?:lokasi|tempat|alamat|lokasine|panggenan)(?:nya|e)?\b",
        "reporter_name": r"\b(?:nama|nami)(?:nya| saya| pelapor| kulo)?\b",
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
        category = ff.find_category(cfg, text)
        if category and category != "lainnya":
            found["complaint_category"] = (category, False)
        place = ff.find_place(text)
        if place:
            found["complaint_location"] = (place, False)
        if activating and ff.content_words(text) >= MIN_OPENING_WORDS and len(text) >= MIN_DESCRIPTION:
            found["complaint_description"] = (text.strip()[:MAX_DESCRIPTION], False)
        name = ff.find_name(text)
        if name:
            found["reporter_name"] = (name, True)
        elif ff.ANONYMOUS.search(ff.norm(text)):
            found["reporter_name"] = ("-", False)
        if ff.mentions_no_photo(text):
            found["complaint_photo"] = ("-", False)
        return found

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

    # --- one answer -------------------------------------------------------------
    def answer(self, slot: str, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        return getattr(self, f"_answer_{slot}")(text, tracker, slots)

    def _answer_complaint_category(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        key = ff.find_category(office(), text, fuzzy=True)
        if key:
            return Answer(key)
        if ff.content_words(text) >= MIN_OPENING_WORDS and not ff.is_question(text):
            # A description typed instead of a category: keep it, file it under "Lainnya".
            return Answer("lainnya", note="Kategori kami catat *Lainnya* (bisa diubah di ringkasan).")
        names = ", ".join(f"{i}. {c.title}" for i, c in enumerate(office().complaint_categories, 1))
        return Answer(error=f"Maaf, kategori belum kami kenali. Ketik nama atau nomornya: {names}.")

    def _answer_complaint_description(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        media = shared_media(tracker)
        if media and media.get("caption"):
            text = str(media["caption"])
        value = " ".join((text or "").split())
        if len(value) < MIN_DESCRIPTION or not any(ch.isalpha() for ch in value):
            return Answer(error="Keterangannya terlalu singkat. Mohon jelaskan masalahnya dalam satu atau dua "
                                "kalimat, misalnya: *lampu jalan mati sejak 3 hari, gelap dan rawan*.")
        if len(value) > MAX_DESCRIPTION:
            return Answer(error=f"Keterangannya terlalu panjang ({len(value)} karakter). Mohon ringkas menjadi "
                                f"paling banyak {MAX_DESCRIPTION} karakter.")
        return Answer(value)

    def _answer_complaint_location(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        location = shared_location(tracker)
        if location:
            label = location.get("name") or location.get("address") or "Lokasi dibagikan lewat WhatsApp"
            coords = {"latitude": float(location["latitude"]), "longitude": float(location["longitude"])}
            return Answer(str(label), extra={"complaint_coords": coords})
        value = " ".join((text or "").split()).strip(" ,.")
        value = ff.clean_value(value)
        if len(value) > 500:
            return Answer(error="Lokasinya terlalu panjang. Mohon tulis singkat (paling banyak 500 karakter).")
        if not ff.looks_like_place(value):
            return Answer(error="Mohon tuliskan *lokasi* kejadian: nama jalan/patokan dan RT/RW, misalnya "
                                "*depan SD Sogaten RT 02 RW 03*, atau kirim lokasi lewat WhatsApp.")
        return Answer(value, extra={"complaint_coords": None})

    def _answer_complaint_photo(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        media = shared_media(tracker)
        if media:
            return Answer(str(media["path"]))
        if ff.is_photo_skip(text) or ff.is_deny(text):
            return Answer("-", note="Baik, tanpa foto.")
        if ff.norm(text) in ("sebentar", "bentar", "tunggu", "tunggu sebentar", "sebentar ya", "otw"):
            return Answer(no_strike=True, note="Baik, silakan kirim fotonya. Jika tidak ada, ketik *lewati*.")
        name = ff.clean_name(text)
        if ff.looks_like_name(name) or ff.is_anonymous(text):
            # Typed a name where a photo was asked: no photo, and that is the reporter.
            return Answer("-", note="Baik, tanpa foto.")
        return Answer(error="Untuk foto, silakan kirim *gambar* lewat WhatsApp. Jika tidak ada foto, ketik *lewati*.")

    def _answer_reporter_name(self, text: str, tracker: Tracker, slots: dict[str, Any]) -> Answer:
        if ff.is_anonymous(text) or ff.is_deny(text):
            return Answer("-")
        name = ff.find_name(text) or ff.clean_name(text)
        if ff.looks_like_name(name):
            return Answer(name)
        return Answer(error="Mohon tuliskan nama dengan huruf, misalnya *Siti Aminah*, atau ketik *anonim* "
                            "jika ingin merahasiakan nama.")

    # --- what the resident reads --------------------------------------------------
    def display(self, slot: str, value: Any) -> str:
        if slot == "complaint_category":
            return _category_title(value)
        if slot == "reporter_name":
            return "Anonim" if not value or value == "-" else str(value)
        if slot == "complaint_photo":
            return "ada" if value and value != "-" else "tidak ada"
        return str(value)

    def intro(self, slots: dict[str, Any]) -> str:
        key = slots.get("complaint_category")
        head = (f"Baik, kami bantu buat pengaduan kategori *{_category_title(key)}*." if key
                else "Baik, kami bantu buat pengaduan.")
        return (f"{head} Ketik *batal* kapan saja untuk berhenti; jika ada yang salah, tulis saja "
                "misalnya *lokasinya salah* atau *bukan kebersihan tapi lingkungan*.")

    def question(self, slot: str, slots: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
        if slot == "complaint_category":
            return "Apa kategori masalahnya? Ketik atau pilih salah satu.", category_buttons()
        if slot == "complaint_description":
            return "Silakan ceritakan masalahnya secara singkat (apa yang terjadi dan sejak kapan).", []
        if slot == "complaint_location":
            return ("Di mana lokasinya? Tuliskan alamat/patokan beserta RT/RW, atau kirim *lokasi* lewat "
                    "WhatsApp."), []
        if slot == "complaint_photo":
            return ("Jika ada, kirimkan *foto* kejadian. Jika tidak ada, ketik *lewati*.",
                    [{"title": "Lewati", "payload": "/deny"}])
        if slot == "reporter_name":
            return ("Boleh kami tahu nama Bapak/Ibu? Jika ingin merahasiakan identitas, ketik *anonim*.",
                    [{"title": "Anonim", "payload": "/deny"}])
        return "", []

    def example(self, slot: str) -> str:
        return {
            "complaint_category": "Contoh: *kebersihan*, *jalan rusak*, atau nomor *1*.",
            "complaint_description": "Contoh: *sampah di gang 3 belum diangkut seminggu, bau*.",
            "complaint_location": "Contoh: *Jl. Cendrawasih depan masjid, RT 02 RW 03*.",
            "complaint_photo": "Kirim fotonya sebagai gambar, atau lewati saja.",
            "reporter_name": "Contoh: *Siti Aminah*.",
            "complaint_confirm": "Balas *ya* untuk mengirim atau *tidak* untuk membatalkan.",
        }.get(slot, "")

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
            turn.notes.append("Foto sudah kami terima.")
            return
        if location and requested != "complaint_location":
            answer = self._answer_complaint_location("", tracker, slots)
            turn.changes["complaint_location"] = answer.value
            turn.changes.update(answer.extra)
            turn.notes.append(f"Lokasi kami catat: *{answer.value}*.")
            return
        super()._answer_turn(text, tracker, requested, slots, state, turn)
        # A description typed at the category question is the description as well.
        if requested == "complaint_category" and not text.startswith("/") and turn.changes.get("complaint_category") and \
                self._merged(slots, turn).get("complaint_description") is None and \
                ff.content_words(text) >= MIN_OPENING_WORDS and len(text) >= MIN_DESCRIPTION:
            turn.changes["complaint_description"] = text.strip()[:MAX_DESCRIPTION]
            turn.notes.insert(0, f"Baik, kategori *{_category_title(turn.changes['complaint_category'])}*; "
                                 "keterangan kami catat.")
        # A name typed at the photo question is the reporter's name.
        if requested == "complaint_photo" and turn.changes.get("complaint_photo") == "-" and \
                self._merged(slots, turn).get("reporter_name") is None and not ff.is_photo_skip(text):
            if ff.is_anonymous(text):
                turn.changes["reporter_name"] = "-"
            else:
                name = ff.clean_name(text)
                if ff.looks_like_name(name):
                    turn.changes["reporter_name"] = name
                    turn.notes.append(f"Nama pelapor kami catat: *{name}*.")


def complaint_summary(slots: dict[str, Any]) -> str:
    name = slots.get("reporter_name")
    photo = slots.get("complaint_photo")
    return (
        "Mohon periksa laporan Bapak/Ibu:\n"
        f"• Kategori: {_category_title(slots.get('complaint_category'))}\n"
        f"• Keterangan: {slots.get('complaint_description')}\n"
        f"• Lokasi: {slots.get('complaint_location')}\n"
        f"• Foto: {'ada' if photo and photo != '-' else 'tidak ada'}\n"
        f"• Pelapor: {'Anonim' if not name or name == '-' else name}\n"
        "Kirim laporan ini? Balas *ya* atau *tidak*; jika ada yang salah, tulis misalnya *lokasinya salah*."
    )


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
            logger.exception("saving a complaint failed")
            dispatcher.utter_message(
                text="Mohon maaf, laporan belum berhasil disimpan karena gangguan sistem. "
                "Jawaban Bapak/Ibu tetap kami simpan: silakan balas *ya* beberapa saat lagi untuk mengirim "
                "ulang, atau ketik *petugas*."
            )
            return retry_save_events("complaint_form", "complaint_confirm")
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
