"""Console tables: officer accounts, audit log, canned replies and files, internal notes,
login attempts (rate limiting) and the officers' replies (sent or failed).

They live in the shared package, on :data:`kokom.models.Base`, so the one Alembic
history (``kokom/migrations``) creates them beside the domain tables without
importing the console (which imports Flask). Only SQLAlchemy is imported here.
"""
from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text

from kokom.models import Base, utcnow

ROLES = ("petugas", "admin", "pemelihara")
ROLE_LABELS = {"petugas": "Petugas", "admin": "Admin", "pemelihara": "Pemelihara"}
# Who may use the maintainers' review queue and retrain/deploy models (issue 12).
MAINTAINER_ROLES = ("admin", "pemelihara")


class Officer(Base):
    """A person who logs in to the console (role petugas or admin)."""

    __tablename__ = "officers"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    full_name = Column(String(200))
    password_hash = Column(String(255), nullable=False)  # argon2id
    role = Column(String(20), nullable=False, default="petugas")
    active = Column(Boolean, nullable=False, default=True)
    # Part of the login session id: rotated on password change / deactivation,
    # which ends every open session of that account.
    session_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_login_at = Column(DateTime)


class ConsoleSession(Base):
    """One login of an officer (server side): logging out revokes it, so a copied
    cookie stops working; only a hash of the session key is stored."""

    __tablename__ = "console_sessions"

    id = Column(Integer, primary_key=True)
    officer_id = Column(Integer, ForeignKey("officers.id", ondelete="CASCADE"), nullable=False, index=True)
    key_hash = Column(String(64), nullable=False, unique=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    revoked_at = Column(DateTime)
    ip = Column(String(64))


class AuditLog(Base):
    """Who changed what, when, on which target (never a full NIK)."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    actor = Column(String(64), nullable=False)  # officer username (or "cli")
    action = Column(String(64), nullable=False)  # e.g. "case.status", "handoff.claim"
    target = Column(String(200))  # e.g. a ticket, "handoff:12", "officer:budi"
    detail = Column(Text)
    ip = Column(String(64))


class CannedReply(Base):
    """A quick reply officers can insert into the reply box (edited by admins)."""

    __tablename__ = "canned_replies"

    id = Column(Integer, primary_key=True)
    title = Column(String(80), nullable=False)
    text = Column(Text, nullable=False)
    position = Column(Integer, nullable=False, default=0)
    updated_by = Column(String(64))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class InternalNote(Base):
    """A note officers leave on a conversation; never sent to the resident."""

    __tablename__ = "internal_notes"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(64), nullable=False, index=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id"))
    author = Column(String(64), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class LoginAttempt(Base):
    """One login try (for the per-username and per-IP rate limits)."""

    __tablename__ = "login_attempts"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow)
    username = Column(String(64), nullable=False)
    ip = Column(String(64), nullable=False)
    success = Column(Boolean, nullable=False, default=False)

    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )


class OfficerReply(Base):
    """A message an officer sent (or tried to send) to a resident.

    Successful replies also appear in Rasa's conversation history (bot events
    with ``metadata.officer``); failed ones are kept here so the console shows
    them instead of hiding them.
    """

    __tablename__ = "officer_replies"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(64), nullable=False, index=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id"))
    officer = Column(String(64), nullable=False)
    kind = Column(String(20), nullable=False, default="text")  # text | template | closing | rating | notification
    text = Column(Text, nullable=False)
    ok = Column(Boolean, nullable=False, default=False)
    used_template = Column(Boolean, nullable=False, default=False)
    outbound_id = Column(Integer)
    wamid = Column(String(200))
    error = Column(Text)
    in_history = Column(Boolean, nullable=False, default=False)  # appended to the Rasa tracker
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # An attached file (issue 15, migration 0007): path inside the media dir, real MIME type, name.
    media_path = Column(String(500))
    media_type = Column(String(100))
    media_name = Column(String(200))


class CannedFile(Base):
    """A file in the admins' library (form, filling guide, poster, map) officers send with two clicks.

    The bytes are under the media dir (``path`` is relative to it), checked like any attachment.
    """

    __tablename__ = "canned_files"

    id = Column(Integer, primary_key=True)
    title = Column(String(80), nullable=False)
    caption = Column(Text)
    filename = Column(String(200), nullable=False)
    path = Column(String(500), nullable=False)
    mime_type = Column(String(100), nullable=False)
    kind = Column(String(20), nullable=False)  # image | document
    size = Column(Integer, nullable=False)
    position = Column(Integer, nullable=False, default=0)
    updated_by = Column(String(64))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "MAINTAINER_ROLES",
    "Officer",
    "AuditLog",
    "CannedReply",
    "CannedFile",
    "InternalNote",
    "LoginAttempt",
    "OfficerReply",
]
