"""Liveness and readiness checks shared by every process (no web framework here).

Each process exposes two unauthenticated routes built on this module:

- ``/healthz``: the process is up and answering (always ``{"status": "ok"}``);
- ``/readyz``: it can do its work: ``{"status": "ok"}`` (200) or
  ``{"status": "not-ready", "failed": ["database", ...]}`` (503).

They reveal nothing beyond that: no versions, no URLs, no error texts (those go to the
process's log, at warning level, with the dependency's name).

Dependencies a process may check: ``database`` (``DATABASE_URL``), ``tracker`` (Rasa's
conversation store, ``TRACKER_DATABASE_URL``), ``redis`` (only when
``REDIS_URL`` is set), ``rasa`` (its HTTP API answers) and ``model`` (Rasa has a model
loaded), ``actions`` (the action server registered its actions).
"""
from __future__ import annotations

import logging
from typing import Callable, Mapping

from kokom import settings

logger = logging.getLogger(__name__)

Check = Callable[[], bool]
TIMEOUT_SECONDS = 2.0


def check_database(url: str | None = None) -> bool:
    """``SELECT 1`` on the configured database (short timeout on the pool)."""
    from sqlalchemy import text

    from kokom.db import get_engine

    with get_engine(url).connect() as conn:
        conn.execute(text("SELECT 1"))
    return True


def check_tracker() -> bool:
    """``SELECT 1`` on Rasa's conversation store (``TRACKER_DATABASE_URL``)."""
    from kokom.pdp import tracker_url

    return check_database(tracker_url())


def check_redis(url: str | None = None) -> bool:
    """PING the lock store's Redis (True when no Redis is configured: nothing to check)."""
    url = url if url is not None else settings.get().redis_url
    if not url:
        return True
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
    try:
        return bool(client.ping())
    finally:
        client.close()


def rasa_status(url: str | None = None, token: str | None = None) -> tuple[bool, bool]:
    """(Rasa answers, a model is loaded), from Rasa's ``/status`` (token required)."""
    import requests

    base = (url or settings.get().rasa_url).rstrip("/")
    try:
        resp = requests.get(f"{base}/status", params={"token": token or settings.rasa_token()},
                            timeout=TIMEOUT_SECONDS)
    except requests.RequestException:
        return False, False
    if resp.status_code == 200:
        try:
            return True, bool(resp.json().get("model_file") or resp.json().get("model_id"))
        except ValueError:
            return True, False
    # 409 "no agent loaded" (or 401 with a wrong token: Rasa answers, the model is unknown)
    return True, False


def run_checks(checks: Mapping[str, Check]) -> tuple[bool, dict[str, object]]:
    """Run every check; a check that raises or returns False marks its name failed."""
    failed: list[str] = []
    for name, check in checks.items():
        try:
            ok = bool(check())
        except Exception as exc:  # noqa: BLE001 - any error means "not ready"; logged, not shown
            logger.warning("readiness: %s failed (%s)", name, exc.__class__.__name__)
            ok = False
        if not ok:
            failed.append(name)
    if failed:
        return False, {"status": "not-ready", "failed": failed}
    return True, {"status": "ok"}


def console_checks() -> dict[str, Check]:
    """The console needs its database and Rasa with a model (to read and steer conversations)."""
    cache: dict[str, tuple[bool, bool]] = {}

    def status() -> tuple[bool, bool]:
        if "rasa" not in cache:
            cache["rasa"] = rasa_status()
        return cache["rasa"]

    checks: dict[str, Check] = {
        "database": check_database,
        "rasa": lambda: status()[0],
        "model": lambda: status()[1],
    }
    if settings.get().redis_url:
        checks["redis"] = check_redis
    return checks


LIVE = {"status": "ok"}
