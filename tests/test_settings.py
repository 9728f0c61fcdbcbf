"""The one reader of environment variables: typed values, clear errors, one true/false parser."""
from __future__ import annotations

import pytest

from kokom import settings


def test_defaults_and_typed_values():
    cfg = settings.get({})
    assert cfg.env == "development" and not cfg.production and cfg.bind == "127.0.0.1"
    assert cfg.console_port == 5002 and cfg.database_url == "" and cfg.rasa_url == "http://127.0.0.1:5005"
    cfg = settings.get({"KOKOM_ENV": "prod", "KOKOM_CONSOLE_PORT": "8080", "RASA_URL": "http://x:1/",
                        "KOKOM_CONSOLE_TRUST_PROXY": "ya", "KOKOM_MEDIA_DIR": "/srv/media"})
    assert cfg.production and cfg.console_port == 8080 and cfg.rasa_url == "http://x:1"
    assert cfg.console_trust_proxy is True and str(cfg.media_dir) == "/srv/media"


@pytest.mark.parametrize("env, name", [({"KOKOM_ENV": "staging"}, "KOKOM_ENV"),
                                       ({"KOKOM_CONSOLE_PORT": "lima"}, "KOKOM_CONSOLE_PORT"),
                                       ({"KOKOM_CONSOLE_TRUST_PROXY": "mungkin"}, "KOKOM_CONSOLE_TRUST_PROXY")])
def test_a_bad_value_names_its_variable(env, name):
    with pytest.raises(settings.SettingsError, match=name):
        settings.get(env)


def test_the_whatsapp_channel_uses_the_same_parser_and_media_folder(tmp_path):
    from kokom.whatsapp.config import ConfigError, load_config

    env = {"WHATSAPP_SANDBOX": "ya", "WHATSAPP_SANDBOX_DIR": str(tmp_path), "KOKOM_MEDIA_DIR": str(tmp_path / "m")}
    cfg = load_config({}, env)
    assert cfg.sandbox and cfg.media_dir == settings.media_dir(env) == tmp_path / "m"
    with pytest.raises(ConfigError, match="WHATSAPP_SANDBOX"):
        load_config({}, {**env, "WHATSAPP_SANDBOX": "kadang"})
