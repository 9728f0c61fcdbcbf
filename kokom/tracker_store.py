"""Rasa's SQL tracker store configured by one URL, like the application database.

``TRACKER_DATABASE_URL`` (e.g. ``postgresql://user:pw@host/rasa``) selects the
database; without it conversations are kept in ``var/tracker.db`` (SQLite),
so a half-finished form survives a restart of the Rasa server.
"""
from __future__ import annotations

import asyncio
import os
from typing import Any, Coroutine, Optional, TypeVar

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import make_url

from kokom import REPO_ROOT
from kokom.privacy import private_sqlite_file

T = TypeVar("T")


def _run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never waits on anything (Rasa's SQL store: plain blocking calls)."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    coro.close()
    raise RuntimeError("the tracker store awaited something; it must run on the event loop")


def _tracker_url() -> str:
    from kokom.db import tracker_database_url

    return tracker_database_url()


class UrlSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose connection comes from ``TRACKER_DATABASE_URL``."""

    def __init__(self, domain: Any = None, event_broker: Any = None, **kwargs: Any) -> None:
        url = make_url(_tracker_url())
        db = url.database or "tracker.db"
        if url.get_backend_name() == "sqlite" and not os.path.isabs(db):
            db = str(REPO_ROOT / db)
        if url.get_backend_name() == "sqlite":
            private_sqlite_file(f"sqlite:///{db}")
        kwargs.pop("host", None)
        super().__init__(
            domain=domain,
            dialect=url.drivername,
            host=url.host,
            port=url.port,
            db=db,
            username=url.username,
            password=url.password,
            event_broker=event_broker,
            query=dict(url.query) or None,
        )
        if url.get_backend_name() == "sqlite":
            self._pool_sqlite()

    # Rasa's SQLTrackerStore queries the database synchronously inside ``async`` methods,
    # i.e. on the event loop that also answers the WhatsApp webhook. Loading a conversation
    # (JSON of every event) and saving it now run in the loop's thread pool. Rasa's lock
    # store still serialises the turns of one conversation. With an event broker the
    # original methods are used (publishing needs the loop).
    async def retrieve(self, sender_id: str) -> Optional[Any]:
        if self.event_broker is not None:
            return await super().retrieve(sender_id)
        parent = super()
        return await asyncio.get_running_loop().run_in_executor(None, lambda: _run_sync(parent.retrieve(sender_id)))

    async def save(self, tracker: Any) -> None:
        if self.event_broker is not None:
            return await super().save(tracker)
        parent = super()
        await asyncio.get_running_loop().run_in_executor(None, lambda: _run_sync(parent.save(tracker)))

    def _pool_sqlite(self) -> None:
        """Reuse SQLite connections, in WAL mode, like the application database (kokom.db).

        Rasa builds its SQLite engine with SQLAlchemy 1.4's NullPool and the default
        rollback journal: every retrieve and save of a conversation opened a connection
        and every save synced a journal file, on Rasa's event loop (docs/benchmarks.md).
        """
        import sqlalchemy as sa
        from sqlalchemy import event

        from kokom.db import sqlite_engine_kwargs, sqlite_pragmas

        old = self.engine
        engine = sa.create_engine(old.url, **sqlite_engine_kwargs(str(old.url)))

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            sqlite_pragmas(dbapi_connection)

        self.engine = engine
        self.sessionmaker = sa.orm.session.sessionmaker(bind=engine)
        old.dispose()
