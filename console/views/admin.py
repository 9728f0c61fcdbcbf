"""Admin pages: officers, canned replies, the audit log (blueprint ``admin``)."""
from __future__ import annotations


from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from console import auth, canned
from kokom.console_tables import ROLE_LABELS, ROLES
from console.views.common import admin_required, client_ip, me
from kokom.whatsapp.mediafiles import ACCEPT

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


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


def _media_dir() -> Path:
    return Path(current_app.config["MEDIA_DIR"])


@admin_bp.route("/berkas", methods=["GET", "POST"])
@admin_required
def canned_files():  # type: ignore[no-untyped-def]
    """The file library: forms, filling guides, posters, maps (each with a title and caption)."""
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise auth.AccountError("Pilih berkas yang akan disimpan.")
            canned.create_file(request.form.get("title") or "", request.form.get("caption") or "", upload.read(),
                               upload.filename, _position(), me(), _media_dir(), client_ip())
        except auth.AccountError as exc:
            flash(str(exc), "error")
        else:
            flash("Berkas ditambahkan ke pustaka.", "success")
        return redirect(url_for("admin.canned_files"))
    return render_template("admin_canned_files.html", files=canned.list_files(), accept=ACCEPT)


@admin_bp.route("/berkas/<int:file_id>", methods=["POST"])
@admin_required
def canned_file(file_id: int):  # type: ignore[no-untyped-def]
    try:
        if request.form.get("action") == "delete":
            canned.delete_file(file_id, me(), _media_dir(), client_ip())
            flash("Berkas dihapus dari pustaka.", "success")
        else:
            canned.update_file(file_id, request.form.get("title") or "", request.form.get("caption") or "",
                               _position(), me(), client_ip())
            flash("Berkas disimpan.", "success")
    except auth.AccountError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.canned_files"))


@admin_bp.route("/audit")
@admin_required
def audit_log():  # type: ignore[no-untyped-def]
    actor = (request.args.get("actor") or "").strip()[:64] or None
    action = (request.args.get("action") or "").strip()[:64] or None
    return render_template("admin_audit.html", entries=auth.recent_audit(300, actor, action),
                           actor=actor or "", action=action or "")


