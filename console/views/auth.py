"""Login, logout and the officer's own account (blueprint ``auth``)."""
from __future__ import annotations


from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from console import auth
from console.views.common import client_ip, me, _safe_next

auth_bp = Blueprint("auth", __name__)


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
