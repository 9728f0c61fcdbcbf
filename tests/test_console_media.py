"""Officers attach photos and documents, and send files of the admins' library (issue 15).

Rasa is the fake HTTP API of tests/console_fixtures.py; WhatsApp runs in sandbox mode (the
sandbox stands in for the Graph API: uploads are kept and sends by media id checked), so
what the resident would receive is in the local outbox.
"""
from __future__ import annotations

import io

from sqlalchemy import select

from harness.fake_graph import TINY_JPEG, TINY_PDF
from kokom.console_tables import AuditLog, CannedFile, OfficerReply
from kokom.db import session_scope
from tests.console_fixtures import *  # noqa: F401,F403
from tests.console_fixtures import logged_in, open_window, outbox
from tests.test_console_chat import escalate

SENDER = "6281234567055"


def attach(client, sender: str, content: bytes | None, name: str = "berkas.pdf", caption: str = "",
           canned_id: int | None = None, csrf: bool = True):
    data = {"caption": caption}
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    if canned_id is not None:
        data["canned_file_id"] = str(canned_id)
    headers = {"Accept": "application/json"}
    if csrf:
        return client.post(f"/percakapan/{sender}/lampiran", data, headers=headers,
                           content_type="multipart/form-data")
    return client.c.post(f"/percakapan/{sender}/lampiran", data=data, headers=headers,
                         content_type="multipart/form-data")


def claimed(app, rasa, officer: str = "budi"):
    hid = escalate(rasa, SENDER)
    open_window(SENDER)
    client = logged_in(app, officer)
    client.post(f"/handoff/{hid}/ambil")
    return client


def sandbox_media(console_env, media_id: str):
    from kokom.whatsapp.config import load_config
    from kokom.whatsapp.sandbox import SandboxMedia

    return SandboxMedia(load_config()).content(media_id)


def test_photo_and_pdf_reach_the_resident_and_the_transcript(app, fake_rasa, console_env):
    budi = claimed(app, fake_rasa)
    response = attach(budi, SENDER, TINY_JPEG, "jalan rusak.jpg", "Foto perbaikan jalan")
    assert response.status_code == 200 and response.json["ok"], response.json
    response = attach(budi, SENDER, TINY_PDF, "Formulir.pdf", "Silakan diisi")
    assert response.status_code == 200 and response.json["ok"], response.json
    image, document = outbox(SENDER)[-2:]
    assert image["type"] == "image" and image["status"] == "sent" and image["sent_by"] == "budi"
    assert image["payload"]["image"]["caption"] == "Foto perbaikan jalan"
    assert sandbox_media(console_env, image["payload"]["image"]["id"]) == (TINY_JPEG, "image/jpeg")
    assert document["payload"]["document"]["filename"] == "Formulir.pdf"
    assert document["payload"]["document"]["caption"] == "Silakan diisi"
    assert sandbox_media(console_env, document["payload"]["document"]["id"]) == (TINY_PDF, "application/pdf")
    # in the assistant's history with the file, shown like a resident's file
    events = [e for e in fake_rasa.events[SENDER] if e["event"] == "bot"][-2:]
    assert [e["metadata"]["media"]["mime_type"] for e in events] == ["image/jpeg", "application/pdf"]
    messages = budi.get(f"/api/percakapan/{SENDER}").json["messages"]
    shown_image, shown_pdf = messages[-2:]
    assert shown_image["who"] == "petugas" and shown_image["media"]["is_image"]
    assert shown_image["media"]["caption"] == "Foto perbaikan jalan"
    assert budi.get(shown_image["media"]["url"]).data == TINY_JPEG
    assert shown_pdf["media"]["name"] == "Formulir.pdf" and not shown_pdf["media"]["is_image"]
    assert budi.get(shown_pdf["media"]["url"]).data == TINY_PDF
    with session_scope() as s:
        actions = s.execute(select(AuditLog.detail).where(AuditLog.action == "chat.berkas")).scalars().all()
    assert len(actions) == 2 and "Formulir.pdf" in actions[1] and actions[1].startswith("terkirim")


def test_a_document_larger_than_the_console_form_limit_is_accepted(app, fake_rasa, console_env):
    budi = claimed(app, fake_rasa)
    big_pdf = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    response = attach(budi, SENDER, big_pdf, "besar.pdf")
    assert response.json["ok"], response.json
    # other routes keep their 1 MB limit
    assert budi.post_json(f"/percakapan/{SENDER}/balas", {"text": "x" * (2 * 1024 * 1024)}).status_code == 413


def test_disguised_or_oversized_files_are_refused_before_upload(app, fake_rasa, console_env):
    budi = claimed(app, fake_rasa)
    before = len(outbox(SENDER))
    refused = attach(budi, SENDER, b"MZ\x90\x00program", "formulir.pdf")
    assert refused.status_code == 409 and "tidak didukung" in refused.json["message"]
    big = attach(budi, SENDER, b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024 + 10), "foto.jpg")
    assert big.status_code == 409 and "5 MB" in big.json["message"]
    empty = attach(budi, SENDER, None)
    assert empty.status_code == 409 and "Pilih berkas" in empty.json["message"]
    assert len(outbox(SENDER)) == before
    assert not (console_env["media"] / "petugas").exists()  # nothing stored either


def test_same_rules_as_a_text_reply(app, fake_rasa, console_env):
    budi = claimed(app, fake_rasa)
    sari = logged_in(app, "sari")
    other = attach(sari, SENDER, TINY_PDF)
    assert other.status_code == 409 and "ditangani oleh petugas budi" in other.json["message"]
    no_csrf = attach(budi, SENDER, TINY_PDF, csrf=False)
    assert no_csrf.status_code == 400
    from sqlalchemy import update

    from kokom.db import run_in_transaction
    from kokom.models import Resident, utcnow
    from datetime import timedelta

    run_in_transaction(lambda s: s.execute(update(Resident).where(Resident.wa_id == SENDER)
                                           .values(last_inbound_at=utcnow() - timedelta(hours=25))))
    closed = attach(budi, SENDER, TINY_PDF)
    assert closed.status_code == 409 and "24 jam" in closed.json["message"]
    assert not [r for r in outbox(SENDER) if r["type"] in ("image", "document")]


def test_a_failed_send_is_recorded_and_shown_with_its_file(app, fake_rasa, console_env, monkeypatch):
    budi = claimed(app, fake_rasa)
    # WhatsApp is misconfigured (real mode without a token): the send fails, the officer sees why
    monkeypatch.setenv("WHATSAPP_SANDBOX", "0")
    monkeypatch.delenv("WHATSAPP_ACCESS_TOKEN", raising=False)
    response = attach(budi, SENDER, TINY_PDF, "surat.pdf", "Surat pengantar")
    assert response.status_code == 409 and "GAGAL" in response.json["message"]
    with session_scope() as s:
        row = s.execute(select(OfficerReply).order_by(OfficerReply.id.desc())).scalars().first()
        assert not row.ok and row.media_name == "surat.pdf" and row.media_type == "application/pdf"
    shown = budi.get(f"/api/percakapan/{SENDER}").json["messages"][-1]
    assert shown["failed"] and shown["media"]["name"] == "surat.pdf" and shown["error"]


def test_file_library_two_clicks(app, fake_rasa, console_env):
    admin = logged_in(app, "lurah", role="admin")
    page = admin.get("/admin/berkas")
    assert page.status_code == 200 and "Pustaka berkas" in page.get_data(as_text=True)
    response = admin.post("/admin/berkas", {"title": "Formulir SKTM", "caption": "Silakan dicetak dan diisi",
                                            "position": "1", "file": (io.BytesIO(TINY_PDF), "sktm.pdf")},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    refused = admin.post("/admin/berkas", {"title": "Palsu", "file": (io.BytesIO(b"<?php"), "x.pdf")},
                         content_type="multipart/form-data", follow_redirects=True)
    assert "tidak didukung" in refused.get_data(as_text=True)
    with session_scope() as s:
        (entry,) = s.execute(select(CannedFile)).scalars().all()
        entry_id, path = entry.id, entry.path
    assert (console_env["media"] / path).read_bytes() == TINY_PDF
    # officers may not manage the library
    budi = claimed(app, fake_rasa)
    assert budi.get("/admin/berkas").status_code == 403
    html = budi.get(f"/percakapan/{SENDER}").get_data(as_text=True)
    assert "Formulir SKTM" in html and 'class="chip canned-file"' in html
    response = attach(budi, SENDER, None, canned_id=entry_id, caption="Silakan dicetak dan diisi")
    assert response.json["ok"], response.json
    sent = outbox(SENDER)[-1]
    assert sent["payload"]["document"]["filename"] == "sktm.pdf"
    assert sent["payload"]["document"]["caption"] == "Silakan dicetak dan diisi"
    assert attach(budi, SENDER, None, canned_id=9999).json["message"].startswith("Berkas pustaka tidak ditemukan")
    # edit and delete (the file goes from the media dir too)
    admin.post(f"/admin/berkas/{entry_id}", {"title": "Formulir SKTM (baru)", "caption": "", "position": "0"})
    admin.post(f"/admin/berkas/{entry_id}", {"action": "delete"})
    assert not (console_env["media"] / path).exists()
    with session_scope() as s:
        assert s.execute(select(CannedFile)).scalars().all() == []
        actions = s.execute(select(AuditLog.action).where(AuditLog.action.like("berkas.%"))).scalars().all()
    assert actions == ["berkas.buat", "berkas.ubah", "berkas.hapus"]
