"""Every environment variable SI KoKoM reads, in one place, typed (the README's table).

Modules ask :func:`get` (or one of the helpers below) instead of ``os.environ``. Values
are read when asked, so a test can change the environment and see the effect; a bad
value raises :class:`SettingsError` naming the variable, once, where it is read.

The WhatsApp channel's variables (``WHATSAPP_*``) are read by
:func:`kokom.whatsapp.config.load_config` through :func:`flag`, :func:`number` and
:func:`media_dir`, because they merge with the non-secret overrides in
``credentials.yml``; secrets that may be generated into ``var/`` come through
:mod:`kokom.local_secrets`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from kokom import REPO_ROOT, VAR_DIR
from kokom.local_secrets import env_or_file_secret

TRUE_WORDS = frozenset({"1", "true", "yes", "on", "ya"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "tidak", ""})

DEFAULT_BIND = "127.0.0.1"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
ACTION_TOKEN_HEADER = "X-Kokom-Action-Token"
SHIPPED_OFFICE_FILE = REPO_ROOT / "office" / "kelurahan.yml"


class SettingsError(ValueError):
    """An environment variable has a value SI KoKoM cannot use (the message names it)."""


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def text(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    value = _env(environ).get(name)
    return value.strip() if value is not None and value.strip() else default


def flag(name: str, default: bool = False, environ: Mapping[str, str] | None = None) -> bool:
    """A true/false variable ("1", "true", "ya" ... / "0", "false", "tidak" ...)."""
    value = _env(environ).get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{name}={value!r}: use 1/0, true/false or ya/tidak")


def optional_flag(name: str, environ: Mapping[str, str] | None = None) -> bool | None:
    """Like :func:`flag`, but None when the variable is not set (or empty)."""
    value = _env(environ).get(name)
    if value is None or not value.strip():
        return None
    return flag(name, environ=environ)


def number(name: str, default: float, cast: type = float, environ: Mapping[str, str] | None = None):  # type: ignore[no-untyped-def]
    value = _env(environ).get(name)
    if value is None or not value.strip():
        return cast(default)
    try:
        return cast(value.strip())
    except ValueError:
        raise SettingsError(f"{name}={value!r} is not a number") from None


def media_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where residents' photos and files are kept (``KOKOM_MEDIA_DIR``)."""
    return Path(text("KOKOM_MEDIA_DIR", str(VAR_DIR / "media"), environ))


@dataclass(frozen=True)
class Settings:
    env: str
    bind: str
    database_url: str  # "" = SQLite in var/
    tracker_database_url: str  # "" = SQLite in var/
    rasa_url: str
    office_file: Path
    fake_now: str  # "" = the real clock
    media_dir: Path
    console_insecure_cookies: bool
    console_trust_proxy: bool
    console_host: str
    console_port: int
    redis_url: str  # "" = Rasa's in-memory lock store (one Rasa process)
    lock_prefix: str
    # --- maintainers' review queue (issue 12) ---
    review_confidence: float  # a resident message classified below this enters the review queue

    @property
    def production(self) -> bool:
        return self.env == "production"


def get(environ: Mapping[str, str] | None = None) -> Settings:
    env = text("KOKOM_ENV", "development", environ).lower()
    if env == "prod":
        env = "production"
    if env not in ("development", "production"):
        raise SettingsError(f"KOKOM_ENV={env!r}: use development or production")
    return Settings(
        env=env,
        bind=text("KOKOM_BIND", DEFAULT_BIND, environ),
        database_url=text("DATABASE_URL", "", environ),
        tracker_database_url=text("TRACKER_DATABASE_URL", "", environ),
        rasa_url=text("RASA_URL", DEFAULT_RASA_URL, environ).rstrip("/"),
        office_file=Path(text("KOKOM_OFFICE_FILE", str(SHIPPED_OFFICE_FILE), environ)),
        fake_now=text("KOKOM_FAKE_NOW", "", environ),
        media_dir=media_dir(environ),
        console_insecure_cookies=flag("KOKOM_CONSOLE_INSECURE_COOKIES", False, environ),
        console_trust_proxy=flag("KOKOM_CONSOLE_TRUST_PROXY", False, environ),
        console_host=text("KOKOM_CONSOLE_HOST", DEFAULT_BIND, environ),
        console_port=int(number("KOKOM_CONSOLE_PORT", 5002, int, environ)),
        redis_url=text("REDIS_URL", "", environ),
        lock_prefix=text("KOKOM_LOCK_PREFIX", "", environ),
        review_confidence=_fraction("KOKOM_REVIEW_CONFIDENCE", 0.6, environ),
    )


def _fraction(name: str, default: float, environ: Mapping[str, str] | None = None) -> float:
    value = float(number(name, default, float, environ))
    if not 0.0 <= value <= 1.0:
        raise SettingsError(f"{name}={value!r}: use a confidence between 0 and 1")
    return value


def is_production() -> bool:
    return get().production


def bind_host() -> str:
    return get().bind


def rasa_token() -> str:
    """Rasa's HTTP API token (``RASA_TOKEN``, else generated once into var/rasa_token)."""
    return env_or_file_secret("RASA_TOKEN", VAR_DIR / "rasa_token")


def action_token() -> str:
    """The action server's shared secret (``KOKOM_ACTION_TOKEN``, else generated into var/)."""
    return env_or_file_secret("KOKOM_ACTION_TOKEN", VAR_DIR / "action_token")


def console_secret() -> str:
    """The console's session key (``KOKOM_CONSOLE_SECRET``, else generated into var/)."""
    return env_or_file_secret("KOKOM_CONSOLE_SECRET", VAR_DIR / "console_secret", 48)


# --- operations (issue 14): log format, NIK keys, retention ------------------------------
def log_format(environ: Mapping[str, str] | None = None) -> str:
    """``KOKOM_LOG_FORMAT``: ``text`` (default) or ``json`` (one JSON object per line)."""
    value = text("KOKOM_LOG_FORMAT", "text", environ).lower()
    if value not in ("text", "json"):
        raise SettingsError(f"KOKOM_LOG_FORMAT={value!r}: use text or json")
    return value


def nik_keys() -> list[str]:
    """``KOKOM_NIK_KEYS``: secrets encrypting NIKs at rest, newest first, comma-separated
    (rotation: put the new one first, run ``python -m kokom.pdp rotate-nik-key``, then drop
    the old one). Unset: one key generated once into ``var/nik_key`` (back it up with the
    database: without it the stored NIKs cannot be read)."""
    value = text("KOKOM_NIK_KEYS")
    if value:
        keys = [k.strip() for k in value.split(",") if k.strip()]
        if any(len(k) < 32 for k in keys):
            raise SettingsError("KOKOM_NIK_KEYS: every key must be at least 32 characters")
        return keys
    return [env_or_file_secret("KOKOM_NIK_KEYS", VAR_DIR / "nik_key")]


def nik_index_key() -> str:
    """``KOKOM_NIK_INDEX_KEY``: secret of the keyed hash that finds a NIK without decrypting
    (unset: generated once into ``var/nik_index_key``)."""
    value = text("KOKOM_NIK_INDEX_KEY")
    if value and len(value) < 32:
        raise SettingsError("KOKOM_NIK_INDEX_KEY must be at least 32 characters")
    return value or env_or_file_secret("KOKOM_NIK_INDEX_KEY", VAR_DIR / "nik_index_key")


def instance_id(default: str) -> str:
    """``KOKOM_INSTANCE_ID``: this Rasa instance's name in inbound claims (several instances share
    one database). Default: host name and spool folder, stable across restarts of one instance."""
    return text("KOKOM_INSTANCE_ID", default)


def claim_lease_seconds() -> float:
    """``KOKOM_CLAIM_LEASE_SECONDS`` (default 120): after this long, a message an instance took
    and never finished (the instance was killed) is taken over by another instance."""
    value = float(number("KOKOM_CLAIM_LEASE_SECONDS", 120.0))
    if value < 5:
        raise SettingsError("KOKOM_CLAIM_LEASE_SECONDS must be at least 5")
    return value
