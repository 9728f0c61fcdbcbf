"""Officer accounts: argon2 password hashes, the login rate limit, the audit log.

Plain functions over :mod:`kokom.db` transactions; the Flask views and the
CLI (``python -m console create-admin``) both use them.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_login import UserMixin
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kokom.console_tables import ROLES, AuditLog, ConsoleSession, LoginAttempt, Officer
from kokom.db import run_in_transaction
from kokom.models import utcnow

_hasher = PasswordHasher()
# Verified against when the username does not exist, so a wrong username costs
# as much time as a wrong password (no account enumeration by timing).
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 10
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")

# Defaults of the login rate limit (the app config can change them).
LOGIN_WINDOW_SECONDS = 15 * 60
LOGIN_MAX_PER_USER = 5
LOGIN_MAX_PER_IP = 20


class AccountError(ValueError):
    """Invalid account data (message in Indonesian)."""


@dataclass(frozen=True)
class OfficerUser(UserMixin):
    """The logged-in officer as Flask-Login sees it (a snapshot, not an ORM row)."""

    id: int
    username: str
    full_name: str | None
    role: str
    active: bool
    session_token: str
    session_key: str = ""

    def get_id(self) -> str:
        # The officer's token is rotated on password change/deactivation (every session
        # ends); the session key is this login's, revoked at logout (a copied cookie dies).
        return f"{self.id}:{self.session_token}:{self.session_key}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


def _user(o: Officer, session_key: str = "") -> OfficerUser:
    return OfficerUser(o.id, o.username, o.full_name, o.role, bool(o.active), o.session_token, session_key)


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str, username: str | None = None) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")
    if username and password.strip().lower() == username.lower():
        raise AccountError("Kata sandi tidak boleh sama dengan nama pengguna.")


def audit(actor: str, action: str, target: str | None = None, detail: str | None = None,
          ip: str | None = None, session: Session | None = None) -> None:
    """Record who changed what (never put a full NIK or a password in ``detail``)."""
    entry = AuditLog(actor=actor[:64], action=action[:64], target=(target or "")[:200] or None,
                     detail=(detail or "")[:2000] or None, ip=(ip or "")[:64] or None)
    if session is not None:
        session.add(entry)
        return
    run_in_transaction(lambda s: s.add(entry))


def load_user(user_id: str) -> OfficerUser | None:
    """Flask-Login loader: ``"<id>:<officer token>:<session key>"`` of an active officer
    whose session has not been logged out."""
    parts = (user_id or "").split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1] or not parts[2]:
        return None
    raw_id, token, key = parts

    def work(session: Session) -> OfficerUser | None:
        o = session.get(Officer, int(raw_id))
        if o is None or not o.active or not secrets.compare_digest(o.session_token, token):
            return None
        row = session.execute(
            select(ConsoleSession.id).where(ConsoleSession.key_hash == _key_hash(key),
                                            ConsoleSession.officer_id == o.id,
                                            ConsoleSession.revoked_at.is_(None))
        ).first()
        return _user(o, key) if row else None

    return run_in_transaction(work)


def end_session(user: OfficerUser) -> None:
    """Logout: this session stops working, whoever holds a copy of its cookie."""
    if not user.session_key:
        return

    def work(session: Session) -> None:
        row = session.execute(
            select(ConsoleSession).where(ConsoleSession.key_hash == _key_hash(user.session_key))
        ).scalar_one_or_none()
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()

    run_in_transaction(work)


def create_officer(username: str, password: str, role: str = "petugas", full_name: str | None = None,
                   *, actor: str = "cli", ip: str | None = None) -> OfficerUser:
    username = normalize_username(username)
    if not USERNAME_RE.match(username):
        raise AccountError(
            "Nama pengguna 3-64 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung."
        )
    if role not in ROLES:
        raise AccountError("Peran harus 'petugas', 'admin' atau 'pemelihara'.")
    check_password_strength(password, username)
    hashed = hash_password(password)

    def work(session: Session) -> OfficerUser:
        exists = session.execute(select(Officer.id).where(Officer.username == username)).first()
        if exists:
            raise AccountError(f"Nama pengguna '{username}' sudah dipakai.")
        o = Officer(username=username, full_name=(full_name or "").strip()[:200] or None, password_hash=hashed,
                    role=role, active=True, session_token=secrets.token_hex(16))
        session.add(o)
        session.flush()
        audit(actor, "petugas.buat", f"petugas:{username}", f"peran={role}", ip, session=session)
        return _user(o)

    return run_in_transaction(work)


def set_password(username: str, password: str, *, actor: str, ip: str | None = None) -> None:
    """New password; every open session of the account ends."""
    username = normalize_username(username)
    check_password_strength(password, username)
    hashed = hash_password(password)

    def work(session: Session) -> None:
        o = session.execute(select(Officer).where(Officer.username == username)).scalar_one_or_none()
        if o is None:
            raise AccountError("Petugas tidak ditemukan.")
        o.password_hash = hashed
        o.session_token = secrets.token_hex(16)
        audit(actor, "petugas.sandi", f"petugas:{username}", None, ip, session=session)

    run_in_transaction(work)


def update_officer(officer_id: int, *, role: str | None = None, active: bool | None = None,
                   full_name: str | None = None, actor: str, ip: str | None = None) -> OfficerUser:
    """Change role/active/name. The last active admin cannot be demoted or deactivated."""
    if role is not None and role not in ROLES:
        raise AccountError("Peran harus 'petugas', 'admin' atau 'pemelihara'.")

    def work(session: Session) -> OfficerUser:
        o = session.get(Officer, officer_id)
        if o is None:
            raise AccountError("Petugas tidak ditemukan.")
        changes = []
        losing_admin = o.role == "admin" and o.active and (
            (role is not None and role != "admin") or active is False
        )
        if losing_admin:
            admins = session.execute(
                select(func.count(Officer.id)).where(Officer.role == "admin", Officer.active.is_(True))
            ).scalar_one()
            if admins <= 1:
                raise AccountError("Harus ada minimal satu admin aktif.")
        if role is not None and role != o.role:
            changes.append(f"peran {o.role}->{role}")
            o.role = role
        if active is not None and bool(active) != bool(o.active):
            changes.append("aktif" if active else "nonaktif")
            o.active = bool(active)
            if not active:
                o.session_token = secrets.token_hex(16)
        if full_name is not None and (full_name.strip() or None) != o.full_name:
            changes.append("nama")
            o.full_name = full_name.strip()[:200] or None
        if changes:
            audit(actor, "petugas.ubah", f"petugas:{o.username}", ", ".join(changes), ip, session=session)
        return _user(o)

    return run_in_transaction(work)


def list_officers() -> list[dict]:
    def work(session: Session) -> list[dict]:
        rows = session.execute(select(Officer).order_by(Officer.username)).scalars()
        return [
            dict(id=o.id, username=o.username, full_name=o.full_name, role=o.role, active=bool(o.active),
                 created_at=o.created_at, last_login_at=o.last_login_at)
            for o in rows
        ]

    return run_in_transaction(work)


@dataclass(frozen=True)
class LoginResult:
    user: OfficerUser | None
    blocked: bool = False
    retry_after: int = 0  # seconds

    @property
    def ok(self) -> bool:
        return self.user is not None


def _failures_since(session: Session, since: datetime, *conditions) -> tuple[int, datetime | None]:  # type: ignore[no-untyped-def]
    row = session.execute(
        select(func.count(LoginAttempt.id), func.min(LoginAttempt.at)).where(
            *conditions, LoginAttempt.success.is_(False), LoginAttempt.at >= since
        )
    ).one()
    return int(row[0] or 0), row[1]


def login(username: str, password: str, ip: str, *, window_seconds: int = LOGIN_WINDOW_SECONDS,
          max_per_user: int = LOGIN_MAX_PER_USER, max_per_ip: int = LOGIN_MAX_PER_IP,
          purpose: str = "masuk") -> LoginResult:
    """Check credentials under the rate limit; every try is stored (persisted limit).

    A (username, client address) pair with ``max_per_user`` failures since that
    pair's last successful login within the window, or a client address with
    ``max_per_ip`` failures in the window, is refused without checking the password
    until the oldest failure ages out. The lock is per pair, so someone guessing an
    officer's password from one computer does not lock the officer out everywhere.
    Behind the reverse proxy the client address is the real one only with
    ``KOKOM_CONSOLE_TRUST_PROXY=1`` (see docs/deploy.md).
    """
    username = normalize_username(username)[:64]
    ip = (ip or "unknown")[:64]
    now = utcnow()
    window_start = now - timedelta(seconds=window_seconds)

    def check_limit(session: Session) -> int:
        last_ok = session.execute(
            select(func.max(LoginAttempt.at)).where(LoginAttempt.username == username, LoginAttempt.ip == ip,
                                                    LoginAttempt.success.is_(True))
        ).scalar_one()
        since_user = max(window_start, last_ok) if last_ok else window_start
        user_fails, user_oldest = _failures_since(session, since_user, LoginAttempt.username == username,
                                                  LoginAttempt.ip == ip)
        ip_fails, ip_oldest = _failures_since(session, window_start, LoginAttempt.ip == ip)
        waits = []
        if user_fails >= max_per_user and user_oldest:
            waits.append((user_oldest - window_start).total_seconds())
        if ip_fails >= max_per_ip and ip_oldest:
            waits.append((ip_oldest - window_start).total_seconds())
        if waits:  # refused tries are not counted: the lock lifts when the window passes
            return max(1, int(max(waits)) + 1)
        return 0

    retry = run_in_transaction(check_limit)
    if retry:
        return LoginResult(None, blocked=True, retry_after=retry)

    def fetch(session: Session) -> tuple[int, str, bool] | None:
        o = session.execute(select(Officer).where(Officer.username == username)).scalar_one_or_none()
        return (o.id, o.password_hash, bool(o.active)) if o else None

    found = run_in_transaction(fetch)
    ok = False
    new_hash = None
    try:
        _hasher.verify(found[1] if found else _DUMMY_HASH, password or "")
        ok = found is not None and found[2]
        if ok and _hasher.check_needs_rehash(found[1]):
            new_hash = _hasher.hash(password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False

    def record(session: Session) -> OfficerUser | None:
        session.add(LoginAttempt(username=username, ip=ip, success=ok, at=utcnow()))
        if not ok or found is None:
            return None
        o = session.get(Officer, found[0])
        o.last_login_at = utcnow()
        if new_hash:
            o.password_hash = new_hash
        if purpose != "masuk":  # re-checking the password (e.g. to change it): no new session
            return _user(o)
        key = secrets.token_urlsafe(32)
        session.add(ConsoleSession(officer_id=o.id, key_hash=_key_hash(key), ip=ip))
        audit(o.username, "masuk", f"petugas:{o.username}", None, ip, session=session)
        return _user(o, key)

    return LoginResult(run_in_transaction(record))


def recent_audit(limit: int = 200, actor: str | None = None, action: str | None = None) -> list[dict]:
    def work(session: Session) -> list[dict]:
        query = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
        if actor:
            query = query.where(AuditLog.actor == actor)
        if action:
            query = query.where(AuditLog.action.like(f"{action}%"))
        return [dict(at=a.at, actor=a.actor, action=a.action, target=a.target, detail=a.detail, ip=a.ip)
                for a in session.execute(query).scalars()]

    return run_in_transaction(work)
