"""Alembic environment: runs against the connection kokom.db hands over, or DATABASE_URL."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from kokom.models import Base
import kokom.whatsapp.models  # noqa: F401
import kokom.console_tables  # noqa: F401  (the console's tables, same metadata)
import kokom.review  # noqa: F401  (review queue: flags and decisions)

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from kokom.db import database_url

        url = database_url()
    engine = create_engine(url, future=True)
    with engine.begin() as conn:
        _run(conn)


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
