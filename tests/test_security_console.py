"""Attacks on the officer console: anonymous reporters, NIKs in text, copied cookies."""
from __future__ import annotations

import re
import time

import pytest

from kokom import cases
from kokom.db import run_in_transaction
from tests.console_fixtures import *  # noqa: F401,F403
from tests.console_fixtures import PASSWORD, csrf_from, logged_in, login, make_officer

REPORTER = "6281311112222"
REPORTER_LOCAL = "081311112222"
NIK = "3577011203850001"


def known_resident(wa_id: str, profile_name: str | None = None) -> None:
    run_in_transaction(lambda s: cases.get_or_create_resident(s, wa_id, profile_name))


def anonymous_complaint_with_history(fake_rasa) -> str:
    """A resident who filed an anonymous complaint over the assistant (as Rasa records it)."""
    known_resident(REPORTER, "Pak Darmo")
    fake_rasa.say(REPORTER, "halo min")
    fake_rasa.bot(REPORTER, "Halo! Ada yang bisa dibantu?")
    fake_rasa.say(REPORTER, "mau lapor pak RT pungli bansos")
    with fake_rasa.lock:
        fake_rasa.events[REPORTER].append({"event": "active_loop", "name": "complaint_form", "timestamp": time.time()})
    fake_rasa.bot(REPORTER, "Silakan ceritakan masalahnya secara singkat.")
    fake_rasa.say(REPORTER, "pak RT minta uang 50rb tiap pencairan bansos")
    fake_rasa.bot(REPORTER, "Boleh kami tahu nama Bapak/Ibu?")
    fake_rasa.say(REPORTER, "anonim")
    with fake_rasa.lock:
        fake_rasa.events[REPORTER].append({"event": "active_loop", "name": None, "timestamp": time.time()})
    case = cases.create_complaint(REPORTER, category="pelayanan", description="pak RT minta uang 50rb",
                                  location_text="RT 03 RW 01")
    fake_rasa.bot(REPORTER, f"Pengaduan diterima dengan nomor {case.ticket}.")
    fake_rasa.say(REPORTER, "makasih, satu lagi jam buka kantor kapan?")
    fake_rasa.bot(REPORTER, "Jam layanan: Senin-Jumat 08.00-15.00.")
    return case.ticket


def test_anonymous_reporter_is_invisible_to_officers_everywhere(app, fake_rasa):
    ticket = anonymous_complaint_with_history(fake_rasa)
    assert cases.list_cases_for_sender(REPORTER)[0].anonymous
    officer = logged_in(app, "budi")

    def identity_in(text: str) -> bool:
        return any(s in text for s in (REPORTER, REPORTER_LOCAL, "Pak Darmo", "81311112222"))

    # the case page: no number, no name, no transcript, no way to the conversation
    page = officer.get(f"/kasus/{ticket}").get_data(as_text=True)
    assert ticket in page and "Dirahasiakan" in page
    assert not identity_in(page) and "/percakapan/" not in page and "pungli bansos" not in page
    # the case list, and a search by the reporter's number (both spellings) or name
    assert ticket in officer.get("/kasus/").get_data(as_text=True)
    for q in (REPORTER, REPORTER_LOCAL, "Darmo"):
        html = officer.get("/kasus/", query_string={"q": q}).get_data(as_text=True)
        assert ticket not in html, q
    assert not identity_in(officer.get("/kasus/").get_data(as_text=True))
    # the CSV export
    csv_text = officer.get("/kasus/ekspor.csv").get_data(as_text=True)
    assert ticket in csv_text and not identity_in(csv_text)
    # the resident's own page: neither in "Kasus warga ini" nor in the transcript
    conv = officer.get(f"/percakapan/{REPORTER}").get_data(as_text=True)
    assert ticket not in conv and "pak RT minta uang" not in conv and "pungli" not in conv
    assert "Pengaduan anonim" in conv and "jam buka kantor" in conv  # the rest of the conversation stays
    data = officer.get(f"/api/percakapan/{REPORTER}").json
    assert ticket not in str(data) and "pungli" not in str(data)
    # a status change is delivered to the reporter, and still leaks nothing
    officer.post(f"/kasus/{ticket}/status", {"status": "diproses", "note": "sedang ditangani"})
    page = officer.get(f"/kasus/{ticket}").get_data(as_text=True)
    assert not identity_in(page)
    assert ticket not in officer.get(f"/percakapan/{REPORTER}").get_data(as_text=True)
    # the audit log (seen by an admin) names the case, never the person
    admin = logged_in(app, "kepala", role="admin")
    audit = admin.get("/admin/audit").get_data(as_text=True)
    assert not identity_in(audit.replace(f"petugas:{REPORTER}", ""))
    # (after the audit check: a note is an action on the resident, audited as such)
    # a note an officer typed on the reporter's conversation naming the ticket is hidden there too
    officer.post(f"/percakapan/{REPORTER}/catatan", {"text": f"warga ini pelapor {ticket}"})
    officer.post(f"/percakapan/{REPORTER}/catatan", {"text": "sudah ditelepon soal jam buka"})
    conv = officer.get(f"/percakapan/{REPORTER}").get_data(as_text=True)
    assert ticket not in conv and "pelapor" not in conv and "sudah ditelepon soal jam buka" in conv
    assert ticket not in str(officer.get(f"/api/percakapan/{REPORTER}").json)


def test_only_an_admin_reveals_an_anonymous_reporter_with_a_reason_and_it_is_audited(app, fake_rasa):
    ticket = anonymous_complaint_with_history(fake_rasa)
    officer = logged_in(app, "budi")
    assert officer.post(f"/kasus/{ticket}/pelapor", {"reason": "perlu klarifikasi lapangan"}).status_code == 403
    admin = logged_in(app, "kepala", role="admin")
    assert "Buka identitas pelapor" in admin.get(f"/kasus/{ticket}").get_data(as_text=True)
    short = admin.post(f"/kasus/{ticket}/pelapor", {"reason": "cek"}, follow_redirects=True).get_data(as_text=True)
    assert REPORTER not in short and "alasan" in short.lower()
    shown = admin.post(f"/kasus/{ticket}/pelapor", {"reason": "diminta kepolisian, surat no 12/2026"})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and REPORTER in html and "Pak Darmo" in html
    audit = admin.get("/admin/audit").get_data(as_text=True)
    assert "kasus.buka_pelapor" in audit and "diminta kepolisian" in audit and REPORTER not in audit


def test_niks_are_masked_in_transcripts_whatever_the_separator(app, fake_rasa):
    sender = "6281399990000"
    known_resident(sender)
    spellings = ["3577/0112/0385/0001", "3577 0112 0385 0001", "3577.0112.0385.0001", "3577-0112-0385-0001",
                 "3577_0112_0385_0001", "nik:3577011203850001.", "3577 011203 850001"]
    for text in spellings:
        fake_rasa.say(sender, f"nik saya {text} ya")
    fake_rasa.say(sender, "/share_media", media={"type": "image", "path": "x.jpg", "caption": f"ktp {NIK}"})
    fake_rasa.say(sender, "/share_location", location={"latitude": -7.6, "longitude": 111.5, "name": f"rumah {NIK}"})
    fake_rasa.bot(sender, f"NIK: {NIK}")
    officer = logged_in(app, "budi")
    html = officer.get(f"/percakapan/{sender}").get_data(as_text=True)
    messages = officer.get(f"/api/percakapan/{sender}").json["messages"]
    data = " | ".join(str(m.get("text")) + " " + str((m.get("media") or {}).get("caption"))
                      + " " + str((m.get("location") or {}).get("name")) for m in messages)
    for body in (html, data):
        digits_runs = re.findall(r"[0-9][0-9/ ._-]{14,}[0-9]", body)
        assert not any(len(re.sub(r"\D", "", run)) == 16 for run in digits_runs), digits_runs
        assert "0112" not in body and "011203" not in body
        assert "3577" in body and "0001" in body  # masked, not removed


def test_a_copied_cookie_stops_working_at_logout(app):
    make_officer("budi")
    response, client = login(app, "budi", PASSWORD)
    assert response.status_code == 302
    cookie = client.get_cookie("kokom_console")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("kokom_console", cookie.value)
    assert thief.get("/kasus/").status_code == 200  # the copy works while the session lives
    token = csrf_from(client.get("/kasus/").get_data(as_text=True))
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302
    after = thief.get("/kasus/")
    assert after.status_code == 302 and "/masuk" in after.headers["Location"]
    assert thief.get("/api/kotak-masuk").status_code == 401
    # a new login works as before
    response, again = login(app, "budi", PASSWORD)
    assert response.status_code == 302 and again.get("/kasus/").status_code == 200


def test_production_cookies_are_secure_and_hsts_is_sent(console_env, monkeypatch):
    from console.app import create_app

    monkeypatch.setenv("KOKOM_CONSOLE_INSECURE_COOKIES", "1")
    monkeypatch.setenv("KOKOM_ENV", "production")
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/masuk")
    assert "max-age" in response.headers.get("Strict-Transport-Security", "")
    monkeypatch.setenv("KOKOM_ENV", "development")
    assert create_app({"TESTING": True, "SECRET_KEY": "x"}).config["SESSION_COOKIE_SECURE"] is False


def test_the_development_server_refuses_production_and_secures_a_public_bind(console_env, monkeypatch):
    from console import __main__ as cli

    monkeypatch.setenv("KOKOM_ENV", "production")
    assert cli.main(["run", "--host", "127.0.0.1", "--port", "0"]) == 2


@pytest.mark.e2e  # starts gunicorn as a process: the full tier
def test_the_documented_production_start_serves_the_console_with_gunicorn(db_url, tmp_path):
    """deploy/gunicorn.conf.py + console.wsgi:app, as docs/deploy.md says: loopback, HTTPS-only cookies."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    import requests

    from harness.servers import free_port, wait_http

    root = Path(__file__).resolve().parent.parent
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(root), DATABASE_URL=db_url, KOKOM_ENV="production",
               KOKOM_CONSOLE_SECRET="gunicorn-test-secret", KOKOM_CONSOLE_BIND=f"127.0.0.1:{port}",
               KOKOM_CONSOLE_INSECURE_COOKIES="1", KOKOM_MEDIA_DIR=str(tmp_path / "media"))
    log = tmp_path / "gunicorn.log"
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py",
                             "console.wsgi:app"], cwd=root, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/masuk", 60, proc, log)
        response = requests.get(f"http://127.0.0.1:{port}/masuk", timeout=10)
        assert response.status_code == 200
        assert "Strict-Transport-Security" in response.headers
        cookie = response.headers.get("Set-Cookie", "")
        assert "Secure" in cookie and "HttpOnly" in cookie, cookie
        assert requests.get(f"http://127.0.0.1:{port}/kasus/", timeout=10, allow_redirects=False).status_code == 302
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_a_broken_office_file_stops_the_console_start(console_env, monkeypatch, tmp_path):
    from console.app import create_app
    from kokom.office import OfficeConfigError

    broken = tmp_path / "kelurahan.yml"
    broken.write_text("office: [rusak\n", encoding="utf-8")
    monkeypatch.setenv("KOKOM_OFFICE_FILE", str(broken))
    with pytest.raises(OfficeConfigError):
        create_app({"TESTING": True, "SECRET_KEY": "x"})


def test_internal_notes_show_niks_masked(app, fake_rasa):
    sender = "6281377770000"
    known_resident(sender)
    officer = logged_in(app, "budi")
    officer.post_json(f"/percakapan/{sender}/catatan", {"text": "warga kirim NIK 3577 0112 0385 0001 lewat telp"})
    html = officer.get(f"/percakapan/{sender}").get_data(as_text=True)
    data = str(officer.get(f"/api/percakapan/{sender}").json["notes"])
    assert "lewat telp" in html and "0112" not in html and "0112" not in data
