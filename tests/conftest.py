"""Shared fixtures: an isolated SQLite database per test and a running assistant per session."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.fake_graph import whatsapp_env  # noqa: E402
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


# With KOKOM_TEST_POSTGRES_URL set (.ci/run sets it), the database tests of these modules
# run again on PostgreSQL, each in its own database, dropped afterwards.
PG_ENV = "KOKOM_TEST_POSTGRES_URL"
PG_MODULES = frozenset({"test_cases", "test_handoffs", "test_whatsapp_inbound"})


def pytest_generate_tests(metafunc):  # type: ignore[no-untyped-def]
    module = metafunc.module.__name__.rpartition(".")[2]
    if "db_url" in metafunc.fixturenames and module in PG_MODULES:
        backends = ["sqlite"] + (["postgresql"] if os.environ.get(PG_ENV) else [])
        metafunc.parametrize("db_url", backends, indirect=True)


def _pg_url(admin_url: str, database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(admin_url).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing():
    """Argon2 with minimal cost inside the test process (real argon2id, ~1 ms instead of ~0.2 s).

    Production keeps argon2-cffi's defaults (test_console_auth checks them); consoles that
    tests start as subprocesses (gunicorn) use the defaults too.
    """
    try:
        from argon2 import PasswordHasher

        import console.auth as auth
    except ImportError:  # pragma: no cover
        yield
        return
    strong, dummy = auth._hasher, auth._DUMMY_HASH
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    auth._DUMMY_HASH = auth._hasher.hash("dummy-password-for-timing")
    yield
    auth._hasher, auth._DUMMY_HASH = strong, dummy


@pytest.fixture(scope="session")
def pg_template():
    """A database migrated once per run, copied for each test (CREATE DATABASE ... TEMPLATE)."""
    import uuid

    from sqlalchemy import create_engine, text

    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        pytest.skip(f"{PG_ENV} is not set")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - set but unreachable: a failure, never a skip
        pytest.fail(f"{PG_ENV} is set but PostgreSQL is not reachable: {exc}")
    name = f"kokom_tpl_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    from kokom import db

    db.init_db(_pg_url(admin_url, name))
    db.reset_engines()
    yield admin, admin_url, name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _database(request, backend: str, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A fresh, migrated database of ``backend`` as DATABASE_URL; dropped afterwards."""
    from kokom import db

    dropped = None
    if backend == "postgresql":
        import uuid

        from sqlalchemy import text

        admin, admin_url, template = request.getfixturevalue("pg_template")
        name = f"kokom_t_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        url = _pg_url(admin_url, name)
        dropped = (admin, name)
    else:
        url = f"sqlite:///{tmp_path / 'kokom.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    db.reset_engines()
    db.init_db(url)
    yield url
    db.reset_engines()
    if dropped:
        from sqlalchemy import text

        admin, name = dropped
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture()
def db_url(request, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A fresh, migrated database for one test: SQLite, or PostgreSQL where parametrized."""
    yield from _database(request, getattr(request, "param", "sqlite"), tmp_path, monkeypatch)


@pytest.fixture()
def pg_db_url(request, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A fresh PostgreSQL database (skipped without KOKOM_TEST_POSTGRES_URL, failed if unreachable)."""
    yield from _database(request, "postgresql", tmp_path, monkeypatch)


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


@pytest.fixture(scope="session")
def fake_graph():
    """A fake WhatsApp Cloud API on 127.0.0.1 (records every request, can fail on demand)."""
    from harness.fake_graph import FakeGraph

    graph = FakeGraph().start()
    yield graph
    graph.stop()


@pytest.fixture(autouse=True)
def _no_empty_whatsapp_message(request):
    """Issue #9, asserted centrally: a test that used the fake Graph API sent no empty message."""
    uses_graph = any(name in request.fixturenames for name in ("fake_graph", "assistant", "wa_real"))
    if not uses_graph:
        yield
        return
    graph = request.getfixturevalue("fake_graph")
    before = len(graph.empty_sends())
    yield
    after = graph.empty_sends()
    assert len(after) == before, f"empty WhatsApp messages sent: {after[before:]}"


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
    from harness.servers import WHATSAPP_CHANNEL, AssistantServers

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
    from harness.fake_graph import new_wa_id
    from harness.servers import WHATSAPP_CHANNEL, AssistantServers, seed_pending_message

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
