"""Configuration: sandbox detection, secrets only from the environment, refusing to start."""
from __future__ import annotations

import logging

import pytest

from kokom.whatsapp.config import DEFAULT_API_URL, ConfigError, load_config

REAL = {"WHATSAPP_APP_SECRET": "s", "WHATSAPP_ACCESS_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "123",
        "WHATSAPP_VERIFY_TOKEN": "v"}


@pytest.fixture()
def env(tmp_path):
    return {"WHATSAPP_SANDBOX_DIR": str(tmp_path / "sandbox")}


def test_no_credentials_means_sandbox(env, tmp_path):
    cfg = load_config({}, env)
    assert cfg.sandbox and cfg.app_secret and cfg.access_token
    assert cfg.verify_token == "kokom-sandbox"
    # the sandbox secret is generated once and reused by every process
    assert load_config({}, env).app_secret == cfg.app_secret
    assert (tmp_path / "sandbox" / "app_secret").stat().st_mode & 0o077 == 0
    cfg.require_real_credentials()  # nothing needed


def test_credentials_mean_real_mode_with_defaults(env):
    cfg = load_config({}, {**env, **REAL})
    assert not cfg.sandbox
    assert (cfg.app_secret, cfg.access_token, cfg.phone_number_id, cfg.verify_token) == ("s", "t", "123", "v")
    assert cfg.api_url == DEFAULT_API_URL and cfg.template_lang == "id" and cfg.template_name is None
    assert cfg.messages_url() == f"{DEFAULT_API_URL}/123/messages"
    cfg.require_real_credentials()


def test_one_credential_alone_is_real_mode_and_refuses_to_start(env):
    cfg = load_config({}, {**env, "WHATSAPP_ACCESS_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "1"})
    assert not cfg.sandbox
    with pytest.raises(ConfigError, match="WHATSAPP_APP_SECRET"):
        cfg.require_real_credentials()
    cfg.require_real_credentials(receiving=False)  # sending needs no app secret


def test_sandbox_switch(env):
    assert load_config({}, {**env, **REAL, "WHATSAPP_SANDBOX": "1"}).sandbox
    cfg = load_config({}, {**env, "WHATSAPP_SANDBOX": "0"})
    assert not cfg.sandbox
    with pytest.raises(ConfigError) as info:
        cfg.require_real_credentials()
    assert "WHATSAPP_APP_SECRET" in str(info.value) and "WHATSAPP_ACCESS_TOKEN" in str(info.value)
    assert load_config({"sandbox": True}, {**env, **REAL}).sandbox


def test_credentials_yml_overrides_but_not_secrets(env, caplog):
    overrides = {"api_url": "https://graph.example/v99.0/", "template_name": "tpl", "access_token": "leak",
                 "app_secret": "leak", "unknown": 1}
    with caplog.at_level(logging.WARNING):
        cfg = load_config(overrides, {**env, **REAL})
    assert cfg.api_url == "https://graph.example/v99.0" and cfg.template_name == "tpl"
    assert cfg.access_token == "t" and cfg.app_secret == "s"
    assert "leak" not in caplog.text and "secrets come only from environment" in caplog.text
    # environment variables win over the file
    cfg = load_config(overrides, {**env, **REAL, "WHATSAPP_TEMPLATE_NAME": "env_tpl", "WHATSAPP_TEMPLATE_LANG": "en"})
    assert cfg.template_name == "env_tpl" and cfg.template_lang == "en"


def test_repr_hides_secrets(env):
    text = repr(load_config({}, {**env, **REAL, "WHATSAPP_APP_SECRET": "very-secret-value"}))
    assert "very-secret-value" not in text and "sandbox=False" in text


def test_channel_refuses_to_start_without_app_secret(monkeypatch, tmp_path):
    from rasa.shared.exceptions import RasaException

    from channels.whatsapp import WhatsAppInput

    monkeypatch.setenv("WHATSAPP_SANDBOX_DIR", str(tmp_path))
    monkeypatch.setenv("WHATSAPP_SPOOL_DIR", str(tmp_path / "spool"))
    monkeypatch.delenv("WHATSAPP_SANDBOX", raising=False)
    monkeypatch.delenv("WHATSAPP_APP_SECRET", raising=False)
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "token")
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "123")
    with pytest.raises(RasaException, match="WHATSAPP_APP_SECRET"):
        WhatsAppInput.from_credentials(None)
    monkeypatch.setenv("WHATSAPP_SANDBOX", "1")
    channel = WhatsAppInput.from_credentials(None)
    assert channel.cfg.sandbox and WhatsAppInput.name() == "whatsapp"
