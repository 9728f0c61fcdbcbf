"""Live chat takeover in the console: claim, reply, notes, finish, proactive takeover, media, failures.

Rasa is a small fake HTTP API (tests/console_fixtures.py); WhatsApp runs in sandbox
mode, so sends land in the local outbox with the 24-hour window enforced.
"""
from __future__ import annotations

import json

from sqlalchemy import select

from kokom.console_tables import AuditLog, InternalNote, OfficerReply
from kokom import cases, handoffs
from kokom.db import session_scope
from kokom.models import Case, CaseEvent, Handoff
from tests.console_fixtures import *  # noqa: F401,F403
from tests.console_fixtures import logged_in, open_window, outbox

SENDER = "6281234567001"


def escalate(rasa, sender: str = SENDER, reason: str = "requested") -> int:
    rasa.say(sender, "halo")
    rasa.bot(sender, "Halo! Ada yang bisa dibantu?")
    rasa.say(sender, "saya mau bicara dengan petugas")
    handoff = handoffs.request_handoff(sender, reason=reason, outside_hours=False)
    rasa.events[sender].append({"event": "pause", "timestamp": 1.0e10})  # as action_request_human does
    rasa.events[sender][-1]["timestamp"] = rasa.events[sender][-2]["timestamp"] + 0.001
    return handoff.id


def test_inbox_lists_waiting_conversations(app, fake_rasa):
    hid = escalate(fake_rasa, reason="fallback")
    officer = logged_in(app, "budi")
    data = officer.get("/api/kotak-masuk").json
    assert [h["id"] for h in data["waiting"]] == [hid]
    item = data["waiting"][0]
    assert item["sender_id"] == SENDER and item["reason_label"].startswith("Asisten tidak paham")
    assert item["ticket"].startswith("KON-") and item["outside_hours"] is False
    html = officer.get("/kotak-masuk").get_data(as_text=True)
    assert SENDER in html and "Ambil alih" in html


def test_claim_then_second_officer_is_refused(app, fake_rasa):
    hid = escalate(fake_rasa)
    budi = logged_in(app, "budi")
    sari = logged_in(app, "sari")
    response = budi.post(f"/handoff/{hid}/ambil")
    assert response.status_code == 302 and response.headers["Location"] == f"/percakapan/{SENDER}"
    assert fake_rasa.paused(SENDER)
    response = sari.post(f"/handoff/{hid}/ambil", follow_redirects=True)
    assert "sudah ditangani oleh petugas budi" in response.get_data(as_text=True)
    data = sari.get("/api/kotak-masuk").json
    assert data["waiting"] == [] and data["others"][0]["claimed_by"] == "budi"
    assert budi.get("/api/kotak-masuk").json["mine"][0]["id"] == hid
    with session_scope() as s:
        assert s.get(Handoff, hid).case.status == "ditangani"
        assert ("handoff.ambil", "budi") in s.execute(select(AuditLog.action, AuditLog.actor)).all()


def test_reply_goes_over_whatsapp_and_into_the_history(app, fake_rasa):
    hid = escalate(fake_rasa)
    open_window(SENDER)
    budi = logged_in(app, "budi")
    budi.post(f"/handoff/{hid}/ambil")
    response = budi.post_json(f"/percakapan/{SENDER}/balas", {"text": "Selamat pagi, saya Budi dari kelurahan."})
    assert response.status_code == 200 and response.json["ok"], response.json
    sent = outbox(SENDER)[-1]
    assert sent["text"] == "Selamat pagi, saya Budi dari kelurahan." and sent["sent_by"] == "budi"
    bot_events = [e for e in fake_rasa.events[SENDER] if e["event"] == "bot"]
    assert bot_events[-1]["metadata"]["officer"] == "budi"
    messages = budi.get(f"/api/percakapan/{SENDER}").json["messages"]
    whos = [(m["who"], m["text"]) for m in messages if m["who"] != "sistem"]
    assert whos == [("warga", "halo"), ("asisten", "Halo! Ada yang bisa dibantu?"),
                    ("warga", "saya mau bicara dengan petugas"),
                    ("petugas", "Selamat pagi, saya Budi dari kelurahan.")]
    # the resident writes while paused: the transcript shows it
    fake_rasa.say(SENDER, "Saya mau tanya syarat SKTM")
    assert budi.get(f"/api/percakapan/{SENDER}").json["messages"][-1]["text"] == "Saya mau tanya syarat SKTM"


def test_failed_send_is_shown_not_hidden(app, fake_rasa, monkeypatch):
    from kokom.whatsapp import outbound
    from kokom.whatsapp.outbound import SendResult

    hid = escalate(fake_rasa)
    open_window(SENDER)
    budi = logged_in(app, "budi")
    budi.post(f"/handoff/{hid}/ambil")
    monkeypatch.setattr(outbound, "send_text_sync",
                        lambda *a, **k: SendResult(False, 7, None, "Graph API 500: server error"))
    response = budi.post_json(f"/percakapan/{SENDER}/balas", {"text": "Halo"})
    assert response.status_code == 409 and not response.json["ok"]
    assert "GAGAL" in response.json["message"] and "Graph API 500" in response.json["message"]
    last = budi.get(f"/api/percakapan/{SENDER}").json["messages"][-1]
    assert last["failed"] and last["text"] == "Halo" and "Graph API 500" in last["error"]
    assert not [e for e in fake_rasa.events[SENDER] if e["event"] == "bot" and e.get("metadata")]
    html = budi.get(f"/percakapan/{SENDER}").get_data(as_text=True)
    assert "GAGAL terkirim" in html


def test_outside_the_window_only_the_template(app, fake_rasa, monkeypatch):
    hid = escalate(fake_rasa)
    budi = logged_in(app, "budi")
    budi.post(f"/handoff/{hid}/ambil")
    data = budi.get(f"/api/percakapan/{SENDER}").json
    assert data["window"]["open"] is False and data["can_reply"] is True
    response = budi.post_json(f"/percakapan/{SENDER}/balas", {"text": "Halo"})
    assert response.status_code == 409 and "24 jam" in response.json["message"]
    assert outbox(SENDER) == []
    monkeypatch.setenv("WHATSAPP_TEMPLATE_NAME", "kokom_lanjutan")
    response = budi.post_json(f"/percakapan/{SENDER}/template")
    assert response.json["ok"], response.json
    assert outbox(SENDER)[-1]["type"] == "template"
    assert "jendela 24 jam WhatsApp tertutup" in budi.get(f"/percakapan/{SENDER}").get_data(as_text=True).lower() \
        or "Jendela 24 jam WhatsApp tertutup" in budi.get(f"/percakapan/{SENDER}").get_data(as_text=True)


def test_only_the_claiming_officer_replies(app, fake_rasa):
    hid = escalate(fake_rasa)
    open_window(SENDER)
    budi = logged_in(app, "budi")
    sari = logged_in(app, "sari")
    response = budi.post_json(f"/percakapan/{SENDER}/balas", {"text": "Halo"})
    assert response.status_code == 409 and "Ambil alih" in response.json["message"]
    budi.post(f"/handoff/{hid}/ambil")
    response = sari.post_json(f"/percakapan/{SENDER}/balas", {"text": "Halo"})
    assert response.status_code == 409 and "budi" in response.json["message"]
    assert sari.post_json(f"/percakapan/{SENDER}/selesai", {"note": "x"}).status_code == 409


def test_internal_notes_are_not_sent(app, fake_rasa):
    escalate(fake_rasa)
    budi = logged_in(app, "budi")
    response = budi.post_json(f"/percakapan/{SENDER}/catatan", {"text": "Warga lansia, mohon dibantu pelan-pelan"})
    assert response.json["ok"]
    notes = budi.get(f"/api/percakapan/{SENDER}").json["notes"]
    assert notes[0]["text"] == "Warga lansia, mohon dibantu pelan-pelan" and notes[0]["author"] == "budi"
    assert outbox(SENDER) == []
    assert not [e for e in fake_rasa.events[SENDER] if "lansia" in str(e)]
    with session_scope() as s:
        assert s.execute(select(InternalNote)).scalar_one().handoff_id is not None


def test_finish_resumes_closes_and_asks_for_a_rating(app, fake_rasa):
    hid = escalate(fake_rasa)
    open_window(SENDER)
    budi = logged_in(app, "budi")
    budi.post(f"/handoff/{hid}/ambil")
    response = budi.post(f"/percakapan/{SENDER}/selesai", {"note": "Sudah dijelaskan syarat SKTM"})
    assert response.status_code == 302
    assert not fake_rasa.paused(SENDER)
    kinds = [(e["event"], e.get("name")) for e in fake_rasa.events[SENDER]]
    resumed = kinds.index(("resume", None))
    assert kinds[resumed + 1] == ("action", "action_listen")  # the next message is a normal turn
    with session_scope() as s:
        h = s.get(Handoff, hid)
        assert h.status == "closed" and h.case.status == "selesai"
        last = s.execute(select(CaseEvent).where(CaseEvent.case_id == h.case_id).order_by(CaseEvent.id.desc())
                         ).scalars().first()
        assert (last.actor, last.to_status, last.note) == ("budi", "selesai", "Sudah dijelaskan syarat SKTM")
    sent = outbox(SENDER)
    assert "Percakapan dengan petugas sudah selesai" in sent[-2]["text"]
    assert sent[-1]["type"] == "interactive"
    payload = json.dumps(sent[-1]["payload"])
    for n in range(1, 6):
        assert f'/rate{{\\"rating\\": {n}, \\"ticket_id\\": \\"KON-' in payload
    assert budi.get("/api/kotak-masuk").json["mine"] == []
    data = budi.get(f"/api/percakapan/{SENDER}").json
    assert data["handoff"] is None and data["can_reply"] is False


def test_proactive_takeover_pauses_the_assistant(app, fake_rasa):
    complaint = cases.create_complaint(SENDER, category="kebersihan", description="Sampah menumpuk",
                                       reporter_name="Sari")
    budi = logged_in(app, "budi")
    response = budi.post(f"/percakapan/{SENDER}/ambil-alih", follow_redirects=True)
    assert "Percakapan diambil alih" in response.get_data(as_text=True)
    assert fake_rasa.paused(SENDER)
    assert ("active_loop", None) in [(e["event"], e.get("name")) for e in fake_rasa.events[SENDER]]  # form ended
    active = handoffs.active_for_sender(SENDER)
    assert active.reason == "proactive" and active.claimed_by == "budi"
    html = budi.get(f"/kasus/{complaint.ticket}").get_data(as_text=True)
    assert "Buka percakapan" in html
    # unknown numbers cannot be taken over
    response = budi.post("/percakapan/6289999999999/ambil-alih", follow_redirects=True)
    assert "belum pernah menghubungi" in response.get_data(as_text=True)
    assert not fake_rasa.paused("6289999999999")


def test_rasa_down_claim_warns_finish_refuses(app, fake_rasa):
    hid = escalate(fake_rasa)
    budi = logged_in(app, "budi")
    fake_rasa.fail = True
    response = budi.post(f"/handoff/{hid}/ambil", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "berhasil diambil alih" in html and "Asisten belum dapat dijeda" in html
    response = budi.post_json(f"/percakapan/{SENDER}/selesai", {"note": "x"})
    assert response.status_code == 409 and "belum diselesaikan" in response.json["message"]
    assert handoffs.get(hid).status == "claimed"  # nothing half-done
    data = budi.get(f"/api/percakapan/{SENDER}").json
    assert "Rasa" in data["error"]


def test_transcript_shows_media_and_location(app, fake_rasa, console_env):
    photo = console_env["media"] / "wa-foto.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0fakejpeg")
    fake_rasa.say(SENDER, "/share_media", media={"type": "image", "path": str(photo), "mime_type": "image/jpeg",
                                                 "caption": "jalan berlubang"})
    fake_rasa.say(SENDER, "/share_location", location={"latitude": -7.61, "longitude": 111.5, "name": "Gang 3"})
    fake_rasa.say(SENDER, "/share_media", media={"type": "image", "path": "/etc/passwd", "mime_type": "image/jpeg"})
    cases.create_complaint(SENDER, category="infrastruktur", description="Jalan berlubang")
    budi = logged_in(app, "budi")
    messages = budi.get(f"/api/percakapan/{SENDER}").json["messages"]
    assert messages[0]["media"]["url"] == "/media/wa-foto.jpg" and messages[0]["media"]["is_image"]
    assert messages[1]["location"]["lat"] == -7.61 and "openstreetmap.org" in messages[1]["location"]["map_url"]
    assert messages[2]["media"]["path"] is None  # outside the media dir: never linked
    image = budi.get("/media/wa-foto.jpg")
    assert image.status_code == 200 and image.data.startswith(b"\xff\xd8")
    assert "sandbox" in image.headers["Content-Security-Policy"]


def test_media_route_refuses_traversal_and_strangers(app, console_env):
    (console_env["tmp"] / "rahasia.txt").write_text("jangan")
    (console_env["media"] / "catatan.html").write_text("<script>alert(1)</script>")
    budi = logged_in(app, "budi")
    for url in ("/media/../rahasia.txt", "/media/%2e%2e/rahasia.txt", "/media/..%2frahasia.txt",
                f"/media/{console_env['tmp']}/rahasia.txt", "/media/tidak-ada.jpg"):
        response = budi.get(url, follow_redirects=True)  # "//" is merged by a 308 first
        assert response.status_code == 404, url
        assert b"jangan" not in response.data
    html = budi.get("/media/catatan.html")
    assert html.status_code == 200 and html.headers["Content-Disposition"].startswith("attachment")
    assert app.test_client().get("/media/catatan.html").status_code == 302


def test_canned_replies_edited_by_admin_appear_for_officers(app, fake_rasa):
    admin = logged_in(app, "kepala", role="admin")
    response = admin.post("/admin/balasan-cepat", {"title": "Salam", "text": "Selamat pagi, ada yang bisa dibantu?",
                                                   "position": "1"}, follow_redirects=True)
    assert "ditambahkan" in response.get_data(as_text=True)
    hid = escalate(fake_rasa)
    budi = logged_in(app, "budi")
    budi.post(f"/handoff/{hid}/ambil")
    html = budi.get(f"/percakapan/{SENDER}").get_data(as_text=True)
    assert 'data-text="Selamat pagi, ada yang bisa dibantu?"' in html
    with session_scope() as s:
        from kokom.console_tables import CannedReply

        reply_id = s.execute(select(CannedReply.id)).scalar_one()
    admin.post(f"/admin/balasan-cepat/{reply_id}", {"title": "Salam", "text": "Selamat siang", "position": "1"})
    assert 'data-text="Selamat siang"' in budi.get(f"/percakapan/{SENDER}").get_data(as_text=True)
    admin.post(f"/admin/balasan-cepat/{reply_id}", {"action": "delete"})
    assert "Selamat siang" not in budi.get(f"/percakapan/{SENDER}").get_data(as_text=True)


def test_every_reply_attempt_is_recorded(app, fake_rasa):
    hid = escalate(fake_rasa)
    open_window(SENDER)
    budi = logged_in(app, "budi")
    budi.post(f"/handoff/{hid}/ambil")
    budi.post_json(f"/percakapan/{SENDER}/balas", {"text": "Satu"})
    with session_scope() as s:
        row = s.execute(select(OfficerReply)).scalar_one()
        assert row.ok and row.in_history and row.officer == "budi" and row.handoff_id == hid
        assert s.execute(select(Case).where(Case.kind == "consultation")).scalar_one().status == "ditangani"


def test_transcript_shows_an_assistant_reply_that_whatsapp_never_delivered(app, fake_rasa, console_env):
    """After the Graph API kept failing (every retry used), officers see the answer did not arrive."""
    from kokom.whatsapp import store

    fake_rasa.say(SENDER, "halo")
    sent = store.create_outbound(SENDER, "text", "Halo, ada yang bisa kami bantu?", {"type": "text"},
                                 sent_by="bot", sandbox=False)
    store.finish_outbound(sent, ok=True, wamid="wamid.OK1", attempts=1, error=None, error_code=None,
                          used_template=False)
    lost = store.create_outbound(SENDER, "text", "Kantor buka pukul 08.00", {"type": "text"}, sent_by="bot",
                                 sandbox=False)
    store.finish_outbound(lost, ok=False, wamid=None, attempts=4, error="HTTP 500: simulated server error",
                          error_code=None, used_template=False)
    cases.create_complaint(SENDER, category="infrastruktur", description="Jalan berlubang")
    budi = logged_in(app, "budi")
    messages = budi.get(f"/api/percakapan/{SENDER}").json["messages"]
    failed = [m for m in messages if m.get("failed")]
    assert len(failed) == 1, messages
    assert "Kantor buka pukul 08.00" in failed[0]["text"] and "HTTP 500" in failed[0]["error"]
    html = budi.get(f"/percakapan/{SENDER}").get_data(as_text=True)
    assert "GAGAL terkirim" in html and "tidak terkirim ke warga" in html
