"""Process-wide settings that several parts of SI KoKoM read (environment variables).

- ``KOKOM_ENV``: ``development`` (default) or ``production``. Production turns off
  what only a developer may use (the REST channel, the sandbox simulator) and makes
  the console insist on HTTPS cookies.
- ``KOKOM_BIND``: the interface Rasa, the action server and the console listen on
  (default ``127.0.0.1``). Only the reverse proxy should face the network.
- ``KOKOM_ACTION_TOKEN``: the shared secret Rasa sends to the action server (generated
  once into ``var/action_token`` when unset).
"""
from __future__ import annotations

import os

from kokom import VAR_DIR
from kokom.local_secrets import env_or_file_secret

TRUE_WORDS = frozenset({"1", "true", "yes", "on", "ya"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "tidak", ""})

DEFAULT_BIND = "127.0.0.1"
ACTION_TOKEN_HEADER = "X-Kokom-Action-Token"


def env_flag(name: str, default: bool = False) -> bool:
    """A true/false environment variable ("1", "true", "ya" ... / "0", "false", "tidak" ...)."""
    value = os.environ.get(name)
    if value is None:
        return default
    text = value.strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return default


def is_production() -> bool:
    return os.environ.get("KOKOM_ENV", "").strip().lower() in ("production", "prod")


def bind_host() -> str:
    return os.environ.get("KOKOM_BIND", "").strip() or DEFAULT_BIND


def action_token() -> str:
    """The action server's shared secret (environment, else generated into var/)."""
    return env_or_file_secret("KOKOM_ACTION_TOKEN", VAR_DIR / "action_token")
