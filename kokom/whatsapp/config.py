"""WhatsApp configuration, read in one place (environment first, then non-secret overrides).

Secrets (``WHATSAPP_APP_SECRET``, ``WHATSAPP_ACCESS_TOKEN``, ``WHATSAPP_VERIFY_TOKEN``)
come only from the environment. ``credentials.yml`` (the channel's entry) may hold
non-secret overrides: ``api_url``, ``phone_number_id``, ``template_name``,
``template_lang``, ``sandbox``. Environment variables win over the file.

Sandbox mode: ``WHATSAPP_SANDBOX=1`` forces it, ``WHATSAPP_SANDBOX=0`` forbids it; when
unset the channel runs in sandbox mode exactly when neither ``WHATSAPP_ACCESS_TOKEN``
nor ``WHATSAPP_APP_SECRET`` is set. In sandbox mode nothing is sent to Meta: outbound
messages are written to the local outbox and webhook payloads are signed with a
sandbox secret generated once into ``var/``.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from kokom import REPO_ROOT, VAR_DIR, settings
from kokom.local_secrets import file_secret

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://graph.facebook.com/v21.0"
DEFAULT_TEMPLATE_LANG = "id"
CHANNEL_KEY = "channels.whatsapp.WhatsAppInput"
SANDBOX_PHONE_NUMBER_ID = "100000000000001"
SANDBOX_DISPLAY_NUMBER = "6235100000000"
SANDBOX_API_URL = "sandbox://graph"
OVERRIDABLE = ("api_url", "phone_number_id", "template_name", "template_lang", "sandbox")
SECRET_KEYS = ("app_secret", "access_token", "verify_token")


class ConfigError(RuntimeError):
    """The channel cannot run with this configuration (message says what to set)."""


@dataclass(frozen=True)
class WhatsAppConfig:
    sandbox: bool
    app_secret: str = field(repr=False)
    access_token: str = field(repr=False)
    verify_token: str = field(repr=False)
    phone_number_id: str
    api_url: str
    template_name: str | None
    template_lang: str
    max_attempts: int = 4
    # Conversations handled at once (each one's messages stay in order). Predictions and the
    # tracker store run in Rasa's thread pool (kokom/rasa_speedups.py), so messages in flight
    # no longer hold up the webhook's 200; four overlap the action server's and the database's
    # waits with the model's work. On 2 cores 4 held twice the rate of 2 and beat 8
    # (docs/benchmarks.md).
    concurrency: int = 4
    retry_base_delay: float = 1.0
    retry_max_delay: float = 30.0
    http_timeout: float = 20.0
    max_media_bytes: int = 100 * 1024 * 1024
    media_dir: Path = VAR_DIR / "media"
    sandbox_dir: Path = VAR_DIR / "whatsapp-sandbox"
    spool_dir: Path = VAR_DIR / "whatsapp-spool"
    # Real credentials are in the environment: the simulator is never served then,
    # whatever WHATSAPP_SANDBOX says (it would let anyone post as any resident).
    credentials_present: bool = False

    @property
    def serve_simulator(self) -> bool:
        from kokom.settings import is_production

        return self.sandbox and not self.credentials_present and not is_production()

    def messages_url(self) -> str:
        return f"{self.api_url}/{self.phone_number_id}/messages"

    def media_upload_url(self) -> str:
        return f"{self.api_url}/{self.phone_number_id}/media"

    def media_info_url(self, media_id: str) -> str:
        return f"{self.api_url}/{media_id}"

    def require_real_credentials(self, receiving: bool = True) -> None:
        """Real mode needs the credentials; the error names what is missing (never the values).

        Receiving (the webhook) needs the app secret; sending only the token and number id.
        """
        if self.sandbox:
            return
        needed = [("WHATSAPP_APP_SECRET", self.app_secret)] if receiving else []
        needed += [("WHATSAPP_ACCESS_TOKEN", self.access_token), ("WHATSAPP_PHONE_NUMBER_ID", self.phone_number_id)]
        missing = [name for name, value in needed if not value]
        if missing:
            raise ConfigError(
                "WhatsApp channel not started: set "
                + ", ".join(missing)
                + " (or run the local sandbox with WHATSAPP_SANDBOX=1). See docs/whatsapp.md."
            )


def _override_flag(value: Any) -> bool | None:
    """A true/false value from credentials.yml (YAML may give a bool or a word)."""
    if value is None or isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    return True if word in settings.TRUE_WORDS else False if word in settings.FALSE_WORDS else None


def read_credentials_overrides(path: Path | None = None) -> dict[str, Any]:
    """The channel's entry of ``credentials.yml`` (processes that are not Rasa read it here)."""
    path = path or Path(settings.text("WHATSAPP_CREDENTIALS_FILE", str(REPO_ROOT / "credentials.yml")))
    try:
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, ValueError, ImportError):
        return {}
    except Exception:  # noqa: BLE001 - a broken YAML file must not stop the console
        logger.warning("could not read %s", path)
        return {}
    entry = data.get(CHANNEL_KEY) if isinstance(data, dict) else None
    return dict(entry) if isinstance(entry, dict) else {}


def _sandbox_secret(sandbox_dir: Path) -> str:
    """Generated once into var/; Rasa and the console read the same file."""
    try:
        return file_secret(sandbox_dir / "app_secret")
    except RuntimeError as exc:
        raise ConfigError(str(exc)) from exc


def load_config(overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None) -> WhatsAppConfig:
    """Build the configuration. ``overrides`` is the credentials.yml entry (None: read the file)."""
    env = os.environ if env is None else env
    if overrides is None:
        overrides = read_credentials_overrides()
    overrides = dict(overrides or {})
    for key in list(overrides):
        if key in SECRET_KEYS:
            logger.warning("credentials.yml: '%s' ignored, secrets come only from environment variables", key)
            overrides.pop(key)
        elif key not in OVERRIDABLE:
            logger.warning("credentials.yml: unknown WhatsApp setting '%s' ignored", key)
            overrides.pop(key)

    def get(name: str, key: str | None = None, default: str = "") -> str:
        value = env.get(name)
        if value is not None and value.strip():
            return value.strip()
        if key and overrides.get(key) not in (None, ""):
            return str(overrides[key]).strip()
        return default

    app_secret = env.get("WHATSAPP_APP_SECRET", "").strip()
    access_token = env.get("WHATSAPP_ACCESS_TOKEN", "").strip()
    try:
        forced = settings.optional_flag("WHATSAPP_SANDBOX", env)
    except settings.SettingsError as exc:
        raise ConfigError(str(exc)) from None
    if forced is None:
        forced = _override_flag(overrides.get("sandbox"))
    sandbox = forced if forced is not None else not (app_secret or access_token)

    media_dir = settings.media_dir(env)
    sandbox_dir = Path(env.get("WHATSAPP_SANDBOX_DIR", "").strip() or VAR_DIR / "whatsapp-sandbox")
    spool_dir = Path(env.get("WHATSAPP_SPOOL_DIR", "").strip() or VAR_DIR / "whatsapp-spool")

    def number(name: str, default: float, cast: type = float) -> Any:
        try:
            return settings.number(name, default, cast, env)
        except settings.SettingsError as exc:
            logger.warning("%s; using %s", exc, default)
            return cast(default)

    common = dict(
        template_name=get("WHATSAPP_TEMPLATE_NAME", "template_name") or None,
        template_lang=get("WHATSAPP_TEMPLATE_LANG", "template_lang", DEFAULT_TEMPLATE_LANG),
        max_attempts=max(1, number("WHATSAPP_MAX_ATTEMPTS", 4, int)),
        concurrency=max(1, number("WHATSAPP_CONCURRENCY", 4, int)),
        retry_base_delay=max(0.0, number("WHATSAPP_RETRY_BASE_DELAY", 1.0)),
        retry_max_delay=max(0.0, number("WHATSAPP_RETRY_MAX_DELAY", 30.0)),
        http_timeout=max(1.0, number("WHATSAPP_HTTP_TIMEOUT", 20.0)),
        max_media_bytes=max(1024, number("WHATSAPP_MAX_MEDIA_BYTES", 100 * 1024 * 1024, int)),
        media_dir=media_dir,
        sandbox_dir=sandbox_dir,
        spool_dir=spool_dir,
        credentials_present=bool(app_secret or access_token),
    )
    if sandbox:
        secret = _sandbox_secret(sandbox_dir)
        return WhatsAppConfig(
            sandbox=True,
            app_secret=secret,
            # Derived, so every process agrees without another file.
            access_token=hmac.new(secret.encode(), b"sandbox-access-token", hashlib.sha256).hexdigest(),
            verify_token=env.get("WHATSAPP_VERIFY_TOKEN", "").strip() or "kokom-sandbox",
            phone_number_id=SANDBOX_PHONE_NUMBER_ID,
            api_url=SANDBOX_API_URL,  # served in-process by kokom.whatsapp.sandbox.SandboxTransport
            **common,
        )
    return WhatsAppConfig(
        sandbox=False,
        app_secret=app_secret,
        access_token=access_token,
        verify_token=env.get("WHATSAPP_VERIFY_TOKEN", "").strip(),
        phone_number_id=get("WHATSAPP_PHONE_NUMBER_ID", "phone_number_id"),
        api_url=get("WHATSAPP_API_URL", "api_url", DEFAULT_API_URL).rstrip("/"),
        **common,
    )
