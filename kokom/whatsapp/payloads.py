"""Meta webhook deliveries -> normalised inbound messages and status events (and back, for the sandbox).

A delivery is ``{"object": "whatsapp_business_account", "entry": [{"changes": [{"field":
"messages", "value": {...}}]}]}``; one delivery may carry several entries, changes,
messages and statuses. :func:`parse_delivery` validates the shape (raising
:class:`MalformedPayload`, answered with 400) and returns every message and status
event. The sender is normalised once here with :func:`kokom.validators.normalize_wa_id`.

The ``build_*`` functions make the same shapes; the sandbox and the tests use them.
"""
from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from kokom.validators import normalize_wa_id

OBJECT = "whatsapp_business_account"
MEDIA_TYPES = ("image", "document", "audio", "video", "sticker")


class MalformedPayload(ValueError):
    """The body is not a WhatsApp delivery (answered with 400)."""


@dataclass(frozen=True)
class InboundMessage:
    wamid: str
    wa_id: str  # normalised sender (the Rasa sender id)
    msg_type: str
    message: dict[str, Any]  # the message object as Meta sent it
    profile_name: str | None = None
    phone_number_id: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class StoredMessage:
    """An accepted inbound message as the queue keeps it: the message parsed once, when the
    delivery was accepted, and where it stands. The dispatcher, the channel (which makes Rasa's
    ``UserMessage`` from it) and the sandbox all read this one type."""

    id: int
    inbound: InboundMessage
    status: str
    attempts: int = 0
    received_at: datetime | None = None
    read_at: datetime | None = None
    error: str | None = None
    claimed_at: datetime | None = None

    @property
    def wamid(self) -> str:
        return self.inbound.wamid

    @property
    def wa_id(self) -> str:
        return self.inbound.wa_id

    @property
    def msg_type(self) -> str:
        return self.inbound.msg_type

    @property
    def message(self) -> dict[str, Any]:
        return self.inbound.message

    @property
    def profile_name(self) -> str | None:
        return self.inbound.profile_name

    @property
    def phone_number_id(self) -> str | None:
        return self.inbound.phone_number_id


@dataclass(frozen=True)
class StatusEvent:
    wamid: str
    status: str
    recipient_id: str | None
    occurred_at: datetime | None
    error_code: int | None = None
    error: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    messages: list[InboundMessage]
    statuses: list[StatusEvent]


def _timestamp(value: Any) -> datetime | None:
    """Meta's epoch seconds as naive UTC (like every stored timestamp)."""
    try:
        seconds = int(str(value))
    except (TypeError, ValueError):
        return None
    if seconds <= 0 or seconds > 4102444800:  # after 2100: not a real timestamp
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc).replace(tzinfo=None)


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def describe_error(errors: Any) -> tuple[int | None, str | None]:
    """First error of a Cloud API ``errors`` list as (code, "code: title — details")."""
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return None, None
    first = errors[0]
    code = first.get("code")
    try:
        code = int(code) if code is not None else None
    except (TypeError, ValueError):
        code = None
    title = first.get("title") or first.get("message") or "error"
    details = (first.get("error_data") or {}).get("details") if isinstance(first.get("error_data"), dict) else None
    text = f"{code}: {title}" if code is not None else str(title)
    if details and details != title:
        text += f" — {details}"
    return code, text


def parse_body(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedPayload(f"body is not JSON: {exc.__class__.__name__}") from None
    if not isinstance(data, dict):
        raise MalformedPayload("body is not a JSON object")
    return data


def parse_delivery(data: dict[str, Any]) -> Delivery:
    """Every message and status of a delivery; raises MalformedPayload on a wrong shape."""
    if data.get("object") != OBJECT:
        raise MalformedPayload("object is not whatsapp_business_account")
    entries = data.get("entry")
    if not isinstance(entries, list):
        raise MalformedPayload("entry is not a list")
    messages: list[InboundMessage] = []
    statuses: list[StatusEvent] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("changes", []), list):
            raise MalformedPayload("entry has no list of changes")
        for change in entry.get("changes", []):
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                raise MalformedPayload("change has no value object")
            if change.get("field", "messages") != "messages":
                continue  # account/template updates: not conversation input
            value = change["value"]
            metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
            phone_number_id = _str(metadata.get("phone_number_id"))
            names: dict[str, str] = {}
            contacts = value.get("contacts", [])
            if not isinstance(contacts, list):
                raise MalformedPayload("contacts is not a list")
            for contact in contacts:
                if isinstance(contact, dict):
                    wa = normalize_wa_id(str(contact.get("wa_id") or ""))
                    profile = contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
                    name = _str(profile.get("name"))
                    if wa and name:
                        names[wa] = name[:200]
            raw_messages = value.get("messages", [])
            raw_statuses = value.get("statuses", [])
            if not isinstance(raw_messages, list) or not isinstance(raw_statuses, list):
                raise MalformedPayload("messages/statuses is not a list")
            for message in raw_messages:
                messages.append(_parse_message(message, names, phone_number_id))
            for status in raw_statuses:
                statuses.append(_parse_status(status))
    return Delivery(messages, statuses)


def _parse_message(message: Any, names: dict[str, str], phone_number_id: str | None) -> InboundMessage:
    if not isinstance(message, dict):
        raise MalformedPayload("message is not an object")
    wamid, sender, msg_type = _str(message.get("id")), _str(message.get("from")), _str(message.get("type"))
    if not (wamid and sender and msg_type):
        raise MalformedPayload("message lacks id, from or type")
    if len(wamid) > 255:
        raise MalformedPayload("message id too long")
    wa_id = normalize_wa_id(sender)
    if not wa_id:
        raise MalformedPayload("sender is not a phone number")
    return InboundMessage(
        wamid=wamid,
        wa_id=wa_id,
        msg_type=msg_type,
        message=message,
        profile_name=names.get(wa_id),
        phone_number_id=phone_number_id,
        sent_at=_timestamp(message.get("timestamp")),
    )


def _parse_status(status: Any) -> StatusEvent:
    if not isinstance(status, dict):
        raise MalformedPayload("status is not an object")
    wamid, value = _str(status.get("id")), _str(status.get("status"))
    if not (wamid and value) or len(wamid) > 255:
        raise MalformedPayload("status lacks id or status")
    code, error = describe_error(status.get("errors"))
    recipient = status.get("recipient_id")
    return StatusEvent(
        wamid=wamid,
        status=value.lower()[:20],
        recipient_id=normalize_wa_id(str(recipient)) if recipient else None,
        occurred_at=_timestamp(status.get("timestamp")),
        error_code=code,
        error=error,
        raw=status,
    )


# --- reading a message ------------------------------------------------------

def interactive_reply(message: dict[str, Any]) -> tuple[str, str] | None:
    """(payload, title) of a reply-button or list tap, or of a template quick-reply button."""
    if message.get("type") == "interactive":
        interactive = message.get("interactive") or {}
        kind = interactive.get("type")
        if kind in ("button_reply", "list_reply"):
            reply = interactive.get(kind) or {}
            payload = _str(reply.get("id"))
            if payload:
                return payload, str(reply.get("title") or "")
        return None
    if message.get("type") == "button":  # quick-reply button of a template
        button = message.get("button") or {}
        payload = _str(button.get("payload")) or _str(button.get("text"))
        if payload:
            return payload, str(button.get("text") or "")
    return None


def contacts_text(message: dict[str, Any]) -> str:
    """A shared contact card as the text the assistant (and the officer) reads."""
    parts = []
    for contact in message.get("contacts") or []:
        if not isinstance(contact, dict):
            continue
        name = contact.get("name") or {}
        label = (name.get("formatted_name") if isinstance(name, dict) else None) or "Tanpa nama"
        phones = [
            p.get("wa_id") or p.get("phone")
            for p in contact.get("phones") or []
            if isinstance(p, dict) and (p.get("wa_id") or p.get("phone"))
        ]
        parts.append(f"{label} {', '.join(phones)}".strip())
    return "Kontak: " + "; ".join(parts) if parts else "Kontak: (kosong)"


# --- building deliveries (sandbox, tests) -----------------------------------

def new_wamid(prefix: str = "wamid.") -> str:
    return prefix + secrets.token_hex(16).upper()


def build_delivery(
    wa_id: str,
    message: dict[str, Any],
    *,
    profile_name: str | None = None,
    phone_number_id: str = "100000000000001",
    display_phone_number: str = "6235100000000",
) -> dict[str, Any]:
    """One message wrapped as Meta delivers it."""
    message = {"from": wa_id, "id": new_wamid(), "timestamp": str(int(time.time())), **message}
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": display_phone_number, "phone_number_id": phone_number_id},
        "contacts": [{"profile": {"name": profile_name or wa_id}, "wa_id": wa_id}],
        "messages": [message],
    }
    return {"object": OBJECT, "entry": [{"id": "0", "changes": [{"field": "messages", "value": value}]}]}


def build_status_delivery(wamid: str, status: str, recipient: str, errors: list[dict] | None = None,
                          phone_number_id: str = "100000000000001") -> dict[str, Any]:
    event: dict[str, Any] = {"id": wamid, "status": status, "timestamp": str(int(time.time())),
                             "recipient_id": recipient}
    if errors:
        event["errors"] = errors
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "6235100000000", "phone_number_id": phone_number_id},
             "statuses": [event]}
    return {"object": OBJECT, "entry": [{"id": "0", "changes": [{"field": "messages", "value": value}]}]}


def text_message(body: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": body}}


def button_reply_message(payload: str, title: str, context_id: str | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"type": "interactive",
                               "interactive": {"type": "button_reply", "button_reply": {"id": payload, "title": title}}}
    if context_id:
        message["context"] = {"id": context_id}
    return message


def list_reply_message(payload: str, title: str, description: str | None = None,
                       context_id: str | None = None) -> dict[str, Any]:
    reply = {"id": payload, "title": title}
    if description:
        reply["description"] = description
    message: dict[str, Any] = {"type": "interactive", "interactive": {"type": "list_reply", "list_reply": reply}}
    if context_id:
        message["context"] = {"id": context_id}
    return message


def image_message(media_id: str, mime_type: str, sha256: str = "", caption: str | None = None) -> dict[str, Any]:
    image = {"mime_type": mime_type, "sha256": sha256, "id": media_id}
    if caption:
        image["caption"] = caption
    return {"type": "image", "image": image}


def location_message(latitude: float, longitude: float, name: str | None = None,
                     address: str | None = None) -> dict[str, Any]:
    location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    if name:
        location["name"] = name
    if address:
        location["address"] = address
    return {"type": "location", "location": location}
