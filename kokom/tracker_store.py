"""Rasa's SQL tracker store configured by one URL, like the application database.

``TRACKER_DATABASE_URL`` (e.g. ``postgresql://user:pw@host/rasa``) selects the
database; without it conversations are kept in ``var/tracker.db`` (SQLite),
so a half-finished form survives a restart of the Rasa server.
"""
from __future__ import annotations

import os
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import make_url

from kokom import REPO_ROOT
from kokom.privacy import private_sqlite_file


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
