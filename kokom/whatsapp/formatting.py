"""Bot messages -> WhatsApp Cloud API message objects, within WhatsApp's limits.

Rules (the officer console's buttons follow the same ones):
- text is split into messages of at most 4,096 characters (at paragraph, line or word
  boundaries where possible);
- 1-3 buttons -> reply buttons, titles cut to 20 characters without breaking words;
- 4-10 buttons -> a list message: row title 24, row description 72, button label 20 ("Pilih");
- more than 10 (or payloads too long to be button ids) -> numbered text; the menu is
  remembered and a reply with a number maps back to that option's payload;
- an interactive body holds at most 1,024 characters: a longer text is sent as text
  messages first and the buttons follow with a short prompt.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Union

from kokom.whatsapp.mediafiles import OutboundFile

from kokom import wording

TEXT_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024
CAPTION_LIMIT = 1024
BUTTON_TITLE_LIMIT = 20
BUTTON_ID_LIMIT = 256
MAX_REPLY_BUTTONS = 3
MAX_LIST_ROWS = 10
LIST_ROW_TITLE_LIMIT = 24
LIST_ROW_DESCRIPTION_LIMIT = 72
LIST_ROW_ID_LIMIT = 200
LIST_BUTTON_LIMIT = 20

_TRAILING = " ,.;:-–—(/&+"


@dataclass(frozen=True)
class Outgoing:
    """One WhatsApp message: its type, the type-specific object, and a readable body for records."""

    msg_type: str
    content: dict[str, Any]
    body: str
    # A file to upload first (POST /{phone_number_id}/media); the message then names its id.
    # A checked file (officer's attachment) or a file on disk (the office's files), read when sent.
    upload: Union[OutboundFile, Path, None] = field(default=None, compare=False, repr=False)

    def with_media_id(self, media_id: str, kind: str) -> "Outgoing":
        """The message after its upload: by media id, as the kind the content turned out to be."""
        content = {k: v for k, v in self.content.items() if k in ("caption", "filename")}
        if kind != "document":
            content.pop("filename", None)
        return replace(self, msg_type=kind, content={"id": media_id, **content}, upload=None)

    def envelope(self, to: str) -> dict[str, Any]:
        """The full JSON posted to ``/{phone_number_id}/messages``."""
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": self.msg_type,
            self.msg_type: self.content,
        }


@dataclass(frozen=True)
class Plan:
    """Messages to send in order; ``choices`` is set for a numbered menu (to remember)."""

    messages: list[Outgoing]
    choices: list[dict[str, str]] | None = None
    style: str = "text"  # text | buttons | list | numbered


def _squash(text: str) -> str:
    return " ".join(str(text or "").split())


def cut_words(text: str, limit: int) -> str:
    """Shorten to ``limit`` characters at a word boundary.

    Only when the first word alone is longer than the limit is there no boundary;
    then the text is cut hard and ends with "…".
    """
    text = _squash(text)
    if len(text) <= limit:
        return text
    window = text[: limit + 1]
    space = window.rfind(" ")
    if space >= 1:
        return text[:space].rstrip(_TRAILING) or text[:space]
    return text[: limit - 1].rstrip() + "…"


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split into chunks of at most ``limit`` characters, preferring paragraph, line, word breaks."""
    text = (text or "").strip()
    if not text:
        return []
    chunks: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        cut = -1
        for separator in ("\n\n", "\n", ". ", " "):
            position = window.rfind(separator)
            if position >= limit // 2:
                cut = position + (1 if separator == ". " else 0)
                break
        if cut <= 0:
            cut = limit
        chunk = text[:cut].rstrip()
        chunks.append(chunk if chunk else text[:limit])
        text = text[cut:].lstrip() if chunk else text[limit:]
    if text:
        chunks.append(text)
    return chunks


def text_messages(text: str) -> list[Outgoing]:
    return [
        Outgoing("text", {"body": chunk, "preview_url": "http://" in chunk or "https://" in chunk}, chunk)
        for chunk in split_text(text)
    ]


def _unique(titles: list[str], limit: int) -> list[str]:
    """WhatsApp rejects equal titles; make repeats unique (" 2", " 3") within the limit."""
    seen: dict[str, int] = {}
    result = []
    for title in titles:
        key = title.lower()
        if key in seen:
            seen[key] += 1
            suffix = f" {seen[key]}"
            title = cut_words(title, limit - len(suffix)) + suffix
        else:
            seen[key] = 1
        result.append(title)
    return result


def _options(buttons: list[dict[str, Any]]) -> list[dict[str, str]]:
    options = []
    for index, button in enumerate(buttons or [], start=1):
        if not isinstance(button, dict):
            continue
        title = _squash(button.get("title") or "") or f"Pilihan {index}"
        payload = str(button.get("payload") or button.get("url") or title)
        option = {"title": title, "payload": payload}
        if button.get("description"):
            option["description"] = _squash(button["description"])
        options.append(option)
    return options


def numbered_text(text: str, options: list[dict[str, str]]) -> str:
    lines = [f"{i}. {option['title']}" for i, option in enumerate(options, start=1)]
    head = (text or "").strip()
    return (head + "\n\n" if head else "") + "\n".join(lines) + "\n\n" + wording.text("utter_numbered_hint")


def _body_and_lead(text: str) -> tuple[list[Outgoing], str]:
    """Text longer than an interactive body goes first as text messages."""
    text = (text or "").strip()
    if not text:
        return [], wording.text("utter_choose_prompt")
    if len(text) <= INTERACTIVE_BODY_LIMIT:
        return [], text
    return text_messages(text), wording.text("utter_choose_prompt")


def plan_buttons(text: str, buttons: list[dict[str, Any]], list_label: str | None = None) -> Plan:
    """The WhatsApp rendering of a message with buttons (see the module docstring)."""
    options = _options(buttons)
    if not options:
        return Plan(text_messages(text))
    payloads = [o["payload"] for o in options]
    distinct = len(set(payloads)) == len(payloads)
    if len(options) <= MAX_REPLY_BUTTONS and distinct and all(len(p) <= BUTTON_ID_LIMIT for p in payloads):
        lead, body = _body_and_lead(text)
        titles = _unique([cut_words(o["title"], BUTTON_TITLE_LIMIT) for o in options], BUTTON_TITLE_LIMIT)
        content = {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": o["payload"], "title": t}} for o, t in zip(options, titles)
                ]
            },
        }
        readable = f"{body}\n[" + " | ".join(titles) + "]"
        return Plan(lead + [Outgoing("interactive", content, readable)], style="buttons")
    if len(options) <= MAX_LIST_ROWS and distinct and all(len(p) <= LIST_ROW_ID_LIMIT for p in payloads):
        lead, body = _body_and_lead(text)
        titles = _unique([cut_words(o["title"], LIST_ROW_TITLE_LIMIT) for o in options], LIST_ROW_TITLE_LIMIT)
        rows = []
        for option, title in zip(options, titles):
            row = {"id": option["payload"], "title": title}
            description = option.get("description") or (option["title"] if title != option["title"] else "")
            if description:
                row["description"] = cut_words(description, LIST_ROW_DESCRIPTION_LIMIT)
            rows.append(row)
        content = {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": cut_words(list_label or wording.text("utter_list_button"), LIST_BUTTON_LIMIT),
                "sections": [{"title": wording.text("utter_list_section"), "rows": rows}],
            },
        }
        readable = f"{body}\n[" + " | ".join(titles) + "]"
        return Plan(lead + [Outgoing("interactive", content, readable)], style="list")
    return Plan(text_messages(numbered_text(text, options)), choices=options, style="numbered")


_NUMBER = re.compile(r"^\s*(?:no\.?|nomor|pilih|pilihan)?\s*#?(\d{1,3})\s*[.)]?\s*$", re.IGNORECASE)


def choice_number(text: str) -> int | None:
    """The number in a reply like "3", "3.", "no 3", "pilih 3"; else None."""
    match = _NUMBER.match(text or "")
    return int(match.group(1)) if match else None


def _coordinate(value: Any, bound: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and -bound <= number <= bound else None


def location_message(custom: dict[str, Any]) -> Outgoing | None:
    latitude = _coordinate(custom.get("latitude"), 90)
    longitude = _coordinate(custom.get("longitude"), 180)
    if latitude is None or longitude is None:
        return None
    content: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    for key in ("name", "address"):
        if custom.get(key):
            content[key] = _squash(custom[key])[:1000]
    label = ", ".join(str(content[k]) for k in ("name", "address") if k in content)
    return Outgoing("location", content, f"📍 {label} ({latitude}, {longitude})".replace("📍  ", "📍 "))


def media_message(kind: str, source: str, caption: str | None = None, filename: str | None = None) -> Outgoing | None:
    """An image/document/audio/video by link (http/https) or by an uploaded media id."""
    source = str(source or "").strip()
    if not source or kind not in ("image", "document", "audio", "video", "sticker"):
        return None
    content: dict[str, Any] = {"link": source} if source.startswith(("http://", "https://")) else {"id": source}
    if caption and kind in ("image", "document", "video"):
        content["caption"] = str(caption)[:CAPTION_LIMIT]
    if filename and kind == "document":
        content["filename"] = str(filename)[:240]
    label = {"image": "🖼️ Gambar", "document": "📄 Dokumen", "audio": "🔊 Audio", "video": "🎬 Video",
             "sticker": "Stiker"}[kind]
    body = label + (f": {caption}" if caption else "") + (f" ({filename})" if filename else "")
    return Outgoing(kind, content, body)


def file_message(upload: Union[OutboundFile, Path], kind: str, caption: str | None = None,
                 filename: str | None = None) -> Outgoing:
    """An image/document uploaded when sent (see :attr:`Outgoing.upload`)."""
    if isinstance(upload, OutboundFile):
        kind, filename = upload.kind, upload.filename
    content: dict[str, Any] = {}
    if caption:
        content["caption"] = str(caption)[:CAPTION_LIMIT]
    if filename and kind == "document":
        content["filename"] = str(filename)[:240]
    label = "🖼️ Gambar" if kind == "image" else "📄 Dokumen"
    body = label + (f": {caption}" if caption else "") + (f" ({filename})" if filename else "")
    return Outgoing(kind, content, body, upload=upload)


def office_file_message(custom: dict[str, Any]) -> Outgoing | None:
    """``{"type": "document"|"image", "file": "<name under office/files>", "caption"}``; None when the
    office has not provided the file (it is simply not sent)."""
    from kokom.office import office_file_path

    path = office_file_path(custom.get("file"))
    if path is None:
        return None
    kind = custom.get("type") if custom.get("type") in ("image", "document") else "document"
    return file_message(path, kind, custom.get("caption"), custom.get("filename") or path.name)


def template_message(name: str, language: str, params: list[str] | None = None) -> Outgoing:
    content: dict[str, Any] = {"name": name, "language": {"code": language}}
    if params:
        content["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": str(p)[:1024]} for p in params]}
        ]
    body = f"[Template {name}]" + (" " + " | ".join(str(p) for p in params) if params else "")
    return Outgoing("template", content, body)


def plan_bot_message(message: dict[str, Any]) -> Plan:
    """Everything in one Rasa bot message (text, buttons, image, attachment, custom) as WhatsApp messages."""
    messages: list[Outgoing] = []
    choices = None
    style = "text"
    text = message.get("text") or ""
    buttons = message.get("buttons") or message.get("quick_replies")
    if buttons:
        plan = plan_buttons(text, buttons)
        messages.extend(plan.messages)
        choices, style = plan.choices, plan.style
    elif text:
        messages.extend(text_messages(text))
    image = message.get("image")
    if image:
        outgoing = media_message("image", image)
        if outgoing:
            messages.append(outgoing)
    attachment = message.get("attachment")
    if attachment:
        if isinstance(attachment, dict):
            kind = attachment.get("type") or "document"
            payload = attachment.get("payload") if isinstance(attachment.get("payload"), dict) else attachment
            outgoing = media_message(kind, payload.get("url") or payload.get("link") or payload.get("id") or "",
                                     payload.get("caption"), payload.get("filename"))
        else:
            outgoing = media_message("document", str(attachment))
        if outgoing:
            messages.append(outgoing)
    custom = message.get("custom")
    if isinstance(custom, dict):
        kind = custom.get("type")
        outgoing = None
        if kind == "location":
            outgoing = location_message(custom)
        elif kind in ("image", "document") and custom.get("file"):
            outgoing = office_file_message(custom)
        elif kind in ("image", "document", "audio", "video"):
            outgoing = media_message(kind, custom.get("link") or custom.get("url") or custom.get("id") or "",
                                     custom.get("caption"), custom.get("filename"))
        if outgoing:
            messages.append(outgoing)
    return Plan(messages, choices=choices, style=style)
