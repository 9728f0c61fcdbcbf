"""The monitoring dashboard, CSV exports and the lurah's report in the console (issue 11).

Figures are those of tests/monitoring_fixture.py (November 2026, counted by hand);
the console is driven with Flask's client, and once in headless Chromium.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests import monitoring_fixture as fx
from tests.console_fixtures import *  # noqa: F401,F403
from tests.console_fixtures import logged_in

NOV = {"dari": "2026-11-01", "sampai": "2026-11-30"}
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "var" / "test-artifacts"


@pytest.fixture()
def month(app, monkeypatch, tmp_path):
    monkeypatch.setenv("KOKOM_FAKE_NOW", "2026-11-30T12:00:00+07:00")
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    fx.build(tmp_path / "tracker.db")
    return app


def test_every_route_requires_login(month):
    client = month.test_client()
    for url in ("/monitoring/", "/monitoring/ekspor/ringkasan.csv", "/monitoring/laporan", "/monitoring/laporan.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "/masuk" in response.headers["Location"], url


def test_dashboard_shows_the_months_figures_without_identities(month):
    page = logged_in(month, "budi").get("/monitoring/").get_data(as_text=True)  # default: this month (November)
    assert "1 November 2026 – 30 November 2026" in page
    assert 'id="kpi-ikm">77,78<' in page and "Mutu B (Baik)" in page
    assert 'id="kpi-pesan">6<' in page
    assert "ADU-20261102-0002" in page and "DOK-20261109-0001" in page  # past their standard
    assert "RAHASIA" not in page and "3577010101010001" not in page  # anonymous stays anonymous, no NIK
    assert "vendor/chartjs/chart.umd.min.js" in page and 'data-chart="tren"' in page
    assert page.count("Lihat tabel") == 5  # every chart has its table one click away
    assert "Laporan bulanan lurah" not in page  # the report is the admin's


def test_empty_period_and_too_long_period(month):
    budi = logged_in(month, "budi")
    page = budi.get("/monitoring/", query_string={"dari": "2026-01-01", "sampai": "2026-01-31"})
    assert page.status_code == 200 and "Belum ada data untuk periode ini" in page.get_data(as_text=True)
    refused = budi.get("/monitoring/", query_string={"dari": "2024-01-01", "sampai": "2026-11-30"})
    assert refused.status_code == 400 and "paling lama 2 tahun" in refused.get_data(as_text=True)
    bad = budi.get("/monitoring/", query_string={"dari": "besok"})
    assert bad.status_code == 400


def test_csv_exports_with_comma_or_semicolon(month):
    budi = logged_in(month, "budi")
    plain = budi.get("/monitoring/ekspor/ikm_unsur.csv", query_string=NOV)
    assert plain.status_code == 200 and plain.mimetype == "text/csv"
    text = plain.get_data(as_text=True).lstrip("\ufeff")
    assert text.splitlines()[0] == "Unsur,Jawaban,Nilai rata-rata (1-4),Nilai konversi (25-100)"
    assert "U1 Persyaratan,2,3.5,87.5" in text
    semi = budi.get("/monitoring/ekspor/ikm_unsur.csv", query_string={**NOV, "pemisah": "titik-koma"})
    assert "U1 Persyaratan;2;3,5;87,5" in semi.get_data(as_text=True)
    late = budi.get("/monitoring/ekspor/terlambat.csv", query_string=NOV).get_data(as_text=True)
    assert "ADU-20261102-0002" in late and "RAHASIA" not in late
    assert budi.get("/monitoring/ekspor/tidak-ada.csv").status_code == 404
    assert budi.get("/monitoring/ekspor/jam.csv", query_string={"pemisah": "tab"}).status_code == 400


def test_report_is_admin_only_and_the_pdf_has_the_ikm(month):
    from pypdf import PdfReader

    budi = logged_in(month, "budi")
    assert budi.get("/monitoring/laporan").status_code == 403
    assert budi.get("/monitoring/laporan.pdf").status_code == 403
    lurah = logged_in(month, "lurah", role="admin")
    page = lurah.get("/monitoring/laporan", query_string={"bulan": "2026-11"}).get_data(as_text=True)
    assert "IKM: <strong>77,78</strong>" in page and "B (Baik)" in page and "1 November 2026" in page
    assert "Lima kategori pengaduan terbanyak" in page and "DOK-20261109-0001" in page
    pdf = lurah.get("/monitoring/laporan.pdf", query_string={"bulan": "2026-11"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "laporan-2026-11.pdf").write_bytes(pdf.data)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Indeks Kepuasan Masyarakat (IKM): 77,78" in text
    assert "B (Baik)" in text and "30 November 2026" in text
    compact = "".join(text.split())  # narrow columns wrap tickets
    assert "ADU-20261102-0002" in compact and "DOK-20261109-0001" in compact and "RAHASIA" not in compact
    assert "Limakategoripengaduanterbanyak" in compact
    assert lurah.get("/monitoring/laporan", query_string={"bulan": "2026-13"}).status_code == 400


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")
def test_dashboard_chart_renders_in_chromium(tmp_path, monkeypatch):
    from harness.servers import free_port
    from kokom.db import reset_engines
    from playwright.sync_api import expect, sync_playwright

    db = f"sqlite:///{tmp_path / 'kokom.db'}"
    monkeypatch.setenv("DATABASE_URL", db)
    reset_engines()
    try:
        fx.build(tmp_path / "tracker.db")
    finally:
        reset_engines()
    env = dict(os.environ, DATABASE_URL=db, TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
               KOKOM_FAKE_NOW="2026-11-30T12:00:00+07:00", KOKOM_CONSOLE_SECRET="monitoring-browser",
               KOKOM_CONSOLE_INSECURE_COOKIES="1", KOKOM_ADMIN_PASSWORD="sandi-uji-monitoring-1",
               RASA_URL="http://127.0.0.1:9", PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "console", "create-admin", "lurah"], cwd=ROOT, env=env, check=True,
                   timeout=120, stdin=subprocess.DEVNULL)
    port = free_port()
    log = tmp_path / "console.log"
    proc = subprocess.Popen([sys.executable, "-m", "console", "run", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                if requests.get(f"{url}/masuk", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.time() < deadline, "console did not start"
            time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{url}/masuk")
            page.fill("input[name=username]", "lurah")
            page.fill("input[name=password]", "sandi-uji-monitoring-1")
            page.click("button[type=submit]")
            page.click("text=Monitoring")
            expect(page.locator("#kpi-ikm")).to_have_text("77,78")
            canvas = page.locator('canvas[data-chart="kategori"]')
            expect(canvas).to_have_attribute("data-rendered", "1")
            box = canvas.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 100
            # the chart has pixels drawn (not a blank canvas)
            drawn = page.evaluate("""() => { const c = document.querySelector('canvas[data-chart="kategori"]');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }""")
            assert drawn > 500
            page.locator("#grafik-kategori summary").click()  # its table, one click away
            expect(page.locator("#grafik-kategori table")).to_be_visible()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "monitoring-dashboard.png"), full_page=True)
            page.goto(f"{url}/monitoring/laporan?bulan=2026-11")
            expect(page.locator("#report-ikm")).to_contain_text("77,78")
            page.screenshot(path=str(ARTIFACTS / "monitoring-report.png"), full_page=True)
            assert not [e for e in errors if "Content Security Policy" in e or "Chart" in e], errors
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
