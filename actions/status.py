"""Checking the status of one's own cases; other residents' tickets read as not found.

Without a ticket number the resident's own open cases are listed, only those of
the kind asked about ("ktp saya sudah jadi belum" -> KTP requests, "mau lacak
pengaduan" -> complaints)."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import re

from actions.common import doc_name, entity_values, latest_text, office
from actions.info import documents_in_message
from kokom import wording
from kokom.cases import CaseView, find_case_for_sender, list_cases_for_sender
from kokom.hours import format_date_id
from kokom.tickets import find_tickets


def case_line(case: CaseView) -> str:
    """One case as the resident sees it: ticket, what it is, status, date."""
    if case.kind == "document":
        what = wording.text("utter_status_what_document", document=doc_name(case.document_type))
    elif case.kind == "complaint":
        category = office().category(case.category or "")
        what = wording.text("utter_status_what_complaint", category=category.title if category else "").strip()
    else:
        what = wording.text("utter_status_what_consultation")
    return wording.text("utter_status_line", ticket=case.ticket, what=what, status=case.status_label,
                        date=format_date_id(case.created_at.date()))


COMPLAINT_WORDS = re.compile(r"\b(pengaduan|aduan|aduanku|laporan|laporanku|lapor|keluhan|ngadu|komplain)\b")
DOCUMENT_WORDS = re.compile(r"\b(permohonan|pengajuan|surat|dokumen|berkas|permintaan)\b")


def _kind_label(kind: str) -> str:
    return wording.text(f"utter_status_kind_{kind}")


def wanted(tracker: Tracker) -> tuple[str | None, list[str]]:
    """(kind, document keys) the resident asks about; (None, []) when unspecified."""
    text = latest_text(tracker).lower()
    if text.startswith("/"):
        return None, []
    docs = documents_in_message(tracker)
    if docs:
        return "document", docs
    if COMPLAINT_WORDS.search(text):
        return "complaint", []
    if DOCUMENT_WORDS.search(text):
        return "document", []
    return None, []


class ActionCheckStatus(Action):
    def name(self) -> str:
        return "action_check_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        tickets = find_tickets(" ".join(str(v) for v in entity_values(tracker, "ticket_id")))
        tickets += [t for t in find_tickets(latest_text(tracker)) if t not in tickets]
        if tickets:
            for ticket in tickets[:5]:
                case = find_case_for_sender(tracker.sender_id, ticket)
                if case is None:
                    dispatcher.utter_message(text=wording.text("utter_status_ticket_not_found", ticket=ticket))
                else:
                    dispatcher.utter_message(text=case_line(case))
            return [SlotSet("ticket_id", None)]
        cases = list_cases_for_sender(tracker.sender_id, only_open=True)
        kind, docs = wanted(tracker)
        if kind and cases:
            mine = [c for c in cases if c.kind == kind and (not docs or c.document_type in docs)]
            if not mine:
                if docs:
                    what = wording.text("utter_subject_document", document=", ".join(doc_name(d) for d in docs))
                else:
                    what = _kind_label(kind)
                others = "\n\n".join(case_line(c) for c in cases)
                dispatcher.utter_message(text=wording.text("utter_status_none_of_kind", what=what, others=others))
                return []
            lines = "\n\n".join(case_line(c) for c in mine)
            dispatcher.utter_message(text=wording.text("utter_status_open_of_kind", kind=_kind_label(kind).capitalize(),
                                                       lines=lines))
            return []
        if not cases:
            if kind:  # "aduan got mampet minggu lalu kok belum dikerjain" from a number with no case
                name = f"utter_status_none_{kind}"
                dispatcher.utter_message(text=wording.text(name), buttons=wording.buttons(name))
            else:
                dispatcher.utter_message(text=wording.text("utter_status_none"))
            return []
        lines = "\n\n".join(case_line(c) for c in cases)
        dispatcher.utter_message(text=wording.text("utter_status_open", lines=lines))
        return []
