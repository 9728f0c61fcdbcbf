"""Database engine, sessions and migrations.

SQLite in ``var/`` by default (``DATABASE_URL`` selects PostgreSQL in
production). The schema is owned by Alembic (``kokom/migrations``); every
process calls :func:`init_db` at start-up, which upgrades to the latest
revision, so a fresh machine and an old database both end up on one schema.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from kokom import settings
from kokom import REPO_ROOT, VAR_DIR
from kokom.privacy import private_dir, private_sqlite_file

T = TypeVar("T")

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_migrated: set[str] = set()


def _configured_url(url: str | None, default_file: str) -> str:
    """A configured database URL; unset: ``var/<default_file>``; a relative SQLite path is taken
    from the repo root (its folder made)."""
    if not url:
        private_dir(VAR_DIR)
        return f"sqlite:///{VAR_DIR / default_file}"
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        rel = url[len("sqlite:///"):]
        if rel and rel != ":memory:" and not Path(rel).is_absolute():
            path = REPO_ROOT / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            return f"sqlite:///{path}"
    return url


def database_url() -> str:
    """Cases, residents, handoffs and the console (``DATABASE_URL``, else ``var/kokom.db``)."""
    return _configured_url(settings.get().database_url, "kokom.db")


def tracker_database_url() -> str:
    """Rasa's tracker store (``TRACKER_DATABASE_URL``, else ``var/tracker.db``)."""
    return _configured_url(settings.get().tracker_database_url, "tracker.db")


# SQLite connections kept open per process. SQLAlchemy 1.4 gives a file database a
# NullPool: a new connection (open, PRAGMAs, close) for every transaction, which a
# profile of the WhatsApp channel under load showed as half of the Rasa server's busy
# time (docs/benchmarks.md). A QueuePool reuses them; WAL lets readers run beside the
# one writer, so a few connections per process are enough.
SQLITE_POOL_SIZE = 4
SQLITE_MAX_OVERFLOW = 8


def sqlite_engine_kwargs(url: str) -> dict:
    """create_engine() arguments for a SQLite URL: a pool for files, the default for memory."""
    kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if ":memory:" not in url and url.rstrip("/") not in ("sqlite:", "sqlite:/", "sqlite://"):
        kwargs.update(poolclass=QueuePool, pool_size=SQLITE_POOL_SIZE, max_overflow=SQLITE_MAX_OVERFLOW,
                      pool_timeout=30)
    return kwargs


def sqlite_pragmas(dbapi_connection) -> None:  # type: ignore[no-untyped-def]
    """Per-connection settings: WAL (readers beside the writer), wait on locks, foreign keys."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _configure_sqlite(engine: Engine) -> None:
    """Serialise writers with BEGIN IMMEDIATE and wait on locks instead of failing.

    pysqlite's default deferred transactions can fail with "database is locked"
    when two sessions upgrade a read lock at once; taking the write lock up front
    makes concurrent case creation (and ticket counters) safe.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        sqlite_pragmas(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def get_engine(url: str | None = None) -> Engine:
    """One engine per URL per process."""
    url = url or database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                private_sqlite_file(url)
                engine = create_engine(url, future=True, **sqlite_engine_kwargs(url))
                _configure_sqlite(engine)
            else:
                engine = create_engine(url, future=True, pool_pre_ping=True)
            _engines[url] = engine
        return engine


def init_db(url: str | None = None) -> Engine:
    """Upgrade the schema to the latest Alembic revision (once per process and URL)."""
    url = url or database_url()
    engine = get_engine(url)
    with _lock:
        if url in _migrated:
            return engine
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with _lock:
        _migrated.add(url)
    return engine


_session_factories: dict[str, sessionmaker] = {}


def _factory(url: str | None = None) -> sessionmaker:
    url = url or database_url()
    with _lock:
        factory = _session_factories.get(url)
    if factory is None:
        engine = init_db(url)
        factory = sessionmaker(bind=engine, future=True, expire_on_commit=False)
        with _lock:
            _session_factories[url] = factory
    return factory


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A transaction: committed on success, rolled back on any error (nothing half-saved)."""
    session = _factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def run_in_transaction(work: Callable[[Session], T], attempts: int = 5) -> T:
    """Run ``work`` in its own transaction, retrying briefly when the database is busy."""
    for attempt in range(attempts):
        try:
            with session_scope() as session:
                return work(session)
        except OperationalError as exc:  # "database is locked" under heavy contention
            if "locked" not in str(exc).lower() or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise RuntimeError("unreachable")


def reset_engines() -> None:
    """Forget engines (tests switch DATABASE_URL between cases)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _migrated.clear()
        _session_factories.clear()
