"""Shared fixtures: an isolated SQLite database per test and a running assistant per session."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")


# Fixtures that start real Rasa/action servers (and need a trained model) or a browser.
SERVER_FIXTURES = frozenset({"assistant", "sandbox_assistant", "model_path"})
BROWSER_FIXTURES = frozenset({"browser", "page", "chromium"})


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Mark every test that starts servers ``e2e`` (and browser tests ``browser``) by the
    fixtures it uses, so ``-m "not e2e"`` (make test-fast) never starts Rasa."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & SERVER_FIXTURES:
            item.add_marker(pytest.mark.e2e)
        if names & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)


@pytest.fixture()
def db_url(tmp_path, monkeypatch) -> str:
    """A fresh, migrated SQLite database for one test."""
    from kokom import db

    url = f"sqlite:///{tmp_path / 'kokom.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    db.reset_engines()
    db.init_db(url)
    yield url
    db.reset_engines()


@pytest.fixture(scope="session")
def model_path() -> str:
    """The trained model `make test` passes in (KOKOM_MODEL), else the newest in models/."""
    model = os.environ.get("KOKOM_MODEL")
    if model and Path(model).exists():
        return str(Path(model).resolve())
    models = sorted((ROOT / "models").glob("kokom-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.skip("no trained model: run `make train` (make test does it)")
    return str(models[-1])


def whatsapp_env(graph) -> dict[str, str]:
    """Real-mode WhatsApp settings pointing at the fake Graph API (fast retries)."""
    from tests import fake_graph as fg

    return {
        "WHATSAPP_SANDBOX": "0",
        "WHATSAPP_APP_SECRET": fg.APP_SECRET,
        "WHATSAPP_ACCESS_TOKEN": fg.ACCESS_TOKEN,
        "WHATSAPP_VERIFY_TOKEN": fg.VERIFY_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": fg.PHONE_NUMBER_ID,
        "WHATSAPP_API_URL": graph.api_url,
        "WHATSAPP_TEMPLATE_NAME": fg.TEMPLATE_NAME,
        "WHATSAPP_TEMPLATE_LANG": "id",
        "WHATSAPP_RETRY_BASE_DELAY": "0.05",
        "WHATSAPP_MAX_ATTEMPTS": "4",
    }


@pytest.fixture(scope="session")
def fake_graph():
    """A fake WhatsApp Cloud API on 127.0.0.1 (records every request, can fail on demand)."""
    from tests.fake_graph import FakeGraph

    graph = FakeGraph().start()
    yield graph
    graph.stop()


@pytest.fixture()
def wa_real(db_url, fake_graph, monkeypatch, tmp_path):
    """This process configured for real mode against the fake Graph API (fresh database)."""
    for key, value in whatsapp_env(fake_graph).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("KOKOM_MEDIA_DIR", str(tmp_path / "media"))
    monkeypatch.setenv("WHATSAPP_CREDENTIALS_FILE", str(tmp_path / "no-credentials.yml"))
    return fake_graph


@pytest.fixture()
def wa_sandbox(db_url, monkeypatch, tmp_path):
    """This process configured for sandbox mode (fresh database, sandbox files in tmp_path)."""
    for key in ("WHATSAPP_APP_SECRET", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_API_URL", "WHATSAPP_PHONE_NUMBER_ID"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("WHATSAPP_SANDBOX", "1")
    monkeypatch.setenv("WHATSAPP_SANDBOX_DIR", str(tmp_path / "sandbox"))
    monkeypatch.setenv("KOKOM_MEDIA_DIR", str(tmp_path / "media"))
    monkeypatch.setenv("WHATSAPP_CREDENTIALS_FILE", str(tmp_path / "no-credentials.yml"))
    return tmp_path


@pytest.fixture(scope="session")
def assistant(model_path, tmp_path_factory, fake_graph):
    """Action server + Rasa server on free local ports: REST channel, HTTP API and the WhatsApp
    channel in real mode against the session's fake Graph API (app secret "test-app-secret")."""
    from tests.servers import WHATSAPP_CHANNEL, AssistantServers

    servers = AssistantServers(model_path, tmp_path_factory.mktemp("assistant"),
                               extra_credentials={WHATSAPP_CHANNEL: None},
                               extra_env=whatsapp_env(fake_graph))
    servers.fake_graph = fake_graph
    servers.start()
    yield servers
    servers.stop()


@pytest.fixture(scope="session")
def sandbox_assistant(model_path, tmp_path_factory):
    """A second Rasa (with its own action server) whose WhatsApp channel runs in sandbox mode.

    Before it starts, one message is left "recorded but not handled" in its database and
    another "acknowledged but not recorded" in its spool (as if the previous process had
    stopped): the start must handle both.
    """
    import json

    from kokom.whatsapp import payloads
    from kokom.whatsapp.spool import Spool
    from tests.fake_graph import new_wa_id
    from tests.servers import WHATSAPP_CHANNEL, AssistantServers, seed_pending_message

    workdir = tmp_path_factory.mktemp("sandbox-assistant")
    env = {"WHATSAPP_SANDBOX": "1", "WHATSAPP_SANDBOX_DIR": str(workdir / "sandbox"),
           "WHATSAPP_APP_SECRET": "", "WHATSAPP_ACCESS_TOKEN": "", "WHATSAPP_API_URL": ""}
    servers = AssistantServers(model_path, workdir, extra_credentials={WHATSAPP_CHANNEL: None}, extra_env=env)
    servers.pending_wa_id = new_wa_id()
    servers.pending_wamid = seed_pending_message(servers.database_url, servers.pending_wa_id, "halo")
    servers.spooled_wa_id = new_wa_id()
    delivery = payloads.build_delivery(servers.spooled_wa_id, payloads.text_message("menu"))
    Spool(workdir / "whatsapp-spool").put(json.dumps(delivery).encode())
    servers.start()
    yield servers
    servers.stop()
