"""The inbox, conversations (take-over, replies, notes, finish) and residents' media (blueprint ``main``)."""
from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any, Callable

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user

from console import canned, chat, queries
from kokom.whatsapp.mediafiles import ACCEPT
from console.filters import duration, wib, wib_epoch
from kokom import handoffs
from kokom.case_states import HANDOFF_CLAIMED
from kokom.models import utcnow
from console.views.common import client_ip, me, _respond, _sender

main_bp = Blueprint("main", __name__)



def _handoff_json(item: handoffs.HandoffItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "sender_id": item.sender_id,
        "name": item.resident_name or "",
        "reason": item.reason,
        "reason_label": item.reason_label,
        "outside_hours": item.outside_hours,
        "requested_at": wib(item.requested_at),
        "waiting_seconds": item.waiting_seconds(),
        "waiting_text": duration(item.waiting_seconds()),
        "claimed_by": item.claimed_by,
        "ticket": item.ticket,
        "url": url_for("main.conversation", sender_id=item.sender_id),
        "claim_url": url_for("main.claim", handoff_id=item.id),
    }


def inbox_data() -> dict[str, Any]:
    claimed = handoffs.list_claimed()
    return {
        "now": wib(utcnow()),
        "waiting": [_handoff_json(h) for h in handoffs.list_waiting()],
        "mine": [_handoff_json(h) for h in claimed if h.claimed_by == me()],
        "others": [_handoff_json(h) for h in claimed if h.claimed_by != me()],
    }


@main_bp.route("/")
def index():  # type: ignore[no-untyped-def]
    return redirect(url_for("main.inbox"))


@main_bp.route("/kotak-masuk")
def inbox():  # type: ignore[no-untyped-def]
    return render_template("inbox.html", data=inbox_data(), recent=handoffs.list_recent_closed(10))


@main_bp.route("/api/kotak-masuk")
def api_inbox():  # type: ignore[no-untyped-def]
    return jsonify(inbox_data())


@main_bp.route("/handoff/<int:handoff_id>/ambil", methods=["POST"])
def claim(handoff_id: int):  # type: ignore[no-untyped-def]
    outcome = chat.claim(handoff_id, me(), client_ip())
    if outcome.ok:
        return _respond(outcome, url_for("main.conversation", sender_id=outcome.data["sender_id"]))
    item = handoffs.get(handoff_id)
    target = url_for("main.conversation", sender_id=item.sender_id) if item else url_for("main.inbox")
    return _respond(outcome, target if item and item.claimed_by == me() else url_for("main.inbox"))


# ---------------------------------------------------------------------------
# Conversation (also the resident's page)
# ---------------------------------------------------------------------------


def media_dir() -> Path:
    return Path(current_app.config["MEDIA_DIR"])


def conversation_data(sender_id: str) -> dict[str, Any]:
    data = chat.transcript(sender_id, media_dir())
    for msg in data["messages"]:
        msg["at"] = wib_epoch(msg.get("ts"))
        media = msg.get("media")
        if media and media.get("path"):
            media["url"] = url_for("main.media", name=media["path"])
            media["is_image"] = (media.get("type") or mimetypes.guess_type(media["path"])[0] or "").startswith(
                "image/")
        if msg.get("who") == "warga" and msg.get("ts") and not msg.get("payload"):
            msg["flag_url"] = url_for("review.flag", sender_id=sender_id)  # "Asisten salah paham"
            msg["flag_ms"] = int(round(float(msg["ts"]) * 1000))  # milliseconds: 13 digits, never NIK-shaped
        loc = msg.get("location")
        if loc:
            loc["map_url"] = f"https://www.openstreetmap.org/?mlat={loc['lat']}&mlon={loc['lon']}#map=18/{loc['lat']}/{loc['lon']}"
    active = handoffs.active_for_sender(sender_id)
    window = chat.window_state(sender_id)
    data["handoff"] = None if active is None else {
        "id": active.id, "status": active.status, "status_label": active.status_label,
        "claimed_by": active.claimed_by, "mine": active.claimed_by == me(), "ticket": active.ticket,
        "reason_label": active.reason_label, "outside_hours": active.outside_hours,
        "requested_at": wib(active.requested_at), "claim_url": url_for("main.claim", handoff_id=active.id),
    }
    data["can_reply"] = bool(active and active.status == HANDOFF_CLAIMED
                             and (active.claimed_by == me() or current_user.is_admin))
    data["window"] = {"open": window["open"], "closes_at": wib(window["closes_at"]) if window["closes_at"] else None,
                      "last_inbound_at": wib(window["last_inbound_at"]) if window["last_inbound_at"] else None}
    data["notes"] = [{"author": n["author"], "text": n["text"], "at": wib(n["at"])} for n in chat.notes(sender_id)]
    return data


@main_bp.route("/percakapan/<sender_id>")
def conversation(sender_id: str):  # type: ignore[no-untyped-def]
    sender_id = _sender(sender_id)
    resident = chat.resident_info(sender_id)
    if resident is None:
        abort(404)
    return render_template(
        "conversation.html", sender_id=sender_id, resident=resident, data=conversation_data(sender_id),
        cases=queries.cases_for_sender(sender_id), canned=canned.list_replies(), canned_files=canned.list_files(),
        accept=ACCEPT,
        history=handoffs.history_for_sender(sender_id),
    )


@main_bp.route("/api/percakapan/<sender_id>")
def api_conversation(sender_id: str):  # type: ignore[no-untyped-def]
    sender_id = _sender(sender_id)
    if chat.resident_info(sender_id) is None:
        abort(404)
    return jsonify(conversation_data(sender_id))


def _conversation_action(sender_id: str, action: Callable[[], chat.Outcome]):  # type: ignore[no-untyped-def]
    target = url_for("main.conversation", sender_id=sender_id)
    try:
        outcome = action()
    except chat.ChatError as exc:
        outcome = chat.Outcome(False, str(exc))
    return _respond(outcome, target)


@main_bp.route("/percakapan/<sender_id>/balas", methods=["POST"])
def reply(sender_id: str):  # type: ignore[no-untyped-def]
    sender_id = _sender(sender_id)
    payload = request.get_json(silent=True) if request.is_json else request.form
    text = str((payload or {}).get("text") or "")
    return _conversation_action(sender_id, lambda: chat.send_reply(
        sender_id, me(), text, is_admin=current_user.is_admin, ip=client_ip()))


@main_bp.route("/percakapan/<sender_id>/lampiran", methods=["POST"])
def attach(sender_id: str):  # type: ignore[no-untyped-def]
    """An image or document with a caption: an uploaded file or one of the library (multipart form)."""
    sender_id = _sender(sender_id)
    form = request.form

    def action() -> chat.Outcome:
        canned_id = (form.get("canned_file_id") or "").strip()
        if canned_id:
            entry = canned.get_file(int(canned_id)) if canned_id.isdigit() else None
            content = canned.file_content(entry, media_dir()) if entry else None
            if entry is None or content is None:
                return chat.Outcome(False, "Berkas pustaka tidak ditemukan. Muat ulang halaman.")
            caption = form.get("caption") if "caption" in form else entry["caption"]
            return chat.send_file(sender_id, me(), content, entry["filename"], caption, media_dir(),
                                  is_admin=current_user.is_admin, ip=client_ip(), source=f"pustaka:{entry['id']}")
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return chat.Outcome(False, "Pilih berkas (foto atau dokumen) yang akan dikirim.")
        content = upload.read()
        return chat.send_file(sender_id, me(), content, upload.filename, form.get("caption"), media_dir(),
                              is_admin=current_user.is_admin, ip=client_ip())

    return _conversation_action(sender_id, action)


@main_bp.route("/percakapan/<sender_id>/template", methods=["POST"])
def send_template(sender_id: str):  # type: ignore[no-untyped-def]
    sender_id = _sender(sender_id)
    return _conversation_action(sender_id, lambda: chat.send_template(
        sender_id, me(), is_admin=current_user.is_admin, ip=client_ip()))


@main_bp.route("/percakapan/<sender_id>/catatan", methods=["POST"])
def add_note(sender_id: str):  # type: ignore[no-untyped-def]
    sender_id = _sender(sender_id)
    payload = request.get_json(silent=True) if request.is_json else request.form
    text = str((payload or {}).get("text") or "")

    def action() -> chat.Outcome:
        chat.add_note(sender_id, me(), text, client_ip())
        return chat.Outcome(True, "Catatan internal disimpan.")

    return _conversation_action(sender_id, action)


@main_bp.route("/percakapan/<sender_id>/selesai", methods=["POST"])
def finish(sender_id: str):  # type: ignore[no-untyped-def]
    sender_id = _sender(sender_id)
    note = request.form.get("note") if not request.is_json else (request.get_json(silent=True) or {}).get("note")
    return _conversation_action(sender_id, lambda: chat.finish(
        sender_id, me(), str(note or ""), is_admin=current_user.is_admin, ip=client_ip()))


@main_bp.route("/percakapan/<sender_id>/ambil-alih", methods=["POST"])
def take_over(sender_id: str):  # type: ignore[no-untyped-def]
    sender_id = _sender(sender_id)
    return _conversation_action(sender_id, lambda: chat.take_over(sender_id, me(), client_ip()))


@main_bp.route("/media/<path:name>")
def media(name: str):  # type: ignore[no-untyped-def]
    """Files the residents sent, only from the media dir (send_from_directory refuses traversal)."""
    base = media_dir()
    if not base.is_dir():
        abort(404)
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    inline = guessed.startswith(("image/", "audio/", "video/")) and guessed != "image/svg+xml"
    response = send_from_directory(base, name, as_attachment=not inline, mimetype=guessed, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------
