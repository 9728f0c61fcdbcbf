"""An action server that does nothing, for the benchmark's floor.

Every action call answers ``{"events": [], "responses": []}`` at once, so a Rasa
turn costs only Rasa itself (NLU, policies, tracker store, one HTTP call).
Usage: ``python bench/null_actions.py PORT``; ``GET /health`` answers 200.
"""
from __future__ import annotations

import sys

from aiohttp import web


async def webhook(request: web.Request) -> web.Response:
    await request.read()
    return web.json_response({"events": [], "responses": []})


async def health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def main() -> int:
    app = web.Application()
    app.router.add_post("/webhook", webhook)
    app.router.add_get("/health", health)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
