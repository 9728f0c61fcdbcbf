"""Rasa's lock store configured by one URL (``endpoints.yml``: ``kokom.lock_store.UrlLockStore``).

Rasa handles one message per conversation at a time by taking a lock. With one Rasa
process an in-memory lock is enough; with several behind a load balancer they must share
it: ``REDIS_URL`` (``redis://[:password@]host:6379/1``, ``rediss://`` for TLS) selects
Rasa's own Redis lock store. ``KOKOM_LOCK_PREFIX`` separates several deployments (or
test runs) sharing one Redis.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlparse

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from kokom import settings


def lock_store_from_url(url: str, key_prefix: str | None = None) -> LockStore:
    if not url:
        return InMemoryLockStore()
    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss"):
        raise settings.SettingsError(f"REDIS_URL={url!r}: expected redis://host:port/db")
    db = parsed.path.lstrip("/") or "1"
    if not db.isdigit():
        raise settings.SettingsError(f"REDIS_URL={url!r}: the database must be a number")
    return RedisLockStore(host=parsed.hostname or "localhost", port=parsed.port or 6379, db=int(db),
                          password=unquote(parsed.password) if parsed.password else None,
                          use_ssl=parsed.scheme == "rediss", key_prefix=_alphanumeric(key_prefix) or None)


def _alphanumeric(prefix: str | None) -> str:
    """Rasa ignores (with a warning) a prefix that is not purely alphanumeric: keep only those."""
    return "".join(ch for ch in (prefix or "") if ch.isascii() and ch.isalnum())


class UrlLockStore:
    """Constructed by Rasa from ``endpoints.yml``; gives Rasa's Redis or in-memory lock store."""

    def __new__(cls, endpoint_config: Any = None, **_: Any) -> LockStore:  # type: ignore[misc]
        cfg = settings.get()
        return lock_store_from_url(cfg.redis_url, cfg.lock_prefix)
