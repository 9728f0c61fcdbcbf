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
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.skip("no trained model: run `make train` (make test does it)")
    return str(models[-1])


@pytest.fixture(scope="session")
def assistant(model_path, tmp_path_factory):
    """Action server + Rasa server (REST channel and HTTP API) on free local ports."""
    from tests.servers import AssistantServers

    servers = AssistantServers(model_path, tmp_path_factory.mktemp("assistant"))
    servers.start()
    yield servers
    servers.stop()
