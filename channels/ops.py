"""Operations routes of the Rasa process, as a message-free Rasa channel (``channels.ops.OpsInput``).

Listed in ``credentials.yml`` (and ``deploy/credentials.yml``), it adds under ``/webhooks/ops``:

- ``GET /healthz``: 200 ``{"status": "ok"}`` while the process answers;
- ``GET /readyz``: 200 when a model is loaded, the database and the conversation store answer
  and (with ``REDIS_URL``) Redis answers; else 503 ``{"status": "not-ready", "failed": [...]}``;
- ``GET /metrics``: Prometheus text format (:mod:`kokom.metrics`), to direct loopback
  clients only (403 for anything relayed by a proxy or remote).

It receives no messages. It also puts the log format of ``KOKOM_LOG_FORMAT`` on Rasa's
and Sanic's handlers once the server has started.
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from kokom import health, logs, metrics
from kokom.netguard import is_direct_loopback


def agent_ready(request: Request) -> bool:
    agent = getattr(request.app.ctx, "agent", None)
    return agent is not None and agent.is_ready()


async def readiness(request: Request) -> tuple[bool, dict[str, object]]:
    checks: dict[str, health.Check] = {
        "model": lambda: agent_ready(request),
        "database": health.check_database,
        "tracker": health.check_tracker,
    }
    if health.settings.get().redis_url:
        checks["redis"] = health.check_redis
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, health.run_checks, checks)


def add_ops_routes(bp: Blueprint, spool_dir: Any = None) -> None:
    """/healthz, /readyz and /metrics on ``bp`` (Sanic); the log format once the server runs."""

    @bp.listener("after_server_start")
    async def log_format(app: Any, loop: Any) -> None:
        logs.apply()

    @bp.route("/healthz", methods=["GET"])
    async def healthz(request: Request) -> HTTPResponse:
        return response.json(health.LIVE)

    @bp.route("/readyz", methods=["GET"])
    async def readyz(request: Request) -> HTTPResponse:
        ok, body = await readiness(request)
        return response.json(body, status=200 if ok else 503)

    @bp.route("/metrics", methods=["GET"])
    async def metrics_route(request: Request) -> HTTPResponse:
        if not is_direct_loopback(request):
            return response.text("forbidden", status=403)
        metrics.install_database_collector(spool_dir)
        loop = asyncio.get_running_loop()
        body, content_type = await loop.run_in_executor(None, metrics.exposition)
        return response.raw(body, content_type=content_type)


class OpsInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "ops"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "OpsInput":
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("kokom_ops", __name__)
        from kokom.whatsapp.config import load_config

        try:
            spool_dir = load_config({}).spool_dir
        except Exception:  # noqa: BLE001 - no WhatsApp configuration: no spool gauge
            spool_dir = None
        add_ops_routes(bp, spool_dir)
        return bp
