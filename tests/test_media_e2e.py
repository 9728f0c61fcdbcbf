"""Sending media end to end (issue 15): the real assistant against the fake Graph API, the
console in headless Chromium, and the sandbox simulator.

- a resident who asks where the office is gets the pin (a location message) and then the text;
- the requirements of a document come with the catalog's file, uploaded (multipart) and sent by id;
- an officer attaches a PDF and a photo, and sends a file of the library with two clicks;
- the simulator shows the outbound document and the pin.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from harness.fake_graph import TINY_JPEG
from kokom.office import load_office
from kokom.whatsapp import payloads
from tests.test_console_browser import (  # noqa: F401 - fixtures
    ADMIN,
    browser,
    console,
    log_in,
    resident_says,
    wait_for,
)
from tests.test_whatsapp_channel import Resident

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "office" / "files" / "CONTOH-panduan-pengisian.pdf"


@pytest.fixture()
def resident(assistant) -> Resident:
    return Resident(assistant)


def test_office_location_is_a_pin_followed_by_the_text(assistant, resident):
    replies = resident.send(payloads.list_reply_message("/ask_office_location", "Lokasi kantor"))
    assert [r["type"] for r in replies] == ["location", "text"], replies
    office = load_office()
    pin = replies[0]["location"]
    assert (pin["latitude"], pin["longitude"]) == (office.latitude, office.longitude)
    assert pin["name"] == f"Kantor {office.name}" and pin["address"] == office.public_address
    assert "Peta:" in replies[1]["text"]["body"]
    # the free-text question too
    replies = resident.say("di mana kantornya?")
    assert replies and replies[0]["type"] == "location"


def test_requirements_come_with_the_catalog_file(assistant, resident):
    replies = resident.send(payloads.list_reply_message('/ask_requirements{"document_type": "sktm"}',
                                                        "Surat Ket. Tidak Mampu"))
    kinds = [r["type"] for r in replies]
    assert "document" in kinds, replies
    first_text = next(i for i, r in enumerate(replies) if r["type"] == "text")
    assert "Persyaratan" in replies[first_text]["text"]["body"] and kinds.index("document") > first_text
    document = next(r["document"] for r in replies if r["type"] == "document")
    assert document["filename"] == SAMPLE.name and "CONTOH" in document["caption"]
    upload = resident.graph.upload_of(document["id"])
    assert upload is not None and upload.upload["fields"]["type"] == "application/pdf"
    assert upload.upload["content"] == SAMPLE.read_bytes()
    rows = [r for r in assistant.outbound(resident.wa_id) if r["msg_type"] == "document"]
    assert rows and rows[-1]["status"] == "sent" and rows[-1]["sent_by"] == "bot"


def test_officer_attaches_files_in_the_console(assistant, console, browser, tmp_path):
    from playwright.sync_api import expect

    from harness.fake_graph import new_wa_id

    graph = assistant.fake_graph
    url = console["url"]
    wa_id = new_wa_id()
    resident_says(assistant, wa_id, payloads.text_message("saya mau bicara dengan petugas"), name="Warga Berkas")
    wait_for(lambda: assistant.query("SELECT id FROM handoffs WHERE sender_id = :s", s=wa_id), 90, 0.1,
             "the handoff to be queued")
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, url)

    # The admin keeps a form in the library first.
    library_pdf = tmp_path / "formulir-contoh.pdf"
    library_pdf.write_bytes(b"%PDF-1.4\n% formulir pustaka\n%%EOF\n")
    page.goto(f"{url}/admin/berkas")
    page.fill("#new-canned-file input[name=title]", "Formulir contoh")
    page.fill("#new-canned-file textarea[name=caption]", "Silakan dicetak dan diisi")
    page.set_input_files("#new-canned-file input[name=file]", str(library_pdf))
    page.click("#new-canned-file button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Berkas ditambahkan")

    page.goto(f"{url}/percakapan/{wa_id}")
    page.click("#claim-button")
    page.wait_for_url(f"{url}/percakapan/{wa_id}")
    expect(page.locator("#attach-form")).to_be_visible()

    # A PDF with its caption.
    pdf = tmp_path / "Panduan SKTM.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% panduan\n%%EOF\n")
    page.set_input_files("#attach-file", str(pdf))
    page.fill("#attach-caption", "Panduan pengisian SKTM")
    page.click("#attach-send")
    expect(page.locator("#reply-status")).to_contain_text("terkirim")
    sent = wait_for(lambda: [s for s in graph.sends(wa_id) if s["type"] == "document"], 20, 0.1, "the document")
    assert sent[-1]["document"]["caption"] == "Panduan pengisian SKTM"
    assert sent[-1]["document"]["filename"] == "Panduan SKTM.pdf"
    upload = graph.upload_of(sent[-1]["document"]["id"])
    assert upload.upload["fields"]["type"] == "application/pdf" and upload.upload["content"] == pdf.read_bytes()
    transcript = page.locator("#transcript")
    expect(transcript.locator(".msg-petugas", has_text="Lampiran (Panduan SKTM.pdf)")).to_be_visible()

    # A photo.
    photo = tmp_path / "kantor.jpg"
    photo.write_bytes(TINY_JPEG)
    page.set_input_files("#attach-file", str(photo))
    page.fill("#attach-caption", "Foto loket pelayanan")
    page.click("#attach-send")
    expect(page.locator("#reply-status")).to_contain_text("Gambar")
    image = wait_for(lambda: [s for s in graph.sends(wa_id) if s["type"] == "image"], 20, 0.1, "the image")[-1]
    assert image["image"]["caption"] == "Foto loket pelayanan"
    assert graph.upload_of(image["image"]["id"]).upload["content"] == TINY_JPEG
    expect(transcript.locator(".msg-petugas img.media")).to_be_visible()

    # A disguised file is refused before anything is uploaded.
    uploads = len(graph.uploads(ok_only=False))
    fake = tmp_path / "formulir.pdf"
    fake.write_bytes(b"MZ\x90\x00 bukan pdf")
    page.set_input_files("#attach-file", str(fake))
    page.click("#attach-send")
    expect(page.locator("#reply-status")).to_contain_text("tidak didukung")
    assert len(graph.uploads(ok_only=False)) == uploads

    # The library's form with two clicks.
    page.locator(".canned-file", has_text="Formulir contoh").click()
    page.click("#attach-send")
    expect(page.locator("#reply-status")).to_contain_text("terkirim")
    doc = wait_for(lambda: [s for s in graph.sends(wa_id) if s["type"] == "document"
                            and s["document"]["filename"] == "formulir-contoh.pdf"], 20, 0.1, "the library file")[-1]
    assert doc["document"]["caption"] == "Silakan dicetak dan diisi"
    assert graph.upload_of(doc["document"]["id"]).upload["content"] == library_pdf.read_bytes()
    page.screenshot(path=str(tmp_path / "attachments.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.close()


def test_simulator_shows_the_outbound_document_and_pin(sandbox_assistant, browser):
    wa_id = "6281234560055"
    page = browser.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{sandbox_assistant.whatsapp_url}/sandbox")
    page.fill("[data-testid=wa-id]", wa_id)
    page.click("[data-testid=apply]")
    send = f"{sandbox_assistant.whatsapp_url}/sandbox/send"
    for payload, title in (("/ask_office_location", "Lokasi kantor"),
                           ('/ask_requirements{"document_type": "sktm"}', "Surat Ket. Tidak Mampu")):
        response = requests.post(send, json={"wa_id": wa_id, "kind": "list", "id": payload, "title": title},
                                 timeout=30)
        assert response.status_code == 200, response.text
    sandbox_assistant.wait_handled(wa_id, 2)
    pin = page.locator("[data-testid=msg-out][data-type=location] a.location")
    pin.wait_for()
    assert "Kantor" in pin.inner_text() and "openstreetmap.org" in pin.get_attribute("href")
    document = page.locator("[data-testid=out-document] a")
    document.wait_for()
    assert document.inner_text() == SAMPLE.name
    href = document.get_attribute("href")
    content = requests.get(f"{sandbox_assistant.url}{href}", timeout=30)
    assert content.status_code == 200 and content.content == SAMPLE.read_bytes()
    assert errors == []
    page.close()
