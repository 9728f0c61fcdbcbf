"""Starts the real action server and Rasa server as subprocesses for end-to-end tests."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests
import yaml

from kokom.processes import signal_group, stop_groups

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOKEN = "test-token-not-secret"
ACTION_TOKEN = "test-action-token-not-secret"
WHATSAPP_CHANNEL = "channels.whatsapp.WhatsAppInput"


def rest_sender(sender: str) -> str:
    """The conversation id of a REST sender (channels.rest namespaces them: "rest:<sender>")."""
    return sender if sender.startswith("rest:") else f"rest:{sender}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} process exited:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not ready after {timeout}s:\n{log.read_text()[-4000:]}")


class AssistantServers:
    """Action server + Rasa with REST (and any extra channels), isolated databases in ``workdir``."""

    def __init__(self, model: str, workdir: Path, extra_credentials: dict[str, Any] | None = None,
                 extra_env: dict[str, str] | None = None) -> None:
        self.model = model
        self.workdir = workdir
        self.action_port = free_port()
        self.rasa_port = free_port()
        self.extra_credentials = extra_credentials or {}
        self.extra_env = extra_env or {}
        self.procs: list[subprocess.Popen] = []
        self.database_url = f"sqlite:///{workdir / 'kokom.db'}"
        self.env = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            DATABASE_URL=self.database_url,
            TRACKER_DATABASE_URL=f"sqlite:///{workdir / 'tracker.db'}",
            RASA_TOKEN=TOKEN,
            KOKOM_ACTION_TOKEN=ACTION_TOKEN,
            RASA_TELEMETRY_ENABLED="false",
            KOKOM_MEDIA_DIR=str(workdir / "media"),
            WHATSAPP_SPOOL_DIR=str(workdir / "whatsapp-spool"),
            # With a test Redis (CI), Rasa's conversation lock goes through it, as with several instances.
            REDIS_URL=os.environ.get("KOKOM_TEST_REDIS_URL", ""),
            KOKOM_LOCK_PREFIX=f"kokom-test-{workdir.name}",
            **self.extra_env,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _start(self, name: str, cmd: list[str]) -> subprocess.Popen:
        log = self.workdir / f"{name}.log"
        proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                                start_new_session=True)
        proc.log = log  # type: ignore[attr-defined]
        self.procs.append(proc)
        return proc

    def start(self) -> None:
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(yaml.safe_dump({
            "action_endpoint": {"url": f"http://127.0.0.1:{self.action_port}/webhook",
                                "headers": {"X-Kokom-Action-Token": "${KOKOM_ACTION_TOKEN}"}},
            "tracker_store": {"type": "kokom.tracker_store.UrlSQLTrackerStore"},
            "lock_store": {"type": "kokom.lock_store.UrlLockStore"},
        }))
        credentials = self.workdir / "credentials.yml"
        credentials.write_text(yaml.safe_dump({"channels.rest.LocalRestInput": None, **self.extra_credentials}))
        # The same launchers as `make run`: loopback only, tokens from the environment.
        actions = self._start("actions", [sys.executable, str(ROOT / "scripts" / "action_server.py"),
                                          "--actions", "actions", "--port", str(self.action_port)])
        self._rasa_cmd = [sys.executable, str(ROOT / "scripts" / "rasa_server.py"), "run",
                          "--model", self.model, "--enable-api", "--port", str(self.rasa_port),
                          "--credentials", str(credentials), "--endpoints", str(endpoints)]
        rasa = self._start("rasa", self._rasa_cmd)
        wait_http(f"http://127.0.0.1:{self.action_port}/health", 120, actions, actions.log)
        wait_http(f"{self.url}/status?token={TOKEN}", 240, rasa, rasa.log)
        # The first parse warms TensorFlow up; tests then see normal latency.
        self.say("warmup-sender", "halo")

    def kill_actions(self) -> None:
        """The action server dies (SIGKILL), as in a crash."""
        proc = self.procs[0]
        signal_group(proc, signal.SIGKILL)
        proc.wait(timeout=30)

    def start_actions(self) -> None:
        """Start the action server again on the same port (after :meth:`kill_actions`)."""
        actions = self._start("actions", [sys.executable, str(ROOT / "scripts" / "action_server.py"),
                                          "--actions", "actions", "--port", str(self.action_port)])
        self.procs.remove(actions)
        self.procs[0] = actions
        wait_http(f"http://127.0.0.1:{self.action_port}/health", 120, actions, actions.log)

    def stop_rasa(self, kill: bool = False) -> None:
        """Stop the Rasa server (SIGTERM, as `make run` or systemd stop it; SIGKILL as in a crash)."""
        proc = self.procs[1]
        if kill:
            signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=30)
        else:
            stop_groups([proc], grace=30)

    def start_rasa(self) -> None:
        """Start Rasa again on the same port, databases and spool (after :meth:`stop_rasa`)."""
        rasa = self._start("rasa", self._rasa_cmd)
        self.procs.remove(rasa)
        self.procs[1] = rasa
        wait_http(f"{self.url}/status?token={TOKEN}", 240, rasa, rasa.log)

    def stop(self) -> None:
        stop_groups(self.procs, grace=20)

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        """One message over the REST channel; returns the bot's messages."""
        response = requests.post(f"{self.url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        messages = response.json()
        # Issue #9: no resident ever gets an empty message (checked for every REST turn of every test).
        empty = [m for m in messages if not ((m.get("text") or "").strip() or m.get("buttons") or m.get("image")
                                             or m.get("attachment") or m.get("custom"))]
        assert not empty, f"empty bot message after {text[:60]!r}: {messages}"
        return messages

    # --- WhatsApp channel helpers ----------------------------------------------------
    @property
    def whatsapp_url(self) -> str:
        return f"{self.url}/webhooks/whatsapp"

    @property
    def webhook_url(self) -> str:
        return f"{self.whatsapp_url}/webhook"

    def query(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        """Read the assistant's application database (SQLite) from the test process."""
        from sqlalchemy import create_engine, text

        engine = getattr(self, "_engine", None)
        if engine is None:
            engine = self._engine = create_engine(self.database_url, future=True)
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(text(sql), params)]

    def inbound(self, wa_id: str) -> list[dict[str, Any]]:
        """The resident's recorded messages; none yet while the channel is still migrating its
        database right after a start (the table does not exist before that)."""
        from sqlalchemy.exc import OperationalError, ProgrammingError

        try:
            return self.query("SELECT * FROM wa_inbound_messages WHERE wa_id = :w ORDER BY id", w=wa_id)
        except (OperationalError, ProgrammingError) as exc:
            if "wa_inbound_messages" not in str(exc):
                raise
            return []

    def outbound(self, wa_id: str) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM wa_outbound_messages WHERE wa_id = :w ORDER BY id", w=wa_id)

    def wait_handled(self, wa_id: str, count: int = 1, timeout: float = 90.0) -> list[dict[str, Any]]:
        """Wait until ``count`` inbound messages of ``wa_id`` are recorded and all handled."""
        deadline = time.time() + timeout
        rows: list[dict[str, Any]] = []
        while time.time() < deadline:
            rows = self.inbound(wa_id)
            if len(rows) >= count and all(r["status"] in ("done", "ignored", "failed") for r in rows):
                return rows
            time.sleep(0.1)
        raise AssertionError(f"inbound messages of {wa_id} not handled in {timeout}s: {rows}")

    def tracker(self, sender: str) -> dict[str, Any]:
        """The tracker of a conversation id (a REST sender's is ``rest_sender(name)``)."""
        response = requests.get(f"{self.url}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30)
        response.raise_for_status()
        return response.json()


def seed_pending_message(database_url: str, wa_id: str, text: str) -> str:
    """Record an inbound WhatsApp message as accepted-but-not-handled in a (new) database.

    Runs in a subprocess so this process's database engines are left alone. Returns its id.
    """
    wamid = f"wamid.SEEDED{int(time.time() * 1000)}"
    code = (
        "import sys\n"
        "from kokom.db import init_db\n"
        "from kokom.whatsapp import payloads, store\n"
        "init_db()\n"
        "data = payloads.build_delivery(sys.argv[1], payloads.text_message(sys.argv[2]), profile_name='Warga')\n"
        "data['entry'][0]['changes'][0]['value']['messages'][0]['id'] = sys.argv[3]\n"
        "delivery = payloads.parse_delivery(data)\n"
        "assert store.accept_delivery(delivery.messages, delivery.statuses)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), DATABASE_URL=database_url)
    subprocess.run([sys.executable, "-c", code, wa_id, text, wamid], cwd=ROOT, env=env, check=True, timeout=120)
    return wamid
