"""The review page in headless Chromium (Debian's /usr/bin/chromium through Playwright): a maintainer
opens the queue from the menu, sees the grouped misunderstood messages with their context, assigns
an intent, is refused for a held-out utterance, and opens the models page. The console runs as
``python -m console run`` on its own database and a tracker store built in the test (no Rasa)."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml

from harness.servers import ROOT, free_port
from tests.test_review import bot, build_tracker_store, user

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
USER, PASSWORD = "pemelihara", "sandi-uji-ulasan-123"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (make browser)")


def held_out_line() -> tuple[str, str]:
    block = yaml.safe_load((ROOT / "tests/nlu/test_split.yml").read_text())["nlu"][1]
    line = next(l.strip()[2:] for l in block["examples"].splitlines() if l.strip().startswith("- "))
    return line, block["intent"]


@pytest.fixture()
def console(tmp_path):
    tracker = f"sqlite:///{tmp_path / 'tracker.db'}"
    leak, _ = held_out_line()
    build_tracker_store(tracker, {
        "6281111111111": [user("min lampu jalan gang 3 mati sejak kemarin", "nlu_fallback", 0.3),
                          bot("Maaf, kami belum memahami pesan Bapak/Ibu.")],
        "6282222222222": [user("Min, lampu jalan gang 3 mati sejak kemarin!!", "nlu_fallback", 0.2), bot("Maaf.")],
        "6283333333333": [user(leak, "nlu_fallback", 0.2), bot("Maaf.")],
    })
    port = free_port()
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path / 'kokom.db'}",
           "TRACKER_DATABASE_URL": tracker, "RASA_URL": f"http://127.0.0.1:{free_port()}", "RASA_TOKEN": "x",
           "KOKOM_CONSOLE_SECRET": "review-browser-secret", "KOKOM_CONSOLE_INSECURE_COOKIES": "1",
           "KOKOM_ADMIN_PASSWORD": PASSWORD, "WHATSAPP_SANDBOX": "1", "WHATSAPP_SANDBOX_DIR": str(tmp_path / "sb"),
           "KOKOM_MEDIA_DIR": str(tmp_path / "media")}
    subprocess.run([sys.executable, "-m", "console", "create-admin", USER], cwd=ROOT, env=env, check=True,
                   timeout=120, stdin=subprocess.DEVNULL)
    log = tmp_path / "console.log"
    proc = subprocess.Popen([sys.executable, "-m", "console", "run", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log.read_text()[-3000:])
        try:
            if requests.get(f"{url}/masuk", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture()
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_maintainer_reviews_the_queue_in_the_browser(console, browser, tmp_path):
    from playwright.sync_api import expect

    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 and "favicon" not in r.url else None)
    page.goto(f"{console}/masuk")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{console}/kotak-masuk")
    page.click("text=Ulasan NLU")
    page.wait_for_url(f"{console}/ulasan")

    row = page.locator("#review-queue tr.review-group").first
    expect(row).to_contain_text("lampu jalan gang 3 mati sejak kemarin")
    expect(row).to_contain_text("2 percakapan")
    expect(row).to_contain_text("nlu_fallback")
    expect(row.locator(".review-context")).to_contain_text("asisten: Maaf.")  # the context around one example
    page.screenshot(path=str(tmp_path / "queue.png"))

    row.locator("select[name=intent]").select_option("file_complaint")
    row.locator("button", has_text="Tetapkan").click()
    expect(page.locator(".flash-success")).to_contain_text("Ditetapkan sebagai file_complaint")
    expect(page.locator("#review-queue")).not_to_contain_text("lampu jalan gang 3")
    expect(page.locator("#review-decided")).to_contain_text("file_complaint")

    leak, intent = held_out_line()
    leak_row = page.locator("#review-queue tr.review-group", has_text=leak)
    leak_row.locator("select[name=intent]").select_option(intent)
    leak_row.locator("button", has_text="Tetapkan").click()
    expect(page.locator(".flash-error")).to_contain_text("data uji tests/nlu/test_split.yml")

    page.click("text=Latih ulang & model")
    expect(page.locator("h1")).to_contain_text("Latih ulang, evaluasi, pasang")
    expect(page.locator("#running-model")).to_contain_text("Rasa tidak dapat dihubungi")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert not missing, missing
