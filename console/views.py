"""Routes of the officer console (every one requires login except /masuk and static).

Pages render Jinja templates (autoescaped); ``/api/...`` routes return JSON for
the small polling script in ``static/console.js``. State-changing routes are
POST only and protected by CSRF (form field or ``X-CSRFToken`` header).
"""
from __future__ import annotations

import mimetypes
import re
from functools import wraps
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from console import auth, canned, chat, queries
from console.app import wants_json
from console.filters import duration, wib, wib_epoch
from kokom.privacy import mask_niks
from console.models import ROLE_LABELS, ROLES
from kokom import case_states, handoffs
from kokom.models import utcnow

auth_bp = Blueprint("auth", __name__)
main_bp = Blueprint("main", __name__)
cases_bp = Blueprint("cases", __name__, url_prefix="/kasus")
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

SENDER_RE = re.compile(r"^[0-9A-Za-z_.:+-]{1,64}$")
TICKET_RE = re.compile(r"^[A-Z]{3}-\d{8}-\d{4,}$")


def client_ip() -> str:
    return request.remote_addr or "unknown"


def me() -> str:
    return current_user.username


def _sender(sender_id: str) -> str:
    if not SENDER_RE.match(sender_id or ""):
        abort(404)
    return sender_id


def _ticket(ticket: str) -> str:
    ticket = (ticket or "").upper()
    if not TICKET_RE.match(ticket):
        abort(404)
    return ticket


def _respond(outcome: chat.Outcome, redirect_to: str, status_error: int = 409):  # type: ignore[no-untyped-def]
    if wants_json():
        return jsonify(outcome.as_json()), (200 if outcome.ok else status_error)
    flash(outcome.message, "success" if outcome.ok else "error")
    for warning in outcome.warnings:
        flash(warning, "warning")
    return redirect(redirect_to)


def admin_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        if not current_user.is_authenticated or not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.inbox")


# ---------------------------------------------------------------------------
# Login / logout / account
# ---------------------------------------------------------------------------


@auth_bp.route("/masuk", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("main.inbox"))
    error = None
    status = 200
    username = ""
    if request.method == "POST":
        username = (request.form.get("username") or "").strip()[:64]
        password = request.form.get("password") or ""
        cfg = current_app.config
        result = auth.login(
            username, password, client_ip(), window_seconds=int(cfg["LOGIN_WINDOW_SECONDS"]),
            max_per_user=int(cfg["LOGIN_MAX_PER_USER"]), max_per_ip=int(cfg["LOGIN_MAX_PER_IP"]),
        )
        if result.ok:
            login_user(result.user)
            return redirect(_safe_next(request.args.get("next")))
        if result.blocked:
            minutes = max(1, (result.retry_after + 59) // 60)
            error = f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit."
            status = 429
        else:
            error = "Nama pengguna atau kata sandi salah."
            status = 401
    response = render_template("login.html", error=error, username=username)
    return response, status, ({"Retry-After": "60"} if status == 429 else {})


@auth_bp.route("/keluar", methods=["POST"])
def logout():  # type: ignore[no-untyped-def]
    auth.audit(me(), "keluar", f"petugas:{me()}", None, client_ip())
    auth.end_session(current_user._get_current_object())  # a copied cookie stops working too
    logout_user()
    flash("Anda sudah keluar.", "info")
    return redirect(url_for("auth.login"))


@auth_bp.route("/akun", methods=["GET", "POST"])
def account():  # type: ignore[no-untyped-def]
    if request.method == "POST":
        current = request.form.get("current_password") or ""
        new = request.form.get("new_password") or ""
        repeat = request.form.get("new_password_repeat") or ""
        check = auth.login(me(), current, client_ip(), purpose="ganti_sandi")
        if not check.ok:
            flash("Kata sandi lama salah." if not check.blocked else "Terlalu banyak percobaan. Coba lagi nanti.",
                  "error")
        elif new != repeat:
            flash("Kata sandi baru dan ulangannya tidak sama.", "error")
        else:
            try:
                auth.set_password(me(), new, actor=me(), ip=client_ip())
            except auth.AccountError as exc:
                flash(str(exc), "error")
            else:
                logout_user()
                flash("Kata sandi diganti. Silakan masuk dengan kata sandi baru.", "success")
                return redirect(url_for("auth.login"))
        return redirect(url_for("auth.account"))
    return render_template("account.html")


# ---------------------------------------------------------------------------
# Inbox
# ---------------------------------------------------------------------------


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


def _media_dir() -> Path:
    return Path(current_app.config["MEDIA_DIR"])


def conversation_data(sender_id: str) -> dict[str, Any]:
    data = chat.transcript(sender_id, _media_dir())
    for msg in data["messages"]:
        msg["at"] = wib_epoch(msg.get("ts"))
        media = msg.get("media")
        if media and media.get("path"):
            media["url"] = url_for("main.media", name=media["path"])
            media["is_image"] = (media.get("type") or mimetypes.guess_type(media["path"])[0] or "").startswith(
                "image/")
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
    data["can_reply"] = bool(active and active.status == "claimed"
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
        cases=queries.cases_for_sender(sender_id), canned=canned.list_replies(),
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
    base = _media_dir()
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


def _category_options() -> list[tuple[str, str]]:
    try:
        from kokom.office import load_office

        cfg = load_office()
    except Exception:  # noqa: BLE001
        return []
    options = [(c.key, f"Pengaduan: {c.title}") for c in cfg.complaint_categories]
    options += [(key, f"Dokumen: {doc.name}") for key, doc in cfg.documents.items()]
    return options


@cases_bp.route("/")
def list_cases():  # type: ignore[no-untyped-def]
    filters = queries.CaseFilters.from_args(request.args)
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    rows, total = queries.list_cases(filters, page)
    pages = max(1, (total + queries.PER_PAGE - 1) // queries.PER_PAGE)
    return render_template(
        "cases.html", rows=rows, total=total, page=page, pages=pages, filters=filters,
        args=filters.as_args(), statuses=queries.all_statuses(), categories=_category_options(),
        counts=queries.counts_by_kind_status(),
    )


@cases_bp.route("/ekspor.csv")
def export_cases():  # type: ignore[no-untyped-def]
    filters = queries.CaseFilters.from_args(request.args)
    body = queries.export_csv(filters)
    args = {k: (mask_niks(v) if isinstance(v, str) else v) for k, v in filters.as_args().items()}
    auth.audit(me(), "kasus.ekspor", None, str(args), client_ip())
    name = f"kasus-kokom-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@cases_bp.route("/<ticket>")
def case_page(ticket: str):  # type: ignore[no-untyped-def]
    ticket = _ticket(ticket)
    detail = queries.case_detail(ticket)
    if detail is None:
        abort(404)
    return _render_case(detail)


def _render_case(detail: dict[str, Any], revealed: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    case = detail["case"]
    office = None
    try:
        from kokom.office import load_office

        office = load_office()
    except Exception:  # noqa: BLE001
        pass
    photo_rel = chat.media_relpath(case.photo_path, _media_dir()) if case.photo_path else None
    anonymous = detail["anonymous"]
    # An anonymous complaint's page has no way to the resident: no number, no transcript,
    # no take-over (only an admin's audited reveal).
    active = None if anonymous else handoffs.active_for_sender(case.sender_id)
    consult_locked = case.kind == "consultation" and active is not None and active.ticket == case.ticket
    return render_template(
        "case.html", detail=detail, case=case, office=office, photo_rel=photo_rel,
        photo_is_image=(mimetypes.guess_type(photo_rel or "")[0] or "").startswith("image/"),
        active=active, consult_locked=consult_locked, final_states=case_states.MACHINES[case.kind].final,
        data=None if anonymous else conversation_data(case.sender_id), anonymous=anonymous,
        revealed=revealed, reveal_min=REVEAL_REASON_MIN,
    )


REVEAL_REASON_MIN = 10


@cases_bp.route("/<ticket>/pelapor", methods=["POST"])
@admin_required
def reveal_reporter(ticket: str):  # type: ignore[no-untyped-def]
    """An admin reveals an anonymous reporter, with a stated reason; the look is audited."""
    ticket = _ticket(ticket)
    detail = queries.case_detail(ticket)
    if detail is None or not detail["anonymous"]:
        abort(404)
    reason = " ".join((request.form.get("reason") or "").split())[:500]
    if len(reason) < REVEAL_REASON_MIN:
        flash(f"Tuliskan alasan membuka identitas pelapor (minimal {REVEAL_REASON_MIN} karakter).", "error")
        return redirect(url_for("cases.case_page", ticket=ticket))
    identity = queries.reporter_identity(ticket)
    if identity is None:
        abort(404)
    # The audit names the case and the reason, never the identity revealed.
    auth.audit(me(), "kasus.buka_pelapor", ticket, f"alasan: {mask_niks(reason)}", client_ip())
    return _render_case(detail, revealed=identity)


@cases_bp.route("/<ticket>/status", methods=["POST"])
def change_status(ticket: str):  # type: ignore[no-untyped-def]
    from kokom.cases import change_status as do_change
    from kokom.notifications import notify_status_change, status_message, template_params

    ticket = _ticket(ticket)
    target = url_for("cases.case_page", ticket=ticket)
    detail = queries.case_detail(ticket)
    if detail is None:
        abort(404)
    case = detail["case"]
    new_status = (request.form.get("status") or "").strip()
    note = (request.form.get("note") or "").strip()
    active = None if detail["anonymous"] else handoffs.active_for_sender(case.sender_id)
    if case.kind == "consultation" and active is not None and active.ticket == case.ticket:
        flash("Konsultasi ini masih terhubung dengan percakapan aktif: selesaikan lewat halaman percakapan.", "error")
        return redirect(target)
    try:
        updated = do_change(ticket, new_status, actor=me(), note=note or None)
    except case_states.TransitionError as exc:
        flash(str(exc), "error")
        return redirect(target)
    auth.audit(me(), "kasus.status", ticket, f"{case.status} -> {new_status}", client_ip())
    result = notify_status_change(updated, note or None, sent_by=me())
    text = status_message(updated, note or None) if not result.used_template else (
        "[Template resmi, jendela 24 jam tertutup] Pembaruan " + " | ".join(template_params(updated, note or None)))
    chat.record_notification(updated.sender_id, me(), text, result)
    flash(f"Status {ticket} diubah menjadi '{case_states.label(new_status)}'.", "success")
    if result.ok:
        how = "template (jendela 24 jam tertutup)" if result.used_template else "pesan WhatsApp"
        flash(f"Warga sudah diberi tahu lewat {how}.", "success")
    else:
        flash(f"Notifikasi ke warga GAGAL terkirim: {result.error or 'tanpa keterangan'}", "error")
    return redirect(target)


@cases_bp.route("/<ticket>/nik", methods=["POST"])
def reveal_nik(ticket: str):  # type: ignore[no-untyped-def]
    """The full NIK for processing a document request; every look is audited."""
    ticket = _ticket(ticket)
    nik = queries.full_nik(ticket)
    if nik is None:
        abort(404)
    auth.audit(me(), "kasus.lihat_nik", ticket, None, client_ip())
    return jsonify(ok=True, nik=nik)


# ---------------------------------------------------------------------------
# Admin: officers, canned replies, audit log
# ---------------------------------------------------------------------------


@admin_bp.route("/petugas", methods=["GET", "POST"])
@admin_required
def officers():  # type: ignore[no-untyped-def]
    if request.method == "POST":
        password = request.form.get("password") or ""
        if password != (request.form.get("password_repeat") or ""):
            flash("Kata sandi dan ulangannya tidak sama.", "error")
        else:
            try:
                user = auth.create_officer(
                    request.form.get("username") or "", password, request.form.get("role") or "petugas",
                    request.form.get("full_name"), actor=me(), ip=client_ip(),
                )
            except auth.AccountError as exc:
                flash(str(exc), "error")
            else:
                flash(f"Akun '{user.username}' dibuat.", "success")
        return redirect(url_for("admin.officers"))
    return render_template("admin_officers.html", officers=auth.list_officers(), roles=ROLES,
                           role_labels=ROLE_LABELS)


@admin_bp.route("/petugas/<int:officer_id>", methods=["POST"])
@admin_required
def update_officer(officer_id: int):  # type: ignore[no-untyped-def]
    action = request.form.get("action")
    try:
        if action == "role":
            auth.update_officer(officer_id, role=request.form.get("role"), actor=me(), ip=client_ip())
        elif action in ("activate", "deactivate"):
            auth.update_officer(officer_id, active=action == "activate", actor=me(), ip=client_ip())
        elif action == "password":
            target = next((o for o in auth.list_officers() if o["id"] == officer_id), None)
            if target is None:
                raise auth.AccountError("Petugas tidak ditemukan.")
            auth.set_password(target["username"], request.form.get("password") or "", actor=me(), ip=client_ip())
        else:
            raise auth.AccountError("Aksi tidak dikenal.")
    except auth.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash("Perubahan disimpan.", "success")
    return redirect(url_for("admin.officers"))


def _position() -> int:
    try:
        return int(request.form.get("position") or 0)
    except ValueError:
        return 0


@admin_bp.route("/balasan-cepat", methods=["GET", "POST"])
@admin_required
def canned_replies():  # type: ignore[no-untyped-def]
    if request.method == "POST":
        try:
            canned.create(request.form.get("title") or "", request.form.get("text") or "", _position(), me(),
                          client_ip())
        except auth.AccountError as exc:
            flash(str(exc), "error")
        else:
            flash("Balasan cepat ditambahkan.", "success")
        return redirect(url_for("admin.canned_replies"))
    return render_template("admin_canned.html", replies=canned.list_replies())


@admin_bp.route("/balasan-cepat/<int:reply_id>", methods=["POST"])
@admin_required
def canned_reply(reply_id: int):  # type: ignore[no-untyped-def]
    try:
        if request.form.get("action") == "delete":
            canned.delete(reply_id, me(), client_ip())
            flash("Balasan cepat dihapus.", "success")
        else:
            canned.update(reply_id, request.form.get("title") or "", request.form.get("text") or "", _position(),
                          me(), client_ip())
            flash("Balasan cepat disimpan.", "success")
    except auth.AccountError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.canned_replies"))


@admin_bp.route("/audit")
@admin_required
def audit_log():  # type: ignore[no-untyped-def]
    actor = (request.args.get("actor") or "").strip()[:64] or None
    action = (request.args.get("action") or "").strip()[:64] or None
    return render_template("admin_audit.html", entries=auth.recent_audit(300, actor, action),
                           actor=actor or "", action=action or "")


def register(app: Flask) -> None:
    for bp in (auth_bp, main_bp, cases_bp, admin_bp):
        app.register_blueprint(bp)
