"""Start SI KoKoM locally: action server (5055), Rasa (5005) and the officer console (5002).

Rasa serves the REST channel (loopback only), the token-protected HTTP API and
the WhatsApp channel (a local sandbox with its simulator when no WhatsApp
credentials are set). Every process listens on 127.0.0.1 (``KOKOM_BIND``); the
secrets (Rasa's API token, the action server's token) travel in the environment,
never on a command line.

Used by `make run`. Every process started here is stopped on Ctrl-C or
SIGTERM, so nothing is left listening on the ports. A process that dies is
started again (after 1, 2, 4 ... up to 60 seconds; the wait resets once it has
run for five minutes) and logged, so one crash never takes the whole desk offline.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kokom import VAR_DIR  # noqa: E402
from kokom.db import init_db  # noqa: E402
from kokom.office import OfficeConfigError, load_office  # noqa: E402
from kokom.privacy import make_private, secure_process  # noqa: E402
from kokom.processes import stop_groups  # noqa: E402
from kokom import settings  # noqa: E402
from kokom.settings import action_token, bind_host  # noqa: E402



def wait_for_port(port: int, timeout: float = 180.0) -> bool:
    import socket

    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.5)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shell", action="store_true", help="chat in the terminal instead of serving HTTP")
    parser.add_argument("--model", default=settings.text("KOKOM_MODEL", "models"))
    args = parser.parse_args()

    secure_process()
    make_private(VAR_DIR)  # files an older version created with the default umask
    try:
        load_office()
    except OfficeConfigError as exc:
        print(f"office/kelurahan.yml is invalid:\n{exc}", file=sys.stderr)
        return 1
    init_db()
    token = settings.rasa_token()
    env = dict(os.environ, RASA_TOKEN=token, KOKOM_ACTION_TOKEN=action_token(), PYTHONPATH=str(ROOT))
    # The console is served over plain http on localhost here; behind HTTPS in production.
    env.setdefault("KOKOM_CONSOLE_INSECURE_COOKIES", "1")
    env.setdefault("RASA_URL", "http://127.0.0.1:5005")
    procs: list[subprocess.Popen] = []
    commands: dict[int, tuple[str, list[str]]] = {}  # index in procs -> (name, command)

    def start(cmd: list[str], name: str = "", **kwargs: object) -> subprocess.Popen:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True, **kwargs)  # type: ignore[arg-type]
        procs.append(proc)
        commands[len(procs) - 1] = (name or cmd[-1], cmd)
        return proc

    def stop_all(*_: object) -> None:
        stop_groups(procs, grace=15)

    signal.signal(signal.SIGTERM, lambda *_: (stop_all(), sys.exit(0)))
    try:
        start([sys.executable, str(ROOT / "scripts" / "action_server.py"), "--actions", "actions", "--port", "5055"],
              "action server")
        if not wait_for_port(5055, 120):
            print("action server did not start", file=sys.stderr)
            return 1
        if args.shell:
            shell = subprocess.Popen(
                [sys.executable, str(ROOT / "scripts" / "rasa_server.py"), "shell", "--model", args.model,
                 "--endpoints", "endpoints.yml"],
                cwd=ROOT, env=env,
            )
            return shell.wait()
        start(
            [
                sys.executable, str(ROOT / "scripts" / "rasa_server.py"), "run", "--model", args.model,
                "--enable-api", "--port", "5005", "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
            ],
            "Rasa server",
        )
        start([sys.executable, "-m", "console", "run", "--host", bind_host(), "--port", "5002"], "console")
        if wait_for_port(5005, 300):
            from kokom.whatsapp.config import load_config

            sandbox = load_config().sandbox
            print(
                "\nSI KoKoM is running:\n"
                + (
                    "  WhatsApp simulator (sandbox): http://localhost:5005/webhooks/whatsapp/sandbox\n"
                    if sandbox
                    else "  WhatsApp webhook: https://<your-host>/webhooks/whatsapp/webhook\n"
                )
                + "  Officer console: http://localhost:5002  (first admin: make admin)\n"
                "  Rasa REST channel (this machine only): POST http://localhost:5005/webhooks/rest/webhook\n"
                "  Rasa HTTP API token: var/rasa_token (or $RASA_TOKEN)\n"
                "  Action server: http://localhost:5055\n"
                "Press Ctrl-C to stop.\n",
                flush=True,
            )
        supervise(procs, commands, lambda cmd: subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True))
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop_all()


def supervise(procs: list[subprocess.Popen], commands: dict[int, tuple[str, list[str]]],
              spawn, *, poll: float = 1.0, first_delay: float = 1.0, max_delay: float = 60.0,  # type: ignore[no-untyped-def]
              stable_after: float = 300.0, rounds: int | None = None) -> None:
    """Start again every process that stops, with exponential back-off per process.

    ``procs[i]`` is replaced in place by the new process; ``rounds`` bounds the loop (tests).
    """
    delay = {i: first_delay for i in commands}
    started = {i: time.time() for i in commands}
    due: dict[int, float] = {}
    while rounds is None or rounds > 0:
        if rounds is not None:
            rounds -= 1
        now = time.time()
        for i, proc in enumerate(procs):
            name, cmd = commands[i]
            if proc.poll() is None:
                if now - started[i] > stable_after:
                    delay[i] = first_delay  # it ran long enough: a new crash waits briefly again
                continue
            if i not in due:
                due[i] = now + delay[i]
                print(f"[run] {name} stopped (exit {proc.returncode}); starting it again in {delay[i]:.0f} s",
                      file=sys.stderr, flush=True)
            elif now >= due[i]:
                del due[i]
                procs[i] = spawn(cmd)
                started[i] = now
                delay[i] = min(max_delay, delay[i] * 2)
                print(f"[run] {name} started again (pid {procs[i].pid})", file=sys.stderr, flush=True)
        time.sleep(poll)


if __name__ == "__main__":
    sys.exit(main())
