"""The officer console as a Flask app: ``create_app(config) -> Flask``.

Settings (app config keys win over the environment):

- ``SECRET_KEY``: env ``KOKOM_CONSOLE_SECRET``, else generated once into
  ``var/console_secret`` (mode 0600).
- ``SESSION_COOKIE_SECURE``: True (and HSTS sent) unless env ``KOKOM_CONSOLE_INSECURE_COOKIES=1``
  outside production, for the development server on loopback (``make run``); the
  development server forces it back on when bound to another interface.
- ``MEDIA_DIR``: env ``KOKOM_MEDIA_DIR``, else ``var/media``.
- ``LOGIN_WINDOW_SECONDS`` / ``LOGIN_MAX_PER_USER`` / ``LOGIN_MAX_PER_IP``: the login rate limit.
- ``TRUST_PROXY``: env ``KOKOM_CONSOLE_TRUST_PROXY=1`` behind one reverse proxy (X-Forwarded-For).

The database is the one of :mod:`kokom.db` (``DATABASE_URL``), Rasa's HTTP
API the one of :mod:`kokom.rasa_api` (``RASA_URL``/``RASA_TOKEN``) and
WhatsApp the one of :mod:`kokom.whatsapp.outbound`.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from console import auth
from console.views.common import wants_json
from kokom import settings

# Endpoints reachable without logging in; everything else requires a session.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "static"})
# Endpoints that take a file (an attachment, the file library): WhatsApp documents go up to
# 100 MB; every other request keeps MAX_CONTENT_LENGTH.
UPLOAD_ENDPOINTS = frozenset({"main.attach", "admin.canned_files"})
MAX_UPLOAD_REQUEST = 101 * 1024 * 1024
# Liveness/readiness (only ok / not-ready and the failed dependency) and the loopback-only metrics.
PUBLIC_ENDPOINTS |= {"ops.healthz", "ops.readyz", "ops.metrics"}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

csrf = CSRFProtect()


def secret_key() -> str:
    return settings.console_secret()



def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, static_folder="static", template_folder="templates")
    cfg = settings.get()
    app.config.update(
        SESSION_COOKIE_NAME="kokom_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not (cfg.console_insecure_cookies and not cfg.production),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=None,  # valid for the session: an inbox left open still works
        WTF_CSRF_HEADERS=["X-CSRFToken", "X-CSRF-Token"],
        MAX_CONTENT_LENGTH=1 * 1024 * 1024,
        MEDIA_DIR=str(cfg.media_dir),
        LOGIN_WINDOW_SECONDS=auth.LOGIN_WINDOW_SECONDS,
        LOGIN_MAX_PER_USER=auth.LOGIN_MAX_PER_USER,
        LOGIN_MAX_PER_IP=auth.LOGIN_MAX_PER_IP,
        TRUST_PROXY=cfg.console_trust_proxy,
        POLL_INTERVAL_MS=2000,
        JSON_AS_ASCII=False,
    )
    app.config.update(config or {})
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key()
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    if app.config["TRUST_PROXY"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    from kokom.db import init_db

    init_db()  # the schema (Alembic head) before the first request
    from kokom.office import load_office

    load_office()  # a broken office file stops the start with its problems listed

    @app.before_request
    def upload_limit():  # type: ignore[no-untyped-def]
        # Before the CSRF check reads the form (registered first, so it runs first).
        if request.endpoint in UPLOAD_ENDPOINTS:
            request.max_content_length = MAX_UPLOAD_REQUEST
        return None

    csrf.init_app(app)
    login_manager = LoginManager()
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.login_message_category = "info"
    login_manager.user_loader(auth.load_user)

    @login_manager.unauthorized_handler
    def unauthorized():  # type: ignore[no-untyped-def]
        if wants_json():
            return jsonify(ok=False, message="Sesi berakhir. Silakan masuk kembali."), 401
        target = request.full_path if request.method == "GET" else ""
        return redirect(url_for("auth.login", next=target.rstrip("?") or None))

    from console import filters, views

    filters.register(app)
    views.register(app)

    @app.before_request
    def require_login():  # type: ignore[no-untyped-def]
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None

    @app.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        h = response.headers
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.endpoint != "static":
            h.setdefault("Cache-Control", "no-store")
        if app.config["SESSION_COOKIE_SECURE"]:
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    def error_page(status: int, title: str, message: str):  # type: ignore[no-untyped-def]
        if wants_json():
            return jsonify(ok=False, message=message), status
        return render_template("error.html", status=status, title=title, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(exc):  # type: ignore[no-untyped-def]
        return error_page(400, "Permintaan ditolak",
                          "Token keamanan (CSRF) tidak valid atau kedaluwarsa. Muat ulang halaman lalu coba lagi.")

    @app.errorhandler(403)
    def forbidden(exc):  # type: ignore[no-untyped-def]
        return error_page(403, "Akses ditolak", "Halaman ini hanya untuk admin.")

    @app.errorhandler(404)
    def not_found(exc):  # type: ignore[no-untyped-def]
        return error_page(404, "Tidak ditemukan", "Halaman atau data yang dicari tidak ditemukan.")

    @app.errorhandler(405)
    def not_allowed(exc):  # type: ignore[no-untyped-def]
        return error_page(405, "Metode tidak diizinkan", "Permintaan ini tidak diizinkan di alamat tersebut.")

    @app.errorhandler(413)
    def too_large(exc):  # type: ignore[no-untyped-def]
        if request.endpoint in UPLOAD_ENDPOINTS:
            return error_page(413, "Terlalu besar", "Berkas terlalu besar: batas WhatsApp 100 MB untuk dokumen "
                                                    "dan 5 MB untuk gambar.")
        return error_page(413, "Terlalu besar", "Data yang dikirim terlalu besar.")

    @app.errorhandler(500)
    def server_error(exc):  # type: ignore[no-untyped-def]
        return error_page(500, "Terjadi kesalahan", "Terjadi kesalahan pada server. Coba lagi atau hubungi admin.")

    return app
