"""Resident-facing status notifications (kokom.notifications) over the WhatsApp sandbox outbox."""
from __future__ import annotations

from datetime import date

import pytest

from kokom import cases
from kokom.notifications import notify_status_change, status_message
from kokom.office import load_office

DAY = date(2026, 11, 27)
NIK = "3577011203850001"
SENDER = "6281234500001"


@pytest.fixture()
def sandbox(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("WHATSAPP_SANDBOX", "1")
    monkeypatch.setenv("WHATSAPP_SANDBOX_DIR", str(tmp_path / "sandbox"))
    monkeypatch.setenv("WHATSAPP_CREDENTIALS_FILE", str(tmp_path / "none.yml"))
    monkeypatch.delenv("WHATSAPP_TEMPLATE_NAME", raising=False)
    return db_url


def document(sender: str = SENDER):
    return cases.create_document_request(
        sender, document_type="sktm", full_name="Budi Santoso", nik=NIK,
        address="Jl. Melati 5 RT 02 RW 03", purpose="Beasiswa", today=DAY)


def move(ticket: str, *steps: tuple[str, str | None]):
    view = None
    for status, note in steps:
        view = cases.change_status(ticket, status, actor="budi", note=note)
    return view


def open_window(sender: str) -> None:
    from sqlalchemy import update

    from kokom.db import run_in_transaction
    from kokom.models import Resident, utcnow

    run_in_transaction(lambda s: s.execute(update(Resident).where(Resident.wa_id == sender)
                                           .values(last_inbound_at=utcnow())))


def test_ready_for_pickup_names_document_originals_and_hours(db_url):
    case = move(document().ticket, ("diperiksa", None), ("siap_diambil", None))
    text = status_message(case)
    cfg = load_office()
    assert case.ticket in text and "siap diambil" in text
    assert cfg.document("sktm").name in text
    for original in cfg.document("sktm").originals:
        assert original in text
    assert "jam layanan" in text and "Senin" in text
    assert NIK not in text and NIK[:8] not in text


def test_final_states_carry_the_officers_note(db_url):
    rejected = move(document().ticket, ("ditolak", "Surat pengantar RT belum ada"))
    text = status_message(rejected, "Surat pengantar RT belum ada")
    assert "tidak dapat diproses" in text and "Surat pengantar RT belum ada" in text
    complaint = cases.create_complaint(SENDER, category="kebersihan", description="Sampah menumpuk", today=DAY)
    done = move(complaint.ticket, ("diproses", "internal: cek lokasi"), ("selesai", "Sampah sudah diangkut DLH"))
    assert "Sampah sudah diangkut DLH" in status_message(done, "Sampah sudah diangkut DLH")
    # a note on a non-final step is not sent to the resident
    processing = cases.create_complaint(SENDER, category="kebersihan", description="x y z", today=DAY)
    processing = move(processing.ticket, ("diproses", "internal: cek lokasi"))
    text = status_message(processing, "internal: cek lokasi")
    assert "diproses" in text and "internal" not in text and "Kebersihan" in text


def test_every_status_of_every_kind_has_a_message(db_url):
    from dataclasses import replace

    from kokom.case_states import MACHINES

    base = document()
    for kind, machine in MACHINES.items():
        for status in machine.transitions:
            text = status_message(replace(base, kind=kind, status=status), "catatan")
            assert base.ticket in text and "Petugas" in text


def test_notify_sends_text_inside_the_window(sandbox):
    from kokom.whatsapp.outbound import outbound_messages

    case = move(document().ticket, ("diperiksa", None))
    open_window(SENDER)
    result = notify_status_change(case, None, sent_by="budi")
    assert result.ok and not result.used_template
    sent = outbound_messages(SENDER)
    assert sent[-1]["type"] == "text" and sent[-1]["sent_by"] == "budi"
    assert case.ticket in sent[-1]["text"] and "diperiksa" in sent[-1]["text"]


def test_notify_uses_the_template_outside_the_window(sandbox, monkeypatch):
    from kokom.whatsapp.outbound import outbound_messages

    case = move(document().ticket, ("diperiksa", None))
    failed = notify_status_change(case, None, sent_by="budi")  # no template configured: a visible failure
    assert not failed.ok and failed.used_template and "WHATSAPP_TEMPLATE_NAME" in failed.error
    monkeypatch.setenv("WHATSAPP_TEMPLATE_NAME", "kokom_pembaruan")
    result = notify_status_change(case, None, sent_by="budi")
    assert result.ok and result.used_template
    assert outbound_messages(SENDER)[-1]["type"] == "template"


def test_notify_reports_exceptions_instead_of_raising(sandbox, monkeypatch):
    from kokom.whatsapp import outbound

    def boom(*a, **k):
        raise RuntimeError("jaringan putus")

    monkeypatch.setattr(outbound, "within_service_window", lambda *a, **k: True)
    monkeypatch.setattr(outbound, "send_text_sync", boom)
    result = notify_status_change(move(document().ticket, ("diperiksa", None)))
    assert not result.ok and "jaringan putus" in result.error
