"""Conversations over the REST channel of a running assistant (real action server, Rasa, SQLite)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, text

from harness.servers import rest_sender

pytestmark = pytest.mark.e2e

TICKET = re.compile(r"\b(ADU|DOK|KON)-\d{8}-\d{4}\b")


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def db_rows(assistant, sql: str, **params):
    engine = create_engine(assistant.database_url, future=True)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def test_complaint_from_start_to_ticket(assistant):
    sender = "rest-complaint-1"
    reply = assistant.say(sender, "pagi min mau buat pengaduan")
    assert any("kategori" in (m.get("text") or "").lower() for m in reply), reply
    assistant.say(sender, '/inform{"complaint_category": "infrastruktur"}')
    reply = assistant.say(sender, "jalan berlubang besar depan SD, sudah 2 minggu bahaya buat motor")
    assert "lokasi" in texts(reply).lower()
    reply = assistant.say(sender, "depan SD Sogaten RT 02 RW 03")
    assert "foto" in texts(reply).lower()
    assistant.say(sender, "/deny")  # no photo
    reply = assistant.say(sender, "Siti Aminah")
    assert "Kirim laporan ini?" in texts(reply)
    reply = assistant.say(sender, "/affirm")
    ticket = TICKET.search(texts(reply)).group(0)
    assert ticket.startswith("ADU-")
    rows = db_rows(assistant, "select kind, category, reporter_name from cases where ticket = :t", t=ticket)
    assert rows == [("complaint", "infrastruktur", "Siti Aminah")]


def test_document_request_with_invalid_then_valid_nik(assistant):
    sender = "rest-document-1"
    reply = assistant.say(sender, "mau ajukan surat keterangan tidak mampu")
    assert "nama lengkap" in texts(reply).lower(), reply
    assistant.say(sender, "Budi Santoso")
    reply = assistant.say(sender, "1234567890")
    assert "16 digit" in texts(reply)
    reply = assistant.say(sender, "3577013203850001")
    assert "tanggal lahir" in texts(reply)
    reply = assistant.say(sender, "3577011203850001")
    assert "alamat" in texts(reply).lower()
    assistant.say(sender, "Jl. Melati No. 5 RT 02 RW 03")
    reply = assistant.say(sender, "untuk daftar beasiswa anak")
    summary = texts(reply)
    assert "3577********0001" in summary and "3577011203850001" not in summary
    reply = assistant.say(sender, "ya")
    ticket = TICKET.search(texts(reply)).group(0)
    assert ticket.startswith("DOK-")
    assert db_rows(assistant, "select document_type, rt, rw from cases where ticket = :t", t=ticket) == [
        ("sktm", "002", "003")
    ]
    # The owner sees it; another sender gets "not found".
    assert "Diterima" in texts(assistant.say(sender, f"cek status {ticket}"))
    assert ticket in texts(assistant.say(sender, "pengajuan saya gimana statusnya"))
    other = texts(assistant.say("rest-someone-else", f"cek status {ticket}"))
    assert "tidak ditemukan" in other and "Budi" not in other


def test_cancel_saves_nothing_and_interruption_resumes(assistant):
    sender = "rest-cancel-1"
    assistant.say(sender, "mau buat pengaduan")
    reply = assistant.say(sender, "jam buka kantor kelurahan jam berapa")
    joined = texts(reply)
    assert "Jam layanan" in joined and "kategori" in joined.lower()  # answered, then the form asks again
    assistant.say(sender, '/inform{"complaint_category": "kebersihan"}')
    reply = assistant.say(sender, "batal")
    assert "dibatalkan" in texts(reply)
    assert db_rows(assistant, "select count(*) from cases c join residents r on r.id = c.resident_id "
                              "where r.wa_id = :s", s=rest_sender(sender)) == [(0,)]


def test_request_human_pauses_the_conversation(assistant):
    sender = "rest-human-1"
    reply = assistant.say(sender, "saya mau bicara dengan petugas")
    assert TICKET.search(texts(reply)).group(0).startswith("KON-")
    assert assistant.tracker(rest_sender(sender))["paused"] is True
    assert assistant.say(sender, "halo, ada orang?") == []  # logged for the officer, bot silent
    rows = db_rows(assistant, "select status from handoffs where sender_id = :s", s=rest_sender(sender))
    assert rows == [("waiting",)]


@pytest.mark.parametrize("message", ["", "😀😀😀", "a" * 5000, "/unknown_payload", '/inform{"broken": '])
def test_bad_input_gets_an_answer_and_nothing_crashes(assistant, message):
    sender = f"rest-bad-{abs(hash(message)) % 10000}"
    reply = assistant.say(sender, message)
    assert isinstance(reply, list)
    # The server is still fine afterwards.
    assert assistant.say(sender, "halo")


def test_media_where_text_is_expected_is_explained_and_the_form_goes_on(assistant):
    sender = "rest-media-in-form-1"
    assistant.say(sender, "mau ajukan sktm")
    reply = texts(assistant.say(sender, "/share_media"))
    assert "mengetik teks" in reply and "nama lengkap" in reply.lower()
    assert "nik" in texts(assistant.say(sender, "Budi Santoso")).lower()


def test_a_message_of_spaces_gets_the_empty_message_reply(assistant):
    # "   " was read by the classifier as "no" ("Baik. Ada lagi ..."); nothing was said, and the reply says so
    reply = texts(assistant.say("rest-spaces-1", "   \n  "))
    assert "kosong" in reply
