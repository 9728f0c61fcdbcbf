"""SQLAlchemy models: residents, cases and their history, the handoff queue, feedback.

The schema itself is created by Alembic migrations (``kokom/migrations``);
these classes describe it for the ORM and for ``alembic revision --autogenerate``.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
    text,
)
from sqlalchemy.orm import declarative_base, relationship

from kokom.case_states import HANDOFF_OPEN_SQL, HANDOFF_WAITING
from kokom.nik_crypto import EncryptedNik, set_nik_hash

Base = declarative_base()


def utcnow() -> datetime:
    """Timestamps are stored in UTC (naive, for SQLite); display converts to WIB."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Resident(Base):
    """A person writing to the office, keyed by their WhatsApp id (the Rasa sender id)."""

    __tablename__ = "residents"

    id = Column(Integer, primary_key=True)
    wa_id = Column(String(64), nullable=False, unique=True)
    profile_name = Column(String(200))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_inbound_at = Column(DateTime)

    cases = relationship("Case", back_populates="resident")


class Case(Base):
    """A complaint (ADU), document request (DOK) or consultation (KON)."""

    __tablename__ = "cases"

    id = Column(Integer, primary_key=True)
    ticket = Column(String(32), nullable=False, unique=True)
    kind = Column(String(20), nullable=False)  # complaint | document | consultation
    status = Column(String(30), nullable=False)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, index=True)
    category = Column(String(40))  # complaint category key
    document_type = Column(String(40))  # catalog key for document requests
    description = Column(Text)
    location_text = Column(Text)
    latitude = Column(Float)
    longitude = Column(Float)
    photo_path = Column(String(500))
    reporter_name = Column(String(200))
    anonymous = Column(Boolean, nullable=False, default=False)
    full_name = Column(String(200))
    # Encrypted at rest (kokom/nik_crypto.py, migration 0009); shown masked in lists, never logged.
    nik = Column(EncryptedNik())
    nik_hash = Column(String(64), index=True)  # keyed hash: lookups by NIK without decrypting
    address = Column(Text)
    rt = Column(String(3))
    rw = Column(String(3))
    purpose = Column(Text)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    resident = relationship("Resident", back_populates="cases")
    events = relationship("CaseEvent", back_populates="case", order_by="CaseEvent.id")

    __table_args__ = (Index("ix_cases_kind_status", "kind", "status"),)


@event.listens_for(Case, "before_insert")
@event.listens_for(Case, "before_update")
def _case_nik_hash(_mapper, _connection, target) -> None:  # type: ignore[no-untyped-def]
    set_nik_hash(target)


class CaseEvent(Base):
    """One entry of a case's history: creation, status changes, notes."""

    __tablename__ = "case_events"

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("cases.id"), nullable=False, index=True)
    at = Column(DateTime, nullable=False, default=utcnow)
    actor = Column(String(100), nullable=False)  # "warga", "sistem" or an officer's username
    from_status = Column(String(30))
    to_status = Column(String(30))
    note = Column(Text)

    case = relationship("Case", back_populates="events")


class TicketCounter(Base):
    """Per prefix and day, the last ticket number handed out (atomic increments)."""

    __tablename__ = "ticket_counters"

    prefix = Column(String(3), primary_key=True)
    day = Column(Date, primary_key=True)
    value = Column(Integer, nullable=False, default=0)


class Handoff(Base):
    """A conversation waiting for (or being handled by) a human officer."""

    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(64), nullable=False, index=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False)
    case_id = Column(Integer, ForeignKey("cases.id"))
    reason = Column(String(30), nullable=False)  # requested | fallback | proactive
    status = Column(String(20), nullable=False, default=HANDOFF_WAITING)  # kokom.case_states.HANDOFF_*
    outside_hours = Column(Boolean, nullable=False, default=False)
    requested_at = Column(DateTime, nullable=False, default=utcnow)
    claimed_by = Column(String(100))
    claimed_at = Column(DateTime)
    closed_at = Column(DateTime)

    case = relationship("Case")
    resident = relationship("Resident")

    __table_args__ = (
        Index("ix_handoffs_status_requested", "status", "requested_at"),
        # At most one open handoff per conversation, even under concurrent requests.
        Index(
            "uq_handoffs_one_open_per_sender",
            "sender_id",
            unique=True,
            sqlite_where=text(HANDOFF_OPEN_SQL),
            postgresql_where=text(HANDOFF_OPEN_SQL),
        ),
    )


class Feedback(Base):
    """A suggestion/opinion about the service, or a satisfaction rating (1-5)."""

    __tablename__ = "feedback"

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, index=True)
    text = Column(Text)
    rating = Column(Integer)
    handoff_id = Column(Integer, ForeignKey("handoffs.id"))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # Issue 11: a rating rates one case (or the handoff's KON case) handled by one officer.
    case_id = Column(Integer, ForeignKey("cases.id"), index=True)
    officer = Column(String(100))


# --- Issue 11: satisfaction ratings asked once per case, and the IKM survey -----------

class RatingRequest(Base):
    """The rating question sent to a resident for one case (at most one per case, ever)."""

    __tablename__ = "rating_requests"

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, index=True)
    case_id = Column(Integer, ForeignKey("cases.id"), nullable=False, unique=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id"))
    officer = Column(String(100))
    asked_at = Column(DateTime, nullable=False, default=utcnow)
    answered_at = Column(DateTime)
    feedback_id = Column(Integer, ForeignKey("feedback.id"))


class IkmResponse(Base):
    """One resident's IKM survey (PermenPANRB 14/2017): scores 1-4 for u1..u9, any may be empty."""

    __tablename__ = "ikm_responses"

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, index=True)
    case_id = Column(Integer, ForeignKey("cases.id"))
    started_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
    asked = Column(String(3))  # the element key asked now (None: finished or stopped)
    status = Column(String(12), nullable=False, default="berjalan")  # berjalan | selesai | berhenti
    u1 = Column(Integer)
    u2 = Column(Integer)
    u3 = Column(Integer)
    u4 = Column(Integer)
    u5 = Column(Integer)
    u6 = Column(Integer)
    u7 = Column(Integer)
    u8 = Column(Integer)
    u9 = Column(Integer)


__all__ = [
    "Base",
    "Resident",
    "Case",
    "CaseEvent",
    "TicketCounter",
    "Handoff",
    "Feedback",
    "IkmResponse",
    "RatingRequest",
    "utcnow",
]
