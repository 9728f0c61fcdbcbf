"""The database refusing the write when a case is saved: the resident is told, nothing is lost.

The failure is real: a trigger makes SQLite refuse every insert into ``cases`` (as an
unavailable database would), then is dropped (the database is back).
"""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from actions.complaint import ActionSubmitComplaint
from actions.document import ActionSubmitDocument
from kokom.db import session_scope
from kokom.models import Case
from tests.test_actions import VALID_NIK, run, slot_events, tracker

DOCUMENT = {"request_document_type": "surat_domisili", "applicant_name": "Budi Santoso", "nik": VALID_NIK,
            "applicant_address": "Jl. Melati 5 RT 02 RW 03", "purpose": "melamar kerja", "document_confirm": True}
COMPLAINT = {"complaint_category": "infrastruktur", "complaint_description": "Jalan berlubang depan SD",
             "complaint_location": "Depan SD RT 1 RW 2", "complaint_coords": {"latitude": -7.6, "longitude": 111.5},
             "complaint_photo": "-", "reporter_name": "Sri Wahyuni", "complaint_confirm": True}


def database_down(url: str, down: bool) -> None:
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        if down:
            conn.execute("CREATE TRIGGER kokom_test_down BEFORE INSERT ON cases "
                         "BEGIN SELECT RAISE(ABORT, 'database unavailable (test)'); END")
        else:
            conn.execute("DROP TRIGGER kokom_test_down")


def cases() -> int:
    with session_scope() as s:
        return s.execute(select(func.count(Case.id))).scalar_one()


@pytest.mark.parametrize("action, slots, form, confirm, prefix", [
    (ActionSubmitDocument, DOCUMENT, "document_form", "document_confirm", "DOK-"),
    (ActionSubmitComplaint, COMPLAINT, "complaint_form", "complaint_confirm", "ADU-"),
])
def test_a_failed_save_keeps_the_answers_and_the_retry_saves_once(db_url, action, slots, form, confirm, prefix):
    database_down(db_url, True)
    messages, events = run(action(), tracker("ya", intent="affirm", slots=slots))
    text = messages[0]["text"]
    assert "belum berhasil disimpan" in text and "tetap kami simpan" in text and "*ya*" in text
    # Only the confirmation is cleared; the form runs again to ask for it (with its summary).
    assert slot_events(events) == {confirm: None}
    assert any(e.get("event") == "followup" and e.get("name") == form for e in events)
    assert cases() == 0

    database_down(db_url, False)
    messages, events = run(action(), tracker("ya", intent="affirm", slots=slots))
    assert prefix in messages[0]["text"]
    assert all(value is None for value in slot_events(events).values())  # now the form is done
    assert cases() == 1
