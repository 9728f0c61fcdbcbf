"""Faults that must lose nothing: a crashed action server in the middle of a form."""
from __future__ import annotations

import json

import pytest

from kokom import wording
from kokom.whatsapp import payloads
from harness.fake_graph import new_wa_id, post_signed

pytestmark = pytest.mark.e2e

NIK = "3577011203850001"


def test_a_crashed_action_server_gets_an_apology_and_the_form_goes_on_after_the_restart(assistant):
    wa_id = new_wa_id()
    graph = assistant.fake_graph
    handled = [0]

    def say(text: str) -> str:
        seen = len(graph.sends(wa_id))
        delivery = payloads.build_delivery(wa_id, payloads.text_message(text), profile_name="Budi")
        assert post_signed(assistant.webhook_url, delivery).status_code == 200
        handled[0] += 1
        assistant.wait_handled(wa_id, handled[0])
        out = []
        for sent in graph.sends(wa_id)[seen:]:
            if sent["type"] == "text":
                out.append(sent["text"]["body"])
            elif sent["type"] == "interactive":
                out.append(sent["interactive"]["body"]["text"])
        return "\n".join(out)

    say("mau ajukan surat keterangan tidak mampu")
    assert "nik" in say("Budi Santoso").lower()
    assistant.kill_actions()
    try:
        reply = say(NIK)
        assert wording.text("utter_service_trouble") in reply  # not silence
    finally:
        assistant.start_actions()
    # The form was not lost: the same answer now goes through and the next question follows.
    reply = say(NIK)
    assert "alamat" in reply.lower(), reply
    slots = assistant.tracker(wa_id)["slots"]
    assert slots.get("applicant_name") == "Budi Santoso" and slots.get("nik") == NIK


def test_a_full_disk_while_spooling_answers_5xx_so_meta_retries(assistant):
    """The webhook never acknowledges a delivery it could not keep."""
    import subprocess

    spool = assistant.workdir / "whatsapp-spool"
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", str(spool)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tiny filesystem here: {mounted.stderr.decode()[:200]}")
    wa_id = new_wa_id()
    delivery = payloads.build_delivery(wa_id, payloads.text_message("halo, lampu jalan mati " * 40),
                                       profile_name="Budi")
    try:
        with open(spool / "filler.bin", "wb", buffering=0) as handle:  # fill it up
            try:
                while True:
                    handle.write(b"x" * 1024)
            except OSError:
                pass
        response = post_signed(assistant.webhook_url, delivery)
        assert response.status_code >= 500, response.text
        assert assistant.inbound(wa_id) == []
    finally:
        subprocess.run(["umount", str(spool)], check=True)
    # Meta retries the same delivery once the disk has room: accepted and answered once.
    assert post_signed(assistant.webhook_url, delivery).status_code == 200
    assistant.wait_handled(wa_id, 1)
    assert len(assistant.inbound(wa_id)) == 1 and assistant.fake_graph.sends(wa_id)


def test_ten_copies_of_one_delivery_at_once_are_answered_once_and_a_status_storm_is_harmless(assistant):
    from concurrent.futures import ThreadPoolExecutor

    wa_id = new_wa_id()
    delivery = payloads.build_delivery(wa_id, payloads.text_message("jam buka kantor kapan?"), profile_name="Sri")
    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(lambda _: post_signed(assistant.webhook_url, delivery).status_code, range(10)))
    assert codes == [200] * 10
    assistant.wait_handled(wa_id, 1)
    rows = assistant.inbound(wa_id)
    assert len(rows) == 1
    answers = assistant.fake_graph.sends(wa_id)
    assert answers
    # a storm of status events for what was sent: recorded, nothing sent, nothing handled as input
    wamid = assistant.fake_graph.wamid_of(answers[0]) or "wamid.unknown"
    storm = [payloads.build_status_delivery(wamid, status, wa_id)
             for _ in range(20) for status in ("sent", "delivered", "read")]
    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(lambda d: post_signed(assistant.webhook_url, d).status_code, storm))
    assert codes == [200] * len(storm)
    import time

    deadline = time.time() + 60
    while time.time() < deadline:  # the ingester records them right after the 200s
        rows = assistant.query("select status from wa_status_events where wamid = :w", w=wamid)
        if {r["status"] for r in rows} == {"sent", "delivered", "read"}:
            break
        time.sleep(0.1)
    assert sorted(r["status"] for r in rows) == ["delivered", "read", "sent"]  # each once
    outbound = assistant.query("select status from wa_outbound_messages where wamid = :w", w=wamid)
    assert outbound == [{"status": "read"}]
    assert len(assistant.inbound(wa_id)) == 1 and len(assistant.fake_graph.sends(wa_id)) == len(answers)


def test_graph_api_failing_for_a_while_then_for_good(assistant, monkeypatch):
    """500s and a 429 for a while: the replies arrive after retries, in order, none twice; a
    reply whose every attempt fails is recorded with its error and shown to officers."""
    from console import chat
    from harness.servers import TOKEN
    from kokom import db

    wa_id = new_wa_id()
    graph = assistant.fake_graph
    graph.fail_next(2, status=500, to=wa_id)
    graph.fail_next(1, status=429, to=wa_id, headers={"Retry-After": "0"})
    delivery = payloads.build_delivery(wa_id, payloads.text_message("halo"), profile_name="Budi")
    assert post_signed(assistant.webhook_url, delivery).status_code == 200
    assistant.wait_handled(wa_id, 1)
    records = graph.sends_records(wa_id)
    assert [r.status for r in records[:3]] == [500, 500, 429]
    delivered = [r.response["messages"][0]["id"] for r in records if r.status == 200]
    rows = assistant.outbound(wa_id)
    assert len(rows) >= 2 and all(r["status"] == "sent" for r in rows)
    # one successful send per recorded message, in the order the assistant produced them
    assert [r["wamid"] for r in rows] == delivered
    sent_bodies = [json.dumps(r.json, sort_keys=True) for r in records if r.status == 200]
    assert len(set(sent_bodies)) == len(sent_bodies)

    graph.fail_next(4, status=500, to=wa_id)  # WHATSAPP_MAX_ATTEMPTS in the test servers
    delivery = payloads.build_delivery(wa_id, payloads.text_message("jam buka kantor kapan?"), profile_name="Budi")
    assert post_signed(assistant.webhook_url, delivery).status_code == 200
    assistant.wait_handled(wa_id, 2)
    failed = [r for r in assistant.outbound(wa_id) if r["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["attempts"] == 4 and "500" in failed[0]["error"]
    assert assistant.inbound(wa_id)[-1]["status"] == "done"  # the conversation itself went on

    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    monkeypatch.setenv("RASA_URL", assistant.url)
    monkeypatch.setenv("RASA_TOKEN", TOKEN)
    db.reset_engines()
    try:
        shown = [m for m in chat.transcript(wa_id, assistant.workdir / "media")["messages"] if m.get("failed")]
    finally:
        db.reset_engines()
    assert len(shown) == 1 and "500" in shown[0]["error"] and failed[0]["body"][:20] in shown[0]["text"]


def test_database_refusing_the_case_keeps_the_answers_and_the_next_yes_saves_once(assistant):
    """The database fails exactly when the case is saved (a trigger refuses inserts into
    ``cases``): the resident is told, the form keeps every answer and asks again; after the
    database is back, *ya* saves the case once."""
    import sqlite3

    wa_id = new_wa_id()
    graph = assistant.fake_graph
    handled = [0]

    def say(text: str) -> str:
        seen = len(graph.sends(wa_id))
        delivery = payloads.build_delivery(wa_id, payloads.text_message(text), profile_name="Hendra")
        assert post_signed(assistant.webhook_url, delivery).status_code == 200
        handled[0] += 1
        assistant.wait_handled(wa_id, handled[0])
        out = []
        for sent in graph.sends(wa_id)[seen:]:
            if sent["type"] == "text":
                out.append(sent["text"]["body"])
            elif sent["type"] == "interactive":
                out.append(sent["interactive"]["body"]["text"])
        return "\n".join(out)

    def my_cases() -> list[dict]:
        return assistant.query("SELECT c.* FROM cases c JOIN residents r ON r.id = c.resident_id "
                               "WHERE r.wa_id = :w", w=wa_id)

    reply = say(f"saya mau buat surat domisili, nama Hendra Wijaya NIK {NIK}, alamat jl cendrawasih 5 rt 1 rw 3, "
                "untuk daftar sekolah anak")
    assert "balas *ya*" in reply.lower() or "kirim" in reply.lower(), reply  # the summary to confirm
    db_file = assistant.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(db_file) as conn:
        conn.execute("CREATE TRIGGER kokom_test_down BEFORE INSERT ON cases "
                     "BEGIN SELECT RAISE(ABORT, 'database unavailable (test)'); END")
    try:
        reply = say("iya benar kirim")
    finally:
        with sqlite3.connect(db_file) as conn:
            conn.execute("DROP TRIGGER kokom_test_down")
    assert "belum berhasil disimpan" in reply and "tetap kami simpan" in reply, reply
    assert my_cases() == []
    slots = assistant.tracker(wa_id)["slots"]
    assert slots.get("applicant_name") == "Hendra Wijaya" and slots.get("nik") == NIK  # answers kept
    assert slots.get("document_confirm") is None

    reply = say("ya")
    assert "DOK-" in reply, reply
    (case,) = my_cases()
    assert case["full_name"] == "Hendra Wijaya" and case["document_type"] == "surat_domisili"
