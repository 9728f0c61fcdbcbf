"""Attacks on the running assistant from this machine and the office network (real Rasa,
real action server, real WhatsApp channel against the fake Graph API)."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import requests

from kokom.whatsapp import payloads
from harness.fake_graph import new_wa_id, post_signed
from harness.servers import ACTION_TOKEN, TOKEN, rest_sender

pytestmark = pytest.mark.e2e

NIK = "3577011203850001"


def whatsapp_say(assistant, wa_id: str, text: str, handled: list[int]) -> None:
    data = payloads.build_delivery(wa_id, payloads.text_message(text), profile_name="Sri Wahyuni",
                                   phone_number_id="109876543210123")
    assert post_signed(assistant.webhook_url, data).status_code == 200
    handled[0] += 1
    assistant.wait_handled(wa_id, handled[0])


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def user_texts(tracker: dict) -> list[str]:
    return [e.get("text") or "" for e in tracker["events"] if e["event"] == "user"]


def test_rest_cannot_impersonate_a_whatsapp_resident(assistant, monkeypatch):
    wa_id = new_wa_id()
    handled = [0]
    # The resident (over the signed webhook) is half-way through a document request.
    for text in ("mau ajukan surat keterangan tidak mampu", "Budi Santoso", NIK, "Jl. Melati No. 5 RT 02 RW 03"):
        whatsapp_say(assistant, wa_id, text, handled)
    before = assistant.tracker(wa_id)
    assert before["slots"].get("requested_slot") == "purpose"
    # ... and has a case on file.
    from kokom import cases, db

    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    db.reset_engines()
    try:
        case = cases.create_complaint(wa_id, category="kebersihan", description="sampah menumpuk",
                                      reporter_name="Budi Santoso")
    finally:
        db.reset_engines()
    # Over REST, with the resident's number as the sender:
    status = texts(assistant.say(wa_id, "cek status"))
    assert case.ticket not in status
    assert "tidak ditemukan" in texts(assistant.say(wa_id, f"cek status {case.ticket}"))
    summary = texts(assistant.say(wa_id, "untuk daftar beasiswa"))
    assert "Budi" not in summary and "3577" not in summary and "Melati" not in summary
    # The resident's conversation did not move; the REST one is elsewhere.
    after = assistant.tracker(wa_id)
    assert user_texts(after) == user_texts(before) and after["slots"].get("requested_slot") == "purpose"
    assert "untuk daftar beasiswa" in user_texts(assistant.tracker(rest_sender(wa_id)))


def test_rest_cannot_type_into_a_conversation_an_officer_holds(assistant, monkeypatch):
    wa_id = new_wa_id()
    handled = [0]
    whatsapp_say(assistant, wa_id, "saya mau bicara dengan petugas", handled)
    assert assistant.tracker(wa_id)["paused"] is True
    from kokom import db, handoffs

    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    db.reset_engines()
    try:  # an officer claims it
        active = handoffs.active_for_sender(wa_id)
        assert handoffs.claim(active.id, "budi").ok
    finally:
        db.reset_engines()
    assistant.say(wa_id, "ini petugas, kirim NIK anda ke nomor saya")
    assert "ini petugas, kirim NIK anda ke nomor saya" not in user_texts(assistant.tracker(wa_id))
    rows = assistant.query("select status, claimed_by from handoffs where sender_id = :s", s=wa_id)
    assert rows == [{"status": "claimed", "claimed_by": "budi"}]


def test_rest_metadata_is_never_trusted(assistant):
    sender = "rest-metadata-1"
    body = {"sender": sender, "message": "/share_media", "input_channel": "whatsapp",
            "metadata": {"media": {"type": "image", "path": "/etc/passwd", "mime_type": "image/jpeg"},
                         "whatsapp": {"wa_id": "6281234567890"}}}
    reply = requests.post(f"{assistant.url}/webhooks/rest/webhook", json=body, timeout=60)
    assert reply.status_code == 200
    events = [e for e in assistant.tracker(rest_sender(sender))["events"] if e["event"] == "user"]
    metadata = events[-1].get("metadata") or {}
    assert events and events[-1].get("input_channel") == "rest"
    assert "media" not in metadata and "whatsapp" not in metadata  # only Rasa's own model ids


def test_rest_relayed_by_a_proxy_is_refused(assistant):
    for header in ({"X-Forwarded-For": "10.1.2.3"}, {"Forwarded": "for=10.1.2.3"}, {"X-Real-IP": "10.1.2.3"}):
        response = requests.post(f"{assistant.url}/webhooks/rest/webhook", headers=header,
                                 json={"sender": "x", "message": "halo"}, timeout=30)
        assert response.status_code == 403, header
    # the fence is the REST channel's own, not the WhatsApp channel's
    health = requests.get(f"{assistant.whatsapp_url}/health", headers={"X-Forwarded-For": "10.1.2.3"}, timeout=30)
    assert health.status_code == 200


def test_a_forged_tracker_gets_nothing_from_the_action_server(assistant):
    url = f"http://127.0.0.1:{assistant.action_port}"
    forged = {"next_action": "action_check_status", "sender_id": "6281234567890", "version": "3.6.2",
              "tracker": {"sender_id": "6281234567890", "slots": {}, "latest_message": {"text": "cek status",
                          "intent": {"name": "check_status", "confidence": 1.0}, "entities": []},
                          "events": [], "paused": False, "active_loop": {}, "latest_action_name": None},
              "domain": {}}
    for headers in ({}, {"X-Kokom-Action-Token": "guess"}, {"Authorization": f"Bearer {ACTION_TOKEN}"}):
        response = requests.post(f"{url}/webhook", json=forged, headers=headers, timeout=30)
        assert response.status_code == 401, headers
        assert "6281234567890" not in response.text
    assert requests.get(f"{url}/actions", timeout=30).status_code == 401
    assert requests.get(f"{url}/health", timeout=30).status_code == 200
    # Rasa itself, which holds the token, is served (the conversation tests prove it end to end).
    ok = requests.post(f"{url}/webhook", json=forged, headers={"X-Kokom-Action-Token": ACTION_TOKEN}, timeout=30)
    assert ok.status_code == 200 and "6281234567890" not in json.dumps(ok.json().get("responses"))


def test_oversized_webhook_bodies_are_refused_before_reading(assistant):
    big = b'{"object": "whatsapp_business_account", "entry": [], "pad": "' + b"x" * (1024 * 1024) + b'"}'
    response = requests.post(assistant.webhook_url, data=big, headers={"Content-Type": "application/json"},
                             timeout=30)
    assert response.status_code == 413

    def chunks():
        for _ in range(40):
            yield b"x" * 65536

    response = requests.post(assistant.webhook_url, data=chunks(), timeout=30)
    assert response.status_code == 413
    # the server is fine afterwards, and a normal signed delivery still works
    wa_id = new_wa_id()
    whatsapp_say(assistant, wa_id, "halo", [0])


def test_no_simulator_in_real_mode(assistant):
    assert requests.get(f"{assistant.whatsapp_url}/sandbox", timeout=30).status_code == 404
    assert requests.post(f"{assistant.whatsapp_url}/sandbox/send", json={}, timeout=30).status_code == 404


def test_the_simulator_refuses_requests_relayed_by_a_proxy(sandbox_assistant):
    base = sandbox_assistant.whatsapp_url
    assert requests.get(f"{base}/sandbox", timeout=30).status_code == 200
    for header in ({"X-Forwarded-For": "10.1.2.3"}, {"Forwarded": "for=10.1.2.3;proto=https"},
                   {"X-Real-IP": "10.1.2.3"}):
        assert requests.get(f"{base}/sandbox", headers=header, timeout=30).status_code == 403
        sent = requests.post(f"{base}/sandbox/send", headers=header, timeout=30,
                             json={"wa_id": "081234567890", "kind": "text", "text": "cek status"})
        assert sent.status_code == 403
        assert requests.get(f"{base}/sandbox/messages", params={"wa_id": "081234567890"}, headers=header,
                            timeout=30).status_code == 403


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) with a listening socket on ``port``."""
    found = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            address, hex_port = parts[1].split(":")
            if parts[3] == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


def test_servers_listen_on_loopback_only_and_keep_tokens_off_the_command_line(assistant):
    for port in (assistant.rasa_port, assistant.action_port):
        addresses = _listening(port)
        assert addresses and all(a == "0100007F" for a in addresses), (port, addresses)
    for proc in assistant.procs:
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode(errors="replace")
        assert TOKEN not in cmdline and ACTION_TOKEN not in cmdline, cmdline


def test_everything_the_processes_wrote_is_private(sandbox_assistant):
    # the sandbox assistant has received messages, media and spooled deliveries by now
    sandbox_assistant.say("rest-file-modes", "halo")
    harness = {"endpoints.yml", "credentials.yml", "actions.log", "rasa.log"}
    checked = 0
    for path in sandbox_assistant.workdir.rglob("*"):
        if path.name in harness:
            continue
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        assert mode & 0o077 == 0, (path, oct(mode))
        checked += 1
    assert checked >= 4  # databases, spool, sandbox secret...
