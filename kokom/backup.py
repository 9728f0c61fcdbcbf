"""Backups and restores of everything SI KoKoM keeps: the database, Rasa's conversations, media.

One archive (``kokom-backup-YYYYmmddTHHMMSSZ.tar``, mode 0600) holds:

- ``app.pgdump`` (``pg_dump --format=custom``) or ``app.sqlite`` (SQLite's online backup API,
  consistent while the services run) for ``DATABASE_URL``;
- ``tracker.pgdump`` / ``tracker.sqlite`` for ``TRACKER_DATABASE_URL`` (when it exists);
- ``media/`` (``KOKOM_MEDIA_DIR``);
- ``manifest.json``: when, which schema revision, how many cases, messages and ratings.

The secrets (``KOKOM_NIK_KEYS``/``var/nik_key``, ``var/nik_index_key``, the tokens) are NOT in
the archive: a stolen backup must not carry the key to its NIKs. Keep them apart (docs/deploy.md).

A restore goes into an EMPTY database (refused otherwise unless ``--force``): PostgreSQL with
``pg_restore --no-owner``, SQLite by copying the file; media are unpacked into the media folder.

    python -m kokom.backup create [--out var/backups]
    python -m kokom.backup restore ARCHIVE [--force]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from kokom import VAR_DIR, settings

DEFAULT_OUT = VAR_DIR / "backups"


class BackupError(RuntimeError):
    pass


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (given in PGPASSWORD, never on a command line)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {proc.stderr.strip()[-800:]}")


def _dump(url: str, target_base: Path) -> Path:
    if url.startswith("sqlite"):
        source = _sqlite_path(url)
        if not source.exists():
            raise BackupError(f"database file {source} does not exist")
        target = target_base.with_suffix(".sqlite")
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # consistent even while other processes write
        finally:
            dst.close()
            src.close()
        return target
    libpq, env = _libpq(url)
    target = target_base.with_suffix(".pgdump")
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", f"--dbname={libpq}"],
         env)
    return target


def _tracker_url() -> str | None:
    from kokom.pdp import tracker_url

    url = tracker_url()
    if url.startswith("sqlite") and not _sqlite_path(url).exists():
        return None
    return url


def _counts(url: str) -> dict[str, Any]:
    engine = create_engine(url, future=True)
    try:
        names = set(inspect(engine).get_table_names())
        counts: dict[str, Any] = {}
        with engine.connect() as conn:
            for table in ("cases", "case_events", "residents", "wa_inbound_messages", "wa_outbound_messages",
                          "feedback", "ratings", "handoffs", "officers"):
                if table in names:
                    counts[table] = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            if "alembic_version" in names:
                counts["revision"] = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return counts
    finally:
        engine.dispose()


def create(out_dir: Path | None = None) -> Path:
    """Write a backup archive; returns its path."""
    from kokom.db import database_url

    out_dir = Path(out_dir or DEFAULT_OUT)
    out_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(out_dir, 0o700)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    archive = out_dir / f"kokom-backup-{stamp}.tar"
    app_url = database_url()
    with tempfile.TemporaryDirectory(prefix="kokom-backup-") as tmp:
        work = Path(tmp)
        parts = [_dump(app_url, work / "app")]
        tracker = _tracker_url()
        if tracker:
            parts.append(_dump(tracker, work / "tracker"))
        manifest = {"created_at": stamp, "database": make_url(app_url).get_backend_name(),
                    "tracker": bool(tracker), "counts": _counts(app_url)}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
        fd = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w") as tar:
            tar.add(work / "manifest.json", "manifest.json")
            for part in parts:
                tar.add(part, part.name)
            media = settings.media_dir()
            if media.exists():
                tar.add(media, "media")
    return archive


def _is_empty(url: str) -> bool:
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return True
    engine = create_engine(url, future=True)
    try:
        names = set(inspect(engine).get_table_names())
        if "cases" not in names:
            return not names
        with engine.connect() as conn:
            return conn.execute(text("SELECT COUNT(*) FROM cases")).scalar_one() == 0
    finally:
        engine.dispose()


def _load(part: Path, url: str, force: bool) -> None:
    if not force and not _is_empty(url):
        raise BackupError("the target database is not empty: restore into an empty one (or use --force)")
    if part.suffix == ".sqlite":
        if not url.startswith("sqlite"):
            raise BackupError("a SQLite backup restores into SQLite only")
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        src = sqlite3.connect(part)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        os.chmod(target, 0o600)
        return
    if not url.startswith("postgresql"):
        raise BackupError("a PostgreSQL backup restores into PostgreSQL only")
    libpq, env = _libpq(url)
    # --clean: an empty but already migrated database (a service started first) has the tables.
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--clean", "--if-exists",
          f"--dbname={libpq}", str(part)], env)


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or member.issym() or member.islnk() or member.isdev():
            raise BackupError(f"unsafe path in the archive: {member.name}")
        members.append(member)
    return members


def restore(archive: Path, force: bool = False) -> dict[str, Any]:
    """Restore an archive into the configured (empty) databases and media folder; returns the manifest."""
    from kokom import db

    with tempfile.TemporaryDirectory(prefix="kokom-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(archive) as tar:
            tar.extractall(work, members=_safe_members(tar))  # noqa: S202 - members checked above
        manifest = json.loads((work / "manifest.json").read_text())
        app = next(iter(sorted(work.glob("app.*"))), None)
        if app is None:
            raise BackupError("no database in the archive")
        url = db.database_url()
        db.reset_engines()
        _load(app, url, force)
        tracker_part = next(iter(sorted(work.glob("tracker.*"))), None)
        if tracker_part is not None:
            from kokom.pdp import tracker_url

            _load(tracker_part, tracker_url(), force)
        if (work / "media").exists():
            media = settings.media_dir()
            media.mkdir(parents=True, exist_ok=True)
            shutil.copytree(work / "media", media, dirs_exist_ok=True)
        db.reset_engines()
        db.init_db(url)  # a backup of an older schema is brought up to this code's head
        return manifest


def main(argv: list[str] | None = None) -> int:
    from kokom.privacy import secure_process

    parser = argparse.ArgumentParser(prog="python -m kokom.backup", description="Cadangan SI KoKoM")
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("create", help="buat arsip cadangan")
    make.add_argument("--out", type=Path, default=None, help=f"folder (bawaan {DEFAULT_OUT})")
    back = sub.add_parser("restore", help="pulihkan arsip ke basis data kosong")
    back.add_argument("archive", type=Path)
    back.add_argument("--force", action="store_true", help="timpa basis data yang sudah berisi")
    args = parser.parse_args(argv)
    secure_process()
    try:
        if args.command == "create":
            print(create(args.out))
        else:
            manifest = restore(args.archive, force=args.force)
            print("Dipulihkan:", json.dumps(manifest.get("counts", {}), default=str))
    except BackupError as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
