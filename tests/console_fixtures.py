"""Fixtures for the officer console tests: a fake Rasa HTTP API, the app, logged-in clients.

Import the fixtures into a test module with ``from tests.console_fixtures import *``.
WhatsApp runs in sandbox mode (sends land in the local outbox table) unless a
test points it elsewhere.
"""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

TOKEN = "console-test-token"
PASSWORD = "kata-sandi-uji-123"


class FakeRasa:
    """Just enough of Rasa's HTTP API: trackers with events, append events, token check."""

    def __init__(self) -> None:
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.calls: list[tuple[str, str, Any]] = []
        self.fail = False
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _reply(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _route(self, method: str) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                match = re.fullmatch(r"/conversations/(.+)/tracker(/events)?", parts.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null") if length else None
                with fake.lock:
                    fake.calls.append((method, parts.path, body))
                if fake.fail:
                    return self._reply(500, {"message": "boom"})
                if query.get("token", [""])[0] != TOKEN:
                    return self._reply(401, {"message": "unauthorized"})
                if not match:
                    return self._reply(404, {})
                sender = unquote(match.group(1))
                with fake.lock:
                    events = fake.events.setdefault(sender, [])
                    if method == "POST" and match.group(2):
                        new = body if isinstance(body, list) else [body]
                        for ev in new:
                            events.append(dict(ev, timestamp=ev.get("timestamp") or time.time()))
                    elif method != "GET" or match.group(2):
                        return self._reply(405, {})
                    paused = False
                    for ev in events:
                        if ev.get("event") == "pause":
                            paused = True
                        elif ev.get("event") == "resume":
                            paused = False
                    return self._reply(200, {"sender_id": sender, "paused": paused, "events": list(events)})

            def do_GET(self) -> None:  # noqa: N802
                self._route("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._route("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeRasa":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def say(self, sender: str, text: str, **metadata: Any) -> None:
        with self.lock:
            self.events.setdefault(sender, []).append(
                {"event": "user", "text": text, "timestamp": time.time(), "metadata": metadata or None})

    def bot(self, sender: str, text: str) -> None:
        with self.lock:
            self.events.setdefault(sender, []).append({"event": "bot", "text": text, "timestamp": time.time()})

    def paused(self, sender: str) -> bool:
        state = False
        for ev in self.events.get(sender, []):
            if ev.get("event") in ("pause", "resume"):
                state = ev["event"] == "pause"
        return state


@pytest.fixture()
def fake_rasa(monkeypatch):
    rasa = FakeRasa().start()
    monkeypatch.setenv("RASA_URL", rasa.url)
    monkeypatch.setenv("RASA_TOKEN", TOKEN)
    yield rasa
    rasa.stop()


@pytest.fixture()
def console_env(db_url, fake_rasa, tmp_path, monkeypatch):
    """Database, fake Rasa, WhatsApp sandbox and media dir in tmp_path."""
    monkeypatch.setenv("WHATSAPP_SANDBOX", "1")
    monkeypatch.setenv("WHATSAPP_SANDBOX_DIR", str(tmp_path / "sandbox"))
    monkeypatch.setenv("WHATSAPP_CREDENTIALS_FILE", str(tmp_path / "no-credentials.yml"))
    monkeypatch.delenv("WHATSAPP_TEMPLATE_NAME", raising=False)
    media = tmp_path / "media"
    media.mkdir()
    monkeypatch.setenv("KOKOM_MEDIA_DIR", str(media))
    return {"db_url": db_url, "rasa": fake_rasa, "media": media, "tmp": tmp_path}


@pytest.fixture()
def app(console_env):
    from console.app import create_app

    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-not-for-production",
        "SESSION_COOKIE_SECURE": False,
        "MEDIA_DIR": str(console_env["media"]),
    })


def make_officer(username: str, role: str = "petugas", password: str = PASSWORD):
    from console import auth

    return auth.create_officer(username, password, role=role, actor="test")


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Client:
    """A logged-in test client that adds the CSRF token to every POST."""

    def __init__(self, flask_client, username: str) -> None:
        self.c = flask_client
        self.username = username
        self.token = ""

    def refresh_token(self) -> str:
        self.token = csrf_from(self.c.get("/akun").get_data(as_text=True))
        return self.token

    def get(self, url: str, **kw: Any):
        return self.c.get(url, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any):
        token = self.token or self.refresh_token()
        return self.c.post(url, data={**(data or {}), "csrf_token": token}, **kw)

    def post_json(self, url: str, body: dict[str, Any] | None = None, **kw: Any):
        token = self.token or self.refresh_token()
        return self.c.post(url, json=body or {}, headers={"X-CSRFToken": token, "Accept": "application/json"},
                           **kw)


def login(app, username: str, password: str = PASSWORD, ip: str = "127.0.0.1"):
    """(response, flask test client) after posting the login form from ``ip``."""
    client = app.test_client()
    env = {"REMOTE_ADDR": ip}
    page = client.get("/masuk", environ_base=env)
    token = csrf_from(page.get_data(as_text=True))
    response = client.post("/masuk", data={"username": username, "password": password, "csrf_token": token},
                           environ_base=env)
    return response, client


def logged_in(app, username: str, role: str = "petugas") -> Client:
    make_officer(username, role)
    response, client = login(app, username)
    assert response.status_code == 302, response.get_data(as_text=True)
    return Client(client, username)


def open_window(sender_id: str) -> None:
    """Pretend the resident just wrote (the 24-hour window is open)."""
    from sqlalchemy import update

    from kokom.db import run_in_transaction
    from kokom.models import Resident, utcnow

    run_in_transaction(lambda s: s.execute(
        update(Resident).where(Resident.wa_id == sender_id).values(last_inbound_at=utcnow())))


def outbox(sender_id: str) -> list[dict[str, Any]]:
    from kokom.whatsapp.outbound import outbound_messages

    return outbound_messages(sender_id)


__all__ = [
    "Client",
    "FakeRasa",
    "PASSWORD",
    "TOKEN",
    "app",
    "console_env",
    "csrf_from",
    "fake_rasa",
    "logged_in",
    "login",
    "make_officer",
    "open_window",
    "outbox",
]
