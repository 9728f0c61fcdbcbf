"""Command line of the officer console.

    python -m console run [--host 127.0.0.1] [--port 5002]
    python -m console create-admin USERNAME

``create-admin`` asks for the password twice (or reads ``KOKOM_ADMIN_PASSWORD``
for scripted use). An existing account gets the new password and the admin
role, which is also how a lost admin password is recovered on the server.
"""
from __future__ import annotations

import argparse
import getpass
import signal
import sys
import threading

from kokom import settings


def _create_admin(username: str) -> int:
    from console import auth
    from kokom.db import init_db

    init_db()
    password = settings.text("KOKOM_ADMIN_PASSWORD") or None
    if password is None:
        if not sys.stdin.isatty():
            print("Tidak ada terminal: isi kata sandi lewat variabel KOKOM_ADMIN_PASSWORD.", file=sys.stderr)
            return 2
        password = getpass.getpass("Kata sandi admin baru: ")
        if getpass.getpass("Ulangi kata sandi: ") != password:
            print("Kata sandi tidak sama. Akun tidak dibuat.", file=sys.stderr)
            return 1
    name = auth.normalize_username(username)
    existing = [o for o in auth.list_officers() if o["username"] == name]
    try:
        if existing:
            auth.set_password(name, password, actor="cli")
            auth.update_officer(existing[0]["id"], role="admin", active=True, actor="cli")
            print(f"Akun '{name}' sudah ada: kata sandi diganti, peran admin, aktif.")
        else:
            auth.create_officer(name, password, role="admin", actor="cli")
            print(f"Admin '{name}' dibuat. Masuk ke konsol dengan akun ini.")
    except auth.AccountError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def _run(host: str, port: int) -> int:
    """Werkzeug's server, for development on this machine (production: gunicorn, docs/deploy.md)."""
    from werkzeug.serving import make_server

    from console.app import create_app
    from kokom.netguard import is_loopback_ip
    from kokom.privacy import secure_process
    from kokom.settings import is_production

    if is_production():
        print("KOKOM_ENV=production: start the console with gunicorn (see docs/deploy.md), "
              "not the development server.", file=sys.stderr)
        return 2
    secure_process()
    config: dict = {}
    if not is_loopback_ip(host):
        # Reachable from other computers: cookies only over HTTPS, whatever the environment says.
        config["SESSION_COOKIE_SECURE"] = True
    app = create_app(config)
    # Access log lines go through logging, where kokom.privacy masks any NIK (secure_process).
    server = make_server(host, port, app, threaded=True)
    stop = threading.Event()

    def shutdown(*_: object) -> None:
        if not stop.is_set():
            stop.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    scheme = "http"
    print(f"Konsol petugas SI KoKoM: {scheme}://{host}:{server.port}/", flush=True)
    server.serve_forever()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console", description="Konsol petugas SI KoKoM")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="jalankan konsol (server web)")
    cfg = settings.get()
    run.add_argument("--host", default=cfg.console_host)
    run.add_argument("--port", type=int, default=cfg.console_port)
    admin = sub.add_parser("create-admin", help="buat (atau pulihkan) akun admin")
    admin.add_argument("username")
    args = parser.parse_args(argv)
    if args.command == "run":
        return _run(args.host, args.port)
    return _create_admin(args.username)


if __name__ == "__main__":
    sys.exit(main())
