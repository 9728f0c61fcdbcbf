"""Information actions: greeting/menu, document catalog, office hours and location."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    document_list_buttons,
    entity_values,
    latest_text,
    now,
    office,
    send_menu,
)
from kokom import doc_names, wording
from kokom.day_words import resolve_day
from kokom.hours import day_answer, office_status_text, weekly_schedule_text
from kokom.office import DocumentFile, DocumentInfo, is_placeholder, office_file_path
from kokom.settings import is_production
from kokom.understanding import PARKING, normalized


def detect_documents(text: str) -> list[str]:
    """Document keys named in free text (the one alias list, exact then fuzzy: kokom.doc_names)."""
    return doc_names.find_keys(text)


def documents_in_message(tracker: Any) -> list[str]:
    """Catalog keys of the latest message: entities first, the alias matcher as a safety net."""
    keys = [resolve_document(v) for v in entity_values(tracker, "document_type")]
    keys = [k for k in dict.fromkeys(keys) if k]
    text = latest_text(tracker)
    if not text.startswith("/"):
        keys += [k for k in detect_documents(text) if k not in keys and office().document(k)]
    if "surat_kehilangan" in keys:
        # "ktp dan stnk hilang, surat kehilangan gimana": the other names are what was lost.
        keys = ["surat_kehilangan"] + [k for k in keys if k != "surat_kehilangan"]
    if len(keys) > 1 and not text.startswith("/"):
        # "ktp sa masih alamat Medan, bikin surat domisili perlu pengantar RT kah?": the one asked about first.
        asked = doc_names.asked_for(text)
        if asked and asked.key in keys:
            keys = [asked.key] + [k for k in keys if k != asked.key]
    return keys


def resolve_document(value: Any) -> str | None:
    """A catalog key from an entity value or a document name/alias; None if unknown."""
    key = doc_names.resolve(value)
    return key if key and office().document(key) else None


def on_whatsapp(tracker: Any) -> bool:
    return tracker.get_latest_input_channel() == "whatsapp"


def sendable_files(info: DocumentInfo) -> list[DocumentFile]:
    """The document's files the office has provided (a missing file is simply not sent; a shipped
    SAMPLE never reaches residents in production)."""
    production = is_production()
    return [f for f in info.files if office_file_path(f.file) is not None and not (f.is_sample and production)]


def send_document_files(dispatcher: CollectingDispatcher, tracker: Any, info: DocumentInfo) -> None:
    """The files of a document (form, filling guide) as WhatsApp documents with their captions.

    The channel uploads each named file from office/files/ and sends it by media id
    (kokom.whatsapp.formatting: custom ``{"type": "document", "file", "caption"}``)."""
    for item in sendable_files(info):
        dispatcher.utter_message(custom={"type": "document", "file": item.file, "caption": item.caption})


def document_text(info: DocumentInfo) -> str:
    """The full catalog answer for one document, formatted for WhatsApp."""
    issuer = office().issuer_name(info.issuer)
    issued = "utter_document_issuer_office" if info.issued_by_kelurahan else "utter_document_issuer_other"
    return wording.text(
        "utter_document_info",
        document=info.name,
        issuer=wording.text(issued, issuer=issuer),
        requirements="\n".join(f"• {item}" for item in info.requirements),
        procedure="\n".join(f"{i}. {step}" for i, step in enumerate(info.procedure, 1)),
        time=info.processing_time,
        cost=info.cost,
        notes=wording.text("utter_document_info_notes", notes=info.notes) if info.notes else "",
    )


class ActionGreet(Action):
    """Welcome with whether the office is open right now, then the menu."""

    def name(self) -> str:
        return "action_greet"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        cfg = office()
        dispatcher.utter_message(text=wording.text("utter_welcome", office_status=office_status_text(cfg, now())))
        send_menu(dispatcher, wording.text("utter_welcome_menu"))
        return []


class ActionShowMenu(Action):
    def name(self) -> str:
        return "action_show_menu"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        send_menu(dispatcher)
        return []


class ActionDocumentInfo(Action):
    """Requirements, procedure, time and cost of a document from the catalog."""

    def name(self) -> str:
        return "action_document_info"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        keys = documents_in_message(tracker)
        if not keys and not latest_text(tracker).startswith("/"):
            # "syaratnya apa?" right after talking about a document: keep the context.
            slot_key = resolve_document(tracker.get_slot("document_type"))
            keys = [slot_key] if slot_key else []
        if not keys:
            dispatcher.utter_message(text=wording.text("utter_which_document_info"),
                                     buttons=document_list_buttons("ask_requirements"))
            return []
        whatsapp = on_whatsapp(tracker)
        for key in keys[:3]:
            info = office().document(key)
            if info:
                text = document_text(info)
                files = sendable_files(info)
                if files and not whatsapp:
                    # REST cannot carry the files: say they exist (WhatsApp sends them)
                    text += wording.text("utter_document_files_elsewhere", files="; ".join(f.caption for f in files))
                dispatcher.utter_message(text=text)
                if whatsapp:
                    send_document_files(dispatcher, tracker, info)
        dispatcher.utter_message(text=wording.text("utter_apply_now"),
                                 buttons=wording.buttons("utter_apply_now", document_type=keys[0]))
        return [SlotSet("document_type", keys[0])]


class ActionOfficeHours(Action):
    """Weekly hours, today's status, or a specific day ("besok buka?", "sabtu buka?")."""

    def name(self) -> str:
        return "action_office_hours"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        cfg = office()
        current = now()
        text = latest_text(tracker)
        day = None if text.startswith("/") else resolve_day(text, current.date())
        if day is not None and day != current.date():
            dispatcher.utter_message(text=day_answer(cfg, day, current.date()))
            return []
        dispatcher.utter_message(text=wording.text("utter_office_hours", schedule=weekly_schedule_text(cfg),
                                                   office_status=office_status_text(cfg, current)))
        return []


class ActionOfficeLocation(Action):
    """On WhatsApp the office pin first (opens in the resident's maps app), then the address as text."""

    def name(self) -> str:
        return "action_office_location"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        cfg = office()
        text = wording.text("utter_office_location", maps_url=cfg.maps_url)
        # (a placeholder is never sent: until the office fills it in, the address answers alone)
        if cfg.parking and not is_placeholder(cfg.parking) and PARKING.search(normalized(latest_text(tracker))):
            text += "\n\n" + wording.text("utter_office_parking", parking=cfg.parking)
        if on_whatsapp(tracker):
            # Only WhatsApp renders the pin; elsewhere (REST) a custom payload arrives as a
            # separate message without text, i.e. an empty bubble before the address.
            dispatcher.utter_message(custom={
                "type": "location",
                "latitude": cfg.latitude,
                "longitude": cfg.longitude,
                "name": wording.text("utter_office_pin_name"),
                "address": cfg.public_address,
            })
        dispatcher.utter_message(text=text)
        return []


class ActionPrefillDocument(Action):
    """Right after the requirements of a document, "ya, ajukan" applies for THAT document:
    the form starts with its type filled in (runs before document_form; see data/rules/understanding.yml)."""

    def name(self) -> str:
        return "action_prefill_document"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if documents_in_message(tracker):
            return []  # the message names its own document; the form reads it
        key = resolve_document(tracker.get_slot("document_type"))
        return [SlotSet("request_document_type", key)] if key else []
