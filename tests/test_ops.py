"""Operations: liveness/readiness of the console, action server and Rasa; metrics; JSON logs."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from tests.console_fixtures import *  # noqa: F401,F403
from tests.console_fixtures import TOKEN

ROOT = Path(__file__).resolve().parent.parent
NIK = "3577011203850001"


class RasaStatus:
    """Rasa's /status: 200 with a model, 409 without one (as Rasa answers)."""

    def __init__(self, model_loaded: bool = True) -> None:
        self.model_loaded = model_loaded
        status = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # type: ignore[no-untyped-def]
                pass

            def do_GET(self):  # type: ignore[no-untyped-def]  # noqa: N802
                if status.model_loaded:
                    code, body = 200, {"model_file": "models/x.tar.gz", "model_id": "x"}
                else:
                    code, body = 409, {"message": "No agent loaded"}
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def rasa_status(monkeypatch):
    server = RasaStatus()
    monkeypatch.setenv("RASA_URL", server.url)
    monkeypatch.setenv("RASA_TOKEN", TOKEN)
    yield server
    server.stop()


def test_console_healthz_needs_no_login_and_says_only_ok(app):
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}
    assert resp.headers.get("X-Request-Id")


def test_console_readyz_ok_and_names_failed_dependencies(app, rasa_status, monkeypatch):
    client = app.test_client()
    resp = client.get("/readyz")
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok"}

    rasa_status.model_loaded = False
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.get_json() == {"status": "not-ready", "failed": ["model"]}

    # The database gone, Rasa unreachable, Redis configured but not there: only the names come out.
    from kokom import db

    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/1")
    db.reset_engines()
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.get_json() == {"status": "not-ready", "failed": ["database", "rasa", "model", "redis"]}
    assert "127.0.0.1" not in resp.get_data(as_text=True)


def test_console_metrics_loopback_only(app, console_env):
    from kokom import handoffs  # noqa: F401 - the handoff queue's tables are there

    client = app.test_client()
    resp = client.get("/metrics")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert 'kokom_handoffs{status="waiting"} 0.0' in text
    assert 'kokom_inbound_queue{status="pending"} 0.0' in text
    assert "kokom_database_up 1.0" in text
    # Relayed by nginx (X-Forwarded-For) or from another machine: refused.
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403


def test_metrics_count_waiting_handoffs(app, console_env):
    from kokom import handoffs

    handoffs.request_handoff("6281234567001", reason="requested", outside_hours=False)
    handoffs.request_handoff("6281234567002", reason="requested", outside_hours=False)
    text = app.test_client().get("/metrics").get_data(as_text=True)
    assert 'kokom_handoffs{status="waiting"} 2.0' in text
    assert "6281234567001" not in text


def test_send_results_are_counted():
    from kokom import metrics
    from kokom.whatsapp.transport import SendResult

    before_ok = metrics.MESSAGES_OUT.labels("bot")._value.get()
    before_failed = metrics.SEND_FAILURES.labels("officer")._value.get()
    metrics.record_sends([SendResult(True, 1, "wamid.1", None)], "bot")
    metrics.record_sends([SendResult(False, 2, None, "boom")], "budi")
    assert metrics.MESSAGES_OUT.labels("bot")._value.get() == before_ok + 1
    assert metrics.SEND_FAILURES.labels("officer")._value.get() == before_failed + 1
    # Labels never carry a username or a number.
    assert "budi" not in metrics.exposition()[0].decode()


def test_json_log_lines_mask_niks_and_carry_the_correlation():
    from kokom import logs
    from kokom.privacy import install_log_masking

    install_log_masking()
    records: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record):  # type: ignore[no-untyped-def]
            records.append(self.format(record))

    handler = Capture()
    logger = logging.getLogger("kokom.test_ops_json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logs.apply("json")
        assert isinstance(handler.formatter, logs.JsonFormatter)
        with logs.bound(sender="6281****90", message_id="wamid.X"):
            logger.info("NIK %s diterima", NIK)
        logger.info("tanpa konteks")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in records)
    assert NIK not in records[0] and "3577" in first["msg"]
    assert first["sender"] == "6281****90" and first["message_id"] == "wamid.X"
    assert first["level"] == "INFO" and first["logger"] == "kokom.test_ops_json" and first["ts"].endswith("+00:00")
    assert "sender" not in second


def test_log_format_setting(monkeypatch):
    from kokom import settings

    monkeypatch.setenv("KOKOM_LOG_FORMAT", "JSON")
    assert settings.log_format() == "json"
    monkeypatch.setenv("KOKOM_LOG_FORMAT", "xml")
    with pytest.raises(settings.SettingsError, match="KOKOM_LOG_FORMAT"):
        settings.log_format()


def _free_port() -> int:
    from harness.servers import free_port

    return free_port()


@pytest.mark.e2e  # starts a process (rasa CLI, action server or gunicorn): the full tier
def test_action_server_health_and_readiness(tmp_path):
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), KOKOM_ACTION_TOKEN="t", KOKOM_LOG_FORMAT="json",
               DATABASE_URL=f"sqlite:///{tmp_path / 'kokom.db'}")
    log = (tmp_path / "actions.log").open("w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "action_server.py"), "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.25)
        assert requests.get(f"{base}/healthz", timeout=5).json() == {"status": "ok"}
        ready = requests.get(f"{base}/readyz", timeout=5)
        assert ready.status_code == 200 and ready.json() == {"status": "ok"}
        # Anything else still needs the token.
        assert requests.get(f"{base}/actions", timeout=5).status_code == 401
    finally:
        import signal

        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    lines = [line for line in (tmp_path / "actions.log").read_text().splitlines() if line.startswith("{")]
    assert lines and all(json.loads(line)["level"] for line in lines)


def _metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_rasa_health_readiness_and_metrics(assistant):
    from harness.fake_graph import new_wa_id, post_signed
    from kokom.whatsapp import payloads

    base = assistant.whatsapp_url
    assert requests.get(f"{base}/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(f"{base}/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}
    before = requests.get(f"{base}/metrics", timeout=10).text
    wa_id = new_wa_id()
    delivery = payloads.build_delivery(wa_id, payloads.text_message("halo"))
    assert post_signed(assistant.webhook_url, delivery).status_code == 200
    assistant.wait_handled(wa_id)
    deadline = time.time() + 30
    while True:
        after = requests.get(f"{base}/metrics", timeout=10).text
        if _metric(after, "kokom_reply_latency_seconds_count") > _metric(before, "kokom_reply_latency_seconds_count"):
            break
        assert time.time() < deadline, after
        time.sleep(0.5)
    assert _metric(after, "kokom_messages_in_total") >= _metric(before, "kokom_messages_in_total") + 1
    assert _metric(after, 'kokom_messages_out_total{sent_by="bot"}') >= 1
    assert "kokom_spool_depth" in after and "kokom_database_up 1.0" in after
    assert wa_id not in after
    # Through a proxy (nginx adds X-Forwarded-For): refused.
    assert requests.get(f"{base}/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10).status_code == 403


@pytest.mark.e2e  # starts a process (rasa CLI, action server or gunicorn): the full tier
def test_console_under_gunicorn_answers_health_and_logs_json(tmp_path):
    """The production start (deploy/gunicorn.conf.py): /healthz, /readyz names what is missing, JSON logs."""
    import shutil
    import signal

    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        pytest.skip("gunicorn not installed")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), KOKOM_ENV="production", KOKOM_LOG_FORMAT="json",
               KOKOM_CONSOLE_BIND=f"127.0.0.1:{port}", KOKOM_CONSOLE_WORKERS="1",
               KOKOM_CONSOLE_SECRET="s" * 48, DATABASE_URL=f"sqlite:///{tmp_path / 'kokom.db'}",
               RASA_URL="http://127.0.0.1:1", RASA_TOKEN="t", KOKOM_MEDIA_DIR=str(tmp_path / "media"))
    env.pop("REDIS_URL", None)
    log = tmp_path / "console.log"
    proc = subprocess.Popen([gunicorn, "-c", "deploy/gunicorn.conf.py", "console.wsgi:app"], cwd=ROOT, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.25)
        health = requests.get(f"{base}/healthz", timeout=5)
        assert health.json() == {"status": "ok"} and health.headers["X-Request-Id"]
        ready = requests.get(f"{base}/readyz", timeout=10)
        assert ready.status_code == 503 and ready.json() == {"status": "not-ready", "failed": ["rasa", "model"]}
        assert requests.get(f"{base}/metrics", timeout=10).status_code == 200  # direct loopback
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    assert lines, log.read_text()[-2000:]
    entries = [json.loads(line) for line in lines]
    assert any(e["logger"].startswith("gunicorn") for e in entries)
