"""Start the Rasa server without secrets on its command line.

``rasa run --auth-token T`` puts the HTTP API token where every local user can read
it (``ps``). This wrapper takes the token from ``RASA_TOKEN`` (or ``var/rasa_token``),
adds it to Rasa's arguments inside the process (the process's visible command line
stays as it was started), binds to ``KOKOM_BIND`` (default 127.0.0.1) unless
``--interface`` is given, makes new files private and masks NIKs in the logs, applies
the profiled speed-ups of :mod:`kokom.rasa_speedups`; then it is Rasa's own ``rasa run``.

Usage: ``python scripts/rasa_server.py run --model M --enable-api --port 5005 ...``.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kokom.privacy import secure_process  # noqa: E402
from kokom.settings import action_token, bind_host, rasa_token  # noqa: E402


def rasa_argv(argv: list[str]) -> list[str]:
    args = list(argv)
    if "--auth-token" in args or any(a.startswith("--auth-token=") for a in args):
        raise SystemExit("pass the token in RASA_TOKEN, not on the command line")
    if args[:1] == ["run"] and "--enable-api" in args:
        args += ["--auth-token", rasa_token()]
    if args[:1] == ["run"] and "--interface" not in args and "-i" not in args:
        args += ["--interface", bind_host()]
    return args


def load_models_off_the_event_loop() -> None:
    """``PUT /model`` (``make deploy-model``) loads the new model in a worker thread.

    Rasa's handler builds the new agent with a synchronous ``Agent.load_model`` on the
    event loop: for the 10-60 seconds it takes, the server accepts no webhook (Meta times
    out and retries) and answers no one. Run in a thread, the old agent keeps answering
    until ``app.ctx.agent`` is swapped (the conversation lock store is carried over by
    Rasa, conversations live in the tracker store, and the WhatsApp dispatcher hands a
    sender's messages over one at a time), so messages written during the switch are
    answered once, in order, and a half-filled form simply continues.
    """
    import asyncio

    import rasa.server

    original = rasa.server._load_agent
    if getattr(original, "kokom_off_loop", False):
        return

    async def load_agent_in_thread(*args, **kwargs):  # type: ignore[no-untyped-def]
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, lambda: asyncio.run(original(*args, **kwargs)))

    load_agent_in_thread.kokom_off_loop = True  # type: ignore[attr-defined]
    rasa.server._load_agent = load_agent_in_thread


def main() -> int:
    import os

    secure_process()
    # endpoints.yml reads the action server's secret from the environment.
    os.environ.setdefault("KOKOM_ACTION_TOKEN", action_token())
    sys.argv = ["rasa", *rasa_argv(sys.argv[1:])]
    if sys.argv[1:2] == ["run"]:
        load_models_off_the_event_loop()
    # Rasa internals made cheaper without changing behaviour (see kokom/rasa_speedups.py).
    from kokom.rasa_speedups import apply as apply_speedups

    apply_speedups()
    from rasa.__main__ import main as rasa_main

    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
