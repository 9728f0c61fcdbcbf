"""Live chat takeover: transcripts, officer replies, notes, claim/finish/takeover.

The conversation itself lives in Rasa's tracker (the resident's messages are
logged there even while the assistant is paused); officer replies are sent
over WhatsApp (:mod:`kokom.whatsapp.outbound`) and then appended to the
tracker as bot events with ``metadata.officer``. Every attempt is also stored
in ``officer_replies`` so a failed send is shown, not hidden.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.auth import audit
from kokom.console_tables import InternalNote, OfficerReply
from kokom import handoffs, rasa_api
from kokom.db import run_in_transaction
from kokom.models import Resident, utcnow
from kokom.case_states import HANDOFF_WAITING
from kokom import wording
from kokom.privacy import mask_niks
from kokom.whatsapp.models import OUT_FAILED, WaOutboundMessage
from kokom.whatsapp.transport import SendResult

logger = logging.getLogger(__name__)

MAX_REPLY = 4000
MAX_CAPTION = 1024  # WhatsApp's caption limit
WINDOW = timedelta(hours=24)



class ChatError(ValueError):
    """An action the officer cannot do now (Indonesian message, shown as is)."""


@dataclass
class Outcome:
    """Result of a console action: shown to the officer (errors are never hidden)."""

    ok: bool
    message: str
    warnings: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "message": self.message, "warnings": self.warnings, **self.data}


def _outbound():
    from kokom.whatsapp import outbound

    return outbound


# ---------------------------------------------------------------------------
# Residents, window
# ---------------------------------------------------------------------------


def resident_info(sender_id: str) -> dict[str, Any] | None:
    def work(session: Session) -> dict[str, Any] | None:
        r = session.execute(select(Resident).where(Resident.wa_id == sender_id)).scalar_one_or_none()
        if r is None:
            return None
        return {"id": r.id, "wa_id": r.wa_id, "name": r.profile_name, "last_inbound_at": r.last_inbound_at,
                "created_at": r.created_at}

    return run_in_transaction(work)


def window_state(sender_id: str) -> dict[str, Any]:
    """Whether free text may be sent now (WhatsApp's 24-hour customer-service window)."""
    info = resident_info(sender_id) or {}
    last = info.get("last_inbound_at")
    closes_at = last + WINDOW if last else None
    try:
        is_open = bool(_outbound().within_service_window(sender_id))
    except Exception as exc:  # noqa: BLE001
        logger.warning("service window check failed: %s", type(exc).__name__)
        is_open = bool(closes_at and closes_at > utcnow())
    return {"open": is_open, "closes_at": closes_at, "last_inbound_at": last}


# ---------------------------------------------------------------------------
# Transcript
# ---------------------------------------------------------------------------


def _epoch(dt: datetime) -> float:
    return dt.replace(tzinfo=timezone.utc).timestamp() if dt.tzinfo is None else dt.timestamp()


def media_relpath(path: str | None, media_dir: Path) -> str | None:
    """A stored media path as a path inside ``media_dir`` (None if it is outside)."""
    if not path:
        return None
    p = Path(str(path))
    base = media_dir.resolve()
    try:
        full = (p if p.is_absolute() else base / p).resolve()
        rel = full.relative_to(base)
    except (ValueError, OSError):
        return None
    return rel.as_posix() if rel.parts else None


def _user_message(ev: dict[str, Any], media_dir: Path) -> dict[str, Any]:
    meta = ev.get("metadata") or {}
    msg: dict[str, Any] = {"who": "warga", "text": mask_niks(ev.get("text") or ""), "ts": ev.get("timestamp") or 0}
    media = meta.get("media") if isinstance(meta.get("media"), dict) else None
    if media:
        rel = media_relpath(media.get("path"), media_dir)
        caption = media.get("caption")
        msg["media"] = {"path": rel, "type": str(media.get("mime_type") or media.get("type") or ""),
                        "caption": mask_niks(caption) if caption else None}
    location = meta.get("location") if isinstance(meta.get("location"), dict) else None
    if location:
        lat = location.get("latitude", location.get("lat"))
        lon = location.get("longitude", location.get("lon", location.get("lng")))
        try:
            name = location.get("name") or location.get("address")
            msg["location"] = {"lat": float(lat), "lon": float(lon), "name": mask_niks(name) if name else None}
        except (TypeError, ValueError):
            pass
    text = msg["text"]
    if text.startswith("/") and ("{" in text or text[1:].isidentifier()):
        # a button/list choice (e.g. /rate{"rating": 5}) or a shared file/location:
        # show what the resident saw and tapped, not the internal payload
        msg["payload"] = text
        whatsapp = meta.get("whatsapp") if isinstance(meta.get("whatsapp"), dict) else {}
        choice = whatsapp.get("choice") if isinstance(whatsapp.get("choice"), dict) else {}
        title = whatsapp.get("reply_title") or choice.get("title")
        if title:
            msg["text"] = f"[Pilih] {title}"
        elif media or location:
            msg["text"] = ""
    return msg


def _media_view(path: str | None, mime_type: str | None, name: str | None, caption: str | None,
                media_dir: Path) -> dict[str, Any]:
    return {"path": media_relpath(path, media_dir), "type": str(mime_type or ""),
            "name": mask_niks(name) if name else None,
            "caption": mask_niks(caption) if caption else None}


def _bot_message(ev: dict[str, Any], media_dir: Path | None = None) -> dict[str, Any]:
    meta = ev.get("metadata") or {}
    data = ev.get("data") or {}
    officer = meta.get("officer")
    msg: dict[str, Any] = {
        "who": "petugas" if officer else "asisten",
        "officer": officer,
        "text": mask_niks(ev.get("text") or ""),
        "ts": ev.get("timestamp") or 0,
    }
    media = meta.get("media") if isinstance(meta.get("media"), dict) else None
    if media and media_dir is not None:
        # a file an officer sent: shown like a resident's (the text is its caption or label)
        msg["media"] = _media_view(media.get("path"), media.get("mime_type"), media.get("filename"),
                                   media.get("caption"), media_dir)
        msg["text"] = ""
    if meta.get("template"):
        msg["template"] = True
    buttons = data.get("buttons") or []
    if buttons:
        msg["buttons"] = [str(b.get("title", "")) for b in buttons if isinstance(b, dict)]
    if meta.get("kind"):
        msg["kind"] = meta.get("kind")
    if data.get("image"):
        msg["text"] = (msg["text"] + "\n[gambar]").strip()
    custom = data.get("custom") if isinstance(data.get("custom"), dict) else {}
    if custom.get("type") == "location":
        try:
            msg["location"] = {"lat": float(custom["latitude"]), "lon": float(custom["longitude"]),
                               "name": custom.get("name")}
        except (KeyError, TypeError, ValueError):
            pass
    elif custom.get("type") in ("document", "image") and custom.get("file"):
        # an office file the assistant sent (office/files/): named, not linked
        msg["text"] = (msg["text"] + f"\n[Berkas kantor: {custom.get('caption') or custom['file']}]").strip()
    return msg


ANONYMOUS_HIDDEN = "[Pengaduan anonim: isi percakapan ini disembunyikan]"
ANONYMOUS_FORM = "complaint_form"


def _anonymous_tickets(sender_id: str) -> set[str]:
    from console.queries import anonymous_tickets

    return anonymous_tickets(sender_id)


def _mentions(msg: dict[str, Any], tickets: set[str]) -> bool:
    text = msg.get("text") or ""
    return bool(tickets) and any(t in text for t in tickets)


def _event_messages(events: list[dict[str, Any]], media_dir: Path, hidden_tickets: set[str]) -> list[dict[str, Any]]:
    """Transcript messages from Rasa events, with a resident's anonymous complaints taken out.

    An anonymous complaint stays anonymous to officers reading the reporter's conversation:
    the complaint form's exchange that ended in such a ticket, and every later message that
    names one, become a single neutral line.
    """
    out: list[dict[str, Any]] = []
    segment: list[dict[str, Any]] | None = None  # messages of a complaint form, held back
    closing = False  # the form has ended; its submit reply (with the ticket) may follow

    def hide(ts: float) -> None:
        if not (out and out[-1].get("text") == ANONYMOUS_HIDDEN):
            out.append({"who": "sistem", "ts": ts, "text": ANONYMOUS_HIDDEN})

    for ev in events:
        kind = ev.get("event")
        ts = ev.get("timestamp") or 0
        if kind == "active_loop":
            if ev.get("name") == ANONYMOUS_FORM and segment is None:
                # the message that opened the form belongs to the complaint
                segment = [out.pop()] if out and out[-1]["who"] == "warga" else []
                closing = False
            elif ev.get("name") != ANONYMOUS_FORM and segment is not None:
                closing = True
            continue
        if kind == "user":
            msg = _user_message(ev, media_dir)
        elif kind == "bot":
            msg = _bot_message(ev, media_dir)
        elif kind in ("pause", "resume"):
            msg = {"who": "sistem", "ts": ts,
                   "text": "Asisten dijeda (petugas menangani)" if kind == "pause" else "Asisten aktif kembali"}
        else:
            continue
        if segment is not None and closing and msg["who"] == "warga":
            out.extend(segment)  # the form ended without an anonymous ticket
            segment, closing = None, False
        if _mentions(msg, hidden_tickets):
            segment, closing = None, False
            hide(msg["ts"])
        elif segment is not None:
            segment.append(msg)
        else:
            out.append(msg)
    if segment:
        out.extend(segment)
    return out


def transcript(sender_id: str, media_dir: Path) -> dict[str, Any]:
    """The whole conversation (assistant, resident, officers), oldest first."""
    messages: list[dict[str, Any]] = []
    error = None
    paused = None
    hidden_tickets = _anonymous_tickets(sender_id)
    try:
        tracker = rasa_api.get_tracker(sender_id)
        paused = bool(tracker.get("paused"))
        messages.extend(_event_messages(tracker.get("events") or [], media_dir, hidden_tickets))
    except rasa_api.RasaApiError as exc:
        error = str(exc)

    def replies(session: Session) -> list[dict[str, Any]]:
        rows = session.execute(
            select(OfficerReply).where(OfficerReply.sender_id == sender_id, OfficerReply.in_history.is_(False))
            .order_by(OfficerReply.id)
        ).scalars()
        out = []
        for r in rows:
            msg = {"who": "petugas", "officer": r.officer, "text": mask_niks(r.text), "ts": _epoch(r.created_at),
                   "kind": r.kind, "failed": not r.ok, "error": r.error, "not_in_history": r.ok,
                   "template": bool(r.used_template)}
            if r.media_path:
                msg["media"] = _media_view(r.media_path, r.media_type, r.media_name, r.text, media_dir)
                msg["text"] = ""
            out.append(msg)
        return out

    def failed_bot_sends(session: Session) -> list[dict[str, Any]]:
        # The assistant's answer is in the tracker even when WhatsApp never delivered it
        # (the Graph API kept failing after every retry): officers must see that it did not arrive.
        rows = session.execute(
            select(WaOutboundMessage).where(WaOutboundMessage.wa_id == sender_id,
                                            WaOutboundMessage.sent_by == "bot",
                                            WaOutboundMessage.status == OUT_FAILED)
            .order_by(WaOutboundMessage.id)
        ).scalars()
        return [{"who": "sistem", "text": "Balasan asisten tidak terkirim ke warga: " + mask_niks(r.body or ""),
                 "ts": _epoch(r.updated_at or r.created_at), "failed": True, "error": mask_niks(r.error or "")}
                for r in rows]

    messages.extend(m for m in run_in_transaction(replies) if not _mentions(m, hidden_tickets))
    messages.extend(m for m in run_in_transaction(failed_bot_sends) if not _mentions(m, hidden_tickets))
    messages.sort(key=lambda m: m["ts"])
    deduped: list[dict[str, Any]] = []
    for msg in messages:  # "paused" twice in a row (queue + claim) is one state change
        if msg["who"] == "sistem" and deduped and deduped[-1]["who"] == "sistem" and deduped[-1]["text"] == msg["text"]:
            continue
        deduped.append(msg)
    return {"messages": deduped, "error": error, "paused": paused}


# ---------------------------------------------------------------------------
# Notes
# ---------------------------------------------------------------------------


def add_note(sender_id: str, officer: str, text: str, ip: str | None = None) -> None:
    text = (text or "").strip()
    if not text:
        raise ChatError("Catatan kosong.")
    active = handoffs.active_for_sender(sender_id)

    def work(session: Session) -> None:
        session.add(InternalNote(sender_id=sender_id, handoff_id=active.id if active else None, author=officer,
                                 text=text[:MAX_REPLY]))
        audit(officer, "catatan.tambah", f"warga:{sender_id}", None, ip, session=session)

    run_in_transaction(work)


ANONYMOUS_NOTE_HIDDEN = "[Catatan ini menyebut pengaduan anonim warga ini, jadi disembunyikan]"


def notes(sender_id: str) -> list[dict[str, Any]]:
    """Internal notes on a conversation; a note that names one of the resident's anonymous complaints
    is hidden like the transcript's part of it (an officer may have typed the ticket by mistake)."""
    hidden_tickets = _anonymous_tickets(sender_id)

    def work(session: Session) -> list[dict[str, Any]]:
        rows = session.execute(
            select(InternalNote).where(InternalNote.sender_id == sender_id).order_by(InternalNote.id)
        ).scalars()
        out = []
        for n in rows:
            note = {"id": n.id, "author": n.author, "text": mask_niks(n.text), "at": n.created_at}
            if _mentions({"text": n.text}, hidden_tickets):
                note["text"] = ANONYMOUS_NOTE_HIDDEN
            out.append(note)
        return out

    return run_in_transaction(work)


# ---------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------


def _record(sender_id: str, officer: str, kind: str, text: str, result: Any, in_history: bool,
            handoff_id: int | None, media: dict[str, str] | None = None) -> int:
    def work(session: Session) -> int:
        row = OfficerReply(
            sender_id=sender_id, handoff_id=handoff_id, officer=officer, kind=kind, text=text[:MAX_REPLY],
            ok=bool(getattr(result, "ok", False)), used_template=bool(getattr(result, "used_template", False)),
            outbound_id=getattr(result, "outbound_id", None), wamid=getattr(result, "wamid", None),
            error=getattr(result, "error", None), in_history=in_history,
            media_path=(media or {}).get("path"), media_type=(media or {}).get("mime_type"),
            media_name=(media or {}).get("filename"),
        )
        session.add(row)
        session.flush()
        return row.id

    return run_in_transaction(work)


def _send(fn_name: str, *args: Any, **kwargs: Any) -> Any:
    try:
        return getattr(_outbound(), fn_name)(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - shown to the officer
        logger.exception("WhatsApp %s failed", fn_name)
        return SendResult.failed(f"{type(exc).__name__}: {exc}")


def deliver(sender_id: str, officer: str, text: str, *, kind: str = "text", handoff_id: int | None = None,
            buttons: list[dict[str, str]] | None = None, template_params: list[str] | None = None,
            history_text: str | None = None) -> tuple[Any, list[str]]:
    """Send one message and record it (DB + Rasa history); returns (SendResult, warnings)."""
    warnings: list[str] = []
    if template_params is not None:
        result = _send("send_template_sync", sender_id, params=template_params or None, sent_by=officer)
    elif buttons:
        result = _send("send_buttons_sync", sender_id, text, buttons, sent_by=officer)
    else:
        result = _send("send_text_sync", sender_id, text, sent_by=officer)
    in_history = False
    fell_back = template_params is None and bool(getattr(result, "used_template", False))
    if fell_back:
        # WhatsApp refused free text (24-hour window): only the template reached the resident.
        history_text = wording.text("utter_officer_template")
        warnings.append("Teks TIDAK terkirim karena jendela 24 jam sudah tertutup; yang terkirim hanya template.")
    if result.ok:
        try:
            extra: dict[str, Any] = {"kind": kind}
            if getattr(result, "wamid", None):
                extra["wamid"] = result.wamid
            if getattr(result, "used_template", False):
                extra["template"] = True
            rasa_api.append_bot_message(sender_id, history_text or text, officer, **extra)
            in_history = True
        except rasa_api.RasaApiError as exc:
            warnings.append(f"Pesan terkirim, tetapi belum tercatat di riwayat asisten: {exc}")
    _record(sender_id, officer, kind, history_text or text, result, in_history, handoff_id)
    return result, warnings


def ask_rating(sender_id: str, officer: str, ticket: str | None, kind: str, *,
               handoff_id: int | None = None) -> list[str]:
    """Ask the resident once to rate the case (kokom.ratings); only inside the 24-hour window.

    Returns warnings for the officer (nothing when the question was sent or already asked before).
    """
    from kokom import ratings

    if not ticket:
        return []
    if not window_state(sender_id)["open"]:
        return ["Jendela 24 jam sudah tertutup: pertanyaan penilaian tidak dikirim."]
    if not ratings.open_request(sender_id, ticket, officer, handoff_id):
        return []  # asked before (a resident who ignored it is not asked again)
    result, warnings = deliver(sender_id, officer, ratings.question_text(kind, ticket), kind="rating",
                               handoff_id=handoff_id, buttons=ratings.rating_buttons(ticket))
    if not result.ok or getattr(result, "used_template", False):
        ratings.forget_request(ticket)
        if not result.ok:
            warnings.append(f"Pertanyaan penilaian GAGAL terkirim: {result.error or 'tanpa keterangan'}")
    return warnings


def record_notification(sender_id: str, officer: str, text: str, result: Any) -> None:
    """Keep a status notification in the conversation history (and failed ones in the console)."""
    in_history = False
    if getattr(result, "ok", False):
        try:
            rasa_api.append_bot_message(sender_id, text, officer, kind="notification")
            in_history = True
        except rasa_api.RasaApiError as exc:
            logger.warning("notification not recorded in the Rasa history: %s", exc)
    _record(sender_id, officer, "notification", text, result, in_history, None)


def _require_claim(sender_id: str, officer: str, is_admin: bool, *, admin_may_act: bool = True) -> handoffs.HandoffItem:
    active = handoffs.active_for_sender(sender_id)
    if active is None:
        raise ChatError("Percakapan ini tidak sedang ditangani petugas. Ambil alih dulu untuk membalas.")
    if active.status == HANDOFF_WAITING:
        raise ChatError("Ambil alih percakapan ini dulu sebelum membalas.")
    if active.claimed_by != officer and not (is_admin and admin_may_act):
        raise ChatError(f"Percakapan ini ditangani oleh petugas {active.claimed_by}.")
    return active


def send_reply(sender_id: str, officer: str, text: str, *, is_admin: bool = False, ip: str | None = None) -> Outcome:
    text = (text or "").strip()
    if not text:
        raise ChatError("Pesan kosong.")
    if len(text) > MAX_REPLY:
        raise ChatError(f"Pesan terlalu panjang (maksimal {MAX_REPLY} karakter).")
    # One voice per conversation: only the officer who claimed it writes to the resident.
    active = _require_claim(sender_id, officer, is_admin, admin_may_act=False)
    if not window_state(sender_id)["open"]:
        raise ChatError("Jendela 24 jam WhatsApp sudah tertutup: hanya template resmi yang dapat dikirim.")
    result, warnings = deliver(sender_id, officer, text, handoff_id=active.id)
    audit(officer, "chat.balas", f"warga:{sender_id}", "terkirim" if result.ok else f"gagal: {result.error}", ip)
    if not result.ok:
        return Outcome(False, f"Pesan GAGAL terkirim: {result.error or 'tanpa keterangan'}", warnings)
    if getattr(result, "used_template", False):
        return Outcome(False, "Teks tidak terkirim: jendela 24 jam tertutup, hanya template yang dikirim.", warnings)
    return Outcome(True, "Pesan terkirim.", warnings)


def send_file(sender_id: str, officer: str, content: bytes, filename: str | None, caption: str | None,
              media_dir: Path, *, is_admin: bool = False, ip: str | None = None,
              source: str | None = None) -> Outcome:
    """An image or document from the officer (an upload or a file of the library) with a caption.

    The same rules as a text reply (only the officer holding the conversation, only inside the
    24-hour window); the file is checked from its content and against WhatsApp's size limit
    before anything is stored or uploaded, kept under the media dir, and recorded like any reply.
    """
    from kokom.whatsapp.mediafiles import FileRejected, check_file

    caption = (caption or "").strip()
    if len(caption) > MAX_CAPTION:
        raise ChatError(f"Keterangan berkas terlalu panjang (maksimal {MAX_CAPTION} karakter).")
    active = _require_claim(sender_id, officer, is_admin, admin_may_act=False)
    if not window_state(sender_id)["open"]:
        raise ChatError("Jendela 24 jam WhatsApp sudah tertutup: hanya template resmi yang dapat dikirim.")
    try:
        file = check_file(content, filename)
    except FileRejected as exc:
        raise ChatError(str(exc)) from None
    from console.attachments import store_file

    path = store_file(media_dir, file, "petugas")
    media = {"path": path, "mime_type": file.mime_type, "filename": file.filename, "caption": caption}
    label = ("Gambar" if file.kind == "image" else "Dokumen") + f": {file.filename}"
    result = _send("send_file_sync", sender_id, file, caption=caption or None, sent_by=officer)
    warnings: list[str] = []
    in_history = False
    history_text = caption or f"[{label}]"
    if getattr(result, "used_template", False):
        history_text = wording.text("utter_officer_template")
        warnings.append("Berkas TIDAK terkirim karena jendela 24 jam sudah tertutup; yang terkirim hanya template.")
    if result.ok:
        try:
            extra: dict[str, Any] = {"kind": "file"}
            if getattr(result, "wamid", None):
                extra["wamid"] = result.wamid
            if getattr(result, "used_template", False):
                extra["template"] = True
            else:
                extra["media"] = media
            rasa_api.append_bot_message(sender_id, history_text, officer, **extra)
            in_history = True
        except rasa_api.RasaApiError as exc:
            warnings.append(f"Berkas terkirim, tetapi belum tercatat di riwayat asisten: {exc}")
    _record(sender_id, officer, "file", caption or f"[{label}]", result, in_history, active.id,
            media=None if getattr(result, "used_template", False) and result.ok else media)
    detail = mask_niks(f"{source + ' ' if source else ''}{file.filename} ({file.mime_type}, {file.size} B)")
    audit(officer, "chat.berkas", f"warga:{sender_id}",
          f"{'terkirim' if result.ok else 'gagal: ' + str(result.error)}: {detail}", ip)
    if not result.ok:
        return Outcome(False, f"Berkas GAGAL terkirim: {result.error or 'tanpa keterangan'}", warnings)
    if getattr(result, "used_template", False):
        return Outcome(False, "Berkas tidak terkirim: jendela 24 jam tertutup, hanya template yang dikirim.",
                       warnings)
    return Outcome(True, f"{label} terkirim.", warnings)



def send_template(sender_id: str, officer: str, *, is_admin: bool = False, ip: str | None = None) -> Outcome:
    """Outside the 24-hour window: the approved template invites the resident to write back."""
    active = _require_claim(sender_id, officer, is_admin, admin_may_act=False)
    result, warnings = deliver(
        sender_id, officer, wording.text("utter_officer_template"), kind="template", handoff_id=active.id,
        template_params=[],
    )
    audit(officer, "chat.template", f"warga:{sender_id}", "terkirim" if result.ok else f"gagal: {result.error}", ip)
    if not result.ok:
        return Outcome(False, f"Template GAGAL terkirim: {result.error or 'tanpa keterangan'}", warnings)
    return Outcome(True, "Template terkirim.", warnings)


# ---------------------------------------------------------------------------
# Claim, takeover, finish
# ---------------------------------------------------------------------------


def claim(handoff_id: int, officer: str, ip: str | None = None) -> Outcome:
    result = handoffs.claim_conversation(handoff_id, officer)
    if not result.ok or result.item is None:
        return Outcome(False, result.message)
    audit(officer, "handoff.ambil", f"handoff:{handoff_id}", result.item.ticket, ip)
    return Outcome(True, result.message, list(result.warnings), {"sender_id": result.item.sender_id})


def take_over(sender_id: str, officer: str, ip: str | None = None) -> Outcome:
    """Proactive takeover of an active conversation: pause the assistant, queue and claim it."""
    if resident_info(sender_id) is None:
        return Outcome(False, "Warga dengan nomor ini belum pernah menghubungi kelurahan.")
    result = handoffs.take_over_conversation(sender_id, officer)
    if not result.ok:
        return Outcome(False, result.message)
    audit(officer, "handoff.ambil_proaktif", f"warga:{sender_id}", result.item.ticket if result.item else None, ip)
    return Outcome(True, result.message)


def finish(sender_id: str, officer: str, note: str | None, *, is_admin: bool = False,
           ip: str | None = None) -> Outcome:
    """Hand the conversation back to the assistant, close the handoff and its KON case, ask for a rating."""
    active = _require_claim(sender_id, officer, is_admin)
    try:
        item = handoffs.hand_back(active.id, sender_id, officer, note, force=is_admin)
    except handoffs.HandoffError as exc:
        return Outcome(False, str(exc))
    audit(officer, "handoff.selesai", f"handoff:{active.id}", item.ticket, ip)
    warnings: list[str] = []
    if window_state(sender_id)["open"]:
        closing, w1 = deliver(sender_id, officer, wording.text("utter_officer_closing"), kind="closing",
                              handoff_id=active.id)
        warnings += w1
        if not closing.ok:
            warnings.append(f"Pesan penutup GAGAL terkirim: {closing.error or 'tanpa keterangan'}")
        warnings += ask_rating(sender_id, officer, item.ticket, "consultation", handoff_id=active.id)
    else:
        warnings.append("Jendela 24 jam sudah tertutup: pesan penutup dan pertanyaan penilaian tidak dikirim.")
    return Outcome(True, "Percakapan selesai dan dikembalikan ke asisten.", warnings)


__all__ = [
    "ChatError",
    "Outcome",
    "add_note",
    "ask_rating",
    "claim",
    "deliver",
    "finish",
    "media_relpath",
    "notes",
    "resident_info",
    "send_file",
    "send_reply",
    "send_template",
    "take_over",
    "transcript",
    "window_state",
]
