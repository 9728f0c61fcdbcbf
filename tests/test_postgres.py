"""What SQLite serialises away, on PostgreSQL: migrations, concurrency, the tracker store.

Runs where KOKOM_TEST_POSTGRES_URL is set (.ci/run sets it and fails when the server is
unreachable); each test gets its own database (tests/conftest.py).
"""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import create_engine, func, select, text

from kokom import cases, db, handoffs
from kokom.models import Case

DAY = date(2026, 12, 3)


@pytest.fixture()
def pg_url(pg_db_url):
    return pg_db_url


def test_two_hundred_complaints_at_once_get_two_hundred_tickets(pg_url):
    tickets: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(200)
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            start.wait()
            case = cases.create_complaint(f"6281{i:09d}", category="kebersihan", description="Sampah menumpuk",
                                          today=DAY)
            with lock:
                tickets.append(case.ticket)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert len(set(tickets)) == 200 and max(tickets) == "ADU-20261203-0200"
    with db.session_scope() as s:
        assert s.execute(select(func.count(Case.id))).scalar_one() == 200


def test_two_officers_claiming_at_once_one_wins(pg_url):
    for round_ in range(5):
        queued = handoffs.request_handoff(f"62822{round_:08d}", reason="requested", outside_hours=False, today=DAY)
        results = []
        start = threading.Barrier(2)

        def claim(officer: str) -> None:
            start.wait()
            results.append(handoffs.claim(queued.id, officer))

        threads = [threading.Thread(target=claim, args=(o,)) for o in ("budi", "sari")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        winners = [r for r in results if r.ok]
        assert len(winners) == 1 and handoffs.get(queued.id).claimed_by == winners[0].item.claimed_by


def test_migrations_upgrade_from_the_previous_schema_with_data(pg_url):
    """A database made at revision 0004 (before console sessions) upgrades to head with its rows."""
    from alembic import command
    from alembic.config import Config
    from pathlib import Path

    engine = create_engine(pg_url, future=True)
    with engine.begin() as conn:  # start again from nothing
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", pg_url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO officers (username, password_hash, role, active, session_token, created_at) "
                          "VALUES ('budi', 'x', 'petugas', true, 't', now())"))
        assert conn.execute(text("select to_regclass('console_sessions')")).scalar() is None
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with engine.begin() as conn:
        assert conn.execute(text("select username from officers")).scalars().all() == ["budi"]
        assert conn.execute(text("select to_regclass('console_sessions')")).scalar() == "console_sessions"
    engine.dispose()


def test_conversations_are_kept_in_postgresql(pg_url, monkeypatch):
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from kokom.tracker_store import UrlSQLTrackerStore

    monkeypatch.setenv("TRACKER_DATABASE_URL", pg_url)
    domain = Domain.from_yaml("version: '3.1'\nslots:\n  nik:\n    type: text\n    mappings: []\n")
    store = UrlSQLTrackerStore(domain=domain)
    tracker = DialogueStateTracker("6281234567890", domain.slots)
    tracker.update(UserUttered("mau ajukan sktm"))
    tracker.update(SlotSet("nik", "3577011203850001"))
    asyncio.run(store.save(tracker))
    again = asyncio.run(UrlSQLTrackerStore(domain=domain).retrieve("6281234567890"))
    assert again is not None and again.get_slot("nik") == "3577011203850001"
    assert again.latest_message.text == "mau ajukan sktm"
