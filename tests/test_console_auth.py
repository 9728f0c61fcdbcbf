"""Console security: login required on every route, admin-only routes, CSRF, the login rate limit,
cookies, headers, escaping, sessions ending, and the create-admin command."""
from __future__ import annotations

import re
from pathlib import Path
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from kokom.console_tables import AuditLog, LoginAttempt, Officer
from kokom.db import run_in_transaction, session_scope
from kokom.models import utcnow
from tests.console_fixtures import *  # noqa: F401,F403
from tests.console_fixtures import PASSWORD, csrf_from, logged_in, login, make_officer

# Liveness/readiness/metrics answer without login (metrics to direct loopback clients only;
# tests/test_ops.py checks what they reveal).
PUBLIC = {"auth.login", "static", "ops.healthz", "ops.readyz", "ops.metrics"}
SAMPLE = {
    "handoff_id": "1", "officer_id": "1", "reply_id": "1", "sender_id": "6281234567890",
    "ticket": "ADU-20261127-0001", "name": "foto.jpg", "filename": "console.css",
    "file_id": "1",
    "decision_id": "1",  # review queue (issue 12)
}


def routes(app):
    for rule in app.url_map.iter_rules():
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", SAMPLE[arg], url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_every_route_requires_login(app):
    client = app.test_client()
    token = csrf_from(client.get("/masuk").get_data(as_text=True))  # a valid token, but no login
    checked = 0
    for endpoint, method, url in routes(app):
        if endpoint in PUBLIC:
            continue
        response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        checked += 1
        if url.startswith("/api/"):
            assert response.status_code == 401, (method, url, response.status_code)
            assert response.json["ok"] is False
        else:
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/masuk"), (method, url)
    assert checked >= 20


def test_public_endpoints_are_only_login_and_static(app):
    client = app.test_client()
    assert client.get("/masuk").status_code == 200
    assert client.get("/static/console.css").status_code == 200
    assert client.get("/tidak-ada").status_code == 302  # unknown URLs go to the login too


def test_admin_routes_refuse_officers(app):
    officer = logged_in(app, "budi")
    for endpoint, method, url in routes(app):
        if not endpoint.startswith(("admin.", "pdp.")):
            continue
        response = officer.post(url) if method == "POST" else officer.get(url)
        assert response.status_code == 403, (method, url)
    admin = logged_in(app, "kepala", role="admin")
    assert admin.get("/admin/petugas").status_code == 200


def test_csrf_required_on_every_state_changing_route(app):
    admin = logged_in(app, "kepala", role="admin")
    for endpoint, method, url in routes(app):
        if method != "POST" or endpoint in PUBLIC:
            continue
        response = admin.c.post(url, data={"text": "x"})
        assert response.status_code == 400, (url, response.status_code)
        assert "CSRF" in response.get_data(as_text=True)
        bad = admin.c.post(url, json={"text": "x"}, headers={"X-CSRFToken": "salah"})
        assert bad.status_code == 400, url
    # the login form itself is protected too
    client = app.test_client()
    assert client.post("/masuk", data={"username": "kepala", "password": PASSWORD}).status_code == 400


def test_csrf_header_works_for_fetch_posts(app):
    officer = logged_in(app, "budi")
    response = officer.post_json("/percakapan/6281234567890/catatan", {"text": "x"})
    assert response.status_code != 400  # passes CSRF (fails later: unknown resident is fine)


def test_login_rate_limit_per_username_and_client(app):
    make_officer("budi")
    for _ in range(5):
        response, _client = login(app, "budi", "salah-sandi-123")
        assert response.status_code == 401
    response, _client = login(app, "budi", PASSWORD)
    assert response.status_code == 429 and "Terlalu banyak" in response.get_data(as_text=True)
    # The lock is on the (username, client) pair: someone guessing from one computer
    # does not lock the officer out of their own computer.
    response, _client = login(app, "budi", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 302
    # persisted in the database: a fresh app (restart) still refuses
    from console.app import create_app

    again = create_app({"TESTING": True, "SECRET_KEY": "x", "SESSION_COOKIE_SECURE": False})
    response, _client = login(again, "budi", PASSWORD)
    assert response.status_code == 429  # from the same client as the failures
    # the lock lifts when the failures leave the window
    run_in_transaction(lambda s: s.execute(
        update(LoginAttempt).values(at=utcnow() - timedelta(minutes=16))))
    response, _client = login(app, "budi", PASSWORD)
    assert response.status_code == 302


def test_login_rate_limit_per_ip(console_env):
    from console import auth
    from console.app import create_app

    assert auth.LOGIN_MAX_PER_IP == 20 and auth.LOGIN_MAX_PER_USER == 5  # the defaults
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SESSION_COOKIE_SECURE": False, "LOGIN_MAX_PER_IP": 6})
    make_officer("sari")
    for n in range(6):
        response, _client = login(app, f"tebakan{n}", "salah-sandi-123", ip="192.0.2.7")
        assert response.status_code == 401
    response, _client = login(app, "sari", PASSWORD, ip="192.0.2.7")
    assert response.status_code == 429
    response, _client = login(app, "sari", PASSWORD, ip="192.0.2.8")
    assert response.status_code == 302
    with session_scope() as s:
        assert s.execute(select(LoginAttempt).where(LoginAttempt.ip == "192.0.2.7")).scalars().all()


def test_wrong_username_and_wrong_password_look_the_same(app):
    make_officer("budi")
    r1, _ = login(app, "budi", "salah-sandi-123")
    r2, _ = login(app, "tidakada", "salah-sandi-123")
    assert r1.status_code == r2.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in r1.get_data(as_text=True)
    assert "Nama pengguna atau kata sandi salah" in r2.get_data(as_text=True)


def test_security_headers_and_cookie_flags(console_env, monkeypatch):
    from console.app import create_app

    monkeypatch.delenv("KOKOM_CONSOLE_INSECURE_COOKIES", raising=False)
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    make_officer("budi")
    client = app.test_client()
    page = client.get("/masuk", base_url="https://localhost")
    for header, value in {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}.items():
        assert page.headers[header] == value
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "<script>" not in page.get_data(as_text=True).replace('<script src=', '')
    token = csrf_from(page.get_data(as_text=True))
    response = client.post("/masuk", data={"username": "budi", "password": PASSWORD, "csrf_token": token},
                           base_url="https://localhost")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("kokom_console="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    monkeypatch.setenv("KOKOM_CONSOLE_INSECURE_COOKIES", "1")
    assert create_app({"TESTING": True, "SECRET_KEY": "x"}).config["SESSION_COOKIE_SECURE"] is False


def test_secret_key_generated_once(console_env, monkeypatch, tmp_path):
    import console.app as console_app
    from kokom import settings

    monkeypatch.delenv("KOKOM_CONSOLE_SECRET", raising=False)
    monkeypatch.setattr(settings, "VAR_DIR", tmp_path / "var")
    first = console_app.secret_key()
    assert first == console_app.secret_key() and len(first) > 40
    assert (tmp_path / "var" / "console_secret").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("KOKOM_CONSOLE_SECRET", "dari-env")
    assert console_app.secret_key() == "dari-env"


def test_output_is_escaped(app):
    from kokom.cases import create_complaint

    create_complaint("6281234567891", category="kebersihan", description="<script>alert('x')</script>",
                     reporter_name="<b>Budi</b>")
    officer = logged_in(app, "budi")
    html = officer.get("/kasus/").get_data(as_text=True)
    assert "<b>Budi</b>" not in html and "&lt;b&gt;Budi&lt;/b&gt;" in html
    ticket = re.search(r"ADU-\d{8}-\d{4}", html).group(0)
    page = officer.get(f"/kasus/{ticket}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_deactivation_and_password_change_end_sessions(app):
    admin = logged_in(app, "kepala", role="admin")
    officer = logged_in(app, "budi")
    assert officer.get("/kotak-masuk").status_code == 200
    budi_id = next(o.id for o in [_officer("budi")])
    response = admin.post(f"/admin/petugas/{budi_id}", {"action": "deactivate"})
    assert response.status_code == 302
    assert officer.get("/kotak-masuk").status_code == 302  # logged out
    response, _ = login(app, "budi")
    assert response.status_code == 401
    admin.post(f"/admin/petugas/{budi_id}", {"action": "activate"})
    officer = logged_in_again(app, "budi")
    admin.post(f"/admin/petugas/{budi_id}", {"action": "password", "password": "sandi-baru-yang-panjang"})
    assert officer.get("/kotak-masuk").status_code == 302
    response, _ = login(app, "budi", "sandi-baru-yang-panjang")
    assert response.status_code == 302


def test_last_admin_cannot_be_demoted(app):
    admin = logged_in(app, "kepala", role="admin")
    me_id = _officer("kepala").id
    response = admin.post(f"/admin/petugas/{me_id}", {"action": "role", "role": "petugas"}, follow_redirects=True)
    assert "minimal satu admin" in response.get_data(as_text=True)
    assert _officer("kepala").role == "admin"


def test_admin_creates_officer_and_it_is_audited(app):
    admin = logged_in(app, "kepala", role="admin")
    response = admin.post("/admin/petugas", {"username": "Sari", "full_name": "Sari W", "role": "petugas",
                                             "password": "sandi-sari-12345", "password_repeat": "sandi-sari-12345"},
                          follow_redirects=True)
    assert "Akun &#39;sari&#39; dibuat" in response.get_data(as_text=True)
    short = admin.post("/admin/petugas", {"username": "andi", "role": "petugas", "password": "pendek",
                                          "password_repeat": "pendek"}, follow_redirects=True)
    assert "minimal 10 karakter" in short.get_data(as_text=True)
    with session_scope() as s:
        hashed = s.execute(select(Officer.password_hash).where(Officer.username == "sari")).scalar_one()
        assert hashed.startswith("$argon2id$")
        actions = s.execute(select(AuditLog.action, AuditLog.actor)).all()
    assert ("petugas.buat", "kepala") in actions and ("masuk", "kepala") in actions
    assert "petugas.buat" in admin.get("/admin/audit").get_data(as_text=True)


def test_safe_redirect_after_login(app):
    make_officer("budi")
    client = app.test_client()
    token = csrf_from(client.get("/masuk").get_data(as_text=True))
    response = client.post("/masuk?next=//evil.example/x", data={"username": "budi", "password": PASSWORD,
                                                                  "csrf_token": token})
    assert response.headers["Location"] == "/kotak-masuk"


def test_create_admin_cli(console_env, monkeypatch, capsys):
    from console.__main__ import main

    monkeypatch.setenv("KOKOM_ADMIN_PASSWORD", "sandi-admin-pertama")
    assert main(["create-admin", "Lurah"]) == 0
    assert _officer("lurah").role == "admin"
    monkeypatch.setenv("KOKOM_ADMIN_PASSWORD", "pendek")
    assert main(["create-admin", "lurah2"]) == 1
    monkeypatch.delenv("KOKOM_ADMIN_PASSWORD")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    answers = iter(["sandi-admin-kedua", "sandi-beda-sekali"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["create-admin", "lurah3"]) == 1
    assert "tidak sama" in capsys.readouterr().err
    answers = iter(["sandi-admin-kedua", "sandi-admin-kedua"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["create-admin", "lurah3"]) == 0
    # an existing account is recovered: new password, admin
    monkeypatch.setenv("KOKOM_ADMIN_PASSWORD", "sandi-pulih-1234")
    assert main(["create-admin", "lurah3"]) == 0
    assert "sudah ada" in capsys.readouterr().out


def _officer(username: str):
    with session_scope() as s:
        o = s.execute(select(Officer).where(Officer.username == username)).scalar_one()
        s.expunge(o)
        return o


def logged_in_again(app, username: str):
    from tests.console_fixtures import Client

    response, client = login(app, username)
    assert response.status_code == 302
    return Client(client, username)


@pytest.fixture(autouse=True)
def _no_real_var(monkeypatch):
    monkeypatch.setenv("KOKOM_CONSOLE_SECRET", "test-secret")


def test_access_log_never_shows_a_full_nik():
    """The development server's access log goes through logging, masked by kokom.privacy."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = (
        "import logging, sys\n"
        "from kokom.privacy import install_log_masking\n"
        "install_log_masking()\n"
        "logging.basicConfig(stream=sys.stdout, level=logging.INFO)\n"
        "from werkzeug.serving import WSGIRequestHandler\n"
        "h = WSGIRequestHandler.__new__(WSGIRequestHandler)\n"
        "h.client_address = ('127.0.0.1', 50000)\n"
        "h.environ = {}\n"
        "h.log('info', '\"%s\" %s %s', 'GET /kasus/?q=3577011203850001 HTTP/1.1', '200', '-')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PYTHONPATH=str(root)))
    assert out.returncode == 0, out.stderr
    assert "3577011203850001" not in out.stdout and "3577********0001" in out.stdout, out.stdout


def test_production_password_hashing_keeps_argon2id_defaults():
    """The suite hashes cheaply (conftest); the console module itself uses argon2-cffi's defaults."""
    import ast

    from argon2 import PasswordHasher, Type

    source = (Path(__file__).resolve().parents[1] / "console" / "auth.py").read_text(encoding="utf-8")
    assigned = [node.value for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Assign)
                and any(getattr(t, "id", None) == "_hasher" for t in node.targets)]
    assert len(assigned) == 1 and ast.unparse(assigned[0]) == "PasswordHasher()"
    default = PasswordHasher()
    assert default.time_cost >= 3 and default.memory_cost >= 65536 and default.type == Type.ID
