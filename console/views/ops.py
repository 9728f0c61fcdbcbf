"""Operations routes of the console (blueprint ``ops``): liveness, readiness, metrics.

- ``/healthz``: 200 ``{"status": "ok"}`` (no login: a load balancer or systemd probe asks);
- ``/readyz``: 200, or 503 with the names of the failed dependencies (database, rasa,
  model, redis when configured) and nothing else;
- ``/metrics``: Prometheus text (:mod:`kokom.metrics`) for a direct loopback client only
  (a request relayed by nginx carries X-Forwarded-For and gets 403; nginx also refuses
  ``/metrics`` and ``/readyz`` from outside).

Every request also gets a short ``request_id`` in the log context (``kokom.logs``),
returned as the ``X-Request-Id`` header.
"""
from __future__ import annotations

import uuid

from flask import Blueprint, Response, abort, g, jsonify, request

from kokom import health, logs, metrics
from kokom.netguard import is_loopback_ip, relayed

ops_bp = Blueprint("ops", __name__)

PUBLIC = frozenset({"ops.healthz", "ops.readyz", "ops.metrics"})


@ops_bp.before_app_request
def bind_request_id():  # type: ignore[no-untyped-def]
    g.kokom_request_id = uuid.uuid4().hex[:12]
    g.kokom_log_token = logs.bind(request_id=g.kokom_request_id)


@ops_bp.after_app_request
def request_id_header(response):  # type: ignore[no-untyped-def]
    rid = g.get("kokom_request_id")
    if rid:
        response.headers.setdefault("X-Request-Id", rid)
    return response


@ops_bp.teardown_app_request
def unbind_request_id(_exc):  # type: ignore[no-untyped-def]
    token = g.pop("kokom_log_token", None)
    if token is not None:
        try:
            logs.unbind(token)
        except ValueError:  # created in another context (streamed responses): nothing to undo
            pass


@ops_bp.route("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    return jsonify(health.LIVE)


@ops_bp.route("/readyz")
def readyz():  # type: ignore[no-untyped-def]
    ok, body = health.run_checks(health.console_checks())
    return jsonify(body), 200 if ok else 503


def direct_loopback() -> bool:
    original = request.environ.get("werkzeug.proxy_fix.orig", {})
    address = original.get("REMOTE_ADDR") or request.environ.get("REMOTE_ADDR")
    return is_loopback_ip(address) and not relayed(request.headers)


@ops_bp.route("/metrics", endpoint="metrics")
def metrics_route():  # type: ignore[no-untyped-def]
    if not direct_loopback():
        abort(403)
    metrics.install_database_collector()
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type)
