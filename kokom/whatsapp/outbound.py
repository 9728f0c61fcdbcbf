"""Sending to residents from outside Rasa (the officer console): a synchronous API.

Same rules as the bot's replies (they share :mod:`kokom.whatsapp.client`): WhatsApp's
limits (:mod:`kokom.whatsapp.formatting`), retries with backoff on 5xx and rate
limits, the approved template on 131047, and every message recorded in
``wa_outbound_messages`` (with its error when it finally failed). In sandbox mode
the messages go to the local outbox, which the simulator shows.

Configuration comes from the environment (:mod:`kokom.whatsapp.config`), read on
every call so a changed setting needs no restart. Times are naive UTC, like every
timestamp in the database.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from kokom.validators import normalize_wa_id
from kokom.whatsapp import formatting, store
from kokom.whatsapp.client import SendResult, SyncClient, combine, plan_flow, template_flow
from kokom.whatsapp.config import ConfigError, WhatsAppConfig, load_config
from kokom.whatsapp.mediafiles import FileRejected, OutboundFile, check_file

__all__ = [
    "SendResult",
    "send_text_sync",
    "send_buttons_sync",
    "send_template_sync",
    "send_file_sync",
    "send_location_sync",
    "within_service_window",
    "outbound_messages",
]


def _client() -> tuple[WhatsAppConfig, SyncClient]:
    cfg = load_config()
    cfg.require_real_credentials(receiving=False)
    return cfg, SyncClient(cfg)


def _recipient(wa_id: str) -> str | None:
    return normalize_wa_id(str(wa_id or ""))


def _send_plan(wa_id: str, plan: formatting.Plan, sent_by: str | None) -> SendResult:
    to = _recipient(wa_id)
    if not to:
        return SendResult.failed("Nomor WhatsApp tujuan tidak valid.")
    if not plan.messages:
        return SendResult.failed("Pesan kosong, tidak ada yang dikirim.")
    try:
        cfg, client = _client()
    except ConfigError as exc:
        return SendResult.failed(str(exc))
    return combine(client.run(plan_flow(cfg, to, plan, sent_by)))


def send_text_sync(wa_id: str, text: str, *, sent_by: str | None = None) -> SendResult:
    """Send text (split at 4,096 characters; the result is that of the last part, or the first failure)."""
    return _send_plan(wa_id, formatting.Plan(formatting.text_messages(text)), sent_by)


def send_buttons_sync(wa_id: str, text: str, buttons: list[dict[str, str]], *,
                      sent_by: str | None = None) -> SendResult:
    """Text with buttons ``[{"title", "payload"}]``: reply buttons, list or numbered text, like the bot's."""
    return _send_plan(wa_id, formatting.plan_buttons(text, buttons), sent_by)


def send_file_sync(wa_id: str, file: OutboundFile | bytes, *, filename: str | None = None,
                   caption: str | None = None, sent_by: str | None = None) -> SendResult:
    """An image (JPEG/PNG) or document (PDF/DOCX/XLSX) with a caption: checked (type from the content,
    WhatsApp's size limit) before anything is uploaded, uploaded to the media endpoint, then sent by
    its media id, with the same retries, template fallback and records as text."""
    if not isinstance(file, OutboundFile):
        try:
            file = check_file(file, filename)
        except FileRejected as exc:
            return SendResult.failed(str(exc))
    caption = (caption or "").strip() or None
    return _send_plan(wa_id, formatting.Plan([formatting.file_message(file, file.kind, caption)]), sent_by)


def send_location_sync(wa_id: str, latitude: float, longitude: float, *, name: str | None = None,
                       address: str | None = None, sent_by: str | None = None) -> SendResult:
    """A location pin (opens in the resident's maps app)."""
    outgoing = formatting.location_message({"latitude": latitude, "longitude": longitude, "name": name,
                                            "address": address})
    if outgoing is None:
        return SendResult.failed("Koordinat lokasi tidak valid.")
    return _send_plan(wa_id, formatting.Plan([outgoing]), sent_by)


def send_template_sync(wa_id: str, *, params: list[str] | None = None, sent_by: str | None = None) -> SendResult:
    """The configured approved template (WHATSAPP_TEMPLATE_NAME / WHATSAPP_TEMPLATE_LANG), body params in order."""
    to = _recipient(wa_id)
    if not to:
        return SendResult.failed("Nomor WhatsApp tujuan tidak valid.")
    try:
        cfg, client = _client()
    except ConfigError as exc:
        return SendResult.failed(str(exc))
    return client.run(template_flow(cfg, to, [str(p) for p in params] if params else None, sent_by))


def within_service_window(wa_id: str, now: datetime | None = None) -> bool:
    """True when the resident's last message arrived less than 24 hours before ``now`` (default: now)."""
    return store.within_service_window(wa_id, now)


def outbound_messages(wa_id: str, limit: int = 200) -> list[dict[str, Any]]:
    """Recorded outbound messages of a resident, oldest first (the newest ``limit``).

    Each dict: id, wa_id, type (text|interactive|location|image|document|template),
    text (readable body), payload (the JSON sent), status (pending|sent|delivered|read|
    failed), wamid, error (why it failed), error_code, attempts, used_template,
    sent_by ("bot", an officer's username or None), sandbox, created_at, updated_at
    (naive UTC datetimes).
    """
    return store.outbound_messages(wa_id, limit)
