"""The local sandbox: WhatsApp without a WhatsApp account.

- :class:`SandboxTransport` stands in for the Graph API: a sent message is accepted
  (after the same checks Meta makes: limits, the 24-hour window -> 131047) and stays
  in the outbox (``wa_outbound_messages``, recorded by the normal sending code); media
  uploaded in the simulator is looked up and downloaded like Meta's (id -> URL ->
  bytes, with the access token).
- The simulator's web routes live with the channel (:mod:`channels.whatsapp_sandbox`);
  this module gives them what they need without a web framework: the uploads
  (:class:`SandboxMedia`), a resident's timeline and the Meta message for what the
  simulator's user did. The page sends webhook deliveries shaped and
  signed exactly as Meta's to the real webhook route, so the real verification and
  handling code runs.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kokom.privacy import private_dir
from kokom.validators import normalize_wa_id
from kokom.whatsapp import formatting, mediafiles, payloads, store
from kokom.whatsapp.config import WhatsAppConfig
from kokom.whatsapp.transport import Http, HttpResult


logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
UPLOAD_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
MAX_UPLOAD = 5 * 1024 * 1024  # WhatsApp's image limit
_MEDIA_ID = re.compile(r"^\d{6,20}$")


def _write_private(path: Path, content: bytes) -> None:
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
        handle.write(content)


def _sniff_image(content: bytes) -> str | None:
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


class SandboxMedia:
    """Uploaded files of the simulator: ``<sandbox_dir>/media/<id><ext>`` plus ``<id>.json``."""

    def __init__(self, cfg: WhatsAppConfig) -> None:
        self.folder = cfg.sandbox_dir / "media"

    def save(self, content: bytes) -> dict[str, Any]:
        """A photo the simulator's resident sends."""
        if len(content) > MAX_UPLOAD:
            raise ValueError("Ukuran foto maksimal 5 MB.")
        mime_type = _sniff_image(content)
        if mime_type is None:
            raise ValueError("Hanya foto JPG, PNG atau WEBP yang bisa dikirim.")
        return self._store(content, mime_type, UPLOAD_TYPES[mime_type])

    def save_outbound(self, content: bytes, mime_type: str, filename: str | None = None) -> dict[str, Any]:
        """A file the office uploads to the media endpoint (to send it by id), checked as Meta does."""
        sniffed = mediafiles.sniff(content)
        if sniffed is None or sniffed != mime_type:
            raise ValueError("file type does not match its content")
        mediafiles.check_size(mediafiles.KINDS[sniffed], len(content))
        return self._store(content, sniffed, mediafiles.EXTENSIONS[sniffed], filename)

    def _store(self, content: bytes, mime_type: str, ext: str, filename: str | None = None) -> dict[str, Any]:
        private_dir(self.folder.parent)
        private_dir(self.folder)
        media_id = str(10**15 + secrets.randbelow(9 * 10**15))
        _write_private(self.folder / f"{media_id}{ext}", content)
        meta = {
            "id": media_id,
            "mime_type": mime_type,
            "sha256": base64.b64encode(hashlib.sha256(content).digest()).decode(),
            "file_size": len(content),
            "file": f"{media_id}{ext}",
        }
        if filename:
            meta["filename"] = filename
        _write_private(self.folder / f"{media_id}.json", json.dumps(meta).encode())
        return meta

    def info(self, media_id: str) -> dict[str, Any] | None:
        if not _MEDIA_ID.match(media_id or ""):
            return None
        try:
            return json.loads((self.folder / f"{media_id}.json").read_text())
        except (OSError, ValueError):
            return None

    def content(self, media_id: str) -> tuple[bytes, str] | None:
        meta = self.info(media_id)
        if meta is None:
            return None
        try:
            return (self.folder / meta["file"]).read_bytes(), meta["mime_type"]
        except OSError:
            return None


def _graph_error(status: int, code: int, message: str, details: str | None = None) -> HttpResult:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code,
                             "fbtrace_id": "SANDBOX" + secrets.token_hex(4)}
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return HttpResult(status, data={"error": error})


def validate_message(payload: dict[str, Any]) -> str | None:
    """The limits Meta enforces (so the sandbox catches what Meta would reject); None when fine."""
    kind = payload.get("type")
    part = payload.get(kind) if isinstance(payload.get(kind), dict) else None
    if part is None:
        return f"missing '{kind}' object"
    if kind == "text":
        body = part.get("body") or ""
        if not body or len(body) > formatting.TEXT_LIMIT:
            return "text body must be 1-4096 characters"
    elif kind == "interactive":
        body = (part.get("body") or {}).get("text") or ""
        if not body or len(body) > formatting.INTERACTIVE_BODY_LIMIT:
            return "interactive body must be 1-1024 characters"
        action = part.get("action") or {}
        if part.get("type") == "button":
            buttons = action.get("buttons") or []
            titles = [(b.get("reply") or {}).get("title") or "" for b in buttons]
            if not 1 <= len(buttons) <= formatting.MAX_REPLY_BUTTONS:
                return "reply buttons: 1-3 allowed"
            if any(not t or len(t) > formatting.BUTTON_TITLE_LIMIT for t in titles) or len(set(titles)) != len(titles):
                return "button titles must be unique, 1-20 characters"
        elif part.get("type") == "list":
            rows = [r for s in action.get("sections") or [] for r in s.get("rows") or []]
            if not 1 <= len(rows) <= formatting.MAX_LIST_ROWS:
                return "list: 1-10 rows allowed"
            if not action.get("button") or len(action["button"]) > formatting.LIST_BUTTON_LIMIT:
                return "list button label must be 1-20 characters"
            for row in rows:
                if not row.get("title") or len(row["title"]) > formatting.LIST_ROW_TITLE_LIMIT:
                    return "row title must be 1-24 characters"
                if len(row.get("description") or "") > formatting.LIST_ROW_DESCRIPTION_LIMIT:
                    return "row description at most 72 characters"
        else:
            return "unknown interactive type"
    elif kind in ("image", "document"):
        if not part.get("id") and not part.get("link"):
            return f"{kind} needs an id or a link"
        if len(part.get("caption") or "") > formatting.CAPTION_LIMIT:
            return "caption at most 1024 characters"
    return None


class SandboxTransport:
    """Answers the Graph API requests of the client locally (see the module docstring)."""

    def __init__(self, cfg: WhatsAppConfig) -> None:
        self.cfg = cfg
        self.media = SandboxMedia(cfg)

    def request(self, op: Http) -> HttpResult:
        url = urlparse(op.url)
        parts = [p for p in url.path.split("/") if p]
        if url.scheme != "sandbox":
            return HttpResult(0, error="sandbox transport: not a sandbox URL")
        if url.netloc == "graph" and op.method == "POST" and len(parts) == 2 and parts[1] == "messages":
            return self._post_message(op.json or {})
        if url.netloc == "graph" and op.method == "POST" and len(parts) == 2 and parts[1] == "media":
            return self._upload(op)
        if url.netloc == "graph" and op.method == "GET" and len(parts) == 1:
            meta = self.media.info(parts[0])
            if meta is None:
                return _graph_error(400, 100, "Invalid parameter", "media id not found")
            data = {"messaging_product": "whatsapp", "url": f"sandbox://media/{meta['id']}",
                    **{k: meta[k] for k in ("id", "mime_type", "sha256", "file_size")}}
            return HttpResult(200, data=data)
        if url.netloc == "media" and op.method == "GET" and len(parts) == 1:
            found = self.media.content(parts[0])
            if found is None:
                return HttpResult(404, data=None)
            content, mime_type = found
            if op.max_bytes and len(content) > op.max_bytes:
                return HttpResult(413, error="media too large")
            return HttpResult(200, content=content, content_type=mime_type)
        return _graph_error(400, 100, "Unsupported request", f"{op.method} {op.url}")

    def _upload(self, op: Http) -> HttpResult:
        form = op.form or {}
        if form.get("messaging_product") != "whatsapp" or op.file is None:
            return _graph_error(400, 100, "Invalid parameter", "messaging_product/file")
        filename, content, mime_type = op.file
        try:
            meta = self.media.save_outbound(content, str(form.get("type") or mime_type), filename)
        except (ValueError, mediafiles.FileRejected) as exc:
            return _graph_error(400, 131053, "Media upload error", str(exc))
        return HttpResult(200, data={"id": meta["id"]})

    def _post_message(self, payload: dict[str, Any]) -> HttpResult:
        if payload.get("status") == "read":
            return HttpResult(200, data={"success": True})
        to = normalize_wa_id(str(payload.get("to") or ""))
        if payload.get("messaging_product") != "whatsapp" or not to:
            return _graph_error(400, 100, "Invalid parameter", "messaging_product/to")
        problem = validate_message(payload)
        kind = payload.get("type")
        media_id = (payload.get(kind) or {}).get("id") if kind in ("image", "document") else None
        if not problem and media_id and self.media.info(str(media_id)) is None:
            problem = "media id not found (upload it first)"
        if problem:
            return _graph_error(400, 131009, "Parameter value is not valid", problem)
        if payload.get("type") != "template" and not store.within_service_window(to):
            return _graph_error(
                400, 131047, "Re-engagement message",
                "Message failed to send because more than 24 hours have passed since the customer last "
                "replied to this number.",
            )
        wamid = payloads.new_wamid("wamid.SANDBOX.")
        return HttpResult(200, data={"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                                     "messages": [{"id": wamid}]})


# --- the simulator's web endpoints ---------------------------------------------

def timeline(wa_id: str) -> list[dict[str, Any]]:
    """Inbound and outbound messages of one resident, in the order they happened."""
    items: list[dict[str, Any]] = []
    for row in store.inbound_messages(wa_id):
        items.append({
            "dir": "in", "id": row.id, "type": row.msg_type, "message": row.message,
            "status": "read" if row.read_at else "delivered",
            "at": row.received_at.isoformat() + "Z",
        })
    for row in store.outbound_messages(wa_id):
        items.append({
            "dir": "out", "id": row["id"], "type": row["type"], "message": row["payload"],
            "status": row["status"], "error": row["error"], "used_template": row["used_template"],
            "sent_by": row["sent_by"], "at": row["created_at"].isoformat() + "Z",
        })
    items.sort(key=lambda item: (item["at"], 0 if item["dir"] == "in" else 1, item["id"]))
    return items[-300:]


def build_sandbox_message(data: dict[str, Any]) -> dict[str, Any]:
    """The Meta message object for what the simulator's user did; ValueError when incomplete."""
    kind = data.get("kind")
    if kind == "text":
        return payloads.text_message(str(data.get("text") or "")[:65536])
    if kind == "button":
        if not data.get("id"):
            raise ValueError("id missing")
        return payloads.button_reply_message(str(data["id"]), str(data.get("title") or ""), data.get("context_id"))
    if kind == "list":
        if not data.get("id"):
            raise ValueError("id missing")
        return payloads.list_reply_message(str(data["id"]), str(data.get("title") or ""), data.get("description"),
                                           data.get("context_id"))
    if kind == "image":
        media_id = str(data.get("media_id") or "")
        if not _MEDIA_ID.match(media_id):
            raise ValueError("media_id missing")
        return payloads.image_message(media_id, str(data.get("mime_type") or "image/jpeg"),
                                      str(data.get("sha256") or ""), (data.get("caption") or None))
    if kind == "location":
        try:
            latitude, longitude = float(data["latitude"]), float(data["longitude"])
        except (KeyError, TypeError, ValueError):
            raise ValueError("Lintang dan bujur harus berupa angka.") from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValueError("Lintang -90..90, bujur -180..180.")
        return payloads.location_message(latitude, longitude, data.get("name") or None, data.get("address") or None)
    raise ValueError("unknown kind")
