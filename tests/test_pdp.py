"""Privacy operations: NIK encryption at rest, export, erasure, retention (SQLite and PostgreSQL)."""
from __future__ import annotations

import io
import json
import os
import time
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, func, select, text

from kokom import cases, handoffs, pdp
from kokom.console_tables import AuditLog
from kokom.db import session_scope
from kokom.models import Case, Resident, utcnow
from kokom.whatsapp import models as wa
from kokom.whatsapp import payloads, store

DAY = date(2026, 11, 27)
NIK = "3577011203850001"
WA = "6281234500001"
OTHER = "6281234500002"

TRACKER_DDL = """CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,
  type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255),
  data TEXT)"""


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path, monkeypatch):
    """A migrated database (SQLite, or PostgreSQL via the conftest fixtures), a tracker database
    shaped like Rasa's and a media folder."""
    fixture = "db_url" if request.param == "sqlite" else "pg_db_url"
    url = request.getfixturevalue(fixture)
    media = tmp_path / "media" / "2026-11"
    media.mkdir(parents=True)
    monkeypatch.setenv("KOKOM_MEDIA_DIR", str(tmp_path / "media"))
    # Rasa's conversations on the same kind of database (PostgreSQL: beside the cases, as a table
    # named like Rasa's, with an id sequence as Rasa's SQLTrackerStore creates it).
    tracker = f"sqlite:///{tmp_path / 'tracker.db'}" if request.param == "sqlite" else url
    monkeypatch.setenv("TRACKER_DATABASE_URL", tracker)
    engine = create_engine(tracker, future=True)
    with engine.begin() as conn:
        conn.execute(text(TRACKER_DDL if request.param == "sqlite"
                          else TRACKER_DDL.replace("id INTEGER PRIMARY KEY", "id SERIAL PRIMARY KEY")))
    pdp._tracker_engines.clear()
    yield {"url": url, "media": media, "tracker": engine}
    engine.dispose()
    pdp._tracker_engines.clear()


def add_events(engine, sender: str, events: list[dict]) -> None:
    with engine.begin() as conn:
        for ev in events:
            conn.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                         {"s": sender, "t": ev["event"], "ts": ev["timestamp"], "d": json.dumps(ev)})


def resident_with_everything(env, wa_id: str = WA) -> dict:
    photo = env["media"] / "wa-photo-1.jpg"
    photo.write_bytes(b"\xff\xd8 photo")
    sent = env["media"] / "wa-photo-2.jpg"
    sent.write_bytes(b"\xff\xd8 sent in chat")
    named = cases.create_complaint(wa_id, category="kebersihan", description="Sampah di gang 3",
                                   location_text="Gang 3", photo_path=str(photo), reporter_name="Siti", today=DAY)
    anonymous = cases.create_complaint(wa_id, category="keamanan", description="Anonim: lampu mati",
                                       today=DAY)
    doc = cases.create_document_request(wa_id, document_type="sktm", full_name="Siti Aminah", nik=NIK,
                                        address="Jl. Melati 5 RT 02 RW 03", purpose="Beasiswa", today=DAY)
    cases.save_feedback(wa_id, text="Pelayanan cepat", rating=5) if _has_feedback_args() else None
    delivery = payloads.build_delivery(wa_id, payloads.text_message(f"NIK saya {NIK}"))
    parsed = payloads.parse_delivery(delivery)
    store.accept_delivery(parsed.messages, parsed.statuses)
    store.create_outbound(wa_id, "text", "Terima kasih, Bapak/Ibu", {"x": 1}, sent_by="bot", sandbox=True)
    now = time.time()
    add_events(env["tracker"], wa_id, [
        {"event": "user", "timestamp": now, "text": "halo", "metadata": {}},
        {"event": "user", "timestamp": now, "text": "/share_media", "metadata": {"media": {"path": str(sent)}}},
        {"event": "bot", "timestamp": now, "text": "Terima kasih"},
    ])
    return {"named": named, "anonymous": anonymous, "doc": doc, "photo": photo, "sent": sent}


def _has_feedback_args() -> bool:
    import inspect

    params = inspect.signature(cases.save_feedback).parameters
    return "text" in params and "rating" in params


def test_nik_is_encrypted_at_rest_and_found_by_its_keyed_hash(backend):
    from kokom import nik_crypto

    cases.create_document_request(WA, document_type="sktm", full_name="Budi", nik=NIK,
                                  address="RT 1 RW 2", purpose="x", today=DAY)
    with session_scope() as s:
        raw, digest = s.execute(text("SELECT nik, nik_hash FROM cases")).one()
        assert raw.startswith("gAAAAA") and NIK not in raw
        assert s.execute(select(Case.nik)).scalar_one() == NIK  # the ORM reads it back
        found = s.execute(select(Case.ticket).where(Case.nik_hash == nik_crypto.blind_index(NIK))).scalar_one()
        assert found.startswith("DOK-") and digest == nik_crypto.blind_index(NIK)


def test_rotation_reencrypts_with_the_new_key(backend, monkeypatch):
    from kokom import nik_crypto

    monkeypatch.setenv("KOKOM_NIK_KEYS", "old-key-" + "o" * 40)
    cases.create_document_request(WA, document_type="sktm", full_name="Budi", nik=NIK,
                                  address="RT 1 RW 2", purpose="x", today=DAY)
    with session_scope() as s:
        old_token = s.execute(text("SELECT nik FROM cases")).scalar_one()
    monkeypatch.setenv("KOKOM_NIK_KEYS", "new-key-" + "n" * 40 + ",old-key-" + "o" * 40)
    assert pdp.rotate_nik_key() == 1
    monkeypatch.setenv("KOKOM_NIK_KEYS", "new-key-" + "n" * 40)  # the old key dropped
    with session_scope() as s:
        new_token = s.execute(text("SELECT nik FROM cases")).scalar_one()
        assert new_token != old_token and s.execute(select(Case.nik)).scalar_one() == NIK
        assert s.execute(select(AuditLog.action).where(AuditLog.action == "pdp.rotate_nik_key")).first()
    with pytest.raises(nik_crypto.NikKeyError):
        nik_crypto.decrypt(old_token, ["new-key-" + "n" * 40])


def test_migration_encrypts_existing_niks(tmp_path, monkeypatch):
    """A database at 0008 with a plain NIK: upgrading to 0009 encrypts it and fills the hash."""
    from alembic import command
    from alembic.config import Config

    from kokom import db, nik_crypto

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config()
    config.set_main_option("script_location", str(db.Path(db.__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    engine = create_engine(url, future=True)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0008")
        conn.execute(text("INSERT INTO residents (wa_id, created_at) VALUES ('6281', '2026-01-01')"))
        conn.execute(text("INSERT INTO cases (ticket, kind, status, resident_id, anonymous, nik, created_at, "
                          "updated_at) VALUES ('DOK-1', 'document', 'diterima', 1, 0, :nik, '2026-01-01', "
                          "'2026-01-01')"), {"nik": NIK})
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        raw, digest = conn.execute(text("SELECT nik, nik_hash FROM cases")).one()
    assert nik_crypto.is_token(raw) and nik_crypto.decrypt(raw) == NIK and digest == nik_crypto.blind_index(NIK)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
        assert conn.execute(text("SELECT nik FROM cases")).scalar_one() == NIK
    engine.dispose()


def test_export_has_everything_but_anonymous_complaints(backend):
    made = resident_with_everything(backend)
    resident_with_everything(backend, OTHER)
    result = pdp.export_resident(WA, actor="admin1")
    archive = zipfile.ZipFile(io.BytesIO(result.data))
    names = set(archive.namelist())
    assert {"BACA.txt", "warga.json", "kasus.json", "pesan_masuk.json", "pesan_keluar.json",
            "percakapan.json"} <= names
    found = json.loads(archive.read("kasus.json"))
    tickets = {c["ticket"] for c in found}
    assert tickets == {made["named"].ticket, made["doc"].ticket}  # never the anonymous complaint
    assert any(c.get("nik") == NIK for c in found)  # their own data, in full
    assert json.loads(archive.read("warga.json"))["wa_id"] == WA
    assert len(json.loads(archive.read("pesan_masuk.json"))) == 1
    assert [e["text"] for e in json.loads(archive.read("percakapan.json"))] == ["halo", "/share_media", "Terima kasih"]
    media = {n for n in names if n.startswith("media/")}
    assert media == {"media/wa-photo-1.jpg", "media/wa-photo-2.jpg"}
    assert OTHER not in archive.read("pesan_masuk.json").decode()
    with session_scope() as s:
        entry = s.execute(select(AuditLog).where(AuditLog.action == "pdp.export")).scalar_one()
        assert entry.actor == "admin1" and WA not in (entry.target or "") and WA not in (entry.detail or "")
    with pytest.raises(pdp.PdpError):
        pdp.export_resident("6289999999999", actor="admin1")


def test_erasure_removes_the_person_and_keeps_statistics(backend):
    made = resident_with_everything(backend)
    resident_with_everything(backend, OTHER)
    counts = pdp.erase_resident(WA, actor="admin1")
    assert counts["kasus_dianonimkan"] == 3 and counts["media"] == 2 and counts["percakapan"] == 3
    assert not made["photo"].exists() and not made["sent"].exists()
    with session_scope() as s:
        assert s.execute(select(Resident).where(Resident.wa_id == WA)).first() is None
        rows = s.execute(select(Case).order_by(Case.id)).scalars().all()
        mine = [c for c in rows if c.ticket in {made["named"].ticket, made["anonymous"].ticket, made["doc"].ticket}]
        assert len(mine) == 3  # statistics stay: kind, category, status, dates, RT/RW
        for case in mine:
            assert case.resident.wa_id == pdp.ERASED_WA_ID
            assert case.nik is None and case.full_name is None and case.reporter_name is None
            assert case.photo_path is None and case.description == pdp.ERASED_TEXT
        assert {c.kind for c in mine} == {"complaint", "document"}
        assert s.execute(select(func.count()).select_from(wa.WaInboundMessage)
                         .where(wa.WaInboundMessage.wa_id == WA)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(wa.WaOutboundMessage)
                         .where(wa.WaOutboundMessage.wa_id == WA)).scalar_one() == 0
        # The other resident is untouched.
        assert s.execute(select(Resident).where(Resident.wa_id == OTHER)).scalar_one()
        assert s.execute(select(func.count()).select_from(wa.WaInboundMessage)
                         .where(wa.WaInboundMessage.wa_id == OTHER)).scalar_one() == 1
        entry = s.execute(select(AuditLog).where(AuditLog.action == "pdp.erase")).scalar_one()
        assert WA not in (entry.target or "") + (entry.detail or "")
    assert pdp.conversation_events(WA) == [] and len(pdp.conversation_events(OTHER)) == 3
    with pytest.raises(pdp.PdpError):
        pdp.erase_resident(WA, actor="admin1")  # nothing left


def test_erasure_waits_for_an_open_handoff(backend):
    resident_with_everything(backend)
    handoffs.request_handoff(WA, reason="requested", outside_hours=False)
    with pytest.raises(pdp.PdpError, match="petugas"):
        pdp.erase_resident(WA, actor="admin1")
    with session_scope() as s:  # nothing half-done
        assert s.execute(select(Resident).where(Resident.wa_id == WA)).scalar_one()
    assert len(pdp.conversation_events(WA)) == 3


def test_retention_dry_run_lists_and_the_run_removes(backend):
    made = resident_with_everything(backend)
    long_ago = utcnow() - timedelta(days=4000)
    old_ts = time.time() - 4000 * 86400
    add_events(backend["tracker"], "6281234500099", [{"event": "user", "timestamp": old_ts, "text": "lama"}])
    os.utime(made["photo"], (old_ts, old_ts))
    with session_scope() as s:
        doc = s.execute(select(Case).where(Case.ticket == made["doc"].ticket)).scalar_one()
        doc.status = "sudah_diambil"
        s.flush()
        s.execute(text("UPDATE cases SET updated_at = :t WHERE id = :id"), {"t": long_ago, "id": doc.id})
        s.execute(text("UPDATE wa_inbound_messages SET received_at = :t, status = 'done'"), {"t": long_ago})
    report = pdp.retention(dry_run=True)
    assert report.dry_run and report.counts["media"] == 1 and report.counts["percakapan"] == 1
    assert report.counts["kasus_dianonimkan"] == 1 and report.counts["wa_inbound_messages"] == 1
    assert made["photo"].exists() and len(pdp.conversation_events("6281234500099")) == 1
    with session_scope() as s:
        assert s.execute(select(Case.nik).where(Case.ticket == made["doc"].ticket)).scalar_one() == NIK

    report = pdp.retention()
    assert not made["photo"].exists() and made["sent"].exists()
    assert pdp.conversation_events("6281234500099") == [] and len(pdp.conversation_events(WA)) == 3
    with session_scope() as s:
        doc = s.execute(select(Case).where(Case.ticket == made["doc"].ticket)).scalar_one()
        assert doc.nik is None and doc.full_name is None and doc.status == "sudah_diambil"
        named = s.execute(select(Case).where(Case.ticket == made["named"].ticket)).scalar_one()
        assert named.photo_path is None and named.description == "Sampah di gang 3"  # open case kept
        assert s.execute(select(func.count()).select_from(wa.WaInboundMessage)).scalar_one() == 0
        assert s.execute(select(AuditLog).where(AuditLog.action == "pdp.retention")).scalar_one()
    # Nothing left to do a second time.
    again = pdp.retention(dry_run=True)
    assert again.counts["kasus_dianonimkan"] == 0 and again.counts["media"] == 0


def test_retention_cuts_old_events_out_of_active_conversations(backend):
    """A resident who wrote long ago and again today: the old sessions' events go (the dry run
    counts them), the running session stays whole, the conversation itself stays."""
    resident_with_everything(backend)  # WA: events of today only
    old_ts, now = time.time() - 4000 * 86400, time.time()
    active = "6281234500077"
    add_events(backend["tracker"], active, [
        {"event": "action", "timestamp": old_ts, "name": "action_session_start"},
        {"event": "session_started", "timestamp": old_ts},
        {"event": "user", "timestamp": old_ts, "text": "lapor lama NIK 3577011203850001"},
        {"event": "bot", "timestamp": old_ts, "text": "Laporan diterima"},
        {"event": "action", "timestamp": now, "name": "action_session_start"},
        {"event": "session_started", "timestamp": now},
        {"event": "user", "timestamp": now, "text": "halo lagi"},
    ])
    # A session that began before the cutoff and is still running (an extreme case) is never cut.
    running = "6281234500078"
    add_events(backend["tracker"], running, [
        {"event": "session_started", "timestamp": old_ts},
        {"event": "user", "timestamp": old_ts, "text": "mau buat sktm"},
        {"event": "slot", "timestamp": old_ts, "name": "document_type", "value": "sktm"},
        {"event": "user", "timestamp": now, "text": "nama saya Siti"},
    ])
    report = pdp.retention(dry_run=True)
    assert report.counts["percakapan_event_lama"] == 4 and report.counts["percakapan"] == 0
    assert len(pdp.conversation_events(active)) == 7  # a dry run deletes nothing

    report = pdp.retention()
    assert report.counts["percakapan_event_lama"] == 4
    assert [e.get("text") for e in pdp.conversation_events(active)] == [None, None, "halo lagi"]
    assert len(pdp.conversation_events(running)) == 4 and len(pdp.conversation_events(WA)) == 3
    assert pdp.retention(dry_run=True).counts["percakapan_event_lama"] == 0


def test_retention_settings_are_checked():
    from kokom.office import OfficeConfigError, _parse_retention, _Problems

    problems = _Problems()
    assert _parse_retention(problems, {"media_days": 90}).media_days == 90 and not problems.items
    _parse_retention(problems, {"media_days": 5, "lupa": 1})
    assert any("media_days" in p for p in problems.items) and any("lupa" in p for p in problems.items)
    assert OfficeConfigError


def test_cli_erase_needs_the_number_twice(backend, capsys):
    resident_with_everything(backend)
    assert pdp.main(["erase", WA, "--confirm", OTHER]) == 2
    with session_scope() as s:
        assert s.execute(select(Resident).where(Resident.wa_id == WA)).scalar_one()
    assert pdp.main(["erase", WA, "--confirm", WA]) == 0
    assert "Dihapus" in capsys.readouterr().out


# --- the console's admin page ---------------------------------------------------------------

from tests.console_fixtures import *  # noqa: E402,F401,F403
from tests.console_fixtures import PASSWORD, logged_in  # noqa: E402


@pytest.fixture()
def console_pdp(app, console_env, tmp_path, monkeypatch):
    tracker = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("TRACKER_DATABASE_URL", tracker)
    engine = create_engine(tracker, future=True)
    with engine.begin() as conn:
        conn.execute(text(TRACKER_DDL))
    pdp._tracker_engines.clear()
    media = console_env["media"] / "2026-11"
    media.mkdir()
    yield {"media": media, "tracker": engine}
    engine.dispose()
    pdp._tracker_engines.clear()


def test_console_privacy_page_is_for_admins_only(app, console_pdp):
    officer = logged_in(app, "petugas1")
    assert officer.get("/admin/data-pribadi/").status_code == 403
    assert officer.post("/admin/data-pribadi/ekspor", {"wa_id": WA}).status_code == 403
    assert officer.post("/admin/data-pribadi/hapus", {"wa_id": WA, "wa_id_confirm": WA,
                                                      "password": PASSWORD}).status_code == 403


def test_console_export_and_verified_erasure(app, console_pdp):
    resident_with_everything(console_pdp)
    admin = logged_in(app, "admin1", role="admin")
    page = admin.get("/admin/data-pribadi/")
    assert page.status_code == 200 and "Hapus data warga" in page.get_data(as_text=True)
    resp = admin.post("/admin/data-pribadi/ekspor", {"wa_id": "0812-3450-0001"})
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    assert WA not in resp.headers["Content-Disposition"]
    assert "kasus.json" in zipfile.ZipFile(io.BytesIO(resp.data)).namelist()

    # Typed differently, or the wrong password: nothing is erased.
    resp = admin.post("/admin/data-pribadi/hapus", {"wa_id": WA, "wa_id_confirm": OTHER, "password": PASSWORD},
                      follow_redirects=True)
    assert "Tidak ada yang dihapus" in resp.get_data(as_text=True)
    resp = admin.post("/admin/data-pribadi/hapus", {"wa_id": WA, "wa_id_confirm": WA, "password": "salah"},
                      follow_redirects=True)
    assert "Kata sandi Anda salah" in resp.get_data(as_text=True)
    with session_scope() as s:
        assert s.execute(select(Resident).where(Resident.wa_id == WA)).scalar_one()

    resp = admin.post("/admin/data-pribadi/hapus", {"wa_id": WA, "wa_id_confirm": WA, "password": PASSWORD},
                      follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert "dihapus" in body and WA not in body
    with session_scope() as s:
        assert s.execute(select(Resident).where(Resident.wa_id == WA)).first() is None
        actions = set(s.execute(select(AuditLog.action)).scalars())
        assert {"pdp.export", "pdp.erase"} <= actions

    resp = admin.post("/admin/data-pribadi/retensi")
    assert resp.status_code == 200 and "SIMULASI" in resp.get_data(as_text=True)


def test_erasure_handles_tables_added_by_later_migrations(backend, monkeypatch):
    """A ratings-like table linked to the resident stays as statistics; a number-keyed one is deleted."""
    from sqlalchemy import Column, Integer, MetaData, String, Table, Text

    from kokom.db import get_engine

    meta = MetaData()
    ratings = Table("x_ratings", meta, Column("id", Integer, primary_key=True),
                    Column("resident_id", Integer), Column("wa_id", String(64)),
                    Column("score", Integer), Column("comment", Text, nullable=True))
    drafts = Table("x_drafts", meta, Column("id", Integer, primary_key=True), Column("sender_id", String(64)),
                   Column("body", Text))
    engine = get_engine()
    resident_with_everything(backend)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE x_ratings (id INTEGER PRIMARY KEY, resident_id INTEGER, wa_id VARCHAR(64), "
                          "score INTEGER, comment TEXT)"))
        conn.execute(text("CREATE TABLE x_drafts (id INTEGER PRIMARY KEY, sender_id VARCHAR(64), body TEXT)"))
        rid = conn.execute(text("SELECT id FROM residents WHERE wa_id = :w"), {"w": WA}).scalar_one()
        conn.execute(text("INSERT INTO x_ratings (id, resident_id, wa_id, score, comment) VALUES (1, :r, :w, 5, 'ok')"),
                     {"r": rid, "w": WA})
        conn.execute(text("INSERT INTO x_drafts (id, sender_id, body) VALUES (1, :w, 'draft')"), {"w": WA})
    monkeypatch.setattr(pdp, "_other_tables", lambda: [ratings, drafts])
    try:
        exported = zipfile.ZipFile(io.BytesIO(pdp.export_resident(WA, actor="admin1").data))
        assert {"lainnya/x_ratings.json", "lainnya/x_drafts.json"} <= set(exported.namelist())
        counts = pdp.erase_resident(WA, actor="admin1")
        assert counts["x_ratings"] == 1 and counts["x_drafts"] == 1
        with engine.connect() as conn:
            row = conn.execute(text("SELECT wa_id, score, comment FROM x_ratings")).one()
            assert tuple(row) == (pdp.ERASED_WA_ID, 5, None)
            assert conn.execute(text("SELECT COUNT(*) FROM x_drafts")).scalar_one() == 0
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE x_ratings"))
            conn.execute(text("DROP TABLE x_drafts"))
