"""The action server (rasa-sdk), answering only the Rasa server.

``rasa run actions`` listens on every interface, answers anyone and echoes the
request body (a resident's whole tracker) in its error replies. This one:

- binds to ``KOKOM_BIND`` (default 127.0.0.1);
- requires the shared secret ``KOKOM_ACTION_TOKEN`` (or ``var/action_token``) in the
  ``X-Kokom-Action-Token`` header, which Rasa sends from ``endpoints.yml``; anything
  else gets 401 before a tracker is read;
- answers errors with a short message, never the request body, with NIKs masked;
- creates files private to the service user and masks NIKs in its logs.

Usage: ``python scripts/action_server.py [--port 5055] [--actions actions]``.
"""
from __future__ import annotations

import argparse
import hmac
import json
import logging
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kokom import health as readiness, logs  # noqa: E402
from kokom.privacy import mask_niks, secure_process  # noqa: E402
from kokom.validators import mask_phone  # noqa: E402
from kokom.settings import ACTION_TOKEN_HEADER, action_token, bind_host  # noqa: E402

logger = logging.getLogger("kokom.action_server")

MAX_BODY = 8 * 1024 * 1024
# Unauthenticated: liveness and readiness reveal only ok / not-ready and the failed dependency.
OPEN_PATHS = frozenset({"/health", "/healthz", "/readyz"})  # a long conversation's tracker; far more than any real one


def create_app(package: str = "actions", token: str | None = None):  # type: ignore[no-untyped-def]
    from rasa_sdk import utils
    from rasa_sdk.executor import ActionExecutor
    from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
    from sanic import Sanic, response

    expected = (token or action_token()).encode()
    app = Sanic("kokom_actions", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = MAX_BODY
    executor = ActionExecutor()
    executor.register_package(package)

    def authorised(request) -> bool:  # type: ignore[no-untyped-def]
        given = (request.headers.get(ACTION_TOKEN_HEADER) or "").encode()
        return bool(given) and hmac.compare_digest(given, expected)

    @app.middleware("request")
    async def check_token(request):  # type: ignore[no-untyped-def]
        if request.path in OPEN_PATHS:
            return None
        if not authorised(request):
            logger.warning("action server: refused a call without the right token from %s", request.ip)
            return response.json({"error": "unauthorized"}, status=401)
        return None

    @app.get("/health")
    async def health(_request):  # type: ignore[no-untyped-def]
        return response.json({"status": "ok"})

    @app.get("/healthz")
    async def healthz(_request):  # type: ignore[no-untyped-def]
        return response.json(readiness.LIVE)

    @app.get("/readyz")
    async def readyz(_request):  # type: ignore[no-untyped-def]
        import asyncio

        checks = {"actions": lambda: bool(executor.actions), "database": readiness.check_database}
        ok, body = await asyncio.get_running_loop().run_in_executor(None, readiness.run_checks, checks)
        return response.json(body, status=200 if ok else 503)

    @app.post("/webhook")
    async def webhook(request):  # type: ignore[no-untyped-def]
        try:
            if request.headers.get("Content-Encoding") == "deflate":
                action_call = json.loads(zlib.decompress(request.body))
            else:
                action_call = json.loads(request.body or b"null")
        except (ValueError, zlib.error):
            return response.json({"error": "invalid body"}, status=400)
        if not isinstance(action_call, dict):
            return response.json({"error": "invalid body"}, status=400)
        utils.check_version_compatibility(action_call.get("version"))
        tracker = action_call.get("tracker") if isinstance(action_call.get("tracker"), dict) else {}
        token = logs.bind(sender=mask_phone(str(tracker.get("sender_id") or "")) or None,
                          action=str(action_call.get("next_action") or "") or None)
        try:
            result = await executor.run(action_call)
        except ActionExecutionRejection as exc:
            logger.debug("action rejected: %s", exc)
            return response.json({"error": mask_niks(exc.message), "action_name": exc.action_name}, status=400)
        except ActionNotFoundException as exc:
            logger.error("%s", exc)
            return response.json({"error": mask_niks(exc.message), "action_name": exc.action_name}, status=404)
        finally:
            logs.unbind(token)
        return response.json(result, status=200)

    @app.get("/actions")
    async def actions(_request):  # type: ignore[no-untyped-def]
        return response.json([{"name": name} for name in executor.actions.keys()])

    @app.exception(Exception)
    async def failed(request, exception):  # type: ignore[no-untyped-def]
        status = getattr(exception, "status_code", 500) or 500
        if status >= 500:
            logger.error("action server: %s failed", request.path, exc_info=exception)
            return response.json({"error": "internal error"}, status=500)
        return response.json({"error": mask_niks(str(exception))[:200]}, status=status)

    return app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--host", default=None, help="interface (default: KOKOM_BIND or 127.0.0.1)")
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args()
    secure_process()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s  - %(message)s")
    logs.apply()
    app = create_app(args.actions)
    host = args.host or bind_host()
    logger.info("action server on http://%s:%d (token required)", host, args.port)
    app.run(host=host, port=args.port, access_log=False, workers=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
