"""Backup and restore: a backup restored into an empty database brings back every case,
message, rating, conversation and media file (SQLite, and PostgreSQL with KOKOM_TEST_POSTGRES_URL)."""
from __future__ import annotations

import tarfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from kokom import backup, cases, db, pdp
from kokom.db import session_scope
from kokom.models import Case, Feedback
from kokom.whatsapp import models as wa
from tests.test_pdp import NIK, TRACKER_DDL, WA, resident_with_everything


@pytest.fixture(params=["sqlite", "postgresql"])
def source(request, tmp_path, monkeypatch):
    url = request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_db_url")
    media = tmp_path / "media" / "2026-11"
    media.mkdir(parents=True)
    monkeypatch.setenv("KOKOM_MEDIA_DIR", str(tmp_path / "media"))
    tracker = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("TRACKER_DATABASE_URL", tracker)
    engine = create_engine(tracker, future=True)
    with engine.begin() as conn:
        conn.execute(text(TRACKER_DDL))
    pdp._tracker_engines.clear()
    yield {"backend": request.param, "url": url, "media": media, "tracker": engine, "tmp": tmp_path}
    engine.dispose()
    pdp._tracker_engines.clear()


@pytest.fixture()
def empty_target(source, request, tmp_path, monkeypatch):
    """An empty database of the same kind (no tables at all), dropped afterwards."""
    if source["backend"] == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'kokom.db'}"
        return
    from tests.conftest import _pg_url

    admin, admin_url, _template = request.getfixturevalue("pg_template")
    name = f"kokom_r_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield _pg_url(admin_url, name)
    db.reset_engines()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def snapshot() -> dict:
    with session_scope() as s:
        return {
            "cases": sorted((c.ticket, c.kind, c.status, c.nik, c.description)
                            for c in s.execute(select(Case)).scalars()),
            "inbound": s.execute(select(func.count()).select_from(wa.WaInboundMessage)).scalar_one(),
            "outbound": s.execute(select(func.count()).select_from(wa.WaOutboundMessage)).scalar_one(),
            "ratings": sorted(s.execute(select(Feedback.rating).where(Feedback.rating.isnot(None))).scalars()),
        }


def test_backup_restores_every_case_message_and_rating(source, empty_target, tmp_path, monkeypatch):
    made = resident_with_everything(source)
    cases.save_feedback(WA, rating=4)
    before = snapshot()
    assert len(before["cases"]) == 3 and before["ratings"] == [4, 5] and before["inbound"] == 1

    archive = backup.create(tmp_path / "backups")
    assert archive.stat().st_mode & 0o077 == 0
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert "manifest.json" in names and "media/2026-11/wa-photo-1.jpg" in names
    assert any(n.startswith("app.") for n in names) and any(n.startswith("tracker.") for n in names)
    assert not any("nik_key" in n for n in names)  # the key never travels with the data

    # A new machine: empty database, empty media folder, empty tracker.
    monkeypatch.setenv("DATABASE_URL", empty_target)
    monkeypatch.setenv("KOKOM_MEDIA_DIR", str(tmp_path / "restored-media"))
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'restored-tracker.db'}")
    pdp._tracker_engines.clear()
    db.reset_engines()
    manifest = backup.restore(archive)
    assert manifest["counts"]["cases"] == 3
    after = snapshot()
    assert after == before
    assert any(row[3] == NIK for row in after["cases"])  # decrypts with the same key
    assert (tmp_path / "restored-media" / "2026-11" / made["photo"].name).read_bytes() == b"\xff\xd8 photo"
    assert [e["text"] for e in pdp.conversation_events(WA)] == ["halo", "/share_media", "Terima kasih"]

    # Restoring over data is refused (nothing overwritten) unless forced.
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(archive)
    backup.restore(archive, force=True)
    assert snapshot() == before


def test_restore_refuses_unsafe_archives(tmp_path):
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as tar:
        payload = tmp_path / "x"
        payload.write_text("x")
        tar.add(payload, "../../etc/x")
    with pytest.raises(backup.BackupError, match="unsafe"):
        backup.restore(evil)
    assert not Path("/etc/x").exists()
