"""Files and pins sent to residents (issue 15): checked from their content, uploaded to the Graph
API's media endpoint (multipart) and sent by media id, against the real fake Graph API server
and the sandbox; no client code is patched."""
from __future__ import annotations

import io
import shutil
import threading
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from harness.fake_graph import PHONE_NUMBER_ID, TINY_JPEG, TINY_PDF, VERSION, new_wa_id
from kokom.whatsapp import formatting, mediafiles, outbound, store
from tests.test_whatsapp_outbound import resident_wrote

ROOT = Path(__file__).resolve().parent.parent
TINY_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                         "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _entry(name: str) -> zipfile.ZipInfo:
    """A ZIP entry with a fixed date, so the same file is the same bytes in every process."""
    return zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))


def ooxml(kind: str) -> bytes:
    """A minimal DOCX or XLSX (a ZIP with [Content_Types].xml and the main part)."""
    main = {"docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
            "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml")}[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_entry("[Content_Types].xml"), (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/{main[0]}" ContentType="application/vnd.openxmlformats-officedocument.{main[1]}"/>'
            "</Types>"))
        archive.writestr(_entry(main[0]), "<x/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_entry("virus.exe"), "MZ")
    return buffer.getvalue()


# --- what a file is ------------------------------------------------------------

@pytest.mark.parametrize("content, mime, kind", [
    (TINY_JPEG, mediafiles.JPEG, "image"),
    (TINY_PNG, mediafiles.PNG, "image"),
    (TINY_PDF, mediafiles.PDF, "document"),
    (ooxml("docx"), mediafiles.DOCX, "document"),
    (ooxml("xlsx"), mediafiles.XLSX, "document"),
])
def test_type_comes_from_the_content(content, mime, kind):
    file = mediafiles.check_file(content, "apa saja.bin")
    assert (file.mime_type, file.kind) == (mime, kind)
    assert file.filename == "apa saja" + mediafiles.EXTENSIONS[mime]


@pytest.mark.parametrize("content, name", [
    (b"MZ\x90\x00 not a pdf", "formulir.pdf"),  # a program renamed .pdf
    (plain_zip(), "formulir.docx"),  # a ZIP that is not a Word file
    (b"<html><script>alert(1)</script>", "foto.jpg"),
    (b"GIF89a......", "animasi.gif"),
])
def test_disguised_files_are_refused(content, name):
    with pytest.raises(mediafiles.FileRejected, match="tidak didukung"):
        mediafiles.check_file(content, name)


def test_size_limits_per_type():
    big_image = b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024)
    with pytest.raises(mediafiles.FileRejected, match="5 MB"):
        mediafiles.check_file(big_image, "foto.jpg")
    # the same size as a PDF is fine (documents up to 100 MB)
    assert mediafiles.check_file(b"%PDF-" + b"\0" * (5 * 1024 * 1024), "x.pdf").kind == "document"
    with pytest.raises(mediafiles.FileRejected, match="100 MB"):
        mediafiles.check_size("document", 100 * 1024 * 1024 + 1)


def test_filename_is_made_safe():
    assert mediafiles.safe_filename("../../etc/pass<wd>.pdf", mediafiles.PDF) == "passwd.pdf"
    assert mediafiles.safe_filename("", mediafiles.JPEG) == "berkas.jpg"
    assert mediafiles.safe_filename("laporan.exe", mediafiles.PDF) == "laporan.pdf"


# --- real mode against the fake Graph API --------------------------------------

def new_uploads(graph, before: int, ok_only: bool = True) -> list:
    """Uploads after the first ``before`` ones (the fake Graph API serves the whole session)."""
    return [r for r in graph.uploads(ok_only=False)[before:] if r.status == 200 or not ok_only]


def test_image_is_uploaded_then_sent_by_media_id(wa_real):
    wa_id = new_wa_id()
    before = len(wa_real.uploads(ok_only=False))
    result = outbound.send_file_sync(wa_id, TINY_JPEG, filename="jalan.jpg", caption="Foto perbaikan jalan",
                                     sent_by="petugas1")
    assert result.ok, result.error
    (upload,) = new_uploads(wa_real, before)
    assert upload.path == f"/{VERSION}/{PHONE_NUMBER_ID}/media"
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert upload.headers["authorization"] == "Bearer test-access-token"
    assert upload.upload["fields"] == {"messaging_product": "whatsapp", "type": "image/jpeg"}
    assert upload.upload["content"] == TINY_JPEG and upload.upload["content_type"] == "image/jpeg"
    media_id = upload.response["id"]
    (sent,) = wa_real.sends(wa_id)
    assert sent["type"] == "image" and sent["image"] == {"id": media_id, "caption": "Foto perbaikan jalan"}
    # the upload came before the message
    order = [r for r in wa_real.recorded() if r is upload or (r.json or {}).get("to") == wa_id]
    assert order[0] is upload
    (row,) = outbound.outbound_messages(wa_id)
    assert row["type"] == "image" and row["status"] == "sent" and row["payload"]["image"]["id"] == media_id
    assert row["sent_by"] == "petugas1" and "Foto perbaikan jalan" in row["text"]


@pytest.mark.parametrize("content, mime, name", [
    (TINY_PDF, mediafiles.PDF, "Formulir SKTM.pdf"),
    (ooxml("docx"), mediafiles.DOCX, "Surat.docx"),
    (ooxml("xlsx"), mediafiles.XLSX, "Data.xlsx"),
])
def test_documents_keep_their_type_and_name(wa_real, content, mime, name):
    wa_id = new_wa_id()
    before = len(wa_real.uploads(ok_only=False))
    result = outbound.send_file_sync(wa_id, content, filename=name, caption="Silakan diisi")
    assert result.ok, result.error
    (upload,) = new_uploads(wa_real, before)
    assert upload.upload["fields"]["type"] == mime and upload.upload["content"] == content
    (sent,) = wa_real.sends(wa_id)
    assert sent["type"] == "document"
    assert sent["document"] == {"id": upload.response["id"], "caption": "Silakan diisi", "filename": name}


def test_oversized_or_disguised_file_is_refused_before_upload(wa_real):
    wa_id = new_wa_id()
    before = len(wa_real.uploads(ok_only=False))
    big = outbound.send_file_sync(wa_id, b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024), filename="peta.png")
    assert not big.ok and "5 MB" in big.error and "terlalu besar" in big.error
    fake = outbound.send_file_sync(wa_id, b"#!/bin/sh\nrm -rf /\n", filename="formulir.pdf")
    assert not fake.ok and "tidak didukung" in fake.error
    assert new_uploads(wa_real, before, ok_only=False) == [] and wa_real.sends(wa_id, ok_only=False) == []


def test_failed_upload_is_retried_then_recorded(wa_real):
    wa_id = new_wa_id()
    before = len(wa_real.uploads(ok_only=False))
    wa_real.fail_uploads(2, status=500)
    assert outbound.send_file_sync(wa_id, TINY_PDF, filename="a.pdf").ok
    assert [r.status for r in new_uploads(wa_real, before, ok_only=False)] == [500, 500, 200]

    other = new_wa_id()
    wa_real.fail_uploads(4, status=503)  # WHATSAPP_MAX_ATTEMPTS
    result = outbound.send_file_sync(other, TINY_PDF, filename="b.pdf", caption="Panduan", sent_by="petugas2")
    assert not result.ok and "Unggah berkas" in result.error and "503" in result.error
    assert wa_real.sends(other, ok_only=False) == []  # no message without its file
    row = outbound.outbound_messages(other)[-1]
    assert row["status"] == "failed" and "Unggah berkas" in row["error"] and row["sent_by"] == "petugas2"


def test_message_send_is_retried_like_text(wa_real):
    wa_id = new_wa_id()
    before = len(wa_real.uploads(ok_only=False))
    wa_real.fail_next(1, status=500, to=wa_id)
    assert outbound.send_file_sync(wa_id, TINY_JPEG, filename="x.jpg").ok
    assert [r.status for r in wa_real.sends_records(wa_id)] == [500, 200]
    assert len(new_uploads(wa_real, before)) == 1  # the file is uploaded once


def test_outside_the_window_the_template_goes_instead(wa_real):
    wa_id = new_wa_id()
    resident_wrote(wa_id, ago=timedelta(hours=30))
    wa_real.fail_next(1, code=131047, to=wa_id)
    result = outbound.send_file_sync(wa_id, TINY_PDF, filename="a.pdf")
    assert result.ok and result.used_template
    assert [s["type"] for s in wa_real.sends(wa_id)] == ["template"]


def test_a_file_never_goes_to_another_resident(wa_real):
    """Two officers send different files to two residents at the same moment."""
    files = {new_wa_id(): b"%PDF-1.4 untuk warga satu", new_wa_id(): b"%PDF-1.4 untuk warga dua"}
    results = {}

    def send(wa_id: str) -> None:
        results[wa_id] = outbound.send_file_sync(wa_id, files[wa_id], filename="surat.pdf")

    threads = [threading.Thread(target=send, args=(w,)) for w in files for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for wa_id, content in files.items():
        assert results[wa_id].ok
        sent = wa_real.sends(wa_id)
        assert len(sent) == 3
        for message in sent:
            assert wa_real.upload_of(message["document"]["id"]).upload["content"] == content


def test_location_pin(wa_real):
    wa_id = new_wa_id()
    result = outbound.send_location_sync(wa_id, -7.616, 111.501, name="Kantor Kelurahan Sogaten",
                                         address="Jl. Contoh 1, Madiun")
    assert result.ok
    (sent,) = wa_real.sends(wa_id)
    assert sent["type"] == "location"
    assert sent["location"] == {"latitude": -7.616, "longitude": 111.501, "name": "Kantor Kelurahan Sogaten",
                                "address": "Jl. Contoh 1, Madiun"}
    assert not outbound.send_location_sync(wa_id, 200, 0).ok


# --- sandbox ----------------------------------------------------------------------

def test_sandbox_keeps_the_file_for_the_simulator(wa_sandbox):
    from kokom.whatsapp.config import load_config
    from kokom.whatsapp.sandbox import SandboxMedia, timeline

    wa_id = new_wa_id()
    resident_wrote(wa_id)
    result = outbound.send_file_sync(wa_id, TINY_PDF, filename="panduan.pdf", caption="Panduan pengisian")
    assert result.ok, result.error
    item = timeline(wa_id)[-1]
    assert item["dir"] == "out" and item["type"] == "document"
    document = item["message"]["document"]
    assert document["filename"] == "panduan.pdf" and document["caption"] == "Panduan pengisian"
    assert SandboxMedia(load_config()).content(document["id"]) == (TINY_PDF, "application/pdf")
    # outside the window the sandbox answers 131047 like Meta (no template configured: recorded failure)
    late = new_wa_id()
    resident_wrote(late, ago=timedelta(hours=25))
    failed = outbound.send_file_sync(late, TINY_JPEG, filename="x.jpg")
    assert not failed.ok and "131047" in failed.error


# --- the office's files (assistant) -------------------------------------------------

@pytest.fixture()
def office_with_files(tmp_path, monkeypatch):
    office = tmp_path / "office"
    (office / "files").mkdir(parents=True)
    shutil.copy(ROOT / "office" / "kelurahan.yml", office / "kelurahan.yml")
    (office / "files" / "panduan.pdf").write_bytes(TINY_PDF)
    monkeypatch.setenv("KOKOM_OFFICE_FILE", str(office / "kelurahan.yml"))
    return office


def test_office_files_are_found_only_in_the_files_folder(office_with_files):
    from kokom.office import office_file_path

    assert office_file_path("panduan.pdf") == office_with_files / "files" / "panduan.pdf"
    for name in ("hilang.pdf", "../kelurahan.yml", "/etc/passwd", "sub/x.pdf", None, 3):
        assert office_file_path(name) is None


def test_a_custom_document_payload_uploads_the_office_file(office_with_files, wa_real):
    plan = formatting.plan_bot_message({"custom": {"type": "document", "file": "panduan.pdf",
                                                   "caption": "Panduan pengisian"}})
    (outgoing,) = plan.messages
    assert outgoing.upload == office_with_files / "files" / "panduan.pdf"
    assert formatting.plan_bot_message({"custom": {"type": "document", "file": "hilang.pdf"}}).messages == []
    wa_id = new_wa_id()
    from kokom.whatsapp.client import SyncClient, plan_flow
    from kokom.whatsapp.config import load_config

    cfg = load_config()
    (result,) = SyncClient(cfg).run(plan_flow(cfg, wa_id, plan, "bot"))
    assert result.ok
    (sent,) = wa_real.sends(wa_id)
    assert sent["document"]["filename"] == "panduan.pdf" and sent["document"]["caption"] == "Panduan pengisian"
    assert wa_real.upload_of(sent["document"]["id"]).upload["content"] == TINY_PDF
    assert store.outbound_messages(wa_id)[0]["status"] == "sent"


# --- the assistant's answers ------------------------------------------------------

def test_requirements_name_the_office_files_for_whatsapp_only():
    from actions.info import ActionDocumentInfo
    from tests.test_actions import run, tracker

    entities = [{"entity": "document_type", "value": "sktm"}]
    messages, _ = run(ActionDocumentInfo(), tracker("syarat sktm", intent="ask_requirements", entities=entities,
                                                    input_channel="whatsapp"))
    files = [m["custom"] for m in messages if m.get("custom")]
    assert files == [{"type": "document", "file": "CONTOH-panduan-pengisian.pdf",
                      "caption": files[0]["caption"]}] and "CONTOH" in files[0]["caption"]
    assert "Persyaratan" in messages[0]["text"]  # the text first, then the file
    # over REST the file is named in the text, nothing else is sent
    messages, _ = run(ActionDocumentInfo(), tracker("syarat sktm", intent="ask_requirements", entities=entities,
                                                    input_channel="rest"))
    assert not [m for m in messages if m.get("custom")]
    assert "📎 *Berkas:* CONTOH berkas" in messages[0]["text"]


def test_missing_and_sample_files_are_not_sent(office_with_files, monkeypatch):
    import yaml

    from actions.info import ActionDocumentInfo
    from tests.test_actions import run, tracker

    path = office_with_files / "kelurahan.yml"
    data = yaml.safe_load(path.read_text())
    data["documents"]["sktm"]["files"] = [{"file": "panduan.pdf", "caption": "Panduan pengisian"},
                                          {"file": "belum-ada.pdf", "caption": "Formulir"},
                                          {"file": "CONTOH-x.pdf", "caption": "Contoh"}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    (office_with_files / "files" / "CONTOH-x.pdf").write_bytes(TINY_PDF)
    entities = [{"entity": "document_type", "value": "sktm"}]

    def sent() -> list[str]:
        messages, _ = run(ActionDocumentInfo(), tracker("syarat sktm", intent="ask_requirements",
                                                        entities=entities, input_channel="whatsapp"))
        return [m["custom"]["file"] for m in messages if m.get("custom")]

    assert sent() == ["panduan.pdf", "CONTOH-x.pdf"]
    monkeypatch.setenv("KOKOM_ENV", "production")
    assert sent() == ["panduan.pdf"]


def test_console_transcript_shows_the_pin_and_office_files():
    from pathlib import Path as P

    from console.chat import _bot_message

    pin = _bot_message({"event": "bot", "text": None, "data": {"custom": {
        "type": "location", "latitude": -7.616, "longitude": 111.501, "name": "Kantor Kelurahan Sogaten"}}}, P("."))
    assert pin["location"] == {"lat": -7.616, "lon": 111.501, "name": "Kantor Kelurahan Sogaten"}
    doc = _bot_message({"event": "bot", "text": None, "data": {"custom": {
        "type": "document", "file": "a.pdf", "caption": "Panduan"}}}, P("."))
    assert doc["text"] == "[Berkas kantor: Panduan]"
