"""The officer console end to end in headless Chromium (Playwright, Debian's /usr/bin/chromium).

A resident escalates over signed WhatsApp webhooks to the real assistant (the
session's ``assistant`` fixture: Rasa + action server + WhatsApp channel against
the fake Graph API); the console runs as ``python -m console run`` on the same
database and Rasa. The officer logs in, sees the conversation appear in the
inbox without reloading, claims it, replies (the message reaches the Graph API),
sees the resident's next message live, finishes (the assistant answers again and
the rating is stored), then moves a document request to "siap diambil" and the
resident is notified.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from harness.servers import ROOT, TOKEN, free_port

CHROMIUM = "/usr/bin/chromium"
ADMIN = "lurah"
ADMIN_PASSWORD = "sandi-uji-browser-123"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (make browser)")


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.1, what: str = "condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture(scope="module")
def console(assistant, tmp_path_factory):
    """The console as a subprocess on a free port, sharing the assistant's database, Rasa and WhatsApp."""
    workdir = tmp_path_factory.mktemp("console")
    port = free_port()
    env = dict(assistant.env, RASA_URL=assistant.url, RASA_TOKEN=TOKEN, KOKOM_CONSOLE_SECRET="browser-test-secret",
               KOKOM_CONSOLE_INSECURE_COOKIES="1", KOKOM_ADMIN_PASSWORD=ADMIN_PASSWORD, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "console", "create-admin", ADMIN], cwd=ROOT, env=env, check=True,
                   timeout=120, stdin=subprocess.DEVNULL)
    log = workdir / "console.log"
    proc = subprocess.Popen([sys.executable, "-m", "console", "run", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"console exited:\n{log.read_text()[-3000:]}")
        try:
            return requests.get(f"{url}/masuk", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    wait_for(up, 60, 0.2, "the console to start")
    yield {"url": url, "log": log, "workdir": workdir}
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def resident_says(assistant, wa_id: str, message: dict, name: str = "Warga Uji") -> None:
    from kokom.whatsapp import payloads
    from harness.fake_graph import post_signed

    response = post_signed(assistant.webhook_url, payloads.build_delivery(wa_id, message, profile_name=name))
    assert response.status_code == 200, response.text


def texts_sent(graph, wa_id: str) -> list[str]:
    out = []
    for payload in graph.sends(wa_id):
        if payload.get("type") == "text":
            out.append(payload["text"]["body"])
        elif payload.get("type") == "interactive":
            out.append(json.dumps(payload["interactive"], ensure_ascii=False))
        elif payload.get("type") == "template":
            out.append("[template]")
    return out


def log_in(page, url: str) -> None:
    page.goto(f"{url}/masuk")
    page.fill("input[name=username]", ADMIN)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/kotak-masuk")


def test_officer_takes_over_replies_and_hands_back(assistant, console, browser, tmp_path):
    from playwright.sync_api import expect

    from kokom.whatsapp import payloads
    from harness.fake_graph import new_wa_id

    graph = assistant.fake_graph
    url = console["url"]
    wa_id = new_wa_id()
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, url)
    expect(page.locator("#waiting-body")).not_to_contain_text(wa_id)

    # The resident asks for an officer over a signed webhook; the assistant queues and pauses.
    resident_says(assistant, wa_id, payloads.text_message("halo"))
    assistant.wait_handled(wa_id, 1)
    resident_says(assistant, wa_id, payloads.text_message("saya mau bicara dengan petugas"))
    wait_for(lambda: assistant.query("SELECT id FROM handoffs WHERE sender_id = :s", s=wa_id), 90, 0.05,
             "the handoff to be queued")
    row = page.locator("#waiting-body tr", has_text=wa_id)
    expect(row).to_be_visible(timeout=3000)  # polled, no reload: within 3 seconds
    expect(row).to_contain_text("Warga Uji")
    expect(row).to_contain_text("Minta petugas")
    page.screenshot(path=str(tmp_path / "inbox.png"))

    # Claim it.
    row.get_by_role("button", name="Ambil alih").click()
    page.wait_for_url(f"{url}/percakapan/{wa_id}")
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text("saya mau bicara dengan petugas")
    expect(page.locator("#handoff-state")).to_contain_text(ADMIN)
    assert assistant.tracker(wa_id)["paused"] is True

    # Reply: it reaches the Graph API and the transcript.
    reply = "Selamat siang, saya petugas Kelurahan Sogaten. Ada yang bisa dibantu?"
    page.fill("#reply-text", reply)
    page.click("#reply-send")
    expect(page.locator("#reply-status")).to_contain_text("Pesan terkirim")
    wait_for(lambda: reply in texts_sent(graph, wa_id), 20, 0.1, "the reply at the Graph API")
    expect(transcript.locator(".msg-petugas", has_text=reply)).to_be_visible()

    # The resident writes while paused: shown live, the assistant stays quiet.
    before = len(graph.sends(wa_id))
    resident_says(assistant, wa_id, payloads.text_message("Saya mau tanya syarat SKTM untuk beasiswa"))
    expect(transcript.locator(".msg-warga", has_text="syarat SKTM untuk beasiswa")).to_be_visible(timeout=15000)
    assistant.wait_handled(wa_id, len(assistant.inbound(wa_id)))  # handled (and answered, if at all)
    assert len(graph.sends(wa_id)) == before
    page.fill("#note-text", "Warga butuh SKTM untuk beasiswa anak")
    page.click("#note-save")
    expect(page.locator("#notes")).to_contain_text("SKTM untuk beasiswa anak")
    page.screenshot(path=str(tmp_path / "conversation.png"), full_page=True)

    # Finish: closing message + rating question, the assistant is back.
    page.fill("#finish-note", "Sudah dijelaskan syarat SKTM")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#finish-button")
    expect(page.locator(".flash-success")).to_contain_text("Percakapan selesai")
    sent = wait_for(lambda: (lambda t: t if any("rating" in x for x in t) else None)(texts_sent(graph, wa_id)), 20,
                    0.1, "the rating question")
    assert any("Percakapan dengan petugas sudah selesai" in t for t in sent)
    assert assistant.tracker(wa_id)["paused"] is False
    handoff = assistant.query("SELECT h.status, c.status AS case_status FROM handoffs h JOIN cases c "
                              "ON c.id = h.case_id WHERE h.sender_id = :s", s=wa_id)[0]
    assert handoff == {"status": "closed", "case_status": "selesai"}

    before = len(graph.sends(wa_id))
    resident_says(assistant, wa_id, payloads.list_reply_message('/rate{"rating": 5}', "Sangat puas"))
    wait_for(lambda: assistant.query("SELECT f.rating FROM feedback f JOIN residents r ON r.id = f.resident_id "
                                     "WHERE r.wa_id = :w AND f.rating IS NOT NULL", w=wa_id), 60, 0.2,
             "the rating to be stored")
    assert any("Terima kasih atas penilaiannya" in t for t in wait_for(
        lambda: texts_sent(graph, wa_id)[before:], 30, 0.2, "the thanks for the rating"))
    greetings = sum("selamat datang" in t.lower() for t in texts_sent(graph, wa_id))
    resident_says(assistant, wa_id, payloads.text_message("halo"))
    wait_for(lambda: sum("selamat datang" in t.lower() for t in texts_sent(graph, wa_id)) > greetings, 60, 0.2,
             "the assistant to answer again")
    expect(transcript.locator(".msg-asisten").last).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.close()
    _keep_screenshots(tmp_path)


def test_document_ready_for_pickup_notifies_the_resident(assistant, console, browser, monkeypatch, tmp_path):
    from playwright.sync_api import expect

    from kokom import cases, db
    from kokom.office import load_office
    from kokom.whatsapp import payloads
    from harness.fake_graph import new_wa_id

    graph = assistant.fake_graph
    url = console["url"]
    wa_id = new_wa_id()
    resident_says(assistant, wa_id, payloads.text_message("halo"), name="Siti Aminah")
    assistant.wait_handled(wa_id, 1)
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    db.reset_engines()
    try:
        dok = cases.create_document_request(wa_id, document_type="sktm", full_name="Siti Aminah",
                                            nik="3577014506900002", address="Jl. Mawar 3 RT 01 RW 02",
                                            purpose="Beasiswa anak")
    finally:
        db.reset_engines()

    page = browser.new_page()
    log_in(page, url)
    page.goto(f"{url}/kasus/?kind=document&q={wa_id}")
    page.get_by_role("link", name=dok.ticket).click()
    expect(page.locator("#nik-value")).to_have_text("3577********0002")
    for status in ("diperiksa", "siap_diambil"):
        page.select_option("#status-select", status)
        page.click("#status-submit")
        expect(page.locator(".flash-success").first).to_contain_text("Status")
    expect(page.locator("#case-status")).to_have_text("Siap diambil")
    expect(page.locator(".flashes")).to_contain_text("Warga sudah diberi tahu lewat pesan WhatsApp")
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
    notice = wait_for(lambda: [t for t in texts_sent(graph, wa_id) if "siap diambil" in t], 20, 0.1,
                      "the pickup notification")[-1]
    assert dok.ticket in notice and load_office().document("sktm").name in notice
    assert "3577014506900002" not in notice
    history = page.locator("#case-history")
    expect(history).to_contain_text(ADMIN)
    expect(history).to_contain_text("Siap diambil")
    page.close()
    _keep_screenshots(tmp_path)


def _keep_screenshots(folder: Path) -> None:
    """KOKOM_SCREENSHOTS=/some/dir keeps the pages' screenshots for a person to look at."""
    keep = os.environ.get("KOKOM_SCREENSHOTS")
    if keep:
        for png in folder.glob("*.png"):
            shutil.copy(png, keep)
