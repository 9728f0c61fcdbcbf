"""The sandbox: a Rasa whose WhatsApp channel runs without credentials, and its simulator page
driven in headless Chromium (Debian's /usr/bin/chromium, never a downloaded browser)."""
from __future__ import annotations

import os
import shutil

import pytest
import requests

from kokom.whatsapp import payloads
from harness.fake_graph import TINY_JPEG

CHROMIUM = os.environ.get("KOKOM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def test_messages_accepted_before_a_restart_are_handled_after_it(sandbox_assistant):
    (row,) = sandbox_assistant.wait_handled(sandbox_assistant.pending_wa_id)
    assert row["wamid"] == sandbox_assistant.pending_wamid and row["status"] == "done"
    replies = sandbox_assistant.outbound(sandbox_assistant.pending_wa_id)
    assert replies and all(r["sandbox"] and r["status"] == "sent" for r in replies)
    (row,) = sandbox_assistant.wait_handled(sandbox_assistant.spooled_wa_id)
    assert row["status"] == "done" and sandbox_assistant.outbound(sandbox_assistant.spooled_wa_id)
    assert not list((sandbox_assistant.workdir / "whatsapp-spool").glob("*.json"))


def test_sandbox_endpoints(sandbox_assistant):
    base = f"{sandbox_assistant.whatsapp_url}/sandbox"
    assert requests.get(f"{sandbox_assistant.whatsapp_url}/health", timeout=10).json()["sandbox"] is True
    page = requests.get(base, timeout=10)
    assert page.status_code == 200 and "Simulator WhatsApp" in page.text
    # an unsigned delivery is refused even in sandbox mode: the sandbox signs with its own secret
    data = payloads.build_delivery("6281200000001", payloads.text_message("halo"))
    assert requests.post(sandbox_assistant.webhook_url, json=data, timeout=10).status_code == 403
    bad = requests.post(f"{base}/send", json={"wa_id": "abc", "kind": "text", "text": "x"}, timeout=10)
    assert bad.status_code == 400 and "tidak valid" in bad.json()["error"]
    upload = requests.post(f"{base}/upload", files={"file": ("x.jpg", b"<script>", "image/jpeg")}, timeout=10)
    assert upload.status_code == 400
    upload = requests.post(f"{base}/upload", files={"file": ("foto.jpg", TINY_JPEG, "image/jpeg")}, timeout=10)
    assert upload.status_code == 200
    media = requests.get(f"{base}/media/{upload.json()['media_id']}", timeout=10)
    assert media.status_code == 200 and media.content == TINY_JPEG
    assert requests.get(f"{base}/media/..%2F..%2Fetc%2Fpasswd", timeout=10).status_code in (400, 404)


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed (make browser installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def test_simulator_chat(sandbox_assistant, browser, tmp_path):
    page = browser.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{sandbox_assistant.whatsapp_url}/sandbox")
    page.fill("[data-testid=wa-id]", "0812 3456 0001")
    page.fill("[data-testid=profile-name]", "Sri Wahyuni")
    page.click("[data-testid=apply]")

    # "halo": the greeting and the menu, rendered as a list message with a "Pilih" button
    page.fill("[data-testid=text]", "halo")
    page.click("[data-testid=send]")
    page.wait_for_selector("[data-testid=msg-in]")
    list_button = page.locator("[data-testid=list-open]").last
    list_button.wait_for()
    assert "Pilih" in list_button.inner_text()

    # tap "Jam layanan" in the list sheet
    list_button.click()
    page.wait_for_selector("#list-overlay.open")
    rows = page.locator("[data-testid=list-row]")
    assert rows.count() == 8
    before = page.locator("[data-testid=msg-out]").count()
    rows.filter(has_text="Jam layanan").click()
    page.wait_for_function("document.querySelectorAll('[data-testid=msg-in]').length >= 2")
    assert "pilihan daftar" in page.locator("[data-testid=msg-in]").nth(1).inner_text()
    page.wait_for_function(
        "([n]) => [...document.querySelectorAll('[data-testid=msg-out]')].slice(n)"
        ".some(e => e.innerText.includes('Jam layanan'))", arg=[before])

    # a shared location
    page.click("#location-btn")
    page.fill("[data-testid=lat]", "-7.6239")
    page.fill("[data-testid=lon]", "111.5082")
    page.click("[data-testid=location-send]")
    page.wait_for_function("document.querySelectorAll('[data-testid=msg-in]').length >= 3")
    assert "-7.6239" in page.locator("[data-testid=msg-in]").nth(2).inner_text()

    # a photo: uploaded, then downloaded by the channel through the media id like Meta's
    photo = tmp_path / "jalan.jpg"
    photo.write_bytes(TINY_JPEG)
    page.set_input_files("#photo-file", str(photo))
    page.fill("[data-testid=caption]", "jalan berlubang")
    page.click("[data-testid=photo-send]")
    page.wait_for_function("document.querySelectorAll('[data-testid=msg-in] img.photo').length >= 1")
    wa_id = "6281234560001"
    rows = sandbox_assistant.wait_handled(wa_id, 4)
    assert [r["msg_type"] for r in rows] == ["text", "interactive", "location", "image"]
    events = [e for e in sandbox_assistant.tracker(wa_id)["events"] if e["event"] == "user"]
    media = events[-1]["metadata"]["media"]
    assert media["caption"] == "jalan berlubang" and media["path"].endswith(".jpg")
    assert events[-1]["metadata"]["whatsapp"]["profile_name"] == "Sri Wahyuni"

    # messages read by the office show blue ticks
    page.wait_for_selector("[data-testid=msg-in] .ticks.read")
    assert errors == []
    page.close()
